/*
 * TF401 host-range-id: a UID or GID below the safe range (safe_id_min,
 * 10000 by default). Hosts keep their own accounts there: 0-999 for the
 * system, 1000 and up for people. Without user-namespace remapping a
 * container process runs with its numeric IDs on the host, so it acts as
 * whichever host account has that number, and files it writes to bind
 * mounts belong to that account.
 *
 * Judged: IDs given as words (literal, ARG or ENV values, --build-arg),
 * numeric USER and chown owners, and the ID a tool picks for a non-system
 * account when none is given. 0 is root and left to the root-user rules.
 * With --host-passwd / --host-group the message names the host account;
 * an ID at or above the range that a host account has is reported too.
 */
#include <string.h>

#include "rules.h"
#include "tflint/hostdb.h"
#include "tflint/ops.h"

/* The host account `id` collides with, or NULL. */
static const tfl_host_account *host_of(const tfl_config *cfg, bool gid,
                                       uint64_t id)
{
    if (id > UINT32_MAX)
        return NULL;
    return gid ? tfl_host_find(cfg->host_groups, cfg->nhost_groups,
                               (uint32_t)id)
               : tfl_host_find(cfg->host_users, cfg->nhost_users, (uint32_t)id);
}

/* "a real host account", "the host's account 'alice'", ... */
static const char *whom(tfl_ctx *ctx, bool gid, uint64_t id)
{
    const tfl_host_account *h = host_of(ctx->config, gid, id);
    const char *s;

    if (!h)
        return gid ? "a real host group" : "a real host account";
    s = tfl_arena_printf(ctx->arena, "the host's %s '%s'",
                         gid ? "group" : "account",
                         tfl_clip(ctx, h->name, strlen(h->name), 40));
    if (!s)
        ctx->oom = true;
    return s ? s : "";
}

/* Whether report_id() reports `id`: asked first, so that the message's
 * pieces are made (in the file's arena, kept to the end) only then. */
static bool reported(const tfl_config *cfg, bool gid, uint64_t id)
{
    return id != 0 && (id < cfg->safe_id_min || host_of(cfg, gid, id));
}

static void report_id(tfl_ctx *ctx, tfl_span span, const char *what, bool gid,
                      uint64_t id)
{
    const tfl_config *cfg = ctx->config;

    if (id == 0)
        return;
    if (id < cfg->safe_id_min)
        tfl_report(ctx, span,
                   "%s is below %u: on a host without user-namespace "
                   "remapping it is %s; use one in %u-%u",
                   what, (unsigned)cfg->safe_id_min, whom(ctx, gid, id),
                   (unsigned)cfg->safe_id_min, (unsigned)cfg->safe_id_max);
    else if (host_of(cfg, gid, id))
        tfl_report(ctx, span,
                   "%s is %s: on a host without user-namespace remapping "
                   "the container acts as it; use one no host account has",
                   what, whom(ctx, gid, id));
}

static const char *tool_name(tfl_acct_tool t)
{
    switch (t) {
    case TFL_ACCT_USERADD:
        return "useradd";
    case TFL_ACCT_GROUPADD:
        return "groupadd";
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_BB_ADDUSER:
        return "adduser";
    case TFL_ACCT_DEB_ADDGROUP:
    case TFL_ACCT_BB_ADDGROUP:
        return "addgroup";
    default:
        return NULL;
    }
}

/* An account created without an ID: the one its tool picks. */
static void check_picked(tfl_ctx *ctx, const tfl_acct_op *op)
{
    const char *tool = tool_name(op->tool), *what;
    const tfl_value *name = &op->name;
    tfl_span span = name->raw ? name->span : op->cmd_span;

    if (!tool || !op->res.picked || op->system || op->res.id == TFL_NO_ID ||
        !reported(ctx->config, op->makes_group, op->res.id))
        return;
    what = tfl_arena_printf(
        ctx->arena, "%s %u, which %s picks for '%s' when given none,",
        op->makes_group ? "GID" : "UID", (unsigned)op->res.id, tool,
        name->text  ? tfl_clip(ctx, name->text, strlen(name->text), 40)
        : name->raw ? tfl_clip(ctx, name->raw, name->raw_len, 40)
                    : "?");
    if (!what) {
        ctx->oom = true;
        return;
    }
    report_id(ctx, span, what, op->makes_group, op->res.id);
}

static void check(tfl_ctx *ctx)
{
    const tfl_ops *ops;
    tfl_id_ref *refs;
    size_t n, i;

    if (tfl_id_refs(ctx, &refs, &n) != 0)
        return;
    if (!(ops = tfl_ctx_ops(ctx)))
        goto done;
    for (i = 0; i < n; i++) {
        const tfl_id_ref *r = &refs[i];
        uint64_t id;
        const char *what;

        if (!tfl_value_number(r->v, &id) || id > 2147483647u)
            continue; /* TF400 */
        if (!reported(ctx->config, r->gid, id))
            continue;
        what =
            tfl_arena_printf(ctx->arena, "%s %llu%s", tfl_id_kind(r),
                             (unsigned long long)id, tfl_id_origin(ctx, r->v));
        if (!what) {
            ctx->oom = true;
            goto done;
        }
        report_id(ctx, r->v->span, what, r->gid, id);
    }
    for (i = 0; i < ops->naccts; i++)
        check_picked(ctx, &ops->accts[i]);
done:
    tfl_id_refs_free(refs);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "users", "security", NULL};

const tfl_rule tfl_rule_host_range_id = {
    .id = "TF401",
    .name = "host-range-id",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A UID or GID lies in the range hosts use for their accounts",
    .rationale =
        "Linux hosts number their system accounts from 0 to 999 and their "
        "people from 1000 up. Unless the runtime remaps user namespaces, a "
        "container's processes run on the host with the image's numeric "
        "IDs, so a UID such as 1000 is the host's first user: files the "
        "container writes to bind mounts are theirs, and an escaped "
        "process acts with their rights. Kubernetes scanners ask for 10000 "
        "or more for the same reason. Give the image's user and group an "
        "explicit ID between 10000 and 65535.",
    .bad = "FROM debian:12\nARG APP_UID=1001\n"
           "RUN useradd -u \"$APP_UID\" app\nUSER 1001\n",
    .good = "FROM debian:12\nARG APP_UID=10001\n"
            "RUN useradd -l -u \"$APP_UID\" app\nUSER 10001\n",
    .tags = tags,
    .check = check,
};
