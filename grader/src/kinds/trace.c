/*
 * trace.c - the trace kind, two boxes: the program, whose normalised output
 * must equal the expected transcript; on a difference, `diff -u` of the
 * grader's own copies (beside the scratch directory) shows where.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"
#include "lib/fsutil.h"
#include "lib/normalize.h"
#include "lib/timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes a grader-owned file beside the scratch directory (never into it). */
static void write_own(const char *path, const char *text)
{
    int fd;

    unlink(path);
    /* the grader's alone: a hidden test's transcript must not reach a test running beside it */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        die("create %s: %s", path, strerror(errno));
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        die("write %s: %s", path, strerror(errno));
    close(fd);
}

/* The timeline block of text, if it has one, as a section of the evidence (drawn in HTML). */
static void show_timeline(struct run_ctx *ctx, const char *title, const char *text)
{
    char *excerpt = text != NULL ? timeline_excerpt(text) : NULL;

    if (excerpt != NULL)
        kind_show_lines(&ctx->details, title, excerpt, SHOW_LINES);
    free(excerpt);
}

/* After the diff: the program's timeline and, for a test that is not hidden, the expected one. */
static void show_timelines(struct run_ctx *ctx)
{
    char *a = xasprintf("%s.actual", ctx->scratch), *e = xasprintf("%s.expected", ctx->scratch);
    size_t len;
    char *actual = read_file_max(a, LOG_MAX, &len), *expected = read_file_max(e, LOG_MAX, &len);

    show_timeline(ctx, "timeline (your program)", actual);
    if (!ctx->test->from_hidden)
        show_timeline(ctx, "timeline (expected)", expected);
    free(actual);
    free(expected);
    free(a);
    free(e);
}

/* Compares the transcript; true when the diff phase must run. */
static bool judge_trace(struct run_ctx *ctx, struct box_result *r)
{
    const struct test *t = ctx->test;
    char *expect_path = kind_lab_path(ctx, t->expect);
    size_t elen;
    char *expected_raw = read_file_max(expect_path, LOG_MAX, &elen);
    char *expected, *actual;
    int line;
    bool differs;

    if (expected_raw == NULL) {
        kind_fail(ctx, "cannot read the expected transcript %s: %s", t->expect, strerror(errno));
        free(expect_path);
        return false;
    }
    kind_judge_program(ctx, r);
    expected = normalize_text(expected_raw, elen, t->normalize);
    actual = normalize_text(r->out, r->out_len, t->normalize);
    line = first_difference(expected, actual);
    differs = line != 0;
    if (differs) {
        char *e = xasprintf("%s.expected", ctx->scratch);
        char *a = xasprintf("%s.actual", ctx->scratch);
        write_own(e, expected);
        write_own(a, actual);
        free(e);
        free(a);
        if (ctx->outcome == OUT_PASS || r->end != BOX_TIMEOUT)
            kind_fail(ctx, "the output differs from the expected transcript at line %d", line);
        if (r->out_dropped > 0)
            sb_addf(&ctx->details,
                    "[truncated: the program wrote more than %d KiB of output and was stopped "
                    "there; only those %d KiB are compared]\n",
                    BOX_OUTPUT_CAP / 1024, BOX_OUTPUT_CAP / 1024);
    }
    if (!differs)
        show_timeline(ctx, "timeline", actual);
    if (!differs || r->err_len > 0)
        kind_show_stream(&ctx->details, "stderr", r->err, r->err_len, r->err_dropped);
    if (ctx->outcome != OUT_PASS && !differs)
        kind_show_stream(&ctx->details, "stdout", r->out, r->out_len, r->out_dropped);
    free(expected_raw);
    free(expected);
    free(actual);
    free(expect_path);
    return differs;
}

/* Phase 0: the program; phase 1: the diff, run by the grader on its own files. */
static void trace_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    if (ctx->phase == 0) {
        kind_backtraced_spec(ctx, spec);
        return;
    }
    sv_push(&ctx->argv, "diff");
    sv_push(&ctx->argv, "-u");
    sv_push(&ctx->argv, "--label=expected");
    sv_push(&ctx->argv, "--label=actual");
    sv_pushf(&ctx->argv, "%s.expected", ctx->scratch);
    sv_pushf(&ctx->argv, "%s.actual", ctx->scratch);
    box_default_env(&ctx->env, "/");
    spec->untrusted = false;
    spec->cwd = "/";
    spec->timeout = 30;
    spec->lim.cpu_s = 30;
}

static bool trace_judge(struct run_ctx *ctx, struct box_result *r)
{
    if (ctx->phase == 0)
        return judge_trace(ctx, r);
    char *diff = utf8_sanitize(r->out, r->out_len);
    kind_show_lines(&ctx->details, "diff (- expected, + actual)", diff, SHOW_LINES);
    free(diff);
    show_timelines(ctx);
    return false;
}

const struct kind_ops kind_trace = {"trace", trace_spec, trace_judge};
