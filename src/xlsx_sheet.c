/*
 * xlsx_sheet.c — the plumbing of the returns workbook (see xlsx_sheet.h):
 * words and labels, cell formats, cells and formulas, the header block
 * every sheet opens with and the common end every sheet shares (footer,
 * widths, frozen headings, print set-up), charts.
 *
 * Every call that writes is a no-op once the context has failed, and
 * returns that first failure (xlsx_sheet_fail keeps it). Column widths are
 * tracked as cells are written (East Asian characters count 2) and set at
 * xlsx_sheet_end. Strings made here live in the context's arena until the
 * end of the render (libxlsxwriter copies what it is given).
 *
 * The header block (title, period, 表号 block, reporting unit, 计量单位)
 * is written by xlsx_sheet_end, once the column widths are known: it
 * spans the columns of the first printed page. A sheet is fitted to one
 * page across, unless it is a cross-table wider than XLSX_PAGE_ONE pages:
 * that prints at 100/XLSX_PAGE_SHRINK % over several, left to right,
 * breaking between its blocks, its unit columns repeated; its title then
 * starts after them, and the reporting unit is written within them, so
 * that neither prints clipped on the continuation pages.
 *
 * A sheet's chart is inserted by xlsx_sheet_end too, once the printed
 * pages are known (xlsx_chart.c places it).
 *
 * A findings list is streamed instead (xlsx_sheet_begin_stream): its rows
 * go to libxlsxwriter's temporary file as they are written, none kept, and
 * its strings inline, not shared (a list of a million findings held as
 * cells was about 1 KB a row). Its header block is written first, so it
 * cannot wait for the widths: the 表号 block takes the last two columns, made
 * wide enough for it at the start, and every other merge spans all the
 * columns, which a sheet without blocks prints on one page across anyway.
 * Writes then go row by row, the header block's too.
 *
 * Why one file (about 900 lines): what a sheet writes cell by cell (the
 * widths of its columns, the heights of its rows, its formats) is what
 * its end reads to lay out the header block and the printed pages; split,
 * that state would be every part's to change.
 */
#include "xlsx_sheet.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys of the words, in the enum's order. */
static const char *const word_keys[W_COUNT_] = {
    [W_REPORTING_UNIT] = "reporting-unit",
    [W_UNIT_OF_COUNT] = "unit-of-count",
    [W_HEAD] = "head",
    [W_STAT_HEAD] = "statistics-head",
    [W_PREPARER] = "preparer",
    [W_REPORT_DATE] = "report-date",
    [W_PAGE_FOOTER] = "page-footer",
    [W_TABLE_NO] = "table-number",
    [W_TABLE_NO_AFTER] = "table-number-after",
    [W_ISSUER] = "issuer",
    [W_COLUMN_LETTERS] = "column-letters",
    [W_PERIOD_TO] = "period-to",
    [W_PARTIAL] = "partial",
    [W_LIST_SEP] = "list-separator",
    [W_MORE_PRE] = "more-before",
    [W_MORE_POST] = "more-after",
    [W_SUBTOTAL] = "subtotal",
    [W_TOTAL] = "total",
    [W_DISTINCT_TOTAL] = "distinct-total",
    [W_CODE] = "code",
    [W_NAME] = "name",
    [W_LEVEL] = "level",
    [W_HH_REGISTERED] = "households-registered",
    [W_HH_VISITED] = "households-visited",
    [W_COVERAGE] = "coverage",
    [W_VISITS] = "visits",
    [W_FORMS] = "forms",
    [W_OPINIONS] = "opinions",
    [W_IMPORTANT] = "important",
    [W_IMPORTANT_REPORTED] = "important-reported",
    [W_SUGGESTIONS] = "suggestions",
    [W_ELDERLY_MEMBERS] = "elderly-members",
    [W_ELDERLY_SERVED] = "elderly-served",
    [W_SERVICES] = "services",
    [W_SAT_FORMS] = "satisfaction-forms",
    [W_SATISFIED] = "satisfied",
    [W_SAT_RATE] = "satisfaction-rate",
    [W_CATEGORY] = "category",
    [W_GROUP] = "group",
    [W_MEMBERS] = "members",
    [W_HOUSEHOLDS] = "households",
    [W_SERVED] = "served",
    [W_KIND] = "kind",
    [W_ENTRY] = "entry",
    [W_ROLE] = "role",
    [W_CADRES_REGISTERED] = "cadres-registered",
    [W_TAKING_PART] = "taking-part",
    [W_CADRE_VISITS] = "cadre-visits",
    [W_TEAM] = "team",
    [W_CADRE_ROW] = "cadre-row",
    [W_LIST] = "list",
    [W_FILE] = "file",
    [W_LINE] = "line",
    [W_RULE] = "rule",
    [W_SEVERITY] = "severity",
    [W_MESSAGE] = "message",
    [W_COMMUNITY] = "community",
    [W_HOUSEHOLD] = "household",
    [W_VISIT] = "visit",
    [W_ITEM] = "item",
    [W_CADRE] = "cadre",
    [W_OMITTED] = "omitted",
    [W_OMITTED_AFTER] = "omitted-after",
    [W_LIMIT] = "limit",
    [W_SHEET_FULL] = "sheet-full",
};

/* ---------------------------------------------------------------- errors */

error_code xlsx_sheet_fail(xlsx_ctx *c, error_code code, const char *fmt, ...)
{
    va_list ap;

    if (c->rc != ERR_OK)
        return c->rc;
    c->rc = code;
    va_start(ap, fmt);
    c->msg = error_vformat(fmt, ap);
    va_end(ap);
    return c->rc;
}

error_code xlsx_sheet_nomem(xlsx_ctx *c)
{
    return xlsx_sheet_fail(c, ERR_NOMEM, _("out of memory"));
}

error_code xlsx_sheet_lxw(xlsx_ctx *c, lxw_error e, const char *what)
{
    if (e == LXW_NO_ERROR)
        return ERR_OK;
    return xlsx_sheet_fail(c, ERR_XLSX, "%s: %s", what, lxw_strerror(e));
}

/* ---------------------------------------------------------------- strings */

char *xlsx_sheet_keep(xlsx_ctx *c, char *s)
{
    if (!s || GROW(c->arena, c->narena + 1, c->carena) != ERR_OK) {
        free(s);
        xlsx_sheet_nomem(c);
        return NULL;
    }
    return c->arena[c->narena++] = s;
}

char *xlsx_sheet_keep_buf(xlsx_ctx *c, buf_t *b)
{
    return xlsx_sheet_keep(c, buf_detach(b));
}

/* Decodes one UTF-8 character at *P (advancing it); invalid bytes count as
 * one character each. */
static unsigned long utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned long cp = *s;
    int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
    int i;

    if (extra)
        cp &= 0x3Fu >> extra;
    for (i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p = s + 1 + extra;
    return cp;
}

double xlsx_sheet_text_width(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    double w = 0;
    while (*p) {
        unsigned long cp = utf8_next(&p);
        w += cp >= 0x1100 && cp != 0xFFFD ? 2 : 1;
    }
    return w;
}

/* TEXT cut to at most MAX characters, counted as Excel does in UTF-16
 * units, with "…" appended when cut (arena copy then). */
static const char *cut(xlsx_ctx *c, const char *text, size_t max)
{
    const unsigned char *p = (const unsigned char *)text, *q = p;
    size_t n = 0;
    buf_t b = BUF_INIT;

    while (*p) {
        unsigned long cp = utf8_next(&q);
        n += cp > 0xFFFF ? 2 : 1;
        if (n > max)
            break;
        p = q;
    }
    if (!*p)
        return text;
    buf_add(&b, text, (size_t)(p - (const unsigned char *)text));
    buf_puts(&b, "\xE2\x80\xA6"); /* … */
    return xlsx_sheet_keep_buf(c, &b);
}

/* ---------------------------------------------------------------- labels */

const char *xlsx_sheet_word(const xlsx_ctx *c, int w)
{
    return vocab_label(c->opts->labels, "word", word_keys[w],
                       c->en ? "en" : "zh");
}

const char *xlsx_sheet_vlabel(const xlsx_ctx *c, const char *type,
                              const char *value)
{
    if (!value)
        return "";
    if (!c->opts->labels)
        return value;
    return vocab_label(c->opts->labels, type, value, c->en ? "en" : "zh");
}

const char *xlsx_sheet_label(xlsx_ctx *c, const xmlNode *row)
{
    const char *s = retdoc_label(c->rd, row, c->en ? "en" : "zh");
    return s ? s : retdoc_attr0(c->rd, row, "value");
}

const xmlNode *xlsx_sheet_first(const xlsx_ctx *c, const char *el)
{
    return c->first ? retdoc_child(c->first->node, el) : NULL;
}

error_code xlsx_sheet_rows(xlsx_ctx *c, const xmlNode *parent, const char *el,
                           const xmlNode ***rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (c->rc != ERR_OK)
        return c->rc;
    if (retdoc_rows(parent, el, rows, n) != ERR_OK)
        return xlsx_sheet_nomem(c);
    return ERR_OK;
}

/* ---------------------------------------------------------------- formats */

static lxw_format *format(xlsx_ctx *c, int bold, int border, uint8_t align,
                          lxw_color_t fill, const char *numfmt)
{
    lxw_format *f = workbook_add_format(c->wb);
    if (!f) {
        xlsx_sheet_nomem(c);
        return NULL;
    }
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (align)
        format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (fill)
        format_set_bg_color(f, fill);
    if (numfmt)
        format_set_num_format(f, numfmt);
    return f;
}

error_code xlsx_sheet_formats(xlsx_ctx *c)
{
    xlsx_formats *f = &c->f;
    const lxw_color_t sub = 0xF2F2F2, tot = 0xDDEBF7, head = 0xD9D9D9;

    f->title = format(c, 1, 0, LXW_ALIGN_CENTER, 0, NULL);
    f->subtitle = format(c, 0, 0, LXW_ALIGN_CENTER, 0, NULL);
    f->meta = format(c, 0, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->meta_right = format(c, 0, 0, LXW_ALIGN_RIGHT, 0, NULL);
    f->meta_wrap = format(c, 0, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->head = format(c, 1, 1, LXW_ALIGN_CENTER, head, NULL);
    f->text = format(c, 0, 1, 0, 0, NULL);
    f->wrap = format(c, 0, 1, 0, 0, NULL);
    f->num = format(c, 0, 1, 0, 0, "0");
    f->pct = format(c, 0, 1, 0, 0, "0.0%");
    f->sub_text = format(c, 1, 1, 0, sub, NULL);
    f->sub_num = format(c, 1, 1, 0, sub, "0");
    f->sub_pct = format(c, 1, 1, 0, sub, "0.0%");
    f->tot_text = format(c, 1, 1, 0, tot, NULL);
    f->tot_num = format(c, 1, 1, 0, tot, "0");
    f->tot_pct = format(c, 1, 1, 0, tot, "0.0%");
    f->note = format(c, 1, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->foot = format(c, 0, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->colno = format(c, 0, 1, LXW_ALIGN_CENTER, 0, NULL);
    if (c->rc != ERR_OK)
        return c->rc;
    format_set_font_size(f->title, 16);
    format_set_text_wrap(f->head);
    format_set_text_wrap(f->meta_wrap); /* the reporting unit, repeated */
    format_set_text_wrap(f->wrap);      /* long messages: the row grows */
    format_set_font_color(f->note, LXW_COLOR_RED);
    format_set_text_wrap(f->note);
    return ERR_OK;
}

/* ------------------------------------------------------------ cell output */

error_code xlsx_sheet_track(xlsx_ctx *c, xlsx_sheet *s, lxw_col_t col, double w)
{
    if (col >= s->nwidth) {
        size_t n = (size_t)col + 16;
        if (GROW(s->width, n, s->cwidth) != ERR_OK)
            return xlsx_sheet_nomem(c);
        memset(s->width + s->nwidth, 0, (n - s->nwidth) * sizeof *s->width);
        s->nwidth = n;
    }
    if (w > XLSX_WIDTH_MAX)
        w = XLSX_WIDTH_MAX;
    if (w > s->width[col])
        s->width[col] = w;
    return ERR_OK;
}

error_code xlsx_sheet_str(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                          lxw_col_t col, const char *text, lxw_format *f,
                          double cap)
{
    double w;
    if (c->rc != ERR_OK)
        return c->rc;
    if (!(text = cut(c, text ? text : "", XLSX_CELL_MAX)))
        return c->rc;
    if (xlsx_sheet_lxw(c, worksheet_write_string(s->ws, r, col, text, f),
                       "worksheet_write_string") != ERR_OK)
        return c->rc;
    if (cap < 0)
        return ERR_OK;
    w = xlsx_sheet_text_width(text);
    return xlsx_sheet_track(c, s, col, cap > 0 && w > cap ? cap : w);
}

/* Counts the width of the number V in column COL. */
static error_code track_number(xlsx_ctx *c, xlsx_sheet *s, lxw_col_t col,
                               double v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    return xlsx_sheet_track(c, s, col, (double)strlen(digits));
}

error_code xlsx_sheet_num(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                          lxw_col_t col, double v, lxw_format *f)
{
    if (c->rc != ERR_OK)
        return c->rc;
    if (xlsx_sheet_lxw(c, worksheet_write_number(s->ws, r, col, v, f),
                       "worksheet_write_number") != ERR_OK)
        return c->rc;
    return track_number(c, s, col, v);
}

error_code xlsx_sheet_formula(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                              lxw_col_t col, buf_t *b, double v, lxw_format *f)
{
    lxw_error e;
    if (buf_error(b) != ERR_OK) {
        buf_free(b);
        return xlsx_sheet_nomem(c);
    }
    if (c->rc != ERR_OK) {
        buf_free(b);
        return c->rc;
    }
    e = worksheet_write_formula_num(s->ws, r, col, buf_str(b), f, v);
    buf_free(b);
    if (xlsx_sheet_lxw(c, e, "worksheet_write_formula_num") != ERR_OK)
        return c->rc;
    return track_number(c, s, col, v);
}

error_code xlsx_sheet_merge(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r1,
                            lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                            const char *text, lxw_format *f)
{
    if (c->rc != ERR_OK)
        return c->rc;
    if (!(text = cut(c, text, XLSX_CELL_MAX)))
        return c->rc;
    if (r1 == r2 && c1 == c2)
        return xlsx_sheet_str(c, s, r1, c1, text, f, -1);
    return xlsx_sheet_lxw(c,
                          worksheet_merge_range(s->ws, r1, c1, r2, c2, text, f),
                          "worksheet_merge_range");
}

/* Where row R is, or would go, in S's heights (kept by row: a findings
 * list sets one for each of its thousands of rows, which a search from
 * the first made quadratic). */
static size_t height_at(const xlsx_sheet *s, lxw_row_t r)
{
    size_t lo = 0, hi = s->nheights;
    if (hi && s->heights[hi - 1].row < r)
        return hi; /* rows are mostly set in order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->heights[mid].row < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double xlsx_sheet_row_height(const xlsx_sheet *s, lxw_row_t r)
{
    size_t i = height_at(s, r);
    return i < s->nheights && s->heights[i].row == r ? s->heights[i].points
                                                     : LXW_DEF_ROW_HEIGHT;
}

error_code xlsx_sheet_height(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                             double height)
{
    size_t i;
    if (c->rc != ERR_OK)
        return c->rc;
    if (s->stream) /* no chart: no page to estimate, and no row kept */
        return xlsx_sheet_lxw(c, worksheet_set_row(s->ws, r, height, NULL),
                              "worksheet_set_row");
    i = height_at(s, r);
    if (i == s->nheights || s->heights[i].row != r) {
        if (GROW(s->heights, s->nheights + 1, s->cheights) != ERR_OK)
            return xlsx_sheet_nomem(c);
        memmove(&s->heights[i + 1], &s->heights[i],
                (s->nheights - i) * sizeof *s->heights);
        s->nheights++;
    }
    s->heights[i].row = r;
    s->heights[i].points = height;
    return xlsx_sheet_lxw(c, worksheet_set_row(s->ws, r, height, NULL),
                          "worksheet_set_row");
}

error_code xlsx_sheet_head(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                           lxw_col_t col, const char *text)
{
    double lines = 1, w = xlsx_sheet_text_width(text);
    double cap = s->head_width;
    if (xlsx_sheet_str(c, s, r, col, text, c->f.head, cap) != ERR_OK)
        return c->rc;
    /* rows do not grow to fit wrapped text by themselves in every reader */
    while (w > lines * cap)
        lines++;
    if (r != s->wrap_row)
        s->wrap_row = r, s->wrap_lines = 1;
    if (lines <= s->wrap_lines)
        return ERR_OK;
    s->wrap_lines = lines;
    return xlsx_sheet_height(c, s, r, 15 * lines);
}

error_code xlsx_sheet_head_merge(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r1,
                                 lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                                 const char *text)
{
    double w = xlsx_sheet_text_width(text);
    if (xlsx_sheet_merge(c, s, r1, c1, r2, c2, text, c->f.head) != ERR_OK)
        return c->rc;
    return c1 == c2 ? xlsx_sheet_track(c, s, c1,
                                       w > s->head_width ? s->head_width : w)
                    : 0;
}

void xlsx_sheet_unit_formats(const xlsx_ctx *c, const retdoc_unit *u,
                             lxw_format **t, lxw_format **n, lxw_format **p)
{
    const xlsx_formats *f = &c->f;
    int lvl = u->rank < 0 ? 0 : !strcmp(u->level, RETDOC_LEVEL_ALL) ? 2 : 1;
    *t = lvl == 0 ? f->text : lvl == 1 ? f->sub_text : f->tot_text;
    *n = lvl == 0 ? f->num : lvl == 1 ? f->sub_num : f->tot_num;
    if (p)
        *p = lvl == 0 ? f->pct : lvl == 1 ? f->sub_pct : f->tot_pct;
}

error_code xlsx_sheet_unit_cells(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                                 const retdoc_unit *u, int level, lxw_format *f)
{
    if (xlsx_sheet_str(c, s, r, 0, u->code, f, 0) != ERR_OK ||
        xlsx_sheet_str(c, s, r, 1, u->name, f, 0) != ERR_OK)
        return c->rc;
    return level ? xlsx_sheet_str(c, s, r, 2,
                                  xlsx_sheet_vlabel(c, "level", u->level), f, 0)
                 : 0;
}

error_code xlsx_sheet_units(xlsx_ctx *c, const retdoc_unit ***units, size_t *n)
{
    size_t i, k = 0, nu = retdoc_nunits(c->rd);

    *units = NULL;
    *n = 0;
    if (c->rc != ERR_OK)
        return c->rc;
    if (!(*units = calloc(nu ? nu : 1, sizeof **units)))
        return xlsx_sheet_nomem(c);
    if (c->top)
        (*units)[k++] = c->top;
    for (i = 0; i < nu; i++) {
        const retdoc_unit *u = retdoc_unit_at(c->rd, i);
        if (u != c->top)
            (*units)[k++] = u;
    }
    *n = k;
    return ERR_OK;
}

error_code xlsx_sheet_unit_cross(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                                 const retdoc_unit *u, lxw_format *f)
{
    const char *name =
        u == c->top && u->rank >= 0 ? xlsx_sheet_word(c, W_TOTAL) : u->name;
    if (xlsx_sheet_str(c, s, r, 0, name, f, 0) != ERR_OK)
        return c->rc;
    return xlsx_sheet_str(c, s, r, 1, u->code, f, 0);
}

error_code xlsx_sheet_numbers(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                              lxw_col_t ntext, lxw_col_t ncols)
{
    const char *p = xlsx_sheet_word(c, W_COLUMN_LETTERS);
    lxw_col_t col;
    char no[16];

    for (col = 0; col < ncols && c->rc == ERR_OK; col++) {
        if (col < ntext) {
            /* the next space-separated letter; past the last, none */
            size_t len;
            char *letter;
            while (*p == ' ')
                p++;
            len = strcspn(p, " ");
            if (!(letter = xlsx_sheet_keep(c, strndup(p, len))))
                return c->rc;
            p += len;
            xlsx_sheet_str(c, s, r, col, letter, c->f.colno, -1);
        } else {
            snprintf(no, sizeof no, "%u", (unsigned)(col - ntext + 1));
            xlsx_sheet_str(c, s, r, col, no, c->f.colno, -1);
        }
    }
    return c->rc;
}

/* --------------------------------------------------------------- formulas */

void xlsx_sheet_ref(buf_t *b, lxw_row_t row, lxw_col_t col)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, row, col);
    buf_puts(b, cell);
}

void xlsx_sheet_sum_range(buf_t *b, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
                          lxw_col_t c2)
{
    buf_puts(b, "SUM(");
    xlsx_sheet_ref(b, r1, c1);
    buf_puts(b, ":");
    xlsx_sheet_ref(b, r2, c2);
    buf_puts(b, ")");
}

void xlsx_sheet_sum_list(buf_t *b, const lxw_row_t *rows, size_t n,
                         lxw_col_t col)
{
    size_t i;
    int nested = n > XLSX_SUM_ARGS;

    buf_puts(b, "SUM(");
    for (i = 0; i < n; i++) {
        if (nested && i % XLSX_SUM_ARGS == 0)
            buf_puts(b, i ? "),SUM(" : "SUM(");
        else if (i)
            buf_puts(b, ",");
        xlsx_sheet_ref(b, rows[i], col);
    }
    buf_puts(b, nested ? "))" : ")");
}

void xlsx_sheet_rate(buf_t *b, lxw_row_t r, lxw_col_t num, lxw_col_t den)
{
    buf_puts(b, "IF(");
    xlsx_sheet_ref(b, r, den);
    buf_puts(b, ">0,");
    xlsx_sheet_ref(b, r, num);
    buf_puts(b, "/");
    xlsx_sheet_ref(b, r, den);
    buf_puts(b, ",0)");
}

double xlsx_sheet_ratio(double num, double den)
{
    return den > 0 ? num / den : 0;
}

/* ----------------------------------------------------------------- sheets */

/* A valid, unused sheet name made from LABEL (arena). */
static const char *sheet_name(xlsx_ctx *c, const char *label)
{
    char *base, *name, *p;
    const char *part;
    int k;

    if (!(base = xlsx_sheet_keep(c, strdup(*label ? label : "Sheet"))))
        return NULL;
    for (p = base; *p; p++)
        if (strchr("[]:*?/\\", *p))
            *p = '_';
    if (*base == '\'')
        *base = '_';
    for (k = 1; k < 1000; k++) {
        char suffix[16] = "";
        size_t room = LXW_SHEETNAME_MAX;
        buf_t b = BUF_INIT;
        if (k > 1)
            room -= (size_t)snprintf(suffix, sizeof suffix, " (%d)", k);
        if (!(part = cut(c, base, room)))
            return NULL;
        buf_puts(&b, part);
        if (part != base) /* drop the ellipsis cut() added */
            buf_truncate(&b, b.len - 3);
        while (b.len && b.s[b.len - 1] == ' ')
            buf_truncate(&b, b.len - 1);
        if (b.len && b.s[b.len - 1] == '\'')
            b.s[b.len - 1] = '_';
        buf_puts(&b, suffix);
        if (!(name = xlsx_sheet_keep_buf(c, &b)))
            return NULL;
        if (*name && workbook_validate_sheet_name(c->wb, name) == LXW_NO_ERROR)
            return name;
    }
    xlsx_sheet_fail(c, ERR_XLSX, _("no valid sheet name for \"%s\""), label);
    return NULL;
}

/* xlsx_sheet_begin, and with STREAM xlsx_sheet_begin_stream without its
 * header block. */
static error_code begin(xlsx_ctx *c, xlsx_sheet *s, const char *table,
                        int suffix, lxw_col_t ncols, int stream)
{
    buf_t b = BUF_INIT;
    const char *label = xlsx_sheet_vlabel(c, "table", table), *name;
    uint8_t was;

    memset(s, 0, sizeof *s);
    if (c->rc != ERR_OK)
        return c->rc;
    if (suffix >= 0) {
        buf_printf(&b, "%s%s", label, xlsx_sheet_word(c, suffix));
        if (!(label = xlsx_sheet_keep_buf(c, &b)))
            return c->rc;
    }
    s->table = table;
    s->ncols = ncols < 4 ? 4 : ncols;
    s->head_width = c->en ? XLSX_HEAD_WIDTH_EN : XLSX_HEAD_WIDTH_ZH;
    if (!(name = sheet_name(c, label)))
        return c->rc;
    s->name = name;
    /* libxlsxwriter reads the option as each sheet is added (1.1.4, and
     * its later versions alike): this sheet alone streams its rows, the
     * others keep theirs to the end, where their header blocks are
     * written above them */
    was = c->wb->options.constant_memory;
    c->wb->options.constant_memory = stream ? LXW_TRUE : was;
    s->ws = workbook_add_worksheet(c->wb, name);
    c->wb->options.constant_memory = was;
    if (!s->ws)
        return xlsx_sheet_fail(c, ERR_XLSX, _("cannot add worksheet \"%s\""),
                               name);
    s->stream = stream;
    c->nsheets++;
    s->title = label;
    s->number = c->nsheets;
    xlsx_sheet_height(c, s, 0, 30);
    s->row = 4; /* one blank row before the table */
    return c->rc;
}

error_code xlsx_sheet_begin(xlsx_ctx *c, xlsx_sheet *s, const char *table,
                            int suffix, lxw_col_t ncols)
{
    /* the header block itself is written by xlsx_sheet_end, over the
     * columns of the first printed page (known once the widths are) */
    return begin(c, s, table, suffix, ncols, 0);
}

void xlsx_sheet_heads(xlsx_sheet *s, lxw_row_t r1, lxw_row_t r2,
                      lxw_col_t freeze_col)
{
    s->head_first = r1;
    s->head_last = r2;
    s->freeze_col = freeze_col;
    s->frozen = 1;
}

lxw_row_t xlsx_sheet_unit_rows(xlsx_ctx *c, xlsx_sheet *s,
                               const xlsx_unit_rows *how,
                               const retdoc_unit *const *units, size_t n,
                               lxw_row_t first, lxw_row_t total, double *tot)
{
    double *v = calloc(how->ncols ? how->ncols : 1, sizeof *v);
    lxw_row_t *sumrows = calloc(n ? n : 1, sizeof *sumrows), r = first;
    size_t i, nsum = 0;

    if (!v || !sumrows || !tot) {
        xlsx_sheet_nomem(c);
        free(v);
        free(sumrows);
        return r;
    }
    for (i = 0; i < n && c->rc == ERR_OK; i++) {
        lxw_col_t col;
        if (units[i] == c->top)
            continue;
        how->values(c, how->layout, units[i], v);
        how->write(c, s, how->layout, r, units[i], v, NULL, 0);
        if (c->top && units[i]->rank < 0 && retdoc_covers(c->top, units[i])) {
            for (col = how->from; col < how->ncols; col++)
                tot[col] += v[col];
            sumrows[nsum++] = r;
        }
        r++;
    }
    if (!c->top || c->rc != ERR_OK) {
        /* nothing more to write */
    } else if (!nsum) { /* a community alone: its own figures */
        how->values(c, how->layout, c->top, tot);
        how->write(c, s, how->layout, total, c->top, tot, NULL, 0);
    } else {
        how->write(c, s, how->layout, total, c->top, tot, sumrows, nsum);
    }
    free(v);
    free(sumrows);
    return r;
}

error_code xlsx_sheet_filter(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t next,
                             lxw_col_t last_col)
{
    lxw_row_t last = next > s->head_last + 1 ? next - 1 : s->head_last;
    s->row = next;
    if (c->rc != ERR_OK)
        return c->rc;
    return xlsx_sheet_lxw(
        c, worksheet_autofilter(s->ws, s->head_last, 0, last, last_col),
        "worksheet_autofilter");
}

double xlsx_sheet_col_width(const xlsx_sheet *s, size_t i)
{
    double w = i < s->nwidth && s->width[i] ? s->width[i] + 2 : 8.43;
    return w < 6 ? 6 : w;
}

/* May a printed page of S begin at column COL? */
static int may_break(const xlsx_sheet *s, lxw_col_t col)
{
    return !s->block ||
           (col >= s->block_from && (col - s->block_from) % s->block == 0);
}

/* The printed pages across of S: a table up to XLSX_PAGE_ONE pages wide,
 * or one without blocks (its headings wrap narrow: it stays legible), is
 * shrunk onto one (returns 0); a wider cross-table prints at
 * 100/XLSX_PAGE_SHRINK % over several pages, the unit columns (0 ..
 * freeze_col-1) repeated on each: BREAKS (at most NMAX-1, 0-terminated)
 * get the columns that begin a new page, each where the sheet allows one
 * (a category's block is not split). Returns the number of breaks. */
static size_t page_breaks(const xlsx_sheet *s, lxw_col_t *breaks, size_t nmax)
{
    const double cap = XLSX_PAGE_WIDTH * XLSX_PAGE_SHRINK;
    double total = 0, rep = 0, used = 0;
    lxw_col_t i, last_ok = 0;
    size_t n = 0;

    for (i = 0; i < s->ncols; i++)
        total += xlsx_sheet_col_width(s, i);
    breaks[0] = 0;
    if (!s->block || total <= XLSX_PAGE_WIDTH * XLSX_PAGE_ONE)
        return 0;
    for (i = 0; i < s->freeze_col; i++)
        rep += xlsx_sheet_col_width(s, i);
    for (i = 0; i < s->ncols; i++) {
        double w = xlsx_sheet_col_width(s, i);
        if (i >= s->freeze_col && may_break(s, i))
            last_ok = i;
        if (used + w > cap && last_ok > (n ? breaks[n - 1] : 0) &&
            n + 1 < nmax) {
            /* the page ends before the last column a page may begin at */
            lxw_col_t k;
            breaks[n++] = last_ok;
            used = rep;
            for (k = last_ok; k < i; k++)
                used += xlsx_sheet_col_width(s, k);
        }
        used += w;
    }
    breaks[n] = 0;
    return n;
}

/* The 表号 of S (民访N表, arena; NULL on failure), and in *NEED the width
 * its block needs: that of the number or of the issuer under it. */
static const char *table_number(xlsx_ctx *c, const xlsx_sheet *s, double *need)
{
    buf_t b = BUF_INIT;
    const char *number;
    double w = xlsx_sheet_text_width(xlsx_sheet_word(c, W_ISSUER));

    buf_printf(&b, "%s%zu%s", xlsx_sheet_word(c, W_TABLE_NO), s->number,
               xlsx_sheet_word(c, W_TABLE_NO_AFTER));
    if (!(number = xlsx_sheet_keep_buf(c, &b)))
        return NULL;
    *need = xlsx_sheet_text_width(number);
    if (w > *need)
        *need = w;
    return number;
}

/* The header block of S (rows 0-2) over its first COLS columns: title;
 * campaign and period; reporting unit; at the top right the 表号 block
 * over as many of the last columns as its text needs (two at least; a
 * merged cell clips what does not fit): 表号 民访N表 (N the sheet's
 * number), 制定机关, and 计量单位 under them. With LEAD > 0, the unit
 * columns 0..LEAD-1 repeat on every printed page across: the title and the
 * period are centred over the columns after them (a merged cell reaching
 * into them would print clipped on the continuation pages), and the
 * reporting unit is written within them, wrapped, so that it prints
 * whole on every page. */
static void header_block(xlsx_ctx *c, xlsx_sheet *s, lxw_col_t cols,
                         lxw_col_t lead)
{
    buf_t b = BUF_INIT;
    const char *number, *issuer = xlsx_sheet_word(c, W_ISSUER), *unit;
    double need, have = 0, lead_w = 0, w;
    lxw_col_t first, i;

    if (cols < 4)
        cols = 4;
    if (lead + 2 >= cols)
        lead = 0;
    if (!(number = table_number(c, s, &need)))
        return;
    for (first = cols;
         first > lead + 2 && (first > cols - 2 || have < need + 1);)
        have += xlsx_sheet_col_width(s, --first);
    /* row by row, as a streamed sheet must be written */
    xlsx_sheet_merge(c, s, 0, lead, 0, first - 1, s->title, c->f.title);
    xlsx_sheet_merge(c, s, 0, first, 0, cols - 1, number, c->f.meta_right);
    xlsx_sheet_merge(c, s, 1, lead, 1, first - 1, c->period, c->f.subtitle);
    xlsx_sheet_merge(c, s, 1, first, 1, cols - 1, issuer, c->f.meta_right);
    buf_printf(&b, "%s%s", xlsx_sheet_word(c, W_REPORTING_UNIT), c->reporting);
    if (!(unit = xlsx_sheet_keep_buf(c, &b)))
        return;
    if (lead) {
        for (i = 0; i < lead; i++)
            lead_w += xlsx_sheet_col_width(s, i);
        w = xlsx_sheet_text_width(unit);
        xlsx_sheet_merge(c, s, 2, 0, 2, lead - 1, unit, c->f.meta_wrap);
        if (w > lead_w - 1)
            xlsx_sheet_height(c, s, 2, 15 * (1 + (int)(w / (lead_w - 1))));
    } else {
        xlsx_sheet_str(c, s, 2, 0, unit, c->f.meta, -1);
    }
    xlsx_sheet_str(c, s, 2, cols - 1, xlsx_sheet_word(c, W_UNIT_OF_COUNT),
                   c->f.meta_right, -1);
}

error_code xlsx_sheet_begin_stream(xlsx_ctx *c, xlsx_sheet *s,
                                   const char *table, int suffix,
                                   lxw_col_t ncols)
{
    double need, w;
    if (begin(c, s, table, suffix, ncols, 1) != ERR_OK)
        return c->rc;
    if (!table_number(c, s, &need))
        return c->rc;
    /* the last two columns hold the 表号 block between them, as
     * header_block measures it (a column is its width + 2, 6 at least):
     * widths only grow, so the block written now is the one the final
     * widths would give */
    w = (need + 1) / 2 - 2;
    if (w < 4)
        w = 4;
    xlsx_sheet_track(c, s, s->ncols - 1, w);
    xlsx_sheet_track(c, s, s->ncols - 2, w);
    header_block(c, s, s->ncols, 0);
    return c->rc;
}

error_code xlsx_sheet_end(xlsx_ctx *c, xlsx_sheet *s)
{
    static const int foot[4] = {W_HEAD, W_STAT_HEAD, W_PREPARER, W_REPORT_DATE};
    lxw_col_t breaks[XLSX_PAGES_MAX + 1], first;
    lxw_row_t rows[2] = {0, 0};
    size_t i, nb = 0;

    if (s->ws) {
        nb = page_breaks(s, breaks, XLSX_PAGES_MAX + 1);
        first = nb ? breaks[0] : s->ncols;
        if (!s->stream) /* a streamed sheet's was written first */
            header_block(c, s, first, nb ? s->freeze_col : 0);
        xlsx_chart_place(c, s, breaks, nb, &rows[0]);
        for (i = 0; i < 4 && c->rc == ERR_OK; i++) {
            buf_t b = BUF_INIT;
            buf_printf(&b, "%s%s", xlsx_sheet_word(c, foot[i]),
                       foot[i] == W_REPORT_DATE ? c->reported : "");
            xlsx_sheet_str(c, s, s->row + 1, (lxw_col_t)(i * first / 4),
                           xlsx_sheet_keep_buf(c, &b), c->f.foot, -1);
        }
    }
    for (i = 0; i < s->nwidth && c->rc == ERR_OK; i++) {
        if (s->width[i])
            xlsx_sheet_lxw(
                c,
                worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i,
                                     xlsx_sheet_col_width(s, i), NULL),
                "worksheet_set_column");
    }
    free(s->width);
    s->width = NULL;
    s->nwidth = s->cwidth = 0;
    free(s->heights);
    s->heights = NULL;
    s->nheights = s->cheights = 0;
    if (c->rc != ERR_OK)
        return c->rc;
    if (rows[0] && xlsx_sheet_lxw(c, worksheet_set_h_pagebreaks(s->ws, rows),
                                  "worksheet_set_h_pagebreaks") != ERR_OK)
        return c->rc;
    if (s->frozen) {
        worksheet_freeze_panes(s->ws, s->head_last + 1, s->freeze_col);
        if (xlsx_sheet_lxw(
                c, worksheet_repeat_rows(s->ws, s->head_first, s->head_last),
                "worksheet_repeat_rows") != ERR_OK)
            return c->rc;
        /* a table printed over several pages across repeats the units */
        if (nb && s->freeze_col > 0 &&
            xlsx_sheet_lxw(
                c, worksheet_repeat_columns(s->ws, 0, s->freeze_col - 1),
                "worksheet_repeat_columns") != ERR_OK)
            return c->rc;
    }
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_set_landscape(s->ws);
    /* 第 1 页 共 3 页 on every printed page */
    if (xlsx_sheet_lxw(
            c, worksheet_set_footer(s->ws, xlsx_sheet_word(c, W_PAGE_FOOTER)),
            "worksheet_set_footer") != ERR_OK)
        return c->rc;
    if (nb) {
        if (xlsx_sheet_lxw(c, worksheet_set_v_pagebreaks(s->ws, breaks),
                           "worksheet_set_v_pagebreaks") != ERR_OK)
            return c->rc;
        worksheet_set_print_scale(s->ws, (uint16_t)(100 / XLSX_PAGE_SHRINK));
        worksheet_print_across(s->ws); /* pages left to right */
    } else {
        worksheet_fit_to_pages(s->ws, 1, 0);
    }
    worksheet_center_horizontally(s->ws);
    return ERR_OK;
}
