/*
 * probe.h - does this machine offer what a test requires (SCHED_FIFO,
 * ptrace, valgrind, ...)? Each answer is probed once, in a box like the
 * tests' own, and cached.
 */
#ifndef OSLABS_PROBE_H
#define OSLABS_PROBE_H

/* NULL when the feature is available, else why not and how to enable it. */
const char *probe_feature(unsigned feature_bit);

/* The first missing feature of a mask, or NULL. */
const char *probe_missing(unsigned features);

/* Prints the sandbox layer and every feature (grader probe). */
void probe_print_all(void);

#endif
