/* UTF-8 helpers shared by the source index and the reporters. */
#ifndef TFL_UTF8_H
#define TFL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length (1-4) of the well-formed UTF-8 sequence at `s`, or 0 when the
 * bytes there are not one (overlong forms, surrogates and code points above
 * U+10FFFF included). `*cp`, when not NULL, receives the code point.
 */
size_t tfl_utf8_decode(const char *s, size_t len, uint32_t *cp);

static inline size_t tfl_utf8_valid_len(const char *s, size_t len)
{
    return tfl_utf8_decode(s, len, NULL);
}

#endif
