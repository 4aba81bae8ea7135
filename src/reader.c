/*
 * reader.c — one register, streamed: open, sniff, decode, parse, validate,
 * hash.
 *
 * Design. The file is opened by us (O_NONBLOCK so a FIFO cannot hang the
 * open, then fstat: regular files only) and read in 64 KiB chunks; each
 * chunk goes to the SHA-256 and through the input stage (below) to a
 * libxml2 push parser whose SAX stream has the schema validator plugged in
 * (xmlSchemaSAXPlug), 16 KiB at a time so that an interrupt is seen
 * promptly. Measured on libxml2 2.9.14 this is the fastest way to validate
 * and see every element in one pass; memory stays that of one household.
 *
 * Input stage. We decode, not libxml2: the encoding comes from a BOM, the
 * shape of UTF-16, or the declaration (checked against the accepted list);
 * GB18030, GBK, GB2312 and UTF-16 go through iconv, UTF-8 is validated;
 * the parser gets UTF-8 with its own decoding off (XML_PARSE_IGNORE_ENC).
 * The first bad byte stops the register with its line and column and a
 * description of the bytes, never the bytes (they may be a name): libxml2's
 * decoder would report it without a position and stop as if the document
 * had ended, counting the register in part. A GB declaration on UTF-8
 * bytes is refused at the third run of non-ASCII bytes in a row that is
 * well-formed UTF-8 Chinese (CJK characters of three or four bytes); a run
 * of GB characters reads so only by rare accident, three never. The same pass
 * counts lines and columns and runs a small lexer that refuses, before the
 * parser sees them, the constructs libxml2 handles in quadratic time: more
 * than MAX_ATTRS attributes on one tag, more than MAX_TEXT bytes of text
 * between two tags.
 *
 * Safety. Options are XML_PARSE_NONET only: no entity substitution, no DTD
 * loading, no XInclude, no XML_PARSE_HUGE. A DOCTYPE is refused outright
 * (internalSubset callback, before any entity could be expanded), nesting
 * deeper than the format can be is refused at once, and a single markup
 * construct larger than PENDING_MAX bytes stops the parse, so hostile
 * files fail fast in bounded memory.
 *
 * Errors. Parser and validator errors both arrive through structured error
 * handlers (parser: ctxt->sax->serror, found again through ctxt->_private;
 * validator: xmlSchemaSetValidStructuredErrors); what libxml2 raises
 * outside a context goes to per-thread handlers we set while reading, and
 * refuses the register too. A parser that stops must have said why, or we
 * say it. The validator's positions are unreliable in SAX mode, so
 * positions come from the parser context. Validity is decided from all of
 * them: a register is valid only if the parser says well-formed, the
 * validator says valid and no error was reported.
 *
 * Households. Element attributes are copied into per-household flat arrays
 * whose strings live in an arena reset after each </household>; enumerated
 * values are turned into vocabulary indexes here, once; team names are
 * put in Unicode NFC (libunistring), so two spellings are one team.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
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
#include <uninorm.h>

#include "arena.h"

#define REG_NS "urn:canvass:register:1"
#define CHUNK 65536
#define MAX_DEPTH 32             /* the format needs 6 */
#define PENDING_MAX (4u << 20)   /* unparsed bytes of one construct */
#define MAX_DIAGS 10000          /* per register; the count stays exact */
#define MAX_PARA 65536           /* bytes kept of one narrative paragraph */
#define HELD 8                   /* errors held at the end of the file */

/* Element kinds, by their place in the format. */
enum {
    E_OTHER, E_REGISTER, E_COMMUNITY, E_CAMPAIGN, E_CADRES, E_CADRE,
    E_HOUSEHOLDS, E_HOUSEHOLD, E_MEMBER, E_VISIT, E_FORM, E_OPINION,
    E_SUGGESTION, E_SATISFACTION, E_SERVICE, E_NARRATIVE, E_SECTION, E_P
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
    int fatal;        /* stop: callback failure or refused content */
    int holding;      /* errors of the final parse step are held */
    struct {
        unsigned line, col;
        char msg[256];
    } held[HELD];
    size_t n_held;
    int cb_failed;
    int stray;        /* libxml2 raised an error outside the parser */
    unsigned listed;  /* diagnostics passed on */
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
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void *v = realloc(a->v, cap * a->size);
        if (!v)
            return NULL;
        a->v = v;
        a->cap = cap;
    }
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
    r->n_groups = (int)(ng > 64 ? 64 : ng);
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
            snprintf(r->held[r->n_held].msg, sizeof r->held[0].msg, "%s",
                     msg);
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
static void refuse_at(reader_t *r, unsigned line, unsigned col,
                      const char *msg)
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

/* Personal data must not reach a diagnostic (nor, through it, a return or
 * a workbook). libxml2 quotes values in its messages ("...: 'VALUE' is not
 * a valid value", "The value 'VALUE' is not an element of the set"), and a
 * coded field may hold a name or an opinion typed into it (by="张三",
 * category="楼道灯坏了"). So every quoted string of a message is shown only
 * when it cannot be personal data: one of the schema's values or labels,
 * or a short ASCII code without spaces (an id, a type, a pattern, a
 * number). Anything else is described by its length and kind. Values of
 * the personal attributes, and the free text of the text elements, are
 * withheld whatever they look like. */
static const char *const personal_attrs[] = {"name", "born", "sex",
                                             "address"};
static const char *const text_elements[] = {"opinion", "suggestion", "p"};
static const char *const vocab_types[] = {
    "dwelling", "role", "group", "elderlyGroup", "sex", "visitKind",
    "category", "status", "rating", "serviceType", "sectionName"};
#define WITHHELD "(personal data, not shown)"
#define MAX_CODE 64

/* "a 1-character", "an 8-character": the article for the number N. */
static const char *article(size_t n)
{
    size_t digits = 1, lead = n;
    while (lead >= 10)
        lead /= 10, digits++;
    if (lead == 8)
        return "an";
    /* eleven, eighteen, eleven thousand... */
    if (digits % 3 == 2) {
        size_t top = n;
        while (top >= 100)
            top /= 10;
        if (top == 11 || top == 18)
            return "an";
    }
    return "a";
}

/* Whether the LEN bytes at V may be quoted (see above). */
static int showable(const reader_t *r, const char *v, size_t len)
{
    size_t i, t, k, n;
    int code = len <= MAX_CODE;
    for (i = 0; i < len && code; i++)
        code = v[i] > ' ' && v[i] < 0x7F;
    if (code)
        return 1;
    for (t = 0; t < sizeof vocab_types / sizeof *vocab_types; t++) {
        const vocab_item *it = vocab_enum(r->vocab, vocab_types[t], &n);
        for (k = 0; k < n; k++)
            if ((strlen(it[k].zh) == len && !memcmp(it[k].zh, v, len)) ||
                (strlen(it[k].en) == len && !memcmp(it[k].en, v, len)))
                return 1;
    }
    return 0;
}

/* Describes the LEN bytes of UTF-8 at V into OUT: "(a 3-character Chinese
 * text, not shown)". */
static void describe(const char *v, size_t len, char *out, size_t size)
{
    size_t i, chars = 0;
    int han = 0, digits = len > 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c & 0xC0) == 0x80)
            continue;
        chars++;
        digits &= c >= '0' && c <= '9';
        /* lead bytes of U+3400-U+9FFF, U+F900-U+FAFF, U+20000-U+3FFFF */
        han |= (c >= 0xE3 && c <= 0xE9 &&
                (c > 0xE3 || (i + 1 < len &&
                              (unsigned char)v[i + 1] >= 0x90))) ||
               (c == 0xEF && i + 1 < len && (unsigned char)v[i + 1] >= 0xA4 &&
                (unsigned char)v[i + 1] <= 0xAB) ||
               (c == 0xF0 && i + 1 < len && (unsigned char)v[i + 1] >= 0xA0);
    }
    if (digits)
        snprintf(out, size, "(%s %zu-digit number, not shown)",
                 article(chars), chars);
    else
        snprintf(out, size, "(%s %zu-character %s, not shown)",
                 article(chars), chars, han ? "Chinese text" : "text");
}

/* Whether the token quoted at Q (its opening quote) in M is in the place
 * of a value: after ": " or "value ". */
static int value_place(const char *m, const char *q)
{
    return (q - m >= 2 && !strncmp(q - 2, ": ", 2)) ||
           (q - m >= 6 && !strncmp(q - 6, "value ", 6));
}

/* Copies M into OUT (SIZE bytes) with the values that may be personal data
 * withheld or described. Quoted strings open after a space or one of "{[("
 * and close before a space, one of ".,;:)]}" or the end; text outside them
 * is libxml2's own, ASCII. When anything else is seen (a value holding a
 * quote, say), the message is cut to its "Element ..." part, which names
 * where. */
static void redact(const reader_t *r, const char *m, char *out, size_t size)
{
    const char *a = strstr(m, "attribute '"), *p = m;
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
    if (size)
        out[0] = 0;
    while (*p && o + 1 < size) {
        const char *q, *e;
        char desc[96];
        if (*p != '\'' ||
            !(p == m || strchr(" {[(", p[-1]))) {
            if ((unsigned char)*p >= 0x80)
                goto unsafe;
            out[o++] = *p++;
            continue;
        }
        /* a quoted string: find where it closes */
        q = p + 1;
        for (e = q; *e; e++)
            if (*e == '\'' && (!e[1] || strchr(" .,;:)]}\n", e[1])))
                break;
        if (!*e)
            goto unsafe;
        len = (size_t)(e - q);
        if (personal && value_place(m, p))
            snprintf(desc, sizeof desc, "%s", WITHHELD);
        else if (showable(r, q, len))
            snprintf(desc, sizeof desc, "%.*s", (int)len, q);
        else
            describe(q, len, desc, sizeof desc);
        o += (size_t)snprintf(out + o, size - o, "'%s'", desc);
        if (o >= size)
            o = size - 1;
        p = e + 1;
    }
    out[o] = 0;
    return;
unsafe:
    /* the place ("Element 'x', attribute 'y'") without what was said */
    len = strncmp(m, "Element '", 9) ? 0 : strcspn(m, ":");
    if (len && len < strlen(m)) {
        char place[256];
        redact(r, (snprintf(place, sizeof place, "%.*s", (int)len, m), place),
               out, size);
        o = strlen(out);
        snprintf(out + o, size - o, ": the value is not valid here (not "
                                     "shown: it may be personal data)");
    } else {
        snprintf(out, size, "an error whose message would quote the "
                            "register's text, which may be personal data: "
                            "look at this place");
    }
}

static void error_to_diag(reader_t *r, const xmlError *e, unsigned line,
                          unsigned col)
{
    char raw[1024], buf[1024];
    if (e->level == XML_ERR_WARNING)
        return;
    /* tidied first: the namespace is not part of a quoted name */
    snprintf(raw, sizeof raw, "%s", e->message ? e->message : "error");
    tidy(raw);
    redact(r, raw, buf, sizeof buf);
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

/* Like attr, in Unicode NFC: two spellings of one name (a CJK
 * compatibility ideograph and its unified form, composed and decomposed
 * letters) are then one string, so one team. */
static const char *attr_nfc(arena *a, int nb, const xmlChar **at,
                            const char *name)
{
    const char *v = attr(a, nb, at, name), *c;
    size_t len = 0;
    uint8_t *n;
    if (!v)
        return NULL;
    n = u8_normalize(UNINORM_NFC, (const uint8_t *)v, strlen(v), NULL, &len);
    if (!n)
        return v; /* no memory: as written */
    c = arena_strndup(a, (const char *)n, len);
    free(n);
    return c ? c : v;
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
        if (i >= 0 && i < 64)
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
               ? kind_of(parent, (const char *)local) : E_OTHER;
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
        c->team = attr_nfc(ha, nb_attr, at, "team");
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
        v->date = reader_parse_date(
            collapse((char *)attr(a, nb_attr, at, "date")));
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
        it->closed = reader_parse_date(
            collapse((char *)attr(a, nb_attr, at, "closed")));
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
    if (r->text_n + n + 1 > r->text_cap) {
        size_t cap = (r->text_n + n + 1) * 2;
        char *t = realloc(r->text, cap);
        if (!t) {
            r->cb_failed = 1;
            refuse(r, "out of memory");
            return;
        }
        r->text = t;
        r->text_cap = cap;
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
        /* r->text is NULL until a paragraph had text (<p/> first) */
        if (!(slot = vec_push(&r->paras)) ||
            !(*slot = arena_strndup(&r->hh_arena, r->text ? r->text + b : "",
                                    e - b)))
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

/* ---- the input stage: decode, locate, guard ------------------------------
 *
 * libxml2 never sees the file's bytes: it sees them decoded to UTF-8 by
 * us, with its own decoding turned off (XML_PARSE_IGNORE_ENC). Its decoder
 * reports a bad byte as an unlocated "encoding error" on stderr and stops
 * the parse as if the document had ended, which counted a register in
 * part; ours stops at the first bad byte with its line and column, and
 * describes the bytes without echoing them (they may be a name).
 *
 * The same pass counts lines and columns (characters) of the decoded text
 * and runs a small lexer over it that refuses, before libxml2 parses them,
 * the constructs whose cost in libxml2 grows with the square of their size:
 * a start tag with very many attributes (duplicate checks, one validator
 * error each) and a very long text between two tags (the validator joins
 * the pieces of a text one strlen at a time).
 */

#define MAX_ATTRS 100            /* per start tag; the format needs 8 */
#define MAX_TEXT (1u << 20)      /* bytes of text between two tags */
#define TOO_MUCH_TEXT                                                          \
    "a text of more than 1 MB between two tags: no register has one (a "     \
    "narrative paragraph or an opinion is a few hundred characters); split " \
    "it, or export the register again"
#define GB_HITS 3                /* such runs that make a GB file UTF-8 */
#define FEED 16384               /* bytes handed to libxml2 at a time */

/* Lexer states. */
enum {
    L_TEXT, L_LT, L_STAG, L_AVAL, L_ETAG, L_PI, L_BANG, L_COMMENT, L_CDATA,
    L_DECL
};

typedef struct {
    char name[16];        /* encoding, for messages: "UTF-8", "GBK"... */
    int gb;               /* a GB encoding whose bytes may turn out UTF-8:
                             1 still looking, 2 settled as GB */
    unsigned gb_hits;     /* runs in a row that read as Chinese in UTF-8 */
    iconv_t cd;           /* (iconv_t)-1 when the input is UTF-8 */
    unsigned char carry[8]; /* an incomplete character from the last read */
    size_t n_carry;
    unsigned char *in, *out; /* buffers: carry + chunk, decoded */
    size_t out_cap;

    /* position of the next decoded byte */
    unsigned line, col;
    int content;          /* a byte other than a blank was decoded */
    /* the lexer */
    int state, quote, depth;
    unsigned run;         /* '-', ']' or '?' seen in a row */
    unsigned attrs;
    size_t text;
    char bang[8];
    size_t n_bang;
    unsigned tag_line, tag_col, text_line, text_col;

    /* the first problem found: where, and what */
    unsigned err_line, err_col;
    char why[384];
} intake;

static void intake_init(intake *in)
{
    memset(in, 0, sizeof *in);
    in->cd = (iconv_t)-1;
    in->line = in->col = 1;
}

static void intake_done(intake *in)
{
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    free(in->in);
    free(in->out);
    in->cd = (iconv_t)-1;
    in->in = in->out = NULL;
}

/* Length of the invalid UTF-8 sequence at P (N bytes available): the
 * longest prefix of a well-formed sequence, at least 1 (Unicode's
 * "maximal subpart"). */
static size_t utf8_bad_len(const unsigned char *p, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        need = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        need = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        need = 4;
    else
        return 1;
    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    for (i = 1; i < need && i < n; i++) {
        if (p[i] < lo || p[i] > hi)
            break;
        lo = 0x80, hi = 0xBF;
    }
    return i;
}

/* Length of the well-formed UTF-8 sequence at P, 0 when it is not one,
 * or -1 when the N bytes are a proper prefix of one (it continues in the
 * next read). */
static int utf8_len(const unsigned char *p, size_t n)
{
    size_t bad;
    int need;
    if (p[0] < 0x80)
        return 1;
    need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    bad = utf8_bad_len(p, n);
    if (bad == (size_t)need)
        return need;
    if (bad == n && p[0] >= 0xC2 && p[0] <= 0xF4)
        return -1;
    return 0;
}

/* Index of the first byte of P[0..N) that is not well-formed UTF-8 (N
 * when all are); *PARTIAL is set when the bytes from there on are only
 * the start of a character. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n,
                                int *partial)
{
    size_t i = 0;
    *partial = 0;
    while (i < n) {
        int k;
        /* ASCII eight bytes at a time: nearly all of a register */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        /* the common case, a CJK character: E1-EC or EE-EF, then two
         * continuation bytes (E0 and ED have narrower second bytes) */
        if (i + 3 <= n && p[i] >= 0xE1 && p[i] <= 0xEF && p[i] != 0xED &&
            (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        k = utf8_len(p + i, n - i);
        if (k <= 0) {
            *partial = k < 0;
            return i;
        }
        i += (size_t)k;
    }
    return n;
}

/* Under a GB declaration: whether the run of non-ASCII bytes at P reads
 * as Chinese in UTF-8 (1: well-formed UTF-8 whose every character of three
 * or four bytes is CJK, punctuation or full-width, with at least one of
 * them), does not (0: then the file is taken to be GB), or cannot tell
 * (-1: the run is cut by the end of the read, or has two-byte sequences
 * only). *LEN is set to the run's length. */
static int gb_run_is_utf8(const unsigned char *p, size_t n, size_t *len)
{
    size_t i = 0;
    int cjk = 0;
    while (i < n && p[i] >= 0x80) {
        int k = utf8_len(p + i, n - i);
        uint32_t cp;
        if (k == 0) {
            while (i < n && p[i] >= 0x80)
                i++;
            *len = i;
            return 0;
        }
        if (k < 0) {
            *len = n;
            return -1;
        }
        if (k == 3) {
            cp = (uint32_t)(p[i] & 0x0F) << 12 |
                 (uint32_t)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F);
            if (!((cp >= 0x2000 && cp <= 0x2BFF) ||
                  (cp >= 0x3000 && cp <= 0x9FFF) ||
                  (cp >= 0xF900 && cp <= 0xFAFF) ||
                  (cp >= 0xFE30 && cp <= 0xFE4F) ||
                  (cp >= 0xFF00 && cp <= 0xFFEF)))
                cjk = -1;
            else if (cjk >= 0)
                cjk = 1;
        } else if (k == 4) {
            cp = (uint32_t)(p[i] & 0x07) << 18 |
                 (uint32_t)(p[i + 1] & 0x3F) << 12 |
                 (uint32_t)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
            if (cp < 0x20000 || cp > 0x3FFFF)
                cjk = -1;
            else if (cjk >= 0)
                cjk = 1;
        }
        i += (size_t)k;
    }
    *len = i;
    return cjk < 0 ? 0 : cjk ? 1 : -1;
}

/* Length of the invalid GB sequence at P (N bytes, N >= 1): a byte that
 * cannot begin a character alone; otherwise the lead byte with what
 * follows it when that is not ASCII (or, in GB18030, the digits and bytes
 * of a four-byte form). */
static size_t gb_bad_len(const unsigned char *p, size_t n, int gb18030)
{
    size_t i;
    if (p[0] < 0x81 || p[0] == 0xFF || n < 2)
        return 1;
    if (gb18030 && p[1] >= 0x30 && p[1] <= 0x39) {
        for (i = 2; i < 4 && i < n; i++)
            if (i == 2 ? p[i] < 0x81 || p[i] == 0xFF
                       : p[i] < 0x30 || p[i] > 0x39)
                break;
        return i;
    }
    return p[1] >= 0x80 ? 2 : 1;
}

/* Picks the encoding from the first bytes P[0..N) (a BOM, UTF-16 without
 * one, or the XML declaration); *SKIP is set to the length of the BOM.
 * Returns NULL when the register can be read, or why not (static or in
 * IN->why). */
static const char *intake_begin(intake *in, const unsigned char *p, size_t n,
                                size_t *skip)
{
    static const struct {
        const char *name, *iconv_name;
    } ok[] = {
        {"UTF-8", NULL},        {"UTF8", NULL},
        {"US-ASCII", NULL},     {"ASCII", NULL},
        {"GB18030", "GB18030"}, {"GBK", "GBK"},
        {"GB2312", "GB2312"},   {"UTF-16", NULL},
        {"UTF-16LE", NULL},     {"UTF-16BE", NULL},
    };
    const char *e, *q, *end, *use = NULL;
    size_t i, len, bom = 0;
    char enc[64];
    int utf16 = 0; /* 1 LE, 2 BE */

    *skip = 0;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        utf16 = 1, bom = 2;
    else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        utf16 = 2, bom = 2;
    else if (n >= 4 && p[0] == '<' && !p[1] && p[2] == '?' && !p[3])
        utf16 = 1;
    else if (n >= 4 && !p[0] && p[1] == '<' && !p[2] && p[3] == '?')
        utf16 = 2;
    if (utf16) {
        snprintf(in->name, sizeof in->name, "UTF-16%s",
                 utf16 == 1 ? "LE" : "BE");
        *skip = bom;
        in->cd = iconv_open("UTF-8", in->name);
        return in->cd == (iconv_t)-1
                   ? "this system cannot decode UTF-16 (iconv): save the "
                     "register as UTF-8"
                   : NULL;
    }
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        p += 3;
        n -= 3;
        bom = 3;
    }
    *skip = bom;
    snprintf(in->name, sizeof in->name, "UTF-8");
    if ((n >= 2 && p[0] == 0x1F && p[1] == 0x8B) ||
        (n >= 6 && !memcmp(p, "\xFD" "7zXZ", 5)) ||
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
    end = (const char *)p + len;
    for (e = (const char *)p; e + 8 < end; e++)
        if (!memcmp(e, "encoding", 8))
            break;
    if (e + 8 >= end)
        return NULL; /* no encoding declared: UTF-8 */
    e += 8;
    while (e < end && (*e == ' ' || *e == '=' || *e == '\t'))
        e++;
    if (e >= end || (*e != '"' && *e != '\''))
        return NULL; /* malformed; the parser will say so */
    q = e + 1;
    for (i = 0; q + i < end && q[i] != *e && i < sizeof enc - 1; i++)
        enc[i] = q[i];
    enc[i] = 0;
    for (i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!strcasecmp(enc, ok[i].name))
            break;
    if (i == sizeof ok / sizeof *ok) {
        /* only ASCII letters, digits and -_.: of the name are shown */
        for (i = 0; enc[i]; i++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789-_.:", enc[i]))
                enc[i] = '?';
        snprintf(in->why, sizeof in->why,
                 "the register declares encoding \"%s\", which canvass does "
                 "not accept: save it as UTF-8 (or GB18030, GBK, GB2312, "
                 "UTF-16)", enc);
        return in->why;
    }
    if (!strncasecmp(enc, "UTF-16", 6)) {
        snprintf(in->why, sizeof in->why,
                 "the register declares encoding \"%s\" but its bytes are "
                 "8-bit, not UTF-16 (no byte order mark, and '<' is one "
                 "byte): declare encoding=\"UTF-8\" or save it as UTF-16",
                 ok[i].name);
        return in->why;
    }
    use = ok[i].iconv_name;
    if (!use)
        return NULL;
    if (bom) {
        snprintf(in->why, sizeof in->why,
                 "the register declares encoding \"%s\" but begins with a "
                 "UTF-8 byte order mark: declare encoding=\"UTF-8\", or save "
                 "it as %s without the mark", use, use);
        return in->why;
    }
    snprintf(in->name, sizeof in->name, "%s", use);
    in->gb = 1;
    in->cd = iconv_open("UTF-8", use);
    if (in->cd == (iconv_t)-1) {
        snprintf(in->why, sizeof in->why,
                 "this system cannot decode %s (iconv): save the register as "
                 "UTF-8", use);
        return in->why;
    }
    return NULL;
}

/* Decodes P[0..N) (with what was carried over from the previous read) to
 * UTF-8 into in->out; *OUT_N is set to the bytes decoded. EOF: no more
 * input follows. Returns 0, -1 on no memory, or 1 when the input is bad
 * from *OUT_N on: in->why says how (its position is that of the end of
 * the decoded text, known once it is scanned). */
static int intake_decode(intake *in, const unsigned char *p, size_t n,
                         int eof, size_t *out_n)
{
    size_t total = in->n_carry + n, good, left, room;
    int partial, bad = 0;
    char *ip, *op;

    *out_n = 0;
    if (!in->in && !(in->in = malloc(CHUNK + sizeof in->carry)))
        return -1;
    if (in->out_cap < 2 * total + 16) {
        unsigned char *o = realloc(in->out, 2 * total + 16);
        if (!o)
            return -1;
        in->out = o;
        in->out_cap = 2 * total + 16;
    }
    memcpy(in->in, in->carry, in->n_carry);
    memcpy(in->in + in->n_carry, p, n);
    in->n_carry = 0;

    if (in->cd == (iconv_t)-1) {
        good = utf8_valid_prefix(in->in, total, &partial);
        memcpy(in->out, in->in, good);
        *out_n = good;
        if (good == total)
            return 0;
        if (partial && !eof) {
            memcpy(in->carry, in->in + good, total - good);
            in->n_carry = total - good;
            return 0;
        }
        if (partial)
            snprintf(in->why, sizeof in->why,
                     "the file ends in the middle of a UTF-8 character: the "
                     "register is truncated; export it again");
        else {
            size_t k = utf8_bad_len(in->in + good, total - good);
            snprintf(in->why, sizeof in->why,
                     "an invalid UTF-8 byte sequence of %zu byte%s: the "
                     "register is not UTF-8 here; if it was saved as GBK or "
                     "GB18030, declare that in its first line "
                     "(<?xml version=\"1.0\" encoding=\"GB18030\"?>), else "
                     "correct the character at this place",
                     k, k == 1 ? "" : "s");
        }
        return 1;
    }

    /* iconv: GB encodings and UTF-16 */
    left = total;
    if (in->gb) {
        /* a GB declaration on UTF-8 bytes: three runs of non-ASCII bytes
         * in a row that read as Chinese in UTF-8 decide (one such run is
         * rare in GB text: 1 in 10,000 random runs of GB2312 characters,
         * 1 in 360 when rare GBK characters abound; the first three, never
         * in practice), and one that does not read as UTF-8 settles it
         * the other way */
        size_t i = 0, len;
        while (in->gb == 1 && i < total) {
            int u;
            if (in->in[i] < 0x80) {
                i++;
                continue;
            }
            u = gb_run_is_utf8(in->in + i, total - i, &len);
            if (u == 1 && ++in->gb_hits == GB_HITS) {
                left = i;
                bad = 2;
                break;
            }
            if (u == 0)
                in->gb = 2; /* GB it is */
            i += len;
        }
    }
    ip = (char *)in->in;
    op = (char *)in->out;
    room = in->out_cap;
    while (left > 0) {
        size_t k = iconv(in->cd, &ip, &left, &op, &room);
        if (k != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(op - (char *)in->out);
            unsigned char *o = realloc(in->out, in->out_cap * 2);
            if (!o)
                return -1;
            in->out = o;
            in->out_cap *= 2;
            op = (char *)o + used;
            room = in->out_cap - used;
            continue;
        }
        if (errno == EINVAL && !eof && left < sizeof in->carry && !bad) {
            memcpy(in->carry, ip, left);
            in->n_carry = left;
            left = 0;
            break;
        }
        *out_n = (size_t)(op - (char *)in->out);
        if (errno == EINVAL)
            snprintf(in->why, sizeof in->why,
                     "the file ends in the middle of a %s character: the "
                     "register is truncated; export it again", in->name);
        else if (!strncmp(in->name, "UTF-16", 6))
            snprintf(in->why, sizeof in->why,
                     "an unpaired UTF-16 surrogate (2 bytes): the register "
                     "is not valid %s here; correct the character at this "
                     "place or export the register again", in->name);
        else {
            size_t b = gb_bad_len((const unsigned char *)ip, left,
                                  !strcmp(in->name, "GB18030"));
            snprintf(in->why, sizeof in->why,
                     "an invalid %s byte sequence of %zu byte%s: the "
                     "register is not valid %s here; correct the character "
                     "at this place or export the register again",
                     in->name, b, b == 1 ? "" : "s", in->name);
        }
        return 1;
    }
    *out_n = (size_t)(op - (char *)in->out);
    if (bad == 2) {
        snprintf(in->why, sizeof in->why,
                 "the register declares encoding \"%s\" but is UTF-8 (its "
                 "Chinese text up to here reads as UTF-8, and as %s would "
                 "be garbled): change the declaration to "
                 "encoding=\"UTF-8\", or save the file as %s",
                 in->name, in->name, in->name);
        return 1;
    }
    return 0;
}

/* Stops the scan at the current byte with WHY, located at LINE:COL. */
static int scan_trip(intake *in, unsigned line, unsigned col, const char *why)
{
    in->err_line = line;
    in->err_col = col;
    snprintf(in->why, sizeof in->why, "%s", why);
    return 1;
}

/* Newlines, and bytes that begin a character (not 10xxxxxx), in the eight
 * bytes of W: word-at-a-time, as nearly every byte of a register goes by
 * here. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static unsigned count_nl(uint64_t w)
{
    uint64_t t = w ^ (ONES * '\n'), lows = ONES * 0x7F;
    /* 0x80 in each byte of t that is zero, exactly */
    return (unsigned)__builtin_popcountll(~(((t & lows) + lows) | t | lows));
}

static unsigned count_chars(uint64_t w)
{
    /* continuation bytes: high bit set, next bit clear */
    return 8u - (unsigned)__builtin_popcountll(w & HIGHS & ~(w << 1));
}

/* Moves the position over the N decoded bytes at P. */
static void advance(intake *in, const unsigned char *p, size_t n)
{
    size_t i = 0, nl = 0, chars = 0, last;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        nl += count_nl(w);
    }
    for (; i < n; i++)
        nl += p[i] == '\n';
    last = 0;
    if (nl) {
        last = n;
        while (last > 0 && p[last - 1] != '\n')
            last--;
        in->line += (unsigned)nl;
        in->col = 1;
    }
    for (i = last; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        chars += count_chars(w);
    }
    for (; i < n; i++)
        chars += (p[i] & 0xC0) != 0x80;
    in->col += (unsigned)chars;
}

/* Follows the decoded text P[0..N): lines, columns and the lexer. Returns
 * 0, or 1 with *STOP the number of bytes that may be parsed and in->why
 * and in->err_line/col saying what is refused and where. */
static int intake_scan(intake *in, const unsigned char *p, size_t n,
                       size_t *stop)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = p[i];
        /* text and attribute values, nearly all of a register, in spans */
        if (in->state == L_TEXT || in->state == L_AVAL) {
            int to = in->state == L_TEXT ? '<' : in->quote;
            const unsigned char *d = memchr(p + i, to, n - i);
            size_t len = (d ? (size_t)(d - p) : n) - i;
            if (in->state == L_TEXT && len) {
                if (!in->text)
                    in->text_line = in->line, in->text_col = in->col;
                if (in->text + len > MAX_TEXT) {
                    *stop = i;
                    return scan_trip(
                        in, in->text_line, in->text_col,
                        TOO_MUCH_TEXT);
                }
                in->text += len;
            }
            advance(in, p + i, len);
            i += len;
            if (!d)
                break;
            c = p[i];
        } else if (in->state == L_STAG) {
            /* attribute names and blanks: up to the next byte that
             * matters to the lexer or to the position */
            unsigned cols = 0;
            while (c != '"' && c != '\'' && c != '>' && c != '=' &&
                   c != '\n') {
                cols += (c & 0xC0) != 0x80;
                if (++i == n)
                    break;
                c = p[i];
            }
            in->col += cols;
            if (i == n)
                break;
        }
        switch (in->state) {
        case L_TEXT: /* c is '<' */
            in->state = L_LT;
            in->tag_line = in->line, in->tag_col = in->col;
            break;
        case L_CDATA:
            if (c == '>' && in->run >= 2) {
                in->state = L_TEXT;
                break;
            }
            in->run = c == ']' ? in->run + 1 : 0;
            if (!in->text++)
                in->text_line = in->line, in->text_col = in->col;
            if (in->text > MAX_TEXT) {
                *stop = i;
                return scan_trip(
                    in, in->text_line, in->text_col,
                    TOO_MUCH_TEXT);
            }
            break;
        case L_LT:
            if (c == '/') {
                in->state = L_ETAG;
            } else if (c == '?') {
                in->state = L_PI;
                in->run = 0;
            } else if (c == '!') {
                in->state = L_BANG;
                in->n_bang = 0;
            } else {
                in->state = L_STAG;
                in->attrs = 0;
            }
            if (in->state == L_STAG || in->state == L_ETAG)
                in->text = 0;
            break;
        case L_STAG:
            if (c == '"' || c == '\'') {
                in->state = L_AVAL;
                in->quote = c;
            } else if (c == '>') {
                in->state = L_TEXT;
            } else if (c == '=' && ++in->attrs > MAX_ATTRS) {
                *stop = i;
                return scan_trip(
                    in, in->tag_line, in->tag_col,
                    "a tag with more than 100 attributes: no element of a "
                    "register has more than 8; this is not a register a "
                    "community system exports");
            }
            break;
        case L_AVAL: /* c is the closing quote */
            in->state = L_STAG;
            break;
        case L_ETAG:
            if (c == '>')
                in->state = L_TEXT;
            break;
        case L_PI:
            if (c == '>' && in->run)
                in->state = L_TEXT;
            in->run = c == '?';
            break;
        case L_BANG:
            in->bang[in->n_bang++] = (char)c;
            if (in->n_bang == 2 && !memcmp(in->bang, "--", 2)) {
                in->state = L_COMMENT;
                in->run = 0;
            } else if (in->n_bang == 7 && !memcmp(in->bang, "[CDATA[", 7)) {
                in->state = L_CDATA;
                in->run = 0;
            } else if (memcmp(in->bang, "--", in->n_bang < 2 ? in->n_bang : 2)
                       && memcmp(in->bang, "[CDATA[", in->n_bang)) {
                /* a declaration (<!DOCTYPE ...>), refused by the parser:
                 * skipped with its quotes and [internal subset] */
                in->state = L_DECL;
                in->depth = 0;
                in->quote = 0;
            }
            break;
        case L_COMMENT:
            if (c == '>' && in->run >= 2)
                in->state = L_TEXT;
            in->run = c == '-' ? in->run + 1 : 0;
            break;
        case L_DECL:
            if (in->quote) {
                if (c == in->quote)
                    in->quote = 0;
            } else if (c == '"' || c == '\'') {
                in->quote = c;
            } else if (c == '[') {
                in->depth++;
            } else if (c == ']') {
                in->depth--;
            } else if (c == '>' && in->depth <= 0) {
                in->state = L_TEXT;
            }
            break;
        }
        if (c == '\n')
            in->line++, in->col = 1;
        else if ((c & 0xC0) != 0x80)
            in->col++;
    }
    *stop = n;
    return 0;
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

/* Errors libxml2 raises outside the parser context (its decoder, its I/O
 * layer) go to per-thread handlers, by default to stderr. While a register
 * is read they come here instead: none is lost, none is printed (they may
 * quote the file's bytes), and the register is refused where the parser
 * stands. */
static void stray_error(void *ud, xmlErrorPtr e)
{
    reader_t *r = ud;
    if (!e || e->level != XML_ERR_WARNING)
        r->stray = 1;
}

static void stray_generic(void *ud, const char *fmt, ...)
{
    reader_t *r = ud;
    (void)fmt;
    r->stray = 1;
}

/* After each piece handed to the parser: refuses what it cannot stop by
 * itself (a construct held unparsed beyond PENDING_MAX), and makes sure
 * that a parser which stopped, for whatever reason, left an error. */
static void after_parse(reader_t *r)
{
    xmlParserCtxtPtr c = r->ctxt;
    if (!r->fatal && c->input &&
        (size_t)(c->input->end - c->input->cur) > PENDING_MAX)
        refuse_at(r, cur_line(r), cur_col(r),
                  "a single tag or text is larger than 4 MB: this is not "
                  "a register a community system exports");
    if (!r->fatal && r->stray)
        refuse_at(r, cur_line(r), cur_col(r),
                  "the XML parser failed here (an error it reports without "
                  "a position): the register cannot be read past this "
                  "point; export it again");
    if (c->disableSAX || c->instate == XML_PARSER_EOF) {
        if (!r->fatal && !r->res->errors)
            report(r, cur_line(r), cur_col(r),
                   "the XML parser stopped here without saying why: the "
                   "register cannot be read past this point; export it "
                   "again");
        r->fatal = 1;
    }
}

/* Hands the decoded P[0..N) to the parser FEED bytes at a time, so that an
 * interrupt is seen within one small piece. */
static error_code feed(reader_t *r, const unsigned char *p, size_t n)
{
    while (n > 0 && !r->fatal) {
        size_t k = n < FEED ? n : FEED;
        if (r->stop && *r->stop)
            return ERR_INTERRUPTED;
        xmlParseChunk(r->ctxt, (const char *)p, (int)k, 0);
        after_parse(r);
        p += k;
        n -= k;
    }
    return ERR_OK;
}

/* One read of the file through the input stage into the parser: decoded,
 * scanned, parsed up to the first refused byte, which is then reported
 * (unless the parser already stopped before it). */
static error_code step(reader_t *r, intake *in, const unsigned char *p,
                       size_t n, int eof)
{
    size_t got, ok;
    error_code rc;
    int bad = intake_decode(in, p, n, eof, &got);

    if (bad < 0)
        return ERR_NOMEM;
    for (ok = 0; !in->content && ok < got; ok++)
        in->content = !strchr(" \t\r\n", in->out[ok]) || !in->out[ok];
    if (intake_scan(in, in->out, got, &ok)) {
        bad = 1; /* the guard's place comes first */
    } else if (bad) {
        in->err_line = in->line;
        in->err_col = in->col;
    }
    if ((rc = feed(r, in->out, ok)) != ERR_OK)
        return rc;
    if (bad && !r->fatal)
        refuse_at(r, in->err_line, in->err_col, in->why);
    return ERR_OK;
}

error_code reader_read(reader_t *r, const char *path,
                       const reader_callbacks *cb, void *ud,
                       reader_result *res)
{
    xmlSAXHandler sax;
    xmlSAXHandlerPtr psax = &sax;
    void *pud = r;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    xmlStructuredErrorFunc old_serror = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    unsigned char *buf = NULL;
    error_code rc = ERR_OK;
    struct stat st;
    ssize_t n;
    int fd, first = 1, wf, sv;
    intake in;

    memset(res, 0, sizeof *res);
    r->path = path, r->cb = cb, r->ud = ud, r->res = res;
    r->fatal = r->cb_failed = r->stray = 0;
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
    intake_init(&in);

    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        io_diag(path, cb, ud, "cannot open the register", errno);
        return ERR_OPEN;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        io_diag(path, cb, ud,
                S_ISDIR(st.st_mode)
                    ? "is a directory, not a register: name the XML files"
                    : "is not a regular file (a FIFO, socket or device): "
                      "copy the register to a file first", 0);
        return ERR_NOT_REGULAR;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
        !(buf = malloc(CHUNK))) {
        close(fd);
        return ERR_NOMEM;
    }
    sha256_init(&sha);
    xmlSetStructuredErrorFunc(r, stray_error);
    xmlSetGenericErrorFunc(r, stray_generic);

    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = start_element;
    sax.endElementNs = end_element;
    sax.characters = characters;
    /* CDATA is text: "<p>a <![CDATA[b]]></p>" is "a b" */
    sax.cdataBlock = characters;
    sax.internalSubset = internal_subset;
    if (!(vctxt = xmlSchemaNewValidCtxt(r->schema)) ||
        !(plug = xmlSchemaSAXPlug(vctxt, &psax, &pud))) {
        rc = ERR_NOMEM;
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vctxt, schema_error, r);

    for (;;) {
        int eof;
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
        eof = n < CHUNK;
        /* once refused, only hashed: the digest names the whole file */
        if (first) {
            const char *why;
            size_t skip = 0;
            first = 0;
            why = n == 0 ? "the register is empty (0 bytes): export it again"
                         : intake_begin(&in, buf, (size_t)n, &skip);
            if (why) {
                report(r, 1, 1, why);
                r->fatal = 1;
            } else {
                /* the parser reads UTF-8 (ours), whatever is declared */
                r->ctxt = xmlCreatePushParserCtxt(psax, pud, NULL, 0, path);
                if (!r->ctxt) {
                    rc = ERR_NOMEM;
                    goto done;
                }
                r->ctxt->_private = r;
                r->ctxt->sax->serror = parser_error;
                xmlCtxtUseOptions(r->ctxt,
                                  XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
                xmlSwitchEncoding(r->ctxt, XML_CHAR_ENCODING_UTF8);
                rc = step(r, &in, buf + skip, (size_t)n - skip, eof);
            }
        } else if (!r->fatal) {
            rc = step(r, &in, buf, (size_t)n, eof);
        }
        if (rc != ERR_OK)
            goto done;
        if (eof)
            break;
    }
    sha256_digest(&sha, sizeof digest, digest);
    reader_hex(res->sha256, digest, sizeof digest);

    /* The end of the input. libxml2 describes a file cut short by what the
     * cut happened to leave ("Extra content", "Couldn't find end of Start
     * Tag", a half element name...): hold what the last step says, and if
     * elements are still open it was cut, which is the one thing to say. */
    if (r->ctxt && !r->fatal && !in.content) {
        /* libxml2 would say "Extra content at the end of the document" */
        report(r, 1, 1, "the register holds no XML (nothing but blanks or "
                        "a byte order mark): export it again");
        r->fatal = 1;
    }
    if (r->ctxt && !r->fatal) {
        unsigned line = cur_line(r), col = cur_col(r);
        r->holding = 1;
        r->n_held = 0;
        xmlParseChunk(r->ctxt, NULL, 0, 1);
        r->holding = 0;
        if (r->depth > 0) {
            if (r->n_held)
                line = r->held[0].line, col = r->held[0].col;
            report(r, line, col, "the file ends before </register>: the "
                                 "register is truncated; export it again");
        } else {
            size_t i;
            for (i = 0; i < r->n_held && i < HELD; i++)
                report(r, r->held[i].line, r->held[i].col, r->held[i].msg);
            if (r->n_held > HELD)
                res->errors += (unsigned)(r->n_held - HELD);
        }
        if (r->stray && !res->errors)
            report(r, cur_line(r), cur_col(r),
                   "the XML parser failed at the end of the file (an error "
                   "it reports without a position): export it again");
    }

    wf = r->ctxt && r->ctxt->wellFormed;
    sv = xmlSchemaIsValid(vctxt);
    if (r->ctxt && !wf && !res->errors)
        report(r, cur_line(r), cur_col(r), "the register is not well-formed");
    if (r->ctxt && wf && !sv && !res->errors)
        report(r, cur_line(r), cur_col(r), "the register is not valid");
    res->valid = r->ctxt && wf && sv && !res->errors && !r->fatal;
    if (r->cb_failed)
        rc = ERR_NOMEM;
done:
    xmlSetStructuredErrorFunc(old_sctx, old_serror);
    xmlSetGenericErrorFunc(old_gctx, old_generic);
    if (plug)
        xmlSchemaSAXUnplug(plug);
    if (r->ctxt) {
        /* the parser context frees the copy of the SAX handler it made */
        xmlFreeParserCtxt(r->ctxt);
        r->ctxt = NULL;
    }
    xmlSchemaFreeValidCtxt(vctxt);
    intake_done(&in);
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

    doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc) {
        if (msg && (*msg = malloc(strlen(path) + 64)))
            sprintf(*msg, "%s: cannot read the schema", path);
        return NULL;
    }
    if ((pc = xmlSchemaNewDocParserCtxt(doc))) {
        xmlSchemaSetParserStructuredErrors(pc, NULL, NULL);
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlFreeDoc(doc);
    if (!s && msg && (*msg = malloc(strlen(path) + 64)))
        sprintf(*msg, "%s: not a valid XML Schema", path);
    return s;
}
