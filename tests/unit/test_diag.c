/* test_diag.c — ordering and the two text forms of diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"

static diag make(const char *file, unsigned line, unsigned col,
                 const char *rule, const char *msg)
{
    diag d = {0};
    d.file = (char *)file;
    d.line = line;
    d.col = col;
    d.rule = (char *)rule;
    d.message = (char *)msg;
    d.severity = DIAG_ERROR;
    return d;
}

static void test_sort(void **state)
{
    diag_list l = {0};
    diag d;
    (void)state;
    d = make("b.xml", 1, 1, "schema", "x");
    assert_int_equal(diag_list_add(&l, &d), ERR_OK);
    d = make("a.xml", 20, 3, "schema", "y");
    diag_list_add(&l, &d);
    d = make("a.xml", 3, 9, "unknown-cadre", "z");
    diag_list_add(&l, &d);
    d = make("a.xml", 3, 2, "schema", "w");
    diag_list_add(&l, &d);
    diag_list_sort(&l);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.v[0].message, "w");
    assert_string_equal(l.v[1].message, "z");
    assert_string_equal(l.v[2].message, "y");
    assert_string_equal(l.v[3].file, "b.xml");
    diag_list_clear(&l);
    assert_int_equal(l.n, 0);
}

static void test_text(void **state)
{
    diag d = make("x.xml", 12, 5, "household-not-visited",
                  "household h1 has no visit");
    char *s;
    (void)state;
    d.severity = DIAG_WARNING;
    s = diag_format_text(&d);
    assert_string_equal(s, "x.xml:12:5: warning: household h1 has no visit "
                           "[household-not-visited]");
    free(s);
    d.line = 0; /* the whole file */
    d.rule = "io";
    d.severity = DIAG_ERROR;
    s = diag_format_text(&d);
    assert_string_equal(s, "x.xml: error: household h1 has no visit [io]");
    free(s);
}

static void test_json(void **state)
{
    diag d =
        make("dir/\"q\".xml", 3, 4, "schema", "bad\tvalue \\ \"x\"\n\001 楼房");
    char *s;
    (void)state;
    d.household = "h7";
    s = diag_format_json(&d);
    assert_string_equal(
        s, "{\"file\":\"dir/\\\"q\\\".xml\",\"line\":3,\"col\":4,"
           "\"severity\":\"error\",\"rule\":\"schema\","
           "\"message\":\"bad\\tvalue \\\\ \\\"x\\\"\\n\\u0001 楼房\","
           "\"household\":\"h7\"}");
    free(s);
}

static void test_take(void **state)
{
    diag_list a = {0}, b = {0};
    diag d = make("a.xml", 1, 1, "schema", "m");
    (void)state;
    diag_list_add(&a, &d);
    diag_list_add(&b, &d);
    diag_list_add(&b, &d);
    assert_int_equal(diag_list_take(&a, &b), ERR_OK);
    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 0);
    diag_list_clear(&a);
    diag_list_clear(&b);
}

/* ---- the store ---------------------------------------------------------- */

static error_code add(diag_store *st, unsigned line, unsigned col,
                      const char *rule, diag_severity sev, const char *hh,
                      const char *fmt, ...)
{
    diag d = {0};
    va_list ap;
    error_code rc;
    d.line = line;
    d.col = col;
    d.rule = (char *)rule;
    d.severity = sev;
    d.household = (char *)hh;
    d.community = "620402003005";
    va_start(ap, fmt);
    rc = diag_store_vadd(st, &d, fmt, ap);
    va_end(ap);
    return rc;
}

/* Many findings in groups, some out of order, with a spill threshold of a
 * few hundred bytes: they come back in (line, col, rule, message) order,
 * every one, formatted from their arguments; counts are exact. */
static void test_store_order_spill(void **state)
{
    diag_store *st = diag_store_new("reg.xml", 256);
    diag_list l = {0};
    size_t i, n = 5000;
    (void)state;
    assert_non_null(st);
    for (i = 0; i < n; i++) {
        /* groups of 5 given backwards; every 1000th group out of order */
        unsigned base = (unsigned)(i / 5) * 10 + 10, k = 4 - (unsigned)(i % 5);
        if (i % 5 == 0)
            diag_store_begin(st);
        if ((i / 5) % 200 == 199)
            base = 5 + (unsigned)(i / 1000);
        assert_int_equal(add(st, base, k + 1,
                             i % 2 ? "overdue-item" : "duplicate-id",
                             i % 2 ? DIAG_WARNING : DIAG_ERROR, "h1",
                             "item %s: %d days, %lu, %zu%%", "o1", -(int)i - 1,
                             (unsigned long)i, (size_t)k),
                         ERR_OK);
        if (i % 5 == 4)
            assert_int_equal(diag_store_end(st), ERR_OK);
    }
    assert_int_equal(diag_store_total(st, -1), n);
    assert_int_equal(diag_store_count(st, "overdue-item", DIAG_WARNING), n / 2);
    assert_int_equal(diag_store_count(st, "duplicate-id", DIAG_ERROR), n / 2);
    assert_int_equal(diag_store_count(st, "duplicate-id", DIAG_WARNING), 0);
    assert_int_equal(diag_store_drain(st, &l), ERR_OK);
    assert_int_equal(l.n, n);
    for (i = 1; i < l.n; i++) {
        const diag *a = &l.v[i - 1], *b = &l.v[i];
        assert_true(a->line < b->line ||
                    (a->line == b->line && a->col <= b->col));
    }
    for (i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].file, "reg.xml");
        assert_string_equal(l.v[i].household, "h1");
        assert_string_equal(l.v[i].community, "620402003005");
        assert_null(l.v[i].visit);
        assert_non_null(strstr(l.v[i].message, "item o1: -"));
    }
    /* one in full */
    assert_string_equal(l.v[0].message, "item o1: -1000 days, 999, 0%");
    assert_int_equal(diag_store_total(st, -1), 0); /* drained */
    diag_list_clear(&l);
    diag_store_free(st);
}

/* Numbers in messages: every conversion, their extremes. */
static void test_store_numbers(void **state)
{
    diag_store *st = diag_store_new("r.xml", 0);
    diag_list l = {0};
    (void)state;
    assert_non_null(st);
    assert_int_equal(add(st, 1, 1, "overdue-item", DIAG_WARNING, "h1",
                         "%d %d %ld %ld %u %lu %zu %x %lx %d%%", 0, -7,
                         (long)INT64_MIN, (long)INT64_MAX, 4294967295u,
                         (unsigned long)UINT64_MAX, (size_t)42, 0xbeefu,
                         (unsigned long)0, 1234567),
                     ERR_OK);
    assert_int_equal(diag_store_drain(st, &l), ERR_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].message,
                        "0 -7 -9223372036854775808 9223372036854775807 "
                        "4294967295 18446744073709551615 42 beef 0 1234567%");
    diag_list_clear(&l);
    diag_store_free(st);
}

/* A reader that wants a few of many: FN sees exactly those WANT accepts,
 * in order, with their messages; WANT sees every one. */
typedef struct {
    unsigned asked, got, last_line;
} want_state;

static int want_even(void *ud, const diag *d)
{
    want_state *w = ud;
    w->asked++;
    return d->line % 2 == 0;
}

static error_code got_even(void *ud, const diag *d)
{
    want_state *w = ud;
    assert_true(d->line % 2 == 0);
    assert_true(d->line > w->last_line);
    assert_non_null(d->message);
    assert_non_null(strstr(d->message, "line "));
    w->last_line = d->line;
    w->got++;
    return ERR_OK;
}

static void test_store_want(void **state)
{
    diag_store *st = diag_store_new("r.xml", 128);
    const diag_store *v[1];
    want_state w = {0, 0, 0};
    unsigned i;
    (void)state;
    assert_non_null(st);
    for (i = 1; i <= 1000; i++)
        assert_int_equal(
            add(st, i, 1, "overdue-item", DIAG_WARNING, "h1", "line %u", i),
            ERR_OK);
    v[0] = st;
    assert_int_equal(diag_store_each_of_if(v, 1, want_even, got_even, &w),
                     ERR_OK);
    assert_int_equal(w.asked, 1000);
    assert_int_equal(w.got, 500);
    assert_int_equal(w.last_line, 1000);
    diag_store_free(st);
}

/* The same findings with and without spilling read back the same. */
static void test_store_spill_same(void **state)
{
    diag_store *a = diag_store_new("r.xml", 64),
               *b = diag_store_new("r.xml", 0);
    diag_list la = {0}, lb = {0};
    unsigned i;
    (void)state;
    for (i = 0; i < 300; i++) {
        assert_int_equal(add(a, 1000 - i, 1, "schema", DIAG_ERROR, NULL, "%s",
                             "line by line, backwards"),
                         ERR_OK);
        assert_int_equal(add(b, 1000 - i, 1, "schema", DIAG_ERROR, NULL, "%s",
                             "line by line, backwards"),
                         ERR_OK);
    }
    assert_int_equal(diag_store_drain(a, &la), ERR_OK);
    assert_int_equal(diag_store_drain(b, &lb), ERR_OK);
    assert_int_equal(la.n, 300);
    assert_int_equal(lb.n, 300);
    for (i = 0; i < 300; i++) {
        assert_int_equal(la.v[i].line, 701 + i);
        assert_int_equal(lb.v[i].line, 701 + i);
        assert_string_equal(la.v[i].community, "620402003005");
    }
    diag_list_clear(&la);
    diag_list_clear(&lb);
    diag_store_free(a);
    diag_store_free(b);
}

/* A conversion the store does not know is refused, not misread. */
static void test_store_bad_format(void **state)
{
    diag_store *st = diag_store_new("r.xml", 0);
    (void)state;
    assert_int_equal(add(st, 1, 1, "schema", DIAG_ERROR, NULL, "%5d", 3),
                     ERR_INTERNAL);
    assert_int_equal(diag_store_error(st), ERR_INTERNAL);
    diag_store_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_store_order_spill),
        cmocka_unit_test(test_store_spill_same),
        cmocka_unit_test(test_store_numbers),
        cmocka_unit_test(test_store_want),
        cmocka_unit_test(test_store_bad_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
