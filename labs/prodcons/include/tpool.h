/*
 * tpool.h - a fixed-size thread pool whose task queue is a bbuf (the prodcons
 * lab's contract).
 *
 * The pool starts exactly nthreads workers, never more, and uses a bbuf as
 * its queue.
 * This header is given by the lab: do not edit it.
 */
#ifndef TPOOL_H
#define TPOOL_H

#include <stddef.h>

// clang-format off
typedef struct tpool tpool_t;

tpool_t *tpool_create(size_t nthreads, size_t queue_capacity); /* NULL, EINVAL if either is 0 */
int      tpool_submit(tpool_t *p, void (*fn)(void *), void *arg); /* blocks while the queue is full;
                                               -1 errno EPIPE after shutdown began */
void     tpool_shutdown(tpool_t *p);        /* runs every task already submitted, joins the workers,
                                               frees the pool */

// clang-format on
#endif
