/*
 * reader.c — one register, streamed: open, sniff, decode, parse, validate,
 * hash.
 *
 * Design. The file is opened by input.c (O_NONBLOCK so a FIFO cannot hang
 * the open, then fstat: regular files only; the same for returns) and read
 * in 64 KiB chunks; each chunk goes to the digest (SHA-256, the provenance
 * a return records; or XXH3-128 for check, which only needs to see whether
 * a file changed between two readings: reader_set_digest) and through the
 * input stage (below) to a libxml2 push parser whose SAX stream has the
 * schema validator plugged in (xmlSchemaSAXPlug), 16 KiB at a time so that
 * an interrupt is seen promptly. Measured on libxml2 2.9.14 this is the
 * fastest way to validate and see every element in one pass; memory stays
 * that of one household.
 *
 * Input stage (intake.c). We decode, not libxml2: the parser gets UTF-8
 * with its own decoding off (XML_PARSE_IGNORE_ENC). libxml2's decoder
 * would report a bad byte without a position and stop as if the document
 * had ended, counting the register in part; the intake stops at the first
 * bad byte with its line and column and a description of the bytes, never
 * the bytes (they may be a name). It also refuses, before the parser sees
 * them, the constructs libxml2 handles in quadratic time (more than 100
 * attributes on one tag, more than 1 MB of text between two tags), and a
 * GB declaration on a UTF-8 file.
 *
 * Safety. Options are XML_PARSE_NONET (and IGNORE_ENC, above) only: no
 * entity substitution, no DTD loading, no XInclude, no XML_PARSE_HUGE. A
 * DOCTYPE is refused outright (internalSubset callback, before any entity
 * could be expanded), nesting deeper than the format can be is refused at
 * once, and a single markup construct larger than PENDING_MAX bytes stops
 * the parse, so hostile files fail fast in bounded memory.
 *
 * Errors. Parser and validator errors both arrive through structured error
 * handlers (parser: ctxt->sax->serror, found again through ctxt->_private;
 * validator: xmlSchemaSetValidStructuredErrors); what libxml2 raises
 * outside a context goes to per-thread handlers we set while reading, and
 * refuses the register too. A parser that stops must have said why, or we
 * say it. The validator's positions are unreliable in SAX mode, so
 * positions come from the parser context. Validity is decided from all of
 * them: a register is valid only if the parser says well-formed, the
 * validator says valid, no error was reported, and the parse reached
 * </register> (a backstop, whatever made the parser stop). An error that
 * repeats, in our words, the one just said at the same place (one value
 * breaking two facets that schemaerr.c words alike) is not said twice.
 *
 * Households. Element and attribute names are recognised by the pointers
 * libxml2 interns them under (names.c: one hash probe, a string compare
 * only for a name it did not intern), each start tag's attributes filed
 * under their names in one pass. Values are read as the schema reads them
 * (xs:token and lists: whitespace collapsed): enumerated values, dates,
 * booleans and group lists in place, turned into vocabulary indexes or
 * numbers once; strings that outlive the callback (ids, addresses...) are
 * copied into per-household flat arrays whose strings live in an arena
 * reset after each </household>. Team names are put in Unicode NFC
 * (libunistring), so two spellings are one team.
 *
 * Positions. Every element is placed at its '<' (tag_pos): back from the
 * parser's position to the nearest '<', counting the tag's newlines and
 * characters sixteen bytes at a time (SSE2).
 *
 * Why one file (about 1,300 lines): the SAX callbacks, the error handlers
 * and the read loop share the reader's state and run inside one libxml2
 * push parse; the safety rules above (DOCTYPE refused, depth, pending
 * bytes) are checked in those same callbacks. Split, the state would need
 * a private header and the guards would be read in several places (the
 * byte-level input stage, which needs none of that state, is intake.c).
 * The file reads top-down: state, element handlers, error handlers, the
 * read loop, schema loading.
 */
#define _GNU_SOURCE 1 /* memrchr */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <nettle/sha2.h>
#include <uninorm.h>
#include <xxhash.h>

#include "arena.h"
#include "buf.h"
#include "input.h"
#include "intake.h"
#include "i18n.h"
#include "names.h"
#include "schemaerr.h"

#define REG_NS "urn:canvass:register:1"
#define RET_NS "urn:canvass:return:1" /* a return given by mistake */
#define CHUNK 65536
#define MAX_DEPTH 32           /* the format needs 6 */
#define PENDING_MAX (4u << 20) /* unparsed bytes of one construct */
#define MAX_DIAGS 10000        /* per register; the count stays exact */
#define MAX_PARA 65536         /* bytes kept of one narrative paragraph */
#define HELD 8                 /* errors held at the end of the file */
#define FEED 16384             /* bytes handed to libxml2 at a time */

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

/* The names the SAX callbacks look for, found by pointer (names.c).
 * Elements, attributes and namespaces share one list: the names of
 * elements only, then "cadre" and "member" (both an element and an
 * attribute), then the names of attributes only. */
enum {
    N_REGISTER,
    N_COMMUNITY,
    N_CAMPAIGN,
    N_CADRES,
    N_HOUSEHOLDS,
    N_HOUSEHOLD,
    N_VISIT,
    N_FORM,
    N_OPINION,
    N_SUGGESTION,
    N_SATISFACTION,
    N_SERVICE,
    N_NARRATIVE,
    N_SECTION,
    N_P,
    N_RETURN,
    N_REG_NS,
    N_RET_NS,
    N_CADRE, /* the first attribute */
    N_MEMBER,
    N_CODE,
    N_NAME,
    N_STREET,
    N_DISTRICT,
    N_CITY,
    N_ID,
    N_TITLE,
    N_START,
    N_END,
    N_REPORTED,
    N_ROLE,
    N_TEAM,
    N_DWELLING,
    N_ADDRESS,
    N_GRID,
    N_GROUPS,
    N_DATE,
    N_KIND,
    N_BY,
    N_CATEGORY,
    N_STATUS,
    N_IMPORTANT,
    N_TO,
    N_CLOSED,
    N_RATING,
    N_TYPE,
    N_COUNT
};

static const char *const name_list[N_COUNT] = {
    [N_REGISTER] = "register",
    [N_COMMUNITY] = "community",
    [N_CAMPAIGN] = "campaign",
    [N_CADRES] = "cadres",
    [N_CADRE] = "cadre",
    [N_HOUSEHOLDS] = "households",
    [N_HOUSEHOLD] = "household",
    [N_MEMBER] = "member",
    [N_VISIT] = "visit",
    [N_FORM] = "form",
    [N_OPINION] = "opinion",
    [N_SUGGESTION] = "suggestion",
    [N_SATISFACTION] = "satisfaction",
    [N_SERVICE] = "service",
    [N_NARRATIVE] = "narrative",
    [N_SECTION] = "section",
    [N_P] = "p",
    [N_RETURN] = "return",
    [N_REG_NS] = REG_NS,
    [N_RET_NS] = RET_NS,
    [N_CODE] = "code",
    [N_NAME] = "name",
    [N_STREET] = "street",
    [N_DISTRICT] = "district",
    [N_CITY] = "city",
    [N_ID] = "id",
    [N_TITLE] = "title",
    [N_START] = "start",
    [N_END] = "end",
    [N_REPORTED] = "reported",
    [N_ROLE] = "role",
    [N_TEAM] = "team",
    [N_DWELLING] = "dwelling",
    [N_ADDRESS] = "address",
    [N_GRID] = "grid",
    [N_GROUPS] = "groups",
    [N_DATE] = "date",
    [N_KIND] = "kind",
    [N_BY] = "by",
    [N_CATEGORY] = "category",
    [N_STATUS] = "status",
    [N_IMPORTANT] = "important",
    [N_TO] = "to",
    [N_CLOSED] = "closed",
    [N_RATING] = "rating",
    [N_TYPE] = "type",
};

/* The enumerated types the reader turns into indexes, with the byte
 * length of each value (matched against attribute values in place). */
enum {
    T_DWELLING,
    T_ROLE,
    T_GROUP,
    T_VISIT_KIND,
    T_CATEGORY,
    T_STATUS,
    T_RATING,
    T_SERVICE_TYPE,
    T_SECTION_NAME,
    T_COUNT
};

static const char *const type_list[T_COUNT] = {
    [T_DWELLING] = "dwelling",
    [T_ROLE] = "role",
    [T_GROUP] = "group",
    [T_VISIT_KIND] = "visitKind",
    [T_CATEGORY] = "category",
    [T_STATUS] = "status",
    [T_RATING] = "rating",
    [T_SERVICE_TYPE] = "serviceType",
    [T_SECTION_NAME] = "sectionName",
};

typedef struct {
    const vocab_item *items;
    size_t n;
    size_t *len; /* strlen of each value */
} enum_tab;

/* A growable array of fixed-size elements, reused across households. */
typedef struct {
    void *v;
    size_t n, cap, size;
} vec;

struct reader {
    const volatile sig_atomic_t *stop;
    void (*progress)(void *ud, size_t n); /* reader_set_progress */
    void *progress_ud;
    xmlSchemaPtr schema;
    const vocab_t *vocab;
    reader_digest digest; /* reader_set_digest */
    XXH3_state_t *xxh;    /* its state for READER_XXH128 */
    int n_groups;
    names_t *names;
    enum_tab enums[T_COUNT];
    size_t *enum_len; /* the lengths of every enums[].len */

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
    buf_t said; /* the last schema error said in our words, at... */
    unsigned said_line, said_col; /* ...this place (line 0: none) */
    int cb_failed;
    int stray;       /* libxml2 raised an error outside the parser */
    unsigned listed; /* diagnostics passed on */
    int stack[MAX_DEPTH + 1];
    int depth;
    int closed; /* </register> was parsed */

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
    size_t ng, t, k, total = 0;
    if (!r)
        return NULL;
    r->schema = schema;
    r->vocab = vocab;
    for (t = 0; t < T_COUNT; t++) {
        r->enums[t].items = vocab_enum(vocab, type_list[t], &r->enums[t].n);
        total += r->enums[t].n;
    }
    if (!(r->names = names_new(name_list, N_COUNT)) ||
        !(r->xxh = XXH3_createState()) ||
        !(r->enum_len = calloc(total + 1, sizeof *r->enum_len))) {
        reader_free(r);
        return NULL;
    }
    for (t = 0, total = 0; t < T_COUNT; t++) {
        r->enums[t].len = r->enum_len + total;
        for (k = 0; k < r->enums[t].n; k++)
            r->enums[t].len[k] = strlen(r->enums[t].items[k].value);
        total += r->enums[t].n;
    }
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

void reader_set_digest(reader_t *r, reader_digest kind)
{
    r->digest = kind;
}

void reader_set_stop(reader_t *r, const volatile sig_atomic_t *stop)
{
    r->stop = stop;
}

void reader_set_progress(reader_t *r, void (*fn)(void *ud, size_t n), void *ud)
{
    r->progress = fn;
    r->progress_ud = ud;
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
    buf_free(&r->said);
    names_free(r->names);
    XXH3_freeState(r->xxh);
    free(r->enum_len);
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

/* The date of the N bytes at S (not NUL-terminated): see
 * reader_parse_date. */
static int32_t date_n(const char *s, size_t n)
{
    /* "YYYY-MM-DD", optionally followed by a time zone (xs:date); digits
     * read by hand: sscanf was a measurable part of reading a register */
    int y, m, d, i;
    if (!s || n < 10)
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

int32_t reader_parse_date(const char *s)
{
    return s ? date_n(s, strnlen(s, 10)) : RD_NO_DATE;
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

/* Newlines and characters (bytes that do not continue a UTF-8 sequence)
 * in [P, END), added to *NL and *CHARS; BASE <= P is where the buffer
 * starts (bytes before P may be read, never counted). With SSE2 (every
 * x86-64), sixteen bytes at a time, the last block read so as to end at
 * END with the bytes already counted masked off; elsewhere eight bytes at
 * a time, the counts by masks. A tag is some 60 bytes: this was most of
 * the cost of placing every element. */
#ifdef __SSE2__
static void count_span(const xmlChar *base, const xmlChar *p,
                       const xmlChar *end, unsigned *nl, unsigned *chars)
{
    const __m128i lf = _mm_set1_epi8('\n'), top = _mm_set1_epi8((char)0xC0),
                  cont = _mm_set1_epi8((char)0x80), zero = _mm_setzero_si128();
    __m128i n_lf = zero, n_cont = zero, sum;
    size_t blocks = 0;

    /* per-byte counters of up to 255 blocks, summed at the end */
    for (; end - p >= 16; p += 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
        n_lf = _mm_sub_epi8(n_lf, _mm_cmpeq_epi8(w, lf));
        n_cont =
            _mm_sub_epi8(n_cont, _mm_cmpeq_epi8(_mm_and_si128(w, top), cont));
        if (++blocks == 255) {
            sum = _mm_sad_epu8(n_lf, zero);
            *nl +=
                (unsigned)(_mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4));
            sum = _mm_sad_epu8(n_cont, zero);
            *chars += 255u * 16 - (unsigned)(_mm_cvtsi128_si32(sum) +
                                             _mm_extract_epi16(sum, 4));
            n_lf = n_cont = zero;
            blocks = 0;
        }
    }
    *chars += (unsigned)(blocks * 16);
    if (p < end && end - base >= 16) {
        /* the last 16 bytes before END, those before P masked off */
        static const char index[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                       8, 9, 10, 11, 12, 13, 14, 15};
        size_t k = (size_t)(end - p); /* 1 to 15 bytes to count */
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(end - 16)),
                keep = _mm_cmpgt_epi8(
                    _mm_loadu_si128((const __m128i *)(const void *)index),
                    _mm_set1_epi8((char)(15 - k)));
        n_lf = _mm_sub_epi8(n_lf, _mm_and_si128(_mm_cmpeq_epi8(w, lf), keep));
        n_cont = _mm_sub_epi8(
            n_cont,
            _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(w, top), cont), keep));
        *chars += (unsigned)k;
        p = end;
    }
    sum = _mm_sad_epu8(n_lf, zero);
    *nl += (unsigned)(_mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4));
    sum = _mm_sad_epu8(n_cont, zero);
    *chars -= (unsigned)(_mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4));
    for (; p < end; p++) {
        *nl += *p == '\n';
        *chars += (*p & 0xC0) != 0x80;
    }
}
#else
static void count_span(const xmlChar *base, const xmlChar *p,
                       const xmlChar *end, unsigned *nl, unsigned *chars)
{
    const uint64_t ones = 0x0101010101010101ull, lows = ones * 0x7F,
                   highs = ones * 0x80;
    uint64_t w, t;
    (void)base;
    for (; end - p >= 8; p += 8) {
        memcpy(&w, p, 8);
        t = w ^ (ones * '\n');
        /* the high bit of each byte that is '\n', of each continuation */
        *nl +=
            (unsigned)(((~(((t & lows) + lows) | t | lows) >> 7) * ones) >> 56);
        *chars +=
            8u - (unsigned)((((w & highs & ~(w << 1)) >> 7) * ones) >> 56);
    }
    for (; p < end; p++) {
        *nl += *p == '\n';
        *chars += (*p & 0xC0) != 0x80;
    }
}
#endif

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
    /* the nearest '<' before the position (memrchr: a tag is some 100
     * bytes, walked back for every element) */
    p = memrchr(in->base, '<', (size_t)(in->cur - in->base));
    if (!p)
        return;
    count_span(in->base, p + 1, in->cur, &nl, &chars);
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
            char *m = r->held[r->n_held].msg;
            size_t n = strlen(msg), k = sizeof r->held[0].msg - 1;
            r->held[r->n_held].line = line;
            r->held[r->n_held].col = col;
            if (n > k) {
                /* cut at a character boundary: a diagnostic is UTF-8 */
                while (k > 0 && ((unsigned char)msg[k] & 0xC0) == 0x80)
                    k--;
                n = k;
            }
            memcpy(m, msg, n);
            m[n] = 0;
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
        d.message = _("too many errors; the rest are counted, not listed");
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

/* Length of the valid UTF-8 sequence at S (1 to 4), or 0 when the bytes
 * there are not one (stray, overlong, surrogate, cut short). */
static size_t utf8_len(const unsigned char *s)
{
    size_t k, j;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        k = 1, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        k = 2, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        k = 3, cp = s[0] & 0x07;
    else
        return 0;
    for (j = 1; j <= k; j++) {
        if ((s[j] & 0xC0) != 0x80) /* a NUL stops here too */
            return 0;
        cp = cp << 6 | (s[j] & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k + 1;
}

/* Tidies a libxml2 message: one line of valid UTF-8, no "{urn:...}"
 * namespace noise. libxml2 quotes names as it found them, so bytes that
 * are not UTF-8 (and a sequence cut by a buffer's end) become '?'. */
static void tidy(char *m)
{
    char *o = m, *s = m;
    size_t nl = strlen("{" REG_NS "}"), k;
    while (*s) {
        if (!strncmp(s, "{" REG_NS "}", nl)) {
            s += nl;
            continue;
        }
        if (!(k = utf8_len((const unsigned char *)s))) {
            *o++ = '?';
            s++;
            continue;
        }
        if (k == 1) {
            *o++ = (unsigned char)*s < 0x20 ? ' ' : *s;
            s++;
            continue;
        }
        memmove(o, s, k);
        o += k;
        s += k;
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
static const char *const personal_attrs[] = {"name", "born", "sex", "address"};
static const char *const text_elements[] = {"opinion", "suggestion", "p"};
static const char *const vocab_types[] = {
    "dwelling", "role",   "group",  "elderlyGroup", "sex",        "visitKind",
    "category", "status", "rating", "serviceType",  "sectionName"};
#define WITHHELD _("(personal data, not shown)")
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
        han |=
            (c >= 0xE3 && c <= 0xE9 &&
             (c > 0xE3 || (i + 1 < len && (unsigned char)v[i + 1] >= 0x90))) ||
            (c == 0xEF && i + 1 < len && (unsigned char)v[i + 1] >= 0xA4 &&
             (unsigned char)v[i + 1] <= 0xAB) ||
            (c == 0xF0 && i + 1 < len && (unsigned char)v[i + 1] >= 0xA0);
    }
    if (digits)
        snprintf(out, size, _("(%s %zu-digit number, not shown)"),
                 article(chars), chars);
    else
        /* TRANSLATORS: "a"/"an", a number of characters, "Chinese
         * text" or "text" */
        snprintf(out, size, _("(%s %zu-character %s, not shown)"),
                 article(chars), chars, han ? _("Chinese text") : _("text"));
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
        if (*p != '\'' || !(p == m || strchr(" {[(", p[-1]))) {
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
        snprintf(out + o, size - o,
                 _(": the value is not valid here (not "
                   "shown: it may be personal data)"));
    } else {
        snprintf(out, size,
                 _("an error whose message would quote the "
                   "register's text, which may be personal data: "
                   "look at this place"));
    }
}

static void error_to_diag(reader_t *r, const xmlError *e, unsigned line,
                          unsigned col)
{
    char raw[1024], buf[1024] = {0}; /* zeroed for the analyzer */
    if (e->level == XML_ERR_WARNING)
        return;
    /* in the user's words (schemaerr.c), the value quoted only when it
     * can be shown (see above; personal attributes are withheld there
     * too); an error it does not rewrite: libxml2's text, redacted */
    {
        int rewritten = 0;
        char *m = schemaerr_message_withheld(
            e, r->vocab, e->str1 && !showable(r, e->str1, strlen(e->str1)),
            &rewritten);
        if (rewritten) {
            const char *t = m ? m : _("out of memory");
            /* one value that breaks two facets saying the same (an id
             * both too long and of the wrong characters) is one error */
            if (line != r->said_line || col != r->said_col ||
                strcmp(t, buf_str(&r->said))) {
                report(r, line, col, t);
                buf_truncate(&r->said, 0);
                buf_puts(&r->said, t);
                r->said_line = buf_error(&r->said) ? 0 : line;
                r->said_col = col;
            }
            free(m);
            return;
        }
    }
    /* tidied first: the namespace is not part of a quoted name */
    snprintf(raw, sizeof raw, "%s", e->message ? e->message : "error");
    tidy(raw);
    redact(r, raw, buf, sizeof buf);
    /* said to be libxml2's English, as schemaerr.c says it */
    snprintf(raw, sizeof raw, _("%s (libxml2's words, not rewritten)"), buf);
    report(r, line, col, raw);
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

/* libxml2 hands a start tag's attributes over as five pointers each: local
 * name, prefix, namespace, value and the end of the value (which is not
 * NUL-terminated). start_element files each unprefixed attribute the
 * reader knows under its name, in one pass (names found by pointer, see
 * names.h); the helpers below read a value in the form its field needs.
 * Only strings that outlive the callback are copied: enumerated values,
 * dates, booleans and group lists are read where libxml2 left them. */
typedef const xmlChar *const *attr_t; /* five pointers, NULL when absent */

/* A tag's attributes by name: v[name - N_CADRE] when bit (name - N_CADRE)
 * of have is set (v is not cleared for each tag: clearing it was a
 * quarter of the callback's time). */
#define N_ATTRS (N_COUNT - N_CADRE)
typedef struct {
    uint64_t have;
    attr_t v[N_ATTRS];
} tag_attrs;
_Static_assert(N_ATTRS <= 64,
               "attribute names fit the mask"); /* i18n: not prose */

/* The attribute NAME of tag T, or NULL. */
#define ATTR(t, name)                                                          \
    ((t)->have >> ((name)-N_CADRE) & 1 ? (t)->v[(name)-N_CADRE] : NULL)

static void file_attrs(reader_t *r, int nb, const xmlChar **at, tag_attrs *t)
{
    int i, k;
    t->have = 0;
    for (i = 0; i < nb; i++, at += 5)
        if (!at[1] && (k = names_find(r->names, at[0])) >= N_CADRE &&
            !(t->have >> (k - N_CADRE) & 1)) {
            t->have |= (uint64_t)1 << (k - N_CADRE);
            t->v[k - N_CADRE] = at;
        }
}

/* XML whitespace: what xs:token and list types collapse. */
static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether one of the N bytes at V is at most ' ': every blank is (a value
 * holds no other control character), so when none is, a value has
 * nothing to collapse. Eight bytes at a time: a byte below 0x21 is one
 * whose subtraction borrows while its high bit was clear. */
static int has_low(const char *v, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, v + i, 8);
        if ((w - ones * 0x21) & ~w & ones * 0x80)
            return 1;
    }
    for (; i < n; i++)
        if ((unsigned char)v[i] <= ' ')
            return 1;
    return 0;
}

/* A's value without its leading and trailing XML whitespace: its start,
 * and its length in *N. */
static const char *trimmed(attr_t a, size_t *n)
{
    const char *b = (const char *)a[3], *e = (const char *)a[4];
    while (b < e && blank(*b))
        b++;
    while (e > b && blank(e[-1]))
        e--;
    *n = (size_t)(e - b);
    return b;
}

/* A copy in arena AR of A's value as written; NULL when absent (or no
 * memory: then AR->failed is set). */
static const char *raw_copy(arena *ar, attr_t a)
{
    return a ? arena_strndup(ar, (const char *)a[3], (size_t)(a[4] - a[3]))
             : NULL;
}

/* A copy in arena AR of A's value with XML whitespace collapsed (token and
 * list types: no blank at either end, one space between words); NULL when
 * absent (or no memory: then AR->failed is set). */
static char *token_copy(arena *ar, attr_t a)
{
    size_t n, i;
    const char *v;
    char *d, *o;
    int space = 0;
    if (!a)
        return NULL;
    v = trimmed(a, &n);
    if (!has_low(v, n))
        return arena_strndup(ar, v, n);
    if (!(d = arena_alloc(ar, n + 1)))
        return NULL;
    for (i = 0, o = d; i < n; i++) {
        if (blank(v[i])) {
            space = 1;
            continue;
        }
        if (space)
            *o++ = ' ';
        space = 0;
        *o++ = v[i];
    }
    *o = 0;
    return d;
}

/* Like raw_copy, in Unicode NFC: two spellings of one name (a CJK
 * compatibility ideograph and its unified form, composed and decomposed
 * letters) are then one string, so one team. */
static const char *nfc_copy(arena *ar, attr_t a)
{
    const char *v = raw_copy(ar, a), *c;
    size_t len = 0;
    uint8_t *n;
    if (!v)
        return NULL;
    n = u8_normalize(UNINORM_NFC, (const uint8_t *)v, strlen(v), NULL, &len);
    if (!n)
        return v; /* no memory: as written */
    c = arena_strndup(ar, (const char *)n, len);
    free(n);
    return c ? c : v;
}

/* Index in enumerated type T of the N bytes at V, or -1 (the first value
 * that matches, as vocab_index). */
static int enum_n(const reader_t *r, int t, const char *v, size_t n)
{
    const enum_tab *e = &r->enums[t];
    size_t k;
    for (k = 0; k < e->n; k++)
        if (e->len[k] == n && !memcmp(e->items[k].value, v, n))
            return (int)k;
    return -1;
}

/* Index in enumerated type T of A's value, whitespace collapsed; -1 when
 * absent or none of T's values. A value with blanks inside (no valid one
 * has) is collapsed in arena AR first. */
static int enum_of(const reader_t *r, arena *ar, int t, attr_t a)
{
    size_t n;
    const char *v;
    char *c;
    if (!a)
        return -1;
    v = trimmed(a, &n);
    if (!has_low(v, n))
        return enum_n(r, t, v, n);
    return (c = token_copy(ar, a)) ? enum_n(r, t, c, strlen(c)) : -1;
}

/* A's value as a date (see reader_parse_date); RD_NO_DATE when absent.
 * Collapsing cannot change the first ten characters of a date, nor make
 * one of what is not: the trimmed value is read in place. */
static int32_t date_of(attr_t a)
{
    size_t n;
    const char *v;
    if (!a)
        return RD_NO_DATE;
    v = trimmed(a, &n);
    return date_n(v, n);
}

/* Whether A's value, whitespace collapsed, is xs:boolean's true. */
static int true_of(attr_t a)
{
    size_t n;
    const char *v;
    if (!a)
        return 0;
    v = trimmed(a, &n);
    return (n == 4 && !memcmp(v, "true", 4)) || (n == 1 && *v == '1');
}

/* A's value as a set of groups: the list's items (separated by any XML
 * whitespace, as xs:list reads them) that are groups. */
static uint64_t groups_of(const reader_t *r, attr_t a)
{
    const char *v, *e, *w;
    uint64_t g = 0;
    if (!a)
        return 0;
    for (v = (const char *)a[3], e = (const char *)a[4]; v < e; v = w) {
        int i;
        while (v < e && blank(*v))
            v++;
        for (w = v; w < e && !blank(*w); w++)
            ;
        if (w > v && (i = enum_n(r, T_GROUP, v, (size_t)(w - v))) >= 0 &&
            i < RD_MAX_GROUPS)
            g |= (uint64_t)1 << i;
    }
    return g;
}

/* ---- SAX handlers ------------------------------------------------------ */

/* The kind of element NAME (an index of name_list) under an element of
 * kind PARENT: each name of the format has one place in it. */
static int kind_of(int parent, int name)
{
    static const struct {
        signed char kind, parent;
    } places[] = {
        [N_REGISTER] = {E_REGISTER, E_OTHER},
        [N_COMMUNITY] = {E_COMMUNITY, E_REGISTER},
        [N_CAMPAIGN] = {E_CAMPAIGN, E_REGISTER},
        [N_CADRES] = {E_CADRES, E_REGISTER},
        [N_HOUSEHOLDS] = {E_HOUSEHOLDS, E_REGISTER},
        [N_NARRATIVE] = {E_NARRATIVE, E_REGISTER},
        [N_CADRE] = {E_CADRE, E_CADRES},
        [N_HOUSEHOLD] = {E_HOUSEHOLD, E_HOUSEHOLDS},
        [N_MEMBER] = {E_MEMBER, E_HOUSEHOLD},
        [N_VISIT] = {E_VISIT, E_HOUSEHOLD},
        [N_FORM] = {E_FORM, E_VISIT},
        [N_SATISFACTION] = {E_SATISFACTION, E_VISIT},
        [N_SERVICE] = {E_SERVICE, E_VISIT},
        [N_OPINION] = {E_OPINION, E_FORM},
        [N_SUGGESTION] = {E_SUGGESTION, E_FORM},
        [N_SECTION] = {E_SECTION, E_NARRATIVE},
        [N_P] = {E_P, E_SECTION},
    };
    if (name < 0 || (size_t)name >= sizeof places / sizeof *places ||
        places[name].kind == E_OTHER || places[name].parent != parent)
        return E_OTHER;
    return places[name].kind;
}

static void household_reset(reader_t *r)
{
    arena_reset(&r->hh_arena);
    r->members.n = r->visits.n = r->forms.n = r->items.n = 0;
    r->services.n = r->by.n = 0;
    memset(&r->hh, 0, sizeof r->hh);
}

/* Splits the collapsed list S (words separated by one space) in place
 * into r->by, returns 0/-1. */
static int split_by(reader_t *r, char *s, rd_visit *v)
{
    size_t first = r->by.n;
    while (*s) {
        const char **slot = vec_push(&r->by);
        char *sp;
        if (!slot)
            return -1;
        *slot = s;
        if (!(sp = strchr(s, ' ')))
            break;
        *sp = 0;
        s = sp + 1;
    }
    v->n_by = r->by.n - first;
    /* r->by may move while a household grows: store the offset now and
     * fix the pointers at </household> */
    v->by = (const char **)(uintptr_t)first;
    return 0;
}

static void start_element(void *ud, const xmlChar *local, const xmlChar *prefix,
                          const xmlChar *uri, int nb_ns, const xmlChar **ns,
                          int nb_attr, int nb_def, const xmlChar **at)
{
    reader_t *r = ud;
    int parent = r->depth ? r->stack[r->depth] : E_OTHER, kind, space;
    unsigned line, col;
    arena *ha = &r->head_arena, *a = &r->hh_arena;
    tag_attrs ta, *v = &ta;
    int oom = 0;

    (void)prefix, (void)nb_ns, (void)ns, (void)nb_def;
    if (r->fatal)
        return;
    tag_pos(r, &line, &col);
    if (r->depth >= MAX_DEPTH) {
        refuse(r, _("elements nested deeper than any register can be: "
                    "this is not a canvass register"));
        return;
    }
    space = names_find(r->names, uri);
    kind = space == N_REG_NS ? kind_of(parent, names_find(r->names, local))
                             : E_OTHER;
    if (r->depth == 0 && kind != E_REGISTER && space == N_RET_NS &&
        names_find(r->names, local) == N_RETURN) {
        refuse(r, _("this is a return, not a register: canvass merge takes "
                    "returns (and canvass verify checks one against its "
                    "registers); check and build take registers"));
        return;
    }
    if (r->depth == 0 && kind != E_REGISTER) {
        /* the namespace spelled out: xgettext does not expand REG_NS */
        refuse(r, _("not a canvass register: the root element must be "
                    "<register xmlns=\"urn:canvass:register:1\">"));
        return;
    }
    r->stack[++r->depth] = kind;
    if (r->res->errors)
        return; /* invalid already: nothing more is handed over */
    file_attrs(r, nb_attr, at, v);

    switch (kind) {
    case E_COMMUNITY: {
        rd_community *c = &r->head.community;
        c->code = raw_copy(ha, ATTR(v, N_CODE));
        c->name = raw_copy(ha, ATTR(v, N_NAME));
        c->street = raw_copy(ha, ATTR(v, N_STREET));
        c->district = raw_copy(ha, ATTR(v, N_DISTRICT));
        c->city = raw_copy(ha, ATTR(v, N_CITY));
        c->line = line, c->col = col;
        break;
    }
    case E_CAMPAIGN: {
        rd_campaign *c = &r->head.campaign;
        c->id = token_copy(ha, ATTR(v, N_ID));
        c->title = raw_copy(ha, ATTR(v, N_TITLE));
        c->start_s = token_copy(ha, ATTR(v, N_START));
        c->end_s = token_copy(ha, ATTR(v, N_END));
        c->reported_s = token_copy(ha, ATTR(v, N_REPORTED));
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
        c->id = token_copy(ha, ATTR(v, N_ID));
        c->role = enum_of(r, ha, T_ROLE, ATTR(v, N_ROLE));
        c->team = nfc_copy(ha, ATTR(v, N_TEAM));
        c->line = line, c->col = col;
        break;
    }
    case E_HOUSEHOLD: {
        rd_household *h = &r->hh;
        household_reset(r);
        r->in_household = 1;
        h->id = token_copy(a, ATTR(v, N_ID));
        h->dwelling = enum_of(r, a, T_DWELLING, ATTR(v, N_DWELLING));
        h->address = token_copy(a, ATTR(v, N_ADDRESS));
        h->grid = raw_copy(a, ATTR(v, N_GRID));
        h->cadre = token_copy(a, ATTR(v, N_CADRE));
        h->line = line, h->col = col;
        break;
    }
    case E_MEMBER: {
        rd_member *m = vec_push(&r->members);
        if (!m) {
            oom = 1;
            break;
        }
        /* name, born and sex are personal data: not read */
        m->id = token_copy(a, ATTR(v, N_ID));
        m->groups = groups_of(r, ATTR(v, N_GROUPS));
        m->line = line, m->col = col;
        break;
    }
    case E_VISIT: {
        rd_visit *vi = vec_push(&r->visits);
        char *by;
        if (!vi) {
            oom = 1;
            break;
        }
        vi->id = token_copy(a, ATTR(v, N_ID));
        vi->date = date_of(ATTR(v, N_DATE));
        vi->kind = enum_of(r, a, T_VISIT_KIND, ATTR(v, N_KIND));
        vi->rating = -1;
        vi->line = line, vi->col = col;
        by = token_copy(a, ATTR(v, N_BY));
        if (by && split_by(r, by, vi) < 0)
            oom = 1;
        break;
    }
    case E_FORM: {
        rd_form *f = vec_push(&r->forms);
        if (!f || !r->visits.n) {
            oom = !f;
            break;
        }
        f->id = token_copy(a, ATTR(v, N_ID));
        f->visit = r->visits.n - 1;
        f->line = line, f->col = col;
        break;
    }
    case E_OPINION:
    case E_SUGGESTION: {
        rd_item *it = vec_push(&r->items);
        if (!it || !r->forms.n) {
            oom = !it;
            break;
        }
        it->id = token_copy(a, ATTR(v, N_ID));
        it->suggestion = kind == E_SUGGESTION;
        it->form = r->forms.n - 1;
        it->category = enum_of(r, a, T_CATEGORY, ATTR(v, N_CATEGORY));
        /* the schema's default for a suggestion without status */
        it->status = ATTR(v, N_STATUS)
                         ? enum_of(r, a, T_STATUS, ATTR(v, N_STATUS))
                         : enum_n(r, T_STATUS, "pending", strlen("pending"));
        it->important = true_of(ATTR(v, N_IMPORTANT));
        it->to = raw_copy(a, ATTR(v, N_TO));
        it->closed = date_of(ATTR(v, N_CLOSED));
        it->line = line, it->col = col;
        break;
    }
    case E_SATISFACTION:
        if (r->visits.n) {
            rd_visit *vi = (rd_visit *)r->visits.v + r->visits.n - 1;
            vi->rating = enum_of(r, a, T_RATING, ATTR(v, N_RATING));
            vi->rating_line = line, vi->rating_col = col;
        }
        break;
    case E_SERVICE: {
        rd_service *s = vec_push(&r->services);
        if (!s || !r->visits.n) {
            oom = !s;
            break;
        }
        s->type = enum_of(r, a, T_SERVICE_TYPE, ATTR(v, N_TYPE));
        s->member = token_copy(a, ATTR(v, N_MEMBER));
        s->visit = r->visits.n - 1;
        s->line = line, s->col = col;
        break;
    }
    case E_SECTION:
        memset(&r->sec, 0, sizeof r->sec);
        r->paras.n = 0;
        arena_reset(&r->hh_arena);
        r->sec.name = enum_of(r, a, T_SECTION_NAME, ATTR(v, N_NAME));
        r->sec.line = line, r->sec.col = col;
        break;
    case E_P:
        r->in_p = 1;
        r->text_n = 0;
        break;
    default:
        break;
    }
    /* a copy gives NULL both for an absent attribute and for one that
     * found no memory: the arenas tell them apart */
    if (a->failed || ha->failed)
        oom = 1;
    if (oom) {
        r->cb_failed = 1;
        refuse(r, _("out of memory"));
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
        refuse(r, _("out of memory"));
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
    h->read = r->res->size;
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
    if (!r->depth)
        r->closed = 1;
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
        refuse(r, _("out of memory"));
    }
}

static void internal_subset(void *ud, const xmlChar *name, const xmlChar *eid,
                            const xmlChar *sid)
{
    (void)name, (void)eid, (void)sid;
    refuse(ud, _("the register declares a DOCTYPE: registers have no use for "
                 "one (and it could load files or expand entities); remove "
                 "the <!DOCTYPE ...> declaration"));
}

/* ---- reading ------------------------------------------------------------ */

static void io_diag(const char *path, const reader_callbacks *cb, void *ud,
                    const char *what, int err)
{
    char msg[512];
    diag d;
    input_diag(&d, msg, sizeof msg, path, what, err);
    if (cb->diag)
        cb->diag(ud, &d);
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

/* After each piece handed to the parser: refuses what it cannot stop by
 * itself (a construct held unparsed beyond PENDING_MAX), and makes sure
 * that a parser which stopped, for whatever reason, left an error. */
static void after_parse(reader_t *r)
{
    xmlParserCtxtPtr c = r->ctxt;
    if (!r->fatal && c->input &&
        (size_t)(c->input->end - c->input->cur) > PENDING_MAX)
        refuse_at(r, cur_line(r), cur_col(r),
                  _("a single tag or text is larger than 4 MB: this is not "
                    "a register a community system exports"));
    if (!r->fatal && r->stray)
        refuse_at(r, cur_line(r), cur_col(r),
                  _("the XML parser failed here (an error it reports without "
                    "a position): the register cannot be read past this "
                    "point; export it again"));
    if (c->disableSAX || c->instate == XML_PARSER_EOF) {
        if (!r->fatal && !r->res->errors)
            report(r, cur_line(r), cur_col(r),
                   _("the XML parser stopped here without saying why: the "
                     "register cannot be read past this point; export it "
                     "again"));
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
static error_code step(reader_t *r, intake_t *in, const unsigned char *p,
                       size_t n, int eof)
{
    const unsigned char *text;
    size_t ok;
    error_code rc;
    int bad = intake_push(in, p, n, eof, &text, &ok);

    if (bad < 0)
        return ERR_NOMEM;
    if ((rc = feed(r, text, ok)) != ERR_OK)
        return rc;
    if (bad && !r->fatal) {
        unsigned line, col;
        const char *why = intake_error(in, &line, &col);
        refuse_at(r, line, col, why);
    }
    return ERR_OK;
}

error_code reader_read(reader_t *r, const char *path,
                       const reader_callbacks *cb, void *ud, reader_result *res)
{
    xmlSAXHandler sax;
    xmlSAXHandlerPtr psax = &sax;
    void *pud = r;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlSchemaSAXPlugPtr plug = NULL;
    input_strays strays;
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    unsigned char *buf = NULL;
    error_code rc = ERR_OK;
    ssize_t n;
    input_why not_input;
    int fd, first = 1, wf, sv, err;
    intake_t *in = NULL;

    memset(res, 0, sizeof *res);
    r->path = path, r->cb = cb, r->ud = ud, r->res = res;
    r->fatal = r->cb_failed = r->stray = 0;
    r->holding = 0;
    r->n_held = 0;
    r->said_line = 0;
    r->listed = 0;
    r->depth = r->closed = 0;
    r->head_done = 0;
    r->in_p = r->in_household = 0;
    r->cadres.n = 0;
    memset(&r->head, 0, sizeof r->head);
    arena_reset(&r->head_arena);
    household_reset(r);
    r->ctxt = NULL;
    names_reset(r->names, NULL);

    /* the size is for the audit's sizing of its tables */
    if ((rc = input_open(path, &fd, &r->head.file_size, &not_input, &err)) !=
        ERR_OK) {
        io_diag(path, cb, ud,
                rc == ERR_OPEN   ? _("cannot open the register")
                : rc == ERR_READ ? _("cannot read the register")
                : not_input == INPUT_DIRECTORY
                    ? _("is a directory, not a register: name the XML files")
                    : _("is not a regular file (a FIFO, socket or device): "
                        "copy the register to a file first"),
                err);
        return rc;
    }
    if (!(buf = malloc(CHUNK)) || !(in = intake_new())) {
        free(buf);
        close(fd);
        return ERR_NOMEM;
    }
    if (r->digest == READER_XXH128)
        XXH3_128bits_reset(r->xxh);
    else
        sha256_init(&sha);
    /* libxml2's errors outside the parser: the register refused where
     * the parser stands (after_parse) */
    input_strays_catch(&strays, &r->stray);

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
        n = input_read(fd, buf, CHUNK);
        if (n < 0) {
            io_diag(path, cb, ud, _("cannot read the register"), errno);
            rc = ERR_READ;
            goto done;
        }
        if (r->stop && *r->stop) {
            rc = ERR_INTERRUPTED;
            goto done;
        }
        if (r->digest == READER_XXH128)
            XXH3_128bits_update(r->xxh, buf, (size_t)n);
        else
            sha256_update(&sha, (size_t)n, buf);
        res->size += (uint64_t)n;
        if (r->progress && n > 0)
            r->progress(r->progress_ud, (size_t)n);
        eof = n < CHUNK;
        /* once refused, only hashed: the digest names the whole file */
        if (first) {
            const char *why;
            size_t skip = 0;
            first = 0;
            why = n == 0 ? _("the register is empty (0 bytes): export it again")
                         : intake_begin(in, buf, (size_t)n, &skip);
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
                /* names are remembered for the dictionary of this parse */
                names_reset(r->names, r->ctxt->dict);
                xmlSwitchEncoding(r->ctxt, XML_CHAR_ENCODING_UTF8);
                rc = step(r, in, buf + skip, (size_t)n - skip, eof);
            }
        } else if (!r->fatal) {
            rc = step(r, in, buf, (size_t)n, eof);
        }
        if (rc != ERR_OK)
            goto done;
        if (eof)
            break;
    }
    if (r->digest == READER_XXH128) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(r->xxh));
        reader_hex(res->digest, c.digest, sizeof c.digest);
    } else {
        sha256_digest(&sha, sizeof digest, digest);
        reader_hex(res->digest, digest, sizeof digest);
    }

    /* The end of the input. libxml2 describes a file cut short by what the
     * cut happened to leave ("Extra content", "Couldn't find end of Start
     * Tag", a half element name...): hold what the last step says, and if
     * elements are still open it was cut, which is the one thing to say. */
    if (r->ctxt && !r->fatal && !intake_has_content(in)) {
        /* libxml2 would say "Extra content at the end of the document" */
        report(r, 1, 1,
               _("the register holds no XML (nothing but blanks or "
                 "a byte order mark): export it again"));
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
            report(r, line, col,
                   _("the file ends before </register>: the "
                     "register is truncated; export it again"));
        } else {
            size_t i;
            for (i = 0; i < r->n_held && i < HELD; i++)
                report(r, r->held[i].line, r->held[i].col, r->held[i].msg);
            if (r->n_held > HELD)
                res->errors += (unsigned)(r->n_held - HELD);
        }
        if (r->stray && !res->errors)
            report(r, cur_line(r), cur_col(r),
                   _("the XML parser failed at the end of the file (an error "
                     "it reports without a position): export it again"));
    }

    /* Whatever stopped the parser (libxml2 halts on an encoding error
     * without a word through our handlers), a register is valid only if
     * it was parsed to its </register>. */
    if (r->ctxt && !r->closed && !res->errors)
        report(r, cur_line(r), cur_col(r),
               _("the register could not be read to its </register> (the "
                 "parser stopped at or after this point, often on bytes that "
                 "are not in the declared encoding): check the encoding and "
                 "export it again"));
    wf = r->ctxt && r->ctxt->wellFormed;
    sv = xmlSchemaIsValid(vctxt);
    if (r->ctxt && !wf && !res->errors)
        report(r, cur_line(r), cur_col(r),
               _("the register is not well-formed"));
    if (r->ctxt && wf && !sv && !res->errors)
        report(r, cur_line(r), cur_col(r), _("the register is not valid"));
    res->valid = r->ctxt && wf && sv && !res->errors && !r->fatal;
    if (r->cb_failed)
        rc = ERR_NOMEM;
done:
    input_strays_release(&strays);
    if (plug)
        xmlSchemaSAXUnplug(plug);
    if (r->ctxt) {
        /* the parser context frees the copy of the SAX handler it made */
        xmlFreeParserCtxt(r->ctxt);
        r->ctxt = NULL;
    }
    xmlSchemaFreeValidCtxt(vctxt);
    intake_free(in);
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
        error_set(msg, ERR_SCHEMA, _("%s: cannot read the schema"), path);
        return NULL;
    }
    if ((pc = xmlSchemaNewDocParserCtxt(doc))) {
        xmlSchemaSetParserStructuredErrors(pc, NULL, NULL);
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlFreeDoc(doc);
    if (!s)
        error_set(msg, ERR_SCHEMA, _("%s: not a valid XML Schema"), path);
    return s;
}

error_code reader_check_vocab(const vocab_t *vocab, const char *path,
                              char **msg)
{
    size_t ng = 0;
    vocab_enum(vocab, "group", &ng);
    if (ng > RD_MAX_GROUPS)
        return error_set(msg, ERR_SCHEMA,
                         _("%s defines %zu groups; canvass counts at most %d "
                           "(a member's groups are one 64-bit set): merge or "
                           "drop groups"),
                         path, ng, RD_MAX_GROUPS);
    return ERR_OK;
}
