/*
 * crash_check.c - the fsync lab's recovery checker, run by crashsim on each
 * crash state (see workload.c for the acknowledgements it reads):
 *
 *     crash_check log PATH STATE_DIR ACK_FILE
 *         dlog_replay(PATH) must visit records the workload appended, each
 *         thread's in order from its first, none twice, and every record
 *         acknowledged; if dlog_open had returned, PATH must exist. Then
 *         recovery: dlog_open, one more append, dlog_close, and a second
 *         replay must give the same records and the new one last.
 *     crash_check replace PATH STATE_DIR ACK_FILE
 *         PATH must hold exactly one version that was written, and not
 *         one older than the last acknowledged.
 *
 * Exit 0 if the state is acceptable; else 1 with the reason in words.
 * `crash_check --serve MODE PATH` is the same as a fork server (crashsim -S).
 *
 * The checker needs no durability of its own, so fsync and fdatasync are
 * defined here as no-ops: the student's code linked into this program calls
 * these instead of the C library's, and thousands of states take seconds.
 */
#define _GNU_SOURCE
#include "dlog.h"
#include "records.h"
#include "../given/crashsim/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_THREADS 64
#define MARKER      "crashsim-recovery-marker"
#define VERDICT_FD  3 /* crashsim -S reads the verdicts there */

int fsync(int fd)
{
    (void)fd;
    return 0;
}

int fdatasync(int fd)
{
    (void)fd;
    return 0;
}

struct acks {
    bool opened;
    int begun[MAX_THREADS]; /* records 0..begun-1 of thread t were started */
    int acked[MAX_THREADS]; /* records 0..acked-1 of thread t were acknowledged */
    int nacked;
    int version_begun, version_acked;
};

struct seen {
    const struct acks *a;
    int next[MAX_THREADS]; /* the next record expected of each thread */
    int n;
    bool second; /* the replay after recovery, which ends with the marker */
    bool marker_ok, after_marker;
    char why[512];
};

static void read_acks(const char *file, struct acks *a)
{
    FILE *f = fopen(file, "r");
    char line[128];
    int t, i;

    memset(a, 0, sizeof(*a));
    a->version_acked = 0;
    if (f == NULL) {
        printf("cannot read the acknowledgements %s\n", file);
        exit(2);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == 'O') {
            a->opened = true;
        } else if (sscanf(line, "B %d %d", &t, &i) == 2 && t >= 0 && t < MAX_THREADS) {
            if (i + 1 > a->begun[t])
                a->begun[t] = i + 1;
        } else if (sscanf(line, "A %d %d", &t, &i) == 2 && t >= 0 && t < MAX_THREADS) {
            if (i + 1 > a->acked[t])
                a->acked[t] = i + 1;
            a->nacked++;
        } else if (sscanf(line, "B %d", &i) == 1 && i > a->version_begun) {
            a->version_begun = i;
        } else if (sscanf(line, "A %d", &i) == 1 && i > a->version_acked) {
            a->version_acked = i;
        }
    }
    fclose(f);
}

/* Checks each replayed record; the first problem is kept in s->why. */
static int visit(const void *data, uint32_t len, void *arg)
{
    struct seen *s = arg;
    int t, i;

    if (s->why[0] != '\0')
        return 0;
    if (s->second) { /* the same records, then the marker */
        if (s->after_marker) {
            snprintf(s->why, sizeof(s->why), "a record was replayed after the new one");
            return 0;
        }
        if (len == strlen(MARKER) && memcmp(data, MARKER, len) == 0) {
            s->after_marker = s->marker_ok = true;
            s->n++;
            return 0;
        }
    }
    if (!rec_parse(data, len, &t, &i)) {
        snprintf(s->why, sizeof(s->why),
                 "replayed record #%d (%u bytes) is not a record the workload appended: garbage "
                 "from a torn or unwritten part of the file?",
                 s->n + 1, len);
        return 0;
    }
    if (t >= MAX_THREADS || i >= s->a->begun[t]) {
        snprintf(s->why, sizeof(s->why),
                 "replayed record #%d is record %d of thread %d, which was never appended",
                 s->n + 1, i, t);
    } else if (i != s->next[t]) {
        snprintf(s->why, sizeof(s->why),
                 "replayed record #%d is record %d of thread %d; expected its record %d (%s)",
                 s->n + 1, i, t, s->next[t], i < s->next[t] ? "a duplicate" : "records skipped");
    } else {
        s->next[t]++;
    }
    s->n++;
    return 0;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints why the state is not acceptable; returns the exit status 1. */
static int fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return 1;
}

/* The acknowledged records missing from the replay, said in words. */
static bool lost_records(const struct acks *a, const struct seen *s, char *out, size_t n)
{
    int lost = 0;
    size_t k = 0;

    out[0] = '\0';
    for (int t = 0; t < MAX_THREADS; t++) {
        if (s->next[t] >= a->acked[t])
            continue;
        lost += a->acked[t] - s->next[t];
        if (k < n)
            k += (size_t)snprintf(out + k, n - k,
                                  "%sthread %d: expected records 0..%d (acknowledged), actual %d "
                                  "record%s",
                                  k ? "; " : "", t, a->acked[t] - 1, s->next[t],
                                  s->next[t] == 1 ? "" : "s");
    }
    if (lost > 0 && k < n) {
        char head[64];
        snprintf(head, sizeof(head), "%d acknowledged record%s lost (", lost, lost == 1 ? "" : "s");
        memmove(out + strlen(head), out, n - strlen(head) - 1);
        memcpy(out, head, strlen(head));
        out[n - 1] = '\0';
        strncat(out, ")", n - strlen(out) - 1);
    }
    return lost > 0;
}

static int check_log(const char *path, const struct acks *a)
{
    struct seen s = {.a = a};
    char lost[1024];
    long n;

    errno = 0;
    n = dlog_replay(path, visit, &s);
    if (n < 0 && errno == ENOENT) {
        if (a->nacked > 0)
            return fail("the log %s does not exist, though dlog_open had returned (creation must "
                        "be durable: fsync the file and its directory); %d acknowledged record%s "
                        "lost",
                        path, a->nacked, a->nacked == 1 ? "" : "s");
        if (a->opened)
            return fail("the log %s does not exist, though dlog_open had returned (creation must "
                        "be durable: fsync the file and its directory)",
                        path);
    } else if (n < 0) {
        return fail("dlog_replay(\"%s\") failed: %s", path, strerror(errno));
    } else if (s.why[0] != '\0') {
        return fail("%s", s.why);
    } else if (n != s.n) {
        return fail("dlog_replay(\"%s\") returned %ld, but visit was called %d times", path, n,
                    s.n);
    }
    if (lost_records(a, &s, lost, sizeof(lost)))
        return fail("%s", lost);

    /* Recovery, then life goes on: one more record must land after them. */
    dlog_t *log = dlog_open(path);
    if (log == NULL)
        return fail("recovery: dlog_open(\"%s\") failed on this state: %s", path, strerror(errno));
    if (dlog_append(log, MARKER, (uint32_t)strlen(MARKER)) != 0)
        return fail("recovery: dlog_append after dlog_open(\"%s\") failed: %s", path,
                    strerror(errno));
    dlog_close(log);
    struct seen again = {.a = a, .second = true};
    int before = s.n;
    n = dlog_replay(path, visit, &again);
    if (again.why[0] != '\0')
        return fail("after recovery: %s", again.why);
    if (n != before + 1 || !again.marker_ok || memcmp(again.next, s.next, sizeof(s.next)) != 0)
        return fail("after recovery (dlog_open, one append, dlog_close) expected %d records and "
                    "the new one last, actual %ld records replayed%s",
                    before, n,
                    again.marker_ok ? ""
                                    : "; the new record was not replayed: was the torn tail "
                                      "cut off before appending?");
    return 0;
}

static int check_replace(const char *path, const struct acks *a)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL, *want;
    size_t n = 0, cap = 0, got;

    if (f == NULL)
        return fail("%s does not exist: expected version %d or later, actual nothing", path,
                    a->version_acked);
    do {
        cap = cap ? 2 * cap : 65536;
        unsigned char *bigger = realloc(buf, cap);
        if (bigger == NULL) {
            free(buf);
            return fail("out of memory reading %s", path);
        }
        buf = bigger;
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    for (int k = 0; k <= a->version_begun; k++) {
        if (version_len(k) != n)
            continue;
        want = malloc(n);
        version_fill(k, want);
        bool same = memcmp(want, buf, n) == 0;
        free(want);
        if (!same)
            continue;
        if (k < a->version_acked)
            return fail("%s holds version %d, but atomic_replace had returned 0 for version %d "
                        "(was the rename durable? fsync the directory)",
                        path, k, a->version_acked);
        return 0;
    }
    printf("%s holds %zu bytes that are none of versions 0..%d: a mix, or a file renamed before "
           "its data was durable (fsync the temp file before rename)\n",
           path, n, a->version_begun);
    return 1;
}

/* Checks the state in the current directory; the exit status of the check. */
static int check_here(const char *mode, const char *path, const char *ackfile)
{
    struct acks a;

    read_acks(ackfile, &a);
    return strcmp(mode, "log") == 0 ? check_log(path, &a) : check_replace(path, &a);
}

/* The calling process may change files beneath dir only; where the kernel
 * has no Landlock, or refuses it, it goes on unfenced. */
static void fence_to(const char *dir)
{
    int dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int null_fd = open("/dev/null", O_PATH | O_CLOEXEC);

    if (dir_fd >= 0 && null_fd >= 0)
        (void)landlock_fence(dir_fd, null_fd);
    if (dir_fd >= 0)
        close(dir_fd);
    if (null_fd >= 0)
        close(null_fd);
}

/*
 * The child's verdict is what check_here returned, sent on a pipe of its
 * own: an exit from inside the student's code (exit(0) in dlog_replay) ends
 * the child before the check is done, and must not read as a pass. The
 * child gives up the server's verdict descriptor and is fenced to its own
 * state (landlock.h): the student's code it runs can neither write crashsim
 * a verdict, nor change another state, nor reach the server through /proc.
 */
static int check_in_child(const char *mode, const char *path, const char *dir, const char *acks)
{
    int done[2], st, rc;
    unsigned char said;

    if (pipe(done) < 0)
        return 2;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        close(done[0]);
        close(VERDICT_FD);
        fence_to(dir);
        rc = 2;
        if (chdir(dir) < 0)
            printf("cannot enter %s\n", dir);
        else
            rc = check_here(mode, path, acks);
        fflush(stdout);
        said = (unsigned char)rc;
        if (write(done[1], &said, 1) != 1)
            rc = 2;
        _exit(rc); /* not exit: that would rewind the stdin we share */
    }
    close(done[1]);
    ssize_t n = read(done[0], &said, 1);
    close(done[0]);
    waitpid(pid, &st, 0);
    rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (rc < 128 && n != 1) {
        printf("the check ended inside your code before it could judge this state (the "
               "process exited with status %d, from dlog_replay, dlog_open, dlog_append or "
               "dlog_close): a library function must return, never exit\n",
               rc);
        return 1;
    }
    return rc < 128 ? said : rc;
}

/* crashsim -S: one request per line, "STATE_DIR ACK_FILE"; each state is
 * checked in a child, so nothing the student's code leaves in memory
 * reaches the next one. Verdicts go to descriptor 3, which crashsim reads
 * apart from what the checks print. */
static int serve(const char *mode, const char *path)
{
    char line[8192], dir[4096], acks[4096];

    if (fcntl(VERDICT_FD, F_GETFD) < 0) {
        fprintf(stderr,
                "crash_check --serve: descriptor %d (verdicts) is not open: run it "
                "through crashsim -S\n",
                VERDICT_FD);
        return 2;
    }
    while (fgets(line, sizeof(line), stdin) != NULL) {
        if (sscanf(line, "%4095s %4095s", dir, acks) != 2)
            return 2;
        int verdict = check_in_child(mode, path, dir, acks);
        fflush(stdout);
        dprintf(VERDICT_FD, "crashsim-verdict %d\n", verdict);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--serve") == 0 &&
        (strcmp(argv[2], "log") == 0 || strcmp(argv[2], "replace") == 0))
        return serve(argv[2], argv[3]);
    if (argc != 5 || (strcmp(argv[1], "log") != 0 && strcmp(argv[1], "replace") != 0)) {
        fprintf(stderr, "usage: crash_check log|replace PATH STATE_DIR ACK_FILE\n"
                        "       crash_check --serve log|replace PATH   (for crashsim -S)\n");
        return 2;
    }
    /* crashsim runs us in STATE_DIR; PATH is relative to it */
    return check_in_child(argv[1], argv[2], ".", argv[4]);
}
