/*
 * names.h — tells which of a fixed list of XML names (elements,
 * attributes, namespace URIs) a name handed over by libxml2 is, by its
 * pointer rather than by comparing strings.
 *
 * libxml2's parser keeps every element and attribute name and namespace
 * URI it reads in its dictionary (ctxt->dict) and hands the SAX callbacks
 * those interned pointers, so in one parse one name is one pointer. A
 * names_t remembers, for each pointer the dictionary owns, which name of
 * the list it is (or none): after the first sight of each name, finding
 * it is one hash probe. Correctness never rests on the interning: a
 * pointer the dictionary does not own is compared as a string each time,
 * and so is a new name once the memo is full (a hostile file with many
 * names costs string compares, never memory).
 *
 * Used by the reader, one names_t per reader (not shared between threads).
 */
#ifndef CANVASS_NAMES_H
#define CANVASS_NAMES_H

#include <stddef.h>
#include <libxml/xmlstring.h>
#include <libxml/dict.h>

typedef struct names names_t;

/* A finder for the N names of LIST (borrowed; distinct, NUL-terminated,
 * kept alive by the caller while the finder is used). NULL on no memory. */
names_t *names_new(const char *const *list, size_t n);
/* No-op on NULL. */
void names_free(names_t *t);

/* Forgets every remembered pointer, and takes DICT (borrowed; NULL for
 * none: then every name is compared as a string) as the dictionary of the
 * parse to come. Call it before each parse: a dictionary freed since may
 * have its addresses reused for other names. */
void names_reset(names_t *t, xmlDictPtr dict);

/* Index in the list of the NUL-terminated name S, or -1 when S is none of
 * them (or NULL). O(1) for a remembered pointer, else O(list). */
int names_find(names_t *t, const xmlChar *s);

/* How many pointers are remembered (for tests). */
size_t names_remembered(const names_t *t);

#endif
