/*
 * test_lockdep.c - the lock-order validator: cycles of 2, 3, 5 and 1000
 * locks built by different threads at different times (no run deadlocks),
 * reported once with the names in order, before the acquisition that
 * closes them waits; an edge from every held lock; consistent orders and
 * thousands of locks never report; a self-deadlock is reported and refused; edges are
 * global while the locks a thread holds are its own.
 *
 * Every acquisition sequence runs on a helper thread that the test waits
 * for with a bound, so a validator that blocks fails the test instead of
 * hanging it.
 */
#include "oslabs_test.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockdep.h"
#include "oslabs_proc.h"

/* A call counts as blocked once its thread has been asleep inside it this
 * long in a row (oslabs_wait_asleep says why one glimpse is not enough). */
#define ASLEEP_MS 20
/* A call that should return at once has blocked once its thread has been
 * asleep inside it this long in a row. */
#define BLOCKED_MS 200

#define WAIT_MS 5000 /* the longest a test waits for a sequence that cannot block */
#define KEPT    8    /* reports whose names are kept */

/* ---- a reporter that records what it is given ---- */

static struct record {
    pthread_mutex_t lock;
    int count;          /* guarded by lock: reporter calls */
    char **names[KEPT]; /* guarded by lock: copies, for the first KEPT calls */
    size_t n[KEPT];
} rec = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void record_report(const char *const *names, size_t n, void *arg)
{
    struct record *r = arg;

    pthread_mutex_lock(&r->lock);
    if (r->count < KEPT) {
        r->names[r->count] = calloc(n ? n : 1, sizeof(char *));
        for (size_t i = 0; i < n && r->names[r->count] != NULL; i++)
            r->names[r->count][i] = strdup(names[i] ? names[i] : "(null)");
        r->n[r->count] = n;
    }
    r->count++;
    pthread_mutex_unlock(&r->lock);
}

static int reports(void)
{
    int n;

    pthread_mutex_lock(&rec.lock);
    n = rec.count;
    pthread_mutex_unlock(&rec.lock);
    return n;
}

/* Every test starts with no edges and an empty record. */
static int setup(void **state)
{
    (void)state;
    ld_reset();
    ld_set_reporter(record_report, &rec);
    pthread_mutex_lock(&rec.lock);
    rec.count = 0;
    pthread_mutex_unlock(&rec.lock);
    return 0;
}

/* "A -> B -> A" for report i, into buf. */
static const char *report_text(int i, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    if (i >= KEPT || rec.names[i] == NULL || rec.n[i] == 0)
        return buf;
    for (size_t k = 0; k <= rec.n[i] && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? " -> " : "",
                                rec.names[i][k % rec.n[i]]);
    return buf;
}

static void expect_reports(int want, const char *when)
{
    int got = reports();

    if (got != want) {
        char buf[256];
        fail_msg("%s: expected %d report%s, actual %d (first: %s)", when, want,
                 want == 1 ? "" : "s", got, got ? report_text(0, buf, sizeof(buf)) : "none");
    }
}

/* Expects report i to be exactly the cycle names[0] -> ... -> names[n-1]. */
static void expect_cycle(int i, const char *const *names, size_t n)
{
    char want[256];
    size_t len = 0;
    bool same = rec.n[i] == n;

    for (size_t k = 0; k <= n && len < sizeof(want); k++)
        len +=
            (size_t)snprintf(want + len, sizeof(want) - len, "%s%s", k ? " -> " : "", names[k % n]);
    for (size_t k = 0; same && k < n; k++)
        same = strcmp(rec.names[i][k], names[k]) == 0;
    if (!same) {
        char got[256];
        fail_msg("expected the cycle %s (names[0] the lock being acquired), actual %s", want,
                 report_text(i, got, sizeof(got)));
    }
}

/* ---- acquisition sequences on helper threads ---- */

struct seq {
    ld_mutex_t *locks[8];
    int n;
};

/* Takes the locks in order, then releases them in reverse. 0, or the first
 * error number ld_lock or ld_unlock returned. */
static int run_seq_call(struct oslabs_call *c)
{
    struct seq *s = c->obj;
    int err = 0, taken = 0;

    for (int i = 0; i < s->n && err == 0; i++) {
        err = ld_lock(s->locks[i]);
        taken += err == 0;
    }
    while (taken > 0) {
        int e = ld_unlock(s->locks[--taken]);
        err = err ? err : e;
    }
    return err;
}

/* Runs one sequence on a new thread, which has ended when this returns. */
static void run_seq(int n, ...)
{
    static struct oslabs_call c;
    static struct seq s;
    va_list ap;
    char names[128];
    size_t len = 0;

    va_start(ap, n);
    s.n = n;
    for (int i = 0; i < n; i++) {
        s.locks[i] = va_arg(ap, ld_mutex_t *);
        len += (size_t)snprintf(names + len, sizeof(names) - len, " %s", s.locks[i]->name);
    }
    va_end(ap);
    c.fn = run_seq_call;
    c.obj = &s;
    oslabs_call_start(&c);
    if (!oslabs_call_wait(&c, WAIT_MS))
        fail_msg("a thread taking%s in this order: expected it to finish, actual still running "
                 "after %d ms",
                 names, WAIT_MS);
    oslabs_call_join(&c);
    if (c.rc != 0)
        fail_msg("a thread taking%s in this order: expected ld_lock and ld_unlock to return 0, "
                 "actual %d (%s)",
                 names, c.rc, strerror(c.rc));
}

static void init(ld_mutex_t *m, const char *name)
{
    int err = ld_mutex_init(m, name);

    if (err != 0)
        fail_msg("ld_mutex_init(%s): expected 0, actual %d", name, err);
}

/* ---- cycles ---- */

/* A -> B in one thread, later B -> A in another: one report, A -> B -> A. */
static void lockdep_cycle_2_locks(void **state)
{
    static ld_mutex_t a, b;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    run_seq(2, &a, &b);
    expect_reports(0, "after A then B");
    run_seq(2, &b, &a);
    expect_reports(1, "after A then B, then B then A in another thread");
    expect_cycle(0, (const char *[]){"A", "B"}, 2);
    for (int i = 0; i < 3; i++) {
        run_seq(2, &a, &b);
        run_seq(2, &b, &a);
    }
    expect_reports(1, "after both orders again (a cycle is reported once)");
}

/* B -> C, A -> B, then C -> A: one report, A -> B -> C -> A. */
static void lockdep_cycle_3_locks(void **state)
{
    static ld_mutex_t a, b, c;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    init(&c, "C");
    run_seq(2, &b, &c);
    run_seq(2, &a, &b);
    expect_reports(0, "after B then C, A then B");
    run_seq(2, &c, &a);
    expect_reports(1, "after B then C, A then B, C then A");
    expect_cycle(0, (const char *[]){"A", "B", "C"}, 3);
    run_seq(2, &c, &a);
    run_seq(2, &a, &b);
    run_seq(2, &b, &c);
    expect_reports(1, "after the same orders again (a cycle is reported once)");
}

/* Four threads record L2 -> L3, L0 -> L1, L3 -> L4, L4 -> L0; a fifth takes
 * L1 then L2: one report, L2 -> L3 -> L4 -> L0 -> L1 -> L2. */
static void lockdep_cycle_5_locks(void **state)
{
    static ld_mutex_t l[5];
    static const char *const names[5] = {"L0", "L1", "L2", "L3", "L4"};
    (void)state;

    for (int i = 0; i < 5; i++)
        init(&l[i], names[i]);
    run_seq(2, &l[2], &l[3]);
    run_seq(2, &l[0], &l[1]);
    run_seq(2, &l[3], &l[4]);
    run_seq(2, &l[4], &l[0]);
    expect_reports(0, "after L2 L3, L0 L1, L3 L4, L4 L0");
    run_seq(2, &l[1], &l[2]);
    expect_reports(1, "after L2 L3, L0 L1, L3 L4, L4 L0, then L1 L2");
    expect_cycle(0, (const char *[]){"L2", "L3", "L4", "L0", "L1"}, 5);
    run_seq(2, &l[1], &l[2]);
    expect_reports(1, "after L1 L2 again (a cycle is reported once)");
}

/* One thread takes C0..C999 hand over hand (C(i) -> C(i+1)); another takes
 * C999 then C0: one report naming all 1000 locks in order. */
static void lockdep_cycle_1000_locks(void **state)
{
    enum { N = 1000 };
    static ld_mutex_t c[N];
    static char names[N][8];
    static const char *want[N];
    (void)state;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "C%d", i);
        want[i] = names[i];
        init(&c[i], names[i]);
    }
    assert_int_equal(ld_lock(&c[0]), 0);
    for (int i = 1; i < N; i++) {
        assert_int_equal(ld_lock(&c[i]), 0);
        assert_int_equal(ld_unlock(&c[i - 1]), 0);
    }
    assert_int_equal(ld_unlock(&c[N - 1]), 0);
    expect_reports(0, "after C0..C999 hand over hand");
    run_seq(2, &c[N - 1], &c[0]);
    expect_reports(1, "after C999 then C0");
    if (rec.n[0] != N)
        fail_msg("expected a cycle of %d locks, actual %zu", N, rec.n[0]);
    expect_cycle(0, want, N);
}

/* ---- consistent orders ---- */

struct order_worker {
    ld_mutex_t *locks;
    int nlocks, iterations, maxdepth;
    unsigned seed;
    int err; /* the first error number ld_lock or ld_unlock returned */
    pthread_t thread;
};

/* Random nested acquisitions in increasing index order: some locks are
 * released and taken again while others are held, and locks are released
 * in any order. */
static void *order_worker_main(void *arg)
{
    struct order_worker *w = arg;

    for (int it = 0; it < w->iterations && w->err == 0; it++) {
        int idx[8], n = 0, depth = 2 + rand_r(&w->seed) % (w->maxdepth - 1);
        int lo = rand_r(&w->seed) % w->nlocks;
        for (int i = lo; i < w->nlocks && n < depth; i++)
            if (n == 0 || rand_r(&w->seed) % (1 + (w->nlocks - lo) / depth) == 0)
                idx[n++] = i;
        for (int i = 0; i < n && w->err == 0; i++)
            w->err = ld_lock(&w->locks[idx[i]]);
        if (w->err == 0 && n > 1 && rand_r(&w->seed) % 2 == 0) {
            w->err = ld_unlock(&w->locks[idx[n - 1]]);
            w->err = w->err ? w->err : ld_lock(&w->locks[idx[n - 1]]);
        }
        while (n > 0 && w->err == 0) {
            int k = rand_r(&w->seed) % n;
            w->err = ld_unlock(&w->locks[idx[k]]);
            idx[k] = idx[--n];
        }
    }
    return NULL;
}

/* Runs nthreads order workers to the end. */
static void run_order_workers(ld_mutex_t *locks, int nlocks, int nthreads, int iterations,
                              int maxdepth)
{
    struct order_worker w[4];

    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct order_worker){.locks = locks,
                                     .nlocks = nlocks,
                                     .iterations = iterations,
                                     .maxdepth = maxdepth,
                                     .seed = 42u + (unsigned)i};
        assert_int_equal(pthread_create(&w[i].thread, NULL, order_worker_main, &w[i]), 0);
    }
    for (int i = 0; i < nthreads; i++)
        pthread_join(w[i].thread, NULL);
    for (int i = 0; i < nthreads; i++)
        if (w[i].err != 0)
            fail_msg("consistent nested locking: expected ld_lock and ld_unlock to return 0, "
                     "actual %d (%s)",
                     w[i].err, strerror(w[i].err));
}

/* Checks that every report is a cycle lo -> ... -> hi through increasing
 * lock numbers (the only edges recorded), written prefix NUMBER. */
static void expect_increasing_cycles(char prefix, int lo, int hi)
{
    char buf[256];

    pthread_mutex_lock(&rec.lock);
    for (int i = 0; i < rec.count && i < KEPT; i++) {
        int prev = -1;
        bool ok = rec.n[i] >= 2;
        for (size_t k = 0; ok && k < rec.n[i]; k++) {
            int num = rec.names[i][k][0] == prefix ? atoi(rec.names[i][k] + 1) : -1;
            ok = num > prev && (k > 0 || num == lo) && (k + 1 < rec.n[i] || num == hi);
            prev = num;
        }
        if (!ok) {
            pthread_mutex_unlock(&rec.lock);
            fail_msg("after %c%d then %c%d: expected a cycle %c%d -> ... -> %c%d -> %c%d through "
                     "recorded edges, actual %s",
                     prefix, hi, prefix, lo, prefix, lo, prefix, hi, prefix, lo,
                     report_text(i, buf, sizeof(buf)));
        }
    }
    pthread_mutex_unlock(&rec.lock);
}

/* Four threads nest 16 locks, always in increasing order, with releases and
 * re-acquisitions in between: no report. Then L15 before L0 is reported. */
static void lockdep_consistent_order(void **state)
{
    enum { N = 16 };
    static ld_mutex_t l[N];
    static char names[N][8];
    (void)state;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "L%d", i);
        init(&l[i], names[i]);
    }
    run_seq(4, &l[0], &l[3], &l[9], &l[15]);
    run_order_workers(l, N, 4, 3000, 4);
    expect_reports(0, "after consistent nested locking in 4 threads");
    run_seq(2, &l[N - 1], &l[0]);
    if (reports() == 0)
        fail_msg("after L15 then L0 (L0 before L15 was recorded): expected a report, actual none");
    expect_increasing_cycles('L', 0, N - 1);
}

/* 2000 locks, thousands of edges in a consistent order: no report, and the
 * checks stay fast (visit each lock at most once per search). */
static void lockdep_thousands_of_locks(void **state)
{
    enum { N = 2000 };
    static ld_mutex_t t[N];
    static char names[N][8];
    double start;
    (void)state;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "T%d", i);
        init(&t[i], names[i]);
    }
    start = oslabs_now_ms();
    run_seq(3, &t[5], &t[700], &t[1999]);
    run_order_workers(t, N, 2, 4000, 3);
    expect_reports(0, "after consistent nested locking of 2000 locks");
    run_seq(2, &t[1999], &t[5]);
    if (reports() == 0)
        fail_msg("after T1999 then T5 (T5 before T1999 was recorded): expected a report, actual "
                 "none");
    expect_increasing_cycles('T', 5, N - 1);
    printf("%.0f ms for 8000 nested acquisitions of 2000 locks\n", oslabs_now_ms() - start);
}

/* ---- self-deadlock, per-thread held locks, reset ---- */

static struct {
    ld_mutex_t a;
    int first, second, unlock; /* what each call returned */
} self;

static int self_call(struct oslabs_call *c)
{
    (void)c;
    self.first = ld_lock(&self.a);
    self.second = ld_lock(&self.a);
    self.unlock = ld_unlock(&self.a);
    return 0;
}

/* Taking A twice in one thread: reported as the cycle A -> A, then ld_lock
 * returns EDEADLK at once; A is still held once, and unlocks. */
static void lockdep_self_deadlock(void **state)
{
    static struct oslabs_call c;
    (void)state;

    init(&self.a, "A");
    c.fn = self_call;
    oslabs_call_start(&c);
    if (oslabs_call_asleep(&c, BLOCKED_MS, 5, WAIT_MS) != OSLABS_RETURNED)
        fail_msg("ld_lock(A) in a thread that holds A: expected EDEADLK at once, actual it %s",
                 oslabs_thread_state(c.tid) == 'S' ? "blocks" : "does not return");
    oslabs_call_join(&c);
    assert_int_equal(self.first, 0);
    if (self.second != EDEADLK)
        fail_msg("ld_lock(A) in a thread that holds A: expected EDEADLK (%d), actual %d", EDEADLK,
                 self.second);
    expect_reports(1, "after taking A twice in one thread");
    expect_cycle(0, (const char *[]){"A"}, 1);
    if (self.unlock != 0)
        fail_msg("ld_unlock(A) after the refused second ld_lock: expected 0, actual %d",
                 self.unlock);
    if (pthread_mutex_trylock(&self.a.mutex) != 0)
        fail_msg("after ld_unlock(A): expected A to be free, actual still locked");
    pthread_mutex_unlock(&self.a.mutex);
    assert_int_equal(ld_lock(&self.a), 0);
    assert_int_equal(ld_unlock(&self.a), 0);
    expect_reports(1, "after taking A once more");
}

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool holding, release; /* guarded by lock */
    ld_mutex_t *m;
} holder = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Takes holder.m and keeps it until told to release it. */
static int holder_call(struct oslabs_call *c)
{
    int err = ld_lock(holder.m);

    (void)c;
    pthread_mutex_lock(&holder.lock);
    holder.holding = true;
    pthread_cond_broadcast(&holder.cond);
    while (!holder.release)
        pthread_cond_wait(&holder.cond, &holder.lock);
    pthread_mutex_unlock(&holder.lock);
    return err ? err : ld_unlock(holder.m);
}

/* Starts a thread that takes m with ld_lock and keeps it until
 * holder_release; returns once it holds m. */
static void holder_start(struct oslabs_call *hold, ld_mutex_t *m)
{
    bool holding;

    holder.m = m;
    holder.holding = holder.release = false;
    hold->fn = holder_call;
    oslabs_call_start(hold);
    pthread_mutex_lock(&holder.lock);
    for (int i = 0; i < WAIT_MS && !holder.holding; i++) {
        pthread_mutex_unlock(&holder.lock);
        oslabs_sleep_ms(1);
        pthread_mutex_lock(&holder.lock);
    }
    holding = holder.holding;
    pthread_mutex_unlock(&holder.lock);
    if (!holding)
        fail_msg("a thread taking %s: expected ld_lock(%s) to return, actual still waiting",
                 m->name, m->name);
}

/* Lets the holder release its lock and waits for it to end. */
static void holder_release(struct oslabs_call *hold)
{
    pthread_mutex_lock(&holder.lock);
    holder.release = true;
    pthread_cond_broadcast(&holder.cond);
    pthread_mutex_unlock(&holder.lock);
    if (!oslabs_call_wait(hold, WAIT_MS))
        fail_msg("the thread holding %s: expected ld_unlock(%s) to return, actual still waiting",
                 holder.m->name, holder.m->name);
    oslabs_call_join(hold);
    assert_int_equal(hold->rc, 0);
}

/* While one thread holds A, another takes B, and C then D: only C -> D is
 * recorded (the locks a thread holds are its own), so B then A reports
 * nothing and D then C reports C -> D -> C. */
static void lockdep_held_locks_per_thread(void **state)
{
    static ld_mutex_t a, b, c, d;
    static struct oslabs_call hold;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    init(&c, "C");
    init(&d, "D");
    holder_start(&hold, &a);
    run_seq(1, &b);
    run_seq(2, &c, &d);
    holder_release(&hold);

    run_seq(2, &b, &a);
    expect_reports(0, "after B then A (A was held by another thread when B was taken)");
    run_seq(2, &d, &c);
    expect_reports(1, "after C then D, then D then C");
    expect_cycle(0, (const char *[]){"C", "D"}, 2);
}

/* A then B was recorded. While another thread holds A, a thread takes B
 * then A: its ld_lock(A) waits for A, and the cycle A -> B -> A must be
 * reported before it waits (in a real deadlock, nobody would release A and
 * a report made after the wait would never come). */
static void lockdep_report_before_blocking(void **state)
{
    static ld_mutex_t a, b;
    static struct oslabs_call hold, c;
    static struct seq s;
    int seen = 0;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    run_seq(2, &a, &b);
    expect_reports(0, "after A then B");
    holder_start(&hold, &a);
    s = (struct seq){.locks = {&b, &a}, .n = 2};
    c.fn = run_seq_call;
    c.obj = &s;
    oslabs_call_start(&c);
    if (oslabs_call_asleep(&c, ASLEEP_MS, 1, WAIT_MS) == OSLABS_RETURNED)
        fail_msg("a thread taking B then A while another thread holds A: expected ld_lock(A) to "
                 "wait, actual it returned %d",
                 c.rc);
    for (int i = 0; i < 1000 && (seen = reports()) == 0; i++)
        oslabs_sleep_ms(1);
    if (seen != 1)
        fail_msg("a thread taking B then A (A then B was recorded) while another thread holds A: "
                 "expected the cycle A -> B -> A reported before ld_lock(A) waits, actual %d "
                 "reports 1 s into the wait",
                 seen);
    expect_cycle(0, (const char *[]){"A", "B"}, 2);
    holder_release(&hold);
    if (!oslabs_call_wait(&c, WAIT_MS))
        fail_msg("a thread waiting for A: expected ld_lock(A) to return once A was released, "
                 "actual still waiting");
    oslabs_call_join(&c);
    if (c.rc != 0)
        fail_msg("a thread taking B then A: expected 0 from ld_lock and ld_unlock, actual %d (%s)",
                 c.rc, strerror(c.rc));
    expect_reports(1, "after A was released and B then A finished (a cycle is reported once)");
}

/* One thread takes A, B and C, nested: that records A -> B, A -> C and
 * B -> C (an edge from every held lock). Then C then B in another thread
 * closes the cycle B -> C -> B, which only the inner edge B -> C makes. */
static void lockdep_cycle_inner_locks(void **state)
{
    static ld_mutex_t a, b, c;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    init(&c, "C");
    run_seq(3, &a, &b, &c);
    expect_reports(0, "after A, B, C nested");
    run_seq(2, &c, &b);
    expect_reports(1, "after A, B, C nested, then C then B in another thread");
    expect_cycle(0, (const char *[]){"B", "C"}, 2);
}

/* ld_reset forgets every edge: A then B, reset, B then A reports nothing;
 * then A then B reports B -> A -> B. */
static void lockdep_reset_forgets_edges(void **state)
{
    static ld_mutex_t a, b;
    (void)state;

    init(&a, "A");
    init(&b, "B");
    run_seq(2, &a, &b);
    ld_reset();
    run_seq(2, &b, &a);
    expect_reports(0, "after A then B, ld_reset, then B then A");
    run_seq(2, &a, &b);
    expect_reports(1, "after B then A, then A then B");
    expect_cycle(0, (const char *[]){"B", "A"}, 2);
}

/* cmocka test named NAME (kebab-case, as the grader names it). */
#define TEST(fn, name)                                                                             \
    {                                                                                              \
        name, fn, setup, NULL, NULL                                                                \
    }

static const struct CMUnitTest tests[] = {
    TEST(lockdep_cycle_2_locks, "lockdep-cycle-2-locks"),
    TEST(lockdep_cycle_3_locks, "lockdep-cycle-3-locks"),
    TEST(lockdep_cycle_5_locks, "lockdep-cycle-5-locks"),
    TEST(lockdep_cycle_1000_locks, "lockdep-cycle-1000-locks"),
    TEST(lockdep_consistent_order, "lockdep-consistent-order"),
    TEST(lockdep_thousands_of_locks, "lockdep-thousands-of-locks"),
    TEST(lockdep_self_deadlock, "lockdep-self-deadlock"),
    TEST(lockdep_held_locks_per_thread, "lockdep-held-locks-per-thread"),
    TEST(lockdep_reset_forgets_edges, "lockdep-reset-forgets-edges"),
    TEST(lockdep_report_before_blocking, "lockdep-report-before-blocking"),
    TEST(lockdep_cycle_inner_locks, "lockdep-cycle-inner-locks"),
};

OSLABS_TEST_MAIN(tests)
