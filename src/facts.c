/*
 * Base-image facts: the parser of the data file format and the lookup.
 *
 * The format is line-oriented. `image NAME [like PARENT]` opens an entry;
 * each following line is `KEYWORD ARGS...` until the next `image`. `#`
 * at the start of a word begins a comment. docs/base-images.md is the user
 * documentation; the grammar in short:
 *
 *   match PATTERN...            globs on the normalised reference, `!` not
 *   when PATTERN... use ENTRY   one variant built on ENTRY per `when`
 *   family WORD | accounts complete|partial | shell yes|no|unknown
 *   old-shadow yes|no|unknown | tools none|unknown|TOOL[?]...
 *   default-user SPEC|unknown | note TEXT | include ENTRY
 *   group NAME GID [MEMBERS] | user NAME UID GROUP | drop user|group NAME
 *
 * Inheritance is resolved while parsing, so a lookup only matches globs
 * and returns a ready record. An entry is a set of variants: one when it
 * is plain, one per variant of its parent for `like`, one per variant of
 * each target for `when`. Each variant carries the `when` patterns that
 * led to it (its guards); a lookup takes the first entry whose `match`
 * accepts the reference and in it the first variant whose guards all do.
 * That is how `node:20-alpine3.19` reaches the old Alpine layout while
 * the node account is written once.
 *
 * Every property line applies to all variants of the open entry. Parents
 * must be defined earlier (in the same text or an earlier load), which
 * rules out cycles. Everything lives in the table's arena; bounded input
 * (text size, line length, words per line, variants per entry, accounts
 * per table) keeps a hostile file from growing memory without limit.
 *
 * The built-in data is parsed at build time by this same code (built
 * into tools/genfacts.c), which writes it as compact tables without
 * pointers (facts_table.h). A run only reserves the built-in layer: a
 * lookup matches on the compact tables and makes the one image it
 * returns, and a later load that names a built-in entry gets it made in
 * the pointer form above. Parsing the text at each start cost 1.4 M
 * instructions, more than linting a small file.
 */
#include "tflint/facts.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_table.h"
#include "tflint/arena.h"

/* Defined by the C file that cmake/EmbedData.cmake generates from data/. */
extern const char tfl_data_base_images[];
extern const size_t tfl_data_base_images_size;

#define MAX_LINE 4096
#define MAX_WORDS 64
#define MAX_VARIANTS 64
#define MAX_ACCOUNTS 200000 /* user and group records in one table */
#define MAX_REF 1024

typedef struct word {
    const char *p;
    size_t n;
} word;

typedef tfl_facts_patset patset;
typedef tfl_facts_variant variant;
typedef tfl_facts_entry entry;

typedef struct when {
    patset pats;
    const entry *target;
} when;

typedef struct parser {
    tfl_facts *f;
    const char *origin;
    tfl_facts_error *err;
    uint32_t line;
    size_t first; /* first entry of this load */
    entry *cur;   /* the open entry, not yet in the table */
    const entry *like;
    when *whens;
    size_t nwhens, capwhens;
    bool built;
    uint32_t default_line;
    /* names the open entry defines itself, to catch duplicates */
    const char **own_users, **own_groups;
    size_t nown_users, capown_users, nown_groups, capown_groups;
} parser;

/* ------------------------------------------------------------------------
 * Globs: `*`, `?`, `[a-z]`, `[!x]`. Greedy with one backtrack point, so the
 * cost is at most pattern length times subject length.
 */

/* Match one pattern element at `pat` against `c`: the element's end on a
 * match, NULL otherwise. */
static const char *glob_one(const char *pat, char c)
{
    const char *q = pat + 1;
    bool neg = false, hit = false;

    if (*pat == '?')
        return pat + 1;
    if (*pat != '[')
        return *pat == c ? pat + 1 : NULL;
    if (*q == '!' || *q == '^') {
        neg = true;
        q++;
    }
    do {
        if (*q == '\0') /* unterminated: a literal '[' */
            return c == '[' ? pat + 1 : NULL;
        if (q[1] == '-' && q[2] != ']' && q[2] != '\0') {
            hit = hit || (c >= q[0] && c <= q[2]);
            q += 3;
        } else {
            hit = hit || c == *q;
            q++;
        }
    } while (*q != ']');
    return hit != neg ? q + 1 : NULL;
}

static bool glob(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;

    while (*s) {
        const char *next;

        if (*pat == '*') {
            star = ++pat;
            resume = s;
            continue;
        }
        next = *pat ? glob_one(pat, *s) : NULL;
        if (next) {
            pat = next;
            s++;
        } else if (star) {
            pat = star;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* One pattern of a set: false when `p` excludes `s`, else `*yes` records
 * whether some pattern accepted it. */
static bool pat_step(const char *p, const char *s, bool *yes)
{
    if (p[0] == '!')
        return !glob(p + 1, s);
    if (!*yes)
        *yes = glob(p, s);
    return true;
}

static bool patset_match(const patset *ps, const char *s)
{
    bool yes = false;
    size_t i;

    for (i = 0; i < ps->n; i++)
        if (!pat_step(ps->pats[i], s, &yes))
            return false;
    return yes;
}

#ifndef TFL_FACTS_GENERATOR
/* The tfl_fb_gram() set of `s`. */
static uint64_t grams_of(const char *s)
{
    uint64_t set = 0;

    for (; s[0] && s[1]; s++)
        set |= tfl_fb_gram((unsigned char)s[0], (unsigned char)s[1]);
    return set;
}

/* patset_match() on a compact set of the built-in tables, whose pairs
 * `grams` (the tfl_fb_gram() set of `s`) has. */
static bool fb_match_set(uint32_t k, const char *s, uint64_t grams)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    const tfl_fb_patset *ps = &t->patsets[k];
    bool yes = false;
    uint32_t i;

    for (i = ps->first; i < ps->first + ps->n; i++) {
        const char *p = t->pool + t->pats[i];
        bool neg = p[0] == '!';

        if ((!neg && yes) || (t->pat_grams[i] & ~grams))
            continue;
        /* The run every accepted string contains, before the glob. */
        if (t->pat_lits[i] != TFL_FB_NULL &&
            !strstr(s, t->pool + t->pat_lits[i]))
            continue;
        if (!pat_step(p, s, &yes))
            return false;
    }
    return yes;
}

/* The same, with the test that rejects most sets at once in the caller's
 * loop. */
static inline bool fb_match(uint32_t k, const char *s, uint64_t grams)
{
    return !(tfl_facts_builtin.patsets[k].grams & ~grams) &&
           fb_match_set(k, s, grams);
}
#endif

/* ------------------------------------------------------------------------
 * Small helpers
 */

static bool word_is(word w, const char *s)
{
    return strlen(s) == w.n && memcmp(w.p, s, w.n) == 0;
}

/* Parse a decimal ID up to 4294967294; false for anything else. */
static bool parse_id(word w, uint32_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (w.n == 0 || w.n > 10)
        return false;
    for (i = 0; i < w.n; i++) {
        if (w.p[i] < '0' || w.p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(w.p[i] - '0');
    }
    if (v >= UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool is_entry_name(word w)
{
    size_t i;

    if (w.n == 0 || w.n > 64)
        return false;
    for (i = 0; i < w.n; i++) {
        char c = w.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Account names: what passwd and group files can hold in a field. */
static bool is_account_name(word w)
{
    size_t i;

    if (w.n == 0 || w.n > 64 || w.p[0] == '-')
        return false;
    for (i = 0; i < w.n; i++)
        if (w.p[i] == ':' || w.p[i] == ',')
            return false;
    return true;
}

static int fail(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(parser *p, const char *fmt, ...)
{
    va_list ap;

    if (p->err) {
        p->err->origin = p->origin;
        p->err->line = p->line;
        va_start(ap, fmt);
        vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
        va_end(ap);
    }
    return TFL_FACTS_EDATA;
}

static int oom(parser *p)
{
    if (p->err) {
        p->err->origin = p->origin;
        p->err->line = p->line;
        snprintf(p->err->message, sizeof p->err->message, "out of memory");
    }
    return TFL_FACTS_ENOMEM;
}

/* Shown words are cut so that a message always has room for its point. */
#define SHOW(w) (int)((w).n > 40 ? 40 : (w).n), (w).p

static char *dup_word(parser *p, word w)
{
    return tfl_arena_strndup(&p->f->arena, w.p, w.n);
}

static int patset_add(parser *p, patset *ps, word w)
{
    const char **slot;
    char *s = dup_word(p, w);

    if (!s)
        return oom(p);
    slot = tfl_arena_push(&p->f->arena, (void **)&ps->pats, &ps->n, &ps->cap,
                          sizeof *slot);
    if (!slot)
        return oom(p);
    *slot = s;
    return 0;
}

static entry *fb_entry(tfl_arena *a, size_t k);
static const char *fb_name(size_t k);

/* The newest entry called `name`: earlier entries of this load first, then
 * earlier loads. A built-in entry is made in pointer form the first time
 * a load names it. Fails as "unknown entry" or for memory. */
static int find_entry(parser *p, word name, const entry **out)
{
    tfl_facts *f = p->f;
    size_t i = f->nentries, l = f->nlayers;

    while (i-- > 0) {
        while (l > 0 && f->layers[l - 1].start > i)
            l--;
        if (f->entries[i]) {
            if (word_is(name, f->entries[i]->name))
                break;
        } else if (word_is(name, fb_name(i - f->layers[l - 1].start))) {
            f->entries[i] = fb_entry(&f->arena, i - f->layers[l - 1].start);
            if (!f->entries[i])
                return oom(p);
            break;
        }
    }
    if (i == SIZE_MAX)
        return fail(p, "unknown entry '%.*s'", SHOW(name));
    *out = f->entries[i];
    return 0;
}

/* ------------------------------------------------------------------------
 * Accounts of a variant
 */

static tfl_facts_user *var_user(variant *v, word name)
{
    size_t i;

    for (i = 0; i < v->nusers; i++)
        if (word_is(name, v->users[i].name))
            return &v->users[i];
    return NULL;
}

static tfl_facts_group *var_group(variant *v, word name)
{
    size_t i;

    for (i = 0; i < v->ngroups; i++)
        if (word_is(name, v->groups[i].name))
            return &v->groups[i];
    return NULL;
}

static const char *var_group_name(const variant *v, uint32_t gid)
{
    size_t i;

    for (i = 0; i < v->ngroups; i++)
        if (v->groups[i].gid == gid)
            return v->groups[i].name;
    return NULL;
}

static int budget(parser *p, size_t n)
{
    if (n > MAX_ACCOUNTS || p->f->naccounts > MAX_ACCOUNTS - n)
        return fail(p, "too many accounts in the table (limit %d)",
                    MAX_ACCOUNTS);
    p->f->naccounts += n;
    return 0;
}

/* Add or replace user `u` (keyed by name) in `v`. */
static int put_user(parser *p, variant *v, const tfl_facts_user *u)
{
    tfl_facts_user *slot;
    size_t i;
    int rc;

    for (i = 0; i < v->nusers; i++)
        if (strcmp(v->users[i].name, u->name) == 0) {
            v->users[i] = *u;
            return 0;
        }
    if ((rc = budget(p, 1)) != 0)
        return rc;
    slot = tfl_arena_push(&p->f->arena, (void **)&v->users, &v->nusers,
                          &v->capusers, sizeof *slot);
    if (!slot)
        return oom(p);
    *slot = *u;
    return 0;
}

static int put_group(parser *p, variant *v, const tfl_facts_group *g)
{
    tfl_facts_group *slot;
    size_t i;
    int rc;

    for (i = 0; i < v->ngroups; i++)
        if (strcmp(v->groups[i].name, g->name) == 0) {
            v->groups[i] = *g;
            return 0;
        }
    if ((rc = budget(p, 1)) != 0)
        return rc;
    slot = tfl_arena_push(&p->f->arena, (void **)&v->groups, &v->ngroups,
                          &v->capgroups, sizeof *slot);
    if (!slot)
        return oom(p);
    *slot = *g;
    return 0;
}

/* Merge the accounts of `from` into `v`, replacing those of equal name. */
static int merge_accounts(parser *p, variant *v, const variant *from)
{
    size_t i;
    int rc;

    for (i = 0; i < from->ngroups; i++)
        if ((rc = put_group(p, v, &from->groups[i])) != 0)
            return rc;
    for (i = 0; i < from->nusers; i++)
        if ((rc = put_user(p, v, &from->users[i])) != 0)
            return rc;
    return 0;
}

/* Give the empty variant `v` copies of the accounts of `from`. */
static int copy_accounts(parser *p, variant *v, const variant *from)
{
    int rc;

    if ((rc = budget(p, from->nusers + from->ngroups)) != 0)
        return rc;
    if (from->nusers) {
        v->users =
            tfl_arena_alloc(&p->f->arena, from->nusers * sizeof *v->users);
        if (!v->users)
            return oom(p);
        memcpy(v->users, from->users, from->nusers * sizeof *v->users);
        v->nusers = v->capusers = from->nusers;
    }
    if (from->ngroups) {
        v->groups =
            tfl_arena_alloc(&p->f->arena, from->ngroups * sizeof *v->groups);
        if (!v->groups)
            return oom(p);
        memcpy(v->groups, from->groups, from->ngroups * sizeof *v->groups);
        v->ngroups = v->capgroups = from->ngroups;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The built-in tables in pointer form (see facts_table.h)
 */

#define BUILTIN_ORIGIN "data/base-images.txt"

#ifdef TFL_FACTS_GENERATOR
/* The generator makes the tables, so it has none to read. */
static entry *fb_entry(tfl_arena *a, size_t k)
{
    (void)a;
    (void)k;
    return NULL;
}

static const char *fb_name(size_t k)
{
    (void)k;
    return "";
}
#else
static const char *fb_name(size_t k)
{
    return tfl_facts_builtin.pool + tfl_facts_builtin.entries[k].name;
}

static const char *fb_str(uint32_t off)
{
    return off == TFL_FB_NULL ? NULL : tfl_facts_builtin.pool + off;
}

static int fb_patset(tfl_arena *a, uint32_t k, patset *out)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    const tfl_fb_patset *c = &t->patsets[k];
    uint32_t i;

    out->n = out->cap = c->n;
    out->pats = NULL;
    if (c->n == 0)
        return 0;
    out->pats = tfl_arena_alloc(a, c->n * sizeof *out->pats);
    if (!out->pats)
        return -1;
    for (i = 0; i < c->n; i++)
        out->pats[i] = t->pool + t->pats[c->first + i];
    return 0;
}

/* The image of compact variant `k` with its accounts, into `img`; the
 * account arrays also go to `*users` and `*groups`. */
static int fb_image(tfl_arena *a, size_t k, tfl_facts_image *img,
                    tfl_facts_user **users, tfl_facts_group **groups)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    const tfl_fb_variant *c = &t->variants[k];
    uint32_t i;

    memset(img, 0, sizeof *img);
    img->name = fb_str(c->name);
    img->base = fb_str(c->base);
    img->origin = BUILTIN_ORIGIN;
    img->line = c->line;
    img->family = (tfl_family)c->family;
    img->tools = c->tools;
    img->tools_maybe = c->tools_maybe;
    img->tools_known = c->tools_known;
    img->shell = (tfl_tri)c->shell;
    img->old_shadow = (tfl_tri)c->old_shadow;
    img->accounts_complete = c->accounts_complete;
    img->default_user = fb_str(c->default_user);
    img->default_uid = c->default_uid;
    img->note = fb_str(c->note);
    *users = NULL;
    *groups = NULL;
    if (c->nusers && !(*users = tfl_arena_alloc(a, c->nusers * sizeof **users)))
        return -1;
    for (i = 0; i < c->nusers; i++) {
        const tfl_fb_user *u = &t->users[c->users + i];

        (*users)[i] =
            (tfl_facts_user){fb_str(u->name), u->uid, u->gid, fb_str(u->group)};
    }
    if (c->ngroups &&
        !(*groups = tfl_arena_alloc(a, c->ngroups * sizeof **groups)))
        return -1;
    for (i = 0; i < c->ngroups; i++) {
        const tfl_fb_group *g = &t->groups[c->groups + i];

        (*groups)[i] =
            (tfl_facts_group){fb_str(g->name), g->gid, fb_str(g->members)};
    }
    img->users = *users;
    img->nusers = c->nusers;
    img->groups = *groups;
    img->ngroups = c->ngroups;
    return 0;
}

static int fb_variant(tfl_arena *a, size_t k, variant *v)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    const tfl_fb_variant *c = &t->variants[k];
    uint32_t i;

    memset(v, 0, sizeof *v);
    if (fb_image(a, k, &v->img, &v->users, &v->groups) != 0)
        return -1;
    v->nusers = v->capusers = c->nusers;
    v->ngroups = v->capgroups = c->ngroups;
    v->nguards = c->nguards;
    if (c->nguards &&
        !(v->guards = tfl_arena_alloc(a, c->nguards * sizeof *v->guards)))
        return -1;
    for (i = 0; i < c->nguards; i++) {
        patset *g = tfl_arena_alloc(a, sizeof *g);

        if (!g || fb_patset(a, t->guards[c->guards + i], g) != 0)
            return -1;
        v->guards[i] = g;
    }
    return 0;
}

/* Built-in entry `k` in the form a parse builds, for a later load that
 * names it; NULL when out of memory. */
static entry *fb_entry(tfl_arena *a, size_t k)
{
    const tfl_fb_entry *c = &tfl_facts_builtin.entries[k];
    entry *e = tfl_arena_alloc(a, sizeof *e);
    uint32_t i;

    if (!e)
        return NULL;
    e->name = fb_str(c->name);
    e->line = c->line;
    e->nvars = c->nvars;
    if (fb_patset(a, c->match, &e->match) != 0 ||
        !(e->vars =
              tfl_arena_alloc(a, (c->nvars ? c->nvars : 1) * sizeof *e->vars)))
        return NULL;
    for (i = 0; i < c->nvars; i++)
        if (fb_variant(a, c->vars + i, &e->vars[i]) != 0)
            return NULL;
    return e;
}
#endif

/* ------------------------------------------------------------------------
 * Building the variants of the open entry
 */

/* Make `dst` a copy of parent variant `src` of entry `parent`, with `extra`
 * (may be NULL) as an additional first guard. */
static int copy_variant(parser *p, variant *dst, const entry *parent,
                        const variant *src, const patset *extra)
{
    size_t ng = src->nguards + (extra ? 1 : 0), k = 0, i;

    dst->img = src->img;
    dst->img.name = p->cur->name;
    dst->img.origin = p->origin;
    dst->img.line = p->cur->line;
    /* Name a real image as the base; see through helper entries. */
    dst->img.base = parent->match.n ? parent->name : src->img.base;
    if (ng) {
        dst->guards = tfl_arena_alloc(&p->f->arena, ng * sizeof *dst->guards);
        if (!dst->guards)
            return oom(p);
        if (extra)
            dst->guards[k++] = extra;
        for (i = 0; i < src->nguards; i++)
            dst->guards[k++] = src->guards[i];
    }
    dst->nguards = ng;
    /* `dst` starts empty and `src`'s names are unique: copy the accounts
     * whole instead of merging them one by one. */
    return copy_accounts(p, dst, src);
}

static int alloc_variants(parser *p, size_t n)
{
    if (n > MAX_VARIANTS)
        return fail(p, "entry '%s' has more than %d variants", p->cur->name,
                    MAX_VARIANTS);
    p->cur->vars = tfl_arena_alloc(&p->f->arena, (n ? n : 1) * sizeof(variant));
    if (!p->cur->vars)
        return oom(p);
    p->cur->nvars = n;
    return 0;
}

/* Create the variants of the open entry from its `like` or `when` lines,
 * or one empty variant; done before the first property line applies. */
static int build(parser *p)
{
    size_t n = 0, i, j, k = 0;
    int rc;

    if (p->built)
        return 0;
    p->built = true;
    if (p->like)
        n = p->like->nvars;
    for (i = 0; i < p->nwhens; i++)
        n += p->whens[i].target->nvars;
    if (!p->like && p->nwhens == 0) {
        if ((rc = alloc_variants(p, 1)) != 0)
            return rc;
        p->cur->vars[0].img.name = p->cur->name;
        p->cur->vars[0].img.origin = p->origin;
        p->cur->vars[0].img.line = p->cur->line;
        p->cur->vars[0].img.note = "";
        return 0;
    }
    if ((rc = alloc_variants(p, n)) != 0)
        return rc;
    if (p->like)
        for (j = 0; j < p->like->nvars; j++)
            if ((rc = copy_variant(p, &p->cur->vars[k++], p->like,
                                   &p->like->vars[j], NULL)) != 0)
                return rc;
    for (i = 0; i < p->nwhens; i++) {
        const entry *t = p->whens[i].target;

        for (j = 0; j < t->nvars; j++)
            if ((rc = copy_variant(p, &p->cur->vars[k++], t, &t->vars[j],
                                   &p->whens[i].pats)) != 0)
                return rc;
    }
    assert(k == n);
    return 0;
}

/* ------------------------------------------------------------------------
 * Property lines
 */

static int parse_tri(parser *p, const word *w, size_t n, tfl_tri *out)
{
    if (n != 2)
        return fail(p, "'%.*s' needs one of yes, no, unknown", SHOW(w[0]));
    if (word_is(w[1], "yes"))
        *out = TFL_TRI_YES;
    else if (word_is(w[1], "no"))
        *out = TFL_TRI_NO;
    else if (word_is(w[1], "unknown"))
        *out = TFL_TRI_UNKNOWN;
    else
        return fail(p, "'%.*s' is not yes, no or unknown", SHOW(w[1]));
    return 0;
}

/* Arrays, not pointers, so that they need no relocation at start. */
static const char family_names[][11] = {
    "unknown", "debian",     "ubuntu", "alpine", "rhel",
    "wolfi",   "distroless", "arch",   "suse",   "scratch",
};

static int parse_family(parser *p, const word *w, size_t n, tfl_family *out)
{
    size_t i;

    if (n != 2)
        return fail(p, "'family' needs one word");
    for (i = 1; i < sizeof family_names / sizeof family_names[0]; i++)
        if (word_is(w[1], family_names[i])) {
            *out = (tfl_family)i;
            return 0;
        }
    return fail(p, "unknown family '%.*s'", SHOW(w[1]));
}

static const struct {
    char name[8];
    unsigned bit;
} tool_names[] = {
    {"shadow", TFL_TOOL_SHADOW},
    {"adduser", TFL_TOOL_ADDUSER},
    {"busybox", TFL_TOOL_BUSYBOX},
};

/* `tools none`, `tools unknown`, or TOOL[?]...: the sets, and whether the
 * line says anything at all. */
static int parse_tools(parser *p, const word *w, size_t n, unsigned *yes,
                       unsigned *maybe, bool *known)
{
    size_t i, t;

    *yes = *maybe = 0;
    *known = true;
    if (n < 2)
        return fail(p, "'tools' needs none, unknown or tool names");
    if (n == 2 && (word_is(w[1], "none") || word_is(w[1], "unknown"))) {
        *known = word_is(w[1], "none");
        return 0;
    }
    for (i = 1; i < n; i++) {
        word base = w[i];
        bool unsure = base.n > 1 && base.p[base.n - 1] == '?';

        if (unsure)
            base.n--;
        for (t = 0; t < sizeof tool_names / sizeof tool_names[0]; t++)
            if (word_is(base, tool_names[t].name))
                break;
        if (t == sizeof tool_names / sizeof tool_names[0])
            return fail(p, "unknown tool '%.*s' (shadow, adduser, busybox)",
                        SHOW(w[i]));
        *(unsure ? maybe : yes) |= tool_names[t].bit;
    }
    return 0;
}

/* Remember that the open entry defines `name` itself; false when it
 * already did. */
static int own_name(parser *p, const char ***list, size_t *n, size_t *cap,
                    word name, const char *kind)
{
    const char **slot;
    size_t i;

    for (i = 0; i < *n; i++)
        if (word_is(name, (*list)[i]))
            return fail(p, "%s '%.*s' is defined twice in entry '%s'", kind,
                        SHOW(name), p->cur->name);
    slot = tfl_arena_push(&p->f->arena, (void **)list, n, cap, sizeof *slot);
    if (!slot || !(*slot = dup_word(p, name)))
        return oom(p);
    return 0;
}

static int line_group(parser *p, const word *w, size_t n)
{
    tfl_facts_group g;
    size_t i;
    int rc;

    if (n != 3 && n != 4)
        return fail(p, "'group' needs NAME GID [MEMBER,...]");
    if (!is_account_name(w[1]))
        return fail(p, "invalid group name '%.*s'", SHOW(w[1]));
    if (!parse_id(w[2], &g.gid))
        return fail(p, "invalid GID '%.*s'", SHOW(w[2]));
    if ((rc = own_name(p, &p->own_groups, &p->nown_groups, &p->capown_groups,
                       w[1], "group")) != 0)
        return rc;
    g.name = p->own_groups[p->nown_groups - 1];
    g.members = n == 4 ? dup_word(p, w[3]) : "";
    if (!g.members)
        return oom(p);
    for (i = 0; i < p->cur->nvars; i++)
        if ((rc = put_group(p, &p->cur->vars[i], &g)) != 0)
            return rc;
    return 0;
}

static int line_user(parser *p, const word *w, size_t n)
{
    tfl_facts_user u;
    uint32_t gid = 0;
    bool numeric;
    size_t i;
    int rc;

    if (n != 4)
        return fail(p, "'user' needs NAME UID GROUP");
    if (!is_account_name(w[1]))
        return fail(p, "invalid user name '%.*s'", SHOW(w[1]));
    if (!parse_id(w[2], &u.uid))
        return fail(p, "invalid UID '%.*s'", SHOW(w[2]));
    numeric = parse_id(w[3], &gid);
    if (!numeric && !is_account_name(w[3]))
        return fail(p, "invalid group '%.*s'", SHOW(w[3]));
    if ((rc = own_name(p, &p->own_users, &p->nown_users, &p->capown_users, w[1],
                       "user")) != 0)
        return rc;
    u.name = p->own_users[p->nown_users - 1];
    for (i = 0; i < p->cur->nvars; i++) {
        variant *v = &p->cur->vars[i];
        const tfl_facts_group *g = numeric ? NULL : var_group(v, w[3]);

        if (!numeric && !g)
            return fail(p, "group '%.*s' of user '%s' is not defined",
                        SHOW(w[3]), u.name);
        u.gid = g ? g->gid : gid;
        u.group = g ? g->name : var_group_name(v, gid);
        if ((rc = put_user(p, v, &u)) != 0)
            return rc;
    }
    return 0;
}

static int line_drop(parser *p, const word *w, size_t n)
{
    bool user, found = false;
    size_t i, k;

    if (n != 3 || !(word_is(w[1], "user") || word_is(w[1], "group")))
        return fail(p, "'drop' needs 'user NAME' or 'group NAME'");
    user = word_is(w[1], "user");
    for (i = 0; i < p->cur->nvars; i++) {
        variant *v = &p->cur->vars[i];

        if (user) {
            tfl_facts_user *u = var_user(v, w[2]);
            if (!u)
                continue;
            k = (size_t)(u - v->users);
            memmove(u, u + 1, (v->nusers - k - 1) * sizeof *u);
            v->nusers--;
        } else {
            tfl_facts_group *g = var_group(v, w[2]);
            if (!g)
                continue;
            k = (size_t)(g - v->groups);
            memmove(g, g + 1, (v->ngroups - k - 1) * sizeof *g);
            v->ngroups--;
        }
        found = true;
    }
    if (!found)
        return fail(p, "no %s '%.*s' to drop", user ? "user" : "group",
                    SHOW(w[2]));
    return 0;
}

static int line_include(parser *p, const word *w, size_t n)
{
    const entry *e;
    size_t i;
    int rc;

    if (n != 2)
        return fail(p, "'include' needs one entry name");
    if ((rc = find_entry(p, w[1], &e)) != 0)
        return rc;
    if (e->nvars != 1)
        return fail(p, "cannot include '%s': it has several variants", e->name);
    for (i = 0; i < p->cur->nvars; i++)
        if ((rc = merge_accounts(p, &p->cur->vars[i], &e->vars[0])) != 0)
            return rc;
    return 0;
}

static int line_note(parser *p, const word *w, size_t n)
{
    const char *text;
    size_t i;

    if (n < 2)
        return fail(p, "'note' needs some text");
    /* The words share the line, so the text runs from first to last. */
    text =
        dup_word(p, (word){w[1].p, (size_t)(w[n - 1].p + w[n - 1].n - w[1].p)});
    if (!text)
        return oom(p);
    for (i = 0; i < p->cur->nvars; i++) {
        tfl_facts_image *img = &p->cur->vars[i].img;

        img->note = *img->note ? tfl_arena_printf(&p->f->arena, "%s; %s",
                                                  img->note, text)
                               : text;
        if (!img->note)
            return oom(p);
    }
    return 0;
}

static int line_default_user(parser *p, const word *w, size_t n)
{
    const char *spec = NULL;
    size_t i;

    if (n != 2)
        return fail(p, "'default-user' needs one USER value or unknown");
    if (!word_is(w[1], "unknown") && !(spec = dup_word(p, w[1])))
        return oom(p);
    for (i = 0; i < p->cur->nvars; i++)
        p->cur->vars[i].img.default_user = spec;
    p->default_line = p->line;
    return 0;
}

/* A property that sets one scalar field in every variant. */
static int line_scalar(parser *p, const word *w, size_t n)
{
    tfl_tri tri = TFL_TRI_UNKNOWN;
    tfl_family fam = TFL_FAMILY_UNKNOWN;
    unsigned yes = 0, maybe = 0;
    bool known = false, complete = false;
    size_t i;
    int rc = 0;

    if (word_is(w[0], "family"))
        rc = parse_family(p, w, n, &fam);
    else if (word_is(w[0], "tools"))
        rc = parse_tools(p, w, n, &yes, &maybe, &known);
    else if (word_is(w[0], "accounts")) {
        if (n != 2 || !(word_is(w[1], "complete") || word_is(w[1], "partial")))
            return fail(p, "'accounts' needs complete or partial");
        complete = word_is(w[1], "complete");
    } else
        rc = parse_tri(p, w, n, &tri);
    if (rc)
        return rc;
    for (i = 0; i < p->cur->nvars; i++) {
        tfl_facts_image *img = &p->cur->vars[i].img;

        if (word_is(w[0], "family"))
            img->family = fam;
        else if (word_is(w[0], "tools")) {
            img->tools = yes;
            img->tools_maybe = maybe;
            img->tools_known = known;
        } else if (word_is(w[0], "accounts"))
            img->accounts_complete = complete;
        else if (word_is(w[0], "shell"))
            img->shell = tri;
        else
            img->old_shadow = tri;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Entries
 */

static int line_when(parser *p, const word *w, size_t n)
{
    when *slot;
    size_t i;
    int rc;

    if (p->built || p->like)
        return fail(p, "'when' must come right after an image line "
                       "without 'like'");
    if (n < 4 || !word_is(w[n - 2], "use"))
        return fail(p, "'when' needs PATTERN... use ENTRY");
    slot = tfl_arena_push(&p->f->arena, (void **)&p->whens, &p->nwhens,
                          &p->capwhens, sizeof *slot);
    if (!slot)
        return oom(p);
    if ((rc = find_entry(p, w[n - 1], &slot->target)) != 0)
        return rc;
    for (i = 1; i < n - 2; i++)
        if ((rc = patset_add(p, &slot->pats, w[i])) != 0)
            return rc;
    return 0;
}

/* Resolve the default user's UID once the accounts are final. */
static int resolve_default(parser *p, variant *v)
{
    const char *spec = v->img.default_user;
    size_t len;
    uint32_t id;
    word who;

    v->img.default_uid = -1;
    if (!spec)
        return 0;
    len = strcspn(spec, ":");
    who = (word){spec, len};
    if (parse_id(who, &id))
        v->img.default_uid = id;
    else if (var_user(v, who))
        v->img.default_uid = var_user(v, who)->uid;
    else if (word_is(who, "root"))
        v->img.default_uid = 0;
    else if (v->img.accounts_complete) {
        p->line = p->default_line ? p->default_line : p->cur->line;
        return fail(p, "default user '%.*s' is not an account of entry '%s'",
                    SHOW(who), p->cur->name);
    }
    return 0;
}

/* Finish the open entry and add it to the table. */
static int close_entry(parser *p)
{
    entry **slot;
    uint32_t keep;
    size_t i;
    int rc;

    if (!p->cur)
        return 0;
    keep = p->line;
    p->line = p->cur->line; /* problems found now belong to the header */
    if ((rc = build(p)) != 0)
        return rc;
    for (i = 0; i < p->cur->nvars; i++) {
        variant *v = &p->cur->vars[i];

        if ((rc = resolve_default(p, v)) != 0)
            return rc;
        v->img.users = v->users;
        v->img.nusers = v->nusers;
        v->img.groups = v->groups;
        v->img.ngroups = v->ngroups;
    }
    slot = tfl_arena_push(&p->f->arena, (void **)&p->f->entries,
                          &p->f->nentries, &p->f->capentries, sizeof *slot);
    if (!slot)
        return oom(p);
    *slot = p->cur;
    p->cur = NULL;
    p->line = keep;
    return 0;
}

static int line_image(parser *p, const word *w, size_t n)
{
    size_t i;
    int rc;

    if ((rc = close_entry(p)) != 0)
        return rc;
    if (!(n == 2 || (n == 4 && word_is(w[2], "like"))))
        return fail(p, "'image' needs NAME [like PARENT]");
    if (!is_entry_name(w[1]))
        return fail(p, "invalid entry name '%.*s'", SHOW(w[1]));
    for (i = p->first; i < p->f->nentries; i++)
        if (word_is(w[1], p->f->entries[i]->name))
            return fail(p, "entry '%.*s' is already defined on line %u",
                        SHOW(w[1]), (unsigned)p->f->entries[i]->line);
    p->like = NULL;
    if (n == 4 && (rc = find_entry(p, w[3], &p->like)) != 0)
        return rc;
    p->cur = tfl_arena_alloc(&p->f->arena, sizeof *p->cur);
    if (!p->cur || !(p->cur->name = dup_word(p, w[1])))
        return oom(p);
    p->cur->line = p->line;
    p->nwhens = p->capwhens = 0;
    p->whens = NULL;
    p->built = false;
    p->default_line = 0;
    p->nown_users = p->capown_users = p->nown_groups = p->capown_groups = 0;
    p->own_users = p->own_groups = NULL;
    return 0;
}

static int dispatch(parser *p, const word *w, size_t n)
{
    int rc;

    if (word_is(w[0], "image"))
        return line_image(p, w, n);
    if (!p->cur)
        return fail(p, "'%.*s' outside an image entry", SHOW(w[0]));
    if (word_is(w[0], "when"))
        return line_when(p, w, n);
    if (word_is(w[0], "match")) {
        size_t i;
        if (n < 2)
            return fail(p, "'match' needs at least one pattern");
        for (i = 1; i < n; i++)
            if ((rc = patset_add(p, &p->cur->match, w[i])) != 0)
                return rc;
        return 0;
    }
    if (!(word_is(w[0], "family") || word_is(w[0], "tools") ||
          word_is(w[0], "accounts") || word_is(w[0], "shell") ||
          word_is(w[0], "old-shadow") || word_is(w[0], "group") ||
          word_is(w[0], "user") || word_is(w[0], "drop") ||
          word_is(w[0], "include") || word_is(w[0], "note") ||
          word_is(w[0], "default-user")))
        return fail(p, "unknown keyword '%.*s'", SHOW(w[0]));
    if ((rc = build(p)) != 0)
        return rc;
    if (word_is(w[0], "group"))
        return line_group(p, w, n);
    if (word_is(w[0], "user"))
        return line_user(p, w, n);
    if (word_is(w[0], "drop"))
        return line_drop(p, w, n);
    if (word_is(w[0], "include"))
        return line_include(p, w, n);
    if (word_is(w[0], "note"))
        return line_note(p, w, n);
    if (word_is(w[0], "default-user"))
        return line_default_user(p, w, n);
    return line_scalar(p, w, n);
}

/* Split one line (without its newline) into words, dropping a comment;
 * the count goes to `*n`. */
static int split(parser *p, const char *s, size_t len, word *w, size_t *n)
{
    size_t i = 0;

    *n = 0;
    if (len > MAX_LINE)
        return fail(p, "line is longer than %d bytes", MAX_LINE);
    if (len && s[len - 1] == '\r')
        len--;
    while (i < len) {
        size_t start;

        if (s[i] == ' ' || s[i] == '\t') {
            i++;
            continue;
        }
        if (s[i] == '#')
            break;
        if (*n == MAX_WORDS)
            return fail(p, "more than %d words on a line", MAX_WORDS);
        start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t') {
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                return fail(p, "control character 0x%02x in line",
                            (unsigned)(unsigned char)s[i]);
            i++;
        }
        w[(*n)++] = (word){s + start, i - start};
    }
    return 0;
}

static int parse(parser *p, const char *text, size_t len)
{
    word w[MAX_WORDS];
    size_t pos = 0, n;
    int rc;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;

        p->line++;
        if ((rc = split(p, text + pos, end - pos, w, &n)) != 0)
            return rc;
        if (n && (rc = dispatch(p, w, n)) != 0)
            return rc;
        pos = end + 1;
    }
    return close_entry(p);
}

/* ------------------------------------------------------------------------
 * Public functions
 */

int tfl_facts_new(tfl_facts **out)
{
    tfl_facts *f = calloc(1, sizeof *f);

    *out = f;
    if (!f)
        return TFL_FACTS_ENOMEM;
    if (pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        *out = NULL;
        return TFL_FACTS_ENOMEM;
    }
    tfl_arena_init(&f->arena);
    return 0;
}

void tfl_facts_free(tfl_facts *f)
{
    if (!f)
        return;
    tfl_arena_free(&f->arena);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

int tfl_facts_load(tfl_facts *f, const char *origin, const char *text,
                   size_t len, tfl_facts_error *err)
{
    parser p;
    tfl_facts_layer *slot;
    size_t saved_accounts = f->naccounts;
    int rc;

    atomic_store_explicit(&f->memo, NULL, memory_order_relaxed);
    memset(&p, 0, sizeof p);
    p.f = f;
    p.origin = origin ? origin : "";
    p.err = err;
    p.first = f->nentries;
    if (len > TFL_FACTS_MAX_TEXT) {
        rc = fail(&p, "'%s' is larger than %zu bytes", p.origin,
                  TFL_FACTS_MAX_TEXT);
        goto done;
    }
    if ((rc = parse(&p, text, len)) != 0)
        goto done;
    slot = tfl_arena_push(&f->arena, (void **)&f->layers, &f->nlayers,
                          &f->caplayers, sizeof *slot);
    if (!slot) {
        rc = oom(&p);
        goto done;
    }
    slot->start = p.first;
    slot->builtin = false;
    slot->images = NULL;

done:
    if (rc) {
        /* Forget the entries of the failed load; the arena keeps their
         * memory until the table goes. */
        f->nentries = p.first;
        f->naccounts = saved_accounts;
    }
    return rc;
}

#ifndef TFL_FACTS_GENERATOR
static int builtin_fail(tfl_facts_error *err, int rc, const char *msg)
{
    if (err) {
        err->origin = BUILTIN_ORIGIN;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return rc;
}

/* The generator parsed data/base-images.txt at build time, so loading it
 * only reserves its slots: entries are made when a later load names them,
 * images when a lookup returns them. */
int tfl_facts_load_builtin(tfl_facts *f, tfl_facts_error *err)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    size_t first = f->nentries;
    tfl_facts_layer *layer;

    atomic_store_explicit(&f->memo, NULL, memory_order_relaxed);
    if (t->naccounts > MAX_ACCOUNTS - f->naccounts)
        return builtin_fail(err, TFL_FACTS_EDATA,
                            "too many accounts in the table (limit 200000)");
    /* All slots at once, NULL (zeroed) until an entry is made. */
    if (t->nentries &&
        !tfl_arena_push_n(&f->arena, (void **)&f->entries, &f->nentries,
                          &f->capentries, sizeof *f->entries, t->nentries))
        goto oom;
    layer = tfl_arena_push(&f->arena, (void **)&f->layers, &f->nlayers,
                           &f->caplayers, sizeof *layer);
    if (!layer)
        goto oom;
    layer->start = first;
    layer->builtin = true;
    /* Zeroed memory holds NULL pointers, atomic or not, on every target
     * we build for (as the memo's slots do). */
    layer->images = tfl_arena_alloc(
        &f->arena, (t->nvariants ? t->nvariants : 1) * sizeof *layer->images);
    if (!layer->images) {
        f->nlayers--;
        goto oom;
    }
    f->naccounts += t->naccounts;
    return 0;

oom:
    f->nentries = first;
    return builtin_fail(err, TFL_FACTS_ENOMEM, "out of memory");
}
#endif

int tfl_facts_load_file(tfl_facts *f, const char *path, tfl_facts_error *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    int rc = TFL_FACTS_EIO;

    if (!fp)
        goto done;
    buf = malloc(TFL_FACTS_MAX_TEXT + 1);
    if (!buf) {
        rc = TFL_FACTS_ENOMEM;
        goto done;
    }
    n = fread(buf, 1, TFL_FACTS_MAX_TEXT + 1, fp);
    if (ferror(fp) || n > TFL_FACTS_MAX_TEXT)
        goto done;
    rc = tfl_facts_load(f, path, buf, n, err);

done:
    if (rc == TFL_FACTS_EIO && err) {
        err->origin = path;
        err->line = 0;
        if (n > TFL_FACTS_MAX_TEXT)
            snprintf(err->message, sizeof err->message,
                     "'%s' is larger than 1 MiB", path);
        else
            snprintf(err->message, sizeof err->message, "cannot read '%s'",
                     path);
    }
    free(buf);
    if (fp)
        fclose(fp);
    return rc;
}

#ifndef TFL_FACTS_GENERATOR
const char *tfl_facts_builtin_text(size_t *len)
{
    if (len)
        *len = tfl_data_base_images_size;
    return tfl_data_base_images;
}
#endif

/* Does the first path component `s` (of `n` bytes) name a registry. */
static bool is_host(const char *s, size_t n)
{
    return memchr(s, '.', n) || memchr(s, ':', n) ||
           (n == 9 && memcmp(s, "localhost", 9) == 0);
}

/* Is `s` (of `n` bytes) one of the fixed-size names of `names`, each
 * shorter than `size`. Fixed-size arrays rather than pointers, so the
 * names need no relocation at start. */
static bool is_one_of(const char *s, size_t n, const char *names, size_t size,
                      size_t count)
{
    size_t i;

    if (n >= size)
        return false;
    for (i = 0; i < count; i++, names += size)
        if (names[0] == s[0] && names[n] == '\0' && memcmp(names, s, n) == 0)
            return true;
    return false;
}

static bool is_docker_hub(const char *s, size_t n)
{
    static const char hosts[][24] = {"docker.io", "index.docker.io",
                                     "registry-1.docker.io",
                                     "registry.hub.docker.com"};

    return is_one_of(s, n, hosts[0], sizeof hosts[0],
                     sizeof hosts / sizeof hosts[0]);
}

/* The official images are also published per architecture under
 * `amd64/`, `arm64v8/` ...: the same images, so the prefix goes. */
static const char *skip_arch_namespace(const char *name, const char *end)
{
    static const char arches[][16] = {
        "amd64",    "arm32v5", "arm32v6", "arm32v7", "arm64v8",       "i386",
        "mips64le", "ppc64le", "riscv64", "s390x",   "windows-amd64",
    };
    const char *slash = memchr(name, '/', (size_t)(end - name));

    if (slash && slash + 1 < end &&
        is_one_of(name, (size_t)(slash - name), arches[0], sizeof arches[0],
                  sizeof arches / sizeof arches[0]))
        return slash + 1;
    return name;
}

int tfl_facts_normalize(const char *ref, char *out, size_t cap)
{
    const char *at = strchr(ref, '@');
    const char *end = at ? at : ref + strlen(ref);
    const char *name = ref, *slash, *last, *tag, *suffix;
    bool hub = true;
    size_t len, slen;

    slash = memchr(ref, '/', (size_t)(end - ref));
    if (slash && is_host(ref, (size_t)(slash - ref))) {
        hub = is_docker_hub(ref, (size_t)(slash - ref));
        if (hub)
            name = slash + 1;
    }
    if (hub && end - name > 8 && memcmp(name, "library/", 8) == 0)
        name += 8;
    else if (hub)
        name = skip_arch_namespace(name, end);
    if (name == end)
        return -1;
    for (last = end; last > name && last[-1] != '/'; last--)
        ;
    tag = memchr(last, ':', (size_t)(end - last));
    suffix = tag ? "" : at ? ":" : ":latest";
    len = (size_t)(end - name);
    slen = strlen(suffix);
    if (len + slen >= cap)
        return -1;
    memcpy(out, name, len);
    memcpy(out + len, suffix, slen + 1);
    return 0;
}

#ifndef TFL_FACTS_GENERATOR
/* The image of compact variant `k` of built-in layer `l`, made on first
 * use; NULL when out of memory. Lookups may run in several threads, and
 * the table is not const in fact (tfl_facts_new made it), so the lock and
 * arena may change under a const view. A made image is stored (release)
 * only once it is whole, so a reader that finds it (acquire) needs no
 * lock; one that finds NULL looks again under the lock, where a second
 * thread may have made it first. */
static const tfl_facts_image *fb_get(const tfl_facts *cf,
                                     const tfl_facts_layer *l, size_t k)
{
    tfl_facts *f = (tfl_facts *)cf;
    const tfl_facts_image *img;
    tfl_facts_user *users;
    tfl_facts_group *groups;

    img = atomic_load_explicit(&l->images[k], memory_order_acquire);
    if (img)
        return img;
    pthread_mutex_lock(&f->lock);
    img = atomic_load_explicit(&l->images[k], memory_order_relaxed);
    if (!img) {
        tfl_facts_image *made = tfl_arena_alloc(&f->arena, sizeof *made);

        if (made && fb_image(&f->arena, k, made, &users, &groups) == 0) {
            atomic_store_explicit(&l->images[k], made, memory_order_release);
            img = made;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return img;
}

/* The lookup in a built-in layer, on the compact tables. */
static const tfl_facts_image *fb_lookup(const tfl_facts *f,
                                        const tfl_facts_layer *l,
                                        const char *norm, bool *failed)
{
    const tfl_fb_table *t = &tfl_facts_builtin;
    unsigned char c = (unsigned char)norm[0];
    uint64_t grams = grams_of(norm);
    size_t b, v, g;

    /* Only the entries whose patterns can accept the first byte. */
    for (b = t->buckets[c]; b < t->buckets[c + 1]; b++) {
        const tfl_fb_entry *en = &t->entries[t->bucket_entries[b]];

        if (!fb_match(en->match, norm, grams))
            continue;
        for (v = en->vars; v < en->vars + en->nvars; v++) {
            const tfl_fb_variant *var = &t->variants[v];

            for (g = 0; g < var->nguards; g++)
                if (!fb_match(t->guards[var->guards + g], norm, grams))
                    break;
            if (g == var->nguards) {
                const tfl_facts_image *img = fb_get(f, l, v);

                *failed = !img;
                return img;
            }
        }
    }
    return NULL;
}
#endif

/* The lookup in a layer loaded from text. */
static const tfl_facts_image *text_lookup(const tfl_facts *f, size_t i,
                                          size_t end, const char *norm)
{
    size_t v, g;

    for (; i < end; i++) {
        const entry *e = f->entries[i];

        if (!patset_match(&e->match, norm))
            continue;
        for (v = 0; v < e->nvars; v++) {
            for (g = 0; g < e->vars[v].nguards; g++)
                if (!patset_match(e->vars[v].guards[g], norm))
                    break;
            if (g == e->vars[v].nguards)
                return &e->vars[v].img;
        }
    }
    return NULL;
}

/* The lookup itself; `*failed` is set when memory ran out. */
static const tfl_facts_image *lookup(const tfl_facts *f, const char *ref,
                                     bool *failed)
{
    char norm[MAX_REF];
    size_t layer = f->nlayers;

    if (tfl_facts_normalize(ref, norm, sizeof norm) != 0)
        return NULL;
    while (layer-- > 0) {
        const tfl_facts_layer *l = &f->layers[layer];
        size_t end =
            layer + 1 < f->nlayers ? f->layers[layer + 1].start : f->nentries;
        const tfl_facts_image *img = NULL;

#ifndef TFL_FACTS_GENERATOR
        if (l->builtin)
            img = fb_lookup(f, l, norm, failed);
        else
#endif
            img = text_lookup(f, l->start, end, norm);
        if (img || *failed)
            return img;
    }
    return NULL;
}

/*
 * A corpus names the same few hundred images again and again: each answer
 * is kept by reference, keyed on the reference as written (a hit costs a
 * hash and a compare, not a normalisation), in a hash table from the
 * table's arena that a load forgets (the answers hold until then: images,
 * once made, stay). It starts small, since one file names one or two
 * images and zeroing a big table would cost a small run more than its
 * lookups, and doubles when three quarters full (a key keeps part of its
 * hash, so a probe rarely compares strings), up to MEMO_MAX_SLOTS; full,
 * it keeps what it has and answers the rest afresh. A slot is one pointer
 * to its key, which holds the answer: a run of many files keeps the
 * outgrown tables too, so their size is the memo's memory.
 *
 * Nearly every lookup of a long run is a hit, made from several threads
 * at once, so reading takes no lock: a writer fills a key and then
 * publishes it in a slot (release), and a reader that sees it there
 * (acquire) sees the rest. Only adding takes the lock. Growing fills a new
 * table and publishes it whole; the old one stays in the arena, unchanged, for
 * the readers still probing it, and a reader that misses there only does the
 * work afresh and adds under the lock, where the current table is seen.
 */
#define MEMO_FIRST_SLOTS 32 /* powers of two */
#define MEMO_MAX_SLOTS 4096
#define MEMO_MAX_KEY 256

/* One answer, written whole before a slot points to it. */
typedef struct memo_key {
    uint32_t hash; /* the low half, to skip compares */
    uint32_t len;
    const tfl_facts_image *img;
    char ref[]; /* NUL-terminated */
} memo_key;

struct tfl_facts_memo {
    _Atomic(const memo_key *) *slots; /* NULL: empty */
    size_t mask;
    size_t n; /* keys, changed under the lock only */
};

/* A multiplicative hash over 8 bytes at a time: keys are references of
 * twenty to fifty bytes, hashed on every lookup. */
static size_t memo_hash(const char *s, size_t len)
{
    const uint64_t k = 0x9e3779b97f4a7c15u;
    uint64_t h = len * k, w;
    size_t i;

    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    for (w = 0, i = 0; i < len; i++)
        w = w << 8 | (unsigned char)s[i];
    h = (h ^ w) * k;
    return (size_t)(h ^ (h >> 32));
}

/* The answer `m` holds for `ref` (`len` bytes, hash `hash`), or NULL;
 * safe without the lock. */
static const memo_key *memo_find(const struct tfl_facts_memo *m,
                                 const char *ref, size_t len, size_t hash)
{
    size_t i;

    if (!m)
        return NULL;
    for (i = hash & m->mask;; i = (i + 1) & m->mask) {
        const memo_key *key =
            atomic_load_explicit(&m->slots[i], memory_order_acquire);

        if (!key)
            return NULL;
        if (key->hash == (uint32_t)hash && key->len == len &&
            memcmp(key->ref, ref, len) == 0)
            return key;
    }
}

/* Put `key`, known to be absent, into the slots of `m` (under the lock;
 * `order` is how readers may see it). */
static void memo_place(struct tfl_facts_memo *m, const memo_key *key,
                       memory_order order)
{
    /* The kept low half places it: MEMO_MAX_SLOTS is below 2^32. */
    size_t i = key->hash & m->mask;

    while (atomic_load_explicit(&m->slots[i], memory_order_relaxed))
        i = (i + 1) & m->mask;
    atomic_store_explicit(&m->slots[i], key, order);
    m->n++;
}

/* A memo of `size` empty slots holding the keys of `old` (may be NULL),
 * not yet published; NULL when memory runs out. */
static struct tfl_facts_memo *
memo_make(tfl_facts *f, const struct tfl_facts_memo *old, size_t size)
{
    struct tfl_facts_memo *m = tfl_arena_alloc(&f->arena, sizeof *m);
    size_t i;

    /* Zeroed memory holds NULL slots. */
    if (!m || !(m->slots = tfl_arena_alloc(&f->arena, size * sizeof *m->slots)))
        return NULL;
    m->mask = size - 1;
    for (i = 0; old && i <= old->mask; i++) {
        const memo_key *key =
            atomic_load_explicit(&old->slots[i], memory_order_relaxed);

        if (key)
            memo_place(m, key, memory_order_relaxed);
    }
    return m;
}

/* Keep answer `img` for `ref` (under the lock); nothing when memory or
 * room runs out. */
static void memo_put(tfl_facts *f, const char *ref, size_t len, size_t hash,
                     const tfl_facts_image *img)
{
    struct tfl_facts_memo *m =
        atomic_load_explicit(&f->memo, memory_order_relaxed);
    memo_key *key;

    if (memo_find(m, ref, len, hash)) /* another thread was first */
        return;
    if (!m || m->n >= (m->mask + 1) / 4 * 3) {
        size_t size = m ? (m->mask + 1) * 2 : MEMO_FIRST_SLOTS;

        if (size > MEMO_MAX_SLOTS || !(m = memo_make(f, m, size)))
            return;
        atomic_store_explicit(&f->memo, m, memory_order_release);
    }
    key = tfl_arena_alloc_raw(&f->arena, sizeof *key + len + 1);
    if (!key)
        return;
    key->hash = (uint32_t)hash;
    key->len = (uint32_t)len;
    key->img = img;
    memcpy(key->ref, ref, len + 1);
    memo_place(m, key, memory_order_release);
}

const tfl_facts_image *tfl_facts_lookup(const tfl_facts *cf, const char *ref)
{
    tfl_facts *f = (tfl_facts *)cf; /* the memo changes; see fb_get() */
    size_t len = strlen(ref), hash;
    const memo_key *hit;
    const tfl_facts_image *img;
    bool failed = false;

    if (len > MEMO_MAX_KEY)
        return lookup(f, ref, &failed);
    hash = memo_hash(ref, len);
    hit = memo_find(atomic_load_explicit(&f->memo, memory_order_acquire), ref,
                    len, hash);
    if (hit)
        return hit->img;
    img = lookup(f, ref, &failed);
    if (!failed) {
        pthread_mutex_lock(&f->lock);
        memo_put(f, ref, len, hash, img);
        pthread_mutex_unlock(&f->lock);
    }
    return img;
}

/* tfl_facts_derived()'s table: open addressing on the image pointer,
 * doubled when half full, read without the lock as the memo above (the
 * image is the key, set last). */
typedef struct derived_slot {
    _Atomic(const tfl_facts_image *) img; /* NULL: empty */
    const void *(*make)(tfl_arena *, const tfl_facts_image *);
    const void *data;
} derived_slot;

struct tfl_facts_derived {
    derived_slot *slots;
    size_t mask;
    size_t n; /* under the lock only */
};

typedef const void *(*derive_fn)(tfl_arena *, const tfl_facts_image *);

static size_t derived_home(const tfl_facts_image *img, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)img * 0x9e3779b97f4a7c15u;

    return (size_t)(h >> 32) & mask;
}

/* What `d` holds for `img` and `make`, or NULL (also when `d` is). Safe
 * without the lock. */
static const void *derived_find(const struct tfl_facts_derived *d,
                                const tfl_facts_image *img, derive_fn make)
{
    size_t i;

    if (!d)
        return NULL;
    for (i = derived_home(img, d->mask);; i = (i + 1) & d->mask) {
        const derived_slot *slot = &d->slots[i];
        const tfl_facts_image *key =
            atomic_load_explicit(&slot->img, memory_order_acquire);

        if (!key)
            return NULL;
        if (key == img && slot->make == make)
            return slot->data;
    }
}

/* Add `data` for `img` and `make`, absent from `d` (under the lock, with
 * room known to be there). */
static void derived_add(struct tfl_facts_derived *d, const tfl_facts_image *img,
                        derive_fn make, const void *data)
{
    size_t i = derived_home(img, d->mask);

    while (atomic_load_explicit(&d->slots[i].img, memory_order_relaxed))
        i = (i + 1) & d->mask;
    d->slots[i].make = make;
    d->slots[i].data = data;
    atomic_store_explicit(&d->slots[i].img, img, memory_order_release);
    d->n++;
}

/* A table with room for one more entry, published (under the lock); NULL
 * when memory runs out. */
static struct tfl_facts_derived *derived_room(tfl_facts *f)
{
    struct tfl_facts_derived *d =
        atomic_load_explicit(&f->derived, memory_order_relaxed);
    struct tfl_facts_derived *grown;
    size_t i, size;

    if (d && (d->n + 1) * 2 <= d->mask + 1)
        return d;
    size = d ? (d->mask + 1) * 2 : 16; /* a run sees few images */
    grown = tfl_arena_alloc(&f->arena, sizeof *grown);
    if (!grown || !(grown->slots = tfl_arena_alloc(
                        &f->arena, size * sizeof *grown->slots)))
        return NULL;
    grown->mask = size - 1;
    for (i = 0; d && i <= d->mask; i++) {
        const derived_slot *from = &d->slots[i];
        const tfl_facts_image *key =
            atomic_load_explicit(&from->img, memory_order_relaxed);

        if (key)
            derived_add(grown, key, from->make, from->data);
    }
    atomic_store_explicit(&f->derived, grown, memory_order_release);
    return grown;
}

const void *tfl_facts_derived(const tfl_facts *cf, const tfl_facts_image *img,
                              const void *(*make)(tfl_arena *a,
                                                  const tfl_facts_image *img))
{
    tfl_facts *f = (tfl_facts *)cf; /* see fb_get() */
    struct tfl_facts_derived *d;
    const void *data;

    data = derived_find(atomic_load_explicit(&f->derived, memory_order_acquire),
                        img, make);
    if (data)
        return data;
    pthread_mutex_lock(&f->lock);
    data = derived_find(atomic_load_explicit(&f->derived, memory_order_relaxed),
                        img, make);
    if (!data && (d = derived_room(f)) && (data = make(&f->arena, img)))
        derived_add(d, img, make, data);
    pthread_mutex_unlock(&f->lock);
    return data;
}

const tfl_facts_user *tfl_facts_user_by_name(const tfl_facts_image *img,
                                             const char *name)
{
    size_t i;

    for (i = 0; i < img->nusers; i++)
        if (strcmp(img->users[i].name, name) == 0)
            return &img->users[i];
    return NULL;
}

const tfl_facts_user *tfl_facts_user_by_uid(const tfl_facts_image *img,
                                            uint32_t uid)
{
    size_t i;

    for (i = 0; i < img->nusers; i++)
        if (img->users[i].uid == uid)
            return &img->users[i];
    return NULL;
}

const tfl_facts_group *tfl_facts_group_by_name(const tfl_facts_image *img,
                                               const char *name)
{
    size_t i;

    for (i = 0; i < img->ngroups; i++)
        if (strcmp(img->groups[i].name, name) == 0)
            return &img->groups[i];
    return NULL;
}

const tfl_facts_group *tfl_facts_group_by_gid(const tfl_facts_image *img,
                                              uint32_t gid)
{
    size_t i;

    for (i = 0; i < img->ngroups; i++)
        if (img->groups[i].gid == gid)
            return &img->groups[i];
    return NULL;
}

bool tfl_facts_group_has_member(const tfl_facts_group *group, const char *user)
{
    const char *s = group->members;
    size_t n = strlen(user);

    while (*s) {
        size_t k = strcspn(s, ",");

        if (k == n && memcmp(s, user, n) == 0)
            return true;
        s += k + (s[k] == ',');
    }
    return false;
}

tfl_tri tfl_facts_has_tool(const tfl_facts_image *img, tfl_tool tool)
{
    if (img->tools & tool)
        return TFL_TRI_YES;
    if (!img->tools_known || (img->tools_maybe & tool))
        return TFL_TRI_UNKNOWN;
    return TFL_TRI_NO;
}

tfl_adduser_kind tfl_facts_adduser(const tfl_facts_image *img)
{
    tfl_tri debian = tfl_facts_has_tool(img, TFL_TOOL_ADDUSER);
    tfl_tri busybox = tfl_facts_has_tool(img, TFL_TOOL_BUSYBOX);
    tfl_tri shadow = tfl_facts_has_tool(img, TFL_TOOL_SHADOW);

    if (debian == TFL_TRI_YES)
        return TFL_ADDUSER_DEBIAN;
    if (busybox == TFL_TRI_YES)
        return TFL_ADDUSER_BUSYBOX;
    /* On Fedora and RHEL adduser is a link to useradd. */
    if (img->family == TFL_FAMILY_RHEL && shadow == TFL_TRI_YES)
        return TFL_ADDUSER_SHADOW;
    if (debian == TFL_TRI_NO && busybox == TFL_TRI_NO &&
        (img->family != TFL_FAMILY_RHEL || shadow == TFL_TRI_NO))
        return TFL_ADDUSER_NONE;
    return TFL_ADDUSER_UNKNOWN;
}

tfl_tri tfl_facts_runs_as_root(const tfl_facts_image *img)
{
    if (!img->default_user)
        return TFL_TRI_UNKNOWN;
    if (img->default_uid >= 0)
        return img->default_uid == 0 ? TFL_TRI_YES : TFL_TRI_NO;
    /* An unresolved name in a partial list: only root is root. */
    return strncmp(img->default_user, "root", 4) == 0 &&
                   (img->default_user[4] == '\0' || img->default_user[4] == ':')
               ? TFL_TRI_YES
               : TFL_TRI_NO;
}

const char *tfl_facts_family_name(tfl_family family)
{
    if ((size_t)family >= sizeof family_names / sizeof family_names[0])
        return "unknown";
    return family_names[family];
}
