/*
 * diag_store.c — the store of diag.h: a register's diagnostics, held
 * compactly, formatted when read.
 *
 * The store keeps each diagnostic as a record: position, rule,
 * severity, the ids it names and the message as a format with its
 * argument values (format pointer = message id). The message is formatted
 * only when read. Records come in groups (a household's findings), sorted
 * when the group closes; a group that follows the last record extends the
 * current run, else starts a new one; reading merges the runs, so the
 * order is (line, col, rule, message) whatever order the groups came in.
 * Records live in a memory buffer until it passes the spill size (1 MiB),
 * then in an unlinked temporary file in $TMPDIR (a record holds pointers
 * to static strings: the file is read back by the same process only).
 * A record is written once, straight into the buffer: the open group is
 * the buffer's tail, sorted in place when it closes (moved only when out
 * of order), and the record appended last is known by its place there
 * (copied aside only when the buffer goes to the file). Memory: the
 * buffer, a copy of the last record, and a few counts; reading holds a
 * 64 KiB chunk per run and decodes each record where it lies. A reader that
 * skips most records (a listing past its cap) says so first (want), and
 * those records are never formatted. Two readers can share one reading
 * (diag_store_each2_of: build's terminal and findings.csv), each record
 * read and decoded once and its message made once per language.
 * Recording measures a record first (its format's arguments parsed once
 * per format, through a small cache known by the format's address) and
 * writes it into one reservation; a household's few records are sorted on
 * the stack (by index: the records stay where they are).
 *
 * Languages. The format recorded is the English message id; reading
 * formats it in the language asked for (diag_lang: the locale's for the
 * terminal, diag_lang_locale() in diag.c; --lang's for the documents, main.c's), the
 * order staying that of the English text. A translation may number its
 * arguments (%2$s before %1$s, as Chinese word order needs); it is checked
 * against the arguments recorded before it is used, and English is used
 * in its place when it does not fit, so a bad catalogue can garble
 * nothing. A %-s argument is a word (N_()) translated with the message; a
 * message with a plural keeps both English forms and its number. One
 * reading looks each format (and each word) up once: a cache that lives
 * as long as the reading keeps the format's arguments and its checked
 * translation, known by the format's address, cut into pieces and
 * measured (its literal length, how often each argument is used), so a
 * message is measured by its arguments and copied span by span (short
 * spans without a call). The terminal's text lines can be made straight
 * into the printer's buffer (diag_store_print_of): the frame of
 * diag_append_text_in with the message's pieces in its place, in one
 * reservation, the frames measured once per reading.
 *
 * Why one file (about 1,500 lines): the record's layout (above) is written
 * by add, read back by decode and its arguments walked by format_message
 * and text_line; split, the layout would live in a private header read by
 * four files, and a change to it would have to be made in step across
 * them. The file reads top-down: the record, formatting a message in a
 * language, the store (groups, runs, spill), reading the runs back merged
 * (and printed straight as text lines).
 */
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "output.h"
#include "i18n.h"

/* ---- the store ---------------------------------------------------------- */

/* A record, in memory and in the temporary file alike (the same process
 * writes and reads it, so pointers to static strings stay valid):
 *
 *   u32 size       the whole record
 *   u32 line, col
 *   u8  severity, mask (bit i: id i present, in the order of ID_NAMES)
 *   u8  flags (REC_PLURAL), u8 unused
 *   const char *rule, *fmt
 *   the ids present; with REC_PLURAL the plural format (a pointer) and
 *   its number (u64); then the arguments of fmt by their number: a string
 *   is u32 length, its bytes and a NUL; a number is 8 bytes (int64_t,
 *   uint64_t).
 */
#define REC_PLURAL 1
#define N_IDS 5
#define SPILL_DEFAULT ((size_t)1 << 20)
#define READ_CHUNK ((size_t)64 << 10)
/* The smallest record: size, line, col, severity, id mask, padding, the
 * rule and format pointers (the layout above). */
#define REC_MIN (16 + 2 * sizeof(char *))

typedef struct {
    unsigned char *v;
    size_t n, cap;
} bytes;

static int bytes_room(bytes *b, size_t more)
{
    if (more > SIZE_MAX / 4 - b->n)
        return -1;
    return GROW(b->v, b->n + more, b->cap) == ERR_OK ? 0 : -1;
}

static int bytes_add(bytes *b, const void *p, size_t n)
{
    if (!n)
        return 0; /* b->v may still be NULL */
    if (bytes_room(b, n) < 0)
        return -1;
    memcpy(b->v + b->n, p, n);
    b->n += n;
    return 0;
}

/* The most arguments a message may have. */
#define MAX_ARGS 16

/* One conversion: the argument's number (0-based; -1 for %%), its kind
 * ('s', 'd', 'u', 'x'), the length modifier ('l', 'z' or 0), whether it is
 * a word (%-s) and whether it was numbered (%N$). */
typedef struct {
    int arg;
    char c, len;
    int word, numbered;
} conv;

typedef struct {
    const char *rule;
    size_t n[2];
} rule_count;

#define STORE_FMTS 8

struct diag_store {
    char *file;
    size_t spill;
    error_code err;
    /* the stream: bytes [0, flushed) are in the file, the rest in mem */
    int fd;
    uint64_t flushed;
    bytes mem;
    /* run i starts at runs[i] and ends where the next one starts */
    uint64_t *runs;
    size_t nruns, capruns;
    /* the open group: [gstart, mem.n) of mem, written there by add */
    size_t gstart;
    int in_group;
    /* the record appended last: at last_at in mem when last_in_mem, else
     * a copy in last (mem went to the file since) */
    size_t last_at;
    int last_in_mem;
    bytes last;
    bytes scratch; /* a group being put in order */
    rule_count *counts;
    size_t ncounts, capcounts;
    /* the arguments of the formats recorded last (parse_fmt once per
     * format, not per record), known by the format's address */
    struct fmt_seen {
        const char *fmt;
        int n;
        conv spec[MAX_ARGS];
    } fmts[STORE_FMTS];
    size_t nfmts, next_fmt;
};

/* A record decoded: D points into the record's bytes; its message is
 * made in MSG only when needed (need_msg): to be handed out, or to break a
 * tie in the order. */
typedef struct {
    diag d;
    const char *fmt, *plural; /* plural: NULL when one form */
    uint64_t n;               /* the number choosing the plural form */
    const unsigned char *args;
    bytes msg; /* the English message (for the order) */
    bytes out; /* the message handed out, in the language asked for */
    int oom;   /* a message could not be made */
} decoded;

static uint32_t rec_size(const unsigned char *r)
{
    uint32_t n;
    memcpy(&n, r, 4);
    return n;
}

/* Parses the conversion at *P (just after '%') into CV and moves *P past
 * it; SEQ is the number of the next unnumbered argument. 0, or -1 when it
 * is not one diag.h allows. */
static int parse_conv(const char **p, int seq, conv *cv)
{
    const char *q = *p;
    memset(cv, 0, sizeof *cv);
    cv->arg = seq;
    if (*q == '%') {
        *p = q + 1;
        cv->c = '%';
        cv->arg = -1;
        return 0;
    }
    if (*q >= '1' && *q <= '9') {
        int n = 0;
        while (*q >= '0' && *q <= '9' && n <= MAX_ARGS)
            n = n * 10 + (*q++ - '0');
        if (*q != '$' || n > MAX_ARGS)
            return -1;
        q++;
        cv->arg = n - 1;
        cv->numbered = 1;
    }
    if (*q == '-') {
        cv->word = 1;
        q++;
    }
    if (*q == 'l' || *q == 'z')
        cv->len = *q++;
    cv->c = *q;
    if (!(cv->c == 's' || cv->c == 'd' || cv->c == 'u' || cv->c == 'x') ||
        (cv->c == 's' && cv->len) || (cv->word && cv->c != 's') ||
        cv->arg >= MAX_ARGS)
        return -1;
    *p = q + 1;
    return 0;
}

/* Reads the arguments FMT takes into SPEC (by number): the count, or -1
 * when FMT breaks diag.h's rules (a conversion not allowed, numbered and
 * unnumbered arguments mixed, a number left out, one argument taken as
 * two kinds). */
static int parse_fmt(const char *fmt, conv spec[MAX_ARGS])
{
    int seq = 0, n = 0, numbered = -1, i;
    char seen[MAX_ARGS] = {0};
    const char *p = fmt;
    memset(spec, 0, MAX_ARGS * sizeof *spec);
    while ((p = strchr(p, '%'))) {
        conv cv;
        p++;
        if (parse_conv(&p, seq, &cv) < 0)
            return -1;
        if (cv.c == '%')
            continue;
        if (numbered >= 0 && numbered != cv.numbered)
            return -1;
        numbered = cv.numbered;
        if (!cv.numbered)
            seq++;
        if (seen[cv.arg] && (spec[cv.arg].c == 's') != (cv.c == 's'))
            return -1;
        if (!seen[cv.arg])
            spec[cv.arg] = cv;
        seen[cv.arg] = 1;
        if (cv.arg + 1 > n)
            n = cv.arg + 1;
    }
    for (i = 0; i < n; i++)
        if (!seen[i])
            return -1;
    return n;
}

/* Whether the translation T takes only arguments of SPEC (N of them), each
 * as its kind (a string as a string, a number as a number). */
static int fits(const char *t, const conv *spec, int n)
{
    conv ts[MAX_ARGS];
    int m = parse_fmt(t, ts), i;
    if (m < 0 || m > n)
        return 0;
    for (i = 0; i < m; i++)
        if ((ts[i].c == 's') != (spec[i].c == 's'))
            return 0;
    return 1;
}

/* What one reading of the store looks up once rather than per message
 * (gettext's lookup and the parse of the format were half of formatting
 * one): each format met (a static string, so known by its address), its
 * arguments and its translation; and the words (%-s) translated. Full, it
 * is bypassed, never wrong. */
#define TC_FMTS 64
#define TC_WORDS 32
/* A format cut at its conversions: a literal span (ARG -1) or argument
 * ARG, so that a message is made by copying, the format parsed once. */
typedef struct {
    const char *lit;
    uint32_t len;
    int arg;
} piece;

typedef struct {
    const char *fmt; /* the English format (message id) */
    int n;           /* its arguments, or -1 */
    conv spec[MAX_ARGS];
    const char *t; /* its translation when it fits, else fmt */
    piece *pc;     /* t cut into pieces (NULL: no memory, made per message) */
    int np;
    /* a message's length: lit, and each argument's length times uses[] */
    size_t lit;
    unsigned char uses[MAX_ARGS];
} tc_fmt;
typedef struct {
    char *word; /* a copy */
    size_t len; /* its length */
    const char *t;
    size_t tlen; /* t's */
} tc_word;
#define TC_LENS 8
typedef struct {
    const diag_lang *lang;
    tc_fmt f[TC_FMTS];
    size_t nf;
    tc_word w[TC_WORDS];
    size_t nw;
    /* the lengths of the static strings a text line takes (file, rule,
     * severity word), known by their address */
    struct {
        const char *s;
        size_t len;
    } len[TC_LENS];
    size_t nlen;
    /* the text form's frames (at a line, whole file) measured: the length
     * of their literal spans and how often each argument is used */
    const diag_text_form *form;
    size_t frame_lit[2];
    unsigned char frame_uses[2][6];
} tcache;

static void tcache_free(tcache *tc)
{
    size_t i;
    if (!tc)
        return;
    for (i = 0; i < tc->nw; i++)
        free(tc->w[i].word);
    for (i = 0; i < tc->nf; i++)
        free(tc->f[i].pc);
    free(tc);
}

/* FMT (checked by fits or recorded by diag_store_vadd) cut into pieces:
 * malloc'd, *NP of them; NULL on no memory, or for a conversion that
 * parse_conv refuses (cannot happen). */
static piece *cut(const char *fmt, int *np)
{
    size_t cap = 1, k = 0;
    const char *p;
    int seq = 0;
    piece *pc;
    for (p = fmt; (p = strchr(p, '%')); p++)
        cap += 2; /* a literal before it and the conversion */
    if (!(pc = malloc(cap * sizeof *pc)))
        return NULL;
    p = fmt;
    while (*p) {
        conv cv;
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        if (lit)
            pc[k++] = (piece){p, (uint32_t)lit, -1};
        p += lit;
        if (!*p)
            break;
        p++;
        if (parse_conv(&p, seq, &cv) < 0) {
            free(pc);
            return NULL;
        }
        if (cv.c == '%') {
            pc[k++] = (piece){"%", 1, -1};
            continue;
        }
        if (!cv.numbered)
            seq++;
        pc[k++] = (piece){NULL, 0, cv.arg};
    }
    *np = (int)k;
    return pc;
}

/* The translation of the word V (LEN bytes) in LANG, through TC when it
 * has room; *TLEN its length. */
static const char *word_text(tcache *tc, const diag_lang *lang, const char *v,
                             size_t len, size_t *tlen)
{
    size_t i;
    char *copy;
    const char *t;
    if (tc)
        for (i = 0; i < tc->nw; i++)
            if (tc->w[i].len == len && !memcmp(tc->w[i].word, v, len)) {
                *tlen = tc->w[i].tlen;
                return tc->w[i].t;
            }
    if (!tc || tc->nw == TC_WORDS || !(copy = strdup(v))) {
        t = lang->text(lang, v);
        *tlen = strlen(t);
        return t;
    }
    tc->w[tc->nw].word = copy;
    tc->w[tc->nw].len = len;
    /* untranslated, the text is its argument: the record's bytes, which
     * the next record replaces; the copy lives as long as the cache */
    tc->w[tc->nw].t = lang->text(lang, copy);
    tc->w[tc->nw].tlen = strlen(tc->w[tc->nw].t);
    *tlen = tc->w[tc->nw].tlen;
    return tc->w[tc->nw++].t;
}

/* Copies N bytes from SRC to AT; returns the end. The spans of a message
 * are short (a few bytes of format, an id, a number): copied without a
 * call (memcpy of a length known then was most of their cost), with two
 * overlapping words when 4 to 16 bytes. */
static inline char *put(char *at, const char *src, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x, y;
        memcpy(&x, src, 8);
        memcpy(&y, src + n - 8, 8);
        memcpy(at, &x, 8);
        memcpy(at + n - 8, &y, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;
        memcpy(&x, src, 4);
        memcpy(&y, src + n - 4, 4);
        memcpy(at, &x, 4);
        memcpy(at + n - 4, &y, 4);
    } else if (n && n < 4) {
        at[0] = src[0];
        at[n / 2] = src[n / 2];
        at[n - 1] = src[n - 1];
    } else if (n) {
        memcpy(at, src, n);
    }
    return at + n;
}

/* Writes V in decimal just before END; returns its first digit. Two
 * digits at a time. */
static char *put_uint(char *end, uint64_t v)
{
    static const char pairs[] = /* i18n: not prose */
        "00010203040506070809101112131415161718192021222324"
        "25262728293031323334353637383940414243444546474849"
        "50515253545556575859606162636465666768697071727374"
        "75767778798081828384858687888990919293949596979899";
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        end -= 2;
        memcpy(end, pairs + 2 * (size_t)r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* A message ready to be copied out: its pieces (those of the format's
 * cached cut, or MADE for this message) and its arguments' texts. */
typedef struct {
    const char *val[MAX_ARGS];
    size_t vlen[MAX_ARGS];
    char num[MAX_ARGS][24];
    const piece *pc;
    piece *made; /* freed by msg_done */
    int np;
    size_t need; /* its bytes, no NUL */
} msg_parts;

static void msg_done(msg_parts *m)
{
    free(m->made);
    m->made = NULL;
}

/* Prepares the message of record X in LANG (NULL: English) in M: the
 * translation of its format when it fits the arguments recorded, else the
 * English. 0, or -1 (no memory; M needs no msg_done then). */
static int msg_prepare(msg_parts *m, const decoded *x, const diag_lang *lang,
                       tcache *tc)
{
    conv own[MAX_ARGS];
    const conv *spec = own;
    const unsigned char *a = x->args;
    const char *fmt;
    tc_fmt *hit = NULL;
    int n, i;

    m->made = NULL;
    if (tc && tc->lang == lang) {
        size_t k;
        for (k = 0; k < tc->nf && tc->f[k].fmt != x->fmt; k++)
            ;
        if (k == tc->nf && k < TC_FMTS) {
            tc_fmt *e = &tc->f[tc->nf++];
            e->fmt = x->fmt;
            e->n = parse_fmt(x->fmt, e->spec);
            e->t = x->fmt;
            if (lang && e->n >= 0) {
                const char *t = lang->text(lang, x->fmt);
                if (t && fits(t, e->spec, e->n))
                    e->t = t;
            }
            e->pc = e->n >= 0 ? cut(e->t, &e->np) : NULL;
            e->lit = 0;
            memset(e->uses, 0, sizeof e->uses);
            for (i = 0; e->pc && i < e->np; i++) {
                if (e->pc[i].arg < 0) { /* a literal piece */
                    e->lit += e->pc[i].len;
                } else if (e->pc[i].arg >= e->n ||
                           e->uses[e->pc[i].arg] == 255) {
                    free(e->pc); /* cannot happen (fits); per message */
                    e->pc = NULL;
                } else {
                    e->uses[e->pc[i].arg]++;
                }
            }
        }
        if (k < tc->nf)
            hit = &tc->f[k];
    }
    if (hit) {
        n = hit->n;
        spec = hit->spec;
    } else {
        n = parse_fmt(x->fmt, own);
    }
    if (n < 0)
        return -1; /* not recorded by diag_store_vadd: cannot happen */
    /* the arguments' texts: a string as recorded (a word translated), a
     * number by hand (snprintf was a third of formatting a message) */
    for (i = 0; i < n; i++) {
        if (spec[i].c == 's') {
            uint32_t len;
            memcpy(&len, a, 4);
            m->val[i] = (const char *)a + 4;
            m->vlen[i] = len;
            if (spec[i].word && lang)
                m->val[i] = word_text(tc, lang, m->val[i], len, &m->vlen[i]);
            a += 4 + (size_t)len + 1;
        } else {
            int64_t iv;
            uint64_t u;
            char *q = m->num[i] + sizeof m->num[i];
            int c = (unsigned char)spec[i].c;
            memcpy(&iv, a, 8);
            memcpy(&u, a, 8);
            if (c == 'd' && iv < 0)
                u = 0 - (uint64_t)iv;
            else if (c == 'd')
                u = (uint64_t)iv;
            /* the bases as constants: no division instruction */
            if (c == 'x')
                do
                    *--q = "0123456789abcdef"[u % 16];
                while (u /= 16);
            else
                q = put_uint(q, u);
            if (c == 'd' && iv < 0)
                *--q = '-';
            m->val[i] = q;
            m->vlen[i] = (size_t)(m->num[i] + sizeof m->num[i] - q);
            a += 8;
        }
    }
    if (hit && !x->plural && hit->pc) {
        m->pc = hit->pc;
        m->np = hit->np;
        m->need = hit->lit;
        for (i = 0; i < n; i++)
            m->need += hit->uses[i] * m->vlen[i];
        return 0;
    } else {
        fmt = x->plural ? (x->n == 1 ? x->fmt : x->plural) : x->fmt;
        if (hit && !x->plural) {
            fmt = hit->t;
        } else if (lang) {
            const char *t = x->plural ? lang->plural(lang, x->fmt, x->plural,
                                                     (unsigned long)x->n)
                                      : lang->text(lang, x->fmt);
            if (t && fits(t, spec, n))
                fmt = t;
        }
        if (!(m->made = cut(fmt, &m->np)))
            return -1;
        m->pc = m->made;
    }
    m->need = 0;
    for (i = 0; i < m->np; i++) {
        if (m->pc[i].arg >= n) {
            msg_done(m);
            return -1; /* checked by fits: cannot happen */
        }
        m->need += m->pc[i].arg < 0 ? m->pc[i].len : m->vlen[m->pc[i].arg];
    }
    return 0;
}

/* Copies the message M prepared to AT (m->need bytes); returns the end. */
static char *msg_put(const msg_parts *m, char *at)
{
    int i;
    for (i = 0; i < m->np; i++) {
        const piece *p = &m->pc[i];
        at = p->arg < 0 ? put(at, p->lit, p->len)
                        : put(at, m->val[p->arg], m->vlen[p->arg]);
    }
    return at;
}

/* Formats the message of record X in LANG (NULL: English) into OUT, NUL
 * ended (msg_prepare). */
static int format_message(bytes *out, const decoded *x, const diag_lang *lang,
                          tcache *tc)
{
    msg_parts m;
    if (msg_prepare(&m, x, lang, tc) < 0)
        return -1;
    out->n = 0;
    if (bytes_room(out, m.need + 1) < 0) {
        msg_done(&m);
        return -1;
    }
    out->n = (size_t)((unsigned char *)msg_put(&m, (char *)out->v) - out->v);
    out->v[out->n++] = 0;
    msg_done(&m);
    return 0;
}

/* The length of S, a string that lives as long as the reading (a file
 * name, a rule, a word of the text form), through TC when it has room. */
static size_t str_len(tcache *tc, const char *s)
{
    size_t i;
    if (!tc)
        return strlen(s);
    for (i = 0; i < tc->nlen; i++)
        if (tc->len[i].s == s)
            return tc->len[i].len;
    if (tc->nlen == TC_LENS)
        return strlen(s);
    tc->len[tc->nlen].s = s;
    return tc->len[tc->nlen++].len = strlen(s);
}

/* Measures F's two frames into TC (once per reading). 0, or -1 when a
 * piece names an argument the frame has not (diag_text_form_check lets
 * none through): then each line measures its frame itself. */
static int measure_frames(tcache *tc, const diag_text_form *f)
{
    int w, i;
    tc->form = NULL;
    for (w = 0; w < 2; w++) {
        const diag_frame_piece *pc = w ? f->whole_pc : f->at_pc;
        int np = w ? f->whole_np : f->at_np, nargs = w ? 4 : 6;
        tc->frame_lit[w] = 0;
        memset(tc->frame_uses[w], 0, sizeof tc->frame_uses[w]);
        for (i = 0; i < np; i++) {
            if (pc[i].lit)
                tc->frame_lit[w] += pc[i].len;
            else if (pc[i].arg < 0 || pc[i].arg >= nargs ||
                     tc->frame_uses[w][pc[i].arg] == 255)
                return -1;
            else
                tc->frame_uses[w][pc[i].arg]++;
        }
    }
    tc->form = f;
    return 0;
}

/* Appends to OUT the text line of record X, its message in LANG: what
 * diag_append_text_in appends with F, and a newline, the message made in
 * its place rather than made first and copied. 0, or -1 on no memory. */
static int text_line(buf_t *out, const decoded *x, const diag_lang *lang,
                     tcache *tc, const diag_text_form *f)
{
    const diag *d = &x->d;
    const char *sev = d->severity == DIAG_WARNING ? f->warning : f->error;
    const diag_frame_piece *pc = d->line ? f->at_pc : f->whole_pc;
    int np = d->line ? f->at_np : f->whole_np, i;
    /* the frame's arguments: file, line, col, severity, message, rule;
     * or (no line) file, severity, message, rule */
    int nargs = d->line ? 6 : 4, msg = d->line ? 4 : 2;
    const char *val[6];
    size_t len[6] = {0}, need = 1; /* {0}: the analyzer cannot tell
                                     * that every one used is set */
    char num[2][12], *at;
    msg_parts m;

    if (msg_prepare(&m, x, lang, tc) < 0)
        return -1;
    val[0] = d->file;
    len[0] = str_len(tc, d->file);
    val[nargs - 3] = sev;
    len[nargs - 3] = str_len(tc, sev);
    val[msg] = NULL;
    len[msg] = m.need;
    val[nargs - 1] = d->rule;
    len[nargs - 1] = str_len(tc, d->rule);
    if (d->line) {
        unsigned v[2] = {d->line, d->col};
        for (i = 0; i < 2; i++) {
            char *q = put_uint(num[i] + sizeof num[i], v[i]);
            val[1 + i] = q;
            len[1 + i] = (size_t)(num[i] + sizeof num[i] - q);
        }
    }
    if (tc && tc->form != f && measure_frames(tc, f) < 0)
        tc = NULL;
    if (tc) {
        int w = !d->line;
        need += tc->frame_lit[w];
        for (i = 0; i < nargs; i++)
            need += tc->frame_uses[w][i] * len[i];
    } else {
        for (i = 0; i < np; i++) {
            if (!pc[i].lit && (pc[i].arg < 0 || pc[i].arg >= nargs)) {
                msg_done(&m);
                return -1; /* diag_text_form_check let none through */
            }
            need += pc[i].lit ? pc[i].len : len[pc[i].arg];
        }
    }
    if (!(at = buf_extend(out, need))) {
        msg_done(&m);
        return -1;
    }
    for (i = 0; i < np; i++) {
        if (pc[i].lit)
            at = put(at, pc[i].lit, pc[i].len);
        else if (pc[i].arg == msg)
            at = msg_put(&m, at);
        else
            at = put(at, val[pc[i].arg], len[pc[i].arg]);
    }
    *at = '\n';
    msg_done(&m);
    return 0;
}

/* Decodes record R into X (strings point into R); the message is left
 * for need_msg. */
static void decode(const char *file, const unsigned char *r, decoded *x)
{
    static const size_t off[N_IDS] = {
        offsetof(diag, community), offsetof(diag, household),
        offsetof(diag, visit), offsetof(diag, item), offsetof(diag, cadre)};
    const unsigned char *p = r + 4;
    const char *fmt;
    unsigned mask, flags, i;

    memset(&x->d, 0, sizeof x->d);
    x->d.file = (char *)file;
    memcpy(&x->d.line, p, 4);
    memcpy(&x->d.col, p + 4, 4);
    x->d.severity = p[8] ? DIAG_WARNING : DIAG_ERROR;
    mask = p[9];
    flags = p[10];
    p += 12;
    memcpy(&x->d.rule, p, sizeof x->d.rule);
    memcpy(&fmt, p + sizeof x->d.rule, sizeof fmt);
    p += 2 * sizeof(char *);
    for (i = 0; i < N_IDS; i++)
        if (mask & (1u << i)) {
            uint32_t n;
            memcpy(&n, p, 4);
            *(char **)((char *)&x->d + off[i]) = (char *)p + 4;
            p += 4 + (size_t)n + 1;
        }
    x->fmt = fmt;
    x->plural = NULL;
    x->n = 0;
    if (flags & REC_PLURAL) {
        memcpy(&x->plural, p, sizeof x->plural);
        memcpy(&x->n, p + sizeof x->plural, 8);
        p += sizeof x->plural + 8;
    }
    x->args = p;
    x->oom = 0;
}

/* Makes X's message, once. 0, or -1 on no memory (and x->oom set). */
static int need_msg(decoded *x)
{
    if (x->d.message)
        return 0;
    if (format_message(&x->msg, x, NULL, NULL) < 0) {
        x->oom = 1;
        return -1;
    }
    x->d.message = (char *)x->msg.v;
    return 0;
}

/* Order of X and Y: line, col, rule, and only on a tie the messages
 * (made then). A message that cannot be made sets ->oom (checked by the
 * callers) and compares equal. */
static int cmp_decoded(decoded *x, decoded *y)
{
    int c;
    if (x->d.line != y->d.line)
        return x->d.line < y->d.line ? -1 : 1;
    if (x->d.col != y->d.col)
        return x->d.col < y->d.col ? -1 : 1;
    if ((c = strcmp(x->d.rule, y->d.rule)))
        return c;
    if (need_msg(x) < 0 || need_msg(y) < 0)
        return 0;
    return strcmp(x->d.message, y->d.message);
}

diag_store *diag_store_new(const char *file, size_t spill)
{
    diag_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = -1;
    s->spill = spill ? spill : SPILL_DEFAULT;
    if (!(s->file = strdup(file ? file : ""))) {
        free(s);
        return NULL;
    }
    return s;
}

void diag_store_free(diag_store *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    free(s->file);
    free(s->mem.v);
    free(s->runs);
    free(s->last.v);
    free(s->scratch.v);
    free(s->counts);
    free(s);
}

error_code diag_store_error(const diag_store *s)
{
    return s->err;
}

static error_code fail(diag_store *s, error_code e)
{
    if (s->err == ERR_OK)
        s->err = e;
    return e;
}

/* Writes the bytes in memory to the temporary file (made on first use). */
static error_code flush_mem(diag_store *s)
{
    size_t done = 0;
    if (s->fd < 0 && (s->fd = output_scratch_file("findings")) < 0)
        return fail(s, errno == ENOMEM ? ERR_NOMEM : ERR_WRITE);
    if (s->last_in_mem) {
        /* the next group is compared with it */
        const unsigned char *r = s->mem.v + s->last_at;
        s->last.n = 0;
        if (bytes_add(&s->last, r, rec_size(r)) < 0)
            return fail(s, ERR_NOMEM);
        s->last_in_mem = 0;
    }
    while (done < s->mem.n) {
        ssize_t w = pwrite(s->fd, s->mem.v + done, s->mem.n - done,
                           (off_t)(s->flushed + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fail(s, errno == ENOSPC ? ERR_NOSPACE : ERR_WRITE);
        done += (size_t)w;
    }
    s->flushed += s->mem.n;
    s->mem.n = s->gstart = 0;
    return ERR_OK;
}

static error_code count(diag_store *s, const unsigned char *r)
{
    const char *rule;
    size_t i;
    memcpy(&rule, r + 16, sizeof rule);
    /* by address first (a rule's id is one static string), then by text */
    for (i = 0; i < s->ncounts && s->counts[i].rule != rule; i++)
        ;
    if (i == s->ncounts)
        for (i = 0; i < s->ncounts && strcmp(s->counts[i].rule, rule); i++)
            ;
    if (i == s->ncounts) {
        if (GROW(s->counts, s->ncounts + 1, s->capcounts) != ERR_OK)
            return fail(s, ERR_NOMEM);
        s->counts[s->ncounts].rule = rule;
        s->counts[s->ncounts].n[0] = s->counts[s->ncounts].n[1] = 0;
        s->ncounts++;
    }
    s->counts[i].n[r[12] ? 1 : 0]++;
    return ERR_OK;
}

/* The record appended last: in memory, or kept in LAST when the memory
 * has been written to the file since (flush_mem). */
static const unsigned char *last_record(const diag_store *s)
{
    return s->last_in_mem ? s->mem.v + s->last_at : s->last.v;
}

void diag_store_begin(diag_store *s)
{
    s->in_group = 1;
}

typedef struct {
    size_t off;
    decoded x;
} sort_item;

/* Groups of up to so many records are sorted on the stack. */
#define GROUP_SMALL 8

static int cmp_item(const void *a, const void *b)
{
    /* the items are ours: a message made while sorting is kept */
    sort_item *x = (sort_item *)a, *y = (sort_item *)b;
    int c = cmp_decoded(&x->x, &y->x);
    if (c)
        return c;
    return x->off < y->off ? -1 : x->off > y->off; /* stable */
}

/* Whether record R, the group's first once sorted, starts a new run: it
 * does not follow the record appended last. Their line, col and rule
 * decide most often, read from the records; the messages are made only on
 * a tie. -1 on no memory. */
static int starts_run(diag_store *s, const unsigned char *r)
{
    const unsigned char *l;
    decoded x, y;
    uint32_t a, b;
    const char *ra, *rb;
    int c, bad;
    if (!s->nruns)
        return 1;
    l = last_record(s);
    memcpy(&a, r + 4, 4);
    memcpy(&b, l + 4, 4);
    if (a != b)
        return a < b;
    memcpy(&a, r + 8, 4);
    memcpy(&b, l + 8, 4);
    if (a != b)
        return a < b;
    memcpy(&ra, r + 16, sizeof ra);
    memcpy(&rb, l + 16, sizeof rb);
    if (ra != rb && (c = strcmp(ra, rb)))
        return c < 0;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    decode(s->file, r, &x);
    decode(s->file, l, &y);
    c = cmp_decoded(&x, &y);
    bad = x.oom || y.oom;
    free(x.msg.v);
    free(y.msg.v);
    return bad ? -1 : c < 0;
}

/* The group's records, [gstart, mem.n) of the memory, were written there
 * by add: they are sorted in place (moved only when out of order), the
 * group starts a run unless it follows the last record, and the memory
 * goes to the file once past the spill size. */
error_code diag_store_end(diag_store *s)
{
    size_t n = 0, i, j, off, len = s->mem.n - s->gstart;
    unsigned char *g;
    sort_item small[GROUP_SMALL], *v = small;
    error_code rc = ERR_OK;
    size_t last_off = 0;
    int moved = 0, nr = 0;

    s->in_group = 0;
    if (!len)
        return s->err; /* mem.v may still be NULL: no offset from it */
    g = s->mem.v + s->gstart;
    if (s->err != ERR_OK) {
        rc = s->err;
        goto drop;
    }
    for (off = 0; off < len; off += rec_size(g + off))
        n++;
    if (n == 1) {
        /* one finding (most groups): nothing to sort */
        if ((nr = starts_run(s, g)) < 0) {
            rc = fail(s, ERR_NOMEM);
            goto drop;
        }
        last_off = 0;
        goto keep;
    }
    /* a household's few findings: on the stack, sorted by insertion */
    if (n > GROUP_SMALL && !(v = calloc(n, sizeof *v))) {
        rc = fail(s, ERR_NOMEM);
        goto drop;
    }
    for (i = 0, off = 0; i < n; i++, off += rec_size(g + off)) {
        v[i].off = off;
        v[i].x.msg = (bytes){0};
        v[i].x.out = (bytes){0};
        decode(s->file, g + off, &v[i].x);
    }
    if (n > GROUP_SMALL) {
        qsort(v, n, sizeof *v, cmp_item);
    } else {
        for (i = 1; i < n; i++) {
            sort_item t = v[i];
            for (j = i; j > 0 && cmp_item(&v[j - 1], &t) > 0; j--)
                v[j] = v[j - 1];
            v[j] = t;
        }
    }
    for (i = 0; i < n; i++) {
        if (v[i].x.oom) {
            rc = fail(s, ERR_NOMEM);
            goto done;
        }
        moved |=
            v[i].off != (i ? v[i - 1].off + rec_size(g + v[i - 1].off) : 0);
    }
    /* sorted, each record follows the one before: only the first may
     * start a run */
    if ((nr = starts_run(s, g + v[0].off)) < 0) {
        rc = fail(s, ERR_NOMEM);
        goto done;
    }
    last_off = v[n - 1].off;
    if (moved) {
        /* the group put in order through a copy */
        s->scratch.n = 0;
        if (bytes_add(&s->scratch, g, len) < 0) {
            rc = fail(s, ERR_NOMEM);
            goto done;
        }
        for (i = 0, off = 0; i < n; i++) {
            size_t r = rec_size(s->scratch.v + v[i].off);
            memcpy(g + off, s->scratch.v + v[i].off, r);
            last_off = off;
            off += r;
        }
    }
done:
    for (i = 0; i < n; i++)
        free(v[i].x.msg.v);
    if (v != small)
        free(v);
keep:
    if (rc == ERR_OK && nr) {
        if (GROW(s->runs, s->nruns + 1, s->capruns) != ERR_OK)
            rc = fail(s, ERR_NOMEM);
        else
            s->runs[s->nruns++] = s->flushed + s->gstart;
    }
    if (rc == ERR_OK)
        s->last_at = s->gstart + last_off;
drop:
    if (rc != ERR_OK) {
        s->mem.n = s->gstart; /* the group is not kept */
        return rc;
    }
    s->last_in_mem = 1;
    s->gstart = s->mem.n;
    if (s->mem.n >= s->spill)
        return flush_mem(s);
    return ERR_OK;
}

/* The arguments FMT takes (parse_fmt), through S's cache: NULL when FMT
 * breaks diag.h's rules; *N their number. */
static const conv *fmt_spec(diag_store *s, const char *fmt, int *n)
{
    struct fmt_seen *e;
    size_t i;
    for (i = 0; i < s->nfmts; i++)
        if (s->fmts[i].fmt == fmt) {
            *n = s->fmts[i].n;
            return s->fmts[i].spec;
        }
    i = s->nfmts < STORE_FMTS ? s->nfmts++ : s->next_fmt++ % STORE_FMTS;
    e = &s->fmts[i];
    e->fmt = fmt;
    if ((e->n = parse_fmt(fmt, e->spec)) < 0) {
        e->fmt = NULL; /* not kept: it is refused every time */
        return NULL;
    }
    *n = e->n;
    return e->spec;
}

/* Puts the string S of LEN bytes at P as the record holds it (u32 length,
 * the bytes, a NUL); returns the end. */
static unsigned char *put_str(unsigned char *p, const char *s, size_t len)
{
    uint32_t l = (uint32_t)len;
    memcpy(p, &l, 4);
    put((char *)p + 4, s, len);
    p[4 + len] = 0;
    return p + 4 + len + 1;
}

/* Records D with FMT (and PLURAL for N, when not NULL) and the
 * arguments AP: measured first (the arguments gathered), then written
 * into one reservation. */
static error_code add(diag_store *s, const diag *d, const char *fmt,
                      const char *plural, uint64_t n, va_list ap)
{
    const char *ids[N_IDS] = {d->community, d->household, d->visit, d->item,
                              d->cadre};
    const char *rule = d->rule ? d->rule : "schema";
    const conv *spec;
    const char *sv[MAX_ARGS];
    size_t idlen[N_IDS], slen[MAX_ARGS], need = REC_MIN;
    uint64_t nv[MAX_ARGS];
    uint32_t size;
    unsigned char sm[4] = {0}, *p;
    int i, nargs;
    bytes *b = &s->mem;

    if (s->err != ERR_OK)
        return s->err;
    if (!(spec = fmt_spec(s, fmt, &nargs)))
        return fail(s, ERR_INTERNAL);
    sm[0] = d->severity == DIAG_WARNING;
    for (i = 0; i < N_IDS; i++)
        if (ids[i]) {
            sm[1] |= (unsigned char)(1u << i);
            idlen[i] = strlen(ids[i]);
            need += 4 + idlen[i] + 1;
        }
    sm[2] = plural ? REC_PLURAL : 0;
    if (plural)
        need += sizeof plural + 8;
    /* in the order of their numbers: the order of the call's arguments */
    for (i = 0; i < nargs; i++) {
        char c = spec[i].c, len = spec[i].len;
        if (c == 's') {
            const char *v = va_arg(ap, const char *);
            sv[i] = v ? v : "(null)";
            slen[i] = strlen(sv[i]);
            need += 4 + slen[i] + 1;
            continue;
        }
        if (c == 'd') {
            /* 'l' and 'z' are one type on Linux, not everywhere */
            /* NOLINTBEGIN(bugprone-branch-clone) */
            int64_t v = len == 'l'   ? (int64_t)va_arg(ap, long)
                        : len == 'z' ? (int64_t)va_arg(ap, ssize_t)
                                     : (int64_t)va_arg(ap, int);
            memcpy(&nv[i], &v, 8);
        } else {
            nv[i] = len == 'l'   ? (uint64_t)va_arg(ap, unsigned long)
                    : len == 'z' ? (uint64_t)va_arg(ap, size_t)
                                 : (uint64_t)va_arg(ap, unsigned);
            /* NOLINTEND(bugprone-branch-clone) */
        }
        need += 8;
    }
    if (need > UINT32_MAX || bytes_room(b, need) < 0)
        return fail(s, need > UINT32_MAX ? ERR_INTERNAL : ERR_NOMEM);
    p = b->v + b->n;
    size = (uint32_t)need;
    memcpy(p, &size, 4);
    memcpy(p + 4, &d->line, 4);
    memcpy(p + 8, &d->col, 4);
    memcpy(p + 12, sm, 4);
    memcpy(p + 16, &rule, sizeof rule);
    memcpy(p + 16 + sizeof rule, &fmt, sizeof fmt);
    p += REC_MIN;
    for (i = 0; i < N_IDS; i++)
        if (ids[i])
            p = put_str(p, ids[i], idlen[i]);
    if (plural) {
        memcpy(p, &plural, sizeof plural);
        memcpy(p + sizeof plural, &n, 8);
        p += sizeof plural + 8;
    }
    for (i = 0; i < nargs; i++) {
        if (spec[i].c == 's') {
            p = put_str(p, sv[i], slen[i]);
        } else {
            memcpy(p, &nv[i], 8);
            p += 8;
        }
    }
    b->n += need;
    {
        error_code rc = count(s, b->v + b->n - need);
        if (rc != ERR_OK)
            return rc;
    }
    return s->in_group ? ERR_OK : diag_store_end(s);
}

error_code diag_store_vadd(diag_store *s, const diag *d, const char *fmt,
                           va_list ap)
{
    return add(s, d, fmt, NULL, 0, ap);
}

error_code diag_store_vaddn(diag_store *s, const diag *d, const char *singular,
                            const char *plural, unsigned long n, va_list ap)
{
    conv a[MAX_ARGS], b[MAX_ARGS];
    int na = parse_fmt(singular, a), nb = parse_fmt(plural, b), i;
    if (na < 0 || na != nb)
        return fail(s, ERR_INTERNAL);
    for (i = 0; i < na; i++)
        if (a[i].c != b[i].c || a[i].len != b[i].len)
            return fail(s, ERR_INTERNAL);
    return add(s, d, singular, plural, n, ap);
}

static error_code store_addf(diag_store *s, const diag *d, const char *fmt, ...)
{
    va_list ap;
    error_code rc;
    va_start(ap, fmt);
    rc = diag_store_vadd(s, d, fmt, ap);
    va_end(ap);
    return rc;
}

error_code diag_store_add(diag_store *s, const diag *d)
{
    return store_addf(s, d, "%s", d->message ? d->message : "");
}

size_t diag_store_count(const diag_store *s, const char *rule, int sev)
{
    size_t i;
    for (i = 0; i < s->ncounts; i++)
        if (!strcmp(s->counts[i].rule, rule))
            return sev < 0 ? s->counts[i].n[0] + s->counts[i].n[1]
                           : s->counts[i].n[sev ? 1 : 0];
    return 0;
}

size_t diag_store_total(const diag_store *s, int sev)
{
    size_t i, n = 0;
    for (i = 0; i < s->ncounts; i++)
        n += sev < 0 ? s->counts[i].n[0] + s->counts[i].n[1]
                     : s->counts[i].n[sev ? 1 : 0];
    return n;
}

/* A reading position in one run. */
typedef struct {
    const diag_store *s;
    uint64_t at, end;  /* next record, end of the run */
    bytes chunk;       /* bytes read from the file... */
    uint64_t chunk_at; /* ...starting at this offset */
    decoded x;
    int live;
} cursor;

/* Loads the record at C->at and decodes it. */
static error_code load(const diag_store *s, cursor *c)
{
    unsigned char head[4];
    const unsigned char *src;
    uint32_t n;

    c->live = c->at < c->end;
    if (!c->live)
        return ERR_OK;
    if (c->at >= s->flushed) {
        src = s->mem.v + (c->at - s->flushed);
        n = rec_size(src);
    } else {
        /* from the file, through a chunk of READ_CHUNK bytes */
        if (!c->chunk.n || c->at < c->chunk_at ||
            c->at + 4 > c->chunk_at + c->chunk.n ||
            c->at + rec_size(c->chunk.v + (c->at - c->chunk_at)) >
                c->chunk_at + c->chunk.n) {
            size_t want = READ_CHUNK;
            ssize_t got;
            if (pread(s->fd, head, 4, (off_t)c->at) != 4)
                return ERR_READ;
            memcpy(&n, head, 4);
            if (want < n)
                want = n;
            if (want > s->flushed - c->at)
                want = (size_t)(s->flushed - c->at);
            c->chunk.n = 0;
            if (bytes_room(&c->chunk, want) < 0)
                return ERR_NOMEM;
            got = pread(s->fd, c->chunk.v, want, (off_t)c->at);
            if (got < 0 || (size_t)got < n)
                return ERR_READ;
            c->chunk.n = (size_t)got;
            c->chunk_at = c->at;
        }
        src = c->chunk.v + (c->at - c->chunk_at);
        n = rec_size(src);
    }
    if (n < REC_MIN)
        return ERR_READ;   /* not a record: the file was changed under us */
    c->x.d.message = NULL; /* the message of the record before is stale */
    /* decoded where it lies: the memory does not change while read, the
     * chunk not before this cursor's next record */
    decode(s->file, src, &c->x);
    c->at += n;
    return ERR_OK;
}

/* What one reading hands out: to FN (one reader), or to FN2 (two: the
 * second in LANG2). */
typedef struct {
    const diag_lang *lang, *lang2;
    diag_want_fn want;
    diag_fn fn;
    diag_fn2 fn2;
    void *ud;
    /* diag_store_print_of: FN called, then a text line appended to OUT */
    const diag_text_form *form;
    buf_t *out;
} reading;

/* Hands out the record X as R says: its message made in each language
 * asked for (once when they are one), OUT2 for the second. */
static error_code hand_out(const reading *r, decoded *x, tcache *tc,
                           tcache *tc2, bytes *out2)
{
    diag d = x->d, d2 = x->d;
    int wanted = 1;
    if (r->want) {
        /* a diagnostic the reader does not want costs no message */
        d.message = NULL;
        wanted = r->want(r->ud, &d);
    }
    if (!wanted && r->fn)
        return ERR_OK;
    if (r->form) {
        error_code rc = r->fn(r->ud, &d); /* its message NULL */
        if (rc == ERR_OK && text_line(r->out, x, r->lang, tc, r->form) < 0)
            rc = ERR_NOMEM;
        return rc;
    }
    if (wanted) {
        if (format_message(&x->out, x, r->lang, tc) < 0)
            return ERR_NOMEM;
        d.message = (char *)x->out.v;
    }
    if (r->fn)
        return r->fn(r->ud, &d);
    if (!r->fn2)
        return ERR_INTERNAL; /* neither reader: cannot happen */
    if (wanted && r->lang2 == r->lang)
        return r->fn2(r->ud, &d, &d);
    if (format_message(out2, x, r->lang2, tc2) < 0)
        return ERR_NOMEM;
    d2.message = (char *)out2->v;
    return r->fn2(r->ud, wanted ? &d : NULL, &d2);
}

static error_code each_of(const diag_store *const *v, size_t n,
                          const reading *r)
{
    cursor *c = NULL;
    tcache *tc, *tc2 = NULL;
    bytes out2 = {0};
    size_t i, k, nc = 0, best;
    error_code rc = ERR_OK;

    for (k = 0; k < n; k++)
        nc += v[k] ? v[k]->nruns : 0;
    if (!nc)
        return ERR_OK;
    if (!(c = calloc(nc, sizeof *c)))
        return ERR_NOMEM;
    /* no cache (no memory) is only slower */
    if ((tc = calloc(1, sizeof *tc)))
        tc->lang = r->lang;
    if (r->fn2 && r->lang2 != r->lang && (tc2 = calloc(1, sizeof *tc2)))
        tc2->lang = r->lang2;
    for (k = 0, nc = 0; k < n; k++)
        for (i = 0; v[k] && i < v[k]->nruns; i++, nc++) {
            const diag_store *s = v[k];
            c[nc].s = s;
            c[nc].at = s->runs[i];
            c[nc].end =
                i + 1 < s->nruns ? s->runs[i + 1] : s->flushed + s->mem.n;
            if (rc == ERR_OK)
                rc = load(s, &c[nc]);
        }
    while (rc == ERR_OK) {
        /* few runs: the smallest by a scan */
        best = nc;
        for (i = 0; i < nc; i++)
            if (c[i].live &&
                (best == nc || cmp_decoded(&c[i].x, &c[best].x) < 0))
                best = i;
        if (best == nc)
            break;
        for (i = 0; i < nc; i++)
            if (c[i].x.oom)
                rc = ERR_NOMEM;
        if (rc != ERR_OK)
            break;
        rc = hand_out(r, &c[best].x, tc, tc2, &out2);
        if (rc == ERR_OK)
            rc = load(c[best].s, &c[best]);
    }
    for (i = 0; i < nc; i++) {
        free(c[i].chunk.v);
        free(c[i].x.msg.v);
        free(c[i].x.out.v);
    }
    free(c);
    free(out2.v);
    tcache_free(tc);
    tcache_free(tc2);
    return rc;
}

error_code diag_store_each_of(const diag_store *const *v, size_t n,
                              const diag_lang *lang, diag_fn fn, void *ud)
{
    return diag_store_each_of_if(v, n, lang, NULL, fn, ud);
}

error_code diag_store_each_of_if(const diag_store *const *v, size_t n,
                                 const diag_lang *lang, diag_want_fn want,
                                 diag_fn fn, void *ud)
{
    reading r = {lang, NULL, want, fn, NULL, ud, NULL, NULL};
    return each_of(v, n, &r);
}

error_code diag_store_print_of(const diag_store *const *v, size_t n,
                               const diag_lang *lang, diag_want_fn want,
                               const diag_text_form *f, buf_t *out,
                               diag_fn before, void *ud)
{
    reading r = {lang, NULL, want, before, NULL, ud, f, out};
    return each_of(v, n, &r);
}

error_code diag_store_each2_of(const diag_store *const *v, size_t n,
                               const diag_lang *lang, const diag_lang *lang2,
                               diag_want_fn want, diag_fn2 fn, void *ud)
{
    reading r = {lang, lang2, want, NULL, fn, ud, NULL, NULL};
    return each_of(v, n, &r);
}

error_code diag_store_each(const diag_store *s, const diag_lang *lang,
                           diag_fn fn, void *ud)
{
    return diag_store_each_of(&s, 1, lang, fn, ud);
}

static error_code to_list(void *ud, const diag *d)
{
    return diag_list_add(ud, d);
}

error_code diag_store_drain(diag_store *s, diag_list *out)
{
    error_code rc = diag_store_each(s, NULL, to_list, out);
    if (rc != ERR_OK)
        return rc;
    if (s->fd >= 0 && ftruncate(s->fd, 0) < 0)
        return fail(s, ERR_WRITE);
    s->flushed = 0;
    s->mem.n = s->gstart = 0;
    s->nruns = 0;
    s->last.n = 0;
    s->last_in_mem = 0;
    s->ncounts = 0;
    return ERR_OK;
}
