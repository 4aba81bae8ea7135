/*
 * retwrite.c — see retwrite.h.
 *
 * The layout is libxml2's formatted save (xmlsave.c, XML_SAVE_FORMAT,
 * 2.9.x), for the documents return.c writes — elements holding either
 * child elements or one text, never both:
 *
 *   - the declaration <?xml version="1.0" encoding="UTF-8"?> and a line
 *     break, then the root, then a line break;
 *   - an element at depth D (the root 0) starts on its own line indented
 *     by 2 x min(D, 30) spaces (libxml2's indent string is 60 spaces);
 *   - the root's namespace declaration comes before its attributes;
 *   - an element without content is <el .../>; one with children ends
 *     its start tag with ">" and a line break, and its end tag is indented
 *     as its start; one with text has it inline, <el ...>text</el>;
 *   - attribute values escape & < > " and tab, line feed, carriage return
 *     as character references; text escapes & < > and carriage return
 *     (buf_xml, which escapes just so); UTF-8 is written as it is (the
 *     save is to UTF-8).
 *
 * tests/unit/test_retwrite.c holds this to libxml2's own save of the same
 * tree; the golden and merge tests hold the returns to their bytes.
 *
 * The bytes go into one buf_t, filled here a reservation per attribute
 * rather than a call per piece (a merged return has half a million
 * attributes); a value with a byte to escape goes through buf_xml.
 *
 * The open elements are a stack of frames: the element's name, the offset
 * where its next attribute goes (the end of its attributes) and whether it
 * has children or text yet. An attribute given after the start tag was
 * closed is inserted at that offset: the bytes after it move (the tail of
 * one element: findings/@omitted is known after the findings).
 *
 * Streamed (retwrite_stream): a return that lists every finding is
 * hundreds of MB, so once its writer knows no open element takes another
 * attribute it hands the bytes on to a file, a MiB at a time as elements
 * close; the elements open then are sealed (a late attribute for one is a
 * bug). Memory then holds at most a MiB and the element being written.
 */
#include "retwrite.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define INDENT_MAX 30 /* levels libxml2 indents, 2 spaces each */
#define FIRST_CAP ((size_t)64 << 10)
#define STREAM_AT ((size_t)1 << 20) /* bytes held before they are handed on */
#define SEALED SIZE_MAX             /* attr_end of a frame handed on */

enum { EMPTY, CHILDREN, TEXT };

typedef struct {
    const char *name;
    size_t attr_end; /* where the next attribute goes */
    int state;
} frame;

struct retwrite {
    buf_t out;     /* filled here directly: NUL-terminated at the end */
    buf_t scratch; /* an attribute inserted late */
    frame *stack;
    size_t depth, cap;
    int bug;                   /* misuse: text and children mixed, unbalanced */
    FILE *sink;                /* retwrite_stream's, or NULL */
    unsigned long long handed; /* bytes written to the sink */
    int sink_errno;            /* its write failed (out.oom is set too) */
};

/* Bytes that an attribute value (and, but for " tab and line feed, a
 * text) must escape: buf_xml's. */
static const unsigned char special[256] = {
    ['&'] = 1,  ['<'] = 1,  ['>'] = 1,  ['"'] = 1,
    ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

static const char spaces[2 * INDENT_MAX + 1] =
    "                                                            ";

/* Room for N more bytes and a NUL in B; 0, or -1 (B failed). A call per
 * attribute, not per piece of it: half a million attributes in a merged
 * return. */
static int reserve(buf_t *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->cap > b->len && b->cap - b->len > n)
        return 0;
    if (n > SIZE_MAX / 2 - b->len ||
        GROW(b->s, b->len + n + (b->cap ? 1 : FIRST_CAP), b->cap) != ERR_OK) {
        b->oom = 1;
        return -1;
    }
    return 0;
}

static void put(buf_t *b, const char *p, size_t n)
{
    if (reserve(b, n) < 0)
        return;
    memcpy(b->s + b->len, p, n);
    b->len += n;
}

static void puts_(buf_t *b, const char *p)
{
    put(b, p, strlen(p));
}

static void indent(buf_t *b, size_t depth)
{
    put(b, spaces, 2 * (depth < INDENT_MAX ? depth : INDENT_MAX));
}

static frame *push(retwrite_t *w, const char *el)
{
    frame *f;
    if (GROW(w->stack, w->depth + 1, w->cap) != ERR_OK) {
        w->out.oom = 1;
        return NULL;
    }
    f = &w->stack[w->depth++];
    f->name = el;
    f->state = EMPTY;
    f->attr_end = w->out.len;
    return f;
}

retwrite_t *retwrite_new(const char *root, const char *ns)
{
    retwrite_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    puts_(&w->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
    puts_(&w->out, root);
    if (ns) {
        puts_(&w->out, " xmlns=\"");
        puts_(&w->out, ns); /* a namespace name: nothing to escape */
        put(&w->out, "\"", 1);
    }
    if (!push(w, root) || w->out.oom) {
        retwrite_free(w);
        return NULL;
    }
    return w;
}

void retwrite_free(retwrite_t *w)
{
    if (!w)
        return;
    buf_free(&w->out);
    buf_free(&w->scratch);
    free(w->stack);
    free(w);
}

void retwrite_open(retwrite_t *w, const char *el)
{
    frame *parent;
    if (w->out.oom || w->bug)
        return;
    if (!w->depth) {
        w->bug = 1;
        return;
    }
    parent = &w->stack[w->depth - 1];
    if (parent->state == TEXT) {
        w->bug = 1;
        return;
    }
    if (parent->state == EMPTY) {
        put(&w->out, ">\n", 2);
        parent->state = CHILDREN;
    }
    indent(&w->out, w->depth);
    put(&w->out, "<", 1);
    puts_(&w->out, el);
    push(w, el);
}

/* Appends ` NAME="VALUE"` to B, VALUE of N bytes (escaped when it holds a
 * special byte). */
static void attr_bytes(buf_t *b, const char *name, const char *value, size_t n)
{
    size_t nl = strlen(name), i;
    for (i = 0; i < n && !special[(unsigned char)value[i]]; i++)
        ;
    if (reserve(b, nl + n + 4) < 0)
        return;
    b->s[b->len++] = ' ';
    memcpy(b->s + b->len, name, nl);
    b->len += nl;
    b->s[b->len++] = '=';
    b->s[b->len++] = '"';
    if (i == n) {
        memcpy(b->s + b->len, value, n);
        b->len += n;
    } else {
        b->s[b->len] = '\0';
        buf_xml(b, value, 1);
    }
    put(b, "\"", 1);
}

static void put_attr(retwrite_t *w, const char *name, const char *value,
                     size_t n)
{
    frame *f;
    size_t tail;
    if (w->out.oom || w->bug)
        return;
    if (!w->depth) {
        w->bug = 1;
        return;
    }
    f = &w->stack[w->depth - 1];
    if (f->attr_end == SEALED) { /* its start tag was handed on */
        w->bug = 1;
        return;
    }
    if (f->attr_end == w->out.len) { /* the start tag is still open */
        attr_bytes(&w->out, name, value, n);
        f->attr_end = w->out.len;
        return;
    }
    w->scratch.len = 0;
    attr_bytes(&w->scratch, name, value, n);
    if (w->scratch.oom) {
        w->out.oom = 1;
        return;
    }
    tail = w->out.len - f->attr_end;
    put(&w->out, w->scratch.s, w->scratch.len); /* room */
    if (w->out.oom)
        return;
    memmove(w->out.s + f->attr_end + w->scratch.len, w->out.s + f->attr_end,
            tail);
    memcpy(w->out.s + f->attr_end, w->scratch.s, w->scratch.len);
    f->attr_end += w->scratch.len;
}

void retwrite_attr(retwrite_t *w, const char *name, const char *value)
{
    if (value)
        put_attr(w, name, value, strlen(value));
}

void retwrite_count(retwrite_t *w, const char *name, unsigned long long v)
{
    char d[24];
    size_t i = sizeof d;
    do
        d[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i);
    put_attr(w, name, d + i, sizeof d - i);
}

void retwrite_text(retwrite_t *w, const char *text)
{
    frame *f;
    if (!text || w->out.oom || w->bug)
        return;
    f = w->depth ? &w->stack[w->depth - 1] : NULL;
    if (!f || f->state != EMPTY) {
        w->bug = 1;
        return;
    }
    put(&w->out, ">", 1);
    if (reserve(&w->out, 0) == 0) {
        w->out.s[w->out.len] = '\0'; /* buf_xml appends to a string */
        buf_xml(&w->out, text, 0);
    }
    f->state = TEXT;
}

/* Ends the top element and pops it. */
static void end(retwrite_t *w)
{
    frame *f = &w->stack[w->depth - 1];
    if (f->state == EMPTY) {
        put(&w->out, "/>\n", 3);
    } else {
        if (f->state == CHILDREN)
            indent(&w->out, w->depth - 1);
        put(&w->out, "</", 2);
        puts_(&w->out, f->name);
        put(&w->out, ">\n", 2);
    }
    w->depth--;
}

/* Hands the bytes held to the sink (all of them when ALL, else once they
 * reach STREAM_AT) and seals the open elements. */
static void hand_on(retwrite_t *w, int all)
{
    size_t i;
    if (!w->sink || w->out.oom || (!all && w->out.len < STREAM_AT))
        return;
    if (w->out.len && fwrite(w->out.s, 1, w->out.len, w->sink) != w->out.len) {
        w->sink_errno = errno ? errno : EIO;
        w->out.oom = 1; /* every later call is a no-op */
        return;
    }
    w->handed += w->out.len;
    w->out.len = 0;
    for (i = 0; i < w->depth; i++)
        w->stack[i].attr_end = SEALED;
}

void retwrite_close(retwrite_t *w)
{
    if (w->out.oom || w->bug)
        return;
    if (w->depth < 2) { /* the root closes in retwrite_finish */
        w->bug = 1;
        return;
    }
    end(w);
    hand_on(w, 0);
}

void retwrite_stream(retwrite_t *w, FILE *f)
{
    if (w && !w->sink)
        w->sink = f;
}

error_code retwrite_finish(retwrite_t *w, char **xml, size_t *len)
{
    error_code e = ERR_OK;
    *xml = NULL;
    *len = 0;
    if (!w)
        return ERR_NOMEM;
    if (!w->out.oom && !w->bug && w->depth == 1)
        end(w);
    else if (!w->out.oom)
        e = ERR_INTERNAL;
    if (w->sink) { /* the rest handed on too: no bytes to hand back */
        if (e == ERR_OK)
            hand_on(w, 1);
        if (e == ERR_OK && !w->sink_errno && fflush(w->sink))
            w->sink_errno = errno ? errno : EIO;
        if (w->sink_errno) {
            errno = w->sink_errno;
            e = ERR_WRITE;
        } else if (e == ERR_OK && (e = buf_error(&w->out)) == ERR_OK) {
            *len = (size_t)w->handed;
        }
        retwrite_free(w);
        return e;
    }
    if (e == ERR_OK && reserve(&w->out, 0) == 0)
        w->out.s[w->out.len] = '\0';
    if (e == ERR_OK && (e = buf_error(&w->out)) == ERR_OK) {
        *len = w->out.len;
        if (!(*xml = buf_detach(&w->out)))
            e = ERR_NOMEM;
    }
    retwrite_free(w);
    return e;
}
