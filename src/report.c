/*
 * The report object: picks a renderer by format and forwards each step of
 * the run to it. It holds no findings of its own; a renderer that needs
 * something at the end (SARIF's notifications) keeps only that.
 *
 * Renderers are told nothing about where bytes go: every call appends to the
 * caller's tfl_buf, which the caller may flush and reset between files.
 */
#include "tflint/report.h"

#include <assert.h>
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

void tfl_report_free(tfl_reporter *rep)
{
    if (!rep)
        return;
    rep->r->close(rep->state);
    free(rep);
}
