/*
 * fuzz_return.c — libFuzzer target: return.xml bytes → canvass merge, in
 * memory (retdoc_load validating as it reads and copying the list to
 * $TMPDIR, the add-up checks, tally_read_unit,
 * return_assemble), the path `canvass merge --allow-partial` takes up to
 * the merged return document.
 *
 * The input is one return, or up to MAX_RETS returns separated by the line
 * SEP (it is in the dictionary), so the refusals between returns (same
 * community, same register, other campaign) and the summing are reached.
 * Each return is written to its own memfd, created once, and read by its
 * /proc/self/fd/N path like any regular file.
 *
 * Besides the sanitizers, the target aborts when a contract is broken:
 *   - every diagnostic and every refusal is one line of valid UTF-8 and a
 *     diagnostic formats as text and JSON;
 *   - a merged return validates against return.xsd and parses back;
 *   - an input that is not a valid return never yields a merged return.
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

#include "diag.h"
#include "merge.h"
#include "reader.h"
#include "return.h"
#include "vocab.h"

#ifndef FUZZ_SCHEMA_DIR
#define FUZZ_SCHEMA_DIR "input-schema"
#endif

#define MAX_RETS 3
#define SEP "\n<!--canvass-fuzz-next-return-->\n"

typedef struct {
    xmlSchemaPtr rschema;
    vocab_t *vocab, *rvocab;
    int fd[MAX_RETS];
    char path[MAX_RETS][32];
} fuzz_state;

/* The one piece of state a libFuzzer target cannot avoid: what
 * LLVMFuzzerInitialize loaded, read-only afterwards. */
static fuzz_state S;

#define FUZZ_NAME "fuzz_return"
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
    if (!(S.vocab = vocab_load(reg, &msg)) ||
        !(S.rschema = reader_load_schema(ret, &msg)) ||
        !(S.rvocab = vocab_load(ret, &msg)))
        die("cannot load the schemas (set CANVASS_SCHEMA_DIR)", msg);
    free(reg);
    free(ret);
    for (i = 0; i < MAX_RETS; i++) {
        if ((S.fd[i] = memfd_create("canvass-fuzz", MFD_CLOEXEC)) < 0)
            die("memfd_create failed", NULL);
        snprintf(S.path[i], sizeof S.path[i], "/proc/self/fd/%d", S.fd[i]);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *paths[MAX_RETS];
    size_t n = 0, seplen = strlen(SEP), k;
    const uint8_t *p = data, *end = data + size;
    merge_opts mo;
    merge_result res;
    error_code rc;

    while (n < MAX_RETS) {
        const uint8_t *q = n + 1 < MAX_RETS
                               ? memmem(p, (size_t)(end - p), SEP, seplen)
                               : NULL;
        size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
        put(S.fd[n], p, len);
        paths[n] = S.path[n];
        n++;
        if (!q)
            break;
        p = q + seplen;
    }

    memset(&mo, 0, sizeof mo);
    memset(&res, 0, sizeof res);
    mo.rschema = S.rschema;
    mo.vocab = S.vocab;
    mo.rvocab = S.rvocab;
    mo.allow_partial = 1;
    mo.max_findings = 1000;
    mo.generator = "canvass fuzz";
    mo.version = "0.1.0";
    rc = merge_run(paths, n, &mo, &res);
    if (rc != ERR_OK && rc != ERR_NOMEM)
        die("merge_run failed", error_string(rc));
    for (k = 0; k < res.diags.n; k++) {
        const diag *d = &res.diags.v[k];
        char *t = diag_format_text(d), *j = diag_format_json(d);
        if (!t || !j)
            die("a diagnostic does not format", d->rule);
        check_text("message", d->message);
        check_text("text form", t);
        check_text("JSON form", j);
        free(t);
        free(j);
    }
    for (k = 0; k < res.nrefusals; k++)
        check_text("refusal", res.refusals[k].message);
    if (res.xml) {
        char *vmsg = NULL;
        xmlDocPtr doc = NULL;
        if (res.diags.n && res.nrefusals == 0) {
            for (k = 0; k < res.diags.n; k++)
                if (res.diags.v[k].severity == DIAG_ERROR)
                    die("a merged return from an invalid input", NULL);
        }
        if (!res.len)
            die("the merged return is empty", NULL);
        if (return_validate(res.xml, res.len, S.rschema, &vmsg) != ERR_OK)
            die("the merged return does not match return.xsd", vmsg);
        if (return_parse(res.xml, res.len, &doc, &vmsg) != ERR_OK)
            die("the merged return does not parse back", vmsg);
        if (!utf8_ok((const unsigned char *)res.xml, res.len))
            die("the merged return.xml is not valid UTF-8", NULL);
        xmlFreeDoc(doc);
    }
    merge_result_clear(&res);
    return 0;
}
