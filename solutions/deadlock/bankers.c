/*
 * bankers.c - Dijkstra's Banker's algorithm: deadlock avoidance by granting
 * a request only if the state after it is still safe.
 *
 * bankers_is_safe and bankers_request, as include/bankers.h says. Matrices
 * are n x m, row-major: the entry of process i, resource j is at
 * [i * m + j]; need = max - alloc. A state is safe when some order lets
 * every process, one after another, get all it may still need from what is
 * free plus what the processes before it released.
 *
 * Grade it with:  make grade LAB=deadlock ONLY=bankers-textbook-safe
 */
#include "bankers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- Functions you implement ---- */

// BEGIN SOLUTION
/* Finding a safe order greedily is exact: a process that can finish only
 * ever adds to what is free. */

/* True if every entry of the state is >= 0 and alloc <= max. */
static bool state_is_valid(size_t n, size_t m, const int *available, const int *max,
                           const int *alloc)
{
    for (size_t j = 0; j < m; j++)
        if (available[j] < 0)
            return false;
    for (size_t k = 0; k < n * m; k++)
        if (max[k] < 0 || alloc[k] < 0 || alloc[k] > max[k])
            return false;
    return true;
}

/* True if process i's remaining need fits in work. */
static bool need_fits(size_t m, const int *max, const int *alloc, size_t i, const int *work)
{
    for (size_t j = 0; j < m; j++)
        if (max[i * m + j] - alloc[i * m + j] > work[j])
            return false;
    return true;
}

// END SOLUTION

/* bankers_is_safe - 1 if some order lets every process finish (write it to
 * order unless order is NULL), 0 if none does, -1 EINVAL if a value is
 * negative or alloc > max (-1 ENOMEM). The inputs are not changed. */
int bankers_is_safe(size_t n, size_t m, const int *available, const int *max, const int *alloc,
                    size_t *order)
{
    // BEGIN SOLUTION
    int *work;
    bool *finished;
    size_t done = 0;
    bool progress = true;

    if (!state_is_valid(n, m, available, max, alloc)) {
        errno = EINVAL;
        return -1;
    }
    work = malloc((m ? m : 1) * sizeof(*work));
    finished = calloc(n ? n : 1, sizeof(*finished));
    if (work == NULL || finished == NULL) {
        free(work);
        free(finished);
        errno = ENOMEM;
        return -1;
    }
    memcpy(work, available, m * sizeof(*work));
    while (progress) {
        progress = false;
        for (size_t i = 0; i < n; i++) {
            if (finished[i] || !need_fits(m, max, alloc, i, work))
                continue;
            for (size_t j = 0; j < m; j++)
                work[j] += alloc[i * m + j];
            finished[i] = true;
            if (order != NULL)
                order[done] = i;
            done++;
            progress = true;
        }
    }
    free(work);
    free(finished);
    return done == n;
    // END SOLUTION
    // SKELETON: (void)n;
    // SKELETON: (void)m;
    // SKELETON: (void)available;
    // SKELETON: (void)max;
    // SKELETON: (void)alloc;
    // SKELETON: (void)order;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return -1;
}

// BEGIN SOLUTION
/* Validates a request: 0 if pid exists and 0 <= request <= need, else -1. */
static int check_request(size_t n, size_t m, const int *max, const int *alloc, size_t pid,
                         const int *request)
{
    if (pid >= n)
        return -1;
    for (size_t j = 0; j < m; j++)
        if (request[j] < 0 || request[j] > max[pid * m + j] - alloc[pid * m + j])
            return -1;
    return 0;
}

// END SOLUTION

/* bankers_request - process pid asks for request[0..m-1]. -1 EINVAL for a
 * bad pid, a negative value or request > need (checked first); 0 "must
 * wait" if request > available or the state after granting it would be
 * unsafe (nothing changes); else 1, with available and alloc updated. */
int bankers_request(size_t n, size_t m, int *available, const int *max, int *alloc, size_t pid,
                    const int *request)
{
    // BEGIN SOLUTION
    int safe;

    if (!state_is_valid(n, m, available, max, alloc) ||
        check_request(n, m, max, alloc, pid, request) < 0) {
        errno = EINVAL;
        return -1;
    }
    for (size_t j = 0; j < m; j++)
        if (request[j] > available[j])
            return 0;

    for (size_t j = 0; j < m; j++) {
        available[j] -= request[j];
        alloc[pid * m + j] += request[j];
    }
    safe = bankers_is_safe(n, m, available, max, alloc, NULL);
    if (safe == 1)
        return 1;
    for (size_t j = 0; j < m; j++) {
        available[j] += request[j];
        alloc[pid * m + j] -= request[j];
    }
    return safe < 0 ? -1 : 0;
    // END SOLUTION
    // SKELETON: (void)n;
    // SKELETON: (void)m;
    // SKELETON: (void)available;
    // SKELETON: (void)max;
    // SKELETON: (void)alloc;
    // SKELETON: (void)pid;
    // SKELETON: (void)request;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return -1;
}
