/*
 * gbstats.c - the numbers of a batch's class view (scores by status, a
 * histogram, pass rates, the slowest tests, the most common failures),
 * computed once and rendered by summary.md and dashboard.html alike.
 */
#define _GNU_SOURCE
#include "report/gradebook.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const gb_statuses[GB_NSTATUS] = {"graded",       "partial",   "tampering",
                                             "build-failed", "timed-out", "error"};

static void score_stats(const struct gradebook *gb, struct gb_stats *st)
{
    double sum = 0;

    for (size_t k = 0; k < GB_NSTATUS; k++)
        for (size_t i = 0; i < gb->n; i++)
            st->status_count[k] += strcmp(gb->rows[i].status, gb_statuses[k]) == 0;
    for (size_t i = 0; i < gb->n; i++) {
        const struct gb_row *r = &gb->rows[i];
        int b = r->max > 0 ? (int)floor(10.0 * r->score / r->max) : 0;
        sum += r->score;
        st->highest = i == 0 || r->score > st->highest ? r->score : st->highest;
        st->lowest = i == 0 || r->score < st->lowest ? r->score : st->lowest;
        st->max = r->max > st->max ? r->max : st->max;
        st->bins[b < 0 ? 0 : b > 10 ? 10 : b]++;
    }
    st->mean = gb->n > 0 ? sum / (double)gb->n : 0;
}

/* Each test over the submissions graded in full. */
static void test_stats(const struct gradebook *gb, struct gb_test_stats *ts)
{
    for (size_t t = 0; t < gb->tests.n; t++) {
        ts[t].test = gb->tests.v[t];
        for (size_t i = 0; i < gb->n; i++) {
            const struct gb_test_score *s = gb_row_test(&gb->rows[i], ts[t].test);
            if (s == NULL || strcmp(gb->rows[i].status, "graded") != 0)
                continue;
            ts[t].max = s->max;
            ts[t].runs++;
            ts[t].passed += s->reason == NULL && s->score >= s->max;
            ts[t].time += s->time;
        }
    }
}

double gb_pass_rate(const struct gb_test_stats *t)
{
    return t->runs ? 100.0 * (double)t->passed / (double)t->runs : 0;
}

double gb_mean_time(const struct gb_test_stats *t)
{
    return t->runs ? t->time / (double)t->runs : 0;
}

static int cmp_time(const void *a, const void *b)
{
    const struct gb_test_stats *x = a, *y = b;
    double tx = gb_mean_time(x), ty = gb_mean_time(y);

    return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->test, y->test);
}

/* Ordered by count, then by "test\treason" (as summary.md always was). */
static int cmp_count(const void *a, const void *b)
{
    const struct gb_reason *x = a, *y = b;

    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->test, y->test);
}

static void count_reason(struct gb_stats *st, const struct gb_test_score *ts)
{
    char *key = xasprintf("%s\t%s", ts->test, ts->reason);
    size_t k;

    for (k = 0; k < st->nreasons && strcmp(st->reasons[k].test, key) != 0; k++)
        ;
    if (k == st->nreasons) {
        st->reasons = xrealloc(st->reasons, (k + 1) * sizeof(*st->reasons));
        st->reasons[k] = (struct gb_reason){key, NULL, 0};
        st->nreasons++;
    } else {
        free(key);
    }
    st->reasons[k].count++;
}

static void reason_stats(const struct gradebook *gb, struct gb_stats *st)
{
    for (size_t i = 0; i < gb->n; i++)
        for (size_t t = 0; t < gb->rows[i].ntests; t++)
            if (gb->rows[i].tests[t].reason != NULL)
                count_reason(st, &gb->rows[i].tests[t]);
    if (st->nreasons > 1)
        qsort(st->reasons, st->nreasons, sizeof(*st->reasons), cmp_count);
    for (size_t k = 0; k < st->nreasons; k++) { /* split "test\treason" in place */
        char *tab = strchr(st->reasons[k].test, '\t');
        *tab = '\0';
        st->reasons[k].reason = tab + 1;
    }
}

void gradebook_stats(const struct gradebook *gb, struct gb_stats *st)
{
    memset(st, 0, sizeof(*st));
    score_stats(gb, st);
    st->tests = xcalloc(gb->tests.n + 1, sizeof(*st->tests));
    st->slowest = xcalloc(gb->tests.n + 1, sizeof(*st->slowest));
    test_stats(gb, st->tests);
    memcpy(st->slowest, st->tests, gb->tests.n * sizeof(*st->tests));
    qsort(st->slowest, gb->tests.n, sizeof(*st->slowest), cmp_time);
    reason_stats(gb, st);
}

void gb_stats_free(struct gb_stats *st)
{
    for (size_t k = 0; k < st->nreasons; k++)
        free(st->reasons[k].test);
    free(st->reasons);
    free(st->tests);
    free(st->slowest);
}
