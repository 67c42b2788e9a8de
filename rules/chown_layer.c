/*
 * TF301 chown-layer: a RUN changes the owner or mode of a tree
 * recursively (`chown -R`, `chgrp -R`, `chmod -R`) that earlier
 * instructions filled. A layer stores whole files, and a file whose
 * metadata changes is stored again, so the image carries every file of
 * the tree twice. Paths the same RUN created first (mkdir, an archive
 * unpacked into them, `useradd -m`; the ops' created_here) cost nothing
 * extra and are not reported.
 *
 * A RUN that names a path inside the tree before the command (`mkdir -p
 * /app/data && chown -R app /app`, `tar -x` into the working directory
 * and then `chmod -R +rX .`) most likely made the tree itself: the
 * parent that `mkdir -p` creates, or the files tar unpacks, are not in
 * the ops' list of created paths, so the raw text is searched for them.
 *
 * What filled a path is named when a COPY or ADD of the built chain wrote
 * into it (a COPY to `/` counts only for itself); otherwise earlier
 * instructions did, the base image among them. One finding per command,
 * at the first such path.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "user_rules.h"

/* The destination word of COPY/ADD `in`, or NULL. */
static const char *copy_dest(const tfl_instr *in)
{
    if ((in->kind != TFL_COPY && in->kind != TFL_ADD) || in->nargs < 2)
        return NULL;
    return in->args[in->nargs - 1].text;
}

/* Did COPY/ADD `in` write into `clean` or over it? */
static bool copies_into(const tfl_instr *in, const char *clean)
{
    const char *d = copy_dest(in);
    char dest[512];

    if (!d || !tfl_path_clean(d, dest, sizeof dest))
        return false;
    return tfl_path_under(dest, clean) ||
           (strcmp(dest, "/") != 0 && tfl_path_under(clean, dest));
}

/*
 * The line of the last COPY/ADD before `op` in its stage chain that wrote
 * into `path` or over it (0 when none). Walks back through the op's stage
 * and then the stages it is built FROM, so each op reads only its chain.
 */
static unsigned filled_by_copy(const tfl_model *m, const tfl_own_op *op,
                               const char *path)
{
    char clean[512];
    long s = op->stage;
    size_t i = op->instr;

    if (!tfl_path_clean(path, clean, sizeof clean))
        return 0;
    while (s >= 0 && (size_t)s < m->nstages) {
        const tfl_model_stage *st = &m->stages[s];

        if (i > st->end_instr)
            i = st->end_instr;
        while (i-- > st->from_instr)
            if (copies_into(&m->doc->instrs[i], clean))
                return (unsigned)tfl_instr_first_line(m->doc,
                                                      &m->doc->instrs[i]);
        if (st->parent < 0 || st->parent >= s)
            break;
        s = st->parent;
        i = m->stages[s].end_instr;
    }
    return 0;
}

static bool has(const char *s, size_t n, const char *w, size_t k)
{
    size_t i;

    for (i = 0; i + k <= n; i++)
        if (memcmp(s + i, w, k) == 0)
            return true;
    return false;
}

/* Does the RUN text before `op` write inside path word `v`: name
 * `WORD/...`, or unpack an archive into the working directory when `v` is
 * "."? */
static bool made_here(const tfl_model *m, const tfl_own_op *op,
                      const tfl_value *v)
{
    const tfl_instr *in = &m->doc->instrs[op->instr];
    uint32_t end = tfl_line_offset(in, op->span.start);
    char word[256];
    size_t n = 0, i;

    if (end == UINT32_MAX || !v->raw)
        return false;
    for (i = 0; i < v->raw_len && n + 2 < sizeof word; i++)
        if (v->raw[i] != '"' && v->raw[i] != '\'')
            word[n++] = v->raw[i];
    while (n > 1 && word[n - 1] == '/')
        n--;
    if (n == 1 && word[0] == '.')
        return has(in->line, end, "tar ", 4) &&
               (has(in->line, end, " -x", 3) || has(in->line, end, " x", 2) ||
                has(in->line, end, "xf ", 3));
    if (n == 0 || (n == 1 && word[0] == '/'))
        return false;
    word[n++] = '/';
    return has(in->line, end, word, n);
}

static const char *command(tfl_ctx *ctx, const tfl_own_op *op)
{
    char buf[160];

    if (op->kind == TFL_OWN_CHMOD)
        snprintf(buf, sizeof buf, "chmod -R %.60s",
                 op->mode.raw ? tfl_value_show(ctx, &op->mode) : "");
    else if (op->kind == TFL_OWN_CHGRP)
        snprintf(buf, sizeof buf, "chgrp -R %.60s",
                 tfl_value_show(ctx, &op->group));
    else if (op->user.raw && op->group.raw)
        snprintf(buf, sizeof buf, "chown -R %.60s:%.60s",
                 tfl_value_show(ctx, &op->user),
                 tfl_value_show(ctx, &op->group));
    else if (op->user.raw)
        snprintf(buf, sizeof buf, "chown -R %.60s",
                 tfl_value_show(ctx, &op->user));
    else
        snprintf(buf, sizeof buf, "chown -R :%.60s",
                 tfl_value_show(ctx, &op->group));
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

/* How to set it where the files come in. */
static const char *remedy(tfl_ctx *ctx, const tfl_own_op *op)
{
    char buf[200];

    if (op->kind == TFL_OWN_CHMOD)
        snprintf(buf, sizeof buf, "'COPY --chmod=%.60s'",
                 op->mode.raw ? tfl_value_show(ctx, &op->mode) : "...");
    else if (op->user.raw && op->group.raw)
        snprintf(buf, sizeof buf, "'COPY --chown=%.60s:%.60s'",
                 tfl_value_show(ctx, &op->user),
                 tfl_value_show(ctx, &op->group));
    else if (op->user.raw)
        snprintf(buf, sizeof buf, "'COPY --chown=%.60s'",
                 tfl_value_show(ctx, &op->user));
    else
        snprintf(buf, sizeof buf, "'COPY --chown=...:%.60s'",
                 tfl_value_show(ctx, &op->group));
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

static void check_op(tfl_ctx *ctx, const tfl_model *m, const tfl_own_op *op)
{
    char filled[80], others[48] = "";
    const tfl_value *p;
    unsigned line;
    size_t i, k, more = 0;

    for (i = 0; i < op->npaths &&
                (op->created_here[i] || made_here(m, op, &op->paths[i]));
         i++)
        ;
    if (i == op->npaths)
        return;
    p = &op->paths[i];
    for (k = i + 1; k < op->npaths; k++)
        more += !op->created_here[k] && !made_here(m, op, &op->paths[k]);
    line = p->text ? filled_by_copy(m, op, p->text) : 0;
    if (line)
        snprintf(filled, sizeof filled, "which COPY/ADD on line %u filled",
                 line);
    else
        snprintf(filled, sizeof filled, "which earlier instructions filled");
    if (more)
        snprintf(others, sizeof others, " (and %zu more path%s)", more,
                 more == 1 ? "" : "s");
    tfl_report(ctx, p->span,
               "'%s' of '%s'%s, %s, stores every file under it again in "
               "this RUN's layer, so the image carries them twice; set "
               "owner and mode where the files come in (%s), or in the "
               "RUN that creates them",
               command(ctx, op), tfl_value_show(ctx, p), others, filled,
               remedy(ctx, op));
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    size_t i;

    for (i = 0; ops && i < ops->nowns; i++) {
        const tfl_own_op *op = &ops->owns[i];

        if (op->kind != TFL_OWN_COPY && op->recursive && op->npaths &&
            op->created_here)
            check_op(ctx, m, op);
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "size", "ownership", NULL};

const tfl_rule tfl_rule_chown_layer = {
    .id = "TF301",
    .name = "chown-layer",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A RUN re-owns files of earlier layers, storing them twice",
    .rationale =
        "Image layers store whole files. When a RUN changes the owner or "
        "mode of a file that an earlier layer holds, the new layer stores "
        "the file again, and the image carries both copies: a `chown -R` "
        "over an application tree or a virtual environment routinely adds "
        "hundreds of megabytes. Give files their owner and mode as they "
        "come in, with `COPY --chown=UID:GID` and `COPY --chmod=MODE`, or "
        "in the same RUN that downloads, unpacks or builds them.",
    .bad = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
           "COPY . /app\nRUN chown -R app:app /app\nUSER 10001:10001\n",
    .good = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
            "COPY --chown=10001:10001 . /app\nUSER 10001:10001\n",
    .tags = tags,
    .check = check,
};
