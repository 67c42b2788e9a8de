/*
 * TF205 nobody-user: the image runs as `nobody` (UID 65534), or files are
 * given to `nobody` / `nogroup` (chown, chgrp, COPY/ADD --chown). Many
 * daemons drop to that one account, so it shares processes and files with
 * whatever else runs as it, and 65534 is also the overflow ID under which
 * NFS and user namespaces show owners they cannot map; by convention it
 * owns nothing. Judged in the stage that is built and the stages it is
 * built FROM. Alpine's nogroup is 65533: it is matched by name.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "user_rules.h"

static bool nobody_user(const tfl_value *v)
{
    return v->raw && v->text &&
           (strcmp(v->text, "nobody") == 0 || strcmp(v->text, "65534") == 0);
}

static bool nobody_group(const tfl_value *v)
{
    return v->raw && v->text &&
           (strcmp(v->text, "nobody") == 0 || strcmp(v->text, "nogroup") == 0 ||
            strcmp(v->text, "65534") == 0);
}

/* The span of the user word, the group word, or both. */
static tfl_span owner_span(const tfl_value *user, const tfl_value *group,
                           bool u, bool g)
{
    tfl_span sp = u ? user->span : group->span;

    if (u && g && group->span.end > sp.end)
        sp.end = group->span.end;
    return sp;
}

static const char *owner_text(tfl_ctx *ctx, const tfl_value *user,
                              const tfl_value *group, bool u, bool g)
{
    const tfl_value *v = u ? user : group;
    char buf[140];

    if (!(u && g))
        return tfl_clip(ctx, v->raw, v->raw_len, 60);
    snprintf(buf, sizeof buf, "%.*s:%.*s",
             (int)(user->raw_len > 60 ? 60 : user->raw_len), user->raw,
             (int)(group->raw_len > 60 ? 60 : group->raw_len), group->raw);
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

static void check_users(tfl_ctx *ctx, const tfl_model *m, const tfl_ops *ops,
                        long s)
{
    size_t i;

    for (i = 0; i < ops->nusers; i++) {
        const tfl_user_op *op = &ops->users[i];
        bool u = nobody_user(&op->user), g = nobody_group(&op->group);

        if ((!u && !g) || !tfl_stage_in_chain(m, s, op->stage))
            continue;
        tfl_report(ctx, owner_span(&op->user, &op->group, u, g),
                   "USER '%s'%s runs as the shared %s: every service that "
                   "drops to it can reach this container's processes and "
                   "files; create an account of the image's own "
                   "('useradd -l -u 10001 -U app') and use 'USER "
                   "10001:10001'",
                   owner_text(ctx, &op->user, &op->group, u, g),
                   tfl_value_source(ctx, m, u ? &op->user : &op->group),
                   u ? "account 'nobody'" : "group 'nogroup'");
    }
}

static void check_owns(tfl_ctx *ctx, const tfl_model *m, const tfl_ops *ops,
                       long s)
{
    size_t i;

    for (i = 0; i < ops->nowns; i++) {
        const tfl_own_op *op = &ops->owns[i];
        bool u = op->kind != TFL_OWN_CHGRP && nobody_user(&op->user);
        bool g = nobody_group(&op->group);
        const char *what;

        if ((!u && !g) || op->kind == TFL_OWN_CHMOD ||
            !tfl_stage_in_chain(m, s, op->stage))
            continue;
        what = op->kind == TFL_OWN_COPY    ? "--chown"
               : op->kind == TFL_OWN_CHGRP ? "chgrp"
                                           : "chown";
        tfl_report(ctx, owner_span(&op->user, &op->group, u, g),
                   "'%s' gives files to '%s'%s: that account is shared by "
                   "unrelated services and should own nothing (65534 is "
                   "also the ID unmapped owners show up as); give them to "
                   "an account of the image's own",
                   what, owner_text(ctx, &op->user, &op->group, u, g),
                   tfl_value_source(ctx, m, u ? &op->user : &op->group));
    }
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    long s = tfl_built_stage(ctx, m);

    if (!ops || s < 0)
        return;
    check_users(ctx, m, ops, s);
    check_owns(ctx, m, ops, s);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "security", "user", NULL};

const tfl_rule tfl_rule_nobody_user = {
    .id = "TF205",
    .name = "nobody-user",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "The image runs as nobody, or gives files to nobody/nogroup",
    .rationale =
        "`nobody` (UID 65534) and `nogroup` are meant for processes that "
        "should own nothing. Because so many services drop to them, a "
        "process running as nobody shares its identity with every other "
        "one that does: on a shared host or volume they can signal each "
        "other and read or change each other's files. 65534 is also the "
        "overflow ID under which NFS and user namespaces show owners they "
        "cannot map, so files owned by it are ambiguous. Create an account "
        "of the image's own with a fixed ID and use it for USER and for "
        "the files the application needs.",
    .bad = "FROM alpine:3.20\nCOPY --chown=nobody:nogroup app /app\n"
           "USER nobody\n",
    .good = "FROM alpine:3.20\nRUN adduser -D -H -u 10001 app\n"
            "COPY --chown=10001:10001 app /app\nUSER 10001:10001\n",
    .tags = tags,
    .check = check,
};
