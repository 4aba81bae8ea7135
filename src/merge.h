/*
 * merge.h — returns merged one level up: street, district, bureau.
 *
 * merge_run reads each return (retdoc_load, as carefully as a register),
 * validates it against return.xsd, refuses what cannot be merged, reads
 * each community unit back into a tally (tally_read_unit) and hands the
 * tallies, the sources and the findings of every input to
 * return_assemble, the writer build uses: roll-ups, rates and unions are
 * recomputed by build's code from summed counts, never averaged, so the
 * merged return is the one build would write over all the registers.
 *
 * Nothing is printed here: problems come back as located diagnostics
 * (an input that is not a valid return) and as refusals (one sentence
 * each, naming both files where two are involved).
 */
#ifndef CANVASS_MERGE_H
#define CANVASS_MERGE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "audit.h"
#include "diag.h"
#include "error.h"
#include "retdoc.h"
#include "vocab.h"

typedef struct {
    xmlSchemaPtr rschema;  /* return.xsd, compiled */
    const vocab_t *vocab;  /* register.xsd vocabulary */
    const vocab_t *rvocab; /* return.xsd vocabulary */
    int allow_partial;     /* take partial returns */
    size_t max_findings;   /* listed per rule and community; SIZE_MAX:
                            * all, 0: none */
    const char *generator; /* "canvass VERSION", written */
    const char *version;   /* VERSION: a newer generator is refused */
    const volatile sig_atomic_t *stop; /* non-zero: stop soon (or NULL) */
    /* where the merged return goes as it is written (borrowed, open for
     * writing; return_assemble_to), or NULL: into memory (xml) */
    FILE *out;
    /* bytes of findings sorted in memory before a run of them goes to a
     * temporary file (findsort.h); 0: the default, 16 MiB */
    size_t sort_budget;
    /* called after each input is read, in the calling thread (or NULL):
     * the bytes read so far, the inputs read, of TOTAL */
    void (*progress)(void *ud, uint64_t bytes, size_t done, size_t total);
    void *progress_ud;
} merge_opts;

/* Why the inputs cannot be merged: one sentence (naming both files where
 * two are involved), and the input being read when it was found (NULL
 * when there is none); both malloc'd. */
typedef struct {
    char *file;
    char *message;
} merge_refusal;

typedef struct {
    char *xml; /* the merged return, the bytes of return.xml; NULL
                      * when anything failed, or written to o->out */
    size_t len;
    int made;        /* a merged return was made (in xml, or to o->out) */
    char *error;     /* it could not be written to o->out, or the findings
                      * to their temporary file (spill): why (malloc'd) */
    int spill;       /* that file could not be written or (ERR_READ) read */
    diag_list diags; /* inputs that are not valid returns, located */
    merge_refusal *refusals;
    size_t nrefusals, crefusals;
    char **excluded; /* partial: registers left out, "file (return)" */
    size_t nexcluded, cexcluded;
    /* findings an input left out of its lists (<notListed>) under a cap
     * lower than max_findings: the merged list cannot be the one build
     * over the union would give (the counts still are); their number */
    unsigned long long not_relisted;
    int io_failed; /* an input could not be read at all */
    int interrupted;
} merge_result;

/* Merges the returns at PATHS (N of them; the order does not matter).
 * Fills *RES (caller frees with merge_result_clear). Returns ERR_OK when
 * RES says what happened (a doc, or diagnostics and refusals), ERR_NOMEM
 * or ERR_INTERRUPTED; ERR_WRITE or ERR_NOSPACE, with RES->error, when the
 * return could not be written to O->out. */
error_code merge_run(const char *const *paths, size_t n, const merge_opts *o,
                     merge_result *res);

void merge_result_clear(merge_result *res);

/* The audit severities the return RD was made with (the severity of each
 * rule in its first unit) into A, defaults for rules it does not name. */
void merge_severities(retdoc_t *rd, audit_opts *a);

#endif
