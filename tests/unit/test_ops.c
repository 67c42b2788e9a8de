/*
 * Ops: account, ownership and USER operations read out of RUN, COPY/ADD
 * and USER, their values (through ARG, ENV, --build-arg and shell
 * fallbacks) and spans, and the per-stage simulation against the base
 * image's accounts.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/facts.h"
#include "tflint/ops.h"

static tfl_facts *facts;

typedef struct fixture {
    tfl_arena arena;
    tfl_source src;
    tfl_doc doc;
    tfl_model m;
    tfl_config cfg;
    tfl_ops o;
} fixture;

static int group_setup(void **state)
{
    tfl_facts_error err;

    (void)state;
    assert_int_equal(tfl_facts_new(&facts), 0);
    assert_int_equal(tfl_facts_load_builtin(facts, &err), 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tfl_facts_free(facts);
    return 0;
}

static fixture *build_args(const char *text, const tfl_build_arg *ba,
                           size_t nba)
{
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    tfl_test_parse(&f->arena, &f->src, &f->doc, text, strlen(text));
    assert_int_equal(tfl_model_build(&f->arena, &f->doc, &f->m), 0);
    f->cfg.facts = facts;
    f->cfg.build_args = ba;
    f->cfg.nbuild_args = nba;
    assert_int_equal(tfl_ops_build(&f->arena, &f->doc, &f->m, &f->cfg, &f->o),
                     0);
    return f;
}

static fixture *build(const char *text)
{
    return build_args(text, NULL, 0);
}

static void release(fixture *f)
{
    tfl_arena_free(&f->arena);
    free(f);
}

/* The file has one chown per letter of `known`, in order, and '+' marks
 * those whose user the ops still knew ('-' those they did not). */
static void assert_owns_known(const fixture *f, const char *known)
{
    size_t i;

    assert_int_equal(f->o.nowns, strlen(known));
    for (i = 0; known[i]; i++)
        assert_int_equal(f->o.owns[i].user_known, known[i] == '+');
}

/* The source text a span covers, in a static buffer. */
static const char *at(const fixture *f, tfl_span s)
{
    static char buf[256];
    size_t n = s.end - s.start;

    assert_true(s.end >= s.start && s.end <= f->src.len);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, f->src.data + s.start, n);
    buf[n] = '\0';
    return buf;
}

static const char *txt(const tfl_value *v)
{
    return v->text ? v->text : "<unknown>";
}

/* A macro so that a failure names the line of the test. */
#define assert_pos(f, s, ln, cl)                                               \
    do {                                                                       \
        tfl_pos p_ = tfl_source_pos(&(f)->src, (s).start);                     \
        assert_int_equal(p_.line, (ln));                                       \
        assert_int_equal(p_.col, (cl));                                        \
    } while (0)

/* --- extraction ---------------------------------------------------------- */

static void test_useradd_forms(void **state)
{
    fixture *f =
        build("FROM ubuntu:22.04\n"
              "RUN useradd -u 1200 -g 100 -m a && \\\n"
              "    useradd --uid 1201 b && useradd --uid=1202 c && \\\n"
              "    useradd -lmu 1203 d && useradd -rm e && "
              "useradd -u1204 -G adm,users f\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 6);
    assert_string_equal(txt(&a[0].id), "1200");
    assert_string_equal(at(f, a[0].id.span), "1200");
    assert_pos(f, a[0].id.span, 2, 16);
    assert_string_equal(txt(&a[0].group), "100");
    assert_true(a[0].create_home);
    assert_false(a[0].user_group);
    assert_string_equal(txt(&a[0].name), "a");
    assert_string_equal(txt(&a[1].id), "1201");
    assert_pos(f, a[1].id.span, 3, 19);
    assert_string_equal(txt(&a[2].id), "1202");
    assert_string_equal(at(f, a[2].id.span), "1202");
    assert_string_equal(txt(&a[3].id), "1203");
    assert_true(a[3].no_log_init);
    assert_true(a[3].create_home);
    assert_string_equal(at(f, a[3].id.span), "1203");
    assert_pos(f, a[3].id.span, 4, 18);
    assert_true(a[4].system);
    assert_true(a[4].create_home);
    assert_string_equal(txt(&a[5].id), "1204");
    assert_string_equal(at(f, a[5].id.span), "1204");
    assert_int_equal(a[5].ngroups, 2);
    assert_string_equal(txt(&a[5].groups[0]), "adm");
    assert_string_equal(txt(&a[5].groups[1]), "users");
    assert_string_equal(at(f, a[5].groups[1].span), "users");
    assert_true(a[5].user_group);
    release(f);
}

static void test_group_tools(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN groupadd -r -g 900 svc && groupmod -n svc2 svc && "
                       "usermod -aG svc2 -u 1300 nobody && userdel games && "
                       "groupdel games\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 5);
    assert_int_equal(a[0].tool, TFL_ACCT_GROUPADD);
    assert_true(a[0].makes_group);
    assert_true(a[0].system);
    assert_string_equal(txt(&a[0].id), "900");
    assert_int_equal(a[1].tool, TFL_ACCT_GROUPMOD);
    assert_string_equal(txt(&a[1].new_name), "svc2");
    assert_string_equal(txt(&a[1].name), "svc");
    assert_int_equal(a[2].tool, TFL_ACCT_USERMOD);
    assert_string_equal(txt(&a[2].groups[0]), "svc2");
    assert_null(a[2].res.missing_group);
    assert_string_equal(txt(&a[2].id), "1300");
    assert_int_equal(a[3].tool, TFL_ACCT_USERDEL);
    assert_null(a[3].res.missing_account);
    /* userdel took the user's own group along */
    assert_int_equal(a[4].tool, TFL_ACCT_GROUPDEL);
    assert_non_null(a[4].res.missing_account);
    release(f);
}

static void test_debian_adduser(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN adduser --system --uid 990 --group --home /srv "
                       "--no-create-home svc && \\\n"
                       "    adduser --disabled-password --gecos '' --ingroup "
                       "users app && adduser app staff && "
                       "addgroup --gid 2000 team\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 4);
    assert_int_equal(a[0].tool, TFL_ACCT_DEB_ADDUSER);
    assert_true(a[0].system);
    assert_true(a[0].user_group);
    assert_false(a[0].create_home);
    assert_string_equal(txt(&a[0].id), "990");
    assert_string_equal(txt(&a[0].home), "/srv");
    assert_string_equal(txt(&a[0].name), "svc");
    assert_string_equal(txt(&a[1].group), "users");
    assert_string_equal(txt(&a[1].name), "app");
    assert_false(a[1].user_group);
    assert_true(a[1].create_home);
    assert_int_equal(a[1].res.id, 1000);
    assert_true(a[2].add_member);
    assert_string_equal(txt(&a[2].name), "app");
    assert_string_equal(txt(&a[2].groups[0]), "staff");
    assert_null(a[2].res.missing_account);
    assert_int_equal(a[3].tool, TFL_ACCT_DEB_ADDGROUP);
    assert_string_equal(txt(&a[3].id), "2000");
    assert_true(a[3].makes_group);
    release(f);
}

static void test_busybox_adduser(void **state)
{
    fixture *f = build("FROM alpine:3.20\n"
                       "RUN addgroup -S -g 1001 app && "
                       "adduser -S -D -H -h /app -s /bin/sh -g 'App user' "
                       "-G app -u 1001 app && adduser app wheel\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 3);
    assert_int_equal(a[0].tool, TFL_ACCT_BB_ADDGROUP);
    assert_string_equal(txt(&a[0].id), "1001");
    assert_int_equal(a[1].tool, TFL_ACCT_BB_ADDUSER);
    assert_string_equal(txt(&a[1].group), "app");
    assert_string_equal(txt(&a[1].id), "1001");
    assert_string_equal(txt(&a[1].home), "/app");
    assert_true(a[1].system);
    assert_false(a[1].create_home);
    assert_null(a[1].res.missing_group);
    assert_null(a[1].res.same_id);
    assert_true(a[2].add_member);
    release(f);
}

static void test_adduser_flavour_from_pm(void **state)
{
    fixture *f = build("FROM example.com/mystery:1\n"
                       "RUN apk add --no-cache curl && adduser -D -u 1001 x\n"
                       "FROM example.com/other:1\n"
                       "RUN apt-get update && adduser --uid 1001 y\n"
                       "FROM example.com/third:1\n"
                       "RUN adduser -D z\n");

    (void)state;
    assert_int_equal(f->o.naccts, 3);
    assert_int_equal(f->o.accts[0].tool, TFL_ACCT_BB_ADDUSER);
    assert_int_equal(f->o.accts[1].tool, TFL_ACCT_DEB_ADDUSER);
    assert_int_equal(f->o.accts[2].tool, TFL_ACCT_BB_ADDUSER);
    assert_int_equal(f->o.stages[0].family_id, TFL_FAMILY_ALPINE);
    assert_true(f->o.stages[0].family_guessed);
    assert_int_equal(f->o.stages[1].family_id, TFL_FAMILY_DEBIAN);
    assert_false(f->o.stages[0].accounts_known);
    assert_false(f->o.accts[0].res.accounts_known);
    release(f);
}

static void test_passwd_lines(void **state)
{
    fixture *f = build("FROM scratch\n"
                       "RUN echo 'app:x:10001:10001::/home/app:/bin/sh' >> "
                       "/etc/passwd && \\\n"
                       "    echo \"app:x:10001:\" >> /etc/group\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 2);
    assert_int_equal(a[0].tool, TFL_ACCT_PASSWD_LINE);
    assert_string_equal(txt(&a[0].name), "app");
    assert_string_equal(txt(&a[0].id), "10001");
    assert_string_equal(at(f, a[0].id.span), "10001");
    assert_string_equal(txt(&a[0].home), "/home/app");
    assert_int_equal(a[1].tool, TFL_ACCT_GROUP_LINE);
    assert_string_equal(at(f, a[1].id.span), "10001");
    assert_pos(f, a[1].id.span, 3, 17);
    release(f);
}

/* --- values ----------------------------------------------------------------
 */

static void test_values_arg_env(void **state)
{
    fixture *f = build("FROM ubuntu:22.04\n"
                       "ARG USER_ID=1001\n"
                       "ENV GID=2002\n"
                       "RUN useradd -u ${USER_ID} -g \"$GID\" tf\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 1);
    assert_string_equal(txt(&a[0].id), "1001");
    assert_string_equal(at(f, a[0].id.span), "${USER_ID}");
    assert_non_null(a[0].id.binding);
    assert_string_equal(a[0].id.binding->name, "USER_ID");
    assert_false(a[0].id.from_build_arg);
    assert_string_equal(tfl_value_origin(&f->arena, &f->m, &a[0].id),
                        " (default of ARG USER_ID, line 2)");
    assert_string_equal(txt(&a[0].group), "2002");
    assert_int_equal(a[0].group.binding->origin, TFL_ORIGIN_ENV);
    release(f);
}

static void test_values_build_arg(void **state)
{
    static const tfl_build_arg ba[] = {{"USER_ID", "4242"}};
    fixture *f = build_args("FROM ubuntu:22.04\n"
                            "ARG USER_ID=1001\n"
                            "RUN useradd -u $USER_ID tf\n",
                            ba, 1);

    (void)state;
    assert_string_equal(txt(&f->o.accts[0].id), "4242");
    assert_true(f->o.accts[0].id.from_build_arg);
    assert_string_equal(tfl_value_origin(&f->arena, &f->m, &f->o.accts[0].id),
                        " (--build-arg USER_ID)");
    release(f);
}

static void test_values_shell_fallbacks(void **state)
{
    fixture *f = build("FROM ubuntu:22.04\n"
                       "ARG U\n"
                       "ARG G=5\n"
                       "RUN U=${U:-1001} && if [ -z \"$G\" ]; then G=7; fi && "
                       "if [ -z \"$H\" ]; then H=9; fi && "
                       "useradd -u $U -g $G -G $H x && "
                       "X=$(id -u) && useradd -u \"$X\" y\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 2);
    assert_string_equal(txt(&a[0].id), "1001");
    assert_true(a[0].id.from_shell);
    assert_string_equal(a[0].id.binding->name, "U");
    assert_string_equal(txt(&a[0].group), "5");
    assert_string_equal(txt(&a[0].groups[0]), "9");
    assert_null(a[1].id.text);
    assert_string_equal(at(f, a[1].id.span), "$X");
    release(f);
}

static void test_values_unknown_env(void **state)
{
    fixture *f = build("FROM ubuntu:22.04\n"
                       "RUN useradd -u $NB_UID -g ${NB_GID:-100} x\n"
                       "USER $NB_UID\n");

    (void)state;
    assert_null(f->o.accts[0].id.text);
    assert_true(f->o.accts[0].id.from_env);
    assert_string_equal(txt(&f->o.accts[0].group), "100");
    assert_null(f->o.users[0].user.text);
    assert_true(f->o.users[0].user_known);
    release(f);
}

static void test_heredoc_and_sh_c(void **state)
{
    fixture *f = build("FROM ubuntu:22.04\n"
                       "RUN <<EOF\n"
                       "set -e\n"
                       "  useradd -u 1500 hd\n"
                       "EOF\n"
                       "RUN [\"sh\", \"-c\", \"useradd -u 1501 ex\"]\n"
                       "RUN sh -c 'groupadd -g 1502 nested'\n"
                       "RUN python3 <<EOF\n"
                       "useradd -u 1503 not_shell\n"
                       "EOF\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 3);
    assert_string_equal(at(f, a[0].id.span), "1500");
    assert_pos(f, a[0].id.span, 4, 14);
    assert_string_equal(at(f, a[1].id.span), "1501");
    assert_pos(f, a[1].id.span, 6, 30);
    assert_string_equal(at(f, a[2].id.span), "1502");
    assert_pos(f, a[2].id.span, 7, 24);
    release(f);
}

static void test_sudo(void **state)
{
    fixture *f = build("FROM ubuntu:22.04\n"
                       "RUN apt-get update && sudo -E apt-get install -y x\n");

    (void)state;
    assert_int_equal(f->o.nsudos, 1);
    assert_string_equal(at(f, f->o.sudos[0].span), "sudo");
    assert_pos(f, f->o.sudos[0].span, 2, 23);
    release(f);
}

static void test_tolerated_conditional(void **state)
{
    fixture *f = build("FROM ubuntu:24.04\n"
                       "RUN groupadd -g 1000 a || true\n"
                       "RUN getent passwd 1000 || useradd -u 1000 b\n"
                       "RUN useradd -u 1000 c && echo ok || echo failed\n"
                       "RUN useradd -u 1000 d; true\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 4);
    assert_true(a[0].tolerated);
    assert_false(a[0].conditional);
    assert_true(a[1].conditional);
    assert_true(a[2].tolerated);
    assert_false(a[3].tolerated);
    assert_false(a[3].conditional);
    release(f);
}

/* --- ownership ---------------------------------------------------------------
 */

static void test_chown_forms(void **state)
{
    fixture *f =
        build("FROM debian:12\n"
              "ARG G=staff\n"
              "RUN mkdir -p /app/data && chown -R www-data:${G} /app/data "
              "/srv && \\\n"
              "    chown nobody: /a && chown :users /b && "
              "chown daemon.bin /c && chown --recursive 1000:1000 /d "
              "&& \\\n"
              "    chown --reference=/x /y && chgrp -R adm /e && "
              "chmod -R u+rwX,o-w /f && chmod 0755 /g && "
              "chmod -x /h\n"
              "COPY --chown=app:app --chmod=644 a.txt /opt/\n");
    const tfl_own_op *o = f->o.owns;

    (void)state;
    assert_int_equal(f->o.nowns, 10);
    assert_string_equal(txt(&o[0].user), "www-data");
    assert_string_equal(at(f, o[0].user.span), "www-data");
    assert_string_equal(txt(&o[0].group), "staff");
    assert_string_equal(at(f, o[0].group.span), "${G}");
    assert_string_equal(o[0].group.binding->name, "G");
    assert_true(o[0].recursive);
    assert_int_equal(o[0].npaths, 2);
    assert_true(o[0].created_here[0]);
    assert_false(o[0].created_here[1]);
    assert_true(o[0].user_known && o[0].group_known);
    assert_string_equal(txt(&o[1].user), "nobody");
    assert_null(o[1].group.raw);
    assert_null(o[2].user.raw);
    assert_string_equal(txt(&o[2].group), "users");
    assert_string_equal(txt(&o[3].user), "daemon");
    assert_string_equal(txt(&o[3].group), "bin");
    assert_true(o[4].recursive);
    assert_string_equal(txt(&o[4].user), "1000");
    assert_true(o[4].user_known);
    assert_int_equal(o[5].kind, TFL_OWN_CHGRP);
    assert_string_equal(txt(&o[5].group), "adm");
    assert_int_equal(o[6].kind, TFL_OWN_CHMOD);
    assert_string_equal(txt(&o[6].mode), "u+rwX,o-w");
    assert_true(o[6].recursive);
    assert_string_equal(txt(&o[7].mode), "0755");
    assert_string_equal(txt(&o[8].mode), "-x");
    assert_int_equal(o[9].kind, TFL_OWN_COPY);
    assert_string_equal(txt(&o[9].user), "app");
    assert_string_equal(at(f, o[9].user.span), "app");
    assert_pos(f, o[9].user.span, 6, 14);
    assert_string_equal(txt(&o[9].mode), "644");
    assert_false(o[9].user_known);
    assert_string_equal(txt(&o[9].paths[0]), "/opt/");
    release(f);
}

static void test_created_here(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN git clone https://x/repo.git && chown -R 1:1 repo "
                       "&& \\\n"
                       "    tar -xzf a.tgz -C /opt/t && chown -R 1 /opt/t/sub "
                       "&& \\\n"
                       "    useradd -m u && chown u /home/u && "
                       "curl -o /tmp/f x && chmod +x /tmp/f && "
                       "chown 1 /var/lib\n");
    const tfl_own_op *o = f->o.owns;

    (void)state;
    assert_int_equal(f->o.nowns, 5);
    assert_true(o[0].created_here[0]);
    assert_true(o[1].created_here[0]);
    assert_true(o[2].created_here[0]);
    assert_true(o[3].created_here[0]);
    assert_false(o[4].created_here[0]);
    release(f);
}

/* --- USER --------------------------------------------------------------------
 */

static void test_user_values(void **state)
{
    fixture *f = build("FROM ubuntu:24.04\n"
                       "ARG U=ubuntu\n"
                       "USER ${U}:users\n"
                       "USER 0\n"
                       "FROM ubuntu:24.04 AS b\n"
                       "USER ghost\n");
    const tfl_user_op *u = f->o.users;

    (void)state;
    assert_int_equal(f->o.nusers, 3);
    assert_string_equal(txt(&u[0].user), "ubuntu");
    assert_string_equal(at(f, u[0].user.span), "${U}");
    assert_string_equal(u[0].user.binding->name, "U");
    assert_string_equal(txt(&u[0].group), "users");
    assert_string_equal(at(f, u[0].group.span), "users");
    assert_true(u[0].user_known);
    assert_non_null(u[0].account);
    assert_int_equal(u[0].account->id, 1000);
    assert_true(u[1].root);
    assert_false(u[2].user_known);
    assert_ptr_equal(f->o.stages[0].last_user, &u[1]);
    assert_ptr_equal(tfl_ops_user_at(&f->o, 3), &u[0]);
    assert_null(tfl_ops_user_at(&f->o, 1));
    release(f);

    /* A stage built FROM another starts with that one's last USER. */
    f = build("ARG X=1\n"
              "FROM ubuntu:24.04 AS a\n"
              "USER 1000\n"
              "FROM ubuntu:24.04\n"
              "RUN true\n"
              "FROM a\n"
              "RUN true\n"
              "USER 0\n"
              "RUN true\n");
    assert_int_equal(f->o.nusers, 2);
    assert_null(tfl_ops_user_at(&f->o, 0)); /* before every FROM */
    assert_null(tfl_ops_user_at(&f->o, 2)); /* the USER itself */
    assert_null(tfl_ops_user_at(&f->o, 3));
    assert_null(tfl_ops_user_at(&f->o, 4));
    assert_ptr_equal(tfl_ops_user_at(&f->o, 5), &f->o.users[0]);
    assert_ptr_equal(tfl_ops_user_at(&f->o, 6), &f->o.users[0]);
    assert_ptr_equal(tfl_ops_user_at(&f->o, 7), &f->o.users[0]);
    assert_ptr_equal(tfl_ops_user_at(&f->o, 8), &f->o.users[1]);
    assert_ptr_equal(f->o.stages[2].last_user, &f->o.users[1]);
    release(f);
}

/* --- simulation
 * ------------------------------------------------------------------ */

static void test_base_accounts(void **state)
{
    fixture *f = build("FROM ubuntu:24.04\n"
                       "RUN useradd -u 1000 a && groupadd -g 1000 g && "
                       "useradd ubuntu\n"
                       "FROM node:20\n"
                       "RUN useradd -u 1000 b && groupadd node\n"
                       "FROM ubuntu:22.04\n"
                       "RUN useradd -u 1000 c\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 6);
    assert_true(a[0].res.accounts_known);
    assert_non_null(a[0].res.same_id);
    assert_string_equal(a[0].res.same_id->name, "ubuntu");
    assert_null(a[0].res.same_id->op);
    assert_non_null(a[1].res.same_id);
    assert_string_equal(a[1].res.same_id->name, "ubuntu");
    assert_non_null(a[2].res.same_name);
    assert_non_null(a[3].res.same_id);
    assert_string_equal(a[3].res.same_id->name, "node");
    assert_non_null(a[4].res.same_name);
    assert_null(a[5].res.same_id);
    release(f);
}

static void test_id_picking(void **state)
{
    fixture *f = build("FROM ubuntu:24.04\n"
                       "RUN useradd a && useradd -r b && useradd -r c && "
                       "groupadd g && groupadd -r h\n"
                       "FROM debian:12\n"
                       "RUN adduser --system s && adduser --system t && "
                       "adduser --disabled-password p && addgroup q\n"
                       "FROM alpine:3.20\n"
                       "RUN adduser -D x && adduser -S -D y && addgroup z && "
                       "adduser -D -u 999 w\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 13);
    assert_int_equal(a[0].res.id, 1001); /* ubuntu has 1000 */
    assert_true(a[0].res.picked);
    assert_int_equal(a[0].res.group_id, 1001);
    assert_int_equal(a[1].res.id, 999);
    assert_int_equal(a[2].res.id, 998);
    assert_int_equal(a[3].res.id, 1002); /* groups 1000, 1001 taken */
    assert_int_equal(a[4].res.id, 997);  /* 999, 998: b's and c's groups */
    assert_int_equal(a[5].res.id, 100);
    assert_int_equal(a[6].res.id, 101);
    assert_int_equal(a[7].res.id, 1000);
    assert_int_equal(a[8].res.id, 1001);
    assert_int_equal(a[9].res.id, 1000);
    assert_int_equal(a[9].res.group_id, 1000);
    assert_int_equal(a[10].res.id, 100);
    assert_int_equal(a[11].res.id, 1001);
    /* BusyBox wants GID 999 for w's group: Alpine's ping has it. */
    assert_int_equal(a[12].res.id, 999);
    assert_non_null(a[12].res.same_gid);
    assert_string_equal(a[12].res.same_gid->name, "ping");
    release(f);
}

/* BusyBox adduser wants an ID free as a UID and as a GID: the groups
 * ahead push it up, many in a row go on from there, and a deleted group
 * frees its ID for the next one. */
static void test_id_picking_in_both(void **state)
{
    fixture *f = build("FROM alpine:3.20\n"
                       "RUN addgroup g1 && addgroup g2\n"
                       "RUN adduser -D x0 && adduser -D x1 && adduser -D x2\n"
                       "RUN delgroup g1 && adduser -D y\n"
                       "RUN adduser -D z\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 8);
    assert_int_equal(a[0].res.id, 1000);
    assert_int_equal(a[1].res.id, 1001);
    assert_int_equal(a[2].res.id, 1002); /* GIDs 1000 and 1001 are taken */
    assert_int_equal(a[2].res.group_id, 1002);
    assert_int_equal(a[3].res.id, 1003);
    assert_int_equal(a[4].res.id, 1004);
    assert_int_equal(a[6].res.id, 1000); /* g1's GID is free again */
    assert_int_equal(a[7].res.id, 1005);
    release(f);
}

static void test_user_groups_and_missing(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN groupadd app && useradd app\n"
                       "RUN useradd -g nosuch x && useradd -G adm,nosuch2 y && "
                       "useradd -N z\n"
                       "RUN usermod -aG docker y && userdel ghost\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 7);
    assert_non_null(a[1].res.same_group_name);
    assert_non_null(a[2].res.missing_group);
    assert_string_equal(txt(a[2].res.missing_group), "nosuch");
    assert_string_equal(txt(a[3].res.missing_group), "nosuch2");
    assert_int_equal(a[4].res.gid, 100);
    assert_false(a[4].user_group);
    assert_string_equal(txt(a[5].res.missing_group), "docker");
    assert_string_equal(txt(a[6].res.missing_account), "ghost");
    release(f);
}

static void test_stage_inheritance(void **state)
{
    fixture *f = build("FROM ubuntu:22.04 AS base\n"
                       "RUN groupadd -g 1500 g && useradd -u 1500 -g g u\n"
                       "USER u\n"
                       "FROM base AS child\n"
                       "RUN useradd -u 1500 v && userdel u\n"
                       "RUN chown u /x\n"
                       "FROM base\n"
                       "USER u\n");
    const tfl_acct_op *a = f->o.accts;
    const tfl_stage_info *s = f->o.stages;

    (void)state;
    assert_int_equal(f->o.nstages, 3);
    assert_non_null(a[2].res.same_id);
    assert_string_equal(a[2].res.same_id->name, "u");
    assert_ptr_equal(a[2].res.same_id->op, &a[1]);
    assert_false(f->o.owns[0].user_known);
    assert_true(f->o.users[1].user_known);
    assert_ptr_equal(s[1].last_user, &f->o.users[0]);
    assert_false(s[1].base_runs_as_root);
    assert_true(s[0].base_runs_as_root);
    assert_ptr_equal(s[1].base_facts, s[0].base_facts);
    assert_non_null(tfl_stage_account(&s[0], "u", false));
    /* The child's userdel leaves the parent's account as it was. */
    assert_false(a[1].res.account->deleted);
    assert_true(a[3].res.account->deleted);
    assert_null(tfl_stage_account(&s[1], "u", false));
    assert_non_null(tfl_stage_account(&s[2], "u", false));
    release(f);
}

/* A stage that only adds accounts lists them after the ones it started
 * from (base_accounts); one that deletes a shared one, or starts from
 * such a list, gets a full list. Lookups find the same either way. */
static void test_stage_account_lists(void **state)
{
    fixture *f = build("FROM debian:12 AS base\n"
                       "RUN groupadd -g 1500 g && useradd -u 1500 -g g u\n"
                       "FROM base AS child\n"
                       "RUN useradd -u 1600 w\n"
                       "FROM debian:12\n"
                       "RUN userdel games\n");
    const tfl_stage_info *s = f->o.stages;

    (void)state;
    assert_int_equal(f->o.nstages, 3);
    assert_non_null(s[0].base_accounts);
    assert_true(s[0].nbase_accounts > 2);
    assert_int_equal(s[0].naccounts, 2);
    assert_true(s[0].accounts[0]->group);
    assert_non_null(tfl_stage_account(&s[0], "root", false));
    assert_non_null(tfl_stage_account(&s[0], "u", false));
    assert_non_null(tfl_stage_account(&s[0], "g", true));
    assert_null(tfl_stage_account(&s[0], "g", false));
    assert_null(s[1].base_accounts);
    assert_non_null(tfl_stage_account(&s[1], "root", false));
    assert_non_null(tfl_stage_account(&s[1], "u", false));
    assert_non_null(tfl_stage_account(&s[1], "w", false));
    assert_null(s[2].base_accounts);
    assert_null(tfl_stage_account(&s[2], "games", false));
    assert_non_null(tfl_stage_account(&s[2], "root", true));
    assert_non_null(tfl_stage_account(&s[2], "root", false));
    assert_null(tfl_stage_account(&s[2], "u", false));
    release(f);
}

static void test_unknown_base(void **state)
{
    fixture *f = build("FROM example.com/x:1\n"
                       "RUN useradd -g nosuch -u 1000 a\n"
                       "USER ghost\n");

    (void)state;
    assert_false(f->o.accts[0].res.accounts_known);
    assert_null(f->o.accts[0].res.missing_group);
    assert_true(f->o.users[0].user_known);
    assert_null(f->o.stages[0].base_facts);
    assert_true(f->o.stages[0].base_runs_as_root);
    release(f);
}

static void test_unseen_changes(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN apt-get install -y curl git && chown app /a\n"
                       "RUN apt-get install -y exim4 && chown Debian-exim /b\n"
                       "FROM debian:12\n"
                       "RUN ./setup.sh && chown app /c\n"
                       "FROM golang:1.22 AS b\n"
                       "FROM scratch\n"
                       "COPY --from=b /etc/passwd /etc/passwd\n"
                       "USER app\n"
                       "FROM ubuntu:24.04\n"
                       "RUN userdel -r ubuntu && groupadd -g 1000 a && "
                       "useradd -u 1000 -g a a\n"
                       "FROM ubuntu:24.04\n"
                       "RUN userdel \"$(id -un 1000)\" && useradd -u 1000 j\n");
    const tfl_own_op *o = f->o.owns;

    (void)state;
    assert_int_equal(f->o.nowns, 3);
    assert_false(o[0].user_known); /* curl and git make no accounts */
    assert_true(o[1].user_known);  /* exim4's scripts may */
    assert_true(o[2].user_known);  /* so may a script */
    assert_true(f->o.users[0].user_known);
    assert_null(f->o.accts[1].res.same_id); /* ubuntu's group went too */
    assert_null(f->o.accts[2].res.same_id);
    assert_null(f->o.accts[4].res.same_id);
    release(f);
}

static void test_tools_installed(void **state)
{
    fixture *f = build("FROM alpine:3.20\n"
                       "RUN useradd a && apk add shadow && useradd b\n"
                       "FROM debian:13\n"
                       "RUN adduser c && apt-get install -y moby-engine && "
                       "adduser d\n");
    const tfl_acct_op *a = f->o.accts;

    (void)state;
    assert_int_equal(f->o.naccts, 4);
    assert_false(a[0].tool_installed);
    assert_true(a[1].tool_installed);
    assert_int_equal(a[2].tool, TFL_ACCT_DEB_ADDUSER);
    assert_false(a[2].tool_installed);
    assert_true(a[3].tool_installed);
    release(f);
}

static void test_hostile(void **state)
{
    size_t n = 20000, i;
    char *t = malloc(n * 40 + 64), *p = t;
    fixture *f;

    (void)state;
    assert_non_null(t);
    p += sprintf(p, "FROM ubuntu:22.04\nRUN true");
    for (i = 0; i < n; i++)
        p += sprintf(p, " && \\\n useradd u%zu", i);
    *p++ = '\n';
    *p = '\0';
    f = build(t);
    assert_int_equal(f->o.naccts, n);
    assert_int_equal(f->o.accts[n - 1].res.id, 1000 + n - 1);
    release(f);

    /* Thousands of loop variables: the RUN's variable table must hold
     * them all (it once filled up and the lookup never ended). */
    p = t + sprintf(t, "FROM ubuntu:22.04\nRUN true");
    for (i = 0; i < 3000; i++)
        p += sprintf(p, " && \\\n for v%zu in a; do :; done", i);
    sprintf(p, " && useradd -u $v7 x\n");
    f = build(t);
    assert_int_equal(f->o.naccts, 1);
    assert_null(f->o.accts[0].id.text);
    release(f);
    free(t);
}

/* RUNs with none of the names the ops look for are not split; names
 * hidden by quotes, escapes, $'...' and `sh -c` must still be seen. */
static void test_unsplit_runs(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN echo hi && make -j2 >/dev/null\n"
                       "RUN us\"\"eradd -u 1001 a\n"
                       "RUN su\\do true && $'ch'own a /p\n"
                       "RUN sh -c \"gr''oupadd g\"\n"
                       "RUN <<EOF\nu\\\nseradd b\nEOF\n");

    (void)state;
    assert_int_equal(f->o.run_split[1], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[2], TFL_OPS_SPLIT_ALL);
    assert_int_equal(f->o.naccts, 3);
    assert_string_equal(f->o.accts[0].name.text, "a");
    assert_string_equal(f->o.accts[1].name.text, "g");
    assert_string_equal(f->o.accts[2].name.text, "b");
    assert_int_equal(f->o.nsudos, 1);
    assert_int_equal(f->o.nowns, 1);
    release(f);

    /* A script run by a shell makes the accounts unknown: the shell's
     * name counts as a word after a '/', after quotes, and after a
     * comment whose line ends in a backslash. */
    f = build("FROM debian:12\n"
              "RUN true && chown ghost /a\n"
              "FROM debian:12\n"
              "RUN /bin/\"b\"ash x\n"
              "RUN chown ghost /a\n"
              "FROM debian:12\n"
              "RUN <<EOF\n"
              "# note\\\n"
              "sh x\n"
              "EOF\n"
              "RUN chown ghost /a\n"
              "FROM debian:12\n"
              "RUN bashx y; zsh_x; chown ghost /a\n");
    assert_owns_known(f, "-++-");
    release(f);
}

/* RUNs naming a package manager or a script but no account tool are read
 * only when asked: for the tools installed before an account tool (also
 * through a chain of FROM <stage>), and for whether the accounts are
 * still known when something later looks. */
static void test_deferred_runs(void **state)
{
    fixture *f = build("FROM alpine:3.20\n"
                       "RUN apk add curl\n"
                       "RUN apk add --no-cache login\n"
                       "RUN useradd x\n"
                       "FROM alpine:3.20 AS b\n"
                       "RUN apk add login\n"
                       "FROM b AS c\n"
                       "RUN apk add curl\n"
                       "FROM c\n"
                       "RUN useradd y\n"
                       "FROM alpine:3.20\n"
                       "RUN apk add curl\n"
                       "RUN useradd z\n");

    (void)state;
    assert_int_equal(f->o.naccts, 3);
    assert_int_equal(f->o.run_split[1], TFL_OPS_SPLIT_NONE);
    assert_true(f->o.accts[0].tool_installed);
    assert_true(f->o.accts[1].tool_installed);
    assert_false(f->o.accts[2].tool_installed);
    release(f);

    f = build("FROM debian:12\n"
              "RUN apt-get install -y moby-engine\n"
              "RUN chown ghost /a\n"
              "FROM debian:12\n"
              "RUN apt-get install -y curl && ls\n"
              "RUN chown ghost /a\n"
              "FROM debian:12 AS p\n"
              "RUN ./install.sh\n"
              "FROM p\n"
              "RUN chown ghost /a\n"
              "FROM debian:12\n"
              "RUN chown ghost /a\n"
              "RUN bash /x\n"
              "USER ghost\n"
              "FROM example.com/unknown\n"
              "RUN apk add curl\n");
    assert_owns_known(f, "+-+-");
    assert_int_equal(f->o.nusers, 1);
    assert_true(f->o.users[0].user_known);
    assert_int_equal(f->o.stages[5].family_id, TFL_FAMILY_ALPINE);
    assert_true(f->o.stages[5].family_guessed);
    release(f);
}

/* The first look at a RUN, 16 bytes a step, must find an account name
 * wherever it lies (across steps, in the last bytes, with quotes, '$'
 * and line continuations inside), also after a package manager. */
static void test_names_anywhere(void **state)
{
    static const char *const forms[] = {
        "chown a /x",   "ch\"o\"wn a /x",      "cho\\\nwn a /x",
        "c'h'own a /x", "us''eradd -u 1001 a", "sudo true",
    };
    char text[512], pad[64];
    size_t f, k;

    (void)state;
    for (f = 0; f < sizeof forms / sizeof forms[0]; f++)
        for (k = 0; k < 40; k++) {
            fixture *fx;

            memset(pad, 'x', k);
            pad[k] = '\0';
            snprintf(text, sizeof text,
                     "FROM debian:12\n"
                     "RUN apt-get install -y curl && echo %s; %s\n",
                     pad, forms[f]);
            fx = build(text);
            assert_int_equal(fx->o.run_split[1], TFL_OPS_SPLIT_ALL);
            assert_int_equal(fx->o.nowns + fx->o.naccts + fx->o.nsudos, 1);
            release(fx);
        }

    /* A stage whose family is open also looks for package managers. */
    {
        fixture *fx = build("FROM example.com/unknown\n"
                            "RUN echo one two three four five; a\"p\"k add x\n"
                            "FROM example.com/unknown\n"
                            "RUN echo one two three four five six seven\n");

        assert_int_equal(fx->o.stages[0].family_id, TFL_FAMILY_ALPINE);
        assert_int_equal(fx->o.run_split[1], TFL_OPS_SPLIT_ALL);
        assert_int_equal(fx->o.stages[1].family_id, TFL_FAMILY_UNKNOWN);
        assert_int_equal(fx->o.run_split[3], TFL_OPS_SPLIT_NONE);
        release(fx);
    }
}

/* A part of a name ("user" in an option, "passwd" in another file,
 * "apt" in a path, "dnf" in "tdnf") splits no RUN; the whole names do,
 * after a '/' too. A RUN that starts with a package manager gives the
 * family guess unsplit, unless what follows its name could make it
 * something else. A $' inside single quotes counts as no ANSI-C string. */
static void test_whole_names(void **state)
{
    fixture *f = build("FROM debian:12\n"
                       "RUN make --with-fpm-user=www-data\n"
                       "RUN cp x ~/.vnc/passwd && sed -i s/a/b/ /etc/sudoers\n"
                       "RUN grep -q '^yes$' f && sed 's/\\1/x/' g\n"
                       "RUN /usr/sbin/useradd -u 1001 a\n"
                       "RUN echo $'\\x41' x\n");

    (void)state;
    assert_int_equal(f->o.run_split[1], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[2], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[3], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[4], TFL_OPS_SPLIT_ALL);
    assert_int_equal(f->o.run_split[5], TFL_OPS_SPLIT_ALL);
    assert_int_equal(f->o.naccts, 1);
    release(f);

    f = build("FROM example.com/unknown\n"
              "RUN tdnf install -y x && rm -rf /var/lib/apt/lists/*\n"
              "RUN set -eux; apk add y\n"
              "RUN adduser -D z\n"
              "FROM example.com/unknown\n"
              "RUN apt-get () { :; }; apk add x\n"
              "RUN adduser -D w\n");
    assert_int_equal(f->o.run_split[1], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[2], TFL_OPS_SPLIT_NONE);
    assert_int_equal(f->o.run_split[5], TFL_OPS_SPLIT_ALL);
    assert_int_equal(f->o.stages[0].family_id, TFL_FAMILY_ALPINE);
    assert_true(f->o.stages[0].family_guessed);
    assert_int_equal(f->o.stages[1].family_id, TFL_FAMILY_ALPINE);
    assert_int_equal(f->o.naccts, 2);
    assert_int_equal(f->o.accts[0].tool, TFL_ACCT_BB_ADDUSER);
    assert_int_equal(f->o.accts[1].tool, TFL_ACCT_BB_ADDUSER);
    release(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_useradd_forms),
        cmocka_unit_test(test_stage_account_lists),
        cmocka_unit_test(test_group_tools),
        cmocka_unit_test(test_debian_adduser),
        cmocka_unit_test(test_busybox_adduser),
        cmocka_unit_test(test_adduser_flavour_from_pm),
        cmocka_unit_test(test_passwd_lines),
        cmocka_unit_test(test_values_arg_env),
        cmocka_unit_test(test_values_build_arg),
        cmocka_unit_test(test_values_shell_fallbacks),
        cmocka_unit_test(test_values_unknown_env),
        cmocka_unit_test(test_heredoc_and_sh_c),
        cmocka_unit_test(test_sudo),
        cmocka_unit_test(test_tolerated_conditional),
        cmocka_unit_test(test_chown_forms),
        cmocka_unit_test(test_created_here),
        cmocka_unit_test(test_user_values),
        cmocka_unit_test(test_base_accounts),
        cmocka_unit_test(test_id_picking),
        cmocka_unit_test(test_id_picking_in_both),
        cmocka_unit_test(test_user_groups_and_missing),
        cmocka_unit_test(test_stage_inheritance),
        cmocka_unit_test(test_unknown_base),
        cmocka_unit_test(test_unseen_changes),
        cmocka_unit_test(test_tools_installed),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_unsplit_runs),
        cmocka_unit_test(test_deferred_runs),
        cmocka_unit_test(test_names_anywhere),
        cmocka_unit_test(test_whole_names),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
