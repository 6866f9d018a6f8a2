/*
 * batch.c - `grader batch`: grades every submission of a directory, N at
 * a time, each by its own `grader run` (locally or in a fresh container),
 * and `grader merge`. Crash-safe: a student's results are made in
 * OUT/.inflight/STUDENT and renamed into OUT/STUDENT once complete, so a
 * batch killed at any moment loses only what was in flight, and a rerun
 * skips every student whose submission (and lab) did not change.
 */
#define _GNU_SOURCE
#include "batch/batch.h"
#include "lib/fsutil.h"
#include "report/gradebook.h"
#include "pipeline/manifest.h"
#include "batch/treehash.h"
#include "pipeline/submission.h"
#include "lib/util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE       1
#define EXIT_INTERRUPTED 130
#define KILL_GRACE       10.0 /* seconds between SIGTERM and SIGKILL */

enum mode { MODE_AUTO, MODE_LOCAL, MODE_CONTAINER };

struct batch_opts {
    const char *lab_arg, *subs, *out, *hidden;
    int jobs, repeat, shard_i, shard_n;
    enum mode mode;
    bool force;
    double timeout; /* per submission; 0: from the manifest */
};

enum state { ST_SKIP, ST_TODO, ST_RUNNING, ST_DONE };

struct student {
    char *name; /* its directory in OUT */
    char *path; /* the submission: a directory or an archive */
    char *hash; /* submission and lab, hex */
    enum state state;
    pid_t pid;
    double start, deadline, kill_at;
    bool timed_out;
};

struct batch {
    const struct batch_opts *o;
    char *kit, *self, *labdir, *subs, *out, *inflight, *hidden;
    char *container_label, *engine;
    struct student *st;
    size_t n, todo, done, failures, running;
    double t0, timeout, max_score;
    int test_jobs;
    bool tty;
};

static const char batch_usage[] =
    "usage: grader batch LAB SUBMISSIONS_DIR --out DIR [--jobs N] [--container|--local]\n"
    "                    [--hidden DIR] [--repeat N] [--shard I/N] [--force] [--timeout SECONDS]\n"
    "       grader merge --out DIR OUT... (or grades.csv on stdout without --out)\n"
    "SUBMISSIONS_DIR holds one directory or archive (.zip, .tar, .tar.gz, ...) per student.\n";

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    interrupted = sig;
}

static int batch_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int batch_error(const char *fmt, ...)
{
    va_list ap;

    fputs("grader: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    return EXIT_USAGE;
}

static int parse_shard(const char *s, struct batch_opts *o)
{
    int i, n, used = 0;

    if (sscanf(s, "%d/%d%n", &i, &n, &used) != 2 || s[used] != '\0' || n < 1 || n > 10000 ||
        i < 1 || i > n)
        return batch_error("--shard: '%s' is not I/N with 1 <= I <= N (e.g. 1/4)", s);
    o->shard_i = i;
    o->shard_n = n;
    return 0;
}

static int parse_batch_options(int argc, char **argv, struct batch_opts *o)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"container", no_argument, NULL, 'C'},
                                             {"local", no_argument, NULL, 'L'},
                                             {"hidden", required_argument, NULL, 'H'},
                                             {"repeat", required_argument, NULL, 'r'},
                                             {"shard", required_argument, NULL, 'S'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    long n;
    double d;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:j:CLH:r:S:fT:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'O':
            o->out = optarg;
            break;
        case 'j':
            if (parse_long(optarg, 1, 64, &n) < 0)
                return batch_error("--jobs: '%s' is not a number in [1, 64]", optarg);
            o->jobs = (int)n;
            break;
        case 'C':
            o->mode = MODE_CONTAINER;
            break;
        case 'L':
            o->mode = MODE_LOCAL;
            break;
        case 'H':
            o->hidden = optarg;
            break;
        case 'r':
            if (parse_long(optarg, 1, 1000, &n) < 0)
                return batch_error("--repeat: '%s' is not a number in [1, 1000]", optarg);
            o->repeat = (int)n;
            break;
        case 'S':
            if (parse_shard(optarg, o) != 0)
                return EXIT_USAGE;
            break;
        case 'f':
            o->force = true;
            break;
        case 'T':
            if (parse_double(optarg, 1, 86400, &d) < 0)
                return batch_error("--timeout: '%s' is not a number of seconds", optarg);
            o->timeout = d;
            break;
        case 'h':
            fputs(batch_usage, stdout);
            exit(0);
        default:
            fputs(batch_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 2 || o->out == NULL) {
        fputs(batch_usage, stderr);
        return batch_error("batch needs LAB, SUBMISSIONS_DIR and --out DIR");
    }
    o->lab_arg = argv[optind];
    o->subs = argv[optind + 1];
    return 0;
}

/* Runs argv (with the kit as cwd, output discarded); its exit status, or -1. */
static int run_quiet(const char *cwd, char *const *argv)
{
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (chdir(cwd) < 0)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A shell snippet run with the engine's command in "${e[@]}". */
static int engine_snippet(struct batch *b, const char *snippet)
{
    char *script = xasprintf("read -r -a e <<<\"$(docker/engine.sh)\" || exit 1; %s", snippet);
    char *argv[] = {"/bin/bash", "-c", script, NULL};
    int rc = run_quiet(b->kit, argv);

    free(script);
    return rc;
}

static int choose_mode(struct batch *b)
{
    const char *image = getenv("OSLABS_IMAGE") ? getenv("OSLABS_IMAGE") : "oslabs";
    bool want = b->o->mode == MODE_CONTAINER;
    char *check = xasprintf("\"${e[@]}\" image inspect '%s' >/dev/null", image);
    int rc = b->o->mode == MODE_LOCAL ? 1 : engine_snippet(b, check);

    free(check);
    if (rc == 0) {
        b->engine = xstrdup("container");
        return 0;
    }
    b->engine = xstrdup("local");
    if (want)
        return batch_error("--container: no container engine with the image '%s' works here "
                           "(docker/engine.sh; make image), or grade with --local",
                           image);
    if (b->o->mode == MODE_AUTO)
        fprintf(stderr,
                "grader: no container engine with the image '%s': grading in the local "
                "sandbox (make image, or --local to silence this)\n",
                image);
    return 0;
}

/* Student names become directories: letters, digits, . _ - + @, not leading with a dot. */
static char *clean_name(const char *raw)
{
    char *s = xstrdup(raw);

    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("._-+@", *p) != NULL))
            *p = '_';
    if (s[0] == '.' || s[0] == '-' || s[0] == '+' || s[0] == '@' || s[0] == '\0') {
        char *t = xasprintf("x%s", s);
        free(s);
        s = t;
    }
    return s;
}

static bool name_taken(const struct batch *b, const char *name)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->st[i].name, name) == 0)
            return true;
    return false;
}

static void add_student(struct batch *b, const char *entry, bool archive)
{
    char *raw = archive ? unpack_strip_extension(entry) : xstrdup(entry);
    char *name = clean_name(raw);
    struct student *s;

    for (int k = 2; name_taken(b, name); k++) {
        free(name);
        char *base = clean_name(raw);
        name = xasprintf("%s~%d", base, k);
        free(base);
    }
    if (strcmp(name, raw) != 0)
        fprintf(stderr, "grader: %s is graded as '%s'\n", entry, name);
    b->st = xrealloc(b->st, (b->n + 1) * sizeof(*b->st));
    s = &b->st[b->n++];
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->path = xasprintf("%s/%s", b->subs, entry); /* absolute: graders run in the kit */
    s->state = ST_TODO;
    free(raw);
}

static int skip_hidden_entries(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int list_submissions(struct batch *b)
{
    struct dirent **list;
    int n = scandir(b->subs, &list, skip_hidden_entries, alphasort);

    if (n < 0)
        return batch_error("%s: %s", b->subs, strerror(errno));
    for (int i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", b->subs, list[i]->d_name);
        char *real = realpath(p, NULL);
        if (real != NULL && strcmp(real, b->out) == 0)
            ; /* --out inside the submissions: not a student */
        else if (is_dir(p))
            add_student(b, list[i]->d_name, false);
        else if (unpack_is_archive(p))
            add_student(b, list[i]->d_name, true);
        else
            fprintf(stderr, "grader: ignoring %s: not a directory or an archive\n", p);
        free(real);
        free(p);
        free(list[i]);
    }
    free(list);
    return 0;
}

static uint64_t name_hash(const char *name)
{
    return treehash_string(TREEHASH_INIT, name);
}

/* What a grade depends on besides the submission: the lab, the harness, options. */
static uint64_t config_hash(const struct batch *b)
{
    uint64_t h = treehash_string(TREEHASH_INIT, "oslabs batch 1");
    char *common = xasprintf("%s/grader/harness", b->kit);
    char repeat[32];

    h = treehash_path(h, b->labdir);
    h = treehash_path(h, common);
    h = treehash_path(h, b->hidden ? b->hidden : "/nonexistent");
    snprintf(repeat, sizeof(repeat), "repeat=%d", b->o->repeat);
    h = treehash_string(h, repeat);
    free(common);
    return h;
}

static cJSON *read_json_file(const char *path)
{
    size_t len;
    char *text = read_file_max(path, 64 << 20, &len);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;

    free(text);
    return j;
}

/* Marks the students of other shards, and those graded already, as skipped. */
static void select_students(struct batch *b)
{
    uint64_t config = config_hash(b);

    for (size_t i = 0; i < b->n; i++) {
        struct student *s = &b->st[i];
        if (b->o->shard_n > 1 &&
            name_hash(s->name) % (uint64_t)b->o->shard_n != (uint64_t)(b->o->shard_i - 1)) {
            s->state = ST_SKIP;
            continue;
        }
        /* an entry that is a link (to a shared store) is hashed where it leads */
        char *real = realpath(s->path, NULL);
        s->hash =
            xasprintf("%016llx", (unsigned long long)treehash_path(config, real ? real : s->path));
        free(real);
        char *meta = xasprintf("%s/%s/batch.json", b->out, s->name);
        cJSON *j = b->o->force ? NULL : read_json_file(meta);
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hash");
        if (cJSON_IsString(h) && strcmp(h->valuestring, s->hash) == 0)
            s->state = ST_SKIP;
        else
            b->todo++;
        cJSON_Delete(j);
        free(meta);
    }
}

/* Every test's timeout, repeated, plus the build's and a margin. */
static double default_timeout(const struct lab *lab, int repeat)
{
    double sum = lab->build_timeout + 120;

    for (size_t i = 0; i < lab->ntests; i++) {
        int reps = lab->tests[i].repeat > repeat ? lab->tests[i].repeat : repeat;
        sum += (lab->tests[i].timeout + 5) * reps;
    }
    return sum;
}

static char *lab_path(const char *kit, const char *arg)
{
    if (strchr(arg, '/') != NULL || strcmp(arg, ".") == 0)
        return absolute_path(arg);
    char *dir = xasprintf("%s/labs/%s", kit, arg);
    char *abs = absolute_path(dir);
    free(dir);
    return abs;
}

static int load_batch_lab(struct batch *b)
{
    struct lab lab;
    struct strbuf err;
    int rc;

    b->labdir = lab_path(b->kit, b->o->lab_arg);
    if (b->labdir == NULL)
        return batch_error("no lab '%s' (%s)", b->o->lab_arg, strerror(errno));
    sb_init(&err);
    rc = manifest_load(b->labdir, &lab, &err);
    if (rc == 0 && b->hidden != NULL)
        rc = manifest_load_hidden(b->hidden, &lab, &err);
    if (rc < 0) {
        fprintf(stderr, "%sgrader: the manifest has errors; nothing was graded\n", err.buf);
        sb_free(&err);
        return EXIT_USAGE;
    }
    b->timeout = b->o->timeout > 0 ? b->o->timeout : default_timeout(&lab, b->o->repeat);
    for (size_t i = 0; i < lab.ntests; i++)
        b->max_score += lab.tests[i].points;
    manifest_free(&lab);
    sb_free(&err);
    return 0;
}

/* ---- one submission ---- */

static void child_exec(struct batch *b, struct student *s, const char *tmp, pid_t parent)
{
    char *log = xasprintf("%s/grade.log", tmp);
    char *json = xasprintf("%s/results.json", tmp), *junit = xasprintf("%s/junit.xml", tmp);
    char jobs[16], repeat[16];
    char *argv[24];
    int n = 0, fd;
    sigset_t none;

    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the batch killed: its graders die too */
    if (getppid() != parent)
        _exit(1);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(126);
    snprintf(jobs, sizeof(jobs), "%d", b->test_jobs);
    snprintf(repeat, sizeof(repeat), "%d", b->o->repeat);
    setenv("OSLABS_ROOT", b->kit, 1);
    if (strcmp(b->engine, "container") == 0) {
        char *name = xasprintf("oslabs-batch-%s-%d", s->hash, (int)getpid());
        setenv("OSLABS_CONTAINER_NAME", name, 1);
        setenv("OSLABS_CONTAINER_LABEL", b->container_label, 1);
        if (b->hidden != NULL)
            setenv("OSLABS_HIDDEN", b->hidden, 1);
        argv[n++] = xasprintf("%s/docker/grade.sh", b->kit);
        argv[n++] = (char *)b->o->lab_arg; /* by name: the image has its own copy of the kit */
        argv[n++] = s->path;
        argv[n++] = (char *)tmp;
    } else {
        argv[n++] = b->self;
        argv[n++] = "run";
        argv[n++] = b->labdir;
        argv[n++] = "--submission";
        argv[n++] = s->path;
        argv[n++] = "--json";
        argv[n++] = json;
        argv[n++] = "--junit";
        argv[n++] = junit;
        if (b->hidden != NULL) {
            argv[n++] = "--hidden";
            argv[n++] = b->hidden;
        }
    }
    argv[n++] = "--jobs";
    argv[n++] = jobs;
    argv[n++] = "--repeat";
    argv[n++] = repeat;
    argv[n] = NULL;
    if (chdir(b->kit) < 0)
        _exit(126);
    execv(argv[0], argv);
    fprintf(stderr, "grader: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void start_student(struct batch *b, struct student *s)
{
    char *tmp = xasprintf("%s/%s", b->inflight, s->name);
    pid_t parent = getpid(), pid;

    remove_tree(tmp);
    if (mkdir(tmp, 0755) < 0)
        die("%s: %s", tmp, strerror(errno));
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0)
        child_exec(b, s, tmp, parent);
    setpgid(pid, pid);
    s->pid = pid;
    s->state = ST_RUNNING;
    s->start = now_seconds();
    s->deadline = s->start + b->timeout;
    b->running++;
    free(tmp);
}

/* The last non-empty line of a log, for a one-line reason. */
static char *last_line(const char *path)
{
    size_t len;
    char *text = read_file_max(path, 8 << 20, &len);
    char *line;

    if (text == NULL)
        return xstrdup("no output");
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        text[--len] = '\0';
    char *nl = strrchr(text, '\n');
    line = nl ? nl + 1 : text;
    if (strncmp(line, "grader: ", 8) == 0)
        line += 8;
    line = xasprintf("%.200s", line);
    free(text);
    return line;
}

/*
 * "the submission /a/b/alice.zip: why" -> "the submission alice.zip: why":
 * where the batch ran (a host, a container, a cluster) is not part of a grade.
 */
static char *short_paths(char *reason)
{
    static const char prefix[] = "the submission ";
    char *path, *end, *slash, *s;

    if (strncmp(reason, prefix, strlen(prefix)) != 0)
        return reason;
    path = reason + strlen(prefix);
    end = strstr(path, ": ");
    if (end == NULL)
        return reason;
    *end = '\0';
    slash = strrchr(path, '/');
    *end = ':';
    if (slash == NULL)
        return reason;
    s = xasprintf("%s%s", prefix, slash + 1);
    free(reason);
    return s;
}

/* The first line after "The first errors:" in the results' output. */
static char *build_reason(const char *output)
{
    const char *p = output ? strstr(output, "The first errors:\n") : NULL;

    if (p == NULL)
        return xstrdup("the build failed");
    p += strlen("The first errors:\n");
    return xasprintf("the build failed: %.*s",
                     (int)(strcspn(p, "\n") > 160 ? 160 : strcspn(p, "\n")), p);
}

struct verdict {
    const char *status;
    char *reason;
    double score, max;
};

static void judge_student(const struct batch *b, const struct student *s, const char *tmp,
                          int wstatus, struct verdict *v)
{
    char *json = xasprintf("%s/results.json", tmp), *log = xasprintf("%s/grade.log", tmp);
    cJSON *r = read_json_file(json);
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(r, "extra_data");
    const cJSON *build = cJSON_GetObjectItemCaseSensitive(extra, "build");
    const cJSON *problem = cJSON_GetObjectItemCaseSensitive(extra, "problem");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(r, "output");
    bool exited_ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;

    memset(v, 0, sizeof(*v));
    if (s->timed_out) {
        v->status = "timed-out";
        v->reason = xasprintf("grading took longer than %.0f s", s->deadline - s->start);
    } else if (r == NULL || !exited_ok) {
        v->status = "error";
        v->reason = short_paths(last_line(log));
    } else if (cJSON_IsString(problem)) {
        v->status = "error";
        v->reason =
            xasprintf("%.*s", (int)strcspn(problem->valuestring, "\n"), problem->valuestring);
    } else if (cJSON_IsString(build) && strcmp(build->valuestring, "failed") == 0) {
        v->status = "build-failed";
        v->reason = build_reason(cJSON_IsString(output) ? output->valuestring : NULL);
    } else {
        v->status = "graded";
        v->reason = xstrdup("");
    }
    if (r != NULL && !s->timed_out) {
        v->score = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r, "score"));
        v->max = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(extra, "max_score"));
    }
    v->score = v->score == v->score ? v->score : 0; /* NaN: no number there */
    v->max = v->max == v->max && v->max > 0 ? v->max : b->max_score;
    cJSON_Delete(r);
    free(json);
    free(log);
}

static char *json_text(cJSON *j)
{
    char *text = cJSON_Print(j);

    if (text == NULL)
        die("cJSON: out of memory");
    char *t = xasprintf("%s\n", text);
    free(text);
    cJSON_Delete(j);
    return t;
}

static int write_json(const char *path, cJSON *j)
{
    char *text = json_text(j);
    int rc = write_file_atomic(path, text, strlen(text));

    free(text);
    return rc;
}

/* A Gradescope-shaped results.json for a submission the grader could not report on. */
static void write_fallback_results(const char *tmp, const struct verdict *v)
{
    char *path = xasprintf("%s/results.json", tmp);
    cJSON *j = cJSON_CreateObject();
    cJSON *r = (v->status[0] == 't' || !is_regular(path)) ? j : NULL;

    if (r != NULL) {
        cJSON_AddNumberToObject(j, "score", 0);
        cJSON_AddStringToObject(j, "output", v->reason);
        cJSON_AddStringToObject(j, "output_format", "text");
        cJSON_AddStringToObject(j, "visibility", "visible");
        cJSON_AddItemToObject(j, "tests", cJSON_CreateArray());
        write_json(path, j);
    } else {
        cJSON_Delete(j);
    }
    free(path);
}

static void iso_time(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_meta(struct batch *b, const struct student *s, const char *tmp,
                       const struct verdict *v, double seconds)
{
    char *path = xasprintf("%s/batch.json", tmp), when[32];
    cJSON *j = cJSON_CreateObject();

    iso_time(when, sizeof(when));
    cJSON_AddStringToObject(j, "student", s->name);
    cJSON_AddStringToObject(j, "submission", s->path);
    cJSON_AddStringToObject(j, "lab", b->o->lab_arg);
    cJSON_AddStringToObject(j, "status", v->status);
    cJSON_AddStringToObject(j, "reason", v->reason);
    cJSON_AddNumberToObject(j, "score", v->score);
    cJSON_AddNumberToObject(j, "max_score", v->max);
    cJSON_AddStringToObject(j, "hash", s->hash);
    cJSON_AddStringToObject(j, "sandbox", b->engine);
    cJSON_AddNumberToObject(j, "seconds", seconds);
    cJSON_AddStringToObject(j, "finished", when);
    if (write_json(path, j) < 0)
        die("%s: %s", path, strerror(errno));
    free(path);
}

static void fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Moves the finished tmp into OUT/NAME in one rename; an older result goes with it. */
static void publish(struct batch *b, const struct student *s, const char *tmp)
{
    char *final = xasprintf("%s/%s", b->out, s->name);
    static const char *const files[] = {"grade.log", "junit.xml", "results.json"};

    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *f = xasprintf("%s/%s", tmp, files[i]);
        fsync_path(f, O_RDONLY);
        free(f);
    }
    fsync_path(tmp, O_RDONLY | O_DIRECTORY);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
        remove_tree(tmp); /* tmp now holds the old result */
    else if (rename(tmp, final) < 0)
        die("rename %s -> %s: %s", tmp, final, strerror(errno));
    fsync_path(b->out, O_RDONLY | O_DIRECTORY);
    free(final);
}

static void log_line(struct batch *b, const struct student *s, const struct verdict *v,
                     double seconds)
{
    char *path = xasprintf("%s/batch.log", b->out), when[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    iso_time(when, sizeof(when));
    if (fd >= 0) {
        dprintf(fd, "%s graded %s %g/%g %s %.1fs %s\n", when, s->name, v->score, v->max, v->status,
                seconds, s->hash);
        fsync(fd);
        close(fd);
    }
    free(path);
}

static void report_done(struct batch *b, const struct student *s, const struct verdict *v,
                        double seconds)
{
    if (b->tty)
        fprintf(stderr, "\r\033[K");
    if (!b->tty || strcmp(v->status, "graded") != 0)
        printf("[%zu/%zu] %s: %g/%g %s%s%s (%.1f s)\n", b->done, b->todo, s->name, v->score, v->max,
               v->status, v->reason[0] ? ": " : "", v->reason, seconds);
    fflush(stdout);
}

static void finish_student(struct batch *b, struct student *s, int wstatus)
{
    char *tmp = xasprintf("%s/%s", b->inflight, s->name);
    double seconds = now_seconds() - s->start;
    struct verdict v;

    judge_student(b, s, tmp, wstatus, &v);
    write_fallback_results(tmp, &v);
    write_meta(b, s, tmp, &v, seconds);
    publish(b, s, tmp);
    s->state = ST_DONE;
    b->running--;
    b->done++;
    if (strcmp(v.status, "graded") != 0)
        b->failures++;
    log_line(b, s, &v, seconds);
    report_done(b, s, &v, seconds);
    if (s->timed_out && strcmp(b->engine, "container") == 0) {
        char *rm = xasprintf("\"${e[@]}\" rm -f oslabs-batch-%s-%d", s->hash, (int)s->pid);
        engine_snippet(b, rm);
        free(rm);
    }
    free(v.reason);
    free(tmp);
}

/* ---- the loop ---- */

static void show_progress(const struct batch *b)
{
    double elapsed = now_seconds() - b->t0;
    double rate = elapsed > 0 ? (double)b->done * 60.0 / elapsed : 0;
    int width = 30, filled = b->todo ? (int)((double)width * (double)b->done / (double)b->todo) : 0;
    char eta[32] = "--";

    if (!b->tty)
        return;
    if (b->done > 0) {
        double left = elapsed / (double)b->done * (double)(b->todo - b->done);
        snprintf(eta, sizeof(eta), "%dm%02ds", (int)left / 60, (int)left % 60);
    }
    fprintf(stderr, "\r\033[K[");
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu  %.1f/min  ETA %s  failures %zu", b->done, b->todo, rate, eta,
            b->failures);
    fflush(stderr);
}

static struct student *find_pid(struct batch *b, pid_t pid)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i].state == ST_RUNNING && b->st[i].pid == pid)
            return &b->st[i];
    return NULL;
}

static void reap_children(struct batch *b)
{
    int wstatus;
    pid_t pid;

    while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        struct student *s = find_pid(b, pid);
        if (s != NULL) {
            kill(-pid, SIGKILL); /* whatever it left behind */
            finish_student(b, s, wstatus);
        }
    }
}

static void enforce_deadlines(struct batch *b)
{
    double now = now_seconds();

    for (size_t i = 0; i < b->n; i++) {
        struct student *s = &b->st[i];
        if (s->state != ST_RUNNING)
            continue;
        if (!s->timed_out && now > s->deadline) {
            s->timed_out = true;
            s->kill_at = now + KILL_GRACE;
            kill(-s->pid, SIGTERM);
        } else if (s->timed_out && now > s->kill_at) {
            kill(-s->pid, SIGKILL);
        }
    }
}

static void stop_all(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i].state == ST_RUNNING)
            kill(-b->st[i].pid, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    if (strcmp(b->engine, "container") == 0) {
        char *rm = xasprintf("ids=$(\"${e[@]}\" ps -aq --filter label=oslabs.batch=%s); "
                             "[ -z \"$ids\" ] || \"${e[@]}\" rm -f $ids",
                             b->container_label);
        engine_snippet(b, rm);
        free(rm);
    }
}

static void run_all(struct batch *b)
{
    size_t next = 0;

    b->t0 = now_seconds();
    while (!interrupted) {
        while (b->running < (size_t)b->o->jobs && next < b->n) {
            if (b->st[next].state == ST_TODO)
                start_student(b, &b->st[next]);
            next++;
        }
        if (b->running == 0)
            break;
        show_progress(b);
        usleep(100 * 1000); /* children are few and slow: polling is plenty */
        reap_children(b);
        enforce_deadlines(b);
    }
    if (b->tty)
        fprintf(stderr, "\r\033[K");
    if (interrupted)
        stop_all(b);
}

/* ---- setup and the command ---- */

static int lock_out(struct batch *b)
{
    char *path = xasprintf("%s/.batch.lock", b->out);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    free(path);
    if (fd < 0)
        return batch_error("%s: %s", b->out, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return batch_error("another batch is writing %s; wait for it, or use another --out",
                           b->out);
    return 0; /* held until we exit */
}

static int prepare_out(struct batch *b)
{
    if (mkdir_p(b->o->out) < 0)
        return batch_error("%s: %s", b->o->out, strerror(errno));
    b->out = absolute_path(b->o->out);
    if (b->out == NULL || lock_out(b) != 0)
        return EXIT_USAGE;
    b->inflight = xasprintf("%s/.inflight", b->out);
    remove_tree(b->inflight); /* what a killed batch left half done */
    if (mkdir(b->inflight, 0755) < 0)
        return batch_error("%s: %s", b->inflight, strerror(errno));
    b->container_label =
        xasprintf("%016llx", (unsigned long long)treehash_string(TREEHASH_INIT, b->out));
    return 0;
}

static int write_gradebook(const char *const *dirs, size_t n, const char *out, bool quiet)
{
    struct gradebook gb;
    struct strbuf err;
    int rc = 0;

    gradebook_init(&gb);
    sb_init(&err);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = gradebook_collect(&gb, dirs[i], &err);
    fputs(err.buf, stderr);
    gradebook_sort(&gb);
    if (rc == 0 && out != NULL) {
        if (gradebook_write(&gb, out) < 0)
            rc = batch_error("writing %s/grades.csv: %s", out, strerror(errno));
        else if (!quiet)
            printf("%zu students: %s/grades.csv, %s/summary.md\n", gb.n, out, out);
    } else if (rc == 0) {
        char *csv = gradebook_csv(&gb);
        fputs(csv, stdout);
        free(csv);
    }
    rc = rc != 0 ? EXIT_USAGE : 0;
    gradebook_free(&gb);
    sb_free(&err);
    return rc;
}

static void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->st[i].name);
        free(b->st[i].path);
        free(b->st[i].hash);
    }
    free(b->st);
    free(b->self);
    free(b->labdir);
    free(b->subs);
    free(b->out);
    free(b->inflight);
    free(b->hidden);
    free(b->container_label);
    free(b->engine);
}

/* The CPUs this process may use (a cluster's allocation), not all the machine's. */
static int usable_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/*
 * The grader itself, for the children: /proc/self/exe (a fork's is ours)
 * still runs this very binary after a rebuild replaced the file.
 */
static char *self_exe(void)
{
    return xstrdup("/proc/self/exe");
}

static int setup_batch(struct batch *b)
{
    int cpus = usable_cpus(), rc;

    if (!is_dir(b->o->subs) || (b->subs = absolute_path(b->o->subs)) == NULL)
        return batch_error("the submissions directory %s does not exist", b->o->subs);
    if (b->o->hidden != NULL && (b->hidden = absolute_path(b->o->hidden)) == NULL)
        return batch_error("--hidden %s: %s", b->o->hidden, strerror(errno));
    if ((rc = load_batch_lab(b)) != 0 || (rc = prepare_out(b)) != 0 || (rc = choose_mode(b)) != 0)
        return rc;
    if (strcmp(b->engine, "container") == 0 && !valid_name(b->o->lab_arg))
        return batch_error("in a container, a lab is named (labs/NAME), not a path: %s",
                           b->o->lab_arg);
    b->self = self_exe();
    b->test_jobs = cpus / b->o->jobs > 1 ? cpus / b->o->jobs : 1;
    b->tty = isatty(STDERR_FILENO) != 0;
    if ((rc = list_submissions(b)) != 0)
        return rc;
    select_students(b);
    return 0;
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int batch_command(const char *kit, int argc, char **argv)
{
    struct batch_opts o = {0};
    struct batch b;
    int cpus = usable_cpus(), rc;

    o.repeat = 1;
    o.jobs = cpus >= 4 ? cpus / 2 : 1;
    if ((rc = parse_batch_options(argc, argv, &o)) != 0)
        return rc;
    memset(&b, 0, sizeof(b));
    b.o = &o;
    b.kit = (char *)kit;
    if ((rc = setup_batch(&b)) == 0) {
        size_t skipped = b.n - b.todo;
        printf("grader batch: %s, %zu submissions%s, %zu to grade (%zu skipped: graded already "
               "or another shard's), %d at a time, %s sandbox\n",
               b.o->lab_arg, b.n, b.o->shard_n > 1 ? " in all shards" : "", b.todo, skipped,
               b.o->jobs, b.engine);
        fflush(stdout);
        install_signals();
        run_all(&b);
        const char *dirs[] = {b.out};
        rc = write_gradebook(dirs, 1, b.out, false);
        printf("graded %zu of %zu (%zu not graded in full)%s\n", b.done, b.todo, b.failures,
               interrupted ? "; interrupted: run the same command to go on" : "");
        if (interrupted)
            rc = EXIT_INTERRUPTED;
        remove_tree(b.inflight);
    }
    batch_free(&b);
    return rc;
}

int merge_command(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "O:h", longopts, NULL)) != -1) {
        if (c == 'O') {
            out = optarg;
        } else {
            fputs(batch_usage, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : EXIT_USAGE;
        }
    }
    if (optind >= argc)
        return batch_error("merge needs at least one batch output directory");
    for (int i = optind; i < argc; i++)
        if (!is_dir(argv[i]))
            return batch_error("%s is not a batch output directory", argv[i]);
    if (out != NULL && mkdir_p(out) < 0)
        return batch_error("%s: %s", out, strerror(errno));
    rc = write_gradebook((const char *const *)argv + optind, (size_t)(argc - optind), out, false);
    return rc;
}
