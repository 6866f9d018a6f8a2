/*
 * trace.c - reads the output of `strace -f -X raw -xx -o FILE` into calls.
 *
 * Each line is "TID name(args) = result", or, when threads interleave,
 * "TID name(args <unfinished ...>" followed later by
 * "TID <... name resumed>rest) = result". The two halves are joined; the call
 * keeps both line numbers (where it started and where it ended), since an
 * fsync covers only the writes that completed before it started. With -xx
 * every string is hex-escaped, so no quote, comma or parenthesis inside a
 * string can confuse the parser.
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unfinished {
    int tid;
    char name[32];
    char *text;
    long entry;
};

static struct unfinished *waiting;
static size_t nwaiting;

static const char UNFINISHED[] = " <unfinished ...>";

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Index of the parenthesis closing the call's argument list in text (which
 * starts just after the opening one), or -1. */
static long closing_paren(const char *text)
{
    int depth = 1;

    for (long i = 0; text[i] != '\0'; i++) {
        char c = text[i];
        if (c == '"') {
            for (i++; text[i] != '\0' && text[i] != '"'; i++)
                if (text[i] == '\\' && text[i + 1] != '\0')
                    i++;
            if (text[i] == '\0')
                return -1;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (--depth == 0)
                return c == ')' ? i : -1;
        }
    }
    return -1;
}

/* Adds the call whose text (after "name(") is complete. */
static void add_call(struct calls *out, int tid, const char *name, const char *text, long entry,
                     long exit)
{
    long close = closing_paren(text);
    struct call c = {.tid = tid, .entry = entry, .exit = exit};
    const char *r;

    if (close < 0)
        return; /* a line we do not understand, e.g. cut by a killed process */
    snprintf(c.name, sizeof(c.name), "%s", name);
    c.args = strndup(text, (size_t)close);
    if (c.args == NULL)
        die("out of memory");
    r = text + close + 1;
    while (*r == ' ')
        r++;
    if (*r != '=')
        return free(c.args);
    r++;
    while (*r == ' ')
        r++;
    if (*r == '?') {
        c.ok = false;
    } else {
        char *end;
        c.ret = strtoll(r, &end, 0);
        c.ok = end != r && c.ret >= 0;
        if (!c.ok) {
            while (*end == ' ')
                end++;
            size_t k = strcspn(end, " ");
            c.err_name = strndup(end, k);
        }
    }
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 256;
        out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    out->v[out->n++] = c;
}

static struct unfinished *find_waiting(int tid)
{
    for (size_t i = 0; i < nwaiting; i++)
        if (waiting[i].tid == tid)
            return &waiting[i];
    return NULL;
}

static void wait_for_rest(int tid, const char *name, const char *text, long entry)
{
    struct unfinished *u = find_waiting(tid);

    if (u == NULL) {
        waiting = xrealloc(waiting, (nwaiting + 1) * sizeof(*waiting));
        u = &waiting[nwaiting++];
    } else {
        free(u->text);
    }
    u->tid = tid;
    snprintf(u->name, sizeof(u->name), "%s", name);
    u->text = xstrdup(text);
    u->entry = entry;
}

static void parse_line(struct calls *out, char *line, long lineno)
{
    char *p = line, name[32];
    int tid = 0;
    size_t k;

    while (isdigit((unsigned char)*p))
        tid = tid * 10 + (*p++ - '0');
    while (*p == ' ')
        p++;
    if (strncmp(p, "+++", 3) == 0 || strncmp(p, "---", 3) == 0 || *p == '\0')
        return;
    if (strncmp(p, "<... ", 5) == 0) {
        /* "<... name resumed>rest": join with the unfinished half */
        char *gt = strstr(p, " resumed>");
        struct unfinished *u = find_waiting(tid);
        if (gt == NULL || u == NULL)
            return;
        char *whole = xasprintf("%s%s", u->text, gt + strlen(" resumed>"));
        long entry = u->entry;
        snprintf(name, sizeof(name), "%s", u->name);
        free(u->text);
        *u = waiting[--nwaiting];
        if (ends_with(whole, UNFINISHED)) {
            whole[strlen(whole) - strlen(UNFINISHED)] = '\0';
            wait_for_rest(tid, name, whole, entry);
        } else {
            add_call(out, tid, name, whole, entry, lineno);
        }
        free(whole);
        return;
    }
    k = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (k == 0 || k >= sizeof(name) || p[k] != '(')
        return;
    memcpy(name, p, k);
    name[k] = '\0';
    p += k + 1;
    if (ends_with(p, UNFINISHED)) {
        p[strlen(p) - strlen(UNFINISHED)] = '\0';
        wait_for_rest(tid, name, p, lineno);
        return;
    }
    add_call(out, tid, name, p, lineno, lineno);
}

void trace_read(const char *file, struct calls *out)
{
    FILE *f = fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;

    if (f == NULL)
        die("cannot read the trace %s", file);
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        parse_line(out, line, lineno);
    }
    free(line);
    fclose(f);
    for (size_t i = 0; i < nwaiting; i++)
        free(waiting[i].text);
    free(waiting);
    waiting = NULL;
    nwaiting = 0;
}

int trace_split_args(char *buf, char **argv, int max)
{
    int n = 0, depth = 0;
    char *start = buf;

    for (char *p = buf;; p++) {
        if (*p == '"') {
            for (p++; *p != '\0' && *p != '"'; p++)
                if (*p == '\\' && p[1] != '\0')
                    p++;
            if (*p == '\0')
                p--;
        } else if (*p == '(' || *p == '[' || *p == '{') {
            depth++;
        } else if (*p == ')' || *p == ']' || *p == '}') {
            depth--;
        } else if ((*p == ',' && depth == 0) || *p == '\0') {
            bool last = *p == '\0';
            *p = '\0';
            while (*start == ' ')
                start++;
            if (n < max && (*start != '\0' || !last || n > 0))
                argv[n++] = start;
            if (last)
                break;
            start = p + 1;
        }
    }
    return n;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool trace_string(const char *arg, struct bytes *out)
{
    const char *p = arg;

    out->n = 0;
    while (*p == ' ')
        p++;
    if (*p != '"')
        return false;
    for (p++; *p != '"'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0')
            return false;
        if (c == '\\') {
            p++;
            switch (*p) {
            case 'x':
                if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
                    return false;
                c = (unsigned char)(hexval(p[1]) * 16 + hexval(p[2]));
                p += 2;
                break;
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case 'v':
                c = '\v';
                break;
            case 'f':
                c = '\f';
                break;
            case 'a':
                c = '\a';
                break;
            case 'b':
                c = '\b';
                break;
            case '\\':
                c = '\\';
                break;
            case '"':
                c = '"';
                break;
            default:
                if (*p >= '0' && *p <= '7') {
                    int v = 0, i = 0;
                    for (; i < 3 && p[i] >= '0' && p[i] <= '7'; i++)
                        v = v * 8 + (p[i] - '0');
                    p += i - 1;
                    c = (unsigned char)v;
                } else {
                    return false;
                }
            }
        }
        bytes_append(out, &c, 1);
    }
    return strncmp(p + 1, "...", 3) != 0; /* "..." after the quote: cut by -s */
}

long long trace_number(const char *arg)
{
    long long v = 0;
    const char *p = arg;

    while (*p == ' ')
        p++;
    if (strncmp(p, "AT_FDCWD", 8) == 0)
        return -100;
    for (;;) {
        char *end;
        v |= strtoll(p, &end, 0);
        if (end == p || *end != '|')
            break;
        p = end + 1;
    }
    return v;
}

long long trace_field(const char *arg, const char *key, long long dflt)
{
    size_t k = strlen(key);

    for (const char *p = strstr(arg, key); p != NULL; p = strstr(p + 1, key)) {
        bool starts = p == arg || p[-1] == '{' || p[-1] == ' ' || p[-1] == ',';
        if (starts && p[k] == '=')
            return trace_number(p + k + 1);
    }
    return dflt;
}
