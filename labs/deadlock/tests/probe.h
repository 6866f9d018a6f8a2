/*
 * probe.h - watching the lab's threads from a test: a call made on a helper
 * thread (so the test can see it wait, and bound how long it waits for it),
 * the kernel's view of a thread (/proc/self/task/TID/stat) and clocks.
 *
 * A test that must see a thread blocked observes it: the thread is inside
 * the call and the kernel says it sleeps. It never sleeps and hopes.
 */
#ifndef PROBE_H
#define PROBE_H

#include "oslabs_proc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct call;
typedef int (*call_fn)(struct call *c);

/* One call made on a helper thread. Fill in fn and the arguments, then
 * call_start. Keep it in static storage: if a test fails while the helper
 * is still blocked, the helper may write to it after the test returned. */
struct call {
    call_fn fn;   /* makes the call, returns its result */
    void *obj;    /* the bank, the lock, ... */
    long a, b, c; /* arguments */
    pthread_t thread;
    atomic_int tid;     /* kernel thread id, set before the call */
    atomic_int in_call; /* 1 from just before the call */
    atomic_int done;    /* 1 once the call returned */
    int rc, err;        /* its return value and errno */
};

void call_start(struct call *c);
bool call_wait(struct call *c, int ms);
int call_wait_waiting(struct call *c, int ms);
bool call_wait_unless_blocked(struct call *c, int ms);
void call_join(struct call *c);

#endif
