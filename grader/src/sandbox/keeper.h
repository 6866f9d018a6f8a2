/*
 * keeper.h - the process that owns one sandbox (see box.h). Private to box.c.
 */
#ifndef OSLABS_KEEPER_H
#define OSLABS_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>
#include "sandbox/box.h"

enum { REC_START = 1, REC_FINAL = 2 };

/* Sent by the keeper on the status pipe; fixed size, written in one write. */
struct keeper_record {
    int type;
    pid_t program_pid; /* REC_START: the program's pid in the keeper's namespace */
    int status;        /* REC_FINAL: wait status of the program */
    int exec_errno;    /* the program could not be started */
    bool killed;       /* ended on request (timeout), not by itself */
    int leftovers;     /* processes killed after the program ended */
    bool disk_full;    /* the disk quota was full: the box was ended (or the program ended) */
    long utime_us, stime_us, maxrss_kb;
    char setup_error[160];
};

/* The keeper's descriptors, all opened by the grader before clone(). */
struct keeper_fds {
    int out_w, err_w, verdict_w; /* the program's ends; -1 if unused */
    int status_w;                /* keeper -> grader */
    int ctrl_r;                  /* grader -> keeper; EOF means kill */
    int cg_procs[2];             /* the box's cgroup.procs files; -1 if none */
};

/* The keeper's whole life; never returns. */
void keeper_main(const struct box_spec *spec, const struct keeper_fds *fds, int ns_flags,
                 uid_t outer_uid, gid_t outer_gid) __attribute__((noreturn));

#endif
