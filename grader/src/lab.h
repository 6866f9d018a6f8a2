/*
 * lab.h - opening a lab, for `grader run` and its sibling commands as for
 * `grader batch`: finding the kit, naming the lab's directory, reading its
 * manifest and the hidden tests, and knowing what student code must not see.
 */
#ifndef OSLABS_LAB_H
#define OSLABS_LAB_H

#include "pipeline/manifest.h"
#include "lib/util.h"

/* The kit: $OSLABS_ROOT, else the directory above the grader's binary, else the cwd. */
char *lab_find_kit(void);

/* The lab's directory, absolute: arg is a name (KIT/labs/NAME) or a path
 * (it has a '/', or is "."). NULL with errno when it does not exist. */
char *lab_dir(const char *kit, const char *arg);

/*
 * Reads dir/lab.ini and, when hidden is not NULL, the hidden tests of that
 * tree (an absolute path). 0, or -1 with every problem in err.
 */
int lab_load(const char *dir, const char *hidden, struct lab *lab, struct strbuf *err);

/* The default submission: KIT/skeletons/NAME (a new string). */
char *lab_skeleton(const char *kit, const struct lab *lab);

/*
 * What student code must not read (appended to paths): the kit's
 * solutions, mutants and history, every lab's hidden tests, and the hidden
 * tree given with --hidden (NULL: none).
 */
void lab_secret_paths(const char *kit, const char *hidden, struct strv *paths);

#endif
