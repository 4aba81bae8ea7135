/*
 * return.h — the return model: the return document (input-schema/
 * return.xsd) built from a batch, read from a file, validated and saved.
 *
 * The return model *is* this xmlDoc: renderers read it, return.xml is its
 * serialisation, merge will read it back. It carries no personal data.
 */
#ifndef CANVASS_RETURN_H
#define CANVASS_RETURN_H

#include <stddef.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "audit.h"
#include "batch.h"
#include "error.h"
#include "vocab.h"

typedef struct {
    const vocab_t *vocab;    /* register.xsd vocabulary */
    const vocab_t *rvocab;   /* return.xsd vocabulary */
    const audit_opts *audit; /* severities in force */
    size_t max_findings;     /* per rule in the findings list; 0: all */
    const char *generator;   /* "canvass VERSION" */
} return_opts;

/* Builds the return of the included registers of B into *OUT (caller
 * frees with xmlFreeDoc). Units: each community (registers of one
 * community code are added together), then the street, district and city
 * roll-ups that cover two or more communities, then "all" when the batch
 * has two or more communities. ERR_INVALID when the batch cannot make one
 * return (no register included; registers of different campaigns),
 * ERR_NOMEM; *OUT is NULL and *MSG (malloc'd) says why. */
error_code return_build(const batch_t *b, const return_opts *o, xmlDocPtr *out,
                        char **msg);

/* Validates DOC against the compiled return schema: ERR_OK, or
 * ERR_INVALID (ERR_NOMEM) with *MSG set to the first problem. */
error_code return_validate(xmlDocPtr doc, xmlSchemaPtr schema, char **msg);

/* Serialises DOC (UTF-8, indented) into a malloc'd buffer. */
error_code return_serialize(xmlDocPtr doc, char **buf, size_t *len);

#endif
