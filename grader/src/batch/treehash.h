/*
 * treehash.h - a 64-bit FNV-1a digest of files and trees, to tell whether
 * a submission (or the lab it is graded against) changed since it was
 * graded. It detects change; it is not a defence against forgery.
 */
#ifndef OSLABS_TREEHASH_H
#define OSLABS_TREEHASH_H

#include <stddef.h>
#include <stdint.h>

#define TREEHASH_INIT 0xcbf29ce484222325ULL

uint64_t treehash_bytes(uint64_t h, const void *data, size_t len);
uint64_t treehash_string(uint64_t h, const char *s);

/*
 * Folds path into h: a regular file's bytes, or a directory's entries in
 * name order (names, types, contents, link targets), never following links.
 * A missing path folds in as such.
 */
uint64_t treehash_path(uint64_t h, const char *path);

#endif
