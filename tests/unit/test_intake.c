/* test_intake.c — the reader's input stage: decoding, positions, guards.
 *
 * intake.c and utf8text.c go sixteen bytes at a time with SSE2 where the
 * compiler has it, eight or one at a time where not; that second build is
 * compiled in here under other names (scalar_*) and the position tests
 * run on both. */
#define CANVASS_NO_SIMD 1
#define intake_new scalar_intake_new
#define intake_free scalar_intake_free
#define intake_begin scalar_intake_begin
#define intake_push scalar_intake_push
#define intake_error scalar_intake_error
#define intake_has_content scalar_intake_has_content
#define utf8text_valid_prefix scalar_utf8text_valid_prefix
#define utf8text_len scalar_utf8text_len
#define utf8text_bad_len scalar_utf8text_bad_len
#define utf8text_advance scalar_utf8text_advance
#include "../../src/utf8text.c"
#include "../../src/intake.c"
#undef intake_new
#undef intake_free
#undef intake_begin
#undef intake_push
#undef intake_error
#undef intake_has_content
#undef CANVASS_NO_SIMD
#undef CANVASS_INTAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "intake.h"

/* Pushes the N bytes at P one read of STEP bytes at a time (the first
 * read through intake_begin), appending what may be parsed to OUT.
 * Returns the last intake_push result. */
static int push_all(intake_t *in, const char *p, size_t n, size_t step,
                    char *out, size_t *out_n)
{
    size_t skip = 0, i, k, ok;
    const unsigned char *text;
    int rc = 0;
    assert_null(intake_begin(in, (const unsigned char *)p, n, &skip));
    *out_n = 0;
    for (i = skip; i < n || i == skip; i += k) {
        k = n - i < step ? n - i : step;
        rc = intake_push(in, (const unsigned char *)p + i, k, i + k >= n, &text,
                         &ok);
        assert_true(rc >= 0);
        memcpy(out + *out_n, text, ok);
        *out_n += ok;
        if (rc || i + k >= n)
            break;
    }
    return rc;
}

/* UTF-8 pushed one byte at a time comes out whole. */
static void test_utf8_byte_by_byte(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n<a b=\"中文\">𠀀 é</a>\n";
    char out[256];
    size_t n;
    intake_t *in = intake_new();
    (void)state;
    assert_int_equal(push_all(in, doc, sizeof doc - 1, 1, out, &n), 0);
    assert_int_equal(n, sizeof doc - 1);
    assert_memory_equal(out, doc, n);
    intake_free(in);
}

/* A bad byte: what precedes it may be parsed; it is located by line and
 * character column and described. */
static void test_utf8_bad_byte(void **state)
{
    static const char doc[] = "<a>\n  中文\xC3(</a>";
    char out[256];
    size_t n;
    unsigned line, col;
    const char *why;
    intake_t *in = intake_new();
    (void)state;
    assert_int_equal(push_all(in, doc, sizeof doc - 1, 5, out, &n), 1);
    assert_int_equal(n, strlen("<a>\n  中文"));
    why = intake_error(in, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 5);
    assert_non_null(strstr(why, "invalid UTF-8 byte sequence of 1 byte"));
    intake_free(in);
}

/* GBK and UTF-16 characters cut between reads are carried over; a lone
 * surrogate is refused. */
static void test_gbk_and_utf16(void **state)
{
    static const char gbk[] = "<?xml version=\"1.0\" encoding=\"GBK\"?>"
                              "<a>\xD6\xD0\xCE\xC4</a>";
    static const char want[] = "<?xml version=\"1.0\" encoding=\"GBK\"?>"
                               "<a>中文</a>";
    /* BOM, "<a>", U+D800 alone, "</a>" in UTF-16LE */
    static const char u16[] = "\xFF\xFE<\0a\0>\0\x00\xD8<\0/\0a\0>\0";
    char out[256];
    size_t n;
    unsigned line, col;
    intake_t *in = intake_new();
    (void)state;
    assert_int_equal(push_all(in, gbk, sizeof gbk - 1, 1, out, &n), 0);
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(out, want, n);
    intake_free(in);
    in = intake_new();
    assert_int_equal(push_all(in, u16, sizeof u16 - 1, 3, out, &n), 1);
    assert_int_equal(n, 3);
    assert_non_null(
        strstr(intake_error(in, &line, &col), "unpaired UTF-16 surrogate"));
    assert_int_equal(col, 4);
    intake_free(in);
}

/* More than 100 attributes on one tag, more than 1 MB of text between two
 * tags (comments and CDATA do not end a text): refused at the tag's '<'
 * and at the text's start. */
static void test_guards(void **state)
{
    size_t cap = (2u << 20) + 4096, n = 0, got, i;
    char *doc = malloc(cap), *out = malloc(cap);
    unsigned line, col;
    intake_t *in = intake_new();
    (void)state;
    assert_true(doc && out);
    n += (size_t)sprintf(doc, "<r>\n <a");
    for (i = 0; i < 101; i++)
        n += (size_t)sprintf(doc + n, " x%zu='1'", i);
    strcpy(doc + n, "/></r>");
    n += 6;
    assert_int_equal(push_all(in, doc, n, 4096, out, &got), 1);
    assert_non_null(
        strstr(intake_error(in, &line, &col), "more than 100 attributes"));
    assert_int_equal(line, 2);
    assert_int_equal(col, 2);
    intake_free(in);

    /* 100 attributes pass */
    in = intake_new();
    n = (size_t)sprintf(doc, "<a");
    for (i = 0; i < 100; i++)
        n += (size_t)sprintf(doc + n, " x%zu=\"=\"", i);
    n += (size_t)sprintf(doc + n, "/>");
    assert_int_equal(push_all(in, doc, n, 4096, out, &got), 0);
    intake_free(in);

    in = intake_new();
    n = (size_t)sprintf(doc, "<r><p>");
    memset(doc + n, 'x', 600000);
    n += 600000;
    n += (size_t)sprintf(doc + n, "<!-- -->");
    memset(doc + n, 'y', 300000);
    n += 300000;
    n += (size_t)sprintf(doc + n, "<![CDATA[");
    memset(doc + n, 'z', 200000);
    n += 200000;
    n += (size_t)sprintf(doc + n, "]]></p></r>");
    assert_int_equal(push_all(in, doc, n, 65536, out, &got), 1);
    assert_non_null(strstr(intake_error(in, &line, &col),
                           "more than 1 MB between two tags"));
    assert_int_equal(line, 1);
    assert_int_equal(col, 7);
    intake_free(in);
    free(doc);
    free(out);
}

/* The first bytes decide: compressed, not XML, an encoding not accepted,
 * UTF-16 declared on 8-bit bytes. */
static void test_begin(void **state)
{
    static const char *const bad[] = {
        "\x1F\x8B\x08", "hello", "<?xml version='1.0' encoding='latin1'?>",
        "<?xml version='1.0' encoding='UTF-16'?><a/>"};
    size_t i, skip;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        intake_t *in = intake_new();
        assert_non_null(intake_begin(in, (const unsigned char *)bad[i],
                                     strlen(bad[i]), &skip));
        intake_free(in);
    }
}

/* Nothing after the byte order mark: nothing to parse, no content (and no
 * copy from a buffer never allocated, which UBSan aborts on). */
static void test_bom_only(void **state)
{
    char out[16];
    size_t n;
    intake_t *in = intake_new();
    (void)state;
    assert_int_equal(push_all(in, "\xFF\xFE", 2, 4096, out, &n), 0);
    assert_int_equal(n, 0);
    assert_false(intake_has_content(in));
    intake_free(in);
}

/* ---- positions and guards at every place a read may end ---------------- */

typedef struct {
    const char *name;
    intake_t *(*make)(void);
    void (*drop)(intake_t *);
    const char *(*begin)(intake_t *, const unsigned char *, size_t, size_t *);
    int (*push)(intake_t *, const unsigned char *, size_t, int,
                const unsigned char **, size_t *);
    const char *(*error)(const intake_t *, unsigned *, unsigned *);
} impl_t;

static const impl_t impls[] = {
    {"sse2", intake_new, intake_free, intake_begin, intake_push, intake_error},
    {"scalar", scalar_intake_new, scalar_intake_free, scalar_intake_begin,
     scalar_intake_push, scalar_intake_error},
};

/* The place of byte OFF of the UTF-8 text DOC, counted the plain way. */
static void naive_place(const char *doc, size_t off, unsigned *line,
                        unsigned *col)
{
    size_t i;
    *line = *col = 1;
    for (i = 0; i < off; i++)
        if (doc[i] == '\n')
            ++*line, *col = 1;
        else if ((doc[i] & 0xC0) != 0x80)
            ++*col;
}

typedef struct {
    int rc;
    size_t ok; /* bytes that may be parsed, over all the reads */
    unsigned line, col;
    char why[400];
} outcome_t;

/* Pushes DOC[0..N) through a fresh stage of IM in reads that end at the
 * offsets CUTS[0..NC) (increasing), then at every STEP bytes. */
static outcome_t run_cuts(const impl_t *im, const char *doc, size_t n,
                          const size_t *cuts, size_t nc, size_t step)
{
    outcome_t o;
    size_t at = 0, c = 0, skip = 0;
    intake_t *in = im->make();
    memset(&o, 0, sizeof o);
    assert_non_null(in);
    assert_null(im->begin(in, (const unsigned char *)doc, n, &skip));
    assert_int_equal(skip, 0);
    for (;;) {
        size_t end = c < nc ? cuts[c++] : at + step, got;
        const unsigned char *text;
        if (end > n)
            end = n;
        o.rc = im->push(in, (const unsigned char *)doc + at, end - at, end == n,
                        &text, &got);
        assert_true(o.rc >= 0);
        assert_memory_equal(text, doc + o.ok, got);
        o.ok += got;
        if (o.rc || end == n)
            break;
        at = end;
    }
    if (o.rc == 1)
        snprintf(o.why, sizeof o.why, "%s", im->error(in, &o.line, &o.col));
    im->drop(in);
    return o;
}

static outcome_t run_step(const impl_t *im, const char *doc, size_t n,
                          size_t step)
{
    return run_cuts(im, doc, n, NULL, 0, step);
}

/* The 101st attribute of a tag that spans lines, after CR LF and Chinese:
 * refused at the tag's '<' whatever the reads, the tag's '<' or the
 * 101st '=' first or last in one, what precedes that '=' parsed. */
static void test_attrs_guard_every_cut(void **state)
{
    char doc[4096];
    size_t n, i, tag, eq = 0, s, k;
    unsigned line, col;
    (void)state;
    n = (size_t)sprintf(doc, "<r>\r\n 中文\r\n\t");
    tag = n;
    n += (size_t)sprintf(doc + n, "<a");
    for (i = 0; i < 101; i++) {
        n += (size_t)sprintf(doc + n, i % 10 ? " x%zu=" : "\r\n  x%zu=", i);
        eq = n - 1;
        n += (size_t)sprintf(doc + n, "'1'");
    }
    n += (size_t)sprintf(doc + n, "/></r>");
    naive_place(doc, tag, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
    for (k = 0; k < sizeof impls / sizeof *impls; k++) {
        const size_t edges[] = {tag, tag + 1, eq, eq + 1};
        for (s = 1; s <= 80; s++) {
            outcome_t o = run_step(&impls[k], doc, n, s);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, eq);
            assert_int_equal(o.line, line);
            assert_int_equal(o.col, col);
            assert_non_null(strstr(o.why, "more than 100 attributes"));
        }
        for (i = 0; i < 2 * sizeof edges / sizeof *edges; i++) {
            /* then small reads, or the rest in one */
            outcome_t o =
                run_cuts(&impls[k], doc, n, &edges[i / 2], 1, i % 2 ? 7 : 4096);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, eq);
            assert_int_equal(o.line, line);
            assert_int_equal(o.col, col);
        }
    }
}

/* Exactly 1 MB of text passes; one byte more is refused at the text's
 * start (noted in an earlier read), with the text's bytes before the read
 * that passes the limit parsed, wherever the reads end. */
static void test_text_guard_at_edges(void **state)
{
    const size_t max = 1u << 20;
    size_t cap = max + 64, n, start, i, k;
    char *doc = malloc(cap);
    unsigned line, col;
    (void)state;
    assert_non_null(doc);
    for (k = 0; k < sizeof impls / sizeof *impls; k++) {
        size_t extra;
        for (extra = 0; extra < 2; extra++) {
            n = (size_t)sprintf(doc, "<r>\r\n中文 <p>");
            start = n;
            memset(doc + n, 'y', max + extra);
            for (i = 1; i < 40; i++)
                doc[n + i * 25000] = '\n';
            n += max + extra;
            n += (size_t)sprintf(doc + n, "</p></r>");
            naive_place(doc, start, &line, &col);
            assert_int_equal(line, 2);
            assert_int_equal(col, 7);
            {
                const size_t x = start + max; /* the first byte too many */
                const size_t cuts[][2] = {{start, start + 1},
                                          {x, x + 1},
                                          {x - 1, x},
                                          {x + 1, x + 2},
                                          {start, n}};
                const size_t steps[] = {65536, 65535, 4103, 2 * max};
                for (i = 0; i < 4 + 4 + 1; i++) {
                    size_t ps = 0, want;
                    outcome_t o =
                        i < 4 ? run_cuts(&impls[k], doc, n, cuts[i], 2, 65536)
                        : i < 8
                            ? run_step(&impls[k], doc, n, steps[i - 4])
                            : run_cuts(&impls[k], doc, n, cuts[4], 2, 65536);
                    if (!extra) {
                        assert_int_equal(o.rc, 0);
                        assert_int_equal(o.ok, n);
                        continue;
                    }
                    /* the read holding byte x begins at ps */
                    if (i < 4) {
                        ps = x >= cuts[i][1]   ? cuts[i][1]
                             : x >= cuts[i][0] ? cuts[i][0]
                                               : 0;
                        if (x >= cuts[i][1])
                            ps += (x - cuts[i][1]) / 65536 * 65536;
                    } else if (i < 8) {
                        ps = x / steps[i - 4] * steps[i - 4];
                    } else {
                        ps = start; /* the text's start begins a read */
                    }
                    want = ps > start ? ps : start;
                    assert_int_equal(o.rc, 1);
                    assert_int_equal(o.ok, want);
                    assert_int_equal(o.line, line);
                    assert_int_equal(o.col, col);
                    assert_non_null(
                        strstr(o.why, "more than 1 MB between two tags"));
                }
            }
        }
    }
    free(doc);
}

/* Characters cut by the end of a read at every place: the bad byte after
 * them is located by characters, CR counting as one; a character cut by
 * the end of the file is refused where it begins. */
static void test_cut_characters(void **state)
{
    static const char bad[] = "<a>\n  中文𠀀é\r\xC3(</a>";
    static const char cut[] = "<a>\r\n中\xE6\x96";
    size_t s, k;
    (void)state;
    for (k = 0; k < sizeof impls / sizeof *impls; k++)
        for (s = 1; s <= 24; s++) {
            outcome_t o = run_step(&impls[k], bad, sizeof bad - 1, s);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, strstr(bad, "\xC3(") - bad);
            assert_int_equal(o.line, 2);
            assert_int_equal(o.col, 8);
            assert_non_null(strstr(o.why, "of 1 byte"));
            o = run_step(&impls[k], cut, sizeof cut - 1, s);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, sizeof cut - 3);
            assert_int_equal(o.line, 2);
            assert_int_equal(o.col, 2);
            assert_non_null(strstr(o.why, "ends in the middle of a UTF-8"));
        }
}

/* Thousands of newlines in a row (more than a byte counter holds) and a
 * line longer than a read: lines and columns still exact. */
static void test_long_runs(void **state)
{
    const size_t nl = 5000, wide = 100000;
    size_t cap = nl + wide + 64, n, s, k, i;
    char *doc = malloc(cap);
    const size_t steps[] = {1, 7, 4096, 65536};
    (void)state;
    assert_non_null(doc);
    for (k = 0; k < sizeof impls / sizeof *impls; k++) {
        n = (size_t)sprintf(doc, "<a>");
        memset(doc + n, '\n', nl);
        n += nl;
        n += (size_t)sprintf(doc + n, "x\r\ny\xFF");
        for (i = 0; i < sizeof steps / sizeof *steps; i++) {
            outcome_t o = run_step(&impls[k], doc, n, steps[i]);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, n - 1);
            assert_int_equal(o.line, nl + 2);
            assert_int_equal(o.col, 2);
        }
        n = (size_t)sprintf(doc, "<a>\n");
        memset(doc + n, 'x', wide);
        n += wide;
        n += (size_t)sprintf(doc + n, "中\xFF");
        for (s = 1000; s <= 65536; s *= 4) {
            outcome_t o = run_step(&impls[k], doc, n, s);
            assert_int_equal(o.rc, 1);
            assert_int_equal(o.ok, n - 1);
            assert_int_equal(o.line, 2);
            assert_int_equal(o.col, wide + 2);
        }
    }
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_byte_by_byte),
        cmocka_unit_test(test_utf8_bad_byte),
        cmocka_unit_test(test_gbk_and_utf16),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_begin),
        cmocka_unit_test(test_bom_only),
        cmocka_unit_test(test_attrs_guard_every_cut),
        cmocka_unit_test(test_text_guard_at_edges),
        cmocka_unit_test(test_cut_characters),
        cmocka_unit_test(test_long_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
