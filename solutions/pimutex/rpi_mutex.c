/*
 * rpi_mutex.c - a priority-inheritance mutex on the Linux PI futex.
 *
 * User space touches the word only with compare-and-swap: 0 -> TID to lock,
 * TID -> 0 to unlock. Whenever a CAS fails, the kernel takes over: it owns
 * the FUTEX_WAITERS bit, the queue of waiters and the boost of the owner.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rpi_mutex.h"

static uint32_t my_tid(void)
{
    return (uint32_t)gettid();
}

/* futex(2) has no glibc wrapper. Returns 0 or an error number. */
static int futex_pi(rpi_mutex_t *m, int op)
{
    if (syscall(SYS_futex, &m->word, op | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) < 0)
        return errno;
    return 0;
}

int rpi_mutex_init(rpi_mutex_t *m)
{
    atomic_store(&m->word, 0);
    return 0;
}

int rpi_mutex_lock(rpi_mutex_t *m)
{
    uint32_t expected = 0;
    int err;

    if (atomic_compare_exchange_strong(&m->word, &expected, my_tid()))
        return 0;
    /* The kernel retries the CAS, sets FUTEX_WAITERS and sleeps for us.
     * EINTR and EAGAIN (owner exiting) are worth another try. */
    do
        err = futex_pi(m, FUTEX_LOCK_PI);
    while (err == EINTR || err == EAGAIN);
    return err;
}

int rpi_mutex_trylock(rpi_mutex_t *m)
{
    uint32_t expected = 0;

    if (atomic_compare_exchange_strong(&m->word, &expected, my_tid()))
        return 0;
    return EBUSY;
}

int rpi_mutex_unlock(rpi_mutex_t *m)
{
    uint32_t tid = my_tid();
    uint32_t expected = tid;

    if ((atomic_load(&m->word) & FUTEX_TID_MASK) != tid)
        return EPERM;
    if (atomic_compare_exchange_strong(&m->word, &expected, 0))
        return 0;
    /* FUTEX_WAITERS is set: let the kernel hand the mutex over. */
    return futex_pi(m, FUTEX_UNLOCK_PI);
}
