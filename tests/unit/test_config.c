/*
 * The configuration: every key of .tflint.yaml loaded and applied, the
 * keys of .hadolint.yaml that map, the TFLINT_* variables and their place
 * between file and options, each error with its message and position,
 * finding the file in a directory tree, custom rules (with a pattern that
 * backtracks without end), and --print-config output read back.
 *
 * Files are written under a scratch directory made per test.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tflint/config.h"
#include "tflint/explain.h"
#include "tflint/facts.h"

/* --- Fixtures ------------------------------------------------------------- */

typedef struct fixture {
    char dir[256];
    tfl_settings s;
    tfl_config cfg;
    tfl_conf_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "%s/tflint-config.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    tfl_settings_init(&f->s);
    if (tfl_config_init(&f->cfg) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[512];

    tfl_config_free(&f->cfg);
    tfl_settings_free(&f->s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Write `text` to `dir/rel` (directories made as needed); the path is
 * kept in a static buffer. */
static const char *put_file(const fixture *f, const char *rel, const char *text)
{
    static char path[512];
    char *slash;
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s", f->dir, rel);
    for (slash = strchr(path + strlen(f->dir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0777);
        *slash = '/';
    }
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Load `text` as `dir/.tflint.yaml` (or the hadolint name); the result. */
static int load(fixture *f, const char *name, const char *text)
{
    return tfl_settings_load(&f->s, put_file(f, name, text), &f->err);
}

/* Load and apply, both expected to succeed. */
static void load_ok(fixture *f, const char *text)
{
    int rc = load(f, ".tflint.yaml", text);

    if (rc != 0)
        fail_msg("load failed: %u:%u: %s", f->err.line, f->err.col,
                 f->err.message);
    rc = tfl_settings_apply(&f->s, &f->cfg, &f->err);
    if (rc != 0)
        fail_msg("apply failed: %s", f->err.message);
}

/* Loading `text` fails at `line`:`col` with `msg`. */
static void load_fails(fixture *f, const char *text, uint32_t line,
                       uint32_t col, const char *msg)
{
    int rc = load(f, ".tflint.yaml", text);

    assert_int_equal(rc, TFL_CONF_EINVAL);
    if (strcmp(f->err.message, msg) != 0)
        fail_msg("message '%s', want '%s'", f->err.message, msg);
    if (f->err.line != line || f->err.col != col)
        fail_msg("'%s' at %u:%u, want %u:%u", msg, f->err.line, f->err.col,
                 line, col);
    assert_non_null(f->err.file);
    assert_non_null(strstr(f->err.file, ".tflint.yaml"));
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);
}

static void lint(const fixture *f, const char *text, tfl_result *res)
{
    assert_int_equal(
        tfl_lint_buffer(&f->cfg, "Dockerfile", text, strlen(text), res), 0);
}

static size_t rule_index(const char *name)
{
    const tfl_rule *r = tfl_rule_lookup(name);

    assert_non_null(r);
    return tfl_rule_index(r);
}

/* A fake environment for tfl_settings_env(). */
static const char *const *fake_env;

static char *get_fake(const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; fake_env && fake_env[i]; i++)
        if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
            return (char *)fake_env[i] + n + 1;
    return NULL;
}

/* --- Keys ----------------------------------------------------------------- */

static void test_config_rule_keys(void **state)
{
    fixture *f = *state;

    load_ok(f, "# rules\n"
               "failure-threshold: error\n"
               "ignore: [TF111, json-args-recommended, DL4000]\n"
               "severity:\n"
               "  TF105: error\n"
               "  DL3026: info\n");
    assert_int_equal(f->cfg.threshold, TFL_SEV_ERROR);
    assert_int_equal(f->cfg.disabled[rule_index("TF111")], 1);
    assert_int_equal(f->cfg.disabled[rule_index("TF104")], 1);
    assert_int_equal(f->cfg.disabled[rule_index("TF106")], 1);
    assert_int_equal(f->cfg.disabled[rule_index("TF105")], 0);
    assert_int_equal(f->cfg.severity[rule_index("TF105")], TFL_SEV_ERROR);
    assert_int_equal(f->cfg.severity[rule_index("TF112")], TFL_SEV_INFO);
    assert_int_equal(f->cfg.severity[rule_index("TF111")], -1);
}

static void test_config_threshold_none(void **state)
{
    fixture *f = *state;

    load_ok(f, "failure-threshold: none\nignore: []\nseverity: {}\n");
    assert_int_equal(f->cfg.threshold, TFL_SEV_NONE);
}

static void test_config_host_keys(void **state)
{
    fixture *f = *state;
    char want[512];

    put_file(f, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
    put_file(f, "etc/group", "root:x:0:\n");
    load_ok(f, "safe-id-min: 20000\nsafe-id-max: 29999\n"
               "host-passwd: etc/passwd\nhost-group: etc/group\n");
    assert_int_equal(f->cfg.safe_id_min, 20000);
    assert_int_equal(f->cfg.safe_id_max, 29999);
    /* relative paths are taken from the file's directory */
    snprintf(want, sizeof want, "%s/etc/passwd", f->dir);
    assert_string_equal(f->s.host_passwd.value, want);
    snprintf(want, sizeof want, "%s/etc/group", f->dir);
    assert_string_equal(f->s.host_group.value, want);
    assert_int_equal(f->s.host_passwd.mark.line, 3);
    /* their accounts reach the rules */
    assert_int_equal(f->cfg.nhost_users, 1);
    assert_string_equal(f->cfg.host_users[0].name, "root");
    assert_int_equal(f->cfg.nhost_groups, 1);
    assert_int_equal(f->cfg.host_groups[0].id, 0);
}

static void test_config_base_images(void **state)
{
    fixture *f = *state;
    const tfl_facts_image *img;

    put_file(f, "facts/extra.txt",
             "image acme-base\n"
             "    match acme/base:*\n"
             "    family alpine\n"
             "    group app 1500\n"
             "    user app 1500 app\n");
    load_ok(f, "base-images:\n  - facts/extra.txt\n");
    assert_non_null(f->cfg.facts);
    img = tfl_facts_lookup(f->cfg.facts, "acme/base:1");
    assert_non_null(img);
    assert_string_equal(img->name, "acme-base");
    /* the built-in entries are still there */
    assert_non_null(tfl_facts_lookup(f->cfg.facts, "debian:12"));
}

static void test_config_trusted_registries(void **state)
{
    fixture *f = *state;
    tfl_result res;

    load_ok(f, "trusted-registries:\n  - docker.io\n  - '*.example.com'\n");
    assert_int_equal(f->cfg.ntrusted_registries, 2);
    assert_string_equal(f->cfg.trusted_registries[1], "*.example.com");
    lint(f,
         "FROM alpine:3.20\nFROM registry.example.com/x:1\n"
         "FROM ghcr.io/x/y:1\n",
         &res);
    assert_int_equal(tfl_test_count(&res, "TF112"), 1);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF112", 0), 3, 6, 3, 19);
    tfl_result_free(&res);
}

static void test_config_secret_pattern(void **state)
{
    fixture *f = *state;
    tfl_result res;

    load_ok(f, "secret-pattern: '^(?:.*_)?pin$'\n");
    assert_non_null(f->cfg.secret_pattern);
    lint(f, "FROM alpine:3.20\nARG CARD_PIN\nARG API_TOKEN\n", &res);
    /* the configured pattern replaces the built-in one */
    assert_int_equal(tfl_test_count(&res, "TF508"), 1);
    tfl_test_assert_span(&res, tfl_test_find(&res, "TF508", 0), 2, 5, 2, 13);
    tfl_result_free(&res);
}

static void test_config_empty_file(void **state)
{
    fixture *f = *state;

    load_ok(f, "# nothing configured\n");
    assert_int_equal(f->cfg.threshold, TFL_SEV_WARNING);
    assert_int_equal(f->s.ncustom, 0);
    /* the built-in base-image facts are on without any key */
    assert_non_null(f->cfg.facts);
}

/* --- Custom rules --------------------------------------------------------- */

static const char custom_yaml[] =
    "custom-rules:\n"
    "  - id: ACME001\n"
    "    name: no-curl-pipe\n"
    "    message: do not pipe curl into a shell\n"
    "    severity: error\n"
    "    instructions: [RUN]\n"
    "    pattern: 'curl[^|]*\\|\\s*(ba)?sh'\n"
    "    description: Download, check, then run.\n"
    "  - id: ACME002\n"
    "    message: no sudo in arguments\n"
    "    match: arguments\n"
    "    pattern: '^sudo$'\n"
    "ignore: [ACME002]\n"
    "severity:\n"
    "  no-curl-pipe: info\n";

static void test_config_custom_rules(void **state)
{
    fixture *f = *state;
    const tfl_rule *r;
    tfl_result res;
    tfl_buf b;

    load_ok(f, custom_yaml);
    r = tfl_rule_lookup("no-curl-pipe");
    assert_non_null(r);
    assert_string_equal(r->id, "ACME001");
    assert_int_equal(r->severity, TFL_SEV_ERROR);
    assert_string_equal(r->summary, "Download, check, then run.");
    assert_string_equal(tfl_rule_lookup("acme002")->name, "acme002");
    assert_int_equal(f->cfg.disabled[rule_index("ACME002")], 1);
    assert_int_equal(f->cfg.severity[rule_index("ACME001")], TFL_SEV_INFO);

    lint(f,
         "FROM alpine:3.20\n"
         "RUN apk add wget && \\\n    curl -fsSL https://x.sh | sh\n"
         "CMD curl x | sh\n",
         &res);
    assert_int_equal(tfl_test_count(&res, "ACME001"), 1);
    assert_int_equal(tfl_test_count(&res, "ACME002"), 0);
    /* the matched text, on the continuation line */
    tfl_test_assert_span(&res, tfl_test_find(&res, "ACME001", 0), 3, 5, 3, 33);
    assert_string_equal(tfl_test_find(&res, "ACME001", 0)->message,
                        "do not pipe curl into a shell");
    assert_int_equal(tfl_test_find(&res, "ACME001", 0)->severity, TFL_SEV_INFO);
    tfl_result_free(&res);

    /* listed and explained like the built-in rules */
    tfl_buf_init(&b, 0);
    tfl_explain_list(&b);
    assert_non_null(strstr(b.data, "ACME001"));
    tfl_buf_reset(&b);
    assert_int_equal(tfl_explain_rule(&b, "ACME001"), 0);
    assert_non_null(strstr(b.data, "no-curl-pipe"));
    tfl_buf_free(&b);

    /* freeing the settings takes them out of the table */
    tfl_config_free(&f->cfg);
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);
    assert_int_equal(tfl_config_init(&f->cfg), 0);
    assert_null(tfl_rule_lookup("ACME001"));
}

static void test_config_custom_arguments(void **state)
{
    fixture *f = *state;
    tfl_result res;

    load_ok(f, "custom-rules:\n"
               "  - id: ACME002\n"
               "    message: no sudo\n"
               "    match: arguments\n"
               "    pattern: '^sudo$'\n"
               "  - id: ACME003\n"
               "    message: heredoc mentions rm -rf /\n"
               "    instructions: [run]\n"
               "    pattern: 'rm -rf /$'\n");
    lint(f,
         "FROM alpine:3.20\nCMD [\"sudo\", \"x\"]\n"
         "RUN <<EOF\necho hi\nrm -rf /\nEOF\n",
         &res);
    assert_int_equal(tfl_test_count(&res, "ACME002"), 1);
    tfl_test_assert_span(&res, tfl_test_find(&res, "ACME002", 0), 2, 6, 2, 12);
    assert_int_equal(tfl_test_count(&res, "ACME003"), 1);
    tfl_test_assert_span(&res, tfl_test_find(&res, "ACME003", 0), 5, 1, 5, 9);
    tfl_result_free(&res);
}

/* A pattern that backtracks without end is stopped by its budget, and
 * the finding says so instead of guessing. */
static void test_config_custom_catastrophic(void **state)
{
    fixture *f = *state;
    const tfl_finding *fd;
    tfl_result res;
    char *text, *p;
    size_t i;

    load_ok(f, "custom-rules:\n"
               "  - id: SLOW1\n"
               "    message: never seen\n"
               "    pattern: '(a|aa)+(b|c)+$'\n");
    lint(f, "FROM alpine:3.20\nRUN aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n",
         &res);
    assert_int_equal(tfl_test_count(&res, "SLOW1"), 1);
    fd = tfl_test_find(&res, "SLOW1", 0);
    tfl_test_assert_span(&res, fd, 2, 1, 2, 4);
    assert_non_null(strstr(fd->message, "the match limit stopped"));
    assert_non_null(strstr(fd->message, "was not checked"));
    tfl_result_free(&res);

    /* many such instructions: the file's budget ends the search */
    text = malloc(64 * 1000 + 32);
    assert_non_null(text);
    p = text + sprintf(text, "FROM alpine:3.20\n");
    for (i = 0; i < 1000; i++)
        p += sprintf(p, "RUN aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n");
    lint(f, text, &res);
    free(text);
    i = tfl_test_count(&res, "SLOW1");
    assert_true(i >= 2 && i < 1000);
    fd = tfl_test_find(&res, "SLOW1", i - 1);
    assert_non_null(strstr(fd->message, "the later instructions were not "
                                        "checked"));
    tfl_result_free(&res);
}

/* --- hadolint ------------------------------------------------------------- */

static void test_config_hadolint(void **state)
{
    fixture *f = *state;
    int rc;

    rc = load(f, ".hadolint.yaml",
              "failure-threshold: ignore\n"
              "ignored: [DL3026, DL3008]\n"
              "override:\n"
              "  error: [DL3006]\n"
              "  style: [DL4000]\n"
              "trustedRegistries: [docker.io, my.registry:5000]\n"
              "label-schema:\n  author: text\n"
              "no-color: true\n");
    assert_int_equal(rc, 0);
    assert_int_equal(f->s.dialect, TFL_CONF_HADOLINT);
    assert_int_equal(tfl_settings_apply(&f->s, &f->cfg, &f->err), 0);
    assert_int_equal(f->cfg.threshold, TFL_SEV_NONE);
    assert_int_equal(f->cfg.disabled[rule_index("TF112")], 1);
    assert_int_equal(f->cfg.severity[rule_index("TF111")], TFL_SEV_ERROR);
    assert_int_equal(f->cfg.severity[rule_index("TF106")], TFL_SEV_STYLE);
    assert_int_equal(f->cfg.ntrusted_registries, 2);
    /* what tflint skips is said, with its place */
    assert_int_equal(f->s.nnotes, 3);
    assert_string_equal(f->s.notes[0].message,
                        "hadolint key 'label-schema' has no tflint "
                        "counterpart, skipped");
    assert_int_equal(f->s.notes[0].mark.line, 7);
    assert_string_equal(f->s.notes[1].message,
                        "hadolint key 'no-color' has no tflint counterpart, "
                        "skipped");
    assert_string_equal(f->s.notes[2].message,
                        "hadolint rule 'DL3008' has no tflint counterpart, "
                        "skipped");
    assert_int_equal(f->s.notes[2].mark.line, 2);
    assert_int_equal(f->s.notes[2].mark.col, 19);
}

static void test_config_hadolint_errors(void **state)
{
    fixture *f = *state;

    /* wrong types of the keys that map are errors there too */
    assert_int_equal(load(f, ".hadolint.yaml", "ignored: DL3026\n"),
                     TFL_CONF_EINVAL);
    assert_string_equal(f->err.message,
                        "'ignore' wants a list of rule names, not a string");
    assert_int_equal(f->err.line, 1);
    assert_int_equal(f->err.col, 10);
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);
    assert_int_equal(
        load(f, ".hadolint.yaml", "override:\n  fatal: [DL3006]\n"),
        TFL_CONF_EINVAL);
    assert_string_equal(f->err.message, "'override' wants error, warning, "
                                        "info or style, not 'fatal'");
    /* tflint's own keys are not hadolint's */
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);
    assert_int_equal(load(f, ".hadolint.yaml", "custom-rules: []\n"), 0);
    assert_int_equal(f->s.nnotes, 1);
}

/* --- Precedence ----------------------------------------------------------- */

static void test_config_precedence(void **state)
{
    fixture *f = *state;
    static const char *const env[] = {
        "TFLINT_FAILURE_THRESHOLD=info", "TFLINT_IGNORE=TF105, TF106,",
        "TFLINT_SEVERITY=TF111=style,DL3026=warning",
        "TFLINT_TRUSTED_REGISTRIES=ghcr.io", NULL};

    assert_int_equal(load(f, ".tflint.yaml",
                          "failure-threshold: error\nignore: [TF104]\n"
                          "severity: {TF111: error, TF101: info}\n"
                          "trusted-registries: [docker.io]\n"),
                     0);
    fake_env = env;
    assert_int_equal(tfl_settings_env(&f->s, get_fake, &f->err), 0);
    fake_env = NULL;
    assert_int_equal(tfl_settings_apply(&f->s, &f->cfg, &f->err), 0);
    /* environment over file: single values replaced, lists added to */
    assert_int_equal(f->cfg.threshold, TFL_SEV_INFO);
    assert_int_equal(f->cfg.disabled[rule_index("TF104")], 1);
    assert_int_equal(f->cfg.disabled[rule_index("TF105")], 1);
    assert_int_equal(f->cfg.disabled[rule_index("TF106")], 1);
    assert_int_equal(f->cfg.severity[rule_index("TF111")], TFL_SEV_STYLE);
    assert_int_equal(f->cfg.severity[rule_index("TF101")], TFL_SEV_INFO);
    assert_int_equal(f->cfg.severity[rule_index("TF112")], TFL_SEV_WARNING);
    assert_int_equal(f->cfg.ntrusted_registries, 2);
    /* the command line comes last, as main applies it */
    assert_int_equal(tfl_config_set_severity(&f->cfg, "TF111", TFL_SEV_ERROR),
                     0);
    f->cfg.threshold = TFL_SEV_WARNING;
    assert_int_equal(f->cfg.severity[rule_index("TF111")], TFL_SEV_ERROR);
}

static void test_config_env_errors(void **state)
{
    fixture *f = *state;
    static const char *const bad[][2] = {
        {"TFLINT_FAILURE_THRESHOLD=loud",
         "TFLINT_FAILURE_THRESHOLD: invalid level 'loud' (error, warning, "
         "info, style or none)"},
        {"TFLINT_IGNORE=TF111,TF999", "TFLINT_IGNORE: unknown rule 'TF999'"},
        {"TFLINT_SEVERITY=TF111", "TFLINT_SEVERITY: wants RULE=LEVEL, not "
                                  "'TF111'"},
        {"TFLINT_SEVERITY=nope=error", "TFLINT_SEVERITY: unknown rule 'nope'"},
        {"TFLINT_SEVERITY=TF111=none",
         "TFLINT_SEVERITY: invalid level 'none' (error, warning, info or "
         "style)"},
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *env[2] = {bad[i][0], NULL};

        fake_env = env;
        assert_int_equal(tfl_settings_env(&f->s, get_fake, &f->err),
                         TFL_CONF_EINVAL);
        fake_env = NULL;
        assert_null(f->err.file);
        assert_string_equal(f->err.message, bad[i][1]);
    }
}

/* --- Errors --------------------------------------------------------------- */

static void test_config_errors_yaml(void **state)
{
    fixture *f = *state;

    load_fails(f, "ignore: [TF111\n", 2, 1,
               "invalid YAML: did not find expected ',' or ']' while parsing "
               "a flow sequence");
    load_fails(f, "ignore: x\n  y: z\n", 2, 4,
               "invalid YAML: mapping values are not allowed in this context");
    load_fails(f, "a: 1\n---\nb: 2\n", 3, 1,
               "the file holds more than one YAML document");
    load_fails(f, "- TF111\n", 1, 1,
               "the configuration wants a mapping of keys, not a list");
}

static void test_config_errors_keys(void **state)
{
    fixture *f = *state;

    load_fails(f, "# c\nignored: [TF111]\n", 2, 1, "unknown key 'ignored'");
    load_fails(f, "ignore: []\nignore: [TF111]\n", 2, 1,
               "duplicate key 'ignore'");
    load_fails(f, "ignore: TF111\n", 1, 9,
               "'ignore' wants a list of rule names, not a string");
    load_fails(f, "ignore: [[TF111]]\n", 1, 10,
               "'ignore' wants a rule name, not a list");
    load_fails(f, "ignore: [TF111, TF999]\n", 1, 17, "unknown rule 'TF999'");
    load_fails(f, "severity: [TF111]\n", 1, 11,
               "'severity' wants a mapping of rules to levels, not a list");
    load_fails(f, "severity:\n  TF111: loud\n", 2, 10,
               "'TF111' wants error, warning, info or style, not 'loud'");
    load_fails(f, "severity:\n  nope: error\n", 2, 3, "unknown rule 'nope'");
    load_fails(f, "failure-threshold: loud\n", 1, 20,
               "'failure-threshold' wants error, warning, info, style or "
               "none, not 'loud'");
    load_fails(f, "failure-threshold: {a: b}\n", 1, 20,
               "'failure-threshold' wants a level, not a mapping");
    load_fails(f, "safe-id-min: -5\n", 1, 14,
               "'safe-id-min' wants a number from 0 to 4294967295, not '-5'");
    load_fails(f, "safe-id-max: 4294967296\n", 1, 14,
               "'safe-id-max' wants a number from 0 to 4294967295, not "
               "'4294967296'");
    load_fails(f, "host-passwd: [a]\n", 1, 14,
               "'host-passwd' wants a file name, not a list");
    load_fails(f, "base-images: facts.txt\n", 1, 14,
               "'base-images' wants a list of file names, not a string");
    load_fails(f, "trusted-registries: [{a: b}]\n", 1, 22,
               "'trusted-registries' wants a registry, not a mapping");
    load_fails(f, "secret-pattern: [a]\n", 1, 17,
               "'secret-pattern' wants a pattern, not a list");
}

static void test_config_errors_patterns(void **state)
{
    fixture *f = *state;

    /* the column points into the pattern when the scalar is plain or
     * simply quoted */
    load_fails(f, "secret-pattern: (abc\n", 1, 21,
               "'secret-pattern' is not a valid pattern: missing closing "
               "parenthesis at offset 4");
    load_fails(f, "secret-pattern: 'a)'\n", 1, 19,
               "'secret-pattern' is not a valid pattern: unmatched closing "
               "parenthesis at offset 1");
    load_fails(f,
               "custom-rules:\n  - id: X1\n    message: m\n"
               "    pattern: \"[z-a]\"\n",
               4, 14,
               "'pattern' is not a valid pattern: range out of order in "
               "character class at offset 3");
}

static void test_config_errors_custom(void **state)
{
    fixture *f = *state;

    load_fails(f, "custom-rules: {id: X}\n", 1, 15,
               "'custom-rules' wants a list of rules, not a mapping");
    load_fails(f, "custom-rules: [X]\n", 1, 16,
               "'custom-rules' wants a list of mappings, not a string");
    load_fails(f, "custom-rules:\n  - message: m\n    pattern: x\n", 2, 5,
               "custom rule has no 'id'");
    load_fails(f, "custom-rules:\n  - id: X1\n    pattern: x\n", 2, 5,
               "custom rule 'X1' has no 'message'");
    load_fails(f, "custom-rules:\n  - id: X1\n    message: m\n", 2, 5,
               "custom rule 'X1' has no 'pattern'");
    load_fails(f,
               "custom-rules:\n  - id: TF900\n    message: m\n"
               "    pattern: x\n",
               2, 9,
               "custom rule id 'TF900' must be a letter then letters, "
               "digits, '-' or '_' (at most 40), not starting with TF, DL "
               "or SC and a digit");
    load_fails(f,
               "custom-rules:\n  - id: image-tag\n    message: m\n"
               "    pattern: x\n",
               2, 9, "custom rule 'image-tag' has the name of rule TF111");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x}\n"
               "  - {id: x1, message: m, pattern: y}\n",
               3, 10, "custom rule 'x1' is defined twice");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x, "
               "instructions: [RUN, RUNN]}\n",
               2, 58, "unknown instruction 'RUNN'");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x, "
               "instructions: RUN}\n",
               2, 52,
               "'instructions' wants a list of instruction keywords, not a "
               "string");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x, "
               "match: words}\n",
               2, 45, "'match' wants text or arguments, not 'words'");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x, "
               "severity: fatal}\n",
               2, 48,
               "'severity' wants error, warning, info or style, not 'fatal'");
    load_fails(f,
               "custom-rules:\n  - {id: X1, message: m, pattern: x, "
               "regex: y}\n",
               2, 38, "unknown key 'custom-rules.regex'");
    load_fails(f, "custom-rules:\n  - {id: X1, id: X2}\n", 2, 14,
               "duplicate key 'custom-rules.id'");
}

static void test_config_errors_apply(void **state)
{
    fixture *f = *state;

    assert_int_equal(
        load(f, ".tflint.yaml", "# files\nhost-passwd: missing/passwd\n"), 0);
    assert_int_equal(tfl_settings_apply(&f->s, &f->cfg, &f->err),
                     TFL_CONF_EINVAL);
    assert_non_null(strstr(f->err.message, "host-passwd: cannot read '"));
    assert_non_null(strstr(f->err.message, "No such file or directory"));
    assert_int_equal(f->err.line, 2);
    assert_int_equal(f->err.col, 14);
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);

    put_file(f, "bad-facts.txt", "image x\n    family martian\n");
    assert_int_equal(load(f, ".tflint.yaml", "base-images: [bad-facts.txt]\n"),
                     0);
    assert_int_equal(tfl_settings_apply(&f->s, &f->cfg, &f->err),
                     TFL_CONF_EINVAL);
    assert_non_null(strstr(f->err.message, "bad-facts.txt:2: "));
    assert_int_equal(f->err.line, 1);
    assert_int_equal(f->err.col, 15);
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);

    assert_int_equal(
        load(f, ".tflint.yaml", "safe-id-min: 3000\nsafe-id-max: 2000\n"), 0);
    assert_int_equal(tfl_settings_apply(&f->s, &f->cfg, &f->err),
                     TFL_CONF_EINVAL);
    assert_string_equal(f->err.message,
                        "safe-id-min (3000) is above safe-id-max (2000)");
}

static void test_config_errors_file(void **state)
{
    fixture *f = *state;
    char path[512];

    snprintf(path, sizeof path, "%s/none.yaml", f->dir);
    assert_int_equal(tfl_settings_load(&f->s, path, &f->err), TFL_CONF_EINVAL);
    assert_non_null(strstr(f->err.message, "cannot read '"));
}

/* --- Finding the file ----------------------------------------------------- */

static void test_config_find(void **state)
{
    fixture *f = *state;
    char dir[512], want[512], *path;

    put_file(f, "repo/.git/HEAD", "ref: refs/heads/main\n");
    put_file(f, "repo/a/b/Dockerfile", "FROM alpine:3.20\n");
    put_file(f, "repo/a/.hadolint.yaml", "ignored: []\n");
    put_file(f, ".tflint.yaml", "ignore: []\n"); /* above the repository */
    snprintf(dir, sizeof dir, "%s/repo/a/b", f->dir);

    /* no .tflint.yaml in the repository: the nearest .hadolint.yaml */
    assert_int_equal(tfl_settings_find(dir, &path), 0);
    snprintf(want, sizeof want, "%s/repo/a/.hadolint.yaml", f->dir);
    assert_string_equal(path, want);
    free(path);

    /* a .tflint.yaml anywhere up to the root wins over it */
    put_file(f, "repo/.tflint.yml", "ignore: []\n");
    assert_int_equal(tfl_settings_find(dir, &path), 0);
    snprintf(want, sizeof want, "%s/repo/.tflint.yml", f->dir);
    assert_string_equal(path, want);
    free(path);

    /* outside a repository only the directory itself counts */
    put_file(f, "plain/sub/x", "");
    snprintf(dir, sizeof dir, "%s/plain/sub", f->dir);
    assert_int_equal(tfl_settings_find(dir, &path), 1);
    assert_null(path);
    snprintf(dir, sizeof dir, "%s/plain", f->dir);
    put_file(f, "plain/.tflint.yaml", "");
    assert_int_equal(tfl_settings_find(dir, &path), 0);
    free(path);

    assert_int_equal(tfl_settings_dialect_of("/x/.hadolint.yml"),
                     TFL_CONF_HADOLINT);
    assert_int_equal(tfl_settings_dialect_of("/hadolint/.tflint.yaml"),
                     TFL_CONF_TFLINT);
}

/* --- Printing ------------------------------------------------------------- */

static void test_config_print_round_trip(void **state)
{
    fixture *f = *state;
    tfl_buf a, b;
    char *body;

    put_file(f, "facts.txt", "image acme\n    match acme/base:*\n");
    load_ok(f, "failure-threshold: info\nignore: [TF101]\n"
               "severity: {TF111: error}\nsafe-id-min: 20000\n"
               "base-images: [facts.txt]\n"
               "trusted-registries: [docker.io, \"it's.example.com\"]\n"
               "secret-pattern: \"tab\\there\"\n"
               "custom-rules:\n"
               "  - {id: ACME1, message: 'say \"no\"', pattern: 'x+', "
               "instructions: [RUN, COPY], match: arguments, bad: \"RUN x\\n\"}"
               "\n");
    tfl_buf_init(&a, 0);
    tfl_settings_print(&f->s, &f->cfg, &a);
    assert_non_null(strstr(a.data, "failure-threshold: info\n"));
    assert_non_null(strstr(a.data, "ignore:\n  - 'TF101'\n"));
    assert_non_null(strstr(a.data, "  'TF111': error\n"));
    assert_non_null(strstr(a.data, "safe-id-min: 20000\nsafe-id-max: 65535\n"));
    assert_non_null(strstr(a.data, "  - 'it''s.example.com'\n"));
    assert_non_null(strstr(a.data, "secret-pattern: \"tab\\there\"\n"));
    assert_non_null(strstr(a.data, "    instructions: [COPY, RUN]\n"));

    /* what it prints configures the same */
    body = strchr(a.data, '\n') + 1;
    tfl_config_free(&f->cfg);
    tfl_settings_free(&f->s);
    tfl_settings_init(&f->s);
    assert_int_equal(tfl_config_init(&f->cfg), 0);
    load_ok(f, body);
    tfl_buf_init(&b, 0);
    tfl_settings_print(&f->s, &f->cfg, &b);
    assert_string_equal(strchr(b.data, '\n') + 1, body);
    tfl_buf_free(&a);
    tfl_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_config_rule_keys),
        T(test_config_threshold_none),
        T(test_config_host_keys),
        T(test_config_base_images),
        T(test_config_trusted_registries),
        T(test_config_secret_pattern),
        T(test_config_empty_file),
        T(test_config_custom_rules),
        T(test_config_custom_arguments),
        T(test_config_custom_catastrophic),
        T(test_config_hadolint),
        T(test_config_hadolint_errors),
        T(test_config_precedence),
        T(test_config_env_errors),
        T(test_config_errors_yaml),
        T(test_config_errors_keys),
        T(test_config_errors_patterns),
        T(test_config_errors_custom),
        T(test_config_errors_apply),
        T(test_config_errors_file),
        T(test_config_find),
        T(test_config_print_round_trip),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
