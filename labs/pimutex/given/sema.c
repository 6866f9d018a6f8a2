/*
 * sema.c - counting semaphores of the RTOS.
 *
 * An up with waiters hands its unit straight to the waiter it wakes, so a
 * task arriving later cannot take it first. The waiter chosen is the one
 * with the highest effective priority at the moment of the up (priority
 * donated to it while it waited counts), the longest waiting among equals.
 */
#include <stdio.h>

#include "kernel.h"

void rt_sema_init(struct rt_sema *s, const char *name, unsigned value)
{
    s->name = name;
    s->value = value;
    s->waiters = NULL;
}

void rt_sema_down(struct rt_sema *s)
{
    rt_task_t *cur;
    rt_task_t **pp;
    char reason[48];

    kern_sched_point();
    cur = kern_current("rt_sema_down");
    if (s->value > 0) {
        s->value--;
        return;
    }
    for (pp = &s->waiters; *pp != NULL; pp = &(*pp)->next_waiter)
        ;
    cur->next_waiter = NULL;
    *pp = cur;
    cur->sema = s;
    cur->state = TS_SEMA;
    snprintf(reason, sizeof(reason), "blocked on sema %s", s->name);
    kern_block_current(reason);
}

/* Unlinks and returns the waiter to wake: highest priority, first among
 * equals. S must have waiters. */
static rt_task_t *take_top_waiter(struct rt_sema *s)
{
    rt_task_t **best = &s->waiters;
    rt_task_t *t;

    for (rt_task_t **pp = &s->waiters; *pp != NULL; pp = &(*pp)->next_waiter)
        if ((*pp)->prio > (*best)->prio)
            best = pp;
    t = *best;
    *best = t->next_waiter;
    t->next_waiter = NULL;
    t->sema = NULL;
    return t;
}

void rt_sema_up(struct rt_sema *s)
{
    kern_sched_point();
    if (s->waiters == NULL)
        s->value++;
    else
        kern_make_ready(take_top_waiter(s));
    kern_sched_point();
}
