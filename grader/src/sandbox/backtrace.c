/*
 * backtrace.c - gdb's backtrace of every thread of the processes of a test
 * that timed out or hung, taken from a box of its own while they still hang.
 */
#define _GNU_SOURCE
#include "sandbox/backtrace.h"
#include "lib/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GDB_TIMEOUT 20.0
#define SEEN_MAX    64 /* distinct hangs remembered per run; more are all shown */

struct backtrace_seen {
    uint64_t print[SEEN_MAX];
    char *test[SEEN_MAX];
    int n;
};

struct box *backtrace_start(const struct host *host, const pid_t *pids, int n)
{
    struct strv argv;
    char *envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "LC_ALL=C", NULL};
    struct box_spec g;
    struct box *b;

    sv_init(&argv);
    sv_push(&argv, "gdb");
    sv_push(&argv, "-nx");
    sv_push(&argv, "-batch");
    sv_push(&argv, "-iex");
    sv_push(&argv, "set debuginfod enabled off");
    sv_push(&argv, "-ex");
    sv_push(&argv, "set pagination off");
    for (int i = 0; i < n; i++) { /* one gdb, attached to each process in turn */
        if (n > 1) {
            sv_push(&argv, "-ex");
            sv_pushf(&argv, "echo === process %d ===\\n", (int)pids[i]);
        }
        sv_push(&argv, "-ex");
        sv_pushf(&argv, "attach %d", (int)pids[i]);
        sv_push(&argv, "-ex");
        sv_push(&argv, "thread apply all bt");
        sv_push(&argv, "-ex");
        sv_push(&argv, "detach");
    }
    memset(&g, 0, sizeof(g));
    g.host = host;
    g.argv = argv.v;
    g.envp = envp;
    g.cwd = "/";
    g.timeout = GDB_TIMEOUT;
    g.merge_stderr = true;
    b = box_start(&g); /* the box keeps its own copies of argv and envp */
    sv_free(&argv);
    return b;
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
            strncmp(p, "=== ", 4) == 0 || strstr(p, "Could not attach") != NULL) {
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

struct backtrace_seen *backtrace_seen_new(void)
{
    return xcalloc(1, sizeof(struct backtrace_seen));
}

void backtrace_seen_free(struct backtrace_seen *seen)
{
    if (seen == NULL)
        return;
    for (int i = 0; i < seen->n; i++)
        free(seen->test[i]);
    free(seen);
}

const char *backtrace_seen_by(struct backtrace_seen *seen, uint64_t print, const char *test)
{
    if (seen == NULL || print == 0)
        return NULL;
    for (int i = 0; i < seen->n; i++)
        if (seen->print[i] == print)
            return seen->test[i];
    if (seen->n < SEEN_MAX) {
        seen->print[seen->n] = print;
        seen->test[seen->n++] = xstrdup(test);
    }
    return NULL;
}

char *backtrace_repeated(pid_t pid, const char *shown)
{
    char path[64], *comm, *text;

    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    comm = read_file_max(path, 64, NULL);
    if (comm != NULL)
        comm[strcspn(comm, "\n")] = '\0';
    text = xasprintf("(no new backtrace: %s waits where it waited in %s, whose report shows "
                     "the backtrace)\n",
                     comm != NULL && comm[0] != '\0' ? comm : "the program", shown);
    free(comm);
    return text;
}
