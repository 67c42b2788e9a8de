/*
 * The configuration file, read with libyaml's document loader: the whole
 * file becomes a node graph first, then one walk checks it against the
 * keys of its dialect. Every node keeps its start mark, so each error
 * names the line and column of the node at fault (libyaml counts from 0;
 * we add one). A YAML syntax error has the mark libyaml stopped at.
 *
 * The walk only descends where a key's type says it may (at most four
 * levels: file, custom-rules, one rule, its instruction list), so alias
 * cycles, which the loader allows, cannot make it loop; an alias where a
 * scalar is wanted is just a wrong type.
 *
 * Rule names (in ignore and severity) are checked once the whole file is
 * read, because they may name custom rules defined further down. hadolint
 * files name rules by DL code; those go through the aliases of the rule
 * table, and codes no tflint rule answers to become notes, as do the
 * hadolint keys that tflint has no use for.
 */
#include "tflint/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "tflint/discover.h"
#include "tflint/facts.h"
#include "tflint/regex.h"

/* What the walk needs at hand. */
typedef struct loader {
    tfl_settings *s;
    yaml_document_t doc;
    const char *path;
    const char *dir; /* of the file, "" when it has none */
    tfl_conf_error *err;
    int rc; /* first failure, 0 while there is none */
} loader;

void tfl_settings_init(tfl_settings *s)
{
    memset(s, 0, sizeof *s);
    tfl_arena_init(&s->arena);
    s->threshold = -1;
    s->safe_id_min = -1;
    s->safe_id_max = -1;
}

void tfl_settings_free(tfl_settings *s)
{
    size_t i;

    if (s->extended)
        tfl_rules_extend(NULL, 0);
    for (i = 0; i < s->ncustom; i++)
        tfl_regex_free(s->custom[i].re);
    tfl_regex_free(s->secret_re);
    tfl_facts_free(s->facts);
    tfl_hostdb_free(&s->host_users);
    tfl_hostdb_free(&s->host_groups);
    free(s->custom_table);
    tfl_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

/* --- Errors --------------------------------------------------------------- */

static void verror(tfl_conf_error *err, const char *file, tfl_conf_mark m,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void verror(tfl_conf_error *err, const char *file, tfl_conf_mark m,
                   const char *fmt, va_list ap)
{
    if (!err)
        return;
    err->file = file;
    err->line = m.line;
    err->col = m.col;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

static void set_error(tfl_conf_error *err, const char *file, tfl_conf_mark m,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(tfl_conf_error *err, const char *file, tfl_conf_mark m,
                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(err, file, m, fmt, ap);
    va_end(ap);
}

/* Record the first failure of the walk at node mark `m`; later ones are
 * dropped so the message is about the first problem in the file. */
static void fail(loader *ld, tfl_conf_mark m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(loader *ld, tfl_conf_mark m, const char *fmt, ...)
{
    va_list ap;

    if (ld->rc)
        return;
    ld->rc = TFL_CONF_EINVAL;
    va_start(ap, fmt);
    verror(ld->err, ld->path, m, fmt, ap);
    va_end(ap);
}

static void oom(loader *ld)
{
    if (!ld->rc)
        ld->rc = TFL_CONF_ENOMEM;
}

/* --- Nodes ---------------------------------------------------------------- */

static tfl_conf_mark mark_of(const yaml_node_t *n)
{
    tfl_conf_mark m = {(uint32_t)n->start_mark.line + 1,
                       (uint32_t)n->start_mark.column + 1};

    return m;
}

static yaml_node_t *node(loader *ld, int index)
{
    return yaml_document_get_node(&ld->doc, index);
}

static bool is_null(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return n->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
           strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

static const char *type_name(const yaml_node_t *n)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    return is_null(n) ? "nothing" : "a string";
}

/* The scalar's text from the arena, or NULL (the failure is recorded)
 * when `n` is not a non-empty scalar. `what` names the wanted value. */
static const char *scalar(loader *ld, const yaml_node_t *n, const char *key,
                          const char *what)
{
    char *v;

    if (n->type != YAML_SCALAR_NODE || is_null(n)) {
        fail(ld, mark_of(n), "'%s' wants %s, not %s", key, what, type_name(n));
        return NULL;
    }
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
        fail(ld, mark_of(n), "'%s' holds a NUL character", key);
        return NULL;
    }
    v = tfl_arena_strndup(&ld->s->arena, (const char *)n->data.scalar.value,
                          n->data.scalar.length);
    if (!v)
        oom(ld);
    return v;
}

/* Call `each` on every item of the list `n` (nothing for null). */
static void each_item(loader *ld, const yaml_node_t *n, const char *key,
                      const char *what,
                      void (*each)(loader *, const yaml_node_t *))
{
    yaml_node_item_t *it;

    if (is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        fail(ld, mark_of(n), "'%s' wants a list of %s, not %s", key, what,
             type_name(n));
        return;
    }
    for (it = n->data.sequence.items.start;
         !ld->rc && it < n->data.sequence.items.top; it++)
        each(ld, node(ld, *it));
}

/* --- Values --------------------------------------------------------------- */

static int parse_level(const char *v, bool none_ok, bool hadolint)
{
    int sev;

    if (hadolint && strcmp(v, "ignore") == 0)
        return none_ok ? TFL_SEV_NONE : -1;
    sev = tfl_severity_parse(v);
    if (sev == TFL_SEV_NONE && !none_ok)
        return -1;
    return sev;
}

static void get_threshold(loader *ld, const yaml_node_t *n, const char *key)
{
    const char *v = scalar(ld, n, key, "a level");
    int sev;

    if (!v)
        return;
    sev = parse_level(v, true, ld->s->dialect == TFL_CONF_HADOLINT);
    if (sev < 0) {
        fail(ld, mark_of(n),
             "'%s' wants error, warning, info, style or none, not '%s'", key,
             v);
        return;
    }
    ld->s->threshold = sev;
}

static int64_t parse_id(const char *v)
{
    char *end;
    unsigned long long x;

    if (!isdigit((unsigned char)v[0]))
        return -1;
    errno = 0;
    x = strtoull(v, &end, 10);
    if (errno || *end || x > UINT32_MAX)
        return -1;
    return (int64_t)x;
}

static void get_id(loader *ld, const yaml_node_t *n, const char *key,
                   int64_t *out)
{
    const char *v = scalar(ld, n, key, "a number");
    int64_t x;

    if (!v)
        return;
    x = parse_id(v);
    if (x < 0) {
        fail(ld, mark_of(n),
             "'%s' wants a number from 0 to 4294967295, not "
             "'%s'",
             key, v);
        return;
    }
    *out = x;
}

/* `v` as a path from the file's directory, from the arena. */
static const char *resolve(loader *ld, const char *v)
{
    const char *p;

    if (v[0] == '/' || !ld->dir[0])
        return v;
    p = tfl_arena_printf(&ld->s->arena, "%s/%s", ld->dir, v);
    if (!p)
        oom(ld);
    return p;
}

static void get_path(loader *ld, const yaml_node_t *n, const char *key,
                     tfl_conf_str *out)
{
    const char *v = scalar(ld, n, key, "a file name");

    if (!v)
        return;
    out->value = resolve(ld, v);
    out->mark = mark_of(n);
}

static void add_ignore(loader *ld, const yaml_node_t *n)
{
    tfl_settings *s = ld->s;
    const char *v = scalar(ld, n, "ignore", "a rule name");
    tfl_conf_str *e;

    if (!v)
        return;
    e = tfl_arena_push(&s->arena, (void **)&s->ignore, &s->nignore,
                       &s->cap_ignore, sizeof *e);
    if (!e) {
        oom(ld);
        return;
    }
    e->value = v;
    e->mark = mark_of(n);
}

static void add_base_images(loader *ld, const yaml_node_t *n)
{
    tfl_settings *s = ld->s;
    tfl_conf_str *e, path = {0};

    get_path(ld, n, "base-images", &path);
    if (!path.value)
        return;
    e = tfl_arena_push(&s->arena, (void **)&s->base_images, &s->nbase_images,
                       &s->cap_base_images, sizeof *e);
    if (!e) {
        oom(ld);
        return;
    }
    *e = path;
}

static int add_trusted(tfl_settings *s, const char *v)
{
    const char **e = tfl_arena_push(&s->arena, (void **)&s->trusted,
                                    &s->ntrusted, &s->cap_trusted, sizeof *e);

    if (!e)
        return TFL_CONF_ENOMEM;
    *e = v;
    return 0;
}

static void add_trusted_node(loader *ld, const yaml_node_t *n)
{
    const char *v = scalar(ld, n, "trusted-registries", "a registry");

    if (v && add_trusted(ld->s, v) != 0)
        oom(ld);
}

static int add_severity(tfl_settings *s, const char *rule, tfl_conf_mark m,
                        tfl_severity level)
{
    tfl_conf_severity *e;

    e = tfl_arena_push(&s->arena, (void **)&s->severity, &s->nseverity,
                       &s->cap_severity, sizeof *e);
    if (!e)
        return TFL_CONF_ENOMEM;
    e->rule.value = rule;
    e->rule.mark = m;
    e->level = level;
    return 0;
}

/* `severity: {RULE: LEVEL, ...}` */
static void get_severity_map(loader *ld, const yaml_node_t *n)
{
    yaml_node_pair_t *p;

    if (is_null(n))
        return;
    if (n->type != YAML_MAPPING_NODE) {
        fail(ld, mark_of(n),
             "'severity' wants a mapping of rules to levels, "
             "not %s",
             type_name(n));
        return;
    }
    for (p = n->data.mapping.pairs.start;
         !ld->rc && p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
        const char *rule = scalar(ld, k, "severity", "a rule name");
        const char *lv = rule ? scalar(ld, v, rule, "a level") : NULL;
        int sev;

        if (!lv)
            return;
        sev = parse_level(lv, false, false);
        if (sev < 0) {
            fail(ld, mark_of(v),
                 "'%s' wants error, warning, info or style, not '%s'", rule,
                 lv);
            return;
        }
        if (add_severity(ld->s, rule, mark_of(k), (tfl_severity)sev) != 0)
            oom(ld);
    }
}

/* Column of byte `off` of the scalar `n`, when it can be told. */
static tfl_conf_mark offset_mark(const yaml_node_t *n, size_t off)
{
    tfl_conf_mark m = mark_of(n);
    const char *v = (const char *)n->data.scalar.value;
    bool one_line = n->start_mark.line == n->end_mark.line;

    if (one_line && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        m.col += (uint32_t)off;
    else if (one_line &&
             n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE &&
             !strchr(v, '\''))
        m.col += (uint32_t)off + 1;
    return m;
}

/* Compile the pattern scalar `n` for `key`; NULL after a failure. */
static tfl_regex *compile(loader *ld, const yaml_node_t *n, const char *key,
                          const char *v, unsigned flags)
{
    char msg[160];
    size_t off = 0;
    tfl_regex *re;

    if (tfl_regex_compile(&re, v, flags, msg, sizeof msg, &off) == 0)
        return re;
    fail(ld, offset_mark(n, off),
         "'%s' is not a valid pattern: %s at offset "
         "%zu",
         key, msg, off);
    return NULL;
}

static void get_secret_pattern(loader *ld, const yaml_node_t *n)
{
    const char *v = scalar(ld, n, "secret-pattern", "a pattern");
    tfl_regex *re;

    if (!v)
        return;
    re = compile(ld, n, "secret-pattern", v, TFL_REGEX_ICASE);
    if (!re)
        return;
    tfl_regex_free(ld->s->secret_re);
    ld->s->secret_re = re;
    ld->s->secret_pattern = v;
}

/* --- Custom rules --------------------------------------------------------- */

static const char *const custom_tags[] = {"dockerfile", "custom", NULL};

static bool valid_id(const char *v)
{
    size_t i;

    if (!isalpha((unsigned char)v[0]) || strlen(v) > 40)
        return false;
    for (i = 1; v[i]; i++)
        if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
            return false;
    return true;
}

/* TF, DL and SC followed by a digit are the built-in and hadolint codes. */
static bool reserved_id(const char *v)
{
    return (strncasecmp(v, "TF", 2) == 0 || strncasecmp(v, "DL", 2) == 0 ||
            strncasecmp(v, "SC", 2) == 0) &&
           isdigit((unsigned char)v[2]);
}

/* The custom rule of `s` called `name` (id or name), or NULL. */
static const tfl_custom_rule *find_custom(const tfl_settings *s,
                                          const char *name)
{
    size_t i;

    for (i = 0; i < s->ncustom; i++)
        if (strcasecmp(s->custom[i].rule.id, name) == 0 ||
            strcasecmp(s->custom[i].rule.name, name) == 0)
            return &s->custom[i];
    return NULL;
}

/* Is `v` free for a custom rule: not a built-in id, name or alias, not an
 * earlier custom rule? */
static bool check_free(loader *ld, const yaml_node_t *n, const char *v)
{
    const tfl_rule *r = tfl_rule_lookup(v);

    if (r) {
        fail(ld, mark_of(n), "custom rule '%s' has the name of rule %s", v,
             r->id);
        return false;
    }
    if (find_custom(ld->s, v)) {
        fail(ld, mark_of(n), "custom rule '%s' is defined twice", v);
        return false;
    }
    return true;
}

static void get_kinds(loader *ld, const yaml_node_t *n, unsigned *kinds)
{
    yaml_node_item_t *it;

    if (n->type != YAML_SEQUENCE_NODE) {
        fail(ld, mark_of(n),
             "'instructions' wants a list of instruction "
             "keywords, not %s",
             type_name(n));
        return;
    }
    for (it = n->data.sequence.items.start;
         !ld->rc && it < n->data.sequence.items.top; it++) {
        yaml_node_t *k = node(ld, *it);
        const char *v = scalar(ld, k, "instructions", "an instruction keyword");
        int kind;

        if (!v)
            return;
        for (kind = 0; kind < TFL_UNKNOWN; kind++)
            if (strcasecmp(tfl_kind_name((tfl_kind)kind), v) == 0)
                break;
        if (kind == TFL_UNKNOWN) {
            fail(ld, mark_of(k), "unknown instruction '%s'", v);
            return;
        }
        *kinds |= 1u << kind;
    }
}

/* The field keys of one custom rule. */
enum {
    F_ID,
    F_NAME,
    F_MESSAGE,
    F_SEVERITY,
    F_INSTR,
    F_MATCH,
    F_PATTERN,
    F_DESCRIPTION,
    F_BAD,
    F_GOOD,
    NFIELDS
};

static const char *const field_names[NFIELDS] = {
    "id",    "name",    "message",     "severity", "instructions",
    "match", "pattern", "description", "bad",      "good"};

/* Index the fields of the rule mapping `n` into `f` (0: absent). */
static void rule_fields(loader *ld, const yaml_node_t *n, int f[NFIELDS],
                        yaml_node_t *keys[NFIELDS])
{
    yaml_node_pair_t *p;
    int i;

    for (p = n->data.mapping.pairs.start;
         !ld->rc && p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(ld, p->key);
        const char *name = scalar(ld, k, "custom-rules", "field names");

        if (!name)
            return;
        for (i = 0; i < NFIELDS; i++)
            if (strcmp(name, field_names[i]) == 0)
                break;
        if (i == NFIELDS) {
            fail(ld, mark_of(k), "unknown key 'custom-rules.%s'", name);
            return;
        }
        if (f[i]) {
            fail(ld, mark_of(k), "duplicate key 'custom-rules.%s'", name);
            return;
        }
        f[i] = p->value;
        keys[i] = k;
    }
}

/* The string field `i`, or `dflt` when absent; NULL after a failure. */
static const char *field(loader *ld, const int f[NFIELDS], int i,
                         const char *dflt)
{
    if (!f[i])
        return dflt;
    return scalar(ld, node(ld, f[i]), field_names[i], "a string");
}

static void fill_rule(loader *ld, const yaml_node_t *n, const int f[NFIELDS],
                      tfl_custom_rule *c)
{
    const char *id, *name, *sev, *match, *desc;
    tfl_arena *a = &ld->s->arena;

    id = field(ld, f, F_ID, NULL);
    if (!id || !valid_id(id) || reserved_id(id) ||
        !check_free(ld, node(ld, f[F_ID]), id)) {
        if (id && !ld->rc)
            fail(ld, mark_of(node(ld, f[F_ID])),
                 "custom rule id '%s' must be a letter then letters, digits, "
                 "'-' or '_' (at most 40), not starting with TF, DL or SC "
                 "and a digit",
                 id);
        return;
    }
    name = field(ld, f, F_NAME, NULL);
    if (!name && !ld->rc) {
        char *lower = tfl_arena_strndup(a, id, strlen(id));
        size_t i;

        if (!lower) {
            oom(ld);
            return;
        }
        for (i = 0; lower[i]; i++)
            lower[i] = (char)tolower((unsigned char)lower[i]);
        name = lower;
    } else if (name && strcasecmp(name, id) != 0 &&
               (!valid_id(name) || reserved_id(name) ||
                !check_free(ld, node(ld, f[F_NAME]), name))) {
        if (!ld->rc)
            fail(ld, mark_of(node(ld, f[F_NAME])),
                 "custom rule name '%s' must be a letter then letters, "
                 "digits, '-' or '_'",
                 name);
        return;
    }
    c->message = field(ld, f, F_MESSAGE, NULL);
    sev = field(ld, f, F_SEVERITY, "warning");
    match = field(ld, f, F_MATCH, "text");
    c->pattern = field(ld, f, F_PATTERN, NULL);
    desc = field(ld, f, F_DESCRIPTION, NULL);
    c->rule.bad = field(ld, f, F_BAD, "");
    c->rule.good = field(ld, f, F_GOOD, "");
    if (ld->rc)
        return;
    if (!c->message || !c->pattern) {
        fail(ld, mark_of(n), "custom rule '%s' has no '%s'", id,
             c->message ? "pattern" : "message");
        return;
    }
    c->rule.severity = (tfl_severity)parse_level(sev, false, false);
    if ((int)c->rule.severity < 0) {
        fail(ld, mark_of(node(ld, f[F_SEVERITY])),
             "'severity' wants error, warning, info or style, not '%s'", sev);
        return;
    }
    if (strcmp(match, "text") != 0 && strcmp(match, "arguments") != 0) {
        fail(ld, mark_of(node(ld, f[F_MATCH])),
             "'match' wants text or arguments, not '%s'", match);
        return;
    }
    c->arguments = match[0] == 'a';
    if (f[F_INSTR])
        get_kinds(ld, node(ld, f[F_INSTR]), &c->kinds);
    else
        c->kinds = (1u << TFL_UNKNOWN) - 1;
    if (ld->rc)
        return;
    c->re = compile(ld, node(ld, f[F_PATTERN]), "pattern", c->pattern,
                    TFL_REGEX_COUNTED);
    if (!c->re)
        return;
    c->rule.id = id;
    c->rule.name = name;
    c->rule.summary = desc ? desc : c->message;
    c->rule.rationale =
        desc ? desc
             : tfl_arena_printf(a,
                                "A custom rule of %s: instructions matching "
                                "the pattern '%s' are reported.",
                                ld->path, c->pattern);
    c->rule.tags = custom_tags;
    c->rule.check = tfl_custom_rule_check;
    c->src = ld->path;
    if (!c->rule.rationale)
        oom(ld);
}

static void add_custom(loader *ld, const yaml_node_t *n)
{
    tfl_settings *s = ld->s;
    int f[NFIELDS] = {0};
    yaml_node_t *keys[NFIELDS] = {0};
    tfl_custom_rule c = {0}, *e;

    if (n->type != YAML_MAPPING_NODE) {
        fail(ld, mark_of(n), "'custom-rules' wants a list of mappings, not %s",
             type_name(n));
        return;
    }
    if (s->ncustom >= TFL_CONF_MAX_CUSTOM) {
        fail(ld, mark_of(n), "too many custom rules (at most %d)",
             TFL_CONF_MAX_CUSTOM);
        return;
    }
    rule_fields(ld, n, f, keys);
    if (ld->rc)
        return;
    if (!f[F_ID]) {
        fail(ld, mark_of(n), "custom rule has no 'id'");
        return;
    }
    fill_rule(ld, n, f, &c);
    if (ld->rc) {
        tfl_regex_free(c.re);
        return;
    }
    e = tfl_arena_push(&s->arena, (void **)&s->custom, &s->ncustom,
                       &s->cap_custom, sizeof *e);
    if (!e) {
        tfl_regex_free(c.re);
        oom(ld);
        return;
    }
    *e = c;
}

/* --- The keys of each dialect --------------------------------------------- */

static void key_threshold(loader *ld, const yaml_node_t *n)
{
    get_threshold(ld, n, "failure-threshold");
}

static void key_ignore(loader *ld, const yaml_node_t *n)
{
    each_item(ld, n, "ignore", "rule names", add_ignore);
}

static void key_safe_min(loader *ld, const yaml_node_t *n)
{
    get_id(ld, n, "safe-id-min", &ld->s->safe_id_min);
}

static void key_safe_max(loader *ld, const yaml_node_t *n)
{
    get_id(ld, n, "safe-id-max", &ld->s->safe_id_max);
}

static void key_passwd(loader *ld, const yaml_node_t *n)
{
    get_path(ld, n, "host-passwd", &ld->s->host_passwd);
}

static void key_group(loader *ld, const yaml_node_t *n)
{
    get_path(ld, n, "host-group", &ld->s->host_group);
}

static void key_base_images(loader *ld, const yaml_node_t *n)
{
    each_item(ld, n, "base-images", "file names", add_base_images);
}

static void key_trusted(loader *ld, const yaml_node_t *n)
{
    each_item(ld, n, "trusted-registries", "registries", add_trusted_node);
}

static void key_custom(loader *ld, const yaml_node_t *n)
{
    each_item(ld, n, "custom-rules", "rules", add_custom);
}

/* hadolint: `override: {error: [DL3000], warning: [...], ...}` */
static void key_override(loader *ld, const yaml_node_t *n)
{
    yaml_node_pair_t *p;

    if (is_null(n))
        return;
    if (n->type != YAML_MAPPING_NODE) {
        fail(ld, mark_of(n),
             "'override' wants a mapping of levels to rule "
             "lists, not %s",
             type_name(n));
        return;
    }
    for (p = n->data.mapping.pairs.start;
         !ld->rc && p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
        const char *lv = scalar(ld, k, "override", "a level");
        yaml_node_item_t *it;
        int sev;

        if (!lv)
            return;
        sev = parse_level(lv, false, false);
        if (sev < 0 || strcmp(lv, "note") == 0) {
            fail(ld, mark_of(k),
                 "'override' wants error, warning, info or "
                 "style, not '%s'",
                 lv);
            return;
        }
        if (is_null(v))
            continue;
        if (v->type != YAML_SEQUENCE_NODE) {
            fail(ld, mark_of(v),
                 "'override.%s' wants a list of rule names, "
                 "not %s",
                 lv, type_name(v));
            return;
        }
        for (it = v->data.sequence.items.start;
             !ld->rc && it < v->data.sequence.items.top; it++) {
            yaml_node_t *r = node(ld, *it);
            const char *rule = scalar(ld, r, "override", "a rule name");

            if (rule &&
                add_severity(ld->s, rule, mark_of(r), (tfl_severity)sev) != 0)
                oom(ld);
        }
    }
}

typedef struct conf_key {
    const char *name;
    void (*read)(loader *ld, const yaml_node_t *value);
} conf_key;

static const conf_key tflint_keys[] = {
    {"failure-threshold", key_threshold},
    {"ignore", key_ignore},
    {"severity", get_severity_map},
    {"safe-id-min", key_safe_min},
    {"safe-id-max", key_safe_max},
    {"host-passwd", key_passwd},
    {"host-group", key_group},
    {"base-images", key_base_images},
    {"trusted-registries", key_trusted},
    {"secret-pattern", get_secret_pattern},
    {"custom-rules", key_custom},
};

static const conf_key hadolint_keys[] = {
    {"failure-threshold", key_threshold},
    {"ignored", key_ignore},
    {"override", key_override},
    {"trustedRegistries", key_trusted},
};

#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static void add_note(loader *ld, tfl_conf_mark m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_note(loader *ld, tfl_conf_mark m, const char *fmt, ...)
{
    tfl_settings *s = ld->s;
    tfl_conf_note *e;
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    e = tfl_arena_push(&s->arena, (void **)&s->notes, &s->nnotes, &s->cap_notes,
                       sizeof *e);
    if (!e || !(e->message = tfl_arena_strndup(&s->arena, buf, strlen(buf)))) {
        oom(ld);
        return;
    }
    e->mark = m;
}

static void walk_root(loader *ld, const yaml_node_t *root)
{
    bool hadolint = ld->s->dialect == TFL_CONF_HADOLINT;
    const conf_key *keys = hadolint ? hadolint_keys : tflint_keys;
    size_t nkeys = hadolint ? NKEYS(hadolint_keys) : NKEYS(tflint_keys);
    bool seen[NKEYS(tflint_keys)] = {0};
    yaml_node_pair_t *p;

    if (is_null(root))
        return;
    if (root->type != YAML_MAPPING_NODE) {
        fail(ld, mark_of(root),
             "the configuration wants a mapping of keys, "
             "not %s",
             type_name(root));
        return;
    }
    for (p = root->data.mapping.pairs.start;
         !ld->rc && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(ld, p->key);
        const char *name = scalar(ld, k, "configuration", "key names");
        size_t i;

        if (!name)
            return;
        for (i = 0; i < nkeys && strcmp(keys[i].name, name) != 0; i++)
            ;
        if (i == nkeys && hadolint) {
            add_note(ld, mark_of(k),
                     "hadolint key '%s' has no tflint "
                     "counterpart, skipped",
                     name);
        } else if (i == nkeys) {
            fail(ld, mark_of(k), "unknown key '%s'", name);
        } else if (seen[i]) {
            fail(ld, mark_of(k), "duplicate key '%s'", name);
        } else {
            seen[i] = true;
            /* null (`key:` or `key: ~`) leaves the value unset */
            if (!is_null(node(ld, p->value)))
                keys[i].read(ld, node(ld, p->value));
        }
    }
}

/* Is `name` a rule, built in or of this file? */
static bool known_rule(const tfl_settings *s, const char *name)
{
    return tfl_rule_lookup(name) || find_custom(s, name);
}

/* Rule names are checked once the custom rules are known. In hadolint
 * files, codes without a tflint rule are dropped with a note. */
static void check_rule_names(loader *ld)
{
    tfl_settings *s = ld->s;
    bool hadolint = s->dialect == TFL_CONF_HADOLINT;
    size_t i, kept = 0;

    for (i = 0; !ld->rc && i < s->nignore; i++) {
        if (known_rule(s, s->ignore[i].value))
            s->ignore[kept++] = s->ignore[i];
        else if (hadolint)
            add_note(ld, s->ignore[i].mark,
                     "hadolint rule '%s' has no "
                     "tflint counterpart, skipped",
                     s->ignore[i].value);
        else
            fail(ld, s->ignore[i].mark, "unknown rule '%s'",
                 s->ignore[i].value);
    }
    s->nignore = kept;
    for (i = kept = 0; !ld->rc && i < s->nseverity; i++) {
        if (known_rule(s, s->severity[i].rule.value))
            s->severity[kept++] = s->severity[i];
        else if (hadolint)
            add_note(ld, s->severity[i].rule.mark,
                     "hadolint rule '%s' has "
                     "no tflint counterpart, skipped",
                     s->severity[i].rule.value);
        else
            fail(ld, s->severity[i].rule.mark, "unknown rule '%s'",
                 s->severity[i].rule.value);
    }
    s->nseverity = kept;
}

/* --- Loading -------------------------------------------------------------- */

static void yaml_failure(loader *ld, const yaml_parser_t *p)
{
    tfl_conf_mark m = {(uint32_t)p->problem_mark.line + 1,
                       (uint32_t)p->problem_mark.column + 1};

    if (p->error == YAML_MEMORY_ERROR) {
        oom(ld);
        return;
    }
    if (p->context)
        fail(ld, m, "invalid YAML: %s %s", p->problem ? p->problem : "error",
             p->context);
    else
        fail(ld, m, "invalid YAML: %s", p->problem ? p->problem : "error");
}

/* Load the one document of `text` and walk it. */
static void load_text(loader *ld, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    yaml_node_t *root;

    if (!yaml_parser_initialize(&parser)) {
        oom(ld);
        return;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &ld->doc)) {
        yaml_failure(ld, &parser);
        yaml_parser_delete(&parser);
        return;
    }
    root = yaml_document_get_root_node(&ld->doc);
    if (root) {
        if (!yaml_parser_load(&parser, &extra)) {
            yaml_failure(ld, &parser);
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&extra);

            if (r2)
                fail(ld, mark_of(r2),
                     "the file holds more than one YAML "
                     "document");
            yaml_document_delete(&extra);
        }
        walk_root(ld, root);
    }
    yaml_document_delete(&ld->doc);
    yaml_parser_delete(&parser);
}

tfl_conf_dialect tfl_settings_dialect_of(const char *path)
{
    const char *base = strrchr(path, '/');

    return strstr(base ? base + 1 : path, "hadolint") ? TFL_CONF_HADOLINT
                                                      : TFL_CONF_TFLINT;
}

int tfl_settings_load_buffer(tfl_settings *s, const char *path,
                             tfl_conf_dialect dialect, const char *text,
                             size_t len, tfl_conf_error *err)
{
    tfl_conf_mark none = {0, 0};
    const char *slash = strrchr(path, '/');
    loader ld = {0};

    ld.s = s;
    ld.err = err;
    s->dialect = dialect;
    s->path = tfl_arena_strndup(&s->arena, path, strlen(path));
    ld.dir = slash
                 ? tfl_arena_strndup(&s->arena, path,
                                     slash == path ? 1 : (size_t)(slash - path))
                 : "";
    if (!s->path || !ld.dir)
        return TFL_CONF_ENOMEM;
    ld.path = s->path;
    if (len > TFL_CONF_MAX_SIZE) {
        set_error(err, s->path, none, "file too large (more than %zu bytes)",
                  TFL_CONF_MAX_SIZE);
        return TFL_CONF_EINVAL;
    }
    load_text(&ld, text, len);
    if (!ld.rc)
        check_rule_names(&ld);
    return ld.rc;
}

int tfl_settings_load(tfl_settings *s, const char *path, tfl_conf_error *err)
{
    char why[TFL_ERRMSG_SIZE], *data = NULL;
    tfl_conf_mark none = {0, 0};
    size_t len = 0;
    int rc;

    rc = tfl_read_file(path, &data, &len, why);
    if (rc < 0)
        return TFL_CONF_ENOMEM;
    if (rc > 0) {
        set_error(err, NULL, none, "%s", why);
        return TFL_CONF_EINVAL;
    }
    rc = tfl_settings_load_buffer(s, path, tfl_settings_dialect_of(path), data,
                                  len, err);
    free(data);
    return rc;
}

/* --- Finding the file ----------------------------------------------------- */

/* Does `name` exist in the directory made of the first `len` bytes of
 * `dir` ("/" when `len` is 0)? With `path`, the malloc'd path is kept
 * there when it is a file. */
static bool has_entry(const char *dir, size_t len, const char *name,
                      char **path)
{
    size_t nlen = strlen(name);
    char *p = malloc(len + nlen + 2);
    struct stat st;
    bool found;

    if (!p)
        return false;
    /* Pieces copied, not formatted: this runs at every start. */
    memcpy(p, dir, len);
    p[len] = '/';
    memcpy(p + len + 1, name, nlen + 1);
    found = stat(p, &st) == 0 && (!path || !S_ISDIR(st.st_mode));
    if (found && path)
        *path = p;
    else
        free(p);
    return found;
}

/* Length of the parent of the first `len` bytes of `dir` (0: the root). */
static size_t parent(const char *dir, size_t len)
{
    while (len > 0 && dir[len - 1] != '/')
        len--;
    while (len > 0 && dir[len - 1] == '/')
        len--;
    return len;
}

/* Length of the prefix of `dir` that is the repository root (the nearest
 * directory holding `.git`), or the whole length when there is none. */
static size_t repo_root(const char *dir)
{
    size_t len = strlen(dir), whole = len;

    for (;;) {
        if (has_entry(dir, len, ".git", NULL))
            return len;
        if (len == 0)
            return whole;
        len = parent(dir, len);
    }
}

/* The nearest of `names` in `dir` and its parents up to the prefix of
 * length `top`. */
static int search(const char *dir, size_t top, const char *const names[2],
                  char **path)
{
    size_t len = strlen(dir);

    for (;;) {
        if (has_entry(dir, len, names[0], path) ||
            has_entry(dir, len, names[1], path))
            return 0;
        if (len <= top || len == 0)
            return 1;
        len = parent(dir, len);
    }
}

int tfl_settings_find(const char *dir, char **path)
{
    static const char *const own[2] = {".tflint.yaml", ".tflint.yml"};
    static const char *const hadolint[2] = {".hadolint.yaml", ".hadolint.yml"};
    size_t len = strlen(dir), top;
    int rc;

    *path = NULL;
    while (len > 0 && dir[len - 1] == '/')
        len--;
    {
        char *d = malloc(len + 1);

        if (!d)
            return TFL_CONF_ENOMEM;
        memcpy(d, dir, len);
        d[len] = '\0';
        top = repo_root(d);
        rc = search(d, top, own, path);
        if (rc == 1)
            rc = search(d, top, hadolint, path);
        free(d);
    }
    return rc;
}

/* --- The environment ------------------------------------------------------ */

/* Split the comma list `v` of variable `var` and call `each` on each
 * non-empty item (blanks around items dropped), copied into the arena. */
static int each_env_item(tfl_settings *s, const char *var, const char *v,
                         tfl_conf_error *err,
                         int (*each)(tfl_settings *, const char *var,
                                     char *item, tfl_conf_error *err))
{
    while (*v) {
        size_t n = strcspn(v, ",");
        const char *b = v, *e = v + n;
        char *item;
        int rc;

        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (e > b) {
            item = tfl_arena_strndup(&s->arena, b, (size_t)(e - b));
            if (!item)
                return TFL_CONF_ENOMEM;
            rc = each(s, var, item, err);
            if (rc)
                return rc;
        }
        v += n + (v[n] == ',');
    }
    return 0;
}

static int env_ignore(tfl_settings *s, const char *var, char *item,
                      tfl_conf_error *err)
{
    tfl_conf_mark none = {0, 0};
    tfl_conf_str *e;

    if (!known_rule(s, item)) {
        set_error(err, NULL, none, "%s: unknown rule '%s'", var, item);
        return TFL_CONF_EINVAL;
    }
    e = tfl_arena_push(&s->arena, (void **)&s->ignore, &s->nignore,
                       &s->cap_ignore, sizeof *e);
    if (!e)
        return TFL_CONF_ENOMEM;
    e->value = item;
    return 0;
}

static int env_severity(tfl_settings *s, const char *var, char *item,
                        tfl_conf_error *err)
{
    tfl_conf_mark none = {0, 0};
    char *eq = strrchr(item, '=');
    int sev;

    if (!eq || eq == item) {
        set_error(err, NULL, none, "%s: wants RULE=LEVEL, not '%s'", var, item);
        return TFL_CONF_EINVAL;
    }
    *eq = '\0';
    if (!known_rule(s, item)) {
        set_error(err, NULL, none, "%s: unknown rule '%s'", var, item);
        return TFL_CONF_EINVAL;
    }
    sev = parse_level(eq + 1, false, false);
    if (sev < 0) {
        set_error(err, NULL, none,
                  "%s: invalid level '%s' (error, warning, info or style)", var,
                  eq + 1);
        return TFL_CONF_EINVAL;
    }
    return add_severity(s, item, none, (tfl_severity)sev);
}

static int env_trusted(tfl_settings *s, const char *var, char *item,
                       tfl_conf_error *err)
{
    (void)var;
    (void)err;
    return add_trusted(s, item);
}

int tfl_settings_env(tfl_settings *s, tfl_getenv_fn get, tfl_conf_error *err)
{
    tfl_conf_mark none = {0, 0};
    const char *v;
    int rc;

    v = get("TFLINT_FAILURE_THRESHOLD");
    if (v && *v) {
        int sev = parse_level(v, true, false);

        if (sev < 0) {
            set_error(err, NULL, none,
                      "TFLINT_FAILURE_THRESHOLD: invalid level '%s' (error, "
                      "warning, info, style or none)",
                      v);
            return TFL_CONF_EINVAL;
        }
        s->threshold = sev;
    }
    v = get("TFLINT_IGNORE");
    if (v && (rc = each_env_item(s, "TFLINT_IGNORE", v, err, env_ignore)))
        return rc;
    v = get("TFLINT_SEVERITY");
    if (v && (rc = each_env_item(s, "TFLINT_SEVERITY", v, err, env_severity)))
        return rc;
    v = get("TFLINT_TRUSTED_REGISTRIES");
    if (v && (rc = each_env_item(s, "TFLINT_TRUSTED_REGISTRIES", v, err,
                                 env_trusted)))
        return rc;
    return 0;
}

/* --- Applying ------------------------------------------------------------- */

/* Add the custom rules to the rule table and grow `cfg` to cover them. */
static int extend_rules(tfl_settings *s, tfl_config *cfg)
{
    unsigned char *disabled;
    signed char *severity;
    size_t i, n;

    if (!s->ncustom)
        return 0;
    s->custom_table = malloc(s->ncustom * sizeof *s->custom_table);
    if (!s->custom_table)
        return TFL_CONF_ENOMEM;
    for (i = 0; i < s->ncustom; i++)
        s->custom_table[i] = &s->custom[i].rule;
    if (tfl_rules_extend(s->custom_table, s->ncustom) != 0)
        return TFL_CONF_ENOMEM;
    s->extended = true;
    tfl_rules(&n);
    disabled = realloc(cfg->disabled, n);
    if (disabled)
        cfg->disabled = disabled;
    severity = disabled ? realloc(cfg->severity, n) : NULL;
    if (!severity)
        return TFL_CONF_ENOMEM;
    cfg->severity = severity;
    memset(cfg->disabled + cfg->nrules, 0, n - cfg->nrules);
    memset(cfg->severity + cfg->nrules, -1, n - cfg->nrules);
    cfg->nrules = n;
    return 0;
}

static int load_facts(tfl_settings *s, tfl_config *cfg, tfl_conf_error *err)
{
    tfl_facts_error ferr;
    size_t i;
    int rc;

    /* The built-in facts are always on; the file's base-images extend
     * them, and so may --base-images options after this. */
    if (tfl_facts_new(&s->facts) != 0)
        return TFL_CONF_ENOMEM;
    rc = tfl_facts_load_builtin(s->facts, &ferr);
    for (i = 0; rc == 0 && i < s->nbase_images; i++) {
        rc = tfl_facts_load_file(s->facts, s->base_images[i].value, &ferr);
        if (rc == TFL_FACTS_ENOMEM)
            return TFL_CONF_ENOMEM;
        if (rc != 0 && ferr.line)
            set_error(err, s->path, s->base_images[i].mark,
                      "base-images: %s:%u: %s", s->base_images[i].value,
                      (unsigned)ferr.line, ferr.message);
        else if (rc != 0)
            set_error(err, s->path, s->base_images[i].mark, "base-images: %s",
                      ferr.message);
    }
    if (rc == TFL_FACTS_ENOMEM)
        return TFL_CONF_ENOMEM;
    if (rc != 0)
        return TFL_CONF_EINVAL;
    cfg->facts = s->facts;
    return 0;
}

/* Load the host-passwd or host-group file named by `f` into `db`; the
 * settings own it, and the config points at its accounts. */
static int load_host_file(tfl_settings *s, const tfl_conf_str *f, bool group,
                          tfl_hostdb *db, tfl_conf_error *err)
{
    const char *key = group ? "host-group" : "host-passwd";
    tfl_hostdb_error herr = {0};
    int rc;

    if (!f->value)
        return 0;
    tfl_hostdb_free(db);
    rc = tfl_hostdb_load(db, f->value, group, &herr);
    if (rc == TFL_HOSTDB_ENOMEM)
        return TFL_CONF_ENOMEM;
    if (rc != 0) {
        set_error(err, s->path, f->mark, "%s: %s", key, herr.message);
        return TFL_CONF_EINVAL;
    }
    return 0;
}

int tfl_settings_apply(tfl_settings *s, tfl_config *cfg, tfl_conf_error *err)
{
    tfl_conf_mark none = {0, 0};
    size_t i;
    int rc;

    if ((rc = extend_rules(s, cfg)) != 0)
        return rc;
    if (s->threshold >= 0)
        cfg->threshold = (tfl_severity)s->threshold;
    for (i = 0; i < s->nignore; i++)
        if (tfl_config_ignore(cfg, s->ignore[i].value) != 0) {
            set_error(err, s->path, s->ignore[i].mark, "unknown rule '%s'",
                      s->ignore[i].value);
            return TFL_CONF_EINVAL;
        }
    for (i = 0; i < s->nseverity; i++)
        tfl_config_set_severity(cfg, s->severity[i].rule.value,
                                s->severity[i].level);
    if (s->safe_id_min >= 0)
        cfg->safe_id_min = (uint32_t)s->safe_id_min;
    if (s->safe_id_max >= 0)
        cfg->safe_id_max = (uint32_t)s->safe_id_max;
    if (cfg->safe_id_min > cfg->safe_id_max) {
        set_error(err, s->path, none,
                  "safe-id-min (%u) is above safe-id-max (%u)",
                  (unsigned)cfg->safe_id_min, (unsigned)cfg->safe_id_max);
        return TFL_CONF_EINVAL;
    }
    if (s->ntrusted) {
        cfg->trusted_registries = s->trusted;
        cfg->ntrusted_registries = s->ntrusted;
    }
    if (s->secret_re)
        cfg->secret_pattern = s->secret_re;
    if ((rc = load_host_file(s, &s->host_passwd, false, &s->host_users, err)) ||
        (rc = load_host_file(s, &s->host_group, true, &s->host_groups, err)))
        return rc;
    if (s->host_passwd.value) {
        cfg->host_users = s->host_users.accounts;
        cfg->nhost_users = s->host_users.n;
    }
    if (s->host_group.value) {
        cfg->host_groups = s->host_groups.accounts;
        cfg->nhost_groups = s->host_groups.n;
    }
    return load_facts(s, cfg, err);
}

/* --- Printing ------------------------------------------------------------- */

/* `v` as a YAML scalar: single-quoted, or double-quoted with escapes when
 * it holds control characters. */
static void put_str(tfl_buf *out, const char *v)
{
    const char *p;
    bool plain_ok = true;

    for (p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            plain_ok = false;
    if (plain_ok) {
        tfl_buf_putc(out, '\'');
        for (p = v; *p; p++) {
            if (*p == '\'')
                tfl_buf_putc(out, '\'');
            tfl_buf_putc(out, *p);
        }
        tfl_buf_putc(out, '\'');
        return;
    }
    tfl_buf_putc(out, '"');
    for (p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '"' || c == '\\')
            tfl_buf_printf(out, "\\%c", c);
        else if (c == '\n')
            tfl_buf_puts(out, "\\n");
        else if (c == '\t')
            tfl_buf_puts(out, "\\t");
        else if (c < 0x20 || c == 0x7f)
            tfl_buf_printf(out, "\\x%02x", c);
        else
            tfl_buf_putc(out, (char)c);
    }
    tfl_buf_putc(out, '"');
}

static void put_key_str(tfl_buf *out, const char *key, const char *v)
{
    tfl_buf_printf(out, "%s: ", key);
    if (v)
        put_str(out, v);
    else
        tfl_buf_puts(out, "null");
    tfl_buf_putc(out, '\n');
}

static void put_kinds(tfl_buf *out, unsigned kinds)
{
    bool first = true;
    int k;

    if (kinds == (1u << TFL_UNKNOWN) - 1)
        return;
    tfl_buf_puts(out, "    instructions: [");
    for (k = 0; k < TFL_UNKNOWN; k++)
        if (kinds & (1u << k)) {
            tfl_buf_printf(out, "%s%s", first ? "" : ", ",
                           tfl_kind_name((tfl_kind)k));
            first = false;
        }
    tfl_buf_puts(out, "]\n");
}

static void put_custom(tfl_buf *out, const tfl_custom_rule *c)
{
    tfl_buf_puts(out, "  - ");
    put_key_str(out, "id", c->rule.id);
    tfl_buf_puts(out, "    ");
    put_key_str(out, "name", c->rule.name);
    tfl_buf_puts(out, "    ");
    put_key_str(out, "message", c->message);
    tfl_buf_printf(out, "    severity: %s\n",
                   tfl_severity_name(c->rule.severity));
    put_kinds(out, c->kinds);
    tfl_buf_printf(out, "    match: %s\n", c->arguments ? "arguments" : "text");
    tfl_buf_puts(out, "    ");
    put_key_str(out, "pattern", c->pattern);
    if (c->rule.summary != c->message) {
        tfl_buf_puts(out, "    ");
        put_key_str(out, "description", c->rule.summary);
    }
    if (c->rule.bad[0]) {
        tfl_buf_puts(out, "    ");
        put_key_str(out, "bad", c->rule.bad);
    }
    if (c->rule.good[0]) {
        tfl_buf_puts(out, "    ");
        put_key_str(out, "good", c->rule.good);
    }
}

static void put_rules(tfl_buf *out, const tfl_config *cfg)
{
    const tfl_rule *const *rules;
    size_t n, i;
    bool any = false;

    rules = tfl_rules(&n);
    tfl_buf_puts(out, "ignore:");
    for (i = 0; i < n && i < cfg->nrules; i++)
        if (cfg->disabled[i]) {
            tfl_buf_puts(out, "\n  - ");
            put_str(out, rules[i]->id);
            any = true;
        }
    tfl_buf_puts(out, any ? "\n" : " []\n");
    any = false;
    tfl_buf_puts(out, "severity:");
    for (i = 0; i < n && i < cfg->nrules; i++)
        if (cfg->severity[i] >= 0) {
            tfl_buf_puts(out, "\n  ");
            put_str(out, rules[i]->id);
            tfl_buf_printf(out, ": %s",
                           tfl_severity_name((tfl_severity)cfg->severity[i]));
            any = true;
        }
    tfl_buf_puts(out, any ? "\n" : " {}\n");
}

void tfl_settings_print(const tfl_settings *s, const tfl_config *cfg,
                        tfl_buf *out)
{
    size_t i;

    tfl_buf_puts(out, "# tflint --print-config");
    if (s->path)
        tfl_buf_printf(out, " (from %s%s)", s->path,
                       s->dialect == TFL_CONF_HADOLINT ? ", a hadolint file"
                                                       : "");
    tfl_buf_printf(out, "\nfailure-threshold: %s\n",
                   tfl_severity_name(cfg->threshold));
    put_rules(out, cfg);
    tfl_buf_printf(out, "safe-id-min: %u\nsafe-id-max: %u\n",
                   (unsigned)cfg->safe_id_min, (unsigned)cfg->safe_id_max);
    put_key_str(out, "host-passwd", s->host_passwd.value);
    put_key_str(out, "host-group", s->host_group.value);
    tfl_buf_puts(out, s->nbase_images ? "base-images:\n" : "base-images: []\n");
    for (i = 0; i < s->nbase_images; i++) {
        tfl_buf_puts(out, "  - ");
        put_str(out, s->base_images[i].value);
        tfl_buf_putc(out, '\n');
    }
    tfl_buf_puts(out, cfg->ntrusted_registries ? "trusted-registries:\n"
                                               : "trusted-registries: []\n");
    for (i = 0; i < cfg->ntrusted_registries; i++) {
        tfl_buf_puts(out, "  - ");
        put_str(out, cfg->trusted_registries[i]);
        tfl_buf_putc(out, '\n');
    }
    tfl_buf_puts(out, "# null: the built-in pattern\n");
    put_key_str(out, "secret-pattern", s->secret_pattern);
    tfl_buf_puts(out, s->ncustom ? "custom-rules:\n" : "custom-rules: []\n");
    for (i = 0; i < s->ncustom; i++)
        put_custom(out, &s->custom[i]);
}
