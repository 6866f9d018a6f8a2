/*
 * lockdep.c - a lock-order validator: finds deadlocks that did not happen.
 *
 * ld_mutex_init, ld_lock, ld_unlock, ld_set_reporter and ld_reset, as
 * include/lockdep.h says. Every ld_mutex is a node (its id) of one global
 * graph guarded by a plain pthread mutex of its own, never held while
 * waiting for an ld_mutex. Each thread keeps the locks it holds in a
 * __thread array. When a thread holding H takes M and the edge H -> M
 * ("H is taken before M") is new, the graph is searched for a path
 * M -> ... -> H first (visiting each node once): if there is one, the new
 * edge closes a cycle, some interleaving of the threads that recorded those
 * edges deadlocks, and M, ..., H is reported, before M is locked. Then the
 * edge is added, so the same cycle is not reported again.
 *
 * Grade it with:  make grade LAB=deadlock ONLY=lockdep-cycle-2-locks
 */
#include "lockdep.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Functions you implement ---- */

/* ld_mutex_init - initialises m and makes it known to the validator.
 * 0, or an error number. */
int ld_mutex_init(ld_mutex_t *m, const char *name)
{
    static int next_id; /* TODO: guard it, and add m to your graph */
    if (m == NULL || name == NULL)
        return EINVAL;
    m->name = name;
    m->id = next_id++;
    return pthread_mutex_init(&m->mutex, NULL);
}

/* ld_lock - records an edge "H -> m" for every lock H this thread holds,
 * reporting each new cycle once (names[0] is m), then locks m. If this
 * thread already holds m: report the cycle of one, return EDEADLK without
 * blocking. 0, or an error number. */
int ld_lock(ld_mutex_t *m)
{
    return pthread_mutex_lock(&m->mutex); /* TODO: check and record first */
}

/* ld_unlock - unlocks m, which this thread holds (in any order). 0, or an
 * error number (EPERM if this thread does not hold it). */
int ld_unlock(ld_mutex_t *m)
{
    return pthread_mutex_unlock(&m->mutex); /* TODO: forget that it is held */
}

/* ld_set_reporter - report(names, n, arg) is called once per new cycle.
 * Until it is set, cycles are printed to stderr as
 *     lockdep: possible circular locking dependency: A -> B -> A */
void ld_set_reporter(void (*report)(const char *const *names, size_t n, void *arg), void *arg)
{
    (void)report;
    (void)arg; /* TODO */
}

/* ld_reset - forgets every recorded edge; the locks stay known. */
void ld_reset(void)
{
    /* TODO */
}
