/*
 * The configuration file (`.tflint.yaml`, or hadolint's `.hadolint.yaml`)
 * and the TFLINT_* environment variables, gathered into a tfl_settings
 * and then applied to the tfl_config of a run (engine.h).
 *
 * A run is configured in layers, each later one winning: the defaults
 * (tfl_config_init), the file (tfl_settings_load), the environment
 * (tfl_settings_env), then the command line, which main.c applies to the
 * tfl_config after tfl_settings_apply(). Single values (the threshold, a
 * rule's severity, the safe ID range, the secret pattern) are replaced by
 * a later layer; lists (ignored rules, trusted registries, base-image
 * files) are added to.
 *
 * The keys and their types are described in docs/configuration.md. An
 * unknown key, a value of the wrong type, an unknown rule or a pattern
 * that does not compile is an error, reported with the file, line and
 * column of the offending node. In a hadolint file only the keys that
 * have a counterpart are read; the others, and hadolint rule codes tflint
 * has no rule for, become notes the caller may show.
 *
 * Custom rules: each `custom-rules` entry becomes a tfl_rule record owned
 * by the settings; tfl_settings_apply() appends them to the rule table
 * (tfl_rules_extend), so they are listed, explained, configured and
 * reported like built-in rules. The settings must therefore outlive the
 * run, and only one tfl_settings may be applied at a time.
 *
 * Ownership: everything a tfl_settings holds (strings, compiled patterns,
 * the base-image table, the rule records) is freed by tfl_settings_free().
 * Nothing here prints.
 */
#ifndef TFLINT_CONFIG_H
#define TFLINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/buf.h"
#include "tflint/engine.h"
#include "tflint/hostdb.h"
#include "tflint/rule.h"

struct tfl_facts;
struct tfl_regex;

/* Largest configuration file read (1 MiB). */
#define TFL_CONF_MAX_SIZE ((size_t)1 << 20)

/* Largest number of custom rules one file may define. */
#define TFL_CONF_MAX_CUSTOM 1000

/* Matcher steps a custom rule may spend on one instruction, and on one
 * file; past them the rule reports that its limit stopped it. */
#define TFL_CUSTOM_MATCH_BUDGET 100000ul
#define TFL_CUSTOM_FILE_BUDGET 2000000ul

/* Failures of the functions below (0 means success). */
#define TFL_CONF_ENOMEM (-1) /* out of memory */
#define TFL_CONF_EINVAL (-2) /* the configuration is wrong: see the error */

/* Which program a configuration file is written for. */
typedef enum tfl_conf_dialect {
    TFL_CONF_TFLINT,  /* .tflint.yaml */
    TFL_CONF_HADOLINT /* .hadolint.yaml: only the keys that map are read */
} tfl_conf_dialect;

/* What went wrong and where. `file` is NULL for the environment (the
 * message then names the variable); `line` and `col` are 1-based, 0 when
 * the problem has no place. */
typedef struct tfl_conf_error {
    const char *file;
    uint32_t line, col;
    char message[320]; /* lower case, subject quoted, no full stop */
} tfl_conf_error;

/* A place in the configuration file (1-based). */
typedef struct tfl_conf_mark {
    uint32_t line, col;
} tfl_conf_mark;

/* A note about a hadolint file: something it says that tflint skips. */
typedef struct tfl_conf_note {
    tfl_conf_mark mark;
    const char *message;
} tfl_conf_note;

/* A configured value with the place it was given (line 0: environment). */
typedef struct tfl_conf_str {
    const char *value;
    tfl_conf_mark mark;
} tfl_conf_str;

/* A `severity` entry: the rule as written and the level. */
typedef struct tfl_conf_severity {
    tfl_conf_str rule;
    tfl_severity level;
} tfl_conf_severity;

/*
 * A custom rule. `rule` comes first so the engine's record pointer leads
 * back to the whole entry (ctx->rule in tfl_custom_rule_check).
 */
typedef struct tfl_custom_rule {
    tfl_rule rule;
    const char *message;
    const char *pattern;
    struct tfl_regex *re;
    unsigned kinds;  /* bit (1u << tfl_kind) per instruction kind */
    bool arguments;  /* match each argument, not the instruction's text */
    const char *src; /* the file that defined it */
} tfl_custom_rule;

typedef struct tfl_settings {
    tfl_arena arena;  /* strings and tables below */
    const char *path; /* the file read, NULL when none */
    tfl_conf_dialect dialect;

    int threshold; /* tfl_severity, or -1 when not set */
    tfl_conf_str *ignore;
    size_t nignore, cap_ignore;
    tfl_conf_severity *severity;
    size_t nseverity, cap_severity;
    int64_t safe_id_min, safe_id_max;     /* -1 when not set */
    tfl_conf_str host_passwd, host_group; /* value NULL when not set */
    tfl_hostdb host_users, host_groups;   /* what they hold, once applied */
    tfl_conf_str *base_images;            /* paths, relative ones resolved */
    size_t nbase_images, cap_base_images;
    const char **trusted; /* registry patterns */
    size_t ntrusted, cap_trusted;
    const char *secret_pattern; /* NULL: the built-in one */
    struct tfl_regex *secret_re;

    tfl_custom_rule *custom;
    size_t ncustom, cap_custom;

    tfl_conf_note *notes; /* hadolint files only */
    size_t nnotes, cap_notes;

    /* Made by tfl_settings_apply(). */
    struct tfl_facts *facts;
    const tfl_rule **custom_table;
    bool extended; /* the custom rules are in the rule table */
} tfl_settings;

/* Empty settings: every value unset. */
void tfl_settings_init(tfl_settings *s);

/* Free everything `s` holds; removes its custom rules from the rule table
 * when they were added. */
void tfl_settings_free(tfl_settings *s);

/*
 * The configuration file for a run started in directory `dir`: the
 * nearest `.tflint.yaml` (or `.tflint.yml`) in `dir` or a parent up to the
 * repository root (the nearest directory holding `.git`; only `dir` itself
 * when there is none), else the nearest `.hadolint.yaml` (`.hadolint.yml`)
 * found the same way. Returns 0 with a malloc'd path in `*path` (the
 * caller frees it), 1 when there is none, TFL_CONF_ENOMEM.
 */
int tfl_settings_find(const char *dir, char **path);

/* The dialect of a file, from its name: hadolint when the name contains
 * "hadolint", tflint otherwise. */
tfl_conf_dialect tfl_settings_dialect_of(const char *path);

/*
 * Read the configuration in `path` (dialect from its name) into `s`, which
 * must be freshly initialised. Relative paths in the file are taken from
 * the file's directory. Returns 0, TFL_CONF_EINVAL with `*err` filled in
 * (unreadable file, YAML syntax, unknown key, wrong type, unknown rule,
 * bad pattern), or TFL_CONF_ENOMEM.
 */
int tfl_settings_load(tfl_settings *s, const char *path, tfl_conf_error *err);

/* As tfl_settings_load(), from `len` bytes of `text` reported as `path`.
 */
int tfl_settings_load_buffer(tfl_settings *s, const char *path,
                             tfl_conf_dialect dialect, const char *text,
                             size_t len, tfl_conf_error *err);

/* Reads one environment variable; NULL when it is not set. */
typedef char *(*tfl_getenv_fn)(const char *name);

/*
 * Merge the TFLINT_* variables `get` returns (getenv in the command) into
 * `s`, over what the file said: TFLINT_FAILURE_THRESHOLD, TFLINT_IGNORE,
 * TFLINT_SEVERITY (RULE=LEVEL,...), TFLINT_TRUSTED_REGISTRIES (lists are
 * comma-separated). Returns 0, TFL_CONF_EINVAL (the message names the
 * variable), or TFL_CONF_ENOMEM.
 */
int tfl_settings_env(tfl_settings *s, tfl_getenv_fn get, tfl_conf_error *err);

/*
 * Apply `s` to `cfg` (initialised with tfl_config_init): add the custom
 * rules to the rule table and grow `cfg` to cover them, then set what `s`
 * sets, loading the base-image files into a table of `s`. `cfg` then
 * points into `s`, which must outlive it. Returns 0, TFL_CONF_EINVAL
 * (a file that cannot be loaded; the error has the place it was named),
 * or TFL_CONF_ENOMEM.
 */
int tfl_settings_apply(tfl_settings *s, tfl_config *cfg, tfl_conf_error *err);

/*
 * Write the effective configuration of `cfg` (as applied from `s` and
 * changed since) to `out` as a `.tflint.yaml` file that configures the
 * same: every key, set or not.
 */
void tfl_settings_print(const tfl_settings *s, const tfl_config *cfg,
                        tfl_buf *out);

/* The check function of every custom rule (rules/custom_rule.c). */
void tfl_custom_rule_check(tfl_ctx *ctx);

#endif
