/* test_return.c — batch → tally → return document: counts, roll-ups,
 * provenance, validity against return.xsd, independence of input order. */
#define _GNU_SOURCE 1 /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "batch.h"
#include "render.h"
#include "retdoc.h"
#include "return.h"

static xmlSchemaPtr schema, rschema;
static vocab_t *vocab, *rvocab;
static audit_opts aopts;

static int setup(void **state)
{
    (void)state;
    schema = reader_load_schema("../input-schema/register.xsd", NULL);
    rschema = reader_load_schema("../input-schema/return.xsd", NULL);
    vocab = vocab_load("../input-schema/register.xsd", NULL);
    rvocab = vocab_load("../input-schema/return.xsd", NULL);
    audit_opts_default(&aopts);
    return schema && rschema && vocab && rvocab ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xmlSchemaFree(schema);
    xmlSchemaFree(rschema);
    vocab_free(vocab);
    vocab_free(rvocab);
    return 0;
}

/* Builds the return of PATHS as bytes (*XML, *LEN, when XML is not
 * NULL) and as the whole tree they parse into; the batch goes to *B. */
static xmlDocPtr build_bytes(const char *const *paths, size_t n, batch_t **bp,
                             char **xml, size_t *len)
{
    batch_opts bo = {.schema = schema,
                     .vocab = vocab,
                     .rvocab = rvocab,
                     .audit = &aopts,
                     .threads = 2};
    return_opts ro = {vocab, rvocab, &aopts, SIZE_MAX, "canvass test", NULL};
    error_code rc;
    char *msg = NULL, *bytes;
    size_t nbytes;
    xmlDocPtr doc;
    batch_t *b = batch_run(paths, n, &bo, &rc);
    assert_non_null(b);
    if (return_build(b, &ro, &bytes, &nbytes, &msg) != ERR_OK)
        fail_msg("return_build: %s", msg);
    if (return_validate(bytes, nbytes, rschema, &msg) != ERR_OK)
        fail_msg("return does not validate: %s", msg);
    /* the whole tree, for XPath: return_parse's is lean (test_parse_lean) */
    if (!(doc = xmlReadMemory(bytes, (int)nbytes, NULL, "UTF-8",
                              XML_PARSE_NONET | XML_PARSE_NOBLANKS)))
        fail_msg("return.xml does not parse");
    if (bp)
        *bp = b;
    else
        batch_free(b);
    if (xml) {
        *xml = bytes;
        *len = nbytes;
    } else {
        free(bytes);
    }
    return doc;
}

static xmlDocPtr build(const char *const *paths, size_t n, batch_t **bp)
{
    return build_bytes(paths, n, bp, NULL, NULL);
}

static double num(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    double v;
    xmlXPathRegisterNs(x, BAD_CAST "t", BAD_CAST RETURN_NS);
    o = xmlXPathEvalExpression(BAD_CAST expr, x);
    assert_non_null(o);
    v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(x);
    return v;
}

#define J "/t:return/t:unit[@code='620402003005']"

/* batch_opts.on_final: each register once, in path order, its
 * diagnostics final when it is called (the batch rules' findings there,
 * nothing added after); a failure there stops the batch with it. */
typedef struct {
    size_t calls, order[8], found[8], fail_at;
    int bad_order;
} finals;

static error_code on_final(void *ud, const batch_t *b, size_t i)
{
    finals *f = ud;
    if (f->calls >= 8 || i != f->calls)
        f->bad_order = 1;
    else {
        f->order[f->calls] = i;
        f->found[f->calls] =
            b->regs[i].found ? diag_store_total(b->regs[i].found, -1) : 0;
    }
    f->calls++;
    return i + 1 == f->fail_at ? ERR_WRITE : ERR_OK;
}

static void test_batch_on_final(void **state)
{
    /* given out of order; the last by path has 3 duplicate-household
     * findings, which the batch rules add once the two before it are read */
    const char *paths[] = {"audit/duplicate-household.xml", "audit/clean.xml",
                           "audit/duplicate-household-other.xml"};
    int threads;
    (void)state;
    for (threads = 1; threads <= 3; threads++) {
        finals f = {0};
        batch_opts bo = {.schema = schema,
                         .vocab = vocab,
                         .rvocab = rvocab,
                         .audit = &aopts,
                         .threads = threads,
                         .on_final = on_final,
                         .final_ud = &f};
        error_code rc;
        batch_t *b = batch_run(paths, 3, &bo, &rc);
        size_t i;
        assert_non_null(b);
        assert_int_equal(f.calls, 3);
        assert_false(f.bad_order);
        for (i = 0; i < 3; i++)
            assert_int_equal(f.found[i],
                             diag_store_total(b->regs[i].found, -1));
        assert_string_equal(b->regs[2].path, "audit/duplicate-household.xml");
        assert_int_equal(diag_store_count(b->regs[2].found,
                                          "duplicate-household", DIAG_ERROR),
                         3);
        batch_free(b);

        /* a failure in the second call: no third, the batch fails */
        memset(&f, 0, sizeof f);
        f.fail_at = 2;
        assert_null(batch_run(paths, 3, &bo, &rc));
        assert_int_equal(rc, ERR_WRITE);
        assert_int_equal(f.calls, 2);
    }
}

/* A register with duplicate ids is read twice (the second reading
 * confirms the suspects). When it changes in between, the register is an
 * I/O failure saying so, whichever digest tells the readings apart:
 * SHA-256 (build) or XXH3-128 (check). The change here is one byte of the
 * campaign's title, made as soon as the first reading has the file's
 * bytes (the progress callback), so both readings are valid. */
typedef struct {
    const char *path;
    int changed;
} changer;

static void change_once(void *ud, uint64_t bytes, size_t done, size_t total)
{
    changer *c = ud;
    FILE *f;
    (void)bytes, (void)done, (void)total;
    if (c->changed++)
        return;
    assert_non_null(f = fopen(c->path, "r+b"));
    /* the title's first character 走 (E8 B5 B0) becomes 赴 (E8 B5 B4) */
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, f);
        char *at = memmem(buf, n, "title=\"\xe8\xb5\xb0", 10);
        assert_non_null(at);
        assert_int_equal(fseek(f, (long)(at - buf) + 9, SEEK_SET), 0);
        assert_int_equal(fputc(0xb4, f), 0xb4);
    }
    assert_int_equal(fclose(f), 0);
}

static void test_changed_between_readings(void **state)
{
    static const reader_digest kinds[] = {READER_SHA256, READER_XXH128};
    char path[] = "/tmp/canvass-changed-XXXXXX";
    size_t k;
    (void)state;
    for (k = 0; k < 2; k++) {
        changer c = {path, 0};
        batch_opts bo = {.schema = schema,
                         .vocab = vocab,
                         .rvocab = rvocab,
                         .audit = &aopts,
                         .threads = 1,
                         .digest = kinds[k],
                         .progress = change_once,
                         .progress_ud = &c};
        const char *paths[] = {path};
        error_code rc;
        batch_t *b;
        int fd;
        strcpy(path, "/tmp/canvass-changed-XXXXXX");
        assert_true((fd = mkstemp(path)) >= 0);
        {
            FILE *in = fopen("audit/duplicate-id.xml", "rb");
            char buf[8192];
            size_t n;
            assert_non_null(in);
            n = fread(buf, 1, sizeof buf, in);
            fclose(in);
            assert_int_equal(write(fd, buf, n), (ssize_t)n);
            close(fd);
        }
        b = batch_run(paths, 1, &bo, &rc);
        assert_non_null(b);
        assert_int_equal(b->regs[0].io, ERR_READ);
        assert_true(b->io_failed);
        assert_false(b->regs[0].included);
        assert_int_equal(strlen(b->regs[0].rr.digest), k == 0 ? 64 : 32);
        assert_int_equal(diag_store_count(b->regs[0].diags, "io", DIAG_ERROR),
                         1);
        batch_free(b);

        /* unchanged, the same register is read twice and counted */
        c.changed = 1;
        assert_non_null(b = batch_run(paths, 1, &bo, &rc));
        assert_int_equal(b->regs[0].io, ERR_OK);
        assert_int_equal(
            diag_store_count(b->regs[0].found, "duplicate-id", DIAG_ERROR),
            diag_store_total(b->regs[0].found, DIAG_ERROR));
        assert_true(diag_store_total(b->regs[0].found, DIAG_ERROR) > 0);
        batch_free(b);
        unlink(path);
    }
}

static void test_reference_figures(void **state)
{
    const char *paths[] = {"../examples/jinshan-2011.xml"};
    xmlDocPtr d = build(paths, 1, NULL);
    (void)state;
    assert_int_equal(num(d, "count(/t:return/t:unit)"), 1);
    /* a single community files for itself */
    assert_int_equal(num(d, "count(" J "[@filing='true'])"), 1);
    assert_int_equal(num(d, J "/t:households/@visited"), 108);
    assert_int_equal(num(d, J "/t:households/@registered"), 112);
    assert_int_equal(
        num(d, J "/t:households/t:dwelling[@value='building']/@visited"), 80);
    assert_int_equal(
        num(d, J "/t:households/t:dwelling[@value='bungalow']/@visited"), 28);
    assert_int_equal(num(d, J "/t:forms/@count"), 120);
    assert_int_equal(num(d, J "/t:suggestions/@count"), 30);
    assert_int_equal(num(d, J "/t:opinions/@count"), 100);
    assert_int_equal(num(d, J "/t:opinions/@important-reported"), 16);
    /* where they went: the register's `to`, one row per destination */
    assert_int_equal(num(d, "count(" J "/t:opinions/t:reported)"), 1);
    assert_int_equal(
        num(d, J "/t:opinions/t:reported[@to='城关街道办事处']/@important"),
        16);
    assert_int_equal(num(d, "count(" J "/t:suggestions/t:reported)"), 0);
    assert_int_equal(num(d, J "/t:opinions/t:category[@value='other']/@count"),
                     0);
    assert_int_equal(num(d, "count(" J "/t:opinions/t:category[@count>0])"), 7);
    assert_int_equal(num(d, J "/t:satisfaction/@forms"), 30);
    assert_int_equal(num(d, J "/t:satisfaction/@satisfied"), 29);
    assert_int_equal(num(d, J "/t:groups/t:group[@value='elderly']/@served"),
                     30);
    assert_int_equal(num(d, "count(" J "/t:services/t:type[@count>0])"), 4);
    assert_int_equal(num(d, J "/t:services/@count"), 49);
    assert_int_equal(num(d, J "/t:visits/@count"), 150);
    assert_int_equal(num(d, J "/t:cadres/@registered"), 11);
    assert_int_equal(num(d, J "/t:cadres/t:cadre[@id='c11']/@visits"), 3);
    /* the warnings the reference data deserves, by rule */
    assert_int_equal(num(d, J "/t:audit/@warnings"), 8);
    assert_int_equal(num(d, J "/t:audit/@errors"), 0);
    assert_int_equal(
        num(d, J "/t:audit/t:rule[@value='household-not-visited']/@count"), 4);
    assert_int_equal(
        num(d, J "/t:audit/t:rule[@value='no-responsible-cadre']/@count"), 3);
    assert_int_equal(
        num(d, J "/t:audit/t:rule[@value='cadre-few-visits']/@count"), 1);
    assert_int_equal(num(d, "count(/t:return/t:findings/t:finding)"), 8);
    assert_int_equal(num(d, "count(" J "/t:narrative/t:section)"), 4);
    xmlFreeDoc(d);
}

/* Every count attribute of every roll-up equals the sum over the
 * communities it covers. */
static void test_rollups_sum(void **state)
{
    const char *paths[] = {"../examples/jinshan-2011.xml",
                           "../examples/hongxing-2011.xml",
                           "../examples/dongfeng-2011.xml"};
    xmlDocPtr d = build(paths, 3, NULL);
    /* three communities of one street: the street files, nothing above */
    const char *levels[] = {"street"};
    const char *attrs[] = {
        "t:households/@registered",
        "t:households/@visited",
        "t:households/t:dwelling[1]/@visited",
        "t:visits/@count",
        "t:visits/t:kind[2]/@count",
        "t:forms/@count",
        "t:opinions/@count",
        "t:opinions/@important",
        "t:opinions/t:category[3]/t:status[4]/@count",
        "t:suggestions/t:status[5]/@count",
        "t:groups/t:group[8]/@members",
        "t:groups/t:group[8]/@served",
        "t:services/t:type[2]/t:group[3]/@count",
        "t:satisfaction/t:rating[1]/@count",
        "t:satisfaction/@satisfied",
        "t:cadres/@registered",
        "t:cadres/t:role[1]/@visits",
        "t:audit/@warnings",
        "t:opinions/t:reported[@to='城关街道办事处']/@important"};
    size_t i, k;
    char a[512], b[512];
    (void)state;
    assert_int_equal(num(d, "count(/t:return/t:unit)"), 4);
    assert_int_equal(num(d, "count(/t:return/t:unit[@filing='true'])"), 1);
    assert_int_equal(
        num(d, "count(/t:return/t:unit[@level='street'][@filing='true'])"), 1);
    for (i = 0; i < sizeof levels / sizeof *levels; i++)
        for (k = 0; k < sizeof attrs / sizeof *attrs; k++) {
            snprintf(a, sizeof a, "/t:return/t:unit[@level='%s']/%s", levels[i],
                     attrs[k]);
            snprintf(b, sizeof b,
                     "sum(/t:return/t:unit[@level='community']/%s)", attrs[k]);
            if (num(d, a) != num(d, b))
                fail_msg("%s: %g, sum of communities %g", a, num(d, a),
                         num(d, b));
        }
    assert_int_equal(num(d, "/t:return/t:unit[@level='street']/@communities"),
                     3);
    assert_int_equal(
        num(d, "count(/t:return/t:unit[@level='street']/t:covers/t:community)"),
        3);
    xmlFreeDoc(d);
}

/* Registers named in any order give the same return, byte for byte. */
static void test_order_independent(void **state)
{
    const char *p1[] = {"../examples/jinshan-2011.xml",
                        "../examples/hongxing-2011.xml",
                        "../examples/dongfeng-2011.xml"};
    const char *p2[] = {
        "../examples/dongfeng-2011.xml", "../examples/jinshan-2011.xml",
        "../examples/hongxing-2011.xml", "../examples/jinshan-2011.xml"};
    char *b1, *b2;
    size_t l1, l2;
    xmlDocPtr d1 = build_bytes(p1, 3, NULL, &b1, &l1),
              d2 = build_bytes(p2, 4, NULL, &b2, &l2);
    (void)state;
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    free(b1);
    free(b2);
    xmlFreeDoc(d1);
    xmlFreeDoc(d2);
}

/* An invalid register is named and excluded; its counts are nowhere. */
static void test_partial(void **state)
{
    const char *paths[] = {"../examples/hongxing-2011.xml",
                           "../examples/zz-broken-2011.xml"};
    batch_t *b;
    xmlDocPtr d = build(paths, 2, &b);
    (void)state;
    assert_int_equal(b->errors, 6);
    assert_false(b->regs[1].included);
    assert_int_equal(num(d, "count(/t:return[@partial='true'])"), 1);
    assert_int_equal(
        num(d, "count(/t:return/t:sources/t:source[@included='false' and "
               "@file='zz-broken-2011.xml'])"),
        1);
    assert_int_equal(num(d, "count(/t:return/t:unit)"), 1);
    assert_int_equal(
        num(d, "count(/t:return/t:findings/t:finding[@rule='schema'])"), 6);
    assert_int_equal(
        num(d, "string-length(/t:return/t:sources/t:source[1]/@sha256)"), 64);
    batch_free(b);
    xmlFreeDoc(d);
}

/* return_validate's failure path: the message names the first problem and
 * its line (this is what canvass build reports as an internal error);
 * bytes that are not well-formed are not valid either (validation
 * streams: the parser's own error is the one given). */
static void test_validate_reports_first_problem(void **state)
{
    const char *paths[] = {"../examples/hongxing-2011.xml"};
    char *xml, *msg = NULL, *id, *end;
    size_t len;
    xmlDocPtr d = build_bytes(paths, 1, NULL, &xml, &len);
    (void)state;
    assert_int_equal(return_validate(xml, len, rschema, &msg), ERR_OK);
    /* <campaign id="..." ...>: the id taken out */
    id = strstr(xml, "<campaign id=\"");
    assert_non_null(id);
    id += strlen("<campaign");
    end = strchr(id + 5, '"') + 1;
    memmove(id, end, len - (size_t)(end - xml) + 1);
    len -= (size_t)(end - id);
    assert_int_equal(return_validate(xml, len, rschema, &msg), ERR_INVALID);
    assert_non_null(msg);
    assert_true(!strncmp(msg, "line ", 5));
    assert_non_null(strstr(msg, "'id' is required"));
    assert_null(strchr(msg, '\n'));
    free(msg);
    msg = NULL;
    /* cut in the declaration: a return canvass wrote is never cut, and cut
     * inside <return>, libxml2 2.9.14 leaks the state of return.xsd's
     * xs:unique on the way out (ASan would say so) */
    assert_int_equal(return_validate(xml, 30, rschema, &msg), ERR_INVALID);
    assert_non_null(msg);
    assert_true(!strncmp(msg, "line ", 5));
    free(msg);
    free(xml);
    xmlFreeDoc(d);
}

/* return_parse: the tree of the bytes, every unit there; bytes that are
 * not well-formed are a bug of canvass (ERR_INTERNAL), said. */
static void test_parse(void **state)
{
    const char *paths[] = {"../examples/jinshan-2011.xml",
                           "../examples/hongxing-2011.xml"};
    char *xml, *msg = NULL;
    size_t len;
    xmlDocPtr d = build_bytes(paths, 2, NULL, &xml, &len), e = NULL;
    (void)state;
    /* two communities, their street (the filing unit) */
    assert_int_equal(num(d, "count(/t:return/t:unit)"), 3);
    assert_int_equal(return_parse(xml, len - 20, &e, &msg), ERR_INTERNAL);
    assert_null(e);
    assert_non_null(msg);
    free(msg);
    free(xml);
    xmlFreeDoc(d);
}

/* Hands out findings whose text and ids need every kind of XML care:
 * text that looks like the markup of a finding, entities, both quotes,
 * '>' in an attribute, a line break, Chinese, an empty message. */
static const char *const xml_msgs[] = {
    "<finding rule='x'>not a finding</finding> <finding/>",
    "a & b < c > d \"q\" 'a' &amp;", "two\nlines\tand a tab",
    "住户 h1 没有包户干部：请添加 cadre=\"…\"", ""};
#define N_XML_MSGS (sizeof xml_msgs / sizeof *xml_msgs)

static error_code xml_findings(const void *ctx, diag_fn fn, void *ud)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < N_XML_MSGS; i++) {
        diag d = {0};
        error_code e;
        d.file = (char *)(i == 1 ? "a&b <c>.xml" : "r.xml");
        d.line = (unsigned)i + 3;
        d.col = (unsigned)i + 1;
        d.severity = i == 2 ? DIAG_ERROR : DIAG_WARNING;
        d.rule = (char *)"overdue-item";
        d.message = (char *)xml_msgs[i];
        d.community = (char *)"620402003005";
        d.household = (char *)(i == 3 ? "h\"1>" : "h1");
        d.visit = i ? (char *)"v1" : NULL;
        d.item = i == 4 ? (char *)"s'1" : NULL;
        if ((e = fn(ud, &d)) != ERR_OK)
            return e;
    }
    return ERR_OK;
}

static void same_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* X and Y field by field the same. */
static void same_finding(const retdoc_finding *x, const retdoc_finding *y)
{
    same_str(x->file, y->file);
    same_str(x->rule, y->rule);
    same_str(x->severity, y->severity);
    same_str(x->message, y->message);
    same_str(x->community, y->community);
    same_str(x->household, y->household);
    same_str(x->visit, y->visit);
    same_str(x->item, y->item);
    same_str(x->cadre, y->cadre);
    assert_int_equal(x->line, y->line);
    assert_int_equal(x->col, y->col);
}

/* Walks W (the whole tree's unit or row) and L (the lean tree's copy of
 * it) in step: every row's labels read through retdoc_label are W's;
 * in the first unit (FIRST) L keeps them as attributes, in a later one
 * it has none where W's are those of the first unit's row at the same
 * place. Counts the rows made without them in *BARE. */
static void same_labels(retdoc_t *rl, const xmlNode *w, const xmlNode *l,
                        int first, size_t *bare)
{
    static const char *const langs[2] = {"zh", "en"};
    size_t i;
    for (i = 0; i < 2; i++) {
        xmlChar *ww = xmlGetProp(w, BAD_CAST langs[i]);
        xmlChar *ll = xmlGetProp(l, BAD_CAST langs[i]);
        const char *got = retdoc_label(rl, l, langs[i]);
        if (ww)
            assert_non_null(got), assert_string_equal(got, (char *)ww);
        if (first)
            same_str((char *)ll, (char *)ww);
        else if (ww && !ll && i == 0)
            (*bare)++;
        xmlFree(ww);
        xmlFree(ll);
    }
    for (w = w->children, l = l->children; w && l; w = w->next, l = l->next) {
        assert_int_equal(w->type, l->type);
        if (w->type == XML_ELEMENT_NODE)
            same_labels(rl, w, l, first, bare);
    }
    assert_null(w);
    assert_null(l);
}

/* The byte string AT in XML (LEN bytes) after byte FROM replaced by TO,
 * of the same length: 0, or -1 when it is not there. */
static int swap_after(char *xml, size_t len, size_t from, const char *at,
                      const char *to)
{
    char *p = memmem(xml + from, len - from, at, strlen(at));
    if (!p || strlen(to) != strlen(at))
        return -1;
    memcpy(p, to, strlen(to));
    return 0;
}

/* return_parse makes the rows of every unit after the first without
 * their labels (zh, en: the same in every unit, two of a row's five or
 * six attributes) and retdoc_label finds them in the first unit's row at
 * the same place; a row whose labels are not the first unit's there (an
 * edited return), or whose place the first unit lacks, keeps its own. */
static void test_parse_labels(void **state)
{
    const char *paths[] = {"../examples/jinshan-2011.xml",
                           "../examples/hongxing-2011.xml"};
    char *xml, *msg = NULL, *end1;
    size_t len, i, bare = 0, bare2 = 0;
    xmlDocPtr w = build_bytes(paths, 2, NULL, &xml, &len), l = NULL;
    retdoc_t *rw = NULL, *rl = NULL;
    const xmlNode *r;
    (void)state;

    assert_int_equal(return_parse(xml, len, &l, &msg), ERR_OK);
    assert_int_equal(retdoc_open(w, NULL, &rw, NULL), ERR_OK);
    assert_int_equal(retdoc_open(l, NULL, &rl, NULL), ERR_OK);
    assert_int_equal(retdoc_nunits(rl), 3);
    for (i = 0; i < retdoc_nunits(rl); i++)
        same_labels(rl, retdoc_unit_in_doc(rw, i)->node,
                    retdoc_unit_in_doc(rl, i)->node, i == 0, &bare);
    /* the two later units' rows: dwellings, kinds, roles, categories and
     * their statuses, groups, rules... some 200 each */
    assert_true(bare > 300);
    /* in the lean tree, a later unit's dwelling has value and counts */
    r = retdoc_row(rl,
                   retdoc_child(retdoc_unit_in_doc(rl, 1)->node, "households"),
                   "dwelling", "building");
    assert_non_null(r);
    assert_null(xmlHasProp(r, BAD_CAST "zh"));
    assert_null(xmlHasProp(r, BAD_CAST "en"));
    assert_string_equal(retdoc_label(rl, r, "zh"), "楼房");
    assert_string_equal(retdoc_label(rl, r, "en"), "building");
    retdoc_free(rl);
    xmlFreeDoc(l);

    /* edited: a later unit's building is 高楼, its bungalow a hut */
    end1 = memmem(xml, len, "</unit>", 7);
    assert_non_null(end1);
    assert_int_equal(swap_after(xml, len, (size_t)(end1 - xml), "zh=\"楼房\"",
                                "zh=\"高楼\""),
                     0);
    assert_int_equal(swap_after(xml, len, (size_t)(end1 - xml),
                                "value=\"bungalow\"", "value=\"hut-hut-\""),
                     0);
    assert_int_equal(return_parse(xml, len, &l, &msg), ERR_OK);
    assert_int_equal(retdoc_open(l, NULL, &rl, NULL), ERR_OK);
    r = retdoc_child(retdoc_unit_in_doc(rl, 1)->node, "households");
    r = retdoc_child(r, "dwelling");
    assert_string_equal(retdoc_attr(rl, r, "value"), "building");
    assert_string_equal(retdoc_attr(rl, r, "zh"), "高楼");
    assert_string_equal(retdoc_label(rl, r, "zh"), "高楼");
    assert_non_null(xmlHasProp(r, BAD_CAST "en"));
    r = retdoc_next(r->next, "dwelling");
    assert_string_equal(retdoc_attr(rl, r, "value"), "hut-hut-");
    assert_string_equal(retdoc_label(rl, r, "zh"), "平房");
    assert_string_equal(retdoc_label(rl, r, "en"), "bungalow");
    /* the rest of that unit, and the first, as before */
    for (i = 0; i < retdoc_nunits(rl); i++)
        if (i != 1)
            same_labels(rl, retdoc_unit_in_doc(rw, i)->node,
                        retdoc_unit_in_doc(rl, i)->node, i == 0, &bare2);
    retdoc_free(rl);
    xmlFreeDoc(l);
    retdoc_free(rw);
    xmlFreeDoc(w);
    free(xml);
}

/* The findings of the return XML (LEN bytes) as return_parse's lean tree
 * gives them (read from their markup, last first: any order reads the
 * same) and as the whole tree does: field by field the same, EXPECT of
 * them, and the lean tree holds no finding element. The lean tree is
 * handed back in *LEAN (it borrows XML). */
static void same_findings(const char *xml, size_t len, size_t expect,
                          xmlDocPtr *lean)
{
    xmlDocPtr whole = xmlReadMemory(xml, (int)len, NULL, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    retdoc_t *a = NULL, *b = NULL;
    retdoc_finding x, y;
    xmlNodePtr n;
    char *msg = NULL;
    size_t i, bare = 0;

    assert_non_null(whole);
    assert_int_equal(return_parse(xml, len, lean, &msg), ERR_OK);
    assert_ptr_equal((*lean)->_private, RETDOC_LEAN);
    assert_int_equal(retdoc_open(*lean, NULL, &a, NULL), ERR_OK);
    assert_int_equal(retdoc_open(whole, NULL, &b, NULL), ERR_OK);
    assert_int_equal(retdoc_nfindings(a), expect);
    assert_int_equal(retdoc_nfindings(b), expect);
    for (i = expect; i-- > 0;) {
        assert_int_equal(retdoc_finding_at(a, i, &x), 0);
        assert_int_equal(retdoc_finding_at(b, i, &y), 0);
        same_finding(&x, &y);
    }
    assert_int_equal(retdoc_finding_at(a, expect, &x), -1);
    assert_int_equal(retdoc_error(a), ERR_OK);
    for (n = xmlDocGetRootElement(*lean)->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "findings")) {
            xmlNodePtr c;
            for (c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE &&
                    !strcmp((const char *)c->name, "finding"))
                    bare++;
        }
    assert_int_equal(bare, 0);
    retdoc_free(a);
    retdoc_free(b);
    xmlFreeDoc(whole);
}

/* return_parse's lean tree (retdoc.h): every listed finding of a real
 * return, and made-up ones needing every kind of XML care, read back from
 * their markup as the whole tree reads them; the made-up ones as they
 * were given. */
static void test_parse_lean(void **state)
{
    const char *paths[] = {"../examples/zz-untidy-2011.xml",
                           "../examples/hongxing-2011.xml"};
    const char *campaign[5] = {"c", "t", "2011-09-01", "2011-10-31",
                               "2011-11-10"};
    return_opts ro = {vocab, rvocab, &aopts, SIZE_MAX, "canvass test", NULL};
    return_parts p;
    retdoc_t *rd = NULL;
    retdoc_finding f;
    char *xml, *msg = NULL;
    size_t len, i;
    xmlDocPtr d = build_bytes(paths, 2, NULL, &xml, &len), lean = NULL;
    (void)state;

    same_findings(xml, len, (size_t)num(d, "count(//t:finding)"), &lean);
    assert_true(num(d, "count(//t:finding)") >= 10);
    xmlFreeDoc(lean);
    xmlFreeDoc(d);
    free(xml);

    memset(&p, 0, sizeof p);
    memcpy(p.campaign, campaign, sizeof campaign);
    p.each_finding = xml_findings;
    assert_int_equal(return_assemble(&p, &ro, &xml, &len, &msg), ERR_OK);
    assert_int_equal(return_validate(xml, len, rschema, &msg), ERR_OK);
    same_findings(xml, len, N_XML_MSGS, &lean);
    assert_int_equal(retdoc_open(lean, NULL, &rd, NULL), ERR_OK);
    for (i = 0; i < N_XML_MSGS; i++) {
        assert_int_equal(retdoc_finding_at(rd, i, &f), 0);
        assert_string_equal(f.message, xml_msgs[i]);
        assert_string_equal(f.file, i == 1 ? "a&b <c>.xml" : "r.xml");
        assert_int_equal(f.line, i + 3);
        assert_string_equal(f.household, i == 3 ? "h\"1>" : "h1");
        same_str(f.item, i == 4 ? "s'1" : NULL);
        assert_null(f.cadre);
    }
    retdoc_free(rd);
    xmlFreeDoc(lean);
    free(xml);
}

/* The markup of the I-th listed finding in XML (LEN bytes). */
static char *nth_finding(char *xml, size_t len, size_t i)
{
    char *at = memmem(xml, len, "<finding ", 9);
    for (; at && i; i--)
        at = memmem(at + 1, len - (size_t)(at + 1 - xml), "<finding ", 9);
    assert_non_null(at);
    return at;
}

/* A lean tree's findings are parsed from the bytes when read (retdoc.h):
 * bytes changed after return_parse (only a bug could) read as -1, with the
 * retdoc_t saying ERR_INTERNAL. A finding whose markup no longer parses
 * (a control character in an attribute's name, the list's shape kept)
 * fails alone, whether read first, in order after a good one or out of
 * order, and the good ones around it, in any order, still read as the
 * whole tree reads them; a finding that lost its end tag leaves no list
 * to walk (retdoc_open counts none, and says ERR_INTERNAL). */
static void test_parse_lean_bad_markup(void **state)
{
    const char *paths[] = {"../examples/zz-untidy-2011.xml",
                           "../examples/hongxing-2011.xml"};
    const size_t order[][3] = {{0, 1, 2}, {1, 2, 3}, {3, 1, 2}, {2, 1, 0}};
    char *xml, *f1, *close;
    size_t len, i, j;
    xmlDocPtr d = build_bytes(paths, 2, NULL, &xml, &len);
    xmlDocPtr whole = xmlReadMemory(xml, (int)len, NULL, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlDocPtr lean = NULL;
    retdoc_t *a = NULL, *b = NULL;
    retdoc_finding x, y;
    char *msg = NULL;
    (void)state;

    assert_non_null(whole);
    assert_true(num(d, "count(//t:finding)") >= 4);
    assert_int_equal(return_parse(xml, len, &lean, &msg), ERR_OK);
    f1 = nth_finding(xml, len, 1);
    assert_memory_equal(f1, "<finding file=", 14);
    f1[9] = '\x01'; /* <finding \x01ile=: not well-formed */
    assert_int_equal(retdoc_open(whole, NULL, &b, NULL), ERR_OK);
    for (j = 0; j < sizeof order / sizeof *order; j++) {
        assert_int_equal(retdoc_open(lean, NULL, &a, NULL), ERR_OK);
        assert_int_equal(retdoc_nfindings(a), retdoc_nfindings(b));
        for (i = 0; i < 3; i++) {
            size_t at = order[j][i];
            if (at == 1) {
                assert_int_equal(retdoc_finding_at(a, at, &x), -1);
                assert_int_equal(retdoc_error(a), ERR_INTERNAL);
                continue;
            }
            assert_int_equal(retdoc_finding_at(a, at, &x), 0);
            assert_int_equal(retdoc_finding_at(b, at, &y), 0);
            same_finding(&x, &y);
        }
        retdoc_free(a);
    }
    f1[9] = 'f';
    close = strstr(f1, "</finding>");
    assert_non_null(close);
    close[1] = 'x'; /* <xfinding>: the end tag gone */
    /* return_parse counted the list: retdoc_open takes its count, and the
     * finding without an end reads as an error */
    assert_true((uintptr_t)lean->psvi == retdoc_nfindings(b) + 1);
    assert_int_equal(retdoc_open(lean, NULL, &a, NULL), ERR_OK);
    assert_int_equal(retdoc_nfindings(a), retdoc_nfindings(b));
    assert_int_equal(retdoc_finding_at(a, 0, &x), 0);
    assert_int_equal(retdoc_finding_at(a, 1, &x), -1);
    assert_int_equal(retdoc_error(a), ERR_INTERNAL);
    retdoc_free(a);
    /* uncounted, the walk that counts finds no list to walk */
    lean->psvi = NULL;
    assert_int_equal(retdoc_open(lean, NULL, &a, NULL), ERR_OK);
    assert_int_equal(retdoc_nfindings(a), 0);
    assert_int_equal(retdoc_finding_at(a, 0, &x), -1);
    assert_int_equal(retdoc_error(a), ERR_INTERNAL);
    retdoc_free(a);
    retdoc_free(b);
    xmlFreeDoc(lean);
    xmlFreeDoc(whole);
    xmlFreeDoc(d);
    free(xml);
}

/* XML with TEXT put before the first "<finding " (malloc'd, *LEN). */
static char *put_before_finding(const char *xml, size_t len, const char *text,
                                size_t *out)
{
    const char *at = memmem(xml, len, "<finding ", 9);
    size_t k = strlen(text), pre;
    char *b;
    assert_non_null(at);
    pre = (size_t)(at - xml);
    b = malloc(len + k + 1);
    assert_non_null(b);
    memcpy(b, xml, pre);
    memcpy(b + pre, text, k);
    memcpy(b + pre + k, at, len - pre + 1);
    *out = len + k;
    return b;
}

/* Well-formed bytes return_assemble never writes: a comment holding a
 * finding's markup before the first finding, or markup inside a finding's
 * text. The lean tree would take the wrong markup for a finding; the parse
 * is refused as a bug instead (ERR_INTERNAL, said). */
static void test_parse_lean_refuses(void **state)
{
    const char *paths[] = {"../examples/zz-untidy-2011.xml",
                           "../examples/hongxing-2011.xml"};
    const char *bad[] = {
        "<!-- <finding rule='x' line='1'>not one</finding> -->",
        "<?pi <finding rule='x'>not one</finding> ?>"};
    char *xml, *b, *msg = NULL, *at;
    size_t len, n, i;
    xmlDocPtr d = build_bytes(paths, 2, NULL, &xml, &len), e = NULL;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        b = put_before_finding(xml, len, bad[i], &n);
        e = xmlReadMemory(b, (int)n, NULL, "UTF-8", 0); /* well-formed */
        assert_non_null(e);
        xmlFreeDoc(e);
        e = NULL;
        assert_int_equal(return_parse(b, n, &e, &msg), ERR_INTERNAL);
        assert_null(e);
        assert_non_null(strstr(msg, "internal error"));
        free(msg);
        msg = NULL;
        free(b);
    }
    /* a comment in a finding's text */
    b = malloc(len + 32);
    assert_non_null(b);
    memcpy(b, xml, len + 1);
    at = memmem(b, len, "</finding>", 10);
    assert_non_null(at);
    memmove(at + 11, at, (size_t)(b + len + 1 - at));
    memcpy(at, "<!--x-->", 8);
    memcpy(at + 8, "   ", 3);
    n = len + 11;
    assert_int_equal(return_parse(b, n, &e, &msg), ERR_INTERNAL);
    assert_null(e);
    free(msg);
    free(b);
    free(xml);
    xmlFreeDoc(d);
}

/* Hands out three findings whose fields need every kind of CSV care. */
static error_code tricky_findings(const void *ctx, diag_fn fn, void *ud)
{
    static const char *const msgs[] = {"plain text, with a comma",
                                       "a \"quoted\" word", "two\nlines"};
    static const char *const comms[] = {"620402003005", "=1+2", "-3"};
    static const char *const hhs[] = {"@h", "+h", "h1"};
    size_t i;
    (void)ctx;
    for (i = 0; i < 3; i++) {
        diag d = {0};
        error_code e;
        d.file = (char *)"r.xml";
        d.line = (unsigned)i + 7;
        d.col = 1;
        d.severity = DIAG_WARNING;
        d.rule = (char *)"overdue-item";
        d.message = (char *)msgs[i];
        d.community = (char *)comms[i];
        d.household = (char *)hhs[i];
        if ((e = fn(ud, &d)) != ERR_OK)
            return e;
    }
    return ERR_OK;
}

/* findings.csv: a BOM, CRLF lines, a field quoted only when it holds a
 * comma, a quote or a line break (quotes doubled), and one that a
 * spreadsheet would take for a formula (= + - @ first) quoted after a '
 * so that it stays text; plain fields as they are. */
static void test_csv_fields(void **state)
{
    const char *path = "out/fields.csv";
    char *msg = NULL, buf[2048];
    FILE *f;
    size_t n;
    const char *rows;
    (void)state;
    mkdir("out", 0777); /* a fresh checkout has none yet */
    assert_int_equal(
        return_write_csv_of(NULL, tricky_findings, rvocab, "en", path, &msg),
        ERR_OK);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
    rows = strstr(buf, "\r\nr.xml,7,");
    assert_non_null(rows);
    assert_non_null(strstr(rows, ",\"plain text, with a comma\",620402003005,"
                                 "\"'@h\","));
    assert_non_null(strstr(rows, "\r\nr.xml,8,"));
    assert_non_null(strstr(rows, ",\"a \"\"quoted\"\" word\",\"'=1+2\","
                                 "\"'+h\","));
    assert_non_null(strstr(rows, ",\"two\nlines\",\"'-3\",h1,"));
    unlink(path);
}

/* The CSV text of S as RFC 4180 and the formula rule say, written the
 * plain way (a character at a time): what the writer must match. */
static void ref_field(buf_t *b, const char *s, int last)
{
    int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    if (formula || strpbrk(s, ",\"\n\r")) {
        buf_add(b, "\"", 1);
        if (formula)
            buf_add(b, "'", 1);
        for (; *s; s++) {
            if (*s == '"')
                buf_add(b, "\"", 1);
            buf_add(b, s, 1);
        }
        buf_add(b, "\"", 1);
    } else {
        buf_puts(b, s);
    }
    buf_puts(b, last ? "\r\n" : ",");
}

/* Findings over every rule of a return and an "io" one, three files (one
 * name needing quotes), and fields of every kind. */
typedef struct {
    const vocab_item *rules;
    size_t nrules;
    buf_t want;
} csv_many;

static error_code many_findings(const void *ctx, diag_fn fn, void *ud)
{
    static const char *const files[] = {"a.xml", "b, \"c\".xml", "a.xml",
                                        "=d.xml"};
    static const char *const texts[] = {
        "",           "plain",      "comma, here", "\"quoted\"", "a \"\" b",
        "two\nlines", "cr\rhere",   "=1",          "+1,2",       "-\"x\"",
        "@",          "中文，逗号", "x\"",         "\"",         ","};
    csv_many *m = (csv_many *)ctx;
    size_t i, nt = sizeof texts / sizeof *texts;
    for (i = 0; i < 400; i++) {
        diag d = {0};
        const char *rule = i % 37 == 5 ? "io" : m->rules[i % m->nrules].value;
        const char *v[6];
        char line[16];
        size_t k;
        error_code e;
        d.file = (char *)files[(i / 50) % 4];
        d.line = (unsigned)(i * 977 % 100003);
        d.severity = i % 3 ? DIAG_WARNING : DIAG_ERROR;
        d.rule = (char *)rule;
        for (k = 0; k < 6; k++)
            v[k] = (i + k) % 7 == 6 ? NULL : texts[(i * 5 + k * 3) % nt];
        d.message = (char *)(v[0] ? v[0] : "m");
        d.community = (char *)v[1];
        d.household = (char *)v[2];
        d.visit = (char *)v[3];
        d.item = (char *)v[4];
        d.cadre = (char *)v[5];
        if (strcmp(rule, "io")) {
            snprintf(line, sizeof line, "%u", d.line);
            ref_field(&m->want, d.file, 0);
            ref_field(&m->want, line, 0);
            ref_field(&m->want, vocab_label(rvocab, "rule", rule, "en"), 0);
            ref_field(&m->want,
                      vocab_label(rvocab, "severity",
                                  diag_severity_name(d.severity), "en"),
                      0);
            ref_field(&m->want, d.message, 0);
            for (k = 1; k < 6; k++)
                ref_field(&m->want, v[k] ? v[k] : "", k == 5);
        }
        if ((e = fn(ud, &d)) != ERR_OK)
            return e;
    }
    return ERR_OK;
}

/* findings.csv row by row: byte for byte what the plain rules give, over
 * every rule (more than the writer keeps labels of), files that change,
 * every kind of field; an "io" diagnostic left out. Written into a full
 * disk, the failure is said as such. */
static void test_csv_rows(void **state)
{
    const char *path = "out/rows.csv";
    csv_many m;
    char *msg = NULL, *got;
    FILE *f;
    long n;
    size_t i;
    (void)state;
    mkdir("out", 0777);
    memset(&m, 0, sizeof m);
    m.rules = vocab_enum(rvocab, "rule", &m.nrules);
    assert_non_null(m.rules);
    assert_true(m.nrules > 8);
    buf_puts(&m.want, "\xEF\xBB\xBF");
    {
        static const char *const heads[10] = {
            "file",      "line",      "rule",  "severity", "message",
            "community", "household", "visit", "item",     "cadre"};
        for (i = 0; i < 10; i++)
            ref_field(&m.want, vocab_label(rvocab, "word", heads[i], "en"),
                      i == 9);
    }
    assert_int_equal(
        return_write_csv_of(&m, many_findings, rvocab, "en", path, &msg),
        ERR_OK);
    assert_null(msg);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    got = malloc((size_t)n + 1);
    assert_non_null(got);
    assert_int_equal(fread(got, 1, (size_t)n, f), (size_t)n);
    got[n] = 0;
    fclose(f);
    assert_int_equal((size_t)n, m.want.len);
    assert_memory_equal(got, m.want.s, m.want.len);
    free(got);
    unlink(path);
    buf_free(&m.want);
    /* a full disk */
    if (access("/dev/full", W_OK) == 0) {
        memset(&m, 0, sizeof m);
        m.rules = vocab_enum(rvocab, "rule", &m.nrules);
        assert_int_equal(return_write_csv_of(&m, many_findings, rvocab, "en",
                                             "/dev/full", &msg),
                         ERR_NOSPACE);
        assert_non_null(msg);
        free(msg);
        buf_free(&m.want);
    }
}

/* ---- retdoc_load: a return read as an input (merge, verify) ---------- */

/* The file's text: tests/sample-return.xml with a third finding whose
 * text is cut by CDATA, a comment and references, and a comment and a
 * processing instruction between findings. */
static char *loaded_text(void)
{
    static const char third[] =
        "<!-- x --><?pi y?><finding  file=\"t.xml\" line=\"7\" col=\"3\" "
        "severity=\"warning\" rule=\"no-responsible-cadre\" "
        "community=\"620402003005\" household=\"h018\">a<![CDATA[<b>]]>"
        "<!-- c -->&#9;&amp;z</finding>";
    FILE *f = fopen("sample-return.xml", "rb");
    static char text[1 << 20];
    size_t n;
    char *end, *out;
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    assert_non_null(end = strstr(text, "</findings>"));
    out = malloc(n + sizeof third);
    assert_non_null(out);
    memcpy(out, text, (size_t)(end - text));
    strcpy(out + (end - text), third);
    strcat(out, end);
    return out;
}

static char *loaded_file(const char *text)
{
    char *path = strdup("/tmp/canvass-test-load-XXXXXX");
    int fd;
    assert_non_null(path);
    assert_true((fd = mkstemp(path)) >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* The list copied as records reads as the tree of the same file reads,
 * in order and out of it: absent ids absent, the text joined (CDATA and
 * references, no comment); without RETDOC_LOAD_LIST it is dropped; the
 * digest and size are the file's. */
static void test_load_records(void **state)
{
    char *text = loaded_text(), *path = loaded_file(text), *msg = NULL;
    xmlDocPtr tree =
        xmlReadMemory(text, (int)strlen(text), "t.xml", NULL, XML_PARSE_NONET);
    retdoc_t *rt = NULL, *rl = NULL;
    retdoc_file f;
    diag_list diags = {0};
    retdoc_finding a, b;
    static const size_t order[] = {2, 0, 1, 2, 1};
    size_t k;
    (void)state;

    assert_non_null(tree);
    assert_int_equal(retdoc_load(path, rschema, RETDOC_LOAD_LIST, &diags, &f),
                     ERR_OK);
    assert_int_equal(diags.n, 0);
    assert_true(f.valid);
    assert_int_equal(f.kind, RETDOC_KIND_RETURN);
    assert_true(f.doc->_private == RETDOC_LEAN_RECORDS);
    assert_int_equal(f.size, strlen(text));
    assert_int_equal(retdoc_open(tree, NULL, &rt, &msg), ERR_OK);
    assert_int_equal(retdoc_open(f.doc, NULL, &rl, &msg), ERR_OK);
    assert_int_equal(retdoc_nfindings(rl), 3);
    assert_int_equal(retdoc_nfindings(rt), 3);
    for (k = 0; k < sizeof order / sizeof *order; k++) {
        assert_int_equal(retdoc_finding_at(rt, order[k], &a), 0);
        assert_int_equal(retdoc_finding_at(rl, order[k], &b), 0);
        same_finding(&a, &b);
    }
    assert_int_equal(retdoc_finding_at(rl, 2, &b), 0);
    assert_string_equal(b.message, "a<b>\t&z");
    assert_null(b.visit);
    assert_int_equal(retdoc_finding_at(rl, 3, &b), -1);
    assert_int_equal(retdoc_error(rl), ERR_OK);
    retdoc_free(rl);
    rl = NULL;
    retdoc_file_close(&f);

    assert_int_equal(retdoc_load(path, rschema, 0, &diags, &f), ERR_OK);
    assert_int_equal(f.fd, -1);
    assert_int_equal(retdoc_open(f.doc, NULL, &rl, &msg), ERR_OK);
    assert_int_equal(retdoc_nfindings(rl), 0);
    assert_non_null(retdoc_find(rl, "community", "620402003005"));
    retdoc_free(rl);
    retdoc_file_close(&f);
    retdoc_free(rt);
    xmlFreeDoc(tree);
    unlink(path);
    free(path);
    free(text);
}

/* Validated in the same pass: a finding with an attribute return.xsd does
 * not have is a return, not valid, its complaint at its line, kept apart
 * from the diagnostics; a register is named, and not read further. */
static void test_load_invalid(void **state)
{
    char *text = loaded_text(), *path, *bad = strstr(text, "<finding  ");
    char *edited = malloc(strlen(text) + 8);
    retdoc_file f;
    diag_list diags = {0};
    (void)state;

    assert_non_null(bad);
    assert_non_null(edited);
    /* "<finding  x=\"1\" file=...": no such attribute */
    memcpy(edited, text, (size_t)(bad - text) + 10);
    strcpy(edited + (bad - text) + 10, "x=\"1\" ");
    strcat(edited, bad + 10);
    path = loaded_file(edited);
    free(edited);
    assert_int_equal(retdoc_load(path, rschema, RETDOC_LOAD_LIST, &diags, &f),
                     ERR_OK);
    assert_false(f.valid);
    assert_int_equal(diags.n, 0);
    assert_true(f.invalid.n >= 1);
    assert_non_null(strstr(f.invalid.v[0].message, "attribute 'x'"));
    assert_int_equal(f.invalid.v[0].line, 1393); /* the third finding */
    retdoc_file_close(&f);
    unlink(path);
    free(path);

    path = loaded_file("<?xml version='1.0'?>\n<register "
                       "xmlns='urn:canvass:register:1'><x>");
    assert_int_equal(retdoc_load(path, rschema, RETDOC_LOAD_LIST, &diags, &f),
                     ERR_INVALID);
    assert_int_equal(f.kind, RETDOC_KIND_REGISTER);
    assert_null(f.doc);
    assert_int_equal(diags.n, 0); /* named by the caller */
    retdoc_file_close(&f);
    unlink(path);
    free(path);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_between_readings),
        cmocka_unit_test(test_reference_figures),
        cmocka_unit_test(test_rollups_sum),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_partial),
        cmocka_unit_test(test_batch_on_final),
        cmocka_unit_test(test_validate_reports_first_problem),
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_lean),
        cmocka_unit_test(test_parse_labels),
        cmocka_unit_test(test_parse_lean_bad_markup),
        cmocka_unit_test(test_parse_lean_refuses),
        cmocka_unit_test(test_load_records),
        cmocka_unit_test(test_load_invalid),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
