/*
 * Private interface between the report object (report.c) and its
 * renderers (report_<format>.c). Each renderer is a vtable plus
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
    /* Notes for standard error after the end (may be NULL). */
    void (*summary)(void *state, tfl_buf *diag);
    void (*close)(void *state);
} tfl_renderer;

extern const tfl_renderer tfl_renderer_text;
extern const tfl_renderer tfl_renderer_sarif;
extern const tfl_renderer tfl_renderer_json;
extern const tfl_renderer tfl_renderer_github;
extern const tfl_renderer tfl_renderer_checkstyle;
extern const tfl_renderer tfl_renderer_gitlab;
extern const tfl_renderer tfl_renderer_junit;

/* The rule id of the notification for an input that could not be read. */
#define TFL_UNREADABLE_ID "TF000"

/*
 * The reported form of `path`: leading "./" components dropped (so
 * "./a/Dockerfile" and "a/Dockerfile" are one file for CI tools). Returns a
 * pointer into `path`.
 */
const char *tfl_report_path(const char *path);

/*
 * The region a report shows for `span`: 1-based start and end (exclusive)
 * positions, columns in UTF-16 code units. A span that ends at the start
 * of a line ends at the end of the previous one instead, so a span
 * covering a whole line does not claim the next; the end never precedes
 * the start.
 */
void tfl_report_region(const tfl_source *src, tfl_span span, tfl_pos *start,
                       tfl_pos *end);

/* The region of `span` as JSON members, `"K0": line, "K1": column,
 * "K2": end line, "K3": end column` with the keys in `keys`: JSON and
 * SARIF name the same four numbers differently. */
void tfl_report_put_region(tfl_buf *b, const tfl_source *src, tfl_span span,
                           const char *const keys[4]);

/* Inputs that could not be read, kept by renderers that list them at the
 * end of the report. */
typedef struct tfl_failure {
    char *path;
    char *message;
} tfl_failure;

typedef struct tfl_failures {
    tfl_failure *items;
    size_t count, cap;
} tfl_failures;

/* Copy `path` and `message` onto the list; 0, or -1 when memory runs out
 * (the list is then unchanged). */
int tfl_failures_add(tfl_failures *list, const char *path, const char *message);

void tfl_failures_free(tfl_failures *list);

/* Append `s` as a quoted JSON string. */
void tfl_report_json_quoted(tfl_buf *b, const char *s);

#endif
