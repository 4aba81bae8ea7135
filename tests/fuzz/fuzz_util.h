/*
 * fuzz_util.h — what the libFuzzer targets (fuzz_register.c, fuzz_return.c)
 * share: aborting with a reason, schema paths, writing an input to its
 * memfd, and the one-line-of-UTF-8 contract of every message. Each target
 * defines FUZZ_NAME before including it. Static functions: each target is
 * one translation unit.
 */
#ifndef CANVASS_FUZZ_UTIL_H
#define CANVASS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, const char *detail)
{
    fprintf(stderr, FUZZ_NAME ": %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

static char *schema_path(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);
    if (!p)
        die("no memory", NULL);
    snprintf(p, n, "%s/%s", dir, file);
    return p;
}

static void put(int fd, const uint8_t *d, size_t n)
{
    size_t off = 0;
    if (ftruncate(fd, 0) < 0)
        die("ftruncate failed", NULL);
    while (off < n) {
        ssize_t w = pwrite(fd, d + off, n - off, (off_t)off);
        if (w <= 0)
            die("pwrite failed", NULL);
        off += (size_t)w;
    }
}

/* 1 if S[0..N) is valid UTF-8 (no overlongs, no surrogates). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], k, cp, j;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            k = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= k)
            return 0;
        for (j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void check_text(const char *what, const char *s)
{
    if (!s)
        return;
    if (strchr(s, '\n') || strchr(s, '\r'))
        die("a diagnostic spans lines", what);
    if (!utf8_ok((const unsigned char *)s, strlen(s)))
        die("a diagnostic is not valid UTF-8", what);
}

#endif
