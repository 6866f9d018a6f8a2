/*
 * bench.c - what a page fault costs on this machine, and what mg_lock costs:
 * the numbers behind the handout. Not graded; `make bench LAB=memlock` runs
 * it (tests/bench/memlock.sh).
 *
 *     bench_memlock [MiB]       (default 4: stays under an 8 MiB RLIMIT_MEMLOCK)
 *
 * Prints, per 4 KiB page, the median of 5 runs of:
 *   resident     reading a page that is already in RAM
 *   minor fault  the first read of a fresh anonymous page (zero page mapped)
 *   first write  the first write of a fresh anonymous page (a page allocated)
 *   mg_lock      mg_lock of fresh anonymous pages (touch + mlock)
 *   major fault  reading a page of a file whose cache was dropped: the
 *                disk (or its cache in the hypervisor) is read again. This
 *                is the cost swap-in pays too, per page, on the same device.
 */
#define _GNU_SOURCE /* MADV_RANDOM, MADV_PAGEOUT */
#include "memguard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define RUNS 5

static size_t page;

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof(*v), by_value);
    return v[RUNS / 2];
}

static char *fresh(size_t len)
{
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        perror("bench: mmap");
        exit(1);
    }
    return p;
}

/* ns per page to read (or write) one byte of each page of p. */
static double sweep(char *p, size_t len, int write)
{
    double t0 = now_ns();

    for (size_t i = 0; i < len; i += page) {
        if (write)
            p[i] = 1;
        else
            (void)*(volatile char *)(p + i);
    }
    return (now_ns() - t0) / (double)(len / page);
}

/* ns per page of mg_lock on fresh pages; -1 if mg_lock fails. */
static double lock_cost(size_t len)
{
    char *p = fresh(len);
    double t0 = now_ns(), ns;

    if (mg_lock(p, len) != 0) {
        char why[512];
        fprintf(stderr, "bench: mg_lock: %s\n", mg_explain(errno, len, why, sizeof(why)));
        munmap(p, len);
        return -1;
    }
    ns = (now_ns() - t0) / (double)(len / page);
    mg_unlock(p, len);
    munmap(p, len);
    return ns;
}

/* ns per page of reading a file mapping after its cache was dropped. */
static double major_cost(size_t len)
{
    char name[] = "bench-memlock-XXXXXX";
    int fd = mkstemp(name);
    char *buf = calloc(1, page), *m;
    double ns;

    if (fd < 0 || buf == NULL) {
        perror("bench: mkstemp");
        exit(1);
    }
    unlink(name);
    for (size_t i = 0; i < len; i += page)
        if (write(fd, buf, page) != (ssize_t)page) {
            perror("bench: write");
            exit(1);
        }
    fsync(fd);
    m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    madvise(m, len, MADV_RANDOM); /* no readahead: one fault, one page */
    posix_fadvise(fd, 0, (off_t)len, POSIX_FADV_DONTNEED);
    ns = sweep(m, len, 0);
    munmap(m, len);
    close(fd);
    free(buf);
    return ns;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 4, len;
    double res[RUNS], minor[RUNS], wr[RUNS], lock[RUNS], major[RUNS];

    page = (size_t)sysconf(_SC_PAGESIZE);
    len = (mib ? mib : 4) << 20;
    for (int r = 0; r < RUNS; r++) {
        char *p = fresh(len), *q = fresh(len);
        minor[r] = sweep(p, len, 0);
        res[r] = sweep(p, len, 0);
        wr[r] = sweep(q, len, 1);
        munmap(p, len);
        munmap(q, len);
        lock[r] = lock_cost(len);
        major[r] = major_cost(len);
    }
    printf("%zu MiB, %zu-byte pages, median of %d runs, ns per page:\n", len >> 20, page, RUNS);
    printf("  %-12s %10.0f\n", "resident", median(res));
    printf("  %-12s %10.0f\n", "minor fault", median(minor));
    printf("  %-12s %10.0f\n", "first write", median(wr));
    if (median(lock) < 0)
        printf("  %-12s %10s\n", "mg_lock", "failed");
    else
        printf("  %-12s %10.0f\n", "mg_lock", median(lock));
    printf("  %-12s %10.0f\n", "major fault", median(major));
    return 0;
}
