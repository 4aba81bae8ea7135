/*
 * return.h — the return model: the return document (input-schema/
 * return.xsd) built from a batch or from returns, validated and read back.
 *
 * The return is written once, as the bytes of return.xml (retwrite.h:
 * no tree is built to write it); the model the renderers, merge and
 * verify read is the tree parsed from those bytes (return_parse, read
 * through retdoc.h), so what they read is what return.xml says. A build's
 * return that lists every finding goes to a file as it is written
 * (return_build_to) and is read back from a mapping of that file
 * (return_validate_mapped, return_parse_mapped): memory never holds it.
 * It carries no personal data.
 */
#ifndef CANVASS_RETURN_H
#define CANVASS_RETURN_H

#include <stddef.h>
#include <stdio.h>
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
    size_t max_findings;     /* listed per rule and community; SIZE_MAX:
                                 * all, 0: none (counts stay exact) */
    const char *generator;   /* "canvass VERSION" */
    const diag_lang *lang;   /* return_build: the language of the finding
                              * messages (--lang's; NULL: English) */
} return_opts;

/* Format version this program writes and reads. 2: roll-ups stop at the
 * filing unit (filing="true") and <reported> rows say where important
 * opinions went; a version-1 return lacks both, so merge refuses it rather
 * than misjudge its roll-ups. */
#define RETURN_FORMAT_VERSION "2"

/* Findings of one rule in one community (NULL: none) left out of a list
 * before: a return's <notListed>. */
typedef struct {
    const char *rule;
    const char *community;
    unsigned long long count;
} return_not_listed;

/* What a return is made of: the campaign (id, title, start, end,
 * reported), every register it was compiled from, the community tallies
 * (one per community code, borrowed, any order), and the findings:
 * EACH_FINDING(FINDINGS, fn, ud) hands each one to fn in (file, line)
 * order, file names as the return shows them (build streams them from the
 * batch, merge from its sorted list); NOT_LISTED: those already left out
 * of the lists this one was gathered from, added to the counts of what is
 * not listed. */
typedef struct {
    const char *campaign[5];
    int partial;
    const retdoc_source *sources;
    size_t nsources;
    tally_t *const *communities;
    size_t ncommunities;
    const void *findings;
    error_code (*each_finding)(const void *findings, diag_fn fn, void *ud);
    /* when set, used instead: FN only for what WANT accepts, asked before
     * the finding's message is made (a store of many findings) */
    error_code (*each_finding_if)(const void *findings, diag_want_fn want,
                                  diag_fn fn, void *ud);
    const return_not_listed *not_listed;
    size_t nnot_listed;
} return_parts;

/* Writes the return document of P as the bytes of return.xml, *XML
 * (malloc'd, NUL-terminated, caller frees) and *LEN: units (each
 * community, then the roll-ups), sources, findings. The only writer of
 * returns; build and merge both call it. Memory: the bytes, and one
 * roll-up's tally at a time. ERR_NOMEM with *MSG set. */
error_code return_assemble(const return_parts *p, const return_opts *o,
                           char **xml, size_t *len, char **msg);
/* The same written to OUT (borrowed, open for writing) as it is made:
 * memory holds neither the bytes nor the list (under a cap, a first pass
 * over P's findings counts what is over it, for <findings>'s @omitted, so
 * that its start tag is whole before the list). *LEN is its length; OUT
 * is flushed. ERR_WRITE or ERR_NOSPACE (*MSG says why) when OUT cannot
 * take it. */
error_code return_assemble_to(const return_parts *p, const return_opts *o,
                              FILE *out, size_t *len, char **msg);

/* True when the campaigns A and B (id, title, start, end, reported) are
 * the same. */
int return_same_campaign(const char *const a[5], const char *const b[5]);

/* The message refusing FILE_A and FILE_B for being of different campaigns
 * (malloc'd; NULL on no memory). One wording for check, build and merge. */
char *return_campaign_clash(const char *file_a, const char *const a[5],
                            const char *file_b, const char *const b[5]);

/* Builds the return of the included registers of B as the bytes *XML
 * (caller frees) and *LEN, as return_assemble. Units: each community (registers of one
 * community code are added together), then the street, district and city
 * roll-ups that cover two or more communities, then "all" when the batch
 * has two or more communities. Registers are named by file name without
 * directory. ERR_INVALID when the batch cannot make one
 * return (no register included; registers of different campaigns),
 * ERR_NOMEM; *XML is NULL and *MSG (malloc'd) says why. */
error_code return_build(const batch_t *b, const return_opts *o, char **xml,
                        size_t *len, char **msg);
/* The same written to OUT as return_assemble_to (build does so for a
 * return that lists every finding: hundreds of MB at a million
 * households; under a cap the first pass would read the batch's findings
 * twice for a list that is small). */
error_code return_build_to(const batch_t *b, const return_opts *o, FILE *out,
                           size_t *len, char **msg);

/* Validates the return XML (LEN bytes) against the compiled return
 * schema, streaming: no tree is built. ERR_OK, or ERR_INVALID (ERR_NOMEM)
 * with *MSG set to the first problem. */
error_code return_validate(const char *xml, size_t len, xmlSchemaPtr schema,
                           char **msg);
/* The same, of bytes that are a read-only mapping of a file: its pages are
 * let go behind the parser (retdoc_let_go). */
error_code return_validate_mapped(const char *xml, size_t len,
                                  xmlSchemaPtr schema, char **msg);

/* Parses the return XML (LEN bytes, as return_assemble wrote them) into
 * *DOC (caller frees with xmlFreeDoc), the tree retdoc_open reads, without
 * blank text nodes: a lean tree (retdoc.h, RETDOC_LEAN), which holds no
 * finding: they are read from XML through retdoc_finding_at only. The
 * tree borrows XML, which must outlive it. The bytes are pushed to the
 * parser a chunk at a time, not copied. ERR_OK; ERR_NOMEM, or
 * ERR_INTERNAL when the bytes are not well-formed or a finding's markup
 * is not where the parser met it (a bug), with *MSG set. */
error_code return_parse(const char *xml, size_t len, xmlDocPtr *doc,
                        char **msg);
/* The same, of bytes that are a read-only mapping of a file (return.xml
 * written by return_build_to): its pages are let go behind the parser,
 * and the tree is marked RETDOC_LEAN_MAPPED so that retdoc lets go behind
 * its walks too. */
error_code return_parse_mapped(const char *xml, size_t len, xmlDocPtr *doc,
                               char **msg);

/* Writes every diagnostic of B to PATH as CSV (UTF-8 with a BOM, CRLF
 * lines; columns as the workbook's findings list: file, line, rule,
 * severity, message, community, household, visit, item, cadre, with labels
 * in LANG from LABELS, return.xsd, and messages in MLANG: diag.h), streamed as the batch reads them back:
 * however many there are. ERR_OK, or ERR_WRITE/ERR_NOSPACE/ERR_NOMEM with
 * *MSG set. */
error_code return_write_csv(const batch_t *b, const vocab_t *labels,
                            const char *lang, const diag_lang *mlang,
                            const char *path, char **msg);

/* The same, of the findings FINDINGS as EACH hands them out: merge writes
 * the findings its return lists (EACH = return_each_listed, FINDINGS the
 * retdoc_t of the merged return), having no registers to read. */
error_code return_write_csv_of(
    const void *findings, error_code (*each)(const void *, diag_fn, void *),
    const vocab_t *labels, const char *lang, const char *path, char **msg);

/* The same written row by row into F (borrowed, open for writing), for a
 * caller that reads the findings once for more than one purpose (build:
 * the terminal and findings.csv in one reading). return_csv_new writes
 * nothing yet (NULL on no memory); return_csv_add takes one diagnostic (an
 * "io" one is no finding of a return: left out); return_csv_finish writes
 * out the rest and flushes F (the fsync is the caller's: output_commit
 * syncs every file of the set). Both: ERR_OK, or ERR_WRITE,
 * ERR_NOSPACE or ERR_NOMEM, after which the writer only fails. */
typedef struct return_csv return_csv;
return_csv *return_csv_new(const vocab_t *labels, const char *lang, FILE *f);
error_code return_csv_add(return_csv *c, const diag *d);
error_code return_csv_finish(return_csv *c);
void return_csv_free(return_csv *c);

/* Hands FN each <finding> listed in the return CTX (a retdoc_t), in
 * document order, as a diagnostic (borrowed strings). */
error_code return_each_listed(const void *ctx, diag_fn fn, void *ud);

#endif
