/*
 * Growable byte buffer for output (reports, AST dumps). Heap-backed, owned
 * by whoever called tfl_buf_init(); release with tfl_buf_free().
 *
 * Appends never fail loudly: on allocation failure or when `max` would be
 * exceeded the buffer stops growing and sets `failed`, which the caller
 * checks once at the end.
 */
#ifndef TFLINT_BUF_H
#define TFLINT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct tfl_buf {
    char *data; /* NUL-terminated while !failed */
    size_t len;
    size_t cap;
    size_t max; /* 0: no limit */
    bool failed;
    /* Optional: writes out and empties the buffer. A renderer that makes
     * a long report of one file calls tfl_buf_drain() between its items,
     * so the buffer holds a piece of the report rather than all of it. */
    void (*drain)(void *ctx, struct tfl_buf *b);
    void *drain_ctx;
} tfl_buf;

void tfl_buf_init(tfl_buf *b, size_t max);
void tfl_buf_free(tfl_buf *b);
void tfl_buf_reset(tfl_buf *b);

/*
 * Make room for `extra` more bytes (and the NUL) the slow way: grow, or
 * set `failed` and return false. Use tfl_buf_reserve(), which calls this
 * only when the room is not there already.
 */
bool tfl_buf_grow(tfl_buf *b, size_t extra);

/*
 * Room for `extra` more bytes after `len` plus the NUL; false (and
 * `failed` set) when it cannot be had. A renderer that knows the size of
 * what it writes reserves once and then fills `data` directly.
 */
static inline bool tfl_buf_reserve(tfl_buf *b, size_t extra)
{
    if (!b->failed && extra < b->cap - b->len &&
        (!b->max || extra <= b->max - b->len))
        return true;
    return tfl_buf_grow(b, extra);
}

/* Past this many bytes, tfl_buf_drain() hands the buffer to `drain`. */
#define TFL_BUF_DRAIN_AT ((size_t)64 << 10)

/* A point between two items of a report where the bytes so far may be
 * written out: calls `drain` when there is one and the buffer is full
 * enough and has not failed. */
static inline void tfl_buf_drain(tfl_buf *b)
{
    if (b->drain && !b->failed && b->len >= TFL_BUF_DRAIN_AT)
        b->drain(b->drain_ctx, b);
}

/* The appends are inline: reports call them for every few bytes. */
static inline void tfl_buf_put(tfl_buf *b, const char *s, size_t len)
{
    if (!tfl_buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

static inline void tfl_buf_puts(tfl_buf *b, const char *s)
{
    tfl_buf_put(b, s, strlen(s));
}

static inline void tfl_buf_putc(tfl_buf *b, char c)
{
    if (!tfl_buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

/*
 * Write `v` in decimal into the bytes before `end` (24 are enough);
 * returns where the first digit went.
 */
char *tfl_uint_digits(char *end, unsigned long long v);

/*
 * Append `v` in decimal, padded on the left with spaces to `width`
 * columns (0: no padding), as printf's "%*llu" would.
 */
void tfl_buf_put_uint(tfl_buf *b, unsigned long long v, unsigned width);

/* Append the low `digits` hex digits of `v`, lower case, as "%0*llx". */
void tfl_buf_put_hex(tfl_buf *b, unsigned long long v, unsigned digits);

void tfl_buf_printf(tfl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Append the words of `s` (separated by spaces and newlines) as one
 * paragraph wrapped at `width` columns, ending with a newline; a word
 * longer than the width stands on its own line.
 */
void tfl_buf_wrap(tfl_buf *b, size_t width, const char *s);

/*
 * Append `s` as the body of a JSON string (no surrounding quotes): quotes,
 * backslashes and control characters escaped, invalid UTF-8 replaced by
 * U+FFFD.
 */
void tfl_buf_json_str(tfl_buf *b, const char *s, size_t len);

/* Append `s` with XML special characters and control characters escaped. */
void tfl_buf_xml_str(tfl_buf *b, const char *s, size_t len);

#endif
