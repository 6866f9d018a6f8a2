/*
 * task.c - tasks, the priority scheduler and virtual time.
 *
 * Theory of operation: rt_run() saves its own context in k.host and
 * switches to the first task. From then on tasks switch to each other
 * directly with swapcontext(); the RTOS code runs on the stack of the task
 * that called it. When the run ends (every task exited, rt_halt(), or a
 * deadlock) the task that noticed switches back to k.host, and rt_run()
 * frees every stack.
 *
 * The ready set is not a list: each ready task carries a key, and the next
 * task to run is the ready one with the highest priority and, among those,
 * the lowest key. "Tail" keys count up from 0, "head" keys count down from
 * 0, so a head key is below every tail key. Priority changes made by
 * pi_mutex.c are applied lazily, at the next scheduling decision, by
 * comparing the priority then with the one at the previous decision
 * (apply_priority_changes), so intermediate values do not matter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* Tell valgrind about task stacks, or it reports every switch as an error
 * (the Makefile defines RTOS_HAVE_VALGRIND where the header exists). */
#ifdef RTOS_HAVE_VALGRIND
#include <valgrind/valgrind.h>
#define REGISTER_STACK(lo, hi) VALGRIND_STACK_REGISTER(lo, hi)
#define DEREGISTER_STACK(id)   VALGRIND_STACK_DEREGISTER(id)
#else
#define REGISTER_STACK(lo, hi) 0u
#define DEREGISTER_STACK(id)   ((void)(id))
#endif

#define STACK_SIZE (64 * 1024)

struct kernel k;

/* Prints "[T] RTOS PANIC: ..." and ends the program with status 3. */
void kern_panic(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    printf("[%4ld] RTOS PANIC: ", k.now);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    exit(3);
}

/* Returns the running task; WHO names the API call for the panic message
 * when there is none (a call made from outside a task). */
rt_task_t *kern_current(const char *who)
{
    if (k.current == NULL)
        kern_panic("%s called outside a task", who);
    return k.current;
}

static void check_priority(int prio, const char *who)
{
    if (prio < RT_PRI_MIN || prio > RT_PRI_MAX)
        kern_panic("%s: priority %d is outside %d..%d", who, prio, RT_PRI_MIN, RT_PRI_MAX);
}

/* Puts T in the ready set at the tail of its level. */
void kern_make_ready(rt_task_t *t)
{
    t->state = TS_READY;
    t->key = ++k.tail_key;
    t->fresh = 1;
}

/* Applies the SCHED_FIFO placement rules to ready tasks whose priority
 * changed since the last decision, then starts a new decision period. */
static void apply_priority_changes(void)
{
    for (int i = 0; i < k.ntasks; i++) {
        rt_task_t *t = k.tasks[i];

        if (t->state == TS_READY && t->changed && !t->fresh) {
            if (t->prio > t->prio_before)
                t->key = ++k.tail_key;
            else if (t->prio < t->prio_before)
                t->key = --k.head_key;
        }
        t->changed = 0;
        t->fresh = 0;
    }
}

/* The ready task that should run next, or NULL. */
static rt_task_t *best_ready(void)
{
    rt_task_t *best = NULL;

    for (int i = 0; i < k.ntasks; i++) {
        rt_task_t *t = k.tasks[i];

        if (t->state != TS_READY)
            continue;
        if (best == NULL || t->prio > best->prio || (t->prio == best->prio && t->key < best->key))
            best = t;
    }
    return best;
}

static void print_switch(const rt_task_t *from, const rt_task_t *to, const char *reason)
{
    printf("[%4ld] ", k.now);
    if (from != NULL)
        printf("%s(%d)", from->name, from->prio);
    else
        printf("idle");
    if (to != NULL)
        printf(" -> %s(%d)", to->name, to->prio);
    else
        printf(" -> idle");
    printf("  %s\n", reason);
}

/* Ends the run: back to rt_run(). Never returns. */
static void end_run(enum rt_end end)
{
    ucontext_t dead;

    k.end = end;
    k.current = NULL;
    fflush(stdout);
    swapcontext(&dead, &k.host);
    kern_panic("a finished run resumed");
}

static void report_deadlock(void)
{
    printf("[%4ld] DEADLOCK: no task can run again\n", k.now);
    for (int i = 0; i < k.ntasks; i++) {
        const rt_task_t *t = k.tasks[i];

        if (t->state == TS_BLOCKED)
            printf("         %s(%d) is blocked on a mutex\n", t->name, t->prio);
        else if (t->state == TS_SEMA)
            printf("         %s(%d) is blocked on sema %s\n", t->name, t->prio, t->sema->name);
    }
    end_run(RT_END_DEADLOCK);
}

/* Wakes every sleeper whose time has come, earliest deadline first. */
static void wake_sleepers(void)
{
    for (;;) {
        rt_task_t *first = NULL;

        for (int i = 0; i < k.ntasks; i++) {
            rt_task_t *t = k.tasks[i];

            if (t->state != TS_SLEEPING || t->wake_at > k.now)
                continue;
            if (first == NULL || t->wake_at < first->wake_at ||
                (t->wake_at == first->wake_at && t->sleep_seq < first->sleep_seq))
                first = t;
        }
        if (first == NULL)
            return;
        kern_make_ready(first);
    }
}

static long next_wakeup(void)
{
    long when = -1;

    for (int i = 0; i < k.ntasks; i++) {
        const rt_task_t *t = k.tasks[i];

        if (t->state == TS_SLEEPING && (when < 0 || t->wake_at < when))
            when = t->wake_at;
    }
    return when;
}

static int all_exited(void)
{
    for (int i = 0; i < k.ntasks; i++)
        if (k.tasks[i]->state != TS_EXITED)
            return 0;
    return 1;
}

/* Lets virtual time pass with no task running until a sleeper wakes.
 * Returns 0 if nobody sleeps. */
static int idle_until_wakeup(void)
{
    long when = next_wakeup();

    if (when < 0)
        return 0;
    k.current = NULL;
    while (k.now < when) {
        timeline_record_tick();
        k.now++;
    }
    wake_sleepers();
    return 1;
}

static void switch_context(rt_task_t *prev, rt_task_t *next)
{
    k.current = next;
    next->state = TS_RUNNING;
    if (prev != next && swapcontext(&prev->ctx, &next->ctx) < 0)
        kern_panic("swapcontext failed");
}

/* The running task has left TS_RUNNING (blocked, slept, exited): prints
 * the switch and gives the CPU to the best ready task, idling first if
 * there is none. Returns when the caller runs again. */
void kern_block_current(const char *reason)
{
    rt_task_t *prev = k.current;
    rt_task_t *next;

    apply_priority_changes();
    next = best_ready();
    if (next == NULL) {
        if (all_exited())
            end_run(RT_END_EXITED);
        print_switch(prev, NULL, reason);
        if (!idle_until_wakeup())
            report_deadlock();
        apply_priority_changes();
        next = best_ready();
        print_switch(NULL, next, "wakes up");
    } else {
        print_switch(prev, next, reason);
    }
    switch_context(prev, next);
}

void kern_sched_point(void)
{
    rt_task_t *cur = kern_current("scheduling point");
    rt_task_t *best;

    apply_priority_changes();
    best = best_ready();
    if (best == NULL || best->prio <= cur->prio)
        return;
    cur->state = TS_READY;
    cur->key = --k.head_key;
    print_switch(cur, best, "preempted");
    switch_context(cur, best);
}

/* First code of every task: runs its function, then exits. */
static void task_entry(void)
{
    rt_task_t *self = k.current;

    self->fn(self->arg);
    self->state = TS_EXITED;
    kern_block_current("exits");
    kern_panic("exited task %s resumed", self->name);
}

static rt_task_t *new_task(const char *name, int prio, rt_task_fn *fn, void *arg)
{
    rt_task_t *t;

    check_priority(prio, "rt_spawn");
    if (k.ntasks == RT_MAX_TASKS)
        kern_panic("rt_spawn(%s): more than %d tasks", name, RT_MAX_TASKS);
    t = calloc(1, sizeof(*t));
    if (t == NULL || (t->stack = malloc(STACK_SIZE)) == NULL)
        kern_panic("rt_spawn(%s): out of memory", name);
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->id = k.ntasks;
    t->base = t->prio = prio;
    t->fn = fn;
    t->arg = arg;
    if (getcontext(&t->ctx) < 0)
        kern_panic("getcontext failed");
    t->stack_id = REGISTER_STACK(t->stack, (char *)t->stack + STACK_SIZE);
    t->ctx.uc_stack.ss_sp = t->stack;
    t->ctx.uc_stack.ss_size = STACK_SIZE;
    t->ctx.uc_link = NULL;
    makecontext(&t->ctx, task_entry, 0);
    k.tasks[k.ntasks++] = t;
    return t;
}

static void free_tasks(void)
{
    timeline_free();
    for (int i = 0; i < k.ntasks; i++) {
        DEREGISTER_STACK(k.tasks[i]->stack_id);
        free(k.tasks[i]->stack);
        free(k.tasks[i]);
    }
    k.ntasks = 0;
}

enum rt_end rt_run(const char *name, int prio, rt_task_fn *fn, void *arg)
{
    rt_task_t *first;

    if (k.running)
        kern_panic("rt_run called from a task");
    free_tasks();
    memset(&k, 0, sizeof(k));
    setvbuf(stdout, NULL, _IOLBF, 0);
    k.running = 1;
    first = new_task(name, prio, fn, arg);
    k.current = first;
    first->state = TS_RUNNING;
    if (swapcontext(&k.host, &first->ctx) < 0)
        kern_panic("swapcontext failed");
    k.running = 0;
    fflush(stdout);
    return k.end;
}

rt_task_t *rt_spawn(const char *name, int prio, rt_task_fn *fn, void *arg)
{
    rt_task_t *t;

    kern_sched_point();
    t = new_task(name, prio, fn, arg);
    kern_make_ready(t);
    kern_sched_point();
    return t;
}

rt_task_t *rt_self(void)
{
    return kern_current("rt_self");
}

const char *rt_name(const rt_task_t *t)
{
    return t->name;
}

int rt_priority(const rt_task_t *t)
{
    return t->prio;
}

int rt_base_priority(const rt_task_t *t)
{
    return t->base;
}

long rt_now(void)
{
    return k.now;
}

void rt_preempt_point(void)
{
    kern_sched_point();
}

void rt_yield(void)
{
    rt_task_t *cur = kern_current("rt_yield");
    rt_task_t *best;

    kern_sched_point();
    apply_priority_changes();
    best = best_ready();
    if (best == NULL || best->prio < cur->prio)
        return;
    cur->state = TS_READY;
    cur->key = ++k.tail_key;
    print_switch(cur, best, "yields");
    switch_context(cur, best);
}

void rt_work(int ticks)
{
    if (ticks < 0)
        kern_panic("rt_work(%d): negative", ticks);
    kern_sched_point();
    for (int i = 0; i < ticks; i++) {
        timeline_record_tick();
        k.now++;
        wake_sleepers();
        kern_sched_point();
    }
}

void rt_sleep_until(long tick)
{
    rt_task_t *cur = kern_current("rt_sleep_until");
    char reason[40];

    kern_sched_point();
    if (tick <= k.now)
        return;
    cur->state = TS_SLEEPING;
    cur->wake_at = tick;
    cur->sleep_seq = ++k.sleep_seq;
    snprintf(reason, sizeof(reason), "sleeps until %ld", tick);
    kern_block_current(reason);
}

void rt_log(const char *fmt, ...)
{
    rt_task_t *cur;
    va_list ap;

    kern_sched_point();
    cur = k.current;
    printf("[%4ld] %s: ", k.now, cur->name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void rt_halt(const char *why)
{
    kern_current("rt_halt");
    printf("[%4ld] HALT: %s\n", k.now, why);
    end_run(RT_END_HALTED);
    abort();
}

void rt_note_holding(int delta)
{
    rt_task_t *cur = kern_current("rt_note_holding");

    cur->holding += delta;
    if (cur->holding < 0)
        kern_panic("%s holds a negative number of mutexes", cur->name);
}

/* ---- For pi_mutex.c ---- */

struct rt_pi_fields *rt_pi(rt_task_t *t)
{
    return &t->pi;
}

void rt_block(void)
{
    rt_task_t *cur = kern_current("rt_block");

    cur->state = TS_BLOCKED;
    kern_block_current("blocked on a mutex");
}

void rt_wake(rt_task_t *t)
{
    if (t->state != TS_BLOCKED)
        kern_panic("rt_wake(%s): the task is not blocked in rt_block", t->name);
    kern_make_ready(t);
}

void rt_set_priority(rt_task_t *t, int prio)
{
    check_priority(prio, "rt_set_priority");
    if (!t->changed) {
        t->changed = 1;
        t->prio_before = t->prio;
    }
    t->prio = prio;
}

void rt_set_base_priority(rt_task_t *t, int prio)
{
    check_priority(prio, "rt_set_base_priority");
    t->base = prio;
}
