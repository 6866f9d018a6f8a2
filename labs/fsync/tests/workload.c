/*
 * workload.c - the programs crashsim traces in the power-loss tests. Each
 * calls the student's code and writes what it did to descriptor 3, one
 * write per line, for crash_check to hold the crash states to:
 *
 *     O          dlog_open returned: the log exists, durably
 *     B t i      thread t is about to append its record i
 *     A t i      that append returned 0: the record is durable
 *     B k / A k  atomic_replace of version k started / returned 0
 *
 * Usage (in the work directory crashsim made):
 *     dlog_workload append N        open "log", append N records, close
 *     dlog_workload threads T N     the same from T threads at once
 *     dlog_workload create N        dlog_open("logs/app.log") creates it
 *     dlog_workload reopen N        N records, close, a torn tail, reopen, N more
 *     dlog_workload replace K       atomic_replace("config") with versions 1..K
 *     dlog_workload setup-replace   (untraced) writes version 0 of "config"
 */
#define _GNU_SOURCE
#include "atomic.h"
#include "dlog.h"
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACK 3

static dlog_t *shared_log;
static int per_thread;

static void ack(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes one acknowledgement line to descriptor 3, in one write. */
static void ack(const char *fmt, ...)
{
    char line[64];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    if (write_full(ACK, line, (size_t)n) < 0) {
        perror("dlog_workload: acknowledgement");
        exit(3);
    }
}

static dlog_t *open_log(const char *path)
{
    dlog_t *log = dlog_open(path);

    if (log == NULL) {
        fprintf(stderr, "dlog_workload: dlog_open(\"%s\") failed: %s\n", path, strerror(errno));
        exit(1);
    }
    ack("O\n");
    return log;
}

/* Appends records first..first+n-1 of thread t, acknowledging each. */
static void append_records(dlog_t *log, int t, int first, int n)
{
    for (int i = first; i < first + n; i++) {
        uint32_t len = rec_len(t, i);
        unsigned char *buf = malloc(len);
        if (buf == NULL)
            exit(1);
        rec_fill(t, i, buf);
        ack("B %d %d\n", t, i);
        if (dlog_append(log, buf, len) != 0) {
            fprintf(stderr, "dlog_workload: dlog_append of record %d of thread %d failed: %s\n", i,
                    t, strerror(errno));
            exit(1);
        }
        ack("A %d %d\n", t, i);
        free(buf);
    }
}

static void *appender(void *arg)
{
    append_records(shared_log, (int)(long)arg, 0, per_thread);
    return NULL;
}

static void close_log(dlog_t *log)
{
    if (dlog_close(log) != 0)
        fprintf(stderr, "dlog_workload: dlog_close: %s\n", strerror(errno));
}

static void threads(int t, int n)
{
    pthread_t tid[64];

    shared_log = open_log("log");
    per_thread = n;
    for (long i = 0; i < t && i < 64; i++)
        pthread_create(&tid[i], NULL, appender, (void *)i);
    for (int i = 0; i < t && i < 64; i++)
        pthread_join(tid[i], NULL);
    close_log(shared_log);
}

/* Leaves bytes after the last record, as a crash in the middle of an append
 * would, and makes them durable. */
static void torn_tail(const char *path)
{
    static const unsigned char junk[] = {0x2a, 0x01, 0x00, 0x00, 0x9c, 0x5e, 0x11, 0xa7,
                                         't',  '=',  '0',  ' ',  'i',  '=',  '9'};
    int fd = open(path, O_WRONLY | O_APPEND);

    if (fd < 0 || write_full(fd, junk, sizeof(junk)) < 0 || fsync(fd) < 0) {
        perror("dlog_workload: torn tail");
        exit(3);
    }
    close(fd);
}

static void replace(int k)
{
    for (int v = 1; v <= k; v++) {
        size_t len = version_len(v);
        unsigned char *buf = malloc(len);
        if (buf == NULL)
            exit(1);
        version_fill(v, buf);
        ack("B %d\n", v);
        if (atomic_replace("config", buf, len) != 0) {
            fprintf(stderr, "dlog_workload: atomic_replace of version %d failed: %s\n", v,
                    strerror(errno));
            exit(1);
        }
        ack("A %d\n", v);
        free(buf);
    }
}

static void setup_replace(void)
{
    size_t len = version_len(0);
    unsigned char *buf = malloc(len);
    FILE *f = fopen("config", "wb");

    if (buf == NULL || f == NULL)
        exit(1);
    version_fill(0, buf);
    if (fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        exit(1);
    free(buf);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int a = argc > 2 ? atoi(argv[2]) : 0, b = argc > 3 ? atoi(argv[3]) : 0;
    dlog_t *log;

    if (strcmp(mode, "append") == 0) {
        log = open_log("log");
        append_records(log, 0, 0, a);
        close_log(log);
    } else if (strcmp(mode, "threads") == 0) {
        threads(a, b);
    } else if (strcmp(mode, "create") == 0) {
        log = open_log("logs/app.log");
        append_records(log, 0, 0, a);
        close_log(log);
    } else if (strcmp(mode, "reopen") == 0) {
        log = open_log("log");
        append_records(log, 0, 0, a);
        close_log(log);
        torn_tail("log");
        log = open_log("log");
        append_records(log, 0, a, a);
        close_log(log);
    } else if (strcmp(mode, "replace") == 0) {
        replace(a);
    } else if (strcmp(mode, "setup-replace") == 0) {
        setup_replace();
    } else {
        fprintf(stderr, "usage: dlog_workload append N | threads T N | create N | reopen N | "
                        "replace K | setup-replace\n");
        return 2;
    }
    return 0;
}
