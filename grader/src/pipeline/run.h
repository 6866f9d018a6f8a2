/*
 * run.h - the scheduler: runs a lab's tests, each in its own box, in
 * parallel, and adds each run's verdict to its test's result (score.h).
 */
#ifndef OSLABS_RUN_H
#define OSLABS_RUN_H

#include <stdbool.h>
#include "pipeline/score.h"
#include "pipeline/stage.h"
#include "sandbox/host.h"

struct run_opts {
    int jobs;
    int repeat; /* at least this many runs per test */
    bool verbose;
    bool progress;  /* a progress line on stderr */
    bool keep;      /* keep each run's scratch directory (else removed once judged) */
    bool fail_fast; /* stop repeating a test once one run failed */
};

/*
 * Runs the selected tests of res[0..n) (whose test fields are set) and
 * scores them: a test the machine cannot run (requires =) is skipped.
 */
void run_tests(const struct host *host, struct stage *st, const struct run_opts *opts,
               struct test_result *res, size_t n);

#endif
