/*
 * TF403 duplicate-id: an account command asks for a UID or GID the stage
 * already has, from the base image or from an earlier instruction of the
 * Dockerfile: useradd/groupadd fail ("UID 1000 is not unique", "GID
 * '1000' already exists"), and so do adduser and BusyBox. Without -G,
 * BusyBox adduser also wants a group with GID equal to the UID, so a
 * group that holds that number makes it fail too (Alpine's `ping` is
 * 999).
 *
 * Only IDs given on the command line (or through an ARG) are judged:
 * picked ones are free by construction. -o/--non-unique, groupadd -f,
 * `|| true` and conditional commands are left alone.
 */
#include "rules.h"
#include "tflint/ops.h"

/* What the tool says when it refuses the ID. */
static const char *fails_with(tfl_ctx *ctx, const tfl_acct_op *op)
{
    const char *t = tfl_acct_tool_name(op->tool);
    const char *s;

    switch (op->tool) {
    case TFL_ACCT_USERADD:
    case TFL_ACCT_USERMOD:
        s = tfl_arena_printf(ctx->arena,
                             "%s stops with \"UID %u is not "
                             "unique\"",
                             t, op->res.id);
        break;
    case TFL_ACCT_GROUPADD:
    case TFL_ACCT_GROUPMOD:
        s = tfl_arena_printf(ctx->arena,
                             "%s stops with \"GID '%u' already "
                             "exists\"",
                             t, op->res.id);
        break;
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_DEB_ADDGROUP:
        s = tfl_arena_printf(ctx->arena,
                             "%s stops with \"The %s %u is "
                             "already in use\"",
                             t, op->makes_group ? "GID" : "UID", op->res.id);
        break;
    case TFL_ACCT_BB_ADDUSER:
    case TFL_ACCT_BB_ADDGROUP:
        s = tfl_arena_printf(ctx->arena,
                             "BusyBox %s stops with \"%s '%u' "
                             "in use\"",
                             t, op->makes_group ? "gid" : "uid", op->res.id);
        break;
    default:
        s = "two accounts then share the number";
        break;
    }
    return s ? s : "";
}

static void check(tfl_ctx *ctx)
{
    const tfl_ops *o = tfl_ctx_ops(ctx);
    size_t i;

    if (!o)
        return;
    for (i = 0; i < o->naccts; i++) {
        const tfl_acct_op *op = &o->accts[i];
        const tfl_account *a = op->res.same_id;

        if (op->tolerated || op->conditional || op->non_unique || op->force)
            continue;
        if (a && op->id.raw)
            tfl_report(
                ctx, op->id.span, "%s %s is already taken by %s '%s' %s: %s",
                op->makes_group ? "GID" : "UID", tfl_value_quoted(ctx, &op->id),
                a->group ? "group" : "user", a->name ? a->name : "?",
                tfl_account_where(ctx, a, op->stage), fails_with(ctx, op));
        a = op->res.same_gid;
        if (a && !op->res.same_group_name)
            tfl_report(ctx, op->id.raw ? op->id.span : op->cmd_span,
                       "BusyBox adduser gives the new group of %s the GID "
                       "%u, but group '%s' %s already has it: it stops with "
                       "\"gid in use\"; pass -G with an existing group",
                       tfl_value_quoted(ctx, &op->name), op->res.group_id,
                       a->name ? a->name : "?",
                       tfl_account_where(ctx, a, op->stage));
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"correctness", "accounts", "ids", NULL};

const tfl_rule tfl_rule_duplicate_id = {
    .id = "TF403",
    .name = "duplicate-id",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A UID or GID that the stage already has",
    .rationale =
        "useradd, groupadd, adduser and BusyBox refuse an ID another "
        "account of the image already holds, and the build stops. Base "
        "images hold more than their root account: ubuntu:24.04 has "
        "ubuntu 1000, node has node 1000, postgres and redis use 999, "
        "Alpine's group ping is 999. Pick an ID the base does not use "
        "(10000 and up keeps clear of host accounts too), or, if the "
        "account is meant to replace the existing one, delete or rename "
        "that first.",
    .bad = "FROM ubuntu:24.04\nRUN useradd -u 1000 app\n",
    .good = "FROM ubuntu:24.04\nRUN useradd -u 10001 app\n",
    .tags = tags,
    .check = check,
};
