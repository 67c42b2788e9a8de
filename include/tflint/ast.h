/*
 * The instruction list of a Dockerfile, as BuildKit's parser and instruction
 * layer see it, with every piece tied to its bytes in the source.
 *
 * A logical instruction is assembled from physical lines (continuations,
 * comment and blank lines skipped). Its joined text is kept in `line` (the
 * source's own bytes when there is one piece), and `map` translates offsets
 * in that text back to source offsets, so any word found later (a flag, a
 * shell word three lines into a RUN) can be reported at its exact place.
 * Heredoc bodies are contiguous in the source and carry their own spans.
 *
 * All memory belongs to the arena passed to tfl_parse().
 */
#ifndef TFLINT_AST_H
#define TFLINT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/buf.h"
#include "tflint/source.h"

typedef enum tfl_kind {
    TFL_ADD,
    TFL_ARG,
    TFL_CMD,
    TFL_COPY,
    TFL_ENTRYPOINT,
    TFL_ENV,
    TFL_EXPOSE,
    TFL_FROM,
    TFL_HEALTHCHECK,
    TFL_LABEL,
    TFL_MAINTAINER,
    TFL_ONBUILD,
    TFL_RUN,
    TFL_SHELL,
    TFL_STOPSIGNAL,
    TFL_USER,
    TFL_VOLUME,
    TFL_WORKDIR,
    TFL_UNKNOWN
} tfl_kind;

/* Upper-case keyword of a kind ("RUN"); "" for TFL_UNKNOWN. */
const char *tfl_kind_name(tfl_kind kind);

/* One contiguous run of joined text that came from one physical line. */
typedef struct tfl_piece {
    uint32_t text_off; /* offset in the joined text */
    uint32_t src_off;  /* offset in the source */
    uint32_t len;
} tfl_piece;

typedef struct tfl_textmap {
    const tfl_piece *pieces; /* sorted by text_off */
    size_t npieces;
} tfl_textmap;

/* Source offset of joined-text offset `off` (an end offset maps to the end
 * of the piece it closes). */
uint32_t tfl_textmap_source(const tfl_textmap *m, uint32_t off);

/* Source span of joined-text range [off, off + len). */
tfl_span tfl_textmap_span(const tfl_textmap *m, uint32_t off, uint32_t len);

/* Index of the last piece of `m` starting at or before `off` (0 when `m`
 * has none): the piece that holds `off`. */
size_t tfl_textmap_piece(const tfl_textmap *m, uint32_t off);

/*
 * The part [off, off + len) of `m`, re-based so that `off` becomes 0, for
 * text cut out of a joined line (a RUN's command after its flags). The
 * pieces come from `arena`. Returns 0, or -1 when memory runs out.
 */
int tfl_textmap_sub(tfl_arena *arena, const tfl_textmap *m, uint32_t off,
                    uint32_t len, tfl_textmap *out);

/*
 * A word of an instruction. `text` is its value (NUL-terminated): for JSON
 * elements the unescaped string, for flags the text with quotes unwrapped,
 * otherwise the raw text. `off`/`raw_len` locate the raw word in the
 * instruction's joined line; `span` locates it in the source.
 */
typedef struct tfl_word {
    const char *text;
    size_t len;
    uint32_t off;
    uint32_t raw_len;
    tfl_span span;
} tfl_word;

/* A `--name[=value]` flag before the arguments. */
typedef struct tfl_flag {
    tfl_word word;     /* the whole flag, quotes unwrapped, with its "--" */
    const char *name;  /* without "--", NUL-terminated */
    const char *value; /* after '=', NUL-terminated; NULL when no '=' */
} tfl_flag;

/* ENV or LABEL pair. Key and value are raw text (quotes still in place).
 * An instruction's pairs are its args taken two by two (one array): see
 * tfl_instr.legacy for the form. */
typedef struct tfl_pair {
    tfl_word key;
    tfl_word value;
} tfl_pair;

typedef struct tfl_heredoc {
    const char *name; /* delimiter with quotes removed */
    int fd;           /* leading descriptor digits, 0 when absent */
    bool expand;      /* false when any part of the delimiter was quoted */
    bool chomp;       /* `<<-`: leading tabs are removed from body lines */
    bool terminated;  /* the terminator line was found */
    const char *body; /* raw body lines, line endings kept */
    size_t body_len;
    tfl_span marker;    /* the `<<WORD` token */
    tfl_span body_span; /* the body in the source (terminator excluded) */
} tfl_heredoc;

/* A comment line: its text, what follows '#' trimmed, is the source's
 * bytes [off, off + len). The line's bytes are tfl_source_line(src, line):
 * 12 bytes a comment, as a large file has as many comments as
 * instructions. */
typedef struct tfl_comment {
    uint32_t off;
    uint32_t len;
    uint32_t line;
} tfl_comment;

typedef struct tfl_instr tfl_instr;

/* Fields are ordered so that nothing is padded (flags as bits beside
 * `kind`, 32-bit counts in pairs, pairs and heredocs sharing a pointer as
 * no kind has both), and what few instructions have (an ONBUILD's trigger,
 * an inline comment) is kept beside the table (tfl_instr_trigger(),
 * tfl_instr_comment()): one instruction costs 80 bytes, and a 60 MB file
 * has 300,000 of them. */
struct tfl_instr {
    /* A tfl_kind, in a bit-field so that it shares its word with the
     * flags (an enum bit-field is not standard C). */
    unsigned kind : 8;
    unsigned json : 1;         /* exec (JSON array) form */
    unsigned json_invalid : 1; /* began with '[' but fell back to shell form */
    unsigned inline_comment : 1;     /* TF101: see tfl_instr_comment() */
    unsigned empty_continuation : 1; /* a blank line inside the continuation:
                                        see tfl_instr_empty_line() */
    unsigned legacy : 1;             /* ENV/LABEL `KEY value` form (one pair) */
    /* The keyword as written is line[0, kw_len) when kw_extra is clear:
     * the kind's name. Otherwise (another spelling, an offset or a length
     * that does not fit) the extras hold it. See tfl_instr_keyword(). */
    unsigned kw_extra : 1;
    unsigned kw_len : 18;

    /* Joined logical text, keyword first: line_len bytes, and no NUL
     * after them in general (a one-line instruction's are the source's). */
    uint32_t line_len;
    const char *line;
    tfl_textmap map; /* `line` offsets to source offsets */

    uint32_t nflags;
    uint32_t nargs; /* of `args` below */
    tfl_flag *flags;

    /*
     * Arguments as the author meant them: when an inline `# ...` follows
     * the arguments of an instruction that does not pass its text to a
     * shell (TF101), the words from the `#` on are dropped here.
     * Shell-form RUN/CMD/ENTRYPOINT: one word, the whole command text.
     * HEALTHCHECK: the type word, then the command as for CMD.
     * ENV/LABEL: key and value of each pair, the same array as `pairs`.
     */
    tfl_word *args;
    uint32_t npairs;
    uint32_t nheredocs;
    union {
        tfl_pair *pairs;       /* ENV, LABEL: npairs */
        tfl_heredoc *heredocs; /* RUN, COPY, ADD, ONBUILD: nheredocs */
    };

    tfl_span span; /* first byte of keyword to end of last consumed line */
};

typedef struct tfl_directive {
    const char *key; /* lower-cased */
    const char *value;
    tfl_span span; /* the whole line */
    tfl_span value_span;
} tfl_directive;

/* A problem the builder would reject the file for (rule TF100). */
typedef struct tfl_diag {
    const char *message; /* in BuildKit's terms */
    tfl_span span;
} tfl_diag;

/*
 * The node values BuildKit's parser keeps for an instruction whose
 * arguments an inline comment cut (see tfl_instr.args), for --dump=ast.
 * Every other instruction's are its args, or for ENV and LABEL key, value
 * and "=" ("" when legacy) of each pair.
 */
typedef struct tfl_node_args {
    uint32_t at; /* source offset of the instruction's keyword */
    uint32_t n;
    const tfl_word *words;
} tfl_node_args;

/* What an instruction seldom has, by the source offset of its keyword
 * (an ONBUILD's entry comes before its trigger's). */
typedef struct tfl_instr_extra {
    uint32_t at;
    tfl_span comment; /* inline_comment: from the '#' to the text's end */
    uint32_t kw_off;  /* kw_extra: the keyword is line[kw_off, +kw_len) */
    uint32_t kw_len;
    tfl_instr *trigger;  /* ONBUILD: the nested instruction */
    const char *keyword; /* kw_extra: a NUL-terminated copy, or NULL when
                            it is the kind's name */
} tfl_instr_extra;

typedef struct tfl_doc {
    const tfl_source *src;
    char escape; /* '\\' or '`' */

    tfl_instr *instrs; /* top-level instructions in order */
    size_t ninstrs;

    tfl_directive *directives;
    size_t ndirectives;

    tfl_comment *comments; /* every comment line outside heredoc bodies */
    size_t ncomments;

    tfl_instr_extra *extras; /* by `at`, ascending */
    size_t nextras;

    tfl_node_args *node_args; /* by `at`, ascending */
    size_t nnode_args;

    tfl_diag *errors; /* in source order */
    size_t nerrors;
    bool parser_failed; /* BuildKit's parser itself would fail */
} tfl_doc;

/*
 * Parse `src` into `doc`, everything allocated from `arena`. Problems in the
 * input are recorded in doc->errors, never returned: parsing goes on with
 * what can be understood. `parser_failed` tells whether BuildKit's parser
 * (as opposed to its instruction layer) rejects the file, which is what
 * decides the exit status of --dump=ast. Returns 0, or -1 when memory runs
 * out.
 */
int tfl_parse(tfl_arena *arena, const tfl_source *src, tfl_doc *doc);

/* Write BuildKit's AST dump of `doc` (one line per instruction). */
void tfl_dump_ast(const tfl_doc *doc, tfl_buf *out);

/* The first blank line inside the continuation of `in`, an instruction of
 * `doc` with empty_continuation set: found again when asked, as it is
 * rarely wanted and would cost every instruction room. */
tfl_span tfl_instr_empty_line(const tfl_doc *doc, const tfl_instr *in);

/* The keyword of `in` (an instruction of `doc`) as written, as a word:
 * its text NUL-terminated, off/raw_len/len its place in `line`, `span` in
 * the source (span.start is in->span.start). */
tfl_word tfl_instr_keyword(const tfl_doc *doc, const tfl_instr *in);

/* The source span of the keyword of `in` (tfl_instr_keyword()'s span). */
tfl_span tfl_instr_keyword_span(const tfl_doc *doc, const tfl_instr *in);

/* The nested instruction of ONBUILD `in` (an instruction of `doc`, or a
 * trigger itself), or NULL (another kind, or ONBUILD with nothing after). */
tfl_instr *tfl_instr_trigger(const tfl_doc *doc, const tfl_instr *in);

/* The inline comment of `in` (see inline_comment): from the '#' to the end
 * of the text; for ONBUILD its trigger's. An empty span at 0 when none. */
tfl_span tfl_instr_comment(const tfl_doc *doc, const tfl_instr *in);

/* The 1-based line where `in` (an instruction of `doc`) starts; for a
 * trigger, its ONBUILD's. */
uint32_t tfl_instr_first_line(const tfl_doc *doc, const tfl_instr *in);

/* The comment lines directly above `in` (no blank line or instruction
 * between; for a trigger, its ONBUILD's), nearest last: their number n,
 * and doc->comments[*first + k] for k < n. Found from the table of
 * comments when asked, as few instructions are asked. */
size_t tfl_instr_comments(const tfl_doc *doc, const tfl_instr *in,
                          size_t *first);

/* The flag called `name` (without "--"), the last one when repeated. */
const tfl_flag *tfl_instr_flag(const tfl_instr *in, const char *name);

#endif
