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

/* bankers_is_safe - 1 if some order lets every process finish (write it to
 * order unless order is NULL), 0 if none does, -1 EINVAL if a value is
 * negative or alloc > max (-1 ENOMEM). The inputs are not changed. */
int bankers_is_safe(size_t n, size_t m, const int *available, const int *max, const int *alloc,
                    size_t *order)
{
    for (size_t j = 0; j < m; j++) {
        if (available[j] < 0) {
            errno = EINVAL;
            return -1;
        }
    }
    for (size_t i = 0; i < n * m; i++) {
        if (max[i] < 0 || alloc[i] < 0 || alloc[i] > max[i]) {
            errno = EINVAL;
            return -1;
        }
    }
    int *work = malloc((m + 1) * sizeof(int));
    bool *done = calloc(n + 1, sizeof(bool));
    if (work == NULL || done == NULL) {
        free(work);
        free(done);
        errno = ENOMEM;
        return -1;
    }
    memcpy(work, available, m * sizeof(int));
    size_t finished = 0;
    bool progress = true;
    while (finished < n && progress) {
        progress = false;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            bool can = true;
            for (size_t j = 0; j < m; j++) {
                if (max[i * m + j] - alloc[i * m + j] > work[j])
                    can = false;
            }
            if (!can)
                continue;
            for (size_t j = 0; j < m; j++)
                work[j] += alloc[i * m + j];
            done[i] = true;
            if (order != NULL)
                order[finished] = i;
            finished++;
            progress = true;
        }
    }
    free(work);
    free(done);
    return finished == n;
}

/* bankers_request - process pid asks for request[0..m-1]. -1 EINVAL for a
 * bad pid, a negative value or request > need (checked first); 0 "must
 * wait" if request > available or the state after granting it would be
 * unsafe (nothing changes); else 1, with available and alloc updated. */
int bankers_request(size_t n, size_t m, int *available, const int *max, int *alloc, size_t pid,
                    const int *request)
{
    if (pid >= n) {
        errno = EINVAL;
        return -1;
    }
    for (size_t j = 0; j < m; j++) {
        if (request[j] < 0 || request[j] > max[pid * m + j] - alloc[pid * m + j]) {
            errno = EINVAL;
            return -1;
        }
    }
    for (size_t j = 0; j < m; j++) {
        if (request[j] > available[j])
            return 0;
    }
    /* pretend to grant it, and undo if that is unsafe */
    for (size_t j = 0; j < m; j++) {
        available[j] -= request[j];
        alloc[pid * m + j] += request[j];
    }
    int safe = bankers_is_safe(n, m, available, max, alloc, NULL);
    if (safe != 1) {
        for (size_t j = 0; j < m; j++) {
            available[j] += request[j];
            alloc[pid * m + j] -= request[j];
        }
        return safe < 0 ? -1 : 0;
    }
    return 1;
}
