/*
 * The shell scripts of a file's RUN instructions, for the rules that read
 * them (TF505, TF506): the shell-form text of each RUN, and the heredoc
 * bodies of a RUN that is nothing but heredocs (`RUN <<EOF`), which the
 * shell runs. A heredoc fed to another program (`RUN python3 <<EOF`) is
 * data and exec-form RUNs have no shell text. ONBUILD triggers are left
 * out: they run in another build. Only scripts that could hold a fallback
 * are read.
 *
 * The ops (ops.h) split most RUNs of a stage already and keep the
 * fallbacks with a literal value of each script, so those are taken from
 * there; a RUN is split here only when the ops left out a script read
 * here (a RUN outside every stage, one that names nothing the ops read, a
 * heredoc the ops took for data), and only when its scope has an ARG with
 * a non-empty default by then, as a fallback counts only for such an ARG.
 * Those splits go to a scratch arena; the fallbacks kept are copied out.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "tflint/model.h"
#include "tflint/ops.h"
#include "tflint/shell.h"

/* Could `s` hold a fallback at all? Every form has `:-` or `:=`, or a test
 * `-z` / `-n` standing as a word of its own; splitting only such scripts
 * keeps the cost (the splitter's memory per script) off the many RUNs that
 * have none, `--no-install-recommends` included. */
static bool may_have_fallback(const char *s, size_t len)
{
    const char *p, *e = s + len;

    /* memchr skips the long runs between candidates cheaply. */
    for (p = s; (p = memchr(p, ':', (size_t)(e - p))) && p + 1 < e; p++)
        if (p[1] == '-' || p[1] == '=')
            return true;
    for (p = s; (p = memchr(p, '-', (size_t)(e - p))) && p + 1 < e; p++)
        if ((p[1] == 'z' || p[1] == 'n') &&
            (p == s || p[-1] == ' ' || p[-1] == '\t') &&
            (p + 2 == e || p[2] == ' ' || p[2] == '\t'))
            return true;
    return false;
}

/* Is the shell text only heredoc markers (`<<EOF`, `<<-"X" <<Y`)? */
static bool only_heredocs(const char *s, size_t len)
{
    size_t i = 0;
    bool any = false;

    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
            i++;
        if (i == len)
            break;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i + 1 >= len || s[i] != '<' || s[i + 1] != '<')
            return false;
        any = true;
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            i++;
    }
    return any;
}

/* The texts of RUN `in` that may hold a fallback, as the shell runs them:
 * its shell-form text, or, when that is nothing but heredoc markers, the
 * bodies of its heredocs. `fn` gets each text with the script it stands
 * for (TFL_OPS_SCRIPT_LINE or the heredoc's index). */
static void run_texts(tfl_ctx *ctx, size_t idx,
                      void (*fn)(tfl_ctx *, size_t, int, const char *, size_t,
                                 void *),
                      void *data)
{
    const tfl_instr *in = &ctx->doc->instrs[idx];
    const tfl_word *w;
    size_t i;

    if (in->json || in->nargs == 0)
        return;
    w = &in->args[0];
    if (w->off > in->line_len || w->raw_len > in->line_len - w->off)
        return;
    if (in->nheredocs && only_heredocs(in->line + w->off, w->raw_len)) {
        for (i = 0; i < in->nheredocs && !ctx->oom; i++)
            if (may_have_fallback(in->heredocs[i].body,
                                  in->heredocs[i].body_len))
                fn(ctx, idx, (int)i, in->heredocs[i].body,
                   in->heredocs[i].body_len, data);
        return;
    }
    if (may_have_fallback(in->line + w->off, w->raw_len))
        fn(ctx, idx, TFL_OPS_SCRIPT_LINE, in->line + w->off, w->raw_len, data);
}

/* Does RUN `idx` need a script the ops did not split? */
static void needs_split(tfl_ctx *ctx, size_t idx, int script, const char *text,
                        size_t len, void *data)
{
    (void)ctx;
    (void)idx;
    (void)text;
    (void)len;
    if (script != TFL_OPS_SCRIPT_LINE)
        *(bool *)data = true;
}

tfl_span tfl_fallback_span(const tfl_sh_fallback *f)
{
    return f->value->span.end > f->value->span.start ? f->value->span : f->span;
}

static bool is_arg(const tfl_binding *b)
{
    return b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG;
}

/* Is binding `b` one a fallback can give another value source: an ARG of
 * the file with a non-empty default? */
static bool wants(const tfl_binding *b)
{
    return b && is_arg(b) && b->value && b->value[0] && b->instr != SIZE_MAX;
}

/* The ARG fallback `f` of RUN `instr` gives another value source, with the
 * ARG that holds its default; NULL when it gives none. */
static const tfl_binding *gives(const tfl_model *m, size_t instr,
                                const tfl_sh_fallback *f)
{
    const tfl_binding *b = tfl_model_lookup(m, instr, f->name, strlen(f->name));

    if (!wants(b) || !f->value->value)
        return NULL;
    if (!b->raw_default && b->inherits)
        b = b->inherits; /* the global ARG that holds the default */
    return b;
}

static void keep(tfl_ctx *ctx, size_t instr, const tfl_sh_fallback *f,
                 const tfl_binding *b, size_t *cap)
{
    tfl_arg_fallback *a =
        tfl_arena_push(ctx->arena, (void **)&ctx->arg_fallbacks,
                       &ctx->narg_fallbacks, cap, sizeof *a);

    if (!a) {
        ctx->oom = true;
        return;
    }
    a->instr = instr;
    a->f = f;
    a->b = b;
}

/* Keep fallback `f` of RUN `instr` when it gives an ARG with a non-empty
 * default another value source. */
static void consider(tfl_ctx *ctx, const tfl_model *m, size_t instr,
                     const tfl_sh_fallback *f, size_t *cap)
{
    const tfl_binding *b = gives(m, instr, f);

    if (b)
        keep(ctx, instr, f, b, cap);
}

/* A copy of `f` in `a` with what the rules read of it: name, span and the
 * value's text and span. NULL when memory runs out. */
static const tfl_sh_fallback *copy_fallback(tfl_arena *a,
                                            const tfl_sh_fallback *f)
{
    tfl_sh_fallback *c = tfl_arena_alloc(a, sizeof *c);
    tfl_sh_word *w = tfl_arena_alloc(a, sizeof *w);
    const tfl_sh_word *v = f->value;

    if (!c || !w)
        return NULL;
    *c = *f;
    w->raw = tfl_arena_strndup(a, v->raw ? v->raw : "", v->raw_len);
    w->raw_len = v->raw_len;
    w->span = v->span;
    w->value = tfl_arena_strndup(a, v->value, v->len);
    w->len = v->len;
    w->flags = v->flags;
    c->value = w;
    c->name = tfl_arena_strndup(a, f->name, strlen(f->name));
    return w->raw && w->value && c->name ? c : NULL;
}

/* The splits of this pass are dropped once they hold this much. */
#define SCRATCH_MAX ((size_t)256 << 10)

typedef struct pass {
    const tfl_model *m;
    const tfl_ops *ops;
    size_t next; /* first of ops->fallbacks not yet passed */
    size_t cap;
    tfl_arena scratch; /* the splits made here */
    /* Per scope (index scope + 1): the first instruction that sees an ARG
     * with a non-empty default; SIZE_MAX when none does. */
    size_t *arg_from;
} pass;

/*
 * Fill p->arg_from. A scope sees its own ARGs after their instruction and
 * all of its parent stage's (FROM <stage> inherits the environment); a
 * global ARG only through a re-declaration, which is a binding of the
 * stage itself.
 */
static int arg_scopes(pass *p)
{
    const tfl_model *m = p->m;
    size_t i;

    p->arg_from = malloc((m->nstages + 1) * sizeof *p->arg_from);
    if (!p->arg_from)
        return -1;
    for (i = 0; i <= m->nstages; i++)
        p->arg_from[i] = SIZE_MAX;
    for (i = 0; i < m->nbindings; i++) {
        const tfl_binding *b = &m->bindings[i];
        size_t k = (size_t)(b->stage + 1);

        if (wants(b) && k <= m->nstages && b->instr + 1 < p->arg_from[k])
            p->arg_from[k] = b->instr + 1;
    }
    for (i = 0; i < m->nstages; i++) {
        int par = m->stages[i].parent;

        if (par >= 0 && (size_t)par < i &&
            p->arg_from[par + 1] < p->arg_from[i + 1])
            p->arg_from[i + 1] = p->arg_from[par + 1];
    }
    return 0;
}

/* Split one text of a RUN the ops did not read and keep its fallbacks. */
static void split_text(tfl_ctx *ctx, size_t idx, int script, const char *text,
                       size_t len, void *data)
{
    const tfl_instr *in = &ctx->doc->instrs[idx];
    pass *p = data;
    tfl_sh_script s;
    tfl_textmap map;
    tfl_sh_fallback *fb;
    size_t n, i;

    if (script == TFL_OPS_SCRIPT_LINE) {
        const tfl_word *w = &in->args[0];

        if (tfl_textmap_sub(&p->scratch, &in->map, w->off, w->raw_len, &map) !=
            0)
            goto oom;
    } else {
        tfl_piece *one = tfl_arena_alloc(&p->scratch, sizeof *one);

        if (!one)
            goto oom;
        one->src_off = in->heredocs[script].body_span.start;
        one->len = (uint32_t)len;
        map.pieces = one;
        map.npieces = 1;
    }
    if (tfl_shell_split(&p->scratch, text, len, &map, &s) != 0 ||
        tfl_sh_fallbacks(&p->scratch, &s, &fb, &n) != 0)
        goto oom;
    for (i = 0; i < n && !ctx->oom; i++) {
        const tfl_binding *b = gives(p->m, idx, &fb[i]);
        const tfl_sh_fallback *c;

        if (!b)
            continue;
        if (!(c = copy_fallback(ctx->arena, &fb[i])))
            goto oom;
        keep(ctx, idx, c, b, &p->cap);
    }
    if (p->scratch.used > SCRATCH_MAX) {
        tfl_arena_free(&p->scratch);
        tfl_arena_init(&p->scratch);
    }
    return;
oom:
    ctx->oom = true;
}

/* Keep the fallbacks the ops found in one text of a RUN. */
static void ops_text(tfl_ctx *ctx, size_t idx, int script, const char *text,
                     size_t len, void *data)
{
    pass *p = data;
    size_t i;

    (void)text;
    (void)len;
    for (i = p->next; i < p->ops->nfallbacks && !ctx->oom; i++) {
        const tfl_ops_fallback *f = &p->ops->fallbacks[i];

        if (f->instr != idx)
            break;
        if (f->script == script)
            consider(ctx, p->m, idx, &f->f, &p->cap);
    }
}

/*
 * The fallbacks of RUN `idx`: those the ops kept when they split every
 * script this pass reads (the usual case, so a RUN is split once), else
 * from a split of our own.
 */
static void run_fallbacks(tfl_ctx *ctx, pass *p, size_t idx)
{
    unsigned char how = p->ops->run_split[idx];
    bool missing = false;

    while (p->next < p->ops->nfallbacks &&
           p->ops->fallbacks[p->next].instr < idx)
        p->next++;
    int scope = p->m->scope_of[idx];

    if (how == TFL_OPS_SPLIT_PARTIAL)
        run_texts(ctx, idx, needs_split, &missing);
    if ((how == TFL_OPS_SPLIT_NONE || missing) && scope >= TFL_SCOPE_GLOBAL &&
        (size_t)scope < p->m->nstages && p->arg_from[scope + 1] <= idx)
        run_texts(ctx, idx, split_text, p);
    else if (p->next < p->ops->nfallbacks &&
             p->ops->fallbacks[p->next].instr == idx)
        run_texts(ctx, idx, ops_text, p); /* else ops_text finds none */
}

void tfl_arg_fallbacks(tfl_ctx *ctx, void (*fn)(tfl_ctx *ctx, size_t instr,
                                                const tfl_sh_fallback *f,
                                                const tfl_binding *b))
{
    size_t i;

    /* Collected once per file, whichever of the rules asks first. */
    if (!ctx->arg_fallbacks_done) {
        pass p = {0};

        ctx->arg_fallbacks_done = true;
        p.m = tfl_ctx_model(ctx);
        p.ops = p.m ? tfl_ctx_ops(ctx) : NULL;
        if (!p.ops || arg_scopes(&p) != 0) {
            ctx->oom = true;
            return;
        }
        tfl_arena_init(&p.scratch);
        for (i = 0; i < ctx->doc->ninstrs && !ctx->oom; i++)
            if (ctx->doc->instrs[i].kind == TFL_RUN)
                run_fallbacks(ctx, &p, i);
        tfl_arena_free(&p.scratch);
        free(p.arg_from);
    }
    for (i = 0; i < ctx->narg_fallbacks && !ctx->oom; i++)
        fn(ctx, ctx->arg_fallbacks[i].instr, ctx->arg_fallbacks[i].f,
           ctx->arg_fallbacks[i].b);
}
