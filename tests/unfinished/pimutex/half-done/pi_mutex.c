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

/* the waiter with the highest priority (the earliest among equals) */
static struct pi_waiter *best_waiter(pi_mutex_t *m)
{
    struct pi_waiter *best = m->waiters;

    for (struct pi_waiter *w = m->waiters; w != NULL; w = w->next)
        if (rt_priority(w->task) > rt_priority(best->task))
            best = w;
    return best;
}

/* what t should run at: its base, or the best waiter of a mutex it holds */
static int wanted_priority(rt_task_t *t)
{
    int prio = rt_base_priority(t);

    for (pi_mutex_t *h = rt_pi(t)->held; h != NULL; h = h->next_held) {
        struct pi_waiter *w = best_waiter(h);
        if (h->inherit && w != NULL && rt_priority(w->task) > prio)
            prio = rt_priority(w->task);
    }
    return prio;
}

static void remove_waiter(pi_mutex_t *m, struct pi_waiter *w)
{
    struct pi_waiter **pp = &m->waiters;

    while (*pp != w)
        pp = &(*pp)->next;
    *pp = w->next;
}

static void remove_held(rt_task_t *t, pi_mutex_t *m)
{
    pi_mutex_t **pp = &rt_pi(t)->held;

    while (*pp != NULL && *pp != m)
        pp = &(*pp)->next_held;
    if (*pp == m)
        *pp = m->next_held;
    m->next_held = NULL;
}

static void take(pi_mutex_t *m, rt_task_t *t)
{
    m->owner = t;
    m->next_held = rt_pi(t)->held;
    rt_pi(t)->held = m;
}

/*
 * pi_mutex_lock - take M, blocking in rt_block() while another task holds
 * it. Returns 0 once the caller owns M; EDEADLK at once (nothing changed,
 * nobody blocked) if waiting would close a cycle of owners, M held by the
 * caller included. With M->inherit, boosts the owner, and the owner's
 * owner, ... (up to PI_MAX_DEPTH tasks).
 */
int pi_mutex_lock(pi_mutex_t *m)
{
    rt_task_t *self = rt_self();
    struct pi_waiter me = {self, NULL};

    if (m->owner == NULL) {
        take(m, self);
        return 0;
    }
    if (m->owner == self)
        return EDEADLK;
    /* TODO: longer cycles (A waits for B waits for A) */
    struct pi_waiter **pp = &m->waiters;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = &me;
    rt_pi(self)->waiting_for = m;
    /* donate to the owner. TODO: and on to whatever the owner waits for */
    if (m->inherit && rt_priority(self) > rt_priority(m->owner))
        rt_set_priority(m->owner, rt_priority(self));
    rt_block();
    rt_pi(self)->waiting_for = NULL;
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
    rt_task_t *self = rt_self();

    if (m->owner != self)
        return EPERM;
    remove_held(self, m);
    struct pi_waiter *w = best_waiter(m);
    if (w == NULL) {
        m->owner = NULL;
    } else {
        remove_waiter(m, w);
        take(m, w->task);
        rt_set_priority(w->task, wanted_priority(w->task));
        rt_wake(w->task);
    }
    rt_set_priority(self, wanted_priority(self));
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
