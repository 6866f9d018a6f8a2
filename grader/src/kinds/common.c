/*
 * common.c - what every kind shares: the run context, the paths and
 * $-words of a test, its program's argv, environment and box, the reason a
 * run failed, and how evidence (output, logs, diffs) is shown.
 */
#define _GNU_SOURCE
#include "kinds/kind.h"
#include "lib/fsutil.h"
#include "sandbox/fence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* A fresh random token in hex: one per run, so a verdict line the harness
 * of this run did not write is told apart (program.c). */
static void new_token(char *hex, size_t size)
{
    unsigned char raw[16];

    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
        die("getrandom: %s", strerror(errno));
    for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < size; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
}

void run_ctx_init(struct run_ctx *ctx, const struct host *host, const struct test *t,
                  const char *labdir, const char *scratch, int run, uid_t uid)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->host = host;
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
    new_token(ctx->token, sizeof(ctx->token));
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
    free(ctx->tamper);
    sb_free(&ctx->details);
}

char *kind_expand(const struct run_ctx *ctx, const char *s)
{
    const char *names[] = {"LAB", "SCRATCH"};
    const char *values[] = {ctx->labdir, ctx->scratch};

    return expand_vars(s, names, values, 2);
}

/* A path of the lab: absolute, $-expanded, or relative to the lab directory. */
char *kind_lab_path(const struct run_ctx *ctx, const char *p)
{
    if (p[0] == '/' || p[0] == '$')
        return kind_expand(ctx, p);
    return xasprintf("%s/%s", ctx->labdir, p);
}

char *kind_evidence_path(const struct run_ctx *ctx, const char *ext, bool create)
{
    char *path = xasprintf("%s.%s", ctx->scratch, ext);

    if (create) { /* the box's uid writes it; its parent is the grader's */
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            die("creating %s: %s", path, strerror(errno));
        if (ctx->host->root && fchown(fd, ctx->uid, ctx->uid) < 0)
            die("chown %s: %s", path, strerror(errno));
        close(fd);
    }
    return path;
}

bool kind_push_fence(struct run_ctx *ctx, const char *valgrind_log)
{
    const char *grader = fence_grader_path();

    if (grader == NULL)
        return false;
    sv_push(&ctx->argv, grader);
    sv_push(&ctx->argv, "fence");
    sv_push(&ctx->argv, ctx->scratch);
    if (valgrind_log != NULL) {
        sv_push(&ctx->argv, "--valgrind-log");
        sv_push(&ctx->argv, valgrind_log);
    }
    sv_push(&ctx->argv, "--");
    return true;
}

bool kind_uses_harness(const struct test *t)
{
    return t->binary != NULL;
}

/* Appends the test's own program (command, or binary --run case) to argv. */
void kind_push_program(struct run_ctx *ctx, const char *words)
{
    const struct test *t = ctx->test;

    if (words != NULL) {
        struct strv w;
        const char *why;
        sv_init(&w);
        if (split_words(words, &w, &why) < 0)
            die("manifest words were checked: %s", why);
        for (size_t i = 0; i < w.n; i++) {
            char *e = kind_expand(ctx, w.v[i]);
            sv_push(&ctx->argv, e);
            free(e);
        }
        sv_free(&w);
        return;
    }
    char *bin = kind_lab_path(ctx, t->binary);
    sv_push(&ctx->argv, bin);
    sv_push(&ctx->argv, "--run");
    sv_push(&ctx->argv, t->casename);
    free(bin);
}

void kind_push_env(struct run_ctx *ctx, bool verdict)
{
    const struct test *t = ctx->test;

    box_default_env(&ctx->env, ctx->scratch);
    sv_pushf(&ctx->env, "OSLABS_LAB=%s", ctx->labdir);
    sv_pushf(&ctx->env, "OSLABS_SCRATCH=%s", ctx->scratch);
    sv_pushf(&ctx->env, "OSLABS_TEST=%s", t->name);
    sv_pushf(&ctx->env, "OSLABS_RUN=%d", ctx->run);
    if (verdict) {
        sv_push(&ctx->env, "OSLABS_VERDICT_FD=3");
        sv_pushf(&ctx->env, "OSLABS_VERDICT_TOKEN=%s", ctx->token);
    }
    for (size_t i = 0; i < t->env.n; i++) {
        char *e = kind_expand(ctx, t->env.v[i]);
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

void kind_program_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    const struct test *t = ctx->test;

    kind_push_program(ctx, t->command);
    kind_push_env(ctx, kind_uses_harness(t));
    spec->verdict = kind_uses_harness(t);
    spec->merge_stderr = t->merge_stderr;
    spec->caps = t->caps;
    spec->lim.as_mb = t->memory_mb;
    spec->lim.nproc = t->nproc;
    spec->lim.fsize_mb = t->fsize_mb;
    spec->lim.nofile = t->nofile;
    spec->hang = t->hang;
    spec->stop_flood = true;
}

void kind_fail_machine(struct run_ctx *ctx, const char *why)
{
    bool first = ctx->outcome == OUT_PASS;

    kind_fail(ctx, MACHINE_FAULT_PREFIX "%s", why);
    if (first)
        ctx->fault = FAULT_MACHINE;
}

void kind_fail(struct run_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    struct strbuf s;

    if (ctx->outcome != OUT_PASS)
        return; /* the first reason is the one that matters */
    sb_init(&s);
    va_start(ap, fmt);
    sb_vaddf(&s, fmt, ap);
    va_end(ap);
    if (s.len == 0)
        sb_adds(&s, "the test failed"); /* a result line is never empty */
    ctx->outcome = OUT_FAIL;
    ctx->fault = FAULT_CHECK;
    free(ctx->reason);
    ctx->reason = sb_detach(&s);
}

void kind_tampered(struct run_ctx *ctx, const char *what)
{
    if (ctx->tamper == NULL)
        ctx->tamper = xstrdup(what);
    free(ctx->reason);
    ctx->reason = xasprintf("tampering suspected: %s", what);
    ctx->outcome = OUT_FAIL;
    ctx->fault = FAULT_TAMPER; /* no hint: not a mistake to debug */
}

/* Appends one captured stream to the details, sanitised and shortened. */
void kind_show_stream(struct strbuf *d, const char *name, const char *data, size_t len,
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
    if (dropped > 0) /* the test's program is stopped there (box.h) */
        sb_addf(d, "[truncated: more than %d KiB were written here; %zu bytes are not shown]\n",
                BOX_OUTPUT_CAP / 1024, len - show + dropped);
    else if (len > show)
        sb_addf(d, "[truncated %zu bytes]\n", len - show);
    free(clean);
}

void kind_show_output(struct run_ctx *ctx, const struct box_result *r)
{
    kind_show_stream(&ctx->details, "stdout", r->out, r->out_len, r->out_dropped);
    kind_show_stream(&ctx->details, "stderr", r->err, r->err_len, r->err_dropped);
}

/* At most max lines of text, each cut at SHOW_LINE_WIDTH; for logs and diffs. */
void kind_show_lines(struct strbuf *d, const char *title, const char *text, int max)
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

void kind_backtraced_spec(struct run_ctx *ctx, struct box_spec *spec)
{
    kind_program_spec(ctx, spec);
    spec->backtrace = true;
}
