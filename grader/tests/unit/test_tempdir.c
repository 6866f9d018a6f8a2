/*
 * test_tempdir.c - a temporary directory of the grader's does not outlive
 * it, however it ends (lib/tempdir.c), unless it was kept on purpose.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/tempdir.h"

#define GONE_WITHIN_MS 5000

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static bool gone_within(const char *path, int ms)
{
    for (int waited = 0; exists(path); waited += 10) {
        if (waited >= ms)
            return false;
        usleep(10000);
    }
    return true;
}

/* A grader that creates a kept and a plain directory, with a file in each,
 * and is then killed (SIGKILL: nothing of its own runs). Their paths in
 * kept and plain. */
static void killed_grader(char kept[PATH_MAX], char plain[PATH_MAX])
{
    int fds[2], status;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *a = tempdir_create("unit"), *b = tempdir_create("unit");
        if (a == NULL || b == NULL)
            _exit(1);
        tempdir_keep(a);
        dprintf(fds[1], "%s\n%s\n", a, b);
        for (int i = 0; i < 2; i++) {
            char *f;
            if (asprintf(&f, "%s/file", i == 0 ? a : b) < 0 || fclose(fopen(f, "w")) != 0)
                _exit(1);
        }
        raise(SIGKILL);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    assert_non_null(in);
    assert_int_equal(fscanf(in, "%4095s %4095s", kept, plain), 2);
    fclose(in);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void killed_grader_leaves_no_tempdir(void **state)
{
    char kept[PATH_MAX], plain[PATH_MAX];

    (void)state;
    killed_grader(kept, plain);
    assert_true(gone_within(plain, GONE_WITHIN_MS));
    /* the sweeper has swept by now: what was kept stays */
    assert_true(exists(kept));
    remove_tree(kept);
}

static void removed_tempdir_is_gone_at_once(void **state)
{
    char *dir = tempdir_create("unit");

    (void)state;
    assert_non_null(dir);
    assert_true(strncmp(dir, tempdir_base(), strlen(tempdir_base())) == 0);
    assert_true(exists(dir));
    tempdir_remove(dir);
    assert_false(exists(dir));
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(killed_grader_leaves_no_tempdir),
        cmocka_unit_test(removed_tempdir_is_gone_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
