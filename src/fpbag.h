/*
 * fpbag.h — a bag of 64-bit fingerprints that, once filled, names those
 * put in it more than once: the first pass of the duplicate-id check
 * (audit.c). See the design note atop fpbag.c.
 */
#ifndef CANVASS_FPBAG_H
#define CANVASS_FPBAG_H
#include <stddef.h>
#include <stdint.h>

#define FPBAG_BUCKETS 256
#define FPBAG_CHUNK 127 /* fingerprints a chunk: with its header, 1 KiB */

typedef struct {
    uint32_t next; /* the bucket's next chunk, index + 1, or 0 */
    uint32_t n;    /* fingerprints in fp */
    uint64_t fp[FPBAG_CHUNK];
} fpbag_chunk;

/* The struct is the caller's (embedded by value); the chunks are the
 * bag's, freed by fpbag_free. */
typedef struct {
    fpbag_chunk *pool; /* every bucket's chunks */
    size_t n_chunks, cap_chunks;
    uint32_t head[FPBAG_BUCKETS], tail[FPBAG_BUCKETS]; /* index + 1, or 0 */
    size_t count[FPBAG_BUCKETS];
    size_t n; /* fingerprints in all */
} fpbag;

/* An empty bag. Allocates nothing. */
void fpbag_init(fpbag *b);
/* Frees the chunks; the bag is empty and may be used again. */
void fpbag_free(fpbag *b);
/* Puts FP (never 0) in the bag. 0, or -1 on no memory (the bag is then
 * as it was). */
int fpbag_add(fpbag *b, uint64_t fp);
/* Makes room for N fingerprints in all at once, in huge pages, so that
 * filling the bag up to that many grows nothing. 0, or -1 on no memory
 * (the bag is then unchanged and still grows as before). */
int fpbag_reserve(fpbag *b, size_t n);
/* Calls DUP(CTX, FP) for each fingerprint put in the bag more than once:
 * once for its second putting, once for its third, and so on, in no
 * particular order. 0; -1 on no memory or when DUP returned non-zero (it
 * is then called no more). The bag is left as it was. */
int fpbag_dups(const fpbag *b, int (*dup)(void *ctx, uint64_t fp), void *ctx);
#endif
