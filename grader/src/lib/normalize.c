/*
 * normalize.c - the trace normalisers: pids, whitespace, sort.
 */
#define _GNU_SOURCE
#include "lib/normalize.h"
#include "lib/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "(12345)" -> "(PID)": every parenthesised decimal number. */
static char *norm_pids(const char *s)
{
    struct strbuf out;

    sb_init(&out);
    while (*s != '\0') {
        if (*s == '(' && isdigit((unsigned char)s[1])) {
            const char *p = s + 1;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p == ')') {
                sb_adds(&out, "(PID)");
                s = p + 1;
                continue;
            }
        }
        sb_add(&out, s++, 1);
    }
    return sb_detach(&out);
}

/* Blanks collapse to one space, line ends are trimmed, trailing blank lines go. */
static char *norm_whitespace(const char *s)
{
    struct strbuf out;

    sb_init(&out);
    while (*s != '\0') {
        const char *eol = strchrnul(s, '\n');
        size_t start = out.len;
        bool blank = false;

        for (const char *p = s; p < eol; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\r') {
                blank = true;
                continue;
            }
            if (blank && out.len > start)
                sb_adds(&out, " ");
            blank = false;
            sb_add(&out, p, 1);
        }
        sb_adds(&out, "\n");
        s = *eol ? eol + 1 : eol;
    }
    while (out.len > 0 && out.buf[out.len - 1] == '\n' &&
           (out.len == 1 || out.buf[out.len - 2] == '\n'))
        out.buf[--out.len] = '\0';
    return sb_detach(&out);
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *norm_sort(const char *s)
{
    struct strv lines;
    struct strbuf out;

    sv_init(&lines);
    while (*s != '\0') {
        const char *eol = strchrnul(s, '\n');
        char *line = strndup(s, (size_t)(eol - s));
        if (line == NULL)
            die("out of memory");
        sv_push(&lines, line);
        free(line);
        s = *eol ? eol + 1 : eol;
    }
    qsort(lines.v, lines.n, sizeof(char *), cmp_lines);
    sb_init(&out);
    for (size_t i = 0; i < lines.n; i++) {
        sb_adds(&out, lines.v[i]);
        sb_adds(&out, "\n");
    }
    sv_free(&lines);
    return sb_detach(&out);
}

char *normalize_text(const char *text, size_t len, unsigned flags)
{
    char *s = utf8_sanitize(text, len);
    char *next;

    if (flags & NORM_PIDS) {
        next = norm_pids(s);
        free(s);
        s = next;
    }
    if (flags & NORM_WHITESPACE) {
        next = norm_whitespace(s);
        free(s);
        s = next;
    }
    if (flags & NORM_SORT) {
        next = norm_sort(s);
        free(s);
        s = next;
    }
    return s;
}

int first_difference(const char *a, const char *b)
{
    int line = 1;

    while (*a != '\0' || *b != '\0') {
        if (*a != *b)
            return line;
        if (*a == '\n')
            line++;
        a++;
        b++;
    }
    return 0;
}
