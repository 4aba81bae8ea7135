/*
 * arena.h — a bump allocator for the strings and arrays of one household
 * (or one register's header). Everything is freed at once by arena_reset,
 * which keeps the first block so a steady stream of households allocates
 * nothing once warmed up.
 */
#ifndef CANVASS_ARENA_H
#define CANVASS_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct {
    arena_block *head;
    size_t total; /* bytes handed out since the last reset */
} arena;

/* N bytes aligned for any object, or NULL on no memory. */
void *arena_alloc(arena *a, size_t n);
/* A NUL-terminated copy of the N bytes at S. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* Frees all but the first block; previous pointers become invalid. */
void arena_reset(arena *a);
/* Frees everything; the arena may be used again. */
void arena_free(arena *a);

#endif
