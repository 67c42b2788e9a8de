/*
 * TF107 stage-name: stage names are how COPY --from and FROM find a
 * stage, so each must be unique (the builder compares them lower-cased),
 * and `scratch` and `context` are taken: `scratch` is the empty image and
 * `context` names the build context in COPY --from.
 */
#include <strings.h>

#include "rules.h"

static void one(tfl_ctx *ctx, const tfl_stage *st, size_t s)
{
    const tfl_word *name = st[s].name;
    tfl_finding *f;
    tfl_pos p;
    size_t k;

    if (strcasecmp(name->text, "scratch") == 0 ||
        strcasecmp(name->text, "context") == 0) {
        tfl_report(ctx, name->span,
                   "stage name '%s' is reserved: '%s' already means %s; "
                   "choose another name",
                   name->text, name->text,
                   strcasecmp(name->text, "scratch") == 0
                       ? "the empty base image"
                       : "the build context in COPY --from");
        return;
    }
    k = (size_t)st[s].first_named;
    if (k == s)
        return;
    p = tfl_source_pos(ctx->src, st[k].name->span.start);
    f = tfl_report(ctx, name->span,
                   "stage name '%s' is already used by the stage on line %u: "
                   "rename one of them, as references to the name become "
                   "ambiguous",
                   name->text, (unsigned)p.line);
    if (f)
        tfl_finding_related(ctx, f, st[k].name->span,
                            "first stage with this name");
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
        if (st[s].name)
            one(ctx, st, s);
}

static const char *const aliases[] = {"DL3024", "DL3063", "DuplicateStageName",
                                      "ReservedStageName", NULL};
static const char *const tags[] = {"dockerfile", "correctness", NULL};

const tfl_rule tfl_rule_stage_name = {
    .id = "TF107",
    .name = "stage-name",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "Stage name used twice, or reserved",
    .rationale =
        "A stage name is what 'COPY --from=NAME' and 'FROM NAME' refer "
        "to. When two stages share a name (compared without regard to "
        "case) a reader cannot tell which one is meant, and a later edit "
        "easily copies from the wrong stage. The names 'scratch' (the "
        "empty image) and 'context' (the build context) already have a "
        "meaning and must not be used for stages.",
    .bad = "FROM alpine:3.20 AS build\nRUN echo one\n"
           "FROM alpine:3.20 AS build\nRUN echo two\n",
    .good = "FROM alpine:3.20 AS build\nRUN echo one\n"
            "FROM alpine:3.20 AS test\nRUN echo two\n",
    .tags = tags,
    .check = check,
};
