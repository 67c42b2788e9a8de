/*
 * TF500 undefined-var: a variable in a word the builder expands that
 * nothing declares in its scope. FROM sees the global scope only; stage
 * instructions see the stage's ARGs and ENVs, those of the stages it is
 * built from, PATH and the proxy ARGs. Uses that TF501 (a global ARG) or
 * TF502 (an ARG declared further down) explain better are left to them,
 * and RUN text is never checked here: the shell has variables of its own.
 *
 * NEEDSWORK: the base image's own ENV (PYTHON_VERSION in python images) is
 * unknown, so a reference to it is reported as BuildKit would only when it
 * could not read the image; the message says so.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"

/* Build arguments BuildKit consumes without putting them in scope. */
static bool exempt(const char *name)
{
    return strcmp(name, "BUILDKIT_SBOM_SCAN_CONTEXT") == 0 ||
           strcmp(name, "BUILDKIT_SBOM_SCAN_STAGE") == 0;
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = 0; m && i < m->nuses; i++) {
        const tfl_use *u = &m->uses[i];

        if (u->bind || u->shell || exempt(u->name) ||
            tfl_model_declared_later(m, u))
            continue;
        if (u->scope == TFL_SCOPE_GLOBAL)
            tfl_report(ctx, u->span,
                       "'$%s' is not declared: FROM sees only the ARGs "
                       "declared before the first FROM",
                       u->name);
        else if (!tfl_model_global(m, u->name, strlen(u->name)))
            tfl_report(ctx, u->span,
                       "'$%s' is not declared: no ARG or ENV of this stage "
                       "sets it, so it is empty unless the base image does",
                       u->name);
    }
}

static const char *const aliases[] = {"UndefinedVar", "UndefinedArgInFrom",
                                      NULL};
static const char *const tags[] = {"dockerfile", "build-args", "correctness",
                                   NULL};

const tfl_rule tfl_rule_undefined_var = {
    .id = "TF500",
    .name = "undefined-var",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A variable the builder expands is declared nowhere in scope",
    .rationale =
        "The builder replaces $NAME in FROM, ENV, LABEL, ARG defaults, "
        "COPY and ADD, WORKDIR, USER, VOLUME, STOPSIGNAL, EXPOSE and RUN "
        "--mount before anything runs. A name that no ARG or ENV declares "
        "becomes an empty string without any error: a typo in a tag, a "
        "path or a user name silently changes the image. Declare the "
        "variable with ARG (with a default) or ENV before the line that "
        "uses it, or fix its spelling.",
    .bad = "FROM alpine:3.20\nWORKDIR /home/$APP_USER\n",
    .good = "FROM alpine:3.20\nARG APP_USER=app\nWORKDIR /home/$APP_USER\n",
    .tags = tags,
    .check = check,
};
