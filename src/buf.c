/* Growable output buffer; see tflint/buf.h. */
#include "tflint/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void tfl_buf_init(tfl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->failed = false;
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

static bool reserve(tfl_buf *b, size_t extra)
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

void tfl_buf_put(tfl_buf *b, const char *s, size_t len)
{
    if (!reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void tfl_buf_puts(tfl_buf *b, const char *s)
{
    tfl_buf_put(b, s, strlen(s));
}

void tfl_buf_putc(tfl_buf *b, char c)
{
    tfl_buf_put(b, &c, 1);
}

void tfl_buf_printf(tfl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
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

/* Copy the UTF-8 sequence at s, or U+FFFD for one invalid byte; returns
 * the bytes consumed. */
static size_t put_utf8(tfl_buf *b, const char *s, size_t len)
{
    size_t n = tfl_utf8_valid_len(s, len);

    if (n == 0) {
        tfl_buf_puts(b, "\xEF\xBF\xBD");
        return 1;
    }
    tfl_buf_put(b, s, n);
    return n;
}

void tfl_buf_json_str(tfl_buf *b, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            i += put_utf8(b, s + i, len - i);
            continue;
        }
        switch (c) {
        case '"':
            tfl_buf_puts(b, "\\\"");
            break;
        case '\\':
            tfl_buf_puts(b, "\\\\");
            break;
        case '\n':
            tfl_buf_puts(b, "\\n");
            break;
        case '\r':
            tfl_buf_puts(b, "\\r");
            break;
        case '\t':
            tfl_buf_puts(b, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                tfl_buf_printf(b, "\\u%04x", c);
            else
                tfl_buf_putc(b, (char)c);
        }
        i++;
    }
}

void tfl_buf_xml_str(tfl_buf *b, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            i += put_utf8(b, s + i, len - i);
            continue;
        }
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
        default:
            if (c == '\n' || c == '\t' || c == '\r')
                tfl_buf_printf(b, "&#%d;", c);
            else if (c < 0x20 || c == 0x7f)
                tfl_buf_puts(b, "\xEF\xBF\xBD"); /* not allowed in XML */
            else
                tfl_buf_putc(b, (char)c);
        }
        i++;
    }
}
