/*
 * class.c - `grader gradebook`: the class across labs, from the output
 * directories of each lab's batch: gradebook.csv, and with a roster the
 * Canvas and Moodle grade imports.
 *
 * Nothing is lost: gradebook.csv has every student; one the roster lacks
 * is named on stderr and the exit status says so (EXIT_NOT_IN_ROSTER).
 */
#define _GNU_SOURCE
#include "batch/batch.h"
#include "batch/batch_int.h"
#include "lib/fsutil.h"
#include "report/classbook.h"
#include "report/roster.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written, but some graded students are not in the roster (so not in the imports). */
#define EXIT_NOT_IN_ROSTER 3

static const char gradebook_usage[] =
    "usage: grader gradebook --out DIR [--roster ROSTER.csv] BATCH_OUT...\n"
    "BATCH_OUT is the --out of a `grader batch` (one per lab, or its shards).\n"
    "Writes DIR/gradebook.csv; with a roster also DIR/canvas.csv and DIR/moodle.csv.\n"
    "Exit status: 0 written, 1 usage or bad input (nothing written), 3 written but\n"
    "students missing from the roster (named on stderr, left out of the imports).\n";

/* Each lab's students without a result, one stderr line a lab. */
static void report_missing(const struct classbook *cb)
{
    for (size_t l = 0; l < cb->nlabs; l++) {
        struct strbuf names;
        size_t n = 0;
        sb_init(&names);
        for (size_t i = 0; i < cb->students.n; i++)
            if (classbook_row(&cb->labs[l], cb->students.v[i]) == NULL)
                sb_addf(&names, "%s%s", n++ ? ", " : "", cb->students.v[i]);
        if (n > 0)
            fprintf(stderr, "grader: gradebook: %s: no result for %zu student%s: %s\n",
                    cb->labs[l].name, n, n == 1 ? "" : "s", names.buf);
        sb_free(&names);
    }
}

/* The students the roster lacks, one stderr line each; how many. */
static size_t report_not_in_roster(const struct classbook *cb, const struct roster *roster,
                                   const char *path)
{
    const char *imports = !roster->moodle   ? "canvas.csv"
                          : !roster->canvas ? "moodle.csv"
                                            : "canvas.csv and moodle.csv";
    size_t n = 0;

    for (size_t i = 0; i < cb->students.n; i++) {
        if (roster_find(roster, cb->students.v[i]) != NULL)
            continue;
        fprintf(stderr,
                "grader: gradebook: %s is not in the roster %s: left out of %s (gradebook.csv "
                "has the grades); add a row for %s\n",
                cb->students.v[i], path, imports, cb->students.v[i]);
        n++;
    }
    return n;
}

static int write_out(const char *dir, const char *name, char *text, struct strbuf *done)
{
    char *path = xasprintf("%s/%s", dir, name);
    int rc = write_file_atomic(path, text, strlen(text));

    if (rc < 0)
        fprintf(stderr, "grader: writing %s: %s\n", path, strerror(errno));
    else
        sb_addf(done, "%s%s", done->len ? ", " : "", path);
    free(path);
    free(text);
    return rc;
}

static int write_all(const struct classbook *cb, const struct roster *roster, const char *out)
{
    struct strbuf done;
    int rc;

    sb_init(&done);
    rc = write_out(out, "gradebook.csv", classbook_csv(cb), &done);
    if (rc == 0 && roster->canvas)
        rc = write_out(out, "canvas.csv", classbook_canvas(cb, roster), &done);
    if (rc == 0 && roster->moodle)
        rc = write_out(out, "moodle.csv", classbook_moodle(cb, roster), &done);
    if (rc == 0)
        printf("%zu students, %zu labs: %s\n", cb->students.n, cb->nlabs, done.buf);
    sb_free(&done);
    return rc;
}

int class_gradebook(const char *const *dirs, size_t n, const char *roster_path, const char *out)
{
    struct classbook cb;
    struct roster roster;
    struct strbuf err;
    int rc = 0;

    classbook_init(&cb);
    memset(&roster, 0, sizeof(roster));
    sb_init(&err);
    if (roster_path != NULL && roster_load(roster_path, &roster, &err) < 0)
        rc = -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = classbook_add_dir(&cb, dirs[i], &err);
    for (char *line = strtok(err.buf, "\n"); line != NULL; line = strtok(NULL, "\n"))
        fprintf(stderr, "grader: %s\n", line);
    if (rc == 0) {
        classbook_finish(&cb, roster_path ? &roster : NULL);
        report_missing(&cb);
        size_t lacking = roster_path ? report_not_in_roster(&cb, &roster, roster_path) : 0;
        if (mkdir_p(out) < 0) {
            fprintf(stderr, "grader: %s: %s\n", out, strerror(errno));
            rc = -1;
        } else if ((rc = write_all(&cb, &roster, out)) == 0 && lacking > 0) {
            rc = EXIT_NOT_IN_ROSTER;
        }
    }
    roster_free(&roster);
    classbook_free(&cb);
    sb_free(&err);
    return rc < 0 ? EXIT_USAGE : rc;
}

int gradebook_command(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"roster", required_argument, NULL, 'R'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL, *roster = NULL;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:R:h", longopts, NULL)) != -1) {
        if (c == 'O') {
            out = optarg;
        } else if (c == 'R') {
            roster = optarg;
        } else {
            fputs(gradebook_usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : EXIT_USAGE;
        }
    }
    if (out == NULL || optind >= argc)
        return usage_fail(gradebook_usage,
                          "gradebook needs --out DIR and at least one batch output directory");
    for (int i = optind; i < argc; i++)
        if (!is_dir(argv[i]))
            return usage_fail(NULL, "%s is not a batch output directory", argv[i]);
    return class_gradebook((const char *const *)argv + optind, (size_t)(argc - optind), roster,
                           out);
}
