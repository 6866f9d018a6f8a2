/*
 * bbuf.h - a bounded buffer of opaque pointers (the prodcons lab's contract).
 *
 * Items are delivered FIFO; NULL is a valid item. Free slots and held items
 * are counted with POSIX semaphores (sem_wait / sem_post / sem_trywait /
 * sem_timedwait) and the ring itself is protected by a mutex. Every function
 * but bbuf_create and bbuf_destroy may be called by many threads at once.
 *
 * Once a buffer is closed, EPIPE wins over EAGAIN, ETIMEDOUT and blocking:
 * puts fail at once, and gets fail at once when nothing is left to drain.
 * This header is given by the lab: do not edit it.
 */
#ifndef BBUF_H
#define BBUF_H

#include <stddef.h>
#include <time.h>

// clang-format off
typedef struct bbuf bbuf_t;

bbuf_t *bbuf_create(size_t capacity);       /* NULL, errno EINVAL if capacity is 0; ENOMEM */
void    bbuf_destroy(bbuf_t *b);            /* no thread may still use b; NULL is a no-op */
int     bbuf_put(bbuf_t *b, void *item);    /* blocks while full; 0, or -1 errno EPIPE once closed */
int     bbuf_get(bbuf_t *b, void **item);   /* blocks while empty; 0, or -1 errno EPIPE when closed and empty */
int     bbuf_try_put(bbuf_t *b, void *item);  /* never blocks; -1 errno EAGAIN if full, EPIPE if closed */
int     bbuf_try_get(bbuf_t *b, void **item); /* never blocks; -1 errno EAGAIN if empty, EPIPE if closed and empty */
int     bbuf_timed_get(bbuf_t *b, void **item, const struct timespec *abstime);
                                            /* CLOCK_REALTIME deadline; -1 errno ETIMEDOUT */
void    bbuf_close(bbuf_t *b);              /* idempotent; wakes every blocked thread; puts then fail
                                               with EPIPE; gets drain what is left, then fail with EPIPE */
size_t  bbuf_count(bbuf_t *b);              /* items held now (a snapshot) */

// clang-format on
#endif
