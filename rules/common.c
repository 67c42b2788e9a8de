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

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (uint32_t)tolower((unsigned char)*s)) * 16777619u;
    return h;
}

/* The slot for `name`: the one holding it, or the empty one where it
 * belongs. */
static uint32_t *slot_of(const tfl_stages *t, const char *name)
{
    size_t i = name_hash(name) & t->mask;

    while (t->slots[i] &&
           strcasecmp(t->v[t->slots[i] - 1].name->text, name) != 0)
        i = (i + 1) & t->mask;
    return &t->slots[i];
}

long tfl_stages_find(const tfl_stages *t, const char *name)
{
    uint32_t *slot;

    if (!t->slots || !t->nnamed)
        return -1; /* most files: no name to hash the reference for */
    slot = slot_of(t, name);
    return *slot ? (long)*slot - 1 : -1;
}

static void add_stage(tfl_stages *t, const tfl_instr *in, size_t i)
{
    tfl_stage *st = &t->v[t->n];
    uint32_t *slot;

    st->from = in;
    st->first = i;
    st->end = i + 1;
    st->name = tfl_from_name(in);
    st->parent = in->nargs ? tfl_stages_find(t, in->args[0].text) : -1;
    st->first_named = -1;
    if (st->name) {
        slot = slot_of(t, st->name->text);
        st->first_named = *slot ? t->v[*slot - 1].first_named : (long)t->n;
        *slot = (uint32_t)t->n + 1;
        t->nnamed++;
    }
    t->n++;
}

static int stages_build(tfl_ctx *ctx, tfl_stages *out)
{
    const tfl_doc *doc = ctx->doc;
    size_t i, count = 0, nslots = 8;

    memset(out, 0, sizeof *out);
    for (i = 0; i < doc->ninstrs; i++)
        if (doc->instrs[i].kind == TFL_FROM)
            count++;
    if (count == 0)
        return 0;
    if (count >= UINT32_MAX / 4) {
        ctx->oom = true;
        return -1;
    }
    while (nslots < 2 * count)
        nslots *= 2;
    out->v = tfl_arena_alloc(ctx->arena, count * sizeof *out->v);
    out->slots = tfl_arena_alloc(ctx->arena, nslots * sizeof *out->slots);
    if (!out->v || !out->slots) {
        ctx->oom = true;
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->mask = nslots - 1;

    for (i = 0; i < doc->ninstrs; i++) {
        if (doc->instrs[i].kind == TFL_FROM)
            add_stage(out, &doc->instrs[i], i);
        else if (out->n)
            out->v[out->n - 1].end = i + 1;
    }
    return 0;
}

int tfl_stages_get(tfl_ctx *ctx, tfl_stages *out)
{
    tfl_stages *keep;

    if (ctx->stages) {
        *out = *ctx->stages;
        return 0;
    }
    /* Several rules walk the stages of every file: build them once. */
    if (stages_build(ctx, out) != 0)
        return -1;
    keep = tfl_arena_alloc(ctx->arena, sizeof *keep);
    if (!keep) {
        ctx->oom = true;
        memset(out, 0, sizeof *out);
        return -1;
    }
    *keep = *out;
    ctx->stages = keep;
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

/* Bytes of `s` that a clip to `max` keeps: a UTF-8 sequence is not cut. */
static size_t clip_len(const char *s, size_t len, size_t max)
{
    size_t n = len;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

const char *tfl_clip(tfl_ctx *ctx, const char *s, size_t len, size_t max)
{
    char *out = tfl_arena_alloc_raw(ctx->arena, clip_len(s, len, max) + 4);

    if (!out) {
        ctx->oom = true;
        return "";
    }
    return tfl_clip_into(out, s, len, max);
}

const char *tfl_clip_into(char *out, const char *s, size_t len, size_t max)
{
    size_t i, n = clip_len(s, len, max);

    for (i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    if (n < len)
        memcpy(out + n, "...", 4);
    else
        out[n] = '\0';
    return out;
}

/* ASCII letters only, as isupper()/islower() in the C locale the tool
 * runs in, without a call per byte. */
bool tfl_is_lower(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)(s[i] - 'A') < 26)
            return false;
    return true;
}

bool tfl_is_upper(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if ((unsigned char)(s[i] - 'a') < 26)
            return false;
    return true;
}
