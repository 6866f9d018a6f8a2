/*
 * program.c - how the end of a test's program is judged: its exit status,
 * a signal or a timeout, and for a program of the cmocka harness (any
 * test with `binary =`, under valgrind or strace too) the harness's
 * verdict on the verdict pipe: a case passes only when the harness says
 * it ran and passed.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line of text that holds p, as a new string (at most 300 bytes). */
static char *line_at(const char *start, const char *p)
{
    const char *b = p, *e = strchrnul(p, '\n');
    size_t len;

    while (b > start && b[-1] != '\n')
        b--;
    len = (size_t)(e - b) > 300 ? 300 : (size_t)(e - b);
    char *raw = strndup(b, len);
    if (raw == NULL)
        die("out of memory");
    char *clean = utf8_sanitize(raw, strlen(raw));
    free(raw);
    return clean;
}

/* The start of the line that holds p. */
static const char *line_start(const char *start, const char *p)
{
    while (p > start && p[-1] != '\n')
        p--;
    return p;
}

/* "file.c:12" from "[   LINE   ] --- file.c:12: error: Failure!", or NULL. */
static char *cmocka_location(const char *text)
{
    const char *p = strstr(text, "[   LINE   ] --- ");
    const char *end;

    if (p == NULL)
        return NULL;
    p += strlen("[   LINE   ] --- ");
    end = strstr(p, ": error:");
    if (end == NULL || end - p > 200 || memchr(p, '\n', (size_t)(end - p)) != NULL)
        return NULL;
    return strndup(p, (size_t)(end - p));
}

/* A line that says nothing by itself: blank, a bare label ("x says:") or cmocka's own. */
static bool says_nothing(const char *b, const char *e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    return b == e || e[-1] == ':' || *b == '[' || memmem(b, (size_t)(e - b), "FAILED TEST", 11);
}

/* The last line of text before end that says something, or NULL (a new string). */
static char *last_cause(const char *text, const char *end)
{
    const char *e = end;

    while (e > text) {
        const char *b = e;
        while (b > text && b[-1] != '\n')
            b--;
        if (!says_nothing(b, e))
            return line_at(text, b);
        e = b > text ? b - 1 : b;
    }
    return NULL;
}

/* A message that says nothing ("mg_explain says: "): the cause above it instead. */
static char *message_or_cause(char *msg, const char *stream, const char *at)
{
    char *cause;

    if (!says_nothing(msg, msg + strlen(msg)) || (cause = last_cause(stream, at)) == NULL)
        return msg;
    if (strncmp(cause, "ERROR: ", 7) == 0)
        memmove(cause, cause + 7, strlen(cause + 7) + 1);
    free(msg);
    return cause;
}

/*
 * cmocka's own words for a failed assertion: "[  ERROR   ] --- 0x1 != 0x2",
 * or for fail_msg() the "ERROR: message" line printed just before, with the
 * source location: "expected 3 items, actual 2 (test_x.c:12)".
 */
char *harness_error(const struct box_result *r)
{
    const char *streams[] = {r->err, r->out};
    const char *tag = "[  ERROR   ] --- ";

    for (int i = 0; i < 2; i++) {
        const char *p = streams[i] ? strstr(streams[i], tag) : NULL;
        char *msg, *loc, *why;

        if (p == NULL)
            continue;
        msg = line_at(streams[i], p + strlen(tag));
        loc = cmocka_location(p);
        if (strncmp(msg, tag, strlen(tag)) == 0) {
            char *m = xstrdup(msg + strlen(tag));
            free(msg);
            msg = m;
        }
        if (strncmp(msg, "[   LINE   ]", 12) == 0 && p > streams[i]) {
            /* fail_msg(): the message is the line before */
            free(msg);
            msg = line_at(streams[i], p - 1);
            if (strncmp(msg, "ERROR: ", 7) == 0)
                memmove(msg, msg + 7, strlen(msg + 7) + 1);
        }
        msg = message_or_cause(msg, streams[i], line_start(streams[i], p));
        why = loc ? xasprintf("%s (%s)", msg, loc) : xstrdup(msg);
        free(msg);
        free(loc);
        return why;
    }
    return NULL;
}

void harness_judge(struct run_ctx *ctx, const struct box_result *r)
{
    int failed, skipped;
    char *tamper;
    int got = verdict_read(ctx, r, &failed, &skipped, &tamper);

    if (got == -2) { /* judged already (kind_judge_program) */
        free(tamper);
        return;
    }
    if (got < 0) {
        bool first = ctx->outcome == OUT_PASS;
        kind_fail(ctx, "the test program ended before the test did (no verdict from the harness)");
        if (first)
            ctx->fault = FAULT_CRASH; /* not the failure a test's hint is about */
        return;
    }
    if (failed) {
        char *why = harness_error(r);
        if (why == NULL && r->err != NULL)
            why = last_cause(r->err, r->err + r->err_len);
        kind_fail(ctx, "%s", why ? why : "the test failed");
        free(why);
    } else if (skipped && ctx->outcome == OUT_PASS) {
        ctx->outcome = OUT_SKIP;
        char *why = harness_error(r);
        ctx->reason = xasprintf("skipped by the test: %s", why ? why : "see its output");
        free(why);
    }
}

/*
 * A verdict pipe that shows tampering fails the run with that reason,
 * whatever else happened to it (a forger often crashes or exits too).
 */
static void judge_tampering(struct run_ctx *ctx, const struct box_result *r)
{
    int failed, skipped;
    char *tamper;

    if (verdict_read(ctx, r, &failed, &skipped, &tamper) != -2)
        return;
    kind_tampered(ctx, tamper);
    free(tamper);
}

/*
 * What a test program without the harness (an exec test's checker, a stress
 * driver) said first: its first non-blank line on stderr, else on stdout, or
 * NULL. Its verdict is there ("HANG: ...", "crashsim: FAILED at crash state
 * 6"), where the exit status alone says nothing.
 */
static char *first_said(const struct box_result *r)
{
    const char *streams[] = {r->err, r->out};

    for (int i = 0; i < 2; i++) {
        const char *p = streams[i];
        if (p == NULL)
            continue;
        while (*p != '\0' && strchr(" \t\r\n", *p) != NULL)
            p++;
        if (*p != '\0') {
            char *line = line_at(streams[i], p);
            size_t lead = strspn(line, " \t");
            memmove(line, line + lead, strlen(line + lead) + 1);
            return line;
        }
    }
    return NULL;
}

/* line with every from replaced by to (a new string; line is freed). */
static char *replace_all(char *line, const char *from, const char *to)
{
    struct strbuf s;
    const char *p = line, *hit;
    size_t n = strlen(from);

    if (n == 0)
        return line;
    sb_init(&s);
    while ((hit = strstr(p, from)) != NULL) {
        sb_add(&s, p, (size_t)(hit - p));
        sb_adds(&s, to);
        p = hit + n;
    }
    sb_adds(&s, p);
    free(line);
    return sb_detach(&s);
}

/* The first line said, its run's own paths written as in lab.ini ($LAB) and as the test's
 * directory (.), so that the same failure reads the same in every run and every batch. */
static char *first_said_masked(const struct run_ctx *ctx, const struct box_result *r)
{
    char *said = first_said(r);

    if (said == NULL)
        return NULL;
    said = replace_all(said, ctx->scratch, ".");
    return replace_all(said, ctx->labdir, "$LAB");
}

/* The common part: how the program ended, and the harness's verdict. */
void kind_judge_program(struct run_ctx *ctx, const struct box_result *r)
{
    const struct test *t = ctx->test;
    char *end = box_describe_end(r, t->timeout);

    if (kind_uses_harness(t))
        judge_tampering(ctx, r);

    if (r->end != BOX_EXITED) { /* timed out, flooded, hung, failed or signaled */
        bool first = ctx->outcome == OUT_PASS;
        if (r->end == BOX_FAILED && r->machine) {
            kind_fail_machine(ctx, end);
            free(end);
            return;
        }
        if (r->end == BOX_SIGNALED && kind_uses_harness(t)) {
            char *why = harness_error(r);
            kind_fail(ctx, "%s%s%s", end, why ? ": " : "", why ? why : "");
            free(why);
        } else {
            kind_fail(ctx, "%s", end);
        }
        if (first)
            ctx->fault = r->end == BOX_TIMEOUT || r->end == BOX_HUNG ? FAULT_TIMEOUT
                         : r->end == BOX_FAILED                      ? FAULT_NORUN
                                                                     : FAULT_CRASH;
    } else if (kind_uses_harness(t)) {
        harness_judge(ctx, r);
        if (t->exit_status >= 0 && r->code != t->exit_status && ctx->outcome == OUT_PASS)
            kind_fail(ctx, "%s (expected %d)", end, t->exit_status);
    } else if (t->exit_status >= 0 && r->code != t->exit_status) {
        char *said =
            t->kind == KIND_EXEC || t->kind == KIND_VALGRIND ? first_said_masked(ctx, r) : NULL;
        kind_fail(ctx, "%s (expected %d)%s%s", end, t->exit_status, said ? ": " : "",
                  said ? said : "");
        free(said);
    }
    free(end);
}

bool kind_judge_exit(struct run_ctx *ctx, struct box_result *r)
{
    kind_judge_program(ctx, r);
    kind_show_output(ctx, r);
    return false;
}
