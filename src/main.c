/*
 * The tflint command: options in, bytes out. Everything else is in the
 * core library, which never prints; this file decides where its output and
 * messages go. stdout carries the report (or the --list-rules, --explain,
 * --dump=ast output) and nothing else; messages and the summary go to
 * stderr.
 *
 * The report is written in pieces of FLUSH_AT bytes, so memory stays
 * bounded by one file whatever the number of inputs. With --jobs N
 * (default: the number of cores), N threads read and lint files, this one
 * among them, and this one reports them in input order: linting may run
 * ahead of the report by at most WINDOW files per thread, so memory stays
 * bounded by that many results, each in its own arena, freed once its
 * file is reported (by the thread that linted it). With -o it goes to a
 * temporary file beside the target, renamed over it only when the run is
 * complete; an interrupted or failed run removes the temporary file and
 * leaves any previous report in place.
 *
 * One run may write several reports: `-f FORMAT -o FILE` pairs repeat, each
 * -o naming the file of the -f before it (an -o before any -f waits for the
 * next one, so `-o FILE -f FORMAT` still pairs). Each file is linted once
 * and handed to every reporter; at most one report goes to stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tflint/config.h"
#include "tflint/discover.h"
#include "tflint/engine.h"
#include "tflint/explain.h"
#include "tflint/facts.h"
#include "tflint/hostdb.h"
#include "tflint/report.h"

enum { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL };
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static const char usage_text[] =
    "usage: tflint [OPTIONS] [PATH...]\n"
    "\n"
    "Check Dockerfiles for what makes an image run as root, hands root's\n"
    "files to another account, picks colliding user or group IDs, or loses\n"
    "build-argument values. PATH is a file, '-' for standard input, or a\n"
    "directory searched for Dockerfile, Dockerfile.*, *.Dockerfile,\n"
    "*.dockerfile, Containerfile and Containerfile.* (symbolic links not\n"
    "followed, .git skipped). Without PATH, ./Dockerfile is read.\n"
    "\n"
    "Output:\n"
    "  -f, --format FORMAT        report format: text (default), sarif,\n"
    "                             json, github, checkstyle, gitlab (or\n"
    "                             codeclimate) or junit\n"
    "  -o, --output FILE          write the report of the -f before it to\n"
    "                             FILE (replaced only when the run\n"
    "                             completes); -f FORMAT -o FILE pairs may\n"
    "                             repeat, one -f without -o goes to stdout\n"
    "      --color WHEN           auto (default), always or never; auto\n"
    "                             colours when stdout is a terminal, TERM is\n"
    "                             not 'dumb' and NO_COLOR is unset\n"
    "  -q, --quiet                no summary line on standard error\n"
    "  -j, --jobs N               lint N files at a time (default: the\n"
    "                             number of cores); the report keeps the\n"
    "                             order of a serial run\n"
    "      --stdin-filename NAME  report standard input as NAME\n"
    "\n"
    "Configuration:\n"
    "      --config FILE          read FILE instead of the .tflint.yaml (or\n"
    "                             .hadolint.yaml) found in the current\n"
    "                             directory or a parent up to the\n"
    "                             repository root\n"
    "      --no-config            read no configuration file\n"
    "      --print-config         print the configuration in effect (file,\n"
    "                             TFLINT_* environment, options) and exit\n"
    "\n"
    "Rules:\n"
    "      --failure-threshold LEVEL\n"
    "                             fail on findings at or above LEVEL: error,\n"
    "                             warning (default), info, style or none\n"
    "      --ignore RULE          skip RULE (id, name or alias); repeatable\n"
    "      --severity RULE=LEVEL  report RULE at LEVEL (error, warning, info,\n"
    "                             style); repeatable\n"
    "      --list-rules           list every rule and exit\n"
    "      --explain RULE         describe RULE with examples and exit\n"
    "      --build-arg NAME=VALUE judge ARG NAME by VALUE instead of its\n"
    "                             default (NAME alone: from the environment);\n"
    "                             repeatable\n"
    "      --host-passwd FILE     the host's passwd file: name the host\n"
    "                             account an image UID collides with\n"
    "      --host-group FILE      the host's group file, likewise for GIDs\n"
    "\n"
    "Build:\n"
    "      --target STAGE         judge the image of stage STAGE (as docker\n"
    "                             build --target) instead of the last one; a\n"
    "                             file without that stage is an input error\n"
    "      --base-images FILE     add base-image facts from FILE (format in\n"
    "                             docs/base-images.md) ahead of the built-in\n"
    "                             ones; repeatable, later files win\n"
    "\n"
    "Debugging:\n"
    "      --dump=ast             print BuildKit's AST dump of one file and\n"
    "                             exit (status 1 when its parser would fail)\n"
    "\n"
    "  -h, --help                 show this help and exit\n"
    "      --version              show the version and exit\n"
    "\n"
    "Environment: TFLINT_CONFIG, TFLINT_FORMAT, TFLINT_COLOR,\n"
    "TFLINT_FAILURE_THRESHOLD, TFLINT_IGNORE, TFLINT_SEVERITY and\n"
    "TFLINT_TRUSTED_REGISTRIES (lists comma-separated); options win over\n"
    "them, and they over the configuration file.\n"
    "\n"
    "Exit status:\n"
    "  0  no finding at or above the failure threshold\n"
    "  1  findings at or above the threshold (parse errors are errors)\n"
    "  2  usage error, a bad configuration, an input that could not be\n"
    "     read, or one with no stage named by --target (the others are\n"
    "     still checked and reported)\n"
    "  3  internal error (out of memory)\n"
    "\n"
    "Home page: " TFL_HOMEPAGE "\n";

/* Reports one run may write: one per format, with room for duplicates. */
#define MAX_OUTPUTS 16

/* One report of the run: a format (-1 until given) and a file (NULL:
 * stdout). */
typedef struct output {
    int format;
    const char *path;
} output;

typedef struct cli {
    tfl_config cfg;
    output outputs[MAX_OUTPUTS];
    size_t noutputs;
    int color;
    bool quiet;
    long jobs; /* 0: the number of cores */
    bool list_rules;
    bool dump_ast;
    const char *explain;
    const char *stdin_name;
    bool print_config;
    tfl_facts *facts; /* the run's facts (owned by the settings), which
                         --base-images files extend */
    tfl_hostdb host_users, host_groups;
    tfl_build_arg *build_args; /* names malloc'd, values from argv */
    char *cwd;                 /* malloc'd by working_dir(), or NULL */
} cli;

/*
 * The current directory, asked for once (the configuration search and the
 * report both want it), or NULL when it cannot be had. Kept on the heap:
 * a PATH_MAX buffer in a frame of main() makes every call below it touch
 * one more page of stack.
 */
static const char *working_dir(cli *c)
{
    if (!c->cwd)
        c->cwd = getcwd(NULL, 0);
    return c->cwd;
}

/* The output: stdout, or a temporary file renamed at the end. */
typedef struct sink {
    int fd;
    const char *target;
    char *volatile *tmp; /* slot in tmp_paths */
    bool failed;
} sink;

/* The temporary files, for the signal handler to remove. */
static char *volatile tmp_paths[MAX_OUTPUTS];

static void on_signal(int sig)
{
    size_t i;

    for (i = 0; i < MAX_OUTPUTS; i++)
        if (tmp_paths[i])
            unlink(tmp_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* "tflint: WHAT 'ARG'" (ARG may be NULL) and the pointer to --help. */
static int usage_error(const char *what, const char *arg)
{
    if (arg)
        fprintf(stderr, "tflint: %s '%s'\n", what, arg);
    else
        fprintf(stderr, "tflint: %s\n", what);
    fputs("Try 'tflint --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/* RULE=LEVEL for --severity. */
static int set_severity(cli *c, const char *arg)
{
    const char *eq = strrchr(arg, '=');
    char name[128];
    int sev;

    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name)
        return usage_error("--severity wants RULE=LEVEL, not", arg);
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    if (!tfl_rule_lookup(name))
        return usage_error("unknown rule", name);
    sev = tfl_severity_parse(eq + 1);
    if (sev < 0 || sev > TFL_SEV_ERROR)
        return usage_error("invalid level", eq + 1);
    tfl_config_set_severity(&c->cfg, name, (tfl_severity)sev);
    return 0;
}

/* --base-images FILE: add its entries to the facts table. */
static int load_base_images(cli *c, const char *path)
{
    tfl_facts_error err;
    int rc;

    if (!c->facts) /* --help or --version: nothing will be linted */
        return 0;
    rc = tfl_facts_load_file(c->facts, path, &err);

    if (rc == TFL_FACTS_ENOMEM) {
        fputs("tflint: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    if (rc != 0) {
        if (err.line)
            fprintf(stderr, "tflint: %s:%u: %s\n", path, (unsigned)err.line,
                    err.message);
        else
            fprintf(stderr, "tflint: %s: %s\n", path, err.message);
        return EXIT_USAGE;
    }
    return 0;
}

/* --build-arg NAME=VALUE, or NAME alone for the environment's value (as
 * docker build does; ignored when the variable is unset). */
static int add_build_arg(cli *c, const char *arg)
{
    const char *eq = strchr(arg, '='), *value;
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    tfl_build_arg *v;
    char *name;

    if (len == 0)
        return usage_error("--build-arg wants NAME=VALUE, not", arg);
    value = eq ? eq + 1 : getenv(arg);
    if (!value)
        return 0;
    v = realloc(c->build_args, (c->cfg.nbuild_args + 1) * sizeof *v);
    name = malloc(len + 1);
    if (v)
        c->build_args = v;
    if (!v || !name) {
        free(name);
        fputs("tflint: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    memcpy(name, arg, len);
    name[len] = '\0';
    v[c->cfg.nbuild_args].name = name;
    v[c->cfg.nbuild_args++].value = value;
    c->cfg.build_args = v;
    return 0;
}

/* --host-passwd / --host-group FILE; a later one replaces an earlier. */
static int load_host_file(cli *c, bool group, const char *path)
{
    tfl_hostdb *db = group ? &c->host_groups : &c->host_users;
    tfl_hostdb_error err = {0};
    int rc;

    tfl_hostdb_free(db);
    rc = tfl_hostdb_load(db, path, group, &err);
    if (rc == TFL_HOSTDB_ENOMEM) {
        fputs("tflint: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    if (rc != 0) {
        if (err.line)
            fprintf(stderr, "tflint: %s:%u: %s\n", path, (unsigned)err.line,
                    err.message);
        else
            fprintf(stderr, "tflint: %s\n", err.message);
        return EXIT_USAGE;
    }
    if (group) {
        c->cfg.host_groups = db->accounts;
        c->cfg.nhost_groups = db->n;
    } else {
        c->cfg.host_users = db->accounts;
        c->cfg.nhost_users = db->n;
    }
    return 0;
}

enum {
    OPT_COLOR = 256,
    OPT_THRESHOLD,
    OPT_IGNORE,
    OPT_SEVERITY,
    OPT_STDIN_NAME,
    OPT_LIST_RULES,
    OPT_EXPLAIN,
    OPT_DUMP,
    OPT_VERSION,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_PRINT_CONFIG,
    OPT_TARGET,
    OPT_BASE_IMAGES,
    OPT_BUILD_ARG,
    OPT_HOST_PASSWD,
    OPT_HOST_GROUP
};

/* Bytes of a lone report gathered before they are written: one write per
 * few dozen files instead of one per file. */
#define FLUSH_AT ((size_t)64 << 10)

/* The room a lone file's report starts with: most fit in it. */
#define SMALL_REPORT ((size_t)4000)

/* Files a worker may be ahead of the report, per thread. */
#define WINDOW 4
#define MAX_JOBS 256

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"failure-threshold", required_argument, NULL, OPT_THRESHOLD},
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"severity", required_argument, NULL, OPT_SEVERITY},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"dump", required_argument, NULL, OPT_DUMP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"target", required_argument, NULL, OPT_TARGET},
    {"base-images", required_argument, NULL, OPT_BASE_IMAGES},
    {"build-arg", required_argument, NULL, OPT_BUILD_ARG},
    {"host-passwd", required_argument, NULL, OPT_HOST_PASSWD},
    {"host-group", required_argument, NULL, OPT_HOST_GROUP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/*
 * Record -f (`format`) or -o (`path`): it completes the last output when
 * that one lacks it, else starts a new output.
 */
static int add_output(cli *c, int format, const char *path)
{
    output *last = c->noutputs ? &c->outputs[c->noutputs - 1] : NULL;

    if (last && format >= 0 && last->format < 0) {
        last->format = format;
        return 0;
    }
    if (last && path && !last->path) {
        last->path = path;
        return 0;
    }
    if (c->noutputs == MAX_OUTPUTS)
        return usage_error("too many reports, at most 16", NULL);
    c->outputs[c->noutputs].format = format;
    c->outputs[c->noutputs].path = path;
    c->noutputs++;
    return 0;
}

/* Fill in the defaults (text, stdout) and refuse two reports on stdout or
 * in one file. */
static int check_outputs(cli *c)
{
    size_t i, j, on_stdout = 0;

    if (c->noutputs == 0)
        c->outputs[c->noutputs++].format = -1;
    for (i = 0; i < c->noutputs; i++) {
        if (c->outputs[i].format < 0)
            c->outputs[i].format = TFL_FORMAT_TEXT;
        if (!c->outputs[i].path && ++on_stdout > 1)
            return usage_error("only one report can go to standard output; "
                               "give the others -o FILE",
                               NULL);
        for (j = 0; j < i; j++)
            if (c->outputs[i].path && c->outputs[j].path &&
                strcmp(c->outputs[i].path, c->outputs[j].path) == 0)
                return usage_error("two reports written to",
                                   c->outputs[i].path);
    }
    if (c->noutputs > 1 && (c->list_rules || c->explain || c->dump_ast))
        return usage_error("--list-rules, --explain and --dump=ast write "
                           "one output",
                           NULL);
    return 0;
}

/*
 * Apply one option. Returns 0 to go on, -1 when the run is over with
 * success (--help, --version), or an exit status for a usage error.
 */
static int apply_option(cli *c, int opt, const char *arg)
{
    int v;

    switch (opt) {
    case 'f':
        if ((v = tfl_format_parse(arg)) < 0)
            return usage_error("unknown format", arg);
        return add_output(c, v, NULL);
    case 'o':
        return add_output(c, -1, arg);
    case OPT_COLOR:
        if (strcmp(arg, "auto") == 0)
            c->color = COLOR_AUTO;
        else if (strcmp(arg, "always") == 0)
            c->color = COLOR_ALWAYS;
        else if (strcmp(arg, "never") == 0)
            c->color = COLOR_NEVER;
        else
            return usage_error("--color wants auto, always or never, not", arg);
        return 0;
    case 'q':
        c->quiet = true;
        return 0;
    case 'j': {
        char *end;

        errno = 0;
        c->jobs = strtol(arg, &end, 10);
        if (errno || end == arg || *end || c->jobs < 1 || c->jobs > MAX_JOBS)
            return usage_error("--jobs wants a number from 1 to 256, not", arg);
        return 0;
    }
    case OPT_THRESHOLD:
        if ((v = tfl_severity_parse(arg)) < 0)
            return usage_error("invalid level", arg);
        c->cfg.threshold = (tfl_severity)v;
        return 0;
    case OPT_IGNORE:
        if (tfl_config_ignore(&c->cfg, arg) != 0)
            return usage_error("unknown rule", arg);
        return 0;
    case OPT_SEVERITY:
        return set_severity(c, arg);
    case OPT_STDIN_NAME:
        c->stdin_name = arg;
        return 0;
    case OPT_LIST_RULES:
        c->list_rules = true;
        return 0;
    case OPT_EXPLAIN:
        c->explain = arg;
        return 0;
    case OPT_DUMP:
        if (strcmp(arg, "ast") != 0)
            return usage_error("--dump knows only 'ast', not", arg);
        c->dump_ast = true;
        return 0;
    case OPT_CONFIG: /* read before the other options: see prescan() */
    case OPT_NO_CONFIG:
        return 0;
    case OPT_PRINT_CONFIG:
        c->print_config = true;
        return 0;
    case OPT_TARGET:
        if (!*arg)
            return usage_error("--target wants a stage name", NULL);
        c->cfg.target = arg;
        return 0;
    case OPT_BASE_IMAGES:
        return load_base_images(c, arg);
    case OPT_VERSION:
        printf("tflint %s\n", TFL_VERSION);
        return -1;
    case OPT_BUILD_ARG:
        return add_build_arg(c, arg);
    case OPT_HOST_PASSWD:
    case OPT_HOST_GROUP:
        return load_host_file(c, opt == OPT_HOST_GROUP, arg);
    case 'h':
        fputs(usage_text, stdout);
        return -1;
    default:
        return usage_error("invalid usage", NULL);
    }
}

/* Parse argv into `c`; `*first` receives the index of the first path. */
static int parse_args(cli *c, int argc, char **argv, int *first)
{
    int opt, rc;

    opterr = 0; /* our own messages, named "tflint" */
    while ((opt = getopt_long(argc, argv, ":f:o:qj:h", long_options, NULL)) !=
           -1) {
        const char *bad = argv[optind - 1];

        if (opt == '?' && strncmp(bad, "--", 2) != 0 && optopt > 0 &&
            optopt < 128) {
            char shortopt[3] = {'-', (char)optopt, '\0'};

            return usage_error("unknown option", shortopt);
        }
        if (opt == '?' && optopt)
            return usage_error("option takes no argument", bad);
        if (opt == '?')
            return usage_error("unknown option", bad);
        if (opt == ':')
            return usage_error("missing argument to", bad);
        rc = apply_option(c, opt, optarg);
        if (rc)
            return rc;
    }
    *first = optind;
    return check_outputs(c);
}

static bool want_color(const cli *c, const output *o)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    if (c->color != COLOR_AUTO)
        return c->color == COLOR_ALWAYS;
    return !o->path && isatty(STDOUT_FILENO) && !(nc && *nc) && term &&
           strcmp(term, "dumb") != 0;
}

/* --- Output --------------------------------------------------------------- */

/* Open the sink of `target` (NULL: stdout); its temporary file's name is
 * kept in tmp_paths[slot]. */
static int sink_open(sink *s, const char *target, size_t slot)
{
    size_t n;
    mode_t mask;
    char *t;

    s->fd = STDOUT_FILENO;
    s->target = target;
    s->tmp = &tmp_paths[slot];
    s->failed = false;
    if (!target)
        return 0;
    n = strlen(target) + sizeof ".tmp.XXXXXX";
    t = malloc(n);
    if (!t)
        return -1;
    snprintf(t, n, "%s.tmp.XXXXXX", target);
    s->fd = mkstemp(t);
    if (s->fd < 0) {
        fprintf(stderr, "tflint: cannot create '%s': %s\n", t, strerror(errno));
        free(t);
        return 1;
    }
    *s->tmp = t;
    mask = umask(0);
    umask(mask);
    fchmod(s->fd, 0666 & ~mask);
    return 0;
}

/* Write and empty `b`; a failure is remembered and reported at close. */
static void sink_flush(sink *s, tfl_buf *b)
{
    size_t off = 0;

    while (!s->failed && off < b->len) {
        ssize_t n = write(s->fd, b->data + off, b->len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "tflint: cannot write '%s': %s\n",
                    s->target ? *s->tmp : "standard output", strerror(errno));
            s->failed = true;
        } else {
            off += (size_t)n;
        }
    }
    tfl_buf_reset(b);
}

/* tfl_buf's drain for the one report of a run. */
static void drain_sink(void *ctx, tfl_buf *b)
{
    sink_flush(ctx, b);
}

/* Finish the output: rename into place when `ok`, else remove. Returns 0,
 * or 1 when the report could not be written. */
static int sink_close(sink *s, bool ok)
{
    char *t = *s->tmp;
    int rc = s->failed;

    if (!s->target)
        return rc;
    ok = ok && !s->failed;
    if (ok && (fsync(s->fd) != 0 || close(s->fd) != 0)) {
        fprintf(stderr, "tflint: cannot write '%s': %s\n", t, strerror(errno));
        ok = false;
    } else if (!ok) {
        close(s->fd);
    }
    if (ok && rename(t, s->target) != 0) {
        fprintf(stderr, "tflint: cannot rename '%s' to '%s': %s\n", t,
                s->target, strerror(errno));
        ok = false;
    }
    if (!ok) {
        unlink(t);
        rc = 1;
    }
    *s->tmp = NULL;
    free(t);
    return rc;
}

/* --- Runs ----------------------------------------------------------------- */

typedef struct tally {
    size_t files, unreadable, findings;
    size_t no_target; /* files without the --target stage */
    size_t by_sev[TFL_SEV_NONE];
    bool failing;
} tally;

static void put_count(tfl_buf *b, bool *first, size_t n, const char *one,
                      const char *many)
{
    if (!n)
        return;
    tfl_buf_printf(b, "%s%zu %s", *first ? "" : ", ", n, n == 1 ? one : many);
    *first = false;
}

/* "tflint: 3 files, 5 findings (1 error, 4 warnings)" */
static void print_summary(const tally *t)
{
    bool first = true;
    tfl_buf b;

    tfl_buf_init(&b, 0);
    tfl_buf_printf(&b, "tflint: %zu file%s", t->files,
                   t->files == 1 ? "" : "s");
    if (t->unreadable)
        tfl_buf_printf(&b, ", %zu unreadable", t->unreadable);
    if (!t->findings) {
        tfl_buf_puts(&b, ", no findings");
    } else {
        tfl_buf_printf(&b, ", %zu finding%s (", t->findings,
                       t->findings == 1 ? "" : "s");
        put_count(&b, &first, t->by_sev[TFL_SEV_ERROR], "error", "errors");
        put_count(&b, &first, t->by_sev[TFL_SEV_WARNING], "warning",
                  "warnings");
        put_count(&b, &first, t->by_sev[TFL_SEV_INFO], "info", "info");
        put_count(&b, &first, t->by_sev[TFL_SEV_STYLE], "style", "style");
        tfl_buf_putc(&b, ')');
    }
    if (!b.failed)
        fprintf(stderr, "%s\n", b.data);
    tfl_buf_free(&b);
}

/* The path a file is reported as. */
static const char *shown_path(const cli *c, const tfl_input *in)
{
    return strcmp(in->path, "-") == 0 && c->stdin_name ? c->stdin_name
                                                       : in->path;
}

/*
 * Read `in`. Returns 0 with the bytes, 1 when it cannot be read (the
 * reason in `why`), -1 when memory runs out. Prints nothing: a worker
 * thread calls it, and messages keep the order of the report.
 */
/* Standard input was closed when tflint started (see guard_stdin). */
static bool stdin_closed;

/*
 * With descriptor 0 closed, the first file opened would get it, and a `-`
 * argument would then read that file (from whichever thread opened it).
 * Park /dev/null on 0 instead and remember that `-` must fail.
 */
static void guard_stdin(void)
{
    if (fcntl(0, F_GETFD) != -1 || errno != EBADF)
        return;
    stdin_closed = true;
    if (open("/dev/null", O_RDONLY) != 0)
        return; /* nothing better to do: 0 stays closed */
}

static int read_input(const tfl_input *in, char **data, size_t *len,
                      char why[TFL_ERRMSG_SIZE])
{
    if (stdin_closed && in->path && strcmp(in->path, "-") == 0) {
        snprintf(why, TFL_ERRMSG_SIZE, "cannot read standard input: %s",
                 strerror(EBADF));
        return 1;
    }
    if (in->error) {
        snprintf(why, TFL_ERRMSG_SIZE, "%s", in->error);
        return 1;
    }
    return tfl_read_file(in->path, data, len, why);
}

static void count(tally *t, const tfl_result *res, tfl_severity threshold)
{
    size_t i;

    t->files++;
    t->findings += res->nfindings;
    for (i = 0; i < res->nfindings; i++) {
        tfl_severity s = res->findings[i].severity;

        if (s < TFL_SEV_NONE)
            t->by_sev[s]++;
        if (threshold != TFL_SEV_NONE && s >= threshold)
            t->failing = true;
    }
}

/* Does `doc` have a stage called `name` (any case), or no stage at all
 * (then TF100 says more)? */
static bool has_stage(const tfl_doc *doc, const char *name)
{
    bool any = false;
    size_t i;

    for (i = 0; i < doc->ninstrs; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind != TFL_FROM)
            continue;
        any = true;
        if (in->nargs == 3 && strcasecmp(in->args[1].text, "as") == 0 &&
            strcasecmp(in->args[2].text, name) == 0)
            return true;
    }
    return !any;
}

/*
 * Hand one input to every report: its findings when `res` is set, else
 * the failure to read `path` (`why`). Each report's bytes go to its sink at
 * once, so memory holds one report's share of one file. Returns 0, or -1
 * when memory runs out.
 */
static int report_all(const cli *c, tfl_reporter **reps, sink *sinks,
                      tfl_buf *out, const tfl_result *res, const char *path,
                      const char *why)
{
    size_t k;

    for (k = 0; k < c->noutputs; k++) {
        if (res)
            tfl_report_file(reps[k], out, res);
        else
            tfl_report_failure(reps[k], out, path, why);
        if (out->failed)
            return -1;
        /* Several reports share `out`, so each writes its part at once. */
        if (c->noutputs > 1 || out->len >= FLUSH_AT)
            sink_flush(&sinks[k], out);
    }
    return 0;
}

/* Write what a lone report has gathered, before a message on standard
 * error, so that both keep their order on a terminal. */
static void flush_pending(const cli *c, sink *sinks, tfl_buf *out)
{
    if (c->noutputs == 1 && out->len && !out->failed)
        sink_flush(&sinks[0], out);
}

/* One input on its way: read and linted by a worker, then reported. */
typedef struct job {
    int state; /* JOB_FREE, JOB_BUSY, JOB_DONE */
    int rc;    /* 0 linted, 1 unreadable (see why), -1 out of memory */
    char why[TFL_ERRMSG_SIZE];
    tfl_result res;
    size_t owner; /* the thread that linted it (0: the reporting one) */
} job;

enum { JOB_FREE, JOB_BUSY, JOB_DONE };

/* Read and lint `in` into `j`. Safe to call from any thread. */
static void job_run(const cli *c, const tfl_input *in, job *j)
{
    char *data = NULL;
    size_t len = 0;

    j->rc = read_input(in, &data, &len, j->why);
    if (j->rc == 0 &&
        tfl_lint_take(&c->cfg, shown_path(c, in), data, len, &j->res) != 0)
        j->rc = -1;
}

/* Report `j` for `in`; the caller frees its result. Returns 0, or -1
 * when memory ran out while it was linted. */
static int job_report(const cli *c, tfl_reporter **reps, sink *sinks,
                      tfl_buf *out, const tfl_input *in, job *j, tally *t)
{
    int rc;

    if (j->rc < 0)
        return -1;
    if (j->rc == 1) {
        flush_pending(c, sinks, out);
        fprintf(stderr, "tflint: %s\n", j->why);
        t->unreadable++;
        return report_all(c, reps, sinks, out, NULL, shown_path(c, in), j->why);
    }
    if (c->cfg.target && !has_stage(&j->res.doc, c->cfg.target)) {
        flush_pending(c, sinks, out);
        fprintf(stderr, "tflint: '%s' has no stage named '%s'\n",
                shown_path(c, in), c->cfg.target);
        t->no_target++;
    }
    rc = report_all(c, reps, sinks, out, &j->res, NULL, NULL);
    count(t, &j->res, c->cfg.threshold);
    return rc;
}

/* Finish every report; the reporters' notes (the github summary) are
 * collected in `diag`. Returns -1 when memory runs out. */
static int end_all(const cli *c, tfl_reporter **reps, sink *sinks, tfl_buf *out,
                   tfl_buf *diag, int status)
{
    size_t k;

    for (k = 0; k < c->noutputs; k++) {
        tfl_report_end(reps[k], out, status);
        if (!c->quiet)
            tfl_report_summary(reps[k], diag);
        if (out->failed)
            return -1;
        sink_flush(&sinks[k], out);
    }
    return 0;
}

/*
 * The workers and the window of jobs they share with the reporter. The
 * reporting thread lints too whenever the next file to report is not
 * ready, so `nthreads` threads keep `nthreads` cores busy (a reporter that
 * only waited would wake and sleep once per file). Sleepers are counted so
 * that a thread signals only when someone waits for what it did: with
 * thousands of small files, wake-ups otherwise cost more system time than
 * the linting.
 */
typedef struct pool {
    const cli *c;
    const tfl_inputs *in;
    job *jobs; /* `window` slots; input i goes to slot i % window */
    size_t window;
    size_t next;     /* first input no thread has taken */
    size_t reported; /* inputs reported so far */
    bool stop;
    size_t idle; /* workers waiting for room */
    /* Arenas of reported files, waiting for the worker that linted them:
     * `window` slots per thread. glibc would otherwise lock that thread's
     * malloc arena for every block the reporter frees, and the two
     * threads would queue on it. */
    tfl_arena *pending;
    size_t *npending;
    bool reporter_waits; /* the reporter waits for a job to finish */
    pthread_mutex_t mu;
    pthread_cond_t room; /* a slot was freed, or stop */
    pthread_cond_t done; /* a job finished */
} pool;

/* May a thread take input p->next now? Called with the lock held. */
static bool can_take(const pool *p)
{
    return !p->stop && p->next < p->in->count &&
           p->next < p->reported + p->window;
}

/* Take input p->next, lint it in thread `self` without the lock, and mark
 * it done. Called with the lock held; holds it again on return. */
static void run_next(pool *p, size_t self)
{
    size_t i = p->next++;
    job *j = &p->jobs[i % p->window];

    j->state = JOB_BUSY;
    j->owner = self;
    pthread_mutex_unlock(&p->mu);
    job_run(p->c, &p->in->items[i], j);
    pthread_mutex_lock(&p->mu);
    j->state = JOB_DONE;
    if (p->reporter_waits) {
        /* Signalled without the lock, the reporter does not wake only to
         * wait for it (two switches per file when both threads share a
         * core). */
        pthread_mutex_unlock(&p->mu);
        pthread_cond_signal(&p->done);
        pthread_mutex_lock(&p->mu);
    }
}

/* Free the arenas thread `self` has waiting; with the lock held. */
static void free_pending(pool *p, size_t self)
{
    while (p->npending[self]) {
        tfl_arena a = p->pending[self * p->window + --p->npending[self]];

        pthread_mutex_unlock(&p->mu);
        tfl_arena_free(&a);
        pthread_mutex_lock(&p->mu);
    }
}

typedef struct worker_arg {
    pool *p;
    size_t self; /* 1.. for workers */
} worker_arg;

static void *worker(void *arg)
{
    pool *p = ((worker_arg *)arg)->p;
    size_t self = ((worker_arg *)arg)->self;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        free_pending(p, self);
        while (!p->stop && p->next < p->in->count && !can_take(p) &&
               !p->npending[self]) {
            p->idle++;
            pthread_cond_wait(&p->room, &p->mu);
            p->idle--;
        }
        if (p->npending[self])
            continue;
        if (!can_take(p))
            break;
        run_next(p, self);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Wait for input `i` in the window, linting others while it is not done. */
static job *pool_wait(pool *p, size_t i)
{
    job *j = &p->jobs[i % p->window];

    pthread_mutex_lock(&p->mu);
    while (j->state != JOB_DONE) {
        if (can_take(p)) {
            run_next(p, 0);
            continue;
        }
        p->reporter_waits = true;
        pthread_cond_wait(&p->done, &p->mu);
        p->reporter_waits = false;
    }
    pthread_mutex_unlock(&p->mu);
    return j;
}

/*
 * Input `i` is reported: its slot is free for a worker. Its result is
 * freed here when this thread linted it, else handed to the worker that
 * did (free_pending()).
 */
static void pool_release(pool *p, job *j, bool stop)
{
    bool wake;

    if (j->rc == 0 && j->owner == 0)
        tfl_result_free(&j->res);
    pthread_mutex_lock(&p->mu);
    if (j->rc == 0 && j->owner != 0) {
        p->pending[j->owner * p->window + p->npending[j->owner]++] =
            j->res.arena;
        memset(&j->res, 0, sizeof j->res);
    }
    j->state = JOB_FREE;
    p->reported++;
    p->stop = p->stop || stop;
    /* A worker asleep for room is woken once half the window is free, not
     * for every slot: sharing a core with the reporter, it would take the
     * core for one file each time. The reporter lints meanwhile. */
    wake = p->idle && p->reported + p->window - p->next >= p->window / 2;
    pthread_mutex_unlock(&p->mu);
    if (p->stop)
        pthread_cond_broadcast(&p->room);
    else if (wake)
        pthread_cond_signal(&p->room); /* as in run_next() */
}

/*
 * Each file's memory is freed before the next file's is taken, and glibc
 * hands the free top of its heap back to the kernel whenever it passes
 * 128 KiB: the next file then takes page faults on fresh pages. With
 * several threads the heaps interleave and it happens all the time
 * (about 7,500 faults on the corpus at -j2, 1,000 at -j1). Keep up to
 * 16 MiB for the next file instead: that memory was the peak already.
 * Setting this also fixes the mmap threshold at its default, so blocks
 * past 128 KiB stay mappings that realloc() can move without copying.
 */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
}

static size_t default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (size_t)n;
}

/*
 * Lint every input with `nthreads` threads (this one and nthreads - 1
 * workers), reporting in input order. Returns the number of inputs
 * reported; fewer than in->count when memory ran out (*oom set) or the
 * output buffer failed.
 */
static size_t lint_parallel(const cli *c, const tfl_inputs *in, size_t nthreads,
                            tfl_reporter **reps, sink *sinks, tfl_buf *out,
                            tally *t, bool *oom)
{
    /* On the heap like the rest: as arrays of MAX_JOBS in this frame
     * (inlined into main()) they would deepen the stack of every run. */
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    worker_arg *args = calloc(nthreads, sizeof *args);
    size_t started = 0, i, k;
    pool p = {0};

    p.c = c;
    p.in = in;
    p.window = nthreads * WINDOW;
    p.jobs = calloc(p.window, sizeof *p.jobs);
    p.pending = calloc(nthreads * p.window, sizeof *p.pending);
    p.npending = calloc(nthreads, sizeof *p.npending);
    if (!tids || !args || !p.jobs || !p.pending || !p.npending ||
        pthread_mutex_init(&p.mu, NULL) != 0) {
        free(tids);
        free(args);
        free(p.jobs);
        free(p.pending);
        free(p.npending);
        *oom = true;
        return 0;
    }
    pthread_cond_init(&p.room, NULL);
    pthread_cond_init(&p.done, NULL);
    while (started + 1 < nthreads) {
        args[started].p = &p;
        args[started].self = started + 1;
        if (pthread_create(&tids[started], NULL, worker, &args[started]) != 0)
            break;
        started++;
    }
    for (i = 0; i < in->count; i++) {
        job *j = pool_wait(&p, i);
        bool bad = job_report(c, reps, sinks, out, &in->items[i], j, t) != 0;

        *oom = *oom || bad;
        pool_release(&p, j, bad || out->failed);
        if (bad || out->failed)
            break;
    }
    /* Workers asleep for room once the reporter took the last inputs. */
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_cond_broadcast(&p.room);
    pthread_mutex_unlock(&p.mu);
    for (k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    /* After a stop, finished jobs that were never reported. */
    for (k = 0; k < p.window; k++)
        if (p.jobs[k].state == JOB_DONE && p.jobs[k].rc == 0)
            tfl_result_free(&p.jobs[k].res);
    /* Reported ones whose worker had ended (no thread but this one now). */
    pthread_mutex_lock(&p.mu);
    for (k = 1; k < nthreads; k++)
        free_pending(&p, k);
    pthread_mutex_unlock(&p.mu);
    pthread_cond_destroy(&p.room);
    pthread_cond_destroy(&p.done);
    pthread_mutex_destroy(&p.mu);
    free(p.jobs);
    free(p.pending);
    free(p.npending);
    free(tids);
    free(args);
    return i;
}

/* The same, in this thread. */
static size_t lint_serial(const cli *c, const tfl_inputs *in,
                          tfl_reporter **reps, sink *sinks, tfl_buf *out,
                          tally *t, bool *oom)
{
    size_t i;

    for (i = 0; i < in->count; i++) {
        job j;
        int rc;

        job_run(c, &in->items[i], &j);
        rc = job_report(c, reps, sinks, out, &in->items[i], &j, t);
        if (j.rc == 0)
            tfl_result_free(&j.res);
        if (rc != 0) {
            *oom = true;
            break;
        }
        if (out->failed)
            break;
    }
    return i;
}

static int run_lint(cli *c, const tfl_inputs *in, sink *sinks)
{
    tfl_reporter *reps[MAX_OUTPUTS] = {0};
    /* One input needs no count of the cores (a file of /sys to read). */
    size_t nthreads = c->jobs         ? (size_t)c->jobs
                      : in->count > 1 ? default_jobs()
                                      : 1,
           done = 0;
    const char *root = working_dir(c);
    bool oom = false;
    tally t = {0};
    tfl_buf out, diag;
    int status;
    size_t k;

    for (k = 0; k < c->noutputs; k++) {
        tfl_report_opts opts = {want_color(c, &c->outputs[k]), TFL_VERSION,
                                root};

        reps[k] = tfl_report_new((tfl_format)c->outputs[k].format, &opts);
        oom = oom || !reps[k];
    }
    tfl_buf_init(&out, 0);
    tfl_buf_init(&diag, 0);
    /* Room for a flush's worth and the file that ends it, taken once
     * when several files come; one file's report grows as it needs (that
     * much at once would be a mapping of its own, made and unmade). */
    if (c->noutputs == 1) {
        tfl_buf_reserve(&out, in->count > 1 ? 2 * FLUSH_AT : SMALL_REPORT);
        out.drain = drain_sink;
        out.drain_ctx = &sinks[0];
    }
    if (nthreads > in->count)
        nthreads = in->count;
    keep_freed_memory();
    if (!oom && nthreads > 1)
        done = lint_parallel(c, in, nthreads, reps, sinks, &out, &t, &oom);
    else if (!oom)
        done = lint_serial(c, in, reps, sinks, &out, &t, &oom);
    status = t.unreadable || t.no_target ? EXIT_USAGE
             : t.failing                 ? EXIT_FINDINGS
                                         : EXIT_CLEAN;
    flush_pending(c, sinks, &out);
    if (!oom && done == in->count && !out.failed)
        oom = end_all(c, reps, sinks, &out, &diag, status) != 0;
    else
        oom = true;
    if (oom) {
        fputs("tflint: out of memory\n", stderr);
        status = EXIT_INTERNAL;
    }
    for (k = 0; k < c->noutputs; k++) {
        tfl_report_free(reps[k]);
        if (sink_close(&sinks[k], status != EXIT_INTERNAL) != 0 &&
            status != EXIT_INTERNAL)
            status = EXIT_USAGE;
    }
    if (diag.len && !diag.failed)
        fputs(diag.data, stderr);
    tfl_buf_free(&diag);
    tfl_buf_free(&out);
    if (!c->quiet)
        print_summary(&t);
    return status;
}

/* --dump=ast: BuildKit's dump of one file. */
static int run_dump(const cli *c, const tfl_inputs *in, sink *s)
{
    char why[TFL_ERRMSG_SIZE], *data = NULL;
    tfl_result res;
    size_t len = 0;
    tfl_buf out;
    int rc;

    if (in->count != 1) {
        sink_close(s, false);
        return usage_error("--dump=ast takes exactly one file", NULL);
    }
    rc = read_input(&in->items[0], &data, &len, why);
    if (rc == 1)
        fprintf(stderr, "tflint: %s\n", why);
    if (rc == 0 && tfl_lint_buffer(&c->cfg, shown_path(c, &in->items[0]), data,
                                   len, &res) != 0)
        rc = -1;
    free(data);
    if (rc != 0) {
        sink_close(s, false);
        if (rc < 0)
            fputs("tflint: out of memory\n", stderr);
        return rc < 0 ? EXIT_INTERNAL : EXIT_USAGE;
    }
    tfl_buf_init(&out, 0);
    tfl_dump_ast(&res.doc, &out);
    rc = res.doc.parser_failed ? EXIT_FINDINGS : EXIT_CLEAN;
    if (out.failed) {
        fputs("tflint: out of memory\n", stderr);
        rc = EXIT_INTERNAL;
    }
    sink_flush(s, &out);
    tfl_buf_free(&out);
    tfl_result_free(&res);
    if (sink_close(s, rc != EXIT_INTERNAL) != 0 && rc != EXIT_INTERNAL)
        rc = EXIT_USAGE;
    return rc;
}

/* --list-rules and --explain. */
static int run_explain(const cli *c, sink *s)
{
    tfl_buf out;
    int rc = EXIT_CLEAN;

    tfl_buf_init(&out, 0);
    if (c->list_rules) {
        tfl_explain_list(&out);
    } else if (tfl_explain_rule(&out, c->explain) != 0) {
        tfl_buf_free(&out);
        sink_close(s, false);
        return usage_error("unknown rule", c->explain);
    }
    if (out.failed) {
        fputs("tflint: out of memory\n", stderr);
        rc = EXIT_INTERNAL;
    }
    sink_flush(s, &out);
    tfl_buf_free(&out);
    if (sink_close(s, rc == EXIT_CLEAN) != 0 && rc == EXIT_CLEAN)
        rc = EXIT_USAGE;
    return rc;
}

/* --- Configuration ------------------------------------------------------- */

/* What must be known before the options are applied. */
typedef struct prescan_result {
    const char *config; /* --config */
    bool no_config;
    bool no_file_needed; /* --help, --version */
    bool format, color;  /* -f, --color given */
} prescan_result;

/*
 * The configuration file and the environment come before the options,
 * which win over them, but --config names the file: so the options are
 * read twice, first only for what decides the configuration. Errors are
 * left for the second pass.
 */
static void prescan(int argc, char **argv, prescan_result *p)
{
    int opt;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":f:o:qh", long_options, NULL)) !=
           -1) {
        if (opt == OPT_CONFIG)
            p->config = optarg;
        else if (opt == OPT_NO_CONFIG)
            p->no_config = true;
        else if (opt == 'h' || opt == OPT_VERSION)
            p->no_file_needed = true;
        else if (opt == 'f')
            p->format = true;
        else if (opt == OPT_COLOR)
            p->color = true;
    }
    optind = 0; /* glibc: start again from scratch */
}

static int config_error(const tfl_conf_error *e)
{
    if (e->file && e->line)
        fprintf(stderr, "tflint: %s:%u:%u: %s\n", e->file, (unsigned)e->line,
                (unsigned)e->col, e->message);
    else if (e->file)
        fprintf(stderr, "tflint: %s: %s\n", e->file, e->message);
    else
        fprintf(stderr, "tflint: %s\n", e->message);
    return EXIT_USAGE;
}

/* Load the configuration file (given or found), merge the environment and
 * apply both to c->cfg. Returns 0 or an exit status. */
static int configure(cli *c, const prescan_result *p, tfl_settings *s)
{
    const char *path = p->config ? p->config : getenv("TFLINT_CONFIG");
    const char *cwd;
    char *found = NULL;
    tfl_conf_error err = {0};
    size_t i;
    int rc = 0;

    if (path && !*path)
        path = NULL;
    if (!path && !p->no_config && (cwd = working_dir(c)) != NULL) {
        if (tfl_settings_find(cwd, &found) < 0)
            rc = TFL_CONF_ENOMEM;
        path = found;
    }
    if (rc == 0 && path && !p->no_config)
        rc = tfl_settings_load(s, path, &err);
    for (i = 0; rc == 0 && i < s->nnotes; i++)
        fprintf(stderr, "tflint: note: %s:%u:%u: %s\n", s->path,
                (unsigned)s->notes[i].mark.line, (unsigned)s->notes[i].mark.col,
                s->notes[i].message);
    if (rc == 0)
        rc = tfl_settings_env(s, getenv, &err);
    if (rc == 0)
        rc = tfl_settings_apply(s, &c->cfg, &err);
    free(found);
    if (rc == TFL_CONF_ENOMEM) {
        fputs("tflint: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    return rc ? config_error(&err) : 0;
}

/* TFLINT_FORMAT and TFLINT_COLOR, unless the options set them. */
static int env_options(cli *c, const prescan_result *p)
{
    const char *fmt = getenv("TFLINT_FORMAT"), *color = getenv("TFLINT_COLOR");

    if (fmt && *fmt && !p->format) {
        if (tfl_format_parse(fmt) < 0) {
            fprintf(stderr, "tflint: TFLINT_FORMAT: unknown format '%s'\n",
                    fmt);
            return EXIT_USAGE;
        }
        apply_option(c, 'f', fmt);
    }
    if (color && *color && !p->color) {
        if (strcmp(color, "auto") != 0 && strcmp(color, "always") != 0 &&
            strcmp(color, "never") != 0) {
            fprintf(stderr,
                    "tflint: TFLINT_COLOR: wants auto, always or never, not "
                    "'%s'\n",
                    color);
            return EXIT_USAGE;
        }
        apply_option(c, OPT_COLOR, color);
    }
    return 0;
}

static int print_config(const cli *c, const tfl_settings *s)
{
    tfl_buf out;
    int rc = EXIT_CLEAN;

    tfl_buf_init(&out, 0);
    tfl_settings_print(s, &c->cfg, &out);
    if (out.failed) {
        fputs("tflint: out of memory\n", stderr);
        rc = EXIT_INTERNAL;
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    tfl_buf_free(&out);
    return rc;
}

static void catch_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

int main(int argc, char **argv)
{
    cli c = {0};
    tfl_inputs in = {0};
    prescan_result pre = {0};
    tfl_settings settings;
    int first = 0, rc;
    sink sinks[MAX_OUTPUTS];
    size_t k;

    guard_stdin();
    tfl_settings_init(&settings);
    if (tfl_config_init(&c.cfg) != 0) {
        fputs("tflint: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    prescan(argc, argv, &pre);
    if (!pre.no_file_needed && (rc = configure(&c, &pre, &settings)) != 0)
        goto done;
    c.facts = settings.facts;
    if ((rc = env_options(&c, &pre)) != 0)
        goto done;
    rc = parse_args(&c, argc, argv, &first);
    if (rc != 0)
        goto done;
    if (c.print_config) {
        rc = print_config(&c, &settings);
        goto done;
    }
    if (!c.list_rules && !c.explain) {
        rc = tfl_discover(&in, (const char *const *)argv + first,
                          (size_t)(argc - first));
        if (rc == 1) {
            rc = usage_error("no path given and no ./Dockerfile here", NULL);
            goto done;
        }
        if (rc < 0) {
            fputs("tflint: out of memory\n", stderr);
            rc = EXIT_INTERNAL;
            goto done;
        }
    }
    if (c.noutputs > 1 || c.outputs[0].path)
        catch_signals();
    for (k = 0; k < c.noutputs; k++) {
        rc = sink_open(&sinks[k], c.outputs[k].path, k);
        if (rc != 0) {
            while (k-- > 0)
                sink_close(&sinks[k], false);
            rc = rc < 0 ? EXIT_INTERNAL : EXIT_USAGE;
            goto done;
        }
    }
    if (c.list_rules || c.explain)
        rc = run_explain(&c, &sinks[0]);
    else if (c.dump_ast)
        rc = run_dump(&c, &in, &sinks[0]);
    else
        rc = run_lint(&c, &in, sinks);

done:
    tfl_inputs_free(&in);
    tfl_config_free(&c.cfg);
    tfl_settings_free(&settings);
    tfl_hostdb_free(&c.host_users);
    tfl_hostdb_free(&c.host_groups);
    while (c.cfg.nbuild_args > 0)
        free((char *)c.build_args[--c.cfg.nbuild_args].name);
    free(c.build_args);
    free(c.cwd);
    return rc < 0 ? EXIT_CLEAN : rc;
}
