/*
 * test_audit.c — the audit rules (audit.h), run as canvass runs them: the
 * reader streams a register with audit_head/audit_household as callbacks,
 * then audit_reg_finish (and audit_batch for the whole batch).
 *
 * Each rule has a register tests/audit/<rule-id>.xml built to trigger it,
 * and only it, at known lines; the tests assert the exact list of (line,
 * rule, severity). Run with cwd tests/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "audit.h"
#include "diag.h"
#include "reader.h"
#include "vocab.h"

#define SCHEMA "../input-schema/register.xsd"
#define RETURN_SCHEMA "../input-schema/return.xsd"

typedef struct {
    xmlSchemaPtr schema;
    vocab_t *vocab;
} fixture;

typedef struct {
    unsigned line;
    const char *rule;
    diag_severity severity;
} expect;

#define E DIAG_ERROR
#define W DIAG_WARNING
#define N_OF(a) (sizeof(a) / sizeof *(a))

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char *msg = NULL;
    xmlInitParser();
    if (!fx)
        return -1;
    fx->schema = reader_load_schema(SCHEMA, &msg);
    fx->vocab = vocab_load(SCHEMA, &msg);
    free(msg);
    *state = fx;
    return fx->schema && fx->vocab ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    xmlSchemaFree(fx->schema);
    vocab_free(fx->vocab);
    free(fx);
    xmlCleanupParser();
    return 0;
}

static int cb_head(void *ud, const rd_head *h)
{
    return audit_head(ud, h);
}

static int cb_household(void *ud, const rd_household *h)
{
    return audit_household(ud, h);
}

/* Reads PATH through the audit with options O and finishes it: its
 * findings go to OUT. Returns the audit_reg (caller frees), for
 * audit_batch. The register must be valid. */
static audit_reg *audit_file(const fixture *fx, const audit_opts *o,
                             const char *path, diag_list *out)
{
    reader_callbacks cb = {cb_head, cb_household, NULL, NULL};
    reader_result res;
    reader_t *r = reader_new(fx->schema, fx->vocab);
    audit_reg *a = audit_reg_new(o, fx->vocab, path, NULL);

    assert_non_null(r);
    assert_non_null(a);
    assert_int_equal(reader_read(r, path, &cb, a, &res), ERR_OK);
    if (!res.valid)
        fail_msg("%s: not a valid register", path);
    assert_int_not_equal(audit_reg_suspects(a), -1);
    if (audit_reg_suspects(a) > 0) { /* as batch.c does */
        audit_reg_confirm(a);
        assert_int_equal(reader_read(r, path, &cb, a, &res), ERR_OK);
    }
    assert_int_equal(audit_reg_finish(a, out), ERR_OK);
    reader_free(r);
    return a;
}

static void dump(const diag_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        char *s = diag_format_text(&l->v[i]);
        print_message("  %s\n", s ? s : "(no memory)");
        free(s);
    }
}

/* L holds exactly the findings WANT, in that order, all in FILE. */
static void check(const diag_list *l, const char *file, const expect *want,
                  size_t n)
{
    size_t i;
    int ok = l->n == n;
    for (i = 0; ok && i < n; i++)
        ok = l->v[i].line == want[i].line &&
             !strcmp(l->v[i].rule, want[i].rule) &&
             l->v[i].severity == want[i].severity &&
             !strcmp(l->v[i].file, file);
    if (!ok) {
        print_message("%s: expected:\n", file);
        for (i = 0; i < n; i++)
            print_message("  %s:%u: %s: [%s]\n", file, want[i].line,
                          diag_severity_name(want[i].severity), want[i].rule);
        print_message("got:\n");
        dump(l);
        fail_msg("%s: findings differ", file);
    }
    /* every finding names its community, a column and a message that
     * carries ids only: the registers' names and addresses are Chinese,
     * the messages plain ASCII */
    for (i = 0; i < l->n; i++) {
        const unsigned char *p = (const unsigned char *)l->v[i].message;
        assert_non_null(l->v[i].community);
        assert_int_equal(strlen(l->v[i].community), 12);
        assert_true(l->v[i].col > 0);
        for (; *p; p++)
            if (*p >= 0x80)
                fail_msg("%s:%u: non-ASCII in message \"%s\"", file,
                         l->v[i].line, l->v[i].message);
    }
}

/* Audits PATH with O (defaults when NULL) and checks the findings. */
static void run(void **state, const audit_opts *o, const char *path,
                const expect *want, size_t n)
{
    audit_opts def;
    diag_list out = {0};
    if (!o) {
        audit_opts_default(&def);
        o = &def;
    }
    audit_reg_free(audit_file(*state, o, path, &out));
    check(&out, path, want, n);
    diag_list_clear(&out);
}

static size_t count_rule(const diag_list *l, const char *rule)
{
    size_t i, n = 0;
    for (i = 0; i < l->n; i++)
        n += !strcmp(l->v[i].rule, rule);
    return n;
}

/* The diagnostic of RULE at LINE, or NULL. */
static const diag *find(const diag_list *l, unsigned line, const char *rule)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        if (l->v[i].line == line && !strcmp(l->v[i].rule, rule))
            return &l->v[i];
    return NULL;
}

/* ---- rules and options -------------------------------------------------- */

static void test_rule_ids_follow_return_schema(void **state)
{
    char *msg = NULL;
    vocab_t *rv = vocab_load(RETURN_SCHEMA, &msg);
    const vocab_item *it;
    size_t n, i;
    (void)state;
    assert_non_null(rv);
    it = vocab_enum(rv, "rule", &n);
    assert_int_equal(n, RULE_COUNT_ + 1);
    assert_string_equal(it[0].value, "schema");
    for (i = 0; i < RULE_COUNT_; i++) {
        assert_string_equal(audit_rule_id((audit_rule)i), it[i + 1].value);
        assert_int_equal(audit_rule_find(it[i + 1].value), (int)i);
    }
    assert_int_equal(audit_rule_find("schema"), -1);
    assert_int_equal(audit_rule_find("no-such-rule"), -1);
    vocab_free(rv);
    free(msg);
}

static void test_opts(void **state)
{
    audit_opts o;
    char *msg = NULL;
    (void)state;
    audit_opts_default(&o);
    assert_int_equal(o.overdue_days, 30);
    assert_int_equal(o.min_visits, 5);
    assert_int_equal(o.severity[RULE_DUPLICATE_ID], AUDIT_ERROR);
    assert_int_equal(o.severity[RULE_UNKNOWN_CADRE], AUDIT_ERROR);
    assert_int_equal(o.severity[RULE_UNKNOWN_MEMBER], AUDIT_ERROR);
    assert_int_equal(o.severity[RULE_DUPLICATE_HOUSEHOLD], AUDIT_ERROR);
    assert_int_equal(o.severity[RULE_VISIT_OUTSIDE_CAMPAIGN], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_FOLLOW_UP_WITHOUT_FIRST], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_CLOSED_BEFORE_VISIT], AUDIT_ERROR);
    assert_int_equal(o.severity[RULE_REPORTED_WITHOUT_TARGET], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_HOUSEHOLD_NOT_VISITED], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_SPECIAL_GROUP_NOT_FOLLOWED_UP],
                     AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_OVERDUE_ITEM], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_NO_RESPONSIBLE_CADRE], AUDIT_WARNING);
    assert_int_equal(o.severity[RULE_CADRE_FEW_VISITS], AUDIT_WARNING);

    assert_int_equal(audit_opts_set(&o, "cadre-few-visits=off", &msg), ERR_OK);
    assert_int_equal(o.severity[RULE_CADRE_FEW_VISITS], AUDIT_OFF);
    assert_int_equal(audit_opts_set(&o, "overdue-item=error", &msg), ERR_OK);
    assert_int_equal(o.severity[RULE_OVERDUE_ITEM], AUDIT_ERROR);
    assert_int_equal(audit_opts_set(&o, "duplicate-id=warning", &msg), ERR_OK);
    assert_int_equal(o.severity[RULE_DUPLICATE_ID], AUDIT_WARNING);
    assert_null(msg);

    assert_int_equal(audit_opts_set(&o, "no-such-rule=off", &msg), ERR_USAGE);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "no-such-rule"));
    assert_non_null(strstr(msg, "cadre-few-visits")); /* lists the rules */
    free(msg), msg = NULL;
    assert_int_equal(audit_opts_set(&o, "overdue-item=loud", &msg), ERR_USAGE);
    assert_non_null(strstr(msg, "loud"));
    free(msg), msg = NULL;
    assert_int_equal(audit_opts_set(&o, "overdue-item", &msg), ERR_USAGE);
    assert_non_null(msg);
    free(msg), msg = NULL;
    assert_int_equal(audit_opts_set(&o, "schema=off", &msg), ERR_USAGE);
    assert_non_null(strstr(msg, "schema"));
    free(msg), msg = NULL;
    assert_int_equal(audit_opts_set(&o, "=error", NULL), ERR_USAGE);
    /* failures leave the options as they were */
    assert_int_equal(o.severity[RULE_OVERDUE_ITEM], AUDIT_ERROR);
}

/* ---- one register per rule ---------------------------------------------- */

static void test_clean(void **state)
{
    run(state, NULL, "audit/clean.xml", NULL, 0);
}

static void test_duplicate_id(void **state)
{
    static const expect want[] = {
        {10, "duplicate-id", E}, /* second cadre c01 */
        {27, "duplicate-id", E}, /* member m001, first in h001 */
        {30, "duplicate-id", E}, /* form v001, a visit's id */
        {32, "duplicate-id", E}, /* suggestion o002 after opinion o002 */
    };
    audit_opts o;
    diag_list out = {0};
    const diag *d;
    run(state, NULL, "audit/duplicate-id.xml", want, N_OF(want));

    audit_opts_default(&o);
    audit_reg_free(audit_file(*state, &o, "audit/duplicate-id.xml", &out));
    d = find(&out, 30, "duplicate-id");
    assert_non_null(d);
    assert_string_equal(d->household, "h002");
    assert_string_equal(d->visit, "v005");
    assert_non_null(strstr(d->message, "form id v001"));
    assert_non_null(strstr(d->message, "visit at line 15"));
    d = find(&out, 32, "duplicate-id");
    assert_string_equal(d->item, "o002");
    d = find(&out, 10, "duplicate-id");
    assert_string_equal(d->cadre, "c01");
    assert_null(d->household);
    diag_list_clear(&out);
}

static void test_unknown_cadre(void **state)
{
    static const expect want[] = {
        {25, "unknown-cadre", E}, /* household cadre="c09" */
        {27, "unknown-cadre", E}, /* v004 by c07 (twice: once) */
        {28, "unknown-cadre", E}, /* v005 by c07 */
    };
    audit_opts o;
    diag_list out = {0};
    run(state, NULL, "audit/unknown-cadre.xml", want, N_OF(want));
    audit_opts_default(&o);
    audit_reg_free(audit_file(*state, &o, "audit/unknown-cadre.xml", &out));
    assert_string_equal(out.v[0].cadre, "c09");
    assert_null(out.v[0].visit);
    assert_string_equal(out.v[1].cadre, "c07");
    assert_string_equal(out.v[1].visit, "v004");
    assert_string_equal(out.v[2].household, "h002");
    diag_list_clear(&out);
}

static void test_unknown_member(void **state)
{
    static const expect want[] = {
        {21, "unknown-member", E}, /* m002 belongs to h002 */
        {25, "unknown-member", E}, /* m009 belongs nowhere */
    };
    run(state, NULL, "audit/unknown-member.xml", want, N_OF(want));
}

static void test_duplicate_household_in_register(void **state)
{
    static const expect want[] = {
        {37, "duplicate-household", E}, /* h003: h001's address */
    };
    audit_opts o;
    diag_list out = {0};
    run(state, NULL, "audit/duplicate-household.xml", want, N_OF(want));
    audit_opts_default(&o);
    audit_reg_free(
        audit_file(*state, &o, "audit/duplicate-household.xml", &out));
    assert_string_equal(out.v[0].household, "h003");
    assert_non_null(strstr(out.v[0].message, "household h001 at line 14"));
    diag_list_clear(&out);
}

/* Unicode spellings of one address are one address: compared in NFKC with
 * whitespace folded (U+F90A, full-width digits, ideographic spaces, NFD),
 * a long one too (over 256 bytes: collapsed in a copy of its own);
 * addresses one character apart are not. */
static void test_duplicate_household_unicode(void **state)
{
    static const expect want[] = {
        {40, "duplicate-household", E}, /* h003: U+F90A for 金 */
        {44, "duplicate-household", E}, /* h004: full-width digits */
        {48, "duplicate-household", E}, /* h005: ideographic spaces */
        {52, "duplicate-household", E}, /* h006: NFD of h002's address */
        {68, "duplicate-household", E}, /* h010: h009's, other spaces */
    };
    audit_opts o;
    diag_list out = {0};
    run(state, NULL, "audit/duplicate-household-unicode.xml", want, N_OF(want));
    audit_opts_default(&o);
    audit_reg_free(
        audit_file(*state, &o, "audit/duplicate-household-unicode.xml", &out));
    assert_non_null(strstr(out.v[0].message, "household h001 at line 17"));
    assert_non_null(strstr(out.v[3].message, "household h002 at line 30"));
    assert_non_null(strstr(out.v[4].message, "household h009 at line 64"));
    diag_list_clear(&out);
}

static void test_visit_outside_campaign(void **state)
{
    static const expect want[] = {
        {14, "visit-outside-campaign", W}, /* 2011-08-31 */
        {28, "visit-outside-campaign", W}, /* 2011-11-01 */
    };
    run(state, NULL, "audit/visit-outside-campaign.xml", want, N_OF(want));
}

static void test_follow_up_without_first(void **state)
{
    static const expect want[] = {
        {30, "follow-up-without-first", W}, /* before the first visit */
        {37, "follow-up-without-first", W}, /* regular, no first at all */
        {40, "follow-up-without-first", W}, /* same day, listed before */
    };
    run(state, NULL, "audit/follow-up-without-first.xml", want, N_OF(want));
}

static void test_closed_before_visit(void **state)
{
    static const expect want[] = {
        {17, "closed-before-visit", E},
        {32, "closed-before-visit", E},
    };
    run(state, NULL, "audit/closed-before-visit.xml", want, N_OF(want));
}

static void test_reported_without_target(void **state)
{
    static const expect want[] = {
        {29, "reported-without-target", W},
        {31, "reported-without-target", W},
    };
    run(state, NULL, "audit/reported-without-target.xml", want, N_OF(want));
}

static void test_household_not_visited(void **state)
{
    static const expect want[] = {
        {34, "household-not-visited", W},
        {37, "household-not-visited", W},
    };
    run(state, NULL, "audit/household-not-visited.xml", want, N_OF(want));
}

static void test_special_group_not_followed_up(void **state)
{
    static const expect want[] = {
        {36, "special-group-not-followed-up", W},
        {40, "special-group-not-followed-up", W},
    };
    run(state, NULL, "audit/special-group-not-followed-up.xml", want,
        N_OF(want));
}

static void test_overdue_item(void **state)
{
    static const expect want[] = {
        {18, "overdue-item", W}, /* s001, pending by default, 66 days */
        {40, "overdue-item", W}, /* o003, assigned, 31 days */
    };
    run(state, NULL, "audit/overdue-item.xml", want, N_OF(want));
}

static void test_no_responsible_cadre(void **state)
{
    static const expect want[] = {
        {24, "no-responsible-cadre", W},
        {34, "no-responsible-cadre", W},
    };
    audit_opts o;
    diag_list out = {0};
    run(state, NULL, "audit/no-responsible-cadre.xml", want, N_OF(want));
    audit_opts_default(&o);
    audit_reg_free(
        audit_file(*state, &o, "audit/no-responsible-cadre.xml", &out));
    assert_string_equal(out.v[0].message,
                        "household h002 has no responsible cadre: add "
                        "cadre=\"...\" naming the cadre responsible for it");
    assert_string_equal(out.v[0].household, "h002");
    assert_string_equal(out.v[0].community, "620402003901");
    diag_list_clear(&out);
}

static void test_cadre_few_visits(void **state)
{
    static const expect want[] = {
        {10, "cadre-few-visits", W}, /* c03: none */
        {11, "cadre-few-visits", W}, /* c04: 4 */
    };
    audit_opts o;
    diag_list out = {0};
    run(state, NULL, "audit/cadre-few-visits.xml", want, N_OF(want));
    audit_opts_default(&o);
    audit_reg_free(audit_file(*state, &o, "audit/cadre-few-visits.xml", &out));
    assert_string_equal(out.v[1].cadre, "c04");
    assert_non_null(strstr(out.v[1].message, "4 visits, fewer than 5"));
    diag_list_clear(&out);
}

/* ---- severities and thresholds ------------------------------------------ */

static void test_severity_override(void **state)
{
    static const expect as_error[] = {
        {24, "no-responsible-cadre", E},
        {34, "no-responsible-cadre", E},
    };
    static const expect dup_as_warning[] = {
        {10, "duplicate-id", W},
        {27, "duplicate-id", W},
        {30, "duplicate-id", W},
        {32, "duplicate-id", W},
    };
    audit_opts o;
    audit_opts_default(&o);
    assert_int_equal(audit_opts_set(&o, "no-responsible-cadre=error", NULL),
                     ERR_OK);
    run(state, &o, "audit/no-responsible-cadre.xml", as_error, N_OF(as_error));
    assert_int_equal(audit_opts_set(&o, "no-responsible-cadre=off", NULL),
                     ERR_OK);
    run(state, &o, "audit/no-responsible-cadre.xml", NULL, 0);

    audit_opts_default(&o);
    assert_int_equal(audit_opts_set(&o, "duplicate-id=warning", NULL), ERR_OK);
    run(state, &o, "audit/duplicate-id.xml", dup_as_warning,
        N_OF(dup_as_warning));
    assert_int_equal(audit_opts_set(&o, "duplicate-id=off", NULL), ERR_OK);
    run(state, &o, "audit/duplicate-id.xml", NULL, 0);

    audit_opts_default(&o);
    assert_int_equal(audit_opts_set(&o, "cadre-few-visits=off", NULL), ERR_OK);
    run(state, &o, "audit/cadre-few-visits.xml", NULL, 0);
}

static void test_overdue_days(void **state)
{
    static const expect at60[] = {
        {18, "overdue-item", W}, /* 66 days */
    };
    static const expect at29[] = {
        {18, "overdue-item", W}, /* 66 */
        {40, "overdue-item", W}, /* 31 */
        {45, "overdue-item", W}, /* 30 */
    };
    static const expect at20[] = {
        {18, "overdue-item", W},
        {31, "overdue-item", W}, /* o002, reported, 21 days */
        {32, "overdue-item", W}, /* s002, assigned, 21 days */
        {40, "overdue-item", W},
        {45, "overdue-item", W},
    };
    audit_opts o;
    audit_opts_default(&o);
    o.overdue_days = 60;
    run(state, &o, "audit/overdue-item.xml", at60, N_OF(at60));
    o.overdue_days = 29;
    run(state, &o, "audit/overdue-item.xml", at29, N_OF(at29));
    o.overdue_days = 20;
    run(state, &o, "audit/overdue-item.xml", at20, N_OF(at20));
    o.overdue_days = 100;
    run(state, &o, "audit/overdue-item.xml", NULL, 0);
}

static void test_min_visits(void **state)
{
    static const expect at4[] = {
        {10, "cadre-few-visits", W}, /* c03: 0 < 4; c04: 4 is enough */
    };
    static const expect at6[] = {
        {8, "cadre-few-visits", W},
        {9, "cadre-few-visits", W},
        {10, "cadre-few-visits", W},
        {11, "cadre-few-visits", W},
    };
    audit_opts o;
    audit_opts_default(&o);
    o.min_visits = 4;
    run(state, &o, "audit/cadre-few-visits.xml", at4, N_OF(at4));
    o.min_visits = 6;
    run(state, &o, "audit/cadre-few-visits.xml", at6, N_OF(at6));
    o.min_visits = 0;
    run(state, &o, "audit/cadre-few-visits.xml", NULL, 0);
    /* the jinshan cadre with 3 visits passes at K = 3 */
    o.min_visits = 3;
    {
        diag_list out = {0};
        audit_reg_free(
            audit_file(*state, &o, "../examples/jinshan-2011.xml", &out));
        assert_int_equal(count_rule(&out, "cadre-few-visits"), 0);
        diag_list_clear(&out);
    }
}

/* ---- the batch ---------------------------------------------------------- */

/* Audits the N registers in the order given, then the batch; every finding
 * (registers' and batch's) goes to OUT, sorted. */
static void batch(void **state, const audit_opts *o, const char *const *paths,
                  size_t n, diag_list *out)
{
    audit_reg *regs[8];
    size_t i;
    assert_true(n <= N_OF(regs));
    for (i = 0; i < n; i++)
        regs[i] = audit_file(*state, o, paths[i], out);
    assert_int_equal(audit_batch(regs, n, out), ERR_OK);
    for (i = 0; i < n; i++)
        audit_reg_free(regs[i]);
    diag_list_sort(out);
}

static void same_lists(const diag_list *x, const diag_list *y)
{
    size_t i;
    assert_int_equal(x->n, y->n);
    for (i = 0; i < x->n; i++) {
        char *a = diag_format_json(&x->v[i]), *b = diag_format_json(&y->v[i]);
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_duplicate_household_batch(void **state)
{
    static const char *const order1[] = {"audit/duplicate-household.xml",
                                         "audit/duplicate-household-other.xml",
                                         "audit/clean.xml"};
    static const char *const order2[] = {"audit/clean.xml",
                                         "audit/duplicate-household-other.xml",
                                         "audit/duplicate-household.xml"};
    /* all on the later register by path; the other register and clean.xml
     * (same ids and an address, but another community) have none */
    static const expect want[] = {
        {14, "duplicate-household", E}, /* h001: address of other's h050 */
        {27, "duplicate-household", E}, /* h002: other's h002 */
        {37, "duplicate-household", E}, /* h003: address of h001, here */
    };
    audit_opts o;
    diag_list a = {0}, b = {0}, c = {0};
    const diag *d;

    audit_opts_default(&o);
    batch(state, &o, order1, N_OF(order1), &a);
    check(&a, "audit/duplicate-household.xml", want, N_OF(want));
    d = find(&a, 14, "duplicate-household");
    assert_non_null(strstr(d->message, "audit/duplicate-household-other.xml"));
    assert_non_null(strstr(d->message, "household h050 at line 17"));
    assert_non_null(strstr(d->message, "same address"));
    d = find(&a, 27, "duplicate-household");
    assert_non_null(strstr(d->message, "household h002 at line 11"));
    assert_non_null(strstr(d->message, "same household id"));
    assert_string_equal(d->household, "h002");

    /* another order, same findings, byte for byte */
    batch(state, &o, order2, N_OF(order2), &b);
    same_lists(&a, &b);

    /* only the batch rule off: nothing */
    assert_int_equal(audit_opts_set(&o, "duplicate-household=off", NULL),
                     ERR_OK);
    batch(state, &o, order1, N_OF(order1), &c);
    assert_int_equal(c.n, 0);

    diag_list_clear(&a);
    diag_list_clear(&b);
    diag_list_clear(&c);
}

/* The batch rules register by register (as batch.c runs them while the
 * other registers are still being read): each register's findings are
 * all there as soon as it is added, before any later register is, and
 * they are audit_batch's, byte for byte. */
static void test_batcher_register_by_register(void **state)
{
    static const char *const paths[] = {"audit/clean.xml",
                                        "audit/duplicate-household-other.xml",
                                        "audit/duplicate-household.xml"};
    static const size_t after[] = {0, 0, 3}; /* duplicate-household */
    audit_opts o;
    audit_reg *regs[N_OF(paths)];
    audit_batcher *b;
    diag_list whole = {0}, inc = {0};
    size_t i;

    audit_opts_default(&o);
    batch(state, &o, paths, N_OF(paths), &whole);
    assert_non_null(b = audit_batcher_new(&o));
    for (i = 0; i < N_OF(paths); i++) {
        regs[i] = audit_file(*state, &o, paths[i], &inc);
        assert_int_equal(audit_batcher_add(b, regs[i]), ERR_OK);
        assert_int_equal(audit_reg_finish(regs[i], &inc), ERR_OK);
        assert_int_equal(count_rule(&inc, "duplicate-household"), after[i]);
    }
    audit_batcher_free(b);
    for (i = 0; i < N_OF(paths); i++)
        audit_reg_free(regs[i]);
    diag_list_sort(&inc);
    same_lists(&whole, &inc);
    diag_list_clear(&whole);
    diag_list_clear(&inc);
}

static void test_batch_of_one_register_twice(void **state)
{
    /* the same household on two registers of one community: every
     * household of the later path is reported, naming the earlier */
    static const char *const paths[] = {"audit/clean.xml",
                                        "audit/../audit/clean.xml"};
    audit_opts o;
    diag_list out = {0};
    size_t i;
    audit_opts_default(&o);
    batch(state, &o, paths, N_OF(paths), &out);
    assert_int_equal(out.n, 2);
    for (i = 0; i < out.n; i++) {
        assert_string_equal(out.v[i].file, "audit/clean.xml");
        assert_string_equal(out.v[i].rule, "duplicate-household");
        assert_non_null(strstr(out.v[i].message, "audit/../audit/clean.xml"));
    }
    diag_list_clear(&out);
}

/* Writes a register of N households (one member, one visit each, all by
 * c01) to a temporary file whose name goes to PATH; the last household
 * reuses the first member's id and the second household's address. Its
 * line goes to *LAST, the last member's to *LAST_MEMBER. */
static void write_big(char *path, size_t n, unsigned *last,
                      unsigned *last_member)
{
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    unsigned line = 7;
    size_t i;
    assert_non_null(f);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<register xmlns=\"urn:canvass:register:1\" version=\"1\">\n"
            "  <community code=\"620402003903\" name=\"n\" street=\"s\" "
            "district=\"d\" city=\"c\"/>\n"
            "  <campaign id=\"zqjfwh-2011\" title=\"t\" start=\"2011-09-01\" "
            "end=\"2011-10-31\" reported=\"2011-11-10\"/>\n"
            "  <cadres><cadre id=\"c01\" name=\"n\" role=\"staff\"/></cadres>\n"
            "  <households>\n");
    for (i = 0; i < n; i++) {
        int lst = i == n - 1;
        fprintf(f,
                "    <household id=\"h%zu\" dwelling=\"building\" "
                "address=\"No. %zu\" cadre=\"c01\">\n",
                i, lst ? 1 : i);
        fprintf(f, "      <member id=\"m%zu\"/>\n", lst ? 0 : i);
        fprintf(f,
                "      <visit id=\"v%zu\" date=\"2011-09-05\" kind=\"first\" "
                "by=\"c01\"/>\n    </household>\n",
                i);
        if (lst) {
            *last = line;
            *last_member = line + 1;
        }
        line += 4;
    }
    fprintf(f, "  </households>\n</register>\n");
    assert_int_equal(fclose(f), 0);
}

/* Enough ids for the hash tables to grow many times over. */
static void test_many_ids(void **state)
{
    char p1[] = "/tmp/canvass-audit-XXXXXX", p2[] = "/tmp/canvass-audit-XXXXXX";
    const char *paths[2];
    unsigned last, last_member;
    audit_opts o;
    diag_list out = {0};
    expect want[2];

    write_big(p1, 20000, &last, &last_member);
    write_big(p2, 20000, &last, &last_member);
    want[0] = (expect){last, "duplicate-household", E};
    want[1] = (expect){last_member, "duplicate-id", E};
    audit_opts_default(&o);
    run(state, &o, p1, want, 2);

    /* the two as a batch: every household of the later path again */
    paths[0] = p1, paths[1] = p2;
    batch(state, &o, paths, 2, &out);
    assert_int_equal(out.n, 2 + 2 + 19999);
    assert_int_equal(count_rule(&out, "duplicate-household"), 1 + 1 + 19999);
    diag_list_clear(&out);
    unlink(p1);
    unlink(p2);
}

/* Fingerprints a few bits wide, so that nearly every id, cadre, address
 * and household shares its fingerprint with others: the findings must be
 * exactly those of full-width fingerprints, never a false duplicate. */
static void test_fingerprint_collisions(void **state)
{
    static const char *const one[] = {"audit/clean.xml",
                                      "audit/duplicate-id.xml",
                                      "audit/unknown-cadre.xml",
                                      "audit/duplicate-household.xml",
                                      "audit/cadre-few-visits.xml",
                                      "../examples/jinshan-2011.xml",
                                      "../examples/zz-untidy-2011.xml"};
    static const char *const two[] = {
        "audit/duplicate-household.xml", "audit/duplicate-household-other.xml",
        "../examples/dongfeng-2011.xml", "../examples/hongxing-2011.xml",
        "../examples/jinshan-2011.xml"};
    static const int widths[] = {1, 2, 5};
    audit_opts full, narrow;
    diag_list want = {0}, got = {0};
    size_t i, w;

    audit_opts_default(&full);
    for (w = 0; w < N_OF(widths); w++) {
        narrow = full;
        narrow.fingerprint_bits = widths[w];
        for (i = 0; i < N_OF(one); i++) {
            audit_reg_free(audit_file(*state, &full, one[i], &want));
            audit_reg_free(audit_file(*state, &narrow, one[i], &got));
            same_lists(&want, &got);
            diag_list_clear(&want);
            diag_list_clear(&got);
        }
        batch(state, &full, two, N_OF(two), &want);
        batch(state, &narrow, two, N_OF(two), &got);
        assert_true(count_rule(&want, "duplicate-household") > 0);
        same_lists(&want, &got);
        diag_list_clear(&want);
        diag_list_clear(&got);
    }
    /* a clean register with every id colliding has no duplicate-id */
    narrow.fingerprint_bits = 1;
    audit_reg_free(
        audit_file(*state, &narrow, "../examples/jinshan-2011.xml", &got));
    assert_int_equal(count_rule(&got, "duplicate-id"), 0);
    diag_list_clear(&got);
}

/* ---- the examples ------------------------------------------------------- */

static void test_examples(void **state)
{
    static const char *const paths[] = {"../examples/dongfeng-2011.xml",
                                        "../examples/hongxing-2011.xml",
                                        "../examples/jinshan-2011.xml"};
    static const char *const unvisited[] = {"h036", "h077", "h108", "h112"};
    static const char *const no_cadre[] = {"h073", "h080", "h081"};
    audit_opts o;
    diag_list out = {0};
    size_t i, j, n;

    audit_opts_default(&o);
    batch(state, &o, paths, N_OF(paths), &out);
    if (out.n != 8)
        dump(&out);
    assert_int_equal(count_rule(&out, "household-not-visited"), 4);
    assert_int_equal(count_rule(&out, "no-responsible-cadre"), 3);
    assert_int_equal(count_rule(&out, "cadre-few-visits"), 1);
    assert_int_equal(out.n, 8);
    for (i = 0; i < out.n; i++) {
        const diag *d = &out.v[i];
        assert_string_equal(d->file, "../examples/jinshan-2011.xml");
        assert_int_equal(d->severity, DIAG_WARNING);
        assert_string_equal(d->community, "620402003005");
    }
    for (i = 0, n = 0; i < out.n; i++)
        for (j = 0; j < N_OF(unvisited); j++)
            n += !strcmp(out.v[i].rule, "household-not-visited") &&
                 !strcmp(out.v[i].household, unvisited[j]);
    assert_int_equal(n, 4);
    for (i = 0, n = 0; i < out.n; i++)
        for (j = 0; j < N_OF(no_cadre); j++)
            n += !strcmp(out.v[i].rule, "no-responsible-cadre") &&
                 !strcmp(out.v[i].household, no_cadre[j]);
    assert_int_equal(n, 3);
    for (i = 0; i < out.n; i++)
        if (!strcmp(out.v[i].rule, "cadre-few-visits")) {
            assert_string_equal(out.v[i].cadre, "c11");
            assert_non_null(strstr(out.v[i].message, " 3 visits"));
        }
    diag_list_clear(&out);
}

/* examples/zz-untidy-2011.xml gives exactly the findings listed, as
 * LINE<TAB>RULE, in examples/zz-untidy-2011.expected.txt; every rule
 * fires at least once. */
static void test_untidy_example(void **state)
{
    const char *path = "../examples/zz-untidy-2011.xml";
    FILE *f = fopen("../examples/zz-untidy-2011.expected.txt", "r");
    expect want[128];
    char rules[128][64], line[256];
    size_t n = 0, i;
    int seen[RULE_COUNT_] = {0};
    audit_opts o;
    diag_list out = {0};

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        unsigned ln;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        assert_true(n < N_OF(want));
        assert_int_equal(sscanf(line, "%u\t%63s", &ln, rules[n]), 2);
        want[n].line = ln;
        want[n].rule = rules[n];
        i = (size_t)audit_rule_find(rules[n]);
        assert_true(i < RULE_COUNT_);
        audit_opts_default(&o);
        want[n].severity = o.severity[i] == AUDIT_WARNING ? W : E;
        seen[i] = 1;
        n++;
    }
    fclose(f);
    for (i = 0; i < RULE_COUNT_; i++)
        if (!seen[i])
            fail_msg("zz-untidy-2011 never triggers %s",
                     audit_rule_id((audit_rule)i));
    audit_opts_default(&o);
    batch(state, &o, &path, 1, &out);
    check(&out, path, want, n);
    diag_list_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_ids_follow_return_schema),
        cmocka_unit_test(test_opts),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_unknown_cadre),
        cmocka_unit_test(test_unknown_member),
        cmocka_unit_test(test_duplicate_household_in_register),
        cmocka_unit_test(test_duplicate_household_unicode),
        cmocka_unit_test(test_visit_outside_campaign),
        cmocka_unit_test(test_follow_up_without_first),
        cmocka_unit_test(test_closed_before_visit),
        cmocka_unit_test(test_reported_without_target),
        cmocka_unit_test(test_household_not_visited),
        cmocka_unit_test(test_special_group_not_followed_up),
        cmocka_unit_test(test_overdue_item),
        cmocka_unit_test(test_no_responsible_cadre),
        cmocka_unit_test(test_cadre_few_visits),
        cmocka_unit_test(test_severity_override),
        cmocka_unit_test(test_overdue_days),
        cmocka_unit_test(test_min_visits),
        cmocka_unit_test(test_duplicate_household_batch),
        cmocka_unit_test(test_batcher_register_by_register),
        cmocka_unit_test(test_batch_of_one_register_twice),
        cmocka_unit_test(test_many_ids),
        cmocka_unit_test(test_fingerprint_collisions),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_untidy_example),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
