/*
 * score.c - verdicts and totals: how runs add up to a test's outcome and
 * score, and how tests add up to a grade.
 */
#include "pipeline/score.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void results_not_run(struct test_result *res, size_t n, const char *reason)
{
    for (size_t i = 0; i < n; i++) {
        if (!res[i].selected)
            continue;
        res[i].outcome = OUT_NOTRUN;
        res[i].reason = xstrdup(reason);
        res[i].score = 0;
    }
}

void results_free(struct test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(res[i].reason);
        free(res[i].details);
        free(res[i].tamper);
        free(res[i].run_passed);
    }
}

/* What the run used, and how it ended (results.json's extra_data). */
static void add_usage(struct test_result *r, enum outcome outcome, const struct box_result *program)
{
    char buf[32];
    const char *word = box_end_word(program, buf, sizeof(buf));

    r->total_time += program->wall;
    r->time = program->wall > r->time ? program->wall : r->time;
    r->cpu_time = program->cpu > r->cpu_time ? program->cpu : r->cpu_time;
    r->peak_kb = program->maxrss_kb > r->peak_kb ? program->maxrss_kb : r->peak_kb;
    if (r->outcome == OUT_FAIL)
        return; /* the first failed run tells */
    if (outcome == OUT_PASS)
        word = "passed";
    else if (outcome == OUT_SKIP)
        word = "skipped";
    else if (outcome == OUT_FAIL && strcmp(word, "exited") == 0)
        word = "failed";
    snprintf(r->ended, sizeof(r->ended), "%s", word);
}

void score_add_run(struct test_result *r, enum outcome outcome, enum fault fault,
                   const char *reason, struct strbuf *details, const struct box_result *program)
{
    r->runs++;
    add_usage(r, outcome, program);
    if (outcome == OUT_PASS) {
        r->passed++;
        if (r->details == NULL && details->len > 0)
            r->details = xstrdup(details->buf);
        return;
    }
    if (outcome == OUT_SKIP && r->outcome != OUT_FAIL) {
        r->outcome = OUT_SKIP;
        free(r->reason);
        r->reason = xstrdup(reason);
        return;
    }
    if (r->outcome == OUT_FAIL)
        return; /* keep the first failure's evidence */
    r->outcome = OUT_FAIL;
    r->fault = fault;
    free(r->reason);
    free(r->details);
    r->reason = xstrdup(reason ? reason : "failed");
    r->details = sb_detach(details);
    sb_init(details);
}

static const struct test_result *result_of(const struct test_result *res, size_t n,
                                           const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(res[i].test->name, name) == 0)
            return &res[i];
    return NULL;
}

/*
 * A failed test whose needed tests failed in this run: the reason starts
 * with them (a need left out by --only counts for nothing). Tampering is
 * said as it is.
 */
static void blame_needs(struct test_result *r, const struct test_result *res, size_t n)
{
    struct strbuf s;
    int failed = 0;

    if (r->fault == FAULT_TAMPER)
        return;
    sb_init(&s);
    for (size_t i = 0; i < r->test->needs.n; i++) {
        const struct test_result *u = result_of(res, n, r->test->needs.v[i]);
        if (u == NULL || !u->selected || u->outcome != OUT_FAIL || u->fault == FAULT_MACHINE)
            continue; /* a need the machine failed says nothing of the code */
        if (failed++ > 0)
            sb_adds(&s, "; ");
        if (u->test->failed_means != NULL)
            sb_addf(&s, "%s: ", u->test->failed_means);
        sb_addf(&s, "%s failed", u->test->name);
    }
    if (failed > 0 && r->fault != FAULT_MACHINE) {
        sb_addf(&s, "; fix %s first. Here: %s", failed == 1 ? "that" : "those", r->reason);
        free(r->reason);
        r->reason = sb_detach(&s);
        r->fault = FAULT_NEEDS;
    }
    sb_free(&s);
}

void score_tests(struct test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct test_result *r = &res[i];
        if (!r->selected)
            continue;
        r->score = r->outcome == OUT_PASS ? r->test->points : 0;
        if (r->outcome == OUT_FAIL && r->runs < r->planned) {
            char *why = xasprintf("failed in one of its %d runs (%d passed before; the other %d "
                                  "were not needed): %s",
                                  r->planned, r->passed, r->planned - r->runs, r->reason);
            free(r->reason);
            r->reason = why;
        } else if (r->outcome == OUT_FAIL && r->runs > 1) {
            char *why = xasprintf("passed %d/%d; first failure: %s", r->passed, r->runs, r->reason);
            free(r->reason);
            r->reason = why;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (res[i].selected && res[i].outcome == OUT_FAIL)
            blame_needs(&res[i], res, n);
}

char *score_machine_error(const struct test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].selected && res[i].outcome == OUT_FAIL && res[i].fault == FAULT_MACHINE) {
            const char *why = res[i].reason;
            if (strncmp(why, MACHINE_FAULT_PREFIX, strlen(MACHINE_FAULT_PREFIX)) == 0)
                why += strlen(MACHINE_FAULT_PREFIX);
            return xasprintf("%s: %s", res[i].test->name, why);
        }
    return NULL;
}

void score_totals(const struct test_result *res, size_t n, struct score_totals *tot)
{
    *tot = (struct score_totals){0};
    for (size_t i = 0; i < n; i++) {
        const struct test_result *t = &res[i];
        if (!t->selected)
            continue;
        switch (t->outcome) {
        case OUT_PASS:
            tot->passed++;
            break;
        case OUT_FAIL:
            tot->failed++;
            tot->machine += t->fault == FAULT_MACHINE;
            break;
        case OUT_SKIP:
            tot->skipped++;
            tot->skipped_points += t->test->points;
            break;
        case OUT_NOTRUN:
            tot->notrun++;
            break;
        }
        tot->earned += t->score;
        if (t->outcome != OUT_SKIP)
            tot->max += t->test->points;
    }
}

double score_of_run(const struct test_result *res, size_t n, int run, int runs)
{
    double score = 0;

    for (size_t i = 0; i < n; i++) {
        const struct test_result *t = &res[i];
        bool passed = t->run_passed != NULL && run < t->planned;
        if (!t->selected || t->outcome == OUT_SKIP)
            continue;
        for (int k = run; passed && k < t->planned; k += runs)
            passed = t->run_passed[k];
        if (passed)
            score += t->test->points;
    }
    return score;
}

const char *outcome_word(enum outcome o)
{
    static const char *const words[] = {"pass", "FAIL", "skip", "not run"};
    return words[o];
}
