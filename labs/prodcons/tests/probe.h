/*
 * probe.h - watching threads from a test: a call made by a helper thread
 * (so the test can see it block, and bound how long it waits for it), the
 * kernel's view of a thread (/proc/self/task/TID/stat), thread CPU time,
 * and clocks.
 *
 * A test that must wait for a thread to block observes it: the thread is
 * inside the call and its state is S (sleeping). It never sleeps and hopes.
 */
#ifndef PROBE_H
#define PROBE_H

#include "oslabs_proc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <time.h>

struct call;
typedef int (*call_fn)(struct call *c);

/* One call made on a helper thread. Fill in fn and the arguments, then
 * call_start. Keep it in static storage: if a test fails while the helper
 * is still blocked, the helper may write to it later. */
struct call {
    call_fn fn;               /* makes the call, returns its result */
    void *obj;                /* the buffer or pool */
    void *item;               /* in: item to put; out: item got */
    struct timespec deadline; /* for timed calls (CLOCK_REALTIME) */
    pthread_t thread;
    atomic_int tid;     /* kernel thread id, set before the call */
    atomic_int in_call; /* 1 from just before the call */
    atomic_int done;    /* 1 once the call returned */
    int rc, err;        /* its return value and errno */
    double returned_ms; /* now_ms() when it returned */
};

void call_start(struct call *c);
bool call_wait(struct call *c, int ms);
bool call_wait_blocked(struct call *c, int ms);
void call_join(struct call *c);

#endif
