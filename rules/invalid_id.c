/*
 * TF400 invalid-id: a UID or GID that no tool or runtime accepts. Checked
 * in order, the first that applies is reported:
 *
 *   not a number      where only a number is valid (useradd -u, groupadd
 *                     -g and the like), or a word that looks like one but
 *                     is not (USER 10a01: the builder takes it as a name)
 *   negative          IDs are unsigned
 *   4294967295 and up (uid_t)-1 means "no ID"; larger ones do not fit
 *   above 2147483647  the kubelet refuses such an image user, and the
 *                     kernel treats such IDs as negative in places
 *   65535             (uint16_t)-1, the old 16-bit "no ID"
 */
#include <string.h>

#include "rules.h"
#include "tflint/ops.h"

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Why the value is invalid, or NULL when it is a valid ID. */
static const char *problem(const tfl_id_ref *r)
{
    const char *t = r->v->text;
    uint64_t id;

    if (t[0] == '-' && all_digits(t + 1))
        return "is negative: IDs are unsigned and the tools refuse it";
    if (!all_digits(t))
        return r->need_number
                   ? "is not a number: the tool wants a numeric ID and the "
                     "build fails"
                   : "looks like an ID but is not a number: it is taken as "
                     "an account name";
    if (!tfl_value_number(r->v, &id) || id >= 4294967295u)
        return "is 4294967295 or more: 4294967295 is (uid_t)-1, which means "
               "no ID, and larger values do not fit in 32 bits";
    if (id > 2147483647u)
        return "is above 2147483647: Kubernetes refuses such IDs, and the "
               "kernel treats them as negative in places";
    if (id == 65535)
        return "is 65535, the 16-bit (uint16_t)-1 that older kernels and "
               "tools read as no ID, so it must not be used";
    return NULL;
}

static void check(tfl_ctx *ctx)
{
    tfl_id_ref *refs;
    size_t n, i;

    if (tfl_id_refs(ctx, &refs, &n) != 0)
        return;
    for (i = 0; i < n; i++) {
        const tfl_id_ref *r = &refs[i];
        const char *why = problem(r);

        if (why)
            tfl_report(ctx, r->v->span, "%s '%s'%s of %s %s", tfl_id_kind(r),
                       tfl_clip(ctx, r->v->text, strlen(r->v->text), 40),
                       tfl_id_origin(ctx, r->v), r->where, why);
    }
    tfl_id_refs_free(refs);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "users", "correctness", NULL};

const tfl_rule tfl_rule_invalid_id = {
    .id = "TF400",
    .name = "invalid-id",
    .aliases = no_aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "A UID or GID is not a valid ID",
    .rationale =
        "User and group IDs are unsigned 32-bit numbers, and not all of "
        "them are usable. A word that is not a number makes useradd, "
        "groupadd and adduser fail; a numeric-looking USER such as 10a01 "
        "is taken as a user name the image does not have. 4294967295 is "
        "(uid_t)-1, the value that means no ID, and 65535 is its old "
        "16-bit form; both must not be used. The kubelet refuses image "
        "users above 2147483647. Pick an ID between 10000 and 65535.",
    .bad = "FROM debian:12\nRUN useradd -u 4294967295 app\n",
    .good = "FROM debian:12\nRUN useradd -u 10001 app\n",
    .tags = tags,
    .check = check,
};
