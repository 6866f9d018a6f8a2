/*
 * spawn.c - one grader per student: a `grader run` in a process group of
 * its own (locally), or docker/grade.sh in a fresh container; and the
 * choice between the two.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
int spawn_engine_snippet(struct batch *b, const char *snippet)
{
    char *script = xasprintf("read -r -a e <<<\"$(docker/engine.sh)\" || exit 1; %s", snippet);
    char *argv[] = {"/bin/bash", "-c", script, NULL};
    int rc = run_quiet(b->kit, argv);

    free(script);
    return rc;
}

int spawn_choose_mode(struct batch *b)
{
    const char *image = getenv("OSLABS_IMAGE") ? getenv("OSLABS_IMAGE") : "oslabs";
    bool want = b->o->mode == MODE_CONTAINER;
    char *check = xasprintf("\"${e[@]}\" image inspect '%s' >/dev/null", image);
    int rc = b->o->mode == MODE_LOCAL ? 1 : spawn_engine_snippet(b, check);

    free(check);
    if (rc == 0) {
        b->engine = xstrdup("container");
        return 0;
    }
    b->engine = xstrdup("local");
    if (want)
        return usage_fail(NULL,
                          "--container: no container engine with the image '%s' works here "
                          "(docker/engine.sh; make image), or grade with --local",
                          image);
    if (b->o->mode == MODE_AUTO)
        fprintf(stderr,
                "grader: no container engine with the image '%s': grading in the local "
                "sandbox (make image, or --local to silence this)\n",
                image);
    return 0;
}

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

void spawn_student(struct batch *b, struct student *s)
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
