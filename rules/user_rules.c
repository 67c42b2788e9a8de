/*
 * Shared helpers of the user and ownership rules. The built stage follows
 * the builder's `--target` lookup (stage names compare without regard to
 * case); "the image" the rules judge is that stage together with the
 * stages it is built FROM, because only their instructions leave files
 * and a USER in it. Paths are compared after the kernel's own
 * normalisation of slashes and "." components; ".." is left alone, since
 * a symbolic link under it could point anywhere.
 */
#include "user_rules.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules.h"

long tfl_built_stage(const tfl_ctx *ctx, const tfl_model *m)
{
    const char *target = ctx->config ? ctx->config->target : NULL;
    size_t i;

    if (!m || m->nstages == 0)
        return -1;
    for (i = m->nstages; target && i-- > 0;)
        if (m->stages[i].name && strcasecmp(m->stages[i].name, target) == 0)
            return (long)i;
    return (long)m->final_stage;
}

bool tfl_stage_in_chain(const tfl_model *m, long s, long a)
{
    /* A parent always comes earlier, so the walk ends. */
    while (s >= 0 && (size_t)s < m->nstages) {
        if (s == a)
            return true;
        if (m->stages[s].parent >= s)
            return false;
        s = m->stages[s].parent;
    }
    return false;
}

const tfl_user_op *tfl_user_before(const tfl_ops *ops, const tfl_model *m,
                                   size_t instr)
{
    int s = tfl_model_stage_of(m, instr);
    long root;
    size_t lo = 0, hi = ops->nusers;

    if (s < 0)
        return NULL;
    root = (long)(tfl_model_root(m, (size_t)s) - m->stages);
    /* USER ops are in document order: start at the last one before
     * `instr`, and stop below the chain's root, the lowest stage in it. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ops->users[mid].instr < instr)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo-- > 0) {
        const tfl_user_op *u = &ops->users[lo];

        if (u->stage < root)
            break;
        if (tfl_stage_in_chain(m, s, u->stage))
            return u;
    }
    return NULL;
}

bool tfl_is_root_id(const char *s)
{
    if (!s || !*s)
        return false;
    if (strcmp(s, "root") == 0)
        return true;
    for (; *s; s++)
        if (*s != '0')
            return false;
    return true;
}

bool tfl_is_number(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

const char *tfl_value_source(tfl_ctx *ctx, const tfl_model *m,
                             const tfl_value *v)
{
    const tfl_binding *b = v->binding;
    char buf[200];

    if (v->from_shell)
        return " (set earlier in this RUN)";
    if (!b)
        return "";
    if (v->from_build_arg)
        snprintf(buf, sizeof buf, " (--build-arg %s)", b->name);
    else if (b->origin == TFL_ORIGIN_ENV)
        snprintf(buf, sizeof buf, " (ENV %s, line %u)", b->name,
                 (unsigned)tfl_binding_line(m, b));
    else if (b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG)
        snprintf(buf, sizeof buf, " (default of %s %s, line %u)",
                 tfl_origin_name(b->origin), b->name,
                 (unsigned)tfl_binding_line(m, b));
    else
        snprintf(buf, sizeof buf, " (%s %s)", tfl_origin_name(b->origin),
                 b->name);
    return tfl_clip(ctx, buf, strlen(buf), sizeof buf);
}

const char *tfl_value_show(tfl_ctx *ctx, const tfl_value *v)
{
    if (v->text)
        return tfl_clip(ctx, v->text, strlen(v->text), 60);
    if (v->raw)
        return tfl_clip(ctx, v->raw, v->raw_len, 60);
    return "";
}

bool tfl_path_clean(const char *path, char *out, size_t cap)
{
    size_t n = 0;
    const char *p = path;

    if (!path || path[0] != '/' || cap < 2)
        return false;
    while (*p) {
        size_t len;

        while (*p == '/')
            p++;
        len = strcspn(p, "/");
        if (len == 0 || (len == 1 && p[0] == '.')) {
            p += len;
            continue;
        }
        if (n + 1 + len + 1 > cap)
            return false;
        out[n++] = '/';
        memcpy(out + n, p, len);
        n += len;
        p += len;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return true;
}

bool tfl_path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (strcmp(dir, "/") == 0)
        return path[0] == '/';
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static unsigned octal_grants(const char *mode)
{
    unsigned long v = 0;
    const char *p;

    for (p = mode; *p; p++) {
        if (*p < '0' || *p > '7' || v > 07777)
            return 0;
        v = v * 8 + (unsigned long)(*p - '0');
    }
    return (v & 020 ? TFL_MODE_GROUP_W : 0) | (v & 02 ? TFL_MODE_OTHER_W : 0) |
           (v & 01000 ? TFL_MODE_STICKY : 0);
}

/* One clause "[ugoa]*([-+=][rwxXst]*|[-+=][ugo])+"; 0 when malformed. */
static unsigned clause_grants(const char *p, const char *end, bool *bad)
{
    bool g = false, o = false, any = false;
    unsigned out = 0;

    for (; p < end && strchr("ugoa", *p); p++) {
        any = true;
        g = g || *p == 'g' || *p == 'a';
        o = o || *p == 'o' || *p == 'a';
    }
    if (p == end)
        *bad = true;
    while (p < end) {
        char op = *p++;
        bool w = false, t = false;

        if (op != '+' && op != '-' && op != '=') {
            *bad = true;
            return 0;
        }
        for (; p < end && strchr("rwxXstugo", *p); p++) {
            w = w || *p == 'w';
            t = t || *p == 't';
        }
        if (op == '-')
            continue;
        /* Without who letters the umask (0022) keeps group and others. */
        if (w && any && g)
            out |= TFL_MODE_GROUP_W;
        if (w && any && o)
            out |= TFL_MODE_OTHER_W;
        if (t && (!any || o))
            out |= TFL_MODE_STICKY;
    }
    return out;
}

unsigned tfl_mode_grants(const char *mode)
{
    unsigned out = 0;
    bool bad = false;
    const char *p;

    if (!mode || !*mode)
        return 0;
    if (*mode >= '0' && *mode <= '7')
        return octal_grants(mode);
    for (p = mode; *p && !bad;) {
        const char *e = p + strcspn(p, ",");

        out |= clause_grants(p, e, &bad);
        p = *e ? e + 1 : e;
    }
    return bad ? 0 : out;
}
