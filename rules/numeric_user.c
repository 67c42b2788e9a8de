/*
 * TF203 numeric-user: the image's last USER names its account by name.
 * The kubelet's runAsNonRoot check reads only the image's user field and
 * cannot tell whether a name is root, so it refuses to start such a
 * container unless the pod sets runAsUser. A variable whose value is a
 * number is numeric; a value that cannot be known stays silent (hadolint's
 * DL3066 fired on every `USER ${APP_UID}`). Root and nobody are left to
 * TF201 and TF205, whose advice differs.
 *
 * The suggestion carries the real numbers when the simulation knows the
 * account: created by the Dockerfile (given or picked IDs) or listed for
 * the known base image. The group is the one USER names, else the
 * account's primary group.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "user_rules.h"

/* GID of the group USER names, else of the account's primary group. */
static uint32_t group_id(const tfl_user_op *u, const tfl_stage_info *info)
{
    const tfl_account *a;
    uint64_t n;

    if (!u->group.raw)
        return u->account->gid;
    if (!u->group.text)
        return TFL_NO_ID;
    if (tfl_value_number(&u->group, &n))
        return n < TFL_NO_ID ? (uint32_t)n : TFL_NO_ID;
    a = tfl_stage_account(info, u->group.text, true);
    return a ? a->id : TFL_NO_ID;
}

/* "'USER 1001:1001' (the IDs useradd gives 'app', line 7)" or a generic
 * hint when the IDs are not known. */
static const char *suggestion(tfl_ctx *ctx, const tfl_user_op *u,
                              const tfl_stage_info *info)
{
    const tfl_account *a = u->account;
    char ids[40], why[160], buf[240];
    uint32_t gid;

    if (!a || !a->name || a->id == TFL_NO_ID)
        return "its numeric 'USER <uid>:<gid>'";
    gid = group_id(u, info);
    if (gid != TFL_NO_ID)
        snprintf(ids, sizeof ids, "%u:%u", (unsigned)a->id, (unsigned)gid);
    else
        snprintf(ids, sizeof ids, "%u", (unsigned)a->id);
    if (a->op)
        snprintf(why, sizeof why, "the IDs %s %s '%s', line %u",
                 tfl_acct_tool_name(a->op->tool),
                 a->op->res.picked ? "picks for" : "gives", a->name,
                 (unsigned)tfl_source_line_of(ctx->src, a->op->span.start));
    else
        snprintf(why, sizeof why, "the IDs of '%s' in the base image", a->name);
    snprintf(buf, sizeof buf, "'USER %s' (%s)", ids, why);
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    long s = tfl_built_stage(ctx, m);
    const tfl_user_op *u;
    const char *name;

    if (!ops || s < 0 || (size_t)s >= ops->nstages)
        return;
    u = ops->stages[s].last_user;
    if (!u || !u->user.raw || !u->user.text || !*u->user.text)
        return;
    name = u->user.text;
    if (tfl_is_number(name) || tfl_is_root_id(name) ||
        strcmp(name, "nobody") == 0)
        return;
    name = tfl_clip(ctx, name, strlen(name), 60);
    if (u->user.binding || u->user.from_shell)
        tfl_report(ctx, u->user.span,
                   "USER '%s' is the name '%s'%s: Kubernetes runAsNonRoot "
                   "cannot verify that a name is not root and refuses to "
                   "start the container; write %s",
                   tfl_clip(ctx, u->user.raw, u->user.raw_len, 60), name,
                   tfl_value_source(ctx, m, &u->user),
                   suggestion(ctx, u, &ops->stages[s]));
    else
        tfl_report(ctx, u->user.span,
                   "USER '%s' is a name: Kubernetes runAsNonRoot cannot "
                   "verify that a name is not root and refuses to start the "
                   "container; write %s",
                   name, suggestion(ctx, u, &ops->stages[s]));
}

static const char *const aliases[] = {"DL3066", NULL};
static const char *const tags[] = {"dockerfile", "security", "user",
                                   "kubernetes", NULL};

const tfl_rule tfl_rule_numeric_user = {
    .id = "TF203",
    .name = "numeric-user",
    .aliases = aliases,
    .severity = TFL_SEV_INFO,
    .summary = "The image's USER is a name rather than a numeric UID:GID",
    .rationale =
        "A pod with `runAsNonRoot: true` is started only when the kubelet "
        "can see that the image's user is not root. It reads the user from "
        "the image configuration and does not look into /etc/passwd, so a "
        "name such as `app` cannot be verified and the container is refused "
        "(unless the pod sets runAsUser). Write the account's numbers, "
        "`USER 10001:10001`; a numeric user also needs no passwd entry at "
        "run time. Only the last USER of the image is judged, and a "
        "variable counts as numeric when its value is a number.",
    .bad = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\nUSER app\n",
    .good = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
            "USER 10001:10001\n",
    .tags = tags,
    .check = check,
};
