/*
 * util.c - allocation, strings, number parsing and word splitting.
 */
#define _GNU_SOURCE
#include "lib/util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void die(const char *fmt, ...)
{
    va_list ap;

    fputs("grader: internal error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

char *xvasprintf(const char *fmt, va_list ap)
{
    struct strbuf s;

    sb_init(&s);
    sb_vaddf(&s, fmt, ap);
    return sb_detach(&s);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void sb_init(struct strbuf *s)
{
    s->cap = 64;
    s->len = 0;
    s->buf = xmalloc(s->cap);
    s->buf[0] = '\0';
}

void sb_free(struct strbuf *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

void sb_reset(struct strbuf *s)
{
    s->len = 0;
    s->buf[0] = '\0';
}

static void sb_grow(struct strbuf *s, size_t extra)
{
    if (s->len + extra + 1 <= s->cap)
        return;
    while (s->len + extra + 1 > s->cap)
        s->cap *= 2;
    s->buf = xrealloc(s->buf, s->cap);
}

void sb_add(struct strbuf *s, const void *data, size_t len)
{
    sb_grow(s, len);
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
}

void sb_adds(struct strbuf *s, const char *str)
{
    sb_add(s, str, strlen(str));
}

void sb_vaddf(struct strbuf *s, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, copy);
    va_end(copy);
    if (n < 0)
        die("vsnprintf failed");
    if ((size_t)n >= s->cap - s->len) {
        sb_grow(s, (size_t)n);
        vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    }
    s->len += (size_t)n;
}

void sb_addf(struct strbuf *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sb_vaddf(s, fmt, ap);
    va_end(ap);
}

char *sb_detach(struct strbuf *s)
{
    char *p = s->buf;

    s->buf = NULL;
    s->len = s->cap = 0;
    return p;
}

void sv_init(struct strv *sv)
{
    sv->n = 0;
    sv->v = xcalloc(1, sizeof(char *));
}

void sv_free(struct strv *sv)
{
    if (sv->v == NULL)
        return;
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

void sv_push(struct strv *sv, const char *s)
{
    if (sv->v == NULL)
        sv_init(sv);
    sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof(char *));
    sv->v[sv->n++] = xstrdup(s);
    sv->v[sv->n] = NULL;
}

void sv_pushf(struct strv *sv, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    sv_push(sv, s);
    free(s);
}

void sv_extend(struct strv *sv, const struct strv *other)
{
    for (size_t i = 0; i < other->n; i++)
        sv_push(sv, other->v[i]);
}

bool sv_contains(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

void sv_split_blanks(struct strv *sv, const char *s)
{
    const char *p = s;

    if (sv->v == NULL)
        sv_init(sv);
    while (*p != '\0') {
        size_t n;

        p += strspn(p, " \t");
        n = strcspn(p, " \t");
        if (n > 0) {
            char *w = strndup(p, n);

            if (w == NULL)
                die("out of memory");
            sv_push(sv, w);
            free(w);
        }
        p += n;
    }
}

/* One word of split_words, starting at *pp (not at a blank). */
static int split_one(const char **pp, struct strbuf *w, const char **err)
{
    const char *p = *pp;

    while (*p != '\0' && *p != ' ' && *p != '\t') {
        if (*p == '\'') {
            const char *end = strchr(p + 1, '\'');
            if (end == NULL) {
                *err = "unterminated single quote";
                return -1;
            }
            sb_add(w, p + 1, (size_t)(end - p - 1));
            p = end + 1;
        } else if (*p == '"') {
            for (p++; *p != '"'; p++) {
                if (*p == '\0') {
                    *err = "unterminated double quote";
                    return -1;
                }
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
                    p++;
                sb_add(w, p, 1);
            }
            p++;
        } else if (*p == '\\') {
            if (p[1] == '\0') {
                *err = "backslash at end of line";
                return -1;
            }
            sb_add(w, p + 1, 1);
            p += 2;
        } else {
            sb_add(w, p++, 1);
        }
    }
    *pp = p;
    return 0;
}

int split_words(const char *line, struct strv *sv, const char **err)
{
    struct strv out;
    struct strbuf w;
    const char *p = line;

    sv_init(&out);
    sb_init(&w);
    for (;;) {
        p += strspn(p, " \t");
        if (*p == '\0')
            break;
        sb_reset(&w);
        if (split_one(&p, &w, err) < 0) {
            sb_free(&w);
            sv_free(&out);
            return -1;
        }
        sv_push(&out, w.buf);
    }
    sb_free(&w);
    if (sv->v == NULL)
        sv_init(sv);
    sv_extend(sv, &out);
    sv_free(&out);
    return 0;
}

char *expand_vars(const char *s, const char *const *names, const char *const *values, size_t n)
{
    struct strbuf out;

    sb_init(&out);
    while (*s != '\0') {
        size_t i;

        if (*s == '$') {
            for (i = 0; i < n; i++) {
                size_t len = strlen(names[i]);
                char next = s[1 + len];

                if (strncmp(s + 1, names[i], len) == 0 &&
                    !(next == '_' || (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') ||
                      (next >= '0' && next <= '9'))) {
                    sb_adds(&out, values[i]);
                    s += 1 + len;
                    break;
                }
            }
            if (i < n)
                continue;
        }
        sb_add(&out, s++, 1);
    }
    return sb_detach(&out);
}

int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
    size_t n;
    unsigned min;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xE0) == 0xC0) {
        n = 2, cp = p[0] & 0x1F, min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3, cp = p[0] & 0x0F, min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4, cp = p[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

char *utf8_sanitize(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    struct strbuf out;
    size_t i = 0;

    sb_init(&out);
    while (i < len) {
        size_t n = utf8_seq_len(p + i, len - i);

        if (n == 0) {
            sb_adds(&out, "\xEF\xBF\xBD"); /* U+FFFD */
            i++;
        } else if (n == 1 && p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') {
            sb_addf(&out, "^%c", p[i] == 0x7F ? '?' : p[i] + '@');
            i++;
        } else if (n == 1 && p[i] == 0x7F) {
            sb_adds(&out, "^?");
            i++;
        } else {
            sb_add(&out, p + i, n);
            i += n;
        }
    }
    return sb_detach(&out);
}

const char *signal_name(int sig, char *buf, size_t len)
{
    const char *abbrev = sigabbrev_np(sig);

    if (abbrev != NULL)
        snprintf(buf, len, "SIG%s", abbrev);
    else
        snprintf(buf, len, "signal %d", sig);
    return buf;
}

bool valid_name(const char *name)
{
    if (*name == '\0')
        return false;
    for (const char *p = name; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return name[0] != '-' && name[0] != '.';
}

int parse_count_option(const char *name, const char *arg, int *out, char *msg, size_t len)
{
    long max = strcmp(name, "jobs") == 0 ? 64 : 1000, n;

    if (parse_long(arg, 1, max, &n) < 0) {
        snprintf(msg, len, "--%s: '%s' is not a number in [1, %ld]", name, arg, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

int usage_fail(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("grader: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    if (usage != NULL)
        fputs(usage, stderr);
    return EXIT_USAGE;
}
