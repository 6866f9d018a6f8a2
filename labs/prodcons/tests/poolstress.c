/*
 * poolstress.c - S submitter threads push N tasks each into a pool of T
 * workers with a queue of Q; once every task has run (or the pool has
 * settled with some never run), shutdown; every task must have run exactly
 * once when tpool_shutdown returns. Small enough to run under memcheck,
 * helgrind and drd.
 *
 * Waiting first leaves the queue empty when shutdown is called: whether
 * shutdown runs what is still queued (R23) is tpool-shutdown-runs-full-
 * queue's question; asked here, the schedule would answer it. "Settled":
 * every other thread slept SETTLED_MS in a wait with no timeout without
 * once running (oslabs_wait_until). The tasks count their runs in an
 * atomic: helgrind neither reports atomics nor orders threads by them, so
 * the count hides no race of the pool's.
 *
 * Usage: poolstress [-t T] [-q Q] [-s S] [-n N] [-W]
 *   -W  a post that wakes a thread lets it run first (tests/wakefirst.c;
 *       for memcheck, which runs one thread at a time).
 * Exit status 0 when every check passed, 1 otherwise.
 */
#include "oslabs_proc.h"
#include "tpool.h"
#include "wakefirst.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SETTLED_MS    150
#define SETTLE_MAX_MS 5000

static long threads = 3, queue = 4, submitters = 2, per_submitter = 200;
static tpool_t *pool;
static int *runs; /* runs[i]: times task i ran; each written by one task */
static int submit_errors;

static atomic_long tasks_ran;
static long total;

static bool all_ran(void *arg)
{
    (void)arg;
    return atomic_load(&tasks_ran) == total;
}

/* Each task counts its own run; tasks are distinct, so no two threads
 * write the same counter unless a task runs twice. */
static void task(void *arg)
{
    (*(int *)arg)++;
    atomic_fetch_add(&tasks_ran, 1);
}

static void *submitter_main(void *arg)
{
    long first = (long)arg * per_submitter;

    for (long i = first; i < first + per_submitter; i++) {
        if (tpool_submit(pool, task, &runs[i]) != 0) {
            fprintf(stderr, "tpool_submit of task %ld: expected 0, actual -1 (%s)\n", i,
                    strerror(errno));
            return (void *)1;
        }
    }
    return NULL;
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (end == s || *end != '\0' || v < 1 || v > 100000) {
        fprintf(stderr, "poolstress: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    pthread_t sub[64];
    long bad = 0;
    bool wake_first = false;
    int c;

    while ((c = getopt(argc, argv, "t:q:s:n:W")) != -1) {
        switch (c) {
        case 't':
            threads = number(optarg);
            break;
        case 'q':
            queue = number(optarg);
            break;
        case 's':
            submitters = number(optarg) > 64 ? 64 : number(optarg);
            break;
        case 'n':
            per_submitter = number(optarg);
            break;
        case 'W':
            wake_first = true;
            break;
        default:
            fprintf(stderr, "usage: poolstress [-t T] [-q Q] [-s S] [-n N] [-W]\n");
            return 2;
        }
    }
    wakefirst_enable(wake_first);
    total = submitters * per_submitter;
    runs = calloc((size_t)total, sizeof(*runs));
    pool = tpool_create((size_t)threads, (size_t)queue);
    if (runs == NULL || pool == NULL) {
        fprintf(stderr, "tpool_create(%ld, %ld): expected a pool, actual NULL (%s)\n", threads,
                queue, strerror(errno));
        return 1;
    }
    for (long i = 0; i < submitters; i++)
        pthread_create(&sub[i], NULL, submitter_main, (void *)i);
    for (long i = 0; i < submitters; i++) {
        void *r;
        pthread_join(sub[i], &r);
        submit_errors += r != NULL;
    }
    bool settled;
    oslabs_wait_until(all_ran, NULL, SETTLED_MS, SETTLE_MAX_MS, &settled);
    tpool_shutdown(pool);
    for (long i = 0; i < total; i++) {
        if (runs[i] != 1 && bad++ < 5)
            fprintf(stderr, "task %ld: expected to run once, actual %d times\n", i, runs[i]);
    }
    printf("%ld tasks through %ld workers, queue %ld: %s\n", total, threads, queue,
           bad == 0 && submit_errors == 0 ? "ok" : "FAILED");
    free(runs);
    return bad == 0 && submit_errors == 0 ? 0 : 1;
}
