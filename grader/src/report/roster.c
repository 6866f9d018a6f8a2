/*
 * roster.c - the roster CSV, parsed with libcsv (strict mode) and checked
 * row by row: every error names the file and line, and the first one
 * stops the reading (a roster is either right or refused).
 */
#define _GNU_SOURCE
#include "report/roster.h"
#include "lib/fsutil.h"

#include <csv.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ROSTER_MAX (16 << 20)

enum lms { LMS_NONE, LMS_CANVAS, LMS_MOODLE };

/* The columns a roster may have, and where each goes. */
static const struct column {
    const char *name;
    size_t offset;
    enum lms lms; /* an identity of this LMS: non-empty, unique, exact */
} columns[] = {
    {"student", offsetof(struct roster_entry, student), LMS_NONE},
    {"first_name", offsetof(struct roster_entry, first_name), LMS_NONE},
    {"last_name", offsetof(struct roster_entry, last_name), LMS_NONE},
    {"section", offsetof(struct roster_entry, section), LMS_NONE},
    {"canvas_id", offsetof(struct roster_entry, canvas_id), LMS_CANVAS},
    {"sis_user_id", offsetof(struct roster_entry, sis_user_id), LMS_CANVAS},
    {"sis_login_id", offsetof(struct roster_entry, sis_login_id), LMS_CANVAS},
    {"email", offsetof(struct roster_entry, email), LMS_MOODLE},
    {"idnumber", offsetof(struct roster_entry, idnumber), LMS_MOODLE},
};

#define NCOLUMNS ARRAY_LEN(columns)

struct parse {
    const char *path;
    struct roster *r;
    struct strbuf *err;
    struct strv row;    /* the fields of the row being read */
    int line, row_line; /* the line fed to libcsv; the one the row began on */
    int col[NCOLUMNS];  /* header position of each column, or -1 */
    size_t nheader;     /* 0 until the header was read */
    bool failed;
};

static char **field_of(struct roster_entry *e, size_t c)
{
    return (char **)((char *)e + columns[c].offset);
}

static void fail(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;

    if (p->failed)
        return;
    p->failed = true;
    sb_addf(p->err, "%s:%d: ", p->path, line);
    va_start(ap, fmt);
    sb_vaddf(p->err, fmt, ap);
    va_end(ap);
    sb_adds(p->err, "\n");
}

static void read_header(struct parse *p)
{
    bool canvas = false, moodle = false;

    for (size_t c = 0; c < NCOLUMNS; c++)
        p->col[c] = -1;
    for (size_t i = 0; i < p->row.n && !p->failed; i++) {
        size_t c;
        for (c = 0; c < NCOLUMNS && strcasecmp(p->row.v[i], columns[c].name) != 0; c++)
            ;
        if (c == NCOLUMNS)
            fail(p, p->row_line,
                 "unknown column '%s' (the columns: student, first_name, last_name, section, "
                 "canvas_id, sis_user_id, sis_login_id, email, idnumber)",
                 p->row.v[i]);
        else if (p->col[c] >= 0)
            fail(p, p->row_line, "column '%s' twice", columns[c].name);
        else
            p->col[c] = (int)i;
        canvas |= c < NCOLUMNS && columns[c].lms == LMS_CANVAS;
        moodle |= c < NCOLUMNS && columns[c].lms == LMS_MOODLE;
    }
    if (p->col[0] < 0)
        fail(p, p->row_line, "no 'student' column (the student's directory in the batch's output)");
    if (!canvas && !moodle)
        fail(p, p->row_line,
             "no identity column: canvas_id, sis_user_id or sis_login_id for Canvas; email "
             "or idnumber for Moodle");
    p->r->canvas = canvas;
    p->r->moodle = moodle;
    p->nheader = p->row.n;
}

/* The row, if any, on which column c already holds value. */
static const struct roster_entry *same_value(const struct roster *r, size_t c, const char *value)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(*field_of(&r->v[i], c), value) == 0)
            return &r->v[i];
    return NULL;
}

/* A row's identities: each LMS it is for has one, none is shared or altered. */
static void check_identities(struct parse *p, struct roster_entry *e)
{
    bool canvas = false, moodle = false;
    const struct roster_entry *other;

    for (size_t c = 0; c < NCOLUMNS && !p->failed; c++) {
        const char *v = *field_of(e, c);
        if (columns[c].lms == LMS_NONE || v[0] == '\0')
            continue;
        canvas |= columns[c].lms == LMS_CANVAS;
        moodle |= columns[c].lms == LMS_MOODLE;
        if (strchr("=+-@", v[0]) != NULL)
            fail(p, e->line, "%s '%s' of %s starts with %c: a spreadsheet would run it",
                 columns[c].name, v, e->student, v[0]);
        else if ((other = same_value(p->r, c, v)) != NULL)
            fail(p, e->line, "%s '%s' of %s is also %s's (line %d)", columns[c].name, v, e->student,
                 other->student, other->line);
    }
    if (p->r->canvas && !canvas)
        fail(p, e->line, "%s has no Canvas identity (canvas_id, sis_user_id or sis_login_id)",
             e->student);
    if (p->r->moodle && !moodle)
        fail(p, e->line, "%s has no Moodle identity (email or idnumber)", e->student);
}

static void read_entry(struct parse *p)
{
    struct roster_entry e;
    const struct roster_entry *other;

    if (p->row.n != p->nheader) {
        fail(p, p->row_line, "%zu fields, the header has %zu", p->row.n, p->nheader);
        return;
    }
    memset(&e, 0, sizeof(e));
    e.line = p->row_line;
    for (size_t c = 0; c < NCOLUMNS; c++)
        *field_of(&e, c) = xstrdup(p->col[c] >= 0 ? p->row.v[p->col[c]] : "");
    if (e.student[0] == '\0')
        fail(p, e.line, "the student is empty");
    else if ((other = roster_find(p->r, e.student)) != NULL)
        fail(p, e.line, "%s is already on line %d", e.student, other->line);
    else
        check_identities(p, &e);
    p->r->v = xrealloc(p->r->v, (p->r->n + 1) * sizeof(*p->r->v));
    p->r->v[p->r->n++] = e; /* freed with the roster, even when refused */
}

/* libcsv: a field ended. */
static void on_field(void *data, size_t len, void *opaque)
{
    struct parse *p = opaque;
    char *v = xasprintf("%.*s", (int)len, data ? (const char *)data : "");

    if (p->row.n == 0)
        p->row_line = p->line;
    if (strlen(v) != len)
        fail(p, p->line, "a field holds a NUL byte");
    sv_push(&p->row, v);
    free(v);
}

/* libcsv: a row ended. */
static void on_row(int terminator, void *opaque)
{
    struct parse *p = opaque;

    (void)terminator;
    if (!p->failed) {
        if (p->nheader == 0)
            read_header(p);
        else
            read_entry(p);
    }
    sv_free(&p->row);
    sv_init(&p->row);
}

/* Feeds text a line at a time, so that p->line is the line being read. */
static void feed(struct parse *p, struct csv_parser *csv, const char *text, size_t len)
{
    const char *end = text + len;

    for (const char *s = text; s < end && !p->failed; p->line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        if (csv_parse(csv, s, n, on_field, on_row, p) != n)
            fail(p, p->line,
                 "not CSV: %s (a quote inside an unquoted field, or text after a "
                 "closing quote?)",
                 csv_strerror(csv_error(csv)));
        s += n;
    }
}

int roster_parse(const char *path, const char *text, size_t len, struct roster *r,
                 struct strbuf *err)
{
    struct csv_parser csv;
    struct parse p;

    memset(r, 0, sizeof(*r));
    memset(&p, 0, sizeof(p));
    p.path = path;
    p.r = r;
    p.err = err;
    p.line = 1;
    sv_init(&p.row);
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        die("csv_init: out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* the BOM a spreadsheet writes */
        text += 3;
        len -= 3;
    }
    feed(&p, &csv, text, len);
    if (!p.failed && csv_fini(&csv, on_field, on_row, &p) != 0)
        fail(&p, p.line - 1, "a quoted field is never closed");
    if (!p.failed && p.nheader == 0)
        fail(&p, 1, "empty: the first line names the columns (student, and an identity)");
    csv_free(&csv);
    sv_free(&p.row);
    if (p.failed)
        roster_free(r);
    return p.failed ? -1 : 0;
}

int roster_load(const char *path, struct roster *r, struct strbuf *err)
{
    size_t len;
    char *text = read_file_max(path, ROSTER_MAX, &len);
    int rc;

    if (text == NULL) {
        memset(r, 0, sizeof(*r));
        sb_addf(err, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    rc = roster_parse(path, text, len, r, err);
    free(text);
    return rc;
}

const struct roster_entry *roster_find(const struct roster *r, const char *student)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].student, student) == 0)
            return &r->v[i];
    return NULL;
}

void roster_free(struct roster *r)
{
    for (size_t i = 0; i < r->n; i++)
        for (size_t c = 0; c < NCOLUMNS; c++)
            free(*field_of(&r->v[i], c));
    free(r->v);
    memset(r, 0, sizeof(*r));
}
