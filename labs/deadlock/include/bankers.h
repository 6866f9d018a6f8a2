/*
 * bankers.h - Dijkstra's Banker's algorithm (the deadlock lab's contract,
 * part 3).
 *
 * n processes, m resource types. Vectors have m entries; matrices are n x m,
 * row-major (row i is process i): max[i*m + j] is the most of resource j
 * process i may ever hold, alloc[i*m + j] what it holds now, and
 * need = max - alloc. Failures return -1 and set errno; EINVAL is checked
 * before "must wait".
 * This header is given by the lab: do not edit it.
 */
#ifndef BANKERS_H
#define BANKERS_H

#include <stddef.h>

// clang-format off
int bankers_is_safe(size_t n, size_t m, const int *available, const int *max,
                    const int *alloc, size_t *order);
    /* 1 safe (order, if not NULL, receives a safe sequence), 0 unsafe, -1 EINVAL (alloc > max,
       negative values) */
int bankers_request(size_t n, size_t m, int *available, const int *max, int *alloc,
                    size_t pid, const int *request);
    /* 1 granted (available and alloc updated), 0 must wait (unchanged: request > available or the
       result would be unsafe), -1 EINVAL (request > need, bad pid, negative) */
// clang-format on

#endif
