/*
 * debug.c - `grader debug LAB TEST`: stages the submission, builds it
 * without a sandbox and runs the test's program by hand, in the
 * foreground, under gdb, valgrind, strace or nothing; `grader build LAB`:
 * the same staging and build, for running the programs by hand.
 */
#define _GNU_SOURCE
#include "debug.h"
#include "lab.h"
#include "kinds/kinds.h"
#include "pipeline/stage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv in the foreground with inherited stdio; its exit status. */
static int run_foreground(char *const *argv, char *const *envp, const char *cwd,
                          const char *stdin_path)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (cwd != NULL && chdir(cwd) < 0)
            _exit(127);
        if (stdin_path != NULL) {
            int fd = open(stdin_path, O_RDONLY);
            if (fd < 0 || dup2(fd, 0) < 0)
                _exit(127);
        }
        if (envp != NULL)
            environ = (char **)envp;
        execvp(argv[0], argv);
        fprintf(stderr, "grader: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void prefix_tool(struct strv *argv, const char *tool, const char *scratch)
{
    struct strv full;

    sv_init(&full);
    if (strcmp(tool, "gdb") == 0) {
        sv_push(&full, "gdb");
        sv_push(&full, "-q");
        sv_push(&full, "--args");
    } else if (strcmp(tool, "valgrind") == 0) {
        sv_push(&full, "valgrind");
        sv_push(&full, "--leak-check=full");
        sv_push(&full, "--track-origins=yes");
    } else if (strcmp(tool, "strace") == 0) {
        sv_push(&full, "strace");
        sv_push(&full, "-f");
        sv_pushf(&full, "-o%s/strace.out", scratch);
    }
    sv_extend(&full, argv);
    sv_free(argv);
    *argv = full;
}

/* A trace test: the tool runs the student's shell, not the driver (the
 * driver starts tsh under the words of SDRIVER_TOOL, one a line); the tool's
 * log goes to a file in scratch, returned. */
static char *wrap_trace_shell(struct run_ctx *ctx, const char *tool, const char *scratch)
{
    char *log;

    if (strcmp(tool, "gdb") == 0) {
        /* gdb attaches to tsh, which keeps its pid: the driver watches that pid */
        log = xasprintf("%s/gdb-tsh.log", scratch);
        sv_pushf(
            &ctx->env,
            "SDRIVER_TOOL=sh\n-c\n(gdb -q -batch -p $$ -ex 'set logging file %s' -ex 'set "
            "logging redirect on' -ex 'set logging enabled on' -ex 'handle SIGINT SIGTSTP "
            "SIGCHLD SIGCONT SIGTTIN SIGTTOU SIGQUIT SIGPIPE nostop noprint pass' -ex continue "
            "-ex 'thread apply all bt' </dev/null >/dev/null 2>&1 &) ; sleep 2; exec \"$0\" "
            "\"$@\"",
            log);
    } else if (strcmp(tool, "valgrind") == 0) {
        log = xasprintf("%s/valgrind-tsh.log", scratch);
        sv_pushf(&ctx->env,
                 "SDRIVER_TOOL=valgrind\n--leak-check=full\n--show-leak-kinds=definite,indirect\n"
                 "--track-origins=yes\n--child-silent-after-fork=yes\n--log-file=%s",
                 log);
    } else {
        log = xasprintf("%s/strace-tsh.out", scratch);
        sv_pushf(&ctx->env, "SDRIVER_TOOL=strace\n-f\n-o\n%s", log);
    }
    return log;
}

/* Stages sub with lab in workdir and builds it in the foreground. 0, or -1
 * with the reason on stderr (st is set up either way: destroy it). */
static int stage_and_build(const char *kit, const struct lab *lab, const char *workdir,
                           const char *sub, struct stage *st)
{
    struct strbuf err, problems;
    int rc = -1;

    sb_init(&err);
    sb_init(&problems);
    if (stage_create(lab, kit, workdir, st, &err) < 0 ||
        stage_student(lab, sub, st, &problems) > 0) {
        fprintf(stderr, "%s%sgrader: cannot stage %s\n", err.buf, problems.buf, sub);
        goto out;
    }
    char *make_argv[] = {"make", "--no-print-directory", "-C", st->labdir, lab->build_target, NULL};
    if (run_foreground(make_argv, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "grader: the build failed (in %s)\n", st->labdir);
        goto out;
    }
    rc = 0;
out:
    sb_free(&err);
    sb_free(&problems);
    return rc;
}

int debug_test(const char *kit, const struct lab *lab, const struct debug_opts *o)
{
    struct stage st;
    struct run_ctx ctx;
    const struct test *t;
    char *workdir, *sub, *scratch, *log = NULL;
    bool gdb;
    int rc = EXIT_USAGE;

    t = manifest_find(lab, o->test);
    if (t == NULL) {
        fprintf(stderr, "grader: no test '%s' in %s\n", o->test, lab->name);
        return EXIT_USAGE;
    }
    workdir = o->workdir ? xstrdup(o->workdir) : xasprintf("%s/build/debug", kit);
    sub = o->submission ? xstrdup(o->submission) : lab_skeleton(kit, lab);
    if (stage_and_build(kit, lab, workdir, sub, &st) < 0)
        goto out;
    scratch = stage_scratch(&st, t->name, 0, false, 0, 0);
    run_ctx_init(&ctx, NULL, t, st.labdir, scratch, 0, getuid());
    kind_debug_command(&ctx);
    if (strcmp(o->tool, "none") != 0 && t->kind == KIND_TRACE)
        log = wrap_trace_shell(&ctx, o->tool, scratch);
    else if (strcmp(o->tool, "none") != 0)
        prefix_tool(&ctx.argv, o->tool, scratch);
    if (getenv("TERM") != NULL)
        sv_pushf(&ctx.env, "TERM=%s", getenv("TERM"));
    fprintf(stderr, "grader: in %s, running:\n ", scratch);
    for (size_t i = 0; i < ctx.argv.n; i++)
        fprintf(stderr, " %s", ctx.argv.v[i]);
    fprintf(stderr, "%s%s\n", ctx.stdin_path ? " < " : "", ctx.stdin_path ? ctx.stdin_path : "");
    if (t->expect)
        fprintf(stderr, "grader: the expected transcript is %s%s%s\n",
                t->expect[0] == '/' ? "" : st.labdir, t->expect[0] == '/' ? "" : "/", t->expect);
    if (log != NULL)
        fprintf(stderr, "grader: %s runs the shell under test (tsh), not the driver\n", o->tool);
    gdb = strcmp(o->tool, "gdb") == 0 && log == NULL; /* gdb itself reads the terminal */
    rc = run_foreground(ctx.argv.v, ctx.env.v, scratch, gdb ? NULL : ctx.stdin_path);
    fprintf(stderr, "grader: the program exited with status %d\n", rc);
    if (log != NULL) {
        fprintf(stderr, "grader: %s's log of tsh is %s\n", o->tool, log);
        fprintf(stderr, "grader: to debug tsh by hand: cd %s && gdb --args ./tsh -p\n", st.labdir);
        free(log);
    } else if (strcmp(o->tool, "strace") == 0) {
        fprintf(stderr, "grader: strace's log is %s/strace.out\n", scratch);
    }
    rc = 0;
    run_ctx_free(&ctx);
    free(scratch);
out:
    stage_destroy(&st, true);
    free(workdir);
    free(sub);
    return rc;
}

int debug_build(const char *kit, const struct lab *lab, const char *submission, const char *workdir)
{
    struct stage st;
    char *dir = workdir ? xstrdup(workdir) : xasprintf("%s/build/run", kit);
    char *sub = submission ? xstrdup(submission) : lab_skeleton(kit, lab);
    int rc = EXIT_USAGE;

    if (stage_and_build(kit, lab, dir, sub, &st) == 0) {
        printf("%s\n", st.labdir);
        rc = 0;
    }
    stage_destroy(&st, true);
    free(dir);
    free(sub);
    return rc;
}
