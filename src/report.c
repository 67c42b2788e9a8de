/*
 * The report object: picks a renderer by format and forwards each step of
 * the run to it. It holds no findings of its own; a renderer that needs
 * something at the end (SARIF's notifications) keeps only that.
 *
 * Renderers are told nothing about where bytes go: every call appends to the
 * caller's tfl_buf, which the caller may flush and reset between files.
 * Every renderer only appends, and calls tfl_buf_drain() after each finding,
 * so a big file's report passes through the buffer in pieces instead of
 * being held whole.
 */
#include "tflint/report.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

struct tfl_reporter {
    const tfl_renderer *r;
    void *state;
    bool begun;
};

static const struct {
    const char *name;
    tfl_format format;
    const tfl_renderer *r;
} formats[] = {
    {"text", TFL_FORMAT_TEXT, &tfl_renderer_text},
    {"sarif", TFL_FORMAT_SARIF, &tfl_renderer_sarif},
    {"json", TFL_FORMAT_JSON, &tfl_renderer_json},
    {"github", TFL_FORMAT_GITHUB, &tfl_renderer_github},
    {"checkstyle", TFL_FORMAT_CHECKSTYLE, &tfl_renderer_checkstyle},
    {"gitlab", TFL_FORMAT_GITLAB, &tfl_renderer_gitlab},
    {"codeclimate", TFL_FORMAT_GITLAB, &tfl_renderer_gitlab},
    {"junit", TFL_FORMAT_JUNIT, &tfl_renderer_junit},
};

#define NFORMATS (sizeof formats / sizeof formats[0])

int tfl_format_parse(const char *name)
{
    size_t i;

    for (i = 0; i < NFORMATS; i++)
        if (strcmp(name, formats[i].name) == 0)
            return (int)formats[i].format;
    return -1;
}

const char *tfl_report_path(const char *path)
{
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (*path == '/')
            path++;
    }
    return path;
}

void tfl_report_region(const tfl_source *src, tfl_span span, tfl_pos *start,
                       tfl_pos *end)
{
    tfl_pos s = tfl_source_pos(src, span.start);
    tfl_pos e = tfl_source_pos(src, span.end);
    const char *text;
    size_t len;

    if (span.end > span.start && e.line > s.line && e.col == 1 &&
        tfl_source_line(src, e.line - 1, &text, &len)) {
        e = tfl_source_pos(src, (uint32_t)(text - src->data + len));
    }
    if (e.line < s.line || (e.line == s.line && e.col < s.col))
        e = s;
    *start = s;
    *end = e;
}

void tfl_report_put_region(tfl_buf *b, const tfl_source *src, tfl_span span,
                           const char *const keys[4])
{
    tfl_pos s, e;
    uint32_t v[4];
    size_t i;

    tfl_report_region(src, span, &s, &e);
    v[0] = s.line;
    v[1] = s.col;
    v[2] = e.line;
    v[3] = e.col;
    for (i = 0; i < 4; i++) {
        if (i)
            tfl_buf_put(b, ", ", 2);
        tfl_buf_putc(b, '"');
        tfl_buf_puts(b, keys[i]);
        tfl_buf_put(b, "\": ", 3);
        tfl_buf_put_uint(b, v[i], 0);
    }
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

int tfl_failures_add(tfl_failures *list, const char *path, const char *message)
{
    tfl_failure *f;

    if (list->count == list->cap) {
        size_t ncap = list->cap ? list->cap * 2 : 8;

        f = realloc(list->items, ncap * sizeof *f);
        if (!f)
            return -1;
        list->items = f;
        list->cap = ncap;
    }
    f = &list->items[list->count];
    f->path = dup_str(path);
    f->message = dup_str(message);
    if (!f->path || !f->message) {
        free(f->path);
        free(f->message);
        return -1;
    }
    list->count++;
    return 0;
}

void tfl_failures_free(tfl_failures *list)
{
    size_t i;

    for (i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].message);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

void tfl_report_json_quoted(tfl_buf *b, const char *s)
{
    tfl_buf_putc(b, '"');
    tfl_buf_json_str(b, s, strlen(s));
    tfl_buf_putc(b, '"');
}

tfl_reporter *tfl_report_new(tfl_format format, const tfl_report_opts *opts)
{
    tfl_reporter *rep;
    size_t i;

    rep = calloc(1, sizeof *rep);
    if (!rep)
        return NULL;
    for (i = 0; i < NFORMATS; i++)
        if (formats[i].format == format)
            rep->r = formats[i].r;
    assert(rep->r);
    rep->state = rep->r->open(opts);
    if (!rep->state) {
        free(rep);
        return NULL;
    }
    return rep;
}

/* The header is written lazily so a caller may create the report before it
 * knows where the output goes. */
static void begin(tfl_reporter *rep, tfl_buf *out)
{
    if (rep->begun)
        return;
    rep->begun = true;
    if (rep->r->begin)
        rep->r->begin(rep->state, out);
}

void tfl_report_file(tfl_reporter *rep, tfl_buf *out, const tfl_result *res)
{
    begin(rep, out);
    rep->r->file(rep->state, out, res);
}

void tfl_report_failure(tfl_reporter *rep, tfl_buf *out, const char *path,
                        const char *message)
{
    begin(rep, out);
    rep->r->failure(rep->state, out, path, message);
}

void tfl_report_end(tfl_reporter *rep, tfl_buf *out, int exit_status)
{
    begin(rep, out);
    rep->r->end(rep->state, out, exit_status);
}

void tfl_report_summary(tfl_reporter *rep, tfl_buf *diag)
{
    if (rep->r->summary)
        rep->r->summary(rep->state, diag);
}

void tfl_report_free(tfl_reporter *rep)
{
    if (!rep)
        return;
    rep->r->close(rep->state);
    free(rep);
}
