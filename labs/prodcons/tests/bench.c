/*
 * bench.c - throughput of a bounded buffer: P producers and C consumers
 * move N items through a bbuf of capacity K (or, with -m pipe, through a
 * pipe(2) as a baseline), and the run's context switches are counted with
 * getrusage. Not graded; `make bench LAB=prodcons` prints a table.
 *
 * Usage: bench [-m bbuf|pipe] [-p P] [-c C] [-k K] [-n N]
 * Prints one line: "items_per_s voluntary_cs_per_item involuntary_cs_per_item"
 * or "error: ..." when the buffer does not work.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "bbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long producers = 1, consumers = 1, capacity = 16, items = 100000;
static int use_pipe;
static bbuf_t *buf;
static int pipefd[2];
static long per_producer;

static void *produce(void *arg)
{
    (void)arg;
    for (long i = 0; i < per_producer; i++) {
        void *item = (void *)(uintptr_t)(i + 1);
        if (use_pipe ? write(pipefd[1], &item, sizeof(item)) != sizeof(item)
                     : bbuf_put(buf, item) != 0)
            return (void *)1;
    }
    return NULL;
}

static void *consume(void *arg)
{
    long got = 0;
    void *item;

    (void)arg;
    for (;;) {
        if (use_pipe ? read(pipefd[0], &item, sizeof(item)) != sizeof(item)
                     : bbuf_get(buf, &item) != 0)
            break;
        got++;
    }
    return (void *)got;
}

static void setup(void)
{
    if (use_pipe) {
        if (pipe(pipefd) != 0) {
            printf("error: pipe: %s\n", strerror(errno));
            exit(1);
        }
        /* A pipe holds at least a page; ask for K items' worth. */
        fcntl(pipefd[1], F_SETPIPE_SZ, (int)(capacity * (long)sizeof(void *)));
        return;
    }
    buf = bbuf_create((size_t)capacity);
    if (buf == NULL) {
        printf("error: bbuf_create: %s\n", strerror(errno));
        exit(1);
    }
}

/* Producers, then close, then consumers; returns the items delivered. */
static long run(void)
{
    pthread_t p[64], c[64];
    long delivered = 0;
    void *r;

    for (long i = 0; i < consumers; i++)
        pthread_create(&c[i], NULL, consume, NULL);
    for (long i = 0; i < producers; i++)
        pthread_create(&p[i], NULL, produce, NULL);
    for (long i = 0; i < producers; i++)
        pthread_join(p[i], NULL);
    if (use_pipe)
        close(pipefd[1]);
    else
        bbuf_close(buf);
    for (long i = 0; i < consumers; i++) {
        pthread_join(c[i], &r);
        delivered += (long)r;
    }
    return delivered;
}

int main(int argc, char **argv)
{
    struct rusage before, after;
    struct timespec t0, t1;
    double secs;
    long delivered;
    int opt;

    while ((opt = getopt(argc, argv, "m:p:c:k:n:")) != -1) {
        switch (opt) {
        case 'm':
            use_pipe = strcmp(optarg, "pipe") == 0;
            break;
        case 'p':
            producers = atol(optarg);
            break;
        case 'c':
            consumers = atol(optarg);
            break;
        case 'k':
            capacity = atol(optarg);
            break;
        case 'n':
            items = atol(optarg);
            break;
        default:
            fprintf(stderr, "usage: bench [-m bbuf|pipe] [-p P] [-c C] [-k K] [-n N]\n");
            return 2;
        }
    }
    if (producers < 1 || producers > 64 || consumers < 1 || consumers > 64 || capacity < 1 ||
        items < producers) {
        fprintf(stderr, "bench: bad arguments\n");
        return 2;
    }
    per_producer = items / producers;
    setup();
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    delivered = run();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &after);
    if (delivered != per_producer * producers) {
        printf("error: %ld of %ld items delivered\n", delivered, per_producer * producers);
        return 1;
    }
    secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%.0f %.3f %.3f\n", delivered / secs,
           (double)(after.ru_nvcsw - before.ru_nvcsw) / delivered,
           (double)(after.ru_nivcsw - before.ru_nivcsw) / delivered);
    if (!use_pipe)
        bbuf_destroy(buf);
    return 0;
}
