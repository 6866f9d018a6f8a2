/*
 * gradebook.c - grades.csv and summary.md (and, by dashboard.c,
 * dashboard.html) from a batch's per-student results, read back with cJSON.
 */
#define _GNU_SOURCE
#include "report/gradebook.h"
#include "report/html.h"
#include "lib/fsutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RESULT_MAX (64 << 20)

void gradebook_init(struct gradebook *gb)
{
    memset(gb, 0, sizeof(*gb));
    sv_init(&gb->tests);
}

static void row_free(struct gb_row *r)
{
    free(r->student);
    free(r->lab);
    free(r->status);
    free(r->reason);
    free(r->hash);
    free(r->finished);
    free(r->dir);
    for (size_t i = 0; i < r->ntests; i++) {
        free(r->tests[i].test);
        free(r->tests[i].reason);
    }
    free(r->tests);
}

void gradebook_free(struct gradebook *gb)
{
    for (size_t i = 0; i < gb->n; i++)
        row_free(&gb->rows[i]);
    free(gb->rows);
    sv_free(&gb->tests);
}

static cJSON *read_json(const char *path)
{
    size_t len;
    char *text = read_file_max(path, RESULT_MAX, &len);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;

    free(text);
    return j;
}

static char *json_string(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (cJSON_IsString(v) && v->valuestring != NULL)
        return xstrdup(v->valuestring);
    return dflt ? xstrdup(dflt) : NULL;
}

static double json_number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The "Result: ..." line of a failed test's output. */
static char *failure_reason(const char *output)
{
    const char *p = output ? strstr(output, "Result: ") : NULL;

    if (p == NULL)
        return xstrdup("failed");
    p += strlen("Result: ");
    size_t len = strcspn(p, "\n");
    if (len > 160)
        len = 160;
    return xasprintf("%.*s", (int)len, p);
}

static void add_tests(struct gradebook *gb, struct gb_row *r, const cJSON *results)
{
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(results, "tests"), *t;

    cJSON_ArrayForEach(t, tests)
    {
        char *name = json_string(t, "name", NULL);
        const cJSON *extra = cJSON_GetObjectItemCaseSensitive(t, "extra_data");
        char *outcome = json_string(extra, "outcome", "");
        struct gb_test_score *s;

        if (name == NULL) {
            free(outcome);
            continue;
        }
        r->tests = xrealloc(r->tests, (r->ntests + 1) * sizeof(*r->tests));
        s = &r->tests[r->ntests++];
        s->test = name;
        s->score = json_number(t, "score");
        s->max = json_number(t, "max_score");
        s->time = json_number(extra, "time");
        s->reason = NULL;
        if (strcmp(outcome, "failed") == 0) {
            char *out = json_string(t, "output", "");
            s->reason = failure_reason(out);
            free(out);
        }
        free(outcome);
        if (!sv_contains(&gb->tests, name))
            sv_push(&gb->tests, name);
    }
}

static struct gb_row *find_row(struct gradebook *gb, const char *student)
{
    for (size_t i = 0; i < gb->n; i++)
        if (strcmp(gb->rows[i].student, student) == 0)
            return &gb->rows[i];
    return NULL;
}

static int read_row(const char *dir, const char *student, struct gb_row *r)
{
    char *meta_path = xasprintf("%s/%s/batch.json", dir, student);
    char *res_path = xasprintf("%s/%s/results.json", dir, student);
    cJSON *meta = read_json(meta_path);
    int rc = -1;

    memset(r, 0, sizeof(*r));
    if (meta != NULL) {
        r->student = xstrdup(student);
        r->dir = xstrdup(dir);
        r->lab = json_string(meta, "lab", "");
        r->status = json_string(meta, "status", "error");
        r->reason = json_string(meta, "reason", "");
        r->hash = json_string(meta, "hash", "");
        r->finished = json_string(meta, "finished", "");
        r->score = json_number(meta, "score");
        r->max = json_number(meta, "max_score");
        r->seconds = json_number(meta, "seconds");
        rc = 0;
    }
    cJSON_Delete(meta);
    free(meta_path);
    free(res_path);
    return rc;
}

int gradebook_collect(struct gradebook *gb, const char *out_dir, struct strbuf *err)
{
    DIR *d = opendir(out_dir);
    struct dirent *de;

    if (d == NULL) {
        sb_addf(err, "%s: %s\n", out_dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        struct gb_row r, *old;
        if (de->d_name[0] == '.' || read_row(out_dir, de->d_name, &r) < 0)
            continue; /* .inflight, files, directories without batch.json */
        char *res_path = xasprintf("%s/%s/results.json", out_dir, de->d_name);
        cJSON *results = read_json(res_path);
        free(res_path);
        if ((old = find_row(gb, r.student)) != NULL) {
            sb_addf(err, "warning: %s graded in two outputs; keeping the newer (%s)\n", r.student,
                    strcmp(r.finished, old->finished) > 0 ? out_dir : "the first");
            if (strcmp(r.finished, old->finished) <= 0) {
                row_free(&r);
                cJSON_Delete(results);
                continue;
            }
            row_free(old);
            *old = r;
        } else {
            gb->rows = xrealloc(gb->rows, (gb->n + 1) * sizeof(*gb->rows));
            gb->rows[gb->n++] = r;
            old = &gb->rows[gb->n - 1];
        }
        add_tests(gb, old, results);
        cJSON_Delete(results);
    }
    closedir(d);
    return 0;
}

static int cmp_rows(const void *a, const void *b)
{
    return strcmp(((const struct gb_row *)a)->student, ((const struct gb_row *)b)->student);
}

void gradebook_sort(struct gradebook *gb)
{
    if (gb->n > 1)
        qsort(gb->rows, gb->n, sizeof(*gb->rows), cmp_rows);
}

const struct gb_test_score *gb_row_test(const struct gb_row *r, const char *test)
{
    for (size_t i = 0; i < r->ntests; i++)
        if (strcmp(r->tests[i].test, test) == 0)
            return &r->tests[i];
    return NULL;
}

void csv_field(struct strbuf *s, const char *v, bool last)
{
    bool risky = v[0] != '\0' && strchr("=+-@", v[0]) != NULL;
    bool quote = risky || strpbrk(v, ",\"\r\n") != NULL;

    if (quote)
        sb_adds(s, risky ? "\"'" : "\"");
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            sb_adds(s, "\"");
        sb_add(s, p, 1);
    }
    if (quote)
        sb_adds(s, "\"");
    sb_adds(s, last ? "\n" : ",");
}

char *gradebook_csv(const struct gradebook *gb)
{
    struct strbuf s;

    sb_init(&s);
    csv_field(&s, "student", false);
    for (size_t t = 0; t < gb->tests.n; t++)
        csv_field(&s, gb->tests.v[t], false);
    sb_adds(&s, "total,max,status,reason\n");
    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        csv_field(&s, r->student, false);
        for (size_t t = 0; t < gb->tests.n; t++) {
            const struct gb_test_score *ts = gb_row_test(r, gb->tests.v[t]);
            if (ts != NULL)
                sb_addf(&s, "%g", ts->score);
            sb_adds(&s, ",");
        }
        sb_addf(&s, "%g,%g,", r->score, r->max);
        csv_field(&s, r->status, false);
        csv_field(&s, r->reason, true);
    }
    return sb_detach(&s);
}

/* Markdown table cells: no pipes or newlines. */
static char *md_cell(const char *v)
{
    char *c = xstrdup(v);

    for (char *p = c; *p; p++)
        if (*p == '|' || *p == '\n' || *p == '\r')
            *p = *p == '|' ? '/' : ' ';
    return c;
}

static void summary_status(struct strbuf *s, const struct gradebook *gb, const struct gb_stats *st)
{
    sb_adds(s, "| status | submissions |\n|---|---:|\n");
    for (size_t k = 0; k < GB_NSTATUS; k++)
        sb_addf(s, "| %s | %zu |\n", gb_statuses[k], st->status_count[k]);
    if (gb->n > 0)
        sb_addf(s, "\nScores: mean %.1f, lowest %g, highest %g, out of %g.\n", st->mean, st->lowest,
                st->highest, st->max);
}

static void summary_histogram(struct strbuf *s, const struct gb_stats *st)
{
    size_t widest = 1;

    for (int b = 0; b <= 10; b++)
        widest = st->bins[b] > widest ? st->bins[b] : widest;
    sb_adds(s, "\n## Scores\n\n```\n");
    for (int b = 0; b <= 10; b++) {
        int bar = (int)(40.0 * (double)st->bins[b] / (double)widest + 0.5);
        if (b < 10)
            sb_addf(s, "%3d-%3d%% |", b * 10, b * 10 + 9);
        else
            sb_adds(s, "   100% |");
        for (int k = 0; k < bar; k++)
            sb_adds(s, "#");
        sb_addf(s, " %zu\n", st->bins[b]);
    }
    sb_adds(s, "```\n");
}

static void summary_tests(struct strbuf *s, const struct gradebook *gb, const struct gb_stats *st)
{
    sb_adds(s, "\n## Tests (over the graded submissions)\n\n"
               "| test | points | passed | pass rate |\n|---|---:|---:|---:|\n");
    for (size_t t = 0; t < gb->tests.n; t++)
        sb_addf(s, "| %s | %g | %zu/%zu | %.0f%% |\n", st->tests[t].test, st->tests[t].max,
                st->tests[t].passed, st->tests[t].runs, gb_pass_rate(&st->tests[t]));
    sb_adds(s, "\n## The slowest tests\n\n| test | mean time |\n|---|---:|\n");
    for (size_t t = 0; t < gb->tests.n && t < 10; t++)
        sb_addf(s, "| %s | %.2f s |\n", st->slowest[t].test, gb_mean_time(&st->slowest[t]));
}

static void summary_reasons(struct strbuf *s, const struct gb_stats *st)
{
    sb_adds(s,
            "\n## The most common failures\n\n| submissions | test | reason |\n|---:|---|---|\n");
    for (size_t k = 0; k < st->nreasons && k < 15; k++) {
        char *cell = md_cell(st->reasons[k].reason);
        sb_addf(s, "| %zu | %s | %s |\n", st->reasons[k].count, st->reasons[k].test, cell);
        free(cell);
    }
}

static void summary_ungraded(struct strbuf *s, const struct gradebook *gb)
{
    bool any = false;

    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        if (strcmp(r->status, "graded") == 0)
            continue;
        if (!any)
            sb_adds(s, "\n## Not graded in full\n\n| student | status | reason |\n|---|---|---|\n");
        any = true;
        char *cell = md_cell(r->reason);
        sb_addf(s, "| %s | %s | %s |\n", r->student, r->status, cell);
        free(cell);
    }
}

static char *summary_text(const struct gradebook *gb, const struct gb_stats *st)
{
    struct strbuf s;

    sb_init(&s);
    sb_addf(&s, "# Batch summary: %s\n\n%zu submissions.\n\n", gb->n ? gb->rows[0].lab : "", gb->n);
    summary_status(&s, gb, st);
    summary_histogram(&s, st);
    summary_tests(&s, gb, st);
    summary_reasons(&s, st);
    summary_ungraded(&s, gb);
    return sb_detach(&s);
}

char *gradebook_summary(const struct gradebook *gb)
{
    struct gb_stats st;
    char *text;

    gradebook_stats(gb, &st);
    text = summary_text(gb, &st);
    gb_stats_free(&st);
    return text;
}

static int write_text(const char *dir, const char *name, char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    int rc = write_file_atomic(path, text, strlen(text));

    free(path);
    free(text);
    return rc;
}

int gradebook_write(const struct gradebook *gb, const char *dir)
{
    struct gb_stats st;
    int rc = -1;

    gradebook_stats(gb, &st); /* once, for summary.md and dashboard.html */
    if (write_text(dir, "grades.csv", gradebook_csv(gb)) == 0 &&
        write_text(dir, "summary.md", summary_text(gb, &st)) == 0)
        rc = html_write_dashboard(gb, &st, dir);
    gb_stats_free(&st);
    return rc;
}
