/*
 * TF202 unknown-account: an instruction names a user or group that does
 * not exist at that point: USER, chown/chgrp, COPY/ADD --chown, the
 * primary or supplementary group of useradd/adduser, the account usermod,
 * userdel or `adduser USER GROUP` works on.
 *
 * The account simulation (ops.h) decides: a name is missing when the
 * stage's accounts are fully known (a base image whose account list is
 * complete, nothing copied over /etc/passwd) and neither the base nor an
 * earlier instruction of the stage or its parents has it. Numeric IDs need
 * no account. Commands whose failure the shell ignores (`|| true`) or that
 * run only under a condition are left alone. When another stage creates
 * the account, the message says so: a user made in a builder stage does
 * not exist in the final one.
 */
#include <stdint.h>
#include <string.h>

#include "rules.h"
#include "tflint/ops.h"

/*
 * The hint that another stage has the account costs a look at every
 * stage for every finding: a file of many stages that each name a missing
 * account would make that quadratic. So a file gets a budget of account
 * comparisons in proportion to the size of its account tables; once it is
 * spent, later findings come without the hint. No real file comes near it.
 */
#define HINT_BUDGET_PER_ENTRY 64
#define HINT_BUDGET_MIN 65536

typedef struct hint_budget {
    uint64_t left;
} hint_budget;

static uint64_t first_budget(const tfl_ops *o)
{
    uint64_t n = o->nstages;
    size_t k;

    for (k = 0; k < o->nstages; k++)
        n += o->stages[k].naccounts;
    return n * HINT_BUDGET_PER_ENTRY + HINT_BUDGET_MIN;
}

/* Charge `cost` to `b`; false when it is spent. */
static bool spend(hint_budget *b, uint64_t cost)
{
    if (b->left < cost) {
        b->left = 0;
        return false;
    }
    b->left -= cost;
    return true;
}

/* " (stage 'build' creates it, ...)" when a stage this one does not build
 * on has the account; "" when none does or the budget is spent. */
static const char *elsewhere(tfl_ctx *ctx, const tfl_ops *o, int stage,
                             const char *name, bool group, hint_budget *b)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t k;

    if (!m || !name)
        return "";
    for (k = 0; k < o->nstages; k++) {
        const tfl_stage_info *si = &o->stages[k];
        int a = stage;
        const char *s;

        while (a >= 0 && (size_t)a != k) {
            if (!spend(b, 1))
                return "";
            a = m->stages[a].parent;
        }
        if (a >= 0)
            continue;
        if (!spend(b, (uint64_t)si->naccounts + si->nbase_accounts + 1))
            return "";
        if (!tfl_stage_account(si, name, group))
            continue;
        s = m->stages[k].name
                ? tfl_arena_printf(ctx->arena,
                                   "; stage '%s' creates it, but this stage "
                                   "does not build on it",
                                   m->stages[k].name)
                : tfl_arena_printf(ctx->arena,
                                   "; stage %zu creates it, but this stage "
                                   "does not build on it",
                                   k);
        return s ? s : "";
    }
    return "";
}

static void missing(tfl_ctx *ctx, const tfl_ops *o, int stage,
                    const tfl_value *v, bool group, hint_budget *b)
{
    tfl_report(ctx, v->span,
               "%s %s does not exist: nothing before it creates it and the "
               "base image %s does not have it%s",
               group ? "group" : "user", tfl_value_quoted(ctx, v),
               tfl_stage_image(ctx, stage),
               elsewhere(ctx, o, stage, v->text, group, b));
}

static void check_accts(tfl_ctx *ctx, const tfl_ops *o, hint_budget *b)
{
    size_t i;

    for (i = 0; i < o->naccts; i++) {
        const tfl_acct_op *op = &o->accts[i];

        if (op->tolerated || op->conditional)
            continue;
        if (op->res.missing_account)
            missing(ctx, o, op->stage, op->res.missing_account, op->makes_group,
                    b);
        if (op->res.missing_group)
            missing(ctx, o, op->stage, op->res.missing_group, true, b);
    }
}

static void check_owns(tfl_ctx *ctx, const tfl_ops *o, hint_budget *b)
{
    size_t i;

    for (i = 0; i < o->nowns; i++) {
        const tfl_own_op *op = &o->owns[i];

        if (op->tolerated || op->conditional)
            continue;
        if (!op->user_known)
            missing(ctx, o, op->stage, &op->user, false, b);
        if (!op->group_known)
            missing(ctx, o, op->stage, &op->group, true, b);
    }
}

static void check(tfl_ctx *ctx)
{
    const tfl_ops *o = tfl_ctx_ops(ctx);
    hint_budget b;
    size_t i;

    if (!o)
        return;
    b.left = first_budget(o);
    check_accts(ctx, o, &b);
    check_owns(ctx, o, &b);
    for (i = 0; i < o->nusers; i++) {
        const tfl_user_op *u = &o->users[i];

        if (!u->user_known)
            missing(ctx, o, u->stage, &u->user, false, &b);
        if (!u->group_known)
            missing(ctx, o, u->stage, &u->group, true, &b);
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"security", "correctness", "accounts", NULL};

const tfl_rule tfl_rule_unknown_account = {
    .id = "TF202",
    .name = "unknown-account",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A user or group is used before anything creates it",
    .rationale =
        "USER, chown, COPY --chown, useradd -g/-G and adduser --ingroup "
        "need the account to exist when they run. When the base image is "
        "known and nothing earlier in the stage creates the name, the "
        "build stops (\"unable to find user\", \"invalid user\", \"group "
        "does not exist\"), or, for USER, the container fails to start. A "
        "common cause is creating the user in a builder stage and "
        "switching to it in the final one. Create the account first in "
        "the same stage, or use numeric IDs, which need no account. "
        "Nothing is reported when the base image is unknown.",
    .bad = "FROM debian:12\nRUN chown -R app:app /srv\nUSER app\n",
    .good = "FROM debian:12\nRUN useradd -r -u 10001 app && chown -R app:app "
            "/srv\nUSER app\n",
    .tags = tags,
    .check = check,
};
