/*
 * records.c - deterministic test records and file versions (records.h).
 */
#define _GNU_SOURCE
#include "records.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    return x ^ (x >> 16);
}

uint32_t rec_len(int t, int i)
{
    return REC_MIN + mix((uint32_t)t * 7919u + (uint32_t)i * 104729u + 1u) % 1500u;
}

/* "t=T i=I;" then bytes that depend on t, i and the position. */
void rec_fill(int t, int i, unsigned char *buf)
{
    uint32_t len = rec_len(t, i);
    char head[32];
    int n = snprintf(head, sizeof(head), "t=%d i=%d;", t, i);

    for (uint32_t k = 0; k < len; k++)
        buf[k] = (unsigned char)(mix((uint32_t)t << 20 ^ (uint32_t)i << 8 ^ k) & 0xff);
    memcpy(buf, head, (size_t)n < len ? (size_t)n : len);
}

bool rec_parse(const void *data, uint32_t len, int *t, int *i)
{
    char head[32];
    unsigned char *want;
    bool same;

    if (data == NULL || len < REC_MIN)
        return false;
    memcpy(head, data, sizeof(head) - 1 < len ? sizeof(head) - 1 : len);
    head[sizeof(head) - 1] = '\0';
    if (sscanf(head, "t=%d i=%d;", t, i) != 2 || *t < 0 || *i < 0 || *t > 1000)
        return false;
    if (rec_len(*t, *i) != len)
        return false;
    want = malloc(len);
    if (want == NULL)
        return false;
    rec_fill(*t, *i, want);
    same = memcmp(want, data, len) == 0;
    free(want);
    return same;
}

size_t version_len(int k)
{
    static const size_t lens[] = {300, 1700, 40, 1200, 4100, 700, 2600, 90};
    return lens[k % 8] + (size_t)(k / 8);
}

void version_fill(int k, unsigned char *buf)
{
    size_t len = version_len(k);
    char head[32];
    int n = snprintf(head, sizeof(head), "version %d\n", k);

    for (size_t j = 0; j < len; j++)
        buf[j] = (unsigned char)('a' + (mix((uint32_t)k * 31u + (uint32_t)j) % 26u));
    memcpy(buf, head, (size_t)n < len ? (size_t)n : len);
}

int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
