/*
 * TF105 instruction-casing: keywords are case-insensitive, but a file that
 * mixes `RUN` and `run` reads badly. Three checks, counted as BuildKit
 * counts them:
 *
 *  - the majority: keywords of the instructions from the first FROM on
 *    (global ARGs are not counted) are tallied as all-lower or all-upper;
 *    mixed spellings count for neither. Lower case wins only with strictly
 *    more votes. Every keyword not in the majority's case is reported,
 *    global ARGs included, with an exact fix;
 *  - `AS` cased unlike its FROM, when the FROM is all-lower or all-upper;
 *  - a stage name that is not all lower case (the builder lower-cases it).
 *
 * An ONBUILD counts as ONBUILD; its trigger's keyword is not judged.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bytes8.h"
#include "rules.h"

/* `w` re-cased, from the arena. */
static const char *recase(tfl_ctx *ctx, const tfl_word *w, bool upper)
{
    char *s = tfl_arena_strndup(ctx->arena, w->text, w->len);
    size_t i;

    if (!s) {
        ctx->oom = true;
        return "";
    }
    for (i = 0; i < w->len; i++)
        s[i] = (char)(upper ? toupper((unsigned char)s[i])
                            : tolower((unsigned char)s[i]));
    return s;
}

enum { HAS_UPPER = 1, HAS_LOWER = 2 };

/* Which ASCII letter cases `w` has (HAS_*), in one pass: as
 * !tfl_is_lower() and !tfl_is_upper() tell. */
static unsigned letters(const tfl_word *w)
{
    unsigned has = 0;
    size_t i;

    for (i = 0; i < w->len; i++) {
        unsigned char c = (unsigned char)w->text[i];

        if ((unsigned char)(c - 'A') < 26)
            has |= HAS_UPPER;
        else if ((unsigned char)(c - 'a') < 26)
            has |= HAS_LOWER;
    }
    return has;
}

/*
 * letters() of the keyword of an instruction of a known kind: the parser
 * knows a keyword only when it is the kind's name in some mix of cases,
 * so every byte is an ASCII letter and its 0x20 bit tells its case. The
 * bytes are read as two words (overlapping when shorter than both).
 */
static unsigned keyword_letters(const tfl_word *w)
{
    const char *s = w->text;
    size_t n = w->len;
    uint64_t any, all;

    if (n >= 8) {
        uint64_t a = tfl_load8(s), b = tfl_load8(s + n - 8);

        any = (a | b) & 0x2020202020202020ULL;
        all = (a & b) & 0x2020202020202020ULL;
        all ^= 0x2020202020202020ULL;
    } else if (n >= 4) {
        uint32_t a, b;

        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        any = (a | b) & 0x20202020u;
        all = ((a & b) & 0x20202020u) ^ 0x20202020u;
    } else {
        return letters(w);
    }
    return (all ? HAS_UPPER : 0) | (any ? HAS_LOWER : 0);
}

/* Judge the keyword of `in`, whose letter cases are `has`. */
static void keyword(tfl_ctx *ctx, const tfl_instr *in, bool lower, unsigned has)
{
    tfl_word kw;
    const tfl_word *k = &kw;
    const char *want, *majority = lower ? "lower" : "upper";
    tfl_finding *f;

    if (!(has & (lower ? HAS_UPPER : HAS_LOWER)))
        return;
    kw = tfl_instr_keyword(ctx->doc, in);
    want = recase(ctx, k, !lower);
    if (has == (HAS_UPPER | HAS_LOWER))
        f = tfl_report(ctx, k->span,
                       "instruction '%s' mixes upper and lower case, and "
                       "this file writes its instructions in %s case: "
                       "write '%s'",
                       k->text, majority, want);
    else
        f = tfl_report(ctx, k->span,
                       "instruction '%s' is in %s case, unlike most of this "
                       "file's instructions: write '%s'",
                       k->text, lower ? "upper" : "lower", want);
    if (f)
        tfl_finding_fix(ctx, f, k->span, want, "re-case the keyword");
}

static void from_as(tfl_ctx *ctx, const tfl_instr *in)
{
    tfl_word kw;
    const tfl_word *from = &kw, *as;
    bool lower;
    tfl_finding *f;

    if (!tfl_from_name(in))
        return;
    kw = tfl_instr_keyword(ctx->doc, in);
    as = &in->args[1];
    if (tfl_is_lower(from->text, from->len))
        lower = true;
    else if (tfl_is_upper(from->text, from->len))
        lower = false;
    else
        return;
    if (lower ? tfl_is_lower(as->text, as->len)
              : tfl_is_upper(as->text, as->len))
        return;
    f = tfl_report(ctx, as->span, "'%s' is cased unlike its '%s': write '%s'",
                   as->text, from->text, recase(ctx, as, !lower));
    if (f)
        tfl_finding_fix(ctx, f, as->span, recase(ctx, as, !lower),
                        "match the case of FROM");
}

static void stage_name(tfl_ctx *ctx, const tfl_instr *in)
{
    const tfl_word *name = tfl_from_name(in);

    if (!name || tfl_is_lower(name->text, name->len))
        return;
    tfl_report(ctx, name->span,
               "stage name '%s' is not in lower case: the builder knows it "
               "as '%s' anyway; write '%s'",
               name->text, recase(ctx, name, false), recase(ctx, name, false));
}

static void check(tfl_ctx *ctx)
{
    const tfl_doc *doc = ctx->doc;
    size_t i, lower = 0, upper = 0;
    bool in_stage = false;
    /* The letter cases of each keyword, found once for both passes. */
    unsigned char *has = malloc(doc->ninstrs ? doc->ninstrs : 1);

    if (!has) {
        ctx->oom = true;
        return;
    }
    for (i = 0; i < doc->ninstrs; i++) {
        /* an unknown keyword is neither counted nor judged; one written
         * as its kind's name is all capitals */
        if (doc->instrs[i].kind == TFL_UNKNOWN) {
            has[i] = 0;
        } else if (!doc->instrs[i].kw_extra) {
            has[i] = HAS_UPPER;
        } else {
            tfl_word kw = tfl_instr_keyword(doc, &doc->instrs[i]);

            has[i] = (unsigned char)keyword_letters(&kw);
            assert(has[i] == letters(&kw));
        }
        if (doc->instrs[i].kind == TFL_FROM)
            in_stage = true;
        if (!in_stage || doc->instrs[i].kind == TFL_UNKNOWN)
            continue;
        if (!(has[i] & HAS_UPPER))
            lower++;
        else if (!(has[i] & HAS_LOWER))
            upper++;
    }
    for (i = 0; i < doc->ninstrs; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind == TFL_UNKNOWN)
            continue;
        keyword(ctx, in, lower > upper, has[i]);
        if (in->kind == TFL_FROM) {
            from_as(ctx, in);
            stage_name(ctx, in);
        }
    }
    free(has);
}

static const char *const aliases[] = {"ConsistentInstructionCasing",
                                      "FromAsCasing", "StageNameCasing", NULL};
static const char *const tags[] = {"dockerfile", "style", NULL};

const tfl_rule tfl_rule_instruction_casing = {
    .id = "TF105",
    .name = "instruction-casing",
    .aliases = aliases,
    .severity = TFL_SEV_STYLE,
    .summary = "Instruction keywords, AS and stage names cased "
               "inconsistently",
    .rationale =
        "The builder accepts keywords in any case, but a file that mixes "
        "'RUN' and 'run' is harder to read and to search. tflint takes the "
        "case most of the file's instructions use (upper case on a tie) "
        "and reports every keyword written otherwise, an 'AS' cased unlike "
        "its 'FROM', and stage names that are not in lower case: the "
        "builder lower-cases stage names, so 'FROM x AS Build' defines "
        "'build'.",
    .bad = "FROM alpine:3.20\nrun echo hello\n",
    .good = "FROM alpine:3.20\nRUN echo hello\n",
    .tags = tags,
    .check = check,
};
