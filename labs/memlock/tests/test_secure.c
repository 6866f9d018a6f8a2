/*
 * test_secure.c - mg_secure_alloc and mg_secure_free: guard pages that kill
 * an overflow (in a child, which must die of SIGSEGV), a locked region marked
 * "dd" (MADV_DONTDUMP) in /proc/self/smaps, a failure that leaves nothing
 * behind, and a wipe before the pages go back to the kernel.
 *
 * The wipe cannot be seen after munmap: the pages are gone. So this program
 * is linked with -Wl,--wrap=munmap, and __wrap_munmap below looks at the
 * watched region at the moment mg_secure_free unmaps it. Regions are whole
 * pages here (the contract's clarification).
 */
#define _GNU_SOURCE /* mincore, strerrorname_np */
#include "memguard.h"
#include "oslabs_test.h"
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the munmap watch ---- */

int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

/* The region being watched, and what munmap saw of it. Single-threaded. */
static struct {
    uintptr_t lo, hi; /* [lo, hi), 0 when nothing is watched */
    size_t unmapped;  /* bytes of [lo, hi) passed to munmap */
    size_t nonzero;   /* of those, bytes that were not 0 at that moment */
} watch;

int __wrap_munmap(void *addr, size_t len)
{
    uintptr_t a = (uintptr_t)addr, lo = a > watch.lo ? a : watch.lo;
    uintptr_t hi = a + len < watch.hi ? a + len : watch.hi;

    if (watch.lo != 0 && lo < hi) {
        for (uintptr_t b = lo; b < hi; b++)
            watch.nonzero += *(const volatile unsigned char *)b != 0;
        watch.unmapped += hi - lo;
    }
    return __real_munmap(addr, len);
}

/* ---- helpers ---- */

static char *alloc_or_fail(size_t len)
{
    char *p;

    errno = 0;
    p = mg_secure_alloc(len);
    if (p == NULL) {
        print_error("mg_secure_alloc(%zu): expected a region, actual NULL (errno %s)\n", len,
                    errno ? strerrorname_np(errno) : "0");
        fail();
    }
    if ((uintptr_t)p % pg() != 0) {
        print_error("mg_secure_alloc(%zu): expected a page-aligned address, actual %p\n", len,
                    (void *)p);
        fail();
    }
    return p;
}

/* In a child: writes one byte at arg. Its exit (or death) is the verdict. */
static void write_byte(void *arg)
{
    struct rlimit none = {0, 0};

    setrlimit(RLIMIT_CORE, &none); /* no core file from the expected crash */
    signal(SIGSEGV, SIG_DFL);      /* cmocka's handler would turn it into exit 1 */
    *(volatile char *)arg = 1;
}

static void expect_segv(char *addr, const char *where)
{
    int status = in_child(write_byte, addr);

    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
        print_error("writing one byte %s: expected the child to die of SIGSEGV, actual %s %d\n",
                    where, WIFSIGNALED(status) ? "killed by signal" : "exit status",
                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        fail();
    }
}

static void expect_writable(char *addr, const char *where)
{
    int status = in_child(write_byte, addr);

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_error("writing one byte %s: expected it to work, actual %s %d\n", where,
                    WIFSIGNALED(status) ? "killed by signal" : "exit status",
                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        fail();
    }
}

static void expect_guard(const char *guard, const char *where)
{
    char perms[5] = "none";

    if (!mapping_perms(guard, perms) || strcmp(perms, "---p") != 0) {
        print_error("the page %s: expected a PROT_NONE guard page (---p in /proc/self/maps), "
                    "actual %s\n",
                    where, strcmp(perms, "none") == 0 ? "not mapped" : perms);
        fail();
    }
}

static int restore_limit(void **state)
{
    (void)state;
    memlock_restore();
    return 0;
}

/* ---- tests ---- */

/* The page right after a 2-page region is PROT_NONE: the region's last byte
 * can be written, the next one kills the writer with SIGSEGV. */
static void secure_alloc_guard_after(void **state)
{
    char *p = alloc_or_fail(2 * pg());

    (void)state;
    expect_guard(p + 2 * pg(), "after the region");
    expect_writable(p + 2 * pg() - 1, "at the region's last byte");
    expect_segv(p + 2 * pg(), "just past the region's end");
    mg_secure_free(p);
}

/* The page right before a 2-page region is PROT_NONE: the region's first byte
 * can be written, the one before it kills the writer with SIGSEGV. */
static void secure_alloc_guard_before(void **state)
{
    char *p = alloc_or_fail(2 * pg());

    (void)state;
    expect_guard(p - pg(), "before the region");
    expect_writable(p, "at the region's first byte");
    expect_segv(p - 1, "just before the region's start");
    mg_secure_free(p);
}

/* A 4-page region is zeroed, resident, locked (VmLck grows by 16 kB, "lo") and
 * left out of core dumps ("dd" in VmFlags). */
static void secure_alloc_locked_dontdump(void **state)
{
    long before = self_kb("VmLck");
    char *p = alloc_or_fail(4 * pg());
    size_t nonzero = 0;

    (void)state;
    for (size_t i = 0; i < 4 * pg(); i++)
        nonzero += p[i] != 0;
    if (nonzero != 0) {
        print_error("a new region: expected every byte 0, actual %zu nonzero\n", nonzero);
        fail();
    }
    if (resident(p, 4) != 4 || !vm_flag(p, "lo") || self_kb("VmLck") < before + 16) {
        print_error("a 4-page region: expected locked (lo in VmFlags), resident and VmLck at "
                    "least %ld kB, actual %s, %zu of 4 pages resident, VmLck %ld kB\n",
                    before + 16, vm_flag(p, "lo") ? "locked" : "not locked", resident(p, 4),
                    self_kb("VmLck"));
        fail();
    }
    if (!vm_flag(p, "dd")) {
        print_error("a region: expected dd (MADV_DONTDUMP) in its VmFlags in /proc/self/smaps, "
                    "actual: not there\n");
        fail();
    }
    mg_secure_free(p);
}

/* mg_secure_free wipes the region before munmap gives it back, unmaps it, and
 * releases its lock; mg_secure_free(NULL) does nothing. */
static void secure_free_zeroes(void **state)
{
    size_t len = 3 * pg();
    char *p = alloc_or_fail(len);
    unsigned char vec[3];
    long locked;
    int rc;

    (void)state;
    memset(p, 0xA5, len);
    locked = self_kb("VmLck");
    watch.lo = (uintptr_t)p;
    watch.hi = (uintptr_t)p + len;
    mg_secure_free(p);
    watch.lo = watch.hi = 0;
    if (watch.unmapped != len) {
        print_error("mg_secure_free: expected munmap(2) of all %zu bytes of the region, actual "
                    "%zu bytes\n",
                    len, watch.unmapped);
        fail();
    }
    if (watch.nonzero != 0) {
        print_error("mg_secure_free: expected every byte of the region to be 0 when it is "
                    "unmapped, actual %zu of %zu bytes still hold the secret\n",
                    watch.nonzero, len);
        fail();
    }
    errno = 0;
    rc = mincore(p, len, vec);
    if (rc != -1 || errno != ENOMEM) {
        print_error("after mg_secure_free: expected the region unmapped (mincore ENOMEM), "
                    "actual mincore %d (errno %s)\n",
                    rc, errno ? strerrorname_np(errno) : "0");
        fail();
    }
    if (self_kb("VmLck") > locked - 12) {
        print_error("after mg_secure_free: expected VmLck at most %ld kB, actual %ld kB\n",
                    locked - 12, self_kb("VmLck"));
        fail();
    }
    mg_secure_free(NULL);
}

/* Over RLIMIT_MEMLOCK: NULL with ENOMEM or EPERM (EAGAIN if the region was
 * mapped MAP_LOCKED), and nothing is left mapped (VmSize as before) or locked. */
static void secure_alloc_fails_clean(void **state)
{
    long size, locked;
    void *p;
    int err;

    (void)state;
    memlock_limit(4 * pg());
    self_kb("VmSize"); /* the first read's stdio buffer is not the allocator's */
    size = self_kb("VmSize");
    locked = self_kb("VmLck");
    /* Sizes no address space holds (rounding them up to pages overflows). */
    size_t huge[] = {SIZE_MAX, SIZE_MAX - pg() + 1, SIZE_MAX / 2 + 1};
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        errno = 0;
        p = mg_secure_alloc(huge[i]);
        err = errno;
        if (p != NULL || err == 0) {
            print_error("mg_secure_alloc(%zu bytes): expected NULL with an errno (ENOMEM), actual "
                        "%p (errno %s)\n",
                        huge[i], p, err ? strerrorname_np(err) : "0");
            fail();
        }
    }
    errno = 0;
    p = mg_secure_alloc(16 * pg());
    err = errno;
    if (p != NULL || (err != ENOMEM && err != EPERM && err != EAGAIN)) {
        print_error("mg_secure_alloc(16 pages) with RLIMIT_MEMLOCK at 4 pages: expected NULL "
                    "with ENOMEM, EPERM (mlock) or EAGAIN (mmap MAP_LOCKED), actual %p (errno "
                    "%s)\n",
                    p, err ? strerrorname_np(err) : "0");
        fail();
    }
    if (self_kb("VmSize") != size || self_kb("VmLck") != locked) {
        print_error("after a failed mg_secure_alloc: expected VmSize %ld kB and VmLck %ld kB as "
                    "before, actual %ld kB and %ld kB (something is still mapped)\n",
                    size, locked, self_kb("VmSize"), self_kb("VmLck"));
        fail();
    }
}

static const struct CMUnitTest tests[] = {
    MG_TEST(secure_alloc_guard_after, "secure-alloc-guard-after"),
    MG_TEST(secure_alloc_guard_before, "secure-alloc-guard-before"),
    MG_TEST(secure_alloc_locked_dontdump, "secure-alloc-locked-dontdump"),
    MG_TEST(secure_free_zeroes, "secure-free-zeroes"),
    MG_TEST_TEARDOWN(secure_alloc_fails_clean, "secure-alloc-fails-clean", restore_limit),
};

OSLABS_TEST_MAIN(tests)
