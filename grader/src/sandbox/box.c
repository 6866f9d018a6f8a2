/*
 * box.c - the grader's side of a sandbox: starts the keeper (keeper.c) in
 * new namespaces, collects output and status, enforces the wall clock,
 * stops a flood at BOX_OUTPUT_CAP and a hung box at once (hang.c), and on
 * a hang or a timeout gets gdb backtraces before it has the box killed.
 */
#define _GNU_SOURCE
#include "sandbox/box.h"
#include "sandbox/cgroup.h"
#include "sandbox/keeper.h"
#include "sandbox/backtrace.h"
#include "sandbox/hang.h"
#include "lib/fsutil.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_GRACE  5.0 /* seconds for the keeper to clean up after "kill" */
#define DRAIN_GRACE 2.0 /* seconds to read the last output after the end */
#define VERDICT_CAP 4096

enum box_state { ST_RUNNING, ST_BACKTRACE, ST_KILLING, ST_DRAINING, ST_DONE };

struct box {
    struct box_spec spec; /* strings below are the box's own copies */
    struct strv argv, envp;
    char *cwd, *stdin_path, *keep_path, *readonly_path;
    pid_t keeper;
    int out_r, err_r, verdict_r, status_r, ctrl_w;
    int poll_base; /* index of our first pollfd in the last box_poll_add */
    int poll_count;
    struct strbuf out, err, verdict;
    size_t out_dropped, err_dropped;
    size_t status_got;
    struct keeper_record rec; /* being read */
    pid_t program_pid;        /* in the keeper's namespace */
    struct keeper_record final;
    bool have_final;
    bool cut;            /* the grader ended the program: */
    enum box_end cut_as; /* BOX_TIMEOUT, BOX_FLOODED or BOX_HUNG */
    struct hang *hang;   /* the hang watcher, or NULL */
    double next_sample;  /* of the hang watcher */
    char *hang_reason;
    enum box_state state;
    double start, deadline, kill_deadline, drain_deadline, end;
    struct box *gdb;
    char *backtrace;
    char *error;
    struct box_cgroup cg;
    long cg_mem_mb;
    long oom_kills_at_start; /* the kernel's count, to tell its out-of-memory kills */
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/*
 * How many processes the kernel's out-of-memory killer has killed since boot
 * (/proc/vmstat), or -1. Where no memory cgroup of the box's own holds it, a
 * SIGKILL nobody in the grader sent, while this count grew, is that killer's:
 * the machine or the container ran out of memory (the box's processes are its
 * first victims, see privileges.c).
 */
static long kernel_oom_kills(void)
{
    FILE *f = fopen("/proc/vmstat", "r");
    char line[128];
    long n = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "oom_kill %ld", &n) == 1)
            break;
    fclose(f);
    return n;
}

static void copy_spec(struct box *b, const struct box_spec *spec)
{
    b->spec = *spec;
    sv_init(&b->argv);
    sv_init(&b->envp);
    for (char *const *p = spec->argv; p != NULL && *p != NULL; p++)
        sv_push(&b->argv, *p);
    for (char *const *p = spec->envp; p != NULL && *p != NULL; p++)
        sv_push(&b->envp, *p);
    b->cwd = spec->cwd ? xstrdup(spec->cwd) : NULL;
    b->stdin_path = spec->stdin_path ? xstrdup(spec->stdin_path) : NULL;
    b->keep_path = spec->keep_path ? xstrdup(spec->keep_path) : NULL;
    b->readonly_path = spec->readonly_path ? xstrdup(spec->readonly_path) : NULL;
    b->spec.argv = b->argv.v;
    b->spec.envp = b->envp.v;
    b->spec.cwd = b->cwd;
    b->spec.stdin_path = b->stdin_path;
    b->spec.keep_path = b->keep_path;
    b->spec.readonly_path = b->readonly_path;
}

static struct box *box_new(const struct box_spec *spec)
{
    struct box *b = xcalloc(1, sizeof(*b));

    copy_spec(b, spec);
    b->out_r = b->err_r = b->verdict_r = b->status_r = b->ctrl_w = -1;
    b->cg.procs_fd[0] = b->cg.procs_fd[1] = -1; /* not 0: that is stdin */
    b->keeper = -1;
    sb_init(&b->out);
    sb_init(&b->err);
    sb_init(&b->verdict);
    b->start = now_seconds();
    b->oom_kills_at_start = kernel_oom_kills();
    b->deadline = b->start + spec->timeout;
    b->next_sample = b->start + hang_period(spec->hang == HANG_DRIVER);
    return b;
}

static void fail_box(struct box *b, const char *what)
{
    b->error = xasprintf("%s: %s", what, strerror(errno));
    b->state = ST_DONE;
    b->end = now_seconds();
}

/* Opens the pipes: ours[] are the grader's ends, theirs the keeper's. */
static int open_pipes(struct box *b, struct keeper_fds *k)
{
    int p[4][2], n = b->spec.verdict ? 4 : 3, ctrl[2];

    for (int i = 0; i < n; i++)
        if (pipe2(p[i], O_CLOEXEC) < 0)
            return -1;
    if (pipe2(ctrl, O_CLOEXEC) < 0)
        return -1;
    b->out_r = p[0][0], k->out_w = p[0][1];
    b->err_r = p[1][0], k->err_w = p[1][1];
    b->status_r = p[2][0], k->status_w = p[2][1];
    b->verdict_r = -1, k->verdict_w = -1;
    if (b->spec.verdict)
        b->verdict_r = p[3][0], k->verdict_w = p[3][1];
    k->ctrl_r = ctrl[0], b->ctrl_w = ctrl[1];
    if (b->spec.merge_stderr) {
        close_fd(&b->err_r);
        close_fd(&k->err_w);
    }
    fcntl(b->out_r, F_SETFL, O_NONBLOCK);
    if (b->err_r >= 0)
        fcntl(b->err_r, F_SETFL, O_NONBLOCK);
    if (b->verdict_r >= 0)
        fcntl(b->verdict_r, F_SETFL, O_NONBLOCK);
    fcntl(b->status_r, F_SETFL, O_NONBLOCK);
    return 0;
}

static void close_keeper_ends(struct keeper_fds *k)
{
    close_fd(&k->out_w);
    close_fd(&k->err_w);
    close_fd(&k->verdict_w);
    close_fd(&k->status_w);
    close_fd(&k->ctrl_r);
}

struct box *box_start(const struct box_spec *spec)
{
    struct box *b = box_new(spec);
    struct keeper_fds k = {-1, -1, -1, -1, -1, {-1, -1}};
    int flags = spec->untrusted ? spec->host->ns_flags : 0;
    uid_t uid = getuid();
    gid_t gid = getgid();
    pid_t pid;

    if (open_pipes(b, &k) < 0) {
        close_keeper_ends(&k);
        fail_box(b, "pipe");
        return b;
    }
    if (spec->untrusted && cg_available()) {
        /* all of the box's processes together: the address-space limit, or 4 GiB */
        b->cg_mem_mb = spec->lim.as_mb > 0 ? spec->lim.as_mb : 4096;
        cg_create(&b->cg, b->cg_mem_mb, spec->lim.nproc);
        k.cg_procs[0] = b->cg.procs_fd[0];
        k.cg_procs[1] = b->cg.procs_fd[1];
    }
    fflush(NULL);
    pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        keeper_main(&b->spec, &k, flags, uid, gid);
    close_keeper_ends(&k);
    for (int i = 0; i < 2; i++) { /* the keeper has its copies */
        if (b->cg.procs_fd[i] >= 0)
            close(b->cg.procs_fd[i]);
        b->cg.procs_fd[i] = -1;
    }
    if (pid < 0) {
        fail_box(b, "clone");
        return b;
    }
    b->keeper = pid;
    b->state = ST_RUNNING;
    return b;
}

/* Reads what is there from fd into s, keeping at most cap bytes. */
static void drain(int *fd, struct strbuf *s, size_t cap, size_t *dropped)
{
    char buf[65536];

    for (;;) {
        ssize_t n = read(*fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;   /* nothing more now */
        if (n <= 0) { /* end of file, or an error that would repeat forever */
            close_fd(fd);
            return;
        }
        size_t keep = s->len < cap ? cap - s->len : 0;
        if (keep > (size_t)n)
            keep = (size_t)n;
        sb_add(s, buf, keep);
        if (dropped != NULL)
            *dropped += (size_t)n - keep;
    }
}

static void reap_keeper(struct box *b)
{
    int status;

    if (b->keeper > 0) {
        while (waitpid(b->keeper, &status, 0) < 0 && errno == EINTR)
            ;
        b->keeper = -1;
    }
}

static void got_final(struct box *b, double now)
{
    b->final = b->rec;
    b->have_final = true;
    if (!b->cut)
        b->end = now;
    reap_keeper(b);
    close_fd(&b->ctrl_w);
    close_fd(&b->status_r);
    b->state = ST_DRAINING;
    b->drain_deadline = now + DRAIN_GRACE;
}

static void read_status(struct box *b, double now)
{
    for (;;) {
        ssize_t n =
            read(b->status_r, (char *)&b->rec + b->status_got, sizeof(b->rec) - b->status_got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) { /* the keeper died without a word (we killed it), or an error */
            close_fd(&b->status_r);
            reap_keeper(b);
            if (!b->have_final) {
                b->have_final = true;
                b->final.killed = true;
                if (!b->cut)
                    b->end = now;
            }
            b->state = ST_DRAINING;
            b->drain_deadline = now + DRAIN_GRACE;
            return;
        }
        b->status_got += (size_t)n;
        if (b->status_got < sizeof(b->rec))
            continue;
        b->status_got = 0;
        if (b->rec.type == REC_START) {
            b->program_pid = b->rec.program_pid;
        } else {
            got_final(b, now);
            return;
        }
    }
}

static void begin_kill(struct box *b, double now)
{
    close_fd(&b->ctrl_w);
    b->state = ST_KILLING;
    b->kill_deadline = now + KILL_GRACE;
}

static void start_backtrace(struct box *b, double now)
{
    pid_t pids[BACKTRACE_MAX_PROCS];
    int n = hang_targets(b->keeper, b->program_pid, b->spec.hang == HANG_DRIVER, pids,
                         BACKTRACE_MAX_PROCS);
    const char *shown = NULL;

    if (n <= 0) {
        b->backtrace = xstrdup("(no backtrace: the test's processes are gone, or run under "
                               "strace, which gdb cannot join; `make debug` runs them without)\n");
        begin_kill(b, now);
        return;
    }
    /* a hang where an earlier test hung shows no new backtrace: gdb takes
     * 0.2 s a process, and forty copies of one backtrace hide the rest */
    if (b->cut_as == BOX_HUNG)
        shown = backtrace_seen_by(b->spec.seen, backtrace_stack_print(pids[0]), b->spec.name);
    if (shown != NULL) {
        b->backtrace = backtrace_repeated(pids[0], shown);
        begin_kill(b, now);
        return;
    }
    b->gdb = backtrace_start(b->spec.host, pids, n);
    b->state = ST_BACKTRACE;
}

static void finish_backtrace(struct box *b, double now)
{
    b->backtrace = backtrace_collect(b->gdb);
    b->gdb = NULL;
    begin_kill(b, now);
}

static bool outputs_closed(const struct box *b)
{
    return b->out_r < 0 && b->err_r < 0 && b->verdict_r < 0;
}

static void close_outputs(struct box *b)
{
    close_fd(&b->out_r);
    close_fd(&b->err_r);
    close_fd(&b->verdict_r);
}

/* The grader ends the program: time is up, a flood, or a hang. */
static void cut(struct box *b, enum box_end as, double now)
{
    b->cut = true;
    b->cut_as = as;
    b->end = now;
    if (b->spec.backtrace && as != BOX_FLOODED)
        start_backtrace(b, now); /* a flood shows its loop in its output */
    else
        begin_kill(b, now);
}

/* One sample of the hang watcher when it is due (hang.h). */
static void watch_hang(struct box *b, double now)
{
    if (b->spec.hang == HANG_OFF || b->program_pid <= 0 || now < b->next_sample)
        return;
    if (b->hang == NULL)
        b->hang = hang_new(b->keeper, b->program_pid, b->spec.hang == HANG_DRIVER, b->spec.traced);
    b->next_sample = now + hang_period(b->spec.hang == HANG_DRIVER);
    size_t output = b->out.len + b->out_dropped + b->err.len + b->err_dropped;
    if (hang_sample(b->hang, output)) {
        b->hang_reason = hang_reason(b->hang);
        cut(b, BOX_HUNG, now);
    }
}

static void check_time(struct box *b, double now)
{
    if (b->state == ST_RUNNING && b->spec.stop_flood && (b->out_dropped || b->err_dropped))
        cut(b, BOX_FLOODED, now);
    if (b->state == ST_RUNNING && now >= b->deadline)
        cut(b, BOX_TIMEOUT, now);
    if (b->state == ST_RUNNING)
        watch_hang(b, now);
    if (b->state == ST_BACKTRACE && box_done(b->gdb))
        finish_backtrace(b, now);
    if (b->state == ST_KILLING && now >= b->kill_deadline && b->keeper > 0) {
        kill(b->keeper, SIGKILL); /* status pipe EOF follows */
    }
    if (b->state == ST_DRAINING && (outputs_closed(b) || now >= b->drain_deadline)) {
        close_outputs(b);
        b->state = ST_DONE;
    }
}

static void add_fd(struct pollfd *fds, int *n, int fd)
{
    fds[*n].fd = fd;
    fds[*n].events = POLLIN;
    fds[*n].revents = 0;
    (*n)++;
}

void box_poll_add(struct box *b, struct pollfd *fds, int *n)
{
    b->poll_base = *n;
    add_fd(fds, n, b->out_r);
    add_fd(fds, n, b->err_r);
    add_fd(fds, n, b->verdict_r);
    add_fd(fds, n, b->status_r);
    b->poll_count = 4;
    if (b->gdb != NULL)
        box_poll_add(b->gdb, fds, n);
}

void box_poll_handle(struct box *b, const struct pollfd *fds, double now)
{
    const struct pollfd *mine = fds + b->poll_base;

    if (b->state == ST_DONE)
        return;
    if (b->out_r >= 0 && mine[0].fd == b->out_r && mine[0].revents)
        drain(&b->out_r, &b->out, BOX_OUTPUT_CAP, &b->out_dropped);
    if (b->err_r >= 0 && mine[1].fd == b->err_r && mine[1].revents)
        drain(&b->err_r, &b->err, BOX_OUTPUT_CAP, &b->err_dropped);
    if (b->verdict_r >= 0 && mine[2].fd == b->verdict_r && mine[2].revents)
        drain(&b->verdict_r, &b->verdict, VERDICT_CAP, NULL);
    if (b->status_r >= 0 && mine[3].fd == b->status_r && mine[3].revents)
        read_status(b, now);
    if (b->gdb != NULL)
        box_poll_handle(b->gdb, fds, now);
    check_time(b, now);
}

double box_next_deadline(const struct box *b)
{
    switch (b->state) {
    case ST_RUNNING:
        if (b->spec.hang != HANG_OFF && b->next_sample < b->deadline)
            return b->next_sample;
        return b->deadline;
    case ST_BACKTRACE:
        return box_next_deadline(b->gdb);
    case ST_KILLING:
        return b->kill_deadline;
    case ST_DRAINING:
        return b->drain_deadline;
    default:
        return 0;
    }
}

bool box_done(const struct box *b)
{
    return b->state == ST_DONE;
}

/* A program that is missing or not executable may be the submission's
 * doing (a build that made no binary); no memory or process to exec with is
 * the machine's. */
static bool exec_failed_by_machine(int err)
{
    return err != ENOENT && err != EACCES && err != ENOEXEC && err != ENOTDIR && err != ELOOP;
}

static void fill_end(const struct box *b, struct box_result *res)
{
    const struct keeper_record *f = &b->final;

    if (b->error != NULL) {
        res->end = BOX_FAILED;
        res->error = xstrdup(b->error);
        res->machine = true;
    } else if (f->setup_error[0] != '\0') {
        res->end = BOX_FAILED;
        res->error = xasprintf("sandbox setup: %s", f->setup_error);
        res->machine = true;
    } else if (b->cut) {
        res->end = b->cut_as;
        /* the kernel killed some of its processes at the memory limit, and the rest
         * wait for them: memory is the cause, whichever of them the kernel chose */
        if (b->cut_as == BOX_HUNG && cg_hit_memory_limit(&b->cg))
            res->memory_limit_mb = b->cg_mem_mb;
    } else if (b->spec.stop_flood && (b->out_dropped || b->err_dropped)) {
        res->end = BOX_FLOODED; /* it ended before the grader read past the cap: the same */
    } else if (f->exec_errno != 0) {
        res->end = BOX_FAILED;
        res->error = xasprintf("cannot run '%s': %s", b->argv.n ? b->argv.v[0] : "?",
                               strerror(f->exec_errno));
        res->machine = exec_failed_by_machine(f->exec_errno);
    } else if (f->killed) {
        res->end = BOX_FAILED;
        res->error = xstrdup("the sandbox was killed");
        res->machine = true;
    } else if (WIFSIGNALED(f->status)) {
        res->end = BOX_SIGNALED;
        res->code = WTERMSIG(f->status);
        if (res->code == SIGKILL && cg_hit_memory_limit(&b->cg))
            res->memory_limit_mb = b->cg_mem_mb;
        else if (res->code == SIGKILL && kernel_oom_kills() > b->oom_kills_at_start)
            res->oom_killer = true;
    } else {
        res->end = BOX_EXITED;
        res->code = WEXITSTATUS(f->status);
    }
    if (f->disk_full)
        res->disk_quota_mb = b->spec.disk_mb;
}

void box_collect(struct box *b, struct box_result *res)
{
    memset(res, 0, sizeof(*res));
    fill_end(b, res);
    res->wall = b->end - b->start;
    res->cpu = (double)(b->final.utime_us + b->final.stime_us) / 1e6;
    res->maxrss_kb = b->final.maxrss_kb;
    res->leftovers = b->final.leftovers;
    res->out_len = b->out.len;
    res->out = sb_detach(&b->out);
    res->out_dropped = b->out_dropped;
    res->err_len = b->err.len;
    res->err = sb_detach(&b->err);
    res->err_dropped = b->err_dropped;
    res->verdict = b->verdict.len > 0 ? sb_detach(&b->verdict) : NULL;
    res->pid = b->program_pid;
    res->backtrace = b->backtrace;
    b->backtrace = NULL;
    res->hang = b->hang_reason;
    b->hang_reason = NULL;
    hang_free(b->hang);
    sb_free(&b->verdict);
    close_outputs(b);
    close_fd(&b->status_r);
    close_fd(&b->ctrl_w);
    if (b->keeper > 0) {
        kill(b->keeper, SIGKILL);
        reap_keeper(b);
    }
    if (b->gdb != NULL) {
        struct box_result r;
        box_collect(b->gdb, &r);
        box_result_free(&r);
    }
    cg_destroy(&b->cg);
    sv_free(&b->argv);
    sv_free(&b->envp);
    free(b->cwd);
    free(b->stdin_path);
    free(b->keep_path);
    free(b->readonly_path);
    free(b->error);
    free(b);
}

void box_run(const struct box_spec *spec, struct box_result *res)
{
    struct box *b = box_start(spec);

    while (!box_done(b)) {
        struct pollfd fds[32];
        int n = 0;
        double wait = box_next_deadline(b) - now_seconds();

        box_poll_add(b, fds, &n);
        if (wait < 0)
            wait = 0;
        if (poll(fds, (nfds_t)n, (int)ceil(wait * 1000)) < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        box_poll_handle(b, fds, now_seconds());
    }
    box_collect(b, res);
}

void box_default_env(struct strv *env, const char *home)
{
    sv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
    sv_push(env, "LC_ALL=C");
    sv_push(env, "LANG=C");
    sv_push(env, "TERM=dumb");
    sv_pushf(env, "HOME=%s", home);
    sv_pushf(env, "TMPDIR=%s", home);
}
