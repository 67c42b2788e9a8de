/*
 * Ops: what the file does to accounts, ownership and the user (ops.h).
 *
 * Three steps, all linear in the file:
 *
 *  1. Stage by stage, a RUN whose text may name an account (the sieve:
 *     see names_in()) is split once (shell form, heredoc bodies that
 *     are scripts, the string of an exec-form `sh -c`) into a scratch
 *     arena that lives only while the RUN is read, so a big file never
 *     holds its scripts at once; what the ops keep (values, the fallbacks
 *     TF505/TF506 read) is copied into the file's arena. A RUN that can
 *     name no account, only a package manager or a script, waits unless
 *     its stage still needs the family guess, and is split only if
 *     something asks what it installs or forgets (struct deferred); one
 *     that names none of these is not split at all. The
 *     first package manager the stage's RUNs call gives a family guess
 *     for unknown bases, which decides whether `adduser` is Debian's or
 *     BusyBox's: an account tool met before it reads ahead for it.
 *
 *  2. The commands of each RUN are walked in order with a small table of
 *     the shell variables the RUN assigns, so that a word's value can be
 *     computed: literal parts, variables from that table, else the ARG or
 *     ENV the model resolves at the instruction (a --build-arg value
 *     replacing an ARG default), the modifiers ${X:-v}, ${X:=v}, ${X:+v}.
 *     Every value keeps its pieces (which value bytes came from which part
 *     of the word), so a part of a word, like the group of `a:${G}` or the
 *     UID of `-u${UID}`, gets its own span and binding. Account tools,
 *     chown/chgrp/chmod, appended passwd lines and sudo become ops in one
 *     event list, in the order they run; COPY/ADD flags and USER too.
 *
 *  3. The events are played per stage against tables of users and groups
 *     (hashed by name and by ID), seeded from the base facts or copied
 *     from the parent stage, and each op's `res` records what it met.
 *
 * What the ops keep comes from the file's arena; op arrays are complete
 * before pass 3 takes pointers into them.
 */
#include "tflint/ops.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif
#endif

#include "tflint/shell.h"

/* Longest value computed for a word; longer ones count as unknown. */
#define VAL_MAX 4096

/* The scratch arena is dropped between instructions once it holds this
 * much: few mallocs for the usual small RUNs, a bounded peak for the rest. */
#define SCRATCH_MAX ((size_t)256 << 10)
/* The chunks keep_str() packs strings into. */
#define POOL_CHUNK ((size_t)4 << 10)

/* tfl_sh_cmd_name(), tfl_sh_cmd_nargs() and tfl_sh_cmd_arg() as shell.h
 * defines them, inlined: the ops ask them a few hundred thousand times a
 * corpus. */
static inline const char *cmd_name(const tfl_sh_cmd *c)
{
    return c->arg0 < c->nwords ? c->words[c->arg0].value : NULL;
}

static inline size_t cmd_nargs(const tfl_sh_cmd *c)
{
    return c->arg0 < c->nwords ? c->nwords - c->arg0 - 1 : 0;
}

static inline const tfl_sh_word *cmd_arg(const tfl_sh_cmd *c, size_t i)
{
    return i < cmd_nargs(c) ? &c->words[c->arg0 + 1 + i] : NULL;
}

/* --- Account tables -------------------------------------------------- */

typedef struct tab {
    tfl_account **v;
    size_t n, cap;
    uint32_t *by_name, *by_id; /* slot: index + 1, 0 empty */
    size_t mask;
    /* Caches for ID picking, dropped when an account goes away: the first
     * free ID at or above 1000 was at least `hint_lo`; the highest ID in
     * 1000..60000 is `max_reg` (0: none) when `max_ok`. */
    uint32_t hint_lo;
    uint32_t max_reg;
    bool max_ok;
    /* The arrays and accounts belong to a parent stage or a base's seed:
     * read them as they are, copy them before any change (tab_own). */
    bool borrowed;
    size_t own_from; /* v[own_from..] were added here, the rest shared */
    /* A shared account was deleted (so copied) since the table was
     * borrowed: its live accounts are no longer the lent ones plus its
     * own. */
    bool forgot_shared;
} tab;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint32_t hash_id(uint32_t id)
{
    id ^= id >> 16;
    id *= 0x45d9f3bu;
    return id ^ (id >> 16);
}

static void tab_place(tab *t, size_t i)
{
    const tfl_account *a = t->v[i];
    size_t k;

    if (a->name) {
        for (k = hash_str(a->name) & t->mask; t->by_name[k];
             k = (k + 1) & t->mask)
            ;
        t->by_name[k] = (uint32_t)(i + 1);
    }
    if (a->id != TFL_NO_ID) {
        for (k = hash_id(a->id) & t->mask; t->by_id[k]; k = (k + 1) & t->mask)
            ;
        t->by_id[k] = (uint32_t)(i + 1);
    }
}

static int tab_own(tfl_arena *ar, tab *t);

/* Make room in an empty `t` for `n` accounts, so that filling it neither
 * rehashes nor moves its array. */
static int tab_reserve(tfl_arena *ar, tab *t, size_t n)
{
    size_t slots = 64;

    assert(t->n == 0 && !t->by_name);
    while (slots < 2 * (n + 1))
        slots *= 2;
    t->by_name = tfl_arena_alloc(ar, slots * sizeof *t->by_name);
    t->by_id = tfl_arena_alloc(ar, slots * sizeof *t->by_id);
    t->v = tfl_arena_alloc(ar, (n + 1) * sizeof *t->v);
    if (!t->by_name || !t->by_id || !t->v)
        return -1;
    t->mask = slots - 1;
    t->cap = n + 1;
    return 0;
}

static int tab_add(tfl_arena *ar, tab *t, tfl_account *a)
{
    size_t i;

    if (tab_own(ar, t) != 0)
        return -1;
    if ((t->n + 1) * 2 > t->mask + 1 || !t->by_name) {
        size_t slots = t->by_name ? (t->mask + 1) * 2 : 64;

        t->by_name = tfl_arena_alloc(ar, slots * sizeof *t->by_name);
        t->by_id = tfl_arena_alloc(ar, slots * sizeof *t->by_id);
        if (!t->by_name || !t->by_id)
            return -1;
        t->mask = slots - 1;
        for (i = 0; i < t->n; i++)
            tab_place(t, i);
    }
    if (!tfl_arena_push(ar, (void **)&t->v, &t->n, &t->cap, sizeof *t->v))
        return -1;
    t->v[t->n - 1] = a;
    tab_place(t, t->n - 1);
    if (t->max_ok && a->id >= 1000 && a->id <= 60000 && a->id > t->max_reg)
        t->max_reg = a->id;
    return 0;
}

static tfl_account *tab_name(const tab *t, const char *name)
{
    size_t k;

    if (!t->by_name || !name)
        return NULL;
    for (k = hash_str(name) & t->mask; t->by_name[k]; k = (k + 1) & t->mask) {
        tfl_account *a = t->v[t->by_name[k] - 1];

        if (!a->deleted && a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

static tfl_account *tab_id(const tab *t, uint32_t id)
{
    size_t k;

    if (!t->by_id || id == TFL_NO_ID)
        return NULL;
    for (k = hash_id(id) & t->mask; t->by_id[k]; k = (k + 1) & t->mask) {
        tfl_account *a = t->v[t->by_id[k] - 1];

        if (!a->deleted && a->id == id)
            return a;
    }
    return NULL;
}

/*
 * A stage starts from its parent's or its base's table without copying
 * it: most stages never change their accounts. The first change copies
 * the arrays (the same slots, so lookups find what they found before);
 * the accounts stay shared, and one is copied only when the stage deletes
 * it (own_from tells which ones the table made itself).
 */
static int tab_own(tfl_arena *ar, tab *t)
{
    tfl_account **v;
    size_t slots = t->by_name ? t->mask + 1 : 0;

    if (!t->borrowed)
        return 0;
    v = tfl_arena_alloc(ar, (t->n + 1) * sizeof *v);
    if (!v)
        return -1;
    if (t->n) /* an empty borrowed table may have no array yet */
        memcpy(v, t->v, t->n * sizeof *v);
    if (slots) {
        uint32_t *bn = tfl_arena_alloc(ar, slots * sizeof *bn);
        uint32_t *bi = tfl_arena_alloc(ar, slots * sizeof *bi);

        if (!bn || !bi)
            return -1;
        memcpy(bn, t->by_name, slots * sizeof *bn);
        memcpy(bi, t->by_id, slots * sizeof *bi);
        t->by_name = bn;
        t->by_id = bi;
    }
    t->v = v;
    t->cap = t->n + 1;
    t->own_from = t->n;
    t->borrowed = false;
    return 0;
}

/* Mark account `k` of `t` deleted; returns it (a copy from `keep` when it
 * was shared with the table `t` came from), or NULL when memory runs out.
 * The table's arrays come from `ar`. */
static tfl_account *tab_forget_at(tfl_arena *ar, tfl_arena *keep, tab *t,
                                  size_t k)
{
    tfl_account *a;

    if (tab_own(ar, t) != 0)
        return NULL;
    assert(k < t->n && !t->v[k]->deleted);
    a = t->v[k];
    if (k < t->own_from) {
        tfl_account *c = tfl_arena_alloc(keep, sizeof *c);

        if (!c)
            return NULL;
        *c = *a;
        t->v[k] = a = c;
        t->forgot_shared = true;
    }
    a->deleted = true;
    t->hint_lo = 0;
    t->max_ok = false;
    return a;
}

/* Mark live account `a` of `t` deleted (see tab_forget_at). */
static tfl_account *tab_forget(tfl_arena *ar, tfl_arena *keep, tab *t,
                               tfl_account *a)
{
    size_t k;

    for (k = 0; k < t->n && t->v[k] != a; k++)
        ;
    return tab_forget_at(ar, keep, t, k);
}

static bool tab_free(const tab *t, uint32_t id)
{
    return tab_id(t, id) == NULL;
}

/* First free ID at or above `lo` (and free in `also` when given). */
static uint32_t pick_up(tab *t, tab *also, uint32_t lo)
{
    uint32_t id = lo, limit = 0;

    if (lo == 1000 && !also && t->hint_lo > id)
        id = t->hint_lo;
    if (lo == 1000 && also) {
        /* Free in both is at or above the first free in each, which the
         * hints find at once when users and groups grow together. */
        uint32_t a = pick_up(t, NULL, lo), g = pick_up(also, NULL, lo);

        id = a > g ? a : g;
        if (id - lo > 1000000)
            id = lo + 1000000;
        limit = id - lo; /* the bound of a search from `lo` */
    }
    for (; limit < 1000000 && id < TFL_NO_ID - 1; id++, limit++)
        if (tab_free(t, id) && (!also || tab_free(also, id)))
            break;
    if (lo == 1000 && !also)
        t->hint_lo = id;
    return id;
}

/* Highest free ID at or below 999 (shadow's system accounts). */
static uint32_t pick_down(const tab *t, uint32_t lo)
{
    uint32_t id;

    for (id = 999; id >= lo; id--)
        if (tab_free(t, id))
            return id;
    return TFL_NO_ID;
}

/* shadow's regular accounts: one above the highest in 1000..60000. */
static uint32_t pick_above(tab *t)
{
    size_t i;

    if (!t->max_ok) {
        t->max_reg = 0;
        for (i = 0; i < t->n; i++) {
            const tfl_account *a = t->v[i];

            if (!a->deleted && a->id >= 1000 && a->id <= 60000 &&
                a->id > t->max_reg)
                t->max_reg = a->id;
        }
        t->max_ok = true;
    }
    if (t->max_reg == 0)
        return 1000;
    if (t->max_reg < 60000)
        return t->max_reg + 1;
    return pick_up(t, NULL, 1000);
}

/* --- Builder state ---------------------------------------------------- */

/* EV_FORGET: the account files are replaced or edited (idx: stage).
 * EV_DEFER: a RUN left unread, which may do that (idx: its deferred). */
typedef enum ev_kind {
    EV_ACCT,
    EV_OWN,
    EV_USER,
    EV_SUDO,
    EV_FORGET,
    EV_DEFER
} ev_kind;

/* 8 bytes: a big file has one per RUN and more. */
typedef struct event {
    unsigned char kind; /* ev_kind */
    /* EV_DEFER: what the RUN does to the accounts is seen (simulate()) */
    bool seen;
    uint32_t idx;
} event;

/* The account tables of a stage while it is simulated, and after that
 * while a later stage may be built FROM it. */
typedef struct stabs {
    tab users, groups;
    /* The live accounts of the tables while both are borrowed: those of
     * lent_base (when not NULL), then those of lent (tfl_stage_info). */
    const tfl_account *const *lent_base, *const *lent;
    size_t nlent_base, nlent;
} stabs;

/* One per stage for the whole build: kept small, a big file has
 * thousands of stages. */
typedef struct sstate {
    stabs *tb; /* while simulated, or FROM'd by a later stage; else NULL */
    const tfl_facts_image *facts;
    /* b->dv[dnext..dend) are the stage's deferred RUNs not yet counted in
     * `installed` and `other_pkgs`; what the parent stage installed is
     * in them unless `inherit` (its index) is still >= 0. 32 bits, as
     * there are fewer RUNs than source offsets, and the enums in a byte
     * each: 40 bytes a stage. */
    uint32_t dnext, dend;
    int inherit;
    unsigned installed;    /* tfl_tool bits installed by RUNs so far */
    unsigned char fam;     /* a tfl_family */
    unsigned char adduser; /* a tfl_adduser_kind */
    bool known;            /* accounts complete */
    bool guessed;
    bool fam_final; /* fam can no longer change */
    /* Packages beyond the known-harmless ones were installed: Debian's
     * adduser may have come along as a dependency. */
    bool other_pkgs;
    bool has_child; /* a later stage is built FROM it */
} sstate;

/* The accounts of one base image, shared by the stages built on it. */
typedef struct seed {
    const tfl_facts_image *facts;
    tab users, groups;
    const tfl_account **accounts; /* live, groups first */
    size_t naccounts;
} seed;

/* One split script of a RUN with its origin: OPS_SCRIPT_LINE, the
 * string of an exec-form `sh -c`, or heredoc k >= 0. */
typedef struct script {
    tfl_sh_script s;
    int origin;
} script;

/* What the names of a text are about. */
enum {
    RUN_ACCT = 1u << 0,   /* account tools and files, chown/chmod, sudo */
    RUN_PM = 1u << 1,     /* package managers */
    RUN_SCRIPT = 1u << 2, /* ".sh", "./", a shell */
    RUN_ALL = RUN_ACCT | RUN_PM | RUN_SCRIPT,
    RUN_OTHER = 1u << 3 /* not read past: no account name */
};

/*
 * A RUN without account names (once the stage's family is settled): it
 * makes no op, so it is left unsplit until what it may give (package
 * managers' installs, scripts it runs) is asked for, which is rare. An
 * account tool asks for the tools installed before it (tool_installed),
 * the simulation for whether the accounts are still known, when they are
 * and something later looks at them; the sieve then tells first whether
 * the RUN names anything at all. Its fallbacks are left to TF505/TF506,
 * as for a RUN that names nothing.
 */
typedef struct deferred {
    uint32_t instr;         /* the RUN, in the stage scope_of[] gives */
    bool read;              /* split and read: the fields below hold */
    bool other;             /* installs packages beyond the harmless ones */
    bool forget;            /* makes the account lists unknown */
    unsigned char installs; /* tfl_tool bits its installs bring */
} deferred;

/* The scripts of one RUN, from a scratch arena. */
typedef struct runinfo {
    script *v;
    size_t n, cap;
    bool partial; /* a heredoc was left out (fed to another program) */
} runinfo;

typedef struct builder {
    tfl_arena *a; /* the file's: what the ops keep */
    /* Scratch for one instruction at a time (its scripts, word values,
     * shell variables), dropped once it outgrows SCRATCH_MAX. */
    tfl_arena *t;
    tfl_arena scratch;
    tfl_arena aside; /* the splits of deferred RUNs read, kept as scratch */
    /* The arrays of account tables (what the rules read is copied out by
     * collect_accounts): `tabs` for stages a later one is built FROM,
     * until the end of the build; `stab` for the stage being simulated
     * when none is, dropped between stages. `ta` is the one in use. */
    tfl_arena tabs, stab;
    tfl_arena *ta;
    stabs cur; /* the tables of such a stage */
    /* The rest of the file arena's chunk that kept strings are packed
     * into (keep_str). */
    char *pool;
    size_t pool_left;
    const tfl_doc *doc;
    const tfl_model *m;
    const tfl_config *cfg;
    tfl_ops *o;
    size_t acap, ocap, ucap, scap, fcap;
    event *ev;
    size_t nev, evcap;
    sstate *st;
    seed *seeds;
    size_t nseeds, seedcap;
    unsigned char *run_split; /* tfl_ops.run_split */
    deferred *dv;
    size_t ndv, dvcap;
    bool oom;
} builder;

/*
 * Grow one of the builder's arrays (ops, events, seeds) with realloc: an
 * arena array that doubles leaves each outgrown copy behind, twice the
 * final size in all. The kept ones move into the arena at their exact
 * size once complete (settle); the rest are freed at the end.
 */
static void *bpush(builder *b, void **items, size_t *n, size_t *cap, size_t sz)
{
    void *p = tfl_heap_push(items, n, cap, sz);

    if (!p)
        b->oom = true;
    return p;
}

/*
 * `n` bytes of the file's arena, unaligned and not zeroed, or NULL when
 * memory runs out. The ops keep thousands of short strings (names, IDs,
 * modes) and flag arrays: packed one after the other in chunks, without
 * the arena's 16-byte alignment, they take about half the room. (With
 * TFL_DEBUG_ARENA each stays an object of its own, for the sanitizers.)
 */
static char *keep_mem(builder *b, size_t n)
{
#ifndef TFL_DEBUG_ARENA
    if (n < POOL_CHUNK / 8) {
        char *p;

        if (b->pool_left < n) {
            b->pool = tfl_arena_alloc_raw(b->a, POOL_CHUNK);
            b->pool_left = b->pool ? POOL_CHUNK : 0;
            if (!b->pool)
                return NULL;
        }
        p = b->pool;
        b->pool += n;
        b->pool_left -= n;
        return p;
    }
#endif
    return tfl_arena_alloc_raw(b->a, n);
}

/* A copy of `s` (`n` bytes, NUL added) by keep_mem(), or NULL. */
static char *keep_str(builder *b, const char *s, size_t n)
{
    char *p = n < SIZE_MAX ? keep_mem(b, n + 1) : NULL;

    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Move a complete array of bpush() into the arena, at its exact size. */
static void settle(builder *b, void **items, size_t n, size_t *cap, size_t sz)
{
    if (tfl_arena_settle(b->a, items, n, sz) != 0)
        b->oom = true;
    *cap = 0;
}

/* Free what only the builder used (the op arrays are settled by then). */
static void builder_free(builder *b)
{
    free(b->ev);
    free(b->seeds);
    free(b->dv);
    b->ev = NULL;
    b->seeds = NULL;
    b->dv = NULL;
}

static void add_event(builder *b, ev_kind k, size_t idx)
{
    event *e = bpush(b, (void **)&b->ev, &b->nev, &b->evcap, sizeof *e);

    if (e) {
        e->kind = k;
        assert(idx < UINT32_MAX);
        e->idx = (uint32_t)idx;
    }
}

/* --- Values ------------------------------------------------------------ */

/* A shell variable the RUN assigned. */
typedef struct shvar {
    const char *name;
    const char *text; /* NULL: unknown */
    const tfl_binding *bind;
    bool fba, fenv;
} shvar;

/* Which value bytes one part of a word produced. */
typedef struct piece {
    size_t vs, ve;
    const tfl_sh_part *part;
    bool known;
    const tfl_binding *bind;
    bool fba, fsh, fenv, isvar;
} piece;

typedef struct sbuf {
    char *p;
    size_t len;
    bool over;
} sbuf;

typedef struct run {
    builder *b;
    size_t instr;
    int stage;
    const tfl_sh_script *s;
    shvar *vars;
    size_t vmask;            /* vars slots - 1; NULL vars: no shell table */
    unsigned char *fallback; /* per cmd: holds a test/if fallback */
    const char **created;    /* paths made earlier in the RUN */
    size_t ncreated, ccap;
    /* Per command, from list_flags() once an op first asks (most scripts
     * make none): NULL until then. */
    unsigned char *tol, *cond;
} run;

/* The result of looking a name up. */
typedef struct look {
    bool known, set;
    const char *text;
    const tfl_binding *bind;
    bool fba, fsh, fenv;
} look;

static void sb_put(sbuf *s, const char *t, size_t n)
{
    if (s->over || s->len + n >= VAL_MAX) {
        s->over = true;
        return;
    }
    memcpy(s->p + s->len, t, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static shvar *var_slot(run *r, const char *name)
{
    size_t k;

    if (!r->vars)
        return NULL;
    for (k = hash_str(name) & r->vmask; r->vars[k].name; k = (k + 1) & r->vmask)
        if (strcmp(r->vars[k].name, name) == 0)
            return &r->vars[k];
    return &r->vars[k];
}

static void var_set(run *r, const char *name, const look *l)
{
    shvar *v = var_slot(r, name);

    if (!v)
        return;
    v->name = name;
    v->text = l->known ? (l->set ? l->text : "") : NULL;
    v->bind = l->bind;
    v->fba = l->fba;
    v->fenv = l->fenv;
}

static bool is_arg(const tfl_binding *bd)
{
    return bd->origin == TFL_ORIGIN_ARG || bd->origin == TFL_ORIGIN_GLOBAL_ARG;
}

static look lookup_name(run *r, const char *name)
{
    look l = {0};
    shvar *v = var_slot(r, name);
    const tfl_binding *bd;

    if (v && v->name) {
        l.known = v->text != NULL;
        l.set = true;
        l.text = v->text;
        l.bind = v->bind;
        l.fba = v->fba;
        l.fsh = true;
        l.fenv = v->fenv;
        return l;
    }
    if (!name[0] || !((name[0] >= 'A' && name[0] <= 'Z') ||
                      (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
        return l; /* $1, $@, $?: unknown */
    bd = tfl_model_lookup(r->b->m, r->instr, name, strlen(name));
    if (!bd) {
        l.fenv = true;
        return l;
    }
    l.bind = bd;
    l.known = true;
    if (is_arg(bd) && r->b->cfg &&
        (l.text = tfl_config_build_arg(r->b->cfg, name, strlen(name)))) {
        l.fba = true;
        l.set = true;
        return l;
    }
    l.text = bd->value;
    l.set = bd->value != NULL;
    return l;
}

static bool eval_word(run *r, const tfl_sh_word *w, sbuf *out, piece *pcs,
                      look *first);

/* Append the value of `v` to `out`; false when it cannot be known. */
static bool eval_var(run *r, const tfl_sh_var *v, sbuf *out, look *meta)
{
    look l = lookup_name(r, v->name);
    bool empty = !l.set || (v->colon && l.text && !l.text[0]);
    bool ok = true;

    *meta = l;
    switch (v->op) {
    case TFL_SH_VAR_PLAIN:
        if (!l.known)
            return false;
        if (l.set)
            sb_put(out, l.text, strlen(l.text));
        return true;
    case TFL_SH_VAR_DEFAULT:
    case TFL_SH_VAR_ASSIGN:
        if (l.known && !empty) {
            sb_put(out, l.text, strlen(l.text));
            return true;
        }
        if (!l.known && !l.fenv)
            return false;
        if (v->arg) {
            size_t start = out->len;
            look sub = {0};

            ok = eval_word(r, v->arg, out, NULL, &sub);
            meta->fsh = true;
            if (v->op == TFL_SH_VAR_ASSIGN) {
                look nl = *meta;

                nl.known = ok && !out->over;
                nl.set = true;
                nl.text = nl.known ? tfl_arena_strndup(r->b->t, out->p + start,
                                                       out->len - start)
                                   : NULL;
                if (nl.known && !nl.text)
                    r->b->oom = true;
                var_set(r, v->name, &nl);
            }
        }
        meta->fenv = false;
        return ok;
    case TFL_SH_VAR_ALT:
        if (!l.known)
            return false;
        if (!empty && v->arg) {
            look sub = {0};

            return eval_word(r, v->arg, out, NULL, &sub);
        }
        return true;
    case TFL_SH_VAR_ERROR:
        if (!l.known || !l.set)
            return false;
        sb_put(out, l.text, strlen(l.text));
        return true;
    default:
        return false;
    }
}

/*
 * Append the value of `w` to `out`, recording per part (when `pcs` is
 * given, w->nparts entries) which bytes it produced. `first` receives the
 * lookup of the first variable. Returns false when some part is unknown
 * (the known parts are still appended and their pieces marked known).
 */
static bool eval_word(run *r, const tfl_sh_word *w, sbuf *out, piece *pcs,
                      look *first)
{
    bool all = true, have = false;
    size_t i;

    for (i = 0; i < w->nparts; i++) {
        const tfl_sh_part *p = &w->parts[i];
        piece pc = {out->len, out->len, p, true, NULL, 0, 0, 0, 0};
        look meta = {0};

        switch (p->kind) {
        case TFL_SH_PART_LITERAL:
            sb_put(out, p->text, p->len);
            break;
        case TFL_SH_PART_VAR:
            pc.isvar = true;
            pc.known = eval_var(r, p->var, out, &meta);
            pc.bind = meta.bind;
            pc.fba = meta.fba;
            pc.fsh = meta.fsh;
            pc.fenv = meta.fenv && !pc.known;
            if (!have) {
                *first = meta;
                have = true;
            }
            break;
        default:
            pc.known = false;
            break;
        }
        pc.ve = out->len;
        if (!pc.known)
            all = false;
        if (pcs)
            pcs[i] = pc;
    }
    return all && !out->over;
}

/* A word evaluated once, to cut values out of. */
typedef struct wval {
    const tfl_sh_word *w;
    char *buf; /* the value, NUL-terminated, `len` bytes */
    size_t len;
    bool known;
    piece *pcs;
} wval;

static wval *weval(run *r, const tfl_sh_word *w)
{
    /* neither is zeroed: every field, and every piece (eval_word()), is
     * written below */
    wval *x = tfl_arena_alloc_raw(r->b->t, sizeof *x);
    char tmp[VAL_MAX]; /* built here, kept at its exact size */
    sbuf sb;
    look first = {0};

    if (!x) {
        r->b->oom = true;
        return NULL;
    }
    x->w = w;
    x->pcs = w->nparts
                 ? tfl_arena_alloc_raw(r->b->t, w->nparts * sizeof *x->pcs)
                 : NULL;
    if (w->nparts && !x->pcs) {
        r->b->oom = true;
        return NULL;
    }
    sb.p = tmp;
    sb.len = 0;
    sb.over = false;
    tmp[0] = '\0';
    x->known = eval_word(r, w, &sb, x->pcs, &first);
    if (sb.over)
        x->known = false;
    x->len = sb.len;
    x->buf = tfl_arena_strndup(r->b->t, tmp, sb.len);
    if (!x->buf) {
        r->b->oom = true;
        return NULL;
    }
    return x;
}

/* Where the value of a literal part starts in its raw text, when its
 * bytes map one to one (no escapes): 0 unquoted, 1 inside '...' or "...";
 * -1 otherwise. */
static int exact_part(const tfl_sh_part *p)
{
    size_t raw = p->span.end - p->span.start;

    if (p->kind != TFL_SH_PART_LITERAL)
        return -1;
    if (!p->quoted)
        return raw == p->len ? 0 : -1;
    return raw == p->len + 2 ? 1 : -1;
}

/* Offset of value byte `off` inside piece `pc` as a source offset. */
static uint32_t piece_src(const piece *pc, size_t off, bool end)
{
    int k = exact_part(pc->part);

    if (k >= 0)
        return pc->part->span.start + (uint32_t)k + (uint32_t)(off - pc->vs);
    return end ? pc->part->span.end : pc->part->span.start;
}

/* Cut value bytes [a, e) (e = SIZE_MAX: to the end) of `x` into `v`. */
static void wcut(run *r, const wval *x, size_t a, size_t e, tfl_value *v)
{
    const tfl_sh_word *w = x->w;
    size_t i, pa = SIZE_MAX, pb = SIZE_MAX;
    bool known = true;

    memset(v, 0, sizeof *v);
    if (e > x->len)
        e = x->len;
    if (a > e)
        a = e;
    for (i = 0; i < w->nparts; i++) {
        const piece *pc = &x->pcs[i];
        bool in = (pc->ve > a && pc->vs < e) ||
                  (pc->vs == pc->ve && pc->vs >= a && pc->vs <= e &&
                   (pc->vs < e || pc->vs == x->len || a == e));

        if (!in)
            continue;
        if (pa == SIZE_MAX)
            pa = i;
        pb = i;
        if (!pc->known)
            known = false;
        if (pc->isvar && !v->binding && !v->from_env) {
            v->binding = pc->bind;
            v->from_build_arg = pc->fba;
            v->from_shell = pc->fsh;
            v->from_env = pc->fenv;
        }
    }
    v->span = w->span;
    if (pa != SIZE_MAX) {
        v->span.start = piece_src(&x->pcs[pa],
                                  a > x->pcs[pa].vs ? a : x->pcs[pa].vs, false);
        v->span.end =
            piece_src(&x->pcs[pb], e < x->pcs[pb].ve ? e : x->pcs[pb].ve, true);
        if (v->span.end < v->span.start)
            v->span.end = v->span.start;
    }
    if (w->span.end - w->span.start == w->raw_len &&
        v->span.start >= w->span.start && v->span.end <= w->span.end) {
        v->raw = w->raw + (v->span.start - w->span.start);
        v->raw_len = v->span.end - v->span.start;
    } else {
        v->raw = w->raw;
        v->raw_len = w->raw_len;
        v->span = pa == SIZE_MAX ? w->span : v->span;
    }
    if (!v->raw)
        v->raw = "";
    if (known && x->known) {
        v->text = tfl_arena_strndup(r->b->t, x->buf + a, e - a);
        if (!v->text)
            r->b->oom = true;
    } else if (known) {
        /* The cut avoids the unknown parts. */
        v->text = tfl_arena_strndup(r->b->t, x->buf + a, e - a);
        if (!v->text)
            r->b->oom = true;
    }
}

static void wvalue(run *r, const tfl_sh_word *w, tfl_value *v)
{
    wval *x = weval(r, w);

    if (x)
        wcut(r, x, 0, SIZE_MAX, v);
}

bool tfl_value_number(const tfl_value *v, uint64_t *out)
{
    uint64_t n = 0;
    const char *s = v->text;

    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    *out = n;
    return true;
}

/* A value as a 32-bit ID; TFL_NO_ID when not a number that fits. */
static uint32_t value_id(const tfl_value *v)
{
    uint64_t n;

    if (!tfl_value_number(v, &n) || n >= TFL_NO_ID)
        return TFL_NO_ID;
    return (uint32_t)n;
}

/* --- Words of a command ------------------------------------------------- */

/* The literal start of a word: its value when literal, else its leading
 * literal parts; `whole` tells whether that is all of the word. */
static size_t lit_prefix(const tfl_sh_word *w, char *buf, size_t cap,
                         bool *whole)
{
    size_t n = 0, i;

    *whole = true;
    for (i = 0; i < w->nparts; i++) {
        const tfl_sh_part *p = &w->parts[i];

        if (p->kind != TFL_SH_PART_LITERAL || n + p->len >= cap) {
            *whole = false;
            break;
        }
        memcpy(buf + n, p->text, p->len);
        n += p->len;
    }
    buf[n] = '\0';
    return n;
}

static const char *base_name(const char *s)
{
    const char *b = strrchr(s, '/');

    return b ? b + 1 : s;
}

/* --- Option tables ------------------------------------------------------ */

enum field {
    F_NONE,
    F_UID,
    F_GID,    /* primary group (name or number) */
    F_ID,     /* the group's own GID (groupadd -g) */
    F_GROUPS, /* supplementary */
    F_HOME,
    F_SYSTEM,
    F_NONUNIQUE,
    F_NOLOG,
    F_MKHOME,
    F_NOHOME,
    F_USERGROUP,
    F_NOUSERGROUP,
    F_FORCE,
    F_NEWNAME,
    F_GROUPFLAG /* Debian adduser --group */
};

/*
 * One option of a tool: its short letter (0: none), long name ("": none)
 * and whether it takes an argument. The names are arrays, not pointers,
 * as in the other tables of this file: a position-independent binary
 * would relocate every pointer of static data at each start.
 */
typedef struct optdef {
    char sh;
    char lng[22];
    bool arg;
    enum field f;
} optdef;

static const optdef useradd_opts[] = {{'u', "uid", 1, F_UID},
                                      {'g', "gid", 1, F_GID},
                                      {'G', "groups", 1, F_GROUPS},
                                      {'d', "home-dir", 1, F_HOME},
                                      {'r', "system", 0, F_SYSTEM},
                                      {'o', "non-unique", 0, F_NONUNIQUE},
                                      {'l', "no-log-init", 0, F_NOLOG},
                                      {'m', "create-home", 0, F_MKHOME},
                                      {'M', "no-create-home", 0, F_NOHOME},
                                      {'U', "user-group", 0, F_USERGROUP},
                                      {'N', "no-user-group", 0, F_NOUSERGROUP},
                                      {'s', "shell", 1, F_NONE},
                                      {'c', "comment", 1, F_NONE},
                                      {'k', "skel", 1, F_NONE},
                                      {'p', "password", 1, F_NONE},
                                      {'R', "root", 1, F_NONE},
                                      {'P', "prefix", 1, F_NONE},
                                      {'K', "key", 1, F_NONE},
                                      {'e', "expiredate", 1, F_NONE},
                                      {'f', "inactive", 1, F_NONE},
                                      {'b', "base-dir", 1, F_NONE},
                                      {'Z', "selinux-user", 1, F_NONE},
                                      {'F', "add-subids-for-system", 0, F_NONE},
                                      {'D', "defaults", 0, F_NONE},
                                      {0, "badname", 0, F_NONE},
                                      {0, "btrfs-subvolume-home", 0, F_NONE},
                                      {0, "extrausers", 0, F_NONE},
                                      {0, "", 0, F_NONE}};

static const optdef groupadd_opts[] = {{'g', "gid", 1, F_ID},
                                       {'r', "system", 0, F_SYSTEM},
                                       {'o', "non-unique", 0, F_NONUNIQUE},
                                       {'f', "force", 0, F_FORCE},
                                       {'K', "key", 1, F_NONE},
                                       {'p', "password", 1, F_NONE},
                                       {'R', "root", 1, F_NONE},
                                       {'P', "prefix", 1, F_NONE},
                                       {'U', "users", 1, F_NONE},
                                       {0, "extrausers", 0, F_NONE},
                                       {0, "", 0, F_NONE}};

static const optdef usermod_opts[] = {{'u', "uid", 1, F_UID},
                                      {'g', "gid", 1, F_GID},
                                      {'G', "groups", 1, F_GROUPS},
                                      {'a', "append", 0, F_NONE},
                                      {'l', "login", 1, F_NEWNAME},
                                      {'d', "home", 1, F_HOME},
                                      {'m', "move-home", 0, F_NONE},
                                      {'o', "non-unique", 0, F_NONUNIQUE},
                                      {'s', "shell", 1, F_NONE},
                                      {'c', "comment", 1, F_NONE},
                                      {'L', "lock", 0, F_NONE},
                                      {'U', "unlock", 0, F_NONE},
                                      {'e', "expiredate", 1, F_NONE},
                                      {'f', "inactive", 1, F_NONE},
                                      {'p', "password", 1, F_NONE},
                                      {'R', "root", 1, F_NONE},
                                      {'P', "prefix", 1, F_NONE},
                                      {'Z', "selinux-user", 1, F_NONE},
                                      {'v', "add-subuids", 1, F_NONE},
                                      {'V', "del-subuids", 1, F_NONE},
                                      {'w', "add-subgids", 1, F_NONE},
                                      {'W', "del-subgids", 1, F_NONE},
                                      {'r', "remove", 0, F_NONE},
                                      {0, "badname", 0, F_NONE},
                                      {0, "", 0, F_NONE}};

static const optdef groupmod_opts[] = {{'g', "gid", 1, F_ID},
                                       {'n', "new-name", 1, F_NEWNAME},
                                       {'o', "non-unique", 0, F_NONUNIQUE},
                                       {'p', "password", 1, F_NONE},
                                       {'R', "root", 1, F_NONE},
                                       {'P', "prefix", 1, F_NONE},
                                       {'U', "users", 1, F_NONE},
                                       {'a', "append", 0, F_NONE},
                                       {0, "", 0, F_NONE}};

static const optdef del_opts[] = {
    {'f', "force", 0, F_NONE},        {'r', "remove", 0, F_NONE},
    {'R', "root", 1, F_NONE},         {'P', "prefix", 1, F_NONE},
    {'Z', "selinux-user", 0, F_NONE}, {0, "", 0, F_NONE}};

static const optdef deb_adduser_opts[] = {{0, "uid", 1, F_UID},
                                          {0, "gid", 1, F_GID},
                                          {0, "ingroup", 1, F_GID},
                                          {0, "group", 0, F_GROUPFLAG},
                                          {0, "system", 0, F_SYSTEM},
                                          {0, "home", 1, F_HOME},
                                          {0, "no-create-home", 0, F_NOHOME},
                                          {0, "shell", 1, F_NONE},
                                          {0, "disabled-password", 0, F_NONE},
                                          {0, "disabled-login", 0, F_NONE},
                                          {0, "gecos", 1, F_NONE},
                                          {0, "comment", 1, F_NONE},
                                          {0, "firstuid", 1, F_NONE},
                                          {0, "lastuid", 1, F_NONE},
                                          {0, "firstgid", 1, F_NONE},
                                          {0, "lastgid", 1, F_NONE},
                                          {0, "conf", 1, F_NONE},
                                          {'c', "", 1, F_NONE},
                                          {0, "add-extra-groups", 0, F_NONE},
                                          {0, "add_extra_groups", 0, F_NONE},
                                          {0, "allow-bad-names", 0, F_NONE},
                                          {0, "allow-all-names", 0, F_NONE},
                                          {0, "force-badname", 0, F_NONE},
                                          {0, "encrypt-home", 0, F_NONE},
                                          {0, "extrausers", 0, F_NONE},
                                          {'q', "quiet", 0, F_NONE},
                                          {'d', "debug", 0, F_NONE},
                                          {'v', "verbose", 0, F_NONE},
                                          {0, "stdoutmsglevel", 1, F_NONE},
                                          {0, "stderrmsglevel", 1, F_NONE},
                                          {0, "logmsglevel", 1, F_NONE},
                                          {0, "key", 1, F_NONE},
                                          {'k', "", 1, F_NONE},
                                          {0, "", 0, F_NONE}};

static const optdef bb_adduser_opts[] = {{'h', "home", 1, F_HOME},
                                         {'g', "gecos", 1, F_NONE},
                                         {'s', "shell", 1, F_NONE},
                                         {'G', "ingroup", 1, F_GID},
                                         {'S', "system", 0, F_SYSTEM},
                                         {'D', "disabled-password", 0, F_NONE},
                                         {0, "empty-password", 0, F_NONE},
                                         {'H', "no-create-home", 0, F_NOHOME},
                                         {'u', "uid", 1, F_UID},
                                         {'k', "skel", 1, F_NONE},
                                         {0, "", 0, F_NONE}};

static const optdef bb_addgroup_opts[] = {
    {'g', "gid", 1, F_ID}, {'S', "system", 0, F_SYSTEM}, {0, "", 0, F_NONE}};

static const optdef *find_short(const optdef *t, char c)
{
    for (; t->sh || t->lng[0]; t++)
        if (t->sh == c)
            return t;
    return NULL;
}

static const optdef *find_long(const optdef *t, const char *s, size_t n)
{
    if (n == 0 || n >= sizeof t->lng)
        return NULL;
    for (; t->sh || t->lng[0]; t++)
        if (t->lng[n] == '\0' && memcmp(t->lng, s, n) == 0)
            return t;
    return NULL;
}

/* --- Extraction: account tools ------------------------------------------ */

typedef struct parsed {
    const tfl_sh_word *pos[8]; /* positional arguments */
    size_t npos;
    bool any_short, any_long;
} parsed;

static void set_field(run *r, tfl_acct_op *op, enum field f, const wval *x,
                      size_t at)
{
    tfl_value v;

    if (f == F_NONE)
        return;
    if (x)
        wcut(r, x, at, SIZE_MAX, &v);
    switch (f) {
    case F_UID:
        op->id = v;
        break;
    case F_ID:
        op->id = v;
        break;
    case F_GID:
        op->group = v;
        break;
    case F_HOME:
        op->home = v;
        break;
    case F_NEWNAME:
        op->new_name = v;
        break;
    case F_GROUPS:
        op->groups = tfl_arena_alloc(r->b->t, sizeof *op->groups);
        if (!op->groups) {
            r->b->oom = true;
            return;
        }
        op->groups[0] = v;
        op->ngroups = 1;
        break;
    case F_SYSTEM:
        op->system = true;
        break;
    case F_NONUNIQUE:
        op->non_unique = true;
        break;
    case F_NOLOG:
        op->no_log_init = true;
        break;
    case F_MKHOME:
        op->create_home = true;
        break;
    case F_NOHOME:
        op->create_home = false;
        op->no_create_home = true;
        break;
    case F_USERGROUP:
    case F_GROUPFLAG:
        op->user_group = true;
        op->user_group_opt = true;
        break;
    case F_NOUSERGROUP:
        op->user_group = false;
        op->no_user_group = true;
        break;
    case F_FORCE:
        op->force = true;
        break;
    default:
        break;
    }
}

/* Split `-G a,b,c` into its names (after the value is complete). */
static void split_groups(run *r, tfl_acct_op *op, const wval *x, size_t at)
{
    size_t n = 1, i, k = 0, s;
    tfl_value *v;

    if (!op->ngroups || !x || !x->known)
        return;
    for (i = at; i < x->len; i++)
        n += x->buf[i] == ',';
    if (n == 1)
        return;
    v = tfl_arena_alloc(r->b->t, n * sizeof *v);
    if (!v) {
        r->b->oom = true;
        return;
    }
    for (s = i = at; i <= x->len; i++)
        if (i == x->len || x->buf[i] == ',') {
            if (i > s)
                wcut(r, x, s, i, &v[k++]);
            s = i + 1;
        }
    op->groups = v;
    op->ngroups = k;
}

/* getopt-like parse of the arguments of `c` with table `t`. */
static void parse_opts(run *r, const tfl_sh_cmd *c, const optdef *t,
                       tfl_acct_op *op, parsed *ps)
{
    size_t n = cmd_nargs(c), i;
    bool only_pos = false;
    char lit[256];

    memset(ps, 0, sizeof *ps);
    for (i = 0; i < n; i++) {
        const tfl_sh_word *w = cmd_arg(c, i);
        bool whole;
        size_t len = lit_prefix(w, lit, sizeof lit, &whole);

        if (only_pos || len < 2 || lit[0] != '-') {
            if (!only_pos && whole && len == 2 && lit[0] == '-' &&
                lit[1] == '-')
                ;
            else if (ps->npos < 8)
                ps->pos[ps->npos++] = w;
            continue;
        }
        if (lit[1] == '-') {
            const char *eq = memchr(lit + 2, '=', len - 2);
            size_t nl = eq ? (size_t)(eq - lit - 2) : len - 2;
            const optdef *d;

            if (len == 2 && whole) {
                only_pos = true;
                continue;
            }
            ps->any_long = true;
            d = find_long(t, lit + 2, nl);
            if (!d || !d->arg) {
                if (d)
                    set_field(r, op, d->f, NULL, 0);
                continue;
            }
            if (eq) {
                wval *x = weval(r, w);

                set_field(r, op, d->f, x, (size_t)(eq - lit) + 1);
                if (d->f == F_GROUPS)
                    split_groups(r, op, x, (size_t)(eq - lit) + 1);
            } else if (i + 1 < n) {
                wval *x = weval(r, cmd_arg(c, ++i));

                set_field(r, op, d->f, x, 0);
                if (d->f == F_GROUPS)
                    split_groups(r, op, x, 0);
            }
            continue;
        }
        ps->any_short = true;
        {
            size_t k;

            for (k = 1; k < len; k++) {
                const optdef *d = find_short(t, lit[k]);

                if (!d)
                    continue;
                if (!d->arg) {
                    set_field(r, op, d->f, NULL, 0);
                    continue;
                }
                if (k + 1 < len || !whole) {
                    wval *x = weval(r, w);

                    set_field(r, op, d->f, x, k + 1);
                    if (d->f == F_GROUPS)
                        split_groups(r, op, x, k + 1);
                } else if (i + 1 < n) {
                    wval *x = weval(r, cmd_arg(c, ++i));

                    set_field(r, op, d->f, x, 0);
                    if (d->f == F_GROUPS)
                        split_groups(r, op, x, 0);
                }
                break;
            }
        }
    }
}

/* --- Where a command stands in its list --------------------------------- */

static bool in_block(const tfl_sh_script *s, uint32_t b, bool cond)
{
    unsigned guard = 0;

    for (; b != TFL_SH_NONE && guard < 4096; b = s->blocks[b].parent, guard++) {
        tfl_sh_block_kind k = s->blocks[b].kind;

        if (cond && (k == TFL_SH_BLOCK_IF_COND || k == TFL_SH_BLOCK_WHILE_COND))
            return true;
        if (!cond &&
            (k == TFL_SH_BLOCK_IF_THEN || k == TFL_SH_BLOCK_IF_ELSE ||
             k == TFL_SH_BLOCK_CASE_ITEM || k == TFL_SH_BLOCK_LOOP_BODY ||
             k == TFL_SH_BLOCK_FOR_BODY || k == TFL_SH_BLOCK_FUNCTION))
            return true;
    }
    return false;
}

/*
 * Per command: does the shell go on when it fails (`tol`), and does it run
 * only under a condition (`cond`)? One backward pass: each command's next
 * sibling in its list is the last command seen at its depth, as long as no
 * shallower one came in between.
 */
static int list_flags(builder *b, const tfl_sh_script *s, unsigned char **tol,
                      unsigned char **cond)
{
    size_t n = s->ncmds, i, maxd = 0;
    uint32_t *last;

    *tol = tfl_arena_alloc(b->t, n + 1);
    *cond = tfl_arena_alloc_raw(b->t, n + 1); /* all written below */
    for (i = 0; i < n; i++)
        if (s->cmds[i].depth > maxd)
            maxd = s->cmds[i].depth;
    last = tfl_arena_alloc_raw(b->t, (maxd + 2) * sizeof *last);
    if (!*tol || !*cond || !last)
        return -1;
    (*cond)[n] = 0;
    for (i = 0; i <= maxd + 1; i++)
        last[i] = TFL_SH_NONE;
    for (i = n; i-- > 0;) {
        const tfl_sh_cmd *c = &s->cmds[i];
        unsigned d = c->depth;
        uint32_t nx = last[d];
        size_t k;

        if (nx != TFL_SH_NONE) {
            const tfl_sh_cmd *x = &s->cmds[nx];

            if (x->block == c->block && x->parent == c->parent &&
                x->nest == c->nest)
                (*tol)[i] = x->op == TFL_SH_OP_OR ||
                            (x->op == TFL_SH_OP_AND && (*tol)[nx]);
        }
        if (c->negated || in_block(s, c->block, true))
            (*tol)[i] = 1;
        (*cond)[i] = c->op == TFL_SH_OP_OR || in_block(s, c->block, false);
        last[d] = (uint32_t)i;
        for (k = d + 1; k <= maxd && last[k] != TFL_SH_NONE; k++)
            last[k] = TFL_SH_NONE;
    }
    return 0;
}

/* --- Paths made in the RUN ------------------------------------------------ */

static void add_created(run *r, const char *path)
{
    const char **p;
    size_t n;
    char *c;

    if (!path || !*path)
        return;
    n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    c = tfl_arena_strndup(r->b->t, path, n);
    p = tfl_arena_push(r->b->t, (void **)&r->created, &r->ncreated, &r->ccap,
                       sizeof *p);
    if (!c || !p) {
        r->b->oom = true;
        return;
    }
    *p = c;
}

/* `path` is a created path or lies inside one. */
static bool was_created(const run *r, const char *path)
{
    size_t i, n;

    if (!path)
        return false;
    n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    for (i = 0; i < r->ncreated; i++) {
        const char *c = r->created[i];
        size_t cl = strlen(c);

        if (cl <= n && strncmp(c, path, cl) == 0 &&
            (cl == n || path[cl] == '/' || (cl == 1 && c[0] == '/')))
            return true;
    }
    return false;
}

static const char *arg_text(run *r, const tfl_sh_cmd *c, size_t i)
{
    const tfl_sh_word *w = cmd_arg(c, i);
    tfl_value v;

    if (!w)
        return NULL;
    if (w->value)
        return w->value;
    wvalue(r, w, &v);
    return v.text;
}

static bool arg_is(const tfl_sh_cmd *c, size_t i, const char *s)
{
    const tfl_sh_word *w = cmd_arg(c, i);

    return w && w->value && strcmp(w->value, s) == 0;
}

/* The value of option `sh`/`lng` among the arguments, attached or next. */
static const char *opt_arg(run *r, const tfl_sh_cmd *c, char sh,
                           const char *lng)
{
    size_t n = cmd_nargs(c), i, ll = lng ? strlen(lng) : 0;

    for (i = 0; i < n; i++) {
        const char *t = arg_text(r, c, i);

        if (!t || t[0] != '-')
            continue;
        if (lng && t[1] == '-' && strncmp(t + 2, lng, ll) == 0) {
            if (t[2 + ll] == '=')
                return t + 3 + ll;
            if (!t[2 + ll])
                return arg_text(r, c, i + 1);
        }
        if (sh && t[1] != '-' && t[1]) {
            const char *p = strchr(t + 1, sh);

            if (p)
                return p[1] ? p + 1 : arg_text(r, c, i + 1);
        }
    }
    return NULL;
}

/* Last argument that is not an option. */
static const char *last_operand(run *r, const tfl_sh_cmd *c)
{
    size_t n = cmd_nargs(c);

    while (n-- > 0) {
        const char *t = arg_text(r, c, n);

        if (t && t[0] != '-')
            return t;
        if (!t)
            return NULL;
    }
    return NULL;
}

static void note_created(run *r, const tfl_sh_cmd *c, const char *name)
{
    size_t n = cmd_nargs(c), i;
    const char *t;

    if (!strcmp(name, "mkdir") || !strcmp(name, "touch")) {
        for (i = 0; i < n; i++) {
            t = arg_text(r, c, i);
            if (t && (!strcmp(t, "-m") || !strcmp(t, "--mode")))
                i++;
            else if (t && t[0] != '-')
                add_created(r, t);
        }
    } else if (!strcmp(name, "install")) {
        for (i = 0; i < n; i++) {
            t = arg_text(r, c, i);
            if (t && (!strcmp(t, "-m") || !strcmp(t, "-o") || !strcmp(t, "-g")))
                i++;
            else if (t && t[0] != '-')
                add_created(r, t);
        }
    } else if (!strcmp(name, "git") && arg_is(c, 0, "clone")) {
        const char *pos[2] = {NULL, NULL};
        size_t np = 0;

        for (i = 1; i < n; i++) {
            t = arg_text(r, c, i);
            if (t && (!strcmp(t, "-b") || !strcmp(t, "--branch") ||
                      !strcmp(t, "--depth") || !strcmp(t, "-c") ||
                      !strcmp(t, "--origin") || !strcmp(t, "-o")))
                i++;
            else if (t && t[0] != '-' && np < 2)
                pos[np++] = t;
        }
        if (np == 2)
            add_created(r, pos[1]);
        else if (np == 1) {
            const char *bn = base_name(pos[0]);
            size_t l = strlen(bn);
            char *d;

            if (l > 4 && !strcmp(bn + l - 4, ".git"))
                l -= 4;
            d = tfl_arena_strndup(r->b->t, bn, l);
            add_created(r, d);
        }
    } else if (!strcmp(name, "tar")) {
        add_created(r, opt_arg(r, c, 'C', "directory"));
    } else if (!strcmp(name, "unzip")) {
        add_created(r, opt_arg(r, c, 'd', NULL));
    } else if (!strcmp(name, "cp") || !strcmp(name, "mv") ||
               !strcmp(name, "rsync") || !strcmp(name, "ln")) {
        add_created(r, last_operand(r, c));
    } else if (!strcmp(name, "curl")) {
        add_created(r, opt_arg(r, c, 'o', "output"));
    } else if (!strcmp(name, "wget")) {
        add_created(r, opt_arg(r, c, 'O', "output-document"));
        add_created(r, opt_arg(r, c, 'P', "directory-prefix"));
    }
}

/* --- Package installs and family guesses --------------------------------- */

static tfl_family pm_family(const char *name)
{
    if (!strcmp(name, "apk"))
        return TFL_FAMILY_ALPINE;
    if (!strcmp(name, "apt-get") || !strcmp(name, "apt") ||
        !strcmp(name, "dpkg"))
        return TFL_FAMILY_DEBIAN;
    if (!strcmp(name, "dnf") || !strcmp(name, "yum") ||
        !strcmp(name, "microdnf") || !strcmp(name, "rpm"))
        return TFL_FAMILY_RHEL;
    if (!strcmp(name, "zypper"))
        return TFL_FAMILY_SUSE;
    if (!strcmp(name, "pacman"))
        return TFL_FAMILY_ARCH;
    return TFL_FAMILY_UNKNOWN;
}

/* A pattern of safe_pkg(), with its length (an array: see optdef). */
typedef struct pkgpat {
    char p[27];
    unsigned char l;
} pkgpat;
#define PAT(s)                                                                 \
    {                                                                          \
        s, sizeof s - 1                                                        \
    }

/* Does pattern `pp` take package `t`, whose name is its first `n` bytes?
 * (No NUL comes before t[n].) */
static bool pkg_is(const pkgpat *pp, const char *t, size_t n)
{
    const char *p = pp->p;
    size_t l = pp->l;

    if (p[l - 1] == '*' && p[0] != '*' && n >= l - 1 && !memcmp(t, p, l - 1))
        return true;
    if (p[0] == '*' && n >= l - 1 && !memcmp(t + n - (l - 1), p + 1, l - 1))
        return true;
    return n == l && !memcmp(t, p, n);
}

/* Packages known to create no account (so installing them leaves the
 * account lists as they were); a trailing '*' matches any rest. */
static bool safe_pkg(const char *t)
{
    /* Sorted by first byte: only the "*..." ones (first) and those that
     * start like the name are tried. */
    static const pkgpat safe[] = {PAT("*-dev"),
                                  PAT("*-devel"),
                                  PAT("*-doc"),
                                  PAT("adduser"),
                                  PAT("alpine-sdk"),
                                  PAT("apt-transport-https"),
                                  PAT("aria2"),
                                  PAT("autoconf"),
                                  PAT("automake"),
                                  PAT("bash"),
                                  PAT("bc"),
                                  PAT("bind-tools"),
                                  PAT("build-base"),
                                  PAT("build-essential"),
                                  PAT("busybox*"),
                                  PAT("bzip2"),
                                  PAT("ca-certificates"),
                                  PAT("clang*"),
                                  PAT("cmake"),
                                  PAT("coreutils"),
                                  PAT("curl"),
                                  PAT("default-jdk*"),
                                  PAT("default-jre*"),
                                  PAT("diffutils"),
                                  PAT("dirmngr"),
                                  PAT("dnsutils"),
                                  PAT("dpkg-dev"),
                                  PAT("dumb-init"),
                                  PAT("ed"),
                                  PAT("emacs*"),
                                  PAT("epel-release"),
                                  PAT("expat"),
                                  PAT("fd-find"),
                                  PAT("ffmpeg"),
                                  PAT("file"),
                                  PAT("findutils"),
                                  PAT("fontconfig"),
                                  PAT("fonts-*"),
                                  PAT("g++"),
                                  PAT("g++-*"),
                                  PAT("gawk"),
                                  PAT("gcc"),
                                  PAT("gcc-*"),
                                  PAT("gettext*"),
                                  PAT("git"),
                                  PAT("gnupg*"),
                                  PAT("gnutls*"),
                                  PAT("golang*"),
                                  PAT("gosu"),
                                  PAT("graphviz"),
                                  PAT("grep"),
                                  PAT("gzip"),
                                  PAT("hostname"),
                                  PAT("htop"),
                                  PAT("icu*"),
                                  PAT("imagemagick*"),
                                  PAT("iproute2"),
                                  PAT("iputils*"),
                                  PAT("jq"),
                                  PAT("krb5*"),
                                  PAT("less"),
                                  PAT("lib*"),
                                  PAT("linux-headers"),
                                  PAT("llvm*"),
                                  PAT("locales"),
                                  PAT("lsb-release"),
                                  PAT("make"),
                                  PAT("man-db"),
                                  PAT("mercurial"),
                                  PAT("mesa*"),
                                  PAT("musl-dev"),
                                  PAT("nano"),
                                  PAT("ncurses*"),
                                  PAT("net-tools"),
                                  PAT("netcat*"),
                                  PAT("nodejs"),
                                  PAT("npm"),
                                  PAT("openjdk*"),
                                  PAT("openssh"),
                                  PAT("openssh-client"),
                                  PAT("openssl"),
                                  PAT("p7zip*"),
                                  PAT("passwd"),
                                  PAT("patch"),
                                  PAT("perl*"),
                                  PAT("php*"),
                                  PAT("pip"),
                                  PAT("pkg-config"),
                                  PAT("pkgconf"),
                                  PAT("procps"),
                                  PAT("py3-*"),
                                  PAT("python3*"),
                                  PAT("readline*"),
                                  PAT("ripgrep"),
                                  PAT("rsync"),
                                  PAT("ruby*"),
                                  PAT("sed"),
                                  PAT("shadow*"),
                                  PAT("shellcheck"),
                                  PAT("socat"),
                                  PAT("software-properties-common"),
                                  PAT("sqlite*"),
                                  PAT("su-exec"),
                                  PAT("subversion"),
                                  PAT("sudo"),
                                  PAT("tar"),
                                  PAT("tcl*"),
                                  PAT("tini"),
                                  PAT("tk*"),
                                  PAT("tree"),
                                  PAT("ttf-*"),
                                  PAT("tzdata"),
                                  PAT("unzip"),
                                  PAT("unzip"),
                                  PAT("util-linux"),
                                  PAT("vim*"),
                                  PAT("wget"),
                                  PAT("wget2"),
                                  PAT("which"),
                                  PAT("x11*"),
                                  PAT("xvfb"),
                                  PAT("xz*"),
                                  PAT("yarn"),
                                  PAT("zip"),
                                  PAT("zlib*"),
                                  {"", 0}};
    size_t nsafe = sizeof safe / sizeof safe[0] - 1;
    size_t i, lo, hi = nsafe, n = strcspn(t, "=<>~:");

    for (i = 0; safe[i].p[0] == '*'; i++)
        if (pkg_is(&safe[i], t, n))
            return true;
    /* Then the first entry starting with t[0] or later, and its peers. */
    for (lo = i; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;

        if ((unsigned char)safe[mid].p[0] < (unsigned char)t[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < nsafe && safe[i].p[0] == t[0]; i++)
        if (pkg_is(&safe[i], t, n))
            return true;
    return false;
}

/* Is `t` a package manager's word for installing? (A switch on the first
 * byte: most words are package names and need no compare at all.) */
static bool install_word(const char *t)
{
    switch (t[0]) {
    case 'a':
        return !strcmp(t, "add");
    case 'i':
        return !strcmp(t, "install") || !strcmp(t, "in");
    case '-':
        return !strcmp(t, "-S") || !strcmp(t, "-Sy") || !strcmp(t, "-Syu");
    case 'l':
        return !strcmp(t, "localinstall");
    case 'r':
        return !strcmp(t, "reinstall");
    default:
        return false;
    }
}

/* The tools installing package `t` brings. */
static unsigned pkg_tools(const char *t)
{
    switch (t[0]) {
    case 's':
        return !strncmp(t, "shadow", 6) ? TFL_TOOL_SHADOW : 0;
    case 'p':
        return !strcmp(t, "passwd") ? TFL_TOOL_SHADOW : 0;
    case 'l':
        return !strcmp(t, "login") ? TFL_TOOL_SHADOW : 0;
    case 'a':
        return !strcmp(t, "adduser") ? TFL_TOOL_ADDUSER : 0;
    case 'b':
        return !strcmp(t, "busybox") ? TFL_TOOL_BUSYBOX : 0;
    default:
        return 0;
    }
}

/*
 * The tool sets a package install brings; `*any` tells whether the command
 * installs packages at all (their scripts may create accounts).
 */
static unsigned installs(const tfl_sh_cmd *c, const char *name, bool *any)
{
    size_t n = cmd_nargs(c), i;
    unsigned bits = 0;
    bool inst = false;

    if (pm_family(name) == TFL_FAMILY_UNKNOWN)
        return 0;
    if ((!strcmp(name, "dpkg") || !strcmp(name, "rpm")) && n &&
        cmd_arg(c, 0)->value && cmd_arg(c, 0)->value[0] == '-' &&
        strpbrk(cmd_arg(c, 0)->value, "iU"))
        *any = true;
    for (i = 0; i < n; i++) {
        const tfl_sh_word *w = cmd_arg(c, i);
        const char *t = w->value;
        char lit[128];
        bool whole;

        if (!t) {
            /* `pkg="$VERSION"`, `$PACKAGES`: judge by the literal start */
            if (!inst || *any)
                continue;
            lit_prefix(w, lit, sizeof lit, &whole);
            if (!strchr(lit, '=') || !safe_pkg(lit))
                *any = true;
            continue;
        }
        if (install_word(t))
            inst = true;
        else if (!inst)
            continue;
        if (!*any && t[0] != '-' && strcmp(t, "add") && strcmp(t, "install") &&
            !safe_pkg(t))
            *any = true;
        bits |= pkg_tools(t);
    }
    return bits;
}

/* --- Account tool ops ------------------------------------------------------
 */

typedef struct cmdctx {
    run *r;
    const tfl_sh_cmd *c;
    uint32_t ci;
} cmdctx;

/* Whether the command of `cx` is tolerated and conditional (see
 * tfl_acct_op), from the script's flags, made on the first call. */
static void cmd_flags(cmdctx *cx, bool *tolerated, bool *conditional)
{
    run *r = cx->r;

    *tolerated = *conditional = false;
    if (!r->tol && list_flags(r->b, r->s, &r->tol, &r->cond) != 0) {
        r->b->oom = true;
        r->tol = r->cond = NULL;
        return;
    }
    *tolerated = r->tol[cx->ci];
    *conditional = r->cond[cx->ci];
}

/* Do the `n` bytes at `p` lie in a text of instruction `in`, which lives
 * as long as the file's arena: its line, a heredoc body, an argument? */
static bool lasting(const tfl_instr *in, const char *p, size_t n)
{
    size_t i;

    if (in->line && p >= in->line && (size_t)(p - in->line) <= in->line_len &&
        n <= in->line_len - (size_t)(p - in->line))
        return true;
    for (i = 0; i < in->nheredocs; i++) {
        const tfl_heredoc *h = &in->heredocs[i];

        if (h->body && p >= h->body && (size_t)(p - h->body) <= h->body_len &&
            n <= h->body_len - (size_t)(p - h->body))
            return true;
    }
    for (i = 0; in->json && i < in->nargs; i++) {
        const tfl_word *w = &in->args[i];

        if (w->text && p >= w->text && (size_t)(p - w->text) <= w->len &&
            n <= w->len - (size_t)(p - w->text))
            return true;
    }
    return false;
}

/* Copy what `v` of instruction `instr` needs into the file's arena: its
 * value lies in the scratch, and so may its raw text (the cooked string
 * of `sh -c`); raw text in the instruction's own texts stays where it is
 * (the rules read it with raw_len, it has no NUL of its own). */
static void keep_value(builder *b, size_t instr, tfl_value *v)
{
    if (v->raw && !v->raw_len)
        v->raw = "";
    else if (v->raw && !lasting(&b->doc->instrs[instr], v->raw, v->raw_len) &&
             !(v->raw = keep_str(b, v->raw, v->raw_len)))
        b->oom = true;
    if (v->text && !(v->text = keep_str(b, v->text, strlen(v->text))))
        b->oom = true;
}

/* A kept copy of the `n` values at `v` (NULL for none). */
static tfl_value *keep_values(builder *b, size_t instr, const tfl_value *v,
                              size_t n)
{
    tfl_value *c;
    size_t i;

    if (!n)
        return NULL;
    c = tfl_arena_alloc(b->a, n * sizeof *c);
    if (!c) {
        b->oom = true;
        return NULL;
    }
    for (i = 0; i < n; i++) {
        c[i] = v[i];
        keep_value(b, instr, &c[i]);
    }
    return c;
}

static tfl_acct_op *push_acct(builder *b, const tfl_acct_op *op)
{
    tfl_acct_op *p =
        bpush(b, (void **)&b->o->accts, &b->o->naccts, &b->acap, sizeof *p);

    if (!p)
        return NULL;
    *p = *op;
    keep_value(b, p->instr, &p->name);
    keep_value(b, p->instr, &p->id);
    keep_value(b, p->instr, &p->group);
    keep_value(b, p->instr, &p->home);
    keep_value(b, p->instr, &p->new_name);
    p->groups = keep_values(b, p->instr, op->groups, op->ngroups);
    add_event(b, EV_ACCT, b->o->naccts - 1);
    return p;
}

static void op_common(cmdctx *cx, tfl_acct_op *op, tfl_acct_tool tool)
{
    const tfl_sh_cmd *c = cx->c;

    memset(op, 0, sizeof *op);
    op->tool = tool;
    op->instr = cx->r->instr;
    op->stage = cx->r->stage;
    op->span = c->span;
    op->cmd_span = c->arg0 < c->nwords ? c->words[c->arg0].span : c->span;
    cmd_flags(cx, &op->tolerated, &op->conditional);
}

static bool flag_style_busybox(const tfl_sh_cmd *c)
{
    size_t n = cmd_nargs(c), i;

    for (i = 0; i < n; i++) {
        const tfl_sh_word *w = cmd_arg(c, i);

        if (w->value && w->value[0] == '-' && w->value[1] && w->value[1] != '-')
            return true;
    }
    return false;
}

/* Which program `adduser`/`addgroup` runs in the stage. */
static tfl_adduser_kind adduser_kind(cmdctx *cx)
{
    const sstate *st = &cx->r->b->st[cx->r->stage];

    if (cx->c->prefixes & TFL_SH_PREFIX_BUSYBOX)
        return TFL_ADDUSER_BUSYBOX;
    if (st->adduser == TFL_ADDUSER_DEBIAN ||
        st->adduser == TFL_ADDUSER_BUSYBOX || st->adduser == TFL_ADDUSER_SHADOW)
        return st->adduser;
    switch (st->fam) {
    case TFL_FAMILY_DEBIAN:
    case TFL_FAMILY_UBUNTU:
        return TFL_ADDUSER_DEBIAN;
    case TFL_FAMILY_ALPINE:
    case TFL_FAMILY_WOLFI:
        return TFL_ADDUSER_BUSYBOX;
    case TFL_FAMILY_RHEL:
    case TFL_FAMILY_SUSE:
    case TFL_FAMILY_ARCH:
        return TFL_ADDUSER_SHADOW;
    default:
        return flag_style_busybox(cx->c) ? TFL_ADDUSER_BUSYBOX
                                         : TFL_ADDUSER_DEBIAN;
    }
}

static void read_deferred(builder *b, deferred *d);

/* Bring what the parent of stage `s` installed, deferred RUNs included,
 * into its state: the stages whose share of an ancestor is still out,
 * from the farthest down to `s` (no recursion: chains may be long). */
static void inherit_installs(builder *b, int s)
{
    size_t n = 0, i;
    int k, *chain;

    for (k = s; k >= 0; k = b->st[k].inherit)
        n++;
    chain = malloc(n * sizeof *chain);
    if (!chain) {
        b->oom = true;
        return;
    }
    for (n = 0, k = s; k >= 0; k = b->st[k].inherit)
        chain[n++] = k;
    for (i = n; i-- > 0;) {
        sstate *st = &b->st[chain[i]];

        if (st->inherit >= 0) {
            const sstate *p = &b->st[st->inherit];

            st->installed |= p->installed;
            st->other_pkgs = st->other_pkgs || p->other_pkgs;
            st->inherit = -1;
        }
        for (; i > 0 && st->dnext < st->dend; st->dnext++) {
            read_deferred(b, &b->dv[st->dnext]);
            st->installed |= b->dv[st->dnext].installs;
            st->other_pkgs = st->other_pkgs || b->dv[st->dnext].other;
        }
    }
    free(chain);
}

/* Did stage `s` install a package providing tool `t` so far? Its deferred
 * RUNs are read, in order, only until one does. */
static bool tool_installed(builder *b, int s, tfl_acct_tool t)
{
    sstate *st = &b->st[s];

    for (;;) {
        unsigned have = st->installed;
        bool yes;

        switch (t) {
        case TFL_ACCT_DEB_ADDUSER:
        case TFL_ACCT_DEB_ADDGROUP:
            yes = (have & TFL_TOOL_ADDUSER) || st->other_pkgs;
            break;
        case TFL_ACCT_BB_ADDUSER:
        case TFL_ACCT_BB_ADDGROUP:
            yes = have & TFL_TOOL_BUSYBOX;
            break;
        default:
            yes = have & TFL_TOOL_SHADOW;
            break;
        }
        if (yes || b->oom)
            return yes;
        if (st->inherit >= 0) {
            inherit_installs(b, s);
        } else if (st->dnext < st->dend) {
            deferred *d = &b->dv[st->dnext++];

            read_deferred(b, d);
            st->installed |= d->installs;
            st->other_pkgs = st->other_pkgs || d->other;
        } else {
            return false;
        }
    }
}

static bool is_user_tool(tfl_acct_tool t)
{
    return t == TFL_ACCT_USERADD || t == TFL_ACCT_DEB_ADDUSER ||
           t == TFL_ACCT_BB_ADDUSER || t == TFL_ACCT_PASSWD_LINE;
}

static void guess_ahead(builder *b, int stage, size_t instr);

static void do_acct(cmdctx *cx, const char *name)
{
    run *r = cx->r;
    tfl_acct_op op;
    parsed ps;
    const optdef *t;
    tfl_acct_tool tool;
    tfl_family fam;
    bool adduser = !strcmp(name, "adduser"),
         addgroup = !strcmp(name, "addgroup");

    if (!r->b->st[r->stage].fam_final)
        guess_ahead(r->b, r->stage, r->instr);
    fam = r->b->st[r->stage].fam;

    if (adduser || addgroup) {
        tfl_adduser_kind k = adduser_kind(cx);

        if (k == TFL_ADDUSER_SHADOW)
            tool = adduser ? TFL_ACCT_USERADD : TFL_ACCT_GROUPADD;
        else if (k == TFL_ADDUSER_BUSYBOX)
            tool = adduser ? TFL_ACCT_BB_ADDUSER : TFL_ACCT_BB_ADDGROUP;
        else
            tool = adduser ? TFL_ACCT_DEB_ADDUSER : TFL_ACCT_DEB_ADDGROUP;
    } else if (!strcmp(name, "useradd"))
        tool = TFL_ACCT_USERADD;
    else if (!strcmp(name, "groupadd"))
        tool = TFL_ACCT_GROUPADD;
    else if (!strcmp(name, "usermod"))
        tool = TFL_ACCT_USERMOD;
    else if (!strcmp(name, "groupmod"))
        tool = TFL_ACCT_GROUPMOD;
    else if (!strcmp(name, "userdel") || !strcmp(name, "deluser"))
        tool = TFL_ACCT_USERDEL;
    else
        tool = TFL_ACCT_GROUPDEL;

    switch (tool) {
    case TFL_ACCT_USERADD:
        t = useradd_opts;
        break;
    case TFL_ACCT_GROUPADD:
        t = groupadd_opts;
        break;
    case TFL_ACCT_USERMOD:
        t = usermod_opts;
        break;
    case TFL_ACCT_GROUPMOD:
        t = groupmod_opts;
        break;
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_DEB_ADDGROUP:
        t = deb_adduser_opts;
        break;
    case TFL_ACCT_BB_ADDUSER:
        t = bb_adduser_opts;
        break;
    case TFL_ACCT_BB_ADDGROUP:
        t = bb_addgroup_opts;
        break;
    default:
        t = del_opts;
        break;
    }
    op_common(cx, &op, tool);
    parse_opts(r, cx->c, t, &op, &ps);
    if (tool == TFL_ACCT_DEB_ADDUSER && op.user_group_opt && !op.system) {
        /* `adduser --group NAME` is addgroup. */
        tool = op.tool = TFL_ACCT_DEB_ADDGROUP;
    }
    if (tool == TFL_ACCT_DEB_ADDGROUP && op.group.raw && !op.id.raw) {
        op.id = op.group; /* addgroup --gid is the group's own ID */
        memset(&op.group, 0, sizeof op.group);
    }
    if (ps.npos == 0)
        return;
    if (ps.npos >= 2 &&
        (tool == TFL_ACCT_DEB_ADDUSER || tool == TFL_ACCT_DEB_ADDGROUP ||
         tool == TFL_ACCT_BB_ADDUSER || tool == TFL_ACCT_BB_ADDGROUP)) {
        op.add_member = true;
        op.groups = tfl_arena_alloc(r->b->t, sizeof *op.groups);
        if (!op.groups) {
            r->b->oom = true;
            return;
        }
        op.ngroups = 1;
        wvalue(r, ps.pos[0], &op.name);
        wvalue(r, ps.pos[1], &op.groups[0]);
    } else {
        wvalue(r,
               ps.pos[tool == TFL_ACCT_DEB_ADDUSER ||
                              tool == TFL_ACCT_BB_ADDUSER ||
                              tool == TFL_ACCT_BB_ADDGROUP ||
                              tool == TFL_ACCT_DEB_ADDGROUP
                          ? 0
                          : ps.npos - 1],
               &op.name);
    }
    op.makes_group = tool == TFL_ACCT_GROUPADD || tool == TFL_ACCT_GROUPMOD ||
                     tool == TFL_ACCT_GROUPDEL ||
                     tool == TFL_ACCT_DEB_ADDGROUP ||
                     tool == TFL_ACCT_BB_ADDGROUP;
    if (op.add_member)
        op.makes_group = false;
    switch (tool) {
    case TFL_ACCT_USERADD:
        op.user_group = !op.no_user_group && !op.group.raw;
        op.create_home = op.create_home ||
                         (!op.no_create_home && !op.system &&
                          (fam == TFL_FAMILY_RHEL || fam == TFL_FAMILY_SUSE ||
                           fam == TFL_FAMILY_ARCH));
        break;
    case TFL_ACCT_DEB_ADDUSER:
        op.user_group = op.system ? op.user_group_opt : !op.group.raw;
        op.create_home = !op.no_create_home && (!op.system || op.home.raw);
        break;
    case TFL_ACCT_BB_ADDUSER:
        op.user_group = !op.group.raw && !op.system;
        op.create_home = !op.no_create_home;
        break;
    default:
        break;
    }
    if (op.add_member)
        op.user_group = op.create_home = false;
    op.tool_installed = tool_installed(r->b, r->stage, tool);
    if (is_user_tool(tool) && op.create_home && !op.add_member) {
        if (op.home.text)
            add_created(r, op.home.text);
        else if (op.name.text && !op.home.raw)
            add_created(r, tfl_arena_printf(r->b->t, "/home/%s", op.name.text));
    }
    push_acct(r->b, &op);
}

/* Cut field `k` (0-based, ':'-separated) of line [ls, le) of `x`. */
static bool field(run *r, const wval *x, size_t ls, size_t le, unsigned k,
                  tfl_value *v)
{
    size_t i, s = ls;
    unsigned f = 0;

    for (i = ls; i <= le; i++)
        if (i == le || x->buf[i] == ':') {
            if (f == k) {
                wcut(r, x, s, i, v);
                return true;
            }
            f++;
            s = i + 1;
        }
    memset(v, 0, sizeof *v);
    return false;
}

/* `echo 'name:x:1001:1001::/home/name:/bin/sh' >> /etc/passwd`. */
static void do_line(cmdctx *cx, const tfl_sh_word *w, bool group)
{
    run *r = cx->r;
    wval *x = weval(r, w);
    size_t ls = 0, i;

    if (!x)
        return;
    for (i = 0; i <= x->len; i++) {
        bool nl = i == x->len || x->buf[i] == '\n' ||
                  (x->buf[i] == '\\' && i + 1 < x->len && x->buf[i + 1] == 'n');
        tfl_acct_op op;

        if (!nl)
            continue;
        if (i > ls && memchr(x->buf + ls, ':', i - ls)) {
            op_common(cx, &op,
                      group ? TFL_ACCT_GROUP_LINE : TFL_ACCT_PASSWD_LINE);
            op.makes_group = group;
            field(r, x, ls, i, 0, &op.name);
            field(r, x, ls, i, 2, &op.id);
            if (!group) {
                field(r, x, ls, i, 3, &op.group);
                field(r, x, ls, i, 5, &op.home);
            }
            op.tool_installed = true;
            push_acct(r->b, &op);
        }
        if (i < x->len && x->buf[i] == '\\')
            i++;
        ls = i + 1;
    }
}

static const char *redir_file(const tfl_sh_cmd *c)
{
    size_t i;

    for (i = 0; i < c->nredirs; i++)
        if (c->redirs[i].op == TFL_SH_REDIR_APPEND &&
            c->redirs[i].target.value &&
            (!strcmp(c->redirs[i].target.value, "/etc/passwd") ||
             !strcmp(c->redirs[i].target.value, "/etc/group")))
            return c->redirs[i].target.value;
    return NULL;
}

/* The text argument of echo/printf (after echo's -n/-e/-E). */
static const tfl_sh_word *echo_text(const tfl_sh_cmd *c, const char *name)
{
    size_t n = cmd_nargs(c), i;

    if (!strcmp(name, "printf"))
        return n ? cmd_arg(c, 0) : NULL;
    for (i = 0; i < n; i++) {
        const tfl_sh_word *w = cmd_arg(c, i);

        if (w->value && w->value[0] == '-' &&
            strspn(w->value + 1, "neE") == strlen(w->value + 1) && w->value[1])
            continue;
        return w;
    }
    return NULL;
}

static bool etc_file(const char *t)
{
    return t && t[0] == '/' && t[1] == 'e' &&
           (!strcmp(t, "/etc/passwd") || !strcmp(t, "/etc/group") ||
            !strcmp(t, "/etc/shadow") || !strcmp(t, "/etc/gshadow"));
}

/* Does the command name an account file (it may rewrite it)? Readers
 * count only when they redirect their output into one. */
static bool touches_etc(const tfl_sh_cmd *c, bool reader)
{
    size_t i, n = cmd_nargs(c);
    const tfl_sh_word *args;

    for (i = 0; i < c->nredirs; i++)
        if (c->redirs[i].op != TFL_SH_REDIR_IN &&
            etc_file(c->redirs[i].target.value))
            return true;
    if (reader || !n)
        return false;
    /* the arguments as an array: this runs for nearly every command */
    args = cmd_arg(c, 0);
    for (i = 0; i < n; i++)
        if (etc_file(args[i].value))
            return true;
    return false;
}

/* Returns whether the command was an appended account line. */
static bool do_passwd_lines(cmdctx *cx, const char *name)
{
    const tfl_sh_cmd *c = cx->c;
    const char *file = NULL;
    const tfl_sh_word *w = NULL;

    if (!strcmp(name, "echo") || !strcmp(name, "printf")) {
        file = redir_file(c);
        if (file)
            w = echo_text(c, name);
    } else if (!strcmp(name, "tee") && c->op == TFL_SH_OP_PIPE && cx->ci > 0) {
        const tfl_sh_cmd *p = &cx->r->s->cmds[cx->ci - 1];
        const char *pn = cmd_name(p);
        size_t i, n = cmd_nargs(c);

        for (i = 0; i < n; i++) {
            const tfl_sh_word *a = cmd_arg(c, i);

            if (a->value && (!strcmp(a->value, "/etc/passwd") ||
                             !strcmp(a->value, "/etc/group")))
                file = a->value;
        }
        if (file && pn &&
            (!strcmp(base_name(pn), "echo") ||
             !strcmp(base_name(pn), "printf")))
            w = echo_text(p, base_name(pn));
    }
    if (!file || !w)
        return false;
    do_line(cx, w, !strcmp(file, "/etc/group"));
    return true;
}

/* --- Ownership ops ----------------------------------------------------------
 */

static tfl_own_op *push_own(builder *b, const tfl_own_op *op)
{
    tfl_own_op *p =
        bpush(b, (void **)&b->o->owns, &b->o->nowns, &b->ocap, sizeof *p);

    if (!p)
        return NULL;
    *p = *op;
    keep_value(b, p->instr, &p->user);
    keep_value(b, p->instr, &p->group);
    keep_value(b, p->instr, &p->mode);
    p->paths = keep_values(b, p->instr, op->paths, op->npaths);
    if (op->npaths) {
        bool *c = (bool *)keep_mem(b, op->npaths * sizeof *c);

        if (!c) {
            b->oom = true;
            return NULL;
        }
        memcpy(c, op->created_here, op->npaths * sizeof *c);
        p->created_here = c;
    }
    add_event(b, EV_OWN, b->o->nowns - 1);
    return p;
}

/* Split an owner value at ':' (or '.' when there is no ':'). */
static void split_owner(run *r, const wval *x, tfl_value *user,
                        tfl_value *group)
{
    const char *sep = memchr(x->buf, ':', x->len);

    if (!sep && x->known)
        sep = memchr(x->buf, '.', x->len);
    memset(user, 0, sizeof *user);
    memset(group, 0, sizeof *group);
    if (!sep) {
        wcut(r, x, 0, SIZE_MAX, user);
        return;
    }
    if (sep > x->buf)
        wcut(r, x, 0, (size_t)(sep - x->buf), user);
    if ((size_t)(sep - x->buf) + 1 < x->len)
        wcut(r, x, (size_t)(sep - x->buf) + 1, SIZE_MAX, group);
}

static bool chmod_mode_word(const char *t)
{
    return t[0] == '-' && t[1] && strspn(t + 1, "rwxXst") == strlen(t + 1);
}

static void do_own(cmdctx *cx, const char *name)
{
    run *r = cx->r;
    const tfl_sh_cmd *c = cx->c;
    size_t n = cmd_nargs(c), i;
    tfl_own_op op;
    const tfl_sh_word *pos[64];
    size_t npos = 0, extra = 0;
    bool only_pos = false;
    char lit[64];

    memset(&op, 0, sizeof op);
    op.kind = !strcmp(name, "chown")   ? TFL_OWN_CHOWN
              : !strcmp(name, "chgrp") ? TFL_OWN_CHGRP
                                       : TFL_OWN_CHMOD;
    op.instr = r->instr;
    op.stage = r->stage;
    op.span = c->span;
    cmd_flags(cx, &op.tolerated, &op.conditional);
    for (i = 0; i < n; i++) {
        const tfl_sh_word *w = cmd_arg(c, i);
        bool whole;
        size_t len = lit_prefix(w, lit, sizeof lit, &whole);

        if (!only_pos && len >= 2 && lit[0] == '-' &&
            !(op.kind == TFL_OWN_CHMOD && npos == 0 && whole &&
              chmod_mode_word(lit))) {
            if (lit[1] == '-') {
                if (len == 2 && whole)
                    only_pos = true;
                else if (!strncmp(lit, "--reference", 11))
                    return; /* the owner comes from a file */
                else if (!strcmp(lit, "--recursive"))
                    op.recursive = true;
                else if (!strcmp(lit, "--from"))
                    i++;
                continue;
            }
            if (memchr(lit + 1, 'R', len - 1))
                op.recursive = true;
            continue;
        }
        if (npos < 64)
            pos[npos++] = w;
        else
            extra++;
    }
    if (npos == 0)
        return;
    {
        wval *x = weval(r, pos[0]);

        if (!x)
            return;
        if (op.kind == TFL_OWN_CHOWN)
            split_owner(r, x, &op.user, &op.group);
        else if (op.kind == TFL_OWN_CHGRP)
            wcut(r, x, 0, SIZE_MAX, &op.group);
        else
            wcut(r, x, 0, SIZE_MAX, &op.mode);
    }
    op.npaths = npos - 1;
    if (op.npaths) {
        op.paths = tfl_arena_alloc(r->b->t, op.npaths * sizeof *op.paths);
        op.created_here = tfl_arena_alloc(r->b->t, op.npaths);
        if (!op.paths || !op.created_here) {
            r->b->oom = true;
            return;
        }
        for (i = 0; i < op.npaths; i++) {
            wvalue(r, pos[i + 1], &op.paths[i]);
            op.created_here[i] = was_created(r, op.paths[i].text);
        }
    }
    (void)extra;
    push_own(r->b, &op);
}

static void do_sudo(cmdctx *cx)
{
    const tfl_sh_cmd *c = cx->c;
    size_t i;
    builder *b = cx->r->b;

    for (i = 0; i < c->nwords && i <= c->arg0; i++) {
        const tfl_sh_word *w = &c->words[i];
        tfl_sudo_op *p;

        if (!w->value || strcmp(base_name(w->value), "sudo") != 0)
            continue;
        p = bpush(b, (void **)&b->o->sudos, &b->o->nsudos, &b->scap, sizeof *p);
        if (!p)
            return;
        p->instr = cx->r->instr;
        p->stage = cx->r->stage;
        p->span = w->span;
        add_event(b, EV_SUDO, b->o->nsudos - 1);
        return;
    }
}

/* --- Walking a script --------------------------------------------------------
 */

static void do_assigns(run *r, const tfl_sh_cmd *c, uint32_t ci)
{
    size_t i;
    bool has_cmd = c->arg0 < c->nwords;

    for (i = 0; i < c->nassigns; i++) {
        const tfl_sh_assign *a = &c->assigns[i];
        wval *x;
        look l = {0}, cur;

        if (a->kind == TFL_SH_ASSIGN_ENV ||
            (a->kind == TFL_SH_ASSIGN_PLAIN && has_cmd))
            continue;
        cur = lookup_name(r, a->name);
        if (r->fallback[ci] && cur.known && cur.set && cur.text && cur.text[0])
            continue; /* `[ -z "$X" ] && X=v`: X already has a value */
        x = weval(r, &a->value);
        if (!x)
            return;
        l.known = x->known;
        l.set = true;
        l.bind = cur.bind;
        l.fba = cur.fba;
        if (a->append && cur.known && x->known)
            l.text = tfl_arena_printf(r->b->t, "%s%s", cur.set ? cur.text : "",
                                      x->buf);
        else if (a->append)
            l.known = false;
        else if (x->known)
            l.text = tfl_arena_strndup(r->b->t, x->buf, x->len);
        if (l.known && !l.text) {
            r->b->oom = true;
            return;
        }
        if (!l.bind && x->w->nparts && x->pcs[0].isvar)
            l.bind = x->pcs[0].bind;
        var_set(r, a->name, &l);
    }
}

/* What a command name is to the walk, looked up once per command instead
 * of comparing it with every name each step knows. */
enum {
    F_SUDO = 1 << 0,
    F_ACCT = 1 << 1,   /* an account tool */
    F_OWN = 1 << 2,    /* chown, chgrp, chmod */
    F_ECHO = 1 << 3,   /* echo, printf, tee: may append account lines */
    F_PM = 1 << 4,     /* a package manager (pm_family) */
    F_SHELL = 1 << 5,  /* is_shell */
    F_READER = 1 << 6, /* reads account files without changing them */
    F_CREATES = 1 << 7 /* may create paths (note_created) */
};

typedef struct kindname {
    uint64_t key; /* the name's bytes, the first lowest, zero-padded */
    unsigned flags;
} kindname;

static unsigned cmd_kind(const char *name)
{
    /* Every name fits in 8 bytes, packed first byte lowest: a hash table
     * of those keys, open addressing on the top 7 bits of key * KIND_MUL
     * (slots made by a script from the names; an empty slot has key 0,
     * which no name makes). */
#define KIND_MUL UINT64_C(0x9e3779b97f4a7c15)
    static const kindname kinds[128] = {
        [0] = {UINT64_C(0x000000006c727563), F_CREATES},   /* curl */
        [12] = {UINT64_C(0x00000000006b7061), F_PM},       /* apk */
        [17] = {UINT64_C(0x0000000000666e64), F_PM},       /* dnf */
        [30] = {UINT64_C(0x000000000000005b), F_READER},   /* [ */
        [40] = {UINT64_C(0x0000000074736574), F_READER},   /* test */
        [41] = {UINT64_C(0x0000000000687361), F_SHELL},    /* ash */
        [42] = {UINT64_C(0x0000746e65746567), F_READER},   /* getent */
        [43] = {UINT64_C(0x006c656472657375), F_ACCT},     /* userdel */
        [44] = {UINT64_C(0x646f6d70756f7267), F_ACCT},     /* groupmod */
        [46] = {UINT64_C(0x0000000000746163), F_READER},   /* cat */
        [48] = {UINT64_C(0x0000000000747061), F_PM},       /* apt */
        [49] = {UINT64_C(0x0000000074617473), F_READER},   /* stat */
        [52] = {UINT64_C(0x000000006f647573), F_SUDO},     /* sudo */
        [53] = {UINT64_C(0x000072657070797a), F_PM},       /* zypper */
        [54] = {UINT64_C(0x0000006e776f6863), F_OWN},      /* chown */
        [58] = {UINT64_C(0x0000000000007063), F_CREATES},  /* cp */
        [59] = {UINT64_C(0x006c6c6174736e69), F_CREATES},  /* install */
        [64] = {UINT64_C(0x000000000068736b), F_SHELL},    /* ksh */
        [65] = {UINT64_C(0x64646170756f7267), F_ACCT},     /* groupadd */
        [66] = {UINT64_C(0x6c656470756f7267), F_ACCT},     /* groupdel */
        [67] = {UINT64_C(0x00006e616d636170), F_PM},       /* pacman */
        [69] = {UINT64_C(0x0000000070657267), F_READER},   /* grep */
        [70] = {UINT64_C(0x00000000006d7072), F_PM},       /* rpm */
        [71] = {UINT64_C(0x70756f72676c6564), F_ACCT},     /* delgroup */
        [72] = {UINT64_C(0x0000000000006469), F_READER},   /* id */
        [73] = {UINT64_C(0x0000000000746967), F_CREATES},  /* git */
        [74] = {UINT64_C(0x0000000000006e6c), F_CREATES},  /* ln */
        [75] = {UINT64_C(0x00000000676b7064), F_PM},       /* dpkg */
        [77] = {UINT64_C(0x0000000000656574), F_ECHO},     /* tee */
        [78] = {UINT64_C(0x0000000000006873), F_SHELL},    /* sh */
        [79] = {UINT64_C(0x00000000006b7761), F_READER},   /* awk */
        [80] = {UINT64_C(0x0000000068736162), F_SHELL},    /* bash */
        [82] = {UINT64_C(0x00726573756c6564), F_ACCT},     /* deluser */
        [83] = {UINT64_C(0x0064646172657375), F_ACCT},     /* useradd */
        [85] = {UINT64_C(0x000000000000736c), F_READER},   /* ls */
        [86] = {UINT64_C(0x70756f7267646461), F_ACCT},     /* addgroup */
        [90] = {UINT64_C(0x000000646f6d6863), F_OWN},      /* chmod */
        [95] = {UINT64_C(0x0000000064616568), F_READER},   /* head */
        [96] = {UINT64_C(0x000000006f686365), F_ECHO},     /* echo */
        [98] = {UINT64_C(0x000000000068737a), F_SHELL},    /* zsh */
        [99] = {UINT64_C(0x0072657375646461), F_ACCT},     /* adduser */
        [100] = {UINT64_C(0x666e646f7263696d), F_PM},      /* microdnf */
        [103] = {UINT64_C(0x007465672d747061), F_PM},      /* apt-get */
        [105] = {UINT64_C(0x0000006863756f74), F_CREATES}, /* touch */
        [106] = {UINT64_C(0x00646f6d72657375), F_ACCT},    /* usermod */
        [107] = {UINT64_C(0x000000636e797372), F_CREATES}, /* rsync */
        [110] = {UINT64_C(0x0000000068736164), F_SHELL},   /* dash */
        [111] = {UINT64_C(0x0000007269646b6d), F_CREATES}, /* mkdir */
        [114] = {UINT64_C(0x000000006c696174), F_READER},  /* tail */
        [116] = {UINT64_C(0x000066746e697270), F_ECHO},    /* printf */
        [117] = {UINT64_C(0x0000000000726174), F_CREATES}, /* tar */
        [118] = {UINT64_C(0x00000070697a6e75), F_CREATES}, /* unzip */
        [119] = {UINT64_C(0x000000000000766d), F_CREATES}, /* mv */
        [120] = {UINT64_C(0x0000000074656777), F_CREATES}, /* wget */
        [123] = {UINT64_C(0x00000000006d7579), F_PM},      /* yum */
        [126] = {UINT64_C(0x0000007072676863), F_OWN},     /* chgrp */
    };
    uint64_t key = 0;
    size_t i;

    for (i = 0; name[i]; i++) {
        if (i == 8)
            return 0;
        key |= (uint64_t)(unsigned char)name[i] << (8 * i);
    }
    for (i = (size_t)((key * KIND_MUL) >> 57); kinds[i].key; i = (i + 1) & 127)
        if (kinds[i].key == key)
            return kinds[i].flags;
    return 0;
#undef KIND_MUL
}

static bool is_shell(const char *n);

/* A script or installer whose effects cannot be seen: a path to a file,
 * `sh FILE`, or anything piped into a shell. */
static bool runs_script(const tfl_sh_cmd *c, const char *name, unsigned kind)
{
    const char *full = cmd_name(c);
    size_t n = strlen(name);
    const tfl_sh_word *a;

    if ((n > 3 && name[n - 3] == '.' && name[n - 2] == 's' &&
         name[n - 1] == 'h') ||
        (full[0] == '.' && full[1] == '/'))
        return true;
    if (!(kind & F_SHELL))
        return false;
    if (c->op == TFL_SH_OP_PIPE)
        return true;
    a = cmd_arg(c, 0);
    return a && c->shell_c == TFL_SH_NONE && (!a->value || a->value[0] != '-');
}

static int split_run(tfl_arena *ar, const tfl_instr *in, runinfo *ri);
static unsigned run_class(const tfl_instr *in, unsigned want);

/* Split and read deferred RUN `d`, once: what its installs bring and
 * whether it makes the account lists unknown, as walk_script() finds. */
static void read_deferred(builder *b, deferred *d)
{
    runinfo ri;
    size_t k, i;
    unsigned cls;

    if (d->read)
        return;
    d->read = true;
    /* The sieve may take a part of an account name the look that
     * deferred the RUN passed over ("user" in `--with-fpm-user`) for one:
     * then it could not look further, so the RUN is read. */
    cls = run_class(&b->doc->instrs[d->instr], RUN_PM | RUN_SCRIPT);
    if (!(cls & RUN_ALL))
        return; /* it names nothing after all */
    if (split_run(&b->aside, &b->doc->instrs[d->instr], &ri) != 0)
        b->oom = true;
    for (k = 0; k < ri.n && !b->oom; k++) {
        const tfl_sh_script *sc = &ri.v[k].s;

        for (i = 0; i < sc->ncmds; i++) {
            const tfl_sh_cmd *c = &sc->cmds[i];
            const char *name = cmd_name(c);
            unsigned kind;
            bool any = false;

            if (!name)
                continue;
            name = base_name(name);
            kind = cmd_kind(name);
            if (kind & F_PM)
                d->installs |= installs(c, name, &any);
            d->other = d->other || any;
            if (any || runs_script(c, name, kind))
                d->forget = true;
        }
    }
    if (b->aside.used > SCRATCH_MAX)
        tfl_arena_reset(&b->aside);
}

/* Keep the fallbacks of a script that have a literal value, for the
 * TF505/TF506 pass (tfl_ops.fallbacks); copies, as the script goes with
 * the scratch arena. */
static void keep_fallbacks(builder *b, size_t instr, int origin,
                           const tfl_sh_fallback *fb, size_t n)
{
    size_t i;

    for (i = 0; i < n && !b->oom; i++) {
        const tfl_sh_word *v = fb[i].value;
        tfl_ops_fallback *k;
        tfl_sh_word *w;

        if (!v->value)
            continue;
        k = bpush(b, (void **)&b->o->fallbacks, &b->o->nfallbacks, &b->fcap,
                  sizeof *k);
        w = tfl_arena_alloc(b->a, sizeof *w);
        if (!k || !w) {
            b->oom = true;
            return;
        }
        k->instr = instr;
        k->script = origin;
        k->f = fb[i];
        k->f.name = keep_str(b, fb[i].name, strlen(fb[i].name));
        w->raw = keep_str(b, v->raw ? v->raw : "", v->raw_len);
        w->raw_len = v->raw_len;
        w->span = v->span;
        w->value = keep_str(b, v->value, v->len);
        w->len = v->len;
        w->flags = v->flags;
        k->f.value = w;
        if (!k->f.name || !w->raw || !w->value)
            b->oom = true;
    }
}

static void walk_script(builder *b, size_t instr, int stage,
                        const tfl_sh_script *s, int origin)
{
    run r;
    unsigned char *kinds;
    size_t nsets = 0, nslots = 1, i, own_end = 0;
    tfl_sh_fallback *fb;
    size_t nfb;
    bool var_assigns = false;

    memset(&r, 0, sizeof r);
    r.b = b;
    r.instr = instr;
    r.stage = stage;
    r.s = s;
    /* The shell table holds the names the RUN may set: assignments,
     * ${X:=v} and `for X`. Most RUNs set none and get no table; otherwise
     * it is kept at most half full, so probing always ends. */
    for (i = 0; i < s->ncmds; i++)
        nsets += s->cmds[i].nassigns;
    for (i = 0; i < s->nvars; i++)
        if (s->vars[i]->op == TFL_SH_VAR_ASSIGN) {
            nsets++;
            var_assigns = true;
        }
    for (i = 0; i < s->nblocks; i++)
        nsets += s->blocks[i].kind == TFL_SH_BLOCK_FOR_BODY;
    /* The paths a command makes matter only to a chown/chgrp/chmod after
     * it; reading them evaluates words, which only ${X:=v} could make
     * matter to anything else. */
    kinds = tfl_arena_alloc_raw(b->t, s->ncmds + 1); /* all written below */
    if (!kinds) {
        b->oom = true;
        return;
    }
    kinds[s->ncmds] = 0;
    for (i = 0; i < s->ncmds; i++) {
        const char *n = cmd_name(&s->cmds[i]);

        kinds[i] = n ? (unsigned char)cmd_kind(base_name(n)) : 0;
        if (kinds[i] & F_OWN)
            own_end = i + 1;
    }
    while (nslots < 2 * nsets)
        nslots *= 2;
    r.vars = nsets ? tfl_arena_alloc(b->t, nslots * sizeof *r.vars) : NULL;
    r.vmask = nslots - 1;
    r.fallback = tfl_arena_alloc(b->t, s->ncmds + 1);
    /* Only ops read the list flags (r.tol, r.cond): cmd_flags() makes
     * them for the first. */
    if ((nsets && !r.vars) || !r.fallback ||
        tfl_sh_fallbacks(b->t, s, &fb, &nfb) != 0) {
        b->oom = true;
        return;
    }
    for (i = 0; i < nfb; i++)
        if ((fb[i].kind == TFL_SH_FALLBACK_TEST ||
             fb[i].kind == TFL_SH_FALLBACK_IF) &&
            fb[i].cmd < s->ncmds)
            r.fallback[fb[i].cmd] = 1;
    keep_fallbacks(b, instr, origin, fb, nfb);
    for (i = 0; i < s->nblocks; i++) {
        const tfl_sh_block *bl = &s->blocks[i];

        if (bl->kind == TFL_SH_BLOCK_FOR_BODY && bl->nwords &&
            bl->words[0].value && bl->first_cmd < s->ncmds) {
            look unk = {0};

            unk.set = true;
            var_set(&r, bl->words[0].value, &unk);
        }
    }
    for (i = 0; i < s->ncmds && !b->oom; i++) {
        const tfl_sh_cmd *c = &s->cmds[i];
        const char *name = cmd_name(c);
        cmdctx cx = {&r, c, (uint32_t)i};
        unsigned kind;

        do_assigns(&r, c, (uint32_t)i);
        if (c->prefixes & TFL_SH_PREFIX_SUDO)
            do_sudo(&cx);
        if (!name)
            continue;
        name = base_name(name);
        kind = kinds[i];
        if (kind & F_SUDO)
            do_sudo(&cx);
        bool any = false;

        if (kind & F_PM)
            b->st[stage].installed |= installs(c, name, &any);
        if (any)
            b->st[stage].other_pkgs = true;
        if (any || runs_script(c, name, kind))
            add_event(b, EV_FORGET, (size_t)stage);
        if (kind & F_ACCT)
            do_acct(&cx, name);
        else if (kind & F_OWN)
            do_own(&cx, name);
        else if (!((kind & F_ECHO) && do_passwd_lines(&cx, name)) &&
                 touches_etc(c, kind & F_READER))
            add_event(b, EV_FORGET, (size_t)stage);
        if ((kind & F_CREATES) && (i < own_end || var_assigns))
            note_created(&r, c, name);
    }
}

/* --- RUN, COPY, USER -------------------------------------------------------
 */

static int one_piece(tfl_arena *a, uint32_t src, uint32_t len, tfl_textmap *out)
{
    tfl_piece *v = tfl_arena_alloc(a, sizeof *v);

    if (!v)
        return -1;
    v->text_off = 0;
    v->src_off = src;
    v->len = len;
    out->pieces = v;
    out->npieces = 1;
    return 0;
}

static int add_script(tfl_arena *ar, runinfo *ri, int origin, const char *text,
                      size_t len, const tfl_textmap *map)
{
    script *sc =
        tfl_arena_push(ar, (void **)&ri->v, &ri->n, &ri->cap, sizeof *sc);

    if (!sc || tfl_shell_split(ar, text, len, map, &sc->s) != 0)
        return -1;
    sc->origin = origin;
    return 0;
}

static bool is_shell(const char *n)
{
    n = base_name(n);
    return !strcmp(n, "sh") || !strcmp(n, "bash") || !strcmp(n, "ash") ||
           !strcmp(n, "dash") || !strcmp(n, "zsh") || !strcmp(n, "ksh");
}

/*
 * Which command reads each heredoc of a RUN: the first command (in script
 * order) with a redirection of that delimiter. Looked up by delimiter in a
 * table made once per RUN, since a RUN may carry thousands of heredocs.
 */
typedef struct hd_reader {
    const char *delim; /* NULL: empty slot */
    const tfl_sh_cmd *cmd;
} hd_reader;

typedef struct hd_readers {
    hd_reader *v;
    size_t mask;
} hd_readers;

/* The slot of `delim` in `t`: the one holding it, or the empty one where
 * it belongs. */
static size_t hd_slot(const hd_readers *t, const char *delim)
{
    size_t j = hash_str(delim) & t->mask;

    while (t->v[j].delim && strcmp(t->v[j].delim, delim) != 0)
        j = (j + 1) & t->mask;
    return j;
}

/* Fill `t` from script `s` (NULL: no script, so no readers). */
static int hd_readers_make(tfl_arena *ar, const tfl_sh_script *s, hd_readers *t)
{
    size_t i, k, n = 0, cap = 8;

    t->v = NULL;
    t->mask = 0;
    for (i = 0; s && i < s->ncmds; i++)
        for (k = 0; k < s->cmds[i].nredirs; k++)
            n += s->cmds[i].redirs[k].heredoc != NULL;
    if (!n)
        return 0;
    while (cap < 2 * n)
        cap *= 2;
    t->v = tfl_arena_alloc(ar, cap * sizeof *t->v);
    if (!t->v)
        return -1;
    t->mask = cap - 1;
    for (i = 0; i < s->ncmds; i++) {
        const tfl_sh_cmd *c = &s->cmds[i];

        for (k = 0; k < c->nredirs; k++) {
            const tfl_sh_heredoc *hd = c->redirs[k].heredoc;
            size_t j;

            if (!hd)
                continue;
            j = hd_slot(t, hd->delim);
            if (!t->v[j].delim) { /* the first reader wins */
                t->v[j].delim = hd->delim;
                t->v[j].cmd = c;
            }
        }
    }
    return 0;
}

/* Is heredoc `h` of the RUN the script itself (or fed to a shell)? */
static bool heredoc_is_script(const hd_readers *t, const tfl_heredoc *h)
{
    size_t j;
    const char *n;

    if (!t->v)
        return true;
    j = hd_slot(t, h->name);
    if (!t->v[j].delim)
        return true;
    n = cmd_name(t->v[j].cmd);
    return !n || is_shell(n);
}

/* Split the scripts of RUN `in` into `ri`, all from `ar`. */
static int split_run(tfl_arena *ar, const tfl_instr *in, runinfo *ri)
{
    tfl_textmap map;
    hd_readers readers;
    bool made = false;
    size_t i;

    memset(ri, 0, sizeof *ri);
    if (in->json) {
        const tfl_word *w;

        if (in->nargs < 3 || !is_shell(in->args[0].text) ||
            in->args[1].text[0] != '-' || !strchr(in->args[1].text, 'c'))
            return 0;
        w = &in->args[2];
        if (w->raw_len == w->len + 2) {
            if (one_piece(ar, w->span.start + 1, (uint32_t)w->len, &map))
                return -1;
        } else if (one_piece(ar, w->span.start + 1, 0, &map))
            return -1;
        return add_script(ar, ri, TFL_OPS_SCRIPT_EXEC, w->text, w->len, &map);
    }
    if (in->nargs >= 1) {
        const tfl_word *w = &in->args[0];

        if (tfl_textmap_sub(ar, &in->map, w->off, w->raw_len, &map) ||
            add_script(ar, ri, TFL_OPS_SCRIPT_LINE, in->line + w->off,
                       w->raw_len, &map))
            return -1;
    }
    for (i = 0; i < in->nheredocs; i++) {
        const tfl_heredoc *h = &in->heredocs[i];

        /* The readers are those of the first script, once there is one. */
        if (!made && ri->n) {
            if (hd_readers_make(ar, &ri->v[0].s, &readers) != 0)
                return -1;
            made = true;
        }
        if (ri->n && !heredoc_is_script(&readers, h)) {
            ri->partial = true;
            continue;
        }
        if (one_piece(ar, h->body_span.start, (uint32_t)h->body_len, &map) ||
            add_script(ar, ri, (int)i, h->body, h->body_len, &map))
            return -1;
    }
    return 0;
}

/* The first word of `len` bytes of the instruction's line at `off`, as the
 * shell splitter reads it (quotes, variables, spans). */
static const tfl_sh_word *line_word(builder *b, const tfl_instr *in,
                                    uint32_t off, uint32_t len)
{
    tfl_textmap map;
    tfl_sh_script s;

    if (off + len > in->line_len ||
        tfl_textmap_sub(b->t, &in->map, off, len, &map) ||
        tfl_shell_split(b->t, in->line + off, len, &map, &s) != 0) {
        if (off + len <= in->line_len)
            b->oom = true;
        return NULL;
    }
    if (!s.ncmds || !s.cmds[0].nwords || s.cmds[0].nassigns)
        return NULL;
    return &s.cmds[0].words[0];
}

static void builder_run(builder *b, run *r, size_t instr, int stage)
{
    memset(r, 0, sizeof *r);
    r->b = b;
    r->instr = instr;
    r->stage = stage;
}

/* The value of flag `name` of COPY/ADD as a word, or NULL. */
static const tfl_sh_word *flag_word(builder *b, const tfl_instr *in,
                                    const char *name)
{
    const tfl_flag *f = tfl_instr_flag(in, name);
    const char *eq;
    uint32_t off;

    if (!f || !f->value || f->word.off + f->word.raw_len > in->line_len)
        return NULL;
    eq = memchr(in->line + f->word.off, '=', f->word.raw_len);
    if (!eq)
        return NULL;
    off = (uint32_t)(eq - in->line) + 1;
    return line_word(b, in, off, f->word.off + f->word.raw_len - off);
}

static void do_copy(builder *b, size_t instr, int stage, const tfl_instr *in)
{
    const tfl_sh_word *ow = flag_word(b, in, "chown");
    const tfl_sh_word *mw = flag_word(b, in, "chmod");
    tfl_own_op op;
    run r;

    if (in->nargs >= 2) {
        const char *d = in->args[in->nargs - 1].text;

        if (etc_file(d) || !strcmp(d, "/etc") || !strcmp(d, "/etc/") ||
            !strcmp(d, "/") || !strncmp(d, "/etc/passwd", 11) ||
            !strncmp(d, "/etc/group", 10))
            add_event(b, EV_FORGET, (size_t)stage);
    }
    if (!ow && !mw)
        return;
    builder_run(b, &r, instr, stage);
    memset(&op, 0, sizeof op);
    op.kind = TFL_OWN_COPY;
    op.instr = instr;
    op.stage = stage;
    op.span = in->span;
    if (ow) {
        wval *x = weval(&r, ow);

        if (x)
            split_owner(&r, x, &op.user, &op.group);
        op.span = tfl_instr_flag(in, "chown")->word.span;
    }
    if (mw) {
        wvalue(&r, mw, &op.mode);
        if (!ow)
            op.span = tfl_instr_flag(in, "chmod")->word.span;
    }
    if (in->nargs >= 2) {
        const tfl_word *d = &in->args[in->nargs - 1];
        const tfl_sh_word *dw = line_word(b, in, d->off, d->raw_len);

        op.paths = tfl_arena_alloc(b->t, sizeof *op.paths);
        op.created_here = tfl_arena_alloc(b->t, 1);
        if (!op.paths || !op.created_here) {
            b->oom = true;
            return;
        }
        op.npaths = 1;
        op.created_here[0] = true;
        if (dw)
            wvalue(&r, dw, &op.paths[0]);
        else {
            op.paths[0].raw = d->text;
            op.paths[0].raw_len = d->len;
            op.paths[0].span = d->span;
            op.paths[0].text = d->text;
        }
    }
    push_own(b, &op);
}

static void user_values(builder *b, tfl_user_op *u, const tfl_instr *in,
                        const tfl_sh_word *w)
{
    run r;
    wval *x;
    const char *sep;

    if (!w) {
        u->user.raw = in->args[0].text;
        u->user.raw_len = in->args[0].len;
        u->user.span = in->args[0].span;
        return;
    }
    builder_run(b, &r, u->instr, u->stage);
    x = weval(&r, w);
    if (!x)
        return;
    sep = memchr(x->buf, ':', x->len);
    if (!sep) {
        wcut(&r, x, 0, SIZE_MAX, &u->user);
        return;
    }
    wcut(&r, x, 0, (size_t)(sep - x->buf), &u->user);
    wcut(&r, x, (size_t)(sep - x->buf) + 1, SIZE_MAX, &u->group);
}

static void do_user(builder *b, size_t instr, int stage, const tfl_instr *in)
{
    const tfl_sh_word *w;
    tfl_user_op *u;

    if (in->nargs < 1)
        return;
    w = line_word(b, in, in->args[0].off, in->args[0].raw_len);
    u = bpush(b, (void **)&b->o->users, &b->o->nusers, &b->ucap, sizeof *u);
    if (!u)
        return;
    u->instr = instr;
    u->stage = stage;
    add_event(b, EV_USER, b->o->nusers - 1);
    user_values(b, u, in, w);
    keep_value(b, instr, &u->user);
    keep_value(b, instr, &u->group);
}

/* --- Simulation --------------------------------------------------------------
 */

static tfl_account *new_account(builder *b, const char *name, uint32_t id,
                                bool group, const tfl_acct_op *op, int stage)
{
    tfl_account *a = tfl_arena_alloc(b->a, sizeof *a);

    if (!a) {
        b->oom = true;
        return NULL;
    }
    a->name = name;
    a->id = id;
    a->gid = TFL_NO_ID;
    a->group = group;
    a->system = id < 1000;
    a->op = op;
    a->stage = stage;
    return a;
}

static void add_account(builder *b, tab *t, tfl_account *a)
{
    if (a && tab_add(b->ta, t, a) != 0)
        b->oom = true;
}

/* A borrowed view of `src` (see tab_own), its caches dropped. */
static void tab_borrow(tab *dst, const tab *src)
{
    *dst = *src;
    dst->borrowed = true;
    dst->forgot_shared = false;
    dst->hint_lo = 0;
    dst->max_ok = false;
}

/* The accounts of `users` and `groups` live now, groups first, from `a`;
 * NULL when memory runs out. */
static const tfl_account **accounts_live(tfl_arena *a, const tab *users,
                                         const tab *groups, size_t *n)
{
    const tfl_account **v;
    size_t i;

    *n = 0;
    v = tfl_arena_alloc(a, (users->n + groups->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (i = 0; i < groups->n; i++)
        if (!groups->v[i]->deleted)
            v[(*n)++] = groups->v[i];
    for (i = 0; i < users->n; i++)
        if (!users->v[i]->deleted)
            v[(*n)++] = users->v[i];
    return v;
}

static const tfl_account **live_accounts(builder *b, const tab *users,
                                         const tab *groups, size_t *n)
{
    const tfl_account **v = accounts_live(b->a, users, groups, n);

    if (!v)
        b->oom = true;
    return v;
}

/* Fill `sd` with the accounts of base image `f`, from `a`: 0, or -1 when
 * memory runs out. */
static int seed_fill(tfl_arena *a, seed *sd, const tfl_facts_image *f)
{
    tfl_account *acc;
    size_t i;

    sd->facts = f;
    if (tab_reserve(a, &sd->groups, f->ngroups) != 0 ||
        tab_reserve(a, &sd->users, f->nusers) != 0)
        return -1;
    acc = tfl_arena_alloc(a, (f->ngroups + f->nusers + 1) * sizeof *acc);
    if (!acc)
        return -1;
    /* As new_account() and tab_add() would, without their per-account
     * allocation and checks: the tables have room. */
    for (i = 0; i < f->ngroups; i++, acc++) {
        acc->name = f->groups[i].name;
        acc->id = f->groups[i].gid;
        acc->gid = TFL_NO_ID;
        acc->group = true;
        acc->system = acc->id < 1000;
        acc->stage = -1;
        sd->groups.v[sd->groups.n++] = acc;
        tab_place(&sd->groups, sd->groups.n - 1);
    }
    for (i = 0; i < f->nusers; i++, acc++) {
        acc->name = f->users[i].name;
        acc->id = f->users[i].uid;
        acc->gid = f->users[i].gid;
        acc->system = acc->id < 1000;
        acc->stage = -1;
        sd->users.v[sd->users.n++] = acc;
        tab_place(&sd->users, sd->users.n - 1);
    }
    sd->accounts = accounts_live(a, &sd->users, &sd->groups, &sd->naccounts);
    return sd->accounts ? 0 : -1;
}

/* tfl_facts_derived()'s maker of a seed. */
static const void *make_seed(tfl_arena *a, const tfl_facts_image *f)
{
    seed *sd = tfl_arena_alloc(a, sizeof *sd);

    return sd && seed_fill(a, sd, f) == 0 ? sd : NULL;
}

/*
 * The accounts of base image `f`, lent to every stage built on it. They
 * depend on the image alone and nothing ever writes them (a stage copies
 * what it changes, see tab_own), so they are made once per facts table
 * and shared by every file and thread; without one, once per file.
 */
static const seed *image_seed(builder *b, const tfl_facts_image *f)
{
    seed *sd;
    size_t i;

    if (b->cfg && b->cfg->facts) {
        const seed *shared = tfl_facts_derived(b->cfg->facts, f, make_seed);

        if (!shared)
            b->oom = true;
        return shared;
    }
    for (i = 0; i < b->nseeds; i++)
        if (b->seeds[i].facts == f)
            return &b->seeds[i];
    sd = bpush(b, (void **)&b->seeds, &b->nseeds, &b->seedcap, sizeof *sd);
    if (!sd)
        return NULL;
    if (seed_fill(b->a, sd, f) != 0) {
        b->oom = true;
        return NULL;
    }
    return sd;
}

static int seed_stage(builder *b, size_t s)
{
    const tfl_model_stage *ms = &b->m->stages[s];
    sstate *st = &b->st[s];
    const tfl_facts_image *f = st->facts;
    const seed *sd;

    if (ms->parent >= 0 && (size_t)ms->parent < s) {
        const sstate *p = &b->st[ms->parent];
        const tfl_stage_info *pi = &b->o->stages[ms->parent];

        st->known = p->known;
        tab_borrow(&st->tb->users, &p->tb->users);
        tab_borrow(&st->tb->groups, &p->tb->groups);
        st->tb->lent = pi->accounts;
        st->tb->nlent = pi->naccounts;
        st->tb->lent_base = pi->base_accounts;
        st->tb->nlent_base = pi->nbase_accounts;
        return 0;
    }
    if (!f)
        return 0;
    st->known = f->accounts_complete;
    if (!(sd = image_seed(b, f)))
        return -1;
    tab_borrow(&st->tb->users, &sd->users);
    tab_borrow(&st->tb->groups, &sd->groups);
    st->tb->lent = sd->accounts;
    st->tb->nlent = sd->naccounts;
    return 0;
}

/* A group named or numbered by `v`: the account, NULL when absent. */
static const tfl_account *find_group(const sstate *st, const tfl_value *v,
                                     uint32_t *gid)
{
    uint32_t id = value_id(v);
    const tfl_account *g;

    g = id != TFL_NO_ID ? tab_id(&st->tb->groups, id)
                        : tab_name(&st->tb->groups, v->text);
    *gid = g ? g->id : id;
    return g;
}

static bool group_missing(const sstate *st, const tfl_value *v)
{
    uint32_t gid;

    return st->known && v->raw && v->text && v->text[0] &&
           !find_group(st, v, &gid);
}

static uint32_t pick_uid(sstate *st, const tfl_acct_op *op)
{
    switch (op->tool) {
    case TFL_ACCT_USERADD:
        return op->system ? pick_down(&st->tb->users, 101)
                          : pick_above(&st->tb->users);
    case TFL_ACCT_DEB_ADDUSER:
        return op->system ? pick_up(&st->tb->users, NULL, 100)
                          : pick_up(&st->tb->users, NULL, 1000);
    case TFL_ACCT_BB_ADDUSER:
        return pick_up(&st->tb->users, op->user_group ? &st->tb->groups : NULL,
                       op->system ? 100 : 1000);
    default:
        return TFL_NO_ID;
    }
}

static uint32_t pick_gid(sstate *st, const tfl_acct_op *op)
{
    switch (op->tool) {
    case TFL_ACCT_GROUPADD:
    case TFL_ACCT_USERADD:
        return op->system ? pick_down(&st->tb->groups, 101)
                          : pick_above(&st->tb->groups);
    default:
        return pick_up(&st->tb->groups, NULL, op->system ? 100 : 1000);
    }
}

static void sim_useradd(builder *b, sstate *st, tfl_acct_op *op)
{
    const char *nm = op->name.text;
    uint32_t uid = value_id(&op->id);
    tfl_account *u;

    op->res.same_name = nm ? tab_name(&st->tb->users, nm) : NULL;
    if (op->id.raw) {
        op->res.id = uid;
        if (uid != TFL_NO_ID && !op->non_unique)
            op->res.same_id = tab_id(&st->tb->users, uid);
    } else {
        op->res.id = uid = pick_uid(st, op);
        op->res.picked = true;
    }
    if (op->group.raw) {
        if (group_missing(st, &op->group))
            op->res.missing_group = &op->group;
        find_group(st, &op->group, &op->res.gid);
    } else if (op->user_group) {
        const tfl_account *same = nm ? tab_name(&st->tb->groups, nm) : NULL;

        op->res.same_group_name = same;
        if (op->tool == TFL_ACCT_BB_ADDUSER) {
            op->res.group_id = uid;
            op->res.same_gid = tab_id(&st->tb->groups, uid);
        } else if (uid != TFL_NO_ID && tab_free(&st->tb->groups, uid))
            op->res.group_id = uid;
        else
            op->res.group_id = pick_gid(st, op);
        op->res.gid = op->res.group_id;
        if (!same && !op->res.same_name)
            add_account(
                b, &st->tb->groups,
                new_account(b, nm, op->res.group_id, true, op, op->stage));
    } else {
        const tfl_account *g =
            tab_name(&st->tb->groups,
                     op->tool == TFL_ACCT_USERADD ? "users" : "nogroup");
        op->res.gid = g ? g->id : TFL_NO_ID;
    }
    if (op->ngroups) {
        size_t i;

        for (i = 0; i < op->ngroups && !op->res.missing_group; i++)
            if (group_missing(st, &op->groups[i]))
                op->res.missing_group = &op->groups[i];
    }
    if (op->res.same_name)
        return; /* the tool refuses: nothing is created */
    u = new_account(b, nm, op->res.id, false, op, op->stage);
    if (!u)
        return;
    u->gid = op->res.gid;
    u->system = op->system || (op->res.id != TFL_NO_ID && op->res.id < 1000);
    add_account(b, &st->tb->users, u);
    op->res.account = u;
}

static void sim_groupadd(builder *b, sstate *st, tfl_acct_op *op)
{
    const char *nm = op->name.text;
    uint32_t gid = value_id(&op->id);
    tfl_account *g;

    op->res.same_name = nm ? tab_name(&st->tb->groups, nm) : NULL;
    if (op->id.raw) {
        op->res.id = gid;
        if (gid != TFL_NO_ID && !op->non_unique)
            op->res.same_id = tab_id(&st->tb->groups, gid);
        if (op->res.same_id && op->force) {
            op->res.id = pick_gid(st, op); /* -f drops a taken -g */
            op->res.picked = true;
        }
    } else {
        op->res.id = pick_gid(st, op);
        op->res.picked = true;
    }
    op->res.gid = op->res.id;
    if (op->res.same_name)
        return;
    g = new_account(b, nm, op->res.id, true, op, op->stage);
    if (g)
        g->system =
            op->system || (op->res.id != TFL_NO_ID && op->res.id < 1000);
    add_account(b, &st->tb->groups, g);
    op->res.account = g;
}

/* usermod, groupmod: the account changes ID or name. */
static void sim_mod(builder *b, sstate *st, tfl_acct_op *op)
{
    tab *t = op->makes_group ? &st->tb->groups : &st->tb->users;
    tfl_account *a = op->name.text ? tab_name(t, op->name.text) : NULL;
    uint32_t id = value_id(&op->id);
    tfl_account *fresh;
    size_t i;

    if (!a && st->known && op->name.text)
        op->res.missing_account = &op->name;
    if (op->id.raw) {
        const tfl_account *o = tab_id(t, id);

        op->res.id = id;
        if (o != a && !op->non_unique)
            op->res.same_id = o;
    }
    if (op->new_name.text) {
        const tfl_account *o = tab_name(t, op->new_name.text);

        if (o != a)
            op->res.same_name = o;
    }
    if (op->group.raw && group_missing(st, &op->group))
        op->res.missing_group = &op->group;
    for (i = 0; i < op->ngroups && !op->res.missing_group; i++)
        if (group_missing(st, &op->groups[i]))
            op->res.missing_group = &op->groups[i];
    if (!a || (!op->id.raw && !op->new_name.raw && !op->group.raw))
        return;
    fresh = new_account(b, a->name, a->id, a->group, op, op->stage);
    if (!fresh)
        return;
    *fresh = *a;
    fresh->op = op;
    fresh->deleted = false;
    if (op->id.raw)
        fresh->id = id;
    if (op->new_name.text)
        fresh->name = op->new_name.text;
    if (op->group.raw)
        find_group(st, &op->group, &fresh->gid);
    if (!tab_forget(b->ta, b->a, t, a))
        b->oom = true;
    add_account(b, t, fresh);
    op->res.account = fresh;
}

/*
 * userdel, groupdel. userdel also removes the user's group when it has the
 * user's name and is its primary group (USERGROUPS_ENAB, the default).
 * When the name is not known (`userdel "$(id -un 1000)"`), any account may
 * be gone: the accounts of that kind are all dropped and the stage's list
 * is no longer complete, so later collisions are not asserted.
 */
static void sim_del(builder *b, sstate *st, tfl_acct_op *op)
{
    tab *t = op->makes_group ? &st->tb->groups : &st->tb->users;
    tfl_account *a = op->name.text ? tab_name(t, op->name.text) : NULL;
    size_t i;

    if (!op->name.text) {
        for (i = 0; i < t->n; i++)
            if (!t->v[i]->deleted && !tab_forget_at(b->ta, b->a, t, i)) {
                b->oom = true;
                return;
            }
        st->known = false;
        return;
    }
    if (!a) {
        if (st->known)
            op->res.missing_account = &op->name;
        return;
    }
    op->res.id = a->id;
    op->res.account = a = tab_forget(b->ta, b->a, t, a);
    if (!a) {
        b->oom = true;
        return;
    }
    if (!op->makes_group) {
        tfl_account *g = tab_name(&st->tb->groups, a->name);

        if (g && g->id == a->gid &&
            !tab_forget(b->ta, b->a, &st->tb->groups, g))
            b->oom = true;
    }
}

static void sim_member(sstate *st, tfl_acct_op *op)
{
    const tfl_account *u =
        op->name.text ? tab_name(&st->tb->users, op->name.text) : NULL;

    if (!u && st->known && op->name.text)
        op->res.missing_account = &op->name;
    if (op->ngroups && group_missing(st, &op->groups[0]))
        op->res.missing_group = &op->groups[0];
    op->res.account = u;
}

static void sim_acct(builder *b, sstate *st, tfl_acct_op *op)
{
    op->res.id = op->res.gid = op->res.group_id = TFL_NO_ID;
    op->res.accounts_known = st->known;
    if (op->add_member) {
        sim_member(st, op);
        return;
    }
    switch (op->tool) {
    case TFL_ACCT_USERADD:
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_BB_ADDUSER:
    case TFL_ACCT_PASSWD_LINE:
        sim_useradd(b, st, op);
        break;
    case TFL_ACCT_GROUPADD:
    case TFL_ACCT_DEB_ADDGROUP:
    case TFL_ACCT_BB_ADDGROUP:
    case TFL_ACCT_GROUP_LINE:
        sim_groupadd(b, st, op);
        break;
    case TFL_ACCT_USERMOD:
    case TFL_ACCT_GROUPMOD:
        sim_mod(b, st, op);
        break;
    default:
        sim_del(b, st, op);
        break;
    }
}

/* Does value `v` name an account of `t`? Sets `*acct`. Unknown values and
 * numbers count as known (a numeric ID needs no account). */
static bool names_known(const sstate *st, const tab *t, const tfl_value *v,
                        const tfl_account **acct)
{
    uint32_t id;

    *acct = NULL;
    if (!v->raw || !v->text || !v->text[0])
        return true;
    id = value_id(v);
    if (id != TFL_NO_ID) {
        *acct = tab_id(t, id);
        return true;
    }
    *acct = tab_name(t, v->text);
    return *acct || !st->known;
}

static void sim_own(sstate *st, tfl_own_op *op)
{
    op->accounts_known = st->known;
    op->user_known =
        names_known(st, &st->tb->users, &op->user, &op->user_account);
    op->group_known =
        names_known(st, &st->tb->groups, &op->group, &op->group_account);
}

static void sim_user(sstate *st, tfl_user_op *u)
{
    u->accounts_known = st->known;
    u->user_known = names_known(st, &st->tb->users, &u->user, &u->account);
    u->group_known =
        names_known(st, &st->tb->groups, &u->group, &u->group_account);
    u->root = u->user.text &&
              (!strcmp(u->user.text, "root") || !strcmp(u->user.text, "0"));
}

/* --- Stages
 * --------------------------------------------------------------------- */

/* --- Which RUNs can matter ----------------------------------------------- */

/*
 * A RUN can give the ops something only through a command or word whose
 * value holds one of a few names: an account tool ("user", "group"),
 * chown/chgrp/chmod, sudo, a package manager (installs, the family guess),
 * an account file ("passwd", "group", "shadow"), a script it runs (".sh",
 * "./", a shell). A literal value is the raw text minus quotes, escaping
 * backslashes, line continuations and the '$' of $'...' / $"...", at every
 * nesting level (an `sh -c` string is itself such a value), and the ANSI-C
 * escapes the splitter knows only make control and quote characters (a
 * text where $'...' meets an escape that could make any byte, such as
 * \x41, is split whatever it holds, should the splitter learn them). So
 * the text with those bytes dropped (and any '$' before a quote or a
 * backslash) holds every such name as a plain substring, and a RUN whose
 * text holds none is skipped unsplit: what it would give is nothing (its
 * fallbacks, if any, TF505/TF506 find with a split of their own). A shell
 * name counts only as a whole word (or after a '/'), with a dropped line
 * continuation taken for a possible word break (a comment ends there).
 *
 * The names fall in three classes, by what a RUN holding only them can
 * give. Without an account name (an account tool or file, chown, chgrp,
 * chmod, sudo) a RUN makes no op: a package manager gives the family
 * guess, the tools installed and, when it installs other packages, the
 * loss of the account lists; a script it runs gives that loss too. Such a
 * RUN is read only when one of those is asked for (see struct deferred),
 * so what a RUN is first asked is only whether it may hold account names
 * (and package managers, while its stage's family is open): see
 * names_in(), which reads 16 bytes a step (32 with AVX2).
 */

/* Per byte: 0 a byte that never ends a word (so a name next to one is
 * part of it), 1 any other, 2 one that may be dropped (quotes, '$', '\\');
 * +4 when some name ends with it. */
static const unsigned char sieve_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 0, 1, 2, 1, 1, 1, 0, 0, 0, 0, 5,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0,
    1, 0, 0, 0, 4, 0, 4, 4, 4, 0, 0, 4, 0, 4, 4, 4, 4, 0, 4, 0, 4, 0, 0, 4,
    0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* For the skip loop of may_matter(), per byte: the high half says what it
 * is as the newest kept byte (bit 15 always; bit 14 for 'h', after which a
 * word end may close a shell's name; bits 0-11 for the bytes before the
 * last one of a name: . a d e k n o p r s u w), the low half after which
 * of those it needs the full look (bit 15: a byte that may be dropped;
 * bit 14: one that ends words; bits 0-11: it ends a name after them). So a
 * byte whose halves meet nothing can only be kept, never ends a match:
 * every name's last two kept bytes are one of those pairs. */
static const uint32_t sieve_skip[256] = {
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x8000c000, 0x80004000,
    0x8000c000, 0x80000000, 0x80004000, 0x8000c000, 0x80004000, 0x80004000,
    0x80004000, 0x80000000, 0x80000000, 0x80000000, 0x80010000, 0x80004001,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80004000,
    0x80004000, 0x80000000, 0x80004000, 0x80004000, 0x80000000, 0x80000000,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000,
    0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x80000000,
    0x80000000, 0x80004000, 0x8000c000, 0x80004000, 0x80000000, 0x80000000,
    0x80004000, 0x80020000, 0x80000000, 0x80000000, 0x80040840, 0x80080000,
    0x80000020, 0x80000010, 0xc0000200, 0x80000000, 0x80000000, 0x80100080,
    0x80000000, 0x80000480, 0x80200802, 0x80400004, 0x80800500, 0x80000000,
    0x81000008, 0x82000000, 0x80000080, 0x84000000, 0x80000000, 0x88000040,
    0x80000000, 0x80000000, 0x80000000, 0x80004000, 0x80004000, 0x80004000,
    0x80000000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000, 0x80004000,
    0x80004000, 0x80004000, 0x80004000, 0x80004000,
};

#define PK2(a, b) ((uint64_t)(a) << 8 | (uint64_t)(b))
#define PK3(a, b, c) (PK2(a, b) << 8 | (uint64_t)(c))
#define PK4(a, b, c, d) (PK3(a, b, c) << 8 | (uint64_t)(d))
#define PK5(a, b, c, d, e) (PK4(a, b, c, d) << 8 | (uint64_t)(e))
#define PK6(a, b, c, d, e, f) (PK5(a, b, c, d, e) << 8 | (uint64_t)(f))
/* The newest `n` bytes kept are packed value `v`. */
#define TAIL(w, n, v) (((w) & ((UINT64_C(1) << (8 * (n))) - 1)) == (v))

/* The kept bytes `w` (newest lowest) end with a name; `c` is the newest.
 * Returns the RUN_* class of the name, 0 for none. */
static unsigned name_ends(uint64_t w, unsigned char c)
{
    switch (c) {
    case 'r':
        return TAIL(w, 4, PK4('u', 's', 'e', 'r'))             ? RUN_ACCT
               : TAIL(w, 6, PK6('z', 'y', 'p', 'p', 'e', 'r')) ? RUN_PM
                                                               : 0;
    case 'p':
        return TAIL(w, 5, PK5('g', 'r', 'o', 'u', 'p')) ||
                       TAIL(w, 5, PK5('c', 'h', 'g', 'r', 'p'))
                   ? RUN_ACCT
                   : 0;
    case 'd':
        return TAIL(w, 6, PK6('p', 'a', 's', 's', 'w', 'd')) ||
                       TAIL(w, 5, PK5('c', 'h', 'm', 'o', 'd'))
                   ? RUN_ACCT
                   : 0;
    case 'w':
        return TAIL(w, 6, PK6('s', 'h', 'a', 'd', 'o', 'w')) ? RUN_ACCT : 0;
    case 'n':
        return TAIL(w, 5, PK5('c', 'h', 'o', 'w', 'n'))        ? RUN_ACCT
               : TAIL(w, 6, PK6('p', 'a', 'c', 'm', 'a', 'n')) ? RUN_PM
                                                               : 0;
    case 'o':
        return TAIL(w, 4, PK4('s', 'u', 'd', 'o')) ? RUN_ACCT : 0;
    case 'k':
        return TAIL(w, 3, PK3('a', 'p', 'k')) ? RUN_PM : 0;
    case 't':
        return TAIL(w, 3, PK3('a', 'p', 't')) ? RUN_PM : 0;
    case 'g':
        return TAIL(w, 4, PK4('d', 'p', 'k', 'g')) ? RUN_PM : 0;
    case 'f':
        return TAIL(w, 3, PK3('d', 'n', 'f')) ? RUN_PM : 0;
    case 'm':
        return TAIL(w, 3, PK3('y', 'u', 'm')) || TAIL(w, 3, PK3('r', 'p', 'm'))
                   ? RUN_PM
                   : 0;
    case 'h':
        return TAIL(w, 3, PK3('.', 's', 'h')) ? RUN_SCRIPT : 0;
    case '/':
        return TAIL(w, 2, PK2('.', '/')) ? RUN_SCRIPT : 0;
    default:
        return 0;
    }
}

/* A word ends after the kept bytes `w`: was it a shell's name, a whole
 * word or after a '/'? `brk` has a bit per kept byte, set when a line
 * continuation was dropped before it (a word may end there, as in a
 * comment). Before the first byte, `w` reads 0, which ends words. */
static bool shell_ends(uint64_t w, unsigned brk)
{
#define BEFORE(n)                                                              \
    ((sieve_class[(w >> (8 * (n))) & 0xff] & 3) || (brk >> ((n)-1)) & 1)
    if ((w & 0xff) != 'h')
        return false;
    return (TAIL(w, 2, PK2('s', 'h')) && BEFORE(2)) ||
           ((TAIL(w, 3, PK3('a', 's', 'h')) || TAIL(w, 3, PK3('z', 's', 'h')) ||
             TAIL(w, 3, PK3('k', 's', 'h'))) &&
            BEFORE(3)) ||
           ((TAIL(w, 4, PK4('b', 'a', 's', 'h')) ||
             TAIL(w, 4, PK4('d', 'a', 's', 'h'))) &&
            BEFORE(4));
#undef BEFORE
}

/* The 8 bytes at `p` packed as the kept bytes are, the last lowest. */
static uint64_t last8(const char *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof v);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap64(v);
#else
    {
        const unsigned char *b = (const unsigned char *)p;
        size_t k;

        for (v = 0, k = 0; k < 8; k++)
            v = (v << 8) | b[k];
        return v;
    }
#endif
}

/* From `i`, the first byte of `t` that needs the full look of
 * may_matter(), with the kept bytes `w` and breaks `brk` brought past the
 * ones skipped (none follows a line continuation). */
static size_t skip_plain(const char *t, size_t len, size_t i, uint64_t *w,
                         unsigned *brk)
{
    uint32_t pb = sieve_skip[*w & 0xff] >> 16;
    size_t s = i, j;

    /* Four at a time while they last, then one by one. */
    for (; i + 4 <= len; i += 4) {
        uint32_t e0 = sieve_skip[(unsigned char)t[i]];
        uint32_t e1 = sieve_skip[(unsigned char)t[i + 1]];
        uint32_t e2 = sieve_skip[(unsigned char)t[i + 2]];
        uint32_t e3 = sieve_skip[(unsigned char)t[i + 3]];

        if ((pb & e0) | (e0 >> 16 & e1) | (e1 >> 16 & e2) | (e2 >> 16 & e3))
            break;
        pb = e3 >> 16;
    }
    while (i < len) {
        uint32_t e = sieve_skip[(unsigned char)t[i]];

        if (pb & e)
            break;
        pb = e >> 16;
        i++;
    }
    if (i - s >= 8) {
        *brk = 0;
        *w = last8(t + i - 8);
    } else if (i > s) {
        *brk = (*brk << (i - s)) & 0xff;
        if (i >= 8) {
            uint64_t n = last8(t + i - 8), m = (UINT64_C(1) << 8 * (i - s)) - 1;

            *w = (*w << 8 * (i - s)) | (n & m);
        } else {
            for (j = s; j < i; j++)
                *w = (*w << 8) | (unsigned char)t[j];
        }
    }
    return i;
}

/* The RUN_* classes of the names script text `t` holds (see above), read
 * until one of `stop` is found (at the latest an account name, after
 * which nothing else counts). */
static unsigned text_class(const char *t, size_t len, unsigned stop)
{
    uint64_t w = 0;
    unsigned brk = 0, cls = 0;
    bool cont = false, ansi = false, code = false;
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c;
        unsigned k;

        if (!cont) {
            i = skip_plain(t, len, i, &w, &brk);
            if (i == len)
                break;
        }
        c = (unsigned char)t[i];
        k = sieve_class[c];
        if ((k & 3) == 2) {
            if (c == '\\') {
                if (++i == len)
                    break;
                c = (unsigned char)t[i];
                if (c == '\n') {
                    cont = true;
                    continue;
                }
                /* An escape that could name any byte (\x41, \u, octal,
                 * \cX): the splitter reads none in $'...' today; should
                 * it learn them, such a text is split. */
                code = code || (c && strchr("xuUc01234567", c));
                if (ansi && code)
                    return RUN_ALL;
                k = sieve_class[c];
                if (c == '\'' || c == '"')
                    continue;
            } else if (c == '$' && i + 1 < len &&
                       (t[i + 1] == '\'' || t[i + 1] == '"' ||
                        t[i + 1] == '\\')) {
                ansi = ansi || t[i + 1] != '"';
                if (ansi && code)
                    return RUN_ALL;
                continue;
            } else if (c != '$') {
                continue; /* a quote */
            }
        }
        if (((k & 3) || cont) && shell_ends(w, brk) &&
            ((cls |= RUN_SCRIPT) & stop))
            return cls;
        w = (w << 8) | c;
        brk = ((brk << 1) | cont) & 0xff;
        cont = false;
        if ((k & 4) && (cls |= name_ends(w, c)) & (stop | RUN_ACCT))
            return cls;
    }
    return shell_ends(w, brk) ? cls | RUN_SCRIPT : cls;
}

/*
 * The names once more, each looked for on its own, since a text without
 * account names needs no more: does the text with every quote, '$',
 * backslash and newline dropped hold one? That text drops at least what
 * the sieve above drops, and dropping more bytes only brings kept ones
 * together, so it holds every name the sieve could find (and maybe more,
 * which costs a split, not a finding). Each name is looked for at an
 * anchor, two of its bytes that are rare next to each other in scripts: a
 * 16-byte step finds where the second byte of an anchor follows the first
 * or a dropped byte, and only those places are read byte by byte. Escapes
 * that could make any byte (the sieve's ANSI-C case) are not seen here: a
 * text where $' or $\ meets one is left to the sieve.
 */
typedef struct anchored {
    char name[9]; /* arrays, not pointers: see optdef */
    /* "", or what must stand next to the name in that text for it to
     * count: alternatives split by ' ', each '+' (right after the name)
     * or '-' (right before it) and the bytes. */
    char next[25];
    unsigned char len, at; /* name[at - 1], name[at] is the anchor */
    unsigned char cls;     /* RUN_ACCT or RUN_PM */
    /* A command's name: it counts only as a whole word, or after a '/'
     * (see whole_at()). */
    bool whole;
} anchored;

/* By the anchor's second byte. Where the sieve takes a part of a name
 * ("user", "group", "passwd", "apt"), this look wants the whole of one the
 * ops act on: a command (cmd_kind()) standing as a word of its own, or an
 * account file under /etc (the values etc_file() and the echo and tee
 * checks compare with), so that a RUN with no more than
 * `--with-fpm-user`, `~/.vnc/passwd`, `/etc/sudoers`, `tdnf` or
 * `/var/lib/apt/lists` is deferred rather than split. */
static const anchored anchors[] = {
    {"user", "+add +mod +del -add -del", 4, 1, RUN_ACCT, true},
    {"group", "+add +mod +del -add -del", 5, 3, RUN_ACCT, true},
    {"group", "-/etc/", 5, 3, RUN_ACCT, false},
    {"yum", "", 3, 1, RUN_PM, true},
    {"chgrp", "", 5, 2, RUN_ACCT, true},
    {"passwd", "-/etc/", 6, 5, RUN_ACCT, false},
    {"sudo", "", 4, 2, RUN_ACCT, true},
    {"chmod", "", 5, 2, RUN_ACCT, true},
    {"rpm", "", 3, 2, RUN_PM, true},
    {"pacman", "", 6, 3, RUN_PM, true},
    {"shadow", "-/etc/ -/etc/g", 6, 5, RUN_ACCT, false},
    {"chown", "", 5, 3, RUN_ACCT, true},
    {"apk", "", 3, 2, RUN_PM, true},
    {"dpkg", "", 4, 2, RUN_PM, true},
    {"apt", "", 3, 2, RUN_PM, true},
    {"apt-get", "", 7, 2, RUN_PM, true},
    {"dnf", "", 3, 2, RUN_PM, true},
    {"microdnf", "", 8, 7, RUN_PM, true},
    {"zypper", "", 6, 1, RUN_PM, true},
};

static bool dropped(unsigned char c)
{
    return c == '\'' || c == '"' || c == '$' || c == '\\' || c == '\n';
}

/* Does the text with dropped() bytes left out hold alternative `alt`
 * (`n` bytes, see anchored.next) next to a name whose first and last
 * bytes are t[*first] and t[*last]? If so, the alternative's outer byte
 * becomes *first or *last. */
static bool beside(const char *t, size_t len, size_t *first, size_t *last,
                   const char *alt, size_t n)
{
    size_t i, k;

    if (alt[0] == '+') {
        for (i = *last, k = 1; k < n;) {
            if (++i >= len)
                return false;
            if (dropped((unsigned char)t[i]))
                continue;
            if (t[i] != alt[k++])
                return false;
        }
        *last = i;
        return true;
    }
    for (i = *first, k = n; k > 1;) {
        if (i == 0)
            return false;
        if (dropped((unsigned char)t[--i]))
            continue;
        if (t[i] != alt[--k])
            return false;
    }
    *first = i;
    return true;
}

/* A byte that, kept next to a name in the same word, makes the word's
 * value other than the name (or, after it, its base name). */
static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
           c == '+';
}

/*
 * May the kept bytes t[first..last] be the whole base name of a word, as
 * a command name is compared? Not when a word_byte() is kept right before
 * them, or one or a '/' right after: the word's value then has that byte
 * (or what an escape of it makes, never a '/') next to them, dropped bytes
 * adding nothing but quotes and backslashes to it. A new line is taken for
 * a word break (it may be one, unless it follows a backslash), and so is
 * every byte not named here.
 */
static bool whole_at(const char *t, size_t len, size_t first, size_t last)
{
    size_t i;
    unsigned char c;

    for (i = first; i > 0;) {
        c = (unsigned char)t[--i];
        if (c == '\n')
            break;
        if (dropped(c))
            continue;
        if (word_byte(c))
            return false;
        break;
    }
    for (i = last + 1; i < len; i++) {
        c = (unsigned char)t[i];
        if (c == '\n')
            break;
        if (dropped(c))
            continue;
        return !word_byte(c) && c != '/';
    }
    return true;
}

/* Does the text with dropped() bytes left out hold `n` with its byte at
 * n->at from t[j] (and what n->next asks next to it)? */
static bool holds_at(const char *t, size_t len, size_t j, const anchored *n)
{
    size_t i = j, k = n->at, first, last, f, l;
    const char *p, *q;

    while (k > 0) {
        if (i == 0)
            return false;
        if (dropped((unsigned char)t[--i]))
            continue;
        if (t[i] != n->name[--k])
            return false;
    }
    first = i;
    for (i = j, k = n->at + 1u; k < n->len;) {
        if (++i >= len)
            return false;
        if (dropped((unsigned char)t[i]))
            continue;
        if (t[i] != n->name[k++])
            return false;
    }
    last = i;
    if (!n->next[0])
        return !n->whole || whole_at(t, len, first, last);
    for (p = n->next;; p = q + 1) {
        q = strchr(p, ' ');
        if (!q)
            q = p + strlen(p);
        f = first, l = last;
        if (beside(t, len, &f, &l, p, (size_t)(q - p)) &&
            (!n->whole || whole_at(t, len, f, l)))
            return true;
        if (!*q)
            return false;
    }
}

/* Does an anchor of a name of a class in `want` end at t[j], j >= 1, and
 * is the name there? RUN_ALL for $' and $\, which the caller judges. */
static unsigned anchor_at(const char *t, size_t len, size_t j, unsigned want)
{
    const anchored *a = anchors;
    size_t lo, hi, k;

    switch (t[j]) {
    case '\'':
    case '\\':
        return t[j - 1] == '$' ? RUN_ALL : 0;
    case 's':
        lo = 0, hi = 1;
        break;
    case 'u':
        lo = 1, hi = 4;
        break;
    case 'g':
        lo = 4, hi = 5;
        break;
    case 'd':
        lo = 5, hi = 7;
        break;
    case 'm':
        lo = 7, hi = 10;
        break;
    case 'w':
        lo = 10, hi = 12;
        break;
    case 'k':
        lo = 12, hi = 14;
        break;
    case 't':
        lo = 14, hi = 16;
        break;
    case 'f':
        lo = 16, hi = 18;
        break;
    case 'y':
        lo = 18, hi = 19;
        break;
    default:
        return 0;
    }
    for (k = lo; k < hi; k++)
        if ((a[k].cls & want) && holds_at(t, len, j, &a[k]))
            return a[k].cls;
    return 0;
}

/* Could a backslash of `t` start an escape that makes any byte in $'...'
 * (see text_class())? */
static bool code_escapes(const char *t, size_t len)
{
    const char *p = t, *e = t + len;

    while ((p = memchr(p, '\\', (size_t)(e - p))) && ++p < e)
        if (*p && strchr("xuUc01234567", *p))
            return true;
    return false;
}

/* A quick no for a place the step found (most are "/usr", "out",
 * "know"): the kept byte after the anchor is none that a name of `want`
 * with that anchor has there. */
static inline bool quick_miss(const char *t, size_t len, size_t j,
                              unsigned want)
{
    unsigned char n;

    if (j + 1 >= len || dropped(n = (unsigned char)t[j + 1]))
        return false;
    switch (t[j]) {
    case 's':
        return n != 'e'; /* user */
    case 'u':
        return n != 'p' && n != 'm'; /* group, yum */
    case 'g':
        return n != 'r'; /* chgrp */
    case 'm':
        return !(want & RUN_PM) && n != 'o'; /* chmod (rpm, pacman) */
    case 'w':
        /* chown, else shadow, whose anchor ends it: after "do" */
        return n != 'n' && t[j - 1] == 'o' && j >= 2 && t[j - 2] != 'd' &&
               !dropped((unsigned char)t[j - 2]);
    default:
        return false;
    }
}

/* Does the $'...' string whose text starts at t[i] hold an escape that
 * could make any byte (see text_class())? It ends at the first quote no
 * backslash escapes, or with the text. */
static bool ansi_codes(const char *t, size_t len, size_t i)
{
    for (; i < len && t[i] != '\''; i++)
        if (t[i] == '\\' && ++i < len && t[i] && strchr("xuUc01234567", t[i]))
            return true;
    return false;
}

/* What anchor_at() found at t[j], with $' and $\ counted only where an
 * escape could make any byte (`*codes`: -1 not known yet): for $', in the
 * string it would open (a $' that opens none, such as the end of '^x$',
 * then counts for nothing, as it should); for $\, which a line
 * continuation may join to a quote, anywhere in the text. */
static unsigned judge_at(const char *t, size_t len, size_t j, unsigned want,
                         int *codes)
{
    unsigned r = anchor_at(t, len, j, want);

    if (r != RUN_ALL)
        return r;
    if (t[j] == '\'')
        return ansi_codes(t, len, j + 1) ? RUN_ALL : 0;
    if (*codes < 0)
        *codes = code_escapes(t, len);
    return *codes ? RUN_ALL : 0;
}

#if defined(__SSE2__)
/* The bytes the 16- and 32-byte steps compare with, each filled across a
 * row. Read through a pointer the compiler cannot see through (krows()),
 * so that it compares with memory rather than remaking them in the loop. */
enum {
    K_Q1,
    K_Q2,
    K_DL,
    K_BS,
    K_NL,
    K_U,
    K_O,
    K_H,
    K_W,
    K_S,
    K_G,
    K_D,
    K_M,
    K_P,
    K_K,
    K_T,
    K_F,
    K_N,
    K_Y,
    K_Z,
    K_C,
    K_0F,
    K_3F,
    K_80,
    K_CLO, /* the nibble tables of acct_anchors32() */
    K_CHI,
    K_PLO,
    K_PHI,
    K_1F,
    K_C2LO, /* and those of pm_anchors32() */
    K_C2HI,
    K_P2LO,
    K_P2HI,
    K_COUNT
};
#define ROW8(c) c, c, c, c, c, c, c, c
#define ROW32(c) ROW8(c), ROW8(c), ROW8(c), ROW8(c)
/* A 16-entry table of vpshufb, once for each 128-bit lane. */
#define NIB16(...) __VA_ARGS__, __VA_ARGS__
static const unsigned char krow[K_COUNT][32] __attribute__((aligned(32))) = {
    [K_Q1] = {ROW32('\'')},
    [K_Q2] = {ROW32('"')},
    [K_DL] = {ROW32('$')},
    [K_BS] = {ROW32('\\')},
    [K_NL] = {ROW32('\n')},
    [K_U] = {ROW32('u')},
    [K_O] = {ROW32('o')},
    [K_H] = {ROW32('h')},
    [K_W] = {ROW32('w')},
    [K_S] = {ROW32('s')},
    [K_G] = {ROW32('g')},
    [K_D] = {ROW32('d')},
    [K_M] = {ROW32('m')},
    [K_P] = {ROW32('p')},
    [K_K] = {ROW32('k')},
    [K_T] = {ROW32('t')},
    [K_F] = {ROW32('f')},
    [K_N] = {ROW32('n')},
    [K_Y] = {ROW32('y')},
    [K_Z] = {ROW32('z')},
    [K_C] = {ROW32('c')},
    [K_0F] = {ROW32(0x0f)},
    [K_3F] = {ROW32(0x3f)},
    [K_80] = {ROW32(0x80)},
    [K_CLO] = {NIB16(0, 0, 0, 1, 16, 2, 0, 100, 0, 0, 0, 0, 64, 8, 0, 0)},
    [K_CHI] = {NIB16(0, 0, 64, 0, 0, 64, 28, 35, 0, 0, 0, 0, 0, 0, 0, 0)},
    [K_PLO] = {NIB16(0, 0, 128, 0, 192, 17, 0, 144, 12, 0, 128, 0, 128, 0, 0,
                     34)},
    [K_PHI] = {NIB16(128, 0, 192, 0, 0, 128, 46, 17, 0, 0, 0, 0, 0, 0, 0, 0)},
    [K_1F] = {ROW32(0x1f)},
    [K_C2LO] = {NIB16(0, 0, 0, 0, 1, 4, 2, 0, 0, 8, 0, 1, 0, 17, 0, 0)},
    [K_C2HI] = {NIB16(0, 0, 0, 0, 0, 0, 19, 13, 0, 0, 0, 0, 0, 0, 0, 0)},
    [K_P2LO] = {NIB16(1, 0, 0, 16, 0, 0, 0, 0, 0, 4, 8, 0, 0, 0, 2, 0)},
    [K_P2HI] = {NIB16(0, 0, 0, 0, 0, 0, 18, 13, 0, 0, 0, 0, 0, 0, 0, 0)},
};
#undef NIB16
#undef ROW32
#undef ROW8

typedef const unsigned char (*krows_t)[32];

static inline krows_t krows(void)
{
    krows_t k = krow;

    __asm__("" : "+r"(k));
    return k;
}

/*
 * NAMES_IN_BODY(W, ANCHORS): names_in() of a text longer than W bytes, W
 * places a step (the last step ends with the text, over places already
 * read), written once for the 16- and 32-byte steps; ANCHORS(t, j, pm, kr)
 * gives the W places from t + j (j >= 1) where an anchor may end (see
 * above).
 */
#define NAMES_IN_BODY(W, ANCHORS)                                              \
    size_t j = 1, k;                                                           \
    unsigned bits, r;                                                          \
    int codes = -1;                                                            \
    krows_t kr = krows();                                                      \
                                                                               \
    for (;; j += W) {                                                          \
        if (j + W > len) {                                                     \
            k = j - (len - W); /* places of this step already read */          \
            j = len - W;                                                       \
            bits = ANCHORS(t, j, pm, kr) & ~((1u << k) - 1);                   \
        } else {                                                               \
            bits = ANCHORS(t, j, pm, kr);                                      \
        }                                                                      \
        for (; bits; bits &= bits - 1) {                                       \
            size_t at = j + (size_t)__builtin_ctz(bits);                       \
                                                                               \
            if (!quick_miss(t, len, at, want) &&                               \
                (r = judge_at(t, len, at, want, &codes)) != 0)                 \
                return r;                                                      \
        }                                                                      \
        if (j + W == len)                                                      \
            return 0;                                                          \
    }

/* Short names for the SSE2 operations anchors16() repeats: VEQ gives the
 * bytes equal to row k, VMASK one bit a byte. */
#define V __m128i
#define VLOADU(q) _mm_loadu_si128((const __m128i *)(const void *)(q))
#define VEQ(v, k)                                                              \
    _mm_cmpeq_epi8((v), _mm_load_si128((const __m128i *)(const void *)kr[k]))
#define VOR _mm_or_si128
#define VAND _mm_and_si128
#define VMASK _mm_movemask_epi8
/*
 * The anchor test of the 16-byte step: the places where an anchor of the
 * account names may end, and of the package managers too when `pm`, one
 * comparison per byte and pair (the 32-byte steps look the pairs up
 * instead: acct_anchors32()).
 */
static inline unsigned anchors16(const char *t, size_t j, bool pm, krows_t kr)
{
    V c = VLOADU(t + j), p = VLOADU(t + j - 1), pd = VEQ(p, K_DL);
    V drop = VOR(VOR(VEQ(p, K_Q1), VEQ(p, K_Q2)),
                 VOR(VOR(pd, VEQ(p, K_BS)), VEQ(p, K_NL)));
    V pu = VOR(VEQ(p, K_U), drop), po = VOR(VEQ(p, K_O), drop);
    V ph = VOR(VEQ(p, K_H), drop), pw = VOR(VEQ(p, K_W), drop);
    V hit = VOR(VOR(VAND(VEQ(c, K_S), pu), VAND(VEQ(c, K_U), po)),
                VOR(VAND(VEQ(c, K_G), ph), VAND(VEQ(c, K_M), ph)));

    hit = VOR(hit, VOR(VAND(VEQ(c, K_D), VOR(pw, pu)), VAND(VEQ(c, K_W), po)));
    hit = VOR(hit, VAND(pd, VOR(VEQ(c, K_Q1), VEQ(c, K_BS))));
    if (pm) {
        V pp = VOR(VEQ(p, K_P), drop);
        V more = VOR(VAND(VOR(VEQ(c, K_K), VEQ(c, K_T)), pp),
                     VAND(VEQ(c, K_F), VOR(VEQ(p, K_N), drop)));

        more = VOR(more, VOR(VAND(VEQ(c, K_U), VOR(VEQ(p, K_Y), drop)),
                             VAND(VEQ(c, K_Y), VOR(VEQ(p, K_Z), drop))));
        more = VOR(more, VAND(VEQ(c, K_M), VOR(pp, VEQ(p, K_C))));
        hit = VOR(hit, more);
    }
    return (unsigned)VMASK(hit);
}

static inline unsigned names_in16(const char *t, size_t len, unsigned want,
                                  bool pm)
{
    NAMES_IN_BODY(16, anchors16)
}
#undef V
#undef VLOADU
#undef VEQ
#undef VOR
#undef VAND
#undef VMASK
#endif

#if defined(__SSE2__) && defined(__GNUC__) && defined(__x86_64__)
/* On x86-64 with GCC or clang, a CPU with AVX2 reads 32 places a step
 * (chosen at run time; the build targets plain x86-64). */
#define ANCHORS_AVX2 1

/*
 * anchors16() of the account names alone, 32 places a step, by table
 * rather than by one comparison per byte and pair: each byte is looked up by
 * its two nibbles (a table bit is set for a byte when both lookups give it) as
 * a possible second byte of the pairs (C: s u g m d w, and ' \ after '$') and
 * as a first byte (P: u o h w $, one bit per pair it starts), a byte dropped()
 * giving P every pair but the '$' one. Where several bytes share a bit (the
 * quotes after '$'; a dropped byte: "'$\ and the new line) the lookup also
 * takes some others (, W; * R T Z and control bytes), places anchor_at() then
 * turns down: the places are those of anchors16() and a few more.
 */
__attribute__((target("avx2"))) static inline unsigned
acct_anchors32(const char *t, size_t j, bool pm, krows_t kr)
{
#define ROW(k) _mm256_load_si256((const __m256i *)(const void *)kr[k])
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(t + j));
    __m256i p = _mm256_loadu_si256((const __m256i *)(const void *)(t + j - 1));
    __m256i lo = ROW(K_0F);
    __m256i cc = _mm256_and_si256(
        _mm256_shuffle_epi8(ROW(K_CLO), _mm256_and_si256(c, lo)),
        _mm256_shuffle_epi8(ROW(K_CHI),
                            _mm256_and_si256(_mm256_srli_epi16(c, 4), lo)));
    __m256i pc = _mm256_and_si256(
        _mm256_shuffle_epi8(ROW(K_PLO), _mm256_and_si256(p, lo)),
        _mm256_shuffle_epi8(ROW(K_PHI),
                            _mm256_and_si256(_mm256_srli_epi16(p, 4), lo)));
    __m256i drop =
        _mm256_cmpeq_epi8(_mm256_and_si256(pc, ROW(K_80)), ROW(K_80));

    (void)pm;
    pc = _mm256_or_si256(pc, _mm256_and_si256(drop, ROW(K_3F)));
    return ~(unsigned)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_and_si256(cc, pc), _mm256_setzero_si256()));
#undef ROW
}

__attribute__((target("avx2"))) static unsigned acct_names32(const char *t,
                                                             size_t len)
{
    const unsigned want = RUN_ACCT;
    const bool pm = false;

    NAMES_IN_BODY(32, acct_anchors32)
}

/*
 * anchors16() with the package managers, as acct_anchors32() with a
 * second set of tables for their pairs (C2: k t f u y m, P2: p n y z c,
 * each first byte a bit of its own; a dropped byte, as the first set
 * tells, gives P2 every pair).
 */
__attribute__((target("avx2"))) static inline unsigned
pm_anchors32(const char *t, size_t j, bool pm, krows_t kr)
{
#define ROW(k) _mm256_load_si256((const __m256i *)(const void *)kr[k])
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(t + j));
    __m256i p = _mm256_loadu_si256((const __m256i *)(const void *)(t + j - 1));
    __m256i lo = ROW(K_0F);
    __m256i cl = _mm256_and_si256(c, lo);
    __m256i ch = _mm256_and_si256(_mm256_srli_epi16(c, 4), lo);
    __m256i pl = _mm256_and_si256(p, lo);
    __m256i ph = _mm256_and_si256(_mm256_srli_epi16(p, 4), lo);
    __m256i cc = _mm256_and_si256(_mm256_shuffle_epi8(ROW(K_CLO), cl),
                                  _mm256_shuffle_epi8(ROW(K_CHI), ch));
    __m256i pc = _mm256_and_si256(_mm256_shuffle_epi8(ROW(K_PLO), pl),
                                  _mm256_shuffle_epi8(ROW(K_PHI), ph));
    __m256i c2 = _mm256_and_si256(_mm256_shuffle_epi8(ROW(K_C2LO), cl),
                                  _mm256_shuffle_epi8(ROW(K_C2HI), ch));
    __m256i p2 = _mm256_and_si256(_mm256_shuffle_epi8(ROW(K_P2LO), pl),
                                  _mm256_shuffle_epi8(ROW(K_P2HI), ph));
    __m256i drop =
        _mm256_cmpeq_epi8(_mm256_and_si256(pc, ROW(K_80)), ROW(K_80));

    (void)pm;
    pc = _mm256_or_si256(pc, _mm256_and_si256(drop, ROW(K_3F)));
    p2 = _mm256_or_si256(p2, _mm256_and_si256(drop, ROW(K_1F)));
    return ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_or_si256(_mm256_and_si256(cc, pc), _mm256_and_si256(c2, p2)),
        _mm256_setzero_si256()));
#undef ROW
}

__attribute__((target("avx2"))) static unsigned pm_names32(const char *t,
                                                           size_t len)
{
    const unsigned want = RUN_ACCT | RUN_PM;
    const bool pm = true;

    NAMES_IN_BODY(32, pm_anchors32)
}
#endif
#undef NAMES_IN_BODY

/*
 * The first name of a class in `want` (RUN_ACCT, maybe with RUN_PM) that
 * text `t` may hold: its class, RUN_ALL when the sieve must tell, 0 when
 * it surely holds none.
 */
static unsigned names_in(const char *t, size_t len, unsigned want)
{
    size_t j;
    unsigned r;
    int codes = -1;

#if defined(ANCHORS_AVX2)
    if (len > 32 && __builtin_cpu_supports("avx2"))
        return want & RUN_PM ? pm_names32(t, len) : acct_names32(t, len);
#endif
#if defined(__SSE2__)
    if (len > 16)
        return want & RUN_PM ? names_in16(t, len, want, true)
                             : names_in16(t, len, want, false);
#endif
    for (j = 1; j < len; j++)
        if ((r = judge_at(t, len, j, want, &codes)) != 0)
            return r;
    return 0;
}

/*
 * The RUN_* classes of text `t`, as far as `want` needs. RUN_ACCT, maybe
 * with RUN_PM: whether it may hold names of those, RUN_OTHER for a text
 * without (a RUN without account names is deferred, and read by the sieve
 * only if it is read at all). Else the sieve's classes, read up to the
 * first of `want`.
 */
static unsigned text_classes(const char *t, size_t len, unsigned want)
{
    unsigned r;

    if (!(want & RUN_ACCT))
        return text_class(t, len, want);
    r = names_in(t, len, want);
    if (r == RUN_ALL)
        return text_class(t, len, want);
    return r ? r : len ? RUN_OTHER : 0;
}

/* The RUN_* classes of the names in every text of RUN `in` that
 * split_run() would split (RUN_ALL: read it all), as far as `want` needs
 * (see text_classes()). */
static unsigned run_class(const tfl_instr *in, unsigned want)
{
    unsigned cls = 0;
    size_t i;

    if (in->json)
        return in->nargs >= 3
                   ? text_classes(in->args[2].text, in->args[2].len, want)
                   : 0;
    if (in->nargs >= 1 &&
        (in->args[0].off > in->line_len ||
         in->args[0].raw_len > in->line_len - in->args[0].off))
        return RUN_ALL; /* not a text we can read: split it as before */
    if (in->nargs >= 1)
        cls =
            text_classes(in->line + in->args[0].off, in->args[0].raw_len, want);
    for (i = 0; i < in->nheredocs && !(cls & RUN_ACCT); i++)
        cls |=
            text_classes(in->heredocs[i].body, in->heredocs[i].body_len, want);
    return cls;
}

/* What a stage starts from: its parent's state, or its base's facts. The
 * family guess, when the facts give none, comes later from the RUNs. */
static void stage_family(builder *b, size_t s)
{
    const tfl_model_stage *ms = &b->m->stages[s];
    sstate *st = &b->st[s];

    st->dnext = st->dend = (uint32_t)b->ndv;
    st->inherit = -1;
    if (ms->parent >= 0 && (size_t)ms->parent < s) {
        sstate *p = &b->st[ms->parent];

        p->has_child = true;
        st->facts = p->facts;
        st->fam = p->fam;
        st->guessed = p->guessed;
        st->adduser = p->adduser;
        st->installed = p->installed;
        st->other_pkgs = p->other_pkgs;
        if (p->inherit >= 0 || p->dnext < p->dend)
            st->inherit = ms->parent;
    } else if (b->cfg && b->cfg->facts && ms->image_expanded) {
        st->facts = tfl_facts_lookup(b->cfg->facts, ms->image_expanded);
    }
    if (st->facts && ms->parent < 0) {
        st->fam = st->facts->family;
        st->adduser = tfl_facts_adduser(st->facts);
    }
    st->fam_final = st->fam != TFL_FAMILY_UNKNOWN;
}

/* Guess the stage's family from the first package manager the scripts
 * of one RUN call, unless an earlier RUN already decided it. */
static void guess_family(sstate *st, const runinfo *ri)
{
    size_t k, c;

    for (k = 0; k < ri->n && !st->fam_final; k++) {
        const tfl_sh_script *sc = &ri->v[k].s;

        for (c = 0; c < sc->ncmds; c++) {
            const char *n = cmd_name(&sc->cmds[c]);
            tfl_family f = TFL_FAMILY_UNKNOWN;

            if (n && (cmd_kind(n = base_name(n)) & F_PM))
                f = pm_family(n);

            if (f != TFL_FAMILY_UNKNOWN) {
                st->fam = f;
                st->guessed = true;
                st->fam_final = true;
                return;
            }
        }
    }
}

/*
 * An account tool met before any package manager of its stage: the guess
 * comes from the first one of the whole stage, so read the stage's later
 * RUNs for it (from their own scratch, as the current RUN's scripts are
 * still in use). Done at most once per stage: the guess is then final.
 */
static void guess_ahead(builder *b, int stage, size_t instr)
{
    const tfl_model_stage *ms = &b->m->stages[stage];
    sstate *st = &b->st[stage];
    tfl_arena ar;
    runinfo ri;
    size_t i;

    st->fam_final = true;
    tfl_arena_init(&ar);
    for (i = instr + 1; i < ms->end_instr && st->fam == TFL_FAMILY_UNKNOWN;
         i++) {
        const tfl_instr *in = &b->doc->instrs[i];

        if (in->kind != TFL_RUN || b->m->scope_of[i] < 0 ||
            !(run_class(in, RUN_ACCT | RUN_PM) & (RUN_PM | RUN_ACCT)))
            continue;
        if (split_run(&ar, in, &ri) != 0) {
            b->oom = true;
            break;
        }
        st->fam_final = false;
        guess_family(st, &ri);
        st->fam_final = true;
        tfl_arena_free(&ar);
        tfl_arena_init(&ar);
    }
    tfl_arena_free(&ar);
}

static const char *skip_blanks(const char *t, const char *e)
{
    while (t < e && (*t == ' ' || *t == '\t'))
        t++;
    return t;
}

/*
 * The family the first command of shell-form RUN `in` gives when its text
 * plainly starts with a package manager: its name as a literal word
 * (paths allowed) that ends at a blank or an operator and is no
 * function's, maybe after a `set` with plain options and `;` or `&&`. As
 * the splitter lists the commands in order, that is the first one
 * guess_family() would read, so the RUN need not be split for it.
 * TFL_FAMILY_UNKNOWN when the text does not start so.
 */
static tfl_family lead_family(const tfl_instr *in)
{
    const char *t, *e, *w;
    char name[16];
    size_t n;

    if (in->json || in->nargs < 1 || in->args[0].off > in->line_len ||
        in->args[0].raw_len > in->line_len - in->args[0].off)
        return TFL_FAMILY_UNKNOWN;
    t = in->line + in->args[0].off;
    e = t + in->args[0].raw_len;
    t = skip_blanks(t, e);
    if (e - t > 4 && !memcmp(t, "set", 3) && (t[3] == ' ' || t[3] == '\t')) {
        /* `set -eux;`, `set -o pipefail &&`: words of letters and signs */
        for (t = skip_blanks(t + 3, e);
             t < e && ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
                       *t == '-' || *t == '+');
             t = skip_blanks(t, e))
            while (t < e &&
                   ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
                    *t == '-' || *t == '+'))
                t++;
        if (e - t >= 2 && t[0] == ';' && t[1] != ';')
            t++;
        else if (e - t >= 2 && t[0] == '&' && t[1] == '&')
            t += 2;
        else
            return TFL_FAMILY_UNKNOWN;
        t = skip_blanks(t, e);
    }
    for (w = t;
         t < e && ((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') ||
                   *t == '-' || *t == '/' || *t == '_' || *t == '.');
         t++)
        ;
    n = (size_t)(t - w);
    if (!n || n >= sizeof name ||
        (t < e && *t != ' ' && *t != '\t' && *t != '\n' && *t != ';' &&
         *t != '&' && *t != '|'))
        return TFL_FAMILY_UNKNOWN;
    if ((t = skip_blanks(t, e)) < e && *t == '(')
        return TFL_FAMILY_UNKNOWN; /* `apt-get () { ...; }` defines one */
    memcpy(name, w, n);
    name[n] = '\0';
    w = base_name(name);
    return cmd_kind(w) & F_PM ? pm_family(w) : TFL_FAMILY_UNKNOWN;
}

/* Leave RUN `i` of stage `s` unread for now (see struct deferred). */
static void defer_run(builder *b, size_t i, int s)
{
    deferred *d = bpush(b, (void **)&b->dv, &b->ndv, &b->dvcap, sizeof *d);

    if (!d)
        return;
    d->instr = (uint32_t)i;
    b->st[s].dend = (uint32_t)b->ndv;
    add_event(b, EV_DEFER, b->ndv - 1);
}

/* A RUN: split, guess the family, walk, and keep the fallbacks; or, when
 * it can make no op and give no family guess but the one its first words
 * plainly give (lead_family()), defer it. */
static void extract_run(builder *b, size_t i, int s, const tfl_instr *in)
{
    runinfo ri;
    size_t k;
    bool fam_final = b->st[s].fam_final;
    unsigned cls;
    tfl_family f;

    if (b->m->scope_of[i] < 0 ||
        !(cls = run_class(in, fam_final ? RUN_ACCT : RUN_ACCT | RUN_PM)))
        return;
    if (!(cls & RUN_ACCT) && (fam_final || !(cls & RUN_PM))) {
        defer_run(b, i, s);
        return;
    }
    if (!(cls & RUN_ACCT) && (f = lead_family(in)) != TFL_FAMILY_UNKNOWN &&
        !(run_class(in, RUN_ACCT) & RUN_ACCT)) {
        /* What guess_family() would find. Once it is set, a RUN that
         * names no account (asked again: the look above stops at the
         * first name of either class) waits like the stage's later
         * ones. */
        b->st[s].fam = f;
        b->st[s].guessed = true;
        b->st[s].fam_final = true;
        defer_run(b, i, s);
        return;
    }
    if (split_run(b->t, in, &ri) != 0) {
        b->oom = true;
        return;
    }
    guess_family(&b->st[s], &ri);
    b->run_split[i] = ri.partial ? TFL_OPS_SPLIT_PARTIAL : TFL_OPS_SPLIT_ALL;
    for (k = 0; k < ri.n && !b->oom; k++)
        walk_script(b, i, s, &ri.v[k].s, ri.v[k].origin);
}

static void extract_stage(builder *b, size_t s)
{
    const tfl_model_stage *ms = &b->m->stages[s];
    size_t i;

    for (i = ms->from_instr; i < ms->end_instr && !b->oom; i++) {
        const tfl_instr *in = &b->doc->instrs[i];

        switch (in->kind) {
        case TFL_RUN:
            extract_run(b, i, (int)s, in);
            break;
        case TFL_COPY:
        case TFL_ADD:
            do_copy(b, i, (int)s, in);
            break;
        case TFL_USER:
            do_user(b, i, (int)s, in);
            break;
        default:
            break;
        }
        if (b->scratch.used > SCRATCH_MAX)
            tfl_arena_reset(&b->scratch);
    }
}

/* The live accounts `t` added itself (none while borrowed), into `v`
 * unless NULL; returns how many. */
static size_t own_live(const tab *t, const tfl_account **v)
{
    size_t i, n = 0;

    for (i = t->borrowed ? t->n : t->own_from; i < t->n; i++)
        if (!t->v[i]->deleted) {
            if (v)
                v[n] = t->v[i];
            n++;
        }
    return n;
}

/*
 * The live accounts of stage `s` at its end. Most stages that change
 * their accounts only add a few to the ones they borrowed: they list
 * just those, after the borrowed list (base_accounts) rather than in a
 * full copy of it. The readers look accounts up by kind and name, newest
 * first, which finds the same account in either form.
 */
static void collect_accounts(builder *b, size_t s)
{
    sstate *st = &b->st[s];
    stabs *tb = st->tb;
    tfl_stage_info *si = &b->o->stages[s];
    const tfl_account **v;
    size_t n;

    if (tb->users.borrowed && tb->groups.borrowed) {
        /* Unchanged: the list of the stage or seed the tables came from. */
        si->base_accounts = tb->lent_base;
        si->nbase_accounts = tb->nlent_base;
        si->accounts = tb->lent;
        si->naccounts = tb->nlent;
        return;
    }
    if (tb->lent_base || tb->users.forgot_shared || tb->groups.forgot_shared) {
        si->accounts = live_accounts(b, &tb->users, &tb->groups, &n);
        si->naccounts = (uint32_t)n;
        return;
    }
    n = own_live(&tb->groups, NULL) + own_live(&tb->users, NULL);
    v = tfl_arena_alloc(b->a, (n + 1) * sizeof *v);
    if (!v) {
        b->oom = true;
        return;
    }
    n = own_live(&tb->groups, v);
    n += own_live(&tb->users, v + n);
    si->base_accounts = tb->lent;
    si->nbase_accounts = tb->nlent;
    si->accounts = v;
    si->naccounts = n;
}

static void stage_info(builder *b, size_t s)
{
    const tfl_model_stage *ms = &b->m->stages[s];
    const sstate *st = &b->st[s];
    tfl_stage_info *si = &b->o->stages[s];

    si->base_facts = st->facts;
    si->family_id = st->fam;
    si->family_guessed = st->guessed;
    si->adduser = st->adduser;
    si->accounts_known = st->known;
    if (ms->parent >= 0 && (size_t)ms->parent < s) {
        const tfl_stage_info *p = &b->o->stages[ms->parent];

        si->last_user = p->last_user;
        si->base_runs_as_root =
            p->last_user ? (p->last_user->root || !p->last_user->user.text)
                         : p->base_runs_as_root;
    } else {
        si->base_runs_as_root =
            !st->facts || tfl_facts_runs_as_root(st->facts) != TFL_TRI_NO;
    }
}

static int ev_stage(const builder *b, const event *ev)
{
    switch (ev->kind) {
    case EV_ACCT:
        return b->o->accts[ev->idx].stage;
    case EV_OWN:
        return b->o->owns[ev->idx].stage;
    case EV_USER:
        return b->o->users[ev->idx].stage;
    case EV_FORGET:
        return (int)ev->idx;
    case EV_DEFER:
        return b->m->scope_of[b->dv[ev->idx].instr];
    default:
        return b->o->sudos[ev->idx].stage;
    }
}

/*
 * The events of stage `s` from `e` on end before the one returned. Marks
 * the deferred RUNs whose effect on whether the accounts are known can be
 * seen: an op looks at it before the stage surely loses them (EV_FORGET),
 * or, with none of either after the RUN, a stage built on this one.
 */
static size_t stage_events(builder *b, size_t s, size_t e)
{
    size_t end = e, k;
    bool seen;

    while (end < b->nev && ev_stage(b, &b->ev[end]) == (int)s)
        end++;
    seen = b->st[s].has_child;
    for (k = end; k-- > e;) {
        event *ev = &b->ev[k];

        if (ev->kind == EV_ACCT || ev->kind == EV_OWN || ev->kind == EV_USER)
            seen = true;
        else if (ev->kind == EV_FORGET)
            seen = false;
        else if (ev->kind == EV_DEFER)
            ev->seen = seen;
    }
    return end;
}

/* Give stage `st` its (empty) tables: kept to the end of the build when
 * a later stage is built FROM it, else in the builder's reused ones. */
static int stage_tables(builder *b, sstate *st)
{
    if (st->has_child) {
        b->ta = &b->tabs;
        st->tb = tfl_arena_alloc(b->ta, sizeof *st->tb);
        return st->tb ? 0 : -1;
    }
    b->ta = &b->stab;
    memset(&b->cur, 0, sizeof b->cur);
    st->tb = &b->cur;
    return 0;
}

/* Play the events of every stage in order. A deferred RUN is read only
 * when the accounts are still known and its effect can be seen. */
static void simulate(builder *b)
{
    size_t s, e = 0, u = 0, end;

    for (s = 0; s < b->m->nstages && !b->oom; s++) {
        sstate *st = &b->st[s];
        const tfl_model_stage *ms = &b->m->stages[s];
        tfl_stage_info *si = &b->o->stages[s];
        const tfl_user_op *cur;

        if (stage_tables(b, st) != 0 || seed_stage(b, s) != 0) {
            b->oom = true;
            return;
        }
        stage_info(b, s);
        end = stage_events(b, s, e);
        for (; e < end && !b->oom; e++) {
            const event *ev = &b->ev[e];

            if (ev->kind == EV_ACCT)
                sim_acct(b, st, &b->o->accts[ev->idx]);
            else if (ev->kind == EV_OWN)
                sim_own(st, &b->o->owns[ev->idx]);
            else if (ev->kind == EV_USER)
                sim_user(st, &b->o->users[ev->idx]);
            else if (ev->kind == EV_FORGET)
                st->known = false;
            else if (ev->kind == EV_DEFER && st->known && ev->seen) {
                read_deferred(b, &b->dv[ev->idx]);
                st->known = !b->dv[ev->idx].forget;
            }
        }
        cur = si->last_user;
        for (; u < b->o->nusers && b->o->users[u].instr < ms->end_instr; u++)
            cur = &b->o->users[u];
        si->last_user = cur;
        collect_accounts(b, s);
        if (!st->has_child) {
            st->tb = NULL;
            if (b->stab.used > SCRATCH_MAX) {
                tfl_arena_free(&b->stab);
                tfl_arena_init(&b->stab);
            }
        }
    }
}

/* ops.h orders these records' fields for the sizes its comments give (a
 * big file has thousands of each), as parser.c does for tfl_instr: a
 * field added or moved stops the build here, so that the comment and the
 * order are looked at again rather than going stale. */
_Static_assert(sizeof(void *) != 8 || sizeof(tfl_value) == 40,
               "tfl_value is 40 bytes on 64-bit targets");
_Static_assert(sizeof(void *) != 8 || sizeof(tfl_account) == 32,
               "tfl_account is 32 bytes on 64-bit targets");
_Static_assert(sizeof(void *) != 8 || sizeof(tfl_acct_op) == 336,
               "tfl_acct_op is 336 bytes on 64-bit targets");
_Static_assert(sizeof(void *) != 8 || sizeof(tfl_stage_info) == 56,
               "tfl_stage_info is 56 bytes on 64-bit targets");

int tfl_ops_build(tfl_arena *arena, const tfl_doc *doc, const tfl_model *m,
                  const tfl_config *cfg, tfl_ops *out)
{
    builder b;
    size_t s;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.a = arena;
    b.doc = doc;
    b.m = m;
    b.cfg = cfg;
    b.o = out;
    out->ninstrs = doc->ninstrs;
    out->nstages = m->nstages;
    out->model = m;
    out->stages =
        tfl_arena_alloc(arena, (m->nstages + 1) * sizeof *out->stages);
    out->run_split = b.run_split = tfl_arena_alloc(arena, doc->ninstrs + 1);
    b.st = calloc(m->nstages + 1, sizeof *b.st); /* the builder's only */
    tfl_arena_init(&b.scratch);
    tfl_arena_init(&b.aside);
    tfl_arena_init(&b.tabs);
    tfl_arena_init(&b.stab);
    b.t = &b.scratch;
    if (!out->stages || !b.run_split || !b.st)
        goto oom;
    for (s = 0; s < m->nstages; s++) {
        stage_family(&b, s);
        extract_stage(&b, s);
        if (b.oom)
            goto oom;
    }
    tfl_arena_free(&b.scratch);
    settle(&b, (void **)&out->accts, out->naccts, &b.acap, sizeof *out->accts);
    settle(&b, (void **)&out->owns, out->nowns, &b.ocap, sizeof *out->owns);
    settle(&b, (void **)&out->users, out->nusers, &b.ucap, sizeof *out->users);
    settle(&b, (void **)&out->sudos, out->nsudos, &b.scap, sizeof *out->sudos);
    settle(&b, (void **)&out->fallbacks, out->nfallbacks, &b.fcap,
           sizeof *out->fallbacks);
    if (b.oom)
        goto oom;
    simulate(&b);
    if (b.oom)
        goto oom;
    builder_free(&b);
    free(b.st);
    tfl_arena_free(&b.aside);
    tfl_arena_free(&b.tabs);
    tfl_arena_free(&b.stab);
    return 0;
oom:
    tfl_arena_free(&b.scratch);
    tfl_arena_free(&b.aside);
    tfl_arena_free(&b.tabs);
    tfl_arena_free(&b.stab);
    if (b.acap)
        free(out->accts);
    if (b.ocap)
        free(out->owns);
    if (b.ucap)
        free(out->users);
    if (b.scap)
        free(out->sudos);
    if (b.fcap)
        free((void *)out->fallbacks);
    free(b.ev);
    free(b.seeds);
    free(b.dv);
    free(b.st);
    memset(out, 0, sizeof *out);
    return -1;
}

const tfl_ops *tfl_ctx_ops(tfl_ctx *ctx)
{
    const tfl_model *m;
    tfl_ops *o;

    if (ctx->ops || ctx->oom)
        return ctx->ops;
    m = tfl_ctx_model(ctx);
    if (!m)
        return NULL;
    o = tfl_arena_alloc(ctx->arena, sizeof *o);
    if (!o || tfl_ops_build(ctx->arena, ctx->doc, m, ctx->config, o) != 0) {
        ctx->oom = true;
        return NULL;
    }
    ctx->ops = o;
    return o;
}

const tfl_user_op *tfl_ops_user_at(const tfl_ops *o, size_t instr)
{
    size_t lo = 0, hi = o->nusers, mid;
    int s = tfl_model_stage_of(o->model, instr), parent;

    if (s < 0 || (size_t)s >= o->nstages)
        return NULL;
    while (lo < hi) { /* the first USER at or after `instr` */
        mid = lo + (hi - lo) / 2;
        if (o->users[mid].instr < instr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && o->users[lo - 1].stage == s)
        return &o->users[lo - 1];
    parent = o->model->stages[s].parent;
    return parent >= 0 && parent < s ? o->stages[parent].last_user : NULL;
}

/* The newest account of `v` (`n` of them) of the kind and name. */
static const tfl_account *find_account(const tfl_account *const *v, size_t n,
                                       const char *name, bool group)
{
    size_t i;

    for (i = n; name && i-- > 0;)
        if (v[i]->group == group && v[i]->name && !strcmp(v[i]->name, name))
            return v[i];
    return NULL;
}

const tfl_account *tfl_stage_account(const tfl_stage_info *s, const char *name,
                                     bool group)
{
    const tfl_account *a = find_account(s->accounts, s->naccounts, name, group);

    return a ? a
             : find_account(s->base_accounts, s->nbase_accounts, name, group);
}

const char *tfl_acct_tool_name(tfl_acct_tool tool)
{
    switch (tool) {
    case TFL_ACCT_USERADD:
        return "useradd";
    case TFL_ACCT_GROUPADD:
        return "groupadd";
    case TFL_ACCT_USERMOD:
        return "usermod";
    case TFL_ACCT_GROUPMOD:
        return "groupmod";
    case TFL_ACCT_USERDEL:
        return "userdel";
    case TFL_ACCT_GROUPDEL:
        return "groupdel";
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_BB_ADDUSER:
        return "adduser";
    case TFL_ACCT_DEB_ADDGROUP:
    case TFL_ACCT_BB_ADDGROUP:
        return "addgroup";
    case TFL_ACCT_PASSWD_LINE:
        return "/etc/passwd";
    case TFL_ACCT_GROUP_LINE:
        return "/etc/group";
    }
    return "";
}

const char *tfl_value_origin(tfl_arena *arena, const tfl_model *m,
                             const tfl_value *v)
{
    const tfl_binding *bd = v->binding;
    const char *s;

    if (!bd)
        return v->from_shell ? " (set in the RUN)" : "";
    if (v->from_build_arg)
        s = tfl_arena_printf(arena, " (--build-arg %s)", bd->name);
    else if (v->from_shell)
        s = tfl_arena_printf(arena, " (fallback for %s %s, line %u)",
                             tfl_origin_name(bd->origin), bd->name,
                             tfl_binding_line(m, bd));
    else if (bd->origin == TFL_ORIGIN_ENV)
        s = tfl_arena_printf(arena, " (ENV %s, line %u)", bd->name,
                             tfl_binding_line(m, bd));
    else
        s = tfl_arena_printf(arena, " (default of %s %s, line %u)",
                             tfl_origin_name(bd->origin), bd->name,
                             tfl_binding_line(m, bd));
    return s ? s : "";
}
