/*
 * Parser conformance with BuildKit's own test data (testfiles dumps,
 * negative cases, line ranges), then the cases that data does not cover:
 * heredocs, CRLF, BOM, backtick escape, flags, directives, errors, spans.
 */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/ast.h"

typedef struct parsed {
    tfl_arena arena;
    tfl_source src;
    tfl_doc doc;
} parsed;

static void parse_text(parsed *p, const char *text, size_t len)
{
    tfl_test_parse(&p->arena, &p->src, &p->doc, text, len);
}

static void parse_str(parsed *p, const char *text)
{
    parse_text(p, text, strlen(text));
}

/* The line holding the end of instruction `i`: its last line. */
static uint32_t end_line(const parsed *p, size_t i)
{
    return tfl_source_pos(&p->src, p->doc.instrs[i].span.end).line;
}

static char *dump(const parsed *p)
{
    tfl_buf b;
    char *s;

    tfl_buf_init(&b, 0);
    tfl_dump_ast(&p->doc, &b);
    s = strdup(b.data ? b.data : "");
    tfl_buf_free(&b);
    return s;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (without . and ..); NULL when absent. */
static char **list_dir(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **names = NULL;

    *n = 0;
    if (!d)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void free_list(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void test_parser_buildkit_testfiles(void **state)
{
    const char *dir = tfl_test_shared("conformance/buildkit-parser/testfiles");
    char base[4096], path[4200];
    char **cases;
    size_t n, i, passed = 0;

    (void)state;
    TFL_REQUIRE_SHARED(dir);
    snprintf(base, sizeof base, "%s", dir);
    cases = list_dir(base, &n);
    assert_non_null(cases);
    for (i = 0; i < n; i++) {
        char *text, *expected, *got;
        size_t len;
        parsed p;

        snprintf(path, sizeof path, "%s/%s/Dockerfile", base, cases[i]);
        text = tfl_test_read(path, &len);
        snprintf(path, sizeof path, "%s/%s/result", base, cases[i]);
        expected = tfl_test_read(path, NULL);
        assert_non_null(text);
        assert_non_null(expected);
        parse_text(&p, text, len);
        got = dump(&p);
        if (p.doc.parser_failed)
            print_message("%s: parse failed: %s\n", cases[i],
                          p.doc.nerrors ? p.doc.errors[0].message : "?");
        else if (strcmp(got, expected) != 0)
            print_message("%s: dump differs\n--- expected\n%s--- got\n%s",
                          cases[i], expected, got);
        else
            passed++;
        free(got);
        free(text);
        free(expected);
        tfl_arena_free(&p.arena);
    }
    print_message("buildkit testfiles: %zu/%zu dumps match\n", passed, n);
    assert_int_equal(n, 33);
    assert_int_equal(passed, n);
    free_list(cases, n);
}

static void test_parser_buildkit_negative(void **state)
{
    const char *dir =
        tfl_test_shared("conformance/buildkit-parser/testfiles-negative");
    char base[4096], path[4200];
    char **cases;
    size_t n, i, failed = 0;

    (void)state;
    TFL_REQUIRE_SHARED(dir);
    snprintf(base, sizeof base, "%s", dir);
    cases = list_dir(base, &n);
    assert_non_null(cases);
    for (i = 0; i < n; i++) {
        char *text;
        size_t len;
        parsed p;

        snprintf(path, sizeof path, "%s/%s/Dockerfile", base, cases[i]);
        text = tfl_test_read(path, &len);
        assert_non_null(text);
        parse_text(&p, text, len);
        if (p.doc.parser_failed && p.doc.nerrors > 0)
            failed++;
        else
            print_message("%s: parsed, should fail\n", cases[i]);
        free(text);
        tfl_arena_free(&p.arena);
    }
    print_message("buildkit negative cases: %zu/%zu fail as expected\n", failed,
                  n);
    assert_int_equal(n, 4);
    assert_int_equal(failed, n);
    free_list(cases, n);
}

static void test_parser_buildkit_lines(void **state)
{
    const char *path =
        tfl_test_shared("conformance/buildkit-parser/testfile-line/Dockerfile");
    char *text;
    size_t len;
    parsed p;

    (void)state;
    TFL_REQUIRE_SHARED(path);
    text = tfl_test_read(path, &len);
    assert_non_null(text);
    parse_text(&p, text, len);
    assert_false(p.doc.parser_failed);
    assert_int_equal(p.doc.ninstrs, 3);
    assert_int_equal(tfl_instr_first_line(&p.doc, &p.doc.instrs[0]), 5);
    assert_int_equal(end_line(&p, 0), 5);
    assert_int_equal(tfl_instr_first_line(&p.doc, &p.doc.instrs[1]), 11);
    assert_int_equal(end_line(&p, 1), 12);
    assert_int_equal(tfl_instr_first_line(&p.doc, &p.doc.instrs[2]), 17);
    assert_int_equal(end_line(&p, 2), 31);
    free(text);
    tfl_arena_free(&p.arena);
}

/* --- Cases of our own ----------------------------------------------------- */

static void expect_dump(const char *text, const char *expected)
{
    parsed p;
    char *got;

    parse_str(&p, text);
    got = dump(&p);
    if (strcmp(got, expected) != 0)
        fail_msg("dump of %s\n--- expected\n%s--- got\n%s", text, expected,
                 got);
    free(got);
    tfl_arena_free(&p.arena);
}

static void test_parser_heredoc_basic(void **state)
{
    parsed p;
    const tfl_heredoc *h;

    (void)state;
    parse_str(&p, "FROM a\nRUN <<EOF\necho hi\n  echo $X\nEOF\nUSER x\n");
    assert_false(p.doc.parser_failed);
    assert_int_equal(p.doc.ninstrs, 3);
    assert_int_equal(p.doc.instrs[1].nheredocs, 1);
    h = &p.doc.instrs[1].heredocs[0];
    assert_string_equal(h->name, "EOF");
    assert_true(h->expand);
    assert_false(h->chomp);
    assert_true(h->terminated);
    assert_int_equal(h->body_len, strlen("echo hi\n  echo $X\n"));
    assert_memory_equal(h->body, "echo hi\n  echo $X\n", h->body_len);
    assert_int_equal(tfl_instr_first_line(&p.doc, &p.doc.instrs[1]), 2);
    assert_int_equal(end_line(&p, 1), 5);
    assert_int_equal(p.doc.instrs[2].kind, TFL_USER);
    /* the body keeps its own lines */
    assert_int_equal(tfl_source_pos(&p.src, h->body_span.start).line, 3);
    tfl_arena_free(&p.arena);
}

static void test_parser_heredoc_variants(void **state)
{
    parsed p;
    const tfl_instr *in;

    (void)state;
    parse_str(&p, "FROM a\n"
                  "COPY <<A 3<<-\"B\" /dest/\n"
                  "a body\n"
                  "A\n"
                  "\tb body\n"
                  "\tB\n"
                  "RUN cat <<'Q'\n"
                  "$HOME\n"
                  "Q\n"
                  "RUN [\"cat\", \"<<EOF\"]\n"
                  "USER <<X\n");
    assert_false(p.doc.parser_failed);
    assert_int_equal(p.doc.ninstrs, 5);
    in = &p.doc.instrs[1];
    assert_int_equal(in->nheredocs, 2);
    assert_string_equal(in->heredocs[0].name, "A");
    assert_string_equal(in->heredocs[1].name, "B");
    assert_int_equal(in->heredocs[1].fd, 3);
    assert_true(in->heredocs[1].chomp);
    assert_false(in->heredocs[1].expand);
    assert_memory_equal(in->heredocs[1].body, "\tb body\n", 8);
    in = &p.doc.instrs[2];
    assert_int_equal(in->nheredocs, 1);
    assert_false(in->heredocs[0].expand);
    /* exec form and USER take no heredocs */
    assert_int_equal(p.doc.instrs[3].nheredocs, 0);
    assert_int_equal(p.doc.instrs[4].nheredocs, 0);
    tfl_arena_free(&p.arena);
}

static void test_parser_heredoc_unterminated(void **state)
{
    parsed p;

    (void)state;
    parse_str(&p, "FROM a\nRUN <<EOF\necho hi\n");
    assert_true(p.doc.parser_failed);
    assert_int_equal(p.doc.nerrors, 1);
    assert_string_equal(p.doc.errors[0].message, "unterminated heredoc");
    tfl_arena_free(&p.arena);
}

static void test_parser_heredoc_onbuild_and_crlf(void **state)
{
    parsed p;

    (void)state;
    parse_str(&p, "FROM a\r\nONBUILD RUN <<EOF\r\nls\r\nEOF\r\nUSER u\r\n");
    assert_false(p.doc.parser_failed);
    assert_int_equal(p.doc.ninstrs, 3);
    assert_int_equal(tfl_instr_trigger(&p.doc, &p.doc.instrs[1])->nheredocs, 1);
    /* body lines keep their CRLF */
    assert_memory_equal(
        tfl_instr_trigger(&p.doc, &p.doc.instrs[1])->heredocs[0].body, "ls\r\n",
        4);
    tfl_arena_free(&p.arena);
}

static void test_parser_crlf_bom(void **state)
{
    (void)state;
    expect_dump("\xEF\xBB\xBF# escape=`\r\nFROM a\r\nRUN a `\r\n  b\r\n",
                "(from \"a\")\n(run \"a   b\")\n");
}

static void test_parser_backtick(void **state)
{
    parsed p;

    (void)state;
    expect_dump("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\n",
                "(from \"a\")\n(run \"dir c:\\\\   && echo\")\n");
    parse_str(&p, "# escape=`\nFROM a\n");
    assert_int_equal(p.doc.escape, '`');
    tfl_arena_free(&p.arena);
}

static void test_parser_directives(void **state)
{
    parsed p;

    (void)state;
    /* a blank line ends the directive block */
    parse_str(&p, "\n# escape=`\nFROM a\n");
    assert_int_equal(p.doc.escape, '\\');
    assert_int_equal(p.doc.ndirectives, 0);
    tfl_arena_free(&p.arena);

    parse_str(&p, "# syntax=docker/dockerfile:1\n# check=skip=all\nFROM a\n");
    assert_int_equal(p.doc.ndirectives, 2);
    assert_string_equal(p.doc.directives[1].value, "skip=all");
    tfl_arena_free(&p.arena);

    parse_str(&p, "# escape=\\\n# escape=`\nFROM a\n");
    assert_true(p.doc.parser_failed);
    assert_string_equal(p.doc.errors[0].message,
                        "only one escape parser directive can be used");
    tfl_arena_free(&p.arena);

    parse_str(&p, "# escape=x\nFROM a\n");
    assert_true(p.doc.parser_failed);
    assert_string_equal(p.doc.errors[0].message,
                        "invalid escape token 'x' does not match ` or \\");
    tfl_arena_free(&p.arena);
}

static void test_parser_flags(void **state)
{
    parsed p;
    const tfl_instr *in;

    (void)state;
    parse_str(&p, "FROM a\nCOPY --chown=\"a b\" --link -- x y\n");
    in = &p.doc.instrs[1];
    assert_int_equal(in->nflags, 2);
    assert_string_equal(in->flags[0].word.text, "--chown=a b");
    assert_string_equal(in->flags[0].name, "chown");
    assert_string_equal(in->flags[0].value, "a b");
    assert_null(in->flags[1].value);
    assert_int_equal(in->nargs, 2);
    assert_ptr_equal(tfl_instr_flag(in, "chown"), &in->flags[0]);
    tfl_arena_free(&p.arena);
}

static void test_parser_spans_in_continuation(void **state)
{
    parsed p;
    const tfl_instr *in;
    tfl_span s;
    tfl_pos a, b;
    const char *text = "FROM a\nRUN groupadd x && \\\n    useradd -u 1001 y\n";
    const char *u;

    (void)state;
    parse_str(&p, text);
    in = &p.doc.instrs[1];
    assert_int_equal(in->nargs, 1);
    u = strstr(in->line, "1001");
    assert_non_null(u);
    s = tfl_textmap_span(&in->map, (uint32_t)(u - in->line), 4);
    a = tfl_source_pos(&p.src, s.start);
    b = tfl_source_pos(&p.src, s.end);
    assert_int_equal(a.line, 3);
    assert_int_equal(a.col, 16);
    assert_int_equal(b.line, 3);
    assert_int_equal(b.col, 20);
    tfl_arena_free(&p.arena);
}

static void test_parser_comments_and_empty_lines(void **state)
{
    parsed p;
    const tfl_instr *in;
    size_t first = 0;

    (void)state;
    parse_str(&p, "FROM a\n# tflint ignore=TF204\nRUN a \\\n# c\n\n  b\n");
    in = &p.doc.instrs[1];
    assert_string_equal(in->args[0].text, "a   b");
    assert_true(in->empty_continuation);
    assert_int_equal(
        tfl_source_pos(&p.src, tfl_instr_empty_line(&p.doc, in).start).line, 5);
    assert_int_equal(tfl_instr_comments(&p.doc, in, &first), 1);
    assert_memory_equal(p.src.data + p.doc.comments[first].off,
                        "tflint ignore=TF204", 19);
    assert_int_equal(p.doc.ncomments, 2);
    tfl_arena_free(&p.arena);

    /* a blank line ends the block above; a comment inside a continuation
     * belongs to no block; a trigger has its ONBUILD's */
    parse_str(&p, "# one\n\n# two\n# three\nFROM a\nRUN a \\\n# c\n  b\n"
                  "USER u\n# four\nONBUILD RUN x\n");
    assert_int_equal(tfl_instr_comments(&p.doc, &p.doc.instrs[0], &first), 2);
    assert_int_equal(first, 1);
    assert_int_equal(tfl_instr_comments(&p.doc, &p.doc.instrs[2], &first), 0);
    in = tfl_instr_trigger(&p.doc, &p.doc.instrs[3]);
    assert_non_null(in);
    assert_int_equal(tfl_instr_comments(&p.doc, in, &first), 1);
    assert_int_equal(first, 4);
    tfl_arena_free(&p.arena);
}

static void test_parser_inline_comment(void **state)
{
    parsed p;
    const tfl_instr *in;
    tfl_pos a;

    (void)state;
    parse_str(&p, "FROM img:1 # pick a tag\nUSER root # admin\n"
                  "CMD [\"a\"] # run\nENV A=1 # one\n");
    assert_int_equal(p.doc.nerrors, 0);
    in = &p.doc.instrs[0];
    assert_true(in->inline_comment);
    assert_int_equal(in->nargs, 1);
    assert_int_equal(p.doc.nnode_args, 4); /* each of the four was cut */
    assert_int_equal(p.doc.node_args[0].at, in->span.start);
    assert_int_equal(p.doc.node_args[0].n, 5);
    a = tfl_source_pos(&p.src, tfl_instr_comment(&p.doc, in).start);
    assert_int_equal(a.col, 12);
    in = &p.doc.instrs[1];
    assert_true(in->inline_comment);
    assert_string_equal(in->args[0].text, "root");
    assert_int_equal(p.doc.node_args[1].at, in->span.start);
    assert_string_equal(p.doc.node_args[1].words[0].text, "root # admin");
    in = &p.doc.instrs[2];
    assert_true(in->inline_comment);
    assert_true(in->json);
    assert_string_equal(in->args[0].text, "a");
    in = &p.doc.instrs[3];
    assert_true(in->inline_comment);
    assert_int_equal(in->npairs, 1);
    assert_true(p.doc.parser_failed); /* BuildKit itself rejects this ENV */
    tfl_arena_free(&p.arena);

    /* HEALTHCHECK NONE takes no arguments; a shell-form CMD keeps its '#' */
    parse_str(&p, "FROM a\nHEALTHCHECK NONE # off\nHEALTHCHECK CMD a # b\n");
    assert_true(p.doc.instrs[1].inline_comment);
    assert_int_equal(p.doc.instrs[1].nargs, 1);
    assert_false(p.doc.instrs[2].inline_comment);
    assert_int_equal(p.doc.nerrors, 0);
    tfl_arena_free(&p.arena);
}

static void test_parser_json_forms(void **state)
{
    parsed p;

    (void)state;
    parse_str(&p, "FROM a\nCMD ['whoami']\nCMD [\"a\", 1]\n");
    assert_true(p.doc.instrs[1].json_invalid);
    assert_false(p.doc.instrs[1].json);
    assert_true(p.doc.parser_failed);
    assert_string_equal(p.doc.errors[0].message,
                        "when using JSON array syntax, arrays must be "
                        "comprised of strings only");
    tfl_arena_free(&p.arena);
}

static void expect_error(const char *text, const char *message)
{
    parsed p;
    size_t i;

    parse_str(&p, text);
    for (i = 0; i < p.doc.nerrors; i++)
        if (strcmp(p.doc.errors[i].message, message) == 0)
            break;
    if (i == p.doc.nerrors)
        fail_msg("no error '%s' for %s (got %zu errors%s%s)", message, text,
                 p.doc.nerrors, p.doc.nerrors ? ", first: " : "",
                 p.doc.nerrors ? p.doc.errors[0].message : "");
    tfl_arena_free(&p.arena);
}

static void test_parser_instruction_errors(void **state)
{
    (void)state;
    expect_error("FROM a\nRUNN x\n",
                 "unknown instruction: RUNN (did you mean RUN?)");
    expect_error("FROM a\ncopyy a b\n",
                 "unknown instruction: copyy (did you mean copy?)");
    expect_error("RUN x\nFROM a\n", "no build stage in current context");
    expect_error("FROM a b\n", "FROM requires either one or three arguments");
    expect_error("FROM a AS 1x\n",
                 "invalid name for build stage: \"1x\", name can't start "
                 "with a number or contain symbols");
    expect_error("FROM a\nCOPY --chwon=x a b\n",
                 "unknown flag: --chwon (did you mean --chown?)");
    expect_error("FROM a\nCOPY --from a b\n",
                 "missing a value on flag: --from");
    expect_error("FROM a\nCOPY --link=maybe a b\n",
                 "expecting boolean value for flag --link, not: maybe");
    expect_error("FROM a\nCOPY --chown=a --chown=b a b\n",
                 "duplicate flag specified: --chown");
    expect_error("FROM a\nCOPY a\n",
                 "COPY requires at least two arguments, but only one was "
                 "provided. Destination could not be determined");
    expect_error("FROM a\nUSER\n", "USER requires exactly one argument");
    expect_error("FROM a\nSHELL /bin/sh\n",
                 "SHELL requires the arguments to be in JSON form");
    expect_error("FROM a\nHEALTHCHECK CONNECT x\n",
                 "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)");
    expect_error("FROM a\nHEALTHCHECK --interval=1us CMD x\n",
                 "--interval cannot be less than 1ms (got 1us)");
    expect_error("FROM a\nONBUILD ONBUILD RUN x\n",
                 "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect_error("FROM a\nONBUILD FROM b\n",
                 "FROM isn't allowed as an ONBUILD trigger");
    expect_error("FROM a\nENV A\n", "ENV must have two arguments");
    expect_error("FROM a\nENV A=1 B\n",
                 "Syntax error - can't find = in \"B\". Must be of the form: "
                 "name=value");
    expect_error("FROM a\nARG =x\n", "ARG names can not be blank");
    expect_error("", "file with no instructions");
    expect_error("# just a comment\n\n", "file with no instructions");
}

static void test_parser_long_line(void **state)
{
    size_t n = 70000;
    char *text = malloc(n + 32);
    parsed p;

    (void)state;
    memcpy(text, "FROM a\nRUN ", 11);
    memset(text + 11, 'x', n);
    memcpy(text + 11 + n, "\nUSER u\n", 9);
    parse_text(&p, text, strlen(text));
    assert_true(p.doc.parser_failed);
    assert_string_equal(p.doc.errors[0].message,
                        "dockerfile line greater than max allowed size of "
                        "65535");
    /* the rest of the file is still read */
    assert_int_equal(p.doc.instrs[p.doc.ninstrs - 1].kind, TFL_USER);
    tfl_arena_free(&p.arena);
    free(text);
}

static void test_parser_keyword_case(void **state)
{
    parsed p;

    (void)state;
    parse_str(&p, "from a As b\nRuN x\n");
    assert_int_equal(p.doc.instrs[0].kind, TFL_FROM);
    assert_string_equal(tfl_instr_keyword(&p.doc, &p.doc.instrs[0]).text,
                        "from");
    assert_int_equal(p.doc.instrs[1].kind, TFL_RUN);
    assert_string_equal(tfl_instr_keyword(&p.doc, &p.doc.instrs[1]).text,
                        "RuN");
    assert_int_equal(p.doc.nerrors, 0);
    tfl_arena_free(&p.arena);

    /* a trigger's keyword is not at the start of the text */
    parse_str(&p, "FROM a\nONBUILD  Run x\nONBUILD USER u\n");
    {
        const tfl_instr *t = tfl_instr_trigger(&p.doc, &p.doc.instrs[1]);
        tfl_word kw;

        assert_non_null(t);
        kw = tfl_instr_keyword(&p.doc, t);
        assert_string_equal(kw.text, "Run");
        assert_int_equal(kw.off, 9);
        assert_int_equal(kw.span.start, 16);
        assert_int_equal(kw.span.end, 19);
        t = tfl_instr_trigger(&p.doc, &p.doc.instrs[2]);
        kw = tfl_instr_keyword(&p.doc, t);
        assert_string_equal(kw.text, "USER");
        assert_int_equal(kw.off, 8);
        kw = tfl_instr_keyword(&p.doc, &p.doc.instrs[2]);
        assert_string_equal(kw.text, "ONBUILD");
        assert_int_equal(kw.off, 0);
    }
    tfl_arena_free(&p.arena);
}

/* The piece a bisection finds: the last one whose text_off <= off, or 0. */
static size_t piece_by_scan(const tfl_textmap *m, uint32_t off)
{
    size_t k = 0, i;

    for (i = 0; i < m->npieces; i++)
        if (m->pieces[i].text_off <= off)
            k = i;
    return k;
}

static uint32_t source_by_scan(const tfl_textmap *m, uint32_t off)
{
    const tfl_piece *pc = &m->pieces[piece_by_scan(m, off)];

    if (off - pc->text_off > pc->len)
        return pc->src_off + pc->len;
    return pc->src_off + (off - pc->text_off);
}

/* Lookups start from a guess or from the previous answer: whatever the
 * order of the questions, the answers must be those of a plain search. */
static void test_parser_textmap_lookups(void **state)
{
    tfl_piece pcs[40];
    tfl_textmap m = {pcs, 0};
    uint32_t text = 0, src = 0, total, off, len;
    unsigned seed = 12345;
    size_t i, round;

    (void)state;
    for (i = 0; i < 40; i++) {
        /* uneven lengths, some empty pieces, gaps in the source */
        uint32_t n = (i % 7 == 3) ? 0 : (i % 5 == 0 ? 90 : 1 + (uint32_t)i % 4);

        pcs[i].text_off = text;
        pcs[i].src_off = src;
        pcs[i].len = n;
        text += n;
        src += n + 2;
    }
    m.npieces = 40;
    total = text;
    for (round = 0; round < 3; round++) {
        for (i = 0; i < 4000; i++) {
            tfl_span sp;

            seed = seed * 1103515245u + 12345u;
            off = round == 0   ? (uint32_t)i % (total + 3)
                  : round == 1 ? (uint32_t)(total + 2 - i % (total + 3))
                               : (seed >> 8) % (total + 3);
            len = (seed >> 4) % 9;
            assert_int_equal(tfl_textmap_piece(&m, off),
                             piece_by_scan(&m, off));
            assert_int_equal(tfl_textmap_source(&m, off),
                             source_by_scan(&m, off));
            sp = tfl_textmap_span(&m, off, len);
            assert_int_equal(sp.start, source_by_scan(&m, off));
            assert_int_equal(sp.end, len ? source_by_scan(&m, off + len - 1) + 1
                                         : sp.start);
        }
    }
    /* one piece, and a map with a single empty piece */
    m.npieces = 1;
    assert_int_equal(tfl_textmap_source(&m, 5), 5);
    pcs[0].len = 0;
    assert_int_equal(tfl_textmap_span(&m, 0, 0).start, 0);
}

static void test_parser_words_point_into_line(void **state)
{
    parsed p;
    const tfl_instr *in;

    (void)state;
    parse_str(&p, "FROM a\nRUN echo hi  \nRUN echo \\\n  there\n"
                  "ENV A=1 B=\"x y\"\nLABEL k v w\n");
    in = &p.doc.instrs[1];
    /* trailing blanks are trimmed: the word is copied, NUL-terminated */
    assert_string_equal(in->args[0].text, "echo hi");
    in = &p.doc.instrs[2];
    assert_string_equal(in->args[0].text, "echo   there");
    assert_ptr_equal(in->args[0].text, in->line + in->args[0].off);
    in = &p.doc.instrs[3];
    assert_int_equal(in->npairs, 2);
    assert_string_equal(in->pairs[0].key.text, "A");
    assert_string_equal(in->pairs[0].value.text, "1");
    assert_string_equal(in->pairs[1].key.text, "B");
    assert_string_equal(in->pairs[1].value.text, "\"x y\"");
    /* a one-line instruction's text is the source's, with no NUL after */
    assert_int_equal(in->line_len, 15);
    assert_memory_equal(in->line, "ENV A=1 B=\"x y\"", 15);
    assert_ptr_equal(in->line, p.src.data + in->span.start);
    in = &p.doc.instrs[4];
    assert_int_equal(in->npairs, 1);
    assert_string_equal(in->pairs[0].key.text, "k");
    assert_string_equal(in->pairs[0].value.text, "v w");
    assert_int_equal(in->nargs, 2);
    tfl_arena_free(&p.arena);
}

/* A last line without LF: the words that end it are copies with their own
 * NUL, as the source has none after it. */
static void test_parser_last_line_words(void **state)
{
    parsed p;
    const tfl_instr *in;

    (void)state;
    parse_str(&p, "FROM a AS b\nARG X=1 Y\nENV K v w\nUSER app");
    in = &p.doc.instrs[0];
    assert_ptr_equal(in->line, p.src.data);
    assert_string_equal(in->args[2].text, "b");
    in = &p.doc.instrs[1];
    assert_string_equal(in->args[1].text, "Y");
    in = &p.doc.instrs[2];
    assert_true(in->legacy);
    assert_string_equal(in->pairs[0].value.text, "v w");
    in = &p.doc.instrs[3];
    assert_int_equal(in->line_len, 8);
    assert_string_equal(in->args[0].text, "app");
    assert_ptr_not_equal(in->args[0].text, in->line + in->args[0].off);
    tfl_arena_free(&p.arena);
}

/* The blank line of an empty continuation is found again, also when the
 * continuation runs into the end of the file. */
static void test_parser_empty_line_found_again(void **state)
{
    parsed p;
    const tfl_instr *in;

    (void)state;
    parse_str(&p, "FROM a\nRUN a \\\n# c\n   \n\n b\nRUN c \\\n\n");
    in = &p.doc.instrs[1];
    assert_true(in->empty_continuation);
    assert_int_equal(
        tfl_source_pos(&p.src, tfl_instr_empty_line(&p.doc, in).start).line, 4);
    in = &p.doc.instrs[2];
    assert_true(in->empty_continuation);
    assert_int_equal(
        tfl_source_pos(&p.src, tfl_instr_empty_line(&p.doc, in).start).line, 8);
    assert_false(p.doc.instrs[0].empty_continuation);
    tfl_arena_free(&p.arena);
}

/* A JSON array of many strings on one line: each string's buffer is sized
 * by the string, so the parse stays linear in memory (it once took 1.5 GB
 * for this 64 kB line). */
static void test_parser_json_many_strings(void **state)
{
    size_t n = 16000, i, len;
    char *text = malloc(16 + n * 4);
    parsed p;

    (void)state;
    assert_non_null(text);
    len = (size_t)sprintf(text, "CMD [");
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "%s\"a\"", i ? "," : "");
    len += (size_t)sprintf(text + len, "]\n");
    parse_text(&p, text, len);
    assert_int_equal(p.doc.ninstrs, 1);
    assert_true(p.doc.instrs[0].json);
    assert_int_equal(p.doc.instrs[0].nargs, n);
    assert_true(p.arena.used < 64 * len);
    tfl_arena_free(&p.arena);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_buildkit_testfiles),
        cmocka_unit_test(test_parser_buildkit_negative),
        cmocka_unit_test(test_parser_buildkit_lines),
        cmocka_unit_test(test_parser_heredoc_basic),
        cmocka_unit_test(test_parser_heredoc_variants),
        cmocka_unit_test(test_parser_heredoc_unterminated),
        cmocka_unit_test(test_parser_heredoc_onbuild_and_crlf),
        cmocka_unit_test(test_parser_crlf_bom),
        cmocka_unit_test(test_parser_backtick),
        cmocka_unit_test(test_parser_directives),
        cmocka_unit_test(test_parser_flags),
        cmocka_unit_test(test_parser_spans_in_continuation),
        cmocka_unit_test(test_parser_comments_and_empty_lines),
        cmocka_unit_test(test_parser_last_line_words),
        cmocka_unit_test(test_parser_empty_line_found_again),
        cmocka_unit_test(test_parser_inline_comment),
        cmocka_unit_test(test_parser_json_forms),
        cmocka_unit_test(test_parser_instruction_errors),
        cmocka_unit_test(test_parser_long_line),
        cmocka_unit_test(test_parser_keyword_case),
        cmocka_unit_test(test_parser_textmap_lookups),
        cmocka_unit_test(test_parser_words_point_into_line),
        cmocka_unit_test(test_parser_json_many_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
