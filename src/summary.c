/*
 * summary.c — the activity summary, rendered through XSLT templates.
 *
 * Data flow, per unit (summary_render_set: the view and the wording are
 * made once for the unit, whatever the number of formats asked for):
 *
 *   return (shared, read-only)
 *     └─ view: a private copy of its campaign, sources and the chosen
 *        unit alone (a roll-up names its communities in its <covers>; their
 *        own units are not copied: at 500 communities the district's view
 *        held all of them, 105 MB), its rows with their labels (@zh,
 *        @en: return_parse keeps them in the first unit only,
 *        retdoc_relabel gives them back); of the findings only their cap
 *        and counts not listed (<findings limit omitted> with its
 *        <notListed>), never the list itself
 *          └─ summary.xsl (params level, code) ─▶ intermediate document,
 *             once (title, p, h, lead, signature; urn:canvass:summary:1)
 *               └─ docx.xsl | html.xsl | md.xsl ─▶ result, per format
 *                    ├─ .html/.md: serialized as the template's xsl:output,
 *                    │  written whole by output_write_file (output.c)
 *                    └─ .docx: the reference's w:sectPr appended to w:body,
 *                       then docx_write() packs it with reference.docx's
 *                       other parts (docx.c)
 *
 * All wording is in the templates; this file holds none. Why a private
 * view rather than the return itself: libxslt writes into its input (the
 * element order cache in node->content, and xsl:strip-space removes nodes),
 * so transforming the shared return from several threads would race. A
 * view is small: one unit, whatever the size of the return.
 *
 * Sandbox. Templates may read only files inside their own folder (realpath
 * compare, so symlinks and ".." cannot leave it) and may not write files,
 * create folders or reach the network:
 *   - at run time, an xsltSecurityPrefs (built once, shared read-only)
 *     attached to each transform context checks document(), exsl:document
 *     and xsl:document; a refusal is recorded in the transform's capture
 *     and turns into ERR_FORBIDDEN;
 *   - at compile time libxslt only consults the process-wide default
 *     prefs for xsl:include/xsl:import, so instead a document loader
 *     (installed once) refuses stylesheets outside the folder being loaded
 *     (known from the calling thread's capture) and, for every document it
 *     loads, drops libxslt's XML_PARSE_NOENT/DTDLOAD and adds NONET: no
 *     entity expansion, no DTD or network fetch. Template files are parsed
 *     the same way and may not carry a DOCTYPE.
 *
 * Errors. Each transform context gets its own error handler
 * (xsltSetTransformErrorFunc: ctxt->error, also used by xsl:message), which
 * appends to the capture of that call; libxml2 errors (XPath, parsing) go
 * to structured and generic handlers set for the calling thread only
 * (libxml2 keeps them per thread) and restored afterwards. libxslt's process-wide
 * xsltGenericError, used while compiling, is pointed once at a function
 * that appends to the calling thread's capture (_Thread_local). An
 * xsl:message terminate="yes" stops the transform (XSLT_STATE_STOPPED): its
 * text becomes the ERR_TEMPLATE message.
 *
 * Invariants: a summary_t is immutable after summary_load; the only
 * process-wide changes are made once (pthread_once) and never again; every
 * failure removes every PATH of the set.
 */
/* realpath() is XSI: not declared by _POSIX_C_SOURCE alone. */
#define _XOPEN_SOURCE 700

#include "summary.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxslt/documents.h>
#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

#include "docx.h"
#include "output.h"
#include "retdoc.h"
#include "i18n.h"

#define SUMMARY_NS "urn:canvass:summary:1"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* Parser options for templates and anything they load. */
#define SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)
#define UNSAFE_OPTIONS                                                         \
    (XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR |                 \
     XML_PARSE_DTDVALID | XML_PARSE_XINCLUDE)

enum { F_DOCX, F_HTML, F_MD, F_COUNT };
static const char *const format_names[F_COUNT] = {"docx", "html", "md"};
static const char *const format_files[F_COUNT] = {"docx.xsl", "html.xsl",
                                                  "md.xsl"};
#define TEXT_FILE "summary.xsl"
#define REFERENCE_FILE "reference.docx"

struct summary {
    char *dir; /* realpath of the template folder */
    size_t dirlen;
    xsltStylesheetPtr text;         /* summary.xsl */
    xsltStylesheetPtr fmt[F_COUNT]; /* docx.xsl, html.xsl, md.xsl */
    xsltSecurityPrefsPtr sec;       /* shared by every transform */
    docx_ref *ref;                  /* reference.docx */
};

/* What one load or transform has to say: its messages (truncated) and the
 * first access the sandbox refused. Lives on the caller's stack. */
typedef struct {
    const summary_t *s; /* whose folder templates may read */
    char text[4096];    /* collected messages */
    size_t len;
    int forbidden;      /* the sandbox refused something */
    char refused[1024]; /* ... this */
} capture;

/* The capture of the call running on this thread, for handlers that get
 * no context (xsltGenericError, the document loader). */
static _Thread_local capture *thread_capture;
static pthread_once_t once_flag = PTHREAD_ONCE_INIT;
static xsltDocLoaderFunc default_loader;

/* ------------------------------------------------------------ messages */

static void cap_add(capture *c, const char *s)
{
    size_t n = strlen(s), room = sizeof c->text - 1 - c->len;
    if (n > room)
        n = room;
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

/* The messages of C on one line: runs of newlines become "; ", the ends
 * are trimmed. Returns DFLT when there are none. */
static const char *cap_text(capture *c, const char *dflt)
{
    char line[sizeof c->text];
    size_t i, n = 0;
    int sep = 0;

    for (i = 0; i < c->len && n + 3 < sizeof line; i++) {
        char ch = c->text[i];
        if (ch == '\n' || ch == '\r') {
            sep = n > 0;
            continue;
        }
        if (sep) {
            line[n++] = ';';
            line[n++] = ' ';
            sep = 0;
        }
        line[n++] = ch;
    }
    while (n && line[n - 1] == ' ')
        n--;
    if (n)
        memcpy(c->text, line, n);
    c->text[n] = '\0';
    c->len = n;
    return n ? c->text : dflt;
}

/* xmlGenericErrorFunc: per transform context (CTX is its capture) and, for
 * libxslt's process-wide xsltGenericError, the calling thread's capture. */
static void on_error(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void on_error(void *ctx, const char *fmt, ...)
{
    capture *c = ctx ? (capture *)ctx : thread_capture;
    char line[1024];
    va_list ap;

    if (!c)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    cap_add(c, line);
}

/* libxml2's structured errors (parsing, XPath) on this thread. */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    capture *c = ctx;
    char line[1024];
    if (!c || !e || e->level == XML_ERR_WARNING)
        return;
    if (e->file)
        snprintf(line, sizeof line, "%s:%d: %s", e->file, e->line,
                 e->message ? e->message : "error\n");
    else
        snprintf(line, sizeof line, "%s", e->message ? e->message : "error\n");
    cap_add(c, line);
}

typedef struct {
    capture *tls;
    xmlStructuredErrorFunc handler;
    void *handler_ctx;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
} saved_handlers;

/* Routes this thread's libxml2/libxslt messages into C until handlers_end. */
static void handlers_begin(capture *c, const summary_t *s, saved_handlers *sv)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    sv->tls = thread_capture;
    sv->handler = xmlStructuredError;
    sv->handler_ctx = xmlStructuredErrorContext;
    sv->generic = xmlGenericError;
    sv->generic_ctx = xmlGenericErrorContext;
    thread_capture = c;
    xmlSetStructuredErrorFunc(c, on_xml_error);
    xmlSetGenericErrorFunc(c, on_error); /* e.g. XPath's "function not found" */
}

static void handlers_end(const saved_handlers *sv)
{
    xmlSetStructuredErrorFunc(sv->handler_ctx, sv->handler);
    xmlSetGenericErrorFunc(sv->generic_ctx, sv->generic);
    thread_capture = sv->tls;
}

/* ------------------------------------------------------------- sandbox */

/* Is PATH (absolute, or relative to the working folder) a file inside the
 * template folder of S? A file that does not exist yet is judged by the
 * folder that would hold it. */
static int path_inside(const summary_t *s, const char *path)
{
    char *real = realpath(path, NULL), *copy = NULL, *slash;
    int inside = 0;

    if (!real && errno == ENOENT && (copy = strdup(path)) != NULL) {
        slash = strrchr(copy, '/');
        if (slash == copy)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
        real = realpath(slash ? copy : ".", NULL);
        if (real && !strcmp(real, s->dir))
            inside = 1; /* a new file right in the folder */
    }
    if (real && !inside)
        inside = !strncmp(real, s->dir, s->dirlen) &&
                 (real[s->dirlen] == '/' || !strcmp(s->dir, "/"));
    free(real);
    free(copy);
    return inside;
}

/* The same for a URI: only local files can be inside. */
static int uri_inside(const summary_t *s, const xmlChar *uri)
{
    xmlURIPtr u = xmlParseURI((const char *)uri);
    int inside = 0;
    if (u && (!u->scheme || !strcasecmp(u->scheme, "file")) && u->path)
        inside = path_inside(s, u->path);
    xmlFreeURI(u);
    return inside;
}

/* Records the first refusal in C, with the template's file and line when
 * a transform is running. */
static void refuse(capture *c, xsltTransformContextPtr ctxt, const char *what,
                   const char *value)
{
    char where[512] = "";
    if (!c || c->forbidden)
        return;
    c->forbidden = 1;
    if (ctxt && ctxt->inst && ctxt->inst->doc && ctxt->inst->doc->URL)
        snprintf(where, sizeof where,
                 "%s:%ld: ", (const char *)ctxt->inst->doc->URL,
                 xmlGetLineNo(ctxt->inst));
    /* TRANSLATORS: where, what was tried, on what, then why: "summary.xsl:3:
     * reading the file /etc/passwd refused: templates may read..." */
    snprintf(c->refused, sizeof c->refused, _("%s%s %s refused: %s"), where,
             what, value ? value : _("(nothing)"),
             c->s ? _("templates may read only files in their own folder, "
                      "and may not write files or use the network")
                  : _("templates may not do this"));
}

static capture *ctxt_capture(xsltTransformContextPtr ctxt)
{
    return ctxt && ctxt->_private ? (capture *)ctxt->_private : thread_capture;
}

static int sec_read_file(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
                         const char *value)
{
    capture *c = ctxt_capture(ctxt);
    (void)sec;
    if (c && c->s && value && path_inside(c->s, value))
        return 1;
    refuse(c, ctxt, _("reading the file"), value);
    return 0;
}

static int sec_write_file(xsltSecurityPrefsPtr sec,
                          xsltTransformContextPtr ctxt, const char *value)
{
    (void)sec;
    refuse(ctxt_capture(ctxt), ctxt, _("writing the file"), value);
    return 0;
}

static int sec_create_dir(xsltSecurityPrefsPtr sec,
                          xsltTransformContextPtr ctxt, const char *value)
{
    (void)sec;
    refuse(ctxt_capture(ctxt), ctxt, _("creating the folder"), value);
    return 0;
}

static int sec_read_net(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
                        const char *value)
{
    (void)sec;
    refuse(ctxt_capture(ctxt), ctxt, _("reading from the network"), value);
    return 0;
}

static int sec_write_net(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt,
                         const char *value)
{
    (void)sec;
    refuse(ctxt_capture(ctxt), ctxt, _("writing to the network"), value);
    return 0;
}

/* libxslt's document loader for every document it loads itself (included
 * and imported stylesheets, document()): safe parser options always, and
 * stylesheets only from the folder being loaded on this thread. */
static xmlDocPtr loader(const xmlChar *uri, xmlDictPtr dict, int options,
                        void *ctxt, xsltLoadType type)
{
    capture *c = thread_capture;
    xmlDocPtr doc;

    options = (options & ~UNSAFE_OPTIONS) | XML_PARSE_NONET;
    if (type == XSLT_LOAD_STYLESHEET && c && c->s && !uri_inside(c->s, uri)) {
        refuse(c, NULL, _("xsl:include or xsl:import of"), (const char *)uri);
        return NULL;
    }
    doc = default_loader(uri, dict, options, ctxt, type);
    if (doc && type == XSLT_LOAD_STYLESHEET && doc->intSubset) {
        refuse(c, NULL, "a DOCTYPE in", (const char *)uri);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static void init_once(void)
{
    xmlInitParser();
    xsltInit();
    exsltRegisterAll();
    default_loader = xsltDocDefaultLoader;
    xsltSetLoaderFunc(loader);
    xsltSetGenericErrorFunc(NULL, on_error);
}

/* ---------------------------------------------------------------- load */

static char *join_path(const char *dir, const char *name)
{
    return error_format("%s/%s", dir, name);
}

/* Compiles the stylesheet NAME of S's folder into *OUT. */
static error_code compile_file(summary_t *s, capture *c, const char *name,
                               xsltStylesheetPtr *out, char **msg)
{
    char *path = join_path(s->dir, name);
    xmlParserCtxtPtr pc = NULL;
    xmlDocPtr doc = NULL;
    struct stat st;
    error_code e;

    c->len = 0;
    c->text[0] = '\0';
    if (!path || !(pc = xmlNewParserCtxt())) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (stat(path, &st)) {
        e = error_set(msg, ERR_OPEN, "%s: %s", path,
                      errno == ENOENT ? _("missing from the template set")
                                      : strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        e = error_set(msg, ERR_OPEN, _("%s: not a regular file"), path);
        goto fail;
    }
    if (!path_inside(s, path)) {
        e = error_set(msg, ERR_FORBIDDEN,
                      _("%s: links outside the template folder"), path);
        goto fail;
    }
    if (!(doc = xmlCtxtReadFile(pc, path, NULL, SAFE_OPTIONS))) {
        e = error_set(msg, ERR_TEMPLATE, "%s", cap_text(c, "cannot parse"));
        goto fail;
    }
    if (doc->intSubset) {
        e = error_set(msg, ERR_FORBIDDEN,
                      _("%s: templates may not have a DOCTYPE"), path);
        goto fail;
    }
    if (!(*out = xsltParseStylesheetDoc(doc))) {
        e = c->forbidden
                ? error_set(msg, ERR_FORBIDDEN, "%s: %s", path, c->refused)
                : error_set(msg, ERR_TEMPLATE, "%s: %s", path,
                            cap_text(c, _("not a valid XSLT stylesheet")));
        goto fail;
    }
    xmlFreeParserCtxt(pc);
    free(path);
    return ERR_OK;
fail:
    xmlFreeDoc(doc);
    if (pc)
        xmlFreeParserCtxt(pc);
    free(path);
    return e;
}

static xsltSecurityPrefsPtr new_prefs(void)
{
    xsltSecurityPrefsPtr p = xsltNewSecurityPrefs();
    if (p &&
        (xsltSetSecurityPrefs(p, XSLT_SECPREF_READ_FILE, sec_read_file) ||
         xsltSetSecurityPrefs(p, XSLT_SECPREF_WRITE_FILE, sec_write_file) ||
         xsltSetSecurityPrefs(p, XSLT_SECPREF_CREATE_DIRECTORY,
                              sec_create_dir) ||
         xsltSetSecurityPrefs(p, XSLT_SECPREF_READ_NETWORK, sec_read_net) ||
         xsltSetSecurityPrefs(p, XSLT_SECPREF_WRITE_NETWORK, sec_write_net))) {
        xsltFreeSecurityPrefs(p);
        p = NULL;
    }
    return p;
}

void summary_free(summary_t *s)
{
    size_t i;
    if (!s)
        return;
    if (s->text)
        xsltFreeStylesheet(s->text);
    for (i = 0; i < F_COUNT; i++)
        if (s->fmt[i])
            xsltFreeStylesheet(s->fmt[i]);
    if (s->sec)
        xsltFreeSecurityPrefs(s->sec);
    docx_ref_free(s->ref);
    free(s->dir);
    free(s);
}

summary_t *summary_load(const char *dir, char **msg)
{
    summary_t *s = NULL;
    capture cap;
    saved_handlers sv;
    char *path = NULL;
    struct stat st;
    size_t i;
    int begun = 0;

    pthread_once(&once_flag, init_once);
    if (!dir || !(s = calloc(1, sizeof *s))) {
        error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (!(s->dir = realpath(dir, NULL)) || stat(s->dir, &st) ||
        !S_ISDIR(st.st_mode)) {
        error_set(msg, ERR_OPEN, _("%s: not a template folder: %s"), dir,
                  s->dir ? "not a folder" : strerror(errno));
        goto fail;
    }
    s->dirlen = strlen(s->dir);
    if (!(s->sec = new_prefs())) {
        error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    handlers_begin(&cap, s, &sv);
    begun = 1;
    if (compile_file(s, &cap, TEXT_FILE, &s->text, msg) != ERR_OK)
        goto fail;
    for (i = 0; i < F_COUNT; i++)
        if (compile_file(s, &cap, format_files[i], &s->fmt[i], msg) != ERR_OK)
            goto fail;
    handlers_end(&sv);
    begun = 0;
    if (!(path = join_path(s->dir, REFERENCE_FILE))) {
        error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (docx_ref_load(path, &s->ref, msg) != ERR_OK)
        goto fail;
    free(path);
    return s;
fail:
    if (begun)
        handlers_end(&sv);
    free(path);
    summary_free(s);
    return NULL;
}

/* -------------------------------------------------------------- render */

static int is_elem(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, ns) &&
           !strcmp((const char *)n->name, name);
}

/* Copies N (when there is one) under VROOT of VIEW. */
static error_code copy_node(xmlDocPtr view, xmlNodePtr vroot, const xmlNode *n,
                            char **msg)
{
    xmlNodePtr copy;
    if (!n)
        return ERR_OK;
    if (!(copy = xmlDocCopyNode((xmlNodePtr)n, view, 1)) ||
        !xmlAddChild(vroot, copy)) {
        xmlFreeNode(copy);
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    }
    return ERR_OK;
}

/* Copies F, the return's <findings>, into VROOT of VIEW: not the list
 * itself, only its attributes (cap, omitted) and its <notListed> counts. */
static error_code copy_findings(xmlDocPtr view, xmlNodePtr vroot,
                                const xmlNode *f, char **msg)
{
    xmlNodePtr copy;
    const xmlNode *n;
    if (!f)
        return ERR_OK;
    if (!(copy = xmlDocCopyNode((xmlNodePtr)f, view, 2)) ||
        !xmlAddChild(vroot, copy)) {
        xmlFreeNode(copy);
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    }
    for (n = retdoc_child(f, RETDOC_NOT_LISTED); n;
         n = retdoc_next(n->next, RETDOC_NOT_LISTED))
        if (copy_node(view, copy, n, msg) != ERR_OK)
            return ERR_NOMEM;
    return ERR_OK;
}

/* The view of RET that summary.xsl sees (see the note at the top): root
 * attributes, campaign, sources, the unit (LEVEL, CODE) alone, and
 * <findings> with its attributes and <notListed> counts only. */
static error_code make_view(const xmlDoc *ret, const char *level,
                            const char *code, xmlDocPtr *out, char **msg)
{
    retdoc_t *rd = NULL;
    const retdoc_unit *unit;
    const xmlNode *root;
    xmlNodePtr vroot;
    xmlDocPtr view = NULL;
    error_code e;

    *out = NULL;
    if ((e = retdoc_open(ret, NULL, &rd, msg)) != ERR_OK)
        return e;
    if (!(unit = retdoc_find(rd, level, code))) {
        e = error_set(msg, ERR_USAGE,
                      _("the return has no unit with level \"%s\" and code "
                        "\"%s\""),
                      level, code);
        goto fail;
    }
    root = retdoc_root(rd);
    if (!(view = xmlNewDoc(BAD_CAST "1.0")) ||
        !(vroot = xmlDocCopyNode((xmlNodePtr)root, view, 2))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    xmlDocSetRootElement(view, vroot);
    if ((e = copy_node(view, vroot, retdoc_child(root, RETDOC_CAMPAIGN),
                       msg)) ||
        (e = copy_node(view, vroot, retdoc_child(root, RETDOC_SOURCES), msg)))
        goto fail;
    if ((e = copy_node(view, vroot, unit->node, msg)) != ERR_OK)
        goto fail;
    if (retdoc_relabel(rd, unit->node, xmlGetLastChild(vroot)) != ERR_OK) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if ((e = copy_findings(view, vroot, retdoc_child(root, RETDOC_FINDINGS),
                           msg)) != ERR_OK)
        goto fail;
    retdoc_free(rd);
    *out = view;
    return ERR_OK;
fail:
    retdoc_free(rd);
    xmlFreeDoc(view);
    return e;
}

/* Runs STYLE (file NAME of the set) on IN with PARAMS in a transform
 * context of its own. Returns the result, or NULL with *E and *MSG set. */
static xmlDocPtr apply_style(const summary_t *s, xsltStylesheetPtr style,
                             const char *name, xmlDocPtr in,
                             const char **params, capture *c, error_code *e,
                             char **msg)
{
    xsltTransformContextPtr ctxt;
    xmlDocPtr res;
    xsltTransformState state;

    c->len = 0;
    c->text[0] = '\0';
    if (!(ctxt = xsltNewTransformContext(style, in))) {
        *e = error_set(msg, ERR_NOMEM, _("out of memory"));
        return NULL;
    }
    ctxt->_private = c;
    xsltSetTransformErrorFunc(ctxt, c, on_error);
    xsltSetCtxtParseOptions(ctxt, SAFE_OPTIONS);
    if (xsltSetCtxtSecurityPrefs(s->sec, ctxt)) {
        xsltFreeTransformContext(ctxt);
        *e = error_set(msg, ERR_NOMEM, _("out of memory"));
        return NULL;
    }
    res = xsltApplyStylesheetUser(style, in, params, NULL, NULL, ctxt);
    state = ctxt->state;
    xsltFreeTransformContext(ctxt);
    if (c->forbidden) {
        xmlFreeDoc(res);
        *e = error_set(msg, ERR_FORBIDDEN, "%s", c->refused);
        return NULL;
    }
    if (!res || state != XSLT_STATE_OK) {
        xmlFreeDoc(res);
        *e = error_set(msg, ERR_TEMPLATE, "%s/%s %s: %s", s->dir, name,
                       state == XSLT_STATE_STOPPED ? "stopped" : "failed",
                       cap_text(c, "no output"));
        return NULL;
    }
    return res;
}

/* Puts SECT (the reference's page set-up) last in RES's w:body, in place
 * of any w:sectPr docx.xsl wrote. */
static error_code put_sectpr(xmlDocPtr res, const xmlNode *sect, char **msg)
{
    xmlNodePtr body = xmlDocGetRootElement(res), c, next, copy;

    if (!is_elem(body, W_NS, "document"))
        return error_set(msg, ERR_TEMPLATE,
                         _("docx.xsl did not write a w:document"));
    for (body = body->children; body && !is_elem(body, W_NS, "body");)
        body = body->next;
    if (!body)
        return error_set(msg, ERR_TEMPLATE,
                         _("docx.xsl did not write a w:body"));
    if (!sect)
        return ERR_OK;
    for (c = body->children; c; c = next) {
        next = c->next;
        if (is_elem(c, W_NS, "sectPr")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
    if (!(copy = xmlDocCopyNode((xmlNodePtr)sect, res, 1)) ||
        !xmlAddChild(body, copy)) {
        xmlFreeNode(copy);
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    }
    return ERR_OK;
}

/* The title of the intermediate document (xmlFree), or NULL. */
static xmlChar *title_of(xmlDocPtr mid)
{
    xmlNodePtr c = xmlDocGetRootElement(mid);
    if (!is_elem(c, SUMMARY_NS, "summary"))
        return NULL;
    for (c = c->children; c; c = c->next)
        if (is_elem(c, SUMMARY_NS, "title"))
            return xmlNodeGetContent(c);
    return NULL;
}

/* LEVEL: lower-case letters and '-'; CODE: at most 12 digits. Both go into
 * XPath string literals, so neither may hold a quote. */
static int args_ok(const char *level, const char *code)
{
    size_t i;
    if (!*level || strlen(level) > 32 || strlen(code) > 12)
        return 0;
    for (i = 0; level[i]; i++)
        if (!((level[i] >= 'a' && level[i] <= 'z') || level[i] == '-'))
            return 0;
    for (i = 0; code[i]; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return 1;
}

/* True when STYLE (or a stylesheet it imports) has xsl:strip-space: its
 * transform would remove text nodes from its input. */
static int strips_space(xsltStylesheetPtr style)
{
    for (; style; style = xsltNextImport(style))
        if (style->stripSpaces || style->stripAll == 1)
            return 1;
    return 0;
}

/* Lays the intermediate MID out as format FMT and writes PATH. MID is
 * shared by the formats of a set: a layout that strips space gets a copy,
 * so each format sees the intermediate as summary.xsl made it. */
static error_code render_format(const summary_t *s, xmlDocPtr mid, int fmt,
                                const char **params, const char *path,
                                const render_opts *opts, capture *cap,
                                char **msg)
{
    xmlDocPtr res = NULL, in = mid, copy = NULL;
    xmlChar *out = NULL, *title = NULL;
    int outlen = 0;
    error_code e = ERR_OK;

    if (strips_space(s->fmt[fmt]) && !(in = copy = xmlCopyDoc(mid, 1)))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    res = apply_style(s, s->fmt[fmt], format_files[fmt], in, params, cap, &e,
                      msg);
    xmlFreeDoc(copy);
    if (!res)
        return e;
    if (fmt == F_DOCX &&
        (e = put_sectpr(res, docx_ref_sectpr(s->ref), msg)) != ERR_OK)
        goto done;
    if (xsltSaveResultToString(&out, &outlen, res, s->fmt[fmt]) || outlen < 0) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto done;
    }
    if (fmt == F_DOCX) {
        title = title_of(mid);
        e = docx_write(s->ref, path, out ? (const void *)out : "",
                       (size_t)outlen, (const char *)title,
                       opts ? opts->created : 0, msg);
    } else {
        e = output_write_file(path, out ? (const void *)out : "",
                              (size_t)outlen, msg);
    }
done:
    xmlFree(title);
    xmlFree(out);
    xmlFreeDoc(res);
    return e;
}

error_code summary_render_set(const summary_t *s, const xmlDoc *ret,
                              const char *level, const char *code,
                              const summary_out *outs, size_t n,
                              const render_opts *opts, size_t *failed,
                              char **msg)
{
    capture cap;
    saved_handlers sv;
    xmlDocPtr view = NULL, mid = NULL;
    int fmts[F_COUNT], begun = 0;
    char qlevel[40], qcode[20];
    const char *params[5];
    size_t i, at = 0;
    error_code e;

    if (!s || !ret || !level || !code || (n && !outs) || n > F_COUNT) {
        e = error_set(msg, ERR_USAGE, _("summary_render: missing argument"));
        goto fail;
    }
    for (i = 0; i < n; i++) {
        int fmt;
        at = i;
        if (!outs[i].format || !outs[i].path) {
            e = error_set(msg, ERR_USAGE,
                          _("summary_render: missing argument"));
            goto fail;
        }
        for (fmt = 0;
             fmt < F_COUNT && strcmp(outs[i].format, format_names[fmt]); fmt++)
            ;
        if (fmt == F_COUNT) {
            e = error_set(msg, ERR_USAGE,
                          _("unknown summary format \"%s\" (docx, html or md)"),
                          outs[i].format);
            goto fail;
        }
        fmts[i] = fmt;
    }
    at = 0;
    if (!args_ok(level, code)) {
        e = error_set(msg, ERR_USAGE, _("bad unit level \"%s\" or code \"%s\""),
                      level, code);
        goto fail;
    }
    snprintf(qlevel, sizeof qlevel, "'%s'", level);
    snprintf(qcode, sizeof qcode, "'%s'", code);
    params[0] = "level";
    params[1] = qlevel;
    params[2] = "code";
    params[3] = qcode;
    params[4] = NULL;

    if ((e = make_view(ret, level, code, &view, msg)) != ERR_OK)
        goto fail;
    handlers_begin(&cap, s, &sv);
    begun = 1;
    /* the wording, once for the unit; then each format from it */
    if (!(mid =
              apply_style(s, s->text, TEXT_FILE, view, params, &cap, &e, msg)))
        goto fail;
    xmlFreeDoc(view);
    view = NULL;
    for (at = 0; at < n; at++)
        if ((e = render_format(s, mid, fmts[at], params, outs[at].path, opts,
                               &cap, msg)) != ERR_OK)
            goto fail;
    handlers_end(&sv);
    xmlFreeDoc(mid);
    return ERR_OK;
fail:
    if (begun)
        handlers_end(&sv);
    if (failed)
        *failed = at < n ? at : 0;
    /* a set is whole or not at all: what was written of it goes too */
    if (outs)
        for (i = 0; i < n; i++)
            if (outs[i].path)
                remove(outs[i].path);
    xmlFreeDoc(mid);
    xmlFreeDoc(view);
    return e;
}

error_code summary_render(const summary_t *s, const xmlDoc *ret,
                          const char *level, const char *code,
                          const char *format, const char *path,
                          const render_opts *opts, char **msg)
{
    summary_out o;
    o.format = format;
    o.path = path;
    return summary_render_set(s, ret, level, code, &o, 1, opts, NULL, msg);
}
