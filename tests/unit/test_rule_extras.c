/*
 * What the rule cases do not show: the fixes and related places attached
 * to findings. TF105 offers exact re-casings; TF107 points back at the
 * first stage of a duplicated name; TF108 at the instruction that wins.
 * TF202's hint about another stage stops once its budget is spent.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_text(const tfl_result *res, tfl_span span, const char *want)
{
    size_t n = span.end - span.start;

    assert_int_equal(n, strlen(want));
    assert_memory_equal(res->src.data + span.start, want, n);
}

static void test_rule_extras_casing_fix(void **state)
{
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    tfl_test_lint("FROM alpine:3.20 as base\nWORKDIR /a\nRun true\n", &res);
    assert_int_equal(tfl_test_count(&res, "TF105"), 2);

    f = tfl_test_find(&res, "TF105", 0);
    tfl_test_assert_span(&res, f, 1, 18, 1, 20);
    assert_int_equal(f->nfixes, 1);
    assert_text(&res, f->fixes[0].span, "as");
    assert_string_equal(f->fixes[0].text, "AS");

    f = tfl_test_find(&res, "TF105", 1);
    tfl_test_assert_span(&res, f, 3, 1, 3, 4);
    assert_int_equal(f->nfixes, 1);
    assert_text(&res, f->fixes[0].span, "Run");
    assert_string_equal(f->fixes[0].text, "RUN");
    tfl_result_free(&res);

    /* a stage name gets no fix: references elsewhere keep their case */
    tfl_test_lint("FROM alpine:3.20 AS Base\n", &res);
    f = tfl_test_find(&res, "TF105", 0);
    assert_non_null(f);
    assert_int_equal(f->nfixes, 0);
    tfl_result_free(&res);
}

static void test_rule_extras_related(void **state)
{
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    tfl_test_lint("FROM alpine:3.20 AS app\nFROM alpine:3.20 AS APP\n", &res);
    f = tfl_test_find(&res, "TF107", 0);
    tfl_test_assert_span(&res, f, 2, 21, 2, 24);
    assert_int_equal(f->nrelated, 1);
    assert_text(&res, f->related[0].span, "app");
    assert_int_equal(f->nfixes, 0);
    tfl_result_free(&res);

    tfl_test_lint("FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n", &res);
    f = tfl_test_find(&res, "TF108", 0);
    tfl_test_assert_span(&res, f, 2, 1, 2, 4);
    assert_int_equal(f->nrelated, 1);
    assert_int_equal(tfl_source_pos(&res.src, f->related[0].span.start).line,
                     3);
    tfl_result_free(&res);
}

/* The mission's first example: the inline comment and the moving tag,
 * and nothing reported twice. */
static void test_rule_extras_mission(void **state)
{
    tfl_result res;

    (void)state;
    tfl_test_lint("FROM tensorflow/tensorflow:latest-gpu # Replace with "
                  "desired TF version\n\nUSER tfuser\nCMD [\"whoami\"]\n",
                  &res);
    assert_int_equal(tfl_test_count(&res, "TF101"), 1);
    assert_int_equal(tfl_test_count(&res, "TF111"), 1);
    assert_int_equal(tfl_test_count(&res, "TF100"), 0);
    assert_int_equal(res.worst, TFL_SEV_ERROR);
    tfl_result_free(&res);
}

/* 2,000 stages switch to a user that only the last stage creates: each
 * finding would look at every stage for the hint, so the first findings
 * name that stage and the later ones, past the budget, do not. */
static void test_rule_extras_hint_budget(void **state)
{
    enum { STAGES = 2000 };
    const char *stage = "FROM debian:12\nUSER app\n";
    const char *last = "FROM debian:12 AS maker\nRUN useradd app\n";
    size_t n = STAGES * strlen(stage) + strlen(last) + 1, at = 0, i;
    char *text = malloc(n);
    const tfl_finding *first, *final;
    tfl_result res;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < STAGES; i++)
        at += (size_t)snprintf(text + at, n - at, "%s", stage);
    snprintf(text + at, n - at, "%s", last);
    tfl_test_lint(text, &res);
    assert_int_equal(tfl_test_count(&res, "TF202"), STAGES);
    first = tfl_test_find(&res, "TF202", 0);
    final = tfl_test_find(&res, "TF202", STAGES - 1);
    assert_non_null(strstr(first->message, "stage 'maker' creates it"));
    assert_null(strstr(final->message, "stage 'maker'"));
    tfl_result_free(&res);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_extras_casing_fix),
        cmocka_unit_test(test_rule_extras_related),
        cmocka_unit_test(test_rule_extras_mission),
        cmocka_unit_test(test_rule_extras_hint_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
