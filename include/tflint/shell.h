/*
 * The shell splitter: what a RUN command (shell form, heredoc body, or the
 * string of `sh -c`) will do, cut into simple commands, each word tied to
 * its exact bytes in the Dockerfile.
 *
 * It is not a shell. It understands quoting ('...', "...", $'...', the
 * backslash), parameter expansions with their modifiers, $(...), `...`,
 * $((...)), the operators && || ; | |& & and new lines, redirections and
 * here-documents (whose bodies are skipped as data), groups { }, subshells
 * ( ), if/elif/else, while/until, for, case and function bodies. Nothing is
 * ever executed or expanded: a word whose value depends on the environment
 * keeps its parts, so the model can evaluate it with what it knows.
 *
 * The output is flat: every simple command of the script, including those
 * inside $(...), backticks and nested `sh -c` strings, appears in one array
 * in pre-order (a command before the commands nested in its words). Blocks
 * describe the compound commands around them.
 *
 * Hostile input is bounded: work is linear in the text (times the nesting
 * cap for backticks and nested shells), nesting deeper than
 * TFL_SH_MAX_DEPTH is kept as opaque text, unbalanced quotes and brackets
 * end at the end of the text, and any byte (NUL, invalid UTF-8) is data.
 *
 * All memory comes from the arena given to tfl_shell_split().
 */
#ifndef TFLINT_SHELL_H
#define TFLINT_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/ast.h"
#include "tflint/source.h"

/* Deepest nesting of blocks, substitutions and nested shells parsed. */
#define TFL_SH_MAX_DEPTH 64

/* "No such index" for the uint32_t indexes below. */
#define TFL_SH_NONE UINT32_MAX

typedef struct tfl_sh_word tfl_sh_word;

/* What a `${NAME...}` does when NAME is unset (or empty, with ':'). */
typedef enum tfl_sh_varop {
    TFL_SH_VAR_PLAIN,   /* $X, ${X} */
    TFL_SH_VAR_DEFAULT, /* ${X-v}, ${X:-v} */
    TFL_SH_VAR_ASSIGN,  /* ${X=v}, ${X:=v} */
    TFL_SH_VAR_ALT,     /* ${X+v}, ${X:+v} */
    TFL_SH_VAR_ERROR,   /* ${X?v}, ${X:?v} */
    TFL_SH_VAR_LENGTH,  /* ${#X} */
    TFL_SH_VAR_OTHER    /* trims, replacements, substrings, ${!X}, ... */
} tfl_sh_varop;

/* One parameter expansion. */
typedef struct tfl_sh_var {
    const char *name;       /* NUL-terminated; "1", "@", "?" for special ones */
    const tfl_sh_word *arg; /* word after the operator, or NULL */
    tfl_span span;          /* the whole reference, '$' through '}' */
    tfl_span name_span;     /* the name alone */
    uint32_t name_len;
    uint32_t cmd; /* command whose word holds it, or TFL_SH_NONE */
    tfl_sh_varop op;
    bool colon;  /* the ':' form (also when set but empty) */
    bool quoted; /* inside "..." */
} tfl_sh_var;

typedef enum tfl_sh_part_kind {
    TFL_SH_PART_LITERAL, /* text, quotes and escapes removed */
    TFL_SH_PART_VAR,     /* a parameter expansion */
    TFL_SH_PART_SUBST,   /* $(...) or `...`: output unknown */
    TFL_SH_PART_ARITH    /* $((...)) */
} tfl_sh_part_kind;

/* A piece of a word: its value is the concatenation of its parts. */
typedef struct tfl_sh_part {
    const char *text; /* LITERAL: the value; otherwise the raw text */
    /* What the kind says is set (all zero for LITERAL and ARITH). */
    union {
        const tfl_sh_var *var; /* VAR */
        struct {
            uint32_t first_cmd; /* SUBST: the nested commands, */
            uint32_t end_cmd;   /* [first_cmd, end_cmd) of the script */
        };
    };
    tfl_span span; /* raw text of the part in the source */
    uint32_t len;
    uint8_t kind; /* tfl_sh_part_kind */
    bool quoted;  /* inside '...', "..." or $'...' */
} tfl_sh_part;

enum {
    TFL_SH_WORD_QUOTED = 1 << 0,  /* some part was quoted or escaped */
    TFL_SH_WORD_EXPANDS = 1 << 1, /* has a VAR, SUBST or ARITH part */
    TFL_SH_WORD_GLOB = 1 << 2,    /* unquoted * ? or [ */
    TFL_SH_WORD_TILDE = 1 << 3,   /* starts with an unquoted ~ */
    TFL_SH_WORD_OPEN = 1 << 4,    /* a quote or bracket never closed */
    TFL_SH_WORD_DEEP = 1 << 5     /* nesting cap hit: part kept opaque */
};

struct tfl_sh_word {
    const char *raw; /* as written, in the text of its own level */
    const tfl_sh_part *parts;
    /*
     * A word that is one unquoted literal part, the most common kind, is
     * its own part: `parts` then points to `self`, whose text, span and
     * length are the word's value, span and length (and whose `var` is
     * the word's `vars`, NULL as such a word has none).
     */
    union {
        tfl_sh_part self;
        struct {
            /* After quote removal; NULL unless every part is LITERAL. */
            const char *value;
            const tfl_sh_var *const *vars; /* direct references, in order */
            tfl_span span;                 /* the raw word in the source */
            uint32_t len;
            uint8_t self_kind; /* 0, the part's `kind` */
            bool self_quoted;  /* false, the part's `quoted` */
            uint16_t flags;    /* TFL_SH_WORD_* */
        };
    };
    uint32_t raw_len;
    uint32_t nparts;
    uint32_t nvars;
};

typedef enum tfl_sh_assign_kind {
    TFL_SH_ASSIGN_PLAIN, /* X=1 before the command name (or alone) */
    TFL_SH_ASSIGN_ENV,   /* env X=1 cmd */
    TFL_SH_ASSIGN_EXPORT /* export/readonly/declare/local/typeset X=1 */
} tfl_sh_assign_kind;

typedef struct tfl_sh_assign {
    tfl_sh_word value; /* what follows '=' (may be empty) */
    const char *name;  /* NUL-terminated */
    tfl_span name_span;
    tfl_span span; /* the whole assignment word */
    uint32_t name_len;
    uint8_t kind; /* tfl_sh_assign_kind */
    bool append;  /* X+=1 */
} tfl_sh_assign;

typedef enum tfl_sh_redir_op {
    TFL_SH_REDIR_IN,      /* < */
    TFL_SH_REDIR_OUT,     /* > and >| */
    TFL_SH_REDIR_APPEND,  /* >> */
    TFL_SH_REDIR_DUP_IN,  /* <& */
    TFL_SH_REDIR_DUP_OUT, /* >& and &> */
    TFL_SH_REDIR_RW,      /* <> */
    TFL_SH_REDIR_HEREDOC, /* << and <<- */
    TFL_SH_REDIR_HERESTR  /* <<< */
} tfl_sh_redir_op;

/* A here-document: its body is data, skipped by the splitter. */
typedef struct tfl_sh_heredoc {
    const char *delim; /* quotes removed, NUL-terminated */
    const char *body;  /* in the text of its level, line ends kept */
    tfl_span body_span;
    uint32_t body_len;
    bool strip_tabs; /* <<- */
    bool expands;    /* delimiter unquoted: the shell expands $X */
    bool closed;     /* the delimiter line was found */
} tfl_sh_heredoc;

typedef struct tfl_sh_redir {
    tfl_sh_word target;            /* file, descriptor, or here-doc delimiter */
    const tfl_sh_heredoc *heredoc; /* TFL_SH_REDIR_HEREDOC, else NULL */
    tfl_sh_redir_op op;
    int fd; /* explicit descriptor, -1 when absent */
} tfl_sh_redir;

/* How a command is joined to the one before it in its list. */
typedef enum tfl_sh_op {
    TFL_SH_OP_NONE, /* first of its list */
    TFL_SH_OP_NEWLINE,
    TFL_SH_OP_SEMI, /* ; */
    TFL_SH_OP_AND,  /* && */
    TFL_SH_OP_OR,   /* || */
    TFL_SH_OP_PIPE, /* | and |& */
    TFL_SH_OP_BG    /* & (the previous one runs in the background) */
} tfl_sh_op;

/* Command prefixes unwrapped to reach the real command (a bit mask). */
enum {
    TFL_SH_PREFIX_ENV = 1 << 0,
    TFL_SH_PREFIX_EXEC = 1 << 1,
    TFL_SH_PREFIX_NOHUP = 1 << 2,
    TFL_SH_PREFIX_TIME = 1 << 3,
    TFL_SH_PREFIX_COMMAND = 1 << 4,
    TFL_SH_PREFIX_SUDO = 1 << 5,
    TFL_SH_PREFIX_BUSYBOX = 1 << 6
};

/* Why a command sits inside another one. */
typedef enum tfl_sh_nest {
    TFL_SH_NEST_NONE,
    TFL_SH_NEST_SUBST,  /* in a $(...) or `...` of a word of `parent` */
    TFL_SH_NEST_SHELL_C /* in the string of `parent`, an `sh -c` */
} tfl_sh_nest;

typedef enum tfl_sh_block_kind {
    TFL_SH_BLOCK_IF_COND,    /* if ...; and elif ...; */
    TFL_SH_BLOCK_IF_THEN,    /* then ... */
    TFL_SH_BLOCK_IF_ELSE,    /* else ... */
    TFL_SH_BLOCK_WHILE_COND, /* while ...; (until: `until` is set) */
    TFL_SH_BLOCK_LOOP_BODY,  /* do ... done of while/until */
    TFL_SH_BLOCK_FOR_BODY,   /* do ... done of for */
    TFL_SH_BLOCK_CASE_ITEM,  /* pattern) ... ;; */
    TFL_SH_BLOCK_GROUP,      /* { ...; } */
    TFL_SH_BLOCK_SUBSHELL,   /* ( ... ) */
    TFL_SH_BLOCK_FUNCTION    /* name() body */
} tfl_sh_block_kind;

/*
 * A region of a compound command. The parts of one compound (the
 * conditions and branches of one `if`, the condition and body of one
 * `while`) share `head`, the index of their first block. Commands in the
 * block, nested ones included, are [first_cmd, end_cmd).
 */
typedef struct tfl_sh_block {
    /* for: the variable, then the items; case: the subject, then the
     * patterns of this item; function: its name */
    const tfl_sh_word *words;
    tfl_span span; /* the keyword or bracket opening the region */
    uint32_t nwords;
    uint32_t parent; /* enclosing block or TFL_SH_NONE */
    uint32_t head;
    uint32_t first_cmd, end_cmd;
    uint8_t kind; /* tfl_sh_block_kind */
    uint8_t op;   /* tfl_sh_op; head only: how the compound joins the
                     previous */
    bool until;   /* WHILE_COND of an `until` */
    bool elif;    /* IF_COND of an `elif` */
} tfl_sh_block;

typedef struct tfl_sh_cmd {
    const tfl_sh_assign *assigns; /* before the name, env's, export's */
    const tfl_sh_word *words;     /* every word after the assignments */
    const tfl_sh_redir *redirs;
    tfl_span span;
    uint32_t nassigns;
    uint32_t nwords;
    uint32_t nredirs;
    uint32_t arg0;     /* index of the real command name in `words` (past
                          the prefixes); == nwords when there is none */
    uint32_t block;    /* innermost block, or TFL_SH_NONE */
    uint32_t parent;   /* command holding this one (nest != NONE) */
    uint32_t shell_c;  /* `sh -c STRING`: index of STRING in words, else
                          TFL_SH_NONE */
    uint8_t depth;     /* nesting level, 0 at top (<= TFL_SH_MAX_DEPTH) */
    uint8_t prefixes;  /* TFL_SH_PREFIX_* met before arg0 */
    unsigned op : 3;   /* tfl_sh_op */
    unsigned nest : 2; /* tfl_sh_nest */
    bool negated : 1;  /* `! cmd` */
} tfl_sh_cmd;

typedef struct tfl_sh_script {
    const tfl_sh_cmd *cmds;
    size_t ncmds;
    const tfl_sh_block *blocks;
    size_t nblocks;
    const tfl_sh_var *const *vars; /* every reference anywhere, in order */
    size_t nvars;
    bool truncated; /* the nesting cap was hit somewhere */
} tfl_sh_script;

/*
 * Split `text` (`len` bytes, NULs allowed) into `out`. `map` translates
 * offsets in `text` to source offsets; NULL means offset = source offset.
 * Everything comes from `arena`. Returns 0, or -1 when memory runs out
 * (then `out` is empty).
 */
int tfl_shell_split(tfl_arena *arena, const char *text, size_t len,
                    const tfl_textmap *map, tfl_sh_script *out);

/* The real command name of `c` (its literal value), or NULL when there is
 * none or it is not known literally. */
const char *tfl_sh_cmd_name(const tfl_sh_cmd *c);

/* Argument `i` after the real command name (0 = first argument), or NULL
 * past the end. */
const tfl_sh_word *tfl_sh_cmd_arg(const tfl_sh_cmd *c, size_t i);

/* Number of arguments after the real command name. */
size_t tfl_sh_cmd_nargs(const tfl_sh_cmd *c);

/* How a RUN gives a variable a value to use when it is unset or empty. */
typedef enum tfl_sh_fallback_kind {
    TFL_SH_FALLBACK_DEFAULT, /* ${X:-v} */
    TFL_SH_FALLBACK_ASSIGN,  /* ${X:=v}, also as `: ${X:=v}` */
    TFL_SH_FALLBACK_TEST,    /* [ -z "$X" ] && X=v, [ -n "$X" ] || X=v */
    TFL_SH_FALLBACK_IF       /* if [ -z "$X" ]; then X=v; fi */
} tfl_sh_fallback_kind;

typedef struct tfl_sh_fallback {
    tfl_sh_fallback_kind kind;
    const char *name;
    const tfl_sh_word *value; /* the fallback value */
    tfl_span span;            /* the ${...} or the assignment */
    uint32_t cmd;             /* command holding it */
} tfl_sh_fallback;

/*
 * Collect the fallbacks of `s` into `*out` (`*n` of them, from `arena`), in
 * order. Only the ':' forms of ${X:-v} and ${X:=v} count (they also cover
 * an empty value), and tests written with `[`, `[[` or `test`. Returns 0,
 * or -1 when memory runs out.
 */
int tfl_sh_fallbacks(tfl_arena *arena, const tfl_sh_script *s,
                     tfl_sh_fallback **out, size_t *n);

#endif
