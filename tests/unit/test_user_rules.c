/*
 * The user and ownership rules beyond their data cases: --target picks the
 * judged stage, the mission's examples report the user and ownership
 * findings they should (and the fixed fourth example no error or warning
 * at all), and the mode and path helpers the rules share.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../rules/user_rules.h"
#include "tflint/facts.h"

static tfl_facts *facts;

static int setup(void **state)
{
    (void)state;
    if (tfl_facts_new(&facts) != 0 || tfl_facts_load_builtin(facts, NULL))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tfl_facts_free(facts);
    return 0;
}

static void lint(const char *text, const char *target, tfl_result *res)
{
    tfl_config cfg;

    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.facts = facts;
    cfg.target = target;
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), res), 0);
    tfl_config_free(&cfg);
}

static void lint_example(const char *name, tfl_result *res)
{
    char path[4096], *text;
    size_t len;
    tfl_config cfg;

    snprintf(path, sizeof path, "%s/corpus/examples/%s", TFL_SOURCE_DIR, name);
    text = tfl_test_read(path, &len);
    if (!text)
        fail_msg("cannot read '%s'", path);
    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.facts = facts;
    assert_int_equal(tfl_lint_buffer(&cfg, name, text, len, res), 0);
    tfl_config_free(&cfg);
    free(text);
}

/* The finding of rule `id` whose span starts on `line` and covers the
 * text `word` there; fails when there is none. */
static void assert_at(const tfl_result *res, const char *id, uint32_t line,
                      const char *word)
{
    size_t i;

    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        tfl_pos a = tfl_source_pos(&res->src, f->span.start);

        if (strcmp(f->rule->id, id) == 0 && a.line == line &&
            f->span.end - f->span.start == strlen(word) &&
            memcmp(res->src.data + f->span.start, word, strlen(word)) == 0)
            return;
    }
    fail_msg("no %s at '%s' on line %u", id, word, (unsigned)line);
}

static const char multi[] = "FROM golang:1.22 AS Build\n"
                            "RUN go build -o /out/app .\n"
                            "\n"
                            "FROM gcr.io/distroless/static-debian12:nonroot\n"
                            "COPY --from=build /out/app /app\n";

static void test_user_rules_target_picks_stage(void **state)
{
    tfl_result res;

    (void)state;
    lint(multi, NULL, &res);
    assert_int_equal(tfl_test_count(&res, "TF200"), 0);
    tfl_result_free(&res);

    lint(multi, "build", &res);
    assert_int_equal(tfl_test_count(&res, "TF200"), 1);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF200", 0), 1, 6, 1, 17);
    tfl_result_free(&res);
}

static void test_user_rules_unknown_target_is_last_stage(void **state)
{
    tfl_result res;

    (void)state;
    lint(multi, "nosuch", &res);
    assert_int_equal(tfl_test_count(&res, "TF200"), 0);
    tfl_result_free(&res);
}

static void test_user_rules_target_root_user(void **state)
{
    static const char text[] = "FROM debian:12-slim AS tools\n"
                               "USER root\n"
                               "FROM debian:12-slim\n"
                               "USER 10001:10001\n";
    tfl_result res;

    (void)state;
    lint(text, NULL, &res);
    assert_int_equal(tfl_test_count(&res, "TF201"), 0);
    tfl_result_free(&res);
    lint(text, "TOOLS", &res);
    assert_int_equal(tfl_test_count(&res, "TF201"), 1);
    tfl_result_free(&res);
}

static void assert_common_1_3(const tfl_result *res, uint32_t chown_line,
                              uint32_t user_line)
{
    assert_at(res, "TF300", chown_line, "/root");
    assert_at(res, "TF301", chown_line, "/root");
    assert_at(res, "TF203", user_line, "tfuser");
    assert_int_equal(tfl_test_count(res, "TF300"), 1);
    assert_int_equal(tfl_test_count(res, "TF301"), 1);
    assert_int_equal(tfl_test_count(res, "TF203"), 1);
    assert_int_equal(tfl_test_count(res, "TF200"), 0);
    assert_int_equal(tfl_test_count(res, "TF201"), 0);
    assert_int_equal(tfl_test_count(res, "TF204"), 0);
    assert_int_equal(tfl_test_count(res, "TF205"), 0);
    assert_int_equal(tfl_test_count(res, "TF302"), 0);
    assert_non_null(
        strstr(tfl_test_find(res, "TF203", 0)->message, "'USER 1001:1001'"));
}

static void test_user_rules_example_1(void **state)
{
    tfl_result res;

    (void)state;
    lint_example("01-tensorflow-nonroot.Dockerfile", &res);
    assert_common_1_3(&res, 10, 13);
    tfl_result_free(&res);
}

static void test_user_rules_example_2(void **state)
{
    tfl_result res;

    (void)state;
    lint_example("02-nobody.Dockerfile", &res);
    assert_at(&res, "TF300", 3, "/root");
    assert_at(&res, "TF301", 3, "/root");
    assert_at(&res, "TF205", 3, "nobody:nogroup");
    assert_at(&res, "TF205", 4, "nobody");
    assert_int_equal(tfl_test_count(&res, "TF205"), 2);
    assert_int_equal(tfl_test_count(&res, "TF200"), 0);
    assert_int_equal(tfl_test_count(&res, "TF201"), 0);
    assert_int_equal(tfl_test_count(&res, "TF203"), 0);
    tfl_result_free(&res);
}

static void test_user_rules_example_3(void **state)
{
    tfl_result res;

    (void)state;
    lint_example("03-arg-fallbacks.Dockerfile", &res);
    assert_common_1_3(&res, 12, 15);
    tfl_result_free(&res);
}

/* The fixed example: nothing at warning or error from any rule. */
static void test_user_rules_example_4_clean(void **state)
{
    tfl_result res;
    size_t i;

    (void)state;
    lint_example("04-fixed.Dockerfile", &res);
    for (i = 0; i < res.nfindings; i++)
        if (res.findings[i].severity >= TFL_SEV_WARNING)
            fail_msg("%s: %s", res.findings[i].rule->id,
                     res.findings[i].message);
    assert_int_equal(tfl_test_count(&res, "TF203"), 0);
    tfl_result_free(&res);
}

static void test_user_rules_mode_grants(void **state)
{
    (void)state;
    assert_int_equal(tfl_mode_grants("777"),
                     TFL_MODE_GROUP_W | TFL_MODE_OTHER_W);
    assert_int_equal(tfl_mode_grants("0666"),
                     TFL_MODE_GROUP_W | TFL_MODE_OTHER_W);
    assert_int_equal(tfl_mode_grants("1777"),
                     TFL_MODE_GROUP_W | TFL_MODE_OTHER_W | TFL_MODE_STICKY);
    assert_int_equal(tfl_mode_grants("775"), TFL_MODE_GROUP_W);
    assert_int_equal(tfl_mode_grants("755"), 0);
    assert_int_equal(tfl_mode_grants("o+w"), TFL_MODE_OTHER_W);
    assert_int_equal(tfl_mode_grants("a=rwx"),
                     TFL_MODE_GROUP_W | TFL_MODE_OTHER_W);
    assert_int_equal(tfl_mode_grants("u+x,go+w"),
                     TFL_MODE_GROUP_W | TFL_MODE_OTHER_W);
    assert_int_equal(tfl_mode_grants("+w"), 0);
    assert_int_equal(tfl_mode_grants("=rw"), 0);
    assert_int_equal(tfl_mode_grants("go-w"), 0);
    assert_int_equal(tfl_mode_grants("+t"), TFL_MODE_STICKY);
    assert_int_equal(tfl_mode_grants("o+w,+t"),
                     TFL_MODE_OTHER_W | TFL_MODE_STICKY);
    /* Not modes at all. */
    assert_int_equal(tfl_mode_grants("77a"), 0);
    assert_int_equal(tfl_mode_grants("o"), 0);
    assert_int_equal(tfl_mode_grants("o*w"), 0);
    assert_int_equal(tfl_mode_grants("77777777777777777777"), 0);
    assert_int_equal(tfl_mode_grants(""), 0);
    assert_int_equal(tfl_mode_grants(NULL), 0);
}

static void test_user_rules_paths(void **state)
{
    char out[64];

    (void)state;
    assert_true(tfl_path_clean("//root/./", out, sizeof out));
    assert_string_equal(out, "/root");
    assert_true(tfl_path_clean("/", out, sizeof out));
    assert_string_equal(out, "/");
    assert_true(tfl_path_clean("/root/../etc", out, sizeof out));
    assert_string_equal(out, "/root/../etc");
    assert_false(tfl_path_clean("root", out, sizeof out));
    assert_false(tfl_path_clean("/a/very/long/path/that/does/not/fit/in/the/"
                                "buffer/given/to/it/at/all",
                                out, 16));
    assert_true(tfl_path_under("/root", "/root"));
    assert_true(tfl_path_under("/root/.cache", "/root"));
    assert_false(tfl_path_under("/rootfs", "/root"));
    assert_true(tfl_path_under("/app", "/"));
}

static void test_user_rules_ids(void **state)
{
    (void)state;
    assert_true(tfl_is_root_id("root"));
    assert_true(tfl_is_root_id("0"));
    assert_true(tfl_is_root_id("000"));
    assert_false(tfl_is_root_id("10"));
    assert_false(tfl_is_root_id("roots"));
    assert_false(tfl_is_root_id(""));
    assert_false(tfl_is_root_id(NULL));
    assert_true(tfl_is_number("10001"));
    assert_false(tfl_is_number("-1"));
    assert_false(tfl_is_number("app"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_rules_target_picks_stage),
        cmocka_unit_test(test_user_rules_unknown_target_is_last_stage),
        cmocka_unit_test(test_user_rules_target_root_user),
        cmocka_unit_test(test_user_rules_example_1),
        cmocka_unit_test(test_user_rules_example_2),
        cmocka_unit_test(test_user_rules_example_3),
        cmocka_unit_test(test_user_rules_example_4_clean),
        cmocka_unit_test(test_user_rules_mode_grants),
        cmocka_unit_test(test_user_rules_paths),
        cmocka_unit_test(test_user_rules_ids),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
