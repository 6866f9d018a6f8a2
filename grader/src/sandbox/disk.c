/*
 * disk.c - a test's disk quota: a size-limited tmpfs per test run, in the
 * grader's own mount namespace (see disk.h for why and the layout).
 *
 * A tmpfs keeps its files in memory: its pages are charged to the memory
 * cgroup of the process that writes them, so what a test writes counts
 * against both its disk quota and its memory limit (the box's cgroup, the
 * address-space limit or 4 GiB), whichever it reaches first. The quota is
 * the smaller of the two by default (256 MiB against 1 GiB).
 */
#define _GNU_SOURCE
#include "sandbox/disk.h"
#include "lib/fsutil.h"
#include "lib/util.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* One inode per 4 KiB of quota: empty files cost their page too. */
#define INODES_PER_MB 256

const char *disk_init(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        return "cannot create a mount namespace";
    /* slave: the host's later mounts still reach us, ours never reach the host */
    if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) < 0)
        return "cannot make the mounts private";
    return NULL;
}

/* A directory in the quota fs: the scratch (uid's alone), or a sticky tmp. */
static int make_part(const char *disk, const char *name, mode_t mode, uid_t uid)
{
    char *p = xasprintf("%s/%s", disk, name);
    int rc = mkdir(p, 0700) < 0 || chmod(p, mode) < 0 ? -1 : 0;

    if (rc == 0 && mode == 0700 && chown(p, uid, uid) < 0)
        rc = -1;
    free(p);
    return rc;
}

static int make_parts(const char *disk, uid_t uid)
{
    static const char *const tmps[] = {"tmp", "vartmp", "shm"};

    if (make_part(disk, "work", 0700, uid) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(tmps); i++)
        if (make_part(disk, tmps[i], 01777, uid) < 0)
            return -1;
    return 0;
}

char *disk_mount(const char *scratch, long mb, uid_t uid)
{
    char *disk = xasprintf("%s.disk", scratch), *work = xasprintf("%s/work", disk);
    char opts[96];
    int err;

    remove_tree(disk); /* a crashed grader's: its mount died with it */
    snprintf(opts, sizeof(opts), "size=%ldm,nr_inodes=%ld,mode=0755", mb, mb * INODES_PER_MB);
    if (mkdir(disk, 0755) < 0)
        goto fail;
    if (mount("tmpfs", disk, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
        goto fail_dir;
    if (make_parts(disk, uid) < 0 || mount(work, scratch, "none", MS_BIND, NULL) < 0) {
        err = errno;
        umount2(disk, MNT_DETACH);
        errno = err;
        goto fail_dir;
    }
    free(work);
    return disk;
fail_dir:
    err = errno;
    rmdir(disk);
    errno = err;
fail:
    free(work);
    free(disk);
    return NULL;
}

void disk_unmount(const char *scratch, const char *disk, bool keep)
{
    char *kept = keep ? xasprintf("%s.kept", scratch) : NULL;
    char msg[512];

    if (kept != NULL) {
        remove_tree(kept);
        /* directories and regular files only: links and fifos stay behind */
        if (copy_tree(scratch, kept, NULL, msg, sizeof(msg)) < 0)
            fprintf(stderr, "grader: keeping %s: %s\n", scratch, msg);
    }
    if (umount2(scratch, MNT_DETACH) < 0 || umount2(disk, MNT_DETACH) < 0)
        die("unmounting the disk quota of %s: %s", scratch, strerror(errno));
    rmdir(disk);
    if (kept != NULL) {
        rmdir(scratch);
        chmod(kept, 0700); /* the test's files, not everyone's */
        if (rename(kept, scratch) < 0)
            fprintf(stderr, "grader: keeping %s: %s\n", scratch, strerror(errno));
    }
    free(kept);
}

bool disk_full(int fd)
{
    struct statfs sf;

    return fstatfs(fd, &sf) == 0 && (sf.f_bavail == 0 || sf.f_ffree == 0);
}
