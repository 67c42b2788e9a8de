/*
 * Variable expansion: BuildKit's own fixture files (envVarTest, wordsTest)
 * row by row, then what they do not cover: references and their offsets,
 * the backtick escape, heredoc bodies, error places, the nesting cap,
 * globs, bytes that are not UTF-8, and Unicode names.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/expand.h"

/* A small environment: later entries win, as ENV lines do. */
typedef struct test_env {
    const char *names[64];
    const char *values[64];
    size_t n;
} test_env;

static const char *env_lookup(void *ud, const char *name, size_t len)
{
    test_env *e = ud;
    size_t i;

    for (i = e->n; i-- > 0;)
        if (strlen(e->names[i]) == len && memcmp(e->names[i], name, len) == 0)
            return e->values[i];
    return NULL;
}

static void env_set(test_env *e, const char *name, const char *value)
{
    assert_true(e->n < 64);
    e->names[e->n] = name;
    e->values[e->n++] = value;
}

/* The environment the README prescribes for envVarTest. */
static void std_env(test_env *e, tfl_env *env)
{
    memset(e, 0, sizeof *e);
    env_set(e, "PWD", "/home");
    env_set(e, "SHELL", "bash");
    env_set(e, "KOREAN", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4");
    env_set(e, "NULL", "");
    env->lookup = env_lookup;
    env->ud = e;
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Expand `in` with `escape`; on success the value, else "error". */
static const char *expand_str(tfl_arena *a, const char *in, char escape,
                              const tfl_env *env, tfl_expansion *x)
{
    int rc = tfl_expand_word(a, in, strlen(in), escape, env, x);

    assert_int_not_equal(rc, -1);
    return rc == 0 ? x->value : "error";
}

static void test_expand_envvartest(void **state)
{
    const char *path = tfl_test_shared("conformance/buildkit-shell/envVarTest");
    size_t total = 0, passed = 0, skipped = 0;
    char *text, *line, *save = NULL;
    test_env e;
    tfl_env env;
    tfl_arena a;

    (void)state;
    TFL_REQUIRE_SHARED(path);
    text = tfl_test_read(path, NULL);
    assert_non_null(text);
    std_env(&e, &env);
    tfl_arena_init(&a);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *plat, *in, *want;
        const char *got;
        tfl_expansion x;

        if (*trim(line) == '\0' || line[0] == '#')
            continue;
        plat = line;
        in = strchr(plat, '|');
        assert_non_null(in);
        *in++ = '\0';
        want = strchr(in, '|');
        assert_non_null(want);
        *want++ = '\0';
        plat = trim(plat);
        in = trim(in);
        want = trim(want);
        if (strcmp(plat, "W") == 0) {
            skipped++;
            continue;
        }
        total++;
        got = expand_str(&a, in, '\\', &env, &x);
        if (strcmp(got, want) == 0) {
            passed++;
            continue;
        }
        print_message(
            "envVarTest FAIL: input [%s] expected [%s] got [%s]%s%s\n", in,
            want, got, x.error ? ": " : "", x.error ? x.error : "");
    }
    print_message("envVarTest: %zu/%zu A+U rows pass (%zu W rows skipped)\n",
                  passed, total, skipped);
    tfl_arena_free(&a);
    free(text);
    assert_true(total > 200);
    assert_int_equal(passed, total);
}

/* Compare the words of `x` with the comma-separated list `want`. */
static bool words_equal(const tfl_expansion *x, const char *want)
{
    size_t i = 0;
    const char *p = want;

    if (*want == '\0')
        return x->nwords == 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);

        if (i >= x->nwords || x->word_lens[i] != n ||
            memcmp(x->words[i], p, n) != 0)
            return false;
        i++;
        if (!comma)
            return i == x->nwords;
        p = comma + 1;
    }
}

static void print_words(const char *in, const char *want,
                        const tfl_expansion *x, int rc)
{
    size_t i;

    print_message("wordsTest FAIL: input [%s] expected [%s] got", in, want);
    if (rc != 0)
        print_message(" error: %s", x->error);
    for (i = 0; rc == 0 && i < x->nwords; i++)
        print_message(" [%.*s]", (int)x->word_lens[i], x->words[i]);
    print_message("\n");
}

static void test_expand_wordstest(void **state)
{
    const char *path = tfl_test_shared("conformance/buildkit-shell/wordsTest");
    size_t total = 0, passed = 0;
    char *text, *line, *save = NULL;
    test_env e = {0};
    tfl_env env = {env_lookup, &e};
    tfl_arena a;

    (void)state;
    TFL_REQUIRE_SHARED(path);
    text = tfl_test_read(path, NULL);
    assert_non_null(text);
    tfl_arena_init(&a);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *in, *want, *eq;
        tfl_expansion x;
        bool ok;
        int rc;

        if (line[0] == '#' || *line == '\0')
            continue;
        if (strncmp(line, "ENV ", 4) == 0) {
            eq = strchr(line, '=');
            assert_non_null(eq);
            *eq = '\0';
            env_set(&e, line + 4, eq + 1);
            continue;
        }
        in = line;
        want = strchr(in, '|');
        assert_non_null(want);
        *want++ = '\0';
        in = trim(in);
        while (*want == ' ')
            want++;
        total++;
        rc = tfl_expand_words(&a, in, strlen(in), '\\', &env, &x);
        assert_int_not_equal(rc, -1);
        ok = strcmp(want, "error") == 0 ? rc == 1
                                        : rc == 0 && words_equal(&x, want);
        if (ok)
            passed++;
        else
            print_words(in, want, &x, rc);
    }
    print_message("wordsTest: %zu/%zu rows pass\n", passed, total);
    tfl_arena_free(&a);
    free(text);
    assert_true(total > 20);
    assert_int_equal(passed, total);
}

/* ---- own cases ------------------------------------------------------ */

typedef struct fixture {
    tfl_arena a;
    test_env e;
    tfl_env env;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    tfl_arena_init(&f->a);
    std_env(&f->e, &f->env);
    env_set(&f->e, "P", "a/b/c");
    env_set(&f->e, "S", "x  y");
    env_set(&f->e, "\xC3\xA9t\xC3\xA9", "summer");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    tfl_arena_free(&f->a);
    free(f);
    return 0;
}

static void assert_ref(const tfl_varref *r, const char *name, uint32_t off,
                       uint32_t len, bool set)
{
    if (strcmp(r->name, name) != 0 || r->off != off || r->len != len ||
        r->set != set)
        fail_msg("ref %s at %u+%u set=%d, expected %s at %u+%u set=%d", r->name,
                 r->off, r->len, r->set, name, off, len, set);
}

static void test_expand_refs(void **state)
{
    fixture *f = *state;
    const char *in = "a$PWD${X:-$SHELL}\"$NULL\"'$NO'${Y}";
    tfl_expansion x;

    assert_string_equal(expand_str(&f->a, in, '\\', &f->env, &x),
                        "a/homebash$NO");
    assert_int_equal(x.nrefs, 5);
    assert_ref(&x.refs[0], "PWD", 1, 4, true);
    assert_ref(&x.refs[1], "X", 5, 12, false);
    assert_ref(&x.refs[2], "SHELL", 10, 6, true);
    assert_ref(&x.refs[3], "NULL", 18, 5, true);
    assert_ref(&x.refs[4], "Y", 29, 4, false);
    assert_int_equal(x.refs[1].name_off, 7);
    assert_int_equal(x.refs[1].name_len, 1);
    assert_int_equal(x.refs[2].name_off, 11);
}

static void test_expand_refs_nested(void **state)
{
    fixture *f = *state;
    const char *in = "${A:-${B:+${PWD}}}${PWD:+$C}";
    tfl_expansion x;

    assert_string_equal(expand_str(&f->a, in, '\\', &f->env, &x), "");
    assert_int_equal(x.nrefs, 5);
    assert_ref(&x.refs[0], "A", 0, 18, false);
    assert_ref(&x.refs[1], "B", 5, 12, false);
    assert_ref(&x.refs[2], "PWD", 10, 6, true);
    assert_ref(&x.refs[3], "PWD", 18, 10, true);
    assert_ref(&x.refs[4], "C", 25, 2, false);
    /* a lookup that fails its `?` check is still recorded */
    assert_string_equal(expand_str(&f->a, "x${Q?}", '\\', &f->env, &x),
                        "error");
    assert_int_equal(x.nrefs, 1);
    assert_ref(&x.refs[0], "Q", 1, 5, false);
    /* BuildKit looks up the empty name in ${+x} */
    assert_string_equal(expand_str(&f->a, "${+x}", '\\', &f->env, &x), "");
    assert_int_equal(x.nrefs, 1);
    assert_ref(&x.refs[0], "", 0, 5, false);
}

static void test_expand_special_names(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    assert_string_equal(expand_str(&f->a, "$$x$#${?}", '\\', &f->env, &x), "x");
    assert_int_equal(x.nrefs, 3);
    assert_ref(&x.refs[0], "$", 0, 2, false);
    assert_ref(&x.refs[1], "#", 3, 2, false);
    assert_ref(&x.refs[2], "?", 5, 4, false);
    assert_string_equal(expand_str(&f->a, "$12a$0b", '\\', &f->env, &x), "ab");
    assert_ref(&x.refs[0], "12", 0, 3, false);
    assert_ref(&x.refs[1], "0", 4, 2, false);
    assert_string_equal(expand_str(&f->a, "a$", '\\', &f->env, &x), "a$");
    assert_int_equal(x.nrefs, 0);
}

static void test_expand_backtick(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    assert_string_equal(expand_str(&f->a, "C:\\x`$PWD", '`', &f->env, &x),
                        "C:\\x$PWD");
    assert_string_equal(expand_str(&f->a, "\"a`\"b``c`d\"", '`', &f->env, &x),
                        "a\"b`c`d");
    assert_string_equal(expand_str(&f->a, "a` b`", '`', &f->env, &x), "a b");
    assert_string_equal(expand_str(&f->a, "\\$PWD", '`', &f->env, &x),
                        "\\/home");
    assert_string_equal(expand_str(&f->a, "${X:-`}}", '`', &f->env, &x), "}");
}

static void test_expand_heredoc(void **state)
{
    fixture *f = *state;
    const char *in = "echo \"$PWD\" '$SHELL' \\$PWD \\\\ ${X:-it's}\n";
    tfl_expansion x;

    assert_int_equal(tfl_expand_heredoc(&f->a, in, strlen(in), &f->env, &x), 0);
    assert_string_equal(x.value, "echo \"/home\" 'bash' \\$PWD \\\\ it's\n");
    assert_int_equal(x.nrefs, 3);
    assert_ref(&x.refs[0], "PWD", 6, 4, true);
    assert_ref(&x.refs[1], "SHELL", 13, 6, true);
    assert_ref(&x.refs[2], "X", 30, 10, false);
    /* an apostrophe alone is no error in a body */
    in = "don't\n";
    assert_int_equal(tfl_expand_heredoc(&f->a, in, strlen(in), &f->env, &x), 0);
    assert_string_equal(x.value, "don't\n");
}

static void assert_error(fixture *f, const char *in, const char *msg,
                         uint32_t off)
{
    tfl_expansion x;

    if (tfl_expand_word(&f->a, in, strlen(in), '\\', &f->env, &x) != 1)
        fail_msg("[%s] expanded to [%s], expected error", in, x.value);
    if (strcmp(x.error, msg) != 0 || x.error_off != off)
        fail_msg("[%s]: error [%s] at %u, expected [%s] at %u", in, x.error,
                 x.error_off, msg, off);
}

static void test_expand_errors(void **state)
{
    fixture *f = *state;

    assert_error(f, "ab'cd",
                 "unexpected end of statement while looking for "
                 "matching single-quote",
                 2);
    assert_error(f, "a\"b\\\"",
                 "unexpected end of statement while looking "
                 "for matching double-quote",
                 1);
    assert_error(f, "x${}", "bad substitution", 1);
    assert_error(f, "x${:-a}", "bad substitution", 1);
    assert_error(f, "x${{a}", "bad substitution", 1);
    assert_error(f, "x${A:-${B}", "syntax error: missing '}'", 1);
    assert_error(f, "x${A:-\"b}", "syntax error: missing '}'", 1);
    assert_error(f, "x${A", "syntax error: missing '}'", 1);
    assert_error(f, "x${", "syntax error: missing '}'", 1);
    assert_error(f, "${A:}", "syntax error: missing '}'", 0);
    assert_error(f, "${A:}}", "unsupported modifier (:}) in substitution", 0);
    assert_error(f, "${A:=b}", "unsupported modifier (:=) in substitution", 0);
    assert_error(f, "${A:2}", "unsupported modifier (:2) in substitution", 0);
    assert_error(f, "${A:#b}", "unsupported modifier (:#) in substitution", 0);
    assert_error(f, "${#A}", "unsupported modifier (A) in substitution", 0);
    assert_error(f, "${A/b", "missing '/' in ${}", 0);
    assert_error(f, "${A/b/c", "syntax error: missing '}'", 0);
    assert_error(f, "a${A?oops}", "A: oops", 1);
    assert_error(f, "${A:?}", "A: is not allowed to be unset", 0);
    assert_error(f, "${NULL:?}", "NULL: is not allowed to be empty", 0);
    assert_error(f, "${P#\\a}",
                 "invalid pattern (\\a) in substitution: invalid escape "
                 "'\\a' in pattern",
                 0);
}

/* With the backtick escape a lone backslash can end a glob. */
static void test_expand_glob_trailing_backslash(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    assert_string_equal(expand_str(&f->a, "${P%\\}", '`', &f->env, &x),
                        "error");
    assert_string_equal(x.error, "invalid pattern (\\) in substitution: "
                                 "illegal escape at end of pattern");
}

static void test_expand_globs(void **state)
{
    fixture *f = *state;
    static const char *const cases[][2] = {
        {"${P#*/}", "b/c"},
        {"${P##*/}", "c"},
        {"${P%/*}", "a/b"},
        {"${P%%/*}", "a"},
        {"${P#?}", "/b/c"},
        {"${P#x}", "a/b/c"},
        {"${P#}", "a/b/c"},
        {"${P%%}", "a/b/c"},
        {"${P#a*b}", "/c"},
        {"${P%b*}", "a/"},
        {"${P/\\//-}", "a-b/c"},
        {"${P//\\//-}", "a-b-c"},
        {"${P//?/x}", "xxxxx"},
        {"${P//*/x}", "x"},
        {"${P/*/x}", "x"},
        {"${P//q*/x}", "a/b/c"},
        {"${P/b*/}", "a/"},
        {"${KOREAN#?}", "\xEA\xB5\xAD\xEC\x96\xB4"},
        {"${KOREAN%?}", "\xED\x95\x9C\xEA\xB5\xAD"},
        {"${PWD#\\/}", "home"},
        {"${XX:-a\\}b}", "a}b"},
        {"${P#\"a/\"}", "b/c"},
        /* set but empty: only the colon forms treat it as unset */
        {"${NULL:-x}", "x"},
        {"${NULL-x}", ""},
        {"${NULL:+x}", ""},
        {"${NULL+x}", "x"},
        {"${XX+x}", ""},
        /* quotes are removed before the glob is read: a lazy `*` */
        {"${P#'*'}", "a/b/c"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tfl_expansion x;
        const char *got = expand_str(&f->a, cases[i][0], '\\', &f->env, &x);

        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("[%s] gave [%s], expected [%s]", cases[i][0], got,
                     cases[i][1]);
    }
}

/* `*` and `?` never match a newline (Go's regexp `.`). */
static void test_expand_glob_newline(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    env_set(&f->e, "NL", "a\nb");
    assert_string_equal(expand_str(&f->a, "${NL#*b}", '\\', &f->env, &x),
                        "a\nb");
    assert_string_equal(expand_str(&f->a, "${NL//?/x}", '\\', &f->env, &x),
                        "x\nx");
}

static void test_expand_words_split(void **state)
{
    fixture *f = *state;
    const char *in = "a \"b c\" d\\ e $S \"\" '' f${NULL}g";
    tfl_expansion x;

    assert_int_equal(tfl_expand_words(&f->a, in, strlen(in), '\\', &f->env, &x),
                     0);
    assert_true(words_equal(&x, "a,b c,d e,x,y,fg"));
    assert_int_equal(x.nrefs, 2);
}

static void test_expand_depth_cap(void **state)
{
    fixture *f = *state;
    char buf[2048];
    size_t levels, i, n;

    for (levels = 100; levels <= 101; levels++) {
        tfl_expansion x;
        int rc;

        n = 0;
        for (i = 0; i < levels; i++) {
            memcpy(buf + n, "${A:-", 5);
            n += 5;
        }
        buf[n++] = 'z';
        for (i = 0; i < levels; i++)
            buf[n++] = '}';
        rc = tfl_expand_word(&f->a, buf, n, '\\', &f->env, &x);
        if (levels == 100) {
            assert_int_equal(rc, 0);
            assert_string_equal(x.value, "z");
            assert_int_equal(x.nrefs, 100);
        } else {
            assert_int_equal(rc, 1);
            assert_string_equal(x.error,
                                "variable references nested too deeply");
            assert_int_equal(x.error_off, 500); /* where the cap hit */
        }
    }
    /* unclosed and deep: still the cap, never reworded */
    n = 0;
    for (i = 0; i < 300; i++) {
        memcpy(buf + n, "${A:-", 5);
        n += 5;
    }
    {
        tfl_expansion x;

        assert_int_equal(tfl_expand_word(&f->a, buf, n, '\\', &f->env, &x), 1);
        assert_string_equal(x.error, "variable references nested too deeply");
    }
}

static void test_expand_empty(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    assert_int_equal(tfl_expand_word(&f->a, "", 0, '\\', &f->env, &x), 0);
    assert_non_null(x.value);
    assert_int_equal(x.len, 0);
    assert_int_equal(x.nrefs, 0);
    assert_int_equal(tfl_expand_words(&f->a, "", 0, '\\', NULL, &x), 0);
    assert_int_equal(x.nwords, 0);
    assert_int_equal(tfl_expand_heredoc(&f->a, "", 0, NULL, &x), 0);
    assert_string_equal(x.value, "");
    /* no environment at all: everything unset */
    assert_string_equal(expand_str(&f->a, "${PWD:-d}", '\\', NULL, &x), "d");
}

static void test_expand_invalid_utf8(void **state)
{
    fixture *f = *state;
    const char in[] = "\xFF$PWD\xC3\\\xE9'\x80'\"\xF0\x9F\"";
    tfl_expansion x;

    assert_int_equal(
        tfl_expand_word(&f->a, in, sizeof in - 1, '\\', &f->env, &x), 0);
    assert_int_equal(x.len, 11);
    assert_memory_equal(x.value, "\xFF/home\xC3\xE9\x80\xF0\x9F", 11);
    /* a name stops at a byte that is not UTF-8 */
    assert_string_equal(expand_str(&f->a, "$PWD\xFFx", '\\', &f->env, &x),
                        "/home\xFFx");
    /* NUL bytes inside the word pass too */
    assert_int_equal(tfl_expand_word(&f->a, "a\0b", 3, '\\', &f->env, &x), 0);
    assert_int_equal(x.len, 3);
    assert_memory_equal(x.value, "a\0b", 3);
}

static void test_expand_unicode_names(void **state)
{
    fixture *f = *state;
    tfl_expansion x;

    assert_string_equal(
        expand_str(&f->a, "$\xC3\xA9t\xC3\xA9!", '\\', &f->env, &x), "summer!");
    assert_int_equal(x.nrefs, 1);
    assert_ref(&x.refs[0], "\xC3\xA9t\xC3\xA9", 0, 6, true);
    /* Arabic-Indic digits start a digit name, Korean letters a name */
    assert_string_equal(
        expand_str(&f->a, "$\xD9\xA1\xD9\xA2x", '\\', &f->env, &x), "x");
    assert_int_equal(x.refs[0].name_len, 4);
    assert_string_equal(
        expand_str(&f->a, "${\xEC\x95\x88:-\xEB\x85\x95}", '\\', &f->env, &x),
        "\xEB\x85\x95");
    assert_int_equal(x.refs[0].name_len, 3);
}

/*
 * tfl_expand() with every combination of TFL_EXPAND_NO_VALUE and
 * TFL_EXPAND_NO_NAMES must say what the plain entry point says: the same
 * verdict, error and references (names left out when asked), and a value
 * only when one is wanted.
 */
static void same_with_flags(tfl_arena *a, const char *in, char escape,
                            unsigned base, const tfl_env *env)
{
    size_t len = strlen(in), i;
    unsigned flags;
    tfl_expansion want, got;
    int rc = tfl_expand(a, in, len, escape, base, env, &want);

    assert_int_not_equal(rc, -1);
    for (flags = 0; flags < 4; flags++) {
        unsigned f = base | (flags & 1 ? TFL_EXPAND_NO_VALUE : 0) |
                     (flags & 2 ? TFL_EXPAND_NO_NAMES : 0);

        if (tfl_expand(a, in, len, escape, f, env, &got) != rc)
            fail_msg("[%s] flags %u: verdict differs", in, f);
        if (rc == 1 && (strcmp(got.error, want.error) != 0 ||
                        got.error_off != want.error_off))
            fail_msg("[%s] flags %u: error [%s] at %u, expected [%s] at %u", in,
                     f, got.error, got.error_off, want.error, want.error_off);
        if (rc == 0 &&
            (f & TFL_EXPAND_NO_VALUE ? got.value != NULL
                                     : strcmp(got.value, want.value) != 0))
            fail_msg("[%s] flags %u: value differs", in, f);
        assert_int_equal(got.nrefs, want.nrefs);
        for (i = 0; i < want.nrefs; i++) {
            const tfl_varref *g = &got.refs[i], *w = &want.refs[i];

            if (g->off != w->off || g->len != w->len ||
                g->name_off != w->name_off || g->name_len != w->name_len ||
                g->set != w->set ||
                (f & TFL_EXPAND_NO_NAMES ? g->name != NULL
                                         : strcmp(g->name, w->name) != 0))
                fail_msg("[%s] flags %u: reference %zu differs", in, f, i);
            assert_memory_equal(in + w->name_off, w->name, w->name_len);
        }
    }
}

static void test_expand_flags(void **state)
{
    const char *path = tfl_test_shared("conformance/buildkit-shell/envVarTest");
    static const char *const own[] = {
        "a$PWD${X:-$SHELL}\"$NULL\"'$NO'${Y}",
        "${A:-${B:+${PWD}}}${PWD:+$C}",
        "x${Q?}",
        "${+x}",
        "${P#*/}${P%%/*}${P//\\//-}${P/b/$SHELL}",
        "${P#\\a}",
        "${A/b",
        "x${A:-\"b}",
        "ab'cd",
        "${NULL:?}",
        "${\xC3\xA9t\xC3\xA9}",
    };
    fixture *f = *state;
    char *text, *line, *save = NULL;
    size_t i, rows = 0;

    for (i = 0; i < sizeof own / sizeof own[0]; i++) {
        same_with_flags(&f->a, own[i], '\\', 0, &f->env);
        same_with_flags(&f->a, own[i], '`', 0, &f->env);
        same_with_flags(&f->a, own[i], '\\', TFL_EXPAND_HEREDOC, &f->env);
    }
    TFL_REQUIRE_SHARED(path);
    text = tfl_test_read(path, NULL);
    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *in = strchr(line, '|'), *end;

        if (line[0] == '#' || !in)
            continue;
        end = strchr(++in, '|');
        assert_non_null(end);
        *end = '\0';
        same_with_flags(&f->a, trim(in), '\\', 0, &f->env);
        rows++;
    }
    free(text);
    assert_true(rows > 200);
}

/* Results past the first buffer move to the heap and grow there; the
 * value handed out is a copy in the arena, of the result's size. */
static void test_expand_long(void **state)
{
    fixture *f = *state;
    static char big[301], want[1000];
    tfl_expansion x;

    memset(big, 'v', 300);
    env_set(&f->e, "L", big);
    snprintf(want, sizeof want, "a%sb%s%s", big, big, big);
    assert_string_equal(expand_str(&f->a, "a${L}b$L\"$L\"", '\\', &f->env, &x),
                        want);
    assert_int_equal(x.len, 902);
    assert_int_equal(tfl_expand_words(&f->a, "$L x$L", 6, '\\', &f->env, &x),
                     0);
    assert_int_equal(x.nwords, 2);
    assert_int_equal(x.word_lens[1], 301);
    assert_int_equal(x.len, 602);
    assert_int_equal(x.value[602], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand_envvartest),
        cmocka_unit_test(test_expand_wordstest),
        cmocka_unit_test_setup_teardown(test_expand_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_refs_nested, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand_special_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand_backtick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_heredoc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_globs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_glob_trailing_backslash,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_glob_newline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand_words_split, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand_depth_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_invalid_utf8, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_unicode_names, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
