/*
 * test_parse.c - mg_read_status and mg_read_meminfo on fixture files
 * (tests/fixtures/, written by tests/fixtures/mkfixtures.py): real captures
 * and other kernels' layouts, a kernel thread, fields out of order, 64-bit
 * sizes, truncated, garbage and empty files, and open errors.
 *
 * A field the file does not have is -1; a needed field that is missing (the
 * Name: line of a status file; MemTotal, SwapTotal or SwapFree) or any of the
 * four values that is not "blanks, decimal digits that fit a long, blanks,
 * kB" is EPROTO.
 */
#define _GNU_SOURCE
#include "memguard.h"
#include "oslabs_test.h"
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *status_file(const char *name)
{
    static char rel[256];

    snprintf(rel, sizeof(rel), "tests/fixtures/status/%s", name);
    return lab_file(rel);
}

static const char *meminfo_file(const char *name)
{
    static char rel[256];

    snprintf(rel, sizeof(rel), "tests/fixtures/meminfo/%s", name);
    return lab_file(rel);
}

/* Expected results of one fixture. */
struct want_status {
    const char *file;
    long size, rss, lck, swap;
};

struct want_meminfo {
    const char *file;
    long total, available, swap_total, swap_free;
};

static void check_long(const char *file, const char *field, long want, long got)
{
    if (want != got) {
        print_error("%s: %s: expected %ld, actual %ld\n", file, field, want, got);
        fail();
    }
}

static void check_status(const struct want_status *w)
{
    struct mg_status s = {-7, -7, -7, -7};
    int rc;

    errno = 0;
    rc = mg_read_status(status_file(w->file), &s);
    if (rc != 0) {
        print_error("%s: expected mg_read_status to return 0, actual %d (errno %s)\n", w->file, rc,
                    strerror(errno));
        fail();
    }
    check_long(w->file, "vm_size_kb", w->size, s.vm_size_kb);
    check_long(w->file, "vm_rss_kb", w->rss, s.vm_rss_kb);
    check_long(w->file, "vm_lck_kb", w->lck, s.vm_lck_kb);
    check_long(w->file, "vm_swap_kb", w->swap, s.vm_swap_kb);
}

static void check_meminfo(const struct want_meminfo *w)
{
    struct mg_meminfo m = {-7, -7, -7, -7};
    int rc;

    errno = 0;
    rc = mg_read_meminfo(meminfo_file(w->file), &m);
    if (rc != 0) {
        print_error("%s: expected mg_read_meminfo to return 0, actual %d (errno %s)\n", w->file, rc,
                    strerror(errno));
        fail();
    }
    check_long(w->file, "mem_total_kb", w->total, m.mem_total_kb);
    check_long(w->file, "mem_available_kb", w->available, m.mem_available_kb);
    check_long(w->file, "swap_total_kb", w->swap_total, m.swap_total_kb);
    check_long(w->file, "swap_free_kb", w->swap_free, m.swap_free_kb);
}

/* Calls the parser on path and wants -1 with errno want. */
static void check_error(const char *what, int (*call)(const char *), const char *path,
                        const char *label, int want)
{
    int rc;

    errno = 0;
    rc = call(path);
    if (rc != -1 || errno != want) {
        print_error("%s(%s): expected -1 with errno %s, actual %d with errno %s\n", what, label,
                    strerrorname_np(want), rc, errno ? strerrorname_np(errno) : "0");
        fail();
    }
}

static int call_status(const char *path)
{
    struct mg_status s;
    return mg_read_status(path, &s);
}

static int call_meminfo(const char *path)
{
    struct mg_meminfo m;
    return mg_read_meminfo(path, &m);
}

/* Real captures (6.18) and the layouts of 2.6.32, 3.10, 4.19 and 5.15. */
static void parse_status_kernels(void **state)
{
    static const struct want_status w[] = {
        {"linux-6.18-cat.txt", 3060, 1752, 0, 0},
        {"linux-5.15-redis.txt", 4247068, 2854412, 65536, 1048580},
        {"linux-4.19-postgres.txt", 320652, 26104, 0, 1532},
        {"linux-3.10-java.txt", 6112572, 1203412, 0, 412760},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        check_status(&w[i]);
}

/* Absent is not an error: no VmSwap before 2.6.34, no Vm* line at all in a
 * kernel thread. Each missing field is -1 and the call succeeds. */
static void parse_status_absent_fields(void **state)
{
    static const struct want_status w[] = {
        {"linux-2.6.32-bash.txt", 108304, 1968, 0, -1},
        {"linux-6.18-kthreadd.txt", -1, -1, -1, -1},
        {"linux-5.15-kworker.txt", -1, -1, -1, -1},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        check_status(&w[i]);
}

/* VmSwap first, Name last: fields are found by key, not by position. */
static void parse_status_out_of_order(void **state)
{
    static const struct want_status w = {"out-of-order.txt", 146208, 9876, 4, 36};
    (void)state;
    check_status(&w);
}

/* Sizes past 2^31 and 2^32 kB (an AddressSanitizer process), LONG_MAX itself;
 * one past LONG_MAX does not fit a long: EPROTO. */
static void parse_status_huge(void **state)
{
    static const struct want_status w[] = {
        {"huge.txt", 21474992644L, 4294967300L, 0, 2147483648L},
        {"long-max.txt", 9223372036854775807L, 2854412, 65536, 1048580},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        check_status(&w[i]);
    check_error("mg_read_status", call_status, status_file("overflow.txt"), "overflow.txt", EPROTO);
}

/* Truncated in the middle of a value, garbage in a value, an empty file, and a
 * file that is not a status file (no Name: line): EPROTO. */
static void parse_status_malformed(void **state)
{
    static const char *const files[] = {
        "truncated.txt",
        "garbage-letters.txt",
        "garbage-negative.txt",
        "garbage-no-digits.txt",
        "garbage-hex.txt",
        "garbage-unit.txt",
        "empty.txt",
        "not-status.txt",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        check_error("mg_read_status", call_status, status_file(files[i]), files[i], EPROTO);
}

/* Real capture (6.18, no swap), the layouts of 3.16, 4.19 and 5.15, a 12 TiB
 * machine, and 2.6.32, which has no MemAvailable (-1). SwapCached, Zswap and
 * the HugePages_ lines (no kB) are not the fields asked for. */
static void parse_meminfo_kernels(void **state)
{
    static const struct want_meminfo w[] = {
        {"linux-6.18.txt", 24684084, 24060400, 0, 0},
        {"linux-5.15.txt", 32815004, 1741236, 8388604, 2098172},
        {"linux-4.19.txt", 16393904, 9836412, 2097148, 2096892},
        {"linux-3.16.txt", 7990336, 3160208, 8257532, 7432188},
        {"linux-2.6.32.txt", 3924252, -1, 4194296, 4080872},
        {"huge.txt", 12884901888L, 9663676416L, 2147483648L, 1073741824L},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        check_meminfo(&w[i]);
}

/* Every line reversed: SwapFree comes first, MemTotal last. */
static void parse_meminfo_out_of_order(void **state)
{
    static const struct want_meminfo w = {"out-of-order.txt", 32815004, 1741236, 8388604, 2098172};
    (void)state;
    check_meminfo(&w);
}

/* Truncated before SwapTotal (a needed field), a float, a negative size, a
 * number past LONG_MAX, an empty file: EPROTO. */
static void parse_meminfo_malformed(void **state)
{
    static const char *const files[] = {
        "truncated.txt",        "garbage-float.txt", "garbage-negative.txt",
        "garbage-overflow.txt", "empty.txt",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        check_error("mg_read_meminfo", call_meminfo, meminfo_file(files[i]), files[i], EPROTO);
}

/* errno of open(2) comes back as it is: ENOENT for a missing file, EACCES for
 * one this user may not read. */
static void parse_open_errors(void **state)
{
    const char *missing = "no-such-dir/status";
    char unreadable[] = "unreadable-XXXXXX";
    int fd;

    (void)state;
    check_error("mg_read_status", call_status, missing, missing, ENOENT);
    check_error("mg_read_meminfo", call_meminfo, missing, missing, ENOENT);

    fd = mkstemp(unreadable);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "Name:\tx\n", 8), 8);
    close(fd);
    assert_int_equal(chmod(unreadable, 0), 0);
    fd = open(unreadable, O_RDONLY);
    if (fd >= 0) {
        close(fd);
        unlink(unreadable);
        skip(); /* root, or CAP_DAC_OVERRIDE: nothing is unreadable. The grader runs tests as
                   an unprivileged user, where this is checked. */
    }
    check_error("mg_read_status", call_status, unreadable, "a file of mode 000", EACCES);
    check_error("mg_read_meminfo", call_meminfo, unreadable, "a file of mode 000", EACCES);
    unlink(unreadable);
}

static const struct CMUnitTest tests[] = {
    MG_TEST(parse_status_kernels, "parse-status-kernels"),
    MG_TEST(parse_status_absent_fields, "parse-status-absent-fields"),
    MG_TEST(parse_status_out_of_order, "parse-status-out-of-order"),
    MG_TEST(parse_status_huge, "parse-status-huge"),
    MG_TEST(parse_status_malformed, "parse-status-malformed"),
    MG_TEST(parse_meminfo_kernels, "parse-meminfo-kernels"),
    MG_TEST(parse_meminfo_out_of_order, "parse-meminfo-out-of-order"),
    MG_TEST(parse_meminfo_malformed, "parse-meminfo-malformed"),
    MG_TEST(parse_open_errors, "parse-open-errors"),
};

OSLABS_TEST_MAIN(tests)
