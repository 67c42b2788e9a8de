/*
 * libFuzzer entry point: parse the input as a Dockerfile, run every rule,
 * and dump the AST, so any input that crashes, hangs or trips a sanitizer
 * anywhere between the bytes and the findings is found.
 */
#include <stddef.h>
#include <stdint.h>

#include "tflint/ast.h"
#include "tflint/buf.h"
#include "tflint/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
    tfl_buf_init(&out, 0);
    tfl_dump_ast(&res.doc, &out);
    tfl_buf_free(&out);
    tfl_result_free(&res);
    return 0;
}
