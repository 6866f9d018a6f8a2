/*
 * cgroup.c - per-box memory and pids cgroups, v1 or v2.
 *
 * The boxes' cgroups are children of the grader's own (from
 * /proc/self/cgroup), so any limit the grader itself runs under still
 * holds. On v1 the memory limit covers swap too when the kernel accounts
 * it (memory.memsw.limit_in_bytes); on v2 memory.swap.max is set to 0.
 */
#define _GNU_SOURCE
#include "sandbox/cgroup.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    bool ok;
    bool v2;
    char *mem_base;  /* where boxes' memory cgroups are made */
    char *pids_base; /* and their pids cgroups */
    unsigned long counter;
    char describe[64];
} cg_state;

/*
 * The path of the grader's cgroup in one v1 hierarchy ("memory", "pids"),
 * or in the v2 hierarchy (controller ""), from /proc/self/cgroup lines
 * "ID:CONTROLLERS:PATH". NULL when there is none.
 */
static char *own_path(const char *controller)
{
    char *line = NULL, *result = NULL;
    size_t cap = 0;
    FILE *f = fopen("/proc/self/cgroup", "re");

    if (f == NULL)
        return NULL;
    while (result == NULL && getline(&line, &cap, f) > 0) {
        char *list = strchr(line, ':');
        char *path = list ? strchr(list + 1, ':') : NULL;
        if (path == NULL)
            continue;
        *path++ = '\0';
        list++;
        path[strcspn(path, "\n")] = '\0';
        if (controller[0] == '\0') {
            if (list[0] == '\0')
                result = xstrdup(path);
            continue;
        }
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok != NULL;
             tok = strtok_r(NULL, ",", &save))
            if (strcmp(tok, controller) == 0)
                result = xstrdup(path);
    }
    free(line);
    fclose(f);
    return result;
}

static int write_text(const char *dir, const char *file, const char *text)
{
    char *path = xasprintf("%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n = -1;

    free(path);
    if (fd < 0)
        return -1;
    n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static bool has_file(const char *dir, const char *file)
{
    char *path = xasprintf("%s/%s", dir, file);
    bool yes = access(path, F_OK) == 0;

    free(path);
    return yes;
}

/* A directory for the boxes under the grader's cgroup of one hierarchy. */
static char *make_base(const char *mount, const char *own)
{
    char *base =
        xasprintf("%s%s/oslabs-%ld", mount, strcmp(own, "/") == 0 ? "" : own, (long)getpid());

    if (mkdir(base, 0755) < 0 && errno != EEXIST) {
        free(base);
        return NULL;
    }
    return base;
}

static bool setup_v1(void)
{
    char *mem = own_path("memory"), *pids = own_path("pids");

    if (mem != NULL && pids != NULL && access("/sys/fs/cgroup/memory/cgroup.procs", W_OK) == 0 &&
        access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) == 0) {
        cg_state.mem_base = make_base("/sys/fs/cgroup/memory", mem);
        cg_state.pids_base = make_base("/sys/fs/cgroup/pids", pids);
    }
    free(mem);
    free(pids);
    return cg_state.mem_base != NULL && cg_state.pids_base != NULL;
}

/* v2: our base's subtree must offer memory and pids to its children. */
static bool setup_v2(void)
{
    char *own = own_path("");
    bool ok = false;

    if (own != NULL && has_file("/sys/fs/cgroup", "cgroup.controllers")) {
        char *base = make_base("/sys/fs/cgroup", own);
        if (base != NULL && write_text(base, "cgroup.subtree_control", "+memory +pids") == 0) {
            cg_state.mem_base = base;
            cg_state.pids_base = xstrdup(base);
            cg_state.v2 = true;
            ok = true;
        } else if (base != NULL) {
            rmdir(base);
            free(base);
        }
    }
    free(own);
    return ok;
}

bool cg_setup(void)
{
    const char *off = getenv("OSLABS_NO_CGROUPS");

    if (off != NULL && strcmp(off, "1") == 0)
        return false;
    if (geteuid() != 0)
        return false;
    cg_state.ok = setup_v1() || setup_v2();
    if (cg_state.ok)
        atexit(cg_finish);
    if (cg_state.ok)
        snprintf(cg_state.describe, sizeof(cg_state.describe), "cgroup %s memory+pids",
                 cg_state.v2 ? "v2" : "v1");
    return cg_state.ok;
}

bool cg_available(void)
{
    return cg_state.ok;
}

const char *cg_describe(void)
{
    return cg_state.describe;
}

static char *make_dir(const char *base, unsigned long n)
{
    char *dir = xasprintf("%s/box-%lu", base, n);

    if (mkdir(dir, 0755) < 0) {
        free(dir);
        return NULL;
    }
    return dir;
}

static void limit_memory(const char *dir, long mem_mb)
{
    char value[32];

    if (mem_mb <= 0)
        return;
    snprintf(value, sizeof(value), "%lld", (long long)mem_mb << 20);
    if (cg_state.v2) {
        write_text(dir, "memory.max", value);
        write_text(dir, "memory.swap.max", "0");
    } else {
        write_text(dir, "memory.limit_in_bytes", value);
        if (has_file(dir, "memory.memsw.limit_in_bytes"))
            write_text(dir, "memory.memsw.limit_in_bytes", value); /* memory + swap: no swap */
    }
}

static int open_procs(const char *dir)
{
    char *path = xasprintf("%s/cgroup.procs", dir);
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    free(path);
    return fd;
}

void cg_create(struct box_cgroup *cg, long mem_mb, long pids)
{
    char value[32];

    memset(cg, 0, sizeof(*cg));
    cg->procs_fd[0] = cg->procs_fd[1] = -1;
    if (!cg_state.ok)
        return;
    cg_state.counter++;
    cg->mem_dir = make_dir(cg_state.mem_base, cg_state.counter);
    cg->pids_dir = cg_state.v2 ? (cg->mem_dir ? xstrdup(cg->mem_dir) : NULL)
                               : make_dir(cg_state.pids_base, cg_state.counter);
    if (cg->mem_dir == NULL || cg->pids_dir == NULL) {
        cg_destroy(cg);
        return;
    }
    limit_memory(cg->mem_dir, mem_mb);
    snprintf(value, sizeof(value), "%ld", pids > 0 ? pids : 100000);
    write_text(cg->pids_dir, "pids.max", value);
    cg->procs_fd[0] = open_procs(cg->mem_dir);
    if (!cg_state.v2)
        cg->procs_fd[1] = open_procs(cg->pids_dir);
}

void cg_join(const struct box_cgroup *cg)
{
    for (int i = 0; i < 2; i++)
        if (cg->procs_fd[i] >= 0 && write(cg->procs_fd[i], "0", 1) < 0)
            continue; /* best effort: rlimits still apply */
}

/* A counter of a cgroup file (v1 memory.failcnt, or "oom_kill N" in v2's memory.events). */
static long read_counter(const char *dir, const char *file, const char *key)
{
    char *path = xasprintf("%s/%s", dir, file);
    char buf[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    free(path);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (key == NULL)
        return atol(buf);
    const char *p = strstr(buf, key);
    return p ? atol(p + strlen(key)) : 0;
}

bool cg_hit_memory_limit(const struct box_cgroup *cg)
{
    if (cg->mem_dir == NULL)
        return false;
    if (cg_state.v2)
        return read_counter(cg->mem_dir, "memory.events", "oom_kill ") > 0;
    return read_counter(cg->mem_dir, "memory.oom_control", "oom_kill ") > 0;
}

void cg_finish(void)
{
    if (!cg_state.ok)
        return;
    rmdir(cg_state.mem_base);
    if (!cg_state.v2)
        rmdir(cg_state.pids_base);
    free(cg_state.mem_base);
    free(cg_state.pids_base);
    memset(&cg_state, 0, sizeof(cg_state));
}

void cg_destroy(struct box_cgroup *cg)
{
    for (int i = 0; i < 2; i++)
        if (cg->procs_fd[i] >= 0)
            close(cg->procs_fd[i]);
    /* the box's processes are gone (the keeper has been reaped): the directories are empty */
    if (cg->mem_dir != NULL)
        rmdir(cg->mem_dir);
    if (cg->pids_dir != NULL && (cg->mem_dir == NULL || strcmp(cg->pids_dir, cg->mem_dir) != 0))
        rmdir(cg->pids_dir);
    free(cg->mem_dir);
    free(cg->pids_dir);
    memset(cg, 0, sizeof(*cg));
    cg->procs_fd[0] = cg->procs_fd[1] = -1;
}
