/* test_findsort.c — merge's sort of findings in bounded memory: whatever
 * the budget (all in memory, or many runs read back merged), it hands out
 * exactly what diag_list_sort gives for the same findings, field by field
 * (an absent id stays absent, an empty one empty), and again when asked
 * again; a record bigger than a run's reading window comes back whole;
 * nothing is added once reading began; a run that cannot be written is
 * ERR_WRITE. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "findsort.h"
#include "mix.h"

/* The diagnostics handed out, copied. */
typedef struct {
    diag_list got;
    size_t stop_after; /* fail the call after this many (0: never) */
} sink;

static error_code keep(void *ud, const diag *d)
{
    sink *k = ud;
    assert_int_equal(diag_list_add(&k->got, d), ERR_OK);
    return k->stop_after && k->got.n >= k->stop_after ? ERR_INTERNAL : ERR_OK;
}

static void same_opt(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b); /* both absent */
    else
        assert_string_equal(a, b);
}

static void same(const diag *a, const diag *b)
{
    assert_string_equal(a->file, b->file);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->col, b->col);
    assert_int_equal(a->severity, b->severity);
    assert_string_equal(a->rule, b->rule);
    assert_string_equal(a->message, b->message);
    same_opt(a->community, b->community);
    same_opt(a->household, b->household);
    same_opt(a->visit, b->visit);
    same_opt(a->item, b->item);
    same_opt(a->cadre, b->cadre);
}

/* N findings over a few files, lines and rules, with repeats and ties
 * (equal file and line), ids absent, empty or set; the I-th is made from
 * mix(I). BIG: one message longer than a reading window. */
static void make(diag_list *l, size_t n, int big)
{
    static const char *const files[] = {"b.xml", "a.xml", "c-社区.xml"};
    static const char *const rules[] = {"overdue-item", "no-responsible-cadre",
                                        "duplicate-id"};
    char msg[256], id[32], *huge = NULL;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t r = mix(i);
        diag d;
        memset(&d, 0, sizeof d);
        d.file = (char *)files[r % 3];
        d.line = (unsigned)(1 + (r >> 8) % 500);
        d.col = (unsigned)((r >> 20) % 3);
        d.severity = (diag_severity)((r >> 24) % 2);
        d.rule = (char *)rules[(r >> 28) % 3];
        snprintf(msg, sizeof msg, "住户 h%03u 的事项逾期 %u 天",
                 (unsigned)((r >> 32) % 50), (unsigned)((r >> 40) % 90));
        d.message = msg;
        snprintf(id, sizeof id, "h%03u", (unsigned)((r >> 32) % 50));
        d.community = (r >> 48) % 5 ? (char *)"620402003005" : NULL;
        d.household = (r >> 50) % 4 ? id : NULL;
        d.visit = (r >> 52) % 3 == 0 ? (char *)"" : NULL;
        d.item = (r >> 54) % 2 ? (char *)"o001" : NULL;
        d.cadre = NULL;
        if (big && i == n / 2) {
            huge = malloc(100000);
            assert_non_null(huge);
            memset(huge, 'x', 99999);
            huge[99999] = '\0';
            d.message = huge;
        }
        assert_int_equal(diag_list_add(l, &d), ERR_OK);
    }
    free(huge);
}

/* FS (given L's findings) hands out L sorted, twice. */
static void check_sorted(findsort_t *fs, diag_list *l)
{
    sink k;
    size_t i, pass;
    diag_list_sort(l);
    for (pass = 0; pass < 2; pass++) {
        memset(&k, 0, sizeof k);
        assert_int_equal(findsort_each(fs, keep, &k), ERR_OK);
        assert_int_equal(k.got.n, l->n);
        for (i = 0; i < l->n; i++)
            same(&k.got.v[i], &l->v[i]);
        diag_list_clear(&k.got);
    }
}

static void run_with(size_t n, size_t budget, int big, size_t min_runs,
                     size_t max_runs)
{
    diag_list l = {0};
    findsort_t *fs = findsort_new(budget);
    size_t i;
    assert_non_null(fs);
    make(&l, n, big);
    for (i = 0; i < l.n; i++)
        assert_int_equal(findsort_add(fs, &l.v[i]), ERR_OK);
    assert_int_equal(findsort_count(fs), n);
    check_sorted(fs, &l);
    assert_true(findsort_runs(fs) >= min_runs);
    assert_true(findsort_runs(fs) <= max_runs);
    /* nothing is added once reading began */
    {
        diag d;
        memset(&d, 0, sizeof d);
        assert_int_equal(findsort_add(fs, &d), ERR_INTERNAL);
    }
    findsort_free(fs);
    diag_list_clear(&l);
}

static void test_in_memory(void **state)
{
    (void)state;
    run_with(3000, 0, 0, 0, 0); /* the default budget: no run */
    run_with(0, 0, 0, 0, 0);
    run_with(1, 0, 0, 0, 0);
}

static void test_runs(void **state)
{
    (void)state;
    /* 4 KiB a run: about 60 records each, some 50 runs, ties across them */
    run_with(3000, 4096, 0, 40, 80);
    /* one record a run */
    run_with(200, 1, 0, 200, 200);
    /* a 100,000-byte message among the runs: bigger than the window */
    run_with(2000, 8192, 1, 10, 40);
}

/* FN's failure stops the reading and is returned; so is a run that
 * cannot be written (no temporary folder). */
static void test_failures(void **state)
{
    diag_list l = {0};
    findsort_t *fs = findsort_new(4096);
    sink k;
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    size_t i;
    error_code e = ERR_OK;
    (void)state;

    make(&l, 500, 0);
    for (i = 0; i < l.n; i++)
        assert_int_equal(findsort_add(fs, &l.v[i]), ERR_OK);
    memset(&k, 0, sizeof k);
    k.stop_after = 10;
    assert_int_equal(findsort_each(fs, keep, &k), ERR_INTERNAL);
    assert_int_equal(k.got.n, 10);
    diag_list_clear(&k.got);
    findsort_free(fs);

    setenv("TMPDIR", "/nonexistent/canvass-test", 1);
    fs = findsort_new(4096);
    for (i = 0; i < l.n && e == ERR_OK; i++)
        e = findsort_add(fs, &l.v[i]);
    assert_int_equal(e, ERR_WRITE);
    assert_int_equal(findsort_add(fs, &l.v[0]), ERR_WRITE); /* sticky */
    assert_int_equal(findsort_each(fs, keep, &k), ERR_WRITE);
    findsort_free(fs);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    diag_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_memory),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
