/*
 * driver_proc.c - what /proc says about a process: its state, the system
 * call it is blocked in, its pending signals, its CPU time, its children.
 * A process that is gone, or a file that cannot be read, answers 0.
 */
#include "driver.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads /proc/PID/NAME into buf (NUL-terminated). Returns the length or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

/* The fields of /proc/PID/stat after "(comm)": state is field 3. */
static const char *stat_fields(pid_t pid, char *buf, size_t size)
{
    char *close;

    if (read_proc(pid, "stat", buf, size) < 0)
        return NULL;
    close = strrchr(buf, ')');
    return close != NULL && close[1] == ' ' ? close + 2 : NULL;
}

char proc_state(pid_t pid)
{
    char buf[1024];
    const char *f = stat_fields(pid, buf, sizeof(buf));

    return f != NULL ? f[0] : 0;
}

pid_t proc_ppid(pid_t pid)
{
    char buf[1024];
    const char *f = stat_fields(pid, buf, sizeof(buf));
    int ppid;

    if (f == NULL || sscanf(f, "%*c %d", &ppid) != 1)
        return 0;
    return (pid_t)ppid;
}

long proc_cpu_ms(pid_t pid)
{
    char buf[1024];
    const char *f = stat_fields(pid, buf, sizeof(buf));
    unsigned long utime, stime;

    /* fields 3..15: state ppid pgrp session tty tpgid flags 4 x faults utime stime */
    if (f == NULL ||
        sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (long)((utime + stime) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

long proc_sleeps(pid_t pid)
{
    char buf[4096];
    const char *p;

    if (read_proc(pid, "status", buf, sizeof(buf)) < 0 ||
        (p = strstr(buf, "\nvoluntary_ctxt_switches:")) == NULL)
        return -1;
    return strtol(p + strlen("\nvoluntary_ctxt_switches:"), NULL, 10);
}

/*
 * /proc/PID/syscall reads "NR ARG0 ..." only once the task is off the CPU
 * (the kernel waits for that), "running" otherwise: so a number means the
 * process really sleeps in that system call at that moment.
 */
int proc_blocked(pid_t pid, long *nr, long *arg0)
{
    char buf[256];
    unsigned long a0;

    if (read_proc(pid, "syscall", buf, sizeof(buf)) < 0 || !isdigit((unsigned char)buf[0]))
        return 0;
    if (sscanf(buf, "%ld %lx", nr, &a0) != 2)
        return 0;
    *arg0 = (long)a0;
    return 1;
}

int proc_off_cpu(pid_t pid)
{
    char buf[256];

    return read_proc(pid, "syscall", buf, sizeof(buf)) > 0 && strncmp(buf, "running", 7) != 0;
}

static unsigned long long status_mask(const char *status, const char *key)
{
    const char *p = strstr(status, key);

    return p != NULL ? strtoull(p + strlen(key), NULL, 16) : 0;
}

int proc_signal_pending(pid_t pid)
{
    char buf[4096];
    unsigned long long pending, blocked;

    if (read_proc(pid, "status", buf, sizeof(buf)) < 0)
        return 0;
    pending = status_mask(buf, "\nSigPnd:") | status_mask(buf, "\nShdPnd:");
    blocked = status_mask(buf, "\nSigBlk:");
    return (pending & ~blocked) != 0;
}

/* Calls visit(pid, ppid, state, arg) for every process /proc lists. */
static void each_process(void (*visit)(pid_t, pid_t, char, void *), void *arg)
{
    DIR *dir = opendir("/proc");
    struct dirent *e;

    if (dir == NULL)
        return;
    while ((e = readdir(dir)) != NULL) {
        char buf[1024];
        const char *f;
        int ppid;
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        f = stat_fields(pid, buf, sizeof(buf));
        if (f != NULL && sscanf(f, "%*c %d", &ppid) == 1)
            visit(pid, (pid_t)ppid, f[0], arg);
    }
    closedir(dir);
}

struct collect {
    pid_t parent;
    pid_t *out;
    char *states;
    int n, max;
};

static void collect_child(pid_t pid, pid_t ppid, char state, void *arg)
{
    struct collect *c = arg;

    if (ppid == c->parent && c->n < c->max) {
        if (c->states != NULL)
            c->states[c->n] = state;
        c->out[c->n++] = pid;
    }
}

int proc_children(pid_t ppid, pid_t *out, char *states, int max)
{
    struct collect c = {ppid, out, states, 0, max};

    each_process(collect_child, &c);
    return c.n;
}

struct table {
    pid_t pid[4096], ppid[4096];
    int n;
};

static void collect_all(pid_t pid, pid_t ppid, char state, void *arg)
{
    struct table *t = arg;

    (void)state;
    if (t->n < 4096) {
        t->pid[t->n] = pid;
        t->ppid[t->n++] = ppid;
    }
}

/* Every process below root, breadth first, from one reading of /proc. */
int proc_descendants(pid_t root, pid_t *out, int max)
{
    static struct table t;
    int n = 0;

    t.n = 0;
    each_process(collect_all, &t);
    for (int k = -1; k < n; k++) {
        pid_t parent = k < 0 ? root : out[k];
        for (int i = 0; i < t.n && n < max; i++)
            if (t.ppid[i] == parent)
                out[n++] = t.pid[i];
    }
    return n;
}
