/*
 * Source index: a table of line starts, built once, searched by bisection
 * when a report needs a position. Columns are counted in UTF-16 code units;
 * an invalid byte counts as one unit (it will be shown as U+FFFD).
 *
 * Findings come in source order, many of them on one line at times (a
 * 65,535-byte line of flags), so a column count goes on from where the
 * last one on the same line stopped instead of from the line's start.
 */
#include "tflint/source.h"

#include <string.h>

#include "utf8.h"

/* Where a column count stopped: `col` is the column of byte `off`, which
 * begins a character of `line` as decoded from the line's start. */
struct tfl_source_hint {
    uint32_t line, off, col;
};

static void h_save(struct tfl_source_hint *h, uint32_t line, uint32_t off,
                   uint32_t col)
{
    if (h) {
        h->line = line;
        h->off = off;
        h->col = col;
    }
}

/* Number of LFs in [s, s + len). Counted in blocks of 256 bytes into a
 * byte-sized sum, a loop that compilers turn into vector code. */
static size_t count_lf(const char *s, size_t len)
{
    size_t n = 0, i = 0;

    while (i < len) {
        size_t end = len - i > 255 ? i + 255 : len;
        unsigned char c = 0;

        for (; i < end; i++)
            c += s[i] == '\n';
        n += c;
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
    src->line_starts = tfl_arena_alloc_raw(arena, n * sizeof(uint32_t));
    src->hint = tfl_arena_alloc(arena, sizeof *src->hint);
    if (!src->line_starts || !src->hint)
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
    struct tfl_source_hint *h = src->hint;
    tfl_pos pos;
    uint32_t i;
    bool straddled = false;

    if (offset > src->len)
        offset = (uint32_t)src->len;
    pos.line = tfl_source_line_of(src, offset);
    i = src->line_starts[pos.line - 1];
    if (pos.line == 1 && src->bom && offset >= src->bom)
        i = src->bom;
    pos.col = 1;
    if (h && h->line == pos.line && h->off >= i && h->off <= offset) {
        i = h->off;
        pos.col = h->col;
    }
    while (i < offset) {
        uint32_t cp;
        size_t n = tfl_utf8_decode(src->data + i, src->len - i, &cp);

        if (n != 0 && i + n > offset && !straddled) {
            /* a character cut by `offset`: its bytes count one each, but
             * only up to here is the count good for a later offset */
            straddled = true;
            h_save(h, pos.line, i, pos.col);
        }
        if (n == 0 || i + n > offset) {
            n = 1;
            cp = 0;
        }
        pos.col += cp >= 0x10000 ? 2 : 1;
        i += (uint32_t)n;
    }
    if (!straddled)
        h_save(h, pos.line, offset, pos.col);
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
