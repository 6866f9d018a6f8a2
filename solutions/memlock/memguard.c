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

// BEGIN SOLUTION
/* The first page and the number of pages that hold a byte of [addr, addr+len). */
static void page_span(const void *addr, size_t len, uintptr_t *first, size_t *npages)
{
    size_t pg = page_size();
    uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(pg - 1);
    uintptr_t end = ((uintptr_t)addr + len + pg - 1) & ~(uintptr_t)(pg - 1);

    *first = start;
    *npages = len == 0 ? 0 : (end - start) / pg;
}
// END SOLUTION

/* ---- Functions you implement ---- */

/* Locking. */

/* mg_lock - reads one byte of every page that holds a byte of [addr, addr+len),
 * so each is faulted in before the lock, then mlocks the range. 0, or -1 with
 * mlock's errno (ENOMEM over RLIMIT_MEMLOCK, EPERM with a limit of 0). */
int mg_lock(void *addr, size_t len)
{
    // BEGIN SOLUTION
    uintptr_t first;
    size_t npages, pg = page_size();

    page_span(addr, len, &first, &npages);
    for (size_t i = 0; i < npages; i++) {
        /* The first page's first byte may lie before addr: read addr itself. */
        uintptr_t byte = i == 0 ? (uintptr_t)addr : first + i * pg;
        (void)*(const volatile char *)byte;
    }
    return mlock(addr, len);
    // END SOLUTION
    // SKELETON: (void)addr;
    // SKELETON: (void)len;
    // SKELETON: return fail(ENOSYS);
}

/* mg_unlock - munlocks the pages of [addr, addr+len). 0, or -1 with errno. */
int mg_unlock(void *addr, size_t len)
{
    // BEGIN SOLUTION
    return munlock(addr, len);
    // END SOLUTION
    // SKELETON: (void)addr;
    // SKELETON: (void)len;
    // SKELETON: return fail(ENOSYS);
}

/* mg_lock_all - mlockall with MG_CURRENT, MG_FUTURE and MG_ONFAULT translated
 * to MCL_*. -1 EINVAL for 0, for MG_ONFAULT without MG_CURRENT or MG_FUTURE,
 * and for unknown bits; otherwise mlockall's result. */
int mg_lock_all(int flags)
{
    // BEGIN SOLUTION
    int mcl = 0;

    if ((flags & ~(MG_CURRENT | MG_FUTURE | MG_ONFAULT)) != 0 ||
        (flags & (MG_CURRENT | MG_FUTURE)) == 0)
        return fail(EINVAL);
    if (flags & MG_CURRENT)
        mcl |= MCL_CURRENT;
    if (flags & MG_FUTURE)
        mcl |= MCL_FUTURE;
    if (flags & MG_ONFAULT)
        mcl |= MCL_ONFAULT;
    return mlockall(mcl);
    // END SOLUTION
    // SKELETON: (void)flags;
    // SKELETON: return fail(ENOSYS);
}

/* mg_resident - *total = the number of pages that hold a byte of
 * [addr, addr+len), *resident = how many of them are in RAM (mincore).
 * 0, or -1 with mincore's errno (ENOMEM: part of the range is not mapped). */
int mg_resident(const void *addr, size_t len, size_t *resident, size_t *total)
{
    // BEGIN SOLUTION
    unsigned char vec[1024];
    uintptr_t first;
    size_t npages, pg = page_size(), count = 0;

    page_span(addr, len, &first, &npages);
    for (size_t done = 0; done < npages;) {
        size_t n = npages - done < sizeof(vec) ? npages - done : sizeof(vec);
        if (mincore((void *)(first + done * pg), n * pg, vec) < 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            count += vec[i] & 1;
        done += n;
    }
    *resident = count;
    *total = npages;
    return 0;
    // END SOLUTION
    // SKELETON: (void)addr;
    // SKELETON: (void)len;
    // SKELETON: (void)resident;
    // SKELETON: (void)total;
    // SKELETON: return fail(ENOSYS);
}

/* Reading /proc. */

// BEGIN SOLUTION
/* One "Key:" of a /proc file: where its value goes (NULL: a marker line whose
 * value is not read), and whether the file is malformed without it. */
struct field {
    const char *key;
    long *dst;
    bool needed;
    bool seen;
};

/* Parses a field's value: blanks, a decimal number that fits a long, blanks,
 * "kB", blanks, end of line. 0 and *out, or -1 when it is anything else. */
static int parse_kb(const char *s, long *out)
{
    long v = 0;

    s += strspn(s, " \t");
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        int d = *s - '0';
        if (v > (LONG_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    s += strspn(s, " \t");
    if (strncmp(s, "kB", 2) != 0)
        return -1;
    s += 2;
    s += strspn(s, " \t\n");
    if (*s != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Fills one field from a "Key:value" line, if the key is one of ours.
 * 0, or -1 when the value is malformed. */
static int match_line(char *line, struct field *f, size_t n)
{
    char *colon = strchr(line, ':');

    if (colon == NULL)
        return 0;
    *colon = '\0';
    for (size_t i = 0; i < n; i++) {
        if (strcmp(line, f[i].key) != 0)
            continue;
        f[i].seen = true;
        return f[i].dst == NULL ? 0 : parse_kb(colon + 1, f[i].dst);
    }
    return 0;
}

/* Reads path and fills the fields; absent ones are -1. 0, or -1 with errno:
 * open's (ENOENT, EACCES), read's, or EPROTO when a needed field is missing or
 * a field's value is malformed. */
static int read_fields(const char *path, struct field *f, size_t n)
{
    FILE *in = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0;
    int err = 0;

    if (in == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        f[i].seen = false;
        if (f[i].dst != NULL)
            *f[i].dst = -1;
    }
    while (err == 0 && getline(&line, &cap, in) != -1)
        if (match_line(line, f, n) < 0)
            err = EPROTO;
    if (err == 0 && ferror(in))
        err = errno != 0 ? errno : EIO;
    for (size_t i = 0; err == 0 && i < n; i++)
        if (f[i].needed && !f[i].seen)
            err = EPROTO;
    free(line);
    fclose(in);
    return err == 0 ? 0 : fail(err);
}
// END SOLUTION

/* mg_read_status - VmSize, VmRSS, VmLck and VmSwap (kB) of a /proc/PID/status
 * file; an absent field is -1 (a kernel thread has none). 0, or -1 with errno:
 * ENOENT/EACCES from open, EPROTO when the Name: line is missing or one of the
 * four values is malformed. On error *out is unspecified. */
int mg_read_status(const char *path, struct mg_status *out)
{
    // BEGIN SOLUTION
    struct mg_status s;
    struct field f[] = {
        {"Name", NULL, true, false},
        {"VmSize", &s.vm_size_kb, false, false},
        {"VmRSS", &s.vm_rss_kb, false, false},
        {"VmLck", &s.vm_lck_kb, false, false},
        {"VmSwap", &s.vm_swap_kb, false, false},
    };

    if (read_fields(path, f, sizeof(f) / sizeof(f[0])) < 0)
        return -1;
    *out = s;
    return 0;
    // END SOLUTION
    // SKELETON: (void)path;
    // SKELETON: (void)out;
    // SKELETON: return fail(ENOSYS);
}

/* mg_read_meminfo - MemTotal, MemAvailable, SwapTotal and SwapFree (kB) of a
 * /proc/meminfo file; MemAvailable is -1 when absent (before Linux 3.14).
 * 0, or -1 with errno: ENOENT/EACCES from open, EPROTO when MemTotal,
 * SwapTotal or SwapFree is missing or a value is malformed. */
int mg_read_meminfo(const char *path, struct mg_meminfo *out)
{
    // BEGIN SOLUTION
    struct mg_meminfo m;
    struct field f[] = {
        {"MemTotal", &m.mem_total_kb, true, false},
        {"MemAvailable", &m.mem_available_kb, false, false},
        {"SwapTotal", &m.swap_total_kb, true, false},
        {"SwapFree", &m.swap_free_kb, true, false},
    };

    if (read_fields(path, f, sizeof(f) / sizeof(f[0])) < 0)
        return -1;
    *out = m;
    return 0;
    // END SOLUTION
    // SKELETON: (void)path;
    // SKELETON: (void)out;
    // SKELETON: return fail(ENOSYS);
}

/* Explaining a failure. */

// BEGIN SOLUTION
/* Appends printf-style text to buf, truncating at buflen; *used counts what
 * was written (capped at buflen - 1). */
static void append(char *buf, size_t buflen, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t buflen, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*used + 1 >= buflen)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *used, buflen - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < buflen ? *used + (size_t)n : buflen - 1;
}

/* Writes a limit in bytes, or "unlimited". */
static void append_limit(char *buf, size_t buflen, size_t *used, rlim_t v)
{
    if (v == RLIM_INFINITY)
        append(buf, buflen, used, "unlimited");
    else
        append(buf, buflen, used, "%llu bytes", (unsigned long long)v);
}
// END SOLUTION

/* mg_explain - writes into buf (at most buflen bytes, NUL included) why mlock
 * of want bytes failed with err: the soft and hard RLIMIT_MEMLOCK in bytes
 * ("unlimited" when infinite), want in bytes, and the fixes: "ulimit -l",
 * CAP_IPC_LOCK, a container's "--ulimit memlock". Returns buf. */
char *mg_explain(int err, size_t want, char *buf, size_t buflen)
{
    // BEGIN SOLUTION
    struct rlimit rl;
    size_t used = 0;

    if (buflen == 0)
        return buf;
    buf[0] = '\0';
    if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
        rl.rlim_cur = rl.rlim_max = 0;
    append(buf, buflen, &used, "mlock of %zu bytes failed: %s. ", want, strerror(err));
    append(buf, buflen, &used, "RLIMIT_MEMLOCK is ");
    append_limit(buf, buflen, &used, rl.rlim_cur);
    append(buf, buflen, &used, " (soft), ");
    append_limit(buf, buflen, &used, rl.rlim_max);
    append(buf, buflen, &used, " (hard). ");
    if (err == EPERM)
        append(buf, buflen, &used, "With a limit of 0 only a process with CAP_IPC_LOCK may lock. ");
    else if (err == ENOMEM)
        append(buf, buflen, &used, "This process may not lock more than the soft limit. ");
    append(buf, buflen, &used,
           "Fixes: lock less; raise the limit in the shell that starts the program "
           "(ulimit -l KB, up to the hard limit), or in /etc/security/limits.conf or "
           "systemd's LimitMEMLOCK=; give the program CAP_IPC_LOCK; in a container, "
           "start it with --ulimit memlock=BYTES:BYTES.");
    return buf;
    // END SOLUTION
    // SKELETON: (void)err;
    // SKELETON: (void)want;
    // SKELETON: if (buflen > 0)
    // SKELETON:     buf[0] = '\0';
    // SKELETON: return buf;
}

/* The secure allocator. */

// BEGIN SOLUTION
/* Layout of one allocation, from low to high addresses:
 *     [header page][guard page][data: len rounded up to pages][guard page]
 * The header, read-write, records what mg_secure_free must unmap. */
struct secure_header {
    uint64_t magic;
    size_t data_len; /* bytes, a multiple of the page size */
    size_t map_len;  /* the whole mapping */
};

#define SECURE_MAGIC 0x6d656d6775617264ULL /* "memguard" */

static struct secure_header *header_of(void *p)
{
    return (struct secure_header *)((char *)p - 2 * page_size());
}
// END SOLUTION

/* mg_secure_alloc - a zeroed region of len bytes (rounded up to whole pages),
 * page-aligned, with a PROT_NONE guard page right before and right after it,
 * mlocked and marked MADV_DONTDUMP. NULL with errno on failure (mlock's
 * ENOMEM/EPERM; len 0 is not graded), leaving nothing mapped or locked. */
void *mg_secure_alloc(size_t len)
{
    // BEGIN SOLUTION
    size_t pg = page_size(), data_len, map_len;
    char *base, *data;

    if (len == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (len > SIZE_MAX - 4 * pg) {
        errno = ENOMEM;
        return NULL;
    }
    data_len = (len + pg - 1) & ~(pg - 1);
    map_len = data_len + 3 * pg;
    base = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    data = base + 2 * pg;
    if (mprotect(base + pg, pg, PROT_NONE) < 0 || mprotect(data + data_len, pg, PROT_NONE) < 0 ||
        madvise(data, data_len, MADV_DONTDUMP) < 0 || mg_lock(data, data_len) < 0) {
        int err = errno;
        munmap(base, map_len);
        errno = err;
        return NULL;
    }
    *header_of(data) = (struct secure_header){SECURE_MAGIC, data_len, map_len};
    return data;
    // END SOLUTION
    // SKELETON: (void)len;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return NULL;
}

/* mg_secure_free - wipes the region with explicit_bzero, munlocks it and
 * munmaps it with its guard pages. NULL is a no-op. */
void mg_secure_free(void *p)
{
    // BEGIN SOLUTION
    struct secure_header h;

    if (p == NULL)
        return;
    h = *header_of(p);
    if (h.magic != SECURE_MAGIC)
        abort(); /* not from mg_secure_alloc, or freed twice */
    explicit_bzero(p, h.data_len);
    munlock(p, h.data_len);
    munmap(header_of(p), h.map_len);
    // END SOLUTION
    // SKELETON: (void)p;
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
