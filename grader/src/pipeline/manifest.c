/*
 * manifest.c - reads lab.ini with inih and checks it.
 *
 * inih hands us key/value pairs; a reader of our own feeds it the lines so
 * that we know the line number of every key and see every section header,
 * empty ones included. All problems are collected, each as file:line.
 */
#define _GNU_SOURCE
#include "pipeline/manifest_int.h"
#include "kinds/kinds.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TESTS 1000

void problem(struct parse *ps, int line, const char *fmt, ...)
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
    t->hang = HANG_ON;
    t->disk_mb = -1;
    sv_init(&t->tags);
    sv_init(&t->rules);
    sv_init(&t->needs);
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
    for (size_t i = 0; i < K_COUNT; i++)
        if (st->key_line[i] != 0 && !(test_keys[i].kinds & (1u << t->kind)))
            problem(ps, st->key_line[i], "key '%s' does not apply to kind %s", test_keys[i].name,
                    kind_name(t->kind));
    if (t->points < 0)
        problem(ps, t->line, "[test %s]: missing 'points'", t->name);
    if (t->timeout < 0)
        t->timeout = ps->lab->timeout;
    if (t->disk_mb < 0)
        t->disk_mb = ps->lab->disk_mb;
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

/* The needs of t, followed to target: the path (" -> b -> a") when it is reached. */
static char *needs_path(const struct lab *lab, const struct test *t, const struct test *target,
                        bool *seen)
{
    for (size_t i = 0; i < t->needs.n; i++) {
        const struct test *u = manifest_find(lab, t->needs.v[i]);
        char *rest;
        if (u == NULL || seen[u - lab->tests])
            continue;
        if (u == target)
            return xasprintf(" -> %s", u->name);
        seen[u - lab->tests] = true;
        rest = needs_path(lab, u, target, seen);
        if (rest != NULL) {
            char *path = xasprintf(" -> %s%s", u->name, rest);
            free(rest);
            return path;
        }
    }
    return NULL;
}

/* needs: every name is a test of the lab, and no test needs itself through others. */
static void check_needs(struct parse *ps, size_t first)
{
    const struct lab *lab = ps->lab;

    for (size_t i = first; i < lab->ntests; i++) {
        const struct test *t = &lab->tests[i];
        int line = ps->states[i].key_line[K_NEEDS];
        bool known = true;
        for (size_t j = 0; j < t->needs.n; j++)
            if (manifest_find(lab, t->needs.v[j]) == NULL) {
                problem(ps, line, "needs: no test '%s' in this lab", t->needs.v[j]);
                known = false;
            }
        if (!known || t->needs.n == 0)
            continue;
        bool *seen = xcalloc(lab->ntests, sizeof(*seen));
        char *cycle = needs_path(lab, t, t, seen);
        if (cycle != NULL)
            problem(ps, line, "needs: a cycle: %s%s", t->name, cycle);
        free(cycle);
        free(seen);
    }
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

/*
 * A hidden test's expected transcript (hidden/...) is read from the hidden
 * directory itself, not from the staged lab: stage_hidden leaves it out of
 * the lab the program under test sees.
 */
static void hidden_expect(struct test *t, const char *dir)
{
    if (t->expect != NULL && strncmp(t->expect, "hidden/", 7) == 0) {
        char *p = xasprintf("%s/%s", dir, t->expect + 7);
        free(t->expect);
        t->expect = p;
    }
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
    for (size_t i = first; i < lab->ntests; i++) {
        check_test(&ps, &lab->tests[i], &ps.states[i]);
        if (hidden)
            hidden_expect(&lab->tests[i], dir);
    }
    check_needs(&ps, first);
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
    lab->disk_mb = 256;
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
    sv_free(&t->rules);
    sv_free(&t->needs);
    free(t->failed_means);
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
