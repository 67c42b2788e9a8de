/*
 * Findings: what rules report. Data, not errors; they live in the arena of
 * the file they are about.
 */
#ifndef TFLINT_FINDING_H
#define TFLINT_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/source.h"

/* Ordered: a higher value is more severe. */
typedef enum tfl_severity {
    TFL_SEV_STYLE,
    TFL_SEV_INFO,
    TFL_SEV_WARNING,
    TFL_SEV_ERROR,
    TFL_SEV_NONE /* as a threshold: never fail */
} tfl_severity;

/* "error", "warning", "info", "style", "none". */
const char *tfl_severity_name(tfl_severity sev);

/* Parse a level name ("info" also as "note"); -1 when unknown. */
int tfl_severity_parse(const char *name);

typedef struct tfl_rule tfl_rule;

/* A second place that explains the finding (the earlier definition, the
 * ARG whose default flowed here). */
typedef struct tfl_related {
    tfl_span span;
    const char *message;
} tfl_related;

/* Replace the bytes of `span` with `text`: offered only when exact. */
typedef struct tfl_fix {
    tfl_span span;
    const char *text;
    const char *description;
} tfl_fix;

/* 48 bytes: a big file has a hundred thousand of them. A finding holds
 * at most 65,535 related places and as many fixes. */
typedef struct tfl_finding {
    const tfl_rule *rule;
    const char *message;
    tfl_span span;
    tfl_related *related;
    tfl_fix *fixes;
    tfl_severity severity; /* after overrides */
    uint16_t nrelated;
    uint16_t nfixes;
} tfl_finding;

#endif
