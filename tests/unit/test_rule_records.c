/*
 * The rule table: every record is complete and well-formed, lookups by
 * id, name and alias find it, and each rule's own examples behave: the
 * bad one produces the rule, the good one does not.
 */
#include "support.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "tflint/rule.h"

static bool kebab(const char *s)
{
    size_t i;

    if (!islower((unsigned char)s[0]))
        return false;
    for (i = 0; s[i]; i++) {
        if (s[i] == '-') {
            if (s[i + 1] == '\0' || s[i + 1] == '-')
                return false;
        } else if (!islower((unsigned char)s[i]) &&
                   !isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static bool tf_id(const char *s)
{
    return strlen(s) == 5 && s[0] == 'T' && s[1] == 'F' &&
           isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
           isdigit((unsigned char)s[4]);
}

static void test_rule_records_complete(void **state)
{
    const tfl_rule *const *rules;
    size_t n, i, k;

    (void)state;
    rules = tfl_rules(&n);
    assert_true(n >= 12);
    for (i = 0; i < n; i++) {
        const tfl_rule *r = rules[i];

        if (!tf_id(r->id))
            fail_msg("bad rule id '%s'", r->id);
        if (!kebab(r->name))
            fail_msg("%s: name '%s' is not kebab-case", r->id, r->name);
        assert_non_null(r->aliases);
        assert_non_null(r->tags);
        assert_non_null(r->check);
        if (!r->summary[0] || !r->rationale[0] || !r->bad[0] || !r->good[0])
            fail_msg("%s: empty summary, rationale or example", r->id);
        assert_true(r->severity <= TFL_SEV_ERROR);
        assert_int_equal(tfl_rule_index(r), i);
        if (i > 0 && strcmp(rules[i - 1]->id, r->id) >= 0)
            fail_msg("%s: not in id order or not unique", r->id);
        for (k = 0; k < i; k++)
            if (strcmp(rules[k]->name, r->name) == 0)
                fail_msg("%s and %s share the name '%s'", rules[k]->id, r->id,
                         r->name);
    }
}

static void test_rule_records_lookup(void **state)
{
    const tfl_rule *const *rules;
    char lower[16];
    size_t n, i, k;

    (void)state;
    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        const tfl_rule *r = rules[i];

        assert_ptr_equal(tfl_rule_lookup(r->id), r);
        assert_ptr_equal(tfl_rule_lookup(r->name), r);
        for (k = 0; r->id[k] && k + 1 < sizeof lower; k++)
            lower[k] = (char)tolower((unsigned char)r->id[k]);
        lower[k] = '\0';
        assert_ptr_equal(tfl_rule_lookup(lower), r);
        for (k = 0; r->aliases[k]; k++)
            if (tfl_rule_lookup(r->aliases[k]) != r)
                fail_msg("alias '%s' of %s finds another rule", r->aliases[k],
                         r->id);
    }
    assert_null(tfl_rule_lookup("TF999"));
    assert_null(tfl_rule_lookup("no-such-rule"));
    assert_null(tfl_rule_lookup(""));
}

/* The aliases the foundation issue asks for, each on its rule. */
static void test_rule_records_aliases(void **state)
{
    static const char *const want[][2] = {
        {"DL1000", "TF100"},
        {"DL3025", "TF104"},
        {"JSONArgsRecommended", "TF104"},
        {"ConsistentInstructionCasing", "TF105"},
        {"FromAsCasing", "TF105"},
        {"StageNameCasing", "TF105"},
        {"DL4000", "TF106"},
        {"MaintainerDeprecated", "TF106"},
        {"DL3024", "TF107"},
        {"DL3063", "TF107"},
        {"DuplicateStageName", "TF107"},
        {"ReservedStageName", "TF107"},
        {"DL4003", "TF108"},
        {"DL4004", "TF108"},
        {"DL3012", "TF108"},
        {"MultipleInstructionsDisallowed", "TF108"},
        {"DL3000", "TF109"},
        {"WorkdirRelativePath", "TF109"},
        {"LegacyKeyValueFormat", "TF110"},
        {"DL3006", "TF111"},
        {"DL3007", "TF111"},
        {"DL3026", "TF112"},
        {"NoEmptyContinuation", "TF102"},
        {"DL3002", "TF201"},
        {"DL3066", "TF203"},
        {"DL3004", "TF204"},
        {"DL3046", "TF405"},
        {"UndefinedVar", "TF500"},
        {"UndefinedArgInFrom", "TF500"},
        {"InvalidDefaultArgInFrom", "TF503"},
        {"DL3064", "TF508"},
        {"SecretsUsedInArgOrEnv", "TF508"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const tfl_rule *r = tfl_rule_lookup(want[i][0]);

        if (!r || strcmp(r->id, want[i][1]) != 0)
            fail_msg("alias '%s' should name %s", want[i][0], want[i][1]);
    }
}

/* Lint `text` as the command line does: with the built-in base-image
 * facts, and with a trusted-registry list, which TF112's examples assume
 * (no other rule reads it). */
static void lint_example(const char *text, tfl_result *res)
{
    static const char *const trusted[] = {"registry.example.com"};
    tfl_config cfg;

    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.trusted_registries = trusted;
    cfg.ntrusted_registries = 1;
    cfg.facts = tfl_test_facts();
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), res), 0);
    tfl_config_free(&cfg);
}

static void test_rule_records_examples(void **state)
{
    const tfl_rule *const *rules;
    size_t n, i;

    (void)state;
    rules = tfl_rules(&n);
    for (i = 0; i < n; i++) {
        const tfl_rule *r = rules[i];
        tfl_result res;

        lint_example(r->bad, &res);
        if (tfl_test_count(&res, r->id) == 0)
            fail_msg("%s: the bad example produces no finding", r->id);
        tfl_result_free(&res);

        lint_example(r->good, &res);
        if (tfl_test_count(&res, r->id) != 0)
            fail_msg("%s: the good example produces '%s'", r->id,
                     tfl_test_find(&res, r->id, 0)->message);
        tfl_result_free(&res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_records_complete),
        cmocka_unit_test(test_rule_records_lookup),
        cmocka_unit_test(test_rule_records_aliases),
        cmocka_unit_test(test_rule_records_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
