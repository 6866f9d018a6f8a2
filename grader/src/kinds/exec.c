/*
 * exec.c - the exec kind: a command passes when it exits with the status
 * the test expects.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

static void exec_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    kind_program_spec(ctx, spec);
    spec->backtrace = true;
}

static bool exec_judge(struct run_ctx *ctx, struct box_result *r)
{
    kind_judge_program(ctx, r);
    kind_show_output(ctx, r);
    return false;
}

const struct kind_ops kind_exec = {"exec", exec_spec, exec_judge};
