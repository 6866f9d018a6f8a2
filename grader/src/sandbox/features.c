/*
 * features.c - the machine features a test may require, probed in a box
 * like the tests' own (`requires =`, `grader probe`).
 */
#define _GNU_SOURCE
#include "sandbox/features.h"
#include "sandbox/box.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const feature_names[FEAT_COUNT] = {"sched_fifo", "ptrace", "valgrind", "strace",
                                                      "gdb",        "dash",   "sqlite3",  "userns"};
static const char *results[FEAT_COUNT];
static bool probed[FEAT_COUNT];

const char *feature_name(unsigned bit)
{
    for (int i = 0; i < FEAT_COUNT; i++)
        if (bit == 1u << i)
            return feature_names[i];
    return "?";
}

static int try_sched_fifo(void *arg)
{
    struct sched_param sp = {.sched_priority = 1};

    (void)arg;
    return sched_setscheduler(0, SCHED_FIFO, &sp) == 0 ? 0 : 1;
}

/* Forks a child that runs child() (which does not return) and waits for it
 * to stop or end: its pid with *status, or -1. */
static pid_t fork_and_wait(void (*child)(void), int *status)
{
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0)
        child();
    if (waitpid(pid, status, 0) < 0)
        return -1;
    return pid;
}

static void traced_child(void)
{
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
        _exit(1);
    raise(SIGSTOP);
    _exit(0);
}

static int try_ptrace(void *arg)
{
    int status;
    pid_t pid = fork_and_wait(traced_child, &status);

    (void)arg;
    if (pid < 0)
        return 1;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return WIFSTOPPED(status) || WIFSIGNALED(status) ? 0 : 1;
}

static void strace_child(void)
{
    int null = open("/dev/null", O_WRONLY);

    if (null >= 0) {
        dup2(null, 1);
        dup2(null, 2);
    }
    execlp("strace", "strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=write", "-o", "/dev/null",
           "true", (char *)NULL);
    _exit(127);
}

/* strace can follow a child here (ptrace allowed, seccomp-bpf filtering works). */
static int try_strace(void *arg)
{
    int status;

    (void)arg;
    if (fork_and_wait(strace_child, &status) < 0)
        return 1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int try_userns(void *arg)
{
    (void)arg;
    return unshare(CLONE_NEWUSER) == 0 ? 0 : 1;
}

/* Runs fn in an untrusted box, as a test would run; true if it returned 0. */
static bool in_box(const struct host *host, int (*fn)(void *), unsigned caps)
{
    char *envp[] = {"PATH=/usr/bin:/bin", NULL};

    return host_try(host, fn, envp, host->uid_base + 1, caps);
}

static bool have_program(const char *name)
{
    static const char *const dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};

    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char *p = xasprintf("%s/%s", dirs[i], name);
        bool ok = access(p, X_OK) == 0;
        free(p);
        if (ok)
            return true;
    }
    return false;
}

static const char *probe_program(const char *name, const char *package)
{
    static char buf[FEAT_COUNT][160];
    static int next;

    if (have_program(name))
        return NULL;
    char *b = buf[next++ % FEAT_COUNT];
    snprintf(b, 160, "%s is not installed (apt-get install %s, or run `make deps`)", name, package);
    return b;
}

static const char *probe_one(const struct host *host, unsigned bit)
{
    switch (bit) {
    case FEAT_SCHED_FIFO:
        if (in_box(host, try_sched_fifo, CAPF_SYS_NICE))
            return NULL;
        return "SCHED_FIFO is not permitted here: run the grader as root on a Linux host, or "
               "in a container started with --cap-add SYS_NICE and a real-time budget "
               "(--cpu-rt-runtime; see docker/README.md)";
    case FEAT_PTRACE:
        if (in_box(host, try_ptrace, 0))
            return NULL;
        return "ptrace is not permitted here (a container needs --cap-add SYS_PTRACE or a "
               "seccomp profile that allows ptrace; check /proc/sys/kernel/yama/ptrace_scope)";
    case FEAT_VALGRIND:
        return probe_program("valgrind", "valgrind");
    case FEAT_STRACE:
        if (probe_program("strace", "strace") != NULL)
            return probe_program("strace", "strace");
        if (in_box(host, try_strace, 0))
            return NULL;
        return "strace cannot trace a program here (ptrace or seccomp-bpf is blocked: a "
               "container needs --cap-add SYS_PTRACE or a seccomp profile that allows ptrace)";
    case FEAT_GDB:
        return probe_program("gdb", "gdb");
    case FEAT_DASH:
        return probe_program("dash", "dash");
    case FEAT_SQLITE3:
        return probe_program("sqlite3", "sqlite3");
    case FEAT_USERNS:
        if (in_box(host, try_userns, 0))
            return NULL;
        return "user namespaces are not permitted here (sysctl "
               "kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0)";
    }
    return "unknown feature";
}

/*
 * OSLABS_PRETEND_MISSING="sched_fifo sqlite3" makes the grader act as if the
 * machine lacked those features: how an instructor previews what students
 * on such machines will see, and how the kit tests its skip path.
 */
static bool pretend_missing(unsigned bit)
{
    const char *env = getenv("OSLABS_PRETEND_MISSING");
    struct strv words;
    bool yes;

    if (env == NULL)
        return false;
    sv_init(&words);
    sv_split_blanks(&words, env);
    yes = sv_contains(&words, feature_name(bit));
    sv_free(&words);
    return yes;
}

const char *probe_feature(const struct host *host, unsigned bit)
{
    for (int i = 0; i < FEAT_COUNT; i++) {
        if (bit != 1u << i)
            continue;
        if (!probed[i]) {
            results[i] = pretend_missing(bit) ? "not available (OSLABS_PRETEND_MISSING)"
                                              : probe_one(host, bit);
            probed[i] = true;
        }
        return results[i];
    }
    return "unknown feature";
}

const char *probe_missing(const struct host *host, unsigned features)
{
    for (int i = 0; i < FEAT_COUNT; i++) {
        if (!(features & (1u << i)))
            continue;
        const char *why = probe_feature(host, 1u << i);
        if (why != NULL)
            return why;
    }
    return NULL;
}

void probe_print_all(const struct host *host)
{
    printf("sandbox: %s\n", host->layer);
    for (int i = 0; i < FEAT_COUNT; i++) {
        const char *why = probe_feature(host, 1u << i);
        printf("%-11s %s\n", feature_name(1u << i), why ? why : "yes");
    }
}
