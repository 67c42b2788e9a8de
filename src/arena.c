/*
 * Arena: a list of blocks, each carved from the front. Blocks grow
 * geometrically up to a cap so a big file costs few mallocs. A large
 * request that does not fit in the newest block's room gets a block of its
 * own behind it, and the room goes on serving the smaller objects that
 * follow: a fresh block in front would leave that room unused, and on a
 * huge page already touched it is resident all the same.
 *
 * Arrays grown with tfl_arena_push() would otherwise leave every outgrown
 * copy behind, which for the instruction and word tables of a 60 MB file
 * doubles their cost. So an array that is the newest object of the newest
 * block grows in place when the block has room, and an array past
 * BIG_ARRAY lives in a block of its own that realloc() resizes (for large
 * blocks the C library remaps pages instead of copying them).
 *
 * Buffers malloc'd elsewhere (the bytes of a file read by the caller) can
 * be handed over with tfl_arena_adopt() and are freed with the arena.
 */
#include "tflint/arena.h"
#include "tflint/pages.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
/* Most Dockerfiles fit in the first block; below glibc's 128 KiB mmap
 * threshold, so it comes from (and goes back to) the heap. */
#define FIRST_BLOCK ((size_t)64 << 10)
#define MAX_BLOCK ((size_t)4 << 20)
#define BIG_ARRAY ((size_t)64 << 10)
/* From this size an object that does not fit in the newest block gets a
 * block of its own (lone_block()). */
#define LONE_OBJECT ((size_t)512 << 10)
/* See first_cap(). */
#define FIRST_HEAP_BYTES ((size_t)1024)

struct tfl_arena_block {
    tfl_arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    int own; /* holds one array of tfl_arena_push() and nothing else */
    /* payload follows, aligned to ALIGN */
};

/* A buffer handed over with tfl_arena_adopt(). */
struct tfl_arena_adopted {
    tfl_arena_adopted *next;
    void *ptr;
};

#define HEADER (((sizeof(tfl_arena_block) + ALIGN - 1) / ALIGN) * ALIGN)

void tfl_arena_init(tfl_arena *a)
{
    a->head = NULL;
    a->adopted = NULL;
    a->used = 0;
}

#ifndef TFL_DEBUG_ARENA
/* An empty block of `size` bytes of room, linked after `*link`. */
static tfl_arena_block *link_block(tfl_arena_block **link, size_t size)
{
    tfl_arena_block *b;

    if (size > SIZE_MAX - HEADER)
        return NULL;
    b = tfl_pages_alloc(HEADER + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    b->own = 0;
    b->next = *link;
    *link = b;
    return b;
}

static tfl_arena_block *new_block(tfl_arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : FIRST_BLOCK;

    if (size > MAX_BLOCK)
        size = MAX_BLOCK;
    if (size < need)
        size = need;
    return link_block(&a->head, size);
}

/*
 * A block for one large object that does not fit in the newest block: put
 * behind it, so that the newest block's room still serves what comes
 * next rather than being left unused (and, on a huge page already
 * touched, resident all the same).
 */
static tfl_arena_block *lone_block(tfl_arena *a, size_t size)
{
    return link_block(&a->head->next, size);
}
#endif

void *tfl_arena_alloc_raw(tfl_arena *a, size_t size)
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
        b->own = 0;
        b->next = a->head;
        a->head = b;
#else
        b = b && size >= LONE_OBJECT ? lone_block(a, size) : new_block(a, size);
        if (!b)
            return NULL;
#endif
    }
    p = (char *)b + HEADER + b->used;
    b->used += size;
    a->used += size;
    return p;
}

void *tfl_arena_alloc(tfl_arena *a, size_t size)
{
    void *p = tfl_arena_alloc_raw(a, size);

    if (p)
        memset(p, 0, size);
    return p;
}

char *tfl_arena_strndup(tfl_arena *a, const char *s, size_t len)
{
    char *p = len < SIZE_MAX ? tfl_arena_alloc_raw(a, len + 1) : NULL;

    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *tfl_arena_vprintf(tfl_arena *a, const char *fmt, va_list ap)
{
    tfl_arena_block *b = a->head;
    size_t room = 0;
    va_list again;
    char *p = NULL;
    int n;

#ifndef TFL_DEBUG_ARENA
    /* Format straight into the free end of the newest block; only a
     * string that does not fit there is formatted a second time. */
    if (b && !b->own) {
        room = b->size - b->used;
        p = (char *)b + HEADER + b->used;
    }
#else
    (void)b;
#endif
    va_copy(again, ap);
    n = vsnprintf(p, room, fmt, ap);
    if (n >= 0 && (size_t)n < room) {
        char *q = tfl_arena_alloc_raw(a, (size_t)n + 1);

        /* Block sizes and offsets are multiples of ALIGN, so what fits
         * in `room` is taken from that same place. */
        assert(q == p);
        p = q;
    } else if (n >= 0) {
        p = tfl_arena_alloc_raw(a, (size_t)n + 1);
        if (p)
            vsnprintf(p, (size_t)n + 1, fmt, again);
    } else {
        p = NULL;
    }
    va_end(again);
    return p;
}

char *tfl_arena_printf(tfl_arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = tfl_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

#ifndef TFL_DEBUG_ARENA
static size_t rounded(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}
#endif

/* The link that points at the own block whose payload is `p`, or NULL. */
static tfl_arena_block **own_block_link(tfl_arena *a, void *p)
{
    tfl_arena_block **l;

    for (l = &a->head; *l; l = &(*l)->next)
        if ((*l)->own && (char *)*l + HEADER == (char *)p)
            return l;
    return NULL;
}

/*
 * Make `*items` (old capacity `old`, new `ncap` bytes, both multiples of
 * the element size) hold `ncap` bytes. Returns 0, or -1 when memory runs
 * out (the array is unchanged then).
 */
static int grow(tfl_arena *a, void **items, size_t old, size_t ncap)
{
    tfl_arena_block *h = a->head, **link, *b;

#ifndef TFL_DEBUG_ARENA
    /* The newest object of the newest block: extend it in place. */
    if (old && h && !h->own &&
        (char *)*items + rounded(old) == (char *)h + HEADER + h->used &&
        h->size - h->used >= rounded(ncap) - rounded(old)) {
        h->used += rounded(ncap) - rounded(old);
        a->used += rounded(ncap) - rounded(old);
        return 0;
    }
#endif
    if (ncap < BIG_ARRAY) {
        /* Slots are zeroed one by one as tfl_arena_push() hands them out. */
        void *n = tfl_arena_alloc_raw(a, ncap);

        if (!n)
            return -1;
        if (old)
            memcpy(n, *items, old);
        *items = n;
        return 0;
    }
    link = old ? own_block_link(a, *items) : NULL;
    if (ncap > SIZE_MAX - HEADER)
        return -1;
    if (link) {
        b = realloc(*link, HEADER + ncap);
        if (!b)
            return -1;
        *link = b; /* the links before and after stay as they were */
    } else {
        b = malloc(HEADER + ncap);
        if (!b)
            return -1;
        if (old)
            memcpy((char *)b + HEADER, *items, old);
        /* Behind the newest block, which small allocations go on using. */
        link = h ? &h->next : &a->head;
        b->next = *link;
        *link = b;
    }
    b->own = 1;
    b->size = b->used = ncap;
    a->used += ncap - old;
    *items = (char *)b + HEADER;
    return 0;
}

/* Room for `n` more elements after `count`, the capacity doubled as
 * often as that takes. Returns 0, or -1 when memory runs out. */
static int make_room(tfl_arena *a, void **items, size_t count, size_t *cap,
                     size_t size, size_t n)
{
    size_t ncap = *cap;

    if (n <= ncap - count)
        return 0;
    if (n > SIZE_MAX / size - count)
        return -1;
    /* Most arrays of a file hold one to three items (the words of an
     * instruction): start small, since growing is cheap. */
    if (!ncap)
        ncap = size >= 96 ? 1 : 96 / size;
    while (ncap < count + n) {
        if (ncap > SIZE_MAX / 2 / size)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / size)
        return -1;
    if (grow(a, items, *cap * size, ncap * size) != 0)
        return -1;
    *cap = ncap;
    return 0;
}

void *tfl_arena_push(tfl_arena *a, void **items, size_t *count, size_t *cap,
                     size_t size)
{
    char *slot;

    /* Not tfl_arena_push_n(a, ..., 1): this one runs for every word of a
     * file, and its own growth and fixed-size clearing are cheaper. */
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : size >= 96 ? 1 : 96 / size;

        if (ncap > SIZE_MAX / size)
            return NULL;
        if (grow(a, items, *cap * size, ncap * size) != 0)
            return NULL;
        *cap = ncap;
    }
    slot = (char *)*items + *count * size;
    memset(slot, 0, size);
    (*count)++;
    return slot;
}

void *tfl_arena_push_n(tfl_arena *a, void **items, size_t *count, size_t *cap,
                       size_t size, size_t n)
{
    char *slots;

    if (make_room(a, items, *count, cap, size, n) != 0)
        return NULL;
    slots = (char *)*items + *count * size;
    memset(slots, 0, n * size);
    *count += n;
    return slots;
}

/*
 * The first room of a heap array: 16 elements, fewer when they are large,
 * so that the arrays of a small file take a few hundred bytes each rather
 * than pages (every fresh page costs a fault). A power of two up to 16, so
 * that past 16 elements the room doubles through 32, 64, ... whatever the
 * element size.
 */
static size_t first_cap(size_t size)
{
    size_t n = 1;

    while (n < 16 && n * 2 * size <= FIRST_HEAP_BYTES)
        n *= 2;
    return n;
}

void *tfl_heap_grow(void **items, size_t *cap, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : first_cap(size);
    void *grown = ncap > SIZE_MAX / size ? NULL : realloc(*items, ncap * size);

    if (grown) {
        *items = grown;
        *cap = ncap;
        if (ncap * size >= 2 * TFL_HUGE_PAGE) /* no call for the rest */
            tfl_pages_advise(grown, ncap * size);
    }
    return grown;
}

/* From this size on a settled array is trimmed where it is and adopted:
 * realloc() shrinks a large block without moving it, where a copy would
 * hold the array twice for a while. */
#define SETTLE_ADOPT ((size_t)64 << 10)

int tfl_arena_settle(tfl_arena *a, void **items, size_t count, size_t size)
{
    void *heap = *items, *moved;

    *items = NULL;
    if (count == 0) {
        free(heap);
        return 0;
    }
    if (count * size < SETTLE_ADOPT) {
        moved = tfl_arena_alloc_raw(a, count * size);
        if (moved)
            memcpy(moved, heap, count * size);
        free(heap);
        if (!moved)
            return -1;
    } else {
        moved = realloc(heap, count * size);
        if (!moved)
            moved = heap;
        if (tfl_arena_adopt(a, moved) != 0) {
            free(moved);
            return -1;
        }
    }
    *items = moved;
    return 0;
}

int tfl_arena_adopt(tfl_arena *a, void *ptr)
{
    tfl_arena_adopted *n = tfl_arena_alloc_raw(a, sizeof *n);

    if (!n)
        return -1;
    n->ptr = ptr;
    n->next = a->adopted;
    a->adopted = n;
    return 0;
}

void tfl_arena_reset(tfl_arena *a)
{
    tfl_arena_block *keep = a->head;

#ifdef TFL_DEBUG_ARENA
    keep = NULL; /* one block per object: nothing worth keeping */
#endif
    if (!keep || keep->own) {
        tfl_arena_free(a);
        return;
    }
    a->head = keep->next;
    tfl_arena_free(a);
    keep->used = 0;
    keep->next = NULL;
    a->head = keep;
}

void tfl_arena_free(tfl_arena *a)
{
    tfl_arena_block *b = a->head;
    tfl_arena_adopted *d;

    for (d = a->adopted; d; d = d->next)
        free(d->ptr);

    while (b) {
        tfl_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->adopted = NULL;
    a->used = 0;
}
