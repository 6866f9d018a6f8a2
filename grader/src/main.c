/*
 * main.c - the grader's command line: run, list, check, debug, probe.
 * Exit status: 0 graded (whatever the score), 1 usage or setup error,
 * 2 internal error (see MANUAL.md).
 */
#define _GNU_SOURCE
#include "box.h"
#include "batch.h"
#include "build.h"
#include "fsutil.h"
#include "kinds.h"
#include "manifest.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "stage.h"
#include "unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_USAGE 1

struct options {
    const char *lab_arg;
    const char *submission;
    struct strv only;
    const char *hidden;
    int repeat;
    int jobs;
    const char *json;
    const char *junit;
    bool autolab;
    const char *workdir;
    bool keep;
    bool verbose;
    bool fail_fast;
    const char *tool;
    const char *test; /* debug */
};

static const char usage_text[] =
    "usage: grader run LAB [--submission DIR] [--only TEST]... [--hidden DIR] [--repeat N]\n"
    "                      [--jobs N] [--json FILE] [--junit FILE] [--autolab]\n"
    "                      [--workdir DIR] [--keep] [--verbose] [--fail-fast]\n"
    "       grader list LAB\n"
    "       grader check LAB\n"
    "       grader debug LAB TEST [--submission DIR] [--tool gdb|valgrind|strace|none]\n"
    "       grader build LAB [--submission DIR] [--workdir DIR]   (stage and build, no sandbox)\n"
    "       grader config LAB KEY      (KEY: container, name, title, files)\n"
    "       grader probe\n"
    "       grader batch LAB SUBMISSIONS_DIR --out DIR [--jobs N] [--container|--local]\n"
    "                    [--hidden DIR] [--repeat N] [--shard I/N] [--force] [--timeout S]\n"
    "       grader merge --out DIR OUT...\n"
    "LAB is a lab's name (labs/LAB) or a path to a directory with a lab.ini.\n"
    "Exit status: 0 graded (whatever the score), 1 usage or setup error, 2 internal error.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("grader: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

/* The kit: $OSLABS_ROOT, else the directory above the grader's binary, else the cwd. */
static char *find_kit(void)
{
    const char *env = getenv("OSLABS_ROOT");
    char exe[4096];
    ssize_t n;

    if (env != NULL && *env != '\0')
        return absolute_path(env);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *kit = xstrdup(dirname(dirname(exe)));
        char *common = xasprintf("%s/grader/harness", kit);
        bool ok = is_dir(common);
        free(common);
        if (ok)
            return kit;
        free(kit);
    }
    return absolute_path(".");
}

static char *lab_dir(const char *kit, const char *arg)
{
    if (strchr(arg, '/') != NULL || strcmp(arg, ".") == 0)
        return absolute_path(arg);
    char *dir = xasprintf("%s/labs/%s", kit, arg);
    char *abs = absolute_path(dir);
    free(dir);
    return abs;
}

static int load_lab(const char *kit, const struct options *o, struct lab *lab)
{
    struct strbuf err;
    char *dir = lab_dir(kit, o->lab_arg);
    int rc;

    if (dir == NULL) {
        fprintf(stderr, "grader: no lab '%s' (%s); the labs are the directories of %s/labs\n",
                o->lab_arg, strerror(errno), kit);
        return -1;
    }
    sb_init(&err);
    rc = manifest_load(dir, lab, &err);
    if (rc == 0 && o->hidden != NULL) {
        char *h = absolute_path(o->hidden);
        if (h == NULL) {
            sb_addf(&err, "%s: %s\n", o->hidden, strerror(errno));
            rc = -1;
        } else {
            rc = manifest_load_hidden(h, lab, &err);
        }
        free(h);
    }
    if (rc < 0)
        fprintf(stderr, "%sgrader: the manifest has errors; nothing was graded\n", err.buf);
    sb_free(&err);
    free(dir);
    return rc;
}

/* Student files must not shadow the lab's own files. */
static int check_files(const struct lab *lab, struct strbuf *err)
{
    int bad = 0;

    for (size_t i = 0; i < lab->files.n; i++) {
        char *p = xasprintf("%s/%s", lab->dir, lab->files.v[i]);
        struct stat st;
        if (lstat(p, &st) == 0) {
            sb_addf(err, "%s: files: '%s' is also a file of the lab\n", lab->ini_path,
                    lab->files.v[i]);
            bad++;
        }
        free(p);
    }
    return bad;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {{"submission", required_argument, NULL, 's'},
                                             {"only", required_argument, NULL, 'o'},
                                             {"hidden", required_argument, NULL, 'H'},
                                             {"repeat", required_argument, NULL, 'r'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"json", required_argument, NULL, 'J'},
                                             {"junit", required_argument, NULL, 'U'},
                                             {"autolab", no_argument, NULL, 'a'},
                                             {"workdir", required_argument, NULL, 'w'},
                                             {"keep", no_argument, NULL, 'k'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"tool", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"fail-fast", no_argument, NULL, 'F'},
                                             {NULL, 0, NULL, 0}};
    long n;
    int c;

    while ((c = getopt_long(argc, argv, "s:o:H:r:j:J:U:aw:kvt:hF", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->submission = optarg;
            break;
        case 'o':
            sv_split_blanks(&o->only, optarg);
            break;
        case 'H':
            o->hidden = optarg;
            break;
        case 'r':
            if (parse_long(optarg, 1, 1000, &n) < 0)
                return usage_error("--repeat: '%s' is not a number in [1, 1000]", optarg);
            o->repeat = (int)n;
            break;
        case 'j':
            if (parse_long(optarg, 1, 64, &n) < 0)
                return usage_error("--jobs: '%s' is not a number in [1, 64]", optarg);
            o->jobs = (int)n;
            break;
        case 'J':
            o->json = optarg;
            break;
        case 'U':
            o->junit = optarg;
            break;
        case 'a':
            o->autolab = true;
            break;
        case 'w':
            o->workdir = optarg;
            break;
        case 'k':
            o->keep = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'F':
            o->fail_fast = true;
            break;
        case 't':
            o->tool = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        default:
            return EXIT_USAGE;
        }
    }
    return 0;
}

static int select_tests(const struct lab *lab, const struct options *o, struct test_result *res)
{
    for (size_t i = 0; i < o->only.n; i++)
        if (manifest_find(lab, o->only.v[i]) == NULL) {
            fprintf(stderr, "grader: no test '%s' in %s (`grader list %s` shows them)\n",
                    o->only.v[i], lab->name, o->lab_arg);
            return -1;
        }
    for (size_t i = 0; i < lab->ntests; i++) {
        res[i].test = &lab->tests[i];
        res[i].selected = o->only.n == 0 || sv_contains(&o->only, lab->tests[i].name);
    }
    return 0;
}

static char *default_submission(const char *kit, const struct lab *lab)
{
    return xasprintf("%s/skeletons/%s", kit, lab->name);
}

static void write_reports(struct report *rep, const struct options *o, int *rc)
{
    report_totals(rep);
    report_terminal(rep, stdout, isatty(STDOUT_FILENO), o->verbose);
    if (o->json != NULL && report_json(rep, o->json) < 0) {
        fprintf(stderr, "grader: writing %s: %s\n", o->json, strerror(errno));
        *rc = EXIT_USAGE;
    }
    if (o->junit != NULL && report_junit(rep, o->junit) < 0) {
        fprintf(stderr, "grader: writing %s: %s\n", o->junit, strerror(errno));
        *rc = EXIT_USAGE;
    }
    if (o->autolab)
        report_autolab(rep, stdout);
    fflush(stdout);
}

/*
 * The expected transcripts of hidden tests are read by the grader alone:
 * owned by the build's uid, mode 0600, the tests' uids cannot read them.
 */
static void protect_hidden_transcripts(const struct lab *lab, const struct stage *st)
{
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct test *t = &lab->tests[i];
        if (t->from_hidden && t->expect != NULL && t->expect[0] != '/') {
            char *p = xasprintf("%s/%s", st->labdir, t->expect);
            chmod(p, 0600);
            free(p);
        }
    }
}

/*
 * A submission is a directory or an archive (unpacked into a new temporary
 * directory, *unpacked); either way *sub becomes the directory that holds
 * the student files, looking inside one wrapping directory. 0, or -1.
 */
static int open_submission(const struct lab *lab, char **sub, char **unpacked, struct strbuf *err)
{
    char *root;

    if (unpack_is_archive(*sub)) {
        const char *tmp = getenv("TMPDIR");
        char *dir = xasprintf("%s/oslabs-unpack-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(dir) == NULL) {
            sb_addf(err, "%s: %s", dir, strerror(errno));
            free(dir);
            return -1;
        }
        *unpacked = dir;
        char *dest = xasprintf("%s/files", dir);
        int rc = unpack_archive(*sub, dest, err);
        free(*sub);
        *sub = dest;
        if (rc < 0)
            return -1;
    } else if (!is_dir(*sub)) {
        return -1;
    }
    root = unpack_find_root(*sub, &lab->files);
    free(*sub);
    *sub = root;
    return 0;
}

/* Stages, builds and runs; fills rep. Returns 0, or 1 on a setup error. */
static int grade(const char *kit, const struct options *o, struct lab *lab, struct report *rep,
                 struct stage *st, struct build_result *build, struct strbuf *problems)
{
    struct strbuf err;
    char *sub = o->submission ? absolute_path(o->submission) : default_submission(kit, lab);
    struct run_opts ro = {o->jobs,
                          o->repeat,
                          o->verbose,
                          isatty(STDERR_FILENO) != 0,
                          o->keep || o->workdir != NULL,
                          o->fail_fast};
    char *unpacked = NULL;
    int rc = 0;

    sb_init(&err);
    if (sub == NULL || open_submission(lab, &sub, &unpacked, &err) < 0) {
        fprintf(stderr, "grader: the submission %s: %s\n", o->submission ? o->submission : "",
                err.len ? err.buf : "not a directory or an archive (.zip, .tar, .tar.gz, ...)");
        if (unpacked != NULL)
            remove_tree(unpacked);
        free(unpacked);
        free(sub);
        sb_free(&err);
        return EXIT_USAGE;
    }
    if (check_files(lab, &err) > 0 || stage_create(lab, kit, o->workdir, st, &err) < 0 ||
        (o->hidden != NULL && stage_hidden(o->hidden, st, &err) < 0)) {
        fprintf(stderr, "%sgrader: cannot stage the lab\n", err.buf);
        rc = EXIT_USAGE;
    } else if (stage_student(lab, sub, st, problems) > 0) {
        rep->setup_problem = problems->buf;
        results_not_run(rep->res, rep->n, "not run: the submission is missing files");
    } else {
        if (box_env()->root) {
            stage_handover(st, box_env()->uid_base, box_env()->uid_base);
            protect_hidden_transcripts(lab, st);
        }
        build_lab(lab, st, o->jobs, build);
        rep->build = build;
        if (build->ok)
            run_tests(st, &ro, rep->res, rep->n);
        else
            results_not_run(rep->res, rep->n, "not run: the build failed");
    }
    if (unpacked != NULL)
        remove_tree(unpacked);
    free(unpacked);
    free(sub);
    sb_free(&err);
    return rc;
}

/*
 * What student code must not read: the kit's solutions, mutants and
 * history, every lab's hidden tests and the hidden tree given with --hidden.
 */
static void hide_secrets(const char *kit, const struct options *o)
{
    static const char *const dirs[] = {"solutions", "tests", ".git"};
    struct strv paths;
    glob_t g;

    sv_init(&paths);
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
        sv_pushf(&paths, "%s/%s", kit, dirs[i]);
    char *pattern = xasprintf("%s/labs/*/hidden", kit);
    if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            sv_push(&paths, g.gl_pathv[i]);
        globfree(&g);
    }
    free(pattern);
    if (o->hidden != NULL) {
        char *h = absolute_path(o->hidden);
        if (h != NULL)
            sv_push(&paths, h);
        free(h);
    }
    box_hide_paths(&paths);
    sv_free(&paths);
}

static int cmd_run(const char *kit, struct options *o)
{
    struct lab lab;
    struct report rep;
    struct stage st = {0};
    struct build_result build = {0};
    struct strbuf problems;
    double t0 = now_seconds();
    int rc;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    memset(&rep, 0, sizeof(rep));
    rep.res = xcalloc(lab.ntests, sizeof(*rep.res));
    rep.n = lab.ntests;
    if (select_tests(&lab, o, rep.res) < 0) {
        free(rep.res);
        manifest_free(&lab);
        return EXIT_USAGE;
    }
    hide_secrets(kit, o);
    box_setup();
    rep.lab = &lab;
    rep.lab_arg = o->lab_arg;
    rep.submission = o->submission;
    rep.layer = box_env()->layer;
    rep.jobs = o->jobs;
    rep.repeat = o->repeat;
    sb_init(&problems);
    rc = grade(kit, o, &lab, &rep, &st, &build, &problems);
    rep.total_time = now_seconds() - t0;
    if (rc == 0)
        write_reports(&rep, o, &rc);
    if (st.root != NULL && (o->keep || o->workdir))
        fprintf(stderr, "grader: the work directory is %s\n", st.root);
    stage_destroy(&st, o->keep);
    build_result_free(&build);
    sb_free(&problems);
    results_free(rep.res, rep.n);
    free(rep.res);
    manifest_free(&lab);
    return rc;
}

static int cmd_list(const char *kit, struct options *o)
{
    struct lab lab;
    double total = 0;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    printf("%s: %s\nstudent files: ", lab.name, lab.title);
    for (size_t i = 0; i < lab.files.n; i++)
        printf("%s%s", i ? " " : "", lab.files.v[i]);
    printf("\n\n%-34s %-8s %7s %8s  %-10s %s\n", "TEST", "KIND", "POINTS", "TIMEOUT", "VISIBILITY",
           "REQUIRES");
    for (size_t i = 0; i < lab.ntests; i++) {
        const struct test *t = &lab.tests[i];
        struct strbuf req;
        sb_init(&req);
        for (int b = 0; b < FEAT_COUNT; b++)
            if (t->requires & (1u << b))
                sb_addf(&req, "%s%s", req.len ? " " : "", feature_name(1u << b));
        printf("%-34s %-8s %7g %7.1fs  %-10s %s%s\n", t->name, kind_name(t->kind), t->points,
               t->timeout, visibility_name(t->visibility), req.buf, t->serial ? " (serial)" : "");
        sb_free(&req);
        total += t->points;
    }
    printf("\n%zu tests, %g points\n", lab.ntests, total);
    manifest_free(&lab);
    return 0;
}

/* Prints one [lab] setting, for scripts (docker/grade.sh reads "container"). */
static int cmd_config(const char *kit, struct options *o)
{
    struct lab lab;
    const char *v = NULL;
    int rc = 0;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    if (strcmp(o->test, "container") == 0)
        v = lab.container ? lab.container : "";
    else if (strcmp(o->test, "name") == 0)
        v = lab.name;
    else if (strcmp(o->test, "title") == 0)
        v = lab.title;
    if (v != NULL)
        printf("%s\n", v);
    else if (strcmp(o->test, "files") == 0)
        for (size_t i = 0; i < lab.files.n; i++)
            printf("%s\n", lab.files.v[i]);
    else
        rc = usage_error("config: unknown key '%s' (container, name, title, files)", o->test);
    manifest_free(&lab);
    return rc;
}

static int check_path(const struct lab *lab, const struct test *t, const char *what,
                      const char *rel, struct strbuf *err)
{
    char *p = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", lab->dir, rel);
    int bad = 0;

    if (!t->from_hidden && !is_regular(p)) {
        sb_addf(err, "%s:%d: [test %s]: %s file '%s' does not exist\n", t->file, t->line, t->name,
                what, rel);
        bad = 1;
    }
    free(p);
    return bad;
}

static int cmd_check(const char *kit, struct options *o)
{
    struct lab lab;
    struct strbuf err;
    int bad;
    double total = 0;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    sb_init(&err);
    bad = check_files(&lab, &err);
    for (size_t i = 0; i < lab.ntests; i++) {
        const struct test *t = &lab.tests[i];
        if (t->expect)
            bad += check_path(&lab, t, "expect", t->expect, &err);
        if (t->stdin_file)
            bad += check_path(&lab, t, "stdin", t->stdin_file, &err);
        total += t->points;
    }
    if (bad > 0)
        fprintf(stderr, "%s", err.buf);
    else
        printf("%s: OK: %zu tests, %g points\n", lab.ini_path, lab.ntests, total);
    sb_free(&err);
    manifest_free(&lab);
    return bad > 0 ? EXIT_USAGE : 0;
}

/* Runs argv in the foreground with inherited stdio; its exit status. */
static int run_foreground(char *const *argv, char *const *envp, const char *cwd,
                          const char *stdin_path)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (cwd != NULL && chdir(cwd) < 0)
            _exit(127);
        if (stdin_path != NULL) {
            int fd = open(stdin_path, O_RDONLY);
            if (fd < 0 || dup2(fd, 0) < 0)
                _exit(127);
        }
        if (envp != NULL)
            environ = (char **)envp;
        execvp(argv[0], argv);
        fprintf(stderr, "grader: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void prefix_tool(struct strv *argv, const char *tool, const char *scratch)
{
    struct strv full;

    sv_init(&full);
    if (strcmp(tool, "gdb") == 0) {
        sv_push(&full, "gdb");
        sv_push(&full, "-q");
        sv_push(&full, "--args");
    } else if (strcmp(tool, "valgrind") == 0) {
        sv_push(&full, "valgrind");
        sv_push(&full, "--leak-check=full");
        sv_push(&full, "--track-origins=yes");
    } else if (strcmp(tool, "strace") == 0) {
        sv_push(&full, "strace");
        sv_push(&full, "-f");
        sv_pushf(&full, "-o%s/strace.out", scratch);
    }
    sv_extend(&full, argv);
    sv_free(argv);
    *argv = full;
}

/* A trace test: the tool runs the student's shell, not the driver (the
 * driver starts tsh under the words of SDRIVER_TOOL, one a line); the tool's
 * log goes to a file in scratch, named in *log. */
static void wrap_trace_shell(struct run_ctx *ctx, const char *tool, const char *scratch, char **log)
{
    if (strcmp(tool, "gdb") == 0) {
        /* gdb attaches to tsh, which keeps its pid: the driver watches that pid */
        *log = xasprintf("%s/gdb-tsh.log", scratch);
        sv_pushf(
            &ctx->env,
            "SDRIVER_TOOL=sh\n-c\n(gdb -q -batch -p $$ -ex 'set logging file %s' -ex 'set "
            "logging redirect on' -ex 'set logging enabled on' -ex 'handle SIGINT SIGTSTP "
            "SIGCHLD SIGCONT SIGTTIN SIGTTOU SIGQUIT SIGPIPE nostop noprint pass' -ex continue "
            "-ex 'thread apply all bt' </dev/null >/dev/null 2>&1 &) ; sleep 2; exec \"$0\" "
            "\"$@\"",
            *log);
    } else if (strcmp(tool, "valgrind") == 0) {
        *log = xasprintf("%s/valgrind-tsh.log", scratch);
        sv_pushf(&ctx->env,
                 "SDRIVER_TOOL=valgrind\n--leak-check=full\n--show-leak-kinds=definite,indirect\n"
                 "--track-origins=yes\n--child-silent-after-fork=yes\n--log-file=%s",
                 *log);
    } else {
        *log = xasprintf("%s/strace-tsh.out", scratch);
        sv_pushf(&ctx->env, "SDRIVER_TOOL=strace\n-f\n-o\n%s", *log);
    }
}

static int cmd_debug(const char *kit, struct options *o)
{
    static const char *const tools[] = {"gdb", "valgrind", "strace", "none"};
    struct lab lab;
    struct stage st;
    struct strbuf err, problems;
    struct run_ctx ctx;
    const struct test *t;
    char *workdir, *sub, *scratch, *log = NULL;
    bool known = false;
    int rc = EXIT_USAGE;

    for (size_t i = 0; i < ARRAY_LEN(tools); i++)
        known = known || strcmp(o->tool, tools[i]) == 0;
    if (!known)
        return usage_error("--tool: '%s' is not gdb, valgrind, strace or none", o->tool);
    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    t = manifest_find(&lab, o->test);
    if (t == NULL) {
        fprintf(stderr, "grader: no test '%s' in %s\n", o->test, lab.name);
        manifest_free(&lab);
        return EXIT_USAGE;
    }
    sb_init(&err);
    sb_init(&problems);
    workdir = o->workdir ? xstrdup(o->workdir) : xasprintf("%s/build/debug", kit);
    sub = o->submission ? xstrdup(o->submission) : default_submission(kit, &lab);
    if (stage_create(&lab, kit, workdir, &st, &err) < 0 ||
        stage_student(&lab, sub, &st, &problems) > 0) {
        fprintf(stderr, "%s%sgrader: cannot stage %s\n", err.buf, problems.buf, sub);
        goto out;
    }
    char *make_argv[] = {"make", "--no-print-directory", "-C", st.labdir, lab.build_target, NULL};
    if (run_foreground(make_argv, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "grader: the build failed\n");
        goto out;
    }
    scratch = stage_scratch(&st, t->name, 0, false, 0, 0);
    run_ctx_init(&ctx, t, st.labdir, scratch, 0, getuid());
    kind_debug_command(&ctx);
    if (strcmp(o->tool, "none") != 0 && t->kind == KIND_TRACE)
        wrap_trace_shell(&ctx, o->tool, scratch, &log);
    else if (strcmp(o->tool, "none") != 0)
        prefix_tool(&ctx.argv, o->tool, scratch);
    if (getenv("TERM") != NULL)
        sv_pushf(&ctx.env, "TERM=%s", getenv("TERM"));
    fprintf(stderr, "grader: in %s, running:\n ", scratch);
    for (size_t i = 0; i < ctx.argv.n; i++)
        fprintf(stderr, " %s", ctx.argv.v[i]);
    fprintf(stderr, "%s%s\n", ctx.stdin_path ? " < " : "", ctx.stdin_path ? ctx.stdin_path : "");
    if (t->expect)
        fprintf(stderr, "grader: the expected transcript is %s/%s\n", st.labdir, t->expect);
    if (log != NULL)
        fprintf(stderr, "grader: %s runs the shell under test (tsh), not the driver\n", o->tool);
    rc = run_foreground(ctx.argv.v, ctx.env.v, scratch,
                        strcmp(o->tool, "gdb") == 0 && log == NULL ? NULL : ctx.stdin_path);
    fprintf(stderr, "grader: the program exited with status %d\n", rc);
    if (log != NULL) {
        fprintf(stderr, "grader: %s's log of tsh is %s\n", o->tool, log);
        fprintf(stderr, "grader: to debug tsh by hand: cd %s && gdb --args ./tsh -p\n", st.labdir);
        free(log);
    } else if (strcmp(o->tool, "strace") == 0) {
        fprintf(stderr, "grader: strace's log is %s/strace.out\n", scratch);
    }
    rc = 0;
    run_ctx_free(&ctx);
    free(scratch);
out:
    stage_destroy(&st, true);
    free(workdir);
    free(sub);
    sb_free(&err);
    sb_free(&problems);
    manifest_free(&lab);
    return rc;
}

/* grader build LAB: stages the submission with the lab as a grade does and
 * builds it in WORKDIR/LAB (default build/run/LAB), no sandbox; prints the path. */
static int cmd_build(const char *kit, struct options *o)
{
    struct lab lab;
    struct stage st;
    struct strbuf err, problems;
    char *workdir, *sub;
    int rc = EXIT_USAGE;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    sb_init(&err);
    sb_init(&problems);
    workdir = o->workdir ? xstrdup(o->workdir) : xasprintf("%s/build/run", kit);
    sub = o->submission ? xstrdup(o->submission) : default_submission(kit, &lab);
    if (stage_create(&lab, kit, workdir, &st, &err) < 0 ||
        stage_student(&lab, sub, &st, &problems) > 0) {
        fprintf(stderr, "%s%sgrader: cannot stage %s\n", err.buf, problems.buf, sub);
        goto out;
    }
    char *make_argv[] = {"make", "--no-print-directory", "-C", st.labdir, lab.build_target, NULL};
    if (run_foreground(make_argv, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "grader: the build failed (in %s)\n", st.labdir);
        goto out;
    }
    printf("%s\n", st.labdir);
    rc = 0;
out:
    stage_destroy(&st, true);
    free(workdir);
    free(sub);
    sb_free(&err);
    sb_free(&problems);
    manifest_free(&lab);
    return rc;
}

static int cmd_probe(const char *kit, struct options *o)
{
    (void)kit;
    (void)o;
    box_setup();
    probe_print_all();
    return 0;
}

/* The subcommands: name, words after it (LAB, then TEST or KEY), handler. */
static const struct {
    const char *name;
    int words;
    int (*fn)(const char *kit, struct options *o);
} commands[] = {
    {"run", 1, cmd_run},     {"list", 1, cmd_list},     {"check", 1, cmd_check},
    {"debug", 2, cmd_debug}, {"config", 2, cmd_config}, {"probe", 0, cmd_probe},
    {"build", 1, cmd_build},
};

static int dispatch(const char *kit, const char *cmd, int nwords, char **words, struct options *o)
{
    for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (nwords != commands[i].words)
            return usage_error("%s takes %d word%s after it", cmd, commands[i].words,
                               commands[i].words == 1 ? "" : "s");
        o->lab_arg = nwords > 0 ? words[0] : NULL;
        o->test = nwords > 1 ? words[1] : NULL;
        return commands[i].fn(kit, o);
    }
    return usage_error("unknown command '%s'", cmd);
}

/* A grader started with a closed stdin, stdout or stderr would hand out those numbers. */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
            exit(2);
}

int main(int argc, char **argv)
{
    struct options o;
    const char *cmd;
    char *kit;
    int rc;

    ensure_std_fds();
    signal(SIGPIPE, SIG_IGN);
    memset(&o, 0, sizeof(o));
    sv_init(&o.only);
    o.repeat = 1;
    o.tool = "gdb";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    if (argc < 2)
        return usage_error("no command");
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "merge") == 0)
        return merge_command(argc - 1, argv + 1);
    if (strcmp(cmd, "batch") == 0) {
        kit = find_kit();
        rc = batch_command(kit, argc - 1, argv + 1);
        free(kit);
        return rc;
    }
    optind = 2;
    if ((rc = parse_options(argc, argv, &o)) != 0)
        return rc;
    kit = find_kit();
    if (kit == NULL) {
        fprintf(stderr, "grader: cannot find the kit (set OSLABS_ROOT)\n");
        return EXIT_USAGE;
    }
    rc = dispatch(kit, cmd, argc - optind, argv + optind, &o);
    free(kit);
    sv_free(&o.only);
    return rc;
}
