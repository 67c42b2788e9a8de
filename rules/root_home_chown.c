/*
 * TF300 root-home-chown: `chown`/`chgrp` gives `/root`, or something
 * under it, to an account other than root, or `chmod` makes it writable
 * by its group or by everyone. root's home holds the files root's shells
 * and tools read (.profile, .bashrc, .ssh, tool configuration), so whoever
 * may write them gets root the next time root logs in or a root process
 * starts there. It is usually done to give a new user a place to write;
 * a home of its own does that.
 *
 * `~` counts as /root where the RUN runs as root. Owners and modes whose
 * value cannot be known are not judged.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "user_rules.h"

/* Does path word `v` name /root or a path under it, in a RUN where `~` is
 * root's home when `tilde_root`? */
static bool in_root_home(const tfl_value *v, bool tilde_root)
{
    char clean[512];

    if (!v->text)
        return false;
    if (v->text[0] == '~' && (v->text[1] == '\0' || v->text[1] == '/'))
        return tilde_root;
    return tfl_path_clean(v->text, clean, sizeof clean) &&
           tfl_path_under(clean, "/root");
}

/* Is `v` /root itself (not a path below it)? */
static bool is_root_home(const tfl_value *v)
{
    char clean[512];

    if (!v->text)
        return false;
    if (v->text[0] == '~')
        return v->text[1] == '\0' || strcmp(v->text, "~/") == 0;
    return tfl_path_clean(v->text, clean, sizeof clean) &&
           strcmp(clean, "/root") == 0;
}

static bool runs_as_root(const tfl_ops *ops, const tfl_model *m,
                         const tfl_own_op *op)
{
    const tfl_user_op *u = tfl_user_before(ops, m, op->instr);

    if (u)
        return tfl_is_root_id(u->user.text);
    return op->stage >= 0 && (size_t)op->stage < ops->nstages &&
           ops->stages[op->stage].base_runs_as_root;
}

/* The account the command gives the files to, or NULL when it is root or
 * not known. */
static const char *new_owner(tfl_ctx *ctx, const tfl_own_op *op)
{
    const tfl_value *u = &op->user, *g = &op->group;
    bool user_other = op->kind == TFL_OWN_CHOWN && u->raw && u->text &&
                      *u->text && !tfl_is_root_id(u->text);
    bool group_other =
        g->raw && g->text && *g->text && !tfl_is_root_id(g->text);
    char buf[140];

    if (!user_other && !group_other)
        return NULL;
    if (op->kind == TFL_OWN_CHGRP || !u->raw)
        snprintf(buf, sizeof buf, "group '%.60s'", g->text);
    else if (g->raw && g->text)
        snprintf(buf, sizeof buf, "'%.60s:%.60s'", u->text, g->text);
    else
        snprintf(buf, sizeof buf, "'%.60s'", u->text);
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

/* What to do instead: point at the home the account already has, or say
 * how to give it one. */
static const char *advice(tfl_ctx *ctx, const tfl_own_op *op)
{
    const tfl_account *a = op->user_account;
    const char *name = op->user.text;
    char buf[320];

    if (op->kind != TFL_OWN_CHOWN || !name || !*name || tfl_is_number(name) ||
        strchr(name, '/') || strcmp(name, "nobody") == 0)
        return "give the account that writes there a home of its own "
               "('useradd -m' creates one under /home; then 'WORKDIR' "
               "there)";
    if (a && a->op && a->op->home.text && a->op->home.text[0] == '/')
        snprintf(buf, sizeof buf,
                 "'%.60s' has a home of its own, %.60s (line %u): use it "
                 "('WORKDIR %.60s')",
                 name, a->op->home.text,
                 (unsigned)tfl_source_line_of(ctx->src, a->op->span.start),
                 a->op->home.text);
    else if (a && a->op && a->op->create_home)
        snprintf(buf, sizeof buf,
                 "'%.60s' has a home of its own, /home/%.60s (line %u): use "
                 "it ('WORKDIR /home/%.60s')",
                 name, name,
                 (unsigned)tfl_source_line_of(ctx->src, a->op->span.start),
                 name);
    else
        snprintf(buf, sizeof buf,
                 "give '%.60s' a home of its own ('useradd -m' creates "
                 "/home/%.60s; then 'WORKDIR /home/%.60s')",
                 name, name, name);
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

static void check_op(tfl_ctx *ctx, const tfl_model *m, const tfl_ops *ops,
                     const tfl_own_op *op)
{
    bool tilde = runs_as_root(ops, m, op);
    const char *owner = NULL, *path, *where;
    unsigned grants = 0;
    size_t i;

    if (op->kind == TFL_OWN_CHMOD) {
        grants = tfl_mode_grants(op->mode.text) &
                 (TFL_MODE_GROUP_W | TFL_MODE_OTHER_W);
        if (!grants)
            return;
    } else if (!(owner = new_owner(ctx, op))) {
        return;
    }
    for (i = 0; i < op->npaths && !in_root_home(&op->paths[i], tilde); i++)
        ;
    if (i == op->npaths)
        return;
    path = tfl_value_show(ctx, &op->paths[i]);
    where = is_root_home(&op->paths[i]) ? "root's home" : "in root's home";
    if (op->kind == TFL_OWN_CHMOD)
        tfl_report(ctx, op->paths[i].span,
                   "'chmod %s' makes '%s', %s, writable by %s: "
                   "whoever writes root's dotfiles (.profile, .bashrc, .ssh) "
                   "runs code as root later; keep it closed (0700) and %s",
                   tfl_value_show(ctx, &op->mode), path, where,
                   grants & TFL_MODE_OTHER_W ? "every account" : "its group",
                   advice(ctx, op));
    else
        tfl_report(
            ctx, op->paths[i].span,
            "'%s' hands '%s', %s, to %s: %s can then change root's "
            "dotfiles (.profile, .bashrc, .ssh) and run code as root "
            "later; %s",
            op->kind == TFL_OWN_CHGRP ? "chgrp" : "chown", path, where, owner,
            strncmp(owner, "group ", 6) == 0 ? "its members" : "that account",
            advice(ctx, op));
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    size_t i;

    for (i = 0; ops && i < ops->nowns; i++)
        if (ops->owns[i].kind != TFL_OWN_COPY)
            check_op(ctx, m, ops, &ops->owns[i]);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "security", "user",
                                   "ownership", NULL};

const tfl_rule tfl_rule_root_home_chown = {
    .id = "TF300",
    .name = "root-home-chown",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "root's home is given to another account or made writable",
    .rationale =
        "`/root` belongs to root and is closed to everyone else (mode "
        "0700) because root's shells and tools read their start-up files "
        "from it. Handing it to the application's account with chown or "
        "chgrp, or opening it with chmod, lets that account plant code that "
        "root runs later: in a `docker exec` shell, a root entrypoint, a "
        "health check. It is usually done so that a new user has somewhere "
        "to write (pip and npm caches, configuration). Give the user a home "
        "of its own instead: `useradd -m` creates /home/NAME, and `WORKDIR` "
        "or `ENV HOME` points the tools there.",
    .bad = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
           "RUN chown -R app:app /root\nUSER 10001:10001\n",
    .good = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U -m app\n"
            "WORKDIR /home/app\nUSER 10001:10001\n",
    .tags = tags,
    .check = check,
};
