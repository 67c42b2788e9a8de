/*
 * Variable expansion and quote removal as BuildKit's shell lexer does it
 * (frontend/dockerfile/shell), for the words the builder expands: FROM,
 * ENV, LABEL, ARG defaults, COPY/ADD, WORKDIR, USER, VOLUME, STOPSIGNAL,
 * EXPOSE, RUN --mount.
 *
 * Supported: '...' (literal), "..." (escape char escapes only '"', '$' and
 * itself), the escape character outside quotes, $NAME, ${NAME}, and the
 * modifiers :- - :+ + :? ? # ## % %% / //. Everything else BuildKit rejects
 * is an error here too, with its message.
 *
 * Every variable reference is recorded with its place in the input word,
 * whether the name was set, so rules can follow values back to their ARG or
 * ENV and report undefined ones.
 */
#ifndef TFLINT_EXPAND_H
#define TFLINT_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"

/*
 * Look a name up: return its value (NUL-terminated, owned by the callee and
 * valid during the expansion) or NULL when the name is unset. The name is
 * `len` bytes, NUL-terminated unless TFL_EXPAND_NO_NAMES is given.
 */
typedef const char *(*tfl_lookup_fn)(void *ud, const char *name, size_t len);

typedef struct tfl_env {
    tfl_lookup_fn lookup;
    void *ud;
} tfl_env;

/*
 * One `$NAME` or `${NAME...}` in the input, recorded when its name is
 * looked up (so also inside the word of `${A:-$B}`, and for A even when
 * the default is used). BuildKit looks up an empty name in forms such as
 * `${+x}`; those appear here too, with name "".
 */
typedef struct tfl_varref {
    const char *name;  /* NUL-terminated, from the arena (see NO_NAMES) */
    uint32_t off;      /* offset of the '$' in the input */
    uint32_t len;      /* length of the whole reference, through '}' */
    uint32_t name_off; /* offset of the name in the input */
    uint32_t name_len; /* its length in bytes */
    bool set;          /* the lookup found a value (possibly empty) */
} tfl_varref;

typedef struct tfl_expansion {
    /* the expanded text, NUL-terminated; tfl_expand_words: unsplit */
    const char *value;
    size_t len;
    /* tfl_expand_words: the resulting words */
    const char **words;
    size_t *word_lens;
    size_t nwords;
    /* in input order of their '$', nested ones included; after a
     * failure only those completed before it */
    tfl_varref *refs;
    size_t nrefs;
    /* when expansion failed: BuildKit's message, without the
     * `failed to process "..."` wrapper its callers add */
    const char *error;
    /* where: the opening quote of an unterminated quote, else the '$' of
     * the reference that could not be expanded (the outermost one when
     * the input ends inside nested references) */
    uint32_t error_off;
} tfl_expansion;

/*
 * Expand one word (ProcessWord): quotes removed, variables substituted, no
 * field splitting. `escape` is the file's escape character (backslash or
 * backtick). `env` may be NULL (every name unset). Returns 0, 1 when the
 * word is malformed (out->error says why), -1 when memory runs out.
 * Results come from `arena`.
 */
int tfl_expand_word(tfl_arena *arena, const char *in, size_t len, char escape,
                    const tfl_env *env, tfl_expansion *out);

/*
 * Expand and split into words as an unquoted shell would (ProcessWords):
 * white space outside quotes, and white space produced by an unquoted
 * expansion, separates words. Returns as tfl_expand_word().
 */
int tfl_expand_words(tfl_arena *arena, const char *in, size_t len, char escape,
                     const tfl_env *env, tfl_expansion *out);

/*
 * Expand a COPY/ADD heredoc body: variables substituted, quotes ordinary
 * characters, and the escape character (always `\`) kept together with the
 * character it protects, so `\$X` stays `\$X`. Returns as
 * tfl_expand_word().
 */
int tfl_expand_heredoc(tfl_arena *arena, const char *in, size_t len,
                       const tfl_env *env, tfl_expansion *out);

/* Options of tfl_expand(), or-ed. */
enum {
    /* a COPY/ADD heredoc body, as tfl_expand_heredoc() (`escape` is then
     * ignored) */
    TFL_EXPAND_HEREDOC = 1u << 0,
    /* only the references and the verdict are wanted: no value is built
     * (out->value stays NULL), nor the matches of # % and / */
    TFL_EXPAND_NO_VALUE = 1u << 1,
    /* names are not copied: refs[i].name stays NULL (the name is the
     * name_len bytes at in + name_off), and the lookup is handed the name
     * where it is in the input, not NUL-terminated */
    TFL_EXPAND_NO_NAMES = 1u << 2
};

/*
 * Expand one word as tfl_expand_word() does, with the options `flags`
 * (TFL_EXPAND_*), for callers that need less than the whole result.
 * Returns as tfl_expand_word(), with the same references and errors.
 */
int tfl_expand(tfl_arena *arena, const char *in, size_t len, char escape,
               unsigned flags, const tfl_env *env, tfl_expansion *out);

#endif
