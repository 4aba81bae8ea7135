/*
 * xlsx.c — the returns workbook, rendered from the return document.
 *
 * What: one .xlsx file with a summary sheet and one sheet per table of the
 * return (SPEC 3, 4), in the order of the "table" type of return.xsd:
 *
 *   summary       a cross-table (xlsx_summary.c): 甲 name, 乙 code, the
 *                 indicators numbered 1 2 3…; the filing unit's 合计 row
 *                 first, then the communities grouped by district then
 *                 street (code prefixes 6 and 9), a subtotal row above
 *                 each street and district below the filing unit; the
 *                 subtotals and the total are SUM formulas whose cached
 *                 value is the exact integer sum of the cells they cover,
 *                 computed here (so a reader that does not recalculate
 *                 shows what Excel would; the return's roll-up units give
 *                 only the subtotal names).
 *   visits        one row per unit: households by dwelling, coverage,
 *                 visits by kind.
 *   opinions,     cross-tables (xlsx_tables.c): one row per unit, the
 *   suggestions,  reporting unit's 合计 row first (SUM formulas over the
 *   groups,       communities it covers), categories (groups, roles) x
 *   cadres        statuses (measures) as a two-level heading with a 合计
 *                 block first, the columns numbered 甲 乙 1 2 3… under it;
 *                 a column chart below the table (not for cadres). The
 *                 cadres have a second sheet, their detail: each
 *                 community's teams and its cadres by id (never by name).
 *   satisfaction  one row per unit: forms by rating, rate; pie chart.
 *   audit         two sheets: findings by rule, one row per unit (from the
 *                 units' <audit>); then the findings list (file, line,
 *                 rule, severity, message, community, ids).
 *
 * Every sheet opens with the header block of a statistical return (title,
 * campaign and period, reporting unit; at the top right the 表号 block:
 * 表号 民访N表 (N the sheet's number), 制定机关, 计量单位) and ends with the
 * signature footer (单位负责人 ... 报出日期). Each sheet holds one table, so
 * its column headings can be frozen, carry the autofilter and repeat on
 * every printed page; A4 landscape, 第 &P 页 共 &N 页 in the print footer,
 * one page wide or, for a cross-table too wide to read so, at 80 % over
 * several pages with its unit columns repeated. Charts go below their
 * table (beside it they would widen the page). Units come in report
 * order after the 合计 row: communities by code, each roll-up after the
 * communities it covers; the summary sheet alone groups them, each
 * subtotal above its communities.
 *
 * Where the data comes from: the return document only (borrowed, read-only)
 * and opts->labels (return.xsd). Row labels are the zh/en attributes of the
 * return's enumerated rows (retdoc_label: a unit after the first is read
 * without them, and gives the first unit's); the rows of a table, and
 * their order, are those
 * of the first unit of the return (every unit carries every enumerated row,
 * return.xsd). The fixed words of the header/footer block and the column
 * headings are the type "word" of the label schema, by the keys in
 * xlsx_sheet.c: no label text is in C.
 *
 * Where it goes: libxlsxwriter writes PATH, using PATH's folder as tmpdir.
 * libxlsxwriter 1.1.4 can report success for a corrupt file (full tmpdir),
 * so the finished file is re-opened with libzip and every XML part is
 * parsed with libxml2 before ERR_OK. Any failure unlinks PATH; a full disk
 * (output_nospace, output.c) is ERR_NOSPACE.
 *
 * The code is in layers (xlsx_sheet.h): this file sets up the context,
 * dispatches the tables to the sheet families (xlsx_summary.c,
 * xlsx_tables.c, xlsx_cadres.c, xlsx_audit.c) over the plumbing of xlsx_sheet.c, and
 * reads the finished file back. The return is read through retdoc.c.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "output.h"
#include "xlsx_sheet.h"
#include "i18n.h"

#define NAMES_MAX 8 /* communities named in the reporting unit */

/* ------------------------------------------------------------ the context */

/* Reads the number at *S (advancing past it and a following '-' when
 * SEP); 0, or -1 when there is none. */
static int date_part(const char **s, int sep, int *v)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(*s, &end, 10);
    if (end == *s || errno || n < -99999 || n > 99999 || (sep && *end != '-'))
        return -1;
    *v = (int)n;
    *s = end + (sep != 0);
    return 0;
}

/* ISO date as 2011年11月10日 (zh) or 10 November 2011 (en), in the arena;
 * the text itself when it is not a date. */
static const char *date(xlsx_ctx *c, const char *iso)
{
    int y, m, d;
    char month[64];
    buf_t b = BUF_INIT;
    const char *p = iso;

    if (!iso || date_part(&p, 1, &y) || date_part(&p, 1, &m) ||
        date_part(&p, 0, &d) || m < 1 || m > 12 || d < 1 || d > 31)
        return iso ? iso : "";
    if (!c->en) {
        buf_printf(&b, "%d年%d月%d日", y, m, d);
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
        buf_printf(&b, "%d %s %d", d, month, y);
    }
    return xlsx_sheet_keep_buf(c, &b);
}

/* 填报单位: the single unit's name, or the communities 'all' covers. */
static error_code reporting_unit(xlsx_ctx *c)
{
    buf_t b = BUF_INIT;
    const xmlNode *cov;
    size_t n = 0, total = 0;

    if (!c->top)
        return (c->reporting = xlsx_sheet_keep_buf(c, &b)) ? ERR_OK : c->rc;
    if (strcmp(c->top->level, RETDOC_LEVEL_ALL) ||
        !(cov = retdoc_child(retdoc_child(c->top->node, RETDOC_COVERS),
                             RETDOC_COMMUNITY))) {
        buf_puts(&b, c->top->name);
        return (c->reporting = xlsx_sheet_keep_buf(c, &b)) ? ERR_OK : c->rc;
    }
    for (; cov; cov = retdoc_next(cov->next, RETDOC_COMMUNITY)) {
        if (n < NAMES_MAX)
            buf_printf(&b, "%s%s", n ? xlsx_sheet_word(c, W_LIST_SEP) : "",
                       retdoc_attr0(c->rd, cov, "name"));
        n += n < NAMES_MAX;
        total++;
    }
    if (total > n) /* "A、B……等260个社区": the total, as Chinese says it */
        buf_printf(&b, "%s%zu%s", xlsx_sheet_word(c, W_MORE_PRE), total,
                   xlsx_sheet_word(c, W_MORE_POST));
    return (c->reporting = xlsx_sheet_keep_buf(c, &b)) ? ERR_OK : c->rc;
}

/* The text "title（start至end）" of the campaign, and the report date. */
static error_code period(xlsx_ctx *c)
{
    const retdoc_campaign *cp = retdoc_campaign_of(c->rd);
    buf_t b = BUF_INIT;
    const char *start = date(c, cp->start), *end = date(c, cp->end);

    if (!start || !end)
        return c->rc;
    buf_printf(&b, "%s%s%s%s%s%s", cp->title, c->en ? " (" : "（", start,
               xlsx_sheet_word(c, W_PERIOD_TO), end, c->en ? ")" : "）");
    if (!(c->period = xlsx_sheet_keep_buf(c, &b)))
        return c->rc;
    c->reported = date(c, cp->reported);
    return c->reported ? ERR_OK : c->rc;
}

static error_code properties(xlsx_ctx *c)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof p);
    p.title = (char *)retdoc_campaign_of(c->rd)->title;
    p.subject = (char *)c->period;
    p.company = (char *)c->reporting;
    p.created = c->opts->created;
    return xlsx_sheet_lxw(c, workbook_set_properties(c->wb, &p),
                          "workbook_set_properties");
}

/* ------------------------------------------------------------ the workbook */

/* The tables this renderer knows, by their value in the "table" type of
 * return.xsd; sheets come in the schema's order. EL is the unit's element
 * the table reads when one function serves several tables. */
static const struct {
    const char *table, *el;
    xlsx_sheet_fn fn;
} sheets[] = {
    {"summary", NULL, xlsx_summary_sheet},
    {"visits", NULL, xlsx_tables_visits},
    {"opinions", "opinions", xlsx_tables_items},
    {"suggestions", "suggestions", xlsx_tables_items},
    {"groups", NULL, xlsx_tables_groups},
    {"cadres", NULL, xlsx_cadres_sheets},
    {"satisfaction", NULL, xlsx_tables_satisfaction},
    {"audit", NULL, xlsx_audit_sheets},
};
#define NSHEETS (sizeof sheets / sizeof *sheets)

static error_code render_sheet(xlsx_ctx *c, const char *table)
{
    size_t i;
    for (i = 0; i < NSHEETS; i++)
        if (!strcmp(sheets[i].table, table))
            return sheets[i].fn(c, table, sheets[i].el);
    return ERR_OK; /* a table this renderer does not know: no sheet */
}

static error_code sheets_all(xlsx_ctx *c)
{
    size_t n, i;
    const vocab_item *t = vocab_enum(c->opts->labels, "table", &n);

    if (!t) { /* no label schema: the known tables in their own order */
        for (i = 0; i < NSHEETS; i++)
            if (render_sheet(c, sheets[i].table) != ERR_OK)
                return c->rc;
        return ERR_OK;
    }
    for (i = 0; i < n; i++)
        if (render_sheet(c, t[i].value) != ERR_OK)
            return c->rc;
    return ERR_OK;
}

/* ------------------------------------------------------------ verification */

#if LIBXML_VERSION >= 21200
static void quiet(void *arg, const xmlError *e)
#else
static void quiet(void *arg, xmlError *e)
#endif
{
    (void)arg;
    (void)e;
}

/* Parses the XML part NAME (entry I of Z) to its end, through a SAX
 * handler with no callbacks: well-formedness is all that is asked, and
 * a reader building each node cost a tenth of a build. 0, or -1 with
 * *WHAT saying why. */
static int verify_part(zip_t *z, zip_int64_t i, const char *name, char *what,
                       size_t whatlen)
{
    zip_file_t *zf;
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctx;
    char buf[65536];
    zip_int64_t n;
    int ok = 1;

    if (!(zf = zip_fopen_index(z, (zip_uint64_t)i, 0))) {
        snprintf(what, whatlen, _("%s cannot be read"), name);
        return -1;
    }
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.serror = quiet;
    if (!(ctx = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, name))) {
        zip_fclose(zf);
        snprintf(what, whatlen, _("%s cannot be parsed (out of memory?)"),
                 name);
        return -1;
    }
    xmlCtxtUseOptions(ctx, XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING);
    while (ok && (n = zip_fread(zf, buf, sizeof buf)) > 0)
        ok = xmlParseChunk(ctx, buf, (int)n, 0) == 0;
    if (ok)
        ok = n == 0 && xmlParseChunk(ctx, NULL, 0, 1) == 0;
    ok = ok && ctx->wellFormed;
    xmlFreeParserCtxt(ctx);
    if (zip_fclose(zf) != 0 || !ok) {
        snprintf(what, whatlen, _("%s is not well-formed"), name);
        return -1;
    }
    return 0;
}

/* Re-opens the finished workbook at PATH and parses every XML part; checks
 * that sheets 1..NSHEETS are there. 0, or -1 with *WHAT naming the part.
 * Streams: memory does not grow with the workbook. */
int xlsx_verify(const char *path, size_t nsheets, char *what, size_t whatlen)
{
    int zerr = 0, rc = -1;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    zip_int64_t n, i;
    size_t k;

    if (!z) {
        snprintf(what, whatlen, _("not a zip file (libzip error %d)"), zerr);
        return -1;
    }
    n = zip_get_num_entries(z, 0);
    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t len = name ? strlen(name) : 0;

        if (!name) {
            snprintf(what, whatlen, _("unreadable zip entry %lld"),
                     (long long)i);
            goto fail;
        }
        if (!(len > 4 && !strcmp(name + len - 4, ".xml")) &&
            !(len > 5 && !strcmp(name + len - 5, ".rels")))
            continue;
        if (verify_part(z, i, name, what, whatlen) < 0)
            goto fail;
    }
    for (k = 1; k <= nsheets; k++) {
        char name[64];
        snprintf(name, sizeof name,
                 "xl/worksheets/sheet%zu.xml", /* i18n: not prose */
                 k);
        if (zip_name_locate(z, name, 0) < 0) {
            snprintf(what, whatlen, _("%s is missing"), name);
            goto fail;
        }
    }
    rc = 0;
fail:
    zip_discard(z);
    return rc;
}

/* PATH's folder (malloc'd): "." when PATH has no slash. */
static char *dirname_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    buf_t b = BUF_INIT;

    if (!slash)
        buf_puts(&b, ".");
    else
        buf_add(&b, path, slash == path ? 1 : (size_t)(slash - path));
    return buf_detach(&b);
}

/* The folder DIR exists and is a folder (libxlsxwriter falls back to /tmp,
 * silently, for a bad tmpdir). */
static error_code check_folder(xlsx_ctx *c, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return xlsx_sheet_fail(c, ERR_OPEN, "folder %s: %s", dir,
                               strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return xlsx_sheet_fail(c, ERR_OPEN, "folder %s: not a folder", dir);
    return ERR_OK;
}

/* Writes the workbook to PATH (tmpdir DIR), closes and reads it back. */
static void write_workbook(xlsx_ctx *c, const char *path, const char *dir)
{
    lxw_workbook_options wo;
    char what[512];
    lxw_error e;
    int err;

    memset(&wo, 0, sizeof wo);
    wo.tmpdir = (char *)dir;
    if (!(c->wb = workbook_new_opt(path, &wo))) {
        xlsx_sheet_fail(c, ERR_XLSX, _("cannot start the workbook"));
        return;
    }
    if (properties(c) != ERR_OK || xlsx_sheet_formats(c) != ERR_OK ||
        sheets_all(c) != ERR_OK)
        return;
    if (retdoc_error(c->rd) == ERR_NOMEM) {
        xlsx_sheet_nomem(c);
        return;
    }
    if (retdoc_error(c->rd) != ERR_OK) { /* a lean finding (retdoc.h) */
        xlsx_sheet_fail(c, ERR_INTERNAL,
                        _("internal error: a finding listed in the return "
                          "cannot be read"));
        return;
    }
    errno = 0;
    e = workbook_close(c->wb); /* frees the workbook, whatever it returns */
    err = errno;
    c->wb = NULL;
    if (e != LXW_NO_ERROR) {
        if (output_nospace(dir, err))
            xlsx_sheet_fail(c, ERR_NOSPACE, _("no space left: %s"),
                            lxw_strerror(e));
        else
            xlsx_sheet_fail(c, ERR_XLSX, "%s%s%s", lxw_strerror(e),
                            err ? ": " : "", err ? strerror(err) : "");
        return;
    }
    /* workbook_close can succeed on a corrupt file (full tmpdir) */
    if (xlsx_verify(path, c->nsheets, what, sizeof what) != ERR_OK) {
        if (output_nospace(dir, 0))
            xlsx_sheet_fail(c, ERR_NOSPACE,
                            _("no space left: the written "
                              "workbook is corrupt (%s)"),
                            what);
        else
            xlsx_sheet_fail(c, ERR_XLSX,
                            _("the written workbook is corrupt (%s)"), what);
    }
}

error_code xlsx_render(const xmlDoc *ret, const char *path,
                       const render_opts *opts, char **msg)
{
    xlsx_ctx c;
    char *dir = NULL;
    error_code rc;
    size_t i;

    memset(&c, 0, sizeof c);
    if (msg)
        *msg = NULL;
    if (!ret || !path || !*path || !opts) {
        xlsx_sheet_fail(&c, ERR_INTERNAL, _("xlsx_render: missing argument"));
        goto done;
    }
    c.opts = opts;
    c.en = opts->lang && !strcmp(opts->lang, "en");
    if ((rc = retdoc_open(ret, opts->labels, &c.rd, &c.msg)) != ERR_OK) {
        c.rc = rc;
        goto done;
    }
    c.top = retdoc_top(c.rd);
    c.first = retdoc_unit_at(c.rd, 0);
    if (!(dir = dirname_of(path))) {
        xlsx_sheet_nomem(&c);
        goto done;
    }
    if (check_folder(&c, dir) == ERR_OK && reporting_unit(&c) == ERR_OK &&
        period(&c) == ERR_OK)
        write_workbook(&c, path, dir);
done:
    if (c.wb) /* not closed: nothing was written to PATH */
        lxw_workbook_free(c.wb);
    rc = c.rc;
    if (rc != ERR_OK) {
        if (path && *path)
            unlink(path);
        if (msg)
            *msg = error_format(_("%s: cannot write the workbook: %s"),
                                path ? path : "(null)",
                                c.msg ? c.msg : error_string(rc));
    }
    free(c.msg);
    for (i = 0; i < c.narena; i++)
        free(c.arena[i]);
    free(c.arena);
    retdoc_free(c.rd);
    free(dir);
    return rc;
}
