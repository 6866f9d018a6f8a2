/*
 * kinds.c - the six kinds of test: the argv each runs and how it is judged.
 *
 * Verdicts come from the box's records (exit status, signal, timeout), the
 * harness's verdict pipe, valgrind's and strace's own files and the
 * grader's own comparisons, never from a pass/fail word the program prints.
 */
#define _GNU_SOURCE
#include "kinds/kinds.h"
#include "pipeline/build.h"
#include "lib/fsutil.h"
#include "lib/normalize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW_BYTES      4096 /* of each output stream, in a report */
#define SHOW_LINES      60   /* of a valgrind log or a diff */
#define SHOW_LINE_WIDTH 240
#define VALGRIND_STATUS 86 /* --error-exitcode */
#define LOG_MAX         (1 << 20)

void run_ctx_init(struct run_ctx *ctx, const struct test *t, const char *labdir,
                  const char *scratch, int run, uid_t uid)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->test = t;
    ctx->labdir = labdir;
    ctx->scratch = scratch;
    ctx->workroot = xstrdup(labdir);
    char *slash = strrchr(ctx->workroot, '/');
    if (slash != NULL && slash != ctx->workroot)
        *slash = '\0'; /* labdir is WORK/LAB */
    ctx->run = run;
    ctx->uid = uid;
    ctx->outcome = OUT_PASS;
    sv_init(&ctx->argv);
    sv_init(&ctx->env);
    sb_init(&ctx->details);
}

void run_ctx_free(struct run_ctx *ctx)
{
    sv_free(&ctx->argv);
    sv_free(&ctx->env);
    box_result_free(&ctx->program);
    free(ctx->stdin_path);
    free(ctx->workroot);
    free(ctx->reason);
    sb_free(&ctx->details);
}

static char *expand(const struct run_ctx *ctx, const char *s)
{
    const char *names[] = {"LAB", "SCRATCH"};
    const char *values[] = {ctx->labdir, ctx->scratch};

    return expand_vars(s, names, values, 2);
}

/* A path of the lab: absolute, $-expanded, or relative to the lab directory. */
static char *lab_path(const struct run_ctx *ctx, const char *p)
{
    if (p[0] == '/' || p[0] == '$')
        return expand(ctx, p);
    return xasprintf("%s/%s", ctx->labdir, p);
}

static char *scratch_path(const struct run_ctx *ctx, const char *name)
{
    return xasprintf("%s/%s", ctx->scratch, name);
}

static bool uses_harness(const struct test *t)
{
    return t->binary != NULL;
}

/* Appends the test's own program (command, or binary --run case) to argv. */
static void push_program(struct run_ctx *ctx, const char *words)
{
    const struct test *t = ctx->test;

    if (words != NULL) {
        struct strv w;
        const char *why;
        sv_init(&w);
        if (split_words(words, &w, &why) < 0)
            die("manifest words were checked: %s", why);
        for (size_t i = 0; i < w.n; i++) {
            char *e = expand(ctx, w.v[i]);
            sv_push(&ctx->argv, e);
            free(e);
        }
        sv_free(&w);
        return;
    }
    char *bin = lab_path(ctx, t->binary);
    sv_push(&ctx->argv, bin);
    sv_push(&ctx->argv, "--run");
    sv_push(&ctx->argv, t->casename);
    free(bin);
}

static void push_valgrind(struct run_ctx *ctx)
{
    static const char *const tools[] = {"memcheck", "helgrind", "drd"};
    const struct test *t = ctx->test;
    char *log = scratch_path(ctx, "valgrind.log");

    sv_push(&ctx->argv, "valgrind");
    sv_pushf(&ctx->argv, "--tool=%s", tools[t->tool]);
    sv_pushf(&ctx->argv, "--error-exitcode=%d", VALGRIND_STATUS);
    sv_pushf(&ctx->argv, "--log-file=%s", log);
    sv_push(&ctx->argv, "--child-silent-after-fork=yes");
    if (t->suppressions != NULL) {
        char *supp = lab_path(ctx, t->suppressions);
        sv_pushf(&ctx->argv, "--suppressions=%s", supp);
        free(supp);
    }
    sv_push(&ctx->argv, "--num-callers=20");
    if (t->tool == VG_MEMCHECK) {
        if (t->leaks == LEAKS_NONE) {
            sv_push(&ctx->argv, "--leak-check=no");
        } else {
            const char *kinds = t->leaks == LEAKS_ALL ? "definite,indirect" : "definite";
            sv_push(&ctx->argv, "--leak-check=full");
            sv_pushf(&ctx->argv, "--errors-for-leak-kinds=%s", kinds);
            sv_pushf(&ctx->argv, "--show-leak-kinds=%s", kinds);
        }
    } else {
        sv_push(&ctx->argv, "--fair-sched=try");
    }
    free(log);
}

static void push_strace(struct run_ctx *ctx)
{
    char *trace = scratch_path(ctx, "strace.out");

    sv_push(&ctx->argv, "strace");
    sv_push(&ctx->argv, "-f");
    sv_push(&ctx->argv, "-qq");
    sv_push(&ctx->argv, "-s");
    sv_push(&ctx->argv, "256");
    sv_push(&ctx->argv, "-o");
    sv_push(&ctx->argv, trace);
    if (ctx->test->syscalls != NULL)
        sv_pushf(&ctx->argv, "-etrace=%s", ctx->test->syscalls);
    sv_push(&ctx->argv, "--");
    free(trace);
}

static void push_env(struct run_ctx *ctx, bool verdict)
{
    const struct test *t = ctx->test;

    build_env(&ctx->env, ctx->scratch);
    sv_pushf(&ctx->env, "OSLABS_LAB=%s", ctx->labdir);
    sv_pushf(&ctx->env, "OSLABS_SCRATCH=%s", ctx->scratch);
    sv_pushf(&ctx->env, "OSLABS_TEST=%s", t->name);
    sv_pushf(&ctx->env, "OSLABS_RUN=%d", ctx->run);
    if (verdict)
        sv_push(&ctx->env, "OSLABS_VERDICT_FD=3");
    for (size_t i = 0; i < t->env.n; i++) {
        char *e = expand(ctx, t->env.v[i]);
        size_t name_len = strcspn(e, "=") + 1;
        /* a test's own NAME=value replaces the default one (PATH, say) */
        for (size_t k = 0; k < ctx->env.n; k++) {
            if (strncmp(ctx->env.v[k], e, name_len) == 0) {
                free(ctx->env.v[k]);
                ctx->env.v[k] = ctx->env.v[--ctx->env.n];
                ctx->env.v[ctx->env.n] = NULL;
                break;
            }
        }
        sv_push(&ctx->env, e);
        free(e);
    }
}

static long online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

static void program_phase(struct run_ctx *ctx, struct box_spec *spec)
{
    const struct test *t = ctx->test;

    if (t->kind == KIND_VALGRIND)
        push_valgrind(ctx);
    else if (t->kind == KIND_STRACE)
        push_strace(ctx);
    push_program(ctx, t->command);
    push_env(ctx, uses_harness(t));
    spec->verdict = uses_harness(t);
    spec->merge_stderr = t->merge_stderr;
    spec->backtrace = t->kind == KIND_CMOCKA || t->kind == KIND_EXEC || t->kind == KIND_TRACE;
    spec->caps = t->caps;
    spec->lim.as_mb = t->memory_mb;
    spec->lim.nproc = t->nproc;
    spec->lim.fsize_mb = t->fsize_mb;
    spec->lim.nofile = t->nofile;
}

static void symbols_phase(struct run_ctx *ctx, struct box_spec *spec)
{
    char *obj = lab_path(ctx, ctx->test->object);

    sv_push(&ctx->argv, "nm");
    sv_push(&ctx->argv, "-P");
    sv_push(&ctx->argv, obj);
    build_env(&ctx->env, ctx->scratch);
    spec->lim.as_mb = 1024;
    spec->lim.nproc = 16;
    free(obj);
}

void kind_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    const struct test *t = ctx->test;

    sv_free(&ctx->argv);
    sv_free(&ctx->env);
    sv_init(&ctx->argv);
    sv_init(&ctx->env);
    memset(spec, 0, sizeof(*spec));
    spec->cwd = ctx->scratch;
    spec->timeout = t->timeout;
    spec->untrusted = true;
    spec->keep_path = ctx->workroot;
    spec->readonly_path = ctx->labdir;
    spec->uid = spec->gid = ctx->uid;
    spec->lim.cpu_s = t->timeout * (double)online_cpus() + 1;
    spec->lim.fsize_mb = 64;
    spec->lim.nofile = 256;
    if (ctx->phase == 0) {
        if (t->kind == KIND_SYMBOLS)
            symbols_phase(ctx, spec);
        else
            program_phase(ctx, spec);
        if (t->stdin_file != NULL) {
            free(ctx->stdin_path);
            ctx->stdin_path = lab_path(ctx, t->stdin_file);
            spec->stdin_path = ctx->stdin_path;
        }
    } else if (t->kind == KIND_STRACE) {
        push_program(ctx, t->checker);
        sv_pushf(&ctx->argv, "%s/strace.out", ctx->scratch);
        push_env(ctx, false);
        spec->lim.as_mb = 2048;
        spec->lim.nproc = 64;
        sv_pushf(&ctx->env, "OSLABS_EXIT_STATUS=%d",
                 ctx->program.end == BOX_EXITED ? ctx->program.code : 128 + ctx->program.code);
    } else { /* trace: the diff, run by the grader on its own files */
        sv_push(&ctx->argv, "diff");
        sv_push(&ctx->argv, "-u");
        sv_push(&ctx->argv, "--label=expected");
        sv_push(&ctx->argv, "--label=actual");
        sv_pushf(&ctx->argv, "%s.expected", ctx->scratch);
        sv_pushf(&ctx->argv, "%s.actual", ctx->scratch);
        build_env(&ctx->env, "/");
        spec->untrusted = false;
        spec->cwd = "/";
        spec->timeout = 30;
        spec->lim.cpu_s = 30;
    }
    spec->argv = ctx->argv.v;
    spec->envp = ctx->env.v;
}

static void fail(struct run_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct run_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    struct strbuf s;

    if (ctx->outcome != OUT_PASS)
        return; /* the first reason is the one that matters */
    sb_init(&s);
    va_start(ap, fmt);
    sb_vaddf(&s, fmt, ap);
    va_end(ap);
    ctx->outcome = OUT_FAIL;
    free(ctx->reason);
    ctx->reason = sb_detach(&s);
}

/* Appends one captured stream to the details, sanitised and shortened. */
static void show_stream(struct strbuf *d, const char *name, const char *data, size_t len,
                        size_t dropped)
{
    size_t show = len < SHOW_BYTES ? len : SHOW_BYTES;
    char *clean;

    if (len == 0)
        return;
    clean = utf8_sanitize(data, show);
    sb_addf(d, "--- %s ---\n%s", name, clean);
    if (show > 0 && data[show - 1] != '\n')
        sb_adds(d, "\n");
    if (len > show || dropped > 0)
        sb_addf(d, "[truncated %zu bytes]\n", len - show + dropped);
    free(clean);
}

static void show_output(struct run_ctx *ctx, const struct box_result *r)
{
    show_stream(&ctx->details, "stdout", r->out, r->out_len, r->out_dropped);
    show_stream(&ctx->details, "stderr", r->err, r->err_len, r->err_dropped);
}

/* At most max lines of text, each cut at SHOW_LINE_WIDTH; for logs and diffs. */
static void show_lines(struct strbuf *d, const char *title, const char *text, int max)
{
    int n = 0;

    sb_addf(d, "--- %s ---\n", title);
    while (*text != '\0' && n < max) {
        const char *eol = strchrnul(text, '\n');
        size_t len = (size_t)(eol - text);
        if (len > SHOW_LINE_WIDTH) {
            sb_add(d, text, SHOW_LINE_WIDTH);
            sb_addf(d, "[... %zu more characters]\n", len - SHOW_LINE_WIDTH);
        } else {
            sb_add(d, text, len);
            sb_adds(d, "\n");
        }
        text = *eol ? eol + 1 : eol;
        n++;
    }
    if (*text != '\0')
        sb_adds(d, "[more lines not shown]\n");
}

/* The line of text that holds p, as a new string (at most 300 bytes). */
static char *line_at(const char *start, const char *p)
{
    const char *b = p, *e = strchrnul(p, '\n');
    size_t len;

    while (b > start && b[-1] != '\n')
        b--;
    len = (size_t)(e - b) > 300 ? 300 : (size_t)(e - b);
    char *raw = strndup(b, len);
    if (raw == NULL)
        die("out of memory");
    char *clean = utf8_sanitize(raw, strlen(raw));
    free(raw);
    return clean;
}

/* "file.c:12" from "[   LINE   ] --- file.c:12: error: Failure!", or NULL. */
static char *cmocka_location(const char *text)
{
    const char *p = strstr(text, "[   LINE   ] --- ");
    const char *end;

    if (p == NULL)
        return NULL;
    p += strlen("[   LINE   ] --- ");
    end = strstr(p, ": error:");
    if (end == NULL || end - p > 200 || memchr(p, '\n', (size_t)(end - p)) != NULL)
        return NULL;
    return strndup(p, (size_t)(end - p));
}

/*
 * cmocka's own words for a failed assertion: "[  ERROR   ] --- 0x1 != 0x2",
 * or for fail_msg() the "ERROR: message" line printed just before, with the
 * source location: "expected 3 items, actual 2 (test_x.c:12)".
 */
static char *cmocka_error(const struct box_result *r)
{
    const char *streams[] = {r->err, r->out};
    const char *tag = "[  ERROR   ] --- ";

    for (int i = 0; i < 2; i++) {
        const char *p = streams[i] ? strstr(streams[i], tag) : NULL;
        char *msg, *loc, *why;

        if (p == NULL)
            continue;
        msg = line_at(streams[i], p + strlen(tag));
        loc = cmocka_location(p);
        if (strncmp(msg, tag, strlen(tag)) == 0) {
            char *m = xstrdup(msg + strlen(tag));
            free(msg);
            msg = m;
        }
        if (strncmp(msg, "[   LINE   ]", 12) == 0 && p > streams[i]) {
            /* fail_msg(): the message is the line before */
            free(msg);
            msg = line_at(streams[i], p - 1);
            if (strncmp(msg, "ERROR: ", 7) == 0)
                memmove(msg, msg + 7, strlen(msg + 7) + 1);
        }
        why = loc ? xasprintf("%s (%s)", msg, loc) : xstrdup(msg);
        free(msg);
        free(loc);
        return why;
    }
    return NULL;
}

/* Reads the harness verdict; -1 when there is none. */
static int parse_verdict(const char *v, int *failed, int *skipped)
{
    int run;

    if (v == NULL ||
        sscanf(v, "oslabs-verdict 1 run=%d failed=%d skipped=%d", &run, failed, skipped) != 3 ||
        run != 1)
        return -1;
    return 0;
}

static void judge_harness(struct run_ctx *ctx, const struct box_result *r)
{
    int failed, skipped;

    if (parse_verdict(r->verdict, &failed, &skipped) < 0) {
        fail(ctx, "the test program ended before the test did (no verdict from the harness)");
        return;
    }
    if (failed) {
        char *why = cmocka_error(r);
        fail(ctx, "%s", why ? why : "the test failed");
        free(why);
    } else if (skipped && ctx->outcome == OUT_PASS) {
        ctx->outcome = OUT_SKIP;
        char *why = cmocka_error(r);
        ctx->reason = xasprintf("skipped by the test: %s", why ? why : "see its output");
        free(why);
    }
}

/* The common part: how the program ended, and the harness's verdict. */
static void judge_program(struct run_ctx *ctx, const struct box_result *r)
{
    const struct test *t = ctx->test;
    char *end = box_describe_end(r, t->timeout);

    if (r->end == BOX_TIMEOUT || r->end == BOX_FAILED || r->end == BOX_SIGNALED) {
        if (r->end == BOX_SIGNALED && uses_harness(t)) {
            char *why = cmocka_error(r);
            fail(ctx, "%s%s%s", end, why ? ": " : "", why ? why : "");
            free(why);
        } else {
            fail(ctx, "%s", end);
        }
    } else if (uses_harness(t)) {
        judge_harness(ctx, r);
        if (t->exit_status >= 0 && r->code != t->exit_status && ctx->outcome == OUT_PASS)
            fail(ctx, "%s (expected %d)", end, t->exit_status);
    } else if (t->exit_status >= 0 && r->code != t->exit_status) {
        fail(ctx, "%s (expected %d)", end, t->exit_status);
    }
    free(end);
}

/* Whole lines of the valgrind log after its banner. */
static void show_valgrind_log(struct run_ctx *ctx, const char *log)
{
    const char *p = strstr(log, "Command:");

    if (p != NULL) {
        p = strchrnul(p, '\n');
        p = *p ? p + 1 : p;
    } else {
        p = log;
    }
    /* skip "Parent PID" and the empty "==N== " lines before the first error */
    while (*p == '=') {
        const char *eol = strchrnul(p, '\n');
        const char *body = strstr(p, "== ");
        if (body == NULL || body > eol)
            break;
        body += 3;
        if (body < eol && strncmp(body, "Parent PID", 10) != 0)
            break;
        p = *eol ? eol + 1 : eol;
    }
    show_lines(&ctx->details, "valgrind", p, SHOW_LINES);
}

static void judge_valgrind(struct run_ctx *ctx, struct box_result *r)
{
    static const char *const tools[] = {"memcheck", "helgrind", "drd"};
    char *path = scratch_path(ctx, "valgrind.log");
    char *log = read_file_max(path, LOG_MAX, NULL);
    const char *sum = log ? strstr(log, "ERROR SUMMARY: ") : NULL;
    long errors = sum ? atol(sum + strlen("ERROR SUMMARY: ")) : -1;

    if (r->end == BOX_EXITED && r->code == VALGRIND_STATUS) {
        if (errors > 0)
            fail(ctx, "valgrind %s found %ld error%s", tools[ctx->test->tool], errors,
                 errors == 1 ? "" : "s");
        else
            fail(ctx, "valgrind %s found errors", tools[ctx->test->tool]);
        if (log != NULL)
            show_valgrind_log(ctx, log);
    } else {
        judge_program(ctx, r);
        if (ctx->outcome != OUT_PASS && log != NULL && errors != 0)
            show_valgrind_log(ctx, log);
    }
    show_output(ctx, r);
    free(log);
    free(path);
}

/* Writes a grader-owned file beside the scratch directory (never into it). */
static void write_own(const char *path, const char *text)
{
    int fd;

    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create %s: %s", path, strerror(errno));
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        die("write %s: %s", path, strerror(errno));
    close(fd);
}

/* Compares the transcript; true when the diff phase must run. */
static bool judge_trace(struct run_ctx *ctx, struct box_result *r)
{
    const struct test *t = ctx->test;
    char *expect_path = lab_path(ctx, t->expect);
    size_t elen;
    char *expected_raw = read_file_max(expect_path, LOG_MAX, &elen);
    char *expected, *actual;
    int line;
    bool differs;

    if (expected_raw == NULL) {
        fail(ctx, "cannot read the expected transcript %s: %s", t->expect, strerror(errno));
        free(expect_path);
        return false;
    }
    judge_program(ctx, r);
    expected = normalize_text(expected_raw, elen, t->normalize);
    actual = normalize_text(r->out, r->out_len, t->normalize);
    line = first_difference(expected, actual);
    differs = line != 0;
    if (differs) {
        char *e = xasprintf("%s.expected", ctx->scratch);
        char *a = xasprintf("%s.actual", ctx->scratch);
        write_own(e, expected);
        write_own(a, actual);
        free(e);
        free(a);
        if (ctx->outcome == OUT_PASS || r->end != BOX_TIMEOUT)
            fail(ctx, "the output differs from the expected transcript at line %d", line);
        if (r->out_dropped > 0)
            sb_addf(&ctx->details,
                    "[truncated %zu bytes: only the first %d KiB of output are kept]\n",
                    r->out_dropped, BOX_OUTPUT_CAP / 1024);
    }
    if (!differs || r->err_len > 0)
        show_stream(&ctx->details, "stderr", r->err, r->err_len, r->err_dropped);
    if (ctx->outcome != OUT_PASS && !differs)
        show_stream(&ctx->details, "stdout", r->out, r->out_len, r->out_dropped);
    free(expected_raw);
    free(expected);
    free(actual);
    free(expect_path);
    return differs;
}

/* One symbol per line of `nm -P`: "name type [value size]"; U and w are references. */
static void collect_references(const char *nm, struct strv *refs)
{
    while (*nm != '\0') {
        const char *eol = strchrnul(nm, '\n');
        char name[512];
        char type;
        char *line = strndup(nm, (size_t)(eol - nm));

        if (line != NULL && sscanf(line, "%511s %c", name, &type) == 2 &&
            (type == 'U' || type == 'w')) {
            char *at = strchr(name, '@');
            if (at != NULL)
                *at = '\0';
            sv_push(refs, name);
        }
        free(line);
        nm = *eol ? eol + 1 : eol;
    }
}

static void judge_symbols(struct run_ctx *ctx, struct box_result *r)
{
    const struct test *t = ctx->test;
    struct strv refs;

    if (r->end != BOX_EXITED || r->code != 0) {
        char *why = utf8_sanitize(r->err, r->err_len);
        char *end = box_describe_end(r, t->timeout);
        char *eol = strchr(why, '\n');
        if (eol != NULL)
            *eol = '\0';
        fail(ctx, "cannot read the symbols of %s: nm %s%s%s", t->object, end, why[0] ? ": " : "",
             why);
        free(why);
        free(end);
        return;
    }
    sv_init(&refs);
    collect_references(r->out, &refs);
    for (size_t i = 0; i < t->must.n; i++)
        if (!sv_contains(&refs, t->must.v[i]))
            fail(ctx, "%s does not call %s", t->object, t->must.v[i]);
    if (t->must_any.n > 0) {
        bool any = false;
        for (size_t i = 0; i < t->must_any.n; i++)
            any = any || sv_contains(&refs, t->must_any.v[i]);
        if (!any) {
            struct strbuf names;
            sb_init(&names);
            for (size_t i = 0; i < t->must_any.n; i++)
                sb_addf(&names, "%s%s", i ? " or " : "", t->must_any.v[i]);
            fail(ctx, "%s calls none of %s", t->object, names.buf);
            sb_free(&names);
        }
    }
    for (size_t i = 0; i < t->must_not.n; i++)
        if (sv_contains(&refs, t->must_not.v[i]))
            fail(ctx, "%s calls %s, which this lab forbids", t->object, t->must_not.v[i]);
    sv_free(&refs);
}

static bool judge_first(struct run_ctx *ctx, struct box_result *r)
{
    switch (ctx->test->kind) {
    case KIND_CMOCKA:
    case KIND_EXEC:
        judge_program(ctx, r);
        show_output(ctx, r);
        return false;
    case KIND_TRACE:
        return judge_trace(ctx, r);
    case KIND_VALGRIND:
        judge_valgrind(ctx, r);
        return false;
    case KIND_STRACE:
        judge_program(ctx, r);
        show_output(ctx, r);
        return r->end != BOX_TIMEOUT && r->end != BOX_FAILED;
    case KIND_SYMBOLS:
        judge_symbols(ctx, r);
        return false;
    }
    return false;
}

static void judge_second(struct run_ctx *ctx, struct box_result *r)
{
    if (ctx->test->kind == KIND_TRACE) {
        char *diff = utf8_sanitize(r->out, r->out_len);
        show_lines(&ctx->details, "diff (- expected, + actual)", diff, SHOW_LINES);
        free(diff);
        return;
    }
    /* strace: the checker's word decides */
    if (r->end != BOX_EXITED || r->code != 0) {
        char *end = box_describe_end(r, ctx->test->timeout);
        char *first = utf8_sanitize(r->out, r->out_len);
        char *eol = strchr(first, '\n');
        if (eol != NULL)
            *eol = '\0';
        fail(ctx, "the syscall check failed: %s", first[0] ? first : end);
        free(first);
        free(end);
    }
    show_stream(&ctx->details, "checker stdout", r->out, r->out_len, r->out_dropped);
    show_stream(&ctx->details, "checker stderr", r->err, r->err_len, r->err_dropped);
}

bool kind_judge(struct run_ctx *ctx, struct box_result *res)
{
    bool more = false;

    if (ctx->phase == 0) {
        more = judge_first(ctx, res);
        if (res->backtrace != NULL)
            sb_addf(&ctx->details, "--- backtrace of every thread (gdb) ---\n%s", res->backtrace);
        if (res->leftovers > 0 && ctx->test->kind != KIND_SYMBOLS)
            sb_addf(&ctx->details, "[the sandbox killed %d process%s left running]\n",
                    res->leftovers, res->leftovers == 1 ? "" : "es");
        ctx->program = *res;
        memset(res, 0, sizeof(*res));
    } else {
        judge_second(ctx, res);
        box_result_free(res);
    }
    ctx->phase++;
    return more;
}

void kind_debug_command(struct run_ctx *ctx)
{
    const struct test *t = ctx->test;

    sv_free(&ctx->argv);
    sv_free(&ctx->env);
    sv_init(&ctx->argv);
    sv_init(&ctx->env);
    if (t->kind == KIND_SYMBOLS) {
        char *obj = lab_path(ctx, t->object);
        sv_push(&ctx->argv, "nm");
        sv_push(&ctx->argv, "-P");
        sv_push(&ctx->argv, obj);
        free(obj);
    } else {
        push_program(ctx, t->command);
    }
    push_env(ctx, false);
    if (t->stdin_file != NULL) {
        free(ctx->stdin_path);
        ctx->stdin_path = lab_path(ctx, t->stdin_file);
    }
}
