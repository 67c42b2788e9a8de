/*
 * The engine's finding creation: tfl_report() formats messages itself for
 * the common conversions and hands the rest to vsnprintf, so every message
 * here is compared with what snprintf makes of the same format.
 */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tflint/rule.h"

typedef struct fixture {
    tfl_arena arena;
    tfl_config cfg;
    tfl_ctx ctx;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    size_t n;

    memset(&fx, 0, sizeof fx);
    tfl_arena_init(&fx.arena);
    if (tfl_config_init(&fx.cfg) != 0)
        return -1;
    fx.ctx.arena = &fx.arena;
    fx.ctx.config = &fx.cfg;
    fx.ctx.rule = tfl_rules(&n)[0];
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;

    tfl_ctx_release(&fx->ctx);
    tfl_config_free(&fx->cfg);
    tfl_arena_free(&fx->arena);
    return 0;
}

/* The message of the finding just reported. */
static const char *last(const fixture *fx)
{
    assert_false(fx->ctx.oom);
    assert_true(fx->ctx.nfindings > 0);
    return fx->ctx.findings[fx->ctx.nfindings - 1].message;
}

/* Past the first findings of a file, equal messages are kept once; more
 * distinct ones than the set's first size all stay intact as it grows. */
static void test_engine_report_shares_messages(void **state)
{
    fixture *fx = *state;
    tfl_span span = {0, 0};
    const char *first;
    char want[32];
    unsigned i;

    for (i = 0; i < 1000; i++) {
        tfl_report(&fx->ctx, span, "message %u", i);
        snprintf(want, sizeof want, "message %u", i);
        assert_string_equal(last(fx), want);
    }
    tfl_report(&fx->ctx, span, "same %s", "text");
    first = last(fx);
    tfl_report(&fx->ctx, span, "message %u", 999u);
    assert_string_equal(last(fx), "message 999");
    tfl_report(&fx->ctx, span, "same %s", "text");
    assert_ptr_equal(last(fx), first);
    tfl_report(&fx->ctx, span, "same %s", "text!");
    assert_string_equal(last(fx), "same text!");
    assert_ptr_not_equal(last(fx), first);
    for (i = 0; i < 1000; i++) {
        snprintf(want, sizeof want, "message %u", i);
        assert_string_equal(fx->ctx.findings[i].message, want);
    }
    assert_string_equal(first, "same text");
}

static void test_engine_report_conversions(void **state)
{
    fixture *fx = *state;
    tfl_span span = {0, 0};
    char want[256];

    tfl_report(&fx->ctx, span, "plain text, no conversion");
    assert_string_equal(last(fx), "plain text, no conversion");

    tfl_report(&fx->ctx, span, "'%s' and '%s'", "a", "");
    assert_string_equal(last(fx), "'a' and ''");

    tfl_report(&fx->ctx, span, "%d %d %d %d", 0, -7, INT_MIN, INT_MAX);
    snprintf(want, sizeof want, "%d %d %d %d", 0, -7, INT_MIN, INT_MAX);
    assert_string_equal(last(fx), want);

    tfl_report(&fx->ctx, span, "%u %lu %llu %zu 100%%", UINT_MAX, ULONG_MAX,
               ULLONG_MAX, (size_t)42);
    snprintf(want, sizeof want, "%u %lu %llu %zu 100%%", UINT_MAX, ULONG_MAX,
             ULLONG_MAX, (size_t)42);
    assert_string_equal(last(fx), want);
}

/* Widths, precisions and other conversions go to vsnprintf. */
static void test_engine_report_fallback(void **state)
{
    fixture *fx = *state;
    tfl_span span = {0, 0};
    char want[256];

    tfl_report(&fx->ctx, span, "[%5s] [%-3d] [%.2s] [%x] [%c]", "ab", 4, "xyz",
               255u, 'q');
    snprintf(want, sizeof want, "[%5s] [%-3d] [%.2s] [%x] [%c]", "ab", 4, "xyz",
             255u, 'q');
    assert_string_equal(last(fx), want);
}

/* A message longer than the engine's scratch space is still whole. */
static void test_engine_report_long_message(void **state)
{
    fixture *fx = *state;
    tfl_span span = {0, 0};
    static char word[5000];
    const char *msg;

    memset(word, 'w', sizeof word - 1);
    tfl_report(&fx->ctx, span, "<%s> %u", word, 9u);
    msg = last(fx);
    assert_int_equal(strlen(msg), sizeof word - 1 + 4);
    assert_memory_equal(msg + 1, word, sizeof word - 1);
    assert_string_equal(msg + sizeof word, "> 9");
}

/* A format read once is reused with other arguments; one with more
 * conversions than a plan holds goes to vsnprintf, with the same text. */
static void test_engine_report_format_reused(void **state)
{
    fixture *fx = *state;
    tfl_span span = {0, 0};
    char want[128];
    unsigned i;

    for (i = 0; i < 3; i++) {
        tfl_report(&fx->ctx, span, "'%s' at %u%%", i ? "b" : "a", i);
        snprintf(want, sizeof want, "'%s' at %u%%", i ? "b" : "a", i);
        assert_string_equal(last(fx), want);
    }
    tfl_report(&fx->ctx, span, "%s%s%s%s%s%s%s%s%s%s%s%s%s|%d", "1", "2", "3",
               "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", -7);
    assert_string_equal(last(fx), "12345678910111213|-7");
}

/* A rule that sorts before every built-in one but runs after them, and
 * says two things of each instruction's first byte, the later first. */
static void early_check(tfl_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doc->ninstrs; i++) {
        tfl_span at = {ctx->doc->instrs[i].span.start,
                       ctx->doc->instrs[i].span.start + 1};

        tfl_report(ctx, at, "zeta");
        tfl_report(ctx, at, "alpha");
    }
}

static const tfl_rule early_rule = {
    .id = "A100",
    .name = "early",
    .severity = TFL_SEV_WARNING,
    .summary = "",
    .rationale = "",
    .bad = "",
    .good = "",
    .check = early_check,
};

/* Findings come sorted by start, rule id, end and message, also when there
 * are many (a radix sort then) and several share a start, whatever order
 * the rules reported them in. */
static void test_engine_findings_sorted(void **state)
{
    static char text[200000];
    size_t n = 0, i;
    tfl_result res;

    (void)state;
    n += (size_t)snprintf(text + n, sizeof text - n, "FROM alpine:3.20\n");
    /* lower-case lines: TF105 and TF110 (or TF106) on each, the first
     * two (and the last two) at one start */
    for (i = 0; n + 100 < sizeof text && i < 3000; i++)
        n += (size_t)(i % 3 ? snprintf(text + n, sizeof text - n,
                                       "ENV K%zu v%zu\n", i, i)
                            : snprintf(text + n, sizeof text - n,
                                       "env K%zu v\nmaintainer m%zu\n", i, i));
    {
        const tfl_rule *extra[] = {&early_rule};

        assert_int_equal(tfl_rules_extend(extra, 1), 0);
        tfl_test_lint(text, &res);
        assert_int_equal(tfl_rules_extend(NULL, 0), 0);
    }
    assert_true(res.nfindings > 4000);
    assert_string_equal(res.findings[0].rule->id, "A100");
    assert_string_equal(res.findings[0].message, "alpha");
    assert_string_equal(res.findings[1].message, "zeta");
    for (i = 1; i < res.nfindings; i++) {
        const tfl_finding *a = &res.findings[i - 1], *b = &res.findings[i];
        int c = strcmp(a->rule->id, b->rule->id);

        assert_true(a->span.start <= b->span.start);
        if (a->span.start < b->span.start)
            continue;
        assert_true(c <= 0);
        if (c < 0)
            continue;
        assert_true(a->span.end <= b->span.end);
        if (a->span.end == b->span.end)
            assert_true(strcmp(a->message, b->message) <= 0);
    }
    tfl_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_engine_report_shares_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_report_conversions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_report_fallback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_report_long_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_report_format_reused, setup,
                                        teardown),
        cmocka_unit_test(test_engine_findings_sorted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
