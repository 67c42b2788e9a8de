/*
 * Helpers shared by the cmocka tests: reading fixture files, finding the
 * shared conformance data, linting a string and picking findings.
 */
#ifndef TFL_TEST_SUPPORT_H
#define TFL_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tflint/engine.h"

/* Read a whole file into a malloc'd, NUL-terminated buffer; NULL when it
 * cannot be read. `*len` (when not NULL) receives the size. */
char *tfl_test_read(const char *path, size_t *len);

/* `TFL_SHARED_DIR/rel` in a static buffer, or NULL when the shared folder
 * is absent (the caller then skips with a visible message). */
const char *tfl_test_shared(const char *rel);

/* Skip the current test, saying why, when the shared data is missing. */
#define TFL_REQUIRE_SHARED(path)                                               \
    do {                                                                       \
        if (!(path)) {                                                         \
            print_message("SKIPPED: ../shared not found, conformance data "    \
                          "unavailable\n");                                    \
            skip();                                                            \
        }                                                                      \
    } while (0)

/* The built-in base-image facts, loaded on first use and freed at exit. */
const struct tfl_facts *tfl_test_facts(void);

/* Start arena `a` and parse `len` bytes of `text` as file "Dockerfile"
 * into `src` and `doc` (parse failures are findings, not test failures). */
void tfl_test_parse(tfl_arena *a, tfl_source *src, tfl_doc *doc,
                    const char *text, size_t len);

/* Lint `text` with the default configuration (and the built-in facts, as
 * the command line has them) as file "Dockerfile". */
void tfl_test_lint(const char *text, tfl_result *res);

/* Number of findings of rule `id` in `res`. */
size_t tfl_test_count(const tfl_result *res, const char *id);

/* The n-th (0-based) finding of rule `id`, or NULL. */
const tfl_finding *tfl_test_find(const tfl_result *res, const char *id,
                                 size_t n);

/* Assert that finding `f` starts at `line`:`col` and ends at
 * `end_line`:`end_col` (exclusive). */
void tfl_test_assert_span(const tfl_result *res, const tfl_finding *f,
                          uint32_t line, uint32_t col, uint32_t end_line,
                          uint32_t end_col);

/* A result for `path` over `text` with no findings yet, built by hand so
 * reports can be tested on any finding; free with tfl_result_free(). */
void tfl_test_result(tfl_result *res, const char *path, const char *text);

/* Add a finding of rule `rule` on the first occurrence of `word` in the
 * source (the caller keeps `message` alive). */
tfl_finding *tfl_test_add(tfl_result *res, const char *rule, const char *word,
                          tfl_severity sev, const char *message);

/* The span of the first occurrence of `word` in the source. */
tfl_span tfl_test_span(const tfl_result *res, const char *word);

/* Report `res` (may be NULL), then an unreadable `fail_path` (may be NULL),
 * in `format` with version "9.9.9" and %SRCROOT% /src/root; the caller
 * frees the returned string. */
char *tfl_test_render(int format, bool color, const tfl_result *res,
                      const char *fail_path, int status);

/* Whether `s` is one JSON value (RFC 8259, strings valid UTF-8), with
 * nothing but white space around it. */
bool tfl_test_json_valid(const char *s);

/* Whether `s` is a well-formed XML document (the subset reports use: a
 * declaration, elements, attributes, text, entity and character
 * references; no comments, CDATA or DOCTYPE). */
bool tfl_test_xml_valid(const char *s);

#endif
