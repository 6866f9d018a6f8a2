/*
 * test_dlog.c - the log's behaviour through its API (include/dlog.h), one
 * property per test: round trips, record sizes, errors, reopening, a
 * process killed at random points, torn and corrupt tails, and a write
 * error. The on-disk format is the student's: no test reads its bytes,
 * except to cut or damage them, and then only the replay is judged.
 *
 * Unless a test is about fsync itself, the fsync shim turns fsync into a
 * no-op (shim_fast): durability is what the power-loss tests check, with
 * crashsim; here it would only cost time.
 */
#define _GNU_SOURCE
#include "oslabs_test.h"

#include "dlog.h"
#include "records.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG "t.log"

static dlog_t *must_open(const char *path)
{
    errno = 0;
    dlog_t *log = dlog_open(path);
    if (log == NULL)
        fail_msg("dlog_open(\"%s\"): expected a log, actual NULL with %s", path, errno_name(errno));
    return log;
}

/* Appends and remembers; fails the test if the append fails. */
static void must_append(dlog_t *log, struct reclist *appended, const void *data, uint32_t len)
{
    errno = 0;
    int rc = dlog_append(log, data, len);
    if (rc != 0)
        fail_msg("dlog_append of record #%zu (%u bytes): expected 0, actual %d with %s",
                 appended->n + 1, len, rc, errno_name(errno));
    reclist_add(appended, data, len);
}

static void append_test_record(dlog_t *log, struct reclist *appended, int t, int i)
{
    unsigned char buf[2048];

    rec_fill(t, i, buf);
    must_append(log, appended, buf, rec_len(t, i));
}

/* What check_replay last replayed. A failed check ends the test before it
 * is freed; a test run under memcheck frees it in its teardown, so that
 * memcheck never reports the test's own records as the student's leak. */
static struct reclist replayed;

static void check_replay(const char *path, const struct reclist *want, const char *when)
{
    int err;

    long n = replay_into(path, &replayed, &err);

    if (n < 0)
        fail_msg("%s: dlog_replay: expected %zu records, actual -1 with %s", when, want->n,
                 errno_name(err));
    if ((size_t)n != replayed.n)
        fail_msg("%s: dlog_replay returned %ld but called visit %zu times", when, n, replayed.n);
    assert_same(&replayed, want, when);
    reclist_free(&replayed);
}

/* ------------------------------------------------------------ round trips */

static void roundtrip_records_in_order(void **state)
{
    struct reclist appended = {0};
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < 200; i++)
        append_test_record(log, &appended, 0, i);
    check_replay(LOG, &appended, "200 records appended, the log still open");
    assert_int_equal(dlog_close(log), 0);
    check_replay(LOG, &appended, "after dlog_close");
    dlog_close(NULL); /* a no-op */
    reclist_free(&appended);
}

static void zero_length_records(void **state)
{
    struct reclist appended = {0};
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    must_append(log, &appended, "", 0);
    must_append(log, &appended, "x", 1);
    must_append(log, &appended, "", 0);
    must_append(log, &appended, "", 0);
    dlog_close(log);
    check_replay(LOG, &appended, "records of 0, 1, 0 and 0 bytes");
    reclist_free(&appended);
}

static void record_of_1mib(void **state)
{
    struct reclist appended = {0};
    unsigned char *big = malloc(DLOG_MAX_RECORD);
    (void)state;

    assert_non_null(big);
    for (uint32_t k = 0; k < DLOG_MAX_RECORD; k++)
        big[k] = (unsigned char)(k * 7 + k / 4096);
    shim_fast();
    dlog_t *log = must_open(LOG);
    must_append(log, &appended, big, DLOG_MAX_RECORD);
    must_append(log, &appended, "small", 5);
    must_append(log, &appended, big + 1, DLOG_MAX_RECORD - 1);
    dlog_close(log);
    check_replay(LOG, &appended, "records of 1 MiB, 5 bytes and 1 MiB - 1");
    log = must_open(LOG);
    must_append(log, &appended, big, DLOG_MAX_RECORD);
    dlog_close(log);
    check_replay(LOG, &appended, "after reopening and one more 1 MiB record");
    reclist_free(&appended);
    free(big);
}

static void too_long_einval(void **state)
{
    struct reclist appended = {0};
    unsigned char *big = calloc(1, DLOG_MAX_RECORD + 1);
    static const uint32_t lens[] = {DLOG_MAX_RECORD + 1, DLOG_MAX_RECORD + 4096, UINT32_MAX};
    (void)state;

    assert_non_null(big);
    shim_fast();
    dlog_t *log = must_open(LOG);
    for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        errno = 0;
        int rc = dlog_append(log, big, lens[k]);
        if (rc != -1 || errno != EINVAL)
            fail_msg("dlog_append of %u bytes (1 MiB is the most): expected -1 with EINVAL, "
                     "actual %d with %s",
                     lens[k], rc, errno_name(errno));
    }
    must_append(log, &appended, "still works", 11);
    dlog_close(log);
    check_replay(LOG, &appended, "a rejected append, then one of 11 bytes");
    reclist_free(&appended);
    free(big);
}

static void reopen_continues(void **state)
{
    struct reclist appended = {0};
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < 3; i++)
        append_test_record(log, &appended, 0, i);
    dlog_close(log);
    log = must_open(LOG);
    for (int i = 3; i < 5; i++)
        append_test_record(log, &appended, 0, i);
    dlog_close(log);
    log = must_open(LOG);
    dlog_close(log);
    check_replay(LOG, &appended, "3 records, reopen, 2 more, reopen and close");
    log = must_open(LOG);
    append_test_record(log, &appended, 0, 5);
    dlog_close(log);
    check_replay(LOG, &appended, "and one more after a third reopen");
    reclist_free(&appended);
}

struct stopper {
    int calls;
    int stop_at;
    void *arg_seen;
};

static int stop_visit(const void *data, uint32_t len, void *arg)
{
    struct stopper *s = arg;

    (void)data;
    (void)len;
    s->arg_seen = arg;
    return ++s->calls == s->stop_at ? 7 : 0;
}

static void replay_stops_early(void **state)
{
    struct reclist appended = {0};
    static const int stops[] = {4, 1, 10};
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < 10; i++)
        append_test_record(log, &appended, 0, i);
    dlog_close(log);
    for (size_t k = 0; k < sizeof(stops) / sizeof(stops[0]); k++) {
        struct stopper s = {0, stops[k], NULL};
        long n = dlog_replay(LOG, stop_visit, &s);
        if (s.calls != stops[k] || n != stops[k])
            fail_msg("visit returns non-zero at call %d of 10 records: expected %d calls and %d "
                     "returned (the stopping call counts), actual %d calls and %ld returned",
                     stops[k], stops[k], stops[k], s.calls, n);
        assert_ptr_equal(s.arg_seen, &s);
    }
    reclist_free(&appended);
}

static int count_visit(const void *data, uint32_t len, void *arg)
{
    (void)data;
    (void)len;
    ++*(int *)arg;
    return 0;
}

static void replay_missing_file_enoent(void **state)
{
    int calls = 0;
    (void)state;

    shim_fast();
    errno = 0;
    long n = dlog_replay("no-such.log", count_visit, &calls);
    if (n != -1 || errno != ENOENT || calls != 0)
        fail_msg("dlog_replay of a missing file: expected -1 with ENOENT and no visit, actual %ld "
                 "with %s and %d visits",
                 n, errno_name(errno), calls);
    errno = 0;
    dlog_t *log = dlog_open("no-such-dir/x.log");
    if (log != NULL || errno != ENOENT)
        fail_msg("dlog_open in a missing directory: expected NULL with ENOENT, actual %s with %s",
                 log ? "a log" : "NULL", errno_name(errno));
}

static void replay_leaves_file_unchanged(void **state)
{
    struct reclist appended = {0}, got = {0};
    static const unsigned char tail[] = {0x11, 0x22, 0x00, 0x00, 0x7f, 0x01, 0x02};
    size_t n1, n2;
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < 5; i++)
        append_test_record(log, &appended, 0, i);
    dlog_close(log);
    FILE *f = fopen(LOG, "ab");
    assert_non_null(f);
    fwrite(tail, 1, sizeof(tail), f); /* a torn record after the last one */
    fclose(f);
    unsigned char *before = read_file(LOG, &n1);
    long n = replay_into(LOG, &got, NULL);
    unsigned char *after = read_file(LOG, &n2);
    if (n != 5)
        fail_msg("dlog_replay of 5 records and a torn tail: expected 5, actual %ld", n);
    assert_same(&got, &appended, "5 records and a torn tail");
    if (n1 != n2 || memcmp(before, after, n1) != 0)
        fail_msg("dlog_replay changed the file: expected %zu bytes unchanged, actual %zu bytes%s",
                 n1, n2, n1 == n2 ? " with other content" : "");
    free(before);
    free(after);
    reclist_free(&got);
    reclist_free(&appended);
}

/* ------------------------------------------------------------ concurrency */

#define THREADS    4
#define PER_THREAD 2000

#define SLOWED_WRITES 40 /* of the concurrent appends, 1 ms each */

static dlog_t *shared;
static pthread_barrier_t start_line; /* the appenders start together */
static int per_thread = PER_THREAD;  /* appends per thread */

static void *appender(void *arg)
{
    int t = (int)(long)arg;
    unsigned char buf[2048];

    pthread_barrier_wait(&start_line);
    for (int i = 0; i < per_thread; i++) {
        rec_fill(t, i, buf);
        if (dlog_append(shared, buf, rec_len(t, i)) != 0)
            return (void *)(long)(i + 1);
    }
    return NULL;
}

struct per_thread {
    int next[THREADS];
    char why[200];
};

static int check_interleaved(const void *data, uint32_t len, void *arg)
{
    struct per_thread *p = arg;
    int t, i;

    if (p->why[0] != '\0')
        return 0;
    if (!rec_parse(data, len, &t, &i) || t >= THREADS)
        snprintf(p->why, sizeof(p->why), "a record of %u bytes that no thread appended", len);
    else if (i != p->next[t])
        snprintf(p->why, sizeof(p->why), "thread %d's record %d where its record %d was expected",
                 t, i, p->next[t]);
    else
        p->next[t]++;
    return 0;
}

static void concurrent_appends_all_replayed(void **state)
{
    pthread_t tid[THREADS];
    struct per_thread p = {0};
    (void)state;

    shim_fast(); /* fsync is a no-op: the appenders write as fast as they can */
    shared = must_open(LOG);
    /* the first writes are slowed: an offset chosen under the lock but
     * written after it is then taken twice every run, not only by luck */
    shim_slow_writes(SLOWED_WRITES, 1000);
    pthread_barrier_init(&start_line, NULL, THREADS);
    for (long t = 0; t < THREADS; t++)
        pthread_create(&tid[t], NULL, appender, (void *)t);
    for (int t = 0; t < THREADS; t++) {
        void *failed_at;
        pthread_join(tid[t], &failed_at);
        if (failed_at != NULL)
            fail_msg("thread %d: dlog_append of its record %ld failed: %s", t, (long)failed_at - 1,
                     errno_name(errno));
    }
    pthread_barrier_destroy(&start_line);
    shim_slow_writes(0, 0);
    dlog_close(shared);
    long n = dlog_replay(LOG, check_interleaved, &p);
    if (p.why[0] != '\0')
        fail_msg("replay of %d threads x %d appends: %s", THREADS, PER_THREAD, p.why);
    if (n != THREADS * PER_THREAD)
        fail_msg("replay of %d threads x %d appends: expected %d records, actual %ld", THREADS,
                 PER_THREAD, THREADS * PER_THREAD, n);
}

/* --------------------------------------------------------- process crash */

#define ROUNDS        25
#define ROUND_RECORDS 40

/* The child: opens the log, appends records start, start+1, ... and reports
 * each id on fd once dlog_append returned 0; then waits to be killed. */
static void crash_child(int fd, uint32_t start)
{
    dlog_t *log = dlog_open(LOG);
    unsigned char *buf = malloc(70000);

    if (log == NULL || buf == NULL)
        _exit(3);
    for (uint32_t id = start; id < start + ROUND_RECORDS; id++) {
        payload_fill(id, buf);
        if (dlog_append(log, buf, payload_len(id)) != 0)
            _exit(4);
        if (write(fd, &id, sizeof(id)) != sizeof(id))
            _exit(5);
    }
    for (;;)
        pause();
}

struct ids {
    uint32_t next; /* records 0..next-1 replayed so far, each one right */
    char why[160];
};

static int check_ids(const void *data, uint32_t len, void *arg)
{
    struct ids *s = arg;
    unsigned char *want;

    if (s->why[0] != '\0')
        return 1;
    want = malloc(payload_len(s->next));
    payload_fill(s->next, want);
    if (len != payload_len(s->next) || memcmp(data, want, len) != 0)
        snprintf(s->why, sizeof(s->why),
                 "record #%u: expected the %u bytes appended as record %u, actual %u other bytes",
                 s->next + 1, payload_len(s->next), s->next, len);
    else
        s->next++;
    free(want);
    return s->why[0] != '\0';
}

/*
 * Each round the child dies at a seeded point of its own writes, the same
 * every run: in its Nth write to a file (N up to one per record), after a
 * seeded part of that write or all of it (fsyncshim_crash_at). A kill
 * from outside would land where the schedule put it: mid-record in one
 * run, between records in the next. If the child writes less than N
 * times, it is killed once it acknowledged every record of the round.
 */
static void crash_sigkill_acked_survive(void **state)
{
    uint32_t acked = 0, start = 0; /* records 0..acked-1 were acknowledged */
    unsigned seed = 20240601;
    (void)state;

    shim_fast();
    for (int round = 0; round < ROUNDS; round++) {
        int p[2], st, got = 0;
        uint32_t id;
        long crash_write = 1 + rand_r(&seed) % ROUND_RECORDS;
        unsigned long cut = rand_r(&seed) % 4 == 0 ? FSYNCSHIM_WHOLE : (unsigned long)rand_r(&seed);
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            shim_crash_at(crash_write, cut);
            crash_child(p[1], start);
        }
        close(p[1]);
        while (got < ROUND_RECORDS && read(p[0], &id, sizeof(id)) == sizeof(id)) {
            acked = id + 1;
            got++;
        }
        if (got == ROUND_RECORDS)
            kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        close(p[0]);
        if (!WIFSIGNALED(st))
            fail_msg("round %d: the appending child failed on its own (exit %d: 3 dlog_open, 4 "
                     "dlog_append) before it was killed",
                     round + 1, WEXITSTATUS(st));
        struct ids s = {0};
        long n = dlog_replay(LOG, check_ids, &s);
        if (s.why[0] != '\0')
            fail_msg("after kill %d (in write %ld of the round): %s", round + 1, crash_write,
                     s.why);
        if (n < 0 || (uint32_t)n < acked)
            fail_msg("after kill %d (in write %ld of the round): expected at least the %u "
                     "acknowledged records, actual %ld",
                     round + 1, crash_write, acked, n);
        start = (uint32_t)n; /* an unacknowledged record may have survived */
    }
}

/* ---------------------------------------------------- torn and corrupt */

#define MARKER "after-recovery"

/* Writes bytes[0..n) as path, replays it (prefix of want, at least
 * min_records), then recovers: dlog_open, one append, close, and the replay
 * must be the same records and the new one. If open_may_fail, dlog_open
 * may refuse the file instead. */
static void replay_and_recover(const unsigned char *bytes, size_t n, const struct reclist *want,
                               size_t min_records, bool open_may_fail, const char *what)
{
    struct reclist got = {0}, again = {0}, expect = {0};
    char when[160];
    int err;

    unlink("cut.log");
    write_file("cut.log", bytes, n);
    long k = replay_into("cut.log", &got, &err);
    snprintf(when, sizeof(when), "%s, then dlog_replay", what);
    assert_prefix(&got, want, when);
    if (k >= 0 && (size_t)k != got.n)
        fail_msg("%s: returned %ld but called visit %zu times", when, k, got.n);
    if (got.n < min_records)
        fail_msg("%s: expected at least the %zu records whose bytes are all there, actual %zu%s",
                 when, min_records, got.n, k < 0 ? " (it returned -1)" : "");
    errno = 0;
    dlog_t *log = dlog_open("cut.log");
    if (log == NULL && open_may_fail && errno != 0)
        goto out;
    if (log == NULL)
        fail_msg("%s, then dlog_open: expected a log, actual NULL with %s", what,
                 errno_name(errno));
    if (dlog_append(log, MARKER, sizeof(MARKER) - 1) != 0)
        fail_msg("%s, then dlog_open and dlog_append: expected 0, actual %s", what,
                 errno_name(errno));
    dlog_close(log);
    for (size_t i = 0; i < got.n; i++)
        reclist_add(&expect, got.data[i], got.len[i]);
    reclist_add(&expect, MARKER, sizeof(MARKER) - 1);
    replay_into("cut.log", &again, NULL);
    snprintf(when, sizeof(when),
             "%s, then dlog_open (which must cut the torn tail), one append and dlog_replay", what);
    assert_same(&again, &expect, when);
out:
    reclist_free(&got);
    reclist_free(&again);
    reclist_free(&expect);
}

static void torn_tail_every_offset(void **state)
{
    static const uint32_t lens[] = {100, 0, 700, 40, 300};
    enum { N = sizeof(lens) / sizeof(lens[0]) };
    struct reclist appended = {0};
    size_t end[N], size;
    unsigned char buf[1024];
    struct stat st;
    char what[96];
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < N; i++) {
        for (uint32_t k = 0; k < lens[i]; k++)
            buf[k] = (unsigned char)(i * 31 + k);
        must_append(log, &appended, buf, lens[i]);
        assert_int_equal(stat(LOG, &st), 0);
        end[i] = (size_t)st.st_size; /* the log ends here after record i */
    }
    dlog_close(log);
    unsigned char *bytes = read_file(LOG, &size);
    /* Every cut from the end of record N-3 to the end of the file. */
    for (size_t cut = end[N - 3]; cut <= size; cut++) {
        size_t whole = 0;
        while (whole < N && end[whole] <= cut)
            whole++;
        snprintf(what, sizeof(what), "the log of %d records cut to %zu of its %zu bytes", N, cut,
                 size);
        replay_and_recover(bytes, cut, &appended, whole, false, what);
    }
    free(bytes);
    reclist_free(&appended);
}

static void corrupt_every_byte(void **state)
{
    static const uint32_t lens[] = {0, 6, 20, 33};
    static const unsigned char masks[] = {0xff, 0x01, 0x80};
    enum { N = sizeof(lens) / sizeof(lens[0]) };
    struct reclist appended = {0};
    unsigned char buf[64];
    size_t size;
    char what[96];
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < N; i++) {
        for (uint32_t k = 0; k < lens[i]; k++)
            buf[k] = (unsigned char)('a' + (i * 7 + k) % 26);
        must_append(log, &appended, buf, lens[i]);
    }
    dlog_close(log);
    unsigned char *bytes = read_file(LOG, &size);
    unsigned char *bad = malloc(size + 1);
    assert_non_null(bad);
    for (size_t at = 0; at < size; at++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            memcpy(bad, bytes, size);
            bad[at] ^= masks[m];
            snprintf(what, sizeof(what), "byte %zu of %zu xor 0x%02x", at, size, masks[m]);
            replay_and_recover(bad, size, &appended, 0, true, what);
        }
    }
    free(bad);
    free(bytes);
    reclist_free(&appended);
}

/* ------------------------------------------------------------ write error */

static void write_error_fails_log(void **state)
{
    struct reclist appended = {0};
    struct rlimit old, small;
    unsigned char buf[1500];
    struct stat st;
    int rc = 0, err = 0, tries;
    (void)state;

    shim_fast();
    dlog_t *log = must_open(LOG);
    for (int i = 0; i < 3; i++)
        append_test_record(log, &appended, 0, i);
    assert_int_equal(stat(LOG, &st), 0);
    /* Let the file grow by 2000 bytes only: a write past that fails (EFBIG). */
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = (rlim_t)st.st_size + 2000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    memset(buf, 'w', sizeof(buf));
    for (tries = 0; tries < 10; tries++) {
        errno = 0;
        rc = dlog_append(log, buf, sizeof(buf));
        err = errno;
        if (rc != 0)
            break;
        reclist_add(&appended, buf, sizeof(buf));
    }
    setrlimit(RLIMIT_FSIZE, &old);
    if (rc != -1 || err != EIO)
        fail_msg("dlog_append past the file-size limit: expected -1 with EIO, actual %d with %s",
                 rc, errno_name(err));
    long calls = shim_stats().calls;
    for (int k = 0; k < 3; k++) {
        errno = 0;
        rc = dlog_append(log, "tiny", 4);
        if (rc != -1 || errno != EIO)
            fail_msg("dlog_append %d after a write error (the log is failed): expected -1 with "
                     "EIO, actual %d with %s",
                     k + 1, rc, errno_name(errno));
    }
    if (shim_stats().calls != calls)
        fail_msg("after the write error: expected no fsync call, actual %ld",
                 shim_stats().calls - calls);
    dlog_close(log);
    struct reclist got = {0};
    replay_into(LOG, &got, NULL);
    if (got.n < appended.n)
        fail_msg("after the write error: expected the %zu acknowledged records, actual %zu",
                 appended.n, got.n);
    assert_prefix(&got, &appended, "after the write error");
    reclist_free(&got);
    reclist_free(&appended);
}

/* ------------------------------------------------ valgrind workloads */

/* The memcheck workload's allocations and the log it has open: a failed
 * check ends the test anywhere, and its teardown closes the log and frees
 * the rest, so that memcheck reports only what the student's code leaks. */
struct memcheck_fixture {
    struct reclist appended;
    unsigned char *big;
    dlog_t *log; /* open, or NULL */
};

static int memcheck_setup(void **state)
{
    struct memcheck_fixture *f = calloc(1, sizeof(*f));

    if (f == NULL || (f->big = calloc(1, 200000)) == NULL) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int memcheck_teardown(void **state)
{
    struct memcheck_fixture *f = *state;

    if (f->log != NULL)
        dlog_close(f->log);
    reclist_free(&f->appended);
    reclist_free(&replayed);
    free(f->big);
    free(f);
    return 0;
}

static void memcheck_workload(void **state)
{
    struct memcheck_fixture *f = *state;

    shim_fast();
    f->log = must_open(LOG);
    must_append(f->log, &f->appended, "", 0);
    must_append(f->log, &f->appended, f->big, 200000);
    for (int i = 0; i < 20; i++)
        append_test_record(f->log, &f->appended, 0, i);
    errno = 0;
    int rc = dlog_append(f->log, f->big, DLOG_MAX_RECORD + 1);
    if (rc != -1)
        fail_msg("dlog_append of %u bytes (1 over the limit): expected -1, actual %d with %s",
                 DLOG_MAX_RECORD + 1, rc, errno_name(errno));
    dlog_close(f->log);
    f->log = NULL;
    FILE *torn = fopen(LOG, "ab");
    assert_non_null(torn);
    fwrite("torn", 1, 4, torn);
    fclose(torn);
    check_replay(LOG, &f->appended, "memcheck: 22 records and a torn tail");
    f->log = must_open(LOG);
    append_test_record(f->log, &f->appended, 0, 20);
    dlog_close(f->log);
    f->log = NULL;
    check_replay(LOG, &f->appended, "memcheck: after recovery and one more");
    assert_null(dlog_open("no-such-dir/x.log"));
    assert_int_equal(dlog_replay("no-such.log", count_visit, &(int){0}), -1);
    dlog_close(NULL);
}

static void helgrind_workload(void **state)
{
    pthread_t tid[3];
    (void)state;

    shim_config(0, 1000, true);
    per_thread = 100;
    shared = must_open(LOG);
    /* One append before the threads start, so that what a first call sets
     * up lazily (a CRC table, say) is published by pthread_create: helgrind
     * does not understand pthread_once. */
    if (dlog_append(shared, "first", 5) != 0)
        fail_msg("dlog_append: expected 0, actual %s", errno_name(errno));
    pthread_barrier_init(&start_line, NULL, 3);
    for (long t = 0; t < 3; t++)
        pthread_create(&tid[t], NULL, appender, (void *)t);
    for (int t = 0; t < 3; t++)
        pthread_join(tid[t], NULL);
    pthread_barrier_destroy(&start_line);
    dlog_close(shared);
    long n = dlog_replay(LOG, count_visit, &(int){0});
    if (n != 3 * per_thread + 1)
        fail_msg("one append and 3 threads x %d: expected %d records, actual %ld", per_thread,
                 3 * per_thread + 1, n);
}

/* Test names are the grader's: kebab-case, one property each. */
#define T(fn, id)                                                                                  \
    {                                                                                              \
        .name = id, .test_func = fn                                                                \
    }

static const struct CMUnitTest all_tests[] = {
    T(roundtrip_records_in_order, "roundtrip-records-in-order"),
    T(zero_length_records, "zero-length-records"),
    T(record_of_1mib, "record-of-1mib"),
    T(too_long_einval, "too-long-einval"),
    T(reopen_continues, "reopen-continues"),
    T(replay_stops_early, "replay-stops-early"),
    T(replay_missing_file_enoent, "replay-missing-file-enoent"),
    T(replay_leaves_file_unchanged, "replay-leaves-file-unchanged"),
    T(concurrent_appends_all_replayed, "concurrent-appends-all-replayed"),
    T(crash_sigkill_acked_survive, "crash-sigkill-acked-survive"),
    T(torn_tail_every_offset, "torn-tail-every-offset"),
    T(corrupt_every_byte, "corrupt-every-byte"),
    T(write_error_fails_log, "write-error-fails-log"),
    {.name = "memcheck-workload",
     .test_func = memcheck_workload,
     .setup_func = memcheck_setup,
     .teardown_func = memcheck_teardown},
    T(helgrind_workload, "helgrind-workload"),
};

OSLABS_TEST_MAIN(all_tests)
