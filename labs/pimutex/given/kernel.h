/*
 * kernel.h - the RTOS's private state, shared by task.c, sema.c and
 * timeline.c. Not for tasks, not for pi_mutex.c: they use rtos.h.
 *
 * There is one virtual CPU and one host thread, so nothing here needs a
 * lock: only the running task (or rt_run before and after) touches it.
 */
#ifndef RTOS_KERNEL_H
#define RTOS_KERNEL_H

#include <stddef.h>
#include <ucontext.h>

#include "rtos.h"

enum task_state {
    TS_READY,    /* wants the CPU; ordered by (prio, key) */
    TS_RUNNING,  /* has the CPU: exactly one task, unless idle */
    TS_BLOCKED,  /* in rt_block(), until rt_wake() */
    TS_SEMA,     /* in rt_sema_down(), on sema->waiters */
    TS_SLEEPING, /* in rt_sleep_until(), until wake_at */
    TS_EXITED,   /* its function returned */
};

struct rt_task {
    char name[16];
    int id;   /* creation order, 0 first */
    int base; /* base priority */
    int prio; /* effective priority */
    enum task_state state;
    long key;               /* place in its ready level: lower runs first */
    int changed;            /* prio set since the last scheduling decision */
    int prio_before;        /* prio at that decision, valid if changed */
    int fresh;              /* became ready since that decision */
    long wake_at;           /* TS_SLEEPING: tick to wake at */
    long sleep_seq;         /* TS_SLEEPING: order among equal wake_at */
    struct rt_sema *sema;   /* TS_SEMA: the semaphore */
    rt_task_t *next_waiter; /* TS_SEMA: next on sema->waiters */
    int holding;            /* mutexes held, from rt_note_holding() */
    struct rt_pi_fields pi; /* pi_mutex.c's bookkeeping */
    rt_task_fn *fn;
    void *arg;
    ucontext_t ctx;
    void *stack;
    unsigned stack_id; /* valgrind's id for the stack, if any */
    char *row;         /* timeline marks, one per tick since tick 0 */
    size_t row_len;
};

struct kernel {
    rt_task_t *tasks[RT_MAX_TASKS];
    int ntasks;
    rt_task_t *current; /* the running task; NULL when idle or not running */
    long now;           /* ticks since rt_run() started */
    long head_key;      /* decreasing keys: head of a ready level */
    long tail_key;      /* increasing keys: tail of a ready level */
    long sleep_seq;
    int running; /* inside rt_run() */
    enum rt_end end;
    ucontext_t host; /* rt_run()'s own context */
};

extern struct kernel k;

/* task.c */
rt_task_t *kern_current(const char *who);
void kern_sched_point(void);
void kern_make_ready(rt_task_t *t);
void kern_block_current(const char *reason);
void kern_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* timeline.c */
void timeline_record_tick(void);
void timeline_free(void);

#endif /* RTOS_KERNEL_H */
