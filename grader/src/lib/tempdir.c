/*
 * tempdir.c - the grader's temporary directories, which do not outlive it.
 *
 * A Ctrl-C on `make grade`, or a batch's deadline (SIGTERM, then SIGKILL to
 * the grader's process group), ended the grader before it removed its
 * staged copy of the lab: each such end left a directory in /tmp, one per
 * submission that ran out of time in a class's batch. So the first
 * directory created starts a sweeper: a process in a session of its own,
 * which no terminal or process-group signal reaches. It reads "+DIR" and
 * "-DIR" lines from a socket; when the grader's end closes, however the
 * grader ended, it removes every directory still added. A grader that ends
 * well has removed or kept them all by then, and the sweeper just exits.
 */
#define _GNU_SOURCE /* close_range */
#include "lib/tempdir.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SWEEPER_FD 3
/* A running test's box may outlive the grader by a moment: until it has
 * gone, its directory may not go. */
#define REMOVE_TRIES   1200
#define REMOVE_WAIT_US 100000 /* between tries: 2 minutes in all */

static int sweeper = -1;    /* our end of the sweeper's socket */
static pid_t sweeper_owner; /* the process that started it */

/* The sweeper's own copy of what is added: the directories to remove. */
struct dirs {
    char **v;
    size_t n;
};

static void dirs_add(struct dirs *d, const char *dir)
{
    char **v = realloc(d->v, (d->n + 1) * sizeof(*v));
    char *copy = strdup(dir);

    if (v == NULL || copy == NULL) {
        free(copy);
        if (v != NULL)
            d->v = v;
        return;
    }
    d->v = v;
    d->v[d->n++] = copy;
}

static void dirs_drop(struct dirs *d, const char *dir)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->v[i], dir) == 0) {
            free(d->v[i]);
            d->v[i] = d->v[--d->n];
            return;
        }
    }
}

/* Alone in its session, with nothing of the grader's open but the socket. */
static void detach(int fd)
{
    int null = open("/dev/null", O_RDWR);

    setsid();
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    if (fd != SWEEPER_FD)
        dup2(fd, SWEEPER_FD);
    close_range(SWEEPER_FD + 1, ~0U, 0);
}

/*
 * The grader mounts each test's disk under its directory, in a mount
 * namespace of its own (sandbox/disk.c), which the sweeper shares: with the
 * grader gone the sweeper is the one left in it, and holds those mounts up.
 */
static void unmount_under(const char *dir)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    size_t len = strlen(dir), cap = 0;
    char *line = NULL, at[4096];

    while (f != NULL && getline(&line, &cap, f) > 0)
        if (sscanf(line, "%*s %*s %*s %*s %4095s", at) == 1 && strncmp(at, dir, len) == 0 &&
            at[len] == '/')
            umount2(at, MNT_DETACH);
    free(line);
    if (f != NULL)
        fclose(f);
}

static int sweep(const char *dir)
{
    unmount_under(dir);
    return remove_tree(dir);
}

static void sweeper_main(int fd)
{
    struct dirs dirs = {NULL, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *in;

    detach(fd);
    in = fdopen(SWEEPER_FD, "r");
    while (in != NULL && (len = getline(&line, &cap, in)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (line[0] == '+')
            dirs_add(&dirs, line + 1);
        else if (line[0] == '-')
            dirs_drop(&dirs, line + 1);
    }
    /* The grader's end closed: it has ended. */
    for (size_t i = 0; i < dirs.n; i++) {
        for (int t = 0; t < REMOVE_TRIES && sweep(dirs.v[i]) < 0; t++)
            usleep(REMOVE_WAIT_US);
        free(dirs.v[i]);
    }
    /* all freed: the grader under valgrind reports no leak of its sweeper */
    free(dirs.v);
    free(line);
    if (in != NULL)
        fclose(in);
    _exit(0);
}

/*
 * Starts the sweeper; without one (no fork) directories are removed as before.
 * It is not our child but our grandchild, handed to init at once: a caller's
 * wait for all its children (the batch's) must not wait for it.
 */
static void start_sweeper(void)
{
    int sv[2], status;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        if (fork() == 0)
            sweeper_main(sv[1]);
        _exit(0);
    }
    close(sv[1]);
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        close(sv[0]);
        return;
    }
    sweeper = sv[0];
    sweeper_owner = getpid();
}

static void tell(char op, const char *dir)
{
    char *msg;
    int len;

    if (sweeper < 0 || strchr(dir, '\n') != NULL)
        return;
    len = asprintf(&msg, "%c%s\n", op, dir);
    if (len < 0)
        return;
    /* MSG_NOSIGNAL: a sweeper that died must not take the grader with it */
    if (send(sweeper, msg, (size_t)len, MSG_NOSIGNAL) != len) {
        close(sweeper);
        sweeper = -1;
    }
    free(msg);
}

/* dir is ours: removed by the sweeper if this process ends before it is dropped. */
static void watch(const char *dir)
{
    if (sweeper >= 0 && sweeper_owner != getpid()) { /* a forked child: its own sweeper */
        close(sweeper);
        sweeper = -1;
    }
    if (sweeper < 0)
        start_sweeper();
    tell('+', dir);
}

static void unwatch(const char *dir)
{
    if (sweeper_owner == getpid())
        tell('-', dir);
}

const char *tempdir_base(void)
{
    const char *tmp = getenv("TMPDIR");

    return tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

char *tempdir_create(const char *name)
{
    char *dir;

    if (asprintf(&dir, "%s/oslabs-%s-XXXXXX", tempdir_base(), name) < 0)
        return NULL;
    if (mkdtemp(dir) == NULL) {
        int saved = errno;
        free(dir);
        errno = saved;
        return NULL;
    }
    watch(dir);
    return dir;
}

void tempdir_remove(const char *dir)
{
    remove_tree(dir);
    unwatch(dir);
}

void tempdir_keep(const char *dir)
{
    unwatch(dir);
}
