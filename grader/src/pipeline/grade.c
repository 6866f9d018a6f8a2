/*
 * grade.c - the steps of one grading run, in order: open the submission
 * (submission.c), stage it with the lab (stage.c), build (build.c), run
 * and score the tests (run.c, score.c).
 */
#define _GNU_SOURCE
#include "pipeline/grade.h"
#include "pipeline/submission.h"
#include "lib/fsutil.h"
#include "lib/tempdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lab is staged, the student's files are in: build and run. */
static void build_and_run(const struct host *host, const struct grade_opts *o,
                          const struct lab *lab, struct grading *g)
{
    if (host->root)
        stage_handover(&g->st, host->uid_base, host->uid_base);
    build_lab(host, lab, &g->st, o->jobs, &g->build);
    g->built = true;
    if (g->build.ok)
        run_tests(host, &g->st, &o->run, g->res, g->n);
    else
        results_not_run(g->res, g->n, "not run: the build failed");
}

int grade(const struct host *host, const struct grade_opts *o, const struct lab *lab,
          struct grading *g)
{
    struct strbuf err;
    char *sub = o->submission ? absolute_path(o->submission) : xstrdup(o->skeleton);
    char *unpacked = NULL;
    int rc = 0;

    sb_init(&err);
    if (sub == NULL || submission_open(lab, &sub, &unpacked, &err) < 0) {
        fprintf(stderr, "grader: the submission %s: %s\n", o->submission ? o->submission : "",
                err.len ? err.buf : "not a directory or an archive (.zip, .tar, .tar.gz, ...)");
        rc = EXIT_USAGE;
    } else if (stage_check_files(lab, &err) > 0 ||
               stage_create(lab, o->kit, o->workdir, &g->st, &err) < 0 ||
               (o->hidden != NULL && stage_hidden(lab, o->hidden, &g->st, &err) < 0)) {
        fprintf(stderr, "%sgrader: cannot stage the lab\n", err.buf);
        rc = EXIT_USAGE;
    } else if (stage_student(lab, sub, &g->st, &g->problems) > 0) {
        g->setup_problem = g->problems.buf;
        results_not_run(g->res, g->n, "not run: the submission is missing files");
    } else {
        build_and_run(host, o, lab, g);
    }
    if (unpacked != NULL)
        tempdir_remove(unpacked);
    free(unpacked);
    free(sub);
    sb_free(&err);
    return rc;
}

void grading_init(struct grading *g, struct test_result *res, size_t n)
{
    memset(g, 0, sizeof(*g));
    g->res = res;
    g->n = n;
    sb_init(&g->problems);
}

void grading_free(struct grading *g, bool keep)
{
    stage_destroy(&g->st, keep);
    build_result_free(&g->build);
    sb_free(&g->problems);
}
