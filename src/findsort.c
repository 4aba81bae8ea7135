/*
 * findsort.c — an external sort of diagnostics, for merge.
 *
 * Why: merge lists the findings its inputs list, in diag_list_sort's
 * order over all of them, and that list grows with the communities merged
 * (at most --max-findings per rule and community: 2,356 for a dense
 * 10,000-household community). Held as a diag_list it cost about 0.9 MB a
 * dense community, 180 MB for 200 of them. Here memory holds at most a
 * budget of records (16 MiB by default), and a reading buffer per run.
 *
 * How. A diagnostic is copied into a record appended to one buffer:
 *
 *   u32 size (the whole record), u32 line, u32 col, u8 severity,
 *   u8 mask (bit k: the k-th id is present, NULL otherwise),
 *   then file, rule, message and the five ids (community, household,
 *   visit, item, cadre), each NUL-terminated ("" when absent).
 *
 * When the buffer passes the budget its records are sorted (an array of
 * decoded views, qsort with diag_cmp) and written in that order to an
 * unlinked temporary file in $TMPDIR, as a run; the buffer starts again.
 * findsort_each sorts what is still in memory; with no run written it
 * hands those out, else it writes them as the last run and merges the
 * runs: each run is read through a 32 KiB window (grown for a record that
 * does not fit), its next record decoded where it lies, and the runs are
 * kept in a binary heap by their next record. diag_cmp is a total order
 * (equal records are equal in every field handed out), so the sequence is
 * the one qsort of the whole list gives, whatever the runs.
 *
 * Memory: the budget, the views of the records in memory (80 bytes
 * each), and 32 KiB a run (a run holds the budget's worth of records:
 * 200 dense communities make about 35 runs).
 */
#include "findsort.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "output.h"

#define BUDGET_DEFAULT ((size_t)16 << 20)
#define WINDOW ((size_t)32 << 10)
#define HEAD 14 /* size, line, col, severity, mask */
#define NIDS 5

typedef struct {
    unsigned char *v;
    size_t n, cap;
} bytes;

/* Writes the records in memory, sorted, as a run; the buffer starts
 * again (defined below, with the reading). */
struct findsort;
static error_code spill(struct findsort *s);

typedef struct {
    off_t start, end; /* the run's bytes in the file */
    off_t at;         /* the next byte to read into the window */
    bytes win;        /* the window */
    size_t pos;       /* the next record in the window */
    diag d;           /* that record, decoded */
} run;

struct findsort {
    size_t budget;
    bytes mem;    /* records not yet in a run */
    size_t *offs; /* where each begins */
    size_t n_mem, cap_offs;
    size_t count;  /* every record added */
    int fd;        /* the runs, -1 until the first */
    off_t flushed; /* their bytes */
    off_t *starts; /* where each run begins */
    size_t nruns, cap_runs;
    int reading;    /* findsort_each was called: no more adds */
    error_code err; /* sticky */
};

findsort_t *findsort_new(size_t budget)
{
    findsort_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->budget = budget ? budget : BUDGET_DEFAULT;
    s->fd = -1;
    return s;
}

void findsort_free(findsort_t *s)
{
    if (!s)
        return;
    free(s->mem.v);
    free(s->offs);
    free(s->starts);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

size_t findsort_count(const findsort_t *s)
{
    return s->count;
}

size_t findsort_runs(const findsort_t *s)
{
    return s->nruns;
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* D's views of the record at P (N bytes, whole). 0, or -1 when it is not
 * one (a truncated file). */
static int decode(const unsigned char *p, size_t n, diag *d)
{
    const char *q = (const char *)p + HEAD, *end = (const char *)p + n;
    char **ids[NIDS];
    unsigned mask;
    size_t k;

    if (n < HEAD + 8 || get32(p) != n || end[-1] != '\0')
        return -1;
    memset(d, 0, sizeof *d);
    d->line = get32(p + 4);
    d->col = get32(p + 8);
    d->severity = (diag_severity)p[12];
    mask = p[13];
    ids[0] = &d->community, ids[1] = &d->household, ids[2] = &d->visit;
    ids[3] = &d->item, ids[4] = &d->cadre;
    d->file = (char *)q;
    q += strlen(q) + 1;
    if (q >= end)
        return -1;
    d->rule = (char *)q;
    q += strlen(q) + 1;
    if (q >= end)
        return -1;
    d->message = (char *)q;
    q += strlen(q) + 1;
    for (k = 0; k < NIDS; k++) {
        if (q >= end)
            return -1;
        *ids[k] = mask & (1u << k) ? (char *)q : NULL;
        q += strlen(q) + 1;
    }
    return q == end ? 0 : -1;
}

error_code findsort_add(findsort_t *s, const diag *d)
{
    const char *str[3 + NIDS] = {d->file ? d->file : "",
                                 d->rule ? d->rule : "schema",
                                 d->message ? d->message : "",
                                 d->community,
                                 d->household,
                                 d->visit,
                                 d->item,
                                 d->cadre};
    size_t len[3 + NIDS], n = HEAD, k;
    unsigned mask = 0;
    unsigned char *p;

    if (s->err != ERR_OK)
        return s->err;
    if (s->reading)
        return s->err = ERR_INTERNAL;
    for (k = 0; k < 3 + NIDS; k++) {
        len[k] = str[k] ? strlen(str[k]) : 0;
        if (k >= 3 && str[k])
            mask |= 1u << (k - 3);
        n += len[k] + 1;
    }
    if (n > UINT32_MAX || GROW(s->mem.v, s->mem.n + n, s->mem.cap) != ERR_OK ||
        GROW(s->offs, s->n_mem + 1, s->cap_offs) != ERR_OK)
        return s->err = ERR_NOMEM;
    p = s->mem.v + s->mem.n;
    put32(p, (uint32_t)n);
    put32(p + 4, d->line);
    put32(p + 8, d->col);
    p[12] = (unsigned char)d->severity;
    p[13] = (unsigned char)mask;
    p += HEAD;
    for (k = 0; k < 3 + NIDS; k++) {
        if (len[k])
            memcpy(p, str[k], len[k]);
        p[len[k]] = '\0';
        p += len[k] + 1;
    }
    s->offs[s->n_mem++] = s->mem.n;
    s->mem.n += n;
    s->count++;
    return s->mem.n >= s->budget ? spill(s) : ERR_OK;
}

static int cmp_views(const void *a, const void *b)
{
    return diag_cmp(a, b);
}

/* The records in memory as sorted views (malloc'd, *N of them; the
 * views point into s->mem). NULL with *N 0 when there are none or on no
 * memory (s->err says). */
static diag *sorted_views(findsort_t *s, size_t *n)
{
    diag *v;
    size_t i;
    *n = 0;
    if (!s->n_mem)
        return NULL;
    if (!(v = malloc(s->n_mem * sizeof *v))) {
        s->err = ERR_NOMEM;
        return NULL;
    }
    for (i = 0; i < s->n_mem; i++) {
        size_t at = s->offs[i];
        (void)decode(s->mem.v + at, get32(s->mem.v + at), &v[i]);
    }
    qsort(v, s->n_mem, sizeof *v, cmp_views);
    *n = s->n_mem;
    return v;
}

/* The file's bytes at AT: N of them from P. 0, or -1 (s->err set). */
static int put_file(findsort_t *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t w = pwrite(s->fd, b, n, s->flushed);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            s->err =
                errno == ENOSPC || errno == EDQUOT ? ERR_NOSPACE : ERR_WRITE;
            return -1;
        }
        b += w;
        n -= (size_t)w;
        s->flushed += w;
    }
    return 0;
}

static error_code spill(findsort_t *s)
{
    diag *v;
    size_t n, i;
    bytes out = {0};

    if (!s->n_mem)
        return ERR_OK;
    if (s->fd < 0 && (s->fd = output_scratch_file("merge")) < 0)
        return s->err = errno == ENOMEM ? ERR_NOMEM : ERR_WRITE;
    if (GROW(s->starts, s->nruns + 1, s->cap_runs) != ERR_OK)
        return s->err = ERR_NOMEM;
    if (!(v = sorted_views(s, &n)))
        return s->err;
    s->starts[s->nruns] = s->flushed;
    /* in sorted order, through a window-sized buffer */
    for (i = 0; i < n && s->err == ERR_OK; i++) {
        const unsigned char *r = (const unsigned char *)v[i].file - HEAD;
        size_t sz = get32(r);
        if (out.n + sz > WINDOW && out.n) {
            if (put_file(s, out.v, out.n) < 0)
                break;
            out.n = 0;
        }
        if (GROW(out.v, out.n + sz, out.cap) != ERR_OK) {
            s->err = ERR_NOMEM;
            break;
        }
        memcpy(out.v + out.n, r, sz);
        out.n += sz;
    }
    if (s->err == ERR_OK && out.n)
        (void)put_file(s, out.v, out.n);
    free(out.v);
    free(v);
    if (s->err != ERR_OK)
        return s->err;
    s->nruns++;
    s->mem.n = 0;
    s->n_mem = 0;
    return ERR_OK;
}

/* Decodes R's next record into R->d, reading the window on as needed. 1
 * when there is one, 0 at the run's end, -1 on a failed read. */
static int run_next(int fd, run *r)
{
    for (;;) {
        size_t left = r->win.n - r->pos;
        if (left >= 4 && left >= get32(r->win.v + r->pos)) {
            size_t sz = get32(r->win.v + r->pos);
            if (decode(r->win.v + r->pos, sz, &r->d) < 0)
                return -1;
            r->pos += sz;
            return 1;
        }
        if (r->at >= r->end)
            return left ? -1 : 0; /* a cut record: a truncated file */
        /* keep the part-read record, then read on */
        if (left)
            memmove(r->win.v, r->win.v + r->pos, left);
        r->win.n = left;
        r->pos = 0;
        {
            size_t want = WINDOW, got;
            ssize_t k;
            if (left >= 4 && get32(r->win.v) > want)
                want = get32(r->win.v); /* a record bigger than the window */
            if (GROW(r->win.v, left + want, r->win.cap) != ERR_OK)
                return -1;
            if ((off_t)want > r->end - r->at)
                want = (size_t)(r->end - r->at);
            for (got = 0; got < want;) {
                k = pread(fd, r->win.v + left + got, want - got,
                          r->at + (off_t)got);
                if (k < 0 && errno == EINTR)
                    continue;
                if (k <= 0)
                    return -1;
                got += (size_t)k;
            }
            r->win.n = left + got;
            r->at += (off_t)got;
        }
    }
}

/* Sifts heap slot I down (H: run indexes, by their next record). */
static void sift(run *runs, size_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i, t;
        if (l < n && diag_cmp(&runs[h[l]].d, &runs[h[m]].d) < 0)
            m = l;
        if (l + 1 < n && diag_cmp(&runs[h[l + 1]].d, &runs[h[m]].d) < 0)
            m = l + 1;
        if (m == i)
            return;
        t = h[i], h[i] = h[m], h[m] = t;
        i = m;
    }
}

/* Hands FN the records of every run, merged. */
static error_code merge_runs(findsort_t *s, diag_fn fn, void *ud)
{
    run *runs = calloc(s->nruns, sizeof *runs);
    size_t *h = calloc(s->nruns, sizeof *h), n = 0, i;
    error_code e = ERR_OK;

    if (!runs || !h) {
        free(runs);
        free(h);
        return ERR_NOMEM;
    }
    for (i = 0; i < s->nruns && e == ERR_OK; i++) {
        int k;
        runs[i].start = runs[i].at = s->starts[i];
        runs[i].end = i + 1 < s->nruns ? s->starts[i + 1] : s->flushed;
        if ((k = run_next(s->fd, &runs[i])) < 0)
            e = ERR_READ;
        else if (k)
            h[n++] = i;
    }
    for (i = n; e == ERR_OK && i-- > 0;)
        sift(runs, h, n, i);
    while (e == ERR_OK && n) {
        run *r = &runs[h[0]];
        int k;
        if ((e = fn(ud, &r->d)) != ERR_OK)
            break;
        if ((k = run_next(s->fd, r)) < 0)
            e = ERR_READ;
        else if (!k)
            h[0] = h[--n];
        sift(runs, h, n, 0);
    }
    for (i = 0; i < s->nruns; i++)
        free(runs[i].win.v);
    free(runs);
    free(h);
    return e;
}

error_code findsort_each(findsort_t *s, diag_fn fn, void *ud)
{
    diag *v;
    size_t n, i;
    error_code e = ERR_OK;

    if (s->err != ERR_OK)
        return s->err;
    s->reading = 1;
    if (s->nruns) {
        if (s->n_mem && spill(s) != ERR_OK)
            return s->err;
        return merge_runs(s, fn, ud);
    }
    v = sorted_views(s, &n);
    if (!v && s->err != ERR_OK)
        return s->err;
    for (i = 0; i < n && e == ERR_OK; i++)
        e = fn(ud, &v[i]);
    free(v);
    return e;
}
