/*
 * oslabs_proc.c - /proc/self/task readers, clocks and the asleep-in-a-call
 * probe shared by the labs' tests (see oslabs_proc.h).
 */
#define _GNU_SOURCE /* gettid */
#include "oslabs_proc.h"

#include <dirent.h>
#include <errno.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

char oslabs_thread_state(int tid)
{
    char path[64], buf[512];
    const char *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    f = fopen(path, "r");
    if (f == NULL)
        return '?';
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The name in parentheses may hold spaces and ')': the state follows
     * the last ')'. */
    p = strrchr(buf, ')');
    return (p != NULL && p[1] == ' ') ? p[2] : '?';
}

/* The three counters of /proc/self/task/TID/schedstat: ns on a CPU, ns
 * runnable but waiting for one, times put on a CPU. False if unreadable. */
static bool read_schedstat(int tid, unsigned long long v[3])
{
    char path[64];
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
    f = fopen(path, "r");
    if (f == NULL)
        return false;
    n = fscanf(f, "%llu %llu %llu", &v[0], &v[1], &v[2]);
    fclose(f);
    return n == 3;
}

long long oslabs_thread_runs(int tid)
{
    unsigned long long v[3];

    return read_schedstat(tid, v) ? (long long)v[2] : -1;
}

bool oslabs_thread_busy_ms(int tid, double *ran_ms, double *queued_ms)
{
    unsigned long long v[3];

    if (!read_schedstat(tid, v))
        return false;
    *ran_ms = (double)v[0] / 1e6;
    *queued_ms = (double)v[1] / 1e6;
    return true;
}

bool oslabs_thread_waits_untimed(int tid)
{
    char path[64];
    long nr;
    unsigned long uaddr, op, val, timeout;
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
    f = fopen(path, "r");
    if (f == NULL)
        return false;
    n = fscanf(f, "%ld %lx %lx %lx %lx", &nr, &uaddr, &op, &val, &timeout);
    fclose(f);
    if (n != 5 || nr != SYS_futex || timeout != 0)
        return false;
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        return oslabs_thread_state(tid) == 'S';
    default:
        return false;
    }
}

bool oslabs_others_asleep(long long *runs)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    bool asleep = d != NULL;
    unsigned long long sum = 0; /* wraps around, which signed overflow may not */

    while (asleep && (e = readdir(d)) != NULL) {
        int tid = atoi(e->d_name);
        if (tid <= 0 || tid == (int)gettid())
            continue;
        long long n = oslabs_thread_runs(tid);
        asleep = n >= 0 && oslabs_thread_waits_untimed(tid);
        sum = sum * 1000003 + (unsigned long long)n + (unsigned)tid;
    }
    if (d != NULL)
        closedir(d);
    *runs = (long long)(sum >> 1); /* never -1, which callers keep for "no look yet" */
    return asleep;
}

bool oslabs_wait_until(bool (*reached)(void *), void *arg, int settled_ms, int max_ms,
                       bool *settled)
{
    double now = oslabs_now_ms(), end = now + max_ms, since = now;
    long long runs, last = -1;

    *settled = false;
    while (!reached(arg) && now < end) {
        bool quiet = oslabs_others_asleep(&runs);
        if (!quiet || runs != last)
            since = now;
        else if (now - since >= settled_ms) {
            *settled = true;
            break;
        }
        last = quiet ? runs : -1;
        oslabs_sleep_ms(1);
        now = oslabs_now_ms();
    }
    return reached(arg);
}

int oslabs_count_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

double oslabs_thread_cpu_ms(pthread_t t)
{
    clockid_t cid;
    struct timespec ts;

    if (pthread_getcpuclockid(t, &cid) != 0 || clock_gettime(cid, &ts) != 0)
        return -1;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double oslabs_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void oslabs_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

struct timespec oslabs_realtime_in_ms(long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    } else if (ts.tv_nsec < 0) {
        ts.tv_sec--;
        ts.tv_nsec += 1000000000L;
    }
    return ts;
}

enum oslabs_asleep oslabs_wait_asleep(const atomic_int *tid, const atomic_int *inside,
                                      const atomic_int *done, int settle_ms, int poll_ms, int ms)
{
    double end = oslabs_now_ms() + ms, asleep_since = -1;

    for (;;) {
        if (atomic_load(done))
            return OSLABS_RETURNED;
        char s = atomic_load(inside) ? oslabs_thread_state(atomic_load(tid)) : '?';
        /* done is read again: the thread may have returned and then slept
         * elsewhere between the two reads. */
        if ((s == 'S' || s == 'D') && !atomic_load(done)) {
            if (asleep_since < 0)
                asleep_since = oslabs_now_ms();
            else if (oslabs_now_ms() - asleep_since >= settle_ms)
                return OSLABS_ASLEEP;
        } else {
            asleep_since = -1;
        }
        if (oslabs_now_ms() > end)
            return atomic_load(done) ? OSLABS_RETURNED : OSLABS_AWAKE;
        oslabs_sleep_ms(poll_ms);
    }
}

static void *call_main(void *arg)
{
    struct oslabs_call *c = arg;
    int rc, err;

    atomic_store(&c->tid, (int)gettid());
    atomic_store(&c->in_call, 1);
    errno = 0;
    rc = c->fn(c);
    err = errno;
    c->rc = rc;
    c->err = err;
    c->returned_ms = oslabs_now_ms();
    atomic_store(&c->done, 1);
    return NULL;
}

void oslabs_call_start(struct oslabs_call *c)
{
    atomic_store(&c->tid, 0);
    atomic_store(&c->in_call, 0);
    atomic_store(&c->done, 0);
    c->rc = 0;
    c->err = 0;
    if (pthread_create(&c->thread, NULL, call_main, c) != 0) {
        perror("pthread_create");
        _exit(2);
    }
}

bool oslabs_call_wait(struct oslabs_call *c, int ms)
{
    double end = oslabs_now_ms() + ms;

    while (!atomic_load(&c->done)) {
        if (oslabs_now_ms() > end)
            return false;
        oslabs_sleep_ms(1);
    }
    return true;
}

enum oslabs_asleep oslabs_call_asleep(struct oslabs_call *c, int settle_ms, int poll_ms, int ms)
{
    return oslabs_wait_asleep(&c->tid, &c->in_call, &c->done, settle_ms, poll_ms, ms);
}

void oslabs_call_join(struct oslabs_call *c)
{
    pthread_join(c->thread, NULL);
}
