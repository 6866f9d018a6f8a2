/*
 * stage.h - the work directory of one grading run: the lab, the shared
 * common/ files, the student's allowlisted files, scratch directories.
 */
#ifndef OSLABS_STAGE_H
#define OSLABS_STAGE_H

#include <stdbool.h>
#include <sys/types.h>
#include "pipeline/manifest.h"
#include "lib/util.h"

#define STUDENT_FILE_MAX (1 << 20)

struct stage {
    char *root;    /* the work directory */
    char *labdir;  /* root/LAB */
    char *scratch; /* root/scratch */
    bool remove;   /* created by us: removed at the end unless kept */
};

/*
 * Creates the work directory (workdir, or a fresh one under TMPDIR) and
 * copies the lab (without hidden/) and kit/grader/harness (as common/) into it.
 * 0, or -1 with a message in err.
 */
int stage_create(const struct lab *lab, const char *kit, const char *workdir, struct stage *st,
                 struct strbuf *err);

/* Student files must not shadow the lab's own files: how many do, each in err. */
int stage_check_files(const struct lab *lab, struct strbuf *err);

/*
 * Copies the student's files from sub: regular files only, no links, at most
 * STUDENT_FILE_MAX bytes each. Returns how many were unusable, each one
 * described in problems ("tsh.c: missing").
 */
int stage_student(const struct lab *lab, const char *sub, struct stage *st,
                  struct strbuf *problems);

/* Copies a hidden-test tree into labdir/hidden, but for its lab.ini and
 * the expected transcripts of lab's hidden tests. */
int stage_hidden(const struct lab *lab, const char *hidden, struct stage *st, struct strbuf *err);

/* Gives the lab directory to the build's uid (when root). */
void stage_handover(struct stage *st, uid_t uid, gid_t gid);

/* Makes a fresh scratch directory for a test run, owned by uid. */
char *stage_scratch(struct stage *st, const char *test, int run, bool chown_it, uid_t uid,
                    gid_t gid);

void stage_destroy(struct stage *st, bool keep);

#endif
