/*
 * rtos.h - a tiny deterministic real-time kernel that runs in one process.
 *
 * Tasks are user-level contexts (ucontext) on one virtual CPU. Time is
 * virtual: it advances only when the running task calls rt_work(), or when
 * no task can run and one is sleeping. Scheduling is strict preemptive
 * priority (higher number wins), FIFO among equal priorities, with the
 * POSIX SCHED_FIFO placement rules:
 *
 *   - a task that becomes ready (spawned, woken, done sleeping, yielding)
 *     goes to the tail of its priority level;
 *   - a running task preempted by a higher-priority one goes to the head;
 *   - a ready task whose priority is raised goes to the tail of its new
 *     level, one whose priority is lowered to the head, one whose priority
 *     ends where it started keeps its place.
 *
 * Switches happen only at scheduling points: every rt_* call a task makes
 * below is one (it first gives the CPU to a higher-priority ready task),
 * except the "for pi_mutex.c" calls, which never switch except rt_block().
 * So the lab's mutex code runs atomically, as kernel code with interrupts
 * off would, and priority changes it makes take effect when it returns.
 *
 * Every switch is printed as a trace line, every rt_log() message too:
 *
 *     [   3] dist(50) -> asi_met(50)  blocked on a mutex
 *     [   5] dist: got the bus
 *
 * and rt_print_timeline() draws one row per task, one column per tick.
 * The same program prints the same bytes on every run.
 */
#ifndef RTOS_H
#define RTOS_H

#define RT_PRI_MIN     0  /* lowest priority */
#define RT_PRI_DEFAULT 31 /* priority of a task nobody cared to set */
#define RT_PRI_MAX     63 /* highest priority */
#define RT_MAX_TASKS   32 /* tasks per run, counting exited ones */

typedef struct rt_task rt_task_t;
typedef void rt_task_fn(void *arg);

/* How rt_run() ended. */
enum rt_end {
    RT_END_EXITED = 0,   /* every task returned */
    RT_END_HALTED = 1,   /* a task called rt_halt() */
    RT_END_DEADLOCK = 2, /* no task could ever run again */
};

/* ---- Running the system (from the program's main, not from a task) ---- */

/* Starts task NAME at priority PRIO running FN(ARG) at tick 0 and runs the
 * system until it ends. Prints the trace on stdout as it goes. */
enum rt_end rt_run(const char *name, int prio, rt_task_fn *fn, void *arg);

/* Prints the timeline of the last run (nothing if no tick passed). Marks:
 *   #  running              =  running and holding a mutex
 *   -  ready, not running   ~  ready and holding a mutex (the inversion)
 *   B  blocked on a mutex   S  blocked on a semaphore
 *   .  sleeping                (blank) not yet created, or exited */
void rt_print_timeline(void);

/* ---- Tasks (from a task) ---- */

/* Creates a ready task; it runs at once if its priority is above the
 * caller's. Returns the task (valid until the end of the run). */
rt_task_t *rt_spawn(const char *name, int prio, rt_task_fn *fn, void *arg);

rt_task_t *rt_self(void);                 /* the running task */
const char *rt_name(const rt_task_t *t);  /* its name */
int rt_priority(const rt_task_t *t);      /* its effective priority */
int rt_base_priority(const rt_task_t *t); /* its base priority */
long rt_now(void);                        /* the current tick */
void rt_yield(void);                      /* to the tail of its level */
void rt_work(int ticks);                  /* use the CPU for TICKS ticks */
void rt_sleep_until(long tick);           /* sleep until rt_now() >= tick */
void rt_preempt_point(void);              /* a scheduling point, nothing else */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops the whole system now: prints "[T] HALT: WHY" and makes rt_run()
 * return RT_END_HALTED. Never returns. */
void rt_halt(const char *why) __attribute__((noreturn));

/* Test bookkeeping: the caller now holds DELTA more mutexes (+1 after a
 * lock, -1 after an unlock). Only the timeline reads it. */
void rt_note_holding(int delta);

/* ---- Counting semaphores (from a task) ---- */

struct rt_sema {
    const char *name;   /* shown in the trace */
    unsigned value;     /* available units */
    rt_task_t *waiters; /* blocked in rt_sema_down, in arrival order */
};

void rt_sema_init(struct rt_sema *s, const char *name, unsigned value);
/* Waits until VALUE > 0, then decrements it. */
void rt_sema_down(struct rt_sema *s);
/* Increments VALUE and wakes the waiter with the highest effective priority
 * at this moment (the longest waiting among equals). */
void rt_sema_up(struct rt_sema *s);

/* ---- For pi_mutex.c: what a mutex implementation needs ---- */

struct pi_mutex;

/* Bookkeeping space in every task for the lab's mutex code. The RTOS zeroes
 * it when the task is created and never reads it. */
struct rt_pi_fields {
    struct pi_mutex *waiting_for; /* the mutex the task is blocked on, or NULL */
    struct pi_mutex *held;        /* the mutexes it holds, linked your way */
};
struct rt_pi_fields *rt_pi(rt_task_t *t);

/* Blocks the running task ("blocked on a mutex") until another task calls
 * rt_wake() on it. The only call for pi_mutex.c that switches tasks. */
void rt_block(void);

/* Makes T, blocked in rt_block(), ready (tail of its level). No switch. */
void rt_wake(rt_task_t *t);

/* Sets T's effective priority (RT_PRI_MIN..RT_PRI_MAX). No switch: the
 * scheduler applies the change at the next scheduling point. */
void rt_set_priority(rt_task_t *t, int prio);

/* Sets T's base priority only; the effective priority is left alone. */
void rt_set_base_priority(rt_task_t *t, int prio);

#endif /* RTOS_H */
