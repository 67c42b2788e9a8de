/*
 * TF302 world-writable: `chmod` or COPY/ADD `--chmod` grants write to
 * "others": an octal mode with the 0002 bit (777, 666, 0757) or a symbolic
 * clause that adds or sets `w` for `o` or `a`. A clause without who
 * letters (`+w`, `=rw`) is limited by the umask, which is 0022 in RUN
 * steps, so it grants write to the owner only and is not reported. A mode
 * that also sets the sticky bit (1777, `+t`) is the shared-directory
 * convention of /tmp and is accepted. Judged in the stage that is built
 * and the stages it is built FROM.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "user_rules.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    long s = tfl_built_stage(ctx, m);
    size_t i;

    for (i = 0; ops && s >= 0 && i < ops->nowns; i++) {
        const tfl_own_op *op = &ops->owns[i];
        char what[120] = "these files";
        unsigned g;

        if ((op->kind != TFL_OWN_CHMOD && op->kind != TFL_OWN_COPY) ||
            !op->mode.raw || !tfl_stage_in_chain(m, s, op->stage))
            continue;
        g = tfl_mode_grants(op->mode.text);
        if (!(g & TFL_MODE_OTHER_W) || (g & TFL_MODE_STICKY))
            continue;
        if (op->npaths)
            snprintf(what, sizeof what, "'%.60s'%s",
                     tfl_value_show(ctx, &op->paths[0]),
                     op->npaths > 1 ? " and the other paths" : "");
        tfl_report(
            ctx, op->mode.span,
            "mode '%s'%s lets every account write %s: any process "
            "of the container, whatever its user, can change what is "
            "there; grant write to the owner only ('755', 'u+w') and give "
            "the files to the account that writes them",
            tfl_value_show(ctx, &op->mode), tfl_value_source(ctx, m, &op->mode),
            what);
    }
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "security", "ownership", NULL};

const tfl_rule tfl_rule_world_writable = {
    .id = "TF302",
    .name = "world-writable",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "chmod or --chmod makes files writable by every account",
    .rationale =
        "Mode 777, 666, `o+w` or `a+w` lets any account write the files: a "
        "process of the container running as some other user, or a "
        "compromised one, can replace the application's code or "
        "configuration. It is usually a shortcut around an ownership "
        "problem. Give the files to the account that must write them "
        "(`COPY --chown`, `chown` in the RUN that creates them) and keep "
        "write for the owner only. World-writable directories with the "
        "sticky bit (mode 1777, as /tmp has) are not reported.",
    .bad = "FROM debian:12-slim\nCOPY app /app\nRUN chmod -R 777 /app\n",
    .good = "FROM debian:12-slim\nRUN useradd -l -u 10001 -U app\n"
            "COPY --chown=10001:10001 --chmod=755 app /app\n",
    .tags = tags,
    .check = check,
};
