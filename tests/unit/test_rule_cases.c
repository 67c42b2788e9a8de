/*
 * Data-driven rule cases. tests/rules/<ID>/<case>.Dockerfile is linted and
 * the findings of rule <ID> (only that rule) are compared with
 * <case>.expected, one finding per line:
 *
 *     LINE:COL-ENDLINE:ENDCOL SEVERITY message
 *
 * with positions as tfl_source_pos() gives them (1-based, UTF-16 columns,
 * end exclusive). Empty lines of the expected file are ignored. Each case
 * is its own cmocka test, named <ID>/<case>; a mismatch prints both lists.
 * An optional <case>.config (a .tflint.yaml) configures the run. The
 * built-in base-image facts are loaded, as the command line does.
 * A further test checks that every rule of the table has cases.
 */
#include "support.h"

#include "tflint/config.h"
#include "tflint/facts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CASES_DIR TFL_SOURCE_DIR "/tests/rules"

static tfl_facts *facts;

typedef struct lines {
    char **v;
    size_t n;
} lines;

static void lines_add(lines *l, const char *s, size_t len)
{
    char *c = malloc(len + 1);

    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    assert_non_null(c);
    assert_non_null(l->v);
    memcpy(c, s, len);
    c[len] = '\0';
    l->v[l->n++] = c;
}

static void lines_free(lines *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static void expected_lines(const char *path, lines *out)
{
    char *text = tfl_test_read(path, NULL), *p, *e;

    if (!text)
        fail_msg("cannot read '%s'", path);
    for (p = text; *p; p = *e ? e + 1 : e) {
        size_t len;

        e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        len = (size_t)(e - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len)
            lines_add(out, p, len);
    }
    free(text);
}

static void actual_lines(const tfl_result *res, const char *id, lines *out)
{
    size_t i;

    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        tfl_pos a, b;
        char *buf;
        int n;

        if (strcmp(f->rule->id, id) != 0)
            continue;
        a = tfl_source_pos(&res->src, f->span.start);
        b = tfl_source_pos(&res->src, f->span.end);
        n = snprintf(NULL, 0, "%u:%u-%u:%u %s %s", a.line, a.col, b.line, b.col,
                     tfl_severity_name(f->severity), f->message);
        buf = malloc((size_t)n + 1);
        assert_non_null(buf);
        snprintf(buf, (size_t)n + 1, "%u:%u-%u:%u %s %s", a.line, a.col, b.line,
                 b.col, tfl_severity_name(f->severity), f->message);
        lines_add(out, buf, (size_t)n);
        free(buf);
    }
}

/* state: "<ID>/<case>" */
static void run_case(void **state)
{
    const char *name = *state;
    char path[4096], id[64];
    lines want = {0}, got = {0};
    tfl_result res;
    size_t i, len;
    char *text;
    bool same;

    snprintf(id, sizeof id, "%.*s", (int)strcspn(name, "/"), name);
    snprintf(path, sizeof path, "%s/%s.Dockerfile", CASES_DIR, name);
    text = tfl_test_read(path, &len);
    if (!text)
        fail_msg("cannot read '%s'", path);
    {
        tfl_settings settings;
        tfl_conf_error err;
        tfl_config cfg;
        struct stat st;

        tfl_settings_init(&settings);
        assert_int_equal(tfl_config_init(&cfg), 0);
        cfg.facts = facts;
        snprintf(path, sizeof path, "%s/%s.config", CASES_DIR, name);
        if (stat(path, &st) == 0 &&
            (tfl_settings_load(&settings, path, &err) != 0 ||
             tfl_settings_apply(&settings, &cfg, &err) != 0))
            fail_msg("%s:%u:%u: %s", path, err.line, err.col, err.message);
        assert_int_equal(tfl_lint_buffer(&cfg, "Dockerfile", text, len, &res),
                         0);
        tfl_config_free(&cfg);
        tfl_settings_free(&settings);
    }
    free(text);
    snprintf(path, sizeof path, "%s/%s.expected", CASES_DIR, name);
    expected_lines(path, &want);
    actual_lines(&res, id, &got);
    tfl_result_free(&res);

    same = want.n == got.n;
    for (i = 0; same && i < want.n; i++)
        same = strcmp(want.v[i], got.v[i]) == 0;
    if (!same) {
        print_message("%s: findings differ\n", name);
        for (i = 0; i < want.n || i < got.n; i++) {
            if (i < want.n && i < got.n && strcmp(want.v[i], got.v[i]) == 0) {
                print_message("  %s\n", want.v[i]);
                continue;
            }
            if (i < want.n)
                print_message("- %s\n", want.v[i]);
            if (i < got.n)
                print_message("+ %s\n", got.v[i]);
        }
    }
    lines_free(&want);
    lines_free(&got);
    assert_true(same);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every "<ID>/<case>" under CASES_DIR, sorted. */
static lines find_cases(void)
{
    lines out = {0}, dirs = {0};
    DIR *d = opendir(CASES_DIR);
    struct dirent *e;
    size_t i;

    if (!d)
        return out;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            lines_add(&dirs, e->d_name, strlen(e->d_name));
    closedir(d);
    qsort(dirs.v, dirs.n, sizeof *dirs.v, cmp_str);
    for (i = 0; i < dirs.n; i++) {
        char path[4096];
        size_t first = out.n;

        snprintf(path, sizeof path, "%s/%s", CASES_DIR, dirs.v[i]);
        d = opendir(path);
        if (!d)
            continue;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            char buf[4096];

            if (n <= 11 || strcmp(e->d_name + n - 11, ".Dockerfile") != 0)
                continue;
            snprintf(buf, sizeof buf, "%s/%.*s", dirs.v[i], (int)(n - 11),
                     e->d_name);
            lines_add(&out, buf, strlen(buf));
        }
        closedir(d);
        qsort(out.v + first, out.n - first, sizeof *out.v, cmp_str);
    }
    lines_free(&dirs);
    return out;
}

static lines all_cases;

/* Every rule has at least three cases, and every case directory names a
 * rule. */
static void test_rule_cases_cover_rules(void **state)
{
    const tfl_rule *const *rules;
    size_t n, i, k;

    (void)state;
    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        size_t count = 0, len = strlen(rules[i]->id);

        for (k = 0; k < all_cases.n; k++)
            if (strncmp(all_cases.v[k], rules[i]->id, len) == 0 &&
                all_cases.v[k][len] == '/')
                count++;
        if (count < 3)
            fail_msg("%s has %zu cases under tests/rules, want 3 or more",
                     rules[i]->id, count);
    }
    for (k = 0; k < all_cases.n; k++) {
        char id[64];

        snprintf(id, sizeof id, "%.*s", (int)strcspn(all_cases.v[k], "/"),
                 all_cases.v[k]);
        if (!tfl_rule_lookup(id) || strcmp(tfl_rule_lookup(id)->id, id) != 0)
            fail_msg("tests/rules/%s names no rule", id);
    }
}

int main(void)
{
    struct CMUnitTest *tests;
    size_t i;
    int rc;

    if (tfl_facts_new(&facts) != 0 || tfl_facts_load_builtin(facts, NULL) != 0)
        return 1;
    all_cases = find_cases();
    tests = calloc(all_cases.n + 1, sizeof *tests);
    if (!tests)
        return 1;
    tests[0].name = "test_rule_cases_cover_rules";
    tests[0].test_func = test_rule_cases_cover_rules;
    for (i = 0; i < all_cases.n; i++) {
        tests[i + 1].name = all_cases.v[i];
        tests[i + 1].test_func = run_case;
        tests[i + 1].initial_state = all_cases.v[i];
    }
    rc = _cmocka_run_group_tests("rule_cases", tests, all_cases.n + 1, NULL,
                                 NULL);
    free(tests);
    lines_free(&all_cases);
    tfl_facts_free(facts);
    return rc;
}
