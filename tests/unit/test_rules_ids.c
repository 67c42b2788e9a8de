/*
 * The ID and fallback rules (TF400-TF405, TF503, TF505, TF506) where the
 * data cases under tests/rules cannot reach: the mission's examples,
 * related places, and configuration (host account files, --build-arg
 * values, the safe range, base-image facts).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/facts.h"
#include "tflint/hostdb.h"

static void lint_cfg(const tfl_config *cfg, const char *text, tfl_result *res)
{
    assert_int_equal(
        tfl_lint_buffer(cfg, "Dockerfile", text, strlen(text), res), 0);
}

static void lint_example(const char *name, tfl_result *res)
{
    char path[4096];
    char *text;
    size_t len;
    tfl_config cfg;

    snprintf(path, sizeof path, "%s/corpus/examples/%s", TFL_SOURCE_DIR, name);
    text = tfl_test_read(path, &len);
    if (!text)
        fail_msg("cannot read '%s'", path);
    assert_int_equal(tfl_config_init(&cfg), 0);
    assert_int_equal(tfl_lint_buffer(&cfg, name, text, len, res), 0);
    tfl_config_free(&cfg);
    free(text);
}

/* Example 1: TF401 on groupadd -g, useradd -u and useradd -g, all 1001
 * from ARG defaults; no TF503, TF505 or TF506. */
static void test_ids_example1(void **state)
{
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    lint_example("01-tensorflow-nonroot.Dockerfile", &res);
    assert_int_equal(tfl_test_count(&res, "TF401"), 3);
    f = tfl_test_find(&res, "TF401", 0);
    tfl_test_assert_span(&res, f, 6, 17, 6, 28); /* groupadd -g ${GROUP_ID} */
    assert_string_equal(f->message,
                        "GID 1001 (default of ARG GROUP_ID, line 5) is below "
                        "10000: on a host without user-namespace remapping "
                        "it is a real host group; use one in 10000-65535");
    f = tfl_test_find(&res, "TF401", 1);
    tfl_test_assert_span(&res, f, 7, 16, 7, 26); /* useradd -u ${USER_ID} */
    assert_string_equal(f->message,
                        "UID 1001 (default of ARG USER_ID, line 4) is below "
                        "10000: on a host without user-namespace remapping "
                        "it is a real host account; use one in 10000-65535");
    f = tfl_test_find(&res, "TF401", 2);
    tfl_test_assert_span(&res, f, 7, 30, 7, 41); /* useradd -g ${GROUP_ID} */
    assert_int_equal(tfl_test_count(&res, "TF400"), 0);
    assert_int_equal(tfl_test_count(&res, "TF402"), 0);
    assert_int_equal(tfl_test_count(&res, "TF503"), 0);
    assert_int_equal(tfl_test_count(&res, "TF505"), 0);
    assert_int_equal(tfl_test_count(&res, "TF506"), 0);
    tfl_result_free(&res);
}

/* Example 3: what example 1 reports, plus TF506 on both fallbacks. */
static void test_ids_example3(void **state)
{
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    lint_example("03-arg-fallbacks.Dockerfile", &res);
    assert_int_equal(tfl_test_count(&res, "TF401"), 3);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF401", 0), 8, 17, 8, 28);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF401", 1), 9, 16, 9, 26);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF401", 2), 9, 30, 9, 41);
    assert_int_equal(tfl_test_count(&res, "TF506"), 2);
    f = tfl_test_find(&res, "TF506", 0);
    tfl_test_assert_span(&res, f, 6, 42, 6, 46);
    assert_string_equal(f->message,
                        "fallback '1001' for ARG USER_ID repeats its default "
                        "(line 4): it only matters when --build-arg USER_ID= "
                        "is passed empty");
    assert_int_equal(f->nrelated, 1);
    assert_int_equal(tfl_source_pos(&res.src, f->related[0].span.start).line,
                     4);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF506", 1), 7, 44, 7, 48);
    assert_int_equal(tfl_test_count(&res, "TF505"), 0);
    tfl_result_free(&res);
}

/* Related places: TF503 at the ARG, TF505 at the default. */
static void test_ids_related(void **state)
{
    tfl_result res;
    const tfl_finding *f;
    tfl_pos p;

    (void)state;
    tfl_test_lint("FROM debian:12\nARG APP_USER\nUSER $APP_USER\n"
                  "ARG APP_UID=10001\nRUN useradd -l -u ${APP_UID:-1000} a\n",
                  &res);
    f = tfl_test_find(&res, "TF503", 0);
    assert_non_null(f);
    assert_int_equal(f->nrelated, 1);
    p = tfl_source_pos(&res.src, f->related[0].span.start);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 5);
    f = tfl_test_find(&res, "TF505", 0);
    assert_non_null(f);
    tfl_test_assert_span(&res, f, 5, 30, 5, 34);
    assert_int_equal(f->nrelated, 1);
    p = tfl_source_pos(&res.src, f->related[0].span.start);
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 13);
    tfl_result_free(&res);
}

/* --host-passwd / --host-group: the message names the host account, and
 * an ID in the safe range that a host account has is reported too. */
static void test_ids_host_accounts(void **state)
{
    static const char passwd[] = "alice:x:1000:1000::/home/alice:/bin/sh\n"
                                 "ldap:x:20000:20000::/home/ldap:/bin/sh\n";
    static const char group[] = "alice:x:1000:\n";
    tfl_hostdb users = {0}, groups = {0};
    tfl_config cfg;
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    assert_int_equal(
        tfl_hostdb_parse(&users, "p", passwd, sizeof passwd - 1, false, NULL),
        0);
    assert_int_equal(
        tfl_hostdb_parse(&groups, "g", group, sizeof group - 1, true, NULL), 0);
    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.host_users = users.accounts;
    cfg.nhost_users = users.n;
    cfg.host_groups = groups.accounts;
    cfg.nhost_groups = groups.n;
    lint_cfg(&cfg,
             "FROM debian:12\nRUN useradd -l -u 1000 a && "
             "useradd -l -u 20000 b\nUSER 1001:1000\n",
             &res);
    assert_int_equal(tfl_test_count(&res, "TF401"), 4);
    f = tfl_test_find(&res, "TF401", 0);
    assert_string_equal(f->message,
                        "UID 1000 is below 10000: on a host without "
                        "user-namespace remapping it is the host's account "
                        "'alice'; use one in 10000-65535");
    f = tfl_test_find(&res, "TF401", 1);
    assert_string_equal(f->message,
                        "UID 20000 is the host's account 'ldap': on a host "
                        "without user-namespace remapping the container acts "
                        "as it; use one no host account has");
    f = tfl_test_find(&res, "TF401", 2);
    assert_non_null(strstr(f->message, "it is a real host account"));
    f = tfl_test_find(&res, "TF401", 3);
    assert_non_null(strstr(f->message, "GID 1000 is below"));
    assert_non_null(strstr(f->message, "the host's group 'alice'"));
    tfl_result_free(&res);
    tfl_config_free(&cfg);
    tfl_hostdb_free(&users);
    tfl_hostdb_free(&groups);
}

/* --build-arg values replace defaults: an empty ARG given one is fine, a
 * build-arg ID is judged and named. */
static void test_ids_build_args(void **state)
{
    static const tfl_build_arg args[] = {{"APP_USER", "10001"},
                                         {"APP_UID", "1002"}};
    tfl_config cfg;
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.build_args = args;
    cfg.nbuild_args = 2;
    lint_cfg(&cfg,
             "FROM debian:12\nARG APP_USER\nARG APP_UID=10001\n"
             "RUN useradd -l -u $APP_UID app\nUSER $APP_USER\n",
             &res);
    assert_int_equal(tfl_test_count(&res, "TF503"), 0);
    assert_int_equal(tfl_test_count(&res, "TF401"), 1);
    f = tfl_test_find(&res, "TF401", 0);
    assert_non_null(strstr(f->message, "UID 1002 (--build-arg APP_UID) is"));
    tfl_result_free(&res);
    tfl_config_free(&cfg);
}

/* The safe range is configurable. */
static void test_ids_safe_range(void **state)
{
    tfl_config cfg;
    tfl_result res;

    (void)state;
    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.safe_id_min = 1000;
    cfg.safe_id_max = 60000;
    lint_cfg(&cfg,
             "FROM debian:12\nRUN useradd -l -u 1001 a && "
             "useradd -l -u 999 b && useradd -l -u 60001 c\n",
             &res);
    assert_int_equal(tfl_test_count(&res, "TF401"), 1);
    assert_non_null(strstr(tfl_test_find(&res, "TF401", 0)->message,
                           "UID 999 is below 1000"));
    assert_int_equal(tfl_test_count(&res, "TF402"), 1);
    assert_non_null(strstr(tfl_test_find(&res, "TF402", 0)->message,
                           "UID 60001 is above 60000"));
    tfl_result_free(&res);
    tfl_config_free(&cfg);
}

/* TF405 with base-image facts: old shadow named, new shadow silent. */
static void test_ids_lastlog_facts(void **state)
{
    tfl_facts *facts;
    tfl_config cfg;
    tfl_result res;
    const tfl_finding *f;

    (void)state;
    assert_int_equal(tfl_facts_new(&facts), 0);
    assert_int_equal(tfl_facts_load_builtin(facts, NULL), 0);
    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.facts = facts;
    lint_cfg(&cfg, "FROM ubuntu:22.04\nRUN useradd -u 1000000 app\n", &res);
    assert_int_equal(tfl_test_count(&res, "TF405"), 1);
    f = tfl_test_find(&res, "TF405", 0);
    assert_string_equal(f->message,
                        "UID 1000000 is given to useradd without -l: this "
                        "base's shadow, older than 4.13, writes "
                        "/var/log/lastlog and /var/log/faillog as sparse "
                        "files of 278.5 MiB and 30.5 MiB, which the layer "
                        "stores in full; add -l (--no-log-init)");
    tfl_result_free(&res);
    lint_cfg(&cfg, "FROM debian:12\nRUN useradd -u 1000000 app\n", &res);
    assert_int_equal(tfl_test_count(&res, "TF405"), 0);
    tfl_result_free(&res);
    tfl_config_free(&cfg);
    tfl_facts_free(facts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_example1),
        cmocka_unit_test(test_ids_example3),
        cmocka_unit_test(test_ids_related),
        cmocka_unit_test(test_ids_host_accounts),
        cmocka_unit_test(test_ids_build_args),
        cmocka_unit_test(test_ids_safe_range),
        cmocka_unit_test(test_ids_lastlog_facts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
