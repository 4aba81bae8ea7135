/*
 * retdoc.c — see retdoc.h.
 *
 * retdoc_open walks the root's children once: the campaign, the sources
 * (typed), the units (typed, in document order, then an index array
 * sorted into report order) and the finding elements. Nothing else is
 * copied: the rows of a unit's tables are read on demand from the
 * document with retdoc_child/retdoc_row/retdoc_count, their labels with
 * retdoc_label (return_parse's tree has them in its first unit only: a
 * later unit's row gives those of the first unit's row at its place;
 * retdoc_relabel puts them back on a copy, a summary's view).
 *
 * Report order sorts by the code with "~" appended for a roll-up (so a
 * street 620402003 sorts after its communities 620402003xxx, its district
 * 620402 after it, and 'all', code "", after everything), then by level
 * rank, then by document order, so equal keys keep the document's order.
 *
 * Figures (retdoc_figures) are every attribute of a unit's tables but the
 * labels and keys (value, zh, en, id, name, team); retdoc_diff first
 * compares the two units node by node, labels aside (alike: no
 * difference, the usual case),
 * else lists B's figures in a libxml2 hash by path, then walks A's.
 *
 * Loading (retdoc_load) treats a return like a hostile register, with the
 * reader's approach: the reader's own open (input.c: regular files only,
 * a FIFO never waited for), a push parser fed
 * 64 KiB chunks with XML_PARSE_NONET only, the DOCTYPE refused in the
 * internalSubset callback (before an entity could be declared, let alone
 * expanded), a 4 MB bound on one unparsed construct, a cut file named as
 * such. The tree is built by libxml2's own SAX2 handlers, without the
 * indentation (XML_PARSE_NOBLANKS), behind the return schema's SAX plug
 * (validated in the same pass: no tree holds the whole return), and is
 * lean: as each listed finding closes it leaves the tree, written as a
 * record (its values NUL-ended, read in place: record_finding) to a
 * scratch file in $TMPDIR, or dropped when the caller has no use for the
 * list (verify). The scratch file is then mapped as build's own return
 * is (output_map), so a return listing every finding of a million
 * households is read in the memory of one listing a thousand (a 58 MB
 * return: merge 607 MB before, 38 MB; verify 485 MB, 25 MB). A root that
 * is not a return stops the parse. Markup was the first copy: libxml2's
 * serializer, with no encoding, writes a Chinese character as a
 * character reference, and parsing the copy again at each read made a
 * merge of 200 listing returns half as slow again as the tree. libxml2
 * 2.9.14 can leak identity-constraint matchers after a validation:
 * load_unplugged frees them.
 *
 * Why one file: reading a return is one job whoever does it — the
 * renderers walking units, merge and verify comparing them, and loading a
 * file given by someone else — and the element names, the figure paths
 * and the safe-loading rules must agree; apart, they would drift.
 *
 * A lean document (return_parse's, RETDOC_LEAN) holds no listed finding:
 * it borrows the return's bytes, where retdoc_open counts the list (the
 * first finding's start in <findings>'s psvi, the bytes' end in the
 * root's; one finding after the other) and retdoc_finding_at walks it,
 * parsing each finding's markup with one push parser, whose SAX handler
 * copies the attributes and the text into two buffers (the strings handed
 * out until the next call): a list of any length costs the tree nothing.
 * A finding read out of order is found by walking from the first.
 * Findings read in order (the renderers' case) are pushed
 * one after the other into one open wrapper element, each parsed whole
 * before xmlParseChunk returns (its last '>' is in the buffer); the
 * parser is reset, and the wrapper opened again, only for the first
 * finding, one read out of order or after markup that was not one whole
 * element. A reset costs a new input buffer, 3 us a finding: reading the
 * 16,000 findings a batch's workbook lists took 0.09 s of CPU, 0.03 s
 * now (perf). A lean document over a file mapping (RETDOC_LEAN_MAPPED:
 * build's return when it lists every finding, hundreds of MB) has its
 * pages let go every 4 MiB behind a walk of the list (retdoc_let_go), and
 * its length is taken from the count return_parse made (the doc's psvi)
 * rather than walked again at each retdoc_open; so is a loaded return's
 * (retdoc_load, RETDOC_LEAN_RECORDS), whose list is records. Other
 * documents (a test's) are read from their nodes.
 *
 * Attribute values are borrowed from the document when they are a single
 * text node (always so for a return return.c built); any other value is
 * copied into the retdoc_t's arena. A failed copy reads as absent and
 * makes retdoc_error say ERR_NOMEM.
 */
#define _DEFAULT_SOURCE 1 /* madvise */

#include "retdoc.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <nettle/sha2.h>

#include "buf.h"
#include "i18n.h"
#include "input.h"
#include "output.h"

#define REGISTER_NS "urn:canvass:register:1"
#define LOAD_CHUNK 65536
#define PENDING_MAX (4u << 20) /* unparsed bytes of one construct */
#define MAX_LOAD_DIAGS 1000    /* listed per file */

/* The parser of a lean finding's markup (retdoc_finding_at): a push
 * parser inside the wrapper LEAN_OPEN, whose SAX start handler copies the
 * finding's attributes into VAL (NUL-terminated, at OFF[k] for the k-th
 * of lean_names; 0 when absent) and whose characters go to MSG. NEXT is
 * the finding it can take without a reset (SIZE_MAX: none). */
#define LEAN_OPEN "<l>"
static const char *const lean_names[] = {
    "file",  "rule", "severity", "community", "household",
    "visit", "item", "cadre",    "line",      "col"};
#define LEAN_N (sizeof lean_names / sizeof *lean_names)
typedef struct {
    xmlParserCtxtPtr ctxt;
    buf_t val, msg;
    size_t off[LEAN_N];
    size_t next;
    const char *at;   /* the markup of finding NEXT */
    const char *kept; /* mapped: what is before it has been let go */
    int depth, elements, stray;
} lean_reader;

const char retdoc_lean_mark[3] = {1, 2, 3};

/* What a walk of mapped bytes reads before it lets go of what it passed. */
#define LET_GO_EVERY ((size_t)4 << 20)

void retdoc_let_go(const char *from, const char *to)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)from + pg - 1) & ~(pg - 1),
              z = (uintptr_t)to & ~(pg - 1);
    if (pg && z > a)
        (void)madvise((void *)a, z - a, MADV_DONTNEED); /* advice */
}

struct retdoc {
    const xmlNode *root;
    const xmlNode *sources_el, *findings_el;
    retdoc_campaign campaign;
    int partial;
    retdoc_source *sources;
    size_t nsources, csources;
    retdoc_unit *units; /* document order */
    size_t nunits, cunits;
    const retdoc_unit **order; /* report order */
    const retdoc_unit *top;
    const xmlNode **findings; /* not lean */
    size_t nfindings, cfindings;
    const char *lean_first, *lean_end; /* lean: the list's bytes */
    char **arena; /* attribute values copied out of the document */
    size_t narena, carena;
    int oom;
    int lean;        /* the document is lean (RETDOC_LEAN): findings are... */
    int mapped;      /* ...(RETDOC_LEAN_MAPPED: in a mapping, let go of) */
    int records;     /* ...records (RETDOC_LEAN_RECORDS, mapped too) */
    int bad;         /* ...parsed from their markup, and one could not be */
    lean_reader *fr; /* that parser, made at the first finding read */
};

size_t retdoc_level_digits(const char *level)
{
    if (!level)
        return 0;
    if (!strcmp(level, RETDOC_LEVEL_STREET))
        return RETDOC_STREET_DIGITS;
    if (!strcmp(level, RETDOC_LEVEL_DISTRICT))
        return RETDOC_DISTRICT_DIGITS;
    if (!strcmp(level, RETDOC_LEVEL_CITY))
        return RETDOC_CITY_DIGITS;
    return 0;
}

/* ------------------------------------------------------------- elements */

static int is_elem(const xmlNode *n, const char *el)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, RETURN_NS) &&
           !strcmp((const char *)n->name, el);
}

const xmlNode *retdoc_next(const xmlNode *n, const char *el)
{
    for (; n; n = n->next)
        if (is_elem(n, el))
            return n;
    return NULL;
}

const xmlNode *retdoc_child(const xmlNode *n, const char *el)
{
    return n ? retdoc_next(n->children, el) : NULL;
}

const char *retdoc_attr(retdoc_t *rd, const xmlNode *n, const char *name)
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
    if (!s || GROW(rd->arena, rd->narena + 1, rd->carena) != ERR_OK) {
        free(s);
        rd->oom = 1;
        return NULL;
    }
    return rd->arena[rd->narena++] = s;
}

const char *retdoc_attr0(retdoc_t *rd, const xmlNode *n, const char *name)
{
    const char *s = retdoc_attr(rd, n, name);
    return s ? s : "";
}

const char *retdoc_label(retdoc_t *rd, const xmlNode *row, const char *lang)
{
    const xmlNode *up[RETDOC_LABEL_DEPTH], *n, *at;
    const char *s = retdoc_attr(rd, row, lang), *v;
    size_t k = 0;

    if (s || !rd->nunits || !retdoc_attr(rd, row, "value"))
        return s;
    /* the rows from ROW up to its unit, which is a child of the root */
    for (n = row; n && n->parent != rd->root; n = n->parent) {
        if (k == sizeof up / sizeof *up || n->type != XML_ELEMENT_NODE)
            return NULL;
        up[k++] = n;
    }
    if (!n || n == rd->units[0].node)
        return NULL; /* not in a unit, or in the first, which has them all */
    /* down the first unit along them */
    at = rd->units[0].node;
    while (k-- > 0) {
        v = retdoc_attr(rd, up[k], "value");
        for (n = retdoc_child(at, (const char *)up[k]->name); n;
             n = retdoc_next(n->next, (const char *)up[k]->name)) {
            const char *w = retdoc_attr(rd, n, "value");
            if ((!v && !w) || (v && w && !strcmp(v, w)))
                break;
        }
        if (!(at = n))
            return NULL;
    }
    return retdoc_attr(rd, at, lang);
}

/* See retdoc.h: the labels after @value, as the return has them. */
error_code retdoc_relabel(retdoc_t *rd, const xmlNode *orig, xmlNodePtr copy)
{
    static const char *const langs[2] = {"zh", "en"};
    xmlAttrPtr after = xmlHasProp(copy, BAD_CAST "value"), a;
    const xmlNode *o;
    xmlNodePtr k;
    size_t i;

    for (i = 0; after && i < 2; i++) {
        const char *l;
        if (xmlHasProp(copy, BAD_CAST langs[i]) ||
            !(l = retdoc_label(rd, orig, langs[i])))
            continue;
        if (!(a = xmlNewNsProp(copy, NULL, BAD_CAST langs[i], BAD_CAST l)))
            return ERR_NOMEM;
        if (after->next != a) { /* made last: moved after AFTER */
            a->prev->next = NULL;
            a->next = after->next;
            a->prev = after;
            after->next->prev = a;
            after->next = a;
        }
        after = a;
    }
    for (o = orig->children, k = copy->children; o && k;
         o = o->next, k = k->next)
        if (o->type == XML_ELEMENT_NODE && retdoc_relabel(rd, o, k) != ERR_OK)
            return ERR_NOMEM;
    return ERR_OK;
}

unsigned long long retdoc_count(retdoc_t *rd, const xmlNode *n,
                                const char *name)
{
    const char *s = retdoc_attr(rd, n, name);
    return s ? strtoull(s, NULL, 10) : 0;
}

static int is_true(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "1"));
}

const xmlNode *retdoc_row(retdoc_t *rd, const xmlNode *parent, const char *el,
                          const char *value)
{
    const xmlNode *n;
    for (n = retdoc_child(parent, el); n; n = retdoc_next(n->next, el)) {
        const char *v = retdoc_attr(rd, n, "value");
        if (v && value && !strcmp(v, value))
            return n;
    }
    return NULL;
}

error_code retdoc_rows(const xmlNode *parent, const char *el,
                       const xmlNode ***rows, size_t *n)
{
    const xmlNode *r, **v;
    size_t k = 0;

    *rows = NULL;
    *n = 0;
    for (r = retdoc_child(parent, el); r; r = retdoc_next(r->next, el))
        k++;
    if (!k)
        return ERR_OK;
    if (!(v = calloc(k, sizeof *v)))
        return ERR_NOMEM;
    for (r = retdoc_child(parent, el); r; r = retdoc_next(r->next, el))
        v[(*n)++] = r;
    *rows = v;
    return ERR_OK;
}

/* ---------------------------------------------------------------- units */

/* Character I of U's sort key: its code, "~" appended for a roll-up. */
static int key_at(const retdoc_unit *u, size_t i, size_t len)
{
    if (i < len)
        return (unsigned char)u->code[i];
    return i == len && u->rank >= 0 ? '~' : 0;
}

static int report_cmp(const void *a, const void *b)
{
    const retdoc_unit *x = *(const retdoc_unit *const *)a;
    const retdoc_unit *y = *(const retdoc_unit *const *)b;
    size_t lx = strlen(x->code), ly = strlen(y->code), i;

    for (i = 0;; i++) {
        int cx = key_at(x, i, lx), cy = key_at(y, i, ly);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (!cx)
            break;
    }
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void pick_top(retdoc_t *rd)
{
    size_t i;
    for (i = 0; i < rd->nunits; i++) {
        const retdoc_unit *u = rd->order[i], *t = rd->top;
        if (!strcmp(u->level, RETDOC_LEVEL_ALL)) {
            rd->top = u;
            return;
        }
        if (!t || u->communities > t->communities ||
            (u->communities == t->communities && u->rank > t->rank))
            rd->top = u;
    }
}

static error_code add_unit(retdoc_t *rd, const xmlNode *n,
                           const vocab_t *levels)
{
    retdoc_unit *u;
    if (GROW(rd->units, rd->nunits + 1, rd->cunits) != ERR_OK)
        return ERR_NOMEM;
    u = &rd->units[rd->nunits];
    memset(u, 0, sizeof *u);
    u->node = n;
    u->index = rd->nunits++;
    u->level = retdoc_attr0(rd, n, "level");
    u->code = retdoc_attr0(rd, n, "code");
    u->name = retdoc_attr0(rd, n, "name");
    u->street = retdoc_attr0(rd, n, "street");
    u->district = retdoc_attr0(rd, n, "district");
    u->city = retdoc_attr0(rd, n, "city");
    u->communities = retdoc_count(rd, n, "communities");
    u->rank = levels ? vocab_index(levels, "level", u->level) : 0;
    if (!strcmp(u->level, RETDOC_LEVEL_COMMUNITY))
        u->rank = -1;
    return ERR_OK;
}

static error_code add_source(retdoc_t *rd, const xmlNode *n)
{
    retdoc_source *s;
    if (GROW(rd->sources, rd->nsources + 1, rd->csources) != ERR_OK)
        return ERR_NOMEM;
    s = &rd->sources[rd->nsources++];
    s->file = retdoc_attr0(rd, n, "file");
    s->sha256 = retdoc_attr0(rd, n, "sha256");
    s->community = retdoc_attr0(rd, n, "community");
    s->size = retdoc_count(rd, n, "size");
    s->errors = retdoc_count(rd, n, "errors");
    s->warnings = retdoc_count(rd, n, "warnings");
    s->included = is_true(retdoc_attr(rd, n, "included"));
    return ERR_OK;
}

error_code retdoc_open(const xmlDoc *doc, const vocab_t *levels, retdoc_t **out,
                       char **msg)
{
    retdoc_t *rd;
    const xmlNode *n, *c;
    size_t i;

    *out = NULL;
    if (!(rd = calloc(1, sizeof *rd)))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    rd->root = doc ? xmlDocGetRootElement(doc) : NULL;
    rd->records = doc && doc->_private == RETDOC_LEAN_RECORDS;
    rd->mapped = doc && (doc->_private == RETDOC_LEAN_MAPPED || rd->records);
    rd->lean = doc && (doc->_private == RETDOC_LEAN || rd->mapped);
    if (!is_elem(rd->root, RETDOC_RETURN)) {
        retdoc_free(rd);
        return error_set(msg, ERR_INVALID, _("not a return document (%s)"),
                         RETURN_NS);
    }
    rd->partial = is_true(retdoc_attr(rd, rd->root, "partial"));
    c = retdoc_child(rd->root, RETDOC_CAMPAIGN);
    rd->campaign.id = retdoc_attr0(rd, c, "id");
    rd->campaign.title = retdoc_attr0(rd, c, "title");
    rd->campaign.start = retdoc_attr0(rd, c, "start");
    rd->campaign.end = retdoc_attr0(rd, c, "end");
    rd->campaign.reported = retdoc_attr0(rd, c, "reported");
    rd->sources_el = retdoc_child(rd->root, RETDOC_SOURCES);
    for (n = retdoc_child(rd->sources_el, RETDOC_SOURCE); n;
         n = retdoc_next(n->next, RETDOC_SOURCE))
        if (add_source(rd, n) != ERR_OK)
            goto nomem;
    for (n = retdoc_child(rd->root, RETDOC_UNIT); n;
         n = retdoc_next(n->next, RETDOC_UNIT))
        if (add_unit(rd, n, levels) != ERR_OK)
            goto nomem;
    rd->findings_el = retdoc_child(rd->root, RETDOC_FINDINGS);
    if (rd->lean) {
        rd->lean_first = rd->findings_el ? rd->findings_el->psvi : NULL;
        rd->lean_end = rd->root->psvi;
        if ((rd->nfindings = retdoc_lean_count(doc)) == (size_t)-1) {
            rd->nfindings = 0;
            rd->bad = 1;
        }
    }
    for (n = rd->lean ? NULL : retdoc_child(rd->findings_el, RETDOC_FINDING); n;
         n = retdoc_next(n->next, RETDOC_FINDING)) {
        if (GROW(rd->findings, rd->nfindings + 1, rd->cfindings) != ERR_OK)
            goto nomem;
        rd->findings[rd->nfindings++] = n;
    }
    if (rd->nunits) {
        if (!(rd->order = calloc(rd->nunits, sizeof *rd->order)))
            goto nomem;
        for (i = 0; i < rd->nunits; i++)
            rd->order[i] = &rd->units[i];
        qsort(rd->order, rd->nunits, sizeof *rd->order, report_cmp);
        pick_top(rd);
    }
    if (rd->oom)
        goto nomem;
    *out = rd;
    return ERR_OK;
nomem:
    retdoc_free(rd);
    return error_set(msg, ERR_NOMEM, _("out of memory"));
}

void retdoc_free(retdoc_t *rd)
{
    size_t i;
    if (!rd)
        return;
    for (i = 0; i < rd->narena; i++)
        free(rd->arena[i]);
    free(rd->arena);
    free(rd->sources);
    free(rd->units);
    free(rd->order);
    free(rd->findings);
    if (rd->fr) {
        xmlFreeParserCtxt(rd->fr->ctxt);
        buf_free(&rd->fr->val);
        buf_free(&rd->fr->msg);
        free(rd->fr);
    }
    free(rd);
}

error_code retdoc_error(const retdoc_t *rd)
{
    if (rd->oom)
        return ERR_NOMEM;
    return rd->bad ? ERR_INTERNAL : ERR_OK;
}

const xmlNode *retdoc_root(const retdoc_t *rd)
{
    return rd->root;
}

const retdoc_campaign *retdoc_campaign_of(const retdoc_t *rd)
{
    return &rd->campaign;
}

int retdoc_partial(const retdoc_t *rd)
{
    return rd->partial;
}

size_t retdoc_nsources(const retdoc_t *rd)
{
    return rd->nsources;
}

const retdoc_source *retdoc_source_at(const retdoc_t *rd, size_t i)
{
    return i < rd->nsources ? &rd->sources[i] : NULL;
}

size_t retdoc_nunits(const retdoc_t *rd)
{
    return rd->nunits;
}

const retdoc_unit *retdoc_unit_at(const retdoc_t *rd, size_t i)
{
    return i < rd->nunits ? rd->order[i] : NULL;
}

const retdoc_unit *retdoc_unit_in_doc(const retdoc_t *rd, size_t i)
{
    return i < rd->nunits ? &rd->units[i] : NULL;
}

const retdoc_unit *retdoc_find(const retdoc_t *rd, const char *level,
                               const char *code)
{
    size_t i;
    for (i = 0; i < rd->nunits; i++)
        if (!strcmp(rd->units[i].level, level) &&
            !strcmp(rd->units[i].code, code))
            return &rd->units[i];
    return NULL;
}

const retdoc_unit *retdoc_top(const retdoc_t *rd)
{
    return rd->top;
}

int retdoc_covers(const retdoc_unit *u, const retdoc_unit *c)
{
    if (u == c)
        return 1;
    return !strcmp(c->level, RETDOC_LEVEL_COMMUNITY) &&
           strcmp(u->level, RETDOC_LEVEL_COMMUNITY) &&
           !strncmp(c->code, u->code, strlen(u->code));
}

/* ------------------------------------------------------------- findings */

const char *retdoc_finding_end(const char *a, const char *end)
{
    static const char close[] = "</" RETDOC_FINDING ">";
    const size_t n = sizeof close - 1;
    const char *p;
    char quote = 0;
    for (p = a + 1; p < end; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            break;
        }
    }
    if (p == end)
        return NULL;
    if (p[-1] == '/')
        return p + 1;
    p = memchr(p, '<', (size_t)(end - p));
    return p && (size_t)(end - p) >= n && !memcmp(p, close, n) ? p + n : NULL;
}

/* The finding after the one ending at Z, in bytes ending at END: the
 * start of its tag past white space, or NULL when what follows is not a
 * finding (the list's end). */
static const char *lean_next(const char *z, const char *end)
{
    static const char tag[] = "<" RETDOC_FINDING;
    const size_t n = sizeof tag - 1;
    while (z < end && *z && strchr(" \t\r\n", *z))
        z++;
    return (size_t)(end - z) > n && !memcmp(z, tag, n) && z[n] &&
                   strchr(" \t\r\n/>", z[n])
               ? z
               : NULL;
}

size_t retdoc_lean_count(const xmlDoc *doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc),
                  *f = retdoc_child(root, RETDOC_FINDINGS);
    const char *p = f ? f->psvi : NULL, *end = root ? root->psvi : NULL, *z;
    const char *kept = p;
    int mapped = doc && doc->_private == RETDOC_LEAN_MAPPED;
    size_t n = 0;
    if (doc && doc->psvi) /* counted by return_parse already */
        return (size_t)((uintptr_t)doc->psvi - 1);
    if (p && !end)
        return (size_t)-1;
    for (; p; p = lean_next(z, end), n++) {
        if (!(z = retdoc_finding_end(p, end)))
            return (size_t)-1;
        if (mapped && (size_t)(z - kept) >= LET_GO_EVERY) {
            retdoc_let_go(kept, z);
            kept = z;
        }
    }
    if (mapped && kept)
        retdoc_let_go(kept, end);
    return n;
}

size_t retdoc_nfindings(const retdoc_t *rd)
{
    return rd->nfindings;
}

#if LIBXML_VERSION >= 21200
static void lean_quiet(void *arg, const xmlError *e)
#else
static void lean_quiet(void *arg, xmlError *e)
#endif
{
    (void)arg;
    (void)e;
}

static void lean_start(void *ud, const xmlChar *name, const xmlChar *prefix,
                       const xmlChar *uri, int nns, const xmlChar **ns,
                       int nattr, int ndef, const xmlChar **attrs)
{
    lean_reader *r = ud;
    int a;
    size_t k;
    (void)prefix;
    (void)uri;
    (void)nns;
    (void)ns;
    (void)ndef;
    /* depth 0 is the wrapper's start; the finding is at 1 */
    if (r->depth++ != 1 || strcmp((const char *)name, RETDOC_FINDING))
        return;
    r->elements++;
    /* five pointers an attribute: name, prefix, URI, value, its end */
    for (a = 0; a < nattr; a++, attrs += 5)
        for (k = 0; k < LEAN_N; k++)
            if (!strcmp((const char *)attrs[0], lean_names[k])) {
                r->off[k] = r->val.len + 1; /* 0 stays "absent" */
                buf_add(&r->val, (const char *)attrs[3],
                        (size_t)(attrs[4] - attrs[3]));
                buf_add(&r->val, "", 1);
                break;
            }
}

static void lean_end(void *ud, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri)
{
    (void)name;
    (void)prefix;
    (void)uri;
    ((lean_reader *)ud)->depth--;
}

static void lean_chars(void *ud, const xmlChar *s, int n)
{
    lean_reader *r = ud;
    if (r->depth == 2)
        buf_add(&r->msg, (const char *)s, (size_t)n);
    else if (r->depth == 1)
        r->stray = 1; /* text beside the finding */
}

/* Attribute K of the finding just parsed: NULL when absent. */
static const char *lean_value(const lean_reader *r, size_t k)
{
    return r->off[k] ? buf_str(&r->val) + r->off[k] - 1 : NULL;
}

/* F from the markup of the I-th lean finding. 0, or -1 with rd->oom or
 * rd->bad set. */
static int lean_finding(retdoc_t *rd, size_t i, retdoc_finding *f)
{
    lean_reader *r = rd->fr;
    const char *v, *a, *z;
    size_t k;

    if (!r) {
        xmlSAXHandler sax;
        memset(&sax, 0, sizeof sax);
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = lean_start;
        sax.endElementNs = lean_end;
        sax.characters = lean_chars;
        sax.serror = lean_quiet;
        if (!(r = calloc(1, sizeof *r)) ||
            !(r->ctxt = xmlCreatePushParserCtxt(&sax, r, NULL, 0, NULL))) {
            free(r);
            rd->oom = 1;
            return -1;
        }
        /* NOENT: without it libxml2 hands a '&' of an attribute value
         * (written &amp;) to SAX as "&#38;", for its tree builder to
         * decode. No entity can be declared: the markup is one element,
         * and a DOCTYPE inside one is not well-formed. */
        xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_NOENT |
                                       XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        r->next = SIZE_MAX;
        rd->fr = r;
    }
    if (i != r->next) {
        if (xmlCtxtResetPush(r->ctxt, NULL, 0, NULL, NULL)) {
            rd->oom = 1;
            return -1;
        }
        r->depth = 0;
        xmlParseChunk(r->ctxt, LEAN_OPEN, (int)strlen(LEAN_OPEN), 0);
        /* from the first (retdoc_open counted them: each has its end) */
        for (a = rd->lean_first, k = 0; a && k < i; k++)
            a = (z = retdoc_finding_end(a, rd->lean_end))
                    ? lean_next(z, rd->lean_end)
                    : NULL;
        r->at = a;
    }
    if (!(a = r->at) || !(z = retdoc_finding_end(a, rd->lean_end)) ||
        z - a > INT_MAX) {
        rd->bad = 1;
        return -1;
    }
    r->next = SIZE_MAX; /* until this one is whole */
    buf_truncate(&r->val, 0);
    buf_truncate(&r->msg, 0);
    memset(r->off, 0, sizeof r->off);
    r->elements = r->stray = 0;
    xmlParseChunk(r->ctxt, a, (int)(z - a), 0);
    if (buf_error(&r->val) != ERR_OK || buf_error(&r->msg) != ERR_OK ||
        r->ctxt->errNo == XML_ERR_NO_MEMORY) {
        rd->oom = 1;
        return -1;
    }
    /* one finding, closed, and nothing beside it: text after it would
     * wait in the input for a '<' */
    if (!r->ctxt->wellFormed || r->elements != 1 || r->depth != 1 || r->stray ||
        !r->ctxt->input || r->ctxt->input->cur != r->ctxt->input->end) {
        rd->bad = 1;
        return -1;
    }
    r->next = i + 1;
    r->at = lean_next(z, rd->lean_end);
    if (rd->mapped) {
        if (!r->kept || r->kept > a)
            r->kept = a;
        else if ((size_t)(a - r->kept) >= LET_GO_EVERY) {
            retdoc_let_go(r->kept, a);
            r->kept = a;
        }
    }
    f->file = (v = lean_value(r, 0)) ? v : "";
    f->rule = (v = lean_value(r, 1)) ? v : "";
    f->severity = (v = lean_value(r, 2)) ? v : "";
    f->community = lean_value(r, 3);
    f->household = lean_value(r, 4);
    f->visit = lean_value(r, 5);
    f->item = lean_value(r, 6);
    f->cadre = lean_value(r, 7);
    f->line = (v = lean_value(r, 8)) ? strtoull(v, NULL, 10) : 0;
    f->col = (v = lean_value(r, 9)) ? strtoull(v, NULL, 10) : 0;
    f->message = buf_str(&r->msg);
    return 0;
}

/* A record of the list of a loaded return (retdoc_load): its length (a
 * uint32_t: the bytes after it), which of lean_names it has (a uint16_t,
 * bit k for the k-th), then those values and the message, each ended by
 * a NUL (an absent value as an empty one): read in place, no parse. */
#define RECORD_HEAD (sizeof(uint32_t) + sizeof(uint16_t))

/* F from the I-th record; as lean_finding. */
static int record_finding(retdoc_t *rd, size_t i, retdoc_finding *f)
{
    lean_reader *r = rd->fr;
    const char *v[LEAN_N + 1], *a, *p, *z;
    uint32_t len;
    uint16_t has;
    size_t k;

    if (!r) {
        if (!(r = calloc(1, sizeof *r))) {
            rd->oom = 1;
            return -1;
        }
        r->next = SIZE_MAX;
        rd->fr = r;
    }
    if (i != r->next) { /* from the first, by the lengths */
        for (a = rd->lean_first, k = 0; a && k < i; k++) {
            if (a > rd->lean_end || (size_t)(rd->lean_end - a) < RECORD_HEAD) {
                a = NULL;
                break;
            }
            memcpy(&len, a, sizeof len);
            a += sizeof len + len;
        }
        r->at = a;
    }
    r->next = SIZE_MAX;
    if (!(a = r->at) || a > rd->lean_end ||
        (size_t)(rd->lean_end - a) < RECORD_HEAD) {
        rd->bad = 1;
        return -1;
    }
    memcpy(&len, a, sizeof len);
    memcpy(&has, a + sizeof len, sizeof has);
    p = a + RECORD_HEAD;
    z = a + sizeof len + len;
    if (len < sizeof has || z > rd->lean_end) {
        rd->bad = 1;
        return -1;
    }
    for (k = 0; k <= LEAN_N; k++) {
        const char *e = p < z ? memchr(p, 0, (size_t)(z - p)) : NULL;
        if (!e) {
            rd->bad = 1;
            return -1;
        }
        v[k] = k == LEAN_N || (has >> k & 1) ? p : NULL;
        p = e + 1;
    }
    r->next = i + 1;
    r->at = z;
    if (!r->kept || r->kept > a)
        r->kept = a;
    else if ((size_t)(a - r->kept) >= LET_GO_EVERY) {
        retdoc_let_go(r->kept, a);
        r->kept = a;
    }
    f->file = v[0] ? v[0] : "";
    f->rule = v[1] ? v[1] : "";
    f->severity = v[2] ? v[2] : "";
    f->community = v[3];
    f->household = v[4];
    f->visit = v[5];
    f->item = v[6];
    f->cadre = v[7];
    f->line = v[8] ? strtoull(v[8], NULL, 10) : 0;
    f->col = v[9] ? strtoull(v[9], NULL, 10) : 0;
    f->message = v[LEAN_N];
    return 0;
}

int retdoc_finding_at(retdoc_t *rd, size_t i, retdoc_finding *f)
{
    const xmlNode *n;
    if (i >= rd->nfindings)
        return -1;
    if (rd->records)
        return record_finding(rd, i, f);
    if (rd->lean)
        return lean_finding(rd, i, f);
    n = rd->findings[i];
    f->file = retdoc_attr0(rd, n, "file");
    f->rule = retdoc_attr0(rd, n, "rule");
    f->severity = retdoc_attr0(rd, n, "severity");
    f->message = retdoc_text(rd, n);
    f->community = retdoc_attr(rd, n, "community");
    f->household = retdoc_attr(rd, n, "household");
    f->visit = retdoc_attr(rd, n, "visit");
    f->item = retdoc_attr(rd, n, "item");
    f->cadre = retdoc_attr(rd, n, "cadre");
    f->line = retdoc_count(rd, n, "line");
    f->col = retdoc_count(rd, n, "col");
    return 0;
}

unsigned long long retdoc_findings_omitted(retdoc_t *rd)
{
    return retdoc_count(rd, rd->findings_el, "omitted");
}

int retdoc_findings_limit(retdoc_t *rd, unsigned long long *limit)
{
    if (!retdoc_attr(rd, rd->findings_el, "limit"))
        return 0;
    *limit = retdoc_count(rd, rd->findings_el, "limit");
    return 1;
}

/* ---------------------------------------------------------------- text */

const char *retdoc_text(retdoc_t *rd, const xmlNode *n)
{
    xmlChar *v;
    char *s;
    if (!n || !n->children)
        return "";
    if (n->children->type == XML_TEXT_NODE && !n->children->next)
        return (const char *)n->children->content;
    v = xmlNodeGetContent(n);
    s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s || GROW(rd->arena, rd->narena + 1, rd->carena) != ERR_OK) {
        free(s);
        rd->oom = 1;
        return "";
    }
    return rd->arena[rd->narena++] = s;
}

/* -------------------------------------------------------------- figures */

static int is_label(const char *a)
{
    static const char *const labels[] = {"value", "zh",   "en",
                                         "id",    "name", "team"};
    size_t i;
    for (i = 0; i < sizeof labels / sizeof *labels; i++)
        if (!strcmp(a, labels[i]))
            return 1;
    return 0;
}

/* Appends the path segment of element N (depth 0: a table) to B. */
static void path_segment(retdoc_t *rd, buf_t *b, const xmlNode *n, int depth)
{
    const char *v;
    if (b->len)
        buf_puts(b, "/");
    if (depth > 0 && (v = retdoc_attr(rd, n, "value")))
        buf_puts(b, v);
    else if (depth > 0 && ((v = retdoc_attr(rd, n, "id")) ||
                           (v = retdoc_attr(rd, n, "name"))))
        buf_printf(b, "%s %s", (const char *)n->name, v);
    else /* a table, or a row without a key */
        buf_puts(b, (const char *)n->name);
}

static int figures_walk(retdoc_t *rd, const xmlNode *n, int depth, buf_t *path,
                        retdoc_figure_fn fn, void *ud)
{
    const xmlNode *c;
    const xmlAttr *a;
    size_t keep = path->len;
    int rc;

    path_segment(rd, path, n, depth);
    for (a = n->properties; a; a = a->next) {
        size_t k = path->len;
        const char *v;
        if (is_label((const char *)a->name))
            continue;
        if (strcmp((const char *)a->name, "count"))
            buf_printf(path, "/%s", (const char *)a->name);
        v = retdoc_attr(rd, n, (const char *)a->name);
        if (buf_error(path) != ERR_OK)
            return -1;
        if ((rc = fn(ud, buf_str(path), v ? v : "")))
            return rc;
        buf_truncate(path, k);
    }
    for (c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            (rc = figures_walk(rd, c, depth + 1, path, fn, ud)))
            return rc;
    buf_truncate(path, keep);
    return 0;
}

int retdoc_figures(retdoc_t *rd, const xmlNode *unit, retdoc_figure_fn fn,
                   void *ud)
{
    const xmlNode *c;
    buf_t path = BUF_INIT;
    int rc = 0;

    for (c = unit ? unit->children : NULL; c && !rc; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, RETDOC_COVERS) &&
            strcmp((const char *)c->name, "narrative"))
            rc = figures_walk(rd, c, 0, &path, fn, ud);
    buf_free(&path);
    return rc;
}

typedef struct {
    xmlHashTablePtr b;    /* key -> value of B (borrowed) */
    xmlHashTablePtr seen; /* path -> occurrences in the current walk */
    buf_t key;
    retdoc_diff_fn fn;
    void *ud;
    long n;
    int stop, nomem;
} diff_state;

/* The key of PATH in the current walk: the path, and its occurrence when
 * it comes again (a table attribute and a row can share a name, as
 * satisfaction/@satisfied and the rating "satisfied" do); both sides are
 * walked in the same order, so the n-th occurrences pair up. */
static const char *diff_key(diff_state *d, const char *path)
{
    size_t k = (size_t)(uintptr_t)xmlHashLookup(d->seen, BAD_CAST path) + 1;
    if (xmlHashUpdateEntry(d->seen, BAD_CAST path, (void *)(uintptr_t)k, NULL) <
        0)
        d->nomem = 1;
    buf_truncate(&d->key, 0);
    buf_puts(&d->key, path);
    if (k > 1)
        buf_printf(&d->key, "#%zu", k);
    if (buf_error(&d->key) != ERR_OK)
        d->nomem = 1;
    return buf_str(&d->key);
}

static int diff_put(void *ud, const char *path, const char *value)
{
    diff_state *d = ud;
    const char *key = diff_key(d, path);
    if (d->nomem)
        return -1;
    return xmlHashAddEntry(d->b, BAD_CAST key, (void *)value) ? -1 : 0;
}

static int diff_cmp(void *ud, const char *path, const char *value)
{
    diff_state *d = ud;
    const char *key = diff_key(d, path), *other;
    if (d->nomem)
        return -1;
    other = xmlHashLookup(d->b, BAD_CAST key);
    if (!other || strcmp(other, value)) {
        d->n++;
        if (!d->stop && d->fn(d->ud, path, value, other))
            d->stop = 1;
    }
    if (other)
        xmlHashRemoveEntry(d->b, BAD_CAST key, NULL);
    return 0;
}

static int diff_extra(void *ud, const char *path, const char *value)
{
    diff_state *d = ud;
    const char *key = diff_key(d, path);
    if (d->nomem)
        return -1;
    if (xmlHashLookup(d->b, BAD_CAST key)) {
        xmlHashRemoveEntry(d->b, BAD_CAST key, NULL);
        d->n++;
        if (!d->stop && d->fn(d->ud, path, NULL, value))
            d->stop = 1;
    }
    return 0;
}

static int diff_walk(diff_state *d, retdoc_t *rd, const xmlNode *u,
                     retdoc_figure_fn fn)
{
    xmlHashFree(d->seen, NULL);
    if (!(d->seen = xmlHashCreate(256)))
        return -1;
    return retdoc_figures(rd, u, fn, d);
}

/* The value of attribute A when it is one text node (as parsed or
 * built), else NULL. */
static const xmlChar *attr_text(const xmlAttr *a)
{
    if (!a->children)
        return BAD_CAST "";
    if (a->children->type == XML_TEXT_NODE && !a->children->next)
        return a->children->content;
    return NULL;
}

static int same_list(const xmlNode *a, const xmlNode *b);

/* X, or the first attribute after it, that is not a row's label (zh,
 * en): labels are no figures, and return_parse's tree has them in its
 * first unit only. */
static const xmlAttr *unlabelled(const xmlAttr *x)
{
    while (x && (!strcmp((const char *)x->name, "zh") ||
                 !strcmp((const char *)x->name, "en")))
        x = x->next;
    return x;
}

/* True when the nodes A and B are alike: same element, attributes other
 * than labels in the same order with the same values, same children,
 * same text. The common case of merge's and verify's comparisons, found
 * without naming any figure; anything unusual (an attribute of several
 * nodes) says "not alike", and the walk by figures decides. No
 * allocation. */
static int same_node(const xmlNode *a, const xmlNode *b)
{
    const xmlAttr *x, *y;
    if (a->type != b->type)
        return 0;
    if (a->type == XML_TEXT_NODE)
        return xmlStrEqual(a->content, b->content);
    if (a->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, b->name))
        return 0;
    for (x = unlabelled(a->properties), y = unlabelled(b->properties); x && y;
         x = unlabelled(x->next), y = unlabelled(y->next)) {
        const xmlChar *vx = attr_text(x), *vy = attr_text(y);
        if (!vx || !vy || !xmlStrEqual(x->name, y->name) ||
            !xmlStrEqual(vx, vy))
            return 0;
    }
    return !x && !y && same_list(a->children, b->children);
}

static int same_list(const xmlNode *a, const xmlNode *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_node(a, b))
            return 0;
    return !a && !b;
}

long retdoc_diff(retdoc_t *ra, const xmlNode *a, retdoc_t *rb, const xmlNode *b,
                 retdoc_diff_fn fn, void *ud)
{
    diff_state d;
    long rc = -1;

    memset(&d, 0, sizeof d);
    d.fn = fn;
    d.ud = ud;
    if (a && b && same_node(a, b))
        return 0;
    if (!(d.b = xmlHashCreate(256)))
        return -1;
    if (diff_walk(&d, rb, b, diff_put) || diff_walk(&d, ra, a, diff_cmp))
        goto done;
    /* what is left in the table is in B only: walk B again for its order */
    if (diff_walk(&d, rb, b, diff_extra))
        goto done;
    rc = d.n;
done:
    xmlHashFree(d.b, NULL);
    xmlHashFree(d.seen, NULL);
    buf_free(&d.key);
    return rc;
}

/* ------------------------------------------------------------- loading */

typedef struct {
    const char *path;
    diag_list *diags;
    xmlParserCtxtPtr ctxt;
    size_t listed;
    int fatal, holding, nomem;
    unsigned held_line, held_col;
    char held[256];
    size_t n_held;
    /* validation (the schema's SAX plug, in the same pass) */
    diag_list *invalid;
    size_t ninvalid;
    /* the root, met: what it is (a root not a return stops the parse) */
    int rooted;
    retdoc_kind kind;
    /* the list: each finding's record into LIST, opened at the first
     * (KEEP: RETDOC_LOAD_LIST; else dropped), the file F's */
    int keep;
    retdoc_file *f;
    FILE *list;
    buf_t dump;
    size_t nlisted;
    uint64_t list_len;
    int list_errno; /* a write to LIST failed */
    int stray;      /* libxml2 raised an error outside the parser */
} load_state;

static void load_report(load_state *l, unsigned line, unsigned col,
                        const char *msg)
{
    diag d = {0};
    if (l->holding) {
        /* the end of the file: kept until we know whether it was cut */
        if (!l->n_held++) {
            l->held_line = line;
            l->held_col = col;
            snprintf(l->held, sizeof l->held, "%s", msg);
        }
        return;
    }
    if (l->listed++ >= MAX_LOAD_DIAGS)
        return;
    d.file = (char *)l->path;
    d.line = line;
    d.col = col ? col : 1;
    d.severity = DIAG_ERROR;
    d.rule = "schema";
    d.message = (char *)msg;
    if (diag_list_add(l->diags, &d) != ERR_OK)
        l->nomem = 1;
}

static unsigned load_line(const load_state *l)
{
    return l->ctxt && l->ctxt->input ? (unsigned)l->ctxt->input->line : 0;
}

static unsigned load_col(const load_state *l)
{
    return l->ctxt && l->ctxt->input && l->ctxt->input->col > 0
               ? (unsigned)l->ctxt->input->col
               : 1;
}

static void load_refuse(load_state *l, const char *msg)
{
    if (l->fatal)
        return;
    load_report(l, load_line(l), load_col(l), msg);
    l->fatal = 1;
    xmlStopParser(l->ctxt);
}

/* Makes MSG (from libxml2) one line of valid UTF-8: cut at the first line
 * break (libxml2 adds a "Bytes: 0x.." line that echoes the input), and at
 * the first byte that does not begin a whole UTF-8 character (the copy may
 * have cut one in two); trailing blanks dropped. */
static void one_line(char *msg)
{
    unsigned char *p = (unsigned char *)msg;
    size_t n;

    while (*p) {
        size_t k = *p < 0x80                  ? 0
                   : *p >= 0xc2 && *p <= 0xdf ? 1
                   : *p >= 0xe0 && *p <= 0xef ? 2
                   : *p >= 0xf0 && *p <= 0xf4 ? 3
                                              : 4;
        size_t j;
        if (*p == '\n' || *p == '\r' || k == 4)
            break;
        for (j = 1; j <= k; j++)
            if ((p[j] & 0xc0) != 0x80)
                break;
        if (j <= k)
            break;
        p += k + 1;
    }
    *p = 0;
    n = strlen(msg);
    while (n && msg[n - 1] == ' ')
        msg[--n] = 0;
}

static void load_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = e ? e->ctxt : NULL;
    load_state *l = ctxt ? ctxt->_private : NULL;
    char raw[400], msg[512];
    (void)data;
    if (!l || l->fatal)
        return;
    /* libxml2's English, said to be such (a return is canvass's own
     * output: rewriting each parser error for people is the registers'
     * business, schemaerr.c) */
    snprintf(raw, sizeof raw, "%s", e->message ? e->message : _("not XML"));
    one_line(raw);
    snprintf(msg, sizeof msg, _("%s (libxml2's words, not rewritten)"), raw);
    load_report(l, e->line > 0 ? (unsigned)e->line : load_line(l),
                e->int2 > 0 ? (unsigned)e->int2 : load_col(l), msg);
    if (e->level == XML_ERR_FATAL)
        l->fatal = 1;
}

static void load_internal_subset(void *ctx, const xmlChar *name,
                                 const xmlChar *eid, const xmlChar *sid)
{
    xmlParserCtxtPtr ctxt = ctx;
    (void)name, (void)eid, (void)sid;
    load_refuse(ctxt->_private,
                _("the return declares a DOCTYPE: returns have "
                  "no use for one (and it could load files or "
                  "expand entities); this is not a return canvass "
                  "wrote"));
}

static void load_io(const char *path, diag_list *diags, const char *what,
                    int err)
{
    char msg[512];
    diag d;
    input_diag(&d, msg, sizeof msg, path, what, err);
    diag_list_add(diags, &d);
}

static retdoc_kind root_kind(const xmlChar *name, const xmlChar *uri)
{
    const char *ns = uri ? (const char *)uri : "";
    if (!strcmp((const char *)name, RETDOC_RETURN) && !strcmp(ns, RETURN_NS))
        return RETDOC_KIND_RETURN;
    if (!strcmp((const char *)name, "register") && !strcmp(ns, REGISTER_NS))
        return RETDOC_KIND_REGISTER;
    return RETDOC_KIND_OTHER;
}

/* The schema's complaints, kept apart (retdoc_file.invalid), located where
 * the parser is: the plug validates as it parses. */
static void load_invalid(void *ud, xmlErrorPtr e)
{
    load_state *l = ud;
    char raw[400], msg[512];
    diag d = {0};
    if (!e || l->ninvalid++ >= MAX_LOAD_DIAGS)
        return;
    snprintf(raw, sizeof raw, "%s", e->message ? e->message : _("not valid"));
    one_line(raw);
    snprintf(msg, sizeof msg, _("%s (libxml2's words, not rewritten)"), raw);
    d.file = (char *)l->path;
    d.line = e->line > 0 ? (unsigned)e->line : load_line(l);
    d.col = 1;
    d.severity = DIAG_ERROR;
    d.rule = "schema";
    d.message = msg;
    if (diag_list_add(l->invalid, &d) != ERR_OK)
        l->nomem = 1;
}

static void load_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
                       const xmlChar *uri, int nns, const xmlChar **ns,
                       int nattr, int ndef, const xmlChar **attrs)
{
    xmlParserCtxtPtr c = ctx;
    load_state *l = c->_private;
    if (!l->rooted) {
        l->rooted = 1;
        /* a register, or anything else: nothing more of it is read */
        if ((l->kind = root_kind(name, uri)) != RETDOC_KIND_RETURN) {
            xmlStopParser(c);
            return;
        }
    }
    xmlSAX2StartElementNs(ctx, name, prefix, uri, nns, ns, nattr, ndef, attrs);
}

/* N, just closed, is a <finding> of the root's <findings>. */
static int is_listed(const xmlNode *n)
{
    const xmlNode *p = n ? n->parent : NULL;
    return p && p->parent && p->parent->parent &&
           p->parent->parent->type == XML_DOCUMENT_NODE && n->ns && p->ns &&
           !strcmp((const char *)n->name, RETDOC_FINDING) &&
           !strcmp((const char *)p->name, RETDOC_FINDINGS) &&
           !strcmp((const char *)n->ns->href, RETURN_NS) &&
           !strcmp((const char *)p->ns->href, RETURN_NS);
}

/* Appends the value V of the attribute or element N (its one text node,
 * or its text joined: text and CDATA, not comments) and a NUL; -1 on no
 * memory. */
static int record_value(buf_t *b, const xmlNode *n)
{
    const xmlNode *t = n->children;
    xmlChar *v;
    if (!t || (t->type == XML_TEXT_NODE && !t->next)) {
        buf_puts(b, t && t->content ? (const char *)t->content : "");
        buf_add(b, "", 1);
        return 0;
    }
    if (!(v = xmlNodeGetContent(n)))
        return -1;
    buf_puts(b, (const char *)v);
    buf_add(b, "", 1);
    xmlFree(v);
    return 0;
}

/* N's record (see record_finding) into B, emptied first; -1 on no memory.
 * An attribute of another namespace, or not one of lean_names, is left
 * out: such a return is not valid, and is refused. */
static int finding_record(buf_t *b, const xmlNode *n)
{
    const xmlAttr *at[LEAN_N] = {0}, *a;
    uint32_t len;
    uint16_t has = 0;
    size_t k;

    buf_truncate(b, 0);
    for (a = n->properties; a; a = a->next)
        for (k = 0; k < LEAN_N && !a->ns; k++)
            if (!strcmp((const char *)a->name, lean_names[k])) {
                at[k] = a;
                has |= (uint16_t)(1u << k);
                break;
            }
    buf_add(b, "\0\0\0\0", sizeof len);
    buf_add(b, (const char *)&has, sizeof has);
    for (k = 0; k < LEAN_N; k++)
        if (at[k] ? record_value(b, (const xmlNode *)at[k]) < 0
                  : (buf_add(b, "", 1), 0))
            return -1;
    if (record_value(b, n) < 0 || buf_error(b) != ERR_OK ||
        b->len - sizeof len > UINT32_MAX)
        return -1;
    len = (uint32_t)(b->len - sizeof len);
    memcpy(b->s, &len, sizeof len);
    return 0;
}

/* Opens the list's copy, at the first finding to copy: L->f's fd and
 * L->list (a return that lists none never touches $TMPDIR). 0, or -1
 * with L->list_errno set. */
static int list_open(load_state *l)
{
    int fd2 = -1;
    if ((l->f->fd = output_scratch_file("return")) < 0 ||
        (fd2 = dup(l->f->fd)) < 0 || !(l->list = fdopen(fd2, "w"))) {
        l->list_errno = errno ? errno : EIO;
        if (fd2 >= 0)
            close(fd2);
        return -1;
    }
    return 0;
}

/* The finding N, whole, leaves the tree: written to the list's copy as a
 * record, one after the other, or dropped. */
static void load_finding(load_state *l, xmlNodePtr n)
{
    if (l->keep && !l->list && !l->list_errno && list_open(l) < 0)
        xmlStopParser(l->ctxt);
    if (l->list && !l->list_errno) {
        if (finding_record(&l->dump, n) < 0) {
            l->nomem = 1;
            xmlStopParser(l->ctxt);
        } else if (fwrite(l->dump.s, 1, l->dump.len, l->list) != l->dump.len) {
            l->list_errno = errno ? errno : EIO;
            xmlStopParser(l->ctxt);
        } else {
            l->list_len += l->dump.len;
            l->nlisted++;
        }
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    /* the text last made was the finding's: no concatenation to it */
    l->ctxt->nodelen = l->ctxt->nodemem = 0;
}

static void load_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri)
{
    xmlParserCtxtPtr c = ctx;
    xmlNodePtr n = c->node;
    int listed = is_listed(n);
    xmlSAX2EndElementNs(ctx, name, prefix, uri);
    if (listed && c->node == n->parent)
        load_finding(c->_private, n);
}

/* The list's copy in F, from L's parse (written and closed), mapped, and
 * the tree made lean over it (retdoc.h). Without one, a lean tree listing
 * none. */
static error_code load_lean(load_state *l, retdoc_file *f)
{
    xmlNodePtr root = xmlDocGetRootElement(f->doc);
    xmlNodePtr fs = (xmlNodePtr)retdoc_child(root, RETDOC_FINDINGS);
    f->doc->_private = RETDOC_LEAN;
    f->doc->psvi = (void *)(uintptr_t)(l->nlisted + 1);
    root->psvi = NULL;
    if (fs)
        fs->psvi = NULL;
    if (f->fd < 0) /* dropped, or none to copy */
        return ERR_OK;
    if (l->list_len > SIZE_MAX / 2 ||
        !(f->map = output_map(f->fd, (size_t)l->list_len, &f->span)))
        return ERR_READ;
    f->doc->_private = RETDOC_LEAN_RECORDS;
    root->psvi = f->map + l->list_len;
    if (fs && l->nlisted)
        fs->psvi = f->map;
    return ERR_OK;
}

/* Says that the list's copy in output_tmpdir() failed (ERRNO): "io" at
 * PATH; ERR_NOSPACE or ERR_WRITE. */
static error_code list_failed(load_state *l, int err)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             _("cannot copy the findings the return lists into %s: %s; set "
               "TMPDIR to a folder with room"),
             output_tmpdir(), strerror(err));
    load_io(l->path, l->diags, msg, 0);
    return err == ENOSPC || err == EDQUOT ? ERR_NOSPACE : ERR_WRITE;
}

/* libxml2 (2.9.14) can leak identity-constraint matchers after a SAX
 * validation: those of the elements left open (a file cut short or
 * refused half-way), and in some invalid returns (the fuzzer found one).
 * The unplug clears the matcher cache before the elements give theirs
 * back to it, and freeing the context does not free the cache. A second
 * run, over a document of one element, clears it again: after every
 * load, a few microseconds. */
static void load_unplugged(xmlSchemaValidCtxtPtr vc)
{
    xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr r = d ? xmlNewDocNode(d, NULL, BAD_CAST "x", NULL) : NULL;
    if (r) {
        xmlDocSetRootElement(d, r);
        xmlSchemaSetValidStructuredErrors(vc, lean_quiet, NULL);
        (void)xmlSchemaValidateDoc(vc, d); /* x is no return */
    }
    xmlFreeDoc(d);
}

error_code retdoc_load(const char *path, xmlSchemaPtr schema, unsigned flags,
                       diag_list *diags, retdoc_file *f)
{
    xmlSAXHandler sax;
    xmlSchemaValidCtxtPtr vc = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    input_strays strays;
    struct sha256_ctx sha;
    load_state l;
    input_why why;
    unsigned char *buf = NULL;
    error_code rc = ERR_OK;
    int fd, err, first = 1;

    memset(f, 0, sizeof *f);
    f->fd = -1;
    sha256_init(&sha);
    memset(&l, 0, sizeof l);
    l.path = path;
    l.diags = diags;
    l.invalid = &f->invalid;
    l.keep = (flags & RETDOC_LOAD_LIST) != 0;
    l.f = f;
    if ((rc = input_open(path, &fd, NULL, &why, &err)) != ERR_OK) {
        load_io(
            path, diags,
            rc == ERR_OPEN   ? _("cannot open the return")
            : rc == ERR_READ ? _("cannot read the return")
            : why == INPUT_DIRECTORY
                ? _("is a directory, not a return: name the return.xml files")
                : _("is not a regular file (a FIFO, socket or device): copy "
                    "the return to a file first"),
            err);
        return rc;
    }
    input_strays_catch(&strays, &l.stray); /* the return not accepted */
    if (!(buf = malloc(LOAD_CHUNK)) || !(vc = xmlSchemaNewValidCtxt(schema))) {
        rc = ERR_NOMEM;
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vc, load_invalid, &l);
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.internalSubset = load_internal_subset;
    sax.externalSubset = NULL;
    sax.serror = load_error;
    sax.startElementNs = load_start;
    sax.endElementNs = load_end;
    for (;;) {
        ssize_t n = input_read(fd, buf, LOAD_CHUNK);
        size_t got = n > 0 ? (size_t)n : 0;
        if (n < 0) {
            load_io(path, diags, _("cannot read the return"), errno);
            rc = ERR_READ;
            goto done;
        }
        sha256_update(&sha, got, buf);
        f->size += got;
        if (first) {
            first = 0;
            if (!got) {
                load_report(&l, 1, 1, _("the return is empty (0 bytes)"));
                l.fatal = 1;
                break;
            }
            l.ctxt = xmlCreatePushParserCtxt(&sax, NULL, (const char *)buf,
                                             got < 4 ? (int)got : 4, path);
            if (!l.ctxt) {
                rc = ERR_NOMEM;
                goto done;
            }
            l.ctxt->_private = &l;
            /* NOBLANKS: the indentation is no part of a return, and
             * without it the tree is half the size */
            xmlCtxtUseOptions(l.ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                          XML_PARSE_NOBLANKS);
            /* validated as it is read: the plug wraps the parser's own
             * handler (its user data the parser, for the tree builder),
             * and is taken off before the parser is freed */
            if (!(plug =
                      xmlSchemaSAXPlug(vc, &l.ctxt->sax, &l.ctxt->userData))) {
                rc = ERR_NOMEM;
                goto done;
            }
            l.ctxt->sax->serror = load_error; /* the plug's handler */
            if (got > 4)
                xmlParseChunk(l.ctxt, (const char *)buf + 4, (int)got - 4, 0);
        } else if (got) {
            xmlParseChunk(l.ctxt, (const char *)buf, (int)got, 0);
        }
        if (l.rooted && l.kind != RETDOC_KIND_RETURN)
            break; /* a register, or another document */
        if (!l.fatal && l.ctxt->input &&
            (size_t)(l.ctxt->input->end - l.ctxt->input->cur) > PENDING_MAX)
            load_refuse(&l,
                        _("a single tag or text is larger than 4 MB: this is "
                          "not a return canvass wrote"));
        if (l.ctxt->disableSAX || l.ctxt->instate == XML_PARSER_EOF)
            l.fatal = 1;
        if (l.fatal || got < LOAD_CHUNK)
            break;
    }
    if (l.ctxt && !l.fatal && !(l.rooted && l.kind != RETDOC_KIND_RETURN)) {
        unsigned line = load_line(&l), col = load_col(&l);
        l.holding = 1;
        xmlParseChunk(l.ctxt, NULL, 0, 1);
        l.holding = 0;
        if (l.ctxt->nameNr > 0) {
            if (l.n_held)
                line = l.held_line, col = l.held_col;
            load_report(&l, line, col,
                        _("the file ends before </return>: the "
                          "return is truncated; copy it again"));
        } else if (l.n_held) {
            load_report(&l, l.held_line, l.held_col, l.held);
        }
    }
    /* the root may be met by the last push, as the file ends */
    f->kind = l.rooted ? l.kind : RETDOC_KIND_NONE;
    if (l.nomem) {
        rc = ERR_NOMEM;
        goto done;
    }
    if (l.list_errno) {
        rc = list_failed(&l, l.list_errno);
        goto done;
    }
    if (f->kind == RETDOC_KIND_REGISTER) {
        rc = ERR_INVALID;
        goto done;
    }
    if (f->kind == RETDOC_KIND_OTHER) {
        load_report(&l, load_line(&l), 1,
                    _("not a canvass return: the root element must be "
                      "<return xmlns=\"urn:canvass:return:1\">"));
        rc = ERR_INVALID;
        goto done;
    }
    /* libxml2 can end a parse well-formed with no root met (a NUL byte
     * in the prolog: the rest was never read) */
    if (!l.ctxt || !l.ctxt->wellFormed || l.fatal || l.listed ||
        !l.ctxt->myDoc || !l.rooted) {
        if (!l.listed)
            load_report(&l, load_line(&l), load_col(&l), "not well-formed XML");
        rc = ERR_INVALID;
        goto done;
    }
    if (l.list && fclose(l.list) != 0) {
        l.list = NULL;
        rc = list_failed(&l, errno ? errno : EIO);
        goto done;
    }
    l.list = NULL;
    f->doc = l.ctxt->myDoc;
    l.ctxt->myDoc = NULL;
    f->valid = xmlSchemaIsValid(vc) == 1 && !l.stray;
    if (!f->valid && !l.ninvalid) {
        diag d = {0};
        d.file = (char *)path;
        d.line = 1;
        d.col = 1;
        d.rule = "schema";
        d.message = _("the return is not valid against return.xsd");
        if (diag_list_add(&f->invalid, &d) != ERR_OK) {
            rc = ERR_NOMEM;
            goto done;
        }
    }
    if ((rc = load_lean(&l, f)) == ERR_READ)
        load_io(path, diags, _("cannot read the copy of the return's findings"),
                errno);
done:
    input_strays_release(&strays);
    sha256_digest(&sha, sizeof f->sha256, f->sha256);
    if (plug) {
        xmlSchemaSAXUnplug(plug);
        load_unplugged(vc);
    }
    if (l.ctxt) {
        xmlFreeDoc(l.ctxt->myDoc);
        l.ctxt->myDoc = NULL;
        xmlFreeParserCtxt(l.ctxt);
    }
    if (l.list)
        fclose(l.list);
    buf_free(&l.dump);
    xmlSchemaFreeValidCtxt(vc);
    if (l.nomem && rc == ERR_OK)
        rc = ERR_NOMEM;
    free(buf);
    close(fd);
    return rc;
}

void retdoc_file_close(retdoc_file *f)
{
    xmlFreeDoc(f->doc); /* before the bytes it borrows */
    f->doc = NULL;
    if (f->map)
        munmap(f->map, f->span);
    f->map = NULL;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    diag_list_clear(&f->invalid);
}
