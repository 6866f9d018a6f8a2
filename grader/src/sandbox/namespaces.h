/*
 * namespaces.h - setting up a box's namespaces, in the keeper (see box.h).
 * Private to the sandbox.
 */
#ifndef OSLABS_NAMESPACES_H
#define OSLABS_NAMESPACES_H

#include <sys/types.h>
#include "sandbox/box.h"

/*
 * In the keeper, right after clone(ns_flags): maps uid and gid in a user
 * namespace; with a mount namespace, a fresh /proc (pid namespace), a
 * private /dev/shm, spec->host's hidden paths covered, a private /tmp that
 * keeps spec->keep_path (/tmp, /var/tmp and /dev/shm in spec->disk_path
 * when given), spec->readonly_path read-only; with a network
 * namespace, the loopback up. NULL, or what failed (errno set).
 */
const char *ns_setup(const struct box_spec *spec, int ns_flags, uid_t uid, gid_t gid);

#endif
