/*
 * fsutil.h - file-system helpers: copying trees without following links,
 * removing trees, and writing a file atomically and durably.
 */
#ifndef OSLABS_FSUTIL_H
#define OSLABS_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Creates dir and its parents (mode 0755). 0, or -1 with errno. */
int mkdir_p(const char *dir);

/*
 * Copies the regular file src to dst (created with mode, truncated), never
 * following a symbolic link at src. Fails with EFBIG above max_bytes
 * (0: no limit). 0, or -1 with errno; on error dst is removed.
 */
int copy_file(const char *src, const char *dst, mode_t mode, off_t max_bytes);

/*
 * Copies the tree src into dst (created), skipping entries named in skip
 * (NULL-terminated, at the top level only). Symbolic links are not followed
 * and not copied. 0, or -1 with a message in err (size errlen).
 */
int copy_tree(const char *src, const char *dst, const char *const *skip, char *err, size_t errlen);

/* Removes path and everything under it, never following links. */
int remove_tree(const char *path);

/* Gives the tree to uid:gid, never following links. */
int chown_tree(const char *path, uid_t uid, gid_t gid);

/*
 * Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory. After a crash, path holds
 * the old content or the new. 0, or -1 with errno (the temp file removed).
 */
int write_file_atomic(const char *path, const void *data, size_t len);

/* Reads a regular file (at most max bytes, never through a link) into a new
 * NUL-terminated buffer; NULL with errno. */
char *read_file_max(const char *path, size_t max, size_t *len);

bool is_dir(const char *path);
bool is_regular(const char *path);

/* Absolute form of path (which must exist); a new string, or NULL. */
char *absolute_path(const char *path);

#endif
