/*
 * inspect.c - `grader list` and `grader check`: a lab's manifest shown as
 * a table, and checked against the lab's files, without running anything.
 */
#define _GNU_SOURCE
#include "inspect.h"
#include "kinds/kinds.h"
#include "lib/fsutil.h"
#include "pipeline/stage.h"

#include <stdio.h>
#include <stdlib.h>

void inspect_list(const struct lab *lab)
{
    double total = 0;

    printf("%s: %s\nstudent files: ", lab->name, lab->title);
    for (size_t i = 0; i < lab->files.n; i++)
        printf("%s%s", i ? " " : "", lab->files.v[i]);
    printf("\n\n%-34s %-8s %7s %8s  %-10s %-8s %-12s %s\n", "TEST", "KIND", "POINTS", "TIMEOUT",
           "VISIBILITY", "RULES", "NEEDS", "REQUIRES");
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct test *t = &lab->tests[i];
        struct strbuf req, rules, needs;
        sb_init(&req);
        sb_init(&rules);
        sb_init(&needs);
        for (int b = 0; b < FEAT_COUNT; b++)
            if (t->requires & (1u << b))
                sb_addf(&req, "%s%s", req.len ? " " : "", feature_name(1u << b));
        for (size_t r = 0; r < t->rules.n; r++)
            sb_addf(&rules, "%s%s", r ? "," : "", t->rules.v[r]);
        for (size_t k = 0; k < t->needs.n; k++)
            sb_addf(&needs, "%s%s", k ? "," : "", t->needs.v[k]);
        printf("%-34s %-8s %7g %7.1fs  %-10s %-8s %-12s %s%s\n", t->name, kind_name(t->kind),
               t->points, t->timeout, visibility_name(t->visibility), rules.len ? rules.buf : "-",
               needs.len ? needs.buf : "-", req.buf, t->serial ? " (serial)" : "");
        sb_free(&req);
        sb_free(&rules);
        sb_free(&needs);
        total += t->points;
    }
    printf("\n%zu tests, %g points\n", lab->ntests, total);
}

static int check_path(const struct lab *lab, const struct test *t, const char *what,
                      const char *rel, struct strbuf *err)
{
    char *p = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", lab->dir, rel);
    int bad = 0;

    if (!t->from_hidden && !is_regular(p)) {
        sb_addf(err, "%s:%d: [test %s]: %s file '%s' does not exist\n", t->file, t->line, t->name,
                what, rel);
        bad = 1;
    }
    free(p);
    return bad;
}

int inspect_check(const struct lab *lab)
{
    struct strbuf err;
    int bad;
    double total = 0;

    sb_init(&err);
    bad = stage_check_files(lab, &err);
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct test *t = &lab->tests[i];
        if (t->expect)
            bad += check_path(lab, t, "expect", t->expect, &err);
        if (t->stdin_file)
            bad += check_path(lab, t, "stdin", t->stdin_file, &err);
        total += t->points;
    }
    if (bad > 0)
        fprintf(stderr, "%s", err.buf);
    else
        printf("%s: OK: %zu tests, %g points\n", lab->ini_path, lab->ntests, total);
    sb_free(&err);
    return bad > 0 ? EXIT_USAGE : 0;
}
