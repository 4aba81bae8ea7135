/*
 * buf.h — the one growable string and the one growth helper of canvass.
 *
 * buf_t is cmark's strbuf / git's strbuf: append bytes, append printf
 * output, append text escaped for XML, detach the result. Its failure is
 * sticky: once an allocation fails every later call is a no-op and
 * buf_error() says ERR_NOMEM, so a builder can append freely and check
 * once at the end. The text is always NUL-terminated when not empty.
 *
 * GROW(ptr, n, cap) is git's ALLOC_GROW: makes room for N elements in the
 * array PTR of capacity CAP (a size_t, updated), growing by half again at
 * least; overflow is checked once, here. It returns ERR_OK or ERR_NOMEM
 * and leaves PTR and CAP as they were on failure. Every growing array and
 * string of canvass grows through it (`make lint` checks that realloc
 * appears in buf.c only).
 */
#ifndef CANVASS_BUF_H
#define CANVASS_BUF_H

#include <stddef.h>
#include "error.h"

typedef struct {
    char *s;    /* the text (owned); NULL while nothing was added */
    size_t len; /* bytes in s, not counting the NUL */
    size_t cap; /* bytes allocated */
    int oom;    /* an allocation failed: every later call is a no-op */
} buf_t;

#define BUF_INIT                                                               \
    {                                                                          \
        NULL, 0, 0, 0                                                          \
    }

/* Makes room for N elements of ELEM bytes in *(void **)PTR, whose
 * capacity is *CAP elements. Use GROW. */
error_code buf_grow_array(void *ptr, size_t elem, size_t n, size_t *cap);

#define GROW(ptr, n, cap) buf_grow_array(&(ptr), sizeof *(ptr), (n), &(cap))

/* LEN bytes, zero-filled, for a big table looked up at random: from 1 MiB
 * on, aligned to 2 MiB and rounded up to a multiple of it, and the system
 * asked to back it with huge pages (transparent huge pages, where it gives
 * them on request), so that a look-up costs one memory access, not also a
 * walk of the page tables, and filling it faults once per 2 MiB, not per
 * 4 KiB. NULL on no memory. Freed with free(). */
void *buf_alloc_huge(size_t len);

/* Makes room for N elements in the array PTR of capacity CAP at once, in
 * memory as buf_alloc_huge's but not zero-filled past the elements kept:
 * its pages are touched as the array fills (the array keeps growing
 * through GROW after that). Use RESERVE_HUGE. ERR_OK, or ERR_NOMEM with
 * PTR and CAP as they were. */
error_code buf_reserve_huge(void *ptr, size_t elem, size_t n, size_t *cap);

#define RESERVE_HUGE(ptr, n, cap)                                              \
    buf_reserve_huge(&(ptr), sizeof *(ptr), (n), &(cap))

/* Appends N bytes of S. */
void buf_add(buf_t *b, const char *s, size_t n);

/* Makes B N bytes longer and returns where they start, for the caller to
 * fill (the text stays NUL-terminated after them); NULL on failure. */
char *buf_extend(buf_t *b, size_t n);

/* Appends the string S (nothing when S is NULL). */
void buf_puts(buf_t *b, const char *s);

/* Appends printf output. */
void buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends S escaped for XML character data (&, <, >) and, with ATTR, for
 * a double-quoted attribute value too (", and tab, newline, return as
 * character references). */
void buf_xml(buf_t *b, const char *s, int attr);

/* Cuts the text to LEN bytes (no-op when it is shorter). */
void buf_truncate(buf_t *b, size_t len);

/* The text so far, "" when empty; borrowed until the next call. */
const char *buf_str(const buf_t *b);

/* ERR_NOMEM once an allocation failed, else ERR_OK. */
error_code buf_error(const buf_t *b);

/* Hands the text to the caller (malloc'd, "" when empty; caller frees) and
 * leaves B empty; NULL when an allocation failed (B freed too). */
char *buf_detach(buf_t *b);

/* Frees the text and leaves B empty (and usable). */
void buf_free(buf_t *b);

#endif
