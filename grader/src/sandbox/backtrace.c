/*
 * backtrace.c - gdb's backtrace of every thread of a program that timed
 * out, taken from a box of its own while the program still hangs.
 */
#define _GNU_SOURCE
#include "sandbox/backtrace.h"
#include "lib/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GDB_TIMEOUT 20.0

pid_t backtrace_target(pid_t keeper, pid_t ns_pid)
{
    char path[96];
    char *text;
    pid_t found = -1;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)keeper, (int)keeper);
    text = read_file_max(path, 65536, NULL);
    if (text == NULL)
        return -1;
    for (char *p = text; *p != '\0' && found < 0;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        p = end;
        snprintf(path, sizeof(path), "/proc/%ld/status", pid);
        char *status = read_file_max(path, 65536, NULL);
        char *line = status ? strstr(status, "\nNSpid:") : NULL;
        if (line != NULL) {
            char *eol = strchr(line + 1, '\n');
            if (eol)
                *eol = '\0';
            char *last = strrchr(line, '\t');
            if (last != NULL && atol(last + 1) == ns_pid)
                found = (pid_t)pid;
        }
        free(status);
    }
    free(text);
    return found;
}

struct box *backtrace_start(const struct host *host, pid_t pid)
{
    char pidbuf[32];
    char *argv[] = {"gdb",
                    "-nx",
                    "-batch",
                    "-p",
                    pidbuf,
                    "-iex",
                    "set debuginfod enabled off",
                    "-ex",
                    "set pagination off",
                    "-ex",
                    "thread apply all bt",
                    NULL};
    char *envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "LC_ALL=C", NULL};
    struct box_spec g;

    snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
    memset(&g, 0, sizeof(g));
    g.host = host;
    g.argv = argv;
    g.envp = envp;
    g.cwd = "/";
    g.timeout = GDB_TIMEOUT;
    g.merge_stderr = true;
    return box_start(&g); /* the box keeps its own copies of argv and envp */
}

/* Keeps the lines of gdb's output that a reader needs: threads and frames. */
static char *filter_backtrace(const char *raw)
{
    struct strbuf s;
    const char *p = raw;

    sb_init(&s);
    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (strncmp(p, "Thread ", 7) == 0 || p[0] == '#' || strncmp(p, "ptrace", 6) == 0 ||
            strstr(p, "Could not attach") != NULL) {
            if (p[0] != '#' && s.len > 0)
                sb_adds(&s, "\n");
            sb_add(&s, p, len);
            sb_adds(&s, "\n");
        }
        p += len + (eol ? 1 : 0);
    }
    if (s.len == 0)
        sb_addf(&s, "(gdb gave no backtrace)\n%s", raw);
    return sb_detach(&s);
}

char *backtrace_collect(struct box *gdb)
{
    struct box_result r;
    char *text;

    box_collect(gdb, &r);
    if (r.end == BOX_FAILED)
        text = xasprintf("(no backtrace: %s)\n", r.error);
    else
        text = filter_backtrace(r.out);
    box_result_free(&r);
    return text;
}
