/*
 * Helpers for the rules that read the account simulation (ops.h): how to
 * name a stage's base image and where an account comes from, in messages.
 * Nothing here reports.
 */
#include <string.h>

#include "rules.h"
#include "tflint/ops.h"

const char *tfl_stage_image(tfl_ctx *ctx, int stage)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_model_stage *root;
    const char *img;

    if (!m || stage < 0 || (size_t)stage >= m->nstages)
        return "'?'";
    root = tfl_model_root(m, (size_t)stage);
    img = root->image_expanded ? root->image_expanded
          : root->image        ? root->image->text
                               : "?";
    return tfl_arena_printf(ctx->arena, "'%s'",
                            tfl_clip(ctx, img, strlen(img), 60));
}

const char *tfl_account_where(tfl_ctx *ctx, const tfl_account *a, int stage)
{
    const char *s;

    if (!a->op)
        s = tfl_arena_printf(ctx->arena, "in the base image %s",
                             tfl_stage_image(ctx, stage));
    else
        s = tfl_arena_printf(
            ctx->arena, "(created on line %u)",
            tfl_source_line_of(ctx->src, a->op->cmd_span.start));
    return s ? s : "";
}

const char *tfl_value_quoted(tfl_ctx *ctx, const tfl_value *v)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const char *t = v->text ? v->text : v->raw;
    size_t n = v->text ? strlen(v->text) : v->raw_len;
    const char *s;

    s = tfl_arena_printf(
        ctx->arena,
        v->text && strspn(t, "0123456789") == n && n ? "%s%s" : "'%s'%s",
        tfl_clip(ctx, t, n, 60), m ? tfl_value_origin(ctx->arena, m, v) : "");
    return s ? s : "";
}
