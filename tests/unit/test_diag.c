/* test_diag.c — ordering and the two text forms of diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
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

/* The text form with its words and frames given once: a translated frame
 * with numbered arguments is used in its order; one that takes a string
 * as a number, an argument the English lacks, or a conversion the
 * English has not, is replaced by the English. */
static void test_text_form(void **state)
{
    diag d = make("x.xml", 12, 5, "overdue-item", "o1 is late");
    diag_text_form f;
    buf_t b = BUF_INIT;
    (void)state;
    memset(&f, 0, sizeof f);
    f.warning = "警告";
    f.error = "错误";
    f.at = "%1$s：第%2$u行第%3$u列：%4$s：%5$s [%6$s]";
    f.whole = "%s：%s：%s [%s]";
    d.severity = DIAG_WARNING;
    diag_text_form_check(&f);
    diag_append_text_in(&b, &d, &f);
    buf_add(&b, "|", 1);
    d.line = 0;
    d.severity = DIAG_ERROR;
    diag_append_text_in(&b, &d, &f);
    assert_string_equal(b.s, "x.xml：第12行第5列：警告：o1 is late "
                             "[overdue-item]|x.xml：错误：o1 is late "
                             "[overdue-item]");
    buf_free(&b);

    {
        const char *bad_at[] = {
            "%1$s:%2$s:%3$u: %4$s: %5$s [%6$s]", "%s:%u:%u: %s: %s [%s] %s",
            "%s:%d:%u: %s: %s [%s]", "%1$s:%u:%u: %s: %s [%s]",
            /* more pieces than a frame keeps */
            ("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"
             "%s:%u:%u: %s: %s [%s]")};
        size_t i;
        for (i = 0; i < sizeof bad_at / sizeof *bad_at; i++) {
            diag_text_form g;
            memset(&g, 0, sizeof g);
            g.warning = "w";
            g.error = "e";
            g.at = bad_at[i];
            g.whole = "%s %s %s %s %s";
            diag_text_form_check(&g);
            assert_string_equal(g.at, "%s:%u:%u: %s: %s [%s]");
            assert_string_equal(g.whole, "%s: %s: %s [%s]");
            /* and the English is what is written */
            {
                buf_t e = BUF_INIT;
                diag_append_text_in(&e, &d, &g);
                assert_string_equal(e.s, "x.xml: e: o1 is late [overdue-item]");
                buf_free(&e);
            }
        }
    }
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
    assert_int_equal(diag_store_each_of_if(v, 1, NULL, want_even, got_even, &w),
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

/* Groups of every size up to 20 (beyond the 8 sorted on the stack), their
 * records in a scrambled order, many tied on (line, col, rule) so that
 * the message decides, some groups following the last record and some
 * not, under spill sizes that cut the stream anywhere: each store reads
 * back in exactly diag_list_sort's order, the same with and without
 * spilling. */
static void test_store_groups_scrambled(void **state)
{
    static const size_t spills[] = {0, 100, 333, 4096};
    diag_list want = {0};
    size_t k, i;
    (void)state;
    for (k = 0; k < sizeof spills / sizeof *spills; k++) {
        diag_store *st = diag_store_new("g.xml", spills[k]);
        diag_list got = {0};
        unsigned seed = 7, g, r, line = 10;
        assert_non_null(st);
        for (g = 0; g < 400; g++) {
            unsigned n = 1 + g % 20;
            /* every seventh group goes back to lines already past */
            unsigned at = g % 7 == 6 ? line / 2 : (line += 3);
            diag_store_begin(st);
            for (r = 0; r < n; r++) {
                seed = seed * 1103515245u + 12345u;
                assert_int_equal(
                    add(st, at + (seed >> 16) % 3, 1 + (seed >> 20) % 2,
                        (seed >> 24) % 2 ? "overdue-item" : "duplicate-id",
                        DIAG_WARNING, "h1", "item %u of group %u", n - r, g),
                    ERR_OK);
            }
            assert_int_equal(diag_store_end(st), ERR_OK);
        }
        /* groups of one tied with the last record on (line, col, rule):
         * the message decides whether they follow it */
        for (r = 0; r < 40; r++)
            assert_int_equal(add(st, line + 10, 1, "io", DIAG_ERROR, "h1",
                                 "tie %u", (r * 37) % 41),
                             ERR_OK);
        assert_int_equal(diag_store_drain(st, &got), ERR_OK);
        if (!k) {
            for (i = 0; i < got.n; i++)
                assert_int_equal(diag_list_add(&want, &got.v[i]), ERR_OK);
            diag_list_sort(&want);
        }
        assert_int_equal(got.n, want.n);
        for (i = 0; i < got.n; i++) {
            assert_int_equal(got.v[i].line, want.v[i].line);
            assert_int_equal(got.v[i].col, want.v[i].col);
            assert_string_equal(got.v[i].rule, want.v[i].rule);
            assert_string_equal(got.v[i].message, want.v[i].message);
        }
        diag_list_clear(&got);
        diag_store_free(st);
    }
    diag_list_clear(&want);
}

static error_code addn(diag_store *st, const diag *d, const char *one,
                       const char *many, unsigned long n, ...)
{
    va_list ap;
    error_code rc;
    va_start(ap, n);
    rc = diag_store_vaddn(st, d, one, many, n, ap);
    va_end(ap);
    return rc;
}

/* ---- languages: a message formatted when read, in the language asked ---
 *
 * A toy language: a table of message ids and their "translations", the
 * Chinese word order included (numbered arguments), and some a careless
 * translator could write: an argument the message does not have, a
 * number where there is a string. */
static const char *const toy[][2] = {
    {"%-s %s (household %s) is %s days late",
     "住户 %3$s 的%1$s %2$s 已逾期 %4$s 天"},
    {"household %s has %d visits", "住户 %1$s 有 %3$d 次走访"}, /* no %3 */
    {"cadre %s, %d visits", "干部 %2$s，走访 %1$d 次"}, /* kinds swapped */
    {"id %s, %u more", "另有 %2$u 条，编号 %1$s"},
    {"opinion", "民情意见"},
    {"%s and %s", "%s 和 %s"}, /* unnumbered: in order */
};

static const char *toy_text(const diag_lang *l, const char *id)
{
    size_t i;
    (void)l;
    for (i = 0; i < sizeof toy / sizeof *toy; i++)
        if (!strcmp(toy[i][0], id))
            return toy[i][1];
    return id;
}

static const char *toy_plural(const diag_lang *l, const char *one,
                              const char *many, unsigned long n)
{
    (void)l, (void)many, (void)n;
    return !strcmp(one, "%s took part in %lu visit") ? "%1$s 参加走访 %2$lu 次"
                                                     : "?";
}

static const diag_lang toy_lang = {toy_text, toy_plural, NULL};

static error_code first_message(void *ud, const diag *d)
{
    char **out = ud;
    if (!*out)
        *out = strdup(d->message);
    return ERR_OK;
}

/* The message of the one diagnostic of ST in LANG (caller frees). */
static char *read_in(const diag_store *st, const diag_lang *lang)
{
    char *m = NULL;
    assert_int_equal(diag_store_each(st, lang, first_message, &m), ERR_OK);
    assert_non_null(m);
    return m;
}

/* Records FMT with its arguments as they come (no format checking: some
 * of the formats are wrong on purpose). */
static error_code add_raw(diag_store *st, const char *fmt, ...)
{
    diag d = {0};
    va_list ap;
    error_code rc;
    d.line = 1;
    d.rule = "schema";
    va_start(ap, fmt);
    rc = diag_store_vadd(st, &d, fmt, ap);
    va_end(ap);
    return rc;
}

static error_code add_raw2(diag_store *st, const diag *d, const char *fmt, ...)
{
    va_list ap;
    error_code rc;
    va_start(ap, fmt);
    rc = diag_store_vadd(st, d, fmt, ap);
    va_end(ap);
    return rc;
}

static void check_one(const char *fmt, const char *english,
                      const char *translated, ...)
{
    diag_store *st = diag_store_new("r.xml", 0);
    diag d = {0};
    va_list ap;
    char *m;
    d.line = 1;
    d.rule = "schema";
    va_start(ap, translated);
    assert_int_equal(diag_store_vadd(st, &d, fmt, ap), ERR_OK);
    va_end(ap);
    m = read_in(st, NULL);
    assert_string_equal(m, english);
    free(m);
    m = read_in(st, &toy_lang);
    assert_string_equal(m, translated);
    free(m);
    diag_store_free(st);
}

/* Translations with numbered arguments are used, in their order; words
 * (%-s) are translated with the message; a translation that takes an
 * argument the message lacks, or a string as a number, is not used (the
 * English is); an unnumbered translation takes the arguments in order. */
static void test_store_languages(void **state)
{
    (void)state;
    check_one("%-s %s (household %s) is %s days late",
              "opinion o1 (household h1) is 40 days late",
              "住户 h1 的民情意见 o1 已逾期 40 天", "opinion", "o1", "h1",
              "40");
    check_one("household %s has %d visits", "household h1 has 3 visits",
              "household h1 has 3 visits", "h1", 3);
    check_one("cadre %s, %d visits", "cadre c1, 2 visits", "cadre c1, 2 visits",
              "c1", 2);
    check_one("id %s, %u more", "id x, 7 more", "另有 7 条，编号 x", "x", 7u);
    check_one("%s and %s", "a and b", "a 和 b", "a", "b");
    /* an id that is not a message: as it is, in any language */
    check_one("%s", "opinion", "opinion", "opinion");
}

/* A format recorded with numbered arguments (a message already in the
 * order of its language) is read back in that order; one that mixes
 * numbered and unnumbered arguments, leaves a number out, or numbers
 * beyond the most the store keeps is refused, not misread. */
/* Many messages of one format with different words, some translated and
 * some not (an untranslated word is its own text): each message has its
 * own word, in either language. The translations are looked up once per
 * reading, so a word's text must not point into a record read earlier. */
static error_code all_messages(void *ud, const diag *d)
{
    buf_t *b = ud;
    buf_puts(b, d->message);
    buf_add(b, "|", 1);
    return ERR_OK;
}

static void test_store_words_many(void **state)
{
    diag_store *st = diag_store_new("r.xml", 0);
    const char *words[] = {"opinion", "suggestion", "opinion", "form",
                           "suggestion"};
    const diag_lang *langs[] = {NULL, &toy_lang};
    const char *want[] = {
        "opinion o0 is late|suggestion o1 is late|opinion o2 is late|"
        "form o3 is late|suggestion o4 is late|",
        "民情意见 o0 is late|suggestion o1 is late|民情意见 o2 is late|"
        "form o3 is late|suggestion o4 is late|"};
    size_t i;
    (void)state;
    for (i = 0; i < 5; i++) {
        diag d = {0};
        char id[8];
        snprintf(id, sizeof id, "o%zu", i);
        d.line = (unsigned)i + 1;
        d.rule = "overdue-item";
        /* ids of different lengths: each word at its own place in its
         * record */
        d.household = (char *)"h1234567" + 7 - (i * 3 % 7);
        assert_int_equal(add_raw2(st, &d, "%-s %s is late", words[i], id),
                         ERR_OK);
    }
    for (i = 0; i < 2; i++) {
        buf_t b = BUF_INIT;
        assert_int_equal(diag_store_each(st, langs[i], all_messages, &b),
                         ERR_OK);
        assert_string_equal(b.s, want[i]);
        buf_free(&b);
    }
    diag_store_free(st);
}

/* Two readers in one reading (diag_store_each2_of, build's terminal and
 * findings.csv): over two stores merged, spilled, the second reader sees
 * every diagnostic in its language, the first those its WANT accepts in
 * its own, both exactly what two separate readings give; with one
 * language the message is made once and handed to both. */
typedef struct {
    buf_t one, two;
    const diag *last_d, *last_d2;
    int same; /* d2 == d whenever d is given */
} two_readers;

static int want_odd(void *ud, const diag *d)
{
    (void)ud;
    assert_null(d->message);
    return d->line % 2 == 1;
}

static error_code got_two(void *ud, const diag *d, const diag *d2)
{
    two_readers *t = ud;
    assert_non_null(d2);
    if (d) {
        assert_true(d->line % 2 == 1);
        assert_int_equal(d->line, d2->line);
        assert_string_equal(d->household, d2->household);
        buf_printf(&t->one, "%u %s|", d->line, d->message);
        if (d != d2)
            t->same = 0;
    } else {
        assert_true(d2->line % 2 == 0);
    }
    buf_printf(&t->two, "%u %s %s|", d2->line, d2->rule, d2->message);
    return ERR_OK;
}

static error_code got_one_odd(void *ud, const diag *d)
{
    buf_printf(ud, "%u %s|", d->line, d->message);
    return ERR_OK;
}

static error_code got_one(void *ud, const diag *d)
{
    buf_printf(ud, "%u %s %s|", d->line, d->rule, d->message);
    return ERR_OK;
}

static void test_store_two_readers(void **state)
{
    diag_store *a = diag_store_new("r.xml", 200),
               *b = diag_store_new("r.xml", 0);
    const diag_store *v[2];
    const diag_lang *langs[][2] = {{NULL, &toy_lang},
                                   {&toy_lang, NULL},
                                   {&toy_lang, &toy_lang},
                                   {NULL, NULL}};
    const char *words[] = {"opinion", "suggestion"};
    unsigned i;
    size_t k;
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    for (i = 1; i <= 300; i++) {
        diag d = {0};
        char id[16];
        snprintf(id, sizeof id, "o%u", i);
        d.line = i;
        d.rule = i % 3 ? "overdue-item" : "duplicate-id";
        d.household = (char *)"h1";
        /* the second store has every fifth; the first, the rest, in groups
         * of two given backwards */
        if (i % 5 == 0) {
            assert_int_equal(add_raw2(b, &d,
                                      "%-s %s (household %s) is %s "
                                      "days late",
                                      words[i % 2], id, "h1", "40"),
                             ERR_OK);
            continue;
        }
        assert_int_equal(add_raw2(a, &d, "%-s %s is late", words[i % 2], id),
                         ERR_OK);
    }
    v[0] = a;
    v[1] = b;
    for (k = 0; k < sizeof langs / sizeof *langs; k++) {
        two_readers t = {BUF_INIT, BUF_INIT, NULL, NULL, 1};
        buf_t one = BUF_INIT, two = BUF_INIT;
        assert_int_equal(diag_store_each2_of(v, 2, langs[k][0], langs[k][1],
                                             want_odd, got_two, &t),
                         ERR_OK);
        assert_int_equal(diag_store_each_of_if(v, 2, langs[k][0], want_odd,
                                               got_one_odd, &one),
                         ERR_OK);
        assert_int_equal(diag_store_each_of(v, 2, langs[k][1], got_one, &two),
                         ERR_OK);
        assert_string_equal(t.one.s, one.s);
        assert_string_equal(t.two.s, two.s);
        assert_int_equal(t.same, langs[k][0] == langs[k][1]);
        if (langs[k][1] == &toy_lang)
            assert_non_null(strstr(
                t.two.s,
                "15 duplicate-id 住户 h1 的suggestion o15 已逾期 40 天|"));
        buf_free(&t.one);
        buf_free(&t.two);
        buf_free(&one);
        buf_free(&two);
    }
    diag_store_free(a);
    diag_store_free(b);
}

/* The text form printed straight from the stores (diag_store_print_of):
 * over two stores merged, one spilled, whole-file diagnostics among them,
 * words, plurals and numbers in the messages, in English and in a
 * translation, through the English frames and translated ones (the
 * message's place moved, given twice, not given): exactly what
 * diag_append_text_in and a newline give for each diagnostic WANT
 * accepts; BEFORE is called before each line, and its failure stops the
 * reading. */
typedef struct {
    buf_t *out;
    const diag_text_form *f;
    unsigned calls;
    size_t len_seen; /* OUT's length when BEFORE was last called */
    unsigned fail_at;
} print_state;

static int want_odd_any(void *ud, const diag *d)
{
    (void)ud;
    return d->line % 2 == 1 || !d->line;
}

static error_code as_text(void *ud, const diag *d)
{
    print_state *p = ud;
    diag_append_text_in(p->out, d, p->f);
    buf_add(p->out, "\n", 1);
    return ERR_OK;
}

static error_code before_line(void *ud, const diag *d)
{
    print_state *p = ud;
    assert_null(d->message);
    p->calls++;
    p->len_seen = p->out->len;
    return p->calls == p->fail_at ? ERR_WRITE : ERR_OK;
}

static void test_store_print(void **state)
{
    diag_store *a = diag_store_new("dir/r.xml", 150),
               *b = diag_store_new("dir/r.xml", 0);
    const diag_store *v[2];
    const diag_lang *langs[] = {NULL, &toy_lang};
    static const char *const frames[][2] = {
        {NULL, NULL}, /* the English */
        {"%1$s：第%2$u行第%3$u列：%4$s：%5$s [%6$s]", "%s：%s：%s [%s]"},
        {"[%6$s] %5$s (%1$s %3$u/%2$u %4$s) %5$s", "%4$s %3$s %2$s %1$s"},
        {"%1$s:%2$u:%3$u: %4$s [%6$s]", "%1$s %2$s %4$s"}};
    unsigned i;
    size_t k, j;
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    for (i = 0; i < 200; i++) {
        diag d = {0};
        char id[16];
        snprintf(id, sizeof id, "o%u", i);
        d.line = i % 17 == 0 ? 0 : i;
        d.col = i % 5;
        d.severity = i % 3 ? DIAG_WARNING : DIAG_ERROR;
        d.rule = i % 4 ? "overdue-item" : "io";
        d.household = (char *)"h1";
        if (i % 7 == 0) {
            assert_int_equal(addn(b, &d, "%s took part in %lu visit",
                                  "%s took part in %lu visits", i % 3, id,
                                  (unsigned long)(i % 3)),
                             ERR_OK);
            continue;
        }
        assert_int_equal(add_raw2(i % 2 ? a : b, &d,
                                  "%-s %s (household %s) is %s days late",
                                  i % 3 ? "opinion" : "form", id, "h1", "40"),
                         ERR_OK);
    }
    v[0] = a;
    v[1] = b;
    for (k = 0; k < sizeof frames / sizeof *frames; k++)
        for (j = 0; j < sizeof langs / sizeof *langs; j++) {
            diag_text_form f;
            buf_t want = BUF_INIT, got = BUF_INIT;
            print_state pw = {&want, &f, 0, 0, 0}, pg = {&got, &f, 0, 0, 0};
            diag_text_form_locale(&f);
            if (frames[k][0]) {
                f.warning = "警告";
                f.error = "错误";
                f.at = frames[k][0];
                f.whole = frames[k][1];
                diag_text_form_check(&f);
                assert_string_equal(f.at, frames[k][0]); /* used */
            }
            assert_int_equal(diag_store_each_of_if(v, 2, langs[j], want_odd_any,
                                                   as_text, &pw),
                             ERR_OK);
            assert_int_equal(diag_store_print_of(v, 2, langs[j], want_odd_any,
                                                 &f, &got, before_line, &pg),
                             ERR_OK);
            assert_non_null(want.s);
            assert_string_equal(got.s, want.s);
            {
                size_t lines = 0, c;
                for (c = 0; c < want.len; c++)
                    lines += want.s[c] == '\n';
                assert_int_equal(pg.calls, lines);
                assert_true(lines > 90);
            }
            if (j && k == 1)
                assert_non_null(strstr(
                    got.s, "dir/r.xml：第1行第1列：警告：住户 h1 的民情意见 "
                           "o1 已逾期 40 天 [overdue-item]\n"));
            /* BEFORE's failure: returned, no line for that diagnostic */
            buf_truncate(&got, 0);
            pg.calls = 0;
            pg.fail_at = 5;
            assert_int_equal(diag_store_print_of(v, 2, langs[j], want_odd_any,
                                                 &f, &got, before_line, &pg),
                             ERR_WRITE);
            assert_int_equal(pg.calls, 5);
            assert_int_equal(got.len, pg.len_seen);
            assert_memory_equal(got.s, want.s, got.len);
            buf_free(&want);
            buf_free(&got);
        }
    diag_store_free(a);
    diag_store_free(b);
}

/* More formats than the store keeps parsed (it forgets the oldest): each
 * record is still read back with its own format's arguments. */
static void test_store_many_formats(void **state)
{
    static const char *const fmts[] = {
        "a %s",     "b %d",  "c %s %u",    "d %zu",  "e %s %s", "f %x",
        "g %lu %s", "h %ld", "i %s %d %s", "j %u%%", "k %s",    "l %d %d"};
    diag_store *st = diag_store_new("r.xml", 0);
    buf_t got = BUF_INIT, want = BUF_INIT;
    unsigned i;
    (void)state;
    assert_non_null(st);
    for (i = 0; i < 60; i++) {
        diag d = {0};
        unsigned f = (i * 7) % 12;
        error_code e = ERR_INTERNAL;
        d.line = i + 1;
        d.rule = "schema";
        switch (f) {
        case 0:
            e = add_raw2(st, &d, fmts[f], "x");
            buf_printf(&want, "a x|");
            break;
        case 1:
            e = add_raw2(st, &d, fmts[f], -(int)i);
            buf_printf(&want, "b %d|", -(int)i);
            break;
        case 2:
            e = add_raw2(st, &d, fmts[f], "y", i);
            buf_printf(&want, "c y %u|", i);
            break;
        case 3:
            e = add_raw2(st, &d, fmts[f], (size_t)i);
            buf_printf(&want, "d %u|", i);
            break;
        case 4:
            e = add_raw2(st, &d, fmts[f], "p", "q");
            buf_printf(&want, "e p q|");
            break;
        case 5:
            e = add_raw2(st, &d, fmts[f], i);
            buf_printf(&want, "f %x|", i);
            break;
        case 6:
            e = add_raw2(st, &d, fmts[f], (unsigned long)i, "z");
            buf_printf(&want, "g %u z|", i);
            break;
        case 7:
            e = add_raw2(st, &d, fmts[f], -(long)i);
            buf_printf(&want, "h %ld|", -(long)i);
            break;
        case 8:
            e = add_raw2(st, &d, fmts[f], "m", (int)i, "n");
            buf_printf(&want, "i m %u n|", i);
            break;
        case 9:
            e = add_raw2(st, &d, fmts[f], i);
            buf_printf(&want, "j %u%%|", i);
            break;
        case 10:
            e = add_raw2(st, &d, fmts[f], "w");
            buf_printf(&want, "k w|");
            break;
        default:
            e = add_raw2(st, &d, fmts[f], 1, (int)i);
            buf_printf(&want, "l 1 %u|", i);
            break;
        }
        assert_int_equal(e, ERR_OK);
    }
    assert_int_equal(diag_store_each(st, NULL, all_messages, &got), ERR_OK);
    assert_string_equal(got.s, want.s);
    buf_free(&got);
    buf_free(&want);
    diag_store_free(st);
}

static void test_store_numbered_format(void **state)
{
    diag_store *st = diag_store_new("r.xml", 0);
    char *m;
    (void)state;
    assert_int_equal(
        add_raw(st, "%2$s 的 %1$s（%3$zu 次）", "o1", "h1", (size_t)12),
        ERR_OK);
    m = read_in(st, NULL);
    assert_string_equal(m, "h1 的 o1（12 次）");
    free(m);
    diag_store_free(st);

    st = diag_store_new("r.xml", 0);
    assert_int_equal(add_raw(st, "%1$s and %s", "a", "b"), ERR_INTERNAL);
    diag_store_free(st);
    st = diag_store_new("r.xml", 0);
    assert_int_equal(add_raw(st, "%2$s only", "a", "b"), ERR_INTERNAL);
    diag_store_free(st);
    st = diag_store_new("r.xml", 0);
    assert_int_equal(add_raw(st, "%17$s", "a"), ERR_INTERNAL);
    diag_store_free(st);
    st = diag_store_new("r.xml", 0);
    assert_int_equal(add_raw(st, "%-d", 1), ERR_INTERNAL); /* a number word */
    diag_store_free(st);
}

/* A plural: English chooses by N, the language's plural form is asked. */
static void test_store_plural(void **state)
{
    diag_store *st = diag_store_new("r.xml", 0);
    diag d = {0};
    char *m;
    (void)state;
    d.line = 1;
    d.rule = "cadre-few-visits";
    assert_int_equal(addn(st, &d, "%s took part in %lu visit",
                          "%s took part in %lu visits", 1, "c1", 1ul),
                     ERR_OK);
    m = read_in(st, NULL);
    assert_string_equal(m, "c1 took part in 1 visit");
    free(m);
    m = read_in(st, &toy_lang);
    assert_string_equal(m, "c1 参加走访 1 次");
    free(m);
    diag_store_free(st);
    st = diag_store_new("r.xml", 0);
    assert_int_equal(addn(st, &d, "%s took part in %lu visit",
                          "%s took part in %lu visits", 2, "c2", 2ul),
                     ERR_OK);
    m = read_in(st, NULL);
    assert_string_equal(m, "c2 took part in 2 visits");
    free(m);
    diag_store_free(st);
    /* two forms that do not take the same arguments are refused */
    st = diag_store_new("r.xml", 0);
    assert_int_equal(
        addn(st, &d, "%s: %lu visit", "%s: %d visits", 2, "c", 2ul),
        ERR_INTERNAL);
    diag_store_free(st);
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
        cmocka_unit_test(test_store_groups_scrambled),
        cmocka_unit_test(test_store_print),
        cmocka_unit_test(test_store_numbers),
        cmocka_unit_test(test_store_want),
        cmocka_unit_test(test_store_two_readers),
        cmocka_unit_test(test_store_many_formats),
        cmocka_unit_test(test_store_bad_format),
        cmocka_unit_test(test_store_languages),
        cmocka_unit_test(test_store_words_many),
        cmocka_unit_test(test_text_form),
        cmocka_unit_test(test_store_numbered_format),
        cmocka_unit_test(test_store_plural),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
