/*
 * xlsx_cadres.c — the cadres' sheets of the returns workbook (see
 * xlsx_sheet.h), in the statistical-return convention of the other unit
 * tables (xlsx_tables.c):
 *
 *   干部参与情况表   one row per unit, the reporting unit's 合计 row first
 *                   (every figure the SUM of the communities it covers),
 *                   then the others in report order; across, a 合计 block
 *                   (cadres registered, taking part, visits taken part in:
 *                   参与走访人次, a visit by two cadres counts once for
 *                   each; each the SUM of the roles') and a block per role
 *                   under a two-level heading, columns numbered 甲 乙 1 2
 *                   3… under it;
 *   （明细）         its detail: each community's teams, and its cadres by
 *                   id (never by name: personal data stays in the
 *                   register), with role and team; 甲 乙 丙 丁 戊 己 over
 *                   the text columns, 1 2 3 over the counts.
 *
 * The roles, and their order, are those of the first unit of the return
 * (every unit carries every role, return.xsd). Errors are sticky
 * (xlsx_sheet.h): each function writes its cells in a row and checks the
 * context at xlsx_sheet_end.
 */
#include "xlsx_sheet.h"

#include <stdlib.h>
#include <string.h>

static double count(xlsx_ctx *c, const xmlNode *n, const char *attr)
{
    return (double)retdoc_count(c->rd, n, attr);
}

/* The counts of a cadres table: cadres registered, taking part, and visits
 * taken part in (参与走访人次: a visit by two cadres counts once for each). */
#define CADRE_COLS 3
static const char *const cadre_counts[CADRE_COLS] = {"registered",
                                                     "taking-part", "visits"};
static const int cadre_words[CADRE_COLS] = {W_CADRES_REGISTERED, W_TAKING_PART,
                                            W_CADRE_VISITS};

/* The layout of the cadres cross-table: name (甲) and code (乙) in columns
 * 0-1; from column 2 the 合计 block (the three counts, each the SUM of the
 * roles'), then from R a block of three per role (NR). */
typedef struct {
    const xmlNode **roles;
    size_t nr;
    lxw_col_t R, ncols;
} cadres_layout;

static lxw_col_t cadres_col(const cadres_layout *l, size_t k)
{
    return (lxw_col_t)(l->R + k * CADRE_COLS);
}

/* The figures of unit U's row into V (l->ncols). */
static void cadres_values(xlsx_ctx *c, const void *vl, const retdoc_unit *u,
                          double *v)
{
    const cadres_layout *l = vl;
    const xmlNode *cd = retdoc_child(u->node, "cadres");
    size_t j, k;

    memset(v, 0, l->ncols * sizeof *v);
    for (k = 0; k < l->nr; k++) {
        const xmlNode *ro = retdoc_row(
            c->rd, cd, "role", retdoc_attr(c->rd, l->roles[k], "value"));
        for (j = 0; j < CADRE_COLS; j++) {
            double x = count(c, ro, cadre_counts[j]);
            v[cadres_col(l, k) + j] = x;
            v[2 + j] += x;
        }
    }
    for (j = 0; j < CADRE_COLS && !l->nr; j++)
        v[2 + j] = count(c, cd, cadre_counts[j]);
}

/* Row R of unit U with figures V: the 合计 block the SUM of the roles'
 * cells; with SUMROWS (N), the 合计 row, every figure the SUM of those
 * rows (the communities it covers). Formulas cached with V. */
static void cadres_write(xlsx_ctx *c, xlsx_sheet *s, const void *vl,
                         lxw_row_t r, const retdoc_unit *u, const double *v,
                         const lxw_row_t *sumrows, size_t n)
{
    const cadres_layout *l = vl;
    lxw_format *ft, *fn;
    lxw_col_t col;
    size_t k;

    xlsx_sheet_unit_formats(c, u, &ft, &fn, NULL);
    xlsx_sheet_unit_cross(c, s, r, u, ft);
    for (col = 2; col < l->ncols && c->rc == ERR_OK; col++) {
        buf_t b = BUF_INIT;
        if (sumrows) {
            xlsx_sheet_sum_list(&b, sumrows, n, col);
        } else if (col < l->R && l->nr) {
            buf_puts(&b, "SUM(");
            for (k = 0; k < l->nr; k++) {
                buf_puts(&b, k ? "," : "");
                xlsx_sheet_ref(&b, r, (lxw_col_t)(cadres_col(l, k) + col - 2));
            }
            buf_puts(&b, ")");
        } else {
            xlsx_sheet_num(c, s, r, col, v[col], fn);
            continue;
        }
        xlsx_sheet_formula(c, s, r, col, &b, v[col], fn);
    }
}

static void cadres_heads(xlsx_ctx *c, xlsx_sheet *s, const cadres_layout *l,
                         lxw_row_t H)
{
    size_t j, k;

    xlsx_sheet_head_merge(c, s, H, 0, H + 1, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head_merge(c, s, H, 1, H + 1, 1, xlsx_sheet_word(c, W_CODE));
    xlsx_sheet_head_merge(c, s, H, 2, H, l->R - 1, xlsx_sheet_word(c, W_TOTAL));
    for (j = 0; j < CADRE_COLS; j++)
        xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(2 + j),
                        xlsx_sheet_word(c, cadre_words[j]));
    for (k = 0; k < l->nr; k++) {
        lxw_col_t col = cadres_col(l, k);
        xlsx_sheet_head_merge(c, s, H, col, H, col + CADRE_COLS - 1,
                              xlsx_sheet_label(c, l->roles[k]));
        for (j = 0; j < CADRE_COLS; j++)
            xlsx_sheet_head(c, s, H + 1, (lxw_col_t)(col + j),
                            xlsx_sheet_word(c, cadre_words[j]));
    }
    xlsx_sheet_numbers(c, s, H + 2, 2, l->ncols);
    xlsx_sheet_heads(s, H, H + 2, 2);
}

/* The detail sheet (TABLE + （明细）): each community's teams and its
 * cadres, by id, never by name (return.xsd has them for communities only),
 * in the same convention: text columns 甲 name, 乙 code, 丙 kind (team or
 * cadre), 丁 the team's name or the cadre's id, 戊 the cadre's role, 己
 * the cadre's team; then 1 registered, 2 taking part, 3 visits taken part
 * in (a cadre row has its visits only). A sheet of its own: under the
 * cross-table, which prints over several pages across with its headings
 * repeated, it would print under the wrong headings. Always written (the
 * workbook has the same sheets whatever the return), empty when no
 * community lists a team or a cadre. */
static error_code cadres_detail(xlsx_ctx *c, const char *table,
                                const retdoc_unit **units, size_t nu)
{
    static const int heads[6] = {W_NAME,  W_CODE, W_KIND,
                                 W_ENTRY, W_ROLE, W_TEAM};
    const lxw_col_t N = 6; /* the first count column */
    xlsx_sheet s;
    lxw_row_t H, r;
    size_t i, j;

    if (c->rc != ERR_OK)
        return c->rc;
    xlsx_sheet_begin(c, &s, table, W_LIST, N + CADRE_COLS);
    H = s.row;
    for (j = 0; j < 6; j++)
        xlsx_sheet_head(c, &s, H, (lxw_col_t)j, xlsx_sheet_word(c, heads[j]));
    for (j = 0; j < CADRE_COLS; j++)
        xlsx_sheet_head(c, &s, H, (lxw_col_t)(N + j),
                        xlsx_sheet_word(c, cadre_words[j]));
    xlsx_sheet_numbers(c, &s, H + 1, N, N + CADRE_COLS);
    xlsx_sheet_heads(&s, H, H + 1, 2);
    r = H + 2;
    for (i = 0; i < nu && c->rc == ERR_OK; i++) {
        const retdoc_unit *u = units[i];
        const xmlNode *cd = retdoc_child(u->node, "cadres"), *n;
        if (u->rank >= 0)
            continue;
        for (n = retdoc_child(cd, "team"); n;
             n = retdoc_next(n->next, "team"), r++) {
            xlsx_sheet_str(c, &s, r, 0, u->name, c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 1, u->code, c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 2, xlsx_sheet_word(c, W_TEAM), c->f.text,
                           0);
            xlsx_sheet_str(c, &s, r, 3, retdoc_attr0(c->rd, n, "name"),
                           c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 4, "", c->f.text, -1);
            xlsx_sheet_str(c, &s, r, 5, "", c->f.text, -1);
            for (j = 0; j < CADRE_COLS; j++)
                xlsx_sheet_num(c, &s, r, (lxw_col_t)(N + j),
                               count(c, n, cadre_counts[j]), c->f.num);
        }
        for (n = retdoc_child(cd, "cadre"); n;
             n = retdoc_next(n->next, "cadre"), r++) {
            const xmlNode *ro =
                retdoc_row(c->rd, cd, "role", retdoc_attr(c->rd, n, "role"));
            xlsx_sheet_str(c, &s, r, 0, u->name, c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 1, u->code, c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 2, xlsx_sheet_word(c, W_CADRE_ROW),
                           c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 3, retdoc_attr0(c->rd, n, "id"), c->f.text,
                           0);
            xlsx_sheet_str(c, &s, r, 4,
                           ro ? xlsx_sheet_label(c, ro)
                              : retdoc_attr0(c->rd, n, "role"),
                           c->f.text, 0);
            xlsx_sheet_str(c, &s, r, 5, retdoc_attr0(c->rd, n, "team"),
                           c->f.text, 0);
            xlsx_sheet_str(c, &s, r, N, "", c->f.num, -1);
            xlsx_sheet_str(c, &s, r, N + 1, "", c->f.num, -1);
            xlsx_sheet_num(c, &s, r, N + 2, count(c, n, "visits"), c->f.num);
        }
    }
    xlsx_sheet_filter(c, &s, r, N + CADRE_COLS - 1);
    return xlsx_sheet_end(c, &s);
}

error_code xlsx_cadres_sheets(xlsx_ctx *c, const char *table, const char *el)
{
    xlsx_sheet s;
    cadres_layout l;
    const retdoc_unit **units = NULL;
    double *tot = NULL;
    lxw_row_t H, r;
    size_t nu = 0;
    error_code rc;

    (void)el;
    memset(&s, 0, sizeof s);
    memset(&l, 0, sizeof l);
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "cadres"), "role", &l.roles, &l.nr);
    l.R = 2 + CADRE_COLS;
    l.ncols = cadres_col(&l, l.nr);
    xlsx_sheet_units(c, &units, &nu);
    tot = calloc(l.ncols, sizeof *tot); /* NULL: said by the rows */
    xlsx_sheet_begin(c, &s, table, -1, l.ncols);
    s.block_from = l.R; /* printed pages begin with a role */
    s.block = CADRE_COLS;
    s.head_width = c->en ? XLSX_CROSS_HEAD_WIDTH_EN : XLSX_CROSS_HEAD_WIDTH_ZH;
    H = s.row;
    cadres_heads(c, &s, &l, H);
    /* the units after the 合计 row, then the 合计 row: the sums of the
     * communities it covers */
    {
        const xlsx_unit_rows how = {&l, l.ncols, 2, cadres_values,
                                    cadres_write};
        r = xlsx_sheet_unit_rows(c, &s, &how, units, nu, H + 4, H + 3, tot);
    }
    xlsx_sheet_filter(c, &s, r, l.ncols - 1);
    if ((rc = xlsx_sheet_end(c, &s)) == ERR_OK && units)
        rc = cadres_detail(c, table, units, nu);
    free(units);
    free(tot);
    free(l.roles);
    return rc;
}
