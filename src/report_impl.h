/*
 * Private interface between the report object (report.c) and its
 * renderers (report_text.c, report_sarif.c). Each renderer is a vtable plus
 * a state block it allocates itself; report.c only dispatches, so adding a
 * format means one new file and one line in the table there.
 */
#ifndef TFL_REPORT_IMPL_H
#define TFL_REPORT_IMPL_H

#include <stddef.h>

#include "tflint/report.h"

typedef struct tfl_renderer {
    /* Allocate the renderer's state; NULL when memory runs out. */
    void *(*open)(const tfl_report_opts *opts);
    /* Write whatever opens the report (may be NULL). */
    void (*begin)(void *state, tfl_buf *out);
    void (*file)(void *state, tfl_buf *out, const tfl_result *res);
    void (*failure)(void *state, tfl_buf *out, const char *path,
                    const char *message);
    void (*end)(void *state, tfl_buf *out, int exit_status);
    void (*close)(void *state);
} tfl_renderer;

extern const tfl_renderer tfl_renderer_text;
extern const tfl_renderer tfl_renderer_sarif;

/*
 * The reported form of `path`: leading "./" components dropped (so
 * "./a/Dockerfile" and "a/Dockerfile" are one file for CI tools). Returns a
 * pointer into `path`.
 */
const char *tfl_report_path(const char *path);

#endif
