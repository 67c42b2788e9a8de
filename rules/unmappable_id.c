/*
 * TF402 unmappable-id: a UID or GID above the range a rootless runtime can
 * map. Rootless Docker and Podman give a user 65,536 subordinate IDs by
 * default (container IDs 0-65535), so a file or process ID above that has
 * no host ID: pulling the image fails while its layers are unpacked
 * ("potentially insufficient UIDs or GIDs available in user namespace").
 * The upper bound is safe_id_max (65535 by default). BusyBox adduser and
 * addgroup as Alpine builds them refuse IDs above 256000 outright, which
 * stops the build; the message says so. 65535 itself and IDs above
 * 2147483647 are TF400's.
 */
#include <string.h>

#include "rules.h"
#include "tflint/ops.h"

#define BUSYBOX_MAX_ID 256000u

static bool busybox(const tfl_id_ref *r)
{
    return r->op && (r->op->tool == TFL_ACCT_BB_ADDUSER ||
                     r->op->tool == TFL_ACCT_BB_ADDGROUP);
}

static void check(tfl_ctx *ctx)
{
    const tfl_config *cfg = ctx->config;
    tfl_id_ref *refs;
    size_t n, i;

    if (tfl_id_refs(ctx, &refs, &n) != 0)
        return;
    for (i = 0; i < n; i++) {
        const tfl_id_ref *r = &refs[i];
        uint64_t id;

        if (!tfl_value_number(r->v, &id) || id <= cfg->safe_id_max ||
            id == 65535 || id > 2147483647u)
            continue;
        if (busybox(r) && id > BUSYBOX_MAX_ID)
            tfl_report(ctx, r->v->span,
                       "%s %llu%s is above %u: BusyBox %s on Alpine refuses "
                       "IDs above %u outright and the build fails, and "
                       "rootless Docker and Podman could not map it either",
                       tfl_id_kind(r), (unsigned long long)id,
                       tfl_id_origin(ctx, r->v), BUSYBOX_MAX_ID,
                       r->op->tool == TFL_ACCT_BB_ADDUSER ? "adduser"
                                                          : "addgroup",
                       BUSYBOX_MAX_ID);
        else
            tfl_report(ctx, r->v->span,
                       "%s %llu%s is above %u: rootless Docker and Podman "
                       "map 65,536 IDs by default, so the image fails to "
                       "unpack there; use one in %u-%u",
                       tfl_id_kind(r), (unsigned long long)id,
                       tfl_id_origin(ctx, r->v), (unsigned)cfg->safe_id_max,
                       (unsigned)cfg->safe_id_min, (unsigned)cfg->safe_id_max);
    }
    tfl_id_refs_free(refs);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "users", "portability", NULL};

const tfl_rule tfl_rule_unmappable_id = {
    .id = "TF402",
    .name = "unmappable-id",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "A UID or GID is too large for rootless runtimes",
    .rationale =
        "Rootless Docker and Podman run a container in a user namespace "
        "that maps its IDs 0-65535 to the host user and a block of 65,536 "
        "subordinate IDs. A file owned by a higher ID cannot be mapped, so "
        "pulling or running the image fails there, often with an lchown "
        "error while the layers unpack. On Alpine, BusyBox adduser and "
        "addgroup refuse IDs above 256000 and the build itself fails. Pick "
        "an ID between 10000 and 65535.",
    .bad = "FROM debian:12\nRUN useradd -l -u 1000000 app\n",
    .good = "FROM debian:12\nRUN useradd -l -u 10001 app\n",
    .tags = tags,
    .check = check,
};
