/*
 * TF100 parse-error: what the builder rejects. The parser and the
 * instruction checks record each problem with its span; this rule turns
 * them into findings so a broken file still gets a full report.
 */
#include "rules.h"

static void check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->nerrors; i++)
        tfl_report(ctx, ctx->doc->errors[i].span, "%s",
                   ctx->doc->errors[i].message);
}

static const char *const aliases[] = {"DL1000", NULL};
static const char *const tags[] = {"dockerfile", "correctness", NULL};

const tfl_rule tfl_rule_parse_error = {
    .id = "TF100",
    .name = "parse-error",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "The builder would reject this Dockerfile",
    .rationale =
        "docker build stops at the first instruction it cannot parse or "
        "validate: an unknown instruction, a wrong number of arguments, an "
        "unknown or malformed flag, an unterminated heredoc, a repeated "
        "parser directive, an instruction before the first FROM. tflint "
        "reports each such problem where it is, in the builder's words, "
        "and goes on checking the rest of the file.",
    .bad = "FROM alpine:3.20\nCOPY --chwon=app:app . /app\n",
    .good = "FROM alpine:3.20\nCOPY --chown=app:app . /app\n",
    .tags = tags,
    .check = check,
};
