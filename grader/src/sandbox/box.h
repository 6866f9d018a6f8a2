/*
 * box.h - the sandbox that runs every build step and test.
 *
 * Theory of operation (three processes and five pipes):
 *
 *   grader ──clone(new namespaces)──> keeper ──fork──> program
 *
 * The keeper is pid 1 of a new pid namespace where the kernel allows it (a
 * child subreaper otherwise). It starts the program in a new session with
 * rlimits, an unprivileged uid and the requested capabilities, then waits.
 * When the program ends, or when the grader closes the control pipe (time
 * is up, or the grader died), the keeper kills every process left in the
 * box, reaps them, sends a status record and exits.
 *
 * Pipes: the program's stdout and stderr (read by the grader, capped), the
 * optional verdict pipe of the cmocka harness (fd 3 of the program), the
 * keeper's status records, and the control pipe whose EOF means "kill".
 * The verdict of a test always comes from these records and the verdict
 * pipe, never from what the program prints.
 */
#ifndef OSLABS_BOX_H
#define OSLABS_BOX_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "lib/util.h"

#define BOX_OUTPUT_CAP (64 * 1024)
/*
 * Uids of untrusted code when the grader is root: each grader process
 * claims an instance (a lock file) and with it BOX_UIDS_PER_INSTANCE uids,
 * BOX_UID_FIRST + instance * BOX_UIDS_PER_INSTANCE onwards: the build's,
 * then one per parallel slot. Two graders on one machine never share a uid,
 * so neither shares the other's RLIMIT_NPROC budget.
 */
#define BOX_UID_FIRST         62000
#define BOX_UIDS_PER_INSTANCE 100
#define BOX_INSTANCES         100

struct box_limits {
    double cpu_s;  /* CPU seconds per process; 0: none */
    long as_mb;    /* address space; 0: none */
    long nproc;    /* processes and threads; 0: none */
    long fsize_mb; /* largest file; 0: none */
    long nofile;   /* open files; 0: leave */
};

struct box_spec {
    char *const *argv;    /* the program, searched in PATH of envp */
    int (*fn)(void *arg); /* or a function of the grader, for probes */
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
    unsigned caps;             /* enum cap_flag, kept across the uid change */
    bool verdict;              /* open the harness verdict pipe as fd 3 */
    bool backtrace;            /* on timeout, gdb backtraces first */
    const char *readonly_path; /* with a mount namespace: made read-only inside the box (the
                                  staged lab, so no test can replace another's programs) */
    const char *keep_path;     /* with a mount namespace: a fresh /tmp where only this directory
                              (the work directory) is still visible; NULL: the shared /tmp */
};

enum box_end { BOX_EXITED, BOX_SIGNALED, BOX_TIMEOUT, BOX_FAILED };

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
    int leftovers;        /* processes still alive when the program ended */
    long memory_limit_mb; /* > 0: killed for going over the box's memory cgroup limit */
    char *backtrace;      /* gdb output on a timeout, or NULL */
    char *error;          /* BOX_FAILED: why the box could not run the program */
};

/* What the machine allows; filled by box_setup(). */
struct box_env {
    bool root;          /* the grader is root: uids can be changed */
    int ns_flags;       /* CLONE_NEW* used for untrusted boxes; 0 when none work */
    bool userns;        /* ns_flags includes CLONE_NEWUSER */
    uid_t uid_base;     /* the build's uid; slot k runs as uid_base + 1 + k */
    char layer[128];    /* a description for reports */
    struct strv hidden; /* directories covered in every untrusted box */
};

/*
 * Directories that untrusted boxes must not see (the kit's solutions and
 * mutants, hidden-test sources, other submissions): with a mount namespace
 * each is covered by an empty read-only tmpfs. Call before box_setup().
 */
void box_hide_paths(const struct strv *paths);

/* Probes the namespaces once; call before any box. */
void box_setup(void);
const struct box_env *box_env(void);

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

/* "exited with status 1", "killed by signal 11 (SIGSEGV)", "timed out after 2.0 s", ... */
char *box_describe_end(const struct box_result *res, double timeout);

#endif
