/*
 * testlib.h - what the fsync lab's cmocka tests share: collecting a replay,
 * comparing it with what was appended (printing "expected X, actual Y"),
 * files, and the fsync shim (fsyncshim.h) preloaded into every test program.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include "fsyncshim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A list of records, as appended or as replayed. */
struct reclist {
    unsigned char **data;
    uint32_t *len;
    size_t n, cap;
};

void reclist_add(struct reclist *l, const void *data, uint32_t len);
void reclist_free(struct reclist *l);

/* dlog_replay(path) into out (cleared first); returns what dlog_replay did,
 * and its errno in *err. */
long replay_into(const char *path, struct reclist *out, int *err);

/* Fails the test unless got is want's first got->n records, exactly. */
void assert_prefix(const struct reclist *got, const struct reclist *want, const char *when);
/* Fails the test unless got is exactly want. */
void assert_same(const struct reclist *got, const struct reclist *want, const char *when);

/* Record id's bytes for the process-crash test: 1 to 3000 bytes, now and
 * then 64 KiB, distinct for every id. */
uint32_t payload_len(uint32_t id);
void payload_fill(uint32_t id, unsigned char *buf);

/* Whole files. read_file returns a malloc'd buffer (NULL if missing). */
unsigned char *read_file(const char *path, size_t *n);
void write_file(const char *path, const void *data, size_t n);
/* The names in dir, sorted and joined by spaces ("" if empty), malloc'd. */
char *list_dir(const char *dir);

/* The shim: fails the test if it is not loaded. fast() makes fsync a no-op,
 * for tests about anything but durability itself. */
void shim_config(long fail_in, long delay_us, bool noop);
struct fsyncshim_stats shim_stats(void);
void shim_fast(void);
/* The next calls writes to files each sleep delay_us first (see fsyncshim.h). */
void shim_slow_writes(long calls, long delay_us);
/* fsyncshim_crash_at (fsyncshim.h). */
void shim_crash_at(long write_no, unsigned long cut);
/* The successful fsync/fdatasync calls so far, in the order they started
 * (a buffer of the library's; *N set to how many). */
const struct fsyncshim_span *shim_spans(long *n);

const char *errno_name(int err);

#endif
