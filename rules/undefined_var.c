/*
 * TF500 undefined-var: a variable in a word the builder expands that
 * nothing declares in its scope. FROM sees the global scope only; stage
 * instructions see the stage's ARGs and ENVs, those of the stages it is
 * built from, PATH and the proxy ARGs. Uses that TF501 (a global ARG) or
 * TF502 (an ARG declared further down) explain better are left to them,
 * and RUN text is never checked here: the shell has variables of its own.
 *
 * Two deliberate differences from BuildKit. A reference that handles the
 * unset case itself (`${V:-x}`, `${V:+$V:}`, `${V:?}`) is not reported.
 * Words that fail to expand are left to the parse checks: the build stops
 * there anyway.
 *
 * NEEDSWORK: the base image's own ENV (NB_UID in Jupyter images, GOPATH in
 * golang) is unknown, so inside a stage a name is reported only when it
 * surely is empty: the stage starts from scratch, or the name is declared
 * in another stage only (stages do not share ARGs or ENVs). Base-image
 * environments in the facts data would let this report every case.
 */
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "tflint/model.h"

/* Build arguments BuildKit consumes without putting them in scope. */
static bool exempt(const char *name)
{
    return strcmp(name, "BUILDKIT_SBOM_SCAN_CONTEXT") == 0 ||
           strcmp(name, "BUILDKIT_SBOM_SCAN_STAGE") == 0;
}

/* A declaration of the use's name in another stage, when its own stage
 * declares it nowhere (a later one-line `ENV V=$V:x` could extend a value
 * of the base image). */
static const tfl_binding *elsewhere(const tfl_model *m, const tfl_use *u)
{
    size_t len = strlen(u->name);
    const tfl_binding *b = tfl_model_any(m, u->name, len);

    /* Globals are older than every stage's binding: when the newest is
     * global, no stage declares the name. */
    if (!b || b->stage == TFL_SCOPE_GLOBAL ||
        tfl_model_declares(m, u->name, len, u->scope))
        return NULL;
    return b;
}

static void check_stage_use(tfl_ctx *ctx, const tfl_model *m, const tfl_use *u)
{
    const tfl_model_stage *root = tfl_model_root(m, (size_t)u->scope);
    const tfl_binding *other = elsewhere(m, u);

    if (tfl_model_global(m, u->name, strlen(u->name)))
        return; /* TF501 */
    if (other)
        tfl_report(ctx, u->span,
                   "'$%s' is not declared in this stage: the %s of line %u "
                   "belongs to another stage, and stages share no ARG or ENV",
                   u->name, tfl_origin_name(other->origin),
                   (unsigned)tfl_binding_line(m, other));
    else if (root->image_expanded &&
             strcasecmp(root->image_expanded, "scratch") == 0)
        tfl_report(ctx, u->span,
                   "'$%s' is not declared: no ARG or ENV of this stage sets "
                   "it and the stage starts from scratch, so it is empty",
                   u->name);
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = 0; m && i < m->nuses; i++) {
        const tfl_use *u = &m->uses[i];

        if (u->bind || u->shell || u->guarded || u->malformed ||
            exempt(u->name) || tfl_model_declared_later(m, u))
            continue;
        if (u->scope == TFL_SCOPE_GLOBAL)
            tfl_report(ctx, u->span,
                       "'$%s' is not declared: FROM sees only the ARGs "
                       "declared before the first FROM",
                       u->name);
        else
            check_stage_use(ctx, m, u);
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
    .bad = "FROM alpine:3.20 AS build\nARG APP_USER=app\n"
           "FROM alpine:3.20\nWORKDIR /home/$APP_USER\n",
    .good = "FROM alpine:3.20\nARG APP_USER=app\nWORKDIR /home/$APP_USER\n",
    .tags = tags,
    .check = check,
};
