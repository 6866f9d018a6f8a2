/*
 * backtrace.h - on a timeout or a hang, what every thread of the test's
 * processes was doing: gdb attaches to each from a box of its own (see
 * box.h) before the box is killed. Private to the sandbox.
 */
#ifndef OSLABS_BACKTRACE_H
#define OSLABS_BACKTRACE_H

#include <stdint.h>
#include <sys/types.h>
#include "sandbox/box.h"

#define BACKTRACE_MAX_PROCS 8 /* processes shown; the first ones of hang_targets */

/* Starts gdb (thread apply all bt in each of the n processes pids, host
 * pids, one after the other) in a trusted box. */
struct box *backtrace_start(const struct host *host, const pid_t *pids, int n);

/* Collects the finished gdb box: threads and frames only. A new string. */
char *backtrace_collect(struct box *gdb);

/* Where process pid waits (stackprint.c): equal for two processes of the
 * same programs waiting on the same call path; 0 when it cannot be read or
 * says nothing (a program under valgrind, whose stacks are its own). */
uint64_t backtrace_stack_print(pid_t pid);

/* The hangs whose backtrace a run has shown, by stack print: forty tests
 * hung in the same place show one backtrace, and the others name it. */
struct backtrace_seen;
struct backtrace_seen *backtrace_seen_new(void);
void backtrace_seen_free(struct backtrace_seen *seen);

/* The test that showed the backtrace of print, or NULL after recording
 * test as the one that shows it (always NULL for print 0). */
const char *backtrace_seen_by(struct backtrace_seen *seen, uint64_t print, const char *test);

/* What a hung test shows instead of process pid's backtrace, which test
 * shown showed already. A new string. */
char *backtrace_repeated(pid_t pid, const char *shown);

#endif
