#include "support.h"

#include "tflint/facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tflint/report.h"
#include "tflint/rule.h"
#include "utf8.h"

char *tfl_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return NULL;
    for (;;) {
        size_t got;

        if (cap - n < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap += 65536;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *tfl_test_shared(const char *rel)
{
    static char path[4096];
    struct stat st;

    if (stat(TFL_SHARED_DIR, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(path, sizeof path, "%s/%s", TFL_SHARED_DIR, rel);
    return path;
}

static tfl_facts *facts;

static void free_facts(void)
{
    tfl_facts_free(facts);
}

/* The built-in base-image facts, loaded once for the process, as the
 * command line does. */
const struct tfl_facts *tfl_test_facts(void)
{
    tfl_facts_error err;

    if (!facts) {
        assert_int_equal(tfl_facts_new(&facts), 0);
        assert_int_equal(tfl_facts_load_builtin(facts, &err), 0);
        atexit(free_facts);
    }
    return facts;
}

void tfl_test_parse(tfl_arena *a, tfl_source *src, tfl_doc *doc,
                    const char *text, size_t len)
{
    tfl_arena_init(a);
    assert_int_equal(tfl_source_init(src, a, "Dockerfile", text, len), 0);
    assert_int_equal(tfl_parse(a, src, doc), 0);
}

void tfl_test_lint(const char *text, tfl_result *res)
{
    tfl_config cfg;

    assert_int_equal(tfl_config_init(&cfg), 0);
    cfg.facts = tfl_test_facts();
    assert_int_equal(
        tfl_lint_buffer(&cfg, "Dockerfile", text, strlen(text), res), 0);
    tfl_config_free(&cfg);
}

size_t tfl_test_count(const tfl_result *res, const char *id)
{
    size_t i, n = 0;

    for (i = 0; i < res->nfindings; i++)
        if (strcmp(res->findings[i].rule->id, id) == 0)
            n++;
    return n;
}

const tfl_finding *tfl_test_find(const tfl_result *res, const char *id,
                                 size_t n)
{
    size_t i;

    for (i = 0; i < res->nfindings; i++)
        if (strcmp(res->findings[i].rule->id, id) == 0 && n-- == 0)
            return &res->findings[i];
    return NULL;
}

void tfl_test_assert_span(const tfl_result *res, const tfl_finding *f,
                          uint32_t line, uint32_t col, uint32_t end_line,
                          uint32_t end_col)
{
    tfl_pos a, b;

    assert_non_null(f);
    a = tfl_source_pos(&res->src, f->span.start);
    b = tfl_source_pos(&res->src, f->span.end);
    if (a.line != line || a.col != col || b.line != end_line ||
        b.col != end_col)
        fail_msg("%s at %u:%u-%u:%u, expected %u:%u-%u:%u", f->rule->id, a.line,
                 a.col, b.line, b.col, line, col, end_line, end_col);
}

/* --- Hand-made results --------------------------------------------------- */

void tfl_test_result(tfl_result *res, const char *path, const char *text)
{
    size_t len = strlen(text);
    char *copy;

    memset(res, 0, sizeof *res);
    tfl_arena_init(&res->arena);
    copy = tfl_arena_strndup(&res->arena, text, len);
    path = tfl_arena_strndup(&res->arena, path, strlen(path));
    assert_non_null(copy);
    assert_int_equal(tfl_source_init(&res->src, &res->arena, path, copy, len),
                     0);
    res->worst = TFL_SEV_NONE;
}

tfl_finding *tfl_test_add(tfl_result *res, const char *rule, const char *word,
                          tfl_severity sev, const char *message)
{
    const char *at = strstr(res->src.data, word);
    tfl_finding *f;
    size_t cap = res->nfindings;

    assert_non_null(at);
    f = tfl_arena_push(&res->arena, (void **)&res->findings, &res->nfindings,
                       &cap, sizeof *f);
    assert_non_null(f);
    f->rule = tfl_rule_lookup(rule);
    assert_non_null(f->rule);
    f->severity = sev;
    f->message = message;
    f->span.start = (uint32_t)(at - res->src.data);
    f->span.end = f->span.start + (uint32_t)strlen(word);
    return f;
}

tfl_span tfl_test_span(const tfl_result *res, const char *word)
{
    const char *at = strstr(res->src.data, word);
    tfl_span s;

    assert_non_null(at);
    s.start = (uint32_t)(at - res->src.data);
    s.end = s.start + (uint32_t)strlen(word);
    return s;
}

char *tfl_test_render(int format, bool color, const tfl_result *res,
                      const char *fail_path, int status)
{
    tfl_report_opts opts = {color, "9.9.9", "/src/root"};
    tfl_reporter *rep = tfl_report_new((tfl_format)format, &opts);
    tfl_buf out;
    char *s;

    assert_non_null(rep);
    tfl_buf_init(&out, 0);
    if (res)
        tfl_report_file(rep, &out, res);
    if (fail_path)
        tfl_report_failure(rep, &out, fail_path, "cannot read 'x': nope");
    tfl_report_end(rep, &out, status);
    tfl_report_free(rep);
    assert_false(out.failed);
    s = strdup(out.data ? out.data : "");
    tfl_buf_free(&out);
    return s;
}

/* --- JSON validity ------------------------------------------------------- */

typedef struct json {
    const char *p, *end;
    int depth;
} json;

static bool j_value(json *j);

static void j_ws(json *j)
{
    while (j->p < j->end && strchr(" \t\r\n", *j->p))
        j->p++;
}

static bool j_lit(json *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool j_string(json *j)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;

        if (c < 0x20)
            return false;
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                return false;
            if (*j->p == 'u') {
                int k;

                for (k = 1; k <= 4; k++)
                    if (j->p + k >= j->end ||
                        !strchr("0123456789abcdefABCDEF", j->p[k]))
                        return false;
                j->p += 5;
            } else if (strchr("\"\\/bfnrt", *j->p)) {
                j->p++;
            } else {
                return false;
            }
        } else if (c >= 0x80) {
            size_t n = tfl_utf8_valid_len(j->p, (size_t)(j->end - j->p));

            if (!n)
                return false;
            j->p += n;
        } else {
            j->p++;
        }
    }
    if (j->p >= j->end)
        return false;
    j->p++;
    return true;
}

static bool j_number(json *j)
{
    const char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    while (j->p < j->end && strchr("0123456789.eE+-", *j->p))
        j->p++;
    return j->p > s;
}

static bool j_members(json *j, char close, bool object)
{
    j_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return true;
    }
    for (;;) {
        j_ws(j);
        if (object) {
            if (!j_string(j))
                return false;
            j_ws(j);
            if (!j_lit(j, ":"))
                return false;
        }
        if (!j_value(j))
            return false;
        j_ws(j);
        if (j_lit(j, ","))
            continue;
        return j_lit(j, object ? "}" : "]");
    }
}

static bool j_value(json *j)
{
    bool ok;

    j_ws(j);
    if (j->p >= j->end || ++j->depth > 64)
        return false;
    if (*j->p == '{' || *j->p == '[') {
        char c = *j->p++;

        ok = j_members(j, c == '{' ? '}' : ']', c == '{');
    } else if (*j->p == '"') {
        ok = j_string(j);
    } else if (j_lit(j, "true") || j_lit(j, "false") || j_lit(j, "null")) {
        ok = true;
    } else {
        ok = j_number(j);
    }
    j->depth--;
    return ok;
}

bool tfl_test_json_valid(const char *s)
{
    json j = {s, s + strlen(s), 0};

    if (!j_value(&j))
        return false;
    j_ws(&j);
    return j.p == j.end;
}

/* --- XML well-formedness ---------------------------------------------------
 * Enough of XML 1.0 for the reports: an optional declaration, elements with
 * attributes, character data, the five named entities and character
 * references. Tags must nest and match; raw '<' and '&' only where markup
 * starts; bytes valid UTF-8 without the control characters XML forbids.
 */

typedef struct xml {
    const char *p, *end;
} xml;

static bool x_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* A name; its start and length through the out-parameters. */
static bool x_name(xml *x, const char **name, size_t *len)
{
    const char *s = x->p;

    if (x->p >= x->end || !x_name_char(*x->p, true))
        return false;
    while (x->p < x->end && x_name_char(*x->p, false))
        x->p++;
    *name = s;
    *len = (size_t)(x->p - s);
    return true;
}

static void x_ws(xml *x)
{
    while (x->p < x->end && strchr(" \t\r\n", *x->p))
        x->p++;
}

static bool x_reference(xml *x)
{
    static const char *const named[] = {"lt;", "gt;", "amp;", "quot;", "apos;"};
    size_t i;

    x->p++; /* '&' */
    for (i = 0; i < 5; i++) {
        size_t n = strlen(named[i]);

        if ((size_t)(x->end - x->p) >= n && memcmp(x->p, named[i], n) == 0) {
            x->p += n;
            return true;
        }
    }
    if (x->p >= x->end || *x->p != '#')
        return false;
    x->p++;
    if (x->p < x->end && *x->p == 'x') {
        x->p++;
        if (x->p >= x->end || !strchr("0123456789abcdefABCDEF", *x->p))
            return false;
        while (x->p < x->end && strchr("0123456789abcdefABCDEF", *x->p))
            x->p++;
    } else {
        if (x->p >= x->end || !strchr("0123456789", *x->p))
            return false;
        while (x->p < x->end && strchr("0123456789", *x->p))
            x->p++;
    }
    if (x->p >= x->end || *x->p != ';')
        return false;
    x->p++;
    return true;
}

/* Character data up to `stop` ('<' for content, the quote in a value). */
static bool x_chars(xml *x, char stop)
{
    while (x->p < x->end && *x->p != stop) {
        unsigned char c = (unsigned char)*x->p;

        if (c == '&') {
            if (!x_reference(x))
                return false;
        } else if (c == '<' || (c < 0x20 && !strchr("\t\r\n", c))) {
            return false;
        } else if (c >= 0x80) {
            size_t n = tfl_utf8_valid_len(x->p, (size_t)(x->end - x->p));

            if (!n)
                return false;
            x->p += n;
        } else {
            x->p++;
        }
    }
    return true;
}

static bool x_attributes(xml *x)
{
    for (;;) {
        const char *name;
        size_t len;
        char quote;

        x_ws(x);
        if (x->p >= x->end || *x->p == '>' || *x->p == '/' || *x->p == '?')
            return true;
        if (!x_name(x, &name, &len))
            return false;
        x_ws(x);
        if (x->p >= x->end || *x->p != '=')
            return false;
        x->p++;
        x_ws(x);
        if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
            return false;
        quote = *x->p++;
        if (!x_chars(x, quote) || x->p >= x->end)
            return false;
        x->p++;
    }
}

static bool x_element(xml *x, int depth)
{
    const char *name, *close;
    size_t len, clen;

    if (depth > 64 || x->p >= x->end || *x->p != '<')
        return false;
    x->p++;
    if (!x_name(x, &name, &len) || !x_attributes(x))
        return false;
    if ((size_t)(x->end - x->p) >= 2 && memcmp(x->p, "/>", 2) == 0) {
        x->p += 2;
        return true;
    }
    if (x->p >= x->end || *x->p != '>')
        return false;
    x->p++;
    for (;;) {
        if (!x_chars(x, '<') || x->p + 1 >= x->end)
            return false;
        if (x->p[1] == '/')
            break;
        if (!x_element(x, depth + 1))
            return false;
    }
    x->p += 2;
    if (!x_name(x, &close, &clen) || clen != len ||
        memcmp(close, name, len) != 0)
        return false;
    x_ws(x);
    if (x->p >= x->end || *x->p != '>')
        return false;
    x->p++;
    return true;
}

bool tfl_test_xml_valid(const char *s)
{
    xml x = {s, s + strlen(s)};

    if (strncmp(s, "<?xml", 5) == 0) {
        const char *e = strstr(s, "?>");

        if (!e)
            return false;
        x.p = e + 2;
    }
    x_ws(&x);
    if (!x_element(&x, 0))
        return false;
    x_ws(&x);
    return x.p == x.end;
}
