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

typedef struct tfl_buf {
    char *data; /* NUL-terminated while !failed */
    size_t len;
    size_t cap;
    size_t max; /* 0: no limit */
    bool failed;
} tfl_buf;

void tfl_buf_init(tfl_buf *b, size_t max);
void tfl_buf_free(tfl_buf *b);
void tfl_buf_reset(tfl_buf *b);

void tfl_buf_put(tfl_buf *b, const char *s, size_t len);
void tfl_buf_puts(tfl_buf *b, const char *s);
void tfl_buf_putc(tfl_buf *b, char c);
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
