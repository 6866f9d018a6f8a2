/*
 * box.h - the sandbox that runs every build step and test.
 *
 * Theory of operation: three processes, five pipes, one file per layer.
 *
 *   grader ──clone(new namespaces)──> keeper ──fork──> program
 *      │                                                  (and, on a timeout:)
 *      └──box_start──> keeper ──fork──> gdb -p PROGRAM    (backtrace.c)
 *
 * grader   (box.c) opens the pipes, creates the box's cgroups (cgroup.c),
 *          clones the keeper with the namespaces host.c found to work, then
 *          polls: it reads the outputs, the status records and the verdict
 *          pipe, and enforces the wall clock. It ends the test early in two
 *          cases: a flood (stdout or stderr went past BOX_OUTPUT_CAP: nothing
 *          more will be read, so the program is stopped there) and a hang
 *          (hang.c samples the box's threads from /proc: all blocked in
 *          waits without a timeout, nothing running, no output). On a hang
 *          or a timeout it first asks gdb, in a box of its own, for a
 *          backtrace of every thread (backtrace.c), then closes the control
 *          pipe.
 * keeper   (keeper.c, named oslabs-keeper) is pid 1 of a new pid namespace where the kernel allows
 *          it (a child subreaper otherwise). It joins the box's cgroups,
 *          gives the box its own /proc, /dev/shm and /tmp (a test's: parts of
 *          its disk quota, disk.c), covers the hidden paths and makes the
 *          staged lab read-only (namespaces.c), forks the program, then waits.
 *          When the program ends, when the disk quota is full, or when the
 *          grader closes the control pipe (time is up, or the grader died),
 *          it kills every process left in the box, reaps them, sends its
 *          final status record and exits.
 * program  runs in a new session with rlimits, an unprivileged uid and only
 *          the requested capabilities (privileges.c), stdin from a file or
 *          /dev/null, stdout and stderr on the pipes below, fd 3 the verdict
 *          pipe when asked for.
 *
 * Pipes (all opened by the grader before clone):
 *   stdout   program -> grader; read and capped by the grader
 *   stderr   program -> grader (or merged into stdout)
 *   verdict  program fd 3 -> grader: the cmocka harness's verdict line
 *   status   keeper -> grader: fixed-size records, REC_START (the program's
 *            pid) and REC_FINAL (wait status, rusage, leftovers, errors)
 *   control  grader -> keeper: never written; its EOF means "kill everything"
 * A sixth, internal to the keeper, carries an exec failure's errno from the
 * program back to the keeper (close-on-exec: EOF means the exec worked).
 *
 * The verdict of a test always comes from these records and the verdict
 * pipe, never from what the program prints. Other layers: host.c (what
 * the machine allows, probed once, handed to every box as box_spec.host),
 * cgroup.c (memory and pids limits over all of a box's processes),
 * disk.c (a test's disk quota, mounted by the grader around the test),
 * hostlock.c (serial tests alone on the machine), features.c (does the
 * machine offer what a test requires), result.c (a box's end in words).
 */
#ifndef OSLABS_BOX_H
#define OSLABS_BOX_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "lib/util.h"
#include "sandbox/host.h"

#define BOX_OUTPUT_CAP (64 * 1024)

struct backtrace_seen;

struct box_limits {
    double cpu_s;  /* CPU seconds per process; 0: none */
    long as_mb;    /* address space; 0: none */
    long nproc;    /* processes and threads; 0: none */
    long fsize_mb; /* largest file; 0: none */
    long nofile;   /* open files; 0: leave */
};

/* Hang detection (hang.h): off, on, or on with the program as the kit's
 * driver, whose own waits do not count (the driver rule). */
enum box_hang { HANG_OFF, HANG_ON, HANG_DRIVER };

struct box_spec {
    const struct host *host; /* what the machine allows (host_probe); outlives the box */
    char *const *argv;       /* the program, searched in PATH of envp */
    int (*fn)(void *arg);    /* or a function of the grader, for probes */
    void *arg;
    const char *cwd;
    char *const *envp;
    const char *stdin_path; /* NULL: /dev/null */
    bool merge_stderr;      /* stderr into the stdout pipe */
    double timeout;         /* wall-clock seconds */
    struct box_limits lim;
    bool untrusted; /* namespaces and the uid below */
    uid_t uid;      /* used when the grader is root */
    gid_t gid;
    unsigned caps;               /* enum cap_flag, kept across the uid change */
    bool verdict;                /* open the harness verdict pipe as fd 3 */
    bool backtrace;              /* on a timeout or a hang, gdb backtraces first */
    struct backtrace_seen *seen; /* a hang in the same place as one of these is not traced
                                    again (backtrace.h); NULL: every one is */
    const char *name;            /* the test, as the one that showed a backtrace */
    enum box_hang hang;          /* end a hung box at once (hang.h) */
    bool traced;                 /* the program is strace -f around the driver (hang.h) */
    bool stop_flood;             /* end the program once its output passes BOX_OUTPUT_CAP */
    const char *readonly_path;   /* with a mount namespace: made read-only inside the box (the
                                  staged lab, so no test can replace another's programs) */
    const char *keep_path;       /* with a mount namespace: a fresh /tmp where only this directory
                              (the work directory) is still visible; NULL: the shared /tmp */
    const char *disk_path;       /* with a mount namespace: the test's disk quota (disk.h), whose
                              tmp, vartmp and shm become the box's /tmp, /var/tmp and /dev/shm;
                              the keeper ends the box when it is full; read by box_start only */
    long disk_mb;                /* its size, for the report */
};

/* FLOODED: stopped when its output went past BOX_OUTPUT_CAP; HUNG: stopped
 * when hang.c found every thread blocked for good (reason in hang). */
enum box_end { BOX_EXITED, BOX_SIGNALED, BOX_TIMEOUT, BOX_FLOODED, BOX_HUNG, BOX_FAILED };

struct box_result {
    enum box_end end;
    int code;    /* exit code, or signal number */
    double wall; /* seconds from start to the end of the program */
    double cpu;  /* user + system seconds of the program and its reaped children */
    long maxrss_kb;
    char *out; /* captured stdout (raw bytes, NUL-terminated) */
    size_t out_len, out_dropped;
    char *err;
    size_t err_len, err_dropped;
    char *verdict;        /* what the harness wrote; NULL if nothing */
    pid_t pid;            /* the program's pid as it sees itself (REC_START); 0: unknown */
    int leftovers;        /* processes still alive when the program ended */
    long memory_limit_mb; /* > 0: killed for going over the box's memory cgroup limit, or
                             (BOX_HUNG) some of its processes were */
    bool oom_killer;      /* killed by the kernel's out-of-memory killer: the machine or
                             container ran out of memory (a tmpfs filled counts) */
    char *backtrace;      /* gdb output on a timeout or a hang, or NULL */
    char *hang;           /* BOX_HUNG: what the threads block in */
    long disk_quota_mb;   /* > 0: the box filled its disk quota of that many MiB */
    char *error;          /* BOX_FAILED: why the box could not run the program */
    bool machine;         /* BOX_FAILED through the machine's fault (a fork, a mount, the
                             sandbox itself), not the program's: the student is not to blame */
};

struct box;

/* Starts a box. Never NULL: a box that fails to start finishes with BOX_FAILED. */
struct box *box_start(const struct box_spec *spec);

/* Adds the box's descriptors to fds[*n...] (room for at least 16). */
void box_poll_add(struct box *b, struct pollfd *fds, int *n);
/* Handles what poll found, then time: call after every poll(). */
void box_poll_handle(struct box *b, const struct pollfd *fds, double now);
/* Seconds until the box needs attention without any descriptor activity. */
double box_next_deadline(const struct box *b);
bool box_done(const struct box *b);
/* Moves the result out and frees the box. */
void box_collect(struct box *b, struct box_result *res);

/* Runs one box to completion. */
void box_run(const struct box_spec *spec, struct box_result *res);
void box_result_free(struct box_result *res);

/* How the program ended, in a few fixed words for results.json: "exited", "timed out",
 * "hung", "output cap", "out of memory", "disk quota", "cpu limit", "killed by signal N"
 * (written into buf), "could not run". */
const char *box_end_word(const struct box_result *res, char *buf, size_t size);

/* "exited with status 1", "killed by signal 11 (SIGSEGV)", "timed out after 2.0 s",
 * "stopped: it wrote more than 64 KiB of output", "hung: ...", ... */
char *box_describe_end(const struct box_result *res, double timeout);

/* The environment of every untrusted box: a fixed PATH, C locale, HOME and TMPDIR. */
void box_default_env(struct strv *env, const char *home);

#endif
