/*
 * TF505 conflicting-default: a RUN gives an ARG a fallback value
 * (`${X:-v}`, `${X:=v}`, `: ${X:=v}`, `[ -z "$X" ] && X=v`,
 * `if [ -z "$X" ]; then X=v; fi`) that differs from the ARG's own
 * default. The fallback takes effect only when the ARG arrives empty, so
 * the file holds two answers to one question and a reader cannot tell
 * which one the image was built with. Only literal fallbacks and ARGs with
 * a non-empty default are compared; TF506 reports the equal ones.
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
    if (strcmp(f->value->value, b->value) == 0)
        return;
    r = tfl_report(ctx, tfl_fallback_span(f),
                   "fallback '%s' for ARG %s differs from its default '%s' "
                   "(line %u): two sources of truth for one value; keep the "
                   "default and drop the fallback",
                   tfl_clip(ctx, f->value->value, f->value->len, 60), b->name,
                   tfl_clip(ctx, b->value, strlen(b->value), 60),
                   (unsigned)tfl_binding_line(m, b));
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

const tfl_rule tfl_rule_conflicting_default = {
    .id = "TF505",
    .name = "conflicting-default",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A RUN gives an ARG a fallback that differs from its default",
    .rationale =
        "An ARG with a default is never empty unless the build passes "
        "--build-arg NAME= on purpose, so a fallback such as ${NAME:-1000} "
        "or `[ -z \"$NAME\" ] && NAME=1000` in a RUN normally does nothing. "
        "When its value differs from the default, the file states two "
        "values for one setting: readers take the one they see first, and "
        "an empty --build-arg silently switches to the other. Keep the "
        "value in one place, the ARG's default.",
    .bad = "FROM debian:12\nARG APP_UID=10001\n"
           "RUN useradd -u \"${APP_UID:-1000}\" app\n",
    .good = "FROM debian:12\nARG APP_UID=10001\n"
            "RUN useradd -u \"${APP_UID}\" app\n",
    .tags = tags,
    .check = check,
};
