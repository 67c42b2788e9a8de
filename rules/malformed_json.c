/*
 * TF103 malformed-json: arguments that open with '[' but are not a JSON
 * array of strings. The builder does not complain; it quietly treats the
 * text as shell form, so `CMD ['app']` runs `/bin/sh -c "['app']"`. The
 * rule walks the text with a small JSON reader to name the first thing
 * that is wrong. Text that merely starts with '[' as a shell command does
 * (`[ -f x ] && ...`) is left alone.
 */
#include <string.h>

#include "rules.h"

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* A JSON string from the '"' at p; the byte after it, or NULL when the
 * string does not end. */
static const char *string_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

static bool curly(const char *p, const char *end)
{
    return end - p >= 3 && (unsigned char)p[0] == 0xE2 &&
           (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x9D ||
            (unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99);
}

/* Why [p, end) is not a JSON array of strings, for the message; NULL when
 * it is one. */
static const char *diagnose(const char *p, const char *end)
{
    bool first = true;

    p = skip_ws(p, end);
    if (p == end || *p != '[')
        return "it does not start with '['";
    p++;
    for (;;) {
        p = skip_ws(p, end);
        if (p == end)
            return "the closing ']' is missing";
        if (*p == ']' && first)
            break;
        if (*p == ']')
            return "a ',' comes right before ']'";
        if (*p == '\'')
            return "JSON strings need double quotes, not single quotes";
        if (curly(p, end))
            return "JSON strings need straight double quotes, not "
                   "typographic ones";
        if (*p != '"')
            return "an element is not in double quotes";
        p = string_end(p, end);
        if (!p)
            return "a string is not closed";
        p = skip_ws(p, end);
        if (p == end)
            return "the closing ']' is missing";
        if (*p == ']')
            break;
        if (*p != ',')
            return "a ',' is missing between two elements";
        p++;
        first = false;
    }
    p = skip_ws(p + 1, end);
    if (p < end)
        return "text follows the closing ']'";
    return NULL;
}

/*
 * Was [p, end) meant as a JSON array? Shell commands start with '[' too:
 * `[ -f x ] && ...`, `[ "$X" = 1 ]`, bash's `[[`, PowerShell's
 * `[Net.X]::Y`. Meant are: ']' or a quote right after the '[' (blanks
 * allowed before a quoted word that ',' or ']' follows), or a word glued
 * to the '[' when the text also ends in ']' (`[${APP}]`).
 */
static bool looks_meant(const char *p, const char *end)
{
    const char *q;

    p = skip_ws(p, end);
    if (p == end || *p != '[')
        return false;
    q = skip_ws(p + 1, end);
    if (q == end)
        return true;
    if (*q == ']' || curly(q, end))
        return true;
    if (*q == '"' || *q == '\'') {
        const char *e;

        /* `[ "$X" = 1 ]` is the shell's test: the quoted word is not
         * followed by ',' or ']' as an array element would be. */
        if (q == p + 1)
            return true;
        for (e = q + 1; e < end && *e != *q; e++)
            if (*e == '\\' && *q == '"')
                e++;
        e = e < end ? skip_ws(e + 1, end) : end;
        return e == end || *e == ',' || *e == ']';
    }
    while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return q == p + 1 && *q != '[' && end[-1] == ']';
}

/* `text` with single quotes turned into double ones, when that alone
 * makes it valid (no quote or escape character inside); else NULL. */
static const char *requote(tfl_ctx *ctx, const char *text, size_t len)
{
    char *out;
    size_t i;

    if (memchr(text, '"', len) || memchr(text, '\\', len) || len > 80)
        return NULL;
    out = tfl_arena_strndup(ctx->arena, text, len);
    if (!out) {
        ctx->oom = true;
        return NULL;
    }
    for (i = 0; i < len; i++)
        if (out[i] == '\'')
            out[i] = '"';
    return diagnose(out, out + len) ? NULL : out;
}

static void one(tfl_ctx *ctx, const tfl_instr *in, const char *where)
{
    size_t first = in->kind == TFL_HEALTHCHECK ? 1 : 0;
    const tfl_word *a, *b;
    const char *text, *why, *what, *fixed;
    size_t len;
    tfl_span span;

    if (!in->json_invalid || in->nargs <= first)
        return;
    a = &in->args[first];
    b = &in->args[in->nargs - 1];
    text = in->line + a->off;
    len = b->off + b->raw_len - a->off;
    span.start = a->span.start;
    span.end = b->span.end;
    if (!looks_meant(text, text + len))
        return;
    why = diagnose(text, text + len);
    if (!why)
        why = "it is not valid JSON";
    if (in->kind == TFL_COPY || in->kind == TFL_ADD || in->kind == TFL_VOLUME)
        what = "splits the text at blanks and takes brackets and quotes as "
               "part of the paths";
    else if (in->kind == TFL_SHELL)
        what = "rejects it, as SHELL accepts only JSON";
    else
        what = "runs the text, brackets and quotes included, with /bin/sh -c";
    fixed = strstr(why, "single quotes") ? requote(ctx, text, len) : NULL;
    if (fixed)
        tfl_report(ctx, span,
                   "%s%s arguments '%s' are not a JSON array (%s), so "
                   "the builder %s; write %s",
                   tfl_kind_name(in->kind), where, tfl_clip(ctx, text, len, 60),
                   why, what, fixed);
    else
        tfl_report(ctx, span,
                   "%s%s arguments '%s' are not a JSON array (%s), so "
                   "the builder %s; fix the array",
                   tfl_kind_name(in->kind), where, tfl_clip(ctx, text, len, 60),
                   why, what);
}

static void check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs; i++) {
        const tfl_instr *in = &ctx->doc->instrs[i];

        const tfl_instr *t = tfl_instr_trigger(ctx->doc, in);

        one(ctx, in, "");
        if (t)
            one(ctx, t, " (in ONBUILD)");
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "correctness", NULL};

const tfl_rule tfl_rule_malformed_json = {
    .id = "TF103",
    .name = "malformed-json",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "Arguments look like a JSON array but are not one",
    .rationale =
        "RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD, COPY, ADD and VOLUME "
        "take a JSON array of strings for the exec form. When the text "
        "starts with '[' but is not valid JSON (single quotes, a missing "
        "comma or bracket, text after the ']'), the builder does not stop: "
        "it uses the text in shell form. CMD ['app'] then asks /bin/sh to "
        "run a command called [app], and COPY [\"a\" \"b\"] copies paths "
        "with brackets and quotes in their names. Write the array with "
        "double quotes and commas.",
    .bad = "FROM alpine:3.20\nCMD ['whoami']\n",
    .good = "FROM alpine:3.20\nCMD [\"whoami\"]\n",
    .tags = tags,
    .check = check,
};
