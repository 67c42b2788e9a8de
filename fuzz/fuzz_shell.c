/*
 * libFuzzer entry point for the shell splitter and the variable expander:
 * the input is split as RUN text, its fallbacks collected, and expanded as
 * a word, as words and as a heredoc body with both escape characters.
 * The lookup knows a value for every name whose length is odd, so both the
 * set and the unset branches of ${X:-v}, ${X:+v} and the like are taken.
 *
 * tfl_fuzz_shell() is the body; fuzz/replay.c calls it for regression
 * files in ordinary test builds (TFL_FUZZ_REPLAY), where libFuzzer's entry
 * point is left out.
 */
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/expand.h"
#include "tflint/shell.h"

int tfl_fuzz_shell(const uint8_t *data, size_t size);

static const char *lookup(void *ud, const char *name, size_t len)
{
    (void)ud;
    (void)name;
    return len % 2 ? "a b  c" : NULL;
}

static void split(tfl_arena *a, const char *text, size_t len)
{
    tfl_sh_fallback *fb = NULL;
    tfl_sh_script s;
    size_t i, k, nfb = 0;

    if (tfl_shell_split(a, text, len, NULL, &s) != 0)
        return;
    for (i = 0; i < s.ncmds; i++) {
        const tfl_sh_cmd *c = &s.cmds[i];

        (void)tfl_sh_cmd_name(c);
        for (k = 0; k < tfl_sh_cmd_nargs(c); k++)
            (void)tfl_sh_cmd_arg(c, k);
    }
    (void)tfl_sh_fallbacks(a, &s, &fb, &nfb);
}

int tfl_fuzz_shell(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    tfl_env env = {lookup, NULL};
    tfl_expansion x;
    tfl_arena a;

    tfl_arena_init(&a);
    split(&a, text, size);
    (void)tfl_expand_word(&a, text, size, '\\', &env, &x);
    (void)tfl_expand_word(&a, text, size, '`', &env, &x);
    (void)tfl_expand_words(&a, text, size, '\\', &env, &x);
    (void)tfl_expand_heredoc(&a, text, size, &env, &x);
    tfl_arena_free(&a);
    return 0;
}

#ifndef TFL_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return tfl_fuzz_shell(data, size);
}
#endif
