/* test_fpbag.c — the bag of the duplicate-id check's first pass: it names
 * every fingerprint put in more than once (once per extra putting) and
 * nothing else, whether the fingerprints spread over the buckets or all
 * fall in one (the narrow ones of the collision tests); a reserved bag
 * never grows; a fingerprint costs about 8 bytes; a failing callback
 * stops the search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fpbag.h"
#include "mix.h"

/* What fpbag_dups told: the fingerprints, in the order told. */
typedef struct {
    uint64_t *fp;
    size_t n, cap;
    size_t stop_after; /* fail the call after this many (0: never) */
} told;

static int on_dup(void *ctx, uint64_t fp)
{
    told *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->fp = realloc(t->fp, t->cap * sizeof *t->fp);
        assert_non_null(t->fp);
    }
    t->fp[t->n++] = fp;
    return t->stop_after && t->n >= t->stop_after;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* 300,000 distinct fingerprints, then 1,000 of them again and 10 of those
 * a third time: exactly the 1,000, the 10 twice, are told. */
static void test_dups_spread(void **state)
{
    fpbag b;
    told t = {0};
    uint64_t want[1010];
    size_t i, k = 0;
    (void)state;
    fpbag_init(&b);
    for (i = 0; i < 300000; i++)
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(fpbag_add(&b, mix(i * 293)), 0);
        want[k++] = mix(i * 293);
    }
    for (i = 0; i < 10; i++) {
        assert_int_equal(fpbag_add(&b, mix(i * 293 * 7)), 0);
        want[k++] = mix(i * 293 * 7);
    }
    assert_int_equal(b.n, 301010);
    assert_int_equal(fpbag_dups(&b, on_dup, &t), 0);
    assert_int_equal(t.n, 1010);
    qsort(want, k, sizeof *want, cmp_u64);
    qsort(t.fp, t.n, sizeof *t.fp, cmp_u64);
    assert_memory_equal(t.fp, want, sizeof want);
    /* the bag is left as it was: asked again, it tells the same */
    t.n = 0;
    assert_int_equal(fpbag_dups(&b, on_dup, &t), 0);
    assert_int_equal(t.n, 1010);
    free(t.fp);
    fpbag_free(&b);
    assert_int_equal(b.n, 0);
    assert_null(b.pool);
}

/* Fingerprints of 5 bits (audit_opts.fingerprint_bits in the collision
 * tests): all in one bucket, 31 values; each told as often as it was put
 * in, less once. */
static void test_dups_narrow(void **state)
{
    fpbag b;
    told t = {0};
    unsigned seen[32] = {0};
    size_t i;
    (void)state;
    fpbag_init(&b);
    for (i = 0; i < 1000; i++)
        assert_int_equal(fpbag_add(&b, 1 + i % 31), 0);
    assert_int_equal(fpbag_dups(&b, on_dup, &t), 0);
    assert_int_equal(t.n, 1000 - 31);
    for (i = 0; i < t.n; i++) {
        assert_true(t.fp[i] >= 1 && t.fp[i] <= 31);
        seen[t.fp[i]]++;
    }
    for (i = 1; i <= 31; i++) /* 1000 = 32 * 31 + 8: the first 8 once more */
        assert_int_equal(seen[i], i <= 8 ? 32 : 31);
    free(t.fp);
    fpbag_free(&b);
}

/* No duplicates, an empty bag: nothing told. */
static void test_no_dups(void **state)
{
    fpbag b;
    told t = {0};
    size_t i;
    (void)state;
    fpbag_init(&b);
    assert_int_equal(fpbag_dups(&b, on_dup, &t), 0);
    for (i = 0; i < 50000; i++)
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
    assert_int_equal(fpbag_dups(&b, on_dup, &t), 0);
    assert_int_equal(t.n, 0);
    fpbag_free(&b);
}

/* A bag reserved for N holds them without growing, at about 8 bytes a
 * fingerprint (the figure of audit.c's design note); growing on its own,
 * it still keeps every fingerprint once. */
static void test_reserve(void **state)
{
    fpbag b;
    size_t i, cap, n = 720546; /* the ids of the dense 100k register */
    double bytes;
    (void)state;
    fpbag_init(&b);
    for (i = 0; i < n / 16; i++)
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
    assert_int_equal(fpbag_reserve(&b, n), 0);
    cap = b.cap_chunks;
    for (; i < n; i++)
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
    assert_int_equal(b.cap_chunks, cap);
    bytes = (double)b.n_chunks * sizeof(fpbag_chunk) / (double)n;
    assert_true(bytes > 8.0 && bytes < 8.5);
    assert_int_equal(sizeof(fpbag_chunk), 1024);
    /* a smaller reservation than held: nothing done */
    assert_int_equal(fpbag_reserve(&b, 10), 0);
    assert_int_equal(b.cap_chunks, cap);
    fpbag_free(&b);
}

/* A callback that fails stops the search: -1, and no more calls. */
static void test_callback_fails(void **state)
{
    fpbag b;
    told t = {0};
    size_t i;
    (void)state;
    t.stop_after = 3;
    fpbag_init(&b);
    for (i = 0; i < 100; i++) {
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
        assert_int_equal(fpbag_add(&b, mix(i)), 0);
    }
    assert_int_equal(fpbag_dups(&b, on_dup, &t), -1);
    assert_int_equal(t.n, 3);
    free(t.fp);
    fpbag_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dups_spread),
        cmocka_unit_test(test_dups_narrow),
        cmocka_unit_test(test_no_dups),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_callback_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
