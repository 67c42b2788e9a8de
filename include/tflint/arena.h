/*
 * Region allocator: everything tflint builds for one Dockerfile (source
 * copy, instructions, words, findings, strings) comes from one arena and is
 * released with one call after the file has been reported.
 *
 * Build with -DTFL_DEBUG_ARENA to turn every allocation into its own malloc
 * block, so AddressSanitizer sees overruns between objects.
 */
#ifndef TFLINT_ARENA_H
#define TFLINT_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct tfl_arena_block tfl_arena_block;
typedef struct tfl_arena_adopted tfl_arena_adopted;

typedef struct tfl_arena {
    tfl_arena_block *head;      /* newest block first */
    tfl_arena_adopted *adopted; /* buffers to free with the arena */
    size_t used;                /* bytes handed out, for statistics */
} tfl_arena;

/* Prepare an empty arena; allocates nothing yet. */
void tfl_arena_init(tfl_arena *a);

/*
 * Return `size` bytes aligned for any object, zero-filled, or NULL when
 * memory runs out. The memory lives until tfl_arena_free().
 */
void *tfl_arena_alloc(tfl_arena *a, size_t size);

/*
 * The same without the zero-filling, for callers that write every byte
 * before reading any (copies, formatted strings, arrays filled at once).
 */
void *tfl_arena_alloc_raw(tfl_arena *a, size_t size);

/* Copy `len` bytes of `s` and add a NUL; NULL when memory runs out. */
char *tfl_arena_strndup(tfl_arena *a, const char *s, size_t len);

/* printf into the arena; NULL when memory runs out. */
char *tfl_arena_printf(tfl_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same with a va_list, which it consumes. */
char *tfl_arena_vprintf(tfl_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Grow an arena-backed array: `*items` holds `*count` elements of `size`
 * bytes and room for `*cap`. Makes room for one more and returns a pointer
 * to it (zeroed), or NULL when memory runs out. The array may move, so
 * keep pointers to elements only after it is complete. `*items` must come
 * from this function (or be NULL with `*cap` 0).
 */
void *tfl_arena_push(tfl_arena *a, void **items, size_t *count, size_t *cap,
                     size_t size);

/* The same for `n` elements at once (n > 0): a pointer to the first. */
void *tfl_arena_push_n(tfl_arena *a, void **items, size_t *count, size_t *cap,
                       size_t size, size_t n);

/*
 * Arrays whose size is unknown until the end of a pass grow on the heap
 * and go to an arena once complete, so no outgrown copy is left in it.
 * tfl_heap_slot() makes room for one more element of `size` bytes after
 * the `*count` of `*items` (room for `*cap`) and returns it, not cleared,
 * or NULL when memory runs out (the array is kept); `*items` must come
 * from it or be NULL with `*cap` 0. tfl_heap_push() is the same, zeroed.
 * tfl_heap_grow() doubles the room of a full array: its new start, or
 * NULL when memory runs out.
 */
void *tfl_heap_grow(void **items, size_t *cap, size_t size);

static inline void *tfl_heap_slot(void **items, size_t *count, size_t *cap,
                                  size_t size)
{
    /* Inline: the parser and the builders take a slot per word or use. */
    if (*count == *cap && !tfl_heap_grow(items, cap, size))
        return NULL;
    return (char *)*items + (*count)++ * size;
}

static inline void *tfl_heap_push(void **items, size_t *count, size_t *cap,
                                  size_t size)
{
    void *slot = tfl_heap_slot(items, count, cap, size);

    if (slot)
        memset(slot, 0, size);
    return slot;
}

/*
 * Hand an array of tfl_heap_slot() with `count` elements of `size` bytes
 * to `a` at its exact size: copied when small, trimmed and adopted when
 * large. `*items` becomes the arena's array (NULL when `count` is 0).
 * Returns 0, or -1 when memory runs out (the array is freed and `*items`
 * is NULL).
 */
int tfl_arena_settle(tfl_arena *a, void **items, size_t count, size_t size);

/*
 * Take ownership of `ptr` (from malloc): it is freed by tfl_arena_free().
 * Returns 0, or -1 when memory runs out (the caller still owns `ptr`).
 */
int tfl_arena_adopt(tfl_arena *a, void *ptr);

/*
 * Drop everything `a` handed out but keep its newest block (not one of an
 * array of its own) for what comes next: scratch arenas emptied again and
 * again write the same pages instead of asking the system for fresh ones.
 */
void tfl_arena_reset(tfl_arena *a);

/* Release every block; the arena may be reused after tfl_arena_init(). */
void tfl_arena_free(tfl_arena *a);

#endif
