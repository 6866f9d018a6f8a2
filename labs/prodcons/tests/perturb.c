/*
 * perturb.c - LD_PRELOAD shim that shakes the schedule of a threaded program.
 *
 * Around sem_wait, sem_trywait, sem_timedwait, sem_post and
 * pthread_mutex_lock it sometimes yields the CPU, sleeps a few microseconds
 * or spins a little, at points drawn from a per-thread generator seeded by
 * PRODCONS_PERTURB_SEED. A window between "the semaphore says go" and "the
 * ring is updated" that is a few instructions wide in a normal run becomes
 * microseconds wide, so a race or a lost wake-up shows up on every run, not
 * once in a thousand.
 *
 * perturb_calls() tells the driver the shim is loaded and how many calls it
 * perturbed.
 */
#define _GNU_SOURCE /* gettid, RTLD_NEXT, RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

static int (*real_sem_wait)(sem_t *);
static int (*real_sem_trywait)(sem_t *);
static int (*real_sem_timedwait)(sem_t *, const struct timespec *);
static int (*real_sem_post)(sem_t *);
static int (*real_mutex_lock)(pthread_mutex_t *);

static uint64_t seed = 1;
static atomic_ulong calls;
static atomic_ulong next_thread;
static __thread uint64_t rng;

static void resolve(void)
{
    real_sem_wait = (int (*)(sem_t *))dlsym(RTLD_NEXT, "sem_wait");
    real_sem_trywait = (int (*)(sem_t *))dlsym(RTLD_NEXT, "sem_trywait");
    real_sem_timedwait =
        (int (*)(sem_t *, const struct timespec *))dlsym(RTLD_NEXT, "sem_timedwait");
    real_sem_post = (int (*)(sem_t *))dlsym(RTLD_NEXT, "sem_post");
    real_mutex_lock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
}

__attribute__((constructor)) static void perturb_init(void)
{
    const char *s = getenv("PRODCONS_PERTURB_SEED");

    if (s != NULL)
        seed = strtoull(s, NULL, 10) | 1;
    /* Sleeps of a few microseconds need a small timer slack (default 50us). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    resolve();
}

/* xorshift64*, one stream per thread, derived from the seed. */
static uint64_t next_random(void)
{
    if (rng == 0)
        rng = (seed ^ (0x9e3779b97f4a7c15ULL * (atomic_fetch_add(&next_thread, 1) + 1))) | 1;
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

/* Does nothing most of the time; else yields, spins or sleeps briefly.
 * Keeps errno. */
static void jitter(void)
{
    uint64_t r = next_random();
    int saved = errno;

    switch ((r >> 32) % 16) {
    case 0:
    case 1:
    case 2:
        sched_yield();
        break;
    case 3:
    case 4:
        for (volatile unsigned i = 0; i < (r & 1023); i++)
            ;
        break;
    case 5: {
        struct timespec ts = {0, 1000 + (long)(r & 0x3fff)}; /* 1-17 us */
        nanosleep(&ts, NULL);
        break;
    }
    default:
        break;
    }
    errno = saved;
}

/* Holds a thread that just passed a semaphore for up to a few microseconds
 * until a second one arrives, then lets both go at once: two threads then
 * run the code after their sem_wait side by side, on two CPUs, which is
 * when an unprotected ring update goes wrong. */
static void pair_up(void)
{
    static atomic_int pairing; /* 0: nobody waits, 1: one waits, 2: released */
    int expected = 0;

    if (atomic_compare_exchange_strong(&pairing, &expected, 1)) {
        for (int i = 0; i < 20000; i++) {
            if (atomic_load_explicit(&pairing, memory_order_acquire) == 2) {
                atomic_store(&pairing, 0);
                return;
            }
        }
        expected = 1;
        if (!atomic_compare_exchange_strong(&pairing, &expected, 0))
            atomic_store(&pairing, 0); /* released just now */
    } else if (expected == 1) {
        atomic_compare_exchange_strong(&pairing, &expected, 2);
    }
}

unsigned long perturb_calls(void)
{
    return atomic_load(&calls);
}

/* A call that passes a semaphore (rc 0) sometimes pairs up afterwards. */
#define PERTURBED_WAIT(call)                                                                       \
    do {                                                                                           \
        int rc_;                                                                                   \
        if (real_sem_post == NULL)                                                                 \
            resolve();                                                                             \
        atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);                                \
        jitter();                                                                                  \
        rc_ = (call);                                                                              \
        if (rc_ == 0 && next_random() % 4 == 0) {                                                  \
            int saved_ = errno;                                                                    \
            pair_up();                                                                             \
            errno = saved_;                                                                        \
        } else {                                                                                   \
            jitter();                                                                              \
        }                                                                                          \
        return rc_;                                                                                \
    } while (0)

#define PERTURBED(call)                                                                            \
    do {                                                                                           \
        int rc_;                                                                                   \
        if (real_sem_post == NULL)                                                                 \
            resolve();                                                                             \
        atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);                                \
        jitter();                                                                                  \
        rc_ = (call);                                                                              \
        jitter();                                                                                  \
        return rc_;                                                                                \
    } while (0)

int sem_wait(sem_t *s)
{
    PERTURBED_WAIT(real_sem_wait(s));
}

int sem_trywait(sem_t *s)
{
    PERTURBED_WAIT(real_sem_trywait(s));
}

int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
    PERTURBED_WAIT(real_sem_timedwait(s, abstime));
}

int sem_post(sem_t *s)
{
    PERTURBED(real_sem_post(s));
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    PERTURBED(real_mutex_lock(m));
}
