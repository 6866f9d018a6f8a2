/*
 * disk.h - the disk quota of a test: one size-limited tmpfs per test run
 * that holds everything the test may write (its scratch directory and the
 * box's /tmp, /var/tmp and /dev/shm), so that all of them together are
 * bounded.
 *
 * The grader mounts it, not the keeper: the scratch directory must outlive
 * the box (valgrind's log and strace's trace are read after the program,
 * --keep leaves it for inspection), and a mount made in the keeper's mount
 * namespace dies with the box. The grader therefore gets a mount namespace
 * of its own at start (disk_init), where these mounts live and die with
 * it, crash included, and never show on the host.
 *
 * Layout, beside the scratch directory SCRATCH (WORK/scratch/TEST.RUN):
 *   SCRATCH.disk           the tmpfs (size=N MiB), owned by the grader
 *   SCRATCH.disk/work      bind-mounted at SCRATCH: the test's scratch
 *   SCRATCH.disk/tmp, vartmp, shm
 *                          bind-mounted by the keeper at /tmp, /var/tmp
 *                          and /dev/shm inside the box (namespaces.c)
 * The grader's own files (trace's .expected/.actual, results, reports)
 * stay outside, on the work directory's disk.
 */
#ifndef OSLABS_DISK_H
#define OSLABS_DISK_H

#include <stdbool.h>
#include <sys/types.h>

/* The grader's own mount namespace, where quotas can be mounted; NULL or why not. */
const char *disk_init(void);

/* Mounts the quota of mb MiB for scratch (whose owner becomes uid); its
 * SCRATCH.disk path, or NULL (errno set) with scratch left as it was. */
char *disk_mount(const char *scratch, long mb, uid_t uid);

/* Unmounts the quota of scratch; with keep, scratch's files stay on disk. */
void disk_unmount(const char *scratch, const char *disk, bool keep);

/* Is the quota file system behind fd full (no block or no inode left)? */
bool disk_full(int fd);

#endif
