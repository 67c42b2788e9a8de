/*
 * TF404 duplicate-name: an account command creates a user or group whose
 * name the stage already has, in the base image or from an earlier
 * instruction. useradd, groupadd, adduser and BusyBox stop ("user 'x'
 * already exists", "group 'x' in use"). This includes the same-name group
 * useradd and adduser create for a new user: after `groupadd app`,
 * `useradd app` fails unless told to use that group (-g app) or none (-N).
 *
 * groupadd -f, Debian's idempotent `adduser --system`, `|| true` and
 * conditional commands are left alone.
 */
#include "rules.h"
#include "tflint/ops.h"

static void check(tfl_ctx *ctx)
{
    const tfl_ops *o = tfl_ctx_ops(ctx);
    size_t i;

    if (!o)
        return;
    for (i = 0; i < o->naccts; i++) {
        const tfl_acct_op *op = &o->accts[i];
        const tfl_account *a = op->res.same_name;
        const tfl_value *v = op->new_name.raw ? &op->new_name : &op->name;

        if (op->tolerated || op->conditional || op->force)
            continue;
        if (a && !(op->tool == TFL_ACCT_DEB_ADDUSER && op->system))
            tfl_report(ctx, v->span,
                       "%s %s already exists %s: %s stops with \"already "
                       "exists\"",
                       a->group ? "group" : "user", tfl_value_quoted(ctx, v),
                       tfl_account_where(ctx, a, op->stage),
                       tfl_acct_tool_name(op->tool));
        a = op->res.same_group_name;
        if (a && !op->res.same_name)
            tfl_report(
                ctx, op->name.span,
                "%s would also create a group %s, but that group "
                "already exists %s: it stops; add -g %s to join it "
                "(adduser: --ingroup, BusyBox: -G)",
                tfl_acct_tool_name(op->tool), tfl_value_quoted(ctx, &op->name),
                tfl_account_where(ctx, a, op->stage), a->name ? a->name : "?");
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"correctness", "accounts", NULL};

const tfl_rule tfl_rule_duplicate_name = {
    .id = "TF404",
    .name = "duplicate-name",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A user or group name that the stage already has",
    .rationale =
        "Account tools refuse to create a name that exists, and the build "
        "stops. Base images carry more names than expected (Debian's "
        "users and staff groups, node's node, nginx's nginx), and a user "
        "group is created along with each new user, so `groupadd app && "
        "useradd app` fails on the second command. Reuse the existing "
        "account, pick another name, or join the existing group with "
        "useradd -g.",
    .bad = "FROM debian:12\nRUN groupadd app && useradd app\n",
    .good = "FROM debian:12\nRUN groupadd app && useradd -g app app\n",
    .tags = tags,
    .check = check,
};
