/* The rule records defined under rules/, one per file. */
#ifndef TFL_RULES_H
#define TFL_RULES_H

#include "tflint/engine.h"
#include "tflint/rule.h"

extern const tfl_rule tfl_rule_parse_error; /* TF100 */

#endif
