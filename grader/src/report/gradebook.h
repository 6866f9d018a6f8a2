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
    char *dir; /* the batch output directory it was read from */
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

/* A row's score of one test, or NULL when it has none. */
const struct gb_test_score *gb_row_test(const struct gb_row *r, const char *test);

/* Sorts the rows by student (call after the last collect). */
void gradebook_sort(struct gradebook *gb);

/* The numbers of the class view, computed once for summary.md and dashboard.html. */
#define GB_NSTATUS 6
extern const char *const gb_statuses[GB_NSTATUS]; /* graded, partial, build-failed, ... */

struct gb_test_stats {
    const char *test;
    double max, time; /* time: summed over the graded submissions */
    size_t runs, passed;
};

struct gb_reason {
    char *test, *reason; /* one allocation: test, then reason after its NUL */
    size_t count;
};

struct gb_stats {
    size_t status_count[GB_NSTATUS];
    double mean, lowest, highest, max; /* of the scores; 0 when no rows */
    size_t bins[11];                   /* 0-9%, ..., 90-99%, 100% */
    struct gb_test_stats *tests;       /* in the order of gb->tests */
    struct gb_test_stats *slowest;     /* the same, slowest mean time first */
    struct gb_reason *reasons;         /* failure reasons, most common first */
    size_t nreasons;
};

void gradebook_stats(const struct gradebook *gb, struct gb_stats *st);
void gb_stats_free(struct gb_stats *st);
/* A test's pass rate and mean time over its graded runs (0 without runs). */
double gb_pass_rate(const struct gb_test_stats *t);
double gb_mean_time(const struct gb_test_stats *t);

/* grades.csv and summary.md as strings (new). */
char *gradebook_csv(const struct gradebook *gb);
char *gradebook_summary(const struct gradebook *gb);

/*
 * Appends one CSV field (RFC 4180) and "," or, when last, a newline. A
 * leading = + - @ is defused for spreadsheets with a quote: "'=...".
 */
void csv_field(struct strbuf *s, const char *v, bool last);

/* Writes DIR/grades.csv, DIR/summary.md and DIR/dashboard.html atomically. 0, or -1 with errno. */
int gradebook_write(const struct gradebook *gb, const char *dir);

#endif
