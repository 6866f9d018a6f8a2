/*
 * classbook.h - the class across labs: the per-lab batch outputs read back
 * (each a struct gradebook), one row per student with each lab's score and
 * status and the total (gradebook.csv), and the grade imports of Canvas
 * and Moodle for the students a roster names.
 */
#ifndef OSLABS_CLASSBOOK_H
#define OSLABS_CLASSBOOK_H

#include <stddef.h>
#include "lib/util.h"
#include "report/gradebook.h"
#include "report/roster.h"

struct cb_lab {
    char *name;          /* the lab's name (the last part of the batch's LAB) */
    double max;          /* its full marks: the highest max_score of its rows */
    struct gradebook gb; /* its students, sorted */
};

struct classbook {
    struct cb_lab *labs; /* in the order first given */
    size_t nlabs;
    struct strv students; /* every student of any lab (and of the roster), sorted */
};

void classbook_init(struct classbook *cb);
void classbook_free(struct classbook *cb);

/*
 * Adds a batch's output directory. Two directories of one lab (shards) are
 * one lab, a student in both kept once (the newer, with a warning in err).
 * 0, or -1 with the reason in err (not a batch output, several labs in it).
 */
int classbook_add_dir(struct classbook *cb, const char *dir, struct strbuf *err);

/* Sorts, and lists the students (adding the roster's, when not NULL). */
void classbook_finish(struct classbook *cb, const struct roster *roster);

/* The row of a student in a lab, or NULL when the lab has no result for it. */
const struct gb_row *classbook_row(const struct cb_lab *lab, const char *student);

/* Sum of the labs' full marks. */
double classbook_max(const struct classbook *cb);

/* gradebook.csv: student, per lab its score and "LAB status", total, max (new string). */
char *classbook_csv(const struct classbook *cb);

/* The imports (new strings); students the roster lacks are left out. */
char *classbook_canvas(const struct classbook *cb, const struct roster *roster);
char *classbook_moodle(const struct classbook *cb, const struct roster *roster);

#endif
