/*
 * TF508 secret-in-arg-env: an ARG or ENV of a stage whose name looks like
 * it holds a secret. ENV values are stored in the image configuration and
 * ARG values in its history, so whatever is passed ends up readable by
 * anyone who can pull the image.
 *
 * The name is matched with PCRE2, case-insensitively, on its components
 * between underscores. Flagged components are BuildKit's (apikey, auth,
 * credential, credentials, key, password, pword, passwd, secret, token)
 * plus `private` from hadolint's substrings (its api_key, client_key,
 * password, secret and token are covered by the components already). Not
 * flagged when a component is public, file or version, as in BuildKit, or
 * gpg: GPG_KEY names the fingerprint official images verify downloads
 * with. hadolint's `username` is left out on purpose: an account name is
 * not a secret, and `ARG USERNAME` is how images name the user they create.
 *
 * Global ARGs are not checked (BuildKit does not either): a stage that
 * uses one re-declares it, and that declaration is checked.
 *
 * The configuration may replace the pattern (`secret-pattern`, searched
 * case-insensitively in the name, like this one).
 *
 * The built-in pattern only asks which components a name has, so names of
 * plain ASCII are decided by comparing their components with the two word
 * lists below, without PCRE2 (the regex was 4% of a corpus run, its
 * compilation 9% of a small file's). Other names, with bytes past ASCII
 * (where Unicode case folding and invalid UTF-8 have PCRE2's own rules)
 * or line breaks (where `.` and `$` do), still go to the pattern.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "bytes8.h"
#include "rules.h"
#include "tflint/engine.h"
#include "tflint/model.h"
#include "tflint/regex.h"

static const char pattern[] =
    "^(?!(?:.*_)?(?:public|file|version|gpg)(?:_|$))"
    "(?:.*_)?(?:apikey|auth|credentials?|key|password|pword|passwd|secret|"
    "token|private)(?:_|$)";

/* The pattern's words: a component equal to one of `exempt` clears the
 * name, else one equal to one of `secret` flags it. */
typedef struct word {
    const char *s;
    size_t n;
} word;
#define W(x)                                                                   \
    {                                                                          \
        x, sizeof x - 1                                                        \
    }
static const word secret[] = {
    W("apikey"), W("auth"),     W("credential"), W("credentials"),
    W("key"),    W("password"), W("pword"),      W("passwd"),
    W("secret"), W("token"),    W("private"),
};
static const word exempt[] = {W("public"), W("file"), W("version"), W("gpg")};

static bool in_list(const char *s, size_t n, const word *list, size_t count)
{
    size_t i;

    /* The words are lower case: a first byte that cannot fold to theirs
     * rules one out before the compare. */
    for (i = 0; i < count; i++)
        if (list[i].n == n && (s[0] | 0x20) == list[i].s[0] &&
            strncasecmp(s, list[i].s, n) == 0)
            return true;
    return false;
}

/* Lengths a word of either list has (bit n: some word is n bytes long):
 * most components are none of them and need no compare at all. */
#define LEN_BIT(n) (1u << (n))
static const unsigned word_lens = LEN_BIT(3) | LEN_BIT(4) | LEN_BIT(5) |
                                  LEN_BIT(6) | LEN_BIT(7) | LEN_BIT(8) |
                                  LEN_BIT(10) | LEN_BIT(11);

/* The built-in pattern on `name`: 1 when it matches, 0 when not, -1 when
 * the name has bytes only PCRE2 can judge. */
static int builtin_match(const char *name, size_t len)
{
    bool flagged = false;
    size_t i, start = 0;

    for (i = 0; i <= len; i++) {
        size_t n;

        /* printable ASCII but '_', by far the most bytes, eight at a
         * time: the lowest byte flagged is always one that is not (see
         * bytes8.h), so the count stops right at it */
        while (len - i >= 8) {
            uint64_t w = tfl_load8(name + i), u = w ^ ('_' * TFL_ONES8);
            uint64_t stop =
                (((w - 0x20 * TFL_ONES8) & ~w) | w | ((u - TFL_ONES8) & ~u)) &
                TFL_HIGH8;

            if (stop) {
                i += (size_t)__builtin_ctzll(stop) / 8;
                break;
            }
            i += 8;
        }
        if (i < len) {
            unsigned char c = (unsigned char)name[i];

            /* printable ASCII but '_': one test */
            if ((unsigned char)(c - 0x20) < 0x60 && c != '_')
                continue;
            if (c < 0x20 ? c == 0 || c == '\n' || c == '\r' : c >= 0x80)
                return -1;
            if (c != '_')
                continue;
        }
        /* an exempt component decides only once the name is known to be
         * plain ASCII: the rest of it is checked before the answer */
        n = i - start;
        if (n < 32 && (word_lens >> n & 1)) {
            if (in_list(name + start, n, exempt,
                        sizeof exempt / sizeof exempt[0])) {
                for (i++; i < len; i++) {
                    unsigned char c = (unsigned char)name[i];

                    if (c < 0x20 ? c == 0 || c == '\n' || c == '\r' : c >= 0x80)
                        return -1;
                }
                return 0;
            }
            flagged = flagged || in_list(name + start, n, secret,
                                         sizeof secret / sizeof secret[0]);
        }
        start = i + 1;
    }
    return flagged;
}

/*
 * Compiled once for the life of the process, under pthread_once() because
 * files are linted by several threads at a time; a compiled pattern may be
 * matched from any number of threads (regex.c).
 */
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;
static tfl_regex *compiled;

static void compile_builtin(void)
{
    if (tfl_regex_compile(&compiled, pattern, TFL_REGEX_ICASE, NULL, 0, NULL) !=
        0)
        compiled = NULL;
}

/* Does `name` look like a secret's: 1 yes, 0 no, -1 when the pattern
 * cannot be used (it did not compile) or fails on the name. */
static int is_secret(const tfl_config *cfg, const char *name, size_t len)
{
    int rc;

    if (cfg->secret_pattern)
        return tfl_regex_match(cfg->secret_pattern, name, len);
    if ((rc = builtin_match(name, len)) >= 0)
        return rc;
    pthread_once(&compile_once, compile_builtin);
    return compiled ? tfl_regex_match(compiled, name, len) : -1;
}

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    size_t i;

    for (i = m ? m->first_doc : 0; m && i < m->nbindings; i++) {
        const tfl_binding *b = &m->bindings[i];
        const char *kind = b->origin == TFL_ORIGIN_ENV ? "ENV" : "ARG";

        if (b->origin != TFL_ORIGIN_ARG && b->origin != TFL_ORIGIN_ENV)
            continue;
        if (is_secret(ctx->config, b->name, b->name_len) != 1)
            continue;
        tfl_report(ctx, b->name_span,
                   "%s %s (line %u) looks like a secret: its value stays "
                   "readable in the image %s; use a secret mount "
                   "(RUN --mount=type=secret) instead",
                   kind, b->name, (unsigned)tfl_binding_line(m, b),
                   b->origin == TFL_ORIGIN_ENV ? "configuration" : "history");
    }
}

static const char *const aliases[] = {"DL3064", "SecretsUsedInArgOrEnv", NULL};
static const char *const tags[] = {"dockerfile", "security", "secrets", NULL};

const tfl_rule tfl_rule_secret_in_arg_env = {
    .id = "TF508",
    .name = "secret-in-arg-env",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "An ARG or ENV name looks like it carries a secret",
    .rationale =
        "ENV values are written into the image configuration and build "
        "argument values into the image history (docker history shows "
        "them), so a token, password or key passed this way can be read by "
        "anyone who can pull the image, long after the build. Pass secrets "
        "with `RUN --mount=type=secret,id=NAME` (docker build --secret) so "
        "they exist only while that one command runs.",
    .bad =
        "FROM alpine:3.20\nARG NPM_TOKEN\n"
        "RUN echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > .npmrc\n",
    .good = "FROM alpine:3.20\n"
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n",
    .tags = tags,
    .check = check,
};
