/*
 * html.c - a student's report as one static HTML page, read from the
 * results.json the grader wrote (so a batch renders it for containers and
 * older runs alike): the score, the table of tests with what each used,
 * and for each test that did not pass its reason, its diff with the
 * differing lines marked, its evidence folded, and the commands to rerun it.
 */
#define _GNU_SOURCE
#include "report/html.h"
#include "lib/fsutil.h"
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A test's "output" taken apart (json.c's test_output writes it in this order). */
struct test_text {
    char *checks, *reason, *details, *hint, *rerun; /* each NULL when absent */
};

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* If *p starts with prefix, the rest of its line (new) and *p past it; else NULL. */
static char *take_line(const char **p, const char *prefix)
{
    size_t n = strlen(prefix), len;
    char *line;

    if (strncmp(*p, prefix, n) != 0)
        return NULL;
    len = strcspn(*p + n, "\n");
    line = xasprintf("%.*s", (int)len, *p + n);
    *p += n + len + ((*p)[n + len] == '\n');
    return line;
}

/* The last line of [start, end) that begins with word, or NULL. */
static const char *last_line_with(const char *start, const char *end, const char *word)
{
    size_t n = strlen(word);

    for (const char *q = end; q-- > start;)
        if ((q == start || q[-1] == '\n') && (size_t)(end - q) >= n && strncmp(q, word, n) == 0)
            return q;
    return NULL;
}

/*
 * "Checks: ...", "Result: ...", the details, "Hint: ...", "Rerun it:" and
 * the commands. The rerun is the last "Rerun it:" line (ours comes after
 * whatever a submission printed), the hint the last "Hint: " line before it.
 */
static void split_output(const char *out, struct test_text *tt)
{
    const char *p = out, *end, *rerun, *hint;

    memset(tt, 0, sizeof(*tt));
    tt->checks = take_line(&p, "Checks: ");
    tt->reason = take_line(&p, "Result: ");
    end = p + strlen(p);
    if ((rerun = last_line_with(p, end, "Rerun it:\n")) != NULL) {
        tt->rerun = xstrdup(rerun + strlen("Rerun it:\n"));
        end = rerun;
    }
    if (tt->rerun != NULL && (hint = last_line_with(p, end, "Hint: ")) != NULL) {
        tt->hint = xasprintf("%.*s", (int)(end - hint - strlen("Hint: ")), hint + strlen("Hint: "));
        end = hint;
    }
    if (end > p)
        tt->details = xasprintf("%.*s", (int)(end - p), p);
}

static void test_text_free(struct test_text *tt)
{
    free(tt->checks);
    free(tt->reason);
    free(tt->details);
    free(tt->hint);
    free(tt->rerun);
}

/* The test's outcome, one of ours (it names a CSS class): passed, failed, skipped, not_run. */
static const char *outcome_of(const cJSON *t)
{
    static const char *const outcomes[] = {"passed", "failed", "skipped", "not_run"};
    const char *o = jstr(cJSON_GetObjectItemCaseSensitive(t, "extra_data"), "outcome");

    if (o == NULL) /* a results.json without extra_data: its status */
        o = jstr(t, "status") != NULL ? jstr(t, "status") : "failed";
    for (size_t i = 0; i < ARRAY_LEN(outcomes); i++)
        if (strcmp(o, outcomes[i]) == 0)
            return outcomes[i];
    return "failed";
}

static const char *outcome_label(const char *outcome)
{
    return strcmp(outcome, "not_run") == 0 ? "not run" : outcome;
}

/* A test with a section of its own under "What did not pass" (a test not run has its reason
 * in the table: after a failed build, that is every test). */
static bool has_section(const char *outcome)
{
    return strcmp(outcome, "failed") == 0 || strcmp(outcome, "skipped") == 0;
}

static void add_row(struct strbuf *s, const char *key, const char *value)
{
    sb_adds(s, "<tr><th>");
    html_escape(s, key);
    sb_adds(s, "</th><td>");
    html_escape(s, value != NULL ? value : "");
    sb_adds(s, "</td></tr>\n");
}

static double max_score(const cJSON *results, const cJSON *meta)
{
    const cJSON *t, *extra = cJSON_GetObjectItemCaseSensitive(results, "extra_data");
    double max = 0;

    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(extra, "max_score")))
        return jnum(extra, "max_score", 0);
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(meta, "max_score")))
        return jnum(meta, "max_score", 0);
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(results, "tests")) max +=
        jnum(t, "max_score", 0);
    return max;
}

static void add_header(struct strbuf *s, const cJSON *results, const cJSON *meta)
{
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(results, "extra_data");
    double score = jnum(results, "score", 0), max = max_score(results, meta);
    const char *output = jstr(results, "output");
    char *title = html_first_line(output != NULL ? output : "", 200);

    sb_adds(s, "<h1>");
    html_escape(s, title[0] ? title : "Grading report");
    sb_adds(s, "</h1>\n<table class=\"header\">\n");
    if (jstr(meta, "student") != NULL)
        add_row(s, "Student", jstr(meta, "student"));
    add_row(s, "Lab", jstr(extra, "lab") ? jstr(extra, "lab") : jstr(meta, "lab"));
    add_row(s, "Submission", jstr(meta, "submission") ? jstr(meta, "submission") : "(default)");
    add_row(s, "Sandbox", jstr(extra, "sandbox"));
    if (jstr(meta, "status") != NULL)
        add_row(s, "Status", jstr(meta, "status"));
    sb_addf(s,
            "<tr><th>Score</th><td><b><span id=\"score\">%g</span>/<span id=\"max\">%g</span>"
            "</b> (%.1f%%)</td></tr>\n</table>\n",
            score, max, max > 0 ? 100.0 * score / max : 0);
    sb_adds(s, "<pre class=\"summary\">");
    html_escape(s, output != NULL ? output : "");
    sb_adds(s, "</pre>\n");
    free(title);
}

/* Time, CPU time, peak memory and how it ended (for a test not run: why): what it used. */
static void add_used(struct strbuf *s, const cJSON *t)
{
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(t, "extra_data");
    const char *ended = jstr(extra, "ended");
    struct test_text tt = {0};

    if (strcmp(outcome_of(t), "not_run") == 0) {
        split_output(jstr(t, "output") != NULL ? jstr(t, "output") : "", &tt);
        ended = tt.reason;
    }
    sb_addf(s, "<td class=\"num\">%.2f s</td>", jnum(extra, "time", 0));
    if (cJSON_GetObjectItemCaseSensitive(extra, "cpu_time") != NULL)
        sb_addf(s, "<td class=\"num\">%.2f s</td><td class=\"num\">%.0f KiB</td>",
                jnum(extra, "cpu_time", 0), jnum(extra, "peak_memory_kb", 0));
    else
        sb_adds(s, "<td></td><td></td>");
    sb_adds(s, "<td>");
    html_escape(s, ended != NULL ? ended : "");
    sb_adds(s, "</td>");
    test_text_free(&tt);
}

static void add_tests_table(struct strbuf *s, const cJSON *tests)
{
    const cJSON *t;
    int i = 0;

    sb_adds(s, "<h2>Tests</h2>\n<table class=\"tests\">\n<tr><th>#</th><th>test</th>"
               "<th>points</th><th>result</th><th>time</th><th>CPU</th><th>peak memory</th>"
               "<th>ended</th></tr>\n");
    cJSON_ArrayForEach(t, tests)
    {
        const char *name = jstr(t, "name") ? jstr(t, "name") : "?", *outcome = outcome_of(t);
        bool link = has_section(outcome);
        sb_addf(s, "<tr class=\"%s\" data-test=\"", outcome);
        html_escape(s, name);
        sb_addf(s, "\"><td class=\"num\">%d</td><td>", ++i);
        if (link)
            sb_addf(s, "<a href=\"#test-%d\">", i);
        html_escape(s, name);
        sb_addf(s, "%s</td><td class=\"num points\">%g/%g</td><td class=\"%s\">%s</td>",
                link ? "</a>" : "", jnum(t, "score", 0), jnum(t, "max_score", 0), outcome,
                outcome_label(outcome));
        add_used(s, t);
        sb_adds(s, "</tr>\n");
    }
    sb_adds(s, "</table>\n");
}

/* A unified diff, its added and removed lines marked. */
static void add_diff(struct strbuf *s, const char *body)
{
    sb_adds(s, "<pre class=\"diff\">");
    for (const char *p = body; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        char *line = xasprintf("%.*s", (int)len, p);
        bool file = strncmp(line, "--- ", 4) == 0 || strncmp(line, "+++ ", 4) == 0;
        const char *cls = file                          ? NULL
                          : line[0] == '+'              ? "add"
                          : line[0] == '-'              ? "del"
                          : strncmp(line, "@@", 2) == 0 ? "hunk"
                                                        : NULL;
        if (cls != NULL)
            sb_addf(s, "<span class=\"%s\">", cls);
        html_escape(s, line);
        sb_adds(s, cls != NULL ? "\n</span>" : "\n");
        free(line);
        p += len + (p[len] == '\n');
    }
    sb_adds(s, "</pre>\n");
}

static bool is_timeline(const char *name)
{
    return strncmp(name, "timeline", 8) == 0;
}

/* One "--- NAME ---" section of the details: a diff shown, other evidence folded. */
static void add_section(struct strbuf *s, const char *name, const char *body)
{
    struct timeline tl;

    if (is_timeline(name) && timeline_parse(body, &tl)) {
        sb_adds(s, "<p>");
        html_escape(s, name);
        sb_adds(s, "</p>\n<div class=\"chart\">");
        html_timeline_svg(s, &tl, name);
        sb_adds(s, "</div>\n<details><summary>as text</summary><pre>");
        html_escape(s, body);
        sb_adds(s, "</pre></details>\n");
        timeline_free(&tl);
        return;
    }
    if (strncmp(name, "diff", 4) == 0) {
        sb_adds(s, "<p>");
        html_escape(s, name);
        sb_adds(s, "</p>\n");
        add_diff(s, body);
        return;
    }
    sb_adds(s, "<details><summary>");
    html_escape(s, name[0] ? name : "output");
    sb_adds(s, "</summary><pre>");
    html_escape(s, body);
    sb_adds(s, "</pre></details>\n");
}

static bool is_section_line(const char *p, size_t len)
{
    return len >= 8 && strncmp(p, "--- ", 4) == 0 && strncmp(p + len - 4, " ---", 4) == 0;
}

/*
 * The details split at their "--- NAME ---" lines (what comes first:
 * "output"), the sections for which timelines is true only, or the others.
 */
static void add_sections(struct strbuf *s, const char *details, bool timelines)
{
    char *name = xstrdup("");
    const char *body = details;

    for (const char *p = details;;) {
        size_t len = strcspn(p, "\n");
        bool at_end = *p == '\0';
        if (at_end || is_section_line(p, len)) {
            char *text = xasprintf("%.*s", (int)(p - body), body);
            if (text[strspn(text, " \n")] != '\0' && is_timeline(name) == timelines)
                add_section(s, name, text);
            free(text);
            if (at_end)
                break;
            free(name);
            name = xasprintf("%.*s", (int)len - 8, p + 4);
            body = p + len + (p[len] == '\n');
        }
        p += len + (p[len] == '\n');
    }
    free(name);
}

/* The evidence: the pictures first (a timeline says at a glance what a diff spells out). */
static void add_details(struct strbuf *s, const char *details)
{
    add_sections(s, details, true);
    add_sections(s, details, false);
}

static void add_rerun(struct strbuf *s, const char *rerun)
{
    sb_adds(s, "<p>Rerun it (a click selects a command):</p>\n");
    for (const char *p = rerun; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        char *line = xasprintf("%.*s", (int)len, p);
        if (line[0] != '\0') {
            sb_adds(s, "<pre class=\"cmd\">");
            html_escape(s, line);
            sb_adds(s, "</pre>\n");
        }
        free(line);
        p += len + (p[len] == '\n');
    }
}

static void add_test_report(struct strbuf *s, const cJSON *t, int number)
{
    const char *output = jstr(t, "output"), *outcome = outcome_of(t);
    struct test_text tt;

    split_output(output != NULL ? output : "", &tt);
    sb_addf(s, "<section class=\"test\" id=\"test-%d\">\n<h3>%d. ", number, number);
    html_escape(s, jstr(t, "name") ? jstr(t, "name") : "?");
    sb_addf(s, " <span class=\"%s\">%s</span> (%g/%g)</h3>\n", outcome, outcome_label(outcome),
            jnum(t, "score", 0), jnum(t, "max_score", 0));
    if (tt.checks != NULL) {
        sb_adds(s, "<p>Checks: ");
        html_escape(s, tt.checks);
        sb_adds(s, "</p>\n");
    }
    sb_adds(s, "<p class=\"reason\">");
    html_escape(s, tt.reason != NULL ? tt.reason : outcome);
    sb_adds(s, "</p>\n");
    if (tt.details != NULL)
        add_details(s, tt.details);
    if (tt.hint != NULL) {
        sb_adds(s, "<p class=\"hint\">Hint: ");
        html_escape(s, tt.hint);
        sb_adds(s, "</p>\n");
    }
    if (tt.rerun != NULL)
        add_rerun(s, tt.rerun);
    sb_adds(s, "</section>\n");
    test_text_free(&tt);
}

/* A passed test whose evidence is a timeline (a trace test's, kept on a pass too). */
static bool passed_with_timeline(const cJSON *t)
{
    const char *output = jstr(t, "output");

    return strcmp(outcome_of(t), "passed") == 0 && output != NULL &&
           strstr(output, "\n--- timeline ---\n") != NULL;
}

/* The timelines of the tests that passed: the picture of what a correct run does. */
static void add_passed_timelines(struct strbuf *s, const cJSON *tests)
{
    const cJSON *t;
    int i = 0, shown = 0;

    cJSON_ArrayForEach(t, tests)
    {
        i++;
        if (!passed_with_timeline(t))
            continue;
        if (shown++ == 0)
            sb_adds(s, "<h2>Timelines of the tests that passed</h2>\n");
        add_test_report(s, t, i);
    }
}

char *html_student_report(const cJSON *results, const cJSON *meta)
{
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(results, "tests"), *t;
    const char *lab = jstr(cJSON_GetObjectItemCaseSensitive(results, "extra_data"), "lab");
    char *title = xasprintf("%s%s%s", jstr(meta, "student") ? jstr(meta, "student") : "report",
                            lab ? ": " : "", lab ? lab : "");
    struct strbuf s;
    int i = 0, sections = 0;

    sb_init(&s);
    html_begin(&s, title);
    add_header(&s, results, meta);
    add_tests_table(&s, tests);
    sb_adds(&s, "<h2>What did not pass</h2>\n");
    cJSON_ArrayForEach(t, tests)
    {
        i++;
        if (has_section(outcome_of(t)))
            add_test_report(&s, t, i);
        sections += has_section(outcome_of(t));
    }
    if (sections == 0)
        sb_adds(&s, "<p>Nothing: every test ran passed.</p>\n");
    add_passed_timelines(&s, tests);
    html_end(&s);
    free(title);
    return sb_detach(&s);
}

static cJSON *read_json(const char *path)
{
    size_t len;
    char *text = path != NULL ? read_file_max(path, 64 << 20, &len) : NULL;
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;

    free(text);
    return j;
}

int html_write_student_report(const char *results_path, const char *meta_path, const char *out)
{
    cJSON *results = read_json(results_path), *meta = read_json(meta_path);
    char *page;
    int rc;

    if (results == NULL) {
        cJSON_Delete(meta);
        errno = EINVAL;
        return -1;
    }
    page = html_student_report(results, meta);
    rc = write_file_atomic(out, page, strlen(page));
    free(page);
    cJSON_Delete(results);
    cJSON_Delete(meta);
    return rc;
}

int report_html(const struct report *r, const char *path)
{
    cJSON *results = report_json_tree(r), *meta = cJSON_CreateObject();
    char *page;
    int rc;

    if (meta == NULL)
        die("cJSON: out of memory");
    if (r->submission != NULL)
        cJSON_AddStringToObject(meta, "submission", r->submission);
    page = html_student_report(results, meta);
    rc = write_file_atomic(path, page, strlen(page));
    free(page);
    cJSON_Delete(results);
    cJSON_Delete(meta);
    return rc;
}
