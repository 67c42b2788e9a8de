/*
 * A Dockerfile's bytes and the means to turn byte offsets into positions.
 *
 * Everything the parser produces refers to the source by byte ranges
 * (tfl_span). Lines and columns are computed only when a report is written:
 * lines are 1-based physical lines split on LF; columns are 1-based and
 * count UTF-16 code units (one per character of the Basic Multilingual
 * Plane, two above it), the unit SARIF and editors use. A tab counts as one
 * column; a UTF-8 byte-order mark does not count.
 */
#ifndef TFLINT_SOURCE_H
#define TFLINT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"

/* Byte range [start, end) in a source. */
typedef struct tfl_span {
    uint32_t start;
    uint32_t end;
} tfl_span;

typedef struct tfl_source {
    const char *path; /* as it will be reported */
    const char *data; /* the file's bytes, not NUL-terminated in general */
    size_t len;
    uint32_t *line_starts; /* byte offset of each physical line */
    size_t nlines;
    uint32_t bom; /* 3 when the file starts with a UTF-8 BOM, else 0 */
    /* private: where the last column count stopped, so that findings
     * along one long line are counted on from there (NULL: none) */
    struct tfl_source_hint *hint;
} tfl_source;

typedef struct tfl_pos {
    uint32_t line; /* 1-based */
    uint32_t col;  /* 1-based, UTF-16 code units */
} tfl_pos;

/*
 * Index `data` (which must outlive `src`) for position lookups; the line
 * table comes from `arena`. Returns 0, or -1 when memory runs out.
 */
int tfl_source_init(tfl_source *src, tfl_arena *arena, const char *path,
                    const char *data, size_t len);

/* Position of byte `offset` (clamped to the end of the source). */
tfl_pos tfl_source_pos(const tfl_source *src, uint32_t offset);

/* 1-based line number holding byte `offset`. */
uint32_t tfl_source_line_of(const tfl_source *src, uint32_t offset);

/*
 * Text of physical line `line` (1-based) without its LF and CR, through
 * `*text` and `*len`. Returns false when there is no such line.
 */
bool tfl_source_line(const tfl_source *src, uint32_t line, const char **text,
                     size_t *len);

#endif
