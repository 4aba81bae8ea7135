/*
 * arena.c — see arena.h. Blocks are 64 KiB, or larger for one big request;
 * the newest block is at the head of the list.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK 65536
#define ALIGN 16

struct arena_block {
    arena_block *next;
    size_t size, used;
    _Alignas(ALIGN) unsigned char data[];
};

void *arena_alloc(arena *a, size_t n)
{
    arena_block *b = a->head;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);

    if (need < n) {
        a->failed = 1;
        return NULL;
    }
    if (!b || b->size - b->used < need) {
        size_t size = need > BLOCK ? need : BLOCK;
        arena_block *nb = malloc(sizeof *nb + size);
        if (!nb) {
            a->failed = 1;
            return NULL;
        }
        nb->size = size;
        nb->used = 0;
        if (b && b->used == 0 && b->size < size) {
            /* never used: replace it rather than keep a dead block */
            nb->next = b->next;
            free(b);
        } else {
            nb->next = b;
        }
        a->head = b = nb;
    }
    b->used += need;
    a->total += need;
    return b->data + b->used - need;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n) /* S may be NULL when N is 0: memcpy must not see it */
        memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void arena_reset(arena *a)
{
    arena_block *b = a->head, *next;
    a->failed = 0;
    if (!b)
        return;
    /* keep the oldest block (the last in the list) */
    while (b->next) {
        next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
    a->total = 0;
}

void arena_free(arena *a)
{
    arena_block *b = a->head, *next;
    while (b) {
        next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}
