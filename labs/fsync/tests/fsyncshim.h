/*
 * fsyncshim.h - control of the fsync shim (libfsyncshim.so), an LD_PRELOAD
 * library that stands between a program and fsync/fdatasync: it counts the
 * calls, can make one of them fail with EIO (fsyncgate), and can slow them
 * down or skip the real call; it can also slow down writes to files, or
 * kill the process in the middle of one.
 *
 * At load time it reads FSYNCSHIM_FAIL_AT (fail the Nth call, counting from
 * 1), FSYNCSHIM_DELAY_US (sleep this long after each call) and
 * FSYNCSHIM_NOOP=1 (do not call the real fsync). A test program that runs
 * with the shim preloaded drives it through the functions below.
 */
#ifndef FSYNCSHIM_H
#define FSYNCSHIM_H

#include <stdbool.h>

struct fsyncshim_stats {
    long calls;         /* fsync + fdatasync calls so far */
    long failed_call;   /* number of the call that failed with EIO, or 0 */
    long after_failure; /* calls made after the failed one */
};

/* When one successful call ran: CLOCK_MONOTONIC nanoseconds at its entry
 * into the shim and at its return (after the delay). */
struct fsyncshim_span {
    long long start_ns, end_ns;
};

/* The shim's entry points; a test program finds them with dlsym
 * (testlib.c), since it does not link against the shim. */
typedef void (*fsyncshim_config_fn)(long fail_in, long delay_us, bool noop);
typedef void (*fsyncshim_get_fn)(struct fsyncshim_stats *out);
typedef long (*fsyncshim_spans_fn)(struct fsyncshim_span *out, long max);
typedef void (*fsyncshim_slow_writes_fn)(long calls, long delay_us);
typedef void (*fsyncshim_crash_at_fn)(long write_no, unsigned long cut);

/* From now on: fail the fail_in-th call from now with EIO (0: none), sleep
 * delay_us after each call, and skip the real call if noop. */
void fsyncshim_config(long fail_in, long delay_us, bool noop);

/* The counters so far. */
void fsyncshim_get(struct fsyncshim_stats *out);

/* Copies the spans of the successful calls so far (at most the first
 * FSYNCSHIM_MAX_SPANS), in the order they started, into OUT (room for MAX);
 * returns how many there are. */
#define FSYNCSHIM_MAX_SPANS 65536
long fsyncshim_spans(struct fsyncshim_span *out, long max);

/* The next `calls` writes to regular files (write, pwrite, writev, pwritev)
 * each sleep delay_us first. */
void fsyncshim_slow_writes(long calls, long delay_us);

/* The write_no-th write to a regular file from now (write, pwrite, writev,
 * pwritev) writes only its first cut % (n + 1) of n bytes, or all of them
 * if cut is FSYNCSHIM_WHOLE, and then the process is killed with SIGKILL:
 * a crash at a chosen point, the same every run. */
#define FSYNCSHIM_WHOLE (~0UL)
void fsyncshim_crash_at(long write_no, unsigned long cut);

#endif
