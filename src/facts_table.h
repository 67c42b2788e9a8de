/*
 * The inside of a facts table, shared by src/facts.c, the generator
 * tools/genfacts.c and the C file the generator writes.
 *
 * The built-in data used to be parsed at every start, which cost more
 * than linting a small file. The generator runs the same parser at build
 * time and writes the resulting entries as static C objects, so a run
 * only points its table at them (the compact form below).
 */
#ifndef TFLINT_FACTS_TABLE_H
#define TFLINT_FACTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "tflint/arena.h"
#include "tflint/facts.h"

/* Globs; those starting with '!' exclude. */
typedef struct tfl_facts_patset {
    const char **pats;
    size_t n, cap;
} tfl_facts_patset;

typedef struct tfl_facts_variant {
    tfl_facts_image img;
    const tfl_facts_patset **guards; /* all must accept the reference */
    size_t nguards;
    tfl_facts_user *users;
    size_t nusers, capusers;
    tfl_facts_group *groups;
    size_t ngroups, capgroups;
} tfl_facts_variant;

typedef struct tfl_facts_entry {
    const char *name;
    uint32_t line;
    tfl_facts_patset match;
    tfl_facts_variant *vars;
    size_t nvars;
} tfl_facts_entry;

/* One load. A text's entries are in the table's `entries`; the built-in
 * layer's slots there stay NULL until a later load names the entry, and
 * its lookups read the compact tables, making each image on first use. */
typedef struct tfl_facts_layer {
    size_t start; /* first entry in `entries` */
    bool builtin;
    /* builtin: one per compact variant, NULL until made (read without
     * the lock: see fb_get()) */
    _Atomic(const tfl_facts_image *) *images;
} tfl_facts_layer;

struct tfl_facts {
    tfl_arena arena;
    /* in load order; a load's entries are contiguous */
    tfl_facts_entry **entries;
    size_t nentries, capentries;
    tfl_facts_layer *layers;
    size_t nlayers, caplayers;
    size_t naccounts;
    /* Taken by every change once loading is over (a built-in image made,
     * an answer added to the memo or the derived table: all of them take
     * from the arena); readers of the three take no lock, as each entry is
     * published whole (see the memo in facts.c). */
    pthread_mutex_t lock;
    /* Answers already given by tfl_facts_lookup(), by reference (read
     * without the lock, changed under `lock`; a load forgets them). */
    _Atomic(struct tfl_facts_memo *) memo;
    /* tfl_facts_derived(): image and maker to result (the same way). */
    _Atomic(struct tfl_facts_derived *) derived;
};

/*
 * The built-in entries in compact form: no pointers, only offsets into
 * `pool` (NUL-terminated strings) and indexes into the other arrays, so
 * the tables are plain read-only data that the dynamic loader need not
 * relocate. A position-independent binary pays for every pointer in
 * static data at each start (a relocation and a copied page), and the
 * accounts alone would be twenty thousand of them. Entries, variants and
 * accounts are turned into the pointer form above when they are used.
 */
#define TFL_FB_NULL UINT32_MAX /* the offset of a NULL string */

typedef struct tfl_fb_patset {
    uint32_t first, n; /* in `pats` */
    /* the tfl_fb_gram() pairs that all its accepting patterns have, so
     * that a string the set accepts has them (all bits: there are none) */
    uint64_t grams;
} tfl_fb_patset;

typedef struct tfl_fb_variant {
    uint32_t name, base, default_user, note; /* offsets in the pool */
    uint32_t line;
    uint8_t family, shell, old_shadow;
    uint8_t tools, tools_maybe;
    bool tools_known, accounts_complete;
    int64_t default_uid;
    uint32_t guards, nguards; /* in `guards`: indexes of patsets */
    uint32_t users, nusers;   /* in `users` */
    uint32_t groups, ngroups; /* in `groups` */
} tfl_fb_variant;

typedef struct tfl_fb_entry {
    uint32_t name, line;
    uint32_t match;       /* patset index */
    uint32_t vars, nvars; /* in `variants` */
} tfl_fb_entry;

typedef struct tfl_fb_user {
    uint32_t name, uid, gid, group;
} tfl_fb_user;

typedef struct tfl_fb_group {
    uint32_t name, gid, members;
} tfl_fb_group;

typedef struct tfl_fb_table {
    const char *pool;
    const tfl_fb_entry *entries;
    size_t nentries;
    const tfl_fb_variant *variants;
    size_t nvariants;
    const tfl_fb_patset *patsets;
    const uint32_t *pats; /* pool offsets */
    /* per pattern that starts with `*`: a run of its literal characters
     * that every string it accepts contains, else TFL_FB_NULL */
    const uint32_t *pat_lits;
    /* per pattern (after a `!`): the pairs of adjacent literal characters
     * it has, as tfl_fb_gram() bits; a string it accepts has them all */
    const uint64_t *pat_grams;
    const uint32_t *guards;
    const tfl_fb_user *users;
    const tfl_fb_group *groups;
    size_t naccounts; /* user and group records, as a parse counts them */
    /* The entries a reference starting with byte `c` can match, in file
     * order: bucket_entries[buckets[c] .. buckets[c + 1]). An entry is in
     * the bucket of each first byte of its patterns, and in all when one
     * of them starts with a wildcard. */
    const uint32_t *buckets; /* 257 */
    const uint16_t *bucket_entries;
} tfl_fb_table;

/*
 * A pair of adjacent characters as one bit of a 64-bit set. Where a glob
 * accepts a string, each run of literal characters of the glob appears in
 * it, and so does each pair within the run: a lookup makes the set of the
 * reference once and skips every pattern with a pair it lacks, which is
 * most of them, without running the glob.
 */
static inline uint64_t tfl_fb_gram(unsigned char a, unsigned char b)
{
    return (uint64_t)1 << (((uint32_t)(a << 8 | b) * 0x9e3779b1u) >> 26);
}

/* data/base-images.txt, as the generated C file defines it. */
extern const tfl_fb_table tfl_facts_builtin;

#endif
