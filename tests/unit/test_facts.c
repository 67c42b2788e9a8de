/*
 * Base-image facts: the built-in data parses, lookups give the facts the
 * research notes state for each image family, user files report errors by
 * line and leave the table as it was, and damaged input never crashes.
 */
#include "support.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflint/facts.h"

static tfl_facts *facts; /* the built-in table, shared by the lookups */

static int setup_builtin(void **state)
{
    tfl_facts_error err;

    (void)state;
    if (tfl_facts_new(&facts) != 0)
        return -1;
    memset(&err, 0, sizeof err);
    if (tfl_facts_load_builtin(facts, &err) != 0) {
        print_error("%s:%u: %s\n", err.origin, err.line, err.message);
        return -1;
    }
    return 0;
}

static int teardown_builtin(void **state)
{
    (void)state;
    tfl_facts_free(facts);
    facts = NULL;
    return 0;
}

/* Look `ref` up and fail the test when it is unknown. */
static const tfl_facts_image *get(const char *ref)
{
    const tfl_facts_image *img = tfl_facts_lookup(facts, ref);

    if (!img)
        fail_msg("'%s' is unknown", ref);
    return img;
}

static void assert_user(const tfl_facts_image *img, const char *name,
                        uint32_t uid, uint32_t gid)
{
    const tfl_facts_user *u = tfl_facts_user_by_name(img, name);

    if (!u)
        fail_msg("%s: no user '%s'", img->name, name);
    assert_int_equal(u->uid, uid);
    assert_int_equal(u->gid, gid);
}

static void assert_group(const tfl_facts_image *img, const char *name,
                         uint32_t gid)
{
    const tfl_facts_group *g = tfl_facts_group_by_name(img, name);

    if (!g)
        fail_msg("%s: no group '%s'", img->name, name);
    assert_int_equal(g->gid, gid);
}

static void test_facts_builtin_parses(void **state)
{
    size_t len;
    const char *text = tfl_facts_builtin_text(&len);

    (void)state;
    assert_non_null(facts); /* setup reported any error */
    assert_true(len > 1000);
    assert_int_equal(strlen(text), len);
    assert_memory_equal(text, "# Base-image facts", 18);
}

/* Two lookups give equal records, field by field. */
static void assert_same_image(const char *ref, const tfl_facts_image *a,
                              const tfl_facts_image *b)
{
    size_t i;

    if (!a || !b) {
        if (a != b)
            fail_msg("%s: found in one table only", ref);
        return;
    }
#define SAME_STR(x, y)                                                         \
    do {                                                                       \
        if (((x) == NULL) != ((y) == NULL) || ((x) && strcmp((x), (y))))       \
            fail_msg("%s: %s differs", ref, #x);                               \
    } while (0)
    SAME_STR(a->name, b->name);
    SAME_STR(a->base, b->base);
    SAME_STR(a->origin, b->origin);
    SAME_STR(a->default_user, b->default_user);
    SAME_STR(a->note, b->note);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->family, b->family);
    assert_int_equal(a->tools, b->tools);
    assert_int_equal(a->tools_maybe, b->tools_maybe);
    assert_int_equal(a->tools_known, b->tools_known);
    assert_int_equal(a->shell, b->shell);
    assert_int_equal(a->old_shadow, b->old_shadow);
    assert_int_equal(a->accounts_complete, b->accounts_complete);
    assert_int_equal(a->default_uid, b->default_uid);
    assert_int_equal(a->nusers, b->nusers);
    assert_int_equal(a->ngroups, b->ngroups);
    for (i = 0; i < a->nusers; i++) {
        SAME_STR(a->users[i].name, b->users[i].name);
        SAME_STR(a->users[i].group, b->users[i].group);
        assert_int_equal(a->users[i].uid, b->users[i].uid);
        assert_int_equal(a->users[i].gid, b->users[i].gid);
    }
    for (i = 0; i < a->ngroups; i++) {
        SAME_STR(a->groups[i].name, b->groups[i].name);
        SAME_STR(a->groups[i].members, b->groups[i].members);
        assert_int_equal(a->groups[i].gid, b->groups[i].gid);
    }
#undef SAME_STR
}

/* Look `ref` up in both tables, and the ref with each usual tag suffix
 * in place of a final `*` (that reaches the `when` variants). */
static void compare_ref(const tfl_facts *a, const tfl_facts *b, char *ref)
{
    static const char *const tails[] = {
        "",       "-alpine3.18", "-alpine3.20", "-bookworm", "-bullseye",
        "-jammy", "-noble",      "-focal",      "-slim",     "-ubi9-minimal",
        "-ubi8",  "alpine",      "-management", "1.2.3",     "-trixie",
    };
    char buf[512];
    size_t i, n = strlen(ref);

    if (n && ref[n - 1] == '*')
        ref[--n] = '\0';
    for (i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", ref, tails[i]);
        assert_same_image(buf, tfl_facts_lookup(a, buf),
                          tfl_facts_lookup(b, buf));
    }
}

/* A pattern made into a reference it accepts: `*` empty, `?` and
 * classes their first character. */
static void pattern_ref(const char *pat, char *out, size_t cap)
{
    size_t k = 0;

    for (; *pat && k + 2 < cap; pat++) {
        if (*pat == '*' && pat[1] != '\0')
            continue;
        if (*pat == '?') {
            out[k++] = 'x';
        } else if (*pat == '[' && strchr(pat, ']')) {
            const char *q = pat + 1;

            if (*q == '!' || *q == '^')
                q = "_]";
            out[k++] = *q;
            pat = strchr(pat + 1, ']');
        } else {
            out[k++] = *pat;
        }
    }
    out[k] = '\0';
}

/* The compiled-in tables answer as a parse of the text does, for a
 * reference made from every `match` and `when` pattern of the data, and
 * for a user file built on built-in entries. */
static void test_facts_builtin_tables_equal_parse(void **state)
{
    static const char user[] = "image app like debian-12\n"
                               "    match mycorp/app:*\n"
                               "    user app 10001 staff\n"
                               "image both\n"
                               "    when *alpine* use alpine-3.19\n"
                               "    when * use ubuntu-24.04\n"
                               "    match both:*\n"
                               "    include debian-common\n";
    size_t len, pos = 0;
    const char *text = tfl_facts_builtin_text(&len);
    tfl_facts *parsed, *built;
    tfl_facts_error err;
    char line[4096], ref[512];

    (void)state;
    assert_int_equal(tfl_facts_new(&parsed), 0);
    assert_int_equal(tfl_facts_new(&built), 0);
    assert_int_equal(
        tfl_facts_load(parsed, "data/base-images.txt", text, len, &err), 0);
    assert_int_equal(tfl_facts_load_builtin(built, &err), 0);
    while (pos < len) {
        size_t n = strcspn(text + pos, "\n");
        char *w, *save = NULL;

        snprintf(line, sizeof line, "%.*s", (int)n, text + pos);
        pos += n + 1;
        w = strtok_r(line, " \t", &save);
        if (!w || (strcmp(w, "match") != 0 && strcmp(w, "when") != 0))
            continue;
        while ((w = strtok_r(NULL, " \t", &save)) && w[0] != '#') {
            if (strcmp(w, "use") == 0)
                break;
            pattern_ref(w[0] == '!' ? w + 1 : w, ref, sizeof ref);
            compare_ref(parsed, built, ref);
        }
    }
    assert_int_equal(tfl_facts_load(parsed, "u", user, strlen(user), &err), 0);
    assert_int_equal(tfl_facts_load(built, "u", user, strlen(user), &err), 0);
    snprintf(ref, sizeof ref, "mycorp/app:1");
    compare_ref(parsed, built, ref);
    snprintf(ref, sizeof ref, "both:1*");
    compare_ref(parsed, built, ref);
    assert_non_null(
        tfl_facts_user_by_name(tfl_facts_lookup(built, "both:1"), "www-data"));
    tfl_facts_free(parsed);
    tfl_facts_free(built);
}

static void test_facts_normalize(void **state)
{
    static const char *const cases[][2] = {
        {"debian", "debian:latest"},
        {"debian:12", "debian:12"},
        {"docker.io/library/debian:12", "debian:12"},
        {"index.docker.io/library/debian", "debian:latest"},
        {"registry-1.docker.io/bitnami/redis:7.4", "bitnami/redis:7.4"},
        {"library/node:20", "node:20"},
        {"debian:12@sha256:0123abcd", "debian:12"},
        {"debian@sha256:0123abcd", "debian:"},
        {"gcr.io/distroless/static:nonroot",
         "gcr.io/distroless/static:nonroot"},
        {"localhost:5000/app", "localhost:5000/app:latest"},
        {"localhost/app:1", "localhost/app:1"},
        {"quay.io/library/x", "quay.io/library/x:latest"},
        {"mycorp/app", "mycorp/app:latest"},
        {"arm64v8/node:20", "node:20"},
        {"docker.io/amd64/debian:12", "debian:12"},
        {"quay.io/amd64/debian:12", "quay.io/amd64/debian:12"},
    };
    char out[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(tfl_facts_normalize(cases[i][0], out, sizeof out), 0);
        assert_string_equal(out, cases[i][1]);
    }
    assert_int_equal(tfl_facts_normalize("", out, sizeof out), -1);
    assert_int_equal(tfl_facts_normalize("@sha256:1", out, sizeof out), -1);
    assert_int_equal(tfl_facts_normalize("docker.io/", out, sizeof out), -1);
    assert_int_equal(tfl_facts_normalize("debian", out, 8), -1);
}

static void test_facts_debian_releases(void **state)
{
    const tfl_facts_image *d10 = get("debian:buster-slim");
    const tfl_facts_image *d11 = get("debian:bullseye");
    const tfl_facts_image *d12 = get("debian:12-slim");
    const tfl_facts_image *d13 = get("debian:13");

    (void)state;
    assert_string_equal(d10->name, "debian-10");
    assert_string_equal(get("debian:11.9")->name, "debian-11");
    assert_int_equal(d11->family, TFL_FAMILY_DEBIAN);
    assert_int_equal(d11->old_shadow, TFL_TRI_YES);
    assert_int_equal(d12->old_shadow, TFL_TRI_NO);
    assert_int_equal(d13->old_shadow, TFL_TRI_NO);
    /* base-passwd 3.6: gnats gone, _apt static at 42 */
    assert_user(d11, "gnats", 41, 41);
    assert_null(tfl_facts_user_by_name(d12, "gnats"));
    assert_user(d12, "_apt", 42, 65534);
    assert_user(d12, "www-data", 33, 33);
    assert_user(d12, "sync", 4, 65534);
    assert_group(d12, "users", 100);
    assert_group(d12, "nogroup", 65534);
    assert_string_equal(tfl_facts_user_by_uid(d12, 65534)->name, "nobody");
    assert_string_equal(tfl_facts_group_by_gid(d12, 27)->name, "sudo");
    assert_null(tfl_facts_user_by_uid(d12, 1000));
    assert_true(d12->accounts_complete);
    /* Debian 13 dropped adduser from the image */
    assert_int_equal(tfl_facts_has_tool(d12, TFL_TOOL_ADDUSER), TFL_TRI_YES);
    assert_int_equal(tfl_facts_has_tool(d13, TFL_TOOL_ADDUSER), TFL_TRI_NO);
    assert_int_equal(tfl_facts_has_tool(d13, TFL_TOOL_SHADOW), TFL_TRI_YES);
    assert_int_equal(tfl_facts_adduser(d12), TFL_ADDUSER_DEBIAN);
    assert_int_equal(tfl_facts_adduser(d13), TFL_ADDUSER_NONE);
    assert_ptr_equal(get("debian:trixie-slim"), d13);
    assert_ptr_equal(get("debian"), d13);
    assert_ptr_equal(get("debian:stable-slim"), d13);
    assert_int_equal(d13->shell, TFL_TRI_YES);
    assert_int_equal(tfl_facts_runs_as_root(d13), TFL_TRI_YES);
}

static void test_facts_registries_and_digests(void **state)
{
    const tfl_facts_image *d12 = get("debian:12");

    (void)state;
    assert_ptr_equal(get("docker.io/library/debian:12"), d12);
    assert_ptr_equal(get("index.docker.io/library/debian:12"), d12);
    assert_ptr_equal(get("debian:12@sha256:4d6c0a4e3f1d"), d12);
    assert_ptr_equal(get("docker.io/debian:12@sha256:4d6c0a4e3f1d"), d12);
    /* pinned by digest only: the release is unknown */
    assert_string_equal(get("debian@sha256:4d6c0a4e3f1d")->name, "debian-any");
    assert_false(get("debian@sha256:4d6c0a4e3f1d")->accounts_complete);
    /* another registry is another image */
    assert_null(tfl_facts_lookup(facts, "quay.io/debian:12"));
    assert_null(tfl_facts_lookup(facts, "mycorp/app:1"));
    assert_null(tfl_facts_lookup(facts, "mycorp/app:1-alpine"));
    assert_null(tfl_facts_lookup(facts, "ghcr.io/mycorp/debian:12"));
    assert_null(tfl_facts_lookup(facts, ""));
}

static void test_facts_ubuntu(void **state)
{
    const tfl_facts_image *u20 = get("ubuntu:20.04");
    const tfl_facts_image *u22 = get("ubuntu:jammy");
    const tfl_facts_image *u24 = get("ubuntu:24.04");

    (void)state;
    assert_int_equal(u24->family, TFL_FAMILY_UBUNTU);
    assert_user(u24, "ubuntu", 1000, 1000);
    assert_group(u24, "ubuntu", 1000);
    assert_string_equal(tfl_facts_user_by_uid(u24, 1000)->name, "ubuntu");
    assert_null(tfl_facts_user_by_name(u22, "ubuntu"));
    assert_null(tfl_facts_user_by_uid(u22, 1000));
    assert_null(tfl_facts_group_by_gid(u22, 1000));
    assert_null(tfl_facts_user_by_name(u20, "ubuntu"));
    assert_int_equal(u20->old_shadow, TFL_TRI_YES);
    assert_int_equal(u22->old_shadow, TFL_TRI_YES);
    assert_int_equal(u24->old_shadow, TFL_TRI_NO);
    assert_int_equal(tfl_facts_adduser(u24), TFL_ADDUSER_DEBIAN);
    assert_ptr_equal(get("ubuntu:noble-20240801"), u24);
    assert_ptr_equal(get("ubuntu"), u24);
    assert_ptr_equal(get("ubuntu:22.04"), u22);
    assert_ptr_equal(get("ubuntu:focal"), u20);
}

static void test_facts_alpine(void **state)
{
    const tfl_facts_image *a = get("alpine:3.20");
    const tfl_facts_image *old = get("alpine:3.18.4");

    (void)state;
    assert_int_equal(a->family, TFL_FAMILY_ALPINE);
    assert_int_equal(tfl_facts_has_tool(a, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_int_equal(tfl_facts_has_tool(a, TFL_TOOL_BUSYBOX), TFL_TRI_YES);
    assert_int_equal(tfl_facts_adduser(a), TFL_ADDUSER_BUSYBOX);
    assert_group(a, "ping", 999);
    assert_group(a, "nogroup", 65533);
    assert_group(a, "www-data", 82);
    assert_user(a, "guest", 405, 100);
    assert_null(tfl_facts_user_by_name(a, "xfs"));
    assert_user(old, "xfs", 33, 33);
    assert_null(tfl_facts_user_by_name(old, "postgres"));
    assert_user(get("alpine:3.9"), "postgres", 70, 70);
    assert_ptr_equal(get("alpine"), get("alpine:3.21"));
}

static void test_facts_node_python_golang(void **state)
{
    const tfl_facts_image *n = get("node:20");
    const tfl_facts_image *nb = get("node:20-bookworm-slim");
    const tfl_facts_image *na = get("node:20-alpine");
    const tfl_facts_image *pa = get("python:3.12-alpine");
    const tfl_facts_image *ps = get("python:3.12-slim");

    (void)state;
    assert_string_equal(n->name, "node");
    assert_user(n, "node", 1000, 1000);
    assert_group(n, "node", 1000);
    assert_user(n, "root", 0, 0);
    assert_int_equal(tfl_facts_runs_as_root(n), TFL_TRI_YES);
    assert_string_equal(nb->base, "debian-12");
    assert_int_equal(tfl_facts_has_tool(nb, TFL_TOOL_ADDUSER), TFL_TRI_YES);
    /* no codename in the tag: Debian 12 or 13, so adduser is unsure */
    assert_int_equal(tfl_facts_has_tool(n, TFL_TOOL_ADDUSER), TFL_TRI_UNKNOWN);
    assert_int_equal(
        tfl_facts_has_tool(get("node:22-trixie"), TFL_TOOL_ADDUSER),
        TFL_TRI_NO);
    assert_int_equal(na->family, TFL_FAMILY_ALPINE);
    assert_user(na, "node", 1000, 1000);
    assert_group(na, "ping", 999);
    assert_user(get("node:18-alpine3.19"), "xfs", 33, 33);
    assert_null(tfl_facts_user_by_name(na, "xfs"));

    assert_int_equal(pa->family, TFL_FAMILY_ALPINE);
    assert_int_equal(tfl_facts_has_tool(pa, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_int_equal(tfl_facts_adduser(pa), TFL_ADDUSER_BUSYBOX);
    assert_null(tfl_facts_user_by_uid(pa, 1000));
    assert_int_equal(ps->family, TFL_FAMILY_DEBIAN);
    assert_int_equal(tfl_facts_has_tool(ps, TFL_TOOL_SHADOW), TFL_TRI_YES);
    assert_null(tfl_facts_user_by_uid(ps, 1000));
    assert_int_equal(get("python:3.11-bullseye")->old_shadow, TFL_TRI_YES);
    assert_null(tfl_facts_lookup(facts, "python:3.12-windowsservercore"));
    assert_int_equal(get("golang:1.22")->family, TFL_FAMILY_DEBIAN);
    assert_string_equal(get("arm32v7/buildpack-deps:jammy-curl")->base,
                        "ubuntu-22.04");
    assert_string_equal(get("buildpack-deps:bookworm")->base, "debian-12");
    assert_int_equal(get("golang:1.22-alpine")->family, TFL_FAMILY_ALPINE);
}

static void test_facts_service_images(void **state)
{
    const tfl_facts_image *img;

    (void)state;
    assert_user(get("nginx:1.27"), "nginx", 101, 101);
    assert_user(get("nginx:stable-alpine-slim"), "nginx", 101, 101);
    assert_int_equal(get("nginx:alpine")->family, TFL_FAMILY_ALPINE);
    img = get("nginxinc/nginx-unprivileged:1.27");
    assert_int_equal(tfl_facts_runs_as_root(img), TFL_TRI_NO);
    assert_int_equal(img->default_uid, 101);

    assert_user(get("postgres:16"), "postgres", 999, 999);
    assert_user(get("postgres:16-alpine"), "postgres", 70, 70);
    assert_user(get("redis:7.2"), "redis", 999, 999);
    img = get("redis:7.2-alpine");
    assert_user(img, "redis", 999, 1000);
    assert_string_equal(tfl_facts_user_by_name(img, "redis")->group, "redis");

    img = get("mysql:8.4");
    assert_int_equal(img->family, TFL_FAMILY_RHEL);
    assert_user(img, "mysql", 999, 999);
    assert_false(img->accounts_complete);
    assert_int_equal(img->old_shadow, TFL_TRI_YES);

    assert_user(get("httpd:2.4"), "www-data", 33, 33);
    assert_user(get("httpd:2.4-alpine"), "www-data", 82, 82);
    assert_user(get("php:8.3-fpm-alpine3.20"), "www-data", 82, 82);
    assert_user(get("php:8.3-apache"), "www-data", 33, 33);

    img = get("mongo:8.0");
    assert_int_equal(img->family, TFL_FAMILY_UBUNTU);
    assert_user(img, "mongodb", 999, 999);
    assert_user(img, "ubuntu", 1000, 1000);
    assert_null(tfl_facts_user_by_name(get("mongo:7.0-jammy"), "ubuntu"));

    img = get("rabbitmq:4.1-management");
    assert_user(img, "rabbitmq", 999, 999);
    assert_user(img, "ubuntu", 1000, 1000);
    img = get("rabbitmq:4-alpine");
    assert_user(img, "rabbitmq", 100, 101);
    assert_int_equal(img->family, TFL_FAMILY_ALPINE);
}

static void test_facts_jenkins_jupyter(void **state)
{
    const tfl_facts_image *j = get("jenkins/jenkins:lts-jdk17");
    const tfl_facts_image *q = get("quay.io/jupyter/scipy-notebook:2024-10-07");

    (void)state;
    assert_user(j, "jenkins", 1000, 1000);
    assert_string_equal(j->default_user, "jenkins");
    assert_int_equal(j->default_uid, 1000);
    assert_int_equal(tfl_facts_runs_as_root(j), TFL_TRI_NO);
    assert_int_equal(get("jenkins/jenkins:lts-alpine")->family,
                     TFL_FAMILY_ALPINE);

    assert_user(q, "jovyan", 1000, 100);
    assert_string_equal(tfl_facts_user_by_name(q, "jovyan")->group, "users");
    assert_null(tfl_facts_user_by_name(q, "ubuntu"));
    assert_null(tfl_facts_group_by_name(q, "ubuntu"));
    assert_string_equal(tfl_facts_user_by_uid(q, 1000)->name, "jovyan");
    assert_int_equal(q->default_uid, 1000);
    assert_int_equal(tfl_facts_runs_as_root(q), TFL_TRI_NO);
    assert_user(get("jupyter/base-notebook"), "jovyan", 1000, 100);
}

static void test_facts_temurin_tensorflow_cuda(void **state)
{
    const tfl_facts_image *tf = get("tensorflow/tensorflow:latest-gpu");
    const tfl_facts_image *img;

    (void)state;
    assert_user(get("eclipse-temurin:21"), "ubuntu", 1000, 1000);
    assert_user(get("eclipse-temurin:21-jre-noble"), "ubuntu", 1000, 1000);
    assert_null(
        tfl_facts_user_by_name(get("eclipse-temurin:17-jammy"), "ubuntu"));
    assert_int_equal(get("eclipse-temurin:21-jre-alpine")->family,
                     TFL_FAMILY_ALPINE);
    img = get("eclipse-temurin:21-ubi9-minimal");
    assert_int_equal(img->family, TFL_FAMILY_RHEL);
    assert_int_equal(tfl_facts_has_tool(img, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_null(tfl_facts_lookup(facts, "eclipse-temurin:21-nanoserver"));

    /* the notes name Ubuntu 20.04 (from 2022; newer may be 22.04) */
    assert_int_equal(tf->family, TFL_FAMILY_UBUNTU);
    assert_string_equal(tf->base, "ubuntu-20.04");
    assert_null(tfl_facts_user_by_uid(tf, 1000));
    assert_int_equal(tf->old_shadow, TFL_TRI_YES);
    assert_int_equal(tfl_facts_runs_as_root(tf), TFL_TRI_YES);

    img = get("nvidia/cuda:12.4.1-runtime-ubuntu24.04");
    assert_user(img, "ubuntu", 1000, 1000);
    img = get("nvcr.io/nvidia/cuda:12.2.0-devel-ubuntu22.04");
    assert_int_equal(img->family, TFL_FAMILY_UBUNTU);
    assert_null(tfl_facts_user_by_uid(img, 1000));
    assert_int_equal(get("nvidia/cuda:12.4.1-base-ubi9")->family,
                     TFL_FAMILY_RHEL);
    assert_null(tfl_facts_lookup(facts, "nvidia/cuda:12.4.1-base-rockylinux9"));
}

static void test_facts_distroless(void **state)
{
    const tfl_facts_image *nr = get("gcr.io/distroless/static:nonroot");
    const tfl_facts_image *base = get("gcr.io/distroless/base-debian12");
    const tfl_facts_image *dbg = get("gcr.io/distroless/base:debug");

    (void)state;
    assert_int_equal(nr->family, TFL_FAMILY_DISTROLESS);
    assert_int_equal(nr->default_uid, 65532);
    assert_string_equal(nr->default_user, "65532");
    assert_int_equal(tfl_facts_runs_as_root(nr), TFL_TRI_NO);
    assert_int_equal(nr->shell, TFL_TRI_NO);
    assert_int_equal(tfl_facts_has_tool(nr, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_int_equal(tfl_facts_adduser(nr), TFL_ADDUSER_NONE);
    assert_user(nr, "nonroot", 65532, 65532);
    assert_group(nr, "staff", 50);
    assert_int_equal(tfl_facts_runs_as_root(base), TFL_TRI_YES);
    assert_int_equal(base->shell, TFL_TRI_NO);
    assert_int_equal(dbg->shell, TFL_TRI_YES);
    assert_int_equal(tfl_facts_has_tool(dbg, TFL_TOOL_BUSYBOX),
                     TFL_TRI_UNKNOWN);
    assert_int_equal(
        get("gcr.io/distroless/java21-debian12:debug-nonroot")->default_uid,
        65532);
    assert_int_equal(get("scratch")->shell, TFL_TRI_NO);
    assert_int_equal(get("scratch")->nusers, 0);
}

static void test_facts_chainguard_bitnami_ubi(void **state)
{
    const tfl_facts_image *cg = get("cgr.dev/chainguard/python:latest");
    const tfl_facts_image *dev = get("cgr.dev/chainguard/python:latest-dev");
    const tfl_facts_image *wb = get("cgr.dev/chainguard/wolfi-base");
    const tfl_facts_image *bn = get("docker.io/bitnami/redis:7.4");
    const tfl_facts_image *min =
        get("registry.access.redhat.com/ubi9/ubi-minimal:9.4");
    const tfl_facts_image *ubi = get("registry.access.redhat.com/ubi9");

    (void)state;
    assert_int_equal(cg->family, TFL_FAMILY_WOLFI);
    assert_int_equal(cg->default_uid, 65532);
    assert_int_equal(cg->shell, TFL_TRI_NO);
    assert_user(cg, "nonroot", 65532, 65532);
    assert_group(cg, "nogroup", 65533);
    assert_int_equal(dev->shell, TFL_TRI_YES);
    assert_int_equal(tfl_facts_has_tool(dev, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_int_equal(tfl_facts_adduser(dev), TFL_ADDUSER_BUSYBOX);
    assert_int_equal(tfl_facts_adduser(wb), TFL_ADDUSER_BUSYBOX);
    assert_int_equal(tfl_facts_runs_as_root(wb), TFL_TRI_UNKNOWN);
    assert_user(get("cgr.dev/chainguard/nginx:latest"), "nginx", 65532, 65532);

    assert_int_equal(bn->family, TFL_FAMILY_DEBIAN);
    assert_int_equal(bn->default_uid, 1001);
    assert_null(tfl_facts_user_by_uid(bn, 1001));
    assert_int_equal(tfl_facts_runs_as_root(bn), TFL_TRI_NO);
    assert_string_equal(bn->base, "debian-12");

    assert_int_equal(min->family, TFL_FAMILY_RHEL);
    assert_int_equal(tfl_facts_has_tool(min, TFL_TOOL_SHADOW), TFL_TRI_NO);
    assert_int_equal(min->old_shadow, TFL_TRI_YES);
    assert_ptr_equal(get("registry.access.redhat.com/ubi9-minimal"), min);
    assert_int_equal(tfl_facts_has_tool(ubi, TFL_TOOL_SHADOW), TFL_TRI_UNKNOWN);
    assert_int_equal(tfl_facts_adduser(ubi), TFL_ADDUSER_UNKNOWN);
    assert_int_equal(get("redhat/ubi8:8.10")->old_shadow, TFL_TRI_YES);
    assert_int_equal(get("registry.access.redhat.com/ubi9/ubi-micro")->shell,
                     TFL_TRI_UNKNOWN);
}

/* ------------------------------------------------------------------------
 * User files
 */

/* Load `text` into a fresh table holding the built-in data; returns the
 * result code with `*err` filled in. */
static int load_user(const char *text, tfl_facts **out, tfl_facts_error *err)
{
    memset(err, 0, sizeof *err);
    assert_int_equal(tfl_facts_new(out), 0);
    assert_int_equal(tfl_facts_load_builtin(*out, err), 0);
    return tfl_facts_load(*out, "mine.txt", text, strlen(text), err);
}

/* Answers are kept between lookups, and a load forgets them: an entry it
 * adds takes over the images it matches, answered or not. */
static void test_facts_lookup_kept_until_load(void **state)
{
    const char *text = "image node-fixed like node\n"
                       "    match node:20*\n"
                       "    drop user node\n";
    tfl_facts *f;
    tfl_facts_error err;
    const tfl_facts_image *before, *after;

    (void)state;
    assert_int_equal(tfl_facts_new(&f), 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(tfl_facts_load_builtin(f, &err), 0);
    before = tfl_facts_lookup(f, "node:20-bookworm");
    assert_non_null(before);
    assert_ptr_equal(tfl_facts_lookup(f, "node:20-bookworm"), before);
    assert_null(tfl_facts_lookup(f, "no-such-image-anywhere:1"));
    assert_null(tfl_facts_lookup(f, "no-such-image-anywhere:1"));
    assert_string_equal(before->name, "node");
    assert_int_equal(tfl_facts_load(f, "mine.txt", text, strlen(text), &err),
                     0);
    after = tfl_facts_lookup(f, "node:20-bookworm");
    assert_non_null(after);
    assert_string_equal(after->name, "node-fixed");
    assert_string_equal(tfl_facts_lookup(f, "node:22")->name, "node");
    tfl_facts_free(f);
}

/* Lookups stay right while the memo grows and once it is full: 10,000
 * distinct names pass its 3,072 answers. */
static void test_facts_lookup_many_names(void **state)
{
    tfl_facts *f;
    tfl_facts_error err;
    const tfl_facts_image *node, *alpine;
    char ref[64];
    int i;

    (void)state;
    assert_int_equal(tfl_facts_new(&f), 0);
    memset(&err, 0, sizeof err);
    assert_int_equal(tfl_facts_load_builtin(f, &err), 0);
    node = tfl_facts_lookup(f, "node:20-bookworm");
    assert_non_null(node);
    for (i = 0; i < 5000; i++) {
        const tfl_facts_image *img;

        snprintf(ref, sizeof ref, "node:%d-bookworm", i);
        img = tfl_facts_lookup(f, ref);
        assert_non_null(img);
        assert_string_equal(img->name, "node");
        snprintf(ref, sizeof ref, "not-an-image-%d:1", i);
        assert_null(tfl_facts_lookup(f, ref));
        assert_null(tfl_facts_lookup(f, ref));
        assert_ptr_equal(tfl_facts_lookup(f, "node:20-bookworm"), node);
    }
    alpine = tfl_facts_lookup(f, "alpine:3.20");
    assert_non_null(alpine);
    assert_string_equal(alpine->name, "alpine");
    assert_ptr_equal(tfl_facts_lookup(f, "alpine:3.20"), alpine);
    tfl_facts_free(f);
}

#define THREAD_NAMES 4000

/* The i-th name of test_facts_lookup_threads(): known and unknown images,
 * and names that repeat. */
static void thread_name(int i, char *out, size_t cap)
{
    switch (i % 3) {
    case 0:
        snprintf(out, cap, "node:%d-bookworm", i);
        break;
    case 1:
        snprintf(out, cap, "alpine:3.%d", i % 40);
        break;
    default:
        snprintf(out, cap, "not-an-image-%d:1", i);
    }
}

/* One thread of test_facts_lookup_threads(): the names in one order or
 * the other, counting answers that differ from `want` (entry and line of
 * each, from a table used by one thread). */
typedef struct lookup_job {
    tfl_facts *f;
    const tfl_facts_image **want;
    bool backwards;
    int wrong;
} lookup_job;

static const void *derive_same(struct tfl_arena *a, const tfl_facts_image *img)
{
    (void)a;
    return img;
}

static void *lookup_thread(void *arg)
{
    lookup_job *job = arg;
    char ref[64];
    int k;

    for (k = 0; k < THREAD_NAMES; k++) {
        int i = job->backwards ? THREAD_NAMES - 1 - k : k;
        const tfl_facts_image *img, *want = job->want[i];

        thread_name(i, ref, sizeof ref);
        img = tfl_facts_lookup(job->f, ref);
        if (!img != !want ||
            (img &&
             (strcmp(img->name, want->name) != 0 || img->line != want->line ||
              tfl_facts_derived(job->f, img, derive_same) != img)))
            job->wrong++;
    }
    return NULL;
}

/* Lookups and derived results from two threads at once, while the memo
 * and the derived table grow under them (both are read without the
 * lock), give the answers of a table used by one thread. */
static void test_facts_lookup_threads(void **state)
{
    static const tfl_facts_image *want[THREAD_NAMES];
    lookup_job jobs[2];
    tfl_facts_error err;
    tfl_facts *f, *one;
    char ref[64];
    pthread_t t;
    int i, known = 0;

    (void)state;
    memset(&err, 0, sizeof err);
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load_builtin(f, &err), 0);
    assert_int_equal(tfl_facts_new(&one), 0);
    assert_int_equal(tfl_facts_load_builtin(one, &err), 0);
    for (i = 0; i < THREAD_NAMES; i++) {
        thread_name(i, ref, sizeof ref);
        want[i] = tfl_facts_lookup(one, ref);
        known += want[i] != NULL;
    }
    assert_int_equal(known, THREAD_NAMES / 3 * 2 + 1);
    jobs[0] = (lookup_job){f, want, false, 0};
    jobs[1] = (lookup_job){f, want, true, 0};
    assert_int_equal(pthread_create(&t, NULL, lookup_thread, &jobs[1]), 0);
    lookup_thread(&jobs[0]);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(jobs[0].wrong, 0);
    assert_int_equal(jobs[1].wrong, 0);
    tfl_facts_free(one);
    tfl_facts_free(f);
}

static int derived_calls;

static const void *derive_name(struct tfl_arena *a, const tfl_facts_image *img)
{
    (void)a;
    derived_calls++;
    return img->name;
}

static const void *derive_nothing(struct tfl_arena *a,
                                  const tfl_facts_image *img)
{
    (void)a;
    (void)img;
    derived_calls++;
    return NULL;
}

/* tfl_facts_derived() makes once per image and maker, and tries again
 * after a failure. */
static void test_facts_derived_once(void **state)
{
    const tfl_facts_image *deb = get("debian:12"), *alp = get("alpine:3.20");
    int i;

    (void)state;
    derived_calls = 0;
    for (i = 0; i < 100; i++) {
        assert_ptr_equal(tfl_facts_derived(facts, deb, derive_name), deb->name);
        assert_ptr_equal(tfl_facts_derived(facts, alp, derive_name), alp->name);
    }
    assert_int_equal(derived_calls, 2);
    assert_null(tfl_facts_derived(facts, deb, derive_nothing));
    assert_null(tfl_facts_derived(facts, deb, derive_nothing));
    assert_int_equal(derived_calls, 4);
    assert_ptr_equal(tfl_facts_derived(facts, deb, derive_name), deb->name);
    assert_int_equal(derived_calls, 4);
}

static void test_facts_user_file_extends(void **state)
{
    const char *text = "# our images\n"
                       "image app like debian-12\n"
                       "    match mycorp/app:* registry.example.com/app:*\n"
                       "    group app 10001 ubuntu,app   # members\n"
                       "    user app 10001 app\n"
                       "    default-user app\n"
                       "\n"
                       "image node-fixed like node\n"
                       "    match node:20*\n"
                       "    drop user node\n"
                       "image rhel-tools like rhel-common\n"
                       "    match mycorp/rhel:*\n"
                       "    tools shadow\n";
    tfl_facts *f;
    tfl_facts_error err;
    const tfl_facts_image *img;

    (void)state;
    assert_int_equal(load_user(text, &f, &err), 0);
    img = tfl_facts_lookup(f, "mycorp/app:1");
    assert_non_null(img);
    assert_string_equal(img->origin, "mine.txt");
    assert_int_equal(img->line, 2);
    assert_string_equal(img->base, "debian-12");
    assert_user(img, "app", 10001, 10001);
    assert_user(img, "www-data", 33, 33);
    assert_int_equal(img->default_uid, 10001);
    assert_true(
        tfl_facts_group_has_member(tfl_facts_group_by_name(img, "app"), "app"));
    assert_true(tfl_facts_group_has_member(tfl_facts_group_by_name(img, "app"),
                                           "ubuntu"));
    assert_false(
        tfl_facts_group_has_member(tfl_facts_group_by_name(img, "app"), "ap"));
    assert_non_null(tfl_facts_lookup(f, "registry.example.com/app:2"));
    /* user entries come before the built-in ones */
    img = tfl_facts_lookup(f, "node:20-bookworm");
    assert_string_equal(img->name, "node-fixed");
    assert_null(tfl_facts_user_by_name(img, "node"));
    assert_string_equal(tfl_facts_lookup(f, "node:22")->name, "node");
    assert_int_equal(tfl_facts_adduser(tfl_facts_lookup(f, "mycorp/rhel:9")),
                     TFL_ADDUSER_SHADOW);
    tfl_facts_free(f);
}

static void test_facts_user_file_errors(void **state)
{
    static const struct {
        const char *text;
        unsigned line;
        const char *message;
    } cases[] = {
        {"user x 1 x\n", 1, "'user' outside an image entry"},
        {"image a\n  famly debian\n", 2, "unknown keyword 'famly'"},
        {"image a\n\n  user x 12x root\n", 3, "invalid UID '12x'"},
        {"image a\n  user x 4294967295 0\n", 2, "invalid UID '4294967295'"},
        {"image a\n  user x 1 nogroup\n", 2,
         "group 'nogroup' of user 'x' is not defined"},
        {"image a like nothing\n", 1, "unknown entry 'nothing'"},
        {"image a\nimage a\n", 2, "entry 'a' is already defined on line 1"},
        {"image a like debian-12\n  when * use debian-11\n", 2,
         "'when' must come right after an image line without 'like'"},
        {"image a\n  when * debian-11\n", 2,
         "'when' needs PATTERN... use ENTRY"},
        {"image a\n  accounts complete\n  default-user app\n", 3,
         "default user 'app' is not an account of entry 'a'"},
        {"image a\n  group g 1\n  group g 2\n", 3,
         "group 'g' is defined twice in entry 'a'"},
        {"image a\n  tools shadow useradd\n", 2,
         "unknown tool 'useradd' (shadow, adduser, busybox)"},
        {"image a\n  shell maybe\n", 2, "'maybe' is not yes, no or unknown"},
        {"image a\n  family gentoo\n", 2, "unknown family 'gentoo'"},
        {"image a like debian-12\n  drop user ubuntu\n", 2,
         "no user 'ubuntu' to drop"},
        {"image a\n  include debian-by-tag\n", 2,
         "cannot include 'debian-by-tag': it has several variants"},
        {"image a/b\n", 1, "invalid entry name 'a/b'"},
        {"image a\n  user x:y 1 0\n", 2, "invalid user name 'x:y'"},
        {"image a\n  note\n", 2, "'note' needs some text"},
        {"image a\n  match\n", 2, "'match' needs at least one pattern"},
        {"image a\r\n  user\x01 1 0\r\n", 2, "control character 0x01 in line"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tfl_facts *f;
        tfl_facts_error err;

        assert_int_equal(load_user(cases[i].text, &f, &err), TFL_FACTS_EDATA);
        assert_string_equal(err.origin, "mine.txt");
        if (err.line != cases[i].line ||
            strcmp(err.message, cases[i].message) != 0)
            fail_msg("case %zu: got %u '%s', expected %u '%s'", i, err.line,
                     err.message, cases[i].line, cases[i].message);
        /* the built-in facts are untouched */
        assert_non_null(tfl_facts_lookup(f, "debian:12"));
        tfl_facts_free(f);
    }
}

static void test_facts_failed_load_leaves_table(void **state)
{
    const char *bad = "image mine\n  match debian:*\n  user x 1 0\n"
                      "image later like mine\n  bogus\n";
    const char *good = "image mine like debian-12\n  match mine:*\n";
    tfl_facts *f;
    tfl_facts_error err;

    (void)state;
    assert_int_equal(load_user(bad, &f, &err), TFL_FACTS_EDATA);
    assert_int_equal(err.line, 5);
    /* "mine" was complete when the error came, yet it is not visible */
    assert_string_equal(tfl_facts_lookup(f, "debian:12")->name, "debian-12");
    /* and the name can be used by the next load */
    assert_int_equal(tfl_facts_load(f, "again", good, strlen(good), &err), 0);
    assert_non_null(tfl_facts_lookup(f, "mine:1"));
    tfl_facts_free(f);
}

static void test_facts_load_file(void **state)
{
    const char *path = "test_facts_user.txt";
    tfl_facts *f;
    tfl_facts_error err;
    FILE *fp;

    (void)state;
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load_file(f, "/nonexistent/facts.txt", &err),
                     TFL_FACTS_EIO);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "cannot read '/nonexistent/facts.txt'");
    fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("image x\n  match x:*\n  shell yes\n  oops\n", fp);
    fclose(fp);
    assert_int_equal(tfl_facts_load_file(f, path, &err), TFL_FACTS_EDATA);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.origin, path);
    remove(path);
    tfl_facts_free(f);
}

static void test_facts_globs(void **state)
{
    const char *text = "image g\n"
                       "  match a[0-9]:* b[!x]:* c[:* d*e*f:?? !d*z*\n";
    tfl_facts *f;
    tfl_facts_error err;

    (void)state;
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load(f, "g", text, strlen(text), &err), 0);
    assert_non_null(tfl_facts_lookup(f, "a7:1"));
    assert_null(tfl_facts_lookup(f, "ax:1"));
    assert_non_null(tfl_facts_lookup(f, "by:1"));
    assert_null(tfl_facts_lookup(f, "bx:1"));
    assert_non_null(tfl_facts_lookup(f, "c[:1"));
    assert_non_null(tfl_facts_lookup(f, "dxexexf:12"));
    assert_null(tfl_facts_lookup(f, "dxexexf:123"));
    assert_null(tfl_facts_lookup(f, "dzef:12"));
    /* a long subject against many stars stays quick */
    {
        char ref[1000];
        memset(ref, 'd', sizeof ref - 1);
        ref[sizeof ref - 1] = '\0';
        assert_null(tfl_facts_lookup(f, ref));
    }
    tfl_facts_free(f);
}

/* ------------------------------------------------------------------------
 * Hostile input: none of this may crash, hang or leak (the sanitizer build
 * checks the last two).
 */

static void load_fresh(const char *text, size_t len)
{
    tfl_facts *f;
    tfl_facts_error err;
    int rc;

    assert_int_equal(tfl_facts_new(&f), 0);
    rc = tfl_facts_load(f, "fuzz", text, len, &err);
    assert_true(rc == 0 || rc == TFL_FACTS_EDATA);
    if (rc == TFL_FACTS_EDATA)
        assert_true(strlen(err.message) > 0);
    (void)tfl_facts_lookup(f, "node:20-alpine3.19");
    (void)tfl_facts_lookup(f, "debian:12");
    tfl_facts_free(f);
}

static void test_facts_malformed_never_crashes(void **state)
{
    size_t len, i;
    const char *text = tfl_facts_builtin_text(&len);
    char *buf = malloc(len + 1);
    uint32_t seed = 12345;

    (void)state;
    assert_non_null(buf);
    /* every truncation point on a stride, and single-byte damage */
    for (i = 0; i < len; i += 53)
        load_fresh(text, i);
    for (i = 0; i < 300; i++) {
        size_t k;

        memcpy(buf, text, len);
        for (k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % len] = (char)(seed >> 24);
        }
        load_fresh(buf, len);
    }
    free(buf);
    load_fresh("", 0);
    load_fresh("\0\0\0", 3);
    load_fresh("image", 5);
    load_fresh("image a like", 12);
    load_fresh("image a\n  when use x\n", 21);
    load_fresh("image a\n  user", 14);
}

static void test_facts_limits(void **state)
{
    tfl_facts *f;
    tfl_facts_error err;
    char *big;
    size_t i, n = 0, cap = 1 << 20;

    (void)state;
    big = malloc(cap + 2);
    assert_non_null(big);

    /* a line over the limit */
    memset(big, 'x', 5000);
    memcpy(big, "image a\nnote ", 13);
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load(f, "big", big, 5000, &err),
                     TFL_FACTS_EDATA);
    assert_string_equal(err.message, "line is longer than 4096 bytes");
    tfl_facts_free(f);

    /* each entry doubles its parent's variants: stopped at the cap */
    n = (size_t)sprintf(big, "image v0\n  shell yes\n");
    for (i = 1; i < 12; i++)
        n += (size_t)sprintf(big + n,
                             "image v%zu\n  when a* use v%zu\n"
                             "  when * use v%zu\n",
                             i, i - 1, i - 1);
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load(f, "wide", big, n, &err), TFL_FACTS_EDATA);
    assert_string_equal(err.message, "entry 'v7' has more than 64 variants");
    tfl_facts_free(f);

    /* a long chain of entries inheriting many accounts: the account budget
     * ends it before memory grows without bound */
    n = (size_t)sprintf(big, "image c0\n");
    for (i = 0; i < 200; i++)
        n += (size_t)sprintf(big + n, "  group g%zu %zu\n", i, i);
    for (i = 1; n < cap - 64; i++)
        n += (size_t)sprintf(big + n, "image c%zu like c%zu\n", i, i - 1);
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load(f, "chain", big, n, &err), TFL_FACTS_EDATA);
    assert_string_equal(err.message,
                        "too many accounts in the table (limit 200000)");
    tfl_facts_free(f);

    /* more than the size cap is refused outright */
    memset(big, '\n', cap + 1);
    assert_int_equal(tfl_facts_new(&f), 0);
    assert_int_equal(tfl_facts_load(f, "huge", big, cap + 1, &err),
                     TFL_FACTS_EDATA);
    tfl_facts_free(f);
    free(big);
}

int main(void)
{
    const struct CMUnitTest lookups[] = {
        cmocka_unit_test(test_facts_builtin_parses),
        cmocka_unit_test(test_facts_debian_releases),
        cmocka_unit_test(test_facts_registries_and_digests),
        cmocka_unit_test(test_facts_ubuntu),
        cmocka_unit_test(test_facts_alpine),
        cmocka_unit_test(test_facts_node_python_golang),
        cmocka_unit_test(test_facts_service_images),
        cmocka_unit_test(test_facts_jenkins_jupyter),
        cmocka_unit_test(test_facts_temurin_tensorflow_cuda),
        cmocka_unit_test(test_facts_distroless),
        cmocka_unit_test(test_facts_chainguard_bitnami_ubi),
        cmocka_unit_test(test_facts_derived_once),
    };
    const struct CMUnitTest others[] = {
        cmocka_unit_test(test_facts_normalize),
        cmocka_unit_test(test_facts_builtin_tables_equal_parse),
        cmocka_unit_test(test_facts_user_file_extends),
        cmocka_unit_test(test_facts_lookup_kept_until_load),
        cmocka_unit_test(test_facts_lookup_many_names),
        cmocka_unit_test(test_facts_lookup_threads),
        cmocka_unit_test(test_facts_user_file_errors),
        cmocka_unit_test(test_facts_failed_load_leaves_table),
        cmocka_unit_test(test_facts_load_file),
        cmocka_unit_test(test_facts_globs),
        cmocka_unit_test(test_facts_malformed_never_crashes),
        cmocka_unit_test(test_facts_limits),
    };
    int failed;

    failed = cmocka_run_group_tests_name("facts lookups", lookups,
                                         setup_builtin, teardown_builtin);
    failed += cmocka_run_group_tests_name("facts files", others, NULL, NULL);
    return failed;
}
