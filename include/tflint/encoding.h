/*
 * What a file's first bytes say about its encoding. Dockerfiles are UTF-8
 * (BuildKit reads them as such); a file saved as UTF-16 or UTF-32 would
 * otherwise parse as a line of NUL-riddled noise and produce findings that
 * mean nothing, so it is recognised by its byte-order mark and refused
 * with one clear message instead.
 */
#ifndef TFLINT_ENCODING_H
#define TFLINT_ENCODING_H

#include <stddef.h>

/*
 * The encoding named by a byte-order mark at the start of `len` bytes of
 * `data` when it is not UTF-8: "UTF-16" or "UTF-32" (either byte order),
 * with the mark's length in `*bom_len`. NULL for a UTF-8 mark or none.
 */
const char *tfl_encoding_foreign_bom(const char *data, size_t len,
                                     size_t *bom_len);

#endif
