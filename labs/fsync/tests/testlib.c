/*
 * testlib.c - helpers of the fsync lab's cmocka tests (testlib.h).
 *
 * Every test program runs with the fsync shim preloaded: the grader sets
 * LD_PRELOAD, and a program started by hand re-executes itself with it
 * (preload_shim below), so `./test_dlog --run NAME` works as is.
 */
#define _GNU_SOURCE
#include "oslabs_test.h"

#include "dlog.h"
#include "testlib.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------- the shim */

static fsyncshim_config_fn shim_config_fn;
static fsyncshim_get_fn shim_get_fn;
static fsyncshim_spans_fn shim_spans_fn;
static fsyncshim_slow_writes_fn shim_slow_writes_fn;
static fsyncshim_crash_at_fn shim_crash_at_fn;

static void find_shim(void)
{
    shim_config_fn = (fsyncshim_config_fn)dlsym(RTLD_DEFAULT, "fsyncshim_config");
    shim_get_fn = (fsyncshim_get_fn)dlsym(RTLD_DEFAULT, "fsyncshim_get");
    shim_spans_fn = (fsyncshim_spans_fn)dlsym(RTLD_DEFAULT, "fsyncshim_spans");
    shim_slow_writes_fn = (fsyncshim_slow_writes_fn)dlsym(RTLD_DEFAULT, "fsyncshim_slow_writes");
    shim_crash_at_fn = (fsyncshim_crash_at_fn)dlsym(RTLD_DEFAULT, "fsyncshim_crash_at");
}

/* Before main: if the shim is not loaded, run this program again with
 * libfsyncshim.so (next to the executable) in LD_PRELOAD. */
__attribute__((constructor)) static void preload_shim(int argc, char **argv)
{
    char exe[PATH_MAX], *slash, *preload;
    ssize_t n;

    (void)argc;
    find_shim();
    if (shim_config_fn != NULL || getenv("FSYNCSHIM_REEXEC") != NULL)
        return;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    if (asprintf(&preload, "%s/libfsyncshim.so", exe) < 0 || access(preload, R_OK) != 0)
        return;
    *slash = '/';
    setenv("LD_PRELOAD", preload, 1);
    setenv("FSYNCSHIM_REEXEC", "1", 1);
    execv(exe, argv);
}

void shim_config(long fail_in, long delay_us, bool noop)
{
    if (shim_config_fn == NULL)
        fail_msg("the fsync shim is not loaded: run with LD_PRELOAD=./libfsyncshim.so");
    shim_config_fn(fail_in, delay_us, noop);
}

struct fsyncshim_stats shim_stats(void)
{
    struct fsyncshim_stats s = {0};

    if (shim_get_fn == NULL)
        fail_msg("the fsync shim is not loaded: run with LD_PRELOAD=./libfsyncshim.so");
    shim_get_fn(&s);
    return s;
}

const struct fsyncshim_span *shim_spans(long *n)
{
    static struct fsyncshim_span spans[FSYNCSHIM_MAX_SPANS];

    if (shim_spans_fn == NULL)
        fail_msg("the fsync shim is not loaded: run with LD_PRELOAD=./libfsyncshim.so");
    *n = shim_spans_fn(spans, FSYNCSHIM_MAX_SPANS);
    if (*n > FSYNCSHIM_MAX_SPANS)
        *n = FSYNCSHIM_MAX_SPANS;
    return spans;
}

void shim_fast(void)
{
    shim_config(0, 0, true);
}

void shim_slow_writes(long calls, long delay_us)
{
    if (shim_slow_writes_fn == NULL)
        fail_msg("the fsync shim is not loaded: run with LD_PRELOAD=./libfsyncshim.so");
    shim_slow_writes_fn(calls, delay_us);
}

void shim_crash_at(long write_no, unsigned long cut)
{
    if (shim_crash_at_fn == NULL)
        fail_msg("the fsync shim is not loaded: run with LD_PRELOAD=./libfsyncshim.so");
    shim_crash_at_fn(write_no, cut);
}

/* -------------------------------------------------------------- records */

void reclist_add(struct reclist *l, const void *data, uint32_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->data = realloc(l->data, l->cap * sizeof(*l->data));
        l->len = realloc(l->len, l->cap * sizeof(*l->len));
        assert_non_null(l->data);
        assert_non_null(l->len);
    }
    l->data[l->n] = malloc(len ? len : 1);
    assert_non_null(l->data[l->n]);
    if (len > 0)
        memcpy(l->data[l->n], data, len);
    l->len[l->n++] = len;
}

void reclist_free(struct reclist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->data[i]);
    free(l->data);
    free(l->len);
    memset(l, 0, sizeof(*l));
}

static int collect(const void *data, uint32_t len, void *arg)
{
    reclist_add(arg, data, len);
    return 0;
}

long replay_into(const char *path, struct reclist *out, int *err)
{
    long n;

    reclist_free(out);
    errno = 0;
    n = dlog_replay(path, collect, out);
    if (err != NULL)
        *err = errno;
    return n;
}

/* Fails unless got[i] == want[i] for every i < got->n. */
static void compare(const struct reclist *got, const struct reclist *want, const char *when)
{
    for (size_t i = 0; i < got->n; i++) {
        if (i >= want->n)
            fail_msg("%s: expected at most %zu records, actual record #%zu (%u bytes) too: "
                     "garbage replayed?",
                     when, want->n, i + 1, got->len[i]);
        if (got->len[i] != want->len[i])
            fail_msg("%s: record #%zu: expected %u bytes, actual %u", when, i + 1, want->len[i],
                     got->len[i]);
        if (got->len[i] > 0 && memcmp(got->data[i], want->data[i], got->len[i]) != 0)
            fail_msg("%s: record #%zu (%u bytes): expected the bytes appended, actual other "
                     "bytes",
                     when, i + 1, got->len[i]);
    }
}

void assert_prefix(const struct reclist *got, const struct reclist *want, const char *when)
{
    compare(got, want, when);
}

void assert_same(const struct reclist *got, const struct reclist *want, const char *when)
{
    compare(got, want, when);
    if (got->n != want->n)
        fail_msg("%s: expected %zu records, actual %zu", when, want->n, got->n);
}

static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x45d9f3bU;
    x ^= x >> 16;
    return x;
}

uint32_t payload_len(uint32_t id)
{
    if (id % 9 == 4)
        return 65536 + id % 100;
    return 1 + mix32(id + 17) % 3000;
}

void payload_fill(uint32_t id, unsigned char *buf)
{
    uint32_t len = payload_len(id);

    for (uint32_t k = 0; k < len; k++)
        buf[k] = (unsigned char)mix32(id * 2654435761u + k);
    if (len >= 4)
        memcpy(buf, &id, 4);
}

/* ---------------------------------------------------------------- files */

unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, got;

    *n = 0;
    if (f == NULL)
        return NULL;
    do {
        cap = cap ? 2 * cap : 65536;
        unsigned char *bigger = realloc(buf, cap);
        assert_non_null(bigger);
        buf = bigger;
        got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
    } while (got > 0);
    fclose(f);
    return buf;
}

void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    if ((n > 0 && fwrite(data, 1, n, f) != n) || fclose(f) != 0)
        fail_msg("cannot write %s: %s", path, strerror(errno));
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[256] = {0}, *out;
    size_t n = 0, len = 1;

    if (d == NULL)
        fail_msg("cannot list %s: %s", dir, strerror(errno));
    while ((de = readdir(d)) != NULL && n < 256) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        names[n] = strdup(de->d_name);
        len += strlen(de->d_name) + 1;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_str);
    out = calloc(1, len);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, " ");
        strcat(out, names[i]);
        free(names[i]);
    }
    return out;
}

const char *errno_name(int err)
{
    switch (err) {
    case 0:
        return "no error (errno 0)";
    case EINVAL:
        return "EINVAL";
    case EIO:
        return "EIO";
    case ENOENT:
        return "ENOENT";
    case EFBIG:
        return "EFBIG";
    case ENOSYS:
        return "ENOSYS";
    case EISDIR:
        return "EISDIR";
    case ENOSPC:
        return "ENOSPC";
    default:
        return strerror(err);
    }
}
