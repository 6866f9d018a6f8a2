/*
 * test_box.c - the sandbox: how a program ended, what it could see, and
 * that nothing it started outlives it, timeouts included.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/backtrace.h"
#include "sandbox/box.h"
#include "sandbox/sweep.h"
#include "lib/util.h"

static char *env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", NULL};
static struct host host; /* probed once, in setup() */

/* A box for argv with the test environment, timing out after timeout. */
static void spec_init(struct box_spec *spec, char **argv, double timeout)
{
    memset(spec, 0, sizeof(*spec));
    spec->host = &host;
    spec->argv = argv;
    spec->envp = env;
    spec->timeout = timeout;
}

/* An untrusted box for bash -c script; argv must outlive the spec. */
static void sh_spec(struct box_spec *spec, char **argv, double timeout)
{
    spec_init(spec, argv, timeout);
    spec->cwd = "/";
    spec->untrusted = true;
    spec->uid = spec->gid = host.uid_base + 40;
    spec->lim.nproc = 64;
    spec->lim.as_mb = 1024;
    spec->lim.fsize_mb = 8;
    spec->lim.nofile = 64;
    spec->lim.cpu_s = 20;
}

static void run_sh(const char *script, double timeout, bool verdict, struct box_result *r)
{
    char *argv[] = {"bash", "-c", (char *)script, NULL};
    struct box_spec spec;

    sh_spec(&spec, argv, timeout);
    spec.verdict = verdict;
    box_run(&spec, r);
}

/* Processes whose command line holds marker, anywhere on the machine. */
static int count_marked(const char *marker)
{
    char cmd[256];
    FILE *p;
    int n = 0, c;

    /* "[o]slabs..." matches the marker but not this pgrep's own command line */
    snprintf(cmd, sizeof(cmd), "pgrep -f -c '[%c]%s'", marker[0], marker + 1);
    p = popen(cmd, "r");
    assert_non_null(p);
    if (fscanf(p, "%d", &n) != 1)
        n = 0;
    while ((c = fgetc(p)) != EOF)
        ;
    pclose(p);
    return n;
}

static void exit_status_and_output(void **state)
{
    struct box_result r;

    (void)state;
    run_sh("echo out; echo err >&2; exit 3", 10, false, &r);
    assert_int_equal(r.end, BOX_EXITED);
    assert_int_equal(r.code, 3);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.err, "err\n");
    box_result_free(&r);
}

static void signal_is_reported(void **state)
{
    struct box_result r;
    char *why;

    (void)state;
    run_sh("kill -SEGV $$", 10, false, &r);
    assert_int_equal(r.end, BOX_SIGNALED);
    assert_int_equal(r.code, SIGSEGV);
    why = box_describe_end(&r, 10);
    assert_string_equal(why, "killed by signal 11 (SIGSEGV)");
    free(why);
    box_result_free(&r);
}

static void timeout_kills_daemons_and_stopped_children(void **state)
{
    const char *marker = "oslabs-unit-box-marker";
    char script[512];
    struct box_result r;
    double t0 = now_seconds();

    (void)state;
    snprintf(script, sizeof(script),
             "setsid bash -c 'exec -a %s sleep 1000' & "
             "(exec -a %s sleep 1000) & kill -STOP $!; "
             "sleep 0.3; pgrep -c -f '[%c]%s'; sleep 1000",
             marker, marker, marker[0], marker + 1);
    run_sh(script, 2, false, &r);
    assert_int_equal(r.end, BOX_TIMEOUT);
    assert_true(atoi(r.out) >= 2); /* both were alive inside the box */
    assert_true(now_seconds() - t0 < 3.0);
    assert_true(r.wall >= 2.0 && r.wall < 2.5);
    assert_int_equal(count_marked(marker), 0);
    box_result_free(&r);
}

static void leftovers_are_killed_when_the_program_ends(void **state)
{
    const char *marker = "oslabs-unit-box-left";
    char script[256];
    struct box_result r;

    (void)state;
    snprintf(script, sizeof(script),
             "setsid bash -c 'exec -a %s sleep 1000' & sleep 0.3; pgrep -c -f '[%c]%s'", marker,
             marker[0], marker + 1);
    run_sh(script, 10, false, &r);
    assert_int_equal(r.end, BOX_EXITED);
    assert_true(atoi(r.out) >= 1); /* it was alive inside the box */
    assert_true(r.leftovers >= 1);
    assert_int_equal(count_marked(marker), 0);
    box_result_free(&r);
}

static void output_is_capped_and_counted(void **state)
{
    struct box_result r;

    (void)state;
    run_sh("head -c 1000000 /dev/zero", 10, false, &r);
    assert_int_equal(r.end, BOX_EXITED);
    assert_int_equal(r.out_len, BOX_OUTPUT_CAP);
    assert_int_equal(r.out_dropped, 1000000 - BOX_OUTPUT_CAP);
    box_result_free(&r);
}

/* With stop_flood, an endless writer ends at the cap, not at its timeout. */
static void flood_is_stopped_at_the_cap(void **state)
{
    char *argv[] = {"bash", "-c", "exec yes", NULL};
    struct box_spec spec;
    struct box_result r;

    (void)state;
    sh_spec(&spec, argv, 20);
    spec.stop_flood = true;
    box_run(&spec, &r);
    assert_int_equal(r.end, BOX_FLOODED);
    assert_true(r.wall < 5);
    assert_int_equal(r.out_len, BOX_OUTPUT_CAP);
    box_result_free(&r);
}

/* Runs script with hang detection on. */
static void run_watched(const char *script, struct box_result *r)
{
    char *argv[] = {"bash", "-c", (char *)script, NULL};
    struct box_spec spec;

    sh_spec(&spec, argv, 20);
    spec.hang = HANG_ON;
    box_run(&spec, r);
}

/* A read on a FIFO that only the reader holds open: hung, said so early. */
static void hung_box_ends_early(void **state)
{
    struct box_result r;

    (void)state;
    /* the syscall a thread waits in is read from /proc/PID/syscall, which
     * needs the right to ptrace the test: a plain container (no namespaces,
     * no CAP_SYS_PTRACE) lacks it for the tests' uids */
    if (!(host.ns_flags & CLONE_NEWPID))
        skip();
    run_watched("p=$(mktemp -u) && mkfifo $p && exec 3<>$p && rm $p && read -u 3 x", &r);
    assert_int_equal(r.end, BOX_HUNG);
    assert_true(r.wall < 6);
    assert_non_null(r.hang);
    assert_non_null(strstr(r.hang, "bash in read on fd 3"));
    box_result_free(&r);
}

/* A hung process whose child exited unreaped: the zombie is in the reason. */
static void hang_names_zombies(void **state)
{
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWPID))
        skip();
    run_watched("p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; /bin/true & exec cat <&3", &r);
    assert_int_equal(r.end, BOX_HUNG);
    assert_non_null(r.hang);
    assert_non_null(strstr(r.hang, "1 of cat in read on fd 0"));
    assert_non_null(strstr(r.hang, "zombies (exited, never reaped by their parent): 1 of true"));
    box_result_free(&r);
}

/* A process asleep in sigsuspend with no child left is named so (a shell
 * that reaped its job before listing it); with a child, it is not. */
static void hang_names_a_signal_wait_without_children(void **state)
{
    const char *suspend = "perl -MPOSIX -e 'sigsuspend(POSIX::SigSet->new)'";
    char with_child[256];
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWPID))
        skip();
    run_watched(suspend, &r);
    assert_int_equal(r.end, BOX_HUNG);
    assert_non_null(strstr(r.hang, "1 of perl in sigsuspend, with no child process left"));
    box_result_free(&r);
    snprintf(with_child, sizeof(with_child),
             "p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; cat <&3 & exec %s", suspend);
    run_watched(with_child, &r);
    assert_int_equal(r.end, BOX_HUNG);
    assert_non_null(strstr(r.hang, "1 of perl in sigsuspend"));
    assert_null(strstr(r.hang, "no child process left"));
    box_result_free(&r);
}

/* Runs script with hang detection and backtraces, as test name of a run
 * that remembers where its tests hung. */
static void run_traced(const char *script, struct backtrace_seen *seen, const char *name,
                       struct box_result *r)
{
    char *argv[] = {"bash", "-c", (char *)script, NULL};
    struct box_spec spec;

    sh_spec(&spec, argv, 20);
    spec.hang = HANG_ON;
    spec.backtrace = true;
    spec.seen = seen;
    spec.name = name;
    box_run(&spec, r);
    assert_int_equal(r->end, BOX_HUNG);
    assert_non_null(r->backtrace);
}

/* A hang under strace runs no gdb: gdb cannot join the traced program, and
 * strace's own stack says nothing; the backtrace says why it is missing. */
static void traced_hang_gets_no_gdb(void **state)
{
    char *argv[] = {"bash", "-c",
                    "p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; "
                    "exec strace -f -o /dev/null cat <&3",
                    NULL};
    struct box_spec spec;
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWPID) || access("/usr/bin/strace", X_OK) != 0)
        skip();
    sh_spec(&spec, argv, 20);
    spec.hang = HANG_ON;
    spec.backtrace = true;
    box_run(&spec, &r);
    assert_int_equal(r.end, BOX_HUNG);
    assert_non_null(strstr(r.hang, "1 of strace in wait4"));
    assert_non_null(r.backtrace);
    assert_non_null(strstr(r.backtrace, "run under strace, which gdb cannot join"));
    assert_null(strstr(r.backtrace, "ptrace: Operation not permitted"));
    box_result_free(&r);
}

/* A second hang in the same place names the first instead of repeating its
 * backtrace; a hang elsewhere gets its own. */
static void same_hang_is_traced_once(void **state)
{
    const char *in_read = "p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; read -u 3 x";
    const char *in_wait = "p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; cat <&3";
    struct backtrace_seen *seen = backtrace_seen_new();
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWPID) || access("/usr/bin/gdb", X_OK) != 0)
        skip();
    run_traced(in_read, seen, "first", &r);
    assert_non_null(strstr(r.backtrace, "Thread 1"));
    box_result_free(&r);
    run_traced(in_read, seen, "second", &r);
    assert_non_null(strstr(r.backtrace, "no new backtrace: bash waits where it waited in first,"));
    box_result_free(&r);
    run_traced(in_wait, seen, "third", &r); /* bash waits for cat: elsewhere */
    assert_null(strstr(r.backtrace, "no new backtrace"));
    assert_non_null(strstr(r.backtrace, "Thread 1"));
    box_result_free(&r);
    backtrace_seen_free(seen);
}

/* Under valgrind the stacks are valgrind's, the same wherever the program
 * waits: every hang there gets its own backtrace. */
static void hang_under_valgrind_is_always_traced(void **state)
{
    const char *in_read = "p=$(mktemp -u); mkfifo $p; exec 3<>$p; rm $p; "
                          "exec valgrind -q --vgdb=no bash -c 'read -u 3 x'";
    struct backtrace_seen *seen = backtrace_seen_new();
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWPID) || access("/usr/bin/gdb", X_OK) != 0 ||
        access("/usr/bin/valgrind", X_OK) != 0)
        skip();
    for (int i = 0; i < 2; i++) {
        run_traced(in_read, seen, i == 0 ? "first" : "second", &r);
        assert_null(strstr(r.backtrace, "no new backtrace"));
        box_result_free(&r);
    }
    backtrace_seen_free(seen);
}

/* A 3 s sleep is a timed wait: never cut as hung. */
static void sleeper_is_not_hung(void **state)
{
    struct box_result r;

    (void)state;
    run_watched("sleep 3", &r);
    assert_int_equal(r.end, BOX_EXITED);
    assert_true(r.wall >= 3);
    box_result_free(&r);
}

static void only_standard_fds_are_open(void **state)
{
    struct box_result r;

    (void)state;
    run_sh("ls /proc/self/fd | sort -n | tr '\\n' ' '; read x; echo \"stdin:$?\"", 10, false, &r);
    /* ls's own directory fd is the 3 */
    assert_string_equal(r.out, "0 1 2 3 stdin:1\n");
    box_result_free(&r);
}

static void verdict_pipe_is_fd_3(void **state)
{
    struct box_result r;

    (void)state;
    run_sh("echo \"$OSLABS_VERDICT_FD\" >&2; echo verdict-line >&3", 10, true, &r);
    assert_int_equal(r.end, BOX_EXITED);
    assert_non_null(r.verdict);
    assert_string_equal(r.verdict, "verdict-line\n");
    box_result_free(&r);
}

static void unprivileged_when_root(void **state)
{
    struct box_result r;
    char want[32];

    (void)state;
    if (!host.root)
        skip();
    run_sh("id -u", 10, false, &r);
    snprintf(want, sizeof(want), "%d\n", host.uid_base + 40);
    assert_string_equal(r.out, want);
    box_result_free(&r);
}

static void private_tmp_keeps_only_the_work_directory_read_only(void **state)
{
    char keep[] = "/tmp/oslabs-unit-keep-XXXXXX";
    const char *host_file = "/tmp/oslabs-unit-host-file";
    char script[256];
    char *argv[] = {"sh", "-c", script, NULL};
    struct box_spec spec;
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWNS))
        skip();
    assert_non_null(mkdtemp(keep));
    chmod(keep, 0755);
    fclose(fopen(host_file, "w"));
    snprintf(script, sizeof(script),
             "test ! -e %s && test -d %s && touch /tmp/mine && ! touch %s/x 2>/dev/null && echo ok",
             host_file, keep, keep);
    spec_init(&spec, argv, 10);
    spec.untrusted = true;
    spec.uid = spec.gid = host.uid_base + 40;
    spec.keep_path = keep;
    spec.readonly_path = keep;
    box_run(&spec, &r);
    assert_string_equal(r.out, "ok\n");
    assert_int_equal(access("/tmp/mine", F_OK), -1); /* its /tmp was its own */
    box_result_free(&r);
    unlink(host_file);
    rmdir(keep);
}

static void hidden_paths_are_empty_inside(void **state)
{
    char secret[] = "/tmp/oslabs-unit-secret-XXXXXX";
    char path[128], script[256];
    struct strv hide;
    struct box_result r;

    (void)state;
    if (!(host.ns_flags & CLONE_NEWNS))
        skip();
    assert_non_null(mkdtemp(secret));
    chmod(secret, 0755);
    snprintf(path, sizeof(path), "%s/answer.c", secret);
    fclose(fopen(path, "w"));
    chmod(path, 0644);
    sv_init(&hide);
    sv_push(&hide, secret);
    host_hide_paths(&host, &hide);
    snprintf(script, sizeof(script), "ls -A %s | wc -l; touch %s/x 2>/dev/null || echo ro", secret,
             secret);
    run_sh(script, 10, false, &r);
    assert_string_equal(r.out, "0\nro\n");
    box_result_free(&r);
    sv_free(&hide);
    sv_init(&hide);
    host_hide_paths(&host, &hide);
    sv_free(&hide);
    assert_int_equal(access(path, F_OK), 0); /* outside, untouched */
    unlink(path);
    rmdir(secret);
}

/* A box without a cgroup once closed the grader's fd 0, then read a reused
 * descriptor as another box's output. */
static void boxes_leave_the_graders_descriptors_alone(void **state)
{
    char *argv[] = {"true", NULL};
    struct box_spec spec;
    struct box_result r;

    (void)state;
    spec_init(&spec, argv, 5);
    for (int i = 0; i < 2; i++) {
        spec.untrusted = i == 1;
        spec.uid = spec.gid = host.uid_base + 40;
        box_run(&spec, &r);
        assert_int_equal(r.end, BOX_EXITED);
        box_result_free(&r);
        assert_true(fcntl(0, F_GETFD) >= 0);
        assert_true(fcntl(1, F_GETFD) >= 0);
        assert_true(fcntl(2, F_GETFD) >= 0);
    }
}

static void missing_program_is_a_box_failure(void **state)
{
    char *argv[] = {"/nonexistent/prog", NULL};
    struct box_spec spec;
    struct box_result r;

    (void)state;
    spec_init(&spec, argv, 5);
    box_run(&spec, &r);
    assert_int_equal(r.end, BOX_FAILED);
    assert_string_equal(r.error, "cannot run '/nonexistent/prog': No such file or directory");
    box_result_free(&r);
}

static void fork_bomb_is_contained(void **state)
{
    struct box_result r;

    (void)state;
    run_sh("b() { b | b & }; b; sleep 1000", 3, false, &r);
    assert_int_equal(r.end, BOX_TIMEOUT);
    box_result_free(&r);
}

/* What a test's uid left in /tmp and /dev/shm goes; others' files and what
 * its links point to stay. */
static void sweep_removes_only_the_uids_own(void **state)
{
    const uid_t uid = 61999; /* below every grader's range: no grader's test runs as it */
    char mine[] = "/tmp/oslabs-sweep-XXXXXX", theirs[] = "/tmp/oslabs-sweep-XXXXXX";
    const char *link = "/dev/shm/oslabs-sweep-link";
    char *file;
    int fd;

    (void)state;
    if (geteuid() != 0)
        skip();
    assert_non_null(mkdtemp(mine));
    file = xasprintf("%s/f", mine);
    assert_true((fd = mkstemp(theirs)) >= 0);
    close(fd);
    assert_true((fd = open(file, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    unlink(link);
    assert_int_equal(symlink(theirs, link), 0);
    assert_int_equal(lchown(mine, uid, uid), 0);
    assert_int_equal(lchown(file, uid, uid), 0);
    assert_int_equal(lchown(link, uid, uid), 0);
    assert_true(sweep_shared_tmp(uid) >= 2);
    assert_int_equal(access(mine, F_OK), -1);
    assert_int_equal(faccessat(AT_FDCWD, link, F_OK, AT_SYMLINK_NOFOLLOW), -1);
    assert_int_equal(access(theirs, F_OK), 0); /* a link's target is not followed */
    assert_int_equal(sweep_shared_tmp(0), 0);  /* never the grader's own */
    unlink(theirs);
    free(file);
}

static int setup(void **state)
{
    (void)state;
    host_init(&host);
    host_probe(&host);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_and_output),
        cmocka_unit_test(signal_is_reported),
        cmocka_unit_test(timeout_kills_daemons_and_stopped_children),
        cmocka_unit_test(leftovers_are_killed_when_the_program_ends),
        cmocka_unit_test(output_is_capped_and_counted),
        cmocka_unit_test(flood_is_stopped_at_the_cap),
        cmocka_unit_test(hung_box_ends_early),
        cmocka_unit_test(sleeper_is_not_hung),
        cmocka_unit_test(hang_names_zombies),
        cmocka_unit_test(hang_names_a_signal_wait_without_children),
        cmocka_unit_test(same_hang_is_traced_once),
        cmocka_unit_test(traced_hang_gets_no_gdb),
        cmocka_unit_test(hang_under_valgrind_is_always_traced),
        cmocka_unit_test(only_standard_fds_are_open),
        cmocka_unit_test(verdict_pipe_is_fd_3),
        cmocka_unit_test(unprivileged_when_root),
        cmocka_unit_test(private_tmp_keeps_only_the_work_directory_read_only),
        cmocka_unit_test(hidden_paths_are_empty_inside),
        cmocka_unit_test(boxes_leave_the_graders_descriptors_alone),
        cmocka_unit_test(missing_program_is_a_box_failure),
        cmocka_unit_test(fork_bomb_is_contained),
        cmocka_unit_test(sweep_removes_only_the_uids_own),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
