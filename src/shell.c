/*
 * The shell splitter: recursive descent over the script text, one pass.
 *
 * Grammar, as far as it is followed here:
 *
 *   list     := { command sep } ; sep is ; & && || | |& or a new line
 *   command  := [!] ( simple | if | while | until | for | case
 *                   | { list } | ( list ) | name() command ) {redir}
 *   simple   := { assignment } { word | redir }
 *   word     := { literal | '...' | "..." | $'...' | \c | $NAME | ${...}
 *               | $(list) | `...` | $((...)) }
 *
 * Reserved words count only where a command starts. A list ends at the end
 * of the text or at a terminator one of the enclosing constructs is
 * waiting for (`fi`, `done`, `)`, ...): the set of awaited terminators is
 * passed down, so a construct left open returns to the one whose
 * terminator it met, and a terminator nobody awaits is taken as an
 * ordinary word (or skipped, for ')' and ';;'). Every loop consumes input
 * on each turn, which is what keeps the work linear and finite on any
 * text.
 *
 * Nested texts. $(...) is parsed in place. The content of `...` and the
 * string of `sh -c` are first "cooked" (one level of quoting removed) into
 * a new text, parsed as a level of its own; a textmap built from the runs
 * of the cooking maps its offsets straight to the source, so words inside
 * keep exact spans. Nesting is counted across all of these and capped at
 * TFL_SH_MAX_DEPTH; beyond it, brackets are skipped with a counting scan
 * and the text kept as an opaque part.
 *
 * Memory. The pieces of what is being built (characters of word values,
 * parts, words, assignments, redirections) live on stacks shared by all
 * levels: builders nest strictly, so each takes a mark, pushes, copies its
 * finished items to an exact-size array and pops back to the mark. The
 * stacks and the command, block and reference arrays are scratch: they
 * start in buffers on the C stack, move to the heap when those are full,
 * and what the script keeps is copied out once, at its exact size, into
 * chunks carved from the arena (one arena call per chunk, no rounding per
 * object, and no clearing: whoever takes pool memory fills it). What is
 * kept is small by layout: 32-bit lengths, and a word made of one unquoted
 * literal part (most of them) is its own part. Running out of memory sets
 * a sticky flag; parsing then winds down and tfl_shell_split() returns -1.
 *
 * Speed. Bytes are classified by one table; a run of plain bytes is
 * scanned and copied whole, and a word that is nothing else is built in
 * its slot of the word stack by the loop of the simple command itself,
 * without the other stacks, its value a NUL-ended run of a copy of the
 * level's text (make_vals()). A function definition `name()` is told from
 * a command once its first word is read, not looked for before every
 * command. Span mapping keeps the range of offsets the map piece used
 * last maps alone, as offsets mostly come in order: one comparison each
 * way, and no map is the range of everything; a command's span starts
 * from its first offset mapped before its words, so that a command over
 * many lines does not look back. Keywords, prefixes, shells and
 * export-like builtins are compared only when a switch on the first byte
 * says one may start so, and a command's base name is found once. Parts
 * and references are filled field by field rather than cleared first.
 * Most other words are quoted strings and bare references ("...", '...',
 * $NAME, "${NAME}", and runs of those): simple_word() cuts such a word
 * into its pieces first and builds it at once, read_mixed() and its
 * stacks being left to the rest. Runs of blanks (the indentation of
 * continued lines) are skipped 16 bytes at a time; the cooked texts of
 * backticks and `sh -c` are copied a run at a time. GCC's inlining is
 * steered where it chose badly: the command's finish stays in its loop,
 * the mixed-word paths out of it (counted: each choice the other way
 * costs some hundred thousand instructions on the corpus).
 */
#include "tflint/shell.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Terminators a list may end at. */
enum {
    T_RPAREN = 1 << 0,
    T_RBRACE = 1 << 1,
    T_THEN = 1 << 2,
    T_ELIF = 1 << 3,
    T_ELSE = 1 << 4,
    T_FI = 1 << 5,
    T_DO = 1 << 6,
    T_DONE = 1 << 7,
    T_ESAC = 1 << 8,
    T_DSEMI = 1 << 9
};

/* Modes of the word reader. */
enum { W_NORMAL, W_BRACE };

typedef struct stack {
    char *data;
    size_t len, cap;  /* in elements */
    size_t size;      /* element size */
    const char *init; /* first buffer, on the C stack (or NULL) */
} stack;

/* A part under construction: offsets are into the current level's text
 * (raw) and into the character stack (value). */
typedef struct bpart {
    tfl_sh_part p;
    size_t soff;
    size_t roff, rend;
} bpart;

typedef struct split {
    tfl_arena *a;
    bool oom;
    bool truncated;
    tfl_sh_cmd *cmds; /* heap while splitting, see grow() */
    size_t ncmds, capcmds;
    tfl_sh_block *blocks;
    size_t nblocks, capblocks;
    const tfl_sh_var **vars;
    size_t nvars, capvars;
    stack chars, parts, varps, words, assigns, redirs;
    char *pool; /* free bytes of the current pool chunk */
    size_t pool_left, pool_chunk;
    const void *cmds0, *vars0, *blocks0; /* first buffers of the arrays */
} split;

typedef struct level {
    split *sp;
    const char *t;
    size_t n, pos;
    const tfl_textmap *map; /* NULL: offsets are source offsets */
    unsigned depth;
    uint32_t block;   /* innermost open block */
    tfl_sh_nest nest; /* for commands created now */
    uint32_t parent;
    uint32_t cur_cmd; /* simple command being read, or TFL_SH_NONE */
    size_t piece;     /* map piece of the last span_of() */
    char *vals;       /* copy of the text for plain values, or NULL */
    bool no_eq;       /* the last word read is plain and has no '=' */
    /* [lo, hi): the offsets that `piece` alone maps, each to off + delta
     * (wrapping); everything when there is no map */
    size_t lo, hi;
    uint32_t delta;
    tfl_sh_heredoc **pending;
    size_t npending, cappending;
} level;

/* A word under construction. */
typedef struct wbuild {
    size_t cmark, pmark, vmark; /* stack marks */
    bool open;                  /* a literal part is open */
    unsigned flags;
} wbuild;

static void parse_list(level *L, unsigned mask);
static void *pool_alloc(split *sp, size_t size, size_t align);
static void read_word(level *L, int mode, tfl_sh_word *out);
static void parse_command(level *L, unsigned mask, tfl_sh_op op);

/* ---- memory ---------------------------------------------------------- */

/*
 * The stacks are scratch space for one split: they live on the heap and are
 * freed when the split ends, so a RUN costs the arena only what the result
 * keeps (stack_take copies that out at its exact size).
 */
/* realloc() for scratch whose first buffer `init` is not from malloc()
 * (a small RUN then needs no heap at all); `used` bytes are kept. */
static void *resize(void *data, size_t used, size_t size, const void *init)
{
    void *n;

    if (data != init)
        return realloc(data, size);
    n = malloc(size);
    if (n && used)
        memcpy(n, data, used);
    return n;
}

static void release(void *data, const void *init)
{
    if (data != init)
        free(data);
}

/* Double a full stack; false (and oom) when memory runs out. */
static bool stack_grow(split *sp, stack *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 16;
    char *n = ncap > SIZE_MAX / s->size
                  ? NULL
                  : resize(s->data, s->len * s->size, ncap * s->size, s->init);

    if (!n) {
        sp->oom = true;
        return false;
    }
    s->data = n;
    s->cap = ncap;
    return true;
}

/* Room for one more element, not cleared: the caller fills it. */
static inline void *stack_slot(split *sp, stack *s)
{
    if (s->len == s->cap && !stack_grow(sp, s))
        return NULL;
    return s->data + s->len++ * s->size;
}

static void *stack_push(split *sp, stack *s)
{
    void *p = stack_slot(sp, s);

    if (p)
        memset(p, 0, s->size);
    return p;
}

static void stacks_free(split *sp)
{
    release(sp->chars.data, sp->chars.init);
    release(sp->parts.data, sp->parts.init);
    release(sp->varps.data, sp->varps.init);
    release(sp->words.data, sp->words.init);
    release(sp->assigns.data, sp->assigns.init);
    release(sp->redirs.data, sp->redirs.init);
}

#define AT(s, type, i) ((type *)(void *)((s).data + (i) * (s).size))

static void *stack_move(split *sp, stack *s, size_t mark, size_t *count);

/* Copy elements [mark, len) of `s` to the arena and pop them (most
 * commands have no assignment and no redirection: nothing to copy). */
static inline void *stack_take(split *sp, stack *s, size_t mark, size_t *count)
{
    if (s->len == mark) {
        *count = 0;
        return NULL;
    }
    return stack_move(sp, s, mark, count);
}

static void *stack_move(split *sp, stack *s, size_t mark, size_t *count)
{
    size_t n = s->len - mark;
    void *out = NULL;

    *count = 0;
    if (n) {
        out = pool_alloc(sp, n * s->size, 8);
        if (out) {
            memcpy(out, s->data + mark * s->size, n * s->size);
            *count = n;
        }
    }
    s->len = mark;
    return out;
}

static void *push(split *sp, void **items, size_t *count, size_t *cap,
                  size_t size)
{
    void *p = tfl_arena_push(sp->a, items, count, cap, size);

    if (!p)
        sp->oom = true;
    return p;
}

/*
 * Small results (words, parts, names, values) are carved from chunks of
 * the arena: one arena call per chunk instead of one per object, and no
 * rounding of each object to the arena's alignment. Chunks are sized by
 * the text, so a short RUN wastes little at the end of its last chunk.
 * The memory is not cleared: every caller fills what it takes (POOL_NEW
 * clears its object).
 */
static void *pool_alloc(split *sp, size_t size, size_t align)
{
    size_t pad = (size_t)(-(uintptr_t)sp->pool & (align - 1));
    void *p;

    if (size + pad > sp->pool_left) {
        if (size > sp->pool_chunk / 4) {
            p = tfl_arena_alloc_raw(sp->a, size);
            if (!p)
                sp->oom = true;
            return p;
        }
        sp->pool = tfl_arena_alloc_raw(sp->a, sp->pool_chunk);
        if (!sp->pool) {
            sp->pool_left = 0;
            sp->oom = true;
            return NULL;
        }
        sp->pool_left = sp->pool_chunk;
        pad = 0;
    }
    p = sp->pool + pad;
    sp->pool += pad + size;
    sp->pool_left -= pad + size;
    return p;
}

/* One zeroed object from the pool. */
static void *pool_new(split *sp, size_t size)
{
    void *p = pool_alloc(sp, size, 8);

    if (p)
        memset(p, 0, size);
    return p;
}

#define POOL_NEW(sp, type) ((type *)pool_new(sp, sizeof(type)))

/* memcpy() without a call for the short strings most words are: two
 * copies that overlap in the middle cover any length up to twice theirs. */
static inline void copy(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x, y;

        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        memcpy(d, &x, 8);
        memcpy(d + n - 8, &y, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;

        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else if (n > 0 && n < 4) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    } else if (n) {
        memcpy(d, s, n);
    }
}

static inline char *dup(split *sp, const char *s, size_t len)
{
    char *p = pool_alloc(sp, len + 1, 1);

    if (p) {
        copy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* Double a full scratch array; false (and oom) when memory runs out. */
static bool grow_array(split *sp, void **items, size_t *count, size_t *cap,
                       size_t size, const void *init)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    void *n = ncap > SIZE_MAX / size
                  ? NULL
                  : resize(*items, *count * size, ncap * size, init);

    if (!n) {
        sp->oom = true;
        return false;
    }
    *items = n;
    *cap = ncap;
    return true;
}

/* Make room for one more element of a scratch array on the heap; it is
 * not cleared, the caller fills it. */
static inline void *grow(split *sp, void **items, size_t *count, size_t *cap,
                         size_t size, const void *init)
{
    if (*count == *cap && !grow_array(sp, items, count, cap, size, init))
        return NULL;
    return (char *)*items + (*count)++ * size;
}

/* Append `n` bytes to the character stack. */
static void chars_put(split *sp, const char *s, size_t n)
{
    stack *c = &sp->chars;

    if (c->cap - c->len < n) {
        size_t ncap = c->cap ? c->cap : 256;
        char *d;

        while (ncap - c->len < n)
            ncap *= 2;
        d = resize(c->data, c->len, ncap, c->init);
        if (!d) {
            sp->oom = true;
            return;
        }
        c->data = d;
        c->cap = ncap;
    }
    memcpy(c->data + c->len, s, n);
    c->len += n;
}

/* ---- characters and positions ---------------------------------------- */

/* Byte classes, one table lookup instead of a chain of comparisons. */
enum {
    C_BLANK = 1 << 0,   /* space, tab, CR */
    C_META = 1 << 1,    /* ends an unquoted word */
    C_NAME0 = 1 << 2,   /* may start a NAME */
    C_DIGIT = 1 << 3,   /* 0-9 */
    C_PLAIN = 1 << 4,   /* unquoted, stands for itself, sets no flag */
    C_DQPLAIN = 1 << 5, /* inside "...", stands for itself */
    C_FNAME = 1 << 6    /* may be in a function's name: NAME bytes and '-' */
};

/*
 * By byte value. Default 48 (PLAIN | DQPLAIN); letters and '_' add NAME0,
 * digits DIGIT, both and '-' FNAME (letters 116, digits 120, '-' 112);
 * ' = * ? [ ~ } are plain only inside "..." (32); the metacharacters are
 * META (34, blanks 35); " \\ $ ` are neither (0).
 */
static const unsigned char cls[256] = {
    48,  48,  48,  48,  48,  48,  48,  48,  48,  35,  34,  48,  48,  35,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  35,  48,  0,   48,  0,   48,  34,  32,  34,  34,  32,  48,  48,
    112, 48,  48,  120, 120, 120, 120, 120, 120, 120, 120, 120, 120, 48,  34,
    34,  32,  34,  32,  48,  116, 116, 116, 116, 116, 116, 116, 116, 116, 116,
    116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116,
    116, 32,  0,   48,  48,  116, 0,   116, 116, 116, 116, 116, 116, 116, 116,
    116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116, 116,
    116, 116, 116, 48,  34,  32,  32,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,  48,
    48,
};

static unsigned cl(char c)
{
    return cls[(unsigned char)c];
}

static bool is_blank(char c)
{
    return cl(c) & C_BLANK;
}

static bool is_meta(char c)
{
    return cl(c) & C_META;
}

static bool is_name_start(char c)
{
    return cl(c) & C_NAME0;
}

static bool is_digit(char c)
{
    return cl(c) & C_DIGIT;
}

static bool is_name_char(char c)
{
    return cl(c) & (C_NAME0 | C_DIGIT);
}

static bool at(const level *L, size_t i, char c)
{
    return i < L->n && L->t[i] == c;
}

/* Make piece k of L's map the one span_of() tries first. */
static void set_piece(level *L, size_t k)
{
    const tfl_piece *pc = L->map->pieces;
    size_t n = L->map->npieces;

    L->piece = k;
    if (k >= n) {
        L->lo = 1, L->hi = 0; /* nothing: always the slow path */
        return;
    }
    L->lo = pc[k].text_off;
    L->hi = (size_t)pc[k].text_off + pc[k].len;
    if (k + 1 < n && pc[k + 1].text_off < L->hi)
        L->hi = pc[k + 1].text_off;
    L->delta = pc[k].src_off - pc[k].text_off;
}

/* Set up span_of() for L's map (NULL: offsets are source offsets). */
static void map_init(level *L, const tfl_textmap *map)
{
    L->map = map;
    if (map) {
        set_piece(L, 0);
    } else {
        L->lo = 0;
        L->hi = SIZE_MAX;
        L->delta = 0;
    }
}

/*
 * tfl_textmap_source() for L's map, with the piece of the previous call
 * kept: offsets mostly come in order, so the search is rarely needed.
 */
static uint32_t map_off(level *L, uint32_t off)
{
    const tfl_piece *pc = L->map->pieces;
    size_t n = L->map->npieces, k = L->piece;

    if (n == 0)
        return 0;
    if (k >= n || pc[k].text_off > off ||
        (k + 1 < n && pc[k + 1].text_off <= off)) {
        if (k + 2 < n && pc[k + 1].text_off <= off && pc[k + 2].text_off > off)
            k++;
        else
            k = tfl_textmap_piece(L->map, off);
        set_piece(L, k);
    }
    if (off - pc[k].text_off > pc[k].len)
        return pc[k].src_off + pc[k].len;
    return pc[k].src_off + (off - pc[k].text_off);
}

/* span_of() when [off, end) is not inside the last piece used. */
static tfl_span span_search(level *L, size_t off, size_t end)
{
    tfl_span s;

    /* the usual miss: the first word of a new line, all in the next piece
     * (the piece kept only steers map_off()'s search, never its result) */
    if (L->map && L->piece + 1 < L->map->npieces &&
        L->map->pieces[L->piece + 1].text_off <= off) {
        set_piece(L, L->piece + 1);
        if (off >= L->lo && (end > off ? end - 1 : off) < L->hi) {
            s.start = (uint32_t)off + L->delta;
            s.end = end > off ? (uint32_t)end + L->delta : s.start;
            return s;
        }
    }
    s.start = map_off(L, (uint32_t)off);
    if (end == off)
        s.end = s.start;
    else if (off >= L->lo && end - 1 < L->hi) /* the piece just found */
        s.end = (uint32_t)end + L->delta;
    else
        s.end = map_off(L, (uint32_t)(end - 1)) + 1;
    return s;
}

/* As tfl_textmap_span(), which it must match: the end maps its last byte
 * and steps past it. */
static inline tfl_span span_of(level *L, size_t off, size_t end)
{
    size_t last;
    tfl_span s;

    if (end < off)
        end = off;
    last = end > off ? end - 1 : off;
    /* the usual case: the whole span is in the piece of the last one */
    if (off < L->lo || last >= L->hi)
        return span_search(L, off, end);
    s.start = (uint32_t)off + L->delta;
    s.end = end > off ? (uint32_t)end + L->delta : s.start;
    return s;
}

/* span_of() for a span known not to be empty (end > off): the usual word
 * needs two comparisons. */
static inline tfl_span span_nonempty(level *L, size_t off, size_t end)
{
    tfl_span s;

    assert(end > off);
    if (off < L->lo || end > L->hi)
        return span_search(L, off, end);
    s.start = (uint32_t)off + L->delta;
    s.end = (uint32_t)end + L->delta;
    return s;
}

/* skip_blanks() past the first byte. */
__attribute__((always_inline)) static inline void skip_more_blanks(level *L)
{
    const char *t = L->t;
    size_t i = L->pos, n = L->n;

#ifdef __SSE2__
    /* runs of blanks are the indentation of continued lines: 16 at once */
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i b =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
        unsigned m = (unsigned)_mm_movemask_epi8(b) ^ 0xffffu;

        if (!m) {
            i += 16;
            continue;
        }
        i += (unsigned)__builtin_ctz(m);
        if (i + 1 < n && t[i] == '\\' && t[i + 1] == '\n') {
            i += 2;
            continue;
        }
        L->pos = i;
        return;
    }
#endif
    for (;;) {
        while (i < n && is_blank(t[i]))
            i++;
        if (!(i + 1 < n && t[i] == '\\' && t[i + 1] == '\n'))
            break;
        i += 2;
    }
    L->pos = i;
}

/* Blanks and shell-level line continuations; most calls meet neither. */
static inline void skip_blanks(level *L)
{
    size_t i = L->pos;

    if (i < L->n && !is_blank(L->t[i]) && L->t[i] != '\\')
        return;
    skip_more_blanks(L);
}

static void skip_comment(level *L)
{
    const char *nl = memchr(L->t + L->pos, '\n', L->n - L->pos);

    L->pos = nl ? (size_t)(nl - L->t) : L->n;
}

/* The reserved word `kw` stands at the current position. */
static bool at_kw(const level *L, const char *kw)
{
    size_t k = strlen(kw), e = L->pos + k;

    if (e > L->n || memcmp(L->t + L->pos, kw, k) != 0)
        return false;
    return e == L->n || is_meta(L->t[e]);
}

/* A counting scan over a bracketed region starting at `i` (an `open`
 * byte), quotes respected; returns the index after its close, or the end
 * of the text (then *unclosed is set). Used past the nesting cap. */
static size_t skip_region(const level *L, size_t i, char open, char close,
                          bool *unclosed)
{
    size_t d = 0;

    while (i < L->n) {
        char c = L->t[i];

        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c == '\'' || c == '"') {
            const char *q = memchr(L->t + i + 1, c, L->n - i - 1);

            i = q ? (size_t)(q - L->t) + 1 : L->n;
            continue;
        }
        if (c == open)
            d++;
        else if (c == close && --d == 0)
            return i + 1;
        i++;
    }
    *unclosed = true;
    return L->n;
}

/* ---- here-documents --------------------------------------------------- */

static bool line_is_delim(const level *L, size_t ls, size_t le,
                          const tfl_sh_heredoc *hd)
{
    size_t k = strlen(hd->delim);

    if (hd->strip_tabs)
        while (ls < le && L->t[ls] == '\t')
            ls++;
    if (le > ls && L->t[le - 1] == '\r')
        le--;
    return le - ls == k && memcmp(L->t + ls, hd->delim, k) == 0;
}

/* Past the current new line, skip the bodies of the here-documents
 * announced on the line it ends. */
static void take_newline(level *L)
{
    size_t i;

    assert(at(L, L->pos, '\n'));
    L->pos++;
    for (i = 0; i < L->npending; i++) {
        tfl_sh_heredoc *hd = L->pending[i];
        size_t start = L->pos, ls = start;

        while (ls < L->n) {
            const char *nl = memchr(L->t + ls, '\n', L->n - ls);
            size_t le = nl ? (size_t)(nl - L->t) : L->n;

            if (line_is_delim(L, ls, le, hd)) {
                hd->closed = true;
                break;
            }
            ls = nl ? le + 1 : L->n;
        }
        hd->body = L->t + start;
        hd->body_len = ls - start;
        hd->body_span = span_of(L, start, ls);
        if (hd->closed) {
            const char *nl = memchr(L->t + ls, '\n', L->n - ls);

            ls = nl ? (size_t)(nl - L->t) + 1 : L->n;
        }
        L->pos = ls;
    }
    L->npending = 0;
}

/* ---- words ------------------------------------------------------------ */

/* A word's own part must line up with its value, span and length. */
_Static_assert(
    offsetof(tfl_sh_word, value) == offsetof(tfl_sh_word, self.text) &&
        offsetof(tfl_sh_word, vars) == offsetof(tfl_sh_word, self.var) &&
        offsetof(tfl_sh_word, span) == offsetof(tfl_sh_word, self.span) &&
        offsetof(tfl_sh_word, len) == offsetof(tfl_sh_word, self.len) &&
        offsetof(tfl_sh_word, self_kind) == offsetof(tfl_sh_word, self.kind) &&
        offsetof(tfl_sh_word, self_quoted) ==
            offsetof(tfl_sh_word, self.quoted),
    "tfl_sh_word.self overlays value, vars, span and len");

/*
 * While a word moves (built in a local, pushed, copied to its array),
 * being its own part is marked by `parts` NULL with one part; place()
 * points `parts` at `self` once the word has its final address.
 */
static const tfl_sh_part *parts_of(const tfl_sh_word *w)
{
    return w->parts || !w->nparts ? w->parts : &w->self;
}

static void place(tfl_sh_word *w)
{
    if (!w->parts && w->nparts)
        w->parts = &w->self;
}

/* stack_take() for the word stack: the words at their final address,
 * copied and placed in one pass. */
static tfl_sh_word *take_words(split *sp, size_t mark, size_t *count)
{
    stack *s = &sp->words;
    size_t n = s->len - mark, i;
    const tfl_sh_word *from = (const tfl_sh_word *)(void *)s->data + mark;
    tfl_sh_word *out = NULL;

    *count = 0;
    if (n) {
        out = pool_alloc(sp, n * sizeof *out, 8);
        if (out) {
            memcpy(out, from, n * sizeof *out);
            for (i = 0; i < n; i++)
                place(&out[i]);
            *count = n;
        }
    }
    s->len = mark;
    return out;
}

static void word_begin(level *L, wbuild *b)
{
    split *sp = L->sp;

    b->cmark = sp->chars.len;
    b->pmark = sp->parts.len;
    b->vmark = sp->varps.len;
    b->open = false;
    b->flags = 0;
}

static bpart *top_part(split *sp)
{
    return AT(sp->parts, bpart, sp->parts.len - 1);
}

/* A new part, field by field: a compound literal would cost a memset()
 * call in the word loops. */
static inline void part_init(bpart *p, tfl_sh_part_kind kind, bool quoted,
                             size_t soff, size_t roff, size_t rend)
{
    p->p.text = NULL;
    p->p.var = NULL; /* the whole union */
    p->p.span.start = p->p.span.end = 0;
    p->p.len = 0;
    p->p.kind = (uint8_t)kind;
    p->p.quoted = quoted;
    p->soff = soff;
    p->roff = roff;
    p->rend = rend;
}

/* Close the open literal part at raw offset `rend`; empty ones vanish. */
static void flush(level *L, wbuild *b, size_t rend)
{
    split *sp = L->sp;
    bpart *p;

    if (!b->open)
        return;
    b->open = false;
    p = top_part(sp);
    p->rend = rend;
    p->p.len = sp->chars.len - p->soff;
    if (p->p.len == 0)
        sp->parts.len--;
}

static void lit_open(level *L, wbuild *b, bool quoted, size_t roff)
{
    split *sp = L->sp;
    bpart *p;

    flush(L, b, roff);
    p = stack_slot(sp, &sp->parts);
    if (!p)
        return;
    part_init(p, TFL_SH_PART_LITERAL, quoted, sp->chars.len, roff, 0);
    b->open = true;
    if (quoted)
        b->flags |= TFL_SH_WORD_QUOTED;
}

/* Add value byte `c`, read at raw offset `roff`. */
static void lit_add(level *L, wbuild *b, char c, bool quoted, size_t roff)
{
    split *sp = L->sp;

    if (!b->open || top_part(sp)->p.quoted != quoted)
        lit_open(L, b, quoted, roff);
    chars_put(sp, &c, 1);
}

/* Add the bytes [s, e) of the text, each standing for itself: the same as
 * lit_add() byte by byte, in one copy. */
static void lit_run(level *L, wbuild *b, size_t s, size_t e, bool quoted)
{
    split *sp = L->sp;

    if (!b->open || top_part(sp)->p.quoted != quoted)
        lit_open(L, b, quoted, s);
    chars_put(sp, L->t + s, e - s);
}

/* Push a non-literal part covering raw [roff, rend). */
static bpart *add_part(level *L, wbuild *b, tfl_sh_part_kind kind, size_t roff,
                       size_t rend, bool quoted)
{
    split *sp = L->sp;
    bpart *p;

    flush(L, b, roff);
    p = stack_slot(sp, &sp->parts);
    if (!p)
        return NULL;
    part_init(p, kind, quoted, sp->chars.len, roff, rend);
    b->flags |= TFL_SH_WORD_EXPANDS;
    return p;
}

static void word_end(level *L, wbuild *b, size_t start, tfl_sh_word *out)
{
    split *sp = L->sp;
    size_t np, i, nv, vlen;
    char *val;
    tfl_sh_part *parts = NULL;
    bool literal = true;

    flush(L, b, L->pos);
    vlen = sp->chars.len - b->cmark;
    memset(out, 0, sizeof *out);
    out->raw = L->t + start;
    out->raw_len = L->pos - start;
    out->span = span_of(L, start, L->pos);
    np = sp->parts.len - b->pmark;
    val = dup(sp, sp->chars.data ? sp->chars.data + b->cmark : "",
              sp->chars.len - b->cmark);
    if (np == 1 && val) {
        bpart *bp = AT(sp->parts, bpart, b->pmark);

        if (bp->p.kind == TFL_SH_PART_LITERAL && !bp->p.quoted &&
            bp->roff == start && bp->rend == L->pos) {
            /* its own part (see place()) */
            sp->parts.len = b->pmark;
            sp->chars.len = b->cmark;
            /* a literal part holds no reference: vars stay NULL, which
             * the part reads as its `var` */
            assert(sp->varps.len == b->vmark);
            out->nparts = 1;
            out->flags = (uint16_t)b->flags;
            out->value = val;
            out->len = (uint32_t)vlen;
            return;
        }
    }
    if (np)
        parts = pool_alloc(sp, np * sizeof *parts, 8);
    if ((np && !parts) || !val) {
        sp->oom = true;
        np = 0;
    }
    for (i = 0; i < np; i++) {
        bpart *bp = AT(sp->parts, bpart, b->pmark + i);

        parts[i] = bp->p;
        /* mapping a span costs a search: a part that is the whole word
         * (the usual case) has the word's */
        if (bp->roff == start && bp->rend == L->pos)
            parts[i].span = out->span;
        else
            parts[i].span = span_of(L, bp->roff, bp->rend);
        if (bp->p.kind == TFL_SH_PART_LITERAL) {
            parts[i].text = val + (bp->soff - b->cmark);
        } else {
            parts[i].text = L->t + bp->roff;
            parts[i].len = bp->rend - bp->roff;
            literal = false;
        }
    }
    sp->parts.len = b->pmark;
    sp->chars.len = b->cmark;
    out->parts = parts;
    out->nparts = np;
    out->vars = stack_take(sp, &sp->varps, b->vmark, &nv);
    out->nvars = nv;
    out->flags = (uint16_t)b->flags;
    if (literal && val) {
        out->value = val;
        out->len = vlen;
    }
}

static void read_single(level *L, wbuild *b)
{
    size_t s = L->pos + 1;
    const char *q = memchr(L->t + s, '\'', L->n - s);
    size_t e = q ? (size_t)(q - L->t) : L->n;

    lit_open(L, b, true, L->pos);
    if (e > s)
        lit_run(L, b, s, e, true);
    if (!q)
        b->flags |= TFL_SH_WORD_OPEN;
    L->pos = q ? e + 1 : L->n;
    flush(L, b, L->pos);
}

static char ansi_escape(char c)
{
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'a':
        return '\a';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'v':
        return '\v';
    case 'e':
    case 'E':
        return 27;
    case '\\':
    case '\'':
    case '"':
    case '?':
        return c;
    default:
        return 0;
    }
}

/* $'...': the escapes Dockerfiles actually use; others kept as written. */
static void read_ansi(level *L, wbuild *b)
{
    lit_open(L, b, true, L->pos);
    L->pos += 2;
    while (L->pos < L->n && L->t[L->pos] != '\'') {
        char c = L->t[L->pos];

        if (c == '\\' && L->pos + 1 < L->n) {
            char e = ansi_escape(L->t[L->pos + 1]);

            if (e) {
                lit_add(L, b, e, true, L->pos);
            } else {
                lit_add(L, b, c, true, L->pos);
                lit_add(L, b, L->t[L->pos + 1], true, L->pos + 1);
            }
            L->pos += 2;
            continue;
        }
        lit_add(L, b, c, true, L->pos++);
    }
    if (L->pos < L->n)
        L->pos++;
    else
        b->flags |= TFL_SH_WORD_OPEN;
    flush(L, b, L->pos);
}

static tfl_sh_var *new_var(level *L, size_t s)
{
    split *sp = L->sp;
    tfl_sh_var *v = pool_alloc(sp, sizeof *v, 8);
    const tfl_sh_var **gp, **wp;

    if (!v) {
        sp->oom = true;
        return NULL;
    }
    /* the span is set once the reference is read */
    *v = (tfl_sh_var){.name = "", .cmd = L->cur_cmd};
    (void)s;
    gp = grow(sp, (void **)&sp->vars, &sp->nvars, &sp->capvars, sizeof *gp,
              sp->vars0);
    wp = stack_slot(sp, &sp->varps);
    if (gp)
        *gp = v;
    if (wp)
        *wp = v;
    return v;
}

static void set_name(level *L, tfl_sh_var *v, size_t ns, size_t ne)
{
    const char *name = dup(L->sp, L->t + ns, ne - ns);

    if (name) {
        v->name = name;
        v->name_len = ne - ns;
    }
    v->name_span = span_of(L, ns, ne);
}

/* $NAME, $1, $? ... at L->pos (a '$' followed by a name byte). */
static void read_simple_var(level *L, wbuild *b, bool dq)
{
    size_t s = L->pos, i = s + 1;
    tfl_sh_var *v;
    bpart *p;

    if (is_name_start(L->t[i]))
        while (i < L->n && is_name_char(L->t[i]))
            i++;
    else
        i++;
    v = new_var(L, s);
    p = add_part(L, b, TFL_SH_PART_VAR, s, i, dq);
    L->pos = i;
    if (!v || !p)
        return;
    set_name(L, v, s + 1, i);
    v->span = span_of(L, s, i);
    v->quoted = dq;
    v->op = TFL_SH_VAR_PLAIN;
    p->p.var = v;
}

static void opaque(level *L, wbuild *b, size_t s, size_t e, bool dq)
{
    bpart *p = add_part(L, b, TFL_SH_PART_SUBST, s, e, dq);

    if (p)
        p->p.first_cmd = p->p.end_cmd = (uint32_t)L->sp->ncmds;
    b->flags |= TFL_SH_WORD_DEEP;
    L->sp->truncated = true;
    L->pos = e;
}

static size_t name_end(const level *L, size_t i)
{
    if (i >= L->n)
        return i;
    if (is_name_start(L->t[i])) {
        while (i < L->n && is_name_char(L->t[i]))
            i++;
        return i;
    }
    if (is_digit(L->t[i])) {
        while (i < L->n && is_digit(L->t[i]))
            i++;
        return i;
    }
    return strchr("@*#?-$!", L->t[i]) && L->t[i] ? i + 1 : i;
}

/* The operator after the name of ${NAME...} at `i`; advances `*i`. */
static tfl_sh_varop brace_op(const level *L, size_t *i, bool *colon)
{
    const char *ops = "-=+?";
    const tfl_sh_varop kinds[] = {TFL_SH_VAR_DEFAULT, TFL_SH_VAR_ASSIGN,
                                  TFL_SH_VAR_ALT, TFL_SH_VAR_ERROR};
    size_t j = *i;
    const char *k;

    *colon = false;
    if (at(L, j, ':') && j + 1 < L->n && L->t[j + 1] &&
        (k = strchr(ops, L->t[j + 1]))) {
        *colon = true;
        *i = j + 2;
        return kinds[k - ops];
    }
    if (j < L->n && L->t[j] && (k = strchr(ops, L->t[j]))) {
        *i = j + 1;
        return kinds[k - ops];
    }
    return TFL_SH_VAR_OTHER;
}

static void read_braced(level *L, wbuild *b, bool dq)
{
    size_t s = L->pos, i = s + 2, ns, ne;
    tfl_sh_varop op = TFL_SH_VAR_PLAIN;
    tfl_sh_var *v;
    bpart *p;
    bool colon = false, unclosed = false;

    if (L->depth + 1 >= TFL_SH_MAX_DEPTH) {
        opaque(L, b, s, skip_region(L, s + 1, '{', '}', &unclosed), dq);
        return;
    }
    if (at(L, i, '#') && i + 1 < L->n && !at(L, i + 1, '}')) {
        op = TFL_SH_VAR_LENGTH;
        i++;
    } else if (at(L, i, '!')) {
        op = TFL_SH_VAR_OTHER;
        i++;
    }
    ns = i;
    ne = name_end(L, i);
    if (ne == ns) {
        opaque(L, b, s, skip_region(L, s + 1, '{', '}', &unclosed), dq);
        return;
    }
    v = new_var(L, s);
    p = add_part(L, b, TFL_SH_PART_VAR, s, s, dq);
    i = ne;
    if (!at(L, i, '}')) {
        tfl_sh_varop o = brace_op(L, &i, &colon);

        if (op == TFL_SH_VAR_PLAIN)
            op = o;
    }
    L->pos = i;
    if (!at(L, i, '}')) {
        tfl_sh_word *arg = POOL_NEW(L->sp, tfl_sh_word);
        size_t keep = L->sp->parts.len;

        L->depth++;
        if (arg) {
            read_word(L, W_BRACE, arg);
            place(arg);
            if (v)
                v->arg = arg;
        } else {
            L->sp->oom = true;
        }
        L->depth--;
        assert(L->sp->parts.len == keep);
        (void)keep;
    }
    if (at(L, L->pos, '}'))
        L->pos++;
    else
        b->flags |= TFL_SH_WORD_OPEN;
    if (!v || !p)
        return;
    p = top_part(L->sp);
    p->rend = L->pos;
    set_name(L, v, ns, ne);
    v->span = span_of(L, s, L->pos);
    v->op = op;
    v->colon = colon;
    v->quoted = dq;
    p->p.var = v;
}

/* Parse `text` (a cooked copy of part of L's text) as a nested level. */
static void parse_nested(level *L, const char *text, size_t len,
                         const tfl_textmap *map, tfl_sh_nest nest,
                         uint32_t parent)
{
    level N;

    memset(&N, 0, sizeof N);
    N.sp = L->sp;
    N.t = text;
    N.n = len;
    map_init(&N, map);
    N.depth = L->depth + 1;
    N.block = L->block;
    N.nest = nest;
    N.parent = parent;
    N.cur_cmd = TFL_SH_NONE;
    parse_list(&N, 0);
}

/*
 * Turn runs (cooked offset, level offset, length) into a textmap from the
 * cooked text straight to the source, splitting runs where L's own map
 * changes piece.
 */
static tfl_textmap *compose(level *L, const tfl_piece *runs, size_t nruns)
{
    split *sp = L->sp;
    tfl_textmap *m = POOL_NEW(sp, tfl_textmap);
    tfl_piece *out = NULL;
    size_t n = 0, cap = 0, i;

    if (!m) {
        sp->oom = true;
        return NULL;
    }
    for (i = 0; i < nruns && !sp->oom; i++) {
        uint32_t done = 0;

        while (done < runs[i].len) {
            uint32_t off = runs[i].src_off + done, take = runs[i].len - done;
            uint32_t src = off;
            tfl_piece *p;

            if (L->map && L->map->npieces) {
                const tfl_piece *q =
                    &L->map->pieces[tfl_textmap_piece(L->map, off)];
                uint32_t d = off - q->text_off;

                if (off >= q->text_off && d < q->len) {
                    src = q->src_off + d;
                    if (q->len - d < take)
                        take = q->len - d;
                } else {
                    src = tfl_textmap_source(L->map, off);
                    take = 1;
                }
            }
            p = push(sp, (void **)&out, &n, &cap, sizeof *p);
            if (!p)
                break;
            p->text_off = runs[i].text_off + done;
            p->src_off = src;
            p->len = take;
            done += take;
        }
    }
    m->pieces = out;
    m->npieces = n;
    return m;
}

typedef struct cooker {
    level *L;
    stack runs; /* tfl_piece: text_off = cooked, src_off = level offset */
    char *buf;
    size_t len;
} cooker;

/* Append the `n` bytes of the level's text at `from` to the cooked text,
 * as one run (or as the end of the last one, when they follow it). */
static void cook_run(cooker *c, size_t from, size_t n)
{
    split *sp = c->L->sp;
    tfl_piece *r = c->runs.len ? AT(c->runs, tfl_piece, c->runs.len - 1) : NULL;

    if (n == 0)
        return;
    memcpy(c->buf + c->len, c->L->t + from, n);
    if (r && r->src_off + r->len == from && r->text_off + r->len == c->len)
        r->len += (uint32_t)n;
    else if ((r = stack_push(sp, &c->runs)) != NULL) {
        r->text_off = (uint32_t)c->len;
        r->src_off = (uint32_t)from;
        r->len = (uint32_t)n;
    }
    c->len += n;
}

/*
 * Cook L's text [s, e): for a backtick body only \\ \` \$ lose their
 * backslash; for a shell word ("sh -c STRING") one level of quoting goes,
 * expansions staying as written for the inner shell. Then parse it.
 */
static void cook_and_parse(level *L, size_t s, size_t e, bool backtick,
                           tfl_sh_nest nest, uint32_t parent)
{
    split *sp = L->sp;
    cooker c;
    size_t i = s, nruns;
    char q = 0;
    tfl_piece *runs;
    tfl_textmap *map;

    memset(&c, 0, sizeof c);
    c.L = L;
    c.runs.size = sizeof(tfl_piece);
    c.buf = pool_alloc(sp, e - s + 1, 1);
    if (!c.buf) {
        sp->oom = true;
        return;
    }
    while (i < e) {
        char ch = L->t[i];

        if (q == '\'') {
            /* up to the closing quote, every byte stands for itself */
            const char *p = memchr(L->t + i, '\'', e - i);
            size_t k = p ? (size_t)(p - L->t) : e;

            cook_run(&c, i, k - i);
            if (p)
                q = 0;
            i = p ? k + 1 : e;
        } else if (ch == '\\' && i + 1 < e) {
            char nx = L->t[i + 1];
            bool strip = backtick   ? (nx == '\\' || nx == '`' || nx == '$')
                         : q == '"' ? (nx == '\\' || nx == '`' || nx == '$' ||
                                       nx == '"' || nx == '\n')
                                    : true;

            if (strip && nx == '\n' && !backtick) {
                i += 2;
                continue;
            }
            cook_run(&c, strip ? i + 1 : i, strip ? 1 : 2);
            i += 2;
        } else if (!backtick && q == 0 && (ch == '\'' || ch == '"')) {
            q = ch;
            i++;
        } else if (!backtick && q == '"' && ch == '"') {
            q = 0;
            i++;
        } else {
            /* a run of bytes none of the branches above would take */
            size_t k = i + 1;

            while (k < e && L->t[k] != '\\' &&
                   (backtick || (L->t[k] != '\'' && L->t[k] != '"')))
                k++;
            cook_run(&c, i, k - i);
            i = k;
        }
    }
    c.buf[c.len] = '\0';
    runs = stack_take(sp, &c.runs, 0, &nruns);
    free(c.runs.data); /* scratch, like the split's own stacks */
    map = compose(L, runs, nruns);
    if (map && !sp->oom)
        parse_nested(L, c.buf, c.len, map, nest, parent);
}

static void read_backtick(level *L, wbuild *b, bool dq)
{
    size_t s = L->pos, i = s + 1, e;
    bpart *p;
    uint32_t first = (uint32_t)L->sp->ncmds;

    while (i < L->n && L->t[i] != '`')
        i += L->t[i] == '\\' ? 2 : 1;
    e = i < L->n ? i + 1 : L->n;
    if (i >= L->n)
        b->flags |= TFL_SH_WORD_OPEN;
    if (i > L->n)
        i = L->n;
    if (L->depth + 1 >= TFL_SH_MAX_DEPTH) {
        opaque(L, b, s, e, dq);
        return;
    }
    cook_and_parse(L, s + 1, i, true, TFL_SH_NEST_SUBST, L->cur_cmd);
    p = add_part(L, b, TFL_SH_PART_SUBST, s, e, dq);
    if (p) {
        p->p.first_cmd = first;
        p->p.end_cmd = (uint32_t)L->sp->ncmds;
    }
    L->pos = e;
}

static void read_subst(level *L, wbuild *b, bool dq)
{
    size_t s = L->pos;
    uint32_t first = (uint32_t)L->sp->ncmds;
    tfl_sh_nest nest = L->nest;
    uint32_t parent = L->parent;
    bpart *p;
    bool unclosed = false;

    if (L->depth + 1 >= TFL_SH_MAX_DEPTH) {
        size_t e = skip_region(L, s + 1, '(', ')', &unclosed);

        opaque(L, b, s, e, dq);
        if (unclosed)
            b->flags |= TFL_SH_WORD_OPEN;
        return;
    }
    L->pos += 2;
    L->nest = TFL_SH_NEST_SUBST;
    L->parent = L->cur_cmd;
    L->depth++;
    parse_list(L, T_RPAREN);
    L->depth--;
    L->nest = nest;
    L->parent = parent;
    if (at(L, L->pos, ')'))
        L->pos++;
    else
        b->flags |= TFL_SH_WORD_OPEN;
    p = add_part(L, b, TFL_SH_PART_SUBST, s, L->pos, dq);
    if (p) {
        p->p.first_cmd = first;
        p->p.end_cmd = (uint32_t)L->sp->ncmds;
    }
}

static void read_double(level *L, wbuild *b);

/* At a '$': whatever it introduces, or a literal '$'. */
static void read_dollar(level *L, wbuild *b, bool dq)
{
    size_t s = L->pos;
    char nx = s + 1 < L->n ? L->t[s + 1] : 0;
    bool unclosed = false;

    if (s + 1 >= L->n) {
        lit_add(L, b, '$', dq, L->pos++);
    } else if (nx == '\'' && !dq) {
        read_ansi(L, b);
    } else if (nx == '"' && !dq) {
        L->pos++;
        read_double(L, b);
    } else if (nx == '(' && at(L, s + 2, '(')) {
        size_t e = skip_region(L, s + 1, '(', ')', &unclosed);

        add_part(L, b, TFL_SH_PART_ARITH, s, e, dq);
        if (unclosed)
            b->flags |= TFL_SH_WORD_OPEN;
        L->pos = e;
    } else if (nx == '(') {
        read_subst(L, b, dq);
    } else if (nx == '{') {
        read_braced(L, b, dq);
    } else if (is_name_start(nx) || is_digit(nx) ||
               (nx && strchr("@*#?-$!", nx))) {
        read_simple_var(L, b, dq);
    } else {
        lit_add(L, b, '$', dq, L->pos++);
    }
}

static void read_double(level *L, wbuild *b)
{
    lit_open(L, b, true, L->pos);
    L->pos++;
    while (L->pos < L->n) {
        char c = L->t[L->pos];

        if (c == '"') {
            L->pos++;
            flush(L, b, L->pos);
            return;
        }
        if (c == '\\' && L->pos + 1 < L->n) {
            char nx = L->t[L->pos + 1];

            if (nx == '\n') {
                L->pos += 2;
                continue;
            }
            if (nx == '$' || nx == '`' || nx == '"' || nx == '\\') {
                lit_add(L, b, nx, true, L->pos);
                L->pos += 2;
                continue;
            }
        }
        if (c == '$') {
            read_dollar(L, b, true);
        } else if (c == '`') {
            read_backtick(L, b, true);
        } else {
            size_t e = L->pos + 1;

            while (e < L->n && (cl(L->t[e]) & C_DQPLAIN))
                e++;
            lit_run(L, b, L->pos, e, true);
            L->pos = e;
        }
    }
    b->flags |= TFL_SH_WORD_OPEN;
    flush(L, b, L->pos);
}

/* `NAME=(...)`: a bash array, kept as literal text. */
static bool at_array(const level *L, size_t start)
{
    size_t i;

    if (!at(L, L->pos, '=') || !at(L, L->pos + 1, '(') || start == L->pos ||
        !is_name_start(L->t[start]))
        return false;
    for (i = start; i < L->pos; i++)
        if (!is_name_char(L->t[i]) && !(i + 1 == L->pos && L->t[i] == '+'))
            return false;
    return true;
}

/* The end of the run of unquoted bytes from `i` that stand for themselves
 * and set no flag ('=' too, unless it may open a NAME=(...) array); *eq
 * is set when the run has an '='. */
static size_t plain_end(const level *L, size_t i, bool *eq)
{
    for (;;) {
        while (i < L->n && (cl(L->t[i]) & C_PLAIN))
            i++;
        if (i < L->n && L->t[i] == '=' &&
            !(i + 1 < L->n && L->t[i + 1] == '(')) {
            i++;
            *eq = true;
        } else {
            return i;
        }
    }
}

/*
 * The values of plain words point into one copy of the level's text (made
 * on the first one), each ended by a NUL written over the byte after it:
 * no copy and no allocation per word. That byte, a blank, an operator or
 * the '}' of a ${...}, is in no plain word, so no value loses a byte.
 */
static bool make_vals(level *L)
{
    split *sp = L->sp;
    char *v = pool_alloc(sp, L->n + 1, 1);

    if (!v) {
        sp->oom = true;
        return false;
    }
    if (L->n)
        memcpy(v, L->t, L->n);
    v[L->n] = '\0';
    L->vals = v;
    return true;
}

/* The word [start, end) has nothing but plain bytes: build what the
 * general path would (one unquoted literal part), without its stacks. */
static inline void plain_word(level *L, size_t start, size_t end,
                              tfl_sh_word *out)
{
    size_t len = end - start;
    const char *raw = L->t + start;
    char *val = NULL;

    if (L->vals || make_vals(L)) {
        val = L->vals + start;
        val[len] = '\0';
    }
    /* every field set once, no clearing first; its own part (see place())
     * unless memory ran out */
    out->raw = raw;
    out->parts = NULL;
    out->value = val;
    out->vars = NULL;
    out->span = span_nonempty(L, start, end);
    out->len = (uint32_t)len;
    out->self_kind = TFL_SH_PART_LITERAL;
    out->self_quoted = false;
    out->flags = 0;
    out->raw_len = (uint32_t)len;
    out->nparts = val ? 1 : 0;
    out->nvars = 0;
    L->pos = end;
}

static void read_mixed(level *L, int mode, tfl_sh_word *out, size_t e);

/* A word read onto the word stack, or NULL when memory runs out; a plain
 * one is built in its slot, a mixed one (which may push nested words and
 * move the stack) is pushed when read. L->no_eq as for read_word(). */
/* A piece of a word read by simple_word(), before it is built: raw
 * [roff, rend) in the level's text; a literal's bytes, or a reference's
 * name, are the `len` at `from`. */
typedef struct sseg {
    uint32_t roff, rend, from, len;
    bool var, quoted;
} sseg;

enum { MAX_SSEGS = 16 };

/* $NAME or ${NAME} at `d` (a '$'): its end, or 0 for any other '$'. */
static size_t simple_ref(const level *L, size_t d, size_t *ns, size_t *ne)
{
    const char *t = L->t;
    size_t n = L->n, i = d + 1;
    bool braced = i < n && t[i] == '{';

    if (braced && L->depth + 1 >= TFL_SH_MAX_DEPTH)
        return 0; /* opaque past the cap: read_braced() says how */
    i += braced;
    if (i >= n || !is_name_start(t[i]))
        return 0;
    *ns = i++;
    while (i < n && is_name_char(t[i]))
        i++;
    *ne = i;
    if (!braced)
        return i;
    return i < n && t[i] == '}' ? i + 1 : 0;
}

/* Cut the word at L->pos into `g` (*ng pieces): plain runs, '...', "..."
 * holding only literal bytes and $NAME or ${NAME}, and those references
 * unquoted, up to a blank or an operator. The pieces are the parts
 * read_mixed() would make, empty literals dropped as it drops them.
 * Returns the end of the word, or 0 when it has anything else. */
static size_t simple_cut(const level *L, sseg *g, size_t *ng, unsigned *flags)
{
    const char *t = L->t;
    size_t n = L->n, i = L->pos, k = 0, e, ns, ne;

#define SSEG(ro, re, fr, ln, v, q)                                             \
    do {                                                                       \
        if (k == MAX_SSEGS)                                                    \
            return 0;                                                          \
        g[k++] = (sseg){(uint32_t)(ro),                                        \
                        (uint32_t)(re),                                        \
                        (uint32_t)(fr),                                        \
                        (uint32_t)(ln),                                        \
                        (v),                                                   \
                        (q)};                                                  \
    } while (0)
    while (i < n && !is_meta(t[i])) {
        char c = t[i];

        if ((cl(c) & C_PLAIN) || c == '=') {
            bool eq = false;

            e = plain_end(L, i, &eq);
            if (e == i)
                return 0; /* '=' before '(': maybe NAME=(...) */
            SSEG(i, e, i, e - i, false, false);
            i = e;
        } else if (c == '\'') {
            const char *q = memchr(t + i + 1, '\'', n - i - 1);

            if (!q)
                return 0;
            e = (size_t)(q - t);
            *flags |= TFL_SH_WORD_QUOTED;
            if (e > i + 1)
                SSEG(i, e + 1, i + 1, e - i - 1, false, true);
            i = e + 1;
        } else if (c == '"') {
            size_t roff = i, from = i + 1;

            *flags |= TFL_SH_WORD_QUOTED;
            for (;;) {
                e = from;
                while (e < n && (cl(t[e]) & C_DQPLAIN))
                    e++;
                if (e == n || (t[e] != '"' && t[e] != '$'))
                    return 0; /* open, an escape or a backtick */
                if (t[e] == '"') {
                    if (e > from)
                        SSEG(roff, e + 1, from, e - from, false, true);
                    i = e + 1;
                    break;
                }
                if (e > from)
                    SSEG(roff, e, from, e - from, false, true);
                roff = from = simple_ref(L, e, &ns, &ne);
                if (!from)
                    return 0;
                SSEG(e, from, ns, ne - ns, true, true);
            }
        } else if (c == '$') {
            e = simple_ref(L, i, &ns, &ne);
            if (!e)
                return 0;
            SSEG(i, e, ns, ne - ns, true, false);
            i = e;
        } else {
            return 0;
        }
    }
#undef SSEG
    *ng = k;
    return i;
}

/*
 * A word made only of what simple_cut() reads (quoted strings, plain runs,
 * references by bare name: most words that are not plain): built in `out`
 * as read_mixed() would build it, without its stacks. False, with nothing
 * read, for any other word.
 */
__attribute__((noinline)) static bool simple_word(level *L, tfl_sh_word *out)
{
    split *sp = L->sp;
    const char *t = L->t;
    size_t s = L->pos, ng = 0, nv = 0, nchars = 0, e, k, c;
    unsigned flags = 0;
    sseg g[MAX_SSEGS];
    tfl_sh_part *parts = NULL;
    const tfl_sh_var **vars = NULL;
    char *val;

    e = simple_cut(L, g, &ng, &flags);
    if (!e)
        return false;
    for (k = 0; k < ng; k++)
        if (g[k].var)
            nv++;
        else
            nchars += g[k].len;
    val = pool_alloc(sp, nchars + 1, 1);
    if (ng)
        parts = pool_alloc(sp, ng * sizeof *parts, 8);
    if (nv)
        vars = pool_alloc(sp, nv * sizeof *vars, 8);
    memset(out, 0, sizeof *out);
    out->raw = t + s;
    out->raw_len = (uint32_t)(e - s);
    out->span = span_nonempty(L, s, e);
    L->pos = e;
    L->no_eq = !(ng && !g[0].var && !g[0].quoted);
    if (!val || (ng && !parts) || (nv && !vars)) {
        sp->oom = true;
        return true;
    }
    for (k = 0, c = 0, nv = 0; k < ng; k++) {
        tfl_sh_part *p = &parts[k];

        p->var = NULL; /* the whole union */
        p->span = g[k].roff == s && g[k].rend == e
                      ? out->span
                      : span_nonempty(L, g[k].roff, g[k].rend);
        p->quoted = g[k].quoted;
        if (!g[k].var) {
            copy(val + c, t + g[k].from, g[k].len);
            p->text = val + c;
            p->len = g[k].len;
            p->kind = TFL_SH_PART_LITERAL;
            c += g[k].len;
        } else {
            tfl_sh_var *v = pool_alloc(sp, sizeof *v, 8);
            const char *name = dup(sp, t + g[k].from, g[k].len);
            const tfl_sh_var **gp = grow(sp, (void **)&sp->vars, &sp->nvars,
                                         &sp->capvars, sizeof *gp, sp->vars0);

            if (!v || !name || !gp) {
                sp->oom = true;
                return true;
            }
            *v = (tfl_sh_var){
                .name = name,
                .span = p->span,
                .name_span = span_nonempty(L, g[k].from, g[k].from + g[k].len),
                .name_len = g[k].len,
                .cmd = L->cur_cmd,
                .op = TFL_SH_VAR_PLAIN,
                .quoted = g[k].quoted};
            *gp = v;
            vars[nv++] = v;
            p->text = t + g[k].roff;
            p->len = g[k].rend - g[k].roff;
            p->var = v;
            p->kind = TFL_SH_PART_VAR;
        }
    }
    val[c] = '\0';
    out->parts = parts;
    out->nparts = (uint32_t)ng;
    out->vars = vars;
    out->nvars = (uint32_t)nv;
    out->flags = (uint16_t)(flags | (nv ? TFL_SH_WORD_EXPANDS : 0));
    if (!nv) {
        out->value = val;
        out->len = (uint32_t)nchars;
    }
    return true;
}

/* `c` ends a plain run but may be in a word glob_word() builds. */
static inline bool globby(char c)
{
    return c == '*' || c == '?' || c == '[' || c == '~' || c == '}';
}

/*
 * A word of plain bytes and * ? [ ~ } (a pattern, a path under ~, the `[`
 * of a test), up to a blank or an operator: read_mixed() would make it
 * one unquoted literal, its own part, so it is built as plain_word()
 * builds a plain word, with the flags read_mixed() would set. False, with
 * nothing read, for any other word.
 */
__attribute__((noinline)) static bool glob_word(level *L, tfl_sh_word *out)
{
    const char *t = L->t;
    size_t s = L->pos, n = L->n, i = s;
    unsigned flags = 0;
    bool eq = false;

    for (;;) {
        i = plain_end(L, i, &eq);
        if (i == n || is_meta(t[i]))
            break;
        if (!globby(t[i]))
            return false;
        if (t[i] == '~')
            flags |= i == s ? TFL_SH_WORD_TILDE : 0;
        else if (t[i] != '}')
            flags |= TFL_SH_WORD_GLOB;
        i++;
    }
    plain_word(L, s, i, out);
    out->flags = (uint16_t)flags;
    return true;
}

__attribute__((noinline)) static tfl_sh_word *push_word(level *L)
{
    split *sp = L->sp;
    bool eq = false;
    size_t e;
    tfl_sh_word *w, tmp;

    if (L->t[L->pos] == '"' || L->t[L->pos] == '\'' || L->t[L->pos] == '$') {
        w = stack_slot(sp, &sp->words);
        if (!w)
            return NULL;
        if (simple_word(L, w))
            return w;
        sp->words.len--; /* nothing was pushed after it */
    } else if (globby(L->t[L->pos])) {
        w = stack_slot(sp, &sp->words);
        if (!w)
            return NULL;
        if (glob_word(L, w)) {
            L->no_eq = false; /* X=* assigns */
            return w;
        }
        sp->words.len--;
    }
    e = plain_end(L, L->pos, &eq);

    if (e > L->pos && (e == L->n || is_meta(L->t[e]))) {
        w = stack_slot(sp, &sp->words);
        if (w)
            plain_word(L, L->pos, e, w);
        L->no_eq = !eq;
        return w;
    }
    read_mixed(L, W_NORMAL, &tmp, e);
    L->no_eq = false;
    w = stack_slot(sp, &sp->words);
    if (w)
        *w = tmp;
    return w;
}

/* Any word; L->no_eq tells whether it is plain and without an '=' (so no
 * assignment, which is what most first words of a command are not). */
static void read_word(level *L, int mode, tfl_sh_word *out)
{
    bool eq = false;
    size_t e = plain_end(L, L->pos, &eq);

    if (e > L->pos &&
        (e == L->n || (mode == W_NORMAL ? is_meta(L->t[e]) : L->t[e] == '}'))) {
        plain_word(L, L->pos, e, out);
        L->no_eq = !eq;
    } else {
        read_mixed(L, mode, out, e);
        L->no_eq = false;
    }
}

/* Any word: quotes, escapes, expansions, parts of all kinds. */
/* `e` is where the plain run at L->pos ends (read_word() has looked). */
static void read_mixed(level *L, int mode, tfl_sh_word *out, size_t e)
{
    wbuild b;
    size_t start = L->pos;

    word_begin(L, &b);
    if (e > L->pos) {
        lit_run(L, &b, L->pos, e, false);
        L->pos = e;
    }
    while (L->pos < L->n && !L->sp->oom) {
        char c = L->t[L->pos];
        bool eq;

        e = plain_end(L, L->pos, &eq);
        if (e > L->pos) {
            lit_run(L, &b, L->pos, e, false);
            L->pos = e;
            continue;
        }
        if (mode == W_NORMAL && is_meta(c))
            break;
        if (mode == W_BRACE && c == '}')
            break;
        if (c == '\\') {
            if (at(L, L->pos + 1, '\n')) {
                L->pos += 2;
            } else if (L->pos + 1 < L->n) {
                lit_add(L, &b, L->t[L->pos + 1], true, L->pos);
                L->pos += 2;
            } else {
                lit_add(L, &b, c, false, L->pos++);
            }
        } else if (c == '\'') {
            read_single(L, &b);
        } else if (c == '"') {
            read_double(L, &b);
        } else if (c == '$') {
            read_dollar(L, &b, false);
        } else if (c == '`') {
            read_backtick(L, &b, false);
        } else if (mode == W_NORMAL && at_array(L, start)) {
            bool unclosed = false;
            size_t end = skip_region(L, L->pos + 1, '(', ')', &unclosed);

            for (; L->pos < end; L->pos++)
                lit_add(L, &b, L->t[L->pos], false, L->pos);
        } else {
            if (c == '*' || c == '?' || c == '[')
                b.flags |= TFL_SH_WORD_GLOB;
            if (c == '~' && L->pos == start)
                b.flags |= TFL_SH_WORD_TILDE;
            lit_add(L, &b, c, false, L->pos++);
        }
    }
    word_end(L, &b, start, out);
}

/* ---- simple commands ------------------------------------------------- */

/* The word is `NAME=...` or `NAME+=...` with NAME unquoted; returns the
 * length of the name (0 when not an assignment). */
static size_t assign_name(const tfl_sh_word *w, bool *append)
{
    const tfl_sh_part *p = w->nparts ? &parts_of(w)[0] : NULL;
    size_t i = 0;

    *append = false;
    if (!p || p->kind != TFL_SH_PART_LITERAL || p->quoted || p->len < 2 ||
        !is_name_start(p->text[0]) || w->raw_len < p->len)
        return 0;
    while (i < p->len && is_name_char(p->text[i]))
        i++;
    if (i < p->len && p->text[i] == '=' && memcmp(w->raw, p->text, i) == 0)
        return i;
    if (i + 1 < p->len && p->text[i] == '+' && p->text[i + 1] == '=' &&
        memcmp(w->raw, p->text, i) == 0) {
        *append = true;
        return i;
    }
    return 0;
}

/* Build an assignment from word `w` of level L, if it is one. */
static bool make_assign(level *L, const tfl_sh_word *w, tfl_sh_assign_kind k,
                        tfl_sh_assign *a)
{
    bool append;
    size_t nl = assign_name(w, &append), skip, woff;
    tfl_sh_word *v;
    tfl_sh_part *parts;

    if (!nl)
        return false;
    skip = nl + 1 + (append ? 1 : 0);
    woff = (size_t)(w->raw - L->t);
    memset(a, 0, sizeof *a);
    a->kind = k;
    a->append = append;
    a->name = dup(L->sp, w->raw, nl);
    a->name_len = nl;
    a->name_span = span_of(L, woff, woff + nl);
    a->span = w->span;
    v = &a->value;
    *v = *w;
    v->raw = w->raw + skip;
    v->raw_len = w->raw_len - skip;
    v->span = span_of(L, woff + skip, woff + w->raw_len);
    if (v->value) {
        v->value += skip;
        v->len -= skip;
    }
    parts = pool_alloc(L->sp, w->nparts * sizeof *parts, 8);
    if (!parts) {
        L->sp->oom = true;
        v->nparts = 0;
        return true;
    }
    memcpy(parts, parts_of(w), w->nparts * sizeof *parts);
    parts[0].text += skip;
    parts[0].len -= skip;
    parts[0].span = span_of(L, woff + skip, woff + skip + parts[0].len);
    v->parts = parts;
    if (parts[0].len == 0) {
        v->parts = parts + 1;
        v->nparts--;
    }
    if (v->nparts == 0 && v->raw_len == 0)
        v->flags = 0;
    return true;
}

/* strcmp() == 0, with the first two bytes compared before the call */
static bool same(const char *a, const char *b)
{
    if (a[0] != b[0])
        return false;
    if (!a[0])
        return true;
    return a[1] == b[1] && (!a[1] || strcmp(a + 2, b + 2) == 0);
}

/* The names the splitter treats apart: prefix commands, shells (and su,
 * which runs one), export-like builtins. */
enum {
    N_NONE,
    N_ENV,
    N_SUDO,
    N_EXEC,
    N_TIME,
    N_NOHUP,
    N_BUSYBOX,
    N_COMMAND,
    N_SHELL, /* sh bash dash ash zsh ksh mksh */
    N_SU,    /* su runuser */
    N_EXPORT /* export readonly declare typeset local */
};

/* Which of them `s` is: one switch on the first byte, then the few names
 * that start with it (most command names start with none of theirs). */
static unsigned name_kind(const char *s)
{
    switch (s[0]) {
    case 'e':
        return same(s, "env")      ? N_ENV
               : same(s, "exec")   ? N_EXEC
               : same(s, "export") ? N_EXPORT
                                   : N_NONE;
    case 't':
        return same(s, "time")      ? N_TIME
               : same(s, "typeset") ? N_EXPORT
                                    : N_NONE;
    case 's':
        return same(s, "sudo") ? N_SUDO
               : same(s, "sh") ? N_SHELL
               : same(s, "su") ? N_SU
                               : N_NONE;
    case 'b':
        return same(s, "busybox") ? N_BUSYBOX
               : same(s, "bash")  ? N_SHELL
                                  : N_NONE;
    case 'n':
        return same(s, "nohup") ? N_NOHUP : N_NONE;
    case 'c':
        return same(s, "command") ? N_COMMAND : N_NONE;
    case 'd':
        return same(s, "dash")      ? N_SHELL
               : same(s, "declare") ? N_EXPORT
                                    : N_NONE;
    case 'r':
        return same(s, "runuser")    ? N_SU
               : same(s, "readonly") ? N_EXPORT
                                     : N_NONE;
    case 'a':
        return same(s, "ash") ? N_SHELL : N_NONE;
    case 'z':
        return same(s, "zsh") ? N_SHELL : N_NONE;
    case 'k':
        return same(s, "ksh") ? N_SHELL : N_NONE;
    case 'm':
        return same(s, "mksh") ? N_SHELL : N_NONE;
    case 'l':
        return same(s, "local") ? N_EXPORT : N_NONE;
    default:
        return N_NONE;
    }
}

static bool word_is(const tfl_sh_word *w, const char *s)
{
    return w->value && same(w->value, s);
}

/* Last component of a literal command name ("/usr/bin/env" -> "env"). */
static const char *base_name(const tfl_sh_word *w)
{
    const char *s, *slash;

    if (!w->value)
        return NULL;
    s = w->value;
    slash = strrchr(s, '/');
    return slash ? slash + 1 : s;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (same(s, *list))
            return true;
    return false;
}

static bool is_opt(const tfl_sh_word *w)
{
    return w->value && w->value[0] == '-' && w->value[1];
}

/* Skip the options of a prefix command from index i; `witharg` lists the
 * options that take a separate argument. */
static size_t skip_opts(const tfl_sh_word *w, size_t n, size_t i,
                        const char *const *witharg)
{
    while (i < n && is_opt(&w[i])) {
        if (word_is(&w[i], "--"))
            return i + 1;
        i += in_list(w[i].value, witharg) ? 2 : 1;
    }
    return i;
}

typedef struct cbuild {
    size_t wmark, amark, rmark;
} cbuild;

static void push_assign(level *L, const tfl_sh_word *w, tfl_sh_assign_kind k)
{
    tfl_sh_assign a, *slot;

    if (!make_assign(L, w, k, &a))
        return;
    slot = stack_push(L->sp, &L->sp->assigns);
    if (slot)
        *slot = a;
}

/* Find the real command past env/exec/nohup/time/command/sudo/busybox;
 * env's and sudo's assignments are recorded. `*name` is set to the base
 * name of the word found (NULL when there is none or it has no value),
 * `*nk` to its name_kind(). */
__attribute__((always_inline)) static inline uint32_t
unwrap(level *L, tfl_sh_word *w, size_t n, unsigned *mask, const char **name,
       unsigned *nk)
{
    static const char *const env_a[] = {"-u",      "--unset", "-C",
                                        "--chdir", "-S",      NULL};
    static const char *const exec_a[] = {"-a", NULL};
    static const char *const time_a[] = {"-f", "-o", "--format", "--output",
                                         NULL};
    static const char *const sudo_a[] = {
        "-u",     "-g",      "-C",           "-D",           "-h",
        "-p",     "-r",      "-t",           "-U",           "-T",
        "--user", "--group", "--chdir",      "--prompt",     "--role",
        "--type", "--host",  "--other-user", "--close-from", NULL};
    static const char *const none[] = {NULL};
    size_t i = 0;

    *name = NULL;
    *nk = N_NONE;
    while (i < n) {
        const char *b = base_name(&w[i]);
        size_t j, k;
        unsigned bit, kind;
        bool envish = false;

        *name = b;
        *nk = kind = b ? name_kind(b) : N_NONE;
        if (kind == N_ENV) {
            j = skip_opts(w, n, i + 1, env_a), bit = TFL_SH_PREFIX_ENV;
            envish = true;
        } else if (kind == N_SUDO) {
            j = skip_opts(w, n, i + 1, sudo_a), bit = TFL_SH_PREFIX_SUDO;
            envish = true;
        } else if (kind == N_EXEC) {
            j = skip_opts(w, n, i + 1, exec_a), bit = TFL_SH_PREFIX_EXEC;
        } else if (kind == N_TIME) {
            j = skip_opts(w, n, i + 1, time_a), bit = TFL_SH_PREFIX_TIME;
        } else if (kind == N_NOHUP) {
            j = i + 1, bit = TFL_SH_PREFIX_NOHUP;
        } else if (kind == N_BUSYBOX) {
            j = i + 1, bit = TFL_SH_PREFIX_BUSYBOX;
        } else if (kind == N_COMMAND) {
            /* `command -v x` asks about x, it does not run it */
            if (i + 1 < n &&
                (word_is(&w[i + 1], "-v") || word_is(&w[i + 1], "-V")))
                break;
            j = skip_opts(w, n, i + 1, none), bit = TFL_SH_PREFIX_COMMAND;
        } else {
            break;
        }
        k = j;
        if (envish) {
            bool app;

            while (k < n && assign_name(&w[k], &app))
                k++;
        }
        if (k >= n)
            break;
        for (; j < k; j++)
            push_assign(L, &w[j], TFL_SH_ASSIGN_ENV);
        *mask |= bit;
        i = k;
        *name = NULL;
        *nk = N_NONE;
    }
    return (uint32_t)i;
}

/* Index of the script string of `sh -c STRING` (or `su -c STRING`), or
 * TFL_SH_NONE; `kind` is the name_kind() of the base name of word arg0
 * (see unwrap()). */
static uint32_t shell_string(const tfl_sh_word *w, size_t n, size_t arg0,
                             unsigned kind)
{
    size_t i;
    bool c = false;

    if (arg0 >= n || (kind != N_SHELL && kind != N_SU))
        return TFL_SH_NONE; /* neither a shell nor su */
    if (kind == N_SU) {
        for (i = arg0 + 1; i + 1 < n; i++)
            if (word_is(&w[i], "-c") || word_is(&w[i], "--command"))
                return (uint32_t)(i + 1);
        return TFL_SH_NONE;
    }
    for (i = arg0 + 1; i < n; i++) {
        const char *v = w[i].value;

        if (!v || (v[0] != '-' && v[0] != '+') || !v[1])
            break;
        if (strcmp(v, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(v + 1, "o") == 0 || strcmp(v + 1, "O") == 0) {
            i++;
            continue;
        }
        if (v[0] == '-' && v[1] != '-' && strchr(v, 'c'))
            c = true;
    }
    return c && i < n ? (uint32_t)i : TFL_SH_NONE;
}

/* `c` may start a redirection: & < > or a digit. One test of a mask of
 * the bytes from '&' on. */
static bool redir_start(char c)
{
    const uint64_t m = 1ull << 0 | 0x3ffull << ('0' - '&') |
                       1ull << ('<' - '&') | 1ull << ('>' - '&');
    unsigned d = (unsigned)(unsigned char)c - '&';

    return d < 64 && (m >> d & 1);
}

static inline bool at_redir(const level *L)
{
    size_t i = L->pos;
    char c = i < L->n ? L->t[i] : 0;

    /* the operators between commands (&& ;) are met far more often */
    if (c == '<' || c == '>')
        return true;
    if (c == '&')
        return at(L, i + 1, '>');
    if (!is_digit(c))
        return false;
    while (i < L->n && is_digit(L->t[i]))
        i++;
    return at(L, i, '<') || at(L, i, '>');
}

static tfl_sh_redir_op redir_op(level *L)
{
    const char *t = L->t + L->pos;
    size_t left = L->n - L->pos;
    char c1 = left > 1 ? t[1] : 0, c2 = left > 2 ? t[2] : 0;
    tfl_sh_redir_op op;
    size_t k = 2;

    /* the longest operator that matches */
    if (t[0] == '&') {
        assert(c1 == '>' && "at_redir promised an operator");
        if (c2 == '>')
            op = TFL_SH_REDIR_APPEND, k = 3;
        else
            op = TFL_SH_REDIR_DUP_OUT;
    } else if (t[0] == '<') {
        if (c1 == '<' && c2 == '<')
            op = TFL_SH_REDIR_HERESTR, k = 3;
        else if (c1 == '<' && c2 == '-')
            op = TFL_SH_REDIR_HEREDOC, k = 3;
        else if (c1 == '<')
            op = TFL_SH_REDIR_HEREDOC;
        else if (c1 == '>')
            op = TFL_SH_REDIR_RW;
        else if (c1 == '&')
            op = TFL_SH_REDIR_DUP_IN;
        else
            op = TFL_SH_REDIR_IN, k = 1;
    } else {
        assert(t[0] == '>' && "at_redir promised an operator");
        if (c1 == '>')
            op = TFL_SH_REDIR_APPEND;
        else if (c1 == '&')
            op = TFL_SH_REDIR_DUP_OUT;
        else if (c1 == '|')
            op = TFL_SH_REDIR_OUT;
        else
            op = TFL_SH_REDIR_OUT, k = 1;
    }
    L->pos += k;
    return op;
}

static void read_redir(level *L, tfl_sh_redir *r)
{
    int fd = -1;
    bool dash;

    while (L->pos < L->n && is_digit(L->t[L->pos])) {
        fd = fd < 0 ? 0 : fd;
        if (fd < 100000)
            fd = fd * 10 + (L->t[L->pos] - '0');
        L->pos++;
    }
    r->fd = fd;
    dash = L->n - L->pos >= 3 && memcmp(L->t + L->pos, "<<-", 3) == 0;
    r->op = redir_op(L);
    skip_blanks(L);
    read_word(L, W_NORMAL, &r->target);
    if (r->op == TFL_SH_REDIR_HEREDOC) {
        tfl_sh_heredoc *hd = POOL_NEW(L->sp, tfl_sh_heredoc);
        tfl_sh_heredoc **slot;
        const tfl_sh_word *t = &r->target;

        if (!hd) {
            L->sp->oom = true;
            return;
        }
        hd->strip_tabs = dash;
        hd->expands = !(t->flags & TFL_SH_WORD_QUOTED);
        hd->delim = t->value ? t->value : dup(L->sp, t->raw, t->raw_len);
        if (!hd->delim)
            hd->delim = "";
        r->heredoc = hd;
        slot = push(L->sp, (void **)&L->pending, &L->npending, &L->cappending,
                    sizeof *slot);
        if (slot)
            *slot = hd;
    }
}

/* Redirections after a compound command: read, kept nowhere. */
static void skip_redirs(level *L)
{
    tfl_sh_redir r;

    for (;;) {
        skip_blanks(L);
        if (L->sp->oom || !at_redir(L))
            return;
        memset(&r, 0, sizeof r);
        read_redir(L, &r);
    }
}

static inline uint32_t new_cmd(level *L, tfl_sh_op op, bool negated)
{
    split *sp = L->sp;
    tfl_sh_cmd *c = grow(sp, (void **)&sp->cmds, &sp->ncmds, &sp->capcmds,
                         sizeof *c, sp->cmds0);

    if (!c)
        return TFL_SH_NONE;
    /* one assignment: the bit fields are put together in a register */
    *c = (tfl_sh_cmd){
        .block = L->block,
        .parent = L->nest == TFL_SH_NEST_NONE ? TFL_SH_NONE : L->parent,
        .shell_c = TFL_SH_NONE,
        .depth = (uint8_t)L->depth,
        .op = op,
        .nest = L->nest,
        .negated = negated,
    };
    return (uint32_t)(sp->ncmds - 1);
}

/* Assignments of export-like builtins, kept as words too. `name` and
 * `nk` are as unwrap() set them: the builtin must be named bare. */
static void export_assigns(level *L, tfl_sh_word *w, size_t n, size_t arg0,
                           const char *name, unsigned nk)
{
    size_t i;

    if (arg0 >= n || nk != N_EXPORT || name != w[arg0].value)
        return;
    for (i = arg0 + 1; i < n; i++)
        push_assign(L, &w[i], TFL_SH_ASSIGN_EXPORT);
}

/* `head` is the source offset of `start`, mapped before the words: the
 * span then needs no look back across the lines of a long command. */
__attribute__((always_inline)) static inline void
finish_cmd(level *L, uint32_t ci, cbuild *cb, size_t start, uint32_t head,
           size_t end)
{
    split *sp = L->sp;
    tfl_sh_cmd none, *c;
    tfl_sh_word *w;
    tfl_sh_redir *r;
    size_t nw, k, i;
    unsigned prefixes = 0;
    const char *name;
    unsigned nk;

    /* filled in place: nothing below adds commands (and so moves them)
     * before cook_and_parse() */
    c = ci == TFL_SH_NONE ? &none : &sp->cmds[ci];
    w = take_words(sp, cb->wmark, &nw);
    c->words = w;
    c->nwords = nw;
    c->arg0 = unwrap(L, w, nw, &prefixes, &name, &nk);
    c->prefixes = (uint8_t)prefixes;
    export_assigns(L, w, nw, c->arg0, name, nk);
    c->shell_c = shell_string(w, nw, c->arg0, nk);
    c->assigns = stack_take(sp, &sp->assigns, cb->amark, &k);
    c->nassigns = k;
    r = stack_take(sp, &sp->redirs, cb->rmark, &k);
    for (i = 0; i < k; i++)
        place(&r[i].target);
    c->redirs = r;
    c->nredirs = k;
    c->span.start = head;
    c->span.end = end > start ? span_nonempty(L, end - 1, end).end : head;
    if (ci == TFL_SH_NONE || c->shell_c == TFL_SH_NONE)
        return;
    if (L->depth + 1 >= TFL_SH_MAX_DEPTH) {
        sp->truncated = true;
        return;
    }
    k = (size_t)(w[c->shell_c].raw - L->t);
    cook_and_parse(L, k, k + w[c->shell_c].raw_len, false, TFL_SH_NEST_SHELL_C,
                   ci);
}

/* Word `w`, just pushed, moves to the assignment stack when it is one. */
static bool to_assign(level *L, tfl_sh_word *w)
{
    split *sp = L->sp;
    tfl_sh_assign a, *slot;

    if (!make_assign(L, w, TFL_SH_ASSIGN_PLAIN, &a))
        return false;
    sp->words.len--; /* it was w */
    slot = stack_slot(sp, &sp->assigns);
    if (slot)
        *slot = a;
    return true;
}

static size_t at_funcdef(const level *L);

/* The plain word just read at `start` (L->pos at its end), the first of
 * command `ci`, names a function being defined: if so, undo both. */
static bool funcdef_head(level *L, uint32_t ci, size_t start)
{
    split *sp = L->sp;
    size_t i = L->pos, end = L->pos;

    while (i < L->n && is_blank(L->t[i]))
        i++;
    if (!at(L, i, '('))
        return false;
    L->pos = start;
    if (!at_funcdef(L)) {
        L->pos = end;
        return false;
    }
    /* nothing was added after them */
    assert(ci == TFL_SH_NONE || ci + 1 == sp->ncmds);
    sp->words.len--;
    if (ci != TFL_SH_NONE)
        sp->ncmds--;
    return true;
}

/*
 * A simple command at L->pos. When `fn` is set and it turns out to be the
 * head `name()` of a function definition (known once its first word is
 * read: most commands are thus spared a look-ahead), it is undone and
 * true returned, L->pos back where it was.
 */
static bool parse_simple(level *L, tfl_sh_op op, bool negated, bool fn)
{
    split *sp = L->sp;
    uint32_t ci = new_cmd(L, op, negated), saved = L->cur_cmd;
    size_t start = L->pos, end = L->pos;
    cbuild cb = {sp->words.len, sp->assigns.len, sp->redirs.len};
    bool words_seen = false;
    uint32_t head = span_of(L, start, start).start;

    L->cur_cmd = ci;
    while (L->pos < L->n && !sp->oom) {
        const char *t = L->t;
        size_t n = L->n, before = L->pos;
        char c = t[before];

        if ((cl(c) & C_PLAIN) && c != '#' && (!is_digit(c) || !at_redir(L))) {
            /* most words are plain: built here, in their slot */
            bool eq = false;
            size_t e = plain_end(L, before, &eq);
            tfl_sh_word *w, tmp;

            if (e == n || is_meta(t[e])) {
                w = stack_slot(sp, &sp->words);
                if (!w)
                    break;
                plain_word(L, before, e, w);
                if (fn && before == start && !eq && e < n &&
                    (t[e] == '(' || (e + 1 < n && is_blank(t[e]) &&
                                     !(cl(t[e + 1]) & C_PLAIN))) &&
                    funcdef_head(L, ci, start)) {
                    L->cur_cmd = saved;
                    return true;
                }
                if (!words_seen && !(eq && to_assign(L, w)))
                    words_seen = true;
                end = e;
                if (e + 1 < n && t[e] == ' ' && !is_blank(t[e + 1]) &&
                    t[e + 1] != '\\')
                    L->pos = e + 1;
                else
                    skip_blanks(L);
                continue;
            }
            w = NULL;
            if (globby(t[e])) { /* a pattern, most likely */
                w = stack_slot(sp, &sp->words);
                if (!w)
                    break;
                if (!glob_word(L, w)) {
                    sp->words.len--; /* nothing was pushed after it */
                    w = NULL;
                }
            }
            if (!w) {
                read_mixed(L, W_NORMAL, &tmp, e);
                w = stack_slot(sp, &sp->words);
                if (!w)
                    break;
                *w = tmp;
            }
            if (!words_seen && !to_assign(L, w))
                words_seen = true;
        } else if (redir_start(c) && at_redir(L)) {
            tfl_sh_redir tmp, *r;

            memset(&tmp, 0, sizeof tmp);
            read_redir(L, &tmp);
            r = stack_slot(sp, &sp->redirs);
            if (r)
                *r = tmp;
        } else if (is_meta(c)) {
            break;
        } else if (c == '#') {
            skip_comment(L);
            break;
        } else {
            tfl_sh_word *w = push_word(L);

            if (!w)
                break;
            if (!words_seen && !(!L->no_eq && to_assign(L, w)))
                words_seen = true;
        }
        if (L->pos == before)
            L->pos++; /* cannot happen; never loop without progress */
        end = L->pos;
        skip_blanks(L);
    }
    finish_cmd(L, ci, &cb, start, head, end);
    L->cur_cmd = saved;
    return false;
}

/* ---- compound commands and lists -------------------------------------- */

static uint32_t open_block(level *L, tfl_sh_block_kind kind, uint32_t head,
                           size_t kwlen)
{
    split *sp = L->sp;
    tfl_sh_block *b = grow(sp, (void **)&sp->blocks, &sp->nblocks,
                           &sp->capblocks, sizeof *b, sp->blocks0);
    uint32_t i;

    if (!b)
        return TFL_SH_NONE;
    memset(b, 0, sizeof *b);
    i = (uint32_t)(sp->nblocks - 1);
    b->kind = kind;
    b->parent = L->block;
    b->head = head == TFL_SH_NONE ? i : head;
    b->first_cmd = b->end_cmd = (uint32_t)sp->ncmds;
    b->span = span_of(L, L->pos, L->pos + kwlen);
    L->pos += kwlen;
    L->block = i;
    return i;
}

static void close_block(level *L, uint32_t i)
{
    split *sp = L->sp;

    if (i == TFL_SH_NONE)
        return;
    sp->blocks[i].end_cmd = (uint32_t)sp->ncmds;
    L->block = sp->blocks[i].parent;
}

/* A block holding one list, ended by `kw` (consumed when present). */
static uint32_t block_list(level *L, tfl_sh_block_kind kind, uint32_t head,
                           size_t kwlen, unsigned mask, unsigned term,
                           const char *kw)
{
    uint32_t b = open_block(L, kind, head, kwlen);

    parse_list(L, mask | term);
    close_block(L, b);
    if (kw && at_kw(L, kw))
        L->pos += strlen(kw);
    return b;
}

static void set_head_op(level *L, uint32_t b, tfl_sh_op op)
{
    if (b != TFL_SH_NONE)
        L->sp->blocks[b].op = op;
}

static void parse_if(level *L, unsigned mask, tfl_sh_op op)
{
    unsigned body = T_ELIF | T_ELSE | T_FI;
    uint32_t head =
        block_list(L, TFL_SH_BLOCK_IF_COND, TFL_SH_NONE, 2, mask, T_THEN, NULL);

    set_head_op(L, head, op);
    for (;;) {
        if (!at_kw(L, "then"))
            return;
        block_list(L, TFL_SH_BLOCK_IF_THEN, head, 4, mask, body, NULL);
        if (at_kw(L, "elif")) {
            uint32_t b = block_list(L, TFL_SH_BLOCK_IF_COND, head, 4, mask,
                                    T_THEN, NULL);

            if (b != TFL_SH_NONE)
                L->sp->blocks[b].elif = true;
            continue;
        }
        if (at_kw(L, "else"))
            block_list(L, TFL_SH_BLOCK_IF_ELSE, head, 4, mask, T_FI, "fi");
        else if (at_kw(L, "fi"))
            L->pos += 2;
        return;
    }
}

static void parse_while(level *L, unsigned mask, tfl_sh_op op, bool until)
{
    uint32_t head = block_list(L, TFL_SH_BLOCK_WHILE_COND, TFL_SH_NONE, 5, mask,
                               T_DO, NULL);

    if (head != TFL_SH_NONE) {
        L->sp->blocks[head].until = until;
        L->sp->blocks[head].op = op;
    }
    if (at_kw(L, "do"))
        block_list(L, TFL_SH_BLOCK_LOOP_BODY, head, 2, mask, T_DONE, "done");
}

/* Words up to a ';', a new line or an operator (for lists, case). */
static void read_word_list(level *L, size_t *count)
{
    split *sp = L->sp;

    for (;;) {
        tfl_sh_word w, *slot;

        skip_blanks(L);
        if (L->pos >= L->n || is_meta(L->t[L->pos]) || sp->oom)
            return;
        if (L->t[L->pos] == '#') {
            skip_comment(L);
            return;
        }
        read_word(L, W_NORMAL, &w);
        slot = stack_push(sp, &sp->words);
        if (slot) {
            *slot = w;
            (*count)++;
        }
    }
}

/* Skip blanks, new lines and, when `semi`, one ';'. */
static void skip_separators(level *L, bool semi)
{
    for (;;) {
        skip_blanks(L);
        if (at(L, L->pos, '\n'))
            take_newline(L);
        else if (semi && at(L, L->pos, ';') && !at(L, L->pos + 1, ';')) {
            L->pos++;
            semi = false;
        } else if (at(L, L->pos, '#'))
            skip_comment(L);
        else
            return;
    }
}

static void parse_for(level *L, unsigned mask, tfl_sh_op op)
{
    split *sp = L->sp;
    size_t kw = L->pos, mark = sp->words.len, n = 0;
    uint32_t b, saved = L->cur_cmd;
    const tfl_sh_word *words;

    L->pos += 3;
    L->cur_cmd = TFL_SH_NONE;
    skip_blanks(L);
    if (at(L, L->pos, '(') && at(L, L->pos + 1, '(')) {
        bool unclosed = false;

        L->pos = skip_region(L, L->pos, '(', ')', &unclosed);
    } else {
        tfl_sh_word *slot;
        tfl_sh_word w;

        read_word(L, W_NORMAL, &w); /* the variable */
        if ((slot = stack_push(sp, &sp->words)) != NULL) {
            *slot = w;
            n++;
        }
        skip_separators(L, false);
        if (at_kw(L, "in")) {
            L->pos += 2;
            read_word_list(L, &n);
        }
    }
    L->cur_cmd = saved;
    skip_separators(L, true);
    words = take_words(sp, mark, &n);
    if (!at_kw(L, "do"))
        return;
    b = open_block(L, TFL_SH_BLOCK_FOR_BODY, TFL_SH_NONE, 2);
    if (b != TFL_SH_NONE) {
        sp->blocks[b].words = words;
        sp->blocks[b].nwords = n;
        sp->blocks[b].op = op;
        sp->blocks[b].span = span_of(L, kw, kw + 3);
    }
    parse_list(L, mask | T_DONE);
    close_block(L, b);
    if (at_kw(L, "done"))
        L->pos += 4;
}

/* One `pattern | pattern )` of a case; returns false when none is there. */
static bool read_patterns(level *L, size_t *n)
{
    skip_blanks(L);
    if (at(L, L->pos, '('))
        L->pos++;
    for (;;) {
        tfl_sh_word w, *slot;
        size_t at0;

        skip_blanks(L);
        at0 = L->pos;
        read_word(L, W_NORMAL, &w);
        if (L->pos > at0) {
            slot = stack_push(L->sp, &L->sp->words);
            if (slot) {
                *slot = w;
                (*n)++;
            }
        }
        skip_blanks(L);
        if (at(L, L->pos, '|')) {
            L->pos++;
            continue;
        }
        if (at(L, L->pos, ')')) {
            L->pos++;
            return true;
        }
        return false;
    }
}

static void parse_case(level *L, unsigned mask, tfl_sh_op op)
{
    split *sp = L->sp;
    size_t kw = L->pos;
    uint32_t head = TFL_SH_NONE, saved = L->cur_cmd;
    tfl_sh_word subject;

    L->pos += 4;
    L->cur_cmd = TFL_SH_NONE;
    skip_blanks(L);
    read_word(L, W_NORMAL, &subject);
    skip_separators(L, false);
    if (!at_kw(L, "in")) {
        L->cur_cmd = saved;
        return;
    }
    L->pos += 2;
    while (!sp->oom) {
        size_t mark = sp->words.len, n = 0, before;
        tfl_sh_word *slot = stack_push(sp, &sp->words);
        uint32_t b;

        if (slot) {
            *slot = subject;
            n = 1;
        }
        skip_separators(L, false);
        before = L->pos;
        if (at_kw(L, "esac")) {
            L->pos += 4;
            sp->words.len = mark;
            break;
        }
        if (!read_patterns(L, &n) || L->pos == before) {
            sp->words.len = mark;
            break;
        }
        L->cur_cmd = saved;
        b = open_block(L, TFL_SH_BLOCK_CASE_ITEM, head, 0);
        if (b != TFL_SH_NONE) {
            const tfl_sh_word *w = take_words(sp, mark, &n);

            sp->blocks[b].words = w;
            sp->blocks[b].nwords = n;
            sp->blocks[b].span = span_of(L, kw, kw + 4);
            if (head == TFL_SH_NONE) {
                head = b;
                sp->blocks[b].op = op;
            }
        } else {
            sp->words.len = mark;
        }
        parse_list(L, mask | T_DSEMI | T_ESAC);
        close_block(L, b);
        L->cur_cmd = TFL_SH_NONE;
        if (at(L, L->pos, ';')) /* ;; ;& ;;& */
            L->pos += at(L, L->pos + 1, ';') && at(L, L->pos + 2, '&') ? 3 : 2;
        else if (!at_kw(L, "esac"))
            break;
    }
    L->cur_cmd = saved;
}

/* `name()` at the current position (a function definition)? Returns the
 * length of the name. */
static size_t at_funcdef(const level *L)
{
    const char *t = L->t;
    size_t i = L->pos, e, n = L->n;

    if (i >= n || !is_name_start(t[i]))
        return 0;
    while (i < n && (cl(t[i]) & C_FNAME))
        i++;
    e = i;
    while (i < L->n && is_blank(L->t[i]))
        i++;
    if (!at(L, i, '('))
        return 0;
    i++;
    while (i < L->n && is_blank(L->t[i]))
        i++;
    return at(L, i, ')') ? e - L->pos : 0;
}

static void parse_function(level *L, unsigned mask, tfl_sh_op op,
                           size_t namelen)
{
    split *sp = L->sp;
    tfl_sh_word *name = POOL_NEW(sp, tfl_sh_word);
    size_t kw = L->pos;
    uint32_t b, saved = L->cur_cmd;

    if (!name) {
        sp->oom = true;
        return;
    }
    L->cur_cmd = TFL_SH_NONE;
    read_word(L, W_NORMAL, name);
    place(name);
    L->cur_cmd = saved;
    (void)namelen;
    skip_blanks(L);
    if (at(L, L->pos, '(')) {
        L->pos++;
        skip_blanks(L);
        if (at(L, L->pos, ')'))
            L->pos++;
    }
    skip_separators(L, false);
    b = open_block(L, TFL_SH_BLOCK_FUNCTION, TFL_SH_NONE, 0);
    if (b != TFL_SH_NONE) {
        sp->blocks[b].words = name;
        sp->blocks[b].nwords = 1;
        sp->blocks[b].op = op;
        sp->blocks[b].span = span_of(L, kw, kw + name->raw_len);
    }
    if (L->pos < L->n && !is_meta(L->t[L->pos]))
        parse_command(L, mask, TFL_SH_OP_NONE);
    else if (at(L, L->pos, '('))
        parse_command(L, mask, TFL_SH_OP_NONE);
    close_block(L, b);
}

/* Past the nesting cap: a whole ( ... ) becomes one opaque command. */
static void opaque_subshell(level *L, tfl_sh_op op, bool negated)
{
    split *sp = L->sp;
    uint32_t ci = new_cmd(L, op, negated);
    size_t s = L->pos;
    bool unclosed = false;
    tfl_sh_word *w = POOL_NEW(sp, tfl_sh_word);

    L->pos = skip_region(L, s, '(', ')', &unclosed);
    sp->truncated = true;
    if (!w || ci == TFL_SH_NONE) {
        sp->oom = sp->oom || !w;
        return;
    }
    w->raw = L->t + s;
    w->raw_len = L->pos - s;
    w->span = span_of(L, s, L->pos);
    w->flags = TFL_SH_WORD_DEEP | (unclosed ? TFL_SH_WORD_OPEN : 0);
    sp->cmds[ci].words = w;
    sp->cmds[ci].nwords = 1;
    sp->cmds[ci].arg0 = 1;
    sp->cmds[ci].span = w->span;
}

/* The reserved words that open a compound command. */
enum { K_NONE, K_GROUP, K_IF, K_WHILE, K_UNTIL, K_FOR, K_CASE, K_FUNCTION };

/* The one that stands at L->pos: only those of its first byte are
 * compared. */
static int command_kw(const level *L)
{
    switch (L->t[L->pos]) {
    case '{':
        return at_kw(L, "{") ? K_GROUP : K_NONE;
    case 'i':
        return at_kw(L, "if") ? K_IF : K_NONE;
    case 'w':
        return at_kw(L, "while") ? K_WHILE : K_NONE;
    case 'u':
        return at_kw(L, "until") ? K_UNTIL : K_NONE;
    case 'f':
        return at_kw(L, "for")        ? K_FOR
               : at_kw(L, "function") ? K_FUNCTION
                                      : K_NONE;
    case 'c':
        return at_kw(L, "case") ? K_CASE : K_NONE;
    default:
        return K_NONE;
    }
}

static void parse_command(level *L, unsigned mask, tfl_sh_op op)
{
    bool negated = false, deep = L->depth + 1 >= TFL_SH_MAX_DEPTH;
    int kw;
    uint32_t b;

    while (at(L, L->pos, '!') && at_kw(L, "!")) {
        negated = !negated;
        L->pos++;
        skip_blanks(L);
    }
    if (L->pos >= L->n ||
        (is_meta(L->t[L->pos]) && L->t[L->pos] != '(' && !at_redir(L)))
        return;
    if (at(L, L->pos, '(') && deep) {
        opaque_subshell(L, op, negated);
        return;
    }
    if (deep) {
        L->sp->truncated = true;
        parse_simple(L, op, negated, false);
        return;
    }
    L->depth++;
    kw = command_kw(L);
    if (at(L, L->pos, '(')) {
        b = block_list(L, TFL_SH_BLOCK_SUBSHELL, TFL_SH_NONE, 1, mask, T_RPAREN,
                       NULL);
        set_head_op(L, b, op);
        if (at(L, L->pos, ')'))
            L->pos++;
    } else if (kw == K_GROUP) {
        b = block_list(L, TFL_SH_BLOCK_GROUP, TFL_SH_NONE, 1, mask, T_RBRACE,
                       "}");
        set_head_op(L, b, op);
    } else if (kw == K_IF) {
        parse_if(L, mask, op);
    } else if (kw == K_WHILE || kw == K_UNTIL) {
        parse_while(L, mask, op, kw == K_UNTIL);
    } else if (kw == K_FOR) {
        parse_for(L, mask, op);
    } else if (kw == K_CASE) {
        parse_case(L, mask, op);
    } else if (kw == K_FUNCTION) {
        L->pos += 8;
        skip_blanks(L);
        parse_function(L, mask, op, 0);
    } else {
        L->depth--;
        if (!parse_simple(L, op, negated, true))
            return;
        L->depth++;
        parse_function(L, mask, op, 0);
    }
    L->depth--;
    skip_redirs(L);
}

/* The terminator at the current position, as a T_* bit (0: none). */
static unsigned terminator(const level *L)
{
    static const struct {
        const char *kw;
        unsigned bit;
    } kws[] = {{"then", T_THEN}, {"elif", T_ELIF}, {"else", T_ELSE},
               {"fi", T_FI},     {"do", T_DO},     {"done", T_DONE},
               {"esac", T_ESAC}, {"}", T_RBRACE}};
    size_t i;

    if (L->pos >= L->n)
        return 0;
    switch (L->t[L->pos]) {
    case ')':
        return T_RPAREN;
    case ';':
        return at(L, L->pos + 1, ';') || at(L, L->pos + 1, '&') ? T_DSEMI : 0;
    case 't':
    case 'e':
    case 'f':
    case 'd':
    case '}':
        break;
    default:
        return 0; /* no keyword starts so */
    }
    for (i = 0; i < sizeof kws / sizeof kws[0]; i++)
        if (kws[i].kw[0] == L->t[L->pos] && at_kw(L, kws[i].kw))
            return kws[i].bit;
    return 0;
}

/* An operator between commands: consume it and return what it means. */
static bool take_op(level *L, tfl_sh_op *op)
{
    const char *t = L->t + L->pos;
    size_t left = L->n - L->pos;

    if (t[0] == ';') {
        L->pos += left > 1 && (t[1] == ';' || t[1] == '&') ? 2 : 1;
        if (left > 2 && t[1] == ';' && t[2] == '&')
            L->pos++;
        *op = TFL_SH_OP_SEMI;
    } else if (t[0] == '&' && left > 1 && t[1] == '&') {
        L->pos += 2;
        *op = TFL_SH_OP_AND;
    } else if (t[0] == '&') {
        L->pos++;
        *op = TFL_SH_OP_BG;
    } else if (t[0] == '|' && left > 1 && t[1] == '|') {
        L->pos += 2;
        *op = TFL_SH_OP_OR;
    } else if (t[0] == '|') {
        L->pos += left > 1 && t[1] == '&' ? 2 : 1;
        *op = TFL_SH_OP_PIPE;
    } else {
        return false;
    }
    return true;
}

static void parse_list(level *L, unsigned mask)
{
    tfl_sh_op op = TFL_SH_OP_NONE;
    bool have_prev = false;

    while (!L->sp->oom) {
        unsigned term;
        size_t before;

        skip_blanks(L);
        if (L->pos >= L->n)
            return;
        before = L->pos;
        term = terminator(L);
        if (term & mask)
            return;
        if (at(L, L->pos, '\n')) {
            take_newline(L);
            if (have_prev && op == TFL_SH_OP_NONE)
                op = TFL_SH_OP_NEWLINE;
            continue;
        }
        if (at(L, L->pos, '#')) {
            skip_comment(L);
            continue;
        }
        if (term == T_RPAREN) { /* nobody waits for it */
            L->pos++;
            continue;
        }
        if (take_op(L, &op)) {
            if (!have_prev && op != TFL_SH_OP_SEMI)
                op = TFL_SH_OP_NONE;
            continue;
        }
        parse_command(L, mask, have_prev ? op : TFL_SH_OP_NONE);
        if (L->pos == before)
            L->pos++; /* defensive: every turn consumes input */
        have_prev = true;
        op = TFL_SH_OP_NONE;
    }
}

/* ---- public ----------------------------------------------------------- */

/* An exact-size arena copy of a finished heap array (NULL when empty). */
static void *keep(split *sp, const void *items, size_t size)
{
    void *p;

    if (!size || sp->oom)
        return NULL;
    p = size > sp->pool_left ? tfl_arena_alloc_raw(sp->a, size)
                             : pool_alloc(sp, size, 8);
    if (!p) {
        sp->oom = true;
        return NULL;
    }
    memcpy(p, items, size);
    return p;
}

int tfl_shell_split(tfl_arena *arena, const char *text, size_t len,
                    const tfl_textmap *map, tfl_sh_script *out)
{
    /* first buffers of the scratch, enough for most RUNs */
    char chars0[512];
    bpart parts0[16];
    const tfl_sh_var *varps0[16], *vars0[16];
    tfl_sh_word words0[16];
    tfl_sh_assign assigns0[4];
    tfl_sh_redir redirs0[4];
    tfl_sh_cmd cmds0[32];
    tfl_sh_block blocks0[8];
    split sp;
    level L;

    memset(out, 0, sizeof *out);
    memset(&sp, 0, sizeof sp);
    sp.chars.data = chars0;
    sp.chars.cap = sizeof chars0;
    sp.parts.data = (char *)parts0;
    sp.parts.cap = 16;
    sp.varps.data = (char *)varps0;
    sp.varps.cap = 16;
    sp.words.data = (char *)words0;
    sp.words.cap = 16;
    sp.chars.init = sp.chars.data;
    sp.parts.init = sp.parts.data;
    sp.varps.init = sp.varps.data;
    sp.words.init = sp.words.data;
    sp.assigns.data = (char *)assigns0;
    sp.assigns.cap = 4;
    sp.assigns.init = sp.assigns.data;
    sp.redirs.data = (char *)redirs0;
    sp.redirs.cap = 4;
    sp.redirs.init = sp.redirs.data;
    sp.cmds = cmds0;
    sp.capcmds = 32;
    sp.cmds0 = cmds0;
    sp.blocks = blocks0;
    sp.capblocks = 8;
    sp.blocks0 = blocks0;
    sp.vars = (const tfl_sh_var **)vars0;
    sp.capvars = 16;
    sp.vars0 = vars0;
    sp.a = arena;
    sp.chars.size = 1;
    sp.parts.size = sizeof(bpart);
    sp.varps.size = sizeof(const tfl_sh_var *);
    sp.words.size = sizeof(tfl_sh_word);
    sp.assigns.size = sizeof(tfl_sh_assign);
    sp.redirs.size = sizeof(tfl_sh_redir);
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    /* a fraction of what the result of a RUN of `len` bytes takes (some
     * 11 bytes a byte), so the unused tail of its last chunk stays small */
    sp.pool_chunk = len < 512 ? 256 : len > 131072 ? 65536 : len / 2;
    memset(&L, 0, sizeof L);
    L.sp = &sp;
    L.t = text ? text : "";
    L.n = text ? len : 0;
    map_init(&L, map);
    L.block = TFL_SH_NONE;
    L.parent = TFL_SH_NONE;
    L.cur_cmd = TFL_SH_NONE;
    parse_list(&L, 0);
    stacks_free(&sp);
    out->cmds = keep(&sp, sp.cmds, sp.ncmds * sizeof *sp.cmds);
    out->blocks = keep(&sp, sp.blocks, sp.nblocks * sizeof *sp.blocks);
    out->vars = keep(&sp, sp.vars, sp.nvars * sizeof *sp.vars);
    release(sp.cmds, sp.cmds0);
    release(sp.blocks, sp.blocks0);
    release(sp.vars, sp.vars0);
    if (sp.oom) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->ncmds = sp.ncmds;
    out->nblocks = sp.nblocks;
    out->nvars = sp.nvars;
    out->truncated = sp.truncated;
    return 0;
}

const char *tfl_sh_cmd_name(const tfl_sh_cmd *c)
{
    return c->arg0 < c->nwords ? c->words[c->arg0].value : NULL;
}

size_t tfl_sh_cmd_nargs(const tfl_sh_cmd *c)
{
    return c->arg0 < c->nwords ? c->nwords - c->arg0 - 1 : 0;
}

const tfl_sh_word *tfl_sh_cmd_arg(const tfl_sh_cmd *c, size_t i)
{
    return i < tfl_sh_cmd_nargs(c) ? &c->words[c->arg0 + 1 + i] : NULL;
}

/* ---- fallbacks -------------------------------------------------------- */

/* `[ -z "$X" ]`, `[[ -z $X ]]`, `test -z "$X"` (or -n): the name of X and
 * the flag letter, or NULL. */
static const char *empty_test(const tfl_sh_cmd *c, char *flag)
{
    const char *name = tfl_sh_cmd_name(c);
    size_t n = tfl_sh_cmd_nargs(c), want;
    const tfl_sh_word *f, *w;
    const char *close = NULL;

    /* most commands are none of the three: one byte says so */
    if (!name || c->negated || (name[0] != '[' && name[0] != 't'))
        return NULL;
    if (strcmp(name, "[") == 0)
        want = 3, close = "]";
    else if (strcmp(name, "[[") == 0)
        want = 3, close = "]]";
    else if (strcmp(name, "test") == 0)
        want = 2;
    else
        return NULL;
    if (n != want)
        return NULL;
    if (close && !word_is(tfl_sh_cmd_arg(c, 2), close))
        return NULL;
    f = tfl_sh_cmd_arg(c, 0);
    w = tfl_sh_cmd_arg(c, 1);
    if (!word_is(f, "-z") && !word_is(f, "-n"))
        return NULL;
    if (w->nparts != 1 || w->parts[0].kind != TFL_SH_PART_VAR ||
        w->parts[0].var->op != TFL_SH_VAR_PLAIN)
        return NULL;
    *flag = f->value[1];
    return w->parts[0].var->name;
}

/* One look at the first byte of the name of `c`, before empty_test(): few
 * commands are tests. */
static inline bool may_test(const tfl_sh_cmd *c)
{
    const char *v = c->arg0 < c->nwords ? c->words[c->arg0].value : NULL;

    return v && (v[0] == '[' || v[0] == 't');
}

/* `X=v` alone: its assignment of `name`, or NULL. */
static const tfl_sh_assign *sets(const tfl_sh_cmd *c, const char *name)
{
    size_t i;

    if (c->nwords != 0)
        return NULL;
    for (i = 0; i < c->nassigns; i++)
        if (strcmp(c->assigns[i].name, name) == 0 && !c->assigns[i].append)
            return &c->assigns[i];
    return NULL;
}

static bool same_list(const tfl_sh_cmd *a, const tfl_sh_cmd *b)
{
    return a->block == b->block && a->nest == b->nest &&
           a->parent == b->parent && a->depth == b->depth;
}

static int add_fallback(tfl_arena *arena, tfl_sh_fallback **out, size_t *n,
                        size_t *cap, tfl_sh_fallback_kind kind,
                        const char *name, const tfl_sh_word *value,
                        tfl_span span, uint32_t cmd)
{
    tfl_sh_fallback *f = tfl_arena_push(arena, (void **)out, n, cap, sizeof *f);

    if (!f)
        return -1;
    f->kind = kind;
    f->name = name;
    f->value = value;
    f->span = span;
    f->cmd = cmd;
    return 0;
}

/* The condition block an IF_THEN block `b` belongs to. */
static const tfl_sh_block *cond_of(const tfl_sh_script *s, size_t b)
{
    uint32_t head = s->blocks[b].head;

    while (b-- > 0)
        if (s->blocks[b].kind == TFL_SH_BLOCK_IF_COND &&
            s->blocks[b].head == head)
            return &s->blocks[b];
    return NULL;
}

int tfl_sh_fallbacks(tfl_arena *arena, const tfl_sh_script *s,
                     tfl_sh_fallback **out, size_t *n)
{
    size_t cap = 0, i;
    int err = 0;

    *out = NULL;
    *n = 0;
    for (i = 0; i < s->nvars && !err; i++) {
        const tfl_sh_var *v = s->vars[i];

        if (!v->colon || !v->arg ||
            (v->op != TFL_SH_VAR_DEFAULT && v->op != TFL_SH_VAR_ASSIGN))
            continue;
        err = add_fallback(arena, out, n, &cap,
                           v->op == TFL_SH_VAR_DEFAULT ? TFL_SH_FALLBACK_DEFAULT
                                                       : TFL_SH_FALLBACK_ASSIGN,
                           v->name, v->arg, v->span, v->cmd);
    }
    for (i = 1; i < s->ncmds && !err; i++) {
        const tfl_sh_cmd *c = &s->cmds[i], *prev = &s->cmds[i - 1];
        const tfl_sh_assign *a;
        const char *name;
        char flag;

        if (!may_test(prev) || !same_list(c, prev) ||
            !(name = empty_test(prev, &flag)))
            continue;
        if ((flag == 'z' && c->op != TFL_SH_OP_AND) ||
            (flag == 'n' && c->op != TFL_SH_OP_OR))
            continue;
        if ((a = sets(c, name)) != NULL)
            err = add_fallback(arena, out, n, &cap, TFL_SH_FALLBACK_TEST, name,
                               &a->value, a->span, (uint32_t)i);
    }
    for (i = 0; i < s->nblocks && !err; i++) {
        const tfl_sh_block *b = &s->blocks[i], *cond;
        const char *name;
        char flag;
        uint32_t k;

        if (b->kind != TFL_SH_BLOCK_IF_THEN || !(cond = cond_of(s, i)) ||
            cond->end_cmd != cond->first_cmd + 1 ||
            !(name = empty_test(&s->cmds[cond->first_cmd], &flag)) ||
            flag != 'z')
            continue;
        for (k = b->first_cmd; k < b->end_cmd && !err; k++) {
            const tfl_sh_cmd *c = &s->cmds[k];
            const tfl_sh_assign *a =
                c->block == i && c->nest == s->cmds[cond->first_cmd].nest &&
                        c->parent == s->cmds[cond->first_cmd].parent
                    ? sets(c, name)
                    : NULL;

            if (a)
                err = add_fallback(arena, out, n, &cap, TFL_SH_FALLBACK_IF,
                                   name, &a->value, a->span, k);
        }
    }
    return err;
}
