/*
 * Human-readable views of the rule records, for --list-rules and
 * --explain. They render into a tfl_buf; the caller writes the bytes.
 */
#ifndef TFLINT_EXPLAIN_H
#define TFLINT_EXPLAIN_H

#include "tflint/buf.h"

/* A table of every rule: id, name, default severity, aliases, summary. */
void tfl_explain_list(tfl_buf *out);

/*
 * Every field of the rule called `name` (id, name or alias), its failing
 * and passing examples included. Returns 0, or -1 when no rule has that
 * name (nothing is written then).
 */
int tfl_explain_rule(tfl_buf *out, const char *name);

#endif
