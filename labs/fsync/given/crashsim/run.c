/*
 * run.c - the processes crashsim starts: the setup command, the workload
 * under strace, and the checker on each crash state. Each runs in its own
 * process group, so a timeout kills everything it started.
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The calls the model follows (model.c). */
static const char TRACED[] =
    "open,openat,openat2,creat,close,close_range,dup,dup2,dup3,fcntl,read,readv,write,writev,"
    "pwrite64,pwritev,pwritev2,lseek,fsync,fdatasync,sync,syncfs,sync_file_range,ftruncate,"
    "truncate,fallocate,mkdir,mkdirat,unlink,unlinkat,rmdir,rename,renameat,renameat2,link,"
    "linkat,symlink,symlinkat,clone,clone3,fork,vfork,execve,execveat,chdir,fchdir,sendfile,"
    "copy_file_range,splice";

/* Waits for pid until timeout seconds have passed, then kills its group.
 * Returns the exit status, 128 + signal, or -1 on timeout. */
static int wait_bounded(pid_t pid, double timeout)
{
    double deadline = now_seconds() + timeout;
    useconds_t nap = 50;
    int st;

    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            die("waitpid: %s", strerror(errno));
        if (now_seconds() > deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        usleep(nap);
        if (nap < 5000)
            nap *= 2;
    }
    kill(-pid, SIGKILL); /* whatever it left behind */
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void to_log(const char *log)
{
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(126);
    close(fd);
}

int run_setup(const char *workdir, const char *setup, const char *log)
{
    pid_t pid = fork();

    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); /* crashsim ignores it; its children should not */
        to_log(log);
        if (chdir(workdir) < 0)
            _exit(126);
        execl("/bin/sh", "sh", "-c", setup, (char *)NULL);
        _exit(127);
    }
    return wait_bounded(pid, 60);
}

/* The workload's arguments, after strace's: crashsim itself fences it first (fence.c). */
static void fenced_args(char **args, int k, char **argv)
{
    int work_fd = open(".", O_PATH | O_DIRECTORY), null_fd = open("/dev/null", O_PATH);
    char *self = realpath("/proc/self/exe", NULL);

    if (work_fd < 0 || null_fd < 0 || self == NULL)
        _exit(126);
    args[k++] = self;
    args[k++] = "--fence";
    args[k++] = xasprintf("%d", work_fd);
    args[k++] = xasprintf("%d", null_fd);
    args[k++] = "--";
    for (int i = 0; argv[i] != NULL; i++)
        args[k++] = argv[i];
}

int run_workload(const char *workdir, char **argv, char **env, const char *trace, const char *acks,
                 const char *log, double timeout)
{
    pid_t pid = fork();

    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        int n = 0;
        while (argv[n] != NULL)
            n++;
        char **args = xcalloc((size_t)n + 25, sizeof(char *));
        int k = 0;
        args[k++] = "strace";
        args[k++] = "-f";
        args[k++] = "-qq";
        args[k++] = "-X";
        args[k++] = "raw";
        args[k++] = "-xx";
        args[k++] = "-s";
        args[k++] = "4194304";
        args[k++] = "--seccomp-bpf";
        args[k++] = "-e";
        args[k++] = xasprintf("trace=%s", TRACED);
        args[k++] = "-o";
        args[k++] = (char *)trace;
        args[k++] = "--";
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); /* crashsim ignores it; its children should not */
        to_log(log);
        if (chdir(workdir) < 0)
            _exit(126);
        int fd = open(acks, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || (fd != ACK_FD && dup2(fd, ACK_FD) < 0))
            _exit(126);
        if (fd != ACK_FD)
            close(fd);
        fenced_args(args, k, argv);
        setenv("CRASHSIM_ACK_FD", "3", 1);
        for (int i = 0; env[i] != NULL; i++)
            putenv(env[i]);
        execvp("strace", args);
        fprintf(stderr, "crashsim: cannot run strace: %s\n", strerror(errno));
        _exit(127);
    }
    return wait_bounded(pid, timeout);
}

void run_checker(char **argv, const char *statedir, const char *ackfile, double timeout,
                 struct check_result *r)
{
    int p[2];
    size_t got = 0;
    double deadline = now_seconds() + timeout;
    bool timed_out = false;

    if (pipe2(p, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        int n = 0;
        while (argv[n] != NULL)
            n++;
        char **args = xcalloc((size_t)n + 3, sizeof(char *));
        memcpy(args, argv, (size_t)n * sizeof(char *));
        args[n] = (char *)statedir;
        args[n + 1] = (char *)ackfile;
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); /* crashsim ignores it; its children should not */
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (chdir(statedir) < 0)
            _exit(126);
        setenv("CRASHSIM_STATE", statedir, 1);
        setenv("CRASHSIM_ACKS", ackfile, 1);
        execvp(args[0], args);
        fprintf(stderr, "crashsim: cannot run the checker %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    for (;;) {
        char buf[4096];
        int left = (int)((deadline - now_seconds()) * 1000);
        struct pollfd pfd = {p[0], POLLIN, 0};
        if (left <= 0) {
            timed_out = true;
            break;
        }
        int pr = poll(&pfd, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = true;
            break;
        }
        ssize_t n = read(p[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t room = sizeof(r->output) - 1 - got;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(r->output + got, buf, take);
        got += take;
    }
    close(p[0]);
    r->output[got] = '\0';
    int status = wait_bounded(pid, timed_out ? 0 : (deadline - now_seconds()) + 1);
    r->passed = status == 0 && !timed_out;
    if (timed_out || status < 0)
        snprintf(r->output + got, sizeof(r->output) - got,
                 "%s(the checker did not finish within %.0f s)\n", got ? "\n" : "", timeout);
    else if (status > 128)
        snprintf(r->output + got, sizeof(r->output) - got,
                 "%s(the checker was killed by signal %d: %s)\n", got ? "\n" : "", status - 128,
                 strsignal(status - 128));
}

/*
 * The fork-server mode of a checker (-S): the checker starts once, reads
 * "STATE_DIR ACK_FILE" lines on its standard input, checks each state in a
 * child it forks (so no state can affect the next), prints what it has to
 * say and then writes the line "crashsim-verdict STATUS" to descriptor 3.
 * The verdicts have a pipe of their own: a check's child, which runs the
 * student's code with the server's standard output, cannot print one.
 * Starting a program costs milliseconds; a fork, a fraction of one:
 * thousands of states fit in seconds.
 */
#define SERVER_VERDICT_FD 3

void server_start(struct server *s, char **argv)
{
    int in[2], out[2], verdict[2];

    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(verdict, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    s->pid = fork();
    if (s->pid < 0)
        die("fork: %s", strerror(errno));
    if (s->pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); /* crashsim ignores it; its children should not */
        /* above 3 first, so that no dup2 below overwrites a pipe still to be placed */
        int v = fcntl(verdict[1], F_DUPFD_CLOEXEC, 10), i0 = fcntl(in[0], F_DUPFD_CLOEXEC, 10);
        int o1 = fcntl(out[1], F_DUPFD_CLOEXEC, 10);
        if (v < 0 || i0 < 0 || o1 < 0 || dup2(i0, 0) < 0 || dup2(o1, 1) < 0 || dup2(o1, 2) < 0 ||
            dup2(v, SERVER_VERDICT_FD) < 0)
            _exit(126);
        execvp(argv[0], argv);
        fprintf(stderr, "crashsim: cannot run the checker %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(verdict[1]);
    s->to = in[1];
    s->from = out[0];
    s->verdicts = verdict[0];
    fcntl(s->from, F_SETFL, O_NONBLOCK);
    s->len = 0;
}

void server_stop(struct server *s)
{
    if (s->pid <= 0)
        return;
    close(s->to);
    close(s->from);
    close(s->verdicts);
    kill(-s->pid, SIGKILL);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

/* Appends what the checker printed, as far as r has room; false at its end. */
static bool read_output(struct server *s, struct check_result *r, size_t *got)
{
    char buf[4096];

    for (;;) {
        ssize_t n = read(s->from, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0; /* EAGAIN: all read for now */
        size_t room = sizeof(r->output) - 1 - *got;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(r->output + *got, buf, take);
        *got += take;
        r->output[*got] = '\0';
    }
}

/* A whole verdict line in s->buf: its status, taken out; else false. */
static bool take_verdict(struct server *s, int *status)
{
    char *nl = memchr(s->buf, '\n', s->len);

    if (nl == NULL)
        return false;
    size_t n = (size_t)(nl - s->buf) + 1;
    bool ok = sscanf(s->buf, "crashsim-verdict %d", status) == 1;
    memmove(s->buf, s->buf + n, s->len - n);
    s->len -= n;
    if (!ok)
        *status = 2;
    return true;
}

void server_check(struct server *s, char **argv, const char *statedir, const char *ackfile,
                  double timeout, struct check_result *r)
{
    double deadline = now_seconds() + timeout;
    size_t got = 0;
    int status;
    bool out_open = true;
    char *req = xasprintf("%s %s\n", statedir, ackfile);

    r->passed = false;
    r->output[0] = '\0';
    if (s->pid <= 0)
        server_start(s, argv);
    bool sent = write(s->to, req, strlen(req)) == (ssize_t)strlen(req);
    free(req);
    if (!sent) {
        snprintf(r->output, sizeof(r->output), "(the checker is not running)\n");
        server_stop(s);
        return;
    }
    for (;;) {
        if (take_verdict(s, &status)) {
            read_output(s, r, &got); /* the check printed all before its verdict */
            r->passed = status == 0;
            if (status > 128)
                snprintf(r->output + got, sizeof(r->output) - got,
                         "(the check was killed by signal %d: %s)\n", status - 128,
                         strsignal(status - 128));
            return;
        }
        int left = (int)((deadline - now_seconds()) * 1000);
        struct pollfd pfd[2] = {{s->verdicts, POLLIN, 0}, {out_open ? s->from : -1, POLLIN, 0}};
        int pr = left > 0 ? poll(pfd, 2, left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            snprintf(r->output + got, sizeof(r->output) - got,
                     "(the checker did not finish within %.0f s)\n", timeout);
            server_stop(s);
            return;
        }
        if ((pfd[1].revents & (POLLIN | POLLHUP)) && !read_output(s, r, &got))
            out_open = false;
        if (!(pfd[0].revents & (POLLIN | POLLHUP)))
            continue;
        if (s->len == sizeof(s->buf)) /* not a verdict: one line that long */
            s->len = 0;
        ssize_t n = read(s->verdicts, s->buf + s->len, sizeof(s->buf) - s->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            read_output(s, r, &got);
            snprintf(r->output + got, sizeof(r->output) - got, "(the checker exited)\n");
            server_stop(s);
            return;
        }
        s->len += (size_t)n;
    }
}
