/*
 * util.h - small helpers shared by the grader's modules: allocation that
 * dies on exhaustion, growable strings and string vectors, strict number
 * parsing, shell-like word splitting and time.
 */
#ifndef OSLABS_UTIL_H
#define OSLABS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The grader's exit status for a usage or setup error (MANUAL.md, "Exit status"). */
#define EXIT_USAGE 1

/* Allocation: out of memory is an internal error (exit 2). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* "grader: MESSAGE" on stderr, then usage (if not NULL); returns EXIT_USAGE. */
int usage_fail(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports an internal error and exits with status 2. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A growable byte string, always NUL-terminated. */
struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

void sb_init(struct strbuf *s);
void sb_free(struct strbuf *s);
void sb_reset(struct strbuf *s);
void sb_add(struct strbuf *s, const void *data, size_t len);
void sb_adds(struct strbuf *s, const char *str);
void sb_addf(struct strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *s, const char *fmt, va_list ap);
char *sb_detach(struct strbuf *s);

/* A NULL-terminated vector of owned strings. */
struct strv {
    char **v;
    size_t n;
};

void sv_init(struct strv *sv);
void sv_free(struct strv *sv);
void sv_push(struct strv *sv, const char *s);
void sv_pushf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sv_extend(struct strv *sv, const struct strv *other);
bool sv_contains(const struct strv *sv, const char *s);
/* Splits on blanks into sv (appending). */
void sv_split_blanks(struct strv *sv, const char *s);

/*
 * Splits a command line into words like a POSIX shell would, honouring
 * single and double quotes and backslash escapes, with no other expansion.
 * On error, returns -1, sets *err to a static message and leaves sv as is.
 */
int split_words(const char *line, struct strv *sv, const char **err);

/* Replaces every "$NAME" of the given names in s; returns a new string. */
char *expand_vars(const char *s, const char *const *names, const char *const *values, size_t n);

/* Strict parsing: the whole string must be a number within the bounds. */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double min, double max, double *out);
int parse_bool(const char *s, bool *out);

/*
 * --jobs (in [1, 64]) or --repeat (in [1, 1000]), for `grader run` and
 * `grader batch` alike: 0, or -1 with the message in msg.
 */
int parse_count_option(const char *name, const char *arg, int *out, char *msg, size_t len);

/* Seconds since an arbitrary point, from CLOCK_MONOTONIC. */
double now_seconds(void);

/* Copies s with invalid UTF-8 and control characters other than \n and \t
 * replaced, so that every report format can carry it. */
char *utf8_sanitize(const char *s, size_t len);

/* Name of a signal ("SIGSEGV"), or "signal N". */
const char *signal_name(int sig, char *buf, size_t len);

/* True when name is a non-empty run of [A-Za-z0-9_.-]. */
bool valid_name(const char *name);

#endif
