/*
 * probe.c - the memlock tests' own view of memory: /proc/self/status,
 * /proc/self/maps, /proc/self/smaps and mincore(2), parsed here so that a
 * bug in the student's parser cannot make a lock test pass or fail.
 */
#define _GNU_SOURCE /* mincore, syscall */
#include "probe.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

size_t pg(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

const char *lab_file(const char *rel)
{
    static char path[4096];
    const char *lab = getenv("OSLABS_LAB");

    snprintf(path, sizeof(path), "%s/%s", lab != NULL && *lab != '\0' ? lab : ".", rel);
    return path;
}

long self_kb(const char *key)
{
    FILE *in = fopen("/proc/self/status", "r");
    size_t klen = strlen(key);
    char line[512];
    long v = -1;

    if (in == NULL)
        return -1;
    while (fgets(line, sizeof(line), in) != NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ':')
            v = strtol(line + klen + 1, NULL, 10);
    fclose(in);
    return v;
}

void *map_pages(size_t n)
{
    void *p = mmap(NULL, n * pg(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        perror("probe: mmap");
        abort();
    }
    return p;
}

size_t resident(const void *page, size_t n)
{
    unsigned char vec[4096];
    size_t count = 0;

    if (n > sizeof(vec) || mincore((void *)page, n * pg(), vec) < 0)
        return (size_t)-1;
    for (size_t i = 0; i < n; i++)
        count += vec[i] & 1;
    return count;
}

/* Finds the line of maps/smaps whose range holds addr; leaves in positioned
 * after that line. true if found. */
static bool find_mapping(FILE *in, const void *addr, char *line, size_t size)
{
    uintptr_t a = (uintptr_t)addr;

    while (fgets(line, (int)size, in) != NULL) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && a >= lo && a < hi)
            return true;
    }
    return false;
}

bool mapping_perms(const void *addr, char perms[5])
{
    FILE *in = fopen("/proc/self/maps", "r");
    char line[512];
    bool found;

    if (in == NULL)
        return false;
    found = find_mapping(in, addr, line, sizeof(line)) && sscanf(line, "%*s %4s", perms) == 1;
    fclose(in);
    return found;
}

bool vm_flag(const void *addr, const char *flag)
{
    FILE *in = fopen("/proc/self/smaps", "r");
    char line[512];
    bool has = false;

    if (in == NULL)
        return false;
    if (find_mapping(in, addr, line, sizeof(line))) {
        while (fgets(line, sizeof(line), in) != NULL) {
            if (strncmp(line, "VmFlags:", 8) != 0)
                continue;
            for (char *t = strtok(line + 8, " \n"); t != NULL; t = strtok(NULL, " \n"))
                has = has || strcmp(t, flag) == 0;
            break;
        }
    }
    fclose(in);
    return has;
}

int in_child(void (*fn)(void *), void *arg)
{
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        perror("probe: fork");
        abort();
    }
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            abort();
    return status;
}

static struct rlimit saved;
static bool have_saved;

/* Drops CAP_IPC_LOCK from the effective set (a no-op without it). */
static void drop_ipc_lock(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d) < 0)
        return;
    d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
    syscall(SYS_capset, &h, d);
}

void memlock_limit(rlim_t bytes)
{
    struct rlimit rl;

    drop_ipc_lock();
    getrlimit(RLIMIT_MEMLOCK, &rl);
    if (!have_saved) {
        saved = rl;
        have_saved = true;
    }
    rl.rlim_cur = bytes;
    if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
        perror("probe: setrlimit(RLIMIT_MEMLOCK)");
        abort();
    }
}

void memlock_restore(void)
{
    if (have_saved)
        setrlimit(RLIMIT_MEMLOCK, &saved);
    have_saved = false;
}
