/*
 * namespaces.c - inside a new box's namespaces, in the keeper: the user
 * namespace's id maps, a fresh /proc, a private /dev/shm and /tmp (and
 * /var/tmp: all three parts of the test's disk quota when it has one), the
 * hidden paths covered, the staged lab read-only, the loopback up.
 */
#define _GNU_SOURCE
#include "sandbox/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Maps the grader's uid and gid to themselves in the new user namespace. */
static int map_ids(uid_t uid, gid_t gid)
{
    char line[64];

    if (write_text("/proc/self/setgroups", "deny") < 0)
        return -1;
    snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (write_text("/proc/self/uid_map", line) < 0)
        return -1;
    snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    return write_text("/proc/self/gid_map", line);
}

static void loopback_up(void)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
}

/* Creates every missing directory of path (mode 0755). */
static void make_dirs(const char *path)
{
    char buf[4096];

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return;
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0755);
        *p = '/';
    }
    mkdir(buf, 0755);
}

/*
 * Bind-mounts part name of the test's disk quota (disk.h) at target; false
 * when there is no quota or the mount failed.
 */
static bool bind_part(const char *disk, const char *name, const char *target)
{
    char src[4096];

    if (disk == NULL || snprintf(src, sizeof(src), "%s/%s", disk, name) >= (int)sizeof(src))
        return false;
    return mount(src, target, "none", MS_BIND, NULL) == 0;
}

/*
 * A fresh /tmp for the box, so that tests neither see nor meet each other's
 * (or other submissions') files there: the tmp of the test's disk quota, or
 * a tmpfs of its own. The work directory, if it lives in /tmp, is
 * bind-mounted back at its own path. Best effort: on any failure the box
 * keeps the shared /tmp.
 */
static void private_tmp(const char *keep, const char *disk)
{
    int fd = open(keep, O_PATH | O_DIRECTORY | O_CLOEXEC);
    char src[64];

    if (fd < 0)
        return;
    if (!bind_part(disk, "tmp", "/tmp") &&
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=512m,mode=1777") < 0) {
        close(fd);
        return;
    }
    if (strncmp(keep, "/tmp/", 5) == 0) {
        make_dirs(keep);
        snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
        if (mount(src, keep, "none", MS_BIND | MS_REC, NULL) < 0)
            umount2("/tmp", MNT_DETACH);
    }
    close(fd);
}

/* Covers each directory the box must not read with an empty, read-only tmpfs. */
static void hide_paths(const struct strv *h)
{
    for (size_t i = 0; i < h->n; i++)
        mount("tmpfs", h->v[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,mode=0555");
}

/*
 * Makes path read-only inside the box: a bind mount of itself, remounted
 * read-only. The remount keeps the flags the file system already has
 * (a user namespace may not drop them).
 */
static void make_readonly(const char *path)
{
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
    struct statvfs sv;

    if (mount(path, path, "none", MS_BIND | MS_REC, NULL) < 0)
        return;
    if (statvfs(path, &sv) == 0) {
        flags |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
        flags |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
        flags |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
        flags |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
        flags |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
        flags |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
    }
    mount("none", path, "none", flags, NULL);
}

/*
 * Namespaces were created by clone(); gives them a /proc, a /dev/shm and a
 * /tmp of their own. NULL, or what failed (errno set).
 */
const char *ns_setup(const struct box_spec *spec, int ns_flags, uid_t uid, gid_t gid)
{
    if ((ns_flags & CLONE_NEWUSER) && map_ids(uid, gid) < 0)
        return "user namespace id maps";
    if (ns_flags & CLONE_NEWNS) {
        if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
            return "mount --make-rprivate /";
        if ((ns_flags & CLONE_NEWPID) &&
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            return "mount /proc";
        /* a private /dev/shm: POSIX semaphores and shm of parallel tests must not meet */
        if (!bind_part(spec->disk_path, "shm", "/dev/shm"))
            mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
        if (spec->disk_path != NULL && access("/var/tmp", F_OK) == 0 &&
            !bind_part(spec->disk_path, "vartmp", "/var/tmp"))
            return "bind-mount /var/tmp to the disk quota";
        hide_paths(&spec->host->hidden);
        if (spec->keep_path != NULL)
            private_tmp(spec->keep_path, spec->disk_path);
        if (spec->readonly_path != NULL)
            make_readonly(spec->readonly_path);
    }
    if (ns_flags & CLONE_NEWNET)
        loopback_up();
    return NULL;
}
