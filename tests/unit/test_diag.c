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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
