/*
 * PCRE2 behind tfl_regex (see include/tflint/regex.h). Each compiled
 * pattern carries its own match context with the limits, and a match-data
 * block is created per match: matching is rare enough (names of ARGs and
 * ENVs) that the allocation does not matter, and it keeps the compiled
 * pattern usable from several threads.
 *
 * PCRE2's match limit counts the steps from one start position and starts
 * again at the next, so an unanchored search over a long subject may take
 * the limit times the length. Counted patterns (custom rules of the
 * configuration) are compiled with automatic callouts instead: the callout
 * runs before each item the matcher tries, and counting its calls gives a
 * budget for the whole search, which the caller can share between many
 * searches.
 */
#include "tflint/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <assert.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

/* Backtracking steps and nesting allowed per match. */
#define MATCH_LIMIT 100000u
#define DEPTH_LIMIT 1000u

struct tfl_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    bool counted;
};

int tfl_regex_compile(tfl_regex **out, const char *pattern, unsigned flags,
                      char *err, size_t errlen, size_t *erroff)
{
    uint32_t opts =
        PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
    tfl_regex *re;
    PCRE2_SIZE off = 0;
    int code = 0;

    *out = NULL;
    if (flags & TFL_REGEX_ICASE)
        opts |= PCRE2_CASELESS;
    if (flags & TFL_REGEX_COUNTED)
        opts |= PCRE2_AUTO_CALLOUT;
    re = calloc(1, sizeof *re);
    if (!re)
        goto fail;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
                             &code, &off, NULL);
    if (!re->code)
        goto fail;
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->mctx)
        goto fail;
    pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, DEPTH_LIMIT);
    re->counted = (flags & TFL_REGEX_COUNTED) != 0;
    *out = re;
    return 0;

fail:
    if (err && errlen) {
        if (code)
            pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errlen);
        else
            snprintf(err, errlen, "out of memory");
    }
    if (erroff)
        *erroff = off;
    tfl_regex_free(re);
    return -1;
}

int tfl_regex_match(const tfl_regex *re, const char *subject, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    int rc;

    if (!md)
        return -1;
    rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, re->mctx);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Steps left for one search. */
typedef struct counter {
    unsigned long left;
} counter;

static int count_step(pcre2_callout_block *cb, void *data)
{
    counter *c = data;

    (void)cb;
    if (c->left == 0)
        return PCRE2_ERROR_MATCHLIMIT;
    c->left--;
    return 0;
}

int tfl_regex_search(const tfl_regex *re, const char *subject, size_t len,
                     unsigned long *budget, size_t *start, size_t *end)
{
    pcre2_match_context *mctx = NULL;
    pcre2_match_data *md = NULL;
    counter c = {*budget};
    int rc = -1;

    assert(re->counted);
    mctx = pcre2_match_context_copy(re->mctx);
    md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!mctx || !md)
        goto done;
    pcre2_set_callout(mctx, count_step, &c);
    rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, mctx);
    *budget = c.left;
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

        *start = ov[0];
        *end = ov[1] < ov[0] ? ov[0] : ov[1];
        rc = 1;
    } else if (rc == PCRE2_ERROR_NOMATCH) {
        rc = 0;
    } else if (rc == PCRE2_ERROR_NOMEMORY) {
        rc = -1;
    } else {
        /* Match, depth or heap limit, or the budget (the callout's). */
        rc = TFL_REGEX_ELIMIT;
    }

done:
    pcre2_match_data_free(md);
    pcre2_match_context_free(mctx);
    return rc;
}

void tfl_regex_free(tfl_regex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re);
}
