/*
 * util.c - byte buffers, hashing and paths for crashsim. Allocation that
 * cannot fail, die() and remove_tree() are the kit's shared copy
 * (grader/harness/oslabs_util.c, staged as common/). Any failure here is
 * crashsim's own (exit 2).
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <stdlib.h>
#include <string.h>

static void bytes_reserve(struct bytes *b, size_t n)
{
    if (n <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < n)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void bytes_append(struct bytes *b, const void *p, size_t n)
{
    bytes_reserve(b, b->n + n);
    if (n > 0)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

void bytes_resize(struct bytes *b, size_t n)
{
    bytes_reserve(b, n);
    if (n > b->n)
        memset(b->p + b->n, 0, n - b->n);
    b->n = n;
}

void bytes_copy(struct bytes *dst, const struct bytes *src)
{
    dst->n = 0;
    bytes_append(dst, src->p, src->n);
}

void bytes_free(struct bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* A 64-bit hash of n more bytes (FNV-1a, then a final mix by the caller's
 * next call). Good enough to tell crash states apart. */
uint64_t hash_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

/* Joins path to base (unless path is absolute) and removes ".", ".." and
 * repeated slashes, lexically. Returns a malloc'd absolute path. */
char *path_normalize(const char *base, const char *path)
{
    char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", base, path);
    char *out = xmalloc(strlen(joined) + 2);
    size_t n = 0;
    char *save = NULL;

    for (char *c = strtok_r(joined, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            continue;
        }
        out[n++] = '/';
        size_t len = strlen(c);
        memcpy(out + n, c, len);
        n += len;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    free(joined);
    return out;
}
