/*
 * tfl_gendocs: the rule pages of docs/rules/ from the rule records.
 *
 *   tfl_gendocs DIR           write DIR/<id>.md for every rule and
 *                             DIR/README.md, and remove pages of rules
 *                             that no longer exist
 *   tfl_gendocs --check DIR   write nothing; exit 1 and name each page
 *                             that is missing, differs or is stale
 *
 * A build tool, not installed: scripts/update-rule-docs runs the first
 * form, the rule_docs test the second. The set of pages is whatever rules
 * this build has, so a rule added without its page fails the check.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/ruledoc.h"

/* Does `path` hold exactly the bytes of `b`? */
static bool same_content(const char *path, const tfl_buf *b)
{
    FILE *f = fopen(path, "rb");
    bool same = false;
    char *data;
    size_t n;

    if (!f)
        return false;
    data = malloc(b->len + 1);
    if (data) {
        n = fread(data, 1, b->len + 1, f);
        same = n == b->len && memcmp(data, b->data, b->len) == 0;
        free(data);
    }
    fclose(f);
    return same;
}

static int write_file(const char *path, const tfl_buf *b)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f || fwrite(b->data, 1, b->len, f) != b->len)
        rc = -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "tfl_gendocs: cannot write '%s'\n", path);
    return rc;
}

/* Check or write one page; returns the number of problems (0 or 1). */
static int one_page(const char *dir, const char *name, const tfl_buf *b,
                    bool check)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (b->failed) {
        fputs("tfl_gendocs: out of memory\n", stderr);
        return 1;
    }
    if (same_content(path, b))
        return 0;
    if (!check)
        return write_file(path, b) != 0;
    fprintf(stderr,
            "tfl_gendocs: '%s' is missing or differs from the "
            "rule record\n",
            path);
    return 1;
}

/* Is `name` a rule page (TF*.md) of no rule this build has? */
static bool stale(const char *name)
{
    size_t n = strlen(name), i, count;
    const tfl_rule *const *rules = tfl_rules(&count);

    if (strncmp(name, "TF", 2) != 0 || n < 4 || strcmp(name + n - 3, ".md"))
        return false;
    for (i = 0; i < count; i++) {
        size_t k = strlen(rules[i]->id);

        if (k == n - 3 && strncmp(name, rules[i]->id, k) == 0)
            return false;
    }
    return true;
}

static int sweep(const char *dir, bool check)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    int bad = 0;

    if (!d) {
        fprintf(stderr, "tfl_gendocs: cannot open '%s'\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (!stale(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (check) {
            fprintf(stderr, "tfl_gendocs: '%s' documents no rule\n", path);
            bad++;
        } else if (remove(path) != 0) {
            fprintf(stderr, "tfl_gendocs: cannot remove '%s'\n", path);
            bad++;
        }
    }
    closedir(d);
    return bad;
}

int main(int argc, char **argv)
{
    const tfl_rule *const *rules;
    bool check = argc == 3 && strcmp(argv[1], "--check") == 0;
    const char *dir = argv[argc - 1];
    char name[64];
    size_t n, i;
    int bad = 0;
    tfl_buf b;

    if (argc != 2 + check || (!check && argv[1][0] == '-')) {
        fputs("usage: tfl_gendocs [--check] DIR\n", stderr);
        return 2;
    }
    rules = tfl_rules(&n);
    tfl_buf_init(&b, 0);
    for (i = 0; i < n; i++) {
        tfl_ruledoc_page(&b, rules[i]);
        snprintf(name, sizeof name, "%s.md", rules[i]->id);
        bad += one_page(dir, name, &b, check);
        tfl_buf_reset(&b);
    }
    tfl_ruledoc_index(&b);
    bad += one_page(dir, "README.md", &b, check);
    tfl_buf_free(&b);
    bad += sweep(dir, check);
    if (check && bad)
        fputs("tfl_gendocs: run scripts/update-rule-docs\n", stderr);
    else if (!check && !bad)
        printf("%s: %zu rule pages and README.md\n", dir, n);
    return bad ? 1 : 0;
}
