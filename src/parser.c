/* Temporary: replaced by the real parser in the next commit. */
#include "tflint/ast.h"

#include <string.h>

int tfl_parse(tfl_arena *arena, const tfl_source *src, tfl_doc *doc)
{
    (void)arena;
    memset(doc, 0, sizeof *doc);
    doc->src = src;
    doc->escape = '\\';
    return 0;
}

void tfl_dump_ast(const tfl_doc *doc, tfl_buf *out)
{
    (void)doc;
    (void)out;
}
