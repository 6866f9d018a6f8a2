/*
 * loop.c - the batch's loop: starts graders up to --jobs, reaps them,
 * enforces each one's deadline (SIGTERM, then SIGKILL), and on an
 * interruption kills what runs (containers included).
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void finish_student(struct batch *b, struct student *s, int wstatus)
{
    char *tmp = xasprintf("%s/%s", b->inflight, s->name);
    double seconds = now_seconds() - s->start;
    struct verdict v;

    verdict_judge(b, s, tmp, wstatus, &v);
    if (v.environment && !s->retried) { /* the machine's fault: once more, then it stands */
        fprintf(stderr, "%sgrader batch: %s: %s; grading it again\n", b->tty ? "\r\033[K" : "",
                s->name, v.reason);
        s->retried = true;
        s->state = ST_TODO;
        b->running--;
        free(v.reason);
        free(tmp);
        return;
    }
    publish_fallback_results(tmp, &v);
    publish_meta(b, s, tmp, &v, seconds);
    publish_report_html(tmp);
    publish_student(b, s, tmp);
    s->state = ST_DONE;
    b->running--;
    b->done++;
    if (strcmp(v.status, "graded") != 0)
        b->failures++;
    publish_log_line(b, s, &v, seconds);
    progress_done(b, s, &v, seconds);
    gradable_after_student(b, &v);
    if (s->timed_out && strcmp(b->engine, "container") == 0) {
        char *rm = xasprintf("\"${e[@]}\" rm -f oslabs-batch-%s-%d", s->hash, (int)s->pid);
        spawn_engine_snippet(b, rm);
        free(rm);
    }
    free(v.reason);
    free(tmp);
}

static struct student *find_pid(struct batch *b, pid_t pid)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i].state == ST_RUNNING && b->st[i].pid == pid)
            return &b->st[i];
    return NULL;
}

static void reap_children(struct batch *b)
{
    int wstatus;
    pid_t pid;

    while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        struct student *s = find_pid(b, pid);
        if (s != NULL) {
            kill(-pid, SIGKILL); /* whatever it left behind */
            finish_student(b, s, wstatus);
        }
    }
}

static void enforce_deadlines(struct batch *b)
{
    double now = now_seconds();

    for (size_t i = 0; i < b->n; i++) {
        struct student *s = &b->st[i];
        if (s->state != ST_RUNNING)
            continue;
        if (!s->timed_out && now > s->deadline) {
            s->timed_out = true;
            s->kill_at = now + KILL_GRACE;
            kill(-s->pid, SIGTERM);
        } else if (s->timed_out && now > s->kill_at) {
            kill(-s->pid, SIGKILL);
        }
    }
}

static void stop_all(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i].state == ST_RUNNING)
            kill(-b->st[i].pid, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    if (strcmp(b->engine, "container") == 0) {
        char *rm = xasprintf("ids=$(\"${e[@]}\" ps -aq --filter label=oslabs.batch=%s); "
                             "[ -z \"$ids\" ] || \"${e[@]}\" rm -f $ids",
                             b->container_label);
        spawn_engine_snippet(b, rm);
        free(rm);
    }
}

/* The first student still to grade (one to grade again included), or NULL. */
static struct student *next_todo(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i].state == ST_TODO)
            return &b->st[i];
    return NULL;
}

void loop_run_all(struct batch *b)
{
    struct student *s;

    b->t0 = now_seconds();
    while (!batch_interrupted && !b->refused) {
        while (b->running < (size_t)b->o->jobs && (s = next_todo(b)) != NULL)
            spawn_student(b, s);
        if (b->running == 0)
            break;
        progress_show(b);
        usleep(100 * 1000); /* children are few and slow: polling is plenty */
        reap_children(b);
        enforce_deadlines(b);
    }
    if (b->tty)
        fprintf(stderr, "\r\033[K");
    if (batch_interrupted || b->refused)
        stop_all(b);
}
