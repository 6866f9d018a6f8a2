/*
 * driver_main.c - sdriver: runs a trace against a shell and prints the
 * transcript (see driver.h for how it synchronises).
 *
 *     sdriver [-t SECONDS] [-e] [-m] TRACE [SHELL [ARG...]]
 *
 * SHELL defaults to `tsh -p` beside sdriver; the helpers are in bin/ beside
 * it and come first in the shell's PATH. -t sets the deadline of every wait
 * (default 4 s); -e leaves the shell's stderr out (to compare with dash);
 * -m runs the shell under valgrind memcheck, whose report then shows as
 * [stderr] lines and exit status 86.
 *
 * A trace is read line by line:
 *     # text             a comment, copied to the transcript
 *     WORD ...           a directive when WORD is one of those below
 *     anything else      a command line, sent once the shell is idle, and
 *                        echoed as "tsh> LINE". {NAME} becomes the pid of
 *                        helper NAME, {nopid} a pid that is no job, {c*N}
 *                        N copies of character c, {words*N} "w1 ... wN",
 *                        {tab} a tab and {empty} nothing (blank lines of the
 *                        trace file are skipped).
 * Directives:
 *     WAIT NAME          wait until helper NAME has started
 *     INT, TSTP          ctrl-c, ctrl-z: the signal to the shell ("^C", "^Z")
 *     SIGNAL SIG NAME    kill -SIG the helper NAME, from outside the shell
 *     RELEASE NAME [N]   let helper NAME exit, with status N (default 0)
 *     EXPECT NAME STATE  print whether helper NAME is running, stopped or gone
 *     SHELL              print whether the shell reads input or waits
 *     ZOMBIES            print how many zombie children the shell has
 *     SETTLE             wait until the shell's short-lived children are reaped
 *     CPU START|CHECK    measure the shell's CPU time in between
 *     CLOSE              end of input; print how the shell exited
 */
#define _GNU_SOURCE
#include "driver.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CPU_LIMIT_MS  50  /* a shell that sleeps while it waits uses ~0 ms */
#define BEST_EFFORT_S 1.0 /* how long to wait for the shell to block before a signal */

static char reason[200]; /* why a directive gave up */

/* realloc, or the end of the driver (status 2: its own failure, not the shell's). */
static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);

    if (q == NULL) {
        fprintf(stderr, "sdriver: out of memory\n");
        exit(2);
    }
    return q;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------- */
/* What the shell is doing                                                 */
/* ---------------------------------------------------------------------- */

/*
 * The shell is blocked in a system call other than a write (we drain its
 * output, so a blocked write is progress), nothing waits in its stdin and
 * no signal is pending for it: whatever we started has been handled. With
 * want_read, the system call must be read(0, ...): the shell is idle,
 * waiting for its next command line.
 */
static int shell_blocked(struct driver *d, int want_read)
{
    long nr, arg0, nr2, arg2;

    if (d->exited || !proc_blocked(d->shell, &nr, &arg0))
        return 0;
    if (proc_state(d->shell) != 'S')
        return 0; /* stopped, traced, or running again */
    if (nr == SYS_write || nr == SYS_writev || nr == SYS_pwrite64)
        return 0;
    if (want_read && !(nr == SYS_read && arg0 == 0))
        return 0;
    if (io_stdin_unread(d) > 0 || proc_signal_pending(d->shell))
        return 0;
    return proc_blocked(d->shell, &nr2, &arg2) && nr2 == nr && arg2 == arg0;
}

/* Pumps output until cond holds (1) or the deadline passes (0). */
static int wait_for(struct driver *d, int (*cond)(struct driver *, void *), void *arg,
                    double seconds)
{
    double deadline = now() + seconds;

    for (;;) {
        if (cond(d, arg))
            return 1;
        if (now() > deadline)
            return 0;
        io_pump(d, 2);
    }
}

/*
 * A shell that busy-waits for its foreground job never blocks, so it would
 * never look quiescent and every settle would wait out its best effort (a
 * second, which a trace of 60 steps under valgrind turns into a minute).
 * One that has used SPIN_CPU_MS of CPU since we last saw it sleep, with
 * nothing unread on its stdin and no signal on its way, is spinning: no
 * shell computes that long between reading a line and waiting for the job
 * it started (a correct one under valgrind takes a few ms), so it waits in a
 * loop, as ready for the next signal as a blocked one. The CPU check of
 * hygiene-cpu is what fails it for spinning.
 */
#define SPIN_CPU_MS 300

static int shell_spinning(struct driver *d)
{
    long sleeps = proc_sleeps(d->shell), cpu = proc_cpu_ms(d->shell);

    if (d->exited || sleeps < 0 || cpu < 0)
        return 0;
    if (sleeps != d->spin_sleeps) {
        d->spin_sleeps = sleeps;
        d->spin_cpu_ms = cpu;
        return 0;
    }
    return cpu - d->spin_cpu_ms >= SPIN_CPU_MS && io_stdin_unread(d) == 0 &&
           !proc_signal_pending(d->shell);
}

/* Blocked, or spinning in a wait loop: whatever we sent has been taken in. */
static int shell_waits(struct driver *d)
{
    return shell_blocked(d, 0) || shell_spinning(d);
}

static int is_idle(struct driver *d, void *arg)
{
    (void)arg;
    return d->exited || shell_blocked(d, 1);
}

static int is_helper(struct driver *d, pid_t pid);

/* Below the shell, nothing runs but helpers, each asleep in its wait for the
 * driver (one that just registered may not be there yet; stopped there, it
 * shows where it waits), and no signal is still on its way to one: a ^Z the
 * shell forwarded to a job of two processes may have stopped the one the
 * shell waits for and not yet the other, and the next signal must not
 * overtake it. */
static int only_helpers_run(struct driver *d)
{
    static pid_t pids[1024];
    int n = proc_descendants(d->shell, pids, 1024);
    long nr, arg0;

    for (int i = 0; i < n; i++) {
        char st = proc_state(pids[i]);
        if (st == 0 || st == 'Z' || st == 'T' || st == 't')
            continue;
        if (!is_helper(d, pids[i]) || st != 'S' || !proc_blocked(pids[i], &nr, &arg0) ||
            proc_signal_pending(pids[i]))
            return 0;
    }
    return 1;
}

/* The shell is blocked and every job it runs is a helper or has ended. */
static int is_quiescent(struct driver *d, void *arg)
{
    (void)arg;
    return d->exited || (shell_waits(d) && only_helpers_run(d) && shell_waits(d));
}

static void settle(struct driver *d, double seconds)
{
    wait_for(d, is_quiescent, NULL, seconds);
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

/* The helper a directive names: the last one WAIT claimed, else the last one. */
static struct helper *find_helper(struct driver *d, const char *name)
{
    struct helper *found = NULL;

    for (int i = 0; i < d->nhelpers; i++) {
        struct helper *h = &d->helpers[i];
        if (strcmp(h->name, name) == 0 && (h->waited || found == NULL || !found->waited))
            found = h;
    }
    return found;
}

static int is_helper(struct driver *d, pid_t pid)
{
    for (int i = 0; i < d->nhelpers; i++)
        if (d->helpers[i].name[0] != '\0' && d->helpers[i].pid == pid)
            return 1;
    return 0;
}

/* No helper can still come: the shell is idle and nothing unknown runs below it. */
static int nothing_coming(struct driver *d)
{
    static pid_t pids[1024];
    int n;

    if (!d->exited && !shell_blocked(d, 1))
        return 0;
    n = proc_descendants(getpid(), pids, 1024);
    for (int i = 0; i < n; i++) {
        char st = proc_state(pids[i]);
        if (pids[i] != d->shell && !is_helper(d, pids[i]) && st != 'Z' && st != 0)
            return 0;
    }
    return 1;
}

static struct helper *unclaimed(struct driver *d, const char *name)
{
    for (int i = 0; i < d->nhelpers; i++)
        if (!d->helpers[i].waited && strcmp(d->helpers[i].name, name) == 0)
            return &d->helpers[i];
    return NULL;
}

static const char *do_wait(struct driver *d, const char *name)
{
    double deadline = now() + d->timeout;
    double next_check = now() + 0.05;

    for (;;) {
        struct helper *h = unclaimed(d, name);
        if (h != NULL) {
            h->waited = 1;
            return NULL;
        }
        if (now() > deadline || (now() > next_check && nothing_coming(d))) {
            if (now() <= deadline)
                io_pump(d, 0); /* a registration may have just arrived */
            if ((h = unclaimed(d, name)) != NULL) {
                h->waited = 1;
                return NULL;
            }
            snprintf(reason, sizeof(reason), "%s never started", name);
            return reason;
        }
        if (now() > next_check)
            next_check = now() + 0.05;
        io_pump(d, 2);
    }
}

static const char *state_word(char st)
{
    if (st == 0 || st == 'Z' || st == 'X')
        return "gone";
    if (st == 'T' || st == 't')
        return "stopped";
    return "running";
}

struct want_state {
    pid_t pid;
    const char *word;
};

/* The helper is in the wanted state, and a stopped one is truly off the CPU
 * (it has told its parent): stopped in a system call or not. */
static int has_state(struct driver *d, void *arg)
{
    struct want_state *w = arg;
    char st = proc_state(w->pid);

    (void)d;
    if (strcmp(state_word(st), w->word) != 0)
        return 0;
    return st != 'T' || proc_off_cpu(w->pid);
}

static int signal_number(const char *name)
{
    static const struct {
        const char *name;
        int sig;
    } table[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
                 {"TERM", SIGTERM}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"CONT", SIGCONT},
                 {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}};

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(name, table[i].name) == 0)
            return table[i].sig;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Directives                                                              */
/* ---------------------------------------------------------------------- */

static void show_exit(struct driver *d)
{
    if (d->exit_shown)
        return;
    d->exit_shown = 1;
    io_pump(d, 0);
    if (WIFEXITED(d->wstatus))
        io_print(d, "[the shell exited with status %d]\n", WEXITSTATUS(d->wstatus));
    else
        io_print(d, "[the shell was killed by signal %d]\n", WTERMSIG(d->wstatus));
}

static const char *do_close(struct driver *d)
{
    if (d->shell_in >= 0) {
        if (!wait_for(d, is_idle, NULL, d->timeout))
            return "the shell did not come back to read its input";
        close(d->shell_in);
        d->shell_in = -1;
    }
    double deadline = now() + d->timeout;
    while (!d->exited && now() < deadline)
        io_pump(d, 2);
    if (!d->exited)
        return "the shell did not exit at the end of its input";
    show_exit(d);
    return NULL;
}

static const char *do_signal(struct driver *d, const char *signame, const char *name)
{
    struct helper *h = find_helper(d, name);
    int sig = signal_number(signame);
    struct want_state w;

    if (h == NULL || sig == 0) {
        snprintf(reason, sizeof(reason), "bad SIGNAL %s %s in the trace", signame, name);
        return reason;
    }
    settle(d, BEST_EFFORT_S);
    io_print(d, "[kill -%s %s]\n", signame, name);
    kill(h->pid, sig);
    w.pid = h->pid;
    w.word = sig == SIGCONT ? "running" : sig == SIGSTOP || sig == SIGTSTP ? "stopped" : "gone";
    if (!wait_for(d, has_state, &w, d->timeout)) {
        snprintf(reason, sizeof(reason), "%s did not become %s after SIG%s", name, w.word, signame);
        return reason;
    }
    settle(d, d->timeout);
    return NULL;
}

static const char *do_release(struct driver *d, const char *name, int code)
{
    struct helper *h = find_helper(d, name);
    struct want_state w;
    unsigned char byte = (unsigned char)code;

    if (h == NULL || h->fd < 0) {
        snprintf(reason, sizeof(reason), "RELEASE %s: no such helper", name);
        return reason;
    }
    settle(d, BEST_EFFORT_S);
    if (code != 0)
        io_print(d, "[%s exits with status %d]\n", name, code);
    else
        io_print(d, "[%s exits]\n", name);
    if (write(h->fd, &byte, 1) != 1) {
        snprintf(reason, sizeof(reason), "%s is not there to release", name);
        return reason;
    }
    w.pid = h->pid;
    w.word = "gone";
    if (!wait_for(d, has_state, &w, d->timeout)) {
        snprintf(reason, sizeof(reason), "%s did not exit when released", name);
        return reason;
    }
    settle(d, d->timeout);
    return NULL;
}

static const char *do_expect(struct driver *d, const char *name, const char *word)
{
    struct helper *h = find_helper(d, name);
    struct want_state w;

    if (h == NULL) {
        snprintf(reason, sizeof(reason), "EXPECT %s: no such helper", name);
        return reason;
    }
    settle(d, BEST_EFFORT_S);
    w.pid = h->pid;
    w.word = word;
    wait_for(d, has_state, &w, d->timeout);
    io_print(d, "[%s is %s]\n", name, state_word(proc_state(h->pid)));
    return NULL;
}

/* A shell that never blocks (it busy-waits) is reported as waiting too: the
 * CPU check is the test that catches busy waiting. */
static void do_shell(struct driver *d)
{
    wait_for(d, is_quiescent, NULL, BEST_EFFORT_S);
    if (d->exited)
        show_exit(d);
    else if (shell_blocked(d, 1))
        io_print(d, "[tsh is ready for input]\n");
    else
        io_print(d, "[tsh is waiting]\n");
}

/* Zombie children of the idle shell, after it has had time to reap them. */
static int count_zombies(struct driver *d)
{
    pid_t pids[512];
    char states[512];
    int n, zombies = 0;

    wait_for(d, is_idle, NULL, d->timeout);
    n = proc_children(d->shell, pids, states, 512);
    for (int i = 0; i < n; i++)
        zombies += states[i] == 'Z';
    if (zombies == 0)
        return 0;
    /* each zombie has signalled the shell already: once it is blocked again
     * with nothing pending, whatever it reaps has been reaped */
    settle(d, d->timeout);
    zombies = 0;
    n = proc_children(d->shell, pids, states, 512);
    for (int i = 0; i < n; i++)
        zombies += states[i] == 'Z';
    return zombies;
}

/* SETTLE: every child of the shell that is not a helper has died. */
static int children_done(struct driver *d, void *arg)
{
    pid_t pids[512];
    char states[512];
    int n = proc_children(d->shell, pids, states, 512);

    (void)arg;
    for (int i = 0; i < n; i++)
        if (states[i] != 'Z' && !is_helper(d, pids[i]))
            return 0;
    return 1;
}

static const char *do_cpu(struct driver *d, const char *what, long *start_ms)
{
    if (strcmp(what, "START") == 0) {
        *start_ms = proc_cpu_ms(d->shell);
        return NULL;
    }
    if (!wait_for(d, is_idle, NULL, d->timeout))
        return "the shell did not come back to read its input";
    long used = proc_cpu_ms(d->shell) - *start_ms;
    if (used <= CPU_LIMIT_MS)
        io_print(d, "[tsh used under %d ms of CPU time]\n", CPU_LIMIT_MS);
    else
        io_print(d, "[tsh used %ld ms of CPU time: busy waiting?]\n", used);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Command lines                                                           */
/* ---------------------------------------------------------------------- */

/* The text of {key} in piece; 0 when key means nothing (then {key} stays). */
static int expand_key(struct driver *d, const char *key, char *piece, size_t size)
{
    struct helper *h = find_helper(d, key);
    int n;

    piece[0] = '\0';
    if (strcmp(key, "empty") == 0)
        return 1;
    if (strcmp(key, "tab") == 0) {
        snprintf(piece, size, "\t");
    } else if (strcmp(key, "nopid") == 0) {
        snprintf(piece, size, "%d", (int)getpid());
    } else if (strncmp(key, "words*", 6) == 0 && (n = atoi(key + 6)) > 0) {
        size_t at = 0;
        for (int i = 1; i <= n && at + 16 < size; i++)
            at += (size_t)snprintf(piece + at, size - at, "%sw%d", i > 1 ? " " : "", i);
    } else if (key[0] != '\0' && key[1] == '*' && (n = atoi(key + 2)) > 0 && (size_t)n < size) {
        memset(piece, key[0], (size_t)n);
        piece[n] = '\0';
    } else if (h != NULL) {
        snprintf(piece, size, "%d", (int)h->pid);
    } else {
        return 0;
    }
    return 1;
}

/* Expands {NAME}, {nopid}, {c*N}, {words*N}, {tab} and {empty} in line. */
static char *expand(struct driver *d, const char *line)
{
    size_t cap = strlen(line) + 1;
    char *out = xrealloc(NULL, cap);
    size_t len = 0;

    for (const char *p = line; *p != '\0'; p++) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        char piece[PARTIAL_MAX], key[64];
        piece[0] = '\0';
        if (close != NULL && close - p - 1 < (long)sizeof(key)) {
            memcpy(key, p + 1, (size_t)(close - p - 1));
            key[close - p - 1] = '\0';
            if (!expand_key(d, key, piece, sizeof(piece)))
                close = NULL;
        } else {
            close = NULL;
        }
        if (close == NULL) {
            piece[0] = *p;
            piece[1] = '\0';
        } else {
            p = close;
        }
        cap += strlen(piece);
        out = xrealloc(out, cap);
        memcpy(out + len, piece, strlen(piece));
        len += strlen(piece);
    }
    out[len] = '\0';
    return out;
}

static const char *do_command(struct driver *d, const char *line)
{
    char *text;

    if (d->exited || d->shell_in < 0)
        return NULL; /* the exit line says why nothing more runs */
    if (!wait_for(d, is_idle, NULL, d->timeout))
        return "the shell did not come back to read its next command";
    if (d->exited)
        return NULL;
    text = expand(d, line);
    io_print(d, "tsh> %s\n", line);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    memcpy(text + len, "\n", 2);
    if (io_send(d, text) < 0) {
        free(text);
        return "the shell's input is closed";
    }
    free(text);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* The trace                                                               */
/* ---------------------------------------------------------------------- */

static int is_directive(const char *word)
{
    static const char *const names[] = {"WAIT",  "INT",     "TSTP",   "SIGNAL", "RELEASE", "EXPECT",
                                        "SHELL", "ZOMBIES", "SETTLE", "CPU",    "CLOSE"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(word, names[i]) == 0)
            return 1;
    return 0;
}

/* Runs one trace line. Returns NULL, or why the trace must stop. */
static const char *step(struct driver *d, char *line, long *cpu_start)
{
    char copy[PARTIAL_MAX];
    char *words[4] = {NULL, NULL, NULL, NULL};
    int n = 0;

    if (line[0] == '#') {
        io_print(d, "%s\n", line);
        return NULL;
    }
    snprintf(copy, sizeof(copy), "%s", line);
    for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w != NULL && n < 4;
         w = strtok_r(NULL, " \t", &save))
        words[n++] = w;
    if (n == 0 || !is_directive(words[0]))
        return do_command(d, line);
    const char *dir = words[0];
    const char *a1 = words[1] ? words[1] : "";
    const char *a2 = words[2] ? words[2] : "";

    if (strcmp(dir, "WAIT") == 0)
        return do_wait(d, a1);
    if (strcmp(dir, "INT") == 0 || strcmp(dir, "TSTP") == 0) {
        if (d->exited)
            return NULL;
        settle(d, BEST_EFFORT_S);
        io_print(d, "%s\n", dir[0] == 'I' ? "^C" : "^Z");
        kill(d->shell, dir[0] == 'I' ? SIGINT : SIGTSTP);
        if (!wait_for(d, is_idle, NULL, d->timeout))
            return "the shell did not come back to read input after the signal";
        return NULL;
    }
    if (strcmp(dir, "SIGNAL") == 0)
        return do_signal(d, a1, a2);
    if (strcmp(dir, "RELEASE") == 0)
        return do_release(d, a1, atoi(a2));
    if (strcmp(dir, "EXPECT") == 0)
        return do_expect(d, a1, a2);
    if (strcmp(dir, "SHELL") == 0) {
        do_shell(d);
        return NULL;
    }
    if (strcmp(dir, "ZOMBIES") == 0) {
        io_print(d, "[zombie children of tsh: %d]\n", count_zombies(d));
        return NULL;
    }
    if (strcmp(dir, "SETTLE") == 0) {
        wait_for(d, is_idle, NULL, d->timeout); /* the line has been run */
        wait_for(d, children_done, NULL, d->timeout);
        settle(d, d->timeout);
        return NULL;
    }
    if (strcmp(dir, "CPU") == 0)
        return do_cpu(d, a1, cpu_start);
    return do_close(d);
}

static char *read_trace(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;

    if (f == NULL || getdelim(&text, &len, '\0', f) < 0) {
        fprintf(stderr, "sdriver: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fclose(f);
    return text;
}

static void usage(void)
{
    fprintf(stderr, "usage: sdriver [-t SECONDS] [-e] [-m] TRACE [SHELL [ARG...]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct driver d;
    char self[PATH_MAX], bindir[PATH_MAX + 8], tsh[PATH_MAX + 8], shim[PATH_MAX + 24];
    char *default_shell[] = {tsh, "-p", NULL};
    char *memcheck_shell[] = {"valgrind",
                              "-q",
                              "--error-exitcode=86",
                              "--leak-check=full",
                              "--errors-for-leak-kinds=definite",
                              "--show-leak-kinds=definite",
                              "--child-silent-after-fork=yes",
                              "--num-callers=20",
                              tsh,
                              "-p",
                              NULL};
    char **shell = default_shell;
    const char *why = NULL;
    long cpu_start = 0;
    int opt;

    d.timeout = 4.0;
    d.spin_sleeps = -1;
    while ((opt = getopt(argc, argv, "+t:em")) != -1) {
        if (opt == 't')
            d.timeout = atof(optarg);
        else if (opt == 'e')
            d.hide_stderr = 1;
        else if (opt == 'm')
            shell = memcheck_shell;
        else
            usage();
    }
    if (optind >= argc || d.timeout <= 0)
        usage();
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n < 0)
        return 2;
    self[n] = '\0';
    snprintf(bindir, sizeof(bindir), "%s/bin", dirname(self));
    snprintf(tsh, sizeof(tsh), "%s/tsh", self);
    /* every trace runs tsh with the fork shim: each child runs first, so a
     * race between the shell and its child goes the same way every run */
    snprintf(shim, sizeof(shim), "%s/libforkshim.so", self);
    if (access(shim, R_OK) == 0 && setenv("LD_PRELOAD", shim, 1) < 0)
        return 2;

    /* make debug: SDRIVER_TOOL, one word a line, is a tool (gdb, valgrind,
     * strace) that tsh runs under, so that the tool sees tsh, not the driver */
    const char *tool = getenv("SDRIVER_TOOL");
    char *tool_words = NULL, *tool_argv[64];
    if (tool != NULL && tool[0] != '\0' && optind + 1 >= argc) {
        int k = 0;
        tool_words = strdup(tool);
        for (char *save = NULL, *w = strtok_r(tool_words, "\n", &save); w != NULL && k < 60;
             w = strtok_r(NULL, "\n", &save))
            tool_argv[k++] = w;
        tool_argv[k++] = tsh;
        tool_argv[k++] = "-p";
        tool_argv[k] = NULL;
        shell = tool_argv;
    }
    unsetenv("SDRIVER_TOOL");

    char *trace = read_trace(argv[optind]);
    io_start_shell(&d, optind + 1 < argc ? argv + optind + 1 : shell, bindir);
    for (char *save = NULL, *line = strtok_r(trace, "\n", &save); line != NULL && why == NULL;
         line = strtok_r(NULL, "\n", &save))
        why = step(&d, line, &cpu_start);
    if (why == NULL)
        why = do_close(&d);
    if (why != NULL)
        io_print(&d, "[gave up: %s]\n", why);
    io_kill_all(&d);
    io_flush(&d);
    free(trace);
    free(tool_words);
    return 0;
}
