/*
 * main.c - the grader's command line: run, list, check, debug, build, probe, html
 * (batch, merge and similarity are in batch/).
 * Exit status: 0 graded (whatever the score), 1 usage or setup error,
 * 2 internal error (see MANUAL.md).
 */
#define _GNU_SOURCE
#include "lab.h"
#include "debug.h"
#include "inspect.h"
#include "batch/batch.h"
#include "kinds/kinds.h"
#include "lib/fsutil.h"
#include "pipeline/grade.h"
#include "pipeline/stage.h"
#include "report/html.h"
#include "report/report.h"
#include "sandbox/fence.h"
#include "sandbox/features.h"
#include "sandbox/host.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct options {
    const char *lab_arg;
    const char *submission;
    struct strv only;
    const char *hidden;
    int repeat;
    int jobs;
    const char *json;
    const char *junit;
    const char *html;
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
    "                      [--jobs N] [--json FILE] [--junit FILE] [--html FILE] [--autolab]\n"
    "                      [--workdir DIR] [--keep] [--verbose] [--fail-fast]\n"
    "       grader html RESULTS_JSON OUT_HTML   (a student's page from a results.json)\n"
    "       grader timeline TRANSCRIPT OUT_SVG [TITLE]   (a trace's timeline drawn)\n"
    "       grader list LAB\n"
    "       grader check LAB\n"
    "       grader debug LAB TEST [--submission DIR] [--tool gdb|valgrind|strace|none]\n"
    "       grader build LAB [--submission DIR] [--workdir DIR]   (stage and build, no sandbox)\n"
    "       grader config LAB KEY      (KEY: container, name, title, files)\n"
    "       grader probe\n"
    "       grader batch LAB SUBMISSIONS_DIR --out DIR [--jobs N] [--container|--local]\n"
    "                    [--hidden DIR] [--repeat N] [--shard I/N] [--force] [--timeout S]\n"
    "                    [--allow-partial] [--trust-submissions]\n"
    "       grader batch --repos REPOS_DIR --out DIR [--labs LAB,...] [--roster ROSTER.csv] ...\n"
    "       grader merge --out DIR OUT...\n"
    "       grader similarity LAB DIR [--out DIR] [--corpus DIR]... [--threshold PERCENT]\n"
    "       grader gradebook --out DIR [--roster ROSTER.csv] BATCH_OUT...\n"
    "       grader fence DIR [--valgrind-log FILE] -- PROGRAM [ARGS...]   (what a box runs)\n"
    "LAB is a lab's name (labs/LAB) or a path to a directory with a lab.ini.\n"
    "Exit status: 0 graded (whatever the score), 1 usage or setup error, 2 internal error.\n";

static int load_lab(const char *kit, const struct options *o, struct lab *lab)
{
    struct strbuf err;
    char *dir = lab_dir(kit, o->lab_arg);
    char *hidden = NULL;
    int rc = 0;

    if (dir == NULL) {
        fprintf(stderr, "grader: no lab '%s' (%s); the labs are the directories of %s/labs\n",
                o->lab_arg, strerror(errno), kit);
        return -1;
    }
    sb_init(&err);
    if (o->hidden != NULL && (hidden = absolute_path(o->hidden)) == NULL) {
        int e = errno;
        if (manifest_load(dir, lab, &err) == 0) { /* its errors first, as for any lab */
            manifest_free(lab);
            sb_addf(&err, "%s: %s\n", o->hidden, strerror(e));
        }
        rc = -1;
    } else {
        rc = lab_load(dir, hidden, lab, &err);
    }
    if (rc < 0)
        fprintf(stderr, "%sgrader: the manifest has errors; nothing was graded\n", err.buf);
    sb_free(&err);
    free(hidden);
    free(dir);
    return rc;
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
                                             {"html", required_argument, NULL, 'T'},
                                             {"autolab", no_argument, NULL, 'a'},
                                             {"workdir", required_argument, NULL, 'w'},
                                             {"keep", no_argument, NULL, 'k'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"tool", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"fail-fast", no_argument, NULL, 'F'},
                                             {NULL, 0, NULL, 0}};
    char msg[160];
    int c;

    while ((c = getopt_long(argc, argv, "s:o:H:r:j:J:U:T:aw:kvt:hF", longopts, NULL)) != -1) {
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
        case 'j':
            if (parse_count_option(c == 'r' ? "repeat" : "jobs", optarg,
                                   c == 'r' ? &o->repeat : &o->jobs, msg, sizeof(msg)) < 0)
                return usage_fail(usage_text, "%s", msg);
            break;
        case 'J':
            o->json = optarg;
            break;
        case 'U':
            o->junit = optarg;
            break;
        case 'T':
            o->html = optarg;
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

static void write_reports(struct report *rep, const struct options *o, int *rc)
{
    score_totals(rep->res, rep->n, &rep->tot);
    report_terminal(rep, stdout, isatty(STDOUT_FILENO), o->verbose);
    if (o->json != NULL && report_json(rep, o->json) < 0) {
        fprintf(stderr, "grader: writing %s: %s\n", o->json, strerror(errno));
        *rc = EXIT_USAGE;
    }
    if (o->junit != NULL && report_junit(rep, o->junit) < 0) {
        fprintf(stderr, "grader: writing %s: %s\n", o->junit, strerror(errno));
        *rc = EXIT_USAGE;
    }
    if (o->html != NULL && report_html(rep, o->html) < 0) {
        fprintf(stderr, "grader: writing %s: %s\n", o->html, strerror(errno));
        *rc = EXIT_USAGE;
    }
    if (o->autolab)
        report_autolab(rep, stdout);
    fflush(stdout);
}

/* The host, probed once; untrusted boxes will not see the kit's secrets. */
static void probe_host(const char *kit, const char *hidden, struct host *host)
{
    struct strv secrets;

    sv_init(&secrets);
    lab_secret_paths(kit, hidden, &secrets);
    host_init(host);
    host_hide_paths(host, &secrets);
    host_probe(host);
    sv_free(&secrets);
}

/* The options of grade(); go->skeleton is a new string. */
static void grade_options(const char *kit, const struct options *o, const struct lab *lab,
                          struct grade_opts *go)
{
    memset(go, 0, sizeof(*go));
    go->kit = kit;
    go->submission = o->submission;
    go->skeleton = lab_skeleton(kit, lab);
    go->hidden = o->hidden;
    go->workdir = o->workdir;
    go->jobs = o->jobs;
    go->run = (struct run_opts){o->jobs,
                                o->repeat,
                                o->verbose,
                                isatty(STDERR_FILENO) != 0,
                                o->keep || o->workdir != NULL,
                                o->fail_fast};
}

static int cmd_run(const char *kit, struct options *o)
{
    struct lab lab;
    struct report rep;
    struct host host;
    struct grade_opts go;
    struct grading g;
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
    probe_host(kit, o->hidden, &host);
    char *weak = host_weak_mode(&host);
    if (weak != NULL)
        fprintf(stderr, "grader: %s\n", weak);
    free(weak);
    rep.lab = &lab;
    rep.lab_arg = o->lab_arg;
    rep.submission = o->submission;
    rep.host = &host;
    rep.jobs = o->jobs;
    rep.repeat = o->repeat;
    grade_options(kit, o, &lab, &go);
    grading_init(&g, rep.res, rep.n);
    rc = grade(&host, &go, &lab, &g);
    rep.build = g.built ? &g.build : NULL;
    rep.setup_problem = g.setup_problem;
    rep.total_time = now_seconds() - t0;
    if (rc == 0)
        write_reports(&rep, o, &rc);
    if (g.st.root != NULL && (o->keep || o->workdir))
        fprintf(stderr, "grader: the work directory is %s\n", g.st.root);
    grading_free(&g, o->keep);
    free((char *)go.skeleton);
    results_free(rep.res, rep.n);
    free(rep.res);
    host_free(&host);
    manifest_free(&lab);
    return rc;
}

static int cmd_list(const char *kit, struct options *o)
{
    struct lab lab;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    inspect_list(&lab);
    manifest_free(&lab);
    return 0;
}

static int cmd_check(const char *kit, struct options *o)
{
    struct lab lab;
    int rc;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    rc = inspect_check(&lab);
    manifest_free(&lab);
    return rc;
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
        rc = usage_fail(usage_text, "config: unknown key '%s' (container, name, title, files)",
                        o->test);
    manifest_free(&lab);
    return rc;
}

static int cmd_debug(const char *kit, struct options *o)
{
    static const char *const tools[] = {"gdb", "valgrind", "strace", "none"};
    struct debug_opts d = {o->test, o->tool, o->submission, o->workdir};
    struct lab lab;
    bool known = false;
    int rc;

    for (size_t i = 0; i < ARRAY_LEN(tools); i++)
        known = known || strcmp(o->tool, tools[i]) == 0;
    if (!known)
        return usage_fail(usage_text, "--tool: '%s' is not gdb, valgrind, strace or none", o->tool);
    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    rc = debug_test(kit, &lab, &d);
    manifest_free(&lab);
    return rc;
}

static int cmd_build(const char *kit, struct options *o)
{
    struct lab lab;
    int rc;

    if (load_lab(kit, o, &lab) < 0)
        return EXIT_USAGE;
    rc = debug_build(kit, &lab, o->submission, o->workdir);
    manifest_free(&lab);
    return rc;
}

static int cmd_probe(const char *kit, struct options *o)
{
    struct host host;

    (void)kit;
    (void)o;
    host_init(&host);
    host_probe(&host);
    probe_print_all(&host);
    host_free(&host);
    return 0;
}

/* A student's page from a results.json (with the batch.json beside it, if any). */
static int cmd_html(int argc, char **argv)
{
    char *dir, *meta;
    int rc = 0;

    if (argc != 4)
        return usage_fail(usage_text, "html takes RESULTS_JSON OUT_HTML");
    dir = xstrdup(argv[2]);
    char *slash = strrchr(dir, '/');
    meta = xasprintf("%s/batch.json", slash != NULL ? (*slash = '\0', dir) : ".");
    if (html_write_student_report(argv[2], is_regular(meta) ? meta : NULL, argv[3]) < 0)
        rc = usage_fail(NULL, "%s: %s", errno == EINVAL ? argv[2] : argv[3],
                        errno == EINVAL ? "not a readable results.json" : strerror(errno));
    free(meta);
    free(dir);
    return rc;
}

/* A transcript's timeline block (lib/timeline.h) drawn as an SVG file. */
static int cmd_timeline(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        return usage_fail(usage_text, "timeline takes TRANSCRIPT OUT_SVG [TITLE]");
    if (html_write_timeline(argv[2], argc == 5 ? argv[4] : argv[2], argv[3]) == 0)
        return 0;
    if (errno == EINVAL)
        return usage_fail(NULL, "%s: no timeline block (a line 'timeline:' and rows 'NAME |...|')",
                          argv[2]);
    return usage_fail(NULL, "%s -> %s: %s", argv[2], argv[3], strerror(errno));
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
            return usage_fail(usage_text, "%s takes %d word%s after it", cmd, commands[i].words,
                              commands[i].words == 1 ? "" : "s");
        o->lab_arg = nwords > 0 ? words[0] : NULL;
        o->test = nwords > 1 ? words[1] : NULL;
        return commands[i].fn(kit, o);
    }
    return usage_fail(usage_text, "unknown command '%s'", cmd);
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
    /* before anything of the grader's own: the fenced program inherits it */
    if (argc > 1 && strcmp(argv[1], "fence") == 0)
        return fence_command(argc - 1, argv + 1);
    signal(SIGPIPE, SIG_IGN);
    memset(&o, 0, sizeof(o));
    sv_init(&o.only);
    o.repeat = 1;
    o.tool = "gdb";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    if (argc < 2)
        return usage_fail(usage_text, "no command");
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "merge") == 0)
        return merge_command(argc - 1, argv + 1);
    if (strcmp(cmd, "gradebook") == 0)
        return gradebook_command(argc - 1, argv + 1);
    if (strcmp(cmd, "html") == 0)
        return cmd_html(argc, argv);
    if (strcmp(cmd, "timeline") == 0)
        return cmd_timeline(argc, argv);
    if (strcmp(cmd, "batch") == 0 || strcmp(cmd, "similarity") == 0) {
        kit = lab_find_kit();
        rc = cmd[0] == 'b' ? batch_command(kit, argc - 1, argv + 1)
                           : similarity_command(kit, argc - 1, argv + 1);
        free(kit);
        return rc;
    }
    optind = 2;
    if ((rc = parse_options(argc, argv, &o)) != 0)
        return rc;
    kit = lab_find_kit();
    if (kit == NULL) {
        fprintf(stderr, "grader: cannot find the kit (set OSLABS_ROOT)\n");
        return EXIT_USAGE;
    }
    rc = dispatch(kit, cmd, argc - optind, argv + optind, &o);
    free(kit);
    sv_free(&o.only);
    return rc;
}
