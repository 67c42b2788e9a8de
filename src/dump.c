/*
 * BuildKit's AST dump (Node.Dump), for --dump=ast and the conformance
 * tests: one line per instruction, `(keyword [flags] "arg" ...)`, strings
 * quoted as Go's strconv.Quote does.
 */
#include "tflint/ast.h"

#include <ctype.h>

#include "utf8.h"

/*
 * Go's unicode.IsPrint, approximated outside ASCII: format characters,
 * separators other than U+0020, private-use and non-characters are not
 * printable; everything else assigned is taken as printable.
 */
static int printable(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 0x20 && cp < 0x7f;
    if (cp < 0xA1 || cp == 0xAD)
        return 0;
    if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
        (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF ||
        cp == 0x1680 || cp == 0x180E)
        return 0;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFFF0 && cp <= 0xFFFB) ||
        (cp & 0xFFFE) == 0xFFFE || cp >= 0xF0000)
        return 0;
    return 1;
}

static void quote(tfl_buf *out, const char *s, size_t len)
{
    size_t i = 0;

    tfl_buf_putc(out, '"');
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n;

        if (c == '"' || c == '\\') {
            tfl_buf_putc(out, '\\');
            tfl_buf_putc(out, (char)c);
            i++;
            continue;
        }
        n = tfl_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            tfl_buf_printf(out, "\\x%02x", c);
            i++;
            continue;
        }
        if (printable(cp)) {
            tfl_buf_put(out, s + i, n);
        } else {
            switch (cp) {
            case '\a':
                tfl_buf_puts(out, "\\a");
                break;
            case '\b':
                tfl_buf_puts(out, "\\b");
                break;
            case '\f':
                tfl_buf_puts(out, "\\f");
                break;
            case '\n':
                tfl_buf_puts(out, "\\n");
                break;
            case '\r':
                tfl_buf_puts(out, "\\r");
                break;
            case '\t':
                tfl_buf_puts(out, "\\t");
                break;
            case '\v':
                tfl_buf_puts(out, "\\v");
                break;
            default:
                if (cp < 0x20 || cp == 0x7f)
                    tfl_buf_printf(out, "\\x%02x", (unsigned)cp);
                else if (cp < 0x10000)
                    tfl_buf_printf(out, "\\u%04x", (unsigned)cp);
                else
                    tfl_buf_printf(out, "\\U%08x", (unsigned)cp);
            }
        }
        i += n;
    }
    tfl_buf_putc(out, '"');
}

/* The node values kept for `in` (an inline comment cut its arguments),
 * or NULL. */
static const tfl_node_args *kept(const tfl_doc *doc, const tfl_instr *in)
{
    size_t lo = 0, hi = doc->nnode_args;

    if (!in->inline_comment)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (doc->node_args[mid].at < in->span.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < doc->nnode_args && doc->node_args[lo].at == in->span.start
               ? &doc->node_args[lo]
               : NULL;
}

static void dump_words(const tfl_word *w, size_t n, tfl_buf *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        tfl_buf_putc(out, ' ');
        quote(out, w[i].text, w[i].len);
    }
}

static void dump_instr(const tfl_doc *doc, const tfl_instr *in, tfl_buf *out)
{
    const tfl_node_args *k = kept(doc, in);
    tfl_word kw = tfl_instr_keyword(doc, in);
    size_t i;

    tfl_buf_putc(out, '(');
    for (i = 0; i < kw.len; i++)
        tfl_buf_putc(out, (char)tolower((unsigned char)kw.text[i]));
    if (in->nflags) {
        tfl_buf_puts(out, " [");
        for (i = 0; i < in->nflags; i++) {
            if (i)
                tfl_buf_putc(out, ' ');
            quote(out, in->flags[i].word.text, in->flags[i].word.len);
        }
        tfl_buf_putc(out, ']');
    }
    if (tfl_instr_trigger(doc, in)) {
        tfl_buf_putc(out, ' ');
        dump_instr(doc, tfl_instr_trigger(doc, in), out);
    }
    if (k) {
        dump_words(k->words, k->n, out);
    } else if (in->kind == TFL_UNKNOWN) {
        tfl_buf_puts(out, " \"\"");
    } else if (in->kind == TFL_ENV || in->kind == TFL_LABEL) {
        for (i = 0; i < in->npairs; i++) {
            const tfl_pair *pr = &in->pairs[i];

            tfl_buf_putc(out, ' ');
            quote(out, pr->key.text, pr->key.len);
            tfl_buf_putc(out, ' ');
            quote(out, pr->value.text, pr->value.len);
            tfl_buf_puts(out, in->legacy ? " \"\"" : " \"=\"");
        }
    } else {
        dump_words(in->args, in->nargs, out);
    }
    tfl_buf_putc(out, ')');
}

void tfl_dump_ast(const tfl_doc *doc, tfl_buf *out)
{
    size_t i;

    for (i = 0; i < doc->ninstrs; i++) {
        dump_instr(doc, &doc->instrs[i], out);
        tfl_buf_putc(out, '\n');
    }
}
