/*
 * The per-file model: stages and the variable environment the builder sees
 * at each instruction.
 *
 * Stages. Every FROM opens one. Its image reference is kept raw and
 * expanded with the global scope (the ARGs before the first FROM and the
 * predefined platform ARGs); when the expanded reference names an earlier
 * stage (compared lower-cased), that stage is the parent and its whole
 * environment is inherited. The final stage is the last one.
 *
 * Environment. Each ARG word and each ENV pair is one binding, recorded at
 * its place (instruction index, part index within it). Nothing is copied
 * per instruction: a name's bindings are chained newest first, and a lookup
 * at a place walks that chain back to the first binding that is before the
 * place and belongs to the scope (the stage, or one of its ancestors through
 * FROM <stage>). Global bindings are seen only by FROM and by the defaults
 * of later global ARGs; a stage sees a global ARG only through a
 * re-declaration, which inherits the global value when it has no default of
 * its own. PATH and the proxy ARGs are visible in every stage.
 *
 * Uses. While building, every variable reference of the words the builder
 * expands is recorded with its resolved binding (or none), and so is every
 * `$NAME` / `${NAME` in RUN text, which the shell expands at build time with
 * the ARG and ENV values in its environment. Rules read these instead of
 * expanding again.
 *
 * All memory comes from the arena of the file.
 */
#ifndef TFLINT_MODEL_H
#define TFLINT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/ast.h"
#include "tflint/engine.h"
#include "tflint/expand.h"

/* The scope of instructions before the first FROM (and of FROM itself). */
#define TFL_SCOPE_GLOBAL (-1)

typedef enum tfl_origin {
    TFL_ORIGIN_ARG,        /* ARG in a stage */
    TFL_ORIGIN_ENV,        /* ENV in a stage */
    TFL_ORIGIN_GLOBAL_ARG, /* ARG before the first FROM */
    TFL_ORIGIN_PLATFORM,   /* BUILDPLATFORM ... TARGETSTAGE, global scope */
    TFL_ORIGIN_PROXY,      /* HTTP_PROXY and friends, every stage, unset */
    TFL_ORIGIN_PATH        /* the default PATH of every stage */
} tfl_origin;

typedef struct tfl_binding tfl_binding;

/* Bindings count their uses up to this, and stay there. */
#define TFL_BINDING_MAX_USES (((uint32_t)1 << 28) - 1)

/* One declaration of a variable. */
struct tfl_binding {
    const char *name; /* NUL-terminated */
    /* 32 bits, as source offsets are, and the fields packed: a binding
     * costs 96 bytes */
    uint32_t name_len;
    uint32_t part; /* ARG word or ENV pair index within `instr` */
    int stage;     /* owning stage, or TFL_SCOPE_GLOBAL */
    /* references that resolved to it, at most TFL_BINDING_MAX_USES */
    uint32_t nuses : 28;
    unsigned origin : 3; /* a tfl_origin */
    bool self_ref : 1;   /* the default refers to the name itself */
    size_t instr;        /* declaring instruction; SIZE_MAX when predefined */
    /* Value as the builder computes it from the defaults; NULL when the
     * name is declared but unset (`ARG NAME` without default). */
    const char *value;
    const char *raw_default; /* raw text after '=', NULL when none */
    const tfl_word *word;    /* ARG word or ENV key; NULL when predefined */
    tfl_span name_span;      /* the name in the source */
    tfl_span default_span;   /* the default or ENV value; empty if none */
    /* A stage ARG without default that takes the value of this global. */
    const tfl_binding *inherits;
    const tfl_binding *older; /* the previous binding of the same name */
    /* The newest global binding of the name that is this one or older. */
    const tfl_binding *global;
};

/* The most stages a model holds (see tfl_use.scope). */
#define TFL_MODEL_MAX_STAGES (((size_t)1 << 28) - 1)

/* A variable reference found in the file. Packed to 32 bytes: a 60 MB
 * file has 240,000 of them. */
typedef struct tfl_use {
    const char *name;        /* NUL-terminated */
    const tfl_binding *bind; /* what it resolves to; NULL when nothing */
    /* the instruction it is in, 32 bits as source offsets are */
    uint32_t instr;
    /* stage, or TFL_SCOPE_GLOBAL (FROM too); 29 bits hold every stage
     * of a model (TFL_MODEL_MAX_STAGES) */
    signed int scope : 29;
    bool shell : 1; /* in RUN text, expanded by the shell */
    /* `${NAME:-w}`, `${NAME+w}`, `${NAME:?m}` and the like, or inside the
     * `${NAME:+...}` of the same name: the text handles an unset NAME */
    bool guarded : 1;
    bool malformed : 1; /* the word fails to expand: the build stops there */
    tfl_span span;      /* `$NAME` or `${NAME...}` in the source */
} tfl_use;

typedef struct tfl_model_stage {
    size_t index;
    size_t from_instr; /* index of the FROM in doc->instrs */
    size_t end_instr;  /* one past the stage's last instruction */
    const tfl_instr *from;
    const char *name;           /* lower-cased `AS` name, NULL when none */
    const tfl_word *image;      /* the raw reference, NULL when missing */
    const char *image_expanded; /* NULL when the expansion failed */
    int parent;                 /* the earlier stage FROM names, or -1 */
} tfl_model_stage;

typedef struct tfl_model tfl_model;

struct tfl_model {
    const tfl_doc *doc;
    tfl_model_stage *stages;
    size_t nstages;
    size_t final_stage;    /* meaningful when nstages > 0 */
    int *scope_of;         /* per instruction: the scope its words expand in */
    tfl_binding *bindings; /* predefined first, then in document order */
    size_t nbindings;
    tfl_use *uses; /* in document order */
    size_t nuses;
    /* private */
    const tfl_binding **table; /* newest binding per name, open addressing */
    size_t table_cap;
    size_t first_every; /* bindings [first_every, first_doc) are PATH, proxy */
    size_t first_doc;   /* first binding declared by the file */
    /* Long chains of one name as arrays, oldest first, so that a lookup
     * at any place costs a binary search (see index_chains). */
    const struct tfl_model_chain *chains;
    size_t chains_cap; /* 0 when no chain is long */
};

/*
 * Build the model of `doc` from `arena`. Returns 0, or -1 when memory runs
 * out or the file has more than TFL_MODEL_MAX_STAGES stages (then `*out`
 * must not be used). Malformed variable syntax is not an error: such
 * words simply record no uses.
 */
int tfl_model_build(tfl_arena *arena, const tfl_doc *doc, tfl_model *out);

/*
 * The model of the file being linted, built on first call; NULL when
 * memory ran out (ctx->oom is then set).
 */
const tfl_model *tfl_ctx_model(tfl_ctx *ctx);

/* Stage holding instruction `instr`, or TFL_SCOPE_GLOBAL before the first
 * FROM. A FROM belongs to the stage it opens. */
int tfl_model_stage_of(const tfl_model *m, size_t instr);

/*
 * What NAME means in the words of instruction `instr`, before its own
 * declarations take effect: the binding, or NULL when nothing declares
 * it. FROM looks in the global scope. The binding's origin, instr and
 * default_span say where the value came from; its value may be NULL
 * (declared, unset).
 */
const tfl_binding *tfl_model_lookup(const tfl_model *m, size_t instr,
                                    const char *name, size_t len);

/* As tfl_model_lookup(), but also seeing the ARG words of `instr` before
 * word `part` (a later ARG word sees an earlier one's value). */
const tfl_binding *tfl_model_lookup_part(const tfl_model *m, size_t instr,
                                         size_t part, const char *name,
                                         size_t len);

/*
 * Expand `len` bytes of `text` as the builder would in instruction `instr`
 * (quotes removed, variables substituted with their default values). The
 * result and its references come from `arena`. Returns as
 * tfl_expand_word(): 0, 1 for malformed text, -1 when memory runs out.
 */
int tfl_model_expand(const tfl_model *m, tfl_arena *arena, size_t instr,
                     const char *text, size_t len, tfl_expansion *out);

/*
 * The ARG of the use's own scope declared by an instruction after the
 * use's one (the use comes before its declaration), or NULL.
 */
const tfl_binding *tfl_model_declared_later(const tfl_model *m,
                                            const tfl_use *u);

/* The global ARG (or predefined platform ARG) called NAME, or NULL. */
const tfl_binding *tfl_model_global(const tfl_model *m, const char *name,
                                    size_t len);

/* Stage `s`'s root: the stage its chain of FROM <stage> starts from. */
const tfl_model_stage *tfl_model_root(const tfl_model *m, size_t s);

/* Does stage `stage` (or TFL_SCOPE_GLOBAL) declare NAME anywhere? */
bool tfl_model_declares(const tfl_model *m, const char *name, size_t len,
                        int stage);

/* The newest binding of NAME declared by the file in any scope, or NULL. */
const tfl_binding *tfl_model_any(const tfl_model *m, const char *name,
                                 size_t len);

/* "ARG", "ENV", "global ARG", "predefined ARG", "proxy ARG" or "PATH". */
const char *tfl_origin_name(tfl_origin origin);

/* 1-based line of a binding's declaration, 0 when predefined. */
uint32_t tfl_binding_line(const tfl_model *m, const tfl_binding *b);

#endif
