/*
 * TF104 json-args-recommended: CMD or ENTRYPOINT in shell form. The
 * builder wraps the text in `/bin/sh -c`, so the shell is process 1 and
 * signals such as the SIGTERM of `docker stop` never reach the program.
 * A SHELL earlier in the stage, or anywhere in a stage it is built FROM,
 * means the author chose the shell on purpose; the rule then stays quiet.
 * The SHELL of an external base image cannot be seen from here: such
 * stages are judged as if it had none, which holds for nearly every image.
 */
#include <ctype.h>
#include <string.h>

#include "rules.h"

/* Words separated by single blanks, made only of characters no shell
 * treats specially: then a JSON array with the same words is exact. */
static bool plain_words(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || len > 80)
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ' && i > 0 && s[i - 1] != ' ' && i + 1 < len)
            continue;
        if (!isalnum(c) && !strchr("-_./:=@%+,", c))
            return false;
    }
    return true;
}

/* `s` written as a JSON array, one element per word. */
static const char *as_json(tfl_ctx *ctx, const char *s, size_t len)
{
    char *out = tfl_arena_alloc(ctx->arena, len * 4 + 4), *o;
    size_t i;

    if (!out) {
        ctx->oom = true;
        return "";
    }
    o = out;
    *o++ = '[';
    *o++ = '"';
    for (i = 0; i < len; i++) {
        if (s[i] == ' ') {
            memcpy(o, "\", \"", 4);
            o += 4;
        } else {
            *o++ = s[i];
        }
    }
    *o++ = '"';
    *o++ = ']';
    *o = '\0';
    return out;
}

static void one(tfl_ctx *ctx, const tfl_instr *in)
{
    const tfl_word *w = &in->args[0];
    const char *kw = tfl_kind_name(in->kind);
    const char *cmd = tfl_clip(ctx, w->text, w->len, 60);

    if (plain_words(w->text, w->len))
        tfl_report(ctx, w->span,
                   "%s '%s' is in shell form: a shell runs as process 1 "
                   "and the program never receives the stop signal; "
                   "write %s %s",
                   kw, cmd, kw, as_json(ctx, w->text, w->len));
    else
        tfl_report(ctx, w->span,
                   "%s '%s' is in shell form: a shell runs as process 1 "
                   "and the program never receives the stop signal; write "
                   "it as a JSON array, or set SHELL if a shell is needed",
                   kw, cmd);
}

static void check(tfl_ctx *ctx)
{
    const tfl_doc *doc = ctx->doc;
    tfl_stages t;
    bool *shell_set; /* per stage: a SHELL in it or an ancestor */
    size_t s, i;

    if (tfl_stages_get(ctx, &t) != 0 || t.n == 0)
        return;
    shell_set = tfl_arena_alloc(ctx->arena, t.n * sizeof *shell_set);
    if (!shell_set) {
        ctx->oom = true;
        return;
    }
    for (s = 0; s < t.n; s++) {
        bool shell = t.v[s].parent >= 0 && shell_set[t.v[s].parent];

        for (i = t.v[s].first; i < t.v[s].end; i++) {
            const tfl_instr *in = &doc->instrs[i];

            if (in->kind == TFL_SHELL)
                shell = true;
            if (in->kind != TFL_CMD && in->kind != TFL_ENTRYPOINT)
                continue;
            if (shell || in->json || in->json_invalid || in->nargs == 0 ||
                in->args[0].len == 0)
                continue;
            one(ctx, in);
        }
        shell_set[s] = shell;
    }
}

static const char *const aliases[] = {"DL3025", "JSONArgsRecommended", NULL};
static const char *const tags[] = {"dockerfile", "reliability", NULL};

const tfl_rule tfl_rule_json_args_recommended = {
    .id = "TF104",
    .name = "json-args-recommended",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "CMD or ENTRYPOINT in shell form",
    .rationale =
        "In shell form the builder stores CMD and ENTRYPOINT as "
        "'/bin/sh -c \"...\"'. The shell becomes process 1 of the "
        "container and does not pass SIGTERM on, so 'docker stop' waits "
        "for its timeout and then kills the program without a chance to "
        "shut down cleanly; an ENTRYPOINT in shell form also ignores the "
        "arguments given to 'docker run'. Write the command as a JSON "
        "array. If you really need a shell, say so with a SHELL "
        "instruction, and tflint will not report it.",
    .bad = "FROM alpine:3.20\nCMD node server.js\n",
    .good = "FROM alpine:3.20\nCMD [\"node\", \"server.js\"]\n",
    .tags = tags,
    .check = check,
};
