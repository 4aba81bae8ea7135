/*
 * xlsx_tables.c — the unit tables of the returns workbook, one sheet per
 * table of return.xsd, one row (or block of rows) per unit in report
 * order:
 *
 *   visits        per unit (甲 name, 乙 code, columns numbered under the
 *                 two-level heading, the reporting unit's 合计 row first
 *                 with its own figures, then the others in report order):
 *                 households by dwelling, coverage, visits by kind
 *   opinions,     cross-tables in the statistical-return convention: one
 *   suggestions   row per unit, the reporting unit's 合计 row first (every
 *                 figure the SUM of the communities it covers), then the
 *                 others in report order; across, a 合计 block (total, by
 *                 status, important, important-reported) and a block per
 *                 category (its total, by status) under a two-level
 *                 heading, columns numbered 甲 乙 1 2 3… under it; row
 *                 totals are formulas; a column chart of the 合计 row by
 *                 category, with its data, below the table
 *   groups        the same form: a 合计（不重复计） block (members in any
 *                 group, their households, members served each once,
 *                 services by type and in all: the return's own counts,
 *                 groups overlap), then per group its members, households,
 *                 served and services; chart of services by type
 *   satisfaction  the same per-unit form as visits: forms by rating,
 *                 rate; pie chart of the 合计 row
 *
 * The cadres' table, in the same form, and its detail are xlsx_cadres.c.
 *
 * The rows of a table, and their order, are those of the first unit of
 * the return (every unit carries every enumerated row, return.xsd); row
 * labels are their zh/en attributes. Each function writes its cells in a
 * row and checks the context once, at xlsx_sheet_end (errors are sticky,
 * xlsx_sheet.h). Cells are written in the same order whatever happens, so
 * the shared strings of equal returns come out in equal order.
 */
#include "xlsx_sheet.h"

#include <stdlib.h>
#include <string.h>

/* The count ATTR of the row EL[@value = ROW's value] under PARENT. */
static double row_count(xlsx_ctx *c, const xmlNode *parent, const char *el,
                        const xmlNode *row, const char *attr)
{
    return (double)retdoc_count(
        c->rd, retdoc_row(c->rd, parent, el, retdoc_attr(c->rd, row, "value")),
        attr);
}

static double count(xlsx_ctx *c, const xmlNode *n, const char *attr)
{
    return (double)retdoc_count(c->rd, n, attr);
}

/* ------------------------------------------------------------------ visits */

/* One unit's row of the visits sheet: name (甲) and code (乙), dwellings
 * DW (ND) from column 2, totals and coverage at T, kinds (NK) at K. */
static void visits_row(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                       const retdoc_unit *u, const xmlNode **dw, size_t nd,
                       const xmlNode **kinds, size_t nk, lxw_col_t T,
                       lxw_col_t K)
{
    const xmlNode *hh = retdoc_child(u->node, "households");
    const xmlNode *vi = retdoc_child(u->node, "visits");
    lxw_format *ft, *fn, *fp;
    double reg = 0, vis = 0, nv = 0;
    buf_t breg = BUF_INIT, bvis = BUF_INIT, b = BUF_INIT;
    size_t j;

    xlsx_sheet_unit_formats(c, u, &ft, &fn, &fp);
    xlsx_sheet_unit_cross(c, s, r, u, ft);
    buf_puts(&breg, "SUM(");
    buf_puts(&bvis, "SUM(");
    for (j = 0; j < nd; j++) {
        lxw_col_t col = (lxw_col_t)(2 + 2 * j);
        double v1 = row_count(c, hh, "dwelling", dw[j], "registered");
        double v2 = row_count(c, hh, "dwelling", dw[j], "visited");
        xlsx_sheet_num(c, s, r, col, v1, fn);
        xlsx_sheet_num(c, s, r, col + 1, v2, fn);
        reg += v1;
        vis += v2;
        buf_puts(&breg, j ? "," : "");
        xlsx_sheet_ref(&breg, r, col);
        buf_puts(&bvis, j ? "," : "");
        xlsx_sheet_ref(&bvis, r, col + 1);
    }
    buf_puts(&breg, ")");
    buf_puts(&bvis, ")");
    if (nd) {
        xlsx_sheet_formula(c, s, r, T, &breg, reg, fn);
        xlsx_sheet_formula(c, s, r, T + 1, &bvis, vis, fn);
    } else {
        reg = count(c, hh, "registered");
        vis = count(c, hh, "visited");
        xlsx_sheet_num(c, s, r, T, reg, fn);
        xlsx_sheet_num(c, s, r, T + 1, vis, fn);
    }
    xlsx_sheet_rate(&b, r, T + 1, T);
    xlsx_sheet_formula(c, s, r, T + 2, &b, xlsx_sheet_ratio(vis, reg), fp);
    for (j = 0; j < nk; j++) {
        double v = row_count(c, vi, "kind", kinds[j], "count");
        xlsx_sheet_num(c, s, r, (lxw_col_t)(K + j), v, fn);
        nv += v;
    }
    if (nk) {
        xlsx_sheet_sum_range(&b, r, K, r, (lxw_col_t)(K + nk - 1));
        xlsx_sheet_formula(c, s, r, (lxw_col_t)(K + nk), &b, nv, fn);
    } else {
        xlsx_sheet_num(c, s, r, K, count(c, vi, "count"), fn);
    }
    buf_free(&breg);
    buf_free(&bvis);
    buf_free(&b);
}

error_code xlsx_tables_visits(xlsx_ctx *c, const char *table, const char *el)
{
    xlsx_sheet s;
    const xmlNode **dw = NULL, **kinds = NULL;
    const retdoc_unit **units = NULL;
    size_t nd, nk, nu = 0, i, j;
    lxw_col_t T, K, ncols;
    lxw_row_t H, r;
    error_code rc;

    (void)el;
    memset(&s, 0, sizeof s);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "households"), "dwelling", &dw, &nd);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "visits"), "kind", &kinds, &nk);
    xlsx_sheet_units(c, &units, &nu);
    T = (lxw_col_t)(2 + 2 * nd);
    K = (lxw_col_t)(T + 3);
    ncols = (lxw_col_t)(K + nk + 1);
    xlsx_sheet_begin(c, &s, table, -1, ncols);
    H = s.row;
    xlsx_sheet_head_merge(c, &s, H, 0, H + 1, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head_merge(c, &s, H, 1, H + 1, 1, xlsx_sheet_word(c, W_CODE));
    for (i = 0; i < nd; i++) {
        lxw_col_t col = (lxw_col_t)(2 + 2 * i);
        xlsx_sheet_head_merge(c, &s, H, col, H, col + 1,
                              xlsx_sheet_label(c, dw[i]));
        xlsx_sheet_head(c, &s, H + 1, col, xlsx_sheet_word(c, W_HH_REGISTERED));
        xlsx_sheet_head(c, &s, H + 1, col + 1,
                        xlsx_sheet_word(c, W_HH_VISITED));
    }
    xlsx_sheet_head_merge(c, &s, H, T, H, T + 2, xlsx_sheet_word(c, W_TOTAL));
    xlsx_sheet_head(c, &s, H + 1, T, xlsx_sheet_word(c, W_HH_REGISTERED));
    xlsx_sheet_head(c, &s, H + 1, T + 1, xlsx_sheet_word(c, W_HH_VISITED));
    xlsx_sheet_head(c, &s, H + 1, T + 2, xlsx_sheet_word(c, W_COVERAGE));
    xlsx_sheet_head_merge(c, &s, H, K, H, (lxw_col_t)(K + nk),
                          xlsx_sheet_word(c, W_VISITS));
    for (j = 0; j < nk; j++)
        xlsx_sheet_head(c, &s, H + 1, (lxw_col_t)(K + j),
                        xlsx_sheet_label(c, kinds[j]));
    xlsx_sheet_head(c, &s, H + 1, (lxw_col_t)(K + nk),
                    xlsx_sheet_word(c, W_TOTAL));
    xlsx_sheet_numbers(c, &s, H + 2, 2, ncols);
    xlsx_sheet_heads(&s, H, H + 2, 2);
    /* the reporting unit (合计) first, then the others in report order */
    for (r = H + 3, i = 0; i < nu && c->rc == ERR_OK; i++, r++)
        visits_row(c, &s, r, units[i], dw, nd, kinds, nk, T, K);
    xlsx_sheet_filter(c, &s, r, ncols - 1);
    rc = xlsx_sheet_end(c, &s);
    free(units);
    free(dw);
    free(kinds);
    return rc;
}

/* ------------------------------------------------- opinions, suggestions */

/* The layout of an items sheet, a cross-table: the unit's name (甲) and
 * code (乙) in columns 0-1; from T the 合计 block: the total, the total by
 * status (NST) and, with IMP, important and important-reported; from C a
 * block per category (NCAT): its total, then by status. */
typedef struct {
    const char *el;
    const xmlNode **cats, **sts;
    size_t ncat, nst;
    lxw_col_t T, C, ncols;
    int imp;
} items_layout;

/* The first column of category K's block. */
static lxw_col_t items_cat_col(const items_layout *l, size_t k)
{
    return (lxw_col_t)(l->C + k * (l->nst + 1));
}

/* The figures of unit U's row into V (l->ncols, from column 2): by
 * category and status, the categories' totals, the 合计 block. Without
 * categories or statuses the return's own counts stand instead. */
static void items_values(xlsx_ctx *c, const void *vl, const retdoc_unit *u,
                         double *v)
{
    const items_layout *l = vl;
    const xmlNode *items = retdoc_child(u->node, l->el);
    size_t j, k;

    memset(v, 0, l->ncols * sizeof *v);
    for (k = 0; k < l->ncat; k++) {
        const xmlNode *cr = retdoc_row(c->rd, items, "category",
                                       retdoc_attr(c->rd, l->cats[k], "value"));
        lxw_col_t col = items_cat_col(l, k);
        for (j = 0; j < l->nst; j++) {
            double x = row_count(c, cr, "status", l->sts[j], "count");
            v[col + 1 + j] = x;
            v[col] += x;
            v[l->T + 1 + j] += x;
        }
        if (!l->nst)
            v[col] = count(c, cr, "count");
        v[l->T] += v[col];
    }
    for (j = 0; j < l->nst && !l->ncat; j++) {
        v[l->T + 1 + j] = row_count(c, items, "status", l->sts[j], "count");
        v[l->T] += v[l->T + 1 + j];
    }
    if (!l->ncat && !l->nst)
        v[l->T] = count(c, items, "count");
    if (l->imp) {
        v[l->T + 1 + l->nst] = count(c, items, "important");
        v[l->T + 2 + l->nst] = count(c, items, "important-reported");
    }
}

/* Row R of unit U with figures V. A category's total is the SUM of its
 * statuses, the 合计 block's status totals the SUM of the categories'
 * cells, its total the SUM of those. With SUMROWS (N), the 合计 row of the
 * reporting unit: every figure is the SUM of those rows (the communities
 * it covers), as the summary sheet has it. Formulas are cached with V. */
static void items_write(xlsx_ctx *c, xlsx_sheet *s, const void *vl, lxw_row_t r,
                        const retdoc_unit *u, const double *v,
                        const lxw_row_t *sumrows, size_t n)
{
    const items_layout *l = vl;
    lxw_format *ft, *fn;
    lxw_col_t col;
    size_t j, k;

    xlsx_sheet_unit_formats(c, u, &ft, &fn, NULL);
    xlsx_sheet_unit_cross(c, s, r, u, ft);
    for (col = l->T; col < l->ncols && c->rc == ERR_OK; col++) {
        buf_t b = BUF_INIT;
        size_t bw = l->nst + 1; /* a category's block */
        int is_cat_total = bw && col >= l->C && (col - l->C) % bw == 0;
        int is_st_total = col > l->T && col <= l->T + l->nst;
        if (sumrows) {
            xlsx_sheet_sum_list(&b, sumrows, n, col);
        } else if (col == l->T && l->nst) {
            xlsx_sheet_sum_range(&b, r, l->T + 1, r,
                                 (lxw_col_t)(l->T + l->nst));
        } else if (is_cat_total && l->nst) {
            xlsx_sheet_sum_range(&b, r, col + 1, r, (lxw_col_t)(col + l->nst));
        } else if (is_st_total && l->ncat) {
            j = col - l->T - 1;
            buf_puts(&b, "SUM(");
            for (k = 0; k < l->ncat; k++) {
                buf_puts(&b, k ? "," : "");
                xlsx_sheet_ref(&b, r, (lxw_col_t)(items_cat_col(l, k) + 1 + j));
            }
            buf_puts(&b, ")");
        } else {
            xlsx_sheet_num(c, s, r, col, v[col], fn);
            continue;
        }
        xlsx_sheet_formula(c, s, r, col, &b, v[col], fn);
    }
}

/* The two-level heading from row H, then the column numbers under it:
 * 合计 and each category over their total and statuses. */
static void items_heads(xlsx_ctx *c, xlsx_sheet *s, const items_layout *l,
                        lxw_row_t H)
{
    const char *total = xlsx_sheet_word(c, W_TOTAL);
    size_t j, k;

    xlsx_sheet_head_merge(c, s, H, 0, H + 1, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head_merge(c, s, H, 1, H + 1, 1, xlsx_sheet_word(c, W_CODE));
    xlsx_sheet_head_merge(c, s, H, l->T, H, l->C - 1, total);
    xlsx_sheet_head(c, s, H + 1, l->T, total);
    for (j = 0; j < l->nst; j++)
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(l->T + 1 + j),
                        xlsx_sheet_label(c, l->sts[j]));
    if (l->imp) {
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(l->T + 1 + l->nst),
                        xlsx_sheet_word(c, W_IMPORTANT));
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(l->T + 2 + l->nst),
                        xlsx_sheet_word(c, W_IMPORTANT_REPORTED));
    }
    for (k = 0; k < l->ncat; k++) {
        lxw_col_t col = items_cat_col(l, k);
        xlsx_sheet_head_merge(c, s, H, col, H, (lxw_col_t)(col + l->nst),
                              xlsx_sheet_label(c, l->cats[k]));
        xlsx_sheet_head(c, s, H + 1, col, total);
        for (j = 0; j < l->nst; j++)
            xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(col + 1 + j),
                            xlsx_sheet_label(c, l->sts[j]));
    }
    xlsx_sheet_numbers(c, s, H + 2, 2, l->ncols);
    xlsx_sheet_heads(s, H, H + 2, 2);
}

/* The chart of the reporting unit's items by category: its data, the
 * categories beside the 合计 row's category totals (formulas, cached with
 * V, that row's figures), go below
 * the table and its footer, the chart beside them; the categories' totals
 * are not adjacent in the table, and a chart series takes one range. */
static void items_chart(xlsx_ctx *c, xlsx_sheet *s, const items_layout *l,
                        const char *title, lxw_row_t top, const double *v)
{
    /* from column 2: the unit columns repeat on every printed page */
    const lxw_col_t C0 = 2;
    lxw_row_t r0 = s->row + 3;
    size_t k;

    xlsx_sheet_head(c, s, r0, C0, xlsx_sheet_word(c, W_CATEGORY));
    xlsx_sheet_head(c, s, r0, C0 + 1, xlsx_sheet_word(c, W_TOTAL));
    for (k = 0; k < l->ncat; k++) {
        buf_t b = BUF_INIT;
        lxw_row_t r = r0 + 1 + (lxw_row_t)k;
        const char *label = xlsx_sheet_label(c, l->cats[k]);
        double w = xlsx_sheet_text_width(label);
        /* wrapped at a heading's width: the column is the 合计 column */
        xlsx_sheet_str(c, s, r, C0, label, c->f.wrap, XLSX_HEAD_WIDTH_EN);
        if (w > XLSX_HEAD_WIDTH_EN)
            xlsx_sheet_height(c, s, r,
                              15 * (1 + (int)(w / XLSX_HEAD_WIDTH_EN)));
        xlsx_sheet_ref(&b, top, items_cat_col(l, k));
        xlsx_sheet_formula(c, s, r, C0 + 1, &b, v[items_cat_col(l, k)],
                           c->f.num);
    }
    xlsx_chart_add_at(c, s, LXW_CHART_COLUMN, title, r0 + 1,
                      r0 + (lxw_row_t)l->ncat, C0, C0 + 1, 0, r0, C0 + 3);
}

error_code xlsx_tables_items(xlsx_ctx *c, const char *table, const char *el)
{
    xlsx_sheet s;
    items_layout l;
    const xmlNode *items0 = xlsx_sheet_first(c, el);
    const retdoc_unit **units = NULL;
    double *tot = NULL;
    size_t nu = 0;
    lxw_row_t H, r;
    error_code rc;

    memset(&s, 0, sizeof s);
    memset(&l, 0, sizeof l);
    l.el = el;
    xlsx_sheet_rows(c, items0, "category", &l.cats, &l.ncat);
    xlsx_sheet_rows(c, l.ncat ? l.cats[0] : items0, "status", &l.sts, &l.nst);
    l.imp = retdoc_attr(c->rd, items0, "important") != NULL;
    l.T = 2;
    l.C = (lxw_col_t)(l.T + 1 + l.nst + (l.imp ? 2 : 0));
    l.ncols = items_cat_col(&l, l.ncat);
    xlsx_sheet_units(c, &units, &nu);
    tot = calloc(l.ncols, sizeof *tot); /* NULL: said by the rows */
    xlsx_sheet_begin(c, &s, table, -1, l.ncols);
    s.block_from = l.C; /* printed pages begin with a category */
    s.block = (lxw_col_t)(l.nst + 1);
    s.head_width = c->en ? XLSX_CROSS_HEAD_WIDTH_EN : XLSX_CROSS_HEAD_WIDTH_ZH;
    H = s.row;
    items_heads(c, &s, &l, H);
    /* the units after the 合计 row, then the 合计 row: the sums of the
     * communities it covers */
    {
        const xlsx_unit_rows how = {&l, l.ncols, l.T, items_values,
                                    items_write};
        r = xlsx_sheet_unit_rows(c, &s, &how, units, nu, H + 4, H + 3, tot);
    }
    xlsx_sheet_filter(c, &s, r, l.ncols - 1);
    if (c->top && l.ncat && tot)
        items_chart(c, &s, &l, xlsx_sheet_vlabel(c, "table", table), H + 3,
                    tot);
    rc = xlsx_sheet_end(c, &s);
    free(units);
    free(tot);
    free(l.cats);
    free(l.sts);
    return rc;
}

/* ------------------------------------------------------------------ groups */

/* The layout of the groups sheet, a cross-table: the unit's name (甲) and
 * code (乙) in columns 0-1; from column 2 the 合计（不重复计） block:
 * members in at least one group, their households, members served (each
 * once), services by type (NT) and in all; from G a block per group (NG):
 * members, households, served, services. Groups overlap (elderly is the
 * three elderly-* groups, a member may be in several): the first block
 * holds the return's own counts, not sums of the groups'. */
typedef struct {
    const xmlNode **groups, **types;
    size_t ng, nt;
    lxw_col_t S, G, ncols; /* services by type; the first group block */
} groups_layout;

#define GROUP_COLS 4 /* members, households, served, services */

static lxw_col_t groups_col(const groups_layout *l, size_t k)
{
    return (lxw_col_t)(l->G + k * GROUP_COLS);
}

/* The figures of unit U's row into V (l->ncols). */
static void groups_values(xlsx_ctx *c, const void *vl, const retdoc_unit *u,
                          double *v)
{
    const groups_layout *l = vl;
    const xmlNode *gs = retdoc_child(u->node, "groups");
    const xmlNode *sv = retdoc_child(u->node, "services");
    size_t j, k;

    memset(v, 0, l->ncols * sizeof *v);
    v[2] = count(c, gs, "members");
    v[3] = count(c, gs, "households");
    v[4] = count(c, sv, "members");
    for (j = 0; j < l->nt; j++) {
        v[l->S + j] = row_count(c, sv, "type", l->types[j], "count");
        v[l->S + l->nt] += v[l->S + j];
    }
    if (!l->nt)
        v[l->S] = count(c, sv, "count");
    for (k = 0; k < l->ng; k++) {
        const char *gv = retdoc_attr(c->rd, l->groups[k], "value");
        const xmlNode *g = retdoc_row(c->rd, gs, "group", gv);
        lxw_col_t col = groups_col(l, k);
        v[col] = count(c, g, "members");
        v[col + 1] = count(c, g, "households");
        v[col + 2] = count(c, g, "served");
        for (j = 0; j < l->nt; j++) {
            const xmlNode *t = retdoc_row(
                c->rd, sv, "type", retdoc_attr(c->rd, l->types[j], "value"));
            v[col + 3] += count(c, retdoc_row(c->rd, t, "group", gv), "count");
        }
    }
}

/* Row R of unit U with figures V; the services in all are the SUM of
 * those by type. With SUMROWS (N), the 合计 row: every figure the SUM of
 * those rows (the communities it covers). Formulas cached with V. */
static void groups_write(xlsx_ctx *c, xlsx_sheet *s, const void *vl,
                         lxw_row_t r, const retdoc_unit *u, const double *v,
                         const lxw_row_t *sumrows, size_t n)
{
    const groups_layout *l = vl;
    lxw_format *ft, *fn;
    lxw_col_t col;

    xlsx_sheet_unit_formats(c, u, &ft, &fn, NULL);
    xlsx_sheet_unit_cross(c, s, r, u, ft);
    for (col = 2; col < l->ncols && c->rc == ERR_OK; col++) {
        buf_t b = BUF_INIT;
        if (sumrows) {
            xlsx_sheet_sum_list(&b, sumrows, n, col);
        } else if (col == l->S + l->nt && l->nt) {
            xlsx_sheet_sum_range(&b, r, l->S, r, (lxw_col_t)(col - 1));
        } else {
            xlsx_sheet_num(c, s, r, col, v[col], fn);
            continue;
        }
        xlsx_sheet_formula(c, s, r, col, &b, v[col], fn);
    }
}

static void groups_heads(xlsx_ctx *c, xlsx_sheet *s, const groups_layout *l,
                         lxw_row_t H)
{
    static const int w[GROUP_COLS] = {W_MEMBERS, W_HOUSEHOLDS, W_SERVED,
                                      W_SERVICES};
    size_t j, k;

    xlsx_sheet_head_merge(c, s, H, 0, H + 1, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head_merge(c, s, H, 1, H + 1, 1, xlsx_sheet_word(c, W_CODE));
    xlsx_sheet_head_merge(c, s, H, 2, H, l->G - 1,
                          xlsx_sheet_word(c, W_DISTINCT_TOTAL));
    for (j = 0; j < 3; j++)
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(2 + j),
                        xlsx_sheet_word(c, w[j]));
    for (j = 0; j < l->nt; j++)
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(l->S + j),
                        xlsx_sheet_label(c, l->types[j]));
    xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(l->S + l->nt),
                    xlsx_sheet_word(c, W_SERVICES));
    for (k = 0; k < l->ng; k++) {
        lxw_col_t col = groups_col(l, k);
        xlsx_sheet_head_merge(c, s, H, col, H, col + GROUP_COLS - 1,
                              xlsx_sheet_label(c, l->groups[k]));
        for (j = 0; j < GROUP_COLS; j++)
            xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(col + j),
                            xlsx_sheet_word(c, w[j]));
    }
    xlsx_sheet_numbers(c, s, H + 2, 2, l->ncols);
    xlsx_sheet_heads(s, H, H + 2, 2);
}

error_code xlsx_tables_groups(xlsx_ctx *c, const char *table, const char *el)
{
    xlsx_sheet s;
    groups_layout l;
    const retdoc_unit **units = NULL;
    double *tot = NULL;
    lxw_row_t H, r;
    size_t nu = 0;
    error_code rc;

    (void)el;
    memset(&s, 0, sizeof s);
    memset(&l, 0, sizeof l);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "groups"), "group", &l.groups,
                    &l.ng);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "services"), "type", &l.types,
                    &l.nt);
    l.S = 5;
    l.G = (lxw_col_t)(l.S + l.nt + 1);
    l.ncols = groups_col(&l, l.ng);
    xlsx_sheet_units(c, &units, &nu);
    tot = calloc(l.ncols, sizeof *tot); /* NULL: said by the rows */
    xlsx_sheet_begin(c, &s, table, -1, l.ncols);
    s.block_from = l.G; /* printed pages begin with a group */
    s.block = GROUP_COLS;
    s.head_width = c->en ? XLSX_CROSS_HEAD_WIDTH_EN : XLSX_CROSS_HEAD_WIDTH_ZH;
    H = s.row;
    groups_heads(c, &s, &l, H);
    {
        const xlsx_unit_rows how = {&l, l.ncols, 2, groups_values,
                                    groups_write};
        r = xlsx_sheet_unit_rows(c, &s, &how, units, nu, H + 4, H + 3, tot);
    }
    xlsx_sheet_filter(c, &s, r, l.ncols - 1);
    /* the 合计 row's services by type, below the table */
    if (c->top && l.nt)
        xlsx_chart_add(c, &s, LXW_CHART_COLUMN, xlsx_sheet_word(c, W_SERVICES),
                       H + 1, H + 3, l.S, (lxw_col_t)(l.S + l.nt - 1), 1);
    rc = xlsx_sheet_end(c, &s);
    free(units);
    free(tot);
    free(l.groups);
    free(l.types);
    return rc;
}

/* ------------------------------------------------------------ satisfaction */

/* Unit U's row: name (甲) and code (乙), forms by rating (RATINGS, NR)
 * from column 2, forms at F, satisfied, rate. */
static void satisfaction_row(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                             const retdoc_unit *u, const xmlNode **ratings,
                             size_t nr, lxw_col_t F)
{
    const xmlNode *sa = retdoc_child(u->node, "satisfaction");
    double forms = 0, sat = count(c, sa, "satisfied");
    lxw_format *ft, *fn, *fp;
    buf_t b = BUF_INIT;
    size_t j;

    xlsx_sheet_unit_formats(c, u, &ft, &fn, &fp);
    xlsx_sheet_unit_cross(c, s, r, u, ft);
    for (j = 0; j < nr; j++) {
        double v = row_count(c, sa, "rating", ratings[j], "count");
        xlsx_sheet_num(c, s, r, (lxw_col_t)(2 + j), v, fn);
        forms += v;
    }
    if (nr) {
        xlsx_sheet_sum_range(&b, r, 2, r, F - 1);
        xlsx_sheet_formula(c, s, r, F, &b, forms, fn);
    } else {
        xlsx_sheet_num(c, s, r, F, forms = count(c, sa, "forms"), fn);
    }
    xlsx_sheet_num(c, s, r, F + 1, sat, fn);
    xlsx_sheet_rate(&b, r, F + 1, F);
    xlsx_sheet_formula(c, s, r, F + 2, &b, xlsx_sheet_ratio(sat, forms), fp);
}

error_code xlsx_tables_satisfaction(xlsx_ctx *c, const char *table,
                                    const char *el)
{
    xlsx_sheet s;
    const xmlNode **ratings = NULL;
    const retdoc_unit **units = NULL;
    size_t nr, nu = 0, i, j;
    lxw_col_t F, ncols;
    lxw_row_t H, r;
    error_code rc;

    (void)el;
    memset(&s, 0, sizeof s);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "satisfaction"), "rating", &ratings,
                    &nr);
    xlsx_sheet_units(c, &units, &nu);
    F = (lxw_col_t)(2 + nr);
    ncols = (lxw_col_t)(F + 3);
    xlsx_sheet_begin(c, &s, table, -1, ncols);
    H = s.row;
    xlsx_sheet_head(c, &s, H, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head(c, &s, H, 1, xlsx_sheet_word(c, W_CODE));
    for (j = 0; j < nr; j++)
        xlsx_sheet_head(c, &s, H, (lxw_col_t)(2 + j),
                        xlsx_sheet_label(c, ratings[j]));
    xlsx_sheet_head(c, &s, H, F, xlsx_sheet_word(c, W_SAT_FORMS));
    xlsx_sheet_head(c, &s, H, F + 1, xlsx_sheet_word(c, W_SATISFIED));
    xlsx_sheet_head(c, &s, H, F + 2, xlsx_sheet_word(c, W_SAT_RATE));
    xlsx_sheet_numbers(c, &s, H + 1, 2, ncols);
    xlsx_sheet_heads(&s, H, H + 1, 2);
    /* the reporting unit (合计) first, then the others in report order */
    for (r = H + 2, i = 0; i < nu && c->rc == ERR_OK; i++, r++)
        satisfaction_row(c, &s, r, units[i], ratings, nr, F);
    xlsx_sheet_filter(c, &s, r, ncols - 1);
    if (c->top && nr && nu && c->rc == ERR_OK) /* the 合计 row, H + 2 */
        xlsx_chart_add(c, &s, LXW_CHART_PIE,
                       xlsx_sheet_vlabel(c, "table", table), H, H + 2, 2, F - 1,
                       1);
    rc = xlsx_sheet_end(c, &s);
    free(units);
    free(ratings);
    return rc;
}
