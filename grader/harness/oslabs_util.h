/*
 * oslabs_util.h - allocation that cannot fail, formatted strings and tree
 * removal, for the kit's own programs that the labs build (crashsim, test
 * helpers). One copy, staged with the harness as common/; a lab's Makefile
 * links $(UTIL) (lab.mk).
 *
 * Every allocation failure ends the program through die(): the kit's own
 * fault, exit status 2, never the student's.
 */
#ifndef OSLABS_UTIL_H
#define OSLABS_UTIL_H

#include <stddef.h>

/* Prints "PROGRAM: message" on stderr and exits with status 2. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* malloc, calloc, realloc, strdup and asprintf that die instead of
 * returning NULL (a size of 0 still gives a unique pointer). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Removes PATH and everything under it (a missing PATH is fine). 0, or -1
 * with errno. */
int remove_tree(const char *path);

/* CLOCK_MONOTONIC in seconds. */
double now_seconds(void);

#endif /* OSLABS_UTIL_H */
