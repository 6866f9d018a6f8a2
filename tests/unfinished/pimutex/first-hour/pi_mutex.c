/*
 * pi_mutex.c - mutexes with priority inheritance on the lab's RTOS.
 *
 * What the RTOS offers you (given/rtos.h, "For pi_mutex.c"): rt_self(),
 * rt_priority(), rt_base_priority(), rt_set_priority(), rt_set_base_priority(),
 * rt_block(), rt_wake(), and rt_pi(t), two fields per task for your
 * bookkeeping (the mutex it waits for, the mutexes it holds). Your code
 * runs atomically: the RTOS switches tasks only inside rt_block().
 *
 * Helpers you will probably want: the top waiter of a mutex; the priority
 * a task deserves (its base, or the top waiter of a mutex it holds);
 * walking the chain of owners to boost each in turn; detecting a cycle.
 * You may add static functions.
 */
#include <errno.h>
#include <stddef.h>

#include "pi_mutex.h"

/* ---- Functions you implement ---- */

/*
 * pi_mutex_lock - take M, blocking in rt_block() while another task holds
 * it. Returns 0 once the caller owns M; EDEADLK at once (nothing changed,
 * nobody blocked) if waiting would close a cycle of owners, M held by the
 * caller included. With M->inherit, boosts the owner, and the owner's
 * owner, ... (up to PI_MAX_DEPTH tasks).
 */
int pi_mutex_lock(pi_mutex_t *m)
{
    struct pi_waiter me;

    if (m->owner == NULL) {
        m->owner = rt_self();
        return 0;
    }
    /* wait at the end of the queue; unlock hands M over to us */
    me.task = rt_self();
    me.next = NULL;
    struct pi_waiter **pp = &m->waiters;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = &me;
    rt_block();
    /* TODO: priority inheritance, deadlock check */
    return 0;
}

/*
 * pi_mutex_unlock - release M, handing it to its waiter of highest
 * effective priority (the longest waiting among equals), which wakes up
 * owning it. The caller drops to what its remaining mutexes justify.
 * Returns 0, or EPERM (nothing changed) if the caller does not own M.
 */
int pi_mutex_unlock(pi_mutex_t *m)
{
    if (m->owner != rt_self())
        return EPERM;
    struct pi_waiter *w = m->waiters;
    if (w == NULL) {
        m->owner = NULL;
        return 0;
    }
    /* TODO: the highest priority first, not the first come */
    m->waiters = w->next;
    m->owner = w->task;
    rt_wake(w->task);
    return 0;
}

/*
 * pi_set_priority - set the caller's base priority to PRIO; its effective
 * priority becomes the maximum of PRIO and what its mutexes donate, whichever
 * way the base moves. Optional: while this file does not define it, the
 * RTOS's default (given/pi_default.c) is used, which is right as long as your
 * unlock recomputes the owner's priority from rt_base_priority(). Define it
 * when your bookkeeping needs to hear of the change.
 */

/* ---- Helpers we provide ---- */

/* pi_mutex_init - make M a free mutex (INHERIT 1: priority inheritance,
 * 0: plain). The fields of pi_mutex_t are yours to use as you see fit. */
void pi_mutex_init(pi_mutex_t *m, const char *name, int inherit)
{
    m->name = name;
    m->inherit = inherit;
    m->owner = NULL;
    m->waiters = NULL;
    m->next_held = NULL;
}
