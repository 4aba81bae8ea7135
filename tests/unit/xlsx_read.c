/*
 * xlsx_read.c — see xlsx_read.h. Small and strict: a part that does not
 * parse makes xlsx_read_open fail. Sheet documents are parsed on first use
 * and kept until close. Only what tests need: shared strings, inline
 * strings, numbers, formulas; no styles, no dates.
 */
#include "xlsx_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#define XR_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define XR_REL                                                                 \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XR_PKG "http://schemas.openxmlformats.org/package/2006/relationships"

typedef struct {
    char *name;  /* sheet name */
    char *part;  /* "xl/worksheets/sheet1.xml" */
    xmlDoc *doc; /* parsed on first use */
} xr_sheet;

struct xlsx_book {
    zip_t *zip;
    xr_sheet *sheets;
    size_t nsheets;
    char **strings; /* shared strings */
    size_t nstrings;
};

static int xr_is(const xmlNode *n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, ns) &&
           !strcmp((const char *)n->name, local);
}

static const xmlNode *xr_child(const xmlNode *n, const char *ns,
                               const char *local)
{
    for (n = n ? n->children : NULL; n; n = n->next)
        if (xr_is(n, ns, local))
            return n;
    return NULL;
}

static char *xr_prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *xr_content(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

char *xlsx_read_part(xlsx_book *b, const char *name, const char *sheet)
{
    zip_stat_t st;
    zip_file_t *f;
    char *buf;
    size_t i;

    if (!b)
        return NULL;
    if (!name) {
        for (i = 0; i < b->nsheets; i++)
            if (!strcmp(b->sheets[i].name, sheet))
                name = b->sheets[i].part;
        if (!name)
            return NULL;
    }
    if (zip_stat(b->zip, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return NULL;
    if (!(f = zip_fopen(b->zip, name, 0)))
        return NULL;
    if ((buf = malloc(st.size + 1)) &&
        zip_fread(f, buf, st.size) != (zip_int64_t)st.size) {
        free(buf);
        buf = NULL;
    }
    zip_fclose(f);
    if (buf)
        buf[st.size] = 0;
    return buf;
}

static xmlDoc *xr_parse(xlsx_book *b, const char *name)
{
    char *text = xlsx_read_part(b, name, NULL);
    xmlDoc *d;
    if (!text)
        return NULL;
    d = xmlReadMemory(text, (int)strlen(text), name, NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                          XML_PARSE_NOWARNING);
    free(text);
    return d;
}

void xlsx_read_close(xlsx_book *b)
{
    size_t i;
    if (!b)
        return;
    for (i = 0; i < b->nsheets; i++) {
        free(b->sheets[i].name);
        free(b->sheets[i].part);
        xmlFreeDoc(b->sheets[i].doc);
    }
    free(b->sheets);
    for (i = 0; i < b->nstrings; i++)
        free(b->strings[i]);
    free(b->strings);
    if (b->zip)
        zip_discard(b->zip);
    free(b);
}

/* Target of relationship ID in xl/_rels/workbook.xml.rels, as a part name. */
static char *xr_target(const xmlDoc *rels, const char *id)
{
    const xmlNode *n;
    for (n = xmlDocGetRootElement(rels)->children; n; n = n->next) {
        char *rid, *target, *part;
        if (!xr_is(n, XR_PKG, "Relationship"))
            continue;
        rid = xr_prop(n, "Id");
        if (!rid || strcmp(rid, id)) {
            free(rid);
            continue;
        }
        free(rid);
        if (!(target = xr_prop(n, "Target")))
            return NULL;
        if (target[0] == '/') {
            part = strdup(target + 1);
        } else if ((part = malloc(strlen(target) + 4))) {
            strcpy(part, "xl/");
            strcat(part, target);
        }
        free(target);
        return part;
    }
    return NULL;
}

xlsx_book *xlsx_read_open(const char *path)
{
    xlsx_book *b = calloc(1, sizeof *b);
    xmlDoc *wb = NULL, *rels = NULL, *ss = NULL;
    const xmlNode *sheets, *n;
    int err = 0;

    if (!b || !(b->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err)))
        goto fail;
    if (!(wb = xr_parse(b, "xl/workbook.xml")) ||
        !(rels = xr_parse(b, "xl/_rels/workbook.xml.rels")))
        goto fail;
    sheets = xr_child(xmlDocGetRootElement(wb), XR_MAIN, "sheets");
    for (n = sheets ? sheets->children : NULL; n; n = n->next) {
        xr_sheet *grown;
        xmlChar *rid;
        if (!xr_is(n, XR_MAIN, "sheet"))
            continue;
        grown = realloc(b->sheets, (b->nsheets + 1) * sizeof *grown);
        if (!grown)
            goto fail;
        b->sheets = grown;
        memset(&b->sheets[b->nsheets], 0, sizeof *b->sheets);
        b->sheets[b->nsheets].name = xr_prop(n, "name");
        rid = xmlGetNsProp(n, BAD_CAST "id", BAD_CAST XR_REL);
        if (rid)
            b->sheets[b->nsheets].part = xr_target(rels, (const char *)rid);
        xmlFree(rid);
        if (!b->sheets[b->nsheets].name || !b->sheets[b->nsheets++].part)
            goto fail;
    }
    if ((ss = xr_parse(b, "xl/sharedStrings.xml"))) {
        for (n = xmlDocGetRootElement(ss)->children; n; n = n->next) {
            char **grown;
            if (!xr_is(n, XR_MAIN, "si"))
                continue;
            grown = realloc(b->strings, (b->nstrings + 1) * sizeof *grown);
            if (!grown)
                goto fail;
            b->strings = grown;
            /* all <t> of the item, rich text runs included */
            if (!(b->strings[b->nstrings++] = xr_content(n)))
                goto fail;
        }
    }
    xmlFreeDoc(wb);
    xmlFreeDoc(rels);
    xmlFreeDoc(ss);
    return b;
fail:
    xmlFreeDoc(wb);
    xmlFreeDoc(rels);
    xmlFreeDoc(ss);
    xlsx_read_close(b);
    return NULL;
}

size_t xlsx_read_nsheets(const xlsx_book *b)
{
    return b ? b->nsheets : 0;
}

const char *xlsx_read_sheet_name(const xlsx_book *b, size_t i)
{
    return b && i < b->nsheets ? b->sheets[i].name : NULL;
}

static const xmlNode *xr_sheet_data(xlsx_book *b, const char *sheet)
{
    size_t i;
    for (i = 0; b && i < b->nsheets; i++) {
        xr_sheet *s = &b->sheets[i];
        if (strcmp(s->name, sheet))
            continue;
        if (!s->doc && !(s->doc = xr_parse(b, s->part)))
            return NULL;
        return xr_child(xmlDocGetRootElement(s->doc), XR_MAIN, "sheetData");
    }
    return NULL;
}

/* Calls FN on every <c> of SHEET until it returns nonzero; returns that. */
static int xr_each(xlsx_book *b, const char *sheet,
                   int (*fn)(xlsx_book *, const xmlNode *, void *), void *arg)
{
    const xmlNode *data = xr_sheet_data(b, sheet), *row, *c;
    int k;
    for (row = data ? data->children : NULL; row; row = row->next) {
        if (!xr_is(row, XR_MAIN, "row"))
            continue;
        for (c = row->children; c; c = c->next)
            if (xr_is(c, XR_MAIN, "c") && (k = fn(b, c, arg)))
                return k;
    }
    return 0;
}

static char *xr_cell_text(xlsx_book *b, const xmlNode *c)
{
    char *t = xr_prop(c, "t"), *v = NULL;
    const xmlNode *vn = xr_child(c, XR_MAIN, "v");

    if (t && !strcmp(t, "inlineStr")) {
        v = xr_content(xr_child(c, XR_MAIN, "is"));
    } else if (vn) {
        v = xr_content(vn);
        if (v && t && !strcmp(t, "s")) {
            unsigned long i = strtoul(v, NULL, 10);
            free(v);
            v = i < b->nstrings ? strdup(b->strings[i]) : NULL;
        }
    }
    free(t);
    return v;
}

struct xr_ref {
    const char *ref;
    const xmlNode *found;
};

static int xr_by_ref(xlsx_book *b, const xmlNode *c, void *arg)
{
    struct xr_ref *q = arg;
    char *r = xr_prop(c, "r");
    int hit = r && !strcmp(r, q->ref);
    (void)b;
    free(r);
    if (hit)
        q->found = c;
    return hit;
}

char *xlsx_read_cell(xlsx_book *b, const char *sheet, const char *ref)
{
    struct xr_ref q = {ref, NULL};
    xr_each(b, sheet, xr_by_ref, &q);
    return q.found ? xr_cell_text(b, q.found) : NULL;
}

char *xlsx_read_formula(xlsx_book *b, const char *sheet, const char *ref)
{
    struct xr_ref q = {ref, NULL};
    const xmlNode *f;
    xr_each(b, sheet, xr_by_ref, &q);
    f = q.found ? xr_child(q.found, XR_MAIN, "f") : NULL;
    return f ? xr_content(f) : NULL;
}

struct xr_text {
    const char *text;
    int col;
    char *ref; /* 16 bytes, or NULL to count */
    size_t count;
};

/* 0-based column of reference REF ("AB12" -> 27). */
static int xr_col(const char *ref)
{
    int col = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++)
        col = col * 26 + (*ref - 'A' + 1);
    return col - 1;
}

static int xr_by_text(xlsx_book *b, const xmlNode *c, void *arg)
{
    struct xr_text *q = arg;
    char *r = xr_prop(c, "r"), *t;
    int hit = 0;
    if (r && (q->col < 0 || xr_col(r) == q->col) && (t = xr_cell_text(b, c))) {
        hit = !strcmp(t, q->text);
        free(t);
    }
    if (hit) {
        q->count++;
        if (q->ref)
            snprintf(q->ref, 16, "%s", r);
    }
    free(r);
    return hit && q->ref;
}

int xlsx_read_find(xlsx_book *b, const char *sheet, const char *text, int col,
                   char ref[16])
{
    struct xr_text q = {text, col, ref, 0};
    return xr_each(b, sheet, xr_by_text, &q) ? 0 : -1;
}

size_t xlsx_read_count(xlsx_book *b, const char *sheet, const char *text,
                       int col)
{
    struct xr_text q = {text, col, NULL, 0};
    xr_each(b, sheet, xr_by_text, &q);
    return q.count;
}
