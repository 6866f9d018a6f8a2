/*
 * forkshim.c - libforkshim.so, preloaded into tsh by hygiene-pgrp: after
 * each fork, the parent's fork() returns only once the child has called
 * exec (or exited), or after FORKSHIM_MAX_MS (default 300 ms) if the child
 * waits for its parent first. So the child always runs first up to exec:
 * a child that joins its job's process group itself (setpgid in the child
 * before exec) is in it; one that relies on the parent's setpgid is not,
 * because once the child has exec'd the parent's setpgid fails (EACCES).
 * Without the shim that is a race the parent usually wins; with it, a
 * shell missing the child's setpgid fails every run.
 *
 * How the child's exec is seen: a pipe made with O_CLOEXEC just before the
 * fork; the child's copy of its write end closes at exec or exit, and the
 * parent then reads end of file. Only the program named tsh is slowed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int enabled(void)
{
    extern char *program_invocation_short_name;

    return strcmp(program_invocation_short_name, "tsh") == 0;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

pid_t fork(void)
{
    static pid_t (*real_fork)(void);
    int saved, fds[2];

    if (real_fork == NULL)
        real_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
    if (!enabled() || pipe2(fds, O_CLOEXEC) < 0)
        return real_fork();
    pid_t pid = real_fork();
    saved = errno;
    if (pid == 0) {
        close(fds[0]); /* the write end stays open until exec or exit */
        errno = saved;
        return 0;
    }
    close(fds[1]);
    if (pid > 0) {
        const char *env = getenv("FORKSHIM_MAX_MS");
        long max = env != NULL ? atol(env) : 300;
        struct timespec t0;
        char c;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
            long left = max - ms_since(&t0);
            struct pollfd p = {.fd = fds[0], .events = POLLIN};
            if (left <= 0)
                break;
            int n = poll(&p, 1, (int)left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || read(fds[0], &c, 1) <= 0)
                break;
        }
    }
    close(fds[0]);
    errno = saved;
    return pid;
}
