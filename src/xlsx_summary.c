/*
 * xlsx_summary.c — the summary sheet of the returns workbook, a cross-table
 * in the statistical-return convention: units down the side, one row per
 * unit (甲 name, 乙 code), the indicators across, numbered 1 2 3… in a row
 * under the headings; the reporting (filing) unit's 合计 row first, with
 * its code; then the communities grouped by district and street (the code
 * prefixes of retdoc.h), each street's and district's subtotal row before
 * its communities (a parent above its children) when the return has that
 * roll-up and it does not cover the whole return (roll-ups stop at the
 * filing unit, which is the 合计 row: a street's return has no district
 * row, and no street row repeating its 合计). Subtotals and the total are
 * SUM formulas whose cached value is the exact integer sum of the cells
 * they cover, computed here (so a reader that does not recalculate shows
 * what Excel would); coverage and satisfaction rate are formulas on their
 * row. A subtotal's row is reserved before its communities are written and
 * filled once their sums are known. A note above the table names every
 * register a partial return left out.
 */
#include "xlsx_sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V_ELDERLY "elderly" /* the group "elderly" of the summary */

/* A summary column: a count of the unit (EL[/ROW[@value=PICK]]/@ATTR), or
 * a ratio of two earlier columns (NUM/DEN), or code/name text. */
typedef struct {
    int word;
    const char *el, *row, *pick, *attr;
    int num, den; /* ratio columns, -1 otherwise */
} sum_col;

static const sum_col columns[] = {
    {W_NAME, NULL, NULL, NULL, NULL, -1, -1},
    {W_CODE, NULL, NULL, NULL, NULL, -1, -1},
    {W_HH_REGISTERED, "households", NULL, NULL, "registered", -1, -1},
    {W_HH_VISITED, "households", NULL, NULL, "visited", -1, -1},
    {W_COVERAGE, NULL, NULL, NULL, NULL, 3, 2},
    {W_VISITS, "visits", NULL, NULL, "count", -1, -1},
    {W_FORMS, "forms", NULL, NULL, "count", -1, -1},
    {W_OPINIONS, "opinions", NULL, NULL, "count", -1, -1},
    {W_IMPORTANT, "opinions", NULL, NULL, "important", -1, -1},
    {W_IMPORTANT_REPORTED, "opinions", NULL, NULL, "important-reported", -1,
     -1},
    {W_SUGGESTIONS, "suggestions", NULL, NULL, "count", -1, -1},
    {W_ELDERLY_MEMBERS, "groups", "group", V_ELDERLY, "members", -1, -1},
    {W_ELDERLY_SERVED, "groups", "group", V_ELDERLY, "served", -1, -1},
    {W_SERVICES, "services", NULL, NULL, "count", -1, -1},
    {W_SAT_FORMS, "satisfaction", NULL, NULL, "forms", -1, -1},
    {W_SATISFIED, "satisfaction", NULL, NULL, "satisfied", -1, -1},
    {W_SAT_RATE, NULL, NULL, NULL, NULL, 15, 14},
};
#define NSUM (sizeof columns / sizeof *columns)

/* Row kinds: a community, a street subtotal (SUM over a range), a district
 * subtotal and the grand total (SUM over a list of rows). */
enum { ROW_COMMUNITY, ROW_STREET, ROW_DISTRICT, ROW_TOTAL };

/* The running state of the table. */
typedef struct {
    xlsx_sheet s;
    const retdoc_unit **comm; /* the communities, in code order */
    size_t ncomm;
    double *vals; /* NSUM values per community */
    lxw_row_t *dist_rows, *street_rows;
    size_t ndist, nstreet;
    lxw_row_t r; /* next free row */
} summary;

static double value_of(xlsx_ctx *c, const retdoc_unit *u, const sum_col *k)
{
    const xmlNode *n;
    if (!k->el) /* a ratio: a formula over other columns */
        return 0;
    n = retdoc_child(u->node, k->el);
    if (k->row)
        n = retdoc_row(c->rd, n, k->row, k->pick);
    return (double)retdoc_count(c->rd, n, k->attr);
}

/* Writes row R of KIND: a community's values V; a street subtotal, SUM
 * over rows FIRST..LAST; a district subtotal or the total, SUM over ROWS.
 * V holds the cached sums. Name (甲) in column 0, code (乙) in 1. */
static void write_row(xlsx_ctx *c, summary *t, lxw_row_t r, const char *code,
                      const char *name, const double *v, int kind,
                      lxw_row_t first, lxw_row_t last, const lxw_row_t *rows,
                      size_t nrows)
{
    xlsx_sheet *s = &t->s;
    const xlsx_formats *f = &c->f;
    lxw_format *ft = kind == ROW_COMMUNITY ? f->text
                     : kind == ROW_TOTAL   ? f->tot_text
                                           : f->sub_text;
    lxw_format *fn = kind == ROW_COMMUNITY ? f->num
                     : kind == ROW_TOTAL   ? f->tot_num
                                           : f->sub_num;
    lxw_format *fp = kind == ROW_COMMUNITY ? f->pct
                     : kind == ROW_TOTAL   ? f->tot_pct
                                           : f->sub_pct;
    size_t i;

    xlsx_sheet_str(c, s, r, 0, name, ft, 0);
    xlsx_sheet_str(c, s, r, 1, code, ft, 0);
    for (i = 2; i < NSUM; i++) {
        const sum_col *k = &columns[i];
        lxw_col_t col = (lxw_col_t)i;
        buf_t b = BUF_INIT;
        if (k->num >= 0) {
            xlsx_sheet_rate(&b, r, (lxw_col_t)k->num, (lxw_col_t)k->den);
            xlsx_sheet_formula(c, s, r, col, &b,
                               xlsx_sheet_ratio(v[k->num], v[k->den]), fp);
        } else if (kind == ROW_COMMUNITY) {
            xlsx_sheet_num(c, s, r, col, v[col], fn);
        } else {
            if (kind == ROW_STREET)
                xlsx_sheet_sum_range(&b, first, col, last, col);
            else
                xlsx_sheet_sum_list(&b, rows, nrows, col);
            xlsx_sheet_formula(c, s, r, col, &b, v[col], fn);
        }
    }
}

/* The name of a roll-up row: the return's unit of LEVEL/CODE if present,
 * else NAME (from the community attributes) + " subtotal". */
static const char *subtotal_name(xlsx_ctx *c, const char *level,
                                 const char *code, const char *name)
{
    buf_t b = BUF_INIT;
    const retdoc_unit *u = retdoc_find(c->rd, level, code);
    buf_printf(&b, "%s%s", u ? u->name : name, xlsx_sheet_word(c, W_SUBTOTAL));
    return xlsx_sheet_keep_buf(c, &b);
}

/* The first DIGITS of CODE (fewer when CODE is shorter) into OUT. */
static size_t prefix(char out[16], const char *code, size_t digits)
{
    size_t n = strlen(code) < digits ? strlen(code) : digits;
    snprintf(out, 16, "%.*s", (int)n, code);
    return n;
}

static int same_prefix(const retdoc_unit *u, const char *p, size_t n)
{
    return !strncmp(u->code, p, n) && strlen(u->code) >= n;
}

/* Whether the roll-up unit LEVEL/CODE has a row of its own: it is in the
 * return (roll-ups stop at the filing unit) and does not cover every
 * community (the one that does is the 合计 row). */
static int own_row(xlsx_ctx *c, const summary *t, const char *level,
                   const char *code)
{
    const retdoc_unit *u = retdoc_find(c->rd, level, code);
    return u && u->communities < t->ncomm;
}

/* The street that begins at community *I: its subtotal row, when it has
 * one of its own (reserved first, written once its communities' sums are
 * known), then its communities; adds the street's sums into DISTRICT and
 * the rows that make them up (the subtotal, or else the communities) to
 * t->street_rows. */
static void write_street(xlsx_ctx *c, summary *t, size_t *i, double *district)
{
    const retdoc_unit *s0 = t->comm[*i];
    double street[NSUM];
    char scode[16];
    size_t slen = prefix(scode, s0->code, RETDOC_STREET_DIGITS), j;
    int own = own_row(c, t, RETDOC_LEVEL_STREET, scode);
    lxw_row_t sub = t->r, first, r;

    memset(street, 0, sizeof street);
    if (own)
        t->r++;
    first = t->r;
    while (*i < t->ncomm && same_prefix(t->comm[*i], scode, slen)) {
        const double *v = &t->vals[*i * NSUM];
        write_row(c, t, t->r++, t->comm[*i]->code, t->comm[*i]->name, v,
                  ROW_COMMUNITY, 0, 0, NULL, 0);
        for (j = 2; j < NSUM; j++)
            street[j] += v[j];
        (*i)++;
    }
    if (own) {
        t->street_rows[t->nstreet++] = sub;
        write_row(c, t, sub, scode,
                  subtotal_name(c, RETDOC_LEVEL_STREET, scode, s0->street),
                  street, ROW_STREET, first, t->r - 1, NULL, 0);
    } else {
        for (r = first; r < t->r; r++)
            t->street_rows[t->nstreet++] = r;
    }
    for (j = 2; j < NSUM; j++)
        district[j] += street[j];
}

/* The district that begins at community *I: its subtotal row when it has
 * one of its own (reserved first), then its streets; adds the district's
 * sums into TOTAL and the rows that make them up to t->dist_rows. */
static void write_district(xlsx_ctx *c, summary *t, size_t *i, double *total)
{
    const retdoc_unit *d0 = t->comm[*i];
    double district[NSUM];
    char dcode[16];
    size_t dlen = prefix(dcode, d0->code, RETDOC_DISTRICT_DIGITS), j;
    int own = own_row(c, t, RETDOC_LEVEL_DISTRICT, dcode);
    lxw_row_t sub = t->r;

    memset(district, 0, sizeof district);
    t->nstreet = 0;
    if (own)
        t->r++;
    while (*i < t->ncomm && same_prefix(t->comm[*i], dcode, dlen))
        write_street(c, t, i, district);
    if (own) {
        t->dist_rows[t->ndist++] = sub;
        write_row(c, t, sub, dcode,
                  subtotal_name(c, RETDOC_LEVEL_DISTRICT, dcode, d0->district),
                  district, ROW_DISTRICT, 0, 0, t->street_rows, t->nstreet);
    } else {
        for (j = 0; j < t->nstreet; j++)
            t->dist_rows[t->ndist++] = t->street_rows[j];
    }
    for (j = 2; j < NSUM; j++)
        total[j] += district[j];
}

/* The code of the 合计 row: the filing unit's, the lowest roll-up that
 * covers every community ("" when there is none: one community alone). */
static const char *total_code(xlsx_ctx *c, const summary *t)
{
    size_t i;
    for (i = 0; i < retdoc_nunits(c->rd); i++) {
        const retdoc_unit *u = retdoc_unit_at(c->rd, i);
        if (u && u->rank >= 0 && u->communities == t->ncomm && *u->code)
            return u->code;
    }
    return "";
}

/* The partial note: every excluded source, by file name. */
static void write_note(xlsx_ctx *c, xlsx_sheet *s)
{
    buf_t note = BUF_INIT;
    size_t i, nexcl = 0;
    const char *text;

    for (i = 0; i < retdoc_nsources(c->rd); i++) {
        const retdoc_source *src = retdoc_source_at(c->rd, i);
        if (!src->included)
            buf_printf(&note, "%s%s",
                       nexcl++ ? xlsx_sheet_word(c, W_LIST_SEP)
                               : xlsx_sheet_word(c, W_PARTIAL),
                       src->file);
    }
    if (!retdoc_partial(c->rd) && !nexcl)
        return;
    if (!nexcl)
        buf_puts(&note, xlsx_sheet_word(c, W_PARTIAL));
    if (!(text = xlsx_sheet_keep_buf(c, &note)))
        return;
    xlsx_sheet_merge(c, s, s->row, 0, s->row, s->ncols - 1, text, c->f.note);
    xlsx_sheet_height(c, s, s->row,
                      15.0 * (1 + xlsx_sheet_text_width(text) / 150));
    s->row++;
}

/* The communities and their values. */
static error_code load(xlsx_ctx *c, summary *t)
{
    size_t i, j, n = retdoc_nunits(c->rd);

    t->comm = calloc(n + 1, sizeof *t->comm);
    t->vals = calloc((n + 1) * NSUM, sizeof *t->vals);
    t->dist_rows = calloc(n + 1, sizeof *t->dist_rows);
    t->street_rows = calloc(n + 1, sizeof *t->street_rows);
    if (!t->comm || !t->vals || !t->dist_rows || !t->street_rows)
        return xlsx_sheet_nomem(c);
    for (i = 0; i < n; i++) {
        const retdoc_unit *u = retdoc_unit_at(c->rd, i);
        if (!u || u->rank >= 0)
            continue;
        for (j = 2; j < NSUM; j++) /* communities come in code order */
            t->vals[t->ncomm * NSUM + j] = value_of(c, u, &columns[j]);
        t->comm[t->ncomm++] = u;
    }
    return ERR_OK;
}

error_code xlsx_summary_sheet(xlsx_ctx *c, const char *table, const char *el)
{
    summary t;
    double total[NSUM];
    size_t i;
    lxw_row_t H, T;
    error_code rc;

    (void)el;
    memset(&t, 0, sizeof t);
    memset(total, 0, sizeof total);
    xlsx_sheet_begin(c, &t.s, table, -1, (lxw_col_t)NSUM);
    write_note(c, &t.s);
    H = t.s.row;
    for (i = 0; i < NSUM; i++)
        xlsx_sheet_head(c, &t.s, H, (lxw_col_t)i,
                        xlsx_sheet_word(c, columns[i].word));
    xlsx_sheet_numbers(c, &t.s, H + 1, 2, (lxw_col_t)NSUM);
    xlsx_sheet_heads(&t.s, H, H + 1, 2);
    /* the 合计 row first: reserved, written once the sums are known */
    T = H + 2;
    t.r = T + 1;
    if (c->rc == ERR_OK && load(c, &t) == ERR_OK)
        for (i = 0; i < t.ncomm;)
            write_district(c, &t, &i, total);
    if (t.ndist)
        write_row(c, &t, T, total_code(c, &t), xlsx_sheet_word(c, W_TOTAL),
                  total, ROW_TOTAL, 0, 0, t.dist_rows, t.ndist);
    else
        t.r = T;
    xlsx_sheet_filter(c, &t.s, t.r, NSUM - 1);
    rc = xlsx_sheet_end(c, &t.s);
    free(t.comm);
    free(t.vals);
    free(t.dist_rows);
    free(t.street_rows);
    return rc;
}
