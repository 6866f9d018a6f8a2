/*
 * classbook.c - gradebook.csv across labs, and the Canvas and Moodle grade
 * imports, from the batch outputs read back by gradebook.c.
 *
 * The numbers are the batches' own: a lab's cell is the score of the
 * student's batch.json (what grades.csv's total column holds), printed the
 * same way (%g), so the two files agree to the character.
 */
#define _GNU_SOURCE
#include "report/classbook.h"

#include <stdlib.h>
#include <string.h>

void classbook_init(struct classbook *cb)
{
    memset(cb, 0, sizeof(*cb));
    sv_init(&cb->students);
}

void classbook_free(struct classbook *cb)
{
    for (size_t i = 0; i < cb->nlabs; i++) {
        free(cb->labs[i].name);
        gradebook_free(&cb->labs[i].gb);
    }
    free(cb->labs);
    sv_free(&cb->students);
}

/* "labs/deadlock/" -> "deadlock": a batch records LAB as it was given. */
static char *lab_name(const char *lab_arg)
{
    size_t len = strlen(lab_arg);
    const char *start;

    while (len > 1 && lab_arg[len - 1] == '/')
        len--;
    start = memrchr(lab_arg, '/', len);
    start = start && start + 1 < lab_arg + len ? start + 1 : lab_arg;
    return xasprintf("%.*s", (int)(len - (size_t)(start - lab_arg)), start);
}

/* The one lab of a directory's rows, or NULL with the reason in err. */
static char *dir_lab(const struct gradebook *gb, const char *dir, struct strbuf *err)
{
    char *name;

    if (gb->n == 0) {
        sb_addf(err, "%s: no student's batch.json in it: is it the --out of a grader batch?\n",
                dir);
        return NULL;
    }
    name = lab_name(gb->rows[0].lab);
    for (size_t i = 1; i < gb->n; i++) {
        char *other = lab_name(gb->rows[i].lab);
        bool same = strcmp(other, name) == 0;
        if (!same)
            sb_addf(err, "%s: holds two labs (%s of %s, %s of %s): give each lab's output\n", dir,
                    name, gb->rows[0].student, other, gb->rows[i].student);
        free(other);
        if (!same) {
            free(name);
            return NULL;
        }
    }
    return name;
}

static struct cb_lab *find_lab(struct classbook *cb, const char *name)
{
    for (size_t i = 0; i < cb->nlabs; i++)
        if (strcmp(cb->labs[i].name, name) == 0)
            return &cb->labs[i];
    return NULL;
}

int classbook_add_dir(struct classbook *cb, const char *dir, struct strbuf *err)
{
    struct gradebook gb;
    struct cb_lab *lab;
    char *name = NULL;
    int rc;

    gradebook_init(&gb);
    rc = gradebook_collect(&gb, dir, err);
    if (rc == 0 && (name = dir_lab(&gb, dir, err)) == NULL)
        rc = -1;
    if (rc == 0 && (lab = find_lab(cb, name)) != NULL) {
        /* a shard of a lab already read: its rows join (the newer kept) */
        rc = gradebook_collect(&lab->gb, dir, err);
        free(name);
    } else if (rc == 0) {
        cb->labs = xrealloc(cb->labs, (cb->nlabs + 1) * sizeof(*cb->labs));
        lab = &cb->labs[cb->nlabs++];
        lab->name = name;
        lab->gb = gb;
        gradebook_init(&gb);
    }
    gradebook_free(&gb);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void classbook_finish(struct classbook *cb, const struct roster *roster)
{
    for (size_t l = 0; l < cb->nlabs; l++) {
        struct cb_lab *lab = &cb->labs[l];
        gradebook_sort(&lab->gb);
        lab->max = 0;
        for (size_t i = 0; i < lab->gb.n; i++) {
            const struct gb_row *r = &lab->gb.rows[i];
            lab->max = r->max > lab->max ? r->max : lab->max;
            if (!sv_contains(&cb->students, r->student))
                sv_push(&cb->students, r->student);
        }
    }
    for (size_t i = 0; roster != NULL && i < roster->n; i++)
        if (!sv_contains(&cb->students, roster->v[i].student))
            sv_push(&cb->students, roster->v[i].student);
    if (cb->students.n > 1)
        qsort(cb->students.v, cb->students.n, sizeof(char *), cmp_str);
}

static int cmp_row_key(const void *key, const void *row)
{
    return strcmp(key, ((const struct gb_row *)row)->student);
}

const struct gb_row *classbook_row(const struct cb_lab *lab, const char *student)
{
    return lab->gb.n ? bsearch(student, lab->gb.rows, lab->gb.n, sizeof(*lab->gb.rows), cmp_row_key)
                     : NULL;
}

double classbook_max(const struct classbook *cb)
{
    double max = 0;

    for (size_t l = 0; l < cb->nlabs; l++)
        max += cb->labs[l].max;
    return max;
}

char *classbook_csv(const struct classbook *cb)
{
    struct strbuf s;
    double max = classbook_max(cb);

    sb_init(&s);
    sb_adds(&s, "student,");
    for (size_t l = 0; l < cb->nlabs; l++) {
        char *status = xasprintf("%s status", cb->labs[l].name);
        csv_field(&s, cb->labs[l].name, false);
        csv_field(&s, status, false);
        free(status);
    }
    sb_adds(&s, "total,max\n");
    for (size_t i = 0; i < cb->students.n; i++) {
        const char *student = cb->students.v[i];
        double total = 0;
        csv_field(&s, student, false);
        for (size_t l = 0; l < cb->nlabs; l++) {
            const struct gb_row *r = classbook_row(&cb->labs[l], student);
            if (r == NULL) {
                sb_adds(&s, ",missing,"); /* no result: an empty cell, never a 0 */
                continue;
            }
            total += r->score;
            sb_addf(&s, "%g,", r->score);
            csv_field(&s, strcmp(r->status, "graded") == 0 ? "" : r->status, false);
        }
        sb_addf(&s, "%g,%g\n", total, max);
    }
    return sb_detach(&s);
}

/* A lab's score cell of an import: empty when the lab has no result. */
static void score_cell(struct strbuf *s, const struct cb_lab *lab, const char *student, bool last)
{
    const struct gb_row *r = classbook_row(lab, student);

    if (r != NULL)
        sb_addf(s, "%g", r->score);
    sb_adds(s, last ? "\n" : ",");
}

/*
 * The columns of each LMS's own export, which its import reads back
 * (MANUAL.md, "The class across labs" says where each comes from).
 */
static const char *const canvas_columns[] = {"Student", "ID", "SIS User ID", "SIS Login ID",
                                             "Section"};
static const char *const moodle_columns[] = {"First name", "Last name", "ID number",
                                             "Email address"};

/* An import's first line: its identity columns, then one column a lab. */
static void header(struct strbuf *s, const char *const *fixed, size_t n, const struct classbook *cb)
{
    for (size_t i = 0; i < n; i++)
        csv_field(s, fixed[i], i + 1 == n && cb->nlabs == 0);
    for (size_t l = 0; l < cb->nlabs; l++)
        csv_field(s, cb->labs[l].name, l + 1 == cb->nlabs);
}

/* Canvas shows a student as "Last, First" (its export's Student column). */
static char *canvas_name(const struct roster_entry *e)
{
    if (e->last_name[0] && e->first_name[0])
        return xasprintf("%s, %s", e->last_name, e->first_name);
    if (e->last_name[0] || e->first_name[0])
        return xstrdup(e->last_name[0] ? e->last_name : e->first_name);
    return xstrdup(e->student);
}

char *classbook_canvas(const struct classbook *cb, const struct roster *roster)
{
    struct strbuf s;

    sb_init(&s);
    header(&s, canvas_columns, ARRAY_LEN(canvas_columns), cb);
    /* the export's second row: each assignment's points (a new one gets them) */
    sb_adds(&s, "Points Possible,,,,");
    for (size_t l = 0; l < cb->nlabs; l++)
        sb_addf(&s, ",%g", cb->labs[l].max);
    sb_adds(&s, "\n");
    for (size_t i = 0; i < cb->students.n; i++) {
        const struct roster_entry *e = roster_find(roster, cb->students.v[i]);
        char *name;
        if (e == NULL)
            continue;
        name = canvas_name(e);
        csv_field(&s, name, false);
        csv_field(&s, e->canvas_id, false);
        csv_field(&s, e->sis_user_id, false);
        csv_field(&s, e->sis_login_id, false);
        csv_field(&s, e->section, cb->nlabs == 0);
        for (size_t l = 0; l < cb->nlabs; l++)
            score_cell(&s, &cb->labs[l], e->student, l + 1 == cb->nlabs);
        free(name);
    }
    return sb_detach(&s);
}

char *classbook_moodle(const struct classbook *cb, const struct roster *roster)
{
    struct strbuf s;

    sb_init(&s);
    header(&s, moodle_columns, ARRAY_LEN(moodle_columns), cb);
    for (size_t i = 0; i < cb->students.n; i++) {
        const struct roster_entry *e = roster_find(roster, cb->students.v[i]);
        if (e == NULL)
            continue;
        csv_field(&s, e->first_name, false);
        csv_field(&s, e->last_name, false);
        csv_field(&s, e->idnumber, false);
        csv_field(&s, e->email, cb->nlabs == 0);
        for (size_t l = 0; l < cb->nlabs; l++)
            score_cell(&s, &cb->labs[l], e->student, l + 1 == cb->nlabs);
    }
    return sb_detach(&s);
}
