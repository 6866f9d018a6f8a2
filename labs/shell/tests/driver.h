/*
 * driver.h - the trace driver (sdriver): shared state and the three modules.
 *
 * Theory of operation. The driver starts the shell (`tsh -p`) with its
 * stdin, stdout and stderr on three pipes, and listens on an abstract Unix
 * socket named in TSH_SYNC. It feeds the trace's command lines one at a
 * time and copies what comes back to its own stdout, as a transcript.
 * Helper programs (bin/spin, bin/split, ...) connect to the socket when
 * they start ("NAME PID") and wait on the connection for the driver to
 * release them, so the driver knows when a job has really started and
 * decides when it ends. The driver never sleeps to let something happen:
 * it watches /proc until the shell is blocked reading its stdin ("idle"),
 * or blocked at all ("quiescent"), and until a helper is stopped or dead.
 * Every wait has a deadline; a deadline passed is reported in the
 * transcript ("[gave up: ...]"), so a broken shell fails fast and never
 * hangs the test.
 *
 *   driver_io.c    starting the shell, the pipes, the socket, the output
 *   driver_proc.c  what /proc says about a process
 *   driver_main.c  the trace language and its directives
 */
#ifndef DRIVER_H
#define DRIVER_H

#include <stddef.h>
#include <sys/types.h>

#define MAX_HELPERS 256
#define PARTIAL_MAX 8192

/* One helper process that connected to the driver's socket. */
struct helper {
    char name[64]; /* as it registered; "" until its line has arrived */
    pid_t pid;     /* as it registered */
    int fd;        /* the connection; -1 once closed */
    int waited;    /* claimed by a WAIT directive */
    char line[96]; /* the registration line while it arrives */
    size_t len;
};

/* A line of output not yet complete. */
struct partial {
    char buf[PARTIAL_MAX];
    size_t len;
};

/* The driver's whole state; single-threaded, no signal handlers. */
struct driver {
    pid_t shell;     /* the shell's pid */
    int shell_in;    /* write end of the shell's stdin; -1 after end of input */
    int shell_out;   /* read end of the shell's stdout; -1 at EOF */
    int shell_err;   /* read end of the shell's stderr; -1 at EOF */
    int listen_fd;   /* the TSH_SYNC socket */
    int exited;      /* the shell has been reaped */
    int wstatus;     /* its wait status then */
    int exit_shown;  /* the "[the shell exited ...]" line is out */
    double timeout;  /* seconds: the deadline of every wait */
    int hide_stderr; /* -e: leave the shell's stderr out of the transcript */
    struct partial out, err;
    struct helper helpers[MAX_HELPERS];
    int nhelpers;
    long spin_sleeps; /* the shell's sleeps when we last saw it sleep (-1: never looked) */
    long spin_cpu_ms; /* and its CPU time then: see shell_spinning() */
};

/* driver_io.c */
void io_start_shell(struct driver *d, char **shell_argv, const char *bindir);
void io_pump(struct driver *d, int timeout_ms);
void io_flush(struct driver *d);
void io_print(struct driver *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int io_send(struct driver *d, const char *line);
size_t io_stdin_unread(const struct driver *d);
void io_kill_all(struct driver *d);

/* driver_proc.c: every function answers "don't know" as 0 / false */
char proc_state(pid_t pid);                        /* 'R', 'S', 'T', 'Z', ...; 0: gone */
int proc_blocked(pid_t pid, long *nr, long *arg0); /* 1: off-CPU in syscall nr */
int proc_off_cpu(pid_t pid);                       /* 1: off the CPU, in a call or not */
int proc_signal_pending(pid_t pid);                /* 1: an unblocked signal is pending */
long proc_cpu_ms(pid_t pid);                       /* user + system time */
long proc_sleeps(pid_t pid); /* how often it went to sleep (voluntary switches); -1: gone */
pid_t proc_ppid(pid_t pid);
int proc_children(pid_t ppid, pid_t *out, char *states, int max);
int proc_descendants(pid_t root, pid_t *out, int max);

#endif
