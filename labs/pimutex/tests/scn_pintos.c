/*
 * scn_pintos.c - the ten priority scenarios of Pintos' threads project,
 * ported to the lab's RTOS and pi_mutex (inherit=1 unless said).
 *
 * Each keeps the original's tasks, priorities (PRI_DEFAULT = 31) and order
 * of events; its comment says what must hold. No virtual time passes in
 * them, so they print a trace and no timeline.
 */
#include <stdio.h>

#include "scenario.h"

#define PRI RT_PRI_DEFAULT

/* ---- donate-one: two donors; the lock goes to them by priority ---- */

/* main takes the lock; acquire1 (32) then acquire2 (33) block on it and
 * donate. main's release hands the lock to acquire2 first, and both donors
 * finish before main goes on. */
static void one_acquirer(void *arg)
{
    pi_mutex_t *l = arg;

    lock(l);
    rt_log("got the lock");
    unlock(l);
    rt_log("done");
}

static void donate_one(void *unused)
{
    pi_mutex_t l;

    (void)unused;
    mutex_init(&l, "lock", 1);
    lock(&l);
    rt_spawn("acquire1", PRI + 1, one_acquirer, &l);
    expect_priority(rt_self(), PRI + 1);
    rt_spawn("acquire2", PRI + 2, one_acquirer, &l);
    expect_priority(rt_self(), PRI + 2);
    unlock(&l);
    rt_log("acquire2, acquire1 must already have finished, in that order");
    expect_priority(rt_self(), PRI);
}

/* ---- donate-multiple and donate-multiple2: donations from two locks ---- */

struct named_lock {
    pi_mutex_t *m;
    const char *name;
};

static void take_and_go(void *arg)
{
    struct named_lock *nl = arg;

    lock(nl->m);
    rt_log("got %s", nl->name);
    unlock(nl->m);
    rt_log("finished");
}

static void just_finish(void *unused)
{
    (void)unused;
    rt_log("finished");
}

/* main holds a and b; a (32) waits for a, b (33) for b. Releasing b drops
 * main to 32 (a's donation remains), not to 31. */
static void donate_multiple(void *unused)
{
    pi_mutex_t a, b;
    struct named_lock na = {&a, "a"}, nb = {&b, "b"};

    (void)unused;
    mutex_init(&a, "a", 1);
    mutex_init(&b, "b", 1);
    lock(&a);
    lock(&b);
    rt_spawn("a", PRI + 1, take_and_go, &na);
    expect_priority(rt_self(), PRI + 1);
    rt_spawn("b", PRI + 2, take_and_go, &nb);
    expect_priority(rt_self(), PRI + 2);
    unlock(&b);
    rt_log("b should have just finished");
    expect_priority(rt_self(), PRI + 1);
    unlock(&a);
    rt_log("a should have just finished");
    expect_priority(rt_self(), PRI);
}

/* main holds a and b; a (34) waits for a, c (32) only runs, b (36) waits
 * for b. Releasing a keeps main at 36 (b's donation) so c must not run;
 * releasing b lets b, a, c finish in that order. */
static void donate_multiple2(void *unused)
{
    pi_mutex_t a, b;
    struct named_lock na = {&a, "a"}, nb = {&b, "b"};

    (void)unused;
    mutex_init(&a, "a", 1);
    mutex_init(&b, "b", 1);
    lock(&a);
    lock(&b);
    rt_spawn("a", PRI + 3, take_and_go, &na);
    expect_priority(rt_self(), PRI + 3);
    rt_spawn("c", PRI + 1, just_finish, NULL);
    rt_spawn("b", PRI + 5, take_and_go, &nb);
    expect_priority(rt_self(), PRI + 5);
    unlock(&a);
    expect_priority(rt_self(), PRI + 5);
    unlock(&b);
    rt_log("b, a, c should have just finished, in that order");
    expect_priority(rt_self(), PRI);
}

/* ---- donate-nest: donation passes through a blocked owner ---- */

struct two_locks {
    pi_mutex_t *a;
    pi_mutex_t *b;
};

static void nest_medium(void *arg)
{
    struct two_locks *l = arg;

    lock(l->b);
    lock(l->a);
    expect_priority(rt_self(), PRI + 2);
    rt_log("got a");
    unlock(l->a);
    rt_yield();
    unlock(l->b);
    rt_yield();
    rt_log("high should have just finished");
    rt_log("finished");
}

static void nest_high(void *arg)
{
    pi_mutex_t *b = arg;

    lock(b);
    rt_log("got b");
    unlock(b);
    rt_log("finished");
}

/* main (31) holds a; medium (32) holds b and waits for a; high (33) waits
 * for b, so medium gets 33 and passes it on to main. */
static void donate_nest(void *unused)
{
    pi_mutex_t a, b;
    struct two_locks l = {&a, &b};

    (void)unused;
    mutex_init(&a, "a", 1);
    mutex_init(&b, "b", 1);
    lock(&a);
    rt_spawn("medium", PRI + 1, nest_medium, &l);
    rt_yield();
    expect_priority(rt_self(), PRI + 1);
    rt_spawn("high", PRI + 2, nest_high, &b);
    rt_yield();
    expect_priority(rt_self(), PRI + 2);
    unlock(&a);
    rt_yield();
    rt_log("medium should have just finished");
    expect_priority(rt_self(), PRI);
}

/* ---- donate-sema: the donee is blocked on a semaphore ---- */

struct lock_and_sema {
    pi_mutex_t m;
    struct rt_sema s;
};

static void sema_low(void *arg)
{
    struct lock_and_sema *ls = arg;

    lock(&ls->m);
    rt_log("got the lock");
    rt_sema_down(&ls->s);
    rt_log("downed the semaphore");
    unlock(&ls->m);
    rt_log("finished");
}

static void sema_med(void *arg)
{
    struct lock_and_sema *ls = arg;

    rt_sema_down(&ls->s);
    rt_log("finished");
}

static void sema_high(void *arg)
{
    struct lock_and_sema *ls = arg;

    lock(&ls->m);
    rt_log("got the lock");
    rt_sema_up(&ls->s);
    unlock(&ls->m);
    rt_log("finished");
}

/* low (32) holds the lock and waits on the semaphore, med (34) waits on it
 * too, high (36) blocks on the lock and donates to low. main's up must
 * wake low (36 by donation), not med: high, med, low, main finish. */
static void donate_sema(void *unused)
{
    struct lock_and_sema ls;

    (void)unused;
    mutex_init(&ls.m, "lock", 1);
    rt_sema_init(&ls.s, "s", 0);
    rt_spawn("low", PRI + 1, sema_low, &ls);
    rt_spawn("med", PRI + 3, sema_med, &ls);
    rt_spawn("high", PRI + 5, sema_high, &ls);
    rt_sema_up(&ls.s);
    rt_log("finished");
}

/* ---- donate-lower: lowering the base priority while boosted ---- */

static void lower_acquirer(void *arg)
{
    pi_mutex_t *l = arg;

    lock(l);
    rt_log("got the lock");
    unlock(l);
    rt_log("done");
}

/* main holds the lock, acquire (41) donates; main lowers its base to 21:
 * it keeps 41 until the release, then has 21. */
static void donate_lower(void *unused)
{
    pi_mutex_t l;

    (void)unused;
    mutex_init(&l, "lock", 1);
    lock(&l);
    rt_spawn("acquire", PRI + 10, lower_acquirer, &l);
    expect_priority(rt_self(), PRI + 10);
    rt_log("lowering base priority to %d", PRI - 10);
    set_priority(PRI - 10);
    expect_priority(rt_self(), PRI + 10);
    unlock(&l);
    rt_log("acquire must already have finished");
    expect_priority(rt_self(), PRI - 10);
}

/* ---- donate-chain: a chain of 7 donors, interlopers in between ---- */

#define CHAIN_DEPTH 8

struct chain_link {
    pi_mutex_t *first;  /* taken first and kept (NULL for the last donor) */
    pi_mutex_t *second; /* held by the previous donor */
};

static void chain_donor(void *arg)
{
    struct chain_link *c = arg;

    if (c->first != NULL)
        lock(c->first);
    lock(c->second);
    rt_log("got the lock");
    unlock(c->second);
    expect_priority(rt_self(), (CHAIN_DEPTH - 1) * 3);
    if (c->first != NULL)
        unlock(c->first);
    rt_log("finishing with priority %d", rt_priority(rt_self()));
}

static void chain_interloper(void *unused)
{
    (void)unused;
    rt_log("finished");
}

/* main (0) holds lock 0; donor i (priority 3i) holds lock i and waits for
 * lock i-1, so every donation reaches main. Interloper i (3i-1) may run
 * only after donor i has finished. */
static void donate_chain(void *unused)
{
    pi_mutex_t locks[CHAIN_DEPTH - 1];
    struct chain_link links[CHAIN_DEPTH];
    char names[2 * CHAIN_DEPTH][16];

    (void)unused;
    set_priority(RT_PRI_MIN);
    for (int i = 0; i < CHAIN_DEPTH - 1; i++) {
        snprintf(names[i], sizeof(names[i]), "lock%d", i);
        mutex_init(&locks[i], names[i], 1);
    }
    lock(&locks[0]);
    rt_log("got lock0");
    for (int i = 1; i < CHAIN_DEPTH; i++) {
        char *donor = names[CHAIN_DEPTH + i - 1];
        char interloper[16];

        snprintf(donor, 16, "donor%d", i);
        links[i].first = i < CHAIN_DEPTH - 1 ? &locks[i] : NULL;
        links[i].second = &locks[i - 1];
        rt_spawn(donor, RT_PRI_MIN + 3 * i, chain_donor, &links[i]);
        expect_priority(rt_self(), RT_PRI_MIN + 3 * i);
        snprintf(interloper, sizeof(interloper), "interloper%d", i);
        rt_spawn(interloper, RT_PRI_MIN + 3 * i - 1, chain_interloper, NULL);
    }
    unlock(&locks[0]);
    rt_log("finishing with priority %d", rt_priority(rt_self()));
}

/* ---- priority-condvar: signals wake the highest-priority waiter ---- */

#define CONDVAR_TASKS 10

/* A condition variable built, as in Pintos, from one semaphore per waiter
 * (the tests' own code, not the RTOS's). */
struct cond_waiter {
    struct rt_sema s;
    rt_task_t *task;
    struct cond_waiter *next;
};

static struct cond_waiter *cond_waiters;
static pi_mutex_t cond_lock;

static void cond_wait(pi_mutex_t *m)
{
    struct cond_waiter w = {.task = rt_self(), .next = cond_waiters};

    rt_sema_init(&w.s, "cond", 0);
    cond_waiters = &w;
    unlock(m);
    rt_sema_down(&w.s);
    lock(m);
}

static void cond_signal(void)
{
    struct cond_waiter **best = &cond_waiters;
    struct cond_waiter *w;

    if (cond_waiters == NULL)
        return;
    for (struct cond_waiter **pp = &cond_waiters; *pp != NULL; pp = &(*pp)->next)
        if (rt_priority((*pp)->task) > rt_priority((*best)->task))
            best = pp;
    w = *best;
    *best = w->next;
    rt_sema_up(&w->s);
}

static void condvar_waiter(void *unused)
{
    (void)unused;
    rt_log("starting");
    lock(&cond_lock);
    cond_wait(&cond_lock);
    rt_log("woke up");
    unlock(&cond_lock);
}

/* Ten waiters of mixed priorities wait; each signal (with the lock held by
 * main at priority 0) must let the highest one wake, get the lock through
 * main's release and finish before main signals again. */
static void priority_condvar(void *unused)
{
    (void)unused;
    mutex_init(&cond_lock, "lock", 1);
    set_priority(RT_PRI_MIN);
    for (int i = 0; i < CONDVAR_TASKS; i++) {
        static char names[CONDVAR_TASKS][16];
        int prio = PRI - (i + 7) % 10 - 1;

        snprintf(names[i], sizeof(names[i]), "prio%d", prio);
        rt_spawn(names[i], prio, condvar_waiter, NULL);
    }
    for (int i = 0; i < CONDVAR_TASKS; i++) {
        lock(&cond_lock);
        rt_log("signaling");
        cond_signal();
        unlock(&cond_lock);
    }
}

/* ---- priority-fifo: equal priorities keep a fixed round-robin order ---- */

#define FIFO_TASKS  8
#define FIFO_ROUNDS 6

static pi_mutex_t fifo_lock;
static int fifo_order[FIFO_TASKS * FIFO_ROUNDS];
static int fifo_len;

static void fifo_task(void *arg)
{
    int id = (int)(long)arg;

    for (int i = 0; i < FIFO_ROUNDS; i++) {
        lock(&fifo_lock);
        fifo_order[fifo_len++] = id;
        unlock(&fifo_lock);
        rt_yield();
    }
}

/* main (33) holds the lock while it creates 8 tasks of priority 32, then
 * drops to 31: they queue on the lock in creation order, get it in that
 * order (FIFO among equal waiters), then take turns; every round lists
 * them in the same order. */
static void priority_fifo(void *unused)
{
    (void)unused;
    mutex_init(&fifo_lock, "lock", 1);
    set_priority(PRI + 2);
    lock(&fifo_lock);
    for (long i = 0; i < FIFO_TASKS; i++) {
        char name[16];

        snprintf(name, sizeof(name), "t%ld", i);
        rt_spawn(name, PRI + 1, fifo_task, (void *)i);
    }
    set_priority(PRI);
    expect_priority(rt_self(), PRI + 1);
    unlock(&fifo_lock);
    expect_priority(rt_self(), PRI);
    for (int r = 0; r < FIFO_ROUNDS; r++) {
        char line[3 * FIFO_TASKS + 1];
        int n = 0;

        for (int i = 0; i < FIFO_TASKS && r * FIFO_TASKS + i < fifo_len; i++)
            n +=
                snprintf(line + n, sizeof(line) - (size_t)n, " %d", fifo_order[r * FIFO_TASKS + i]);
        line[n] = '\0';
        rt_log("round %d:%s", r, line);
    }
}

/* ---- priority-preempt: the woken task runs at once ---- */

static void preempt_high(void *arg)
{
    pi_mutex_t *m = arg;

    lock(m);
    for (int i = 0; i < 3; i++) {
        rt_log("iteration %d", i);
        rt_yield();
    }
    unlock(m);
    rt_log("done");
}

/* main holds a plain mutex, then an inheriting one; high (32) blocks on
 * each. The plain one leaves main at 31, the other lifts it to 32; either
 * way main's release lets high run to the end before main logs again. */
static void priority_preempt(void *unused)
{
    pi_mutex_t plain, pi;

    (void)unused;
    mutex_init(&plain, "plain", 0);
    mutex_init(&pi, "pi", 1);
    lock(&plain);
    rt_spawn("high1", PRI + 1, preempt_high, &plain);
    expect_priority(rt_self(), PRI);
    unlock(&plain);
    rt_log("high1 should have already completed");
    lock(&pi);
    rt_spawn("high2", PRI + 1, preempt_high, &pi);
    expect_priority(rt_self(), PRI + 1);
    unlock(&pi);
    rt_log("high2 should have already completed");
    expect_priority(rt_self(), PRI);
}

const struct scenario pintos_scenarios[] = {
    {"donate-one", "two donors; the lock goes to them by priority", donate_one, PRI},
    {"donate-multiple", "donations through two locks end one by one", donate_multiple, PRI},
    {"donate-multiple2", "release order differs; a lower task must wait", donate_multiple2, PRI},
    {"donate-nest", "a donation passes through a blocked owner", donate_nest, PRI},
    {"donate-sema", "the donee is blocked on a semaphore", donate_sema, PRI},
    {"donate-lower", "a base-priority change waits for the donation to end", donate_lower, PRI},
    {"donate-chain", "a chain of 7 donors with interlopers", donate_chain, PRI},
    {"priority-condvar", "signals wake the highest-priority waiter", priority_condvar, PRI},
    {"priority-fifo", "equal priorities keep a fixed order", priority_fifo, PRI},
    {"priority-preempt", "the task given the mutex preempts at once", priority_preempt, PRI},
    {NULL, NULL, NULL, 0},
};
