/*
 * buf.c — see buf.h.
 *
 * Growth: to at least the need, and by half again of the old capacity,
 * so appending one byte at a time costs amortised O(1). The only realloc
 * of canvass is here. A failed buf_t keeps its text until buf_free or
 * buf_detach, so a caller that never checks still frees it.
 */
#define _DEFAULT_SOURCE 1 /* madvise */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

error_code buf_grow_array(void *ptr, size_t elem, size_t n, size_t *cap)
{
    void *old, *grown;
    size_t want;

    if (n <= *cap)
        return ERR_OK;
    want = *cap + *cap / 2;
    if (want < n)
        want = n;
    if (want < 8)
        want = 8;
    if (elem && want > SIZE_MAX / elem) {
        if (n > SIZE_MAX / elem)
            return ERR_NOMEM;
        want = n;
    }
    memcpy(&old, ptr, sizeof old);
    if (!(grown = realloc(old, want * elem)))
        return ERR_NOMEM;
    memcpy(ptr, &grown, sizeof grown);
    *cap = want;
    return ERR_OK;
}

/* buf_alloc_huge's memory, zero-filled with ZERO (else as it comes: a
 * reservation filled as it is used is not touched before, which on a
 * virtual machine costs about 2 ms a MB, and it is rounded up to 2 MiB). */
static void *alloc_huge(size_t len, int zero)
{
    const size_t huge = (size_t)2 << 20;
    void *p;
    if (len < huge / 2)
        return zero ? calloc(1, len ? len : 1) : malloc(len ? len : 1);
    if (len > SIZE_MAX - huge)
        return NULL;
    len = (len + huge - 1) & ~(huge - 1);
    if (!(p = aligned_alloc(huge, len)))
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE); /* advice: fine if refused */
#endif
    if (zero)
        memset(p, 0, len);
    return p;
}

void *buf_alloc_huge(size_t len)
{
    return alloc_huge(len, 1);
}

error_code buf_reserve_huge(void *ptr, size_t elem, size_t n, size_t *cap)
{
    void *old, *p;
    if (n <= *cap)
        return ERR_OK;
    if (!elem || n > SIZE_MAX / elem || !(p = alloc_huge(n * elem, 0)))
        return ERR_NOMEM;
    memcpy(&old, ptr, sizeof old);
    if (*cap)
        memcpy(p, old, *cap * elem);
    free(old);
    memcpy(ptr, &p, sizeof p);
    *cap = n;
    return ERR_OK;
}

/* Room for N more bytes and the NUL; 0, or -1 (B failed). */
static int room(buf_t *b, size_t n)
{
    if (b->oom)
        return -1;
    if (n > SIZE_MAX - b->len - 1 ||
        GROW(b->s, b->len + n + 1, b->cap) != ERR_OK || !b->s) {
        b->oom = 1;
        return -1;
    }
    return 0;
}

void buf_add(buf_t *b, const char *s, size_t n)
{
    if (room(b, n) < 0)
        return;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

char *buf_extend(buf_t *b, size_t n)
{
    char *at;
    if (room(b, n) < 0)
        return NULL;
    at = b->s + b->len;
    b->len += n;
    b->s[b->len] = '\0';
    return at;
}

void buf_puts(buf_t *b, const char *s)
{
    if (s)
        buf_add(b, s, strlen(s));
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (room(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_xml(buf_t *b, const char *s, int attr)
{
    const char *run = s;

    if (!s)
        return;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        case '\t':
            rep = attr ? "&#9;" : NULL;
            break;
        case '\n':
            rep = attr ? "&#10;" : NULL;
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        buf_add(b, run, (size_t)(s - run));
        buf_puts(b, rep);
        run = s + 1;
    }
    buf_add(b, run, (size_t)(s - run));
}

void buf_truncate(buf_t *b, size_t len)
{
    if (b->s && len < b->len) {
        b->len = len;
        b->s[len] = '\0';
    }
}

const char *buf_str(const buf_t *b)
{
    return b->s && !b->oom ? b->s : "";
}

error_code buf_error(const buf_t *b)
{
    return b->oom ? ERR_NOMEM : ERR_OK;
}

char *buf_detach(buf_t *b)
{
    char *s;
    if (!b->oom && !b->s)
        buf_add(b, "", 0);
    if (b->oom) {
        buf_free(b);
        return NULL;
    }
    s = b->s;
    memset(b, 0, sizeof *b);
    return s;
}

void buf_free(buf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}
