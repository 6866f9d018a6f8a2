/*
 * verdict.c - the harness's verdict line, and what shows that someone else
 * wrote on the verdict pipe.
 *
 * The harness writes exactly one line, once, from the process that started
 * the test (grader/harness/oslabs_test.c):
 *
 *     oslabs-verdict 2 pid=P token=T run=1 failed=F skipped=S name=CASE
 *
 * T is the run's token (run_ctx.token, handed over in the environment and
 * wiped there by the harness before the test starts), P the program's pid
 * as the keeper saw it start. Anything else on the pipe is tampering: a
 * second line, a line without the token, from another pid, for another
 * case, or text that is no verdict at all. Code inside the test's process
 * that reads the token before the harness wipes it (a constructor) or finds
 * it in memory, writes a whole line and ends the process before the harness
 * writes can still pass as the harness: MANUAL.md says so.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shown in the report: a line of the pipe, cut and made printable. */
static char *shown(const char *line, size_t len)
{
    return utf8_sanitize(line, len > 120 ? 120 : len);
}

/* Why the one line is not the harness's, or NULL; fills failed and skipped. */
static char *check_line(const struct run_ctx *ctx, const struct box_result *r, const char *line,
                        int *failed, int *skipped)
{
    char token[81], name[256];
    int pid, run, used = 0;

    if (sscanf(line, "oslabs-verdict 2 pid=%d token=%80s run=%d failed=%d skipped=%d name=%255s%n",
               &pid, token, &run, failed, skipped, name, &used) != 6 ||
        line[used] != '\0' || run != 1)
        return xstrdup("a line on the verdict pipe that is not the harness's");
    if (strcmp(token, ctx->token) != 0)
        return xasprintf("a verdict line without this run's token (token=%.40s)", token);
    /* under strace the harness is strace's child, whose pid the keeper does not see */
    if (r->pid > 0 && ctx->test->kind != KIND_STRACE && pid != (int)r->pid)
        return xasprintf("a verdict line from pid %d, not from the test program (pid %d)", pid,
                         (int)r->pid);
    if (strcmp(name, ctx->test->casename) != 0)
        return xasprintf("a verdict line for another case (%s)", name);
    return NULL;
}

int verdict_read(const struct run_ctx *ctx, const struct box_result *r, int *failed, int *skipped,
                 char **tamper)
{
    const char *v = r->verdict, *nl;
    char *line, *why;

    *tamper = NULL;
    if (v == NULL)
        return -1;
    nl = strchr(v, '\n');
    if (nl == NULL || nl[1] != '\0') {
        size_t lines = v[strlen(v) - 1] != '\n';
        for (const char *p = v; *p; p++)
            lines += *p == '\n';
        char *first = shown(v, nl ? (size_t)(nl - v) : strlen(v));
        *tamper = lines > 1 ? xasprintf("%zu lines on the verdict pipe, where the harness writes "
                                        "one (the first: \"%s\")",
                                        lines, first)
                            : xasprintf("an unfinished line on the verdict pipe: \"%s\"", first);
        free(first);
        return -2;
    }
    line = strndup(v, (size_t)(nl - v));
    if (line == NULL)
        die("out of memory");
    why = check_line(ctx, r, line, failed, skipped);
    if (why != NULL) {
        char *seen = shown(line, strlen(line));
        *tamper = xasprintf("%s: \"%s\"", why, seen);
        free(seen);
        free(why);
    }
    free(line);
    return why != NULL ? -2 : 0;
}
