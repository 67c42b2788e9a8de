/*
 * TF112 untrusted-registry: with `trusted-registries` configured, every
 * image the build pulls must come from one of them: FROM images,
 * `COPY --from=<image>` and `RUN --mount=...,from=<image>`. Silent when
 * no list is configured.
 *
 * The registry of a reference is its first '/'-separated part when that
 * part looks like a host (holds '.' or ':', or is `localhost`, or has
 * upper-case letters), as the Docker reference grammar decides; otherwise
 * the image is on Docker Hub, `docker.io`. Docker Hub's other host names
 * (index.docker.io, registry-1.docker.io, registry.hub.docker.com,
 * hub.docker.com) count as docker.io, in references and in the list.
 *
 * A list entry is `*` (everything), `*.example.com` (hosts ending in
 * `.example.com`), `prefix*` (hosts starting with `prefix`), or a host
 * compared whole (with its port, if any), all without regard to case.
 *
 * Not judged: `scratch`, names of stages, stage numbers in --from, and
 * references whose variables have no value the builder could know.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "tflint/model.h"

/* Docker Hub's host names other than docker.io. */
static const char *const hub_names[] = {
    "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
    "hub.docker.com", NULL};

/* The registry of `ref` into `out` (lower-cased, Docker Hub names folded to
 * docker.io). */
static void registry_of(const char *ref, char *out, size_t cap)
{
    const char *slash = strchr(ref, '/');
    size_t n = slash ? (size_t)(slash - ref) : 0, i;
    bool host = false;

    for (i = 0; i < n; i++)
        if (ref[i] == '.' || ref[i] == ':' || isupper((unsigned char)ref[i]))
            host = true;
    if (n == 9 && strncmp(ref, "localhost", 9) == 0)
        host = true;
    if (!host) {
        snprintf(out, cap, "docker.io");
        return;
    }
    if (n >= cap)
        n = cap - 1;
    for (i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)ref[i]);
    out[n] = '\0';
    for (i = 0; hub_names[i]; i++)
        if (strcmp(out, hub_names[i]) == 0)
            snprintf(out, cap, "docker.io");
}

/* Does the list entry `pat` admit registry `reg`? */
static bool admits(const char *pat, const char *reg)
{
    size_t pl = strlen(pat), rl = strlen(reg), i;

    if (strcmp(pat, "*") == 0)
        return true;
    if (pl > 1 && pat[0] == '*')
        return rl >= pl - 1 && strcasecmp(reg + rl - (pl - 1), pat + 1) == 0;
    if (pl > 1 && pat[pl - 1] == '*')
        return rl >= pl - 1 && strncasecmp(reg, pat, pl - 1) == 0;
    if (strcasecmp(pat, reg) == 0)
        return true;
    for (i = 0; hub_names[i]; i++)
        if (strcasecmp(pat, hub_names[i]) == 0)
            return strcmp(reg, "docker.io") == 0;
    return false;
}

static bool trusted(const tfl_config *cfg, const char *reg)
{
    size_t i;

    for (i = 0; i < cfg->ntrusted_registries; i++)
        if (admits(cfg->trusted_registries[i], reg))
            return true;
    return false;
}

/* The trusted list for a message, cut at about 100 bytes. */
static void list_of(const tfl_config *cfg, char *out, size_t cap)
{
    size_t i, len = 0;

    out[0] = '\0';
    for (i = 0; i < cfg->ntrusted_registries && len + 8 < cap; i++) {
        int n = snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
                         cfg->trusted_registries[i]);

        if (n < 0 || (size_t)n >= cap - len || len + (size_t)n > 100) {
            snprintf(out + len, cap - len, "%s...", i ? ", " : "");
            return;
        }
        len += (size_t)n;
    }
}

/* The value of `text` as the builder expands it in instruction `instr`,
 * or NULL when some variable has no value or the text is malformed. */
static const char *expanded(tfl_ctx *ctx, size_t instr, const char *text,
                            size_t len)
{
    const tfl_model *m = tfl_ctx_model(ctx);
    tfl_expansion e;
    size_t i;

    if (!memchr(text, '$', len))
        return text;
    if (!m || tfl_model_expand(m, ctx->arena, instr, text, len, &e) != 0)
        return NULL;
    for (i = 0; i < e.nrefs; i++)
        if (!e.refs[i].set)
            return NULL;
    return e.value;
}

/* Report `ref` (written as `text`, found at `at`) when it is pulled from an
 * untrusted registry. `what` says where it was found. */
static void judge(tfl_ctx *ctx, size_t instr, const char *what,
                  const char *text, size_t len, tfl_span at)
{
    const char *ref = expanded(ctx, instr, text, len);
    char reg[256], list[160], via[120] = "";

    if (!ref || !*ref || strcasecmp(ref, "scratch") == 0)
        return;
    registry_of(ref, reg, sizeof reg);
    if (trusted(ctx->config, reg))
        return;
    if (ref != text)
        snprintf(via, sizeof via, " (which is '%s')",
                 tfl_clip(ctx, ref, strlen(ref), 80));
    list_of(ctx->config, list, sizeof list);
    tfl_report(ctx, at,
               "%s '%s'%s comes from registry '%s', which is not trusted "
               "(trusted: %s)",
               what, tfl_clip(ctx, text, len, 80), via, reg, list);
}

/* Source span of `len` bytes of `value` inside the raw text of flag `f`
 * of `in`, found after `after` (or anywhere); the whole flag otherwise. */
static tfl_span value_span(const tfl_instr *in, const tfl_flag *f,
                           const char *after, const char *value, size_t len)
{
    const char *raw = in->line + f->word.off, *p;
    size_t raw_len = f->word.raw_len, skip = 0, i;

    if (after) {
        p = NULL;
        for (i = 0; i + strlen(after) <= raw_len; i++)
            if (strncasecmp(raw + i, after, strlen(after)) == 0) {
                p = raw + i;
                break;
            }
        if (!p)
            return f->word.span;
        skip = (size_t)(p - raw) + strlen(after);
    }
    for (i = skip; len && i + len <= raw_len; i++)
        if (memcmp(raw + i, value, len) == 0)
            return tfl_textmap_span(&in->map, f->word.off + (uint32_t)i,
                                    (uint32_t)len);
    return f->word.span;
}

static bool all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* The `from=` value of a --mount option list, as [*v, *v + *n). */
static bool mount_from(const char *opts, const char **v, size_t *n)
{
    const char *p = opts;

    while (*p) {
        size_t len = strcspn(p, ",");

        if (len > 5 && strncasecmp(p, "from=", 5) == 0) {
            *v = p + 5;
            *n = len - 5;
            return true;
        }
        p += len + (p[len] == ',');
    }
    return false;
}

static void check_from_flags(tfl_ctx *ctx, const tfl_stages *t, size_t i)
{
    const tfl_instr *in = &ctx->doc->instrs[i];
    size_t k;

    for (k = 0; k < in->nflags; k++) {
        const tfl_flag *f = &in->flags[k];
        const char *v = f->value, *name;
        size_t n;

        if (!v)
            continue;
        if (in->kind == TFL_COPY && strcasecmp(f->name, "from") == 0) {
            n = strlen(v);
            name = "COPY --from image";
        } else if (in->kind == TFL_RUN && strcasecmp(f->name, "mount") == 0 &&
                   mount_from(v, &v, &n)) {
            name = "RUN --mount image";
        } else {
            continue;
        }
        {
            char *ref = tfl_arena_strndup(ctx->arena, v, n);

            if (!ref) {
                ctx->oom = true;
                return;
            }
            if (all_digits(ref, n) || tfl_stages_find(t, ref) >= 0)
                continue;
            judge(
                ctx, i, name, ref, n,
                value_span(in, f, in->kind == TFL_RUN ? "from=" : NULL, v, n));
        }
    }
}

static void check(tfl_ctx *ctx)
{
    const tfl_doc *doc = ctx->doc;
    tfl_stages t;
    size_t i, s = 0;

    if (!ctx->config->ntrusted_registries || tfl_stages_get(ctx, &t) != 0)
        return;
    for (i = 0; i < doc->ninstrs; i++) {
        const tfl_instr *in = &doc->instrs[i];

        if (in->kind == TFL_FROM) {
            while (s < t.n && t.v[s].from != in)
                s++;
            if (in->nargs > 0 && in->args[0].len > 0 &&
                (s >= t.n || t.v[s].parent < 0))
                judge(ctx, i, "image", in->args[0].text, in->args[0].len,
                      in->args[0].span);
        } else if (in->kind == TFL_COPY || in->kind == TFL_RUN) {
            check_from_flags(ctx, &t, i);
        }
    }
}

static const char *const aliases[] = {"DL3026", NULL};
static const char *const tags[] = {"dockerfile", "security", "supply-chain",
                                   NULL};

const tfl_rule tfl_rule_untrusted_registry = {
    .id = "TF112",
    .name = "untrusted-registry",
    .aliases = aliases,
    .severity = TFL_SEV_ERROR,
    .summary = "Image pulled from a registry that is not trusted",
    .rationale =
        "When the configuration lists trusted registries "
        "(`trusted-registries` in .tflint.yaml, or TFLINT_TRUSTED_REGISTRIES), "
        "every image the build pulls must come from one of them: the FROM "
        "images, images named by `COPY --from` and the `from=` of "
        "`RUN --mount`. An image from anywhere else bypasses the mirror, "
        "scanning and signing a team relies on, and can change or vanish "
        "without notice. Images without a registry part are on Docker Hub "
        "and count as `docker.io`. Stage names and `scratch` are not "
        "images. The rule is silent when no list is configured.",
    .bad = "# trusted-registries: [registry.example.com]\n"
           "FROM ghcr.io/acme/base:1.4\n",
    .good = "# trusted-registries: [registry.example.com]\n"
            "FROM registry.example.com/acme/base:1.4\n",
    .tags = tags,
    .check = check,
};
