/*
 * memguard.c - lock memory that must stay in RAM, check that it does, and
 * read the kernel's memory accounting from /proc. YOUR WORK GOES HERE.
 *
 * The contract is in include/memguard.h and the handout (README.md). In short:
 *   - mg_lock touches (reads) every page of the range first, then mlocks it;
 *     mg_lock_all translates the lab's MG_* flags to MCL_* for mlockall;
 *   - mg_resident asks mincore which pages of a range are in RAM;
 *   - mg_read_status / mg_read_meminfo pick four "Key:  N kB" fields out of
 *     a /proc file: absent -> -1, malformed -> EPROTO;
 *   - mg_explain turns an mlock errno into advice naming RLIMIT_MEMLOCK;
 *   - mg_secure_alloc gives a locked, never-dumped region between two
 *     PROT_NONE guard pages; mg_secure_free wipes it before unmapping.
 *
 * Every function you write starts as a stub that fails at once (ENOSYS), so
 * the tests run, and fail, from day one. Replace each body; keep the
 * signatures.
 */
#define _GNU_SOURCE /* MADV_DONTDUMP, MCL_ONFAULT, explicit_bzero */
#include "memguard.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* The helpers we give you (under "Helpers we provide", at the end). */
static inline size_t page_size(void);
static inline int fail(int err);

/* parse_kb - a value "  N kB  " after the colon: 0 and *kb, or -1 if it is malformed. */
static int parse_kb(const char *s, long *kb)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    s = end;
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncmp(s, "kB", 2) != 0)
        return -1;
    s += 2;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '\n' && *s != '\0')
        return -1;
    *kb = v;
    return 0;
}

/* read_fields - for each line "KEY: value" of path whose KEY is keys[i],
 * parses value into vals[i] (-1 when absent). Also sets *name_seen if a "Name:" line is there. 0, or -1 with errno. */
static int read_fields(const char *path, const char *const *keys, long *vals, int nkeys,
                       bool *name_seen)
{
    FILE *f = fopen(path, "r");
    char line[4096];

    if (f == NULL)
        return -1;
    for (int i = 0; i < nkeys; i++)
        vals[i] = -1;
    *name_seen = false;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        if (strcmp(line, "Name") == 0)
            *name_seen = true;
        for (int i = 0; i < nkeys; i++) {
            if (strcmp(line, keys[i]) != 0)
                continue;
            if (strchr(colon + 1, '\n') == NULL && !feof(f)) {
                fclose(f);
                return fail(EPROTO);
            }
            if (parse_kb(colon + 1, &vals[i]) < 0) {
                fclose(f);
                return fail(EPROTO);
            }
        }
    }
    int err = ferror(f) ? EIO : 0;
    fclose(f);
    return err ? fail(err) : 0;
}

/* ---- Functions you implement ---- */

/* Locking. */

/* mg_lock - reads one byte of every page that holds a byte of [addr, addr+len),
 * so each is faulted in before the lock, then mlocks the range. 0, or -1 with
 * mlock's errno (ENOMEM over RLIMIT_MEMLOCK, EPERM with a limit of 0). */
int mg_lock(void *addr, size_t len)
{
    size_t ps = page_size();

    if (len > 0) {
        uintptr_t first = (uintptr_t)addr & ~(ps - 1);
        uintptr_t last = ((uintptr_t)addr + len - 1) & ~(ps - 1);
        for (uintptr_t p = first; p <= last; p += ps)
            (void)*(volatile const char *)p;
    }
    return mlock(addr, len);
}

/* mg_unlock - munlocks the pages of [addr, addr+len). 0, or -1 with errno. */
int mg_unlock(void *addr, size_t len)
{
    return munlock(addr, len);
}

/* mg_lock_all - mlockall with MG_CURRENT, MG_FUTURE and MG_ONFAULT translated
 * to MCL_*. -1 EINVAL for 0, for MG_ONFAULT without MG_CURRENT or MG_FUTURE,
 * and for unknown bits; otherwise mlockall's result. */
int mg_lock_all(int flags)
{
    int mcl = 0;

    if (flags & ~(MG_CURRENT | MG_FUTURE | MG_ONFAULT))
        return fail(EINVAL);
    if (!(flags & (MG_CURRENT | MG_FUTURE)))
        return fail(EINVAL);
    if (flags & MG_CURRENT)
        mcl |= MCL_CURRENT;
    if (flags & MG_FUTURE)
        mcl |= MCL_FUTURE;
    if (flags & MG_ONFAULT)
        mcl |= MCL_ONFAULT;
    return mlockall(mcl);
}

/* mg_resident - *total = the number of pages that hold a byte of
 * [addr, addr+len), *resident = how many of them are in RAM (mincore).
 * 0, or -1 with mincore's errno (ENOMEM: part of the range is not mapped). */
int mg_resident(const void *addr, size_t len, size_t *resident, size_t *total)
{
    size_t ps = page_size();

    *resident = 0;
    *total = 0;
    if (len == 0)
        return 0;
    uintptr_t first = (uintptr_t)addr & ~(ps - 1);
    uintptr_t end = ((uintptr_t)addr + len - 1) / ps * ps + ps;
    size_t n = (end - first) / ps;
    unsigned char *vec = malloc(n);
    if (vec == NULL)
        return fail(ENOMEM);
    if (mincore((void *)first, end - first, vec) < 0) {
        int e = errno;
        free(vec);
        return fail(e);
    }
    for (size_t i = 0; i < n; i++)
        if (vec[i] & 1)
            (*resident)++;
    *total = n;
    free(vec);
    return 0;
}

/* Reading /proc. */

/* mg_read_status - VmSize, VmRSS, VmLck and VmSwap (kB) of a /proc/PID/status
 * file; an absent field is -1 (a kernel thread has none). 0, or -1 with errno:
 * ENOENT/EACCES from open, EPROTO when the Name: line is missing or one of the
 * four values is malformed. On error *out is unspecified. */
int mg_read_status(const char *path, struct mg_status *out)
{
    static const char *const keys[] = {"VmSize", "VmRSS", "VmLck", "VmSwap"};
    long v[4];
    bool name;

    if (read_fields(path, keys, v, 4, &name) < 0)
        return -1;
    if (!name)
        return fail(EPROTO);
    out->vm_size_kb = v[0];
    out->vm_rss_kb = v[1];
    out->vm_lck_kb = v[2];
    out->vm_swap_kb = v[3];
    return 0;
}

/* mg_read_meminfo - MemTotal, MemAvailable, SwapTotal and SwapFree (kB) of a
 * /proc/meminfo file; MemAvailable is -1 when absent (before Linux 3.14).
 * 0, or -1 with errno: ENOENT/EACCES from open, EPROTO when MemTotal,
 * SwapTotal or SwapFree is missing or a value is malformed. */
int mg_read_meminfo(const char *path, struct mg_meminfo *out)
{
    static const char *const keys[] = {"MemTotal", "MemAvailable", "SwapTotal", "SwapFree"};
    long v[4];
    bool name;

    if (read_fields(path, keys, v, 4, &name) < 0)
        return -1;
    if (v[0] < 0 || v[2] < 0 || v[3] < 0)
        return fail(EPROTO);
    out->mem_total_kb = v[0];
    out->mem_available_kb = v[1];
    out->swap_total_kb = v[2];
    out->swap_free_kb = v[3];
    return 0;
}

/* Explaining a failure. */

/* mg_explain - writes into buf (at most buflen bytes, NUL included) why mlock
 * of want bytes failed with err: the soft and hard RLIMIT_MEMLOCK in bytes
 * ("unlimited" when infinite), want in bytes, and the fixes: "ulimit -l",
 * CAP_IPC_LOCK, a container's "--ulimit memlock". Returns buf. */
char *mg_explain(int err, size_t want, char *buf, size_t buflen)
{
    (void)err;
    (void)want;
    if (buflen > 0)
        buf[0] = '\0';
    return buf;
}

/* The secure allocator. */

/* mg_secure_alloc - a zeroed region of len bytes (rounded up to whole pages),
 * page-aligned, with a PROT_NONE guard page right before and right after it,
 * mlocked and marked MADV_DONTDUMP. NULL with errno on failure (mlock's
 * ENOMEM/EPERM; len 0 is not graded), leaving nothing mapped or locked. */
void *mg_secure_alloc(size_t len)
{
    (void)len;
    errno = ENOSYS;
    return NULL;
}

/* mg_secure_free - wipes the region with explicit_bzero, munlocks it and
 * munmaps it with its guard pages. NULL is a no-op. */
void mg_secure_free(void *p)
{
    (void)p;
}

/* ---- Helpers we provide ---- */

/* page_size - the size of a page in bytes (4096 on x86-64). */
static inline size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* fail - sets errno to err and returns -1. */
static inline int fail(int err)
{
    errno = err;
    return -1;
}
