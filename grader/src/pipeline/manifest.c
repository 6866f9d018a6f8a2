/*
 * manifest.c - reads lab.ini with inih and checks it.
 *
 * inih hands us key/value pairs; a reader of our own feeds it the lines so
 * that we know the line number of every key and see every section header,
 * empty ones included. All problems are collected, each as file:line.
 */
#define _GNU_SOURCE
#include "pipeline/manifest.h"
#include "kinds/kinds.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TESTS 1000

enum key {
    K_KIND,
    K_POINTS,
    K_TIMEOUT,
    K_DESCRIPTION,
    K_HINT,
    K_VISIBILITY,
    K_TAGS,
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
};

/* Which kinds a key applies to. */
#define ALL_KINDS 0x3F
#define PROGRAM_KINDS                                                                              \
    ((1u << KIND_CMOCKA) | (1u << KIND_EXEC) | (1u << KIND_TRACE) | (1u << KIND_VALGRIND) |        \
     (1u << KIND_STRACE))

static const struct {
    const char *name;
    enum key key;
    unsigned kinds;
} test_keys[] = {
    {"kind", K_KIND, ALL_KINDS},
    {"points", K_POINTS, ALL_KINDS},
    {"timeout", K_TIMEOUT, ALL_KINDS},
    {"description", K_DESCRIPTION, ALL_KINDS},
    {"hint", K_HINT, ALL_KINDS},
    {"visibility", K_VISIBILITY, ALL_KINDS},
    {"tags", K_TAGS, ALL_KINDS},
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
};
#define NKEYS ARRAY_LEN(test_keys)

static const char *const vis_names[] = {"visible", "hidden", "after_due_date", "after_published"};

/* Per-test parse state kept beside struct test. */
struct test_state {
    int key_line[NKEYS]; /* 0: not given */
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
    int lab_key_line[8];
    struct test_state *states;
};

const char *visibility_name(enum visibility v)
{
    return vis_names[v];
}

static void problem(struct parse *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct parse *ps, int line, const char *fmt, ...)
{
    va_list ap;

    sb_addf(ps->err, "%s:%d: ", ps->file, line);
    va_start(ap, fmt);
    sb_vaddf(ps->err, fmt, ap);
    va_end(ap);
    sb_adds(ps->err, "\n");
    ps->nerr++;
}

static void test_init(struct test *t, const char *name, const char *file, int line)
{
    memset(t, 0, sizeof(*t));
    t->name = xstrdup(name);
    t->file = xstrdup(file);
    t->line = line;
    t->points = -1;
    t->timeout = -1;
    t->repeat = 1;
    t->exit_status = 0;
    t->memory_mb = -1;
    t->nproc = 256;
    t->fsize_mb = 64;
    t->nofile = 256;
    sv_init(&t->tags);
    sv_init(&t->env);
    sv_init(&t->must);
    sv_init(&t->must_any);
    sv_init(&t->must_not);
}

static void start_test(struct parse *ps, const char *name, int line)
{
    struct lab *lab = ps->lab;

    if (!valid_name(name)) {
        problem(ps, line, "bad test name '%s' (letters, digits, '_', '.', '-')", name);
        ps->cur = -2;
        return;
    }
    if (manifest_find(lab, name) != NULL) {
        problem(ps, line, "duplicate test '%s'", name);
        ps->cur = -2;
        return;
    }
    if (lab->ntests >= MAX_TESTS) {
        problem(ps, line, "too many tests (at most %d)", MAX_TESTS);
        ps->cur = -2;
        return;
    }
    lab->tests = xrealloc(lab->tests, (lab->ntests + 1) * sizeof(*lab->tests));
    ps->states = xrealloc(ps->states, (lab->ntests + 1) * sizeof(*ps->states));
    test_init(&lab->tests[lab->ntests], name, ps->file, line);
    lab->tests[lab->ntests].from_hidden = ps->hidden;
    memset(&ps->states[lab->ntests], 0, sizeof(ps->states[0]));
    ps->cur = (long)lab->ntests++;
}

/* Called by the reader for every "[...]" line. */
static void section_header(struct parse *ps, const char *line)
{
    const char *end = strrchr(line, ']');
    char *name;

    if (end == NULL)
        return; /* inih reports it */
    name = strndup(line + 1, (size_t)(end - line - 1));
    if (name == NULL)
        die("out of memory");
    ps->seen_section = true;
    if (strcmp(name, "lab") == 0) {
        if (ps->hidden)
            problem(ps, ps->lineno, "a hidden-test manifest has only [test NAME] sections");
        else if (ps->lab_line != 0)
            problem(ps, ps->lineno, "duplicate [lab] section (first at line %d)", ps->lab_line);
        else
            ps->lab_line = ps->lineno;
        ps->cur = ps->hidden || ps->lab_line != ps->lineno ? -2 : -1;
    } else if (strncmp(name, "test ", 5) == 0) {
        start_test(ps, name + 5 + strspn(name + 5, " "), ps->lineno);
    } else {
        problem(ps, ps->lineno, "unknown section [%s] (expected [lab] or [test NAME])", name);
        ps->cur = -2;
    }
    free(name);
}

/* inih's fgets: hands out our buffer line by line, counting lines. */
static char *reader(char *str, int num, void *stream)
{
    struct parse *ps = stream;
    size_t n, eol, copy;
    const char *line;

    if (ps->pos >= ps->len)
        return NULL;
    line = ps->data + ps->pos;
    n = ps->len - ps->pos;
    const char *nl = memchr(line, '\n', n);
    eol = nl ? (size_t)(nl - line) + 1 : n;
    ps->pos += eol;
    ps->lineno++;
    copy = eol;
    if (copy > (size_t)num - 1) {
        problem(ps, ps->lineno, "line too long (at most %d characters)", num - 3);
        copy = (size_t)num - 2;
        memcpy(str, line, copy);
        str[copy++] = '\n';
    } else {
        memcpy(str, line, copy);
    }
    str[copy] = '\0';
    const char *p = str + strspn(str, " \t");
    if (*p == '[')
        section_header(ps, p);
    return str;
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

static void set_test_key(struct parse *ps, struct test *t, struct test_state *st, enum key key,
                         const char *value)
{
    static const char *const norm_names[] = {"pids", "whitespace", "sort"};
    static const unsigned norm_bits[] = {NORM_PIDS, NORM_WHITESPACE, NORM_SORT};
    static const char *const cap_names[] = {"sys_nice", "ipc_lock"};
    static const unsigned cap_bits[] = {CAPF_SYS_NICE, CAPF_IPC_LOCK};
    static const char *const tool_names[] = {"memcheck", "helgrind", "drd"};
    static const char *const leak_names[] = {"definite", "all", "none"};
    static const char *const stderr_names[] = {"separate", "merge"};
    long n;
    int choice;

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
    case K_SERIAL:
        if (parse_bool(value, &t->serial) < 0)
            problem(ps, ps->lineno, "serial: '%s' is not yes or no", value);
        break;
    case K_REPEAT:
        set_long(ps, &n, value, 1, 1000, "repeat");
        t->repeat = (int)n;
        break;
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
    case K_COMMAND:
        set_program_words(ps, &t->command, value, "command");
        break;
    case K_BINARY:
        set_string(&t->binary, value);
        break;
    case K_CASE:
        set_string(&t->casename, value);
        break;
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
    }
}

static void test_key(struct parse *ps, const char *name, const char *value)
{
    struct test *t = &ps->lab->tests[ps->cur];
    struct test_state *st = &ps->states[ps->cur];

    for (size_t i = 0; i < NKEYS; i++) {
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

static void lab_key(struct parse *ps, const char *name, const char *value)
{
    static const char *const keys[] = {"name",          "title",   "files",    "build",
                                       "build_timeout", "timeout", "container"};
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
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *ps = user;

    (void)section; /* the reader tracks sections, with their lines */
    if (ps->cur == -1)
        lab_key(ps, name, value);
    else if (ps->cur >= 0)
        test_key(ps, name, value);
    else if (!ps->seen_section)
        problem(ps, ps->lineno, "key '%s' before any section", name);
    return 1;
}

/* The checks that need a whole section: required keys and kind rules. */
static void check_test(struct parse *ps, struct test *t, const struct test_state *st)
{
    if (!st->kind_set) {
        problem(ps, t->line, "[test %s]: missing 'kind'", t->name);
        return;
    }
    for (size_t i = 0; i < NKEYS; i++)
        if (st->key_line[i] != 0 && !(test_keys[i].kinds & (1u << t->kind)))
            problem(ps, st->key_line[i], "key '%s' does not apply to kind %s", test_keys[i].name,
                    kind_name(t->kind));
    if (t->points < 0)
        problem(ps, t->line, "[test %s]: missing 'points'", t->name);
    if (t->timeout < 0)
        t->timeout = ps->lab->timeout;
    if (t->kind == KIND_CMOCKA && t->binary == NULL)
        problem(ps, t->line, "[test %s]: kind cmocka needs 'binary'", t->name);
    if (t->kind != KIND_CMOCKA && t->kind != KIND_SYMBOLS && t->command == NULL &&
        t->binary == NULL)
        problem(ps, t->line, "[test %s]: kind %s needs 'command' (or 'binary' and 'case')", t->name,
                kind_name(t->kind));
    if (t->command != NULL && t->binary != NULL)
        problem(ps, t->line, "[test %s]: give 'command' or 'binary', not both", t->name);
    if (t->binary != NULL && t->casename == NULL)
        t->casename = xstrdup(t->name);
    if (t->kind == KIND_TRACE && t->expect == NULL)
        problem(ps, t->line, "[test %s]: kind trace needs 'expect'", t->name);
    if (t->kind == KIND_STRACE && t->checker == NULL)
        problem(ps, t->line, "[test %s]: kind strace needs 'checker'", t->name);
    if (t->kind == KIND_SYMBOLS && t->object == NULL)
        problem(ps, t->line, "[test %s]: kind symbols needs 'object'", t->name);
    if (t->kind == KIND_SYMBOLS && t->must.n + t->must_any.n + t->must_not.n == 0)
        problem(ps, t->line, "[test %s]: kind symbols needs 'must', 'must_any' or 'must_not'",
                t->name);
    if (t->kind == KIND_VALGRIND)
    t->requires |= FEAT_VALGRIND;
    if (t->kind == KIND_STRACE)
    t->requires |= FEAT_STRACE;
    if (t->memory_mb < 0)
        t->memory_mb = t->kind == KIND_VALGRIND ? 0 : 1024;
}

static void check_lab(struct parse *ps, const char *dir)
{
    struct lab *lab = ps->lab;
    char *copy = xstrdup(dir);
    const char *base = basename(copy);

    if (ps->lab_line == 0) {
        problem(ps, 1, "missing [lab] section");
    } else {
        if (lab->name == NULL)
            problem(ps, ps->lab_line, "[lab]: missing 'name'");
        else if (strcmp(lab->name, base) != 0)
            problem(ps, ps->lab_key_line[0], "name '%s' differs from the directory '%s'", lab->name,
                    base);
        if (lab->files.n == 0)
            problem(ps, ps->lab_line, "[lab]: missing 'files' (the student files)");
        for (size_t i = 0; i < lab->files.n; i++)
            if (!valid_name(lab->files.v[i]))
                problem(ps, ps->lab_key_line[2], "files: '%s' is not a plain file name",
                        lab->files.v[i]);
    }
    if (lab->ntests == 0)
        problem(ps, ps->lineno > 0 ? ps->lineno : 1, "no [test NAME] sections");
    free(copy);
}

static int read_file(const char *path, char **data, size_t *len, struct strbuf *err)
{
    FILE *f = fopen(path, "rb");
    struct strbuf s;
    char chunk[8192];
    size_t n;

    if (f == NULL) {
        sb_addf(err, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    sb_init(&s);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        sb_add(&s, chunk, n);
        if (s.len > (1u << 20)) {
            sb_addf(err, "%s: larger than 1 MiB\n", path);
            sb_free(&s);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    *len = s.len;
    *data = sb_detach(&s);
    return 0;
}

static int parse_file(const char *dir, struct lab *lab, struct strbuf *err, bool hidden)
{
    struct parse ps;
    char *path = xasprintf("%s/lab.ini", dir);
    char *data;
    size_t first = lab->ntests;
    int rc;

    memset(&ps, 0, sizeof(ps));
    if (read_file(path, &data, &ps.len, err) < 0) {
        free(path);
        return -1;
    }
    ps.lab = lab;
    ps.file = path;
    ps.err = err;
    ps.hidden = hidden;
    ps.data = data;
    ps.cur = -2;
    ps.states = xcalloc(lab->ntests + 1, sizeof(*ps.states));
    ini_allow_multiline = false;
    rc = ini_parse_stream(reader, &ps, handler, &ps);
    if (rc > 0)
        problem(&ps, rc, "syntax error (expected '[section]', 'key = value' or a comment)");
    if (!hidden)
        check_lab(&ps, dir);
    else if (lab->ntests == first)
        problem(&ps, 1, "no [test NAME] sections");
    for (size_t i = first; i < lab->ntests; i++)
        check_test(&ps, &lab->tests[i], &ps.states[i]);
    free(ps.states);
    free(data);
    if (!hidden && ps.nerr == 0)
        lab->ini_path = xstrdup(path);
    free(path);
    return ps.nerr == 0 ? 0 : -1;
}

int manifest_load(const char *dir, struct lab *lab, struct strbuf *err)
{
    memset(lab, 0, sizeof(*lab));
    sv_init(&lab->files);
    lab->dir = xstrdup(dir);
    lab->build_timeout = 120;
    lab->timeout = 10;
    if (parse_file(dir, lab, err, false) < 0) {
        manifest_free(lab);
        return -1;
    }
    if (lab->build_target == NULL)
        lab->build_target = xstrdup("all");
    if (lab->title == NULL)
        lab->title = xstrdup(lab->name);
    return 0;
}

int manifest_load_hidden(const char *dir, struct lab *lab, struct strbuf *err)
{
    return parse_file(dir, lab, err, true);
}

static void test_free(struct test *t)
{
    free(t->name);
    free(t->file);
    free(t->description);
    free(t->hint);
    sv_free(&t->tags);
    sv_free(&t->env);
    free(t->stdin_file);
    free(t->command);
    free(t->binary);
    free(t->casename);
    free(t->expect);
    free(t->syscalls);
    free(t->suppressions);
    free(t->checker);
    free(t->object);
    sv_free(&t->must);
    sv_free(&t->must_any);
    sv_free(&t->must_not);
}

void manifest_free(struct lab *lab)
{
    for (size_t i = 0; i < lab->ntests; i++)
        test_free(&lab->tests[i]);
    free(lab->tests);
    free(lab->name);
    free(lab->title);
    free(lab->dir);
    free(lab->ini_path);
    free(lab->build_target);
    free(lab->container);
    sv_free(&lab->files);
    memset(lab, 0, sizeof(*lab));
}

const struct test *manifest_find(const struct lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->ntests; i++)
        if (strcmp(lab->tests[i].name, name) == 0)
            return &lab->tests[i];
    return NULL;
}
