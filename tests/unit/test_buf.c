/*
 * The output buffer: number appends against printf, the single-pass
 * printf when the result does or does not fit the free space, the size
 * limit, and the JSON and XML escapers byte by byte around runs of plain
 * text (controls, quotes, multi-byte UTF-8, invalid bytes).
 */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tflint/buf.h"

static void test_buf_numbers(void **state)
{
    unsigned long long vals[] = {0, 7, 10, 99999, 123456, ULLONG_MAX};
    char want[64];
    tfl_buf b;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        tfl_buf_init(&b, 0);
        tfl_buf_put_uint(&b, vals[i], 0);
        tfl_buf_putc(&b, '|');
        tfl_buf_put_uint(&b, vals[i], 5);
        tfl_buf_putc(&b, '|');
        tfl_buf_put_hex(&b, vals[i], 16);
        snprintf(want, sizeof want, "%llu|%5llu|%016llx", vals[i], vals[i],
                 vals[i]);
        assert_false(b.failed);
        assert_string_equal(b.data, want);
        tfl_buf_free(&b);
    }
}

static void test_buf_printf(void **state)
{
    char big[1000];
    tfl_buf b;

    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tfl_buf_init(&b, 0);
    tfl_buf_printf(&b, "%s-%d", "ab", 3); /* no room at all yet */
    tfl_buf_printf(&b, "[%s]", big);      /* more than the free space */
    tfl_buf_printf(&b, "%u", 5u);         /* fits */
    assert_false(b.failed);
    assert_int_equal(b.len, 4 + 2 + strlen(big) + 1);
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data, "ab-3[", 5);
    assert_string_equal(b.data + b.len - 2, "]5");
    tfl_buf_free(&b);
}

/* Past `max` the buffer fails and keeps what it had. */
static void test_buf_limit(void **state)
{
    tfl_buf b;

    (void)state;
    tfl_buf_init(&b, 8);
    tfl_buf_puts(&b, "abcdef");
    tfl_buf_printf(&b, "%s", "ghi");
    assert_true(b.failed);
    assert_int_equal(b.len, 6);
    tfl_buf_free(&b);

    tfl_buf_init(&b, 8);
    tfl_buf_puts(&b, "abcdef");
    tfl_buf_put_uint(&b, 123, 0);
    assert_true(b.failed);
    assert_int_equal(b.len, 6);
    tfl_buf_free(&b);
}

static void test_buf_json(void **state)
{
    static const char in[] = "a\"b\\c\n\r\t\x01\x1f\x7f"
                             "\xc3\xa9"         /* e-acute */
                             "\xf0\x9f\x90\xb3" /* a whale */
                             "\xff"             /* invalid */
                             "\xc3"             /* cut short */
                             "z";
    tfl_buf b;

    (void)state;
    tfl_buf_init(&b, 0);
    tfl_buf_json_str(&b, in, sizeof in - 1);
    assert_false(b.failed);
    assert_string_equal(b.data, "a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u007f"
                                "\xc3\xa9\xf0\x9f\x90\xb3"
                                "\xEF\xBF\xBD\xEF\xBF\xBDz");
    tfl_buf_free(&b);
}

static void test_buf_xml(void **state)
{
    static const char in[] = "<a href='x'>&\"</a>\n\t\r\x01\x7f"
                             "\xe2\x82\xac" /* euro sign */
                             "\x80"         /* invalid */
                             "ok";
    tfl_buf b;

    (void)state;
    tfl_buf_init(&b, 0);
    tfl_buf_xml_str(&b, in, sizeof in - 1);
    assert_false(b.failed);
    assert_string_equal(b.data,
                        "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;"
                        "&#10;&#9;&#13;\xEF\xBF\xBD\xEF\xBF\xBD"
                        "\xe2\x82\xac\xEF\xBF\xBDok");
    tfl_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_numbers), cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_limit),   cmocka_unit_test(test_buf_json),
        cmocka_unit_test(test_buf_xml),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
