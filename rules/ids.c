/*
 * What the ID rules (TF400, TF401, TF402) share: the list of words of a
 * file that hold a UID or GID, read from the account, ownership and user
 * ops, and how to say in a message where a value came from.
 *
 * An account tool's -u/--uid and groupadd's -g take only numbers, so every
 * value there counts. Elsewhere (useradd -g, USER, chown, --chown) a name
 * is as good as a number; such a word counts only when it looks like a
 * number (a digit first, or a '-' and a digit), so `USER 10a01` is judged
 * and `USER app` is not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "tflint/model.h"
#include "tflint/ops.h"

typedef struct refs {
    tfl_ctx *ctx;
    tfl_id_ref *v;
    size_t n, cap;
} refs;

static bool looks_numeric(const char *s)
{
    if (s[0] == '-')
        s++;
    return s[0] >= '0' && s[0] <= '9';
}

static void add(refs *r, const tfl_value *v, bool gid, bool need_number,
                const tfl_acct_op *op, const char *where, int stage)
{
    tfl_id_ref *e;

    if (!v->raw || !v->text || !v->text[0])
        return;
    if (!need_number && !looks_numeric(v->text))
        return;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        tfl_id_ref *g =
            nc < SIZE_MAX / sizeof *g ? realloc(r->v, nc * sizeof *g) : NULL;

        if (!g) {
            r->ctx->oom = true;
            return;
        }
        r->v = g;
        r->cap = nc;
    }
    e = &r->v[r->n++];
    e->v = v;
    e->gid = gid;
    e->need_number = need_number;
    e->op = op;
    e->where = where;
    e->stage = stage;
}

/* The option that gives the ID, as the tool spells it. */
static const char *id_option(tfl_acct_tool t)
{
    switch (t) {
    case TFL_ACCT_USERADD:
        return "useradd -u";
    case TFL_ACCT_GROUPADD:
        return "groupadd -g";
    case TFL_ACCT_USERMOD:
        return "usermod -u";
    case TFL_ACCT_GROUPMOD:
        return "groupmod -g";
    case TFL_ACCT_DEB_ADDUSER:
        return "adduser --uid";
    case TFL_ACCT_DEB_ADDGROUP:
        return "addgroup --gid";
    case TFL_ACCT_BB_ADDUSER:
        return "adduser -u";
    case TFL_ACCT_BB_ADDGROUP:
        return "addgroup -g";
    case TFL_ACCT_PASSWD_LINE:
        return "/etc/passwd";
    case TFL_ACCT_GROUP_LINE:
        return "/etc/group";
    default:
        return "the account tool";
    }
}

static const char *group_option(tfl_acct_tool t)
{
    switch (t) {
    case TFL_ACCT_USERADD:
        return "useradd -g";
    case TFL_ACCT_USERMOD:
        return "usermod -g";
    case TFL_ACCT_DEB_ADDUSER:
        return "adduser --gid";
    case TFL_ACCT_BB_ADDUSER:
        return "adduser -G";
    case TFL_ACCT_PASSWD_LINE:
        return "/etc/passwd";
    default:
        return "the account tool";
    }
}

const char *tfl_acct_option(const tfl_acct_op *op, bool group)
{
    return group && !op->makes_group ? group_option(op->tool)
                                     : id_option(op->tool);
}

static void add_acct(refs *r, const tfl_acct_op *op)
{
    size_t k;

    add(r, &op->id, op->makes_group, true, op, id_option(op->tool), op->stage);
    if (!op->makes_group)
        add(r, &op->group, true, false, op, group_option(op->tool), op->stage);
    for (k = 0; k < op->ngroups; k++)
        add(r, &op->groups[k], true, false, op,
            op->tool == TFL_ACCT_USERMOD ? "usermod -G" : "useradd -G",
            op->stage);
}

static void add_own(refs *r, const tfl_own_op *o)
{
    const char *where = o->kind == TFL_OWN_COPY    ? "--chown"
                        : o->kind == TFL_OWN_CHGRP ? "chgrp"
                                                   : "chown";

    if (o->kind == TFL_OWN_CHMOD)
        return;
    add(r, &o->user, false, false, NULL, where, o->stage);
    add(r, &o->group, true, false, NULL, where, o->stage);
}

int tfl_id_refs(tfl_ctx *ctx, tfl_id_ref **out, size_t *n)
{
    const tfl_ops *ops = tfl_ctx_ops(ctx);
    refs r = {ctx, NULL, 0, 0};
    size_t i;

    *out = NULL;
    *n = 0;
    if (!ops) {
        ctx->oom = true;
        return -1;
    }
    for (i = 0; i < ops->naccts; i++)
        add_acct(&r, &ops->accts[i]);
    for (i = 0; i < ops->nowns; i++)
        add_own(&r, &ops->owns[i]);
    for (i = 0; i < ops->nusers; i++) {
        add(&r, &ops->users[i].user, false, false, NULL, "USER",
            ops->users[i].stage);
        add(&r, &ops->users[i].group, true, false, NULL, "USER",
            ops->users[i].stage);
    }
    if (ctx->oom) {
        free(r.v);
        return -1;
    }
    *out = r.v;
    *n = r.n;
    return 0;
}

void tfl_id_refs_free(tfl_id_ref *v)
{
    free(v);
}

const char *tfl_id_origin(tfl_ctx *ctx, const tfl_value *v)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    tfl_value copy = *v;
    const char *s;

    if (!m)
        return "";
    /* A stage ARG without a default takes the global one's: name the line
     * where the default is set. */
    if (copy.binding && !copy.binding->raw_default && copy.binding->inherits)
        copy.binding = copy.binding->inherits;
    s = tfl_value_origin(ctx->arena, m, &copy);
    if (copy.binding && !*s)
        ctx->oom = true;
    return s;
}

const char *tfl_id_kind(const tfl_id_ref *r)
{
    return r->gid ? "GID" : "UID";
}
