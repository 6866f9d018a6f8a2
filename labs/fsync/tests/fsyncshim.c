/*
 * fsyncshim.c - the fsync shim, built as libfsyncshim.so and preloaded with
 * LD_PRELOAD (see fsyncshim.h for what it does and how to drive it).
 *
 *     LD_PRELOAD=./libfsyncshim.so FSYNCSHIM_FAIL_AT=3 ./prog
 *
 * makes prog's third fsync or fdatasync fail with EIO, as a disk error does.
 * Later calls succeed again, as they do on Linux once the error has been
 * reported: that is the trap of fsyncgate, a retried fsync "succeeds" while
 * the data it should have written is gone.
 */
#define _GNU_SOURCE
#include "fsyncshim.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;
static long calls;         /* shim_lock */
static long fail_at;       /* shim_lock: the call number that fails, 0 none */
static long failed_call;   /* shim_lock */
static long after_failure; /* shim_lock */
static long delay_us;      /* shim_lock */
static bool noop;          /* shim_lock */
static struct fsyncshim_span spans[FSYNCSHIM_MAX_SPANS]; /* shim_lock */
static long nspans;                                      /* shim_lock */

static long env_long(const char *name)
{
    const char *s = getenv(name);
    return s == NULL ? 0 : strtol(s, NULL, 10);
}

__attribute__((constructor)) static void shim_init(void)
{
    fail_at = env_long("FSYNCSHIM_FAIL_AT");
    delay_us = env_long("FSYNCSHIM_DELAY_US");
    noop = env_long("FSYNCSHIM_NOOP") != 0;
}

void fsyncshim_config(long fail_in, long delay, bool skip_real)
{
    pthread_mutex_lock(&shim_lock);
    fail_at = fail_in > 0 ? calls + fail_in : 0;
    delay_us = delay;
    noop = skip_real;
    pthread_mutex_unlock(&shim_lock);
}

void fsyncshim_get(struct fsyncshim_stats *out)
{
    pthread_mutex_lock(&shim_lock);
    out->calls = calls;
    out->failed_call = failed_call;
    out->after_failure = after_failure;
    pthread_mutex_unlock(&shim_lock);
}

long fsyncshim_spans(struct fsyncshim_span *out, long max)
{
    long n;

    pthread_mutex_lock(&shim_lock);
    n = nspans;
    for (long i = 0; i < n && i < max; i++)
        out[i] = spans[i];
    pthread_mutex_unlock(&shim_lock);
    return n;
}

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Counts one call and decides its fate: -1 with EIO if it is the one to fail,
 * else what the real call (or none, in noop mode) returns. */
static int shim_call(const char *name, int fd)
{
    long long start = now_ns();
    bool fail, skip;
    long delay;
    int rc = 0, saved = 0;

    pthread_mutex_lock(&shim_lock);
    calls++;
    if (failed_call != 0)
        after_failure++;
    fail = fail_at != 0 && calls == fail_at;
    if (fail)
        failed_call = calls;
    skip = noop;
    delay = delay_us;
    pthread_mutex_unlock(&shim_lock);

    if (fail) {
        rc = -1;
        saved = EIO;
    } else if (!skip) {
        sync_fn real = (sync_fn)dlsym(RTLD_NEXT, name);
        rc = real != NULL ? real(fd) : 0;
        saved = errno;
    }
    if (delay > 0)
        sleep_us(delay);
    if (rc == 0) {
        long long end = now_ns();

        pthread_mutex_lock(&shim_lock);
        if (nspans < FSYNCSHIM_MAX_SPANS) {
            /* in the order they started */
            long i = nspans++;

            while (i > 0 && spans[i - 1].start_ns > start) {
                spans[i] = spans[i - 1];
                i--;
            }
            spans[i].start_ns = start;
            spans[i].end_ns = end;
        }
        pthread_mutex_unlock(&shim_lock);
    }
    if (rc < 0)
        errno = saved;
    return rc;
}

int fsync(int fd)
{
    return shim_call("fsync", fd);
}

int fdatasync(int fd)
{
    return shim_call("fdatasync", fd);
}

/* ------------------------------------------------------- slowed writes */

/* How many writes to regular files are still to be slowed, and by how much. */
static atomic_long writes_to_slow;
static atomic_long write_delay_us;

void fsyncshim_slow_writes(long calls, long delay_us)
{
    atomic_store(&write_delay_us, delay_us);
    atomic_store(&writes_to_slow, calls);
}

/* ---------------------------------------------------- a crash in a write */

/* The write to a regular file that brings writes_to_crash to 0 is cut to
 * crash_cut % (n + 1) of its n bytes (all of them for FSYNCSHIM_WHOLE),
 * and then the process is killed. */
static atomic_long writes_to_crash;
static atomic_ulong crash_cut;

void fsyncshim_crash_at(long write_no, unsigned long cut)
{
    atomic_store(&crash_cut, cut);
    atomic_store(&writes_to_crash, write_no);
}

__attribute__((noreturn)) static void crash(void)
{
    kill(getpid(), SIGKILL);
    for (;;)
        pause();
}

/*
 * Before a write of n bytes to fd: sleeps while writes are left to slow
 * (whatever a caller does between choosing where to write and writing is
 * stretched, so a race in that window shows every run), and returns how
 * many of the n bytes to write; *crash_after says to die once they are.
 */
static size_t before_write(int fd, size_t n, bool *crash_after)
{
    struct stat st;

    *crash_after = false;
    bool slow = atomic_load(&writes_to_slow) > 0, counted = atomic_load(&writes_to_crash) > 0;
    if ((!slow && !counted) || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return n;
    if (slow && atomic_fetch_sub(&writes_to_slow, 1) > 0)
        sleep_us(atomic_load(&write_delay_us));
    if (!counted || atomic_fetch_sub(&writes_to_crash, 1) != 1)
        return n;
    *crash_after = true;
    unsigned long cut = atomic_load(&crash_cut);
    return cut == FSYNCSHIM_WHOLE ? n : (size_t)(cut % (n + 1));
}

/* iov cut to its first keep bytes, in out (room for count). */
static int cut_iov(const struct iovec *iov, int count, size_t keep, struct iovec *out)
{
    int k = 0;

    for (int i = 0; i < count && keep > 0; i++, k++) {
        out[k] = iov[i];
        if (out[k].iov_len > keep)
            out[k].iov_len = keep;
        keep -= out[k].iov_len;
    }
    return k;
}

static size_t iov_bytes(const struct iovec *iov, int count)
{
    size_t n = 0;

    for (int i = 0; i < count; i++)
        n += iov[i].iov_len;
    return n;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t n)
{
    bool die;
    ssize_t r = REAL(write)(fd, buf, before_write(fd, n, &die));
    if (die)
        crash();
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t at)
{
    bool die;
    ssize_t r = REAL(pwrite)(fd, buf, before_write(fd, n, &die), at);
    if (die)
        crash();
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t at)
{
    bool die;
    ssize_t r = REAL(pwrite64)(fd, buf, before_write(fd, n, &die), at);
    if (die)
        crash();
    return r;
}

ssize_t writev(int fd, const struct iovec *iov, int count)
{
    bool die;
    size_t keep = count > 0 ? before_write(fd, iov_bytes(iov, count), &die) : 0;
    if (count <= 0 || count > IOV_MAX || !die)
        return REAL(writev)(fd, iov, count);
    struct iovec cut[IOV_MAX];
    REAL(writev)(fd, cut, cut_iov(iov, count, keep, cut));
    crash();
}

ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t at)
{
    bool die;
    size_t keep = count > 0 ? before_write(fd, iov_bytes(iov, count), &die) : 0;
    if (count <= 0 || count > IOV_MAX || !die)
        return REAL(pwritev)(fd, iov, count, at);
    struct iovec cut[IOV_MAX];
    REAL(pwritev)(fd, cut, cut_iov(iov, count, keep, cut), at);
    crash();
}
