/*
 * Reports on hand-made results: text lines, the colour snippet and its
 * marker, escaping of hostile bytes, and SARIF checked for JSON validity and
 * for the fields code scanning needs.
 */
#include "support.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tflint/report.h"
#include "tflint/rule.h"
#include "report_impl.h"
#include "utf8.h"

/* Add a TF100 finding on the first occurrence of `word` in the source. */
static tfl_finding *add_finding(tfl_result *res, const char *word,
                                tfl_severity sev, const char *message)
{
    return tfl_test_add(res, "TF100", word, sev, message);
}

static void test_report_json_checker(void **state)
{
    (void)state;
    assert_true(
        tfl_test_json_valid("{\"a\": [1, -2.5e3, true, null, \"\\u00e9\"]}"));
    assert_false(tfl_test_json_valid("{\"a\": [1,]}"));
    assert_false(tfl_test_json_valid("{\"a\": \"\x01\"}"));
    assert_false(tfl_test_json_valid("{\"a\": \"\xff\"}"));
    assert_false(tfl_test_json_valid("{\"a\": 1} x"));
    assert_false(tfl_test_json_valid("{\"a\" 1}"));
}

/* --- Text ----------------------------------------------------------------- */

static void test_report_format_names(void **state)
{
    (void)state;
    assert_int_equal(tfl_format_parse("text"), TFL_FORMAT_TEXT);
    assert_int_equal(tfl_format_parse("sarif"), TFL_FORMAT_SARIF);
    assert_int_equal(tfl_format_parse("json"), TFL_FORMAT_JSON);
    assert_int_equal(tfl_format_parse("codeclimate"), TFL_FORMAT_GITLAB);
    assert_int_equal(tfl_format_parse("xml"), -1);
    assert_string_equal(tfl_report_path("././a/Dockerfile"), "a/Dockerfile");
    assert_string_equal(tfl_report_path(".//b"), "b");
    assert_string_equal(tfl_report_path("../c"), "../c");
}

static void test_report_text_lines(void **state)
{
    tfl_result res;
    char *s;

    (void)state;
    tfl_test_result(&res, "./dir/Dockerfile",
                    "FROM a\nRUN \xF0\x9F\x98\x80 b\n");
    add_finding(&res, "a", TFL_SEV_WARNING, "image 'a' has no tag");
    add_finding(&res, "b", TFL_SEV_STYLE, "b is odd");
    s = tfl_test_render(TFL_FORMAT_TEXT, false, &res, "gone", 2);
    /* the emoji counts two UTF-16 units: "RUN " 4 + 2 + " " 1 -> col 8 */
    assert_string_equal(s, "dir/Dockerfile:1:6: warning: image 'a' has no "
                           "tag [TF100]\n"
                           "dir/Dockerfile:2:8: style: b is odd [TF100]\n");
    free(s);
    tfl_result_free(&res);
}

static void test_report_text_escapes(void **state)
{
    tfl_result res;
    char *s;

    (void)state;
    tfl_test_result(&res, "evil\x1b]0;x\x07", "FROM a\n");
    add_finding(&res, "a", TFL_SEV_ERROR,
                "word '\x1b[2Jx' then\nnew\tline \xC2\x9B \xE2\x80\xAE \xFF");
    s = tfl_test_render(TFL_FORMAT_TEXT, false, &res, NULL, 1);
    assert_null(strchr(s, '\x1b'));
    assert_string_equal(s,
                        "evil^[]0;x^G:1:6: error: word '^[[2Jx' then^Jnew line "
                        "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD [TF100]\n");
    free(s);
    tfl_result_free(&res);
}

#define C_PATH "\033[1m"
#define C_RESET "\033[0m"
#define C_ERR "\033[1;31m"
#define C_MARK "\033[1;32m"

static void test_report_text_color_marker(void **state)
{
    tfl_result res;
    char *s;

    (void)state;
    tfl_test_result(&res, "D", "FROM a\n\tRUN  foo bar\n");
    add_finding(&res, "foo", TFL_SEV_ERROR, "m");
    s = tfl_test_render(TFL_FORMAT_TEXT, true, &res, NULL, 1);
    assert_string_equal(s, C_PATH "D:2:7: " C_RESET C_ERR "error:" C_RESET
                                  " m [TF100]\n"
                                  "    2 | \tRUN  foo bar\n"
                                  "      | \t     " C_MARK "^~~" C_RESET "\n");
    free(s);
    tfl_result_free(&res);
}

static void test_report_text_marker_multiline(void **state)
{
    tfl_result res;
    tfl_finding *f;
    char *s, *snip;

    (void)state;
    tfl_test_result(&res, "D", "RUN a \x1b b \\\n  c\n");
    f = add_finding(&res, "b", TFL_SEV_ERROR, "m");
    f->span.end = tfl_test_span(&res, "c").end; /* runs onto the next line */
    s = tfl_test_render(TFL_FORMAT_TEXT, true, &res, NULL, 1);
    snip = strstr(s, "    1 | ");
    assert_non_null(snip);
    /* ESC shows as "^[" (two columns), the marker runs to the line's end */
    assert_string_equal(snip, "    1 | RUN a ^[ b \\\n"
                              "      |          " C_MARK "^~~" C_RESET "\n");
    free(s);
    tfl_result_free(&res);
}

static void test_report_text_empty_span(void **state)
{
    tfl_result res;
    tfl_finding *f;
    char *s;

    (void)state;
    tfl_test_result(&res, "D", "FROM a");
    f = add_finding(&res, "a", TFL_SEV_ERROR, "m");
    f->span.start = f->span.end = 6; /* at the end of the file */
    s = tfl_test_render(TFL_FORMAT_TEXT, true, &res, NULL, 1);
    assert_non_null(strstr(s, "D:1:7: "));
    assert_non_null(strstr(s, "      |       " C_MARK "^" C_RESET "\n"));
    free(s);
    tfl_result_free(&res);
}

/* --- SARIF ---------------------------------------------------------------- */

static void test_report_sarif_clean(void **state)
{
    char *s;

    (void)state;
    s = tfl_test_render(TFL_FORMAT_SARIF, false, NULL, NULL, 0);
    assert_true(tfl_test_json_valid(s));
    assert_true(strncmp(s, "{\n  \"version\": \"2.1.0\",\n  \"$schema\"", 35) ==
                0);
    assert_non_null(strstr(s, "\"results\": [],"));
    assert_non_null(strstr(s, "\"executionSuccessful\": true"));
    assert_non_null(strstr(s, "\"exitCode\": 0"));
    assert_non_null(strstr(s, "\"columnKind\": \"utf16CodeUnits\""));
    assert_non_null(
        strstr(s, "\"%SRCROOT%\": {\"uri\": \"file:///src/root/\"}"));
    assert_non_null(strstr(s, "\"version\": \"9.9.9\""));
    assert_non_null(strstr(s, "\"informationUri\": \"" TFL_HOMEPAGE "\""));
    assert_non_null(strstr(s, "{\"id\": \"TF100\", \"name\": \"parse-error\""));
    assert_null(strstr(s, "toolExecutionNotifications"));
    free(s);
}

static void test_report_sarif_results(void **state)
{
    tfl_result res;
    tfl_finding *f;
    char *s;

    (void)state;
    tfl_test_result(&res, "./a b/Dockerfile", "FROM x\nUSER \"\xff\"\n");
    f = add_finding(&res, "x", TFL_SEV_INFO, "bad \"\xff\"\n");
    f->related = tfl_arena_alloc(&res.arena, sizeof *f->related);
    f->related[0].span = tfl_test_span(&res, "USER");
    f->related[0].message = "set here";
    f->nrelated = 1;
    f->fixes = tfl_arena_alloc(&res.arena, sizeof *f->fixes);
    f->fixes[0].span = tfl_test_span(&res, "x");
    f->fixes[0].text = "x:1";
    f->fixes[0].description = "pin it";
    f->nfixes = 1;
    f = add_finding(&res, "USER \"\xff\"\n", TFL_SEV_ERROR, "whole line");
    s = tfl_test_render(TFL_FORMAT_SARIF, false, &res, NULL, 1);
    assert_true(tfl_test_json_valid(s));
    assert_non_null(strstr(
        s, "{\"ruleId\": \"TF100\", \"ruleIndex\": 0, \"level\": \"note\", "
           "\"message\": {\"text\": \"bad \\\"\xEF\xBF\xBD\\\"\\n\"}, "
           "\"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
           "{\"uri\": \"a%20b/Dockerfile\", \"uriBaseId\": \"%SRCROOT%\"}, "
           "\"region\": {\"startLine\": 1, \"startColumn\": 6, \"endLine\": "
           "1, \"endColumn\": 7}}}]"));
    assert_non_null(strstr(s, "\"relatedLocations\": [{\"id\": 1, "));
    assert_non_null(strstr(s, "\"message\": {\"text\": \"set here\"}"));
    assert_non_null(
        strstr(s, "\"replacements\": [{\"deletedRegion\": {\"startLine\": 1, "
                  "\"startColumn\": 6, \"endLine\": 1, \"endColumn\": 7}, "
                  "\"insertedContent\": {\"text\": \"x:1\"}}]"));
    assert_non_null(strstr(s, "\"description\": {\"text\": \"pin it\"}"));
    /* a span through the newline ends on its own line */
    assert_non_null(strstr(s, "\"level\": \"error\""));
    assert_non_null(strstr(s, "\"startLine\": 2, \"startColumn\": 1, "
                              "\"endLine\": 2, \"endColumn\": 9}"));
    assert_non_null(strstr(s, "\"executionSuccessful\": true"));
    assert_non_null(strstr(s, "\"exitCode\": 1"));
    free(s);
    tfl_result_free(&res);
}

static void test_report_sarif_failure(void **state)
{
    char *s;

    (void)state;
    s = tfl_test_render(TFL_FORMAT_SARIF, false, NULL, "/abs/Docker file", 2);
    assert_true(tfl_test_json_valid(s));
    assert_non_null(strstr(s, "\"executionSuccessful\": false"));
    assert_non_null(strstr(s, "\"exitCode\": 2"));
    assert_non_null(strstr(
        s, "{\"level\": \"error\", \"descriptor\": {\"id\": \"TF000\"}, "
           "\"message\": {\"text\": \"cannot read 'x': nope\"}, "
           "\"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
           "{\"uri\": \"file:///abs/Docker%20file\"}}}]}"));
    free(s);
}

/* Results are written as each file comes: the first file's result is gone
 * before the second is reported, and the log still holds both. */
static void test_report_sarif_streams(void **state)
{
    tfl_report_opts opts = {false, NULL, NULL};
    tfl_reporter *rep = tfl_report_new(TFL_FORMAT_SARIF, &opts);
    tfl_result res;
    tfl_buf out;
    size_t after_first;

    (void)state;
    assert_non_null(rep);
    tfl_buf_init(&out, 0);
    tfl_test_result(&res, "one", "FROM one\n");
    add_finding(&res, "one", TFL_SEV_WARNING, "first");
    tfl_report_file(rep, &out, &res);
    tfl_result_free(&res);
    assert_non_null(strstr(out.data, "\"text\": \"first\""));
    after_first = out.len;

    tfl_test_result(&res, "two", "FROM two\n");
    add_finding(&res, "two", TFL_SEV_WARNING, "second");
    tfl_report_file(rep, &out, &res);
    tfl_result_free(&res);
    assert_true(out.len > after_first);
    tfl_report_failure(rep, &out, "three", "cannot read 'three': gone");
    tfl_report_end(rep, &out, 2);
    tfl_report_free(rep);
    assert_true(tfl_test_json_valid(out.data));
    assert_non_null(strstr(out.data, "\"text\": \"second\""));
    assert_non_null(
        strstr(out.data, "\"%SRCROOT%\": {\"description\": {\"text\":"));
    assert_non_null(strstr(out.data, "\"uri\": \"three\""));
    tfl_buf_free(&out);
}

/* The log with results, related locations, fixes and a notification
 * passes the shared validator (schema and GitHub's ingestion rules). */
static void test_report_sarif_validates(void **state)
{
    const char *validator = tfl_test_shared("tools/validate-sarif.sh");
    char path[] = "/tmp/tfl-report-XXXXXX", cmd[1024];
    tfl_result res;
    tfl_finding *f;
    char *s;
    FILE *fp;
    int fd;

    (void)state;
    TFL_REQUIRE_SHARED(validator);
    if (access(validator, X_OK) != 0 ||
        system("command -v node >/dev/null 2>&1") != 0) {
        print_message("SKIPPED: validate-sarif.sh or node not available\n");
        skip();
    }
    tfl_test_result(&res, "./sub/Dockerfile", "FROM x\nUSER root\n");
    f = add_finding(&res, "x", TFL_SEV_WARNING, "image 'x' has no tag");
    f->related = tfl_arena_alloc(&res.arena, sizeof *f->related);
    f->related[0].span = tfl_test_span(&res, "root");
    f->related[0].message = "used here";
    f->nrelated = 1;
    f->fixes = tfl_arena_alloc(&res.arena, sizeof *f->fixes);
    f->fixes[0].span = tfl_test_span(&res, "x");
    f->fixes[0].text = "x:1.0";
    f->fixes[0].description = "pin the tag";
    f->nfixes = 1;
    add_finding(&res, "root", TFL_SEV_STYLE, "style");
    s = tfl_test_render(TFL_FORMAT_SARIF, false, &res, "missing", 2);
    tfl_result_free(&res);

    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(s, fp);
    fclose(fp);
    free(s);
    snprintf(cmd, sizeof cmd, "'%s' --github --quiet '%s'", validator, path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_json_checker),
        cmocka_unit_test(test_report_format_names),
        cmocka_unit_test(test_report_text_lines),
        cmocka_unit_test(test_report_text_escapes),
        cmocka_unit_test(test_report_text_color_marker),
        cmocka_unit_test(test_report_text_marker_multiline),
        cmocka_unit_test(test_report_text_empty_span),
        cmocka_unit_test(test_report_sarif_clean),
        cmocka_unit_test(test_report_sarif_results),
        cmocka_unit_test(test_report_sarif_failure),
        cmocka_unit_test(test_report_sarif_streams),
        cmocka_unit_test(test_report_sarif_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
