/*
 * pi_mutex.c - mutexes with priority inheritance on the lab's RTOS.
 *
 * Functions you will implement (contracts in include/pi_mutex.h):
 *     pi_mutex_lock     take the mutex, donating your priority down the chain
 *     pi_mutex_unlock   hand it to the top waiter, drop what you no longer deserve
 *     pi_set_priority   change your base priority without losing a donation
 *
 * Given: pi_mutex_init.
 *
 * What the RTOS offers you (rtos/rtos.h, "For pi_mutex.c"): rt_self(),
 * rt_priority(), rt_base_priority(), rt_set_priority(), rt_set_base_priority(),
 * rt_block(), rt_wake(), and rt_pi(t), two fields per task for your
 * bookkeeping (the mutex it waits for, the mutexes it holds). Your code
 * runs atomically: the RTOS switches tasks only inside rt_block().
 *
 * Helpers you will probably want: the top waiter of a mutex; the priority
 * a task deserves (its base, or the top waiter of a mutex it holds);
 * walking the chain of owners to boost each in turn; detecting a cycle.
 */
#include <errno.h>
#include <stddef.h>

#include "pi_mutex.h"

void pi_mutex_init(pi_mutex_t *m, const char *name, int inherit)
{
    m->name = name;
    m->inherit = inherit;
    m->owner = NULL;
    m->waiters = NULL;
    m->next_held = NULL;
}

/*
 * pi_mutex_lock - take M, blocking in rt_block() while another task holds
 * it. Returns 0 once the caller owns M; EDEADLK at once (nothing changed)
 * if waiting would close a cycle of owners. With M->inherit, boosts the
 * owner, and the owner's owner, ... (up to PI_MAX_DEPTH tasks).
 */
int pi_mutex_lock(pi_mutex_t *m)
{
    (void)m;
    return ENOSYS; /* not implemented yet */
}

/*
 * pi_mutex_unlock - release M, handing it to its highest-priority waiter
 * (longest waiting among equals) and waking it with rt_wake(). The caller
 * drops to what its remaining mutexes justify. Returns 0, or EPERM if the
 * caller does not own M.
 */
int pi_mutex_unlock(pi_mutex_t *m)
{
    (void)m;
    return ENOSYS; /* not implemented yet */
}

/*
 * pi_set_priority - set the caller's base priority to PRIO; its effective
 * priority becomes the maximum of PRIO and what its mutexes donate.
 */
void pi_set_priority(int prio)
{
    (void)prio;
}
