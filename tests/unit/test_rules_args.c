/*
 * The build-argument rules TF500-TF509: each one firing, staying silent,
 * its exact position and the values its message names.
 */
#include "support.h"

#include <string.h>

#include "tflint/rule.h"

typedef struct lint {
    tfl_result res;
} lint;

static void run(lint *l, const char *text)
{
    tfl_test_lint(text, &l->res);
}

static void done(lint *l)
{
    tfl_result_free(&l->res);
}

static const tfl_finding *only(lint *l, const char *id)
{
    assert_int_equal(tfl_test_count(&l->res, id), 1);
    return tfl_test_find(&l->res, id, 0);
}

static void assert_message(const tfl_finding *f, const char *want)
{
    assert_non_null(f);
    assert_string_equal(f->message, want);
}

/* --- TF500 ---------------------------------------------------------------- */

static void test_tf500_from(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM ubuntu:${TAG}\n");
    f = only(&l, "TF500");
    tfl_test_assert_span(&l.res, f, 1, 13, 1, 19);
    assert_message(f, "'$TAG' is not declared: FROM sees only the ARGs "
                      "declared before the first FROM");
    done(&l);

    run(&l, "FROM --platform=$BUILDPLATFORM golang AS b\n"
            "ARG TAG=1\n"
            "FROM ubuntu:$TAG\n");
    f = only(&l, "TF500");
    tfl_test_assert_span(&l.res, f, 3, 13, 3, 17);
    done(&l);
}

static void test_tf500_silent(void **state)
{
    lint l;

    (void)state;
    run(&l, "ARG TAG\n"
            "FROM ubuntu:${TAG:-24.04}\n"
            "ARG NAME\n"
            "ENV LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/x\n"
            "ENV P=$PATH:$HTTP_PROXY\n"
            "WORKDIR /srv/$NAME/$BASE_IMAGE_VAR\n"
            "RUN echo $UNDECLARED\n");
    assert_int_equal(tfl_test_count(&l.res, "TF500"), 0);
    done(&l);
}

static void test_tf500_other_stage(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM alpine:3.20 AS build\n"
            "ARG APP_USER=app\n"
            "FROM alpine:3.20\n"
            "WORKDIR /home/$APP_USER\n");
    f = only(&l, "TF500");
    tfl_test_assert_span(&l.res, f, 4, 15, 4, 24);
    assert_message(f, "'$APP_USER' is not declared in this stage: the ARG of "
                      "line 2 belongs to another stage, and stages share no "
                      "ARG or ENV");
    done(&l);

    /* inherited through FROM <stage>: declared */
    run(&l, "FROM alpine:3.20 AS build\n"
            "ARG APP_USER=app\n"
            "FROM build\n"
            "WORKDIR /home/$APP_USER\n");
    assert_int_equal(tfl_test_count(&l.res, "TF500"), 0);
    done(&l);
}

static void test_tf500_scratch(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM scratch\nCOPY app /\nUSER ${APP_UID}\n");
    f = only(&l, "TF500");
    tfl_test_assert_span(&l.res, f, 3, 6, 3, 16);
    assert_message(f, "'$APP_UID' is not declared: no ARG or ENV of this "
                      "stage sets it and the stage starts from scratch, so "
                      "it is empty");
    done(&l);
}

/* --- TF501 ---------------------------------------------------------------- */

static void test_tf501_fires(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "ARG VERSION=1.2.3\n"
            "FROM alpine:3.20\n"
            "RUN wget https://example.com/tool-$VERSION.tgz \\\n"
            "    && echo ${VERSION}\n"
            "LABEL version=$VERSION\n");
    assert_int_equal(tfl_test_count(&l.res, "TF501"), 3);
    f = tfl_test_find(&l.res, "TF501", 0);
    tfl_test_assert_span(&l.res, f, 3, 35, 3, 43);
    assert_message(f, "'$VERSION' is a global ARG (line 1) that this stage "
                      "does not re-declare: the shell sees it empty; add "
                      "'ARG VERSION' after the FROM");
    f = tfl_test_find(&l.res, "TF501", 1);
    tfl_test_assert_span(&l.res, f, 4, 13, 4, 23);
    f = tfl_test_find(&l.res, "TF501", 2);
    tfl_test_assert_span(&l.res, f, 5, 15, 5, 23);
    assert_message(f, "'$VERSION' is a global ARG (line 1) that this stage "
                      "does not re-declare: it is empty here; add 'ARG "
                      "VERSION' after the FROM");
    assert_int_equal(tfl_test_count(&l.res, "TF500"), 0);
    done(&l);
}

static void test_tf501_platform(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM golang:1.22\nRUN GOARCH=$TARGETARCH go build\n");
    f = only(&l, "TF501");
    tfl_test_assert_span(&l.res, f, 2, 12, 2, 23);
    assert_message(f, "'$TARGETARCH' is a predefined platform ARG, visible "
                      "only in FROM unless the stage declares it: the shell "
                      "sees it empty; add 'ARG TARGETARCH' after the FROM");
    done(&l);
}

static void test_tf501_silent(void **state)
{
    lint l;

    (void)state;
    run(&l, "ARG VERSION=1.2.3\n"
            "FROM alpine:$VERSION AS a\n"
            "ARG VERSION\n"
            "ARG TARGETARCH\n"
            "RUN echo $VERSION $TARGETARCH\n"
            "FROM a\n"
            "RUN echo $VERSION\n"
            "FROM alpine\n"
            "ENV VERSION=2\n"
            "RUN echo $VERSION\n");
    assert_int_equal(tfl_test_count(&l.res, "TF501"), 0);
    done(&l);
}

/* --- TF502 ---------------------------------------------------------------- */

static void test_tf502_fires(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM alpine:3.20\n"
            "RUN adduser -D -u \"$APP_UID\" app\n"
            "USER ${APP_UID}\n"
            "ARG APP_UID=10001\n");
    assert_int_equal(tfl_test_count(&l.res, "TF502"), 2);
    f = tfl_test_find(&l.res, "TF502", 0);
    tfl_test_assert_span(&l.res, f, 2, 20, 2, 28);
    assert_message(f, "'$APP_UID' is used before 'ARG APP_UID' (line 4) "
                      "declares it: the shell sees it empty");
    f = tfl_test_find(&l.res, "TF502", 1);
    tfl_test_assert_span(&l.res, f, 3, 6, 3, 16);
    assert_message(f, "'$APP_UID' is used before 'ARG APP_UID' (line 4) "
                      "declares it: it is empty here");
    assert_int_equal(tfl_test_count(&l.res, "TF500"), 0);
    /* and nothing after the late ARG uses it */
    assert_int_equal(tfl_test_count(&l.res, "TF509"), 1);
    done(&l);
}

static void test_tf502_silent(void **state)
{
    lint l;

    (void)state;
    run(&l, "FROM alpine:3.20 AS a\n"
            "ARG APP_UID=10001\n"
            "RUN adduser -D -u \"$APP_UID\" app\n"
            "FROM alpine:3.20\n"
            "RUN echo $LATER\n"
            "FROM alpine:3.20\n"
            "ARG LATER=1\n"
            "RUN echo $LATER\n");
    assert_int_equal(tfl_test_count(&l.res, "TF502"), 0);
    done(&l);
}

/* --- TF507 ---------------------------------------------------------------- */

static void test_tf507_fires(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM alpine:3.20\n"
            "ARG APP_UID=10001\n"
            "RUN adduser -D -u $APP_UID app\n"
            "ARG  APP_UID=1000\n"
            "USER $APP_UID\n");
    f = only(&l, "TF507");
    tfl_test_assert_span(&l.res, f, 4, 6, 4, 13);
    assert_message(f, "ARG APP_UID (line 2) is declared again with default "
                      "'1000' instead of '10001'");
    done(&l);
}

static void test_tf507_silent(void **state)
{
    lint l;

    (void)state;
    run(&l, "ARG V=1\n"
            "FROM alpine:3.20\n"
            "ARG V=2\n"
            "ARG V\n"
            "ARG V=2\n"
            "ARG P=${TARGETPLATFORM#linux/}\n"
            "ARG P=${P%%/*}\n"
            "RUN echo $V $P\n"
            "FROM alpine:3.20\n"
            "ARG V=3\n"
            "RUN echo $V\n");
    assert_int_equal(tfl_test_count(&l.res, "TF507"), 0);
    done(&l);
}

/* --- TF508 ---------------------------------------------------------------- */

static void test_tf508_fires(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM alpine:3.20\n"
            "ARG NPM_TOKEN\n"
            "ENV A=1 DB_Password=x\n"
            "ENV aws_secret_access_key y\n"
            "RUN echo $NPM_TOKEN\n");
    assert_int_equal(tfl_test_count(&l.res, "TF508"), 3);
    f = tfl_test_find(&l.res, "TF508", 0);
    tfl_test_assert_span(&l.res, f, 2, 5, 2, 14);
    assert_message(f, "ARG NPM_TOKEN (line 2) looks like a secret: its value "
                      "stays readable in the image history; use a secret "
                      "mount (RUN --mount=type=secret) instead");
    f = tfl_test_find(&l.res, "TF508", 1);
    tfl_test_assert_span(&l.res, f, 3, 9, 3, 20);
    assert_message(f, "ENV DB_Password (line 3) looks like a secret: its "
                      "value stays readable in the image configuration; use "
                      "a secret mount (RUN --mount=type=secret) instead");
    f = tfl_test_find(&l.res, "TF508", 2);
    tfl_test_assert_span(&l.res, f, 4, 5, 4, 26);
    done(&l);
}

static void test_tf508_silent(void **state)
{
    lint l;

    (void)state;
    /* public/file/version/gpg components, no whole-component match, a
     * global ARG, and a user name */
    run(&l, "ARG GLOBAL_TOKEN\n"
            "FROM alpine:3.20\n"
            "ENV GPG_KEY=0D96 PUBLIC_KEY=x KEY_FILE=/k TOKEN_VERSION=2\n"
            "ENV KEYRING=/k MONKEY=1 AUTHOR=me USERNAME=app\n"
            "ARG TOKENIZER\n"
            "RUN echo $TOKENIZER\n");
    assert_int_equal(tfl_test_count(&l.res, "TF508"), 0);
    done(&l);
}

static void test_tf508_aliases(void **state)
{
    (void)state;
    assert_string_equal(tfl_rule_lookup("DL3064")->id, "TF508");
    assert_string_equal(tfl_rule_lookup("SecretsUsedInArgOrEnv")->id, "TF508");
    assert_string_equal(tfl_rule_lookup("UndefinedArgInFrom")->id, "TF500");
    assert_string_equal(tfl_rule_lookup("unused-arg")->id, "TF509");
}

/* --- TF509 ---------------------------------------------------------------- */

static void test_tf509_fires(void **state)
{
    lint l;
    const tfl_finding *f;

    (void)state;
    run(&l, "FROM alpine:3.20\n"
            "ARG A=1  VERSION=1.2.3\n"
            "ARG TARGETARCH\n"
            "RUN echo $A\n");
    f = only(&l, "TF509");
    tfl_test_assert_span(&l.res, f, 2, 10, 2, 17);
    done(&l);

    run(&l, "FROM alpine:3.20\nARG TARGETARCH\nCMD echo $TARGETARCH\n");
    f = only(&l, "TF509");
    tfl_test_assert_span(&l.res, f, 2, 5, 2, 15);
    assert_message(f, "ARG TARGETARCH (line 2) is never used: no later "
                      "instruction of this stage or of a stage built from "
                      "it refers to it");
    done(&l);
}

static void test_tf509_silent(void **state)
{
    lint l;

    (void)state;
    run(&l, "FROM alpine:3.20 AS a\n"
            "ARG DEBIAN_FRONTEND=noninteractive\n"
            "ARG BUILDKIT_INLINE_CACHE=1\n"
            "ARG TARGETARCH\n"
            "ARG FROM_CHILD=1\n"
            "ARG IN_HEREDOC=1\n"
            "ARG IN_ARG=1 NEXT=${IN_ARG}\n"
            "ARG IN_COPY=app\n"
            "COPY --chown=$IN_COPY a /b\n"
            "ENV X=$NEXT\n"
            "RUN <<EOF\n"
            "echo \"${IN_HEREDOC}\"\n"
            "EOF\n"
            "FROM a\n"
            "RUN echo $FROM_CHILD\n");
    assert_int_equal(tfl_test_count(&l.res, "TF509"), 0);
    done(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tf500_from),
        cmocka_unit_test(test_tf500_silent),
        cmocka_unit_test(test_tf500_other_stage),
        cmocka_unit_test(test_tf500_scratch),
        cmocka_unit_test(test_tf501_fires),
        cmocka_unit_test(test_tf501_platform),
        cmocka_unit_test(test_tf501_silent),
        cmocka_unit_test(test_tf502_fires),
        cmocka_unit_test(test_tf502_silent),
        cmocka_unit_test(test_tf507_fires),
        cmocka_unit_test(test_tf507_silent),
        cmocka_unit_test(test_tf508_fires),
        cmocka_unit_test(test_tf508_silent),
        cmocka_unit_test(test_tf508_aliases),
        cmocka_unit_test(test_tf509_fires),
        cmocka_unit_test(test_tf509_silent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
