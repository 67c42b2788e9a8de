/*
 * From command-line paths to the files to lint, and reading them.
 *
 * Paths given explicitly are taken as they are (symbolic links followed);
 * directories are searched recursively for Dockerfiles without following
 * symbolic links, skipping `.git`, with each directory's entries in byte
 * order so a run's output order is stable. Nothing here prints: problems
 * come back as messages in git's style ("cannot read 'x': Is a directory")
 * for the caller to show and report.
 */
#ifndef TFLINT_DISCOVER_H
#define TFLINT_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

/* One input of the run: a file to lint, or one that cannot be. */
typedef struct tfl_input {
    char *path;  /* as reported: leading "./" removed; "-" is stdin */
    char *error; /* NULL, or why the input cannot be linted */
} tfl_input;

/* The inputs in run order. Owns its strings: tfl_inputs_free(). */
typedef struct tfl_inputs {
    tfl_input *items;
    size_t count, cap;
} tfl_inputs;

/* What no path at all means: this file, if it exists. */
#define TFL_DEFAULT_PATH "Dockerfile"

/*
 * Does a file called `name` (last path component) look like a Dockerfile:
 * Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile,
 * Containerfile.*? BuildKit's per-file ignore lists (*.dockerignore) do
 * not count.
 */
bool tfl_discover_match(const char *name);

/*
 * Append to `out` the inputs named by `paths[0..npaths)`: "-" stays "-", a
 * file is taken as it is, a directory is searched (see above). A path that
 * does not exist, or a directory that cannot be listed, becomes an input
 * with its error set, so the run can go on with the others. With no paths,
 * TFL_DEFAULT_PATH is used when it exists. Returns 0; 1 when no path was
 * given and there is no TFL_DEFAULT_PATH (a usage error); -1 when memory
 * runs out.
 */
int tfl_discover(tfl_inputs *out, const char *const *paths, size_t npaths);

void tfl_inputs_free(tfl_inputs *in);

/* Size of the message buffer tfl_read_file() fills. */
#define TFL_ERRMSG_SIZE 512

/*
 * Read all of `path` ("-": standard input) into `*data` (malloc'd, owned
 * by the caller, NUL-terminated) and its size into `*len`. Refuses
 * directories, FIFOs and other non-regular files (standard input excepted)
 * and files larger than TFL_MAX_FILE_SIZE. Returns 0; 1 when the file
 * cannot be read, with the reason in `err`; -1 when memory runs out.
 */
int tfl_read_file(const char *path, char **data, size_t *len,
                  char err[TFL_ERRMSG_SIZE]);

#endif
