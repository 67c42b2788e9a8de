/*
 * What the instructions of a file do to accounts, file ownership and the
 * user, read out of RUN commands (through the shell splitter, heredoc
 * bodies and `sh -c` strings included) and of COPY/ADD/USER, and then
 * played through per stage against the base image's accounts.
 *
 * Extraction. Each simple command of a RUN whose real command (after env,
 * exec, sudo, busybox prefixes) is an account tool or chown/chgrp/chmod
 * becomes an op. Its words are values: the raw text, the exact source span,
 * and the value the word has at build time when it can be known (ARG and
 * ENV values from the model, --build-arg values, shell assignments and
 * fallbacks earlier in the same RUN), with the ARG or ENV it came from.
 * `adduser`/`addgroup` are Debian's or BusyBox's according to the stage's
 * family (base-image facts, else the package manager its RUNs use).
 *
 * Simulation. Per stage, in order, starting from the base image's accounts
 * (when known) or from the parent stage's (FROM <stage>). A COPY/ADD into
 * /etc/passwd, /etc/group or /etc, or a RUN that edits those files other
 * than by appending lines, makes the accounts unknown from there on
 * (accounts_known false). Each op creates,
 * changes or deletes accounts; the ID a tool picks when none is given is
 * computed (useradd: first free at or above 1000; useradd -r: highest free
 * at or below 999; Debian adduser --system: lowest free at or above 100;
 * BusyBox: 1000 and up, 100 and up for -S). What each op met (an ID or name
 * already taken, a group that does not exist) is recorded on the op, so the
 * rules only read results.
 *
 * Built once per file on demand (tfl_ctx_ops); memory from the arena.
 */
#ifndef TFLINT_OPS_H
#define TFLINT_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/engine.h"
#include "tflint/facts.h"
#include "tflint/model.h"
#include "tflint/shell.h"

#define TFL_NO_ID UINT32_MAX

/* A word whose value matters: an ID, an account name, a mode, a path. */
typedef struct tfl_value {
    const char *raw; /* as written; NULL when the word is absent */
    /* The value at build time, NUL-terminated; NULL when it cannot be
     * known (a command substitution, an unset variable without default,
     * a glob). */
    const char *text;
    /* The ARG or ENV the value comes from when the word refers to one;
     * NULL for literal words. */
    const tfl_binding *binding;
    tfl_span span; /* the word in the source */
    /* Of `raw`: within the source, whose offsets are 32 bits too (the
     * fields are in this order to keep the record at 40 bytes: a big
     * file has thousands). */
    uint32_t raw_len;
    /* The value comes from a --build-arg rather than a default. */
    bool from_build_arg;
    /* The value comes from a shell assignment or fallback earlier in the
     * same RUN (e.g. `if [ -z "$X" ]; then X=1001; fi`). */
    bool from_shell;
    /* The value refers to a variable nothing in the file declares (the
     * base image's environment may set it): `text` is then NULL. */
    bool from_env;
} tfl_value;

/* Parse `v->text` as an unsigned decimal ID; false when it is not one
 * (empty, signed, not a number, larger than 64 bits). */
bool tfl_value_number(const tfl_value *v, uint64_t *out);

typedef enum tfl_acct_tool {
    TFL_ACCT_USERADD,
    TFL_ACCT_GROUPADD,
    TFL_ACCT_USERMOD,
    TFL_ACCT_GROUPMOD,
    TFL_ACCT_USERDEL,
    TFL_ACCT_GROUPDEL,
    TFL_ACCT_DEB_ADDUSER,  /* Debian's adduser (also adduser --group) */
    TFL_ACCT_DEB_ADDGROUP, /* Debian's addgroup */
    TFL_ACCT_BB_ADDUSER,   /* BusyBox adduser */
    TFL_ACCT_BB_ADDGROUP,  /* BusyBox addgroup */
    TFL_ACCT_PASSWD_LINE,  /* a line appended to /etc/passwd */
    TFL_ACCT_GROUP_LINE    /* a line appended to /etc/group */
} tfl_acct_tool;

typedef struct tfl_account tfl_account;

/* A user or group of a stage. */
struct tfl_account {
    /* In this order for 32 bytes: base images and big files have many. */
    const char *name; /* NULL when not known (a name from $(...)) */
    /* Where it comes from: NULL for the base image. */
    const struct tfl_acct_op *op;
    uint32_t id;  /* TFL_NO_ID when not known */
    uint32_t gid; /* users: primary group ID, TFL_NO_ID when not known */
    int stage;    /* the stage whose op created it; -1 for the base image */
    bool group;   /* a group rather than a user */
    bool system;  /* created as a system account */
    bool deleted; /* removed by userdel/groupdel later in the stage */
};

/* One account command. */
typedef struct tfl_acct_op {
    /* The fields in an order that leaves no holes (the flags together,
     * the 32-bit results before the pointers): 336 bytes, not 360. */
    tfl_acct_tool tool;
    int stage;         /* its stage */
    size_t instr;      /* the RUN */
    tfl_span span;     /* the whole command */
    tfl_span cmd_span; /* the command name */
    tfl_value name;    /* the account name */
    tfl_value id;      /* -u/--uid, or the GID of groupadd -g/addgroup */
    tfl_value group;   /* primary group: useradd -g, adduser --ingroup,
                          BusyBox adduser -G; a name or a number */
    tfl_value *groups; /* supplementary: useradd/usermod -G a,b */
    size_t ngroups;
    tfl_value home;      /* -d/--home/-h */
    tfl_value new_name;  /* usermod -l, groupmod -n: the new name */
    bool makes_group;    /* the account it creates or changes is a group */
    bool system;         /* -r, --system, -S */
    bool non_unique;     /* -o, --non-unique */
    bool no_log_init;    /* -l, --no-log-init */
    bool create_home;    /* -m, --create-home (or the tool's default) */
    bool user_group;     /* a group of the same name is created too */
    bool force;          /* groupadd -f: an existing group is not an error */
    bool no_create_home; /* -M, --no-create-home, BusyBox -H given */
    bool user_group_opt; /* -U, --user-group, Debian --group given */
    bool no_user_group;  /* -N, --no-user-group given */
    /* The stage installed a package providing the tool before the op
     * (apk add shadow, apt-get install adduser, dnf install
     * shadow-utils, ...). */
    bool tool_installed;
    /* `adduser USER GROUP`, `addgroup USER GROUP` (BusyBox): adds an
     * existing user to an existing group (`name` and groups[0]). */
    bool add_member;
    /* The shell goes on when it fails: followed by `|| ...` (possibly
     * after `&&` links), or the condition of an if/while. */
    bool tolerated;
    /* It runs only under a condition: inside if/case/loop bodies, or
     * after `||` (e.g. `getent passwd x || useradd x`). */
    bool conditional;

    /* Results of the simulation. */
    struct {
        uint32_t id;  /* the ID the account gets: given or picked */
        uint32_t gid; /* the primary group's ID, TFL_NO_ID if unknown */
        /* The same-name group a user op creates (useradd's user group,
         * Debian adduser's, BusyBox adduser without -G, which wants GID
         * = UID): its GID, and (same_gid) a group that already has it. */
        uint32_t group_id;
        bool picked; /* id was chosen by the tool, not given */
        /* The stage's accounts are fully known (base known and complete),
         * so absence can be asserted. */
        bool accounts_known;
        /* An account of the same kind that already has this ID / name
         * (not counting -o); NULL when none or unknown. For usermod -l /
         * groupmod -n, same_name is about the new name. */
        const tfl_account *same_id;
        const tfl_account *same_name;
        const tfl_account *same_gid;
        /* That same-name group already exists: useradd, adduser and
         * BusyBox refuse ("group 'x' exists"). */
        const tfl_account *same_group_name;
        /* The primary group (or a supplementary one) is named but exists
         * neither in the base image nor earlier; the value, or NULL. */
        const tfl_value *missing_group;
        /* usermod/userdel/groupmod/groupdel, add_member: the account
         * the op changes does not exist; its value, or NULL. */
        const tfl_value *missing_account;
        /* The account the op created or changed; NULL when none. */
        const tfl_account *account;
    } res;
} tfl_acct_op;

typedef enum tfl_own_kind {
    TFL_OWN_CHOWN,
    TFL_OWN_CHGRP,
    TFL_OWN_CHMOD,
    TFL_OWN_COPY /* COPY or ADD --chown / --chmod */
} tfl_own_kind;

typedef struct tfl_own_op {
    /* Pointers and values first, then the small fields: no padding. */
    tfl_value user;   /* chown/--chown owner; raw NULL when absent */
    tfl_value group;  /* after ':' (or '.'), or chgrp's group */
    tfl_value mode;   /* chmod / --chmod mode, octal or symbolic */
    tfl_value *paths; /* chown/chmod operands; COPY: the destination */
    size_t npaths;
    /* Per path: created earlier in the same RUN (mkdir, useradd -m, an
     * archive extracted or a clone made into it), so changing it costs
     * no extra layer. */
    bool *created_here;
    /* The accounts named, when they exist at this point. */
    const tfl_account *user_account, *group_account;
    size_t instr;
    tfl_own_kind kind;
    int stage;
    tfl_span span;    /* the command, or the flag for COPY/ADD */
    bool recursive;   /* -R / --recursive */
    bool tolerated;   /* as in tfl_acct_op */
    bool conditional; /* as in tfl_acct_op */
    /* Simulation: the named user / group exists at this point (true when
     * the stage's accounts are not fully known, when the value is not
     * known, and for numeric IDs, which need no account). */
    bool user_known, group_known;
    bool accounts_known; /* as in tfl_acct_op.res */
} tfl_own_op;

/* A USER instruction with its user and group values. */
typedef struct tfl_user_op {
    tfl_value user;
    tfl_value group;            /* after ':'; raw NULL when absent */
    const tfl_account *account; /* the user it names, when known */
    const tfl_account *group_account;
    size_t instr;
    int stage;
    bool user_known, group_known; /* as in tfl_own_op */
    bool accounts_known;
    /* The user is root: `root` or 0 (by value, so also through an ARG). */
    bool root;
} tfl_user_op;

/* A `sudo` run in a RUN. */
typedef struct tfl_sudo_op {
    size_t instr;
    int stage;
    tfl_span span; /* the word `sudo` */
} tfl_sudo_op;

/* Per stage: the user it runs as, and what its base is known to be. */
typedef struct tfl_stage_info {
    /* Pointers first, then the small fields: 56 bytes, one per stage. */
    const tfl_user_op *last_user; /* last USER of the stage or its
                                     ancestors; NULL when none */
    /* The facts of the stage's root image (through FROM <stage>), or
     * NULL when it is not known. */
    const tfl_facts_image *base_facts;
    /* The accounts live at the end of the stage: those of base_accounts
     * (NULL when none), then those of accounts, each list groups first.
     * A stage that only adds accounts to those it started from lists the
     * new ones and points base_accounts at the others; look accounts up
     * newest first with tfl_stage_account(). */
    const tfl_account *const *base_accounts;
    const tfl_account *const *accounts;
    uint32_t nbase_accounts;
    uint32_t naccounts;
    /* From the facts, else guessed from the package manager the RUNs
     * use; tfl_facts_family_name() spells it. */
    tfl_family family_id;
    tfl_adduser_kind adduser; /* which adduser the stage's RUNs get */
    bool base_runs_as_root;   /* default user of the base is root, or the
                                 base is unknown */
    bool family_guessed;      /* family_id comes from the RUNs, not facts */
    bool accounts_known;      /* base accounts known and complete */
} tfl_stage_info;

/* Which script of a RUN: the shell-form text, the string of an exec-form
 * `sh -c`, or (k >= 0) heredoc k of the instruction. */
#define TFL_OPS_SCRIPT_LINE (-1)
#define TFL_OPS_SCRIPT_EXEC (-2)

/* How far the ops split a RUN (tfl_ops.run_split). */
enum {
    /* not split for the ops: outside every stage, naming nothing they
     * read, or deferred (ops.c); its fallbacks were not kept */
    TFL_OPS_SPLIT_NONE,
    TFL_OPS_SPLIT_ALL,    /* every script, each heredoc included */
    TFL_OPS_SPLIT_PARTIAL /* a heredoc fed to another program left out */
};

/* A fallback (tfl_sh_fallbacks()) with a literal value in a script the
 * ops split, kept so that the TF505/TF506 pass need not split the RUN a
 * second time. `f.value` keeps only its raw text, span, value and flags
 * (no parts); everything is from the file's arena. */
typedef struct tfl_ops_fallback {
    size_t instr;
    int script; /* TFL_OPS_SCRIPT_*, or the heredoc's index */
    tfl_sh_fallback f;
} tfl_ops_fallback;

typedef struct tfl_ops {
    tfl_acct_op *accts;
    size_t naccts;
    tfl_own_op *owns;
    size_t nowns;
    tfl_user_op *users;
    size_t nusers;
    tfl_sudo_op *sudos;
    size_t nsudos;
    tfl_stage_info *stages; /* one per model stage */
    size_t nstages;
    size_t ninstrs;
    const tfl_model *model; /* the model the ops were built with */
    /* Per instruction: TFL_OPS_SPLIT_* for the RUNs. */
    const unsigned char *run_split;
    /* In instruction order, then script order. */
    const tfl_ops_fallback *fallbacks;
    size_t nfallbacks;
} tfl_ops;

/* Build the ops of the file in `ctx` once and return them; NULL when
 * memory ran out (ctx->oom is then set). */
const tfl_ops *tfl_ctx_ops(tfl_ctx *ctx);

/* Build the ops of `doc` with `cfg` (facts, build args) and `m`, from
 * `arena`. Returns 0, or -1 when memory runs out. */
int tfl_ops_build(tfl_arena *arena, const tfl_doc *doc, const tfl_model *m,
                  const tfl_config *cfg, tfl_ops *out);

/* The USER in effect at instruction `instr` (before the instruction
 * itself, so a USER sees the previous one), NULL when none. Looked up
 * (by bisection) rather than kept per instruction. */
const tfl_user_op *tfl_ops_user_at(const tfl_ops *o, size_t instr);

/* The live account of stage `s` at its end called `name` (a group when
 * `group`), or NULL. */
const tfl_account *tfl_stage_account(const tfl_stage_info *s, const char *name,
                                     bool group);

/* "useradd", "adduser", ... as the tool is called. */
const char *tfl_acct_tool_name(tfl_acct_tool tool);

/* Describe where a value came from, for messages: "" for a literal,
 * " (default of ARG USER_ID, line 4)", " (--build-arg USER_ID)",
 * " (set in the RUN)", ... From `arena`; "" when memory runs out. */
const char *tfl_value_origin(tfl_arena *arena, const tfl_model *m,
                             const tfl_value *v);

#endif
