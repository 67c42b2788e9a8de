/*
 * TF506 redundant-fallback: a RUN gives an ARG a fallback equal to the
 * ARG's default. It changes nothing, except when the build passes
 * `--build-arg NAME=` empty: then the RUN sees the fallback while every
 * instruction the builder expands (USER, COPY --chown, WORKDIR) sees the
 * empty value, which is the one case where the two disagree.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"
#include "tflint/shell.h"

static void on_fallback(tfl_ctx *ctx, size_t instr, const tfl_sh_fallback *f,
                        const tfl_binding *b)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    tfl_finding *r;

    (void)instr;
    if (strcmp(f->value->value, b->value) != 0)
        return;
    r = tfl_report(ctx, tfl_fallback_span(f),
                   "fallback '%s' for ARG %s repeats its default (line %u): "
                   "it only matters when --build-arg %s= is passed empty",
                   tfl_clip(ctx, f->value->value, f->value->len, 60), b->name,
                   (unsigned)tfl_binding_line(m, b), b->name);
    if (r)
        tfl_finding_related(ctx, r, b->default_span, "the ARG's default");
}

static void check(tfl_ctx *ctx)
{
    tfl_arg_fallbacks(ctx, on_fallback);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "build-args",
                                   "maintainability", NULL};

const tfl_rule tfl_rule_redundant_fallback = {
    .id = "TF506",
    .name = "redundant-fallback",
    .aliases = no_aliases,
    .severity = TFL_SEV_INFO,
    .summary = "A RUN gives an ARG a fallback equal to its default",
    .rationale =
        "An ARG with a default is empty only when the build passes "
        "--build-arg NAME= on purpose. A fallback in a RUN that repeats the "
        "default covers just that case, and only for the RUN: USER, COPY "
        "--chown and the other instructions the builder expands still see "
        "the empty value. Drop the fallback, or, if empty values must be "
        "refused, test for them and stop the build.",
    .bad = "FROM debian:12\nARG APP_UID=10001\n"
           "RUN if [ -z \"$APP_UID\" ]; then APP_UID=10001; fi && \\\n"
           "    useradd -u \"$APP_UID\" app\n",
    .good = "FROM debian:12\nARG APP_UID=10001\n"
            "RUN useradd -u \"$APP_UID\" app\n",
    .tags = tags,
    .check = check,
};
