/*
 * gradebook.h - the class view of a batch: every student's result read
 * back from a batch's output directories, written as grades.csv (one row a
 * student, one column a test) and summary.md (pass rates, a histogram of
 * scores, the slowest tests, the most common failure reasons).
 */
#ifndef OSLABS_GRADEBOOK_H
#define OSLABS_GRADEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/util.h"

struct gb_test_score {
    char *test;
    double score, max, time;
    char *reason; /* why it failed; NULL when it passed */
};

struct gb_row {
    char *student, *lab, *status, *reason, *hash, *finished;
    double score, max, seconds;
    struct gb_test_score *tests;
    size_t ntests;
};

struct gradebook {
    struct gb_row *rows; /* sorted by student once collected */
    size_t n;
    struct strv tests; /* every test seen, in order of first appearance */
};

void gradebook_init(struct gradebook *gb);
void gradebook_free(struct gradebook *gb);

/*
 * Adds the students of a batch output directory (DIR/STUDENT/batch.json and
 * results.json). A student already present is kept once: the newer result
 * wins, with a warning in err. 0, or -1 with the reason in err.
 */
int gradebook_collect(struct gradebook *gb, const char *out_dir, struct strbuf *err);

/* Sorts the rows by student (call after the last collect). */
void gradebook_sort(struct gradebook *gb);

/* grades.csv and summary.md as strings (new). */
char *gradebook_csv(const struct gradebook *gb);
char *gradebook_summary(const struct gradebook *gb);

/*
 * Appends one CSV field (RFC 4180) and "," or, when last, a newline. A
 * leading = + - @ is defused for spreadsheets with a quote: "'=...".
 */
void csv_field(struct strbuf *s, const char *v, bool last);

/* Writes DIR/grades.csv and DIR/summary.md atomically. 0, or -1 with errno. */
int gradebook_write(const struct gradebook *gb, const char *dir);

#endif
