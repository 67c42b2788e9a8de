/*
 * Input discovery and file reading; see tflint/discover.h.
 *
 * Recursion uses lstat(), so a symbolic link met inside a directory is
 * neither followed nor linted: a link cycle cannot trap the walk, and a
 * tree's report does not depend on what its links point to. A link named on
 * the command line is an explicit request and is read.
 *
 * Entries are sorted per directory with strcmp() (byte order, not the
 * locale's), then visited in that order, subdirectories in place, so
 * "a/Dockerfile" comes after "Dockerfile" and before "b.Dockerfile".
 *
 * Files are opened with O_NONBLOCK so that a FIFO given by mistake is
 * refused instead of blocking the run, then read with one read() of the
 * size fstat() reports (more when the file grows meanwhile, up to the cap).
 */
#include "tflint/discover.h"
#include "tflint/pages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tflint/engine.h"

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), k = strlen(x);

    return n >= k && strcmp(s + n - k, x) == 0;
}

bool tfl_discover_match(const char *name)
{
    if (has_suffix(name, ".dockerignore"))
        return false;
    return strcmp(name, "Dockerfile") == 0 || has_prefix(name, "Dockerfile.") ||
           has_suffix(name, ".Dockerfile") || has_suffix(name, ".dockerfile") ||
           strcmp(name, "Containerfile") == 0 ||
           has_prefix(name, "Containerfile.");
}

/* Append an input; takes ownership of `path` and `error` (even on
 * failure). */
static int add(tfl_inputs *out, char *path, char *error)
{
    if (out->count == out->cap) {
        size_t ncap = out->cap ? out->cap * 2 : 16;
        tfl_input *n = realloc(out->items, ncap * sizeof *n);

        if (!n) {
            free(path);
            free(error);
            return -1;
        }
        out->items = n;
        out->cap = ncap;
    }
    out->items[out->count].path = path;
    out->items[out->count].error = error;
    out->count++;
    return 0;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);

    return d ? strcpy(d, s) : NULL;
}

/* "cannot read 'x': reason" in malloc'd memory, NULL when out of it. */
static char *message(const char *what, const char *path, const char *why)
{
    size_t n = strlen(what) + strlen(path) + strlen(why) + 8;
    char *m = malloc(n);

    if (m)
        snprintf(m, n, "%s '%s': %s", what, path, why);
    return m;
}

static int add_error(tfl_inputs *out, const char *path, const char *what,
                     int err)
{
    char *p = dup_str(path), *m = message(what, path, strerror(err));

    if (!p || !m) {
        free(p);
        free(m);
        return -1;
    }
    return add(out, p, m);
}

/* `dir` + "/" + `name`, without "./" in front or a doubled slash. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir), k = strlen(name);
    char *p;

    if (strcmp(dir, ".") == 0)
        n = 0;
    p = malloc(n + k + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, n);
    if (n && dir[n - 1] != '/')
        p[n++] = '/';
    memcpy(p + n, name, k + 1);
    return p;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    while (n)
        free(names[--n]);
    free(names);
}

/* The entries of `dir` but "." and "..", sorted. Returns 0, a positive
 * errno when the directory cannot be listed, -1 when memory runs out. */
static int list_dir(const char *dir, char ***names, size_t *count)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *e;
    DIR *d;

    d = opendir(dir);
    if (!d)
        return errno ? errno : EIO;
    for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof *nv);

            if (!nv)
                goto oom;
            v = nv;
        }
        if (!(v[n] = dup_str(e->d_name)))
            goto oom;
        n++;
    }
    if (errno) {
        int err = errno;

        closedir(d);
        free_names(v, n);
        return err;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_names);
    *names = v;
    *count = n;
    return 0;

oom:
    closedir(d);
    free_names(v, n);
    return -1;
}

static int walk(tfl_inputs *out, const char *dir)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    rc = list_dir(dir, &names, &n);
    if (rc > 0)
        return add_error(out, dir, "cannot open directory", rc);
    if (rc < 0)
        return -1;
    for (i = 0; i < n && rc == 0; i++) {
        char *path = join(dir, names[i]);
        struct stat st;

        if (!path) {
            rc = -1;
            break;
        }
        if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode)) {
            free(path); /* vanished meanwhile, or not to be followed */
        } else if (S_ISDIR(st.st_mode)) {
            if (strcmp(names[i], ".git") != 0)
                rc = walk(out, path);
            free(path);
        } else if (S_ISREG(st.st_mode) && tfl_discover_match(names[i])) {
            rc = add(out, path, NULL);
        } else {
            free(path);
        }
    }
    free_names(names, n);
    return rc;
}

/* `path` without leading "./" (but never empty). */
static const char *clean(const char *path)
{
    const char *p = path;

    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    return *p ? p : path;
}

static int discover_one(tfl_inputs *out, const char *path)
{
    struct stat st;
    char *p;

    if (strcmp(path, "-") == 0) {
        p = dup_str("-");
        return p ? add(out, p, NULL) : -1;
    }
    path = clean(path);
    if (stat(path, &st) != 0)
        return add_error(out, path, "cannot read", errno);
    if (S_ISDIR(st.st_mode))
        return walk(out, path);
    /* Not a regular file: tfl_read_file() says why when it is read. */
    p = dup_str(path);
    return p ? add(out, p, NULL) : -1;
}

int tfl_discover(tfl_inputs *out, const char *const *paths, size_t npaths)
{
    struct stat st;
    size_t i;

    if (npaths == 0) {
        char *p;

        if (stat(TFL_DEFAULT_PATH, &st) != 0)
            return 1;
        p = dup_str(TFL_DEFAULT_PATH);
        return p ? add(out, p, NULL) : -1;
    }
    for (i = 0; i < npaths; i++)
        if (discover_one(out, paths[i]) != 0)
            return -1;
    return 0;
}

void tfl_inputs_free(tfl_inputs *in)
{
    size_t i;

    for (i = 0; i < in->count; i++) {
        free(in->items[i].path);
        free(in->items[i].error);
    }
    free(in->items);
    in->items = NULL;
    in->count = in->cap = 0;
}

/* --- Reading -------------------------------------------------------------- */

static void set_error(char err[TFL_ERRMSG_SIZE], const char *path,
                      const char *why)
{
    if (strcmp(path, "-") == 0)
        snprintf(err, TFL_ERRMSG_SIZE, "cannot read standard input: %s", why);
    else
        snprintf(err, TFL_ERRMSG_SIZE, "cannot read '%s': %s", path, why);
}

static void set_too_large(char err[TFL_ERRMSG_SIZE], const char *path)
{
    char why[64];

    snprintf(why, sizeof why, "larger than %zu MiB", TFL_MAX_FILE_SIZE >> 20);
    set_error(err, path, why);
}

/*
 * Read `fd` to its end into a malloc'd buffer, starting with room for
 * `hint` bytes. Returns 0; 1 with `err` set when reading fails or the data
 * passes the cap; -1 when memory runs out.
 */
static int read_all(int fd, const char *path, size_t hint, char **data,
                    size_t *len, char err[TFL_ERRMSG_SIZE])
{
    size_t cap = hint + 1, n = 0;
    char *buf = tfl_pages_alloc(cap + 1);

    if (!buf)
        return -1;
    for (;;) {
        ssize_t got;

        if (n == cap) {
            char *nb;

            if (cap > TFL_MAX_FILE_SIZE) {
                free(buf);
                set_too_large(err, path);
                return 1;
            }
            cap = cap * 2 > TFL_MAX_FILE_SIZE + 1 ? TFL_MAX_FILE_SIZE + 1
                                                  : cap * 2;
            nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            set_error(err, path, strerror(errno));
            free(buf);
            return 1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > TFL_MAX_FILE_SIZE) {
        free(buf);
        set_too_large(err, path);
        return 1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int tfl_read_file(const char *path, char **data, size_t *len,
                  char err[TFL_ERRMSG_SIZE])
{
    struct stat st;
    int fd, rc, flags;

    *data = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0)
        return read_all(STDIN_FILENO, path, 65536, data, len, err);

    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        set_error(err, path, strerror(errno));
        return 1;
    }
    if (fstat(fd, &st) != 0) {
        set_error(err, path, strerror(errno));
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_error(err, path,
                  S_ISDIR(st.st_mode) ? strerror(EISDIR)
                                      : "Not a regular file");
        close(fd);
        return 1;
    }
    if ((unsigned long long)st.st_size > TFL_MAX_FILE_SIZE) {
        set_too_large(err, path);
        close(fd);
        return 1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    rc = read_all(fd, path, (size_t)st.st_size, data, len, err);
    close(fd);
    return rc;
}
