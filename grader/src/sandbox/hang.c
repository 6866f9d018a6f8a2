/*
 * hang.c - samples every thread of a box from /proc and says when the box
 * is hung: every thread blocked in a wait without a timeout, nothing run,
 * nothing written, over HANG_SAMPLES samples (the rule is in hang.h).
 */
#define _GNU_SOURCE
#include "sandbox/hang.h"
#include "lib/fsutil.h"
#include "lib/util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#define MAX_WAITS 6 /* distinct "process in wait" pairs (or zombies' names) in a reason */

/* How a blocking call's timeout shows in its arguments. */
enum timed { NEVER, ALWAYS, IF_PTR, IF_MS };

struct wait_call {
    long nr;
    const char *name;
    enum timed timed;
    int arg;    /* the timeout argument (0-based) for IF_PTR and IF_MS */
    bool on_fd; /* its first argument is a descriptor worth naming */
};

/* The calls a thread may sleep in; any other counts as "may wake". */
static const struct wait_call calls[] = {
    {SYS_futex, "futex (a mutex, condition variable, join or semaphore wait)", IF_PTR, 3, false},
#ifdef SYS_futex_waitv
    {SYS_futex_waitv, "futex_waitv", IF_PTR, 3, false},
#endif
    {SYS_nanosleep, "nanosleep", ALWAYS, 0, false},
    {SYS_clock_nanosleep, "clock_nanosleep", ALWAYS, 0, false},
#ifdef SYS_poll
    {SYS_poll, "poll", IF_MS, 2, false},
#endif
    {SYS_ppoll, "ppoll", IF_PTR, 2, false},
#ifdef SYS_select
    {SYS_select, "select", IF_PTR, 4, false},
#endif
    {SYS_pselect6, "pselect", IF_PTR, 4, false},
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", IF_MS, 3, false},
#endif
    {SYS_epoll_pwait, "epoll_pwait", IF_MS, 3, false},
    {SYS_rt_sigtimedwait, "sigtimedwait", IF_PTR, 2, false},
    {SYS_semtimedop, "semtimedop", IF_PTR, 3, false},
    {SYS_mq_timedreceive, "mq_timedreceive", IF_PTR, 4, false},
    {SYS_mq_timedsend, "mq_timedsend", IF_PTR, 4, false},
    {SYS_read, "read", NEVER, 0, true},
    {SYS_readv, "readv", NEVER, 0, true},
    {SYS_pread64, "pread", NEVER, 0, true},
    {SYS_write, "write (the reader does not read)", NEVER, 0, true},
    {SYS_writev, "writev", NEVER, 0, true},
    {SYS_wait4, "wait4 (waitpid)", NEVER, 0, false},
    {SYS_waitid, "waitid", NEVER, 0, false},
#ifdef SYS_pause
    {SYS_pause, "pause", NEVER, 0, false},
#endif
    {SYS_rt_sigsuspend, "sigsuspend", NEVER, 0, false},
    {SYS_accept, "accept", NEVER, 0, false},
    {SYS_accept4, "accept4", NEVER, 0, false},
    {SYS_connect, "connect", NEVER, 0, false},
    {SYS_recvfrom, "recvfrom", NEVER, 0, false},
    {SYS_recvmsg, "recvmsg", NEVER, 0, false},
    {SYS_sendto, "sendto", NEVER, 0, false},
    {SYS_sendmsg, "sendmsg", NEVER, 0, false},
    {SYS_msgrcv, "msgrcv", NEVER, 0, false},
    {SYS_msgsnd, "msgsnd", NEVER, 0, false},
    {SYS_semop, "semop", NEVER, 0, false},
    {SYS_flock, "flock", NEVER, 0, false},
    {SYS_fcntl, "fcntl (a record lock)", NEVER, 0, false},
    {SYS_openat, "open (a FIFO without its other end)", NEVER, 0, false},
};

/* Names counted, in the order first seen: at most MAX_WAITS of them. */
struct tally {
    char name[MAX_WAITS][160];
    int count[MAX_WAITS], n;
};

struct hang {
    pid_t keeper, program;
    bool driver, traced;
    long driver_switches; /* the driver's voluntary context switches, last sample */
    int confirmed;        /* samples in a row that found the box hung */
    uint64_t last_print;  /* fingerprint of the last sample */
    size_t last_output;   /* bytes written before it */
    struct tally waits;   /* "comm in wait" of each blocked thread */
    struct tally zombies; /* comm of each process that exited and was never reaped */
    int nthreads;
};

/* What one sample found. */
struct sample {
    uint64_t print; /* every thread's id, state and run counters, hashed */
    int threads;    /* counted ones (the driver's are not) */
    bool all_blocked;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) /* FNV-1a over the 8 bytes of v */
        h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
    return h;
}

/* The value of KEY ("NSpid:") in /proc/PID/status, to its line's end: a
 * new string, or NULL when the process is gone. */
static char *status_value(pid_t pid, const char *key)
{
    char path[64];
    char *status, *line, *value = NULL;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    status = read_file_max(path, 65536, NULL);
    line = status ? strstr(status, key) : NULL;
    if (line != NULL) {
        line += strlen(key);
        value = xasprintf("%.*s", (int)strcspn(line, "\n"), line);
    }
    free(status);
    return value;
}

/* The last number of NSpid: the pid in the keeper's namespace; -1 if gone. */
static pid_t ns_pid(pid_t pid)
{
    char *value = status_value(pid, "\nNSpid:");
    char *last = value ? strrchr(value, '\t') : NULL;
    pid_t ns = last ? (pid_t)atol(last + 1) : -1;

    free(value);
    return ns;
}

/* Appends the children of every thread of pid to out[*n...]. */
static void add_children(pid_t pid, pid_t *out, int *n, int max)
{
    char path[64];
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if ((d = opendir(path)) == NULL)
        return;
    while ((e = readdir(d)) != NULL && *n < max) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%ld/children", (int)pid, atol(e->d_name));
        char *text = read_file_max(path, 65536, NULL);
        for (char *p = text, *end; p != NULL && *n < max; p = end) {
            long child = strtol(p, &end, 10);
            if (end == p)
                break;
            out[(*n)++] = (pid_t)child;
        }
        free(text);
    }
    closedir(d);
}

/* Every process of the box below the keeper, parents before children. */
static int box_processes(pid_t keeper, pid_t *out, int max)
{
    int n = 0;

    add_children(keeper, out, &n, max);
    for (int i = 0; i < n; i++)
        add_children(out[i], out, &n, max);
    return n;
}

static bool thread_stat(pid_t pid, long tid, char *state, uint64_t *ran, uint64_t *runs);

/* A process that exited and waits to be reaped: gdb cannot attach to it. */
static bool is_zombie(pid_t pid)
{
    char state = '?';
    uint64_t ran, runs;

    return thread_stat(pid, pid, &state, &ran, &runs) && (state == 'Z' || state == 'X');
}

/* The host pid of pid's tracer (strace, gdb), or 0. */
static pid_t tracer_of(pid_t pid)
{
    char *text = status_value(pid, "\nTracerPid:");
    pid_t tracer = text != NULL ? (pid_t)atol(text) : 0;

    free(text);
    return tracer;
}

/* gdb cannot join a process that is traced already, and a tracer's own
 * stack (strace in wait4) says nothing about the hang. */
static bool tracer_or_traced(pid_t pid, const pid_t *all, int n)
{
    if (tracer_of(pid) != 0)
        return true;
    for (int i = 0; i < n; i++)
        if (all[i] != pid && tracer_of(all[i]) == pid)
            return true;
    return false;
}

int hang_targets(pid_t keeper, pid_t program, bool driver, pid_t *out, int max)
{
    pid_t all[HANG_MAX_PROCS];
    int n = box_processes(keeper, all, HANG_MAX_PROCS), k = 0;
    pid_t top = -1;

    for (int i = 0; i < n && top < 0; i++)
        if (ns_pid(all[i]) == program)
            top = all[i];
    if (top > 0 && !driver && k < max && !tracer_or_traced(top, all, n))
        out[k++] = top;
    for (int i = 0; i < n && k < max; i++)
        if (all[i] != top && !is_zombie(all[i]) && !tracer_or_traced(all[i], all, n))
            out[k++] = all[i];
    return k;
}

struct hang *hang_new(pid_t keeper, pid_t program, bool driver, bool traced)
{
    struct hang *h = xcalloc(1, sizeof(*h));

    h->keeper = keeper;
    h->program = program;
    h->driver = driver;
    h->traced = driver && traced;
    h->driver_switches = -1;
    return h;
}

void hang_free(struct hang *h)
{
    free(h);
}

/* Does the kernel count every run of a thread (schedstat)? See hang.h. */
static bool exact_run_counts(void)
{
    static int known = -1;

    if (known < 0) {
        unsigned long long ran, waited, runs;
        char *text = read_file_max("/proc/self/schedstat", 256, NULL);
        known = text != NULL && sscanf(text, "%llu %llu %llu", &ran, &waited, &runs) == 3;
        free(text);
    }
    return known;
}

double hang_period(bool driver)
{
    if (exact_run_counts())
        return HANG_PERIOD_EXACT;
    return driver ? HANG_PERIOD_DRIVER : HANG_PERIOD;
}

/* How often process pid went to sleep so far (voluntary_ctxt_switches); -1
 * when it is gone. */
static long voluntary_switches(pid_t pid)
{
    char *value = status_value(pid, "\nvoluntary_ctxt_switches:");
    long n = value ? atol(value) : -1;

    free(value);
    return n;
}

/* The wait a sleeping thread is in, into buf: false when it may wake by itself. */
static bool untimed_wait(const char *syscall_text, char *buf, size_t size)
{
    long a[6] = {0};
    char *p;
    long nr = strtol(syscall_text, &p, 10);

    if (p == syscall_text || nr < 0)
        return false; /* "running", or not in a call */
    for (int i = 0; i < 6; i++)
        a[i] = strtol(p, &p, 0);
    for (size_t i = 0; i < ARRAY_LEN(calls); i++) {
        const struct wait_call *c = &calls[i];
        if (c->nr != nr)
            continue;
        if (c->timed == ALWAYS || (c->timed == IF_PTR && a[c->arg] != 0) ||
            (c->timed == IF_MS && (int)a[c->arg] >= 0))
            return false;
        if (c->on_fd)
            snprintf(buf, size, "%s on fd %ld", c->name, a[0]);
        else
            snprintf(buf, size, "%s", c->name);
        return true;
    }
    return false;
}

/* Counts one more of name in t. */
static void tally_add(struct tally *t, const char *name)
{
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->name[i], name) == 0) {
            t->count[i]++;
            return;
        }
    }
    if (t->n < MAX_WAITS) {
        snprintf(t->name[t->n], sizeof(t->name[0]), "%s", name);
        t->count[t->n++] = 1;
    }
}

/* /proc/PID/task/TID/NAME, read; NULL if gone or not allowed. */
static char *task_file(pid_t pid, long tid, const char *name, size_t max)
{
    char path[96];

    snprintf(path, sizeof(path), "/proc/%d/task/%ld/%s", (int)pid, tid, name);
    return read_file_max(path, max, NULL);
}

/* A thread's state letter and run counters; false if it is gone. */
static bool thread_stat(pid_t pid, long tid, char *state, uint64_t *ran, uint64_t *runs)
{
    char *text, *p;
    unsigned long long rt = 0, waited = 0, pcount = 0;
    unsigned long ut = 0, st = 0;

    text = task_file(pid, tid, "stat", 4096);
    p = text ? strrchr(text, ')') : NULL;
    if (p == NULL ||
        sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", state, &ut, &st) != 3) {
        free(text);
        return false;
    }
    free(text);
    text = task_file(pid, tid, "schedstat", 256); /* exact, where the kernel keeps it */
    if (text == NULL || sscanf(text, "%llu %llu %llu", &rt, &waited, &pcount) != 3)
        rt = 0, pcount = 0;
    free(text);
    *ran = rt + ut + st;
    *runs = pcount;
    return true;
}

/* A process asleep in a wait for any signal while it has no child: a
 * SIGCHLD it may be waiting for came already (a shell that reaped its job
 * before listing it waits for it forever). */
static bool waits_for_lost_child(pid_t pid, const char *wait)
{
    pid_t child;
    int n = 0;

    if (strncmp(wait, "sigsuspend", 10) != 0 && strncmp(wait, "pause", 5) != 0)
        return false;
    add_children(pid, &child, &n, 1);
    return n == 0;
}

/* Samples one thread into s; false when it is not blocked for good. */
static bool sample_thread(struct hang *h, pid_t pid, long tid, const char *comm, struct sample *s)
{
    char state, wait[80] = "";
    uint64_t ran, runs;

    if (!thread_stat(pid, tid, &state, &ran, &runs))
        return true; /* gone: the process list changes, which the print shows */
    s->print = mix(mix(mix(s->print, (uint64_t)state), ran), runs);
    if (state == 'Z' || state == 'X') {
        if (tid == pid) /* its parent never reaped it: often the very bug */
            tally_add(&h->zombies, comm);
        return true;
    }
    s->threads++;
    if (state == 't' && h->traced)
        return false; /* a ptrace stop: strace, left out, is about to resume it */
    if (state == 'T' || state == 't') {
        snprintf(wait, sizeof(wait), "stopped (SIGSTOP, SIGTSTP, SIGTTIN)");
    } else if (state == 'S') {
        char *text = task_file(pid, tid, "syscall", 512);
        if (text != NULL)
            untimed_wait(text, wait, sizeof(wait));
        free(text);
    }
    if (wait[0] == '\0')
        return false;
    char key[160];
    snprintf(key, sizeof(key), "%s in %s%s", comm, wait,
             waits_for_lost_child(pid, wait) ? ", with no child process left" : "");
    tally_add(&h->waits, key);
    return true;
}

/* Samples every thread of process pid into s. */
static void sample_process(struct hang *h, pid_t pid, struct sample *s)
{
    char path[96], comm[32] = "?";
    char *text;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    if ((text = read_file_max(path, 64, NULL)) != NULL) {
        snprintf(comm, sizeof(comm), "%.*s", (int)strcspn(text, "\n"), text);
        free(text);
    }
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if ((d = opendir(path)) == NULL)
        return;
    s->print = mix(s->print, (uint64_t)pid);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        long tid = atol(e->d_name);
        s->print = mix(s->print, (uint64_t)tid);
        if (!sample_thread(h, pid, tid, comm, s))
            s->all_blocked = false;
    }
    closedir(d);
}

enum role { STUDENT, DRIVER, TRACER };

/* Under the driver rule, whose is process pid (a host pid)? The program is
 * the driver, or under a tracer the tracer, whose child is then the driver.
 * *program is the program's host pid once seen (parents come first). */
static enum role role_of(const struct hang *h, pid_t pid, pid_t *program)
{
    if (*program < 0 && ns_pid(pid) == h->program) {
        *program = pid;
        return h->traced ? TRACER : DRIVER;
    }
    if (h->traced && *program > 0) {
        char *ppid = status_value(pid, "\nPPid:");
        bool child = ppid != NULL && atol(ppid) == (long)*program;
        free(ppid);
        if (child)
            return DRIVER;
    }
    return STUDENT;
}

bool hang_sample(struct hang *h, size_t output)
{
    pid_t pids[HANG_MAX_PROCS], program = -1;
    int n = box_processes(h->keeper, pids, HANG_MAX_PROCS);
    struct sample s = {0xcbf29ce484222325ULL, 0, true};
    long driver_switches = -1;

    h->waits.n = h->zombies.n = 0;
    for (int i = 0; i < n; i++) {
        enum role role = h->driver ? role_of(h, pids[i], &program) : STUDENT;
        if (role == DRIVER)
            driver_switches = voluntary_switches(pids[i]);
        if (role != STUDENT)
            continue; /* the kit's driver: see the driver rule in hang.h */
        sample_process(h, pids[i], &s);
    }
    /* under the driver rule, a driver that did not run since the last sample
     * (starved, or gone) may still be about to act: this sample proves nothing */
    bool driver_waited = driver_switches >= 0 && h->driver_switches >= 0 &&
                         driver_switches - h->driver_switches >= 2;
    if (h->driver)
        h->driver_switches = driver_switches;
    if (!s.all_blocked || s.threads == 0 || n == HANG_MAX_PROCS)
        h->confirmed = 0;
    else if (h->driver && h->confirmed > 0 && !driver_waited)
        h->confirmed = 1;
    else if (h->confirmed > 0 && (s.print != h->last_print || output != h->last_output))
        h->confirmed = 1; /* blocked again, but something ran in between */
    else
        h->confirmed++;
    h->last_print = s.print;
    h->last_output = output;
    h->nthreads = s.threads;
    return h->confirmed >= HANG_SAMPLES;
}

/* Appends t's names to s, the most common first, each as "COUNT of NAME". */
static void add_tally(struct strbuf *s, const struct tally *t)
{
    int order[MAX_WAITS];

    for (int i = 0; i < t->n; i++) {
        int j = i;
        for (; j > 0 && t->count[order[j - 1]] < t->count[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (int k = 0; k < t->n; k++)
        sb_addf(s, "%s %d of %s", k > 0 ? ";" : "", t->count[order[k]], t->name[order[k]]);
}

char *hang_reason(const struct hang *h)
{
    struct strbuf s;

    sb_init(&s);
    sb_addf(&s,
            "hung: all %d thread%s blocked for %.2g s in waits without a timeout, with no CPU "
            "time used and no output:",
            h->nthreads, h->nthreads == 1 ? "" : "s", hang_period(h->driver) * (HANG_SAMPLES - 1));
    add_tally(&s, &h->waits);
    if (h->zombies.n > 0) {
        sb_adds(&s, "; zombies (exited, never reaped by their parent):");
        add_tally(&s, &h->zombies);
    }
    return sb_detach(&s);
}
