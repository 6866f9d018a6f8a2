/*
 * probe.c - helper threads for the lab's tests (see probe.h); the /proc
 * readers and clocks are the harness's (oslabs_proc.h).
 */
#define _GNU_SOURCE /* gettid */
#include "probe.h"

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
    c->returned_ms = oslabs_now_ms();
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

/*
 * True once the helper has been asleep (state S or D) inside the call for
 * 20 ms in a row; false if the call returned, or after ms milliseconds
 * without that (oslabs_wait_asleep says why one glimpse is not enough).
 */
bool call_wait_blocked(struct call *c, int ms)
{
    return oslabs_wait_asleep(&c->tid, &c->in_call, &c->done, 20, 1, ms) == OSLABS_ASLEEP;
}

/* Joins the helper of a call that returned. */
void call_join(struct call *c)
{
    pthread_join(c->thread, NULL);
}
