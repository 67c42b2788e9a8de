/*
 * The checkstyle report, the XML that reviewdog, Jenkins' warnings plugin
 * and many CI plugins read:
 *
 *     <checkstyle version="4.3">
 *       <file name="PATH">
 *         <error line="L" column="C" severity="S" message="M"
 *                source="tflint.TF201"/>
 *
 * Every linted file gets a <file> element, empty when clean. Severities are
 * error, warning and info (style is shown as info, the lowest Checkstyle
 * has). An input that could not be read gets an error from rule TF000
 * without line or column. Attribute values go through tfl_buf_xml_str(),
 * which escapes markup characters, keeps tabs and line breaks as character
 * references and replaces what XML 1.0 forbids, so the document stays
 * well-formed whatever the Dockerfile holds.
 */
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"

static void *checkstyle_open(const tfl_report_opts *opts)
{
    (void)opts;
    return calloc(1, 1);
}

static void checkstyle_begin(void *state, tfl_buf *out)
{
    (void)state;
    tfl_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<checkstyle version=\"4.3\">\n");
}

static void put_attr(tfl_buf *b, const char *name, const char *value)
{
    tfl_buf_putc(b, ' ');
    tfl_buf_puts(b, name);
    tfl_buf_put(b, "=\"", 2);
    tfl_buf_xml_str(b, value, strlen(value));
    tfl_buf_putc(b, '"');
}

static const char *severity_of(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_ERROR:
        return "error";
    case TFL_SEV_WARNING:
        return "warning";
    default:
        return "info";
    }
}

static void open_file(tfl_buf *out, const char *path)
{
    tfl_buf_puts(out, "  <file");
    put_attr(out, "name", tfl_report_path(path));
    tfl_buf_puts(out, ">\n");
}

static void checkstyle_file(void *state, tfl_buf *out, const tfl_result *res)
{
    size_t i;

    (void)state;
    open_file(out, res->src.path);
    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        tfl_pos s, e;

        tfl_report_region(&res->src, f->span, &s, &e);
        tfl_buf_puts(out, "    <error line=\"");
        tfl_buf_put_uint(out, s.line, 0);
        tfl_buf_puts(out, "\" column=\"");
        tfl_buf_put_uint(out, s.col, 0);
        tfl_buf_putc(out, '"');
        put_attr(out, "severity", severity_of(f->severity));
        put_attr(out, "message", f->message);
        tfl_buf_puts(out, " source=\"tflint.");
        tfl_buf_puts(out, f->rule->id);
        tfl_buf_puts(out, "\"/>\n");
        tfl_buf_drain(out);
    }
    tfl_buf_puts(out, "  </file>\n");
}

static void checkstyle_failure(void *state, tfl_buf *out, const char *path,
                               const char *message)
{
    (void)state;
    open_file(out, path);
    tfl_buf_puts(out, "    <error severity=\"error\"");
    put_attr(out, "message", message);
    tfl_buf_puts(out, " source=\"tflint." TFL_UNREADABLE_ID "\"/>\n"
                      "  </file>\n");
}

static void checkstyle_end(void *state, tfl_buf *out, int exit_status)
{
    (void)state;
    (void)exit_status;
    tfl_buf_puts(out, "</checkstyle>\n");
}

static void checkstyle_close(void *state)
{
    free(state);
}

const tfl_renderer tfl_renderer_checkstyle = {
    .open = checkstyle_open,
    .begin = checkstyle_begin,
    .file = checkstyle_file,
    .failure = checkstyle_failure,
    .end = checkstyle_end,
    .summary = NULL,
    .close = checkstyle_close,
};
