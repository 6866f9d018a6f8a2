/*
 * build.c - runs make in an untrusted box (the build's own uid when the
 * grader is root) and picks the compiler's first errors out of its log.
 */
#define _GNU_SOURCE
#include "pipeline/build.h"
#include "sandbox/box.h"
#include "lib/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ERROR_LINES 25

static bool is_error_line(const char *line, size_t len)
{
    static const char *const marks[] = {"error:",          "Error ", "undefined reference",
                                        "No rule to make", "fatal",  "***"};
    for (size_t i = 0; i < ARRAY_LEN(marks); i++)
        if (memmem(line, len, marks[i], strlen(marks[i])) != NULL)
            return true;
    return false;
}

/*
 * The first error and the lines after it (gcc's context, notes and caret),
 * at most ERROR_LINES; the log's last lines when nothing looks like an error.
 */
static char *first_errors(const char *log)
{
    struct strbuf s;
    const char *p = log, *start = NULL;
    int lines = 0;

    sb_init(&s);
    for (const char *q = log; *q != '\0' && start == NULL;) {
        const char *eol = strchrnul(q, '\n');
        if (is_error_line(q, (size_t)(eol - q)))
            start = q;
        q = *eol ? eol + 1 : eol;
    }
    if (start == NULL) {
        size_t len = strlen(log);
        int seen = 0;
        start = log + len;
        while (start > log && seen <= ERROR_LINES)
            if (*--start == '\n')
                seen++;
    }
    for (p = start; *p != '\0' && lines < ERROR_LINES; lines++) {
        const char *eol = strchrnul(p, '\n');
        sb_add(&s, p, (size_t)(eol - p));
        sb_adds(&s, "\n");
        p = *eol ? eol + 1 : eol;
    }
    return sb_detach(&s);
}

static void run_make(const struct host *host, const char *dir, const char *target, int jobs,
                     double timeout, const char *home, const char *workroot, struct box_result *r)
{
    struct strv argv, env;
    struct box_spec spec;

    sv_init(&argv);
    sv_init(&env);
    sv_push(&argv, "make");
    sv_push(&argv, "--no-print-directory");
    sv_pushf(&argv, "-j%d", jobs);
    sv_push(&argv, "-C");
    sv_push(&argv, dir);
    if (target != NULL)
        sv_push(&argv, target);
    box_default_env(&env, home);
    memset(&spec, 0, sizeof(spec));
    spec.argv = argv.v;
    spec.envp = env.v;
    spec.cwd = dir;
    spec.merge_stderr = true;
    spec.timeout = timeout;
    spec.untrusted = true;
    spec.host = host;
    spec.uid = spec.gid = host->uid_base;
    spec.keep_path = workroot;
    spec.lim.cpu_s = timeout;
    spec.lim.as_mb = 4096;
    spec.lim.nproc = 512;
    spec.lim.fsize_mb = 64;
    spec.lim.nofile = 1024;
    box_run(&spec, r);
    sv_free(&argv);
    sv_free(&env);
}

void build_lab(const struct host *host, const struct lab *lab, struct stage *st, int jobs,
               struct build_result *res)
{
    struct box_result r;
    char *hidden_mk = xasprintf("%s/hidden/Makefile", st->labdir);
    char *home = stage_scratch(st, ".build", 0, host->root, host->uid_base, host->uid_base);
    double t0 = now_seconds();

    memset(res, 0, sizeof(*res));
    run_make(host, st->labdir, lab->build_target, jobs, lab->build_timeout, home, st->root, &r);
    if (r.end == BOX_EXITED && r.code == 0 && is_regular(hidden_mk)) {
        char *dir = xasprintf("%s/hidden", st->labdir);
        struct box_result h;
        run_make(host, dir, NULL, jobs, lab->build_timeout, home, st->root, &h);
        free(dir);
        box_result_free(&r);
        r = h;
    }
    res->time = now_seconds() - t0;
    res->ok = r.end == BOX_EXITED && r.code == 0;
    res->log = utf8_sanitize(r.out, r.out_len);
    if (!res->ok) {
        if (r.end == BOX_TIMEOUT)
            res->summary = xasprintf("the build timed out after %.0f s", lab->build_timeout);
        else if (r.end == BOX_FAILED && r.machine)
            res->summary = xasprintf("error (environment): the build could not run, through the "
                                     "machine's fault, not your code's: %s",
                                     r.error);
        else if (r.end == BOX_FAILED)
            res->summary = xasprintf("the build could not run: %s", r.error);
        else
            res->summary = xstrdup("the build failed (compiler errors)");
        res->errors = first_errors(res->log);
        res->machine = r.end == BOX_FAILED && r.machine;
    }
    box_result_free(&r);
    free(hidden_mk);
    free(home);
}

void build_result_free(struct build_result *res)
{
    free(res->summary);
    free(res->errors);
    free(res->log);
    memset(res, 0, sizeof(*res));
}
