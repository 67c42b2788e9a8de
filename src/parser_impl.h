/* Internals shared by the parser, the instruction checks and the dump. */
#ifndef TFL_PARSER_IMPL_H
#define TFL_PARSER_IMPL_H

#include <stdarg.h>
#include <stdbool.h>

#include "tflint/ast.h"

/* BuildKit's argument limit for one physical line. */
#define TFL_MAX_LINE 65535

/* Record a TF100 problem at `span`; false when memory ran out. */
bool tfl_doc_error(tfl_arena *arena, tfl_doc *doc, size_t *cap, tfl_span span,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * The instruction layer: argument counts, flag names and values, stage
 * names, instructions before FROM, ONBUILD triggers. Appends to doc->errors
 * (capacity in *cap). Returns 0, or -1 when memory runs out.
 */
int tfl_validate(tfl_arena *arena, tfl_doc *doc, size_t *cap);

/* Levenshtein distance of a and b, case-insensitive, capped at `max` + 1. */
size_t tfl_edit_distance(const char *a, const char *b, size_t max);

#endif
