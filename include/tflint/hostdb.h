/*
 * Host account files: the passwd and group tables of the machine that will
 * run the image (--host-passwd, --host-group), so that TF401 can name the
 * host account an image's UID or GID would act as.
 *
 * Format: the usual colon-separated lines, `name:password:UID:GID:gecos:
 * home:shell` for passwd (7 fields) and `name:password:GID:members` for
 * group (4 fields), as /etc/passwd, /etc/group and `getent` print them.
 * Blank lines, lines starting with '#' and NIS compat lines (starting with
 * '+' or '-') are skipped. Anything else that does not fit is an error
 * naming the file and line; no input makes the parser read outside the
 * text.
 *
 * Ownership: a tfl_hostdb owns its accounts and their names (heap memory)
 * until tfl_hostdb_free(). The accounts array can be handed to
 * tfl_config.host_users / host_groups for as long as the database lives.
 */
#ifndef TFLINT_HOSTDB_H
#define TFLINT_HOSTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tflint/engine.h"

#define TFL_HOSTDB_ENOMEM (-1) /* out of memory */
#define TFL_HOSTDB_EDATA (-2)  /* a line is not valid: see the error */
#define TFL_HOSTDB_EIO (-3)    /* the file cannot be read */

/* Largest file accepted (64 MiB, a directory of many thousand users). */
#define TFL_HOSTDB_MAX_TEXT ((size_t)64 << 20)

typedef struct tfl_hostdb {
    tfl_host_account *accounts; /* in file order */
    size_t n;
    char *names; /* storage of the names */
} tfl_hostdb;

typedef struct tfl_hostdb_error {
    const char *origin; /* the file name given to the load */
    uint32_t line;      /* 1-based; 0 when not tied to a line */
    char message[160];  /* lower case, subject quoted, no full stop */
} tfl_hostdb_error;

/*
 * Parse `len` bytes of `text` as a passwd table (`group` false) or a group
 * table (`group` true) into `db`, which must be zeroed or freed. `origin`
 * names the text in errors. Returns 0; TFL_HOSTDB_EDATA with `*err` filled
 * in (when `err` is not NULL) and `db` left empty; or TFL_HOSTDB_ENOMEM.
 */
int tfl_hostdb_parse(tfl_hostdb *db, const char *origin, const char *text,
                     size_t len, bool group, tfl_hostdb_error *err);

/* Read the file at `path` and parse it as tfl_hostdb_parse() does;
 * TFL_HOSTDB_EIO with a message when it cannot be read or is larger than
 * TFL_HOSTDB_MAX_TEXT. */
int tfl_hostdb_load(tfl_hostdb *db, const char *path, bool group,
                    tfl_hostdb_error *err);

/* Release what `db` holds and empty it; a zeroed db is fine. */
void tfl_hostdb_free(tfl_hostdb *db);

/* The first account of `accounts` with ID `id`, or NULL. */
const tfl_host_account *tfl_host_find(const tfl_host_account *accounts,
                                      size_t n, uint32_t id);

#endif
