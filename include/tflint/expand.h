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
 * valid during the expansion) or NULL when the name is unset.
 */
typedef const char *(*tfl_lookup_fn)(void *ud, const char *name, size_t len);

typedef struct tfl_env {
    tfl_lookup_fn lookup;
    void *ud;
} tfl_env;

/* One `$NAME` or `${NAME...}` in the input. */
typedef struct tfl_varref {
    const char *name; /* NUL-terminated, from the arena */
    uint32_t off;     /* offset of the '$' in the input */
    uint32_t len;     /* length of the whole reference, through '}' */
    bool set;         /* the lookup found a value (possibly empty) */
} tfl_varref;

typedef struct tfl_expansion {
    /* tfl_expand_word: the result; tfl_expand_words: unused */
    const char *value;
    size_t len;
    /* tfl_expand_words: the resulting words */
    const char **words;
    size_t *word_lens;
    size_t nwords;
    tfl_varref *refs; /* in input order, nested ones included */
    size_t nrefs;
    const char *error;  /* when expansion failed: BuildKit's message */
    uint32_t error_off; /* where in the input it failed */
} tfl_expansion;

/*
 * Expand one word (ProcessWord): quotes removed, variables substituted, no
 * field splitting. `escape` is the file's escape character. Returns 0, 1
 * when the word is malformed (out->error says why), -1 when memory runs
 * out. Results come from `arena`.
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
 * Expand a COPY/ADD heredoc body: variables substituted, quotes left alone.
 * Returns as tfl_expand_word().
 */
int tfl_expand_heredoc(tfl_arena *arena, const char *in, size_t len,
                       const tfl_env *env, tfl_expansion *out);

#endif
