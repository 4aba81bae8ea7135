/* test_buf.c — the growable string and GROW: appends, escapes, detach,
 * sticky failure, overflow refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void test_append(void **state)
{
    buf_t b = BUF_INIT;
    char *s;
    int i;
    (void)state;
    assert_string_equal(buf_str(&b), "");
    buf_puts(&b, "abc");
    buf_add(&b, "defgh", 2);
    buf_printf(&b, "-%d-%s", 42, "x");
    buf_puts(&b, NULL);
    assert_string_equal(buf_str(&b), "abcde-42-x");
    assert_int_equal(b.len, 10);
    for (i = 0; i < 1000; i++)
        buf_printf(&b, "%03d", i);
    assert_int_equal(b.len, 3010);
    assert_memory_equal(b.s + 10 + 3 * 999, "999", 4);
    buf_truncate(&b, 3);
    assert_string_equal(buf_str(&b), "abc");
    buf_truncate(&b, 30);
    assert_int_equal(b.len, 3);
    assert_int_equal(buf_error(&b), ERR_OK);
    s = buf_detach(&b);
    assert_string_equal(s, "abc");
    assert_null(b.s);
    assert_int_equal(b.len, 0);
    free(s);
    s = buf_detach(&b); /* empty: "" not NULL */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void test_xml(void **state)
{
    buf_t b = BUF_INIT;
    (void)state;
    buf_xml(&b, "a<b>&\"c\"\t\n\r", 0);
    assert_string_equal(buf_str(&b), "a&lt;b&gt;&amp;\"c\"\t\n&#13;");
    buf_free(&b);
    buf_xml(&b, "a<b>&\"c\"\t\n\r", 1);
    assert_string_equal(buf_str(&b),
                        "a&lt;b&gt;&amp;&quot;c&quot;&#9;&#10;&#13;");
    buf_free(&b);
    buf_xml(&b, "社区", 1);
    assert_string_equal(buf_str(&b), "社区");
    buf_free(&b);
}

static void test_sticky_failure(void **state)
{
    buf_t b = BUF_INIT;
    (void)state;
    buf_puts(&b, "abc");
    b.oom = 1; /* as after a failed allocation */
    buf_puts(&b, "def");
    buf_printf(&b, "%d", 1);
    assert_int_equal(b.len, 3);
    assert_int_equal(buf_error(&b), ERR_NOMEM);
    assert_string_equal(buf_str(&b), "");
    assert_null(buf_detach(&b));
    assert_null(b.s);
    assert_int_equal(buf_error(&b), ERR_OK); /* usable again */
}

static void test_grow(void **state)
{
    int *v = NULL;
    size_t n = 0, cap = 0, i;
    (void)state;
    for (i = 0; i < 10000; i++) {
        assert_int_equal(GROW(v, n + 1, cap), ERR_OK);
        assert_true(cap >= n + 1);
        v[n++] = (int)i;
    }
    assert_int_equal(v[9999], 9999);
    i = cap;
    assert_int_equal(GROW(v, 5, cap), ERR_OK); /* never shrinks */
    assert_int_equal(cap, i);
    /* an element count whose size overflows is refused, the array kept */
    assert_int_equal(GROW(v, SIZE_MAX / 2, cap), ERR_NOMEM);
    assert_int_equal(cap, i);
    assert_int_equal(v[9999], 9999);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_xml),
        cmocka_unit_test(test_sticky_failure),
        cmocka_unit_test(test_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
