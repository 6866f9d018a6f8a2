/*
 * timeline.c - finds and reads the timeline block of a transcript (see
 * timeline.h). The text is the student's program's output: every size is
 * bounded, and nothing in it is trusted to be well formed.
 */
#define _GNU_SOURCE
#include "lib/timeline.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS  64
#define MAX_TICKS 2000
#define MAX_MARKS 32

/* The start of the line that begins with "timeline:", or NULL. */
static const char *block_start(const char *text)
{
    for (const char *p = text; *p != '\0';) {
        if (strncmp(p, "timeline:", 9) == 0)
            return p;
        p += strcspn(p, "\n");
        p += *p == '\n';
    }
    return NULL;
}

/* Where the block that starts at start ends: its first blank line, or the end. */
static const char *block_end(const char *start)
{
    const char *p = start;

    while (*p != '\0') {
        size_t len = strcspn(p, "\n");
        if (strspn(p, " \t") == len)
            return p;
        p += len + (p[len] == '\n');
    }
    return p;
}

/* A trace line that marks a tick: "[  10] ... deadline ..." or "[  10] HALT: ...". */
static bool is_mark_line(const char *line, size_t len, long *tick, const char **msg)
{
    char *copy = xasprintf("%.*s", (int)len, line);
    int end = 0;
    bool mark = sscanf(copy, "[ %ld]%n", tick, &end) == 1 && end > 0 &&
                (strstr(copy, "deadline") != NULL || strstr(copy, "HALT") != NULL);

    free(copy);
    if (mark) {
        *msg = line + end;
        while (*msg < line + len && **msg == ' ')
            (*msg)++;
    }
    return mark;
}

char *timeline_excerpt(const char *text)
{
    const char *start = block_start(text), *end;
    struct strbuf s;

    if (start == NULL)
        return NULL;
    end = block_end(start);
    sb_init(&s);
    for (const char *p = text; p < start;) {
        size_t len = strcspn(p, "\n");
        long tick;
        const char *msg;
        if (is_mark_line(p, len, &tick, &msg))
            sb_addf(&s, "%.*s\n", (int)len, p);
        p += len + (p[len] == '\n');
    }
    sb_addf(&s, "%.*s", (int)(end - start), start);
    if (end == start || end[-1] != '\n')
        sb_adds(&s, "\n");
    return sb_detach(&s);
}

static void add_mark(struct timeline *tl, long tick, const char *msg, size_t len)
{
    if (tl->nmarks >= MAX_MARKS || tick < 0)
        return;
    tl->marks = xrealloc(tl->marks, (size_t)(tl->nmarks + 1) * sizeof(*tl->marks));
    tl->marks[tl->nmarks].tick = tick;
    tl->marks[tl->nmarks].text = xasprintf("%.*s", (int)len, msg);
    tl->nmarks++;
}

/* "NAME PRIO |MARKS|": a row of the chart. */
static void add_row(struct timeline *tl, const char *line, size_t len)
{
    const char *first = memchr(line, '|', len), *last = NULL;

    for (const char *p = line; p < line + len; p++)
        if (*p == '|')
            last = p;
    if (first == NULL || last == first || tl->nrows >= MAX_ROWS)
        return;
    size_t label_len = (size_t)(first - line);
    while (label_len > 0 && line[label_len - 1] == ' ')
        label_len--;
    size_t ticks = (size_t)(last - first - 1);
    if (ticks > MAX_TICKS)
        ticks = MAX_TICKS;
    tl->rows = xrealloc(tl->rows, (size_t)(tl->nrows + 1) * sizeof(*tl->rows));
    tl->rows[tl->nrows].label = xasprintf("%.*s", (int)label_len, line);
    tl->rows[tl->nrows].marks = xasprintf("%.*s", (int)ticks, first + 1);
    if ((long)ticks > tl->ticks)
        tl->ticks = (long)ticks;
    tl->nrows++;
}

bool timeline_parse(const char *text, struct timeline *tl)
{
    const char *start = block_start(text), *end;

    memset(tl, 0, sizeof(*tl));
    if (start == NULL)
        return false;
    end = block_end(start);
    for (const char *p = text; p < start;) {
        size_t len = strcspn(p, "\n");
        long tick;
        const char *msg;
        if (is_mark_line(p, len, &tick, &msg))
            add_mark(tl, tick, msg, (size_t)(p + len - msg));
        p += len + (p[len] == '\n');
    }
    for (const char *p = start; p < end;) {
        size_t len = strcspn(p, "\n");
        add_row(tl, p, len);
        p += len + (p[len] == '\n');
    }
    return tl->nrows > 0;
}

void timeline_free(struct timeline *tl)
{
    for (int i = 0; i < tl->nrows; i++) {
        free(tl->rows[i].label);
        free(tl->rows[i].marks);
    }
    for (int i = 0; i < tl->nmarks; i++)
        free(tl->marks[i].text);
    free(tl->rows);
    free(tl->marks);
    memset(tl, 0, sizeof(*tl));
}
