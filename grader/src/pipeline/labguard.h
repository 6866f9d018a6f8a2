/*
 * labguard.h - notices a write into the staged lab while the tests run.
 *
 * With a mount namespace the staged lab is read-only inside every box;
 * without one (a plain container, a user without user namespaces) a test
 * can rewrite the lab's Makefile, programs or expected outputs. The guard
 * records every entry of the lab once it is built (path, inode, type and
 * mode, size, modification and change times: the change time moves on any
 * write and no process can set it) and, after each test, says what differs.
 */
#ifndef OSLABS_LABGUARD_H
#define OSLABS_LABGUARD_H

#include <stddef.h>

struct labguard {
    char *dir;
    struct lg_entry *e; /* sorted by path */
    size_t n;
};

/* Records dir as it is now. */
void labguard_init(struct labguard *g, const char *dir);

/*
 * NULL when dir is as recorded; else what changed ("the staged lab changed:
 * Makefile (rewritten), newfile (added)", a new string), and the new state
 * becomes the record.
 */
char *labguard_check(struct labguard *g);

void labguard_free(struct labguard *g);

#endif
