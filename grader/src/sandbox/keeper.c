/*
 * keeper.c - pid 1 (or subreaper) of a sandbox: sets the box up, starts the
 * program, and when it ends or the grader says so, kills everything left.
 *
 * Runs in a clone of the single-threaded grader, so ordinary libc calls are
 * safe here. Errors before the program starts are sent as setup_error.
 */
#define _GNU_SOURCE
#include "sandbox/keeper.h"
#include "sandbox/disk.h"
#include "sandbox/namespaces.h"
#include "sandbox/privileges.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM_FD_VERDICT 3
#define DISK_POLL_MS       100

extern char **environ;

static void send_record(int fd, const struct keeper_record *rec)
{
    ssize_t n;

    do
        n = write(fd, rec, sizeof(*rec));
    while (n < 0 && errno == EINTR);
}

static void fail_setup(int status_fd, const char *what) __attribute__((noreturn));

static void fail_setup(int status_fd, const char *what)
{
    struct keeper_record rec;

    memset(&rec, 0, sizeof(rec));
    rec.type = REC_FINAL;
    snprintf(rec.setup_error, sizeof(rec.setup_error), "%s: %s", what, strerror(errno));
    send_record(status_fd, &rec);
    _exit(1);
}

static void reset_signals(void)
{
    sigset_t none;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Puts fd at number target (both may be equal); the old number is closed. */
static int move_fd(int fd, int target)
{
    if (fd == target)
        return fcntl(fd, F_SETFD, 0);
    if (dup2(fd, target) < 0)
        return -1;
    return 0;
}

static void program_fail(int errpipe, int err) __attribute__((noreturn));

static void program_fail(int errpipe, int err)
{
    ssize_t n = write(errpipe, &err, sizeof(err));

    (void)n;
    _exit(127);
}

/* The program's side of fork(): never returns. */
static void program_main(const struct box_spec *spec, const struct keeper_fds *fds, bool drop,
                         int errpipe)
{
    int in;
    int first_free = spec->verdict ? PROGRAM_FD_VERDICT + 1 : PROGRAM_FD_VERDICT;
    int high_err = 1000;

    setsid();
    reset_signals();
    /* park the error pipe high so that the dup2s below cannot clobber it */
    if (dup3(errpipe, high_err, O_CLOEXEC) < 0)
        _exit(127);
    errpipe = high_err;
    in = open(spec->stdin_path ? spec->stdin_path : "/dev/null", O_RDONLY);
    if (in < 0)
        program_fail(errpipe, errno);
    if (move_fd(in, 0) < 0 || move_fd(fds->out_w, 1) < 0 ||
        move_fd(spec->merge_stderr ? fds->out_w : fds->err_w, 2) < 0)
        program_fail(errpipe, errno);
    if (spec->verdict && move_fd(fds->verdict_w, PROGRAM_FD_VERDICT) < 0)
        program_fail(errpipe, errno);
    if (close_range((unsigned)first_free, (unsigned)high_err - 1, 0) < 0 ||
        close_range((unsigned)high_err + 1, ~0U, 0) < 0)
        program_fail(errpipe, errno);
    priv_limits(&spec->lim);
    if (spec->cwd != NULL && chdir(spec->cwd) < 0)
        program_fail(errpipe, errno);
    if (drop && priv_drop(spec->uid, spec->gid, spec->caps) < 0)
        program_fail(errpipe, errno);
    environ = (char **)spec->envp;
    if (spec->fn != NULL)
        _exit(spec->fn(spec->arg));
    execvp(spec->argv[0], spec->argv);
    program_fail(errpipe, errno);
}

/* Lists the keeper's children (orphans come here too: it is pid 1 or a subreaper). */
static int list_children(pid_t *pids, int max)
{
    char path[64], buf[8192];
    int fd, n = 0;
    ssize_t len;

    snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len < 0)
        return -1;
    buf[len] = '\0';
    for (char *p = buf; *p != '\0' && n < max;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        pids[n++] = (pid_t)pid;
        p = end;
    }
    return n;
}

/* Reaps whatever has exited; records the program's end. Returns reaped count. */
static int reap(pid_t program, bool block, struct keeper_record *rec, bool *program_done)
{
    int status, count = 0;
    struct rusage ru;
    pid_t pid;

    while ((pid = wait4(-1, &status, block ? 0 : WNOHANG, &ru)) > 0) {
        count++;
        if (pid == program && !*program_done) {
            *program_done = true;
            rec->status = status;
            rec->utime_us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec;
            rec->stime_us = ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
            rec->maxrss_kb = ru.ru_maxrss;
        } else if (*program_done) {
            rec->leftovers++;
        }
        block = false;
    }
    return count;
}

/*
 * Kills every process in the box. As pid 1, kill(-1) reaches all of them at
 * once; as a subreaper, each child is killed in turn, its orphans come back
 * to us, and we repeat until no child is left.
 */
static void kill_everything(bool pid1, pid_t program, struct keeper_record *rec, bool *done)
{
    pid_t pids[512];

    for (int round = 0; round < 100000; round++) {
        int n;

        if (pid1) {
            if (kill(-1, SIGKILL) < 0 && errno == ESRCH && reap(program, false, rec, done) == 0)
                return;
        } else {
            n = list_children(pids, (int)ARRAY_LEN(pids));
            if (n <= 0 && reap(program, false, rec, done) == 0)
                return;
            for (int i = 0; i < n; i++) {
                kill(-pids[i], SIGKILL);
                kill(pids[i], SIGKILL);
            }
        }
        reap(program, true, rec, done);
    }
}

static int block_sigchld_fd(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * Waits until the program ends, the control pipe closes or the disk quota
 * (disk >= 0) is full. Nothing signals a full tmpfs: it is looked at every
 * DISK_POLL_MS, which bounds how long a filled quota goes on running.
 */
static void watch(int sfd, int ctrl, int disk, pid_t program, struct keeper_record *rec, bool *done)
{
    while (!*done) {
        struct pollfd p[2] = {{sfd, POLLIN, 0}, {ctrl, POLLIN, 0}};
        struct signalfd_siginfo si;

        if (disk >= 0 && disk_full(disk)) {
            rec->disk_full = true;
            return;
        }
        if (poll(p, 2, disk >= 0 ? DISK_POLL_MS : -1) < 0)
            continue;
        while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
            ;
        reap(program, false, rec, done);
        if (p[1].revents != 0) {
            char c;
            if (read(ctrl, &c, 1) <= 0) {
                rec->killed = !*done;
                return;
            }
        }
    }
}

static void join_cgroups(const struct keeper_fds *fds)
{
    for (int i = 0; i < 2; i++) {
        if (fds->cg_procs[i] >= 0) {
            if (write(fds->cg_procs[i], "0", 1) < 0)
                continue; /* best effort: the rlimits still apply */
            close(fds->cg_procs[i]);
        }
    }
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/*
 * Closes every descriptor but 0-2 and the keeper's own. The grader's other
 * boxes' pipes must not stay open here: a copy of another box's control
 * pipe would keep that box from ever seeing its EOF.
 */
static void close_others(const struct keeper_fds *fds)
{
    int keep[7] = {fds->out_w,  fds->err_w,       fds->verdict_w,  fds->status_w,
                   fds->ctrl_r, fds->cg_procs[0], fds->cg_procs[1]};
    int next = 3;

    qsort(keep, 7, sizeof(int), cmp_int);
    for (int i = 0; i < 7; i++) {
        if (keep[i] < next)
            continue;
        if (keep[i] > next)
            close_range((unsigned)next, (unsigned)keep[i] - 1, 0);
        next = keep[i] + 1;
    }
    close_range((unsigned)next, ~0U, 0);
}

void keeper_main(const struct box_spec *spec, const struct keeper_fds *fds, int ns_flags,
                 uid_t outer_uid, gid_t outer_gid)
{
    struct keeper_record rec;
    int errpipe[2], sfd, disk = -1, err = 0;
    bool pid1 = (ns_flags & CLONE_NEWPID) != 0, done = false;
    bool drop = spec->untrusted && spec->host->root && !(ns_flags & CLONE_NEWUSER);
    const char *what;
    pid_t program;

    close_others(fds);
    prctl(PR_SET_NAME, "oslabs-keeper", 0, 0, 0);
    /* out of the grader's process group: a kill of that group (a batch's
     * deadline, Ctrl-C) must leave the keeper alive to empty the box when the
     * control pipe closes; without cgroups or a pid namespace nothing else would */
    setpgid(0, 0);
    join_cgroups(fds); /* before any fork: everything the box starts is inside */
    sfd = block_sigchld_fd();
    if (sfd < 0)
        fail_setup(fds->status_w, "signalfd");
    if (spec->disk_path != NULL && (disk = open(spec->disk_path, O_PATH | O_CLOEXEC)) < 0)
        fail_setup(fds->status_w, "open the disk quota");
    if (ns_flags != 0 && (what = ns_setup(spec, ns_flags, outer_uid, outer_gid)) != NULL)
        fail_setup(fds->status_w, what);
    if (!pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        fail_setup(fds->status_w, "prctl(PR_SET_CHILD_SUBREAPER)");
    if (pipe2(errpipe, O_CLOEXEC) < 0)
        fail_setup(fds->status_w, "pipe");
    program = fork();
    if (program < 0)
        fail_setup(fds->status_w, "fork");
    if (program == 0) {
        close(errpipe[0]);
        program_main(spec, fds, drop, errpipe[1]);
    }
    close(errpipe[1]);
    close(fds->out_w);
    if (fds->err_w >= 0)
        close(fds->err_w);
    if (fds->verdict_w >= 0)
        close(fds->verdict_w);
    memset(&rec, 0, sizeof(rec));
    rec.type = REC_START;
    rec.program_pid = program;
    send_record(fds->status_w, &rec);
    rec.type = REC_FINAL;
    watch(sfd, fds->ctrl_r, disk, program, &rec, &done);
    if (disk >= 0 && disk_full(disk))
        rec.disk_full = true; /* filled just before the program ended */
    kill_everything(pid1, program, &rec, &done);
    if (read(errpipe[0], &err, sizeof(err)) == (ssize_t)sizeof(err))
        rec.exec_errno = err;
    send_record(fds->status_w, &rec);
    _exit(0);
}
