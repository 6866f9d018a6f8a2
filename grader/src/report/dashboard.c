/*
 * dashboard.c - the class dashboard of a batch, DIR/dashboard.html: the
 * numbers summary.md shows (gradebook_stats computes them once), drawn as
 * tables and bars, every student linked to their report.html, and the
 * similar pairs of DIR/similarity.csv when `grader similarity` wrote one.
 */
#define _GNU_SOURCE
#include "report/html.h"
#include "lib/fsutil.h"

#include <stdlib.h>
#include <string.h>

#define SIMILAR_SHOWN 50 /* pairs listed; similarity.csv has them all */

static void add_bar(struct strbuf *s, double percent)
{
    sb_addf(s, "<span class=\"bar\" style=\"width:%.1fem\"></span>", percent / 10.0);
}

static void add_status(struct strbuf *s, const struct gradebook *gb, const struct gb_stats *st)
{
    sb_adds(s, "<table class=\"status\"><tr><th>status</th><th>submissions</th></tr>\n");
    for (size_t k = 0; k < GB_NSTATUS; k++)
        sb_addf(s, "<tr><td>%s</td><td class=\"num\">%zu</td></tr>\n", gb_statuses[k],
                st->status_count[k]);
    sb_adds(s, "</table>\n");
    if (gb->n > 0)
        sb_addf(s,
                "<p>Scores: mean <span id=\"mean\">%.1f</span>, lowest %g, highest %g, "
                "out of %g.</p>\n",
                st->mean, st->lowest, st->highest, st->max);
}

static void add_histogram(struct strbuf *s, const struct gb_stats *st)
{
    size_t widest = 1;

    for (int b = 0; b <= 10; b++)
        widest = st->bins[b] > widest ? st->bins[b] : widest;
    sb_adds(s, "<h2>Scores</h2>\n<table class=\"histogram\">\n");
    for (int b = 0; b <= 10; b++) {
        if (b < 10)
            sb_addf(s, "<tr><td>%d-%d%%</td><td>", b * 10, b * 10 + 9);
        else
            sb_adds(s, "<tr><td>100%</td><td>");
        add_bar(s, 100.0 * (double)st->bins[b] / (double)widest * 3);
        sb_addf(s, "</td><td class=\"num\">%zu</td></tr>\n", st->bins[b]);
    }
    sb_adds(s, "</table>\n");
}

/* A path segment percent-encoded for an href. */
static void add_url_segment(struct strbuf *s, const char *seg)
{
    for (const unsigned char *p = (const unsigned char *)seg; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("._-", *p) != NULL)
            sb_add(s, p, 1);
        else
            sb_addf(s, "%%%02X", *p);
}

/* The student's name, linked to their page when there is one. */
static void add_student_link(struct strbuf *s, const struct gb_row *r, const char *dir)
{
    char *page = xasprintf("%s/%s/report.html", r->dir, r->student);
    bool here = strcmp(r->dir, dir) == 0;
    char *abs = here ? NULL : absolute_path(r->dir);

    if (is_regular(page) && (here || abs != NULL)) {
        sb_adds(s, "<a href=\"");
        if (!here) { /* another batch's output (grader merge): an absolute file URL */
            sb_adds(s, "file://");
            for (char *seg = strtok(abs, "/"); seg != NULL; seg = strtok(NULL, "/")) {
                sb_adds(s, "/");
                add_url_segment(s, seg);
            }
            sb_adds(s, "/");
        }
        add_url_segment(s, r->student);
        sb_adds(s, "/report.html\">");
        html_escape(s, r->student);
        sb_adds(s, "</a>");
    } else {
        html_escape(s, r->student);
    }
    free(abs);
    free(page);
}

static void add_students(struct strbuf *s, const struct gradebook *gb, const char *dir)
{
    sb_adds(s, "<h2>Students</h2>\n<table class=\"students\">\n<tr><th>student</th>"
               "<th>score</th><th>max</th><th>status</th><th>reason</th></tr>\n");
    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        sb_adds(s, "<tr data-student=\"");
        html_escape(s, r->student);
        sb_adds(s, "\"><td>");
        add_student_link(s, r, dir);
        sb_addf(s, "</td><td class=\"num total\">%g</td><td class=\"num\">%g</td><td>", r->score,
                r->max);
        html_escape(s, r->status);
        sb_adds(s, "</td><td>");
        html_escape(s, r->reason);
        sb_adds(s, "</td></tr>\n");
    }
    sb_adds(s, "</table>\n");
}

static void add_tests(struct strbuf *s, const struct gradebook *gb, const struct gb_stats *st)
{
    sb_adds(s, "<h2>Tests (over the graded submissions)</h2>\n<table class=\"tests\">\n"
               "<tr><th>test</th><th>points</th><th>passed</th><th>pass rate</th></tr>\n");
    for (size_t t = 0; t < gb->tests.n; t++) {
        const struct gb_test_stats *ts = &st->tests[t];
        sb_adds(s, "<tr data-test=\"");
        html_escape(s, ts->test);
        sb_adds(s, "\"><td>");
        html_escape(s, ts->test);
        sb_addf(s,
                "</td><td class=\"num\">%g</td><td class=\"num passed-count\">%zu/%zu</td>"
                "<td>",
                ts->max, ts->passed, ts->runs);
        add_bar(s, gb_pass_rate(ts));
        sb_addf(s, " %.0f%%</td></tr>\n", gb_pass_rate(ts));
    }
    sb_adds(s, "</table>\n<h2>The slowest tests</h2>\n<table class=\"slowest\">\n"
               "<tr><th>test</th><th>mean time</th></tr>\n");
    for (size_t t = 0; t < gb->tests.n && t < 10; t++) {
        sb_adds(s, "<tr><td>");
        html_escape(s, st->slowest[t].test);
        sb_addf(s, "</td><td class=\"num\">%.2f s</td></tr>\n", gb_mean_time(&st->slowest[t]));
    }
    sb_adds(s, "</table>\n");
}

static void add_reasons(struct strbuf *s, const struct gb_stats *st)
{
    sb_adds(s, "<h2>The most common failures</h2>\n<table class=\"reasons\">\n"
               "<tr><th>submissions</th><th>test</th><th>reason</th></tr>\n");
    for (size_t k = 0; k < st->nreasons && k < 15; k++) {
        sb_addf(s, "<tr><td class=\"num\">%zu</td><td>", st->reasons[k].count);
        html_escape(s, st->reasons[k].test);
        sb_adds(s, "</td><td>");
        html_escape(s, st->reasons[k].reason);
        sb_adds(s, "</td></tr>\n");
    }
    sb_adds(s, "</table>\n");
}

static void add_ungraded(struct strbuf *s, const struct gradebook *gb, const char *dir)
{
    bool any = false;

    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        if (strcmp(r->status, "graded") == 0)
            continue;
        if (!any)
            sb_adds(s, "<h2>Not graded in full</h2>\n<table class=\"ungraded\">\n<tr><th>student"
                       "</th><th>status</th><th>reason</th></tr>\n");
        any = true;
        sb_adds(s, "<tr><td>");
        add_student_link(s, r, dir);
        sb_adds(s, "</td><td>");
        html_escape(s, r->status);
        sb_adds(s, "</td><td>");
        html_escape(s, r->reason);
        sb_adds(s, "</td></tr>\n");
    }
    if (any)
        sb_adds(s, "</table>\n");
}

/* One CSV line as table cells (similarity.csv's fields have no quotes or commas in them). */
static void add_csv_row(struct strbuf *s, const char *line, size_t len, const char *cell)
{
    char *copy = xasprintf("%.*s", (int)len, line);
    char *save = NULL;

    sb_adds(s, "<tr>");
    for (char *f = strtok_r(copy, ",", &save); f != NULL; f = strtok_r(NULL, ",", &save)) {
        sb_addf(s, "<%s>", cell);
        html_escape(s, f);
        sb_addf(s, "</%s>", cell);
    }
    sb_adds(s, "</tr>\n");
    free(copy);
}

static void add_similarity(struct strbuf *s, const char *dir)
{
    char *path = xasprintf("%s/similarity.csv", dir);
    size_t len, rows = 0;
    char *text = read_file_max(path, 16 << 20, &len);

    free(path);
    if (text == NULL)
        return; /* no `grader similarity` here */
    sb_adds(s, "<h2>Similar submissions</h2>\n<p>From similarity.csv (score: percent of code "
               "shared; see similarity.txt for the matching fragments).</p>\n"
               "<table class=\"similarity\">\n");
    for (const char *p = text; *p != '\0' && rows <= SIMILAR_SHOWN; rows++) {
        size_t n = strcspn(p, "\n");
        add_csv_row(s, p, n, rows == 0 ? "th" : "td");
        p += n + (p[n] == '\n');
    }
    sb_adds(s, "</table>\n");
    if (rows <= 1)
        sb_adds(s, "<p>No pair above the threshold.</p>\n");
    free(text);
}

int html_write_dashboard(const struct gradebook *gb, const struct gb_stats *st, const char *dir)
{
    const char *lab = gb->n ? gb->rows[0].lab : "";
    char *title = xasprintf("Class dashboard: %s", lab);
    char *path = xasprintf("%s/dashboard.html", dir);
    struct strbuf s;
    int rc;

    sb_init(&s);
    html_begin(&s, title);
    sb_adds(&s, "<h1>");
    html_escape(&s, title);
    sb_addf(&s,
            "</h1>\n<p><span id=\"submissions\">%zu</span> submissions; grades.csv and "
            "summary.md hold the same numbers.</p>\n",
            gb->n);
    add_status(&s, gb, st);
    add_histogram(&s, st);
    add_students(&s, gb, dir);
    add_tests(&s, gb, st);
    add_reasons(&s, st);
    add_ungraded(&s, gb, dir);
    add_similarity(&s, dir);
    html_end(&s);
    rc = write_file_atomic(path, s.buf, s.len);
    sb_free(&s);
    free(path);
    free(title);
    return rc;
}
