/*
 * Helpers shared by the rules: the stage table several rules walk (to
 * follow `FROM <stage>` to its parent), translation from source offsets
 * back into an instruction's joined text, and shortened values for
 * messages. Nothing here reports; the rules decide what to say.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules.h"

const tfl_word *tfl_from_name(const tfl_instr *in)
{
    if (in->kind != TFL_FROM || in->nargs != 3 ||
        strcasecmp(in->args[1].text, "as") != 0)
        return NULL;
    return &in->args[2];
}

/* The latest stage before `n` called `name`, ignoring case, or -1. */
static long find_stage(const tfl_stage *st, size_t n, const char *name)
{
    while (n-- > 0)
        if (st[n].name && strcasecmp(st[n].name->text, name) == 0)
            return (long)n;
    return -1;
}

int tfl_stages(tfl_ctx *ctx, tfl_stage **out, size_t *n)
{
    const tfl_doc *doc = ctx->doc;
    tfl_stage *st;
    size_t i, count = 0;

    *out = NULL;
    *n = 0;
    for (i = 0; i < doc->ninstrs; i++)
        if (doc->instrs[i].kind == TFL_FROM)
            count++;
    if (count == 0)
        return 0;
    st = tfl_arena_alloc(ctx->arena, count * sizeof *st);
    if (!st) {
        ctx->oom = true;
        return -1;
    }

    count = 0;
    for (i = 0; i < doc->ninstrs; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind != TFL_FROM) {
            if (count)
                st[count - 1].end = i + 1;
            continue;
        }
        st[count].from = in;
        st[count].first = i;
        st[count].end = i + 1;
        st[count].name = tfl_from_name(in);
        st[count].parent =
            in->nargs ? find_stage(st, count, in->args[0].text) : -1;
        count++;
    }
    *out = st;
    *n = count;
    return 0;
}

uint32_t tfl_line_offset(const tfl_instr *in, uint32_t src_off)
{
    size_t i;

    for (i = 0; i < in->map.npieces; i++) {
        const tfl_piece *p = &in->map.pieces[i];

        if (src_off >= p->src_off && src_off < p->src_off + p->len)
            return p->text_off + (src_off - p->src_off);
    }
    return UINT32_MAX;
}

const char *tfl_clip(tfl_ctx *ctx, const char *s, size_t len, size_t max)
{
    char *out;
    size_t i, n = len;

    if (n > max) {
        n = max;
        /* Do not cut a UTF-8 sequence. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    out = tfl_arena_alloc(ctx->arena, n + 4);
    if (!out) {
        ctx->oom = true;
        return "";
    }
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    if (n < len)
        memcpy(out + n, "...", 4);
    else
        out[n] = '\0';
    return out;
}

bool tfl_is_lower(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (isupper((unsigned char)s[i]))
            return false;
    return true;
}

bool tfl_is_upper(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (islower((unsigned char)s[i]))
            return false;
    return true;
}
