/*
 * test_gate.c - what the log does with fsync itself, seen through the fsync
 * shim (libfsyncshim.so, preloaded): fail-stop after an fsync error
 * (fsyncgate), and group commit.
 *
 * fsyncgate: on Linux an fsync that fails with EIO has already dropped the
 * dirty pages it could not write; the next fsync finds nothing to write and
 * returns 0. A log that retries "succeeds" having lost data. So after an
 * fsync error, this append and every later one must fail with EIO, and no
 * fsync may be called again. The shim makes the Nth call fail and counts the
 * calls after it.
 */
#define _GNU_SOURCE
#include "oslabs_proc.h"
#include "oslabs_test.h"

#include "dlog.h"
#include "records.h"
#include "testlib.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LOG "t.log"

static dlog_t *must_open(const char *path)
{
    errno = 0;
    dlog_t *log = dlog_open(path);
    if (log == NULL)
        fail_msg("dlog_open(\"%s\"): expected a log, actual NULL with %s", path, errno_name(errno));
    return log;
}

/* ------------------------------------------------------------- fsyncgate */

static void fsyncgate_eio_fails_log(void **state)
{
    unsigned char buf[2048];
    int first_failed = -1;
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    rec_fill(0, 0, buf);
    if (dlog_append(log, buf, rec_len(0, 0)) != 0)
        fail_msg("the first dlog_append: expected 0, actual %s", errno_name(errno));
    shim_config(3, 0, true); /* the third fsync from now fails with EIO */
    for (int i = 1; i < 12; i++) {
        struct fsyncshim_stats before = shim_stats();
        rec_fill(0, i, buf);
        errno = 0;
        int rc = dlog_append(log, buf, rec_len(0, i));
        int err = errno;
        struct fsyncshim_stats after = shim_stats();
        bool failed_now = before.failed_call == 0 && after.failed_call != 0;
        if (first_failed < 0 && failed_now) {
            if (rc != -1 || err != EIO)
                fail_msg("append %d, during which fsync failed with EIO: expected -1 with EIO, "
                         "actual %d with %s",
                         i + 1, rc, errno_name(err));
            first_failed = i;
        } else if (first_failed < 0 && rc != 0) {
            fail_msg("append %d (no fsync had failed yet): expected 0, actual %d with %s", i + 1,
                     rc, errno_name(err));
        } else if (first_failed >= 0 && (rc != -1 || err != EIO)) {
            fail_msg("append %d, after the fsync error of append %d: expected -1 with EIO (the "
                     "log is failed), actual %d with %s",
                     i + 1, first_failed + 1, rc, errno_name(err));
        }
    }
    struct fsyncshim_stats s = shim_stats();
    if (first_failed < 0)
        fail_msg("the shim fails the third fsync from append 2 on: expected an append to return "
                 "EIO, actual %ld fsync calls in 11 appends and no failure",
                 s.calls);
    if (s.after_failure != 0)
        fail_msg("after the fsync that failed: expected no more fsync calls (never retry: the "
                 "data may be gone), actual %ld",
                 s.after_failure);
    dlog_close(log);
    /* The records acknowledged before the failure are in the file. */
    struct reclist got = {0};
    replay_into(LOG, &got, NULL);
    if ((int)got.n < first_failed)
        fail_msg("after the failure: expected the %d acknowledged records replayed, actual %zu",
                 first_failed, got.n);
    reclist_free(&got);
}

#define GATE_THREADS 4
#define GATE_APPENDS 40

struct gate_thread {
    int t;
    int ok, failed;
    char why[200];
};

static dlog_t *shared;

static void *gate_appender(void *arg)
{
    struct gate_thread *g = arg;
    unsigned char buf[2048];

    for (int i = 0; i < GATE_APPENDS; i++) {
        rec_fill(g->t, i, buf);
        errno = 0;
        int rc = dlog_append(shared, buf, rec_len(g->t, i));
        if (rc == 0 && g->failed == 0) {
            g->ok++;
        } else if (rc != -1 || errno != EIO) {
            snprintf(g->why, sizeof(g->why),
                     "thread %d, append %d%s: expected -1 with EIO, actual %d with %s", g->t, i + 1,
                     g->failed ? " (after one of its appends failed)" : "", rc, errno_name(errno));
            break;
        } else {
            g->failed++;
        }
    }
    return NULL;
}

#define MAX_THREADS 8

struct acked {
    int next[MAX_THREADS]; /* records 0..next-1 of thread t replayed, in order */
};

static int count_acked(const void *data, uint32_t len, void *arg)
{
    struct acked *a = arg;
    int t, i;

    if (rec_parse(data, len, &t, &i) && t < MAX_THREADS && i == a->next[t])
        a->next[t]++;
    return 0;
}

static void fsyncgate_threads(void **state)
{
    struct gate_thread g[GATE_THREADS] = {0};
    pthread_t tid[GATE_THREADS];
    int failed = 0;
    (void)state;

    shim_fast();
    shared = must_open(LOG);
    shim_config(5, 300, true); /* the fifth fsync from now fails */
    for (int t = 0; t < GATE_THREADS; t++) {
        g[t].t = t;
        pthread_create(&tid[t], NULL, gate_appender, &g[t]);
    }
    for (int t = 0; t < GATE_THREADS; t++)
        pthread_join(tid[t], NULL);
    for (int t = 0; t < GATE_THREADS; t++) {
        if (g[t].why[0] != '\0')
            fail_msg("%s", g[t].why);
        failed += g[t].failed;
    }
    struct fsyncshim_stats s = shim_stats();
    if (failed == 0)
        fail_msg("%d threads x %d appends, the fifth fsync failing: expected appends to fail "
                 "with EIO, actual none failed (%ld fsync calls)",
                 GATE_THREADS, GATE_APPENDS, s.calls);
    if (s.after_failure != 0)
        fail_msg("after the fsync that failed: expected no more fsync calls, actual %ld",
                 s.after_failure);
    dlog_close(shared);
    struct acked a = {0};
    dlog_replay(LOG, count_acked, &a);
    for (int t = 0; t < GATE_THREADS; t++)
        if (a.next[t] < g[t].ok)
            fail_msg("thread %d: expected its %d acknowledged records replayed, actual %d", t,
                     g[t].ok, a.next[t]);
}

/* Every fsync dlog_open makes to create a log, failed in turn with EIO: the
 * new log is not durable, so dlog_open returns NULL. */
static void open_fsync_eio(void **state)
{
    char path[64];
    long before, calls;
    (void)state;

    shim_fast();
    assert_int_equal(mkdir("o", 0755), 0);
    before = shim_stats().calls;
    dlog_t *log = must_open("o/first.log");
    calls = shim_stats().calls - before;
    dlog_close(log);
    if (calls < 2)
        fail_msg("dlog_open creating o/first.log: expected at least 2 fsync calls (the file and "
                 "its directory), actual %ld",
                 calls);
    for (long nth = 1; nth <= calls; nth++) {
        snprintf(path, sizeof(path), "o/new-%ld.log", nth);
        shim_config(nth, 0, true); /* the nth fsync from now fails with EIO */
        errno = 0;
        log = dlog_open(path);
        int err = errno;
        shim_fast();
        if (log != NULL) {
            dlog_close(log);
            fail_msg("dlog_open(\"%s\") with fsync call %ld of %ld failing with EIO: expected NULL "
                     "(the new log is not durable), actual a log",
                     path, nth, calls);
        }
        if (err == 0)
            fail_msg("dlog_open(\"%s\") with fsync call %ld failing: expected NULL with an errno "
                     "(EIO), actual NULL with errno 0",
                     path, nth);
    }
}

/* ----------------------------------------------------------- group commit */

#define GC_THREADS 8
#define GC_APPENDS 500

/* When each append was called and returned (CLOCK_MONOTONIC ns). */
#define GC_MAX_CALLS (GC_THREADS * GC_APPENDS / 2) /* fewer fsyncs than this */
static long long gc_called[GC_THREADS][GC_APPENDS], gc_returned[GC_THREADS][GC_APPENDS];
static atomic_int gc_stop;     /* set: the appenders stop (the verdict is known) */
static atomic_int gc_finished; /* appenders whose loop ended */
static atomic_long gc_appended;

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *gc_appender(void *arg)
{
    int t = (int)(long)arg;
    unsigned char buf[2048];

    void *failed_at = NULL;

    for (int i = 0; i < GC_APPENDS && !atomic_load(&gc_stop); i++) {
        rec_fill(t, i, buf);
        gc_called[t][i] = now_ns();
        if (dlog_append(shared, buf, rec_len(t, i)) != 0) {
            failed_at = (void *)(long)(i + 1);
            break;
        }
        gc_returned[t][i] = now_ns();
        atomic_fetch_add(&gc_appended, 1);
    }
    atomic_fetch_add(&gc_finished, 1);
    return failed_at;
}

/* Is there a span that started at or after FROM and ended by TO? SPANS are
 * sorted by start. */
static bool synced_between(const struct fsyncshim_span *spans, long n, long long from, long long to)
{
    long lo = 0, hi = n;

    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;

        if (spans[mid].start_ns < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (long i = lo; i < n && spans[i].start_ns <= to; i++)
        if (spans[i].end_ns <= to)
            return true;
    return false;
}

/* Fewer fsyncs count only for a log that keeps its promise: every append
 * that returned 0 must have seen an fsync start after it was called (so
 * after its write) and end before it returned. A log that never syncs, or
 * acknowledges records an fsync already in flight did not cover, fails. */
static void check_acks_synced(long first_span)
{
    long n;
    const struct fsyncshim_span *spans = shim_spans(&n);

    spans += first_span;
    n -= first_span;
    for (int t = 0; t < GC_THREADS; t++)
        for (int i = 0; i < GC_APPENDS; i++)
            if (!synced_between(spans, n, gc_called[t][i], gc_returned[t][i]))
                fail_msg("thread %d, append %d: dlog_append returned 0, but no fsync or "
                         "fdatasync started after the call and ended before it returned (%ld "
                         "calls in all): the record was acknowledged before it was durable",
                         t, i + 1, n);
}

static void group_commit_fewer_fsyncs(void **state)
{
    pthread_t tid[GC_THREADS];
    long first_span;
    (void)state;

    shim_fast();
    shared = must_open(LOG);
    shim_config(0, 2000, true); /* every fsync takes 2 ms */
    long before = shim_stats().calls;
    shim_spans(&first_span);
    for (long t = 0; t < GC_THREADS; t++)
        pthread_create(&tid[t], NULL, gc_appender, (void *)t);
    /* the count only grows: once it reaches the bound, the verdict is known,
     * and the appenders stop instead of syncing on one by one (8 s) */
    while (atomic_load(&gc_finished) < GC_THREADS && shim_stats().calls - before < GC_MAX_CALLS)
        oslabs_sleep_ms(5);
    atomic_store(&gc_stop, 1);
    for (int t = 0; t < GC_THREADS; t++) {
        void *failed_at;
        pthread_join(tid[t], &failed_at);
        if (failed_at != NULL)
            fail_msg("thread %d: dlog_append of its record %ld failed: %s", t, (long)failed_at - 1,
                     errno_name(errno));
    }
    long calls = shim_stats().calls - before;
    shim_fast();
    if (atomic_load(&gc_appended) < GC_THREADS * GC_APPENDS)
        fail_msg("%d threads x %d appends with 2 ms fsyncs: expected fewer than %d fsync calls "
                 "(appenders that arrive during an fsync share the next one), actual %ld after "
                 "only %ld of the appends (stopped there)",
                 GC_THREADS, GC_APPENDS, GC_MAX_CALLS, calls, atomic_load(&gc_appended));
    check_acks_synced(first_span);
    dlog_close(shared);
    if (calls >= GC_MAX_CALLS)
        fail_msg("%d threads x %d appends with 2 ms fsyncs: expected fewer than %d fsync calls "
                 "(appenders that arrive during an fsync share the next one), actual %ld",
                 GC_THREADS, GC_APPENDS, GC_MAX_CALLS, calls);
    struct acked a = {0};
    long n = dlog_replay(LOG, count_acked, &a);
    for (int t = 0; t < GC_THREADS; t++)
        if (a.next[t] != GC_APPENDS)
            fail_msg("thread %d: expected its %d records replayed in order, actual %d", t,
                     GC_APPENDS, a.next[t]);
    if (n != GC_THREADS * GC_APPENDS)
        fail_msg("expected %d records replayed, actual %ld", GC_THREADS * GC_APPENDS, n);
    print_message("group commit: %ld fsync calls for %d appends\n", calls, GC_THREADS * GC_APPENDS);
}

#define T(fn, id)                                                                                  \
    {                                                                                              \
        .name = id, .test_func = fn                                                                \
    }

static const struct CMUnitTest tests[] = {
    T(fsyncgate_eio_fails_log, "fsyncgate-eio-fails-log"),
    T(fsyncgate_threads, "fsyncgate-threads"),
    T(open_fsync_eio, "open-fsync-eio"),
    T(group_commit_fewer_fsyncs, "group-commit-fewer-fsyncs"),
};

OSLABS_TEST_MAIN(tests)
