/*
 * names.c — the reader's names, found by pointer (see names.h).
 *
 * Design. The memo is an open-addressed table of SLOTS pointers with the
 * index each stands for (-1: a name not in the list), probed linearly
 * from a multiplicative hash of the address. It is filled only with
 * pointers the parse's dictionary owns (xmlDictOwns): the strings of a
 * dictionary never change or move while it lives, so what a pointer was
 * found to be stays true until names_reset. Any other pointer may be a
 * buffer reused for another string the next time, and is compared as a
 * string every time. At most MEMO_MAX pointers are remembered (half the
 * table, so a probe ends quickly at an empty slot); a register has some
 * forty names, and a file with more than MEMO_MAX distinct ones is not a
 * register (the validator refuses it; until then its new names cost a
 * string compare each).
 *
 * Invariant: every remembered (pointer, index) pair is what a string
 * compare of that pointer against the list gives.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 256 /* a power of two */
#define MEMO_MAX (SLOTS / 2)

typedef struct {
    const xmlChar *key; /* NULL: empty */
    int idx;
} slot;

struct names {
    const char *const *list;
    size_t n;
    xmlDictPtr dict;
    size_t used;
    slot memo[SLOTS];
};

names_t *names_new(const char *const *list, size_t n)
{
    names_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->list = list;
    t->n = n;
    return t;
}

void names_free(names_t *t)
{
    free(t);
}

void names_reset(names_t *t, xmlDictPtr dict)
{
    memset(t->memo, 0, sizeof t->memo);
    t->used = 0;
    t->dict = dict;
}

static size_t home(const xmlChar *s)
{
    /* Fibonacci hashing: the top bits of the address times 2^64/phi */
    return (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ull) >> 56) &
           (SLOTS - 1);
}

/* The index of S by string compares. */
static int compare(const names_t *t, const xmlChar *s)
{
    size_t i;
    for (i = 0; i < t->n; i++)
        if (!strcmp(t->list[i], (const char *)s))
            return (int)i;
    return -1;
}

/* S, not remembered, whose probe ended at the empty slot H: its index by
 * string compares, remembered when the dictionary owns S. Kept out of
 * names_find, whose every other call is a hit of a few instructions. */
__attribute__((noinline)) static int learn(names_t *t, const xmlChar *s,
                                           size_t h)
{
    int idx;
    if (!s)
        return -1;
    idx = compare(t, s);
    if (t->used < MEMO_MAX && t->dict && xmlDictOwns(t->dict, s) == 1) {
        t->memo[h].key = s;
        t->memo[h].idx = idx;
        t->used++;
    }
    return idx;
}

int names_find(names_t *t, const xmlChar *s)
{
    size_t h;
    /* the memo is never full, so a probe ends at an empty slot */
    for (h = home(s); t->memo[h].key; h = (h + 1) & (SLOTS - 1))
        if (t->memo[h].key == s)
            return t->memo[h].idx;
    return learn(t, s, h);
}

size_t names_remembered(const names_t *t)
{
    return t->used;
}
