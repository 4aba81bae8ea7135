/*
 * docx.c — reads a reference .docx, writes summary .docx packages.
 *
 * Data flow: docx_ref_load copies every part (zip entry) of the reference
 * into memory once, in the archive's order, and parses word/document.xml to
 * find the body's final w:sectPr (the page set-up the summary keeps).
 * docx_write then builds each summary package from those buffers: libzip
 * takes borrowed buffers (zip_source_buffer with freep 0), so nothing is
 * copied again; only word/document.xml (the summary's body, made by the
 * templates) and docProps/core.xml (title and dates) differ per document.
 *
 * Determinism: entries are added in the reference's order, deflated at the
 * default level, with a fixed mode (0644, Unix) and the DOS time of
 * CREATED. libzip turns time_t into DOS time with localtime(); we hand it
 * the time whose local reading equals CREATED's UTC reading (mktime of
 * gmtime), so the bytes do not depend on the TZ of the machine. libzip adds
 * no extra fields to new entries, and core.xml's dates are CREATED too.
 *
 * Failure: libzip writes PATH.XXXXXX and renames it over PATH in
 * zip_close; if anything fails the archive is discarded and PATH removed,
 * so no half-written .docx is left.
 *
 * Invariants: a docx_ref is immutable after load (shared by threads); no
 * global state; parts are limited in number and size so that a hostile
 * reference cannot exhaust memory.
 */
#include "docx.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <libxml/parser.h>

#include "output.h"
#include "i18n.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define DCTERMS_NS "http://purl.org/dc/terms/"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

#define DOCUMENT_PART "word/document.xml"
#define CORE_PART "docProps/core.xml"
#define TYPES_PART "[Content_Types].xml"

#define MAX_PARTS 512
#define MAX_PART_SIZE (16u << 20)

#define XML_SAFE (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

typedef struct {
    char *name;          /* entry name, e.g. "word/styles.xml" */
    unsigned char *data; /* its bytes (malloc'd; never NULL) */
    size_t len;
} part;

struct docx_ref {
    part *parts; /* in the reference's order */
    size_t n;
    xmlDocPtr document; /* word/document.xml, parsed */
    xmlNodePtr sectpr;  /* its body's final w:sectPr, or NULL */
};

static int is_elem(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, ns) &&
           !strcmp((const char *)n->name, name);
}

/* A part name we are willing to copy: relative, no "..", no backslash. */
static int name_ok(const char *name)
{
    const char *p;
    if (!*name || name[0] == '/' || strchr(name, '\\'))
        return 0;
    for (p = name; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            return 0;
    return 1;
}

static const part *find_part(const docx_ref *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (name && r->parts[i].name && !strcmp(r->parts[i].name, name))
            return &r->parts[i];
    return NULL;
}

void docx_ref_free(docx_ref *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < r->n; i++) {
        free(r->parts[i].name);
        free(r->parts[i].data);
    }
    free(r->parts);
    xmlFreeDoc(r->document);
    free(r);
}

const xmlNode *docx_ref_sectpr(const docx_ref *r)
{
    return r ? r->sectpr : NULL;
}

/* Reads entry I of ZA into a new part P. */
static error_code read_entry(zip_t *za, zip_uint64_t i, const char *path,
                             part *p, char **msg)
{
    zip_stat_t st;
    zip_file_t *zf = NULL;
    zip_int64_t got;
    error_code e;

    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE)) {
        e = error_set(msg, ERR_READ, _("%s: cannot read entry %llu: %s"), path,
                      (unsigned long long)i, zip_strerror(za));
        goto fail;
    }
    if (!name_ok(st.name)) {
        e = error_set(msg, ERR_INVALID, _("%s: bad part name \"%s\""), path,
                      st.name);
        goto fail;
    }
    if (st.size > MAX_PART_SIZE) {
        e = error_set(msg, ERR_INVALID,
                      _("%s: part %s is larger than %u bytes"), path, st.name,
                      MAX_PART_SIZE);
        goto fail;
    }
    p->len = (size_t)st.size;
    if (!(p->name = strdup(st.name)) || !(p->data = malloc(p->len + 1))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (!(zf = zip_fopen_index(za, i, 0))) {
        e = error_set(msg, ERR_READ, _("%s: cannot open part %s: %s"), path,
                      st.name, zip_strerror(za));
        goto fail;
    }
    got = p->len ? zip_fread(zf, p->data, p->len) : 0;
    if (got < 0 || (size_t)got != p->len) {
        e = error_set(msg, ERR_READ, _("%s: cannot read part %s: %s"), path,
                      st.name, zip_file_strerror(zf));
        goto fail;
    }
    p->data[p->len] = '\0';
    zip_fclose(zf);
    return ERR_OK;
fail:
    if (zf)
        zip_fclose(zf);
    return e;
}

error_code docx_ref_load(const char *path, docx_ref **out, char **msg)
{
    docx_ref *r = NULL;
    zip_t *za = NULL;
    xmlParserCtxtPtr pc = NULL;
    zip_int64_t n;
    zip_uint64_t i;
    int zerr = 0;
    const part *doc;
    xmlNodePtr body, c;
    error_code e;

    *out = NULL;
    if (!(r = calloc(1, sizeof *r))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (!(za = zip_open(path, ZIP_RDONLY, &zerr))) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        e = error_set(msg,
                      zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN ? ERR_OPEN
                                                                  : ERR_INVALID,
                      _("%s: cannot open as a .docx: %s"), path,
                      zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    n = zip_get_num_entries(za, 0);
    if (n < 0 || n > MAX_PARTS) {
        e = error_set(msg, ERR_INVALID, _("%s: %lld parts (at most %d)"), path,
                      (long long)n, MAX_PARTS);
        goto fail;
    }
    if (!(r->parts = calloc((size_t)n + 1, sizeof *r->parts))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    for (i = 0; i < (zip_uint64_t)n; i++) {
        const char *name = zip_get_name(za, i, 0);
        size_t len = name ? strlen(name) : 0;
        if (name && len && name[len - 1] == '/')
            continue; /* a folder entry: the package has no folders */
        if ((e = read_entry(za, i, path, &r->parts[r->n], msg)) != ERR_OK) {
            r->n++; /* free what was read */
            goto fail;
        }
        if (find_part(r, r->parts[r->n].name)) { /* among those before it */
            e = error_set(msg, ERR_INVALID, _("%s: part %s appears twice"),
                          path, r->parts[r->n].name);
            r->n++;
            goto fail;
        }
        r->n++;
    }
    zip_discard(za); /* read-only: nothing to write */
    za = NULL;

    if (!find_part(r, TYPES_PART) || !(doc = find_part(r, DOCUMENT_PART))) {
        e = error_set(msg, ERR_INVALID, _("%s: not a .docx (no %s or %s)"),
                      path, TYPES_PART, DOCUMENT_PART);
        goto fail;
    }
    if (doc->len > (size_t)INT_MAX || !(pc = xmlNewParserCtxt())) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    r->document = xmlCtxtReadMemory(pc, (const char *)doc->data, (int)doc->len,
                                    DOCUMENT_PART, NULL, XML_SAFE);
    if (!r->document) {
        const xmlError *xe = xmlCtxtGetLastError(pc);
        e = error_set(msg, ERR_INVALID, "%s: %s:%d: %s", path, DOCUMENT_PART,
                      xe ? xe->line : 0,
                      xe && xe->message ? xe->message : "not well-formed\n");
        goto fail;
    }
    xmlFreeParserCtxt(pc);
    pc = NULL;
    body = xmlDocGetRootElement(r->document);
    if (!is_elem(body, W_NS, "document")) {
        e = error_set(msg, ERR_INVALID, _("%s: %s is not a w:document"), path,
                      DOCUMENT_PART);
        goto fail;
    }
    for (body = body->children; body && !is_elem(body, W_NS, "body");)
        body = body->next;
    for (c = body ? body->last : NULL; c && c->type != XML_ELEMENT_NODE;)
        c = c->prev;
    if (is_elem(c, W_NS, "sectPr"))
        r->sectpr = c;
    *out = r;
    return ERR_OK;
fail:
    if (pc)
        xmlFreeParserCtxt(pc);
    if (za)
        zip_discard(za);
    docx_ref_free(r);
    return e;
}

/* The child element NS:NAME of PARENT, created (prefix PREFIX) if absent. */
static xmlNodePtr child_of(xmlDocPtr doc, xmlNodePtr parent, const char *ns,
                           const char *prefix, const char *name)
{
    xmlNodePtr c;
    xmlNsPtr n;
    for (c = parent->children; c; c = c->next)
        if (is_elem(c, ns, name))
            return c;
    if (!(n = xmlSearchNsByHref(doc, parent, BAD_CAST ns)) &&
        !(n = xmlNewNs(parent, BAD_CAST ns, BAD_CAST prefix)))
        return NULL;
    return xmlNewChild(parent, n, BAD_CAST name, NULL);
}

/* Sets the text of element NODE to TEXT (taken literally). */
static int set_text(xmlNodePtr node, const char *text)
{
    xmlNodePtr t;
    xmlNodeSetContent(node, NULL);
    if (!(t = xmlNewText(BAD_CAST text)))
        return -1;
    xmlAddChild(node, t);
    return 0;
}

/* The reference's core.xml with TITLE and CREATED: *OUT (xmlFree) and
 * *OUTLEN. */
static error_code core_part(const part *p, const char *title, time_t created,
                            xmlChar **out, int *outlen, char **msg)
{
    xmlParserCtxtPtr pc = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n;
    xmlNsPtr xsi;
    struct tm tm;
    char iso[32];
    static const char *const dates[] = {"created", "modified"};
    size_t i;
    error_code e;

    *out = NULL;
    if (p->len > (size_t)INT_MAX || !(pc = xmlNewParserCtxt())) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (!(doc = xmlCtxtReadMemory(pc, (const char *)p->data, (int)p->len,
                                  CORE_PART, NULL, XML_SAFE)) ||
        !(root = xmlDocGetRootElement(doc))) {
        e = error_set(msg, ERR_INVALID, _("reference %s is not well-formed"),
                      CORE_PART);
        goto fail;
    }
    if (!gmtime_r(&created, &tm) ||
        !strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        e = error_set(msg, ERR_INVALID, _("document time out of range"));
        goto fail;
    }
    if (title && *title) {
        if (!(n = child_of(doc, root, DC_NS, "dc", "title")) ||
            set_text(n, title)) {
            e = error_set(msg, ERR_NOMEM, _("out of memory"));
            goto fail;
        }
    }
    if (!(xsi = xmlSearchNsByHref(doc, root, BAD_CAST XSI_NS)) &&
        !(xsi = xmlNewNs(root, BAD_CAST XSI_NS, BAD_CAST "xsi"))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    for (i = 0; i < sizeof dates / sizeof *dates; i++) {
        char type[64];
        if (!(n = child_of(doc, root, DCTERMS_NS, "dcterms", dates[i])) ||
            set_text(n, iso)) {
            e = error_set(msg, ERR_NOMEM, _("out of memory"));
            goto fail;
        }
        snprintf(type, sizeof type, "%s:W3CDTF",
                 n->ns && n->ns->prefix ? (const char *)n->ns->prefix
                                        : "dcterms");
        if (!xmlSetNsProp(n, xsi, BAD_CAST "type", BAD_CAST type)) {
            e = error_set(msg, ERR_NOMEM, _("out of memory"));
            goto fail;
        }
    }
    xmlDocDumpMemoryEnc(doc, out, outlen, "UTF-8");
    if (!*out) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(pc);
    return ERR_OK;
fail:
    xmlFreeDoc(doc);
    if (pc)
        xmlFreeParserCtxt(pc);
    return e;
}

/* The time_t that libzip's localtime() reads as CREATED's UTC date and
 * time, within the DOS range. */
static time_t dos_time(time_t created)
{
    const time_t lo = 315532800;            /* 1980-01-01T00:00:00Z */
    const time_t hi = (time_t)4354819199LL; /* 2107-12-31T23:59:59Z */
    struct tm tm;
    time_t t = created < lo ? lo : created > hi ? hi : created;
    time_t l;
    if (!gmtime_r(&t, &tm))
        return t;
    tm.tm_isdst = -1;
    l = mktime(&tm);
    return l == (time_t)-1 ? t : l;
}

error_code docx_write(const docx_ref *r, const char *path, const void *doc,
                      size_t len, const char *title, time_t created, char **msg)
{
    zip_t *za = NULL;
    xmlChar *core = NULL;
    int corelen = 0, zerr = 0;
    time_t mtime = dos_time(created);
    size_t i;
    error_code e;

    for (i = 0; i < r->n; i++)
        if (!strcmp(r->parts[i].name, CORE_PART) &&
            (e = core_part(&r->parts[i], title, created, &core, &corelen,
                           msg)) != ERR_OK)
            goto fail;
    if (!(za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        e = error_set(msg, ERR_OPEN, _("%s: cannot create: %s"), path,
                      zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    for (i = 0; i < r->n; i++) {
        const part *p = &r->parts[i];
        const void *data = p->data;
        size_t n = p->len;
        zip_source_t *src;
        zip_int64_t idx;

        if (!strcmp(p->name, DOCUMENT_PART)) {
            data = doc;
            n = len;
        } else if (core && !strcmp(p->name, CORE_PART)) {
            data = core;
            n = (size_t)corelen;
        }
        if (!(src = zip_source_buffer(za, data, n, 0))) {
            e = error_set(msg, ERR_ZIP, "%s: %s", path, zip_strerror(za));
            goto fail;
        }
        if ((idx = zip_file_add(za, p->name, src, ZIP_FL_ENC_UTF_8)) < 0) {
            zip_source_free(src);
            e = error_set(msg, ERR_ZIP, "%s: %s: %s", path, p->name,
                          zip_strerror(za));
            goto fail;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE,
                                     0) ||
            zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) ||
            zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
                                             ZIP_OPSYS_UNIX,
                                             (zip_uint32_t)0100644 << 16)) {
            e = error_set(msg, ERR_ZIP, "%s: %s: %s", path, p->name,
                          zip_strerror(za));
            goto fail;
        }
    }
    if (zip_close(za) < 0) {
        zip_error_t *ze = zip_get_error(za);
        int sys = zip_error_code_system(ze);
        e = error_set(msg, output_nospace(NULL, sys) ? ERR_NOSPACE : ERR_WRITE,
                      _("%s: cannot write: %s"), path, zip_strerror(za));
        goto fail;
    }
    za = NULL;
    xmlFree(core);
    return ERR_OK;
fail:
    if (za)
        zip_discard(za);
    remove(path);
    xmlFree(core);
    return e;
}
