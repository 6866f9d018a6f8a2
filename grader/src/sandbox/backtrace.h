/*
 * backtrace.h - on a timeout, what every thread of the test's program was
 * doing: gdb attaches to it from a box of its own (see box.h) before the
 * box is killed. Private to the sandbox.
 */
#ifndef OSLABS_BACKTRACE_H
#define OSLABS_BACKTRACE_H

#include <sys/types.h>
#include "sandbox/box.h"

/* The host pid of the program whose pid in the keeper's namespace is ns_pid,
 * found among the keeper's children by NSpid; -1 if none. */
pid_t backtrace_target(pid_t keeper, pid_t ns_pid);

/* Starts `gdb -p pid` (thread apply all bt) in a trusted box. */
struct box *backtrace_start(const struct host *host, pid_t pid);

/* Collects the finished gdb box: threads and frames only. A new string. */
char *backtrace_collect(struct box *gdb);

#endif
