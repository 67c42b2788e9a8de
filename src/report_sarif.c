/*
 * The SARIF 2.1.0 report, shaped for GitHub code scanning: one run, the
 * full rule table in tool.driver.rules (table order, so ruleIndex is the
 * rule's index), one result per finding with exactly one location, and the
 * run's outcome in invocations[0].
 *
 * It is streamed. The opening (tool, rules, columnKind, base URI) goes out
 * before the first file and the results array is left open; each file's
 * results are appended as the file is done, so no result outlives its
 * file. What must wait for the end (the exit status, the notifications for
 * unreadable inputs) is the invocation, written after the results; only
 * the failures' paths and messages are kept until then.
 *
 * Regions: 1-based lines, columns in UTF-16 code units (columnKind), end
 * column exclusive. A span that ends at the start of a line is pulled back
 * to the end of the previous one, so a span covering a whole line does not
 * claim the next. URIs are relative to %SRCROOT% (the directory tflint ran
 * in) unless the path given was absolute; both are percent-encoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"

#define SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define NOTE_ID TFL_UNREADABLE_ID /* descriptor of unreadable inputs */
#define MAX_DESCRIPTION 1024      /* GitHub's limit on description texts */

typedef struct sarif_state {
    char *version;
    char *srcroot;
    size_t nresults;
    tfl_failures failures;
} sarif_state;

static char *dup_or_null(const char *s, bool *oom)
{
    char *d;

    if (!s)
        return NULL;
    d = malloc(strlen(s) + 1);
    if (!d)
        *oom = true;
    else
        strcpy(d, s);
    return d;
}

static void *sarif_open(const tfl_report_opts *opts)
{
    sarif_state *st = calloc(1, sizeof *st);
    bool oom = false;

    if (!st)
        return NULL;
    st->version =
        dup_or_null(opts->version ? opts->version : TFL_VERSION, &oom);
    st->srcroot = dup_or_null(opts->srcroot, &oom);
    if (oom) {
        free(st->version);
        free(st->srcroot);
        free(st);
        return NULL;
    }
    return st;
}

/* --- JSON pieces ---------------------------------------------------------- */

static void put_str(tfl_buf *b, const char *s)
{
    tfl_buf_putc(b, '"');
    tfl_buf_json_str(b, s, strlen(s));
    tfl_buf_putc(b, '"');
}

/* {"text": s} */
static void put_message(tfl_buf *b, const char *s)
{
    tfl_buf_puts(b, "{\"text\": ");
    put_str(b, s);
    tfl_buf_putc(b, '}');
}

/* Percent-encode every byte but unreserved characters and '/'. */
/* Bytes a URI path keeps as they are: letters, digits and "-._~/" (bit c
 * of the first word for c < 64, bit c - 64 of the second). */
static const uint64_t uri_keep[2] = {0x03ffe00000000000ULL,
                                     0x47fffffe87fffffeULL};

static void put_uri_path(tfl_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    while (*s) {
        size_t n = 0;
        unsigned char c;

        /* the run kept as it is goes out in one append */
        for (; (c = (unsigned char)s[n]) < 128 &&
               (uri_keep[c >> 6] >> (c & 63) & 1);
             n++)
            ;
        tfl_buf_put(b, s, n);
        s += n;
        if (!c)
            break;
        tfl_buf_putc(b, '%');
        tfl_buf_putc(b, hex[c >> 4]);
        tfl_buf_putc(b, hex[c & 15]);
        s++;
    }
}

static void put_artifact(tfl_buf *b, const char *path)
{
    path = tfl_report_path(path);
    tfl_buf_puts(b, "\"artifactLocation\": {\"uri\": \"");
    if (path[0] == '/') {
        tfl_buf_puts(b, "file://");
        put_uri_path(b, path);
        tfl_buf_puts(b, "\"}");
        return;
    }
    put_uri_path(b, path);
    tfl_buf_puts(b, "\", \"uriBaseId\": \"%SRCROOT%\"}");
}

static const char *const region_keys[4] = {"startLine", "startColumn",
                                           "endLine", "endColumn"};

/* The region object of `span`: {"startLine": ..., "endColumn": ...}. */
static void put_region_obj(tfl_buf *b, const tfl_source *src, tfl_span span)
{
    tfl_buf_putc(b, '{');
    tfl_report_put_region(b, src, span, region_keys);
    tfl_buf_putc(b, '}');
}

static void put_region(tfl_buf *b, const tfl_source *src, tfl_span span)
{
    tfl_buf_puts(b, "\"region\": ");
    put_region_obj(b, src, span);
}

static void put_physical(tfl_buf *b, const tfl_source *src, tfl_span span)
{
    tfl_buf_puts(b, "\"physicalLocation\": {");
    put_artifact(b, src->path);
    tfl_buf_puts(b, ", ");
    put_region(b, src, span);
    tfl_buf_putc(b, '}');
}

static const char *level_of(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_ERROR:
        return "error";
    case TFL_SEV_WARNING:
        return "warning";
    default:
        return "note";
    }
}

/* --- The rule table ------------------------------------------------------- */

/* Append `s` with every line indented by four spaces. */
static void indent_lines(tfl_buf *t, const char *s)
{
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);

        tfl_buf_puts(t, "    ");
        tfl_buf_put(t, s, n);
        tfl_buf_putc(t, '\n');
        s += n + (e != NULL);
    }
}

/* Help as plain text and as Markdown, from the rule record. */
static void put_help(tfl_buf *b, const tfl_rule *r, tfl_buf *t)
{
    tfl_buf_reset(t);
    tfl_buf_printf(t, "%s\n\n%s\n\nFails:\n", r->summary, r->rationale);
    indent_lines(t, r->bad);
    tfl_buf_puts(t, "\nPasses:\n");
    indent_lines(t, r->good);
    tfl_buf_puts(b, "\"help\": {\"text\": \"");
    tfl_buf_json_str(b, t->data ? t->data : "", t->len);

    tfl_buf_reset(t);
    tfl_buf_printf(t,
                   "**%s**\n\n%s\n\nFails:\n\n```dockerfile\n%s```\n\n"
                   "Passes:\n\n```dockerfile\n%s```\n",
                   r->summary, r->rationale, r->bad, r->good);
    tfl_buf_puts(b, "\", \"markdown\": \"");
    tfl_buf_json_str(b, t->data ? t->data : "", t->len);
    tfl_buf_puts(b, "\"}");
    if (t->failed)
        b->failed = true;
}

/* The rationale, cut at a word before GitHub's length limit if needed. */
static void put_full_description(tfl_buf *b, const char *s)
{
    size_t n = strlen(s);

    tfl_buf_puts(b, "\"fullDescription\": {\"text\": \"");
    if (n <= MAX_DESCRIPTION) {
        tfl_buf_json_str(b, s, n);
    } else {
        n = MAX_DESCRIPTION - 4;
        while (n > 0 && s[n] != ' ')
            n--;
        tfl_buf_json_str(b, s, n);
        tfl_buf_puts(b, " ...");
    }
    tfl_buf_puts(b, "\"}");
}

static const char *problem_severity(tfl_severity sev)
{
    return sev >= TFL_SEV_WARNING ? tfl_severity_name(sev) : "recommendation";
}

static void put_rule(tfl_buf *b, const tfl_rule *r, tfl_buf *tmp)
{
    size_t i;

    tfl_buf_puts(b, "{\"id\": ");
    put_str(b, r->id);
    tfl_buf_puts(b, ", \"name\": ");
    put_str(b, r->name);
    tfl_buf_puts(b, ", \"shortDescription\": ");
    put_message(b, r->summary);
    tfl_buf_puts(b, ", ");
    put_full_description(b, r->rationale);
    tfl_buf_puts(b, ", ");
    put_help(b, r, tmp);
    tfl_buf_printf(b,
                   ", \"defaultConfiguration\": {\"level\": \"%s\"}"
                   ", \"properties\": {\"tags\": [",
                   level_of(r->severity));
    for (i = 0; r->tags && r->tags[i]; i++) {
        if (i)
            tfl_buf_puts(b, ", ");
        put_str(b, r->tags[i]);
    }
    tfl_buf_printf(b,
                   "], \"precision\": \"high\", \"problem.severity\": "
                   "\"%s\"}}",
                   problem_severity(r->severity));
}

static void sarif_begin(void *state, tfl_buf *out)
{
    sarif_state *st = state;
    const tfl_rule *const *rules;
    size_t n, i;
    tfl_buf tmp;

    tfl_buf_puts(out, "{\n  \"version\": \"2.1.0\",\n  \"$schema\": \"" SCHEMA
                      "\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
                      "        \"driver\": {\n          \"name\": \"tflint\",\n"
                      "          \"version\": ");
    put_str(out, st->version);
    tfl_buf_puts(out, ",\n          \"semanticVersion\": \"" TFL_VERSION
                      "\",\n          \"informationUri\": \"" TFL_HOMEPAGE
                      "\",\n          \"rules\": [\n");
    tfl_buf_init(&tmp, 0);
    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        tfl_buf_puts(out, "            ");
        put_rule(out, rules[i], &tmp);
        tfl_buf_puts(out, i + 1 < n ? ",\n" : "\n");
    }
    tfl_buf_free(&tmp);
    tfl_buf_puts(out, "          ],\n          \"notifications\": [\n"
                      "            {\"id\": \"" NOTE_ID
                      "\", \"name\": \"unreadable-input\", "
                      "\"shortDescription\": {\"text\": \"An input could not "
                      "be read, so it was not linted\"}}\n          ]\n"
                      "        }\n      },\n"
                      "      \"columnKind\": \"utf16CodeUnits\",\n"
                      "      \"originalUriBaseIds\": {\"%SRCROOT%\": {");
    if (st->srcroot) {
        size_t len = strlen(st->srcroot);

        tfl_buf_puts(out, "\"uri\": \"file://");
        put_uri_path(out, st->srcroot);
        tfl_buf_puts(out, len && st->srcroot[len - 1] == '/' ? "\"" : "/\"");
    } else {
        tfl_buf_puts(out, "\"description\": {\"text\": \"the directory "
                          "tflint ran in\"}");
    }
    tfl_buf_puts(out, "}},\n      \"results\": [");
}

/* --- Results -------------------------------------------------------------- */

static void put_related(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    size_t i;

    tfl_buf_puts(b, ", \"relatedLocations\": [");
    for (i = 0; i < f->nrelated; i++) {
        tfl_buf_puts(b, i ? ", {\"id\": " : "{\"id\": ");
        tfl_buf_put_uint(b, i + 1, 0);
        tfl_buf_put(b, ", ", 2);
        put_physical(b, src, f->related[i].span);
        tfl_buf_puts(b, ", \"message\": ");
        put_message(b, f->related[i].message ? f->related[i].message : "");
        tfl_buf_putc(b, '}');
    }
    tfl_buf_putc(b, ']');
}

static void put_fixes(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    size_t i;

    tfl_buf_puts(b, ", \"fixes\": [");
    for (i = 0; i < f->nfixes; i++) {
        const tfl_fix *x = &f->fixes[i];

        tfl_buf_puts(b, i ? ", {\"description\": " : "{\"description\": ");
        put_message(b, x->description ? x->description : "");
        tfl_buf_puts(b, ", \"artifactChanges\": [{");
        put_artifact(b, src->path);
        tfl_buf_puts(b, ", \"replacements\": [{\"deletedRegion\": ");
        put_region_obj(b, src, x->span);
        tfl_buf_puts(b, ", \"insertedContent\": ");
        put_message(b, x->text ? x->text : "");
        tfl_buf_puts(b, "}]}]}");
    }
    tfl_buf_putc(b, ']');
}

static void put_result(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    tfl_buf_puts(b, "{\"ruleId\": \"");
    tfl_buf_puts(b, f->rule->id);
    tfl_buf_puts(b, "\", \"ruleIndex\": ");
    tfl_buf_put_uint(b, tfl_rule_index(f->rule), 0);
    tfl_buf_puts(b, ", \"level\": \"");
    tfl_buf_puts(b, level_of(f->severity));
    tfl_buf_puts(b, "\", \"message\": ");
    put_message(b, f->message);
    tfl_buf_puts(b, ", \"locations\": [{");
    put_physical(b, src, f->span);
    tfl_buf_puts(b, "}]");
    if (f->nrelated)
        put_related(b, src, f);
    if (f->nfixes)
        put_fixes(b, src, f);
    tfl_buf_putc(b, '}');
}

static void sarif_file(void *state, tfl_buf *out, const tfl_result *res)
{
    sarif_state *st = state;
    size_t i;

    for (i = 0; i < res->nfindings; i++) {
        tfl_buf_puts(out, st->nresults++ ? ",\n        " : "\n        ");
        put_result(out, &res->src, &res->findings[i]);
        tfl_buf_drain(out);
    }
}

/* Keep a copy for the invocation; on failure mark `out` so the caller
 * sees that the report is incomplete. */
static void sarif_failure(void *state, tfl_buf *out, const char *path,
                          const char *message)
{
    sarif_state *st = state;

    if (tfl_failures_add(&st->failures, path, message) != 0)
        out->failed = true;
}

static void put_notifications(tfl_buf *b, const sarif_state *st)
{
    size_t i;

    tfl_buf_puts(b, ",\n          \"toolExecutionNotifications\": [");
    for (i = 0; i < st->failures.count; i++) {
        tfl_buf_puts(b, i ? ",\n            " : "\n            ");
        tfl_buf_puts(
            b, "{\"level\": \"error\", \"descriptor\": {\"id\": \"" NOTE_ID
               "\"}, \"message\": ");
        put_message(b, st->failures.items[i].message);
        tfl_buf_puts(b, ", \"locations\": [{\"physicalLocation\": {");
        put_artifact(b, st->failures.items[i].path);
        tfl_buf_puts(b, "}}]}");
    }
    tfl_buf_puts(b, "\n          ]");
}

static void sarif_end(void *state, tfl_buf *out, int exit_status)
{
    sarif_state *st = state;
    bool ok = (exit_status == 0 || exit_status == 1) && st->failures.count == 0;

    tfl_buf_puts(out, st->nresults ? "\n      ],\n" : "],\n");
    tfl_buf_printf(out,
                   "      \"invocations\": [\n        {\n"
                   "          \"executionSuccessful\": %s,\n"
                   "          \"exitCode\": %d",
                   ok ? "true" : "false", exit_status);
    if (st->failures.count)
        put_notifications(out, st);
    tfl_buf_puts(out, "\n        }\n      ]\n    }\n  ]\n}\n");
}

static void sarif_close(void *state)
{
    sarif_state *st = state;

    tfl_failures_free(&st->failures);
    free(st->version);
    free(st->srcroot);
    free(st);
}

const tfl_renderer tfl_renderer_sarif = {
    .open = sarif_open,
    .begin = sarif_begin,
    .file = sarif_file,
    .failure = sarif_failure,
    .end = sarif_end,
    .summary = NULL,
    .close = sarif_close,
};
