/*
 * html.h - pages to look at: a student's report (html.c) from results.json,
 * the class dashboard (dashboard.c) from the gradebook, and the parts they
 * share (html_page.c). Static, self-contained HTML: inline CSS, no script,
 * nothing fetched, so a page works from a file:// URL and inside an LMS.
 * Every text from a submission or a result is escaped.
 */
#ifndef OSLABS_HTML_H
#define OSLABS_HTML_H

#include <cjson/cJSON.h>
#include "lib/timeline.h"
#include "lib/util.h"
#include "report/gradebook.h"

/* Text escaped for HTML element content and attribute values (after UTF-8 sanitising). */
void html_escape(struct strbuf *s, const char *text);
/* The head of a page (title escaped, the shared style sheet) and its end. */
void html_begin(struct strbuf *s, const char *title);
void html_end(struct strbuf *s);
/* A text's first line, at most max bytes (a new string). */
char *html_first_line(const char *text, size_t max);

/*
 * A timeline as one SVG element (standalone too: it names its namespace and
 * draws its own background); title is its accessible name.
 */
void html_timeline_svg(struct strbuf *s, const struct timeline *tl, const char *title);
/* The timeline of a transcript file as an SVG file. 0, or -1 with errno (EINVAL: no timeline). */
int html_write_timeline(const char *transcript, const char *title, const char *out);

/*
 * A student's report from a parsed results.json; meta (a batch.json, or
 * NULL) names the student, the submission and the batch's status. A new string.
 */
char *html_student_report(const cJSON *results, const cJSON *meta);

/* The same from the files: results.json (and batch.json, or NULL) into out.
 * 0, or -1 with errno (EINVAL: results.json unreadable or not JSON). */
int html_write_student_report(const char *results_path, const char *meta_path, const char *out);

/*
 * The class dashboard of a gradebook written to DIR/dashboard.html; each
 * student links to DIR/STUDENT/report.html where that exists, and
 * DIR/similarity.csv's pairs are listed if it exists. 0, or -1 with errno.
 */
int html_write_dashboard(const struct gradebook *gb, const struct gb_stats *st, const char *dir);

#endif
