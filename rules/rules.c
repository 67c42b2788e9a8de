/*
 * The table of every rule, in id order. A rule is added by writing its file
 * under rules/ and listing its record here.
 */
#include "tflint/rule.h"

#include <strings.h>

#include "rules.h"

static const tfl_rule *const all_rules[] = {
    &tfl_rule_parse_error,
    &tfl_rule_undefined_var,
    &tfl_rule_global_arg_out_of_scope,
    &tfl_rule_arg_before_declaration,
    &tfl_rule_arg_redeclared,
    &tfl_rule_secret_in_arg_env,
    &tfl_rule_unused_arg,
};

#define NRULES (sizeof all_rules / sizeof all_rules[0])

const tfl_rule *const *tfl_rules(size_t *count)
{
    *count = NRULES;
    return all_rules;
}

const tfl_rule *tfl_rule_lookup(const char *name)
{
    size_t i, k;

    for (i = 0; i < NRULES; i++) {
        const tfl_rule *r = all_rules[i];

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
    size_t i;

    for (i = 0; i < NRULES; i++)
        if (all_rules[i] == rule)
            return i;
    return NRULES;
}
