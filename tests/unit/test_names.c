/* test_names.c — names found by pointer, never wrongly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "names.h"

static const char *const list[] = {"household", "id", "cadre",
                                   "urn:canvass:register:1"};
#define N (sizeof list / sizeof *list)

static const xmlChar *intern(xmlDictPtr d, const char *s)
{
    const xmlChar *p = xmlDictLookup(d, (const xmlChar *)s, -1);
    assert_non_null(p);
    return p;
}

/* Interned names are found, and remembered once each; a name not in the
 * list is -1, remembered too; NULL is -1. */
static void test_interned(void **state)
{
    xmlDictPtr d = xmlDictCreate();
    names_t *t = names_new(list, N);
    size_t i;
    (void)state;
    assert_non_null(d);
    assert_non_null(t);
    names_reset(t, d);
    for (i = 0; i < 3; i++) {
        assert_int_equal(names_find(t, intern(d, "household")), 0);
        assert_int_equal(names_find(t, intern(d, "id")), 1);
        assert_int_equal(names_find(t, intern(d, "urn:canvass:register:1")), 3);
        assert_int_equal(names_find(t, intern(d, "name")), -1);
    }
    assert_int_equal(names_remembered(t), 4);
    assert_int_equal(names_find(t, NULL), -1);
    /* a new parse forgets everything */
    names_reset(t, d);
    assert_int_equal(names_remembered(t), 0);
    assert_int_equal(names_find(t, intern(d, "cadre")), 2);
    assert_int_equal(names_remembered(t), 1);
    names_free(t);
    xmlDictFree(d);
}

/* A name that is not in the dictionary (one buffer, reused for other
 * names) is compared each time and never remembered: remembering its
 * address would give the old answer for the new name. */
static void test_not_interned(void **state)
{
    xmlDictPtr d = xmlDictCreate();
    names_t *t = names_new(list, N);
    char buf[32];
    (void)state;
    assert_non_null(d);
    assert_non_null(t);
    names_reset(t, d);
    strcpy(buf, "id");
    assert_int_equal(names_find(t, (const xmlChar *)buf), 1);
    strcpy(buf, "cadre");
    assert_int_equal(names_find(t, (const xmlChar *)buf), 2);
    strcpy(buf, "sex");
    assert_int_equal(names_find(t, (const xmlChar *)buf), -1);
    strcpy(buf, "household");
    assert_int_equal(names_find(t, (const xmlChar *)buf), 0);
    assert_int_equal(names_remembered(t), 0);
    /* nor with no dictionary at all */
    names_reset(t, NULL);
    assert_int_equal(names_find(t, intern(d, "id")), 1);
    assert_int_equal(names_remembered(t), 0);
    names_free(t);
    xmlDictFree(d);
}

/* Many distinct names (a hostile file): memory stays bounded, and names
 * met once the memo is full are still found, by comparing. */
static void test_memo_full(void **state)
{
    xmlDictPtr d = xmlDictCreate();
    names_t *t = names_new(list, N);
    char buf[32];
    int i;
    (void)state;
    assert_non_null(d);
    assert_non_null(t);
    names_reset(t, d);
    for (i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "a%d", i);
        assert_int_equal(names_find(t, intern(d, buf)), -1);
    }
    assert_true(names_remembered(t) > 0 && names_remembered(t) < 1000);
    assert_int_equal(names_find(t, intern(d, "id")), 1);
    assert_int_equal(names_find(t, intern(d, "cadre")), 2);
    /* and the remembered ones still answer */
    assert_int_equal(names_find(t, intern(d, "a0")), -1);
    names_free(t);
    xmlDictFree(d);
    names_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interned),
        cmocka_unit_test(test_not_interned),
        cmocka_unit_test(test_memo_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
