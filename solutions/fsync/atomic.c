// BEGIN SOLUTION
/*
 * atomic.c - replace a file's content so that a crash leaves the old content
 * or the new, never a mix or nothing.
 *
 * The recipe: write the new content to a temp file in the same directory,
 * fsync it, rename it over the target (rename is atomic within a file
 * system), then fsync the directory so that the rename itself is durable.
 * Without the first fsync the rename can reach the disk before the data
 * (an empty or partial file under the old name); without the second, the
 * old content can come back after a power loss.
 *
 * skeletons/fsync/atomic.c is made from this file by grader/mkskeleton.sh fsync.
 */
// END SOLUTION
// SKELETON: /*
// SKELETON:  * atomic.c - replace a file's content atomically and durably (the fsync
// SKELETON:  * lab; contract in atomic.h). The function you implement comes first; the
// SKELETON:  * helpers we provide are at the end. You may add static functions.
// SKELETON:  */
#define _GNU_SOURCE
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// BEGIN SOLUTION
static atomic_uint temp_counter; /* makes temp names unique within the process */

// END SOLUTION
/* Helpers we provide, at the end of the file (marked unused so that the
 * skeleton compiles with -Werror). */
__attribute__((unused)) static int write_all(int fd, const void *buf, size_t n);
__attribute__((unused)) static char *dir_of(const char *path);

/* ---- Functions you implement ---- */

// BEGIN SOLUTION
/* fsyncs directory dir. 0, or -1 with errno. */
static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Writes data to a new temp file named tmp and makes it durable. 0, or -1
 * with errno; on error the temp file is removed. */
static int write_temp(const char *tmp, const void *data, size_t len)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int saved;

    if (fd < 0)
        return -1;
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    if (close(fd) < 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

// END SOLUTION

/* atomic_replace - replaces the content of path with data[len] so that after
 * a crash at any point path holds the old content or the new, never a mix or
 * nothing; returns 0 once the new content is durable. The recipe: a temp file
 * in the same directory, write, fsync, rename over path, fsync the directory.
 * -1 with errno; the temp file never lingers after an error. */
int atomic_replace(const char *path, const void *data, size_t len)
{
    // BEGIN SOLUTION
    char *dir = dir_of(path);
    char *tmp = NULL;
    int rc = -1, saved;

    if (dir == NULL)
        return -1;
    if (asprintf(&tmp, "%s.tmp.%d.%u", path, (int)getpid(), atomic_fetch_add(&temp_counter, 1)) <
        0) {
        tmp = NULL;
        goto out;
    }
    if (write_temp(tmp, data, len) < 0)
        goto out;
    if (rename(tmp, path) < 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        goto out;
    }
    rc = fsync_dir(dir);
out:
    saved = errno;
    free(tmp);
    free(dir);
    errno = saved;
    return rc;
    // END SOLUTION
    // SKELETON: (void)path;
    // SKELETON: (void)data;
    // SKELETON: (void)len;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return -1;
}

/* ---- Helpers we provide ---- */

/* Writes all n bytes, retrying short writes. 0, or -1 with errno. */
__attribute__((unused)) static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The directory part of path ("." if none), malloc'd; NULL on ENOMEM. */
__attribute__((unused)) static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}
