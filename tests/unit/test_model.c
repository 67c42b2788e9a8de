/*
 * The per-file model: stages, ARG and ENV scoping, lookups with their
 * origin, expansion at an instruction, and the recorded uses.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/buf.h"
#include "tflint/model.h"

typedef struct fixture {
    tfl_arena arena;
    tfl_source src;
    tfl_doc doc;
    tfl_model m;
} fixture;

static fixture *build(const char *text)
{
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    tfl_test_parse(&f->arena, &f->src, &f->doc, text, strlen(text));
    assert_int_equal(tfl_model_build(&f->arena, &f->doc, &f->m), 0);
    return f;
}

static void release(fixture *f)
{
    tfl_arena_free(&f->arena);
    free(f);
}

static const tfl_binding *look(const fixture *f, size_t instr, const char *name)
{
    return tfl_model_lookup(&f->m, instr, name, strlen(name));
}

/* Value of `name` at instruction `instr`; "<unset>" or "<none>". */
static const char *value_at(const fixture *f, size_t instr, const char *name)
{
    const tfl_binding *b = look(f, instr, name);

    if (!b)
        return "<none>";
    return b->value ? b->value : "<unset>";
}

static const char *expand_at(fixture *f, size_t instr, const char *text)
{
    tfl_expansion x;

    assert_int_equal(
        tfl_model_expand(&f->m, &f->arena, instr, text, strlen(text), &x), 0);
    return x.value;
}

static void test_model_stages(void **state)
{
    fixture *f = build("ARG TAG=3.20\n"
                       "FROM alpine:${TAG} AS Base\n"
                       "RUN true\n"
                       "FROM base AS child\n"
                       "FROM debian\n");

    (void)state;
    assert_int_equal(f->m.nstages, 3);
    assert_string_equal(f->m.stages[0].image->text, "alpine:${TAG}");
    assert_string_equal(f->m.stages[0].image_expanded, "alpine:3.20");
    assert_string_equal(f->m.stages[0].name, "base");
    assert_int_equal(f->m.stages[0].parent, -1);
    assert_int_equal(f->m.stages[0].from_instr, 1);
    assert_int_equal(f->m.stages[0].end_instr, 3);
    assert_int_equal(f->m.stages[1].parent, 0);
    assert_string_equal(f->m.stages[1].name, "child");
    assert_null(f->m.stages[2].name);
    assert_int_equal(f->m.final_stage, 2);
    assert_int_equal(tfl_model_stage_of(&f->m, 0), TFL_SCOPE_GLOBAL);
    assert_int_equal(tfl_model_stage_of(&f->m, 1), 0);
    assert_int_equal(tfl_model_stage_of(&f->m, 2), 0);
    assert_int_equal(tfl_model_stage_of(&f->m, 4), 2);
    release(f);
}

static void test_model_global_scope(void **state)
{
    fixture *f = build("ARG V=1\n"
                       "FROM alpine:$V\n"
                       "RUN true\n"
                       "ARG V\n"
                       "RUN true\n");
    const tfl_binding *b;

    (void)state;
    /* visible in FROM, invisible in the stage until re-declared */
    b = look(f, 1, "V");
    assert_non_null(b);
    assert_int_equal(b->origin, TFL_ORIGIN_GLOBAL_ARG);
    assert_string_equal(value_at(f, 2, "V"), "<none>");
    /* re-declaring without a value inherits the global default */
    b = look(f, 4, "V");
    assert_non_null(b);
    assert_int_equal(b->origin, TFL_ORIGIN_ARG);
    assert_int_equal(tfl_binding_line(&f->m, b), 4);
    assert_non_null(b->inherits);
    assert_int_equal(tfl_binding_line(&f->m, b->inherits), 1);
    assert_string_equal(b->value, "1");
    assert_null(b->raw_default);
    release(f);
}

static void test_model_platform_and_predefined(void **state)
{
    fixture *f = build("FROM --platform=$BUILDPLATFORM golang\n"
                       "RUN true\n"
                       "ARG TARGETARCH\n"
                       "RUN true\n");
    const tfl_binding *b;

    (void)state;
    b = look(f, 0, "BUILDPLATFORM");
    assert_non_null(b);
    assert_int_equal(b->origin, TFL_ORIGIN_PLATFORM);
    assert_int_equal(tfl_binding_line(&f->m, b), 0);
    assert_null(look(f, 1, "TARGETARCH"));
    assert_string_equal(value_at(f, 3, "TARGETARCH"), "amd64");
    /* PATH and the proxy ARGs exist in every stage, never in FROM */
    assert_int_equal(look(f, 1, "PATH")->origin, TFL_ORIGIN_PATH);
    assert_null(look(f, 0, "PATH"));
    assert_string_equal(value_at(f, 1, "HTTPS_PROXY"), "<unset>");
    assert_int_equal(look(f, 1, "no_proxy")->origin, TFL_ORIGIN_PROXY);
    release(f);
}

static void test_model_stage_inheritance(void **state)
{
    fixture *f = build("FROM alpine AS a\n"
                       "ARG A=1\n"
                       "ENV E=x\n"
                       "FROM a AS b\n"
                       "RUN true\n"
                       "FROM alpine AS c\n"
                       "RUN true\n"
                       "FROM b\n"
                       "RUN true\n");

    (void)state;
    assert_string_equal(value_at(f, 4, "A"), "1");
    assert_string_equal(value_at(f, 4, "E"), "x");
    assert_int_equal(look(f, 4, "A")->stage, 0);
    /* an unrelated stage shares nothing */
    assert_string_equal(value_at(f, 6, "A"), "<none>");
    /* grandchild through b */
    assert_int_equal(f->m.stages[3].parent, 1);
    assert_string_equal(value_at(f, 8, "E"), "x");
    release(f);
}

static void test_model_env_overrides_arg(void **state)
{
    fixture *f = build("FROM alpine\n"
                       "ARG V=arg\n"
                       "ENV V=env W=$V\n"
                       "RUN true\n"
                       "ARG V\n"
                       "RUN true\n");
    const tfl_binding *b;

    (void)state;
    b = look(f, 3, "V");
    assert_int_equal(b->origin, TFL_ORIGIN_ENV);
    assert_string_equal(b->value, "env");
    assert_int_equal(tfl_binding_line(&f->m, b), 3);
    /* pairs of one ENV see the values from before it */
    assert_string_equal(value_at(f, 3, "W"), "arg");
    /* a re-declaration without default keeps the current value */
    assert_string_equal(value_at(f, 5, "V"), "env");
    release(f);
}

static void test_model_arg_sees_earlier_pair(void **state)
{
    fixture *f = build("FROM alpine\n"
                       "ARG A=1 B=${A}2\n"
                       "RUN true\n");
    const tfl_binding *b;

    (void)state;
    assert_string_equal(value_at(f, 2, "B"), "12");
    b = look(f, 2, "B");
    assert_string_equal(b->raw_default, "${A}2");
    assert_int_equal(b->part, 1);
    /* the first pair is used once, by the second */
    assert_int_equal(look(f, 2, "A")->nuses, 1);
    /* before word 1 of the ARG only A exists */
    assert_non_null(tfl_model_lookup_part(&f->m, 1, 1, "A", 1));
    assert_null(tfl_model_lookup_part(&f->m, 1, 1, "B", 1));
    assert_null(tfl_model_lookup(&f->m, 1, "A", 1));
    release(f);
}

static void test_model_visible_from_own_line(void **state)
{
    fixture *f = build("FROM alpine\n"
                       "WORKDIR /$D\n"
                       "ARG D=x\n"
                       "WORKDIR /$D\n");

    (void)state;
    assert_string_equal(value_at(f, 1, "D"), "<none>");
    assert_string_equal(value_at(f, 3, "D"), "x");
    assert_string_equal(value_at(f, 2, "D"), "<none>");
    release(f);
}

static void test_model_unset_arg(void **state)
{
    fixture *f = build("FROM alpine\n"
                       "ARG NOVAL\n"
                       "RUN true\n");
    const tfl_binding *b;

    (void)state;
    b = look(f, 2, "NOVAL");
    assert_non_null(b);
    assert_null(b->value);
    assert_null(b->inherits);
    assert_int_equal(b->default_span.start, b->default_span.end);
    release(f);
}

static void test_model_expand_at(void **state)
{
    fixture *f = build("ARG BASE=alpine\n"
                       "FROM $BASE\n"
                       "ARG USER_ID=10001\n"
                       "ENV HOME=/home/app\n"
                       "USER ${USER_ID}\n");

    (void)state;
    assert_string_equal(expand_at(f, 4, "${USER_ID}:$HOME"), "10001:/home/app");
    assert_string_equal(expand_at(f, 4, "\"$BASE\""), "");
    assert_string_equal(expand_at(f, 1, "$BASE-x"), "alpine-x");
    assert_string_equal(expand_at(f, 2, "${USER_ID:-none}"), "none");
    release(f);
}

static void test_model_origin_positions(void **state)
{
    const char *text = "FROM alpine\n"
                       "ARG  USER_ID=10001\n"
                       "ENV APP_HOME=/srv\n";
    fixture *f = build(text);
    const tfl_binding *b;

    (void)state;
    b = &f->m.bindings[f->m.nbindings - 2];
    assert_string_equal(b->name, "USER_ID");
    assert_int_equal(b->name_span.start, strstr(text, "USER_ID") - text);
    assert_int_equal(b->name_span.end - b->name_span.start, 7);
    assert_int_equal(b->default_span.start, strstr(text, "10001") - text);
    assert_int_equal(b->default_span.end - b->default_span.start, 5);
    b = &f->m.bindings[f->m.nbindings - 1];
    assert_int_equal(b->origin, TFL_ORIGIN_ENV);
    assert_int_equal(b->name_span.start, strstr(text, "APP_HOME") - text);
    assert_int_equal(b->default_span.start, strstr(text, "/srv") - text);
    release(f);
}

static void test_model_uses(void **state)
{
    const char *text = "ARG TAG=1\n"
                       "FROM ubuntu:${TAG}\n"
                       "ARG NAME=x\n"
                       "RUN echo \"$NAME\" \\\n"
                       "    && echo ${TAG} \\$ESC $$\n"
                       "COPY --chown=$NAME:$NAME a /b\n";
    fixture *f = build(text);
    const tfl_use *u;

    (void)state;
    assert_int_equal(f->m.nuses, 5);
    u = &f->m.uses[0];
    assert_string_equal(u->name, "TAG");
    assert_false(u->shell);
    assert_int_equal(u->scope, TFL_SCOPE_GLOBAL);
    assert_int_equal(u->bind->origin, TFL_ORIGIN_GLOBAL_ARG);
    assert_int_equal(u->span.start, strstr(text, "${TAG}") - text);
    assert_int_equal(u->span.end - u->span.start, 6);
    u = &f->m.uses[1];
    assert_string_equal(u->name, "NAME");
    assert_true(u->shell);
    assert_int_equal(u->span.start, strstr(text, "$NAME") - text);
    /* on the continuation line, unresolved: the stage has no TAG */
    u = &f->m.uses[2];
    assert_string_equal(u->name, "TAG");
    assert_null(u->bind);
    assert_int_equal(u->span.start, strstr(text, "echo ${TAG}") + 5 - text);
    assert_int_equal(u->span.end - u->span.start, 6);
    u = &f->m.uses[3];
    assert_string_equal(u->name, "NAME");
    assert_false(u->shell);
    assert_int_equal(u->span.start, strstr(text, "=$NAME") + 1 - text);
    assert_int_equal(look(f, 4, "NAME")->nuses, 3);
    /* the stage number and the flags share one word */
    assert_true(sizeof(tfl_use) <= 2 * sizeof(void *) + 16);
    assert_true(sizeof(tfl_binding) <= 10 * sizeof(void *) + 16);
    assert_int_equal(u->scope, 0);
    assert_false(u->guarded || u->malformed);
    release(f);
}

/* Values of words the model expands itself (plain text, quotes, plain
 * references) and of those it leaves to the lexer, side by side. */
static void test_model_plain_values(void **state)
{
    fixture *f =
        build("FROM alpine\n"
              "ARG B=bee\n"
              "ENV A=\"x${B}y'q'\" C='lit$B' D=$B\"$B\"'' E=pre$B$Q\n"
              "ENV F=\"${B:-d}\" G=\"a\\\"b\" H=\xc3\xa9$B I=$B\xc3\xa9\n"
              "ENV J=$B/$ K=\"\" L=${B}${B}-${B} M=a\\$B N=\"$B\n"
              "RUN true\n");

    (void)state;
    assert_string_equal(value_at(f, 5, "A"), "xbeey'q'");
    assert_string_equal(value_at(f, 5, "C"), "lit$B");
    assert_string_equal(value_at(f, 5, "D"), "beebee");
    assert_string_equal(value_at(f, 5, "E"), "prebee");
    assert_string_equal(value_at(f, 5, "F"), "bee");
    assert_string_equal(value_at(f, 5, "G"), "a\"b");
    assert_string_equal(value_at(f, 5, "H"), "\xc3\xa9"
                                             "bee");
    /* the name goes on into the letter: unset */
    assert_string_equal(value_at(f, 5, "I"), "");
    assert_string_equal(value_at(f, 5, "J"), "bee/$");
    assert_string_equal(value_at(f, 5, "K"), "");
    assert_string_equal(value_at(f, 5, "L"), "beebee-bee");
    assert_string_equal(value_at(f, 5, "M"), "a$B");
    /* malformed: the raw text */
    assert_string_equal(value_at(f, 5, "N"), "\"$B");
    release(f);
}

/* Shell uses on continuation lines and after lines without any. */
static void test_model_shell_spans(void **state)
{
    const char *text = "FROM alpine\n"
                       "ARG B=1\n"
                       "RUN a $B \\\n"
                       "  && b \\\n"
                       "  && c ${B}x \\\n"
                       "# comment\n"
                       "  && d $Q$B\n";
    fixture *f = build(text);
    const char *at[] = {"$B \\", "${B}x", "$Q$B", "$B\n"};
    size_t i;

    (void)state;
    assert_int_equal(f->m.nuses, 4);
    for (i = 0; i < 4; i++) {
        const tfl_use *u = &f->m.uses[i];

        assert_int_equal(u->span.start, strstr(text, at[i]) - text);
        assert_int_equal(u->span.end - u->span.start, i == 1 ? 4 : 2);
        assert_true(u->shell);
    }
    assert_null(f->m.uses[2].bind);
    assert_non_null(f->m.uses[3].bind);
    release(f);
}

static void test_model_shell_escapes(void **state)
{
    /* in the shell text: \\$A \$B \\\$C x\y$D $$E ${F} */
    const char *text = "FROM alpine\n"
                       "RUN echo \\\\$A \\$B \\\\\\$C x\\y$D $$E ${F}\n";
    fixture *f = build(text);

    (void)state;
    assert_int_equal(f->m.nuses, 3);
    assert_string_equal(f->m.uses[0].name, "A");
    assert_int_equal(f->m.uses[0].span.start, strstr(text, "$A") - text);
    assert_string_equal(f->m.uses[1].name, "D");
    assert_string_equal(f->m.uses[2].name, "F");
    assert_int_equal(f->m.uses[2].span.end - f->m.uses[2].span.start, 4);
    release(f);
}

static void test_model_heredoc_uses(void **state)
{
    const char *text = "FROM alpine\n"
                       "ARG A=1\n"
                       "RUN <<EOF\n"
                       "echo $A\n"
                       "EOF\n"
                       "COPY <<'X' /f\n"
                       "$A\n"
                       "X\n";
    fixture *f = build(text);

    (void)state;
    assert_int_equal(f->m.nuses, 1);
    assert_int_equal(f->m.uses[0].span.start, strstr(text, "$A") - text);
    assert_true(f->m.uses[0].shell);
    release(f);
}

static void test_model_hostile(void **state)
{
    fixture *f = build("FROM a AS a\n"
                       "FROM a AS a\n"
                       "ARG =x \"A=${\" B=${A:?}\n"
                       "ENV ${=x\n"
                       "RUN $ ${ ${} $\n");

    (void)state;
    assert_int_equal(f->m.nstages, 2);
    assert_int_equal(f->m.stages[1].parent, 0);
    release(f);
}

/* A FROM names an earlier stage in any case, also through an ARG and
 * with a name past 63 bytes; a prefix or a name of another length is no
 * stage. */
static void test_model_stage_names(void **state)
{
    const char *text =
        "ARG B=BUILD\n"
        "FROM alpine AS build\n"
        "FROM ${B}\n"
        "FROM alpine AS a123456789b123456789c123456789d123456789e123456789"
        "f123456789g\n"
        "FROM A123456789B123456789C123456789D123456789E123456789"
        "F123456789G\n"
        "FROM a123456789b123456789c123456789d123456789e123456789f1234567\n"
        "FROM buil\n";
    fixture *f = build(text);

    (void)state;
    assert_int_equal(f->m.nstages, 6);
    assert_int_equal(f->m.stages[1].parent, 0);
    assert_int_equal(f->m.stages[3].parent, 2);
    assert_int_equal(f->m.stages[4].parent, -1);
    assert_int_equal(f->m.stages[5].parent, -1);
    release(f);
}

/* Names of every length up to 20 that differ in one byte only (first,
 * middle or last) are told apart, as are a name and its prefixes. */
static void test_model_similar_names(void **state)
{
    static const char base[] = "ABCDEFGHIJKLMNOPQRST";
    tfl_buf b;
    fixture *f;
    size_t n, k, instr = 1;

    (void)state;
    tfl_buf_init(&b, 0);
    tfl_buf_printf(&b, "FROM alpine\n");
    for (n = 1; n <= 20; n++)
        tfl_buf_printf(&b, "ARG %.*s=%zu\n", (int)n, base, n);
    /* the shell names of one RUN are compared with each other, unhashed */
    tfl_buf_printf(&b, "RUN echo");
    for (n = 1; n <= 20; n++)
        tfl_buf_printf(&b, " $%.*s $%.*sz", (int)n, base, (int)n - 1, base);
    tfl_buf_printf(&b, "\n");
    f = build(b.data);
    assert_int_equal(f->m.nuses, 40);
    for (n = 1; n <= 20; n++) {
        assert_non_null(f->m.uses[2 * n - 2].bind);
        assert_int_equal(strlen(f->m.uses[2 * n - 2].name), n);
        assert_null(f->m.uses[2 * n - 1].bind);
        assert_int_equal(f->m.uses[2 * n - 1].name[n - 1], 'z');
    }
    instr += 20;
    for (n = 1; n <= 20; n++) {
        char name[21], want[8];

        memcpy(name, base, n);
        name[n] = '\0';
        snprintf(want, sizeof want, "%zu", n);
        assert_string_equal(value_at(f, instr, name), want);
        for (k = 0; k < 3; k++) {
            size_t at = k == 0 ? 0 : k == 1 ? n / 2 : n - 1;

            name[at] = 'z';
            assert_string_equal(value_at(f, instr, name), "<none>");
            name[at] = base[at];
        }
    }
    release(f);
    tfl_buf_free(&b);
}

/* A long chain of stages and many bindings of one name: lookups through
 * the whole ancestry still find the root's value. */
static void test_model_long_chains(void **state)
{
    tfl_buf b;
    fixture *f;
    int i;

    (void)state;
    tfl_buf_init(&b, 1 << 22);
    tfl_buf_printf(&b, "FROM alpine AS s0\nARG ROOT=r\n");
    for (i = 1; i < 3000; i++)
        tfl_buf_printf(&b, "FROM s%d AS s%d\nARG V=%d\n", i - 1, i, i);
    tfl_buf_printf(&b, "RUN echo $ROOT $V\n");
    assert_false(b.failed);
    f = build(b.data);
    assert_int_equal(f->m.nstages, 3000);
    assert_int_equal(f->m.stages[2999].parent, 2998);
    assert_string_equal(value_at(f, f->doc.ninstrs - 1, "ROOT"), "r");
    assert_string_equal(value_at(f, f->doc.ninstrs - 1, "V"), "2999");
    assert_int_equal(f->m.uses[f->m.nuses - 2].bind->stage, 0);
    release(f);
    tfl_buf_free(&b);
}

/* Forty stages that each declare W, use W and V, then declare V: chains
 * long enough to be searched as arrays. Lookups at every place give what
 * the scoping rules say, the same as a walk from the newest would. */
static void test_model_indexed_chains(void **state)
{
    tfl_buf b;
    fixture *f;
    size_t i, run, from;
    char want[16];

    (void)state;
    tfl_buf_init(&b, 1 << 16);
    tfl_buf_printf(&b, "ARG V=g\n");
    for (i = 0; i < 40; i++)
        tfl_buf_printf(&b,
                       "FROM alpine:$V AS s%zu\nENV W=%zu\n"
                       "RUN echo $W $V\nARG V=%zu\nRUN true\n",
                       i, i, i);
    assert_false(b.failed);
    f = build(b.data);
    assert_int_equal(f->m.nstages, 40);
    assert_true(f->m.chains_cap > 0);
    for (i = 0; i < 40; i++) {
        const tfl_binding *later;
        size_t u;

        from = 1 + 5 * i;
        run = from + 2;
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(value_at(f, run, "W"), want);
        assert_int_equal(look(f, run, "W")->stage, (int)i);
        /* V is declared after the RUN, and the global is not seen. */
        assert_string_equal(value_at(f, run, "V"), "<none>");
        assert_string_equal(value_at(f, run + 2, "V"), want);
        /* FROM expands in the global scope. */
        assert_string_equal(expand_at(f, from, "$V"), "g");
        assert_true(tfl_model_declares(&f->m, "W", 1, (int)i));
        assert_true(tfl_model_declares(&f->m, "V", 1, (int)i));
        for (u = 0; u < f->m.nuses; u++)
            if (f->m.uses[u].instr == run &&
                strcmp(f->m.uses[u].name, "V") == 0)
                break;
        assert_true(u < f->m.nuses);
        later = tfl_model_declared_later(&f->m, &f->m.uses[u]);
        assert_non_null(later);
        assert_int_equal(later->instr, run + 1);
    }
    assert_string_equal(tfl_model_global(&f->m, "V", 1)->value, "g");
    assert_null(tfl_model_global(&f->m, "W", 1));
    assert_true(tfl_model_declares(&f->m, "V", 1, TFL_SCOPE_GLOBAL));
    assert_false(tfl_model_declares(&f->m, "W", 1, TFL_SCOPE_GLOBAL));
    assert_false(tfl_model_declares(&f->m, "W", 1, 40));
    release(f);
    tfl_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_stages),
        cmocka_unit_test(test_model_global_scope),
        cmocka_unit_test(test_model_platform_and_predefined),
        cmocka_unit_test(test_model_stage_inheritance),
        cmocka_unit_test(test_model_env_overrides_arg),
        cmocka_unit_test(test_model_arg_sees_earlier_pair),
        cmocka_unit_test(test_model_visible_from_own_line),
        cmocka_unit_test(test_model_unset_arg),
        cmocka_unit_test(test_model_expand_at),
        cmocka_unit_test(test_model_origin_positions),
        cmocka_unit_test(test_model_uses),
        cmocka_unit_test(test_model_plain_values),
        cmocka_unit_test(test_model_shell_spans),
        cmocka_unit_test(test_model_shell_escapes),
        cmocka_unit_test(test_model_heredoc_uses),
        cmocka_unit_test(test_model_hostile),
        cmocka_unit_test(test_model_stage_names),
        cmocka_unit_test(test_model_similar_names),
        cmocka_unit_test(test_model_long_chains),
        cmocka_unit_test(test_model_indexed_chains),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
