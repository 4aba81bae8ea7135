/*
 * reader.c — one register, streamed: open, sniff, parse, validate, hash.
 *
 * Design. The file is opened by us (O_NONBLOCK so a FIFO cannot hang the
 * open, then fstat: regular files only) and read in 64 KiB chunks; each
 * chunk goes to the SHA-256 and to a libxml2 push parser whose SAX stream
 * has the schema validator plugged in (xmlSchemaSAXPlug). Measured on
 * libxml2 2.9.14 this is the fastest way to validate and see every element
 * in one pass; memory stays that of one household.
 *
 * Safety. Options are XML_PARSE_NONET only: no entity substitution, no DTD
 * loading, no XInclude, no XML_PARSE_HUGE. A DOCTYPE is refused outright
 * (internalSubset callback, before any entity could be expanded), nesting
 * deeper than the format can be is refused at once, and a single markup
 * construct larger than PENDING_MAX bytes stops the parse, so hostile
 * files fail fast in bounded memory. The declared encoding is checked
 * against the accepted list before libxml2 sees the bytes.
 *
 * Errors. Parser and validator errors both arrive through structured error
 * handlers (parser: ctxt->sax->serror, found again through ctxt->_private;
 * validator: xmlSchemaSetValidStructuredErrors). The validator's positions
 * are unreliable in SAX mode, so positions come from the parser context.
 * Validity is decided from both: a register is valid only if the parser
 * says well-formed, the validator says valid and no error was reported.
 *
 * Households. Element attributes are copied into per-household flat arrays
 * whose strings live in an arena reset after each </household>; enumerated
 * values are turned into vocabulary indexes here, once.
 *
 * Why one file (about 1,100 lines): the SAX callbacks, the error handlers
 * and the read loop share the reader's state and run inside one libxml2
 * push parse; the safety rules above (DOCTYPE refused, depth, pending
 * bytes, encodings) are checked in those same callbacks. Split, the state
 * would need a private header and the guards would be read in several
 * places. The file reads top-down: state, element handlers, error
 * handlers, encoding sniffing, the read loop, schema loading.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <nettle/sha2.h>

#include "arena.h"
#include "buf.h"

#define REG_NS "urn:canvass:register:1"
#define RET_NS "urn:canvass:return:1" /* a return given by mistake */
#define CHUNK 65536
#define MAX_DEPTH 32           /* the format needs 6 */
#define PENDING_MAX (4u << 20) /* unparsed bytes of one construct */
#define MAX_DIAGS 10000        /* per register; the count stays exact */
#define MAX_PARA 65536         /* bytes kept of one narrative paragraph */
#define HELD 8                 /* errors held at the end of the file */

/* Element kinds, by their place in the format. */
enum {
    E_OTHER,
    E_REGISTER,
    E_COMMUNITY,
    E_CAMPAIGN,
    E_CADRES,
    E_CADRE,
    E_HOUSEHOLDS,
    E_HOUSEHOLD,
    E_MEMBER,
    E_VISIT,
    E_FORM,
    E_OPINION,
    E_SUGGESTION,
    E_SATISFACTION,
    E_SERVICE,
    E_NARRATIVE,
    E_SECTION,
    E_P
};

/* A growable array of fixed-size elements, reused across households. */
typedef struct {
    void *v;
    size_t n, cap, size;
} vec;

struct reader {
    const volatile sig_atomic_t *stop;
    xmlSchemaPtr schema;
    const vocab_t *vocab;
    int n_groups;

    /* per read */
    const char *path;
    const reader_callbacks *cb;
    void *ud;
    reader_result *res;
    xmlParserCtxtPtr ctxt;
    int fatal;   /* stop: callback failure or refused content */
    int holding; /* errors of the final parse step are held */
    struct {
        unsigned line, col;
        char msg[256];
    } held[HELD];
    size_t n_held;
    int cb_failed;
    unsigned listed; /* diagnostics passed on */
    int stack[MAX_DEPTH + 1];
    int depth;

    arena head_arena, hh_arena;
    rd_head head;
    vec cadres;
    int head_done;

    rd_household hh;
    int in_household;
    vec members, visits, forms, items, services, by;

    rd_section sec;
    vec paras;
    char *text;
    size_t text_n, text_cap;
    int in_p;
};

static void *vec_push(vec *a)
{
    if (buf_grow_array(&a->v, a->size, a->n + 1, &a->cap) != ERR_OK)
        return NULL;
    memset((char *)a->v + a->n * a->size, 0, a->size);
    return (char *)a->v + a->n++ * a->size;
}

reader_t *reader_new(xmlSchemaPtr schema, const vocab_t *vocab)
{
    reader_t *r = calloc(1, sizeof *r);
    size_t ng;
    if (!r)
        return NULL;
    r->schema = schema;
    r->vocab = vocab;
    vocab_enum(vocab, "group", &ng);
    /* more groups are refused before a read (reader_check_vocab) */
    r->n_groups = (int)(ng > RD_MAX_GROUPS ? RD_MAX_GROUPS : ng);
    r->cadres.size = sizeof(rd_cadre);
    r->members.size = sizeof(rd_member);
    r->visits.size = sizeof(rd_visit);
    r->forms.size = sizeof(rd_form);
    r->items.size = sizeof(rd_item);
    r->services.size = sizeof(rd_service);
    r->by.size = sizeof(const char *);
    r->paras.size = sizeof(const char *);
    return r;
}

void reader_set_stop(reader_t *r, const volatile sig_atomic_t *stop)
{
    r->stop = stop;
}

void reader_free(reader_t *r)
{
    if (!r)
        return;
    arena_free(&r->head_arena);
    arena_free(&r->hh_arena);
    free(r->cadres.v);
    free(r->members.v);
    free(r->visits.v);
    free(r->forms.v);
    free(r->items.v);
    free(r->services.v);
    free(r->by.v);
    free(r->paras.v);
    free(r->text);
    free(r);
}

/* ---- dates -------------------------------------------------------------- */

/* Days from civil date (H. Hinnant's algorithm). */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    int era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

int32_t reader_parse_date(const char *s)
{
    /* "YYYY-MM-DD", optionally followed by a time zone (xs:date); digits
     * read by hand: sscanf was a measurable part of reading a register */
    int y, m, d, i;
    if (!s)
        return RD_NO_DATE;
    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return RD_NO_DATE;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return RD_NO_DATE;
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

/* ---- diagnostics ------------------------------------------------------- */

static unsigned cur_line(const reader_t *r)
{
    return r->ctxt && r->ctxt->input ? (unsigned)r->ctxt->input->line : 0;
}

static unsigned cur_col(const reader_t *r)
{
    return r->ctxt && r->ctxt->input ? (unsigned)r->ctxt->input->col : 0;
}

/* Position of the '<' that opened the tag just parsed. libxml2 reports at
 * the end of a tag (after its '>'); editors and people want its start.
 * A '<' cannot occur inside a well-formed tag, so the nearest one before
 * the parser's position is the tag's own. Columns count characters. */
static void tag_pos(const reader_t *r, unsigned *line, unsigned *col)
{
    const xmlParserInput *in = r->ctxt ? r->ctxt->input : NULL;
    const xmlChar *p, *q;
    unsigned nl = 0, chars = 0;

    *line = cur_line(r);
    *col = cur_col(r);
    if (!in || !in->cur || !in->base || in->cur <= in->base)
        return;
    for (p = in->cur; p > in->base && *--p != '<';) {
        nl += *p == '\n';
        chars += (*p & 0xC0) != 0x80;
    }
    if (*p != '<')
        return;
    chars++; /* the '<' itself */
    if (!nl) {
        if (*col > chars)
            *col -= chars;
        return;
    }
    *line -= nl;
    for (q = p, chars = 1; q > in->base && q[-1] != '\n'; q--)
        chars += (q[-1] & 0xC0) != 0x80;
    *col = q > in->base || in->consumed == 0 ? chars : 0;
}

/* Reports an error of RULE "schema" at LINE:COL with MSG. */
static void report(reader_t *r, unsigned line, unsigned col, const char *msg)
{
    diag d = {0};
    if (r->holding) {
        /* the end of the file: kept until we know whether it was cut */
        if (r->n_held < HELD) {
            r->held[r->n_held].line = line;
            r->held[r->n_held].col = col;
            snprintf(r->held[r->n_held].msg, sizeof r->held[0].msg, "%s", msg);
        }
        r->n_held++;
        return;
    }
    r->res->errors++;
    if (r->listed >= MAX_DIAGS)
        return;
    d.file = (char *)r->path;
    d.line = line;
    d.col = col;
    d.severity = DIAG_ERROR;
    d.rule = "schema";
    r->listed++;
    if (r->listed == MAX_DIAGS)
        d.message = "too many errors; the rest are counted, not listed";
    else
        d.message = (char *)msg;
    if (r->cb->diag && r->cb->diag(r->ud, &d))
        r->cb_failed = 1;
}

/* Stops the parse for good with an error at the current position. */
static void refuse_at(reader_t *r, unsigned line, unsigned col, const char *msg)
{
    report(r, line, col, msg);
    r->fatal = 1;
    if (r->ctxt)
        xmlStopParser(r->ctxt);
}

/* Stops the parse for good with an error at the tag just parsed. */
static void refuse(reader_t *r, const char *msg)
{
    unsigned line, col;
    tag_pos(r, &line, &col);
    report(r, line, col, msg);
    r->fatal = 1;
    if (r->ctxt)
        xmlStopParser(r->ctxt);
}

/* Tidies a libxml2 message: one line, no "{urn:...}" namespace noise. */
static void tidy(char *m)
{
    char *o = m, *s = m;
    size_t nl = strlen("{" REG_NS "}");
    while (*s) {
        if (!strncmp(s, "{" REG_NS "}", nl)) {
            s += nl;
            continue;
        }
        *o++ = (*s == '\n' || *s == '\r') ? ' ' : *s;
        s++;
    }
    while (o > m && o[-1] == ' ')
        o--;
    *o = 0;
}

/* Personal data must not reach a diagnostic either: when the validator
 * complains about one of these attributes, or about the free text of one
 * of these elements, the value it quotes ("...: 'VALUE' is not", "The
 * value 'VALUE'") is replaced. */
static const char *const personal_attrs[] = {"name", "born", "sex", "address"};
static const char *const text_elements[] = {"opinion", "suggestion", "p"};
#define WITHHELD "(personal data, not shown)"

/* Copies M into OUT (SIZE bytes) with the values of a personal attribute
 * withheld. */
static void redact(const char *m, char *out, size_t size)
{
    const char *a = strstr(m, "attribute '"), *p, *q;
    size_t i, len, o = 0;
    int personal = 0;

    if (a) {
        a += strlen("attribute '");
        len = strcspn(a, "'");
        for (i = 0; i < sizeof personal_attrs / sizeof *personal_attrs; i++)
            if (strlen(personal_attrs[i]) == len &&
                !strncmp(a, personal_attrs[i], len))
                personal = 1;
    } else if (!strncmp(m, "Element '", 9)) {
        /* free text (opinions, suggestions, narrative) may name people */
        a = m + 9;
        len = strcspn(a, "'");
        for (i = 0; i < sizeof text_elements / sizeof *text_elements; i++)
            if (strlen(text_elements[i]) == len &&
                !strncmp(a, text_elements[i], len))
                personal = 1;
    }
    if (!personal) {
        snprintf(out, size, "%s", m);
        return;
    }
    p = m;
    while (*p && o + 1 < size) {
        if (p > a && (!strncmp(p, ": '", 3) || !strncmp(p, "value '", 7))) {
            size_t lead = p[0] == ':' ? 3 : 7;
            q = strchr(p + lead, '\'');
            if (q) {
                o += (size_t)snprintf(out + o, size - o, "%.*s" WITHHELD "'",
                                      (int)lead, p);
                p = q + 1;
                if (o >= size)
                    o = size - 1;
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = 0;
}

static void error_to_diag(reader_t *r, const xmlError *e, unsigned line,
                          unsigned col)
{
    char buf[1024] = {0}; /* zeroed: the analyzer cannot follow redact() */
    if (e->level == XML_ERR_WARNING)
        return;
    redact(e->message ? e->message : "error", buf, sizeof buf);
    tidy(buf);
    report(r, line, col, buf);
}

static void parser_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = e ? e->ctxt : NULL;
    reader_t *r = ctxt ? ctxt->_private : NULL;
    (void)data;
    if (!r)
        return;
    /* parser errors know their own position; int2 is the column */
    error_to_diag(r, e, e->line > 0 ? (unsigned)e->line : cur_line(r),
                  e->int2 > 0 ? (unsigned)e->int2 : cur_col(r));
    if (e->level == XML_ERR_FATAL)
        r->fatal = 1;
}

static void schema_error(void *data, xmlErrorPtr e)
{
    reader_t *r = data;
    /* after a refusal (wrong root, DOCTYPE...) the validator, which runs
     * after us on each element, has nothing useful to add */
    unsigned line, col;
    if (e && !r->fatal) {
        tag_pos(r, &line, &col);
        error_to_diag(r, e, line, col);
    }
}

/* ---- attributes -------------------------------------------------------- */

/* Value of unprefixed attribute NAME copied into arena A, or NULL. */
static const char *attr(arena *a, int nb, const xmlChar **at, const char *name)
{
    int i;
    for (i = 0; i < nb; i++, at += 5)
        if (!at[1] && !strcmp((const char *)at[0], name))
            return arena_strndup(a, (const char *)at[3],
                                 (size_t)(at[4] - at[3]));
    return NULL;
}

/* Collapses XML whitespace in place (token/list types). */
static char *collapse(char *s)
{
    char *o = s, *i = s;
    int space = 0;
    if (!s)
        return NULL;
    for (; *i; i++) {
        if (*i == ' ' || *i == '\t' || *i == '\n' || *i == '\r') {
            space = o != s;
            continue;
        }
        if (space)
            *o++ = ' ';
        space = 0;
        *o++ = *i;
    }
    *o = 0;
    return s;
}

static int enum_index(const reader_t *r, const char *type, const char *v)
{
    return v ? vocab_index(r->vocab, type, v) : -1;
}

/* ---- SAX handlers ------------------------------------------------------ */

static int kind_of(int parent, const char *name)
{
    static const struct {
        int parent;
        const char *name;
        int kind;
    } places[] = {
        {E_OTHER, "register", E_REGISTER},
        {E_REGISTER, "community", E_COMMUNITY},
        {E_REGISTER, "campaign", E_CAMPAIGN},
        {E_REGISTER, "cadres", E_CADRES},
        {E_REGISTER, "households", E_HOUSEHOLDS},
        {E_REGISTER, "narrative", E_NARRATIVE},
        {E_CADRES, "cadre", E_CADRE},
        {E_HOUSEHOLDS, "household", E_HOUSEHOLD},
        {E_HOUSEHOLD, "member", E_MEMBER},
        {E_HOUSEHOLD, "visit", E_VISIT},
        {E_VISIT, "form", E_FORM},
        {E_VISIT, "satisfaction", E_SATISFACTION},
        {E_VISIT, "service", E_SERVICE},
        {E_FORM, "opinion", E_OPINION},
        {E_FORM, "suggestion", E_SUGGESTION},
        {E_NARRATIVE, "section", E_SECTION},
        {E_SECTION, "p", E_P},
    };
    size_t i;
    for (i = 0; i < sizeof places / sizeof *places; i++)
        if (places[i].parent == parent && !strcmp(places[i].name, name))
            return places[i].kind;
    return E_OTHER;
}

static void household_reset(reader_t *r)
{
    arena_reset(&r->hh_arena);
    r->members.n = r->visits.n = r->forms.n = r->items.n = 0;
    r->services.n = r->by.n = 0;
    memset(&r->hh, 0, sizeof r->hh);
}

/* Splits the space-separated list S into r->by, returns 0/-1. */
static int split_by(reader_t *r, char *s, rd_visit *v)
{
    char *tok, *save = NULL;
    size_t first = r->by.n;
    for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        const char **slot = vec_push(&r->by);
        if (!slot)
            return -1;
        *slot = tok;
    }
    v->n_by = r->by.n - first;
    /* r->by may move while a household grows: store the offset now and
     * fix the pointers at </household> */
    v->by = (const char **)(uintptr_t)first;
    return 0;
}

static uint64_t parse_groups(const reader_t *r, char *s)
{
    uint64_t g = 0;
    char *tok, *save = NULL;
    for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        int i = enum_index(r, "group", tok);
        if (i >= 0 && i < RD_MAX_GROUPS)
            g |= (uint64_t)1 << i;
    }
    return g;
}

static void start_element(void *ud, const xmlChar *local, const xmlChar *prefix,
                          const xmlChar *uri, int nb_ns, const xmlChar **ns,
                          int nb_attr, int nb_def, const xmlChar **at)
{
    reader_t *r = ud;
    int parent = r->depth ? r->stack[r->depth] : E_OTHER, kind;
    unsigned line, col;
    arena *ha = &r->head_arena, *a = &r->hh_arena;
    int oom = 0;

    (void)prefix, (void)nb_ns, (void)ns, (void)nb_def;
    if (r->fatal)
        return;
    tag_pos(r, &line, &col);
    if (r->depth >= MAX_DEPTH) {
        refuse(r, "elements nested deeper than any register can be: "
                  "this is not a canvass register");
        return;
    }
    kind = uri && !strcmp((const char *)uri, REG_NS)
               ? kind_of(parent, (const char *)local)
               : E_OTHER;
    if (r->depth == 0 && kind != E_REGISTER && uri &&
        !strcmp((const char *)uri, RET_NS) &&
        !strcmp((const char *)local, "return")) {
        refuse(r, "this is a return, not a register: canvass merge takes "
                  "returns (and canvass verify checks one against its "
                  "registers); check and build take registers");
        return;
    }
    if (r->depth == 0 && kind != E_REGISTER) {
        refuse(r, "not a canvass register: the root element must be "
                  "<register xmlns=\"" REG_NS "\">");
        return;
    }
    r->stack[++r->depth] = kind;
    if (r->res->errors)
        return; /* invalid already: nothing more is handed over */

    switch (kind) {
    case E_COMMUNITY: {
        rd_community *c = &r->head.community;
        c->code = attr(ha, nb_attr, at, "code");
        c->name = attr(ha, nb_attr, at, "name");
        c->street = attr(ha, nb_attr, at, "street");
        c->district = attr(ha, nb_attr, at, "district");
        c->city = attr(ha, nb_attr, at, "city");
        c->line = line, c->col = col;
        break;
    }
    case E_CAMPAIGN: {
        rd_campaign *c = &r->head.campaign;
        c->id = collapse((char *)attr(ha, nb_attr, at, "id"));
        c->title = attr(ha, nb_attr, at, "title");
        c->start_s = collapse((char *)attr(ha, nb_attr, at, "start"));
        c->end_s = collapse((char *)attr(ha, nb_attr, at, "end"));
        c->reported_s = collapse((char *)attr(ha, nb_attr, at, "reported"));
        c->start = reader_parse_date(c->start_s);
        c->end = reader_parse_date(c->end_s);
        c->reported = reader_parse_date(c->reported_s);
        c->line = line, c->col = col;
        break;
    }
    case E_CADRE: {
        rd_cadre *c = vec_push(&r->cadres);
        if (!c) {
            oom = 1;
            break;
        }
        c->id = collapse((char *)attr(ha, nb_attr, at, "id"));
        c->role = enum_index(r, "role",
                             collapse((char *)attr(ha, nb_attr, at, "role")));
        c->team = attr(ha, nb_attr, at, "team");
        c->line = line, c->col = col;
        break;
    }
    case E_HOUSEHOLD: {
        rd_household *h = &r->hh;
        household_reset(r);
        r->in_household = 1;
        h->id = collapse((char *)attr(a, nb_attr, at, "id"));
        h->dwelling = enum_index(
            r, "dwelling", collapse((char *)attr(a, nb_attr, at, "dwelling")));
        h->address = collapse((char *)attr(a, nb_attr, at, "address"));
        h->grid = attr(a, nb_attr, at, "grid");
        h->cadre = collapse((char *)attr(a, nb_attr, at, "cadre"));
        h->line = line, h->col = col;
        break;
    }
    case E_MEMBER: {
        rd_member *m = vec_push(&r->members);
        char *g;
        if (!m) {
            oom = 1;
            break;
        }
        /* name, born and sex are personal data: not read */
        m->id = collapse((char *)attr(a, nb_attr, at, "id"));
        g = (char *)attr(a, nb_attr, at, "groups");
        m->groups = g ? parse_groups(r, g) : 0;
        m->line = line, m->col = col;
        break;
    }
    case E_VISIT: {
        rd_visit *v = vec_push(&r->visits);
        char *by;
        if (!v) {
            oom = 1;
            break;
        }
        v->id = collapse((char *)attr(a, nb_attr, at, "id"));
        v->date =
            reader_parse_date(collapse((char *)attr(a, nb_attr, at, "date")));
        v->kind = enum_index(r, "visitKind",
                             collapse((char *)attr(a, nb_attr, at, "kind")));
        v->rating = -1;
        v->line = line, v->col = col;
        by = collapse((char *)attr(a, nb_attr, at, "by"));
        if (by && split_by(r, by, v) < 0)
            oom = 1;
        break;
    }
    case E_FORM: {
        rd_form *f = vec_push(&r->forms);
        if (!f || !r->visits.n) {
            oom = !f;
            break;
        }
        f->id = collapse((char *)attr(a, nb_attr, at, "id"));
        f->visit = r->visits.n - 1;
        f->line = line, f->col = col;
        break;
    }
    case E_OPINION:
    case E_SUGGESTION: {
        rd_item *it = vec_push(&r->items);
        const char *imp, *st;
        if (!it || !r->forms.n) {
            oom = !it;
            break;
        }
        it->id = collapse((char *)attr(a, nb_attr, at, "id"));
        it->suggestion = kind == E_SUGGESTION;
        it->form = r->forms.n - 1;
        it->category = enum_index(
            r, "category", collapse((char *)attr(a, nb_attr, at, "category")));
        st = collapse((char *)attr(a, nb_attr, at, "status"));
        /* the schema's default for a suggestion without status */
        it->status = enum_index(r, "status", st ? st : "pending");
        imp = collapse((char *)attr(a, nb_attr, at, "important"));
        it->important = imp && (!strcmp(imp, "true") || !strcmp(imp, "1"));
        it->to = attr(a, nb_attr, at, "to");
        it->closed =
            reader_parse_date(collapse((char *)attr(a, nb_attr, at, "closed")));
        it->line = line, it->col = col;
        break;
    }
    case E_SATISFACTION:
        if (r->visits.n) {
            rd_visit *v = (rd_visit *)r->visits.v + r->visits.n - 1;
            v->rating = enum_index(
                r, "rating", collapse((char *)attr(a, nb_attr, at, "rating")));
            v->rating_line = line, v->rating_col = col;
        }
        break;
    case E_SERVICE: {
        rd_service *s = vec_push(&r->services);
        if (!s || !r->visits.n) {
            oom = !s;
            break;
        }
        s->type = enum_index(r, "serviceType",
                             collapse((char *)attr(a, nb_attr, at, "type")));
        s->member = collapse((char *)attr(a, nb_attr, at, "member"));
        s->visit = r->visits.n - 1;
        s->line = line, s->col = col;
        break;
    }
    case E_SECTION:
        memset(&r->sec, 0, sizeof r->sec);
        r->paras.n = 0;
        arena_reset(&r->hh_arena);
        r->sec.name = enum_index(
            r, "sectionName", collapse((char *)attr(a, nb_attr, at, "name")));
        r->sec.line = line, r->sec.col = col;
        break;
    case E_P:
        r->in_p = 1;
        r->text_n = 0;
        break;
    default:
        break;
    }
    if (oom) {
        r->cb_failed = 1;
        refuse(r, "out of memory");
    }
}

static void characters(void *ud, const xmlChar *ch, int len)
{
    reader_t *r = ud;
    size_t n = (size_t)len;
    if (!r->in_p || r->fatal)
        return;
    if (r->text_n + n > MAX_PARA)
        n = r->text_n < MAX_PARA ? MAX_PARA - r->text_n : 0;
    if (GROW(r->text, r->text_n + n + 1, r->text_cap) != ERR_OK) {
        r->cb_failed = 1;
        refuse(r, "out of memory");
        return;
    }
    memcpy(r->text + r->text_n, ch, n);
    r->text_n += n;
}

static int household_done(reader_t *r)
{
    rd_household *h = &r->hh;
    size_t i;
    const char **by = r->by.v;
    rd_visit *v = r->visits.v;

    for (i = 0; i < r->visits.n; i++)
        v[i].by = by + (uintptr_t)v[i].by;
    h->members = r->members.v, h->n_members = r->members.n;
    h->visits = v, h->n_visits = r->visits.n;
    h->forms = r->forms.v, h->n_forms = r->forms.n;
    h->items = r->items.v, h->n_items = r->items.n;
    h->services = r->services.v, h->n_services = r->services.n;
    return r->cb->household ? r->cb->household(r->ud, h) : 0;
}

static void end_element(void *ud, const xmlChar *local, const xmlChar *prefix,
                        const xmlChar *uri)
{
    reader_t *r = ud;
    int kind, rc = 0;
    (void)local, (void)prefix, (void)uri;
    if (r->fatal || !r->depth)
        return;
    kind = r->stack[r->depth--];
    if (r->res->errors) {
        r->in_p = 0;
        return;
    }
    switch (kind) {
    case E_CADRES:
        r->head.cadres = r->cadres.v;
        r->head.n_cadres = r->cadres.n;
        r->head_done = 1;
        if (r->cb->head)
            rc = r->cb->head(r->ud, &r->head);
        break;
    case E_HOUSEHOLD:
        r->in_household = 0;
        rc = household_done(r);
        household_reset(r);
        break;
    case E_P: {
        const char **slot;
        size_t b = 0, e = r->text_n;
        r->in_p = 0;
        while (b < e && strchr(" \t\r\n", r->text[b]))
            b++;
        while (e > b && strchr(" \t\r\n", r->text[e - 1]))
            e--;
        if (!(slot = vec_push(&r->paras)) ||
            !(*slot = arena_strndup(&r->hh_arena, r->text + b, e - b)))
            rc = -1;
        break;
    }
    case E_SECTION:
        r->sec.p = r->paras.v;
        r->sec.n_p = r->paras.n;
        if (r->cb->section)
            rc = r->cb->section(r->ud, &r->sec);
        arena_reset(&r->hh_arena);
        break;
    default:
        break;
    }
    if (rc) {
        r->cb_failed = 1;
        refuse(r, "out of memory");
    }
}

static void internal_subset(void *ud, const xmlChar *name, const xmlChar *eid,
                            const xmlChar *sid)
{
    (void)name, (void)eid, (void)sid;
    refuse(ud, "the register declares a DOCTYPE: registers have no use for "
               "one (and it could load files or expand entities); remove "
               "the <!DOCTYPE ...> declaration");
}

/* ---- encoding ----------------------------------------------------------- */

/* Checks the encoding of the first bytes. Returns NULL when acceptable, or
 * a message (static or in BUF) saying why not. */
static const char *check_encoding(const unsigned char *p, size_t n, char *buf,
                                  size_t bufsize)
{
    static const char *const ok[] = {
        "UTF-8",  "UTF8",     "GB18030",  "GBK",      "GB2312",
        "UTF-16", "UTF-16LE", "UTF-16BE", "US-ASCII", "ASCII"};
    const char *e, *q;
    size_t i, len;
    char enc[64];

    if (n >= 2 &&
        ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return NULL; /* UTF-16 with BOM */
    if (n >= 4 && ((p[0] == '<' && !p[1] && p[2] == '?' && !p[3]) ||
                   (!p[0] && p[1] == '<' && !p[2] && p[3] == '?')))
        return NULL; /* UTF-16 without BOM */
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        p += 3;
        n -= 3;
    }
    if ((n >= 2 && p[0] == 0x1F && p[1] == 0x8B) ||
        (n >= 6 && !memcmp(p,
                           "\xFD"
                           "7zXZ",
                           5)) ||
        (n >= 3 && !memcmp(p, "BZh", 3)) ||
        (n >= 4 && !memcmp(p, "PK\x03\x04", 4)) ||
        (n >= 4 && !memcmp(p, "\x28\xB5\x2F\xFD", 4)))
        return "the register is compressed (gzip, xz, bzip2, zip or zstd): "
               "canvass reads plain XML only; decompress it first";
    for (i = 0; i < n && strchr(" \t\r\n", p[i]) && p[i]; i++)
        ;
    if (i < n && p[i] != '<')
        return "not an XML file: a register begins with <?xml or <register";
    if (n < 5 || memcmp(p, "<?xml", 5))
        return NULL; /* no declaration: UTF-8 */
    q = memchr(p, '>', n);
    len = q ? (size_t)(q - (const char *)p) : n;
    for (e = (const char *)p; e + 8 < (const char *)p + len; e++)
        if (!memcmp(e, "encoding", 8))
            break;
    if (e + 8 >= (const char *)p + len)
        return NULL; /* no encoding declared: UTF-8 */
    e += 8;
    while (*e == ' ' || *e == '=' || *e == '\t')
        e++;
    if (*e != '"' && *e != '\'')
        return NULL; /* malformed; the parser will say so */
    q = e + 1;
    for (i = 0; q[i] && q[i] != *e && i < sizeof enc - 1 &&
                q + i < (const char *)p + len;
         i++)
        enc[i] = q[i];
    enc[i] = 0;
    for (i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!strcasecmp(enc, ok[i]))
            return NULL;
    snprintf(buf, bufsize,
             "the register declares encoding \"%s\", which canvass does not "
             "accept: save it as UTF-8 (or GB18030, GBK, GB2312, UTF-16)",
             enc);
    return buf;
}

/* ---- reading ------------------------------------------------------------ */

static void io_diag(const char *path, const reader_callbacks *cb, void *ud,
                    const char *what, int err)
{
    char msg[512];
    diag d = {0};
    if (err)
        snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
    else
        snprintf(msg, sizeof msg, "%s", what);
    d.file = (char *)path;
    d.severity = DIAG_ERROR;
    d.rule = "io";
    d.message = msg;
    if (cb->diag)
        cb->diag(ud, &d);
}

static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

void reader_hex(char *out, const uint8_t *d, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = 0;
}

error_code reader_read(reader_t *r, const char *path,
                       const reader_callbacks *cb, void *ud, reader_result *res)
{
    xmlSAXHandler sax;
    xmlSAXHandlerPtr psax = &sax;
    void *pud = r;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    unsigned char *buf = NULL;
    error_code rc = ERR_OK;
    struct stat st;
    ssize_t n;
    int fd, first = 1, wf, sv, flags;
    char encbuf[256];

    memset(res, 0, sizeof *res);
    r->path = path, r->cb = cb, r->ud = ud, r->res = res;
    r->fatal = r->cb_failed = 0;
    r->holding = 0;
    r->n_held = 0;
    r->listed = 0;
    r->depth = 0;
    r->head_done = 0;
    r->in_p = r->in_household = 0;
    r->cadres.n = 0;
    memset(&r->head, 0, sizeof r->head);
    arena_reset(&r->head_arena);
    household_reset(r);
    r->ctxt = NULL;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        io_diag(path, cb, ud, "cannot open the register", errno);
        return ERR_OPEN;
    }
    if (fstat(fd, &st) < 0) {
        io_diag(path, cb, ud, "cannot read the register", errno);
        close(fd);
        return ERR_READ;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        io_diag(path, cb, ud,
                S_ISDIR(st.st_mode)
                    ? "is a directory, not a register: name the XML files"
                    : "is not a regular file (a FIFO, socket or device): "
                      "copy the register to a file first",
                0);
        return ERR_NOT_REGULAR;
    }
    if ((flags = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        io_diag(path, cb, ud, "cannot read the register", errno);
        close(fd);
        return ERR_READ;
    }
    if (!(buf = malloc(CHUNK))) {
        close(fd);
        return ERR_NOMEM;
    }
    sha256_init(&sha);

    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = start_element;
    sax.endElementNs = end_element;
    sax.characters = characters;
    sax.internalSubset = internal_subset;
    if (!(vctxt = xmlSchemaNewValidCtxt(r->schema)) ||
        !(plug = xmlSchemaSAXPlug(vctxt, &psax, &pud))) {
        rc = ERR_NOMEM;
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vctxt, schema_error, r);

    for (;;) {
        n = read_full(fd, buf, CHUNK);
        if (n < 0) {
            io_diag(path, cb, ud, "cannot read the register", errno);
            rc = ERR_READ;
            goto done;
        }
        if (r->stop && *r->stop) {
            rc = ERR_INTERRUPTED;
            goto done;
        }
        sha256_update(&sha, (size_t)n, buf);
        res->size += (uint64_t)n;
        if (r->fatal) {
            /* keep hashing: the digest names the whole file */
            if (n < CHUNK)
                break;
            continue;
        }
        if (first) {
            const char *why =
                check_encoding(buf, (size_t)n, encbuf, sizeof encbuf);
            first = 0;
            if (n == 0)
                why = "the register is empty (0 bytes): export it again";
            if (why) {
                report(r, 1, 1, why);
                r->fatal = 1;
                if (n < CHUNK)
                    break;
                continue;
            }
            r->ctxt = xmlCreatePushParserCtxt(psax, pud, (const char *)buf,
                                              n < 4 ? (int)n : 4, path);
            if (!r->ctxt) {
                rc = ERR_NOMEM;
                goto done;
            }
            r->ctxt->_private = r;
            r->ctxt->sax->serror = parser_error;
            xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET);
            if (n > 4)
                xmlParseChunk(r->ctxt, (const char *)buf + 4, (int)n - 4, 0);
        } else if (n > 0) {
            xmlParseChunk(r->ctxt, (const char *)buf, (int)n, 0);
        }
        /* the construct still unparsed starts at the parser's position */
        if (!r->fatal && r->ctxt && r->ctxt->input &&
            (size_t)(r->ctxt->input->end - r->ctxt->input->cur) > PENDING_MAX)
            refuse_at(r, cur_line(r), cur_col(r),
                      "a single tag or text is larger than 4 MB: this is not "
                      "a register a community system exports");
        if (r->ctxt &&
            (r->ctxt->disableSAX || r->ctxt->instate == XML_PARSER_EOF))
            r->fatal = 1;
        if (n < CHUNK)
            break;
    }
    sha256_digest(&sha, sizeof digest, digest);
    reader_hex(res->sha256, digest, sizeof digest);

    /* The end of the input. libxml2 describes a file cut short by what the
     * cut happened to leave ("Extra content", "Couldn't find end of Start
     * Tag", a half element name...): hold what the last step says, and if
     * elements are still open it was cut, which is the one thing to say. */
    if (r->ctxt && !r->fatal) {
        unsigned line = cur_line(r), col = cur_col(r);
        r->holding = 1;
        r->n_held = 0;
        xmlParseChunk(r->ctxt, NULL, 0, 1);
        r->holding = 0;
        if (r->depth > 0) {
            if (r->n_held)
                line = r->held[0].line, col = r->held[0].col;
            report(r, line, col,
                   "the file ends before </register>: the "
                   "register is truncated; export it again");
        } else {
            size_t i;
            for (i = 0; i < r->n_held && i < HELD; i++)
                report(r, r->held[i].line, r->held[i].col, r->held[i].msg);
            if (r->n_held > HELD)
                res->errors += (unsigned)(r->n_held - HELD);
        }
    }

    wf = r->ctxt && r->ctxt->wellFormed;
    sv = xmlSchemaIsValid(vctxt);
    if (r->ctxt && !wf && !res->errors)
        report(r, cur_line(r), cur_col(r), "the register is not well-formed");
    if (r->ctxt && wf && !sv && !res->errors)
        report(r, cur_line(r), cur_col(r), "the register is not valid");
    res->valid = r->ctxt && wf && sv && !res->errors;
    if (r->cb_failed)
        rc = ERR_NOMEM;
done:
    if (plug)
        xmlSchemaSAXUnplug(plug);
    if (r->ctxt) {
        /* the parser context frees the copy of the SAX handler it made */
        xmlFreeParserCtxt(r->ctxt);
        r->ctxt = NULL;
    }
    xmlSchemaFreeValidCtxt(vctxt);
    free(buf);
    close(fd);
    household_reset(r);
    return rc;
}

xmlSchemaPtr reader_load_schema(const char *path, char **msg)
{
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr s = NULL;
    xmlDocPtr doc;

    doc = xmlReadFile(
        path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        error_set(msg, ERR_SCHEMA, "%s: cannot read the schema", path);
        return NULL;
    }
    if ((pc = xmlSchemaNewDocParserCtxt(doc))) {
        xmlSchemaSetParserStructuredErrors(pc, NULL, NULL);
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlFreeDoc(doc);
    if (!s)
        error_set(msg, ERR_SCHEMA, "%s: not a valid XML Schema", path);
    return s;
}

error_code reader_check_vocab(const vocab_t *vocab, const char *path,
                              char **msg)
{
    size_t ng = 0;
    vocab_enum(vocab, "group", &ng);
    if (ng > RD_MAX_GROUPS)
        return error_set(msg, ERR_SCHEMA,
                         "%s defines %zu groups; canvass counts at most %d "
                         "(a member's groups are one 64-bit set): merge or "
                         "drop groups",
                         path, ng, RD_MAX_GROUPS);
    return ERR_OK;
}
