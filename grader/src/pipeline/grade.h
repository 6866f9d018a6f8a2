/*
 * grade.h - one grading run, the pipeline in order:
 *   open the submission -> stage -> build -> run (and score) ;
 * the reports (report/) then render what it produced.
 */
#ifndef OSLABS_GRADE_H
#define OSLABS_GRADE_H

#include <stdbool.h>
#include "pipeline/build.h"
#include "pipeline/manifest.h"
#include "pipeline/run.h"
#include "pipeline/score.h"
#include "pipeline/stage.h"
#include "sandbox/host.h"

struct grade_opts {
    const char *kit;
    const char *submission; /* a directory or an archive, as given; NULL: the skeleton */
    const char *skeleton;   /* the lab's skeleton (KIT/skeletons/LAB) */
    const char *hidden;     /* a hidden-test tree, or NULL */
    const char *workdir;    /* NULL: a fresh one under TMPDIR */
    int jobs;
    struct run_opts run;
};

struct grading {
    struct test_result *res; /* every test of the lab, selected ones marked */
    size_t n;
    struct stage st;
    struct build_result build;
    bool built;                /* the build ran: build holds its result */
    struct strbuf problems;    /* why the submission cannot be graded */
    const char *setup_problem; /* problems.buf when it cannot, else NULL */
};

/*
 * Opens the submission, stages it with the lab, builds it and runs the
 * selected tests of g->res, each as host allows. A submission that cannot
 * be graded (missing files) or does not build is graded 0: its tests are
 * marked not run. 0, or EXIT_USAGE (1) on a setup error, with a message on
 * stderr (an unreadable submission, a lab that cannot be staged).
 */
int grade(const struct host *host, const struct grade_opts *o, const struct lab *lab,
          struct grading *g);

/* An empty grading of res[0..n) (the lab's tests, selected ones marked). */
void grading_init(struct grading *g, struct test_result *res, size_t n);

/* Removes the work directory unless kept; frees g (not g->res). */
void grading_free(struct grading *g, bool keep);

#endif
