/*
 * TF111 image-tag: a FROM image without a tag means `:latest`, and
 * `latest`, `latest-gpu` or `3-latest` name whatever was pushed last, so
 * the same Dockerfile builds a different image from one day to the next.
 *
 * Exempt: `scratch`, a reference with a digest, an earlier stage's name
 * (the builder compares those without regard to case), and a reference
 * made only of a variable (`FROM $BASE`), whose value comes from outside.
 * When variables appear elsewhere in the reference, the part after the
 * last '/' decides: if it holds no variable it is judged as written
 * (`FROM $REGISTRY/app` has no tag whatever REGISTRY is); otherwise the
 * reference is judged only when every variable has a default in a global
 * ARG, and the message shows the value those defaults give.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules.h"

/* Is `s` one `$NAME` or one `${...}` and nothing else? */
static bool only_variable(const char *s)
{
    size_t depth = 0, i;

    if (s[0] != '$')
        return false;
    if (s[1] != '{') {
        for (i = 1; isalnum((unsigned char)s[i]) || s[i] == '_'; i++)
            ;
        return i > 1 && s[i] == '\0';
    }
    for (i = 1; s[i]; i++) {
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth == 0)
            return s[i + 1] == '\0';
    }
    return false;
}

/* The part after the last '/' outside `${...}`. */
static const char *last_part(const char *s)
{
    const char *last = s;
    size_t depth = 0;

    if (!strchr(s, '$')) { /* the usual reference: no ${...} to skip */
        last = strrchr(s, '/');
        return last ? last + 1 : s;
    }
    for (; *s; s++) {
        if (s[0] == '$' && s[1] == '{') {
            depth++;
            s++;
        } else if (*s == '}' && depth) {
            depth--;
        } else if (*s == '/' && !depth) {
            last = s + 1;
        }
    }
    return last;
}

/* Default of global ARG `name` (the last declaration wins), or NULL when
 * it has none or is not declared. Looks at most at the 1024 instructions
 * before the first FROM, so hostile input cannot make FROM lines slow. */
static const char *global_default(const tfl_doc *doc, const char *name,
                                  size_t len)
{
    size_t i = 0, k, seen = 0;

    while (i < doc->ninstrs && doc->instrs[i].kind != TFL_FROM)
        i++;
    while (i-- > 0 && seen++ < 1024) {
        const tfl_instr *in = &doc->instrs[i];

        for (k = in->kind == TFL_ARG ? in->nargs : 0; k-- > 0;) {
            const char *a = in->args[k].text, *eq = strchr(a, '=');

            if ((eq ? (size_t)(eq - a) : strlen(a)) != len ||
                memcmp(a, name, len) != 0)
                continue;
            return eq && !strpbrk(eq + 1, "$\"'\\") ? eq + 1 : NULL;
        }
    }
    return NULL;
}

/* `s` with `$NAME`, `${NAME}` and `${NAME:-word}` replaced by global ARG
 * defaults, from the arena; NULL when some value cannot be told. */
static char *expand(tfl_ctx *ctx, const char *s)
{
    tfl_buf b;
    char *out = NULL;

    tfl_buf_init(&b, 4096);
    while (*s) {
        const char *name, *val, *alt = NULL;
        size_t len = 0, alt_len = 0;
        bool brace;

        if (*s != '$') {
            tfl_buf_putc(&b, *s++);
            continue;
        }
        brace = s[1] == '{';
        name = s + 1 + brace;
        while (isalnum((unsigned char)name[len]) || name[len] == '_')
            len++;
        s = name + len;
        if (len == 0)
            goto done;
        if (brace && s[0] == ':' && s[1] == '-') {
            alt = s + 2;
            while (alt[alt_len] && alt[alt_len] != '}' && alt[alt_len] != '$')
                alt_len++;
            s = alt + alt_len;
        }
        if (brace && *s++ != '}')
            goto done;
        val = global_default(ctx->doc, name, len);
        if (val && *val)
            tfl_buf_puts(&b, val);
        else if (alt)
            tfl_buf_put(&b, alt, alt_len);
        else
            goto done;
    }
    if (!b.failed)
        out = tfl_arena_strndup(ctx->arena, b.data ? b.data : "", b.len);
done:
    tfl_buf_free(&b);
    return out;
}

/* Does `ref` name a stage defined before stage `s`? */
static bool is_stage(const tfl_stages *t, size_t s, const char *ref)
{
    long k = tfl_stages_find(t, ref);

    return k >= 0 && t->v[k].first_named < (long)s;
}

static void judge(tfl_ctx *ctx, const tfl_word *w, const char *ref,
                  const char *part, bool expanded)
{
    const char *colon = strrchr(part, ':'), *tag = colon ? colon + 1 : NULL;
    const char *shown;
    char via[200] = "";
    size_t tl = tag ? strlen(tag) : 0;

    /* Most tags are fixed ones: the message parts only when it is not. */
    if (tag && strcmp(tag, "latest") != 0 && strncmp(tag, "latest-", 7) != 0 &&
        !(tl > 7 && strcmp(tag + tl - 7, "-latest") == 0))
        return;
    shown = tfl_clip(ctx, w->text, w->len, 80);
    if (expanded)
        snprintf(via, sizeof via, ", which is '%s' with the ARG defaults,",
                 tfl_clip(ctx, ref, strlen(ref), 80));
    if (!tag) {
        tfl_report(ctx, w->span,
                   "image '%s'%s has no tag, so the build uses whatever "
                   "':latest' is that day: pin a version tag or a digest",
                   shown, via);
        return;
    }
    if (strcmp(tag, "latest") == 0) {
        tfl_report(ctx, w->span,
                   "image '%s'%s uses the tag 'latest', which moves with "
                   "every release: pin a version tag or a digest",
                   shown, via);
    } else if (strncmp(tag, "latest-", 7) == 0) {
        tfl_report(ctx, w->span,
                   "image '%s'%s uses the tag '%s', which moves with every "
                   "release: pin a versioned tag such as '<version>-%s' or "
                   "a digest",
                   shown, via, tfl_clip(ctx, tag, tl, 40),
                   tfl_clip(ctx, tag + 7, tl - 7, 40));
    } else if (tl > 7 && strcmp(tag + tl - 7, "-latest") == 0) {
        tfl_report(ctx, w->span,
                   "image '%s'%s uses the tag '%s', which moves with every "
                   "release: pin a fixed version or a digest",
                   shown, via, tfl_clip(ctx, tag, tl, 40));
    }
}

static void one(tfl_ctx *ctx, const tfl_stages *t, size_t s)
{
    const tfl_word *w = &t->v[s].from->args[0];
    const char *ref = w->text;
    bool expanded = false;

    if (only_variable(ref))
        return;
    if (strchr(last_part(ref), '$')) {
        ref = expand(ctx, ref);
        if (!ref)
            return;
        expanded = true;
    }
    if (strchr(ref, '@') || strcasecmp(ref, "scratch") == 0 ||
        is_stage(t, s, ref))
        return;
    judge(ctx, w, ref, last_part(ref), expanded);
}

static void check(tfl_ctx *ctx)
{
    tfl_stages t;
    tfl_stage *st;
    size_t n, s;

    if (tfl_stages_get(ctx, &t) != 0)
        return;
    st = t.v;
    n = t.n;
    for (s = 0; s < n; s++)
        if (st[s].from->nargs > 0 && st[s].from->args[0].len > 0)
            one(ctx, &t, s);
}

static const char *const aliases[] = {"DL3006", "DL3007", NULL};
static const char *const tags[] = {"dockerfile", "reproducibility", NULL};

const tfl_rule tfl_rule_image_tag = {
    .id = "TF111",
    .name = "image-tag",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "Base image without a fixed tag",
    .rationale =
        "An image named without a tag is ':latest', and 'latest' as well "
        "as tags such as 'latest-gpu' or '3-latest' point to whatever was "
        "published last. The same Dockerfile then builds a different image "
        "from one week to the next, with other users, files and IDs, and a "
        "failure cannot be reproduced. Pin a version tag (better: a "
        "digest, with the tag kept for readers). 'scratch', digests, "
        "earlier stages and references made only of a build argument are "
        "not reported.",
    .bad = "FROM ubuntu\nRUN echo hello\n",
    .good = "FROM ubuntu:24.04\nRUN echo hello\n",
    .tags = tags,
    .check = check,
};
