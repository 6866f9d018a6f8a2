/*
 * debug.h - `grader debug`: one test run by hand, outside the sandbox;
 * `grader build`: the programs built by hand.
 */
#ifndef OSLABS_DEBUG_H
#define OSLABS_DEBUG_H

#include "pipeline/manifest.h"

struct debug_opts {
    const char *test;       /* the test's name */
    const char *tool;       /* gdb, valgrind, strace or none (checked by the caller) */
    const char *submission; /* NULL: the lab's skeleton */
    const char *workdir;    /* NULL: KIT/build/debug */
};

/*
 * Stages the submission with lab in the work directory (kept), builds it
 * with make in the foreground, then runs the test's program (its argv,
 * environment and stdin, without valgrind or strace around it unless the
 * tool is one of them) with inherited stdio. 0 once the program ran,
 * whatever its status; EXIT_USAGE (1) when the test does not exist or the
 * submission cannot be staged or built.
 */
int debug_test(const char *kit, const struct lab *lab, const struct debug_opts *o);

/*
 * grader build: stages the submission (NULL: the lab's skeleton) with lab
 * as a grade stages it, in WORKDIR/LAB (workdir NULL: KIT/build/run), and
 * builds it there without a sandbox; prints that directory. 0, or
 * EXIT_USAGE (1) when it cannot be staged or built.
 */
int debug_build(const char *kit, const struct lab *lab, const char *submission,
                const char *workdir);

#endif
