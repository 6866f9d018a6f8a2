/*
 * valgrind.c - the valgrind kind: the program under memcheck, helgrind or
 * drd; it passes when valgrind reports no error and the program passes as
 * its own kind would. Its log lies beside the scratch directory, and the
 * program (valgrind with it) runs fenced to that directory: the program
 * cannot rewrite the log (fence.h).
 */
#define _GNU_SOURCE
#include "kinds/kind.h"
#include "lib/fsutil.h"

#include <stdlib.h>
#include <string.h>

#define VALGRIND_STATUS 86 /* --error-exitcode */

static void push_valgrind(struct run_ctx *ctx)
{
    static const char *const tools[] = {"memcheck", "helgrind", "drd"};
    const struct test *t = ctx->test;
    char *log = kind_evidence_path(ctx, "valgrind", true);

    /* fenced, the log comes from the fence as --log-fd (fence.h) */
    bool fenced = kind_push_fence(ctx, log);
    sv_push(&ctx->argv, "valgrind");
    sv_pushf(&ctx->argv, "--tool=%s", tools[t->tool]);
    sv_pushf(&ctx->argv, "--error-exitcode=%d", VALGRIND_STATUS);
    if (!fenced)
        sv_pushf(&ctx->argv, "--log-file=%s", log);
    else /* a program it execs stays under valgrind, which keeps it off the log's descriptor */
        sv_push(&ctx->argv, "--trace-children=yes");
    sv_push(&ctx->argv, "--child-silent-after-fork=yes");
    if (t->suppressions != NULL) {
        char *supp = kind_lab_path(ctx, t->suppressions);
        sv_pushf(&ctx->argv, "--suppressions=%s", supp);
        free(supp);
    }
    sv_push(&ctx->argv, "--num-callers=20");
    if (t->tool == VG_MEMCHECK) {
        if (t->leaks == LEAKS_NONE) {
            sv_push(&ctx->argv, "--leak-check=no");
        } else {
            const char *kinds = t->leaks == LEAKS_ALL ? "definite,indirect" : "definite";
            sv_push(&ctx->argv, "--leak-check=full");
            sv_pushf(&ctx->argv, "--errors-for-leak-kinds=%s", kinds);
            sv_pushf(&ctx->argv, "--show-leak-kinds=%s", kinds);
        }
    } else {
        sv_push(&ctx->argv, "--fair-sched=try");
        /* no inlining of small callees into their callers' blocks: a race is
         * then reported in the student's function, not in the test's caller */
        sv_push(&ctx->argv, "--vex-guest-chase=no");
    }
    free(log);
}

/* Whole lines of the valgrind log after its banner. */
static void show_valgrind_log(struct run_ctx *ctx, const char *log)
{
    const char *p = strstr(log, "Command:");

    if (p != NULL) {
        p = strchrnul(p, '\n');
        p = *p ? p + 1 : p;
    } else {
        p = log;
    }
    /* skip "Parent PID" and the empty "==N== " lines before the first error */
    while (*p == '=') {
        const char *eol = strchrnul(p, '\n');
        const char *body = strstr(p, "== ");
        if (body == NULL || body > eol)
            break;
        body += 3;
        if (body < eol && strncmp(body, "Parent PID", 10) != 0)
            break;
        p = *eol ? eol + 1 : eol;
    }
    kind_show_lines(&ctx->details, "valgrind", p, SHOW_LINES);
}

const char *valgrind_crash_line(const char *log)
{
    static const char *const marks[] = {"valgrind: the 'impossible' happened",
                                        "VALGRIND INTERNAL ERROR"};

    for (size_t i = 0; log != NULL && i < ARRAY_LEN(marks); i++) {
        const char *p = strstr(log, marks[i]);
        if (p != NULL)
            return p;
    }
    return NULL;
}

static void judge_valgrind(struct run_ctx *ctx, struct box_result *r)
{
    static const char *const tools[] = {"memcheck", "helgrind", "drd"};
    char *path = kind_evidence_path(ctx, "valgrind", false);
    char *log = read_file_max(path, LOG_MAX, NULL);
    const char *sum = log ? strstr(log, "ERROR SUMMARY: ") : NULL;
    long errors = sum ? atol(sum + strlen("ERROR SUMMARY: ")) : -1;
    const char *crash = valgrind_crash_line(log);

    if (crash != NULL) { /* valgrind's own bug: the machine's fault, not the code's */
        char *why = xasprintf("valgrind crashed: %.*s", (int)strcspn(crash, "\n"), crash);
        kind_fail_machine(ctx, why);
        free(why);
        show_valgrind_log(ctx, log);
    } else if (r->end == BOX_EXITED && r->code == VALGRIND_STATUS) {
        if (errors > 0)
            kind_fail(ctx, "valgrind %s found %ld error%s", tools[ctx->test->tool], errors,
                      errors == 1 ? "" : "s");
        else
            kind_fail(ctx, "valgrind %s found errors", tools[ctx->test->tool]);
        if (log != NULL)
            show_valgrind_log(ctx, log);
    } else {
        kind_judge_program(ctx, r);
        if (ctx->outcome != OUT_PASS && log != NULL && errors != 0)
            show_valgrind_log(ctx, log);
    }
    kind_show_output(ctx, r);
    free(log);
    free(path);
}

static void valgrind_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    push_valgrind(ctx);
    kind_program_spec(ctx, spec);
}

static bool valgrind_judge(struct run_ctx *ctx, struct box_result *r)
{
    judge_valgrind(ctx, r);
    return false;
}

const struct kind_ops kind_valgrind = {"valgrind", valgrind_spec, valgrind_judge};
