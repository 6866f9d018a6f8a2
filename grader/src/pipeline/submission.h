/*
 * submission.h - opening a submission. One handed in as an archive (zip, tar, tar.gz, ...),
 * unpacked with libarchive into a fresh directory, safely: no absolute
 * paths, no "..", no links or devices, and caps on files and bytes (a zip
 * bomb stops at the cap, whatever its headers claim).
 */
#ifndef OSLABS_UNPACK_H
#define OSLABS_UNPACK_H

#include <stdbool.h>
#include "lib/util.h"
#include "pipeline/manifest.h"

#define UNPACK_MAX_FILES 2000
#define UNPACK_MAX_BYTES (64L << 20)

/* path names a regular file with an archive's extension (.zip, .tar, .tgz, .tar.gz, ...). */
bool unpack_is_archive(const char *path);

/* The name without its archive extension ("alice.tar.gz" -> "alice"); a new string. */
char *unpack_strip_extension(const char *name);

/*
 * Unpacks archive into dest (created; it must not exist). 0, or -1 with one
 * line in err saying why; on error dest may hold part of the files.
 */
int unpack_archive(const char *archive, const char *dest, struct strbuf *err);

/*
 * Where the student files are: dir itself, or the one directory a student
 * wrapped them in ("alice/lab/tsh.c"), as long as none of files is at the
 * top. Entries named __MACOSX or starting with "." are ignored. A new string.
 */
char *unpack_find_root(const char *dir, const struct strv *files);

/*
 * A submission is a directory or an archive (unpacked into a new temporary
 * directory, *unpacked, for the caller to remove); either way *sub (a new
 * string, replaced) becomes the directory that holds the student files,
 * looking inside one wrapping directory. 0, or -1 (the reason in err, or
 * none when *sub is neither a directory nor an archive).
 */
int submission_open(const struct lab *lab, char **sub, char **unpacked, struct strbuf *err);

#endif
