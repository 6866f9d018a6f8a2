/*
 * treehash.c - FNV-1a over a tree, in a fixed (name-sorted) order.
 */
#define _GNU_SOURCE
#include "batch/treehash.h"
#include "lib/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FNV_PRIME 0x100000001b3ULL

uint64_t treehash_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t treehash_string(uint64_t h, const char *s)
{
    return treehash_bytes(h, s, strlen(s) + 1); /* the NUL separates fields */
}

static uint64_t hash_file(uint64_t h, const char *path)
{
    char buf[65536];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return treehash_string(h, "unreadable");
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        h = treehash_bytes(h, buf, (size_t)n);
    close(fd);
    return h;
}

static int skip_dots(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static uint64_t hash_dir(uint64_t h, const char *path, int depth)
{
    struct dirent **list;
    int n = depth > 64 ? -1 : scandir(path, &list, skip_dots, alphasort);

    if (n < 0)
        return treehash_string(h, "unreadable");
    for (int i = 0; i < n; i++) {
        char *child = xasprintf("%s/%s", path, list[i]->d_name);
        struct stat st;
        h = treehash_string(h, list[i]->d_name);
        if (lstat(child, &st) < 0) {
            h = treehash_string(h, "vanished");
        } else if (S_ISDIR(st.st_mode)) {
            h = treehash_string(h, "dir");
            h = hash_dir(h, child, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            h = treehash_string(h, "file");
            h = hash_file(h, child);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t len = readlink(child, target, sizeof(target) - 1);
            target[len > 0 ? len : 0] = '\0';
            h = treehash_string(h, "link");
            h = treehash_string(h, target);
        } else {
            h = treehash_string(h, "other");
        }
        free(child);
        free(list[i]);
    }
    free(list);
    return treehash_string(h, "end");
}

uint64_t treehash_path(uint64_t h, const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return treehash_string(h, "missing");
    if (S_ISDIR(st.st_mode))
        return hash_dir(treehash_string(h, "dir"), path, 0);
    if (S_ISREG(st.st_mode))
        return hash_file(treehash_string(h, "file"), path);
    return treehash_string(h, "other");
}
