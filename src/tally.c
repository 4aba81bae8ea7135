/*
 * tally.c — see tally.h.
 *
 * Layout. Every table is a flat array of unsigned counts indexed by the
 * vocabulary indexes the reader already resolved (dwelling, visit kind,
 * category × status, group, service type × group, rating, role, rule).
 * Groups get one extra column, "elderly", the union of the elderly-*
 * groups (SPEC §1): a member counts once there even if in two of them.
 *
 * Definitions (the only value names this file knows):
 *   - a household is "visited" when it has at least one visit;
 *   - "important reported" is an important opinion with a `to`; the
 *     return also counts them by their `to` (where they went: the street
 *     office, a department), so that a summary says where from the data;
 *   - "satisfied" is every rating except "dissatisfied";
 *   - the elderly group is every group whose value starts "elderly-";
 *   - the working group is "headed by the secretary" when a cadre with the
 *     role "secretary" is on the cadre list;
 *   - a cadre "takes part" when named in at least one visit's `by`; a visit
 *     with two cadres counts once for each in the per-cadre, per-team and
 *     per-role figures, once in the visit totals.
 *
 * Cadres (community tallies only) are kept in a small array with a libxml2
 * hash from id to index: registers list tens of cadres, households name
 * them thousands of times. *
 * Why one file: the layout above is read from registers (tally_household
 * and the rest), read back from a return (tally_read_unit, for merge),
 * summed (tally_add) and written (tally_write); every table appears in
 * all four, and apart they would drift — a table written but not read
 * back is a merge that silently loses it.
 */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/hash.h>

#include "buf.h"
#include "retdoc.h"
#include "retwrite.h"

typedef struct {
    char *id, *team;
    int role;
    unsigned long visits;
} cadre_row;

typedef unsigned long cnt;

struct tally {
    const vocab_t *v;
    size_t n_dw, n_kind, n_cat, n_st, n_grp, n_type, n_rating, n_role, n_sec;
    size_t n_rule;
    uint64_t elderly_mask;
    int dissatisfied;

    /* head (first register) */
    char *code, *name, *street, *district, *city;
    int has_head;
    int secretary; /* a secretary is on the cadre list */

    cnt *hh_reg, *hh_vis; /* [dwelling] */
    cnt *visits;          /* [kind] */
    cnt forms;
    cnt *op, *sg;             /* [category * n_st + status] */
    cnt *op_imp, *op_imp_rep; /* [category] */
    cnt *grp_members, *grp_households, *grp_served; /* [group + 1] */
    cnt any_members, any_households;
    cnt *svc;                     /* [type * (n_grp + 1) + group] */
    cnt *svc_count, *svc_members; /* [type] */
    cnt svc_any_members;
    cnt *rating;                             /* [rating] */
    cnt *role_reg, *role_part, *role_visits; /* [role] */
    cnt *rule_count;                         /* [rule] */
    cnt *rule_err, *rule_warn;

    /* important opinions reported, by `to`, sorted by name (a handful) */
    struct dest {
        char *to;
        cnt important;
    } * dests;
    size_t n_dests, cap_dests;

    cadre_row *cadres;
    size_t n_cadres, cap_cadres;
    xmlHashTablePtr cadre_ix; /* id -> index + 1 */

    /* narrative: sections in register order */
    struct section {
        int name;
        char **p;
        size_t n_p;
    } * secs;
    size_t n_secs, cap_secs;
};

static cnt *counts(size_t n)
{
    return calloc(n ? n : 1, sizeof(cnt));
}

tally_t *tally_new(const vocab_t *v)
{
    tally_t *t = calloc(1, sizeof *t);
    const vocab_item *g, *r;
    size_t i, ng, nr;

    if (!t)
        return NULL;
    t->v = v;
    vocab_enum(v, "dwelling", &t->n_dw);
    vocab_enum(v, "visitKind", &t->n_kind);
    vocab_enum(v, "category", &t->n_cat);
    vocab_enum(v, "status", &t->n_st);
    g = vocab_enum(v, "group", &ng);
    t->n_grp = ng > 64 ? 64 : ng;
    vocab_enum(v, "serviceType", &t->n_type);
    r = vocab_enum(v, "rating", &nr);
    t->n_rating = nr;
    vocab_enum(v, "role", &t->n_role);
    vocab_enum(v, "sectionName", &t->n_sec);
    t->n_rule = 64; /* rule indexes of the return vocabulary; bounded */
    for (i = 0; i < t->n_grp; i++)
        if (!strncmp(g[i].value, "elderly-", 8))
            t->elderly_mask |= (uint64_t)1 << i;
    t->dissatisfied = -1;
    for (i = 0; i < nr; i++)
        if (!strcmp(r[i].value, "dissatisfied"))
            t->dissatisfied = (int)i;

    t->hh_reg = counts(t->n_dw);
    t->hh_vis = counts(t->n_dw);
    t->visits = counts(t->n_kind);
    t->op = counts(t->n_cat * t->n_st);
    t->sg = counts(t->n_cat * t->n_st);
    t->op_imp = counts(t->n_cat);
    t->op_imp_rep = counts(t->n_cat);
    t->grp_members = counts(t->n_grp + 1);
    t->grp_households = counts(t->n_grp + 1);
    t->grp_served = counts(t->n_grp + 1);
    t->svc = counts(t->n_type * (t->n_grp + 1));
    t->svc_count = counts(t->n_type);
    t->svc_members = counts(t->n_type);
    t->rating = counts(t->n_rating);
    t->role_reg = counts(t->n_role);
    t->role_part = counts(t->n_role);
    t->role_visits = counts(t->n_role);
    t->rule_count = counts(t->n_rule);
    t->rule_err = counts(t->n_rule);
    t->rule_warn = counts(t->n_rule);
    t->cadre_ix = xmlHashCreate(64);
    if (!t->hh_reg || !t->hh_vis || !t->visits || !t->op || !t->sg ||
        !t->op_imp || !t->op_imp_rep || !t->grp_members || !t->grp_households ||
        !t->grp_served || !t->svc || !t->svc_count || !t->svc_members ||
        !t->rating || !t->role_reg || !t->role_part || !t->role_visits ||
        !t->rule_count || !t->rule_err || !t->rule_warn || !t->cadre_ix) {
        tally_free(t);
        return NULL;
    }
    return t;
}

void tally_free(tally_t *t)
{
    size_t i, j;
    if (!t)
        return;
    free(t->code), free(t->name), free(t->street), free(t->district);
    free(t->city);
    free(t->hh_reg), free(t->hh_vis), free(t->visits), free(t->op);
    free(t->sg), free(t->op_imp), free(t->op_imp_rep), free(t->grp_members);
    free(t->grp_households), free(t->grp_served), free(t->svc);
    free(t->svc_count), free(t->svc_members), free(t->rating);
    free(t->role_reg), free(t->role_part), free(t->role_visits);
    free(t->rule_count), free(t->rule_err), free(t->rule_warn);
    for (i = 0; i < t->n_cadres; i++) {
        free(t->cadres[i].id);
        free(t->cadres[i].team);
    }
    free(t->cadres);
    xmlHashFree(t->cadre_ix, NULL);
    for (i = 0; i < t->n_secs; i++) {
        for (j = 0; j < t->secs[i].n_p; j++)
            free(t->secs[i].p[j]);
        free(t->secs[i].p);
    }
    free(t->secs);
    for (i = 0; i < t->n_dests; i++)
        free(t->dests[i].to);
    free(t->dests);
    free(t);
}

static char *dup(const char *s);

/* Adds N important opinions reported to TO; keeps dests sorted by name.
 * O(number of destinations). ERR_NOMEM when out of memory. */
static error_code dest_add(tally_t *t, const char *to, cnt n)
{
    size_t i = 0;
    struct dest *d;
    char *copy;
    while (i < t->n_dests && strcmp(t->dests[i].to, to) < 0)
        i++;
    if (i < t->n_dests && !strcmp(t->dests[i].to, to)) {
        t->dests[i].important += n;
        return ERR_OK;
    }
    if (!(copy = dup(to)) ||
        GROW(t->dests, t->n_dests + 1, t->cap_dests) != ERR_OK) {
        free(copy);
        return ERR_NOMEM;
    }
    d = t->dests;
    memmove(d + i + 1, d + i, (t->n_dests - i) * sizeof *d);
    d[i].to = copy;
    d[i].important = n;
    t->n_dests++;
    return ERR_OK;
}

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The cadre ID, or NULL when the tally has none of that id. */
static cadre_row *cadre_lookup(const tally_t *t, const char *id)
{
    void *p = xmlHashLookup(t->cadre_ix, (const xmlChar *)id);
    return p ? &t->cadres[(uintptr_t)p - 1] : NULL;
}

/* The cadre ID in *OUT, added with ROLE and TEAM when new. */
static error_code cadre_add(tally_t *t, const char *id, int role,
                            const char *team, cadre_row **out)
{
    cadre_row *c;
    if ((*out = cadre_lookup(t, id)))
        return ERR_OK;
    if (GROW(t->cadres, t->n_cadres + 1, t->cap_cadres) != ERR_OK)
        return ERR_NOMEM;
    c = &t->cadres[t->n_cadres];
    memset(c, 0, sizeof *c);
    c->id = dup(id);
    c->team = dup(team);
    c->role = role;
    if (!c->id || (team && !c->team) ||
        xmlHashAddEntry(t->cadre_ix, (const xmlChar *)id,
                        (void *)(uintptr_t)(t->n_cadres + 1)) < 0) {
        free(c->id);
        free(c->team);
        return ERR_NOMEM;
    }
    if (role >= 0 && (size_t)role < t->n_role) {
        t->role_reg[role]++;
        if (role == vocab_index(t->v, "role", "secretary"))
            t->secretary = 1;
    }
    *out = &t->cadres[t->n_cadres++];
    return ERR_OK;
}

error_code tally_head(tally_t *t, const rd_head *h)
{
    cadre_row *c;
    size_t i;
    if (!t->has_head) {
        t->has_head = 1;
        if (!(t->code = dup(h->community.code)) ||
            !(t->name = dup(h->community.name)) ||
            !(t->street = dup(h->community.street)) ||
            !(t->district = dup(h->community.district)) ||
            !(t->city = dup(h->community.city)))
            return ERR_NOMEM;
    }
    for (i = 0; i < h->n_cadres; i++)
        if (cadre_add(t, h->cadres[i].id, h->cadres[i].role, h->cadres[i].team,
                      &c) != ERR_OK)
            return ERR_NOMEM;
    return ERR_OK;
}

error_code tally_household(tally_t *t, const rd_household *h)
{
    size_t i, j, k;
    uint64_t hh_groups = 0;
    /* which members were served, overall and by type: small households,
     * so a quadratic pass over members × services is cheap */
    int dw = h->dwelling;

    if (dw >= 0 && (size_t)dw < t->n_dw) {
        t->hh_reg[dw]++;
        if (h->n_visits)
            t->hh_vis[dw]++;
    }
    for (i = 0; i < h->n_visits; i++) {
        const rd_visit *v = &h->visits[i];
        if (v->kind >= 0 && (size_t)v->kind < t->n_kind)
            t->visits[v->kind]++;
        if (v->rating >= 0 && (size_t)v->rating < t->n_rating)
            t->rating[v->rating]++;
        for (j = 0; j < v->n_by; j++) {
            cadre_row *c;
            /* a cadre named twice in one visit counts once */
            for (k = 0; k < j && strcmp(v->by[k], v->by[j]); k++)
                ;
            if (k < j)
                continue;
            if ((c = cadre_lookup(t, v->by[j])))
                c->visits++;
        }
    }
    t->forms += h->n_forms;
    for (i = 0; i < h->n_items; i++) {
        const rd_item *it = &h->items[i];
        size_t cell;
        if (it->category < 0 || (size_t)it->category >= t->n_cat ||
            it->status < 0 || (size_t)it->status >= t->n_st)
            continue;
        cell = (size_t)it->category * t->n_st + (size_t)it->status;
        if (it->suggestion) {
            t->sg[cell]++;
        } else {
            t->op[cell]++;
            if (it->important) {
                t->op_imp[it->category]++;
                if (it->to) {
                    t->op_imp_rep[it->category]++;
                    if (dest_add(t, it->to, 1) != ERR_OK)
                        return ERR_NOMEM;
                }
            }
        }
    }
    for (i = 0; i < h->n_members; i++) {
        const rd_member *m = &h->members[i];
        int served = 0;
        hh_groups |= m->groups;
        for (j = 0; j < h->n_services; j++)
            if (h->services[j].member && m->id &&
                !strcmp(h->services[j].member, m->id))
                served = 1;
        if (m->groups) {
            t->any_members++;
        }
        for (k = 0; k < t->n_grp; k++)
            if (m->groups >> k & 1) {
                t->grp_members[k]++;
                t->grp_served[k] += served;
            }
        if (m->groups & t->elderly_mask) {
            t->grp_members[t->n_grp]++;
            t->grp_served[t->n_grp] += served;
        }
        /* members served, overall and per type (distinct members) */
        if (served)
            t->svc_any_members++;
        for (k = 0; k < t->n_type; k++) {
            for (j = 0; j < h->n_services; j++)
                if (h->services[j].type == (int)k && h->services[j].member &&
                    m->id && !strcmp(h->services[j].member, m->id))
                    break;
            if (j < h->n_services)
                t->svc_members[k]++;
        }
    }
    if (hh_groups)
        t->any_households++;
    for (k = 0; k < t->n_grp; k++)
        if (hh_groups >> k & 1)
            t->grp_households[k]++;
    if (hh_groups & t->elderly_mask)
        t->grp_households[t->n_grp]++;
    for (j = 0; j < h->n_services; j++) {
        const rd_service *s = &h->services[j];
        uint64_t g = 0;
        if (s->type < 0 || (size_t)s->type >= t->n_type)
            continue;
        t->svc_count[s->type]++;
        for (i = 0; i < h->n_members; i++)
            if (s->member && h->members[i].id &&
                !strcmp(s->member, h->members[i].id))
                g = h->members[i].groups;
        for (k = 0; k < t->n_grp; k++)
            if (g >> k & 1)
                t->svc[(size_t)s->type * (t->n_grp + 1) + k]++;
        if (g & t->elderly_mask)
            t->svc[(size_t)s->type * (t->n_grp + 1) + t->n_grp]++;
    }
    return ERR_OK;
}

error_code tally_section(tally_t *t, const rd_section *s)
{
    struct section *sec;
    size_t i;
    if (GROW(t->secs, t->n_secs + 1, t->cap_secs) != ERR_OK)
        return ERR_NOMEM;
    sec = &t->secs[t->n_secs];
    sec->name = s->name;
    sec->n_p = 0;
    if (!(sec->p = calloc(s->n_p ? s->n_p : 1, sizeof *sec->p)))
        return ERR_NOMEM;
    t->n_secs++;
    for (i = 0; i < s->n_p; i++) {
        if (!(sec->p[i] = strdup(s->p[i])))
            return ERR_NOMEM;
        sec->n_p++;
    }
    return ERR_OK;
}

void tally_finding(tally_t *t, int rule, diag_severity sev)
{
    if (rule < 0 || (size_t)rule >= t->n_rule)
        return;
    t->rule_count[rule]++;
    if (sev == DIAG_ERROR)
        t->rule_err[rule]++;
    else
        t->rule_warn[rule]++;
}

static void add(cnt *a, const cnt *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        a[i] += b[i];
}

error_code tally_add(tally_t *t, const tally_t *f, int keep_cadres)
{
    size_t i, j;
    if (!t->has_head && f->has_head) {
        t->has_head = 1;
        if ((f->code && !(t->code = dup(f->code))) ||
            (f->name && !(t->name = dup(f->name))) ||
            (f->street && !(t->street = dup(f->street))) ||
            (f->district && !(t->district = dup(f->district))) ||
            (f->city && !(t->city = dup(f->city))))
            return ERR_NOMEM;
    }
    add(t->hh_reg, f->hh_reg, t->n_dw);
    add(t->hh_vis, f->hh_vis, t->n_dw);
    add(t->visits, f->visits, t->n_kind);
    t->forms += f->forms;
    add(t->op, f->op, t->n_cat * t->n_st);
    add(t->sg, f->sg, t->n_cat * t->n_st);
    add(t->op_imp, f->op_imp, t->n_cat);
    add(t->op_imp_rep, f->op_imp_rep, t->n_cat);
    add(t->grp_members, f->grp_members, t->n_grp + 1);
    add(t->grp_households, f->grp_households, t->n_grp + 1);
    add(t->grp_served, f->grp_served, t->n_grp + 1);
    t->any_members += f->any_members;
    t->any_households += f->any_households;
    add(t->svc, f->svc, t->n_type * (t->n_grp + 1));
    add(t->svc_count, f->svc_count, t->n_type);
    add(t->svc_members, f->svc_members, t->n_type);
    t->svc_any_members += f->svc_any_members;
    add(t->rating, f->rating, t->n_rating);
    add(t->rule_count, f->rule_count, t->n_rule);
    add(t->rule_err, f->rule_err, t->n_rule);
    add(t->rule_warn, f->rule_warn, t->n_rule);
    t->secretary |= f->secretary;
    for (i = 0; i < f->n_dests; i++)
        if (dest_add(t, f->dests[i].to, f->dests[i].important) != ERR_OK)
            return ERR_NOMEM;
    if (keep_cadres) {
        for (i = 0; i < f->n_cadres; i++) {
            const cadre_row *c = &f->cadres[i];
            cadre_row *into;
            if (cadre_add(t, c->id, c->role, c->team, &into) != ERR_OK)
                return ERR_NOMEM;
            into->visits += c->visits;
        }
        for (i = 0; i < f->n_secs; i++) {
            rd_section s;
            s.name = f->secs[i].name;
            s.p = (const char **)f->secs[i].p;
            s.n_p = f->secs[i].n_p;
            s.line = s.col = 0;
            if (tally_section(t, &s) != ERR_OK)
                return ERR_NOMEM;
        }
    } else {
        /* roll-up: roles only, from the other tally's own view */
        cnt *reg = counts(t->n_role), *part = counts(t->n_role),
            *vis = counts(t->n_role);
        if (!reg || !part || !vis) {
            free(reg), free(part), free(vis);
            return ERR_NOMEM;
        }
        for (j = 0; j < f->n_role; j++) {
            reg[j] = f->role_reg[j];
            part[j] = f->role_part[j];
            vis[j] = f->role_visits[j];
        }
        for (i = 0; i < f->n_cadres; i++) {
            const cadre_row *c = &f->cadres[i];
            if (c->role < 0 || (size_t)c->role >= f->n_role)
                continue;
            part[c->role] += c->visits > 0;
            vis[c->role] += c->visits;
        }
        add(t->role_reg, reg, t->n_role);
        add(t->role_part, part, t->n_role);
        add(t->role_visits, vis, t->n_role);
        free(reg), free(part), free(vis);
    }
    return ERR_OK;
}

const char *tally_community_code(const tally_t *t)
{
    return t->code;
}

const char *tally_field(const tally_t *t, const char *name)
{
    if (!strcmp(name, "code"))
        return t->code;
    if (!strcmp(name, "name"))
        return t->name;
    if (!strcmp(name, "street"))
        return t->street;
    if (!strcmp(name, "district"))
        return t->district;
    if (!strcmp(name, "city"))
        return t->city;
    return NULL;
}

/* ---- reading back (merge) ----------------------------------------------- */

static cnt rcount(retdoc_t *rd, const xmlNode *n, const char *name)
{
    return (cnt)retdoc_count(rd, n, name);
}

/* The rows of an items table (opinions or suggestions) into M. */
static void read_items(tally_t *t, retdoc_t *rd, const xmlNode *n, cnt *m,
                       int opinions)
{
    const vocab_item *cat = vocab_enum(t->v, "category", NULL);
    const vocab_item *st = vocab_enum(t->v, "status", NULL);
    size_t i, j;
    for (i = 0; i < t->n_cat; i++) {
        const xmlNode *c = retdoc_row(rd, n, "category", cat[i].value);
        if (opinions) {
            t->op_imp[i] = rcount(rd, c, "important");
            t->op_imp_rep[i] = rcount(rd, c, "important-reported");
        }
        for (j = 0; j < t->n_st; j++)
            m[i * t->n_st + j] =
                rcount(rd, retdoc_row(rd, c, "status", st[j].value), "count");
    }
}

error_code tally_read_unit(tally_t *t, retdoc_t *rd, const retdoc_unit *u,
                           const vocab_t *rv)
{
    const vocab_item *dw = vocab_enum(t->v, "dwelling", NULL);
    const vocab_item *kind = vocab_enum(t->v, "visitKind", NULL);
    const vocab_item *grp = vocab_enum(t->v, "group", NULL);
    const vocab_item *eld = vocab_enum(t->v, "elderlyGroup", NULL);
    const vocab_item *type = vocab_enum(t->v, "serviceType", NULL);
    const vocab_item *rating = vocab_enum(t->v, "rating", NULL);
    const vocab_item *rules;
    const char *elderly = "elderly";
    const xmlNode *un = u->node, *n, *r, *c;
    size_t i, j, n_rules, n_eld;

    vocab_enum(t->v, "elderlyGroup", &n_eld);
    if (eld && n_eld)
        elderly = eld[0].value;
    rules = vocab_enum(rv, "rule", &n_rules);
    t->has_head = 1;
    if (!(t->code = strdup(u->code)) || !(t->name = strdup(u->name)) ||
        !(t->street = strdup(u->street)) ||
        !(t->district = strdup(u->district)) || !(t->city = strdup(u->city)))
        return ERR_NOMEM;
    n = retdoc_child(un, "households");
    for (i = 0; i < t->n_dw; i++) {
        r = retdoc_row(rd, n, "dwelling", dw[i].value);
        t->hh_reg[i] = rcount(rd, r, "registered");
        t->hh_vis[i] = rcount(rd, r, "visited");
    }
    n = retdoc_child(un, "visits");
    for (i = 0; i < t->n_kind; i++)
        t->visits[i] =
            rcount(rd, retdoc_row(rd, n, "kind", kind[i].value), "count");
    /* cadres in list order: registered by role and teams follow from them */
    n = retdoc_child(un, "cadres");
    for (c = retdoc_child(n, "cadre"); c; c = retdoc_next(c->next, "cadre")) {
        const char *id = retdoc_attr0(rd, c, "id");
        const char *role = retdoc_attr0(rd, c, "role");
        cadre_row *k;
        if (cadre_add(t, id, vocab_index(t->v, "role", role),
                      retdoc_attr(rd, c, "team"), &k) != ERR_OK)
            return ERR_NOMEM;
        k->visits += rcount(rd, c, "visits");
    }
    if (!strcmp(retdoc_attr0(rd, n, "secretary-leads"), "true"))
        t->secretary = 1;
    t->forms = rcount(rd, retdoc_child(un, "forms"), "count");
    read_items(t, rd, retdoc_child(un, "opinions"), t->op, 1);
    /* where the important opinions went, by `to` */
    for (c = retdoc_child(retdoc_child(un, "opinions"), "reported"); c;
         c = retdoc_next(c->next, "reported"))
        if (dest_add(t, retdoc_attr0(rd, c, "to"),
                     rcount(rd, c, "important")) != ERR_OK)
            return ERR_NOMEM;
    read_items(t, rd, retdoc_child(un, "suggestions"), t->sg, 0);
    n = retdoc_child(un, "groups");
    t->any_members = rcount(rd, n, "members");
    t->any_households = rcount(rd, n, "households");
    for (i = 0; i <= t->n_grp; i++) {
        r = retdoc_row(rd, n, "group", i < t->n_grp ? grp[i].value : elderly);
        t->grp_members[i] = rcount(rd, r, "members");
        t->grp_households[i] = rcount(rd, r, "households");
        t->grp_served[i] = rcount(rd, r, "served");
    }
    n = retdoc_child(un, "services");
    t->svc_any_members = rcount(rd, n, "members");
    for (i = 0; i < t->n_type; i++) {
        r = retdoc_row(rd, n, "type", type[i].value);
        t->svc_count[i] = rcount(rd, r, "count");
        t->svc_members[i] = rcount(rd, r, "members");
        for (j = 0; j <= t->n_grp; j++)
            t->svc[i * (t->n_grp + 1) + j] =
                rcount(rd,
                       retdoc_row(rd, r, "group",
                                  j < t->n_grp ? grp[j].value : elderly),
                       "count");
    }
    n = retdoc_child(un, "satisfaction");
    for (i = 0; i < t->n_rating; i++)
        t->rating[i] =
            rcount(rd, retdoc_row(rd, n, "rating", rating[i].value), "count");
    /* findings by rule: all of one rule have the severity it had */
    n = retdoc_child(un, "audit");
    for (i = 0; i < n_rules && i < t->n_rule; i++) {
        r = retdoc_row(rd, n, "rule", rules[i].value);
        t->rule_count[i] = rcount(rd, r, "count");
        if (!strcmp(retdoc_attr0(rd, r, "severity"), "warning"))
            t->rule_warn[i] = t->rule_count[i];
        else
            t->rule_err[i] = t->rule_count[i];
    }
    /* narrative: sections in the order written (schema order) */
    n = retdoc_child(un, "narrative");
    for (c = retdoc_child(n, "section"); c;
         c = retdoc_next(c->next, "section")) {
        rd_section s;
        const xmlNode *p;
        const char **ps = NULL;
        size_t np = 0, cap = 0;
        error_code rc;
        memset(&s, 0, sizeof s);
        s.name = vocab_index(t->v, "sectionName", retdoc_attr0(rd, c, "value"));
        for (p = retdoc_child(c, "p"); p; p = retdoc_next(p->next, "p")) {
            if (GROW(ps, np + 1, cap) != ERR_OK) {
                free(ps);
                return ERR_NOMEM;
            }
            ps[np++] = retdoc_text(rd, p);
        }
        s.p = ps;
        s.n_p = np;
        rc = tally_section(t, &s);
        free(ps);
        if (rc != ERR_OK)
            return ERR_NOMEM;
    }
    return retdoc_error(rd);
}

/* ---- writing ------------------------------------------------------------ */

/* A labelled row: value, zh, en; left open. */
static void row(retwrite_t *w, const char *name, const vocab_item *it)
{
    retwrite_open(w, name);
    retwrite_attr(w, "value", it->value);
    retwrite_attr(w, "zh", it->zh);
    retwrite_attr(w, "en", it->en);
}

static cnt sum(const cnt *a, size_t n)
{
    cnt s = 0;
    size_t i;
    for (i = 0; i < n; i++)
        s += a[i];
    return s;
}

/* Opinions or suggestions: category × status with totals. */
static void write_items(const tally_t *t, retwrite_t *w, const char *name,
                        const cnt *m, int opinions)
{
    const vocab_item *cat = vocab_enum(t->v, "category", NULL);
    const vocab_item *st = vocab_enum(t->v, "status", NULL);
    size_t i, j;
    retwrite_open(w, name);
    retwrite_count(w, "count", sum(m, t->n_cat * t->n_st));
    if (opinions) {
        retwrite_count(w, "important", sum(t->op_imp, t->n_cat));
        retwrite_count(w, "important-reported", sum(t->op_imp_rep, t->n_cat));
    }
    for (i = 0; i < t->n_cat; i++) {
        row(w, "category", &cat[i]);
        retwrite_count(w, "count", sum(m + i * t->n_st, t->n_st));
        if (opinions) {
            retwrite_count(w, "important", t->op_imp[i]);
            retwrite_count(w, "important-reported", t->op_imp_rep[i]);
        }
        for (j = 0; j < t->n_st; j++) {
            row(w, "status", &st[j]);
            retwrite_count(w, "count", m[i * t->n_st + j]);
            retwrite_close(w);
        }
        retwrite_close(w);
    }
    for (j = 0; j < t->n_st; j++) {
        cnt tot = 0;
        for (i = 0; i < t->n_cat; i++)
            tot += m[i * t->n_st + j];
        row(w, "status", &st[j]);
        retwrite_count(w, "count", tot);
        retwrite_close(w);
    }
    if (opinions)
        for (i = 0; i < t->n_dests; i++) {
            retwrite_open(w, "reported");
            retwrite_attr(w, "to", t->dests[i].to ? t->dests[i].to : "");
            retwrite_count(w, "important", t->dests[i].important);
            retwrite_close(w);
        }
    retwrite_close(w);
}

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x ? x : "", y ? y : "");
}

static error_code write_cadres(const tally_t *t, retwrite_t *w)
{
    const vocab_item *role = vocab_enum(t->v, "role", NULL);
    cnt *part = counts(t->n_role), *vis = counts(t->n_role);
    const char **teams = NULL;
    size_t i, j, nt = 0;
    error_code rc = ERR_NOMEM;

    if (!part || !vis)
        goto fail;
    for (i = 0; i < t->n_role; i++) {
        part[i] = t->role_part[i];
        vis[i] = t->role_visits[i];
    }
    for (i = 0; i < t->n_cadres; i++) {
        const cadre_row *c = &t->cadres[i];
        if (c->role >= 0 && (size_t)c->role < t->n_role) {
            part[c->role] += c->visits > 0;
            vis[c->role] += c->visits;
        }
    }
    retwrite_open(w, "cadres");
    retwrite_count(w, "registered", sum(t->role_reg, t->n_role));
    retwrite_count(w, "taking-part", sum(part, t->n_role));
    retwrite_attr(w, "secretary-leads", t->secretary ? "true" : "false");
    for (i = 0; i < t->n_role; i++) {
        row(w, "role", &role[i]);
        retwrite_count(w, "registered", t->role_reg[i]);
        retwrite_count(w, "taking-part", part[i]);
        retwrite_count(w, "visits", vis[i]);
        retwrite_close(w);
    }
    /* teams in order of first appearance on the cadre list; cadres in list
     * order (ids only, never names) */
    if (t->n_cadres && !(teams = calloc(t->n_cadres, sizeof *teams)))
        goto fail;
    for (i = 0; i < t->n_cadres; i++) {
        for (j = 0; j < nt && cmp_str(&teams[j], &t->cadres[i].team); j++)
            ;
        if (j == nt && t->cadres[i].team)
            teams[nt++] = t->cadres[i].team;
    }
    for (j = 0; j < nt; j++) {
        cnt treg = 0, tpart = 0, tvis = 0;
        for (i = 0; i < t->n_cadres; i++)
            if (t->cadres[i].team && !strcmp(t->cadres[i].team, teams[j])) {
                treg++;
                tpart += t->cadres[i].visits > 0;
                tvis += t->cadres[i].visits;
            }
        retwrite_open(w, "team");
        retwrite_attr(w, "name", teams[j]);
        retwrite_count(w, "registered", treg);
        retwrite_count(w, "taking-part", tpart);
        retwrite_count(w, "visits", tvis);
        retwrite_close(w);
    }
    for (i = 0; i < t->n_cadres; i++) {
        const cadre_row *c = &t->cadres[i];
        retwrite_open(w, "cadre");
        retwrite_attr(w, "id", c->id ? c->id : "");
        retwrite_attr(w, "role", c->role >= 0 ? role[c->role].value : "");
        retwrite_attr(w, "team", c->team);
        retwrite_count(w, "visits", c->visits);
        retwrite_close(w);
    }
    retwrite_close(w);
    rc = ERR_OK;
fail:
    free(teams);
    free(part);
    free(vis);
    return rc;
}

error_code tally_write(const tally_t *t, retwrite_t *w, const vocab_t *rv,
                       const char *const *rule_severity)
{
    const vocab_item *dw = vocab_enum(t->v, "dwelling", NULL);
    const vocab_item *kind = vocab_enum(t->v, "visitKind", NULL);
    const vocab_item *grp = vocab_enum(t->v, "group", NULL);
    const vocab_item *eld = vocab_enum(t->v, "elderlyGroup", NULL);
    const vocab_item *type = vocab_enum(t->v, "serviceType", NULL);
    const vocab_item *rating = vocab_enum(t->v, "rating", NULL);
    const vocab_item *sec = vocab_enum(t->v, "sectionName", NULL);
    const vocab_item *rules;
    /* the labels are the schema's; without its elderlyGroup type, the
     * value stands for itself (as vocab_label does for any value) */
    vocab_item elderly = {"elderly", "elderly", "elderly"};
    size_t i, j, n_rules, n_eld;
    cnt satisfied = 0;

    vocab_enum(t->v, "elderlyGroup", &n_eld);
    if (eld && n_eld)
        elderly = eld[0];
    rules = vocab_enum(rv, "rule", &n_rules);

    /* households */
    retwrite_open(w, "households");
    retwrite_count(w, "registered", sum(t->hh_reg, t->n_dw));
    retwrite_count(w, "visited", sum(t->hh_vis, t->n_dw));
    for (i = 0; i < t->n_dw; i++) {
        row(w, "dwelling", &dw[i]);
        retwrite_count(w, "registered", t->hh_reg[i]);
        retwrite_count(w, "visited", t->hh_vis[i]);
        retwrite_close(w);
    }
    retwrite_close(w);
    /* visits */
    retwrite_open(w, "visits");
    retwrite_count(w, "count", sum(t->visits, t->n_kind));
    for (i = 0; i < t->n_kind; i++) {
        row(w, "kind", &kind[i]);
        retwrite_count(w, "count", t->visits[i]);
        retwrite_close(w);
    }
    retwrite_close(w);
    if (write_cadres(t, w))
        return ERR_NOMEM;
    retwrite_open(w, "forms");
    retwrite_count(w, "count", t->forms);
    retwrite_close(w);
    write_items(t, w, "opinions", t->op, 1);
    write_items(t, w, "suggestions", t->sg, 0);
    /* groups, then the elderly union */
    retwrite_open(w, "groups");
    retwrite_count(w, "members", t->any_members);
    retwrite_count(w, "households", t->any_households);
    for (i = 0; i <= t->n_grp; i++) {
        row(w, "group", i < t->n_grp ? &grp[i] : &elderly);
        retwrite_count(w, "members", t->grp_members[i]);
        retwrite_count(w, "households", t->grp_households[i]);
        retwrite_count(w, "served", t->grp_served[i]);
        retwrite_close(w);
    }
    retwrite_close(w);
    /* services by type × group */
    retwrite_open(w, "services");
    retwrite_count(w, "count", sum(t->svc_count, t->n_type));
    retwrite_count(w, "members", t->svc_any_members);
    for (i = 0; i < t->n_type; i++) {
        row(w, "type", &type[i]);
        retwrite_count(w, "count", t->svc_count[i]);
        retwrite_count(w, "members", t->svc_members[i]);
        for (j = 0; j <= t->n_grp; j++) {
            row(w, "group", j < t->n_grp ? &grp[j] : &elderly);
            retwrite_count(w, "count", t->svc[i * (t->n_grp + 1) + j]);
            retwrite_close(w);
        }
        retwrite_close(w);
    }
    retwrite_close(w);
    /* satisfaction */
    for (i = 0; i < t->n_rating; i++)
        if ((int)i != t->dissatisfied)
            satisfied += t->rating[i];
    retwrite_open(w, "satisfaction");
    retwrite_count(w, "forms", sum(t->rating, t->n_rating));
    retwrite_count(w, "satisfied", satisfied);
    for (i = 0; i < t->n_rating; i++) {
        row(w, "rating", &rating[i]);
        retwrite_count(w, "count", t->rating[i]);
        retwrite_close(w);
    }
    retwrite_close(w);
    /* audit findings by rule */
    retwrite_open(w, "audit");
    retwrite_count(w, "errors", sum(t->rule_err, t->n_rule));
    retwrite_count(w, "warnings", sum(t->rule_warn, t->n_rule));
    for (i = 0; i < n_rules && i < t->n_rule; i++) {
        retwrite_open(w, "rule");
        retwrite_attr(w, "value", rules[i].value);
        retwrite_attr(w, "zh", rules[i].zh);
        retwrite_attr(w, "en", rules[i].en);
        retwrite_attr(w, "severity",
                      rule_severity && rule_severity[i] ? rule_severity[i]
                                                        : "error");
        retwrite_count(w, "count", t->rule_count[i]);
        retwrite_close(w);
    }
    retwrite_close(w);
    /* narrative, sections in schema order (several parts: in feed order) */
    if (t->n_secs) {
        retwrite_open(w, "narrative");
        for (j = 0; j < t->n_sec; j++)
            for (i = 0; i < t->n_secs; i++) {
                size_t k;
                if (t->secs[i].name != (int)j)
                    continue;
                row(w, "section", &sec[j]);
                for (k = 0; k < t->secs[i].n_p; k++) {
                    retwrite_open(w, "p");
                    retwrite_text(w, t->secs[i].p[k]);
                    retwrite_close(w);
                }
                retwrite_close(w);
            }
        retwrite_close(w);
    }
    return ERR_OK;
}
