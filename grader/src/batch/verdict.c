/*
 * verdict.c - what one student's grading came to: graded, partial (some
 * tests could not run on this machine), tampering (suspected: a forged
 * verdict line, a write into the staged lab), build-failed, timed-out or error,
 * with a one-line reason, from the results.json and the log its grader left.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "lib/fsutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The last non-empty line of a log, for a one-line reason. */
static char *last_line(const char *path)
{
    size_t len;
    char *text = read_file_max(path, 8 << 20, &len);
    char *line;

    if (text == NULL)
        return xstrdup("no output");
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        text[--len] = '\0';
    char *nl = strrchr(text, '\n');
    line = nl ? nl + 1 : text;
    if (strncmp(line, "grader: ", 8) == 0)
        line += 8;
    line = xasprintf("%.200s", line);
    free(text);
    return line;
}

/*
 * "the submission /a/b/alice.zip: why" -> "the submission alice.zip: why":
 * where the batch ran (a host, a container, a cluster) is not part of a grade.
 */
static char *short_paths(char *reason)
{
    static const char prefix[] = "the submission ";
    char *path, *end, *slash, *s;

    if (strncmp(reason, prefix, strlen(prefix)) != 0)
        return reason;
    path = reason + strlen(prefix);
    end = strstr(path, ": ");
    if (end == NULL)
        return reason;
    *end = '\0';
    slash = strrchr(path, '/');
    *end = ':';
    if (slash == NULL)
        return reason;
    s = xasprintf("%s%s", prefix, slash + 1);
    free(reason);
    return s;
}

/* The first line after "The first errors:" in the results' output. */
static char *build_reason(const char *output)
{
    const char *p = output ? strstr(output, "The first errors:\n") : NULL;

    if (p == NULL)
        return xstrdup("the build failed");
    p += strlen("The first errors:\n");
    return xasprintf("the build failed: %.*s",
                     (int)(strcspn(p, "\n") > 160 ? 160 : strcspn(p, "\n")), p);
}

/*
 * The points of the tests skipped because the machine lacks what they
 * need (not those a test skipped itself), and the first one's name.
 */
static double skipped_points(const cJSON *results, const char **first)
{
    const cJSON *t;
    double points = 0;

    *first = NULL;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(results, "tests"))
    {
        const cJSON *extra = cJSON_GetObjectItemCaseSensitive(t, "extra_data");
        double max = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(t, "max_score"));

        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(extra, "not_gradable")))
            continue;
        points += max == max ? max : 0;
        if (*first == NULL)
            *first = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
    }
    return points;
}

/* "partial (8 points not gradable here: TEST and 1 more)" */
static void judge_partial(const cJSON *results, struct verdict *v)
{
    const char *first;
    double points = skipped_points(results, &first);

    v->skipped_points = points;
    if (points <= 0)
        return;
    free(v->reason);
    v->status = "partial";
    v->reason = xasprintf("partial (%g points not gradable here: %s needs what this machine "
                          "lacks; see its results)",
                          points, first ? first : "a test");
}

/* "tampering suspected: TEST: what was seen (and in N more tests)", from
 * extra_data.tampering (report/json.c); nothing when it is empty. */
static void judge_tampering(const cJSON *extra, struct verdict *v)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(extra, "tampering");
    const cJSON *first = cJSON_GetArrayItem(list, 0);
    const char *test = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "test"));
    const char *seen = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "seen"));
    int more = cJSON_GetArraySize(list) - 1;

    if (first == NULL)
        return;
    free(v->reason);
    v->status = "tampering";
    v->reason = xasprintf("tampering suspected: %s: %.200s", test ? test : "a test",
                          seen ? seen : "see its results");
    if (more > 0) {
        char *r = xasprintf("%s (and in %d more test%s)", v->reason, more, more == 1 ? "" : "s");
        free(v->reason);
        v->reason = r;
    }
}

void verdict_judge(const struct batch *b, const struct student *s, const char *tmp, int wstatus,
                   struct verdict *v)
{
    char *json = xasprintf("%s/results.json", tmp), *log = xasprintf("%s/grade.log", tmp);
    cJSON *r = batch_read_json(json);
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(r, "extra_data");
    const cJSON *build = cJSON_GetObjectItemCaseSensitive(extra, "build");
    const cJSON *problem = cJSON_GetObjectItemCaseSensitive(extra, "problem");
    const cJSON *environment = cJSON_GetObjectItemCaseSensitive(extra, "environment_error");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(r, "output");
    bool exited_ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;

    memset(v, 0, sizeof(*v));
    if (s->timed_out) {
        v->status = "timed-out";
        v->reason = xasprintf("grading took longer than %.0f s", s->deadline - s->start);
    } else if (r == NULL || !exited_ok) { /* the grader's own failure (its disk full, a kill) */
        char *why = short_paths(last_line(log));
        v->status = "error";
        v->environment = true;
        v->reason = xasprintf("error (environment): the grader failed: %s%s", why,
                              s->retried ? " (and again on its retry)" : "");
        free(why);
    } else if (cJSON_IsString(problem)) {
        v->status = "error";
        v->reason =
            xasprintf("%.*s", (int)strcspn(problem->valuestring, "\n"), problem->valuestring);
    } else if (cJSON_IsString(environment)) {
        v->status = "error";
        v->environment = true;
        v->reason =
            xasprintf("error (environment): %.*s%s", (int)strcspn(environment->valuestring, "\n"),
                      environment->valuestring, s->retried ? " (and again on its retry)" : "");
    } else if (cJSON_IsString(build) && strcmp(build->valuestring, "failed") == 0) {
        v->status = "build-failed";
        v->reason = build_reason(cJSON_IsString(output) ? output->valuestring : NULL);
    } else {
        v->status = "graded";
        v->reason = xstrdup("");
        judge_partial(r, v);
        judge_tampering(extra, v);
    }
    if (r != NULL && !s->timed_out) {
        v->score = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r, "score"));
        v->max = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(extra, "max_score"));
    }
    v->score = v->score == v->score ? v->score : 0; /* NaN: no number there */
    v->max = v->max == v->max && v->max > 0 ? v->max : b->max_score;
    cJSON_Delete(r);
    free(json);
    free(log);
}
