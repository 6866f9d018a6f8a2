/*
 * timeline.h - the timeline block a trace test's program may print at the
 * end of its transcript (the pimutex lab's RTOS does):
 *
 *     timeline: # run, = run holding a mutex, - ready, ...   (legend lines)
 *                  0         1                               (tick scales)
 *                  0123456789012
 *     bc_dist  50 |...BB==......|                            (one row per task)
 *
 * ending at a blank line. Trace lines before it that speak of a deadline
 * ("[  10] HALT: watchdog reset: bc_dist missed its deadline") mark ticks.
 * The trace kind keeps this excerpt as a test's evidence; the HTML report
 * and `grader timeline` draw it.
 */
#ifndef OSLABS_TIMELINE_H
#define OSLABS_TIMELINE_H

#include <stdbool.h>

struct timeline_row {
    char *label; /* "bc_dist  50": the task and its base priority */
    char *marks; /* one character per tick */
};

struct timeline_mark {
    long tick;
    char *text; /* the trace line's message */
};

struct timeline {
    struct timeline_row *rows;
    int nrows;
    struct timeline_mark *marks;
    int nmarks;
    long ticks; /* columns: the longest row */
};

/* The deadline lines of text, then its timeline block; NULL when it has no block. */
char *timeline_excerpt(const char *text);

/* Reads a timeline (an excerpt, or a whole transcript); false when text has none. */
bool timeline_parse(const char *text, struct timeline *tl);

void timeline_free(struct timeline *tl);

#endif
