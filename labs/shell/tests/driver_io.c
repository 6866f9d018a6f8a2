/*
 * driver_io.c - the driver's plumbing: it starts the shell on three pipes,
 * accepts the helpers on the TSH_SYNC socket, copies the shell's output to
 * the transcript a line at a time and reaps whatever dies below it.
 */
#define _GNU_SOURCE
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "sdriver: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Writes all of buf to the transcript (our stdout). */
static void out_write(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(1, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            exit(2);
        buf += n;
        len -= (size_t)n;
    }
}

/* One complete line of the shell's stdout (is_err 0) or stderr (1). */
static void out_line(struct driver *d, int is_err, const char *s, size_t len, int complete)
{
    static const char syntax[] = "tsh: syntax error";

    if (is_err) {
        if (d->hide_stderr)
            return;
        out_write("[stderr] ", 9);
        /* "tsh: syntax error" may be followed by any detail: the traces ignore it */
        if (len >= sizeof(syntax) - 1 && memcmp(s, syntax, sizeof(syntax) - 1) == 0)
            len = sizeof(syntax) - 1;
    }
    out_write(s, len);
    if (!complete)
        out_write("[no newline]", 12);
    out_write("\n", 1);
}

/* Appends shell output to the partial line of its stream, printing full lines. */
static void take_output(struct driver *d, int is_err, const char *buf, size_t len)
{
    struct partial *p = is_err ? &d->err : &d->out;

    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            out_line(d, is_err, p->buf, p->len, 1);
            p->len = 0;
        } else {
            if (p->len == PARTIAL_MAX) {
                out_line(d, is_err, p->buf, p->len, 1);
                p->len = 0;
            }
            p->buf[p->len++] = buf[i];
        }
    }
}

void io_flush(struct driver *d)
{
    if (d->out.len > 0)
        out_line(d, 0, d->out.buf, d->out.len, 0);
    if (d->err.len > 0)
        out_line(d, 1, d->err.buf, d->err.len, 0);
    d->out.len = d->err.len = 0;
}

static int drain(struct driver *d, int fd, int is_err);

/* Copies whatever the shell's pipes hold right now: all it wrote so far. */
static void drain_now(struct driver *d)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = d->shell_out, .events = POLLIN},
                              {.fd = d->shell_err, .events = POLLIN}};
        if (poll(p, 2, 0) <= 0)
            return;
        for (int i = 0; i < 2; i++) {
            int *fd = i == 0 ? &d->shell_out : &d->shell_err;
            if (p[i].revents && !drain(d, *fd, i)) {
                close(*fd);
                *fd = -1;
            }
        }
    }
}

void io_print(struct driver *d, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    int n;

    drain_now(d);
    io_flush(d);
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        out_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* The abstract socket name helpers find in TSH_SYNC ("@name"). */
static void listen_sync(struct driver *d, char *env, size_t size)
{
    struct sockaddr_un addr;
    socklen_t len;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "oslabs-tsh-%d-%ld", (int)getpid(),
             (long)random());
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr.sun_path + 1));
    d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (d->listen_fd < 0)
        die("socket");
    if (bind(d->listen_fd, (struct sockaddr *)&addr, len) < 0 || listen(d->listen_fd, 64) < 0)
        die("bind/listen");
    snprintf(env, size, "TSH_SYNC=@%s", addr.sun_path + 1);
}

static void make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        die("pipe");
}

/* In the child: a clean start for the shell (its own process group, fds 0-2
 * only, default signals). */
static void exec_shell(char **argv, int in, int out, int err)
{
    sigset_t none;

    setpgid(0, 0); /* a group of its own: a job left in it never signals the driver */
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], argv);
    fprintf(stderr, "sdriver: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

void io_start_shell(struct driver *d, char **shell_argv, const char *bindir)
{
    static char sync_env[160];
    char *path = NULL;
    int in[2], out[2], err[2];
    const char *old = getenv("PATH");

    srandom((unsigned)getpid());
    listen_sync(d, sync_env, sizeof(sync_env));
    if (putenv(sync_env) != 0)
        die("putenv");
    if (asprintf(&path, "%s:%s", bindir, old ? old : "/usr/bin:/bin") < 0 ||
        setenv("PATH", path, 1) < 0)
        die("setenv");
    free(path);
    /* orphans (a job's children after the shell is gone) come to us */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTSTP, SIG_IGN); /* job control signals are for the shell, never for us */
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    make_pipe(in);
    make_pipe(out);
    make_pipe(err);
    fflush(NULL);
    d->shell = fork();
    if (d->shell < 0)
        die("fork");
    if (d->shell == 0)
        exec_shell(shell_argv, in[0], out[1], err[1]);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    d->shell_in = in[1];
    d->shell_out = out[0];
    d->shell_err = err[0];
}

static void accept_helpers(struct driver *d)
{
    for (;;) {
        int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        if (d->nhelpers == MAX_HELPERS) {
            close(fd);
            continue;
        }
        struct helper *h = &d->helpers[d->nhelpers++];
        memset(h, 0, sizeof(*h));
        h->fd = fd;
    }
}

/* Reads a helper's registration line, "NAME PID\n". */
static void read_registration(struct helper *h)
{
    ssize_t n = read(h->fd, h->line + h->len, sizeof(h->line) - 1 - h->len);
    int pid;

    if (n <= 0) {
        if (n == 0 || errno != EAGAIN) {
            close(h->fd);
            h->fd = -1;
        }
        return;
    }
    h->len += (size_t)n;
    h->line[h->len] = '\0';
    if (strchr(h->line, '\n') == NULL && h->len < sizeof(h->line) - 1)
        return;
    if (sscanf(h->line, "%63s %d", h->name, &pid) == 2) {
        h->pid = (pid_t)pid;
    } else {
        h->name[0] = '\0';
        close(h->fd);
        h->fd = -1;
    }
}

static void reap(struct driver *d)
{
    int wstatus;
    pid_t pid;

    while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        if (pid == d->shell) {
            d->exited = 1;
            d->wstatus = wstatus;
        }
    }
}

/* Reads one pipe; returns 0 at EOF. */
static int drain(struct driver *d, int fd, int is_err)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
    take_output(d, is_err, buf, (size_t)n);
    return 1;
}

void io_pump(struct driver *d, int timeout_ms)
{
    struct pollfd p[3 + MAX_HELPERS];
    struct helper *who[3 + MAX_HELPERS];
    int n = 0;

    p[n++] = (struct pollfd){.fd = d->shell_out, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = d->shell_err, .events = POLLIN};
    p[n++] = (struct pollfd){.fd = d->listen_fd, .events = POLLIN};
    for (int i = 0; i < d->nhelpers; i++) {
        if (d->helpers[i].fd >= 0 && d->helpers[i].name[0] == '\0') {
            who[n] = &d->helpers[i];
            p[n++] = (struct pollfd){.fd = d->helpers[i].fd, .events = POLLIN};
        }
    }
    if (poll(p, (nfds_t)n, timeout_ms) > 0) {
        if (p[0].revents && !drain(d, d->shell_out, 0)) {
            close(d->shell_out);
            d->shell_out = -1;
        }
        if (p[1].revents && !drain(d, d->shell_err, 1)) {
            close(d->shell_err);
            d->shell_err = -1;
        }
        if (p[2].revents)
            accept_helpers(d);
        for (int i = 3; i < n; i++)
            if (p[i].revents)
                read_registration(who[i]);
    }
    reap(d);
}

int io_send(struct driver *d, const char *line)
{
    size_t len = strlen(line);

    while (len > 0) {
        ssize_t n = write(d->shell_in, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        line += n;
        len -= (size_t)n;
    }
    return 0;
}

size_t io_stdin_unread(const struct driver *d)
{
    int n = 0;

    if (d->shell_in < 0 || ioctl(d->shell_in, FIONREAD, &n) < 0)
        return 0;
    return (size_t)n;
}

/* SIGKILL to everything still below the driver (stopped jobs too), then reap. */
void io_kill_all(struct driver *d)
{
    static pid_t pids[1024];

    for (int round = 0; round < 50; round++) {
        int n = proc_descendants(getpid(), pids, 1024);
        int live = 0;
        for (int i = 0; i < n; i++) {
            if (proc_state(pids[i]) != 'Z') {
                kill(pids[i], SIGKILL);
                live++;
            }
        }
        io_pump(d, live > 0 ? 5 : 0);
        if (n == 0)
            return;
    }
}
