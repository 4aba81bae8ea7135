/*
 * batch.c — see batch.h.
 *
 * Threads take the next register index from a shared counter under a
 * mutex; each writes only its own batch_reg slot, so results need no
 * further locking and come out in path order whatever the scheduling.
 * libxml2 keeps its error state per thread; every error we care about
 * arrives through the per-context handlers the reader installs.
 */
#include "batch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const batch_opts *o;
    batch_t *b;
    audit_reg **audits;
    diag_list *lists; /* per register */
    pthread_mutex_t lock;
    size_t next;
    int oom;
} shared;

typedef struct {
    shared *s;
    size_t i;
    tally_t *t;
    audit_reg *a;
} job;

static int on_head(void *ud, const rd_head *h)
{
    job *j = ud;
    batch_reg *r = &j->s->b->regs[j->i];
    const rd_campaign *c = &h->campaign;
    if (!r->community && h->community.code &&
        !(r->community = strdup(h->community.code)))
        return -1;
    if (!r->campaign[0] && c->id &&
        (!(r->campaign[0] = strdup(c->id)) ||
         !(r->campaign[1] = strdup(c->title ? c->title : "")) ||
         !(r->campaign[2] = strdup(c->start_s ? c->start_s : "")) ||
         !(r->campaign[3] = strdup(c->end_s ? c->end_s : "")) ||
         !(r->campaign[4] = strdup(c->reported_s ? c->reported_s : ""))))
        return -1;
    return tally_head(j->t, h) || audit_head(j->a, h);
}

static int on_household(void *ud, const rd_household *h)
{
    job *j = ud;
    return tally_household(j->t, h) || audit_household(j->a, h);
}

static int on_section(void *ud, const rd_section *s)
{
    job *j = ud;
    return tally_section(j->t, s);
}

static int on_diag(void *ud, const diag *d)
{
    job *j = ud;
    return diag_list_add(&j->s->lists[j->i], d) != ERR_OK;
}

static const reader_callbacks callbacks = {on_head, on_household, on_section,
                                           on_diag};

static void *worker(void *arg)
{
    shared *s = arg;
    reader_t *rd = reader_new(s->o->schema, s->o->vocab);
    if (!rd) {
        s->oom = 1;
        return NULL;
    }
    reader_set_stop(rd, s->o->stop);
    for (;;) {
        job j = {0};
        batch_reg *r;
        error_code rc;

        pthread_mutex_lock(&s->lock);
        j.i = s->next++;
        pthread_mutex_unlock(&s->lock);
        if (j.i >= s->b->n || s->oom || (s->o->stop && *s->o->stop))
            break;
        r = &s->b->regs[j.i];
        j.s = s;
        j.t = tally_new(s->o->vocab);
        j.a = audit_reg_new(s->o->audit, s->o->vocab, r->path);
        if (!j.t || !j.a) {
            tally_free(j.t);
            audit_reg_free(j.a);
            s->oom = 1;
            break;
        }
        rc = reader_read(rd, r->path, &callbacks, &j, &r->rr);
        if (rc == ERR_NOMEM) {
            s->oom = 1;
        } else if (rc != ERR_OK) {
            r->io = rc;
        }
        if (rc == ERR_OK && r->rr.valid) {
            /* end-of-register rules; findings join the schema ones */
            if (audit_reg_finish(j.a, &s->lists[j.i]) != ERR_OK)
                s->oom = 1;
            r->tally = j.t;
            s->audits[j.i] = j.a;
        } else {
            tally_free(j.t);
            audit_reg_free(j.a);
        }
    }
    reader_free(rd);
    return NULL;
}

/* Runs the batch-wide rules over the audits VALID (NV of them) and hands
 * each finding to the list (of LISTS) of its register. */
static error_code cross_findings(const batch_t *b, audit_reg **valid, size_t nv,
                                 diag_list *lists)
{
    diag_list cross = {0};
    error_code e;
    size_t i, k;

    if ((e = audit_batch(valid, nv, &cross)) != ERR_OK) {
        diag_list_clear(&cross);
        return e;
    }
    for (k = 0; k < cross.n && e == ERR_OK; k++)
        for (i = 0; i < b->n; i++)
            if (!strcmp(cross.v[k].file, b->regs[i].path)) {
                e = diag_list_add(&lists[i], &cross.v[k]);
                break;
            }
    diag_list_clear(&cross);
    return e;
}

/* Settles register R with its findings LIST: errors, warnings, inclusion,
 * the tally's counts of findings; the findings move to B's list. */
static error_code settle(batch_t *b, batch_reg *r, diag_list *list,
                         const batch_opts *o)
{
    size_t k;
    for (k = 0; k < list->n; k++) {
        const diag *d = &list->v[k];
        int rule = vocab_index(o->rvocab, "rule", d->rule);
        if (d->severity == DIAG_ERROR)
            r->errors++;
        else
            r->warnings++;
        if (r->tally && rule >= 0)
            tally_finding(r->tally, rule, d->severity);
    }
    /* errors beyond those listed (the reader caps its list) */
    if (r->rr.errors > list->n)
        r->errors += r->rr.errors - (unsigned)list->n;
    r->included = r->io == ERR_OK && r->rr.valid && !r->errors;
    if (!r->included) {
        tally_free(r->tally);
        r->tally = NULL;
    }
    b->io_failed |= r->io != ERR_OK;
    b->errors += r->errors;
    b->warnings += r->warnings;
    return diag_list_take(&b->diags, list);
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

batch_t *batch_run(const char *const *paths, size_t n, const batch_opts *o,
                   error_code *rc)
{
    batch_t *b = calloc(1, sizeof *b);
    const char **sorted = NULL;
    shared s;
    pthread_t *th = NULL;
    audit_reg **valid = NULL;
    size_t i, k, nt, nv = 0, nreg = 0;
    long ncpu;

    memset(&s, 0, sizeof s);
    *rc = ERR_NOMEM;
    if (!b || !(sorted = malloc((n ? n : 1) * sizeof *sorted)))
        goto fail;
    memcpy(sorted, paths, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_path);
    if (!(b->regs = calloc(n ? n : 1, sizeof *b->regs)))
        goto fail;
    for (i = 0; i < n; i++) {
        if (i && !strcmp(sorted[i], sorted[i - 1]))
            continue; /* the same file named twice is read once */
        if (!(b->regs[b->n++].path = strdup(sorted[i])))
            goto fail;
    }
    nreg = b->n;
    s.o = o;
    s.b = b;
    if (!(s.audits = calloc(b->n ? b->n : 1, sizeof *s.audits)) ||
        !(s.lists = calloc(b->n ? b->n : 1, sizeof *s.lists)))
        goto fail;
    if (pthread_mutex_init(&s.lock, NULL))
        goto fail;
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nt = o->threads > 0 ? (size_t)o->threads : (size_t)(ncpu > 0 ? ncpu : 1);
    if (nt > b->n)
        nt = b->n ? b->n : 1;
    if (!(th = calloc(nt, sizeof *th)))
        goto fail_lock;
    for (k = 0; k < nt; k++)
        if (pthread_create(&th[k], NULL, worker, &s)) {
            s.oom = 1;
            break;
        }
    while (k--)
        pthread_join(th[k], NULL);
    if (s.oom)
        goto fail_lock;
    if (o->stop && *o->stop) {
        /* what was read is incomplete: say so, and stop here */
        b->interrupted = 1;
        *rc = ERR_INTERRUPTED;
        pthread_mutex_destroy(&s.lock);
        goto done;
    }

    /* batch-wide rules over the valid registers, in path order */
    if (!(valid = calloc(b->n ? b->n : 1, sizeof *valid)))
        goto fail_lock;
    for (i = 0; i < b->n; i++)
        if (s.audits[i])
            valid[nv++] = s.audits[i];
    if (cross_findings(b, valid, nv, s.lists) != ERR_OK)
        goto fail_lock;
    for (i = 0; i < b->n; i++)
        if (settle(b, &b->regs[i], &s.lists[i], o) != ERR_OK)
            goto fail_lock;
    diag_list_sort(&b->diags);
    *rc = ERR_OK;
    pthread_mutex_destroy(&s.lock);
    goto done;

fail_lock:
    pthread_mutex_destroy(&s.lock);
fail:
    batch_free(b);
    b = NULL;
done:
    if (s.audits)
        for (i = 0; i < nreg; i++)
            audit_reg_free(s.audits[i]);
    if (s.lists)
        for (i = 0; i < nreg; i++)
            diag_list_clear(&s.lists[i]);
    free(s.audits);
    free(s.lists);
    free(valid);
    free(th);
    free(sorted);
    return b;
}

void batch_free(batch_t *b)
{
    size_t i, k;
    if (!b)
        return;
    for (i = 0; i < b->n; i++) {
        free(b->regs[i].path);
        free(b->regs[i].community);
        for (k = 0; k < 5; k++)
            free(b->regs[i].campaign[k]);
        tally_free(b->regs[i].tally);
    }
    free(b->regs);
    diag_list_clear(&b->diags);
    free(b);
}
