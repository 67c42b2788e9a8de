/*
 * A strict JSON reader (RFC 8259) just large enough for exec-form
 * arguments. Nested values are checked for syntax but not kept, since any
 * of them makes the array an error anyway. Strings are decoded as Go's
 * encoding/json does: invalid UTF-8 and lone surrogates become U+FFFD.
 * Nesting deeper than MAX_DEPTH counts as a syntax error so a hostile file
 * cannot exhaust the stack.
 */
#include "json_array.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes8.h"
#include "utf8.h"

#define MAX_DEPTH 512

typedef struct reader {
    const char *s;
    size_t len, pos;
    tfl_arena *arena;
    bool oom;
} reader;

static void skip_ws(reader *r)
{
    while (r->pos < r->len) {
        char c = r->s[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        r->pos++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_hex4(reader *r, uint32_t *v)
{
    int i;

    if (r->len - r->pos < 4)
        return false;
    *v = 0;
    for (i = 0; i < 4; i++) {
        int h = hexval(r->s[r->pos + (size_t)i]);
        if (h < 0)
            return false;
        *v = (*v << 4) | (uint32_t)h;
    }
    r->pos += 4;
    return true;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \u escape, pairing surrogates; r->pos is just past the 'u'. */
static bool read_unicode(reader *r, uint32_t *cp)
{
    uint32_t hi, lo;
    size_t save;

    if (!read_hex4(r, &hi))
        return false;
    *cp = hi;
    if (hi < 0xD800 || hi > 0xDFFF)
        return true;
    *cp = 0xFFFD;
    if (hi > 0xDBFF)
        return true;
    save = r->pos;
    if (r->len - r->pos >= 2 && r->s[r->pos] == '\\' &&
        r->s[r->pos + 1] == 'u') {
        r->pos += 2;
        if (read_hex4(r, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return true;
        }
    }
    r->pos = save;
    return true;
}

/* The end of the run of bytes from `i` that a string holds as they are
 * (printable ASCII but '"' and '\\'), eight at a time: the lowest byte a
 * test of bytes8.h flags is always one it should (borrows and carries
 * only go up), so its place is the end. */
static size_t plain_end(const char *s, size_t i, size_t len)
{
    while (len - i >= 8) {
        uint64_t w = tfl_load8(s + i), q = w ^ ('"' * TFL_ONES8),
                 b = w ^ ('\\' * TFL_ONES8);
        uint64_t bad = ((w - 0x20 * TFL_ONES8) & ~w) | (w + TFL_ONES8) | w |
                       ((q - TFL_ONES8) & ~q) | ((b - TFL_ONES8) & ~b);

        bad &= TFL_HIGH8;
        if (bad)
            return i + (size_t)__builtin_ctzll(bad) / 8;
        i += 8;
    }
    while (i < len && (unsigned char)s[i] - 0x20u < 0x5fu && s[i] != '"' &&
           s[i] != '\\')
        i++;
    return i;
}

/* Read a string at r->pos (on the quote); decode into *out when asked. */
static bool read_string(reader *r, char **out, size_t *outlen)
{
    char *buf = NULL;
    size_t n = 0;

    if (out) {
        size_t e = plain_end(r->s, r->pos + 1, r->len);

        /* Most strings are such a run up to their quote: a copy. */
        if (e < r->len && r->s[e] == '"') {
            n = e - r->pos - 1;
            buf = tfl_arena_alloc_raw(r->arena, n + 1);
            if (!buf) {
                r->oom = true;
                return false;
            }
            memcpy(buf, r->s + r->pos + 1, n);
            buf[n] = '\0';
            *out = buf;
            *outlen = n;
            r->pos = e + 1;
            return true;
        }
    }
    if (out) {
        /* Sized by this string alone, not by the rest of the input: an
         * array of many strings on one line stays linear. An escape never
         * decodes to more bytes than it is written with, nor an ASCII
         * byte; a byte of a broken UTF-8 sequence becomes U+FFFD, three. */
        size_t end = r->pos + 1, high = 0, i;

        while (end < r->len && r->s[end] != '"')
            end += r->s[end] == '\\' ? 2 : 1;
        if (end > r->len)
            end = r->len;
        for (i = r->pos; i < end; i++)
            high += (unsigned char)r->s[i] >= 0x80;
        buf = tfl_arena_alloc_raw(r->arena, (end - r->pos) + 2 * high + 1);
        if (!buf) {
            r->oom = true;
            return false;
        }
    }
    r->pos++;
    while (r->pos < r->len) {
        unsigned char c = (unsigned char)r->s[r->pos];
        uint32_t cp;

        if (c == '"') {
            r->pos++;
            if (out) {
                buf[n] = '\0';
                *out = buf;
                *outlen = n;
            }
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++r->pos >= r->len)
                return false;
            c = (unsigned char)r->s[r->pos++];
            switch (c) {
            case '"':
            case '\\':
            case '/':
                cp = c;
                break;
            case 'b':
                cp = '\b';
                break;
            case 'f':
                cp = '\f';
                break;
            case 'n':
                cp = '\n';
                break;
            case 'r':
                cp = '\r';
                break;
            case 't':
                cp = '\t';
                break;
            case 'u':
                if (!read_unicode(r, &cp))
                    return false;
                break;
            default:
                return false;
            }
            if (buf)
                n += put_utf8(buf + n, cp);
            continue;
        }
        if (c < 0x80) {
            if (buf)
                buf[n++] = (char)c;
            r->pos++;
            continue;
        }
        {
            size_t k = tfl_utf8_decode(r->s + r->pos, r->len - r->pos, &cp);
            if (k == 0) {
                cp = 0xFFFD;
                k = 1;
            }
            if (buf)
                n += put_utf8(buf + n, cp);
            r->pos += k;
        }
    }
    return false;
}

static bool read_number(reader *r)
{
    size_t start;

    if (r->pos < r->len && r->s[r->pos] == '-')
        r->pos++;
    if (r->pos >= r->len)
        return false;
    if (r->s[r->pos] == '0') {
        r->pos++;
    } else if (r->s[r->pos] >= '1' && r->s[r->pos] <= '9') {
        while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
            r->pos++;
    } else {
        return false;
    }
    if (r->pos < r->len && r->s[r->pos] == '.') {
        start = ++r->pos;
        while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
            r->pos++;
        if (r->pos == start)
            return false;
    }
    if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
        r->pos++;
        if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
            r->pos++;
        start = r->pos;
        while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
            r->pos++;
        if (r->pos == start)
            return false;
    }
    return true;
}

static bool read_word(reader *r, const char *w)
{
    size_t n = strlen(w);

    if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0)
        return false;
    r->pos += n;
    return true;
}

static bool read_value(reader *r, int depth);

/* Array or object at r->pos; `close` is ']' or '}'. */
static bool read_container(reader *r, int depth, char close)
{
    bool first = true;

    if (depth > MAX_DEPTH)
        return false;
    r->pos++;
    for (;;) {
        skip_ws(r);
        if (r->pos >= r->len)
            return false;
        if (r->s[r->pos] == close && first) {
            r->pos++;
            return true;
        }
        if (close == '}') {
            if (r->s[r->pos] != '"' || !read_string(r, NULL, NULL))
                return false;
            skip_ws(r);
            if (r->pos >= r->len || r->s[r->pos] != ':')
                return false;
            r->pos++;
        }
        if (!read_value(r, depth + 1))
            return false;
        skip_ws(r);
        if (r->pos >= r->len)
            return false;
        if (r->s[r->pos] == close) {
            r->pos++;
            return true;
        }
        if (r->s[r->pos] != ',')
            return false;
        r->pos++;
        first = false;
    }
}

static bool read_value(reader *r, int depth)
{
    skip_ws(r);
    if (r->pos >= r->len)
        return false;
    switch (r->s[r->pos]) {
    case '"':
        return read_string(r, NULL, NULL);
    case '[':
        return read_container(r, depth, ']');
    case '{':
        return read_container(r, depth, '}');
    case 't':
        return read_word(r, "true");
    case 'f':
        return read_word(r, "false");
    case 'n':
        return read_word(r, "null");
    default:
        return read_number(r);
    }
}

#define FAIL(status)                                                           \
    do {                                                                       \
        st = (status);                                                         \
        goto fail;                                                             \
    } while (0)

tfl_json_status tfl_json_string_array(tfl_arena *arena, const char *s,
                                      size_t len, tfl_json_elem *room,
                                      size_t nroom, tfl_json_elem **elems,
                                      size_t *nelems, size_t *end)
{
    reader r = {s, len, 0, arena, false};
    tfl_json_elem *items = room;
    size_t n = 0, cap = nroom, after;
    bool all_strings = true;
    tfl_json_status st;

    *elems = NULL;
    *nelems = 0;
    if (end)
        *end = 0;
    skip_ws(&r);
    if (r.pos >= len || s[r.pos] != '[')
        FAIL(TFL_JSON_SYNTAX);
    r.pos++;
    skip_ws(&r);
    if (r.pos < len && s[r.pos] == ']') {
        r.pos++;
        goto closed;
    }
    for (;;) {
        skip_ws(&r);
        if (r.pos >= len)
            FAIL(TFL_JSON_SYNTAX);
        if (s[r.pos] == '"') {
            tfl_json_elem *e;
            char *text;
            size_t tlen;

            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                tfl_json_elem *grown =
                    items == room ? malloc(ncap * sizeof *grown)
                                  : realloc(items, ncap * sizeof *grown);

                if (!grown)
                    FAIL(TFL_JSON_OOM);
                if (items == room && n)
                    memcpy(grown, room, n * sizeof *grown);
                items = grown;
                cap = ncap;
            }
            e = &items[n++];
            e->off = (uint32_t)r.pos;
            if (!read_string(&r, &text, &tlen))
                FAIL(r.oom ? TFL_JSON_OOM : TFL_JSON_SYNTAX);
            e->text = text;
            e->len = tlen;
            e->raw_len = (uint32_t)(r.pos - e->off);
        } else {
            if (!read_value(&r, 1))
                FAIL(TFL_JSON_SYNTAX);
            all_strings = false;
        }
        skip_ws(&r);
        if (r.pos >= len)
            FAIL(TFL_JSON_SYNTAX);
        if (s[r.pos] == ']') {
            r.pos++;
            break;
        }
        if (s[r.pos] != ',')
            FAIL(TFL_JSON_SYNTAX);
        r.pos++;
    }
closed:
    after = r.pos;
    if (end)
        *end = after;
    skip_ws(&r);
    if (r.pos != len)
        FAIL(TFL_JSON_SYNTAX);
    if (!all_strings)
        FAIL(TFL_JSON_NOT_STRING);
    *elems = items;
    *nelems = n;
    return TFL_JSON_OK;
fail:
    if (items != room)
        free(items);
    return st;
}

#undef FAIL
