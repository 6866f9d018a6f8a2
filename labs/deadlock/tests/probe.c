/*
 * probe.c - helper threads, /proc/self/task and clocks for the lab's tests
 * (see probe.h).
 */
#define _GNU_SOURCE /* gettid */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *call_main(void *arg)
{
    struct call *c = arg;
    int rc;

    atomic_store(&c->tid, (int)gettid());
    atomic_store(&c->in_call, 1);
    errno = 0;
    rc = c->fn(c);
    c->err = errno;
    c->rc = rc;
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

/* Waits for the call to wait for something. 1 once the helper has been
 * inside the call and asleep (state S or D) for 20 ms in a row (one glimpse
 * is not enough: a call on its way out can sleep a moment on a lock it
 * passes through); 1 also if it is still inside the call after ms
 * milliseconds without that (a spinning wait); 0 if the call returned first. */
int call_wait_waiting(struct call *c, int ms)
{
    double end = now_ms() + ms, asleep_since = -1;

    while (now_ms() < end) {
        if (atomic_load(&c->done))
            return 0;
        char s = atomic_load(&c->in_call) ? thread_state(atomic_load(&c->tid)) : '?';
        if ((s == 'S' || s == 'D') && !atomic_load(&c->done)) {
            if (asleep_since < 0)
                asleep_since = now_ms();
            else if (now_ms() - asleep_since >= 20)
                return 1;
        } else {
            asleep_since = -1;
        }
        sleep_ms(1);
    }
    return !atomic_load(&c->done);
}

/* True if the call returned within ms milliseconds; false as soon as the
 * helper has been seen asleep inside the call (state S or D) for 200 ms in
 * a row, which a call that does not block never is, or after ms. */
bool call_wait_unless_blocked(struct call *c, int ms)
{
    double end = now_ms() + ms, asleep_since = -1;

    while (!atomic_load(&c->done)) {
        char s = atomic_load(&c->in_call) ? thread_state(atomic_load(&c->tid)) : 'R';
        if (s != 'S' && s != 'D')
            asleep_since = -1;
        else if (asleep_since < 0)
            asleep_since = now_ms();
        else if (now_ms() - asleep_since > 200 && !atomic_load(&c->done))
            return false;
        if (now_ms() > end)
            return false;
        sleep_ms(5);
    }
    return true;
}

void call_join(struct call *c)
{
    pthread_join(c->thread, NULL);
}

/* The state letter of a thread of this process (R, S, D, ...), or '?'. */
char thread_state(int tid)
{
    char path[64], buf[512];
    FILE *f;
    size_t len;
    const char *p;

    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    f = fopen(path, "r");
    if (f == NULL)
        return '?';
    len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = '\0';
    p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' ? p[2] : '?';
}

double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int rc;

    do
        rc = nanosleep(&t, &t);
    while (rc < 0 && errno == EINTR);
}
