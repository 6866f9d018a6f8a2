/*
 * test_tamper.c - what shows tampering: the harness's verdict line and
 * everything else on the verdict pipe (kinds/verdict.c), a write into the
 * staged lab (pipeline/labguard.c), and the line a sandbox weaker than
 * namespaces prints (sandbox/mode.c).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kinds/kind.h"
#include "lib/fsutil.h"
#include "pipeline/labguard.h"
#include "sandbox/host.h"

#define TOKEN "0123456789abcdef0123456789abcdef"

/* verdict_read on text as the pipe's content, from a program of pid 42. */
static int read_pipe(const char *text, enum kind kind, char **tamper)
{
    struct test t;
    struct run_ctx ctx;
    struct box_result r;
    int failed = -1, skipped = -1, rc;

    memset(&t, 0, sizeof(t));
    t.kind = kind;
    t.casename = "case-a";
    memset(&ctx, 0, sizeof(ctx));
    ctx.test = &t;
    snprintf(ctx.token, sizeof(ctx.token), "%s", TOKEN);
    memset(&r, 0, sizeof(r));
    r.verdict = (char *)text;
    r.pid = 42;
    rc = verdict_read(&ctx, &r, &failed, &skipped, tamper);
    if (rc == 0)
        assert_true(failed == 0 || failed == 1);
    return rc;
}

static void expect_tamper(const char *text, const char *said)
{
    char *tamper = NULL;

    assert_int_equal(read_pipe(text, KIND_CMOCKA, &tamper), -2);
    assert_non_null(tamper);
    if (strstr(tamper, said) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", said, tamper);
    free(tamper);
}

static void harness_line_is_no_tampering(void **state)
{
    char *tamper = (char *)"unset";

    (void)state;
    assert_int_equal(read_pipe("oslabs-verdict 2 pid=42 token=" TOKEN
                               " run=1 failed=1 skipped=0 name=case-a\n",
                               KIND_CMOCKA, &tamper),
                     0);
    assert_null(tamper);
    assert_int_equal(read_pipe(NULL, KIND_CMOCKA, &tamper), -1); /* no verdict: a failure */
    assert_null(tamper);
    /* under strace the harness is strace's child: its pid is not checked */
    assert_int_equal(read_pipe("oslabs-verdict 2 pid=7 token=" TOKEN
                               " run=1 failed=0 skipped=0 name=case-a\n",
                               KIND_STRACE, &tamper),
                     0);
}

static void forged_lines_are_tampering(void **state)
{
    (void)state;
    expect_tamper("oslabs-verdict 2 pid=42 token=" TOKEN " run=1 failed=0 skipped=0 name=case-a\n"
                  "oslabs-verdict 2 pid=42 token=" TOKEN " run=1 failed=1 skipped=0 name=case-a\n",
                  "2 lines on the verdict pipe");
    expect_tamper("oslabs-verdict 2 pid=42 token=00000000000000000000000000000000 run=1 failed=0 "
                  "skipped=0 name=case-a\n",
                  "without this run's token");
    expect_tamper("oslabs-verdict 2 pid=43 token=" TOKEN " run=1 failed=0 skipped=0 name=case-a\n",
                  "from pid 43, not from the test program (pid 42)");
    expect_tamper("oslabs-verdict 2 pid=42 token=" TOKEN " run=1 failed=0 skipped=0 name=case-b\n",
                  "for another case (case-b)");
    expect_tamper("oslabs-verdict 1 run=1 failed=0 skipped=0 name=case-a\n", "not the harness's");
    expect_tamper("oslabs-verdict 2 pid=42 token=" TOKEN " run=1 failed=0 skipped=0 name=case-a",
                  "an unfinished line");
    expect_tamper("hello\n", "not the harness's: \"hello\"");
}

/* A fresh directory with one file, for the guard. */
static char *make_lab(void)
{
    char *dir = xstrdup("/tmp/oslabs-test-labguard-XXXXXX");

    assert_non_null(mkdtemp(dir));
    char *mk = xasprintf("%s/Makefile", dir);
    assert_int_equal(write_file_atomic(mk, "all:\n", 5), 0);
    free(mk);
    return dir;
}

static void append(const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT, 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
    free(p);
}

static void expect_change(struct labguard *g, const char *said)
{
    char *changed = labguard_check(g);

    assert_non_null(changed);
    if (strstr(changed, said) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", said, changed);
    free(changed);
    assert_null(labguard_check(g)); /* the new state is the record */
}

static void a_write_into_the_lab_is_seen(void **state)
{
    char *dir = make_lab(), *p;
    struct labguard g;

    (void)state;
    labguard_init(&g, dir);
    assert_null(labguard_check(&g));
    p = xasprintf("%s/Makefile", dir);
    free(read_file_max(p, 4096, NULL)); /* reading changes nothing */
    assert_null(labguard_check(&g));
    append(dir, "Makefile");
    expect_change(&g, "Makefile (rewritten)");
    append(dir, "newfile");
    expect_change(&g, "newfile (added)");
    assert_int_equal(unlink(p), 0);
    expect_change(&g, "Makefile (removed)");
    free(p);
    labguard_free(&g);
    remove_tree(dir);
    free(dir);
}

static void weak_sandbox_says_what_it_lacks(void **state)
{
    struct host h;
    char *line;

    (void)state;
    memset(&h, 0, sizeof(h));
    unsetenv("OSLABS_SANDBOX");
    h.ns_flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC;
    assert_null(host_weak_mode(&h));
    h.ns_flags = CLONE_NEWNET | CLONE_NEWIPC; /* a container's */
    line = host_weak_mode(&h);
    assert_non_null(line);
    assert_non_null(strstr(line, "read the kit's solutions and hidden tests"));
    assert_null(strstr(line, "reach the network"));
    free(line);
    h.ns_flags = 0;
    line = host_weak_mode(&h);
    assert_non_null(strstr(line, "reach the network"));
    assert_non_null(strstr(line, "signal the grader itself"));
    free(line);
    setenv("OSLABS_SANDBOX", "container", 1); /* docker/grade.sh's: the container contains */
    assert_null(host_weak_mode(&h));
    unsetenv("OSLABS_SANDBOX");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(harness_line_is_no_tampering),
        cmocka_unit_test(forged_lines_are_tampering),
        cmocka_unit_test(a_write_into_the_lab_is_seen),
        cmocka_unit_test(weak_sandbox_says_what_it_lacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
