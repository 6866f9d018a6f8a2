/*
 * report.h - what one grading run produced, and its renderings: the
 * terminal table, Gradescope's results.json, JUnit XML, Autolab's line, HTML.
 */
#ifndef OSLABS_REPORT_H
#define OSLABS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "pipeline/build.h"
#include "pipeline/manifest.h"
#include "pipeline/score.h"
#include "sandbox/host.h"
#include "kinds/kinds.h"

struct report {
    const struct lab *lab;
    const char *lab_arg;    /* the LAB the user gave (a name or a path) */
    const char *submission; /* the submission as given; NULL for the default */
    struct test_result *res;
    size_t n;
    const struct build_result *build; /* NULL when the build did not run */
    const char *setup_problem;        /* e.g. missing student files; NULL if none */
    const struct host *host;          /* the sandbox's layers */
    int jobs, repeat;
    double total_time;
    struct score_totals tot; /* from score_totals() */
};

/* The one-line summary ("Score: 37/50 (74.0%) ..."). A new string. */
char *report_summary_line(const struct report *r);

/* How many selected tests showed tampering (test_result.tamper). */
size_t report_tampered(const struct report *r);

/* The commands that rerun one test; a new string of lines. */
char *report_reproduce(const struct report *r, const struct test *t);

/*
 * The hint line of a failed test, or NULL: the test's own hint when its
 * check failed; a pointer to the debugger when it crashed, hung or could not
 * run; "grade again" when the machine failed it; none when a test it needs
 * failed (its reason says so). A new string.
 */
char *report_hint(const struct report *r, const struct test_result *t);

void report_terminal(const struct report *r, FILE *out, bool colour, bool verbose);

/* Gradescope's results.json, written atomically. 0, or -1 with errno. */
int report_json(const struct report *r, const char *path);
/* The same as a cJSON tree (the caller deletes it). */
struct cJSON *report_json_tree(const struct report *r);
/* The student's HTML page of this run (report/html.c), written atomically. 0, or -1 with errno. */
int report_html(const struct report *r, const char *path);
int report_junit(const struct report *r, const char *path);
/* Autolab's last stdout line: {"scores": {...}}. */
void report_autolab(const struct report *r, FILE *out);

#endif
