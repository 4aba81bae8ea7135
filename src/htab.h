/*
 * htab.h — a growing set of 64-bit fingerprints, each with a 32-bit value
 * or none: the audit's hash tables (ids, cadres, addresses, and the
 * batch's households). See the design note atop htab.c.
 */
#ifndef CANVASS_HTAB_H
#define CANVASS_HTAB_H

#include <stddef.h>
#include <stdint.h>

/* SHARDS open-addressing tables, the shard chosen by the fingerprint's
 * top bits. A slot with fingerprint 0 is empty. Keys that share a
 * fingerprint may sit side by side when the caller tells them apart
 * (htab_key). The struct is the caller's (embedded by value); its arrays
 * are the table's, freed by htab_free. */
#define HTAB_SHARDS 64
typedef struct {
    uint64_t *fp;
    uint32_t *val;   /* NULL in a table without values */
    uint32_t n, cap; /* cap: 0, or at least 64, grown by halves */
    int in_block;    /* fp and val lie in the table's block */
} htab_shard;

typedef struct {
    htab_shard s[HTAB_SHARDS];
    void *block; /* htab_reserve's one allocation for all shards, or NULL */
    size_t n;
    int bits; /* fingerprint width: 64 (fewer only in tests) */
    int has_val;
} htab;

/* Which of the entries sharing a fingerprint is the one looked for: SAME
 * is called with CTX and an entry's value, and says whether that entry
 * holds the key. A NULL SAME (or a NULL htab_key) lets the fingerprint
 * alone decide. */
typedef struct {
    int (*same)(const void *ctx, uint32_t val);
    const void *ctx;
} htab_key;

/* An empty table of fingerprints BITS wide (64 when out of 1..63), with a
 * value per entry when HAS_VAL. Allocates nothing. */
void htab_init(htab *h, int bits, int has_val);
/* Frees the arrays; the table is empty and may be used again. */
void htab_free(htab *h);
/* Sizes the table for N entries in all, so that adding up to that many
 * grows nothing (unless the fingerprints fall very unevenly on the
 * shards): every shard smaller than that moves, with its entries, into one
 * allocation. Nothing is done when N is no more than the table already
 * holds room for. 0, or -1 on no memory (the table is then unchanged and
 * still usable: it grows as before). */
int htab_reserve(htab *h, size_t n);
/* Slots in all shards (for the design note's figures and the tests). */
size_t htab_slots(const htab *h);

/* Fingerprint of K (and K2, or NULL), never 0: XXH3-64 of K with its NUL,
 * then of K2 seeded with that, so ("ab", "c") and ("a", "bc") differ. */
uint64_t htab_fingerprint(const htab *h, const char *k, const char *k2);
/* Fingerprint of K and the N bytes at P. */
uint64_t htab_fingerprint_bytes(const htab *h, const char *k, const void *p,
                                size_t n);

/* Asks the CPU to fetch FP's home slot, for a look-up a little later. */
void htab_prefetch(const htab *h, uint64_t fp);
/* Looks up FP (the entry KEY accepts). 1 when found, with its value in
 * *VAL (when VAL is not NULL; 1 in a table without values); else 0. */
int htab_find(const htab *h, uint64_t fp, const htab_key *key, uint32_t *val);
/* Looks FP (KEY) up and, when absent, adds it with V (non-zero). *PREV
 * gets the value found (1 in a table without values), or 0 when the key
 * was new. 0, or -1 on no memory. */
int htab_find_or_add(htab *h, uint64_t fp, const htab_key *key, uint32_t v,
                     uint32_t *prev);

#endif
