/*
 * TF201 root-user: the last USER of the stage that is built (or of the
 * stages it is built FROM, when it sets none itself) is root: `root` or
 * UID 0, with any group, written out or through a variable whose value
 * is one of those. Build stages may end as root: their user does not
 * reach the image. A value that cannot be known (a variable without a
 * default) is left to TF503.
 */
#include "rules.h"
#include "user_rules.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    long s = tfl_built_stage(ctx, m);
    const tfl_user_op *u;
    unsigned line;

    if (!ops || s < 0 || (size_t)s >= ops->nstages)
        return;
    u = ops->stages[s].last_user;
    if (!u || !u->user.raw || !tfl_is_root_id(u->user.text))
        return;
    line = tfl_source_line_of(ctx->src, u->user.span.start);
    if (u->user.binding || u->user.from_shell)
        tfl_report(ctx, u->user.span,
                   "the image runs as root: the last USER (line %u) is '%s', "
                   "which is '%s'%s; end with a non-root 'USER <uid>:<gid>' "
                   "once the steps that need root are done",
                   line, tfl_clip(ctx, u->user.raw, u->user.raw_len, 60),
                   u->user.text, tfl_value_source(ctx, m, &u->user));
    else
        tfl_report(ctx, u->user.span,
                   "the image runs as root: the last USER (line %u) is "
                   "'%s'; end with a non-root 'USER <uid>:<gid>' once the "
                   "steps that need root are done",
                   line, u->user.text);
}

static const char *const aliases[] = {"DL3002", NULL};
static const char *const tags[] = {"dockerfile", "security", "user", NULL};

const tfl_rule tfl_rule_root_user = {
    .id = "TF201",
    .name = "root-user",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "The last USER of the image is root",
    .rationale =
        "The user the final stage ends with is the one the container "
        "starts as. `USER root`, `USER 0`, `USER root:app` or a variable "
        "whose value is one of them makes every process of the container "
        "root, which is root on the host's kernel. Switching to root to "
        "install packages is fine; switch back to the application's "
        "account afterwards. Only the stage that is built is judged (the "
        "last one, or the one `--target` names): build stages may end as "
        "root, since their user never reaches the image.",
    .bad = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
           "USER 10001:10001\nUSER root\nRUN apt-get update\n",
    .good = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
            "USER root\nRUN apt-get update\nUSER 10001:10001\n",
    .tags = tags,
    .check = check,
};
