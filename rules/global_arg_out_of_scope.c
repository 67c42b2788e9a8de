/*
 * TF501 global-arg-out-of-scope: a global ARG (or a predefined platform
 * ARG, which lives in the same scope) used inside a stage that never
 * re-declares it. The builder's words and the RUN text alike see it empty
 * there. An ARG declared later in the same stage is TF502's case.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = 0; m && i < m->nuses; i++) {
        const tfl_use *u = &m->uses[i];
        const tfl_binding *g;
        const char *where =
            u->shell ? "the shell sees it empty" : "it is empty here";

        if (u->bind || u->malformed || u->scope == TFL_SCOPE_GLOBAL ||
            tfl_model_declared_later(m, u))
            continue;
        g = tfl_model_global(m, u->name, strlen(u->name));
        if (!g)
            continue;
        if (g->origin == TFL_ORIGIN_PLATFORM)
            tfl_report(ctx, u->span,
                       "'$%s' is a predefined platform ARG, visible only in "
                       "FROM unless the stage declares it: %s; add 'ARG %s' "
                       "after the FROM",
                       u->name, where, u->name);
        else
            tfl_report(ctx, u->span,
                       "'$%s' is a global ARG (line %u) that this stage does "
                       "not re-declare: %s; add 'ARG %s' after the FROM",
                       u->name, (unsigned)tfl_binding_line(m, g), where,
                       u->name);
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "build-args", "correctness",
                                   NULL};

const tfl_rule tfl_rule_global_arg_out_of_scope = {
    .id = "TF501",
    .name = "global-arg-out-of-scope",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A global ARG is used in a stage that does not re-declare it",
    .rationale =
        "ARGs declared before the first FROM, and the predefined platform "
        "ARGs such as TARGETARCH, belong to the global scope: only FROM "
        "lines can use them. Inside a stage they are empty until the stage "
        "says `ARG NAME` again, which then takes the global default. A "
        "version pinned once at the top of the file is therefore lost in "
        "every stage that forgot the re-declaration, in the builder's words "
        "and in RUN commands alike.",
    .bad = "ARG VERSION=1.2.3\nFROM alpine:3.20\n"
           "RUN wget https://example.com/tool-$VERSION.tar.gz\n",
    .good = "ARG VERSION=1.2.3\nFROM alpine:3.20\nARG VERSION\n"
            "RUN wget https://example.com/tool-$VERSION.tar.gz\n",
    .tags = tags,
    .check = check,
};
