/*
 * probe.c - helper threads, /proc/self/task and clocks for the lab's tests
 * (see probe.h).
 */
#define _GNU_SOURCE /* gettid, RTLD_NEXT, RTLD_DEFAULT */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *call_main(void *arg)
{
    struct call *c = arg;
    int rc, err;

    atomic_store(&c->tid, (int)gettid());
    atomic_store(&c->in_call, 1);
    errno = 0;
    rc = c->fn(c);
    err = errno;
    c->rc = rc;
    c->err = err;
    c->returned_ms = now_ms();
    atomic_store(&c->done, 1);
    return NULL;
}

/* Starts c->fn(c) on a new thread. */
void call_start(struct call *c)
{
    atomic_store(&c->tid, 0);
    atomic_store(&c->in_call, 0);
    atomic_store(&c->done, 0);
    c->rc = 0;
    c->err = 0;
    if (pthread_create(&c->thread, NULL, call_main, c) != 0) {
        perror("pthread_create");
        _exit(2);
    }
}

/* True if the call returned within ms milliseconds. */
bool call_wait(struct call *c, int ms)
{
    double end = now_ms() + ms;

    while (!atomic_load(&c->done)) {
        if (now_ms() > end)
            return false;
        sleep_ms(1);
    }
    return true;
}

/*
 * True once the helper has been asleep (state S or D) inside the call for
 * SETTLE_MS on end; false if the call returned, or after ms milliseconds
 * without that. One glimpse is not enough: a call on its way out can sleep
 * for a moment on a lock it passes through (malloc's, the kernel's mmap
 * lock when it starts a thread), and must not count as blocked.
 */
#define SETTLE_MS 20

bool call_wait_blocked(struct call *c, int ms)
{
    double end = now_ms() + ms, asleep_since = -1;

    for (;;) {
        if (atomic_load(&c->done))
            return false;
        char s = atomic_load(&c->in_call) ? thread_state(atomic_load(&c->tid)) : '?';
        if ((s == 'S' || s == 'D') && !atomic_load(&c->done)) {
            if (asleep_since < 0)
                asleep_since = now_ms();
            else if (now_ms() - asleep_since >= SETTLE_MS)
                return true;
        } else {
            asleep_since = -1;
        }
        if (now_ms() > end)
            return false;
        sleep_ms(1);
    }
}

/* Joins the helper of a call that returned. */
void call_join(struct call *c)
{
    pthread_join(c->thread, NULL);
}

/* The state letter of thread tid of this process (R, S, D, ...), or '?'. */
char thread_state(int tid)
{
    char path[64], buf[512];
    const char *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    f = fopen(path, "r");
    if (f == NULL)
        return '?';
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return (p != NULL && p[1] == ' ') ? p[2] : '?';
}

/* CPU time thread t has used, in milliseconds. */
double thread_cpu_ms(pthread_t t)
{
    clockid_t cid;
    struct timespec ts;

    if (pthread_getcpuclockid(t, &cid) != 0 || clock_gettime(cid, &ts) != 0)
        return -1;
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Threads of this process, as /proc/self/task lists them. */
int count_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Milliseconds on CLOCK_MONOTONIC. */
double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The CLOCK_REALTIME instant ms milliseconds from now (ms may be < 0). */
struct timespec realtime_in_ms(long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    } else if (ts.tv_nsec < 0) {
        ts.tv_sec--;
        ts.tv_nsec += 1000000000L;
    }
    return ts;
}
