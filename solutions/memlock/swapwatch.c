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
    // BEGIN SOLUTION
    static const struct option longopts[] = {
        {"proc", required_argument, NULL, 'p'},
        {"threshold-kb", required_argument, NULL, 't'},
        {"interval", required_argument, NULL, 'i'},
        {"count", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *o = (struct options){"/proc", 0, 5, 1};
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'p':
            o->proc = optarg;
            break;
        case 't':
            bad = parse_number(optarg, 0, &o->threshold_kb);
            break;
        case 'i':
            bad = parse_number(optarg, 0, &o->interval_s);
            break;
        case 'c':
            bad = parse_number(optarg, 1, &o->count);
            break;
        default:
            usage("unknown option or missing argument");
            return -1;
        }
        if (bad) {
            usage("not a valid number");
            return -1;
        }
    }
    if (optind != argc) {
        usage("unexpected argument");
        return -1;
    }
    return 0;
    // END SOLUTION
    // SKELETON: (void)argc;
    // SKELETON: (void)argv;
    // SKELETON: (void)o;
    // SKELETON: usage("not implemented yet");
    // SKELETON: return -1;
}

// BEGIN SOLUTION
/* The rest of the Name: line of a status file (it may hold spaces), without
 * the newline. 0, or -1 when the file cannot be read or has no Name: line. */
static int read_name(const char *path, char *name, size_t size)
{
    FILE *in = fopen(path, "re");
    char line[256];
    int rc = -1;

    if (in == NULL)
        return -1;
    while (fgets(line, sizeof(line), in) != NULL) {
        if (strncmp(line, "Name:", 5) != 0)
            continue;
        char *s = line + 5 + strspn(line + 5, " \t");
        s[strcspn(s, "\n")] = '\0';
        snprintf(name, size, "%s", s);
        rc = 0;
        break;
    }
    fclose(in);
    return rc;
}

/* Reads DIR/NAME/status into *r. 0, or -1 when it cannot be read. */
static int read_process(const char *proc, const char *entry, struct row *r)
{
    char path[PATH_MAX];
    struct mg_status st;

    snprintf(path, sizeof(path), "%s/%s/status", proc, entry);
    if (mg_read_status(path, &st) < 0 || read_name(path, r->name, sizeof(r->name)) < 0)
        return -1;
    r->pid = strtol(entry, NULL, 10);
    r->swap_kb = st.vm_swap_kb;
    r->locked_kb = st.vm_lck_kb;
    return 0;
}
// END SOLUTION

/* by_swap - qsort order of rows: larger swap_kb first, then smaller pid. */
static int by_swap(const void *a, const void *b)
{
    // BEGIN SOLUTION
    const struct row *x = a, *y = b;

    if (x->swap_kb != y->swap_kb)
        return x->swap_kb > y->swap_kb ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
    // END SOLUTION
    // SKELETON: (void)a;
    // SKELETON: (void)b;
    // SKELETON: return 0;
}

/* collect - the rows of every DIR/[0-9]* process whose VmSwap exceeds
 * threshold_kb, in a malloc'd array (*n of them; the caller frees it).
 * Processes that cannot be read are skipped. NULL with *n == 0 when none. */
static struct row *collect(const char *proc, long threshold_kb, size_t *n)
{
    // BEGIN SOLUTION
    struct row *rows = NULL, r;
    size_t cap = 0;
    struct dirent *e;
    DIR *d = opendir(proc);

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || read_process(proc, e->d_name, &r) < 0)
            continue;
        if (r.swap_kb <= threshold_kb)
            continue;
        if (*n == cap) {
            size_t ncap = cap == 0 ? 64 : 2 * cap;
            struct row *grown = realloc(rows, ncap * sizeof(*rows));
            if (grown == NULL)
                break; /* report what fits */
            rows = grown;
            cap = ncap;
        }
        rows[(*n)++] = r;
    }
    closedir(d);
    return rows;
    // END SOLUTION
    // SKELETON: (void)proc;
    // SKELETON: (void)threshold_kb;
    // SKELETON: *n = 0;
    // SKELETON: return NULL;
}

/* one_round - prints one round for the processes of proc: print_summary,
 * then print_row for each process over threshold_kb, in by_swap order.
 * 1 if a process exceeded the threshold, 0 if none did, -1 after a message
 * on stderr when proc/meminfo cannot be read. */
static int one_round(const char *proc, long threshold_kb)
{
    // BEGIN SOLUTION
    char path[PATH_MAX];
    struct mg_meminfo m;
    struct row *rows;
    size_t n;
    long used;

    snprintf(path, sizeof(path), "%s/meminfo", proc);
    if (mg_read_meminfo(path, &m) < 0) {
        fprintf(stderr, "swapwatch: %s: %s\n", path,
                errno == EPROTO ? "not a meminfo file (a field is missing or malformed)"
                                : strerror(errno));
        return -1;
    }
    used = m.swap_total_kb - m.swap_free_kb;
    print_summary(used, m.swap_total_kb,
                  m.swap_total_kb > 0 ? 100.0 * (double)used / (double)m.swap_total_kb : 0.0);
    rows = collect(proc, threshold_kb, &n);
    if (n > 1)
        qsort(rows, n, sizeof(*rows), by_swap);
    for (size_t i = 0; i < n; i++)
        print_row(&rows[i]);
    free(rows);
    fflush(stdout);
    return n > 0;
    // END SOLUTION
    // SKELETON: (void)proc;
    // SKELETON: (void)threshold_kb;
    // SKELETON: (void)collect; /* delete these four lines once you call them */
    // SKELETON: (void)by_swap;
    // SKELETON: (void)print_summary;
    // SKELETON: (void)print_row;
    // SKELETON: fprintf(stderr, "swapwatch: not implemented yet\n");
    // SKELETON: return -1;
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
