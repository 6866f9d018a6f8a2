/*
 * repos.c - `grader batch --repos DIR`: a class of student repositories
 * (clones of the `make dist` handout: the student's work on lab LAB is in
 * REPO/skeletons/LAB) graded lab by lab, then the class gradebook.
 *
 * For each lab, OUT/.repos/LAB holds one symbolic link per student to
 * REPO/skeletons/LAB, and an ordinary batch of that lab grades it into
 * OUT/LAB (a child `grader batch`, so each lab's batch is exactly the one
 * of a single lab: resumable, sharded, locked). Then OUT/gradebook.csv
 * (and the imports, with --roster) as `grader gradebook` writes them.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "lib/fsutil.h"
#include "report/roster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int skip_dot(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* The repositories: every directory of DIR, by name. */
static int list_repos(const char *dir, struct strv *repos)
{
    struct dirent **list;
    int n = scandir(dir, &list, skip_dot, alphasort);

    if (n < 0)
        return usage_fail(NULL, "--repos %s: %s", dir, strerror(errno));
    for (int i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", dir, list[i]->d_name);
        if (is_dir(p))
            sv_push(repos, list[i]->d_name);
        else
            fprintf(stderr, "grader: ignoring %s: not a repository (a directory)\n", p);
        free(p);
        free(list[i]);
    }
    free(list);
    return 0;
}

static bool real_dir(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * REPO/skeletons/LAB, both real directories: a link in a student's
 * repository could point at another student's work, so it is not followed
 * (and when warn, named).
 */
static bool repo_holds(const char *dir, const char *repo, const char *lab, bool warn)
{
    char *skel = xasprintf("%s/%s/skeletons", dir, repo);
    char *p = xasprintf("%s/%s", skel, lab);
    bool held = real_dir(skel) && real_dir(p);

    if (!held && warn && (is_dir(p) || (is_dir(skel) && !real_dir(skel))))
        fprintf(stderr,
                "grader: %s is a symbolic link: not graded (a repository's work is its own)\n",
                real_dir(skel) ? p : skel);
    free(skel);
    free(p);
    return held;
}

/* --labs a,b (each a lab of the kit), else every lab of the kit a repository holds. */
static int choose_labs(const char *kit, const struct batch_opts *o, const struct strv *repos,
                       struct strv *labs)
{
    char *labs_dir = xasprintf("%s/labs", kit);
    struct dirent **list;
    int n, rc = 0;

    if (o->labs != NULL) {
        char *copy = xstrdup(o->labs), *save = NULL;
        for (char *l = strtok_r(copy, ",", &save); l && rc == 0; l = strtok_r(NULL, ",", &save)) {
            char *ini = xasprintf("%s/%s/lab.ini", labs_dir, l);
            if (!valid_name(l) || !is_regular(ini))
                rc = usage_fail(NULL, "--labs: no lab '%s' in %s", l, labs_dir);
            else if (!sv_contains(labs, l))
                sv_push(labs, l);
            free(ini);
        }
        free(copy);
    } else if ((n = scandir(labs_dir, &list, skip_dot, alphasort)) >= 0) {
        for (int i = 0; i < n; i++) {
            char *ini = xasprintf("%s/%s/lab.ini", labs_dir, list[i]->d_name);
            bool held = false;
            for (size_t r = 0; r < repos->n && !held; r++)
                held = repo_holds(o->repos, repos->v[r], list[i]->d_name, false);
            if (held && is_regular(ini))
                sv_push(labs, list[i]->d_name);
            free(ini);
            free(list[i]);
        }
        free(list);
    }
    if (rc == 0 && labs->n == 0)
        rc = usage_fail(NULL, "no repository of %s holds a lab (REPO/skeletons/LAB)", o->repos);
    free(labs_dir);
    return rc;
}

/* OUT/.repos/LAB: a link per student holding the lab; the directory. */
static char *link_lab(const char *out, const char *repos_dir, const struct strv *repos,
                      const char *lab)
{
    char *links = xasprintf("%s/.repos/%s", out, lab);
    struct strbuf lacking;

    sb_init(&lacking);
    remove_tree(links); /* the repositories of today, not of the last run */
    if (mkdir_p(links) < 0)
        die("%s: %s", links, strerror(errno));
    for (size_t r = 0; r < repos->n; r++) {
        char *target = xasprintf("%s/%s/skeletons/%s", repos_dir, repos->v[r], lab);
        char *link = xasprintf("%s/%s", links, repos->v[r]);
        if (!repo_holds(repos_dir, repos->v[r], lab, true))
            sb_addf(&lacking, " %s", repos->v[r]);
        else if (symlink(target, link) < 0)
            die("symlink %s: %s", link, strerror(errno));
        free(target);
        free(link);
    }
    if (lacking.len > 0)
        fprintf(stderr, "grader: %s: not in the repositories of:%s\n", lab, lacking.buf);
    sb_free(&lacking);
    return links;
}

/* The options of a one-lab batch, as given to this one. */
static void lab_argv(const struct batch_opts *o, const char *lab, const char *links,
                     const char *out, struct strv *argv)
{
    sv_push(argv, "/proc/self/exe");
    sv_push(argv, "batch");
    sv_push(argv, lab);
    sv_push(argv, links);
    sv_pushf(argv, "--out=%s/%s", out, lab);
    sv_pushf(argv, "--jobs=%d", o->jobs);
    sv_pushf(argv, "--repeat=%d", o->repeat);
    if (o->mode != MODE_AUTO)
        sv_push(argv, o->mode == MODE_LOCAL ? "--local" : "--container");
    if (o->shard_n > 0)
        sv_pushf(argv, "--shard=%d/%d", o->shard_i, o->shard_n);
    if (o->force)
        sv_push(argv, "--force");
    if (o->allow_partial)
        sv_push(argv, "--allow-partial");
    if (o->similarity)
        sv_push(argv, "--similarity");
    if (o->trust_submissions)
        sv_push(argv, "--trust-submissions");
    if (o->timeout > 0)
        sv_pushf(argv, "--timeout=%g", o->timeout);
}

static volatile pid_t child;

/* SIGINT, SIGTERM, SIGHUP: the lab's batch stops as it would alone (keeping what is done). */
static void forward(int sig)
{
    if (child > 0)
        kill(child, sig);
}

/* Runs a child and waits; its exit status (128 + N for a signal). */
static int run_child(struct strv *argv)
{
    struct sigaction sa;
    int status;
    pid_t pid;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* killed with us, even by SIGKILL */
        execv(argv->v[0], argv->v);
        fprintf(stderr, "grader: exec %s: %s\n", argv->v[0], strerror(errno));
        _exit(2);
    }
    child = pid;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    child = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int grade_labs(const struct batch_opts *o, const char *out, const struct strv *repos,
                      const struct strv *labs, struct strv *outs)
{
    char *repos_dir = absolute_path(o->repos);
    int rc = 0;

    for (size_t l = 0; l < labs->n && rc == 0; l++) {
        struct strv argv;
        printf("grader batch --repos: %s (lab %zu of %zu)\n", labs->v[l], l + 1, labs->n);
        fflush(stdout);
        char *links = link_lab(out, repos_dir, repos, labs->v[l]);
        sv_init(&argv);
        lab_argv(o, labs->v[l], links, out, &argv);
        rc = run_child(&argv);
        if (rc != 0)
            fprintf(stderr,
                    "grader: the batch of %s ended with status %d; the labs after it "
                    "were not graded (run the same command to go on)\n",
                    labs->v[l], rc);
        sv_pushf(outs, "%s/%s", out, labs->v[l]);
        sv_free(&argv);
        free(links);
    }
    free(repos_dir);
    return rc;
}

/* A bad roster is refused before any grading, not after. */
static int check_roster(const char *path)
{
    struct roster r;
    struct strbuf err;
    int rc = 0;

    sb_init(&err);
    if (roster_load(path, &r, &err) < 0) {
        fprintf(stderr, "grader: %snothing was graded\n", err.buf);
        rc = EXIT_USAGE;
    }
    roster_free(&r);
    sb_free(&err);
    return rc;
}

/* OUT/.repos is rebuilt by each run: one run at a time (the lock is held until we exit). */
static int lock_repos(const char *out)
{
    char *path = xasprintf("%s/.repos.lock", out);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    free(path);
    if (fd < 0)
        return usage_fail(NULL, "%s: %s", out, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return usage_fail(NULL, "another batch --repos is writing %s; wait for it", out);
    return 0;
}

int repos_batch(const char *kit, const struct batch_opts *o)
{
    struct strv repos, labs, outs;
    char *out;
    int rc;

    if (!is_dir(o->repos))
        return usage_fail(NULL, "--repos %s is not a directory", o->repos);
    if (o->roster != NULL && (rc = check_roster(o->roster)) != 0)
        return rc;
    if (mkdir_p(o->out) < 0 || (out = absolute_path(o->out)) == NULL)
        return usage_fail(NULL, "%s: %s", o->out, strerror(errno));
    if (lock_repos(out) != 0) {
        free(out);
        return EXIT_USAGE;
    }
    sv_init(&repos);
    sv_init(&labs);
    sv_init(&outs);
    if ((rc = list_repos(o->repos, &repos)) == 0 && (rc = choose_labs(kit, o, &repos, &labs)) == 0)
        rc = grade_labs(o, out, &repos, &labs, &outs);
    if (rc == 0)
        rc = class_gradebook((const char *const *)outs.v, outs.n, o->roster, out);
    sv_free(&repos);
    sv_free(&labs);
    sv_free(&outs);
    free(out);
    return rc;
}
