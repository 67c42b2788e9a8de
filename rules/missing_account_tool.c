/*
 * TF406 missing-account-tool: a RUN calls an account tool that the known
 * base image does not ship, so the build stops with "not found":
 * useradd/groupadd and the other shadow tools on Alpine, Wolfi and UBI
 * minimal/micro; Debian's adduser/addgroup on Debian 13 images; anything
 * on images without a shell (distroless, Chainguard's non-dev images,
 * scratch).
 *
 * The base facts decide (a tool counts as missing only when the data says
 * so). Installing the package earlier in the stage (apk add shadow,
 * apt-get install adduser, microdnf install shadow-utils) makes the tool
 * present. Reported once per RUN, at the first such command.
 */
#include "rules.h"
#include "tflint/facts.h"
#include "tflint/ops.h"

static tfl_tool tool_set(tfl_acct_tool t)
{
    switch (t) {
    case TFL_ACCT_DEB_ADDUSER:
    case TFL_ACCT_DEB_ADDGROUP:
        return TFL_TOOL_ADDUSER;
    case TFL_ACCT_BB_ADDUSER:
    case TFL_ACCT_BB_ADDGROUP:
        return TFL_TOOL_BUSYBOX;
    default:
        return TFL_TOOL_SHADOW;
    }
}

static const char *hint(const tfl_facts_image *f, tfl_tool set)
{
    switch (f->family) {
    case TFL_FAMILY_ALPINE:
    case TFL_FAMILY_WOLFI:
        return "use BusyBox `adduser -D`/`addgroup`, or `apk add shadow` "
               "first";
    case TFL_FAMILY_RHEL:
        return "install shadow-utils first (`microdnf install "
               "shadow-utils`)";
    case TFL_FAMILY_DEBIAN:
    case TFL_FAMILY_UBUNTU:
        return set == TFL_TOOL_ADDUSER
                   ? "use useradd/groupadd, or `apt-get install adduser` "
                     "first"
                   : "install the package first";
    default:
        return "create the accounts in a builder stage and COPY "
               "/etc/passwd and /etc/group";
    }
}

static void check(tfl_ctx *ctx)
{
    const tfl_ops *o = tfl_ctx_ops(ctx);
    size_t i, last = SIZE_MAX;

    if (!o)
        return;
    for (i = 0; i < o->naccts; i++) {
        const tfl_acct_op *op = &o->accts[i];
        const tfl_facts_image *f;
        tfl_tool set = tool_set(op->tool);

        if (op->tool == TFL_ACCT_PASSWD_LINE ||
            op->tool == TFL_ACCT_GROUP_LINE || op->tool_installed ||
            op->instr == last || op->stage < 0 ||
            (size_t)op->stage >= o->nstages)
            continue;
        f = o->stages[op->stage].base_facts;
        if (!f)
            continue;
        if (f->shell == TFL_TRI_NO) {
            last = op->instr;
            tfl_report(ctx, op->cmd_span,
                       "the base image %s has no shell and no account "
                       "tools, so this RUN cannot run %s: %s",
                       tfl_stage_image(ctx, op->stage),
                       tfl_acct_tool_name(op->tool),
                       "create the accounts in a builder stage and COPY "
                       "/etc/passwd and /etc/group");
        } else if (tfl_facts_has_tool(f, set) == TFL_TRI_NO) {
            last = op->instr;
            tfl_report(ctx, op->cmd_span,
                       "%s is not in the base image %s: the build stops "
                       "with \"not found\"; %s",
                       tfl_acct_tool_name(op->tool),
                       tfl_stage_image(ctx, op->stage), hint(f, set));
        }
    }
}

static const char *const aliases[] = {NULL};
static const char *const tags[] = {"correctness", "accounts", NULL};

const tfl_rule tfl_rule_missing_account_tool = {
    .id = "TF406",
    .name = "missing-account-tool",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "An account tool the base image does not ship",
    .rationale =
        "Base images differ in the account tools they carry: Alpine and "
        "Wolfi have only BusyBox adduser/addgroup, UBI minimal and micro "
        "have no useradd, Debian 13 images dropped Debian's adduser, and "
        "distroless and scratch have no shell at all. Calling a missing "
        "tool stops the build with \"not found\". Use the tool the image "
        "has, install its package first in the same stage, or create the "
        "accounts in a builder stage and copy /etc/passwd and /etc/group.",
    .bad = "FROM alpine:3.20\nRUN useradd -u 10001 app\n",
    .good = "FROM alpine:3.20\nRUN adduser -D -u 10001 app\n",
    .tags = tags,
    .check = check,
};
