/*
 * tsh.c - a tiny shell with job control, pipelines and redirections.
 *
 * The shell reads one command line at a time, runs builtins itself and
 * everything else in a new process group per job. SIGCHLD's handler reaps
 * children and reports the jobs that stop or die; SIGINT and SIGTSTP go on
 * to the foreground job's group. The job list (tsh_helper.h) is shared with
 * the handlers: the main program blocks SIGCHLD, SIGINT and SIGTSTP while it
 * reads or changes it.
 *
 * Student: fill in the functions under "Functions you implement". The ones
 * under "Helpers we provide" and given/tsh_helper.c already work; the
 * messages marked DO NOT CHANGE are what the traces compare.
 */
#define _GNU_SOURCE
#include "tsh_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The functions you write (see each one's contract below). */
void eval(const char *cmdline);
int builtin(char **argv);
void launch(const struct tsh_line *line, const char *cmdline);
void child_exec(const struct tsh_cmd *cmd, pid_t pgid, int in_fd, int out_fd, int close_fd,
                const sigset_t *prev);
void child_redirect(const struct tsh_cmd *cmd);
void waitfg(pid_t pgid, const sigset_t *prev);
void do_bgfg(char **argv);
void do_cd(char **argv);
void do_wait(void);
void sigchld_handler(int sig);
void sigint_handler(int sig);
void sigtstp_handler(int sig);

/* The helpers we give you. */
void job_signals(sigset_t *set);
int status_of(int wstatus);
void install(int signum, void (*handler)(int));
struct tsh_job *job_of_arg(const char *name, const char *arg);
void do_jobs(void);
void usage(void);

/* Status of the last foreground job or builtin: what `$?` expands to. */
static volatile sig_atomic_t last_status;

/* ---- Functions you implement ---- */

/*
 * Per-job bookkeeping of my own, beside the given table (indexed by JID):
 * which pipeline stages are stopped right now, and the stop signal to report.
 * Only touched with the job signals blocked (or inside a handler, whose
 * sa_mask blocks the other job signals).
 */
static unsigned int stopped_stages[TSH_MAXJOBS + 1];
static int stop_signal[TSH_MAXJOBS + 1];

/* The line eval is running, so that `exit` can free it before leaving. */
static struct tsh_line *current_line;

/* find_job_of_child - the job one of whose stages is pid (not by pgid, so
 * that a reused pid of a reaped leader cannot be confused with its group). */
static struct tsh_job *find_job_of_child(pid_t pid)
{
    for (int jid = 1; jid <= TSH_MAXJOBS; jid++) {
        struct tsh_job *job = tsh_job_by_jid(jid);
        if (job == NULL)
            continue;
        for (int k = 0; k < job->nprocs; k++)
            if (job->pids[k] == pid)
                return job;
    }
    return NULL;
}

/* stage_of - the index of pid in job's pipeline, or -1. */
static int stage_of(const struct tsh_job *job, pid_t pid)
{
    for (int k = 0; k < job->nprocs; k++)
        if (job->pids[k] == pid)
            return k;
    return -1;
}

/* all_live_stopped - every stage not yet reaped is stopped (and one is). */
static int all_live_stopped(const struct tsh_job *job)
{
    int live = 0;

    for (int k = 0; k < job->nprocs; k++) {
        if (job->pids[k] == 0)
            continue;
        live++;
        if (!(stopped_stages[job->jid] & (1u << k)))
            return 0;
    }
    return live > 0;
}

/* job_now_stopped - called when the job's live stages are all stopped. */
static void job_now_stopped(struct tsh_job *job)
{
    int sig = stop_signal[job->jid];

    if (job->state == TSH_STOPPED)
        return;
    if (job->state == TSH_FG)
        last_status = 128 + sig;
    job->state = TSH_STOPPED;
    sio_printf(1, "Job [%d] (%d) stopped by signal %d\n", job->jid, (int)job->pgid,
               sig); /* DO NOT CHANGE */
}

/* forget_stops - the job was sent SIGCONT: none of its stages is stopped. */
static void forget_stops(const struct tsh_job *job)
{
    stopped_stages[job->jid] = 0;
    stop_signal[job->jid] = 0;
}

/*
 * waitfg - Returns once the job with process group pgid is no
 * longer in the foreground (it ended or stopped). Called with the job
 * signals blocked; prev is the mask to sleep with. Must not busy-wait.
 */
void waitfg(pid_t pgid, const sigset_t *prev)
{
    sigset_t sleep_mask = *prev;

    /* Whatever the caller had blocked, SIGCHLD must be able to wake us. */
    sigdelset(&sleep_mask, SIGCHLD);
    sigdelset(&sleep_mask, SIGINT);
    sigdelset(&sleep_mask, SIGTSTP);
    for (;;) {
        struct tsh_job *fg = tsh_job_fg();
        if (fg == NULL || fg->pgid != pgid)
            return;
        sigsuspend(&sleep_mask);
    }
}

/* open_onto - opens path with flags and moves it onto target_fd; on failure
 * prints "tsh: FILE: strerror" and exits 1 (we are in the child). */
static void open_onto(const char *path, int flags, int target_fd)
{
    int fd = open(path, flags | O_CLOEXEC, 0666);

    if (fd < 0) {
        sio_printf(2, "tsh: %s: %s\n", path, strerror(errno)); /* DO NOT CHANGE */
        _exit(1);
    }
    if (fd != target_fd) {
        if (dup2(fd, target_fd) < 0) {
            sio_printf(2, "tsh: %s: %s\n", path, strerror(errno));
            _exit(1);
        }
        close(fd);
    } else {
        /* It landed on the right fd already: just keep it across exec. */
        fcntl(fd, F_SETFD, 0);
    }
}

/*
 * child_redirect - In a new child: opens the command's
 * redirections onto fds 0, 1 and 2. On failure prints
 * "tsh: FILE: strerror" and exits with status 1.
 */
void child_redirect(const struct tsh_cmd *cmd)
{
    if (cmd->infile != NULL)
        open_onto(cmd->infile, O_RDONLY, STDIN_FILENO);
    if (cmd->outfile != NULL)
        open_onto(cmd->outfile, O_WRONLY | O_CREAT | (cmd->append ? O_APPEND : O_TRUNC),
                  STDOUT_FILENO);
    if (cmd->errfile != NULL)
        open_onto(cmd->errfile, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO);
}

/* close_extra_fds - in the child, closes every descriptor above 2. */
static void close_extra_fds(void)
{
    if (close_range(3, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        close(fd);
}

/*
 * child_exec - In a new child: restores the signal mask prev
 * and the default signal actions, joins process group pgid (0: a group of
 * its own), connects the pipe ends in_fd and out_fd (-1: none) to fds 0 and
 * 1, closes close_fd (-1: none; the read end of the pipe out_fd writes to)
 * and every other pipe fd, applies the redirections and execs the command.
 * Never returns: 127 when the command is not found, 126 when it cannot be
 * executed ("tsh: NAME: command not found" / "tsh: NAME: Permission denied").
 */
void child_exec(const struct tsh_cmd *cmd, pid_t pgid, int in_fd, int out_fd, int close_fd,
                const sigset_t *prev)
{
    /* Default actions first, while the job signals are still blocked, so
     * that no signal can run one of the shell's handlers in this child. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);

    /* Join the job's group ourselves: the parent may not have run yet. */
    if (setpgid(0, pgid) < 0) {
        sio_printf(2, "tsh: setpgid: %s\n", strerror(errno));
        _exit(1);
    }

    if (close_fd >= 0)
        close(close_fd);
    if (in_fd >= 0 && in_fd != STDIN_FILENO) {
        dup2(in_fd, STDIN_FILENO);
        close(in_fd);
    }
    if (out_fd >= 0 && out_fd != STDOUT_FILENO) {
        dup2(out_fd, STDOUT_FILENO);
        close(out_fd);
    }
    child_redirect(cmd);
    close_extra_fds();

    sigprocmask(SIG_SETMASK, prev, NULL);
    execvp(cmd->argv[0], cmd->argv);

    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
        sio_printf(2, "tsh: %s: command not found\n", cmd->argv[0]); /* DO NOT CHANGE */
        _exit(127);
    }
    if (err == EACCES || err == EPERM) {
        sio_printf(2, "tsh: %s: Permission denied\n", cmd->argv[0]); /* DO NOT CHANGE */
        _exit(126);
    }
    sio_printf(2, "tsh: %s: %s\n", cmd->argv[0], strerror(err));
    _exit(126);
}

/*
 * launch - Runs every command of line in one new process group,
 * joined by pipes, as a job with the given cmdline. A background job prints
 * "[JID] (PGID) CMDLINE"; for a foreground job, launch returns once it has
 * ended or stopped. Block SIGCHLD (and SIGINT, SIGTSTP) from before the
 * first fork until the job is in the job list.
 */
void launch(const struct tsh_line *line, const char *cmdline)
{
    sigset_t block, prev;
    struct tsh_job *job;
    pid_t pgid = 0;
    int in_fd = -1;
    int failed = 0;

    job_signals(&block);
    sigprocmask(SIG_BLOCK, &block, &prev);

    /* The job goes in the table first, with its processes added as they are
     * forked; nothing can look at it before the signals are unblocked. */
    job = tsh_job_add(0, line->background ? TSH_BG : TSH_FG, cmdline);
    if (job == NULL) {
        sio_printf(2, "tsh: too many jobs\n");
        last_status = 1;
        sigprocmask(SIG_SETMASK, &prev, NULL);
        return;
    }
    forget_stops(job);

    for (int i = 0; i < line->ncmds; i++) {
        int fds[2] = {-1, -1};
        int last = i == line->ncmds - 1;

        if (!last && pipe2(fds, O_CLOEXEC) < 0) {
            sio_printf(2, "tsh: pipe: %s\n", strerror(errno));
            failed = 1;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            sio_printf(2, "tsh: fork: %s\n", strerror(errno));
            if (fds[0] >= 0) {
                close(fds[0]);
                close(fds[1]);
            }
            failed = 1;
            break;
        }
        if (pid == 0)
            child_exec(&line->cmds[i], pgid, in_fd, fds[1], fds[0], &prev);

        if (pgid == 0) {
            pgid = pid;
            job->pgid = pgid;
        }
        /* Both sides call setpgid. Ours fails harmlessly when the child has
         * exec'd (EACCES) or is already gone (ESRCH): it joined by itself. */
        if (setpgid(pid, pgid) < 0 && errno != EACCES && errno != ESRCH)
            sio_printf(2, "tsh: setpgid: %s\n", strerror(errno));
        tsh_job_add_proc(job, pid);

        /* The child has its pipe ends now: ours go at once. */
        if (in_fd >= 0)
            close(in_fd);
        if (fds[1] >= 0)
            close(fds[1]);
        in_fd = fds[0];
    }
    if (in_fd >= 0)
        close(in_fd);

    if (job->nprocs == 0) {
        /* Not a single process started. */
        tsh_job_delete(job);
        last_status = 1;
        sigprocmask(SIG_SETMASK, &prev, NULL);
        return;
    }
    if (failed)
        kill(-pgid, SIGKILL); /* half a pipeline is no pipeline */

    if (line->background) {
        sio_printf(1, "[%d] (%d) %s\n", job->jid, (int)job->pgid, job->cmdline); /* DO NOT CHANGE */
        last_status = 0;
    } else {
        waitfg(pgid, &prev);
    }
    sigprocmask(SIG_SETMASK, &prev, NULL);
}

/*
 * do_bgfg - The `bg` and `fg` builtins: SIGCONT to the job's
 * whole group; bg prints "[JID] (PGID) CMDLINE", fg waits for the job.
 * Sets last_status (non-zero when the argument is bad).
 */
void do_bgfg(char **argv)
{
    sigset_t block, prev;
    int is_fg = strcmp(argv[0], "fg") == 0;

    job_signals(&block);
    sigprocmask(SIG_BLOCK, &block, &prev);
    struct tsh_job *job = job_of_arg(argv[0], argv[1]);
    if (job == NULL) {
        last_status = 1;
        sigprocmask(SIG_SETMASK, &prev, NULL);
        return;
    }
    pid_t pgid = job->pgid;
    forget_stops(job);
    if (is_fg) {
        job->state = TSH_FG;
        if (kill(-pgid, SIGCONT) < 0 && errno != ESRCH)
            sio_printf(2, "tsh: fg: %s\n", strerror(errno));
        waitfg(pgid, &prev);
    } else {
        job->state = TSH_BG;
        if (kill(-pgid, SIGCONT) < 0 && errno != ESRCH)
            sio_printf(2, "tsh: bg: %s\n", strerror(errno));
        sio_printf(1, "[%d] (%d) %s\n", job->jid, (int)pgid, job->cmdline); /* DO NOT CHANGE */
        last_status = 0;
    }
    sigprocmask(SIG_SETMASK, &prev, NULL);
}

/* do_cd - The `cd [DIR]` builtin (HOME without DIR). */
void do_cd(char **argv)
{
    const char *dir = argv[1];

    if (dir == NULL) {
        dir = getenv("HOME");
        if (dir == NULL) {
            sio_printf(2, "tsh: cd: HOME not set\n");
            last_status = 1;
            return;
        }
    }
    if (chdir(dir) < 0) {
        sio_printf(2, "tsh: cd: %s: %s\n", dir, strerror(errno)); /* DO NOT CHANGE */
        last_status = 1;
        return;
    }
    last_status = 0;
}

/* do_wait - The `wait` builtin: returns once no job runs in the
 * background. Must not busy-wait. */
void do_wait(void)
{
    sigset_t block, prev, sleep_mask;

    job_signals(&block);
    sigprocmask(SIG_BLOCK, &block, &prev);
    sleep_mask = prev;
    sigdelset(&sleep_mask, SIGCHLD);
    while (tsh_job_count(TSH_BG) > 0)
        sigsuspend(&sleep_mask);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    last_status = 0;
}

/* do_exit - `exit [N]` and `quit`: leave now, with N or the last status. */
static void do_exit(char **argv)
{
    int code = last_status;

    if (strcmp(argv[0], "exit") == 0 && argv[1] != NULL) {
        char *end;
        errno = 0;
        long n = strtol(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || errno != 0) {
            sio_printf(2, "tsh: exit: %s: numeric argument required\n", argv[1]);
            code = 2;
        } else {
            code = (int)(n & 0xff);
        }
    }
    if (current_line != NULL)
        tsh_line_free(current_line);
    exit(code);
}

/*
 * builtin - Runs argv if it names a builtin (exit, quit, cd,
 * jobs, fg, bg, wait) and returns 1; returns 0 for anything else.
 */
int builtin(char **argv)
{
    const char *name = argv[0];

    if (strcmp(name, "exit") == 0 || strcmp(name, "quit") == 0)
        do_exit(argv);
    else if (strcmp(name, "cd") == 0)
        do_cd(argv);
    else if (strcmp(name, "jobs") == 0)
        do_jobs();
    else if (strcmp(name, "fg") == 0 || strcmp(name, "bg") == 0)
        do_bgfg(argv);
    else if (strcmp(name, "wait") == 0)
        do_wait();
    else
        return 0;
    return 1;
}

/*
 * eval - Parses and runs one command line (its newline already
 * removed): a syntax error prints "tsh: syntax error..." with a non-zero
 * status, a lone builtin runs in the shell, anything else goes to launch.
 */
void eval(const char *cmdline)
{
    struct tsh_line line;

    if (tsh_parse(cmdline, last_status, &line) < 0) {
        if (line.error[0] != '\0')
            sio_printf(2, "tsh: syntax error: %s\n", line.error); /* DO NOT CHANGE */
        else
            sio_printf(2, "tsh: syntax error\n");
        last_status = 2;
        return;
    }
    if (line.ncmds == 0)
        return; /* blank: $? stays */

    current_line = &line;
    if (line.ncmds > 1 || !builtin(line.cmds[0].argv))
        launch(&line, cmdline);
    current_line = NULL;
    tsh_line_free(&line);
}

/*
 * sigchld_handler - Reaps every child that ended or stopped,
 * without blocking. A job whose processes have all ended leaves the list
 * ("Job [JID] (PGID) terminated by signal N" if its last command was
 * killed); a stopped job prints "Job [JID] (PGID) stopped by signal N".
 * A foreground job's end or stop sets last_status.
 */
void sigchld_handler(int sig)
{
    int saved_errno = errno;
    int status;
    pid_t pid;

    (void)sig;
    while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
        struct tsh_job *job = find_job_of_child(pid);
        if (job == NULL)
            continue; /* not ours to report */
        int k = stage_of(job, pid);

        if (WIFSTOPPED(status)) {
            stopped_stages[job->jid] |= 1u << k;
            /* Report the last stage's stop signal when it has one. */
            if (k == job->nprocs - 1 || stop_signal[job->jid] == 0)
                stop_signal[job->jid] = WSTOPSIG(status);
            if (all_live_stopped(job))
                job_now_stopped(job);
        } else if (WIFCONTINUED(status)) {
            stopped_stages[job->jid] &= ~(1u << k);
            if (job->state == TSH_STOPPED)
                job->state = TSH_BG; /* continued by someone else */
        } else {
            stopped_stages[job->jid] &= ~(1u << k);
            if (tsh_job_reaped(job, pid, status) > 0) {
                if (all_live_stopped(job))
                    job_now_stopped(job);
                continue;
            }
            /* The job's last process is gone. */
            if (job->state == TSH_FG)
                last_status = status_of(job->status);
            if (WIFSIGNALED(job->status))
                sio_printf(1, "Job [%d] (%d) terminated by signal %d\n", job->jid, (int)job->pgid,
                           WTERMSIG(job->status)); /* DO NOT CHANGE */
            forget_stops(job);
            tsh_job_delete(job);
        }
    }
    errno = saved_errno;
}

/* forward - sends sig to the foreground job's group, if there is one. */
static void forward(int sig)
{
    int saved_errno = errno;
    struct tsh_job *fg = tsh_job_fg();

    if (fg != NULL && fg->pgid > 0)
        kill(-fg->pgid, sig);
    errno = saved_errno;
}

/* sigint_handler - Ctrl-C: SIGINT to the foreground job's group. */
void sigint_handler(int sig)
{
    forward(sig);
}

/* sigtstp_handler - Ctrl-Z: SIGTSTP to the foreground job's group. */
void sigtstp_handler(int sig)
{
    forward(sig);
}

/* ---- Helpers we provide ---- */

/* job_signals - the three signals the job list is protected by. */
void job_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTSTP);
}

/* status_of - the `$?` value of a wait status: 128+N for a signal or a stop. */
int status_of(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    if (WIFSTOPPED(wstatus))
        return 128 + WSTOPSIG(wstatus);
    return 1;
}

/* install - installs handler for signum, restarting interrupted system calls. */
void install(int signum, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    job_signals(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(signum, &sa, NULL) < 0) {
        perror("tsh: sigaction");
        exit(1);
    }
}

/* job_of_arg - the job named by a `fg`/`bg` argument (%JID or PID), or NULL
 * after printing why. Call with the job signals blocked. */
struct tsh_job *job_of_arg(const char *name, const char *arg)
{
    char *end;
    long n;

    if (arg == NULL) {
        sio_printf(2, "%s command requires PID or %%jobid argument\n", name); /* DO NOT CHANGE */
        return NULL;
    }
    errno = 0;
    n = strtol(arg[0] == '%' ? arg + 1 : arg, &end, 10);
    if (end == arg + (arg[0] == '%') || *end != '\0' || errno != 0 || n <= 0 || n > 1L << 30) {
        sio_printf(2, "%s: argument must be a PID or %%jobid\n", name); /* DO NOT CHANGE */
        return NULL;
    }
    struct tsh_job *job = arg[0] == '%' ? tsh_job_by_jid((int)n) : tsh_job_by_pid((pid_t)n);
    if (job == NULL && arg[0] == '%')
        sio_printf(2, "%%%ld: No such job\n", n); /* DO NOT CHANGE */
    else if (job == NULL)
        sio_printf(2, "(%ld): No such process\n", n); /* DO NOT CHANGE */
    return job;
}

/* do_jobs - the `jobs` builtin. */
void do_jobs(void)
{
    sigset_t mask, prev;

    job_signals(&mask);
    sigprocmask(SIG_BLOCK, &mask, &prev);
    tsh_jobs_list(1);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    last_status = 0;
}

/* usage - the usage message. */
void usage(void)
{
    fprintf(stderr, "usage: tsh [-p]\n  -p  print no prompt (for the trace driver)\n");
    exit(2);
}

/* main - the read-eval loop. At end of input, exits with the last status. */
int main(int argc, char **argv)
{
    static char cmdline[TSH_MAXLINE + 2];
    int prompt = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0)
            prompt = 0;
        else
            usage();
    }
    install(SIGINT, sigint_handler);
    install(SIGTSTP, sigtstp_handler);
    install(SIGCHLD, sigchld_handler);
    for (;;) {
        if (prompt)
            sio_printf(1, "tsh> "); /* DO NOT CHANGE */
        if (fgets(cmdline, sizeof(cmdline), stdin) == NULL) {
            if (ferror(stdin) && errno == EINTR) {
                clearerr(stdin);
                continue;
            }
            exit(last_status);
        }
        cmdline[strcspn(cmdline, "\n")] = '\0';
        eval(cmdline);
    }
}
