/* test_catalog.c — the .mo reader the documents' language goes through:
 * lookups, plural forms, and damaged files refused. Runs from tests/ with
 * the catalogue the build compiled (CANVASS_TEST_LOCALEDIR). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "catalog.h"

#define ZH_MO CANVASS_TEST_LOCALEDIR "/zh_CN/LC_MESSAGES/canvass.mo"

static void test_lookup(void **state)
{
    catalog_t *c = NULL;
    char *msg = NULL;
    (void)state;
    assert_int_equal(catalog_load(ZH_MO, &c, &msg), ERR_OK);
    assert_null(msg);
    assert_string_equal(catalog_text(c, "opinion"), "民情意见");
    assert_string_equal(catalog_text(c, "regular"), "定期走访");
    /* no translation: the id itself (the same pointer) */
    {
        static const char id[] = "no such message in the catalogue";
        assert_ptr_equal(catalog_text(c, id), id);
    }
    assert_string_equal(catalog_text(c, ""), "");
    /* nplurals=1: one form for every N */
    assert_string_equal(catalog_plural(c, "%zu register", "%zu registers", 1),
                        "%zu 份台账");
    assert_string_equal(catalog_plural(c, "%zu register", "%zu registers", 5),
                        "%zu 份台账");
    /* not in it: English, chosen by N */
    assert_string_equal(catalog_plural(c, "%d cat", "%d cats", 1), "%d cat");
    assert_string_equal(catalog_plural(c, "%d cat", "%d cats", 2), "%d cats");
    catalog_free(c);
    /* no catalogue: English */
    assert_string_equal(catalog_text(NULL, "opinion"), "opinion");
    assert_string_equal(catalog_plural(NULL, "a", "b", 3), "b");
}

/* Writes the first LEN bytes of the catalogue, with the byte at FLIP
 * (when below LEN) changed, to PATH. */
static void write_damaged(const char *path, size_t len, size_t flip)
{
    FILE *in = fopen(ZH_MO, "rb"), *out = fopen(path, "wb");
    size_t i;
    int ch;
    assert_non_null(in);
    assert_non_null(out);
    for (i = 0; i < len && (ch = fgetc(in)) != EOF; i++)
        fputc(i == flip ? ch ^ 0x7f : ch, out);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void test_damaged(void **state)
{
    static const char path[] = "out/test_catalog.mo";
    catalog_t *c = NULL;
    char *msg = NULL;
    (void)state;
    /* a fresh checkout has no out/ yet: the unit tests run first */
    assert_true(mkdir("out", 0777) == 0 || errno == EEXIST);
    assert_int_equal(catalog_load("out/no-such.mo", &c, &msg), ERR_OPEN);
    assert_null(c);
    assert_non_null(strstr(msg, "no-such.mo"));
    free(msg);
    msg = NULL;
    /* cut short: its tables point past the end */
    write_damaged(path, 400, (size_t)-1);
    assert_int_equal(catalog_load(path, &c, &msg), ERR_INVALID);
    assert_null(c);
    free(msg);
    msg = NULL;
    /* a bad magic number */
    write_damaged(path, (size_t)-1, 0);
    assert_int_equal(catalog_load(path, &c, &msg), ERR_INVALID);
    free(msg);
    msg = NULL;
    /* the table of originals moved past the end */
    write_damaged(path, (size_t)-1, 15);
    assert_int_equal(catalog_load(path, &c, &msg), ERR_INVALID);
    free(msg);
    msg = NULL;
    /* a directory */
    assert_int_not_equal(catalog_load("out", &c, &msg), ERR_OK);
    free(msg);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
