/*
 * genfacts: turn data/base-images.txt into C tables at build time.
 *
 *   tfl_genfacts data/base-images.txt generated/facts_builtin.c
 *
 * It loads the text with the library's own parser (src/facts.c, built
 * into this tool without the built-in tables it is making) and writes
 * every entry, variant, guard and account as a static C object, so that
 * tfl_facts_load_builtin() only has to point a table at them. Running the
 * real parser keeps one definition of the format: the tables are what a
 * load of the text builds, field by field.
 *
 * Objects are written before anything takes their address. Guards are
 * shared between variants (one `when` line leads to several), so each is
 * written once and referred to by number. Strings are written with octal
 * escapes for every byte outside a small safe set, which also keeps `?`
 * from forming trigraphs under -std=c11. A data error is reported like
 * tflint reports one, and the build stops.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_table.h"

/* Growable arrays of the tables being built; exits when memory runs
 * out (a build tool has no better answer). */
#define GROW(arr, n, cap)                                                      \
    do {                                                                       \
        if ((n) == (cap)) {                                                    \
            (cap) = (cap) ? 2 * (cap) : 256;                                   \
            (arr) = realloc((arr), (cap) * sizeof *(arr));                     \
            if (!(arr)) {                                                      \
                fputs("tfl_genfacts: out of memory\n", stderr);                \
                exit(1);                                                       \
            }                                                                  \
        }                                                                      \
    } while (0)

#define NSLOTS 65536 /* string hash slots; far more than the data has */

typedef struct gen {
    char *pool;
    size_t npool, cappool;
    uint32_t *slots; /* offset + 1 of each distinct string, 0 free */
    tfl_fb_entry *entries;
    size_t nentries, capentries;
    tfl_fb_variant *vars;
    size_t nvars, capvars;
    tfl_fb_patset *patsets;
    size_t npatsets, cappatsets;
    const tfl_facts_patset **guard_src; /* patsets[k] for k < nguard_src */
    size_t nguard_src, capguard_src;
    uint32_t *pats, *lits, *guards;
    uint64_t *grams;
    size_t npats, cappats, caplits, capgrams, nguards, capguards;
    tfl_fb_user *users;
    size_t nusers, capusers;
    tfl_fb_group *groups;
    size_t ngroups, capgroups;
} gen;

/* The pool offset of `s`, added once. */
static uint32_t str(gen *g, const char *s)
{
    size_t h = 5381, len;
    const char *c;

    if (!s)
        return TFL_FB_NULL;
    for (c = s; *c; c++)
        h = h * 33 + (unsigned char)*c;
    for (h %= NSLOTS; g->slots[h]; h = (h + 1) % NSLOTS)
        if (strcmp(g->pool + g->slots[h] - 1, s) == 0)
            return g->slots[h] - 1;
    len = strlen(s) + 1;
    while (g->npool + len > g->cappool) {
        g->cappool = g->cappool ? 2 * g->cappool : 4096;
        g->pool = realloc(g->pool, g->cappool);
        if (!g->pool) {
            fputs("tfl_genfacts: out of memory\n", stderr);
            exit(1);
        }
    }
    memcpy(g->pool + g->npool, s, len);
    g->slots[h] = (uint32_t)g->npool + 1;
    g->npool += len;
    return (uint32_t)(g->npool - len);
}

/* For a pattern that starts with `*` (after a `!`), the longest run of
 * literal characters in it: a string the glob accepts contains it, so a
 * lookup can reject with strstr() before the quadratic glob. */
static uint32_t required_run(gen *g, const char *pat)
{
    char run[512];
    size_t best = 0, bestlen = 0, i = 0, start;
    const char *p = pat[0] == '!' ? pat + 1 : pat;

    if (p[0] != '*')
        return TFL_FB_NULL;
    while (p[i]) {
        while (p[i] && strchr("*?[", p[i]))
            i++;
        start = i;
        while (p[i] && !strchr("*?[", p[i]))
            i++;
        if (i - start > bestlen) {
            best = start;
            bestlen = i - start;
        }
    }
    if (bestlen == 0 || bestlen >= sizeof run)
        return TFL_FB_NULL;
    memcpy(run, p + best, bestlen);
    run[bestlen] = '\0';
    return str(g, run);
}

/* The end of the bracket expression at `p` as the glob reads it, or NULL
 * when it is unterminated (the glob then takes the `[` literally). */
static const char *class_end(const char *p)
{
    const char *q = p + 1;

    if (*q == '!' || *q == '^')
        q++;
    do {
        if (*q == '\0')
            return NULL;
        q += q[1] == '-' && q[2] != ']' && q[2] != '\0' ? 3 : 1;
    } while (*q != ']');
    return q + 1;
}

/* The tfl_fb_gram() set of the pairs of literal characters in `pat` (after
 * a `!`). Leaving a pair out only makes the filter weaker, so the rest of
 * a pattern with an unterminated `[` is left out. */
static uint64_t pattern_grams(const char *pat)
{
    const char *p = pat[0] == '!' ? pat + 1 : pat;
    uint64_t set = 0;

    while (p && *p) {
        if (*p == '[') {
            p = class_end(p);
            continue;
        }
        if (*p != '*' && *p != '?' && p[1] && !strchr("*?[", p[1]))
            set |= tfl_fb_gram((unsigned char)p[0], (unsigned char)p[1]);
        p++;
    }
    return set;
}

static uint32_t add_patset(gen *g, const tfl_facts_patset *ps)
{
    size_t i;

    GROW(g->patsets, g->npatsets, g->cappatsets);
    g->patsets[g->npatsets].first = (uint32_t)g->npats;
    g->patsets[g->npatsets].n = (uint32_t)ps->n;
    g->patsets[g->npatsets].grams = UINT64_MAX;
    for (i = 0; i < ps->n; i++) {
        uint32_t off = str(g, ps->pats[i]), lit = required_run(g, ps->pats[i]);
        size_t nlits = g->npats, ngrams = g->npats;

        GROW(g->pats, g->npats, g->cappats);
        GROW(g->lits, nlits, g->caplits);
        GROW(g->grams, ngrams, g->capgrams);
        g->pats[g->npats] = off;
        g->lits[g->npats] = lit;
        g->grams[g->npats++] = pattern_grams(ps->pats[i]);
        if (ps->pats[i][0] != '!')
            g->patsets[g->npatsets].grams &= g->grams[g->npats - 1];
    }
    return (uint32_t)g->npatsets++;
}

/* Guards are shared between variants (one `when` line leads to several):
 * each patset is written once. Guard patsets come first in `patsets`. */
static uint32_t guard_patset(gen *g, const tfl_facts_patset *ps)
{
    size_t i;

    for (i = 0; i < g->nguard_src; i++)
        if (g->guard_src[i] == ps)
            return (uint32_t)i;
    GROW(g->guard_src, g->nguard_src, g->capguard_src);
    g->guard_src[g->nguard_src++] = ps;
    return add_patset(g, ps);
}

static void add_variant(gen *g, const tfl_facts_variant *v)
{
    const tfl_facts_image *m = &v->img;
    tfl_fb_variant *c;
    size_t i;

    GROW(g->vars, g->nvars, g->capvars);
    c = &g->vars[g->nvars++];
    memset(c, 0, sizeof *c);
    c->name = str(g, m->name);
    c->base = str(g, m->base);
    c->default_user = str(g, m->default_user);
    c->note = str(g, m->note);
    c->line = m->line;
    c->family = (uint8_t)m->family;
    c->shell = (uint8_t)m->shell;
    c->old_shadow = (uint8_t)m->old_shadow;
    c->tools = (uint8_t)m->tools;
    c->tools_maybe = (uint8_t)m->tools_maybe;
    c->tools_known = m->tools_known;
    c->accounts_complete = m->accounts_complete;
    c->default_uid = m->default_uid;
    c->guards = (uint32_t)g->nguards;
    c->nguards = (uint32_t)v->nguards;
    for (i = 0; i < v->nguards; i++) {
        uint32_t k = guard_patset(g, v->guards[i]);

        GROW(g->guards, g->nguards, g->capguards);
        g->guards[g->nguards++] = k;
    }
    c->users = (uint32_t)g->nusers;
    c->nusers = (uint32_t)m->nusers;
    for (i = 0; i < m->nusers; i++) {
        const tfl_facts_user *u = &m->users[i];

        GROW(g->users, g->nusers, g->capusers);
        g->users[g->nusers++] =
            (tfl_fb_user){str(g, u->name), u->uid, u->gid, str(g, u->group)};
    }
    c->groups = (uint32_t)g->ngroups;
    c->ngroups = (uint32_t)m->ngroups;
    for (i = 0; i < m->ngroups; i++) {
        const tfl_facts_group *gr = &m->groups[i];

        GROW(g->groups, g->ngroups, g->capgroups);
        g->groups[g->ngroups++] =
            (tfl_fb_group){str(g, gr->name), gr->gid, str(g, gr->members)};
    }
}

static void build_tables(gen *g, const tfl_facts *f)
{
    size_t e, v, k;

    /* The guards first, so that their indexes are known. */
    for (e = 0; e < f->nentries; e++)
        for (v = 0; v < f->entries[e]->nvars; v++)
            for (k = 0; k < f->entries[e]->vars[v].nguards; k++)
                guard_patset(g, f->entries[e]->vars[v].guards[k]);
    for (e = 0; e < f->nentries; e++) {
        const tfl_facts_entry *en = f->entries[e];
        tfl_fb_entry c;

        c.name = str(g, en->name);
        c.line = en->line;
        c.match = add_patset(g, &en->match);
        c.vars = (uint32_t)g->nvars;
        c.nvars = (uint32_t)en->nvars;
        for (v = 0; v < en->nvars; v++)
            add_variant(g, &en->vars[v]);
        GROW(g->entries, g->nentries, g->capentries);
        g->entries[g->nentries++] = c;
    }
}

/* A pool string as a C literal: octal escapes for every byte outside a
 * small safe set, which also keeps `?` from forming trigraphs. */
static void put_str(FILE *out, const char *s)
{
    static const char safe[] = " _-.:/*,@+=![]^~()";

    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr(safe, c))
            fputc(c, out);
        else
            fprintf(out, "\\%03o", c);
    }
    fputs("\\000\"", out);
}

static void put_u32s(FILE *out, const char *name, const uint32_t *a, size_t n)
{
    size_t i;

    fprintf(out, "static const uint32_t %s[] = {", name);
    for (i = 0; i < n; i++)
        fprintf(out, "%s%" PRIu32,
                i == 0   ? "\n    "
                : i % 12 ? ", "
                         : ",\n    ",
                a[i]);
    fputs(n ? "\n};\n\n" : "0};\n\n", out);
}

/* Which first bytes of a reference can entry `e`'s match accept:
 * `first[c]` for each, all of them when a pattern starts with a
 * wildcard. Exclusions accept nothing. */
static void first_bytes(const gen *g, const tfl_fb_entry *e, bool first[256])
{
    const tfl_fb_patset *ps = &g->patsets[e->match];
    uint32_t i;

    memset(first, 0, 256);
    for (i = 0; i < ps->n; i++) {
        unsigned char c = (unsigned char)g->pool[g->pats[ps->first + i]];

        if (c == '!')
            continue;
        if (c == '*' || c == '?' || c == '[' || c == '\0') {
            memset(first, 1, 256);
            return;
        }
        first[c] = true;
    }
}

static void put_buckets(FILE *out, const gen *g)
{
    uint32_t starts[257];
    size_t c, e, n = 0;
    bool first[256];

    if (g->nentries > UINT16_MAX) {
        fputs("tfl_genfacts: too many entries\n", stderr);
        exit(1);
    }
    fputs("static const uint16_t bucket_entries[] = {", out);
    for (c = 0; c < 256; c++) {
        starts[c] = (uint32_t)n;
        for (e = 0; e < g->nentries; e++) {
            first_bytes(g, &g->entries[e], first);
            if (!first[c])
                continue;
            fprintf(out, "%s%zu",
                    n == 0   ? "\n    "
                    : n % 12 ? ", "
                             : ",\n    ",
                    e);
            n++;
        }
    }
    starts[256] = (uint32_t)n;
    fputs(n ? "\n};\n\n" : "0};\n\n", out);
    put_u32s(out, "buckets", starts, 257);
}

static void put_tables(FILE *out, const gen *g, size_t naccounts)
{
    size_t i;

    fputs("/* Generated by tools/genfacts.c from data/base-images.txt: do "
          "not edit. */\n#include \"facts_table.h\"\n\n"
          "/* gcc and clang take literals past C's 4095 bytes. */\n"
          "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
          "static const char pool[] =",
          out);
    for (i = 0; i < g->npool; i += strlen(g->pool + i) + 1) {
        fputs("\n    ", out);
        put_str(out, g->pool + i);
    }
    fputs(";\n\nstatic const tfl_fb_entry entries[] = {\n", out);
    for (i = 0; i < g->nentries; i++) {
        const tfl_fb_entry *c = &g->entries[i];

        fprintf(out,
                "    {%" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32
                ", %" PRIu32 "},\n",
                c->name, c->line, c->match, c->vars, c->nvars);
    }
    fputs("};\n\nstatic const tfl_fb_variant variants[] = {\n", out);
    for (i = 0; i < g->nvars; i++) {
        const tfl_fb_variant *c = &g->vars[i];

        fprintf(out,
                "    {%" PRIu32 "u, %" PRIu32 "u, %" PRIu32 "u, %" PRIu32
                "u, %" PRIu32 ", %u, %u, %u, %u, %u, %d, %d, %" PRId64
                ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32
                ", %" PRIu32 "},\n",
                c->name, c->base, c->default_user, c->note, c->line, c->family,
                c->shell, c->old_shadow, c->tools, c->tools_maybe,
                (int)c->tools_known, (int)c->accounts_complete, c->default_uid,
                c->guards, c->nguards, c->users, c->nusers, c->groups,
                c->ngroups);
    }
    fputs("};\n\nstatic const tfl_fb_patset patsets[] = {\n", out);
    for (i = 0; i < g->npatsets; i++)
        fprintf(out, "    {%" PRIu32 ", %" PRIu32 ", 0x%016" PRIx64 "u},\n",
                g->patsets[i].first, g->patsets[i].n, g->patsets[i].grams);
    fputs("};\n\n", out);
    put_u32s(out, "pats", g->pats, g->npats);
    put_u32s(out, "pat_lits", g->lits, g->npats);
    fputs("static const uint64_t pat_grams[] = {", out);
    for (i = 0; i < g->npats; i++)
        fprintf(out, "%s0x%016" PRIx64 "u",
                i == 0  ? "\n    "
                : i % 4 ? ", "
                        : ",\n    ",
                g->grams[i]);
    fputs(g->npats ? "\n};\n\n" : "0};\n\n", out);
    put_u32s(out, "guards", g->guards, g->nguards);
    fputs("static const tfl_fb_user users[] = {", out);
    for (i = 0; i < g->nusers; i++)
        fprintf(out,
                "\n    {%" PRIu32 "u, %" PRIu32 "u, %" PRIu32 "u, %" PRIu32
                "u},",
                g->users[i].name, g->users[i].uid, g->users[i].gid,
                g->users[i].group);
    fputs(g->nusers ? "\n};\n\n" : "{0, 0, 0, 0}};\n\n", out);
    fputs("static const tfl_fb_group groups[] = {", out);
    for (i = 0; i < g->ngroups; i++)
        fprintf(out, "\n    {%" PRIu32 "u, %" PRIu32 "u, %" PRIu32 "u},",
                g->groups[i].name, g->groups[i].gid, g->groups[i].members);
    fputs(g->ngroups ? "\n};\n\n" : "{0, 0, 0}};\n\n", out);
    put_buckets(out, g);
    fprintf(out,
            "const tfl_fb_table tfl_facts_builtin = {\n"
            "    pool, entries, %zu, variants, %zu, patsets, pats, pat_lits, "
            "pat_grams,\n    guards, "
            "users, groups, %zu, buckets, bucket_entries,\n};\n",
            g->nentries, g->nvars, naccounts);
}

static void put_table(FILE *out, const tfl_facts *f)
{
    gen g;

    memset(&g, 0, sizeof g);
    g.slots = calloc(NSLOTS, sizeof *g.slots);
    if (!g.slots) {
        fputs("tfl_genfacts: out of memory\n", stderr);
        exit(1);
    }
    build_tables(&g, f);
    put_tables(out, &g, f->naccounts);
    free(g.slots);
    free(g.pool);
    free(g.entries);
    free(g.vars);
    free(g.patsets);
    free(g.guard_src);
    free(g.pats);
    free(g.lits);
    free(g.grams);
    free(g.guards);
    free(g.users);
    free(g.groups);
}

/* The whole file at `path` into `*out` (malloc), its size in `*len`. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = malloc(TFL_FACTS_MAX_TEXT + 1);
    size_t n = 0;

    if (fp && buf)
        n = fread(buf, 1, TFL_FACTS_MAX_TEXT + 1, fp);
    if (!fp || !buf || ferror(fp) || n > TFL_FACTS_MAX_TEXT) {
        if (fp)
            fclose(fp);
        free(buf);
        return -1;
    }
    fclose(fp);
    *out = buf;
    *len = n;
    return 0;
}

int main(int argc, char **argv)
{
    tfl_facts *f = NULL;
    tfl_facts_error err;
    char *text = NULL;
    size_t len = 0;
    FILE *out = NULL;
    int rc = 1;

    if (argc != 3) {
        fputs("usage: tfl_genfacts DATA-FILE OUTPUT.c\n", stderr);
        return 2;
    }
    memset(&err, 0, sizeof err);
    if (slurp(argv[1], &text, &len) != 0) {
        fprintf(stderr, "tfl_genfacts: cannot read '%s'\n", argv[1]);
        goto done;
    }
    if (tfl_facts_new(&f) != 0)
        goto done;
    /* The origin lookups report is the one a parse at run time gave. */
    if (tfl_facts_load(f, "data/base-images.txt", text, len, &err) != 0) {
        fprintf(stderr, "tfl_genfacts: %s:%u: %s\n", argv[1],
                (unsigned)err.line, err.message);
        goto done;
    }
    if (!(out = fopen(argv[2], "w"))) {
        fprintf(stderr, "tfl_genfacts: cannot write '%s'\n", argv[2]);
        goto done;
    }
    put_table(out, f);
    rc = 0;

done:
    if (out && fclose(out) != 0) {
        fprintf(stderr, "tfl_genfacts: cannot write '%s'\n", argv[2]);
        rc = 1;
    }
    if (rc && out)
        remove(argv[2]); /* no half-written table for the next build */
    tfl_facts_free(f);
    free(text);
    return rc;
}
