/*
 * BuildKit's instruction layer (frontend/dockerfile/instructions): what the
 * parser accepts but the builder then refuses. Each problem becomes a TF100
 * entry in doc->errors at the word responsible; checking goes on past it,
 * so one run shows every problem of the file.
 *
 * Flags: each instruction declares its flags and their types. A string flag
 * needs `=value`; a bool flag may be bare or `=true`/`=false`; only list
 * flags may repeat. ARG, STOPSIGNAL and HEALTHCHECK NONE never look at their
 * flags, so anything goes there.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser_impl.h"

typedef enum { F_STRING, F_LIST, F_BOOL, F_DURATION, F_INT } flag_type;

typedef struct flag_spec {
    const char *name;
    flag_type type;
} flag_spec;

static const flag_spec from_flags[] = {{"platform", F_STRING}, {NULL, 0}};
static const flag_spec run_flags[] = {{"mount", F_LIST},
                                      {"network", F_STRING},
                                      {"security", F_STRING},
                                      {"device", F_LIST},
                                      {NULL, 0}};
static const flag_spec copy_flags[] = {
    {"from", F_STRING}, {"chown", F_STRING}, {"chmod", F_STRING},
    {"link", F_BOOL},   {"parents", F_BOOL}, {"exclude", F_LIST},
    {NULL, 0}};
static const flag_spec add_flags[] = {
    {"chown", F_STRING},      {"chmod", F_STRING},
    {"checksum", F_STRING},   {"link", F_BOOL},
    {"keep-git-dir", F_BOOL}, {"unpack", F_BOOL},
    {"exclude", F_LIST},      {NULL, 0}};
static const flag_spec health_flags[] = {
    {"interval", F_DURATION},     {"timeout", F_DURATION},
    {"start-period", F_DURATION}, {"start-interval", F_DURATION},
    {"retries", F_INT},           {NULL, 0}};
static const flag_spec no_flags[] = {{NULL, 0}};

typedef struct checker {
    tfl_arena *a;
    tfl_doc *doc;
    size_t *cap;
    bool oom;
} checker;

#define FAIL(c, span, ...)                                                     \
    do {                                                                       \
        if (!tfl_doc_error((c)->a, (c)->doc, (c)->cap, (span), __VA_ARGS__))   \
            (c)->oom = true;                                                   \
    } while (0)

size_t tfl_edit_distance(const char *a, const char *b, size_t max)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[64];

    if (la >= 63 || lb >= 63)
        return max + 1;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t prev = row[0], best;
        row[0] = i;
        best = row[0];
        for (j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                                  tolower((unsigned char)b[j - 1])
                              ? 0
                              : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[lb] > max ? max + 1 : row[lb];
}

/* Span of all arguments, or of the keyword when there are none. */
static tfl_span args_span(const tfl_doc *doc, const tfl_instr *in)
{
    tfl_span s = tfl_instr_keyword_span(doc, in);

    if (in->nargs) {
        s.start = in->args[0].span.start;
        s.end = in->args[in->nargs - 1].span.end;
    }
    return s;
}

/* Go's time.ParseDuration, enough to tell valid from invalid and to
 * compare with one millisecond. Sets *ns (saturating). */
static bool parse_duration(const char *s, double *ns)
{
    static const struct {
        const char *unit;
        double mult;
    } units[] = {{"ns", 1},          {"us", 1e3},  {"\xC2\xB5s", 1e3},
                 {"\xCE\xBCs", 1e3}, {"ms", 1e6},  {"s", 1e9},
                 {"m", 60e9},        {"h", 3600e9}};
    double total = 0;
    bool neg = false;

    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return true;
    }
    if (*s == '\0')
        return false;
    while (*s) {
        char *end;
        double v;
        size_t k, best = 0, bestlen = 0;

        if (!isdigit((unsigned char)*s) && *s != '.')
            return false;
        v = strtod(s, &end);
        if (end == s)
            return false;
        s = end;
        for (k = 0; k < sizeof units / sizeof units[0]; k++) {
            size_t n = strlen(units[k].unit);
            if (strncmp(s, units[k].unit, n) == 0 && n > bestlen) {
                best = k;
                bestlen = n;
            }
        }
        if (bestlen == 0)
            return false;
        total += v * units[best].mult;
        s += bestlen;
    }
    *ns = neg ? -total : total;
    return true;
}

static void check_flags_of(checker *c, const tfl_instr *in,
                           const flag_spec *specs)
{
    size_t i, j, k;

    for (i = 0; i < in->nflags; i++) {
        const tfl_flag *f = &in->flags[i];
        const flag_spec *spec = NULL;

        for (k = 0; specs[k].name; k++)
            if (strcmp(specs[k].name, f->name) == 0)
                spec = &specs[k];
        if (!spec) {
            const char *best = NULL;
            size_t bd = 3;
            for (k = 0; specs[k].name; k++) {
                size_t d = tfl_edit_distance(f->name, specs[k].name, 2);
                if (d < bd) {
                    bd = d;
                    best = specs[k].name;
                }
            }
            if (best)
                FAIL(c, f->word.span, "unknown flag: --%s (did you mean --%s?)",
                     f->name, best);
            else
                FAIL(c, f->word.span, "unknown flag: --%s", f->name);
            continue;
        }
        for (j = 0; j < i && spec->type != F_LIST; j++)
            if (strcmp(in->flags[j].name, f->name) == 0)
                break;
        if (spec->type != F_LIST && j < i) {
            FAIL(c, f->word.span, "duplicate flag specified: --%s", f->name);
            continue;
        }
        switch (spec->type) {
        case F_BOOL:
            if (f->value && strcasecmp(f->value, "true") != 0 &&
                strcasecmp(f->value, "false") != 0)
                FAIL(c, f->word.span,
                     "expecting boolean value for flag --%s, not: %s", f->name,
                     f->value);
            break;
        case F_STRING:
        case F_LIST:
            if (!f->value)
                FAIL(c, f->word.span, "missing a value on flag: --%s", f->name);
            break;
        case F_DURATION: {
            double ns;
            if (!f->value) {
                FAIL(c, f->word.span, "missing a value on flag: --%s", f->name);
            } else if (!parse_duration(f->value, &ns)) {
                FAIL(c, f->word.span, "time: invalid duration \"%s\"",
                     f->value);
            } else if (ns != 0 && ns < 1e6) {
                FAIL(c, f->word.span, "--%s cannot be less than 1ms (got %s)",
                     f->name, f->value);
            }
            break;
        }
        case F_INT: {
            char *end;
            long v;
            if (!f->value) {
                FAIL(c, f->word.span, "missing a value on flag: --%s", f->name);
                break;
            }
            v = strtol(f->value, &end, 10);
            if (*f->value == '\0' || *end != '\0')
                FAIL(c, f->word.span,
                     "invalid value for --%s: '%s' is not a number", f->name,
                     f->value);
            else if (v < 0)
                FAIL(c, f->word.span, "--%s cannot be negative (%ld)", f->name,
                     v);
            break;
        }
        }
    }
}

/* check_flags_of(), called only for the few instructions with flags. */
static inline void check_flags(checker *c, const tfl_instr *in,
                               const flag_spec *specs)
{
    if (in->nflags)
        check_flags_of(c, in, specs);
}

static bool valid_stage_name(const char *s)
{
    if (!islower((unsigned char)tolower((unsigned char)*s)) ||
        !isalpha((unsigned char)*s))
        return false;
    for (s++; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

static void check_from(checker *c, const tfl_instr *in)
{
    check_flags(c, in, from_flags);
    if (in->nargs != 1 && in->nargs != 3) {
        FAIL(c, args_span(c->doc, in),
             "FROM requires either one or three arguments");
        return;
    }
    if (in->nargs == 3) {
        if (strcasecmp(in->args[1].text, "as") != 0) {
            FAIL(c, args_span(c->doc, in),
                 "FROM requires either one or three arguments");
            return;
        }
        if (!valid_stage_name(in->args[2].text))
            FAIL(c, in->args[2].span,
                 "invalid name for build stage: \"%s\", name can't start "
                 "with a number or contain symbols",
                 in->args[2].text);
    }
}

static bool is_heredoc_word(const char *s)
{
    while (isdigit((unsigned char)*s))
        s++;
    return s[0] == '<' && s[1] == '<';
}

static void check_healthcheck(checker *c, const tfl_instr *in)
{
    const char *type;

    if (in->nargs == 0) {
        FAIL(c, tfl_instr_keyword_span(c->doc, in),
             "HEALTHCHECK requires at least one argument");
        return;
    }
    type = in->args[0].text;
    if (strcasecmp(type, "NONE") == 0) {
        if (in->nargs > 1)
            FAIL(c, args_span(c->doc, in),
                 "HEALTHCHECK NONE takes no arguments");
        return;
    }
    check_flags(c, in, health_flags);
    if (strcasecmp(type, "CMD") != 0) {
        FAIL(c, in->args[0].span,
             "Unknown type \"%s\" in HEALTHCHECK (try CMD)", type);
        return;
    }
    if (in->nargs < 2)
        FAIL(c, in->args[0].span, "Missing command after HEALTHCHECK CMD");
}

static void check_copy(checker *c, const tfl_instr *in, const char *kw)
{
    check_flags(c, in, in->kind == TFL_ADD ? add_flags : copy_flags);
    if (in->nargs < 2) {
        FAIL(c, args_span(c->doc, in),
             "%s requires at least two arguments, but only one was provided. "
             "Destination could not be determined",
             kw);
        return;
    }
    if (in->nheredocs && is_heredoc_word(in->args[in->nargs - 1].text))
        FAIL(c, in->args[in->nargs - 1].span,
             "%s cannot accept a heredoc as a destination", kw);
}

static void check_pairs(checker *c, const tfl_instr *in, const char *kw)
{
    size_t i;

    check_flags(c, in, no_flags);
    if (in->npairs == 0) {
        /* A non-empty text without pairs already has a parser error. */
        tfl_word w;

        if (in->nargs || in->inline_comment)
            return;
        w = tfl_instr_keyword(c->doc, in);
        if (w.off + w.len >= in->line_len)
            FAIL(c, w.span, "%s requires at least one argument", kw);
        return;
    }
    for (i = 0; i < in->npairs; i++)
        if (in->pairs[i].key.len == 0)
            FAIL(c, in->pairs[i].key.span, "%s names can not be blank", kw);
}

static void check_one_arg(checker *c, const tfl_instr *in, const char *kw)
{
    check_flags(c, in, no_flags);
    if (in->nargs != 1)
        FAIL(c, tfl_instr_keyword_span(c->doc, in),
             "%s requires exactly one argument", kw);
}

static void check_instr(checker *c, const tfl_instr *in)
{
    const char *kw = tfl_kind_name(in->kind);
    const tfl_instr *trig;
    size_t i;

    switch (in->kind) {
    case TFL_FROM:
        check_from(c, in);
        break;
    case TFL_RUN:
        check_flags(c, in, run_flags);
        break;
    case TFL_COPY:
    case TFL_ADD:
        check_copy(c, in, kw);
        break;
    case TFL_HEALTHCHECK:
        check_healthcheck(c, in);
        break;
    case TFL_ENV:
    case TFL_LABEL:
        check_pairs(c, in, kw);
        break;
    case TFL_ARG:
        if (in->nargs == 0)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "ARG requires at least one argument");
        for (i = 0; i < in->nargs; i++)
            if (in->args[i].text[0] == '=')
                FAIL(c, in->args[i].span, "ARG names can not be blank");
        break;
    case TFL_USER:
    case TFL_WORKDIR:
    case TFL_MAINTAINER:
        check_one_arg(c, in, kw);
        break;
    case TFL_STOPSIGNAL:
        if (in->nargs != 1)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "%s requires exactly one argument", kw);
        break;
    case TFL_SHELL:
        check_flags(c, in, no_flags);
        if (in->nargs == 0 && !in->json_invalid)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "SHELL requires at least one argument");
        else if (!in->json)
            FAIL(c, args_span(c->doc, in),
                 "SHELL requires the arguments to be in JSON form");
        else if (in->nargs == 0)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "SHELL requires at least one argument");
        break;
    case TFL_VOLUME:
        check_flags(c, in, no_flags);
        if (in->nargs == 0)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "VOLUME requires at least one argument");
        for (i = 0; i < in->nargs; i++)
            if (in->args[i].len == 0)
                FAIL(c, in->args[i].span,
                     "VOLUME specified can not be an empty string");
        break;
    case TFL_EXPOSE:
        check_flags(c, in, no_flags);
        if (in->nargs == 0)
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "EXPOSE requires at least one argument");
        break;
    case TFL_CMD:
    case TFL_ENTRYPOINT:
        check_flags(c, in, no_flags);
        break;
    case TFL_ONBUILD:
        check_flags(c, in, no_flags);
        trig = tfl_instr_trigger(c->doc, in);
        if (!trig) {
            FAIL(c, tfl_instr_keyword_span(c->doc, in),
                 "ONBUILD requires at least one argument");
        } else if (trig->kind == TFL_ONBUILD) {
            FAIL(c, tfl_instr_keyword_span(c->doc, trig),
                 "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        } else if (trig->kind == TFL_FROM || trig->kind == TFL_MAINTAINER) {
            FAIL(c, tfl_instr_keyword_span(c->doc, trig),
                 "%s isn't allowed as an ONBUILD trigger",
                 tfl_kind_name(trig->kind));
        }
        break;
    case TFL_UNKNOWN:
        break;
    }
}

/* `unknown instruction: X`, with a suggestion in the input's case. */
static void unknown_instruction(checker *c, const tfl_instr *in)
{
    const char *best = NULL;
    size_t bd = 3, k;
    bool lower = true;
    char sugg[16];
    tfl_word kw = tfl_instr_keyword(c->doc, in);

    for (k = 0; k < kw.len; k++)
        if (isupper((unsigned char)kw.text[k]))
            lower = false;
    for (k = 0; k < TFL_UNKNOWN; k++) {
        size_t d = tfl_edit_distance(kw.text, tfl_kind_name((tfl_kind)k), 2);
        if (d < bd) {
            bd = d;
            best = tfl_kind_name((tfl_kind)k);
        }
    }
    if (!best) {
        FAIL(c, tfl_instr_keyword_span(c->doc, in), "unknown instruction: %s",
             kw.text);
        return;
    }
    for (k = 0; best[k] && k + 1 < sizeof sugg; k++)
        sugg[k] = lower ? (char)tolower((unsigned char)best[k]) : best[k];
    sugg[k] = '\0';
    FAIL(c, tfl_instr_keyword_span(c->doc, in),
         "unknown instruction: %s (did you mean %s?)", kw.text, sugg);
}

typedef struct ordered {
    tfl_diag d;
    size_t i;
} ordered;

static int cmp_ordered(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;

    if (a->d.span.start != b->d.span.start)
        return a->d.span.start < b->d.span.start ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int tfl_validate(tfl_arena *arena, tfl_doc *doc, size_t *cap)
{
    checker c = {arena, doc, cap, false};
    bool seen_from = false, reported_stage = false;
    size_t i, nbefore = doc->nerrors;

    for (i = 0; i < doc->ninstrs && !c.oom; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind == TFL_UNKNOWN) {
            unknown_instruction(&c, in);
            continue;
        }
        if (in->kind == TFL_FROM)
            seen_from = true;
        else if (!seen_from && in->kind != TFL_ARG && !reported_stage) {
            FAIL(&c, tfl_instr_keyword_span(c.doc, in),
                 "no build stage in current context");
            reported_stage = true;
        }
        check_instr(&c, in);
    }
    if (c.oom)
        return -1;
    /* Keep errors in source order (parser errors came first); equal
     * positions keep their order. */
    if (doc->nerrors > nbefore && nbefore > 0) {
        ordered *tmp = malloc(doc->nerrors * sizeof *tmp);
        if (!tmp)
            return -1;
        for (i = 0; i < doc->nerrors; i++) {
            tmp[i].d = doc->errors[i];
            tmp[i].i = i;
        }
        qsort(tmp, doc->nerrors, sizeof *tmp, cmp_ordered);
        for (i = 0; i < doc->nerrors; i++)
            doc->errors[i] = tmp[i].d;
        free(tmp);
    }
    return 0;
}
