/*
 * Base-image knowledge: what a well-known image already contains when a
 * stage starts from it (distribution family, accounts, default user,
 * account tools, shell, whether its shadow writes sparse lastlog files).
 *
 * The facts come from data/base-images.txt, compiled into the binary, and
 * from user files in the same format (docs/base-images.md). A table holds
 * the entries of several loads; a lookup tries the most recent load first,
 * and within a load the entries in file order, so a user file can correct
 * or extend the built-in facts.
 *
 * Ownership: a table is built once per process and shared by every file of
 * a run (loads must be over before the lookups start, which may then run
 * in several threads: the built-in images are made on first lookup, under
 * the table's lock). tfl_facts_new() allocates it on the heap; everything a
 * lookup returns (images, users, groups, strings) belongs to the table and
 * stays valid until tfl_facts_free().
 */
#ifndef TFLINT_FACTS_H
#define TFLINT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Failures of the load functions (0 means success). */
#define TFL_FACTS_ENOMEM (-1) /* out of memory */
#define TFL_FACTS_EDATA (-2)  /* the text is not valid: see the error */
#define TFL_FACTS_EIO (-3)    /* the file cannot be read */

/* Largest text one load accepts (1 MiB): the files are small by nature. */
#define TFL_FACTS_MAX_TEXT ((size_t)1 << 20)

/* A fact that may be unknown. Zero is "unknown" so that unset fields are. */
typedef enum tfl_tri { TFL_TRI_UNKNOWN = 0, TFL_TRI_NO, TFL_TRI_YES } tfl_tri;

typedef enum tfl_family {
    TFL_FAMILY_UNKNOWN = 0,
    TFL_FAMILY_DEBIAN,
    TFL_FAMILY_UBUNTU,
    TFL_FAMILY_ALPINE,
    TFL_FAMILY_RHEL, /* RHEL, UBI, Oracle Linux, Fedora, CentOS, Rocky... */
    TFL_FAMILY_WOLFI,
    TFL_FAMILY_DISTROLESS,
    TFL_FAMILY_ARCH,
    TFL_FAMILY_SUSE,
    TFL_FAMILY_SCRATCH /* the empty image */
} tfl_family;

/* Account tool sets an image may ship (bit flags). */
typedef enum tfl_tool {
    /* shadow: useradd, groupadd, usermod, groupmod, userdel, groupdel */
    TFL_TOOL_SHADOW = 1u << 0,
    /* Debian's Perl adduser, addgroup, deluser, delgroup */
    TFL_TOOL_ADDUSER = 1u << 1,
    /* BusyBox adduser, addgroup, deluser, delgroup */
    TFL_TOOL_BUSYBOX = 1u << 2
} tfl_tool;

/* Which program `adduser` runs in an image. */
typedef enum tfl_adduser_kind {
    TFL_ADDUSER_UNKNOWN = 0,
    TFL_ADDUSER_NONE,    /* there is no adduser */
    TFL_ADDUSER_DEBIAN,  /* Debian's: --uid, --ingroup, --system ... */
    TFL_ADDUSER_BUSYBOX, /* BusyBox: -u, -G, -S, -D; -g is the comment */
    TFL_ADDUSER_SHADOW   /* a link to useradd (RHEL family) */
} tfl_adduser_kind;

typedef struct tfl_facts_user {
    const char *name;
    uint32_t uid;
    uint32_t gid;      /* primary group */
    const char *group; /* its name, NULL when no group has that GID */
} tfl_facts_user;

typedef struct tfl_facts_group {
    const char *name;
    uint32_t gid;
    const char *members; /* supplementary members, comma-separated, or "" */
} tfl_facts_group;

/*
 * The facts of one image variant, fully resolved: inherited entries are
 * already merged in. Treat every field as read-only.
 */
typedef struct tfl_facts_image {
    const char *name;   /* the entry that matched, e.g. "node" */
    const char *base;   /* entry it was built on ("debian-12"), or NULL */
    const char *origin; /* name of the text it was loaded from */
    uint32_t line;      /* line of its `image` header there */
    tfl_family family;
    unsigned tools;       /* tfl_tool bits known to be present */
    unsigned tools_maybe; /* tfl_tool bits that may be present */
    bool tools_known;     /* false: nothing is known about the tools */
    tfl_tri shell;        /* is there a /bin/sh for RUN */
    tfl_tri old_shadow;   /* shadow before 4.13: useradd writes lastlog */
    /* true: the lists below are all the image has, so a name that is not
     * there does not exist; false: they are a lower bound. */
    bool accounts_complete;
    const char *default_user; /* USER as the image sets it, NULL unknown */
    int64_t default_uid;      /* its UID, -1 when it cannot be resolved */
    const tfl_facts_user *users;
    size_t nusers;
    const tfl_facts_group *groups;
    size_t ngroups;
    const char *note; /* remarks of the data file, "" when none */
} tfl_facts_image;

typedef struct tfl_facts tfl_facts;

/* Where a load failed: `line` is 1-based, 0 when not tied to a line. */
typedef struct tfl_facts_error {
    const char *origin; /* the name given to the load call */
    uint32_t line;
    char message[160]; /* lower case, subject quoted, no full stop */
} tfl_facts_error;

/* Allocate an empty table into `*out`; 0, or TFL_FACTS_ENOMEM. */
int tfl_facts_new(tfl_facts **out);

/* Release the table and everything lookups returned from it; NULL is ok. */
void tfl_facts_free(tfl_facts *f);

/*
 * Parse `len` bytes of `text` (the data file format) and add its entries
 * to `f`, ahead of those loaded before. `origin` names the text in errors
 * and in tfl_facts_image.origin; the table keeps the pointer, so it must
 * outlive `f` (a string literal or a path from argv). Entries may inherit
 * from entries of earlier loads. Returns 0; TFL_FACTS_EDATA with `*err`
 * filled in (when `err` is not NULL) and `f` left as it was; or
 * TFL_FACTS_ENOMEM. Never reads outside `text`, whatever its bytes.
 */
int tfl_facts_load(tfl_facts *f, const char *origin, const char *text,
                   size_t len, tfl_facts_error *err);

/* Load the facts compiled into the binary; as tfl_facts_load(). */
int tfl_facts_load_builtin(tfl_facts *f, tfl_facts_error *err);

/*
 * Read the file at `path` and load it as tfl_facts_load() with `path` as
 * origin (`path` must outlive `f`). TFL_FACTS_EIO, with a message, when it
 * cannot be read or is larger than TFL_FACTS_MAX_TEXT.
 */
int tfl_facts_load_file(tfl_facts *f, const char *path, tfl_facts_error *err);

/* The data file compiled into the binary, for `--dump`-style output. */
const char *tfl_facts_builtin_text(size_t *len);

/*
 * Normalise an image reference for matching: drop a digest, the Docker Hub
 * host and its `library/` prefix, add `:latest` when there is no tag (an
 * empty tag when only a digest pins the image). Writes a NUL-terminated
 * string into `out`; 0, or -1 when `ref` is empty or does not fit `cap`.
 */
int tfl_facts_normalize(const char *ref, char *out, size_t cap);

/*
 * The facts for image reference `ref` (as written after FROM, variables
 * already expanded), or NULL when no entry knows the image. Tags, digests
 * and registry hosts are handled as by tfl_facts_normalize(). Safe to call
 * from several threads at once; also NULL when a built-in image cannot be
 * made for lack of memory.
 */
const tfl_facts_image *tfl_facts_lookup(const tfl_facts *f, const char *ref);

struct tfl_arena;

/*
 * What a caller derives from image `img` of table `f` once for the life of
 * the table (the ops build a base image's account tables from it): the
 * result of make(a, img), run on the first call for `img` and `make` under
 * the table's lock with `a` the table's arena, the same pointer on every
 * later call. NULL when make() returns NULL (out of memory; tried again
 * next time). Safe to call from several threads at once; the result is
 * shared, so read only; make() must not call into the table.
 */
const void *tfl_facts_derived(const tfl_facts *f, const tfl_facts_image *img,
                              const void *(*make)(struct tfl_arena *a,
                                                  const tfl_facts_image *img));

/* Account lookups in one image; NULL when it has no such account. When two
 * accounts share an ID, the first listed is returned. */
const tfl_facts_user *tfl_facts_user_by_name(const tfl_facts_image *img,
                                             const char *name);
const tfl_facts_user *tfl_facts_user_by_uid(const tfl_facts_image *img,
                                            uint32_t uid);
const tfl_facts_group *tfl_facts_group_by_name(const tfl_facts_image *img,
                                               const char *name);
const tfl_facts_group *tfl_facts_group_by_gid(const tfl_facts_image *img,
                                              uint32_t gid);

/* Is `user` listed as a supplementary member of `group`. */
bool tfl_facts_group_has_member(const tfl_facts_group *group, const char *user);

/* Whether `img` ships the tool set `tool` (one tfl_tool bit). */
tfl_tri tfl_facts_has_tool(const tfl_facts_image *img, tfl_tool tool);

/* Which flavour `adduser`/`addgroup` is in `img`, from its tools and
 * family. */
tfl_adduser_kind tfl_facts_adduser(const tfl_facts_image *img);

/* Whether a container of `img` starts as root when no USER is set: YES for
 * root or UID 0, NO for any other user, UNKNOWN when the data says
 * nothing. */
tfl_tri tfl_facts_runs_as_root(const tfl_facts_image *img);

/* "debian", "alpine", ... ("unknown" for TFL_FAMILY_UNKNOWN). */
const char *tfl_facts_family_name(tfl_family family);

#endif
