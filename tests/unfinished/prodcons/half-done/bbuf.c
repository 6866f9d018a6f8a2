/*
 * bbuf.c - a bounded buffer of pointers built on two counting semaphores
 * and a ring protected by a mutex.
 *
 * The contract is in include/bbuf.h and the handout (README.md). In short:
 *   - a put waits for a free slot (sem_wait on a "slots" semaphore), stores
 *     the item under the mutex, then announces it (sem_post on "items");
 *     a get does the opposite;
 *   - never wait on a semaphore while holding the mutex;
 *   - bbuf_close must wake EVERY thread asleep in a put or a get, however
 *     many there are; after it, EPIPE wins over EAGAIN, ETIMEDOUT and
 *     blocking.
 *
 * Grade it with:  make grade LAB=prodcons ONLY=put-get-fifo
 */
#include "bbuf.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdlib.h>

static int fail(int err); /* among the helpers, at the end */

/*
 * A suggested layout: copy it out of this comment and adapt it. Write on
 * each field which lock protects it.
 *
 *  struct bbuf {
 *      sem_t slots;          // free slots
 *      sem_t items;          // held items
 *      pthread_mutex_t lock; // protects everything below
 *      void **ring;          // capacity slots; items in [head, head + count)
 *      size_t capacity;
 *      size_t head;          // index of the oldest item
 *      size_t count;         // items held
 *      bool closed;
 *  };
 */

struct bbuf {
    sem_t slots;          /* free slots */
    sem_t items;          /* held items */
    pthread_mutex_t lock; /* protects everything below */
    void **ring;          /* items in [head, head + count) mod capacity */
    size_t capacity;
    size_t head;
    size_t count;
    bool closed;
};

/* ---- Functions you implement ---- */

/* bbuf_create - a new, open, empty buffer of capacity slots.
 * NULL with errno EINVAL if capacity is 0 (or above what a semaphore can
 * count), ENOMEM if out of memory; then nothing is allocated. */
bbuf_t *bbuf_create(size_t capacity)
{
    if (capacity == 0 || capacity > SEM_VALUE_MAX) {
        errno = EINVAL;
        return NULL;
    }
    bbuf_t *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->ring = calloc(capacity, sizeof(void *));
    if (b->ring == NULL) {
        free(b);
        errno = ENOMEM;
        return NULL;
    }
    b->capacity = capacity;
    sem_init(&b->slots, 0, (unsigned)capacity);
    sem_init(&b->items, 0, 0);
    pthread_mutex_init(&b->lock, NULL);
    return b;
}

/* bbuf_destroy - frees b (the items themselves belong to the caller). No
 * thread may still use b. NULL is a no-op. */
void bbuf_destroy(bbuf_t *b)
{
    if (b == NULL)
        return;
    sem_destroy(&b->slots);
    sem_destroy(&b->items);
    pthread_mutex_destroy(&b->lock);
    free(b->ring);
    free(b);
}

/* bbuf_put - appends item, sleeping while b is full.
 * 0, or -1 with errno EPIPE once b is closed (also if it is closed while
 * the caller sleeps). */
int bbuf_put(bbuf_t *b, void *item)
{
    while (sem_wait(&b->slots) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&b->lock);
    if (b->closed) {
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->slots); /* pass the wake-up on to the next sleeper */
        return fail(EPIPE);
    }
    b->ring[(b->head + b->count) % b->capacity] = item;
    b->count++;
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->items);
    return 0;
}

/* bbuf_try_put - bbuf_put that never sleeps.
 * -1 with errno EPIPE if b is closed (full or not), else EAGAIN if it is
 * full. */
int bbuf_try_put(bbuf_t *b, void *item)
{
    pthread_mutex_lock(&b->lock);
    bool closed = b->closed;
    pthread_mutex_unlock(&b->lock);
    if (closed)
        return fail(EPIPE);
    if (sem_trywait(&b->slots) < 0)
        return fail(EAGAIN);
    pthread_mutex_lock(&b->lock);
    if (b->closed) {
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->slots);
        return fail(EPIPE);
    }
    b->ring[(b->head + b->count) % b->capacity] = item;
    b->count++;
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->items);
    return 0;
}

/* bbuf_get - removes the oldest item into *item, sleeping while b is empty.
 * 0, or -1 with errno EPIPE once b is closed and empty. */
int bbuf_get(bbuf_t *b, void **item)
{
    while (sem_wait(&b->items) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&b->lock);
    if (b->count == 0) { /* only after close: the wake-up close posted */
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->items);
        return fail(EPIPE);
    }
    *item = b->ring[b->head];
    b->head = (b->head + 1) % b->capacity;
    b->count--;
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->slots);
    return 0;
}

/* bbuf_try_get - bbuf_get that never sleeps.
 * -1 with errno EPIPE if b is closed and empty, else EAGAIN if it is empty. */
int bbuf_try_get(bbuf_t *b, void **item)
{
    if (sem_trywait(&b->items) < 0) {
        pthread_mutex_lock(&b->lock);
        bool closed = b->closed;
        pthread_mutex_unlock(&b->lock);
        return fail(closed ? EPIPE : EAGAIN);
    }
    pthread_mutex_lock(&b->lock);
    if (b->count == 0) {
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->items);
        return fail(EPIPE);
    }
    *item = b->ring[b->head];
    b->head = (b->head + 1) % b->capacity;
    b->count--;
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->slots);
    return 0;
}

/* bbuf_timed_get - bbuf_get that gives up at abstime (CLOCK_REALTIME):
 * -1 with errno ETIMEDOUT then; EPIPE if b is closed and empty, even past
 * the deadline. */
int bbuf_timed_get(bbuf_t *b, void **item, const struct timespec *abstime)
{
    (void)b;
    (void)item;
    (void)abstime;
    return fail(ENOSYS);
}

/* bbuf_close - refuses further puts and wakes every sleeping thread.
 * Closing a closed buffer does nothing. */
void bbuf_close(bbuf_t *b)
{
    pthread_mutex_lock(&b->lock);
    bool was_closed = b->closed;
    b->closed = true;
    pthread_mutex_unlock(&b->lock);
    if (was_closed)
        return;
    /* one extra post each; every woken thread posts it again for the next */
    sem_post(&b->slots);
    sem_post(&b->items);
}

/* bbuf_count - the number of items b holds now. Safe to call from any
 * thread at any time. */
size_t bbuf_count(bbuf_t *b)
{
    pthread_mutex_lock(&b->lock);
    size_t n = b->count;
    pthread_mutex_unlock(&b->lock);
    return n;
}

/* ---- Helpers we provide ---- */

/* fail - sets errno to err and returns -1, the error convention of this
 * file. */
static int fail(int err)
{
    errno = err;
    return -1;
}
