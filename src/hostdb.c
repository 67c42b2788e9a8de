/*
 * Host passwd and group files. The text is copied once; each accepted
 * line's name is cut out of that copy in place (its ':' becomes a NUL), so
 * a table costs one buffer plus one array sized by the number of lines,
 * counted before parsing. Only the name and the ID are kept: that is all
 * TF401 needs to say whose account an image's ID is.
 */
#include "tflint/hostdb.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

static void set_error(tfl_hostdb_error *err, const char *origin, uint32_t line,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(tfl_hostdb_error *err, const char *origin, uint32_t line,
                      const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    err->origin = origin;
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

/* A decimal ID of at most 4294967295; false for anything else. */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0 || len > 10)
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Split `line` (`len` bytes) at ':' into at most MAX_FIELDS fields;
 * returns the count (MAX_FIELDS + 1 when there are more). */
static size_t split(char *line, size_t len, char **f, size_t *flen)
{
    size_t n = 0, i, start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && line[i] != ':')
            continue;
        if (n == MAX_FIELDS)
            return MAX_FIELDS + 1;
        f[n] = line + start;
        flen[n++] = i - start;
        start = i + 1;
    }
    return n;
}

static bool skipped(const char *line, size_t len)
{
    size_t i;

    if (len && (line[0] == '#' || line[0] == '+' || line[0] == '-'))
        return true;
    for (i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return false;
    return true;
}

/* Parse one line into `acc`; 0, 1 when skipped, or TFL_HOSTDB_EDATA. */
static int parse_line(char *line, size_t len, bool group, const char *origin,
                      uint32_t lineno, tfl_host_account *acc,
                      tfl_hostdb_error *err)
{
    char *f[MAX_FIELDS];
    size_t flen[MAX_FIELDS], want = group ? 4 : 7, n;

    if (skipped(line, len))
        return 1;
    if (memchr(line, '\0', len)) {
        set_error(err, origin, lineno, "NUL byte in the line");
        return TFL_HOSTDB_EDATA;
    }
    n = split(line, len, f, flen);
    if (n != want) {
        set_error(err, origin, lineno,
                  "expected %zu fields separated by ':', found %s%zu", want,
                  n > MAX_FIELDS ? "more than " : "",
                  n > MAX_FIELDS ? (size_t)MAX_FIELDS : n);
        return TFL_HOSTDB_EDATA;
    }
    if (flen[0] == 0) {
        set_error(err, origin, lineno, "empty account name");
        return TFL_HOSTDB_EDATA;
    }
    if (!parse_id(f[2], flen[2], &acc->id)) {
        set_error(err, origin, lineno, "invalid %s ID '%.*s'",
                  group ? "group" : "user", (int)(flen[2] > 40 ? 40 : flen[2]),
                  f[2]);
        return TFL_HOSTDB_EDATA;
    }
    f[0][flen[0]] = '\0'; /* the ':' after the name */
    acc->name = f[0];
    return 0;
}

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 1, i;

    for (i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

int tfl_hostdb_parse(tfl_hostdb *db, const char *origin, const char *text,
                     size_t len, bool group, tfl_hostdb_error *err)
{
    size_t pos = 0;
    uint32_t lineno = 0;
    int rc = 0;

    memset(db, 0, sizeof *db);
    db->names = malloc(len + 1);
    db->accounts = calloc(count_lines(text, len), sizeof *db->accounts);
    if (!db->names || !db->accounts) {
        rc = TFL_HOSTDB_ENOMEM;
        goto done;
    }
    memcpy(db->names, text, len);
    db->names[len] = '\0';
    while (pos < len) {
        char *line = db->names + pos, *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;

        pos += n + 1;
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        rc = parse_line(line, n, group, origin, lineno, &db->accounts[db->n],
                        err);
        if (rc < 0)
            goto done;
        if (rc == 0)
            db->n++;
        rc = 0;
    }

done:
    if (rc != 0)
        tfl_hostdb_free(db);
    return rc;
}

int tfl_hostdb_load(tfl_hostdb *db, const char *path, bool group,
                    tfl_hostdb_error *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = TFL_HOSTDB_EIO;

    memset(db, 0, sizeof *db);
    if (!fp) {
        set_error(err, path, 0, "cannot read '%s': %s", path, strerror(errno));
        return rc;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            char *nb;

            cap = cap ? cap * 2 : 65536;
            if (cap > TFL_HOSTDB_MAX_TEXT + 1)
                cap = TFL_HOSTDB_MAX_TEXT + 1;
            if (n == cap) {
                set_error(err, path, 0, "'%s' is larger than 64 MiB", path);
                goto done;
            }
            if (!(nb = realloc(buf, cap))) {
                rc = TFL_HOSTDB_ENOMEM;
                goto done;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        set_error(err, path, 0, "cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    rc = tfl_hostdb_parse(db, path, buf ? buf : "", n, group, err);

done:
    free(buf);
    fclose(fp);
    return rc;
}

void tfl_hostdb_free(tfl_hostdb *db)
{
    free(db->accounts);
    free(db->names);
    memset(db, 0, sizeof *db);
}

const tfl_host_account *tfl_host_find(const tfl_host_account *accounts,
                                      size_t n, uint32_t id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (accounts[i].id == id)
            return &accounts[i];
    return NULL;
}
