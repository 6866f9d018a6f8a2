/*
 * merge.c - the class view: grades.csv, summary.md and dashboard.html of one batch, and
 * `grader merge` of several (the shards of one class).
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "batch/batch.h"
#include "lib/fsutil.h"
#include "report/gradebook.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int merge_gradebook(const char *const *dirs, size_t n, const char *out, bool quiet)
{
    struct gradebook gb;
    struct strbuf err;
    int rc = 0;

    gradebook_init(&gb);
    sb_init(&err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = gradebook_collect(&gb, dirs[i], &err);
    fputs(err.buf, stderr);
    gradebook_sort(&gb);
    if (rc == 0 && out != NULL) {
        if (gradebook_write(&gb, out) < 0)
            rc = usage_fail(NULL, "writing %s/grades.csv: %s", out, strerror(errno));
        else if (!quiet)
            printf("%zu students: %s/grades.csv, %s/summary.md, %s/dashboard.html\n", gb.n, out,
                   out, out);
    } else if (rc == 0) {
        char *csv = gradebook_csv(&gb);
        fputs(csv, stdout);
        free(csv);
    }
    rc = rc != 0 ? EXIT_USAGE : 0;
    gradebook_free(&gb);
    sb_free(&err);
    return rc;
}

int merge_command(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:h", longopts, NULL)) != -1) {
        if (c == 'O') {
            out = optarg;
        } else {
            fputs(batch_usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : EXIT_USAGE;
        }
    }
    if (optind >= argc)
        return usage_fail(NULL, "merge needs at least one batch output directory");
    for (int i = optind; i < argc; i++)
        if (!is_dir(argv[i]))
            return usage_fail(NULL, "%s is not a batch output directory", argv[i]);
    if (out != NULL && mkdir_p(out) < 0)
        return usage_fail(NULL, "%s: %s", out, strerror(errno));
    rc = merge_gradebook((const char *const *)argv + optind, (size_t)(argc - optind), out, false);
    return rc;
}
