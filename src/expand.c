/*
 * Variable expansion and quote removal, matching BuildKit's shell lexer
 * (frontend/dockerfile/shell/lex.go) byte for byte on the words the
 * Dockerfile builder expands.
 *
 * Accepted syntax, outside quotes:
 *
 *   'text'     literal up to the next single quote; no escapes at all
 *   "text"     `$` expands; the escape character protects only `"`, `$`
 *              and itself, before anything else it stays as written
 *   E c        (E the escape character) `c` literal, E dropped; an E at
 *              the very end is dropped
 *   $name      name: letters, digits, `_` (Unicode letters and digits
 *              count); starting with a digit it is the run of digits;
 *              one of @ * # ? - $ ! 0 alone is a name; anything else
 *              leaves a literal `$`
 *   ${name}    and ${name OP word} with OP one of :- - :+ + :? ? # ## %
 *              %% and ${name/pat/rep} ${name//pat/rep}
 *
 * The word after OP is itself lexed (quotes, escapes, nested references).
 * For # % and / the escape character and what it protects are kept, so
 * the glob sees `\*`; globs know `*` `?` and the escapes `\*` `\?` `\\`
 * `\}` `\/` (always a backslash there, whatever the file's escape
 * character). `*` and `?` follow Go's regexp `.`: one character, never a
 * newline. Shortest/longest and first/all come from the lazy or greedy
 * regexp BuildKit builds, so matching here walks the glob with the same
 * leftmost-first priorities, but as a table over (glob token, position),
 * which costs O(tokens x length) and never backtracks.
 *
 * Word splitting (tfl_expand_words) follows BuildKit's rule: white space
 * (Go's unicode.IsSpace) separates words when it is written unquoted or
 * comes out of a `$` expansion; quoted text and escaped characters never
 * split; empty words vanish.
 *
 * Every name lookup is recorded in `refs` in the order of the '$' in the
 * input: the slot is taken when `${` is read and filled when the lookup
 * happens, after the modifier word has been lexed, as BuildKit orders it.
 *
 * Limits: `${` may nest 100 deep (error beyond); inputs up to 4 GiB, the
 * range of the offsets.
 *
 * Deliberate differences: bytes that are not UTF-8 pass through unchanged
 * (Go's scanner turns each into U+FFFD); the texts after "invalid pattern
 * (...) in substitution: " are ours.
 */
#include "tflint/expand.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "uniclass.h"
#include "utf8.h"

#define MAX_DEPTH 100
#define NOMATCH ((size_t)-1)

#define MSG_EOF "unexpected end of statement while looking for matching "
#define MSG_SQUOTE MSG_EOF "single-quote"
#define MSG_DQUOTE MSG_EOF "double-quote"
#define MSG_BRACE "syntax error: missing '}'"
#define MSG_SLASH "missing '/' in ${}"
#define MSG_BAD "bad substitution"
#define MSG_DEEP "variable references nested too deeply"

enum { OK = 0, BAD = 1, OOM = -1 };

/* Growable string, always NUL-terminated once allocated; from the arena
 * unless it is the scratch of a whole word's result. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
    /* The result of the whole word is built outside the arena, in a buffer
     * on the stack that moves to the heap when outgrown, and copied to
     * the arena once at its size: grown there it would leave its spare
     * room and outgrown copies behind (an ENV PATH=$PATH:... triples). */
    bool scratch;
    bool heap; /* scratch data from malloc(), freed by run() */
    /* The caller wants no value (TFL_EXPAND_NO_VALUE): appending does
     * nothing. Only the result of the whole word is a sink; the words of
     * modifiers are built, as errors and lookups depend on them. */
    bool sink;
} sbuf;

/* Words under construction for tfl_expand_words. */
typedef struct words {
    sbuf cur;
    const char **items;
    size_t *lens;
    size_t n, cap, nlens, lcap;
} words;

typedef struct lexer {
    tfl_arena *arena;
    const char *in;
    size_t len, pos;
    char escape;
    bool quotes; /* quotes are special (false for heredoc bodies) */
    bool names;  /* copy each reference's name (no TFL_EXPAND_NO_NAMES) */
    const tfl_env *env;
    tfl_varref *refs;
    size_t nrefs, cap;
    unsigned depth;
    const char *error;
    size_t error_off;
    bool deep; /* the error is the nesting cap: never reword it */
} lexer;

/* One glob element: a literal character (its UTF-8 bytes), `?` or `*`. */
typedef struct gtok {
    enum { G_LIT, G_ANY, G_STAR } kind;
    unsigned char n;
    char b[4];
} gtok;

static int scan_until(lexer *lx, int stop, bool raw, sbuf *res, words *w);
static int dollar(lexer *lx, sbuf *res);

static int put(lexer *lx, sbuf *b, const char *s, size_t n)
{
    if (b->sink)
        return OK;
    if (b->cap - b->len <= n || !b->data) {
        size_t ncap = b->cap ? b->cap * 2 : 32;
        char *nd;

        while (ncap - b->len <= n)
            ncap *= 2;
        if (!b->scratch)
            nd = tfl_arena_alloc(lx->arena, ncap);
        else if (b->heap)
            nd = realloc(b->data, ncap);
        else
            nd = malloc(ncap);
        if (!nd)
            return OOM;
        if (b->len && !b->heap)
            memcpy(nd, b->data, b->len);
        b->heap = b->scratch;
        b->data = nd;
        b->cap = ncap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return OK;
}

/* Width of the character at `s` (1 for a byte that is not UTF-8). */
static size_t char_at(const char *s, size_t n, uint32_t *cp)
{
    size_t w;

    if ((unsigned char)s[0] < 0x80) {
        *cp = (unsigned char)s[0];
        return 1;
    }
    w = tfl_utf8_decode(s, n, cp);
    if (w == 0) {
        *cp = 0xFFFD;
        w = 1;
    }
    return w;
}

static size_t peek(const lexer *lx, uint32_t *cp)
{
    return char_at(lx->in + lx->pos, lx->len - lx->pos, cp);
}

static int fail(lexer *lx, size_t off, const char *msg)
{
    lx->error = msg;
    lx->error_off = off;
    return BAD;
}

/* Fail with "unsupported modifier (OP) in substitution"; OP from input. */
static int fail_modifier(lexer *lx, size_t start, size_t op_off, size_t op_len)
{
    const char *msg = tfl_arena_printf(lx->arena,
                                       "unsupported modifier (%.*s) in "
                                       "substitution",
                                       (int)op_len, lx->in + op_off);

    return msg ? fail(lx, start, msg) : OOM;
}

/*
 * After a nested word failed: BuildKit reports running out of input as
 * the missing closer of the outer reference, whatever the inner cause.
 */
static int reword_eof(lexer *lx, int rc, size_t start, const char *msg)
{
    if (rc == BAD && lx->pos >= lx->len && !lx->deep)
        return fail(lx, start, msg);
    return rc;
}

/* ---- words ---------------------------------------------------------- */

static int words_flush(lexer *lx, words *w)
{
    const char **it;
    size_t *ln;

    if (w->cur.len == 0)
        return OK;
    it = tfl_arena_push(lx->arena, (void **)&w->items, &w->n, &w->cap,
                        sizeof *w->items);
    if (!it)
        return OOM;
    *it = w->cur.data;
    ln = tfl_arena_push(lx->arena, (void **)&w->lens, &w->nlens, &w->lcap,
                        sizeof *w->lens);
    if (!ln)
        return OOM;
    *ln = w->cur.len;
    memset(&w->cur, 0, sizeof w->cur);
    return OK;
}

/* Text that never splits: quoted text, escaped characters. */
static int words_raw(lexer *lx, words *w, const char *s, size_t n)
{
    return w ? put(lx, &w->cur, s, n) : OK;
}

/* Unquoted text or an expansion result: white space separates words. */
static int words_split(lexer *lx, words *w, const char *s, size_t n)
{
    size_t i = 0;

    if (!w)
        return OK;
    while (i < n) {
        uint32_t cp;
        size_t cw = char_at(s + i, n - i, &cp);
        int rc = tfl_uni_is_space(cp) ? words_flush(lx, w)
                                      : put(lx, &w->cur, s + i, cw);

        if (rc)
            return rc;
        i += cw;
    }
    return OK;
}

/* ---- names and lookups ---------------------------------------------- */

static bool special_name(uint32_t c)
{
    return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' ||
           c == '$' || c == '!' || c == '0';
}

/* Consume a name at the current position; return its length (maybe 0). */
static size_t read_name(lexer *lx)
{
    size_t start = lx->pos, i;
    uint32_t cp;
    size_t w;

    if (lx->pos >= lx->len)
        return 0;
    w = peek(lx, &cp);
    if (tfl_uni_is_digit(cp)) {
        while (lx->pos < lx->len && (w = peek(lx, &cp), tfl_uni_is_digit(cp)))
            lx->pos += w;
        return lx->pos - start;
    }
    if (special_name(cp)) {
        lx->pos++;
        return 1;
    }
    for (i = lx->pos; i < lx->len; i += w) {
        unsigned char c = (unsigned char)lx->in[i];

        w = 1;
        if (c < 0x80) { /* the common case, without a decoding call */
            if (!tfl_name_byte[c])
                break;
            continue;
        }
        w = char_at(lx->in + i, lx->len - i, &cp);
        if (!tfl_uni_is_letter(cp) && !tfl_uni_is_digit(cp))
            break;
    }
    lx->pos = i;
    return lx->pos - start;
}

/* Take the next slot in `refs` for the reference starting at `off`. */
static int reserve_ref(lexer *lx, size_t off, size_t *slot)
{
    tfl_varref *r = tfl_arena_push(lx->arena, (void **)&lx->refs, &lx->nrefs,
                                   &lx->cap, sizeof *r);

    if (!r)
        return OOM;
    r->off = (uint32_t)off;
    *slot = lx->nrefs - 1;
    return OK;
}

/*
 * Look the name up and complete the slot; the reference ends at the
 * current position (so a completed slot has a nonzero len). `*val` is
 * never NULL.
 */
static int lookup(lexer *lx, size_t slot, size_t noff, size_t nlen,
                  const char **val, size_t *vlen)
{
    tfl_varref *r = &lx->refs[slot];
    const char *v = NULL, *name = lx->in + noff;

    if (lx->names) {
        name = r->name = tfl_arena_strndup(lx->arena, name, nlen);
        if (!name)
            return OOM;
    }
    r->name_off = (uint32_t)noff;
    r->name_len = (uint32_t)nlen;
    r->len = (uint32_t)(lx->pos - r->off);
    if (lx->env && lx->env->lookup)
        v = lx->env->lookup(lx->env->ud, name, nlen);
    r->set = v != NULL;
    *val = v ? v : "";
    *vlen = strlen(*val);
    return OK;
}

/* ---- globs ---------------------------------------------------------- */

/* Parse a glob; on a bad escape return BAD with `*why` set. */
static int glob_parse(lexer *lx, const char *p, size_t n, gtok **out,
                      size_t *nt, const char **why)
{
    gtok *t = tfl_arena_alloc(lx->arena, (n + 1) * sizeof *t);
    size_t i = 0, k = 0;

    if (!t)
        return OOM;
    while (i < n) {
        uint32_t cp;
        size_t w = 1;

        if (p[i] == '*') {
            if (k == 0 || t[k - 1].kind != G_STAR)
                t[k++].kind = G_STAR;
        } else if (p[i] == '?') {
            t[k++].kind = G_ANY;
        } else {
            if (p[i] == '\\') {
                if (i + 1 == n) {
                    *why = "illegal escape at end of pattern";
                    return BAD;
                }
                if (!strchr("\\?*}/", p[i + 1]) || p[i + 1] == '\0') {
                    *why = tfl_arena_printf(lx->arena,
                                            "invalid escape '\\%c' in pattern",
                                            p[i + 1]);
                    return *why ? BAD : OOM;
                }
                i++;
            }
            w = char_at(p + i, n - i, &cp);
            t[k].kind = G_LIT;
            t[k].n = (unsigned char)w;
            memcpy(t[k++].b, p + i, w);
        }
        i += w;
    }
    *out = t;
    *nt = k;
    return OK;
}

/*
 * For every start position s of `v`, the end of the match of `t` that a
 * leftmost-first regexp engine would pick, or NOMATCH. `cw[s]` is the
 * width of the character starting at s, 0 inside a character. Computed
 * from the last token back, one row per token, so it costs O(nt * n).
 */
static size_t *glob_ends(lexer *lx, const gtok *t, size_t nt, const char *v,
                         size_t n, const unsigned char *cw, bool greedy)
{
    size_t *next = tfl_arena_alloc(lx->arena, (n + 1) * sizeof *next);
    size_t *cur = tfl_arena_alloc(lx->arena, (n + 1) * sizeof *cur);
    size_t s, k;

    if (!next || !cur)
        return NULL;
    for (s = 0; s <= n; s++)
        next[s] = s == n || cw[s] ? s : NOMATCH;
    for (k = nt; k-- > 0;) {
        const gtok *g = &t[k];
        size_t cand = NOMATCH, *tmp;

        for (s = n + 1; s-- > 0;) {
            if (g->kind == G_LIT) {
                bool hit = n - s >= g->n && memcmp(v + s, g->b, g->n) == 0;

                cur[s] = hit ? next[s + g->n] : NOMATCH;
            } else if (g->kind == G_ANY) {
                bool hit = s < n && cw[s] && v[s] != '\n';

                cur[s] = hit ? next[s + cw[s]] : NOMATCH;
            } else {
                /* `*` stops anywhere up to the next newline: the latest
                 * usable stop when greedy, the earliest when lazy */
                if (s == n || v[s] == '\n')
                    cand = NOMATCH;
                if ((s == n || cw[s]) && next[s] != NOMATCH &&
                    (!greedy || cand == NOMATCH))
                    cand = s;
                cur[s] = cand == NOMATCH ? NOMATCH : next[cand];
            }
        }
        tmp = next;
        next = cur;
        cur = tmp;
    }
    return next;
}

/* Character widths of `v` (see glob_ends). */
static unsigned char *char_widths(lexer *lx, const char *v, size_t n)
{
    unsigned char *cw = tfl_arena_alloc(lx->arena, n + 1);
    size_t i = 0;

    if (!cw)
        return NULL;
    while (i < n) {
        uint32_t cp;
        size_t w = char_at(v + i, n - i, &cp);

        cw[i] = (unsigned char)w;
        i += w;
    }
    return cw;
}

/*
 * Reverse `v` character by character (bytes of each kept in order) into
 * `*rv`, with the widths of the reversed text in `*rcw`.
 */
static int reverse_chars(lexer *lx, const char *v, size_t n, char **rv,
                         unsigned char **rcw)
{
    char *r = tfl_arena_alloc(lx->arena, n + 1);
    unsigned char *cw = tfl_arena_alloc(lx->arena, n + 1);
    size_t i = 0;

    if (!r || !cw)
        return OOM;
    while (i < n) {
        uint32_t cp;
        size_t w = char_at(v + i, n - i, &cp);

        memcpy(r + n - i - w, v + i, w);
        cw[n - i - w] = (unsigned char)w;
        i += w;
    }
    *rv = r;
    *rcw = cw;
    return OK;
}

static int glob_error(lexer *lx, size_t start, const char *p, size_t n,
                      const char *why)
{
    const char *msg = tfl_arena_printf(
        lx->arena, "invalid pattern (%.*s) in substitution: %s", (int)n, p,
        why);

    return msg ? fail(lx, start, msg) : OOM;
}

/*
 * ${V#p} ${V##p} ${V%p} ${V%%p}: `word` is the lexed text after the first
 * operator character; a second one makes the match longest.
 */
static int trim(lexer *lx, size_t start, int op, sbuf *word, const char *v,
                size_t n, sbuf *res)
{
    const char *p = word->data, *why = NULL;
    size_t plen = word->len, nt, *ends, cut;
    bool greedy = plen > 0 && p[0] == op;
    unsigned char *cw;
    char *rv;
    gtok *t;
    int rc;

    if (greedy) {
        p++;
        plen--;
    }
    rc = glob_parse(lx, p, plen, &t, &nt, &why);
    if (rc == BAD)
        return glob_error(lx, start, p, plen, why);
    if (rc || res->sink)
        return rc; /* the match decides only the value */
    if (op == '#') {
        cw = char_widths(lx, v, n);
        ends = cw ? glob_ends(lx, t, nt, v, n, cw, greedy) : NULL;
        if (!ends)
            return OOM;
        cut = ends[0] == NOMATCH ? 0 : ends[0];
        return put(lx, res, v + cut, n - cut);
    }
    /* a suffix is a prefix of the reversed text, matched by the glob
     * reversed, which is how BuildKit gets the shortest one from regexps */
    if (reverse_chars(lx, v, n, &rv, &cw))
        return OOM;
    for (size_t i = 0; i < nt / 2; i++) {
        gtok tmp = t[i];

        t[i] = t[nt - 1 - i];
        t[nt - 1 - i] = tmp;
    }
    ends = glob_ends(lx, t, nt, rv, n, cw, greedy);
    if (!ends)
        return OOM;
    cut = ends[0] == NOMATCH ? 0 : ends[0];
    return put(lx, res, v, n - cut);
}

/* First s >= from where a match starts, or NOMATCH. */
static size_t next_match(const size_t *ends, const unsigned char *cw, size_t n,
                         size_t from)
{
    for (size_t s = from; s <= n; s++)
        if ((s == n || cw[s]) && ends[s] != NOMATCH)
            return s;
    return NOMATCH;
}

/*
 * ${V/p/r} ${V//p/r}: leftmost, longest-first match; for all, successive
 * matches as Go's regexp ReplaceAll finds them (an empty match right
 * after a match is skipped).
 *
 * NEEDSWORK: BuildKit replaces all matches with Go's ReplaceAllString,
 * which also expands `$0` and `${0}` in the replacement to the matched
 * text (and `$$` to `$`); the replacement is inserted literally here, so a
 * `$` that reaches it through an escape or a variable value differs.
 */
static int replace(lexer *lx, size_t start, bool all, const sbuf *pat,
                   const sbuf *rep, const char *v, size_t n, sbuf *res)
{
    const char *why = NULL;
    size_t nt, *ends, a0, last = 0, sp = 0;
    unsigned char *cw;
    gtok *t;
    int rc = glob_parse(lx, pat->data, pat->len, &t, &nt, &why);

    if (rc == BAD)
        return glob_error(lx, start, pat->data, pat->len, why);
    if (rc || res->sink)
        return rc; /* the match decides only the value */
    cw = char_widths(lx, v, n);
    ends = cw ? glob_ends(lx, t, nt, v, n, cw, true) : NULL;
    if (!ends)
        return OOM;
    while (sp <= n && (a0 = next_match(ends, cw, n, sp)) != NOMATCH) {
        size_t a1 = ends[a0], w = sp < n ? cw[sp] : 0;

        if (put(lx, res, v + last, a0 - last))
            return OOM;
        if ((a1 > last || a0 == 0) && put(lx, res, rep->data, rep->len))
            return OOM;
        last = a1;
        if (!all)
            break;
        if (w == 0 && sp < n)
            w = 1;
        if (sp + w > a1)
            sp += w;
        else if (sp + 1 > a1)
            sp++;
        else
            sp = a1;
    }
    return put(lx, res, v + last, n - last);
}

/* ---- references ----------------------------------------------------- */

/* ${NAME OP word} for OP in - + ? # % (after an optional colon). */
static int modifier(lexer *lx, size_t start, size_t slot, size_t noff,
                    size_t nlen, uint32_t op, size_t op_off, bool colon,
                    sbuf *res)
{
    size_t op_len = lx->pos - op_off, vlen;
    bool raw = op == '#' || op == '%', empty;
    sbuf word = {0};
    const char *v, *msg;
    int rc;

    rc =
        reword_eof(lx, scan_until(lx, '}', raw, &word, NULL), start, MSG_BRACE);
    if (rc == OK)
        rc = lookup(lx, slot, noff, nlen, &v, &vlen);
    if (rc)
        return rc;
    empty = colon && vlen == 0;
    switch (op) {
    case '-':
        if (!lx->refs[slot].set || empty)
            return put(lx, res, word.data, word.len);
        return put(lx, res, v, vlen);
    case '+':
        if (!lx->refs[slot].set || empty || !word.len)
            return OK;
        return put(lx, res, word.data, word.len);
    case '?':
        if (lx->refs[slot].set && !empty)
            return put(lx, res, v, vlen);
        msg = !lx->refs[slot].set ? "is not allowed to be unset"
                                  : "is not allowed to be empty";
        msg = tfl_arena_printf(lx->arena, "%.*s: %s", (int)nlen, lx->in + noff,
                               word.len ? word.data : msg);
        return msg ? fail(lx, start, msg) : OOM;
    case '#':
    case '%':
        return trim(lx, start, (int)op, &word, v, vlen, res);
    default:
        return fail_modifier(lx, start, op_off, op_len);
    }
}

/* ${NAME/pat/rep} and ${NAME//pat/rep}; the position is after the '/'. */
static int substitute(lexer *lx, size_t start, size_t slot, size_t noff,
                      size_t nlen, sbuf *res)
{
    bool all = lx->pos < lx->len && lx->in[lx->pos] == '/';
    sbuf pat = {0}, rep = {0};
    const char *v;
    size_t vlen;
    int rc;

    if (all)
        lx->pos++;
    rc =
        reword_eof(lx, scan_until(lx, '/', true, &pat, NULL), start, MSG_SLASH);
    if (rc == OK)
        rc = reword_eof(lx, scan_until(lx, '}', true, &rep, NULL), start,
                        MSG_BRACE);
    if (rc == OK)
        rc = lookup(lx, slot, noff, nlen, &v, &vlen);
    if (rc)
        return rc;
    return replace(lx, start, all, &pat, &rep, v, vlen, res);
}

/* What follows the name in `${NAME`: `}`, a modifier, or an error. */
static int brace_body(lexer *lx, size_t start, size_t slot, size_t noff,
                      size_t nlen, sbuf *res)
{
    size_t op_off = lx->pos, vlen;
    const char *v;
    uint32_t op;
    int rc;

    lx->pos += peek(lx, &op);
    switch (op) {
    case '}':
        rc = lookup(lx, slot, noff, nlen, &v, &vlen);
        return rc ? rc : put(lx, res, v, vlen);
    case ':':
        if (lx->pos >= lx->len)
            return fail(lx, start, MSG_BRACE);
        lx->pos += peek(lx, &op);
        if (op == '#' || op == '%')
            return fail_modifier(lx, start, op_off, lx->pos - op_off);
        return modifier(lx, start, slot, noff, nlen, op, op_off, true, res);
    case '+':
    case '-':
    case '?':
    case '#':
    case '%':
        return modifier(lx, start, slot, noff, nlen, op, op_off, false, res);
    case '/':
        return substitute(lx, start, slot, noff, nlen, res);
    default:
        return fail_modifier(lx, start, op_off, lx->pos - op_off);
    }
}

/* `${...}`; the position is on the '{'. */
static int brace_ref(lexer *lx, size_t start, sbuf *res)
{
    size_t noff, nlen, slot;
    char c;
    int rc;

    lx->pos++;
    if (lx->pos >= lx->len)
        return fail(lx, start, MSG_BRACE);
    c = lx->in[lx->pos];
    if (c == '{' || c == '}' || c == ':')
        return fail(lx, start, MSG_BAD);
    if (lx->depth >= MAX_DEPTH) {
        lx->deep = true;
        return fail(lx, start, MSG_DEEP);
    }
    noff = lx->pos;
    nlen = read_name(lx);
    if (lx->pos >= lx->len)
        return fail(lx, start, MSG_BRACE);
    if ((rc = reserve_ref(lx, start, &slot)))
        return rc;

    lx->depth++;
    rc = brace_body(lx, start, slot, noff, nlen, res);
    lx->depth--;
    if (rc && !lx->refs[slot].len)
        lx->nrefs = slot; /* failed before the lookup: drop the slot */
    return rc;
}

/* `$...`; the position is on the '$'. Appends the value to `res`. */
static int dollar(lexer *lx, sbuf *res)
{
    size_t start = lx->pos++, noff = lx->pos, nlen, slot, vlen;
    const char *v;
    int rc;

    if (lx->pos < lx->len && lx->in[lx->pos] == '{')
        return brace_ref(lx, start, res);
    nlen = read_name(lx);
    if (nlen == 0)
        return put(lx, res, "$", 1);
    if ((rc = reserve_ref(lx, start, &slot)) ||
        (rc = lookup(lx, slot, noff, nlen, &v, &vlen)))
        return rc;
    return put(lx, res, v, vlen);
}

/* ---- quotes and words ----------------------------------------------- */

static int single_quote(lexer *lx, sbuf *res)
{
    size_t start = lx->pos++;
    const char *q = memchr(lx->in + lx->pos, '\'', lx->len - lx->pos);
    size_t end;

    if (!q)
        return fail(lx, start, MSG_SQUOTE);
    end = (size_t)(q - lx->in);
    if (put(lx, res, lx->in + lx->pos, end - lx->pos))
        return OOM;
    lx->pos = end + 1;
    return OK;
}

/* The bytes that can mean something in some place of a word: `$`, the
 * quotes, both escape characters and the stops of scan_until(). Any other
 * byte stands for itself everywhere, which the runs of ordinary bytes
 * learn with one look-up. */
static const unsigned char maybe_special[256] = {
    ['$'] = 1, ['\''] = 1, ['"'] = 1, ['\\'] = 1,
    ['`'] = 1, ['}'] = 1,  ['/'] = 1,
};

/* Does byte `c` stand for itself inside double quotes? */
static bool dq_plain(const lexer *lx, char c)
{
    return !maybe_special[(unsigned char)c] ||
           (c != '"' && c != '$' && c != lx->escape);
}

/* `raw`: keep the escape character before what it protects. */
static int double_quote(lexer *lx, bool raw, sbuf *res)
{
    size_t start = lx->pos++;

    for (;;) {
        uint32_t cp;
        size_t w;
        char c;
        int rc;

        if (lx->pos >= lx->len)
            return fail(lx, start, MSG_DQUOTE);
        c = lx->in[lx->pos];
        if (c == '"') {
            lx->pos++;
            return OK;
        }
        if (c == '$') {
            if ((rc = dollar(lx, res)))
                return rc;
            continue;
        }
        if (c == lx->escape) {
            char e;

            if (++lx->pos >= lx->len)
                continue; /* dropped; the loop reports the open quote */
            e = lx->in[lx->pos];
            if (e != '"' && e != '$' && e != lx->escape) {
                if (put(lx, res, &c, 1))
                    return OOM;
                continue; /* kept as written, the next one is ordinary */
            }
            if (raw && put(lx, res, &c, 1))
                return OOM;
        }
        /* This character, and the run of ordinary bytes after it, go in
         * one copy (no special byte is part of a multi-byte character). */
        w = lx->pos + peek(lx, &cp);
        while (w < lx->len && dq_plain(lx, lx->in[w]))
            w++;
        w -= lx->pos;
        if (put(lx, res, lx->in + lx->pos, w))
            return OOM;
        lx->pos += w;
    }
}

/* Does byte `c` stand for itself in scan_until? */
static bool plain(const lexer *lx, char c, int stop)
{
    return !maybe_special[(unsigned char)c] ||
           (c != '$' && c != lx->escape && (unsigned char)c != stop &&
            (!lx->quotes || (c != '\'' && c != '"')));
}

/*
 * Lex from the current position to `stop` (consumed) or, when stop is -1,
 * to the end, appending the result to `res` and, when `w` is not NULL,
 * splitting it into words. `raw` keeps escape characters (glob words).
 */
static int scan_until(lexer *lx, int stop, bool raw, sbuf *res, words *w)
{
    if (put(lx, res, "", 0))
        return OOM; /* so res->data is never NULL */
    while (lx->pos < lx->len) {
        char c = lx->in[lx->pos];
        size_t mark = res->len, cw;
        uint32_t cp;
        int rc;

        if (stop >= 0 && (unsigned char)c == stop) {
            lx->pos++;
            return OK;
        }
        if (c == '$' || (lx->quotes && (c == '\'' || c == '"'))) {
            rc = c == '$'   ? dollar(lx, res)
                 : c == '"' ? double_quote(lx, raw, res)
                            : single_quote(lx, res);
            if (rc == OK)
                rc = (c == '$' ? words_split : words_raw)(
                    lx, w, res->data + mark, res->len - mark);
            if (rc)
                return rc;
            continue;
        }
        if (c == lx->escape) {
            lx->pos++;
            if (raw && (put(lx, res, &c, 1) || words_raw(lx, w, &c, 1)))
                return OOM;
            if (lx->pos >= lx->len)
                break;
            cw = peek(lx, &cp);
            if (put(lx, res, lx->in + lx->pos, cw) ||
                words_raw(lx, w, lx->in + lx->pos, cw))
                return OOM;
            lx->pos += cw;
            continue;
        }
        /* A run of bytes that mean nothing here is copied in one go: no
         * special byte is ever part of a multi-byte character. */
        cw = lx->pos + 1;
        while (cw < lx->len && plain(lx, lx->in[cw], stop))
            cw++;
        cw -= lx->pos;
        if (put(lx, res, lx->in + lx->pos, cw) ||
            words_split(lx, w, lx->in + lx->pos, cw))
            return OOM;
        lx->pos += cw;
    }
    if (stop == '}')
        return fail(lx, lx->pos, MSG_EOF "}");
    if (stop == '/')
        return fail(lx, lx->pos, MSG_EOF "/");
    return OK;
}

/* ---- entry points --------------------------------------------------- */

static int run(tfl_arena *arena, const char *in, size_t len, char escape,
               unsigned flags, const tfl_env *env, words *w, tfl_expansion *out)
{
    static char nothing[1]; /* the data of a sink, never written */
    bool heredoc = flags & TFL_EXPAND_HEREDOC;
    char stack[256];
    lexer lx = {0};
    sbuf res = {0};
    int rc;

    assert(escape == '\\' || escape == '`');
    assert(!w || !(flags & TFL_EXPAND_NO_VALUE));
    memset(out, 0, sizeof *out);
    if (len > UINT32_MAX) {
        out->error = "word too long";
        return 1;
    }
    lx.arena = arena;
    lx.in = in;
    lx.len = len;
    lx.escape = escape;
    lx.quotes = !heredoc;
    lx.names = !(flags & TFL_EXPAND_NO_NAMES);
    lx.env = env;
    if (flags & TFL_EXPAND_NO_VALUE) {
        res.sink = true;
        res.data = nothing;
    } else {
        res.scratch = true;
        res.data = stack;
        res.cap = sizeof stack;
    }

    rc = scan_until(&lx, -1, heredoc, &res, w);
    if (rc == OK && w)
        rc = words_flush(&lx, w);
    if (rc == OK && !res.sink &&
        !(out->value = tfl_arena_strndup(arena, res.data, res.len)))
        rc = OOM;
    if (res.heap)
        free(res.data);
    if (rc == OOM) {
        out->value = NULL;
        return -1;
    }
    out->refs = lx.refs;
    out->nrefs = lx.nrefs;
    if (rc == BAD) {
        out->error = lx.error;
        out->error_off = (uint32_t)lx.error_off;
        return 1;
    }
    if (!res.sink)
        out->len = res.len;
    return 0;
}

int tfl_expand(tfl_arena *arena, const char *in, size_t len, char escape,
               unsigned flags, const tfl_env *env, tfl_expansion *out)
{
    if (flags & TFL_EXPAND_HEREDOC)
        escape = '\\';
    return run(arena, in, len, escape, flags, env, NULL, out);
}

int tfl_expand_word(tfl_arena *arena, const char *in, size_t len, char escape,
                    const tfl_env *env, tfl_expansion *out)
{
    return run(arena, in, len, escape, 0, env, NULL, out);
}

int tfl_expand_words(tfl_arena *arena, const char *in, size_t len, char escape,
                     const tfl_env *env, tfl_expansion *out)
{
    words w = {0};
    int rc = run(arena, in, len, escape, 0, env, &w, out);

    if (rc == 0) {
        out->words = w.items;
        out->word_lens = w.lens;
        out->nwords = w.n;
    }
    return rc;
}

int tfl_expand_heredoc(tfl_arena *arena, const char *in, size_t len,
                       const tfl_env *env, tfl_expansion *out)
{
    return run(arena, in, len, '\\', TFL_EXPAND_HEREDOC, env, NULL, out);
}
