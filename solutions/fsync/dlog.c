// BEGIN SOLUTION
/*
 * dlog.c - a durable append-only log with group commit.
 *
 * On disk the log is a sequence of records, each an 8-byte header and the
 * data:
 *
 *     u32 len (little-endian) | u32 crc32c(len bytes, data) | data[len]
 *
 * No file header, no padding. The longest valid prefix ends at the first
 * record that is cut short, longer than DLOG_MAX_RECORD, or whose checksum
 * does not match.
 *
 * Appends are written in order under the log's lock, each at the offset
 * where the previous one ended. Durability comes from fdatasync, called by
 * one appender at a time (the "leader") outside the lock: it syncs everything
 * written before it started, and appenders that wrote meanwhile wait and are
 * committed together by the next leader. After any write or fsync error the
 * log is failed for good (fsyncgate: a retried fsync can succeed with the data
 * lost), so every append from then on returns EIO without touching the file.
 *
 * skeletons/fsync/dlog.c is made from this file by grader/mkskeleton.sh fsync.
 */
// END SOLUTION
// SKELETON: /*
// SKELETON:  * dlog.c - a durable append-only log (the fsync lab; contract in dlog.h).
// SKELETON:  *
// SKELETON:  * Functions you will implement: dlog_open, dlog_append, dlog_close and
// SKELETON:  * dlog_replay, each marked below with its contract. The format on disk is
// SKELETON:  * yours; every record needs a CRC-32C or CRC-32 over its length and data (crc32c below).
// SKELETON:  * Durability comes from fsync or fdatasync (the tests count them), never
// SKELETON:  * from O_SYNC, O_DSYNC or O_DIRECT. The helpers we provide are at the
// SKELETON:  * end of the file; you may add your own static functions.
// SKELETON:  */
#define _GNU_SOURCE
#include "dlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// BEGIN SOLUTION
#define HEADER_SIZE 8

struct dlog {
    int fd;                /* read-write, set once by dlog_open */
    pthread_mutex_t lock;  /* protects every field below */
    pthread_cond_t synced; /* broadcast when durable, syncing or failed change */
    uint64_t written;      /* end of the last record written */
    uint64_t durable;      /* everything before this offset is on disk */
    bool syncing;          /* a leader is in fdatasync */
    bool failed;           /* a write or fsync failed: no more appends */
};

// END SOLUTION
// SKELETON: struct dlog {
// SKELETON:     int fd; /* the log file: add what your design needs, and say which lock protects what */
// SKELETON: };
// SKELETON:

/* Helpers we provide, at the end of the file (marked unused so that the
 * skeleton, which does not call them yet, compiles with -Werror). */
__attribute__((unused)) static uint32_t crc32c(uint32_t crc, const void *buf, size_t n);
__attribute__((unused)) static void put_u32(unsigned char *p, uint32_t v);
__attribute__((unused)) static uint32_t get_u32(const unsigned char *p);
__attribute__((unused)) static int pwrite_all(int fd, const void *buf, size_t n, uint64_t off);
__attribute__((unused)) static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off);

/* ---- Functions you implement ---- */

// BEGIN SOLUTION
/* The checksum of a record: over its 4 length bytes, then its data. */
static uint32_t record_crc(const unsigned char *lenbytes, const void *data, uint32_t len)
{
    return crc32c(crc32c(0, lenbytes, 4), data, len);
}

/* fsyncs the directory that holds path. 0, or -1 with errno. */
static int fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd, rc, saved;

    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/*
 * scan - walks the valid prefix of the log open on fd, calling visit (if
 * not NULL) for each record. Stops after a visit that returns non-zero.
 * Sets *count to the records visited (or seen) and *end to the offset where
 * the valid prefix ends. 0, or -1 with errno on a read error or ENOMEM.
 */
static int scan(int fd, dlog_visit_fn visit, void *arg, long *count, uint64_t *end)
{
    unsigned char hdr[HEADER_SIZE];
    unsigned char *data = NULL;
    size_t cap = 0;
    uint64_t off = 0;
    long n = 0;
    int rc = 0;

    for (;;) {
        ssize_t got = pread_full(fd, hdr, HEADER_SIZE, off);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got < HEADER_SIZE)
            break; /* torn header: end of the valid prefix */
        uint32_t len = get_u32(hdr);
        if (len > DLOG_MAX_RECORD)
            break;
        if (len > cap) {
            unsigned char *bigger = realloc(data, len);
            if (bigger == NULL) {
                rc = -1;
                break;
            }
            data = bigger;
            cap = len;
        }
        got = pread_full(fd, data, len, off + HEADER_SIZE);
        if (got < 0) {
            rc = -1;
            break;
        }
        if ((size_t)got < len || record_crc(hdr, data, len) != get_u32(hdr + 4))
            break; /* torn or corrupt record */
        off += HEADER_SIZE + (uint64_t)len;
        n++;
        if (visit != NULL && visit(data, len, arg) != 0)
            break;
    }
    free(data);
    *count = n;
    *end = off;
    return rc;
}

// END SOLUTION

/* dlog_open - opens or creates the log at path. Creation is durable: fsync the
 * new file and the directory that holds it. Opening recovers: the file is cut
 * after its longest valid prefix of records, and appends go after them.
 * NULL with errno (ENOENT when the directory does not exist). */
dlog_t *dlog_open(const char *path)
{
    // BEGIN SOLUTION
    struct stat st;
    uint64_t end;
    long count;
    int saved;

    dlog_t *log = calloc(1, sizeof(*log));
    if (log == NULL)
        return NULL;
    log->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (log->fd < 0)
        goto fail_free;
    /* Always make the name durable, not only when this call created the file:
     * a process that crashed may have created it without syncing. */
    if (fsync(log->fd) < 0 || fsync_parent_dir(path) < 0)
        goto fail_close;
    if (scan(log->fd, NULL, NULL, &count, &end) < 0 || fstat(log->fd, &st) < 0)
        goto fail_close;
    if ((uint64_t)st.st_size > end) {
        /* Cut the torn tail, durably, before anything is appended after it. */
        if (ftruncate(log->fd, (off_t)end) < 0 || fdatasync(log->fd) < 0)
            goto fail_close;
    }
    log->written = log->durable = end;
    pthread_mutex_init(&log->lock, NULL);
    pthread_cond_init(&log->synced, NULL);
    return log;

fail_close:
    saved = errno;
    close(log->fd);
    errno = saved;
fail_free:
    saved = errno;
    free(log);
    errno = saved;
    return NULL;
    // END SOLUTION
    // SKELETON: (void)path;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return NULL;
}

// BEGIN SOLUTION
/* Marks the log failed and wakes every waiter. Caller holds log->lock. */
static void fail_log(dlog_t *log)
{
    log->failed = true;
    pthread_cond_broadcast(&log->synced);
}

/* Makes everything up to offset upto durable, leading an fdatasync or
 * waiting for the one in flight. Caller holds log->lock. 0, or -1 if the log
 * failed first. */
static int commit(dlog_t *log, uint64_t upto)
{
    while (log->durable < upto && !log->failed) {
        if (log->syncing) {
            pthread_cond_wait(&log->synced, &log->lock);
            continue;
        }
        /* Lead: sync what is written now; later writers wait for the next. */
        uint64_t target = log->written;
        log->syncing = true;
        pthread_mutex_unlock(&log->lock);
        int rc = fdatasync(log->fd);
        pthread_mutex_lock(&log->lock);
        log->syncing = false;
        if (rc < 0) {
            fail_log(log);
            break;
        }
        log->durable = target;
        pthread_cond_broadcast(&log->synced);
    }
    return log->durable >= upto ? 0 : -1;
}

// END SOLUTION
/* dlog_append - appends a record of len bytes (0 to DLOG_MAX_RECORD, else
 * EINVAL) and returns 0 only once it is durable. Thread-safe, with group
 * commit: appenders that arrive while an fsync is in flight are committed
 * together by the next one. After a write or fsync error the log is failed:
 * this and every later append return -1 with EIO, and fsync is never called
 * again. */
int dlog_append(dlog_t *log, const void *data, uint32_t len)
{
    // BEGIN SOLUTION
    unsigned char *rec;
    uint64_t end;
    int rc;

    if (log == NULL || len > DLOG_MAX_RECORD || (data == NULL && len > 0)) {
        errno = EINVAL;
        return -1;
    }
    rec = malloc(HEADER_SIZE + (size_t)len);
    if (rec == NULL)
        return -1;
    put_u32(rec, len);
    if (len > 0)
        memcpy(rec + HEADER_SIZE, data, len);
    put_u32(rec + 4, record_crc(rec, rec + HEADER_SIZE, len));

    pthread_mutex_lock(&log->lock);
    if (log->failed) {
        rc = -1;
    } else if (pwrite_all(log->fd, rec, HEADER_SIZE + (size_t)len, log->written) < 0) {
        fail_log(log);
        rc = -1;
    } else {
        log->written += HEADER_SIZE + (uint64_t)len;
        end = log->written;
        rc = commit(log, end);
    }
    pthread_mutex_unlock(&log->lock);
    free(rec);
    if (rc < 0)
        errno = EIO;
    return rc;
    // END SOLUTION
    // SKELETON: (void)log;
    // SKELETON: (void)data;
    // SKELETON: (void)len;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return -1;
}

/* dlog_close - closes the log and frees it; NULL is a no-op. 0, or -1 with
 * errno if close failed (the log is freed anyway). */
int dlog_close(dlog_t *log)
{
    // BEGIN SOLUTION
    int rc;

    if (log == NULL)
        return 0;
    rc = close(log->fd);
    pthread_cond_destroy(&log->synced);
    pthread_mutex_destroy(&log->lock);
    free(log);
    return rc;
    // END SOLUTION
    // SKELETON: if (log != NULL)
    // SKELETON:     close(log->fd);
    // SKELETON: free(log);
    // SKELETON: return 0;
}

/* dlog_replay - calls visit(data, len, arg) for each record of the longest
 * valid prefix of the log at path, in order, and stops after a call that
 * returns non-zero. Returns the number of calls made (the stopping one
 * counts), or -1 with errno. Never modifies the file. */
long dlog_replay(const char *path, dlog_visit_fn visit, void *arg)
{
    // BEGIN SOLUTION
    uint64_t end;
    long count;
    int rc, saved;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = scan(fd, visit, arg, &count, &end);
    saved = errno;
    close(fd);
    errno = saved;
    return rc < 0 ? -1 : count;
    // END SOLUTION
    // SKELETON: (void)path;
    // SKELETON: (void)visit;
    // SKELETON: (void)arg;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return -1;
}

/* ---- Helpers we provide ---- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1; /* CRC-32C, reflected */
        crc_table[i] = c;
    }
}

/* Continues a CRC-32C over n more bytes; start with crc = 0. */
__attribute__((unused)) static uint32_t crc32c(uint32_t crc, const void *buf, size_t n)
{
    const unsigned char *p = buf;

    pthread_once(&crc_once, crc_init);
    crc = ~crc;
    while (n-- > 0)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

__attribute__((unused)) static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

__attribute__((unused)) static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes all n bytes at off, retrying short writes. 0, or -1 with errno. */
__attribute__((unused)) static int pwrite_all(int fd, const void *buf, size_t n, uint64_t off)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* Reads up to n bytes at off; returns how many (fewer only at end of file),
 * or -1 with errno. */
__attribute__((unused)) static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    char *p = buf;
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}
