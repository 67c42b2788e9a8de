/*
 * TF503 empty-default: an ARG with no default, or an empty one, reaches a
 * place where an empty value breaks the build or the image, and no
 * --build-arg gives it a value:
 *
 *   FROM     the reference becomes invalid (`alpine:`), the build fails;
 *            a reference that stays valid (`${REGISTRY}alpine`) is fine
 *   USER     `USER ""` is root: the image silently runs as root
 *   WORKDIR  the directory silently changes (`/home/` instead of
 *            `/home/app`)
 *   the UID or GID of an account tool: the tool fails, or takes the next
 *            word as the ID
 *   the owner of chown or COPY/ADD --chown: the files stay root's, or
 *            chown fails
 *
 * A reference that handles the empty case itself (`${X:-10001}`) and a
 * value a RUN sets before using it are fine. The finding points at the
 * reference, with the ARG as related place.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"
#include "tflint/ops.h"

static bool is_arg(const tfl_binding *b)
{
    return b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG;
}

/* An ARG whose value is empty at the reference, with no --build-arg. A
 * default that only comes out empty because it refers to other variables
 * (`ARG who=$USER`) is not judged: the base image's ENV, which the model
 * does not know, may set them. */
static bool empty_arg(tfl_ctx *ctx, const tfl_binding *b)
{
    const tfl_binding *d =
        b && !b->raw_default && b->inherits ? b->inherits : b;

    return b && is_arg(b) && b->instr != SIZE_MAX &&
           (!b->value || !b->value[0]) &&
           !(d->raw_default && strchr(d->raw_default, '$')) &&
           !tfl_config_build_arg(ctx->config, b->name, b->name_len);
}

static const char *lacks(const tfl_binding *b)
{
    return b->value ? "has an empty default" : "has no default";
}

static void related(tfl_ctx *ctx, tfl_finding *f, const tfl_binding *b)
{
    if (f)
        tfl_finding_related(ctx, f, b->name_span,
                            b->value ? "the ARG, declared with an empty "
                                       "default"
                                     : "the ARG, declared without a default");
}

/* A reference that cannot be pulled: empty, or a separator at an end or
 * doubled. */
static bool bad_ref(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || strchr(":/@.-", s[0]) || strchr(":/@", s[n - 1]))
        return true;
    return strstr(s, "//") || strstr(s, "::") || strstr(s, ":@") ||
           strstr(s, "/:") || strstr(s, ":/") || strstr(s, "@:");
}

/* The instruction's first argument as the builder expands it, or NULL. */
static const char *expanded(tfl_ctx *ctx, const tfl_model *m, size_t instr)
{
    const tfl_instr *in = &ctx->doc->instrs[instr];
    tfl_expansion x;

    if (in->nargs == 0 ||
        tfl_model_expand(m, ctx->arena, instr, in->args[0].text,
                         in->args[0].len, &x) != 0)
        return NULL;
    return x.value;
}

static void check_use(tfl_ctx *ctx, const tfl_model *m, const tfl_use *u)
{
    const tfl_instr *in = &ctx->doc->instrs[u->instr];
    const char *v;
    size_t s;

    if (in->kind == TFL_FROM) {
        for (s = 0; s < m->nstages && m->stages[s].from_instr != u->instr; s++)
            ;
        if (s == m->nstages || !(v = m->stages[s].image_expanded) ||
            !bad_ref(v))
            return;
        related(ctx,
                tfl_report(ctx, u->span,
                           "ARG %s %s and no --build-arg gives it one: FROM "
                           "becomes '%s', which is no valid image "
                           "reference, so the build fails",
                           u->name, lacks(u->bind),
                           tfl_clip(ctx, v, strlen(v), 80)),
                u->bind);
    } else if ((v = expanded(ctx, m, u->instr)) != NULL) {
        related(ctx,
                tfl_report(ctx, u->span,
                           "ARG %s %s and no --build-arg gives it one: %s "
                           "becomes '%s'%s",
                           u->name, lacks(u->bind), tfl_kind_name(in->kind),
                           tfl_clip(ctx, v, strlen(v), 80),
                           in->kind == TFL_USER && !v[0]
                               ? ", so the image silently runs as root"
                               : ""),
                u->bind);
    }
}

/* The model's reference to `b` inside `span` of `instr`, else `span`.
 * Uses are in document order, so the instruction's are found by binary
 * search: a file with many findings stays linear. */
static tfl_span ref_span(const tfl_model *m, size_t instr, tfl_span span,
                         const tfl_binding *b)
{
    size_t lo = 0, hi = m->nuses, i;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->uses[mid].instr < instr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < m->nuses && m->uses[i].instr == instr; i++) {
        const tfl_use *u = &m->uses[i];

        if (u->span.start >= span.start && u->span.end <= span.end &&
            strcmp(u->name, b->name) == 0)
            return u->span;
    }
    return span;
}

static void check_value(tfl_ctx *ctx, const tfl_model *m, size_t instr,
                        const tfl_value *v, const char *what,
                        const char *effect)
{
    const tfl_binding *b = v->binding;

    if (!v->raw || v->from_build_arg || v->from_shell ||
        (v->text && v->text[0]) || !empty_arg(ctx, b))
        return;
    related(ctx,
            tfl_report(ctx, ref_span(m, instr, v->span, b),
                       "ARG %s %s and no --build-arg gives it one: %s gets "
                       "an empty value, %s",
                       b->name, lacks(b), what, effect),
            b);
}

static void check_ops(tfl_ctx *ctx, const tfl_model *m, const tfl_ops *ops)
{
    size_t i;

    for (i = 0; i < ops->naccts; i++) {
        const tfl_acct_op *op = &ops->accts[i];

        check_value(ctx, m, op->instr, &op->id, tfl_acct_option(op, false),
                    "so the command fails or takes the next word as the ID");
        if (!op->makes_group)
            check_value(ctx, m, op->instr, &op->group,
                        tfl_acct_option(op, true),
                        "so the command fails or takes the next word as "
                        "the group");
    }
    for (i = 0; i < ops->nowns; i++) {
        const tfl_own_op *o = &ops->owns[i];
        const char *what = o->kind == TFL_OWN_COPY    ? "--chown"
                           : o->kind == TFL_OWN_CHGRP ? "chgrp"
                                                      : "chown";

        if (o->kind == TFL_OWN_CHMOD)
            continue;
        check_value(ctx, m, o->instr, &o->user, what,
                    "so the files stay root's or the command fails");
        check_value(ctx, m, o->instr, &o->group, what,
                    "so the files keep root's group or the command fails");
    }
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops;
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->nuses; i++) {
        const tfl_use *u = &m->uses[i];
        tfl_kind k = ctx->doc->instrs[u->instr].kind;

        if ((k == TFL_FROM || k == TFL_USER || k == TFL_WORKDIR) && !u->shell &&
            !u->guarded && !u->malformed && empty_arg(ctx, u->bind))
            check_use(ctx, m, u);
    }
    if ((ops = tfl_ctx_ops(ctx)) != NULL)
        check_ops(ctx, m, ops);
}

static const char *const aliases[] = {"InvalidDefaultArgInFrom", NULL};
static const char *const tags[] = {"dockerfile", "build-args", "security",
                                   NULL};

const tfl_rule tfl_rule_empty_default = {
    .id = "TF503",
    .name = "empty-default",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "An ARG without a default decides the image, the user or an "
               "owner",
    .rationale =
        "An ARG declared without a default (or with an empty one) is empty "
        "unless every build passes --build-arg. In FROM that makes an "
        "invalid reference and the build fails; in USER the empty user is "
        "root, so the image silently runs as root; in WORKDIR the "
        "directory changes; as the ID of useradd or groupadd the command "
        "fails or takes the next word as the ID; as the owner of chown or "
        "--chown the files stay root's. Give the ARG a default, or guard "
        "the reference (${APP_UID:?set APP_UID}).",
    .bad = "FROM debian:12\nARG APP_USER\nUSER $APP_USER\n",
    .good = "FROM debian:12\nARG APP_USER=10001\nUSER $APP_USER\n",
    .tags = tags,
    .check = check,
};
