/*
 * rpi_mutex.c - a priority-inheritance mutex on the Linux PI futex.
 *
 * Read futex(2), sections FUTEX_LOCK_PI and FUTEX_UNLOCK_PI, first: the
 * kernel, not you, sets FUTEX_WAITERS and queues the waiters. You may add
 * static functions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rpi_mutex.h"

static uint32_t my_tid(void);
static int futex_pi(rpi_mutex_t *m, int op);

/* ---- Functions you implement ---- */

/*
 * rpi_mutex_lock - take M. Fast path: compare-and-swap the word from 0 to
 * my_tid(). Slow path: FUTEX_LOCK_PI, retried on EINTR and EAGAIN.
 * Returns 0, or the error number FUTEX_LOCK_PI gave.
 */
int rpi_mutex_lock(rpi_mutex_t *m)
{
    (void)m;
    (void)my_tid;
    (void)futex_pi;
    return ENOSYS; /* not implemented yet */
}

/*
 * rpi_mutex_trylock - take M if it is free (0); EBUSY, with the word
 * unchanged, if it is held. Never blocks.
 */
int rpi_mutex_trylock(rpi_mutex_t *m)
{
    (void)m;
    return ENOSYS; /* not implemented yet */
}

/*
 * rpi_mutex_unlock - release M. EPERM (M unchanged) unless the word's TID
 * is the caller's. Fast path: CAS my_tid() -> 0. If that fails, the kernel
 * has waiters queued: FUTEX_UNLOCK_PI. Returns 0 or an error number.
 */
int rpi_mutex_unlock(rpi_mutex_t *m)
{
    (void)m;
    return ENOSYS; /* not implemented yet */
}

/* ---- Helpers we provide ---- */

/* rpi_mutex_init - make M a free mutex (the word 0). */
int rpi_mutex_init(rpi_mutex_t *m)
{
    atomic_store(&m->word, 0);
    return 0;
}

/* my_tid - the caller's thread id, as the kernel writes it in the word. */
static uint32_t my_tid(void)
{
    return (uint32_t)gettid();
}

/* futex_pi - futex(2) on M's word with OP (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI,
 * ...), which glibc does not wrap. Returns 0 or an error number. */
static int futex_pi(rpi_mutex_t *m, int op)
{
    if (syscall(SYS_futex, &m->word, op | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) < 0)
        return errno;
    return 0;
}
