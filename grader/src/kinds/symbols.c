/*
 * symbols.c - the symbols kind: `nm -P` of an object of the built lab; it
 * passes when the object calls every `must` symbol, one of `must_any` and
 * none of `must_not`.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void symbols_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    char *obj = kind_lab_path(ctx, ctx->test->object);

    sv_push(&ctx->argv, "nm");
    sv_push(&ctx->argv, "-P");
    sv_push(&ctx->argv, obj);
    box_default_env(&ctx->env, ctx->scratch);
    spec->lim.as_mb = 1024;
    spec->lim.nproc = 16;
    free(obj);
}

/* One symbol per line of `nm -P`: "name type [value size]"; U and w are references. */
static void collect_references(const char *nm, struct strv *refs)
{
    while (*nm != '\0') {
        const char *eol = strchrnul(nm, '\n');
        char name[512];
        char type;
        char *line = strndup(nm, (size_t)(eol - nm));

        if (line != NULL && sscanf(line, "%511s %c", name, &type) == 2 &&
            (type == 'U' || type == 'w')) {
            char *at = strchr(name, '@');
            if (at != NULL)
                *at = '\0';
            sv_push(refs, name);
        }
        free(line);
        nm = *eol ? eol + 1 : eol;
    }
}

static void judge_symbols(struct run_ctx *ctx, struct box_result *r)
{
    const struct test *t = ctx->test;
    struct strv refs;

    if (r->end != BOX_EXITED || r->code != 0) {
        char *why = utf8_sanitize(r->err, r->err_len);
        char *end = box_describe_end(r, t->timeout);
        char *eol = strchr(why, '\n');
        if (eol != NULL)
            *eol = '\0';
        kind_fail(ctx, "cannot read the symbols of %s: nm %s%s%s", t->object, end,
                  why[0] ? ": " : "", why);
        free(why);
        free(end);
        return;
    }
    sv_init(&refs);
    collect_references(r->out, &refs);
    for (size_t i = 0; i < t->must.n; i++)
        if (!sv_contains(&refs, t->must.v[i]))
            kind_fail(ctx, "%s does not call %s", t->object, t->must.v[i]);
    if (t->must_any.n > 0) {
        bool any = false;
        for (size_t i = 0; i < t->must_any.n; i++)
            any = any || sv_contains(&refs, t->must_any.v[i]);
        if (!any) {
            struct strbuf names;
            sb_init(&names);
            for (size_t i = 0; i < t->must_any.n; i++)
                sb_addf(&names, "%s%s", i ? " or " : "", t->must_any.v[i]);
            kind_fail(ctx, "%s calls none of %s", t->object, names.buf);
            sb_free(&names);
        }
    }
    for (size_t i = 0; i < t->must_not.n; i++)
        if (sv_contains(&refs, t->must_not.v[i]))
            kind_fail(ctx, "%s calls %s, which this lab forbids", t->object, t->must_not.v[i]);
    sv_free(&refs);
}

static bool symbols_judge(struct run_ctx *ctx, struct box_result *r)
{
    judge_symbols(ctx, r);
    return false;
}

const struct kind_ops kind_symbols = {"symbols", symbols_spec, symbols_judge};
