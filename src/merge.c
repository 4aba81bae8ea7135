/*
 * merge.c — see merge.h.
 *
 * Each input is read, checked and reduced to what a return is made of,
 * then freed, so memory is the community tallies (fixed arrays and a few
 * cadres each) and the sources — constant per unit — and the findings,
 * sorted within a fixed budget (below):
 *
 *   1. retdoc_load: the file as a hostile register would be read, and
 *      validated against return.xsd in the same pass; a register given
 *      instead is named as such (build takes it). The findings it lists
 *      are copied to a scratch file in $TMPDIR as they are parsed, as
 *      records read in place: an input that lists every finding of a
 *      million households costs no more memory than one that lists a
 *      thousand.
 *   2. format version and generator before the schema's complaints, so
 *      that a newer return is refused for what it is rather than for its
 *      first unknown attribute.
 *   3. the campaign (all five fields) against the first input's;
 *      partial returns only with allow_partial; the rule severities it
 *      was made with against the first input's (a finding counted as an
 *      error in one and a warning in another cannot be summed).
 *   4. each community unit read back into a tally (tally_read_unit); its
 *      code must be new (a community twice is counted twice), and so
 *      must each source's SHA-256 (a register inside two returns).
 *   5. its own figures must add up: return_assemble is run over its
 *      communities alone and every unit of the input compared, figure by
 *      figure, with the one recomputed (retdoc_diff). A community whose
 *      category total is not the sum of its statuses, or a roll-up that
 *      is not the sum of its communities, differs there. The one figure
 *      rows cannot recompute, where important opinions went
 *      (<reported>), must sum to important-reported.
 *
 * If anything was refused nothing is assembled. Otherwise return_assemble
 * gets every community, source and finding: the same writer as build,
 * hence the same return, byte for byte. It writes the bytes of
 * return.xml as a stream, to o->out as they are made when the caller
 * gives one (return_assemble_to: canvass merge does, and reads them back
 * from that file), so what merge holds per unit is a community's tally
 * (counts in fixed arrays, its cadres) and its sources. The findings the
 * inputs list (at most --max-findings per rule and community: 2,356 for a
 * dense 10,000-household community) are sorted in bounded memory
 * (findsort.c: runs in a temporary file in $TMPDIR, read back merged);
 * held as a list they took 0.9 MB a dense community.
 */
#define _GNU_SOURCE 1 /* fopencookie */
#include "merge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/hash.h>
#include <nettle/sha2.h>

#include "buf.h"
#include "findsort.h"
#include "output.h"
#include "return.h"
#include "tally.h"
#include "i18n.h"

#define MAX_DIFFS 20 /* figure differences listed per input */

typedef struct {
    char *file, *sha256, *community;
    unsigned long long size, errors, warnings;
    int included;
    const char *from; /* the input it came in (borrowed) */
} msource;

typedef struct {
    tally_t *t;
    const char *from;
} mcomm;

typedef struct {
    const merge_opts *o;
    merge_result *res;
    msource *src;
    size_t nsrc, csrc;
    mcomm *cs;
    size_t ncs, ccs;
    xmlHashTablePtr by_code;       /* community code -> index + 1 in cs */
    xmlHashTablePtr by_sha;        /* SHA-256 -> index + 1 in src */
    findsort_t *findings;          /* what the inputs list, to be sorted */
    error_code spill_e;            /* its temporary file could not be written */
    error_code sort_e;             /* ...nor, while listed, written or read */
    return_not_listed *not_listed; /* the inputs' <notListed>, strings
                                    * malloc'd */
    size_t nnot_listed, cnot_listed;
    char *campaign[5];
    const char *first; /* the input the campaign came from */
    const char *cur;   /* the input being read */
    audit_opts sev;
    const char *sev_from;
    int partial;
    int nomem;
    uint64_t bytes; /* of the inputs read so far (o->progress) */
} merger;

__attribute__((format(printf, 2, 3))) static void refuse(merger *m,
                                                         const char *fmt, ...)
{
    merge_result *r = m->res;
    buf_t b = BUF_INIT;
    va_list ap;
    char buf[1024], *file = NULL;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    buf_puts(&b, buf);
    if (buf_error(&b) != ERR_OK || (m->cur && !(file = strdup(m->cur))) ||
        GROW(r->refusals, r->nrefusals + 1, r->crefusals) != ERR_OK) {
        buf_free(&b);
        free(file);
        m->nomem = 1;
        return;
    }
    r->refusals[r->nrefusals].file = file;
    r->refusals[r->nrefusals++].message = buf_detach(&b);
}

static char *mdup(merger *m, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        m->nomem = 1;
    return d;
}

/* "canvass 1.2.3" -> 1, with V[3]; 0 when not a canvass generator. */
static int parse_version(const char *s, long v[3])
{
    char *end;
    int i;
    if (!s)
        return 0;
    if (!strncmp(s, "canvass ", 8))
        s += 8;
    for (i = 0; i < 3; i++) {
        v[i] = strtol(s, &end, 10);
        if (end == s || v[i] < 0)
            return 0;
        s = end;
        if (i < 2) {
            if (*s != '.')
                return 0;
            s++;
        }
    }
    return *s == 0;
}

static int newer(const long a[3], const long b[3])
{
    int i;
    for (i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] > b[i];
    return 0;
}

void merge_severities(retdoc_t *rd, audit_opts *a)
{
    const retdoc_unit *u = retdoc_unit_in_doc(rd, 0);
    const xmlNode *r;
    audit_opts_default(a);
    for (r = retdoc_child(retdoc_child(u ? u->node : NULL, "audit"), "rule"); r;
         r = retdoc_next(r->next, "rule")) {
        int k = audit_rule_find(retdoc_attr0(rd, r, "value"));
        const char *s = retdoc_attr0(rd, r, "severity");
        if (k < 0)
            continue;
        a->severity[k] = !strcmp(s, "off")       ? AUDIT_OFF
                         : !strcmp(s, "warning") ? AUDIT_WARNING
                                                 : AUDIT_ERROR;
    }
}

/* The name of unit U in a message: its code, or its level for 'all'. */
static const char *unit_name(const retdoc_unit *u)
{
    return *u->code ? u->code : u->level;
}

typedef struct {
    merger *m;
    const char *path;
    const retdoc_unit *u;
    size_t n;
} diffctx;

static int on_diff(void *ud, const char *path, const char *a, const char *b)
{
    diffctx *d = ud;
    if (d->n++ < MAX_DIFFS)
        refuse(d->m,
               strcmp(d->u->level, RETDOC_LEVEL_COMMUNITY)
                   ? _("%s: unit %s, %s: the return says %s, its communities "
                       "give %s: the return does not add up; make it again "
                       "with canvass")
                   : _("%s: unit %s, %s: the return says %s, its own rows "
                       "give %s: the return does not add up; make it again "
                       "with canvass"),
               d->path, unit_name(d->u), path, a ? a : _("nothing"),
               b ? b : _("nothing"));
    return 0;
}

/* A unit's important opinions reported, by where they went (<reported>),
 * must sum to its important-reported: the one figure of a community that
 * its category rows cannot recompute. */
static void reported_check(merger *m, const char *path, retdoc_t *rd,
                           const retdoc_unit *u)
{
    const xmlNode *op = retdoc_child(u->node, "opinions"), *r;
    unsigned long long sum = 0,
                       want = retdoc_count(rd, op, "important-reported");
    for (r = retdoc_child(op, "reported"); r;
         r = retdoc_next(r->next, "reported"))
        sum += retdoc_count(rd, r, "important");
    if (op && sum != want)
        refuse(m,
               P_("%s: unit %s, opinions/reported: the return says %llu "
                  "important opinion was reported, its destinations add up "
                  "to %llu: the return does not add up; make it again with "
                  "canvass",
                  "%s: unit %s, opinions/reported: the return says %llu "
                  "important opinions were reported, its destinations add up "
                  "to %llu: the return does not add up; make it again with "
                  "canvass",
                  want),
               path, unit_name(u), want, sum);
}

/* A stream's bytes into a SHA-256 (as_written). */
typedef struct {
    struct sha256_ctx sha;
    uint64_t n;
} digest_sink;

static ssize_t digest_write(void *cookie, const char *b, size_t n)
{
    digest_sink *d = cookie;
    sha256_update(&d->sha, n, (const uint8_t *)b);
    d->n += n;
    return (ssize_t)n;
}

/* Whether the input RD, read as F (the digest and length of its bytes),
 * is byte for byte the return return_assemble writes from what merge read
 * of it: its campaign, sources, communities TS, findings and NL (its
 * <notListed>), with its cap, generator and severities SEV. Then every
 * unit follows from its communities (the units are written from them
 * alone), which is what self_check asks: a return canvass wrote, unedited,
 * is checked at the cost of writing it (into a SHA-256, not memory: a
 * return can list every finding), not of a tree and a figure-by-figure
 * walk. Any other input (another layout, an older generator, an edit) is
 * 0 and gets that walk. -1 on no memory. */
static int as_written(merger *m, retdoc_t *rd, tally_t *const *ts, size_t nt,
                      const audit_opts *sev, const return_not_listed *nl,
                      size_t nnl, const retdoc_file *f)
{
    const retdoc_campaign *c = retdoc_campaign_of(rd);
    const xmlNode *root = retdoc_root(rd);
    retdoc_source *src = NULL;
    return_parts p;
    return_opts ro;
    unsigned long long cap;
    cookie_io_functions_t io = {.write = digest_write};
    digest_sink sink;
    uint8_t sha[SHA256_DIGEST_SIZE];
    char *msg = NULL, *gen;
    size_t i, len;
    FILE *out;
    int same = -1;

    memset(&p, 0, sizeof p);
    p.campaign[0] = c->id, p.campaign[1] = c->title, p.campaign[2] = c->start;
    p.campaign[3] = c->end, p.campaign[4] = c->reported;
    p.partial = retdoc_partial(rd);
    if (!(src = calloc(retdoc_nsources(rd) + 1, sizeof *src)))
        return -1;
    for (i = 0; i < retdoc_nsources(rd); i++)
        src[i] = *retdoc_source_at(rd, i);
    p.sources = src;
    p.nsources = retdoc_nsources(rd);
    p.communities = ts;
    p.ncommunities = nt;
    p.findings = rd;
    p.each_finding = return_each_listed;
    p.not_listed = nl;
    p.nnot_listed = nnl;
    gen = (char *)retdoc_attr(rd, root, "generator");
    memset(&ro, 0, sizeof ro);
    ro.vocab = m->o->vocab;
    ro.rvocab = m->o->rvocab;
    ro.audit = sev;
    ro.max_findings = retdoc_findings_limit(rd, &cap) && cap < SIZE_MAX
                          ? (size_t)cap
                          : SIZE_MAX;
    ro.generator = gen ? gen : "";
    ro.lang = NULL; /* the findings are its own text */
    sha256_init(&sink.sha);
    sink.n = 0;
    if ((out = fopencookie(&sink, "w", io))) {
        error_code e = return_assemble_to(&p, &ro, out, &len, &msg);
        if (!fclose(out) && e == ERR_OK) {
            sha256_digest(&sink.sha, sizeof sha, sha);
            same = sink.n == f->size && !memcmp(sha, f->sha256, sizeof sha);
        }
    }
    free(src);
    free(msg);
    return same;
}

/* Step 5: the input's units against those its communities make; and
 * where each unit's important opinions went against how many were
 * reported. F: the input as read (as_written). */
static void self_check(merger *m, const char *path, retdoc_t *rd,
                       tally_t *const *ts, size_t nt, const audit_opts *sev,
                       const return_not_listed *nl, size_t nnl,
                       const retdoc_file *f)
{
    const retdoc_campaign *c = retdoc_campaign_of(rd);
    return_parts p;
    return_opts ro;
    diag_list none = {0};
    xmlDocPtr doc = NULL;
    retdoc_t *re = NULL;
    char *msg = NULL, *xml = NULL;
    size_t i, len;
    diffctx d;

    switch (as_written(m, rd, ts, nt, sev, nl, nnl, f)) {
    case 1: /* its units are its communities' */
        for (i = 0; i < retdoc_nunits(rd); i++)
            reported_check(m, path, rd, retdoc_unit_in_doc(rd, i));
        return;
    case 0:
        break;
    default:
        m->nomem = 1;
        return;
    }
    memset(&p, 0, sizeof p);
    p.campaign[0] = c->id, p.campaign[1] = c->title, p.campaign[2] = c->start;
    p.campaign[3] = c->end, p.campaign[4] = c->reported;
    p.communities = ts;
    p.ncommunities = nt;
    p.findings = &none;
    ro.vocab = m->o->vocab;
    ro.rvocab = m->o->rvocab;
    ro.audit = sev;
    ro.max_findings = SIZE_MAX;
    ro.generator = m->o->generator;
    ro.lang = NULL; /* no findings: the figures only */
    if (return_assemble(&p, &ro, &xml, &len, &msg) != ERR_OK ||
        return_parse(xml, len, &doc, &msg) != ERR_OK ||
        retdoc_open(doc, NULL, &re, &msg) != ERR_OK) {
        m->nomem = 1;
        goto done;
    }
    memset(&d, 0, sizeof d);
    d.m = m;
    d.path = path;
    for (i = 0; i < retdoc_nunits(rd); i++) {
        const retdoc_unit *u = retdoc_unit_in_doc(rd, i);
        const retdoc_unit *v = retdoc_find(re, u->level, u->code);
        d.u = u;
        reported_check(m, path, rd, u);
        if (!v) {
            if (d.n++ < MAX_DIFFS)
                refuse(m,
                       _("%s: unit %s (%s) does not follow from the "
                         "communities of the return: the return does not "
                         "add up; make it again with canvass"),
                       path, unit_name(u), u->level);
        } else if (retdoc_diff(rd, u->node, re, v->node, on_diff, &d) < 0) {
            m->nomem = 1;
        }
    }
    for (i = 0; i < retdoc_nunits(re); i++) {
        const retdoc_unit *v = retdoc_unit_in_doc(re, i);
        if (!retdoc_find(rd, v->level, v->code) && d.n++ < MAX_DIFFS)
            refuse(m,
                   _("%s: the return lacks the %s unit %s that its "
                     "communities make: the return does not add up; make "
                     "it again with canvass"),
                   path, v->level, unit_name(v));
    }
    if (d.n > MAX_DIFFS)
        refuse(m, _("%s: %zu more figures do not add up"), path,
               d.n - MAX_DIFFS);
done:
    free(msg);
    retdoc_free(re);
    xmlFreeDoc(doc);
    free(xml); /* after the tree that borrows it */
}

/* return_each_listed's FN: a finding of an input kept (copied). */
static error_code take_finding(void *ud, const diag *d)
{
    merger *m = ud;
    error_code e = findsort_add(m->findings, d);
    if (e == ERR_WRITE || e == ERR_NOSPACE)
        m->spill_e = e;
    return e;
}

/* Steps 3-5 for the valid return RD read from PATH as F. */
static void take(merger *m, const char *path, retdoc_t *rd,
                 const retdoc_file *f)
{
    const retdoc_campaign *c = retdoc_campaign_of(rd);
    const char *camp[5];
    audit_opts sev;
    tally_t **mine = NULL;
    size_t i, nmine = 0, ncomm = 0, refused = m->res->nrefusals;
    size_t nl_first = m->nnot_listed; /* this input's <notListed> */

    camp[0] = c->id, camp[1] = c->title, camp[2] = c->start;
    camp[3] = c->end, camp[4] = c->reported;
    if (!m->first) {
        for (i = 0; i < 5; i++)
            m->campaign[i] = mdup(m, camp[i]);
        m->first = path;
    } else if (!return_same_campaign((const char *const *)m->campaign, camp)) {
        char *msg = return_campaign_clash(
            m->first, (const char *const *)m->campaign, path, camp);
        if (!msg)
            m->nomem = 1;
        else
            refuse(m, "%s", msg);
        free(msg);
        return;
    }
    if (retdoc_partial(rd)) {
        if (!m->o->allow_partial) {
            refuse(m,
                   _("%s is a partial return (registers were left out of "
                     "it): merge it with --allow-partial, which marks the "
                     "merged return partial, or have it made again "
                     "complete"),
                   path);
            return;
        }
        m->partial = 1;
    }
    merge_severities(rd, &sev);
    if (retdoc_nunits(rd)) {
        if (!m->sev_from) {
            m->sev = sev;
            m->sev_from = path;
        } else if (memcmp(m->sev.severity, sev.severity, sizeof sev.severity)) {
            refuse(m,
                   _("%s and %s were made with different rule severities "
                     "(--rule): a finding that is an error in one and a "
                     "warning in the other cannot be added up; make them "
                     "with the same --rule options"),
                   m->sev_from, path);
            return;
        }
    }

    /* step 4: communities */
    for (i = 0; i < retdoc_nunits(rd); i++)
        ncomm +=
            !strcmp(retdoc_unit_in_doc(rd, i)->level, RETDOC_LEVEL_COMMUNITY);
    if (!(mine = calloc(ncomm ? ncomm : 1, sizeof *mine))) {
        m->nomem = 1;
        return;
    }
    for (i = 0; i < retdoc_nunits(rd) && !m->nomem; i++) {
        const retdoc_unit *u = retdoc_unit_in_doc(rd, i);
        void *seen;
        tally_t *t;
        if (strcmp(u->level, RETDOC_LEVEL_COMMUNITY))
            continue;
        if ((seen = xmlHashLookup(m->by_code, BAD_CAST u->code))) {
            refuse(m,
                   _("community %s is in both %s and %s: a community is "
                     "merged once; leave one of them out"),
                   u->code, m->cs[(size_t)(uintptr_t)seen - 1].from, path);
            continue;
        }
        if (!(t = tally_new(m->o->vocab))) {
            m->nomem = 1;
            break;
        }
        if (tally_read_unit(t, rd, u, m->o->rvocab) != ERR_OK ||
            GROW(m->cs, m->ncs + 1, m->ccs) != ERR_OK ||
            xmlHashAddEntry(m->by_code, BAD_CAST u->code,
                            (void *)(uintptr_t)(m->ncs + 1)) < 0) {
            tally_free(t);
            m->nomem = 1;
            break;
        }
        m->cs[m->ncs].t = t;
        m->cs[m->ncs++].from = path;
        mine[nmine++] = t;
    }
    for (i = 0; i < retdoc_nsources(rd) && !m->nomem; i++) {
        const retdoc_source *s = retdoc_source_at(rd, i);
        void *seen = xmlHashLookup(m->by_sha, BAD_CAST s->sha256);
        msource *d;
        if (seen) {
            const msource *o = &m->src[(size_t)(uintptr_t)seen - 1];
            refuse(m,
                   _("register %s (SHA-256 %.12s...) is in both %s (as "
                     "%s) and %s: a register is counted once; leave one "
                     "of them out"),
                   s->file, s->sha256, o->from, o->file, path);
            continue;
        }
        if (GROW(m->src, m->nsrc + 1, m->csrc) != ERR_OK ||
            xmlHashAddEntry(m->by_sha, BAD_CAST s->sha256,
                            (void *)(uintptr_t)(m->nsrc + 1)) < 0) {
            m->nomem = 1;
            break;
        }
        d = &m->src[m->nsrc++];
        memset(d, 0, sizeof *d);
        d->file = mdup(m, s->file);
        d->sha256 = mdup(m, s->sha256);
        d->community = mdup(m, s->community);
        d->size = s->size;
        d->errors = s->errors;
        d->warnings = s->warnings;
        d->included = s->included;
        d->from = path;
        if (!s->included) {
            buf_t b = BUF_INIT;
            /* TRANSLATORS: a register left out, and the return naming it */
            buf_printf(&b, _("%s (in %s)"), s->file, path);
            if (buf_error(&b) != ERR_OK ||
                GROW(m->res->excluded, m->res->nexcluded + 1,
                     m->res->cexcluded) != ERR_OK) {
                buf_free(&b);
                m->nomem = 1;
                break;
            }
            m->res->excluded[m->res->nexcluded++] = buf_detach(&b);
        }
    }
    /* findings, as diagnostics to be sorted with everyone else's */
    if (!m->nomem && return_each_listed(rd, take_finding, m) != ERR_OK)
        m->nomem = 1;
    /* what the input left out of its lists, per rule and community: the
     * merged return adds them to its own <notListed> counts */
    {
        const xmlNode *fl = retdoc_child(retdoc_root(rd), RETDOC_FINDINGS), *nl;
        for (nl = retdoc_child(fl, RETDOC_NOT_LISTED); nl && !m->nomem;
             nl = retdoc_next(nl->next, RETDOC_NOT_LISTED)) {
            const char *rule = retdoc_attr(rd, nl, "rule");
            const char *comm = retdoc_attr(rd, nl, "community");
            return_not_listed *x;
            if (!rule)
                continue;
            if (GROW(m->not_listed, m->nnot_listed + 1, m->cnot_listed) !=
                ERR_OK) {
                m->nomem = 1;
                break;
            }
            x = &m->not_listed[m->nnot_listed];
            x->rule = strdup(rule);
            x->community = comm ? strdup(comm) : NULL;
            x->count = retdoc_count(rd, nl, "count");
            {
                unsigned long long cap;
                if (!retdoc_findings_limit(rd, &cap) ||
                    cap < m->o->max_findings)
                    m->res->not_relisted += x->count;
            }
            if (!x->rule || (comm && !x->community)) {
                free((char *)x->rule);
                free((char *)x->community);
                m->nomem = 1;
                break;
            }
            m->nnot_listed++;
        }
    }
    if (retdoc_error(rd) != ERR_OK)
        m->nomem = 1;
    /* a return with a community or register refused above lacks what its
     * own units count: checking them would only say so again */
    if (!m->nomem && m->res->nrefusals == refused)
        self_check(m, path, rd, mine, nmine, &sev,
                   m->nnot_listed > nl_first ? m->not_listed + nl_first : NULL,
                   m->nnot_listed - nl_first, f);
    free(mine);
}

/* Steps 1-2, then take. */
static void read_one(merger *m, const char *path)
{
    merge_result *r = m->res;
    retdoc_file rf;
    retdoc_t *rd = NULL;
    char *msg = NULL;
    const char *ver, *gen;
    long have[3], mine[3];
    error_code e =
        retdoc_load(path, m->o->rschema, RETDOC_LOAD_LIST, &r->diags, &rf);

    if (e == ERR_OPEN || e == ERR_NOT_REGULAR || e == ERR_READ ||
        e == ERR_WRITE || e == ERR_NOSPACE) {
        r->io_failed = 1;
        goto done;
    }
    if (e == ERR_NOMEM) {
        m->nomem = 1;
        goto done;
    }
    if (rf.kind == RETDOC_KIND_REGISTER) {
        refuse(m,
               _("%s is a register, not a return: canvass build takes "
                 "registers (and writes return.xml); canvass merge takes "
                 "the return.xml files that build and merge write"),
               path);
        goto done;
    }
    if (e != ERR_OK)
        goto done; /* diagnostics given */
    {
        xmlNodePtr root = xmlDocGetRootElement(rf.doc);
        xmlChar *v = xmlGetProp(root, BAD_CAST "version");
        xmlChar *g = xmlGetProp(root, BAD_CAST "generator");
        ver = v ? (const char *)v : "";
        gen = g ? (const char *)g : "";
        if (strcmp(ver, RETURN_FORMAT_VERSION))
            refuse(m,
                   _("%s is a return of format version \"%s\"; this "
                     "canvass reads format version %s: merge it with the "
                     "canvass that made it"),
                   path, ver, RETURN_FORMAT_VERSION);
        else if (!parse_version(gen, have))
            refuse(m,
                   _("%s was made by \"%s\", not by canvass: merge "
                     "returns that canvass wrote"),
                   path, gen);
        else if (parse_version(m->o->version, mine) && newer(have, mine))
            refuse(m,
                   _("%s was made by %s, newer than this canvass %s: "
                     "merge it with canvass %ld.%ld.%ld or later"),
                   path, gen, m->o->version, have[0], have[1], have[2]);
        else
            ver = NULL; /* go on */
        xmlFree(v);
        xmlFree(g);
    }
    if (ver)
        goto done;
    if (!rf.valid) { /* its version is ours: what the schema said */
        if (diag_list_take(&r->diags, &rf.invalid) != ERR_OK)
            m->nomem = 1;
        goto done;
    }
    if (retdoc_open(rf.doc, m->o->rvocab, &rd, &msg) != ERR_OK) {
        m->nomem = 1;
        goto done;
    }
    take(m, path, rd, &rf);
done:
    m->bytes += rf.size;
    free(msg);
    retdoc_free(rd);
    retdoc_file_close(&rf);
}

/* FN and its UD, and what FN last returned (each_listed). */
typedef struct {
    diag_fn fn;
    void *ud;
    error_code e;
} listed_call;

static error_code listed_fn(void *ud, const diag *d)
{
    listed_call *c = ud;
    return c->e = c->fn(c->ud, d);
}

/* Hands FN each finding of the merger CTX's sort: (file, line) order. A
 * failure of the sort itself (its last run written, its runs read back)
 * is kept in sort_e, to be told as such, not as the return's. */
static error_code each_listed(const void *ctx, diag_fn fn, void *ud)
{
    merger *m = (merger *)ctx;
    listed_call c = {fn, ud, ERR_OK};
    error_code e = findsort_each(m->findings, listed_fn, &c);
    if (e != ERR_OK && c.e == ERR_OK)
        m->sort_e = e;
    return e;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

error_code merge_run(const char *const *paths, size_t n, const merge_opts *o,
                     merge_result *res)
{
    merger m;
    const char **sorted = NULL;
    retdoc_source *src = NULL;
    tally_t **ts = NULL;
    size_t i;
    error_code rc = ERR_OK;

    memset(res, 0, sizeof *res);
    memset(&m, 0, sizeof m);
    m.o = o;
    m.res = res;
    audit_opts_default(&m.sev);
    if (!(m.by_code = xmlHashCreate(64)) || !(m.by_sha = xmlHashCreate(64)) ||
        !(m.findings = findsort_new(o->sort_budget)) ||
        !(sorted = calloc(n ? n : 1, sizeof *sorted)))
        goto nomem;
    /* in name order: messages and the first campaign do not depend on
     * the order the returns were named in */
    memcpy(sorted, paths, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_path);
    for (i = 0; i < n && !m.nomem; i++) {
        if (o->stop && *o->stop) {
            res->interrupted = 1;
            rc = ERR_INTERRUPTED;
            goto done;
        }
        m.cur = sorted[i];
        read_one(&m, sorted[i]);
        if (o->progress)
            o->progress(o->progress_ud, m.bytes, i + 1, n);
    }
    m.cur = NULL;
    if (m.spill_e != ERR_OK) {
        res->error = error_format(
            _("cannot write the findings to sort to a temporary file in %s: "
              "%s"),
            output_tmpdir(), strerror(m.spill_e == ERR_NOSPACE ? ENOSPC : EIO));
        res->spill = 1;
        rc = m.spill_e;
        goto done;
    }
    if (m.nomem)
        goto nomem;
    if (res->diags.n || res->nrefusals || res->io_failed)
        goto done;
    if (!m.first) {
        refuse(&m, _("no return to merge"));
        goto done;
    }
    if (!(src = calloc(m.nsrc ? m.nsrc : 1, sizeof *src)) ||
        !(ts = calloc(m.ncs ? m.ncs : 1, sizeof *ts)))
        goto nomem;
    for (i = 0; i < m.nsrc; i++) {
        src[i].file = m.src[i].file;
        src[i].sha256 = m.src[i].sha256;
        src[i].community = m.src[i].community;
        src[i].size = m.src[i].size;
        src[i].errors = m.src[i].errors;
        src[i].warnings = m.src[i].warnings;
        src[i].included = m.src[i].included;
    }
    for (i = 0; i < m.ncs; i++)
        ts[i] = m.cs[i].t;
    {
        return_parts p;
        return_opts ro;
        char *msg = NULL;
        error_code e;
        memset(&p, 0, sizeof p);
        for (i = 0; i < 5; i++)
            p.campaign[i] = m.campaign[i];
        p.partial = m.partial;
        p.sources = src;
        p.nsources = m.nsrc;
        p.communities = ts;
        p.ncommunities = m.ncs;
        p.findings = &m;
        p.each_finding = each_listed;
        p.not_listed = m.not_listed;
        p.nnot_listed = m.nnot_listed;
        ro.vocab = o->vocab;
        ro.rvocab = o->rvocab;
        ro.audit = &m.sev;
        ro.max_findings = o->max_findings;
        ro.generator = o->generator;
        ro.lang = NULL; /* the findings are the inputs' text */
        e = o->out ? return_assemble_to(&p, &ro, o->out, &res->len, &msg)
                   : return_assemble(&p, &ro, &res->xml, &res->len, &msg);
        if (m.sort_e == ERR_WRITE || m.sort_e == ERR_NOSPACE ||
            m.sort_e == ERR_READ) {
            free(msg);
            res->error = error_format(
                m.sort_e == ERR_READ
                    ? _("cannot read back the findings sorted in a temporary "
                        "file in %s: %s")
                    : _("cannot write the findings to sort to a temporary "
                        "file in %s: %s"),
                output_tmpdir(),
                strerror(m.sort_e == ERR_NOSPACE ? ENOSPC : EIO));
            res->spill = 1;
            rc = m.sort_e;
            goto done;
        }
        if (e == ERR_WRITE || e == ERR_NOSPACE) {
            res->error = msg;
            rc = e;
            goto done;
        }
        free(msg);
        if (e != ERR_OK)
            goto nomem;
        res->made = 1;
    }
    goto done;
nomem:
    rc = ERR_NOMEM;
done:
    for (i = 0; i < m.ncs; i++)
        tally_free(m.cs[i].t);
    free(m.cs);
    for (i = 0; i < m.nsrc; i++) {
        free(m.src[i].file);
        free(m.src[i].sha256);
        free(m.src[i].community);
    }
    free(m.src);
    for (i = 0; i < 5; i++)
        free(m.campaign[i]);
    xmlHashFree(m.by_code, NULL);
    xmlHashFree(m.by_sha, NULL);
    findsort_free(m.findings);
    for (i = 0; i < m.nnot_listed; i++) {
        free((char *)m.not_listed[i].rule);
        free((char *)m.not_listed[i].community);
    }
    free(m.not_listed);
    free(sorted);
    free(src);
    free(ts);
    return rc;
}

void merge_result_clear(merge_result *res)
{
    size_t i;
    if (!res)
        return;
    free(res->xml);
    free(res->error);
    diag_list_clear(&res->diags);
    for (i = 0; i < res->nrefusals; i++) {
        free(res->refusals[i].file);
        free(res->refusals[i].message);
    }
    free(res->refusals);
    for (i = 0; i < res->nexcluded; i++)
        free(res->excluded[i]);
    free(res->excluded);
    memset(res, 0, sizeof *res);
}
