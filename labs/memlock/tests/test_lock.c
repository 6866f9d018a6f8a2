/*
 * test_lock.c - mg_lock, mg_unlock, mg_resident, mg_explain and mg_lock_all,
 * checked against what the kernel itself reports: VmLck in /proc/self/status,
 * mincore(2) residency, VmFlags in /proc/self/smaps.
 *
 * Every lock here is at most 1 MiB plus, for mg_lock_all(MG_CURRENT), this
 * program's own few MiB: well under the 8 MiB RLIMIT_MEMLOCK of the grading
 * machine. The limit tests lower the soft limit themselves, and drop
 * CAP_IPC_LOCK first, so they behave the same for root and for anybody.
 * The residency test evicts file pages with posix_fadvise(POSIX_FADV_DONTNEED)
 * and madvise(MADV_PAGEOUT): no swap is needed.
 */
#define _GNU_SOURCE /* MADV_PAGEOUT, mincore, strerrorname_np */
#include "memguard.h"
#include "oslabs_test.h"
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21 /* Linux 5.4 */
#endif

#define MIB (1024 * 1024)

/* Skips the test, with the fix, when RLIMIT_MEMLOCK is below bytes (a
 * machine set up more strictly than the grader's). */
static void need_memlock(size_t bytes)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < bytes) {
        print_message("RLIMIT_MEMLOCK is %llu bytes here; this test locks up to %zu. "
                      "Raise it (ulimit -l %zu) and run it again.\n",
                      (unsigned long long)rl.rlim_cur, bytes, bytes / 1024);
        skip();
    }
}

static void expect_lock_ok(int rc, const char *call, size_t bytes)
{
    if (rc != 0) {
        int err = errno;
        char why[1024];

        /* the last line is the grader's reason: the verdict goes there */
        print_error("mg_explain says: %s\n", mg_explain(err, bytes, why, sizeof(why)));
        print_error("expected %s to return 0, actual %d (errno %s)\n", call, rc,
                    strerrorname_np(err));
        fail();
    }
}

static void expect_kb(const char *what, long want, long got)
{
    if (want != got) {
        print_error("%s: expected %ld kB, actual %ld kB\n", what, want, got);
        fail();
    }
}

static void expect_pages(const char *what, size_t want, size_t got)
{
    if (want != got) {
        print_error("%s: expected %zu resident pages, actual %zu\n", what, want, got);
        fail();
    }
}

static void expect_lock_refused(int rc, int err, const char *call)
{
    if (rc != -1 || (err != ENOMEM && err != EPERM)) {
        print_error("expected %s to fail with ENOMEM or EPERM (over RLIMIT_MEMLOCK), actual %d "
                    "(errno %s)\n",
                    call, rc, err ? strerrorname_np(err) : "0");
        fail();
    }
}

static int restore_limit(void **state)
{
    (void)state;
    memlock_restore();
    return 0;
}

static int unlock_everything(void **state)
{
    (void)state;
    munlockall();
    memlock_restore();
    return 0;
}

static void expect_contains(const char *text, const char *what, const char *needle);

/* ---- mg_lock / mg_unlock ---- */

/* 64 fresh pages: after mg_lock, VmLck is 256 kB higher and every page is in
 * RAM; after mg_unlock, VmLck is back. mg_unlock of an unmapped range is -1
 * ENOMEM. */
static void lock_vmlck_grows(void **state)
{
    size_t n = 64;
    char *p = map_pages(n);
    long before = self_kb("VmLck");

    (void)state;
    need_memlock(n * pg() + MIB);
    expect_pages("a fresh mapping", 0, resident(p, n));
    expect_lock_ok(mg_lock(p, n * pg()), "mg_lock(64 pages)", n * pg());
    expect_kb("VmLck after mg_lock of 64 pages", before + (long)(n * pg() / 1024),
              self_kb("VmLck"));
    expect_pages("after mg_lock of 64 pages", n, resident(p, n));
    assert_int_equal(mg_unlock(p, n * pg()), 0);
    expect_kb("VmLck after mg_unlock", before, self_kb("VmLck"));
    munmap(p, n * pg());
    /* munlock's error is mg_unlock's: the range is no longer mapped. */
    errno = 0;
    int rc = mg_unlock(p, n * pg());
    if (rc != -1 || errno != ENOMEM) {
        print_error("mg_unlock of an unmapped range: expected -1 with ENOMEM (munlock's error), "
                    "actual %d (errno %s)\n",
                    rc, errno ? strerrorname_np(errno) : "0");
        fail();
    }
}

/* [p+100, p+100+5 pages) touches 6 pages: exactly those 6 are locked and
 * resident, the 2 after them are not. */
static void lock_unaligned_range(void **state)
{
    char *p = map_pages(8);
    long before = self_kb("VmLck");

    (void)state;
    need_memlock(MIB);
    expect_lock_ok(mg_lock(p + 100, 5 * pg()), "mg_lock(p + 100, 5 pages)", 5 * pg());
    expect_kb("VmLck after mg_lock(p + 100, 5 pages): the range spans 6 pages",
              before + (long)(6 * pg() / 1024), self_kb("VmLck"));
    expect_pages("the 6 pages of [p+100, p+100+5 pages)", 6, resident(p, 6));
    expect_pages("the 2 pages after the range", 0, resident(p + 6 * pg(), 2));
    assert_int_equal(mg_unlock(p + 100, 5 * pg()), 0);
    expect_kb("VmLck after mg_unlock", before, self_kb("VmLck"));
    munmap(p, 8 * pg());
}

/* mg_lock touches every page BEFORE it calls mlock: with RLIMIT_MEMLOCK at 4
 * pages, mlock of 6 pages fails, and yet all 6 pages are in RAM (the 2 after
 * the range are not). */
static void lock_touches_every_page(void **state)
{
    char *p = map_pages(8);
    int rc, err;

    (void)state;
    memlock_limit(4 * pg());
    errno = 0;
    rc = mg_lock(p + 100, 5 * pg());
    err = errno;
    expect_lock_refused(rc, err, "mg_lock(6 pages) with RLIMIT_MEMLOCK at 4 pages");
    expect_pages("pages of the range after a failed mg_lock (each one must have been read first)",
                 6, resident(p, 6));
    expect_pages("the 2 pages after the range", 0, resident(p + 6 * pg(), 2));
    munmap(p, 8 * pg());
}

/* Over the limit mg_lock returns -1 with ENOMEM (or EPERM), locks nothing,
 * does not crash, and mg_explain of that errno names the limit; with a limit
 * of 0 as well. */
static void lock_limit_enomem(void **state)
{
    size_t n = 64;
    char *p = map_pages(n), why[2048] = "";
    long before = self_kb("VmLck");
    int rc, err;

    (void)state;
    memlock_limit(13 * pg());
    errno = 0;
    rc = mg_lock(p, n * pg());
    err = errno;
    expect_lock_refused(rc, err, "mg_lock(64 pages) with RLIMIT_MEMLOCK at 13 pages");
    expect_kb("VmLck after a refused mg_lock", before, self_kb("VmLck"));
    expect_contains(mg_explain(err, n * pg(), why, sizeof(why)), "the limit's name",
                    "RLIMIT_MEMLOCK");

    memlock_limit(0);
    errno = 0;
    rc = mg_lock(p, pg());
    err = errno;
    expect_lock_refused(rc, err, "mg_lock(1 page) with RLIMIT_MEMLOCK at 0");
    expect_kb("VmLck after a refused mg_lock", before, self_kb("VmLck"));
    munmap(p, n * pg());
}

/* ---- mg_explain ---- */

static void expect_contains(const char *text, const char *what, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        /* the last line is the grader's reason: the verdict goes there */
        print_error("the explanation:\n  %s\n", text);
        print_error("expected the explanation (above) to contain %s (\"%s\")\n", what, needle);
        fail();
    }
}

/* With the soft limit at 53248 bytes, the explanation of a refused 65536-byte
 * lock names RLIMIT_MEMLOCK, both limits and the size in bytes, and the
 * three fixes. */
static void explain_names_limit(void **state)
{
    char buf[2048], soft[32], hard[32];
    struct rlimit rl;
    char *r;

    (void)state;
    memlock_limit(53248);
    assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
    snprintf(soft, sizeof(soft), "%llu", (unsigned long long)rl.rlim_cur);
    if (rl.rlim_max == RLIM_INFINITY)
        snprintf(hard, sizeof(hard), "unlimited");
    else
        snprintf(hard, sizeof(hard), "%llu", (unsigned long long)rl.rlim_max);

    memset(buf, 'X', sizeof(buf));
    r = mg_explain(ENOMEM, 65536, buf, sizeof(buf));
    assert_ptr_equal(r, buf);
    assert_non_null(memchr(buf, '\0', sizeof(buf)));
    expect_contains(buf, "the limit's name", "RLIMIT_MEMLOCK");
    expect_contains(buf, "the soft limit in bytes", soft);
    expect_contains(buf, "the hard limit in bytes", hard);
    expect_contains(buf, "the size wanted in bytes", "65536");
    expect_contains(buf, "the shell's fix", "ulimit -l");
    expect_contains(buf, "the capability", "CAP_IPC_LOCK");
    expect_contains(buf, "the container's fix", "--ulimit memlock");

    memset(buf, 'X', sizeof(buf));
    r = mg_explain(EPERM, 4096, buf, sizeof(buf));
    assert_ptr_equal(r, buf);
    assert_non_null(memchr(buf, '\0', sizeof(buf)));
    expect_contains(buf, "the limit's name (EPERM)", "RLIMIT_MEMLOCK");
    expect_contains(buf, "the capability (EPERM)", "CAP_IPC_LOCK");
}

/* A short buffer gets a NUL-terminated, non-empty start of the explanation
 * and not one byte more; a 1-byte buffer gets "". */
static void explain_truncates(void **state)
{
    char buf[256];
    size_t len;

    (void)state;
    memset(buf, 'X', sizeof(buf));
    assert_ptr_equal(mg_explain(ENOMEM, 65536, buf, 20), buf);
    len = strnlen(buf, 20);
    if (len == 0 || len >= 20) {
        print_error("mg_explain(..., buflen 20): expected 1 to 19 characters and a NUL, actual "
                    "%zu characters before a NUL\n",
                    len);
        fail();
    }
    for (size_t i = 20; i < sizeof(buf); i++)
        if (buf[i] != 'X') {
            print_error("mg_explain(..., buflen 20) wrote buf[%zu], past the buffer\n", i);
            fail();
        }
    memset(buf, 'X', sizeof(buf));
    assert_ptr_equal(mg_explain(ENOMEM, 65536, buf, 1), buf);
    if (buf[0] != '\0' || buf[1] != 'X') {
        print_error("mg_explain(..., buflen 1): expected \"\" and nothing else written, actual "
                    "buf[0] = 0x%02x, buf[1] = 0x%02x\n",
                    (unsigned char)buf[0], (unsigned char)buf[1]);
        fail();
    }
}

/* ---- mg_resident ---- */

static void expect_resident(const void *addr, size_t len, size_t want_res, size_t want_total,
                            const char *what)
{
    size_t res = 12345, total = 12345;
    int rc = mg_resident(addr, len, &res, &total);

    if (rc != 0 || res != want_res || total != want_total) {
        print_error("mg_resident(%s): expected 0 with %zu of %zu pages resident, actual %d with "
                    "%zu of %zu (errno %s)\n",
                    what, want_res, want_total, rc, res, total, strerrorname_np(errno));
        fail();
    }
}

/* 16 fresh pages with pages 0, 3 and 4 written: 3 of 16. Unaligned ranges
 * count every page they touch. An unmapped range is -1 ENOMEM. Ranges
 * shorter than a page, and one of 2100 pages, count exactly. */
static void resident_counts_pages(void **state)
{
    char *p = map_pages(16);
    size_t res, total;
    int rc;

    (void)state;
    expect_resident(p, 16 * pg(), 0, 16, "16 fresh pages");
    p[0] = 1;
    p[3 * pg()] = 1;
    p[4 * pg()] = 1;
    expect_resident(p, 16 * pg(), 3, 16, "16 pages, 3 written");
    expect_resident(p + 100, pg(), 1, 2, "p + 100, one page long");
    expect_resident(p + 3 * pg() + 5, pg(), 2, 2, "p + 3 pages + 5, one page long");
    expect_resident(p + 5 * pg(), 11 * pg(), 0, 11, "the 11 untouched pages");
    munmap(p + 8 * pg(), 8 * pg());
    errno = 0;
    rc = mg_resident(p, 16 * pg(), &res, &total);
    if (rc != -1 || errno != ENOMEM) {
        print_error("mg_resident over an unmapped half: expected -1 with ENOMEM, actual %d "
                    "(errno %s)\n",
                    rc, strerrorname_np(errno));
        fail();
    }
    munmap(p, 8 * pg());

    /* Ranges shorter than a page count the pages they touch: 1 byte is 1
     * page, 2 bytes across a page edge are 2. */
    p = map_pages(2);
    p[0] = 1;
    expect_resident(p, 1, 1, 1, "p, one byte");
    expect_resident(p + pg() - 1, 2, 1, 2, "2 bytes across the page edge");
    expect_resident(p + pg() - 100, 100, 1, 1, "100 bytes ending on the page edge");
    munmap(p, 2 * pg());

    /* More pages than one small vector holds: every page counts. */
    size_t big = 2100;
    p = map_pages(big);
    p[0] = 1;
    p[1500 * pg()] = 1;
    p[(big - 1) * pg()] = 1;
    expect_resident(p, big * pg(), 3, big, "2100 pages, 3 written (the last one too)");
    munmap(p, big * pg());
}

/* ---- residency under pressure, without swap ---- */

/* Evicts what it can of a file mapping: drop clean page cache, then page out
 * every page (one page at a time: MADV_PAGEOUT fails with EINVAL on a locked
 * mapping, and would stop there), then drop the cache again. Returns false if
 * MADV_PAGEOUT is unknown to this kernel (before 5.4). */
static bool evict(int fd, char *m, size_t n)
{
    bool known = true;

    posix_fadvise(fd, 0, (off_t)(n * pg()), POSIX_FADV_DONTNEED);
    for (size_t i = 0; i < n; i++)
        if (madvise(m + i * pg(), pg(), MADV_PAGEOUT) < 0 && errno == EINVAL &&
            !vm_flag(m + i * pg(), "lo"))
            known = false;
    posix_fadvise(fd, 0, (off_t)(n * pg()), POSIX_FADV_DONTNEED);
    return known;
}

static void touch_pages(const char *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        (void)*(const volatile char *)(m + i * pg());
}

/* A 64-page file mapped shared: lock its first half with mg_lock, then evict
 * the whole range. The locked half stays resident, the other half goes. */
static void lock_residency_under_pressure(void **state)
{
    size_t n = 64;
    char path[] = "residency-XXXXXX";
    char page[4096];
    int fd = mkstemp(path);
    char *m;

    (void)state;
    need_memlock(MIB);
    assert_true(fd >= 0);
    unlink(path);
    memset(page, 'm', sizeof(page));
    for (size_t i = 0; i < n * pg(); i += sizeof(page))
        assert_int_equal(write(fd, page, sizeof(page)), (ssize_t)sizeof(page));
    assert_int_equal(fsync(fd), 0);
    m = mmap(NULL, n * pg(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(m != MAP_FAILED);

    /* Can this machine evict at all? Not on tmpfs without swap. */
    touch_pages(m, n);
    if (!evict(fd, m, n)) {
        print_message("this kernel has no MADV_PAGEOUT (Linux 5.4): eviction cannot be shown\n");
        skip();
    }
    if (resident(m, n) != 0) {
        print_message("%zu of %zu pages of an unlocked file mapping stayed resident after "
                      "POSIX_FADV_DONTNEED and MADV_PAGEOUT: is the scratch directory on tmpfs? "
                      "Run the test from a directory on a disk filesystem.\n",
                      resident(m, n), n);
        skip();
    }

    touch_pages(m, n);
    expect_lock_ok(mg_lock(m, n / 2 * pg()), "mg_lock(first 32 pages of the file)", n / 2 * pg());
    evict(fd, m, n);
    expect_pages("the locked half after eviction", n / 2, resident(m, n / 2));
    expect_pages("the unlocked half after eviction", 0, resident(m + n / 2 * pg(), n / 2));
    assert_int_equal(mg_unlock(m, n / 2 * pg()), 0);
    munmap(m, n * pg());
    close(fd);
}

/* ---- mg_lock_all ---- */

/* mg_lock_all(MG_CURRENT) must be able to lock this whole process. */
static void need_memlock_for_all(void)
{
    need_memlock((size_t)self_kb("VmSize") * 1024 + 2 * MIB);
}

/* 0 and MG_ONFAULT alone are EINVAL, and lock nothing now or later. */
static void lock_all_flags_einval(void **state)
{
    long before = self_kb("VmLck");
    int rc, err;
    char *p;

    (void)state;
    errno = 0;
    rc = mg_lock_all(0);
    err = errno;
    if (rc != -1 || err != EINVAL) {
        print_error("mg_lock_all(0): expected -1 with EINVAL, actual %d (errno %s)\n", rc,
                    err ? strerrorname_np(err) : "0");
        fail();
    }
    errno = 0;
    rc = mg_lock_all(MG_ONFAULT);
    err = errno;
    if (rc != -1 || err != EINVAL) {
        print_error("mg_lock_all(MG_ONFAULT): expected -1 with EINVAL, actual %d (errno %s)\n", rc,
                    err ? strerrorname_np(err) : "0");
        fail();
    }
    expect_kb("VmLck after two refused mg_lock_all calls", before, self_kb("VmLck"));
    p = map_pages(16);
    expect_kb("VmLck after a new mapping", before, self_kb("VmLck"));
    expect_pages("a new mapping", 0, resident(p, 16));
    munmap(p, 16 * pg());
}

/* MG_CURRENT locks (and faults in) what is mapped now, but not what is mapped
 * later. */
static void lock_all_current(void **state)
{
    char *before = map_pages(16), *after;

    (void)state;
    need_memlock_for_all();
    expect_lock_ok(mg_lock_all(MG_CURRENT), "mg_lock_all(MG_CURRENT)",
                   (size_t)self_kb("VmSize") * 1024);
    expect_pages("a mapping made before mg_lock_all(MG_CURRENT)", 16, resident(before, 16));
    if (!vm_flag(before, "lo")) {
        print_error("expected a mapping made before mg_lock_all(MG_CURRENT) to be locked (lo in "
                    "VmFlags), actual: not locked\n");
        fail();
    }
    after = map_pages(16);
    if (vm_flag(after, "lo") || resident(after, 16) != 0) {
        print_error("expected a mapping made after mg_lock_all(MG_CURRENT) to be neither locked "
                    "nor resident, actual: %s, %zu resident pages\n",
                    vm_flag(after, "lo") ? "locked" : "not locked", resident(after, 16));
        fail();
    }
}

/* The fork child of a process under mlockall: its own VmLck is 0 and its new
 * mappings are not locked. Exit status 0 if so, 1 and a message if not. */
static void child_not_locked(void *arg)
{
    long lck = self_kb("VmLck");
    char *p = map_pages(16);

    (void)arg;
    if (lck != 0 || vm_flag(p, "lo")) {
        fprintf(stderr,
                "fork child: expected VmLck 0 kB and unlocked new mappings, actual "
                "VmLck %ld kB, new mapping %s\n",
                lck, vm_flag(p, "lo") ? "locked" : "not locked");
        _exit(1);
    }
}

/* MG_CURRENT | MG_FUTURE: memory malloc'd afterwards is locked and resident
 * without being touched; a fork child inherits no lock. */
static void lock_all_future_malloc(void **state)
{
    size_t len = MIB;
    char *m;
    uintptr_t first, last;
    int status;

    (void)state;
    need_memlock_for_all();
    expect_lock_ok(mg_lock_all(MG_CURRENT | MG_FUTURE), "mg_lock_all(MG_CURRENT | MG_FUTURE)",
                   (size_t)self_kb("VmSize") * 1024);
    m = malloc(len);
    if (m == NULL) {
        print_error("malloc(1 MiB) after mg_lock_all(MG_CURRENT | MG_FUTURE) failed: %s\n",
                    strerror(errno));
        fail();
    }
    /* The whole pages inside the block, none of which this test touched. */
    first = ((uintptr_t)m + pg() - 1) & ~(uintptr_t)(pg() - 1);
    last = ((uintptr_t)m + len) & ~(uintptr_t)(pg() - 1);
    expect_pages("the untouched pages of a 1 MiB malloc after MG_FUTURE", (last - first) / pg(),
                 resident((void *)first, (last - first) / pg()));
    if (!vm_flag((void *)first, "lo")) {
        print_error("expected a 1 MiB malloc after MG_FUTURE to be locked (lo in VmFlags), "
                    "actual: not locked\n");
        fail();
    }
    status = in_child(child_not_locked, NULL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        print_error("expected the fork child of a locked process to have no locks (they are not "
                    "inherited), actual: see the child's message above\n");
        fail();
    }
    free(m);
}

/* MG_CURRENT | MG_FUTURE | MG_ONFAULT: mappings old and new are locked but
 * not faulted in; a page becomes resident when it is touched. */
static void lock_all_onfault(void **state)
{
    char *old = map_pages(16), *fresh;
    long before;

    (void)state;
    need_memlock_for_all();
    expect_lock_ok(mg_lock_all(MG_CURRENT | MG_FUTURE | MG_ONFAULT),
                   "mg_lock_all(MG_CURRENT | MG_FUTURE | MG_ONFAULT)",
                   (size_t)self_kb("VmSize") * 1024);
    if (!vm_flag(old, "lo")) {
        print_error("expected a mapping made before the call to be locked (lo in VmFlags), "
                    "actual: not locked\n");
        fail();
    }
    expect_pages("an untouched mapping made before the call (locked on fault)", 0,
                 resident(old, 16));
    before = self_kb("VmLck");
    fresh = map_pages(64);
    if (!vm_flag(fresh, "lo")) {
        print_error("expected a mapping made after the call to be locked (lo in VmFlags), "
                    "actual: not locked\n");
        fail();
    }
    if (self_kb("VmLck") < before + (long)(64 * pg() / 1024)) {
        print_error("VmLck after a 64-page mapping: expected at least %ld kB, actual %ld kB\n",
                    before + (long)(64 * pg() / 1024), self_kb("VmLck"));
        fail();
    }
    expect_pages("an untouched mapping made after the call", 0, resident(fresh, 64));
    fresh[0] = 1;
    (void)*(volatile char *)(fresh + 5 * pg());
    expect_pages("the same mapping after touching 2 pages", 2, resident(fresh, 64));
}

static const struct CMUnitTest tests[] = {
    MG_TEST(lock_vmlck_grows, "lock-vmlck-grows"),
    MG_TEST(lock_unaligned_range, "lock-unaligned-range"),
    MG_TEST_TEARDOWN(lock_touches_every_page, "lock-touches-every-page", restore_limit),
    MG_TEST_TEARDOWN(lock_limit_enomem, "lock-limit-enomem", restore_limit),
    MG_TEST_TEARDOWN(explain_names_limit, "explain-names-limit", restore_limit),
    MG_TEST(explain_truncates, "explain-truncates"),
    MG_TEST(resident_counts_pages, "resident-counts-pages"),
    MG_TEST(lock_residency_under_pressure, "lock-residency-under-pressure"),
    MG_TEST_TEARDOWN(lock_all_flags_einval, "lock-all-flags-einval", unlock_everything),
    MG_TEST_TEARDOWN(lock_all_current, "lock-all-current", unlock_everything),
    MG_TEST_TEARDOWN(lock_all_future_malloc, "lock-all-future-malloc", unlock_everything),
    MG_TEST_TEARDOWN(lock_all_onfault, "lock-all-onfault", unlock_everything),
};

OSLABS_TEST_MAIN(tests)
