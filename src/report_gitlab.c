/*
 * The gitlab report: a GitLab Code Quality artifact, the subset of the
 * Code Climate issue format that GitLab reads. A JSON array, one object
 * per finding:
 *
 *     {"type": "issue", "check_name": "TF201", "description": MSG,
 *      "categories": [...], "severity": "major", "fingerprint": HEX,
 *      "engine_name": "tflint",
 *      "location": {"path": PATH, "lines": {"begin": L, "end": L}}}
 *
 * Severities: error critical, warning major, info minor, style info; an
 * input that could not be read is a blocker of rule TF000 (nothing in it
 * was checked).
 *
 * The fingerprint is how GitLab matches an issue on the base branch with
 * the same issue on the merge request, so it must not move when lines are
 * added above the finding. It hashes the reported path, the rule id, the
 * finding's source text (the bytes of its span, white-space runs folded to
 * one space; the whole line when the span is empty) and the occurrence
 * index: how many earlier findings of the file have the same path, rule
 * and text. No line or column goes in. The hash is two 64-bit FNV-1a lanes
 * with different offsets, each finished with a 64-bit mixer, printed as 32
 * hex digits: not cryptographic (GitLab only compares), but fixed, since
 * changing it would make every issue look new once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"

#define FNV_PRIME 0x100000001b3ULL
#define LANE_A 0xcbf29ce484222325ULL /* FNV-1a's offset basis */
#define LANE_B 0x6c62272e07bb0142ULL /* FNV-1a 128's upper half */

typedef struct hash {
    uint64_t a, b;
} hash;

typedef struct keyed {
    hash h;       /* of path, rule and text */
    size_t occ;   /* occurrence among equal keys */
    size_t count; /* on a key's first finding: its findings so far */
} keyed;

typedef struct gitlab_state {
    size_t nissues;
} gitlab_state;

static void hash_init(hash *h)
{
    h->a = LANE_A;
    h->b = LANE_B;
}

static void hash_byte(hash *h, unsigned char c)
{
    h->a = (h->a ^ c) * FNV_PRIME;
    h->b = (h->b ^ (unsigned char)(c ^ 0x5a)) * FNV_PRIME;
}

/* A field: its bytes then a 0xff separator, a byte UTF-8 never holds, so
 * ("ab", "c") and ("a", "bc") differ. */
static void hash_field(hash *h, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        hash_byte(h, (unsigned char)s[i]);
    hash_byte(h, 0xff);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The text of `span` with white-space runs folded to one space and none
 * at either end. */
static void hash_text(hash *h, const char *s, size_t len)
{
    bool pending = false, any = false;
    size_t i;

    for (i = 0; i < len; i++) {
        if (is_space(s[i])) {
            pending = any;
            continue;
        }
        if (pending)
            hash_byte(h, ' ');
        hash_byte(h, (unsigned char)s[i]);
        pending = false;
        any = true;
    }
    hash_byte(h, 0xff);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static void put_fingerprint(tfl_buf *b, hash h, size_t occ)
{
    char num[24];
    int n = 0;

    do
        num[n++] = (char)('0' + occ % 10);
    while ((occ /= 10) != 0);
    while (n > 0)
        hash_byte(&h, (unsigned char)num[--n]);
    tfl_buf_put_hex(b, mix(h.a), 16);
    tfl_buf_put_hex(b, mix(h.b), 16);
}

/* The key of finding `f`, from `h`: the hash of the file's path. */
static hash key_of(const tfl_source *src, const tfl_finding *f, hash h)
{
    uint32_t start = f->span.start, end = f->span.end;

    if (end > src->len)
        end = (uint32_t)src->len;
    if (start > end)
        start = end;
    hash_field(&h, f->rule->id, strlen(f->rule->id));
    if (start == end) {
        const char *text;
        size_t len;

        if (tfl_source_line(src, tfl_source_line_of(src, start), &text, &len))
            hash_text(&h, text, len);
        else
            hash_text(&h, "", 0);
    } else {
        hash_text(&h, src->data + start, end - start);
    }
    return h;
}

/*
 * Keys and occurrence indexes of the findings of `res`, in finding order;
 * NULL when memory runs out. The n-th finding of a key (in file order)
 * has occurrence n: a table of each key's first finding counts them, in
 * one pass for files with many findings.
 */
static keyed *key_findings(const tfl_result *res)
{
    const char *path = tfl_report_path(res->src.path);
    size_t n = res->nfindings, nslots = 16, mask, i;
    keyed *k = malloc(n * sizeof *k);
    uint32_t *slots;
    hash base;

    while (nslots < 2 * n)
        nslots *= 2;
    mask = nslots - 1;
    slots = calloc(nslots, sizeof *slots);
    if (!k || !slots || n >= UINT32_MAX) {
        free(k);
        free(slots);
        return NULL;
    }
    hash_init(&base);
    hash_field(&base, path, strlen(path));
    for (i = 0; i < n; i++) {
        size_t at;

        k[i].h = key_of(&res->src, &res->findings[i], base);
        for (at = mix(k[i].h.a) & mask; slots[at]; at = (at + 1) & mask) {
            keyed *first = &k[slots[at] - 1];

            if (first->h.a == k[i].h.a && first->h.b == k[i].h.b)
                break;
        }
        if (slots[at]) {
            k[i].occ = k[slots[at] - 1].count++;
        } else {
            slots[at] = (uint32_t)i + 1;
            k[i].occ = 0;
            k[i].count = 1;
        }
    }
    free(slots);
    return k;
}

static const char *severity_of(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_ERROR:
        return "critical";
    case TFL_SEV_WARNING:
        return "major";
    case TFL_SEV_INFO:
        return "minor";
    default:
        return "info";
    }
}

/* A Code Climate category from the rule's tags. */
static const char *category_of(const tfl_rule *r)
{
    size_t i;

    for (i = 0; r->tags && r->tags[i]; i++)
        if (strcmp(r->tags[i], "security") == 0)
            return "Security";
    for (i = 0; r->tags && r->tags[i]; i++) {
        if (strcmp(r->tags[i], "style") == 0)
            return "Style";
        if (strcmp(r->tags[i], "maintainability") == 0)
            return "Clarity";
    }
    return "Bug Risk";
}

static void put_issue(tfl_buf *b, const char *check, const char *category,
                      const char *message, const char *severity, hash h,
                      size_t occ, const char *path, unsigned begin,
                      unsigned end)
{
    tfl_buf_puts(b, "{\"type\": \"issue\", \"check_name\": ");
    tfl_report_json_quoted(b, check);
    tfl_buf_puts(b, ", \"description\": ");
    tfl_report_json_quoted(b, message);
    tfl_buf_puts(b, ", \"categories\": [\"");
    tfl_buf_puts(b, category);
    tfl_buf_puts(b, "\"], \"severity\": \"");
    tfl_buf_puts(b, severity);
    tfl_buf_puts(b, "\", \"fingerprint\": \"");
    put_fingerprint(b, h, occ);
    tfl_buf_puts(b, "\", \"engine_name\": \"tflint\", \"location\": "
                    "{\"path\": ");
    tfl_report_json_quoted(b, path);
    tfl_buf_puts(b, ", \"lines\": {\"begin\": ");
    tfl_buf_put_uint(b, begin, 0);
    tfl_buf_puts(b, ", \"end\": ");
    tfl_buf_put_uint(b, end, 0);
    tfl_buf_puts(b, "}}}");
}

static void *gitlab_open(const tfl_report_opts *opts)
{
    (void)opts;
    return calloc(1, sizeof(gitlab_state));
}

static void gitlab_begin(void *state, tfl_buf *out)
{
    (void)state;
    tfl_buf_putc(out, '[');
}

static void separate(gitlab_state *st, tfl_buf *out)
{
    tfl_buf_puts(out, st->nissues++ ? ",\n  " : "\n  ");
}

static void gitlab_file(void *state, tfl_buf *out, const tfl_result *res)
{
    gitlab_state *st = state;
    keyed *k;
    size_t i;

    if (!res->nfindings)
        return;
    k = key_findings(res);
    if (!k) {
        out->failed = true;
        return;
    }
    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        tfl_pos s, e;

        tfl_report_region(&res->src, f->span, &s, &e);
        separate(st, out);
        put_issue(out, f->rule->id, category_of(f->rule), f->message,
                  severity_of(f->severity), k[i].h, k[i].occ,
                  tfl_report_path(res->src.path), (unsigned)s.line,
                  (unsigned)e.line);
        tfl_buf_drain(out);
    }
    free(k);
}

static void gitlab_failure(void *state, tfl_buf *out, const char *path,
                           const char *message)
{
    gitlab_state *st = state;
    hash h;

    path = tfl_report_path(path);
    hash_init(&h);
    hash_field(&h, path, strlen(path));
    hash_field(&h, TFL_UNREADABLE_ID, strlen(TFL_UNREADABLE_ID));
    separate(st, out);
    put_issue(out, TFL_UNREADABLE_ID, "Bug Risk", message, "blocker", h, 0,
              path, 1, 1);
}

static void gitlab_end(void *state, tfl_buf *out, int exit_status)
{
    gitlab_state *st = state;

    (void)exit_status;
    tfl_buf_puts(out, st->nissues ? "\n]\n" : "]\n");
}

static void gitlab_close(void *state)
{
    free(state);
}

const tfl_renderer tfl_renderer_gitlab = {
    .open = gitlab_open,
    .begin = gitlab_begin,
    .file = gitlab_file,
    .failure = gitlab_failure,
    .end = gitlab_end,
    .summary = NULL,
    .close = gitlab_close,
};
