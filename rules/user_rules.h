/*
 * Helpers the user and ownership rules (TF200-TF205, TF300-TF302) share:
 * which stage is built, which stages the built image is made of, the USER
 * in effect at an instruction, account and path tests, and the words that
 * say where a value came from. They read the ops (tflint/ops.h) and the
 * model; nothing here reports.
 */
#ifndef TFL_USER_RULES_H
#define TFL_USER_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "tflint/engine.h"
#include "tflint/model.h"
#include "tflint/ops.h"

/*
 * The stage that is built: the one `--target` names (compared without
 * regard to case; the latest of that name), else the last one. A target
 * the file does not have falls back to the last stage too (the command
 * line reports that as a usage error). -1 when the file has no stage.
 */
long tfl_built_stage(const tfl_ctx *ctx, const tfl_model *m);

/* Is stage `a` the stage `s` itself or one it is built FROM (directly or
 * through other stages)? */
bool tfl_stage_in_chain(const tfl_model *m, long s, long a);

/* The last USER before instruction `instr`, in its stage or in the stages
 * that one is built FROM; NULL when none (the base image's user). */
const tfl_user_op *tfl_user_before(const tfl_ops *ops, const tfl_model *m,
                                   size_t instr);

/* Does the account value `s` mean root: "root", or a UID/GID of zero
 * ("0", "00")? */
bool tfl_is_root_id(const char *s);

/* Is `s` a decimal number (the form the kernel sees, not a name)? */
bool tfl_is_number(const char *s);

/*
 * Where the build-time value of `v` came from, for a message: "" for a
 * literal word, else " (default of ARG NAME, line N)", " (ENV NAME, line
 * N)", " (--build-arg NAME)" or " (set earlier in this RUN)". From
 * ctx->arena; "" when memory runs out.
 */
const char *tfl_value_source(tfl_ctx *ctx, const tfl_model *m,
                             const tfl_value *v);

/* The value of `v` for a message: its build-time text, else the raw word,
 * clipped; never NULL. */
const char *tfl_value_show(tfl_ctx *ctx, const tfl_value *v);

/*
 * A path operand as the kernel would name it, for comparisons: repeated
 * and trailing slashes and "." components dropped ("/root/" and "//root/."
 * are "/root"). Written to `out` (NUL-terminated); false when `path` is
 * not absolute or does not fit `cap`.
 */
bool tfl_path_clean(const char *path, char *out, size_t cap);

/* Is the clean absolute path `path` equal to `dir` or below it? */
bool tfl_path_under(const char *path, const char *dir);

/* What a chmod mode grants, as bits of tfl_mode_grants(). */
enum {
    TFL_MODE_GROUP_W = 1u << 0, /* group may write */
    TFL_MODE_OTHER_W = 1u << 1, /* every other account may write */
    TFL_MODE_STICKY = 1u << 2   /* the sticky bit is set */
};

/*
 * What the chmod mode `mode` (octal, or symbolic clauses such as
 * "u+rwx,go=rx") grants. A clause without "who" letters is reduced by the
 * umask, and RUN steps run with Docker's 0022, so `+w` or `=rw` grants
 * write to the owner only. Copying clauses (`g=u`) grant nothing here.
 * 0 for NULL or a mode that is not valid.
 */
unsigned tfl_mode_grants(const char *mode);

#endif
