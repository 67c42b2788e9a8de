/*
 * The rule pages of docs/rules/, rendered from the rule records so that the
 * published docs say exactly what --explain and the SARIF descriptors say.
 * tools/gendocs.c writes them; a test compares the checked-in pages with
 * this output, so a record changed without its page fails the build.
 */
#ifndef TFLINT_RULEDOC_H
#define TFLINT_RULEDOC_H

#include "tflint/buf.h"
#include "tflint/rule.h"

/* The Markdown page of `rule` (docs/rules/<id>.md). */
void tfl_ruledoc_page(tfl_buf *out, const tfl_rule *rule);

/* The index page (docs/rules/README.md): one table row per rule. */
void tfl_ruledoc_index(tfl_buf *out);

#endif
