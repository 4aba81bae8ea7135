/*
 * return.h — the return model: the return document (input-schema/
 * return.xsd) built from a batch, read from a file, validated and saved.
 *
 * The return model *is* this xmlDoc: renderers read it, return.xml is its
 * serialisation, merge reads it back (retdoc.h). It carries no personal data.
 */
#ifndef CANVASS_RETURN_H
#define CANVASS_RETURN_H

#include <stddef.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "audit.h"
#include "batch.h"
#include "diag.h"
#include "error.h"
#include "retdoc.h"
#include "tally.h"
#include "vocab.h"

typedef struct {
    const vocab_t *vocab;    /* register.xsd vocabulary */
    const vocab_t *rvocab;   /* return.xsd vocabulary */
    const audit_opts *audit; /* severities in force */
    size_t max_findings;     /* per rule in the findings list; 0: all */
    const char *generator;   /* "canvass VERSION" */
} return_opts;

/* Format version this program writes and reads. */
#define RETURN_FORMAT_VERSION "1"

/* What a return is made of: the campaign (id, title, start, end,
 * reported), every register it was compiled from, the community tallies
 * (one per community code, borrowed, any order), and the findings (file
 * names as the return shows them; sorted in place). OMITTED: findings
 * already left out of the lists this one was gathered from. */
typedef struct {
    const char *campaign[5];
    int partial;
    const retdoc_source *sources;
    size_t nsources;
    tally_t *const *communities;
    size_t ncommunities;
    diag_list *findings;
    unsigned long long omitted;
} return_parts;

/* Writes the return document of P into *OUT (caller frees): units (each
 * community, then the roll-ups), sources, findings. The only writer of
 * returns; build and merge both call it. ERR_NOMEM with *MSG set. */
error_code return_assemble(const return_parts *p, const return_opts *o,
                           xmlDocPtr *out, char **msg);

/* True when the campaigns A and B (id, title, start, end, reported) are
 * the same. */
int return_same_campaign(const char *const a[5], const char *const b[5]);

/* The message refusing FILE_A and FILE_B for being of different campaigns
 * (malloc'd; NULL on no memory). One wording for check, build and merge. */
char *return_campaign_clash(const char *file_a, const char *const a[5],
                            const char *file_b, const char *const b[5]);

/* Builds the return of the included registers of B into *OUT (caller
 * frees with xmlFreeDoc). Units: each community (registers of one
 * community code are added together), then the street, district and city
 * roll-ups that cover two or more communities, then "all" when the batch
 * has two or more communities. Registers are named by file name without
 * directory. ERR_INVALID when the batch cannot make one
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
