/*
 * score.h - the verdict of a test (its outcome, runs, evidence and score)
 * and the totals of a grading run. The scheduler adds runs here, the
 * reports read the verdicts and totals from here.
 */
#ifndef OSLABS_SCORE_H
#define OSLABS_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include "pipeline/manifest.h"
#include "sandbox/box.h"
#include "lib/util.h"

enum outcome { OUT_PASS, OUT_FAIL, OUT_SKIP, OUT_NOTRUN };

/*
 * What a failure was: the test's check said no (the failure its hint is
 * about), the program crashed, hung or could not be run, a test it needs
 * failed too, the machine failed it (the sandbox could not fork, mount or
 * start: "error (environment)", never the student's fault), or the run
 * showed tampering (no hint then).
 */
enum fault {
    FAULT_NONE,
    FAULT_CHECK,
    FAULT_CRASH,
    FAULT_TIMEOUT,
    FAULT_NORUN,
    FAULT_NEEDS,
    FAULT_MACHINE,
    FAULT_TAMPER
};

struct test_result {
    const struct test *test;
    bool selected;     /* false: left out by --only */
    bool not_gradable; /* skipped: the machine lacks what the test requires */
    enum outcome outcome;
    enum fault fault;  /* of the first failed run */
    int runs, passed;  /* with --repeat */
    double time;       /* the slowest run, seconds */
    double total_time; /* all runs together, seconds */
    double cpu_time;   /* the most CPU seconds of a run (the program and its children) */
    long peak_kb;      /* the largest peak resident memory of a run */
    char ended[32];    /* how the telling run ended: the first failed one, else the last */
    double score;
    bool *run_passed; /* per planned run, in order; NULL when none ran */
    int planned;      /* runs planned (fail-fast may leave the last ones out) */
    char *reason;     /* one line */
    char *details;    /* evidence: output, diff, valgrind errors, backtrace */
    char *tamper;     /* the first sign of tampering seen in a run (kinds.h), or NULL */
};

/* What the selected tests add up to. */
struct score_totals {
    double earned, max, skipped_points;
    int passed, failed, skipped, notrun;
    int machine; /* of the failed: failed by the machine (FAULT_MACHINE) */
};

/* How the reason of a test the machine failed starts. */
#define MACHINE_FAULT_PREFIX "error (environment): the machine, not your code: "

/* "TEST: why" of the first test the machine failed, or NULL. */
char *score_machine_error(const struct test_result *res, size_t n);

/* Marks every selected test of lab as not run, with reason. */
void results_not_run(struct test_result *res, size_t n, const char *reason);

/*
 * Adds one finished run to its test's result: a pass keeps the first
 * non-empty evidence, a failure keeps the first failure's reason and
 * evidence (details is moved out of *details and the buffer left empty).
 */
void score_add_run(struct test_result *r, enum outcome outcome, enum fault fault,
                   const char *reason, struct strbuf *details, const struct box_result *program);

/*
 * After the last run: each selected test's score ("passed 3/4; ..." for a
 * flaky one); a failed test that needs a test which failed too says so
 * first ("pipes do not work yet: pipe-basic failed; fix that first. ...").
 */
void score_tests(struct test_result *res, size_t n);

void score_totals(const struct test_result *res, size_t n, struct score_totals *t);

/*
 * The score of grading run `run` of `runs` (--repeat): a test scores when
 * its runs run, run + runs, run + 2 * runs, ... all passed (a test that
 * repeats more than `runs` times has several runs in each). With runs 1
 * it is the score; a run left out by --fail-fast counts as failed.
 */
double score_of_run(const struct test_result *res, size_t n, int run, int runs);

/* "pass", "FAIL", "skip", "not run". */
const char *outcome_word(enum outcome o);

void results_free(struct test_result *res, size_t n);

#endif
