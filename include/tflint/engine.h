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
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/ast.h"
#include "tflint/finding.h"
#include "tflint/rule.h"
#include "tflint/source.h"

/* Largest file tflint reads, in bytes (64 MiB). */
#define TFL_MAX_FILE_SIZE ((size_t)64 << 20)

struct tfl_facts;
struct tfl_regex;

/* A `--build-arg NAME=VALUE`. */
typedef struct tfl_build_arg {
    const char *name;
    const char *value;
} tfl_build_arg;

/* An account of the host (from --host-passwd / --host-group files). */
typedef struct tfl_host_account {
    const char *name;
    uint32_t id;
} tfl_host_account;

/*
 * How a run is configured; shared by all files of the run and read-only
 * while files are linted (so several threads may lint with one config).
 * Strings and tables are owned by whoever filled them in (the command line
 * or the configuration file loader) and must outlive the run.
 */
typedef struct tfl_config {
    tfl_severity threshold; /* findings at or above it fail the run */
    size_t nrules;
    unsigned char *disabled; /* per rule index: 1 when ignored */
    signed char *severity;   /* per rule index: override, or -1 */

    /* Build: values for ARGs, and the stage that is built. */
    const tfl_build_arg *build_args;
    size_t nbuild_args;
    const char *target; /* stage name; NULL: the last stage */

    /* Base-image knowledge: built-in entries plus --base-images files.
     * NULL: rules that need account facts treat every image as unknown. */
    const struct tfl_facts *facts;

    /* Host accounts (TF401), and the ID range safe from them. */
    const tfl_host_account *host_users;
    size_t nhost_users;
    const tfl_host_account *host_groups;
    size_t nhost_groups;
    uint32_t safe_id_min; /* default 10000 */
    uint32_t safe_id_max; /* default 65535 */

    /* Registries FROM and --from may pull from (TF112); none: any. */
    const char *const *trusted_registries;
    size_t ntrusted_registries;

    /* Names of ARGs and ENVs that carry secrets (TF508); NULL: built-in. */
    const struct tfl_regex *secret_pattern;
} tfl_config;

/* The build-arg value for `name`, or NULL when none was given. */
const char *tfl_config_build_arg(const tfl_config *cfg, const char *name,
                                 size_t len);

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

/*
 * As tfl_lint_buffer(), without the copy: `data` (malloc'd, `len` bytes
 * followed by a NUL, as tfl_read_file() returns it) is taken over, in
 * every case, and freed with the result.
 */
int tfl_lint_take(const tfl_config *cfg, const char *path, char *data,
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
    const struct tfl_ops *ops;     /* built on demand: tfl_ctx_ops() */
    /* ARG fallbacks of the RUNs (rules/fallbacks.c), shared by the rules
     * that judge them so the RUNs are split once. */
    const struct tfl_arg_fallback *arg_fallbacks;
    size_t narg_fallbacks;
    bool arg_fallbacks_done;
    /* The stage table (rules/common.c: tfl_stages_get), built once. */
    const struct tfl_stages *stages;
    /* engine-private */
    tfl_finding *findings;
    size_t nfindings, cap;
    /* Every distinct message text once (rules say the same thing of many
     * places): an open-addressing set on the heap (tfl_ctx_release). */
    struct tfl_msg_slot *msgs;
    size_t nmsgs, msgs_cap;
    const tfl_rule *severity_of; /* the rule `severity` is of, or NULL */
    tfl_severity severity;
    bool oom;
};

/*
 * Free what reporting findings keeps on the heap while the rules run (the
 * set of messages of a file with many); the findings stay.
 * tfl_report() may be called again afterwards (its messages are then not
 * shared with earlier ones).
 */
void tfl_ctx_release(tfl_ctx *ctx);

/*
 * Report a finding of the running rule at `span`, message from `fmt`.
 * Returns the finding (to add related spans or fixes) or NULL when memory
 * ran out; the pointer is valid until the next tfl_report().
 */
tfl_finding *tfl_report(tfl_ctx *ctx, tfl_span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attach a related place to `f` (none past the 65,535th). */
void tfl_finding_related(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                         const char *message);

/* Offer replacing `span` with `text` (no fix past the 65,535th). */
void tfl_finding_fix(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                     const char *text, const char *description);

#endif
