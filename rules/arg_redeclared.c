/*
 * TF507 arg-redeclared: the same ARG declared twice in one scope (a stage,
 * or the global scope) with two different defaults. A re-declaration
 * without a default is harmless (the value stays) and is not reported,
 * and neither is one whose default refers to the name itself
 * (`ARG X=${X#linux/}`): that computes from the earlier value on purpose.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"

static bool is_arg(const tfl_binding *b)
{
    return b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG;
}

/* The nearest earlier ARG of the same scope with a default, or NULL. */
static const tfl_binding *earlier_default(const tfl_binding *b)
{
    const tfl_binding *o;

    for (o = b->older; o && o->stage == b->stage; o = o->older)
        if (is_arg(o) && o->raw_default)
            return o;
    return NULL;
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = m ? m->first_doc : 0; m && i < m->nbindings; i++) {
        const tfl_binding *b = &m->bindings[i], *o;

        if (!is_arg(b) || !b->raw_default || b->self_ref ||
            !(o = earlier_default(b)) ||
            strcmp(o->raw_default, b->raw_default) == 0)
            continue;
        tfl_report(ctx, b->name_span,
                   "ARG %s (line %u) is declared again with default '%s' "
                   "instead of '%s'",
                   b->name, (unsigned)tfl_binding_line(m, o), b->raw_default,
                   o->raw_default);
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "build-args",
                                   "maintainability", NULL};

const tfl_rule tfl_rule_arg_redeclared = {
    .id = "TF507",
    .name = "arg-redeclared",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "An ARG is declared twice in one stage with different defaults",
    .rationale =
        "The second declaration silently replaces the first default from "
        "its line on, so the lines above and below it build with different "
        "values, and a reader who finds the first one is misled. Keep one "
        "declaration per stage.",
    .bad = "FROM alpine:3.20\nARG APP_UID=10001\nRUN true\n"
           "ARG APP_UID=1000\n",
    .good = "FROM alpine:3.20\nARG APP_UID=10001\nRUN true\n",
    .tags = tags,
    .check = check,
};
