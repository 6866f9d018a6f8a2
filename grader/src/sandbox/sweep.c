/*
 * sweep.c - removes what an untrusted uid left in /tmp, /var/tmp and
 * /dev/shm when its boxes share them with the machine (see sweep.h).
 */
#define _GNU_SOURCE
#include "sandbox/sweep.h"
#include "lib/fsutil.h"
#include "lib/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int sweep_dir(const char *dir, uid_t uid)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int removed = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_uid != uid)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        removed += remove_tree(path) == 0;
        free(path);
    }
    closedir(d);
    return removed;
}

int sweep_shared_tmp(uid_t uid)
{
    static const char *const dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
    int removed = 0;

    if (uid == 0)
        return 0; /* never the grader's own */
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
        removed += sweep_dir(dirs[i], uid);
    return removed;
}
