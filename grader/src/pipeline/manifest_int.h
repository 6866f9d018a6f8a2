/*
 * manifest_int.h - what the two halves of the manifest reader share: the
 * parse state (manifest.c reads the file, its sections and checks them)
 * and the keys (manifest_keys.c: every key and its value). Private to
 * the manifest.
 */
#ifndef OSLABS_MANIFEST_INT_H
#define OSLABS_MANIFEST_INT_H

#include "pipeline/manifest.h"

enum key {
    K_KIND,
    K_POINTS,
    K_TIMEOUT,
    K_DESCRIPTION,
    K_HINT,
    K_VISIBILITY,
    K_TAGS,
    K_RULES,
    K_NEEDS,
    K_FAILED_MEANS,
    K_REQUIRES,
    K_SERIAL,
    K_REPEAT,
    K_CAPS,
    K_ENV,
    K_STDIN,
    K_EXIT,
    K_MEMORY,
    K_NPROC,
    K_FSIZE,
    K_NOFILE,
    K_CPU,
    K_HANG,
    K_DISK_MB,
    K_COMMAND,
    K_BINARY,
    K_CASE,
    K_EXPECT,
    K_NORMALIZE,
    K_STDERR,
    K_TOOL,
    K_LEAKS,
    K_SYSCALLS,
    K_CHECKER,
    K_OBJECT,
    K_MUST,
    K_MUST_ANY,
    K_MUST_NOT,
    K_SUPPRESSIONS,
    K_COUNT
};

struct test_key {
    const char *name;
    enum key key;
    unsigned kinds; /* which kinds it applies to (1u << enum kind) */
};

/* Every key of a [test] section (a test_state counts lines in this order). */
extern const struct test_key test_keys[K_COUNT];

/* Per-test parse state kept beside struct test. */
struct test_state {
    int key_line[K_COUNT]; /* 0: not given */
    bool kind_set;
};

struct parse {
    struct lab *lab;
    const char *file;
    struct strbuf *err;
    int nerr;
    bool hidden;
    /* reader */
    const char *data;
    size_t len, pos;
    int lineno;
    /* current section: -2 none, -1 [lab], >= 0 a test */
    long cur;
    bool seen_section;
    int lab_line;
    int lab_key_line[16]; /* room for every key of [lab] */
    struct test_state *states;
};

/* Reports a problem at line of the file being read. */
void problem(struct parse *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A "key = value" line of the [lab] section, or of the current test's. */
void lab_key(struct parse *ps, const char *name, const char *value);
void test_key(struct parse *ps, const char *name, const char *value);

#endif
