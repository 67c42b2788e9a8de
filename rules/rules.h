/* The rule records defined under rules/, one per file. */
#ifndef TFL_RULES_H
#define TFL_RULES_H

#include "tflint/engine.h"
#include "tflint/rule.h"

extern const tfl_rule tfl_rule_parse_error; /* TF100 */

extern const tfl_rule tfl_rule_undefined_var;           /* TF500 */
extern const tfl_rule tfl_rule_global_arg_out_of_scope; /* TF501 */
extern const tfl_rule tfl_rule_arg_before_declaration;  /* TF502 */
extern const tfl_rule tfl_rule_arg_redeclared;          /* TF507 */
extern const tfl_rule tfl_rule_secret_in_arg_env;       /* TF508 */
extern const tfl_rule tfl_rule_unused_arg;              /* TF509 */

#endif
