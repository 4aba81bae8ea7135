/*
 * fuzz_register.c — libFuzzer target: register bytes → reader + audit +
 * tally + return, the path `canvass build --allow-partial` takes up to the
 * return document, in memory.
 *
 * The input is one register, or up to MAX_REGS registers separated by the
 * line SEP (it is in the dictionary), so the batch-wide audit rules
 * (duplicate-household across registers) and the street/district/city
 * roll-ups of the return are reached too. Each register is written to its
 * own memfd, created once; the reader opens it by its /proc/self/fd/N path
 * like any regular file, so nothing touches the disk.
 *
 * Besides the sanitizers, the target checks the contracts a crash would
 * not show, and aborts (a "crash" for libFuzzer) when one is broken:
 *   - a register the reader calls valid was read to its last byte, and has
 *     no schema diagnostic;
 *   - a register called invalid has at least one error diagnostic naming
 *     it (never silently invalid);
 *   - every diagnostic is one line of valid UTF-8 and formats as text and
 *     JSON;
 *   - a return built from the batch validates against return.xsd (the
 *     "internal error" of canvass build) and parses back.
 *
 * The schemas are read from $CANVASS_SCHEMA_DIR, else from the source
 * tree's input-schema/ (FUZZ_SCHEMA_DIR, set by the Makefile).
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "audit.h"
#include "batch.h"
#include "diag.h"
#include "reader.h"
#include "return.h"
#include "vocab.h"

#ifndef FUZZ_SCHEMA_DIR
#define FUZZ_SCHEMA_DIR "input-schema"
#endif

#define MAX_REGS 3
#define SEP "\n<!--canvass-fuzz-next-register-->\n"

typedef struct {
    xmlSchemaPtr schema, rschema;
    vocab_t *vocab, *rvocab;
    audit_opts audit;
    int fd[MAX_REGS];
    char path[MAX_REGS][32];
} fuzz_state;

/* The one piece of state a libFuzzer target cannot avoid: what
 * LLVMFuzzerInitialize loaded, read-only afterwards. */
static fuzz_state S;

#define FUZZ_NAME "fuzz_register"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("CANVASS_SCHEMA_DIR");
    char *reg, *ret, *msg = NULL;
    int i;

    (void)argc;
    (void)argv;
    if (!dir || !*dir)
        dir = FUZZ_SCHEMA_DIR;
    reg = schema_path(dir, "register.xsd");
    ret = schema_path(dir, "return.xsd");
    if (!(S.schema = reader_load_schema(reg, &msg)) ||
        !(S.vocab = vocab_load(reg, &msg)) ||
        !(S.rschema = reader_load_schema(ret, &msg)) ||
        !(S.rvocab = vocab_load(ret, &msg)))
        die("cannot load the schemas (set CANVASS_SCHEMA_DIR)", msg);
    free(reg);
    free(ret);
    audit_opts_default(&S.audit);
    for (i = 0; i < MAX_REGS; i++) {
        if ((S.fd[i] = memfd_create("canvass-fuzz", MFD_CLOEXEC)) < 0)
            die("memfd_create failed", NULL);
        snprintf(S.path[i], sizeof S.path[i], "/proc/self/fd/%d", S.fd[i]);
    }
    return 0;
}

/* Per register: its errors and schema diagnostics, counted as the batch's
 * diagnostics stream by (they are not held: issue 9). */
typedef struct {
    const batch_t *b;
    size_t errs[MAX_REGS], schema[MAX_REGS];
} diag_counts;

static error_code check_one(void *ud, const diag *d)
{
    diag_counts *c = ud;
    char *t = diag_format_text(d), *j = diag_format_json(d);
    size_t i;

    if (!t || !j)
        die("a diagnostic does not format", d->rule);
    check_text("message", d->message);
    check_text("rule", d->rule);
    check_text("text form", t);
    check_text("JSON form", j);
    free(t);
    free(j);
    for (i = 0; i < c->b->n && i < MAX_REGS; i++) {
        if (strcmp(d->file, c->b->regs[i].path))
            continue;
        c->errs[i] += d->severity == DIAG_ERROR;
        c->schema[i] += !strcmp(d->rule, "schema");
    }
    return ERR_OK;
}

static void check_diags(const batch_t *b, const size_t *len)
{
    diag_counts c;
    size_t i;

    memset(&c, 0, sizeof c);
    c.b = b;
    if (batch_each_diag(b, NULL, check_one, &c) != ERR_OK)
        die("the diagnostics could not be read back", NULL);
    for (i = 0; i < b->n && i < MAX_REGS; i++) {
        const batch_reg *r = &b->regs[i];
        size_t n = 0;
        int slot;

        if (r->io != ERR_OK)
            die("a memfd register could not be read", error_string(r->io));
        if (!r->rr.valid && !c.errs[i])
            die("a register is invalid without an error diagnostic", NULL);
        if (r->rr.valid && (c.schema[i] || r->rr.errors))
            die("a register is valid with schema diagnostics", NULL);
        for (slot = 0; slot < MAX_REGS; slot++)
            if (!strcmp(r->path, S.path[slot]))
                n = len[slot];
        if (r->rr.valid && r->rr.size != n)
            die("a register is valid but was not read to its end", NULL);
        if (r->included && !r->rr.valid)
            die("an invalid register is included in the return", NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *paths[MAX_REGS];
    size_t len[MAX_REGS] = {0}, n = 0, seplen = strlen(SEP);
    const uint8_t *p = data, *end = data + size;
    batch_opts bo;
    return_opts ro;
    batch_t *b;
    xmlDocPtr ret;
    error_code rc;
    char *msg = NULL, *buf = NULL;
    size_t blen = 0;

    /* split at SEP into at most MAX_REGS registers */
    while (n < MAX_REGS) {
        const uint8_t *q = n + 1 < MAX_REGS
                               ? memmem(p, (size_t)(end - p), SEP, seplen)
                               : NULL;
        size_t l = q ? (size_t)(q - p) : (size_t)(end - p);
        put(S.fd[n], p, l);
        len[n] = l;
        paths[n] = S.path[n];
        n++;
        if (!q)
            break;
        p = q + seplen;
    }

    memset(&bo, 0, sizeof bo);
    bo.schema = S.schema;
    bo.vocab = S.vocab;
    bo.rvocab = S.rvocab;
    bo.audit = &S.audit;
    bo.threads = 1;
    if (!(b = batch_run(paths, n, &bo, &rc)))
        die("batch_run failed", error_string(rc));
    check_diags(b, len);

    memset(&ro, 0, sizeof ro);
    ro.vocab = S.vocab;
    ro.rvocab = S.rvocab;
    ro.audit = &S.audit;
    ro.generator = "canvass fuzz";
    ro.max_findings = 1000; /* canvass build's default cap */
    if (return_build(b, &ro, &buf, &blen, &msg) == ERR_OK) {
        char *vmsg = NULL;
        if (!blen)
            die("the return is empty", NULL);
        if (return_validate(buf, blen, S.rschema, &vmsg) != ERR_OK)
            die("the return does not match return.xsd", vmsg);
        if (return_parse(buf, blen, &ret, &vmsg) != ERR_OK)
            die("the return does not parse back", vmsg);
        if (!utf8_ok((const unsigned char *)buf, blen))
            die("return.xml is not valid UTF-8", NULL);
        xmlFreeDoc(ret);
    }
    free(buf);
    free(msg);
    batch_free(b);
    return 0;
}
