/*
 * catalog.c — one message catalogue (a gettext .mo file), read directly.
 *
 * The documents follow --lang whatever the locale (issue 10): a Chinese
 * workbook under LANG=C, an English one under LANG=zh_CN.UTF-8. gettext
 * answers in the locale's language only, and the locale of a document's
 * language may not even be generated on the machine; so main.c loads the
 * catalogue of --lang with this module and formats the documents'
 * messages through it (diag_lang), while the terminal keeps gettext.
 *
 * The .mo format (GNU gettext manual, "The Format of GNU MO Files"): a
 * header of 32-bit words in the file's byte order (magic 0x950412de),
 * the number of strings N, the offsets of the table of originals and of
 * translations, each N (length, offset) pairs; originals sorted by
 * strcmp, so a lookup is a binary search. A plural entry's original is
 * "singular\0plural", its translation the forms joined by NULs; a
 * context's original is "context\004msgid". Every offset and length is
 * checked against the file's size when it is loaded, and every string must
 * end with a NUL inside the file: a damaged file is refused, never read
 * out of bounds.
 *
 * Plural forms: the header's Plural-Forms is not evaluated (that is a C
 * expression). A catalogue with nplurals=1 (Chinese, Japanese...) uses its
 * one form; any other uses the first form for n = 1 and the second
 * otherwise (English and most European languages). canvass ships zh_CN.
 *
 * Immutable once loaded: safe to read from any number of threads.
 */
#include "catalog.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

#define MO_MAGIC 0x950412deu
#define MO_MAX ((size_t)64 << 20) /* far above any catalogue of ours */

struct catalog {
    unsigned char *data; /* the whole file */
    size_t size;
    uint32_t n;       /* strings */
    uint32_t orig;    /* offset of the originals table */
    uint32_t trans;   /* offset of the translations table */
    int swap;         /* the file's byte order is not ours */
    unsigned nplural; /* nplurals of the header (1 or more) */
};

static uint32_t word(const catalog_t *c, size_t off)
{
    uint32_t w;
    memcpy(&w, c->data + off, 4);
    if (c->swap)
        w = (w >> 24) | ((w >> 8) & 0xff00u) | ((w << 8) & 0xff0000u) |
            (w << 24);
    return w;
}

/* String I of the table at TABLE: its bytes, *LEN set. */
static const char *string_at(const catalog_t *c, uint32_t table, uint32_t i,
                             uint32_t *len)
{
    *len = word(c, (size_t)table + 8 * (size_t)i);
    return (const char *)c->data + word(c, (size_t)table + 8 * (size_t)i + 4);
}

/* Whether every (length, offset) of TABLE lies in the file, NUL-ended. */
static int table_ok(const catalog_t *c, uint32_t table)
{
    uint32_t i;
    if ((size_t)table + 8 * (size_t)c->n > c->size)
        return 0;
    for (i = 0; i < c->n; i++) {
        uint32_t len = word(c, (size_t)table + 8 * (size_t)i);
        uint32_t off = word(c, (size_t)table + 8 * (size_t)i + 4);
        if ((size_t)off + len >= c->size || c->data[(size_t)off + len])
            return 0;
    }
    return 1;
}

/* The index of the original KEY (compared up to its first NUL), or -1. */
static long find(const catalog_t *c, const char *key)
{
    uint32_t lo = 0, hi = c->n, len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(key, string_at(c, c->orig, mid, &len));
        if (!cmp)
            return (long)mid;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* nplurals=K of the header (the translation of ""), 2 when not said. */
static unsigned header_nplurals(const catalog_t *c)
{
    uint32_t len;
    long i = find(c, "");
    const char *h, *p;
    if (i < 0)
        return 2;
    h = string_at(c, c->trans, (uint32_t)i, &len);
    if (!(p = strstr(h, "nplurals=")))
        return 2;
    p += strlen("nplurals=");
    return *p >= '1' && *p <= '9' ? (unsigned)(*p - '0') : 2;
}

error_code catalog_load(const char *path, catalog_t **out, char **msg)
{
    catalog_t *c = NULL;
    FILE *f = NULL;
    struct stat st;
    uint32_t magic;
    error_code e;

    *out = NULL;
    if (!(f = fopen(path, "rb"))) {
        e = error_set(msg, ERR_OPEN,
                      _("%s: cannot open the message catalogue: %s"), path,
                      strerror(errno));
        goto fail;
    }
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size < 28 ||
        (size_t)st.st_size > MO_MAX) {
        e = error_set(msg, ERR_INVALID,
                      _("%s: not a message catalogue (.mo file)"), path);
        goto fail;
    }
    if (!(c = calloc(1, sizeof *c)) ||
        !(c->data = malloc((size_t)st.st_size + 1))) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    c->size = (size_t)st.st_size;
    if (fread(c->data, 1, c->size, f) != c->size) {
        e = error_set(
            msg, ERR_READ, _("%s: cannot read the message catalogue: %s"), path,
            ferror(f) ? strerror(errno) : _("it is shorter than it was"));
        goto fail;
    }
    c->data[c->size] = 0;
    memcpy(&magic, c->data, 4);
    c->swap = magic != MO_MAGIC;
    if (word(c, 0) != MO_MAGIC || (word(c, 4) >> 16) != 0) {
        e = error_set(msg, ERR_INVALID,
                      _("%s: not a message catalogue (.mo file)"), path);
        goto fail;
    }
    c->n = word(c, 8);
    c->orig = word(c, 12);
    c->trans = word(c, 16);
    if (c->n > c->size / 16 || !table_ok(c, c->orig) ||
        !table_ok(c, c->trans)) {
        e = error_set(msg, ERR_INVALID,
                      _("%s: the message catalogue is damaged; reinstall "
                        "canvass"),
                      path);
        goto fail;
    }
    c->nplural = header_nplurals(c);
    fclose(f);
    *out = c;
    return ERR_OK;
fail:
    if (f)
        fclose(f);
    catalog_free(c);
    return e;
}

void catalog_free(catalog_t *c)
{
    if (!c)
        return;
    free(c->data);
    free(c);
}

const char *catalog_text(const catalog_t *c, const char *msgid)
{
    uint32_t len;
    long i;
    const char *t;
    if (!c || !msgid || !*msgid || (i = find(c, msgid)) < 0)
        return msgid;
    t = string_at(c, c->trans, (uint32_t)i, &len);
    return *t ? t : msgid;
}

const char *catalog_plural(const catalog_t *c, const char *singular,
                           const char *plural, unsigned long n)
{
    uint32_t len;
    unsigned form = c && c->nplural == 1 ? 0 : n != 1;
    const char *t, *end;
    long i;
    if (!c || (i = find(c, singular)) < 0)
        return n == 1 ? singular : plural;
    t = string_at(c, c->trans, (uint32_t)i, &len);
    end = t + len;
    /* the forms are joined by NULs: skip FORM of them */
    for (; form && t < end; form--)
        t += strlen(t) + 1;
    return t < end && *t ? t : (n == 1 ? singular : plural);
}
