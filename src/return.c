/*
 * return.c — see return.h.
 *
 * Roll-ups follow the 12-digit statistical code: a community's street is
 * its first 9 digits, its district 6, its city 4 (RETDOC_*_DIGITS; the
 * element names and level values are retdoc.h's too, shared with the
 * reader). Names come from the
 * community with the lowest code in the group. Units are written
 * communities first, then streets, districts, cities and "all", each in
 * code order, so the document is the same whatever order the registers
 * were named in.
 *
 * The filing unit (SPEC §3) is the lowest level that covers the whole
 * batch: the common prefix of the lowest and highest community codes (the
 * codes are sorted) says which — 9 digits a street, 6 a district, 4 a city,
 * less the roll-up "all". Roll-ups stop there: three communities of one
 * street give that street and nothing above it; two districts of one city
 * give the districts (each where it covers two communities or more) and
 * the city. The filing unit carries filing="true"; a single community
 * files for itself. Being in return_assemble, this holds for merge too: a
 * street merging its communities' returns files as the street.
 *
 * One path writes every return: return_assemble, from community tallies,
 * sources and findings. build gathers those from a batch of registers
 * (return_build), merge from the returns it reads back; so a merged
 * return's roll-ups, rates and unions are computed by the very code that
 * computes build's, and the two agree byte for byte. Sources are written
 * by file name (no directory), then digest; findings in diag order over
 * those file names — an order both build and merge can reproduce.
 *
 * The document is written as bytes (retwrite.h), never as a tree: what
 * is written is return.xml itself. return_validate checks those bytes
 * against return.xsd as they stream through the parser (no tree);
 * return_parse makes the tree the renderers and verify read, from the
 * same bytes: a lean one, whose listed findings stay as their markup
 * (retdoc.h), a fifth of the memory of their nodes and attributes (a
 * batch of 8 dense registers lists 24,000: 80 MB of tree before, whose
 * first touch was most of the time of reading it back), and whose units
 * after the first hold their rows without their labels (lean_parse;
 * retdoc_label reads them from the first unit).
 *
 * A return may be written to a file as it is made (return_build_to,
 * return_assemble_to; write_findings gives <findings> its @omitted before
 * the list, counted in a first pass under a cap, and the list is then
 * handed on a MiB at a time) and read back from a mapping of that file
 * whose pages are let go behind the parsers (the *_mapped functions):
 * build does so when nothing is capped (a million dense households list
 * 589 MB, which memory held whole: 638 MB peak, 139 MB now, as with a
 * capped list), merge always (200 dense communities: 150 MB of return).
 *
 * Why one file (about 1,100 lines): the return's assembly, its check
 * against the schema, its reading back and findings.csv (the same
 * findings, listed the same way) are one contract — what a return holds
 * and in what order; apart, the CSV's findings and the return's would
 * drift.
 */
#define _GNU_SOURCE 1 /* sync_file_range */
#include "return.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/dict.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <stdint.h>

#include "render.h"
#include "retdoc.h"
#include "retwrite.h"
#include "tally.h"
#include "i18n.h"

typedef struct {
    const char *code; /* community code (borrowed from the tally) */
    tally_t *t;       /* owned */
} community;

static int cmp_comm(const void *a, const void *b)
{
    const community *x = a, *y = b;
    return strcmp(x->code, y->code);
}

/* Severity in force of each rule of the return vocabulary. */
static void severities(const return_opts *o, const char **sev, size_t n)
{
    const vocab_item *rules = vocab_enum(o->rvocab, "rule", NULL);
    size_t i;
    for (i = 0; i < n; i++) {
        int r = audit_rule_find(rules[i].value);
        if (r < 0)
            sev[i] = "error"; /* "schema" */
        else if (o->audit->severity[r] == AUDIT_OFF)
            sev[i] = "off";
        else
            sev[i] =
                o->audit->severity[r] == AUDIT_WARNING ? "warning" : "error";
    }
}

/* Writes one <unit>; FILING: it is the filing unit. */
static error_code write_unit(retwrite_t *w, const char *level, const char *code,
                             const tally_t *t, const community *cs, size_t n_cs,
                             const return_opts *o, const char **sev,
                             const char *name, int filing)
{
    size_t i;
    retwrite_open(w, RETDOC_UNIT);
    retwrite_attr(w, "level", level);
    retwrite_attr(w, "code", code);
    retwrite_attr(w, "name", name ? name : "");
    retwrite_count(w, "communities",
                   strcmp(level, RETDOC_LEVEL_COMMUNITY) ? n_cs : 1);
    /* where it sits: a community names its street, district and city; a
     * roll-up the levels above it */
    if (!strcmp(level, RETDOC_LEVEL_COMMUNITY) ||
        !strcmp(level, RETDOC_LEVEL_STREET))
        retwrite_attr(w, "street", tally_field(t, "street"));
    if (strcmp(level, RETDOC_LEVEL_CITY) && strcmp(level, RETDOC_LEVEL_ALL))
        retwrite_attr(w, "district", tally_field(t, "district"));
    if (strcmp(level, RETDOC_LEVEL_ALL))
        retwrite_attr(w, "city", tally_field(t, "city"));
    if (filing)
        retwrite_attr(w, "filing", "true");
    if (strcmp(level, RETDOC_LEVEL_COMMUNITY)) {
        retwrite_open(w, RETDOC_COVERS);
        for (i = 0; i < n_cs; i++) {
            retwrite_open(w, RETDOC_COMMUNITY);
            retwrite_attr(w, "code", cs[i].code);
            retwrite_attr(w, "name", tally_field(cs[i].t, "name"));
            retwrite_close(w);
        }
        retwrite_close(w);
    }
    if (tally_write(t, w, o->rvocab, sev) != ERR_OK)
        return ERR_NOMEM;
    retwrite_close(w);
    return ERR_OK;
}

/* Roll-ups of LEVEL (its code prefix, retdoc_level_digits; none for
 * "all") over the sorted communities CS; FILING: this level is the filing
 * unit's. */
static int rollups(retwrite_t *w, const char *level, const char *field,
                   const community *cs, size_t n, const return_opts *o,
                   const vocab_t *v, const char **sev, int filing)
{
    size_t plen = retdoc_level_digits(level), i = 0, j, k;
    while (i < n) {
        tally_t *sum;
        char code[16];
        const char *name;
        for (j = i + 1; j < n && !strncmp(cs[i].code, cs[j].code, plen); j++)
            ;
        if (j - i >= 2) {
            if (!(sum = tally_new(v)))
                return -1;
            for (k = i; k < j; k++)
                if (tally_add(sum, cs[k].t, 0)) {
                    tally_free(sum);
                    return -1;
                }
            snprintf(code, sizeof code, "%.*s", (int)plen, cs[i].code);
            name =
                field ? tally_field(cs[i].t, field)
                      : vocab_label(o->rvocab, "level", RETDOC_LEVEL_ALL, "zh");
            if (write_unit(w, level, code, sum, cs + i, j - i, o, sev, name,
                           filing)) {
                tally_free(sum);
                return -1;
            }
            tally_free(sum);
        }
        i = j;
    }
    return 0;
}

/* The findings listed so far of one rule in one community, and those
 * left out. */
typedef struct listing {
    const char *rule; /* the vocabulary's (lives as long as it) */
    char *community;  /* "" when none */
    size_t listed, omitted;
    struct listing *next; /* in order of first appearance */
} listing;

#define LIST_RECENT 8
typedef struct {
    retwrite_t *w;
    const return_opts *o;
    xmlHashTablePtr by_key; /* rule, community -> listing */
    listing *first, **tail;
    size_t omitted;
    int oom; /* list_want could not make a listing */
    /* the listings asked for last, known by their rule (its address, or
     * its few bytes): a dense register asks for the same two or three, a
     * finding after a finding, and the rule check and the hash cost a
     * thousand instructions a finding */
    listing *recent[LIST_RECENT];
    size_t next_recent;
    int counting; /* count_over's: nothing is written */
} lister;

static void free_listing(void *p, const xmlChar *name)
{
    listing *l = p;
    (void)name;
    free(l->community);
    free(l);
}

/* The listing of RULE in COMMUNITY ("" when none), made when missing. */
static listing *listing_of(lister *ls, const char *rule, const char *comm)
{
    listing *l = xmlHashLookup2(ls->by_key, BAD_CAST rule, BAD_CAST comm);
    if (l)
        return l;
    if (!(l = calloc(1, sizeof *l)) || !(l->community = strdup(comm))) {
        free(l);
        return NULL;
    }
    l->rule = rule;
    if (xmlHashAddEntry2(ls->by_key, BAD_CAST rule, BAD_CAST comm, l)) {
        free_listing(l, NULL);
        return NULL;
    }
    *ls->tail = l;
    ls->tail = &l->next;
    return l;
}

/* Whether X is listed: not when its rule has max_findings listed in its
 * community already (then it is counted as not listed); asked before X's
 * message is made. On no memory, 1 with ->oom set (list_add says it). */
static int list_want(void *ud, const diag *x)
{
    lister *ls = ud;
    const char *comm = x->community ? x->community : "";
    listing *l;

    size_t i;

    if (ls->oom)
        return 1;
    int r;

    for (i = 0; i < LIST_RECENT; i++) {
        l = ls->recent[i];
        if (l && (l->rule == x->rule || !strcmp(l->rule, x->rule)) &&
            !strcmp(l->community, comm))
            goto found;
    }
    if ((r = vocab_index(ls->o->rvocab, "rule", x->rule)) < 0)
        return 0; /* I/O problems are not findings of a return */
    /* the rule by the vocabulary's string: X's may not outlive the call
     * (merge's findings are read back from a file a window at a time) */
    if (!(l = listing_of(ls, vocab_enum(ls->o->rvocab, "rule", NULL)[r].value,
                         comm))) {
        ls->oom = 1;
        return 1;
    }
    ls->recent[ls->next_recent++ % LIST_RECENT] = l;
found:
    if (l->listed >= ls->o->max_findings) {
        l->omitted++;
        ls->omitted++;
        return 0;
    }
    l->listed++;
    return 1;
}

/* Lists X (list_want accepted it). */
static error_code list_add(void *ud, const diag *x)
{
    lister *ls = ud;
    retwrite_t *w = ls->w;

    if (ls->oom)
        return ERR_NOMEM;
    if (ls->counting)
        return ERR_OK;
    retwrite_open(w, RETDOC_FINDING);
    retwrite_attr(w, "file", x->file);
    retwrite_count(w, "line", x->line);
    retwrite_count(w, "col", x->col);
    retwrite_attr(w, "severity", diag_severity_name(x->severity));
    retwrite_attr(w, "rule", x->rule);
    retwrite_attr(w, "community", x->community);
    retwrite_attr(w, "household", x->household);
    retwrite_attr(w, "visit", x->visit);
    retwrite_attr(w, "item", x->item);
    retwrite_attr(w, "cadre", x->cadre);
    retwrite_text(w, x->message);
    retwrite_close(w);
    return ERR_OK;
}

/* Lists D unless its rule has max_findings listed in its community
 * already; counts it either way. */
static error_code list_one(void *ud, const diag *x)
{
    return list_want(ud, x) ? list_add(ud, x) : ERR_OK;
}

/* count_over's: X counted, never listed. */
static int count_want(void *ud, const diag *x)
{
    (void)list_want(ud, x);
    return 0;
}

/* The number of P's findings over O's cap, in a pass that writes
 * nothing: *OVER. 0, or -1 (no memory, or P's source failed). */
static int count_over(const return_parts *p, const return_opts *o,
                      unsigned long long *over)
{
    lister ls;
    error_code e = ERR_OK;
    memset(&ls, 0, sizeof ls);
    ls.o = o;
    ls.tail = &ls.first;
    ls.counting = 1;
    if (!(ls.by_key = xmlHashCreate(64)))
        return -1;
    if (p->each_finding_if)
        e = p->each_finding_if(p->findings, count_want, list_add, &ls);
    else if (p->each_finding)
        e = p->each_finding(p->findings, list_one, &ls);
    *over = ls.omitted;
    xmlHashFree(ls.by_key, free_listing);
    return e == ERR_OK && !ls.oom ? 0 : -1;
}

/* The count of what P says was left out of its lists before, as
 * write_findings adds them up. */
static unsigned long long not_listed_before(const return_parts *p,
                                            const return_opts *o)
{
    unsigned long long n = 0;
    size_t i;
    for (i = 0; i < p->nnot_listed; i++)
        if (vocab_index(o->rvocab, "rule", p->not_listed[i].rule) >= 0)
            n += p->not_listed[i].count;
    return n;
}

/* A listing with findings left out, and its rule's place in the
 * vocabulary (write_not_listed). */
typedef struct {
    const listing *l;
    int rank;
} left_out;

static int cmp_left_out(const void *a, const void *b)
{
    const left_out *x = a, *y = b;
    int c = strcmp(x->l->community, y->l->community);
    return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

/* One <notListed> per rule and community of LS with findings left out,
 * by community, then in the order of the vocabulary's rules: an order of
 * the counts alone, so that merge, which may know them from the inputs'
 * <notListed> and no finding (a cap of 0), writes build's. In the order
 * the findings came, a list capped at 0 was in (file, line) order of
 * each rule's first finding in build, and in the inputs' order in merge.
 * 0, or -1 on no memory. */
static int write_not_listed(retwrite_t *w, const lister *ls)
{
    const listing *l;
    left_out *v = NULL;
    size_t n = 0, cap = 0, i;

    for (l = ls->first; l; l = l->next) {
        if (!l->omitted)
            continue;
        if (GROW(v, n + 1, cap) != ERR_OK) {
            free(v);
            return -1;
        }
        v[n].l = l;
        v[n++].rank = vocab_index(ls->o->rvocab, "rule", l->rule);
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_left_out);
    for (i = 0; i < n; i++) {
        retwrite_open(w, RETDOC_NOT_LISTED);
        retwrite_attr(w, "rule", v[i].l->rule);
        if (*v[i].l->community)
            retwrite_attr(w, "community", v[i].l->community);
        retwrite_count(w, "count", v[i].l->omitted);
        retwrite_close(w);
    }
    free(v);
    return 0;
}

/* <findings limit="N" omitted="M">: at most max_findings per rule and
 * community, in (file, line) order, then one <notListed> per rule and
 * community with the count of those left out (those P says were left out
 * before, plus those over the cap), by community and rule
 * (write_not_listed). Memory holds only what is listed: the
 * findings stream out of P's source. With OUT, @omitted is known first
 * (with no cap, nothing is left out but what was before; under a cap, a
 * pass that writes nothing counts what is over it) and the list goes on
 * to OUT as it is written (retwrite_stream): memory does not hold it
 * either. */
static int write_findings(retwrite_t *w, const return_parts *p,
                          const return_opts *o, FILE *out)
{
    lister ls;
    listing *l;
    size_t i;
    unsigned long long before = 0, over = 0;
    int rc = -1;

    memset(&ls, 0, sizeof ls);
    ls.w = w;
    ls.o = o;
    ls.tail = &ls.first;
    if (!(ls.by_key = xmlHashCreate(64)))
        goto fail;
    retwrite_open(w, RETDOC_FINDINGS);
    if (out) {
        if (o->max_findings != SIZE_MAX) {
            if (count_over(p, o, &over) < 0)
                goto fail;
            retwrite_count(w, "limit", o->max_findings);
        }
        before = not_listed_before(p, o) + over;
        retwrite_count(w, "omitted", before);
        retwrite_stream(w, out);
    }
    if (p->each_finding_if) {
        if (p->each_finding_if(p->findings, list_want, list_add, &ls) != ERR_OK)
            goto fail;
    } else if (p->each_finding &&
               p->each_finding(p->findings, list_one, &ls) != ERR_OK)
        goto fail;
    for (i = 0; i < p->nnot_listed; i++) {
        const return_not_listed *nl = &p->not_listed[i];
        int r = vocab_index(o->rvocab, "rule", nl->rule);
        const vocab_item *rules = vocab_enum(o->rvocab, "rule", NULL);
        if (r < 0 || !nl->count)
            continue;
        if (!(l = listing_of(&ls, rules[r].value,
                             nl->community ? nl->community : "")))
            goto fail;
        l->omitted += nl->count;
        ls.omitted += nl->count;
    }
    if (write_not_listed(w, &ls) < 0)
        goto fail;
    /* known now that every finding went by: put in the start tag */
    if (!out) {
        if (o->max_findings != SIZE_MAX)
            retwrite_count(w, "limit", o->max_findings);
        retwrite_count(w, "omitted", ls.omitted);
    } else if (ls.omitted != before) {
        goto fail; /* a bug: the count before was not the count */
    }
    retwrite_close(w);
    rc = 0;
fail:
    xmlHashFree(ls.by_key, free_listing);
    return rc;
}

/* The file name of PATH without its directory (borrowed from PATH). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_source(const void *a, const void *b)
{
    const retdoc_source *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->sha256, y->sha256);
}

int return_same_campaign(const char *const a[5], const char *const b[5])
{
    size_t i;
    for (i = 0; i < 5; i++)
        if (strcmp(a[i] ? a[i] : "", b[i] ? b[i] : ""))
            return 0;
    return 1;
}

char *return_campaign_clash(const char *file_a, const char *const a[5],
                            const char *file_b, const char *const b[5])
{
    static const char *const what[5] = {"id", "title", "start", "end",
                                        "reported"};
    size_t i;
    for (i = 0; i < 4 && !strcmp(a[i] ? a[i] : "", b[i] ? b[i] : ""); i++)
        ;
    if (i == 0)
        return error_format(_("%s is of campaign \"%s\" and %s of campaign "
                              "\"%s\": one return per campaign"),
                            file_a, a[0] ? a[0] : "", file_b, b[0] ? b[0] : "");
    return error_format(_("%s and %s are both of campaign \"%s\" but give it "
                          "a different %s (%s, %s): one return per campaign; "
                          "correct the register that is wrong"),
                        file_a, file_b, a[0] ? a[0] : "", what[i],
                        a[i] ? a[i] : "", b[i] ? b[i] : "");
}

/* return_assemble; with OUT, the bytes written to OUT as they are made
 * and *XML left NULL. */
static error_code assemble(const return_parts *p, const return_opts *o,
                           FILE *out, char **xml, size_t *len, char **msg)
{
    retwrite_t *w = NULL;
    community *cs = NULL;
    retdoc_source *src = NULL;
    const char **sev = NULL;
    const vocab_t *v = o->vocab;
    size_t i, nc = p->ncommunities, n_rules;
    error_code rc;

    *xml = NULL;
    *len = 0;
    vocab_enum(o->rvocab, "rule", &n_rules);
    if (!(cs = calloc(nc ? nc : 1, sizeof *cs)) ||
        !(src = calloc(p->nsources ? p->nsources : 1, sizeof *src)) ||
        !(sev = calloc(n_rules + 1, sizeof *sev)))
        goto nomem;
    severities(o, sev, n_rules);
    for (i = 0; i < nc; i++) {
        cs[i].t = p->communities[i];
        cs[i].code = tally_community_code(cs[i].t);
    }
    qsort(cs, nc, sizeof *cs, cmp_comm);
    /* sources by file name (then digest), so the order is the same
     * whichever folders the registers sat in and whichever returns they
     * arrive in */
    if (p->nsources)
        memcpy(src, p->sources, p->nsources * sizeof *src);
    qsort(src, p->nsources, sizeof *src, cmp_source);

    if (!(w = retwrite_new(RETDOC_RETURN, RETURN_NS)))
        goto nomem;
    retwrite_attr(w, "version", RETURN_FORMAT_VERSION);
    retwrite_attr(w, "generator", o->generator);
    retwrite_attr(w, "partial", p->partial ? "true" : "false");
    retwrite_open(w, RETDOC_CAMPAIGN);
    retwrite_attr(w, "id", p->campaign[0]);
    retwrite_attr(w, "title", p->campaign[1]);
    retwrite_attr(w, "start", p->campaign[2]);
    retwrite_attr(w, "end", p->campaign[3]);
    retwrite_attr(w, "reported", p->campaign[4]);
    retwrite_close(w);
    retwrite_open(w, RETDOC_SOURCES);
    for (i = 0; i < p->nsources; i++) {
        const retdoc_source *r = &src[i];
        retwrite_open(w, RETDOC_SOURCE);
        retwrite_attr(w, "file", r->file);
        retwrite_count(w, "size", r->size);
        retwrite_attr(w, "sha256", r->sha256);
        retwrite_attr(w, "included", r->included ? "true" : "false");
        retwrite_attr(w, "community",
                      r->community && *r->community ? r->community : NULL);
        retwrite_count(w, "errors", r->errors);
        retwrite_count(w, "warnings", r->warnings);
        retwrite_close(w);
    }
    retwrite_close(w);
    /* a single community files for itself */
    for (i = 0; i < nc; i++)
        if (write_unit(w, RETDOC_LEVEL_COMMUNITY, cs[i].code, cs[i].t, cs + i,
                       1, o, sev, tally_field(cs[i].t, "name"), nc == 1))
            goto nomem;
    if (nc >= 2) {
        static const struct {
            const char *level, *field;
        } lv[] = {{RETDOC_LEVEL_STREET, "street"},
                  {RETDOC_LEVEL_DISTRICT, "district"},
                  {RETDOC_LEVEL_CITY, "city"},
                  {RETDOC_LEVEL_ALL, NULL}};
        size_t common = 0, filing = 0, k;
        const char *lo = cs[0].code, *hi = cs[nc - 1].code;
        while (lo[common] && lo[common] == hi[common])
            common++;
        /* the first level whose prefix the whole batch shares */
        while (filing < 3 && common < retdoc_level_digits(lv[filing].level))
            filing++;
        for (k = 0; k <= filing; k++)
            if (rollups(w, lv[k].level, lv[k].field, cs, nc, o, v, sev,
                        k == filing))
                goto nomem;
    }
    if (write_findings(w, p, o, out))
        goto nomem;
    rc = retwrite_finish(w, xml, len);
    w = NULL;
    if (rc == ERR_NOMEM)
        goto nomem;
    if (rc == ERR_WRITE)
        rc = error_set(msg,
                       errno == ENOSPC || errno == EDQUOT ? ERR_NOSPACE : rc,
                       _("cannot write return.xml: %s"), strerror(errno));
    else if (rc != ERR_OK)
        rc = error_set(msg, rc, _("the return could not be written"));
    goto done;
nomem:
    rc = error_set(msg, ERR_NOMEM, _("out of memory"));
done:
    retwrite_free(w);
    free(cs);
    free(src);
    free(sev);
    return rc;
}

/* Hands FN each diagnostic of the batch CTX with the register named by
 * its file name, as the return's sources name it. */
typedef struct {
    diag_fn fn;
    void *ud;
} base_names;

static error_code to_base_name(void *ud, const diag *x)
{
    const base_names *bn = ud;
    diag d = *x;
    d.file = (char *)base_name(x->file);
    return bn->fn(bn->ud, &d);
}

/* A batch and the language its findings are to be read in. */
typedef struct {
    const batch_t *b;
    const diag_lang *lang;
} batch_in;

/* WANT's answer for the diagnostic D of the batch (the ud of to_base_name
 * carries WANT's own). */
typedef struct {
    base_names bn;
    diag_want_fn want;
} base_names_if;

static int want_base_name(void *ud, const diag *d)
{
    const base_names_if *b = ud;
    return b->want(b->bn.ud, d); /* file unused by the listing's want */
}

static error_code to_base_name_if(void *ud, const diag *x)
{
    return to_base_name(&((base_names_if *)ud)->bn, x);
}

static error_code each_batch_finding_if(const void *ctx, diag_want_fn want,
                                        diag_fn fn, void *ud)
{
    const batch_in *in = ctx;
    base_names_if b;
    b.bn.fn = fn;
    b.bn.ud = ud;
    b.want = want;
    return batch_each_diag_if(in->b, in->lang, want_base_name, to_base_name_if,
                              &b);
}

error_code return_assemble(const return_parts *p, const return_opts *o,
                           char **xml, size_t *len, char **msg)
{
    return assemble(p, o, NULL, xml, len, msg);
}

error_code return_assemble_to(const return_parts *p, const return_opts *o,
                              FILE *out, size_t *len, char **msg)
{
    char *none = NULL;
    error_code e = assemble(p, o, out, &none, len, msg);
    free(none); /* nothing: the bytes went to OUT */
    return e;
}

/* return_build, to OUT as assemble. */
static error_code build(const batch_t *b, const return_opts *o, FILE *out,
                        char **xml, size_t *len, char **msg)
{
    return_parts p;
    batch_in in;
    community *cs = NULL;
    tally_t **ts = NULL;
    retdoc_source *src = NULL;
    const batch_reg *first = NULL;
    size_t i, nc = 0;
    error_code rc;

    *xml = NULL;
    *len = 0;
    memset(&p, 0, sizeof p);
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        if (!r->included) {
            p.partial = 1;
            continue;
        }
        if (!first) {
            first = r;
        } else if (!return_same_campaign((const char *const *)first->campaign,
                                         (const char *const *)r->campaign)) {
            char *m = return_campaign_clash(
                first->path, (const char *const *)first->campaign, r->path,
                (const char *const *)r->campaign);
            if (!m)
                return error_set(msg, ERR_NOMEM, _("out of memory"));
            rc = error_set(msg, ERR_INVALID, "%s", m);
            free(m);
            return rc;
        }
    }
    if (!first)
        return error_set(msg, ERR_INVALID,
                         _("no valid register to compile a return from"));
    if (!(cs = calloc(b->n, sizeof *cs)) || !(ts = calloc(b->n, sizeof *ts)) ||
        !(src = calloc(b->n ? b->n : 1, sizeof *src)))
        goto nomem;

    /* communities: parts from several registers are added together */
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        size_t k;
        if (!r->included)
            continue;
        for (k = 0; k < nc && strcmp(cs[k].code, r->community); k++)
            ;
        if (k == nc) {
            if (!(cs[nc].t = tally_new(o->vocab)))
                goto nomem;
            nc++;
        }
        if (tally_add(cs[k].t, r->tally, 1))
            goto nomem;
        cs[k].code = tally_community_code(cs[k].t);
    }
    for (i = 0; i < nc; i++)
        ts[i] = cs[i].t;
    /* provenance and findings name a register by its file name: a return
     * travels, and a local path means nothing on another machine */
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        src[i].file = base_name(r->path);
        src[i].sha256 = r->rr.digest;
        src[i].community = r->community;
        src[i].size = r->rr.size;
        src[i].errors = r->errors;
        src[i].warnings = r->warnings;
        src[i].included = r->included;
    }
    for (i = 0; i < 5; i++)
        p.campaign[i] = first->campaign[i];
    p.sources = src;
    p.nsources = b->n;
    p.communities = ts;
    p.ncommunities = nc;
    in.b = b;
    in.lang = o->lang;
    p.findings = &in;
    p.each_finding_if = each_batch_finding_if;
    rc = assemble(&p, o, out, xml, len, msg);
    goto done;
nomem:
    rc = error_set(msg, ERR_NOMEM, _("out of memory"));
done:
    if (cs)
        for (i = 0; i < nc; i++)
            tally_free(cs[i].t);
    free(cs);
    free(ts);
    free(src);
    return rc;
}

error_code return_build(const batch_t *b, const return_opts *o, char **xml,
                        size_t *len, char **msg)
{
    return build(b, o, NULL, xml, len, msg);
}

error_code return_build_to(const batch_t *b, const return_opts *o, FILE *out,
                           size_t *len, char **msg)
{
    char *none = NULL;
    error_code e = build(b, o, out, &none, len, msg);
    free(none); /* nothing: the bytes went to OUT */
    return e;
}

/* Keeps the first schema error as "line N: message" in *CTX. */
static void first_error(void *ctx, xmlErrorPtr e)
{
    char **msg = ctx;
    size_t n;
    if (*msg || !e || !e->message)
        return;
    n = strlen(e->message);
    *msg = error_format(_("line %d: %.*s"), e->line,
                        (int)(n && e->message[n - 1] == '\n' ? n - 1 : n),
                        e->message);
}

/* The parser's errors, as first_error (the parser context's _private
 * holds where the first goes). */
static void first_parse_error(void *ud, xmlErrorPtr e)
{
    xmlParserCtxtPtr c = e ? e->ctxt : NULL;
    (void)ud;
    if (c && c->_private)
        first_error(c->_private, e);
}

#define PARSE_CHUNK (1 << 20) /* bytes handed to the parser at once */

/* The LEN bytes XML pushed to the parser C, PARSE_CHUNK at a time (no
 * copy of them all), the last push terminating; stops at the first
 * error. MAPPED: XML is a read-only file mapping, whose pages are let go
 * a chunk behind the one pushed (retdoc_let_go). */
static void push_all(xmlParserCtxtPtr c, const char *xml, size_t len,
                     int mapped)
{
    size_t off = 0;
    do {
        size_t n = len - off < PARSE_CHUNK ? len - off : PARSE_CHUNK;
        if (xmlParseChunk(c, xml + off, (int)n, off + n == len))
            break;
        if (mapped && off >= PARSE_CHUNK)
            retdoc_let_go(xml + off - PARSE_CHUNK, xml + off);
        off += n;
    } while (off < len);
    if (mapped)
        retdoc_let_go(xml, xml + len);
}

static error_code validate(const char *xml, size_t len, int mapped,
                           xmlSchemaPtr schema, char **msg)
{
    xmlSAXHandler sax;
    xmlSAXHandlerPtr psax = &sax;
    void *pud = NULL;
    xmlSchemaValidCtxtPtr v = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    xmlParserCtxtPtr c = NULL;
    char *first = NULL;
    int wf, valid;
    error_code rc;

    /* streamed through the schema's SAX plug: no tree (a merged return of
     * 500 communities would be 150 MB of one) */
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    if (!(v = xmlSchemaNewValidCtxt(schema)) ||
        !(plug = xmlSchemaSAXPlug(v, &psax, &pud)) ||
        !(c = xmlCreatePushParserCtxt(psax, pud, NULL, 0, NULL))) {
        rc = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(v, first_error, &first);
    c->_private = &first;
    c->sax->serror = first_parse_error;
    xmlCtxtUseOptions(c, XML_PARSE_NONET);
    push_all(c, xml, len, mapped);
    wf = c->wellFormed;
    valid = xmlSchemaIsValid(v);
    if (wf && valid) {
        rc = ERR_OK;
    } else if (first) {
        if (msg) {
            free(*msg);
            *msg = first;
            first = NULL;
        }
        rc = ERR_INVALID;
    } else {
        rc = error_set(msg, ERR_INVALID, _("the return is not valid"));
    }
done:
    free(first);
    if (plug)
        xmlSchemaSAXUnplug(plug);
    xmlFreeParserCtxt(c); /* and its copy of the SAX handler */
    xmlSchemaFreeValidCtxt(v);
    return rc;
}

error_code return_validate(const char *xml, size_t len, xmlSchemaPtr schema,
                           char **msg)
{
    return validate(xml, len, 0, schema, msg);
}

error_code return_validate_mapped(const char *xml, size_t len,
                                  xmlSchemaPtr schema, char **msg)
{
    return validate(xml, len, 1, schema, msg);
}

/* return_parse's lean tree (retdoc.h, RETDOC_LEAN): libxml2's own SAX2
 * tree builder, but a <finding> of <findings> makes nothing: its markup is
 * found in the bytes by a cursor that moves with the parse (the next
 * "<finding" tag after the last one, to its end tag), and the first one's
 * start is kept in <findings>'s psvi, the bytes' end in the root's. In
 * bytes return_assemble wrote, '<' opens a tag and nothing else (text and
 * attribute values escape it; there are no comments, CDATA or processing
 * instructions, and the cursor refuses bytes that have one), so the Nth
 * such tag is the Nth finding the parser meets. Once parsed, the list is
 * walked as retdoc_open will walk it (one finding after the other, only
 * white space between them), and must hold as many; the markup is parsed
 * again, and so checked, when read. */
typedef struct {
    char *first; /* first: first_parse_error reads _private as char ** */
    const char *xml, *at, *end; /* the bytes, the cursor, their end */
    int skip;                   /* inside a finding: depth below it, from 1 */
    size_t nfound;              /* findings met */
    /* the parse was stopped: no memory, or no finding tag where the
     * parser met one (ERR_INTERNAL) */
    error_code err;
    /* The labels (zh, en) of an enumerated row are the same in every
     * unit: the first <unit>'s rows keep theirs, and their place, "name
     * value" for the row and each row above it in its unit, is the key of
     * LABELS ("zh\0en"); a later unit's row of the same place and labels
     * is made without them (retdoc_label finds them in the first unit).
     * A return's rows are most of its tree, and their labels two of their
     * five or six attributes: 137 -> 84 MB for a return of 556 units. */
    int units;   /* <unit>s met */
    int depth;   /* of the element in its unit (0: none) */
    buf_t place; /* the current element's place */
    size_t at_depth[RETDOC_LABEL_DEPTH + 1]; /* place's length at each depth */
    xmlHashTablePtr labels;
} lean_parse;

/* The value of attribute NAME among the NATTR of ATTRS (SAX2's five
 * pointers each), and its length in *LEN; NULL when absent. */
static const char *sax_attr(int nattr, const xmlChar **attrs, const char *name,
                            size_t *len)
{
    const xmlChar **a;
    for (a = attrs; a < attrs + 5 * (size_t)nattr; a += 5)
        if (!a[2] && !strcmp((const char *)a[0], name)) {
            *len = (size_t)(a[4] - a[3]);
            return (const char *)a[3];
        }
    return NULL;
}

/* Makes element NAME, a row of a unit or the unit itself, keeping its
 * labels or not (see lean_parse). */
static void unit_start(xmlParserCtxtPtr c, lean_parse *st, const xmlChar *name,
                       const xmlChar *prefix, const xmlChar *uri, int nns,
                       const xmlChar **ns, int nattr, int ndef,
                       const xmlChar **attrs)
{
    const xmlChar *kept[5 * 16], **a;
    const char *v, *zh, *en;
    size_t nv = 0, nzh = 0, nen = 0, k;
    int d = ++st->depth;

    if (d == 1) { /* the unit */
        st->units++;
        buf_truncate(&st->place, 0);
        st->at_depth[0] = 0;
    }
    if (d > 1 && d <= RETDOC_LABEL_DEPTH) {
        buf_truncate(&st->place, st->at_depth[d - 2]);
        v = sax_attr(nattr, attrs, "value", &nv);
        if (d > 2)
            buf_add(&st->place, "/", 1);
        buf_puts(&st->place, (const char *)name);
        buf_add(&st->place, " ", 1);
        buf_add(&st->place, v ? v : "", v ? nv : 0);
        st->at_depth[d - 1] = st->place.len;
        zh = sax_attr(nattr, attrs, "zh", &nzh);
        en = sax_attr(nattr, attrs, "en", &nen);
        if (buf_error(&st->place) != ERR_OK) {
            st->err = ERR_NOMEM;
            xmlStopParser(c);
            return;
        }
        if (v && zh && en && nattr <= 16 && st->labels) {
            const char *key = buf_str(&st->place);
            const char *have = xmlHashLookup(st->labels, BAD_CAST key);
            if (st->units == 1 && !have) {
                char *both = malloc(nzh + nen + 2);
                if (both) {
                    memcpy(both, zh, nzh);
                    both[nzh] = 0;
                    memcpy(both + nzh + 1, en, nen);
                    both[nzh + 1 + nen] = 0;
                }
                if (!both ||
                    xmlHashAddEntry(st->labels, BAD_CAST key, both) != 0) {
                    free(both);
                    st->err = ERR_NOMEM;
                    xmlStopParser(c);
                    return;
                }
            } else if (st->units > 1 && have && strlen(have) == nzh &&
                       !memcmp(have, zh, nzh) &&
                       strlen(have + nzh + 1) == nen &&
                       !memcmp(have + nzh + 1, en, nen)) {
                for (a = attrs, k = 0; a < attrs + 5 * (size_t)nattr; a += 5)
                    if (a[2] || (strcmp((const char *)a[0], "zh") &&
                                 strcmp((const char *)a[0], "en")))
                        memcpy(kept + 5 * k++, a, 5 * sizeof *a);
                xmlSAX2StartElementNs(c, name, prefix, uri, nns, ns, (int)k,
                                      ndef < (int)k ? ndef : (int)k, kept);
                return;
            }
        }
    }
    xmlSAX2StartElementNs(c, name, prefix, uri, nns, ns, nattr, ndef, attrs);
}

/* The start of the next finding tag in [AT, END), or NULL: also when a
 * '<' on the way opens anything but a tag or an end tag (a comment,
 * CDATA, a processing instruction past the XML declaration at XML), which
 * return_assemble never writes and which could hold a "<finding" the
 * parser does not meet: the count would be off, and the parse refused. */
static const char *next_finding(const char *xml, const char *at,
                                const char *end)
{
    static const char tag[] = "<" RETDOC_FINDING;
    const size_t n = sizeof tag - 1;
    const char *p = at;
    while ((p = memchr(p, '<', (size_t)(end - p))) && p + n < end) {
        if (p[1] == '!' || (p[1] == '?' && p != xml))
            return NULL;
        if (!memcmp(p, tag, n) && p[n] && strchr(" \t\r\n/>", p[n]))
            return p;
        p++;
    }
    return NULL;
}

static int in_findings(const xmlParserCtxt *c, const xmlChar *name,
                       const xmlChar *uri)
{
    const xmlNode *n = c->node;
    return uri && !strcmp((const char *)uri, RETURN_NS) &&
           !strcmp((const char *)name, RETDOC_FINDING) && n && n->ns &&
           !strcmp((const char *)n->name, RETDOC_FINDINGS) &&
           !strcmp((const char *)n->ns->href, RETURN_NS);
}

static void lean_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
                       const xmlChar *uri, int nns, const xmlChar **ns,
                       int nattr, int ndef, const xmlChar **attrs)
{
    xmlParserCtxtPtr c = ctx;
    lean_parse *st = c->_private;
    const char *a, *z;

    if (st->skip) {
        st->skip++;
        return;
    }
    if (st->depth || (uri && !strcmp((const char *)uri, RETURN_NS) &&
                      !strcmp((const char *)name, RETDOC_UNIT) && c->node &&
                      c->node->parent == (xmlNodePtr)c->myDoc)) {
        unit_start(c, st, name, prefix, uri, nns, ns, nattr, ndef, attrs);
        return;
    }
    if (!in_findings(c, name, uri)) {
        xmlSAX2StartElementNs(ctx, name, prefix, uri, nns, ns, nattr, ndef,
                              attrs);
        return;
    }
    if (!(a = next_finding(st->xml, st->at, st->end)) ||
        !(z = retdoc_finding_end(a, st->end)) || z - a > INT_MAX) {
        st->err = ERR_INTERNAL;
        xmlStopParser(c);
        return;
    }
    st->at = z;
    st->skip = 1;
    if (!st->nfound++)
        c->node->psvi = (void *)a; /* <findings>: where its list begins */
}

static void lean_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri)
{
    xmlParserCtxtPtr c = ctx;
    lean_parse *st = c->_private;
    if (st->skip) { /* within a finding, or its end: nothing was made */
        st->skip--;
        return;
    }
    if (st->depth)
        st->depth--;
    xmlSAX2EndElementNs(ctx, name, prefix, uri);
}

static int lean_skipping(void *ctx)
{
    return ((lean_parse *)((xmlParserCtxtPtr)ctx)->_private)->skip;
}

static void lean_chars(void *ctx, const xmlChar *s, int n)
{
    if (!lean_skipping(ctx))
        xmlSAX2Characters(ctx, s, n);
}

static void lean_cdata(void *ctx, const xmlChar *s, int n)
{
    if (!lean_skipping(ctx))
        xmlSAX2CDataBlock(ctx, s, n);
}

static void free_label(void *p, const xmlChar *key)
{
    (void)key;
    free(p);
}

static error_code parse(const char *xml, size_t len, int mapped, xmlDocPtr *doc,
                        char **msg)
{
    xmlParserCtxtPtr c;
    lean_parse st;
    error_code rc = ERR_OK;

    *doc = NULL;
    if (len > INT_MAX)
        return error_set(msg, ERR_INTERNAL,
                         _("the return is too large to be read back (%zu "
                           "bytes)"),
                         len);
    /* pushed a chunk at a time, as return_validate does: a parser given
     * the whole of it (xmlCtxtReadMemory) made a copy of the bytes and,
     * told their encoding, a converted second one (a return that lists
     * every finding is hundreds of MB) */
    if (!(c = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL)))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    memset(&st, 0, sizeof st);
    st.xml = st.at = xml;
    st.end = xml + len;
    st.labels = xmlHashCreate(256); /* none (no memory): labels all kept */
    /* COMPACT: a value under 16 bytes (most of a return's: counts, codes)
     * is kept in its text node, not malloc'd beside it */
    xmlCtxtUseOptions(c,
                      XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
    c->_private = &st;
    c->sax->serror = first_parse_error;
    c->sax->startElementNs = lean_start;
    c->sax->endElementNs = lean_end;
    c->sax->characters = lean_chars;
    c->sax->cdataBlock = lean_cdata;
    push_all(c, xml, len, mapped);
    *doc = c->myDoc;
    c->myDoc = NULL;
    if (!*doc || !c->wellFormed || st.err != ERR_OK) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        /* our own bytes: anything but memory is a bug */
        if (st.err == ERR_INTERNAL)
            rc = error_set(msg, ERR_INTERNAL,
                           _("internal error: a listed finding of the "
                             "return was not found in its bytes"));
        else
            rc = st.err == ERR_NOMEM || c->errNo == XML_ERR_NO_MEMORY ||
                         !st.first
                     ? error_set(msg, ERR_NOMEM, _("out of memory"))
                     : error_set(msg, ERR_INTERNAL, "%s", st.first);
    } else {
        (*doc)->_private = mapped ? RETDOC_LEAN_MAPPED : RETDOC_LEAN;
        xmlDocGetRootElement(*doc)->psvi = (void *)st.end;
        /* the list as retdoc_open will walk it: one finding after the
         * other, nothing between them */
        if (retdoc_lean_count(*doc) != st.nfound) {
            xmlFreeDoc(*doc);
            *doc = NULL;
            rc = error_set(msg, ERR_INTERNAL,
                           _("internal error: a listed finding of the "
                             "return was not found in its bytes"));
        } else { /* for retdoc_open: no walk again to count them */
            (*doc)->psvi = (void *)(uintptr_t)(st.nfound + 1);
        }
    }
    free(st.first);
    buf_free(&st.place);
    xmlHashFree(st.labels, free_label);
    xmlFreeParserCtxt(c);
    return rc;
}

error_code return_parse(const char *xml, size_t len, xmlDocPtr *doc, char **msg)
{
    return parse(xml, len, 0, doc, msg);
}

error_code return_parse_mapped(const char *xml, size_t len, xmlDocPtr *doc,
                               char **msg)
{
    return parse(xml, len, 1, doc, msg);
}

/* ---- findings.csv ---------------------------------------------------- */

/* The rows go through ROW (one fwrite per 64 KiB: a call per field was
 * most of the cost of a dense register's file). What repeats from row to
 * row is kept as its CSV text, made once: the labels of the last rules
 * met (by the rule's static pointer), both severities' labels and the
 * last file name. A row is measured (its fields' lengths, quotes doubled
 * counted), then one reservation and copies. Every 8 MiB written, the
 * system is asked to start writing them to disk (sync_file_range, Linux;
 * a hint, whose failure changes nothing), so that the fsync (the
 * caller's, or output_commit's) waits for the last few MiB, not for a
 * file of hundreds of MB; a stream with no descriptor (build's, written
 * straight to the disk: output_unnamed_stream) has nothing to write back. */
#define CSV_CHUNK ((size_t)64 << 10)
#define CSV_WRITEBACK ((size_t)8 << 20)
#define CSV_RULES 8
#define CSV_VAR 6 /* message, community, household, visit, item, cadre */

struct return_csv {
    FILE *f;
    const vocab_t *labels;
    const char *lang;
    error_code err; /* the first failure: every later call returns it */
    buf_t row;
    buf_t sev_field[2]; /* the severities' labels as fields ("...,") */
    struct {
        const char *rule, *label; /* label NULL: not a rule of a return */
        buf_t field;              /* label as a field ("...,") */
    } seen[CSV_RULES];
    size_t n_seen, next;
    char *file;       /* the last file name met (a copy)... */
    buf_t file_field; /* ...as a field ("...,") */
    size_t unsynced;  /* bytes written since writeback was last asked */
};
typedef struct return_csv csv_writer;

/* How S goes into the CSV (see csv_field): 0 as it is, 1 quoted. *LEN:
 * the field's length (without the separator): quotes, the ' before a
 * formula and the quotes doubled counted. */
static int csv_kind(const char *s, size_t *len)
{
    size_t k = strcspn(s, ",\"\n\r"), q = 0;
    int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    const char *p;
    if (!s[k] && !formula) {
        *len = k;
        return 0;
    }
    for (p = s + k; (p = strchr(p, '"')); p++)
        q++;
    *len = k + strlen(s + k) + q + 2 + (size_t)formula;
    return 1;
}

/* Writes the quoted form of S (csv_kind 1) at AT; returns its end. */
static char *csv_quote(char *at, const char *s)
{
    const char *p;
    *at++ = '"';
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
        *at++ = '\'';
    /* whole spans at a time, each quote doubled */
    while ((p = strchr(s, '"'))) {
        memcpy(at, s, (size_t)(p - s) + 1);
        at += p - s + 1;
        *at++ = '"';
        s = p + 1;
    }
    p = s + strlen(s);
    memcpy(at, s, (size_t)(p - s));
    at += p - s;
    *at++ = '"';
    return at;
}

/* Appends S as one CSV field (RFC 4180: quoted when it holds a comma, a
 * quote or a line break; quotes doubled). A field that a spreadsheet
 * would read as a formula (= + - @ first) is quoted after a ' so that it
 * stays text. */
static void csv_field(buf_t *b, const char *s, int last)
{
    size_t k;
    char *at;
    int quoted;
    if (!s)
        s = "";
    quoted = csv_kind(s, &k);
    if (!(at = buf_extend(b, k + 1 + (size_t)last)))
        return;
    if (quoted)
        at = csv_quote(at, s);
    else {
        memcpy(at, s, k);
        at += k;
    }
    if (last) {
        *at++ = '\r';
        *at = '\n';
    } else {
        *at = ',';
    }
}

/* Writes out what ROW holds: ERR_OK, ERR_NOSPACE or ERR_WRITE. */
static error_code csv_flush(csv_writer *w)
{
    if (w->row.len && fwrite(w->row.s, 1, w->row.len, w->f) != w->row.len)
        return errno == ENOSPC ? ERR_NOSPACE : ERR_WRITE;
    w->unsynced += w->row.len;
    buf_truncate(&w->row, 0);
#ifdef SYNC_FILE_RANGE_WRITE
    if (w->unsynced >= CSV_WRITEBACK && fileno(w->f) >= 0) {
        if (fflush(w->f))
            return errno == ENOSPC ? ERR_NOSPACE : ERR_WRITE;
        (void)sync_file_range(fileno(w->f), 0, 0, SYNC_FILE_RANGE_WRITE);
        w->unsynced = 0;
    }
#endif
    return ERR_OK;
}

/* The field of RULE's label ("...,"), or NULL when it is not a rule of a
 * return. What is remembered is the vocabulary's own copy of the rule's
 * name (a finding's may be transient: merge hands those of a return
 * document). */
static const buf_t *csv_rule_field(csv_writer *w, const char *rule)
{
    const vocab_item *rules;
    const char *label = NULL, *key = NULL;
    size_t i;
    int r;
    for (i = 0; i < w->n_seen; i++)
        if (w->seen[i].rule == rule || !strcmp(w->seen[i].rule, rule))
            return w->seen[i].label ? &w->seen[i].field : NULL;
    rules = vocab_enum(w->labels, "rule", NULL);
    if ((r = vocab_index(w->labels, "rule", rule)) < 0 || !rules)
        return NULL; /* not remembered: an "io" diagnostic is rare */
    key = rules[r].value;
    label = vocab_label(w->labels, "rule", key, w->lang);
    i = w->n_seen < CSV_RULES ? w->n_seen++ : w->next++ % CSV_RULES;
    w->seen[i].rule = key;
    w->seen[i].label = label;
    buf_truncate(&w->seen[i].field, 0);
    csv_field(&w->seen[i].field, label, 0);
    return &w->seen[i].field;
}

/* The field of FILE ("..."), made when it is not the last one's. */
static const buf_t *csv_file_field(csv_writer *w, const char *file)
{
    if (!file)
        file = "";
    if (w->file && !strcmp(w->file, file))
        return &w->file_field;
    free(w->file);
    if (!(w->file = strdup(file))) {
        w->file_field.oom = 1; /* said by csv_one */
        return &w->file_field;
    }
    buf_truncate(&w->file_field, 0);
    csv_field(&w->file_field, file, 0);
    return &w->file_field;
}

static error_code csv_one(void *ud, const diag *d)
{
    csv_writer *w = ud;
    char line[16], *p = line + sizeof line;
    unsigned n = d->line;
    const buf_t *rule = csv_rule_field(w, d->rule), *file, *sev;
    const char *var[CSV_VAR] = {d->message, d->community, d->household,
                                d->visit,   d->item,      d->cadre};
    size_t len[CSV_VAR], i, total, nline;
    int quoted[CSV_VAR];
    char *at;

    if (!rule)
        return ERR_OK; /* I/O problems are not findings of a return */
    file = csv_file_field(w, d->file);
    sev = &w->sev_field[d->severity == DIAG_WARNING];
    if (buf_error(file) != ERR_OK || buf_error(rule) != ERR_OK ||
        buf_error(sev) != ERR_OK)
        return ERR_NOMEM;
    *--p = ',';
    do
        *--p = (char)('0' + n % 10);
    while (n /= 10);
    nline = (size_t)(line + sizeof line - p);
    total = file->len + nline + rule->len + sev->len + CSV_VAR + 1;
    for (i = 0; i < CSV_VAR; i++) {
        if (!var[i])
            var[i] = "";
        quoted[i] = csv_kind(var[i], &len[i]);
        total += len[i];
    }
    /* one reservation, then copies */
    if (!(at = buf_extend(&w->row, total)))
        return ERR_NOMEM;
    memcpy(at, file->s, file->len);
    at += file->len;
    memcpy(at, p, nline);
    at += nline;
    memcpy(at, rule->s, rule->len);
    at += rule->len;
    memcpy(at, sev->s, sev->len);
    at += sev->len;
    for (i = 0; i < CSV_VAR; i++) {
        if (quoted[i]) {
            at = csv_quote(at, var[i]);
        } else {
            memcpy(at, var[i], len[i]);
            at += len[i];
        }
        *at++ = ',';
    }
    at[-1] = '\r';
    *at = '\n';
    return w->row.len >= CSV_CHUNK ? csv_flush(w) : ERR_OK;
}

/* Hands FN each diagnostic of the batch_in CTX, as it stored them. */
static error_code each_batch_diag(const void *ctx, diag_fn fn, void *ud)
{
    const batch_in *in = ctx;
    return batch_each_diag(in->b, in->lang, fn, ud);
}

error_code return_each_listed(const void *ctx, diag_fn fn, void *ud)
{
    retdoc_t *rd = (retdoc_t *)ctx;
    size_t i;
    error_code e = ERR_OK;

    for (i = 0; e == ERR_OK && i < retdoc_nfindings(rd); i++) {
        retdoc_finding f;
        diag d;
        if (retdoc_finding_at(rd, i, &f))
            break;
        memset(&d, 0, sizeof d);
        d.file = (char *)f.file;
        d.line = (unsigned)f.line;
        d.col = (unsigned)f.col;
        d.severity = strcmp(f.severity, "warning") ? DIAG_ERROR : DIAG_WARNING;
        d.rule = (char *)f.rule;
        d.message = (char *)f.message;
        d.community = (char *)f.community;
        d.household = (char *)f.household;
        d.visit = (char *)f.visit;
        d.item = (char *)f.item;
        d.cadre = (char *)f.cadre;
        e = fn(ud, &d);
    }
    if (e == ERR_OK)
        e = retdoc_error(rd);
    return e;
}

error_code return_write_csv(const batch_t *b, const vocab_t *labels,
                            const char *lang, const diag_lang *mlang,
                            const char *path, char **msg)
{
    batch_in in;
    in.b = b;
    in.lang = mlang;
    return return_write_csv_of(&in, each_batch_diag, labels, lang, path, msg);
}

return_csv *return_csv_new(const vocab_t *labels, const char *lang, FILE *f)
{
    static const char *const heads[10] = {
        "file",      "line",      "rule",  "severity", "message",
        "community", "household", "visit", "item",     "cadre"};
    csv_writer *w = calloc(1, sizeof *w);
    size_t i;
    if (!w)
        return NULL;
    w->f = f;
    w->labels = labels;
    w->lang = lang ? lang : "zh";
    csv_field(&w->sev_field[0],
              vocab_label(labels, "severity", diag_severity_name(DIAG_ERROR),
                          w->lang),
              0);
    csv_field(&w->sev_field[1],
              vocab_label(labels, "severity", diag_severity_name(DIAG_WARNING),
                          w->lang),
              0);
    /* BOM: Excel and WPS then read UTF-8 */
    buf_add(&w->row, "\xEF\xBB\xBF", 3);
    for (i = 0; i < 10; i++)
        csv_field(&w->row, vocab_label(labels, "word", heads[i], w->lang),
                  i == 9);
    if (buf_error(&w->row) != ERR_OK || buf_error(&w->sev_field[0]) != ERR_OK ||
        buf_error(&w->sev_field[1]) != ERR_OK) {
        return_csv_free(w);
        return NULL;
    }
    return w;
}

error_code return_csv_add(return_csv *c, const diag *d)
{
    if (c->err == ERR_OK)
        c->err = csv_one(c, d);
    return c->err;
}

static error_code csv_add(void *ud, const diag *d)
{
    return return_csv_add(ud, d);
}

error_code return_csv_finish(return_csv *c)
{
    if (c->err == ERR_OK)
        c->err = csv_flush(c);
    if (c->err == ERR_OK && (fflush(c->f) || ferror(c->f)))
        c->err = errno == ENOSPC ? ERR_NOSPACE : ERR_WRITE;
    return c->err;
}

void return_csv_free(return_csv *w)
{
    size_t i;
    if (!w)
        return;
    buf_free(&w->row);
    buf_free(&w->sev_field[0]);
    buf_free(&w->sev_field[1]);
    for (i = 0; i < w->n_seen; i++)
        buf_free(&w->seen[i].field);
    free(w->file);
    buf_free(&w->file_field);
    free(w);
}

error_code return_write_csv_of(
    const void *findings, error_code (*each)(const void *, diag_fn, void *),
    const vocab_t *labels, const char *lang, const char *path, char **msg)
{
    csv_writer *w;
    FILE *f;
    error_code rc;

    if (!(f = fopen(path, "wb")))
        return error_set(msg, ERR_WRITE, _("cannot create: %s"),
                         strerror(errno));
    if (!(w = return_csv_new(labels, lang, f)))
        rc = ERR_NOMEM;
    else if ((rc = each(findings, csv_add, w)) == ERR_OK)
        rc = return_csv_finish(w);
    return_csv_free(w);
    if (fclose(f) && rc == ERR_OK)
        rc = errno == ENOSPC ? ERR_NOSPACE : ERR_WRITE;
    if (rc == ERR_NOSPACE)
        error_set(msg, rc, _("no space left on device"));
    else if (rc != ERR_OK)
        error_set(msg, rc, "%s", error_string(rc));
    return rc;
}
