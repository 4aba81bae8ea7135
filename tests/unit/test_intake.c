/* test_intake.c — the reader's input stage: decoding, positions, guards. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_byte_by_byte),
        cmocka_unit_test(test_utf8_bad_byte),
        cmocka_unit_test(test_gbk_and_utf16),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_begin),
        cmocka_unit_test(test_bom_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
