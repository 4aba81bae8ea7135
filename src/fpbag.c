/*
 * fpbag.c — a bag of fingerprints that names, once filled, those put in
 * it twice or more: the first pass of the duplicate-id check (audit.c:
 * a register's every id, 7.2 million in a 1,000,000-household register).
 *
 * Why a bag and not a hash table. The first pass needs only one answer,
 * at the end of the register: which fingerprints came more than once (the
 * suspects, confirmed exactly by a second pass). A table that answers
 * for each id as it comes must be looked up at a random place for every
 * id, and once it is far bigger than the caches (70 MB at a million
 * households) every look-up waits for memory, even with the slots fetched
 * ahead: about 4% of a dense check of 100,000 households, 8% of a check
 * of a million with the dense rules off. Here putting a fingerprint in is
 * appending it to one of 256 buckets (by its top 8 bits), whose 256 tails
 * stay in the caches; the duplicates are found at the end, bucket by
 * bucket, in a table the size of one bucket (512 KiB at a million
 * households: it stays in the caches too).
 *
 * Layout. Chunks of 127 fingerprints and a header (the bucket's next
 * chunk, how many it holds): 1 KiB each, in one pool known by indexes, not
 * pointers, so that the pool may move when it grows (by GROW, or at once
 * by fpbag_reserve in huge pages: buf_alloc_huge). A bucket is a list of
 * chunks, its head and tail. Memory: 8.06 bytes a fingerprint, and at
 * most one part-filled chunk a bucket (256 KiB); fpbag_dups adds, while
 * it runs, a table of twice the largest bucket (8 bytes a slot).
 */
#include "fpbag.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void fpbag_init(fpbag *b)
{
    memset(b, 0, sizeof *b);
}

void fpbag_free(fpbag *b)
{
    free(b->pool);
    fpbag_init(b);
}

/* A new, empty chunk at the tail of bucket K. 0, or -1 on no memory. */
static int new_chunk(fpbag *b, unsigned k)
{
    uint32_t c;
    if (b->n_chunks >= UINT32_MAX - 1 ||
        GROW(b->pool, b->n_chunks + 1, b->cap_chunks) != ERR_OK)
        return -1;
    c = (uint32_t)++b->n_chunks; /* index + 1 */
    b->pool[c - 1].next = 0;
    b->pool[c - 1].n = 0;
    if (b->tail[k])
        b->pool[b->tail[k] - 1].next = c;
    else
        b->head[k] = c;
    b->tail[k] = c;
    return 0;
}

int fpbag_add(fpbag *b, uint64_t fp)
{
    unsigned k = (unsigned)(fp >> 56);
    fpbag_chunk *c;
    if ((!b->tail[k] || b->pool[b->tail[k] - 1].n == FPBAG_CHUNK) &&
        new_chunk(b, k) < 0)
        return -1;
    c = &b->pool[b->tail[k] - 1];
    c->fp[c->n++] = fp;
    b->count[k]++;
    b->n++;
    return 0;
}

int fpbag_reserve(fpbag *b, size_t n)
{
    /* every chunk full, and one part-filled per bucket */
    size_t chunks = n / FPBAG_CHUNK + FPBAG_BUCKETS;
    if (n > SIZE_MAX / 2 || chunks <= b->cap_chunks)
        return 0;
    return RESERVE_HUGE(b->pool, chunks, b->cap_chunks) == ERR_OK ? 0 : -1;
}

int fpbag_dups(const fpbag *b, int (*dup)(void *ctx, uint64_t fp), void *ctx)
{
    size_t most = 0, cap = 16, mask, i;
    uint64_t *t;
    unsigned k;

    for (k = 0; k < FPBAG_BUCKETS; k++)
        most = b->count[k] > most ? b->count[k] : most;
    if (!most)
        return 0;
    while (cap < 2 * most) /* at most half full */
        cap *= 2;
    if (!(t = malloc(cap * sizeof *t)))
        return -1;
    for (k = 0; k < FPBAG_BUCKETS; k++) {
        uint32_t c;
        if (!b->count[k])
            continue;
        for (cap = 16; cap < 2 * b->count[k];)
            cap *= 2;
        mask = cap - 1;
        memset(t, 0, cap * sizeof *t);
        for (c = b->head[k]; c; c = b->pool[c - 1].next) {
            const fpbag_chunk *ch = &b->pool[c - 1];
            uint32_t j;
            for (j = 0; j < ch->n; j++) {
                uint64_t fp = ch->fp[j];
                /* the low bits: the top 8 are the bucket's */
                for (i = fp & mask; t[i] && t[i] != fp; i = (i + 1) & mask)
                    ;
                if (!t[i]) {
                    t[i] = fp;
                } else if (dup(ctx, fp)) {
                    free(t);
                    return -1;
                }
            }
        }
    }
    free(t);
    return 0;
}
