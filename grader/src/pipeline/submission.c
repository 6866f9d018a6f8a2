/*
 * submission.c - opening a submission: a directory, or an archive
 * unpacked safely with libarchive, and where in it the student files are.
 * Files are written by us (never by archive_write_disk): each entry's path
 * is checked, parents are made as plain directories, files are created
 * with O_EXCL | O_NOFOLLOW, and every byte is counted.
 */
#define _GNU_SOURCE
#include "pipeline/submission.h"
#include "lib/fsutil.h"
#include "lib/tempdir.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const extensions[] = {".tar.gz", ".tar.bz2", ".tar.xz", ".tgz",
                                         ".tbz2",   ".txz",     ".tar",    ".zip"};

static size_t archive_suffix(const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < ARRAY_LEN(extensions); i++) {
        size_t e = strlen(extensions[i]);
        if (n > e && strcasecmp(name + n - e, extensions[i]) == 0)
            return e;
    }
    return 0;
}

bool unpack_is_archive(const char *path)
{
    const char *base = strrchr(path, '/');

    return archive_suffix(base ? base + 1 : path) > 0 && is_regular(path);
}

char *unpack_strip_extension(const char *name)
{
    char *s = xstrdup(name);

    s[strlen(s) - archive_suffix(s)] = '\0';
    return s;
}

/* A relative path of plain components: no "", ".", ".." or leading "/". */
static bool safe_path(const char *p)
{
    const char *c = p;

    if (*p == '/' || *p == '\0' || strlen(p) > 1024)
        return false;
    while (*c != '\0') {
        size_t len = strcspn(c, "/");
        if ((len == 2 && strncmp(c, "..", 2) == 0))
            return false;
        c += len;
        while (*c == '/')
            c++;
    }
    return true;
}

/* Makes every parent directory of rel under dest. */
static int make_parents(const char *dest, const char *rel)
{
    char *path = xasprintf("%s/%s", dest, rel);
    int rc = 0;

    for (char *s = path + strlen(dest) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
        if (rc < 0)
            break;
    }
    free(path);
    return rc;
}

static int write_entry(struct archive *a, int fd, long *total)
{
    const void *buf;
    size_t size;
    la_int64_t offset;
    int r;

    while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
        *total += (long)size;
        if (*total > UNPACK_MAX_BYTES) {
            errno = EFBIG;
            return -1;
        }
        if (lseek(fd, (off_t)offset, SEEK_SET) < 0 || write(fd, buf, size) != (ssize_t)size)
            return -1;
    }
    if (r != ARCHIVE_EOF) {
        errno = EIO;
        return -1;
    }
    return 0;
}

static int extract_file(struct archive *a, const char *dest, const char *rel, long *total,
                        struct strbuf *err)
{
    char *path = xasprintf("%s/%s", dest, rel);
    int fd, rc = -1;

    if (make_parents(dest, rel) < 0) {
        sb_addf(err, "cannot make the directories of '%s': %s", rel, strerror(errno));
    } else if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
        sb_addf(err, "cannot create '%s': %s", rel,
                errno == EEXIST ? "the archive holds it twice" : strerror(errno));
    } else {
        rc = write_entry(a, fd, total);
        if (rc < 0 && errno == EFBIG)
            sb_addf(err, "more than %ld MiB once unpacked", UNPACK_MAX_BYTES >> 20);
        else if (rc < 0)
            sb_addf(err, "cannot unpack '%s': %s", rel, archive_error_string(a) ?: strerror(errno));
        close(fd);
    }
    free(path);
    return rc;
}

/* One entry: a directory, a regular file, or something we skip. */
static int extract_entry(struct archive *a, struct archive_entry *e, const char *dest, int *files,
                         long *total, struct strbuf *err)
{
    const char *rel = archive_entry_pathname(e);
    mode_t type = archive_entry_filetype(e);

    if (rel == NULL || !safe_path(rel)) {
        sb_addf(err, "unsafe path in the archive: '%s' (absolute or with '..')", rel ? rel : "");
        return -1;
    }
    if (++*files > UNPACK_MAX_FILES) {
        sb_addf(err, "more than %d entries in the archive", UNPACK_MAX_FILES);
        return -1;
    }
    if (type == AE_IFDIR) {
        char *path = xasprintf("%s/%s", dest, rel);
        int rc = make_parents(dest, rel) < 0 || (mkdir(path, 0755) < 0 && errno != EEXIST) ? -1 : 0;
        if (rc < 0)
            sb_addf(err, "cannot make the directory '%s': %s", rel, strerror(errno));
        free(path);
        return rc;
    }
    if (type != AE_IFREG || archive_entry_hardlink(e) != NULL)
        return 0; /* links, devices, fifos: never created */
    return extract_file(a, dest, rel, total, err);
}

int unpack_archive(const char *archive, const char *dest, struct strbuf *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int files = 0, rc = 0, r;
    long total = 0;

    if (a == NULL)
        die("libarchive: out of memory");
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_gnutar(a);
    if (archive_read_open_filename(a, archive, 65536) != ARCHIVE_OK) {
        sb_addf(err, "%s: not an archive we can read: %s", archive, archive_error_string(a));
        archive_read_free(a);
        return -1;
    }
    if (mkdir(dest, 0755) < 0) {
        sb_addf(err, "%s: %s", dest, strerror(errno));
        archive_read_free(a);
        return -1;
    }
    while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            sb_addf(err, "%s: a damaged archive: %s", archive, archive_error_string(a));
            rc = -1;
            break;
        }
        rc = extract_entry(a, e, dest, &files, &total, err);
    }
    archive_read_free(a);
    return rc;
}

static bool ignored_entry(const char *name)
{
    return name[0] == '.' || strcmp(name, "__MACOSX") == 0;
}

/* The one directory in dir, if dir holds nothing else (ignored entries aside). */
static char *only_subdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *sub = NULL;
    int entries = 0;

    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        if (ignored_entry(de->d_name))
            continue;
        entries++;
        free(sub);
        sub = xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (entries != 1 || !is_dir(sub)) {
        free(sub);
        return NULL;
    }
    return sub;
}

static bool holds_any(const char *dir, const struct strv *files)
{
    for (size_t i = 0; i < files->n; i++) {
        char *p = xasprintf("%s/%s", dir, files->v[i]);
        struct stat st;
        bool found = lstat(p, &st) == 0;
        free(p);
        if (found)
            return true;
    }
    return false;
}

char *unpack_find_root(const char *dir, const struct strv *files)
{
    char *root = xstrdup(dir);

    for (int depth = 0; depth < 4 && !holds_any(root, files); depth++) {
        char *sub = only_subdir(root);
        if (sub == NULL)
            break;
        free(root);
        root = sub;
    }
    return root;
}

int submission_open(const struct lab *lab, char **sub, char **unpacked, struct strbuf *err)
{
    char *root;

    if (unpack_is_archive(*sub)) {
        char *dir = tempdir_create("unpack");
        if (dir == NULL) {
            sb_addf(err, "cannot create a directory in %s: %s", tempdir_base(), strerror(errno));
            return -1;
        }
        *unpacked = dir;
        char *dest = xasprintf("%s/files", dir);
        int rc = unpack_archive(*sub, dest, err);
        free(*sub);
        *sub = dest;
        if (rc < 0)
            return -1;
    } else if (!is_dir(*sub)) {
        return -1;
    }
    root = unpack_find_root(*sub, &lab->files);
    free(*sub);
    *sub = root;
    return 0;
}
