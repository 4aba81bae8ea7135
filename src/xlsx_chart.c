/*
 * xlsx_chart.c — the charts of the returns workbook (see xlsx_sheet.h).
 *
 * A sheet has at most one chart, of its reporting unit's figures. While
 * the table is written, xlsx_chart_add records where the chart's data is
 * and where it goes: below the table and its signature footer (beside the
 * table it would widen the printed page, and fitting the page to the
 * paper would print the table too small to read), or, with
 * xlsx_chart_add_at, at a given cell. xlsx_sheet_end inserts it through
 * xlsx_chart_place, once the printed pages are known:
 *
 *   - on a sheet printed over several pages across, no wider than the
 *     first page's columns from its own (at its natural width it would
 *     spill onto the next page);
 *   - when the rows above it leave too little of their printed page, a
 *     little shorter (down to XLSX_CHART_Y_MIN of its height) if that
 *     fits, else after a row break, so that it starts a page of its own
 *     instead of straddling two.
 *
 * Pages down are estimated, in points: row heights (15, or what
 * xlsx_sheet_height set) against XLSX_PAGE_HEIGHT at the print scale (80 %
 * over several pages across, else the scale that fits the table, or the
 * chart if wider, to the page). The estimate keeps a tenth to spare: a
 * wrong guess costs a page, never a chart cut in two.
 */
#include "xlsx_sheet.h"

#include <string.h>

error_code xlsx_chart_add(xlsx_ctx *c, xlsx_sheet *s, uint8_t type,
                          const char *title, lxw_row_t r1, lxw_row_t r2,
                          lxw_col_t lcol, lxw_col_t vcol, int rowwise)
{
    /* below the table and its signature footer, at the left: beside the
     * table it would widen the page, and fitting the page to the paper
     * would print the table too small to read; a cross-table's unit
     * columns repeat on every printed page, so after them */
    return xlsx_chart_add_at(c, s, type, title, r1, r2, lcol, vcol, rowwise,
                             s->row + 3, s->block ? s->freeze_col : 0);
}

error_code xlsx_chart_add_at(xlsx_ctx *c, xlsx_sheet *s, uint8_t type,
                             const char *title, lxw_row_t r1, lxw_row_t r2,
                             lxw_col_t lcol, lxw_col_t vcol, int rowwise,
                             lxw_row_t at_row, lxw_col_t at_col)
{
    struct xlsx_chart *ch = &s->chart;
    if (c->rc != ERR_OK)
        return c->rc;
    ch->set = 1;
    ch->type = type;
    ch->title = title;
    ch->r1 = r1;
    ch->r2 = r2;
    ch->lcol = lcol;
    ch->vcol = vcol;
    ch->rowwise = rowwise;
    ch->at_row = at_row;
    ch->at_col = at_col;
    return ERR_OK;
}

/* Inserts S's chart X_SCALE times the default width (480 pixels), Y_SCALE
 * times its height (288). */
static error_code insert_chart(xlsx_ctx *c, xlsx_sheet *s, double x_scale,
                               double y_scale)
{
    const struct xlsx_chart *k = &s->chart;
    lxw_chart *ch;
    lxw_chart_series *se;
    lxw_chart_options o;

    if (c->rc != ERR_OK)
        return c->rc;
    if (!(ch = workbook_add_chart(c->wb, k->type)))
        return xlsx_sheet_fail(c, ERR_XLSX, "cannot add a chart");
    if (!(se = chart_add_series(ch, NULL, NULL)))
        return xlsx_sheet_fail(c, ERR_XLSX, "cannot add a chart series");
    if (k->rowwise) {
        chart_series_set_categories(se, s->name, k->r1, k->lcol, k->r1,
                                    k->vcol);
        chart_series_set_values(se, s->name, k->r2, k->lcol, k->r2, k->vcol);
    } else {
        chart_series_set_categories(se, s->name, k->r1, k->lcol, k->r2,
                                    k->lcol);
        chart_series_set_values(se, s->name, k->r1, k->vcol, k->r2, k->vcol);
    }
    chart_series_set_labels(se);
    if (k->type == LXW_CHART_PIE) {
        chart_series_set_labels_percentage(se);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
    } else {
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    }
    chart_title_set_name(ch, k->title);
    memset(&o, 0, sizeof o);
    o.x_offset = 0;
    o.x_scale = x_scale;
    o.y_scale = y_scale;
    o.description = (char *)k->title;
    return xlsx_sheet_lxw(
        c, worksheet_insert_chart_opt(s->ws, k->at_row, k->at_col, ch, &o),
        "worksheet_insert_chart");
}

/* Pixels of a column W characters wide (Excel's 7-pixel digit, 5 of
 * padding); of the default chart, 480 x 288 at scale 1. */
#define COL_PX(w) (7 * (w) + 5)
#define CHART_PX_W 480.0
#define CHART_PX_H 288.0

/* The chart of S, placed for print (NB printed pages across, BREAKS their
 * first columns): on a sheet printed over several pages across, no wider
 * than the first page's columns from its own (at its natural width it
 * would spill onto the next page); and when the rows above it leave too
 * little of their printed page for it, a page break right above it, so
 * that it starts a page of its own instead of straddling two (unless a
 * little shorter, down to XLSX_CHART_Y_MIN, it fits where it is). Pages down
 * are estimated (row heights in points, the page XLSX_PAGE_HEIGHT at the
 * print scale: 80 % over several pages across, else the fitted page's);
 * a wrong guess costs a page, never a chart cut in two. *BREAK gets the
 * row of the break, 0 for none. */
error_code xlsx_chart_place(xlsx_ctx *c, xlsx_sheet *s, const lxw_col_t *breaks,
                            size_t nb, lxw_row_t *brk)
{
    const struct xlsx_chart *k = &s->chart;
    double x_scale = s->block ? 0.85 : 1.25, scale = 1, width = 0, heads = 0;
    double y = 0, page, y_scale = XLSX_CHART_Y_SCALE;
    const double pt = CHART_PX_H * 0.75; /* the chart's points at scale 1 */
    lxw_col_t i;
    lxw_row_t r;

    *brk = 0;
    if (!k->set)
        return c->rc;
    if (nb) {
        double avail = 0;
        for (i = k->at_col; i < breaks[0]; i++)
            avail += COL_PX(xlsx_sheet_col_width(s, i));
        if (avail < x_scale * CHART_PX_W)
            x_scale = avail / CHART_PX_W;
        scale = 1 / XLSX_PAGE_SHRINK;
    } else {
        /* fitted to the page across: the table or the chart, the wider */
        double chart_w = 0;
        for (i = 0; i < s->ncols; i++)
            width += xlsx_sheet_col_width(s, i);
        for (i = 0; i < k->at_col; i++)
            chart_w += xlsx_sheet_col_width(s, i);
        chart_w += x_scale * CHART_PX_W / 7;
        if (chart_w > width)
            width = chart_w;
        if (width > XLSX_PAGE_WIDTH)
            scale = XLSX_PAGE_WIDTH / width;
    }
    page = XLSX_PAGE_HEIGHT / scale;
    if (s->frozen)
        for (r = s->head_first; r <= s->head_last; r++)
            heads += xlsx_sheet_row_height(s, r);
    for (r = 0; r < k->at_row; r++) {
        double h = xlsx_sheet_row_height(s, r);
        if (y + h > page) /* a new page, the headings repeated on it */
            y = s->frozen && r > s->head_last ? heads : 0;
        y += h;
    }
    if (y + y_scale * pt > page && y > heads) {
        if (page - y >= XLSX_CHART_Y_MIN * pt)
            y_scale = (page - y) / pt; /* a little shorter, it fits */
        else
            *brk = k->at_row;
    }
    return insert_chart(c, s, x_scale, y_scale);
}
