/*
 * TF200 missing-user: the stage that is built never sets USER, neither
 * itself nor through the stages it is built FROM, and its base image is
 * not known to start as another account, so the container runs as root.
 *
 * A base image known to set a non-root default user (distroless
 * `:nonroot`, Chainguard, Bitnami, ...) keeps the rule silent; an image
 * tflint has no facts for counts as root, since most do, and the message
 * says that this is an assumption (`--base-images` can teach it
 * otherwise). Build stages are not judged: they may run as root. Nor is an
 * image made FROM scratch that sets no CMD or ENTRYPOINT: such a stage
 * exports files (`docker build --output`) and runs nothing. An image that
 * installs gosu or su-exec usually starts as root on purpose and drops to
 * its account in the entrypoint script, which tflint cannot read: the
 * finding stays (the container does start as root) and says so.
 */
#include <string.h>

#include "rules.h"
#include "tflint/facts.h"
#include "user_rules.h"

/* Does stage `s`, or one it is built FROM, set CMD or ENTRYPOINT? */
static bool has_command(const tfl_model *m, long s)
{
    size_t i;

    for (i = 0; i < m->doc->ninstrs; i++) {
        tfl_kind k = m->doc->instrs[i].kind;

        if ((k == TFL_CMD || k == TFL_ENTRYPOINT) &&
            tfl_stage_in_chain(m, s, tfl_model_stage_of(m, i)))
            return true;
    }
    return false;
}

/* Is `word` (two bytes or more) in the `n` bytes at `s`? */
static bool contains(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    const char *p = s, *end = s + n;

    /* memchr finds candidates for the first byte much faster than a
       byte-by-byte comparison; most RUN texts have few of them. */
    while ((size_t)(end - p) >= k &&
           (p = memchr(p, word[0], (size_t)(end - p) - k + 1)) != NULL) {
        if (memcmp(p + 1, word + 1, k - 1) == 0)
            return true;
        p++;
    }
    return false;
}

/* Does a RUN of stage `s`'s chain mention gosu or su-exec? */
static bool drops_root(const tfl_model *m, long s)
{
    size_t i;

    for (i = 0; i < m->doc->ninstrs; i++) {
        const tfl_instr *in = &m->doc->instrs[i];

        if (in->kind == TFL_RUN &&
            tfl_stage_in_chain(m, s, tfl_model_stage_of(m, i)) &&
            (contains(in->line, in->line_len, "gosu") ||
             contains(in->line, in->line_len, "su-exec")))
            return true;
    }
    return false;
}

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
    if (drops_root(m, s)) {
        tfl_report(ctx, st->image->span,
                   "the container starts as root: no USER is set in this "
                   "stage or the stages it is built from; the image installs "
                   "gosu or su-exec, so its entrypoint may drop to another "
                   "account, which tflint cannot see; where the entrypoint "
                   "needs no root, end with 'USER <uid>:<gid>' instead");
        return;
    }
    if (img && img->family == TFL_FAMILY_SCRATCH && !has_command(m, s))
        return;
    if (img && img->family == TFL_FAMILY_SCRATCH)
        tfl_report(ctx, st->image->span,
                   "the image runs as root: no USER is set in this stage or "
                   "the stages it is built from, and an image made FROM "
                   "scratch starts as UID 0; end with a numeric 'USER "
                   "10001:10001', which needs no account");
    else if (img && tfl_facts_runs_as_root(img) == TFL_TRI_YES)
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
