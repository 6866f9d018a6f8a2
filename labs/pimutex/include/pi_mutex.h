/*
 * pi_mutex.h - Part A: mutexes with priority inheritance for the lab's RTOS.
 * You implement these functions in pi_mutex.c; this header is the lab's.
 *
 * Every function returns 0 or an error number (never -1 with errno).
 * They run atomically: the RTOS switches tasks only inside rt_block(). Use
 * only the "for pi_mutex.c" calls of rtos.h (never rt_yield, rt_log, ...).
 *
 * Rules (those of the Linux rt-mutex):
 *  - A task's effective priority is the maximum of its base priority and
 *    the effective priorities of the top waiters of every inherit=1 mutex
 *    it holds.
 *  - Blocking on an inherit=1 mutex boosts its owner; if that owner is
 *    itself blocked on an inherit=1 mutex, the boost walks on to that
 *    mutex's owner, and so on (chains up to PI_MAX_DEPTH tasks long must
 *    be walked in full).
 *  - On unlock, the owner drops to what its remaining mutexes justify, not
 *    straight to its base priority.
 *  - A base-priority change while boosted takes effect when the donation
 *    ends.
 *  - An unlocked mutex goes to its highest-priority waiter (the one that
 *    has waited longest among equals), in both modes.
 */
#ifndef PI_MUTEX_H
#define PI_MUTEX_H

#include "rtos.h"

#define PI_MAX_DEPTH 16

struct pi_waiter;

/* The fields are yours to use as you see fit; the tests only call the
 * functions below. */
typedef struct pi_mutex {
    const char *name;           /* for your own messages */
    int inherit;                /* 1: priority inheritance, 0: plain */
    rt_task_t *owner;           /* the holder, NULL when free */
    struct pi_waiter *waiters;  /* tasks blocked in pi_mutex_lock */
    struct pi_mutex *next_held; /* next mutex held by the same owner */
} pi_mutex_t;

/* One blocked task; may live on the blocked task's stack. */
struct pi_waiter {
    rt_task_t *task;
    struct pi_waiter *next;
};

/* Makes M a free mutex. INHERIT 0: a plain mutex whose waiters are still
 * woken by priority; 1: priority inheritance. */
void pi_mutex_init(pi_mutex_t *m, const char *name, int inherit);

/* Takes M, blocking while another task holds it. Returns 0 once the
 * caller owns M, or EDEADLK at once, without blocking or changing any
 * priority, if waiting would close a cycle of owners (including M being
 * held by the caller already). */
int pi_mutex_lock(pi_mutex_t *m);

/* Releases M, handing it to its top waiter if there is one. Returns 0, or
 * EPERM (and changes nothing) if the caller does not own M. */
int pi_mutex_unlock(pi_mutex_t *m);

/* Sets the calling task's base priority to PRIO (RT_PRI_MIN..RT_PRI_MAX).
 * Its effective priority becomes the maximum of PRIO and what the mutexes
 * it holds donate. Optional: when pi_mutex.c does not define it, the RTOS's
 * default (given/pi_default.c) is used, which is right whenever your unlock
 * recomputes the owner's priority from rt_base_priority(). */
void pi_set_priority(int prio);

#endif /* PI_MUTEX_H */
