/*
 * bench_deadlock.c - numbers for the deadlock lab (not a graded test; run by
 * tests/bench/deadlock.sh):
 *
 *     bench_deadlock transfers MS    transfers per second, 1..4 threads,
 *                                    64 accounts and 2 accounts
 *     bench_deadlock until-stuck MS  the both-ways workload of the stress
 *                                    test: ms until it stops making progress
 *                                    (a deadlock), or "none" after MS
 *     bench_deadlock lockdep MS      ld_lock+ld_unlock of two nested locks
 *                                    per second, against plain mutexes
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bank.h"
#include "lockdep.h"
#include "oslabs_proc.h"

struct run {
    bank_t *bank;
    size_t naccounts;
    atomic_bool stop;
    atomic_long done; /* calls that returned */
};

struct worker {
    struct run *r;
    unsigned seed;
    int id;
    bool both_ways; /* half the transfers between 0 and 1, by direction */
    bool shared;    /* count in r->done as they happen (else once, at the end) */
    long done;
    pthread_t thread;
};

static void *transfer_loop(void *arg)
{
    struct worker *w = arg;

    for (long i = 0; !atomic_load(&w->r->stop); i++) {
        size_t from = (size_t)rand_r(&w->seed) % w->r->naccounts;
        size_t to = (size_t)rand_r(&w->seed) % w->r->naccounts;
        if (w->both_ways && i % 2 == 0) {
            from = (size_t)(w->id & 1);
            to = 1 - from;
        }
        bank_transfer(w->r->bank, from, to, 1 + rand_r(&w->seed) % 40);
        if (w->shared)
            atomic_fetch_add(&w->r->done, 1);
        else
            w->done++;
    }
    atomic_fetch_add(&w->r->done, w->done);
    return NULL;
}

/* Transfers per second with nthreads threads over naccounts accounts. */
static double transfers_per_s(int nthreads, size_t naccounts, int ms)
{
    struct run r = {.naccounts = naccounts};
    struct worker w[8];
    double start;

    r.bank = bank_create(naccounts, 1000);
    if (r.bank == NULL)
        return 0;
    start = oslabs_now_ms();
    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct worker){.r = &r, .seed = 7u + (unsigned)i, .id = i};
        pthread_create(&w[i].thread, NULL, transfer_loop, &w[i]);
    }
    oslabs_sleep_ms(ms);
    atomic_store(&r.stop, true);
    for (int i = 0; i < nthreads; i++)
        pthread_join(w[i].thread, NULL);
    bank_destroy(r.bank);
    return (double)atomic_load(&r.done) * 1e3 / (oslabs_now_ms() - start);
}

/* The stress test's workload until no call returns for 200 ms. */
static int until_stuck(int ms)
{
    struct run r = {.naccounts = 4};
    struct worker w[4];
    double start = oslabs_now_ms(), last_change = start;
    long last = -1;

    r.bank = bank_create(4, 100);
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.r = &r,
                               .seed = (unsigned)time(NULL) + (unsigned)i,
                               .id = i,
                               .both_ways = true,
                               .shared = true};
        pthread_create(&w[i].thread, NULL, transfer_loop, &w[i]);
    }
    while (oslabs_now_ms() - start < ms) {
        long done = atomic_load(&r.done);
        if (done != last) {
            last = done;
            last_change = oslabs_now_ms();
        } else if (oslabs_now_ms() - last_change > 200) {
            printf("stuck after %.0f ms (%ld transfers)\n", last_change - start, last);
            exit(0); /* the threads are deadlocked: leave them */
        }
        oslabs_sleep_ms(1);
    }
    printf("none in %d ms (%ld transfers)\n", ms, atomic_load(&r.done));
    exit(0);
}

static void lockdep_rate(int ms)
{
    static ld_mutex_t a, b;
    pthread_mutex_t pa = PTHREAD_MUTEX_INITIALIZER, pb = PTHREAD_MUTEX_INITIALIZER;
    double start;
    long n;

    ld_mutex_init(&a, "A");
    ld_mutex_init(&b, "B");
    start = oslabs_now_ms();
    for (n = 0; oslabs_now_ms() - start < ms; n++)
        for (int i = 0; i < 1000; i++) {
            ld_lock(&a);
            ld_lock(&b);
            ld_unlock(&b);
            ld_unlock(&a);
        }
    printf("lockdep: %.1f M nested pairs/s\n", (double)n * 1e3 / (oslabs_now_ms() - start) / 1e3);
    start = oslabs_now_ms();
    for (n = 0; oslabs_now_ms() - start < ms; n++)
        for (int i = 0; i < 1000; i++) {
            pthread_mutex_lock(&pa);
            pthread_mutex_lock(&pb);
            pthread_mutex_unlock(&pb);
            pthread_mutex_unlock(&pa);
        }
    printf("pthread: %.1f M nested pairs/s\n", (double)n * 1e3 / (oslabs_now_ms() - start) / 1e3);
}

int main(int argc, char **argv)
{
    int ms = argc > 2 ? atoi(argv[2]) : 1000;

    if (argc > 1 && strcmp(argv[1], "transfers") == 0) {
        printf("%-8s %16s %16s\n", "threads", "64 accounts/s", "2 accounts/s");
        for (int t = 1; t <= 4; t *= 2)
            printf("%-8d %15.1fM %15.1fM\n", t, transfers_per_s(t, 64, ms) / 1e6,
                   transfers_per_s(t, 2, ms) / 1e6);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "until-stuck") == 0)
        return until_stuck(ms);
    if (argc > 1 && strcmp(argv[1], "lockdep") == 0) {
        lockdep_rate(ms);
        return 0;
    }
    fprintf(stderr, "usage: %s transfers|until-stuck|lockdep [MS]\n", argv[0]);
    return 2;
}
