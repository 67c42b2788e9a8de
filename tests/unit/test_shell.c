/* The shell splitter: words, spans, operators, blocks, nesting, prefixes,
 * fallbacks, and inputs built to break it. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/shell.h"

static tfl_arena arena;

static int setup(void **state)
{
    (void)state;
    tfl_arena_init(&arena);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tfl_arena_free(&arena);
    return 0;
}

static tfl_sh_script split_map(const char *text, size_t len,
                               const tfl_textmap *map)
{
    tfl_sh_script s;

    assert_int_equal(tfl_shell_split(&arena, text, len, map, &s), 0);
    return s;
}

static tfl_sh_script split(const char *text)
{
    return split_map(text, strlen(text), NULL);
}

/* Offset of the n-th (0-based) occurrence of `needle` in `hay`. */
static uint32_t off_of(const char *hay, const char *needle, int n)
{
    const char *p = hay;

    for (;;) {
        p = strstr(p, needle);
        assert_non_null(p);
        if (n-- == 0)
            return (uint32_t)(p - hay);
        p++;
    }
}

static void assert_word(const tfl_sh_word *w, const char *value, uint32_t start,
                        uint32_t end)
{
    assert_non_null(w);
    if (value) {
        assert_non_null(w->value);
        assert_string_equal(w->value, value);
    } else {
        assert_null(w->value);
    }
    assert_int_equal(w->span.start, start);
    assert_int_equal(w->span.end, end);
}

static void test_shell_words_and_quotes(void **state)
{
    const char *t = "echo 'a b' \"c $X d\" e\\ f g\"h\"'i' $'x\\ty' ~/p *.c";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c;

    (void)state;
    assert_int_equal(s.ncmds, 1);
    c = &s.cmds[0];
    assert_int_equal(c->nwords, 8);
    assert_string_equal(tfl_sh_cmd_name(c), "echo");
    assert_word(&c->words[1], "a b", 5, 10);
    assert_word(&c->words[2], NULL, 11, 19);
    assert_true(c->words[2].flags & TFL_SH_WORD_EXPANDS);
    assert_int_equal(c->words[2].nvars, 1);
    assert_string_equal(c->words[2].vars[0]->name, "X");
    assert_true(c->words[2].vars[0]->quoted);
    assert_int_equal(c->words[2].vars[0]->span.start, off_of(t, "$X", 0));
    assert_int_equal(c->words[2].vars[0]->span.end, off_of(t, "$X", 0) + 2);
    assert_int_equal(c->words[2].nparts, 3);
    assert_int_equal(c->words[2].parts[0].len, 2);
    assert_memory_equal(c->words[2].parts[0].text, "c ", 2);
    assert_word(&c->words[3], "e f", 20, 24);
    assert_word(&c->words[4], "ghi", 25, 32);
    assert_int_equal(c->words[4].nparts, 3);
    assert_false(c->words[4].parts[0].quoted);
    assert_true(c->words[4].parts[1].quoted);
    assert_string_equal(c->words[5].value, "x\ty");
    assert_true(c->words[6].flags & TFL_SH_WORD_TILDE);
    assert_true(c->words[7].flags & TFL_SH_WORD_GLOB);
    assert_int_equal(c->span.start, 0);
    assert_int_equal(c->span.end, strlen(t));
}

static void test_shell_param_modifiers(void **state)
{
    const char *t = "useradd -u \"${UID:-1000}\" ${G=x} ${#N} ${A:+y} "
                    "${P%/*} ${D:-${E:-z}}";
    tfl_sh_script s = split(t);
    const tfl_sh_word *w;
    const tfl_sh_var *v;

    (void)state;
    assert_int_equal(s.ncmds, 1);
    w = &s.cmds[0].words[2];
    assert_int_equal(w->nvars, 1);
    v = w->vars[0];
    assert_string_equal(v->name, "UID");
    assert_int_equal(v->op, TFL_SH_VAR_DEFAULT);
    assert_true(v->colon);
    assert_non_null(v->arg);
    assert_string_equal(v->arg->value, "1000");
    assert_int_equal(v->arg->span.start, off_of(t, "1000", 0));
    assert_int_equal(v->name_span.start, off_of(t, "UID", 0));
    assert_int_equal(v->span.end, off_of(t, "}", 0) + 1);
    assert_int_equal(v->cmd, 0);
    v = s.cmds[0].words[3].vars[0];
    assert_int_equal(v->op, TFL_SH_VAR_ASSIGN);
    assert_false(v->colon);
    assert_int_equal(s.cmds[0].words[4].vars[0]->op, TFL_SH_VAR_LENGTH);
    assert_string_equal(s.cmds[0].words[4].vars[0]->name, "N");
    assert_int_equal(s.cmds[0].words[5].vars[0]->op, TFL_SH_VAR_ALT);
    assert_int_equal(s.cmds[0].words[6].vars[0]->op, TFL_SH_VAR_OTHER);
    /* nested default: outer D, inner E, both in the flat list */
    v = s.cmds[0].words[7].vars[0];
    assert_string_equal(v->name, "D");
    assert_int_equal(v->arg->nvars, 1);
    assert_string_equal(v->arg->vars[0]->name, "E");
    assert_string_equal(v->arg->vars[0]->arg->value, "z");
    assert_int_equal(s.nvars, 7);
    assert_string_equal(s.vars[6]->name, "E");
}

static void test_shell_operators(void **state)
{
    tfl_sh_script s = split("a && b || c; d | e & f\ng |& h ;\n\ni");
    static const tfl_sh_op ops[] = {
        TFL_SH_OP_NONE,    TFL_SH_OP_AND,  TFL_SH_OP_OR,
        TFL_SH_OP_SEMI,    TFL_SH_OP_PIPE, TFL_SH_OP_BG,
        TFL_SH_OP_NEWLINE, TFL_SH_OP_PIPE, TFL_SH_OP_SEMI};
    size_t i;

    (void)state;
    assert_int_equal(s.ncmds, 9);
    for (i = 0; i < 9; i++) {
        char name[2] = {(char)('a' + i), 0};

        assert_string_equal(tfl_sh_cmd_name(&s.cmds[i]), name);
        assert_int_equal(s.cmds[i].op, ops[i]);
    }
    s = split("a &&\n  b");
    assert_int_equal(s.ncmds, 2);
    assert_int_equal(s.cmds[1].op, TFL_SH_OP_AND);
}

static void test_shell_assignments(void **state)
{
    const char *t = "X=1 Y=\"a b\" cmd Z=2; W=$(id -u); V+=x";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c = &s.cmds[0];

    (void)state;
    assert_int_equal(c->nassigns, 2);
    assert_string_equal(c->assigns[0].name, "X");
    assert_string_equal(c->assigns[0].value.value, "1");
    assert_int_equal(c->assigns[0].value.span.start, 2);
    assert_int_equal(c->assigns[0].name_span.end, 1);
    assert_string_equal(c->assigns[1].value.value, "a b");
    assert_int_equal(c->assigns[1].value.span.start, 6);
    assert_int_equal(c->nwords, 2); /* Z=2 is an argument */
    assert_string_equal(tfl_sh_cmd_name(c), "cmd");
    assert_int_equal(s.ncmds, 4);
    c = &s.cmds[1];
    assert_int_equal(c->nwords, 0);
    assert_string_equal(c->assigns[0].name, "W");
    assert_null(c->assigns[0].value.value);
    assert_int_equal(c->assigns[0].value.parts[0].kind, TFL_SH_PART_SUBST);
    assert_int_equal(s.cmds[2].nest, TFL_SH_NEST_SUBST);
    assert_int_equal(s.cmds[2].parent, 1);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[2]), "id");
    assert_int_equal(s.cmds[2].words[1].span.start, off_of(t, "-u", 0));
    assert_true(s.cmds[3].assigns[0].append);
    s = split("export A=1 B; env -i C=2 D=3 useradd x");
    assert_int_equal(s.cmds[0].nassigns, 1);
    assert_int_equal(s.cmds[0].assigns[0].kind, TFL_SH_ASSIGN_EXPORT);
    assert_int_equal(s.cmds[1].nassigns, 2);
    assert_int_equal(s.cmds[1].assigns[1].kind, TFL_SH_ASSIGN_ENV);
    assert_string_equal(s.cmds[1].assigns[1].name, "D");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[1]), "useradd");
}

static void test_shell_prefixes(void **state)
{
    tfl_sh_script s = split("exec gosu x; nohup time -p command sudo -u root "
                            "-E busybox adduser -D u; command -v useradd; "
                            "env; exec >log 2>&1");
    const tfl_sh_cmd *c;

    (void)state;
    assert_int_equal(s.ncmds, 5);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[0]), "gosu");
    assert_int_equal(s.cmds[0].prefixes, TFL_SH_PREFIX_EXEC);
    c = &s.cmds[1];
    assert_string_equal(tfl_sh_cmd_name(c), "adduser");
    assert_int_equal(c->prefixes, TFL_SH_PREFIX_NOHUP | TFL_SH_PREFIX_TIME |
                                      TFL_SH_PREFIX_COMMAND |
                                      TFL_SH_PREFIX_SUDO |
                                      TFL_SH_PREFIX_BUSYBOX);
    assert_int_equal(tfl_sh_cmd_nargs(c), 2);
    assert_string_equal(tfl_sh_cmd_arg(c, 0)->value, "-D");
    assert_null(tfl_sh_cmd_arg(c, 2));
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[2]), "command");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[3]), "env");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[4]), "exec");
    assert_int_equal(s.cmds[4].nredirs, 2);
    assert_int_equal(s.cmds[4].redirs[0].op, TFL_SH_REDIR_OUT);
    assert_string_equal(s.cmds[4].redirs[0].target.value, "log");
    assert_int_equal(s.cmds[4].redirs[1].fd, 2);
    assert_int_equal(s.cmds[4].redirs[1].op, TFL_SH_REDIR_DUP_OUT);
}

static void test_shell_useradd_flags(void **state)
{
    const char *t = "groupadd -g 1200 app && useradd -lmu 1200 -g app "
                    "--uid=1200 --shell /bin/sh app";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c = &s.cmds[1];

    (void)state;
    assert_int_equal(s.ncmds, 2);
    assert_string_equal(tfl_sh_cmd_name(c), "useradd");
    assert_int_equal(tfl_sh_cmd_nargs(c), 8);
    assert_word(tfl_sh_cmd_arg(c, 0), "-lmu", off_of(t, "-lmu", 0),
                off_of(t, "-lmu", 0) + 4);
    assert_word(tfl_sh_cmd_arg(c, 1), "1200", off_of(t, "1200", 1),
                off_of(t, "1200", 1) + 4);
    assert_word(tfl_sh_cmd_arg(c, 4), "--uid=1200", off_of(t, "--uid", 0),
                off_of(t, "--uid", 0) + 10);
    assert_string_equal(tfl_sh_cmd_arg(c, 7)->value, "app");
}

/* A RUN continued over three lines: the joined text "useradd -u 7 x" has
 * pieces at source offsets 4, 20 and 40. */
static void test_shell_textmap_pieces(void **state)
{
    const char *text = "useradd -u 7 x && echo";
    static const tfl_piece pieces[] = {{0, 4, 8}, {8, 20, 5}, {13, 40, 10}};
    tfl_textmap map = {pieces, 3};
    tfl_sh_script s = split_map(text, strlen(text), &map);
    const tfl_sh_cmd *c = &s.cmds[0];

    (void)state;
    assert_word(&c->words[0], "useradd", 4, 11);
    assert_word(&c->words[1], "-u", 20, 22);
    assert_word(&c->words[2], "7", 23, 24);
    assert_word(&c->words[3], "x", 40, 41);
    assert_int_equal(c->span.start, 4);
    assert_int_equal(c->span.end, 41);
    assert_word(&s.cmds[1].words[0], "echo", 45, 49);
}

static void test_shell_if_fallback(void **state)
{
    const char *t = "if [ -z \"$USER_ID\" ]; then USER_ID=1001; fi; "
                    "[ -z \"${GID}\" ] && GID=1002; : ${HOME_DIR:=/home/x}; "
                    "echo ${SH:-/bin/sh}; [ -n \"$Z\" ] || Z=3";
    tfl_sh_script s = split(t);
    tfl_sh_fallback *f;
    size_t n;
    const tfl_sh_block *b;

    (void)state;
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[0]), "[");
    b = &s.blocks[s.cmds[0].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_IF_COND);
    b = &s.blocks[s.cmds[1].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_IF_THEN);
    assert_int_equal(b->head, s.cmds[0].block);
    assert_int_equal(s.cmds[2].block, TFL_SH_NONE);
    assert_int_equal(s.cmds[2].op, TFL_SH_OP_SEMI); /* after the `if` */
    assert_int_equal(s.blocks[b->head].op, TFL_SH_OP_NONE);

    assert_int_equal(tfl_sh_fallbacks(&arena, &s, &f, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(f[0].kind, TFL_SH_FALLBACK_ASSIGN);
    assert_string_equal(f[0].name, "HOME_DIR");
    assert_string_equal(f[0].value->value, "/home/x");
    assert_int_equal(f[1].kind, TFL_SH_FALLBACK_DEFAULT);
    assert_string_equal(f[1].name, "SH");
    assert_int_equal(f[2].kind, TFL_SH_FALLBACK_TEST);
    assert_string_equal(f[2].name, "GID");
    assert_string_equal(f[2].value->value, "1002");
    assert_int_equal(f[2].value->span.start, off_of(t, "1002", 0));
    assert_int_equal(f[3].kind, TFL_SH_FALLBACK_TEST);
    assert_string_equal(f[3].name, "Z");
    assert_int_equal(f[4].kind, TFL_SH_FALLBACK_IF);
    assert_string_equal(f[4].name, "USER_ID");
    assert_string_equal(f[4].value->value, "1001");
    assert_int_equal(f[4].span.start, off_of(t, "USER_ID=", 0));

    /* not fallbacks: -n with &&, a test of something else */
    s = split("[ -n \"$A\" ] && A=1; [ -z \"$A\" ] && B=1; "
              "if [ -z \"$A\" ]; then echo; fi");
    assert_int_equal(tfl_sh_fallbacks(&arena, &s, &f, &n), 0);
    assert_int_equal(n, 0);
}

static void test_shell_blocks(void **state)
{
    tfl_sh_script s = split("for u in a b; do useradd $u; done\n"
                            "while read l; do echo $l; done < f\n"
                            "case \"$X\" in a|b) x ;; *) y ;; esac\n"
                            "{ g; } && ( h )\n"
                            "f() { k; }\n"
                            "if a; then b; elif c; then d; else e; fi");
    const tfl_sh_block *b;
    size_t i;
    const char *names[] = {"useradd", "read", "echo", "x", "y", "g", "h",
                           "k",       "a",    "b",    "c", "d", "e"};

    (void)state;
    assert_int_equal(s.ncmds, 13);
    for (i = 0; i < 13; i++)
        assert_string_equal(tfl_sh_cmd_name(&s.cmds[i]), names[i]);
    b = &s.blocks[s.cmds[0].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_FOR_BODY);
    assert_int_equal(b->nwords, 3);
    assert_string_equal(b->words[0].value, "u");
    assert_string_equal(b->words[2].value, "b");
    assert_int_equal(s.blocks[s.cmds[1].block].kind, TFL_SH_BLOCK_WHILE_COND);
    assert_int_equal(s.blocks[s.cmds[2].block].kind, TFL_SH_BLOCK_LOOP_BODY);
    b = &s.blocks[s.cmds[3].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_CASE_ITEM);
    assert_int_equal(b->nwords, 3);
    assert_string_equal(b->words[2].value, "b");
    assert_int_equal(s.blocks[s.cmds[4].block].head, s.cmds[3].block);
    assert_int_equal(s.blocks[s.cmds[5].block].kind, TFL_SH_BLOCK_GROUP);
    b = &s.blocks[s.cmds[6].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_SUBSHELL);
    assert_int_equal(b->op, TFL_SH_OP_AND);
    b = &s.blocks[s.cmds[7].block];
    assert_int_equal(b->kind, TFL_SH_BLOCK_GROUP);
    assert_int_equal(s.blocks[b->parent].kind, TFL_SH_BLOCK_FUNCTION);
    assert_int_equal(s.blocks[s.cmds[10].block].kind, TFL_SH_BLOCK_IF_COND);
    assert_true(s.blocks[s.cmds[10].block].elif);
    assert_int_equal(s.blocks[s.cmds[12].block].kind, TFL_SH_BLOCK_IF_ELSE);
    assert_int_equal(s.blocks[s.cmds[12].block].head, s.cmds[8].block);
}

static void test_shell_sh_c_spans(void **state)
{
    const char *t = "sudo sh -ec 'useradd -u 1000 x && chown x /d' ; "
                    "bash -o pipefail -c \"groupadd -g \\\"$G\\\" g\"";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c;

    (void)state;
    assert_int_equal(s.ncmds, 5);
    assert_int_equal(s.cmds[0].shell_c, 3);
    c = &s.cmds[1];
    assert_int_equal(c->nest, TFL_SH_NEST_SHELL_C);
    assert_int_equal(c->parent, 0);
    assert_string_equal(tfl_sh_cmd_name(c), "useradd");
    assert_word(&c->words[2], "1000", off_of(t, "1000", 0),
                off_of(t, "1000", 0) + 4);
    assert_word(&s.cmds[2].words[2], "/d", off_of(t, "/d", 0),
                off_of(t, "/d", 0) + 2);
    assert_int_equal(s.cmds[2].op, TFL_SH_OP_AND);
    c = &s.cmds[4];
    assert_string_equal(tfl_sh_cmd_name(c), "groupadd");
    assert_int_equal(c->parent, 3);
    /* "$G" inside the inner shell: the escaped quotes map back exactly */
    assert_int_equal(c->words[2].span.start, off_of(t, "\\\"$G", 0) + 1);
    assert_int_equal(c->words[2].span.end, off_of(t, "$G", 0) + 4);
    assert_string_equal(c->words[2].vars[0]->name, "G");
    assert_int_equal(c->words[2].vars[0]->span.start, off_of(t, "$G", 0));
    assert_word(&c->words[3], "g", off_of(t, " g\"", 0) + 1,
                off_of(t, " g\"", 0) + 2);
}

static void test_shell_substitutions(void **state)
{
    const char *t = "chown \"$(id -u app):`id -g app`\" /srv; echo $((1+2))";
    tfl_sh_script s = split(t);
    const tfl_sh_word *w;

    (void)state;
    assert_int_equal(s.ncmds, 4);
    w = &s.cmds[0].words[1];
    assert_null(w->value);
    assert_int_equal(w->nparts, 3);
    assert_int_equal(w->parts[0].kind, TFL_SH_PART_SUBST);
    assert_int_equal(w->parts[0].first_cmd, 1);
    assert_int_equal(w->parts[0].end_cmd, 2);
    assert_memory_equal(w->parts[1].text, ":", 1);
    assert_int_equal(w->parts[2].first_cmd, 2);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[2]), "id");
    assert_word(&s.cmds[2].words[2], "app", off_of(t, "app", 1),
                off_of(t, "app", 1) + 3);
    assert_int_equal(s.cmds[1].nest, TFL_SH_NEST_SUBST);
    assert_int_equal(s.cmds[3].op, TFL_SH_OP_SEMI);
    assert_int_equal(s.cmds[3].words[1].parts[0].kind, TFL_SH_PART_ARITH);
}

static void test_shell_comments_heredocs(void **state)
{
    const char *t = "# leading\nset -eux # trailing\n"
                    "cat >> /etc/passwd <<'EOF'\n"
                    "x:x:1000:1000::/h:/bin/sh && sudo rm\nEOF\n"
                    "cat <<-E2 | tee f\n\tbody $X\n\tE2\n"
                    "echo a#b \\\n  done";
    tfl_sh_script s = split(t);
    const tfl_sh_heredoc *hd;

    (void)state;
    assert_int_equal(s.ncmds, 5);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[0]), "set");
    assert_int_equal(s.cmds[0].nwords, 2);
    assert_int_equal(s.cmds[1].redirs[0].op, TFL_SH_REDIR_APPEND);
    assert_string_equal(s.cmds[1].redirs[0].target.value, "/etc/passwd");
    hd = s.cmds[1].redirs[1].heredoc;
    assert_non_null(hd);
    assert_string_equal(hd->delim, "EOF");
    assert_false(hd->expands);
    assert_true(hd->closed);
    assert_int_equal(hd->body_span.start, off_of(t, "x:x", 0));
    assert_int_equal(hd->body_len, strlen("x:x:1000:1000::/h:/bin/sh && "
                                          "sudo rm\n"));
    hd = s.cmds[2].redirs[0].heredoc;
    assert_true(hd->strip_tabs);
    assert_true(hd->expands);
    assert_true(hd->closed);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[3]), "tee");
    assert_int_equal(s.cmds[3].op, TFL_SH_OP_PIPE);
    assert_int_equal(s.cmds[4].nwords, 3);
    assert_string_equal(s.cmds[4].words[1].value, "a#b");
    assert_string_equal(s.cmds[4].words[2].value, "done");
}

/* ---- hostile input ---------------------------------------------------- */

static void test_shell_unbalanced(void **state)
{
    static const char *const inputs[] = {
        "echo 'abc", "echo \"abc $(",  "echo $(",  "echo ${X:-",
        "echo `abc", "if a; then",     "( ( (",    "case x in a) b",
        "for x in",  ")))) fi done }", ";;;;&&||", "a <<EOF",
        "echo \\",   "$'\\",           "${",       "$((1+",
        "f() {",     "{ a; ",          "while",    "x=(1 2",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        tfl_sh_script s = split(inputs[i]);

        assert_true(s.ncmds <= strlen(inputs[i]));
    }
    {
        tfl_sh_script s = split("echo 'abc");

        assert_int_equal(s.ncmds, 1);
        assert_true(s.cmds[0].words[1].flags & TFL_SH_WORD_OPEN);
        assert_string_equal(s.cmds[0].words[1].value, "abc");
    }
}

static void test_shell_many_ands(void **state)
{
    size_t n = 50000, i, len = n * 7;
    char *t = malloc(len + 1);
    tfl_sh_script s;

    (void)state;
    assert_non_null(t);
    for (i = 0; i < n; i++)
        memcpy(t + i * 7, "a x && ", 7);
    t[len - 4] = '\0';
    s = split(t);
    assert_int_equal(s.ncmds, n);
    assert_int_equal(s.cmds[n - 1].op, TFL_SH_OP_AND);
    assert_int_equal(s.cmds[n - 1].words[1].span.start, (n - 1) * 7 + 2);
    free(t);
}

static void test_shell_deep_nesting(void **state)
{
    static const char *const open[] = {"$(", "(", "${X:-", "`", "{ ", "if "};
    static const char *const close[] = {")", ")",   "}",
                                        "`", "; }", "; then :; fi"};
    size_t k, i, depth = 10000;

    (void)state;
    for (k = 0; k < sizeof open / sizeof open[0]; k++) {
        size_t lo = strlen(open[k]), lc = strlen(close[k]);
        char *t = malloc(depth * (lo + lc) + 16);
        size_t len = 0;
        tfl_sh_script s;

        assert_non_null(t);
        memcpy(t + len, "echo ", 5);
        len += 5;
        for (i = 0; i < depth; i++, len += lo)
            memcpy(t + len, open[k], lo);
        t[len++] = 'x';
        /* the backtick case stays flat, the others close properly */
        for (i = 0; i < depth; i++, len += lc)
            memcpy(t + len, close[k], lc);
        s = split_map(t, len, NULL);
        assert_true(s.ncmds >= 1);
        assert_true(s.ncmds <= len);
        for (i = 0; i < s.ncmds; i++)
            assert_true(s.cmds[i].depth <= TFL_SH_MAX_DEPTH);
        if (k < 3)
            assert_true(s.truncated);
        free(t);
    }
}

static void test_shell_binary_bytes(void **state)
{
    const char t[] = "ec\0ho \xff\xfe 'a\0b' \xc3\x28 && x\0";
    tfl_sh_script s = split_map(t, sizeof t - 1, NULL);
    size_t i, n = 4096;
    unsigned seed = 12345;
    char *r = malloc(n);
    static const char alphabet[] = "ab $(){}`'\"\\;&|<>\n#=-:*!\0\xff";

    (void)state;
    assert_int_equal(s.ncmds, 2);
    assert_int_equal(s.cmds[0].words[0].len, 5);
    assert_memory_equal(s.cmds[0].words[0].value, "ec\0ho", 5);
    assert_int_equal(s.cmds[0].words[2].len, 3);
    assert_non_null(r);
    for (i = 0; i < 200; i++) {
        size_t j;

        for (j = 0; j < n; j++) {
            seed = seed * 1103515245u + 12345u;
            r[j] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        s = split_map(r, n, NULL);
        assert_true(s.ncmds <= n);
        for (j = 0; j < s.ncmds; j++)
            assert_true(s.cmds[j].span.end <= n);
    }
    free(r);
}

/* Words made only of plain bytes take a short path; these sit on its
 * edges: '=' (plain unless it may open NAME=(...)), the bytes that end
 * it, and a plain run followed by something that is not plain. */
static void test_shell_plain_words(void **state)
{
    const char *t = "cmd --o=v a=(x y) ab'c' ab\"c\" ab\\c ab$X ab* a~ a#b "
                    "a}b x";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c;
    const tfl_sh_word *w;

    (void)state;
    assert_int_equal(s.ncmds, 1);
    c = &s.cmds[0];
    assert_int_equal(c->nwords, 12);
    w = &c->words[1];
    assert_word(w, "--o=v", 4, 9);
    assert_int_equal(w->nparts, 1);
    assert_int_equal(w->flags, 0);
    assert_int_equal(w->parts[0].span.start, 4);
    assert_int_equal(w->parts[0].span.end, 9);
    assert_memory_equal(w->parts[0].text, "--o=v", 5);
    w = &c->words[2]; /* the array stays one literal word */
    assert_word(w, "a=(x y)", 10, 17);
    assert_int_equal(w->nparts, 1);
    w = &c->words[3];
    assert_word(w, "abc", 18, 23);
    assert_int_equal(w->nparts, 2);
    assert_false(w->parts[0].quoted);
    assert_true(w->parts[1].quoted);
    assert_int_equal(w->parts[0].span.end, 20);
    assert_int_equal(w->parts[1].span.start, 20);
    assert_true(w->flags & TFL_SH_WORD_QUOTED);
    assert_word(&c->words[4], "abc", 24, 29);
    assert_int_equal(c->words[4].nparts, 2);
    w = &c->words[5];
    assert_word(w, "abc", 30, 34);
    assert_int_equal(w->nparts, 2);
    assert_true(w->parts[1].quoted);
    w = &c->words[6];
    assert_word(w, NULL, 35, 39);
    assert_int_equal(w->nparts, 2);
    assert_int_equal(w->parts[1].kind, TFL_SH_PART_VAR);
    assert_int_equal(w->nvars, 1);
    assert_true(c->words[7].flags & TFL_SH_WORD_GLOB);
    assert_false(c->words[8].flags & TFL_SH_WORD_TILDE);
    assert_word(&c->words[8], "a~", 44, 46);
    assert_word(&c->words[9], "a#b", 47, 50);
    assert_word(&c->words[10], "a}b", 51, 54);
    assert_int_equal(c->words[10].nparts, 1);
    assert_word(&c->words[11], "x", 55, 56);
    assert_int_equal(c->words[11].parts[0].span.end, 56);
}

/* Runs inside "..." are copied whole; escapes and $ still cut them. */
static void test_shell_double_quote_runs(void **state)
{
    const char *t = "echo \"a\\$b\\\\c\\qd\" \"x\\\ny\" \"p${Q}r\"";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c;
    const tfl_sh_word *w;

    (void)state;
    c = &s.cmds[0];
    assert_int_equal(c->nwords, 4);
    assert_word(&c->words[1], "a$b\\c\\qd", 5, 17);
    assert_int_equal(c->words[1].nparts, 1);
    assert_true(c->words[1].parts[0].quoted);
    assert_word(&c->words[2], "xy", 18, 24);
    w = &c->words[3];
    assert_word(w, NULL, 25, 33);
    assert_int_equal(w->nparts, 3);
    assert_memory_equal(w->parts[0].text, "p", 1);
    assert_int_equal(w->parts[1].kind, TFL_SH_PART_VAR);
    assert_string_equal(w->parts[1].var->name, "Q");
    assert_memory_equal(w->parts[2].text, "r", 1);
    assert_int_equal(w->parts[2].span.start, 31); /* the closing quote */
    assert_int_equal(w->parts[2].span.end, 33);   /* belongs to it */
}

/* Reserved words are looked for by their first byte: words that only
 * begin like one stay commands, and keywords after a command are words. */
static void test_shell_keyword_lookalikes(void **state)
{
    tfl_sh_script s =
        split("ifx a; fix b; echo if then fi done; ! c; !d; until e; do f; "
              "done; { g; }; function h { i; }; casey; for_x");
    size_t i;
    static const char *const names[] = {
        "ifx", "fix", "echo", "c", "!d", "e", "f", "g", "i", "casey", "for_x"};

    (void)state;
    assert_int_equal(s.ncmds, 11);
    for (i = 0; i < 11; i++)
        assert_string_equal(tfl_sh_cmd_name(&s.cmds[i]), names[i]);
    assert_int_equal(s.cmds[2].nwords, 5);
    assert_true(s.cmds[3].negated);
    assert_false(s.cmds[4].negated);
    assert_int_equal(s.nblocks, 5); /* the function's body is a group */
    assert_int_equal(s.blocks[0].kind, TFL_SH_BLOCK_WHILE_COND);
    assert_true(s.blocks[0].until);
    assert_int_equal(s.blocks[2].kind, TFL_SH_BLOCK_GROUP);
    assert_int_equal(s.blocks[3].kind, TFL_SH_BLOCK_FUNCTION);
}

/* Prefixes and shells are recognised by name only, not by first byte. */
static void test_shell_prefix_lookalikes(void **state)
{
    tfl_sh_script s = split("envy A=1 x; exec2 y; sudo -u u z; bash2 -c q; "
                            "exporter B=2; export C=3; ssh -c w");

    (void)state;
    assert_int_equal(s.ncmds, 7);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[0]), "envy");
    assert_int_equal(s.cmds[0].prefixes, 0);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[1]), "exec2");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[2]), "z");
    assert_int_equal(s.cmds[2].prefixes, TFL_SH_PREFIX_SUDO);
    assert_int_equal(s.cmds[3].shell_c, TFL_SH_NONE);
    assert_int_equal(s.cmds[4].nassigns, 0);
    assert_int_equal(s.cmds[5].nassigns, 1);
    assert_string_equal(s.cmds[5].assigns[0].name, "C");
    assert_int_equal(s.cmds[6].shell_c, TFL_SH_NONE);
}

/* Spans through a map of several pieces, in and out of order (a command's
 * span starts before the words read last): each must be what
 * tfl_textmap_span() gives. */
static void test_shell_span_cache(void **state)
{
    /* "a b\\\nc d\nef\\\ngh $X" joined by the lexer as three lines */
    static const char text[] = "a b c d; ef gh ${X:-y z}";
    static const tfl_piece pieces[] = {{0, 100, 4}, {4, 200, 5}, {9, 300, 15}};
    tfl_textmap map = {pieces, 3};
    tfl_sh_script s = split_map(text, sizeof text - 1, &map);
    size_t i, k;

    (void)state;
    assert_int_equal(s.ncmds, 2);
    for (i = 0; i < s.ncmds; i++) {
        const tfl_sh_cmd *c = &s.cmds[i];

        for (k = 0; k < c->nwords; k++) {
            const tfl_sh_word *w = &c->words[k];
            tfl_span want =
                tfl_textmap_span(&map, (uint32_t)(w->raw - text), w->raw_len);

            assert_int_equal(w->span.start, want.start);
            assert_int_equal(w->span.end, want.end);
        }
    }
    assert_int_equal(s.cmds[0].span.start, 100);
    assert_int_equal(s.cmds[0].span.end, 203);
    assert_int_equal(s.cmds[0].words[2].span.start, 200);
    assert_int_equal(s.cmds[1].words[0].span.start, 300);
    assert_int_equal(s.nvars, 1);
    assert_int_equal(s.vars[0]->span.start, 306);
    assert_int_equal(s.vars[0]->span.end, 315);
    assert_int_equal(s.vars[0]->arg->span.start, 311);
}

/* A word of one unquoted literal part: the part matches the word wherever
 * the word ends up (command words, redirection targets, loop items, case
 * patterns, ${X:-...} arguments, function names, assignment values). */
static void assert_one_part(const tfl_sh_word *w, const char *value)
{
    assert_non_null(w);
    assert_string_equal(w->value, value);
    assert_int_equal(w->nparts, 1);
    assert_non_null(w->parts);
    assert_int_equal(w->parts[0].kind, TFL_SH_PART_LITERAL);
    assert_false(w->parts[0].quoted);
    assert_int_equal(w->parts[0].len, strlen(value));
    assert_memory_equal(w->parts[0].text, value, strlen(value));
    assert_int_equal(w->parts[0].span.start, w->span.start);
    assert_int_equal(w->parts[0].span.end, w->span.end);
}

static void test_shell_own_part(void **state)
{
    const char *t = "A=v cp a\\\nb >out; for i in x y; do :; done; "
                    "case k in p|q) :;; esac; echo ${X:-dflt}; f() { :; }";
    tfl_sh_script s = split(t);
    const tfl_sh_cmd *c = &s.cmds[0];
    size_t i, seen = 0;

    (void)state;
    assert_int_equal(c->nassigns, 1);
    assert_string_equal(c->assigns[0].value.value, "v");
    assert_int_equal(c->assigns[0].value.nparts, 1);
    assert_memory_equal(c->assigns[0].value.parts[0].text, "v", 1);
    assert_int_equal(c->assigns[0].value.parts[0].span.start, 2);
    assert_one_part(&c->words[0], "cp");
    assert_one_part(&c->words[1], "ab"); /* continued, still one part */
    assert_int_equal(c->words[1].span.end, 11);
    assert_int_equal(c->nredirs, 1);
    assert_one_part(&c->redirs[0].target, "out");
    for (i = 0; i < s.nblocks; i++) {
        const tfl_sh_block *b = &s.blocks[i];

        if (b->kind == TFL_SH_BLOCK_FOR_BODY) {
            assert_int_equal(b->nwords, 3);
            assert_one_part(&b->words[0], "i");
            assert_one_part(&b->words[2], "y");
            seen++;
        } else if (b->kind == TFL_SH_BLOCK_CASE_ITEM) {
            assert_int_equal(b->nwords, 3);
            assert_one_part(&b->words[0], "k");
            assert_one_part(&b->words[1], "p");
            assert_one_part(&b->words[2], "q");
            seen++;
        } else if (b->kind == TFL_SH_BLOCK_FUNCTION) {
            assert_one_part(&b->words[0], "f");
            seen++;
        }
    }
    assert_int_equal(seen, 3);
    assert_int_equal(s.nvars, 1);
    assert_one_part(s.vars[0]->arg, "dflt");
}

/* Every redirection operator: its kind, descriptor and target, the
 * longest operator winning (<<< over <<, &>> over &>). */
static void test_shell_redir_ops(void **state)
{
    static const struct {
        tfl_sh_redir_op op;
        int fd;
        const char *target;
    } want[] = {
        {TFL_SH_REDIR_IN, -1, "i"},      {TFL_SH_REDIR_OUT, -1, "o"},
        {TFL_SH_REDIR_APPEND, -1, "p"},  {TFL_SH_REDIR_HERESTR, -1, "q"},
        {TFL_SH_REDIR_RW, -1, "r"},      {TFL_SH_REDIR_DUP_IN, -1, "3"},
        {TFL_SH_REDIR_DUP_OUT, -1, "4"}, {TFL_SH_REDIR_OUT, -1, "s"},
        {TFL_SH_REDIR_DUP_OUT, -1, "t"}, {TFL_SH_REDIR_APPEND, -1, "u"},
        {TFL_SH_REDIR_OUT, 2, "v"},      {TFL_SH_REDIR_IN, 5, "w"},
        {TFL_SH_REDIR_HEREDOC, -1, "E"}};
    tfl_sh_script s = split("cat <i >o >>p <<<q <>r <&3 >&4 >|s &>t &>>u 2>v "
                            "5<w <<-E\n\tbody\nE\n");
    const tfl_sh_cmd *c = &s.cmds[0];
    size_t i;

    (void)state;
    assert_int_equal(s.ncmds, 1);
    assert_int_equal(c->nwords, 1);
    assert_int_equal(c->nredirs, sizeof want / sizeof want[0]);
    for (i = 0; i < c->nredirs; i++) {
        assert_int_equal(c->redirs[i].op, want[i].op);
        assert_int_equal(c->redirs[i].fd, want[i].fd);
        assert_string_equal(c->redirs[i].target.value, want[i].target);
    }
    assert_non_null(c->redirs[12].heredoc);
    assert_true(c->redirs[12].heredoc->strip_tabs);
    assert_true(c->redirs[12].heredoc->closed);
}

/* More commands, assignments, redirections and blocks than the first
 * buffers hold: all kept, in order. */
static void test_shell_many_items(void **state)
{
    char text[8192], *p = text;
    tfl_sh_script s;
    size_t i, k;

    (void)state;
    for (i = 0; i < 40; i++)
        p += sprintf(p,
                     "A%zu=1 B%zu=2 C%zu=3 D%zu=4 E%zu=5 c%zu >a%zu >b%zu "
                     ">c%zu >d%zu >e%zu; if t%zu; then :; fi\n",
                     i, i, i, i, i, i, i, i, i, i, i, i);
    s = split(text);
    assert_int_equal(s.ncmds, 120);
    assert_int_equal(s.nblocks, 80);
    for (i = 0; i < 40; i++) {
        const tfl_sh_cmd *c = &s.cmds[3 * i];
        char want[16];

        assert_int_equal(c->nassigns, 5);
        assert_int_equal(c->nredirs, 5);
        for (k = 0; k < 5; k++) {
            sprintf(want, "%c%zu", (int)('A' + k), i);
            assert_string_equal(c->assigns[k].name, want);
            sprintf(want, "%c%zu", (int)('a' + k), i);
            assert_string_equal(c->redirs[k].target.value, want);
            assert_ptr_equal(c->redirs[k].target.parts,
                             &c->redirs[k].target.self);
        }
        sprintf(want, "c%zu", i);
        assert_string_equal(tfl_sh_cmd_name(c), want);
        sprintf(want, "t%zu", i);
        assert_string_equal(tfl_sh_cmd_name(&s.cmds[3 * i + 1]), want);
        assert_int_equal(s.cmds[3 * i + 1].block, 2 * i);
    }
}

/* A function definition is recognised after its name has been read as a
 * command word: with blanks around the brackets too, and not when the
 * brackets hold anything or the name is followed by something else. */
static void test_shell_function_heads(void **state)
{
    const char *t = "f () { a; }; g(){ b; }; h ( ) { c; }; k -x (d); m (e)";
    tfl_sh_script s = split(t);
    const char *names[] = {"f", "g", "h"};
    size_t i, nfn = 0;

    (void)state;
    for (i = 0; i < s.nblocks; i++) {
        const tfl_sh_block *b = &s.blocks[i];

        if (b->kind != TFL_SH_BLOCK_FUNCTION)
            continue;
        assert_true(nfn < 3);
        assert_int_equal(b->nwords, 1);
        assert_string_equal(b->words[0].value, names[nfn]);
        assert_int_equal(b->words[0].span.start, off_of(t, names[nfn], 0));
        nfn++;
    }
    assert_int_equal(nfn, 3);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[0]), "a");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[1]), "b");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[2]), "c");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[3]), "k");
    assert_int_equal(s.cmds[3].nwords, 2);
    assert_int_equal(s.cmds[3].block, TFL_SH_NONE);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[4]), "d");
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[5]), "m");
    assert_int_equal(s.cmds[5].nwords, 1);
    assert_string_equal(tfl_sh_cmd_name(&s.cmds[6]), "e");
    assert_int_equal(s.ncmds, 7);
}

/* Plain values are ended in a copy of the text: the text itself, the raw
 * words and every value stay whole, also where words touch an operator or
 * close a ${...}. */
static void test_shell_values_leave_text(void **state)
{
    char text[] = "a b;c|d&&e ${X:-f}g ${Y-h}; i=j k";
    char copy[sizeof text];
    tfl_sh_script s;
    const char *want[] = {"a", "b", "c", "d", "e", NULL, NULL, "k"};
    size_t i, k, n = 0;

    (void)state;
    memcpy(copy, text, sizeof text);
    s = split(text);
    assert_memory_equal(text, copy, sizeof text);
    assert_int_equal(s.ncmds, 5);
    for (i = 0; i < s.ncmds; i++)
        for (k = 0; k < s.cmds[i].nwords; k++, n++) {
            const tfl_sh_word *w = &s.cmds[i].words[k];

            assert_true(n < 8);
            if (want[n])
                assert_string_equal(w->value, want[n]);
            assert_memory_equal(w->raw, copy + (w->raw - text), w->raw_len);
        }
    assert_int_equal(n, 8);
    assert_int_equal(s.nvars, 2);
    assert_string_equal(s.vars[0]->arg->value, "f");
    assert_string_equal(s.vars[1]->arg->value, "h");
    assert_string_equal(s.cmds[3].words[1].parts[1].text, "g");
    assert_string_equal(s.cmds[4].assigns[0].value.value, "j");
}

/* A command over several pieces of the map: its span runs from its first
 * byte to its last, as tfl_textmap_span() has it. */
static void test_shell_command_over_lines(void **state)
{
    static const char text[] = "apt-get install -y a b c && rm -rf x";
    static const tfl_piece pieces[] = {
        {0, 100, 19}, {19, 200, 2}, {21, 300, 2}, {23, 400, 13}};
    tfl_textmap map = {pieces, 4};
    tfl_sh_script s = split_map(text, sizeof text - 1, &map);
    tfl_span want0 = tfl_textmap_span(&map, 0, 24);
    tfl_span want1 = tfl_textmap_span(&map, 28, 8);

    (void)state;
    assert_int_equal(s.ncmds, 2);
    assert_int_equal(s.cmds[0].span.start, want0.start);
    assert_int_equal(s.cmds[0].span.end, want0.end);
    assert_int_equal(s.cmds[1].span.start, want1.start);
    assert_int_equal(s.cmds[1].span.end, want1.end);
    assert_int_equal(s.cmds[0].words[5].span.start, 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shell_words_and_quotes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_param_modifiers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_assignments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_prefixes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_useradd_flags, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_textmap_pieces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_if_fallback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_sh_c_spans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_substitutions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_comments_heredocs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_unbalanced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_many_ands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_deep_nesting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_plain_words, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_double_quote_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_keyword_lookalikes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_prefix_lookalikes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_span_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_own_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_binary_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_redir_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_many_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shell_function_heads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_values_leave_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shell_command_over_lines, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
