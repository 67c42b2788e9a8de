/*
 * Rule records. Each rule lives in its own file under rules/ and defines one
 * tfl_rule; rules/rules.c lists them all. The record feeds --list-rules,
 * --explain, the SARIF rule descriptors, the docs and the rule tests.
 */
#ifndef TFLINT_RULE_H
#define TFLINT_RULE_H

#include <stddef.h>

#include "tflint/finding.h"

typedef struct tfl_ctx tfl_ctx;

struct tfl_rule {
    const char *id;   /* "TF201" */
    const char *name; /* kebab-case: "root-user" */
    /* hadolint codes and BuildKit check names; NULL-terminated */
    const char *const *aliases;
    tfl_severity severity;   /* default */
    const char *summary;     /* one line */
    const char *rationale;   /* a paragraph: why it matters, what to do */
    const char *bad;         /* a Dockerfile the rule fires on */
    const char *good;        /* one it does not fire on */
    const char *const *tags; /* SARIF tags; NULL-terminated */
    /* Inspect ctx->doc (and the model) and report with tfl_report(). */
    void (*check)(tfl_ctx *ctx);
};

/* Every rule: the built-in ones in id order, then those added with
 * tfl_rules_extend(); `*count` receives their number. */
const tfl_rule *const *tfl_rules(size_t *count);

/* Find a rule by id, name or alias (ids and aliases case-insensitive);
 * NULL when none matches. */
const tfl_rule *tfl_rule_lookup(const char *name);

/* Position of `rule` in tfl_rules(). */
size_t tfl_rule_index(const tfl_rule *rule);

/*
 * Append `n` rules (custom rules of a configuration) after the built-in
 * ones, replacing those of an earlier call; n = 0 removes them. The
 * records are the caller's and must stay valid while they are in the
 * table. Call before any file is linted, never while one is: the table is
 * process-wide. Configurations initialised before the call do not cover
 * the new rules. Returns 0, or -1 when memory runs out (the table is then
 * unchanged).
 */
int tfl_rules_extend(const tfl_rule *const *extra, size_t n);

#endif
