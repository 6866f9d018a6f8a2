/*
 * lockdep.h - a lock-order validator in the spirit of Linux lockdep (the
 * deadlock lab's contract, part 2).
 *
 * ld_lock records, for the calling thread, an edge "H -> M" from every lock
 * H it holds to the lock M it is taking. The edges of all threads form one
 * global graph. An acquisition whose new edge closes a cycle in that graph
 * is a possible deadlock: it is reported once, when the order is first
 * violated, even if that run did not deadlock. A consistent order never
 * reports. Taking a lock the thread already holds is a cycle of one: it is
 * reported, then ld_lock returns EDEADLK without blocking.
 *
 * ld_lock and ld_unlock return 0 or an error number, as pthread mutexes do.
 * This header is given by the lab: do not edit it.
 */
#ifndef LOCKDEP_H
#define LOCKDEP_H

#include <pthread.h>
#include <stddef.h>

// clang-format off
typedef struct ld_mutex {
    pthread_mutex_t mutex;
    const char *name;
    int id;
} ld_mutex_t;

int  ld_mutex_init(ld_mutex_t *m, const char *name);
int  ld_lock(ld_mutex_t *m);    /* records "each held lock -> m" edges for this thread, then locks */
int  ld_unlock(ld_mutex_t *m);
void ld_set_reporter(void (*report)(const char *const *names, size_t n, void *arg), void *arg);
        /* called once per new cycle: names[0..n-1] is the cycle, names[0] the lock being
           acquired, then the locks in the order the edges were recorded (names[0] -> names[1]
           -> ... -> names[n-1] -> names[0]) */
void ld_reset(void);            /* forget every edge (between tests) */
// clang-format on

/* The default reporter prints to stderr, for a cycle A -> B:
 *     lockdep: possible circular locking dependency: A -> B -> A */

#endif
