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

/* A column count goes on from the last one on the same line: in whatever
 * order offsets are asked, even inside a character, the answers are those
 * of a count from the line's start. */
static void test_source_positions_any_order(void **state)
{
    const char *text = "\xEF\xBB\xBF"
                       "RUN a\xC3\xA9"
                       "b\xF0\x9F\x98\x80"
                       "c\xFF\xE2\x82"
                       "d e\r\n"
                       "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 x\n";
    size_t len = strlen(text), k, round;
    unsigned seed = 7;
    tfl_arena a;
    tfl_source src, ref;

    (void)state;
    tfl_arena_init(&a);
    assert_int_equal(tfl_source_init(&src, &a, "D", text, len), 0);
    ref = src;
    ref.hint = NULL; /* every count from the line's start */
    for (round = 0; round < 3; round++) {
        for (k = 0; k < 4 * (len + 2); k++) {
            uint32_t off;
            tfl_pos p, q;

            seed = seed * 1103515245u + 12345u;
            off = round == 0   ? (uint32_t)(k % (len + 2))
                  : round == 1 ? (uint32_t)(len + 1 - k % (len + 2))
                               : (seed >> 8) % (uint32_t)(len + 2);
            p = tfl_source_pos(&src, off);
            q = tfl_source_pos(&ref, off);
            assert_int_equal(p.line, q.line);
            assert_int_equal(p.col, q.col);
        }
    }
    tfl_arena_free(&a);
}

/* Columns on lines mixing long ASCII runs with wider characters, at every
 * character start, against a count of UTF-16 units from the line's start
 * (the ASCII runs are skipped many bytes at a time, never past one). */
static void test_source_columns_long_lines(void **state)
{
    static const char *const pieces[] = {"\xC3\xA9", "\xF0\x9F\x98\x80",
                                         "\xE2\x82\xAC", "\t"};
    char text[4096];
    size_t len = 0, k, off;
    unsigned seed = 11;
    tfl_arena a;
    tfl_source src, fresh;

    (void)state;
    for (k = 0; len < sizeof text - 64; k++) {
        size_t run;

        seed = seed * 1103515245u + 12345u;
        run = (seed >> 8) % 40;
        memset(text + len, 'a' + (char)(k % 26), run);
        len += run;
        if ((seed >> 20) % 9 == 0) {
            text[len++] = '\n';
        } else {
            const char *p = pieces[(seed >> 16) % 4];

            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
    }
    tfl_arena_init(&a);
    assert_int_equal(tfl_source_init(&src, &a, "D", text, len), 0);
    fresh = src;
    fresh.hint = NULL; /* counts from the line's start, not the last one */
    for (off = 0; off <= len; off++) {
        size_t start = off, i;
        uint32_t line = 1, col = 1;
        tfl_pos p;

        if (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
            continue; /* inside a character */
        while (start > 0 && text[start - 1] != '\n')
            start--;
        for (i = 0; i < start; i++)
            line += text[i] == '\n';
        for (i = start; i < off; i++) {
            unsigned char c = (unsigned char)text[i];

            if ((c & 0xC0) != 0x80)
                col += c >= 0xF0 ? 2 : 1;
        }
        p = tfl_source_pos(&src, (uint32_t)off);
        assert_int_equal(p.line, line);
        assert_int_equal(p.col, col);
        p = tfl_source_pos(&fresh, (uint32_t)off);
        assert_int_equal(p.line, line);
        assert_int_equal(p.col, col);
    }
    /* the line table: every LF starts a line, whatever its place in the
     * steps the table is filled by */
    for (off = 0, k = 1; off < len; off++)
        if (text[off] == '\n') {
            assert_true(k < src.nlines);
            assert_int_equal(src.line_starts[k], off + 1);
            k++;
        }
    assert_int_equal(k, src.nlines);
    tfl_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_positions),
        cmocka_unit_test(test_source_line_text),
        cmocka_unit_test(test_source_positions_any_order),
        cmocka_unit_test(test_source_columns_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
