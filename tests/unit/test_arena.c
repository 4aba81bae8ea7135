/* test_arena.c — the per-household allocator: alignment, big requests,
 * reset keeping one block, reuse after free. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

static void test_alloc_and_reset(void **state)
{
    arena a = {0};
    char *s, *big;
    void *p, *q;
    int i;
    (void)state;
    p = arena_alloc(&a, 3);
    q = arena_alloc(&a, 5);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_int_equal((uintptr_t)q % 16, 0);
    assert_true((char *)q >= (char *)p + 3);
    s = arena_strndup(&a, "户号h001xyz", 10);
    assert_string_equal(s, "户号h001");
    /* a request bigger than a block gets a block of its own */
    big = arena_alloc(&a, 200000);
    assert_non_null(big);
    memset(big, 'x', 200000);
    assert_string_equal(s, "户号h001"); /* earlier strings untouched */
    assert_int_equal(a.total, 16 + 16 + 16 + 200000);
    arena_reset(&a);
    assert_int_equal(a.total, 0);
    /* a steady stream of small households reuses the kept block */
    for (i = 0; i < 10000; i++) {
        assert_non_null(arena_strndup(&a, "member", 6));
        if (i % 100 == 99)
            arena_reset(&a);
    }
    arena_free(&a);
    assert_null(a.head);
    /* usable again after free */
    assert_non_null(arena_alloc(&a, 1));
    arena_free(&a);
}

/* A copy of nothing from nowhere is an empty string, with no memcpy from a
 * null pointer (UBSan aborts on that). */
static void test_strndup_empty(void **state)
{
    arena a = {0};
    char *s;
    (void)state;
    s = arena_strndup(&a, NULL, 0);
    assert_non_null(s);
    assert_string_equal(s, "");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_and_reset),
        cmocka_unit_test(test_strndup_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
