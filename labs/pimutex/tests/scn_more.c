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

/* ---- donate-waiter-boosted: the top waiter is the highest *effective* ---- */

static pi_mutex_t wb_a, wb_b;
static rt_task_t *wb_low, *wb_w1, *wb_w2;

static void wb_low_task(void *unused)
{
    (void)unused;
    lock(&wb_a);
    rt_work(6);
    unlock(&wb_a);
    rt_log("done");
}

/* w2 (base 20) takes b, then queues on a first. */
static void wb_w2_task(void *unused)
{
    (void)unused;
    rt_sleep_until(1);
    lock(&wb_b);
    lock(&wb_a);
    rt_log("got a");
    rt_work(1);
    unlock(&wb_a);
    rt_work(1);
    unlock(&wb_b);
    rt_log("done");
}

/* w1 (base 40) queues on a after w2. */
static void wb_w1_task(void *unused)
{
    (void)unused;
    rt_sleep_until(2);
    lock(&wb_a);
    rt_log("got a");
    unlock(&wb_a);
    rt_log("done");
}

/* high (50) blocks on b, held by w2: w2, though waiting, now outranks w1. */
static void wb_high_task(void *unused)
{
    (void)unused;
    rt_sleep_until(3);
    lock(&wb_b);
    rt_log("got b");
    unlock(&wb_b);
    rt_log("done");
}

/* low (10) holds a; w2 (20, holding b) then w1 (40) queue on it; high (50)
 * blocks on b. w2's effective priority is now 50, above w1's 40: low runs
 * at 50 and hands a to w2 first, whose base is the lowest of the waiters. */
static void donate_waiter_boosted(void *unused)
{
    (void)unused;
    mutex_init(&wb_a, "a", 1);
    mutex_init(&wb_b, "b", 1);
    wb_low = rt_spawn("low", 10, wb_low_task, NULL);
    wb_w2 = rt_spawn("w2", 20, wb_w2_task, NULL);
    wb_w1 = rt_spawn("w1", 40, wb_w1_task, NULL);
    rt_spawn("high", 50, wb_high_task, NULL);
    rt_sleep_until(4);
    expect_priority(wb_w2, 50);
    expect_priority(wb_w1, 40);
    expect_priority(wb_low, 50);
}

/* ---- donate-after-handoff: a task that was handed a mutex waits for nothing ---- */

static pi_mutex_t ho_a, ho_b;
static rt_task_t *ho_mid, *ho_other;

static void ho_low_task(void *unused)
{
    (void)unused;
    lock(&ho_a);
    rt_work(3);
    unlock(&ho_a);
    rt_log("done");
}

/* mid takes b, waits for a, gets it from low, passes it on to other, and
 * then sleeps holding b. */
static void ho_mid_task(void *unused)
{
    (void)unused;
    rt_sleep_until(1);
    lock(&ho_b);
    lock(&ho_a);
    rt_log("got a");
    unlock(&ho_a);
    rt_sleep_until(8);
    unlock(&ho_b);
    rt_log("done");
}

static void ho_other_task(void *unused)
{
    (void)unused;
    rt_sleep_until(2);
    lock(&ho_a);
    rt_log("got a");
    lock(&ho_b);
    rt_log("got b");
    unlock(&ho_b);
    unlock(&ho_a);
    rt_log("done");
}

static void ho_high_task(void *unused)
{
    (void)unused;
    rt_sleep_until(6);
    lock(&ho_b);
    rt_log("got b");
    unlock(&ho_b);
    rt_log("done");
}

/* low (10) holds a; mid (30, holding b) and other (20) queue on it. a goes
 * to mid, which passes it to other and sleeps holding b. mid waits for no
 * mutex any more: other, holding a, may wait for b (no cycle), and when
 * high (50) blocks on b too, mid is boosted to 50 and other stays at 20. */
static void donate_after_handoff(void *unused)
{
    (void)unused;
    mutex_init(&ho_a, "a", 1);
    mutex_init(&ho_b, "b", 1);
    rt_spawn("low", 10, ho_low_task, NULL);
    ho_mid = rt_spawn("mid", 30, ho_mid_task, NULL);
    ho_other = rt_spawn("other", 20, ho_other_task, NULL);
    rt_spawn("high", 50, ho_high_task, NULL);
    rt_sleep_until(7);
    expect_priority(ho_mid, 50);
    expect_priority(ho_other, 20);
}

/* ---- donate-raise-base: raising the base above a donation ---- */

static void raise_acquirer(void *arg)
{
    pi_mutex_t *l = arg;

    lock(l);
    rt_log("got the lock");
    unlock(l);
    rt_log("done");
}

/* main (31) holds the lock, acquire (41) donates; main raises its base to
 * 51: the higher of the two counts at once. After the release main keeps
 * 51 (acquire waits its turn); lowering the base to 21 then lets acquire run. */
static void donate_raise_base(void *unused)
{
    pi_mutex_t l;

    (void)unused;
    mutex_init(&l, "lock", 1);
    lock(&l);
    rt_spawn("acquire", RT_PRI_DEFAULT + 10, raise_acquirer, &l);
    expect_priority(rt_self(), RT_PRI_DEFAULT + 10);
    rt_log("raising base priority to %d", RT_PRI_DEFAULT + 20);
    set_priority(RT_PRI_DEFAULT + 20);
    expect_priority(rt_self(), RT_PRI_DEFAULT + 20);
    unlock(&l);
    rt_log("acquire owns the lock but must not have run yet");
    expect_priority(rt_self(), RT_PRI_DEFAULT + 20);
    rt_log("lowering base priority to %d", RT_PRI_DEFAULT - 10);
    set_priority(RT_PRI_DEFAULT - 10);
    rt_log("acquire must already have finished");
    expect_priority(rt_self(), RT_PRI_DEFAULT - 10);
}

/* ---- donate-chain-max-depth: a chain of PI_MAX_DEPTH tasks, 2 apart ---- */

static void donate_chain_max_depth(void *unused)
{
    (void)unused;
    run_chain(PI_MAX_DEPTH - 1, 2, 0);
}

/* ---- donate-stops-at-plain: an inheriting chain ends at a plain mutex ---- */

static pi_mutex_t sp_pi1, sp_pi2, sp_plain;

static void sp_low(void *unused)
{
    (void)unused;
    lock(&sp_plain);
    rt_work(5);
    unlock(&sp_plain);
    rt_log("done");
}

/* m2 (20) holds pi2 and waits for the plain mutex. */
static void sp_m2(void *unused)
{
    (void)unused;
    rt_sleep_until(1);
    lock(&sp_pi2);
    lock(&sp_plain);
    unlock(&sp_plain);
    unlock(&sp_pi2);
    rt_log("done");
}

/* m1 (30) holds pi1 and waits for pi2. */
static void sp_m1(void *unused)
{
    (void)unused;
    rt_sleep_until(2);
    lock(&sp_pi1);
    lock(&sp_pi2);
    unlock(&sp_pi2);
    unlock(&sp_pi1);
    rt_log("done");
}

static void sp_high(void *unused)
{
    (void)unused;
    rt_sleep_until(3);
    lock(&sp_pi1);
    unlock(&sp_pi1);
    rt_log("done");
}

/* high (50) -> pi1 (m1, 30) -> pi2 (m2, 20) -> plain (low, 10): the boost
 * walks through both inheriting mutexes and stops at the plain one. */
static void donate_stops_at_plain(void *unused)
{
    rt_task_t *low, *m1, *m2;

    (void)unused;
    mutex_init(&sp_pi1, "pi1", 1);
    mutex_init(&sp_pi2, "pi2", 1);
    mutex_init(&sp_plain, "plain", 0);
    low = rt_spawn("low", 10, sp_low, NULL);
    m2 = rt_spawn("m2", 20, sp_m2, NULL);
    m1 = rt_spawn("m1", 30, sp_m1, NULL);
    rt_spawn("high", 50, sp_high, NULL);
    rt_sleep_until(4);
    expect_priority(m1, 50);
    expect_priority(m2, 50);
    expect_priority(low, 10);
}

/* ---- deadlock-four-tasks: the highest task closes a 4-task cycle ---- */

static pi_mutex_t c4[4];
static rt_task_t *c4_t[4];

/* Task i (priority 10 * (i + 1)) holds c4[i], asks for c4[i + 1] at tick
 * i + 1; the last (highest) asks for c4[0] and closes the cycle. */
static void c4_task(void *arg)
{
    int i = (int)(long)arg;

    lock(&c4[i]);
    rt_sleep_until(1 + i);
    if (i == 3) {
        lock_fails(&c4[0], EDEADLK);
        for (int k = 0; k < 4; k++)
            expect_priority(c4_t[k], 10 * (k + 1));
        unlock(&c4[3]);
        rt_log("done");
        return;
    }
    lock(&c4[i + 1]);
    unlock(&c4[i + 1]);
    unlock(&c4[i]);
    rt_log("done");
}

/* A (10) -> m1 (B, 20) -> m2 (C, 30) -> m3 (D, 40), then D asks for m0
 * (A's): EDEADLK. Everyone waits for a higher task, so no priority may
 * change, the closing request included. */
static void deadlock_four(void *unused)
{
    static const char *const names[] = {"m0", "m1", "m2", "m3"};
    static const char *const tasks[] = {"A", "B", "C", "D"};

    (void)unused;
    for (int i = 0; i < 4; i++)
        mutex_init(&c4[i], names[i], 1);
    for (long i = 0; i < 4; i++)
        c4_t[i] = rt_spawn(tasks[i], 10 * (int)(i + 1), c4_task, (void *)i);
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
    {"donate-waiter-boosted", "the top waiter is the one of highest effective priority",
     donate_waiter_boosted, RT_PRI_MAX},
    {"donate-after-handoff", "a task handed a mutex waits for nothing any more",
     donate_after_handoff, RT_PRI_MAX},
    {"donate-raise-base", "raising the base above a donation counts at once", donate_raise_base,
     RT_PRI_DEFAULT},
    {"donate-chain-max-depth", "a chain of PI_MAX_DEPTH tasks, 2 apart", donate_chain_max_depth,
     RT_PRI_MAX},
    {"donate-stops-at-plain", "a boost walks two inheriting mutexes and stops at a plain one",
     donate_stops_at_plain, RT_PRI_MAX},
    {"deadlock-four-tasks", "the highest task closes a 4-task cycle: EDEADLK, nothing changes",
     deadlock_four, RT_PRI_MAX},
    {NULL, NULL, NULL, 0},
};
