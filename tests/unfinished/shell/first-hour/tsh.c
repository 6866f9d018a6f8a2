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
 * waitfg - Returns once the job with process group pgid is no
 * longer in the foreground (it ended or stopped). Called with the job
 * signals blocked; prev is the mask to sleep with. Must not busy-wait.
 */
void waitfg(pid_t pgid, const sigset_t *prev)
{
    (void)pgid;
    (void)prev;
}

/*
 * child_redirect - In a new child: opens the command's
 * redirections onto fds 0, 1 and 2. On failure prints
 * "tsh: FILE: strerror" and exits with status 1.
 */
void child_redirect(const struct tsh_cmd *cmd)
{
    (void)cmd;
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
    (void)pgid;
    (void)in_fd;
    (void)out_fd;
    (void)close_fd;
    (void)prev;
    execvp(cmd->argv[0], cmd->argv);
    /* TODO: 126 when it is not executable */
    sio_printf(2, "tsh: %s: command not found\n", cmd->argv[0]); /* DO NOT CHANGE */
    _exit(127);
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
    /* first version: only the first command, always in the foreground.
     * TODO: pipes, &, the job list */
    (void)cmdline;
    pid_t pid = fork();
    if (pid < 0) {
        sio_printf(2, "tsh: fork: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    if (pid == 0)
        child_exec(&line->cmds[0], 0, -1, -1, -1, NULL);
    int wstatus;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    last_status = status_of(wstatus);
}

/*
 * do_bgfg - The `bg` and `fg` builtins: SIGCONT to the job's
 * whole group; bg prints "[JID] (PGID) CMDLINE", fg waits for the job.
 * Sets last_status (non-zero when the argument is bad).
 */
void do_bgfg(char **argv)
{
    (void)argv;
}

/* do_cd - The `cd [DIR]` builtin (HOME without DIR). */
void do_cd(char **argv)
{
    const char *dir = argv[1];

    if (dir == NULL)
        dir = getenv("HOME");
    if (dir == NULL || chdir(dir) < 0) {
        sio_printf(2, "tsh: cd: %s: %s\n", dir ? dir : "", strerror(errno)); /* DO NOT CHANGE */
        last_status = 1;
        return;
    }
    last_status = 0;
}

/* do_wait - The `wait` builtin: returns once no job runs in the
 * background. Must not busy-wait. */
void do_wait(void)
{
}

/*
 * builtin - Runs argv if it names a builtin (exit, quit, cd,
 * jobs, fg, bg, wait) and returns 1; returns 0 for anything else.
 */
int builtin(char **argv)
{
    if (strcmp(argv[0], "quit") == 0)
        exit(last_status);
    if (strcmp(argv[0], "exit") == 0) {
        if (argv[1] != NULL)
            exit(atoi(argv[1]));
        exit(last_status);
    }
    if (strcmp(argv[0], "cd") == 0) {
        do_cd(argv);
        return 1;
    }
    return 0;
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
        sio_printf(2, "tsh: syntax error: %s\n", line.error); /* DO NOT CHANGE */
        last_status = 2;
        return;
    }
    if (line.ncmds > 0 && !builtin(line.cmds[0].argv))
        launch(&line, cmdline);
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
    (void)sig;
}

/* sigint_handler - Ctrl-C: SIGINT to the foreground job's group. */
void sigint_handler(int sig)
{
    (void)sig;
}

/* sigtstp_handler - Ctrl-Z: SIGTSTP to the foreground job's group. */
void sigtstp_handler(int sig)
{
    (void)sig;
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
