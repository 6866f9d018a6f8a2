// BEGIN SOLUTION
/*
 * pi_mutex.c - mutexes with priority inheritance on the lab's RTOS.
 *
 * Each mutex keeps its waiters in arrival order (a pi_waiter on each
 * blocked task's stack); the top waiter is the first one of the highest
 * effective priority. Each task keeps, in rt_pi(t), the mutex it waits for
 * and the list of mutexes it holds (linked through next_held), which is
 * all the chain walk needs: task -> waiting_for -> owner -> waiting_for ...
 *
 * No locking: the RTOS runs these functions atomically (it switches only
 * inside rt_block()).
 */
// END SOLUTION
// SKELETON: /*
// SKELETON:  * pi_mutex.c - mutexes with priority inheritance on the lab's RTOS.
// SKELETON:  *
// SKELETON:  * What the RTOS offers you (given/rtos.h, "For pi_mutex.c"): rt_self(),
// SKELETON:  * rt_priority(), rt_base_priority(), rt_set_priority(), rt_set_base_priority(),
// SKELETON:  * rt_block(), rt_wake(), and rt_pi(t), two fields per task for your
// SKELETON:  * bookkeeping (the mutex it waits for, the mutexes it holds). Your code
// SKELETON:  * runs atomically: the RTOS switches tasks only inside rt_block().
// SKELETON:  *
// SKELETON:  * Helpers you will probably want: the top waiter of a mutex; the priority
// SKELETON:  * a task deserves (its base, or the top waiter of a mutex it holds);
// SKELETON:  * walking the chain of owners to boost each in turn; detecting a cycle.
// SKELETON:  * You may add static functions.
// SKELETON:  */
#include <errno.h>
#include <stddef.h>

#include "pi_mutex.h"

/* ---- Functions you implement ---- */

// BEGIN SOLUTION
/* The first waiter of the highest effective priority, or NULL. */
static struct pi_waiter *top_waiter(const pi_mutex_t *m)
{
    struct pi_waiter *top = m->waiters;

    for (struct pi_waiter *w = m->waiters; w != NULL; w = w->next)
        if (rt_priority(w->task) > rt_priority(top->task))
            top = w;
    return top;
}

/* The priority T deserves now: its base, or more if a mutex it holds
 * with inheritance has a waiter of higher priority. */
static int deserved_priority(rt_task_t *t)
{
    int prio = rt_base_priority(t);

    for (pi_mutex_t *m = rt_pi(t)->held; m != NULL; m = m->next_held) {
        struct pi_waiter *w = top_waiter(m);

        if (m->inherit && w != NULL && rt_priority(w->task) > prio)
            prio = rt_priority(w->task);
    }
    return prio;
}

/* Brings T's effective priority to what it deserves and, while that
 * changes something, does the same for the owner of the inheriting mutex
 * T waits for, and so on up the chain (at most PI_MAX_DEPTH tasks). */
static void adjust_chain(rt_task_t *t)
{
    for (int depth = 0; t != NULL && depth < PI_MAX_DEPTH; depth++) {
        int prio = deserved_priority(t);
        pi_mutex_t *next;

        if (prio == rt_priority(t))
            return;
        rt_set_priority(t, prio);
        next = rt_pi(t)->waiting_for;
        if (next == NULL || !next->inherit)
            return;
        t = next->owner;
    }
}

/* Would SELF waiting for M close a cycle of owners? */
static int closes_cycle(const pi_mutex_t *m, const rt_task_t *self)
{
    rt_task_t *owner = m->owner;

    for (int steps = 0; owner != NULL && steps <= RT_MAX_TASKS; steps++) {
        if (owner == self)
            return 1;
        m = rt_pi(owner)->waiting_for;
        if (m == NULL)
            return 0;
        owner = m->owner;
    }
    return 0;
}

static void add_held(rt_task_t *t, pi_mutex_t *m)
{
    m->owner = t;
    m->next_held = rt_pi(t)->held;
    rt_pi(t)->held = m;
}

static void remove_held(rt_task_t *t, pi_mutex_t *m)
{
    pi_mutex_t **pp = &rt_pi(t)->held;

    while (*pp != m)
        pp = &(*pp)->next_held;
    *pp = m->next_held;
    m->next_held = NULL;
    m->owner = NULL;
}

static void append_waiter(pi_mutex_t *m, struct pi_waiter *w)
{
    struct pi_waiter **pp = &m->waiters;

    while (*pp != NULL)
        pp = &(*pp)->next;
    w->next = NULL;
    *pp = w;
}

static void remove_waiter(pi_mutex_t *m, struct pi_waiter *w)
{
    struct pi_waiter **pp = &m->waiters;

    while (*pp != w)
        pp = &(*pp)->next;
    *pp = w->next;
}
// END SOLUTION

/*
 * pi_mutex_lock - take M, blocking in rt_block() while another task holds
 * it. Returns 0 once the caller owns M; EDEADLK at once (nothing changed,
 * nobody blocked) if waiting would close a cycle of owners, M held by the
 * caller included. With M->inherit, boosts the owner, and the owner's
 * owner, ... (up to PI_MAX_DEPTH tasks).
 */
int pi_mutex_lock(pi_mutex_t *m)
{
    // BEGIN SOLUTION
    rt_task_t *self = rt_self();
    struct pi_waiter me = {.task = self, .next = NULL};

    if (m->owner == NULL) {
        add_held(self, m);
        return 0;
    }
    if (closes_cycle(m, self))
        return EDEADLK;
    append_waiter(m, &me);
    rt_pi(self)->waiting_for = m;
    if (m->inherit)
        adjust_chain(m->owner);
    rt_block(); /* until pi_mutex_unlock hands M to us */
    return 0;
    // END SOLUTION
    // SKELETON: (void)m;
    // SKELETON: return ENOSYS; /* not implemented yet */
}

/*
 * pi_mutex_unlock - release M, handing it to its waiter of highest
 * effective priority (the longest waiting among equals), which wakes up
 * owning it. The caller drops to what its remaining mutexes justify.
 * Returns 0, or EPERM (nothing changed) if the caller does not own M.
 */
int pi_mutex_unlock(pi_mutex_t *m)
{
    // BEGIN SOLUTION
    rt_task_t *self = rt_self();
    struct pi_waiter *w;

    if (m->owner != self)
        return EPERM;
    remove_held(self, m);
    w = top_waiter(m);
    if (w != NULL) {
        remove_waiter(m, w);
        rt_pi(w->task)->waiting_for = NULL;
        add_held(w->task, m);
        rt_set_priority(w->task, deserved_priority(w->task));
        rt_wake(w->task);
    }
    rt_set_priority(self, deserved_priority(self));
    return 0;
    // END SOLUTION
    // SKELETON: (void)m;
    // SKELETON: return ENOSYS; /* not implemented yet */
}

/*
 * pi_set_priority - set the caller's base priority to PRIO; its effective
 * priority becomes the maximum of PRIO and what its mutexes donate, whichever
 * way the base moves. Optional: while this file does not define it, the
 * RTOS's default (given/pi_default.c) is used, which is right as long as your
 * unlock recomputes the owner's priority from rt_base_priority(). Define it
 * when your bookkeeping needs to hear of the change.
 */
// BEGIN SOLUTION
void pi_set_priority(int prio)
{
    rt_task_t *self = rt_self();

    rt_set_base_priority(self, prio);
    rt_set_priority(self, deserved_priority(self));
}
// END SOLUTION

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
