/*
 * kinds.c - the six kinds of test behind one table: for each, the box of
 * each phase and how it is judged (one file per kind in this folder).
 *
 * Verdicts come from the box's records (exit status, signal, timeout), the
 * harness's verdict pipe, valgrind's and strace's own files and the
 * grader's own comparisons, never from a pass/fail word the program prints.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Indexed by enum kind. */
static const struct kind_ops *const kinds[] = {
    [KIND_CMOCKA] = &kind_cmocka,     [KIND_EXEC] = &kind_exec,     [KIND_TRACE] = &kind_trace,
    [KIND_VALGRIND] = &kind_valgrind, [KIND_STRACE] = &kind_strace, [KIND_SYMBOLS] = &kind_symbols,
};

const char *kind_name(enum kind k)
{
    return kinds[k]->name;
}

int kind_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return (int)i;
    return -1;
}

static long online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

void kind_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    const struct test *t = ctx->test;

    sv_free(&ctx->argv);
    sv_free(&ctx->env);
    sv_init(&ctx->argv);
    sv_init(&ctx->env);
    memset(spec, 0, sizeof(*spec));
    spec->host = ctx->host;
    spec->cwd = ctx->scratch;
    spec->timeout = t->timeout;
    spec->untrusted = true;
    spec->keep_path = ctx->workroot;
    spec->disk_path = ctx->phase == 0 ? ctx->disk : NULL; /* the kit's checkers are not bound */
    spec->disk_mb = t->disk_mb;
    spec->readonly_path = ctx->labdir;
    spec->uid = spec->gid = ctx->uid;
    /* a test's own CPU budget holds on a loaded machine, where wall time does not */
    spec->lim.cpu_s = t->cpu_s > 0 ? t->cpu_s : t->timeout * (double)online_cpus() + 1;
    spec->lim.fsize_mb = 64;
    spec->lim.nofile = 256;
    kinds[t->kind]->spec(ctx, spec);
    if (ctx->phase == 0 && t->stdin_file != NULL) {
        free(ctx->stdin_path);
        ctx->stdin_path = kind_lab_path(ctx, t->stdin_file);
        spec->stdin_path = ctx->stdin_path;
    }
    spec->argv = ctx->argv.v;
    spec->envp = ctx->env.v;
}

bool kind_judge(struct run_ctx *ctx, struct box_result *res)
{
    bool more = false;

    if (ctx->phase == 0) {
        if (res->disk_quota_mb > 0) /* the first reason given is the one reported */
            kind_fail(ctx, "disk quota of %ld MiB exceeded", res->disk_quota_mb);
        more = kinds[ctx->test->kind]->judge(ctx, res);
        if (res->backtrace != NULL)
            sb_addf(&ctx->details, "--- backtrace of every thread (gdb) ---\n%s", res->backtrace);
        if (res->leftovers > 0 && ctx->test->kind != KIND_SYMBOLS)
            sb_addf(&ctx->details, "[the sandbox killed %d process%s left running]\n",
                    res->leftovers, res->leftovers == 1 ? "" : "es");
        ctx->program = *res;
        memset(res, 0, sizeof(*res));
    } else {
        kinds[ctx->test->kind]->judge(ctx, res);
        box_result_free(res);
    }
    ctx->phase++;
    return more;
}

void kind_debug_command(struct run_ctx *ctx)
{
    const struct test *t = ctx->test;

    sv_free(&ctx->argv);
    sv_free(&ctx->env);
    sv_init(&ctx->argv);
    sv_init(&ctx->env);
    if (t->kind == KIND_SYMBOLS) {
        char *obj = kind_lab_path(ctx, t->object);
        sv_push(&ctx->argv, "nm");
        sv_push(&ctx->argv, "-P");
        sv_push(&ctx->argv, obj);
        free(obj);
    } else {
        kind_push_program(ctx, t->command);
    }
    kind_push_env(ctx, false);
    if (t->stdin_file != NULL) {
        free(ctx->stdin_path);
        ctx->stdin_path = kind_lab_path(ctx, t->stdin_file);
    }
}
