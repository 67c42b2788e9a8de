/*
 * Building the per-file model (see include/tflint/model.h for what it
 * holds).
 *
 * One pass over the instructions in order. The bindings array is sized
 * before the pass (predefined names, plus one per ARG word and ENV pair),
 * so pointers into it stay valid and can be chained: a hash table keeps the
 * newest binding of each name, and each binding points to the one it
 * shadows. Because the pass runs in document order, a lookup made while
 * building sees exactly what the builder would at that place, and the same
 * lookup made later (by a rule) gives the same answer thanks to the
 * place filter.
 *
 * Scope walk. Bindings of a name, newest first, have non-increasing stage
 * indices, and a stage's ancestors through FROM <stage> have smaller
 * indices than the stage. So resolving in stage s is a merge of two
 * decreasing sequences: move the candidate ancestor down while it is above
 * the binding's stage, accept on equality, skip otherwise. The cost is the
 * number of same-name bindings plus the ancestry depth.
 *
 * Values. ARG defaults and ENV values are expanded as tfl_expand_word()
 * does, with a lookup over the model itself; a malformed word keeps its
 * raw text as value. Build arguments given on the command line are not
 * modelled yet: defaults decide.
 *
 * Words. Most hold nothing to expand, and are found so sixteen bytes at a
 * time. Most of the rest are plain: literal text, quotes and `$NAME` or
 * `${NAME}` with ASCII names (plain_parts). Those the model cuts and
 * expands itself, in one pass and one allocation; the lexer of expand.c
 * takes every other word, and when assertions are on it checks the
 * model's work on the plain ones too (check_plain).
 *
 * Shell text. RUN text is searched for `$` and its uses recorded with the
 * offsets of the joined text; their spans are mapped to the source once
 * the instruction is done, in one walk along its pieces (map_spans).
 *
 * Unbound names. A use that resolves to nothing takes its name from one
 * copy per name (unbound_name), whose header holds the name's table slot
 * once the model is built, so rules asking about such uses
 * (tfl_model_declared_later) need no hashing.
 */
#include "tflint/model.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uniclass.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* For the rare paths of calls that are mostly leaves. */
#ifdef __GNUC__
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* The predefined platform ARGs, with the values of a linux/amd64 build. */
static const char *const platform_args[][2] = {
    {"BUILDPLATFORM", "linux/amd64"},
    {"BUILDOS", "linux"},
    {"BUILDARCH", "amd64"},
    {"BUILDVARIANT", ""},
    {"BUILDOSVERSION", ""},
    {"TARGETPLATFORM", "linux/amd64"},
    {"TARGETOS", "linux"},
    {"TARGETARCH", "amd64"},
    {"TARGETVARIANT", ""},
    {"TARGETOSVERSION", ""},
    {"TARGETSTAGE", ""},
};
#define NPLATFORM (sizeof platform_args / sizeof platform_args[0])

/* Passed as build arguments without any ARG; unset unless given. */
static const char *const proxy_args[] = {
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
    "ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy",
};
#define NPROXY (sizeof proxy_args / sizeof proxy_args[0])

static const char default_path[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* Where the references of one expanded text are in the source. */
typedef struct place {
    const tfl_instr *in;
    uint32_t base; /* offset of the text in the joined line, or source */
    bool direct;   /* base is a source offset (heredoc bodies) */
} place;

/* A name in the builder's table of unbound names: its hash decides most
 * probes without a comparison. */
struct unbound {
    char *name; /* NULL: empty slot; after a header (see unbound_name) */
    size_t hash, len;
};

/*
 * The bytes that end a run of literal text in a word, by kind, and the
 * sets of them for each context of expand_at(): outside quotes (`$`,
 * the escape character, both quotes), inside "..." (no `'`), and in a
 * heredoc body (`$` and `\`, its escape character whatever the file's).
 */
enum { S_DOLLAR = 1, S_BSLASH = 2, S_BTICK = 4, S_SQUOTE = 8, S_DQUOTE = 16 };

static const unsigned char stop_byte[256] = {
    ['$'] = S_DOLLAR,  ['\\'] = S_BSLASH, ['`'] = S_BTICK,
    ['\''] = S_SQUOTE, ['"'] = S_DQUOTE,
};

enum { STOPS_WORD, STOPS_DQUOTE, STOPS_HEREDOC, NSTOPS };

typedef struct stopset {
    unsigned bits; /* of stop_byte */
#ifdef __SSE2__
    __m128i c[4]; /* its bytes, `$` standing in for those left out */
#endif
} stopset;

/*
 * The tables that only building needs live on the heap and are freed
 * when the model is done; those the model keeps grow there and go to the
 * arena at their final size (see settle_uses).
 */
typedef struct builder {
    tfl_arena *a;
    tfl_model *m;
    size_t ucap;
    bool oom;
    /* stage names: index + 1 of the newest stage of each name, or 0 */
    size_t *names;
    size_t names_cap;
    /* bit n: some stage name is n bytes long (63: that or longer), so an
     * image reference of another length is no stage without a look-up */
    uint64_t name_lens;
    size_t nnames; /* names in m->table */
    /* The names of uses no binding has, one copy each: a RUN script
     * names $HOME or $GNUPGHOME many times. Open addressing. */
    struct unbound *unbound;
    size_t unbound_cap, nunbound;
    stopset stops[NSTOPS]; /* see init_stops */
} builder;

/* What an expansion callback needs to resolve names. */
typedef struct lookup_ctx {
    const tfl_model *m;
    int scope;
    size_t instr, part;
} lookup_ctx;

/* --- Names table ---------------------------------------------------------- */

/* Names are short: hashed eight bytes at a time, the last partial word
 * read as two overlapping halves (or three bytes), with the length mixed
 * in so that the overlap cannot make two names collide by design. */
static inline size_t hash_name(const char *s, size_t n)
{
    const uint64_t k = 0xff51afd7ed558ccdu;
    uint64_t h = 0x9e3779b97f4a7c15u ^ n, w = 0;

    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 32;
    }
    if (n >= 4) {
        uint32_t lo, hi;

        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        w = (uint64_t)hi << 32 | lo;
    } else if (n) {
        w = (uint64_t)(unsigned char)s[0] << 16 |
            (uint64_t)(unsigned char)s[n / 2] << 8 | (unsigned char)s[n - 1];
    } else {
        w = 0;
    }
    h = (h ^ w) * k;
    return (size_t)(h ^ h >> 29);
}

/* memcmp(a, b, n) == 0 for strings as short as names mostly are, in a
 * few loads (overlapping when n is no power of two) instead of a call. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y, u, v;
    uint32_t p, q, r, t;

    if (n > 16)
        return memcmp(a, b, n) == 0;
    if (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&u, a + n - 8, 8);
        memcpy(&v, b + n - 8, 8);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n >= 4) {
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&r, a + n - 4, 4);
        memcpy(&t, b + n - 4, 4);
        return ((p ^ q) | (r ^ t)) == 0;
    }
    return n == 0 ||
           (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

static bool same_name(const tfl_binding *b, const char *name, size_t len)
{
    return b->name_len == len && same_bytes(b->name, name, len);
}

/* The slot of `name`, whose hash_name() is `h`: its newest binding, or
 * an empty slot. */
static inline const tfl_binding **slot_at(const tfl_model *m, const char *name,
                                          size_t len, size_t h)
{
    size_t i = h & (m->table_cap - 1);

    while (m->table[i] && !same_name(m->table[i], name, len))
        i = (i + 1) & (m->table_cap - 1);
    return &m->table[i];
}

static inline const tfl_binding **slot_of(const tfl_model *m, const char *name,
                                          size_t len)
{
    return slot_at(m, name, len, hash_name(name, len));
}

/*
 * A long chain of one name as an array, oldest first. A binding's chain
 * is linked newest to oldest, which is all the builder needs: its lookups
 * come in document order, so the newest binding is the one wanted. Rules
 * look up at any place afterwards, and in a file of thousands of stages a
 * name such as VERSION has thousands of bindings: walking them from the
 * newest for every use is quadratic. Chains longer than LONG_CHAIN are
 * therefore copied into arrays once the model is built, where a binary
 * search finds a place. Bindings are published in document order, and
 * stages are numbered in it, so both orders hold along an array; a chain
 * where they would not is left unindexed (and walked) rather than
 * searched wrongly.
 */
#define LONG_CHAIN 16

struct tfl_model_chain {
    const tfl_binding **slot; /* the table slot of the name; NULL: empty */
    const tfl_binding **v;
    size_t n;
};

/* The array of the chain in table slot `slot`, or NULL. */
static const struct tfl_model_chain *chain_of(const tfl_model *m,
                                              const tfl_binding **slot)
{
    size_t i;

    if (!m->chains_cap)
        return NULL;
    i = ((size_t)(slot - m->table) * 2654435761u) & (m->chains_cap - 1);
    for (; m->chains[i].slot; i = (i + 1) & (m->chains_cap - 1))
        if (m->chains[i].slot == slot)
            return &m->chains[i];
    return NULL;
}

/* --- Resolution ----------------------------------------------------------- */

static bool before(const tfl_binding *b, size_t instr, size_t part)
{
    return b->instr == SIZE_MAX || b->instr < instr ||
           (b->instr == instr && b->part < part);
}

/* How many of `c`'s bindings come before the place: in an ordered chain
 * they are a prefix, found by bisection. */
static size_t count_before(const struct tfl_model_chain *c, size_t instr,
                           size_t part)
{
    size_t lo = 0, hi = c->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (before(c->v[mid], instr, part))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The newest binding in `slot`'s chain that comes before the place. */
static const tfl_binding *newest_before(const tfl_model *m,
                                        const tfl_binding **slot, size_t instr,
                                        size_t part)
{
    const tfl_binding *b = *slot;
    const struct tfl_model_chain *c;
    size_t lo;

    if (!b || before(b, instr, part))
        return b;
    c = chain_of(m, slot);
    if (!c) {
        while (b && !before(b, instr, part))
            b = b->older;
        return b;
    }
    lo = count_before(c, instr, part);
    return lo ? c->v[lo - 1] : NULL;
}

/* resolve() for a name whose hash_name() is `h`. */
static const tfl_binding *resolve_at(const tfl_model *m, int scope,
                                     size_t instr, size_t part,
                                     const char *name, size_t len, size_t h)
{
    const tfl_binding **slot = slot_at(m, name, len, h);
    const tfl_binding *b = newest_before(m, slot, instr, part);
    int cur = scope;
    size_t i;

    /* `global` is the first global binding from `b` on, so it is the
     * answer unless the chain is out of order (then walk). */
    if (scope == TFL_SCOPE_GLOBAL && (!b || !b->global))
        return NULL;
    if (scope == TFL_SCOPE_GLOBAL && before(b->global, instr, part))
        return b->global;
    for (; b; b = b->older) {
        if (!before(b, instr, part))
            continue;
        if (scope == TFL_SCOPE_GLOBAL) {
            if (b->stage == TFL_SCOPE_GLOBAL)
                return b;
            continue;
        }
        if (b->stage == TFL_SCOPE_GLOBAL)
            break; /* stages see globals only through re-declarations */
        while (cur > b->stage)
            cur = m->stages[cur].parent;
        if (cur < 0)
            break;
        if (cur == b->stage)
            return b;
    }
    /* PATH and every proxy name end in H, Y or y: most names are
     * neither, and skip the loop */
    if (scope == TFL_SCOPE_GLOBAL || len < 4 ||
        (name[len - 1] != 'H' && name[len - 1] != 'Y' && name[len - 1] != 'y'))
        return NULL;
    for (i = m->first_every; i < m->first_doc; i++)
        if (same_name(&m->bindings[i], name, len))
            return &m->bindings[i];
    return NULL;
}

static const tfl_binding *resolve(const tfl_model *m, int scope, size_t instr,
                                  size_t part, const char *name, size_t len)
{
    return resolve_at(m, scope, instr, part, name, len, hash_name(name, len));
}

static const char *lookup_cb(void *ud, const char *name, size_t len)
{
    const lookup_ctx *lc = ud;
    const tfl_binding *b =
        resolve(lc->m, lc->scope, lc->instr, lc->part, name, len);

    return b ? b->value : NULL;
}

/*
 * The lookups of one expansion made while building, kept so that its
 * uses are recorded without resolving each name again. The expander is
 * handed names where they are in the text (TFL_EXPAND_NO_NAMES), so a
 * name's address tells its reference; past SEEN lookups the rest are
 * resolved again.
 */
#define SEEN 8

typedef struct seen_ctx {
    const lookup_ctx *lc;
    const char *name[SEEN];
    const tfl_binding *bind[SEEN];
    size_t n;
} seen_ctx;

static const char *seen_cb(void *ud, const char *name, size_t len)
{
    seen_ctx *sc = ud;
    const lookup_ctx *lc = sc->lc;
    const tfl_binding *b =
        resolve(lc->m, lc->scope, lc->instr, lc->part, name, len);

    if (sc->n < SEEN) {
        sc->name[sc->n] = name;
        sc->bind[sc->n++] = b;
    }
    return b ? b->value : NULL;
}

/* What the reference whose name is at `name` resolved to. */
static const tfl_binding *seen_bind(const seen_ctx *sc, const char *name,
                                    size_t len)
{
    const lookup_ctx *lc = sc->lc;
    size_t i;

    for (i = 0; i < sc->n; i++)
        if (sc->name[i] == name)
            return sc->bind[i];
    return resolve(lc->m, lc->scope, lc->instr, lc->part, name, len);
}

/* --- Building ------------------------------------------------------------- */

static tfl_binding *new_binding(builder *bd, const char *name, size_t len,
                                tfl_origin origin, int stage, size_t instr,
                                size_t part)
{
    tfl_model *m = bd->m;
    tfl_binding *b = &m->bindings[m->nbindings++];

    memset(b, 0, sizeof *b); /* the table is not zeroed as a whole */
    b->name = name;
    b->name_len = (uint32_t)len;
    b->origin = origin;
    b->stage = stage;
    b->instr = instr;
    b->part = (uint32_t)part;
    return b;
}

/* Double m->table (or make its first one), which holds every binding
 * chain's newest binding; -1 when memory runs out. */
static int grow_table(tfl_model *m)
{
    size_t cap = m->table_cap ? 2 * m->table_cap : 64, i;
    const tfl_binding **old = m->table;

    m->table = calloc(cap, sizeof *m->table);
    if (!m->table) {
        m->table = old;
        return -1;
    }
    m->table_cap = cap;
    for (i = 0; i < cap / 2 && old; i++)
        if (old[i])
            *slot_of(m, old[i]->name, old[i]->name_len) = old[i];
    free(old);
    return 0;
}

/* Make `b` the newest binding of its name. */
static void publish(builder *bd, tfl_binding *b)
{
    tfl_model *m = bd->m;
    const tfl_binding **slot = slot_of(m, b->name, b->name_len);

    if (!*slot && 2 * ++bd->nnames > m->table_cap) {
        if (grow_table(m) != 0) {
            bd->oom = true;
            return;
        }
        slot = slot_of(m, b->name, b->name_len);
    }
    b->older = *slot;
    b->global = b->stage == TFL_SCOPE_GLOBAL ? b
                : b->older                   ? b->older->global
                                             : NULL;
    *slot = b;
}

/* Are the bindings of `c` (oldest first) in document and stage order? */
static bool ordered(const struct tfl_model_chain *c)
{
    size_t i;

    for (i = 1; i < c->n; i++) {
        const tfl_binding *a = c->v[i - 1], *b = c->v[i];

        if (b->instr == SIZE_MAX
                ? a->instr != SIZE_MAX
                : a->instr != SIZE_MAX &&
                      (a->instr > b->instr ||
                       (a->instr == b->instr && a->part >= b->part)))
            return false;
        if (a->stage > b->stage)
            return false;
    }
    return true;
}

/* Copy the chains longer than LONG_CHAIN into arrays (see chain_of). */
static int index_chains(tfl_arena *arena, tfl_model *m)
{
    size_t i, nlong = 0, cap = 16;
    struct tfl_model_chain *chains;

    for (i = 0; i < m->table_cap; i++) {
        const tfl_binding *b = m->table[i];
        size_t n = 0;

        for (; b && n <= LONG_CHAIN; b = b->older)
            n++;
        nlong += n > LONG_CHAIN;
    }
    if (!nlong)
        return 0;
    while (cap < 2 * nlong)
        cap *= 2;
    chains = tfl_arena_alloc(arena, cap * sizeof *chains);
    if (!chains)
        return -1;
    m->chains = chains;
    m->chains_cap = cap;
    for (i = 0; i < m->table_cap; i++) {
        const tfl_binding *b;
        struct tfl_model_chain c;
        size_t n = 0, k;

        for (b = m->table[i]; b; b = b->older)
            n++;
        if (n <= LONG_CHAIN)
            continue;
        c.slot = &m->table[i];
        c.n = n;
        c.v = tfl_arena_alloc_raw(arena, n * sizeof *c.v);
        if (!c.v)
            return -1;
        for (b = m->table[i]; b; b = b->older)
            c.v[--n] = b;
        if (!ordered(&c))
            continue;
        k = ((size_t)i * 2654435761u) & (cap - 1);
        while (chains[k].slot)
            k = (k + 1) & (cap - 1);
        chains[k] = c;
    }
    return 0;
}

/* The most bindings `doc` makes; `*nfrom` gets its number of FROMs. */
static size_t count_bindings(const tfl_doc *doc, size_t *nfrom)
{
    size_t i, n = NPLATFORM + NPROXY + 1;

    *nfrom = 0;
    for (i = 0; i < doc->ninstrs; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind == TFL_ARG)
            n += in->nargs;
        else if (in->kind == TFL_ENV)
            n += in->npairs;
        else if (in->kind == TFL_FROM)
            ++*nfrom;
    }
    return n;
}

static void add_predefined(builder *bd)
{
    tfl_model *m = bd->m;
    size_t i;

    for (i = 0; i < NPLATFORM; i++) {
        tfl_binding *b =
            new_binding(bd, platform_args[i][0], strlen(platform_args[i][0]),
                        TFL_ORIGIN_PLATFORM, TFL_SCOPE_GLOBAL, SIZE_MAX, 0);
        b->value = platform_args[i][1];
        publish(bd, b);
    }
    m->first_every = m->nbindings;
    for (i = 0; i < NPROXY; i++) /* resolve() relies on the last letter */
        assert(strchr("HYy", proxy_args[i][strlen(proxy_args[i]) - 1]));
    for (i = 0; i < NPROXY; i++)
        new_binding(bd, proxy_args[i], strlen(proxy_args[i]), TFL_ORIGIN_PROXY,
                    TFL_SCOPE_GLOBAL, SIZE_MAX, 0);
    new_binding(bd, "PATH", 4, TFL_ORIGIN_PATH, TFL_SCOPE_GLOBAL, SIZE_MAX, 0)
        ->value = default_path;
    m->first_doc = m->nbindings;
}

static tfl_span place_span(const place *pl, uint32_t off, uint32_t len)
{
    tfl_span s;

    if (pl->direct) {
        s.start = pl->base + off;
        s.end = s.start + len;
        return s;
    }
    return tfl_textmap_span(&pl->in->map, pl->base + off, len);
}

/*
 * The uses grow on the heap (add_use) and go to the arena at their number
 * when the model is built: grown in the arena, a table of tens of
 * thousands would keep up to half its room unused.
 */
/* Hand the table of uses to the arena at its size. */
static int settle_uses(builder *bd)
{
    tfl_model *m = bd->m;

    if (bd->oom)
        m->nuses = 0;
    if (tfl_arena_settle(bd->a, (void **)&m->uses, m->nuses, sizeof *m->uses) !=
        0) {
        m->nuses = 0;
        return -1;
    }
    return bd->oom ? -1 : 0;
}

/*
 * Each copy of an unbound name comes after a header that holds, once the
 * model is built, the name's slot in the binding table (see
 * mark_unbound): a rule asks about the uses that resolved to nothing
 * (tfl_model_declared_later), whose names are these copies, and finds
 * the slot without hashing again.
 */
#define UNBOUND_HEADER sizeof(const tfl_binding **)

/* The one copy of `name` (`len` bytes, hash_name() `h`) for uses without
 * a binding, or NULL when memory runs out. */
static const char *unbound_name(builder *bd, const char *name, size_t len,
                                size_t h)
{
    size_t i;
    struct unbound *v;
    char *copy;

    if (2 * (bd->nunbound + 1) > bd->unbound_cap) {
        size_t cap = bd->unbound_cap ? 2 * bd->unbound_cap : 64;

        if (!(v = calloc(cap, sizeof *v)))
            return NULL;
        for (i = 0; i < bd->unbound_cap; i++) {
            size_t k = bd->unbound[i].hash & (cap - 1);

            if (!bd->unbound[i].name)
                continue;
            while (v[k].name)
                k = (k + 1) & (cap - 1);
            v[k] = bd->unbound[i];
        }
        free(bd->unbound);
        bd->unbound = v;
        bd->unbound_cap = cap;
    }
    v = bd->unbound;
    for (i = h & (bd->unbound_cap - 1); v[i].name;
         i = (i + 1) & (bd->unbound_cap - 1))
        if (v[i].hash == h && v[i].len == len &&
            same_bytes(v[i].name, name, len))
            return v[i].name;
    if (len > SIZE_MAX - UNBOUND_HEADER - 1 ||
        !(copy = tfl_arena_alloc_raw(bd->a, UNBOUND_HEADER + len + 1)))
        return NULL;
    v[i].name = copy + UNBOUND_HEADER;
    memcpy(v[i].name, name, len);
    v[i].name[len] = '\0';
    v[i].hash = h;
    v[i].len = len;
    bd->nunbound++;
    return v[i].name;
}

/* Write the table slot of every unbound name into its header, once the
 * table holds every binding (its slots no longer move). */
static void mark_unbound(builder *bd)
{
    size_t i;

    for (i = 0; i < bd->unbound_cap; i++) {
        const struct unbound *v = &bd->unbound[i];
        const tfl_binding **slot;

        if (!v->name)
            continue;
        slot = slot_of(bd->m, v->name, v->len);
        memcpy(v->name - UNBOUND_HEADER, &slot, sizeof slot);
    }
}

/* The table slot of the name of a use that resolved to nothing. */
static const tfl_binding **unbound_slot(const tfl_use *u)
{
    const tfl_binding **slot;

    memcpy(&slot, u->name - UNBOUND_HEADER, sizeof slot);
    return slot;
}

/* The name a use of the `len` bytes at `name` records when it resolves
 * to `b`: the binding's, else the one copy of an unbound name; NULL when
 * memory runs out. */
static const char *use_name(builder *bd, const tfl_binding *b, const char *name,
                            size_t len)
{
    return b ? b->name : unbound_name(bd, name, len, hash_name(name, len));
}

/* Record a use that resolves to `bind`, with `name` from use_name() (NULL:
 * memory ran out). */
static inline tfl_use *add_use(builder *bd, const lookup_ctx *lc,
                               const tfl_binding *bind, const char *name,
                               tfl_span span, bool shell)
{
    /* Bindings are owned by the model being built, so counting through a
     * cast of the resolved pointer is safe here. */
    tfl_binding *b = (tfl_binding *)bind;
    tfl_model *m = bd->m;
    tfl_use *u;

    if (!name)
        bd->oom = true;
    u = bd->oom
            ? NULL
            : tfl_heap_slot((void **)&m->uses, &m->nuses, &bd->ucap, sizeof *u);
    if (!u) {
        bd->oom = true;
        return NULL;
    }
    /* written whole: the flags not named here are false */
    *u = (tfl_use){.name = name,
                   .bind = b,
                   .instr = (uint32_t)lc->instr,
                   .scope = lc->scope,
                   .shell = shell,
                   .span = span};
    if (b && b->nuses < TFL_BINDING_MAX_USES)
        b->nuses++;
    return u;
}

/* The modifier character after the name of a `${NAME...}` reference
 * (':' skipped), or 0. */
static char modifier(const char *text, const tfl_varref *r)
{
    const char *p = text + r->name_off + r->name_len;

    if (text[r->off + 1] != '{' || p >= text + r->off + r->len - 1)
        return 0;
    if (*p == ':')
        p++;
    return *p;
}

/* Do references `a` and `b` of `text` name the same variable? */
static bool same_ref(const char *text, const tfl_varref *a, const tfl_varref *b)
{
    return a->name_len == b->name_len &&
           memcmp(text + a->name_off, text + b->name_off, a->name_len) == 0;
}

/* Does the text of reference `i` take care of its name being unset? */
static bool guarded(const char *text, const tfl_expansion *x, size_t i)
{
    const tfl_varref *r = &x->refs[i];
    char c = modifier(text, r);
    size_t j;

    if (c == '-' || c == '+' || c == '?')
        return true;
    /* Nesting is checked for short lists only, to stay linear. */
    for (j = 0; j < x->nrefs && x->nrefs <= 64; j++) {
        const tfl_varref *o = &x->refs[j];

        if (j != i && o->off < r->off && o->off + o->len >= r->off + r->len &&
            same_ref(text, o, r) && modifier(text, o) == '+')
            return true;
    }
    return false;
}

/* What expand_at() is asked for. */
enum {
    HEREDOC = 1, /* a COPY/ADD heredoc body */
    VALUE = 2    /* the value is wanted, not only the uses */
};

/* A part of a plain text (see plain_parts): literal bytes of the text,
 * or a reference. */
typedef struct cut {
    uint32_t off, len; /* the bytes, or the whole `$NAME`/`${NAME}` */
    uint32_t name_off; /* a reference's NAME */
    uint32_t name_len; /* 0: literal bytes */
} cut;

/* The tfl_expand() options for what expand_at() is asked (`how`): names
 * are always left in the text, where the uses take them from. */
static unsigned lexer_flags(unsigned how)
{
    return TFL_EXPAND_NO_NAMES | (how & HEREDOC ? TFL_EXPAND_HEREDOC : 0) |
           (how & VALUE ? 0 : TFL_EXPAND_NO_VALUE);
}

/* The most parts plain_parts() takes; a text of more is lexed. */
#define PLAIN_PARTS 64

/* The stop sets of a file whose escape character is `escape`. */
static void init_stops(builder *bd, char escape)
{
    unsigned esc = escape == '`' ? S_BTICK : S_BSLASH;
    unsigned bits[NSTOPS] = {S_DOLLAR | esc | S_SQUOTE | S_DQUOTE,
                             S_DOLLAR | esc | S_DQUOTE, S_DOLLAR | S_BSLASH};
    size_t i;

    for (i = 0; i < NSTOPS; i++) {
        stopset *ss = &bd->stops[i];

        ss->bits = bits[i];
#ifdef __SSE2__
        ss->c[0] = _mm_set1_epi8('$');
        ss->c[1] = _mm_set1_epi8(bits[i] & S_BTICK ? '`' : '\\');
        ss->c[2] = _mm_set1_epi8(bits[i] & S_SQUOTE ? '\'' : '$');
        ss->c[3] = _mm_set1_epi8(bits[i] & S_DQUOTE ? '"' : '$');
#endif
    }
}

#ifdef __SSE2__
/* Bit j set when lane j of `x` is a byte of `ss`. */
static unsigned stop_lanes(const stopset *ss, __m128i x)
{
    __m128i a =
        _mm_or_si128(_mm_cmpeq_epi8(x, ss->c[0]), _mm_cmpeq_epi8(x, ss->c[1]));
    __m128i b =
        _mm_or_si128(_mm_cmpeq_epi8(x, ss->c[2]), _mm_cmpeq_epi8(x, ss->c[3]));

    return (unsigned)_mm_movemask_epi8(_mm_or_si128(a, b));
}

/* Where the first stop of the `len` (4 to 15) bytes at `s` is, or len:
 * two loads that overlap in the middle, never past the end. */
static size_t short_stop(const stopset *ss, const char *s, size_t len)
{
    size_t h = len >= 8 ? 8 : 4;
    uint64_t lo, hi;
    unsigned m;

    if (h == 8) {
        memcpy(&lo, s, 8);
        memcpy(&hi, s + len - 8, 8);
    } else {
        uint32_t a, b;

        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        lo = a;
        hi = b;
    }
    /* lanes 0.. hold the first h bytes, lanes 8.. the last h */
    m = stop_lanes(ss, _mm_set_epi64x((long long)hi, (long long)lo));
    if (m & 0xff)
        return (size_t)__builtin_ctz(m);
    if (m)
        return len - h + (size_t)__builtin_ctz(m >> 8);
    return len;
}
#endif

/* The first byte of s[i, n) in `ss`, or n. Sixteen bytes at a time while
 * there are as many, the rest by loads that overlap rather than read
 * past the end. */
static inline size_t skip_literal(const stopset *ss, const char *s, size_t i,
                                  size_t n)
{
#ifdef __SSE2__
    for (; n - i >= 16; i += 16) {
        unsigned m = stop_lanes(
            ss, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));

        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    if (n - i >= 4)
        return i + short_stop(ss, s + i, n - i);
#endif
    while (i < n && !(stop_byte[(unsigned char)s[i]] & ss->bits))
        i++;
    return i;
}

/* Append a part to `v` (`*k` of PLAIN_PARTS used); false when full. */
static bool add_part(cut *v, int *k, size_t off, size_t len, size_t name_off,
                     size_t name_len)
{
    if (*k == PLAIN_PARTS)
        return false;
    v[*k].off = (uint32_t)off;
    v[*k].len = (uint32_t)len;
    v[*k].name_off = (uint32_t)name_off;
    v[*k].name_len = (uint32_t)name_len;
    ++*k;
    return true;
}

/*
 * The reference at the `$` s[i] when it is `$NAME` or `${NAME}` with an
 * ASCII name (a letter or `_`, then letters, digits and `_`), and after
 * `$NAME` no byte that could continue a Unicode name: its end, or 0.
 */
static size_t plain_ref(const char *s, size_t n, size_t i, size_t *b, size_t *e)
{
    bool brace = i + 1 < n && s[i + 1] == '{';
    size_t j = i + 1 + brace;

    if (j >= n || tfl_name_byte[(unsigned char)s[j]] != TFL_NAME_START)
        return 0;
    *b = j;
    for (j++; j < n && tfl_name_byte[(unsigned char)s[j]];)
        j++;
    *e = j;
    if (brace)
        return j < n && s[j] == '}' ? j + 1 : 0;
    return j < n && (unsigned char)s[j] >= 0x80 ? 0 : j;
}

/*
 * Cut `text` into parts when it is plain: quotes closed, no escape
 * character but inside '...', and every `$` the start of a reference
 * plain_ref() takes. Such a text expands without error to its parts:
 * the literal ones as they are (quotes removed) and each reference
 * replaced by its value, which expand_at() does without the lexer.
 * `i` is where the first stop may be (no byte before it is one).
 * Returns the number of parts (stored in `v`), or -1 when the lexer
 * must decide.
 */
static int plain_parts(const builder *bd, const char *s, size_t n, size_t i,
                       bool heredoc, cut *v)
{
    const stopset *out = &bd->stops[heredoc ? STOPS_HEREDOC : STOPS_WORD];
    const stopset *ss = out;
    size_t lit = 0, b, e, end;
    int k = 0;

    if (n > UINT32_MAX)
        return -1;
    for (;;) {
        const char *q;

        i = skip_literal(ss, s, i, n);
        if (i > lit && !add_part(v, &k, lit, i - lit, 0, 0))
            return -1;
        if (i >= n)
            return ss == out ? k : -1; /* else a `"` is open */
        switch (stop_byte[(unsigned char)s[i]]) {
        case S_DOLLAR:
            if (!(end = plain_ref(s, n, i, &b, &e)) ||
                !add_part(v, &k, i, end - i, b, e - b))
                return -1;
            i = end;
            break;
        case S_DQUOTE: /* inside, `'` is literal text */
            ss = ss == out ? &bd->stops[STOPS_DQUOTE] : out;
            i++;
            break;
        case S_SQUOTE:
            q = memchr(s + i + 1, '\'', n - i - 1);
            if (!q || (q > s + i + 1 &&
                       !add_part(v, &k, i + 1, (size_t)(q - s) - i - 1, 0, 0)))
                return -1;
            i = (size_t)(q - s) + 1;
            break;
        default:
            return -1; /* the escape character */
        }
        lit = i;
    }
}

#ifndef NDEBUG
/* With assertions on, the lexer checks expand_plain()'s work: the same
 * references, no error, the same value. */
static void check_plain(builder *bd, const lookup_ctx *lc, const char *text,
                        size_t len, unsigned how, const cut *v, int k,
                        const char *value)
{
    tfl_env env = {lookup_cb, (void *)lc};
    tfl_expansion x;
    size_t r = 0;
    int i, rc;

    rc = tfl_expand(bd->a, text, len, bd->m->doc->escape, lexer_flags(how),
                    &env, &x);
    if (rc < 0)
        return;
    assert(rc == 0);
    for (i = 0; i < k; i++) {
        if (!v[i].name_len)
            continue;
        assert(r < x.nrefs && x.refs[r].off == v[i].off &&
               x.refs[r].len == v[i].len &&
               x.refs[r].name_off == v[i].name_off &&
               x.refs[r].name_len == v[i].name_len);
        r++;
    }
    assert(r == x.nrefs);
    assert(!(how & VALUE) || strcmp(x.value, value) == 0);
}
#endif

/* expand_at() for a text of plain_parts(): `k` parts in `v`. */
static const char *expand_plain(builder *bd, const lookup_ctx *lc,
                                const place *pl, const char *text, size_t len,
                                unsigned how, const cut *v, int k)
{
    const char *val[PLAIN_PARTS];
    size_t vlen[PLAIN_PARTS], total = 0;
    char *out, *o;
    int i;

    for (i = 0; i < k; i++) {
        const char *name = text + v[i].name_off;
        const tfl_binding *b;

        val[i] = text + v[i].off;
        vlen[i] = v[i].len;
        if (v[i].name_len) {
            size_t h = hash_name(name, v[i].name_len);

            b = resolve_at(bd->m, lc->scope, lc->instr, lc->part, name,
                           v[i].name_len, h);
            if (!add_use(bd, lc, b,
                         b ? b->name : unbound_name(bd, name, v[i].name_len, h),
                         place_span(pl, v[i].off, v[i].len), false))
                return NULL;
            val[i] = b && b->value ? b->value : "";
            vlen[i] = strlen(val[i]);
        }
        total += vlen[i];
    }
    if (!(how & VALUE)) {
#ifndef NDEBUG
        check_plain(bd, lc, text, len, how, v, k, NULL);
#endif
        return text;
    }
    if (!(o = out = tfl_arena_alloc_raw(bd->a, total + 1))) {
        bd->oom = true;
        return NULL;
    }
    for (i = 0; i < k; i++) {
        memcpy(o, val[i], vlen[i]);
        o += vlen[i];
    }
    *o = '\0';
#ifndef NDEBUG
    check_plain(bd, lc, text, len, how, v, k, out);
#endif
    return out;
}

/* expand_at() for a text the lexer must expand (not plain_parts()). */
static NOINLINE const char *expand_lexed(builder *bd, const lookup_ctx *lc,
                                         const place *pl, const char *text,
                                         size_t len, unsigned how)
{
    seen_ctx sc; /* only the first sc.n entries are read */
    tfl_env env = {seen_cb, &sc};
    tfl_expansion x;
    int rc;
    size_t i;

    sc.lc = lc;
    sc.n = 0;
    rc = tfl_expand(bd->a, text, len, bd->m->doc->escape, lexer_flags(how),
                    &env, &x);
    if (rc < 0) {
        bd->oom = true;
        return NULL;
    }
    for (i = 0; i < x.nrefs; i++) {
        const tfl_varref *r = &x.refs[i];
        const char *name = text + r->name_off;
        const tfl_binding *b;
        tfl_use *u;

        if (!r->name_len)
            continue;
        b = seen_bind(&sc, name, r->name_len);
        u = add_use(bd, lc, b, use_name(bd, b, name, r->name_len),
                    place_span(pl, r->off, r->len), false);
        if (!u)
            return NULL;
        u->guarded = guarded(text, &x, i);
        u->malformed = rc != 0;
    }
    if (!(how & VALUE))
        return text;
    if (rc == 0 && x.value)
        return x.value; /* already an arena string of its own */
    return tfl_arena_strndup(bd->a, text, len);
}

/* expand_at() for a text that holds something to expand from `first` on:
 * plain (see plain_parts) or lexed. */
static NOINLINE const char *expand_some(builder *bd, const lookup_ctx *lc,
                                        const place *pl, const char *text,
                                        size_t len, unsigned how, size_t first)
{
    cut v[PLAIN_PARTS];
    int k = plain_parts(bd, text, len, first, how & HEREDOC, v);

    if (k >= 0)
        return expand_plain(bd, lc, pl, text, len, how, v, k);
    return expand_lexed(bd, lc, pl, text, len, how);
}

/*
 * Expand `len` bytes of `text` at the place of `lc` and record its
 * references as uses. With VALUE, return the value (an arena string, or
 * `text` itself when it holds nothing to expand; the raw text when
 * malformed); without, return `text`. NULL when memory ran out.
 */
static const char *expand_at(builder *bd, const lookup_ctx *lc, const place *pl,
                             const char *text, size_t len, unsigned how)
{
    size_t first = 0;

    /* Most words hold nothing to expand: they are their own value (every
     * text but a heredoc body is NUL-terminated at `len`). Without a `$`
     * a text has no uses, and whether it is malformed matters to none. */
    if (!(how & VALUE)) {
        if (!memchr(text, '$', len))
            return text;
    } else if (!(how & HEREDOC) &&
               (first = skip_literal(&bd->stops[STOPS_WORD], text, 0, len)) ==
                   len) {
        return text;
    }
    return expand_some(bd, lc, pl, text, len, how, first);
}

/* Expand a word of the instruction, wherever its raw text starts. `how`
 * as for expand_at(). */
static const char *expand_arg(builder *bd, const lookup_ctx *lc,
                              const tfl_instr *in, const tfl_word *w,
                              unsigned how)
{
    place pl = {in, w->off, false};

    /* A JSON element's text is unescaped: offsets hold while the string
     * has no escapes, which is the usual case. */
    if (in->json && w->raw_len > w->len)
        pl.base++;
    return expand_at(bd, lc, &pl, w->text, w->len, how);
}

static void expand_flags(builder *bd, const lookup_ctx *lc, const tfl_instr *in,
                         const char *name)
{
    size_t i;

    for (i = 0; i < in->nflags; i++) {
        const tfl_flag *f = &in->flags[i];
        place pl = {in, f->word.off, false};

        if (!f->value || strcmp(f->name, name) != 0)
            continue;
        pl.base += (uint32_t)(f->value - f->word.text);
        expand_at(bd, lc, &pl, f->value, strlen(f->value), 0);
    }
}

/* Expand the values of the flags `--name` of the instruction; most
 * instructions have no flags at all. */
static inline void expand_flag(builder *bd, const lookup_ctx *lc,
                               const tfl_instr *in, const char *name)
{
    if (in->nflags)
        expand_flags(bd, lc, in, name);
}

static bool is_name_start(unsigned char c)
{
    return tfl_name_byte[c] == TFL_NAME_START;
}

static bool is_name_char(unsigned char c)
{
    return tfl_name_byte[c] != 0;
}

/* The end of the run of ASCII name bytes from s[i] on (at most n). */
static size_t name_end(const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i a = _mm_set1_epi8('a'), z = _mm_set1_epi8(25);
    const __m128i lower = _mm_set1_epi8(0x20), score = _mm_set1_epi8('_');

    for (; n - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* digits and letters by unsigned range: x - lo <= hi - lo */
        __m128i d = _mm_sub_epi8(x, zero);
        __m128i l = _mm_sub_epi8(_mm_or_si128(x, lower), a);
        __m128i ok =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d),
                                      _mm_cmpeq_epi8(_mm_min_epu8(l, z), l)),
                         _mm_cmpeq_epi8(x, score));
        unsigned m = ~(unsigned)_mm_movemask_epi8(ok) & 0xffff;

        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && is_name_char((unsigned char)s[i]))
        i++;
    return i;
}

/*
 * The names a RUN instruction's shell text used last. Its scripts name
 * the same few variables again and again ($GNUPGHOME, $i), and within one
 * instruction a name always resolves alike, so a repeated one skips the
 * hashing of resolve() and unbound_name().
 */
#define RECENT 4

typedef struct recent {
    struct {
        const char *text; /* where the name was seen */
        size_t len;
        const tfl_binding *bind;
        const char *name; /* the use's name: the binding's, or unbound */
    } v[RECENT];
    size_t n; /* entries written; the oldest is replaced */
} recent;

/* Record the use of the `len` bytes of shell name at `text`. */
static tfl_use *add_shell_use(builder *bd, const lookup_ctx *lc, recent *rc,
                              const char *text, size_t len, tfl_span span)
{
    size_t i, h, k = rc->n < RECENT ? rc->n : RECENT;
    const tfl_binding *b;

    for (i = 0; i < k; i++)
        if (rc->v[i].len == len && same_bytes(rc->v[i].text, text, len))
            return add_use(bd, lc, rc->v[i].bind, rc->v[i].name, span, true);
    h = hash_name(text, len);
    b = resolve_at(lc->m, lc->scope, lc->instr, lc->part, text, len, h);
    i = rc->n++ % RECENT;
    rc->v[i].text = text;
    rc->v[i].len = len;
    rc->v[i].bind = b;
    rc->v[i].name = b ? b->name : unbound_name(bd, text, len, h);
    return add_use(bd, lc, b, rc->v[i].name, span, true);
}

/*
 * Record `$NAME` and `${NAME` of shell text: the shell expands them with
 * the ARG and ENV values in its environment. `\$` is literal and `$$` is
 * the shell's own process id.
 *
 * The uses' spans are `base` plus their offsets in `s`: source offsets
 * in a heredoc body, else offsets in the joined text that map_spans()
 * maps once the instruction's words are scanned.
 */
static void scan_shell(builder *bd, const lookup_ctx *lc, recent *rc,
                       uint32_t base, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && !bd->oom) {
        const char *d = memchr(s + i, '$', n - i);
        size_t st, b, e, k, len;
        tfl_span span;

        if (!d)
            break;
        /* A backslash takes the next byte literally: the `$` is escaped
         * when the run of backslashes before it (since i) is odd. */
        st = (size_t)(d - s);
        for (k = st; k > i && s[k - 1] == '\\';)
            k--;
        i = st;
        if (((st - k) & 1) || i + 1 >= n) {
            i++;
            continue;
        }
        if (s[i + 1] == '$') {
            i += 2;
            continue;
        }
        b = i + 1 + (s[i + 1] == '{');
        if (b >= n || !is_name_start((unsigned char)s[b])) {
            i = b;
            continue;
        }
        e = name_end(s, b + 1, n);
        if (s[i + 1] == '{' && e < n && s[e] == '}')
            e++;
        len = (e - b) - (s[e - 1] == '}' ? 1 : 0);
        span.start = base + (uint32_t)st;
        span.end = base + (uint32_t)e;
        if (!add_shell_use(bd, lc, rc, s + b, len, span))
            return;
        i = e;
    }
}

/*
 * Map the spans of uses [first, nuses), offsets in the joined text of
 * `in`, to the source as tfl_textmap_span() does. They come in text
 * order, each within a piece (a line), mostly a few lines apart: one
 * walk along the pieces serves them all, and costs the number of
 * pieces plus the number of uses. Anything else is searched for.
 */
static void map_spans(builder *bd, const tfl_instr *in, size_t first)
{
    const tfl_piece *p = in->map.pieces, *last;
    tfl_use *u, *end;

    if (first >= bd->m->nuses) /* none: `uses` may still be NULL */
        return;
    u = bd->m->uses + first;
    end = bd->m->uses + bd->m->nuses;
    if (in->map.npieces == 0) {
        for (; u < end; u++)
            u->span = tfl_textmap_span(&in->map, u->span.start,
                                       u->span.end - u->span.start);
        return;
    }
    last = p + in->map.npieces - 1;
    for (; u < end; u++) {
        uint32_t off = u->span.start, len = u->span.end - off, rel;

        if (p->text_off <= off)
            while (p < last && p[1].text_off <= off)
                p++;
        rel = off - p->text_off;
        /* the first and the last byte in the piece, which maps by adding */
        if (p->text_off > off || len == 0 || rel + (len - 1) > p->len ||
            (p < last && off + (len - 1) >= p[1].text_off)) {
            u->span = tfl_textmap_span(&in->map, off, len);
            continue;
        }
        u->span.start = p->src_off + rel;
        u->span.end = u->span.start + len;
    }
}

static void do_run(builder *bd, const lookup_ctx *lc, const tfl_instr *in)
{
    recent rc;
    size_t i, first;

    rc.n = 0;
    expand_flag(bd, lc, in, "mount");
    first = bd->m->nuses;
    for (i = 0; i < in->nargs; i++) {
        const tfl_word *w = &in->args[i];
        uint32_t base = w->off;

        if (in->json && w->raw_len > w->len)
            base++;
        scan_shell(bd, lc, &rc, base, w->text, w->len);
    }
    if (!bd->oom)
        map_spans(bd, in, first);
    for (i = 0; i < in->nheredocs; i++) {
        const tfl_heredoc *h = &in->heredocs[i];

        scan_shell(bd, lc, &rc, h->body_span.start, h->body, h->body_len);
    }
}

static void do_copy(builder *bd, const lookup_ctx *lc, const tfl_instr *in)
{
    size_t i;

    expand_flag(bd, lc, in, "chown");
    expand_flag(bd, lc, in, "chmod");
    if (in->kind == TFL_ADD)
        expand_flag(bd, lc, in, "checksum");
    for (i = 0; i < in->nargs; i++)
        expand_arg(bd, lc, in, &in->args[i], 0);
    for (i = 0; i < in->nheredocs; i++) {
        const tfl_heredoc *h = &in->heredocs[i];
        place pl = {in, h->body_span.start, true};

        if (h->expand)
            expand_at(bd, lc, &pl, h->body, h->body_len, HEREDOC);
    }
}

static void do_env(builder *bd, const lookup_ctx *lc, const tfl_instr *in,
                   size_t instr, bool env)
{
    size_t i;

    for (i = 0; i < in->npairs && !bd->oom; i++) {
        const tfl_pair *p = &in->pairs[i];
        /* LABEL's words are expanded for their uses only */
        const char *key = expand_arg(bd, lc, in, &p->key, env ? VALUE : 0);
        const char *val = expand_arg(bd, lc, in, &p->value, env ? VALUE : 0);
        tfl_binding *b;

        if (!env || !key || !val)
            continue;
        b = new_binding(bd, key, strlen(key), TFL_ORIGIN_ENV, lc->scope, instr,
                        i);
        b->value = val;
        b->raw_default = p->value.text;
        b->word = &p->key;
        b->name_span = p->key.span;
        b->default_span = p->value.span;
        publish(bd, b);
    }
}

/* One word of an ARG instruction: `NAME` or `NAME=default`. */
static void do_arg_word(builder *bd, lookup_ctx *lc, const tfl_instr *in,
                        size_t instr, size_t k)
{
    const tfl_word *w = &in->args[k];
    const char *eq = memchr(w->text, '=', w->len);
    size_t nlen = eq ? (size_t)(eq - w->text) : w->len;
    /* without '=' the word is the name, and NUL-terminated */
    const char *name = eq ? tfl_arena_strndup(bd->a, w->text, nlen) : w->text;
    tfl_binding *b;
    const tfl_binding *g;

    if (!name) {
        bd->oom = true;
        return;
    }
    lc->part = k;
    b = new_binding(bd, name, nlen,
                    lc->scope == TFL_SCOPE_GLOBAL ? TFL_ORIGIN_GLOBAL_ARG
                                                  : TFL_ORIGIN_ARG,
                    lc->scope, instr, k);
    b->word = w;
    b->name_span = tfl_textmap_span(&in->map, w->off, (uint32_t)nlen);
    if (eq) {
        place pl = {in, w->off + (uint32_t)nlen + 1, false};
        size_t dlen = w->len - nlen - 1;

        b->raw_default = eq + 1;
        b->default_span = tfl_textmap_span(&in->map, pl.base, (uint32_t)dlen);
        size_t first = bd->m->nuses, u;

        b->value = expand_at(bd, lc, &pl, eq + 1, dlen, VALUE);
        for (u = first; u < bd->m->nuses; u++)
            if (strcmp(bd->m->uses[u].name, name) == 0)
                b->self_ref = true;
    } else if (lc->scope != TFL_SCOPE_GLOBAL &&
               (g = resolve(bd->m, TFL_SCOPE_GLOBAL, instr, 0, name, nlen))) {
        b->inherits = g;
        b->value = g->value;
    } else if ((g = resolve(bd->m, lc->scope, instr, k, name, nlen))) {
        b->value = g->value; /* the environment keeps its earlier value */
    }
    publish(bd, b);
}

/* As tolower() in the C locale. */
static char lower(char c)
{
    return (unsigned char)(c - 'A') < 26 ? (char)(c | 0x20) : c;
}

static void lower_in_place(char *s)
{
    for (; *s; s++)
        *s = lower(*s);
}

/* The eight bytes of `w` with ASCII capitals lower-cased: a byte below
 * 0x80 is one when adding 0x3f carries into its top bit (>= 'A') and
 * adding 0x25 does not (<= 'Z'); no sum leaves its byte. */
static uint64_t lower8(uint64_t w)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu, top = 0x8080808080808080u;
    uint64_t h = w & low7;
    uint64_t upper =
        (h + 0x3f3f3f3f3f3f3f3fu) & ~(h + 0x2525252525252525u) & ~w & top;

    return w | upper >> 2;
}

/* Stage names are kept lower-cased and looked up in any case, so an image
 * reference is hashed as if lower-cased, eight bytes at a time (the last
 * partial word as two overlapping halves, as hash_name() does). */
static size_t hash_lower(const char *s, size_t n)
{
    const uint64_t k = 0xff51afd7ed558ccdu;
    uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;

    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ lower8(w)) * k;
        h ^= h >> 32;
    }
    if (n >= 4) {
        uint32_t lo, hi;

        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        w = lower8((uint64_t)hi << 32 | lo);
    } else {
        w = 0;
        while (n--)
            w = w << 8 | (unsigned char)lower(s[n]);
    }
    h = (h ^ w) * k;
    return (size_t)(h ^ h >> 29);
}

/* The bit of builder.name_lens for names of `n` bytes. */
static uint64_t bit_of_len(size_t n)
{
    return (uint64_t)1 << (n < 63 ? n : 63);
}

/* The slot of stage name `name` (`len` bytes, in any case) in the
 * builder's table. */
static size_t *stage_slot(builder *bd, const char *name, size_t len)
{
    size_t i = hash_lower(name, len) & (bd->names_cap - 1);

    while (bd->names[i] &&
           strcasecmp(bd->m->stages[bd->names[i] - 1].name, name) != 0)
        i = (i + 1) & (bd->names_cap - 1);
    return &bd->names[i];
}

static void do_from(builder *bd, lookup_ctx *lc, const tfl_instr *in,
                    size_t instr)
{
    tfl_model *m = bd->m;
    tfl_model_stage *st = &m->stages[m->nstages];
    size_t i, n;

    st->index = m->nstages;
    st->from_instr = instr;
    st->end_instr = instr + 1;
    st->from = in;
    st->name = NULL;
    st->image = NULL;
    st->image_expanded = NULL;
    st->parent = -1;
    if (m->nstages)
        m->stages[m->nstages - 1].end_instr = instr;
    lc->scope = TFL_SCOPE_GLOBAL;
    expand_flag(bd, lc, in, "platform");
    if (in->nargs >= 1) {
        const char *img;

        st->image = &in->args[0];
        img = expand_arg(bd, lc, in, &in->args[0], VALUE);
        if (!img)
            return;
        st->image_expanded = img;
        n = strlen(img);
        i = bit_of_len(n) & bd->name_lens ? *stage_slot(bd, img, n) : 0;
        if (i)
            st->parent = (int)i - 1;
    }
    if (in->nargs >= 3 && strcasecmp(in->args[1].text, "as") == 0) {
        char *name =
            tfl_arena_strndup(bd->a, in->args[2].text, in->args[2].len);
        if (!name) {
            bd->oom = true;
            return;
        }
        lower_in_place(name);
        st->name = name;
        n = strlen(name);
        *stage_slot(bd, name, n) = m->nstages + 1;
        bd->name_lens |= bit_of_len(n);
    }
    m->nstages++;
}

static void do_instr(builder *bd, size_t i)
{
    tfl_model *m = bd->m;
    const tfl_instr *in = &m->doc->instrs[i];
    int stage = (int)m->nstages - 1;
    lookup_ctx lc = {m, stage, i, 0};
    size_t k;

    if (in->kind == TFL_FROM) {
        do_from(bd, &lc, in, i);
        m->scope_of[i] = TFL_SCOPE_GLOBAL;
        return;
    }
    m->scope_of[i] = stage;
    if (stage >= 0)
        m->stages[stage].end_instr = i + 1;
    switch (in->kind) {
    case TFL_ARG:
        for (k = 0; k < in->nargs && !bd->oom; k++)
            do_arg_word(bd, &lc, in, i, k);
        break;
    case TFL_ENV:
    case TFL_LABEL:
        if (stage >= 0)
            do_env(bd, &lc, in, i, in->kind == TFL_ENV);
        break;
    case TFL_ADD:
    case TFL_COPY:
        if (stage >= 0)
            do_copy(bd, &lc, in);
        break;
    case TFL_WORKDIR:
    case TFL_USER:
    case TFL_VOLUME:
    case TFL_STOPSIGNAL:
    case TFL_EXPOSE:
        for (k = 0; k < in->nargs && stage >= 0; k++)
            expand_arg(bd, &lc, in, &in->args[k], 0);
        break;
    case TFL_RUN:
        if (stage >= 0)
            do_run(bd, &lc, in);
        break;
    default:
        break; /* CMD, ENTRYPOINT, ...: expanded at run time, if at all */
    }
}

int tfl_model_build(tfl_arena *arena, const tfl_doc *doc, tfl_model *out)
{
    builder bd = {.a = arena, .m = out, .names_cap = 16};
    size_t nfrom, nb = count_bindings(doc, &nfrom), i;
    bool own_table = true; /* until the arena adopts it */
    int rc = -1;

    memset(out, 0, sizeof *out);
    out->doc = doc;
    if (nfrom > TFL_MODEL_MAX_STAGES)
        return -1; /* 268 million FROMs: memory ran out long before */
    while (bd.names_cap < 2 * nfrom)
        bd.names_cap *= 2;
    bd.names = calloc(bd.names_cap, sizeof *bd.names);
    out->bindings = tfl_arena_alloc_raw(arena, nb * sizeof *out->bindings);
    /* do_from() writes every field of the stages it opens */
    out->stages = tfl_arena_alloc_raw(arena, (nfrom + 1) * sizeof *out->stages);
    /* do_instr() writes the entry of every instruction */
    out->scope_of =
        tfl_arena_alloc_raw(arena, (doc->ninstrs + 1) * sizeof *out->scope_of);
    if (!out->bindings || !out->stages || !out->scope_of || !bd.names ||
        grow_table(out) != 0)
        goto done;
    out->scope_of[doc->ninstrs] = 0;
    init_stops(&bd, doc->escape);

    add_predefined(&bd);
    for (i = 0; i < doc->ninstrs && !bd.oom; i++)
        do_instr(&bd, i);
    if (!bd.oom)
        mark_unbound(&bd);
    if (settle_uses(&bd) != 0 || bd.oom)
        goto done;
    if (tfl_arena_adopt(arena, out->table) != 0)
        goto done;
    own_table = false;
    if (index_chains(arena, out) != 0)
        goto done;
    assert(out->nbindings <= nb);
    if (out->nstages)
        out->final_stage = out->nstages - 1;
    rc = 0;
done:
    if (own_table)
        free(out->table);
    free(bd.names);
    free(bd.unbound);
    return rc;
}

/* --- Queries -------------------------------------------------------------- */

const tfl_model *tfl_ctx_model(tfl_ctx *ctx)
{
    tfl_model *m;

    if (ctx->model || ctx->oom)
        return ctx->model;
    m = tfl_arena_alloc(ctx->arena, sizeof *m);
    if (!m || tfl_model_build(ctx->arena, ctx->doc, m) != 0) {
        ctx->oom = true;
        return NULL;
    }
    ctx->model = m;
    return m;
}

int tfl_model_stage_of(const tfl_model *m, size_t instr)
{
    size_t lo = 0, hi = m->nstages;

    assert(instr < m->doc->ninstrs);
    /* Only a FROM expands in another scope than its stage's. */
    if (m->doc->instrs[instr].kind != TFL_FROM)
        return m->scope_of[instr];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->stages[mid].from_instr <= instr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo - 1;
}

const tfl_binding *tfl_model_lookup_part(const tfl_model *m, size_t instr,
                                         size_t part, const char *name,
                                         size_t len)
{
    assert(instr < m->doc->ninstrs);
    return resolve(m, m->scope_of[instr], instr, part, name, len);
}

const tfl_binding *tfl_model_lookup(const tfl_model *m, size_t instr,
                                    const char *name, size_t len)
{
    return tfl_model_lookup_part(m, instr, 0, name, len);
}

int tfl_model_expand(const tfl_model *m, tfl_arena *arena, size_t instr,
                     const char *text, size_t len, tfl_expansion *out)
{
    lookup_ctx lc;
    tfl_env env;

    assert(instr < m->doc->ninstrs);
    lc.m = m;
    lc.scope = m->scope_of[instr];
    lc.instr = instr;
    lc.part = 0;
    env.lookup = lookup_cb;
    env.ud = &lc;
    return tfl_expand_word(arena, text, len, m->doc->escape, &env, out);
}

/* tfl_model_declared_later() once some binding of the name is later than
 * the use: its slot is `slot`. */
static NOINLINE const tfl_binding *
later_of(const tfl_model *m, const tfl_binding **slot, const tfl_use *u)
{
    const struct tfl_model_chain *c = chain_of(m, slot);
    const tfl_binding *b = *slot;
    const tfl_binding *found = NULL;

    if (c) {
        /* The first binding of a later instruction (those of the use's
         * own come before its next one), then forward in its stage. */
        size_t lo = count_before(c, u->instr + 1, 0);

        for (; lo < c->n && c->v[lo]->stage <= u->scope; lo++)
            if (c->v[lo]->stage == u->scope &&
                (c->v[lo]->origin == TFL_ORIGIN_ARG ||
                 c->v[lo]->origin == TFL_ORIGIN_GLOBAL_ARG))
                return c->v[lo];
        return NULL;
    }
    /* Newest first: the last one seen is the nearest after the use. */
    for (; b && (b->instr == SIZE_MAX || b->instr > u->instr); b = b->older)
        if (b->instr != SIZE_MAX && b->stage == u->scope &&
            (b->origin == TFL_ORIGIN_ARG || b->origin == TFL_ORIGIN_GLOBAL_ARG))
            found = b;
    return found;
}

/* tfl_model_declared_later() for a name in table slot `slot`. The
 * newest binding is the last one in the document: when it is not after
 * the use, none is. */
static const tfl_binding *later_in(const tfl_model *m, const tfl_binding **slot,
                                   const tfl_use *u)
{
    const tfl_binding *b = *slot;

    if (!b || b->instr == SIZE_MAX || b->instr <= u->instr)
        return NULL;
    return later_of(m, slot, u);
}

/* tfl_model_declared_later() for a use with a binding, out of line so
 * that the usual call stays a leaf. */
static NOINLINE const tfl_binding *later_bound(const tfl_model *m,
                                               const tfl_use *u)
{
    return later_in(m, slot_of(m, u->name, u->bind->name_len), u);
}

const tfl_binding *tfl_model_declared_later(const tfl_model *m,
                                            const tfl_use *u)
{
    if (u->bind)
        return later_bound(m, u);
    /* The usual call: a use of a name without binding, most often a
     * shell variable that has none at all. Its name comes from
     * unbound_name(), whose header holds the slot. */
    assert(unbound_slot(u) == slot_of(m, u->name, strlen(u->name)));
    return later_in(m, unbound_slot(u), u);
}

const tfl_binding *tfl_model_global(const tfl_model *m, const char *name,
                                    size_t len)
{
    const tfl_binding *b = *slot_of(m, name, len);

    return b ? b->global : NULL;
}

bool tfl_model_declares(const tfl_model *m, const char *name, size_t len,
                        int stage)
{
    const tfl_binding **slot = slot_of(m, name, len);
    const struct tfl_model_chain *c = chain_of(m, slot);
    const tfl_binding *b;
    size_t lo = 0, hi;

    if (!c) {
        for (b = *slot; b; b = b->older)
            if (b->stage == stage && b->instr != SIZE_MAX)
                return true;
        return false;
    }
    for (hi = c->n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->v[mid]->stage < stage)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Predefined bindings are global and oldest: skip them. */
    while (lo < c->n && c->v[lo]->stage == stage && c->v[lo]->instr == SIZE_MAX)
        lo++;
    return lo < c->n && c->v[lo]->stage == stage;
}

const tfl_model_stage *tfl_model_root(const tfl_model *m, size_t s)
{
    assert(s < m->nstages);
    while (m->stages[s].parent >= 0)
        s = (size_t)m->stages[s].parent;
    return &m->stages[s];
}

const tfl_binding *tfl_model_any(const tfl_model *m, const char *name,
                                 size_t len)
{
    const tfl_binding *b = *slot_of(m, name, len);

    return b && b->instr != SIZE_MAX ? b : NULL;
}

const char *tfl_origin_name(tfl_origin origin)
{
    switch (origin) {
    case TFL_ORIGIN_ARG:
        return "ARG";
    case TFL_ORIGIN_ENV:
        return "ENV";
    case TFL_ORIGIN_GLOBAL_ARG:
        return "global ARG";
    case TFL_ORIGIN_PLATFORM:
        return "predefined ARG";
    case TFL_ORIGIN_PROXY:
        return "proxy ARG";
    case TFL_ORIGIN_PATH:
        break;
    }
    return "PATH";
}

uint32_t tfl_binding_line(const tfl_model *m, const tfl_binding *b)
{
    if (b->instr == SIZE_MAX)
        return 0;
    return tfl_source_line_of(m->doc->src, b->name_span.start);
}
