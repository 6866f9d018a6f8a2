/*
 * fsutil.c - careful file-system helpers.
 *
 * Everything that walks a tree uses O_NOFOLLOW / AT_SYMLINK_NOFOLLOW: a
 * submission may plant links, and the grader may be root.
 */
#define _GNU_SOURCE
#include "lib/fsutil.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mkdir_p(const char *dir)
{
    char *copy = xstrdup(dir);
    int rc = 0;

    for (char *p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
        if (rc < 0)
            break;
    }
    if (rc == 0 && mkdir(copy, 0755) < 0 && errno != EEXIST)
        rc = -1;
    free(copy);
    return rc;
}

static int copy_fd(int in, int out, off_t max_bytes)
{
    char buf[65536];
    off_t total = 0;
    ssize_t n;

    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        total += n;
        if (max_bytes > 0 && total > max_bytes) {
            errno = EFBIG;
            return -1;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return -1;
            }
            off += w;
        }
    }
    return 0;
}

int copy_file(const char *src, const char *dst, mode_t mode, off_t max_bytes)
{
    struct stat st;
    int in, out, saved;

    in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (in < 0)
        return -1;
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
        saved = S_ISREG(st.st_mode) ? errno : EINVAL;
        close(in);
        errno = saved;
        return -1;
    }
    if (max_bytes > 0 && st.st_size > max_bytes) {
        close(in);
        errno = EFBIG;
        return -1;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    if (out < 0) {
        saved = errno;
        close(in);
        errno = saved;
        return -1;
    }
    if (copy_fd(in, out, max_bytes) < 0 || fchmod(out, mode) < 0) {
        saved = errno;
        close(in);
        close(out);
        unlink(dst);
        errno = saved;
        return -1;
    }
    close(in);
    if (close(out) < 0) {
        saved = errno;
        unlink(dst);
        errno = saved;
        return -1;
    }
    return 0;
}

static bool skipped(const char *name, const char *const *skip)
{
    for (; skip != NULL && *skip != NULL; skip++)
        if (strcmp(name, *skip) == 0)
            return true;
    return false;
}

static int copy_entry(const char *src, const char *dst, const struct stat *st, char *err,
                      size_t errlen)
{
    if (S_ISDIR(st->st_mode))
        return copy_tree(src, dst, NULL, err, errlen);
    if (S_ISREG(st->st_mode)) {
        mode_t mode = (st->st_mode & 0111) ? 0755 : 0644;
        if (copy_file(src, dst, mode, 0) < 0) {
            snprintf(err, errlen, "copy %s: %s", src, strerror(errno));
            return -1;
        }
    }
    return 0; /* links, fifos and devices are not part of a lab */
}

int copy_tree(const char *src, const char *dst, const char *const *skip, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "mkdir %s: %s", dst, strerror(errno));
        return -1;
    }
    d = opendir(src);
    if (d == NULL) {
        snprintf(err, errlen, "opendir %s: %s", src, strerror(errno));
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;
        char *s, *t;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || skipped(e->d_name, skip))
            continue;
        s = xasprintf("%s/%s", src, e->d_name);
        t = xasprintf("%s/%s", dst, e->d_name);
        if (lstat(s, &st) < 0) {
            snprintf(err, errlen, "lstat %s: %s", s, strerror(errno));
            rc = -1;
        } else {
            rc = copy_entry(s, t, &st, err, errlen);
        }
        free(s);
        free(t);
    }
    closedir(d);
    return rc;
}

/* Removes the contents of the open directory fd, recursively. */
static int remove_contents(int dirfd)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *e;
    int rc = 0;

    if (d == NULL) {
        close(dirfd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd, e->d_name, 0) == 0)
            continue;
        if (errno != EISDIR && errno != EPERM) {
            rc = -1;
            continue;
        }
        int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 || remove_contents(sub) < 0)
            rc = -1;
        if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int remove_tree(const char *path)
{
    struct stat st;
    int fd;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    chmod(path, 0700);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (remove_contents(fd) < 0)
        return -1;
    return rmdir(path);
}

int chown_tree(const char *path, uid_t uid, gid_t gid)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (lchown(path, uid, gid) < 0)
        return -1;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return 0;
    d = opendir(path);
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *sub = xasprintf("%s/%s", path, e->d_name);
        if (chown_tree(sub, uid, gid) < 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    return rc;
}

static int fsync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    free(copy);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    const char *p = data;
    int fd, saved;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        goto fail_nofd;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        fd = -1;
        goto fail;
    }
    free(tmp);
    return fsync_dir_of(path);
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
fail_nofd:
    saved = errno;
    free(tmp);
    errno = saved;
    return -1;
}

char *read_file_max(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct strbuf s;
    char buf[65536];
    ssize_t n;

    struct stat st;

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    sb_init(&s);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        size_t take = (size_t)n;
        if (s.len + take > max)
            take = max - s.len;
        sb_add(&s, buf, take);
        if (s.len >= max)
            break;
    }
    close(fd);
    if (n < 0) {
        sb_free(&s);
        return NULL;
    }
    if (len != NULL)
        *len = s.len;
    return sb_detach(&s);
}

bool is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *absolute_path(const char *path)
{
    char *p = realpath(path, NULL);

    if (p == NULL)
        return NULL;
    char *copy = xstrdup(p);
    free(p);
    return copy;
}
