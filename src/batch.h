/*
 * batch.h — a batch of registers, read in parallel and audited together.
 *
 * batch_run() sorts the paths (so nothing depends on the order they were
 * given in), reads each register on one of N worker threads (one reader,
 * hence one parser and one validation context, per thread; the compiled
 * schema and the vocabularies are shared read-only), feeds the tally and
 * the audit of that register in the same pass, then runs the batch-wide
 * audit rules. A register that turns out invalid keeps only its schema
 * diagnostics: its counts and findings are dropped.
 */
#ifndef CANVASS_BATCH_H
#define CANVASS_BATCH_H

#include <signal.h>
#include <stddef.h>
#include <libxml/xmlschemas.h>
#include "audit.h"
#include "diag.h"
#include "error.h"
#include "reader.h"
#include "tally.h"
#include "vocab.h"

typedef struct {
    char *path;
    reader_result rr;
    error_code io;   /* ERR_OK, or why the file could not be read */
    unsigned errors; /* schema errors + error findings */
    unsigned warnings;
    int included;      /* valid and no error finding: counted */
    char *community;   /* code, when the head was read */
    char *campaign[5]; /* id, title, start, end, reported, when read */
    tally_t *tally;    /* NULL unless included */
} batch_reg;

typedef struct {
    batch_reg *regs; /* sorted by path */
    size_t n;
    diag_list diags; /* every diagnostic, sorted */
    unsigned errors, warnings;
    int io_failed;   /* some register could not be read at all */
    int interrupted; /* stopped by *stop: the results are incomplete */
} batch_t;

typedef struct {
    xmlSchemaPtr schema;
    const vocab_t *vocab;  /* register.xsd */
    const vocab_t *rvocab; /* return.xsd */
    const audit_opts *audit;
    int threads;                       /* 0: one per core */
    const volatile sig_atomic_t *stop; /* non-zero: stop soon (or NULL) */
} batch_opts;

/* Reads the N registers at PATHS. Returns NULL with *RC set on no memory
 * (read failures are recorded per register, not returned). Duplicate paths
 * are read once. Caller frees with batch_free. */
batch_t *batch_run(const char *const *paths, size_t n, const batch_opts *o,
                   error_code *rc);
void batch_free(batch_t *b);

#endif
