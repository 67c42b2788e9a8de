/*
 * Host passwd and group files: the accounts come out in file order with
 * their IDs, comments and NIS lines are skipped, bad lines are reported
 * with their line number and leave nothing behind, files are read and
 * missing files reported, and damaged input never crashes.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tflint/hostdb.h"

static void test_hostdb_passwd(void **state)
{
    static const char text[] = "root:x:0:0:root:/root:/bin/bash\n"
                               "# a comment\n"
                               "\n"
                               "+nisuser::::::\n"
                               "alice:x:1000:1000:Alice,,,:/home/alice:/bin/"
                               "bash\r\n"
                               "bob:x:4294967294:100::/home/bob:/bin/sh";
    tfl_hostdb db = {0};
    tfl_hostdb_error err = {0};

    (void)state;
    assert_int_equal(
        tfl_hostdb_parse(&db, "passwd", text, sizeof text - 1, false, &err), 0);
    assert_int_equal(db.n, 3);
    assert_string_equal(db.accounts[0].name, "root");
    assert_int_equal(db.accounts[0].id, 0);
    assert_string_equal(db.accounts[1].name, "alice");
    assert_int_equal(db.accounts[1].id, 1000);
    assert_string_equal(db.accounts[2].name, "bob");
    assert_int_equal(db.accounts[2].id, 4294967294u);
    assert_string_equal(tfl_host_find(db.accounts, db.n, 1000)->name, "alice");
    assert_null(tfl_host_find(db.accounts, db.n, 1001));
    tfl_hostdb_free(&db);
    assert_int_equal(db.n, 0);
    assert_null(db.accounts);
}

static void test_hostdb_group(void **state)
{
    static const char text[] = "root:x:0:\nsudo:x:27:alice,bob\n"
                               "staff:x:50:\n";
    tfl_hostdb db = {0};

    (void)state;
    assert_int_equal(
        tfl_hostdb_parse(&db, "group", text, sizeof text - 1, true, NULL), 0);
    assert_int_equal(db.n, 3);
    assert_string_equal(db.accounts[1].name, "sudo");
    assert_int_equal(db.accounts[1].id, 27);
    /* a group line is not a passwd line */
    tfl_hostdb_free(&db);
    assert_int_equal(
        tfl_hostdb_parse(&db, "group", text, sizeof text - 1, false, NULL),
        TFL_HOSTDB_EDATA);
    assert_int_equal(db.n, 0);
}

static void test_hostdb_errors(void **state)
{
    static const struct {
        const char *text;
        bool group;
        unsigned line;
        const char *message;
    } cases[] = {
        {"root:x:0:0:root:/root\n", false, 1,
         "expected 7 fields separated by ':', found 6"},
        {"a:x:1:1:::\nb:x:2:2:::\nc:x:x:2:::\n", false, 3,
         "invalid user ID 'x'"},
        {"a:x:-1:\n", true, 1, "invalid group ID '-1'"},
        {"a:x:4294967296:\n", true, 1, "invalid group ID '4294967296'"},
        {"a:x::\n", true, 1, "invalid group ID ''"},
        {":x:5:\n", true, 1, "empty account name"},
        {"a:x:1:b:c:d:e:f:g:h\n", true, 1,
         "expected 4 fields separated by ':', found more than 8"},
        {"a:x:1:\n\nb\0:x:2:\n", true, 3, "NUL byte in the line"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tfl_hostdb db = {0};
        tfl_hostdb_error err = {0};
        size_t len = strlen(cases[i].text);

        if (strstr(cases[i].message, "NUL"))
            len = 16;
        assert_int_equal(tfl_hostdb_parse(&db, "f", cases[i].text, len,
                                          cases[i].group, &err),
                         TFL_HOSTDB_EDATA);
        assert_null(db.accounts);
        assert_string_equal(err.origin, "f");
        assert_int_equal(err.line, cases[i].line);
        assert_string_equal(err.message, cases[i].message);
    }
}

static void test_hostdb_load_file(void **state)
{
    char path[] = "/tmp/tflint-hostdb-XXXXXX";
    int fd = mkstemp(path);
    tfl_hostdb db = {0};
    tfl_hostdb_error err = {0};
    FILE *fp;

    (void)state;
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs("carol:x:1001:1001::/home/carol:/bin/sh\n", fp);
    fclose(fp);
    assert_int_equal(tfl_hostdb_load(&db, path, false, &err), 0);
    assert_int_equal(db.n, 1);
    assert_string_equal(db.accounts[0].name, "carol");
    tfl_hostdb_free(&db);
    unlink(path);

    assert_int_equal(tfl_hostdb_load(&db, path, false, &err), TFL_HOSTDB_EIO);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "cannot read '"));
    assert_int_equal(tfl_hostdb_load(&db, "/", false, &err), TFL_HOSTDB_EIO);
    assert_non_null(strstr(err.message, "cannot read '/'"));
}

/* Every prefix of a valid table and byte-flipped copies: no crash, and
 * either success or an error with a line inside the text. */
static void test_hostdb_damaged_input(void **state)
{
    static const char text[] = "root:x:0:0:root:/root:/bin/bash\n"
                               "alice:x:1000:1000:A:/home/alice:/bin/sh\n";
    size_t len = sizeof text - 1, cut, k;
    char buf[sizeof text];

    (void)state;
    for (cut = 0; cut <= len; cut++) {
        for (k = 0; k < 5; k++) {
            tfl_hostdb db = {0};
            tfl_hostdb_error err = {0};
            size_t n = k == 4 ? cut : len;
            int rc;

            memcpy(buf, text, len);
            if (k < 4 && cut < len)
                buf[cut] = "\0:\n9"[k];
            rc = tfl_hostdb_parse(&db, "x", buf, n, false, &err);
            assert_true(rc == 0 || rc == TFL_HOSTDB_EDATA);
            if (rc != 0)
                assert_true(err.line >= 1 && err.line <= 3);
            else
                assert_true(db.n <= 3);
            tfl_hostdb_free(&db);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostdb_passwd),
        cmocka_unit_test(test_hostdb_group),
        cmocka_unit_test(test_hostdb_errors),
        cmocka_unit_test(test_hostdb_load_file),
        cmocka_unit_test(test_hostdb_damaged_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
