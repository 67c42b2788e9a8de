/*
 * Custom rules of the configuration (include/tflint/config.h): every one
 * runs this check, which finds its own entry through ctx->rule.
 *
 * `match: text` searches the instruction as the builder joins it (keyword,
 * flags and arguments, continuation lines joined) and then each heredoc
 * body, and reports the matched bytes (the keyword for an empty match).
 * `match: arguments` searches each argument word on its own (for the
 * exec form, each JSON string unescaped; for ENV and LABEL, keys and
 * values) and reports the word. One finding per instruction at most.
 *
 * The search is budgeted (tfl_regex_search): TFL_CUSTOM_MATCH_BUDGET steps
 * per instruction and TFL_CUSTOM_FILE_BUDGET per file. When a budget runs
 * out the rule says so at the instruction instead of guessing, and stops
 * for the rest of the file once the file's budget is gone, so a pattern
 * that backtracks without end costs a bounded time however long the file.
 */
#include "rules.h"
#include "tflint/config.h"
#include "tflint/regex.h"

typedef struct search {
    const tfl_custom_rule *c;
    unsigned long file_left;
    bool stopped; /* the file budget ran out */
} search;

/* Search `len` bytes of `s`; 1 with [*a, *b), 0, TFL_REGEX_ELIMIT. */
static int find(tfl_ctx *ctx, search *st, const char *s, size_t len, size_t *a,
                size_t *b)
{
    unsigned long budget = TFL_CUSTOM_MATCH_BUDGET, before;
    int rc;

    if (budget > st->file_left)
        budget = st->file_left;
    before = budget;
    rc = tfl_regex_search(st->c->re, s, len, &budget, a, b);
    st->file_left -= before - budget;
    if (rc < 0 && rc != TFL_REGEX_ELIMIT)
        ctx->oom = true;
    if (rc == TFL_REGEX_ELIMIT && st->file_left == 0)
        st->stopped = true;
    return rc;
}

static void limit_hit(tfl_ctx *ctx, const search *st, const tfl_instr *in)
{
    if (st->stopped)
        tfl_report(ctx, tfl_instr_keyword_span(ctx->doc, in),
                   "custom rule %s: the match limit stopped the pattern here "
                   "(%lu steps for the file used up); this and the later "
                   "instructions were not checked",
                   st->c->rule.id, TFL_CUSTOM_FILE_BUDGET);
    else
        tfl_report(ctx, tfl_instr_keyword_span(ctx->doc, in),
                   "custom rule %s: the match limit stopped the pattern on "
                   "this instruction (%lu steps), which was not checked",
                   st->c->rule.id, TFL_CUSTOM_MATCH_BUDGET);
}

/* Search the joined text, then the heredoc bodies. */
static int match_text(tfl_ctx *ctx, search *st, const tfl_instr *in,
                      tfl_span *at)
{
    size_t a, b, i;
    int rc;

    rc = find(ctx, st, in->line, in->line_len, &a, &b);
    if (rc == 1) {
        *at = b > a ? tfl_textmap_span(&in->map, (uint32_t)a, (uint32_t)(b - a))
                    : tfl_instr_keyword_span(ctx->doc, in);
        return 1;
    }
    for (i = 0; rc == 0 && i < in->nheredocs; i++) {
        const tfl_heredoc *h = &in->heredocs[i];

        rc = find(ctx, st, h->body, h->body_len, &a, &b);
        if (rc == 1 && b > a &&
            h->body_span.end - h->body_span.start == (uint32_t)h->body_len) {
            at->start = h->body_span.start + (uint32_t)a;
            at->end = h->body_span.start + (uint32_t)b;
        } else if (rc == 1) {
            *at = h->body_span;
        }
    }
    return rc;
}

static int match_args(tfl_ctx *ctx, search *st, const tfl_instr *in,
                      tfl_span *at)
{
    size_t a, b, i;
    int rc = 0;

    for (i = 0; rc == 0 && i < in->nargs; i++) {
        rc = find(ctx, st, in->args[i].text, in->args[i].len, &a, &b);
        if (rc == 1)
            *at = in->args[i].span;
    }
    return rc;
}

void tfl_custom_rule_check(tfl_ctx *ctx)
{
    search st = {(const tfl_custom_rule *)ctx->rule, TFL_CUSTOM_FILE_BUDGET,
                 false};
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs && !st.stopped && !ctx->oom; i++) {
        const tfl_instr *in = &ctx->doc->instrs[i];
        tfl_span at;
        int rc;

        if (in->kind == TFL_UNKNOWN || !(st.c->kinds & (1u << in->kind)))
            continue;
        rc = st.c->arguments ? match_args(ctx, &st, in, &at)
                             : match_text(ctx, &st, in, &at);
        if (rc == 1)
            tfl_report(ctx, at, "%s", st.c->message);
        else if (rc == TFL_REGEX_ELIMIT)
            limit_hit(ctx, &st, in);
    }
}
