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
    (void)n;
    (void)m;
    (void)available;
    (void)max;
    (void)alloc;
    (void)order;
    errno = ENOSYS; /* TODO */
    return -1;
}

/* bankers_request - process pid asks for request[0..m-1]. -1 EINVAL for a
 * bad pid, a negative value or request > need (checked first); 0 "must
 * wait" if request > available or the state after granting it would be
 * unsafe (nothing changes); else 1, with available and alloc updated. */
int bankers_request(size_t n, size_t m, int *available, const int *max, int *alloc, size_t pid,
                    const int *request)
{
    (void)n;
    (void)m;
    (void)available;
    (void)max;
    (void)alloc;
    (void)pid;
    (void)request;
    errno = ENOSYS; /* TODO */
    return -1;
}
