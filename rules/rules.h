/*
 * The rule records defined under rules/, one per file, and the few helpers
 * several rules share (rules/common.c): the stages of a document, the text
 * of an instruction as the builder sees it, and short quoted values for
 * messages.
 */
#ifndef TFL_RULES_H
#define TFL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/engine.h"
#include "tflint/rule.h"

extern const tfl_rule tfl_rule_parse_error;           /* TF100 */
extern const tfl_rule tfl_rule_inline_comment;        /* TF101 */
extern const tfl_rule tfl_rule_empty_continuation;    /* TF102 */
extern const tfl_rule tfl_rule_malformed_json;        /* TF103 */
extern const tfl_rule tfl_rule_json_args_recommended; /* TF104 */
extern const tfl_rule tfl_rule_instruction_casing;    /* TF105 */
extern const tfl_rule tfl_rule_maintainer_deprecated; /* TF106 */
extern const tfl_rule tfl_rule_stage_name;            /* TF107 */
extern const tfl_rule tfl_rule_multiple_instructions; /* TF108 */
extern const tfl_rule tfl_rule_workdir_relative;      /* TF109 */
extern const tfl_rule tfl_rule_legacy_key_value;      /* TF110 */
extern const tfl_rule tfl_rule_image_tag;             /* TF111 */
extern const tfl_rule tfl_rule_untrusted_registry;    /* TF112 */

extern const tfl_rule tfl_rule_missing_user;    /* TF200 */
extern const tfl_rule tfl_rule_root_user;       /* TF201 */
extern const tfl_rule tfl_rule_unknown_account; /* TF202 */
extern const tfl_rule tfl_rule_numeric_user;    /* TF203 */
extern const tfl_rule tfl_rule_sudo;            /* TF204 */
extern const tfl_rule tfl_rule_nobody_user;     /* TF205 */
extern const tfl_rule tfl_rule_root_home_chown; /* TF300 */
extern const tfl_rule tfl_rule_chown_layer;     /* TF301 */
extern const tfl_rule tfl_rule_world_writable;  /* TF302 */

extern const tfl_rule tfl_rule_invalid_id;           /* TF400 */
extern const tfl_rule tfl_rule_host_range_id;        /* TF401 */
extern const tfl_rule tfl_rule_unmappable_id;        /* TF402 */
extern const tfl_rule tfl_rule_duplicate_id;         /* TF403 */
extern const tfl_rule tfl_rule_duplicate_name;       /* TF404 */
extern const tfl_rule tfl_rule_lastlog_bloat;        /* TF405 */
extern const tfl_rule tfl_rule_missing_account_tool; /* TF406 */

extern const tfl_rule tfl_rule_undefined_var;           /* TF500 */
extern const tfl_rule tfl_rule_global_arg_out_of_scope; /* TF501 */
extern const tfl_rule tfl_rule_arg_before_declaration;  /* TF502 */
extern const tfl_rule tfl_rule_empty_default;           /* TF503 */
extern const tfl_rule tfl_rule_conflicting_default;     /* TF505 */
extern const tfl_rule tfl_rule_redundant_fallback;      /* TF506 */
extern const tfl_rule tfl_rule_arg_redeclared;          /* TF507 */
extern const tfl_rule tfl_rule_secret_in_arg_env;       /* TF508 */
extern const tfl_rule tfl_rule_unused_arg;              /* TF509 */

/* One build stage: a FROM and the instructions up to the next FROM. */
typedef struct tfl_stage {
    const tfl_instr *from;
    size_t first, end;    /* doc->instrs indexes: the FROM, one past last */
    const tfl_word *name; /* the word after AS, or NULL */
    long parent;          /* the earlier stage FROM names, or -1 */
    long first_named;     /* first stage with this name (maybe this one),
                             -1 when unnamed */
} tfl_stage;

/* The stages of a document, with a hash of their names (compared
 * without regard to case, as the builder does). */
typedef struct tfl_stages {
    tfl_stage *v;
    size_t n;
    uint32_t *slots; /* stage index + 1 of the latest stage per name */
    size_t mask;     /* number of slots - 1 */
    size_t nnamed;   /* stages with a name */
} tfl_stages;

/*
 * The stages of ctx->doc in order, from ctx->arena (zero stages when the
 * file has no FROM). A stage's parent is the latest earlier stage whose
 * name equals the FROM image, as the builder resolves it. Linear in the
 * size of the document, and built once per file: later calls copy the
 * same table, which callers only read. Returns 0, or -1 when memory runs
 * out (then ctx->oom is set).
 */
int tfl_stages_get(tfl_ctx *ctx, tfl_stages *out);

/* The latest stage called `name` (any case), or -1. */
long tfl_stages_find(const tfl_stages *t, const char *name);

/* The stage name word of FROM instruction `in` (`FROM img AS name`), or
 * NULL. */
const tfl_word *tfl_from_name(const tfl_instr *in);

/* Offset in `in->line` of the byte at source offset `src_off`, or
 * UINT32_MAX when that byte is not part of the joined text. */
uint32_t tfl_line_offset(const tfl_instr *in, uint32_t src_off);

/*
 * `len` bytes of `s` for a message: control characters shown as spaces,
 * cut to about `max` bytes with "..." at a character boundary. From
 * ctx->arena; "" when memory runs out (ctx->oom is set).
 */
const char *tfl_clip(tfl_ctx *ctx, const char *s, size_t len, size_t max);

/* As tfl_clip(), into `out` (room for `max` + 4 bytes), for a text that
 * only goes into the message of the next tfl_report(): that copies it. */
const char *tfl_clip_into(char *out, const char *s, size_t len, size_t max);

/* Is `s` all lower case / all upper case (ASCII letters; other bytes
 * ignored)? */
bool tfl_is_lower(const char *s, size_t len);
bool tfl_is_upper(const char *s, size_t len);

/* Helpers of the account rules (rules/accounts.c), for messages; from
 * ctx->arena. */
struct tfl_account;
struct tfl_value;

/* The stage's base image (through FROM <stage>), quoted. */
const char *tfl_stage_image(tfl_ctx *ctx, int stage);

/* Where account `a` of stage `stage` comes from: "in the base image 'x'"
 * or "(created on line N)". */
const char *tfl_account_where(tfl_ctx *ctx, const struct tfl_account *a,
                              int stage);

/* The value quoted (numbers are not), with where it came from: "'app'",
 * "1001 (default of ARG USER_ID, line 4)". */
const char *tfl_value_quoted(tfl_ctx *ctx, const struct tfl_value *v);

/* --- IDs and fallbacks (rules/ids.c, rules/fallbacks.c) ---------------- */

struct tfl_value;
struct tfl_acct_op;
struct tfl_sh_fallback;
struct tfl_binding;

/* A UID or GID word the ID rules judge: the value of an account tool's
 * option, a numeric USER, chown or --chown owner. */
typedef struct tfl_id_ref {
    const struct tfl_value *v;
    bool gid;                     /* a group ID rather than a user ID */
    bool need_number;             /* only a number is valid here */
    const struct tfl_acct_op *op; /* the account command, or NULL */
    const char *where;            /* "useradd -u", "USER", "chown" */
    int stage;
} tfl_id_ref;

/*
 * Every ID word of the file (account tools, USER, chown, chgrp, --chown),
 * in ops order, in an array the caller frees with tfl_id_refs_free() (the
 * three ID rules each read it once: kept in the arena it would last to
 * the end of the run three times over). Words that are names rather than
 * IDs are left out unless they look numeric (a digit or '-' first).
 * Returns 0, or -1 when memory runs out (ctx->oom is set).
 */
int tfl_id_refs(tfl_ctx *ctx, tfl_id_ref **out, size_t *n);

/* Free an array of tfl_id_refs() (NULL is fine). */
void tfl_id_refs_free(tfl_id_ref *v);

/* Where a value comes from, for a message, as tfl_value_origin() says it
 * (" (default of ARG X, line 4)", " (--build-arg X)", "" for a literal
 * word), with the line of the global ARG for a stage ARG that inherits its
 * default. From ctx->arena. */
const char *tfl_id_origin(tfl_ctx *ctx, const struct tfl_value *v);

/* How `op` spells the option of its ID ("useradd -u", "groupadd -g") or,
 * with `group`, of its primary group ("useradd -g"). */
const char *tfl_acct_option(const struct tfl_acct_op *op, bool group);

/* "UID" or "GID". */
const char *tfl_id_kind(const tfl_id_ref *r);

/* Call `fn` for every fallback a RUN gives a variable (tfl_sh_fallbacks()
 * forms) whose value is literal, when the variable is an ARG with a
 * non-empty default at that RUN; `b` is the ARG that sets the default (the
 * global one for a stage ARG that inherits it). */
/* Where a finding about fallback `f` points: its value, or the whole
 * fallback when the value is empty. */
tfl_span tfl_fallback_span(const struct tfl_sh_fallback *f);

typedef struct tfl_arg_fallback {
    size_t instr;
    const struct tfl_sh_fallback *f;
    const struct tfl_binding *b;
} tfl_arg_fallback;

void tfl_arg_fallbacks(tfl_ctx *ctx, void (*fn)(tfl_ctx *ctx, size_t instr,
                                                const struct tfl_sh_fallback *f,
                                                const struct tfl_binding *b));

#endif
