/*
 * rt_pathfinder.c - the Pathfinder inversion on real Linux.
 *
 * Theory of operation. Every thread is pinned to one CPU, so priorities
 * alone decide who runs:
 *
 *   main   SCHED_FIFO 40  sets up, then sleeps until high is done (its
 *                         timed wait is the watchdog)
 *   high   SCHED_FIFO 30  locks the mutex, timing how long that takes
 *   medium SCHED_FIFO 20  spins for up to RTP_SPIN_MS, or until high has
 *                         the mutex; it never blocks
 *   low    SCHED_FIFO 10  holds the mutex for RTP_LOW_WORK_MS of CPU time
 *
 * main starts low and waits until low holds the mutex (low's post wakes
 * main, which preempts low at once). main then starts medium and high and
 * waits. high runs first and blocks on the mutex. Now the mutex decides:
 * with priority inheritance low runs at 30, above medium, finishes and
 * hands the mutex to high within about RTP_LOW_WORK_MS; without it medium
 * runs and low cannot, so high waits for medium's whole spin.
 *
 * Safety: every busy loop has a wall-clock bound; RLIMIT_RTTIME kills the
 * process if a thread ever burns 2 s of real-time CPU without blocking;
 * the whole real-time phase lasts at most ~RTP_SPIN_MS + RTP_LOW_WORK_MS
 * on one CPU, far below the kernel's 950 ms/s real-time budget.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rt_pathfinder.h"

#define PRIO_MAIN   40
#define PRIO_HIGH   30
#define PRIO_MEDIUM 20
#define PRIO_LOW    10
/* main gives up on high after this: without inheritance high gets the
 * mutex after medium's spin and low's work (about 210 ms); later than
 * WATCH_MS it never will, and the deadline was missed either way */
#define WATCH_MS    600
#define BURN_CAP_MS 1000 /* no busy loop lasts longer than this */

const char rtp_how_to_enable[] =
    "SCHED_FIFO is not permitted here. Run the grader as root on a Linux host "
    "(sudo make grade LAB=pimutex), or in a container started with --cap-add SYS_NICE "
    "and a real-time budget (--cpu-rt-runtime=400000); see the handout, section "
    "\"Running Part B\".";

/* Shared by the four threads. The atomics are read and written by any of
 * them; every other field is written by one thread (low_* by low, high_*
 * and wait_ms by high, medium_ms by medium) and read by main only after
 * the semaphore that thread posts, or after joining it. */
struct run {
    const struct rtp_mutex *mx;
    sem_t low_locked;         /* low holds the mutex (or failed to) */
    sem_t high_done;          /* high got and released it (or failed) */
    atomic_int high_has_lock; /* high holds or held the mutex */
    atomic_int stop;          /* main tells every loop to end */
    double wait_ms;           /* high's time in lock, -1 before */
    double medium_ms;         /* medium's spin while high waited */
    int low_err, high_err;    /* first error returned by the mutex */
    const char *low_call, *high_call;
};

static double now_ms(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Uses MS of this thread's CPU time (bounded by BURN_CAP_MS of wall time). */
static void burn_cpu(struct run *r, double ms)
{
    double cpu0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
    double wall0 = now_ms(CLOCK_MONOTONIC);

    while (now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu0 < ms &&
           now_ms(CLOCK_MONOTONIC) - wall0 < BURN_CAP_MS && !atomic_load(&r->stop))
        ;
}

static void *low_main(void *arg)
{
    struct run *r = arg;

    r->low_err = r->mx->lock(r->mx->m);
    r->low_call = "lock";
    sem_post(&r->low_locked);
    if (r->low_err != 0)
        return NULL;
    burn_cpu(r, RTP_LOW_WORK_MS);
    r->low_err = r->mx->unlock(r->mx->m);
    r->low_call = "unlock";
    return NULL;
}

static void *high_main(void *arg)
{
    struct run *r = arg;
    double t0 = now_ms(CLOCK_MONOTONIC);

    r->high_err = r->mx->lock(r->mx->m);
    r->high_call = "lock";
    if (r->high_err == 0) {
        r->wait_ms = now_ms(CLOCK_MONOTONIC) - t0;
        atomic_store(&r->high_has_lock, 1);
        r->high_err = r->mx->unlock(r->mx->m);
        r->high_call = "unlock";
    }
    sem_post(&r->high_done);
    return NULL;
}

static void *medium_main(void *arg)
{
    struct run *r = arg;
    double t0 = now_ms(CLOCK_MONOTONIC);
    double t = t0;

    while (!atomic_load(&r->high_has_lock) && !atomic_load(&r->stop) && t - t0 < RTP_SPIN_MS)
        t = now_ms(CLOCK_MONOTONIC);
    r->medium_ms = t - t0;
    return NULL;
}

static int start_fifo_thread(pthread_t *t, int prio, void *(*fn)(void *), struct run *r)
{
    pthread_attr_t attr;
    struct sched_param sp = {.sched_priority = prio};
    int err;

    pthread_attr_init(&attr);
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
    pthread_attr_setschedparam(&attr, &sp);
    err = pthread_create(t, &attr, fn, r);
    pthread_attr_destroy(&attr);
    return err;
}

/* Waits on S until MS from now; 0 or ETIMEDOUT. */
static int wait_ms(sem_t *s, int ms)
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
            return errno;
    return 0;
}

/* Pins the calling thread to the first CPU it may use; saves the old set. */
static int pin_to_one_cpu(cpu_set_t *old, int *cpu)
{
    cpu_set_t one;

    if (sched_getaffinity(0, sizeof(*old), old) < 0)
        return errno;
    for (*cpu = 0; *cpu < CPU_SETSIZE && !CPU_ISSET(*cpu, old); (*cpu)++)
        ;
    CPU_ZERO(&one);
    CPU_SET(*cpu, &one);
    if (sched_setaffinity(0, sizeof(one), &one) < 0)
        return errno;
    return 0;
}

static void limit_rt_time(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_RTTIME, &rl) < 0)
        return;
    if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 2000000)
        rl.rlim_max = 2000000; /* microseconds: SIGKILL */
    rl.rlim_cur = rl.rlim_max; /* SIGXCPU first, at the same point */
    setrlimit(RLIMIT_RTTIME, &rl);
}

static enum rtp_verdict finish(struct rtp_report *rep, enum rtp_verdict v)
{
    rep->verdict = v;
    return v;
}

static enum rtp_verdict judge(const struct run *r, struct rtp_report *rep)
{
    rep->wait_ms = r->wait_ms;
    rep->medium_ms = r->medium_ms;
    if (r->low_err != 0 || r->high_err != 0) {
        snprintf(rep->text, sizeof(rep->text), "%s: %s returned %s in the %s thread", r->mx->name,
                 r->low_err ? r->low_call : r->high_call,
                 strerror(r->low_err ? r->low_err : r->high_err), r->low_err ? "low" : "high");
        return finish(rep, RTP_ERROR);
    }
    snprintf(rep->text, sizeof(rep->text),
             "%s: high waited %.1f ms for the mutex (deadline %d ms); medium spun %.1f ms "
             "meanwhile; low needed %d ms of CPU inside the mutex",
             r->mx->name, r->wait_ms, RTP_DEADLINE_MS, r->medium_ms, RTP_LOW_WORK_MS);
    return finish(rep, r->wait_ms <= RTP_DEADLINE_MS ? RTP_MET : RTP_MISSED);
}

/* Starts the three threads and waits for high. Returns 0; -1 when high
 * never finished (threads are left behind: the caller must exit); -2 when
 * a thread could not be started. */
static int run_threads(struct run *r, struct rtp_report *rep)
{
    pthread_t low, medium, high;
    int err;

    if ((err = start_fifo_thread(&low, PRIO_LOW, low_main, r)) != 0 ||
        (err = wait_ms(&r->low_locked, WATCH_MS)) != 0) {
        snprintf(rep->text, sizeof(rep->text), "starting low: %s", strerror(err));
        return -2;
    }
    if (r->low_err != 0) {
        pthread_join(low, NULL);
        return 0;
    }
    if ((err = start_fifo_thread(&medium, PRIO_MEDIUM, medium_main, r)) != 0 ||
        (err = start_fifo_thread(&high, PRIO_HIGH, high_main, r)) != 0) {
        snprintf(rep->text, sizeof(rep->text), "pthread_create: %s", strerror(err));
        return -2;
    }
    if (wait_ms(&r->high_done, WATCH_MS) != 0) {
        atomic_store(&r->stop, 1);
        snprintf(rep->text, sizeof(rep->text),
                 "%s: high never got the mutex within %d ms (medium spun %.1f ms)", r->mx->name,
                 WATCH_MS, r->medium_ms);
        return -1;
    }
    atomic_store(&r->stop, 1);
    pthread_join(high, NULL);
    pthread_join(medium, NULL);
    pthread_join(low, NULL);
    return 0;
}

enum rtp_verdict rtp_run(const struct rtp_mutex *mx, struct rtp_report *rep)
{
    struct sched_param fifo = {.sched_priority = PRIO_MAIN}, other = {.sched_priority = 0};
    struct run r = {.mx = mx, .wait_ms = -1};
    cpu_set_t old;
    int err;

    memset(rep, 0, sizeof(*rep));
    rep->wait_ms = -1;
    if ((err = pin_to_one_cpu(&old, &rep->cpu)) != 0) {
        snprintf(rep->text, sizeof(rep->text), "sched_setaffinity: %s", strerror(err));
        return finish(rep, RTP_ERROR);
    }
    err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &fifo);
    if (err != 0) {
        sched_setaffinity(0, sizeof(old), &old);
        snprintf(rep->text, sizeof(rep->text), "pthread_setschedparam(SCHED_FIFO): %s. %s",
                 strerror(err), rtp_how_to_enable);
        return finish(rep, err == EPERM ? RTP_UNSUPPORTED : RTP_ERROR);
    }
    limit_rt_time();
    sem_init(&r.low_locked, 0, 0);
    sem_init(&r.high_done, 0, 0);
    err = run_threads(&r, rep);
    if (err < 0) {
        rep->medium_ms = r.medium_ms;
        /* Stay at SCHED_FIFO 40, above any thread left spinning. */
        return finish(rep, err == -1 ? RTP_MISSED : RTP_ERROR);
    }
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &other);
    sched_setaffinity(0, sizeof(old), &old);
    sem_destroy(&r.low_locked);
    sem_destroy(&r.high_done);
    return judge(&r, rep);
}
