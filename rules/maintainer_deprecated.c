/*
 * TF106 maintainer-deprecated: MAINTAINER is kept by the builder only for
 * old files. The author belongs in a label, where tools look for it.
 */
#include <string.h>

#include "rules.h"

static void one(tfl_ctx *ctx, const tfl_instr *in)
{
    const tfl_word *w = in->nargs ? &in->args[0] : NULL;
    const char *who = w ? tfl_clip(ctx, w->text, w->len, 60) : "";

    /* Spell the label out when the value can stand between double quotes
     * as it is. */
    if (w && w->len && w->len <= 60 && !strpbrk(w->text, "\"\\$`"))
        tfl_report(ctx, tfl_instr_keyword_span(ctx->doc, in),
                   "MAINTAINER '%s' is deprecated: write LABEL "
                   "org.opencontainers.image.authors=\"%s\" instead",
                   who, who);
    else
        tfl_report(ctx, tfl_instr_keyword_span(ctx->doc, in),
                   "MAINTAINER '%s' is deprecated: record the author with "
                   "LABEL org.opencontainers.image.authors=\"...\" instead",
                   who);
}

static void check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs; i++)
        if (ctx->doc->instrs[i].kind == TFL_MAINTAINER)
            one(ctx, &ctx->doc->instrs[i]);
}

static const char *const aliases[] = {"DL4000", "MaintainerDeprecated", NULL};
static const char *const tags[] = {"dockerfile", "maintainability", NULL};

const tfl_rule tfl_rule_maintainer_deprecated = {
    .id = "TF106",
    .name = "maintainer-deprecated",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "MAINTAINER is deprecated",
    .rationale =
        "MAINTAINER sets a field of the image configuration that Docker "
        "has deprecated and that registries and scanners no longer read. "
        "Put the author in the standard label instead: "
        "LABEL org.opencontainers.image.authors=\"Name <mail>\".",
    .bad = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n",
    .good = "FROM alpine:3.20\nLABEL org.opencontainers.image.authors="
            "\"Jane Doe <jane@example.com>\"\n",
    .tags = tags,
    .check = check,
};
