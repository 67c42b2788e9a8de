/*
 * TF405 lastlog-bloat: shadow's useradd before 4.13 writes the new UID's
 * record into /var/log/lastlog and /var/log/faillog at offset UID x record
 * size. The files are sparse on disk, but a layer tar stores them in full:
 * UID 1000000 costs about 280 MiB of zeros. -l (--no-log-init) skips both
 * files. Debian's adduser calls useradd without -l and cannot be told to
 * pass it.
 *
 * Record sizes are those of 64-bit glibc: struct lastlog is 292 bytes
 * (32-bit time, 32-byte line, 256-byte host), struct faillog 32. Fires
 * from UID 100000 (about 28 MiB) on bases whose shadow predates 4.13 or
 * is not known; bases known to have 4.13 or later are silent.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "tflint/facts.h"
#include "tflint/ops.h"

#define MIN_UID 100000u
#define LASTLOG_RECORD 292u
#define FAILLOG_RECORD 32u

/* `bytes` as "278.5 MiB" into `buf`. */
static const char *human(char *buf, size_t cap, uint64_t bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t u = 0;

    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%llu bytes", (unsigned long long)bytes);
    else
        snprintf(buf, cap, "%.1f %s", v, units[u]);
    return buf;
}

static tfl_tri old_shadow(const tfl_ops *ops, int stage)
{
    const tfl_facts_image *img;

    if (stage < 0 || (size_t)stage >= ops->nstages)
        return TFL_TRI_UNKNOWN;
    img = ops->stages[stage].base_facts;
    return img ? img->old_shadow : TFL_TRI_UNKNOWN;
}

static void check_op(tfl_ctx *ctx, const tfl_ops *ops, const tfl_acct_op *op)
{
    char last[32], fail[32];
    uint64_t uid;
    tfl_tri old;

    if ((op->tool != TFL_ACCT_USERADD && op->tool != TFL_ACCT_DEB_ADDUSER) ||
        op->no_log_init || op->makes_group || !op->id.raw ||
        !tfl_value_number(&op->id, &uid) || uid < MIN_UID || uid >= 4294967295u)
        return;
    old = old_shadow(ops, op->stage);
    if (old == TFL_TRI_NO)
        return;
    human(last, sizeof last, uid * LASTLOG_RECORD);
    human(fail, sizeof fail, uid * FAILLOG_RECORD);
    tfl_report(ctx, op->id.span,
               "UID %llu%s is given to %s without -l: %s writes "
               "/var/log/lastlog and /var/log/faillog as sparse files "
               "of %s and %s, which the layer stores in full; %s",
               (unsigned long long)uid, tfl_id_origin(ctx, &op->id),
               op->tool == TFL_ACCT_USERADD ? "useradd" : "adduser",
               old == TFL_TRI_YES
                   ? "this base's shadow, older than 4.13,"
                   : "shadow before 4.13 (the base's version is not known)",
               last, fail,
               op->tool == TFL_ACCT_USERADD
                   ? "add -l (--no-log-init)"
                   : "adduser cannot skip them: use useradd -l");
}

static void check(tfl_ctx *ctx)
{
    const tfl_ops *ops = tfl_ctx_ops(ctx);
    size_t i;

    for (i = 0; ops && i < ops->naccts; i++)
        check_op(ctx, ops, &ops->accts[i]);
}

static const char *const aliases[] = {"DL3046", NULL};
static const char *const tags[] = {"dockerfile", "users", "size", NULL};

const tfl_rule tfl_rule_lastlog_bloat = {
    .id = "TF405",
    .name = "lastlog-bloat",
    .aliases = aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "useradd without -l and a large UID fills the layer with "
               "lastlog zeros",
    .rationale =
        "Before shadow 4.13, useradd writes the new user's record into "
        "/var/log/lastlog and /var/log/faillog at an offset proportional "
        "to the UID. The files stay sparse on disk, but image layers store "
        "them byte for byte: UID 1000000 adds about 280 MiB, an "
        "OpenShift-style UID hundreds of gigabytes, and builds run out of "
        "space. Ubuntu 22.04 and older, Debian 11 and older and RHEL/UBI 8 "
        "and 9 are affected. Pass -l (--no-log-init); Debian's adduser "
        "cannot, so use useradd there.",
    .bad = "FROM ubuntu:22.04\nRUN useradd -u 1000000 app\n",
    .good = "FROM ubuntu:22.04\nRUN useradd -l -u 1000000 app\n",
    .tags = tags,
    .check = check,
};
