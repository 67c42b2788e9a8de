/*
 * The machine formats (github, json, checkstyle, gitlab, junit) on one
 * hand-made result whose text is hostile to each of them: quotes, '<',
 * '&', '%', ':' and ',' (also in the path), line breaks followed by
 * workflow commands, an escape character and invalid UTF-8. Each format is
 * compared with a golden copy and checked for what its consumers need: the
 * JSON ones parse, the XML ones are well-formed, no github line starts
 * with quoted text, GitLab fingerprints survive moved lines.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_impl.h"
#include "tflint/report.h"
#include "tflint/rule.h"

#define FFFD "\xEF\xBF\xBD"

/* The result every golden report below is made from, plus an input that
 * could not be read ("gone, really"). */
static void tricky(tfl_result *res)
{
    tfl_finding *f;

    tfl_test_result(res, "./dir/a,b:c%d.Dockerfile",
                    "FROM x\nUSER \"<&>\"\nRUN a \\\n  b\n");
    f = tfl_test_add(res, "TF111", "x", TFL_SEV_WARNING,
                     "image 'x' has \"no\" tag <&> 100% :: sure, ok");
    f->related = tfl_arena_alloc(&res->arena, sizeof *f->related);
    f->related[0].span = tfl_test_span(res, "USER");
    f->related[0].message = "user <here>";
    f->nrelated = 1;
    f->fixes = tfl_arena_alloc(&res->arena, sizeof *f->fixes);
    f->fixes[0].span = tfl_test_span(res, "x");
    f->fixes[0].text = "x:1 & \"2\"";
    f->fixes[0].description = "pin it";
    f->nfixes = 1;
    tfl_test_add(res, "TF100", "\"<&>\"", TFL_SEV_ERROR,
                 "one\n::add-mask::secret\r\n::stop-commands::tok");
    tfl_test_add(res, "TF509", "a \\\n  b", TFL_SEV_INFO, "bad \xff byte");
    tfl_test_add(res, "TF100", "USER", TFL_SEV_STYLE, "tab\there \x1b[31m");
}

static char *render_tricky(tfl_format format)
{
    tfl_result res;
    char *s;

    tricky(&res);
    s = tfl_test_render(format, false, &res, "gone, really", 2);
    tfl_result_free(&res);
    return s;
}

/* --- Goldens -------------------------------------------------------------- */

static const char golden_json[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"tool\": {\"name\": \"tflint\", \"version\": \"9.9.9\", "
    "\"informationUri\": \"https://github.com/tflint-docker/tflint\"},\n"
    "  \"files\": [\n"
    "    {\"path\": \"dir/a,b:c%d.Dockerfile\", \"findings\": [\n"
    "      {\"rule\": \"TF111\", \"name\": \"image-tag\", \"severity\": "
    "\"warning\", \"message\": \"image 'x' has \\\"no\\\" tag <&> 100% :: "
    "sure, ok\", \"line\": 1, \"column\": 6, \"endLine\": 1, \"endColumn\": 7, "
    "\"related\": [{\"message\": \"user <here>\", \"line\": 2, \"column\": 1, "
    "\"endLine\": 2, \"endColumn\": 5}], \"fixes\": [{\"description\": \"pin "
    "it\", \"line\": 1, \"column\": 6, \"endLine\": 1, \"endColumn\": 7, "
    "\"replacement\": \"x:1 & \\\"2\\\"\"}]},\n"
    "      {\"rule\": \"TF100\", \"name\": \"parse-error\", \"severity\": "
    "\"error\", \"message\": "
    "\"one\\n::add-mask::secret\\r\\n::stop-commands::tok\", \"line\": 2, "
    "\"column\": 6, \"endLine\": 2, \"endColumn\": 11, \"related\": [], "
    "\"fixes\": []},\n"
    "      {\"rule\": \"TF509\", \"name\": \"unused-arg\", \"severity\": "
    "\"info\", \"message\": \"bad " FFFD
    " byte\", \"line\": 3, \"column\": 5, \"endLine\": 4, \"endColumn\": 4, "
    "\"related\": [], \"fixes\": []},\n"
    "      {\"rule\": \"TF100\", \"name\": \"parse-error\", \"severity\": "
    "\"style\", \"message\": \"tab\\there \\u001b[31m\", \"line\": 2, "
    "\"column\": 1, \"endLine\": 2, \"endColumn\": 5, \"related\": [], "
    "\"fixes\": []}\n"
    "    ]}\n"
    "  ],\n"
    "  \"failures\": [\n"
    "    {\"path\": \"gone, really\", \"message\": \"cannot read 'x': nope\"}\n"
    "  ],\n"
    "  \"exitStatus\": 2\n"
    "}\n";

static const char golden_github[] =
    "::warning "
    "file=dir/"
    "a%2Cb%3Ac%25d.Dockerfile,line=1,endLine=1,col=6,endColumn=7,title=TF111 "
    "image-tag::image 'x' has \"no\" tag <&> 100%25 :: sure, ok\n"
    "::error "
    "file=dir/"
    "a%2Cb%3Ac%25d.Dockerfile,line=2,endLine=2,col=6,endColumn=11,title=TF100 "
    "parse-error::one%0A::add-mask::secret%0D%0A::stop-commands::tok\n"
    "::notice file=dir/a%2Cb%3Ac%25d.Dockerfile,line=3,endLine=4,title=TF509 "
    "unused-arg::bad " FFFD " byte\n"
    "::notice "
    "file=dir/"
    "a%2Cb%3Ac%25d.Dockerfile,line=2,endLine=2,col=1,endColumn=5,title=TF100 "
    "parse-error::tab\there " FFFD "[31m\n"
    "::error file=gone%2C really,title=TF000 unreadable-input::cannot read "
    "'x': nope\n";

static const char golden_checkstyle[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checkstyle version=\"4.3\">\n"
    "  <file name=\"dir/a,b:c%d.Dockerfile\">\n"
    "    <error line=\"1\" column=\"6\" severity=\"warning\" message=\"image "
    "&apos;x&apos; has &quot;no&quot; tag &lt;&amp;&gt; 100% :: sure, ok\" "
    "source=\"tflint.TF111\"/>\n"
    "    <error line=\"2\" column=\"6\" severity=\"error\" "
    "message=\"one&#10;::add-mask::secret&#13;&#10;::stop-commands::tok\" "
    "source=\"tflint.TF100\"/>\n"
    "    <error line=\"3\" column=\"5\" severity=\"info\" message=\"bad " FFFD
    " byte\" source=\"tflint.TF509\"/>\n"
    "    <error line=\"2\" column=\"1\" severity=\"info\" "
    "message=\"tab&#9;here " FFFD "[31m\" source=\"tflint.TF100\"/>\n"
    "  </file>\n"
    "  <file name=\"gone, really\">\n"
    "    <error severity=\"error\" message=\"cannot read &apos;x&apos;: nope\" "
    "source=\"tflint.TF000\"/>\n"
    "  </file>\n"
    "</checkstyle>\n";

static const char golden_gitlab[] =
    "[\n"
    "  {\"type\": \"issue\", \"check_name\": \"TF111\", \"description\": "
    "\"image 'x' has \\\"no\\\" tag <&> 100% :: sure, ok\", \"categories\": "
    "[\"Bug Risk\"], \"severity\": \"major\", \"fingerprint\": "
    "\"d87b934b0186da8ffc6739ce2319ac4c\", \"engine_name\": \"tflint\", "
    "\"location\": {\"path\": \"dir/a,b:c%d.Dockerfile\", \"lines\": "
    "{\"begin\": 1, \"end\": 1}}},\n"
    "  {\"type\": \"issue\", \"check_name\": \"TF100\", \"description\": "
    "\"one\\n::add-mask::secret\\r\\n::stop-commands::tok\", \"categories\": "
    "[\"Bug Risk\"], \"severity\": \"critical\", \"fingerprint\": "
    "\"85dd2f696e97b81d12ae8f84031716f6\", \"engine_name\": \"tflint\", "
    "\"location\": {\"path\": \"dir/a,b:c%d.Dockerfile\", \"lines\": "
    "{\"begin\": 2, \"end\": 2}}},\n"
    "  {\"type\": \"issue\", \"check_name\": \"TF509\", \"description\": "
    "\"bad " FFFD
    " byte\", \"categories\": [\"Clarity\"], \"severity\": \"minor\", "
    "\"fingerprint\": \"5bffbe6986ca229d9883675a1cee126b\", \"engine_name\": "
    "\"tflint\", \"location\": {\"path\": \"dir/a,b:c%d.Dockerfile\", "
    "\"lines\": {\"begin\": 3, \"end\": 4}}},\n"
    "  {\"type\": \"issue\", \"check_name\": \"TF100\", \"description\": "
    "\"tab\\there \\u001b[31m\", \"categories\": [\"Bug Risk\"], \"severity\": "
    "\"info\", \"fingerprint\": \"76b55d0ec3280f23ee9bd655aedc10f0\", "
    "\"engine_name\": \"tflint\", \"location\": {\"path\": "
    "\"dir/a,b:c%d.Dockerfile\", \"lines\": {\"begin\": 2, \"end\": 2}}},\n"
    "  {\"type\": \"issue\", \"check_name\": \"TF000\", \"description\": "
    "\"cannot read 'x': nope\", \"categories\": [\"Bug Risk\"], \"severity\": "
    "\"blocker\", \"fingerprint\": \"d8386eec29762036fcc8004dbcad3f60\", "
    "\"engine_name\": \"tflint\", \"location\": {\"path\": \"gone, really\", "
    "\"lines\": {\"begin\": 1, \"end\": 1}}}\n"
    "]\n";

static const char golden_junit[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"tflint\">\n"
    "  <testsuite name=\"dir/a,b:c%d.Dockerfile\" tests=\"3\" failures=\"3\" "
    "errors=\"0\">\n"
    "    <testcase name=\"TF100 parse-error\" "
    "classname=\"dir/a,b:c%d.Dockerfile\" file=\"dir/a,b:c%d.Dockerfile\">\n"
    "      <failure "
    "message=\"one&#10;::add-mask::secret&#13;&#10;::stop-commands::tok (and 1 "
    "more)\" type=\"error\">dir/a,b:c%d.Dockerfile:2:6: error: "
    "one&#10;::add-mask::secret&#13;&#10;::stop-commands::tok\n"
    "dir/a,b:c%d.Dockerfile:2:1: style: tab&#9;here " FFFD "[31m\n"
    "</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"TF111 image-tag\" "
    "classname=\"dir/a,b:c%d.Dockerfile\" file=\"dir/a,b:c%d.Dockerfile\">\n"
    "      <failure message=\"image &apos;x&apos; has &quot;no&quot; tag "
    "&lt;&amp;&gt; 100% :: sure, ok\" "
    "type=\"warning\">dir/a,b:c%d.Dockerfile:1:6: warning: image &apos;x&apos; "
    "has &quot;no&quot; tag &lt;&amp;&gt; 100% :: sure, ok\n"
    "</failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"TF509 unused-arg\" "
    "classname=\"dir/a,b:c%d.Dockerfile\" file=\"dir/a,b:c%d.Dockerfile\">\n"
    "      <failure message=\"bad " FFFD
    " byte\" type=\"info\">dir/a,b:c%d.Dockerfile:3:5: info: bad " FFFD
    " byte\n"
    "</failure>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "  <testsuite name=\"gone, really\" tests=\"1\" failures=\"0\" "
    "errors=\"1\">\n"
    "    <testcase name=\"TF000 unreadable-input\" classname=\"gone, really\" "
    "file=\"gone, really\">\n"
    "      <error message=\"cannot read &apos;x&apos;: nope\" "
    "type=\"unreadable-input\"/>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

/* --- Checkers ------------------------------------------------------------- */

static void test_formats_xml_checker(void **state)
{
    (void)state;
    assert_true(tfl_test_xml_valid("<?xml version=\"1.0\"?>\n<a x='1' y=\"&lt;"
                                   "&#10;&#x41;\"><b/>t&amp;t<c></c></a>\n"));
    assert_false(tfl_test_xml_valid("<a><b></a></b>"));
    assert_false(tfl_test_xml_valid("<a x=\"<\"/>"));
    assert_false(tfl_test_xml_valid("<a>&bogus;</a>"));
    assert_false(tfl_test_xml_valid("<a>\x01</a>"));
    assert_false(tfl_test_xml_valid("<a>\xff</a>"));
    assert_false(tfl_test_xml_valid("<a/><b/>"));
    assert_false(tfl_test_xml_valid("<a x=1/>"));
}

static void test_formats_names(void **state)
{
    static const struct {
        const char *name;
        int format;
    } names[] = {
        {"text", TFL_FORMAT_TEXT},
        {"sarif", TFL_FORMAT_SARIF},
        {"json", TFL_FORMAT_JSON},
        {"github", TFL_FORMAT_GITHUB},
        {"checkstyle", TFL_FORMAT_CHECKSTYLE},
        {"gitlab", TFL_FORMAT_GITLAB},
        {"codeclimate", TFL_FORMAT_GITLAB},
        {"junit", TFL_FORMAT_JUNIT},
        {"JSON", -1},
        {"xml", -1},
        {"", -1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(tfl_format_parse(names[i].name), names[i].format);
}

/* --- github --------------------------------------------------------------- */

/* Every line is a command tflint wrote or starts with "tflint: ". */
static void assert_lines_safe(const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');

        assert_non_null(nl);
        if (strncmp(s, "::error file=", 13) != 0 &&
            strncmp(s, "::warning file=", 15) != 0 &&
            strncmp(s, "::notice file=", 14) != 0 &&
            strncmp(s, "tflint: ", 8) != 0)
            fail_msg("unsafe line: %.*s", (int)(nl - s), s);
        assert_null(memchr(s, '\r', (size_t)(nl - s)));
        s = nl + 1;
    }
}

static void test_formats_github_golden(void **state)
{
    char *s = render_tricky(TFL_FORMAT_GITHUB);

    (void)state;
    assert_string_equal(s, golden_github);
    assert_lines_safe(s);
    free(s);
}

/* Past 10 of a kind, findings are plain lines; the summary counts them. */
static tfl_reporter *overflow_report(tfl_buf *out)
{
    tfl_report_opts opts = {false, NULL, NULL};
    tfl_reporter *rep = tfl_report_new(TFL_FORMAT_GITHUB, &opts);
    tfl_result res;
    int i;

    assert_non_null(rep);
    tfl_buf_init(out, 0);
    tfl_test_result(&res, "::add-mask::p", "FROM x\nUSER y\n");
    for (i = 0; i < 12; i++)
        tfl_test_add(&res, "TF111", "x", TFL_SEV_WARNING, "\n::m");
    tfl_test_add(&res, "TF509", "y", TFL_SEV_ERROR, "e");
    tfl_report_file(rep, out, &res);
    tfl_result_free(&res);
    tfl_report_end(rep, out, 1);
    return rep;
}

static void test_formats_github_overflow(void **state)
{
    static const char plain[] = "tflint: ::add-mask::p:1:6: warning:  ::m "
                                "[TF111]\n";
    tfl_buf out, diag;
    tfl_reporter *rep = overflow_report(&out);
    const char *p, *first_plain;
    size_t commands = 0;

    (void)state;
    tfl_buf_init(&diag, 0);
    tfl_report_summary(rep, &diag);
    tfl_report_free(rep);
    assert_lines_safe(out.data);
    for (p = out.data; (p = strstr(p, "::warning file=")) != NULL; p++)
        commands++;
    assert_int_equal(commands, 10);
    first_plain = strstr(out.data, plain);
    assert_non_null(first_plain);
    assert_non_null(strstr(first_plain + 1, plain));
    assert_non_null(strstr(out.data, "::error file=%3A%3Aadd-mask%3A%3Ap,"
                                     "line=2,endLine=2,col=6,endColumn=7,"
                                     "title=TF509 unused-arg::e\n"));
    assert_string_equal(diag.data,
                        "tflint: TF111 image-tag: 12 findings, 10 annotated\n"
                        "tflint: TF509 unused-arg: 1 finding, 1 annotated\n"
                        "tflint: 2 findings not annotated (GitHub shows 10 of "
                        "each kind per step); all are in the log\n");
    tfl_buf_free(&diag);
    tfl_buf_free(&out);
}

/* Other formats have nothing to say on standard error. */
static void test_formats_summary_empty(void **state)
{
    tfl_report_opts opts = {false, NULL, NULL};
    tfl_format f;

    (void)state;
    for (f = TFL_FORMAT_TEXT; f <= TFL_FORMAT_JUNIT; f++) {
        tfl_reporter *rep = tfl_report_new(f, &opts);
        tfl_buf out, diag;
        tfl_result res;

        assert_non_null(rep);
        tfl_buf_init(&out, 0);
        tfl_buf_init(&diag, 0);
        tfl_test_result(&res, "D", "FROM x\n");
        tfl_test_add(&res, "TF111", "x", TFL_SEV_WARNING, "m");
        tfl_report_file(rep, &out, &res);
        tfl_report_end(rep, &out, 1);
        tfl_report_summary(rep, &diag);
        assert_string_equal(diag.data ? diag.data : "",
                            f == TFL_FORMAT_GITHUB
                                ? "tflint: TF111 image-tag: 1 finding, 1 "
                                  "annotated\n"
                                : "");
        tfl_report_free(rep);
        tfl_result_free(&res);
        tfl_buf_free(&out);
        tfl_buf_free(&diag);
    }
}

/* A message past the runner's limit is cut at a character, marked. */
static void test_formats_github_long_message(void **state)
{
    size_t n = 5000, i;
    char *msg = malloc(n * 4 + 1), *s, *body;
    tfl_result res;

    (void)state;
    assert_non_null(msg);
    for (i = 0; i < n; i++)
        memcpy(msg + i * 4, "\xF0\x9F\x98\x80", 4); /* two UTF-16 units */
    msg[n * 4] = '\0';
    tfl_test_result(&res, "D", "FROM x\n");
    tfl_test_add(&res, "TF111", "x", TFL_SEV_WARNING, msg);
    s = tfl_test_render(TFL_FORMAT_GITHUB, false, &res, NULL, 1);
    body = strstr(s, "::\xF0");
    assert_non_null(body);
    body += 2;
    /* 4000 units: 2000 emoji of 4 bytes, then " ..." and the newline */
    assert_int_equal(strlen(body), 2000 * 4 + 5);
    assert_string_equal(body + 2000 * 4, " ...\n");
    free(s);
    free(msg);
    tfl_result_free(&res);
}

/* Write `s` to a temporary file and run `tool ARGS FILE` on it. */
static int run_on(const char *tool, const char *args, const char *s)
{
    char path[] = "/tmp/tfl-formats-XXXXXX", cmd[1024];
    int fd = mkstemp(path), rc;
    FILE *fp;

    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(s, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "'%s' %s '%s' >/dev/null", tool, args, path);
    rc = system(cmd);
    unlink(path);
    return rc;
}

/* The runner's own parsing (the shared checker) accepts every line. */
static void test_formats_github_validates(void **state)
{
    const char *checker = tfl_test_shared("tools/check-gha-annotations.sh");
    tfl_buf out, all;
    tfl_reporter *rep;
    char *s;

    (void)state;
    TFL_REQUIRE_SHARED(checker);
    if (access(checker, X_OK) != 0 ||
        system("command -v node >/dev/null 2>&1") != 0) {
        print_message("SKIPPED: check-gha-annotations.sh or node not "
                      "available\n");
        skip();
    }
    s = render_tricky(TFL_FORMAT_GITHUB);
    assert_int_equal(run_on(checker, "--strict", s), 0);
    rep = overflow_report(&out);
    tfl_report_free(rep);
    assert_int_equal(run_on(checker, "--strict", out.data), 0);
    /* and the checker is not blind: an 11th warning command fails it */
    tfl_buf_init(&all, 0);
    tfl_buf_puts(&all, out.data);
    tfl_buf_puts(&all, "::warning file=a,line=1::x\n");
    assert_int_not_equal(run_on(checker, "--strict", all.data), 0);
    tfl_buf_free(&all);
    tfl_buf_free(&out);
    free(s);
}

/* --- json ----------------------------------------------------------------- */

static void test_formats_json_golden(void **state)
{
    char *s = render_tricky(TFL_FORMAT_JSON);

    (void)state;
    assert_string_equal(s, golden_json);
    assert_true(tfl_test_json_valid(s));
    free(s);
}

static void test_formats_json_empty(void **state)
{
    char *s = tfl_test_render(TFL_FORMAT_JSON, false, NULL, NULL, 0);

    (void)state;
    assert_true(tfl_test_json_valid(s));
    assert_non_null(strstr(s, "\"files\": [],\n  \"failures\": [],\n  "
                              "\"exitStatus\": 0\n}\n"));
    free(s);
}

/* A clean file is listed with no findings. */
static void test_formats_json_clean_file(void **state)
{
    tfl_result res;
    char *s;

    (void)state;
    tfl_test_result(&res, "./D", "FROM x:1\n");
    s = tfl_test_render(TFL_FORMAT_JSON, false, &res, NULL, 0);
    assert_true(tfl_test_json_valid(s));
    assert_non_null(strstr(s, "\"files\": [\n    {\"path\": \"D\", "
                              "\"findings\": []}\n  ],"));
    free(s);
    tfl_result_free(&res);
}

/* --- checkstyle ----------------------------------------------------------- */

static void test_formats_checkstyle_golden(void **state)
{
    char *s = render_tricky(TFL_FORMAT_CHECKSTYLE);

    (void)state;
    assert_string_equal(s, golden_checkstyle);
    assert_true(tfl_test_xml_valid(s));
    free(s);
}

static void test_formats_checkstyle_empty(void **state)
{
    char *s = tfl_test_render(TFL_FORMAT_CHECKSTYLE, false, NULL, NULL, 0);

    (void)state;
    assert_true(tfl_test_xml_valid(s));
    assert_string_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<checkstyle version=\"4.3\">\n</checkstyle>\n");
    free(s);
}

/* --- gitlab --------------------------------------------------------------- */

static void test_formats_gitlab_golden(void **state)
{
    char *s = render_tricky(TFL_FORMAT_GITLAB);

    (void)state;
    assert_string_equal(s, golden_gitlab);
    assert_true(tfl_test_json_valid(s));
    free(s);
}

static void test_formats_gitlab_empty(void **state)
{
    char *s = tfl_test_render(TFL_FORMAT_GITLAB, false, NULL, NULL, 0);

    (void)state;
    assert_string_equal(s, "[]\n");
    free(s);
}

/* The fingerprints of a report, in order, into `fp` (at most `max`). */
static size_t fingerprints(const char *s, char fp[][33], size_t max)
{
    size_t n = 0;

    while (n < max && (s = strstr(s, "\"fingerprint\": \"")) != NULL) {
        s += 16;
        assert_non_null(strchr(s, '"'));
        assert_int_equal(strchr(s, '"') - s, 32);
        memcpy(fp[n], s, 32);
        fp[n++][32] = '\0';
    }
    return n;
}

/* Two TF509 findings on the two "USER root" lines of `text` (at `first`
 * and at `second`, the bytes of the word "root"). */
static char *two_roots(const char *path, const char *text)
{
    tfl_result res;
    tfl_finding *f;
    const char *second;
    char *s;

    tfl_test_result(&res, path, text);
    tfl_test_add(&res, "TF509", "root", TFL_SEV_WARNING, "at line A");
    f = tfl_test_add(&res, "TF509", "root", TFL_SEV_WARNING, "at line B");
    second = strstr(strstr(res.src.data, "root") + 1, "root");
    assert_non_null(second);
    f->span.start = (uint32_t)(second - res.src.data);
    f->span.end = f->span.start + 4;
    s = tfl_test_render(TFL_FORMAT_GITLAB, false, &res, NULL, 1);
    tfl_result_free(&res);
    return s;
}

/* Lines added above, white space changed inside: same fingerprints. The
 * same text twice: two fingerprints. Another path: others again. */
static void test_formats_gitlab_fingerprints(void **state)
{
    char a[2][33], b[2][33], c[2][33];
    char *s;

    (void)state;
    s = two_roots("D", "FROM x\nUSER root\nUSER root\n");
    assert_int_equal(fingerprints(s, a, 2), 2);
    free(s);
    s = two_roots("./D", "# new\nFROM x\n\nUSER   root\nRUN y\nUSER root\n");
    assert_int_equal(fingerprints(s, b, 2), 2);
    free(s);
    s = two_roots("E", "FROM x\nUSER root\nUSER root\n");
    assert_int_equal(fingerprints(s, c, 2), 2);
    free(s);
    assert_string_not_equal(a[0], a[1]);
    assert_string_equal(a[0], b[0]);
    assert_string_equal(a[1], b[1]);
    assert_string_not_equal(a[0], c[0]);
    assert_string_not_equal(a[1], c[1]);
}

/* --- junit ---------------------------------------------------------------- */

static void test_formats_junit_golden(void **state)
{
    char *s = render_tricky(TFL_FORMAT_JUNIT);

    (void)state;
    assert_string_equal(s, golden_junit);
    assert_true(tfl_test_xml_valid(s));
    free(s);
}

static void test_formats_junit_clean(void **state)
{
    tfl_result res;
    char *s;

    (void)state;
    tfl_test_result(&res, "D", "FROM x:1\n");
    s = tfl_test_render(TFL_FORMAT_JUNIT, false, &res, NULL, 0);
    assert_true(tfl_test_xml_valid(s));
    assert_non_null(strstr(s,
                           "<testsuite name=\"D\" tests=\"1\" failures=\"0\" "
                           "errors=\"0\">\n    <testcase name=\"no "
                           "findings\" classname=\"D\" file=\"D\"/>\n"));
    free(s);
    tfl_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_xml_checker),
        cmocka_unit_test(test_formats_names),
        cmocka_unit_test(test_formats_github_golden),
        cmocka_unit_test(test_formats_github_overflow),
        cmocka_unit_test(test_formats_summary_empty),
        cmocka_unit_test(test_formats_github_long_message),
        cmocka_unit_test(test_formats_github_validates),
        cmocka_unit_test(test_formats_json_golden),
        cmocka_unit_test(test_formats_json_empty),
        cmocka_unit_test(test_formats_json_clean_file),
        cmocka_unit_test(test_formats_checkstyle_golden),
        cmocka_unit_test(test_formats_checkstyle_empty),
        cmocka_unit_test(test_formats_gitlab_golden),
        cmocka_unit_test(test_formats_gitlab_empty),
        cmocka_unit_test(test_formats_gitlab_fingerprints),
        cmocka_unit_test(test_formats_junit_golden),
        cmocka_unit_test(test_formats_junit_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
