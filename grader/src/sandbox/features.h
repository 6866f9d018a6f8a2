/*
 * features.h - does this machine offer what a test requires (SCHED_FIFO,
 * ptrace, valgrind, ...)? Each answer is probed once, in a box like the
 * tests' own, and cached. The machine features and the capabilities a
 * test may keep are named here.
 */
#ifndef OSLABS_FEATURES_H
#define OSLABS_FEATURES_H

#include "sandbox/host.h"

/* Machine features a test may require (bit flags). */
enum feature {
    FEAT_SCHED_FIFO = 1 << 0,
    FEAT_PTRACE = 1 << 1,
    FEAT_VALGRIND = 1 << 2,
    FEAT_STRACE = 1 << 3,
    FEAT_GDB = 1 << 4,
    FEAT_DASH = 1 << 5,
    FEAT_SQLITE3 = 1 << 6,
    FEAT_USERNS = 1 << 7,
};
#define FEAT_COUNT 8

/* Capabilities a test may keep. */
enum cap_flag { CAPF_SYS_NICE = 1 << 0, CAPF_IPC_LOCK = 1 << 1 };

/* "sched_fifo", ... (the manifest's words), or NULL. */
const char *feature_name(unsigned feature_bit);

/* NULL when the feature is available, else why not and how to enable it. */
const char *probe_feature(const struct host *host, unsigned feature_bit);

/* The first missing feature of a mask, or NULL. */
const char *probe_missing(const struct host *host, unsigned features);

/* Prints the sandbox layer and every feature (grader probe). */
void probe_print_all(const struct host *host);

#endif
