/*
 * similar.c - `grader similarity LAB DIR` (and `grader batch --similarity`):
 * the pairs of similar submissions. This file stages the lab's student
 * files of every submission (a directory or an archive, named as a batch
 * names its students) and of an optional corpus of earlier terms into a
 * temporary directory; grader/similarity.sh then masks the skeleton, runs
 * Debian's similarity-tester (sim_c) and writes the reports. The
 * fingerprinting is sim_c's: nothing here compares code.
 */
#define _GNU_SOURCE
#include "batch/batch.h"
#include "batch/batch_int.h"
#include "lib/fsutil.h"
#include "lib/tempdir.h"
#include "pipeline/submission.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define STUDENT_FILE_MAX (1L << 20) /* as staging for a grade takes them */

static const char similarity_usage[] =
    "usage: grader similarity LAB DIR [--out DIR] [--corpus DIR]... [--threshold PERCENT]\n"
    "                         [--min-run TOKENS] [--skeleton DIR]\n"
    "DIR holds one directory or archive per student, as for grader batch. Writes\n"
    "OUT/similarity.txt, similarity.csv and similarity-fragments.csv (default OUT:\n"
    "build/similarity/LAB). Needs sim_c (Debian's similarity-tester).\n";

/* Copies the lab's files of one submission into dst; false if it could not be opened. */
static bool stage_one(const struct lab *lab, const char *path, const char *name, const char *dst)
{
    char *sub = xstrdup(path), *unpacked = NULL;
    struct strbuf err;
    bool ok = true;

    sb_init(&err);
    if (submission_open(lab, &sub, &unpacked, &err) < 0) {
        fprintf(stderr, "grader: %s is left out of the comparison: %s\n", name,
                err.len ? err.buf : "not a directory or an archive");
        ok = false;
    } else if (mkdir_p(dst) < 0) {
        die("%s: %s", dst, strerror(errno));
    }
    for (size_t i = 0; ok && i < lab->files.n; i++) {
        char *from = xasprintf("%s/%s", sub, lab->files.v[i]);
        char *to = xasprintf("%s/%s", dst, lab->files.v[i]);
        /* a missing, linked or oversized file is left out, as a grade would */
        if (is_regular(from) && copy_file(from, to, 0644, STUDENT_FILE_MAX) < 0)
            fprintf(stderr, "grader: %s: %s is left out: %s\n", name, lab->files.v[i],
                    strerror(errno));
        free(from);
        free(to);
    }
    if (unpacked != NULL)
        tempdir_remove(unpacked);
    free(sub);
    sb_free(&err);
    return ok;
}

/* Stages every submission of subs into work/group/NAME; the number staged, or -1. */
static int stage_dir(const struct lab *lab, const char *subs, const char *out, const char *work,
                     const char *group)
{
    struct batch b;
    int staged = 0;

    memset(&b, 0, sizeof(b));
    if (!is_dir(subs) || (b.subs = absolute_path(subs)) == NULL) {
        usage_fail(NULL, "%s is not a directory of submissions", subs);
        return -1;
    }
    b.out = (char *)out; /* an output directory inside subs is not a student */
    if (students_list(&b) != 0) {
        free(b.subs);
        return -1;
    }
    for (size_t i = 0; i < b.n; i++) {
        char *dst = xasprintf("%s/%s/%s", work, group, b.st[i].name);
        for (int k = 2; is_dir(dst); k++) { /* the same name in two corpus directories */
            free(dst);
            dst = xasprintf("%s/%s/%s~%d", work, group, b.st[i].name, k);
        }
        staged += stage_one(lab, b.st[i].path, b.st[i].name, dst);
        free(dst);
        free(b.st[i].name);
        free(b.st[i].path);
    }
    free(b.st);
    free(b.subs);
    return staged;
}

/* Runs grader/similarity.sh; its output goes to ours. The command's exit status. */
static int run_script(const struct similarity_opts *o, const struct lab *lab, const char *work,
                      const char *out)
{
    struct strv argv;
    int status;
    pid_t pid;

    sv_init(&argv);
    sv_push(&argv, "/bin/bash");
    sv_pushf(&argv, "%s/grader/similarity.sh", o->kit);
    sv_push(&argv, work);
    sv_push(&argv, out);
    sv_pushf(&argv, "%d", o->threshold);
    sv_pushf(&argv, "%d", o->min_run);
    sv_push(&argv, o->skeleton);
    sv_extend(&argv, &lab->files);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        execv(argv.v[0], argv.v);
        fprintf(stderr, "grader: cannot run %s: %s\n", argv.v[0], strerror(errno));
        _exit(127);
    }
    sv_free(&argv);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) <= EXIT_USAGE)
        return WEXITSTATUS(status);
    fprintf(stderr, "grader: grader/similarity.sh failed (status %d)\n", status);
    return 2;
}

int similarity_run(const struct similarity_opts *o, const struct lab *lab)
{
    char *work, *out;
    int rc = EXIT_USAGE;

    if (similarity_check_tool() != 0)
        return EXIT_USAGE;
    if (mkdir_p(o->out) < 0 || (out = absolute_path(o->out)) == NULL)
        return usage_fail(NULL, "%s: %s", o->out, strerror(errno));
    work = tempdir_create("similarity");
    if (work == NULL)
        die("cannot create a directory in %s: %s", tempdir_base(), strerror(errno));
    bool staged = stage_dir(lab, o->subs, out, work, "new") >= 0;
    for (size_t i = 0; staged && i < o->corpus.n; i++)
        staged = stage_dir(lab, o->corpus.v[i], out, work, "old") >= 0;
    if (staged)
        rc = run_script(o, lab, work, out);
    tempdir_remove(work);
    free(work);
    free(out);
    return rc;
}

/* The sim_c to run: $OSLABS_SIM_C (for the self-test), else sim_c. */
static const char *sim_program(void)
{
    const char *p = getenv("OSLABS_SIM_C");
    return p && *p ? p : "sim_c";
}

int similarity_check_tool(void)
{
    const char *prog = sim_program(), *path = getenv("PATH");
    char *dirs = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
    bool found = strchr(prog, '/') != NULL && access(prog, X_OK) == 0;

    for (char *d = strtok_r(dirs, ":", &save); !found && d; d = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", *d ? d : ".", prog);
        found = access(p, X_OK) == 0;
        free(p);
    }
    free(dirs);
    if (found)
        return 0;
    return usage_fail(NULL,
                      "similarity needs %s, of Debian's package similarity-tester: "
                      "apt-get install similarity-tester (or: make deps-test)",
                      prog);
}

int similarity_after_batch(const char *kit, const char *labdir, const char *subs, const char *out)
{
    struct similarity_opts o;
    struct strbuf err;
    struct lab lab;
    char *skeleton;
    int rc;

    sb_init(&err);
    if (lab_load(labdir, NULL, &lab, &err) < 0) {
        fprintf(stderr, "%s", err.buf);
        sb_free(&err);
        return EXIT_USAGE;
    }
    similarity_defaults(&o, kit);
    o.subs = subs;
    o.out = out;
    o.skeleton = skeleton = lab_skeleton(kit, &lab);
    printf("\n");
    fflush(stdout);
    rc = similarity_run(&o, &lab);
    free(skeleton);
    manifest_free(&lab);
    sb_free(&err);
    return rc;
}

static int parse_similarity_options(int argc, char **argv, struct similarity_opts *o)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"corpus", required_argument, NULL, 'c'},
                                             {"threshold", required_argument, NULL, 't'},
                                             {"min-run", required_argument, NULL, 'r'},
                                             {"skeleton", required_argument, NULL, 'k'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    long v;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:c:t:r:k:h", longopts, NULL)) != -1) {
        if (c == 'O') {
            o->out = optarg;
        } else if (c == 'c') {
            sv_push(&o->corpus, optarg);
        } else if (c == 't' && parse_long(optarg, 1, 100, &v) == 0) {
            o->threshold = (int)v;
        } else if (c == 't') {
            return usage_fail(similarity_usage, "--threshold: '%s' is not a percentage (1-100)",
                              optarg);
        } else if (c == 'r' && parse_long(optarg, 8, 1000, &v) == 0) {
            o->min_run = (int)v;
        } else if (c == 'r') {
            return usage_fail(similarity_usage, "--min-run: '%s' is not 8-1000 tokens", optarg);
        } else if (c == 'k') {
            o->skeleton = optarg;
        } else {
            fputs(similarity_usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? -1 : EXIT_USAGE;
        }
    }
    if (argc - optind != 2)
        return usage_fail(similarity_usage, "similarity needs LAB and DIR");
    o->lab_arg = argv[optind];
    o->subs = argv[optind + 1];
    return 0;
}

void similarity_defaults(struct similarity_opts *o, const char *kit)
{
    memset(o, 0, sizeof(*o));
    o->kit = kit;
    o->threshold = SIMILARITY_THRESHOLD;
    o->min_run = SIMILARITY_MIN_RUN;
    sv_init(&o->corpus);
}

int similarity_command(const char *kit, int argc, char **argv)
{
    struct similarity_opts o;
    struct strbuf err;
    struct lab lab;
    char *dir = NULL, *skeleton = NULL, *out = NULL;
    int rc;

    similarity_defaults(&o, kit);
    if ((rc = parse_similarity_options(argc, argv, &o)) != 0) {
        sv_free(&o.corpus);
        return rc < 0 ? 0 : rc;
    }
    sb_init(&err);
    if ((dir = lab_dir(kit, o.lab_arg)) == NULL) {
        rc = usage_fail(NULL, "no lab '%s' (%s)", o.lab_arg, strerror(errno));
    } else if (lab_load(dir, NULL, &lab, &err) < 0) {
        fprintf(stderr, "%sgrader: the manifest has errors\n", err.buf);
        rc = EXIT_USAGE;
    } else {
        if (o.skeleton == NULL)
            o.skeleton = skeleton = lab_skeleton(kit, &lab);
        if (o.out == NULL)
            o.out = out = xasprintf("build/similarity/%s", lab.name);
        rc = similarity_run(&o, &lab);
        manifest_free(&lab);
    }
    free(dir);
    free(skeleton);
    free(out);
    sb_free(&err);
    sv_free(&o.corpus);
    return rc;
}
