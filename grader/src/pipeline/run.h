/*
 * run.h - runs a lab's tests, each in its own box, in parallel, and
 * records per test whether it passed, with the evidence.
 */
#ifndef OSLABS_RUN_H
#define OSLABS_RUN_H

#include <stdbool.h>
#include "pipeline/manifest.h"
#include "pipeline/stage.h"
#include "lib/util.h"

enum outcome { OUT_PASS, OUT_FAIL, OUT_SKIP, OUT_NOTRUN };

struct test_result {
    const struct test *test;
    bool selected; /* false: left out by --only */
    enum outcome outcome;
    int runs, passed;  /* with --repeat */
    double time;       /* the slowest run, seconds */
    double total_time; /* all runs together, seconds */
    double score;
    char *reason;  /* one line */
    char *details; /* evidence: output, diff, valgrind errors, backtrace */
};

struct run_opts {
    int jobs;
    int repeat; /* at least this many runs per test */
    bool verbose;
    bool progress;  /* a progress line on stderr */
    bool keep;      /* keep each run's scratch directory (else removed once judged) */
    bool fail_fast; /* stop repeating a test once one run failed */
};

/* Marks every selected test of lab as not run, with reason. */
void results_not_run(struct test_result *res, size_t n, const char *reason);

/* Runs the selected tests of res[0..n) (whose test fields are set). */
void run_tests(struct stage *st, const struct run_opts *opts, struct test_result *res, size_t n);

void results_free(struct test_result *res, size_t n);

#endif
