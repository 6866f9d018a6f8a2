/*
 * debug.c - `grader debug LAB TEST`: stages the submission, builds it
 * without a sandbox and runs the test's program by hand, in the
 * foreground, under gdb, valgrind, strace or nothing.
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

int debug_test(const char *kit, const struct lab *lab, const struct debug_opts *o)
{
    struct stage st;
    struct strbuf err, problems;
    struct run_ctx ctx;
    const struct test *t;
    char *workdir, *sub, *scratch;
    int rc = EXIT_USAGE;

    t = manifest_find(lab, o->test);
    if (t == NULL) {
        fprintf(stderr, "grader: no test '%s' in %s\n", o->test, lab->name);
        return EXIT_USAGE;
    }
    sb_init(&err);
    sb_init(&problems);
    workdir = o->workdir ? xstrdup(o->workdir) : xasprintf("%s/build/debug", kit);
    sub = o->submission ? xstrdup(o->submission) : lab_skeleton(kit, lab);
    if (stage_create(lab, kit, workdir, &st, &err) < 0 ||
        stage_student(lab, sub, &st, &problems) > 0) {
        fprintf(stderr, "%s%sgrader: cannot stage %s\n", err.buf, problems.buf, sub);
        goto out;
    }
    char *make_argv[] = {"make", "--no-print-directory", "-C", st.labdir, lab->build_target, NULL};
    if (run_foreground(make_argv, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "grader: the build failed\n");
        goto out;
    }
    scratch = stage_scratch(&st, t->name, 0, false, 0, 0);
    run_ctx_init(&ctx, NULL, t, st.labdir, scratch, 0, getuid());
    kind_debug_command(&ctx);
    if (strcmp(o->tool, "none") != 0)
        prefix_tool(&ctx.argv, o->tool, scratch);
    if (getenv("TERM") != NULL)
        sv_pushf(&ctx.env, "TERM=%s", getenv("TERM"));
    fprintf(stderr, "grader: in %s, running:\n ", scratch);
    for (size_t i = 0; i < ctx.argv.n; i++)
        fprintf(stderr, " %s", ctx.argv.v[i]);
    fprintf(stderr, "%s%s\n", ctx.stdin_path ? " < " : "", ctx.stdin_path ? ctx.stdin_path : "");
    if (t->expect)
        fprintf(stderr, "grader: the expected transcript is %s/%s\n", st.labdir, t->expect);
    rc = run_foreground(ctx.argv.v, ctx.env.v, scratch,
                        strcmp(o->tool, "gdb") == 0 ? NULL : ctx.stdin_path);
    fprintf(stderr, "grader: the program exited with status %d\n", rc);
    rc = 0;
    run_ctx_free(&ctx);
    free(scratch);
out:
    stage_destroy(&st, true);
    free(workdir);
    free(sub);
    sb_free(&err);
    sb_free(&problems);
    return rc;
}
