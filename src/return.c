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
 * One path writes every return: return_assemble, from community tallies,
 * sources and findings. build gathers those from a batch of registers
 * (return_build), merge from the returns it reads back; so a merged
 * return's roll-ups, rates and unions are computed by the very code that
 * computes build's, and the two agree byte for byte. Sources are written
 * by file name (no directory), then digest; findings in diag order over
 * those file names — an order both build and merge can reproduce.
 */
#include "return.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/dict.h>
#include <libxml/xmlsave.h>

#include "render.h"
#include "retdoc.h"
#include "tally.h"

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

static xmlNodePtr write_unit(xmlNodePtr root, xmlNsPtr ns, const char *level,
                             const char *code, const tally_t *t,
                             const community *cs, size_t n_cs,
                             const return_opts *o, const char **sev,
                             const char *name)
{
    xmlNodePtr u = xmlNewChild(root, ns, BAD_CAST RETDOC_UNIT, NULL), cov, c;
    size_t i;
    if (!u || retdoc_set(u, "level", level) || retdoc_set(u, "code", code) ||
        retdoc_set(u, "name", name ? name : "") ||
        retdoc_set_count(u, "communities",
                         strcmp(level, RETDOC_LEVEL_COMMUNITY) ? n_cs : 1))
        return NULL;
    /* where it sits: a community names its street, district and city; a
     * roll-up the levels above it */
    if (!strcmp(level, RETDOC_LEVEL_COMMUNITY) ||
        !strcmp(level, RETDOC_LEVEL_STREET))
        if (retdoc_set(u, "street", tally_field(t, "street")))
            return NULL;
    if (strcmp(level, RETDOC_LEVEL_CITY) && strcmp(level, RETDOC_LEVEL_ALL))
        if (retdoc_set(u, "district", tally_field(t, "district")))
            return NULL;
    if (strcmp(level, RETDOC_LEVEL_ALL) &&
        retdoc_set(u, "city", tally_field(t, "city")))
        return NULL;
    if (strcmp(level, RETDOC_LEVEL_COMMUNITY)) {
        if (!(cov = xmlNewChild(u, ns, BAD_CAST RETDOC_COVERS, NULL)))
            return NULL;
        for (i = 0; i < n_cs; i++)
            if (!(c = xmlNewChild(cov, ns, BAD_CAST RETDOC_COMMUNITY, NULL)) ||
                retdoc_set(c, "code", cs[i].code) ||
                retdoc_set(c, "name", tally_field(cs[i].t, "name")))
                return NULL;
    }
    return tally_write(t, u, ns, o->rvocab, sev) ? NULL : u;
}

/* Roll-ups of LEVEL (its code prefix, retdoc_level_digits; none for
 * "all") over the sorted communities CS. */
static int rollups(xmlNodePtr root, xmlNsPtr ns, const char *level,
                   const char *field, const community *cs, size_t n,
                   const return_opts *o, const vocab_t *v, const char **sev)
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
            if (!write_unit(root, ns, level, code, sum, cs + i, j - i, o, sev,
                            name)) {
                tally_free(sum);
                return -1;
            }
            tally_free(sum);
        }
        i = j;
    }
    return 0;
}

static int write_findings(xmlNodePtr root, xmlNsPtr ns, const diag_list *l,
                          unsigned long long omitted_before,
                          const return_opts *o)
{
    xmlNodePtr f = xmlNewChild(root, ns, BAD_CAST RETDOC_FINDINGS, NULL), d;
    size_t i, n_rules, *listed;
    unsigned long omitted = (unsigned long)omitted_before;
    int rc = -1;

    vocab_enum(o->rvocab, "rule", &n_rules);
    if (!f || !(listed = calloc(n_rules + 1, sizeof *listed)))
        return -1;
    for (i = 0; i < l->n; i++) {
        const diag *x = &l->v[i];
        int r = vocab_index(o->rvocab, "rule", x->rule);
        if (r < 0)
            continue; /* I/O problems are not findings of a return */
        if (o->max_findings && listed[r] >= o->max_findings) {
            omitted++;
            continue;
        }
        listed[r]++;
        if (!(d = xmlNewTextChild(f, ns, BAD_CAST RETDOC_FINDING,
                                  BAD_CAST x->message)) ||
            retdoc_set(d, "file", x->file) ||
            retdoc_set_count(d, "line", x->line) ||
            retdoc_set_count(d, "col", x->col) ||
            retdoc_set(d, "severity", diag_severity_name(x->severity)) ||
            retdoc_set(d, "rule", x->rule) ||
            retdoc_set(d, "community", x->community) ||
            retdoc_set(d, "household", x->household) ||
            retdoc_set(d, "visit", x->visit) ||
            retdoc_set(d, "item", x->item) || retdoc_set(d, "cadre", x->cadre))
            goto fail;
    }
    rc = retdoc_set_count(f, "omitted", omitted);
fail:
    free(listed);
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
        return error_format("%s is of campaign \"%s\" and %s of campaign "
                            "\"%s\": one return per campaign",
                            file_a, a[0] ? a[0] : "", file_b, b[0] ? b[0] : "");
    return error_format("%s and %s are both of campaign \"%s\" but give it "
                        "a different %s (%s, %s): one return per campaign; "
                        "correct the register that is wrong",
                        file_a, file_b, a[0] ? a[0] : "", what[i],
                        a[i] ? a[i] : "", b[i] ? b[i] : "");
}

error_code return_assemble(const return_parts *p, const return_opts *o,
                           xmlDocPtr *out, char **msg)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n;
    xmlNsPtr ns;
    community *cs = NULL;
    retdoc_source *src = NULL;
    const char **sev = NULL;
    const vocab_t *v = o->vocab;
    size_t i, nc = p->ncommunities, n_rules;
    error_code rc;

    *out = NULL;
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
    diag_list_sort(p->findings);

    if (!(doc = xmlNewDoc(BAD_CAST "1.0")))
        goto nomem;
    /* element and attribute names interned once, as a parsed document's
     * are: a merged return has hundreds of units of hundreds of rows */
    if (!(doc->dict = xmlDictCreate()) ||
        !(root = xmlNewDocNode(doc, NULL, BAD_CAST RETDOC_RETURN, NULL)))
        goto nomem;
    xmlDocSetRootElement(doc, root);
    if (!(ns = xmlNewNs(root, BAD_CAST RETURN_NS, NULL)))
        goto nomem;
    xmlSetNs(root, ns);
    if (retdoc_set(root, "version", RETURN_FORMAT_VERSION) ||
        retdoc_set(root, "generator", o->generator) ||
        retdoc_set(root, "partial", p->partial ? "true" : "false"))
        goto nomem;
    if (!(n = xmlNewChild(root, ns, BAD_CAST RETDOC_CAMPAIGN, NULL)) ||
        retdoc_set(n, "id", p->campaign[0]) ||
        retdoc_set(n, "title", p->campaign[1]) ||
        retdoc_set(n, "start", p->campaign[2]) ||
        retdoc_set(n, "end", p->campaign[3]) ||
        retdoc_set(n, "reported", p->campaign[4]))
        goto nomem;
    if (!(n = xmlNewChild(root, ns, BAD_CAST RETDOC_SOURCES, NULL)))
        goto nomem;
    for (i = 0; i < p->nsources; i++) {
        const retdoc_source *r = &src[i];
        xmlNodePtr s = xmlNewChild(n, ns, BAD_CAST RETDOC_SOURCE, NULL);
        if (!s || retdoc_set(s, "file", r->file) ||
            retdoc_set_count(s, "size", (unsigned long)r->size) ||
            retdoc_set(s, "sha256", r->sha256) ||
            retdoc_set(s, "included", r->included ? "true" : "false") ||
            retdoc_set(s, "community",
                       r->community && *r->community ? r->community : NULL) ||
            retdoc_set_count(s, "errors", (unsigned long)r->errors) ||
            retdoc_set_count(s, "warnings", (unsigned long)r->warnings))
            goto nomem;
    }
    for (i = 0; i < nc; i++)
        if (!write_unit(root, ns, RETDOC_LEVEL_COMMUNITY, cs[i].code, cs[i].t,
                        cs + i, 1, o, sev, tally_field(cs[i].t, "name")))
            goto nomem;
    if (nc >= 2 &&
        (rollups(root, ns, RETDOC_LEVEL_STREET, "street", cs, nc, o, v, sev) ||
         rollups(root, ns, RETDOC_LEVEL_DISTRICT, "district", cs, nc, o, v,
                 sev) ||
         rollups(root, ns, RETDOC_LEVEL_CITY, "city", cs, nc, o, v, sev) ||
         rollups(root, ns, RETDOC_LEVEL_ALL, NULL, cs, nc, o, v, sev)))
        goto nomem;
    if (write_findings(root, ns, p->findings, p->omitted, o))
        goto nomem;
    *out = doc;
    doc = NULL;
    rc = ERR_OK;
    goto done;
nomem:
    rc = error_set(msg, ERR_NOMEM, "out of memory");
done:
    xmlFreeDoc(doc);
    free(cs);
    free(src);
    free(sev);
    return rc;
}

error_code return_build(const batch_t *b, const return_opts *o, xmlDocPtr *out,
                        char **msg)
{
    return_parts p;
    community *cs = NULL;
    tally_t **ts = NULL;
    retdoc_source *src = NULL;
    diag_list found = {0};
    const batch_reg *first = NULL;
    size_t i, nc = 0;
    error_code rc;

    *out = NULL;
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
                return error_set(msg, ERR_NOMEM, "out of memory");
            rc = error_set(msg, ERR_INVALID, "%s", m);
            free(m);
            return rc;
        }
    }
    if (!first)
        return error_set(msg, ERR_INVALID,
                         "no valid register to compile a return from");
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
        src[i].sha256 = r->rr.sha256;
        src[i].community = r->community;
        src[i].size = r->rr.size;
        src[i].errors = r->errors;
        src[i].warnings = r->warnings;
        src[i].included = r->included;
    }
    for (i = 0; i < b->diags.n; i++) {
        diag d = b->diags.v[i];
        if (vocab_index(o->rvocab, "rule", d.rule) < 0)
            continue; /* I/O problems are not findings of a return */
        d.file = (char *)base_name(d.file);
        if (diag_list_add(&found, &d) != ERR_OK)
            goto nomem;
    }
    for (i = 0; i < 5; i++)
        p.campaign[i] = first->campaign[i];
    p.sources = src;
    p.nsources = b->n;
    p.communities = ts;
    p.ncommunities = nc;
    p.findings = &found;
    rc = return_assemble(&p, o, out, msg);
    goto done;
nomem:
    rc = error_set(msg, ERR_NOMEM, "out of memory");
done:
    if (cs)
        for (i = 0; i < nc; i++)
            tally_free(cs[i].t);
    free(cs);
    free(ts);
    free(src);
    diag_list_clear(&found);
    return rc;
}

/* Keeps the first schema error as "line N: message" in *CTX. */
static void first_error(void *ctx, xmlErrorPtr e)
{
    char **msg = ctx;
    size_t n;
    if (*msg || !e || !e->message)
        return;
    n = strlen(e->message);
    *msg = error_format("line %d: %.*s", e->line,
                        (int)(n && e->message[n - 1] == '\n' ? n - 1 : n),
                        e->message);
}

error_code return_validate(xmlDocPtr doc, xmlSchemaPtr schema, char **msg)
{
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
    char *first = NULL;
    int rc;
    if (!v)
        return error_set(msg, ERR_NOMEM, "out of memory");
    xmlSchemaSetValidStructuredErrors(v, first_error, &first);
    rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    if (rc == 0) {
        free(first);
        return ERR_OK;
    }
    if (rc < 0) { /* libxml2 failed, not the return */
        free(first);
        return error_set(msg, ERR_INTERNAL,
                         "libxml2 could not validate "
                         "the return");
    }
    if (!first)
        return error_set(msg, ERR_INVALID, "the return is not valid");
    if (msg) {
        free(*msg);
        *msg = first;
    } else {
        free(first);
    }
    return ERR_INVALID;
}

error_code return_serialize(xmlDocPtr doc, char **buf, size_t *len)
{
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem)
        return ERR_NOMEM;
    *buf = malloc((size_t)size + 1);
    if (!*buf) {
        xmlFree(mem);
        return ERR_NOMEM;
    }
    memcpy(*buf, mem, (size_t)size + 1);
    *len = (size_t)size;
    xmlFree(mem);
    return ERR_OK;
}
