/*
 * xlsx.c — the returns workbook, rendered from the return document.
 *
 * What: one .xlsx file with a summary sheet and one sheet per table of the
 * return (SPEC 3, 4), in the order of the "table" type of return.xsd:
 *
 *   summary       one row per community, grouped by district then street
 *                 (code prefixes 6 and 9), a subtotal row after each street
 *                 and each district, a grand total; subtotals and the total
 *                 are SUM formulas whose cached value is the exact integer
 *                 sum of the cells they cover, computed here (so a reader
 *                 that does not recalculate shows what Excel would; the
 *                 return's roll-up units give only the subtotal names).
 *   visits        one row per unit: households by dwelling, coverage,
 *                 visits by kind.
 *   opinions,     one block of rows per unit: category x status, with a row
 *   suggestions   total, important and important-reported columns and a
 *                 total row (formulas); column chart of the top unit.
 *   groups        one block of rows per unit: per group its members,
 *                 households, members served and the services its members
 *                 received by type; the unit's row of members in at least
 *                 one group and services by type; column chart.
 *   cadres        one block per unit: by role (total row as formulas), then
 *                 for communities the teams and the cadres by id (never by
 *                 name), told apart by a "kind" column.
 *   satisfaction  one row per unit: forms by rating, rate; pie chart.
 *   audit         two sheets: findings by rule, one row per unit (from the
 *                 units' <audit>); then the findings list (file, line,
 *                 rule, severity, message, community, ids).
 *
 * Every sheet opens with the header block of a statistical return (title,
 * campaign and period, reporting unit, unit of count) and ends with the
 * signature footer (单位负责人 ... 报出日期). Each sheet holds one table, so
 * its column headings can be frozen, carry the autofilter and repeat on
 * every printed page; A4 landscape, one page wide. Units come in one order
 * everywhere: communities by code, each roll-up right after the
 * communities it covers, 'all' last.
 *
 * Where the data comes from: the return document only (borrowed, read-only)
 * and opts->labels (return.xsd). Row labels are the zh/en attributes of the
 * return's enumerated rows; the rows of a table, and their order, are those
 * of the first unit of the return (every unit carries every enumerated row,
 * return.xsd). The fixed words of the header/footer block and the column
 * headings are the type "word" of the label schema, by the keys in S_words
 * below: no label text is in C.
 *
 * Where it goes: libxlsxwriter writes PATH, using PATH's folder as tmpdir.
 * libxlsxwriter 1.1.4 can report success for a corrupt file (full tmpdir),
 * so the finished file is re-opened with libzip and every XML part is
 * parsed with libxml2 before ERR_OK. Any failure unlinks PATH; a full disk
 * (output_nospace, output.c) is ERR_NOSPACE.
 *
 * Invariants: no global mutable state (renders may run in parallel); every
 * libxlsxwriter return code is checked and the first failure is kept in the
 * render context (later calls are skipped); strings made here live in the
 * context's arena until the end of the render (libxlsxwriter copies what
 * it is given).
 * Zip entry dates are fixed by libxlsxwriter and the document time is
 * opts->created, so equal inputs give byte-identical files.
 */
#include "xlsx.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "output.h"

/* ======================================================================
 * The fixed words of the workbook, by key: their zh/en text is the simple
 * type "word" of the label schema (return.xsd), like every other label.
 * ====================================================================== */
enum {
    W_REPORTING_UNIT,
    W_UNIT_OF_COUNT,
    W_HEAD,
    W_STAT_HEAD,
    W_PREPARER,
    W_REPORT_DATE,
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

static const struct {
    const char *key;
} S_words[W_COUNT_] = {
    [W_REPORTING_UNIT] = {"reporting-unit"},
    [W_UNIT_OF_COUNT] = {"unit-of-count"},
    [W_HEAD] = {"head"},
    [W_STAT_HEAD] = {"statistics-head"},
    [W_PREPARER] = {"preparer"},
    [W_REPORT_DATE] = {"report-date"},
    [W_PERIOD_TO] = {"period-to"},
    [W_PARTIAL] = {"partial"},
    [W_LIST_SEP] = {"list-separator"},
    [W_MORE_PRE] = {"more-before"},
    [W_MORE_POST] = {"more-after"},
    [W_SUBTOTAL] = {"subtotal"},
    [W_TOTAL] = {"total"},
    [W_DISTINCT_TOTAL] = {"distinct-total"},
    [W_CODE] = {"code"},
    [W_NAME] = {"name"},
    [W_LEVEL] = {"level"},
    [W_HH_REGISTERED] = {"households-registered"},
    [W_HH_VISITED] = {"households-visited"},
    [W_COVERAGE] = {"coverage"},
    [W_VISITS] = {"visits"},
    [W_FORMS] = {"forms"},
    [W_OPINIONS] = {"opinions"},
    [W_IMPORTANT] = {"important"},
    [W_IMPORTANT_REPORTED] = {"important-reported"},
    [W_SUGGESTIONS] = {"suggestions"},
    [W_ELDERLY_MEMBERS] = {"elderly-members"},
    [W_ELDERLY_SERVED] = {"elderly-served"},
    [W_SERVICES] = {"services"},
    [W_SAT_FORMS] = {"satisfaction-forms"},
    [W_SATISFIED] = {"satisfied"},
    [W_SAT_RATE] = {"satisfaction-rate"},
    [W_CATEGORY] = {"category"},
    [W_GROUP] = {"group"},
    [W_MEMBERS] = {"members"},
    [W_HOUSEHOLDS] = {"households"},
    [W_SERVED] = {"served"},
    [W_KIND] = {"kind"},
    [W_ENTRY] = {"entry"},
    [W_ROLE] = {"role"},
    [W_CADRES_REGISTERED] = {"cadres-registered"},
    [W_TAKING_PART] = {"taking-part"},
    [W_TEAM] = {"team"},
    [W_CADRE_ROW] = {"cadre-row"},
    [W_LIST] = {"list"},
    [W_FILE] = {"file"},
    [W_LINE] = {"line"},
    [W_RULE] = {"rule"},
    [W_SEVERITY] = {"severity"},
    [W_MESSAGE] = {"message"},
    [W_COMMUNITY] = {"community"},
    [W_HOUSEHOLD] = {"household"},
    [W_VISIT] = {"visit"},
    [W_ITEM] = {"item"},
    [W_CADRE] = {"cadre"},
    [W_OMITTED] = {"omitted"},
    [W_OMITTED_AFTER] = {"omitted-after"},
    [W_LIMIT] = {"limit"},
    [W_SHEET_FULL] = {"sheet-full"},
};

/* Schema values (return.xsd) the layout depends on — values, not labels. */
#define V_COMMUNITY "community" /* level of a community unit */
#define V_ALL "all"             /* level of the roll-up over the batch */
#define V_ELDERLY "elderly"     /* the group "elderly" of the summary */
#define V_STREET "street"       /* levels of the summary's subtotals */
#define V_DISTRICT "district"
#define V_ERROR "error" /* severities: audit/@errors, @warnings */
#define V_WARNING "warning"
/* Administrative codes: a community's code begins with its street's (9
 * digits), which begins with its district's (6). */
#define STREET_DIGITS 9
#define DISTRICT_DIGITS 6
/* ====================================================================== */

#define CELL_MAX 32000      /* chars per cell, under Excel's 32,767 */
#define WIDTH_MAX 60.0      /* widest column, in character units */
#define HEAD_WIDTH_MAX 14.0 /* wrapped column headings count up to this */
#define SUM_ARGS_MAX 200    /* arguments per SUM(), under Excel's 255 */
#define NAMES_MAX 8         /* communities named in the reporting unit */

/* A buffer that grows; oom is sticky. Owned by whoever declared it. */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

/* One <unit> of the return; strings are borrowed from the document or the
 * render context's arena. */
typedef struct {
    const xmlNode *node;
    const char *level, *code, *name, *street, *district;
    int rank;  /* index of level in the level vocab, community lowest */
    char *key; /* sort key (arena): code, "~" appended for roll-ups */
} unit;

typedef struct {
    lxw_format *title, *subtitle, *meta, *meta_right, *head, *text, *wrap, *num,
        *pct, *sub_text, *sub_num, *sub_pct, *tot_text, *tot_num, *tot_pct,
        *note, *foot;
} formats;

/* The render context. Everything in it is owned by it (freed by S_done)
 * except opts, the document nodes and the vocab. */
typedef struct {
    const render_opts *opts;
    int en;
    const xmlNode *root, *campaign, *sources, *findings;
    unit *units; /* every <unit>, in report order */
    size_t nunits;
    const unit *top;   /* the reporting unit (borrowed from units) */
    const unit *first; /* gives the rows of every table */
    const char *reporting, *period, *reported; /* arena */
    char **arena;
    size_t narena, carena;
    lxw_workbook *wb;
    formats f;
    size_t nsheets;
    error_code rc; /* first failure, ERR_OK while none */
    char *msg;     /* its message (malloc'd) */
} ctx;

/* One worksheet being written. */
typedef struct {
    lxw_worksheet *ws;
    const char *name;  /* arena */
    const char *table; /* table value, borrowed */
    lxw_col_t ncols;   /* width of the header block */
    double *width;     /* display width per column (owned) */
    size_t nwidth;
    lxw_row_t row;                   /* next free row */
    lxw_row_t head_first, head_last; /* frozen and repeated rows */
    lxw_col_t freeze_col;
    int frozen;         /* head_first/head_last set */
    lxw_row_t wrap_row; /* the heading row last made taller */
    double wrap_lines;  /* and its number of lines */
} sheet;

/* ---------------------------------------------------------------- errors */

static int S_fail(ctx *c, error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first failure; returns -1 so callers can `return S_fail()`. */
static int S_fail(ctx *c, error_code code, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (c->rc != ERR_OK)
        return -1;
    c->rc = code;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (c->msg = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(c->msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int S_nomem(ctx *c)
{
    return S_fail(c, ERR_NOMEM, "out of memory");
}

static int S_lxw(ctx *c, lxw_error e, const char *what)
{
    if (e == LXW_NO_ERROR)
        return 0;
    return S_fail(c, ERR_XLSX, "%s: %s", what, lxw_strerror(e));
}

/* ---------------------------------------------------------------- strings */

/* Takes ownership of S (may be NULL: out of memory); returns it or NULL. */
static char *S_keep(ctx *c, char *s)
{
    if (!s) {
        S_nomem(c);
        return NULL;
    }
    if (c->narena == c->carena) {
        size_t cap = c->carena ? 2 * c->carena : 64;
        char **grown = realloc(c->arena, cap * sizeof *grown);
        if (!grown) {
            free(s);
            S_nomem(c);
            return NULL;
        }
        c->arena = grown;
        c->carena = cap;
    }
    return c->arena[c->narena++] = s;
}

static void S_sb_add(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void S_sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *grown;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        if (!(grown = realloc(b->s, cap))) {
            b->oom = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Moves B's text into the arena; B is left empty. NULL on failure. */
static char *S_sb_keep(ctx *c, sbuf *b)
{
    char *s;
    if (b->oom || !b->s) {
        free(b->s);
        memset(b, 0, sizeof *b);
        if (!b->oom)
            return S_keep(c, strdup(""));
        S_nomem(c);
        return NULL;
    }
    s = b->s;
    memset(b, 0, sizeof *b);
    return S_keep(c, s);
}

/* Decodes one UTF-8 character at *P (advancing it); invalid bytes count as
 * one character each. */
static unsigned long S_utf8_next(const unsigned char **p)
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

/* Display width of TEXT: East Asian wide characters count 2. */
static double S_text_width(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    double w = 0;
    while (*p) {
        unsigned long cp = S_utf8_next(&p);
        w += cp >= 0x1100 && cp != 0xFFFD ? 2 : 1;
    }
    return w;
}

/* TEXT cut to at most MAX characters, counted as Excel does in UTF-16
 * units, with "…" appended when cut (arena copy then). */
static const char *S_cut(ctx *c, const char *text, size_t max)
{
    const unsigned char *p = (const unsigned char *)text, *q = p;
    size_t n = 0;
    char *s;

    while (*p) {
        unsigned long cp = S_utf8_next(&q);
        n += cp > 0xFFFF ? 2 : 1;
        if (n > max)
            break;
        p = q;
    }
    if (!*p)
        return text;
    if (!(s = malloc((size_t)(p - (const unsigned char *)text) + 4)))
        return S_keep(c, NULL);
    memcpy(s, text, (size_t)(p - (const unsigned char *)text));
    strcpy(s + (p - (const unsigned char *)text), "\xE2\x80\xA6"); /* … */
    return S_keep(c, s);
}

/* ---------------------------------------------------------------- labels */

/* The fixed word W in the render's language, from the label schema's
 * "word" type; its key when the schema lacks it. */
static const char *S_word(const ctx *c, int w)
{
    return vocab_label(c->opts->labels, "word", S_words[w].key,
                       c->en ? "en" : "zh");
}

/* Label of VALUE in TYPE of the label schema (VALUE itself if unknown). */
static const char *S_vlabel(const ctx *c, const char *type, const char *value)
{
    if (!value)
        return "";
    if (!c->opts->labels)
        return value;
    return vocab_label(c->opts->labels, type, value, c->en ? "en" : "zh");
}

/* ------------------------------------------------------ return document */

static int S_is(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, RETURN_NS) &&
           !strcmp((const char *)n->name, local);
}

static const xmlNode *S_next(const xmlNode *n, const char *local)
{
    for (; n; n = n->next)
        if (S_is(n, local))
            return n;
    return NULL;
}

/* First child element LOCAL of N (NULL-safe). */
static const xmlNode *S_child(const xmlNode *n, const char *local)
{
    return n ? S_next(n->children, local) : NULL;
}

/* Attribute NAME of N, borrowed from the document (or the arena when the
 * value is not a single text node); NULL when absent. */
static const char *S_attr(ctx *c, const xmlNode *n, const char *name)
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
    return S_keep(c, s);
}

static const char *S_attr0(ctx *c, const xmlNode *n, const char *name)
{
    const char *s = S_attr(c, n, name);
    return s ? s : "";
}

/* Count attribute NAME of N; 0 when N or the attribute is absent. */
static double S_count(ctx *c, const xmlNode *n, const char *name)
{
    const char *s = S_attr(c, n, name);
    return s ? (double)strtoull(s, NULL, 10) : 0;
}

/* Child element EL of PARENT whose @value is VALUE. */
static const xmlNode *S_row(ctx *c, const xmlNode *parent, const char *el,
                            const char *value)
{
    const xmlNode *n;
    for (n = S_child(parent, el); n; n = S_next(n->next, el)) {
        const char *v = S_attr(c, n, "value");
        if (v && value && !strcmp(v, value))
            return n;
    }
    return NULL;
}

/* The zh or en label an enumerated row carries. */
static const char *S_label(ctx *c, const xmlNode *row)
{
    const char *s = S_attr(c, row, c->en ? "en" : "zh");
    return s ? s : S_attr0(c, row, "value");
}

/* The enumerated rows EL under PATH1 of the first unit: the rows of a
 * table. *N gets their number; returns a malloc'd array (caller frees), or
 * NULL with *N = 0 when there is none (or no memory: c->rc set). */
static const xmlNode **S_rows(ctx *c, const xmlNode *parent, const char *el,
                              size_t *n)
{
    const xmlNode *r, **v;
    size_t k = 0;

    *n = 0;
    for (r = S_child(parent, el); r; r = S_next(r->next, el))
        k++;
    if (!k)
        return NULL;
    if (!(v = calloc(k, sizeof *v))) {
        S_nomem(c);
        return NULL;
    }
    for (r = S_child(parent, el); r; r = S_next(r->next, el))
        v[(*n)++] = r;
    return v;
}

static int S_is_true(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "1"));
}

/* ------------------------------------------------------------------ dates */

/* ISO date as 2011年11月10日 (zh) or 10 November 2011 (en), in the arena;
 * the text itself when it is not a date. */
static const char *S_date(ctx *c, const char *iso)
{
    int y, m, d;
    char month[64], *s;
    size_t n = 96;

    if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return iso ? iso : "";
    if (!(s = malloc(n)))
        return S_keep(c, NULL);
    if (!c->en) {
        snprintf(s, n, "%d年%d月%d日", y, m, d);
    } else {
        /* month names from the C locale: no table of them here */
        struct tm tm;
        locale_t loc = newlocale(LC_TIME_MASK, "C", (locale_t)0);
        memset(&tm, 0, sizeof tm);
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d;
        if (!loc || !strftime_l(month, sizeof month, "%B", &tm, loc))
            snprintf(month, sizeof month, "%02d", m);
        if (loc)
            freelocale(loc);
        snprintf(s, n, "%d %s %d", d, month, y);
    }
    return S_keep(c, s);
}

/* ------------------------------------------------------------------ units */

static int S_unit_cmp(const void *a, const void *b)
{
    const unit *x = a, *y = b;
    int k = strcmp(x->key, y->key);
    return k ? k : (x->rank > y->rank) - (x->rank < y->rank);
}

/* Reads the units, orders them (communities by code, each roll-up after
 * the communities it covers, 'all' last), picks the reporting unit. */
static int S_load_units(ctx *c)
{
    const xmlNode *n;
    size_t i, k = 0;

    for (n = S_child(c->root, "unit"); n; n = S_next(n->next, "unit"))
        k++;
    if (!k)
        return 0;
    if (!(c->units = calloc(k, sizeof *c->units)))
        return S_nomem(c);
    for (n = S_child(c->root, "unit"); n; n = S_next(n->next, "unit")) {
        unit *u = &c->units[c->nunits++];
        sbuf key = {0};
        u->node = n;
        u->level = S_attr0(c, n, "level");
        u->code = S_attr0(c, n, "code");
        u->name = S_attr0(c, n, "name");
        u->street = S_attr0(c, n, "street");
        u->district = S_attr0(c, n, "district");
        u->rank = c->opts->labels
                      ? vocab_index(c->opts->labels, "level", u->level)
                      : 0;
        if (!strcmp(u->level, V_COMMUNITY))
            u->rank = -1;
        S_sb_add(&key, "%s%s", u->code, u->rank < 0 ? "" : "~");
        if (!(u->key = S_sb_keep(c, &key)))
            return -1;
    }
    qsort(c->units, c->nunits, sizeof *c->units, S_unit_cmp);
    c->first = &c->units[0];
    for (i = 0; i < c->nunits; i++) {
        const unit *u = &c->units[i];
        if (!strcmp(u->level, V_ALL)) {
            c->top = u;
            break;
        }
        if (!c->top ||
            S_count(c, u->node, "communities") >
                S_count(c, c->top->node, "communities") ||
            (S_count(c, u->node, "communities") ==
                 S_count(c, c->top->node, "communities") &&
             u->rank > c->top->rank))
            c->top = u;
    }
    return c->rc == ERR_OK ? 0 : -1;
}

/* 填报单位: the single unit's name, or the communities 'all' covers. */
static int S_reporting_unit(ctx *c)
{
    sbuf b = {0};
    const xmlNode *cov;
    size_t n = 0, total = 0;

    if (!c->top)
        return (c->reporting = S_keep(c, strdup(""))) ? 0 : -1;
    if (strcmp(c->top->level, V_ALL) ||
        !(cov = S_child(S_child(c->top->node, "covers"), "community")))
        return (c->reporting = S_keep(c, strdup(c->top->name))) ? 0 : -1;
    for (; cov; cov = S_next(cov->next, "community")) {
        if (n < NAMES_MAX)
            S_sb_add(&b, "%s%s", n ? S_word(c, W_LIST_SEP) : "",
                     S_attr0(c, cov, "name"));
        n += n < NAMES_MAX;
        total++;
    }
    if (total > n) /* "A、B……等260个社区": the total, as Chinese says it */
        S_sb_add(&b, "%s%zu%s", S_word(c, W_MORE_PRE), total,
                 S_word(c, W_MORE_POST));
    return (c->reporting = S_sb_keep(c, &b)) ? 0 : -1;
}

/* ---------------------------------------------------------------- formats */

static lxw_format *S_fmt(ctx *c, int bold, int border, uint8_t align,
                         lxw_color_t fill, const char *numfmt)
{
    lxw_format *f = workbook_add_format(c->wb);
    if (!f) {
        S_nomem(c);
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

static int S_formats(ctx *c)
{
    formats *f = &c->f;
    const lxw_color_t sub = 0xF2F2F2, tot = 0xDDEBF7, head = 0xD9D9D9;

    f->title = S_fmt(c, 1, 0, LXW_ALIGN_CENTER, 0, NULL);
    f->subtitle = S_fmt(c, 0, 0, LXW_ALIGN_CENTER, 0, NULL);
    f->meta = S_fmt(c, 0, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->meta_right = S_fmt(c, 0, 0, LXW_ALIGN_RIGHT, 0, NULL);
    f->head = S_fmt(c, 1, 1, LXW_ALIGN_CENTER, head, NULL);
    f->text = S_fmt(c, 0, 1, 0, 0, NULL);
    f->wrap = S_fmt(c, 0, 1, 0, 0, NULL);
    f->num = S_fmt(c, 0, 1, 0, 0, "0");
    f->pct = S_fmt(c, 0, 1, 0, 0, "0.0%");
    f->sub_text = S_fmt(c, 1, 1, 0, sub, NULL);
    f->sub_num = S_fmt(c, 1, 1, 0, sub, "0");
    f->sub_pct = S_fmt(c, 1, 1, 0, sub, "0.0%");
    f->tot_text = S_fmt(c, 1, 1, 0, tot, NULL);
    f->tot_num = S_fmt(c, 1, 1, 0, tot, "0");
    f->tot_pct = S_fmt(c, 1, 1, 0, tot, "0.0%");
    f->note = S_fmt(c, 1, 0, LXW_ALIGN_LEFT, 0, NULL);
    f->foot = S_fmt(c, 0, 0, LXW_ALIGN_LEFT, 0, NULL);
    if (c->rc != ERR_OK)
        return -1;
    format_set_font_size(f->title, 16);
    format_set_text_wrap(f->head);
    format_set_text_wrap(f->wrap); /* long messages: the row grows */
    format_set_font_color(f->note, LXW_COLOR_RED);
    format_set_text_wrap(f->note);
    return 0;
}

/* ------------------------------------------------------------ cell output */

/* Widens column COL of S to fit width W (capped). */
static int S_track(ctx *c, sheet *s, lxw_col_t col, double w)
{
    if (col >= s->nwidth) {
        size_t n = (size_t)col + 16, i;
        double *grown = realloc(s->width, n * sizeof *grown);
        if (!grown)
            return S_nomem(c);
        for (i = s->nwidth; i < n; i++)
            grown[i] = 0;
        s->width = grown;
        s->nwidth = n;
    }
    if (w > WIDTH_MAX)
        w = WIDTH_MAX;
    if (w > s->width[col])
        s->width[col] = w;
    return 0;
}

/* Writes TEXT (cut to the cell limit); CAP > 0 counts its width up to CAP,
 * CAP < 0 does not count it (it may overflow into empty cells). */
static int S_str(ctx *c, sheet *s, lxw_row_t r, lxw_col_t col, const char *text,
                 lxw_format *f, double cap)
{
    double w;
    if (c->rc != ERR_OK)
        return -1;
    if (!(text = S_cut(c, text ? text : "", CELL_MAX)))
        return -1;
    if (S_lxw(c, worksheet_write_string(s->ws, r, col, text, f),
              "worksheet_write_string") < 0)
        return -1;
    if (cap < 0)
        return 0;
    w = S_text_width(text);
    return S_track(c, s, col, cap > 0 && w > cap ? cap : w);
}

static int S_num(ctx *c, sheet *s, lxw_row_t r, lxw_col_t col, double v,
                 lxw_format *f)
{
    char buf[32];
    if (c->rc != ERR_OK)
        return -1;
    if (S_lxw(c, worksheet_write_number(s->ws, r, col, v, f),
              "worksheet_write_number") < 0)
        return -1;
    snprintf(buf, sizeof buf, "%.0f", v);
    return S_track(c, s, col, (double)strlen(buf));
}

/* Writes the formula in B (consumed) with cached value V. */
static int S_formula(ctx *c, sheet *s, lxw_row_t r, lxw_col_t col, sbuf *b,
                     double v, lxw_format *f)
{
    char buf[32];
    lxw_error e;
    if (b->oom) {
        free(b->s);
        memset(b, 0, sizeof *b);
        return S_nomem(c);
    }
    if (c->rc != ERR_OK) {
        free(b->s);
        memset(b, 0, sizeof *b);
        return -1;
    }
    e = worksheet_write_formula_num(s->ws, r, col, b->s, f, v);
    free(b->s);
    memset(b, 0, sizeof *b);
    if (S_lxw(c, e, "worksheet_write_formula_num") < 0)
        return -1;
    snprintf(buf, sizeof buf, "%.0f", v);
    return S_track(c, s, col, (double)strlen(buf));
}

static int S_merge(ctx *c, sheet *s, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
                   lxw_col_t c2, const char *text, lxw_format *f)
{
    if (c->rc != ERR_OK)
        return -1;
    if (!(text = S_cut(c, text, CELL_MAX)))
        return -1;
    if (r1 == r2 && c1 == c2)
        return S_str(c, s, r1, c1, text, f, -1);
    return S_lxw(c, worksheet_merge_range(s->ws, r1, c1, r2, c2, text, f),
                 "worksheet_merge_range");
}

/* A wrapped column heading. */
static int S_head(ctx *c, sheet *s, lxw_row_t r, lxw_col_t col,
                  const char *text)
{
    double lines = 1, w = S_text_width(text);
    if (S_str(c, s, r, col, text, c->f.head, HEAD_WIDTH_MAX) < 0)
        return -1;
    /* rows do not grow to fit wrapped text by themselves in every reader */
    while (w > lines * HEAD_WIDTH_MAX)
        lines++;
    if (r != s->wrap_row)
        s->wrap_row = r, s->wrap_lines = 1;
    if (lines <= s->wrap_lines)
        return 0;
    s->wrap_lines = lines;
    return S_lxw(c, worksheet_set_row(s->ws, r, 15 * lines, NULL),
                 "worksheet_set_row");
}

/* Appends cell reference (ROW, COL) to B. */
static void S_sb_cell(sbuf *b, lxw_row_t row, lxw_col_t col)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, row, col);
    S_sb_add(b, "%s", cell);
}

/* B = SUM(first:last) in column COL. */
static void S_sb_sum_range(sbuf *b, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2,
                           lxw_col_t c2)
{
    S_sb_add(b, "SUM(");
    S_sb_cell(b, r1, c1);
    S_sb_add(b, ":");
    S_sb_cell(b, r2, c2);
    S_sb_add(b, ")");
}

/* B = SUM(c1,c2,...) over ROWS in column COL; nested past SUM_ARGS_MAX. */
static void S_sb_sum_list(sbuf *b, const lxw_row_t *rows, size_t n,
                          lxw_col_t col)
{
    size_t i;
    int nested = n > SUM_ARGS_MAX;

    S_sb_add(b, "SUM(");
    for (i = 0; i < n; i++) {
        if (nested && i % SUM_ARGS_MAX == 0)
            S_sb_add(b, "%sSUM(", i ? ")," : "");
        else if (i)
            S_sb_add(b, ",");
        S_sb_cell(b, rows[i], col);
    }
    S_sb_add(b, nested ? "))" : ")");
}

/* B = IF(den>0,num/den,0) on row R. */
static void S_sb_rate(sbuf *b, lxw_row_t r, lxw_col_t num, lxw_col_t den)
{
    S_sb_add(b, "IF(");
    S_sb_cell(b, r, den);
    S_sb_add(b, ">0,");
    S_sb_cell(b, r, num);
    S_sb_add(b, "/");
    S_sb_cell(b, r, den);
    S_sb_add(b, ",0)");
}

static double S_ratio(double num, double den)
{
    return den > 0 ? num / den : 0;
}

/* ----------------------------------------------------------------- sheets */

/* A valid, unused sheet name made from LABEL (arena). */
static const char *S_sheet_name(ctx *c, const char *label)
{
    char *base, *name, *p;
    const char *cut;
    int k;

    if (!(base = S_keep(c, strdup(*label ? label : "Sheet"))))
        return NULL;
    for (p = base; *p; p++)
        if (strchr("[]:*?/\\", *p))
            *p = '_';
    if (*base == '\'')
        *base = '_';
    for (k = 1; k < 1000; k++) {
        char suffix[16] = "";
        size_t room = LXW_SHEETNAME_MAX;
        sbuf b = {0};
        if (k > 1)
            room -= (size_t)snprintf(suffix, sizeof suffix, " (%d)", k);
        if (!(cut = S_cut(c, base, room)))
            return NULL;
        S_sb_add(&b, "%s", cut);
        if (cut != base && b.s) /* drop the ellipsis S_cut added */
            b.s[b.len -= 3] = 0;
        while (b.s && b.len && b.s[b.len - 1] == ' ')
            b.s[--b.len] = 0;
        if (b.s && b.len && b.s[b.len - 1] == '\'')
            b.s[b.len - 1] = '_';
        S_sb_add(&b, "%s", suffix);
        if (!(name = S_sb_keep(c, &b)))
            return NULL;
        if (*name && workbook_validate_sheet_name(c->wb, name) == LXW_NO_ERROR)
            return name;
    }
    S_fail(c, ERR_XLSX, "no valid sheet name for \"%s\"", label);
    return NULL;
}

/* Adds the sheet of TABLE (its label, and with SUFFIX >= 0 that word, is
 * the title and the sheet name) and writes its header block (rows 0-2):
 * title; campaign and period; reporting unit and unit of count. */
static int S_sheet_begin(ctx *c, sheet *s, const char *table, int suffix,
                         lxw_col_t ncols)
{
    sbuf b = {0};
    const char *label = S_vlabel(c, "table", table), *name;

    memset(s, 0, sizeof *s);
    if (suffix >= 0) {
        S_sb_add(&b, "%s%s", label, S_word(c, suffix));
        if (!(label = S_sb_keep(c, &b)))
            return -1;
    }
    s->table = table;
    s->ncols = ncols < 3 ? 3 : ncols;
    if (!(name = S_sheet_name(c, label)))
        return -1;
    s->name = name;
    if (!(s->ws = workbook_add_worksheet(c->wb, name)))
        return S_fail(c, ERR_XLSX, "cannot add worksheet \"%s\"", name);
    c->nsheets++;
    if (S_merge(c, s, 0, 0, 0, s->ncols - 1, label, c->f.title) < 0 ||
        S_lxw(c, worksheet_set_row(s->ws, 0, 30, NULL), "worksheet_set_row"))
        return -1;
    if (S_merge(c, s, 1, 0, 1, s->ncols - 1, c->period, c->f.subtitle) < 0)
        return -1;
    S_sb_add(&b, "%s%s", S_word(c, W_REPORTING_UNIT), c->reporting);
    if (!(name = S_sb_keep(c, &b)) ||
        S_str(c, s, 2, 0, name, c->f.meta, -1) < 0 ||
        S_str(c, s, 2, s->ncols - 1, S_word(c, W_UNIT_OF_COUNT),
              c->f.meta_right, -1) < 0)
        return -1;
    s->row = 4; /* one blank row before the table */
    return 0;
}

/* Marks rows R1..R2 as the column headings: frozen, repeated on print. */
static void S_sheet_heads(sheet *s, lxw_row_t r1, lxw_row_t r2,
                          lxw_col_t freeze_col)
{
    s->head_first = r1;
    s->head_last = r2;
    s->freeze_col = freeze_col;
    s->frozen = 1;
}

/* Writes the footer under the data (s->row), sets widths, panes and the
 * print set-up. Frees s->width. */
static int S_sheet_end(ctx *c, sheet *s)
{
    static const int foot[4] = {W_HEAD, W_STAT_HEAD, W_PREPARER, W_REPORT_DATE};
    lxw_row_t r = s->row + 1;
    size_t i;
    int rc = -1;

    for (i = 0; i < 4; i++) {
        lxw_col_t col = (lxw_col_t)(i * s->ncols / 4);
        sbuf b = {0};
        const char *text;
        S_sb_add(&b, "%s%s", S_word(c, foot[i]),
                 foot[i] == W_REPORT_DATE ? c->reported : "");
        if (!(text = S_sb_keep(c, &b)) ||
            S_str(c, s, r, col, text, c->f.foot, -1) < 0)
            goto fail;
    }
    for (i = 0; i < s->nwidth; i++) {
        double w = s->width[i] ? s->width[i] + 2 : 0;
        if (w && S_lxw(c,
                       worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i,
                                            w < 6 ? 6 : w, NULL),
                       "worksheet_set_column") < 0)
            goto fail;
    }
    if (s->frozen) {
        worksheet_freeze_panes(s->ws, s->head_last + 1, s->freeze_col);
        if (S_lxw(c, worksheet_repeat_rows(s->ws, s->head_first, s->head_last),
                  "worksheet_repeat_rows") < 0)
            goto fail;
    }
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_set_landscape(s->ws);
    worksheet_fit_to_pages(s->ws, 1, 0);
    worksheet_center_horizontally(s->ws);
    rc = 0;
fail:
    free(s->width);
    s->width = NULL;
    s->nwidth = 0;
    return rc;
}

/* Inserts a chart of TYPE, titled TITLE, of the values in column VCOL
 * against the labels in column LCOL, rows R1..R2 (or, with ROWWISE, of the
 * values in row R2 against the labels in row R1, columns LCOL..VCOL), to
 * the right of the table, just under its headings. */
static int S_chart(ctx *c, sheet *s, uint8_t type, const char *title,
                   lxw_row_t r1, lxw_row_t r2, lxw_col_t lcol, lxw_col_t vcol,
                   int rowwise)
{
    lxw_chart *ch;
    lxw_chart_series *se;
    lxw_chart_options o;

    if (c->rc != ERR_OK)
        return -1;
    if (!(ch = workbook_add_chart(c->wb, type)))
        return S_fail(c, ERR_XLSX, "cannot add a chart");
    if (!(se = chart_add_series(ch, NULL, NULL)))
        return S_fail(c, ERR_XLSX, "cannot add a chart series");
    if (rowwise) {
        chart_series_set_categories(se, s->name, r1, lcol, r1, vcol);
        chart_series_set_values(se, s->name, r2, lcol, r2, vcol);
    } else {
        chart_series_set_categories(se, s->name, r1, lcol, r2, lcol);
        chart_series_set_values(se, s->name, r1, vcol, r2, vcol);
    }
    chart_series_set_labels(se);
    if (type == LXW_CHART_PIE) {
        chart_series_set_labels_percentage(se);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_RIGHT);
    } else {
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    }
    chart_title_set_name(ch, title);
    memset(&o, 0, sizeof o);
    o.x_offset = 10;
    o.x_scale = 1.25;
    o.y_scale = 1.25;
    o.description = (char *)title;
    /* below the headings: repeated rows would print a slice of it */
    return S_lxw(
        c,
        worksheet_insert_chart_opt(s->ws, s->head_last + 1, s->ncols, ch, &o),
        "worksheet_insert_chart");
}

/* ---------------------------------------------------------- summary sheet */

/* A summary column: a count of the unit (EL[/ROW[@value=PICK]]/@ATTR), or
 * a ratio of two earlier columns (NUM/DEN), or code/name text. */
typedef struct {
    int word;
    const char *el, *row, *pick, *attr;
    int num, den; /* ratio columns, -1 otherwise */
} sum_col;

static const sum_col S_summary[] = {
    {W_CODE, NULL, NULL, NULL, NULL, -1, -1},
    {W_NAME, NULL, NULL, NULL, NULL, -1, -1},
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
#define NSUM (sizeof S_summary / sizeof *S_summary)

static double S_sum_value(ctx *c, const unit *u, const sum_col *k)
{
    const xmlNode *n;
    if (!k->el) /* a ratio: a formula over other columns */
        return 0;
    n = S_child(u->node, k->el);
    if (k->row)
        n = S_row(c, n, k->row, k->pick);
    return S_count(c, n, k->attr);
}

/* Writes one summary row. KIND 0: a community, its values V; 1: a street
 * subtotal, SUM over rows FIRST..LAST; 2: a district subtotal and 3: the
 * grand total, SUM over the rows ROWS. V holds the cached sums. */
static int S_summary_row(ctx *c, sheet *s, lxw_row_t r, const char *code,
                         const char *name, const double *v, int kind,
                         lxw_row_t first, lxw_row_t last, const lxw_row_t *rows,
                         size_t nrows)
{
    lxw_format *ft = kind == 0   ? c->f.text
                     : kind == 3 ? c->f.tot_text
                                 : c->f.sub_text;
    lxw_format *fn = kind == 0   ? c->f.num
                     : kind == 3 ? c->f.tot_num
                                 : c->f.sub_num;
    lxw_format *fp = kind == 0   ? c->f.pct
                     : kind == 3 ? c->f.tot_pct
                                 : c->f.sub_pct;
    lxw_col_t col;

    if (S_str(c, s, r, 0, code, ft, 0) < 0 ||
        S_str(c, s, r, 1, name, ft, 0) < 0)
        return -1;
    for (col = 2; col < NSUM; col++) {
        const sum_col *k = &S_summary[col];
        sbuf b = {0};
        if (k->num >= 0) {
            S_sb_rate(&b, r, (lxw_col_t)k->num, (lxw_col_t)k->den);
            if (S_formula(c, s, r, col, &b, S_ratio(v[k->num], v[k->den]), fp) <
                0)
                return -1;
        } else if (kind == 0) {
            if (S_num(c, s, r, col, v[col], fn) < 0)
                return -1;
        } else {
            if (kind == 1)
                S_sb_sum_range(&b, first, col, last, col);
            else
                S_sb_sum_list(&b, rows, nrows, col);
            if (S_formula(c, s, r, col, &b, v[col], fn) < 0)
                return -1;
        }
    }
    return 0;
}

/* The name of a roll-up row: the return's unit of LEVEL/CODE if present,
 * else NAME (from the community attributes) + " subtotal". */
static const char *S_subtotal_name(ctx *c, const char *level, const char *code,
                                   const char *name)
{
    sbuf b = {0};
    size_t i;
    for (i = 0; i < c->nunits; i++)
        if (!strcmp(c->units[i].level, level) &&
            !strcmp(c->units[i].code, code)) {
            name = c->units[i].name;
            break;
        }
    S_sb_add(&b, "%s%s", name, S_word(c, W_SUBTOTAL));
    return S_sb_keep(c, &b);
}

static int S_sheet_summary(ctx *c, const char *table, const char *el)
{
    sheet s;
    sbuf note = {0};
    const xmlNode *src;
    lxw_row_t r, *dist_rows = NULL, *street_rows = NULL;
    size_t ndist = 0, nstreet, i, j, ncomm = 0, nexcl = 0;
    double *vals = NULL, street[NSUM], district[NSUM], total[NSUM];
    const unit **comm = NULL;
    int rc = -1;

    (void)el;
    if (S_sheet_begin(c, &s, table, -1, (lxw_col_t)NSUM) < 0)
        return -1;
    /* the partial note: every excluded source, by file name */
    for (src = S_child(c->sources, "source"); src;
         src = S_next(src->next, "source"))
        if (!S_is_true(S_attr(c, src, "included")))
            S_sb_add(&note, "%s%s",
                     nexcl++ ? S_word(c, W_LIST_SEP) : S_word(c, W_PARTIAL),
                     S_attr0(c, src, "file"));
    if (S_is_true(S_attr(c, c->root, "partial")) || nexcl) {
        const char *text;
        if (!nexcl)
            S_sb_add(&note, "%s", S_word(c, W_PARTIAL));
        if (!(text = S_sb_keep(c, &note)) ||
            S_merge(c, &s, s.row, 0, s.row, s.ncols - 1, text, c->f.note) < 0 ||
            S_lxw(c,
                  worksheet_set_row(
                      s.ws, s.row, 15.0 * (1 + S_text_width(text) / 150), NULL),
                  "worksheet_set_row") < 0)
            goto fail;
        s.row++;
    }
    free(note.s);
    note.s = NULL;
    for (i = 0; i < NSUM; i++)
        if (S_head(c, &s, s.row, (lxw_col_t)i, S_word(c, S_summary[i].word)) <
            0)
            goto fail;
    S_sheet_heads(&s, s.row, s.row, 2);
    r = s.row + 1;

    for (i = 0; i < c->nunits; i++)
        ncomm += c->units[i].rank < 0;
    comm = calloc(ncomm + 1, sizeof *comm);
    vals = calloc((ncomm + 1) * NSUM, sizeof *vals);
    dist_rows = calloc(ncomm + 1, sizeof *dist_rows);
    street_rows = calloc(ncomm + 1, sizeof *street_rows);
    if (!comm || !vals || !dist_rows || !street_rows) {
        S_nomem(c);
        goto fail;
    }
    for (i = 0, j = 0; i < c->nunits; i++)
        if (c->units[i].rank < 0)
            comm[j++] = &c->units[i]; /* already in code order */
    for (i = 0; i < ncomm; i++)
        for (j = 2; j < NSUM; j++)
            vals[i * NSUM + j] = S_sum_value(c, comm[i], &S_summary[j]);
    memset(total, 0, sizeof total);

    /* districts (code prefix 6), streets (prefix 9), communities */
    for (i = 0; i < ncomm;) {
        const unit *d0 = comm[i];
        size_t dlen = strlen(d0->code) < DISTRICT_DIGITS ? strlen(d0->code)
                                                         : DISTRICT_DIGITS;
        char dcode[16];
        snprintf(dcode, sizeof dcode, "%.*s", (int)dlen, d0->code);
        memset(district, 0, sizeof district);
        nstreet = 0;
        while (i < ncomm && !strncmp(comm[i]->code, dcode, dlen) &&
               strlen(comm[i]->code) >= dlen) {
            const unit *s0 = comm[i];
            size_t slen = strlen(s0->code) < STREET_DIGITS ? strlen(s0->code)
                                                           : STREET_DIGITS;
            char scode[16];
            lxw_row_t first = r;
            snprintf(scode, sizeof scode, "%.*s", (int)slen, s0->code);
            memset(street, 0, sizeof street);
            while (i < ncomm && !strncmp(comm[i]->code, scode, slen) &&
                   strlen(comm[i]->code) >= slen) {
                const double *v = &vals[i * NSUM];
                if (S_summary_row(c, &s, r, comm[i]->code, comm[i]->name, v, 0,
                                  0, 0, NULL, 0) < 0)
                    goto fail;
                for (j = 2; j < NSUM; j++)
                    street[j] += v[j];
                r++;
                i++;
            }
            if (S_summary_row(c, &s, r, scode,
                              S_subtotal_name(c, V_STREET, scode, s0->street),
                              street, 1, first, r - 1, NULL, 0) < 0)
                goto fail;
            street_rows[nstreet++] = r++;
            for (j = 2; j < NSUM; j++)
                district[j] += street[j];
        }
        if (S_summary_row(c, &s, r, dcode,
                          S_subtotal_name(c, V_DISTRICT, dcode, d0->district),
                          district, 2, 0, 0, street_rows, nstreet) < 0)
            goto fail;
        dist_rows[ndist++] = r++;
        for (j = 2; j < NSUM; j++)
            total[j] += district[j];
    }
    if (ndist && S_summary_row(c, &s, r, "", S_word(c, W_TOTAL), total, 3, 0, 0,
                               dist_rows, ndist) < 0)
        goto fail;
    if (!ndist) /* no community: an empty table */
        r--;
    if (S_lxw(c, worksheet_autofilter(s.ws, s.head_last, 0, r, NSUM - 1),
              "worksheet_autofilter") < 0)
        goto fail;
    s.row = r + 1;
    rc = S_sheet_end(c, &s);
fail:
    free(note.s);
    free(s.width);
    free(comm);
    free(vals);
    free(dist_rows);
    free(street_rows);
    return rc;
}

/* ------------------------------------------------------------ unit tables */

static const xmlNode *S_first(const ctx *c, const char *el)
{
    return c->first ? S_child(c->first->node, el) : NULL;
}

/* Formats of a unit's row: communities plain, roll-ups shaded, the
 * reporting unit of the batch ('all') in the total colour. */
static void S_unit_formats(const ctx *c, const unit *u, lxw_format **t,
                           lxw_format **n, lxw_format **p)
{
    const formats *f = &c->f;
    int lvl = u->rank < 0 ? 0 : !strcmp(u->level, V_ALL) ? 2 : 1;
    *t = lvl == 0 ? f->text : lvl == 1 ? f->sub_text : f->tot_text;
    *n = lvl == 0 ? f->num : lvl == 1 ? f->sub_num : f->tot_num;
    if (p)
        *p = lvl == 0 ? f->pct : lvl == 1 ? f->sub_pct : f->tot_pct;
}

/* Code, name (and with LEVEL the level label) of U in columns 0-2. */
static int S_unit_cells(ctx *c, sheet *s, lxw_row_t r, const unit *u, int level,
                        lxw_format *f)
{
    if (S_str(c, s, r, 0, u->code, f, 0) < 0 ||
        S_str(c, s, r, 1, u->name, f, 0) < 0)
        return -1;
    return level ? S_str(c, s, r, 2, S_vlabel(c, "level", u->level), f, 0) : 0;
}

/* A heading merged over R1..R2 x C1..C2, counted in C1's width. */
static int S_head_merge(ctx *c, sheet *s, lxw_row_t r1, lxw_col_t c1,
                        lxw_row_t r2, lxw_col_t c2, const char *text)
{
    double w = S_text_width(text);
    if (S_merge(c, s, r1, c1, r2, c2, text, c->f.head) < 0)
        return -1;
    return c1 == c2 ? S_track(c, s, c1, w > HEAD_WIDTH_MAX ? HEAD_WIDTH_MAX : w)
                    : 0;
}

/* Visits: one row per unit — households by dwelling, totals, coverage,
 * visits by kind. */
static int S_sheet_visits(ctx *c, const char *table, const char *el)
{
    sheet s;
    const xmlNode **dw = NULL, **kinds = NULL;
    size_t nd, nk, i, j;
    lxw_col_t T, K, ncols;
    lxw_row_t H, r;
    int rc = -1;

    (void)el;
    memset(&s, 0, sizeof s);
    dw = S_rows(c, S_first(c, "households"), "dwelling", &nd);
    kinds = S_rows(c, S_first(c, "visits"), "kind", &nk);
    if (c->rc != ERR_OK)
        goto fail;
    T = (lxw_col_t)(3 + 2 * nd);
    K = (lxw_col_t)(T + 3);
    ncols = (lxw_col_t)(K + nk + 1);
    if (S_sheet_begin(c, &s, table, -1, ncols) < 0)
        goto fail;
    H = s.row;
    if (S_head_merge(c, &s, H, 0, H + 1, 0, S_word(c, W_CODE)) < 0 ||
        S_head_merge(c, &s, H, 1, H + 1, 1, S_word(c, W_NAME)) < 0 ||
        S_head_merge(c, &s, H, 2, H + 1, 2, S_word(c, W_LEVEL)) < 0)
        goto fail;
    for (i = 0; i < nd; i++) {
        lxw_col_t col = (lxw_col_t)(3 + 2 * i);
        if (S_head_merge(c, &s, H, col, H, col + 1, S_label(c, dw[i])) < 0 ||
            S_head(c, &s, H + 1, col, S_word(c, W_HH_REGISTERED)) < 0 ||
            S_head(c, &s, H + 1, col + 1, S_word(c, W_HH_VISITED)) < 0)
            goto fail;
    }
    if (S_head_merge(c, &s, H, T, H, T + 2, S_word(c, W_TOTAL)) < 0 ||
        S_head(c, &s, H + 1, T, S_word(c, W_HH_REGISTERED)) < 0 ||
        S_head(c, &s, H + 1, T + 1, S_word(c, W_HH_VISITED)) < 0 ||
        S_head(c, &s, H + 1, T + 2, S_word(c, W_COVERAGE)) < 0 ||
        S_head_merge(c, &s, H, K, H, (lxw_col_t)(K + nk), S_word(c, W_VISITS)) <
            0)
        goto fail;
    for (j = 0; j < nk; j++)
        if (S_head(c, &s, H + 1, (lxw_col_t)(K + j), S_label(c, kinds[j])) < 0)
            goto fail;
    if (S_head(c, &s, H + 1, (lxw_col_t)(K + nk), S_word(c, W_TOTAL)) < 0)
        goto fail;
    S_sheet_heads(&s, H, H + 1, 2);

    for (r = H + 2, i = 0; i < c->nunits; i++, r++) {
        const unit *u = &c->units[i];
        const xmlNode *hh = S_child(u->node, "households");
        const xmlNode *vi = S_child(u->node, "visits");
        lxw_format *ft, *fn, *fp;
        double reg = 0, vis = 0, nv = 0;
        sbuf breg = {0}, bvis = {0}, b = {0};

        S_unit_formats(c, u, &ft, &fn, &fp);
        if (S_unit_cells(c, &s, r, u, 1, ft) < 0)
            goto fail;
        S_sb_add(&breg, "SUM(");
        S_sb_add(&bvis, "SUM(");
        for (j = 0; j < nd; j++) {
            const xmlNode *d =
                S_row(c, hh, "dwelling", S_attr(c, dw[j], "value"));
            lxw_col_t col = (lxw_col_t)(3 + 2 * j);
            double v1 = S_count(c, d, "registered");
            double v2 = S_count(c, d, "visited");
            if (S_num(c, &s, r, col, v1, fn) < 0 ||
                S_num(c, &s, r, col + 1, v2, fn) < 0)
                goto fail_row;
            reg += v1;
            vis += v2;
            S_sb_add(&breg, j ? "," : "");
            S_sb_cell(&breg, r, col);
            S_sb_add(&bvis, j ? "," : "");
            S_sb_cell(&bvis, r, col + 1);
        }
        S_sb_add(&breg, ")");
        S_sb_add(&bvis, ")");
        if (nd) {
            if (S_formula(c, &s, r, T, &breg, reg, fn) < 0 ||
                S_formula(c, &s, r, T + 1, &bvis, vis, fn) < 0)
                goto fail_row;
        } else {
            reg = S_count(c, hh, "registered");
            vis = S_count(c, hh, "visited");
            if (S_num(c, &s, r, T, reg, fn) < 0 ||
                S_num(c, &s, r, T + 1, vis, fn) < 0)
                goto fail_row;
        }
        S_sb_rate(&b, r, T + 1, T);
        if (S_formula(c, &s, r, T + 2, &b, S_ratio(vis, reg), fp) < 0)
            goto fail_row;
        for (j = 0; j < nk; j++) {
            double v = S_count(
                c, S_row(c, vi, "kind", S_attr(c, kinds[j], "value")), "count");
            if (S_num(c, &s, r, (lxw_col_t)(K + j), v, fn) < 0)
                goto fail_row;
            nv += v;
        }
        if (nk) {
            S_sb_sum_range(&b, r, K, r, (lxw_col_t)(K + nk - 1));
            if (S_formula(c, &s, r, (lxw_col_t)(K + nk), &b, nv, fn) < 0)
                goto fail_row;
        } else if (S_num(c, &s, r, K, S_count(c, vi, "count"), fn) < 0) {
            goto fail_row;
        }
        free(breg.s);
        free(bvis.s);
        continue;
    fail_row:
        free(breg.s);
        free(bvis.s);
        free(b.s);
        goto fail;
    }
    if (S_lxw(c,
              worksheet_autofilter(s.ws, H + 1, 0, r > H + 2 ? r - 1 : H + 1,
                                   ncols - 1),
              "worksheet_autofilter") < 0)
        goto fail;
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(dw);
    free(kinds);
    return rc;
}

/* Opinions or suggestions (element EL): per unit, category x status with a
 * row total, important and important-reported, and a total row. */
static int S_sheet_items(ctx *c, const char *table, const char *el)
{
    sheet s;
    const xmlNode *items0 = S_first(c, el), **cats = NULL, **sts = NULL;
    size_t ncat, nst, i, j, k;
    lxw_col_t X, ncols, col;
    lxw_row_t H, r, top_first = 0, top_last = 0;
    double *colsum = NULL;
    int imp, rc = -1, chart = 0;

    memset(&s, 0, sizeof s);
    cats = S_rows(c, items0, "category", &ncat);
    sts = ncat ? S_rows(c, cats[0], "status", &nst)
               : S_rows(c, items0, "status", &nst);
    if (c->rc != ERR_OK)
        goto fail;
    imp = S_attr(c, items0, "important") ||
          (ncat && S_attr(c, cats[0], "important"));
    X = (lxw_col_t)(3 + nst);
    ncols = (lxw_col_t)(X + 1 + (imp ? 2 : 0));
    if (!(colsum = calloc(ncols, sizeof *colsum))) {
        S_nomem(c);
        goto fail;
    }
    if (S_sheet_begin(c, &s, table, -1, ncols) < 0)
        goto fail;
    H = s.row;
    if (S_head(c, &s, H, 0, S_word(c, W_CODE)) < 0 ||
        S_head(c, &s, H, 1, S_word(c, W_NAME)) < 0 ||
        S_head(c, &s, H, 2, S_word(c, W_CATEGORY)) < 0)
        goto fail;
    for (j = 0; j < nst; j++)
        if (S_head(c, &s, H, (lxw_col_t)(3 + j), S_label(c, sts[j])) < 0)
            goto fail;
    if (S_head(c, &s, H, X, S_word(c, W_TOTAL)) < 0 ||
        (imp && (S_head(c, &s, H, X + 1, S_word(c, W_IMPORTANT)) < 0 ||
                 S_head(c, &s, H, X + 2, S_word(c, W_IMPORTANT_REPORTED)) < 0)))
        goto fail;
    S_sheet_heads(&s, H, H, 3);

    r = H + 1;
    for (i = 0; i < c->nunits; i++) {
        const unit *u = &c->units[i];
        const xmlNode *items = S_child(u->node, el);
        lxw_row_t first = r;
        lxw_format *ft, *fn;

        S_unit_formats(c, u, &ft, &fn, NULL);
        for (col = 0; col < ncols; col++)
            colsum[col] = 0;
        for (k = 0; k < ncat; k++, r++) {
            const xmlNode *cr =
                S_row(c, items, "category", S_attr(c, cats[k], "value"));
            double sum = 0;
            sbuf b = {0};
            if (S_unit_cells(c, &s, r, u, 0, c->f.text) < 0 ||
                S_str(c, &s, r, 2, S_label(c, cats[k]), c->f.text, 0) < 0)
                goto fail;
            for (j = 0; j < nst; j++) {
                double v = S_count(
                    c, S_row(c, cr, "status", S_attr(c, sts[j], "value")),
                    "count");
                if (S_num(c, &s, r, (lxw_col_t)(3 + j), v, c->f.num) < 0)
                    goto fail;
                sum += v;
                colsum[3 + j] += v;
            }
            if (nst) {
                S_sb_sum_range(&b, r, 3, r, X - 1);
                if (S_formula(c, &s, r, X, &b, sum, c->f.num) < 0)
                    goto fail;
            } else if (S_num(c, &s, r, X, sum = S_count(c, cr, "count"),
                             c->f.num) < 0) {
                goto fail;
            }
            colsum[X] += sum;
            if (imp) {
                double v1 = S_count(c, cr, "important");
                double v2 = S_count(c, cr, "important-reported");
                if (S_num(c, &s, r, X + 1, v1, c->f.num) < 0 ||
                    S_num(c, &s, r, X + 2, v2, c->f.num) < 0)
                    goto fail;
                colsum[X + 1] += v1;
                colsum[X + 2] += v2;
            }
        }
        if (u == c->top && ncat) {
            top_first = first;
            top_last = r - 1;
            chart = 1;
        }
        if (S_unit_cells(c, &s, r, u, 0, ft) < 0 ||
            S_str(c, &s, r, 2, S_word(c, W_TOTAL), ft, 0) < 0)
            goto fail;
        for (col = 3; col < ncols; col++) {
            sbuf b = {0};
            if (!ncat) {
                if (S_num(c, &s, r, col, 0, fn) < 0)
                    goto fail;
                continue;
            }
            S_sb_sum_range(&b, first, col, r - 1, col);
            if (S_formula(c, &s, r, col, &b, colsum[col], fn) < 0)
                goto fail;
        }
        r++;
    }
    if (S_lxw(
            c,
            worksheet_autofilter(s.ws, H, 0, r > H + 1 ? r - 1 : H, ncols - 1),
            "worksheet_autofilter") < 0)
        goto fail;
    if (chart && S_chart(c, &s, LXW_CHART_COLUMN, S_vlabel(c, "table", table),
                         top_first, top_last, 2, X, 0) < 0)
        goto fail;
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(cats);
    free(sts);
    free(colsum);
    return rc;
}

/* Groups and services, one block of rows per unit: for each group, its
 * members, households and members served, and the services its members
 * received by type (the return's type x group matrix, one row per group);
 * then the unit's row of members in at least one group and services by
 * type. Column chart of services by type of the reporting unit. */
static int S_sheet_groups(ctx *c, const char *table, const char *el)
{
    sheet s;
    const xmlNode **groups = NULL, **types = NULL;
    size_t ng, nt, i, j, k;
    lxw_col_t T, ncols;
    lxw_row_t H, r, top_row = 0;
    int rc = -1, chart = 0;

    (void)el;
    memset(&s, 0, sizeof s);
    groups = S_rows(c, S_first(c, "groups"), "group", &ng);
    types = S_rows(c, S_first(c, "services"), "type", &nt);
    if (c->rc != ERR_OK)
        goto fail;
    T = (lxw_col_t)(6 + nt); /* services, all types */
    ncols = (lxw_col_t)(T + 1);
    if (S_sheet_begin(c, &s, table, -1, ncols) < 0)
        goto fail;
    H = s.row;
    if (S_head_merge(c, &s, H, 0, H + 1, 0, S_word(c, W_CODE)) < 0 ||
        S_head_merge(c, &s, H, 1, H + 1, 1, S_word(c, W_NAME)) < 0 ||
        S_head_merge(c, &s, H, 2, H + 1, 2, S_word(c, W_GROUP)) < 0 ||
        S_head_merge(c, &s, H, 3, H + 1, 3, S_word(c, W_MEMBERS)) < 0 ||
        S_head_merge(c, &s, H, 4, H + 1, 4, S_word(c, W_HOUSEHOLDS)) < 0 ||
        S_head_merge(c, &s, H, 5, H + 1, 5, S_word(c, W_SERVED)) < 0 ||
        S_head_merge(c, &s, H, 6, H, T, S_word(c, W_SERVICES)) < 0)
        goto fail;
    for (j = 0; j < nt; j++)
        if (S_head(c, &s, H + 1, (lxw_col_t)(6 + j), S_label(c, types[j])) < 0)
            goto fail;
    if (S_head(c, &s, H + 1, T, S_word(c, W_TOTAL)) < 0)
        goto fail;
    S_sheet_heads(&s, H, H + 1, 3);

    r = H + 2;
    for (i = 0; i < c->nunits; i++) {
        const unit *u = &c->units[i];
        const xmlNode *gs = S_child(u->node, "groups");
        const xmlNode *sv = S_child(u->node, "services");
        lxw_format *ft, *fn;
        double all = 0;
        sbuf b = {0};

        S_unit_formats(c, u, &ft, &fn, NULL);
        for (k = 0; k < ng; k++, r++) {
            const char *gv = S_attr(c, groups[k], "value");
            const xmlNode *g = S_row(c, gs, "group", gv);
            double sum = 0;
            if (S_unit_cells(c, &s, r, u, 0, c->f.text) < 0 ||
                S_str(c, &s, r, 2, S_label(c, groups[k]), c->f.text, 0) < 0 ||
                S_num(c, &s, r, 3, S_count(c, g, "members"), c->f.num) < 0 ||
                S_num(c, &s, r, 4, S_count(c, g, "households"), c->f.num) < 0 ||
                S_num(c, &s, r, 5, S_count(c, g, "served"), c->f.num) < 0)
                goto fail;
            for (j = 0; j < nt; j++) {
                const xmlNode *t =
                    S_row(c, sv, "type", S_attr(c, types[j], "value"));
                double v = S_count(c, S_row(c, t, "group", gv), "count");
                if (S_num(c, &s, r, (lxw_col_t)(6 + j), v, c->f.num) < 0)
                    goto fail;
                sum += v;
            }
            if (nt) {
                S_sb_sum_range(&b, r, 6, r, T - 1);
                if (S_formula(c, &s, r, T, &b, sum, c->f.num) < 0)
                    goto fail;
            } else if (S_num(c, &s, r, T, 0, c->f.num) < 0) {
                goto fail;
            }
        }
        /* groups overlap (elderly is the three elderly-* groups, a member
         * may be in several): this row holds the return's counts of
         * members in at least one group and of services by type, not
         * sums of the rows above */
        if (S_unit_cells(c, &s, r, u, 0, ft) < 0 ||
            S_str(c, &s, r, 2, S_word(c, W_DISTINCT_TOTAL), ft, 0) < 0 ||
            S_num(c, &s, r, 3, S_count(c, gs, "members"), fn) < 0 ||
            S_num(c, &s, r, 4, S_count(c, gs, "households"), fn) < 0 ||
            S_str(c, &s, r, 5, "", fn, -1) < 0)
            goto fail;
        for (j = 0; j < nt; j++) {
            double v = S_count(
                c, S_row(c, sv, "type", S_attr(c, types[j], "value")), "count");
            if (S_num(c, &s, r, (lxw_col_t)(6 + j), v, fn) < 0)
                goto fail;
            all += v;
        }
        if (nt) {
            S_sb_sum_range(&b, r, 6, r, T - 1);
            if (S_formula(c, &s, r, T, &b, all, fn) < 0)
                goto fail;
        } else if (S_num(c, &s, r, T, S_count(c, sv, "count"), fn) < 0) {
            goto fail;
        }
        if (u == c->top && nt) {
            top_row = r;
            chart = 1;
        }
        r++;
    }
    if (S_lxw(c,
              worksheet_autofilter(s.ws, H + 1, 0, r > H + 2 ? r - 1 : H + 1,
                                   ncols - 1),
              "worksheet_autofilter") < 0)
        goto fail;
    if (chart && S_chart(c, &s, LXW_CHART_COLUMN, S_word(c, W_SERVICES), H + 1,
                         top_row, 6, T - 1, 1) < 0)
        goto fail;
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(groups);
    free(types);
    return rc;
}

/* Cadres, one block of rows per unit: by role (registered, taking part,
 * visits) with a total row of formulas; then, for communities, the teams
 * and the cadres by id — never by name (return.xsd). A "kind" column
 * tells the three apart for the autofilter. */
static int S_sheet_cadres(ctx *c, const char *table, const char *el)
{
    static const char *const attrs[3] = {"registered", "taking-part", "visits"};
    sheet s;
    const xmlNode **roles = NULL, *n;
    size_t nr, i, j, k;
    lxw_row_t H, r;
    int rc = -1;

    (void)el;
    memset(&s, 0, sizeof s);
    roles = S_rows(c, S_first(c, "cadres"), "role", &nr);
    if (c->rc != ERR_OK)
        goto fail;
    if (S_sheet_begin(c, &s, table, -1, 9) < 0)
        goto fail;
    H = s.row;
    if (S_head(c, &s, H, 0, S_word(c, W_CODE)) < 0 ||
        S_head(c, &s, H, 1, S_word(c, W_NAME)) < 0 ||
        S_head(c, &s, H, 2, S_word(c, W_KIND)) < 0 ||
        S_head(c, &s, H, 3, S_word(c, W_ENTRY)) < 0 ||
        S_head(c, &s, H, 4, S_word(c, W_CADRES_REGISTERED)) < 0 ||
        S_head(c, &s, H, 5, S_word(c, W_TAKING_PART)) < 0 ||
        S_head(c, &s, H, 6, S_word(c, W_VISITS)) < 0 ||
        S_head(c, &s, H, 7, S_word(c, W_ROLE)) < 0 ||
        S_head(c, &s, H, 8, S_word(c, W_TEAM)) < 0)
        goto fail;
    S_sheet_heads(&s, H, H, 4);
    r = H + 1;
    for (i = 0; i < c->nunits; i++) {
        const unit *u = &c->units[i];
        const xmlNode *cd = S_child(u->node, "cadres");
        const char *role = S_word(c, W_ROLE);
        lxw_row_t first = r;
        double sum[3] = {0, 0, 0};
        lxw_format *ft, *fn;

        S_unit_formats(c, u, &ft, &fn, NULL);
        for (k = 0; k < nr; k++, r++) {
            const xmlNode *ro =
                S_row(c, cd, "role", S_attr(c, roles[k], "value"));
            if (S_unit_cells(c, &s, r, u, 0, c->f.text) < 0 ||
                S_str(c, &s, r, 2, role, c->f.text, 0) < 0 ||
                S_str(c, &s, r, 3, S_label(c, roles[k]), c->f.text, 0) < 0 ||
                S_str(c, &s, r, 7, "", c->f.text, -1) < 0 ||
                S_str(c, &s, r, 8, "", c->f.text, -1) < 0)
                goto fail;
            for (j = 0; j < 3; j++) {
                double v = S_count(c, ro, attrs[j]);
                if (S_num(c, &s, r, (lxw_col_t)(4 + j), v, c->f.num) < 0)
                    goto fail;
                sum[j] += v;
            }
        }
        if (S_unit_cells(c, &s, r, u, 0, ft) < 0 ||
            S_str(c, &s, r, 2, role, ft, 0) < 0 ||
            S_str(c, &s, r, 3, S_word(c, W_TOTAL), ft, 0) < 0 ||
            S_str(c, &s, r, 7, "", ft, -1) < 0 ||
            S_str(c, &s, r, 8, "", ft, -1) < 0)
            goto fail;
        for (j = 0; j < 3; j++) {
            sbuf b = {0};
            lxw_col_t col = (lxw_col_t)(4 + j);
            if (!nr) {
                if (S_num(c, &s, r, col, S_count(c, cd, attrs[j]), fn) < 0)
                    goto fail;
                continue;
            }
            S_sb_sum_range(&b, first, col, r - 1, col);
            if (S_formula(c, &s, r, col, &b, sum[j], fn) < 0)
                goto fail;
        }
        r++;
        /* teams, then cadres by id: community level only (return.xsd) */
        for (k = 0; k < 2; k++) {
            const char *elname = k ? "cadre" : "team";
            const char *kind = S_word(c, k ? W_CADRE_ROW : W_TEAM);
            for (n = S_child(cd, elname); n; n = S_next(n->next, elname), r++) {
                if (S_unit_cells(c, &s, r, u, 0, c->f.text) < 0 ||
                    S_str(c, &s, r, 2, kind, c->f.text, 0) < 0 ||
                    S_str(c, &s, r, 3, S_attr0(c, n, k ? "id" : "name"),
                          c->f.text, 0) < 0 ||
                    S_num(c, &s, r, 6, S_count(c, n, "visits"), c->f.num) < 0)
                    goto fail;
                if (k) {
                    const xmlNode *ro =
                        S_row(c, cd, "role", S_attr(c, n, "role"));
                    if (S_str(c, &s, r, 4, "", c->f.num, -1) < 0 ||
                        S_str(c, &s, r, 5, "", c->f.num, -1) < 0 ||
                        S_str(c, &s, r, 7,
                              ro ? S_label(c, ro) : S_attr0(c, n, "role"),
                              c->f.text, 0) < 0 ||
                        S_str(c, &s, r, 8, S_attr0(c, n, "team"), c->f.text,
                              0) < 0)
                        goto fail;
                } else if (S_num(c, &s, r, 4, S_count(c, n, "registered"),
                                 c->f.num) < 0 ||
                           S_num(c, &s, r, 5, S_count(c, n, "taking-part"),
                                 c->f.num) < 0 ||
                           S_str(c, &s, r, 7, "", c->f.text, -1) < 0 ||
                           S_str(c, &s, r, 8, "", c->f.text, -1) < 0) {
                    goto fail;
                }
            }
        }
    }
    if (S_lxw(c, worksheet_autofilter(s.ws, H, 0, r > H + 1 ? r - 1 : H, 8),
              "worksheet_autofilter") < 0)
        goto fail;
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(roles);
    return rc;
}

/* Satisfaction: one row per unit — forms by rating, forms, satisfied (the
 * return's count), rate; pie chart of the reporting unit. */
static int S_sheet_satisfaction(ctx *c, const char *table, const char *el)
{
    sheet s;
    const xmlNode **ratings = NULL;
    size_t nr, i, j;
    lxw_col_t F, ncols;
    lxw_row_t H, r, top_row = 0;
    int rc = -1, chart = 0;

    (void)el;
    memset(&s, 0, sizeof s);
    ratings = S_rows(c, S_first(c, "satisfaction"), "rating", &nr);
    if (c->rc != ERR_OK)
        goto fail;
    F = (lxw_col_t)(3 + nr);
    ncols = (lxw_col_t)(F + 3);
    if (S_sheet_begin(c, &s, table, -1, ncols) < 0)
        goto fail;
    H = s.row;
    if (S_head(c, &s, H, 0, S_word(c, W_CODE)) < 0 ||
        S_head(c, &s, H, 1, S_word(c, W_NAME)) < 0 ||
        S_head(c, &s, H, 2, S_word(c, W_LEVEL)) < 0)
        goto fail;
    for (j = 0; j < nr; j++)
        if (S_head(c, &s, H, (lxw_col_t)(3 + j), S_label(c, ratings[j])) < 0)
            goto fail;
    if (S_head(c, &s, H, F, S_word(c, W_SAT_FORMS)) < 0 ||
        S_head(c, &s, H, F + 1, S_word(c, W_SATISFIED)) < 0 ||
        S_head(c, &s, H, F + 2, S_word(c, W_SAT_RATE)) < 0)
        goto fail;
    S_sheet_heads(&s, H, H, 2);
    for (r = H + 1, i = 0; i < c->nunits; i++, r++) {
        const unit *u = &c->units[i];
        const xmlNode *sa = S_child(u->node, "satisfaction");
        double forms = 0, sat = S_count(c, sa, "satisfied");
        lxw_format *ft, *fn, *fp;
        sbuf b = {0};

        S_unit_formats(c, u, &ft, &fn, &fp);
        if (S_unit_cells(c, &s, r, u, 1, ft) < 0)
            goto fail;
        for (j = 0; j < nr; j++) {
            double v = S_count(
                c, S_row(c, sa, "rating", S_attr(c, ratings[j], "value")),
                "count");
            if (S_num(c, &s, r, (lxw_col_t)(3 + j), v, fn) < 0)
                goto fail;
            forms += v;
        }
        if (nr) {
            S_sb_sum_range(&b, r, 3, r, F - 1);
            if (S_formula(c, &s, r, F, &b, forms, fn) < 0)
                goto fail;
        } else if (S_num(c, &s, r, F, forms = S_count(c, sa, "forms"), fn) <
                   0) {
            goto fail;
        }
        if (S_num(c, &s, r, F + 1, sat, fn) < 0)
            goto fail;
        S_sb_rate(&b, r, F + 1, F);
        if (S_formula(c, &s, r, F + 2, &b, S_ratio(sat, forms), fp) < 0)
            goto fail;
        if (u == c->top && nr) {
            top_row = r;
            chart = 1;
        }
    }
    if (S_lxw(
            c,
            worksheet_autofilter(s.ws, H, 0, r > H + 1 ? r - 1 : H, ncols - 1),
            "worksheet_autofilter") < 0)
        goto fail;
    if (chart && S_chart(c, &s, LXW_CHART_PIE, S_vlabel(c, "table", table), H,
                         top_row, 3, F - 1, 1) < 0)
        goto fail;
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(ratings);
    return rc;
}

/* Audit, two sheets. The table of the return: findings by rule, one row
 * per unit (the units' <audit>). Then the findings list (file, line, rule,
 * severity, message, community, ids), titled by the same table label and
 * the word "list". */
static int S_sheet_audit(ctx *c, const char *table, const char *el)
{
    static const char *const ids[4] = {"household", "visit", "item", "cadre"};
    static const int id_words[4] = {W_HOUSEHOLD, W_VISIT, W_ITEM, W_CADRE};
    sheet s;
    const xmlNode **rules = NULL, *f;
    size_t nr, i, j, cut = 0;
    lxw_row_t H, r, last;
    double omitted;
    int rc = -1;

    (void)el;
    memset(&s, 0, sizeof s);
    rules = S_rows(c, S_first(c, "audit"), "rule", &nr);
    if (c->rc != ERR_OK)
        goto fail;

    /* findings by rule, one row per unit */
    if (S_sheet_begin(c, &s, table, -1, (lxw_col_t)(5 + nr)) < 0)
        goto fail;
    H = s.row;
    if (S_head(c, &s, H, 0, S_word(c, W_CODE)) < 0 ||
        S_head(c, &s, H, 1, S_word(c, W_NAME)) < 0 ||
        S_head(c, &s, H, 2, S_word(c, W_LEVEL)) < 0 ||
        S_head(c, &s, H, 3, S_vlabel(c, "severity", V_ERROR)) < 0 ||
        S_head(c, &s, H, 4, S_vlabel(c, "severity", V_WARNING)) < 0)
        goto fail;
    for (j = 0; j < nr; j++)
        if (S_head(c, &s, H, (lxw_col_t)(5 + j), S_label(c, rules[j])) < 0)
            goto fail;
    S_sheet_heads(&s, H, H, 2);
    for (r = H + 1, i = 0; i < c->nunits; i++, r++) {
        const unit *u = &c->units[i];
        const xmlNode *au = S_child(u->node, "audit");
        lxw_format *ft, *fn;
        S_unit_formats(c, u, &ft, &fn, NULL);
        if (S_unit_cells(c, &s, r, u, 1, ft) < 0 ||
            S_num(c, &s, r, 3, S_count(c, au, "errors"), fn) < 0 ||
            S_num(c, &s, r, 4, S_count(c, au, "warnings"), fn) < 0)
            goto fail;
        for (j = 0; j < nr; j++)
            if (S_num(c, &s, r, (lxw_col_t)(5 + j),
                      S_count(
                          c, S_row(c, au, "rule", S_attr(c, rules[j], "value")),
                          "count"),
                      fn) < 0)
                goto fail;
    }
    if (S_lxw(c,
              worksheet_autofilter(s.ws, H, 0, r > H + 1 ? r - 1 : H,
                                   (lxw_col_t)(4 + nr)),
              "worksheet_autofilter") < 0)
        goto fail;
    s.row = r;
    if (S_sheet_end(c, &s) < 0)
        goto fail;

    /* the findings list */
    if (S_sheet_begin(c, &s, table, W_LIST, 10) < 0)
        goto fail;
    H = s.row;
    if (S_head(c, &s, H, 0, S_word(c, W_FILE)) < 0 ||
        S_head(c, &s, H, 1, S_word(c, W_LINE)) < 0 ||
        S_head(c, &s, H, 2, S_word(c, W_RULE)) < 0 ||
        S_head(c, &s, H, 3, S_word(c, W_SEVERITY)) < 0 ||
        S_head(c, &s, H, 4, S_word(c, W_MESSAGE)) < 0 ||
        S_head(c, &s, H, 5, S_word(c, W_COMMUNITY)) < 0)
        goto fail;
    for (j = 0; j < 4; j++)
        if (S_head(c, &s, H, (lxw_col_t)(6 + j), S_word(c, id_words[j])) < 0)
            goto fail;
    S_sheet_heads(&s, H, H, 0);
    r = H + 1;
    /* the last row a finding may take: below it the notes (3) and the
     * footer block (2) must still fit in the sheet */
    last =
        (lxw_row_t)((c->opts->sheet_rows ? c->opts->sheet_rows : LXW_ROW_MAX) -
                    6);
    for (f = S_child(c->findings, "finding"); f;
         f = S_next(f->next, "finding"), r++) {
        xmlChar *text;
        double w;
        int bad;
        if (r > last) { /* the sheet is full: count the rest */
            for (; f; f = S_next(f->next, "finding"))
                cut++;
            break;
        }
        if (S_str(c, &s, r, 0, S_attr0(c, f, "file"), c->f.text, 0) < 0 ||
            S_num(c, &s, r, 1, S_count(c, f, "line"), c->f.num) < 0 ||
            S_str(c, &s, r, 2, S_vlabel(c, "rule", S_attr(c, f, "rule")),
                  c->f.text, 0) < 0 ||
            S_str(c, &s, r, 3,
                  S_vlabel(c, "severity", S_attr(c, f, "severity")), c->f.text,
                  0) < 0 ||
            S_str(c, &s, r, 5, S_attr0(c, f, "community"), c->f.text, 0) < 0)
            goto fail;
        for (j = 0; j < 4; j++)
            if (S_str(c, &s, r, (lxw_col_t)(6 + j), S_attr0(c, f, ids[j]),
                      c->f.text, 0) < 0)
                goto fail;
        text = xmlNodeGetContent(f); /* libxml2's, freed here */
        w = text ? S_text_width((const char *)text) : 0;
        bad = S_str(c, &s, r, 4, text ? (const char *)text : "", c->f.wrap, 0) <
              0;
        xmlFree(text);
        if (bad)
            goto fail;
        /* not every reader grows a wrapped row by itself */
        if (w > WIDTH_MAX &&
            S_lxw(c,
                  worksheet_set_row(s.ws, r, 15 * (1 + (int)(w / WIDTH_MAX)),
                                    NULL),
                  "worksheet_set_row") < 0)
            goto fail;
    }
    if (S_lxw(c, worksheet_autofilter(s.ws, H, 0, r > H + 1 ? r - 1 : H, 9),
              "worksheet_autofilter") < 0)
        goto fail;
    /* what is not listed: "另有 N 条未列出", and why */
    omitted = S_count(c, c->findings, "omitted") + (double)cut;
    if (omitted > 0) {
        sbuf b = {0}, l = {0};
        const char *text, *limit = S_attr0(c, c->findings, "limit");
        S_sb_add(&b, "%s%.0f%s", S_word(c, W_OMITTED), omitted,
                 S_word(c, W_OMITTED_AFTER));
        if (!(text = S_sb_keep(c, &b)) ||
            S_str(c, &s, r++, 0, text, c->f.note, -1) < 0)
            goto fail;
        if (*limit) {
            S_sb_add(&l, "%s%s", S_word(c, W_LIMIT), limit);
            if (!(text = S_sb_keep(c, &l)) ||
                S_str(c, &s, r++, 0, text, c->f.note, -1) < 0)
                goto fail;
        }
        if (cut &&
            S_str(c, &s, r++, 0, S_word(c, W_SHEET_FULL), c->f.note, -1) < 0)
            goto fail;
    }
    s.row = r;
    rc = S_sheet_end(c, &s);
fail:
    free(s.width);
    free(rules);
    return rc;
}

/* ------------------------------------------------------------ the workbook */

typedef int (*sheet_fn)(ctx *, const char *table, const char *el);

/* The tables this renderer knows, by their value in the "table" type of
 * return.xsd; sheets come in the schema's order. EL is the unit's element
 * the table reads when one function serves several tables. */
static const struct {
    const char *table, *el;
    sheet_fn fn;
} S_sheets[] = {
    {"summary", NULL, S_sheet_summary},
    {"visits", NULL, S_sheet_visits},
    {"opinions", "opinions", S_sheet_items},
    {"suggestions", "suggestions", S_sheet_items},
    {"groups", NULL, S_sheet_groups},
    {"cadres", NULL, S_sheet_cadres},
    {"satisfaction", NULL, S_sheet_satisfaction},
    {"audit", NULL, S_sheet_audit},
};
#define NSHEETS (sizeof S_sheets / sizeof *S_sheets)

static int S_render_sheet(ctx *c, const char *table)
{
    size_t i;
    for (i = 0; i < NSHEETS; i++)
        if (!strcmp(S_sheets[i].table, table))
            return S_sheets[i].fn(c, table, S_sheets[i].el);
    return 0; /* a table this renderer does not know: no sheet */
}

static int S_sheets_all(ctx *c)
{
    size_t n, i;
    const vocab_item *t = vocab_enum(c->opts->labels, "table", &n);

    if (!t) { /* no label schema: the known tables in their own order */
        for (i = 0; i < NSHEETS; i++)
            if (S_render_sheet(c, S_sheets[i].table) < 0)
                return -1;
        return 0;
    }
    for (i = 0; i < n; i++)
        if (S_render_sheet(c, t[i].value) < 0)
            return -1;
    return 0;
}

/* The text "title（start至end）" of the campaign (arena). */
static int S_period(ctx *c)
{
    sbuf b = {0};
    const char *start = S_date(c, S_attr(c, c->campaign, "start"));
    const char *end = S_date(c, S_attr(c, c->campaign, "end"));

    if (!start || !end)
        return -1;
    S_sb_add(&b, "%s%s%s%s%s%s", S_attr0(c, c->campaign, "title"),
             c->en ? " (" : "（", start, S_word(c, W_PERIOD_TO), end,
             c->en ? ")" : "）");
    if (!(c->period = S_sb_keep(c, &b)))
        return -1;
    c->reported = S_date(c, S_attr(c, c->campaign, "reported"));
    return c->reported ? 0 : -1;
}

static int S_properties(ctx *c)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof p);
    p.title = (char *)S_attr0(c, c->campaign, "title");
    p.subject = (char *)c->period;
    p.company = (char *)c->reporting;
    p.created = c->opts->created;
    return S_lxw(c, workbook_set_properties(c->wb, &p),
                 "workbook_set_properties");
}

/* ------------------------------------------------------------ verification */

static int S_zip_read(void *zf, char *buf, int len)
{
    zip_int64_t n = zip_fread((zip_file_t *)zf, buf, (zip_uint64_t)len);
    return n < 0 ? -1 : (int)n;
}

#if LIBXML_VERSION >= 21200
static void S_quiet(void *arg, const xmlError *e)
#else
static void S_quiet(void *arg, xmlError *e)
#endif
{
    (void)arg;
    (void)e;
}

/* Re-opens the finished workbook at PATH and parses every XML part; checks
 * that sheets 1..NSHEETS are there. 0, or -1 with *WHAT naming the part
 * (static or borrowed until Z is closed, copied by the caller). Streams:
 * memory does not grow with the workbook. */
static int S_verify(const char *path, size_t nsheets, char *what,
                    size_t whatlen)
{
    int zerr = 0, rc = -1;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    zip_int64_t n, i;
    size_t k;

    if (!z) {
        snprintf(what, whatlen, "not a zip file (libzip error %d)", zerr);
        return -1;
    }
    n = zip_get_num_entries(z, 0);
    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t len = name ? strlen(name) : 0;
        zip_file_t *zf;
        xmlTextReaderPtr rd;
        int ret;

        if (!name) {
            snprintf(what, whatlen, "unreadable zip entry %lld", (long long)i);
            goto fail;
        }
        if (!(len > 4 && !strcmp(name + len - 4, ".xml")) &&
            !(len > 5 && !strcmp(name + len - 5, ".rels")))
            continue;
        if (!(zf = zip_fopen_index(z, (zip_uint64_t)i, 0))) {
            snprintf(what, whatlen, "%s cannot be read", name);
            goto fail;
        }
        rd = xmlReaderForIO(S_zip_read, NULL, zf, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
        if (!rd) {
            zip_fclose(zf);
            snprintf(what, whatlen, "%s cannot be parsed (out of memory?)",
                     name);
            goto fail;
        }
        xmlTextReaderSetStructuredErrorHandler(rd, S_quiet, NULL);
        while ((ret = xmlTextReaderRead(rd)) == 1)
            ;
        xmlFreeTextReader(rd);
        if (zip_fclose(zf) != 0 || ret != 0) {
            snprintf(what, whatlen, "%s is not well-formed", name);
            goto fail;
        }
    }
    for (k = 1; k <= nsheets; k++) {
        char name[64];
        snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", k);
        if (zip_name_locate(z, name, 0) < 0) {
            snprintf(what, whatlen, "%s is missing", name);
            goto fail;
        }
    }
    rc = 0;
fail:
    zip_discard(z);
    return rc;
}

/* PATH's folder (malloc'd): "." when PATH has no slash. */
static char *S_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;
    size_t n;

    if (!slash)
        return strdup(".");
    n = slash == path ? 1 : (size_t)(slash - path);
    if ((d = malloc(n + 1))) {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

error_code xlsx_render(const xmlDoc *ret, const char *path,
                       const render_opts *opts, char **msg)
{
    ctx c;
    char *dir = NULL, what[512];
    struct stat st;
    lxw_workbook_options wo;
    lxw_error e;
    error_code rc;
    size_t i;
    int err;

    memset(&c, 0, sizeof c);
    if (msg)
        *msg = NULL;
    if (!ret || !path || !*path || !opts) {
        S_fail(&c, ERR_INTERNAL, "xlsx_render: missing argument");
        goto fail;
    }
    c.opts = opts;
    c.en = opts->lang && !strcmp(opts->lang, "en");
    c.root = xmlDocGetRootElement(ret);
    if (!S_is(c.root, "return")) {
        S_fail(&c, ERR_INVALID, "not a return document (%s)", RETURN_NS);
        goto fail;
    }
    c.campaign = S_child(c.root, "campaign");
    c.sources = S_child(c.root, "sources");
    c.findings = S_child(c.root, "findings");
    if (!(dir = S_dirname(path))) {
        S_nomem(&c);
        goto fail;
    }
    /* libxlsxwriter falls back to /tmp, silently, for a bad tmpdir */
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        err = errno;
        S_fail(&c, ERR_OPEN, "folder %s: %s", dir,
               stat(dir, &st) != 0 ? strerror(err) : "not a folder");
        goto fail;
    }
    if (S_load_units(&c) < 0 || S_reporting_unit(&c) < 0 || S_period(&c) < 0)
        goto fail;
    memset(&wo, 0, sizeof wo);
    wo.tmpdir = dir;
    if (!(c.wb = workbook_new_opt(path, &wo))) {
        S_fail(&c, ERR_XLSX, "cannot start the workbook");
        goto fail;
    }
    if (S_properties(&c) < 0 || S_formats(&c) < 0 || S_sheets_all(&c) < 0)
        goto fail;
    errno = 0;
    e = workbook_close(c.wb); /* frees the workbook, whatever it returns */
    err = errno;
    c.wb = NULL;
    if (e != LXW_NO_ERROR) {
        if (output_nospace(dir, err))
            S_fail(&c, ERR_NOSPACE, "no space left: %s", lxw_strerror(e));
        else
            S_fail(&c, ERR_XLSX, "%s%s%s", lxw_strerror(e), err ? ": " : "",
                   err ? strerror(err) : "");
        goto fail;
    }
    /* workbook_close can succeed on a corrupt file (full tmpdir) */
    if (S_verify(path, c.nsheets, what, sizeof what) < 0) {
        if (output_nospace(dir, 0))
            S_fail(&c, ERR_NOSPACE,
                   "no space left: the written workbook is "
                   "corrupt (%s)",
                   what);
        else
            S_fail(&c, ERR_XLSX, "the written workbook is corrupt (%s)", what);
        goto fail;
    }

fail:
    if (c.wb) /* not closed: nothing was written to PATH */
        lxw_workbook_free(c.wb);
    rc = c.rc;
    if (rc != ERR_OK) {
        if (path && *path)
            unlink(path);
        if (msg) {
            size_t n =
                (path ? strlen(path) : 0) + (c.msg ? strlen(c.msg) : 0) + 64;
            if ((*msg = malloc(n)))
                snprintf(*msg, n, "%s: cannot write the workbook: %s",
                         path ? path : "(null)",
                         c.msg ? c.msg : error_string(rc));
        }
    }
    free(c.msg);
    for (i = 0; i < c.narena; i++)
        free(c.arena[i]);
    free(c.arena);
    free(c.units);
    free(dir);
    return rc;
}
