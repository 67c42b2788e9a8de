/*
 * The JSON reading BuildKit applies to exec-form arguments: the text must
 * be exactly one JSON document (white space around it allowed) that is an
 * array; its elements must all be strings.
 */
#ifndef TFL_JSON_ARRAY_H
#define TFL_JSON_ARRAY_H

#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"

typedef enum tfl_json_status {
    TFL_JSON_OK,
    TFL_JSON_SYNTAX,     /* not JSON: the builder falls back to shell form */
    TFL_JSON_NOT_STRING, /* valid JSON with a non-string element: an error */
    TFL_JSON_OOM
} tfl_json_status;

typedef struct tfl_json_elem {
    const char *text; /* unescaped, NUL-terminated (may hold NUL bytes) */
    size_t len;
    uint32_t off; /* offset of the string literal, quote included */
    uint32_t raw_len;
} tfl_json_elem;

/*
 * Read `len` bytes at `s` as a JSON array of strings. Offsets in the
 * elements are relative to `s`. `*end` (when not NULL) receives the offset
 * just past the array's closing bracket whenever the text starts with a
 * well-formed array, even when text follows it (the status is then
 * TFL_JSON_SYNTAX); otherwise 0. The texts come from `arena`; the
 * elements, set on TFL_JSON_OK only, go to `room` (nroom of them) when
 * they fit, the usual case, else to an array from malloc: the caller
 * frees *elems when it is not `room`, once it has taken what it keeps (so
 * no copy of it stays in the arena).
 */
tfl_json_status tfl_json_string_array(tfl_arena *arena, const char *s,
                                      size_t len, tfl_json_elem *room,
                                      size_t nroom, tfl_json_elem **elems,
                                      size_t *nelems, size_t *end);

#endif
