/*
 * TF204 sudo: `sudo` runs in a RUN. The builder runs each RUN as the USER
 * in effect, so a step that needs root belongs before the USER that drops
 * it, or between `USER root` and a switch back; sudo itself is then not
 * needed, and an image that ships it (configured for its user) lets any
 * process of the container become root. The message says which of the two
 * applies: the RUN already runs as root, or as which account and since
 * which USER line.
 */
#include <string.h>

#include "rules.h"
#include "user_rules.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    size_t i;

    for (i = 0; ops && i < ops->nsudos; i++) {
        const tfl_sudo_op *op = &ops->sudos[i];
        const tfl_user_op *u = tfl_user_before(ops, m, op->instr);
        int s = tfl_model_stage_of(m, op->instr);
        const char *who;

        if (!u && s >= 0 && (size_t)s < ops->nstages &&
            !ops->stages[s].base_runs_as_root)
            who = "the base image's user";
        else if (!u || tfl_is_root_id(u->user.text))
            who = NULL;
        else
            who = tfl_value_show(ctx, &u->user);
        if (!who && !u && s >= 0 && (size_t)s < ops->nstages &&
            !ops->stages[s].base_facts) {
            tfl_report(ctx, op->span,
                       "'sudo' is likely not needed: with no USER before it "
                       "this RUN runs as the base image's user, root unless "
                       "that image sets another; drop it, and keep sudo out "
                       "of the image");
        } else if (!who) {
            tfl_report(ctx, op->span,
                       "'sudo' is not needed: this RUN already runs as "
                       "root%s; drop it, and keep sudo out of the image",
                       u ? "" : " (no USER before it)");
        } else if (u) {
            tfl_report(
                ctx, op->span,
                "'sudo' in a RUN that runs as '%s' (USER, line %u): "
                "run this step before that USER, or between 'USER "
                "root' and 'USER %s'; sudo in the image lets its user "
                "become root (to drop root when the container starts, "
                "use gosu or su-exec in the entrypoint)",
                who, (unsigned)tfl_source_line_of(ctx->src, u->user.span.start),
                tfl_clip(ctx, u->user.raw, u->user.raw_len, 60));
        } else {
            tfl_report(ctx, op->span,
                       "'sudo' in a RUN that runs as %s: run this step "
                       "between 'USER root' and a USER back to that account; "
                       "sudo in the image lets its user become root (to drop "
                       "root when the container starts, use gosu or su-exec "
                       "in the entrypoint)",
                       who);
        }
    }
}

static const char *const aliases[] = {"DL3004", NULL};
static const char *const tags[] = {"dockerfile", "security", "user", NULL};

const tfl_rule tfl_rule_sudo = {
    .id = "TF204",
    .name = "sudo",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A RUN uses sudo",
    .rationale =
        "Each RUN runs as the USER in effect at that point; there is no "
        "password prompt and no terminal, and the step that needs root can "
        "simply run as root. Put it before the `USER` that switches to the "
        "application's account, or wrap it in `USER root` ... `USER app`. "
        "Installing and configuring sudo so that the build works leaves an "
        "image in which the application's account may become root whenever "
        "it likes. When a container must start as root and then drop to "
        "another account (to fix volume ownership, say), do that in the "
        "entrypoint with gosu or su-exec, which exec the program and leave "
        "no way back.",
    .bad = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
           "USER 10001:10001\nRUN sudo apt-get update\n",
    .good = "FROM debian:12-slim\nRUN apt-get update\n"
            "RUN useradd -l -u 10001 -U app\nUSER 10001:10001\n",
    .tags = tags,
    .check = check,
};
