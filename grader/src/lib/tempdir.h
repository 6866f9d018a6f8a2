/*
 * tempdir.h - the grader's temporary directories ($TMPDIR/oslabs-NAME-XXXXXX),
 * which do not outlive it however it ends (Ctrl-C, a batch's deadline,
 * SIGKILL): see tempdir.c.
 */
#ifndef OSLABS_TEMPDIR_H
#define OSLABS_TEMPDIR_H

/* $TMPDIR, or /tmp. */
const char *tempdir_base(void);

/* A new directory $TMPDIR/oslabs-NAME-XXXXXX (mode 0700), or NULL with errno. */
char *tempdir_create(const char *name);

/* Removes dir and everything in it. */
void tempdir_remove(const char *dir);

/* Leaves dir where it is when this process ends (--keep). */
void tempdir_keep(const char *dir);

#endif
