/*
 * scn_more.c - Part A scenarios beyond Pintos': a deep chain over virtual
 * time, donation to a task blocked on a semaphore, cycles (EDEADLK),
 * EPERM, and the plain (inherit=0) mutex.
 */
#include <errno.h>
#include <stdio.h>

#include "scenario.h"

/* ---- donate-chain-deep: 8 tasks, 7 mutexes, interlopers ---- */

#define MAX_CHAIN 16 /* tasks in the longest chain (PI_MAX_DEPTH) */

static struct {
    int depth; /* mutexes in the chain; tasks t0..t[depth] */
    int step;  /* t_i has priority step * i (t0 has 1) */
    pi_mutex_t m[MAX_CHAIN - 1];
    rt_task_t *t[MAX_CHAIN];
} chain;

static int chain_prio(int i)
{
    return i == 0 ? 1 : chain.step * i;
}

/* t0 holds m0 and works depth + 3 ticks. t_i (i >= 1) wakes at tick i,
 * takes m_i (none for the last) and blocks on m_{i-1}: its priority must
 * reach t0 through every blocked owner. */
static void chain_task(void *arg)
{
    int i = (int)(long)arg;

    if (i == 0) {
        lock(&chain.m[0]);
        rt_work(chain.depth + 3);
        unlock(&chain.m[0]);
        rt_log("done");
        return;
    }
    rt_sleep_until(i);
    if (i < chain.depth)
        lock(&chain.m[i]);
    lock(&chain.m[i - 1]);
    rt_work(1);
    unlock(&chain.m[i - 1]);
    if (i < chain.depth) {
        rt_work(1);
        unlock(&chain.m[i]);
    }
    rt_log("done");
}

/* Interloper i (priority just below t_i) wakes once the chain is complete
 * and wants 2 ticks: it must not run before t_i is done. */
static void chain_interloper(void *unused)
{
    (void)unused;
    rt_sleep_until(chain.depth + 1);
    rt_work(2);
    rt_log("done");
}

/* Looks at the chain once all are blocked, and again when t1 has passed
 * m1 on: t0 and t1 are back to base, the others still boosted. */
static void chain_observer(void *unused)
{
    int top = chain_prio(chain.depth);

    (void)unused;
    rt_sleep_until(chain.depth + 1);
    for (int i = 0; i <= chain.depth; i++)
        expect_priority(chain.t[i], top);
    rt_sleep_until(chain.depth + 6);
    expect_priority(chain.t[0], chain_prio(0));
    expect_priority(chain.t[1], chain_prio(1));
    for (int i = 2; i <= chain.depth; i++)
        expect_priority(chain.t[i], top);
}

static void run_chain(int depth, int step, int interlopers)
{
    static char names[2 * MAX_CHAIN][16];

    chain.depth = depth;
    chain.step = step;
    for (int i = 0; i < depth; i++) {
        snprintf(names[i], sizeof(names[i]), "m%d", i);
        mutex_init(&chain.m[i], names[i], 1);
    }
    rt_spawn("observer", 60, chain_observer, NULL);
    for (long i = depth; interlopers && i >= 1; i--) {
        snprintf(names[MAX_CHAIN + i], sizeof(names[0]), "x%ld", i);
        rt_spawn(names[MAX_CHAIN + i], chain_prio((int)i) - 1, chain_interloper, NULL);
    }
    for (long i = 0; i <= depth; i++) {
        char name[16];

        snprintf(name, sizeof(name), "t%ld", i);
        chain.t[i] = rt_spawn(name, chain_prio((int)i), chain_task, (void *)i);
    }
}

static void donate_chain_deep(void *unused)
{
    (void)unused;
    run_chain(7, 8, 1);
}

/* Hidden test: a chain of PI_MAX_DEPTH tasks, no interlopers. */
static void donate_chain_max(void *unused)
{
    (void)unused;
    run_chain(PI_MAX_DEPTH - 1, 3, 0);
}

/* ---- donate-sema-waiter: the boost reaches a task on a semaphore ---- */

static pi_mutex_t sw_lock;
static struct rt_sema sw_sema;
static rt_task_t *sw_low;

static void sw_low_task(void *unused)
{
    (void)unused;
    lock(&sw_lock);
    rt_work(1);
    rt_sema_down(&sw_sema);
    rt_work(2);
    unlock(&sw_lock);
    rt_log("done");
}

static void sw_waiter(void *unused)
{
    (void)unused;
    rt_sleep_until(2);
    rt_sema_down(&sw_sema);
    rt_work(1);
    rt_log("done");
}

static void sw_high(void *unused)
{
    (void)unused;
    rt_sleep_until(3);
    lock(&sw_lock);
    rt_work(1);
    unlock(&sw_lock);
    rt_log("done");
}

/* low (10) holds the lock and waits on the semaphore; med1 (20) and med2
 * (30) wait on it too; high (50) blocks on the lock. low, though blocked,
 * must be boosted to 50, so main's up at tick 5 wakes low, not med2. */
static void donate_sema_waiter(void *unused)
{
    (void)unused;
    mutex_init(&sw_lock, "lock", 1);
    rt_sema_init(&sw_sema, "s", 0);
    sw_low = rt_spawn("low", 10, sw_low_task, NULL);
    rt_spawn("med1", 20, sw_waiter, NULL);
    rt_spawn("med2", 30, sw_waiter, NULL);
    rt_spawn("high", 50, sw_high, NULL);
    rt_sleep_until(4);
    expect_priority(sw_low, 50);
    rt_sleep_until(5);
    for (int i = 0; i < 3; i++)
        rt_sema_up(&sw_sema);
    rt_log("done");
}

/* ---- deadlock-two-tasks and deadlock-three-tasks: cycles ---- */

static pi_mutex_t cyc[3];
static rt_task_t *cyc_t[3];

struct cycle_role {
    int index; /* task i holds cyc[i] and wants cyc[(i + 1) % n] */
    int n;     /* tasks in the cycle */
};

/* Task i takes cyc[i], then (after the others took theirs) wants the next
 * one. The last one to ask closes the cycle: it must get EDEADLK at once,
 * with every priority unchanged, and the others must then finish. */
static void cycle_task(void *arg)
{
    const struct cycle_role *r = arg;
    pi_mutex_t *mine = &cyc[r->index];
    pi_mutex_t *next = &cyc[(r->index + 1) % r->n];

    lock(mine);
    rt_sleep_until(1 + r->index);
    if (r->index == r->n - 1) {
        lock_fails(next, EDEADLK);
        for (int i = 0; i < r->n; i++)
            expect_priority(cyc_t[i], rt_base_priority(cyc_t[r->n - 1]) + 10 * (r->n - 1));
        unlock(mine);
        rt_log("done");
        return;
    }
    lock(next);
    unlock(next);
    unlock(mine);
    rt_log("done");
}

/* Priorities 10, 20, 30 for tasks 0, 1, 2: the last task is the lowest, so
 * the blocked ones have boosted it (and the whole cycle) to their own. */
static void run_cycle(int n)
{
    static struct cycle_role roles[3];
    static const char *const names[] = {"m0", "m1", "m2"};
    static const char *const tasks[] = {"A", "B", "C"};

    for (int i = 0; i < n; i++)
        mutex_init(&cyc[i], names[i], 1);
    for (int i = 0; i < n; i++) {
        roles[i].index = i;
        roles[i].n = n;
        cyc_t[i] = rt_spawn(tasks[i], 10 * (n - i), cycle_task, &roles[i]);
    }
}

static void deadlock_two(void *unused)
{
    (void)unused;
    run_cycle(2);
}

static void deadlock_three(void *unused)
{
    (void)unused;
    run_cycle(3);
}

/* ---- deadlock-relock: locking a mutex you hold ---- */

static void deadlock_relock(void *unused)
{
    pi_mutex_t m;

    (void)unused;
    mutex_init(&m, "m", 1);
    lock(&m);
    lock_fails(&m, EDEADLK);
    unlock(&m);
    lock(&m);
    unlock(&m);
    rt_log("done");
}

/* ---- unlock-not-owner: EPERM, and nothing changes ---- */

static pi_mutex_t ep_m;

static void ep_owner(void *unused)
{
    (void)unused;
    lock(&ep_m);
    rt_sleep_until(2);
    unlock(&ep_m);
    rt_log("done");
}

static void ep_intruder(void *unused)
{
    (void)unused;
    rt_sleep_until(1);
    unlock_fails(&ep_m, EPERM);
    lock(&ep_m);
    rt_log("got m after its owner released it");
    unlock(&ep_m);
    unlock_fails(&ep_m, EPERM);
    rt_log("done");
}

/* owner (10) holds m; intruder (20) unlocks it: EPERM. Its own lock must
 * then block (m is still owned), boosting owner to 20. */
static void unlock_not_owner(void *unused)
{
    rt_task_t *owner;

    (void)unused;
    mutex_init(&ep_m, "m", 1);
    unlock_fails(&ep_m, EPERM);
    owner = rt_spawn("owner", 10, ep_owner, NULL);
    rt_spawn("intruder", 20, ep_intruder, NULL);
    rt_sleep_until(2);
    expect_priority(owner, 20);
    rt_sleep_until(3);
    expect_priority(owner, 10);
}

/* ---- plain-wakes-by-priority: inherit=0 ---- */

static pi_mutex_t pl_m;

static void pl_holder(void *unused)
{
    (void)unused;
    lock(&pl_m);
    rt_work(6);
    unlock(&pl_m);
    rt_log("done");
}

static void pl_waiter(void *arg)
{
    long when = (long)arg;

    rt_sleep_until(when);
    lock(&pl_m);
    rt_work(1);
    unlock(&pl_m);
    rt_log("done");
}

/* low (5) holds a plain mutex for 6 ticks; med1 (20), high (40) and med2
 * (20) queue on it at ticks 1, 2, 3. low stays at 5 (no donation); the
 * mutex goes to high, then med1, then med2 (FIFO among equals). */
static void plain_wakes(void *unused)
{
    rt_task_t *low;

    (void)unused;
    mutex_init(&pl_m, "plain", 0);
    low = rt_spawn("low", 5, pl_holder, NULL);
    rt_spawn("med1", 20, pl_waiter, (void *)1L);
    rt_spawn("high", 40, pl_waiter, (void *)2L);
    rt_spawn("med2", 20, pl_waiter, (void *)3L);
    rt_sleep_until(4);
    expect_priority(low, 5);
}

/* ---- plain-stops-donation (hidden test): no donation through inherit=0 ---- */

static pi_mutex_t ps_plain, ps_pi;

static void ps_low(void *unused)
{
    (void)unused;
    lock(&ps_plain);
    rt_work(4);
    unlock(&ps_plain);
    rt_log("done");
}

static void ps_mid(void *unused)
{
    (void)unused;
    rt_sleep_until(1);
    lock(&ps_pi);
    lock(&ps_plain);
    rt_work(1);
    unlock(&ps_plain);
    unlock(&ps_pi);
    rt_log("done");
}

static void ps_high(void *unused)
{
    (void)unused;
    rt_sleep_until(2);
    lock(&ps_pi);
    rt_work(1);
    unlock(&ps_pi);
    rt_log("done");
}

/* low (10) holds a plain mutex; mid (20) holds an inheriting one and
 * waits for the plain one; high (40) waits for the inheriting one. mid is
 * boosted to 40, but the boost stops there: low stays at 10. */
static void plain_stops_donation(void *unused)
{
    rt_task_t *low, *mid;

    (void)unused;
    mutex_init(&ps_plain, "plain", 0);
    mutex_init(&ps_pi, "pi", 1);
    low = rt_spawn("low", 10, ps_low, NULL);
    mid = rt_spawn("mid", 20, ps_mid, NULL);
    rt_spawn("high", 40, ps_high, NULL);
    rt_sleep_until(3);
    expect_priority(mid, 40);
    expect_priority(low, 10);
}

const struct scenario more_scenarios[] = {
    {"donate-chain-deep", "a 7-deep chain over virtual time, interlopers waiting",
     donate_chain_deep, RT_PRI_MAX},
    {"donate-sema-waiter", "the boost reaches a task blocked on a semaphore", donate_sema_waiter,
     RT_PRI_MAX},
    {"deadlock-two-tasks", "a 2-task cycle: EDEADLK, nothing changes", deadlock_two, RT_PRI_MAX},
    {"deadlock-three-tasks", "a 3-task cycle: EDEADLK, nothing changes", deadlock_three,
     RT_PRI_MAX},
    {"deadlock-relock", "locking a mutex you hold: EDEADLK", deadlock_relock, RT_PRI_DEFAULT},
    {"unlock-not-owner", "unlock by a non-owner: EPERM, nothing changes", unlock_not_owner,
     RT_PRI_MAX},
    {"plain-wakes-by-priority", "inherit=0: no donation, waiters by priority", plain_wakes,
     RT_PRI_MAX},
    {"donate-chain-max", "a chain of PI_MAX_DEPTH tasks", donate_chain_max, RT_PRI_MAX},
    {"plain-stops-donation", "a boost does not pass through an inherit=0 mutex",
     plain_stops_donation, RT_PRI_MAX},
    {NULL, NULL, NULL, 0},
};
