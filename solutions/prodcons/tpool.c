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

// BEGIN SOLUTION
/* tpool_submit puts a heap-allocated task on the queue; each worker gets
 * tasks until the queue reports EPIPE, which happens only after
 * tpool_shutdown closed it and every submitted task was taken. So shutdown
 * is: close, join (the workers drain the queue), free. */

struct task {
    void (*fn)(void *);
    void *arg;
};

struct tpool {
    bbuf_t *queue;      /* of struct task *; the bbuf does its own locking */
    pthread_t *workers; /* nthreads handles, written before any submit */
    size_t nthreads;
};

/* Runs tasks until the queue is closed and drained. */
static void *worker_main(void *arg)
{
    tpool_t *p = arg;
    void *item;

    while (bbuf_get(p->queue, &item) == 0) {
        struct task *t = item;
        t->fn(t->arg);
        free(t);
    }
    return NULL;
}

/* Closes the queue, joins the first n workers and frees p. */
static void stop_and_free(tpool_t *p, size_t n)
{
    bbuf_close(p->queue);
    for (size_t i = 0; i < n; i++)
        pthread_join(p->workers[i], NULL);
    bbuf_destroy(p->queue);
    free(p->workers);
    free(p);
}

// END SOLUTION
// SKELETON: /*
// SKELETON:  * A suggested layout: copy it out of this comment and adapt it.
// SKELETON:  *
// SKELETON:  *  struct task {               // one queued call of fn(arg)
// SKELETON:  *      void (*fn)(void *);
// SKELETON:  *      void *arg;
// SKELETON:  *  };
// SKELETON:  *
// SKELETON:  *  struct tpool {
// SKELETON:  *      bbuf_t *queue;          // of struct task *; the bbuf does its own locking
// SKELETON:  *      pthread_t *workers;     // nthreads handles
// SKELETON:  *      size_t nthreads;
// SKELETON:  *  };
// SKELETON:  */

/* ---- Functions you implement ---- */

/* tpool_create - a pool of nthreads workers and a queue of queue_capacity
 * tasks. NULL with errno EINVAL if either is 0 (or the error that stopped
 * it: ENOMEM, EAGAIN), with no thread left running. */
tpool_t *tpool_create(size_t nthreads, size_t queue_capacity)
{
    // BEGIN SOLUTION
    tpool_t *p;
    int err;

    if (nthreads == 0 || queue_capacity == 0) {
        errno = EINVAL;
        return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->workers = calloc(nthreads, sizeof(*p->workers));
    p->queue = bbuf_create(queue_capacity);
    if (p->workers == NULL || p->queue == NULL) {
        err = errno;
        bbuf_destroy(p->queue);
        free(p->workers);
        free(p);
        errno = err;
        return NULL;
    }
    for (p->nthreads = 0; p->nthreads < nthreads; p->nthreads++) {
        err = pthread_create(&p->workers[p->nthreads], NULL, worker_main, p);
        if (err != 0) {
            stop_and_free(p, p->nthreads);
            errno = err;
            return NULL;
        }
    }
    return p;
    // END SOLUTION
    // SKELETON: (void)nthreads;
    // SKELETON: (void)queue_capacity;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return NULL;
}

/* tpool_submit - queues fn(arg), sleeping while the queue is full.
 * 0, or -1 with errno EPIPE once tpool_shutdown began (ENOMEM if no task
 * could be allocated). */
int tpool_submit(tpool_t *p, void (*fn)(void *), void *arg)
{
    // BEGIN SOLUTION
    struct task *t = malloc(sizeof(*t));

    if (t == NULL)
        return -1;
    t->fn = fn;
    t->arg = arg;
    if (bbuf_put(p->queue, t) != 0) {
        free(t);
        errno = EPIPE;
        return -1;
    }
    return 0;
    // END SOLUTION
    // SKELETON: (void)p;
    // SKELETON: (void)fn;
    // SKELETON: (void)arg;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return -1;
}

/* tpool_shutdown - refuses new tasks, runs every task already submitted,
 * joins the workers and frees p. */
void tpool_shutdown(tpool_t *p)
{
    // BEGIN SOLUTION
    stop_and_free(p, p->nthreads);
    // END SOLUTION
    // SKELETON: (void)p;
}
