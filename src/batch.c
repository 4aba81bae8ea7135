/*
 * batch.c — see batch.h.
 *
 * Threads take the next register index from a shared counter under a
 * mutex; each writes only its own batch_reg slot, so results need no
 * further locking and come out in path order whatever the scheduling.
 * libxml2 keeps its error state per thread; every error we care about
 * arrives through the per-context handlers the reader installs.
 *
 * Diagnostics: each register has two diag_stores, what the reader said
 * (schema, io) and the audit's findings; the second is dropped when the
 * register is invalid. Counts by rule come from the stores' counts, never
 * from reading them back; batch_each_diag reads them back in order,
 * register by register (they are in path order), merging the two.
 * A register whose audit suspects duplicate ids (a fingerprint met twice)
 * is read a second time, by the same worker, to confirm them exactly.
 * The batch rules (audit_batcher) take the valid registers in path order:
 * the worker that finishes the register completing a prefix of that order
 * runs them over the prefix's new registers, outside the lock and one
 * worker at a time, while the other workers go on reading; so they add
 * nothing to the wall time but the last register's share. The same
 * worker then hands each of those registers to batch_opts.on_final (the
 * caller prints its findings and writes findings.csv there), in path
 * order, so that writing them out overlaps the reading too. But it stops
 * at a register another worker read while that worker is still reading:
 * that one does it when it finishes its register, or any worker that has
 * no register left to read (batch_due). Otherwise the worker that is
 * behind completes every prefix, writes out the registers the one ahead
 * read as well as its own, and so stays behind: a batch of 8 registers on
 * 2 workers ended with the workers 0.55-0.76 s apart; with each writing
 * out its own, the last register to be read is the only one left after
 * the reading, and the gap is what one register's time leaves.
 * Progress (bytes read, registers done) goes to batch_opts.progress under
 * the lock.
 */
#include "batch.h"
#include "i18n.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const batch_opts *o;
    batch_t *b;
    audit_reg **audits;
    pthread_mutex_t lock;
    size_t next;
    int oom;
    uint64_t bytes; /* read so far, for o->progress */
    size_t done;    /* registers finished */
    /* the batch rules, register by register in path order */
    audit_batcher *batcher;
    unsigned char *finished; /* per register: read (or failed) */
    size_t batched;          /* registers before this one are batched */
    int batching;            /* a worker is batching (under the lock) */
    size_t *reader;          /* per register: the worker that read it */
    unsigned char *reading;  /* per worker: not yet ended */
    error_code batch_rc;     /* the first failure of the batch rules or
                              * of on_final: no register is begun after it */
} shared;

typedef struct {
    shared *s;
    size_t i;
    tally_t *t;
    audit_reg *a;
} job;

typedef struct {
    shared *s;
    size_t id; /* index in s->reading */
} worker_arg;

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
    return diag_store_add(j->s->b->regs[j->i].diags, d) != ERR_OK;
}

static const reader_callbacks callbacks = {on_head, on_household, on_section,
                                           on_diag};

/* The confirming pass (audit_reg_confirm): the audit alone, and no
 * diagnostics (the first pass gave them). */
static int confirm_head(void *ud, const rd_head *h)
{
    return audit_head(((job *)ud)->a, h);
}

static int confirm_household(void *ud, const rd_household *h)
{
    return audit_household(((job *)ud)->a, h);
}

static int confirm_diag(void *ud, const diag *d)
{
    (void)ud;
    (void)d;
    return 0;
}

static const reader_callbacks confirm_callbacks = {
    confirm_head, confirm_household, NULL, confirm_diag};

/* Reads register J again when its audit suspects duplicate ids. The file
 * must be the same as in the first pass (same digest), or it changed
 * while being read: an I/O failure of that register. */
static error_code confirm(reader_t *rd, job *j)
{
    batch_reg *r = &j->s->b->regs[j->i];
    reader_result again;
    error_code rc;
    diag d = {0};
    int suspects = audit_reg_suspects(j->a);

    if (suspects <= 0)
        return suspects < 0 ? ERR_NOMEM : ERR_OK;
    audit_reg_confirm(j->a);
    memset(&again, 0, sizeof again);
    rc = reader_read(rd, r->path, &confirm_callbacks, j, &again);
    if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
        return rc;
    if (rc == ERR_OK && again.valid && again.size == r->rr.size &&
        !strcmp(again.digest, r->rr.digest))
        return ERR_OK;
    d.file = r->path;
    d.severity = DIAG_ERROR;
    d.rule = "io";
    d.message = _("the file changed while it was being read: read it again "
                  "once nothing is writing to it");
    if (diag_store_add(r->diags, &d) != ERR_OK)
        return ERR_NOMEM;
    return ERR_READ;
}

/* Progress: bytes read by any worker, registers done; reported under the
 * lock so that the callback sees consistent figures in order. */
static void progress(shared *s, size_t bytes, size_t done)
{
    pthread_mutex_lock(&s->lock);
    s->bytes += bytes;
    s->done += done;
    s->o->progress(s->o->progress_ud, s->bytes, s->done, s->b->n);
    pthread_mutex_unlock(&s->lock);
}

static void on_bytes(void *ud, size_t n)
{
    progress(ud, n, 0);
}

/* Worker ME batches what it may (see the top): the registers in path
 * order, each once it and every one before it are done, up to the first
 * that another worker still reading has read (unless ME has ended: then
 * any). Under the lock; runs the rules and on_final outside it, one
 * worker at a time. A register left is never left for good: its reader
 * comes back when it finishes its next register or ends, and the check
 * is made under the lock. */
static void batch_due(shared *s, size_t me)
{
    if (!s->batching) {
        s->batching = 1;
        while (s->batched < s->b->n && s->finished[s->batched] &&
               (s->reader[s->batched] == me || !s->reading[me] ||
                !s->reading[s->reader[s->batched]])) {
            size_t k = s->batched;
            audit_reg *a = s->audits[k];
            error_code rc = s->batch_rc;
            pthread_mutex_unlock(&s->lock);
            if (a && rc == ERR_OK)
                rc = audit_batcher_add(s->batcher, a);
            if (rc == ERR_OK && s->o->on_final && !(s->o->stop && *s->o->stop))
                rc = s->o->on_final(s->o->final_ud, s->b, k);
            pthread_mutex_lock(&s->lock);
            if (rc != ERR_OK && s->batch_rc == ERR_OK)
                s->batch_rc = rc;
            s->batched++;
        }
        s->batching = 0;
    }
}

/* Register I, read by worker ME, is done. */
static void finished(shared *s, size_t i, size_t me)
{
    pthread_mutex_lock(&s->lock);
    s->finished[i] = 1;
    s->reader[i] = me;
    batch_due(s, me);
    pthread_mutex_unlock(&s->lock);
}

/* Worker ME ends: what it left for itself is batched now, and what others
 * left for it is anyone's. */
static void worker_ends(shared *s, size_t me)
{
    pthread_mutex_lock(&s->lock);
    s->reading[me] = 0;
    batch_due(s, me);
    pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
    shared *s = ((worker_arg *)arg)->s;
    size_t me = ((worker_arg *)arg)->id;
    reader_t *rd = reader_new(s->o->schema, s->o->vocab);
    if (!rd) {
        s->oom = 1;
        worker_ends(s, me);
        return NULL;
    }
    reader_set_stop(rd, s->o->stop);
    reader_set_digest(rd, s->o->digest);
    if (s->o->progress)
        reader_set_progress(rd, on_bytes, s);
    for (;;) {
        job j = {0};
        batch_reg *r;
        error_code rc;

        pthread_mutex_lock(&s->lock);
        j.i = s->next++;
        rc = s->batch_rc;
        pthread_mutex_unlock(&s->lock);
        if (j.i >= s->b->n || s->oom || rc != ERR_OK ||
            (s->o->stop && *s->o->stop))
            break;
        r = &s->b->regs[j.i];
        j.s = s;
        j.t = tally_new(s->o->vocab);
        r->diags = diag_store_new(r->path, s->o->spill);
        r->found = diag_store_new(r->path, s->o->spill);
        j.a = r->found
                  ? audit_reg_new(s->o->audit, s->o->vocab, r->path, r->found)
                  : NULL;
        if (!j.t || !j.a || !r->diags) {
            tally_free(j.t);
            audit_reg_free(j.a);
            s->oom = 1;
            break;
        }
        rc = reader_read(rd, r->path, &callbacks, &j, &r->rr);
        if (rc == ERR_OK && r->rr.valid)
            rc = confirm(rd, &j);
        if (rc == ERR_OK && r->rr.valid)
            rc = audit_reg_finish(j.a, NULL); /* end-of-register rules */
        if (rc == ERR_OK)
            rc = diag_store_error(r->diags);
        if (rc == ERR_NOMEM || rc == ERR_INTERNAL) {
            s->oom = 1;
        } else if (rc != ERR_OK) {
            r->io = rc; /* unreadable, or a temporary file failed */
        }
        if (rc == ERR_OK && r->rr.valid) {
            r->tally = j.t;
            s->audits[j.i] = j.a;
        } else {
            tally_free(j.t);
            audit_reg_free(j.a);
            diag_store_free(r->found);
            r->found = NULL;
        }
        finished(s, j.i, me);
        if (s->o->progress)
            progress(s, 0, 1);
    }
    reader_free(rd);
    worker_ends(s, me);
    return NULL;
}

/* Settles register R: errors, warnings, inclusion, the tally's counts of
 * findings, all from its stores' counts. A store whose temporary file
 * failed makes R an I/O failure; ERR_NOMEM or ERR_INTERNAL stop the batch. */
static error_code settle(batch_t *b, batch_reg *r, const batch_opts *o)
{
    size_t listed = r->diags ? diag_store_total(r->diags, -1) : 0;
    size_t nr, k;
    const vocab_item *rules = vocab_enum(o->rvocab, "rule", &nr);
    error_code e;

    if (r->found && (e = diag_store_error(r->found)) != ERR_OK) {
        if (e == ERR_NOMEM || e == ERR_INTERNAL)
            return e;
        r->io = e; /* the temporary file failed */
    }
    r->errors =
        (unsigned)(listed +
                   (r->found ? diag_store_total(r->found, DIAG_ERROR) : 0));
    r->warnings =
        r->found ? (unsigned)diag_store_total(r->found, DIAG_WARNING) : 0;
    if (r->tally && r->found)
        for (k = 0; k < nr; k++) {
            size_t ne = diag_store_count(r->found, rules[k].value, DIAG_ERROR),
                   nw =
                       diag_store_count(r->found, rules[k].value, DIAG_WARNING);
            while (ne--)
                tally_finding(r->tally, (int)k, DIAG_ERROR);
            while (nw--)
                tally_finding(r->tally, (int)k, DIAG_WARNING);
        }
    /* errors beyond those listed (the reader caps its list) */
    if (r->rr.errors > listed)
        r->errors += r->rr.errors - (unsigned)listed;
    r->included = r->io == ERR_OK && r->rr.valid && !r->errors;
    if (!r->included) {
        tally_free(r->tally);
        r->tally = NULL;
    }
    b->io_failed |= r->io != ERR_OK;
    b->errors += r->errors;
    b->warnings += r->warnings;
    return ERR_OK;
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
    worker_arg *args = NULL;
    size_t i, k, nt, nreg = 0;
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
        !(s.finished = calloc(b->n ? b->n : 1, 1)) ||
        !(s.reader = calloc(b->n ? b->n : 1, sizeof *s.reader)) ||
        !(s.batcher = audit_batcher_new(o->audit)))
        goto fail;
    if (pthread_mutex_init(&s.lock, NULL))
        goto fail;
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nt = o->threads > 0 ? (size_t)o->threads : (size_t)(ncpu > 0 ? ncpu : 1);
    if (nt > b->n)
        nt = b->n ? b->n : 1;
    if (!(th = calloc(nt, sizeof *th)) || !(args = calloc(nt, sizeof *args)) ||
        !(s.reading = malloc(nt)))
        goto fail_lock;
    memset(s.reading, 1, nt);
    for (k = 0; k < nt; k++) {
        args[k].s = &s;
        args[k].id = k;
        if (pthread_create(&th[k], NULL, worker, &args[k])) {
            size_t never;
            pthread_mutex_lock(&s.lock);
            s.oom = 1;
            for (never = k; never < nt; never++)
                s.reading[never] = 0;
            pthread_mutex_unlock(&s.lock);
            break;
        }
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

    /* the batch rules ran as the registers finished (finished()) */
    if ((*rc = s.batch_rc) != ERR_OK)
        goto fail_lock;
    for (i = 0; i < b->n; i++)
        if ((*rc = settle(b, &b->regs[i], o)) != ERR_OK)
            goto fail_lock;
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
    audit_batcher_free(s.batcher);
    free(s.audits);
    free(s.finished);
    free(s.reader);
    free(s.reading);
    free(args);
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
        diag_store_free(b->regs[i].diags);
        diag_store_free(b->regs[i].found);
    }
    free(b->regs);
    free(b);
}

error_code batch_each_diag(const batch_t *b, const diag_lang *lang, diag_fn fn,
                           void *ud)
{
    return batch_each_diag_if(b, lang, NULL, fn, ud);
}

error_code batch_each_diag_if(const batch_t *b, const diag_lang *lang,
                              diag_want_fn want, diag_fn fn, void *ud)
{
    size_t i;
    error_code rc = ERR_OK;
    /* registers are in path order, and each one's stores in line order */
    for (i = 0; i < b->n && rc == ERR_OK; i++) {
        const diag_store *v[2] = {b->regs[i].diags, b->regs[i].found};
        rc = diag_store_each_of_if(v, 2, lang, want, fn, ud);
    }
    return rc;
}
