/*
 * Dockerfile parser, following BuildKit's parser (frontend/dockerfile/
 * parser) byte for byte where its output is observable.
 *
 * Physical lines are split on LF; trailing CRs go; a UTF-8 BOM is dropped
 * from the first line. A physical line over 65,535 bytes is an error and is
 * skipped.
 *
 * Parser directives (`# syntax=`, `# escape=`, `# check=`) are read only in
 * the uninterrupted block of such lines at the top; the first other line (a
 * blank one included) ends the block. `escape` selects '\' or '`'.
 *
 * A logical instruction starts at a line that is neither blank nor a
 * comment. While its last physical line ends with the escape character
 * (blanks after it allowed, not itself escaped), the next line is appended
 * with nothing in between; comment lines met meanwhile are dropped, blank
 * ones are dropped and noted (empty continuation). Leading blanks go only
 * from the first line. Every appended run of bytes is kept as a piece of the
 * instruction's text map, so offsets in the joined text lead back to the
 * source. The text of an instruction of one piece is not copied: it is the
 * source's own bytes, with no NUL after them, so the words that end it are
 * the ones copied for theirs.
 *
 * The joined text is then shaped as BuildKit does per keyword: leading
 * `--flags` split off, then a JSON array or shell string (RUN, CMD,
 * ENTRYPOINT, SHELL, HEALTHCHECK's command), JSON or blank-separated words
 * (ADD, COPY, VOLUME), blank-separated words (FROM, EXPOSE), quote-aware
 * words (ARG), key/value pairs in the new or legacy form (ENV, LABEL), the
 * whole text (USER, WORKDIR, MAINTAINER, STOPSIGNAL), a nested instruction
 * (ONBUILD).
 *
 * Heredocs: for RUN, COPY and ADD (or such an ONBUILD trigger) in shell
 * form, words of the form [digits]<<[-]WORD announce bodies that follow the
 * instruction, read raw up to a line equal to WORD (leading tabs ignored for
 * <<-), one after the other.
 *
 * Beyond BuildKit: an inline `# ...` after the arguments of an instruction
 * that does not hand its text to a shell is noted (TF101) and the
 * instruction is shaped a second time without it, as the author meant.
 */
#include "tflint/ast.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes8.h"
#include "json_array.h"
#include "parser_impl.h"
#include "utf8.h"

/*
 * Some scans read a few bytes past the end of what they look at, when
 * those lie in the same page (a read there cannot fault), and drop them.
 * Not under AddressSanitizer or ThreadSanitizer (or the debug arena made
 * for them), which would rightly see a read past an object, perhaps into
 * memory another thread has freed.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TFL_NO_OVERREAD 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) ||           \
    defined(TFL_DEBUG_ARENA)
#define TFL_NO_OVERREAD 1
#endif

typedef struct parser {
    tfl_arena *a;
    const tfl_source *src;
    tfl_doc *doc;
    char esc;
    size_t nphys; /* physical lines */
    size_t next;  /* next physical line to read, 0-based */
    size_t cap_instrs, cap_comments, cap_errors, cap_dirs, cap_nodes;
    size_t cap_extras;
    char *scratch; /* word under construction (heap, freed at the end) */
    size_t scratch_cap;
    tfl_word *wv; /* words being split (heap), copied out at their count */
    size_t nwv, cap_wv;
    tfl_piece *pv; /* pieces of the instruction being read (heap) */
    size_t cap_pv;
    char *slab; /* free room for texts and pieces (see pool()) */
    size_t slab_left;
    bool oom;
} parser;

/*
 * Texts (joined lines, word copies) and piece tables go to slabs carved
 * from the arena, packed without the arena's 16-byte rounding: a file of
 * 30,000 instructions has some 100,000 of them, most a few bytes long. A
 * large one is allocated on its own. The debug arena (one block per
 * object, for the sanitizer) gets every object on its own.
 */
#define SLAB ((size_t)16 << 10)

/* Elements of a JSON array read without a malloc: most have a few. */
#define JSON_ROOM 16

/* Keywords at least this long are kept in the extras (see tfl_instr). */
#define KW_LEN_MAX ((uint32_t)1 << 18)

static void *pool(parser *p, size_t n, size_t align)
{
    size_t pad = (size_t)(-(uintptr_t)p->slab & (align - 1));
    bool own = n > SLAB / 16;
    void *r;

#ifdef TFL_DEBUG_ARENA
    own = true;
#endif
    if (own) {
        r = tfl_arena_alloc_raw(p->a, n);
        if (!r)
            p->oom = true;
        return r;
    }
    if (!p->slab || p->slab_left < n + pad) {
        p->slab = tfl_arena_alloc_raw(p->a, SLAB);
        p->slab_left = p->slab ? SLAB : 0;
        if (!p->slab) {
            p->oom = true;
            return NULL;
        }
        pad = 0;
    }
    r = p->slab + pad;
    p->slab += pad + n;
    p->slab_left -= pad + n;
    return r;
}

/* A NUL-terminated copy of `s` from the pool. */
static char *pool_strndup(parser *p, const char *s, size_t n)
{
    char *r = pool(p, n + 1, 1);

    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* Room for `need` bytes of scratch; NULL (and oom) when memory runs out.
 * Words are built there and copied out at their size. */
static char *scratch(parser *p, size_t need)
{
    if (need > p->scratch_cap) {
        size_t cap = p->scratch_cap ? p->scratch_cap : 256;
        char *n;

        while (cap < need)
            cap *= 2;
        n = realloc(p->scratch, cap);
        if (!n) {
            p->oom = true;
            return NULL;
        }
        p->scratch = n;
        p->scratch_cap = cap;
    }
    return p->scratch;
}

/* --- Small helpers -------------------------------------------------------- */

/* The instruction and comment tables grow on the heap while the file is
 * read and go to the arena at their exact size (tfl_heap_slot()). */
static void *heap_slot(parser *p, void **items, size_t *n, size_t *cap,
                       size_t size)
{
    void *slot = tfl_heap_slot(items, n, cap, size);

    if (!slot)
        p->oom = true;
    return slot;
}

/* heap_slot(), zeroed. */
static void *heap_push(parser *p, void **items, size_t *n, size_t *cap,
                       size_t size)
{
    void *slot = tfl_heap_push(items, n, cap, size);

    if (!slot)
        p->oom = true;
    return slot;
}

/* Move a table of heap_push() into the arena (NULL when empty or when
 * memory ran out before). */
static void heap_settle(parser *p, void **items, size_t n, size_t size)
{
    if (tfl_arena_settle(p->a, items, p->oom ? 0 : n, size) != 0)
        p->oom = true;
}

static const char *const kind_names[] = {
    "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR",
    ""};

const char *tfl_kind_name(tfl_kind kind)
{
    return kind_names[kind];
}

/* Lengths of kind_names, which are in alphabetical order, and the first
 * name of each initial letter (-1: none). */
static const unsigned char kind_lens[] = {3, 3,  3, 4, 10, 3,  6, 4, 11,
                                          5, 10, 7, 3, 5,  10, 4, 6, 7};
static const signed char kind_first[26] = {0,  -1, 2,  -1, 4,  7,  -1, 8,  -1,
                                           -1, -1, 9,  10, -1, 11, -1, -1, 12,
                                           13, -1, 15, 16, 17, -1, -1, -1};

/* The kind of keyword [s, s + n), and through *caps whether it is written
 * in capitals, as its name. A byte with bit 5 cleared is an upper-case
 * letter only when it was a letter, so names are compared that way. */
static tfl_kind kind_of(const char *s, size_t n, bool *caps)
{
    unsigned char c0 = (unsigned char)(n ? s[0] & 0xDF : 0);
    size_t i;
    int k;

    *caps = true;
    if (n < 3 || n > 11 || c0 < 'A' || c0 > 'Z' ||
        (k = kind_first[c0 - 'A']) < 0)
        return TFL_UNKNOWN;
    /* By length, not strcmp: the word may hold a NUL byte ("FROM\0x"). */
    for (; k < TFL_UNKNOWN && (unsigned char)kind_names[k][0] == c0; k++) {
        const char *name = kind_names[k];
        unsigned char any = (unsigned char)s[0];

        if (kind_lens[k] != n)
            continue;
        for (i = 1;
             i < n && ((unsigned char)s[i] & 0xDF) == (unsigned char)name[i];
             i++)
            any |= (unsigned char)s[i];
        if (i < n)
            continue;
        *caps = !(any & 0x20);
        return (tfl_kind)k;
    }
    return TFL_UNKNOWN;
}

/* isspace() of the C locale, inline. */
static inline bool c_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Printable ASCII but the space (0x21..0x7e): the usual byte of a line,
 * white space of no kind, so the fast paths stop looking there. */
static inline bool ascii_graph(unsigned char c)
{
    return c - 0x21u < 0x5eu;
}

/* BuildKit's split set for keywords and word lists: space, \t \v \f \r. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Printable ASCII but the quotes: bytes a word runs on through (the
 * escape character aside). */
static const unsigned char word_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * Scans for the end of a run, sixteen bytes a step where SSE2 is there
 * (always on x86-64), byte by byte for the rest. Each returns the first
 * offset in [b, e) whose byte stops its run, or e.
 */
#ifdef __SSE2__
/* The bytes of `v` outside printable ASCII (0x21..0x7e), as a mask. */
static inline __m128i unprintable16(__m128i v)
{
    /* 0x21..0x7e move to -128..-35, everything else above */
    __m128i x = _mm_add_epi8(v, _mm_set1_epi8(0x5f));

    return _mm_cmpgt_epi8(x, _mm_set1_epi8(-35));
}

static inline __m128i load16(const char *s)
{
    return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline unsigned ctz16(unsigned m)
{
    return (unsigned)__builtin_ctz(m);
}

/* Can the sixteen bytes at `s` be loaded for a tail of n < 16 bytes? The
 * last bytes of a run are looked at in one load when the sixteen bytes at
 * their start lie in one page (see TFL_NO_OVERREAD): what it gets past
 * the end is masked off. */
static inline bool tail16(const char *s, uint32_t n)
{
#ifdef TFL_NO_OVERREAD
    (void)s;
    (void)n;
    return false;
#else
    return n > 0 && ((uintptr_t)s & 4095) <= 4096 - 16;
#endif
}

/* The stop mask `m` of a tail of n < 16 bytes, with the bytes past it
 * counted as stops. */
static inline unsigned tail_mask(unsigned m, uint32_t n)
{
    return m | ~((1u << n) - 1);
}

/*
 * The first stop of [b, e) by the stop masks that `stops` makes of
 * sixteen bytes, a step at a time, the tail in one load when it can be
 * (tail16()); *b is left where bytes must be looked at one by one.
 */
#define SCAN16(s, b, e, stops)                                                 \
    for (;;) {                                                                 \
        uint32_t n_ = (e) - (b);                                               \
        unsigned m_;                                                           \
                                                                               \
        if (n_ >= 16)                                                          \
            m_ = (unsigned)_mm_movemask_epi8(stops(load16((s) + (b))));        \
        else if (tail16((s) + (b), n_))                                        \
            m_ = tail_mask(                                                    \
                (unsigned)_mm_movemask_epi8(stops(load16((s) + (b)))), n_);    \
        else                                                                   \
            break;                                                             \
        if (m_)                                                                \
            return (b) + ctz16(m_);                                            \
        (b) += 16;                                                             \
    }

/* Stops of a plain word: all but printable ASCII, the quotes, `esc`. */
static inline __m128i plain_stops(__m128i v, __m128i esc)
{
    return _mm_or_si128(_mm_or_si128(unprintable16(v), _mm_cmpeq_epi8(v, esc)),
                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
}

/* Stops of double-quoted text: '"' and `esc`. */
static inline __m128i dquoted_stops(__m128i v, __m128i esc)
{
    return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                        _mm_cmpeq_epi8(v, esc));
}

/* Stops of a run up to a blank: BuildKit's blank set (is_blank()). */
static inline __m128i blank_stops(__m128i v)
{
    /* 0x09..0x0d move to -128..-124 */
    __m128i ctl = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x77)),
                                 _mm_set1_epi8(-123));

    return _mm_or_si128(
        _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), ctl),
        _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}
#endif

/* A plain word's bytes: printable ASCII but the quotes and `esc`. */
static inline uint32_t scan_plain(const char *s, uint32_t b, uint32_t e,
                                  char esc)
{
#ifdef __SSE2__
    const __m128i ec = _mm_set1_epi8(esc);
#define STOPS(v) plain_stops(v, ec)
    SCAN16(s, b, e, STOPS)
#undef STOPS
#endif
    while (b < e && word_byte[(unsigned char)s[b]] && s[b] != esc)
        b++;
    return b;
}

/* Double-quoted text: anything but '"' and `esc`. */
static inline uint32_t scan_dquoted(const char *s, uint32_t b, uint32_t e,
                                    char esc)
{
#ifdef __SSE2__
    const __m128i ec = _mm_set1_epi8(esc);
#define STOPS(v) dquoted_stops(v, ec)
    SCAN16(s, b, e, STOPS)
#undef STOPS
#endif
    while (b < e && s[b] != '"' && s[b] != esc)
        b++;
    return b;
}

/* Anything but BuildKit's blank set (see is_blank()). */
static inline uint32_t scan_unblank(const char *s, uint32_t b, uint32_t e)
{
#ifdef __SSE2__
    SCAN16(s, b, e, blank_stops)
#endif
    while (b < e && !is_blank(s[b]))
        b++;
    return b;
}

/* Anything but `c`. */
static inline uint32_t scan_byte(const char *s, uint32_t b, uint32_t e, char c)
{
#ifdef __SSE2__
    const __m128i cc = _mm_set1_epi8(c);
#define STOPS(v) _mm_cmpeq_epi8(v, cc)
    SCAN16(s, b, e, STOPS)
#undef STOPS
#endif
    while (b < e && s[b] != c)
        b++;
    return b;
}

static size_t space_len_utf8(const char *s, size_t len)
{
    uint32_t cp;
    size_t n = tfl_utf8_decode(s, len, &cp);

    if (n == 0)
        return 0;
    if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
        (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
        cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return n;
    return 0;
}

/* Length of the Unicode white-space character at s (Go's unicode.IsSpace),
 * or 0. ASCII, the usual case, is decided inline. */
static inline size_t space_len(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    if ((unsigned char)s[0] < 0x80)
        return (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) ? 1 : 0;
    return space_len_utf8(s, len);
}

/* Trim Unicode white space from both ends of [*b, *e) in s. */
static inline void trim_space(const char *s, uint32_t *b, uint32_t *e)
{
    size_t n;

    /* Text that starts and ends with a printable ASCII byte (the usual,
     * once leading blanks are gone) has nothing more to trim. */
    while (*b < *e && (s[*b] == ' ' || s[*b] == '\t'))
        (*b)++;
    if (*b < *e && ascii_graph((unsigned char)s[*b]) &&
        ascii_graph((unsigned char)s[*e - 1]))
        return;

    while (*b < *e && (n = space_len(s + *b, *e - *b)) > 0)
        *b += (uint32_t)n;
    while (*e > *b) {
        uint32_t k = *e - 1;
        /* step back to the start of the last character */
        while (k > *b && ((unsigned char)s[k] & 0xC0) == 0x80 && *e - k < 4)
            k--;
        n = space_len(s + k, *e - k);
        if (n == 0 || k + n != *e)
            break;
        *e = k;
    }
}

bool tfl_doc_error(tfl_arena *arena, tfl_doc *doc, size_t *cap, tfl_span span,
                   const char *fmt, ...)
{
    tfl_diag *d;
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    d = tfl_arena_push(arena, (void **)&doc->errors, &doc->nerrors, cap,
                       sizeof *d);
    if (!d)
        return false;
    d->message = tfl_arena_strndup(arena, buf, strlen(buf));
    d->span = span;
    return d->message != NULL;
}

#define ERR(p, span, ...)                                                      \
    do {                                                                       \
        if (!tfl_doc_error((p)->a, (p)->doc, &(p)->cap_errors, (span),         \
                           __VA_ARGS__))                                       \
            (p)->oom = true;                                                   \
    } while (0)

/* Content of physical line i: [*b, *e) without CR/LF; returns the offset
 * just past its LF (or the end of the source). */
static inline uint32_t src_line(const tfl_source *src, size_t i, uint32_t *b,
                                uint32_t *e)
{
    uint32_t start = i ? src->line_starts[i] : src->bom, end, next;

    if (i + 1 < src->nlines) {
        next = src->line_starts[i + 1];
        end = next - 1;
    } else {
        next = end = (uint32_t)src->len;
    }
    /* one test for the usual line, which ends in a printable byte */
    if (end > start && (unsigned char)src->data[end - 1] <= '\r')
        while (end > start &&
               (src->data[end - 1] == '\r' || src->data[end - 1] == '\n'))
            end--;
    *b = start;
    *e = end;
    return next;
}

static uint32_t phys_line(const parser *p, size_t i, uint32_t *b, uint32_t *e)
{
    return src_line(p->src, i, b, e);
}

/* Physical lines of `src` the parser reads: a final LF opens none. */
static size_t phys_lines(const tfl_source *src)
{
    size_t n = src->nlines;

    if (n > 1 && src->line_starts[n - 1] == src->len)
        n--;
    if (src->len == 0 || src->len == src->bom)
        n = 0;
    return n;
}

static tfl_span span_of(uint32_t b, uint32_t e)
{
    tfl_span s = {b, e};
    return s;
}

/* --- Text maps ------------------------------------------------------------ */

/*
 * Lookups. Rules and the shell splitter ask for many spans of one text, so
 * a bisection per end was a large share of the whole run. Pieces are lines
 * of similar length, so the piece holding an offset is first guessed from
 * the offset's share of the text, then found by galloping from the guess
 * (or from the piece of the span's start, for its end): O(1) for the usual
 * text and O(log n) at worst. Every search returns what a bisection would:
 * the last piece whose text_off is <= off, or 0.
 */
static size_t piece_from(const tfl_piece *pc, size_t n, uint32_t off, size_t k)
{
    size_t lo, hi, step = 1;

    if (pc[k].text_off <= off) {
        /* Gallop right: pc[lo].text_off <= off, and off < pc[hi] or hi == n */
        lo = k;
        hi = k + 1;
        while (hi < n && pc[hi].text_off <= off) {
            lo = hi;
            hi = step < n - hi ? hi + step : n;
            step *= 2;
        }
    } else {
        /* Gallop left: off < pc[hi].text_off */
        hi = k;
        lo = k;
        for (;;) {
            lo = step < lo ? lo - step : 0;
            if (lo == 0 || pc[lo].text_off <= off)
                break;
            hi = lo;
            step *= 2;
        }
        if (pc[lo].text_off > off)
            return 0;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pc[mid].text_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static size_t piece_guess(const tfl_textmap *m, uint32_t off)
{
    const tfl_piece *last = &m->pieces[m->npieces - 1];
    uint64_t total = (uint64_t)last->text_off + last->len;
    size_t k;

    if (total == 0)
        return m->npieces - 1;
    k = (size_t)((uint64_t)off * m->npieces / total);
    return k < m->npieces ? k : m->npieces - 1;
}

/*
 * Callers walk a text front to back, so the piece found last (per thread)
 * is the best start when the same map is asked again. It is only a hint:
 * any start gives the same answer.
 */
static _Thread_local const tfl_piece *hint_map;
static _Thread_local size_t hint_piece;

/* Is piece k the answer for `off`? The usual case, checked inline. */
static inline bool holds(const tfl_piece *pc, size_t n, size_t k, uint32_t off)
{
    return pc[k].text_off <= off && (k + 1 == n || pc[k + 1].text_off > off);
}

/* The piece of `off`, searched from the hint (or guess) and kept as the
 * next hint; m has two pieces or more. */
static size_t piece_hinted(const tfl_textmap *m, uint32_t off)
{
    size_t k = hint_map == m->pieces && hint_piece < m->npieces
                   ? hint_piece
                   : piece_guess(m, off);

    if (!holds(m->pieces, m->npieces, k, off))
        k = piece_from(m->pieces, m->npieces, off, k);
    hint_map = m->pieces;
    hint_piece = k;
    return k;
}

size_t tfl_textmap_piece(const tfl_textmap *m, uint32_t off)
{
    return m->npieces <= 1 ? 0 : piece_hinted(m, off);
}

/* Source offset of `off` in piece k (clamped to the piece's end). */
static uint32_t source_in(const tfl_piece *pc, uint32_t off)
{
    if (off - pc->text_off > pc->len)
        return pc->src_off + pc->len;
    return pc->src_off + (off - pc->text_off);
}

uint32_t tfl_textmap_source(const tfl_textmap *m, uint32_t off)
{
    if (m->npieces == 0)
        return 0;
    return source_in(&m->pieces[tfl_textmap_piece(m, off)], off);
}

int tfl_textmap_sub(tfl_arena *arena, const tfl_textmap *m, uint32_t off,
                    uint32_t len, tfl_textmap *out)
{
    /* At most every piece is kept (a RUN's command keeps all but those
     * before it, seldom any): the table is not zeroed, as it is written. */
    tfl_piece *v =
        tfl_arena_alloc_raw(arena, (m->npieces ? m->npieces : 1) * sizeof *v);
    size_t i, n = 0;

    if (!v)
        return -1;
    for (i = 0; i < m->npieces; i++) {
        const tfl_piece *pc = &m->pieces[i];
        uint32_t s = pc->text_off > off ? pc->text_off : off;
        uint32_t e = pc->text_off + pc->len < off + len ? pc->text_off + pc->len
                                                        : off + len;

        /* Keep one empty piece at most, so an empty cut still maps. */
        if (e < s || (e == s && n > 0))
            continue;
        v[n].text_off = s - off;
        v[n].src_off = pc->src_off + (s - pc->text_off);
        v[n].len = e - s;
        n++;
    }
    if (n == 0)
        memset(v, 0, sizeof *v); /* the one piece of an empty map, as before */
    out->pieces = v;
    out->npieces = n;
    return 0;
}

tfl_span tfl_textmap_span(const tfl_textmap *m, uint32_t off, uint32_t len)
{
    tfl_span s;
    size_t k;

    if (m->npieces == 0) {
        s.start = 0;
        s.end = len ? 1 : 0;
        return s;
    }
    if (m->npieces == 1) {
        s.start = source_in(m->pieces, off);
        s.end = len ? source_in(m->pieces, off + len - 1) + 1 : s.start;
        return s;
    }
    k = piece_hinted(m, off);
    s.start = source_in(&m->pieces[k], off);
    if (len == 0) {
        s.end = s.start;
        return s;
    }
    /* Map the last byte, then step past it, so an end that falls on a
     * piece boundary stays on the line where the text ended. */
    off += len - 1;
    if (!holds(m->pieces, m->npieces, k, off)) {
        /* a span to the text's end (a whole command) ends in the last
         * piece: no search */
        if (m->pieces[m->npieces - 1].text_off <= off)
            k = m->npieces - 1;
        else
            k = piece_from(m->pieces, m->npieces, off, k);
        hint_piece = k;
    }
    s.end = source_in(&m->pieces[k], off) + 1;
    return s;
}

/* --- Words ---------------------------------------------------------------- */

typedef struct shaper {
    parser *p;
    tfl_instr *in;
    const char *L; /* the joined text */
    /* L[line_len] is a NUL (the text is a copy, not the source's line):
     * a word that ends the text may share it. */
    bool nul;
    /* Words are only looked at, not kept: their text is not copied and
     * only its first byte may be read. */
    bool probe;
    /* Words get no span (their caller makes its own). */
    bool nospan;
} shaper;

/*
 * Fill `w`. Its text is copied to the arena, unless it is the raw text and
 * runs to the end of a joined line that was copied, whose NUL then ends it
 * too: that saves a copy of most continued RUN commands.
 */
static void set_word(shaper *sh, tfl_word *w, const char *text, size_t len,
                     uint32_t off, uint32_t raw_len)
{
    w->text = text;
    w->len = len;
    w->off = off;
    w->raw_len = raw_len;
    if (sh->nospan)
        return;
    if (sh->in->map.npieces == 1) {
        /* one line: tfl_textmap_span() without the call */
        const tfl_piece *pc = sh->in->map.pieces;

        w->span.start = source_in(pc, off);
        w->span.end =
            raw_len ? source_in(pc, off + raw_len - 1) + 1 : w->span.start;
        return;
    }
    w->span = tfl_textmap_span(&sh->in->map, off, raw_len);
}

static inline bool make_word(shaper *sh, tfl_word *w, const char *text,
                             size_t len, uint32_t off, uint32_t raw_len)
{
    const char *raw = sh->L + off;

    if (sh->probe ||
        (sh->nul && len == raw_len && off + len == sh->in->line_len &&
         (text == raw || memcmp(text, raw, len) == 0)))
        w->text = raw;
    else
        w->text = pool_strndup(sh->p, text, len);
    if (!w->text) {
        sh->p->oom = true;
        return false;
    }
    set_word(sh, w, w->text, len, off, raw_len);
    return true;
}

/*
 * Split words go to the parser's word stack first and to the arena only
 * once their number is known, so no outgrown copy of an array is left in
 * the arena. A split pushes above a mark and copies [mark, top) out.
 */
static tfl_word *wv_push(parser *p)
{
    if (p->nwv == p->cap_wv) {
        size_t cap = p->cap_wv ? p->cap_wv * 2 : 64;
        tfl_word *n = realloc(p->wv, cap * sizeof *n);

        if (!n) {
            p->oom = true;
            return NULL;
        }
        p->wv = n;
        p->cap_wv = cap;
    }
    memset(&p->wv[p->nwv], 0, sizeof *p->wv);
    return &p->wv[p->nwv++];
}

/* Copy the words above `mark` to the arena and pop them. */
static void wv_take(parser *p, size_t mark, tfl_word **out, uint32_t *n)
{
    *n = (uint32_t)(p->nwv - mark);
    *out = NULL;
    if (*n) {
        *out = tfl_arena_alloc_raw(p->a, *n * sizeof **out);
        if (!*out) {
            p->oom = true;
            *n = 0;
        } else {
            memcpy(*out, p->wv + mark, *n * sizeof **out);
        }
    }
    p->nwv = mark;
}

/* Raw words of [b, e) split on runs of BuildKit's blank set, pushed on the
 * word stack. */
static void push_blanks(shaper *sh, uint32_t b, uint32_t e)
{
    while (b < e) {
        uint32_t s;
        tfl_word *w;

        while (b < e && is_blank(sh->L[b]))
            b++;
        if (b >= e)
            break;
        s = b;
        b = scan_unblank(sh->L, b, e);
        w = wv_push(sh->p);
        if (!w || !make_word(sh, w, sh->L + s, b - s, s, b - s))
            return;
    }
}

static void split_blanks(shaper *sh, uint32_t b, uint32_t e, tfl_word **out,
                         uint32_t *n)
{
    size_t mark = sh->p->nwv;

    push_blanks(sh, b, e);
    wv_take(sh->p, mark, out, n);
}

/*
 * Quote-aware words of [b, e) as BuildKit's parseWords: white space outside
 * quotes separates; quotes and escapes stay in the text; the escape
 * character escapes anything outside quotes and, inside double quotes,
 * anything too (BuildKit keeps both characters); a dangling escape at the
 * very end is dropped. At most `max` words are pushed; returns where the
 * split stopped (e when it went through).
 */
static uint32_t push_words_max(shaper *sh, uint32_t b, uint32_t e, size_t max)
{
    const char *L = sh->L;
    char esc = sh->p->esc;
    char *buf;
    size_t blen = 0;
    uint32_t pos = b, start = b;
    char quote = 0;
    bool in_word = false, blank_ok = false;
    tfl_word *w;
    size_t pushed = 0;

    buf = scratch(sh->p, (size_t)(e - b) + 1);
    if (!buf)
        return e;
    while (pos <= e) {
        size_t sp = pos < e ? space_len(L + pos, e - pos) : 0;

        if (!in_word) {
            if (pos == e)
                break;
            if (sp) {
                pos += (uint32_t)sp;
                continue;
            }
            start = pos;
            blen = 0;
            blank_ok = false;
            quote = 0;
            /* The usual word is plain bytes up to a blank or the end:
             * taken as it is, without going through `buf`. */
            pos = scan_plain(L, pos, e, esc);
            if (pos > start && (pos == e || (unsigned char)L[pos] <= ' ')) {
                if (pos < e && !c_space((unsigned char)L[pos]))
                    goto slow; /* a control byte: part of the word */
                w = wv_push(sh->p);
                if (!w || !make_word(sh, w, L + start, pos - start, start,
                                     pos - start))
                    return e;
                if (++pushed == max)
                    return pos;
                continue;
            }
        slow:
            memcpy(buf, L + start, pos - start);
            blen = pos - start;
            in_word = true;
            continue;
        }
        if (pos == e || (!quote && sp)) {
            if (blank_ok || blen > 0) {
                w = wv_push(sh->p);
                if (!w || !make_word(sh, w, buf, blen, start, pos - start))
                    return e;
                if (++pushed == max)
                    return pos;
            }
            in_word = false;
            if (pos == e)
                break;
            pos += (uint32_t)sp;
            continue;
        }
        if (!quote) {
            if (L[pos] == '\'' || L[pos] == '"') {
                quote = L[pos];
                blank_ok = true;
            } else if (L[pos] == esc) {
                if (pos + 1 == e) {
                    pos++;
                    continue;
                }
                buf[blen++] = L[pos++];
            } else {
                /* the rest of a run of printable ASCII that means nothing
                 * here (the usual word) in one go */
                uint32_t s0 = pos++;

                pos = scan_plain(L, pos, e, esc);
                memcpy(buf + blen, L + s0, pos - s0);
                blen += pos - s0;
                continue;
            }
            buf[blen++] = L[pos++];
            continue;
        }
        if (L[pos] == quote) {
            quote = 0;
        } else if (L[pos] == esc && quote != '\'') {
            if (pos + 1 == e) {
                quote = 0;
                pos++;
                continue;
            }
            buf[blen++] = L[pos++];
        } else {
            /* quoted text up to the next quote or escape in one go */
            uint32_t s0 = pos++;

            if (quote == '\'') {
                const char *q = memchr(L + pos, '\'', e - pos);

                pos = q ? (uint32_t)(q - L) : e;
            } else {
                pos = scan_dquoted(L, pos, e, esc);
            }
            memcpy(buf + blen, L + s0, pos - s0);
            blen += pos - s0;
            continue;
        }
        buf[blen++] = L[pos++];
    }
    return e;
}

/* All the words of [b, e), as above. */
static void push_words(shaper *sh, uint32_t b, uint32_t e)
{
    push_words_max(sh, b, e, SIZE_MAX);
}

static void split_words(shaper *sh, uint32_t b, uint32_t e, tfl_word **out,
                        uint32_t *n)
{
    size_t mark = sh->p->nwv;

    push_words(sh, b, e);
    wv_take(sh->p, mark, out, n);
}

/* --- Flags ---------------------------------------------------------------- */

/*
 * Split leading `--flag` words off [*b, e): quote spans inside a flag are
 * unwrapped and a backslash takes the next character literally; a bare `--`
 * ends the flags and is dropped. *b, past white space, moves to the first
 * argument, past white space too.
 */
static void extract_flags(shaper *sh, uint32_t *b, uint32_t e)
{
    const char *L = sh->L;
    size_t cap = 0, nf;
    char *buf;
    uint32_t pos = *b;

    if (pos + 1 >= e || L[pos] != '-' || L[pos + 1] != '-')
        return; /* no flags: the common case costs nothing more */
    buf = scratch(sh->p, (size_t)(e - *b) + 1);
    if (!buf)
        return;
    for (;;) {
        uint32_t start;
        size_t blen = 0;
        char quote = 0;
        bool blank_ok = false;
        tfl_flag *f;
        char *eq;

        while (pos < e && c_space((unsigned char)L[pos]))
            pos++;
        if (pos >= e || L[pos] != '-' || pos + 1 >= e || L[pos + 1] != '-')
            break;
        start = pos;
        while (pos < e) {
            char c = L[pos];

            if (!quote) {
                /* a run of bytes taken as they are, in one go */
                uint32_t r = scan_plain(L, pos, e, '\\');

                if (r > pos) {
                    memcpy(buf + blen, L + pos, r - pos);
                    blen += r - pos;
                    pos = r;
                    continue;
                }
            }
            if (!quote && c_space((unsigned char)c))
                break;
            if (!quote && (c == '\'' || c == '"')) {
                quote = c;
                blank_ok = true;
                pos++;
                continue;
            }
            if (quote && c == quote) {
                quote = 0;
                pos++;
                continue;
            }
            if (c == '\\') {
                if (pos + 1 == e) {
                    pos++;
                    quote = 0;
                    continue;
                }
                pos++;
                c = L[pos];
            }
            buf[blen++] = c;
            pos++;
        }
        if (blen == 2 && buf[0] == '-' && buf[1] == '-') {
            while (pos < e && c_space((unsigned char)L[pos]))
                pos++;
            *b = pos;
            return;
        }
        if (!blank_ok && blen == 0)
            continue;
        nf = sh->in->nflags;
        f = tfl_arena_push(sh->p->a, (void **)&sh->in->flags, &nf, &cap,
                           sizeof *f);
        sh->in->nflags = (uint32_t)nf;
        if (!f || !make_word(sh, &f->word, buf, blen, start, pos - start)) {
            sh->p->oom = true;
            return;
        }
        eq = strchr(f->word.text + 2, '=');
        f->name = pool_strndup(sh->p, f->word.text + 2,
                               eq ? (size_t)(eq - f->word.text - 2)
                                  : f->word.len - 2);
        f->value = eq ? eq + 1 : NULL;
        if (!f->name)
            sh->p->oom = true;
    }
    *b = pos;
}

const tfl_flag *tfl_instr_flag(const tfl_instr *in, const char *name)
{
    const tfl_flag *found = NULL;
    size_t i;

    for (i = 0; i < in->nflags; i++)
        if (strcmp(in->flags[i].name, name) == 0)
            found = &in->flags[i];
    return found;
}

/* --- Argument shapes ------------------------------------------------------ */

/* Try exec form on [b, e). Returns 1 when JSON (args set), 0 when not,
 * -1 on the non-string error (reported). */
static int shape_json_array(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_json_elem room[JSON_ROOM], *el;
    size_t n, i, end;
    tfl_json_status st;

    st = tfl_json_string_array(sh->p->a, sh->L + b, e - b, room, JSON_ROOM, &el,
                               &n, &end);
    if (st == TFL_JSON_OOM) {
        sh->p->oom = true;
        return -1;
    }
    if (st == TFL_JSON_SYNTAX) {
        sh->in->json_invalid = true;
        return 0;
    }
    if (st == TFL_JSON_NOT_STRING) {
        ERR(sh->p, tfl_textmap_span(&sh->in->map, b, e - b),
            "when using JSON array syntax, arrays must be comprised of "
            "strings only");
        sh->p->doc->parser_failed = true;
        return -1;
    }
    sh->in->json = true;
    sh->in->args =
        tfl_arena_alloc_raw(sh->p->a, (n ? n : 1) * sizeof(tfl_word));
    if (!sh->in->args) {
        if (el != room)
            free(el);
        sh->p->oom = true;
        return -1;
    }
    for (i = 0; i < n; i++) {
        tfl_word *w = &sh->in->args[i];
        w->text = el[i].text;
        w->len = el[i].len;
        w->off = b + el[i].off;
        w->raw_len = el[i].raw_len;
        w->span = tfl_textmap_span(&sh->in->map, w->off, w->raw_len);
    }
    if (el != room)
        free(el);
    sh->in->nargs = (uint32_t)n;
    return 1;
}

/* shape_json_array() when [b, e) starts with '[', the rare case. */
static inline int shape_json(shaper *sh, uint32_t b, uint32_t e)
{
    if (b >= e || sh->L[b] != '[')
        return 0;
    return shape_json_array(sh, b, e);
}

/* Whole [b, e) as one word (already trimmed), or no argument when empty. */
static void shape_string(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_word *w;

    if (b >= e)
        return;
    /* every field is written by make_word() */
    w = pool(sh->p, sizeof *w, _Alignof(tfl_word));
    if (!w)
        return;
    sh->in->args = w;
    sh->in->nargs = 1;
    make_word(sh, w, sh->L + b, e - b, b, e - b);
}

static void shape_maybe_json(shaper *sh, uint32_t b, uint32_t e)
{
    if (b >= e)
        return;
    if (shape_json(sh, b, e) != 0)
        return;
    shape_string(sh, b, e);
}

static void shape_json_or_words(shaper *sh, uint32_t b, uint32_t e)
{
    if (shape_json(sh, b, e) != 0)
        return;
    split_blanks(sh, b, e, &sh->in->args, &sh->in->nargs);
}

static void shape_healthcheck(shaper *sh, uint32_t b, uint32_t e)
{
    uint32_t sep = b;
    tfl_word *w;
    tfl_instr *in = sh->in;

    if (b >= e)
        return;
    while (sep < e && sh->L[sep] != ' ' && sh->L[sep] != '\t')
        sep++;
    w = tfl_arena_alloc(sh->p->a, sizeof *w);
    if (!w) {
        sh->p->oom = true;
        return;
    }
    in->args = w;
    in->nargs = 1;
    if (!make_word(sh, w, sh->L + b, sep - b, b, sep - b))
        return;
    trim_space(sh->L, &sep, &e);
    if (sep >= e)
        return;
    {
        /* The command follows the type word: shape it alone, then put the
         * type in front. */
        tfl_word type = *w;
        size_t i;

        in->args = NULL;
        in->nargs = 0;
        shape_maybe_json(sh, sep, e);
        w = tfl_arena_alloc(sh->p->a, (in->nargs + 1) * sizeof *w);
        if (!w) {
            sh->p->oom = true;
            return;
        }
        w[0] = type;
        for (i = 0; i < in->nargs; i++)
            w[i + 1] = in->args[i];
        in->args = w;
        in->nargs++;
    }
}

/* Go's %q for an error message; plain ASCII is the usual case. */
static const char *quote_go(parser *p, const char *s, size_t n)
{
    tfl_buf b;
    const char *r;
    size_t i;

    tfl_buf_init(&b, 4096);
    tfl_buf_putc(&b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            tfl_buf_printf(&b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            tfl_buf_printf(&b, "\\x%02x", c);
        else
            tfl_buf_putc(&b, (char)c);
    }
    tfl_buf_putc(&b, '"');
    r = b.failed ? "\"...\"" : tfl_arena_strndup(p->a, b.data, b.len);
    tfl_buf_free(&b);
    return r ? r : "\"\"";
}

static void shape_pairs(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_instr *in = sh->in;
    const char *kw = in->kind == TFL_ENV ? "ENV" : "LABEL";
    tfl_word *words;
    size_t mark = sh->p->nwv, n, i;
    uint32_t rest;
    bool legacy;

    /* The split words stay on the word stack: only their texts are kept,
     * cut in place at the '=', and their spans are made only for an error. */
    sh->nospan = true;
    rest = push_words_max(sh, b, e, 1);
    if (sh->p->nwv == mark) {
        sh->nospan = false;
        return; /* the stack may not exist yet: no pointer into it */
    }
    /* The first word tells the form; the legacy form needs no more. */
    words = sh->p->wv + mark;
    legacy = !memchr(words[0].text, '=', words[0].len);
    if (!legacy)
        push_words(sh, rest, e);
    sh->nospan = false;
    n = sh->p->nwv - mark;
    sh->p->nwv = mark;
    words = sh->p->wv + mark;
    in->pairs =
        pool(sh->p, (legacy ? 1 : n) * sizeof *in->pairs, _Alignof(tfl_pair));
    if (!in->pairs)
        return;
    if (legacy) {
        /* Legacy form: the first token is the key, the rest the value. */
        uint32_t k = b, v;
        tfl_pair *pr;

        k = scan_unblank(sh->L, k, e);
        v = k;
        while (v < e && is_blank(sh->L[v]))
            v++;
        if (v >= e) {
            ERR(sh->p, tfl_textmap_span(&in->map, b, e - b),
                "%s must have two arguments", kw);
            sh->p->doc->parser_failed = true;
            return;
        }
        pr = &in->pairs[in->npairs++];
        if (!make_word(sh, &pr->key, sh->L + b, k - b, b, k - b) ||
            !make_word(sh, &pr->value, sh->L + v, e - v, v, e - v)) {
            sh->p->oom = true;
            return;
        }
        in->legacy = true;
    } else {
        for (i = 0; i < n; i++) {
            const char *eq = memchr(words[i].text, '=', words[i].len);
            tfl_pair *pr;
            size_t klen;

            if (!eq) {
                ERR(sh->p,
                    tfl_textmap_span(&in->map, words[i].off, words[i].raw_len),
                    "Syntax error - can't find = in %s. Must be of the form: "
                    "name=value",
                    quote_go(sh->p, words[i].text, words[i].len));
                sh->p->doc->parser_failed = true;
                in->npairs = 0;
                return;
            }
            pr = &in->pairs[in->npairs++];
            klen = (size_t)(eq - words[i].text);
            if (words[i].text != sh->L + words[i].off) {
                /* the word's own copy: its key ends where the '=' was,
                 * and its value is the rest, ended by the copy's NUL */
                ((char *)words[i].text)[klen] = '\0';
                set_word(sh, &pr->key, words[i].text, klen, words[i].off,
                         (uint32_t)klen);
                set_word(sh, &pr->value, eq + 1, words[i].len - klen - 1,
                         words[i].off + (uint32_t)klen + 1,
                         words[i].raw_len - (uint32_t)klen - 1);
                continue;
            }
            make_word(sh, &pr->key, words[i].text, klen, words[i].off,
                      (uint32_t)klen);
            make_word(sh, &pr->value, eq + 1, words[i].len - klen - 1,
                      words[i].off + (uint32_t)klen + 1,
                      words[i].raw_len - (uint32_t)klen - 1);
        }
    }
    /* args: key and value of each pair, for rules that walk words: the
     * same array, seen as words */
    if (in->npairs == 0)
        return;
    in->args = (tfl_word *)(void *)in->pairs;
    in->nargs = 2 * in->npairs;
}

/* See tfl_instr: its size is a large share of a big file's memory. */
_Static_assert(sizeof(void *) != 8 || sizeof(tfl_instr) == 80,
               "tfl_instr is 80 bytes on 64-bit targets");

/* The pairs are their words two by two, with nothing in between. */
_Static_assert(sizeof(tfl_pair) == 2 * sizeof(tfl_word) &&
                   offsetof(tfl_pair, value) == sizeof(tfl_word),
               "a pair is two words");

/*
 * Keep the node values BuildKit's parser sees for the dump, before an
 * inline comment is cut from the arguments (see tfl_doc.node_args): the
 * words shaped so far, or key, value and "=" ("" when legacy) of each
 * ENV/LABEL pair.
 */
static void keep_node_args(shaper *sh)
{
    tfl_instr *in = sh->in;
    tfl_node_args *k;
    tfl_word *w;
    size_t i, n = 0;

    k = heap_push(sh->p, (void **)&sh->p->doc->node_args,
                  &sh->p->doc->nnode_args, &sh->p->cap_nodes, sizeof *k);
    if (!k)
        return;
    k->at = in->span.start;
    k->words = in->args;
    k->n = in->nargs;
    if (in->kind != TFL_ENV && in->kind != TFL_LABEL)
        return;
    w = tfl_arena_alloc_raw(sh->p->a, (in->npairs * 3 + 1) * sizeof *w);
    if (!w) {
        sh->p->oom = true;
        return;
    }
    for (i = 0; i < in->npairs; i++) {
        w[n++] = in->pairs[i].key;
        w[n++] = in->pairs[i].value;
        w[n] = in->pairs[i].key;
        w[n].text = in->legacy ? "" : "=";
        w[n].len = in->legacy ? 0 : 1;
        n++;
    }
    k->words = w;
    k->n = (uint32_t)n;
}

/* --- Extras: triggers and inline comments --------------------------------- */

/* The entry of the instruction whose keyword starts at `at`, or NULL. */
static tfl_instr_extra *extra_at(const tfl_doc *doc, uint32_t at)
{
    size_t lo = 0, hi = doc->nextras;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (doc->extras[mid].at < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < doc->nextras && doc->extras[lo].at == at ? &doc->extras[lo]
                                                         : NULL;
}

/*
 * The entry for `in`, made when missing. Entries are made in the order of
 * their keywords (an ONBUILD's before its trigger is shaped), so the table
 * stays sorted and a new one is always the last. The pointer lasts until
 * the next entry is made.
 */
static tfl_instr_extra *extra_for(parser *p, const tfl_instr *in)
{
    uint32_t at = in->span.start;
    tfl_instr_extra *x = extra_at(p->doc, at);

    if (x)
        return x;
    assert(p->doc->nextras == 0 || p->doc->extras[p->doc->nextras - 1].at < at);
    x = heap_push(p, (void **)&p->doc->extras, &p->doc->nextras, &p->cap_extras,
                  sizeof *x);
    if (x)
        x->at = at;
    return x;
}

tfl_instr *tfl_instr_trigger(const tfl_doc *doc, const tfl_instr *in)
{
    const tfl_instr_extra *x;

    if (in->kind != TFL_ONBUILD)
        return NULL;
    x = extra_at(doc, in->span.start);
    return x ? x->trigger : NULL;
}

tfl_span tfl_instr_keyword_span(const tfl_doc *doc, const tfl_instr *in)
{
    const tfl_instr_extra *x =
        in->kw_extra ? extra_at(doc, in->span.start) : NULL;

    if (x)
        return tfl_textmap_span(&in->map, x->kw_off, x->kw_len);
    return tfl_textmap_span(&in->map, 0, in->kw_len);
}

tfl_word tfl_instr_keyword(const tfl_doc *doc, const tfl_instr *in)
{
    tfl_word w;

    const tfl_instr_extra *x =
        in->kw_extra ? extra_at(doc, in->span.start) : NULL;

    w.text = kind_names[in->kind];
    w.len = in->kw_len;
    w.off = 0;
    if (x) {
        if (x->keyword)
            w.text = x->keyword;
        w.len = x->kw_len;
        w.off = x->kw_off;
    }
    w.raw_len = w.len;
    w.span = tfl_textmap_span(&in->map, w.off, w.len);
    return w;
}

tfl_span tfl_instr_comment(const tfl_doc *doc, const tfl_instr *in)
{
    const tfl_instr_extra *x;
    tfl_span none = {0, 0};

    if (!in->inline_comment)
        return none;
    x = extra_at(doc, in->span.start);
    return x ? x->comment : none;
}

static void shape(shaper *sh, uint32_t b, uint32_t e);

/* ONBUILD: the rest is an instruction of its own, sharing text and map. */
static void shape_trigger(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_instr *t;
    tfl_instr_extra *x;
    size_t slot;
    shaper sub;

    if (b >= e)
        return;
    /* the ONBUILD's entry first, so that the trigger's comes after it */
    if (!(x = extra_for(sh->p, sh->in)))
        return;
    slot = (size_t)(x - sh->p->doc->extras);
    t = tfl_arena_alloc(sh->p->a, sizeof *t);
    if (!t) {
        sh->p->oom = true;
        return;
    }
    t->line = sh->in->line;
    t->line_len = sh->in->line_len;
    t->map = sh->in->map;
    sub.p = sh->p;
    sub.in = t;
    sub.L = sh->L;
    sub.nul = sh->nul;
    sub.probe = false;
    sub.nospan = false;
    shape(&sub, b, e);
    t->span.end = sh->in->span.end;
    sh->p->doc->extras[slot].trigger = t;
}

/* --- Inline comments (TF101) ---------------------------------------------- */

/* Can find_inline_comment() find anything in `in`? Not in a text a
 * shell reads, nor in a JSON array, nor in a whole-text instruction. */
static bool may_comment(const tfl_instr *in)
{
    switch (in->kind) {
    case TFL_RUN:
    case TFL_CMD:
    case TFL_ENTRYPOINT:
    case TFL_SHELL:
        return in->json_invalid;
    case TFL_ADD:
    case TFL_COPY:
    case TFL_VOLUME:
        return in->json_invalid || !in->json;
    case TFL_HEALTHCHECK:
    case TFL_FROM:
    case TFL_EXPOSE:
    case TFL_ENV:
    case TFL_LABEL:
    case TFL_ARG:
    case TFL_USER:
    case TFL_WORKDIR:
    case TFL_STOPSIGNAL:
        return true;
    default:
        return false;
    }
}

/* find_inline_comment() for text that began with a JSON array but was
 * not one as a whole: a '#' right after the array. Apart, so that its
 * room for elements does not weigh on the usual case. */
static uint32_t comment_after_json(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_json_elem room[JSON_ROOM], *el;
    uint32_t jb = b;
    size_t end = 0, nel;

    if (sh->in->kind == TFL_HEALTHCHECK) {
        while (jb < e && sh->L[jb] != ' ' && sh->L[jb] != '\t')
            jb++;
        while (jb < e && c_space((unsigned char)sh->L[jb]))
            jb++;
    }
    tfl_json_string_array(sh->p->a, sh->L + jb, e - jb, room, JSON_ROOM, &el,
                          &nel, &end);
    if (el && el != room)
        free(el);
    if (end == 0)
        return 0;
    end += jb;
    while (end < e && c_space((unsigned char)sh->L[end]))
        end++;
    return end < e && sh->L[end] == '#' ? (uint32_t)end : 0;
}

/*
 * Offset of an inline `#` word after the arguments in [b, e), or 0 when
 * there is none. Only for instructions whose text no shell reads.
 */
static uint32_t find_inline_comment(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_instr *in = sh->in;
    size_t mark = sh->p->nwv, i;
    uint32_t found = 0;

    if (b >= e || !may_comment(in) || scan_byte(sh->L, b, e, '#') == e)
        return 0;

    /* The words below are only probed: their texts are not copied. */
    sh->probe = true;
    switch (in->kind) {
    case TFL_RUN:
    case TFL_CMD:
    case TFL_ENTRYPOINT:
    case TFL_SHELL:
    case TFL_HEALTHCHECK:
    case TFL_ADD:
    case TFL_COPY:
    case TFL_VOLUME:
        if (in->json_invalid) {
            sh->probe = false;
            return comment_after_json(sh, b, e);
        }
        if (in->kind == TFL_HEALTHCHECK && in->nargs > 0 &&
            strcasecmp(in->args[0].text, "NONE") == 0) {
            /* NONE takes nothing: a comment after it is an argument. */
            push_blanks(sh, b, e);
            break;
        }
        if (in->kind != TFL_ADD && in->kind != TFL_COPY &&
            in->kind != TFL_VOLUME)
            break;
        if (in->json)
            break;
        /* fall through */
    case TFL_FROM:
    case TFL_EXPOSE:
        push_blanks(sh, b, e);
        break;
    case TFL_ENV:
    case TFL_LABEL:
    case TFL_ARG:
        push_words(sh, b, e);
        break;
    case TFL_USER:
    case TFL_WORKDIR:
    case TFL_STOPSIGNAL:
        push_blanks(sh, b, e);
        break;
    default:
        break;
    }
    sh->probe = false;
    /* w[0] is an argument even when it starts with '#' */
    for (i = mark + 1; i < sh->p->nwv && !found; i++)
        if (sh->p->wv[i].text[0] == '#')
            found = sh->p->wv[i].off;
    sh->p->nwv = mark;
    return found;
}

/* --- Instruction shaping -------------------------------------------------- */

static void shape_args(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_instr *in = sh->in;

    switch (in->kind) {
    case TFL_FROM:
    case TFL_EXPOSE:
        split_blanks(sh, b, e, &in->args, &in->nargs);
        break;
    case TFL_ADD:
    case TFL_COPY:
    case TFL_VOLUME:
        shape_json_or_words(sh, b, e);
        break;
    case TFL_RUN:
    case TFL_CMD:
    case TFL_ENTRYPOINT:
    case TFL_SHELL:
        shape_maybe_json(sh, b, e);
        break;
    case TFL_HEALTHCHECK:
        shape_healthcheck(sh, b, e);
        break;
    case TFL_ENV:
    case TFL_LABEL:
        shape_pairs(sh, b, e);
        break;
    case TFL_ARG:
        split_words(sh, b, e, &in->args, &in->nargs);
        break;
    case TFL_MAINTAINER:
    case TFL_WORKDIR:
    case TFL_USER:
    case TFL_STOPSIGNAL:
        shape_string(sh, b, e);
        break;
    case TFL_ONBUILD:
        shape_trigger(sh, b, e);
        break;
    case TFL_UNKNOWN:
        break;
    }
}

/* Shape the instruction text [b, e) of the joined line. */
static void shape(shaper *sh, uint32_t b, uint32_t e)
{
    tfl_instr *in = sh->in;
    size_t errs = sh->p->doc->nerrors;
    bool failed = sh->p->doc->parser_failed, caps, named;
    uint32_t k, a, c;
    tfl_instr_extra *x;
    tfl_instr *t;

    trim_space(sh->L, &b, &e);
    k = scan_unblank(sh->L, b, e);
    in->kind = kind_of(sh->L + b, k - b, &caps);
    /* the keyword is in the first piece but when the first line holds
     * only the escape */
    in->span.start = holds(in->map.pieces, in->map.npieces, 0, b)
                         ? source_in(in->map.pieces, b)
                         : tfl_textmap_span(&in->map, b, k - b).start;
    named = in->kind != TFL_UNKNOWN && caps;
    if (named && b == 0 && k < KW_LEN_MAX) {
        /* written in capitals at the start, as usual */
        in->kw_len = k;
    } else {
        /* the rare other spelling or place is kept beside the table */
        const char *kw = named ? NULL : pool_strndup(sh->p, sh->L + b, k - b);

        in->kw_extra = true;
        if ((kw || named) && (x = extra_for(sh->p, in))) {
            x->keyword = kw;
            x->kw_off = b;
            x->kw_len = k - b;
        }
    }
    /* blanks after the keyword, then the white space before the flags
     * and after them: together, white space */
    a = k;
    if (a + 1 < e && sh->L[a] == ' ' &&
        ascii_graph((unsigned char)sh->L[a + 1]))
        a++; /* the usual single space */
    else
        while (a < e && c_space((unsigned char)sh->L[a]))
            a++;
    extract_flags(sh, &a, e);
    shape_args(sh, a, e);

    c = find_inline_comment(sh, a, e);
    if (c > a) {
        /* Shape again without the comment; keep BuildKit's node values
         * for the dump and drop errors the comment alone caused. */
        bool json_invalid = in->json_invalid;
        uint32_t ce = c;

        keep_node_args(sh);
        sh->p->doc->nerrors = errs;
        in->args = NULL;
        in->nargs = 0;
        in->pairs = NULL;
        in->npairs = 0;
        in->legacy = false;
        in->json = false;
        in->json_invalid = false;
        while (ce > a && c_space((unsigned char)sh->L[ce - 1]))
            ce--;
        shape_args(sh, a, ce);
        in->json_invalid = json_invalid && !in->json;
        in->inline_comment = true;
        if ((x = extra_for(sh->p, in)))
            x->comment = tfl_textmap_span(&in->map, c, e - c);
        sh->p->doc->parser_failed = sh->p->doc->parser_failed || failed;
    }
    if ((t = tfl_instr_trigger(sh->p->doc, in)) && t->inline_comment &&
        (x = extra_at(sh->p->doc, t->span.start))) {
        tfl_span cs = x->comment;

        in->inline_comment = true;
        if ((x = extra_at(sh->p->doc, in->span.start)))
            x->comment = cs;
    }
}

/* --- Heredocs ------------------------------------------------------------- */

/*
 * Take a heredoc delimiter word [b, e): quotes removed (single quotes
 * literal, backslash escapes next char). Returns false when it is not a
 * single word or a quote is unterminated.
 */
static bool heredoc_name(parser *p, const char *s, uint32_t b, uint32_t e,
                         tfl_heredoc *h)
{
    char *buf = tfl_arena_alloc(p->a, (size_t)(e - b) + 1);
    size_t n = 0;
    bool quoted = false;

    if (!buf) {
        p->oom = true;
        return false;
    }
    while (b < e) {
        char c = s[b++];

        if (c == '\'') {
            quoted = true;
            while (b < e && s[b] != '\'')
                buf[n++] = s[b++];
            if (b >= e)
                return false;
            b++;
        } else if (c == '"') {
            quoted = true;
            while (b < e && s[b] != '"') {
                if (s[b] == '\\' && b + 1 < e &&
                    (s[b + 1] == '"' || s[b + 1] == '\\' || s[b + 1] == '$'))
                    b++;
                buf[n++] = s[b++];
            }
            if (b >= e)
                return false;
            b++;
        } else if (c == '\\') {
            if (b < e)
                buf[n++] = s[b++];
        } else if (c_space((unsigned char)c)) {
            return false;
        } else {
            buf[n++] = c;
        }
    }
    buf[n] = '\0';
    h->name = buf;
    h->expand = !quoted;
    return true;
}

/* Does the word [b, e) of the line announce a heredoc? Fills `h`. */
static bool heredoc_marker(parser *p, const char *s, uint32_t b, uint32_t e,
                           uint32_t next_b, uint32_t next_e, bool *uses_next,
                           tfl_heredoc *h)
{
    uint32_t k = b, r;
    unsigned fd = 0;

    *uses_next = false;
    while (k < e && s[k] >= '0' && s[k] <= '9') {
        if (fd < 100000)
            fd = fd * 10 + (unsigned)(s[k] - '0');
        k++;
    }
    if (e - k < 2 || s[k] != '<' || s[k + 1] != '<')
        return false;
    k += 2;
    h->chomp = k < e && s[k] == '-';
    if (h->chomp)
        k++;
    r = k;
    if (r == e) {
        /* `<< EOF`: the delimiter is the next word */
        if (next_b >= next_e)
            return false;
        r = next_b;
        e = next_e;
        *uses_next = true;
    }
    if (memchr(s + r, '<', e - r))
        return false;
    h->fd = (int)fd;
    return heredoc_name(p, s, r, e, h);
}

/* Find heredoc markers in the instruction's joined text. */
static void find_heredocs(parser *p, tfl_instr *in, tfl_instr *target)
{
    const char *s = in->line;
    uint32_t e = (uint32_t)in->line_len, pos = 0;
    uint32_t wb[2] = {0, 0}, we[2] = {0, 0};
    size_t cap = 0;
    int have = 0;

    for (pos = 0; pos + 1 < e; pos++) {
        const char *lt = memchr(s + pos, '<', e - 1 - pos);

        if (!lt)
            return;
        pos = (uint32_t)(lt - s);
        if (s[pos + 1] == '<')
            break;
    }
    if (pos + 1 >= e)
        return;
    pos = 0;
    /* Tokenise with shell-like rules, one word of look-ahead. */
    for (;;) {
        while (have < 2) {
            char q = 0;

            while (pos < e && c_space((unsigned char)s[pos]))
                pos++;
            if (pos >= e)
                break;
            wb[have] = pos;
            while (pos < e && (q || !c_space((unsigned char)s[pos]))) {
                if (q) {
                    if (s[pos] == q)
                        q = 0;
                    else if (s[pos] == '\\' && q == '"' && pos + 1 < e)
                        pos++;
                } else if (s[pos] == '\'' || s[pos] == '"') {
                    q = s[pos];
                } else if (s[pos] == '\\' && pos + 1 < e) {
                    pos++;
                }
                pos++;
            }
            we[have++] = pos;
        }
        if (have == 0)
            break;
        {
            tfl_heredoc h;
            bool uses_next;

            memset(&h, 0, sizeof h);
            if (heredoc_marker(p, s, wb[0], we[0], have > 1 ? wb[1] : 0,
                               have > 1 ? we[1] : 0, &uses_next, &h)) {
                size_t nh = target->nheredocs;
                tfl_heredoc *slot = tfl_arena_push(
                    p->a, (void **)&target->heredocs, &nh, &cap, sizeof *slot);

                target->nheredocs = (uint32_t)nh;
                if (!slot) {
                    p->oom = true;
                    return;
                }
                h.marker = tfl_textmap_span(
                    &in->map, wb[0], (uses_next ? we[1] : we[0]) - wb[0]);
                *slot = h;
                if (uses_next) {
                    have = 0;
                    continue;
                }
            }
        }
        wb[0] = wb[1];
        we[0] = we[1];
        have--;
    }
}

/* Read the bodies of in's heredocs from the lines after the instruction. */
static void read_heredoc_bodies(parser *p, tfl_instr *owner, tfl_instr *in)
{
    size_t k;

    for (k = 0; k < in->nheredocs; k++) {
        tfl_heredoc *h = &in->heredocs[k];
        size_t namelen = strlen(h->name);
        uint32_t body_start, body_end, b, e, next;

        body_start = p->next < p->nphys ? p->src->line_starts[p->next]
                                        : (uint32_t)p->src->len;
        body_end = body_start;
        while (p->next < p->nphys) {
            next = phys_line(p, p->next, &b, &e);
            p->next++;
            if (h->chomp)
                while (b < e && p->src->data[b] == '\t')
                    b++;
            if ((size_t)(e - b) == namelen &&
                memcmp(p->src->data + b, h->name, namelen) == 0) {
                h->terminated = true;
                owner->span.end = e;
                break;
            }
            body_end = next;
            owner->span.end = e;
        }
        h->body = p->src->data + body_start;
        h->body_len = body_end - body_start;
        h->body_span = span_of(body_start, body_end);
        if (!h->terminated) {
            ERR(p, h->marker, "unterminated heredoc");
            p->doc->parser_failed = true;
        }
    }
}

static bool heredoc_kind(const tfl_instr *in)
{
    return (in->kind == TFL_RUN || in->kind == TFL_COPY ||
            in->kind == TFL_ADD) &&
           !in->json;
}

/* --- Directives ----------------------------------------------------------- */

/* Is line [b, e) a well-formed directive of a known key? Handles it. */
static bool directive(parser *p, uint32_t b, uint32_t e)
{
    const char *s = p->src->data;
    uint32_t kb, ke, vb, ve, i = b;
    tfl_directive *d;
    char key[16];
    size_t k, klen;

    while (i < e && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= e || s[i] != '#')
        return false;
    i++;
    while (i < e && c_space((unsigned char)s[i]))
        i++;
    kb = i;
    if (i >= e || !isalpha((unsigned char)s[i]))
        return false;
    while (i < e && isalnum((unsigned char)s[i]))
        i++;
    ke = i;
    while (i < e && c_space((unsigned char)s[i]))
        i++;
    if (i >= e || s[i] != '=')
        return false;
    i++;
    while (i < e && c_space((unsigned char)s[i]))
        i++;
    vb = i;
    ve = e;
    while (ve > vb && c_space((unsigned char)s[ve - 1]))
        ve--;
    klen = ke - kb;
    if (vb >= ve || klen >= sizeof key)
        return false;
    for (k = 0; k < klen; k++)
        key[k] = (char)tolower((unsigned char)s[kb + k]);
    key[klen] = '\0';
    if (strcmp(key, "syntax") != 0 && strcmp(key, "escape") != 0 &&
        strcmp(key, "check") != 0)
        return false;
    for (k = 0; k < p->doc->ndirectives; k++) {
        if (strcmp(p->doc->directives[k].key, key) == 0) {
            ERR(p, span_of(b, e), "only one %s parser directive can be used",
                key);
            p->doc->parser_failed = true;
            return true;
        }
    }
    d = tfl_arena_push(p->a, (void **)&p->doc->directives, &p->doc->ndirectives,
                       &p->cap_dirs, sizeof *d);
    if (!d) {
        p->oom = true;
        return true;
    }
    d->key = tfl_arena_strndup(p->a, key, klen);
    d->value = tfl_arena_strndup(p->a, s + vb, ve - vb);
    d->span = span_of(b, e);
    d->value_span = span_of(vb, ve);
    if (!d->key || !d->value) {
        p->oom = true;
        return true;
    }
    if (strcmp(key, "escape") == 0) {
        if (ve - vb == 1 && (s[vb] == '\\' || s[vb] == '`')) {
            p->esc = s[vb];
        } else {
            ERR(p, d->value_span,
                "invalid escape token '%.*s' does not match ` or \\",
                (int)(ve - vb), s + vb);
            p->doc->parser_failed = true;
        }
    }
    return true;
}

/* --- Lines ---------------------------------------------------------------- */

/* The error for a line too long (see too_long()), kept out of line. */
static void report_too_long(parser *p, uint32_t b)
{
    ERR(p, span_of(b, b + 1),
        "dockerfile line greater than max allowed size of %d", TFL_MAX_LINE);
    p->doc->parser_failed = true;
}

static inline bool too_long(parser *p, uint32_t b, uint32_t e, bool report)
{
    if (e - b <= TFL_MAX_LINE)
        return false;
    if (report)
        report_too_long(p, b);
    return true;
}

#ifndef __SSE2__
/* Leading spaces of the eight bytes `v`, in bytes (8 when all are). */
static inline unsigned spaces8(uint64_t v)
{
    v ^= ' ' * TFL_ONES8;
    if (v == 0)
        return 8;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (unsigned)__builtin_ctzll(v) / 8;
#else
    {
        unsigned n = 0;

        while (((v >> (56 - 8 * n)) & 0xFF) == 0)
            n++;
        return n;
    }
#endif
}
#endif

/* First offset of [b, e) after leading Unicode white space: a line is
 * blank when that is e and a comment when it holds '#'. */
static inline uint32_t skip_space(const char *s, uint32_t b, uint32_t e)
{
    size_t n;

    /* an instruction at the line's start, or an indent of spaces and
     * tabs (a continued line's), in one step */
    if (b < e && ascii_graph((unsigned char)s[b]))
        return b;
#ifdef __SSE2__
    if (e - b >= 16 || tail16(s + b, e - b)) {
        __m128i v = load16(s + b);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))));

        m = ~m & 0xFFFF;
        if (e - b < 16)
            m = tail_mask(m, e - b);
        if (m) {
            b += ctz16(m);
            if (b == e || ascii_graph((unsigned char)s[b]))
                return b;
        } else {
            b += 16;
        }
    }
#else
    while (e - b >= 8) {
        unsigned k = spaces8(tfl_load8(s + b));

        b += k;
        if (k < 8) {
            if (ascii_graph((unsigned char)s[b]))
                return b;
            break;
        }
    }
#endif
    while (b < e) {
        unsigned char c = (unsigned char)s[b];

        if (c == ' ' || c == '\t') {
            b++;
            continue;
        }
        if (ascii_graph(c)) /* printable ASCII: no space */
            return b;
        if ((n = space_len(s + b, e - b)) == 0)
            return b;
        b += (uint32_t)n;
    }
    return b;
}

/* Comment line [b, e) whose '#' is at `hash`. */
static inline void add_comment(parser *p, uint32_t hash, uint32_t e)
{
    const char *s = p->src->data;
    tfl_comment *c;
    uint32_t tb = hash + 1, te = e;

    /* "# text", the usual comment, has nothing more to trim */
    if (tb < te && s[tb] == ' ')
        tb++;
    if (!(tb < te && ascii_graph((unsigned char)s[tb]) &&
          ascii_graph((unsigned char)s[te - 1])))
        trim_space(s, &tb, &te);
    /* every field is written below */
    c = heap_slot(p, (void **)&p->doc->comments, &p->doc->ncomments,
                  &p->cap_comments, sizeof *c);
    if (!c)
        return;
    c->off = tb;
    c->len = te > tb ? te - tb : 0;
    c->line = (uint32_t)p->next; /* the line just read, 1-based */
}

/* Does [b, e) of `s` end in a continuation with escape character `esc`?
 * Sets *piece_end to what is kept. */
static inline bool continues(const char *s, char esc, uint32_t b, uint32_t e,
                             uint32_t *piece_end)
{
    uint32_t t = e;
    char c;

    *piece_end = e;
    if (t == b)
        return false;
    c = s[t - 1];
    if (c != esc) {
        /* the usual line ends in a byte that is neither */
        if (c != ' ' && c != '\t')
            return false;
        while (t > b && (s[t - 1] == ' ' || s[t - 1] == '\t'))
            t--;
        if (t == b || s[t - 1] != esc)
            return false;
    }
    if (t - 1 == b || s[t - 2] != esc) {
        *piece_end = t - 1;
        return true;
    }
    return false;
}

/* Room for one more piece on the heap stack; NULL (and oom) when memory
 * runs out. */
static tfl_piece *piece_slot(parser *p, size_t n)
{
    if (n == p->cap_pv &&
        !tfl_heap_grow((void **)&p->pv, &p->cap_pv, sizeof *p->pv)) {
        p->oom = true;
        return NULL;
    }
    return &p->pv[n];
}

/*
 * Gather the pieces of the instruction whose first line's content is
 * [b, e) on the piece stack: the lines it continues on, comment lines
 * among them noted and skipped, blank ones skipped. Returns their number
 * (0 when memory ran out); *total is the joined length, *last_end the end
 * of the last line taken, *empty set when a blank line was skipped. Most
 * of a file's lines go through this loop: it keeps the text and the
 * escape in locals.
 */
static size_t gather(parser *p, uint32_t b, uint32_t e, uint32_t *total,
                     uint32_t *last_end, bool *empty)
{
    const char *s = p->src->data;
    size_t nphys = p->nphys, i = p->next, n = 0;
    uint32_t tot = 0, pe;
    const char esc = p->esc;
    bool cont = continues(s, esc, b, e, &pe);

    *last_end = e;
    for (;;) {
        tfl_piece *pc = piece_slot(p, n);

        if (!pc)
            return 0;
        n++;
        pc->text_off = tot;
        pc->src_off = b;
        pc->len = pe - b;
        tot += pe - b;
        if (!cont)
            break;
        cont = false;
        while (i < nphys) {
            uint32_t lb, le, t;

            src_line(p->src, i++, &lb, &le);
            if (too_long(p, lb, le, true))
                continue;
            t = skip_space(s, lb, le);
            if (t == le) {
                *empty = true;
                continue;
            }
            if (s[t] == '#') {
                p->next = i;
                add_comment(p, t, le);
                continue;
            }
            b = lb;
            *last_end = le;
            cont = continues(s, esc, lb, le, &pe);
            goto next_piece;
        }
        break;
    next_piece:;
    }
    p->next = i;
    *total = tot;
    return n;
}

/* Assemble and shape the instruction whose first line's content is
 * [b, e). */
static void instruction(parser *p, uint32_t b, uint32_t e)
{
    const tfl_source *src = p->src;
    tfl_piece *pieces;
    size_t npieces, i;
    uint32_t total, last_end;
    tfl_instr *in;
    const char *text;
    tfl_instr *trig;
    bool empty = false;
    shaper sh;

    in = heap_push(p, (void **)&p->doc->instrs, &p->doc->ninstrs,
                   &p->cap_instrs, sizeof *in);
    if (!in)
        return;
    npieces = gather(p, b, e, &total, &last_end, &empty);
    if (npieces == 0)
        return;
    if (empty)
        in->empty_continuation = true;

    /* The pieces were gathered on the heap: the arena gets them at their
     * number, not at a doubled capacity. The text of one piece is the
     * source's own (without a NUL after it); pieces are joined in a copy. */
    pieces = pool(p, npieces * sizeof *pieces, _Alignof(tfl_piece));
    if (!pieces)
        return;
    if (npieces == 1) {
        pieces[0] = p->pv[0];
        text = src->data + pieces[0].src_off;
    } else {
        char *copy = pool(p, total + 1, 1);

        if (!copy)
            return;
        memcpy(pieces, p->pv, npieces * sizeof *pieces);
        for (i = 0; i < npieces; i++)
            memcpy(copy + pieces[i].text_off, src->data + pieces[i].src_off,
                   pieces[i].len);
        copy[total] = '\0';
        text = copy;
    }
    in->line = text;
    in->line_len = total;
    in->map.pieces = pieces;
    in->map.npieces = npieces;

    sh.p = p;
    sh.in = in;
    sh.L = text;
    sh.nul = npieces > 1;
    sh.probe = false;
    sh.nospan = false;
    in->span.end = last_end;
    shape(&sh, 0, (uint32_t)total);
    if ((trig = tfl_instr_trigger(p->doc, in)))
        trig->span.end = in->span.end;

    {
        tfl_instr *target = in->kind == TFL_ONBUILD ? trig : in;
        if (target && heredoc_kind(target)) {
            find_heredocs(p, in, target);
            read_heredoc_bodies(p, in, target);
            if (target != in) {
                in->heredocs = target->heredocs;
                in->nheredocs = target->nheredocs;
                target->span.end = in->span.end;
            }
        }
    }
}

uint32_t tfl_instr_first_line(const tfl_doc *doc, const tfl_instr *in)
{
    /* The first piece starts on the first line (empty when that line holds
     * only the escape), and a trigger shares its ONBUILD's pieces. */
    return tfl_source_line_of(doc->src, in->map.pieces[0].src_off);
}

/* Where tfl_instr_comments() stopped last (per thread): only a hint. */
static _Thread_local const tfl_comment *hint_comments;
static _Thread_local size_t hint_comment;

/*
 * The 1-based line of source offset `o`, which is after the comment at
 * doc->comments[k - 1], or 0 when no comment above `o` can be directly
 * above its line: the lines between, each shorter than TFL_MAX_LINE,
 * would end the block. Mostly found from the comment's line, without a
 * search of the line table.
 */
static uint32_t line_below(const tfl_doc *doc, size_t k, uint32_t o)
{
    const tfl_source *src = doc->src;
    uint32_t cl = doc->comments[k - 1].line; /* index of the next line */

    assert(cl < src->nlines);
    if (src->line_starts[cl] <= o &&
        (cl + 1 >= src->nlines || o < src->line_starts[cl + 1]))
        return cl + 1;
    if (o - src->line_starts[cl] <= TFL_MAX_LINE)
        return 0;
    return tfl_source_line_of(src, o);
}

size_t tfl_instr_comments(const tfl_doc *doc, const tfl_instr *in,
                          size_t *first)
{
    /* Going up from the line above: comment lines are taken, lines too
     * long are skipped (the parser skips them without ending the block),
     * anything else ends the block. The comments above the instruction
     * are those before its first byte. */
    size_t lo = 0, hi = doc->ncomments, k;
    uint32_t o = in->map.pieces[0].src_off, line;

    /* Callers go down the file: the comments before the last answer are
     * skipped, and the next few looked at one by one before a bisection. */
    if (hint_comments == doc->comments && hint_comment <= hi &&
        (hint_comment == 0 || doc->comments[hint_comment - 1].off < o)) {
        lo = hint_comment;
        while (lo < hi && lo < hint_comment + 8 && doc->comments[lo].off < o)
            lo++;
        if (lo < hi && doc->comments[lo].off >= o)
            hi = lo;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (doc->comments[mid].off < o)
            lo = mid + 1;
        else
            hi = mid;
    }
    hint_comments = doc->comments;
    hint_comment = lo;
    *first = k = lo;
    if (lo == 0 || (line = line_below(doc, lo, o)) == 0)
        return 0;
    while (--line >= 1) {
        uint32_t b, e;

        if (k > 0 && doc->comments[k - 1].line == line) {
            k--;
            continue;
        }
        src_line(doc->src, line - 1, &b, &e);
        if (e - b <= TFL_MAX_LINE)
            break;
    }
    *first = k;
    return lo - k;
}

tfl_span tfl_instr_empty_line(const tfl_doc *doc, const tfl_instr *in)
{
    /* Every line between the first and the blank one was read as part of
     * the instruction (a piece, a comment or a line too long), so the
     * blank line is simply the first one after the first line. */
    const tfl_source *src = doc->src;
    size_t i, n = phys_lines(src);
    uint32_t b, e;

    for (i = tfl_instr_first_line(doc, in); i < n; i++) {
        src_line(src, i, &b, &e);
        if (e - b <= TFL_MAX_LINE && skip_space(src->data, b, e) == e)
            return span_of(b, e);
    }
    return span_of(in->span.end, in->span.end);
}

int tfl_parse(tfl_arena *arena, const tfl_source *src, tfl_doc *doc)
{
    parser p;
    bool in_directives = true;

    memset(doc, 0, sizeof *doc);
    memset(&p, 0, sizeof p);
    p.a = arena;
    p.src = src;
    p.doc = doc;
    p.esc = '\\';
    doc->src = src;
    p.nphys = phys_lines(src);

    while (p.next < p.nphys && !p.oom) {
        uint32_t b, e, t;

        phys_line(&p, p.next, &b, &e);
        p.next++;
        if (too_long(&p, b, e, true)) {
            in_directives = false;
            continue;
        }
        if (in_directives) {
            if (directive(&p, b, e))
                continue;
            in_directives = false;
        }
        t = skip_space(src->data, b, e);
        if (t == e)
            continue;
        if (src->data[t] == '#') {
            add_comment(&p, t, e);
            continue;
        }
        instruction(&p, t, e);
    }
    free(p.scratch);
    p.scratch = NULL;
    free(p.wv);
    p.wv = NULL;
    free(p.pv);
    p.pv = NULL;
    heap_settle(&p, (void **)&doc->instrs, doc->ninstrs, sizeof *doc->instrs);
    heap_settle(&p, (void **)&doc->comments, doc->ncomments,
                sizeof *doc->comments);
    heap_settle(&p, (void **)&doc->node_args, doc->nnode_args,
                sizeof *doc->node_args);
    heap_settle(&p, (void **)&doc->extras, doc->nextras, sizeof *doc->extras);
    if (p.oom)
        return -1;
    doc->escape = p.esc;

    if (doc->ninstrs == 0 && !doc->parser_failed) {
        ERR(&p, span_of(src->bom, src->bom), "file with no instructions");
        doc->parser_failed = true;
    }
    if (tfl_validate(arena, doc, &p.cap_errors) != 0 || p.oom)
        return -1;
    return 0;
}
