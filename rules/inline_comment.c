/*
 * TF101 inline-comment: `#` after the arguments is only a comment where a
 * shell reads the text (shell-form RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD).
 * Everywhere else the builder takes it, and every word after it, as more
 * arguments. The parser marks such instructions and drops the words from
 * the `#` on, so the other rules see what the author meant; this rule says
 * what the builder will do instead, which depends on the instruction.
 */
#include <string.h>

#include "rules.h"

#define MOVE "; put the comment on a line of its own"

typedef struct comment_text {
    const char *text; /* from the '#', trailing blanks removed */
    size_t len;
    size_t nwords;
    const char *last; /* last word */
    size_t last_len;
} comment_text;

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void split(comment_text *ct)
{
    size_t i = 0;

    ct->nwords = 0;
    ct->last = ct->text;
    ct->last_len = 0;
    while (i < ct->len) {
        size_t s;

        while (i < ct->len && blank(ct->text[i]))
            i++;
        if (i == ct->len)
            break;
        s = i;
        while (i < ct->len && !blank(ct->text[i]))
            i++;
        ct->nwords++;
        ct->last = ct->text + s;
        ct->last_len = i - s;
    }
}

/* The comment as it stands in the joined text (so continuation lines are
 * joined as the builder joins them), else as it stands in the source. */
static void comment_of(const tfl_ctx *ctx, const tfl_instr *in, tfl_span cm,
                       comment_text *ct)
{
    uint32_t off = tfl_line_offset(in, cm.start);

    if (off != UINT32_MAX && off < in->line_len) {
        ct->text = in->line + off;
        ct->len = in->line_len - off;
    } else {
        ct->text = ctx->src->data + cm.start;
        ct->len = cm.end - cm.start;
    }
    while (ct->len && blank(ct->text[ct->len - 1]))
        ct->len--;
    split(ct);
}

/* Offset in in->line where the arguments start: after keyword and flags
 * (and the HEALTHCHECK type word), blanks skipped. */
static size_t args_start(const tfl_doc *doc, const tfl_instr *in)
{
    tfl_word kw = tfl_instr_keyword(doc, in);
    size_t p = kw.off + kw.raw_len, i;

    for (i = 0; i < in->nflags; i++)
        if (in->flags[i].word.off + in->flags[i].word.raw_len > p)
            p = in->flags[i].word.off + in->flags[i].word.raw_len;
    if (in->kind == TFL_HEALTHCHECK && in->nargs)
        p = in->args[0].off + in->args[0].raw_len;
    while (p < in->line_len && blank(in->line[p]))
        p++;
    return p;
}

/* The joined text from offset `s` through the comment, for a message:
 * what the builder takes as one value (USER, WORKDIR, a legacy ENV). */
static const char *tail_from(tfl_ctx *ctx, const tfl_instr *in, size_t s,
                             const comment_text *ct)
{
    const char *end = ct->text + ct->len;

    if (ct->text < in->line || ct->text > in->line + in->line_len ||
        s >= (size_t)(ct->text - in->line))
        return tfl_clip(ctx, ct->text, ct->len, 60);
    return tfl_clip(ctx, in->line + s, (size_t)(end - (in->line + s)), 60);
}

static const char *whole_value(tfl_ctx *ctx, const tfl_instr *in,
                               const comment_text *ct)
{
    return tail_from(ctx, in, args_start(ctx->doc, in), ct);
}

/* Do all words of the comment contain '='? Then ENV/LABEL take them as
 * more pairs instead of failing. */
static bool all_pairs(const comment_text *ct)
{
    bool eq = false;
    size_t i;

    for (i = 0; i < ct->len; i++) {
        if (blank(ct->text[i]))
            continue;
        if (ct->text[i] == '=')
            eq = true;
        if (i + 1 == ct->len || blank(ct->text[i + 1])) {
            if (!eq)
                return false;
            eq = false;
        }
    }
    return true;
}

static void report_json(tfl_ctx *ctx, const tfl_instr *in, tfl_span cm,
                        const char *kw, const char *where)
{
    switch (in->kind) {
    case TFL_SHELL:
        tfl_report(ctx, cm,
                   "'#' starts no comment after %s%s: the arguments stop "
                   "being a JSON array and the build fails" MOVE,
                   kw, where);
        break;
    case TFL_COPY:
    case TFL_ADD:
    case TFL_VOLUME:
        tfl_report(ctx, cm,
                   "'#' starts no comment after %s%s: the arguments stop "
                   "being a JSON array, so the brackets, quotes and commas "
                   "become part of the paths" MOVE,
                   kw, where);
        break;
    default:
        tfl_report(ctx, cm,
                   "'#' starts no comment after %s%s: the arguments stop "
                   "being a JSON array, so the builder runs the whole text, "
                   "brackets and quotes included, with /bin/sh -c" MOVE,
                   kw, where);
        break;
    }
}

static void report_paths(tfl_ctx *ctx, const tfl_instr *in, tfl_span cm,
                         const char *kw, const char *where,
                         const comment_text *ct)
{
    const char *dest = "";

    if (ct->nwords == 1) {
        if (in->nargs)
            dest = tfl_clip(ctx, in->args[in->nargs - 1].text,
                            in->args[in->nargs - 1].len, 40);
        tfl_report(ctx, cm,
                   "'#' starts no comment after %s%s: it becomes the "
                   "destination and '%s' one more source" MOVE,
                   kw, where, dest);
        return;
    }
    dest = tfl_clip(ctx, ct->last, ct->last_len, 40);
    tfl_report(ctx, cm,
               "'#' starts no comment after %s%s: '#' becomes a source and "
               "'%s' the destination, so the build fails unless the context "
               "holds a file named '#'" MOVE,
               kw, where, dest);
}

static void report(tfl_ctx *ctx, const tfl_instr *in, tfl_span cm,
                   const char *where)
{
    const char *kw = tfl_kind_name(in->kind);
    size_t s = args_start(ctx->doc, in);
    comment_text ct;

    comment_of(ctx, in, cm, &ct);
    if (s < in->line_len && in->line[s] == '[' && in->line + s < ct.text) {
        report_json(ctx, in, cm, kw, where);
        return;
    }

    switch (in->kind) {
    case TFL_FROM:
        tfl_report(ctx, cm,
                   "'#' starts no comment after FROM%s: the builder counts "
                   "%zu arguments where it accepts 1, or 3 with AS, and the "
                   "build fails" MOVE,
                   where, in->nargs + ct.nwords);
        break;
    case TFL_ENV:
    case TFL_LABEL:
        if (in->npairs && in->legacy)
            tfl_report(
                ctx, cm,
                "'#' starts no comment after %s%s: the value of '%s' "
                "becomes '%s'" MOVE,
                kw, where,
                tfl_clip(ctx, in->pairs[0].key.text, in->pairs[0].key.len, 40),
                tail_from(ctx, in,
                          in->pairs[0].value.raw_len ? in->pairs[0].value.off
                                                     : (size_t)-1,
                          &ct));
        else if (all_pairs(&ct))
            tfl_report(ctx, cm,
                       "'#' starts no comment after %s%s: the builder sets "
                       "'%s' as well" MOVE,
                       kw, where, tfl_clip(ctx, ct.text, ct.len, 40));
        else
            tfl_report(ctx, cm,
                       "'#' starts no comment after %s%s: the builder finds "
                       "no '=' in '%s' and the build fails" MOVE,
                       kw, where, tfl_clip(ctx, ct.text, ct.len, 40));
        break;
    case TFL_USER:
        tfl_report(ctx, cm,
                   "'#' starts no comment after USER%s: the user becomes "
                   "'%s', which names no account, so later steps and the "
                   "container fail" MOVE,
                   where, whole_value(ctx, in, &ct));
        break;
    case TFL_WORKDIR:
        tfl_report(ctx, cm,
                   "'#' starts no comment after WORKDIR%s: the builder "
                   "creates and enters the directory '%s'" MOVE,
                   where, whole_value(ctx, in, &ct));
        break;
    case TFL_STOPSIGNAL:
        tfl_report(ctx, cm,
                   "'#' starts no comment after STOPSIGNAL%s: the signal "
                   "becomes '%s', which is no signal, and the build "
                   "fails" MOVE,
                   where, whole_value(ctx, in, &ct));
        break;
    case TFL_MAINTAINER:
        tfl_report(ctx, cm,
                   "'#' starts no comment after MAINTAINER%s: the author "
                   "recorded becomes '%s'" MOVE,
                   where, whole_value(ctx, in, &ct));
        break;
    case TFL_COPY:
    case TFL_ADD:
        report_paths(ctx, in, cm, kw, where, &ct);
        break;
    case TFL_ARG:
        tfl_report(ctx, cm,
                   "'#' starts no comment after ARG%s: the builder declares "
                   "%zu more build arguments, named by the words of '%s'" MOVE,
                   where, ct.nwords, tfl_clip(ctx, ct.text, ct.len, 40));
        break;
    case TFL_EXPOSE:
        tfl_report(ctx, cm,
                   "'#' starts no comment after EXPOSE%s: the builder reads "
                   "'#' as a port and the build fails" MOVE,
                   where);
        break;
    case TFL_VOLUME:
        tfl_report(ctx, cm,
                   "'#' starts no comment after VOLUME%s: '#' and the words "
                   "after it become %zu more volumes" MOVE,
                   where, ct.nwords);
        break;
    case TFL_HEALTHCHECK:
        tfl_report(ctx, cm,
                   "'#' starts no comment after HEALTHCHECK%s: HEALTHCHECK "
                   "NONE takes no arguments, so the build fails" MOVE,
                   where);
        break;
    default:
        tfl_report(ctx, cm,
                   "'#' starts no comment after %s%s: the builder takes it "
                   "and the words after it as more arguments" MOVE,
                   kw, where);
        break;
    }
}

static void check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs; i++) {
        const tfl_instr *in = &ctx->doc->instrs[i];

        const tfl_instr *t = tfl_instr_trigger(ctx->doc, in);

        if (t && (in->inline_comment || t->inline_comment)) {
            /* Speak of the trigger, whichever of the two holds the mark. */
            report(ctx, t,
                   tfl_instr_comment(ctx->doc, t->inline_comment ? t : in),
                   " in ONBUILD");
        } else if (in->inline_comment) {
            report(ctx, in, tfl_instr_comment(ctx->doc, in), "");
        }
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "correctness", NULL};

const tfl_rule tfl_rule_inline_comment = {
    .id = "TF101",
    .name = "inline-comment",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A '#' after the arguments is not a comment",
    .rationale =
        "Dockerfile comments are whole lines that start with '#'. After "
        "the arguments of an instruction, a '#' is plain text except where "
        "a shell reads it (shell-form RUN, CMD, ENTRYPOINT and HEALTHCHECK "
        "CMD). So 'FROM image # note' gives FROM too many arguments and "
        "fails, 'USER app # note' switches to a user called 'app # note', "
        "'COPY a /dst # note' copies into a directory named 'note', and a "
        "JSON CMD followed by a comment quietly turns into a shell command. "
        "Move the comment to a line of its own above the instruction. "
        "tflint checks the rest of the file as if the comment were not "
        "there.",
    .bad = "FROM alpine:3.20 # the base image\n",
    .good = "# the base image\nFROM alpine:3.20\n",
    .tags = tags,
    .check = check,
};
