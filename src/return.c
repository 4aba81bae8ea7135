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
 */
#include "return.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int write_findings(xmlNodePtr root, xmlNsPtr ns, const batch_t *b,
                          const return_opts *o)
{
    xmlNodePtr f = xmlNewChild(root, ns, BAD_CAST RETDOC_FINDINGS, NULL), d;
    size_t i, n_rules, omitted = 0, *listed;
    int rc = -1;

    vocab_enum(o->rvocab, "rule", &n_rules);
    if (!f || !(listed = calloc(n_rules + 1, sizeof *listed)))
        return -1;
    for (i = 0; i < b->diags.n; i++) {
        const diag *x = &b->diags.v[i];
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

/* The first included register of B in *FIRST and whether some register
 * was left out in *PARTIAL; ERR_INVALID (said) when none is included or
 * two are of different campaigns. */
static error_code check_campaigns(const batch_t *b, const batch_reg **first,
                                  int *partial, char **msg)
{
    size_t i;

    *first = NULL;
    *partial = 0;
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        if (!r->included) {
            *partial = 1;
        } else if (!*first) {
            *first = r;
        } else if (strcmp((*first)->campaign[0], r->campaign[0])) {
            return error_set(msg, ERR_INVALID,
                             "%s is of campaign \"%s\" and %s of campaign "
                             "\"%s\": build one return per campaign",
                             (*first)->path, (*first)->campaign[0], r->path,
                             r->campaign[0]);
        }
    }
    if (!*first)
        return error_set(msg, ERR_INVALID,
                         "no valid register to compile a return from");
    return ERR_OK;
}

/* The tallies of the communities of B's included registers (parts from
 * several registers added together), sorted by code, in CS (room for
 * b->n); *NC gets their number. */
static error_code add_communities(const batch_t *b, const return_opts *o,
                                  community *cs, size_t *nc)
{
    size_t i, k;
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        if (!r->included)
            continue;
        for (k = 0; k < *nc && strcmp(cs[k].code, r->community); k++)
            ;
        if (k == *nc) {
            if (!(cs[*nc].t = tally_new(o->vocab)))
                return ERR_NOMEM;
            (*nc)++;
        }
        if (tally_add(cs[k].t, r->tally, 1) != ERR_OK)
            return ERR_NOMEM;
        cs[k].code = tally_community_code(cs[k].t);
    }
    qsort(cs, *nc, sizeof *cs, cmp_comm);
    return ERR_OK;
}

/* The root of the return, its campaign (from FIRST) and the sources (every
 * register of B) into DOC; the namespace in *NS. */
static error_code write_head(xmlDocPtr doc, const batch_t *b,
                             const batch_reg *first, int partial,
                             const return_opts *o, xmlNsPtr *ns)
{
    xmlNodePtr root, n;
    size_t i;

    if (!(root = xmlNewDocNode(doc, NULL, BAD_CAST RETDOC_RETURN, NULL)))
        return ERR_NOMEM;
    xmlDocSetRootElement(doc, root);
    if (!(*ns = xmlNewNs(root, BAD_CAST RETURN_NS, NULL)))
        return ERR_NOMEM;
    xmlSetNs(root, *ns);
    if (retdoc_set(root, "version", "1") ||
        retdoc_set(root, "generator", o->generator) ||
        retdoc_set(root, "partial", partial ? "true" : "false"))
        return ERR_NOMEM;
    if (!(n = xmlNewChild(root, *ns, BAD_CAST RETDOC_CAMPAIGN, NULL)) ||
        retdoc_set(n, "id", first->campaign[0]) ||
        retdoc_set(n, "title", first->campaign[1]) ||
        retdoc_set(n, "start", first->campaign[2]) ||
        retdoc_set(n, "end", first->campaign[3]) ||
        retdoc_set(n, "reported", first->campaign[4]))
        return ERR_NOMEM;
    if (!(n = xmlNewChild(root, *ns, BAD_CAST RETDOC_SOURCES, NULL)))
        return ERR_NOMEM;
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        xmlNodePtr s = xmlNewChild(n, *ns, BAD_CAST RETDOC_SOURCE, NULL);
        if (!s || retdoc_set(s, "file", r->path) ||
            retdoc_set_count(s, "size", r->rr.size) ||
            retdoc_set(s, "sha256", r->rr.sha256) ||
            retdoc_set(s, "included", r->included ? "true" : "false") ||
            retdoc_set(s, "community", r->community) ||
            retdoc_set_count(s, "errors", r->errors) ||
            retdoc_set_count(s, "warnings", r->warnings))
            return ERR_NOMEM;
    }
    return ERR_OK;
}

error_code return_build(const batch_t *b, const return_opts *o, xmlDocPtr *out,
                        char **msg)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    xmlNsPtr ns = NULL;
    community *cs = NULL;
    const char **sev = NULL;
    const batch_reg *first;
    const vocab_t *v = o->vocab;
    size_t i, nc = 0, n_rules;
    int partial;
    error_code rc;

    *out = NULL;
    if ((rc = check_campaigns(b, &first, &partial, msg)) != ERR_OK)
        return rc;
    vocab_enum(o->rvocab, "rule", &n_rules);
    if (!(cs = calloc(b->n, sizeof *cs)) ||
        !(sev = calloc(n_rules + 1, sizeof *sev)))
        goto nomem;
    severities(o, sev, n_rules);
    if (add_communities(b, o, cs, &nc) != ERR_OK ||
        !(doc = xmlNewDoc(BAD_CAST "1.0")) ||
        write_head(doc, b, first, partial, o, &ns) != ERR_OK)
        goto nomem;
    root = xmlDocGetRootElement(doc);
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
    if (write_findings(root, ns, b, o))
        goto nomem;
    *out = doc;
    doc = NULL;
    rc = ERR_OK;
    goto done;
nomem:
    rc = error_set(msg, ERR_NOMEM, "out of memory");
done:
    xmlFreeDoc(doc);
    if (cs)
        for (i = 0; i < nc; i++)
            tally_free(cs[i].t);
    free(cs);
    free(sev);
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
