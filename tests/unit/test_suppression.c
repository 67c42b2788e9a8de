/*
 * Suppression comments, end to end through tfl_lint_buffer(): tflint's
 * own `ignore=` and `global ignore=`, hadolint's pragmas through the
 * aliases, and BuildKit's `check=skip=` both as the file directive and
 * before one instruction. Each test also shows that what is not covered
 * still gets reported, so none can pass by reporting nothing.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

static size_t count(const char *text, const char *id)
{
    tfl_result res;
    size_t n;

    tfl_test_lint(text, &res);
    n = tfl_test_count(&res, id);
    tfl_result_free(&res);
    return n;
}

static void test_suppression_next_instruction(void **state)
{
    (void)state;
    assert_int_equal(
        count("FROM alpine:3.20\nUSER 1\nrun true\nrun false\n", "TF105"), 2);
    /* id and name in one list; only the next instruction is covered */
    assert_int_equal(count("FROM alpine:3.20\nWORKDIR /a\nUSER 1\n"
                           "# tflint ignore=TF105,instruction-casing\n"
                           "run true\nrun false\n",
                           "TF105"),
                     1);
    /* by name alone, with a reason after the list */
    assert_int_equal(count("FROM alpine:3.20\nWORKDIR /a\nUSER 1\n"
                           "# tflint ignore=instruction-casing legacy file\n"
                           "run true\n",
                           "TF105"),
                     0);
    /* a comment further up, with an instruction between, covers nothing */
    assert_int_equal(count("FROM alpine:3.20\nWORKDIR /a\nUSER 1\n"
                           "# tflint ignore=TF105\n"
                           "RUN true\nrun false\n",
                           "TF105"),
                     1);
    /* another rule's name does not cover this one */
    assert_int_equal(count("FROM alpine:3.20\nWORKDIR /a\nUSER 1\n"
                           "# tflint ignore=TF106\n"
                           "run true\n",
                           "TF105"),
                     1);
}

static void test_suppression_global(void **state)
{
    const char *text = "FROM alpine:3.20\nUSER 1\nrun true\nrun false\n"
                       "# tflint global ignore=TF105\n";

    (void)state;
    assert_int_equal(count(text, "TF105"), 0);
    assert_int_equal(count("FROM ubuntu\nrun true\n"
                           "# tflint global ignore=image-tag\n",
                           "TF105"),
                     1);
    assert_int_equal(count("# hadolint global ignore=DL3007\n"
                           "FROM ubuntu\nFROM debian:latest\n",
                           "TF111"),
                     0);
}

static void test_suppression_hadolint_alias(void **state)
{
    (void)state;
    assert_int_equal(count("FROM ubuntu\nFROM debian\n", "TF111"), 2);
    assert_int_equal(count("# hadolint ignore=DL3006\nFROM ubuntu\n"
                           "FROM debian\n",
                           "TF111"),
                     1);
    /* DL3007 is an alias of the same rule, so it covers it too */
    assert_int_equal(count("FROM alpine:3.20\n# hadolint ignore=DL3007\n"
                           "FROM ubuntu\n",
                           "TF111"),
                     0);
}

static void test_suppression_buildkit_directive(void **state)
{
    const char *cmd = "FROM alpine:3.20\nCMD echo one\n"
                      "FROM alpine:3.20\nCMD echo two\n";
    char buf[512];

    (void)state;
    assert_int_equal(count(cmd, "TF104"), 2);
    snprintf(buf, sizeof buf, "# check=skip=JSONArgsRecommended\n%s", cmd);
    assert_int_equal(count(buf, "TF104"), 0);
    /* several rules and options */
    snprintf(buf, sizeof buf,
             "# syntax=docker/dockerfile:1\n"
             "# check=skip=StageNameCasing,JSONArgsRecommended;error=true\n"
             "%s",
             cmd);
    assert_int_equal(count(buf, "TF104"), 0);
    /* after a blank line it is no directive: it covers only the FROM
     * below it */
    snprintf(buf, sizeof buf, "\n# check=skip=JSONArgsRecommended\n%s", cmd);
    assert_int_equal(count(buf, "TF104"), 2);
    /* in front of one instruction: that instruction only */
    assert_int_equal(count("FROM alpine:3.20\nWORKDIR /a\nUSER 1\n"
                           "# check=skip=JSONArgsRecommended\n"
                           "CMD echo one\nFROM alpine:3.20\nCMD echo two\n",
                           "TF104"),
                     1);
}

static void test_suppression_config(void **state)
{
    const char *text = "FROM alpine:3.20\nCMD echo one\n";
    tfl_config cfg;
    tfl_result res;

    (void)state;
    assert_int_equal(tfl_config_init(&cfg), 0);
    assert_int_equal(tfl_config_ignore(&cfg, "DL3025"), 0);
    assert_int_equal(tfl_config_ignore(&cfg, "NoSuchRule"), -1);
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), &res), 0);
    assert_int_equal(tfl_test_count(&res, "TF104"), 0);
    tfl_result_free(&res);
    assert_int_equal(tfl_config_set_severity(&cfg, "DL3025", TFL_SEV_ERROR), 0);
    cfg.disabled[tfl_rule_index(tfl_rule_lookup("TF104"))] = 0;
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), &res), 0);
    assert_int_equal(tfl_test_count(&res, "TF104"), 1);
    assert_int_equal(tfl_test_find(&res, "TF104", 0)->severity, TFL_SEV_ERROR);
    assert_int_equal(res.worst, TFL_SEV_ERROR);
    tfl_result_free(&res);
    tfl_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suppression_next_instruction),
        cmocka_unit_test(test_suppression_global),
        cmocka_unit_test(test_suppression_hadolint_alias),
        cmocka_unit_test(test_suppression_buildkit_directive),
        cmocka_unit_test(test_suppression_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
