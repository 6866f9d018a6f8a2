/*
 * sweep.h - what an untrusted uid left in the machine's shared temporary
 * directories. Without a mount namespace a box has no private /tmp,
 * /var/tmp or /dev/shm: a test's files there would outlive it, fill them
 * for the tests after it (another student's, in a batch) and be readable
 * by them. After each test the grader removes them.
 */
#ifndef OSLABS_SWEEP_H
#define OSLABS_SWEEP_H

#include <sys/types.h>

/*
 * Removes every entry of /tmp, /var/tmp and /dev/shm (top level; a
 * directory with all it holds) that uid owns. Links are removed, never
 * followed. Returns how many entries were removed.
 */
int sweep_shared_tmp(uid_t uid);

#endif
