/*
 * swapwatch.c - which processes are really in swap: a monitor that reads
 * VmSwap from DIR/PID/status, not "VmSize - VmRSS". YOUR WORK GOES HERE.
 *
 *     swapwatch [--proc DIR] [--threshold-kb N] [--interval SECONDS] [--count N]
 *
 * Each round prints, on standard output (the exact format is in README.md):
 *     swap: used=U kB total=T kB (P.P%)
 *     PID<TAB>NAME<TAB>SWAP_KB<TAB>LOCKED_KB
 * then one row per process whose VmSwap exceeds the threshold, largest
 * first, ties by PID. A process that vanishes or cannot be read mid-scan is
 * skipped silently. Exit status: 0 when no process exceeded the threshold in
 * any round, 1 when one did, 2 on a usage error or when DIR/meminfo cannot be
 * read (with a message on standard error).
 */
#define _GNU_SOURCE /* getopt_long */
#include "memguard.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One row of the report. */
struct row {
    long pid;
    char name[64];
    long swap_kb;
    long locked_kb;
};

/* What the command line asked for. */
struct options {
    const char *proc;
    long threshold_kb;
    long interval_s;
    long count;
};

/* The helpers we give you (under "Helpers we provide", below). */
static void usage(const char *why);
static void print_summary(long used_kb, long total_kb, double percent);
static void print_row(const struct row *r);
static inline int parse_number(const char *s, long min, long *out);

/* ---- Functions you implement ---- */

/* parse_options - fills o from argv; defaults: /proc, 0, 5, 1. Returns 0, or
 * -1 after a message on stderr (unknown option, missing or bad number,
 * --count below 1, a stray argument). */
static int parse_options(int argc, char **argv, struct options *o)
{
    (void)argc;
    (void)argv;
    (void)o;
    usage("not implemented yet");
    return -1;
}

/* by_swap - qsort order of rows: larger swap_kb first, then smaller pid. */
static int by_swap(const void *a, const void *b)
{
    (void)a;
    (void)b;
    return 0;
}

/* collect - the rows of every DIR/[0-9]* process whose VmSwap exceeds
 * threshold_kb, in a malloc'd array (*n of them; the caller frees it).
 * Processes that cannot be read are skipped. NULL with *n == 0 when none. */
static struct row *collect(const char *proc, long threshold_kb, size_t *n)
{
    (void)proc;
    (void)threshold_kb;
    *n = 0;
    return NULL;
}

/* one_round - prints one round for the processes of proc: print_summary,
 * then print_row for each process over threshold_kb, in by_swap order.
 * 1 if a process exceeded the threshold, 0 if none did, -1 after a message
 * on stderr when proc/meminfo cannot be read. */
static int one_round(const char *proc, long threshold_kb)
{
    (void)proc;
    (void)threshold_kb;
    (void)collect; /* delete these four lines once you call them */
    (void)by_swap;
    (void)print_summary;
    (void)print_row;
    fprintf(stderr, "swapwatch: not implemented yet\n");
    return -1;
}

/* ---- Helpers we provide ---- */

/* usage - prints why and the usage line on stderr. */
static void usage(const char *why)
{
    fprintf(stderr,
            "swapwatch: %s\n"
            "usage: swapwatch [--proc DIR] [--threshold-kb N] [--interval SECONDS] [--count N]\n",
            why);
}

/* print_summary - the two lines that start every round. DO NOT CHANGE: the tests compare
 * this output byte for byte. */
static void print_summary(long used_kb, long total_kb, double percent)
{
    printf("swap: used=%ld kB total=%ld kB (%.1f%%)\n", used_kb, total_kb, percent);
    printf("PID\tNAME\tSWAP_KB\tLOCKED_KB\n");
}

/* print_row - one row of the table. DO NOT CHANGE either. */
static void print_row(const struct row *r)
{
    printf("%ld\t%s\t%ld\t%ld\n", r->pid, r->name, r->swap_kb, r->locked_kb);
}

/* parse_number - parses s as a decimal integer >= min. 0 and *out, or -1 if s is anything
 * else (empty, a sign, trailing characters, out of range). */
static inline int parse_number(const char *s, long min, long *out)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min)
        return -1;
    *out = v;
    return 0;
}

/* main - parses the options and runs --count rounds, --interval seconds apart.
 * Exit status: 2 on a usage or meminfo error, else 1 if any round had a row. */
int main(int argc, char **argv)
{
    struct options o;
    int flagged = 0;

    if (parse_options(argc, argv, &o) < 0)
        return 2;
    for (long round = 0; round < o.count; round++) {
        int rc = one_round(o.proc, o.threshold_kb);
        if (rc < 0)
            return 2;
        flagged |= rc;
        if (round + 1 < o.count)
            sleep((unsigned)o.interval_s);
    }
    return flagged ? 1 : 0;
}
