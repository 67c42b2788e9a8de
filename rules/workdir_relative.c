/*
 * TF109 workdir-relative: a relative WORKDIR is taken relative to the
 * working directory the image already has, which for the first WORKDIR of
 * a stage is whatever the base image set. Later WORKDIRs build on a path
 * this file chose, so only the first one in a stage is judged, and a stage
 * built FROM another stage inherits that stage's WORKDIR.
 *
 * A value that starts with a variable is judged only when the variable is
 * set by an ENV or an ARG default of the stage (or its parents) to a plain
 * value; `C:\` and `C:/` count as absolute, for Windows images.
 */
#include <ctype.h>
#include <string.h>

#include "rules.h"

static bool absolute(const char *s)
{
    if (*s == '/')
        return true;
    return isalpha((unsigned char)s[0]) && s[1] == ':' &&
           (s[2] == '\\' || s[2] == '/');
}

/* The value of `name` from the latest ENV pair or ARG default before
 * `upto` in stage `s` or its ancestors; NULL when unknown. Only plain
 * values count: anything with a quote or '$' in it is not followed. The
 * search looks at a bounded number of instructions, so a long chain of
 * stages cannot make it quadratic. */
static const char *lookup(const tfl_doc *doc, const tfl_stage *st, long s,
                          size_t upto, const char *name, size_t len,
                          const tfl_instr **where)
{
    size_t budget = 4096;

    for (; s >= 0; s = st[s].parent, upto = (size_t)-1) {
        size_t i = upto < st[s].end ? upto : st[s].end;

        while (i-- > st[s].first) {
            if (budget-- == 0)
                return NULL;
            const tfl_instr *in = &doc->instrs[i];
            size_t k;

            for (k = in->kind == TFL_ENV ? in->npairs : 0; k-- > 0;) {
                const tfl_pair *p = &in->pairs[k];

                if (p->key.len == len && memcmp(p->key.text, name, len) == 0) {
                    *where = in;
                    return strpbrk(p->value.text, "\"'$\\") ? NULL
                                                            : p->value.text;
                }
            }
            for (k = in->kind == TFL_ARG ? in->nargs : 0; k-- > 0;) {
                const char *a = in->args[k].text, *eq = strchr(a, '=');

                if ((eq ? (size_t)(eq - a) : strlen(a)) != len ||
                    memcmp(a, name, len) != 0)
                    continue;
                *where = in;
                return eq && !strpbrk(eq + 1, "\"'$\\") ? eq + 1 : NULL;
            }
        }
    }
    return NULL;
}

/* Resolve a leading `$NAME` or `${NAME}` of `v`; NULL when that cannot be
 * told. */
static const char *resolve(const tfl_doc *doc, const tfl_stage *st, long s,
                           size_t upto, const char *v, const tfl_instr **where)
{
    const char *p = v + 1, *name;
    size_t len = 0;

    if (*p == '{')
        p++;
    name = p;
    while (isalnum((unsigned char)p[len]) || p[len] == '_')
        len++;
    if (len == 0 || (v[1] == '{' && p[len] != '}'))
        return NULL;
    return lookup(doc, st, s, upto, name, len, where);
}

static void one(tfl_ctx *ctx, const tfl_stage *st, long s, size_t i)
{
    const tfl_instr *in = &ctx->doc->instrs[i], *where = NULL;
    const char *v, *shown;
    size_t len;
    char q;

    if (in->nargs == 0 || in->args[0].len == 0)
        return;
    v = in->args[0].text;
    q = *v == '"' || *v == '\'' ? *v : 0;
    if (q)
        v++;
    len = strlen(v);
    if (q && len && v[len - 1] == q)
        len--;
    shown = tfl_clip(ctx, v, len, 60);
    if (*v == '$') {
        const char *r = resolve(ctx->doc, st, s, i, v, &where);

        if (!r || absolute(r))
            return;
        tfl_report(ctx, in->args[0].span,
                   "WORKDIR '%s' is relative (it starts with '%s', set on "
                   "line %u): it resolves against the base image's working "
                   "directory; start it with an absolute path",
                   shown, tfl_clip(ctx, r, strlen(r), 40),
                   (unsigned)tfl_instr_first_line(ctx->doc, where));
        return;
    }
    if (absolute(v))
        return;
    while (len >= 2 && v[0] == '.' && v[1] == '/') {
        v += 2;
        len -= 2;
    }
    tfl_report(ctx, in->args[0].span,
               "WORKDIR '%s' is relative: it resolves against the base "
               "image's working directory, which can change with the image; "
               "write an absolute path such as '/%s'",
               shown, tfl_clip(ctx, v, len, 60));
}

static void check(tfl_ctx *ctx)
{
    const tfl_doc *doc = ctx->doc;
    tfl_stages t;
    bool *wd_set; /* per stage: a WORKDIR in it or an ancestor */
    size_t s, i;

    if (tfl_stages_get(ctx, &t) != 0 || t.n == 0)
        return;
    wd_set = tfl_arena_alloc(ctx->arena, t.n * sizeof *wd_set);
    if (!wd_set) {
        ctx->oom = true;
        return;
    }
    for (s = 0; s < t.n; s++) {
        bool wd = t.v[s].parent >= 0 && wd_set[t.v[s].parent];

        for (i = t.v[s].first; i < t.v[s].end && !wd; i++) {
            if (doc->instrs[i].kind != TFL_WORKDIR)
                continue;
            one(ctx, t.v, (long)s, i);
            wd = true;
        }
        wd_set[s] = wd;
    }
}

static const char *const aliases[] = {"DL3000", "WorkdirRelativePath", NULL};
static const char *const tags[] = {"dockerfile", "reliability", NULL};

const tfl_rule tfl_rule_workdir_relative = {
    .id = "TF109",
    .name = "workdir-relative",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "The first WORKDIR of a stage is a relative path",
    .rationale =
        "A relative WORKDIR is joined to the working directory the image "
        "already has. For the first WORKDIR of a stage that is the base "
        "image's, which the image's maintainers may change in any release, "
        "moving your files with it. Give the first WORKDIR of each stage "
        "an absolute path; later ones may then be relative to it.",
    .bad = "FROM alpine:3.20\nWORKDIR app\n",
    .good = "FROM alpine:3.20\nWORKDIR /app\n",
    .tags = tags,
    .check = check,
};
