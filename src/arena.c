/*
 * Arena: a list of blocks, each carved from the front. Blocks grow
 * geometrically up to a cap so a big file costs few mallocs; a request
 * larger than the usual block gets a block of its own.
 */
#include "tflint/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define FIRST_BLOCK ((size_t)16 << 10)
#define MAX_BLOCK ((size_t)4 << 20)

struct tfl_arena_block {
    tfl_arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* payload follows, aligned to ALIGN */
};

#define HEADER (((sizeof(tfl_arena_block) + ALIGN - 1) / ALIGN) * ALIGN)

void tfl_arena_init(tfl_arena *a)
{
    a->head = NULL;
    a->used = 0;
}

#ifndef TFL_DEBUG_ARENA
static tfl_arena_block *new_block(tfl_arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : FIRST_BLOCK;
    tfl_arena_block *b;

    if (size > MAX_BLOCK)
        size = MAX_BLOCK;
    if (size < need)
        size = need;
    if (size > SIZE_MAX - HEADER)
        return NULL;
    b = malloc(HEADER + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    return b;
}
#endif

void *tfl_arena_alloc(tfl_arena *a, size_t size)
{
    tfl_arena_block *b = a->head;
    void *p;

    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ALIGN)
        return NULL;
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
#ifdef TFL_DEBUG_ARENA
    b = NULL;
#endif
    if (!b || b->size - b->used < size) {
#ifdef TFL_DEBUG_ARENA
        /* One block per object: exact size so ASan sees overruns. */
        b = malloc(HEADER + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
#else
        b = new_block(a, size);
        if (!b)
            return NULL;
#endif
    }
    p = (char *)b + HEADER + b->used;
    b->used += size;
    a->used += size;
    memset(p, 0, size);
    return p;
}

char *tfl_arena_strndup(tfl_arena *a, const char *s, size_t len)
{
    char *p = tfl_arena_alloc(a, len + 1);

    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *tfl_arena_printf(tfl_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = tfl_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *tfl_arena_push(tfl_arena *a, void **items, size_t *count, size_t *cap,
                     size_t size)
{
    char *slot;

    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *n;

        if (ncap > SIZE_MAX / size)
            return NULL;
        n = tfl_arena_alloc(a, ncap * size);
        if (!n)
            return NULL;
        if (*count)
            memcpy(n, *items, *count * size);
        *items = n;
        *cap = ncap;
    }
    slot = (char *)*items + *count * size;
    memset(slot, 0, size);
    (*count)++;
    return slot;
}

void tfl_arena_free(tfl_arena *a)
{
    tfl_arena_block *b = a->head;

    while (b) {
        tfl_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}
