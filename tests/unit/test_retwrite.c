/* test_retwrite.c — the return written as a stream is, byte for byte, what
 * libxml2's indented save of the same tree gives (the way return.xml was
 * written before, from a tree): escapes in attributes and text, empty
 * elements, an empty text, indentation and its cap at 30 levels, an
 * attribute given after the children, the largest count; and misuse is a
 * bug said as such, not a document. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "retwrite.h"

#define NS "urn:canvass:return:1"

/* libxml2's save, as return.xml was written from a tree. */
static char *save(xmlDocPtr doc, size_t *len)
{
    xmlBufferPtr b = xmlBufferCreate();
    xmlSaveCtxtPtr s;
    char *out;
    assert_non_null(b);
    doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    s = xmlSaveToBuffer(b, NULL, XML_SAVE_FORMAT);
    assert_non_null(s);
    assert_true(xmlSaveDoc(s, doc) >= 0);
    assert_true(xmlSaveClose(s) >= 0);
    *len = (size_t)xmlBufferLength(b);
    out = malloc(*len + 1);
    assert_non_null(out);
    memcpy(out, xmlBufferContent(b), *len);
    out[*len] = 0;
    xmlBufferFree(b);
    return out;
}

/* One element of both: the tree's node and the stream's. */
typedef struct {
    xmlNodePtr n;
    xmlNsPtr ns;
    retwrite_t *w;
} both;

static void open_(both *b, const char *el)
{
    b->n = xmlNewChild(b->n, b->ns, BAD_CAST el, NULL);
    assert_non_null(b->n);
    retwrite_open(b->w, el);
}

static void attr(both *b, const char *name, const char *value)
{
    assert_non_null(xmlSetProp(b->n, BAD_CAST name, BAD_CAST value));
    retwrite_attr(b->w, name, value);
}

static void count(both *b, const char *name, unsigned long long v)
{
    char d[32];
    snprintf(d, sizeof d, "%llu", v);
    assert_non_null(xmlSetProp(b->n, BAD_CAST name, BAD_CAST d));
    retwrite_count(b->w, name, v);
}

static void text(both *b, const char *t)
{
    /* as xmlNewTextChild gives its element: one text node, "" included */
    xmlNodePtr n = xmlNewDocText(b->n->doc, BAD_CAST t);
    assert_non_null(n);
    assert_non_null(xmlAddChild(b->n, n));
    retwrite_text(b->w, t);
}

static void close_(both *b)
{
    b->n = b->n->parent;
    retwrite_close(b->w);
}

static const char *const odd[] = {
    "plain",      "",           "a&b<c>d\"e'f",         "tab\there",
    "line\nfeed", "car\rriage", "中文 街道 &amp; 社区", "]]> --> <!-- <?pi?>",
    "  spaces  ",
};

static void test_same_as_libxml2(void **state)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "return", NULL);
    both b;
    char *want, *got;
    size_t wlen, glen, i;
    (void)state;
    xmlDocSetRootElement(doc, root);
    b.ns = xmlNewNs(root, BAD_CAST NS, NULL);
    xmlSetNs(root, b.ns);
    b.n = root;
    b.w = retwrite_new("return", NS);
    assert_non_null(b.w);
    attr(&b, "version", "2");
    count(&b, "zero", 0);
    count(&b, "max", ULLONG_MAX);
    open_(&b, "empty");
    close_(&b);
    open_(&b, "attrs");
    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        char name[8];
        snprintf(name, sizeof name, "a%zu", i);
        attr(&b, name, odd[i]);
    }
    close_(&b);
    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        open_(&b, "p");
        attr(&b, "n", "1");
        text(&b, odd[i]);
        close_(&b);
    }
    /* an attribute after the children goes into the start tag */
    open_(&b, "findings");
    open_(&b, "finding");
    attr(&b, "rule", "r");
    text(&b, "message <1>");
    close_(&b);
    open_(&b, "notListed");
    count(&b, "count", 3);
    close_(&b);
    count(&b, "limit", 1);
    count(&b, "omitted", 3);
    close_(&b);
    /* deeper than libxml2 indents */
    for (i = 0; i < 34; i++) {
        open_(&b, "d");
        count(&b, "depth", i + 1);
    }
    open_(&b, "p");
    text(&b, "deep");
    close_(&b);
    for (i = 0; i < 34; i++)
        close_(&b);
    count(&b, "late", 7); /* on the root, after everything */

    want = save(doc, &wlen);
    assert_int_equal(retwrite_finish(b.w, &got, &glen), ERR_OK);
    if (glen != wlen || memcmp(got, want, wlen))
        fail_msg("retwrite differs from libxml2:\n--- libxml2\n%s\n--- "
                 "retwrite\n%s",
                 want, got);
    assert_int_equal(strlen(got), glen);
    free(want);
    free(got);
    xmlFreeDoc(doc);
}

/* A root alone is one empty element; the declaration comes first. */
static void test_root_alone(void **state)
{
    retwrite_t *w = retwrite_new("return", NULL);
    char *got;
    size_t len;
    (void)state;
    assert_non_null(w);
    assert_int_equal(retwrite_finish(w, &got, &len), ERR_OK);
    assert_string_equal(
        got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<return/>\n");
    free(got);
}

/* Misuse gives no document: text after a child, a child after text, an
 * element left open, the root closed by hand. */
static void test_misuse(void **state)
{
    retwrite_t *w;
    char *got;
    size_t len;
    int k;
    (void)state;
    for (k = 0; k < 4; k++) {
        w = retwrite_new("r", NULL);
        assert_non_null(w);
        switch (k) {
        case 0:
            retwrite_open(w, "a");
            retwrite_close(w);
            retwrite_text(w, "x");
            break;
        case 1:
            retwrite_open(w, "a");
            retwrite_text(w, "x");
            retwrite_open(w, "b");
            retwrite_close(w);
            retwrite_close(w);
            break;
        case 2:
            retwrite_open(w, "a");
            break;
        default:
            retwrite_close(w);
            break;
        }
        assert_int_equal(retwrite_finish(w, &got, &len), ERR_INTERNAL);
        assert_null(got);
    }
    retwrite_free(NULL);
}

/* Writes a document of N findings to W (streamed from after the
 * findings' start tag when F), the findings' @omitted given first. */
static void findings_doc(retwrite_t *w, FILE *f, size_t n)
{
    size_t i;
    retwrite_attr(w, "version", "2");
    retwrite_open(w, "campaign");
    retwrite_attr(w, "id", "c");
    retwrite_close(w);
    retwrite_open(w, "findings");
    retwrite_count(w, "omitted", 0);
    if (f)
        retwrite_stream(w, f);
    for (i = 0; i < n; i++) {
        char v[32];
        retwrite_open(w, "finding");
        snprintf(v, sizeof v, "h%zu", i);
        retwrite_attr(w, "household", v);
        retwrite_count(w, "line", i + 1);
        retwrite_text(w, "住户没有包户干部 <&> \"引号\"");
        retwrite_close(w);
    }
    retwrite_open(w, "notListed");
    retwrite_count(w, "count", 0);
    retwrite_close(w);
    retwrite_close(w);
}

/* Streamed to a file, a document of over 3 MB (hand-overs) has the
 * bytes it has in memory; an attribute for an element whose start tag was
 * handed on is a bug (ERR_INTERNAL); a failed write is ERR_WRITE with
 * errno saying why. */
static void test_stream(void **state)
{
    const size_t n = 40000;
    retwrite_t *w = retwrite_new("return", NS);
    char *want, *got, *none = (char *)1;
    size_t wlen, glen;
    FILE *f;
    (void)state;

    assert_non_null(w);
    findings_doc(w, NULL, n);
    assert_int_equal(retwrite_finish(w, &want, &wlen), ERR_OK);
    assert_true(wlen > 3u << 20); /* three hand-overs or more */

    assert_non_null(f = tmpfile());
    w = retwrite_new("return", NS);
    assert_non_null(w);
    findings_doc(w, f, n);
    assert_int_equal(retwrite_finish(w, &none, &glen), ERR_OK);
    assert_null(none);
    assert_int_equal(glen, wlen);
    assert_non_null(got = malloc(glen + 1));
    rewind(f);
    assert_int_equal(fread(got, 1, glen + 1, f), glen);
    assert_memory_equal(got, want, wlen);
    fclose(f);
    free(got);
    free(want);

    /* a late attribute once the start tag is gone */
    assert_non_null(f = tmpfile());
    w = retwrite_new("return", NS);
    assert_non_null(w);
    findings_doc(w, f, n);
    retwrite_count(w, "late", 1); /* on the root */
    assert_int_equal(retwrite_finish(w, &none, &glen), ERR_INTERNAL);
    fclose(f);

    /* a full device */
    if ((f = fopen("/dev/full", "w"))) {
        w = retwrite_new("return", NS);
        assert_non_null(w);
        findings_doc(w, f, n);
        errno = 0;
        assert_int_equal(retwrite_finish(w, &none, &glen), ERR_WRITE);
        assert_int_equal(errno, ENOSPC);
        fclose(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_libxml2),
        cmocka_unit_test(test_root_alone),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
