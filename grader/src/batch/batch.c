/*
 * batch.c - `grader batch`: grades every submission of a directory, N at
 * a time, each by its own `grader run` (locally or in a fresh container).
 * The steps, one file each: options.c, students.c (and treehash.c),
 * gradable.c, spawn.c, loop.c, verdict.c, publish.c, progress.c; merge.c for the
 * gradebook and `grader merge`. Crash-safe: a student's results are made in
 * OUT/.inflight/STUDENT and renamed into OUT/STUDENT once complete, so a
 * batch killed at any moment loses only what was in flight, and a rerun
 * skips every student whose submission (and lab) did not change.
 */
#define _GNU_SOURCE
#include "batch/batch.h"
#include "batch/batch_int.h"
#include "batch/treehash.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t batch_interrupted;

static void on_interrupt(int sig)
{
    batch_interrupted = sig;
}

/* Every test's timeout, repeated, plus the build's and a margin. */
static double default_timeout(const struct lab *lab, int repeat)
{
    double sum = lab->build_timeout + 120;

    for (size_t i = 0; i < lab->ntests; i++) {
        int reps = lab->tests[i].repeat > repeat ? lab->tests[i].repeat : repeat;
        sum += (lab->tests[i].timeout + 5) * reps;
    }
    return sum;
}

static int load_batch_lab(struct batch *b)
{
    struct lab lab;
    struct strbuf err;
    int rc;

    b->labdir = lab_dir(b->kit, b->o->lab_arg);
    if (b->labdir == NULL)
        return usage_fail(NULL, "no lab '%s' (%s)", b->o->lab_arg, strerror(errno));
    sb_init(&err);
    rc = lab_load(b->labdir, b->hidden, &lab, &err);
    if (rc < 0) {
        fprintf(stderr, "%sgrader: the manifest has errors; nothing was graded\n", err.buf);
        sb_free(&err);
        return EXIT_USAGE;
    }
    b->timeout = b->o->timeout > 0 ? b->o->timeout : default_timeout(&lab, b->o->repeat);
    for (size_t i = 0; i < lab.ntests; i++)
        b->max_score += lab.tests[i].points;
    manifest_free(&lab);
    sb_free(&err);
    return 0;
}

static int lock_out(struct batch *b)
{
    char *path = xasprintf("%s/.batch.lock", b->out);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    free(path);
    if (fd < 0)
        return usage_fail(NULL, "%s: %s", b->out, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return usage_fail(NULL, "another batch is writing %s; wait for it, or use another --out",
                          b->out);
    return 0; /* held until we exit */
}

static int prepare_out(struct batch *b)
{
    if (mkdir_p(b->o->out) < 0)
        return usage_fail(NULL, "%s: %s", b->o->out, strerror(errno));
    b->out = absolute_path(b->o->out);
    if (b->out == NULL || lock_out(b) != 0)
        return EXIT_USAGE;
    b->inflight = xasprintf("%s/.inflight", b->out);
    remove_tree(b->inflight); /* what a killed batch left half done */
    if (mkdir(b->inflight, 0755) < 0)
        return usage_fail(NULL, "%s: %s", b->inflight, strerror(errno));
    b->container_label =
        xasprintf("%016llx", (unsigned long long)treehash_string(TREEHASH_INIT, b->out));
    return 0;
}

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->st[i].name);
        free(b->st[i].path);
        free(b->st[i].hash);
    }
    free(b->st);
    free(b->self);
    free(b->labdir);
    free(b->subs);
    free(b->out);
    free(b->inflight);
    free(b->hidden);
    free(b->container_label);
    free(b->engine);
}

/* The CPUs this process may use (a cluster's allocation), not all the machine's. */
static int usable_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/*
 * The grader itself, for the children: /proc/self/exe (a fork's is ours)
 * still runs this very binary after a rebuild replaced the file.
 */
static char *self_exe(void)
{
    return xstrdup("/proc/self/exe");
}

static int setup_batch(struct batch *b)
{
    int cpus = usable_cpus(), rc;

    if (!is_dir(b->o->subs) || (b->subs = absolute_path(b->o->subs)) == NULL)
        return usage_fail(NULL, "the submissions directory %s does not exist", b->o->subs);
    if (b->o->hidden != NULL && (b->hidden = absolute_path(b->o->hidden)) == NULL)
        return usage_fail(NULL, "--hidden %s: %s", b->o->hidden, strerror(errno));
    if ((rc = load_batch_lab(b)) != 0 || (rc = prepare_out(b)) != 0 ||
        (rc = spawn_choose_mode(b)) != 0)
        return rc;
    if (strcmp(b->engine, "container") == 0 && !valid_name(b->o->lab_arg))
        return usage_fail(NULL, "in a container, a lab is named (labs/NAME), not a path: %s",
                          b->o->lab_arg);
    if (strcmp(b->engine, "local") == 0 &&
        ((rc = trust_check_local(b)) != 0 || (rc = gradable_check_local(b)) != 0))
        return rc;
    if (b->o->similarity && (rc = similarity_check_tool()) != 0)
        return rc; /* before grading, not after it */
    b->self = self_exe();
    b->test_jobs = cpus / b->o->jobs > 1 ? cpus / b->o->jobs : 1;
    b->tty = isatty(STDERR_FILENO) != 0;
    if ((rc = students_list(b)) != 0)
        return rc;
    students_select(b);
    return 0;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int batch_command(const char *kit, int argc, char **argv)
{
    struct batch_opts o = {0};
    struct batch b;
    int cpus = usable_cpus(), rc;

    o.repeat = 1;
    o.jobs = cpus >= 4 ? cpus / 2 : 1;
    if ((rc = parse_batch_options(argc, argv, &o)) != 0)
        return rc;
    if (o.repos != NULL)
        return repos_batch(kit, &o);
    memset(&b, 0, sizeof(b));
    b.o = &o;
    b.kit = (char *)kit;
    if ((rc = setup_batch(&b)) == 0) {
        size_t skipped = b.n - b.todo;
        printf("grader batch: %s, %zu submissions%s, %zu to grade (%zu skipped: graded already "
               "or another shard's), %d at a time, %s sandbox\n",
               b.o->lab_arg, b.n, b.o->shard_n > 1 ? " in all shards" : "", b.todo, skipped,
               b.o->jobs, b.engine);
        fflush(stdout);
        install_signals();
        loop_run_all(&b);
        const char *dirs[] = {b.out};
        rc = merge_gradebook(dirs, 1, b.out, false);
        printf("graded %zu of %zu (%zu not graded in full)%s\n", b.done, b.todo, b.failures,
               batch_interrupted ? "; interrupted: run the same command to go on" : "");
        if (rc == 0 && o.similarity && !batch_interrupted)
            rc = similarity_after_batch(kit, b.labdir, b.subs, b.out);
        if (o.similarity && !batch_interrupted) /* the dashboard lists the pairs */
            merge_gradebook(dirs, 1, b.out, true);
        if (batch_interrupted)
            rc = EXIT_INTERRUPTED;
        if (b.refused)
            rc = EXIT_USAGE;
        remove_tree(b.inflight);
    }
    batch_free(&b);
    return rc;
}
