/*
 * stage.c - builds the work directory. The grader-owned files come from
 * the kit; from a submission only the files the manifest allows are taken,
 * so a submission can never replace a test, a header or the Makefile.
 */
#define _GNU_SOURCE
#include "pipeline/stage.h"
#include "lib/fsutil.h"
#include "lib/tempdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *make_root(const struct lab *lab, const char *workdir, struct strbuf *err)
{
    char *root;

    if (workdir != NULL) {
        if (mkdir_p(workdir) < 0) {
            sb_addf(err, "cannot create %s: %s\n", workdir, strerror(errno));
            return NULL;
        }
        root = absolute_path(workdir);
        if (root == NULL)
            sb_addf(err, "%s: %s\n", workdir, strerror(errno));
        return root;
    }
    root = tempdir_create(lab->name);
    if (root == NULL) {
        sb_addf(err, "cannot create a directory in %s: %s\n", tempdir_base(), strerror(errno));
        return NULL;
    }
    chmod(root, 0755); /* the sandbox uids must reach the lab */
    return root;
}

int stage_create(const struct lab *lab, const char *kit, const char *workdir, struct stage *st,
                 struct strbuf *err)
{
    static const char *const skip[] = {"hidden", NULL};
    char msg[512];
    char *common_src, *common_dst;
    int rc = 0;

    memset(st, 0, sizeof(*st));
    st->root = make_root(lab, workdir, err);
    if (st->root == NULL)
        return -1;
    st->remove = workdir == NULL;
    st->labdir = xasprintf("%s/%s", st->root, lab->name);
    st->scratch = xasprintf("%s/scratch", st->root);
    remove_tree(st->labdir);
    remove_tree(st->scratch);
    common_src = xasprintf("%s/grader/harness", kit);
    common_dst = xasprintf("%s/common", st->root);
    remove_tree(common_dst);
    if (copy_tree(lab->dir, st->labdir, skip, msg, sizeof(msg)) < 0 ||
        copy_tree(common_src, common_dst, NULL, msg, sizeof(msg)) < 0 ||
        mkdir(st->scratch, 0755) < 0) {
        sb_addf(err, "staging the lab: %s\n", msg);
        rc = -1;
    }
    free(common_src);
    free(common_dst);
    return rc;
}

int stage_student(const struct lab *lab, const char *sub, struct stage *st, struct strbuf *problems)
{
    int bad = 0;

    for (size_t i = 0; i < lab->files.n; i++) {
        const char *name = lab->files.v[i];
        char *src = xasprintf("%s/%s", sub, name);
        char *dst = xasprintf("%s/%s", st->labdir, name);

        unlink(dst);
        if (copy_file(src, dst, 0644, STUDENT_FILE_MAX) < 0) {
            if (errno == ENOENT)
                sb_addf(problems, "%s: missing from the submission\n", name);
            else if (errno == ELOOP)
                sb_addf(problems, "%s: is a symbolic link (submit the file itself)\n", name);
            else if (errno == EFBIG)
                sb_addf(problems, "%s: larger than %d KiB\n", name, STUDENT_FILE_MAX >> 10);
            else if (errno == EINVAL)
                sb_addf(problems, "%s: not a regular file\n", name);
            else
                sb_addf(problems, "%s: %s\n", name, strerror(errno));
            bad++;
        }
        free(src);
        free(dst);
    }
    return bad;
}

/*
 * Leaves the hidden tests' expected transcripts out of the staged copy: the
 * grader reads them from the hidden directory (manifest.c), which every
 * box has covered, so no program under test can print them.
 */
static void drop_expected(const struct lab *lab, const char *hidden, const char *dst)
{
    char *src = absolute_path(hidden);
    size_t len = src != NULL ? strlen(src) : 0;

    for (size_t i = 0; src != NULL && i < lab->ntests; i++) {
        const char *e = lab->tests[i].expect;
        if (lab->tests[i].from_hidden && e != NULL && strncmp(e, src, len) == 0 && e[len] == '/') {
            char *p = xasprintf("%s%s", dst, e + len);
            unlink(p);
            free(p);
        }
    }
    free(src);
}

int stage_hidden(const struct lab *lab, const char *hidden, struct stage *st, struct strbuf *err)
{
    static const char *const skip[] = {"lab.ini", NULL}; /* the grader's alone, like the above */
    char msg[512];
    char *dst = xasprintf("%s/hidden", st->labdir);
    int rc = copy_tree(hidden, dst, skip, msg, sizeof(msg));

    if (rc < 0)
        sb_addf(err, "staging hidden tests: %s\n", msg);
    else
        drop_expected(lab, hidden, dst);
    free(dst);
    return rc;
}

void stage_handover(struct stage *st, uid_t uid, gid_t gid)
{
    chown_tree(st->labdir, uid, gid);
}

char *stage_scratch(struct stage *st, const char *test, int run, bool chown_it, uid_t uid,
                    gid_t gid)
{
    char *dir = xasprintf("%s/%s.%d", st->scratch, test, run);

    remove_tree(dir);
    if (mkdir(dir, 0700) < 0)
        die("mkdir %s: %s", dir, strerror(errno));
    if (chown_it && chown(dir, uid, gid) < 0)
        die("chown %s: %s", dir, strerror(errno));
    return dir;
}

void stage_destroy(struct stage *st, bool keep)
{
    if (st->root != NULL && st->remove) {
        if (keep)
            tempdir_keep(st->root);
        else
            tempdir_remove(st->root);
    }
    free(st->root);
    free(st->labdir);
    free(st->scratch);
    memset(st, 0, sizeof(*st));
}

int stage_check_files(const struct lab *lab, struct strbuf *err)
{
    int bad = 0;

    for (size_t i = 0; i < lab->files.n; i++) {
        char *p = xasprintf("%s/%s", lab->dir, lab->files.v[i]);
        struct stat st;
        if (lstat(p, &st) == 0) {
            sb_addf(err, "%s: files: '%s' is also a file of the lab\n", lab->ini_path,
                    lab->files.v[i]);
            bad++;
        }
        free(p);
    }
    return bad;
}
