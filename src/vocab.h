/*
 * vocab.h — enumerations read from an XSD at run time.
 *
 * canvass has no C table of categories: every enumerated value (dwelling,
 * category, status, group, rule, table titles...) and its zh/en labels come
 * from the xs:simpleType/xs:enumeration/xs:documentation of a schema, in
 * schema order. Adding a value to the schema adds a row to every report.
 *
 * A vocab_t is immutable once loaded and may be shared between threads.
 */
#ifndef CANVASS_VOCAB_H
#define CANVASS_VOCAB_H

#include <stddef.h>
#include "error.h"

typedef struct vocab vocab_t;

typedef struct {
    const char *value; /* the enumeration value */
    const char *zh;    /* xs:documentation xml:lang="zh" (value if absent) */
    const char *en;    /* xs:documentation xml:lang="en" (value if absent) */
} vocab_item;

/* Loads every named simple type with enumerations from the XSD at PATH
 * (NONET, no entities). On failure returns NULL and, if MSG is not NULL,
 * sets *MSG to a malloc'd message (caller frees). Caller frees with
 * vocab_free. */
vocab_t *vocab_load(const char *path, char **msg);

/* No-op on NULL. */
void vocab_free(vocab_t *v);

/* The values of simple type TYPE in schema order; *N gets their number.
 * Borrowed from V. NULL (and *N = 0) if the schema has no such type. */
const vocab_item *vocab_enum(const vocab_t *v, const char *type, size_t *n);

/* Index of VALUE in TYPE, or -1. O(number of values). */
int vocab_index(const vocab_t *v, const char *type, const char *value);

/* Label of VALUE of TYPE in LANG ("zh" or "en"); VALUE itself when the
 * type or value is unknown. Borrowed. */
const char *vocab_label(const vocab_t *v, const char *type, const char *value,
                        const char *lang);

/* A declared element or attribute of the schema: its simple type (the
 * local name of its type="r:..." attribute; NULL when anonymous or a
 * built-in type, whose name is in XSTYPE, e.g. "xs:date") and its labels
 * (xs:annotation/xs:documentation xml:lang="zh"/"en" on the declaration;
 * NULL when absent). */
typedef struct {
    const char *type;
    const char *xstype;
    const char *zh;
    const char *en;
} vocab_decl;

/* The declaration of attribute ATTRIBUTE of element ELEMENT, or of element
 * ELEMENT itself when ATTRIBUTE is NULL; NULL if the schema declares no
 * such thing. Attributes are found both in an anonymous complex type
 * inside the element's declaration and in the named complex type the
 * element declares as its type. Borrowed from V. O(declarations). */
const vocab_decl *vocab_decl_find(const vocab_t *v, const char *element,
                                  const char *attribute);

/* The built-in type ("xs:gYear") that simple type TYPE ("bornYear", or
 * "xs:..." itself) restricts, following restrictions of our own types;
 * NULL if unknown. Borrowed. */
const char *vocab_xstype(const vocab_t *v, const char *type);

#endif
