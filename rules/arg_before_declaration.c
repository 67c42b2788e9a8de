/*
 * TF502 arg-before-declaration: a variable used on a line before the ARG
 * of the same stage (or of the global scope) that declares it. ARGs take
 * effect from their own line on, so the earlier use sees nothing, or the
 * global value only if one exists and the stage re-declared it earlier.
 */
#include "rules.h"
#include "tflint/model.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = 0; m && i < m->nuses; i++) {
        const tfl_use *u = &m->uses[i];
        const tfl_binding *later;

        if (u->bind || u->malformed ||
            !(later = tfl_model_declared_later(m, u)))
            continue;
        tfl_report(ctx, u->span,
                   "'$%s' is used before 'ARG %s' (line %u) declares it: "
                   "%s",
                   u->name, u->name, (unsigned)tfl_binding_line(m, later),
                   u->shell ? "the shell sees it empty" : "it is empty here");
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "build-args", "correctness",
                                   NULL};

const tfl_rule tfl_rule_arg_before_declaration = {
    .id = "TF502",
    .name = "arg-before-declaration",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "An ARG is used on a line before the ARG that declares it",
    .rationale =
        "An ARG is visible from its own line to the end of its stage; "
        "lines above it see the variable unset, whatever default the ARG "
        "gives. Move the ARG up, before its first use (right after the "
        "FROM is the usual place).",
    .bad = "FROM alpine:3.20\nRUN adduser -D -u \"$APP_UID\" app\n"
           "ARG APP_UID=10001\n",
    .good = "FROM alpine:3.20\nARG APP_UID=10001\n"
            "RUN adduser -D -u \"$APP_UID\" app\n",
    .tags = tags,
    .check = check,
};
