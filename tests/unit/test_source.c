/* Positions: lines, UTF-16 columns, BOM and CRLF handling. */
#include "support.h"

#include <string.h>

#include "tflint/source.h"

static void test_source_positions(void **state)
{
    const char *text = "\xEF\xBB\xBF"
                       "FROM a\r\nRUN \xC3\xA9\xF0\x9F\x98\x80x\n";
    tfl_arena a;
    tfl_source src;
    tfl_pos p;

    (void)state;
    tfl_arena_init(&a);
    assert_int_equal(tfl_source_init(&src, &a, "D", text, strlen(text)), 0);
    assert_int_equal(src.nlines, 3);
    p = tfl_source_pos(&src, 3); /* 'F' after the BOM */
    assert_int_equal(p.line, 1);
    assert_int_equal(p.col, 1);
    p = tfl_source_pos(&src, 7); /* 'a' */
    assert_int_equal(p.col, 5);
    /* 'x' on line 2: "RUN " (4) + e-acute (1) + emoji (2) */
    p = tfl_source_pos(&src, (uint32_t)(strchr(text, 'x') - text));
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 8);
    tfl_arena_free(&a);
}

static void test_source_line_text(void **state)
{
    const char *text = "FROM a\r\nRUN b";
    tfl_arena a;
    tfl_source src;
    const char *t;
    size_t n;

    (void)state;
    tfl_arena_init(&a);
    assert_int_equal(tfl_source_init(&src, &a, "D", text, strlen(text)), 0);
    assert_true(tfl_source_line(&src, 1, &t, &n));
    assert_int_equal(n, 6);
    assert_true(tfl_source_line(&src, 2, &t, &n));
    assert_int_equal(n, 5);
    assert_false(tfl_source_line(&src, 3, &t, &n));
    tfl_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_positions),
        cmocka_unit_test(test_source_line_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
