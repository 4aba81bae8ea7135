/*
 * xlsx_sheet.h — inside the returns workbook: the render context, the
 * cell/sheet plumbing (xlsx_sheet.c), the charts (xlsx_chart.c) and the
 * sheet families (xlsx_summary.c, xlsx_tables.c, xlsx_cadres.c,
 * xlsx_audit.c). Private to the workbook
 * renderer: only xlsx*.c include it.
 *
 * Layers, each using only the ones above it (no include loop: this header
 * includes xlsx.h, retdoc.h and buf.h only):
 *
 *   retdoc.c         the return document, read (units, rows, counts)
 *   xlsx_sheet.c     words and labels, cells, formulas, the header block
 *                    and the common end of a sheet
 *   xlsx_chart.c     a sheet's chart, placed for print
 *   xlsx_summary.c   the summary sheet (communities, subtotals, total)
 *   xlsx_tables.c    the unit tables: visits, opinions/suggestions,
 *                    groups, satisfaction
 *   xlsx_cadres.c    the cadres' table and its detail
 *   xlsx_audit.c     findings by rule, the findings list
 *   xlsx.c           the entry point: context, dispatch, read-back
 *
 * Errors are sticky: the first failure is kept in the context (rc, msg)
 * and every plumbing call is then a no-op returning it, so a sheet
 * function writes its cells in a row and checks once, at xlsx_sheet_end.
 */
#ifndef CANVASS_XLSX_SHEET_H
#define CANVASS_XLSX_SHEET_H

#include <stddef.h>
#include <xlsxwriter.h>
#include "buf.h"
#include "retdoc.h"
#include "xlsx.h"

/* The fixed words of the workbook, by key (xlsx_sheet.c): their zh/en
 * text is the simple type "word" of the label schema (return.xsd). */
enum {
    W_REPORTING_UNIT,
    W_UNIT_OF_COUNT,
    W_HEAD,
    W_STAT_HEAD,
    W_PREPARER,
    W_REPORT_DATE,
    W_PAGE_FOOTER,
    W_TABLE_NO,
    W_TABLE_NO_AFTER,
    W_ISSUER,
    W_COLUMN_LETTERS,
    W_PERIOD_TO,
    W_PARTIAL,
    W_LIST_SEP,
    W_MORE_PRE,
    W_MORE_POST,
    W_SUBTOTAL,
    W_TOTAL,
    W_DISTINCT_TOTAL,
    W_CODE,
    W_NAME,
    W_LEVEL,
    W_HH_REGISTERED,
    W_HH_VISITED,
    W_COVERAGE,
    W_VISITS,
    W_FORMS,
    W_OPINIONS,
    W_IMPORTANT,
    W_IMPORTANT_REPORTED,
    W_SUGGESTIONS,
    W_ELDERLY_MEMBERS,
    W_ELDERLY_SERVED,
    W_SERVICES,
    W_SAT_FORMS,
    W_SATISFIED,
    W_SAT_RATE,
    W_CATEGORY,
    W_GROUP,
    W_MEMBERS,
    W_HOUSEHOLDS,
    W_SERVED,
    W_KIND,
    W_ENTRY,
    W_ROLE,
    W_CADRES_REGISTERED,
    W_TAKING_PART,
    W_CADRE_VISITS, /* a visit by two cadres counts once for each */
    W_TEAM,
    W_CADRE_ROW,
    W_LIST,
    W_FILE,
    W_LINE,
    W_RULE,
    W_SEVERITY,
    W_MESSAGE,
    W_COMMUNITY,
    W_HOUSEHOLD,
    W_VISIT,
    W_ITEM,
    W_CADRE,
    W_OMITTED,
    W_OMITTED_AFTER,
    W_LIMIT,
    W_SHEET_FULL,
    W_COUNT_
};

#define XLSX_CELL_MAX 32000 /* chars per cell, under Excel's 32,767 */
#define XLSX_WIDTH_MAX 60.0 /* widest column, in character units */
/* Wrapped column headings count up to this width: three Chinese
 * characters a line (a statistical return's narrow columns), or a word or
 * two of English; a cross-table's many columns, two characters a line. */
#define XLSX_HEAD_WIDTH_ZH 6.0
#define XLSX_HEAD_WIDTH_EN 10.0
#define XLSX_CROSS_HEAD_WIDTH_ZH 4.0
#define XLSX_CROSS_HEAD_WIDTH_EN 8.0
#define XLSX_SUM_ARGS 200 /* arguments per SUM(), under Excel's 255 */
/* What a landscape A4 page holds at 100 %, in character units: 297 mm
 * less the default margins, at 2.8 mm a unit, as LibreOffice lays it out
 * where Calibri is missing (Excel's 1.9 mm leaves room to spare); and how
 * far a table may be shrunk to fit a page across (1/SHRINK). */
#define XLSX_PAGE_WIDTH 92.0
#define XLSX_PAGE_SHRINK 1.25
#define XLSX_PAGE_ONE 1.6 /* up to this many pages wide: shrunk onto one */
#define XLSX_PAGES_MAX 64 /* printed pages across a sheet, at most */
/* What a printed page holds down, in points at 100 %: A4 landscape (210
 * mm) less the default top and bottom margins (0.75 in each), less a
 * tenth to spare (where fonts are taller, rows print taller). */
#define XLSX_PAGE_HEIGHT 440.0
/* A chart's height: this many times the default 288 pixels; down to MIN
 * times where that keeps it on the page (else it starts the next). */
#define XLSX_CHART_Y_SCALE 1.25
#define XLSX_CHART_Y_MIN 0.9

typedef struct {
    lxw_format *title, *subtitle, *meta, *meta_right, *meta_wrap, *head, *text,
        *wrap, *num, *pct, *sub_text, *sub_num, *sub_pct, *tot_text, *tot_num,
        *tot_pct, *note, *foot, *colno;
} xlsx_formats;

/* The render context. Everything in it is owned by it (freed by
 * xlsx_render) except opts and the vocab. */
typedef struct {
    const render_opts *opts;
    int en;
    retdoc_t *rd;             /* the return, read */
    const retdoc_unit *top;   /* the reporting unit (borrowed from rd) */
    const retdoc_unit *first; /* gives the rows of every table */
    const char *reporting, *period, *reported; /* arena */
    char **arena;
    size_t narena, carena;
    lxw_workbook *wb;
    xlsx_formats f;
    size_t nsheets;
    error_code rc; /* first failure, ERR_OK while none */
    char *msg;     /* its message (malloc'd) */
} xlsx_ctx;

/* One worksheet being written. */
typedef struct {
    lxw_worksheet *ws;
    const char *name;  /* arena */
    const char *title; /* the table's label (arena or borrowed) */
    size_t number;     /* the sheet's number: 表号 民访N表 */
    /* with BLOCK > 0 a printed page may begin only at BLOCK_FROM + k *
     * BLOCK (a two-level heading's blocks are not split) */
    lxw_col_t block_from, block;
    double head_width; /* headings wrap at this width */
    const char *table; /* table value, borrowed */
    lxw_col_t ncols;   /* width of the header block */
    int stream;        /* xlsx_sheet_begin_stream's: header block written */
    double *width;     /* display width per column (owned) */
    size_t nwidth, cwidth;
    lxw_row_t row;                   /* next free row */
    lxw_row_t head_first, head_last; /* frozen and repeated rows */
    lxw_col_t freeze_col;
    int frozen;         /* head_first/head_last set */
    lxw_row_t wrap_row; /* the heading row last made taller */
    double wrap_lines;  /* and its number of lines */
    /* rows given a height (xlsx_sheet_height), by row, for the printed
     * pages' estimate (owned) */
    struct xlsx_height {
        lxw_row_t row;
        double points;
    } * heights;
    size_t nheights, cheights;
    /* the sheet's chart, if any: inserted by xlsx_sheet_end, once the
     * printed pages are known (its width, and the page it starts) */
    struct xlsx_chart {
        int set;
        uint8_t type;
        const char *title; /* borrowed */
        lxw_row_t r1, r2, at_row;
        lxw_col_t lcol, vcol, at_col;
        int rowwise;
    } chart;
} xlsx_sheet;

/* ---- errors and strings ------------------------------------------------ */

/* Records the first failure; returns it (`return xlsx_sheet_fail(...)`).
 * Every function here returns ERR_OK or the context's first failure. */
error_code xlsx_sheet_fail(xlsx_ctx *c, error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
error_code xlsx_sheet_nomem(xlsx_ctx *c);
/* Records libxlsxwriter error E of WHAT, if any. */
error_code xlsx_sheet_lxw(xlsx_ctx *c, lxw_error e, const char *what);

/* Takes ownership of S (NULL: out of memory) into the arena; returns it. */
char *xlsx_sheet_keep(xlsx_ctx *c, char *s);
/* Moves B's text into the arena (B left empty); NULL on failure. */
char *xlsx_sheet_keep_buf(xlsx_ctx *c, buf_t *b);

/* Display width of TEXT: East Asian wide characters count 2. */
double xlsx_sheet_text_width(const char *text);

/* The fixed word W in the render's language; the label of VALUE in TYPE
 * of the label schema; the zh/en label an enumerated row carries. */
const char *xlsx_sheet_word(const xlsx_ctx *c, int w);
const char *xlsx_sheet_vlabel(const xlsx_ctx *c, const char *type,
                              const char *value);
const char *xlsx_sheet_label(xlsx_ctx *c, const xmlNode *row);

/* The element EL of the first unit (it gives the rows of every table). */
const xmlNode *xlsx_sheet_first(const xlsx_ctx *c, const char *el);
/* retdoc_rows, failure recorded in C. */
error_code xlsx_sheet_rows(xlsx_ctx *c, const xmlNode *parent, const char *el,
                           const xmlNode ***rows, size_t *n);

/* Adds the workbook's cell formats. */
error_code xlsx_sheet_formats(xlsx_ctx *c);

/* ---- cells (each a no-op once C has failed) ------------------------------ */

/* Widens column COL of S to fit width W (capped). */
error_code xlsx_sheet_track(xlsx_ctx *c, xlsx_sheet *s, lxw_col_t col,
                            double w);
/* Writes TEXT (cut to the cell limit); CAP > 0 counts its width up to CAP,
 * CAP < 0 does not count it (it may overflow into empty cells). */
error_code xlsx_sheet_str(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                          lxw_col_t col, const char *text, lxw_format *f,
                          double cap);
error_code xlsx_sheet_num(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                          lxw_col_t col, double v, lxw_format *f);
/* Writes the formula in B (consumed) with cached value V. */
error_code xlsx_sheet_formula(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                              lxw_col_t col, buf_t *b, double v, lxw_format *f);
error_code xlsx_sheet_merge(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r1,
                            lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                            const char *text, lxw_format *f);
/* Row R is HEIGHT points high. */
error_code xlsx_sheet_height(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                             double height);
/* The height of row R of S in points: LXW_DEF_ROW_HEIGHT unless
 * xlsx_sheet_height set one. */
double xlsx_sheet_row_height(const xlsx_sheet *s, lxw_row_t r);
/* A wrapped column heading; a heading merged over R1..R2 x C1..C2. */
error_code xlsx_sheet_head(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                           lxw_col_t col, const char *text);
error_code xlsx_sheet_head_merge(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r1,
                                 lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                                 const char *text);
/* Formats of a unit's row: communities plain, roll-ups shaded, 'all' in
 * the total colour. P may be NULL. */
void xlsx_sheet_unit_formats(const xlsx_ctx *c, const retdoc_unit *u,
                             lxw_format **t, lxw_format **n, lxw_format **p);
/* Code, name (and with LEVEL the level label) of U in columns 0-2. */
error_code xlsx_sheet_unit_cells(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                                 const retdoc_unit *u, int level,
                                 lxw_format *f);

/* The units of a cross-table, in its row order: the reporting unit first
 * (the 合计 row of a statistical return), then the others in report
 * order. *UNITS is malloc'd (caller frees); failure recorded in C. */
error_code xlsx_sheet_units(xlsx_ctx *c, const retdoc_unit ***units, size_t *n);
/* Name (甲) and code (乙) of U in columns 0-1, as a cross-table has them:
 * the reporting unit's name is the word 合计 (unless it is a community
 * alone: the one row is its own). */
error_code xlsx_sheet_unit_cross(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                                 const retdoc_unit *u, lxw_format *f);
/* The row of column numbers under the headings of a statistical return:
 * the first NTEXT columns lettered 甲、乙、丙… (word column-letters), the
 * columns after them up to NCOLS numbered 1, 2, 3… */
error_code xlsx_sheet_numbers(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t r,
                              lxw_col_t ntext, lxw_col_t ncols);

/* ---- formulas ----------------------------------------------------------- */

/* Appends the reference of cell (ROW, COL) to B. */
void xlsx_sheet_ref(buf_t *b, lxw_row_t row, lxw_col_t col);
/* Appends SUM(r1c1:r2c2). */
void xlsx_sheet_sum_range(buf_t *b, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
                          lxw_col_t c2);
/* Appends SUM(c1,c2,...) over ROWS in column COL; nested past
 * XLSX_SUM_ARGS. */
void xlsx_sheet_sum_list(buf_t *b, const lxw_row_t *rows, size_t n,
                         lxw_col_t col);
/* Appends IF(den>0,num/den,0) on row R. */
void xlsx_sheet_rate(buf_t *b, lxw_row_t r, lxw_col_t num, lxw_col_t den);
/* NUM/DEN, 0 when DEN is 0: the cached value of xlsx_sheet_rate. */
double xlsx_sheet_ratio(double num, double den);

/* ---- sheets ------------------------------------------------------------- */

/* Adds the sheet of TABLE (its label, and with SUFFIX >= 0 that word, is
 * the title and the sheet name) and keeps rows 0-2 for its header block
 * (title; campaign and period; reporting unit and unit of count; the 表号
 * block), which xlsx_sheet_end writes. The table starts at s->row. S is
 * cleared first, so xlsx_sheet_end may follow whatever happened. */
error_code xlsx_sheet_begin(xlsx_ctx *c, xlsx_sheet *s, const char *table,
                            int suffix, lxw_col_t ncols);
/* The same for a sheet whose rows are written out as they come and not
 * kept (libxlsxwriter's constant_memory, for this sheet alone: a
 * findings list may reach Excel's million rows): its header block is
 * written at once, over its NCOLS columns, the 表号 block over the last
 * two, which are made wide enough for it. From then on every cell, height
 * and range written must be on the row last written or below it. */
error_code xlsx_sheet_begin_stream(xlsx_ctx *c, xlsx_sheet *s,
                                   const char *table, int suffix,
                                   lxw_col_t ncols);
/* Marks rows R1..R2 as the column headings: frozen, repeated on print. */
void xlsx_sheet_heads(xlsx_sheet *s, lxw_row_t r1, lxw_row_t r2,
                      lxw_col_t freeze_col);
/* The table ends before row NEXT: autofilter over the headings' last row
 * to the table's last row, columns 0..LAST_COL; s->row = NEXT. */
error_code xlsx_sheet_filter(xlsx_ctx *c, xlsx_sheet *s, lxw_row_t next,
                             lxw_col_t last_col);
/* How a cross-table by unit makes its rows: VALUES puts unit U's figures
 * into V (NCOLS of them), WRITE writes row R of unit U with V, or, with
 * SUMROWS (N), the 合计 row whose every figure is the SUM of those rows;
 * columns FROM.. are the figures the 合计 adds up. LAYOUT is theirs. */
typedef struct {
    const void *layout;
    lxw_col_t ncols, from;
    void (*values)(xlsx_ctx *c, const void *layout, const retdoc_unit *u,
                   double *v);
    void (*write)(xlsx_ctx *c, xlsx_sheet *s, const void *layout, lxw_row_t r,
                  const retdoc_unit *u, const double *v,
                  const lxw_row_t *sumrows, size_t n);
} xlsx_unit_rows;
/* Writes one row per unit of UNITS (N; the reporting unit c->top left
 * out) from row FIRST on, then at row TOTAL the reporting unit's 合计:
 * the SUM of the communities it covers, or, covering none (a community
 * alone), its own figures. TOT (how->ncols, zeroed) gets the 合计's
 * figures, for a chart. Returns the row after the last unit's. */
lxw_row_t xlsx_sheet_unit_rows(xlsx_ctx *c, xlsx_sheet *s,
                               const xlsx_unit_rows *how,
                               const retdoc_unit *const *units, size_t n,
                               lxw_row_t first, lxw_row_t total, double *tot);
/* The width of column I of S as xlsx_sheet_end sets it (8.43 when
 * unset), in characters. */
double xlsx_sheet_col_width(const xlsx_sheet *s, size_t i);

/* ---- charts (xlsx_chart.c) ---------------------------------------------- */

/* Adds S's chart (one a sheet) of TYPE, titled TITLE, of the values in
 * column VCOL against the labels in column LCOL, rows R1..R2 (or, with
 * ROWWISE, of the values in row R2 against the labels in row R1, columns
 * LCOL..VCOL), below the table (s->row is the row after it) and its
 * signature footer, at the left (of a cross-table, after its unit columns,
 * which repeat on every printed page). xlsx_sheet_end inserts it. */
error_code xlsx_chart_add(xlsx_ctx *c, xlsx_sheet *s, uint8_t type,
                          const char *title, lxw_row_t r1, lxw_row_t r2,
                          lxw_col_t lcol, lxw_col_t vcol, int rowwise);
/* The same with its top left corner at cell (AT_ROW, AT_COL). */
error_code xlsx_chart_add_at(xlsx_ctx *c, xlsx_sheet *s, uint8_t type,
                             const char *title, lxw_row_t r1, lxw_row_t r2,
                             lxw_col_t lcol, lxw_col_t vcol, int rowwise,
                             lxw_row_t at_row, lxw_col_t at_col);
/* Inserts S's chart, if any, placed for print (NB printed pages across,
 * BREAKS their first columns): no wider than the first page, and not
 * across a page break; *BREAK gets the row above which a page must break
 * for it, 0 for none. For xlsx_sheet_end, before it frees s->width. */
error_code xlsx_chart_place(xlsx_ctx *c, xlsx_sheet *s, const lxw_col_t *breaks,
                            size_t nb, lxw_row_t *brk);

/* The common end of every sheet: the header block over the first printed
 * page, the footer under the data (s->row), column widths, panes and the
 * print set-up (page footer, one page across or several, see
 * xlsx_sheet.c). Frees s->width whatever
 * happened before; ERR_OK, or C's first failure (here or earlier). */
error_code xlsx_sheet_end(xlsx_ctx *c, xlsx_sheet *s);

/* ---- the sheet families: one function per table of return.xsd ----------
 * TABLE is the table's value; EL the unit's element it reads when one
 * function serves several tables. ERR_OK, or C's first failure. */
typedef error_code (*xlsx_sheet_fn)(xlsx_ctx *c, const char *table,
                                    const char *el);

error_code xlsx_summary_sheet(xlsx_ctx *c, const char *table, const char *el);
error_code xlsx_tables_visits(xlsx_ctx *c, const char *table, const char *el);
error_code xlsx_tables_items(xlsx_ctx *c, const char *table, const char *el);
error_code xlsx_tables_groups(xlsx_ctx *c, const char *table, const char *el);
error_code xlsx_cadres_sheets(xlsx_ctx *c, const char *table, const char *el);
error_code xlsx_tables_satisfaction(xlsx_ctx *c, const char *table,
                                    const char *el);
error_code xlsx_audit_sheets(xlsx_ctx *c, const char *table, const char *el);

#endif
