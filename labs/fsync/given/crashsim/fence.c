/*
 * fence.c - `crashsim --fence WORK_FD NULL_FD -- PROGRAM [ARGS...]`: runs
 * PROGRAM where it may write beneath one directory only (its work
 * directory, open as WORK_FD) and to /dev/null (NULL_FD), with Linux's
 * Landlock. crashsim starts the workload so, under strace: the trace, the
 * acknowledgements' raw file and the workload's log lie outside the work
 * directory, and the workload, which runs the student's code as the same
 * user as crashsim, can no longer rewrite the evidence crashsim judges it by
 * (descriptors it was given stay usable: descriptor 3, its output). Landlock
 * also keeps it from tracing strace or crashsim. Where the kernel has no
 * Landlock, or refuses it, PROGRAM runs unfenced, as before.
 */
#define _GNU_SOURCE
#include "crashsim.h"
#include "landlock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fence_main(int argc, char **argv)
{
    char *end1, *end2;

    if (argc < 6 || strcmp(argv[4], "--") != 0)
        die("usage: crashsim --fence WORK_FD NULL_FD -- PROGRAM [ARGS...]");
    int work_fd = (int)strtol(argv[2], &end1, 10), null_fd = (int)strtol(argv[3], &end2, 10);
    if (*end1 != '\0' || *end2 != '\0')
        die("--fence: not descriptors: %s %s", argv[2], argv[3]);
    /* a machine that refuses (a container's seccomp filter) is not the workload's fault */
    if (landlock_fence(work_fd, null_fd) < 0)
        fprintf(stderr, "crashsim --fence: Landlock refused (%s): running unfenced\n",
                strerror(errno));
    close(work_fd);
    close(null_fd);
    execvp(argv[5], argv + 5);
    die("cannot run %s: %s", argv[5], strerror(errno));
}
