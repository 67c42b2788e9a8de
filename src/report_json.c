/*
 * The json report: tflint's own schema, version 1, described for users in
 * docs/json-format.md. Field names and meanings are fixed for a version;
 * adding a field keeps the version, renaming or removing one bumps it.
 *
 *     {"version": 1, "tool": {...}, "files": [{"path", "findings": [...]}],
 *      "failures": [{"path", "message"}], "exitStatus": N}
 *
 * Every linted file has an entry, clean ones with an empty list, so a
 * consumer can tell "checked, nothing found" from "not checked". Positions
 * are those of SARIF: 1-based lines, columns in UTF-16 code units, end
 * exclusive. Strings are valid UTF-8 (invalid bytes become U+FFFD).
 *
 * Streamed like SARIF: each file's entry is written as the file is done;
 * only the unreadable inputs are kept for the "failures" list at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"

#define SCHEMA_VERSION 1

typedef struct json_state {
    char *version;
    size_t nfiles;
    tfl_failures failures;
} json_state;

static void *json_open(const tfl_report_opts *opts)
{
    json_state *st = calloc(1, sizeof *st);
    const char *v = opts->version ? opts->version : TFL_VERSION;

    if (!st)
        return NULL;
    st->version = malloc(strlen(v) + 1);
    if (!st->version) {
        free(st);
        return NULL;
    }
    strcpy(st->version, v);
    return st;
}

static void json_begin(void *state, tfl_buf *out)
{
    json_state *st = state;

    tfl_buf_printf(out,
                   "{\n  \"version\": %d,\n  \"tool\": {\"name\": \"tflint\", "
                   "\"version\": ",
                   SCHEMA_VERSION);
    tfl_report_json_quoted(out, st->version);
    tfl_buf_puts(out, ", \"informationUri\": \"" TFL_HOMEPAGE "\"},\n"
                      "  \"files\": [");
}

static const char *const region_keys[4] = {"line", "column", "endLine",
                                           "endColumn"};

static void put_region(tfl_buf *b, const tfl_source *src, tfl_span span)
{
    tfl_report_put_region(b, src, span, region_keys);
}

static void put_related(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    size_t i;

    for (i = 0; i < f->nrelated; i++) {
        tfl_buf_puts(b, i ? ", {\"message\": " : "{\"message\": ");
        tfl_report_json_quoted(b, f->related[i].message ? f->related[i].message
                                                        : "");
        tfl_buf_puts(b, ", ");
        put_region(b, src, f->related[i].span);
        tfl_buf_putc(b, '}');
    }
}

static void put_fixes(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    size_t i;

    for (i = 0; i < f->nfixes; i++) {
        const tfl_fix *x = &f->fixes[i];

        tfl_buf_puts(b, i ? ", {\"description\": " : "{\"description\": ");
        tfl_report_json_quoted(b, x->description ? x->description : "");
        tfl_buf_puts(b, ", ");
        put_region(b, src, x->span);
        tfl_buf_puts(b, ", \"replacement\": ");
        tfl_report_json_quoted(b, x->text ? x->text : "");
        tfl_buf_putc(b, '}');
    }
}

static void put_finding(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    tfl_buf_puts(b, "{\"rule\": ");
    tfl_report_json_quoted(b, f->rule->id);
    tfl_buf_puts(b, ", \"name\": ");
    tfl_report_json_quoted(b, f->rule->name);
    tfl_buf_puts(b, ", \"severity\": \"");
    tfl_buf_puts(b, tfl_severity_name(f->severity));
    tfl_buf_puts(b, "\", \"message\": ");
    tfl_report_json_quoted(b, f->message);
    tfl_buf_puts(b, ", ");
    put_region(b, src, f->span);
    tfl_buf_puts(b, ", \"related\": [");
    put_related(b, src, f);
    tfl_buf_puts(b, "], \"fixes\": [");
    put_fixes(b, src, f);
    tfl_buf_puts(b, "]}");
}

static void json_file(void *state, tfl_buf *out, const tfl_result *res)
{
    json_state *st = state;
    size_t i;

    tfl_buf_puts(out,
                 st->nfiles++ ? ",\n    {\"path\": " : "\n    {\"path\": ");
    tfl_report_json_quoted(out, tfl_report_path(res->src.path));
    tfl_buf_puts(out, ", \"findings\": [");
    for (i = 0; i < res->nfindings; i++) {
        tfl_buf_puts(out, i ? ",\n      " : "\n      ");
        put_finding(out, &res->src, &res->findings[i]);
        tfl_buf_drain(out);
    }
    tfl_buf_puts(out, res->nfindings ? "\n    ]}" : "]}");
}

static void json_failure(void *state, tfl_buf *out, const char *path,
                         const char *message)
{
    json_state *st = state;

    if (tfl_failures_add(&st->failures, tfl_report_path(path), message) != 0)
        out->failed = true;
}

static void json_end(void *state, tfl_buf *out, int exit_status)
{
    json_state *st = state;
    size_t i;

    tfl_buf_puts(out, st->nfiles ? "\n  ],\n  \"failures\": ["
                                 : "],\n  \"failures\": [");
    for (i = 0; i < st->failures.count; i++) {
        tfl_buf_puts(out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        tfl_report_json_quoted(out, st->failures.items[i].path);
        tfl_buf_puts(out, ", \"message\": ");
        tfl_report_json_quoted(out, st->failures.items[i].message);
        tfl_buf_putc(out, '}');
    }
    tfl_buf_puts(out, st->failures.count ? "\n  ],\n" : "],\n");
    tfl_buf_printf(out, "  \"exitStatus\": %d\n}\n", exit_status);
}

static void json_close(void *state)
{
    json_state *st = state;

    tfl_failures_free(&st->failures);
    free(st->version);
    free(st);
}

const tfl_renderer tfl_renderer_json = {
    .open = json_open,
    .begin = json_begin,
    .file = json_file,
    .failure = json_failure,
    .end = json_end,
    .summary = NULL,
    .close = json_close,
};
