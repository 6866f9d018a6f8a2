/*
 * publish.c - a student's results made durable: results.json (a fallback
 * when the grader wrote none), batch.json, report.html, and the move of the whole
 * directory into OUT in one rename; the line in batch.log.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "lib/fsutil.h"
#include "report/html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

cJSON *batch_read_json(const char *path)
{
    size_t len;
    char *text = read_file_max(path, 64 << 20, &len);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;

    free(text);
    return j;
}

static char *json_text(cJSON *j)
{
    char *text = cJSON_Print(j);

    if (text == NULL)
        die("cJSON: out of memory");
    char *t = xasprintf("%s\n", text);
    free(text);
    cJSON_Delete(j);
    return t;
}

static int write_json(const char *path, cJSON *j)
{
    char *text = json_text(j);
    int rc = write_file_atomic(path, text, strlen(text));

    free(text);
    return rc;
}

/* A Gradescope-shaped results.json for a submission the grader could not report on. */
void publish_fallback_results(const char *tmp, const struct verdict *v)
{
    char *path = xasprintf("%s/results.json", tmp);
    cJSON *j = cJSON_CreateObject();
    cJSON *r = (strcmp(v->status, "timed-out") == 0 || !is_regular(path)) ? j : NULL;

    if (r != NULL) {
        cJSON_AddNumberToObject(j, "score", 0);
        cJSON_AddStringToObject(j, "output", v->reason);
        cJSON_AddStringToObject(j, "output_format", "text");
        cJSON_AddStringToObject(j, "visibility", "visible");
        cJSON_AddItemToObject(j, "tests", cJSON_CreateArray());
        write_json(path, j);
    } else {
        cJSON_Delete(j);
    }
    free(path);
}

static void iso_time(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void publish_meta(struct batch *b, const struct student *s, const char *tmp,
                  const struct verdict *v, double seconds)
{
    char *path = xasprintf("%s/batch.json", tmp), when[32];
    cJSON *j = cJSON_CreateObject();

    iso_time(when, sizeof(when));
    cJSON_AddStringToObject(j, "student", s->name);
    cJSON_AddStringToObject(j, "submission", s->path);
    cJSON_AddStringToObject(j, "lab", b->o->lab_arg);
    cJSON_AddStringToObject(j, "status", v->status);
    cJSON_AddStringToObject(j, "reason", v->reason);
    cJSON_AddNumberToObject(j, "score", v->score);
    cJSON_AddNumberToObject(j, "max_score", v->max);
    cJSON_AddStringToObject(j, "hash", s->hash);
    cJSON_AddStringToObject(j, "sandbox", b->engine);
    cJSON_AddNumberToObject(j, "seconds", seconds);
    cJSON_AddStringToObject(j, "finished", when);
    if (write_json(path, j) < 0)
        die("%s: %s", path, strerror(errno));
    free(path);
}

static void fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The student's page, from the results and batch.json just written (a page is not a grade:
 * one that cannot be written is left out, with a warning). */
void publish_report_html(const char *tmp)
{
    char *results = xasprintf("%s/results.json", tmp), *meta = xasprintf("%s/batch.json", tmp);
    char *page = xasprintf("%s/report.html", tmp);

    if (html_write_student_report(results, meta, page) < 0)
        fprintf(stderr, "grader: warning: %s: %s\n", page, strerror(errno));
    free(results);
    free(meta);
    free(page);
}

/* Moves the finished tmp into OUT/NAME in one rename; an older result goes with it. */
void publish_student(struct batch *b, const struct student *s, const char *tmp)
{
    char *final = xasprintf("%s/%s", b->out, s->name);
    static const char *const files[] = {"grade.log", "junit.xml", "results.json", "report.html"};

    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *f = xasprintf("%s/%s", tmp, files[i]);
        fsync_path(f, O_RDONLY);
        free(f);
    }
    fsync_path(tmp, O_RDONLY | O_DIRECTORY);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
        remove_tree(tmp); /* tmp now holds the old result */
    else if (rename(tmp, final) < 0)
        die("rename %s -> %s: %s", tmp, final, strerror(errno));
    fsync_path(b->out, O_RDONLY | O_DIRECTORY);
    free(final);
}

void publish_log_line(struct batch *b, const struct student *s, const struct verdict *v,
                      double seconds)
{
    char *path = xasprintf("%s/batch.log", b->out), when[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    iso_time(when, sizeof(when));
    if (fd >= 0) {
        dprintf(fd, "%s graded %s %g/%g %s %.1fs %s\n", when, s->name, v->score, v->max, v->status,
                seconds, s->hash);
        fsync(fd);
        close(fd);
    }
    free(path);
}
