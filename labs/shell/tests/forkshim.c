/*
 * forkshim.c - libforkshim.so, which sdriver preloads into tsh in every
 * trace. After each fork, the shell's fork() returns only once the child
 * has run as far as it goes on its own: until it has exited or stopped, or
 * has slept SETTLED_MS without running (it waits for input, a timer, a
 * signal or its parent), or after FORKSHIM_MAX_MS (default 300 ms) if it
 * keeps running. A scheduler may always run the child first; the shim makes
 * it do so every time, so each race between a child and its shell goes the
 * same way every run, the way that shows the bug:
 *
 * - a child that joins its job's process group itself (setpgid in the
 *   child before exec) is in it; one that relies on the parent's setpgid is
 *   not, because once the child has exec'd that setpgid fails (EACCES);
 * - a job that ends at once has ended before the shell lists it: a shell
 *   that blocks SIGCHLD only after fork reaps it in its handler first, and
 *   then waits for it, or lists it, forever (R23).
 *
 * Without the shim the shell usually wins these races, and a broken shell
 * would lose points in some runs only. Only the program named tsh is slowed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A child asleep this long without a context switch waits for something
 * (the loader's and exec's own short waits are over well before). */
#define SETTLED_MS 2

struct child_state {
    char state;    /* /proc/PID/status State: R S D T t Z X; 0 once gone */
    long switches; /* voluntary + involuntary context switches */
};

static int enabled(void)
{
    extern char *program_invocation_short_name;

    return strcmp(program_invocation_short_name, "tsh") == 0;
}

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct child_state read_state(pid_t pid)
{
    struct child_state s = {0, 0};
    char path[64], line[128];
    long n;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return s; /* reaped already */
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "State: %c", &s.state) == 1)
            continue;
        if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1 ||
            sscanf(line, "nonvoluntary_ctxt_switches: %ld", &n) == 1)
            s.switches += n;
    }
    fclose(f);
    return s;
}

/* Waits until the child has exited, stopped or settled in a wait. */
static void let_child_run(pid_t pid)
{
    const char *env = getenv("FORKSHIM_MAX_MS");
    long deadline = now_ms() + (env != NULL ? atol(env) : 300);
    long asleep_since = -1, asleep_switches = 0;

    for (;;) {
        struct child_state s = read_state(pid);
        long now = now_ms();

        if (s.state == 0 || strchr("ZXT", s.state) != NULL || now >= deadline)
            break;
        /* under strace a child also sits in tracing stops (t), each short */
        int asleep = s.state == 'S' || s.state == 't';
        if (!asleep || asleep_since < 0 || s.switches != asleep_switches) {
            asleep_since = asleep ? now : -1;
            asleep_switches = s.switches;
        } else if (now - asleep_since >= SETTLED_MS) {
            break;
        }
        /* Yield, not sleep: sdriver takes a sleeping shell for one that
         * waits. A signal for the shell (SIGCHLD) is handled on return. */
        sched_yield();
    }
}

pid_t fork(void)
{
    static pid_t (*real_fork)(void);

    if (real_fork == NULL)
        real_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
    pid_t pid = real_fork();
    if (pid > 0 && enabled()) {
        int saved = errno;
        let_child_run(pid);
        errno = saved;
    }
    return pid;
}
