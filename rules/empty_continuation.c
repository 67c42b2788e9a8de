/*
 * TF102 empty-continuation: a blank line inside a continued instruction.
 * The builder skips it today and warns that it will become an error; most
 * often it is a forgotten line of a RUN whose author meant to end the
 * instruction there.
 */
#include "rules.h"

static void one(tfl_ctx *ctx, const tfl_instr *in, const char *where)
{
    tfl_pos p;

    if (!in->empty_continuation)
        return;
    p = tfl_source_pos(ctx->src, in->span.start);
    tfl_report(ctx, tfl_instr_empty_line(ctx->doc, in),
               "empty line inside the %s%s that starts on line %u: the "
               "builder skips it for now but plans to reject it; delete "
               "the line, or end the instruction before it",
               tfl_kind_name(in->kind), where, (unsigned)p.line);
}

static void check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs; i++) {
        const tfl_instr *in = &ctx->doc->instrs[i];

        if (in->empty_continuation)
            one(ctx, in, "");
        else if (tfl_instr_trigger(ctx->doc, in))
            one(ctx, tfl_instr_trigger(ctx->doc, in), " of ONBUILD");
    }
}

static const char *const aliases[] = {"NoEmptyContinuation", NULL};
static const char *const tags[] = {"dockerfile", "maintainability", NULL};

const tfl_rule tfl_rule_empty_continuation = {
    .id = "TF102",
    .name = "empty-continuation",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "Empty line inside a continued instruction",
    .rationale =
        "A line ending in the escape character continues on the next one. "
        "When the next line is empty the builder skips it and keeps "
        "reading, so an instruction the author thought had ended swallows "
        "the lines that follow. BuildKit already warns about this and "
        "announces that a later version will refuse such files. Remove "
        "the empty line, or drop the trailing escape character before it.",
    .bad = "FROM alpine:3.20\nRUN apk add --no-cache curl \\\n\n"
           "    git\n",
    .good = "FROM alpine:3.20\nRUN apk add --no-cache curl \\\n"
            "    git\n",
    .tags = tags,
    .check = check,
};
