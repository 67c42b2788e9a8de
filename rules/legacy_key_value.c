/*
 * TF110 legacy-key-value: `ENV KEY value` (no '=') is the old form. It
 * sets one variable to the whole rest of the line, spaces included, which
 * surprises anyone who adds a second pair, and BuildKit warns about it.
 * The message spells out the key=value line to write when it can be told
 * exactly: the raw value as is when it has no blank outside quotes,
 * wrapped in double quotes when it holds no quote or escape character.
 */
#include <stdint.h>
#include <string.h>

#include "bytes8.h"
#include "rules.h"

/* Has `s` a blank outside quotes? */
static bool loose_blank(const char *s, size_t len, char esc)
{
    char q = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        /* Past '\'' a byte is neither a quote nor a blank: such runs are
         * skipped eight bytes a step (the lowest byte flagged is always
         * one below '(' or the escape, as borrows only go up). */
        while (len - i >= 8) {
            uint64_t w = tfl_load8(s + i),
                     e = w ^ (unsigned char)esc * TFL_ONES8;
            uint64_t stop =
                (((w - '(' * TFL_ONES8) & ~w) | ((e - TFL_ONES8) & ~e)) &
                TFL_HIGH8;

            if (stop) {
                i += (size_t)__builtin_ctzll(stop) / 8;
                break;
            }
            i += 8;
        }
        if (i >= len)
            break;
        if ((unsigned char)s[i] > '\'' && s[i] != esc)
            continue;
        if (s[i] == esc && q != '\'') {
            i++;
        } else if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == ' ' || s[i] == '\t') {
            return true;
        }
    }
    return false;
}

static void one(tfl_ctx *ctx, const tfl_instr *in, const tfl_pair *p)
{
    const char *kw = tfl_kind_name(in->kind);
    char kbuf[44], vbuf[64]; /* clips to 40 and 60 bytes */
    const char *key = tfl_clip_into(kbuf, p->key.text, p->key.len, 40);
    char esc = ctx->doc->escape ? ctx->doc->escape : '\\';

    if (p->value.len > 60)
        tfl_report(ctx, p->key.span,
                   "%s '%s' uses the legacy 'key value' form: write "
                   "%s %s=<value>%s",
                   kw, key, kw, key,
                   loose_blank(p->value.text, p->value.len, esc)
                       ? ", quoting the value as it contains blanks"
                       : "");
    else if (!loose_blank(p->value.text, p->value.len, esc))
        tfl_report(ctx, p->key.span,
                   "%s '%s' uses the legacy 'key value' form: write "
                   "%s %s=%s",
                   kw, key, kw, key,
                   tfl_clip_into(vbuf, p->value.text, p->value.len, 60));
    else if (!strpbrk(p->value.text, "\"'") &&
             !memchr(p->value.text, esc, p->value.len))
        tfl_report(ctx, p->key.span,
                   "%s '%s' uses the legacy 'key value' form: write "
                   "%s %s=\"%s\"",
                   kw, key, kw, key,
                   tfl_clip_into(vbuf, p->value.text, p->value.len, 60));
    else
        tfl_report(ctx, p->key.span,
                   "%s '%s' uses the legacy 'key value' form: write "
                   "%s %s=<value>, quoting the value as it contains blanks",
                   kw, key, kw, key);
}

static void check(tfl_ctx *ctx)
{
    size_t i, k;

    for (i = 0; i < ctx->doc->ninstrs; i++) {
        const tfl_instr *in = &ctx->doc->instrs[i];

        if (in->kind == TFL_ONBUILD && tfl_instr_trigger(ctx->doc, in))
            in = tfl_instr_trigger(ctx->doc, in);
        if (in->kind != TFL_ENV && in->kind != TFL_LABEL)
            continue;
        for (k = 0; k < in->npairs; k++)
            if (in->legacy && in->pairs[k].value.len)
                one(ctx, in, &in->pairs[k]);
    }
}

static const char *const aliases[] = {"LegacyKeyValueFormat", NULL};
static const char *const tags[] = {"dockerfile", "maintainability", NULL};

const tfl_rule tfl_rule_legacy_key_value = {
    .id = "TF110",
    .name = "legacy-key-value",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "ENV or LABEL in the legacy 'KEY value' form",
    .rationale =
        "Without '=', ENV and LABEL set a single key to everything after "
        "it, blanks included: 'ENV PATH /opt/bin DEBUG 1' gives PATH the "
        "value '/opt/bin DEBUG 1'. The form is kept only for old files and "
        "BuildKit warns about it. Write 'KEY=value', quoting values that "
        "contain blanks; several pairs then fit on one line.",
    .bad = "FROM alpine:3.20\nENV APP_HOME /srv/app\n",
    .good = "FROM alpine:3.20\nENV APP_HOME=/srv/app\n",
    .tags = tags,
    .check = check,
};
