/*
 * backtrace.h - on a timeout or a hang, what every thread of the test's
 * processes was doing: gdb attaches to each from a box of its own (see
 * box.h) before the box is killed. Private to the sandbox.
 */
#ifndef OSLABS_BACKTRACE_H
#define OSLABS_BACKTRACE_H

#include <sys/types.h>
#include "sandbox/box.h"

#define BACKTRACE_MAX_PROCS 8 /* processes shown; the first ones of hang_targets */

/* Starts gdb (thread apply all bt in each of the n processes pids, host
 * pids, one after the other) in a trusted box. */
struct box *backtrace_start(const struct host *host, const pid_t *pids, int n);

/* Collects the finished gdb box: threads and frames only. A new string. */
char *backtrace_collect(struct box *gdb);

#endif
