/*
 * retdoc.c — see retdoc.h.
 *
 * retdoc_open walks the root's children once: the campaign, the sources
 * (typed), the units (typed, in document order, then an index array
 * sorted into report order) and the finding elements. Nothing else is
 * copied: the rows of a unit's tables are read on demand from the
 * document with retdoc_child/retdoc_row/retdoc_count.
 *
 * Report order sorts by the code with "~" appended for a roll-up (so a
 * street 620402003 sorts after its communities 620402003xxx, its district
 * 620402 after it, and 'all', code "", after everything), then by level
 * rank, then by document order, so equal keys keep the document's order.
 *
 * Attribute values are borrowed from the document when they are a single
 * text node (always so for a return return.c built); any other value is
 * copied into the retdoc_t's arena. A failed copy reads as absent and
 * makes retdoc_error say ERR_NOMEM.
 */
#include "retdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct retdoc {
    const xmlNode *root;
    const xmlNode *sources_el, *findings_el;
    retdoc_campaign campaign;
    int partial;
    retdoc_source *sources;
    size_t nsources, csources;
    retdoc_unit *units; /* document order */
    size_t nunits, cunits;
    const retdoc_unit **order; /* report order */
    const retdoc_unit *top;
    const xmlNode **findings;
    size_t nfindings, cfindings;
    char **arena; /* attribute values copied out of the document */
    size_t narena, carena;
    int oom;
};

size_t retdoc_level_digits(const char *level)
{
    if (!level)
        return 0;
    if (!strcmp(level, RETDOC_LEVEL_STREET))
        return RETDOC_STREET_DIGITS;
    if (!strcmp(level, RETDOC_LEVEL_DISTRICT))
        return RETDOC_DISTRICT_DIGITS;
    if (!strcmp(level, RETDOC_LEVEL_CITY))
        return RETDOC_CITY_DIGITS;
    return 0;
}

/* ------------------------------------------------------------- elements */

static int is_elem(const xmlNode *n, const char *el)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, RETURN_NS) &&
           !strcmp((const char *)n->name, el);
}

const xmlNode *retdoc_next(const xmlNode *n, const char *el)
{
    for (; n; n = n->next)
        if (is_elem(n, el))
            return n;
    return NULL;
}

const xmlNode *retdoc_child(const xmlNode *n, const char *el)
{
    return n ? retdoc_next(n->children, el) : NULL;
}

const char *retdoc_attr(retdoc_t *rd, const xmlNode *n, const char *name)
{
    const xmlAttr *a;
    xmlChar *v;
    char *s;

    if (!n || !(a = xmlHasProp(n, BAD_CAST name)) ||
        a->type != XML_ATTRIBUTE_NODE)
        return NULL;
    if (!a->children)
        return "";
    if (a->children->type == XML_TEXT_NODE && !a->children->next)
        return (const char *)a->children->content;
    v = xmlNodeGetContent((const xmlNode *)a);
    s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s || GROW(rd->arena, rd->narena + 1, rd->carena) != ERR_OK) {
        free(s);
        rd->oom = 1;
        return NULL;
    }
    return rd->arena[rd->narena++] = s;
}

const char *retdoc_attr0(retdoc_t *rd, const xmlNode *n, const char *name)
{
    const char *s = retdoc_attr(rd, n, name);
    return s ? s : "";
}

unsigned long long retdoc_count(retdoc_t *rd, const xmlNode *n,
                                const char *name)
{
    const char *s = retdoc_attr(rd, n, name);
    return s ? strtoull(s, NULL, 10) : 0;
}

static int is_true(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "1"));
}

const xmlNode *retdoc_row(retdoc_t *rd, const xmlNode *parent, const char *el,
                          const char *value)
{
    const xmlNode *n;
    for (n = retdoc_child(parent, el); n; n = retdoc_next(n->next, el)) {
        const char *v = retdoc_attr(rd, n, "value");
        if (v && value && !strcmp(v, value))
            return n;
    }
    return NULL;
}

error_code retdoc_rows(const xmlNode *parent, const char *el,
                       const xmlNode ***rows, size_t *n)
{
    const xmlNode *r, **v;
    size_t k = 0;

    *rows = NULL;
    *n = 0;
    for (r = retdoc_child(parent, el); r; r = retdoc_next(r->next, el))
        k++;
    if (!k)
        return ERR_OK;
    if (!(v = calloc(k, sizeof *v)))
        return ERR_NOMEM;
    for (r = retdoc_child(parent, el); r; r = retdoc_next(r->next, el))
        v[(*n)++] = r;
    *rows = v;
    return ERR_OK;
}

/* ---------------------------------------------------------------- units */

/* Character I of U's sort key: its code, "~" appended for a roll-up. */
static int key_at(const retdoc_unit *u, size_t i, size_t len)
{
    if (i < len)
        return (unsigned char)u->code[i];
    return i == len && u->rank >= 0 ? '~' : 0;
}

static int report_cmp(const void *a, const void *b)
{
    const retdoc_unit *x = *(const retdoc_unit *const *)a;
    const retdoc_unit *y = *(const retdoc_unit *const *)b;
    size_t lx = strlen(x->code), ly = strlen(y->code), i;

    for (i = 0;; i++) {
        int cx = key_at(x, i, lx), cy = key_at(y, i, ly);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (!cx)
            break;
    }
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void pick_top(retdoc_t *rd)
{
    size_t i;
    for (i = 0; i < rd->nunits; i++) {
        const retdoc_unit *u = rd->order[i], *t = rd->top;
        if (!strcmp(u->level, RETDOC_LEVEL_ALL)) {
            rd->top = u;
            return;
        }
        if (!t || u->communities > t->communities ||
            (u->communities == t->communities && u->rank > t->rank))
            rd->top = u;
    }
}

static error_code add_unit(retdoc_t *rd, const xmlNode *n,
                           const vocab_t *levels)
{
    retdoc_unit *u;
    if (GROW(rd->units, rd->nunits + 1, rd->cunits) != ERR_OK)
        return ERR_NOMEM;
    u = &rd->units[rd->nunits];
    memset(u, 0, sizeof *u);
    u->node = n;
    u->index = rd->nunits++;
    u->level = retdoc_attr0(rd, n, "level");
    u->code = retdoc_attr0(rd, n, "code");
    u->name = retdoc_attr0(rd, n, "name");
    u->street = retdoc_attr0(rd, n, "street");
    u->district = retdoc_attr0(rd, n, "district");
    u->city = retdoc_attr0(rd, n, "city");
    u->communities = retdoc_count(rd, n, "communities");
    u->rank = levels ? vocab_index(levels, "level", u->level) : 0;
    if (!strcmp(u->level, RETDOC_LEVEL_COMMUNITY))
        u->rank = -1;
    return ERR_OK;
}

static error_code add_source(retdoc_t *rd, const xmlNode *n)
{
    retdoc_source *s;
    if (GROW(rd->sources, rd->nsources + 1, rd->csources) != ERR_OK)
        return ERR_NOMEM;
    s = &rd->sources[rd->nsources++];
    s->file = retdoc_attr0(rd, n, "file");
    s->sha256 = retdoc_attr0(rd, n, "sha256");
    s->community = retdoc_attr0(rd, n, "community");
    s->size = retdoc_count(rd, n, "size");
    s->errors = retdoc_count(rd, n, "errors");
    s->warnings = retdoc_count(rd, n, "warnings");
    s->included = is_true(retdoc_attr(rd, n, "included"));
    return ERR_OK;
}

error_code retdoc_open(const xmlDoc *doc, const vocab_t *levels, retdoc_t **out,
                       char **msg)
{
    retdoc_t *rd;
    const xmlNode *n, *c;
    size_t i;

    *out = NULL;
    if (!(rd = calloc(1, sizeof *rd)))
        return error_set(msg, ERR_NOMEM, "out of memory");
    rd->root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!is_elem(rd->root, RETDOC_RETURN)) {
        retdoc_free(rd);
        return error_set(msg, ERR_INVALID, "not a return document (%s)",
                         RETURN_NS);
    }
    rd->partial = is_true(retdoc_attr(rd, rd->root, "partial"));
    c = retdoc_child(rd->root, RETDOC_CAMPAIGN);
    rd->campaign.id = retdoc_attr0(rd, c, "id");
    rd->campaign.title = retdoc_attr0(rd, c, "title");
    rd->campaign.start = retdoc_attr0(rd, c, "start");
    rd->campaign.end = retdoc_attr0(rd, c, "end");
    rd->campaign.reported = retdoc_attr0(rd, c, "reported");
    rd->sources_el = retdoc_child(rd->root, RETDOC_SOURCES);
    for (n = retdoc_child(rd->sources_el, RETDOC_SOURCE); n;
         n = retdoc_next(n->next, RETDOC_SOURCE))
        if (add_source(rd, n) != ERR_OK)
            goto nomem;
    for (n = retdoc_child(rd->root, RETDOC_UNIT); n;
         n = retdoc_next(n->next, RETDOC_UNIT))
        if (add_unit(rd, n, levels) != ERR_OK)
            goto nomem;
    rd->findings_el = retdoc_child(rd->root, RETDOC_FINDINGS);
    for (n = retdoc_child(rd->findings_el, RETDOC_FINDING); n;
         n = retdoc_next(n->next, RETDOC_FINDING)) {
        if (GROW(rd->findings, rd->nfindings + 1, rd->cfindings) != ERR_OK)
            goto nomem;
        rd->findings[rd->nfindings++] = n;
    }
    if (rd->nunits) {
        if (!(rd->order = calloc(rd->nunits, sizeof *rd->order)))
            goto nomem;
        for (i = 0; i < rd->nunits; i++)
            rd->order[i] = &rd->units[i];
        qsort(rd->order, rd->nunits, sizeof *rd->order, report_cmp);
        pick_top(rd);
    }
    if (rd->oom)
        goto nomem;
    *out = rd;
    return ERR_OK;
nomem:
    retdoc_free(rd);
    return error_set(msg, ERR_NOMEM, "out of memory");
}

void retdoc_free(retdoc_t *rd)
{
    size_t i;
    if (!rd)
        return;
    for (i = 0; i < rd->narena; i++)
        free(rd->arena[i]);
    free(rd->arena);
    free(rd->sources);
    free(rd->units);
    free(rd->order);
    free(rd->findings);
    free(rd);
}

error_code retdoc_error(const retdoc_t *rd)
{
    return rd->oom ? ERR_NOMEM : ERR_OK;
}

const xmlNode *retdoc_root(const retdoc_t *rd)
{
    return rd->root;
}

const retdoc_campaign *retdoc_campaign_of(const retdoc_t *rd)
{
    return &rd->campaign;
}

int retdoc_partial(const retdoc_t *rd)
{
    return rd->partial;
}

size_t retdoc_nsources(const retdoc_t *rd)
{
    return rd->nsources;
}

const retdoc_source *retdoc_source_at(const retdoc_t *rd, size_t i)
{
    return i < rd->nsources ? &rd->sources[i] : NULL;
}

size_t retdoc_nunits(const retdoc_t *rd)
{
    return rd->nunits;
}

const retdoc_unit *retdoc_unit_at(const retdoc_t *rd, size_t i)
{
    return i < rd->nunits ? rd->order[i] : NULL;
}

const retdoc_unit *retdoc_unit_in_doc(const retdoc_t *rd, size_t i)
{
    return i < rd->nunits ? &rd->units[i] : NULL;
}

const retdoc_unit *retdoc_find(const retdoc_t *rd, const char *level,
                               const char *code)
{
    size_t i;
    for (i = 0; i < rd->nunits; i++)
        if (!strcmp(rd->units[i].level, level) &&
            !strcmp(rd->units[i].code, code))
            return &rd->units[i];
    return NULL;
}

const retdoc_unit *retdoc_top(const retdoc_t *rd)
{
    return rd->top;
}

int retdoc_covers(const retdoc_unit *u, const retdoc_unit *c)
{
    if (u == c)
        return 1;
    return !strcmp(c->level, RETDOC_LEVEL_COMMUNITY) &&
           strcmp(u->level, RETDOC_LEVEL_COMMUNITY) &&
           !strncmp(c->code, u->code, strlen(u->code));
}

/* ------------------------------------------------------------- findings */

size_t retdoc_nfindings(const retdoc_t *rd)
{
    return rd->nfindings;
}

int retdoc_finding_at(retdoc_t *rd, size_t i, retdoc_finding *f)
{
    const xmlNode *n;
    if (i >= rd->nfindings)
        return -1;
    n = rd->findings[i];
    f->node = n;
    f->file = retdoc_attr0(rd, n, "file");
    f->rule = retdoc_attr0(rd, n, "rule");
    f->severity = retdoc_attr0(rd, n, "severity");
    f->community = retdoc_attr0(rd, n, "community");
    f->household = retdoc_attr0(rd, n, "household");
    f->visit = retdoc_attr0(rd, n, "visit");
    f->item = retdoc_attr0(rd, n, "item");
    f->cadre = retdoc_attr0(rd, n, "cadre");
    f->line = retdoc_count(rd, n, "line");
    f->col = retdoc_count(rd, n, "col");
    return 0;
}

unsigned long long retdoc_findings_omitted(retdoc_t *rd)
{
    return retdoc_count(rd, rd->findings_el, "omitted");
}

/* ---------------------------------------------------------------- writing */

error_code retdoc_set(xmlNodePtr n, const char *name, const char *value)
{
    if (!value || xmlSetProp(n, BAD_CAST name, BAD_CAST value))
        return ERR_OK;
    return ERR_NOMEM;
}

error_code retdoc_set_count(xmlNodePtr n, const char *name, unsigned long v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lu", v);
    return xmlSetProp(n, BAD_CAST name, BAD_CAST digits) ? ERR_OK : ERR_NOMEM;
}
