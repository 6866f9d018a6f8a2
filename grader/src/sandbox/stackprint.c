/*
 * stackprint.c - where a process waits, as one number, read from /proc
 * without stopping it: for each thread, the first code addresses on its
 * stack above the stack pointer (return addresses, mostly), each as an
 * offset in its file, hashed. It only decides whether a backtrace would
 * repeat one already shown (backtrace.h), so a collision costs a backtrace
 * that is not shown; two waits that differ only in stale words on the stack
 * cost one more gdb run, nothing else.
 */
#define _GNU_SOURCE
#include "sandbox/backtrace.h"
#include "lib/fsutil.h"
#include "lib/util.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_MAPS   64   /* executable mappings followed */
#define STACK_READ 4096 /* bytes of stack read above the stack pointer */
#define CODE_WORDS 8    /* code addresses per thread that make its print */

struct code_map {
    uintptr_t start, end, offset;
    uint64_t file; /* its path, hashed */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

/* The executable mappings of files in pid's address space. */
static int code_maps(pid_t pid, struct code_map *maps, int max)
{
    char path[64], perms[8], file[512];
    unsigned long start, end, offset;
    char *text, *line;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    if ((text = read_file_max(path, 1 << 20, NULL)) == NULL)
        return 0;
    for (line = text; line != NULL && *line != '\0' && n < max; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        file[0] = '\0';
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %511s", &start, &end, perms, &offset, file) < 4)
            continue;
        if (perms[2] != 'x' || file[0] != '/')
            continue;
        maps[n++] =
            (struct code_map){start, end, offset, fnv(0xcbf29ce484222325ULL, file, strlen(file))};
    }
    free(text);
    return n;
}

/* The stack pointer of a thread asleep in a call; 0 when unknown. */
static uintptr_t thread_sp(pid_t pid, long tid)
{
    char path[96], *text, *p;
    uintptr_t sp = 0;

    snprintf(path, sizeof(path), "/proc/%d/task/%ld/syscall", (int)pid, tid);
    if ((text = read_file_max(path, 512, NULL)) == NULL)
        return 0;
    /* "NR A1 ... A6 SP PC", or "-1 SP PC": the second to last word */
    p = text + strcspn(text, "\n");
    for (int words = 0; p > text && words < 2; p--)
        if (p[-1] == ' ')
            words++;
    if (p > text && strncmp(text, "running", 7) != 0)
        sp = (uintptr_t)strtoull(p + 1, NULL, 0);
    free(text);
    return sp;
}

static uint64_t thread_print(pid_t pid, long tid, const struct code_map *maps, int nmaps)
{
    uintptr_t words[STACK_READ / sizeof(uintptr_t)];
    uintptr_t sp = thread_sp(pid, tid);
    uint64_t h = 0xcbf29ce484222325ULL;
    ssize_t got = 0;

    if (sp != 0) {
        struct iovec local = {words, sizeof(words)}, remote = {(void *)sp, sizeof(words)};
        /* the stack may end sooner: a page is enough for the first frames */
        if ((got = process_vm_readv(pid, &local, 1, &remote, 1, 0)) <= 0) {
            local.iov_len = remote.iov_len = 1024;
            got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        }
    }
    for (size_t i = 0, found = 0; got > 0 && i < (size_t)got / sizeof(uintptr_t); i++) {
        for (int m = 0; m < nmaps && found < CODE_WORDS; m++) {
            if (words[i] >= maps[m].start && words[i] < maps[m].end) {
                uint64_t where = words[i] - maps[m].start + maps[m].offset;
                h = fnv(fnv(h, &maps[m].file, sizeof(uint64_t)), &where, sizeof(where));
                found++;
                break;
            }
        }
    }
    return h;
}

/* Valgrind runs the program on a stack of its own: its threads' stacks are
 * valgrind's, the same wherever the program waits. */
static bool under_valgrind(pid_t pid)
{
    char path[64], exe[512];
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    n = readlink(path, exe, sizeof(exe) - 1);
    if (n <= 0)
        return true; /* unknown: take the backtrace */
    exe[n] = '\0';
    return strstr(exe, "/valgrind/") != NULL;
}

uint64_t backtrace_stack_print(pid_t pid)
{
    struct code_map maps[MAX_MAPS];
    int nmaps = code_maps(pid, maps, MAX_MAPS);
    char path[64];
    uint64_t h = 0xcbf29ce484222325ULL;
    DIR *d;
    struct dirent *e;

    if (under_valgrind(pid))
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (nmaps == 0 || (d = opendir(path)) == NULL)
        return 0;
    /* the threads' prints, added up: the same whatever order readdir gives */
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            h += thread_print(pid, atol(e->d_name), maps, nmaps);
    closedir(d);
    return h;
}
