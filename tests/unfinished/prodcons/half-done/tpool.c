/*
 * tpool.c - a fixed set of worker threads fed through a bbuf of tasks.
 *
 * The contract is in include/tpool.h and the handout (README.md). In short:
 * tpool_create starts exactly nthreads workers; each worker takes tasks
 * from the queue (a bbuf_t) and runs them until the queue is closed and
 * drained; tpool_shutdown closes the queue, joins the workers, frees all.
 *
 * Grade it with:  make grade LAB=prodcons ONLY=tpool-runs-each-task-once
 */
#include "tpool.h"

#include "bbuf.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/*
 * A suggested layout: copy it out of this comment and adapt it.
 *
 *  struct task {               // one queued call of fn(arg)
 *      void (*fn)(void *);
 *      void *arg;
 *  };
 *
 *  struct tpool {
 *      bbuf_t *queue;          // of struct task *; the bbuf does its own locking
 *      pthread_t *workers;     // nthreads handles
 *      size_t nthreads;
 *  };
 */

/* ---- Functions you implement ---- */

/* tpool_create - a pool of nthreads workers and a queue of queue_capacity
 * tasks. NULL with errno EINVAL if either is 0 (or the error that stopped
 * it: ENOMEM, EAGAIN), with no thread left running. */
tpool_t *tpool_create(size_t nthreads, size_t queue_capacity)
{
    (void)nthreads;
    (void)queue_capacity;
    errno = ENOSYS;
    return NULL;
}

/* tpool_submit - queues fn(arg), sleeping while the queue is full.
 * 0, or -1 with errno EPIPE once tpool_shutdown began (ENOMEM if no task
 * could be allocated). */
int tpool_submit(tpool_t *p, void (*fn)(void *), void *arg)
{
    (void)p;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return -1;
}

/* tpool_shutdown - refuses new tasks, runs every task already submitted,
 * joins the workers and frees p. */
void tpool_shutdown(tpool_t *p)
{
    (void)p;
}
