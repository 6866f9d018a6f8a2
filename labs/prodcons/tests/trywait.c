/*
 * trywait.c - linked into the test programs in place of libc's sem_trywait:
 * a sem_trywait that fails yields the CPU before it returns. A bbuf that
 * busy-waits by looping on sem_trywait (or on bbuf_try_put) then hands the
 * CPU to the thread it waits for at every turn of its loop, so its tests
 * reach their verdicts about as fast as a correct bbuf's, instead of
 * fighting that thread for the CPU (16 spinning producers made a stress
 * 20x slower, and 50x under valgrind, which runs one thread at a time).
 *
 * Nothing a test checks changes: the call still fails with EAGAIN at once,
 * and a spinner still never sleeps, so the busy-waiting tests, which count
 * its time on a CPU and in the run queue, still see it.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <semaphore.h>

static int (*real_sem_trywait)(sem_t *);

/* Looked up before main, so before any thread: helgrind and drd see no race. */
__attribute__((constructor)) static void find_real_sem_trywait(void)
{
    real_sem_trywait = (int (*)(sem_t *))dlsym(RTLD_NEXT, "sem_trywait");
}

int sem_trywait(sem_t *s)
{
    int rc = real_sem_trywait(s);
    if (rc != 0 && errno == EAGAIN) {
        sched_yield();
        errno = EAGAIN;
    }
    return rc;
}
