/*
 * host.h - what the machine allows the sandbox, probed once by the grader
 * and handed to every box (box_spec.host): nothing in the sandbox reads a
 * global to learn it.
 */
#ifndef OSLABS_HOST_H
#define OSLABS_HOST_H

#include <stdbool.h>
#include <sys/types.h>
#include "lib/util.h"

/*
 * Uids of untrusted code when the grader is root: each grader process
 * claims an instance (a lock file) and with it BOX_UIDS_PER_INSTANCE uids,
 * BOX_UID_FIRST + instance * BOX_UIDS_PER_INSTANCE onwards: the build's,
 * then one per parallel slot. Two graders on one machine never share a uid,
 * so neither shares the other's RLIMIT_NPROC budget.
 */
#define BOX_UID_FIRST         62000
#define BOX_UIDS_PER_INSTANCE 100
#define BOX_INSTANCES         100

/*
 * A grader in a container that shares the host's uids (no user namespace),
 * started without OSLABS_INSTANCE, cannot see the host's instance locks: it
 * claims from these, far above the host's, starting at 10 instances picked
 * by the identity of its lock directory (host.c), so that it never shares
 * uids with a grader on the host (and rarely with another such container:
 * 1 in 900).
 */
#define BOX_CONTAINER_INSTANCE_FIRST 1000
#define BOX_CONTAINER_INSTANCES      9000

struct host {
    bool root;          /* the grader is root: uids can be changed */
    int ns_flags;       /* CLONE_NEW* used for untrusted boxes; 0 when none work */
    bool userns;        /* ns_flags includes CLONE_NEWUSER */
    uid_t uid_base;     /* the build's uid; slot k runs as uid_base + 1 + k */
    bool disk_quota;    /* each test run gets a disk quota (disk.h) */
    char layer[192];    /* a description for reports */
    struct strv hidden; /* directories covered in every untrusted box */
};

void host_init(struct host *h);
void host_free(struct host *h);

/*
 * Directories that untrusted boxes must not see (the kit's solutions and
 * mutants, hidden-test sources, other submissions): with a mount namespace
 * each is covered by an empty read-only tmpfs. Those that are directories
 * replace h->hidden. Call before host_probe().
 */
void host_hide_paths(struct host *h, const struct strv *paths);

/*
 * Probes the machine (uids, namespaces, cgroups) into h; call before any
 * box. As root, claims a uid range for the life of the process; exits
 * with status 2 when every range is in use.
 */
void host_probe(struct host *h);

/*
 * NULL when untrusted boxes get pid, net and mount namespaces (or run in
 * docker/grade.sh's container, OSLABS_SANDBOX=container); else one line
 * saying what this weaker sandbox does not contain (mode.c). A new string.
 */
char *host_weak_mode(const struct host *h);

/*
 * Runs fn(NULL) in an untrusted box of h (10 s at most) as uid, keeping
 * caps (enum cap_flag), with envp: true when it returned 0. For probes.
 */
bool host_try(const struct host *h, int (*fn)(void *), char *const *envp, uid_t uid, unsigned caps);

#endif
