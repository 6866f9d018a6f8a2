/*
 * bench.c - what durability costs (tests/bench/fsync.sh runs it; not graded).
 *
 *     bench dlog T N        T threads append N records of 100 bytes each to
 *                           a fresh log: appends per second, and fsyncs per
 *                           append when the fsync shim is preloaded
 *     bench latency N       N fdatasync calls, each after a 100-byte write:
 *                           median and 99th percentile latency
 *     bench write N         N 100-byte write() calls and no fsync at all
 *
 * Run in the directory to measure (its file system decides the numbers).
 */
#define _GNU_SOURCE
#include "dlog.h"
#include "fsyncshim.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REC 100

static dlog_t *log_;
static long per_thread;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long fsync_calls(void)
{
    fsyncshim_get_fn get = (fsyncshim_get_fn)dlsym(RTLD_DEFAULT, "fsyncshim_get");
    struct fsyncshim_stats s = {0};

    if (get == NULL)
        return -1;
    get(&s);
    return s.calls;
}

static void *appender(void *arg)
{
    char rec[REC];

    memset(rec, 'a' + (int)(long)arg, sizeof(rec));
    for (long i = 0; i < per_thread; i++)
        if (dlog_append(log_, rec, sizeof(rec)) != 0) {
            perror("bench: dlog_append");
            exit(1);
        }
    return NULL;
}

static int bench_dlog(int threads, long n)
{
    pthread_t tid[64];

    unlink("bench.log");
    log_ = dlog_open("bench.log");
    if (log_ == NULL) {
        perror("bench: dlog_open");
        return 1;
    }
    per_thread = n / threads;
    long calls = fsync_calls();
    double t0 = now();
    for (long t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, appender, (void *)t);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    double secs = now() - t0;
    long total = per_thread * threads;
    calls = calls < 0 ? -1 : fsync_calls() - calls;
    dlog_close(log_);
    unlink("bench.log");
    if (calls < 0)
        printf("%.0f -\n", (double)total / secs);
    else
        printf("%.0f %.2f\n", (double)total / secs, (double)calls / (double)total);
    return 0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench_latency(long n)
{
    char rec[REC];
    double *lat = malloc((size_t)n * sizeof(double));
    int fd = open("bench.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || lat == NULL)
        return 1;
    memset(rec, 'x', sizeof(rec));
    for (long i = 0; i < n; i++) {
        if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
            return 1;
        double t0 = now();
        if (fdatasync(fd) != 0)
            return 1;
        lat[i] = now() - t0;
    }
    close(fd);
    unlink("bench.dat");
    qsort(lat, (size_t)n, sizeof(double), by_double);
    printf("%.3f %.3f\n", lat[n / 2] * 1e3, lat[(n * 99) / 100] * 1e3);
    free(lat);
    return 0;
}

static int bench_write(long n)
{
    char rec[REC];
    int fd = open("bench.dat", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

    if (fd < 0)
        return 1;
    memset(rec, 'x', sizeof(rec));
    double t0 = now();
    for (long i = 0; i < n; i++)
        if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
            return 1;
    double secs = now() - t0;
    close(fd);
    unlink("bench.dat");
    printf("%.0f\n", (double)n / secs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "dlog") == 0)
        return bench_dlog(atoi(argv[2]) < 1    ? 1
                          : atoi(argv[2]) > 64 ? 64
                                               : atoi(argv[2]),
                          atol(argv[3]));
    if (argc == 3 && strcmp(argv[1], "latency") == 0)
        return bench_latency(atol(argv[2]) < 1 ? 1 : atol(argv[2]));
    if (argc == 3 && strcmp(argv[1], "write") == 0)
        return bench_write(atol(argv[2]));
    fprintf(stderr, "usage: bench dlog THREADS N | bench latency N | bench write N\n");
    return 2;
}
