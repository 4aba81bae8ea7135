/*
 * xlsx_audit.c — the audit table of the returns workbook, as two sheets:
 * findings by rule, one row per unit (the units' <audit>), a
 * cross-table (甲 name, 乙 code, numbered columns, 合计 first); then the
 * findings list (file, line, rule, severity, message, community, ids —
 * never a person's name: the return carries none), titled by the same
 * table label and the word "list", with the number of findings not
 * listed under it ("另有 N 条未列出": those the return left out, at most
 * --max-findings per rule and community, and those past the sheet's row
 * limit, render_opts.sheet_rows) and the return's cap. The list is
 * streamed (xlsx_sheet_begin_stream): written row by row, in order, and
 * not kept, however many findings the return lists (--max-findings all).
 */
#include "xlsx_sheet.h"

#include <stdlib.h>
#include <string.h>

#define V_ERROR "error" /* severities: audit/@errors, @warnings */
#define V_WARNING "warning"

/* Findings by rule, one row per unit as a statistical return has it:
 * name (甲) and code (乙), errors, warnings, then by rule, the columns
 * numbered under the headings; the reporting unit (合计) first. */
static void by_rule(xlsx_ctx *c, const char *table, const xmlNode **rules,
                    size_t nr)
{
    xlsx_sheet s;
    const retdoc_unit **units = NULL;
    lxw_col_t ncols = (lxw_col_t)(4 + nr);
    lxw_row_t H, r;
    size_t i, j, nu = 0;

    xlsx_sheet_units(c, &units, &nu);
    xlsx_sheet_begin(c, &s, table, -1, ncols);
    H = s.row;
    xlsx_sheet_head(c, &s, H, 0, xlsx_sheet_word(c, W_NAME));
    xlsx_sheet_head(c, &s, H, 1, xlsx_sheet_word(c, W_CODE));
    xlsx_sheet_head(c, &s, H, 2, xlsx_sheet_vlabel(c, "severity", V_ERROR));
    xlsx_sheet_head(c, &s, H, 3, xlsx_sheet_vlabel(c, "severity", V_WARNING));
    for (j = 0; j < nr; j++)
        xlsx_sheet_head(c, &s, H, (lxw_col_t)(4 + j),
                        xlsx_sheet_label(c, rules[j]));
    xlsx_sheet_numbers(c, &s, H + 1, 2, ncols);
    xlsx_sheet_heads(&s, H, H + 1, 2);
    for (r = H + 2, i = 0; i < nu && c->rc == ERR_OK; i++, r++) {
        const retdoc_unit *u = units[i];
        const xmlNode *au = retdoc_child(u->node, "audit");
        lxw_format *ft, *fn;
        xlsx_sheet_unit_formats(c, u, &ft, &fn, NULL);
        xlsx_sheet_unit_cross(c, &s, r, u, ft);
        xlsx_sheet_num(c, &s, r, 2, (double)retdoc_count(c->rd, au, "errors"),
                       fn);
        xlsx_sheet_num(c, &s, r, 3, (double)retdoc_count(c->rd, au, "warnings"),
                       fn);
        for (j = 0; j < nr; j++) {
            const xmlNode *row = retdoc_row(
                c->rd, au, "rule", retdoc_attr(c->rd, rules[j], "value"));
            xlsx_sheet_num(c, &s, r, (lxw_col_t)(4 + j),
                           (double)retdoc_count(c->rd, row, "count"), fn);
        }
    }
    xlsx_sheet_filter(c, &s, r, ncols - 1);
    xlsx_sheet_end(c, &s);
    free(units);
}

/* Finding F on row R of the list. */
static void finding_row(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                        const retdoc_finding *f)
{
    const char *ids[4] = {f->household, f->visit, f->item, f->cadre};
    double w;
    size_t j;

    xlsx_sheet_str(c, s, r, 0, f->file, c->f.text, 0);
    xlsx_sheet_num(c, s, r, 1, (double)f->line, c->f.num);
    xlsx_sheet_str(c, s, r, 2, xlsx_sheet_vlabel(c, "rule", f->rule), c->f.text,
                   0);
    xlsx_sheet_str(c, s, r, 3, xlsx_sheet_vlabel(c, "severity", f->severity),
                   c->f.text, 0);
    xlsx_sheet_str(c, s, r, 5, f->community, c->f.text, 0);
    for (j = 0; j < 4; j++)
        xlsx_sheet_str(c, s, r, (lxw_col_t)(6 + j), ids[j], c->f.text, 0);
    if (c->rc != ERR_OK)
        return;
    w = xlsx_sheet_text_width(f->message);
    xlsx_sheet_str(c, s, r, 4, f->message, c->f.wrap, 0);
    /* not every reader grows a wrapped row by itself */
    if (w > XLSX_WIDTH_MAX)
        xlsx_sheet_height(c, s, r, 15 * (1 + (int)(w / XLSX_WIDTH_MAX)));
}

/* The notes under the findings list when some are not listed: "另有 N
 * 条未列出" (OMITTED: those the return left out and those past the
 * sheet's last row), the return's cap when it has one, and, when CUT,
 * that the sheet is full. From row R; the next free row is returned. */
static lxw_row_t notes(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                       unsigned long long omitted, size_t cut)
{
    unsigned long long limit;
    buf_t b = BUF_INIT;

    buf_printf(&b, "%s%llu%s", xlsx_sheet_word(c, W_OMITTED), omitted,
               xlsx_sheet_word(c, W_OMITTED_AFTER));
    xlsx_sheet_str(c, s, r++, 0, xlsx_sheet_keep_buf(c, &b), c->f.note, -1);
    if (retdoc_findings_limit(c->rd, &limit)) {
        buf_t l = BUF_INIT;
        buf_printf(&l, "%s%llu", xlsx_sheet_word(c, W_LIMIT), limit);
        xlsx_sheet_str(c, s, r++, 0, xlsx_sheet_keep_buf(c, &l), c->f.note, -1);
    }
    if (cut)
        xlsx_sheet_str(c, s, r++, 0, xlsx_sheet_word(c, W_SHEET_FULL),
                       c->f.note, -1);
    return r;
}

/* The findings list, and the number not listed: those the return left
 * out, and those past the last row the sheet can hold (render_opts
 * sheet_rows; Excel's limit by default): every finding is in
 * findings.csv. */
static void list(xlsx_ctx *c, const char *table)
{
    static const int heads[10] = {
        W_FILE,      W_LINE,      W_RULE,  W_SEVERITY, W_MESSAGE,
        W_COMMUNITY, W_HOUSEHOLD, W_VISIT, W_ITEM,     W_CADRE};
    xlsx_sheet s;
    retdoc_finding f;
    unsigned long long omitted;
    lxw_row_t H, r, last;
    size_t i, cut = 0;

    xlsx_sheet_begin_stream(c, &s, table, W_LIST, 10);
    H = s.row;
    for (i = 0; i < 10; i++)
        xlsx_sheet_head(c, &s, H, (lxw_col_t)i, xlsx_sheet_word(c, heads[i]));
    xlsx_sheet_heads(&s, H, H, 0);
    r = H + 1;
    /* the last row a finding may take: below it the notes (3) and the
     * footer block (2) must still fit in the sheet */
    last =
        (lxw_row_t)((c->opts->sheet_rows ? c->opts->sheet_rows : LXW_ROW_MAX) -
                    6);
    for (i = 0; c->rc == ERR_OK && retdoc_finding_at(c->rd, i, &f) == 0;
         i++, r++) {
        if (r > last) { /* the sheet is full: count the rest */
            cut = retdoc_nfindings(c->rd) - i;
            break;
        }
        finding_row(c, &s, r, &f);
    }
    xlsx_sheet_filter(c, &s, r, 9);
    if ((omitted = retdoc_findings_omitted(c->rd) + cut) > 0)
        s.row = notes(c, &s, r, omitted, cut);
    xlsx_sheet_end(c, &s);
}

error_code xlsx_audit_sheets(xlsx_ctx *c, const char *table, const char *el)
{
    const xmlNode **rules = NULL;
    size_t nr;

    (void)el;
    xlsx_sheet_rows(c, xlsx_sheet_first(c, "audit"), "rule", &rules, &nr);
    by_rule(c, table, rules, nr);
    list(c, table);
    free(rules);
    return c->rc;
}
