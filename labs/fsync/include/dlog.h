/*
 * dlog.h - a durable append-only log of records (the fsync lab's contract).
 *
 * A record is 0 to DLOG_MAX_RECORD bytes. dlog_append returns only once its
 * record would survive a power loss; after a crash, dlog_open and dlog_replay
 * see the longest valid prefix of the records appended. The on-disk format
 * is yours, but every record carries a CRC-32C or CRC-32 over its length and
 * data, so a torn or corrupt record ends the valid prefix. Given by the lab:
 * do not edit.
 */
#ifndef DLOG_H
#define DLOG_H

#include <stdint.h>

#define DLOG_MAX_RECORD (1u << 20) /* 1 MiB */

typedef struct dlog dlog_t;

/* Opens or creates the log. Creation is durable (fsync the file and its
 * directory). Opening recovers: the log is cut after its longest valid prefix
 * of records. NULL with errno. */
dlog_t *dlog_open(const char *path);

/* Returns 0 only once the record is durable. Thread-safe. Appenders that
 * arrive while an fsync is in flight are committed together by the next one
 * (group commit). After any write or fsync error the log is failed: this and
 * every later append return -1 EIO and no fsync is retried. len may be 0; at
 * most 1 MiB (EINVAL above). */
int dlog_append(dlog_t *log, const void *data, uint32_t len);

/* Closes the log and frees it. NULL is a no-op. */
int dlog_close(dlog_t *log);

typedef int (*dlog_visit_fn)(const void *data, uint32_t len, void *arg);

/* Calls visit for each record of the longest valid prefix, in order; stops
 * early if visit returns non-zero; returns the number of records visited
 * (counting the call that returned non-zero), or -1 with errno. Does not
 * modify the file. */
long dlog_replay(const char *path, dlog_visit_fn visit, void *arg);

#endif
