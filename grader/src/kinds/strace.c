/*
 * strace.c - the strace kind, two boxes: the program under `strace -f`,
 * then the lab's checker reads the trace. The trace lies beside the scratch
 * directory and the program runs fenced to that directory (fence.h), so the
 * program cannot rewrite the trace it is judged by. It passes when the program's
 * status is the expected one and the checker exits 0.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

#include <stdlib.h>
#include <string.h>

static void push_strace(struct run_ctx *ctx)
{
    char *trace = kind_evidence_path(ctx, "strace", true);

    sv_push(&ctx->argv, "strace");
    sv_push(&ctx->argv, "-f");
    sv_push(&ctx->argv, "-qq");
    sv_push(&ctx->argv, "-s");
    sv_push(&ctx->argv, "256");
    sv_push(&ctx->argv, "-o");
    sv_push(&ctx->argv, trace);
    if (ctx->test->syscalls != NULL)
        sv_pushf(&ctx->argv, "-etrace=%s", ctx->test->syscalls);
    sv_push(&ctx->argv, "--");
    kind_push_fence(ctx, NULL); /* the program cannot rewrite the trace */
    free(trace);
}

/* Phase 0: the program under strace; phase 1: the checker on the trace. */
static void strace_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    if (ctx->phase == 0) {
        push_strace(ctx);
        kind_program_spec(ctx, spec);
        spec->traced = true; /* under hang = driver, the driver is strace's child */
        return;
    }
    kind_push_program(ctx, ctx->test->checker);
    char *trace = kind_evidence_path(ctx, "strace", false);
    sv_push(&ctx->argv, trace);
    free(trace);
    kind_push_env(ctx, false);
    spec->lim.as_mb = 2048;
    spec->lim.nproc = 64;
    sv_pushf(&ctx->env, "OSLABS_EXIT_STATUS=%d",
             ctx->program.end == BOX_EXITED ? ctx->program.code : 128 + ctx->program.code);
}

/* The checker's word decides. */
static void judge_checker(struct run_ctx *ctx, struct box_result *r)
{
    if (r->end != BOX_EXITED || r->code != 0) {
        char *end = box_describe_end(r, ctx->test->timeout);
        char *first = utf8_sanitize(r->out, r->out_len);
        char *eol = strchr(first, '\n');
        if (eol != NULL)
            *eol = '\0';
        kind_fail(ctx, "the syscall check failed: %s", first[0] ? first : end);
        free(first);
        free(end);
    }
    kind_show_stream(&ctx->details, "checker stdout", r->out, r->out_len, r->out_dropped);
    kind_show_stream(&ctx->details, "checker stderr", r->err, r->err_len, r->err_dropped);
}

static bool strace_judge(struct run_ctx *ctx, struct box_result *r)
{
    if (ctx->phase > 0) {
        judge_checker(ctx, r);
        return false;
    }
    kind_judge_program(ctx, r);
    kind_show_output(ctx, r);
    return r->end == BOX_EXITED || r->end == BOX_SIGNALED;
}

const struct kind_ops kind_strace = {"strace", strace_spec, strace_judge};
