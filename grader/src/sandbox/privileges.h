/*
 * privileges.h - rlimits, uid and capabilities of a box's program, set in
 * its process before exec (see box.h). Private to the sandbox.
 */
#ifndef OSLABS_PRIVILEGES_H
#define OSLABS_PRIVILEGES_H

#include <sys/types.h>
#include "sandbox/box.h"

/* Applies the box's limits (and no core files); a limit can only be lowered. */
void priv_limits(const struct box_limits *lim);

/* Becomes uid:gid, keeping the requested capabilities (enum cap_flag)
 * through execve (ambient). 0, or -1 with errno. */
int priv_drop(uid_t uid, gid_t gid, unsigned caps);

#endif
