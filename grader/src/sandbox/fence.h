/*
 * fence.h - `grader fence DIR [--valgrind-log FILE] -- PROGRAM [ARGS...]`:
 * runs PROGRAM where it may change files beneath DIR and /dev only (Linux's
 * Landlock, no privilege needed). A kind runs the student's program so
 * inside a box, under a tool that writes its evidence beside DIR (strace's
 * trace, valgrind's log): the program, same uid as the tool, can then no
 * longer open that evidence for writing, nor trace the tool.
 */
#ifndef OSLABS_FENCE_H
#define OSLABS_FENCE_H

#include <stdbool.h>

/* argv[0] is "fence". Execs PROGRAM, or returns 127 with a message. */
int fence_command(int argc, char **argv);

/* The path of this grader when every user may run it (a box's uid must),
 * else NULL: kinds then run the program unfenced. */
const char *fence_grader_path(void);

#endif
