/*
 * pi_default.c - the RTOS's own pi_set_priority, used only when pi_mutex.c
 * does not define one (the contract names three functions; this
 * keeps a submission that implements just those linking and gradable).
 *
 * It sets the base priority and, unless a donation holds the task above
 * its old base, the effective priority too. A boosted task keeps its
 * donation; its own unlock later drops it to what its mutexes justify,
 * computed from the new base.
 */
#include "pi_mutex.h"

__attribute__((weak)) void pi_set_priority(int prio)
{
    rt_task_t *self = rt_self();
    int boosted = rt_priority(self) > rt_base_priority(self);

    rt_set_base_priority(self, prio);
    if (!boosted || prio > rt_priority(self))
        rt_set_priority(self, prio);
}
