/*
 * test_bank.c - the bank: errors, money moved exactly, a both-ways stress
 * run with an auditor, and the hold hook used to pause a transfer inside its
 * critical section and watch what other threads can and cannot do then.
 *
 * Run one test with ./test_bank --run NAME (--list names them). A test that
 * deadlocks says so and blocks, so that gdb can show every thread's stack.
 */
#include "oslabs_test.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "oslabs_proc.h"

/* A call counts as blocked once its thread has been asleep inside it this
 * long in a row (oslabs_wait_asleep says why one glimpse is not enough). */
#define ASLEEP_MS 20

#define HOOK_ACCOUNTS 8    /* the hook counts calls for accounts below this */
#define WAIT_MS       3000 /* the longest a test waits for something that must happen */

/* ---- the hold hook: counts calls, and can hold one transfer ---- */

/* The gate a paused transfer waits at. Static: a helper thread may still be
 * inside the hook when a failed test returns. */
static struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t from, to; /* the transfer to hold (set before threads start) */
    bool armed;      /* guarded by lock: hold from -> to */
    bool entered;    /* guarded by lock: it is inside the hook */
    bool released;   /* guarded by lock: let it go */
    atomic_int calls[HOOK_ACCOUNTS][HOOK_ACCOUNTS];
} gate = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void hold_hook(size_t from, size_t to, void *arg)
{
    struct gate *g = arg;

    if (from < HOOK_ACCOUNTS && to < HOOK_ACCOUNTS)
        atomic_fetch_add(&g->calls[from][to], 1);
    pthread_mutex_lock(&g->lock);
    if (g->armed && from == g->from && to == g->to) {
        g->armed = false;
        g->entered = true;
        pthread_cond_broadcast(&g->cond);
        while (!g->released)
            pthread_cond_wait(&g->cond, &g->lock);
    }
    pthread_mutex_unlock(&g->lock);
}

/* Arms the gate to hold the next transfer from -> to. */
static void gate_arm(size_t from, size_t to)
{
    pthread_mutex_lock(&gate.lock);
    gate.from = from;
    gate.to = to;
    gate.armed = true;
    gate.entered = false;
    gate.released = false;
    for (size_t i = 0; i < HOOK_ACCOUNTS; i++)
        for (size_t j = 0; j < HOOK_ACCOUNTS; j++)
            atomic_store(&gate.calls[i][j], 0);
    pthread_mutex_unlock(&gate.lock);
}

/* True once the held transfer is inside the hook (within ms). */
static bool gate_wait_entered(int ms)
{
    double end = oslabs_now_ms() + ms;
    bool entered;

    do {
        pthread_mutex_lock(&gate.lock);
        entered = gate.entered;
        pthread_mutex_unlock(&gate.lock);
        if (!entered)
            oslabs_sleep_ms(1);
    } while (!entered && oslabs_now_ms() < end);
    return entered;
}

static void gate_release(void)
{
    pthread_mutex_lock(&gate.lock);
    gate.released = true;
    pthread_cond_broadcast(&gate.cond);
    pthread_mutex_unlock(&gate.lock);
}

static int hook_calls(size_t from, size_t to)
{
    return atomic_load(&gate.calls[from][to]);
}

/* ---- helpers ---- */

static int call_transfer(struct oslabs_call *c)
{
    return bank_transfer(c->obj, (size_t)c->a, (size_t)c->b, c->c);
}

static void start_transfer(struct oslabs_call *c, bank_t *b, size_t from, size_t to, long amount)
{
    c->fn = call_transfer;
    c->obj = b;
    c->a = (long)from;
    c->b = (long)to;
    c->c = amount;
    oslabs_call_start(c);
}

static long env_long(const char *name, long fallback)
{
    const char *s = getenv(name);
    return s != NULL && atol(s) > 0 ? atol(s) : fallback;
}

/* bank_create(n, initial), which must succeed. */
static bank_t *must_create(size_t n, long initial)
{
    bank_t *b;

    errno = 0;
    b = bank_create(n, initial);
    if (b == NULL)
        fail_msg("bank_create(%zu, %ld): expected a bank, actual NULL errno %d (%s)", n, initial,
                 errno, strerror(errno));
    return b;
}

/* Expects bank_transfer to fail with err and to change nothing. */
static void expect_transfer_fails(bank_t *b, size_t naccounts, size_t from, size_t to, long amount,
                                  int err)
{
    long before[8], total = bank_total(b);
    int rc;

    for (size_t i = 0; i < naccounts; i++)
        before[i] = bank_balance(b, i);
    errno = 0;
    rc = bank_transfer(b, from, to, amount);
    if (rc != -1 || errno != err)
        fail_msg("bank_transfer(b, %zu, %zu, %ld): expected -1 errno %s, actual %d errno %d (%s)",
                 from, to, amount, strerror(err), rc, errno, strerror(errno));
    for (size_t i = 0; i < naccounts; i++)
        if (bank_balance(b, i) != before[i])
            fail_msg("after a failed transfer %zu -> %zu of %ld: expected account %zu to hold %ld,"
                     " actual %ld",
                     from, to, amount, i, before[i], bank_balance(b, i));
    assert_int_equal(bank_total(b), total);
}

static void expect_balance(bank_t *b, size_t account, long want)
{
    long got = bank_balance(b, account);

    if (got != want)
        fail_msg("expected account %zu to hold %ld, actual %ld", account, want, got);
}

/* ---- errors and plain transfers ---- */

/* bank_create refuses no accounts and a negative initial balance. */
static void bank_create_errors(void **state)
{
    bank_t *b;
    (void)state;

    errno = 0;
    b = bank_create(0, 100);
    if (b != NULL || errno != EINVAL)
        fail_msg("bank_create(0, 100): expected NULL errno EINVAL, actual %p errno %d", (void *)b,
                 errno);
    errno = 0;
    b = bank_create(4, -1);
    if (b != NULL || errno != EINVAL)
        fail_msg("bank_create(4, -1): expected NULL errno EINVAL, actual %p errno %d", (void *)b,
                 errno);
    b = bank_create(3, 0);
    if (b == NULL)
        fail_msg("bank_create(3, 0): expected a bank (an initial balance of 0 is valid), actual "
                 "NULL errno %d",
                 errno);
    assert_int_equal(bank_total(b), 0);
    bank_destroy(b);
    b = must_create(1, 5);
    expect_balance(b, 0, 5);
    bank_destroy(b);
}

/* Every EINVAL and EAGAIN case changes nothing; from == to is a no-op. */
static void bank_transfer_errors(void **state)
{
    bank_t *b = must_create(4, 100);
    (void)state;

    expect_transfer_fails(b, 4, 4, 0, 10, EINVAL);
    expect_transfer_fails(b, 4, 0, 4, 10, EINVAL);
    expect_transfer_fails(b, 4, 0, (size_t)-1, 10, EINVAL);
    expect_transfer_fails(b, 4, 0, 1, 0, EINVAL);
    expect_transfer_fails(b, 4, 0, 1, -5, EINVAL);
    expect_transfer_fails(b, 4, 2, 2, 0, EINVAL);
    expect_transfer_fails(b, 4, 9, 9, 1, EINVAL);
    expect_transfer_fails(b, 4, 0, 1, 101, EAGAIN);
    expect_transfer_fails(b, 4, 3, 2, 1000, EAGAIN);
    errno = 0;
    if (bank_balance(b, 4) != -1 || errno != EINVAL)
        fail_msg("bank_balance(b, 4) on 4 accounts: expected -1 errno EINVAL, actual errno %d",
                 errno);
    assert_int_equal(bank_transfer(b, 2, 2, 50), 0);
    expect_balance(b, 2, 100);
    assert_int_equal(bank_transfer(b, 0, 1, 100), 0);
    expect_transfer_fails(b, 4, 0, 1, 1, EAGAIN);
    expect_balance(b, 0, 0);
    bank_destroy(b);
}

/* Successful transfers move exactly the amount; the total never changes. */
static void bank_transfer_moves_money(void **state)
{
    bank_t *b = must_create(5, 1000);
    long want[5] = {1000, 1000, 1000, 1000, 1000};
    unsigned seed = 7;
    (void)state;

    assert_int_equal(bank_total(b), 5000);
    for (int i = 0; i < 2000; i++) {
        size_t from = (size_t)rand_r(&seed) % 5, to = (size_t)rand_r(&seed) % 5;
        long amount = 1 + rand_r(&seed) % 300;
        int rc, expect;
        if (from == to && amount > want[from]) /* only a no-op the account could pay */
            continue;
        rc = bank_transfer(b, from, to, amount);
        expect = want[from] >= amount ? 0 : -1;
        if (rc != expect)
            fail_msg("transfer %zu -> %zu of %ld with %ld in account %zu: expected %d, actual %d",
                     from, to, amount, want[from], from, expect, rc);
        if (rc == 0 && from != to) {
            want[from] -= amount;
            want[to] += amount;
        }
    }
    for (size_t i = 0; i < 5; i++)
        expect_balance(b, i, want[i]);
    assert_int_equal(bank_total(b), 5000);
    bank_destroy(b);
}

/* ---- stress: transfers both ways, an auditor, and a deadlock watchdog ---- */

struct stress {
    bank_t *bank;
    size_t naccounts;
    long initial;
    atomic_bool stop;
    atomic_long moved, refused, wrong_errno; /* transfers that returned 0 / EAGAIN / other */
    atomic_long audits, bad_audits, first_bad, negative;
    atomic_int finished; /* threads that returned */
};

struct worker {
    struct stress *s;
    int id;
    long moved; /* this worker's successful transfers */
    pthread_t thread;
};

/* Half the transfers go between accounts 0 and 1, in a direction that
 * depends on the worker, so both lock orders are tried all the time. */
static void *stress_worker(void *arg)
{
    struct worker *w = arg;
    struct stress *s = w->s;
    unsigned seed = 1234u + (unsigned)w->id;

    for (long i = 0; !atomic_load(&s->stop); i++) {
        size_t from = (size_t)rand_r(&seed) % s->naccounts;
        size_t to = (size_t)rand_r(&seed) % s->naccounts;
        if (i % 2 == 0) {
            from = (size_t)(w->id & 1);
            to = 1 - from;
        }
        errno = 0;
        if (bank_transfer(s->bank, from, to, 1 + rand_r(&seed) % 40) == 0) {
            atomic_fetch_add(&s->moved, 1);
            w->moved++;
        } else if (errno == EAGAIN) {
            atomic_fetch_add(&s->refused, 1);
        } else {
            atomic_fetch_add(&s->wrong_errno, 1);
        }
    }
    atomic_fetch_add(&s->finished, 1);
    return NULL;
}

static void *stress_auditor(void *arg)
{
    struct stress *s = arg;
    long want = (long)s->naccounts * s->initial;
    unsigned seed = 99;

    while (!atomic_load(&s->stop)) {
        long total = bank_total(s->bank);
        if (total != want && atomic_fetch_add(&s->bad_audits, 1) == 0)
            atomic_store(&s->first_bad, total);
        if (bank_balance(s->bank, (size_t)rand_r(&seed) % s->naccounts) < 0)
            atomic_fetch_add(&s->negative, 1);
        atomic_fetch_add(&s->audits, 1);
    }
    atomic_fetch_add(&s->finished, 1);
    return NULL;
}

static void print_thread_states(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;

    if (d == NULL)
        return;
    fprintf(stderr, "threads (R running, S sleeping, e.g. waiting for a lock):");
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            fprintf(stderr, " %s:%c", e->d_name, oslabs_thread_state(atoi(e->d_name)));
    fprintf(stderr, "\n");
    closedir(d);
}

/* A deadlock is certain: says so, then blocks for good in an untimed wait.
 * Every thread of the test is then blocked with no timer left, so the
 * grader ends the test at once and shows every thread's backtrace; run by
 * hand, the test stays for you to look with gdb. */
static _Noreturn void report_deadlock(int stall_ms)
{
    fprintf(stderr, "\nDEADLOCK: no transfer and no bank_total finished in %d ms.\n", stall_ms);
    print_thread_states();
    if (getenv("OSLABS_TEST") != NULL)
        fprintf(stderr, "The grader ends this test now and shows every thread's backtrace.\n");
    else
        fprintf(stderr,
                "Waiting (Ctrl-C ends it) so that you can look: gdb -p %d -batch -ex "
                "'thread apply all bt'\n",
                (int)getpid());
    for (;;)
        pause();
}

/* Runs the stress for run_ms, then stops it and waits for its nthreads
 * threads to finish. If nothing finishes for stall_ms, the threads are
 * deadlocked: report_deadlock. */
static void watch(struct stress *s, int run_ms, int stall_ms, int nthreads)
{
    double start = oslabs_now_ms(), last_change = start;
    long last = -1;

    while (atomic_load(&s->finished) < nthreads) {
        long progress = atomic_load(&s->moved) + atomic_load(&s->refused) +
                        atomic_load(&s->wrong_errno) + atomic_load(&s->audits) +
                        atomic_load(&s->finished);
        if (oslabs_now_ms() - start >= run_ms)
            atomic_store(&s->stop, true);
        if (progress != last) {
            last = progress;
            last_change = oslabs_now_ms();
        } else if (oslabs_now_ms() - last_change > stall_ms) {
            report_deadlock(stall_ms);
        }
        oslabs_sleep_ms(20);
    }
}

/* Threads transfer both ways between the same accounts while an auditor
 * checks bank_total; a deadlock hangs the test (the grader shows every
 * thread's backtrace). */
static void bank_stress_both_ways(void **state)
{
    static struct stress s;
    static struct worker w[64];
    pthread_t auditor;
    int nworkers = (int)env_long("BANK_THREADS", 4);
    long sum = 0;
    (void)state;

    if (nworkers > 64)
        nworkers = 64;
    s.naccounts = (size_t)env_long("BANK_ACCOUNTS", 4);
    s.initial = 100;
    s.bank = must_create(s.naccounts, s.initial);
    for (int i = 0; i < nworkers; i++) {
        w[i] = (struct worker){.s = &s, .id = i};
        assert_int_equal(pthread_create(&w[i].thread, NULL, stress_worker, &w[i]), 0);
    }
    assert_int_equal(pthread_create(&auditor, NULL, stress_auditor, &s), 0);
    watch(&s, (int)env_long("BANK_RUN_MS", 1500), 2000, nworkers + 1);
    for (int i = 0; i < nworkers; i++)
        pthread_join(w[i].thread, NULL);
    pthread_join(auditor, NULL);

    printf("%ld transfers, %ld refused (EAGAIN), %ld audits\n", atomic_load(&s.moved),
           atomic_load(&s.refused), atomic_load(&s.audits));
    if (atomic_load(&s.bad_audits) != 0)
        fail_msg("bank_total during transfers: expected %ld, actual %ld (%ld of %ld audits wrong)",
                 (long)s.naccounts * s.initial, atomic_load(&s.first_bad),
                 atomic_load(&s.bad_audits), atomic_load(&s.audits));
    if (atomic_load(&s.negative) != 0)
        fail_msg("expected no negative balance, actual %ld seen", atomic_load(&s.negative));
    if (atomic_load(&s.wrong_errno) != 0)
        fail_msg("expected valid transfers to return 0 or -1 EAGAIN, actual %ld other failures",
                 atomic_load(&s.wrong_errno));
    for (int i = 0; i < nworkers; i++)
        if (w[i].moved == 0)
            fail_msg("expected every thread to complete transfers, actual none for thread %d", i);
    for (size_t i = 0; i < s.naccounts; i++) {
        long bal = bank_balance(s.bank, i);
        if (bal < 0)
            fail_msg("expected account %zu >= 0, actual %ld", i, bal);
        sum += bal;
    }
    if (sum != (long)s.naccounts * s.initial)
        fail_msg("sum of balances after the run: expected %ld, actual %ld",
                 (long)s.naccounts * s.initial, sum);
    bank_destroy(s.bank);
}

/* ---- the hold hook ---- */

/* The hook runs once per transfer between two accounts, including one that
 * fails with EAGAIN, and never for from == to or an invalid transfer. */
static void bank_hold_hook_calls(void **state)
{
    bank_t *b = must_create(4, 100);
    (void)state;

    gate_arm(7, 7);
    bank_set_hold_hook(b, hold_hook, &gate);
    assert_int_equal(bank_transfer(b, 0, 1, 30), 0);
    if (hook_calls(0, 1) != 1)
        fail_msg("transfer 0 -> 1: expected 1 hook call (0, 1), actual %d", hook_calls(0, 1));
    errno = 0;
    assert_int_equal(bank_transfer(b, 2, 3, 500), -1);
    assert_int_equal(errno, EAGAIN);
    if (hook_calls(2, 3) != 1)
        fail_msg("transfer 2 -> 3 refused with EAGAIN: expected 1 hook call (2, 3), actual %d",
                 hook_calls(2, 3));
    assert_int_equal(bank_transfer(b, 3, 0, 100), 0);
    assert_int_equal(bank_transfer(b, 1, 1, 10), 0);
    assert_int_equal(bank_transfer(b, 1, 9, 10), -1);
    assert_int_equal(bank_transfer(b, 1, 0, 0), -1);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            int want = (i == 0 && j == 1) || (i == 2 && j == 3) || (i == 3 && j == 0);
            if (hook_calls(i, j) != want)
                fail_msg("hook calls for (%zu, %zu): expected %d, actual %d", i, j, want,
                         hook_calls(i, j));
        }
    expect_balance(b, 0, 170);
    expect_balance(b, 1, 130);
    expect_balance(b, 3, 0);
    bank_set_hold_hook(b, NULL, NULL);
    assert_int_equal(bank_transfer(b, 1, 0, 10), 0);
    assert_int_equal(hook_calls(1, 0), 0);
    bank_destroy(b);
}

/* Starts transfer 0 -> 1 of 10 and waits until it is held inside the hook. */
static void hold_zero_to_one(bank_t *b, struct oslabs_call *held)
{
    gate_arm(0, 1);
    bank_set_hold_hook(b, hold_hook, &gate);
    start_transfer(held, b, 0, 1, 10);
    if (!gate_wait_entered(WAIT_MS))
        fail_msg("transfer 0 -> 1: expected the hold hook to be called within %d ms, actual no "
                 "call (rc %d)",
                 WAIT_MS, held->rc);
}

/* While 0 -> 1 is held inside its critical section, 2 -> 3 completes:
 * there is no global lock. */
static void bank_hold_no_global_lock(void **state)
{
    static struct oslabs_call held, other;
    bank_t *b = must_create(4, 100);
    (void)state;

    hold_zero_to_one(b, &held);
    start_transfer(&other, b, 2, 3, 5);
    if (!oslabs_call_wait(&other, WAIT_MS))
        fail_msg("while 0 -> 1 held both its locks, expected transfer 2 -> 3 to finish, actual it "
                 "still waits after %d ms (a lock shared by all accounts?)",
                 WAIT_MS);
    assert_int_equal(other.rc, 0);
    expect_balance(b, 2, 95);
    expect_balance(b, 3, 105);
    if (atomic_load(&held.done))
        fail_msg("expected transfer 0 -> 1 to wait inside the hook, actual it returned");
    gate_release();
    assert_true(oslabs_call_wait(&held, WAIT_MS));
    assert_int_equal(held.rc, 0);
    oslabs_call_join(&held);
    oslabs_call_join(&other);
    expect_balance(b, 0, 90);
    expect_balance(b, 1, 110);
    bank_destroy(b);
}

/* While 0 -> 1 is held inside its critical section, 1 -> 0 waits (real
 * per-account locks), and completes once 0 -> 1 is released. */
static void bank_hold_reverse_waits(void **state)
{
    static struct oslabs_call held, reverse;
    bank_t *b = must_create(4, 100);
    (void)state;

    hold_zero_to_one(b, &held);
    start_transfer(&reverse, b, 1, 0, 7);
    if (oslabs_call_asleep(&reverse, ASLEEP_MS, 1, 2000) == OSLABS_RETURNED)
        fail_msg("while 0 -> 1 held both its locks, expected transfer 1 -> 0 to wait, actual it "
                 "returned %d",
                 reverse.rc);
    if (hook_calls(1, 0) != 0)
        fail_msg("while 0 -> 1 held both its locks, expected no hook call for 1 -> 0, actual %d",
                 hook_calls(1, 0));
    gate_release();
    if (!oslabs_call_wait(&held, WAIT_MS) || !oslabs_call_wait(&reverse, WAIT_MS))
        fail_msg("after 0 -> 1 was released, expected both transfers to finish within %d ms",
                 WAIT_MS);
    assert_int_equal(held.rc, 0);
    assert_int_equal(reverse.rc, 0);
    assert_int_equal(hook_calls(1, 0), 1);
    oslabs_call_join(&held);
    oslabs_call_join(&reverse);
    expect_balance(b, 0, 97);
    expect_balance(b, 1, 103);
    bank_destroy(b);
}

/* Account 0 holds 100. While 0 -> 1 of 100 is held inside its critical
 * section, 0 -> 2 of 100 waits; once released it must fail with EAGAIN:
 * the funds are checked under the locks, not before. */
static void bank_hold_funds_checked_under_lock(void **state)
{
    static struct oslabs_call held, second;
    bank_t *b = must_create(3, 100);
    (void)state;

    gate_arm(0, 1);
    bank_set_hold_hook(b, hold_hook, &gate);
    start_transfer(&held, b, 0, 1, 100);
    if (!gate_wait_entered(WAIT_MS))
        fail_msg("transfer 0 -> 1: expected the hold hook to be called within %d ms, actual no "
                 "call",
                 WAIT_MS);
    start_transfer(&second, b, 0, 2, 100);
    if (oslabs_call_asleep(&second, ASLEEP_MS, 1, 2000) == OSLABS_RETURNED)
        fail_msg("while 0 -> 1 held account 0, expected transfer 0 -> 2 to wait, actual it "
                 "returned %d",
                 second.rc);
    gate_release();
    if (!oslabs_call_wait(&held, WAIT_MS) || !oslabs_call_wait(&second, WAIT_MS))
        fail_msg("after 0 -> 1 was released, expected both transfers to finish within %d ms",
                 WAIT_MS);
    assert_int_equal(held.rc, 0);
    if (second.rc != -1 || second.err != EAGAIN)
        fail_msg("0 -> 2 of 100 after 0 -> 1 of 100 emptied account 0: expected -1 EAGAIN, "
                 "actual %d errno %d",
                 second.rc, second.err);
    oslabs_call_join(&held);
    oslabs_call_join(&second);
    expect_balance(b, 0, 0);
    expect_balance(b, 1, 200);
    expect_balance(b, 2, 100);
    bank_destroy(b);
}

/* ---- workloads for valgrind (small, paced: helgrind runs one thread at a time) ---- */

struct small {
    bank_t *bank;
    int id;
    long bad; /* the auditor's wrong totals */
    pthread_t thread;
};

static void *small_worker(void *arg)
{
    struct small *w = arg;
    unsigned seed = 77u + (unsigned)w->id;

    for (int i = 0; i < 300; i++) {
        size_t from = i % 2 ? (size_t)(w->id & 1) : (size_t)rand_r(&seed) % 4;
        size_t to = i % 2 ? 1 - from : (size_t)rand_r(&seed) % 4;
        bank_transfer(w->bank, from, to, 1 + rand_r(&seed) % 30);
        if (i % 50 == 0)
            bank_balance(w->bank, to);
    }
    return NULL;
}

static void *small_auditor(void *arg)
{
    struct small *w = arg;

    for (int i = 0; i < 30; i++) {
        if (bank_total(w->bank) != 400)
            w->bad++;
        oslabs_sleep_ms(2);
    }
    return NULL;
}

/* The small workload's bank lives in *state while it exists: a failed check
 * ends the test anywhere, and bank_small_teardown destroys it then, so that
 * memcheck reports only what the student's code leaks. */
static int bank_small_teardown(void **state)
{
    if (*state != NULL)
        bank_destroy(*state);
    *state = NULL;
    return 0;
}

/* Three threads transfer both ways and one audits: run under helgrind (no
 * lock-order violation, no data race) and memcheck. */
static void bank_small_workload(void **state)
{
    struct small w[4];
    bank_t *b = must_create(4, 100);
    long total;

    *state = b;
    for (int i = 0; i < 4; i++) {
        w[i] = (struct small){.bank = b, .id = i};
        assert_int_equal(
            pthread_create(&w[i].thread, NULL, i == 3 ? small_auditor : small_worker, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(w[i].thread, NULL);
    if (w[3].bad != 0)
        fail_msg("bank_total during transfers: expected 400, actual wrong %ld times of 30",
                 w[3].bad);
    if ((total = bank_total(b)) != 400)
        fail_msg("bank_total after the transfers: expected 400, actual %ld", total);
    *state = NULL;
    bank_destroy(b);

    for (size_t n = 1; n <= 64; n *= 4) {
        *state = b = must_create(n, 10);
        if (bank_transfer(b, 0, n - 1, 5) != 0)
            fail_msg("bank_transfer(b, 0, %zu, 5) in a bank of %zu: expected 0, actual -1 (%s)",
                     n - 1, n, strerror(errno));
        if ((total = bank_total(b)) != (long)n * 10)
            fail_msg("bank_total of %zu accounts of 10: expected %ld, actual %ld", n, (long)n * 10,
                     total);
        *state = NULL;
        bank_destroy(b);
    }
    *state = b = bank_create(0, 1);
    if (b != NULL)
        fail_msg("bank_create(0, 1): expected NULL, actual a bank");
}

/* cmocka test named NAME (kebab-case, as the grader names it). */
#define TEST(fn, name)                                                                             \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }

static const struct CMUnitTest tests[] = {
    TEST(bank_create_errors, "bank-create-errors"),
    TEST(bank_transfer_errors, "bank-transfer-errors"),
    TEST(bank_transfer_moves_money, "bank-transfer-moves-money"),
    TEST(bank_stress_both_ways, "bank-stress-both-ways"),
    TEST(bank_hold_hook_calls, "bank-hold-hook-calls"),
    TEST(bank_hold_no_global_lock, "bank-hold-no-global-lock"),
    TEST(bank_hold_reverse_waits, "bank-hold-reverse-waits"),
    TEST(bank_hold_funds_checked_under_lock, "bank-hold-funds-checked-under-lock"),
    {"bank-small-workload", bank_small_workload, NULL, bank_small_teardown, NULL},
};

OSLABS_TEST_MAIN(tests)
