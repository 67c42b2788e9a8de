/*
 * TF200 missing-user: the stage that is built never sets USER, neither
 * itself nor through the stages it is built FROM, and its base image is
 * not known to start as another account, so the container runs as root.
 *
 * A base image known to set a non-root default user (distroless
 * `:nonroot`, Chainguard, Bitnami, ...) keeps the rule silent; an image
 * tflint has no facts for counts as root, since most do, and the message
 * says that this is an assumption (`--base-images` can teach it
 * otherwise). Build stages are not judged: they may run as root.
 */
#include <string.h>

#include "rules.h"
#include "tflint/facts.h"
#include "user_rules.h"

static void check(tfl_ctx *ctx)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    const tfl_ops *ops = m ? tfl_ctx_ops(ctx) : NULL;
    long s = tfl_built_stage(ctx, m);
    const tfl_model_stage *st, *root;
    const tfl_stage_info *info;
    const tfl_facts_image *img;
    const char *image;

    if (!ops || s < 0 || (size_t)s >= ops->nstages)
        return;
    info = &ops->stages[s];
    if (info->last_user || !info->base_runs_as_root)
        return;
    st = &m->stages[s];
    root = tfl_model_root(m, (size_t)s);
    if (!root || !root->image || !st->image)
        return;
    image = root->image_expanded ? root->image_expanded : root->image->text;
    image = tfl_clip(ctx, image, strlen(image), 80);
    img = info->base_facts;
    if (img && tfl_facts_runs_as_root(img) == TFL_TRI_YES)
        tfl_report(ctx, st->image->span,
                   "the image runs as root: no USER is set in this stage or "
                   "the stages it is built from, and base image '%s' starts "
                   "as root; create an account and end with 'USER "
                   "<uid>:<gid>'",
                   image);
    else
        tfl_report(ctx, st->image->span,
                   "the image runs as root unless base image '%s' sets "
                   "another user (tflint has no facts about it): no USER is "
                   "set in this stage or the stages it is built from; end "
                   "with 'USER <uid>:<gid>', or describe the image with "
                   "--base-images",
                   image);
}

static const char *const no_aliases[] = {NULL};
static const char *const tags[] = {"dockerfile", "security", "user", NULL};

const tfl_rule tfl_rule_missing_user = {
    .id = "TF200",
    .name = "missing-user",
    .aliases = no_aliases,
    .severity = TFL_SEV_WARNING,
    .summary = "The image never sets USER, so it runs as root",
    .rationale =
        "Without a USER instruction a container starts as the base image's "
        "default user, and for nearly every image that is root. A process "
        "running as root inside the container is root on the host's kernel: "
        "an escape through a kernel or runtime bug, a writable host mount "
        "or a mistaken --privileged gives the attacker the host. Create an "
        "account for the application and end the final stage with "
        "`USER <uid>:<gid>`. Build stages are not checked, since they are "
        "thrown away, and base images known to start as a non-root user "
        "(distroless `:nonroot`, for example) need no USER. With "
        "`--target` the named stage is the one judged.",
    .bad = "FROM python:3.12-slim\nCOPY app.py /app/\n"
           "CMD [\"python\", \"/app/app.py\"]\n",
    .good = "FROM python:3.12-slim\n"
            "RUN useradd -l -u 10001 -U -m app\nCOPY app.py /app/\n"
            "USER 10001:10001\nCMD [\"python\", \"/app/app.py\"]\n",
    .tags = tags,
    .check = check,
};
