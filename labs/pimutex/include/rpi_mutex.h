/*
 * rpi_mutex.h - Part B: a priority-inheritance mutex for Linux threads,
 * built on the kernel's PI futex. You implement these functions in
 * rpi_mutex.c; this header is the lab's.
 *
 * The word follows the kernel's PI-futex protocol (futex(2)):
 *     0                       free
 *     TID                     owned by thread TID, nobody waits
 *     TID | FUTEX_WAITERS     owned, and the kernel has (or may have) waiters: the
 *                             owner's unlock must go through FUTEX_UNLOCK_PI
 * Lock: fast path CAS 0 -> gettid(); slow path FUTEX_LOCK_PI, which queues
 * the caller and lends its priority to the owner (the kernel walks the
 * chain). Unlock: fast path CAS gettid() -> 0; when that fails because
 * FUTEX_WAITERS is set, FUTEX_UNLOCK_PI, which hands the mutex to the top
 * waiter and ends the boost.
 *
 * Every function returns 0 or an error number (never -1 with errno).
 */
#ifndef RPI_MUTEX_H
#define RPI_MUTEX_H

#include <stdint.h>

typedef struct rpi_mutex {
    _Atomic uint32_t word; /* 0 = free, else owner TID | FUTEX_WAITERS */
} rpi_mutex_t;

#define RPI_MUTEX_INITIALIZER                                                                      \
    {                                                                                              \
        0                                                                                          \
    }

/* Makes M free. Returns 0. */
int rpi_mutex_init(rpi_mutex_t *m);

/* Takes M, sleeping in the kernel while another thread holds it. Returns
 * 0, or an error number from FUTEX_LOCK_PI that retrying cannot cure. */
int rpi_mutex_lock(rpi_mutex_t *m);

/* Takes M if it is free: 0; EBUSY if another thread holds it. Never
 * blocks. */
int rpi_mutex_trylock(rpi_mutex_t *m);

/* Releases M, which the caller must hold: 0; EPERM (M unchanged) if the
 * caller does not hold it. */
int rpi_mutex_unlock(rpi_mutex_t *m);

#endif /* RPI_MUTEX_H */
