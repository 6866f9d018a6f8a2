/*
 * run.c - the scheduler: every (test, repetition) is a job; up to `jobs`
 * run at once, each in its own box under its own slot uid; a serial test
 * runs alone. One poll() loop watches every box.
 */
#define _GNU_SOURCE
#include "pipeline/run.h"
#include "pipeline/labguard.h"
#include "sandbox/backtrace.h"
#include "sandbox/box.h"
#include "sandbox/disk.h"
#include "sandbox/hostlock.h"
#include "sandbox/sweep.h"
#include "lib/fsutil.h"
#include "kinds/kinds.h"
#include "sandbox/features.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SLOTS   64
#define FDS_PER_BOX 8

struct job {
    struct test_result *res;
    int run;
    int slot;
    char *scratch;
    char *disk;        /* its disk quota, or NULL */
    char *lab_changed; /* the lab changed while it ran (labguard.h), or NULL */
    struct run_ctx ctx;
    struct box *box;
};

struct sched {
    const struct host *host;
    struct stage *st;
    const struct run_opts *opts;
    struct job *queue; /* every job, in manifest order */
    size_t njobs, next;
    struct job **running;
    int nrunning;
    bool serial_running;
    bool slot_busy[MAX_SLOTS];
    size_t done;
    struct labguard guard;       /* the staged lab as built */
    struct backtrace_seen *seen; /* where tests hung, with a backtrace shown */
};

/* Skips every run of tests whose requirements this machine lacks. */
static void skip_unavailable(const struct host *host, struct test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *why;
        if (!res[i].selected || res[i].test->requires == 0)
            continue;
        why = probe_missing(host, res[i].test->requires);
        if (why != NULL) {
            res[i].outcome = OUT_SKIP;
            res[i].not_gradable = true;
            res[i].reason = xasprintf("skipped: %s", why);
        }
    }
}

static void make_queue(struct sched *s, struct test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int reps;
        if (!res[i].selected || res[i].outcome == OUT_SKIP)
            continue;
        reps = res[i].test->repeat > s->opts->repeat ? res[i].test->repeat : s->opts->repeat;
        res[i].run_passed = xcalloc((size_t)reps, sizeof(*res[i].run_passed));
        res[i].planned = reps;
        for (int r = 0; r < reps; r++) {
            s->queue = xrealloc(s->queue, (s->njobs + 1) * sizeof(*s->queue));
            memset(&s->queue[s->njobs], 0, sizeof(*s->queue));
            s->queue[s->njobs].res = &res[i];
            s->queue[s->njobs].run = r;
            s->njobs++;
        }
    }
}

static int take_slot(struct sched *s)
{
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (!s->slot_busy[i]) {
            s->slot_busy[i] = true;
            return i;
        }
    }
    die("no free slot");
}

static void start_phase(struct sched *s, struct job *j)
{
    struct box_spec spec;

    kind_spec(&j->ctx, &spec);
    spec.seen = s->seen;
    spec.name = j->res->test->name;
    j->box = box_start(&spec);
}

static void start_job(struct sched *s, struct job *j)
{
    const struct test *t = j->res->test;
    uid_t uid;

    j->slot = take_slot(s);
    uid = s->host->uid_base + 1 + (uid_t)j->slot;
    j->scratch = stage_scratch(s->st, t->name, j->run, s->host->root, uid, uid);
    if (s->host->disk_quota && (j->disk = disk_mount(j->scratch, t->disk_mb, uid)) == NULL)
        die("the disk quota of %s: %s", j->scratch, strerror(errno));
    run_ctx_init(&j->ctx, s->host, t, s->st->labdir, j->scratch, j->run, uid);
    j->ctx.disk = j->disk;
    /* blocks only when nothing of ours runs (see can_start) */
    hostlock_take(t->serial ? HOSTLOCK_EXCLUSIVE : HOSTLOCK_SHARED);
    start_phase(s, j);
    s->running[s->nrunning++] = j;
    if (t->serial)
        s->serial_running = true;
}

/*
 * A write into the staged lab fails the run that just ended and every run
 * still going: any of them may have written it (all run the same code).
 */
static void check_lab(struct sched *s, struct job *j)
{
    char *changed = labguard_check(&s->guard);

    if (changed != NULL) {
        for (int i = 0; i < s->nrunning; i++)
            if (s->running[i] != j && s->running[i]->lab_changed == NULL)
                s->running[i]->lab_changed = xstrdup(changed);
        free(j->lab_changed);
        j->lab_changed = changed;
    }
    if (j->lab_changed != NULL)
        kind_tampered(&j->ctx, j->lab_changed);
    free(j->lab_changed);
    j->lab_changed = NULL;
}

static void finish_job(struct sched *s, struct job *j, int index)
{
    check_lab(s, j);
    j->res->run_passed[j->run] = j->ctx.outcome == OUT_PASS; /* for each run's score */
    score_add_run(j->res, j->ctx.outcome, j->ctx.fault, j->ctx.reason, &j->ctx.details,
                  &j->ctx.program);
    if (j->ctx.tamper != NULL && j->res->tamper == NULL) {
        j->res->tamper = j->ctx.tamper;
        j->ctx.tamper = NULL;
    }
    if (j->res->test->serial)
        s->serial_running = false;
    if (s->host->root && !(s->host->ns_flags & CLONE_NEWNS)) /* no private /tmp: see sweep.h */
        sweep_shared_tmp(s->host->uid_base + 1 + (uid_t)j->slot);
    s->slot_busy[j->slot] = false;
    if (j->disk != NULL)
        disk_unmount(j->scratch, j->disk, s->opts->keep);
    free(j->disk);
    j->disk = NULL;
    if (!s->opts->keep) { /* what a test wrote is freed now, not at the end */
        static const char *const beside[] = {"expected", "actual", "strace", "valgrind"};
        remove_tree(j->scratch);
        for (size_t i = 0; i < ARRAY_LEN(beside); i++) {
            char *path = xasprintf("%s.%s", j->scratch, beside[i]);
            unlink(path);
            free(path);
        }
    }
    run_ctx_free(&j->ctx);
    free(j->scratch);
    j->scratch = NULL;
    s->running[index] = s->running[--s->nrunning];
    s->done++;
    if (s->nrunning == 0)
        hostlock_release(); /* a serial test of another grader may go */
}

/*
 * OSLABS_PRETEND_MACHINE_FAULT="TEST..." makes the named tests' programs
 * fail as the machine fails them (a fork the sandbox could not make); the
 * word "grader" makes the grader itself fail as on a full disk: how the kit
 * tests that such a failure is never the student's.
 */
static void pretend_machine_fault(const struct job *j, struct box_result *r)
{
    const char *env = getenv("OSLABS_PRETEND_MACHINE_FAULT");
    struct strv names;

    if (env == NULL || j->ctx.phase != 0)
        return;
    sv_init(&names);
    sv_split_blanks(&names, env);
    if (sv_contains(&names, "grader"))
        die("writing %s: No space left on device (OSLABS_PRETEND_MACHINE_FAULT)", j->scratch);
    if (sv_contains(&names, j->res->test->name)) {
        free(r->error);
        r->end = BOX_FAILED;
        r->machine = true;
        r->error = xstrdup("fork: Resource temporarily unavailable (OSLABS_PRETEND_MACHINE_FAULT)");
    }
    sv_free(&names);
}

/* A box finished: judge it, then start the next phase or finish the job. */
static void advance(struct sched *s, struct job *j, int index)
{
    struct box_result r;

    box_collect(j->box, &r);
    j->box = NULL;
    pretend_machine_fault(j, &r);
    if (kind_judge(&j->ctx, &r)) {
        start_phase(s, j);
        return;
    }
    finish_job(s, j, index);
}

static bool can_start(const struct sched *s, const struct job *j)
{
    if (s->serial_running)
        return false;
    if (j->res->test->serial)
        return s->nrunning == 0;
    if (s->nrunning > 0 && hostlock_contended())
        return false; /* drain, so that the other grader's serial test can run */
    return s->nrunning < s->opts->jobs;
}

static void show_progress(const struct sched *s)
{
    if (!s->opts->progress)
        return;
    fprintf(stderr, "\r  running tests: %zu/%zu done ", s->done, s->njobs);
    if (s->done == s->njobs)
        fprintf(stderr, "\r%40s\r", "");
    fflush(stderr);
}

static void wait_for_boxes(struct sched *s)
{
    struct pollfd fds[MAX_SLOTS * FDS_PER_BOX];
    int n = 0;
    double now = now_seconds(), next = now + 60;

    for (int i = 0; i < s->nrunning; i++) {
        box_poll_add(s->running[i]->box, fds, &n);
        double d = box_next_deadline(s->running[i]->box);
        if (d < next)
            next = d;
    }
    double wait = next - now;
    if (wait < 0)
        wait = 0;
    if (poll(fds, (nfds_t)n, (int)ceil(wait * 1000)) < 0 && errno != EINTR)
        die("poll: %s", strerror(errno));
    now = now_seconds();
    for (int i = 0; i < s->nrunning; i++)
        box_poll_handle(s->running[i]->box, fds, now);
    for (int i = s->nrunning - 1; i >= 0; i--)
        if (box_done(s->running[i]->box)) {
            advance(s, s->running[i], i);
            show_progress(s);
        }
}

void run_tests(const struct host *host, struct stage *st, const struct run_opts *opts,
               struct test_result *res, size_t n)
{
    struct sched s;

    memset(&s, 0, sizeof(s));
    s.host = host;
    s.st = st;
    s.opts = opts;
    for (size_t i = 0; i < n; i++)
        if (res[i].selected)
            res[i].outcome = OUT_PASS;
    skip_unavailable(host, res, n);
    make_queue(&s, res, n);
    labguard_init(&s.guard, st->labdir);
    s.seen = backtrace_seen_new();
    s.running = xcalloc(MAX_SLOTS, sizeof(*s.running));
    while (s.next < s.njobs || s.nrunning > 0) {
        /* a test's own repeats (a race run 20 times) stop at the first failure,
         * which fails it; --repeat N, which measures flakiness, runs them all */
        while (s.next < s.njobs && (opts->fail_fast || opts->repeat <= 1) &&
               s.queue[s.next].run > 0 && s.queue[s.next].res->outcome == OUT_FAIL) {
            s.next++; /* the test's verdict is known already: failed */
            s.done++;
        }
        while (s.next < s.njobs && can_start(&s, &s.queue[s.next]))
            start_job(&s, &s.queue[s.next++]);
        wait_for_boxes(&s);
    }
    score_tests(res, n);
    labguard_free(&s.guard);
    backtrace_seen_free(s.seen);
    free(s.running);
    free(s.queue);
}
