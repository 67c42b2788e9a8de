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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
