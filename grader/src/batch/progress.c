/*
 * progress.c - what a batch shows while it runs: a progress bar with the
 * rate and ETA on a terminal, a line per student (per failure on a tty).
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"

#include <stdio.h>
#include <string.h>

void progress_done(struct batch *b, const struct student *s, const struct verdict *v,
                   double seconds)
{
    if (b->tty)
        fprintf(stderr, "\r\033[K");
    if (!b->tty || strcmp(v->status, "graded") != 0)
        printf("[%zu/%zu] %s: %g/%g %s%s%s (%.1f s)\n", b->done, b->todo, s->name, v->score, v->max,
               v->status, v->reason[0] ? ": " : "", v->reason, seconds);
    fflush(stdout);
}

void progress_show(const struct batch *b)
{
    double elapsed = now_seconds() - b->t0;
    double rate = elapsed > 0 ? (double)b->done * 60.0 / elapsed : 0;
    int width = 30, filled = b->todo ? (int)((double)width * (double)b->done / (double)b->todo) : 0;
    char eta[32] = "--";

    if (!b->tty)
        return;
    if (b->done > 0) {
        double left = elapsed / (double)b->done * (double)(b->todo - b->done);
        snprintf(eta, sizeof(eta), "%dm%02ds", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r\033[K[");
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu  %.1f/min  ETA %s  failures %zu", b->done, b->todo, rate, eta,
            b->failures);
    fflush(stderr);
}
