/*
 * The text report, one line per finding in the form compilers use, so
 * editors and CI problem matchers can jump to it:
 *
 *     PATH:LINE:COL: SEVERITY: MESSAGE [ID]
 *
 * LINE and COL are those of SARIF (1-based, columns in UTF-16 code units,
 * a tab counting one), so both reports point at the same place.
 *
 * With colour on, the source line follows behind a gutter, then a line
 * marking the span with "^~~~". The marker repeats the tabs of the source
 * line, so it lines up whatever the terminal's tab stops; a span running
 * over several lines is marked to the end of its first line.
 *
 * A Dockerfile is untrusted: whatever comes from it (paths, messages quoting
 * its words, the source line) passes through put_text(), which replaces
 * control characters, C1 controls, bidirectional overrides and invalid
 * UTF-8, so a file cannot move the cursor, recolour the terminal or hide
 * text. A message never spans lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes8.h"
#include "report_impl.h"
#include "tflint/rule.h"
#include "utf8.h"

#define RESET "\033[0m"
#define BOLD "\033[1m"
#define MARK "\033[1;32m"

/* A message put_text() showed as it is, remembered by its address: the
 * engine keeps equal messages of a file once, and a big file says the
 * same thing in many places. `gen` is the file's (see text_state). */
typedef struct plain_msg {
    const char *text;
    uint32_t gen, len;
} plain_msg;

#define PLAIN_BITS 10
#define PLAIN_SLOTS ((size_t)1 << PLAIN_BITS)
/* Files with fewer findings are written without the table: it would cost
 * more to touch than it saves. */
#define PLAIN_AFTER 256

typedef struct text_state {
    bool color;
    tfl_buf path;     /* the current file's path, made safe once for all */
    plain_msg *plain; /* PLAIN_SLOTS, made for the first big file */
    uint32_t gen;     /* numbers the files that use `plain`, from 1 */
} text_state;

static const char *sev_color(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_ERROR:
        return "\033[1;31m";
    case TFL_SEV_WARNING:
        return "\033[1;35m";
    case TFL_SEV_INFO:
        return "\033[1;36m";
    default:
        return "\033[1;34m";
    }
}

/* Code points a terminal would act on or that reorder what is shown. */
static bool hostile_cp(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Decode one shown unit at `s`: its byte length through `*n`, and what to
 * write instead (NULL: the bytes themselves) through `*repl`. Control
 * characters become caret notation ("^[" for ESC); tabs are kept when
 * `keep_tab`, else shown as a space.
 */
static void next_unit(const char *s, size_t len, bool keep_tab, size_t *n,
                      const char **repl, char caret[3])
{
    unsigned char c = (unsigned char)*s;
    uint32_t cp;

    *n = 1;
    *repl = NULL;
    if (c == '\t') {
        if (!keep_tab)
            *repl = " ";
        return;
    }
    if (c < 0x20 || c == 0x7f) {
        caret[0] = '^';
        caret[1] = (char)(c == 0x7f ? '?' : c + 0x40);
        caret[2] = '\0';
        *repl = caret;
        return;
    }
    if (c < 0x80)
        return;
    *n = tfl_utf8_decode(s, len, &cp);
    if (*n == 0 || hostile_cp(cp)) {
        *n = *n ? *n : 1;
        *repl = "\xEF\xBF\xBD"; /* U+FFFD */
    }
}

/* Length of a run of printable ASCII at `s`, in steps of sixteen bytes
 * or all of it (0 where SSE2 is not there). */
static size_t printable_run(const char *s, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i below = _mm_set1_epi8(0x20 - 1), above = _mm_set1_epi8(0x7f);

    /* Compared as signed bytes, everything from 0x80 up is below 0x20. */
    for (; len - i >= 16; i += 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i ok =
            _mm_and_si128(_mm_cmpgt_epi8(w, below), _mm_cmplt_epi8(w, above));

        if (_mm_movemask_epi8(ok) != 0xffff)
            return i;
    }
    /* The last sixteen bytes, overlapping those seen: the tail of a
     * message is as plain as the rest most of the time. */
    if (len >= 16 && i < len) {
        __m128i w =
            _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
        __m128i ok =
            _mm_and_si128(_mm_cmpgt_epi8(w, below), _mm_cmplt_epi8(w, above));

        if (_mm_movemask_epi8(ok) == 0xffff)
            i = len;
    }
#else
    (void)s;
    (void)len;
#endif
    return i;
}

/*
 * Append `s` made safe for a terminal (see the note at the top). Runs of
 * bytes shown as they are (printable ASCII, tabs when `keep_tab`, UTF-8
 * that is not hostile) go out in one append; next_unit() decides the rest.
 * True when all of `s` was shown as it is.
 */
static bool put_text(tfl_buf *b, const char *s, size_t len, bool keep_tab)
{
    size_t i = 0, run = 0;

    while (i < len) {
        unsigned char c;
        const char *repl;
        char caret[3];
        size_t n;

        /* Sixteen or eight bytes at a time while all of them are
         * printable ASCII. */
        i += printable_run(s + i, len - i);
        while (len - i >= 8) {
            if (!tfl_all_printable8(tfl_load8(s + i)))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        c = (unsigned char)s[i];

        if ((c >= 0x20 && c < 0x7f) || (c == '\t' && keep_tab)) {
            i++;
            continue;
        }
        next_unit(s + i, len - i, keep_tab, &n, &repl, caret);
        if (!repl) {
            i += n;
            continue;
        }
        tfl_buf_put(b, s + run, i - run);
        tfl_buf_puts(b, repl);
        i += n;
        run = i;
    }
    tfl_buf_put(b, s + run, i - run);
    return run == 0;
}

/* Columns a shown unit takes: caret notation two, anything else one. */
static size_t unit_width(const char *repl)
{
    return repl && repl[0] == '^' ? 2 : 1;
}

/*
 * Append the source line `text` behind a gutter, then the marker line for
 * bytes [from, to) of it (to == from marks one column).
 */
static void put_snippet(tfl_buf *b, uint32_t line, const char *text, size_t len,
                        size_t from, size_t to, bool color)
{
    size_t i = 0, k;
    bool first = true;

    tfl_buf_put_uint(b, line, 5);
    tfl_buf_puts(b, " | ");
    put_text(b, text, len, true);
    tfl_buf_puts(b, "\n      | ");
    while (i < len && i < from) {
        const char *repl;
        char caret[3];
        size_t n;

        next_unit(text + i, len - i, true, &n, &repl, caret);
        if (text[i] == '\t')
            tfl_buf_putc(b, '\t');
        else
            for (k = unit_width(repl); k; k--)
                tfl_buf_putc(b, ' ');
        i += n;
    }
    if (color)
        tfl_buf_puts(b, MARK);
    tfl_buf_putc(b, '^');
    for (; i < to && i < len;) {
        const char *repl;
        char caret[3];
        size_t n, w;

        next_unit(text + i, len - i, true, &n, &repl, caret);
        w = unit_width(repl);
        if (first)
            w--;
        if (text[i] == '\t')
            tfl_buf_putc(b, '\t');
        else
            for (k = w; k; k--)
                tfl_buf_putc(b, '~');
        first = false;
        i += n;
    }
    if (color)
        tfl_buf_puts(b, RESET);
    tfl_buf_putc(b, '\n');
}

/* Copy `n` bytes to `d`; the end. */
static char *raw_put(char *d, const char *s, size_t n)
{
    tfl_copy_small(d, s, n);
    return d + n;
}

/* Write `v` in decimal at `d`; the end. The digits are counted first, so
 * that tfl_uint_digits() puts them straight in their place. */
static char *raw_uint(char *d, uint32_t v)
{
    size_t n = v < 10           ? 1
               : v < 100        ? 2
               : v < 1000       ? 3
               : v < 10000      ? 4
               : v < 100000     ? 5
               : v < 1000000    ? 6
               : v < 10000000   ? 7
               : v < 100000000  ? 8
               : v < 1000000000 ? 9
                                : 10;

    (void)tfl_uint_digits(d + n, v);
    return d + n;
}

/*
 * The text up to the message, "PATH:LINE:COL: SEVERITY: ", without colour:
 * room for all of it is reserved once and the pieces are copied in, which
 * is most of the cost of a finding when there are many. False when the
 * buffer cannot grow (it has failed then).
 */
static bool put_head(tfl_buf *b, const tfl_buf *path, tfl_pos pos,
                     const char *sev)
{
    size_t nsev = strlen(sev);
    char *d;

    if (!tfl_buf_reserve(b, path->len + nsev + 2 * 10 + 6))
        return false;
    d = raw_put(b->data + b->len, path->data, path->len);
    *d++ = ':';
    d = raw_uint(d, pos.line);
    *d++ = ':';
    d = raw_uint(d, pos.col);
    d = raw_put(d, ": ", 2);
    d = raw_put(d, sev, nsev);
    d = raw_put(d, ": ", 2);
    *d = '\0';
    b->len = (size_t)(d - b->data);
    return true;
}

/* " [ID]" and the end of the line. */
static void put_tail(tfl_buf *b, const char *id)
{
    size_t n = strlen(id);
    char *d;

    if (!tfl_buf_reserve(b, n + 4))
        return;
    d = raw_put(b->data + b->len, " [", 2);
    d = raw_put(d, id, n);
    d = raw_put(d, "]\n", 3);
    b->len = (size_t)(d - b->data) - 1;
}

/* Append message `msg` made safe, through the table of plain messages
 * when there is one. */
static void put_message(tfl_buf *b, text_state *st, const char *msg)
{
    plain_msg *slot;
    size_t len;

    if (!st->plain) {
        put_text(b, msg, strlen(msg), false);
        return;
    }
    slot = &st->plain[((uintptr_t)msg * 0x9e3779b97f4a7c15ULL) >>
                      (64 - PLAIN_BITS)];
    if (slot->text == msg && slot->gen == st->gen) {
        tfl_buf_put(b, msg, slot->len);
        return;
    }
    len = strlen(msg);
    if (put_text(b, msg, len, false) && len <= UINT32_MAX) {
        slot->text = msg;
        slot->gen = st->gen;
        slot->len = (uint32_t)len;
    }
}

static void put_finding(tfl_buf *b, text_state *st, const tfl_source *src,
                        const tfl_finding *f)
{
    const char *text;
    tfl_pos pos = tfl_source_pos(src, f->span.start);
    size_t len, from, to;
    uint32_t off;
    bool color = st->color;
    const tfl_buf *path = &st->path;

    if (!color) {
        if (put_head(b, path, pos, tfl_severity_name(f->severity))) {
            put_message(b, st, f->message);
            put_tail(b, f->rule->id);
        }
        return;
    }
    tfl_buf_puts(b, BOLD);
    tfl_buf_put(b, path->data, path->len);
    tfl_buf_putc(b, ':');
    tfl_buf_put_uint(b, pos.line, 0);
    tfl_buf_putc(b, ':');
    tfl_buf_put_uint(b, pos.col, 0);
    tfl_buf_put(b, ": ", 2);
    tfl_buf_puts(b, RESET);
    tfl_buf_puts(b, sev_color(f->severity));
    tfl_buf_puts(b, tfl_severity_name(f->severity));
    tfl_buf_putc(b, ':');
    tfl_buf_puts(b, RESET);
    tfl_buf_putc(b, ' ');
    put_text(b, f->message, strlen(f->message), false);
    put_tail(b, f->rule->id);

    if (!tfl_source_line(src, pos.line, &text, &len))
        return;
    off = (uint32_t)(text - src->data);
    from = f->span.start > off ? f->span.start - off : 0;
    to = f->span.end > off ? f->span.end - off : 0;
    if (from > len)
        from = len;
    if (to > len)
        to = len; /* later lines of a multi-line span are not marked */
    put_snippet(b, pos.line, text, len, from, to, color);
}

static void *text_open(const tfl_report_opts *opts)
{
    text_state *st = calloc(1, sizeof *st);

    if (st) {
        st->color = opts->color;
        tfl_buf_init(&st->path, 0);
    }
    return st;
}

static void text_file(void *state, tfl_buf *out, const tfl_result *res)
{
    text_state *st = state;
    const char *path = tfl_report_path(res->src.path);
    size_t i;

    if (!res->nfindings)
        return;
    tfl_buf_reset(&st->path);
    put_text(&st->path, path, strlen(path), false);
    if (st->path.failed) {
        out->failed = true;
        return;
    }
    if (res->nfindings >= PLAIN_AFTER && !st->plain)
        st->plain = calloc(PLAIN_SLOTS, sizeof *st->plain);
    if (st->plain && ++st->gen == 0) {
        /* numbers used up: start over with an empty table */
        memset(st->plain, 0, PLAIN_SLOTS * sizeof *st->plain);
        st->gen = 1;
    }
    for (i = 0; i < res->nfindings; i++) {
        put_finding(out, st, &res->src, &res->findings[i]);
        tfl_buf_drain(out);
    }
}

/* The text report is findings only; the caller tells the user about an
 * unreadable input on standard error. */
static void text_failure(void *state, tfl_buf *out, const char *path,
                         const char *message)
{
    (void)state;
    (void)out;
    (void)path;
    (void)message;
}

static void text_end(void *state, tfl_buf *out, int exit_status)
{
    (void)state;
    (void)out;
    (void)exit_status;
}

static void text_close(void *state)
{
    text_state *st = state;

    if (st) {
        tfl_buf_free(&st->path);
        free(st->plain);
    }
    free(st);
}

const tfl_renderer tfl_renderer_text = {
    .open = text_open,
    .begin = NULL,
    .file = text_file,
    .failure = text_failure,
    .end = text_end,
    .summary = NULL,
    .close = text_close,
};
