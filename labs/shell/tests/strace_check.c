/*
 * strace_check.c - strace-check [--jobs N] TRACEFILE: reads `strace -f -o`
 * output of the driver running a trace, finds the shell (the process that
 * exec'd .../tsh) and checks that it made every child with fork (not vfork
 * or posix_spawn: no CLONE_VM), that each child called execve, and that the
 * shell reaped each one with wait4 (waitpid) or waitid; and that there were
 * at least N children. Prints "expected ..., actual ..." and exits 1 on the
 * first problem; exits 0 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIDS 4096

struct child {
    long pid;
    int vm;     /* made with CLONE_VM */
    int execd;  /* called execve (found at the end) */
    int reaped; /* a wait4/waitid of the shell returned its pid */
};

static struct child children[MAX_PIDS];
static int nchildren;
static long execs[MAX_PIDS]; /* every pid that called execve */
static int nexecs;
static long shell = -1;

/* Unfinished calls: the first half waits here for its "<... resumed>". */
static struct {
    long pid;
    char text[1024];
} pending[256];

static struct child *child_of(long pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid == pid)
            return &children[i];
    return NULL;
}

static char *take_pending(long pid)
{
    for (size_t i = 0; i < sizeof(pending) / sizeof(pending[0]); i++)
        if (pending[i].pid == pid) {
            pending[i].pid = 0;
            return pending[i].text;
        }
    return NULL;
}

static void put_pending(long pid, const char *text)
{
    for (size_t i = 0; i < sizeof(pending) / sizeof(pending[0]); i++)
        if (pending[i].pid == 0) {
            pending[i].pid = pid;
            snprintf(pending[i].text, sizeof(pending[i].text), "%s", text);
            return;
        }
}

/* One complete call by pid: "name(args) = result ...". */
static void call(long pid, const char *text)
{
    const char *eq = NULL;
    long result;
    size_t namelen = strcspn(text, "(");

    for (const char *p = strstr(text, " = "); p != NULL; p = strstr(p + 1, " = "))
        eq = p; /* the result follows the last " = " */
    if (eq == NULL)
        return;
    result = strtol(eq + 3, NULL, 10);
    if (strncmp(text, "execve", namelen) == 0 && namelen == 6) {
        const char *path_end = strchr(text, ',');
        if (shell < 0 && result == 0 && path_end != NULL && path_end - text > 5 &&
            strncmp(path_end - 5, "/tsh\"", 5) == 0)
            shell = pid;
        if (nexecs < MAX_PIDS)
            execs[nexecs++] = pid; /* maybe before the clone that made it returns */
        return;
    }
    if (pid != shell || result <= 0)
        return;
    if ((namelen == 5 && strncmp(text, "clone", 5) == 0) ||
        (namelen == 6 && strncmp(text, "clone3", 6) == 0) ||
        (namelen == 4 && strncmp(text, "fork", 4) == 0) ||
        (namelen == 5 && strncmp(text, "vfork", 5) == 0)) {
        if (strstr(text, "CLONE_THREAD") != NULL || nchildren == MAX_PIDS)
            return;
        struct child *c = &children[nchildren++];
        c->pid = result;
        c->vm = strstr(text, "CLONE_VM") != NULL || strncmp(text, "vfork", 5) == 0;
        return;
    }
    if ((namelen == 5 && strncmp(text, "wait4", 5) == 0) ||
        (namelen == 6 && strncmp(text, "waitid", 6) == 0)) {
        struct child *c = child_of(result);
        if (c != NULL && strstr(text, "WIFSTOPPED") == NULL &&
            strstr(text, "CLD_STOPPED") == NULL && strstr(text, "WIFCONTINUED") == NULL &&
            strstr(text, "CLD_CONTINUED") == NULL)
            c->reaped = 1;
    }
}

static void line(char *s)
{
    char *rest;
    long pid = strtol(s, &rest, 10);

    if (rest == s)
        return;
    while (*rest == ' ')
        rest++;
    rest[strcspn(rest, "\n")] = '\0';
    if (strstr(rest, " <unfinished ...>") != NULL) {
        *strstr(rest, " <unfinished ...>") = '\0';
        put_pending(pid, rest);
        return;
    }
    if (strncmp(rest, "<... ", 5) == 0) {
        char joined[2048];
        char *first = take_pending(pid);
        char *after = strstr(rest, " resumed>");
        if (first == NULL || after == NULL)
            return;
        snprintf(joined, sizeof(joined), "%s%s", first, after + 9);
        call(pid, joined);
        return;
    }
    call(pid, rest);
}

int main(int argc, char **argv)
{
    int want = 1;
    char buf[8192];
    FILE *f;

    if (argc == 4 && strcmp(argv[1], "--jobs") == 0)
        want = atoi(argv[2]);
    else if (argc != 2) {
        fprintf(stderr, "usage: strace-check [--jobs N] STRACE-OUTPUT\n");
        return 2;
    }
    f = fopen(argv[argc - 1], "r");
    if (f == NULL) {
        perror(argv[argc - 1]);
        return 2;
    }
    while (fgets(buf, sizeof(buf), f) != NULL)
        line(buf);
    fclose(f);
    if (shell < 0) {
        printf("expected the trace to show tsh being exec'd, actual: no execve of .../tsh\n");
        return 1;
    }
    if (nchildren < want) {
        printf("expected tsh to fork at least %d children, actual: %d\n", want, nchildren);
        return 1;
    }
    for (int i = 0; i < nchildren; i++) {
        struct child *c = &children[i];
        for (int k = 0; k < nexecs; k++)
            c->execd |= execs[k] == c->pid;
        if (c->vm) {
            printf("expected each child to be made by fork, actual: child %ld shares tsh's memory "
                   "(vfork, posix_spawn or system)\n",
                   c->pid);
            return 1;
        }
        if (!c->execd) {
            printf("expected each child of tsh to call execve, actual: child %ld never did\n",
                   c->pid);
            return 1;
        }
        if (!c->reaped) {
            printf("expected tsh to reap each child with waitpid/wait4, actual: child %ld was "
                   "never reaped\n",
                   c->pid);
            return 1;
        }
    }
    printf("ok: tsh forked %d children; each called execve and was reaped\n", nchildren);
    return 0;
}
