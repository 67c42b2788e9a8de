/*
 * --list-rules and --explain. The table sizes its columns to the longest
 * entry so it stays aligned as rules are added; --explain wraps the
 * rationale at 76 columns and indents the examples by four spaces, so the
 * output reads well in a terminal and pastes into Markdown as code.
 */
#include "tflint/explain.h"

#include <string.h>

#include "tflint/rule.h"

#define WRAP 76

static void put_aliases(tfl_buf *out, const tfl_rule *r, const char *none)
{
    size_t i;

    if (!r->aliases || !r->aliases[0]) {
        tfl_buf_puts(out, none);
        return;
    }
    for (i = 0; r->aliases[i]; i++) {
        if (i)
            tfl_buf_putc(out, ',');
        tfl_buf_puts(out, r->aliases[i]);
    }
}

static size_t aliases_len(const tfl_rule *r)
{
    size_t i, n = 0;

    for (i = 0; r->aliases && r->aliases[i]; i++)
        n += strlen(r->aliases[i]) + (i > 0);
    return n ? n : 1;
}

static void pad(tfl_buf *out, size_t used, size_t width)
{
    for (; used < width + 2; used++)
        tfl_buf_putc(out, ' ');
}

void tfl_explain_list(tfl_buf *out)
{
    const tfl_rule *const *rules;
    size_t n, i, wid = 2, wname = 4, wsev = 8, wal = 7;

    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        size_t k;

        if ((k = strlen(rules[i]->id)) > wid)
            wid = k;
        if ((k = strlen(rules[i]->name)) > wname)
            wname = k;
        if ((k = aliases_len(rules[i])) > wal)
            wal = k;
    }
    tfl_buf_puts(out, "ID");
    pad(out, 2, wid);
    tfl_buf_puts(out, "NAME");
    pad(out, 4, wname);
    tfl_buf_puts(out, "SEVERITY");
    pad(out, 8, wsev);
    tfl_buf_puts(out, "ALIASES");
    pad(out, 7, wal);
    tfl_buf_puts(out, "SUMMARY\n");
    for (i = 0; i < n; i++) {
        const tfl_rule *r = rules[i];
        const char *sev = tfl_severity_name(r->severity);

        tfl_buf_puts(out, r->id);
        pad(out, strlen(r->id), wid);
        tfl_buf_puts(out, r->name);
        pad(out, strlen(r->name), wname);
        tfl_buf_puts(out, sev);
        pad(out, strlen(sev), wsev);
        put_aliases(out, r, "-");
        pad(out, aliases_len(r), wal);
        tfl_buf_puts(out, r->summary);
        tfl_buf_putc(out, '\n');
    }
}

static void put_example(tfl_buf *out, const char *title, const char *text)
{
    tfl_buf_printf(out, "\n%s:\n", title);
    while (*text) {
        size_t n = strcspn(text, "\n");

        tfl_buf_puts(out, "    ");
        tfl_buf_put(out, text, n);
        tfl_buf_putc(out, '\n');
        text += n + (text[n] == '\n');
    }
}

int tfl_explain_rule(tfl_buf *out, const char *name)
{
    const tfl_rule *r = tfl_rule_lookup(name);
    size_t i;

    if (!r)
        return -1;
    tfl_buf_printf(out, "%s %s: %s\n\n", r->id, r->name, r->summary);
    tfl_buf_printf(out, "Severity: %s (default)\nAliases:  ",
                   tfl_severity_name(r->severity));
    put_aliases(out, r, "none");
    tfl_buf_puts(out, "\nTags:     ");
    for (i = 0; r->tags && r->tags[i]; i++)
        tfl_buf_printf(out, "%s%s", i ? ", " : "", r->tags[i]);
    if (!r->tags || !r->tags[0])
        tfl_buf_puts(out, "none");
    tfl_buf_puts(out, "\n\n");
    tfl_buf_wrap(out, WRAP, r->rationale);
    put_example(out, "Fails", r->bad);
    put_example(out, "Passes", r->good);
    return 0;
}
