/*
 * Byte-order marks of the encodings tflint refuses; see
 * include/tflint/encoding.h. UTF-32LE's mark begins with UTF-16LE's, so
 * the longer marks are tried first.
 */
#include "tflint/encoding.h"

#include <string.h>

static const struct {
    const char *bytes;
    size_t len;
    const char *name;
} marks[] = {
    {"\xFF\xFE\x00\x00", 4, "UTF-32"},
    {"\x00\x00\xFE\xFF", 4, "UTF-32"},
    {"\xFF\xFE", 2, "UTF-16"},
    {"\xFE\xFF", 2, "UTF-16"},
};

const char *tfl_encoding_foreign_bom(const char *data, size_t len,
                                     size_t *bom_len)
{
    size_t i;

    for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        if (len >= marks[i].len &&
            memcmp(data, marks[i].bytes, marks[i].len) == 0) {
            *bom_len = marks[i].len;
            return marks[i].name;
        }
    }
    *bom_len = 0;
    return NULL;
}
