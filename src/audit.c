/*
 * audit.c — the audit rules of SPEC §2 layer 2, run in the reader's single
 * streaming pass over a valid register.
 *
 * Rules, their default severity and threshold. An error blocks a return
 * (the register says something that cannot be true or cannot be counted
 * straight); a warning is a fact about the work the return still reports.
 *
 *   rule                           default  where reported        threshold
 *   duplicate-id                   error    the second use        -
 *   unknown-cadre                  error    visit / household     -
 *   unknown-member                 error    service               -
 *   duplicate-household            error    the later household   -
 *   visit-outside-campaign         warning  visit                 -
 *   follow-up-without-first        warning  visit                 -
 *   closed-before-visit            error    opinion / suggestion  -
 *   reported-without-target        warning  opinion / suggestion  -
 *   household-not-visited          warning  household             -
 *   special-group-not-followed-up  warning  household             -
 *   overdue-item                   warning  opinion / suggestion  N = 30 days
 *   no-responsible-cadre           warning  household             -
 *   cadre-few-visits               warning  cadre, at the end     K = 5 visits
 *
 * Why one file (about 1,400 lines): every rule reads and writes the one
 * per-register state (State, below), inside the one streaming pass, and
 * the hash tables exist only for them. Split by rule, each part would need that
 * state's full definition in a shared private header, and the order in
 * which rules look at a household (ids first, then references) would be
 * spread over files. The file reads top-down: rule table and options,
 * hash tables, per-household checks, end-of-register rules, batch rules.
 *
 * Ids (duplicate-id) share one namespace per register, whatever element
 * carries them: household, member, visit, form, opinion, suggestion and
 * cadre ids are "unique within a register" (SPEC §1), as xs:ID would be.
 * Within a household they are checked in document order (sorted by line
 * and column), so the finding is always on the later use.
 *
 * State. Per register (audit_reg): a bag of the fingerprints of every id
 * seen (for duplicate-id), the cadre list with a per-cadre visit count, a
 * hash from cadre id to its place in that list, a hash of the address
 * digests seen, and one small record per household (id, address digest,
 * position) kept for audit_batch. Addresses are never kept: only the
 * XXH3-128 (16 bytes) of the address in its NFKC form
 * (libunistring) with its whitespace collapsed, so that Unicode spellings
 * of one address (NFC or NFD, a CJK compatibility ideograph, full-width
 * digits, an ideographic space) are one address (an address of ASCII and
 * CJK unified ideographs only, nearly all, is its own NFKC and skips the
 * normalizer). What only the streaming pass needs is freed by
 * audit_reg_finish; what the batch needs stays.
 *
 * Fingerprints. Keys are kept as 64-bit fingerprints (XXH3-64, from
 * libxxhash; the address digests are its XXH3-128, and SHA-256 is only
 * the provenance digest a return records, in reader.c). The ids go into
 * a bag (fpbag.c), not a table: each is appended to one of 256 buckets
 * whose tails stay in the caches, 8.06 bytes an id, and the fingerprints
 * met twice are found at the end of the register, bucket by bucket (the
 * 720,546 ids of the 100,000-household dense register take 5.8 MB). A
 * table, looked up for every id, missed the caches at every look-up once
 * it outgrew them: about 4% of a dense check of 100,000 households
 * (perf), 8% of a check of a million with the dense rules off. The
 * cadres, the addresses and the batch's households are in open-addressing
 * tables (htab.c) that grow by half at 85% full. A register of 4 MiB or
 * more has its ids' bag, addresses table, household records and
 * households' ids sized at once when a sixteenth of it is read
 * (size_tables: what that part held, scaled to the file's size, a
 * sixteenth more), in huge pages. Growing by halves instead moved every
 * entry two or three times and faulted each new array in a 4 KiB page at
 * a time (the households' ids alone: 170 of a dense 100,000-household
 * check's 1,670 page faults).
 * A household's address digest is fingerprinted and its home slot
 * prefetched first, then looked up after the household's other rules, by
 * when the slot has arrived; its ids are sorted into document order only
 * when they are not in it already (nearly never). The batch
 * rules' two tables are sized for the first register's households at once
 * (then grow by half as later registers are added), and each household's
 * slots are asked for 16 households ahead of its look-ups.
 *
 * Collisions never make a finding. Two different keys share a
 * fingerprint with probability about n^2/2^65 for n keys: 1.4e-6 for the
 * 7.2 million ids of a 1,000,000-household register. The tables
 * (cadres, addresses, the batch's households) tell keys that share a
 * fingerprint apart by comparing the key each entry points to (the
 * cadre's id, the 16-byte address digest, the household's community
 * and id), so they are exact. The ids' bag keeps no keys; an id whose
 * fingerprint is in it twice is only a suspect. When a register has
 * suspects (it has duplicate ids, or, that rarely, a collision),
 * audit_reg_suspects (which empties the bag into the suspects, at the end
 * of the first pass) says so and the caller reads the register a second
 * time (audit_reg_confirm): that pass compares the suspected ids exactly,
 * keeping the key of each one's first use, and reports only real second
 * uses, with the same message as ever. A clean register is read once.
 * tests/unit/test_audit.c runs the rules with fingerprints of 1 to 5 bits
 * (audit_opts.fingerprint_bits), where nearly every key collides, and
 * gets the same findings.
 *
 * Findings. Each is recorded in the register's diag_store (diag.h) as its
 * rule, position, ids and the message's format with its arguments; the
 * text is made only when the store is read. A household's findings are
 * one group of the store (sorted when the household ends), the
 * end-of-register findings another, the confirming pass's duplicate ids
 * one per household, and the batch's one per register: the store merges
 * them into (line, column, rule, message) order when read, and spills to
 * a temporary file when they are many. The batch rules see the registers
 * in path order (the audit_batcher is given them in that order; audit_batch
 * sorts its own copy), so which register is "the later" does not depend
 * on the order they were given or finished in, and a register's batch
 * findings depend only on the registers before it: they are known as soon
 * as it and those are done.
 *
 * No global mutable state: each audit_reg is used by one thread; the
 * audit_opts and the vocabulary are read-only.
 */
#include "audit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <xxhash.h>

#include "arena.h"
#include "i18n.h"
#include "buf.h"
#include "fpbag.h"
#include "htab.h"

#define HASH_START 256
#define DATE_BUF 48 /* room for any int32 day count as a date */

static const struct {
    const char *id;
    audit_severity severity;
} rules[RULE_COUNT_] = {
    [RULE_DUPLICATE_ID] = {"duplicate-id", AUDIT_ERROR},
    [RULE_UNKNOWN_CADRE] = {"unknown-cadre", AUDIT_ERROR},
    [RULE_UNKNOWN_MEMBER] = {"unknown-member", AUDIT_ERROR},
    [RULE_DUPLICATE_HOUSEHOLD] = {"duplicate-household", AUDIT_ERROR},
    [RULE_VISIT_OUTSIDE_CAMPAIGN] = {"visit-outside-campaign", AUDIT_WARNING},
    [RULE_FOLLOW_UP_WITHOUT_FIRST] = {"follow-up-without-first", AUDIT_WARNING},
    [RULE_CLOSED_BEFORE_VISIT] = {"closed-before-visit", AUDIT_ERROR},
    [RULE_REPORTED_WITHOUT_TARGET] = {"reported-without-target", AUDIT_WARNING},
    [RULE_HOUSEHOLD_NOT_VISITED] = {"household-not-visited", AUDIT_WARNING},
    [RULE_SPECIAL_GROUP_NOT_FOLLOWED_UP] = {"special-group-not-followed-up",
                                            AUDIT_WARNING},
    [RULE_OVERDUE_ITEM] = {"overdue-item", AUDIT_WARNING},
    [RULE_NO_RESPONSIBLE_CADRE] = {"no-responsible-cadre", AUDIT_WARNING},
    [RULE_CADRE_FEW_VISITS] = {"cadre-few-visits", AUDIT_WARNING},
};

/* What carries an id, for duplicate-id. */
enum {
    K_HOUSEHOLD,
    K_MEMBER,
    K_VISIT,
    K_FORM,
    K_OPINION,
    K_SUGGESTION,
    K_CADRE,
    K_COUNT_
};
/* The words findings name them by (%-s: translated with the message). */
static const char *const kind_name[K_COUNT_] = {
    N_("household"), N_("member"),     N_("visit"), N_("form"),
    N_("opinion"),   N_("suggestion"), N_("cadre")};

typedef struct {
    const char *id; /* in a->strings */
    unsigned line, col;
    unsigned long visits; /* visits naming the cadre in `by` */
    unsigned long stamp;  /* serial of the last visit counted */
} cadre_rec;

/* 32 bytes a household: what audit_batch needs, and no more. */
#define ADDR_DIGEST 16
typedef struct {
    uint32_t id; /* offset of the id in a->hh_ids */
    uint32_t line, col;
    uint8_t has_addr;
    uint8_t dup_in_reg; /* reported already: same address earlier here */
    uint8_t addr[ADDR_DIGEST];
} hh_rec;

/* One id used in a household, for the document-order duplicate check;
 * FP its fingerprint in the ids table, 0 until made. */
typedef struct {
    const char *id, *visit, *item;
    int kind;
    unsigned line, col;
    uint64_t fp;
} id_use;

/* The first use of an id whose fingerprint was met twice. */
typedef struct {
    const char *id; /* in a->suspect_ids */
    unsigned line;
    int kind;
} first_use;

struct audit_reg {
    const audit_opts *o;
    const vocab_t *vocab;
    const char *path;
    int kind_first, kind_follow_up, kind_regular;
    int st_pending, st_assigned, st_reported;

    /* kept until audit_reg_free (audit_batch reads them) */
    arena strings;   /* household and cadre ids */
    char *community; /* code; NULL until the head is seen */
    hh_rec *hh;
    char *hh_ids; /* the households' ids, NUL-terminated, packed */
    size_t n_hh_ids, cap_hh_ids;
    size_t n_hh, cap_hh;
    size_t n_hh_addr; /* households with an address */
    int finished;

    /* the streaming pass only; freed by audit_reg_finish */
    int streaming;
    fpbag ids;          /* fingerprints of the ids seen */
    int bagged;         /* ids emptied into suspects (audit_reg_suspects) */
    htab suspects;      /* fingerprints met twice: confirm them */
    htab cadre_ix;      /* cadre id -> index + 1 in cadres */
    htab addrs;         /* address digest -> index + 1 in hh */
    uint64_t addr_fp;   /* the household's address, not yet looked up, or 0 */
    uint64_t file_size; /* the register's (rd_head), for size_tables */
    int sized;          /* size_tables has been done */
    cadre_rec *cadres;
    size_t n_cadres;
    int32_t start, end, reported;
    unsigned long serial; /* visits seen, for per-visit de-duplication */
    id_use *uses;         /* the household's ids (household_ids) */
    size_t n_uses, cap_uses;

    /* the confirming pass (see audit_reg_confirm) */
    int confirming;
    htab exact;        /* suspected id -> index + 1 in firsts */
    first_use *firsts; /* first use of each suspected id, exactly */
    size_t n_firsts, cap_firsts;
    arena suspect_ids; /* their keys */

    diag_store *sink; /* where findings go (borrowed, or owned) */
    int own_sink;

    /* the dates a dense rule writes in each finding (the visit's, the
     * report's), each kept as last written (date_text) */
    struct date_memo {
        int32_t days;
        int set;
        char text[16];
    } dates[2];
};

/* ---- rules and options -------------------------------------------------- */

const char *audit_rule_id(audit_rule r)
{
    return (int)r >= 0 && r < RULE_COUNT_ ? rules[r].id : "unknown";
}

int audit_rule_find(const char *id)
{
    int i;
    if (!id)
        return -1;
    for (i = 0; i < RULE_COUNT_; i++)
        if (!strcmp(rules[i].id, id))
            return i;
    return -1;
}

void audit_opts_default(audit_opts *o)
{
    int i;
    for (i = 0; i < RULE_COUNT_; i++)
        o->severity[i] = rules[i].severity;
    o->overdue_days = 30;
    o->min_visits = 5;
    o->fingerprint_bits = 64;
}

error_code audit_opts_set(audit_opts *o, const char *spec, char **msg)
{
    const char *eq = spec ? strchr(spec, '=') : NULL;
    char *name = NULL, *m = NULL;
    buf_t list = BUF_INIT;
    int r = -1, i;
    audit_severity s = AUDIT_OFF;
    error_code rc = ERR_NOMEM;

    if (!eq) {
        m = error_format(
            _("\"%s\" is not a rule setting: write RULE=off, "
              "RULE=warning or RULE=error, e.g. cadre-few-visits=off"),
            spec ? spec : "");
        rc = ERR_USAGE;
        goto fail;
    }
    if (!(name = strndup(spec, (size_t)(eq - spec))))
        goto fail;
    if ((r = audit_rule_find(name)) < 0) {
        for (i = 0; i < RULE_COUNT_; i++)
            buf_printf(&list, "%s%s", i ? ", " : "", rules[i].id);
        if (buf_error(&list) != ERR_OK)
            goto fail;
        m = !strcmp(name, "schema")
                ? error_format(
                      _("schema errors cannot be turned off or down: an "
                        "invalid register is never counted"))
                : error_format(_("unknown audit rule \"%s\": the rules are %s"),
                               name, buf_str(&list));
        rc = ERR_USAGE;
        goto fail;
    }
    if (!strcmp(eq + 1, "off"))
        s = AUDIT_OFF;
    else if (!strcmp(eq + 1, "warning"))
        s = AUDIT_WARNING;
    else if (!strcmp(eq + 1, "error"))
        s = AUDIT_ERROR;
    else {
        m = error_format(
            _("rule %s: \"%s\" is not a severity: write off, warning "
              "or error"),
            name, eq + 1);
        rc = ERR_USAGE;
        goto fail;
    }
    o->severity[r] = s;
    rc = ERR_OK;
fail:
    /* a message that could not be built leaves *msg NULL: no memory */
    if (rc != ERR_OK && msg)
        *msg = m;
    else
        free(m);
    free(name);
    buf_free(&list);
    return rc;
}

/* ---- helpers ------------------------------------------------------------ */

/* YYYY-MM-DD of DAYS since 1970-01-01 (H. Hinnant's civil_from_days). */
static const char *fmt_date(char *buf, size_t size, int32_t days)
{
    int64_t z = (int64_t)days + 719468, era, doe, yoe, doy, mp, d, m, y;
    if (days == RD_NO_DATE) {
        /* an argument of a finding, recorded as it is (a date the
         * validator let through cannot be missing: never seen) */
        snprintf(buf, size, "(no date)"); /* i18n: not prose */
        return buf;
    }
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999 || size < 11) {
        snprintf(buf, size, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
        return buf;
    }
    /* by hand: snprintf was a tenth of a dense register's audit */
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

/* fmt_date through A's memo SLOT: a date met again (the register's report
 * date, a visit's date for each of its items) is not written again. */
static const char *date_text(audit_reg *a, int slot, int32_t days)
{
    struct date_memo *m = &a->dates[slot];
    if (!m->set || m->days != days) {
        fmt_date(m->text, sizeof m->text, days);
        m->days = days;
        m->set = 1;
    }
    return m->text;
}

/* An index as a non-zero table value, and back. */
static uint32_t index_value(size_t i)
{
    return (uint32_t)(i + 1);
}

static size_t value_index(uint32_t v)
{
    return (size_t)v - 1;
}

/* Whether NFKC leaves S as it is because every character of it is ASCII
 * or a CJK unified ideograph (U+4E00 to U+9FFF): none of them has a
 * decomposition or composes with a neighbour. Nearly every address is
 * such, and u8_normalize cost 5,000 instructions an address. */
static int nfkc_stable(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
        } else if (p[0] >= 0xE4 && p[0] <= 0xE9 && (p[1] & 0xC0) == 0x80 &&
                   (p[2] & 0xC0) == 0x80 && (p[0] != 0xE4 || p[1] >= 0xB8)) {
            p += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

/* The first ADDR_DIGEST bytes of the XXH3-128 of S in NFKC with whitespace
 * collapsed (runs to one space, none at either end): 128 bits, so that two
 * of a million addresses share them with odds of 1 in 10^26. NFKC makes
 * U+3000 and the other Unicode spaces U+0020, full-width digits ASCII,
 * and compatibility ideographs their unified ones. A hash made to resist
 * forged collisions (SHA-256, which this was, at 0.8% of a check) would
 * buy nothing here: whoever could forge two addresses that collide could
 * as well type one address twice. The normalized and collapsed copies
 * live only here and are wiped before they are let go. Returns 0, or -1
 * on no memory. A string that is not UTF-8 (it cannot be: the reader
 * validates every byte) is hashed as it is. */
static int address_digest(const char *s, uint8_t *out)
{
    size_t len = 0, n = 0, i;
    int stable = nfkc_stable(s);
    uint8_t *norm = stable ? NULL
                           : u8_normalize(UNINORM_NFKC, (const uint8_t *)s,
                                          strlen(s), NULL, &len);
    const char *p, *b, *end;
    char small[256], *c = small;
    volatile char *w;
    XXH128_canonical_t h;

    if (!stable && !norm && errno == ENOMEM)
        return -1;
    p = norm ? (const char *)norm : s;
    end = norm ? p + len : s + strlen(s);
    if ((size_t)(end - p) > sizeof small && !(c = malloc((size_t)(end - p))))
        goto done;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (p >= end)
            break;
        b = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        if (n)
            c[n++] = ' ';
        memcpy(c + n, b, (size_t)(p - b));
        n += (size_t)(p - b);
    }
    XXH128_canonicalFromHash(&h, XXH3_128bits(c, n));
    memcpy(out, h.digest, ADDR_DIGEST);
    for (w = c, i = 0; i < n; i++)
        w[i] = 0;
    if (c != small)
        free(c);
done:
    if (norm) {
        for (w = (volatile char *)norm, i = 0; i < len; i++)
            w[i] = 0;
        free(norm);
    }
    return c ? 0 : -1;
}

static int blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* Records a finding of rule R in S unless the rule is off: the ids and
 * the message's arguments are copied, the message (FMT, or FMT and PLURAL
 * chosen by N when PLURAL is not NULL) formatted only when the store is
 * read, in the language of where it goes (diag.h): FMT is marked N_(),
 * not translated here. 0, or -1 on failure (the store keeps which). */
static int add_finding_v(diag_store *s, const audit_opts *o,
                         const char *community, audit_rule r, unsigned line,
                         unsigned col, const char *household, const char *visit,
                         const char *item, const char *cadre, const char *fmt,
                         const char *plural, unsigned long n, va_list ap)
{
    diag d = {0};

    if (o->severity[r] == AUDIT_OFF)
        return 0;
    d.line = line;
    d.col = col;
    d.severity = o->severity[r] == AUDIT_WARNING ? DIAG_WARNING : DIAG_ERROR;
    d.rule = (char *)rules[r].id;
    d.community = (char *)community;
    d.household = (char *)household;
    d.visit = (char *)visit;
    d.item = (char *)item;
    d.cadre = (char *)cadre;
    return (plural ? diag_store_vaddn(s, &d, fmt, plural, n, ap)
                   : diag_store_vadd(s, &d, fmt, ap)) == ERR_OK
               ? 0
               : -1;
}

static int add_finding(diag_store *s, const audit_opts *o,
                       const char *community, audit_rule r, unsigned line,
                       unsigned col, const char *household, const char *visit,
                       const char *item, const char *cadre, const char *fmt,
                       ...) __attribute__((format(printf, 11, 12)));
static int add_finding(diag_store *s, const audit_opts *o,
                       const char *community, audit_rule r, unsigned line,
                       unsigned col, const char *household, const char *visit,
                       const char *item, const char *cadre, const char *fmt,
                       ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = add_finding_v(s, o, community, r, line, col, household, visit, item,
                       cadre, fmt, NULL, 0, ap);
    va_end(ap);
    return rc;
}

/* The same with a singular and a plural form, N choosing (ngettext). */
static int add_finding_n(diag_store *s, const audit_opts *o,
                         const char *community, audit_rule r, unsigned line,
                         unsigned col, const char *cadre, const char *singular,
                         const char *plural, unsigned long n, ...)
    __attribute__((format(printf, 8, 11), format(printf, 9, 11)));
static int add_finding_n(diag_store *s, const audit_opts *o,
                         const char *community, audit_rule r, unsigned line,
                         unsigned col, const char *cadre, const char *singular,
                         const char *plural, unsigned long n, ...)
{
    va_list ap;
    int rc;
    va_start(ap, n);
    rc = add_finding_v(s, o, community, r, line, col, NULL, NULL, NULL, cadre,
                       singular, plural, n, ap);
    va_end(ap);
    return rc;
}

static int on(const audit_reg *a, audit_rule r)
{
    return a->o->severity[r] != AUDIT_OFF;
}

/* A finding of the register being streamed. A rule switched off makes
 * nothing of its arguments (overdue-item's dates are formatted there). */
#define FIND(a, r, line, col, hh, visit, item, cadre, ...)                     \
    (on((a), (r))                                                              \
         ? add_finding((a)->sink, (a)->o, (a)->community, (r), (line), (col),  \
                       (hh), (visit), (item), (cadre), __VA_ARGS__)            \
         : 0)

/* ---- lifetime ----------------------------------------------------------- */

audit_reg *audit_reg_new(const audit_opts *o, const vocab_t *vocab,
                         const char *path, diag_store *sink)
{
    audit_reg *a = calloc(1, sizeof *a);
    if (!a)
        goto fail;
    a->sink = sink;
    if (!sink) {
        if (!(a->sink = diag_store_new(path, 0)))
            goto fail;
        a->own_sink = 1;
    }
    a->o = o;
    a->vocab = vocab;
    a->path = path;
    a->kind_first = vocab_index(vocab, "visitKind", "first");
    a->kind_follow_up = vocab_index(vocab, "visitKind", "follow-up");
    a->kind_regular = vocab_index(vocab, "visitKind", "regular");
    a->st_pending = vocab_index(vocab, "status", "pending");
    a->st_assigned = vocab_index(vocab, "status", "assigned");
    a->st_reported = vocab_index(vocab, "status", "reported");
    a->start = a->end = a->reported = RD_NO_DATE;
    a->streaming = 1;
    fpbag_init(&a->ids);
    htab_init(&a->suspects, o->fingerprint_bits, 0);
    htab_init(&a->exact, o->fingerprint_bits, 1);
    htab_init(&a->cadre_ix, o->fingerprint_bits, 1);
    htab_init(&a->addrs, o->fingerprint_bits, 1);
    return a;
fail:
    audit_reg_free(a);
    return NULL;
}

/* Frees what only the streaming pass needs. */
static void stream_state_free(audit_reg *a)
{
    a->streaming = 0;
    a->confirming = 0;
    fpbag_free(&a->ids);
    htab_free(&a->suspects);
    htab_free(&a->exact);
    htab_free(&a->cadre_ix);
    htab_free(&a->addrs);
    free(a->firsts);
    a->firsts = NULL;
    a->n_firsts = a->cap_firsts = 0;
    arena_free(&a->suspect_ids);
    free(a->cadres);
    a->cadres = NULL;
    a->n_cadres = 0;
    free(a->uses);
    a->uses = NULL;
    a->cap_uses = 0;
}

void audit_reg_free(audit_reg *a)
{
    if (!a)
        return;
    stream_state_free(a);
    arena_free(&a->strings);
    free(a->community);
    free(a->hh);
    free(a->hh_ids);
    if (a->own_sink)
        diag_store_free(a->sink);
    free(a);
}

/* ---- duplicate ids ------------------------------------------------------ */

/* Does the first use at index VAL - 1 carry the id CTX? */
static int same_first(const void *ctx, uint32_t val)
{
    const audit_reg *a = *(const audit_reg *const *)ctx;
    const char *id = ((const char *const *)ctx)[1];
    return !strcmp(a->firsts[value_index(val)].id, id);
}

/* Checks U against the ids seen so far and records it. 0 or -1.
 *
 * First pass: the id's fingerprint joins the ids table; a fingerprint met
 * before is only suspected (a duplicate id, or two ids that share a
 * fingerprint) and joins the suspects. Confirming pass: the ids whose
 * fingerprint is a suspect are compared exactly, key by key, and only a
 * real second use is a finding. */
static int check_id(audit_reg *a, const char *household, const id_use *u)
{
    uint64_t fp;
    uint32_t prev;
    if (!u->id)
        return 0;
    fp = u->fp ? u->fp : htab_fingerprint(&a->suspects, u->id, NULL);
    if (!a->confirming)
        return fpbag_add(&a->ids, fp);
    if (htab_find(&a->suspects, fp, NULL, NULL)) {
        const void *ctx[2] = {a, u->id};
        htab_key key = {same_first, ctx};
        first_use *f;
        if (htab_find(&a->exact, fp, &key, &prev)) {
            f = &a->firsts[value_index(prev)];
            return FIND(
                a, RULE_DUPLICATE_ID, u->line, u->col, household, u->visit,
                u->item, u->kind == K_CADRE ? u->id : NULL,
                N_("%-s id %s is already used by the %-s at line %u: ids "
                   "must be unique within a register; give one of them "
                   "a new id"),
                kind_name[u->kind], u->id, kind_name[f->kind], f->line);
        }
        if (GROW(a->firsts, a->n_firsts + 1, a->cap_firsts) != ERR_OK)
            return -1;
        f = &a->firsts[a->n_firsts];
        if (!(f->id = arena_strndup(&a->suspect_ids, u->id, strlen(u->id))))
            return -1;
        f->line = u->line;
        f->kind = u->kind;
        a->n_firsts++;
        if (htab_find_or_add(&a->exact, fp, &key, index_value(a->n_firsts - 1),
                             &prev) < 0)
            return -1;
    }
    return 0;
}

/* fpbag_dups's callback: FP was met twice. */
static int add_suspect(void *ctx, uint64_t fp)
{
    audit_reg *a = ctx;
    uint32_t prev;
    return htab_find_or_add(&a->suspects, fp, NULL, 1, &prev) < 0;
}

int audit_reg_suspects(audit_reg *a)
{
    if (!a->streaming || a->confirming)
        return 0;
    if (!a->bagged) {
        int rc = fpbag_dups(&a->ids, add_suspect, a);
        fpbag_free(&a->ids); /* what it told is in the suspects */
        a->bagged = 1;
        if (rc < 0) {
            htab_free(&a->suspects);
            return -1;
        }
    }
    return a->suspects.n > 0;
}

void audit_reg_confirm(audit_reg *a)
{
    if (audit_reg_suspects(a) > 0)
        a->confirming = 1;
}

static int cmp_use(const void *x, const void *y)
{
    const id_use *p = x, *q = y;
    if (p->line != q->line)
        return p->line < q->line ? -1 : 1;
    if (p->col != q->col)
        return p->col < q->col ? -1 : 1;
    return 0;
}

/* Up to this many ids, a household's are sorted by insertion, cmp_use
 * called directly (and so inlined), not through qsort's pointer: qsort's
 * calls were 0.7% of a dense build. */
#define USES_INSERTION 32

/* The ids of household H in document order in a->uses, fingerprinted
 * (household_ids_check puts them in the bag, or, in the confirming pass,
 * compares the suspected ones). They come in document order already
 * unless the household has two visits or more (the reader lists members,
 * visits, forms and items each in order, and a visit holds its forms and
 * items): sorted only when they are not. */
static int household_ids(audit_reg *a, const rd_household *h)
{
    size_t n = 1 + h->n_members + h->n_visits + h->n_forms + h->n_items, k = 0,
           i;
    id_use *u;
    int sorted = 1;

    a->n_uses = 0;
    if (GROW(a->uses, n, a->cap_uses) != ERR_OK)
        return -1;
    u = a->uses;
    u[k++] = (id_use){h->id, NULL, NULL, K_HOUSEHOLD, h->line, h->col, 0};
    for (i = 0; i < h->n_members; i++)
        u[k++] = (id_use){
            h->members[i].id,  NULL, NULL, K_MEMBER, h->members[i].line,
            h->members[i].col, 0};
    for (i = 0; i < h->n_visits; i++)
        u[k++] = (id_use){h->visits[i].id,   h->visits[i].id,  NULL, K_VISIT,
                          h->visits[i].line, h->visits[i].col, 0};
    for (i = 0; i < h->n_forms; i++) {
        const rd_form *f = &h->forms[i];
        const char *v = f->visit < h->n_visits ? h->visits[f->visit].id : NULL;
        u[k++] = (id_use){f->id, v, NULL, K_FORM, f->line, f->col, 0};
    }
    for (i = 0; i < h->n_items; i++) {
        const rd_item *it = &h->items[i];
        const char *v = NULL;
        if (it->form < h->n_forms && h->forms[it->form].visit < h->n_visits)
            v = h->visits[h->forms[it->form].visit].id;
        u[k++] = (id_use){it->id,   v,
                          it->id,   it->suggestion ? K_SUGGESTION : K_OPINION,
                          it->line, it->col,
                          0};
    }
    for (i = 1; i < k && sorted; i++)
        sorted = cmp_use(&u[i - 1], &u[i]) <= 0;
    if (!sorted && k > USES_INSERTION)
        qsort(u, k, sizeof *u, cmp_use);
    else if (!sorted)
        for (i = 1; i < k; i++) { /* few: by insertion, cmp_use inlined */
            id_use x = u[i];
            size_t j = i;
            for (; j > 0 && cmp_use(&u[j - 1], &x) > 0; j--)
                u[j] = u[j - 1];
            u[j] = x;
        }
    for (i = 0; i < k; i++)
        if (u[i].id)
            u[i].fp = htab_fingerprint(&a->suspects, u[i].id, NULL);
    a->n_uses = k;
    return 0;
}

/* Checks the ids household_ids listed, in that order. */
static int household_ids_check(audit_reg *a, const rd_household *h)
{
    size_t i;
    for (i = 0; i < a->n_uses; i++)
        if (check_id(a, h->id, &a->uses[i]) < 0)
            return -1;
    a->n_uses = 0;
    return 0;
}

/* ---- the head ----------------------------------------------------------- */

/* Does the cadre at index VAL - 1 have the id CTX? */
static int same_cadre(const void *ctx, uint32_t val)
{
    const audit_reg *a = *(const audit_reg *const *)ctx;
    const char *id = ((const char *const *)ctx)[1];
    return !strcmp(a->cadres[value_index(val)].id, id);
}

/* The cadre with id ID, or NULL. */
static cadre_rec *find_cadre(const audit_reg *a, const char *id)
{
    const void *ctx[2] = {a, id};
    htab_key key = {same_cadre, ctx};
    uint32_t v;
    if (!id || !htab_find(&a->cadre_ix,
                          htab_fingerprint(&a->cadre_ix, id, NULL), &key, &v))
        return NULL;
    return &a->cadres[value_index(v)];
}

int audit_head(audit_reg *a, const rd_head *h)
{
    size_t i;
    if (a->confirming) { /* the second pass: the cadres' ids only */
        for (i = 0; i < h->n_cadres; i++) {
            const rd_cadre *c = &h->cadres[i];
            id_use u = {c->id, NULL, NULL, K_CADRE, c->line, c->col, 0};
            if (check_id(a, NULL, &u) < 0)
                return -1;
        }
        return 0;
    }
    if (a->community || !a->streaming)
        return 0; /* once per register */
    if (!(a->community = strdup(h->community.code ? h->community.code : "")))
        goto fail;
    a->start = h->campaign.start;
    a->end = h->campaign.end;
    a->reported = h->campaign.reported;
    a->file_size = h->file_size;
    if (h->n_cadres && !(a->cadres = calloc(h->n_cadres, sizeof *a->cadres)))
        goto fail;
    for (i = 0; i < h->n_cadres; i++) {
        const rd_cadre *c = &h->cadres[i];
        id_use u = {c->id, NULL, NULL, K_CADRE, c->line, c->col, 0};
        const void *ctx[2] = {a, c->id};
        htab_key key = {same_cadre, ctx};
        uint32_t prev;
        if (!c->id)
            continue;
        if (on(a, RULE_DUPLICATE_ID) && check_id(a, NULL, &u) < 0)
            goto fail;
        if (find_cadre(a, c->id))
            continue; /* a second cadre with that id: duplicate-id says so */
        if (!(a->cadres[a->n_cadres].id =
                  arena_strndup(&a->strings, c->id, strlen(c->id))))
            goto fail;
        a->cadres[a->n_cadres].line = c->line;
        a->cadres[a->n_cadres].col = c->col;
        if (htab_find_or_add(&a->cadre_ix,
                             htab_fingerprint(&a->cadre_ix, c->id, NULL), &key,
                             index_value(a->n_cadres), &prev) < 0)
            goto fail;
        a->n_cadres++;
    }
    return 0;
fail:
    return -1;
}

/* ---- one household ------------------------------------------------------ */

/* A follow-up or regular visit (needs a first visit before it). */
static int is_follow(const audit_reg *a, int kind)
{
    return kind >= 0 && a->kind_first >= 0 &&
           (kind == a->kind_follow_up || kind == a->kind_regular);
}

/* The register's values findings name (visit kinds, statuses) as words
 * (%-s): each is its own message id, so it is translated with the
 * message; a value not listed here (another schema) is shown as it is. */
static const char *value_word(const char *v)
{
    static const char *const words[] = {
        N_("first"),    N_("follow-up"), N_("regular"),  N_("pending"),
        N_("assigned"), N_("reported"),  N_("resolved"), N_("explained")};
    size_t i;
    for (i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(v, words[i]))
            return words[i];
    return v;
}

static const char *kind_value(const audit_reg *a, int kind)
{
    size_t n;
    const vocab_item *it = vocab_enum(a->vocab, "visitKind", &n);
    return it && kind >= 0 && (size_t)kind < n ? value_word(it[kind].value)
                                               : N_("visit");
}

static const char *status_value(const audit_reg *a, int status)
{
    size_t n;
    const vocab_item *it = vocab_enum(a->vocab, "status", &n);
    return it && status >= 0 && (size_t)status < n
               ? value_word(it[status].value)
               : N_("open");
}

/* The responsible cadre, the visits at all, the special groups. */
static int household_rules(audit_reg *a, const rd_household *h)
{
    size_t i;
    const rd_member *special = NULL;
    int followed = 0;

    if (!h->cadre) {
        if (FIND(a, RULE_NO_RESPONSIBLE_CADRE, h->line, h->col, h->id, NULL,
                 NULL, NULL,
                 N_("household %s has no responsible cadre: add cadre=\"...\" "
                    "naming the cadre responsible for it"),
                 h->id) < 0)
            return -1;
    } else if (!find_cadre(a, h->cadre)) {
        if (FIND(
                a, RULE_UNKNOWN_CADRE, h->line, h->col, h->id, NULL, NULL,
                h->cadre,
                N_("household %s names responsible cadre %s, who is not in the "
                   "cadres list: correct the id or add the cadre to <cadres>"),
                h->id, h->cadre) < 0)
            return -1;
    }
    if (!h->n_visits &&
        FIND(a, RULE_HOUSEHOLD_NOT_VISITED, h->line, h->col, h->id, NULL, NULL,
             NULL,
             N_("household %s has no visit: visit it, or record the visits "
                "made to it"),
             h->id) < 0)
        return -1;
    for (i = 0; i < h->n_members && !special; i++)
        if (h->members[i].groups)
            special = &h->members[i];
    for (i = 0; i < h->n_visits && !followed; i++)
        followed = is_follow(a, h->visits[i].kind);
    if (special && !followed &&
        FIND(
            a, RULE_SPECIAL_GROUP_NOT_FOLLOWED_UP, h->line, h->col, h->id, NULL,
            NULL, NULL,
            N_("household %s has a member in a special group (%s) but no "
               "follow-up or regular visit: follow it up and record the visit"),
            h->id, special->id) < 0)
        return -1;
    return 0;
}

/* Keeps the household's key for audit_batch; finds the same address twice
 * in this register. */
/* Does the household at index VAL - 1 have the address digest CTX? */
static int same_addr(const void *ctx, uint32_t val)
{
    const audit_reg *a = *(const audit_reg *const *)ctx;
    const uint8_t *addr = ((const void *const *)ctx)[1];
    return !memcmp(a->hh[value_index(val)].addr, addr, ADDR_DIGEST);
}

/* The id of household K. */
static const char *hh_id(const audit_reg *a, const hh_rec *k)
{
    return a->hh_ids + k->id;
}

/* Copies ID to the packed household ids; its offset, or UINT32_MAX on no
 * memory (or past 4 GB of ids). */
static uint32_t hh_id_add(audit_reg *a, const char *id)
{
    size_t len = strlen(id) + 1, at = a->n_hh_ids;
    if (at + len >= UINT32_MAX)
        return UINT32_MAX;
    if (GROW(a->hh_ids, at + len, a->cap_hh_ids) != ERR_OK)
        return UINT32_MAX;
    memcpy(a->hh_ids + at, id, len);
    a->n_hh_ids += len;
    return (uint32_t)at;
}

static int household_key(audit_reg *a, const rd_household *h)
{
    hh_rec *k;

    if (a->n_hh >= UINT32_MAX - 1)
        return -1; /* table values are 32 bits */
    if (GROW(a->hh, a->n_hh + 1, a->cap_hh) != ERR_OK)
        return -1;
    k = &a->hh[a->n_hh];
    memset(k, 0, sizeof *k);
    if ((k->id = hh_id_add(a, h->id)) == UINT32_MAX)
        return -1;
    k->line = h->line;
    k->col = h->col;
    a->n_hh++;
    if (!h->address)
        return 0;
    k->has_addr = 1;
    a->n_hh_addr++;
    if (address_digest(h->address, k->addr) < 0)
        return -1;
    a->addr_fp = htab_fingerprint_bytes(&a->addrs, "", k->addr, sizeof k->addr);
    htab_prefetch(&a->addrs, a->addr_fp);
    return 0;
}

/* The address household_key kept (if any) against the addresses seen
 * before: after the household's other rules, as for its ids. */
static int household_key_check(audit_reg *a, const rd_household *h)
{
    hh_rec *k;
    const void *ctx[2];
    htab_key key = {same_addr, ctx};
    uint32_t prev;
    uint64_t fp = a->addr_fp;

    if (!fp)
        return 0;
    a->addr_fp = 0;
    k = &a->hh[a->n_hh - 1];
    ctx[0] = a;
    ctx[1] = k->addr;
    if (htab_find_or_add(&a->addrs, fp, &key, index_value(a->n_hh - 1), &prev) <
        0)
        return -1;
    if (prev) {
        const hh_rec *first = &a->hh[value_index(prev)];
        k->dup_in_reg = 1;
        return FIND(a, RULE_DUPLICATE_HOUSEHOLD, h->line, h->col, h->id, NULL,
                    NULL, NULL,
                    N_("household %s has the same address as household %s at "
                       "line %u: a household is registered once; merge the two "
                       "entries or correct the address"),
                    h->id, hh_id(a, first), first->line);
    }
    return 0;
}

/* Cadres in `by`: known ones are counted once per visit, unknown ones
 * reported once per visit. */
static int visit_cadres(audit_reg *a, const rd_household *h, const rd_visit *v)
{
    size_t i, j;
    unsigned long serial = ++a->serial;
    for (i = 0; i < v->n_by; i++) {
        const char *id = v->by[i];
        cadre_rec *c = find_cadre(a, id);
        if (c) {
            if (c->stamp != serial) {
                c->stamp = serial;
                c->visits++;
            }
            continue;
        }
        /* named twice in the same visit: reported once (a handful of
         * names, compared exactly) */
        for (j = 0; j < i && strcmp(v->by[j], id); j++)
            ;
        if (j < i)
            continue;
        if (FIND(a, RULE_UNKNOWN_CADRE, v->line, v->col, h->id, v->id, NULL, id,
                 N_("visit %s of household %s names cadre %s in by, who is not "
                    "in the cadres list: correct the id or add the cadre to "
                    "<cadres>"),
                 v->id, h->id, id) < 0)
            return -1;
    }
    return 0;
}

static int visit_rules(audit_reg *a, const rd_household *h)
{
    size_t i;
    int32_t first_min = INT32_MAX, prefix_min = INT32_MAX;
    char d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF];

    /* the earliest first visit anywhere in the household */
    for (i = 0; i < h->n_visits; i++)
        if (h->visits[i].kind == a->kind_first &&
            h->visits[i].date != RD_NO_DATE && h->visits[i].date < first_min)
            first_min = h->visits[i].date;

    for (i = 0; i < h->n_visits; i++) {
        const rd_visit *v = &h->visits[i];
        if (visit_cadres(a, h, v) < 0)
            return -1;
        if (v->date != RD_NO_DATE &&
            ((a->start != RD_NO_DATE && v->date < a->start) ||
             (a->end != RD_NO_DATE && v->date > a->end)) &&
            FIND(
                a, RULE_VISIT_OUTSIDE_CAMPAIGN, v->line, v->col, h->id, v->id,
                NULL, NULL,
                N_("visit %s of household %s is dated %s, outside the campaign "
                   "(%s to %s): correct the date, or leave the visit out of "
                   "this campaign's register"),
                v->id, h->id, fmt_date(d1, sizeof d1, v->date),
                fmt_date(d2, sizeof d2, a->start),
                fmt_date(d3, sizeof d3, a->end)) < 0)
            return -1;
        /* a first visit strictly earlier, or on the same day listed before */
        if (is_follow(a, v->kind) && v->date != RD_NO_DATE &&
            !(first_min < v->date || prefix_min <= v->date) &&
            FIND(a, RULE_FOLLOW_UP_WITHOUT_FIRST, v->line, v->col, h->id, v->id,
                 NULL, NULL,
                 N_("%-s visit %s of household %s (%s) has no earlier first "
                    "visit "
                    "in the household: record the first visit, or correct this "
                    "visit's kind or date"),
                 kind_value(a, v->kind), v->id, h->id,
                 fmt_date(d1, sizeof d1, v->date)) < 0)
            return -1;
        if (v->kind == a->kind_first && v->date != RD_NO_DATE &&
            v->date < prefix_min)
            prefix_min = v->date;
    }
    return 0;
}

static int item_rules(audit_reg *a, const rd_household *h)
{
    size_t i;
    char d1[DATE_BUF], d2[DATE_BUF];

    for (i = 0; i < h->n_items; i++) {
        const rd_item *it = &h->items[i];
        const rd_visit *v;
        const char *what = it->suggestion ? N_("suggestion") : N_("opinion");
        int open = it->status >= 0 && (it->status == a->st_pending ||
                                       it->status == a->st_assigned ||
                                       it->status == a->st_reported);
        if (it->form >= h->n_forms || h->forms[it->form].visit >= h->n_visits)
            continue;
        v = &h->visits[h->forms[it->form].visit];
        if (it->closed != RD_NO_DATE && v->date != RD_NO_DATE &&
            it->closed < v->date &&
            FIND(a, RULE_CLOSED_BEFORE_VISIT, it->line, it->col, h->id, v->id,
                 it->id, NULL,
                 N_("%-s %s (visit %s, household %s) was closed on %s, before "
                    "its "
                    "visit on %s: correct the closed date or the visit date"),
                 what, it->id, v->id, h->id,
                 fmt_date(d1, sizeof d1, it->closed),
                 fmt_date(d2, sizeof d2, v->date)) < 0)
            return -1;
        if (it->status >= 0 && it->status == a->st_reported && blank(it->to) &&
            FIND(a, RULE_REPORTED_WITHOUT_TARGET, it->line, it->col, h->id,
                 v->id, it->id, NULL,
                 N_("%-s %s (visit %s, household %s) is reported but does not "
                    "say "
                    "where to: add to=\"...\" naming the office or department "
                    "it "
                    "was reported to"),
                 what, it->id, v->id, h->id) < 0)
            return -1;
        if (open && v->date != RD_NO_DATE && a->reported != RD_NO_DATE &&
            (int64_t)a->reported - v->date > a->o->overdue_days &&
            FIND(a, RULE_OVERDUE_ITEM, it->line, it->col, h->id, v->id, it->id,
                 NULL,
                 N_("%-s %s (visit %s on %s, household %s) is still %-s %ld "
                    "days "
                    "after its visit, as of %s (limit %d days): resolve or "
                    "explain it, or record its present status"),
                 what, it->id, v->id, date_text(a, 0, v->date), h->id,
                 status_value(a, it->status),
                 (long)((int64_t)a->reported - v->date),
                 date_text(a, 1, a->reported), a->o->overdue_days) < 0)
            return -1;
    }
    return 0;
}

static int service_rules(audit_reg *a, const rd_household *h)
{
    xmlHashTablePtr members = NULL;
    size_t i, j;
    int rc = -1;

    if (!h->n_services || !on(a, RULE_UNKNOWN_MEMBER))
        return 0;
    /* households are small: a hash only when linear search would hurt */
    if (h->n_members > 16) {
        if (!(members = xmlHashCreate((int)h->n_members)))
            goto fail;
        for (i = 0; i < h->n_members; i++)
            if (h->members[i].id &&
                !xmlHashLookup(members, (const xmlChar *)h->members[i].id) &&
                xmlHashAddEntry(members, (const xmlChar *)h->members[i].id,
                                (void *)&h->members[i]) < 0)
                goto fail;
    }
    for (i = 0; i < h->n_services; i++) {
        const rd_service *s = &h->services[i];
        const char *vid = s->visit < h->n_visits ? h->visits[s->visit].id : "?";
        int found = 0;
        if (!s->member)
            continue;
        if (members)
            found = xmlHashLookup(members, (const xmlChar *)s->member) != NULL;
        else
            for (j = 0; j < h->n_members && !found; j++)
                found =
                    h->members[j].id && !strcmp(h->members[j].id, s->member);
        if (!found &&
            FIND(a, RULE_UNKNOWN_MEMBER, s->line, s->col, h->id, vid, NULL,
                 NULL,
                 N_("a service in visit %s of household %s is for member %s, "
                    "who is not a member of that household: correct the member "
                    "id or add the member to the household"),
                 vid, h->id, s->member) < 0)
            goto fail;
    }
    rc = 0;
fail:
    xmlHashFree(members, NULL);
    return rc;
}

/* The ids and addresses tables sized at once for the whole register, once
 * a sixteenth of it is read: what that part put in them, times the
 * register's size over what was read, and a sixteenth more. Growing them by
 * halves instead moves every entry two or three times over, and in a
 * 1,000,000-household register the ids table is 70 MB. A register whose
 * later part holds fewer ids per byte gets a table that much emptier (it
 * cannot be bigger than 17 times what the part read put in it); one with
 * more grows on from there. Small registers are left to grow. A failure
 * (no memory) leaves the tables to grow as before. */
#define SIZE_TABLES_MIN ((uint64_t)4 << 20)
static void size_tables(audit_reg *a, uint64_t read)
{
    double scale = (double)a->file_size / (double)read * 1.0625;
    a->sized = 1;
    (void)fpbag_reserve(&a->ids, (size_t)((double)a->ids.n * scale));
    (void)htab_reserve(&a->addrs, (size_t)((double)a->addrs.n * scale));
    (void)RESERVE_HUGE(a->hh, (size_t)((double)a->n_hh * scale), a->cap_hh);
    (void)RESERVE_HUGE(a->hh_ids, (size_t)((double)a->n_hh_ids * scale),
                       a->cap_hh_ids);
}

int audit_household(audit_reg *a, const rd_household *h)
{
    if (!a->streaming || !h->id)
        return 0; /* finished already, or nothing to name it by */
    if (!a->sized && !a->confirming && a->file_size >= SIZE_TABLES_MIN &&
        h->read >= a->file_size / 16)
        size_tables(a, h->read);
    /* the household's findings are one group: sorted, then streamed */
    diag_store_begin(a->sink);
    if (a->confirming) { /* the second pass: ids only */
        if (household_ids(a, h) < 0 || household_ids_check(a, h) < 0)
            goto fail;
    } else if ((on(a, RULE_DUPLICATE_ID) && household_ids(a, h) < 0) ||
               household_rules(a, h) < 0 || household_key(a, h) < 0 ||
               visit_rules(a, h) < 0 || item_rules(a, h) < 0 ||
               service_rules(a, h) < 0 || household_ids_check(a, h) < 0 ||
               household_key_check(a, h) < 0)
        goto fail; /* the address last: its slot was fetched meanwhile */
    return diag_store_end(a->sink) == ERR_OK ? 0 : -1;
fail:
    diag_store_end(a->sink);
    return -1;
}

/* ---- end of register ---------------------------------------------------- */

error_code audit_reg_finish(audit_reg *a, diag_list *out)
{
    size_t i;
    error_code rc;
    if (!a->finished) {
        a->finished = 1;
        diag_store_begin(a->sink);
        for (i = 0; i < a->n_cadres; i++) {
            const cadre_rec *c = &a->cadres[i];
            const char *id = c->id;
            if (c->visits < (unsigned long)(a->o->min_visits > 0
                                                ? a->o->min_visits
                                                : 0) &&
                add_finding_n(
                    a->sink, a->o, a->community, RULE_CADRE_FEW_VISITS, c->line,
                    c->col, id,
                    NP_("cadre %s took part in %lu visit, fewer than %d: "
                        "check that all the cadre's visits are recorded, or "
                        "give the cadre more households to visit",
                        "cadre %s took part in %lu visits, fewer than %d: "
                        "check that all the cadre's visits are recorded, or "
                        "give the cadre more households to visit"),
                    c->visits, id, c->visits, a->o->min_visits) < 0)
                break;
        }
        stream_state_free(a);
        if ((rc = diag_store_end(a->sink)) != ERR_OK)
            return rc;
    }
    return out ? diag_store_drain(a->sink, out) : diag_store_error(a->sink);
}

/* ---- the batch ---------------------------------------------------------- */

static int cmp_reg(const void *x, const void *y)
{
    const audit_reg *p = *(audit_reg *const *)x, *q = *(audit_reg *const *)y;
    int c = strcmp(p->path ? p->path : "", q->path ? q->path : "");
    if (c)
        return c;
    c = strcmp(p->community ? p->community : "",
               q->community ? q->community : "");
    if (c)
        return c;
    return p->n_hh < q->n_hh ? -1 : p->n_hh > q->n_hh;
}

/* The register (index into REGS) holding global household index G, given
 * the first global index of each register in BASE. */
static size_t owner_of(const size_t *base, size_t n, size_t g)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (base[mid] <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The batch rules' state (audit.h): every household of the registers
 * added so far, in two tables keyed by (community, id) and (community,
 * address digest); a table's value is the household's global index + 1,
 * global indexes counting the registers' households in the order they
 * were added (BASE: the first of each). */
struct audit_batcher {
    const audit_opts *o;
    audit_reg **r;
    size_t *base;
    size_t n, cap_r, cap_base, total;
    htab by_id, by_addr;
    int off; /* duplicate-household is off: nothing to do */
};

/* What the tables look for: the household of global index VAL - 1 has
 * this community and this id (or address digest). */
typedef struct {
    const audit_batcher *b;
    const char *code, *id;
    const uint8_t *addr;
} batch_key;

static const hh_rec *batch_rec(const audit_batcher *b, uint32_t val,
                               const char **code, const char **id)
{
    size_t g = value_index(val), o = owner_of(b->base, b->n, g);
    const hh_rec *k = &b->r[o]->hh[g - b->base[o]];
    *code = b->r[o]->community;
    *id = hh_id(b->r[o], k);
    return k;
}

static int same_hh_id(const void *ctx, uint32_t val)
{
    const batch_key *bk = ctx;
    const char *code, *id;
    batch_rec(bk->b, val, &code, &id);
    return !strcmp(code, bk->code) && !strcmp(id, bk->id);
}

static int same_hh_addr(const void *ctx, uint32_t val)
{
    const batch_key *bk = ctx;
    const char *code, *id;
    const hh_rec *k = batch_rec(bk->b, val, &code, &id);
    return k->has_addr && !strcmp(code, bk->code) &&
           !memcmp(k->addr, bk->addr, ADDR_DIGEST);
}

audit_batcher *audit_batcher_new(const audit_opts *o)
{
    audit_batcher *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->o = o;
    b->off = o->severity[RULE_DUPLICATE_HOUSEHOLD] == AUDIT_OFF;
    htab_init(&b->by_id, o->fingerprint_bits, 1);
    htab_init(&b->by_addr, o->fingerprint_bits, 1);
    return b;
}

void audit_batcher_free(audit_batcher *b)
{
    if (!b)
        return;
    htab_free(&b->by_id);
    htab_free(&b->by_addr);
    free(b->r);
    free(b->base);
    free(b);
}

/* Household J of A's fingerprints in BY_ID and BY_ADDR (FP[0], FP[1]; 0
 * when it has no address), their home slots asked for: audit_batcher_add looks
 * households up BATCH_AHEAD after this, when the slots have arrived. */
#define BATCH_AHEAD 16
static void batch_fetch(const htab *by_id, const htab *by_addr,
                        const audit_reg *a, size_t j, uint64_t fp[2])
{
    const hh_rec *k = &a->hh[j];
    fp[0] = htab_fingerprint(by_id, a->community, hh_id(a, k));
    htab_prefetch(by_id, fp[0]);
    fp[1] = 0;
    if (k->has_addr) {
        fp[1] = htab_fingerprint_bytes(by_addr, a->community, k->addr,
                                       sizeof k->addr);
        htab_prefetch(by_addr, fp[1]);
    }
}

error_code audit_batcher_add(audit_batcher *b, audit_reg *a)
{
    uint64_t ahead[BATCH_AHEAD][2];
    size_t i = b->n, j;
    const char *code = a->community;
    batch_key bk;
    htab_key kid = {same_hh_id, &bk}, kaddr = {same_hh_addr, &bk};
    error_code rc;

    if (b->off || !a->community)
        return ERR_OK;
    if (b->total + a->n_hh >= UINT32_MAX - 1)
        return ERR_NOMEM; /* table values are 32 bits */
    if (GROW(b->r, b->n + 1, b->cap_r) != ERR_OK ||
        GROW(b->base, b->n + 1, b->cap_base) != ERR_OK)
        return ERR_NOMEM;
    /* the first register's households are known at once: the tables are
     * sized for them (they grow by halves for the later ones) */
    if (!b->by_id.n && (htab_reserve(&b->by_id, a->n_hh) < 0 ||
                        htab_reserve(&b->by_addr, a->n_hh_addr) < 0))
        return ERR_NOMEM;
    b->r[i] = a;
    b->base[i] = b->total;
    b->n++;
    b->total += a->n_hh;
    bk.b = b;
    diag_store_begin(a->sink);
    for (j = 0; j < a->n_hh && j < BATCH_AHEAD; j++)
        batch_fetch(&b->by_id, &b->by_addr, a, j, ahead[j]);
    for (j = 0; j < a->n_hh; j++) {
        const hh_rec *k = &a->hh[j];
        uint32_t prev, prev_addr = 0;
        uint32_t here = index_value(b->base[i] + j);
        const char *how = N_("household id");
        uint64_t fp_id = ahead[j % BATCH_AHEAD][0],
                 fp_addr = ahead[j % BATCH_AHEAD][1];
        if (j + BATCH_AHEAD < a->n_hh)
            batch_fetch(&b->by_id, &b->by_addr, a, j + BATCH_AHEAD,
                        ahead[j % BATCH_AHEAD]);
        bk.code = code;
        bk.id = hh_id(a, k);
        bk.addr = k->addr;
        /* every household joins both tables (the first holder of a key
         * stays); what was there before is the earlier one */
        if (htab_find_or_add(&b->by_id, fp_id, &kid, here, &prev) < 0)
            goto nomem;
        if (k->has_addr && htab_find_or_add(&b->by_addr, fp_addr, &kaddr, here,
                                            &prev_addr) < 0)
            goto nomem;
        if (prev && owner_of(b->base, b->n, value_index(prev)) == i)
            prev = 0; /* same register: duplicate-id's business */
        if (!prev && k->has_addr) {
            prev = prev_addr;
            how = N_("address");
            if (prev && owner_of(b->base, b->n, value_index(prev)) == i)
                prev = 0; /* reported while streaming */
        }
        if (prev && !k->dup_in_reg) {
            size_t g = value_index(prev), o = owner_of(b->base, b->n, g);
            const hh_rec *first = &b->r[o]->hh[g - b->base[o]];
            if (add_finding(a->sink, a->o, a->community,
                            RULE_DUPLICATE_HOUSEHOLD, k->line, k->col, bk.id,
                            NULL, NULL, NULL,
                            N_("household %s is also on register %s as "
                               "household %s at line %u (same %-s in "
                               "community %s): a household belongs on one "
                               "register only; remove it from one of them"),
                            bk.id, b->r[o]->path, hh_id(b->r[o], first),
                            first->line, how, a->community) < 0) {
                diag_store_end(a->sink);
                rc = diag_store_error(a->sink);
                return rc != ERR_OK ? rc : ERR_NOMEM;
            }
        }
    }
    return diag_store_end(a->sink);
nomem:
    diag_store_end(a->sink);
    return ERR_NOMEM;
}

error_code audit_batch(audit_reg *const *regs, size_t n, diag_list *out)
{
    audit_reg **r = NULL;
    audit_batcher *b = NULL;
    size_t i;
    error_code rc = ERR_NOMEM;

    if (!n)
        return ERR_OK;
    if (!(r = malloc(n * sizeof *r)) || !(b = audit_batcher_new(regs[0]->o)))
        goto done;
    memcpy(r, regs, n * sizeof *r);
    qsort(r, n, sizeof *r, cmp_reg);
    rc = ERR_OK;
    for (i = 0; i < n && rc == ERR_OK; i++)
        rc = audit_batcher_add(b, r[i]);
    for (i = 0; i < n && out && rc == ERR_OK; i++)
        rc = diag_store_drain(r[i]->sink, out);
done:
    audit_batcher_free(b);
    free(r);
    return rc;
}
