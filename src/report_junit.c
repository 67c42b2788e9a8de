/*
 * The junit report, for CI systems that show only test results (GitLab's
 * `reports: junit`, Jenkins, Azure Pipelines):
 *
 *     <testsuites name="tflint">
 *       <testsuite name="PATH" tests="2" failures="2" errors="0">
 *         <testcase name="TF201 root-user" classname="PATH" file="PATH">
 *           <failure message="MSG" type="warning">PATH:4:5: warning: MSG
 *             ...</failure>
 *
 * The shape: one test suite per file, and in it one test case per rule
 * that fired, holding every finding of that rule in its failure text (one
 * line each) and the first message in its `message` attribute. Test names
 * then carry no line number, so they stay the same when lines move, and CI
 * systems that track a test's history over runs (GitLab's "new failures",
 * Jenkins' age of a failure) follow a rule in a file rather than a line.
 * A clean file has one passing case, "no findings", so no suite is empty;
 * an input that could not be read has one case, "TF000 unreadable-input",
 * with an <error>. The failure's type is the worst severity of its
 * findings. Every finding is a failure, whatever the failure threshold.
 *
 * The totals of the whole run are not on <testsuites>, since the report
 * is streamed and they are optional there; each suite has its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"

typedef struct junit_state {
    size_t nrules;
    size_t *count; /* per rule index, for the file being written */
    /* the rule index of each finding of that file (nrules for a rule not
     * in the table), found once: the cases walk the findings per rule */
    size_t *rule_of;
    size_t cap;
} junit_state;

static void *junit_open(const tfl_report_opts *opts)
{
    junit_state *st = calloc(1, sizeof *st);

    (void)opts;
    if (!st)
        return NULL;
    tfl_rules(&st->nrules);
    st->count = calloc(st->nrules + 1, sizeof *st->count);
    if (!st->count) {
        free(st);
        return NULL;
    }
    return st;
}

static void junit_begin(void *state, tfl_buf *out)
{
    (void)state;
    tfl_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuites name=\"tflint\">\n");
}

static void put_xml(tfl_buf *b, const char *s)
{
    tfl_buf_xml_str(b, s, strlen(s));
}

static void open_suite(tfl_buf *out, const char *path, size_t tests,
                       size_t failures, size_t errors)
{
    tfl_buf_puts(out, "  <testsuite name=\"");
    put_xml(out, path);
    tfl_buf_puts(out, "\" tests=\"");
    tfl_buf_put_uint(out, tests, 0);
    tfl_buf_puts(out, "\" failures=\"");
    tfl_buf_put_uint(out, failures, 0);
    tfl_buf_puts(out, "\" errors=\"");
    tfl_buf_put_uint(out, errors, 0);
    tfl_buf_puts(out, "\">\n");
}

static void open_case(tfl_buf *out, const char *path, const char *id,
                      const char *name, bool empty)
{
    tfl_buf_puts(out, "    <testcase name=\"");
    put_xml(out, id);
    if (name) {
        tfl_buf_putc(out, ' ');
        put_xml(out, name);
    }
    tfl_buf_puts(out, "\" classname=\"");
    put_xml(out, path);
    tfl_buf_puts(out, "\" file=\"");
    put_xml(out, path);
    tfl_buf_puts(out, empty ? "\"/>\n" : "\">\n");
}

/* The test case of rule index `r`: its findings in one failure. */
static void put_rule_case(tfl_buf *out, const tfl_result *res,
                          const size_t *rule_of, const char *path, size_t r,
                          size_t n)
{
    const tfl_finding *first = NULL;
    tfl_severity worst = TFL_SEV_STYLE;
    size_t i;

    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];

        if (rule_of[i] != r)
            continue;
        if (!first)
            first = f;
        if (f->severity > worst && f->severity < TFL_SEV_NONE)
            worst = f->severity;
    }
    open_case(out, path, first->rule->id, first->rule->name, false);
    tfl_buf_puts(out, "      <failure message=\"");
    put_xml(out, first->message);
    if (n > 1) {
        tfl_buf_puts(out, " (and ");
        tfl_buf_put_uint(out, n - 1, 0);
        tfl_buf_puts(out, " more)");
    }
    tfl_buf_puts(out, "\" type=\"");
    tfl_buf_puts(out, tfl_severity_name(worst));
    tfl_buf_put(out, "\">", 2);
    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        tfl_pos s, e;

        if (rule_of[i] != r)
            continue;
        tfl_report_region(&res->src, f->span, &s, &e);
        put_xml(out, path);
        tfl_buf_putc(out, ':');
        tfl_buf_put_uint(out, s.line, 0);
        tfl_buf_putc(out, ':');
        tfl_buf_put_uint(out, s.col, 0);
        tfl_buf_put(out, ": ", 2);
        tfl_buf_puts(out, tfl_severity_name(f->severity));
        tfl_buf_put(out, ": ", 2);
        put_xml(out, f->message);
        tfl_buf_putc(out, '\n');
        tfl_buf_drain(out);
    }
    tfl_buf_puts(out, "</failure>\n    </testcase>\n");
}

/* Fill st->rule_of for the findings of `res`; false when memory runs
 * out. Sorted findings take turns between rules: a small cache by rule
 * record saves most searches of the rule table. */
static bool rule_indices(junit_state *st, const tfl_result *res)
{
    struct {
        const tfl_rule *rule;
        size_t index;
    } seen[64] = {{NULL, 0}};
    size_t i;

    if (res->nfindings > st->cap) {
        size_t *v = realloc(st->rule_of, res->nfindings * sizeof *v);

        if (!v)
            return false;
        st->rule_of = v;
        st->cap = res->nfindings;
    }
    for (i = 0; i < res->nfindings; i++) {
        const tfl_rule *r = res->findings[i].rule;
        size_t slot = ((uintptr_t)r >> 4) & 63;

        if (seen[slot].rule != r) {
            seen[slot].rule = r;
            seen[slot].index = tfl_rule_index(r);
            if (seen[slot].index > st->nrules)
                seen[slot].index = st->nrules;
        }
        st->rule_of[i] = seen[slot].index;
    }
    return true;
}

static void junit_file(void *state, tfl_buf *out, const tfl_result *res)
{
    junit_state *st = state;
    const char *path = tfl_report_path(res->src.path);
    size_t i, fired = 0;

    if (!rule_indices(st, res)) {
        out->failed = true;
        return;
    }
    memset(st->count, 0, (st->nrules + 1) * sizeof *st->count);
    for (i = 0; i < res->nfindings; i++)
        if (st->count[st->rule_of[i]]++ == 0)
            fired++;
    open_suite(out, path, fired ? fired : 1, fired, 0);
    if (!fired)
        open_case(out, path, "no findings", NULL, true);
    for (i = 0; i <= st->nrules; i++)
        if (st->count[i])
            put_rule_case(out, res, st->rule_of, path, i, st->count[i]);
    tfl_buf_puts(out, "  </testsuite>\n");
}

static void junit_failure(void *state, tfl_buf *out, const char *path,
                          const char *message)
{
    (void)state;
    path = tfl_report_path(path);
    open_suite(out, path, 1, 0, 1);
    open_case(out, path, TFL_UNREADABLE_ID, "unreadable-input", false);
    tfl_buf_puts(out, "      <error message=\"");
    put_xml(out, message);
    tfl_buf_puts(out, "\" type=\"unreadable-input\"/>\n"
                      "    </testcase>\n  </testsuite>\n");
}

static void junit_end(void *state, tfl_buf *out, int exit_status)
{
    (void)state;
    (void)exit_status;
    tfl_buf_puts(out, "</testsuites>\n");
}

static void junit_close(void *state)
{
    junit_state *st = state;

    free(st->count);
    free(st->rule_of);
    free(st);
}

const tfl_renderer tfl_renderer_junit = {
    .open = junit_open,
    .begin = junit_begin,
    .file = junit_file,
    .failure = junit_failure,
    .end = junit_end,
    .summary = NULL,
    .close = junit_close,
};
