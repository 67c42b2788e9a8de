/*
 * Reporters turn lint results into text for people and machines. They
 * write into a tfl_buf; the caller decides where the bytes go (the core
 * library never prints). Content taken from a Dockerfile is escaped for the
 * format, and never starts a line of a report.
 *
 * A run is: tfl_report_new(), then per input in order tfl_report_file() or
 * tfl_report_failure(), then tfl_report_end(), optionally
 * tfl_report_summary(), then tfl_report_free(). Several reporters may run
 * side by side over the same results (one per output of the command line).
 */
#ifndef TFLINT_REPORT_H
#define TFLINT_REPORT_H

#include <stdbool.h>

#include "tflint/buf.h"
#include "tflint/engine.h"

/* The project page: SARIF's informationUri, --help and --version. */
#define TFL_HOMEPAGE "https://github.com/tflint-docker/tflint"

typedef enum tfl_format {
    TFL_FORMAT_TEXT,
    TFL_FORMAT_SARIF,
    TFL_FORMAT_JSON,
    TFL_FORMAT_GITHUB,
    TFL_FORMAT_CHECKSTYLE,
    TFL_FORMAT_GITLAB,
    TFL_FORMAT_JUNIT
} tfl_format;

/* Parse a format name ("codeclimate" is GitLab's); -1 when unknown. */
int tfl_format_parse(const char *name);

typedef struct tfl_report_opts {
    bool color;          /* text: ANSI colours and the marked source line */
    const char *version; /* tool version for SARIF */
    /* SARIF: absolute directory that relative paths are resolved against
     * (%SRCROOT%); NULL declares %SRCROOT% without a location. */
    const char *srcroot;
} tfl_report_opts;

typedef struct tfl_reporter tfl_reporter;

/* NULL when memory runs out. `opts` is copied. */
tfl_reporter *tfl_report_new(tfl_format format, const tfl_report_opts *opts);

/* Append the findings of one linted file. */
void tfl_report_file(tfl_reporter *rep, tfl_buf *out, const tfl_result *res);

/*
 * Record an input that could not be linted (unreadable, too large). SARIF
 * keeps it for the run's tool execution notifications; the text report
 * writes nothing, since its output is the findings only: the caller tells
 * the user on standard error.
 */
void tfl_report_failure(tfl_reporter *rep, tfl_buf *out, const char *path,
                        const char *message);

/* Finish the report; `exit_status` is what the run will exit with. */
void tfl_report_end(tfl_reporter *rep, tfl_buf *out, int exit_status);

/*
 * Append what the reporter has to tell the user beside the report (plain
 * text lines, meant for standard error; the github format's count per
 * rule, since GitHub annotates only the first few findings). Most formats
 * append nothing. Call after tfl_report_end().
 */
void tfl_report_summary(tfl_reporter *rep, tfl_buf *diag);

void tfl_report_free(tfl_reporter *rep);

#endif
