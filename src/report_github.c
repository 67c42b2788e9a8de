/*
 * The github report: GitHub Actions workflow commands, one line per finding,
 *
 *     ::warning file=PATH,line=L,endLine=L,col=C,endColumn=C,title=ID NAME::MSG
 *
 * which the runner turns into annotations on the pull request. Severities
 * map error to ::error, warning to ::warning, info and style to ::notice.
 * Columns (UTF-16 units, end exclusive, as in SARIF) are given only for a
 * span on one line, since the runner drops them for a longer one.
 *
 * The runner reads every line of the step's output as a possible command,
 * and it trims leading white space first. So no line may start with bytes
 * that came from a Dockerfile or from a path: everything quoted sits after
 * a fixed prefix, and line breaks inside it are escaped (property values:
 * %, CR, LF, ':' and ','; the message: %, CR and LF, '%' always first, in
 * upper-case hex as the runner decodes it). Other control characters,
 * C1 controls, the Unicode line and paragraph separators, bidirectional
 * overrides and invalid UTF-8 become U+FFFD, so a Dockerfile can neither
 * steer the log viewer's colours nor make a line read differently.
 *
 * GitHub annotates at most 10 commands of each kind per step (and 50 per
 * job); the rest would be dropped. The first 10 findings of each kind are
 * therefore commands and the ones after them plain log lines,
 *
 *     tflint: PATH:LINE:COL: SEVERITY: MESSAGE [ID]
 *
 * so the log still lists every finding. The summary (tfl_report_summary)
 * counts each rule's findings and how many were annotated, for standard
 * error, where the runner shows it in the log.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tflint/rule.h"
#include "utf8.h"

#define MAX_PER_KIND 10  /* annotations GitHub shows per kind and step */
#define MAX_MESSAGE 4000 /* UTF-16 units; the runner cuts at 4096 */

enum { KIND_ERROR, KIND_WARNING, KIND_NOTICE, NKINDS };

static const char *const kind_names[NKINDS] = {"error", "warning", "notice"};

typedef struct github_state {
    size_t nrules;
    size_t *found;     /* per rule index */
    size_t *annotated; /* per rule index */
    size_t used[NKINDS];
    size_t overflow[NKINDS];
} github_state;

static void *github_open(const tfl_report_opts *opts)
{
    github_state *st = calloc(1, sizeof *st);

    (void)opts;
    if (!st)
        return NULL;
    tfl_rules(&st->nrules);
    st->found = calloc(st->nrules + 1, sizeof *st->found);
    st->annotated = calloc(st->nrules + 1, sizeof *st->annotated);
    if (!st->found || !st->annotated) {
        free(st->found);
        free(st->annotated);
        free(st);
        return NULL;
    }
    return st;
}

static int kind_of(tfl_severity sev)
{
    switch (sev) {
    case TFL_SEV_ERROR:
        return KIND_ERROR;
    case TFL_SEV_WARNING:
        return KIND_WARNING;
    default:
        return KIND_NOTICE;
    }
}

/* Code points that break a line for some reader or reorder what is shown:
 * C1 controls (NEL among them), U+2028, U+2029, bidirectional controls. */
static bool unsafe_cp(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Is ASCII byte `c` written as it is by put_safe()? */
static bool plain_ascii(unsigned char c, bool prop, bool escape)
{
    if (c < 0x20 || c >= 0x7f)
        return c == '\t';
    if (!escape)
        return true;
    return c != '%' && !(prop && (c == ':' || c == ','));
}

/*
 * Append `s` for the runner: in a property value when `prop`, else as
 * the message or a plain log line. `escape` selects the runner's %-codes
 * (commands); without it CR and LF are shown as a space. Stops after
 * `max` UTF-16 units (0: no limit) and marks the cut with " ...".
 */
static void put_safe(tfl_buf *b, const char *s, bool prop, bool escape,
                     size_t max)
{
    size_t len = strlen(s), i = 0, units = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t n = 1, run = i;

        /* Printable ASCII that stays as it is goes out as one run. */
        while (i < len && (!max || units < max) &&
               plain_ascii(c, prop, escape)) {
            units++;
            c = (unsigned char)s[++i];
        }
        tfl_buf_put(b, s + run, i - run);
        if (i >= len)
            break;
        cp = c;

        if (c >= 0x80)
            n = tfl_utf8_decode(s + i, len - i, &cp);
        if (max && units + (cp > 0xffff ? 2 : 1) > max) {
            tfl_buf_puts(b, " ...");
            return;
        }
        units += cp > 0xffff ? 2 : 1;
        if (n == 0 || unsafe_cp(cp) ||
            (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
            tfl_buf_puts(b, "\xEF\xBF\xBD");
            i += n ? n : 1;
            continue;
        }
        if (escape && c == '%')
            tfl_buf_puts(b, "%25");
        else if (c == '\r')
            tfl_buf_puts(b, escape ? "%0D" : " ");
        else if (c == '\n')
            tfl_buf_puts(b, escape ? "%0A" : " ");
        else if (escape && prop && c == ':')
            tfl_buf_puts(b, "%3A");
        else if (escape && prop && c == ',')
            tfl_buf_puts(b, "%2C");
        else
            tfl_buf_put(b, s + i, n);
        i += n;
    }
}

static void put_command(tfl_buf *b, const tfl_source *src, const tfl_finding *f,
                        int kind)
{
    tfl_pos s, e;

    tfl_report_region(src, f->span, &s, &e);
    tfl_buf_put(b, "::", 2);
    tfl_buf_puts(b, kind_names[kind]);
    tfl_buf_puts(b, " file=");
    put_safe(b, tfl_report_path(src->path), true, true, 0);
    tfl_buf_puts(b, ",line=");
    tfl_buf_put_uint(b, s.line, 0);
    tfl_buf_puts(b, ",endLine=");
    tfl_buf_put_uint(b, e.line, 0);
    if (s.line == e.line) {
        tfl_buf_puts(b, ",col=");
        tfl_buf_put_uint(b, s.col, 0);
        tfl_buf_puts(b, ",endColumn=");
        tfl_buf_put_uint(b, e.col, 0);
    }
    tfl_buf_puts(b, ",title=");
    put_safe(b, f->rule->id, true, true, 0);
    tfl_buf_putc(b, ' ');
    put_safe(b, f->rule->name, true, true, 0);
    tfl_buf_puts(b, "::");
    put_safe(b, f->message, false, true, MAX_MESSAGE);
    tfl_buf_putc(b, '\n');
}

/* A finding past the annotation limit, as a line the runner ignores. */
static void put_plain(tfl_buf *b, const tfl_source *src, const tfl_finding *f)
{
    tfl_pos s, e;

    tfl_report_region(src, f->span, &s, &e);
    tfl_buf_puts(b, "tflint: ");
    put_safe(b, tfl_report_path(src->path), false, false, 0);
    tfl_buf_putc(b, ':');
    tfl_buf_put_uint(b, s.line, 0);
    tfl_buf_putc(b, ':');
    tfl_buf_put_uint(b, s.col, 0);
    tfl_buf_put(b, ": ", 2);
    tfl_buf_puts(b, tfl_severity_name(f->severity));
    tfl_buf_put(b, ": ", 2);
    put_safe(b, f->message, false, false, 0);
    tfl_buf_put(b, " [", 2);
    tfl_buf_puts(b, f->rule->id);
    tfl_buf_put(b, "]\n", 2);
}

static void github_file(void *state, tfl_buf *out, const tfl_result *res)
{
    github_state *st = state;
    size_t i;

    for (i = 0; i < res->nfindings; i++) {
        const tfl_finding *f = &res->findings[i];
        size_t r = tfl_rule_index(f->rule);
        int kind = kind_of(f->severity);

        if (r > st->nrules)
            r = st->nrules; /* not in the table: counted apart */
        st->found[r]++;
        if (st->used[kind] < MAX_PER_KIND) {
            st->used[kind]++;
            st->annotated[r]++;
            put_command(out, &res->src, f, kind);
        } else {
            st->overflow[kind]++;
            put_plain(out, &res->src, f);
        }
        tfl_buf_drain(out);
    }
}

/* An unreadable input is an error annotation on the file, without a line. */
static void github_failure(void *state, tfl_buf *out, const char *path,
                           const char *message)
{
    github_state *st = state;

    if (st->used[KIND_ERROR] >= MAX_PER_KIND) {
        st->overflow[KIND_ERROR]++;
        tfl_buf_puts(out, "tflint: ");
        put_safe(out, message, false, false, 0);
        tfl_buf_putc(out, '\n');
        return;
    }
    st->used[KIND_ERROR]++;
    tfl_buf_puts(out, "::error file=");
    put_safe(out, tfl_report_path(path), true, true, 0);
    tfl_buf_puts(out, ",title=" TFL_UNREADABLE_ID " unreadable-input::");
    put_safe(out, message, false, true, MAX_MESSAGE);
    tfl_buf_putc(out, '\n');
}

static void github_end(void *state, tfl_buf *out, int exit_status)
{
    (void)state;
    (void)out;
    (void)exit_status;
}

/*
 * "tflint: TF201 root-user: 12 findings, 3 annotated" per rule that fired,
 * in rule order, then one line on what was left out when anything was.
 */
static void github_summary(void *state, tfl_buf *diag)
{
    const github_state *st = state;
    const tfl_rule *const *rules;
    size_t n, i, left = 0;
    int k;

    rules = tfl_rules(&n);
    for (i = 0; i <= st->nrules; i++) {
        if (!st->found[i])
            continue;
        tfl_buf_printf(diag, "tflint: %s %s: %zu finding%s, %zu annotated\n",
                       i < n ? rules[i]->id : "?",
                       i < n ? rules[i]->name : "other", st->found[i],
                       st->found[i] == 1 ? "" : "s", st->annotated[i]);
    }
    for (k = 0; k < NKINDS; k++)
        left += st->overflow[k];
    if (left)
        tfl_buf_printf(diag,
                       "tflint: %zu finding%s not annotated (GitHub shows %d "
                       "of each kind per step); all are in the log\n",
                       left, left == 1 ? "" : "s", MAX_PER_KIND);
}

static void github_close(void *state)
{
    github_state *st = state;

    free(st->found);
    free(st->annotated);
    free(st);
}

const tfl_renderer tfl_renderer_github = {
    .open = github_open,
    .begin = NULL,
    .file = github_file,
    .failure = github_failure,
    .end = github_end,
    .summary = github_summary,
    .close = github_close,
};
