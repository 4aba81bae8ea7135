/*
 * htab.c — the audit's hash tables: sets of keys kept as 64-bit
 * fingerprints (XXH3-64, from libxxhash: the fast non-cryptographic hash),
 * each with a 32-bit value or none.
 *
 * Layout. 64 open-addressing tables (shards) chosen by the fingerprint's
 * top 6 bits; in a shard, a key's home slot is its low 32 bits scaled to
 * the capacity, and linear probing goes on from there to the first empty
 * slot (fingerprint 0). Each shard grows by half on its own once 85% full,
 * so growing never holds two copies of the whole set and a table stays
 * between 57% and 85% full: 8 bytes a slot is 9.4 to 14 bytes an entry
 * (about 11 on average) in a table without values, 12 bytes a slot 14 to
 * 21 with them. A table whose size is known or can be estimated (the
 * batch's tables, for the first register's households; a register's
 * addresses, once a sixteenth of it is read: audit.c) is sized by htab_reserve: every
 * shard smaller than asked moves, with its entries, into one allocation
 * (buf_alloc_huge: from 1 MiB on, in 2 MiB huge pages, so that a look-up
 * is one memory access, not also a walk of the page tables, and filling
 * the table faults once per 2 MiB); it then takes that many entries
 * without growing and ends about 84% full. A shard that outgrows its part
 * of the block grows on its own as before (its part stays unused until
 * the table is freed or reserved again).
 *
 * Fingerprints only. Keys are not kept: two keys share a fingerprint with
 * probability about n^2/2^65 for n keys. A caller that must tell them
 * apart passes an htab_key that compares the key an entry's value points
 * to; entries with one fingerprint then sit side by side. The suspected
 * ids' table (audit.c) passes none: a fingerprint alone. Tests narrow the fingerprints to a few bits
 * (htab_init's BITS) so that nearly every key collides.
 *
 * Prefetch. A household's address, and the batch's households, are
 * looked up in tables far bigger than the caches; the caller fingerprints
 * the key and asks for its home slot (htab_prefetch) before it does other
 * work, and looks it up after, so that the memory is on its way meanwhile.
 * (A register's ids are not looked up at all: they go into a bag,
 * fpbag.c, that finds the ones met twice at the end.)
 *
 * libxml2's xmlHashTable, tried first, stops growing at 16,384 buckets
 * and mallocs every key (about 190 bytes an id).
 */
#include "htab.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "buf.h"

#define SHARD_MIN 64

void htab_init(htab *h, int bits, int has_val)
{
    memset(h, 0, sizeof *h);
    h->bits = bits > 0 && bits < 64 ? bits : 64;
    h->has_val = has_val;
}

void htab_free(htab *h)
{
    size_t i;
    for (i = 0; i < HTAB_SHARDS; i++)
        if (!h->s[i].in_block) {
            free(h->s[i].fp);
            free(h->s[i].val);
        }
    free(h->block);
    h->block = NULL;
    h->n = 0;
    memset(h->s, 0, sizeof h->s);
}

size_t htab_slots(const htab *h)
{
    size_t i, n = 0;
    for (i = 0; i < HTAB_SHARDS; i++)
        n += h->s[i].cap;
    return n;
}

/* X narrowed to the table's width (tests force collisions with a few
 * bits), never 0 (the empty slot). */
static uint64_t narrow(const htab *h, uint64_t x)
{
    if (h->bits < 64)
        x >>= 64 - h->bits;
    return x ? x : 1;
}

uint64_t htab_fingerprint(const htab *h, const char *k, const char *k2)
{
    uint64_t x = XXH3_64bits(k, strlen(k) + 1);
    if (k2)
        x = XXH3_64bits_withSeed(k2, strlen(k2), x);
    return narrow(h, x);
}

uint64_t htab_fingerprint_bytes(const htab *h, const char *k, const void *p,
                                size_t n)
{
    return narrow(h, XXH3_64bits_withSeed(p, n, XXH3_64bits(k, strlen(k) + 1)));
}

static uint32_t home(const htab_shard *s, uint64_t fp)
{
    /* the low 32 bits scaled to the capacity (any capacity) */
    return (uint32_t)(((uint64_t)(uint32_t)fp * s->cap) >> 32);
}

/* Slot of the entry with FP that KEY accepts in S, or the empty slot where
 * it would go. */
static uint32_t shard_slot(const htab_shard *s, uint64_t fp,
                           const htab_key *key)
{
    uint32_t i = home(s, fp);
    while (s->fp[i] && (s->fp[i] != fp || (key && key->same && s->val &&
                                           !key->same(key->ctx, s->val[i]))))
        i = i + 1 == s->cap ? 0 : i + 1;
    return i;
}

/* A prefetch, not a read: a read of a line not in the caches holds the
 * instructions after it from retiring until it arrives (that read was
 * 3.5% of a dense check). */
void htab_prefetch(const htab *h, uint64_t fp)
{
    const htab_shard *s = &h->s[fp >> 58];
    if (!s->cap)
        return;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    /* GCC 12 deletes a __builtin_prefetch under a condition as dead code */
    __asm__ volatile("prefetcht0 %0" : : "m"(s->fp[home(s, fp)]));
#else
    __builtin_prefetch(&s->fp[home(s, fp)]);
#endif
}

/* S's entries moved into G (zeroed arrays, G->cap slots, as many as S's
 * entries or more), S's own arrays freed, G put in its place. */
static void shard_move(htab_shard *s, htab_shard *g, int has_val)
{
    uint32_t i;
    g->n = s->n;
    for (i = 0; i < s->cap; i++)
        if (s->fp[i]) {
            /* every entry moves to the first empty slot from its home */
            uint32_t j = home(g, s->fp[i]);
            while (g->fp[j])
                j = j + 1 == g->cap ? 0 : j + 1;
            g->fp[j] = s->fp[i];
            if (has_val)
                g->val[j] = s->val[i];
        }
    if (!s->in_block) {
        free(s->fp);
        free(s->val);
    }
    *s = *g;
}

/* S, with its entries, moved into a table of CAP slots of its own. 0, or
 * -1 on no memory (S unchanged). */
static int shard_resize(htab_shard *s, uint32_t cap, int has_val)
{
    htab_shard g;
    g.cap = cap;
    g.in_block = 0;
    g.fp = calloc(g.cap, sizeof *g.fp);
    g.val = has_val ? calloc(g.cap, sizeof *g.val) : NULL;
    if (!g.fp || (has_val && !g.val)) {
        free(g.fp);
        free(g.val);
        return -1;
    }
    shard_move(s, &g, has_val);
    /* the analyzer loses g's arrays in the struct copy into the shard */
    return 0; /* NOLINT(clang-analyzer-unix.Malloc) */
}

/* Does a shard of CAP slots hold N entries under 85% full? */
static int fits(uint64_t n, uint32_t cap)
{
    return cap && n * 20 <= (uint64_t)cap * 17;
}

/* Grows S by half once it is 85% full (by half, not double: the table
 * then stays between 57% and 85% full; linear probing still finds an
 * absent key in a few cache lines at 85%). 0, or -1 on no memory. */
static int shard_room(htab_shard *s, int has_val)
{
    if (fits((uint64_t)s->n + 1, s->cap))
        return 0;
    if (s->cap > UINT32_MAX / 2)
        return -1;
    return shard_resize(s, s->cap ? s->cap + s->cap / 2 : SHARD_MIN, has_val);
}

/* floor(sqrt(X)) */
static uint64_t isqrt(uint64_t x)
{
    uint64_t r = x, y = (x + 1) / 2;
    while (y < r) {
        r = y;
        y = (r + x / r) / 2;
    }
    return r;
}

int htab_reserve(htab *h, size_t n)
{
    /* a shard gets n/64 entries give or take a binomial spread: room for
     * four standard deviations more */
    uint64_t m = (uint64_t)n / HTAB_SHARDS + 1, want = m + 4 * isqrt(m) + 1;
    uint64_t cap = want * 20 / 17 + 1;
    size_t i, moving = 0, slot = h->has_val ? 12 : 8;
    unsigned char *blk, *fp_at, *val_at;

    if (n == 0)
        return 0;
    if (cap < SHARD_MIN)
        cap = SHARD_MIN;
    if (cap > UINT32_MAX / 2)
        return -1;
    /* The shards smaller than that move into one new block. Those in the
     * old block are among them: a block's shards are the smallest (any
     * smaller than it moved in with it, and shards only grow, out of it). */
    for (i = 0; i < HTAB_SHARDS; i++)
        moving += h->s[i].cap < cap;
    if (moving == 0)
        return 0;
    if (cap > SIZE_MAX / slot / moving ||
        !(blk = buf_alloc_huge(moving * slot * (size_t)cap)))
        return -1;
    fp_at = blk; /* the fp arrays, then the val arrays: all aligned */
    val_at = blk + moving * (size_t)cap * sizeof(uint64_t);
    for (i = 0; i < HTAB_SHARDS; i++)
        if (h->s[i].cap < cap) {
            htab_shard g;
            g.cap = (uint32_t)cap;
            g.in_block = 1;
            g.fp = (uint64_t *)(void *)fp_at;
            g.val = h->has_val ? (uint32_t *)(void *)val_at : NULL;
            fp_at += (size_t)cap * sizeof(uint64_t);
            val_at += (size_t)cap * sizeof(uint32_t);
            shard_move(&h->s[i], &g, h->has_val);
        }
    free(h->block); /* nothing is left in it */
    h->block = blk;
    return 0;
}

int htab_find(const htab *h, uint64_t fp, const htab_key *key, uint32_t *val)
{
    const htab_shard *s = &h->s[fp >> 58];
    uint32_t i;
    if (!s->cap)
        return 0;
    i = shard_slot(s, fp, key);
    if (!s->fp[i])
        return 0;
    if (val)
        *val = s->val ? s->val[i] : 1;
    return 1;
}

int htab_find_or_add(htab *h, uint64_t fp, const htab_key *key, uint32_t v,
                     uint32_t *prev)
{
    htab_shard *s = &h->s[fp >> 58];
    uint32_t i;
    *prev = 0;
    if (shard_room(s, h->has_val) < 0)
        return -1;
    i = shard_slot(s, fp, key);
    /* s->val: there when the table has values (h->has_val) */
    if (s->fp[i]) {
        *prev = s->val ? s->val[i] : 1;
        return 0;
    }
    s->fp[i] = fp;
    if (s->val)
        s->val[i] = v;
    s->n++;
    /* the analyzer loses shard_room's arrays in its struct copy */
    h->n++; /* NOLINT(clang-analyzer-unix.Malloc) */
    return 0;
}
