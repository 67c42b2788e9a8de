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

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes8.h"
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

/*
 * The line table is filled in one pass over the bytes: counting the LFs
 * first and filling afterwards read every byte twice, and looking for
 * each LF with memchr() cost a call per line. It goes into an array on
 * the stack while it fits (most files), then into a malloc'd one that
 * grows as it must and is handed to the arena at the end.
 */
#define LOCAL_LINES 2048

typedef struct line_table {
    uint32_t *v;
    size_t n, cap;
    size_t len;      /* of the source, for a first estimate */
    uint32_t *local; /* the stack array, `v` while the table is there */
} line_table;

/* Room for `extra` more entries; false when memory runs out. */
static bool lt_room(line_table *t, size_t extra)
{
    uint32_t *v;
    size_t cap;

    if (t->cap - t->n >= extra)
        return true;
    cap = t->cap * 2 > t->n + extra ? t->cap * 2 : t->n + extra;
    if (t->v == t->local) {
        /* A Dockerfile line holds some 30 bytes on average. */
        if (cap < t->len / 24 + 16)
            cap = t->len / 24 + 16;
        v = malloc(cap * sizeof *v);
        if (v)
            memcpy(v, t->local, t->n * sizeof *v);
    } else {
        v = realloc(t->v, cap * sizeof *v);
    }
    if (!v)
        return false;
    t->v = v;
    t->cap = cap;
    return true;
}

/* Append the start of every line after an LF of [data + from, data + to). */
static void lt_scalar(line_table *t, const char *data, size_t from, size_t to)
{
    size_t i;

    for (i = from; i < to; i++)
        if (data[i] == '\n')
            t->v[t->n++] = (uint32_t)(i + 1);
}

#if defined(__SSE2__) && defined(__GNUC__) && defined(__x86_64__)
/* A CPU with AVX2 (chosen at run time; the build targets plain x86-64)
 * compares 32 bytes a step. */
#define LT_AVX2 1
#include <immintrin.h>
#endif

#ifdef __SSE2__
/* The starts of the lines after the LFs of the 64-byte steps from `*at`
 * to `stop`, into `v` from `n`; returns the new count and leaves `*at`
 * past the last step. Sixty-four bytes make one mask: LFs are a few per
 * step, and the test for none is made once for all of them. */
static size_t lt_steps16(const char *data, size_t *at, size_t stop, uint32_t *v,
                         size_t n)
{
    const __m128i lf = _mm_set1_epi8('\n');
    size_t i = *at;

    for (; i < stop; i += 64) {
        const __m128i *q = (const __m128i *)(const void *)(data + i);
        uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(
                         _mm_cmpeq_epi8(_mm_loadu_si128(q), lf)) |
                     (uint64_t)(unsigned)_mm_movemask_epi8(
                         _mm_cmpeq_epi8(_mm_loadu_si128(q + 1), lf))
                         << 16 |
                     (uint64_t)(unsigned)_mm_movemask_epi8(
                         _mm_cmpeq_epi8(_mm_loadu_si128(q + 2), lf))
                         << 32 |
                     (uint64_t)(unsigned)_mm_movemask_epi8(
                         _mm_cmpeq_epi8(_mm_loadu_si128(q + 3), lf))
                         << 48;

        while (m) {
            v[n++] = (uint32_t)(i + (unsigned)__builtin_ctzll(m) + 1);
            m &= m - 1;
        }
    }
    *at = i;
    return n;
}
#endif

#ifdef LT_AVX2
/* lt_steps16() with 32-byte compares (and BMI1, which every CPU with
 * AVX2 has, for the bits). */
__attribute__((target("avx2,bmi"))) static size_t
lt_steps32(const char *data, size_t *at, size_t stop, uint32_t *v, size_t n)
{
    const __m256i lf = _mm256_set1_epi8('\n');
    size_t i = *at;

    for (; i < stop; i += 64) {
        const __m256i *q = (const __m256i *)(const void *)(data + i);
        uint64_t m = (uint64_t)(uint32_t)_mm256_movemask_epi8(
                         _mm256_cmpeq_epi8(_mm256_loadu_si256(q), lf)) |
                     (uint64_t)(uint32_t)_mm256_movemask_epi8(
                         _mm256_cmpeq_epi8(_mm256_loadu_si256(q + 1), lf))
                         << 32;

        while (m) {
            v[n++] = (uint32_t)(i + (unsigned)__builtin_ctzll(m) + 1);
            m &= m - 1;
        }
    }
    *at = i;
    return n;
}
#endif

/* Fill `t` with the line starts of `data`; false when memory runs out. */
static bool lt_fill(line_table *t, const char *data, size_t len)
{
    size_t i = 0;

    t->v[t->n++] = 0;
#ifdef __SSE2__
    {
#ifdef LT_AVX2
        bool avx2 = len >= 64 && __builtin_cpu_supports("avx2") &&
                    __builtin_cpu_supports("bmi");
#endif

        /* Blocks of up to 1 KiB, with room made for as many starts as the
         * block has bytes, so that the loop over its LFs checks nothing. */
        while (len - i >= 64) {
            size_t stop = len - i > 1024 ? i + 1024 : len - 63;

            /* the last step may reach 63 bytes past `stop` */
            if (!lt_room(t, stop - i + 64))
                return false;
#ifdef LT_AVX2
            if (avx2)
                t->n = lt_steps32(data, &i, stop, t->v, t->n);
            else
#endif
                t->n = lt_steps16(data, &i, stop, t->v, t->n);
        }
    }
#endif
    if (!lt_room(t, len - i))
        return false;
    lt_scalar(t, data, i, len);
    return true;
}

int tfl_source_init(tfl_source *src, tfl_arena *arena, const char *path,
                    const char *data, size_t len)
{
    uint32_t local[LOCAL_LINES], *v;
    line_table t = {local, 0, LOCAL_LINES, len, local};

    src->path = path;
    src->data = data;
    src->len = len;
    src->bom = (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    src->hint = tfl_arena_alloc(arena, sizeof *src->hint);
    if (!src->hint || !lt_fill(&t, data, len))
        goto oom;
    if (t.v == local) {
        v = tfl_arena_alloc_raw(arena, t.n * sizeof *v);
        if (!v)
            goto oom;
        memcpy(v, local, t.n * sizeof *v);
    } else {
        /* Give back what the estimate left over when it is much. */
        if (t.cap - t.n > t.n / 8 + 64 && (v = realloc(t.v, t.n * sizeof *v)))
            t.v = v;
        if (tfl_arena_adopt(arena, t.v) != 0)
            goto oom;
        v = t.v;
    }
    src->line_starts = v;
    src->nlines = t.n;
    return 0;

oom:
    if (t.v != local)
        free(t.v);
    return -1;
}

/* Index of the line holding `offset`, given that it is at least `lo` and
 * below `hi`. */
static size_t line_index(const tfl_source *src, uint32_t offset, size_t lo,
                         size_t hi)
{
    const uint32_t *v = src->line_starts;
    size_t n = hi - lo;

    /* Largest index whose start is <= offset, in [lo, lo + n): halving
     * the range whichever way the test goes leaves no branch to guess. */
    while (n > 1) {
        size_t half = n / 2;

        lo = v[lo + half] <= offset ? lo + half : lo;
        n -= half;
    }
    return lo;
}

uint32_t tfl_source_line_of(const tfl_source *src, uint32_t offset)
{
    return (uint32_t)line_index(src, offset, 0, src->nlines) + 1;
}

/* As tfl_source_line_of(), searching forward from the line of the last
 * count when `offset` is not before it: findings are asked for in order,
 * mostly a few lines apart. */
static uint32_t line_after(const tfl_source *src, uint32_t offset,
                           uint32_t last)
{
    size_t lo = last - 1, step = 1, n = src->nlines;

    if (last == 0 || last > n || src->line_starts[lo] > offset)
        return tfl_source_line_of(src, offset);
    while (lo + step < n && src->line_starts[lo + step] <= offset) {
        lo += step;
        step *= 2;
    }
    return (uint32_t)line_index(src, offset, lo,
                                lo + step < n ? lo + step : n) +
           1;
}

tfl_pos tfl_source_pos(const tfl_source *src, uint32_t offset)
{
    struct tfl_source_hint *h = src->hint;
    tfl_pos pos;
    uint32_t i;
    bool straddled = false;

    if (offset > src->len)
        offset = (uint32_t)src->len;
    pos.line =
        h ? line_after(src, offset, h->line) : tfl_source_line_of(src, offset);
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
        size_t n;

        /* ASCII, sixteen or eight bytes at once: a column each. */
#ifdef __SSE2__
        if (offset - i >= 16 &&
            !_mm_movemask_epi8(_mm_loadu_si128(
                (const __m128i *)(const void *)(src->data + i)))) {
            pos.col += 16;
            i += 16;
            continue;
        }
#endif
        if (offset - i >= 8 && !(tfl_load8(src->data + i) & TFL_HIGH8)) {
            pos.col += 8;
            i += 8;
            continue;
        }
        /* The last few: ASCII when the eight bytes that end at `offset`
         * are (some may be before `i`, which only makes the test strict). */
        if (offset - i < 8 && offset >= 8 &&
            !(tfl_load8(src->data + offset - 8) & TFL_HIGH8)) {
            pos.col += offset - i;
            i = offset;
            break;
        }
        if ((unsigned char)src->data[i] < 0x80) {
            pos.col++;
            i++;
            continue;
        }
        n = tfl_utf8_decode(src->data + i, src->len - i, &cp);
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
