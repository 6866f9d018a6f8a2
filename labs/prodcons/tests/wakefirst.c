/*
 * wakefirst.c - linked into test_bbuf and test_tpool in place of libc's
 * sem_post: a post that wakes a thread asleep on the semaphore returns only
 * once that thread has run as far as it goes on its own (until it sleeps
 * again, or ends), or after WAKE_MAX_MS if it keeps running. A scheduler
 * may always run the woken thread first; this makes it do so every time,
 * so the race between a post and what the poster does next goes the same
 * way every run, the way that shows the bug: a bbuf_put that posts `items`
 * before it writes the slot hands the woken bbuf_get a stale slot in every
 * run, not in one of a thousand.
 *
 * Which threads sleep on the semaphore: those whose /proc/self/task/TID/
 * syscall shows a futex wait on its address (glibc's sem_wait). Whether one
 * ran after the post: its run count (schedstat) changed.
 *
 * On from the start in the unit tests. stress and poolstress link it too,
 * off unless asked (-W): their many threads make each post's look at /proc
 * too slow for a stress, but under memcheck, which runs one thread at a
 * time, it decides who goes first after a post the same way every run.
 */
#define _GNU_SOURCE /* RTLD_NEXT, gettid */
#include "wakefirst.h"
#include "oslabs_proc.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SLEEPERS 64
#define WAKE_MAX_MS  20

struct sleeper {
    int tid;
    long long runs; /* its run count before the post */
};

/* True when thread tid sleeps in a futex call on an address inside s. */
static bool sleeps_on(int tid, const sem_t *s)
{
    char path[64];
    long nr;
    unsigned long uaddr;
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
    if ((f = fopen(path, "re")) == NULL)
        return false;
    n = fscanf(f, "%ld %lx", &nr, &uaddr);
    fclose(f);
    return n == 2 && nr == SYS_futex && uaddr >= (uintptr_t)s && uaddr < (uintptr_t)(s + 1);
}

static int find_sleepers(const sem_t *s, struct sleeper *out)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && n < MAX_SLEEPERS) {
        int tid = atoi(e->d_name);
        if (tid <= 0 || tid == (int)gettid() || !sleeps_on(tid, s))
            continue;
        out[n].tid = tid;
        out[n].runs = oslabs_thread_runs(tid);
        if (out[n].runs >= 0)
            n++;
    }
    closedir(d);
    return n;
}

/* A sleeper ran since the post and is off the CPU again (or gone). */
static bool one_ran_and_stopped(const struct sleeper *w, int n)
{
    for (int i = 0; i < n; i++) {
        long long runs = oslabs_thread_runs(w[i].tid);
        char state = oslabs_thread_state(w[i].tid);
        if (runs < 0 || state == 0 || state == 'Z' || state == 'X')
            return true;
        if (runs != w[i].runs && state != 'R')
            return true;
    }
    return false;
}

static bool wakefirst_on = true;
static int (*real_sem_post)(sem_t *);

/* Looked up before main, so before any thread: helgrind and drd see no race. */
__attribute__((constructor)) static void find_real_sem_post(void)
{
    real_sem_post = (int (*)(sem_t *))dlsym(RTLD_NEXT, "sem_post");
}

void wakefirst_enable(bool on)
{
    wakefirst_on = on;
}

int sem_post(sem_t *s)
{
    struct sleeper sleepers[MAX_SLEEPERS];
    int saved = errno;

    if (!wakefirst_on)
        return real_sem_post(s);
    int n = find_sleepers(s, sleepers);
    errno = saved;
    int rc = real_sem_post(s);
    if (rc != 0 || n == 0)
        return rc;
    saved = errno;
    double end = oslabs_now_ms() + WAKE_MAX_MS;
    /* yield, not sleep: the poster stays runnable, as it would have been */
    while (!one_ran_and_stopped(sleepers, n) && oslabs_now_ms() < end)
        sched_yield();
    errno = saved;
    return rc;
}
