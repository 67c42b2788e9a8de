/*
 * TF509 unused-arg: a stage ARG that nothing refers to: no word the
 * builder expands after it, and no `$NAME` / `${NAME` in the RUN text of
 * its stage or of stages built FROM it, resolves to it.
 *
 * Every RUN after an ARG also gets it as an environment variable, and some
 * tools read theirs without any `$` in the Dockerfile (DEBIAN_FRONTEND for
 * apt, PIP_* for pip, GOPROXY for go). ARGs with such well-known names are
 * not reported when a RUN can see them; other names are, since a script
 * reading a variable by itself cannot be seen from here (hence severity
 * info). Re-declared platform ARGs (`ARG TARGETARCH`) are mostly there for
 * scripts to read, so they too are reported only when no RUN follows.
 * BUILDKIT_* arguments are read by the builder and never reported.
 */
#include <string.h>

#include "rules.h"
#include "tflint/model.h"

/* Name prefixes (or whole names, with a trailing '=') of environment
 * variables that common build tools read on their own. */
static const char *const tool_env[] = {
    "DEBIAN_FRONTEND=",
    "DEBCONF_",
    "APT_",
    "PIP_",
    "PYTHON",
    "POETRY_",
    "UV_",
    "NPM_",
    "npm_",
    "NODE_",
    "YARN_",
    "GO",
    "CGO_",
    "CARGO_",
    "RUST",
    "MAVEN_",
    "GRADLE_",
    "JAVA_",
    "BUNDLE_",
    "GEM_",
    "COMPOSER_",
    "CC=",
    "CXX=",
    "CFLAGS=",
    "CXXFLAGS=",
    "LDFLAGS=",
    "MAKEFLAGS=",
    "LANG=",
    "LC_",
    "TZ=",
    "SOURCE_DATE_EPOCH=",
    "TERM=",
    "CI=",
    "HTTP_PROXY=",
    "HTTPS_PROXY=",
    "FTP_PROXY=",
    "NO_PROXY=",
    "ALL_PROXY=",
    "http_proxy=",
    "https_proxy=",
    "ftp_proxy=",
    "no_proxy=",
    "all_proxy=",
};

static bool tool_reads(const char *name)
{
    size_t i, n;

    for (i = 0; i < sizeof tool_env / sizeof tool_env[0]; i++) {
        const char *p = tool_env[i];

        /* Most names are told apart by their first letter. */
        if (p[0] != name[0])
            continue;
        n = strlen(p);
        if (p[n - 1] == '=') {
            if (strlen(name) == n - 1 && strncmp(name, p, n - 1) == 0)
                return true;
        } else if (strncmp(name, p, n) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Per stage, the index of the last RUN in it or in any stage built from it
 * (0 when none): descendants come later in the file, so one backward pass
 * folds each stage into its parent.
 */
static size_t *last_runs(tfl_ctx *ctx, const tfl_model *m)
{
    size_t *last = tfl_arena_alloc(ctx->arena, (m->nstages + 1) * sizeof *last);
    size_t i, s;

    if (!last) {
        ctx->oom = true;
        return NULL;
    }
    for (i = 0; i < m->doc->ninstrs; i++)
        if (m->doc->instrs[i].kind == TFL_RUN && m->scope_of[i] >= 0)
            last[m->scope_of[i]] = i;
    for (s = m->nstages; s-- > 0;) {
        int p = m->stages[s].parent;

        if (p >= 0 && last[s] > last[p])
            last[p] = last[s];
    }
    return last;
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t *last = m ? last_runs(ctx, m) : NULL;
    size_t i;

    for (i = last ? m->first_doc : 0; last && i < m->nbindings; i++) {
        const tfl_binding *b = &m->bindings[i];

        if (b->origin != TFL_ORIGIN_ARG || b->nuses || !b->name_len ||
            strncmp(b->name, "BUILDKIT_", 9) == 0)
            continue;
        if ((tool_reads(b->name) ||
             (b->inherits && b->inherits->origin == TFL_ORIGIN_PLATFORM)) &&
            last[b->stage] > b->instr)
            continue;
        tfl_report(ctx, b->name_span,
                   "ARG %s (line %u) is never used: no later instruction of "
                   "this stage or of a stage built from it refers to it",
                   b->name, (unsigned)tfl_binding_line(m, b));
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "build-args",
                                   "maintainability", NULL};

const tfl_rule tfl_rule_unused_arg = {
    .id = "TF509",
    .name = "unused-arg",
    .aliases = no_aliases,
    .severity = TFL_SEV_INFO,
    .summary = "A stage ARG is never used",
    .rationale =
        "An ARG that no later instruction refers to does nothing for the "
        "build, yet it tells readers, and people passing --build-arg, that "
        "the value matters. It is often a sign of a typo in the name where "
        "it was meant to be used, or of a use that was removed. Remove the "
        "ARG, or use it. Programs run by RUN do see every ARG in their "
        "environment; well-known tool variables such as DEBIAN_FRONTEND are "
        "therefore never reported.",
    .bad = "FROM alpine:3.20\nARG VERSION=1.2.3\nRUN apk add --no-cache curl\n",
    .good = "FROM alpine:3.20\nARG VERSION=1.2.3\n"
            "RUN apk add --no-cache \"curl=$VERSION\"\n",
    .tags = tags,
    .check = check,
};
