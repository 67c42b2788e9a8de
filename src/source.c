/*
 * Source index: a table of line starts, built once, searched by bisection
 * when a report needs a position. Columns are counted in UTF-16 code units;
 * an invalid byte counts as one unit (it will be shown as U+FFFD).
 */
#include "tflint/source.h"

#include <string.h>

#include "utf8.h"

/* Number of LFs in [s, s + len): memchr is vectorised, a byte loop is not. */
static size_t count_lf(const char *s, size_t len)
{
    const char *end = s + len, *p = s;
    size_t n = 0;

    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

int tfl_source_init(tfl_source *src, tfl_arena *arena, const char *path,
                    const char *data, size_t len)
{
    size_t n = 1 + count_lf(data, len), k = 0;
    const char *p = data, *end = data + len;

    src->path = path;
    src->data = data;
    src->len = len;
    src->bom = (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    src->line_starts = tfl_arena_alloc(arena, n * sizeof(uint32_t));
    if (!src->line_starts)
        return -1;
    src->line_starts[k++] = 0;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        p++;
        src->line_starts[k++] = (uint32_t)(p - data);
    }
    src->nlines = n;
    return 0;
}

uint32_t tfl_source_line_of(const tfl_source *src, uint32_t offset)
{
    size_t lo = 0, hi = src->nlines;

    /* Largest index whose start is <= offset. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo + 1;
}

tfl_pos tfl_source_pos(const tfl_source *src, uint32_t offset)
{
    tfl_pos pos;
    uint32_t i;

    if (offset > src->len)
        offset = (uint32_t)src->len;
    pos.line = tfl_source_line_of(src, offset);
    i = src->line_starts[pos.line - 1];
    if (pos.line == 1 && src->bom && offset >= src->bom)
        i = src->bom;
    pos.col = 1;
    while (i < offset) {
        uint32_t cp;
        size_t n = tfl_utf8_decode(src->data + i, src->len - i, &cp);

        if (n == 0 || i + n > offset) {
            n = 1;
            cp = 0;
        }
        pos.col += cp >= 0x10000 ? 2 : 1;
        i += (uint32_t)n;
    }
    return pos;
}

bool tfl_source_line(const tfl_source *src, uint32_t line, const char **text,
                     size_t *len)
{
    size_t start, end;

    if (line == 0 || line > src->nlines)
        return false;
    start = src->line_starts[line - 1];
    if (line == 1)
        start = src->bom;
    end = line < src->nlines ? src->line_starts[line] - 1 : src->len;
    while (end > start && (src->data[end - 1] == '\r'))
        end--;
    *text = src->data + start;
    *len = end - start;
    return true;
}
