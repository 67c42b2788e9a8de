/*
 * Discovery and reading on a temporary tree: name patterns, recursion,
 * byte-order sorting, .git skipped, symbolic links not followed while
 * recursing but read when named, and the refusals of tfl_read_file().
 */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tflint/discover.h"

static char root[64];

static void put_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void put_dir(const char *rel)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static void put_link(const char *target, const char *rel)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", root, rel);
    assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/tfl-discover-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    put_file("Dockerfile", "FROM a\n");
    put_file("Dockerfile.dev", "FROM b\n");
    put_file("b.Dockerfile", "FROM c\n");
    put_file("c.dockerfile", "FROM d\n");
    put_file("README", "not me\n");
    put_file("Dockerfile.dockerignore", "*\n");
    put_dir("a");
    put_file("a/Containerfile", "FROM e\n");
    put_file("a/Containerfile.x", "FROM f\n");
    put_file("a/notes.txt", "no\n");
    put_dir(".git");
    put_file(".git/Dockerfile", "FROM hidden\n");
    put_dir("sub.Dockerfile");
    put_file("sub.Dockerfile/Dockerfile", "FROM g\n");
    put_dir("empty");
    put_link("a", "link");
    put_link("Dockerfile", "Dockerfile.link");
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Path of input `i` relative to the tree. */
static const char *rel(const tfl_inputs *in, size_t i)
{
    size_t n = strlen(root);

    assert_true(i < in->count);
    assert_null(in->items[i].error);
    assert_true(strncmp(in->items[i].path, root, n) == 0);
    return in->items[i].path + n + 1;
}

static void test_discover_patterns(void **state)
{
    (void)state;
    assert_true(tfl_discover_match("Dockerfile"));
    assert_true(tfl_discover_match("Dockerfile.prod"));
    assert_true(tfl_discover_match("web.Dockerfile"));
    assert_true(tfl_discover_match("web.dockerfile"));
    assert_true(tfl_discover_match("Containerfile"));
    assert_true(tfl_discover_match("Containerfile.arm"));
    assert_false(tfl_discover_match("dockerfile"));
    assert_false(tfl_discover_match("Dockerfile2"));
    assert_false(tfl_discover_match("Dockerfile.dockerignore"));
    assert_false(tfl_discover_match("Dockerfiles"));
    assert_false(tfl_discover_match("README.md"));
}

static void test_discover_tree(void **state)
{
    const char *paths[1] = {root};
    tfl_inputs in = {0};

    (void)state;
    assert_int_equal(tfl_discover(&in, paths, 1), 0);
    assert_int_equal(in.count, 7);
    /* byte order: upper case before lower, subdirectories in place; no
     * .git, no links, no ignore file */
    assert_string_equal(rel(&in, 0), "Dockerfile");
    assert_string_equal(rel(&in, 1), "Dockerfile.dev");
    assert_string_equal(rel(&in, 2), "a/Containerfile");
    assert_string_equal(rel(&in, 3), "a/Containerfile.x");
    assert_string_equal(rel(&in, 4), "b.Dockerfile");
    assert_string_equal(rel(&in, 5), "c.dockerfile");
    assert_string_equal(rel(&in, 6), "sub.Dockerfile/Dockerfile");
    tfl_inputs_free(&in);
}

static void test_discover_explicit(void **state)
{
    char link[128], missing[128], dir[128];
    const char *paths[4] = {link, "-", missing, dir};
    tfl_inputs in = {0};

    (void)state;
    snprintf(link, sizeof link, "%s/Dockerfile.link", root);
    snprintf(missing, sizeof missing, "%s/nope", root);
    snprintf(dir, sizeof dir, "%s/empty/", root);
    assert_int_equal(tfl_discover(&in, paths, 4), 0);
    assert_int_equal(in.count, 3); /* the empty directory adds nothing */
    assert_string_equal(rel(&in, 0), "Dockerfile.link");
    assert_string_equal(in.items[1].path, "-");
    assert_null(in.items[1].error);
    assert_string_equal(in.items[2].path, missing);
    assert_non_null(in.items[2].error);
    assert_true(strncmp(in.items[2].error, "cannot read '", 13) == 0);
    assert_non_null(strstr(in.items[2].error, "': No such file or directory"));
    tfl_inputs_free(&in);
}

static void test_discover_default_and_dot(void **state)
{
    const char *dot[1] = {"./a"};
    tfl_inputs in = {0};
    char cwd[512], sub[128];

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(root), 0);
    assert_int_equal(tfl_discover(&in, NULL, 0), 0);
    assert_int_equal(in.count, 1);
    assert_string_equal(in.items[0].path, "Dockerfile");
    tfl_inputs_free(&in);

    assert_int_equal(tfl_discover(&in, dot, 1), 0);
    assert_int_equal(in.count, 2);
    assert_string_equal(in.items[0].path, "a/Containerfile");
    tfl_inputs_free(&in);

    snprintf(sub, sizeof sub, "%s/empty", root);
    assert_int_equal(chdir(sub), 0);
    assert_int_equal(tfl_discover(&in, NULL, 0), 1);
    assert_int_equal(in.count, 0);
    assert_int_equal(chdir(cwd), 0);
}

static void test_discover_read(void **state)
{
    char path[128], err[TFL_ERRMSG_SIZE], *data;
    size_t len;

    (void)state;
    snprintf(path, sizeof path, "%s/Dockerfile.link", root);
    assert_int_equal(tfl_read_file(path, &data, &len, err), 0);
    assert_int_equal(len, 7);
    assert_string_equal(data, "FROM a\n");
    free(data);

    snprintf(path, sizeof path, "%s/empty", root);
    assert_int_equal(tfl_read_file(path, &data, &len, err), 1);
    assert_null(data);
    assert_non_null(strstr(err, "/empty': Is a directory"));
    assert_true(strncmp(err, "cannot read '", 13) == 0);

    snprintf(path, sizeof path, "%s/nope", root);
    assert_int_equal(tfl_read_file(path, &data, &len, err), 1);
    assert_non_null(strstr(err, "No such file or directory"));
}

static void test_discover_read_fifo_and_size(void **state)
{
    char path[128], err[TFL_ERRMSG_SIZE], *data;
    size_t len;
    int fd;

    (void)state;
    snprintf(path, sizeof path, "%s/fifo", root);
    assert_int_equal(mkfifo(path, 0600), 0);
    /* refused at once, without waiting for a writer */
    assert_int_equal(tfl_read_file(path, &data, &len, err), 1);
    assert_non_null(strstr(err, "/fifo': Not a regular file"));
    unlink(path);

    snprintf(path, sizeof path, "%s/big", root);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)TFL_MAX_FILE_SIZE + 1), 0);
    close(fd);
    assert_int_equal(tfl_read_file(path, &data, &len, err), 1);
    assert_non_null(strstr(err, "/big': larger than 64 MiB"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discover_patterns),
        cmocka_unit_test(test_discover_tree),
        cmocka_unit_test(test_discover_explicit),
        cmocka_unit_test(test_discover_default_and_dot),
        cmocka_unit_test(test_discover_read),
        cmocka_unit_test(test_discover_read_fifo_and_size),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
