/*
 * intake.c — the input stage of the reader: decode, locate, guard.
 *
 * libxml2 never sees the file's bytes: it sees them decoded to UTF-8 by
 * us, with its own decoding turned off (XML_PARSE_IGNORE_ENC). Its decoder
 * reports a bad byte as an unlocated "encoding error" on stderr and stops
 * the parse as if the document had ended, which counted a register in
 * part; ours stops at the first bad byte with its line and column, and
 * describes the bytes without echoing them (they may be a name).
 *
 * The encoding comes from a byte order mark, the shape of UTF-16, or the
 * declaration, checked against the accepted list; GB18030, GBK, GB2312 and
 * UTF-16 go through iconv, UTF-8 is validated (the common three-byte
 * characters inline) where it lies and handed on without a copy. A
 * character cut by the end of one read is carried over to the next. A GB
 * declaration on UTF-8 bytes is refused at the third run of non-ASCII
 * bytes that reads as UTF-8 Chinese, a run that does not settling it as
 * GB (see decode).
 *
 * A small lexer then follows the decoded text and refuses, before libxml2
 * parses them, the constructs whose cost in libxml2 grows with the square
 * of their size: a start tag with very many attributes (duplicate checks,
 * one validator error each) and a very long text between two tags (the
 * validator joins the pieces of a text one strlen at a time). Every byte
 * goes by it, so it jumps: sixteen bytes at a time (SSE2, on every x86-64;
 * one at a time elsewhere, the same code paths otherwise) to the next
 * byte that matters in a text or a tag (< > " ' =), taken by the state it
 * comes in.
 *
 * Lines and columns (characters) are only needed for our own messages, so
 * the lexer counts none: it notes decoded-byte offsets (the last tag's
 * '<', the current text's start). Once a push is lexed, one pass counts
 * its newlines (sixteen bytes at a time) and the characters after the
 * last, moving the position from the push's start to its end, and on the
 * way works out the place of a noted offset that lies in the push (a
 * guard may trip on it in a later push, its bytes gone by then). A guard
 * tripping in this push is placed by counting from the push's start to
 * its offset; a bad byte is at the end of the decoded text.
 */

#include "intake.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
#include <emmintrin.h>
#endif

#define MAX_ATTRS 100       /* per start tag; the format needs 8 */
#define MAX_TEXT (1u << 20) /* bytes of text between two tags */
#define TOO_MUCH_TEXT                                                          \
    _("a text of more than 1 MB between two tags: no register has one (a "     \
      "narrative paragraph or an opinion is a few hundred characters); split " \
      "it, or export the register again")
#define TOO_MANY_ATTRS                                                         \
    _("a tag with more than 100 attributes: no element of a register has "     \
      "more than 8; this is not a register a community system exports")
#define GB_HITS 3 /* such runs that make a GB file UTF-8 */

#include "buf.h"
#include "i18n.h"
#include "utf8text.h"

/* Lexer states. */
enum {
    L_TEXT, /* the first four: text and tags, where nearly every byte is */
    L_STAG,
    L_AVAL,
    L_ETAG,
    L_LT,
    L_PI,
    L_BANG,
    L_COMMENT,
    L_CDATA,
    L_DECL
};

struct intake {
    char name[16];          /* encoding, for messages: "UTF-8", "GBK"... */
    int gb;                 /* a GB encoding whose bytes may turn out UTF-8:
                             1 still looking, 2 settled as GB */
    unsigned gb_hits;       /* runs in a row that read as Chinese in UTF-8 */
    iconv_t cd;             /* (iconv_t)-1 when the input is UTF-8 */
    unsigned char carry[8]; /* an incomplete character from the last read */
    size_t n_carry;
    unsigned char *in, *out; /* buffers: carry + chunk, iconv's output */
    size_t in_cap, out_cap;

    /* positions: the decoded bytes before this push (OFF) and the place
     * of the first of them; offsets of the decoded text from its start */
    uint64_t off;
    unsigned line, col;
    int content; /* a byte other than a blank was decoded */
    /* the lexer */
    int state, quote, depth;
    unsigned run; /* '-', ']' or '?' seen in a row */
    unsigned attrs;
    size_t text;
    char bang[8];
    size_t n_bang;
    uint64_t tag_off, text_off; /* the last '<', the current text's start */
    unsigned tag_line, tag_col, text_line, text_col; /* their places, noted
                                         at the end of the push they are in */

    /* the first problem found: where, and what */
    uint64_t err_off; /* a guard's: the tag's '<' (ERR_TAG) or text's start */
    int err_tag;
    unsigned err_line, err_col;
    char why[384];
};

intake_t *intake_new(void)
{
    intake_t *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->cd = (iconv_t)-1;
    in->line = in->col = 1;
    return in;
}

void intake_free(intake_t *in)
{
    if (!in)
        return;
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    free(in->in);
    free(in->out);
    free(in);
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
        int k = utf8text_len(p + i, n - i);
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
const char *intake_begin(intake_t *in, const unsigned char *p, size_t n,
                         size_t *skip)
{
    static const struct {
        const char *name, *iconv_name;
    } ok[] = {
        {"UTF-8", NULL},      {"UTF8", NULL},         {"US-ASCII", NULL},
        {"ASCII", NULL},      {"GB18030", "GB18030"}, {"GBK", "GBK"},
        {"GB2312", "GB2312"}, {"UTF-16", NULL},       {"UTF-16LE", NULL},
        {"UTF-16BE", NULL},
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
                   ? _("this system cannot decode UTF-16 (iconv): save the "
                       "register as UTF-8")
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
        (n >= 6 && !memcmp(p,
                           "\xFD"
                           "7zXZ",
                           5)) ||
        (n >= 3 && !memcmp(p, "BZh", 3)) ||
        (n >= 4 && !memcmp(p, "PK\x03\x04", 4)) ||
        (n >= 4 && !memcmp(p, "\x28\xB5\x2F\xFD", 4)))
        return _("the register is compressed (gzip, xz, bzip2, zip or zstd): "
                 "canvass reads plain XML only; decompress it first");
    for (i = 0; i < n && strchr(" \t\r\n", p[i]) && p[i]; i++)
        ;
    if (i < n && p[i] != '<')
        return _("not an XML file: a register begins with <?xml or <register");
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
                        "0123456789-_.:",
                        enc[i]))
                enc[i] = '?';
        snprintf(in->why, sizeof in->why,
                 _("the register declares encoding \"%s\", which canvass does "
                   "not accept: save it as UTF-8 (or GB18030, GBK, GB2312, "
                   "UTF-16)"),
                 enc);
        return in->why;
    }
    if (!strncasecmp(enc, "UTF-16", 6)) {
        snprintf(in->why, sizeof in->why,
                 _("the register declares encoding \"%s\" but its bytes are "
                   "8-bit, not UTF-16 (no byte order mark, and '<' is one "
                   "byte): declare encoding=\"UTF-8\" or save it as UTF-16"),
                 ok[i].name);
        return in->why;
    }
    use = ok[i].iconv_name;
    if (!use)
        return NULL;
    if (bom) {
        snprintf(in->why, sizeof in->why,
                 _("the register declares encoding \"%s\" but begins with a "
                   "UTF-8 byte order mark: declare encoding=\"UTF-8\", or save "
                   "it as %s without the mark"),
                 use, use);
        return in->why;
    }
    snprintf(in->name, sizeof in->name, "%s", use);
    in->gb = 1;
    in->cd = iconv_open("UTF-8", use);
    if (in->cd == (iconv_t)-1) {
        snprintf(in->why, sizeof in->why,
                 _("this system cannot decode %s (iconv): save the register as "
                   "UTF-8"),
                 use);
        return in->why;
    }
    return NULL;
}

/* Says in in->why what is wrong with the UTF-8 bytes at P (N of them, the
 * first not well-formed): a character cut by the end of the file
 * (PARTIAL) or a bad sequence. Returns 1. */
static int utf8_trouble(intake_t *in, const unsigned char *p, size_t n,
                        int partial)
{
    if (partial) {
        snprintf(in->why, sizeof in->why,
                 _("the file ends in the middle of a UTF-8 character: the "
                   "register is truncated; export it again"));
    } else {
        size_t k = utf8text_bad_len(p, n);
        snprintf(in->why, sizeof in->why,
                 P_("an invalid UTF-8 byte sequence of %zu byte: the "
                    "register is not UTF-8 here; if it was saved as GBK or "
                    "GB18030, declare that in its first line "
                    "(<?xml version=\"1.0\" encoding=\"GB18030\"?>), else "
                    "correct the character at this place",
                    "an invalid UTF-8 byte sequence of %zu bytes: the "
                    "register is not UTF-8 here; if it was saved as GBK or "
                    "GB18030, declare that in its first line "
                    "(<?xml version=\"1.0\" encoding=\"GB18030\"?>), else "
                    "correct the character at this place",
                    k),
                 k);
    }
    return 1;
}

/* Decodes P[0..N) (with what was carried over from the previous read) to
 * UTF-8: *TEXT is set to the decoded text (P itself, in->in when a
 * character was carried over, in->out from iconv) and *OUT_N to its
 * bytes. EOF: no more input follows. Returns 0, -1 on no memory, or 1 when
 * the input is bad from *OUT_N on: in->why says how (its position is that
 * of the end of the decoded text, known once it is followed). */
static int decode(intake_t *in, const unsigned char *p, size_t n, int eof,
                  const unsigned char **text, size_t *out_n)
{
    size_t total = in->n_carry + n, good, left, room;
    int partial, bad = 0;
    char *ip, *op;

    *out_n = 0;
    if (in->cd == (iconv_t)-1 && !in->n_carry && n) {
        /* UTF-8 with nothing carried over, nearly every read: checked
         * where it lies and handed on as it is, not copied twice */
        good = utf8text_valid_prefix(p, n, &partial);
        *text = p;
        *out_n = good;
        if (good == total)
            return 0;
        if (partial && !eof) {
            memcpy(in->carry, p + good, total - good);
            in->n_carry = total - good;
            return 0;
        }
        return utf8_trouble(in, p + good, total - good, partial);
    }
    /* never empty, even for no bytes: memcpy must not see a NULL */
    if (GROW(in->in, total + sizeof in->carry, in->in_cap) != ERR_OK ||
        (in->cd != (iconv_t)-1 &&
         GROW(in->out, 2 * total + 16, in->out_cap) != ERR_OK))
        return -1;
    memcpy(in->in, in->carry, in->n_carry);
    if (n)
        memcpy(in->in + in->n_carry, p, n);
    in->n_carry = 0;

    if (in->cd == (iconv_t)-1) {
        /* UTF-8 after a character cut by the last read: handed on from
         * the buffer that joins the two */
        good = utf8text_valid_prefix(in->in, total, &partial);
        *text = in->in;
        *out_n = good;
        if (good == total)
            return 0;
        if (partial && !eof) {
            memcpy(in->carry, in->in + good, total - good);
            in->n_carry = total - good;
            return 0;
        }
        return utf8_trouble(in, in->in + good, total - good, partial);
    }

    /* iconv: GB encodings and UTF-16 */
    *text = in->out;
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
            if (GROW(in->out, in->out_cap * 2, in->out_cap) != ERR_OK)
                return -1;
            op = (char *)in->out + used;
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
                     _("the file ends in the middle of a %s character: the "
                       "register is truncated; export it again"),
                     in->name);
        else if (!strncmp(in->name, "UTF-16", 6))
            snprintf(in->why, sizeof in->why,
                     _("an unpaired UTF-16 surrogate (2 bytes): the register "
                       "is not valid %s here; correct the character at this "
                       "place or export the register again"),
                     in->name);
        else {
            size_t b = gb_bad_len((const unsigned char *)ip, left,
                                  !strcmp(in->name, "GB18030"));
            snprintf(in->why, sizeof in->why,
                     P_("an invalid %s byte sequence of %zu byte: the "
                        "register is not valid %s here; correct the character "
                        "at this place or export the register again",
                        "an invalid %s byte sequence of %zu bytes: the "
                        "register is not valid %s here; correct the character "
                        "at this place or export the register again",
                        b),
                     in->name, b, in->name);
        }
        return 1;
    }
    *out_n = (size_t)(op - (char *)in->out);
    if (bad == 2) {
        snprintf(in->why, sizeof in->why,
                 _("the register declares encoding \"%s\" but is UTF-8 (its "
                   "Chinese text up to here reads as UTF-8, and as %s would "
                   "be garbled): change the declaration to "
                   "encoding=\"UTF-8\", or save the file as %s"),
                 in->name, in->name, in->name);
        return 1;
    }
    return 0;
}

/* The line and column of the decoded byte OFF: in the text T of this
 * push when it lies there (counted from the push's start), else where
 * follow noted it at the end of an earlier push (SAVED_LINE:SAVED_COL). */
static void place(const intake_t *in, const unsigned char *t, uint64_t off,
                  unsigned saved_line, unsigned saved_col, unsigned *line,
                  unsigned *col)
{
    if (off < in->off) {
        *line = saved_line, *col = saved_col;
        return;
    }
    *line = in->line, *col = in->col;
    utf8text_advance(line, col, t, (size_t)(off - in->off));
}

/* Moves the position over the whole text T[0..N) of this push, noting on
 * the way the places of the last tag's '<' and of the current text's
 * start when they lie in it (a guard may trip on them in a later push). */
static void follow(intake_t *in, const unsigned char *t, size_t n)
{
    size_t at = 0, k;
    int first_text = in->text_off < in->tag_off;
    int j;
    for (j = 0; j < 2; j++) {
        int is_text = j == 0 ? first_text : !first_text;
        uint64_t off = is_text ? in->text_off : in->tag_off;
        if (off < in->off + at)
            continue;
        k = (size_t)(off - in->off);
        utf8text_advance(&in->line, &in->col, t + at, k - at);
        at = k;
        if (is_text)
            in->text_line = in->line, in->text_col = in->col;
        else
            in->tag_line = in->line, in->tag_col = in->col;
    }
    utf8text_advance(&in->line, &in->col, t + at, n - at);
    in->off += n;
}

/* Marks the first problem the lexer found: WHY, located at the last
 * tag's '<' (TAG) or the current text's start (its line and column are
 * worked out by intake_push). */
static int scan_trip(intake_t *in, int tag, const char *why)
{
    in->err_tag = tag;
    in->err_off = tag ? in->tag_off : in->text_off;
    snprintf(in->why, sizeof in->why, "%s", why);
    return 1;
}

/* The lexer's jumps: the index of the first byte of P[I..N) equal to A, B,
 * C or D (N when none is), sixteen bytes at a time where SSE2 is there
 * (every x86-64), else one at a time. Spans are short in a register (an
 * attribute value, the blanks between two tags), too short for memchr's
 * call to pay. */
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
static inline size_t skip_to(const unsigned char *p, size_t i, size_t n,
                             unsigned char a, unsigned char b, unsigned char c,
                             unsigned char d)
{
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b),
                  vc = _mm_set1_epi8((char)c), vd = _mm_set1_epi8((char)d);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
            _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    for (; i < n; i++)
        if (p[i] == a || p[i] == b || p[i] == c || p[i] == d)
            break;
    return i;
}
#else
static inline size_t skip_to(const unsigned char *p, size_t i, size_t n,
                             unsigned char a, unsigned char b, unsigned char c,
                             unsigned char d)
{
    for (; i < n; i++)
        if (p[i] == a || p[i] == b || p[i] == c || p[i] == d)
            break;
    return i;
}
#endif

/* Adds the text P[TS..J) (the bytes of a text between the lexer's
 * stops, J its '<' or the end of the push) to the current text. Returns 0,
 * or 1 with *STOP and in->why set when the text passes MAX_TEXT: what
 * precedes the span may be parsed. */
static int text_span(intake_t *in, size_t ts, size_t j, size_t *stop)
{
    if (j <= ts)
        return 0;
    if (!in->text)
        in->text_off = in->off + ts;
    if (in->text + (j - ts) > MAX_TEXT) {
        *stop = ts;
        return scan_trip(in, 0, TOO_MUCH_TEXT);
    }
    in->text += j - ts;
    return 0;
}

#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
/* The bytes of P[0..16) that matter in text and tags: < > " ' = */
static inline unsigned specials16(const unsigned char *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Follows the decoded text P[0..N) with the lexer (positions are not
 * counted here: see intake_push). Returns 0, or 1 with *STOP the number of
 * bytes that may be parsed and in->why and in->err_off saying what is
 * refused and where.
 *
 * A text's span runs from where the lexer entered the text state (TS, or
 * the push's start) to its '<' or the push's end, and is added to the
 * text, and checked, once. */
static int scan(intake_t *in, const unsigned char *p, size_t n, size_t *stop)
{
    size_t i = 0, ts = 0;
    while (i < n) {
        unsigned char c;
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
        /* text and tags sixteen bytes at a time: the bytes that matter
         * found at once, then taken in turn by the state they come in
         * (a '>' in a value or a '=' in a text is nothing); a '<' leaves
         * for the byte after it, which says what follows */
        if (i + 16 <= n && in->state <= L_ETAG) {
            /* the lexer's state in locals: P's bytes may alias IN's */
            int st = in->state, quote = in->quote;
            unsigned attrs = in->attrs;
            while (i + 16 <= n && st <= L_ETAG) {
                unsigned bits = specials16(p + i);
                size_t at = i;
                i += 16;
                while (bits) {
                    size_t j = at + (size_t)__builtin_ctz(bits);
                    bits &= bits - 1;
                    c = p[j];
                    if (st == L_AVAL) {
                        if (c == quote)
                            st = L_STAG;
                    } else if (st == L_STAG) {
                        if (c == '"' || c == '\'') {
                            st = L_AVAL;
                            quote = c;
                        } else if (c == '>') {
                            st = L_TEXT;
                            ts = j + 1;
                        } else if (c == '=' && ++attrs > MAX_ATTRS) {
                            in->state = st, in->attrs = attrs;
                            *stop = j;
                            return scan_trip(in, 1, TOO_MANY_ATTRS);
                        }
                    } else if (c == '<' && st == L_TEXT) {
                        in->state = st;
                        if (text_span(in, ts, j, stop))
                            return 1;
                        st = L_LT;
                        in->tag_off = in->off + j;
                        i = j + 1;
                        break;
                    } else if (c == '>' && st == L_ETAG) {
                        st = L_TEXT;
                        ts = j + 1;
                    }
                }
            }
            in->state = st, in->quote = quote, in->attrs = attrs;
        }
        if (i >= n) {
            /* the push ends with the block: so does the text's span */
            if (in->state == L_TEXT && text_span(in, ts, n, stop))
                return 1;
            break;
        }
#endif
        /* the rest one stop at a time, jumping over what does not matter */
        if (in->state == L_TEXT) {
            size_t j = skip_to(p, i, n, '<', '<', '<', '<');
            if (text_span(in, ts, j, stop))
                return 1;
            if ((i = j) == n)
                break;
        } else if (in->state == L_AVAL) {
            unsigned char q = (unsigned char)in->quote;
            if ((i = skip_to(p, i, n, q, q, q, q)) == n)
                break;
        } else if (in->state == L_STAG) {
            if ((i = skip_to(p, i, n, '"', '\'', '>', '=')) == n)
                break;
        } else if (in->state == L_ETAG) {
            if ((i = skip_to(p, i, n, '>', '>', '>', '>')) == n)
                break;
        }
        c = p[i];
        switch (in->state) {
        case L_TEXT: /* c is '<' */
            in->state = L_LT;
            in->tag_off = in->off + i;
            break;
        case L_CDATA:
            if (c == '>' && in->run >= 2) {
                in->state = L_TEXT;
                break;
            }
            in->run = c == ']' ? in->run + 1 : 0;
            if (!in->text++)
                in->text_off = in->off + i;
            if (in->text > MAX_TEXT) {
                *stop = i;
                return scan_trip(in, 0, TOO_MUCH_TEXT);
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
                return scan_trip(in, 1, TOO_MANY_ATTRS);
            }
            break;
        case L_AVAL: /* c is the closing quote */
            in->state = L_STAG;
            break;
        case L_ETAG: /* c is '>' */
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
            } else if (memcmp(in->bang, "--",
                              in->n_bang < 2 ? in->n_bang : 2) &&
                       memcmp(in->bang, "[CDATA[", in->n_bang)) {
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
        i++;
        if (in->state == L_TEXT) /* entered just now: a new span */
            ts = i;
    }
    *stop = n;
    return 0;
}

int intake_push(intake_t *in, const unsigned char *p, size_t n, int eof,
                const unsigned char **text, size_t *ok)
{
    size_t got, i;
    const unsigned char *t = NULL;
    int bad = decode(in, p, n, eof, &t, &got);

    if (!t)
        t = (const unsigned char *)"";
    *text = t;
    *ok = 0;
    if (bad < 0)
        return -1;
    for (i = 0; !in->content && i < got; i++)
        in->content = !strchr(" \t\r\n", t[i]) || !t[i];
    if (got && scan(in, t, got, ok)) {
        /* the guard's place comes first */
        if (in->err_tag)
            place(in, t, in->err_off, in->tag_line, in->tag_col, &in->err_line,
                  &in->err_col);
        else
            place(in, t, in->err_off, in->text_line, in->text_col,
                  &in->err_line, &in->err_col);
        return 1;
    }
    follow(in, t, got);
    if (bad) {
        in->err_line = in->line;
        in->err_col = in->col;
    }
    return bad;
}

const char *intake_error(const intake_t *in, unsigned *line, unsigned *col)
{
    *line = in->err_line;
    *col = in->err_col;
    return in->why;
}

int intake_has_content(const intake_t *in)
{
    return in->content;
}
