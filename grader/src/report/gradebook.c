/*
 * gradebook.c - grades.csv and summary.md from a batch's per-student
 * results, read back with cJSON.
 */
#define _GNU_SOURCE
#include "report/gradebook.h"
#include "lib/fsutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
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

static const struct gb_test_score *row_test(const struct gb_row *r, const char *test)
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
            const struct gb_test_score *ts = row_test(r, gb->tests.v[t]);
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

static void summary_status(struct strbuf *s, const struct gradebook *gb)
{
    static const char *const statuses[] = {"graded",       "partial",   "tampering",
                                           "build-failed", "timed-out", "error"};
    double sum = 0, best = -1, worst = -1, max = 0;

    sb_adds(s, "| status | submissions |\n|---|---:|\n");
    for (size_t k = 0; k < ARRAY_LEN(statuses); k++) {
        size_t count = 0;
        for (size_t i = 0; i < gb->n; i++)
            count += strcmp(gb->rows[i].status, statuses[k]) == 0;
        sb_addf(s, "| %s | %zu |\n", statuses[k], count);
    }
    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        sum += r->score;
        best = best < 0 || r->score > best ? r->score : best;
        worst = worst < 0 || r->score < worst ? r->score : worst;
        max = r->max > max ? r->max : max;
    }
    if (gb->n > 0)
        sb_addf(s, "\nScores: mean %.1f, lowest %g, highest %g, out of %g.\n", sum / (double)gb->n,
                worst, best, max);
}

static void summary_histogram(struct strbuf *s, const struct gradebook *gb)
{
    size_t bins[11] = {0}, widest = 1;

    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        int b = r->max > 0 ? (int)floor(10.0 * r->score / r->max) : 0;
        bins[b < 0 ? 0 : b > 10 ? 10 : b]++;
    }
    for (int b = 0; b <= 10; b++)
        widest = bins[b] > widest ? bins[b] : widest;
    sb_adds(s, "\n## Scores\n\n```\n");
    for (int b = 0; b <= 10; b++) {
        int bar = (int)(40.0 * (double)bins[b] / (double)widest + 0.5);
        if (b < 10)
            sb_addf(s, "%3d-%3d%% |", b * 10, b * 10 + 9);
        else
            sb_adds(s, "   100% |");
        for (int k = 0; k < bar; k++)
            sb_adds(s, "#");
        sb_addf(s, " %zu\n", bins[b]);
    }
    sb_adds(s, "```\n");
}

struct test_stats {
    const char *test;
    double max, time;
    size_t runs, passed;
};

static void collect_stats(const struct gradebook *gb, struct test_stats *st)
{
    for (size_t t = 0; t < gb->tests.n; t++) {
        memset(&st[t], 0, sizeof(st[t]));
        st[t].test = gb->tests.v[t];
        for (size_t i = 0; i < gb->n; i++) {
            const struct gb_test_score *ts = row_test(&gb->rows[i], st[t].test);
            if (ts == NULL || strcmp(gb->rows[i].status, "graded") != 0)
                continue;
            st[t].max = ts->max;
            st[t].runs++;
            st[t].passed += ts->reason == NULL && ts->score >= ts->max;
            st[t].time += ts->time;
        }
    }
}

static int cmp_time(const void *a, const void *b)
{
    const struct test_stats *x = a, *y = b;
    double tx = x->runs ? x->time / (double)x->runs : 0,
           ty = y->runs ? y->time / (double)y->runs : 0;

    return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->test, y->test);
}

static void summary_tests(struct strbuf *s, const struct gradebook *gb)
{
    struct test_stats *st = xcalloc(gb->tests.n + 1, sizeof(*st));

    collect_stats(gb, st);
    sb_adds(s, "\n## Tests (over the graded submissions)\n\n"
               "| test | points | passed | pass rate |\n|---|---:|---:|---:|\n");
    for (size_t t = 0; t < gb->tests.n; t++)
        sb_addf(s, "| %s | %g | %zu/%zu | %.0f%% |\n", st[t].test, st[t].max, st[t].passed,
                st[t].runs, st[t].runs ? 100.0 * (double)st[t].passed / (double)st[t].runs : 0);
    qsort(st, gb->tests.n, sizeof(*st), cmp_time);
    sb_adds(s, "\n## The slowest tests\n\n| test | mean time |\n|---|---:|\n");
    for (size_t t = 0; t < gb->tests.n && t < 10; t++)
        sb_addf(s, "| %s | %.2f s |\n", st[t].test,
                st[t].runs ? st[t].time / (double)st[t].runs : 0);
    free(st);
}

struct reason_count {
    char *key; /* "test\treason" */
    size_t count;
};

static int cmp_count(const void *a, const void *b)
{
    const struct reason_count *x = a, *y = b;

    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->key, y->key);
}

static void summary_reasons(struct strbuf *s, const struct gradebook *gb)
{
    struct reason_count *rc = NULL;
    size_t n = 0;

    for (size_t i = 0; i < gb->n; i++)
        for (size_t t = 0; t < gb->rows[i].ntests; t++) {
            const struct gb_test_score *ts = &gb->rows[i].tests[t];
            char *key;
            size_t k;
            if (ts->reason == NULL)
                continue;
            key = xasprintf("%s\t%s", ts->test, ts->reason);
            for (k = 0; k < n && strcmp(rc[k].key, key) != 0; k++)
                ;
            if (k == n) {
                rc = xrealloc(rc, (n + 1) * sizeof(*rc));
                rc[n].key = key;
                rc[n++].count = 0;
            } else {
                free(key);
            }
            rc[k].count++;
        }
    if (n > 1)
        qsort(rc, n, sizeof(*rc), cmp_count);
    sb_adds(s,
            "\n## The most common failures\n\n| submissions | test | reason |\n|---:|---|---|\n");
    for (size_t k = 0; k < n; k++) {
        if (k < 15) {
            char *tab = strchr(rc[k].key, '\t');
            *tab = '\0';
            char *cell = md_cell(tab + 1);
            sb_addf(s, "| %zu | %s | %s |\n", rc[k].count, rc[k].key, cell);
            free(cell);
        }
        free(rc[k].key);
    }
    free(rc);
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

char *gradebook_summary(const struct gradebook *gb)
{
    struct strbuf s;

    sb_init(&s);
    sb_addf(&s, "# Batch summary: %s\n\n%zu submissions.\n\n", gb->n ? gb->rows[0].lab : "", gb->n);
    summary_status(&s, gb);
    summary_histogram(&s, gb);
    summary_tests(&s, gb);
    summary_reasons(&s, gb);
    summary_ungraded(&s, gb);
    return sb_detach(&s);
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
    if (write_text(dir, "grades.csv", gradebook_csv(gb)) < 0)
        return -1;
    return write_text(dir, "summary.md", gradebook_summary(gb));
}
