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
    double end = oslabs_now_ms() + ms;

    while (!atomic_load(&c->done)) {
        if (oslabs_now_ms() > end)
            return false;
        oslabs_sleep_ms(1);
    }
    return true;
}

/* Waits for the call to wait for something. 1 once the helper has been
 * inside the call and asleep (state S or D) for 20 ms in a row; 1 also if
 * it is still inside the call after ms milliseconds without that (a
 * spinning wait); 0 if the call returned first. */
int call_wait_waiting(struct call *c, int ms)
{
    return oslabs_wait_asleep(&c->tid, &c->in_call, &c->done, 20, 1, ms) != OSLABS_RETURNED;
}

/* True if the call returned within ms milliseconds; false as soon as the
 * helper has been seen asleep inside the call (state S or D) for 200 ms in
 * a row, which a call that does not block never is, or after ms. */
bool call_wait_unless_blocked(struct call *c, int ms)
{
    return oslabs_wait_asleep(&c->tid, &c->in_call, &c->done, 200, 5, ms) == OSLABS_RETURNED;
}

void call_join(struct call *c)
{
    pthread_join(c->thread, NULL);
}
