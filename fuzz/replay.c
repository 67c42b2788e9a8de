/*
 * Replays fuzz inputs without libFuzzer: every file under the directories
 * (or the files) named on the command line goes through both fuzz bodies,
 * tfl_fuzz_lint() and tfl_fuzz_shell(). Built by ordinary test builds, gcc
 * included, so every crash the fuzzers once found stays checked; a crash
 * or a sanitizer report fails the test, since there is nothing else to
 * check. Prints one line per file and a closing count.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tflint/discover.h"

int tfl_fuzz_lint(const uint8_t *data, size_t size);
int tfl_fuzz_shell(const uint8_t *data, size_t size);

static int replay_file(const char *path, size_t *count)
{
    char err[TFL_ERRMSG_SIZE], *data;
    size_t len;

    if (tfl_read_file(path, &data, &len, err) != 0) {
        fprintf(stderr, "replay: %s\n", err);
        return 1;
    }
    tfl_fuzz_lint((const uint8_t *)data, len);
    tfl_fuzz_shell((const uint8_t *)data, len);
    free(data);
    printf("replayed %s (%zu bytes)\n", path, len);
    (*count)++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, size_t *count)
{
    char *names[4096];
    size_t n = 0, i;
    struct dirent *e;
    int rc = 0;
    DIR *d = opendir(dir);

    if (!d) {
        fprintf(stderr, "replay: cannot open directory '%s'\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    for (i = 0; i < n; i++) {
        char path[4096];

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && strcmp(names[i], "README.md") != 0)
            rc |= replay_file(path, count);
        free(names[i]);
    }
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int i, rc = 0;

    for (i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc |= replay_dir(argv[i], &count);
        else
            rc |= replay_file(argv[i], &count);
    }
    printf("%zu passed, %d failed\n", count, rc);
    return rc || count == 0;
}
