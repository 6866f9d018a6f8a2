/*
 * html_timeline.c - a timeline (lib/timeline.h) drawn as SVG: tasks by row,
 * ticks by column, one coloured cell per mark with its letter in it (the
 * picture says what the text says, also without colour), the ticks that a
 * deadline line names as vertical lines, and the legend. The same SVG is
 * inline in the HTML report and a file of its own (`grader timeline`).
 */
#define _GNU_SOURCE
#include "report/html.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CELL_W 14
#define CELL_H 20
#define CHAR_W 8  /* of the monospace labels */
#define TOP    34 /* room for the tick numbers */

struct mark_style {
    char mark;
    const char *fill, *ink, *meaning;
};

/* The legend of the pimutex RTOS's timeline, in its order. */
static const struct mark_style styles[] = {
    {'#', "#43a047", "#fff", "running"},
    {'=', "#1b5e20", "#fff", "running, holding a mutex"},
    {'-', "#ffe082", "#5d4300", "ready"},
    {'~', "#fb8c00", "#fff", "ready, holding a mutex"},
    {'B', "#e53935", "#fff", "blocked on a mutex"},
    {'S', "#8e24aa", "#fff", "blocked on a semaphore"},
    {'.', "#eceff1", "#90a4ae", "sleeping"},
};

static const struct mark_style *style_of(char c)
{
    for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
        if (styles[i].mark == c)
            return &styles[i];
    return NULL;
}

static void add_cell(struct strbuf *s, int x, int y, char c)
{
    const struct mark_style *st = style_of(c);
    char text[2] = {c, '\0'};

    if (c == ' ')
        return; /* the task was not alive */
    sb_addf(s, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x,
            y, CELL_W - 1, CELL_H - 1, st ? st->fill : "#fff");
    sb_addf(s, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", x + CELL_W / 2, y + CELL_H - 6,
            st ? st->ink : "#000");
    html_escape(s, text);
    sb_adds(s, "</text>");
}

static void add_scale(struct strbuf *s, int left, long ticks)
{
    int step = ticks > 60 ? 10 : 5;

    for (long t = 0; t < ticks; t += step)
        sb_addf(s, "<text x=\"%ld\" y=\"%d\" fill=\"#555\">%ld</text>",
                left + t * CELL_W + CELL_W / 2, TOP - 8, t);
}

/* A deadline line: at the left edge of its tick's column, its message as a tooltip. */
static void add_marks(struct strbuf *s, const struct timeline *tl, int left, int bottom)
{
    for (int i = 0; i < tl->nmarks; i++) {
        const struct timeline_mark *m = &tl->marks[i];
        bool missed = strstr(m->text, "miss") || strstr(m->text, "HALT");
        long x = left + m->tick * CELL_W - 1;
        sb_addf(s, "<g class=\"deadline\"><title>tick %ld: ", m->tick);
        html_escape(s, m->text);
        sb_addf(s,
                "</title><line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"2\" stroke-dasharray=\"4 2\"/></g>",
                x, TOP - 4, x, bottom + 2, missed ? "#b3261e" : "#1e63b3");
    }
}

#define TEXT_W       7.5 /* of a character of the legend's text */
#define LEGEND_MIN_W 640

static int item_width(const char *meaning)
{
    return CELL_W + 4 + (int)((double)strlen(meaning) * TEXT_W) + 16;
}

/* One legend entry at (*x, *y), flowing onto a new line past width. */
static void legend_place(int *x, int *y, int w, int width)
{
    if (*x > 0 && *x + w > width) {
        *x = 0;
        *y += CELL_H + 4;
    }
}

/* The legend under the chart, wrapped at width; returns the y below it. */
static int add_legend(struct strbuf *s, int y, int width)
{
    static const char deadline[] = "a deadline (red: missed)";
    int x = 0;

    for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
        int w = item_width(styles[i].meaning);
        legend_place(&x, &y, w, width);
        add_cell(s, x, y, styles[i].mark);
        sb_addf(s, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%s</text>", x + CELL_W + 4,
                y + CELL_H - 6, styles[i].meaning);
        x += w;
    }
    legend_place(&x, &y, item_width(deadline), width);
    sb_addf(s,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1e63b3\" "
            "stroke-width=\"2\" stroke-dasharray=\"4 2\"/>",
            x + CELL_W / 2, y, x + CELL_W / 2, y + CELL_H);
    sb_addf(s, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%s</text>", x + CELL_W + 4,
            y + CELL_H - 6, deadline);
    return y + CELL_H + 4;
}

/* The deadline lines' messages, one per line under the legend; returns the y below. */
static int add_notes(struct strbuf *s, const struct timeline *tl, int y)
{
    for (int i = 0; i < tl->nmarks; i++) {
        sb_addf(s, "<text class=\"note\" x=\"0\" y=\"%d\" text-anchor=\"start\">tick %ld: ",
                y + CELL_H - 6, tl->marks[i].tick);
        html_escape(s, tl->marks[i].text);
        sb_adds(s, "</text>");
        y += CELL_H - 2;
    }
    return y;
}

void html_timeline_svg(struct strbuf *s, const struct timeline *tl, const char *title)
{
    int label = 0, left, bottom, width;
    struct strbuf body;

    for (int i = 0; i < tl->nrows; i++)
        if ((int)strlen(tl->rows[i].label) > label)
            label = (int)strlen(tl->rows[i].label);
    left = label * CHAR_W + 10;
    bottom = TOP + tl->nrows * CELL_H;
    width = left + (int)tl->ticks * CELL_W + 4;
    if (width < LEGEND_MIN_W)
        width = LEGEND_MIN_W;
    /* the body first: the height is known once the legend has wrapped */
    sb_init(&body);
    add_scale(&body, left, tl->ticks);
    for (int i = 0; i < tl->nrows; i++) {
        const struct timeline_row *r = &tl->rows[i];
        int y = TOP + i * CELL_H;
        sb_addf(&body, "<g class=\"task\"><text x=\"0\" y=\"%d\" text-anchor=\"start\">",
                y + CELL_H - 6);
        html_escape(&body, r->label);
        sb_adds(&body, "</text>");
        for (long t = 0; r->marks[t] != '\0'; t++)
            add_cell(&body, left + (int)t * CELL_W, y, r->marks[t]);
        sb_adds(&body, "</g>");
    }
    add_marks(&body, tl, left, bottom);
    int height = add_notes(&body, tl, add_legend(&body, bottom + 12, width) + 4) + 4;
    sb_addf(s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"monospace\" font-size=\"12\" text-anchor=\"middle\">",
            width, height, width, height);
    sb_adds(s, "<title>");
    html_escape(s, title);
    sb_adds(s, "</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    sb_add(s, body.buf, body.len);
    sb_adds(s, "</svg>\n");
    sb_free(&body);
}

int html_write_timeline(const char *transcript, const char *title, const char *out)
{
    size_t len;
    char *text = read_file_max(transcript, 4 << 20, &len);
    struct timeline tl;
    struct strbuf s;
    int rc;

    if (text == NULL)
        return -1;
    if (!timeline_parse(text, &tl)) {
        free(text);
        errno = EINVAL;
        return -1;
    }
    sb_init(&s);
    html_timeline_svg(&s, &tl, title);
    rc = write_file_atomic(out, s.buf, s.len);
    sb_free(&s);
    timeline_free(&tl);
    free(text);
    return rc;
}
