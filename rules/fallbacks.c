/*
 * The shell scripts of a file's RUN instructions, for the rules that read
 * them (TF505, TF506): the shell-form text of each RUN, and the heredoc
 * bodies of a RUN that is nothing but heredocs (`RUN <<EOF`), which the
 * shell runs. A heredoc fed to another program (`RUN python3 <<EOF`) is
 * data and exec-form RUNs have no shell text. ONBUILD triggers are left
 * out: they run in another build. Only scripts that could hold a fallback
 * are split.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"
#include "tflint/shell.h"

/* Could `s` hold a fallback at all? Every form has `:-` or `:=`, or a test
 * `-z` / `-n` standing as a word of its own; splitting only such scripts
 * keeps the cost (the splitter's memory per script) off the many RUNs that
 * have none, `--no-install-recommends` included. */
static bool may_have_fallback(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i++) {
        if (s[i] == ':' && (s[i + 1] == '-' || s[i + 1] == '='))
            return true;
        if (s[i] == '-' && (s[i + 1] == 'z' || s[i + 1] == 'n') &&
            (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t') &&
            (i + 2 == len || s[i + 2] == ' ' || s[i + 2] == '\t'))
            return true;
    }
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

static void split_run(tfl_ctx *ctx, size_t idx,
                      void (*fn)(tfl_ctx *, size_t, const tfl_sh_script *,
                                 void *),
                      void *data)
{
    const tfl_instr *in = &ctx->doc->instrs[idx];
    const tfl_word *w;
    tfl_sh_script s;
    tfl_textmap map;
    size_t i;

    if (in->json || in->nargs == 0)
        return;
    w = &in->args[0];
    if (w->off > in->line_len || w->raw_len > in->line_len - w->off)
        return;
    if (in->nheredocs && only_heredocs(in->line + w->off, w->raw_len)) {
        for (i = 0; i < in->nheredocs; i++) {
            const tfl_heredoc *h = &in->heredocs[i];
            tfl_piece one = {0, h->body_span.start, (uint32_t)h->body_len};
            tfl_textmap hm = {&one, 1};

            if (!may_have_fallback(h->body, h->body_len))
                continue;
            if (tfl_shell_split(ctx->arena, h->body, h->body_len, &hm, &s) !=
                0) {
                ctx->oom = true;
                return;
            }
            fn(ctx, idx, &s, data);
        }
        return;
    }
    if (!may_have_fallback(in->line + w->off, w->raw_len))
        return;
    if (tfl_textmap_sub(ctx->arena, &in->map, w->off, w->raw_len, &map) != 0 ||
        tfl_shell_split(ctx->arena, in->line + w->off, w->raw_len, &map, &s) !=
            0) {
        ctx->oom = true;
        return;
    }
    fn(ctx, idx, &s, data);
}

/* Call `fn` for every script of the file's RUNs that may hold a
 * fallback, split with positions in the source. */
static void run_scripts(tfl_ctx *ctx,
                        void (*fn)(tfl_ctx *ctx, size_t instr,
                                   const tfl_sh_script *s, void *data),
                        void *data)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs && !ctx->oom; i++)
        if (ctx->doc->instrs[i].kind == TFL_RUN)
            split_run(ctx, i, fn, data);
}

tfl_span tfl_fallback_span(const tfl_sh_fallback *f)
{
    return f->value->span.end > f->value->span.start ? f->value->span : f->span;
}

static bool is_arg(const tfl_binding *b)
{
    return b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG;
}

/* Collect the ARG fallbacks of one script into ctx->arg_fallbacks. */
static void script_fallbacks(tfl_ctx *ctx, size_t instr, const tfl_sh_script *s,
                             void *data)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t *cap = data;
    tfl_sh_fallback *fb;
    size_t n, i;

    if (!m || tfl_sh_fallbacks(ctx->arena, s, &fb, &n) != 0) {
        ctx->oom = true;
        return;
    }
    for (i = 0; i < n; i++) {
        const tfl_binding *b =
            tfl_model_lookup(m, instr, fb[i].name, strlen(fb[i].name));
        tfl_arg_fallback *a;

        if (!b || !is_arg(b) || !b->value || !b->value[0] ||
            !fb[i].value->value || b->instr == SIZE_MAX)
            continue;
        if (!b->raw_default && b->inherits)
            b = b->inherits; /* the global ARG that holds the default */
        a = tfl_arena_push(ctx->arena, (void **)&ctx->arg_fallbacks,
                           &ctx->narg_fallbacks, cap, sizeof *a);
        if (!a) {
            ctx->oom = true;
            return;
        }
        a->instr = instr;
        a->f = &fb[i];
        a->b = b;
    }
}

void tfl_arg_fallbacks(tfl_ctx *ctx, void (*fn)(tfl_ctx *ctx, size_t instr,
                                                const tfl_sh_fallback *f,
                                                const tfl_binding *b))
{
    size_t i, cap = 0;

    /* Split once per file, whichever of the rules asks first. */
    if (!ctx->arg_fallbacks_done) {
        ctx->arg_fallbacks_done = true;
        run_scripts(ctx, script_fallbacks, &cap);
    }
    for (i = 0; i < ctx->narg_fallbacks && !ctx->oom; i++)
        fn(ctx, ctx->arg_fallbacks[i].instr, ctx->arg_fallbacks[i].f,
           ctx->arg_fallbacks[i].b);
}
