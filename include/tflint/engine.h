/*
 * The rule engine: parse one Dockerfile, run every enabled rule, apply
 * suppressions (tflint, hadolint and BuildKit comments) and severity
 * overrides, and hand back the sorted findings.
 */
#ifndef TFLINT_ENGINE_H
#define TFLINT_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "tflint/arena.h"
#include "tflint/ast.h"
#include "tflint/finding.h"
#include "tflint/rule.h"
#include "tflint/source.h"

/* Largest file tflint reads, in bytes (64 MiB). */
#define TFL_MAX_FILE_SIZE ((size_t)64 << 20)

/* How a run is configured; shared by all files of the run. */
typedef struct tfl_config {
    tfl_severity threshold; /* findings at or above it fail the run */
    size_t nrules;
    unsigned char *disabled; /* per rule index: 1 when ignored */
    signed char *severity;   /* per rule index: override, or -1 */
} tfl_config;

/* Defaults: every rule on at its own severity, threshold warning.
 * Returns 0, or -1 when memory runs out. */
int tfl_config_init(tfl_config *cfg);
void tfl_config_free(tfl_config *cfg);

/* Disable the rule called `name` (id, name or alias); -1 when unknown. */
int tfl_config_ignore(tfl_config *cfg, const char *name);

/* Override the severity of `name`; -1 when the rule is unknown. */
int tfl_config_set_severity(tfl_config *cfg, const char *name,
                            tfl_severity sev);

/* Effective severity of `rule` under `cfg`. */
tfl_severity tfl_config_severity(const tfl_config *cfg, const tfl_rule *rule);

/* The lint of one file. Owns its arena: free with tfl_result_free(). */
typedef struct tfl_result {
    tfl_arena arena;
    tfl_source src;
    tfl_doc doc;
    tfl_finding *findings; /* sorted by position, then rule id */
    size_t nfindings;
    tfl_severity worst; /* TFL_SEV_NONE when there are no findings */
} tfl_result;

/*
 * Lint `len` bytes of `data` (copied) reported as `path`. Returns 0, or -1
 * when memory runs out (then `out` holds nothing to free).
 */
int tfl_lint_buffer(const tfl_config *cfg, const char *path, const char *data,
                    size_t len, tfl_result *out);

void tfl_result_free(tfl_result *res);

/* What a rule's check function sees. */
struct tfl_ctx {
    const tfl_doc *doc;
    const tfl_source *src;
    tfl_arena *arena;
    const tfl_config *config;
    const tfl_rule *rule;          /* the rule being run */
    const struct tfl_model *model; /* built on demand: tfl_ctx_model() */
    /* engine-private */
    tfl_finding *findings;
    size_t nfindings, cap;
    bool oom;
};

/*
 * Report a finding of the running rule at `span`, message from `fmt`.
 * Returns the finding (to add related spans or fixes) or NULL when memory
 * ran out; the pointer is valid until the next tfl_report().
 */
tfl_finding *tfl_report(tfl_ctx *ctx, tfl_span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attach a related place to `f`. */
void tfl_finding_related(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                         const char *message);

/* Offer replacing `span` with `text`. */
void tfl_finding_fix(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                     const char *text, const char *description);

#endif
