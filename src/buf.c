/* Growable output buffer; see tflint/buf.h. */
#include "tflint/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bytes8.h"
#include "utf8.h"

void tfl_buf_init(tfl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->failed = false;
    b->drain = NULL;
    b->drain_ctx = NULL;
}

void tfl_buf_free(tfl_buf *b)
{
    free(b->data);
    tfl_buf_init(b, b->max);
}

void tfl_buf_reset(tfl_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

bool tfl_buf_grow(tfl_buf *b, size_t extra)
{
    size_t need, ncap;
    char *n;

    if (b->failed)
        return false;
    if (extra > SIZE_MAX - b->len - 1 || (b->max && b->len + extra > b->max)) {
        b->failed = true;
        return false;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    n = realloc(b->data, ncap);
    if (!n) {
        b->failed = true;
        return false;
    }
    b->data = n;
    b->cap = ncap;
    return true;
}

char *tfl_uint_digits(char *end, unsigned long long v)
{
    static const char pairs[] = "00010203040506070809"
                                "10111213141516171819"
                                "20212223242526272829"
                                "30313233343536373839"
                                "40414243444546474849"
                                "50515253545556575859"
                                "60616263646566676869"
                                "70717273747576777879"
                                "80818283848586878889"
                                "90919293949596979899";

    /* Two digits a division: positions are written for every finding. */
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);

        v /= 100;
        end -= 2;
        memcpy(end, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

void tfl_buf_put_uint(tfl_buf *b, unsigned long long v, unsigned width)
{
    char digits[24], *p = tfl_uint_digits(digits + sizeof digits, v), *d;
    size_t n = (size_t)(digits + sizeof digits - p), pad;

    pad = width > n ? width - n : 0;
    if (!tfl_buf_reserve(b, pad + n))
        return;
    d = b->data + b->len;
    b->len += pad + n;
    b->data[b->len] = '\0';
    while (pad--)
        *d++ = ' ';
    while (n--)
        *d++ = *p++;
}

void tfl_buf_put_hex(tfl_buf *b, unsigned long long v, unsigned digits)
{
    static const char xdigit[] = "0123456789abcdef";
    char *start, *p;

    if (!tfl_buf_reserve(b, digits))
        return;
    /* The bounds in locals: stores through a char pointer would make the
     * compiler read b->data and b->len again for every digit. */
    start = b->data + b->len;
    p = start + digits;
    *p = '\0';
    b->len += digits;
    while (p > start) {
        *--p = xdigit[v & 15];
        v >>= 4;
    }
}

void tfl_buf_printf(tfl_buf *b, const char *fmt, ...)
{
    va_list ap;
    size_t room;
    int n;

    if (b->failed)
        return;
    /* Format straight into the free space; only a result that does not
     * fit is formatted a second time. */
    room = b->cap - b->len;
    va_start(ap, fmt);
    n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n >= room) {
        if (b->data)
            b->data[b->len] = '\0'; /* undo the truncated copy */
        if (!tfl_buf_reserve(b, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    } else if (b->max && (size_t)n > b->max - b->len) {
        b->data[b->len] = '\0';
        b->failed = true;
        return;
    }
    b->len += (size_t)n;
}

void tfl_buf_wrap(tfl_buf *b, size_t width, const char *s)
{
    size_t col = 0;

    for (;;) {
        size_t n;

        s += strspn(s, " \n");
        n = strcspn(s, " \n");
        if (!n)
            break;
        if (col && col + 1 + n > width) {
            tfl_buf_putc(b, '\n');
            col = 0;
        } else if (col) {
            tfl_buf_putc(b, ' ');
            col++;
        }
        tfl_buf_put(b, s, n);
        col += n;
        s += n;
    }
    tfl_buf_putc(b, '\n');
}

/*
 * The escapers copy runs of bytes that need nothing in one append: `plain`
 * marks the ASCII bytes a format takes as they are, and a well-formed
 * UTF-8 sequence joins the run too. Anything else ends the run and is
 * written in its escaped form.
 */
static const char fffd[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* An ASCII byte set as two masks, bit c of lo for c < 64, bit c - 64 of
 * hi for the rest. */
typedef struct byteset {
    uint64_t lo, hi;
    bool xml; /* which of the two sets: see plain_word() */
} byteset;

static bool in_set(const byteset *set, unsigned char c)
{
    return c < 64 ? (set->lo >> c) & 1 : (set->hi >> (c - 64)) & 1;
}

/* Are all eight bytes of `w` in `plain`? Both sets are printable ASCII
 * less a few bytes. */
static inline bool plain_word(uint64_t w, const byteset *plain)
{
    if (!tfl_all_printable8(w))
        return false;
    if (plain->xml)
        return !tfl_has_byte8(w, '<') && !tfl_has_byte8(w, '>') &&
               !tfl_has_byte8(w, '&') && !tfl_has_byte8(w, '"') &&
               !tfl_has_byte8(w, '\'');
    return !tfl_has_byte8(w, '"') && !tfl_has_byte8(w, '\\');
}

/* Bytes at `s` in `plain`, in steps of sixteen (0 without SSE2). */
static inline size_t plain_run16(const char *s, size_t len,
                                 const byteset *plain)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i below = _mm_set1_epi8(0x20 - 1), del = _mm_set1_epi8(0x7f);

    for (; len - i >= 16; i += 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* as signed bytes, 0x80 and up are below 0x20 */
        __m128i bad = _mm_or_si128(
            _mm_cmpeq_epi8(w, _mm_set1_epi8('"')),
            _mm_andnot_si128(_mm_cmpgt_epi8(w, below), _mm_set1_epi8(-1)));

        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(w, del));
        if (plain->xml)
            bad = _mm_or_si128(
                _mm_or_si128(bad, _mm_cmpeq_epi8(w, _mm_set1_epi8('<'))),
                _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('>')),
                                 _mm_cmpeq_epi8(w, _mm_set1_epi8('&'))),
                    _mm_cmpeq_epi8(w, _mm_set1_epi8('\''))));
        else
            bad = _mm_or_si128(bad, _mm_cmpeq_epi8(w, _mm_set1_epi8('\\')));
        if (_mm_movemask_epi8(bad))
            break;
    }
#else
    (void)s;
    (void)len;
    (void)plain;
#endif
    return i;
}

/* Length of the run of bytes at `s` that `plain` or UTF-8 lets through. */
static inline size_t plain_run(const char *s, size_t len, const byteset *plain)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c;
        size_t n;

        i += plain_run16(s + i, len - i, plain);
        while (len - i >= 8 && plain_word(tfl_load8(s + i), plain))
            i += 8;
        if (i >= len)
            break;
        c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!in_set(plain, c))
                break;
            i++;
            continue;
        }
        n = tfl_utf8_valid_len(s + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

/* JSON: printable ASCII but the quote and the backslash. */
static const byteset json_plain = {0xfffffffb00000000ULL, 0x7fffffffefffffffULL,
                                   false};

static const char hex[] = "0123456789abcdef";

void tfl_buf_json_str(tfl_buf *b, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = plain_run(s + i, len - i, &json_plain);
        unsigned char c;

        tfl_buf_put(b, s + i, n);
        i += n;
        if (i >= len)
            break;
        c = (unsigned char)s[i++];
        switch (c) {
        case '"':
            tfl_buf_put(b, "\\\"", 2);
            break;
        case '\\':
            tfl_buf_put(b, "\\\\", 2);
            break;
        case '\n':
            tfl_buf_put(b, "\\n", 2);
            break;
        case '\r':
            tfl_buf_put(b, "\\r", 2);
            break;
        case '\t':
            tfl_buf_put(b, "\\t", 2);
            break;
        default:
            if (c >= 0x80) {
                tfl_buf_put(b, fffd, 3); /* one invalid byte */
            } else {
                /* A control character, or DEL. */
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

                tfl_buf_put(b, u, sizeof u);
            }
        }
    }
}

/* XML: printable ASCII but the five characters with entities. */
static const byteset xml_plain = {0xafffff3b00000000ULL, 0x7fffffffffffffffULL,
                                  true};

void tfl_buf_xml_str(tfl_buf *b, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = plain_run(s + i, len - i, &xml_plain);
        unsigned char c;

        tfl_buf_put(b, s + i, n);
        i += n;
        if (i >= len)
            break;
        c = (unsigned char)s[i++];
        switch (c) {
        case '<':
            tfl_buf_puts(b, "&lt;");
            break;
        case '>':
            tfl_buf_puts(b, "&gt;");
            break;
        case '&':
            tfl_buf_puts(b, "&amp;");
            break;
        case '"':
            tfl_buf_puts(b, "&quot;");
            break;
        case '\'':
            tfl_buf_puts(b, "&apos;");
            break;
        case '\n':
            tfl_buf_puts(b, "&#10;");
            break;
        case '\t':
            tfl_buf_puts(b, "&#9;");
            break;
        case '\r':
            tfl_buf_puts(b, "&#13;");
            break;
        default:
            /* Other controls are not allowed in XML; an invalid byte is
             * replaced like them. */
            tfl_buf_put(b, fffd, 3);
        }
    }
}
