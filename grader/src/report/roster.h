/*
 * roster.h - the instructor's roster: which LMS identity each student of
 * a batch is (the name of the student's directory in the batch's output ->
 * name, Canvas ID, SIS ids, section, Moodle email or ID number), read from
 * a CSV file with libcsv. Used by `grader gradebook` for the LMS imports.
 */
#ifndef OSLABS_ROSTER_H
#define OSLABS_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/util.h"

/* One row; a field the roster has no column for, or left empty, is "". */
struct roster_entry {
    char *student; /* the directory name in the batch's output; never empty */
    char *first_name, *last_name, *section;
    char *canvas_id, *sis_user_id, *sis_login_id; /* Canvas: at least one */
    char *email, *idnumber;                       /* Moodle: at least one */
    int line;                                     /* of the roster file */
};

struct roster {
    struct roster_entry *v;
    size_t n;
    bool canvas; /* it has a column of a Canvas identity: every row has one */
    bool moodle; /* the same for Moodle (email, idnumber) */
};

/*
 * Reads a roster. The first line names the columns (any order, any case):
 * student (required), first_name, last_name, section, canvas_id,
 * sis_user_id, sis_login_id, email, idnumber; at least one identity column.
 * 0, or -1 with "PATH:LINE: what is wrong" in err and r empty.
 */
int roster_load(const char *path, struct roster *r, struct strbuf *err);

/* The same on text (path only names it in messages). */
int roster_parse(const char *path, const char *text, size_t len, struct roster *r,
                 struct strbuf *err);

/* The row of a student, or NULL. */
const struct roster_entry *roster_find(const struct roster *r, const char *student);

void roster_free(struct roster *r);

#endif
