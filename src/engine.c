/*
 * Rule engine. One file at a time: copy the bytes into the file's arena,
 * parse, run each enabled rule, then drop the findings that a comment
 * suppresses and sort the rest by position.
 *
 * Suppression comments, matched against rule ids, names and aliases:
 *   # tflint ignore=TF201,root-user     the next instruction
 *   # hadolint ignore=DL3002            the next instruction
 *   # check=skip=JSONArgsRecommended    the next instruction (BuildKit)
 *   # tflint global ignore=TF111        the whole file
 *   # hadolint global ignore=DL3006     the whole file
 *   # check=skip=...                    the whole file, in the directive
 *                                       block at the top (BuildKit)
 * "Next instruction" means the comment stands in the block of comment lines
 * directly above it. Text after the list (a reason) is allowed.
 */
#include "tflint/engine.h"
#include "tflint/encoding.h"
#include "tflint/buf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes8.h"
#include "parser_impl.h" /* TFL_MAX_LINE */

int tfl_config_init(tfl_config *cfg)
{
    size_t n;

    memset(cfg, 0, sizeof *cfg);
    tfl_rules(&n);
    cfg->threshold = TFL_SEV_WARNING;
    cfg->nrules = n;
    cfg->disabled = calloc(n ? n : 1, 1);
    cfg->severity = malloc(n ? n : 1);
    if (!cfg->disabled || !cfg->severity) {
        tfl_config_free(cfg);
        return -1;
    }
    memset(cfg->severity, -1, n);
    cfg->safe_id_min = 10000;
    cfg->safe_id_max = 65535;
    return 0;
}

const char *tfl_config_build_arg(const tfl_config *cfg, const char *name,
                                 size_t len)
{
    size_t i;
    const char *found = NULL;

    /* The last --build-arg of a name wins, as with docker build. */
    for (i = 0; i < cfg->nbuild_args; i++)
        if (strlen(cfg->build_args[i].name) == len &&
            memcmp(cfg->build_args[i].name, name, len) == 0)
            found = cfg->build_args[i].value;
    return found;
}

void tfl_config_free(tfl_config *cfg)
{
    free(cfg->disabled);
    free(cfg->severity);
    cfg->disabled = NULL;
    cfg->severity = NULL;
}

int tfl_config_ignore(tfl_config *cfg, const char *name)
{
    const tfl_rule *r = tfl_rule_lookup(name);

    if (!r)
        return -1;
    cfg->disabled[tfl_rule_index(r)] = 1;
    return 0;
}

int tfl_config_set_severity(tfl_config *cfg, const char *name, tfl_severity sev)
{
    const tfl_rule *r = tfl_rule_lookup(name);

    if (!r || sev > TFL_SEV_ERROR)
        return -1;
    cfg->severity[tfl_rule_index(r)] = (signed char)sev;
    return 0;
}

tfl_severity tfl_config_severity(const tfl_config *cfg, const tfl_rule *rule)
{
    size_t i = tfl_rule_index(rule);

    if (i < cfg->nrules && cfg->severity[i] >= 0)
        return (tfl_severity)cfg->severity[i];
    return rule->severity;
}

const char *tfl_severity_name(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_STYLE:
        return "style";
    case TFL_SEV_INFO:
        return "info";
    case TFL_SEV_WARNING:
        return "warning";
    case TFL_SEV_ERROR:
        return "error";
    case TFL_SEV_NONE:
        break;
    }
    return "none";
}

int tfl_severity_parse(const char *name)
{
    static const char *const names[] = {"style", "info", "warning", "error",
                                        "none"};
    int i;

    if (strcmp(name, "note") == 0)
        return TFL_SEV_INFO;
    for (i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* --- Reporting ------------------------------------------------------------ */

/*
 * A message format read once: the literal bytes before each conversion
 * and after the last, and the conversions (a letter each: s d u, 'l' for
 * %lu, 'q' for %llu, 'z' for %zu, '%' for %%) with the bytes of `fmt` they
 * take. Rules report with a few dozen constant formats, many times each.
 */
#define PLAN_CONVS 12
#define PLAN_SLOTS 64

typedef struct fmt_plan {
    const char *fmt; /* NULL: an empty slot */
    unsigned nconv;
    uint16_t lit[PLAN_CONVS + 1];
    char conv[PLAN_CONVS];
    unsigned char width[PLAN_CONVS];
} fmt_plan;

/* Read `fmt` into `p`; false when it has a conversion format_msg() does
 * not do (a flag, a width, a precision), too many, or a literal run too
 * long to count. */
static bool plan_read(fmt_plan *p, const char *fmt)
{
    const char *f = fmt;

    p->nconv = 0;
    for (;;) {
        const char *pct = strchr(f, '%');
        size_t len = pct ? (size_t)(pct - f) : strlen(f);
        char c;
        unsigned w = 2;

        if (len > UINT16_MAX)
            return false;
        p->lit[p->nconv] = (uint16_t)len;
        if (!pct)
            break;
        c = pct[1];
        if (p->nconv == PLAN_CONVS)
            return false;
        if (pct[1] == 'l' && pct[2] == 'u') {
            c = 'l';
            w = 3;
        } else if (pct[1] == 'l' && pct[2] == 'l' && pct[3] == 'u') {
            c = 'q';
            w = 4;
        } else if (pct[1] == 'z' && pct[2] == 'u') {
            w = 3;
        } else if (c != '%' && c != 's' && c != 'd' && c != 'u') {
            return false;
        }
        p->conv[p->nconv] = c;
        p->width[p->nconv++] = (unsigned char)w;
        f = pct + w;
    }
    p->fmt = fmt;
    return true;
}

/* The plan of `fmt`, from a per-thread cache keyed by the format's
 * address; NULL when format_msg() cannot do the format. */
static const fmt_plan *plan_of(const char *fmt)
{
    static _Thread_local fmt_plan plans[PLAN_SLOTS];
    uint64_t key = (uint64_t)(uintptr_t)fmt * 0x9e3779b97f4a7c15ULL;
    fmt_plan *p = &plans[key >> 58];

    if (p->fmt == fmt)
        return p;
    p->fmt = NULL;
    return plan_read(p, fmt) ? p : NULL;
}

/*
 * Format a finding's message into `out` (`cap` bytes) as vsnprintf would,
 * for the conversions rules use: %s, %d, %u, %lu, %llu, %zu and %%.
 * Returns the length, or -1 for anything else (a flag, a width, a NULL
 * string) or a message longer than `cap`: the caller then asks vsnprintf.
 * printf costs more than the rest of reporting a finding.
 */
static long format_msg(char *out, size_t cap, const char *fmt, va_list ap)
{
    const fmt_plan *p = plan_of(fmt);
    size_t n = 0, k;

    if (!p)
        return -1;
    for (k = 0;; k++) {
        unsigned long long v = 0;
        const char *str = NULL;
        char num[24], *d = num + sizeof num;
        size_t len = p->lit[k];
        bool neg = false;

        if (len >= cap - n)
            return -1;
        tfl_copy_small(out + n, fmt, len);
        n += len;
        fmt += len;
        if (k == p->nconv)
            break;
        switch (p->conv[k]) {
        case '%':
            str = "%";
            break;
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                return -1;
            break;
        case 'd': {
            int x = va_arg(ap, int);

            neg = x < 0;
            v = neg ? 0ULL - (unsigned long long)x : (unsigned long long)x;
            break;
        }
        case 'u':
            v = va_arg(ap, unsigned);
            break;
        case 'l':
            v = va_arg(ap, unsigned long);
            break;
        case 'q':
            v = va_arg(ap, unsigned long long);
            break;
        default: /* 'z' */
            v = va_arg(ap, size_t);
            break;
        }
        fmt += p->width[k];
        if (!str) {
            d = tfl_uint_digits(d, v);
            if (neg)
                *--d = '-';
            str = d;
            len = (size_t)(num + sizeof num - d);
        } else {
            len = strlen(str);
        }
        if (len >= cap - n)
            return -1;
        tfl_copy_small(out + n, str, len);
        n += len;
    }
    out[n] = '\0';
    return (long)n;
}

/* Findings of a file before its messages are shared (see intern_msg). */
#define INTERN_AFTER 256

struct tfl_msg_slot {
    const char *text; /* NULL: free slot */
    uint32_t len, hash;
};

__extension__ typedef unsigned __int128 u128;

/* The two halves of a * b folded into one word. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    u128 r = (u128)a * b;

    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Sixteen bytes a multiplication: messages run to a hundred bytes and
 * more, and a byte-wise hash was most of what reporting a finding cost.
 * The last sixteen (or fewer) bytes are read as words that may overlap
 * those before, without a call to memcpy. */
static uint32_t hash_msg(const char *s, size_t n)
{
    const uint64_t k1 = 0xa0761d6478bd642fULL, k2 = 0xe7037ed1a0b428dbULL;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, a = 0, b = 0;
    size_t i;

    for (i = 0; n - i > 16; i += 16)
        h = mum(tfl_load8(s + i) ^ k1 ^ h, tfl_load8(s + i + 8) ^ k2);
    if (n >= 16) {
        a = tfl_load8(s + n - 16);
        b = tfl_load8(s + n - 8);
    } else if (n >= 8) {
        a = tfl_load8(s);
        b = tfl_load8(s + n - 8);
    } else if (n >= 4) {
        uint32_t x, y;

        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        a = x;
        b = y;
    } else if (n) {
        a = (uint64_t)(unsigned char)s[0] |
            (uint64_t)(unsigned char)s[n / 2] << 8 |
            (uint64_t)(unsigned char)s[n - 1] << 16;
    }
    h = mum(a ^ k1 ^ h, b ^ k2 ^ n);
    return (uint32_t)(h ^ (h >> 32));
}

/* Double the set (it starts at 256 slots); false when memory runs out.
 * The set is on the heap, where the outgrown table is given back, and the
 * last one after the rules (tfl_ctx_release). */
static bool grow_msgs(tfl_ctx *ctx)
{
    size_t cap = ctx->msgs_cap ? ctx->msgs_cap * 2 : 256, i, k;
    struct tfl_msg_slot *t = calloc(cap, sizeof *t);

    if (!t)
        return false;
    for (i = 0; i < ctx->msgs_cap; i++) {
        if (!ctx->msgs[i].text)
            continue;
        for (k = ctx->msgs[i].hash & (cap - 1); t[k].text;
             k = (k + 1) & (cap - 1))
            ;
        t[k] = ctx->msgs[i];
    }
    free(ctx->msgs);
    ctx->msgs = t;
    ctx->msgs_cap = cap;
    return true;
}

void tfl_ctx_release(tfl_ctx *ctx)
{
    free(ctx->msgs);
    ctx->msgs = NULL;
    ctx->nmsgs = ctx->msgs_cap = 0;
}

/* The arena copy of message `s` (`n` bytes), shared with every finding
 * that says the same; NULL when memory runs out. */
static const char *intern_msg(tfl_ctx *ctx, const char *s, size_t n)
{
    struct tfl_msg_slot *slot;
    size_t k;
    uint32_t h;
    char *copy;

    /* A file with few findings has little to share: the set would cost
     * more than it saves, in time as in memory. */
    if (ctx->nfindings < INTERN_AFTER || n > UINT32_MAX)
        return tfl_arena_strndup(ctx->arena, s, n);
    if (2 * (ctx->nmsgs + 1) > ctx->msgs_cap && !grow_msgs(ctx))
        return NULL;
    h = hash_msg(s, n);
    for (k = h & (ctx->msgs_cap - 1);; k = (k + 1) & (ctx->msgs_cap - 1)) {
        slot = &ctx->msgs[k];
        if (!slot->text)
            break;
        if (slot->hash == h && slot->len == n && memcmp(slot->text, s, n) == 0)
            return slot->text;
    }
    copy = tfl_arena_strndup(ctx->arena, s, n);
    if (copy) {
        slot->text = copy;
        slot->len = (uint32_t)n;
        slot->hash = h;
        ctx->nmsgs++;
    }
    return copy;
}

tfl_finding *tfl_report(tfl_ctx *ctx, tfl_span span, const char *fmt, ...)
{
    tfl_finding *f;
    va_list ap, again;
    char tmp[1024];
    const char *msg;
    long n;

    if (ctx->oom)
        return NULL;
    va_start(ap, fmt);
    va_copy(again, ap);
    n = format_msg(tmp, sizeof tmp, fmt, ap);
    if (n >= 0)
        msg = intern_msg(ctx, tmp, (size_t)n);
    else
        msg = tfl_arena_vprintf(ctx->arena, fmt, again);
    va_end(again);
    va_end(ap);
    if (!msg) {
        ctx->oom = true;
        return NULL;
    }
    if (ctx->nfindings < ctx->cap) {
        f = &ctx->findings[ctx->nfindings++];
        memset(f, 0, sizeof *f);
    } else if (!(f = tfl_arena_push(ctx->arena, (void **)&ctx->findings,
                                    &ctx->nfindings, &ctx->cap, sizeof *f))) {
        ctx->oom = true;
        return NULL;
    }
    /* the rule's severity, looked up once for all its findings */
    if (ctx->severity_of != ctx->rule) {
        ctx->severity_of = ctx->rule;
        ctx->severity = tfl_config_severity(ctx->config, ctx->rule);
    }
    f->rule = ctx->rule;
    f->severity = ctx->severity;
    f->message = msg;
    f->span = span;
    return f;
}

void tfl_finding_related(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                         const char *message)
{
    tfl_related *r;

    if (f->nrelated == UINT16_MAX)
        return; /* no more fit (see tfl_finding) */
    r = tfl_arena_alloc(ctx->arena, (f->nrelated + 1) * sizeof *r);
    if (!r) {
        ctx->oom = true;
        return;
    }
    if (f->nrelated)
        memcpy(r, f->related, f->nrelated * sizeof *r);
    r[f->nrelated].span = span;
    r[f->nrelated].message =
        tfl_arena_strndup(ctx->arena, message, strlen(message));
    f->related = r;
    f->nrelated++;
}

void tfl_finding_fix(tfl_ctx *ctx, tfl_finding *f, tfl_span span,
                     const char *text, const char *description)
{
    tfl_fix *x;

    if (f->nfixes == UINT16_MAX)
        return; /* no more fit (see tfl_finding) */
    x = tfl_arena_alloc(ctx->arena, (f->nfixes + 1) * sizeof *x);
    if (!x) {
        ctx->oom = true;
        return;
    }
    if (f->nfixes)
        memcpy(x, f->fixes, f->nfixes * sizeof *x);
    x[f->nfixes].span = span;
    x[f->nfixes].text = tfl_arena_strndup(ctx->arena, text, strlen(text));
    x[f->nfixes].description =
        tfl_arena_strndup(ctx->arena, description, strlen(description));
    f->fixes = x;
    f->nfixes++;
}

/* --- Suppression ---------------------------------------------------------- */

/* Mark in `skip` (one byte per rule index) every rule the
 * comma-separated list [s, end) names; "all" names every rule. */
static void mark_list(const char *s, const char *end, unsigned char *skip,
                      size_t nrules)
{
    while (s < end) {
        const char *e = s;
        const tfl_rule *r;
        char name[64];
        size_t n;

        while (e < end && *e != ',')
            e++;
        while (s < e && isspace((unsigned char)*s))
            s++;
        n = (size_t)(e - s);
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        if (n && n < sizeof name) {
            memcpy(name, s, n);
            name[n] = '\0';
            if (strcmp(name, "all") == 0)
                memset(skip, 1, nrules);
            else if ((r = tfl_rule_lookup(name)) != NULL)
                skip[tfl_rule_index(r)] = 1;
        }
        s = e + 1;
    }
}

/* Skip `word` and the blanks after it at *p; false when absent. */
static bool eat(const char **p, const char *end, const char *word)
{
    size_t n = strlen(word);

    /* `word` is lower case, of two letters at least: those rule most
     * text out without a call. */
    if ((size_t)(end - *p) < n || ((**p | 0x20) != word[0]) ||
        tolower((unsigned char)(*p)[1]) != word[1] ||
        strncasecmp(*p, word, n) != 0)
        return false;
    *p += n;
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    return true;
}

/* What a comment is to suppression (see pragma_of). */
enum { NOT_PRAGMA, LOCAL_PRAGMA, GLOBAL_PRAGMA };

/* Most comments are prose: one look at the first letter tells that none
 * of the three forms can start at `text` (`len` bytes). */
static inline bool may_be_pragma(const char *text, uint32_t len)
{
    char first = len ? (char)(text[0] | 0x20) : 0;

    return first == 't' || first == 'h' || first == 'c';
}

/*
 * Is comment `c` a pragma: GLOBAL_PRAGMA for a file-wide one (`tflint
 * global ignore=`), LOCAL_PRAGMA for one that applies to the next
 * instruction (`tflint ignore=`, `check=skip=`), else NOT_PRAGMA. For a
 * pragma, [*list, *list_end) is its list.
 */
static int pragma_of(const tfl_doc *doc, const tfl_comment *c,
                     const char **list, const char **list_end)
{
    const char *text = doc->src->data + c->off;
    const char *p = text, *end = text + c->len, *e;
    int kind = LOCAL_PRAGMA;

    if (!may_be_pragma(text, c->len))
        return NOT_PRAGMA;
    if (!eat(&p, end, "tflint") && !eat(&p, end, "hadolint")) {
        /* BuildKit per-instruction form: text after the first space is
         * ignored. */
        if (!eat(&p, end, "check=skip="))
            return NOT_PRAGMA;
    } else {
        if (eat(&p, end, "global"))
            kind = GLOBAL_PRAGMA;
        if (!eat(&p, end, "ignore") || p >= end || *p != '=')
            return NOT_PRAGMA;
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
    }
    e = p;
    while (e < end && *e != ' ' && *e != '\t')
        e++;
    *list = p;
    *list_end = e;
    return kind;
}

/* Mark the rules comment `c` suppresses if it is a pragma of `kind`. */
static void mark_pragma(const tfl_doc *doc, const tfl_comment *c, int kind,
                        unsigned char *skip, size_t nrules)
{
    const char *list, *list_end;

    if (pragma_of(doc, c, &list, &list_end) == kind)
        mark_list(list, list_end, skip, nrules);
}

/*
 * Where an instruction must start for a per-instruction pragma to be in
 * the block of comments above it: [lo, hi) holds the first byte of the
 * line after the pragma up to the end of the first line below it that is
 * neither a comment nor too long to parse (the lines tfl_instr_comments()
 * goes up through). Instructions outside every range have no pragma, and
 * their comments need not be looked up at all.
 */
typedef struct pragma_range {
    uint32_t lo, hi;
} pragma_range;

typedef struct pragma_ranges {
    pragma_range *v;
    size_t n, cap;
    size_t walk;      /* see may_have_pragma() */
    uint32_t last;    /* the offset the walk was last asked about */
    size_t chain_end; /* the comment the last range's walk stopped at */
    uint32_t hi;      /* and the end it found */
    bool oom;
} pragma_ranges;

/* Is 1-based line `x` longer than the parser reads (see too_long() in
 * parser.c)? Such lines do not end a block of comments. */
static bool line_too_long(const tfl_source *src, size_t x)
{
    uint32_t b = x == 1 ? src->bom : src->line_starts[x - 1], e;

    e = x < src->nlines ? src->line_starts[x] - 1 : (uint32_t)src->len;
    while (e > b && (src->data[e - 1] == '\r' || src->data[e - 1] == '\n'))
        e--;
    return e - b > TFL_MAX_LINE;
}

/* Add the range of per-instruction pragma doc->comments[ci]. Pragmas come
 * in order, so a walk down from one never covers lines another walked. */
static void add_pragma_range(const tfl_doc *doc, size_t ci, pragma_ranges *r)
{
    const tfl_source *src = doc->src;
    size_t line = doc->comments[ci].line, m = ci;
    pragma_range *v;

    if (line >= src->nlines)
        return; /* nothing below it */
    if (!(r->n && ci <= r->chain_end)) {
        for (;;) {
            size_t x = line + 1;

            if (x > src->nlines)
                break;
            if (m + 1 < doc->ncomments && doc->comments[m + 1].line == x)
                m++;
            else if (!line_too_long(src, x))
                break;
            line = x;
        }
        /* `line` + 1 is the first line that ends the block (or none) */
        r->chain_end = m;
        r->hi =
            line + 1 < src->nlines ? src->line_starts[line + 1] : UINT32_MAX;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;

        if (!(v = realloc(r->v, cap * sizeof *v))) {
            r->oom = true;
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n].lo = src->line_starts[doc->comments[ci].line];
    r->v[r->n++].hi = r->hi;
}

/* Could a per-instruction pragma stand above `in`? `in_order` when the
 * instructions asked about never go back (disjoint ones, asked in order):
 * the ranges are walked then instead of bisected. */
static bool may_have_pragma(pragma_ranges *r, const tfl_instr *in,
                            bool in_order)
{
    uint32_t p = in->map.pieces[0].src_off; /* see tfl_instr_first_line */
    size_t lo = 0, hi = r->n;

    if (in_order && p >= r->last) {
        /* the ranges' ends grow with their starts: the first range not
         * over before `p` is the one that can hold it */
        r->last = p;
        while (r->walk < r->n && r->v[r->walk].hi <= p)
            r->walk++;
        return r->walk < r->n && r->v[r->walk].lo <= p;
    }
    /* the last range whose start is <= p */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r->v[mid].lo <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && p < r->v[lo - 1].hi;
}

/* Mark the rules skipped by the file-level `# check=skip=...` directive
 * (options separated by ';') and by global pragmas anywhere, and note in
 * `r` where the per-instruction pragmas can apply. */
static void mark_file_skips(const tfl_doc *doc, unsigned char *skip,
                            size_t nrules, pragma_ranges *r)
{
    size_t i;

    for (i = 0; i < doc->ndirectives; i++) {
        const char *v = doc->directives[i].value, *p, *end;

        if (strcmp(doc->directives[i].key, "check") != 0)
            continue;
        end = v + strcspn(v, " ");
        for (p = v; p < end;) {
            const char *e = memchr(p, ';', (size_t)(end - p));

            if (!e)
                e = end;
            while (p < e && isspace((unsigned char)*p))
                p++;
            if ((size_t)(e - p) > 5 && strncmp(p, "skip=", 5) == 0)
                mark_list(p + 5, e, skip, nrules);
            p = e + 1;
        }
    }
    for (i = 0; i < doc->ncomments; i++) {
        const tfl_comment *c = &doc->comments[i];
        const char *list, *list_end;
        int kind;

        if (!may_be_pragma(doc->src->data + c->off, c->len))
            continue;
        kind = pragma_of(doc, c, &list, &list_end);
        if (kind == GLOBAL_PRAGMA)
            mark_list(list, list_end, skip, nrules);
        else if (kind == LOCAL_PRAGMA)
            add_pragma_range(doc, i, r);
    }
}

/* The instruction whose span holds `off`, or NULL. */
static const tfl_instr *instr_at(const tfl_doc *doc, uint32_t off)
{
    size_t lo = 0, hi = doc->ninstrs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const tfl_instr *in = &doc->instrs[mid];

        if (off < in->span.start)
            hi = mid;
        else if (off >= in->span.end &&
                 !(off == in->span.end && in->span.start == in->span.end))
            lo = mid + 1;
        else
            return in;
    }
    return NULL;
}

/* Are the instructions' spans non-empty and apart, in order? Then at most
 * one holds a given offset, and sorted findings can find theirs by walking
 * forward instead of by bisection. */
static bool instrs_disjoint(const tfl_doc *doc)
{
    size_t i;

    for (i = 0; i < doc->ninstrs; i++)
        if (doc->instrs[i].span.start >= doc->instrs[i].span.end ||
            (i + 1 < doc->ninstrs &&
             doc->instrs[i].span.end > doc->instrs[i + 1].span.start))
            return false;
    return true;
}

/* instr_at() for offsets that never decrease between calls, on disjoint
 * instructions; `*at` is where the walk stands (0 at first). */
static const tfl_instr *instr_walk(const tfl_doc *doc, uint32_t off, size_t *at)
{
    size_t i = *at;

    while (i < doc->ninstrs && doc->instrs[i].span.end <= off)
        i++;
    *at = i;
    return i < doc->ninstrs && doc->instrs[i].span.start <= off
               ? &doc->instrs[i]
               : NULL;
}

/*
 * Drop suppressed findings from the sorted array `f`, keeping order;
 * returns how many remain. Each comment is read once: the file's skips up
 * front, an instruction's pragmas when its first finding comes (findings of
 * one instruction are adjacent once sorted). -1 when memory runs out.
 */
static long drop_suppressed(const tfl_doc *doc, tfl_finding *f, size_t n)
{
    size_t nrules, i, k, kept = 0, walk = 0;
    unsigned char *file_skip, *instr_skip;
    const tfl_instr *cur = NULL;
    /* Rule indices by rule record (a search of the table each otherwise,
     * as sorted findings take turns between rules). */
    struct {
        const tfl_rule *rule;
        size_t index;
    } seen[64] = {{NULL, 0}};
    bool disjoint = instrs_disjoint(doc), marked = false;
    pragma_ranges ranges = {NULL, 0, 0, 0, 0, 0, 0, false};

    tfl_rules(&nrules);
    file_skip = calloc(nrules ? nrules * 2 : 2, 1);
    if (!file_skip)
        return -1;
    instr_skip = file_skip + nrules;
    mark_file_skips(doc, file_skip, nrules, &ranges);
    if (ranges.oom) {
        free(ranges.v);
        free(file_skip);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const tfl_instr *in = disjoint ? instr_walk(doc, f[i].span.start, &walk)
                                       : instr_at(doc, f[i].span.start);
        size_t slot = ((uintptr_t)f[i].rule >> 4) & 63, r;

        if (seen[slot].rule != f[i].rule) {
            seen[slot].rule = f[i].rule;
            seen[slot].index = tfl_rule_index(f[i].rule);
        }
        r = seen[slot].index;

        if (in != cur) {
            size_t first = 0, nc = 0;

            if (in && may_have_pragma(&ranges, in, disjoint))
                nc = tfl_instr_comments(doc, in, &first);
            cur = in;
            if (marked)
                memset(instr_skip, 0, nrules);
            marked = nc > 0;
            for (k = 0; k < nc; k++)
                mark_pragma(doc, &doc->comments[first + k], LOCAL_PRAGMA,
                            instr_skip, nrules);
        }
        if (!file_skip[r] && !instr_skip[r])
            f[kept++] = f[i];
    }
    free(ranges.v);
    free(file_skip);
    return (long)kept;
}

/* The order of findings: position, rule id, end, message. */
static int cmp_findings(const tfl_finding *a, const tfl_finding *b)
{
    int c;

    if (a->span.start != b->span.start)
        return a->span.start < b->span.start ? -1 : 1;
    c = strcmp(a->rule->id, b->rule->id);
    if (c)
        return c;
    if (a->span.end != b->span.end)
        return a->span.end < b->span.end ? -1 : 1;
    return strcmp(a->message, b->message);
}

/*
 * Sort the indices idx[0..n) of findings `f` by cmp_findings(), keeping
 * the order of those that compare equal (a merge sort; `tmp` has room for
 * n indices). Runs of up to 16 are sorted by insertion.
 */
static void sort_idx(const tfl_finding *f, uint32_t *idx, uint32_t *tmp,
                     size_t n)
{
    size_t i, j, k, mid = n / 2;

    if (n <= 16) {
        for (i = 1; i < n; i++) {
            uint32_t x = idx[i];

            for (j = i; j > 0 && cmp_findings(&f[idx[j - 1]], &f[x]) > 0; j--)
                idx[j] = idx[j - 1];
            idx[j] = x;
        }
        return;
    }
    sort_idx(f, idx, tmp, mid);
    sort_idx(f, idx + mid, tmp, n - mid);
    if (cmp_findings(&f[idx[mid - 1]], &f[idx[mid]]) <= 0)
        return; /* already in order, as the output of one rule is */
    memcpy(tmp, idx, mid * sizeof *idx);
    for (i = 0, j = mid, k = 0; i < mid && j < n; k++)
        idx[k] = cmp_findings(&f[idx[j]], &f[tmp[i]]) < 0 ? idx[j++] : tmp[i++];
    while (i < mid)
        idx[k++] = tmp[i++];
}

/* Radix digits of the start offsets: three of them cover 64 MiB. */
#define DIGIT_BITS 11
#define NDIGITS ((size_t)1 << DIGIT_BITS)

/*
 * Order `idx` (n indices of `f`, in emission order) by span start, stably,
 * one radix digit a pass (`tmp` has room for n indices, `count` for
 * NDIGITS counts). Returns the array the result ended up in.
 */
static uint32_t *radix_by_start(const tfl_finding *f, uint32_t *idx,
                                uint32_t *tmp, size_t *count, size_t n)
{
    uint32_t max = 0, *t;
    unsigned shift;
    size_t i, sum;

    for (i = 0; i < n; i++)
        if (f[i].span.start > max)
            max = f[i].span.start;
    for (shift = 0; shift == 0 || (shift < 32 && (max >> shift));
         shift += DIGIT_BITS) {
        memset(count, 0, NDIGITS * sizeof *count);
        for (i = 0; i < n; i++)
            count[(f[idx[i]].span.start >> shift) & (NDIGITS - 1)]++;
        for (i = 0, sum = 0; i < NDIGITS; i++) {
            size_t c = count[i];

            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            tmp[count[(f[idx[i]].span.start >> shift) & (NDIGITS - 1)]++] =
                idx[i];
        t = idx;
        idx = tmp;
        tmp = t;
    }
    return idx;
}

/* Put f[idx[i]] at f[i] for every i, following the permutation's cycles
 * (`idx` is used up). */
static void permute(tfl_finding *f, uint32_t *idx, size_t n)
{
    size_t i, j, k;

    for (i = 0; i < n; i++) {
        tfl_finding keep;

        if (idx[i] == i)
            continue;
        keep = f[i];
        for (j = i; (k = idx[j]) != i; j = k) {
            f[j] = f[k];
            idx[j] = (uint32_t)j;
        }
        f[j] = keep;
        idx[j] = (uint32_t)j;
    }
}

/*
 * Sort findings `f` by cmp_findings(), equal ones in the order they were
 * reported. Most of a big file's findings differ in their start: a radix
 * sort of indices by start does the work, and only findings that share a
 * start are compared. Returns 0, or -1 when memory runs out.
 */
static int sort_findings(tfl_finding *f, size_t n)
{
    uint32_t *mem, *idx, *tmp;
    size_t *count = NULL, i, j;

    if (n < 2)
        return 0;
    if (n > UINT32_MAX || !(mem = malloc(2 * n * sizeof *mem)))
        return -1;
    idx = mem;
    tmp = mem + n;
    for (i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    if (n <= 64) {
        sort_idx(f, idx, tmp, n);
    } else {
        if (!(count = malloc(NDIGITS * sizeof *count))) {
            free(mem);
            return -1;
        }
        idx = radix_by_start(f, idx, tmp, count, n);
        tmp = idx == mem ? mem + n : mem;
        for (i = 0; i < n; i = j) {
            for (j = i + 1;
                 j < n && f[idx[j]].span.start == f[idx[i]].span.start; j++)
                ;
            if (j - i > 1)
                sort_idx(f, idx + i, tmp, j - i);
        }
    }
    permute(f, idx, n);
    free(count);
    free(mem);
    return 0;
}

/* --- Linting -------------------------------------------------------------- */

/* An empty document whose one error says the file is not UTF-8. */
static int foreign_encoding(tfl_arena *a, const tfl_source *src, tfl_doc *doc,
                            const char *enc, size_t bom)
{
    memset(doc, 0, sizeof *doc);
    doc->src = src;
    doc->escape = '\\';
    doc->errors = tfl_arena_alloc(a, sizeof *doc->errors);
    if (!doc->errors)
        return -1;
    doc->errors[0].message =
        tfl_arena_printf(a, "not UTF-8 (%s byte-order mark)", enc);
    if (!doc->errors[0].message)
        return -1;
    doc->errors[0].span.start = 0;
    doc->errors[0].span.end = (uint32_t)bom;
    doc->nerrors = 1;
    doc->parser_failed = true;
    return 0;
}

/* Index, parse and check `data` (in the arena's care), filling `out`. */
static int lint(const tfl_config *cfg, const char *path, char *data, size_t len,
                tfl_result *out)
{
    const tfl_rule *const *rules;
    const char *enc;
    size_t nrules, i, kept, bom;
    long nkept;
    tfl_ctx ctx;

    path = tfl_arena_strndup(&out->arena, path, strlen(path));
    if (!path)
        goto oom;
    if (tfl_source_init(&out->src, &out->arena, path, data, len) != 0)
        goto oom;
    if ((enc = tfl_encoding_foreign_bom(data, len, &bom)) != NULL) {
        /* Nothing to parse: one TF100 finding says why. */
        if (foreign_encoding(&out->arena, &out->src, &out->doc, enc, bom))
            goto oom;
    } else if (tfl_parse(&out->arena, &out->src, &out->doc) != 0) {
        goto oom;
    }

    memset(&ctx, 0, sizeof ctx);
    ctx.doc = &out->doc;
    ctx.src = &out->src;
    ctx.arena = &out->arena;
    ctx.config = cfg;
    rules = tfl_rules(&nrules);
    for (i = 0; i < nrules; i++) {
        if (i < cfg->nrules && cfg->disabled[i])
            continue;
        ctx.rule = rules[i];
        rules[i]->check(&ctx);
    }
    tfl_ctx_release(&ctx);
    if (ctx.oom)
        goto oom;

    if (sort_findings(ctx.findings, ctx.nfindings) != 0)
        goto oom;
    nkept = drop_suppressed(&out->doc, ctx.findings, ctx.nfindings);
    if (nkept < 0)
        goto oom;
    kept = (size_t)nkept;
    out->findings = ctx.findings;
    out->nfindings = kept;
    out->worst = TFL_SEV_NONE;
    for (i = 0; i < kept; i++)
        if (out->worst == TFL_SEV_NONE || ctx.findings[i].severity > out->worst)
            out->worst = ctx.findings[i].severity;
    return 0;

oom:
    tfl_arena_free(&out->arena);
    memset(out, 0, sizeof *out);
    return -1;
}

int tfl_lint_buffer(const tfl_config *cfg, const char *path, const char *data,
                    size_t len, tfl_result *out)
{
    char *copy;

    memset(out, 0, sizeof *out);
    tfl_arena_init(&out->arena);
    copy = tfl_arena_alloc(&out->arena, len + 1);
    if (!copy) {
        tfl_arena_free(&out->arena);
        return -1;
    }
    /* The bytes must be in place before the source is indexed. */
    if (len)
        memcpy(copy, data, len);
    return lint(cfg, path, copy, len, out);
}

int tfl_lint_take(const tfl_config *cfg, const char *path, char *data,
                  size_t len, tfl_result *out)
{
    memset(out, 0, sizeof *out);
    tfl_arena_init(&out->arena);
    if (tfl_arena_adopt(&out->arena, data) != 0) {
        free(data);
        tfl_arena_free(&out->arena);
        return -1;
    }
    return lint(cfg, path, data, len, out);
}

void tfl_result_free(tfl_result *res)
{
    tfl_arena_free(&res->arena);
    memset(res, 0, sizeof *res);
}
