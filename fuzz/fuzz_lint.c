/*
 * libFuzzer entry point: parse the input as a Dockerfile, run every rule,
 * render every report format and dump the AST, so any input that crashes,
 * hangs or trips a sanitizer anywhere between the bytes and the report is
 * found.
 *
 * tfl_fuzz_lint() is the body; fuzz/replay.c calls it for regression files
 * in ordinary test builds (TFL_FUZZ_REPLAY), where libFuzzer's entry point
 * is left out.
 */
#include <stddef.h>
#include <stdint.h>

#include "tflint/ast.h"
#include "tflint/buf.h"
#include "tflint/engine.h"
#include "tflint/report.h"

int tfl_fuzz_lint(const uint8_t *data, size_t size);

static void render(tfl_format format, const tfl_result *res)
{
    tfl_report_opts opts = {format == TFL_FORMAT_TEXT, "0", "/src"};
    tfl_reporter *rep = tfl_report_new(format, &opts);
    tfl_buf out;

    if (!rep)
        return;
    tfl_buf_init(&out, 0);
    tfl_report_file(rep, &out, res);
    tfl_report_failure(rep, &out, "other", "cannot read 'other': fuzzed");
    tfl_report_end(rep, &out, 1);
    tfl_buf_free(&out);
    tfl_report_free(rep);
}

int tfl_fuzz_lint(const uint8_t *data, size_t size)
{
    static tfl_config cfg;
    static int ready;
    tfl_result res;
    tfl_buf out;

    if (!ready) {
        if (tfl_config_init(&cfg) != 0)
            return 0;
        ready = 1;
    }
    if (tfl_lint_buffer(&cfg, "Dockerfile", (const char *)data, size, &res) !=
        0)
        return 0;
    render(TFL_FORMAT_TEXT, &res);
    render(TFL_FORMAT_SARIF, &res);
    tfl_buf_init(&out, 0);
    tfl_dump_ast(&res.doc, &out);
    tfl_buf_free(&out);
    tfl_result_free(&res);
    return 0;
}

#ifndef TFL_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return tfl_fuzz_lint(data, size);
}
#endif
