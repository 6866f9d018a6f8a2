/*
 * timeline.c - records one mark per task per tick and prints the chart.
 *
 * A column is one tick of virtual time: the marks say what each task was
 * doing while that tick passed (states change only between ticks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

static char mark_of(const rt_task_t *t)
{
    switch (t->state) {
    case TS_RUNNING:
        return t->holding > 0 ? '=' : '#';
    case TS_READY:
        return t->holding > 0 ? '~' : '-';
    case TS_BLOCKED:
        return 'B';
    case TS_SEMA:
        return 'S';
    case TS_SLEEPING:
        return '.';
    case TS_EXITED:
        break;
    }
    return ' ';
}

/* Appends, for every task, its mark for the tick k.now. */
void timeline_record_tick(void)
{
    for (int i = 0; i < k.ntasks; i++) {
        rt_task_t *t = k.tasks[i];
        size_t want = (size_t)k.now + 1;
        char *row = realloc(t->row, want);

        if (row == NULL)
            kern_panic("timeline: out of memory");
        if (t->row_len < (size_t)k.now)
            memset(row + t->row_len, ' ', (size_t)k.now - t->row_len);
        row[k.now] = mark_of(t);
        t->row = row;
        t->row_len = want;
    }
}

void timeline_free(void)
{
    for (int i = 0; i < k.ntasks; i++) {
        free(k.tasks[i]->row);
        k.tasks[i]->row = NULL;
        k.tasks[i]->row_len = 0;
    }
}

static int row_is_blank(const rt_task_t *t)
{
    for (size_t i = 0; i < t->row_len; i++)
        if (t->row[i] != ' ')
            return 0;
    return 1;
}

static void print_scale(int label_width, long ticks, int tens)
{
    printf("%*s", label_width + 2, "");
    for (long t = 0; t < ticks; t++) {
        if (tens)
            putchar(t % 10 == 0 ? (char)('0' + (t / 10) % 10) : ' ');
        else
            putchar((char)('0' + t % 10));
    }
    printf("\n");
}

void rt_print_timeline(void)
{
    int width = 0;

    if (k.now == 0 || k.ntasks == 0)
        return;
    for (int i = 0; i < k.ntasks; i++) {
        int w = (int)strlen(k.tasks[i]->name) + 3;

        if (w > width)
            width = w;
    }
    printf("\ntimeline: # run, = run holding a mutex, - ready, ~ ready holding a mutex,\n"
           "          B blocked on a mutex, S blocked on a semaphore, . sleeping\n");
    print_scale(width, k.now, 1);
    print_scale(width, k.now, 0);
    for (int i = 0; i < k.ntasks; i++) {
        const rt_task_t *t = k.tasks[i];
        int pad = width - (int)strlen(t->name) - 3;

        if (row_is_blank(t))
            continue; /* never alive while time passed */

        printf("%s%*s %2d |", t->name, pad, "", t->base);
        for (long c = 0; c < k.now; c++)
            putchar(c < (long)t->row_len ? t->row[c] : ' ');
        printf("|\n");
    }
}
