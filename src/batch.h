/*
 * batch.h — a batch of registers, read in parallel and audited together.
 *
 * batch_run() sorts the paths (so nothing depends on the order they were
 * given in), reads each register on one of N worker threads (one reader,
 * hence one parser and one validation context, per thread; the compiled
 * schema and the vocabularies are shared read-only), feeds the tally and
 * the audit of that register in the same pass, and runs the batch-wide
 * audit rules over each register once it and those before it in path
 * order are read (while the others are still being read). A register that turns out invalid keeps only its schema
 * diagnostics: its counts and findings are dropped. Diagnostics are kept
 * in a diag_store per register (compact, spilled to a temporary file when
 * many) and read back in order with batch_each_diag; counts by rule and
 * severity are exact whatever their number.
 */
#ifndef CANVASS_BATCH_H
#define CANVASS_BATCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
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
    diag_store *diags; /* what the reader said (schema, io) */
    diag_store *found; /* the audit's findings; NULL unless valid */
} batch_reg;

typedef struct {
    batch_reg *regs; /* sorted by path */
    size_t n;
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
    size_t spill;                      /* diag_store_new's: 0 by default */
    reader_digest digest; /* each register's rr.digest: READER_SHA256 (0)
                           * for a return's provenance */
    /* progress: called by the worker threads, under a lock, as registers
     * are read (bytes read so far in the batch, registers done); NULL for
     * none */
    void (*progress)(void *ud, uint64_t bytes, size_t done, size_t total);
    void *progress_ud;
    /* NULL, or called with each register's index, in path order, once its
     * diagnostics are final (it is read and the batch rules have run over
     * it), so that they can be written out while the registers after it
     * are still being read: from a worker thread, mostly the one that read
     * it (batch.c says which), one call at a time, never after an
     * interrupt or a failure. A result other than ERR_OK stops the batch,
     * which then fails with it. */
    error_code (*on_final)(void *ud, const batch_t *b, size_t i);
    void *final_ud;
} batch_opts;

/* Reads the N registers at PATHS. Returns NULL with *RC set on no memory
 * (read failures are recorded per register, not returned). Duplicate paths
 * are read once. Caller frees with batch_free. */
batch_t *batch_run(const char *const *paths, size_t n, const batch_opts *o,
                   error_code *rc);
void batch_free(batch_t *b);

/* Calls FN with every diagnostic of B in order (file, line, col, rule,
 * message), formatted as it goes in LANG (NULL: English; diag.h); stops
 * at the first result other than ERR_OK and returns it. */
error_code batch_each_diag(const batch_t *b, const diag_lang *lang, diag_fn fn,
                           void *ud);
/* The same, FN called only for the diagnostics WANT accepts (asked before
 * the message is made: see diag_store_each_of_if). */
error_code batch_each_diag_if(const batch_t *b, const diag_lang *lang,
                              diag_want_fn want, diag_fn fn, void *ud);

#endif
