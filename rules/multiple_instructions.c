/*
 * TF108 multiple-instructions: an image has one CMD, one ENTRYPOINT and
 * one HEALTHCHECK; within a stage each later one replaces the earlier.
 * The finding goes to the instruction that has no effect, with the one
 * that replaces it as related place. Stages are separate images, so a CMD
 * in one stage does not override a CMD in another.
 */
#include "rules.h"

static void one(tfl_ctx *ctx, const tfl_instr *in, const tfl_instr *later)
{
    const char *kw = tfl_kind_name(in->kind);
    tfl_pos p = tfl_source_pos(ctx->src, later->span.start);
    tfl_finding *f;

    f = tfl_report(ctx, tfl_instr_keyword_span(ctx->doc, in),
                   "this %s has no effect: the %s on line %u replaces it "
                   "in the same stage; remove one of them",
                   kw, kw, (unsigned)p.line);
    if (f)
        tfl_finding_related(ctx, f, tfl_instr_keyword_span(ctx->doc, later),
                            "the instruction that takes effect");
}

static void check(tfl_ctx *ctx)
{
    const tfl_doc *doc = ctx->doc;
    tfl_stages t;
    tfl_stage *st;
    size_t n, s, i, k;

    if (tfl_stages_get(ctx, &t) != 0)
        return;
    st = t.v;
    n = t.n;
    for (s = 0; s < n; s++) {
        for (i = st[s].first; i < st[s].end; i++) {
            const tfl_instr *in = &doc->instrs[i];

            if (in->kind != TFL_CMD && in->kind != TFL_ENTRYPOINT &&
                in->kind != TFL_HEALTHCHECK)
                continue;
            for (k = i + 1; k < st[s].end; k++)
                if (doc->instrs[k].kind == in->kind)
                    break;
            if (k < st[s].end)
                one(ctx, in, &doc->instrs[k]);
        }
    }
}

static const char *const aliases[] = {"DL4003", "DL4004", "DL3012",
                                      "MultipleInstructionsDisallowed", NULL};
static const char *const tags[] = {"dockerfile", "correctness", NULL};

const tfl_rule tfl_rule_multiple_instructions = {
    .id = "TF108",
    .name = "multiple-instructions",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "Second CMD, ENTRYPOINT or HEALTHCHECK in a stage",
    .rationale =
        "An image keeps one CMD, one ENTRYPOINT and one HEALTHCHECK. When "
        "a stage sets one of them twice, only the last counts and the "
        "earlier one is dead text that misleads the reader, often a "
        "leftover from an edit. Keep the one you mean and delete the "
        "other; to run several commands, combine them in one.",
    .bad = "FROM alpine:3.20\nCMD [\"sh\"]\nCMD [\"whoami\"]\n",
    .good = "FROM alpine:3.20\nCMD [\"whoami\"]\n",
    .tags = tags,
    .check = check,
};
