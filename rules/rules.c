/*
 * The table of every rule, in id order. A rule is added by writing its file
 * under rules/ and listing its record here. Custom rules of the
 * configuration are appended at run time (tfl_rules_extend).
 */
#include "tflint/rule.h"

#include <stdlib.h>
#include <strings.h>

#include "rules.h"

static const tfl_rule *const all_rules[] = {
    &tfl_rule_parse_error,           /* TF100 */
    &tfl_rule_inline_comment,        /* TF101 */
    &tfl_rule_empty_continuation,    /* TF102 */
    &tfl_rule_malformed_json,        /* TF103 */
    &tfl_rule_json_args_recommended, /* TF104 */
    &tfl_rule_instruction_casing,    /* TF105 */
    &tfl_rule_maintainer_deprecated, /* TF106 */
    &tfl_rule_stage_name,            /* TF107 */
    &tfl_rule_multiple_instructions, /* TF108 */
    &tfl_rule_workdir_relative,      /* TF109 */
    &tfl_rule_legacy_key_value,      /* TF110 */
    &tfl_rule_image_tag,             /* TF111 */
    &tfl_rule_untrusted_registry,    /* TF112 */

    &tfl_rule_missing_user,    /* TF200 */
    &tfl_rule_root_user,       /* TF201 */
    &tfl_rule_unknown_account, /* TF202 */
    &tfl_rule_numeric_user,    /* TF203 */
    &tfl_rule_sudo,            /* TF204 */
    &tfl_rule_nobody_user,     /* TF205 */
    &tfl_rule_root_home_chown, /* TF300 */
    &tfl_rule_chown_layer,     /* TF301 */
    &tfl_rule_world_writable,  /* TF302 */

    &tfl_rule_invalid_id,           /* TF400 */
    &tfl_rule_host_range_id,        /* TF401 */
    &tfl_rule_unmappable_id,        /* TF402 */
    &tfl_rule_duplicate_id,         /* TF403 */
    &tfl_rule_duplicate_name,       /* TF404 */
    &tfl_rule_lastlog_bloat,        /* TF405 */
    &tfl_rule_missing_account_tool, /* TF406 */

    &tfl_rule_undefined_var,           /* TF500 */
    &tfl_rule_global_arg_out_of_scope, /* TF501 */
    &tfl_rule_arg_before_declaration,  /* TF502 */
    &tfl_rule_empty_default,           /* TF503 */
    &tfl_rule_conflicting_default,     /* TF505 */
    &tfl_rule_redundant_fallback,      /* TF506 */
    &tfl_rule_arg_redeclared,          /* TF507 */
    &tfl_rule_secret_in_arg_env,       /* TF508 */
    &tfl_rule_unused_arg,              /* TF509 */
};

#define NBUILTIN (sizeof all_rules / sizeof all_rules[0])

/*
 * The rules of a configuration (custom rules) come after the built-in
 * ones: `table` is the built-in list followed by them, NULL while there
 * are none. Set once before linting starts, read-only while files are
 * linted.
 */
static const tfl_rule **table;
static size_t ntable;

int tfl_rules_extend(const tfl_rule *const *extra, size_t n)
{
    const tfl_rule **t = NULL;
    size_t i;

    if (n) {
        t = malloc((NBUILTIN + n) * sizeof *t);
        if (!t)
            return -1;
        for (i = 0; i < NBUILTIN; i++)
            t[i] = all_rules[i];
        for (i = 0; i < n; i++)
            t[NBUILTIN + i] = extra[i];
    }
    free(table);
    table = t;
    ntable = n ? NBUILTIN + n : 0;
    return 0;
}

const tfl_rule *const *tfl_rules(size_t *count)
{
    if (table) {
        *count = ntable;
        return table;
    }
    *count = NBUILTIN;
    return all_rules;
}

const tfl_rule *tfl_rule_lookup(const char *name)
{
    const tfl_rule *const *rules;
    size_t i, k, n;

    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        const tfl_rule *r = rules[i];

        if (strcasecmp(r->id, name) == 0 || strcasecmp(r->name, name) == 0)
            return r;
        for (k = 0; r->aliases && r->aliases[k]; k++)
            if (strcasecmp(r->aliases[k], name) == 0)
                return r;
    }
    return NULL;
}

size_t tfl_rule_index(const tfl_rule *rule)
{
    /* A file's findings come rule by rule: the last answer (of this
     * thread, for this table) is the usual one. */
    static _Thread_local const tfl_rule *const *last_table;
    static _Thread_local size_t last_n, last_i;
    const tfl_rule *const *rules;
    size_t i, n;

    rules = tfl_rules(&n);
    if (rules == last_table && n == last_n && last_i < n &&
        rules[last_i] == rule)
        return last_i;
    for (i = 0; i < n; i++)
        if (rules[i] == rule) {
            last_table = rules;
            last_n = n;
            last_i = i;
            return i;
        }
    return n;
}
