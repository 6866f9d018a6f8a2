/*
 * gradable.c - nothing graded short: a batch refuses a lab whose tests
 * this machine cannot all run (SCHED_FIFO, ptrace, ...), naming what is
 * missing and how to enable it, unless the instructor passed
 * --allow-partial; then each such student is marked partial (verdict.c).
 * Local graders are probed before anything is graded; a container's
 * abilities show only in its results, so there the batch stops at the
 * first partial grade instead.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "lab.h"
#include "sandbox/features.h"
#include "sandbox/host.h"

#include <stdio.h>
#include <stdlib.h>

static void refuse(const char *lab, const char *what)
{
    fprintf(stderr,
            "grader batch: %s cannot be graded in full here: %s.\n"
            "Enable what is missing and run the batch again, or pass --allow-partial to grade "
            "anyway: those students are then marked \"partial\" in grades.csv.\n",
            lab, what);
}

/* The points of the lab's tests this machine cannot run, and why the first cannot. */
static double ungradable_points(const struct lab *lab, char **what)
{
    struct host host;
    double points = 0;

    host_init(&host);
    host_probe(&host);
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct test *t = &lab->tests[i];
        const char *missing = t->requires ? probe_missing(&host, t->requires) : NULL;
        if (missing == NULL)
            continue;
        points += t->points;
        if (*what == NULL)
            *what = xasprintf("%s: %s", t->name, missing);
    }
    host_free(&host);
    return points;
}

/* 0 when every test of the lab can run in the local sandbox (or partial grades are allowed). */
int gradable_check_local(const struct batch *b)
{
    struct lab lab;
    struct strbuf err;
    char *what = NULL, *msg;
    double points = 0;

    if (b->o->allow_partial)
        return 0;
    sb_init(&err);
    if (lab_load(b->labdir, b->hidden, &lab, &err) == 0) {
        points = ungradable_points(&lab, &what);
        manifest_free(&lab);
    }
    sb_free(&err); /* a manifest error was reported when the batch loaded the lab */
    if (points <= 0)
        return 0;
    msg = xasprintf("%g points need what this machine lacks (%s)", points, what);
    refuse(b->o->lab_arg, msg);
    free(msg);
    free(what);
    return EXIT_USAGE;
}

/* After a student's grade: a partial one stops a batch not allowed to be partial. */
void gradable_after_student(struct batch *b, const struct verdict *v)
{
    if (b->o->allow_partial || v->skipped_points <= 0 || b->refused)
        return;
    b->refused = true;
    refuse(b->o->lab_arg, v->reason);
}
