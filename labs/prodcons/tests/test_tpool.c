/*
 * test_tpool.c - unit tests of the thread pool (include/tpool.h): every
 * task runs exactly once, never more than nthreads workers, submit blocks
 * on a full queue and fails with EPIPE once shutdown began, shutdown runs
 * everything still queued.
 *
 * Tasks that must stay running wait on `gate`, a semaphore the test posts.
 * Worker threads are counted in /proc/self/task while tasks are held there.
 * Each test starts once the new pool's workers wait for work, and lets the
 * queue empty before it shuts the pool down (but the shutdown tests): a
 * test asks its own rule's question, never one the schedule answers.
 */
#define _GNU_SOURCE /* gettid */
#include "oslabs_test.h"

#include "oslabs_proc.h"
#include "tpool.h"

#include <dirent.h>
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A call counts as blocked once its thread has been asleep inside it this
 * long in a row (oslabs_wait_asleep says why one glimpse is not enough). */
#define ASLEEP_MS 20

#define PROMPT_MS 1000
/* Every other thread asleep in a wait with no timeout, none run for this
 * long: no task can start any more (see wait_running) */
#define SETTLED_MS 150
#define BLOCK_MS   2000
#define WAIT_MS    500
#define MAX_TASKS  4096

static atomic_int runs[MAX_TASKS]; /* times task i ran */
static atomic_int running;         /* gated tasks running now */
static atomic_int most_running;    /* the largest value of running */
static sem_t gate;                 /* gated tasks wait here */
/* held tasks wait until the test opens this for good (a condition
 * variable: opening it wakes all of them at once) */
static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_open = PTHREAD_COND_INITIALIZER;
static bool held_open;
static int submit_total, submit_failed; /* do_submit_all's */
static struct oslabs_call calls[2];

static void count_run(void *arg)
{
    atomic_fetch_add(&runs[(atomic_int *)arg - runs], 1);
}

/* A task that holds its worker until the test posts the gate. */
static void gated_run(void *arg)
{
    int now = atomic_fetch_add(&running, 1) + 1;
    int most = atomic_load(&most_running);

    while (now > most && !atomic_compare_exchange_weak(&most_running, &most, now))
        ;
    while (sem_wait(&gate) != 0)
        ;
    atomic_fetch_sub(&running, 1);
    count_run(arg);
}

/* A task that holds its worker until the test opens the hold for good. */
static void held_run(void *arg)
{
    pthread_mutex_lock(&hold_lock);
    while (!held_open)
        pthread_cond_wait(&hold_open, &hold_lock);
    pthread_mutex_unlock(&hold_lock);
    count_run(arg);
}

static void open_hold(void)
{
    pthread_mutex_lock(&hold_lock);
    held_open = true;
    pthread_cond_broadcast(&hold_open);
    pthread_mutex_unlock(&hold_lock);
}

static void wait_workers_idle(void);

static void reset(void)
{
    for (int i = 0; i < MAX_TASKS; i++)
        atomic_store(&runs[i], 0);
    atomic_store(&running, 0);
    atomic_store(&most_running, 0);
    sem_init(&gate, 0, 0);
    held_open = false;
}

static tpool_t *create(size_t n, size_t q)
{
    tpool_t *p;

    reset();
    p = tpool_create(n, q);
    if (p == NULL)
        fail_msg("tpool_create(%zu, %zu): expected a pool, actual NULL (%s)", n, q,
                 strerror(errno));
    wait_workers_idle();
    return p;
}

static void submit(tpool_t *p, void (*fn)(void *), int i)
{
    if (tpool_submit(p, fn, &runs[i]) != 0)
        fail_msg("tpool_submit of task %d: expected 0, actual -1 (%s)", i, strerror(errno));
}

static bool running_reached(void *want)
{
    return atomic_load(&running) == *(int *)want;
}

/* Waits up to BLOCK_MS for `running` to reach want. Gives up sooner once
 * every other thread has slept SETTLED_MS in a wait with no timeout without
 * once being put on a CPU: this thread wakes nobody while it waits, so no
 * task can start any more. */
static void wait_running(int want)
{
    bool settled;

    if (oslabs_wait_until(running_reached, &want, SETTLED_MS, BLOCK_MS, &settled))
        return;
    if (settled)
        fail_msg("tasks running at once: expected %d, actual %d (every other thread asleep %d ms "
                 "without once being woken)",
                 want, atomic_load(&running), SETTLED_MS);
    fail_msg("tasks running at once: expected %d, actual %d", want, atomic_load(&running));
}

static bool all_ran(void *n)
{
    for (int i = 0; i < *(int *)n; i++)
        if (atomic_load(&runs[i]) == 0)
            return false;
    return true;
}

/*
 * Waits until tasks 0..n-1 have all run, or until the pool settles with
 * some never run (as wait_running). A test of another rule calls this
 * before tpool_shutdown, so that the queue is empty by then: whether
 * shutdown runs what is still queued (R23) is tpool-shutdown-runs-full-
 * queue's question, and asked here it would be answered by the schedule.
 */
static void wait_all_ran(int n)
{
    bool settled;

    oslabs_wait_until(all_ran, &n, SETTLED_MS, BLOCK_MS, &settled);
}

/* Requires tasks 0..n-1 to have run exactly once each. */
static void must_have_run_once(int n, const char *when)
{
    for (int i = 0; i < n; i++) {
        int r = atomic_load(&runs[i]);
        if (r != 1)
            fail_msg("task %d of %d %s: expected to have run once, actual %d times", i, n, when, r);
    }
}

static int do_submit(struct oslabs_call *c)
{
    return tpool_submit(c->obj, count_run, c->item);
}

/* Submits held tasks 0..submit_total-1; on a failure, sets submit_failed
 * to the task's number and returns -1. */
static int do_submit_all(struct oslabs_call *c)
{
    for (int i = 0; i < submit_total; i++) {
        if (tpool_submit(c->obj, held_run, &runs[i]) != 0) {
            submit_failed = i;
            return -1;
        }
    }
    return 0;
}

static bool call_done(void *c)
{
    return atomic_load(&((struct oslabs_call *)c)->done);
}

static int do_shutdown(struct oslabs_call *c)
{
    tpool_shutdown(c->obj);
    return 0;
}

static struct oslabs_call *start(int i, oslabs_call_fn fn, tpool_t *p, void *item)
{
    calls[i].fn = fn;
    calls[i].obj = p;
    calls[i].item = item;
    oslabs_call_start(&calls[i]);
    return &calls[i];
}

/* Waits until c sleeps inside its call (or WAIT_MS passed), and fails if
 * the call returned meanwhile. */
static void must_wait(struct oslabs_call *c, const char *what)
{
    oslabs_call_asleep(c, ASLEEP_MS, 1, WAIT_MS);
    if (atomic_load(&c->done))
        fail_msg("%s: expected it to wait, actual: returned", what);
}

static void must_return(struct oslabs_call *c, int ms, const char *what)
{
    if (!oslabs_call_wait(c, ms))
        fail_msg("%s: expected it to return within %d ms, actual: still blocked", what, ms);
    oslabs_call_join(c);
}

/* tpool-create-einval: zero threads or a zero queue is refused with
 * EINVAL; 1 x 1 works. */
static void tpool_create_einval(void **state)
{
    static const size_t bad[][2] = {{0, 4}, {4, 0}, {0, 0}};

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        errno = 0;
        tpool_t *p = tpool_create(bad[i][0], bad[i][1]);
        if (p != NULL || errno != EINVAL)
            fail_msg("tpool_create(%zu, %zu): expected NULL errno EINVAL, actual %p errno %s",
                     bad[i][0], bad[i][1], (void *)p, strerror(errno));
    }
    tpool_t *p = create(1, 1);
    submit(p, count_run, 0);
    wait_all_ran(1);
    tpool_shutdown(p);
    must_have_run_once(1, "after tpool_shutdown");
}

/* tpool-runs-each-task-once: 4000 tasks through 4 workers and a queue of
 * 8 each run exactly once, with their own argument, before shutdown
 * returns. Every task waits for the hold to open: the first ones hold
 * every worker, the queue fills, and submit must wait for a slot, every
 * run (without the hold, the workers often keep the queue from filling). */
static void tpool_runs_each_task_once(void **state)
{
    tpool_t *p = create(4, 8);
    bool settled;

    (void)state;
    submit_total = MAX_TASKS - 96;
    struct oslabs_call *c = start(0, do_submit_all, p, NULL);
    oslabs_call_asleep(c, ASLEEP_MS, 1, WAIT_MS); /* the queue is full, or it failed */
    open_hold();
    if (!oslabs_wait_until(call_done, c, SETTLED_MS, 10 * BLOCK_MS, &settled))
        fail_msg("tpool_submit of %d tasks: expected to return, actual: still blocked%s",
                 submit_total, settled ? " (every thread asleep without once being woken)" : "");
    oslabs_call_join(c);
    if (c->rc != 0)
        fail_msg("tpool_submit of task %d (every worker busy, the queue of 8 maybe full): "
                 "expected 0, actual -1 (%s)",
                 submit_failed, strerror(c->err));
    wait_all_ran(submit_total);
    tpool_shutdown(p);
    must_have_run_once(submit_total, "after tpool_shutdown returned");
}

/* tpool-never-more-than-n-workers: with 8 tasks that hold their worker, a
 * pool of 3 runs exactly 3 at once and the process never has more than 3
 * threads besides the test's own. */
/* Waits (at most 500 ms) until every thread but this one has slept at two
 * looks in a row: a new pool's workers have started and wait for work, or
 * are gone. Submitting before that would race with them starting. */
static void wait_workers_idle(void)
{
    double end = oslabs_now_ms() + 500;
    int quiet = 0;

    while (quiet < 2 && oslabs_now_ms() < end) {
        DIR *d = opendir("/proc/self/task");
        struct dirent *e;
        bool asleep = d != NULL;
        while (d != NULL && (e = readdir(d)) != NULL) {
            int tid = atoi(e->d_name);
            if (tid > 0 && tid != (int)gettid() && oslabs_thread_state(tid) != 'S')
                asleep = false;
        }
        if (d != NULL)
            closedir(d);
        quiet = asleep ? quiet + 1 : 0;
        oslabs_sleep_ms(5);
    }
}

static void tpool_never_more_than_n_workers(void **state)
{
    int base = oslabs_count_threads();
    int most = 0;
    tpool_t *p = create(3, 16);

    (void)state;
    for (int i = 0; i < 8; i++)
        submit(p, gated_run, i);
    wait_running(3);
    for (int i = 0; i < 100; i++) {
        int n = oslabs_count_threads();
        most = n > most ? n : most;
        oslabs_sleep_ms(2);
    }
    if (most - base > 3)
        fail_msg("threads of a pool of 3 (counted in /proc/self/task): expected at most 3, "
                 "actual %d",
                 most - base);
    if (atomic_load(&most_running) != 3)
        fail_msg("gated tasks running at once in a pool of 3: expected 3, actual %d",
                 atomic_load(&most_running));
    for (int i = 0; i < 8; i++)
        sem_post(&gate);
    wait_all_ran(8);
    tpool_shutdown(p);
    must_have_run_once(8, "after tpool_shutdown returned");
    if (atomic_load(&most_running) != 3)
        fail_msg("gated tasks running at once in a pool of 3: expected 3, actual %d",
                 atomic_load(&most_running));
}

/* tpool-submit-blocks-while-full: with the only worker held and the queue
 * of 2 full, submit waits asleep until the worker takes a task. */
static void tpool_submit_blocks_while_full(void **state)
{
    tpool_t *p = create(1, 2);

    (void)state;
    submit(p, gated_run, 0);
    wait_running(1);
    submit(p, count_run, 1);
    submit(p, count_run, 2);
    struct oslabs_call *c = start(0, do_submit, p, &runs[3]);
    must_wait(c, "tpool_submit on a full queue");
    sem_post(&gate);
    must_return(c, PROMPT_MS, "tpool_submit after the worker freed a queue slot");
    if (c->rc != 0)
        fail_msg("tpool_submit after the worker freed a queue slot: expected 0, actual %d (%s)",
                 c->rc, strerror(c->err));
    wait_all_ran(4);
    tpool_shutdown(p);
    must_have_run_once(4, "after tpool_shutdown returned");
}

/* tpool-submit-after-shutdown-epipe: once shutdown began (it waits for a
 * running task, one more is queued), submit fails with EPIPE at once, not
 * only after the queue emptied, and its task never runs. */
static void tpool_submit_after_shutdown_epipe(void **state)
{
    tpool_t *p = create(1, 4);

    (void)state;
    submit(p, gated_run, 0);
    wait_running(1);
    submit(p, count_run, 2);
    struct oslabs_call *down = start(0, do_shutdown, p, NULL);
    must_wait(down, "tpool_shutdown with a task running and one queued");
    struct oslabs_call *c = start(1, do_submit, p, &runs[1]);
    must_return(c, PROMPT_MS, "tpool_submit during tpool_shutdown");
    if (c->rc != -1 || c->err != EPIPE)
        fail_msg("tpool_submit after tpool_shutdown began: expected -1 errno EPIPE, actual %d "
                 "(%s)",
                 c->rc, c->rc == -1 ? strerror(c->err) : "no error");
    sem_post(&gate);
    must_return(down, PROMPT_MS, "tpool_shutdown after its last task ended");
    if (atomic_load(&runs[0]) != 1 || atomic_load(&runs[2]) != 1)
        fail_msg("tasks submitted before tpool_shutdown: expected each to have run once when it "
                 "returned, actual the running one %d times, the queued one %d times",
                 atomic_load(&runs[0]), atomic_load(&runs[2]));
    if (atomic_load(&runs[1]) != 0)
        fail_msg("task refused with EPIPE: expected to never run, actual ran %d times",
                 atomic_load(&runs[1]));
}

/* tpool-shutdown-runs-full-queue: shutdown with the worker held and the
 * queue full runs every queued task before it returns. */
static void tpool_shutdown_runs_full_queue(void **state)
{
    tpool_t *p = create(1, 4);

    (void)state;
    submit(p, gated_run, 0);
    wait_running(1);
    for (int i = 1; i <= 4; i++)
        submit(p, count_run, i);
    struct oslabs_call *down = start(0, do_shutdown, p, NULL);
    must_wait(down, "tpool_shutdown with a full queue");
    sem_post(&gate);
    must_return(down, PROMPT_MS, "tpool_shutdown once its worker was free");
    must_have_run_once(5, "queued before tpool_shutdown, when it returned");
}

#define TEST(name, fn)                                                                             \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }

static const struct CMUnitTest tests[] = {
    TEST("tpool-create-einval", tpool_create_einval),
    TEST("tpool-runs-each-task-once", tpool_runs_each_task_once),
    TEST("tpool-never-more-than-n-workers", tpool_never_more_than_n_workers),
    TEST("tpool-submit-blocks-while-full", tpool_submit_blocks_while_full),
    TEST("tpool-submit-after-shutdown-epipe", tpool_submit_after_shutdown_epipe),
    TEST("tpool-shutdown-runs-full-queue", tpool_shutdown_runs_full_queue),
};

OSLABS_TEST_MAIN(tests)
