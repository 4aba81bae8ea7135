/* test_htab.c — the audit's hash tables: growth keeps 57-85% full (the
 * bytes an entry of htab.c's design note), a reserved table never grows,
 * keys that share a fingerprint are told apart by the caller's htab_key,
 * and the first holder of a key stays. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "htab.h"
#include "mix.h"

/* Growing by half at 85%: once past the first allocations every shard is
 * between 57% and 85% full, so the whole table is too, and a set of
 * fingerprints alone takes 9.4 to 14.1 bytes an entry. */
static void test_growth_load(void **state)
{
    htab h;
    uint32_t prev, i;
    double lo = 1, hi = 0, sum = 0;
    unsigned k = 0;
    (void)state;
    htab_init(&h, 64, 0);
    for (i = 0; i < 300000; i++) {
        assert_int_equal(htab_find_or_add(&h, mix(i), NULL, 1, &prev), 0);
        assert_int_equal(prev, 0);
        if (i >= 20000 && i % 97 == 0) {
            double load = (double)h.n / htab_slots(&h);
            lo = load < lo ? load : lo;
            hi = load > hi ? load : hi;
            sum += 8 / load;
            k++;
        }
    }
    assert_int_equal(h.n, 300000);
    assert_true(lo >= 0.57 && hi <= 0.85);
    assert_true(sum / k > 9.4 && sum / k < 14.1);
    /* every key is still there, and nothing else */
    for (i = 0; i < 300000; i++) {
        assert_int_equal(htab_find(&h, mix(i), NULL, NULL), 1);
        assert_int_equal(htab_find(&h, mix(i + 300000), NULL, NULL), 0);
    }
    htab_free(&h);
}

/* A table reserved for N entries holds them without growing (audit_batch
 * knows its households' number); a big one ends more than 80% full. */
static void test_reserve(void **state)
{
    static const size_t sizes[] = {1, 100, 5000, 800000};
    size_t z;
    (void)state;
    for (z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        htab h;
        size_t n = sizes[z], slots, i;
        uint32_t prev;
        htab_init(&h, 64, 1);
        assert_int_equal(htab_reserve(&h, n), 0);
        slots = htab_slots(&h);
        assert_true(slots >= n);
        for (i = 0; i < n; i++) {
            assert_int_equal(htab_find_or_add(&h, mix(i + z * 1000000), NULL,
                                              (uint32_t)i + 1, &prev),
                             0);
            assert_int_equal(prev, 0);
        }
        assert_int_equal(htab_slots(&h), slots); /* no shard grew */
        if (n >= 800000)
            assert_true((double)n / slots > 0.80);
        for (i = 0; i < n; i++) {
            uint32_t v = 0;
            assert_int_equal(htab_find(&h, mix(i + z * 1000000), NULL, &v), 1);
            assert_int_equal(v, (uint32_t)i + 1);
        }
        /* no more than it holds room for: nothing moves */
        assert_int_equal(htab_reserve(&h, n), 0);
        assert_int_equal(htab_slots(&h), slots);
        htab_free(&h);
        assert_int_equal(htab_slots(&h), 0);
    }
}

/* A table reserved again while it holds entries, some shards grown out of
 * the first block: every entry is still found with its value, and the
 * table then takes the reserved number without growing (audit.c sizes
 * the ids table once a part of the register is read). With and without
 * values, and with 3-bit fingerprints (keys told apart by SAME). */
static int same_index(const void *ctx, uint32_t val)
{
    return val == *(const uint32_t *)ctx;
}

/* Key I's fingerprint: a spread one, or with narrow fingerprints one of
 * seven, so that most keys share theirs. */
static uint64_t fp_of(const htab *h, uint32_t i)
{
    return h->bits < 64 ? i % 7 + 1 : mix(i);
}

static void test_reserve_again(void **state)
{
    static const int bits[] = {64, 3};
    int b, has_val;
    (void)state;
    for (b = 0; b < 2; b++)
        for (has_val = 0; has_val < 2; has_val++) {
            htab h;
            uint32_t i, prev, v, n = bits[b] == 3 ? 300 : 60000;
            size_t slots;
            uint32_t k;
            htab_key key = {same_index, &k};
            const htab_key *kp = bits[b] == 3 ? &key : NULL;
            htab_init(&h, bits[b], has_val || bits[b] == 3);
            assert_int_equal(htab_reserve(&h, n / 10), 0);
            for (i = 1; i <= n / 2; i++) { /* past the first block */
                k = i;
                assert_int_equal(
                    htab_find_or_add(&h, fp_of(&h, i), kp, i, &prev), 0);
                assert_int_equal(prev, 0);
            }
            assert_int_equal(htab_reserve(&h, n), 0);
            slots = htab_slots(&h);
            for (i = n / 2 + 1; i <= n; i++) {
                k = i;
                assert_int_equal(
                    htab_find_or_add(&h, fp_of(&h, i), kp, i, &prev), 0);
                assert_int_equal(prev, 0);
            }
            if (bits[b] == 64)
                assert_int_equal(htab_slots(&h), slots); /* none grew */
            assert_int_equal(h.n, n);
            for (i = 1; i <= n; i++) {
                k = i;
                v = 0;
                assert_int_equal(htab_find(&h, fp_of(&h, i), kp, &v), 1);
                assert_int_equal(v, h.has_val ? i : 1);
            }
            k = n + 1;
            assert_int_equal(htab_find(&h, fp_of(&h, n + 1), kp, &v), 0);
            htab_free(&h);
            assert_int_equal(htab_slots(&h), 0);
        }
}

/* Keys that share a fingerprint: with 2-bit fingerprints every key
 * collides; the caller's SAME tells them apart, the first holder stays. */
static const char *const words[] = {"a",  "bb", "ccc", "dddd", "e",
                                    "ff", "g",  "hh",  "iii",  "j"};
static int same_word(const void *ctx, uint32_t val)
{
    return !strcmp(words[val - 1], ctx);
}

static void test_collisions_exact(void **state)
{
    htab h;
    uint32_t i, prev, v;
    int pass;
    (void)state;
    htab_init(&h, 2, 1);
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < 10; i++) {
            htab_key key = {same_word, words[i]};
            uint64_t fp = htab_fingerprint(&h, words[i], NULL);
            assert_true(fp >= 1 && fp <= 3);
            htab_prefetch(&h, fp);
            assert_int_equal(htab_find_or_add(&h, fp, &key, i + 1, &prev), 0);
            assert_int_equal(prev, pass ? i + 1 : 0);
        }
    assert_int_equal(h.n, 10);
    for (i = 0; i < 10; i++) {
        htab_key key = {same_word, words[i]};
        assert_int_equal(
            htab_find(&h, htab_fingerprint(&h, words[i], NULL), &key, &v), 1);
        assert_int_equal(v, i + 1);
    }
    {
        htab_key key = {same_word, "zz"};
        assert_int_equal(
            htab_find(&h, htab_fingerprint(&h, "zz", NULL), &key, &v), 0);
    }
    htab_free(&h);
}

/* ("ab", "c") and ("a", "bc") are different keys; an empty table has no
 * slot to prefetch and finds nothing. */
static void test_fingerprint_parts(void **state)
{
    htab h;
    (void)state;
    htab_init(&h, 64, 0);
    assert_true(htab_fingerprint(&h, "ab", "c") !=
                htab_fingerprint(&h, "a", "bc"));
    assert_true(htab_fingerprint_bytes(&h, "ab", "c", 1) !=
                htab_fingerprint_bytes(&h, "a", "bc", 2));
    htab_prefetch(&h, 42);
    assert_int_equal(htab_find(&h, 42, NULL, NULL), 0);
    htab_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_load),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_reserve_again),
        cmocka_unit_test(test_collisions_exact),
        cmocka_unit_test(test_fingerprint_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
