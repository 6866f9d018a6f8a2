/*
 * rpi_test.c - Part B tests: rpi_mutex on real Linux threads.
 *
 * Helper threads are driven through semaphores, and "blocked" is observed
 * (the thread's state in /proc and the futex word), never guessed from a
 * sleep. Every wait has a deadline, so a lost wake-up fails the test with
 * a message instead of hanging it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oslabs_proc.h"
#include "oslabs_test.h"
#include "rpi_mutex.h"
#include "rt_pathfinder.h"

#define COUNTER_THREADS 4
#define COUNTER_ITERS   10000
#define WAIT_MS         3000 /* longest wait for anything that must happen */
/* A waiter that used this much CPU time has spun, not slept; waiters that
 * all sleep this long, nobody running, will never wake. Both are far beyond
 * what a correct lock shows, even on a loaded machine (CPU time and thread
 * states are the kernel's, not the clock's). */
#define STUCK_MS 300
#define STR_(x)  #x
#define STR(x)   STR_(x)

/* ---- helpers ---- */

static int sem_wait_ms(sem_t *s, int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (sem_clockwait(s, CLOCK_MONOTONIC, &ts) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

static uint32_t word_of(rpi_mutex_t *m)
{
    return atomic_load(&m->word);
}

static const char *err_name(int err)
{
    switch (err) {
    case 0:
        return "0";
    case EBUSY:
        return "EBUSY";
    case EPERM:
        return "EPERM";
    case EDEADLK:
        return "EDEADLK";
    case ENOSYS:
        return "ENOSYS";
    default:
        return "another error number";
    }
}

static void expect_err(const char *call, int got, int want)
{
    if (got != want) {
        print_error("%s: expected %s, actual %s (%d)\n", call, err_name(want), err_name(got), got);
        fail();
    }
}

static void expect_word(const char *when, rpi_mutex_t *m, uint32_t want)
{
    uint32_t got = word_of(m);

    if (got != want) {
        print_error("%s: expected the word to be 0x%x, actual 0x%x\n", when, want, got);
        fail();
    }
}

/* A helper thread that takes the mutex, then holds it until released. It
 * stays alive after its unlock until told to leave: when a thread that
 * owns a PI futex exits, the kernel itself hands the futex to a waiter,
 * which would hide an unlock that forgot to. tid is published atomically;
 * the other fields are written before the semaphore the test waits on. */
struct holder {
    rpi_mutex_t *m;
    pthread_t thread;
    pid_t tid;
    int lock_err, unlock_err;
    sem_t locked;  /* posted once the lock call returned */
    sem_t release; /* posted by the test: unlock now */
    sem_t done;    /* posted after the unlock */
    sem_t leave;   /* posted by the test: the thread may exit */
};

static void *holder_main(void *arg)
{
    struct holder *h = arg;

    __atomic_store_n(&h->tid, gettid(), __ATOMIC_RELEASE);
    h->lock_err = rpi_mutex_lock(h->m);
    sem_post(&h->locked);
    sem_wait(&h->release);
    if (h->lock_err == 0)
        h->unlock_err = rpi_mutex_unlock(h->m);
    sem_post(&h->done);
    sem_wait(&h->leave);
    return NULL;
}

static void holder_start(struct holder *h, rpi_mutex_t *m)
{
    h->m = m;
    h->tid = 0;
    sem_init(&h->locked, 0, 0);
    sem_init(&h->release, 0, 0);
    sem_init(&h->done, 0, 0);
    sem_init(&h->leave, 0, 0);
    assert_int_equal(pthread_create(&h->thread, NULL, holder_main, h), 0);
}

/* Waits for H's lock call to return, at most WAIT_MS. Gives up sooner once
 * H has slept STUCK_MS in a row in a wait with no timeout without once being
 * put on a CPU (its schedstat run count unchanged): the test makes no
 * unlock while it waits, so whatever could wake H is over, and it never
 * will. */
static enum oslabs_asleep holder_lock_returns(struct holder *h)
{
    double end = oslabs_now_ms() + WAIT_MS, since = oslabs_now_ms();
    long long last = -1;

    while (sem_wait_ms(&h->locked, 5) < 0) {
        double now = oslabs_now_ms();
        pid_t tid = __atomic_load_n(&h->tid, __ATOMIC_ACQUIRE);
        long long runs = tid > 0 ? oslabs_thread_runs(tid) : -1;
        if (runs < 0 || !oslabs_thread_waits_untimed(tid) || runs != last) {
            last = runs;
            since = now;
        } else if (now - since >= STUCK_MS) {
            return OSLABS_ASLEEP;
        }
        if (now > end)
            return OSLABS_AWAKE;
    }
    return OSLABS_RETURNED;
}

/* How a lock call that did not return was left. */
static const char *still_blocked(enum oslabs_asleep how)
{
    return how == OSLABS_ASLEEP
               ? "still blocked, asleep " STR(STUCK_MS) " ms without once being woken"
               : "still blocked after " STR(WAIT_MS) " ms";
}

/* Waits until H's lock call returned 0. */
static void holder_wait_locked(struct holder *h)
{
    enum oslabs_asleep how = holder_lock_returns(h);

    if (how != OSLABS_RETURNED) {
        print_error("expected the helper's rpi_mutex_lock to return, actual: %s\n",
                    still_blocked(how));
        fail();
    }
    expect_err("the helper's rpi_mutex_lock", h->lock_err, 0);
}

/* Makes H unlock and waits for that; H stays alive. */
static void holder_unlock(struct holder *h)
{
    sem_post(&h->release);
    if (sem_wait_ms(&h->done, WAIT_MS) < 0) {
        print_error("expected the helper's rpi_mutex_unlock to return within %d ms\n", WAIT_MS);
        fail();
    }
    expect_err("the helper's rpi_mutex_unlock", h->unlock_err, 0);
}

/* Lets H exit and joins it. */
static void holder_leave(struct holder *h)
{
    sem_post(&h->leave);
    pthread_join(h->thread, NULL);
}

static void holder_finish(struct holder *h)
{
    holder_unlock(h);
    holder_leave(h);
}

/* ---- rpi-lock-word-holds-tid ---- */

static void lock_word_holds_tid(void **state)
{
    rpi_mutex_t m;
    uint32_t tid = (uint32_t)gettid();

    (void)state;
    m.word = 12345;
    expect_err("rpi_mutex_init", rpi_mutex_init(&m), 0);
    expect_word("after init", &m, 0);
    for (int i = 0; i < 3; i++) {
        expect_err("rpi_mutex_lock on a free mutex", rpi_mutex_lock(&m), 0);
        expect_word("after lock (the owner's TID)", &m, tid);
        expect_err("rpi_mutex_unlock", rpi_mutex_unlock(&m), 0);
        expect_word("after unlock", &m, 0);
    }
    expect_err("rpi_mutex_trylock on a free mutex", rpi_mutex_trylock(&m), 0);
    expect_word("after trylock (the owner's TID)", &m, tid);
    expect_err("rpi_mutex_unlock", rpi_mutex_unlock(&m), 0);
    expect_word("after unlock", &m, 0);
}

/* ---- rpi-trylock-ebusy ---- */

static void trylock_ebusy(void **state)
{
    rpi_mutex_t m = RPI_MUTEX_INITIALIZER;
    struct holder h;
    uint32_t held;

    (void)state;
    holder_start(&h, &m);
    holder_wait_locked(&h);
    held = word_of(&m);
    expect_err("rpi_mutex_trylock while another thread holds it", rpi_mutex_trylock(&m), EBUSY);
    /* The owner must not change. A trylock that asks the kernel
     * (FUTEX_TRYLOCK_PI) may leave FUTEX_WAITERS set: the holder's unlock
     * then goes through FUTEX_UNLOCK_PI, which is still correct. */
    if (word_of(&m) != (held | FUTEX_WAITERS))
        expect_word("after a failed trylock (the holder still owns it)", &m, held);
    holder_finish(&h);
    expect_err("rpi_mutex_trylock after the holder released it", rpi_mutex_trylock(&m), 0);
    expect_word("after trylock (the owner's TID)", &m, (uint32_t)gettid());
    expect_err("rpi_mutex_unlock", rpi_mutex_unlock(&m), 0);
}

/* ---- rpi-unlock-not-owner-eperm ---- */

static void unlock_not_owner(void **state)
{
    rpi_mutex_t m = RPI_MUTEX_INITIALIZER;
    struct holder h;
    uint32_t held;

    (void)state;
    expect_err("rpi_mutex_unlock of a free mutex", rpi_mutex_unlock(&m), EPERM);
    expect_word("after that unlock (still free)", &m, 0);
    holder_start(&h, &m);
    holder_wait_locked(&h);
    held = word_of(&m);
    expect_err("rpi_mutex_unlock by a thread that does not own it", rpi_mutex_unlock(&m), EPERM);
    expect_word("after that unlock (unchanged)", &m, held);
    expect_err("rpi_mutex_trylock (the holder still owns it)", rpi_mutex_trylock(&m), EBUSY);
    holder_finish(&h);
}

/* ---- rpi-waiter-sleeps-in-kernel and rpi-unlock-hands-over ---- */

/* Waits until H's thread sleeps and M's word has FUTEX_WAITERS; fails as
 * soon as it is clear that it never will: it spins (STUCK_MS of CPU time),
 * or it sleeps without FUTEX_WAITERS for STUCK_MS. */
static void wait_for_kernel_waiter(rpi_mutex_t *m, struct holder *h)
{
    struct timespec pause = {0, 1000000};
    double cpu_start = oslabs_thread_cpu_ms(h->thread), asleep_since = -1;
    char st = '?';

    for (int i = 0; i < WAIT_MS; i++) {
        st = oslabs_thread_state((int)h->tid);
        if (st == 'S' && (word_of(m) & FUTEX_WAITERS))
            return;
        double now = oslabs_now_ms();
        if (st != 'S')
            asleep_since = -1;
        else if (asleep_since < 0)
            asleep_since = now;
        if (oslabs_thread_cpu_ms(h->thread) - cpu_start >= STUCK_MS ||
            (asleep_since >= 0 && now - asleep_since >= STUCK_MS))
            break;
        nanosleep(&pause, NULL);
    }
    print_error("expected the waiter to sleep in the kernel (state S) with FUTEX_WAITERS set in "
                "the word; actual: state %c, word 0x%x, after %.0f ms of CPU time (%s)\n",
                st, word_of(m), oslabs_thread_cpu_ms(h->thread) - cpu_start,
                st == 'S' ? "asleep without FUTEX_WAITERS: not in FUTEX_LOCK_PI"
                          : "it spins instead of sleeping");
    fail();
}

/* Starts holder A, then B which blocks behind it, and checks B sleeps in
 * FUTEX_LOCK_PI. Leaves A holding and B waiting. */
static void set_up_waiter(rpi_mutex_t *m, struct holder *a, struct holder *b)
{
    holder_start(a, m);
    holder_wait_locked(a);
    holder_start(b, m);
    for (int i = 0; i < WAIT_MS && __atomic_load_n(&b->tid, __ATOMIC_ACQUIRE) == 0; i++)
        usleep(1000);
    wait_for_kernel_waiter(m, b);
    if ((word_of(m) & FUTEX_TID_MASK) != (uint32_t)a->tid) {
        print_error("expected the owner's TID %d in the word, actual 0x%x\n", (int)a->tid,
                    word_of(m));
        fail();
    }
}

static void waiter_sleeps_in_kernel(void **state)
{
    rpi_mutex_t m = RPI_MUTEX_INITIALIZER;
    struct holder a, b;

    (void)state;
    set_up_waiter(&m, &a, &b);
    holder_unlock(&a);
    holder_wait_locked(&b);
    holder_finish(&b);
    holder_leave(&a);
}

static void unlock_hands_over(void **state)
{
    rpi_mutex_t m = RPI_MUTEX_INITIALIZER;
    struct holder a, b;

    (void)state;
    set_up_waiter(&m, &a, &b);
    holder_unlock(&a);
    enum oslabs_asleep how = holder_lock_returns(&b);
    if (how != OSLABS_RETURNED) {
        print_error("expected the waiter to own the mutex after the unlock, actual: %s (word "
                    "0x%x)\n",
                    still_blocked(how), word_of(&m));
        fail();
    }
    expect_err("the waiter's rpi_mutex_lock", b.lock_err, 0);
    if ((word_of(&m) & FUTEX_TID_MASK) != (uint32_t)b.tid) {
        print_error("expected the new owner's TID %d in the word, actual 0x%x\n", (int)b.tid,
                    word_of(&m));
        fail();
    }
    holder_finish(&b);
    holder_leave(&a);
    expect_word("after both unlocked", &m, 0);
}

/* ---- rpi-counter-mutual-exclusion ---- */

/* value and bad_owner are protected by m (that is what is tested);
 * errors is updated atomically; finished is posted once per thread. */
struct counter {
    rpi_mutex_t m;
    volatile long value;
    int tids[COUNTER_THREADS]; /* each thread's, once it runs */
    int bad_owner;             /* times the word did not hold the owner's TID */
    int errors;                /* non-zero returns */
    sem_t finished;
};

struct counter_thread {
    struct counter *c;
    int index;
};

static void *counter_main(void *arg)
{
    struct counter_thread *ct = arg;
    struct counter *c = ct->c;
    uint32_t tid = (uint32_t)gettid();

    __atomic_store_n(&c->tids[ct->index], (int)tid, __ATOMIC_RELEASE);
    for (int i = 0; i < COUNTER_ITERS; i++) {
        long v;

        if (rpi_mutex_lock(&c->m) != 0) {
            __atomic_add_fetch(&c->errors, 1, __ATOMIC_RELAXED);
            continue;
        }
        if ((atomic_load(&c->m.word) & FUTEX_TID_MASK) != tid)
            c->bad_owner++;
        v = c->value;
        if (i % 512 == 0)
            sched_yield(); /* widen the window a broken lock would leave */
        c->value = v + 1;
        if (rpi_mutex_unlock(&c->m) != 0)
            __atomic_add_fetch(&c->errors, 1, __ATOMIC_RELAXED);
    }
    sem_post(&c->finished);
    return NULL;
}

/* True when every thread not finished has slept for STUCK_MS with the
 * counter unchanged: a lost wake-up, nobody left to wake them. */
static bool counter_stuck(struct counter *c, int finished, long *last, double *since)
{
    bool all_asleep = finished < COUNTER_THREADS;
    double now = oslabs_now_ms();

    for (int i = 0; i < COUNTER_THREADS; i++) {
        char st = oslabs_thread_state(__atomic_load_n(&c->tids[i], __ATOMIC_ACQUIRE));
        if (st != 'S' && st != '?') /* '?': it finished, or has not started */
            all_asleep = false;
    }
    if (!all_asleep || c->value != *last) {
        *last = c->value;
        *since = now;
        return false;
    }
    return now - *since >= STUCK_MS;
}

static void counter_mutual_exclusion(void **state)
{
    static struct counter c;
    static struct counter_thread ct[COUNTER_THREADS];
    pthread_t t[COUNTER_THREADS];
    int finished = 0;
    long last = -1;
    bool stuck = false;
    double since = oslabs_now_ms(), deadline = since + 2 * WAIT_MS;

    (void)state;
    rpi_mutex_init(&c.m);
    sem_init(&c.finished, 0, 0);
    for (int i = 0; i < COUNTER_THREADS; i++) {
        ct[i] = (struct counter_thread){&c, i};
        assert_int_equal(pthread_create(&t[i], NULL, counter_main, &ct[i]), 0);
    }
    while (finished < COUNTER_THREADS && oslabs_now_ms() < deadline &&
           !(stuck = counter_stuck(&c, finished, &last, &since)))
        if (sem_wait_ms(&c.finished, 10) == 0)
            finished++;
    if (stuck) {
        print_error("expected all %d threads to finish, actual: %d finished; the others all slept "
                    "in rpi_mutex_lock for %d ms with the counter unchanged (at %ld): a lost "
                    "wake-up, nobody is left to wake them\n",
                    COUNTER_THREADS, finished, STUCK_MS, c.value);
        fail();
    }
    if (finished < COUNTER_THREADS) {
        print_error("expected all %d threads to finish within %d ms, actual: %d finished (the "
                    "others are still blocked in rpi_mutex_lock: a lost wake-up?)\n",
                    COUNTER_THREADS, 2 * WAIT_MS, finished);
        fail();
    }
    for (int i = 0; i < COUNTER_THREADS; i++)
        pthread_join(t[i], NULL);
    if (c.value != (long)COUNTER_THREADS * COUNTER_ITERS || c.errors != 0 || c.bad_owner != 0) {
        print_error("expected counter %ld with no error and the owner's TID always in the word; "
                    "actual counter %ld, %d error(s), %d time(s) a wrong TID\n",
                    (long)COUNTER_THREADS * COUNTER_ITERS, c.value, c.errors, c.bad_owner);
        fail();
    }
    expect_word("after all threads finished", &c.m, 0);
}

/* ---- rpi-pathfinder-meets-deadline ---- */

static int rpi_lock(void *m)
{
    return rpi_mutex_lock(m);
}

static int rpi_unlock(void *m)
{
    return rpi_mutex_unlock(m);
}

static void pathfinder_meets_deadline(void **state)
{
    static rpi_mutex_t m;
    struct rtp_mutex mx = {"rpi_mutex", rpi_lock, rpi_unlock, &m};
    struct rtp_report rep;

    (void)state;
    rpi_mutex_init(&m);
    switch (rtp_run(&mx, &rep)) {
    case RTP_MET:
        printf("%s\n", rep.text);
        return;
    case RTP_UNSUPPORTED:
        printf("skipped: %s\n", rep.text);
        skip();
        return;
    case RTP_MISSED:
        print_error("expected high to get the mutex within %d ms; actual: %s\n", RTP_DEADLINE_MS,
                    rep.text);
        fail();
        return;
    case RTP_ERROR:
        print_error("%s\n", rep.text);
        fail();
        return;
    }
}

#define TEST(name, fn)                                                                             \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }

static const struct CMUnitTest tests[] = {
    TEST("rpi-lock-word-holds-tid", lock_word_holds_tid),
    TEST("rpi-trylock-ebusy", trylock_ebusy),
    TEST("rpi-unlock-not-owner-eperm", unlock_not_owner),
    TEST("rpi-waiter-sleeps-in-kernel", waiter_sleeps_in_kernel),
    TEST("rpi-unlock-hands-over", unlock_hands_over),
    TEST("rpi-counter-mutual-exclusion", counter_mutual_exclusion),
    TEST("rpi-pathfinder-meets-deadline", pathfinder_meets_deadline),
};

OSLABS_TEST_MAIN(tests)
