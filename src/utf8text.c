/*
 * utf8text.c — UTF-8 text, fast: validation and lines and columns.
 *
 * Every byte of a UTF-8 register goes through utf8text_valid_prefix and
 * utf8text_advance once. Nearly all of a register is ASCII, skipped
 * sixteen bytes at a time (SSE2: one load and a movemask) or eight (a
 * 64-bit word); the rest is mostly Chinese, three-byte characters checked
 * inline in runs, anything else by the general rules (utf8text_len).
 * Newlines are counted sixteen to a compare, in byte counters summed
 * every 255 blocks (before one could wrap), columns as the characters
 * after the last newline, word-at-a-time. Built with CANVASS_NO_SIMD, the
 * portable paths are used everywhere (test_intake runs both).
 */

#define _GNU_SOURCE 1 /* memrchr */
#include "utf8text.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
#include <emmintrin.h>
#endif

size_t utf8text_bad_len(const unsigned char *p, size_t n)
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

int utf8text_len(const unsigned char *p, size_t n)
{
    size_t bad;
    int need;
    if (p[0] < 0x80)
        return 1;
    need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    bad = utf8text_bad_len(p, n);
    if (bad == (size_t)need)
        return need;
    if (bad == n && p[0] >= 0xC2 && p[0] <= 0xF4)
        return -1;
    return 0;
}

size_t utf8text_valid_prefix(const unsigned char *p, size_t n, int *partial)
{
    size_t i = 0;
    *partial = 0;
    while (i < n) {
        int k;
        /* ASCII sixteen (SSE2) or eight bytes at a time, nearly all of a
         * register, up to the first byte that is not */
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
        while (i + 16 <= n) {
            unsigned bits = (unsigned)_mm_movemask_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
            if (bits) {
                i += (size_t)__builtin_ctz(bits);
                break;
            }
            i += 16;
        }
#endif
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < n && p[i] < 0x80)
            i++;
        /* then a run of other characters: the common case is CJK, E1-EC
         * or EE-EF then two continuation bytes (E0 and ED have narrower
         * second bytes) */
        while (i < n && p[i] >= 0x80) {
            if (i + 3 <= n && p[i] >= 0xE1 && p[i] <= 0xEF && p[i] != 0xED &&
                (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
                i += 3;
                continue;
            }
            k = utf8text_len(p + i, n - i);
            if (k <= 0) {
                *partial = k < 0;
                return i;
            }
            i += (size_t)k;
        }
    }
    return n;
}

/* Newlines, and bytes that begin a character (not 10xxxxxx), in the eight
 * bytes of W: word-at-a-time. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* How many bytes of X have their high bit set (X has no other bits):
 * a multiply, not __builtin_popcountll, which without -mpopcnt is a call
 * into libgcc on every 8 bytes of a register. */
static unsigned high_bits(uint64_t x)
{
    return (unsigned)(((x >> 7) * ONES) >> 56);
}

#if !defined(__SSE2__) || defined(CANVASS_NO_SIMD)
static unsigned count_nl(uint64_t w)
{
    uint64_t t = w ^ (ONES * '\n'), lows = ONES * 0x7F;
    /* 0x80 in each byte of t that is zero, exactly */
    return high_bits(~(((t & lows) + lows) | t | lows));
}
#endif

static unsigned count_chars(uint64_t w)
{
    /* continuation bytes: high bit set, next bit clear */
    return 8u - high_bits(w & HIGHS & ~(w << 1));
}

/* The newlines in P[0..N): every byte of the text goes by here once. */
static size_t newlines(const unsigned char *p, size_t n)
{
    size_t i = 0, nl = 0;
#if defined(__SSE2__) && !defined(CANVASS_NO_SIMD)
    const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        /* each byte of ACC counts (down from 0) up to 255 newlines */
        size_t end = i + ((n - i) / 16 < 255 ? (n - i) / 16 : 255) * 16;
        __m128i acc = zero;
        for (; i < end; i += 16)
            acc = _mm_sub_epi8(
                acc, _mm_cmpeq_epi8(_mm_loadu_si128(
                                        (const __m128i *)(const void *)(p + i)),
                                    lf));
        acc = _mm_sad_epu8(acc, zero);
        nl +=
            (size_t)_mm_cvtsi128_si32(acc) + (size_t)_mm_extract_epi16(acc, 4);
    }
#else
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        nl += count_nl(w);
    }
#endif
    for (; i < n; i++)
        nl += p[i] == '\n';
    return nl;
}

void utf8text_advance(unsigned *line, unsigned *col, const unsigned char *p,
                      size_t n)
{
    size_t i, nl = newlines(p, n), chars = 0, last = 0;
    uint64_t w;
    if (nl) {
        const unsigned char *q = memrchr(p, '\n', n);
        last = (size_t)(q - p) + 1;
        *line += (unsigned)nl;
        *col = 1;
    }
    for (i = last; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        chars += count_chars(w);
    }
    for (; i < n; i++)
        chars += (p[i] & 0xC0) != 0x80;
    *col += (unsigned)chars;
}
