/*
 * manifest_keys.c - the keys of lab.ini: which kinds each applies to, and
 * how each value is read into struct lab or struct test (every problem
 * named with its line).
 */
#define _GNU_SOURCE
#include "pipeline/manifest_int.h"
#include "kinds/kinds.h"

#include <stdlib.h>
#include <string.h>

/* A test's disk quota in MiB: room for a build's worth of files, at most 64 GiB. */
#define DISK_MB_MIN 16
#define DISK_MB_MAX 65536

/* Which kinds a key applies to. */
#define ALL_KINDS 0x3F
#define PROGRAM_KINDS                                                                              \
    ((1u << KIND_CMOCKA) | (1u << KIND_EXEC) | (1u << KIND_TRACE) | (1u << KIND_VALGRIND) |        \
     (1u << KIND_STRACE))

const struct test_key test_keys[K_COUNT] = {
    {"kind", K_KIND, ALL_KINDS},
    {"points", K_POINTS, ALL_KINDS},
    {"timeout", K_TIMEOUT, ALL_KINDS},
    {"description", K_DESCRIPTION, ALL_KINDS},
    {"hint", K_HINT, ALL_KINDS},
    {"visibility", K_VISIBILITY, ALL_KINDS},
    {"tags", K_TAGS, ALL_KINDS},
    {"rules", K_RULES, ALL_KINDS},
    {"needs", K_NEEDS, ALL_KINDS},
    {"failed_means", K_FAILED_MEANS, ALL_KINDS},
    {"requires", K_REQUIRES, ALL_KINDS},
    {"serial", K_SERIAL, ALL_KINDS},
    {"repeat", K_REPEAT, ALL_KINDS},
    {"caps", K_CAPS, PROGRAM_KINDS},
    {"env", K_ENV, PROGRAM_KINDS},
    {"stdin", K_STDIN, PROGRAM_KINDS},
    {"exit", K_EXIT, PROGRAM_KINDS},
    {"memory", K_MEMORY, PROGRAM_KINDS},
    {"nproc", K_NPROC, PROGRAM_KINDS},
    {"fsize", K_FSIZE, PROGRAM_KINDS},
    {"nofile", K_NOFILE, PROGRAM_KINDS},
    {"cpu", K_CPU, PROGRAM_KINDS},
    {"hang", K_HANG, PROGRAM_KINDS},
    {"command", K_COMMAND, PROGRAM_KINDS & ~(1u << KIND_CMOCKA)},
    {"binary", K_BINARY, PROGRAM_KINDS & ~(1u << KIND_TRACE)},
    {"case", K_CASE, PROGRAM_KINDS & ~(1u << KIND_TRACE)},
    {"expect", K_EXPECT, 1u << KIND_TRACE},
    {"normalize", K_NORMALIZE, 1u << KIND_TRACE},
    {"stderr", K_STDERR, 1u << KIND_TRACE},
    {"tool", K_TOOL, 1u << KIND_VALGRIND},
    {"leaks", K_LEAKS, 1u << KIND_VALGRIND},
    {"suppressions", K_SUPPRESSIONS, 1u << KIND_VALGRIND},
    {"syscalls", K_SYSCALLS, 1u << KIND_STRACE},
    {"checker", K_CHECKER, 1u << KIND_STRACE},
    {"object", K_OBJECT, 1u << KIND_SYMBOLS},
    {"must", K_MUST, 1u << KIND_SYMBOLS},
    {"must_any", K_MUST_ANY, 1u << KIND_SYMBOLS},
    {"must_not", K_MUST_NOT, 1u << KIND_SYMBOLS},
    {"disk_mb", K_DISK_MB, PROGRAM_KINDS},
};

static const char *const vis_names[] = {"visible", "hidden", "after_due_date", "after_published"};

const char *visibility_name(enum visibility v)
{
    return vis_names[v];
}

static int feature_bit(const char *word)
{
    for (int i = 0; i < FEAT_COUNT; i++)
        if (strcmp(word, feature_name(1u << i)) == 0)
            return 1 << i;
    return 0;
}

/* Parses a list of words against names; returns -1 naming the bad word. */
static int parse_flags(struct parse *ps, const char *value, const char *const *names,
                       const unsigned *bits, size_t n, unsigned *out, const char *what)
{
    struct strv words;
    int rc = 0;

    sv_init(&words);
    sv_split_blanks(&words, value);
    *out = 0;
    for (size_t i = 0; i < words.n; i++) {
        size_t j;
        for (j = 0; j < n; j++)
            if (strcmp(words.v[i], names[j]) == 0)
                break;
        if (j == n) {
            problem(ps, ps->lineno, "unknown %s '%s'", what, words.v[i]);
            rc = -1;
        } else {
            *out |= bits[j];
        }
    }
    sv_free(&words);
    return rc;
}

static int pick(const char *value, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return (int)i;
    return -1;
}

static void set_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

static void set_long(struct parse *ps, long *field, const char *value, long min, long max,
                     const char *key)
{
    if (parse_long(value, min, max, field) < 0)
        problem(ps, ps->lineno, "%s: '%s' is not a whole number in [%ld, %ld]", key, value, min,
                max);
}

static void set_program_words(struct parse *ps, char **field, const char *value, const char *key)
{
    struct strv words;
    const char *why;

    sv_init(&words);
    if (split_words(value, &words, &why) < 0)
        problem(ps, ps->lineno, "%s: %s", key, why);
    else if (words.n == 0)
        problem(ps, ps->lineno, "%s: empty", key);
    sv_free(&words);
    set_string(field, value);
}

static void set_requires(struct parse *ps, struct test *t, const char *value)
{
    struct strv words;

    sv_init(&words);
    sv_split_blanks(&words, value);
    t->requires = 0;
    for (size_t i = 0; i < words.n; i++) {
        int bit = feature_bit(words.v[i]);
        if (bit == 0)
            problem(ps, ps->lineno,
                    "requires: unknown feature '%s' (sched_fifo, ptrace, valgrind, strace, gdb, "
                    "dash, sqlite3, userns)",
                    words.v[i]);
        t->requires |= (unsigned)bit;
    }
    sv_free(&words);
}

/* rules = R1 R4: each word a rule id of the handout, R and a number from 1, once. */
static void set_rules(struct parse *ps, struct test *t, const char *value)
{
    struct strv words;
    long n;

    sv_init(&words);
    sv_split_blanks(&words, value);
    if (words.n == 0)
        problem(ps, ps->lineno, "rules: empty (rule ids such as R1 R4)");
    for (size_t i = 0; i < words.n; i++) {
        const char *w = words.v[i];
        if (w[0] != 'R' || w[1] < '1' || w[1] > '9' || parse_long(w + 1, 1, 9999, &n) < 0)
            problem(ps, ps->lineno, "rules: '%s' is not a rule id (R1, R2, ...)", w);
        else if (sv_contains(&t->rules, w))
            problem(ps, ps->lineno, "rules: '%s' given twice", w);
        else
            sv_push(&t->rules, w);
    }
    sv_free(&words);
}

/* needs = TEST...: test names, each once (manifest.c checks that they exist). */
static void set_needs(struct parse *ps, struct test *t, const char *value)
{
    struct strv words;

    sv_init(&words);
    sv_split_blanks(&words, value);
    if (words.n == 0)
        problem(ps, ps->lineno, "needs: empty (names of tests this one builds on)");
    for (size_t i = 0; i < words.n; i++) {
        if (!valid_name(words.v[i]))
            problem(ps, ps->lineno, "needs: '%s' is not a test name", words.v[i]);
        else if (sv_contains(&t->needs, words.v[i]))
            problem(ps, ps->lineno, "needs: '%s' given twice", words.v[i]);
        else
            sv_push(&t->needs, words.v[i]);
    }
    sv_free(&words);
}

static void set_kind(struct parse *ps, struct test *t, struct test_state *st, const char *value)
{
    int k = kind_lookup(value);

    if (k < 0) {
        problem(ps, ps->lineno,
                "unknown kind '%s' (cmocka, exec, trace, valgrind, strace, symbols)", value);
        return;
    }
    t->kind = (enum kind)k;
    st->kind_set = true;
}

static void set_visibility(struct parse *ps, struct test *t, const char *value)
{
    int v = pick(value, vis_names, ARRAY_LEN(vis_names));

    if (v < 0 && strcmp(value, "after_due") == 0)
        v = VIS_AFTER_DUE;
    if (v < 0)
        problem(ps, ps->lineno,
                "visibility: '%s' is not visible, hidden, after_due_date or after_published",
                value);
    else
        t->visibility = (enum visibility)v;
}

static void set_choice(struct parse *ps, int *field, const char *value, const char *const *names,
                       size_t n, const char *key)
{
    int v = pick(value, names, n);

    if (v < 0)
        problem(ps, ps->lineno, "%s: unknown value '%s'", key, value);
    else
        *field = v;
}

/* Keys of every kind: kind, points, timeout, ... repeat. */
static void set_common_key(struct parse *ps, struct test *t, struct test_state *st, enum key key,
                           const char *value)
{
    long n;

    switch (key) {
    case K_KIND:
        set_kind(ps, t, st, value);
        break;
    case K_POINTS:
        if (parse_double(value, 0, 1e6, &t->points) < 0)
            problem(ps, ps->lineno, "points: '%s' is not a number >= 0", value);
        break;
    case K_TIMEOUT:
        if (parse_double(value, 0.1, 3600, &t->timeout) < 0)
            problem(ps, ps->lineno, "timeout: '%s' is not a number of seconds in [0.1, 3600]",
                    value);
        break;
    case K_DESCRIPTION:
        set_string(&t->description, value);
        break;
    case K_HINT:
        set_string(&t->hint, value);
        break;
    case K_VISIBILITY:
        set_visibility(ps, t, value);
        break;
    case K_TAGS:
        sv_split_blanks(&t->tags, value);
        break;
    case K_REQUIRES:
        set_requires(ps, t, value);
        break;
    case K_RULES:
        set_rules(ps, t, value);
        break;
    case K_NEEDS:
        set_needs(ps, t, value);
        break;
    case K_FAILED_MEANS:
        set_string(&t->failed_means, value);
        break;
    case K_SERIAL:
        if (parse_bool(value, &t->serial) < 0)
            problem(ps, ps->lineno, "serial: '%s' is not yes or no", value);
        break;
    case K_REPEAT:
        set_long(ps, &n, value, 1, 1000, "repeat");
        t->repeat = (int)n;
        break;
    default:
        break;
    }
}

/* Keys of the kinds that run a program: its limits, environment and argv. */
static void set_program_key(struct parse *ps, struct test *t, enum key key, const char *value)
{
    static const char *const cap_names[] = {"sys_nice", "ipc_lock"};
    static const unsigned cap_bits[] = {CAPF_SYS_NICE, CAPF_IPC_LOCK};
    static const char *const hang_names[] = {"off", "on", "driver"}; /* enum box_hang */
    long n;
    int choice;

    switch (key) {
    case K_CAPS:
        parse_flags(ps, value, cap_names, cap_bits, 2, &t->caps, "capability");
        break;
    case K_ENV: {
        struct strv words;
        sv_init(&words);
        sv_split_blanks(&words, value);
        for (size_t i = 0; i < words.n; i++) {
            if (strchr(words.v[i], '=') == NULL || words.v[i][0] == '=')
                problem(ps, ps->lineno, "env: '%s' is not NAME=value", words.v[i]);
            sv_push(&t->env, words.v[i]);
        }
        sv_free(&words);
        break;
    }
    case K_STDIN:
        set_string(&t->stdin_file, value);
        break;
    case K_EXIT:
        if (strcmp(value, "any") == 0)
            t->exit_status = -1;
        else if (parse_long(value, 0, 255, &n) < 0)
            problem(ps, ps->lineno, "exit: '%s' is not a status in [0, 255] or 'any'", value);
        else
            t->exit_status = (int)n;
        break;
    case K_MEMORY:
        set_long(ps, &t->memory_mb, value, 0, 1L << 20, "memory");
        break;
    case K_NPROC:
        set_long(ps, &t->nproc, value, 1, 100000, "nproc");
        break;
    case K_FSIZE:
        set_long(ps, &t->fsize_mb, value, 1, 1L << 20, "fsize");
        break;
    case K_NOFILE:
        set_long(ps, &t->nofile, value, 8, 65536, "nofile");
        break;
    case K_CPU:
        if (parse_double(value, 0.1, 3600, &t->cpu_s) < 0)
            problem(ps, ps->lineno, "cpu: '%s' is not a number of seconds in [0.1, 3600]", value);
        break;
    case K_HANG:
        choice = (int)t->hang;
        set_choice(ps, &choice, value, hang_names, ARRAY_LEN(hang_names), "hang");
        t->hang = (enum box_hang)choice;
        break;
    case K_DISK_MB:
        set_long(ps, &t->disk_mb, value, DISK_MB_MIN, DISK_MB_MAX, "disk_mb");
        break;
    case K_COMMAND:
        set_program_words(ps, &t->command, value, "command");
        break;
    case K_BINARY:
        set_string(&t->binary, value);
        break;
    case K_CASE:
        set_string(&t->casename, value);
        break;
    default:
        break;
    }
}

/* Keys of one kind: trace, valgrind, strace, symbols. */
static void set_kind_key(struct parse *ps, struct test *t, enum key key, const char *value)
{
    static const char *const norm_names[] = {"pids", "whitespace", "sort"};
    static const unsigned norm_bits[] = {NORM_PIDS, NORM_WHITESPACE, NORM_SORT};
    static const char *const tool_names[] = {"memcheck", "helgrind", "drd"};
    static const char *const leak_names[] = {"definite", "all", "none"};
    static const char *const stderr_names[] = {"separate", "merge"};
    int choice;

    switch (key) {
    case K_EXPECT:
        set_string(&t->expect, value);
        break;
    case K_NORMALIZE:
        parse_flags(ps, value, norm_names, norm_bits, 3, &t->normalize, "normaliser");
        break;
    case K_STDERR:
        choice = 0;
        set_choice(ps, &choice, value, stderr_names, 2, "stderr");
        t->merge_stderr = choice == 1;
        break;
    case K_TOOL:
        choice = 0;
        set_choice(ps, &choice, value, tool_names, 3, "tool");
        t->tool = (enum vg_tool)choice;
        break;
    case K_LEAKS:
        choice = 0;
        set_choice(ps, &choice, value, leak_names, 3, "leaks");
        t->leaks = (enum vg_leaks)choice;
        break;
    case K_SYSCALLS:
        set_string(&t->syscalls, value);
        break;
    case K_SUPPRESSIONS:
        set_string(&t->suppressions, value);
        break;
    case K_CHECKER:
        set_program_words(ps, &t->checker, value, "checker");
        break;
    case K_OBJECT:
        set_string(&t->object, value);
        break;
    case K_MUST:
        sv_split_blanks(&t->must, value);
        break;
    case K_MUST_ANY:
        sv_split_blanks(&t->must_any, value);
        break;
    case K_MUST_NOT:
        sv_split_blanks(&t->must_not, value);
        break;
    default:
        break;
    }
}

static void set_test_key(struct parse *ps, struct test *t, struct test_state *st, enum key key,
                         const char *value)
{
    if (key <= K_REPEAT)
        set_common_key(ps, t, st, key, value);
    else if (key <= K_CASE)
        set_program_key(ps, t, key, value);
    else
        set_kind_key(ps, t, key, value);
}

void test_key(struct parse *ps, const char *name, const char *value)
{
    struct test *t = &ps->lab->tests[ps->cur];
    struct test_state *st = &ps->states[ps->cur];

    for (size_t i = 0; i < K_COUNT; i++) {
        if (strcmp(name, test_keys[i].name) != 0)
            continue;
        if (st->key_line[i] != 0) {
            problem(ps, ps->lineno, "duplicate key '%s' (first at line %d)", name, st->key_line[i]);
            return;
        }
        st->key_line[i] = ps->lineno;
        set_test_key(ps, t, st, test_keys[i].key, value);
        return;
    }
    problem(ps, ps->lineno, "unknown key '%s' in [test %s]", name, t->name);
}

void lab_key(struct parse *ps, const char *name, const char *value)
{
    static const char *const keys[] = {"name",          "title",   "files",     "build",
                                       "build_timeout", "timeout", "container", "disk_mb"};
    struct lab *lab = ps->lab;
    int k = pick(name, keys, ARRAY_LEN(keys));

    if (k < 0) {
        problem(ps, ps->lineno, "unknown key '%s' in [lab]", name);
        return;
    }
    if (ps->lab_key_line[k] != 0) {
        problem(ps, ps->lineno, "duplicate key '%s' (first at line %d)", name, ps->lab_key_line[k]);
        return;
    }
    ps->lab_key_line[k] = ps->lineno;
    if (k == 0)
        set_string(&lab->name, value);
    else if (k == 1)
        set_string(&lab->title, value);
    else if (k == 2)
        sv_split_blanks(&lab->files, value);
    else if (k == 3)
        set_string(&lab->build_target, value);
    else if (k == 4 && parse_double(value, 1, 3600, &lab->build_timeout) < 0)
        problem(ps, ps->lineno, "build_timeout: '%s' is not seconds in [1, 3600]", value);
    else if (k == 5 && parse_double(value, 0.1, 3600, &lab->timeout) < 0)
        problem(ps, ps->lineno, "timeout: '%s' is not seconds in [0.1, 3600]", value);
    else if (k == 6)
        set_string(&lab->container, value);
    else if (k == 7)
        set_long(ps, &lab->disk_mb, value, DISK_MB_MIN, DISK_MB_MAX, "disk_mb");
}
