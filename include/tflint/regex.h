/*
 * Regular expressions for rules and configuration: a thin layer over
 * PCRE2 (8-bit) so the rest of tflint never sees its types. Patterns are
 * compiled once and matched with limits on backtracking, so a hostile
 * pattern or subject cannot make a match run away.
 */
#ifndef TFLINT_REGEX_H
#define TFLINT_REGEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tfl_regex tfl_regex;

/* Pattern options. */
#define TFL_REGEX_ICASE 1u
/* Count the work of a match (for tfl_regex_search()): slower to match, but
 * the budget covers every start position of an unanchored search, where
 * PCRE2's own match limit starts again at each one. */
#define TFL_REGEX_COUNTED 2u

/* tfl_regex_search(): the budget or a match limit stopped the search. */
#define TFL_REGEX_ELIMIT (-2)

/*
 * Compile `pattern` into `*out` (malloc'd; release with tfl_regex_free()).
 * Returns 0, or -1 when the pattern is invalid or memory runs out; then
 * `err` (when not NULL, `errlen` bytes) receives a message and `*erroff`
 * (when not NULL) the offset in the pattern.
 */
int tfl_regex_compile(tfl_regex **out, const char *pattern, unsigned flags,
                      char *err, size_t errlen, size_t *erroff);

/*
 * Does `re` match somewhere in `len` bytes of `subject`? Returns 1 when it
 * does, 0 when not, -1 when the match limit was hit or memory ran out.
 */
int tfl_regex_match(const tfl_regex *re, const char *subject, size_t len);

/*
 * Find the leftmost match of `re` (compiled with TFL_REGEX_COUNTED) in `len`
 * bytes of `subject`, spending at most `*budget` steps of the matcher over
 * all start positions; the steps used are taken off `*budget`. Returns 1
 * with the match in [*start, *end), 0 when there is none,
 * TFL_REGEX_ELIMIT when the budget or a limit ran out first (the answer is
 * unknown), -1 when memory runs out.
 */
int tfl_regex_search(const tfl_regex *re, const char *subject, size_t len,
                     unsigned long *budget, size_t *start, size_t *end);

void tfl_regex_free(tfl_regex *re);

#endif
