/*
 * test_atomic.c - atomic_replace through its API (include/atomic.h): the
 * content after success, and after an error the old content and no temp
 * file left in the directory. What a crash leaves is the power-loss test's
 * business (crashsim); fsync is a no-op here (the shim).
 */
#define _GNU_SOURCE
#include "oslabs_test.h"

#include "atomic.h"
#include "testlib.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void expect_content(const char *path, const void *want, size_t n, const char *when)
{
    size_t got_n;
    unsigned char *got = read_file(path, &got_n);

    if (got == NULL)
        fail_msg("%s: expected %s to hold %zu bytes, actual no such file", when, path, n);
    if (got_n != n || (n > 0 && memcmp(got, want, n) != 0))
        fail_msg("%s: expected %s to hold the %zu bytes written, actual %zu bytes%s", when, path, n,
                 got_n, got_n == n ? " with other content" : "");
    free(got);
}

static void expect_dir(const char *dir, const char *want, const char *when)
{
    char *names = list_dir(dir);

    if (strcmp(names, want) != 0)
        fail_msg("%s: expected directory %s to hold only \"%s\", actual \"%s\" (a temp file "
                 "left behind?)",
                 when, dir, want, names);
    free(names);
}

static void must_replace(const char *path, const void *data, size_t n, const char *when)
{
    errno = 0;
    int rc = atomic_replace(path, data, n);
    if (rc != 0)
        fail_msg("%s: atomic_replace(\"%s\", %zu bytes): expected 0, actual %d with %s", when, path,
                 n, rc, errno_name(errno));
    expect_content(path, data, n, when);
}

static void atomic_replace_roundtrip(void **state)
{
    size_t big_n = 1 << 20;
    unsigned char *big = malloc(big_n);
    (void)state;

    assert_non_null(big);
    for (size_t k = 0; k < big_n; k++)
        big[k] = (unsigned char)(k % 251);
    shim_fast();
    assert_int_equal(mkdir("d", 0755), 0);
    must_replace("d/cfg", "hello\n", 6, "a new file");
    must_replace("d/cfg", big, big_n, "replaced by 1 MiB");
    must_replace("d/cfg", "short", 5, "replaced by 5 bytes");
    must_replace("d/cfg", "", 0, "replaced by 0 bytes");
    must_replace("d/cfg", "again", 5, "replaced by 5 bytes again");
    expect_dir("d", "cfg", "after five replacements");
    must_replace("top.cfg", "in the current directory", 24, "a path without a directory");
    expect_dir(".", "d top.cfg", "after replacing top.cfg");
    free(big);
}

static void atomic_replace_error_no_temp(void **state)
{
    struct rlimit old, small;
    char big[8000];
    int rc, err;
    (void)state;

    shim_fast();
    /* A missing directory. */
    errno = 0;
    rc = atomic_replace("missing/cfg", "x", 1);
    if (rc != -1 || errno != ENOENT)
        fail_msg("atomic_replace in a missing directory: expected -1 with ENOENT, actual %d with "
                 "%s",
                 rc, errno_name(errno));
    /* The target is a directory: the rename fails. */
    assert_int_equal(mkdir("e", 0755), 0);
    assert_int_equal(mkdir("e/cfg", 0755), 0);
    errno = 0;
    rc = atomic_replace("e/cfg", "x", 1);
    if (rc != -1 || errno == 0)
        fail_msg("atomic_replace over a directory: expected -1 with an errno, actual %d with %s",
                 rc, errno_name(errno));
    expect_dir("e", "cfg", "after atomic_replace over a directory failed");
    /* The write fails: the file-size limit is 1000 bytes. */
    assert_int_equal(mkdir("f", 0755), 0);
    write_file("f/cfg", "old content", 11);
    memset(big, 'n', sizeof(big));
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 1000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    errno = 0;
    rc = atomic_replace("f/cfg", big, sizeof(big));
    err = errno;
    setrlimit(RLIMIT_FSIZE, &old);
    if (rc != -1 || err == 0)
        fail_msg("atomic_replace of 8000 bytes with a 1000-byte file-size limit: expected -1 "
                 "with an errno (EFBIG), actual %d with %s",
                 rc, errno_name(err));
    expect_content("f/cfg", "old content", 11, "after a failed write");
    expect_dir("f", "cfg", "after a failed write");
}

/* Every fsync a successful atomic_replace makes, failed in turn with EIO:
 * the new content is not durable, so -1 with an errno, and no temp file. */
static void atomic_replace_fsync_eio(void **state)
{
    char now[32];
    long before, calls;
    (void)state;

    shim_fast();
    assert_int_equal(mkdir("g", 0755), 0);
    must_replace("g/cfg", "version 0", 9, "before the fsync errors");
    before = shim_stats().calls;
    must_replace("g/cfg", "version 1", 9, "before the fsync errors");
    calls = shim_stats().calls - before;
    if (calls < 2)
        fail_msg("a successful atomic_replace: expected at least 2 fsync calls (the temp file "
                 "before the rename, the directory after it), actual %ld",
                 calls);
    for (long nth = 1; nth <= calls; nth++) {
        snprintf(now, sizeof(now), "version %ld", nth + 1);
        shim_config(nth, 0, true); /* the nth fsync from now fails with EIO */
        errno = 0;
        int rc = atomic_replace("g/cfg", now, strlen(now));
        int err = errno;
        shim_fast();
        if (rc != -1 || err == 0)
            fail_msg("fsync call %ld of the %ld a replacement makes failing with EIO: expected "
                     "-1 with an errno (EIO: the new content is not durable), actual %d with %s",
                     nth, calls, rc, errno_name(err));
        expect_dir("g", "cfg", "after an fsync failed with EIO");
    }
}

/* The temp file belongs in the target's directory: here it is the only
 * writable one (the current directory is read-only). */
static void atomic_replace_temp_in_target_dir(void **state)
{
    int rc;
    (void)state;

    shim_fast();
    assert_int_equal(mkdir("ro", 0755), 0);
    assert_int_equal(mkdir("ro/w", 0755), 0);
    assert_int_equal(chdir("ro"), 0);
    assert_int_equal(chmod(".", 0555), 0);
    if (geteuid() == 0)
        print_message("note: run as root, the read-only directory stops nobody\n");
    errno = 0;
    rc = atomic_replace("w/cfg", "first", 5);
    if (rc != 0)
        fail_msg("atomic_replace(\"w/cfg\") from a read-only current directory: expected 0 (the "
                 "temp file goes in w/, beside its target), actual %d with %s",
                 rc, errno_name(errno));
    must_replace("w/cfg", "second", 6, "replacing w/cfg from a read-only directory");
    expect_dir("w", "cfg", "after two replacements");
    chmod(".", 0755);
}

#define T(fn, id)                                                                                  \
    {                                                                                              \
        .name = id, .test_func = fn                                                                \
    }

static const struct CMUnitTest tests[] = {
    T(atomic_replace_roundtrip, "atomic-replace-roundtrip"),
    T(atomic_replace_error_no_temp, "atomic-replace-error-no-temp"),
    T(atomic_replace_fsync_eio, "atomic-replace-fsync-eio"),
    T(atomic_replace_temp_in_target_dir, "atomic-replace-temp-in-target-dir"),
};

OSLABS_TEST_MAIN(tests)
