#include "support.h"

#include "tflint/facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *tfl_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return NULL;
    for (;;) {
        size_t got;

        if (cap - n < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap += 65536;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *tfl_test_shared(const char *rel)
{
    static char path[4096];
    struct stat st;

    if (stat(TFL_SHARED_DIR, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(path, sizeof path, "%s/%s", TFL_SHARED_DIR, rel);
    return path;
}

static tfl_facts *facts;

static void free_facts(void)
{
    tfl_facts_free(facts);
}

/* The built-in base-image facts, loaded once for the process, as the
 * command line does. */
const struct tfl_facts *tfl_test_facts(void)
{
    tfl_facts_error err;

    if (!facts) {
        assert_int_equal(tfl_facts_new(&facts), 0);
        assert_int_equal(tfl_facts_load_builtin(facts, &err), 0);
        atexit(free_facts);
    }
    return facts;
}

void tfl_test_lint(const char *text, tfl_result *res)
{
    tfl_config cfg;

    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.facts = tfl_test_facts();
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), res), 0);
    tfl_config_free(&cfg);
}

size_t tfl_test_count(const tfl_result *res, const char *id)
{
    size_t i, n = 0;

    for (i = 0; i < res->nfindings; i++)
        if (strcmp(res->findings[i].rule->id, id) == 0)
            n++;
    return n;
}

const tfl_finding *tfl_test_find(const tfl_result *res, const char *id,
                                 size_t n)
{
    size_t i;

    for (i = 0; i < res->nfindings; i++)
        if (strcmp(res->findings[i].rule->id, id) == 0 && n-- == 0)
            return &res->findings[i];
    return NULL;
}

void tfl_test_assert_span(const tfl_result *res, const tfl_finding *f,
                          uint32_t line, uint32_t col, uint32_t end_line,
                          uint32_t end_col)
{
    tfl_pos a, b;

    assert_non_null(f);
    a = tfl_source_pos(&res->src, f->span.start);
    b = tfl_source_pos(&res->src, f->span.end);
    if (a.line != line || a.col != col || b.line != end_line ||
        b.col != end_col)
        fail_msg("%s at %u:%u-%u:%u, expected %u:%u-%u:%u", f->rule->id, a.line,
                 a.col, b.line, b.col, line, col, end_line, end_col);
}
