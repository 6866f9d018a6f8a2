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

// BEGIN SOLUTION
/*
 * `slots` counts free slots and `items` counts held items, so a put waits on
 * slots and posts items, a get waits on items and posts slots. The ring is
 * changed only under `lock`; the semaphores are never waited on with the lock
 * held, so a sleeping thread never holds the lock.
 *
 * Closing wakes sleepers with a baton: bbuf_close posts each semaphore once.
 * A thread that takes a post but finds the buffer closed (a putter) or closed
 * and empty (a getter) posts the same semaphore again before it returns
 * EPIPE, so the baton passes to the next sleeper, however many there are.
 */
struct bbuf {
    sem_t slots;          /* free slots, plus the close baton */
    sem_t items;          /* held items, plus the close baton */
    pthread_mutex_t lock; /* protects everything below */
    void **ring;          /* capacity slots; items live in [head, head + count) */
    size_t capacity;      /* fixed at creation */
    size_t head;          /* index of the oldest item */
    size_t count;         /* items in the ring, 0 <= count <= capacity */
    bool closed;          /* set once by bbuf_close, never cleared */
};

// END SOLUTION
// SKELETON: /*
// SKELETON:  * A suggested layout: copy it out of this comment and adapt it. Write on
// SKELETON:  * each field which lock protects it.
// SKELETON:  *
// SKELETON:  *  struct bbuf {
// SKELETON:  *      sem_t slots;          // free slots
// SKELETON:  *      sem_t items;          // held items
// SKELETON:  *      pthread_mutex_t lock; // protects everything below
// SKELETON:  *      void **ring;          // capacity slots; items in [head, head + count)
// SKELETON:  *      size_t capacity;
// SKELETON:  *      size_t head;          // index of the oldest item
// SKELETON:  *      size_t count;         // items held
// SKELETON:  *      bool closed;
// SKELETON:  *  };
// SKELETON:  */

/* ---- Functions you implement ---- */

// BEGIN SOLUTION
/* sem_wait that is not cut short by a signal. */
static void sem_wait_uninterrupted(sem_t *s)
{
    while (sem_wait(s) != 0)
        assert(errno == EINTR);
}

/* Appends item at the tail. Caller holds b->lock and owns a free slot. */
static void ring_push(bbuf_t *b, void *item)
{
    assert(b->count < b->capacity);
    b->ring[(b->head + b->count) % b->capacity] = item;
    b->count++;
}

/* Removes and returns the oldest item. Caller holds b->lock; count > 0. */
static void *ring_pop(bbuf_t *b)
{
    void *item;

    assert(b->count > 0);
    item = b->ring[b->head];
    b->head = (b->head + 1) % b->capacity;
    b->count--;
    return item;
}

/* Stores a put's item, for a caller that took a post of b->slots. On a
 * closed buffer the post is passed on and the put fails with EPIPE. */
static int finish_put(bbuf_t *b, void *item)
{
    pthread_mutex_lock(&b->lock);
    if (b->closed) {
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->slots);
        return fail(EPIPE);
    }
    ring_push(b, item);
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->items);
    return 0;
}

/* Takes the oldest item, for a caller that took a post of b->items. An
 * empty ring means the post was the close baton: pass it on, fail EPIPE. */
static int finish_get(bbuf_t *b, void **item)
{
    pthread_mutex_lock(&b->lock);
    if (b->count == 0) {
        assert(b->closed);
        pthread_mutex_unlock(&b->lock);
        sem_post(&b->items);
        return fail(EPIPE);
    }
    *item = ring_pop(b);
    pthread_mutex_unlock(&b->lock);
    sem_post(&b->slots);
    return 0;
}

/* True if b is closed and holds nothing. */
static bool closed_and_empty(bbuf_t *b)
{
    bool r;

    pthread_mutex_lock(&b->lock);
    r = b->closed && b->count == 0;
    pthread_mutex_unlock(&b->lock);
    return r;
}

/* True if b is closed. */
static bool is_closed(bbuf_t *b)
{
    bool r;

    pthread_mutex_lock(&b->lock);
    r = b->closed;
    pthread_mutex_unlock(&b->lock);
    return r;
}

// END SOLUTION

/* bbuf_create - a new, open, empty buffer of capacity slots.
 * NULL with errno EINVAL if capacity is 0 (or above what a semaphore can
 * count), ENOMEM if out of memory; then nothing is allocated. */
bbuf_t *bbuf_create(size_t capacity)
{
    // BEGIN SOLUTION
    bbuf_t *b;

    if (capacity == 0 || capacity > SEM_VALUE_MAX - 1) {
        errno = EINVAL;
        return NULL;
    }
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->ring = calloc(capacity, sizeof(*b->ring));
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
    // END SOLUTION
    // SKELETON: (void)capacity;
    // SKELETON: errno = ENOSYS;
    // SKELETON: return NULL;
}

/* bbuf_destroy - frees b (the items themselves belong to the caller). No
 * thread may still use b. NULL is a no-op. */
void bbuf_destroy(bbuf_t *b)
{
    // BEGIN SOLUTION
    if (b == NULL)
        return;
    pthread_mutex_destroy(&b->lock);
    sem_destroy(&b->items);
    sem_destroy(&b->slots);
    free(b->ring);
    free(b);
    // END SOLUTION
    // SKELETON: (void)b;
}

/* bbuf_put - appends item, sleeping while b is full.
 * 0, or -1 with errno EPIPE once b is closed (also if it is closed while
 * the caller sleeps). */
int bbuf_put(bbuf_t *b, void *item)
{
    // BEGIN SOLUTION
    sem_wait_uninterrupted(&b->slots);
    return finish_put(b, item);
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)item;
    // SKELETON: return fail(ENOSYS);
}

/* bbuf_try_put - bbuf_put that never sleeps.
 * -1 with errno EPIPE if b is closed (full or not), else EAGAIN if it is
 * full. */
int bbuf_try_put(bbuf_t *b, void *item)
{
    // BEGIN SOLUTION
    if (sem_trywait(&b->slots) != 0)
        return fail(is_closed(b) ? EPIPE : EAGAIN);
    return finish_put(b, item);
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)item;
    // SKELETON: return fail(ENOSYS);
}

/* bbuf_get - removes the oldest item into *item, sleeping while b is empty.
 * 0, or -1 with errno EPIPE once b is closed and empty. */
int bbuf_get(bbuf_t *b, void **item)
{
    // BEGIN SOLUTION
    sem_wait_uninterrupted(&b->items);
    return finish_get(b, item);
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)item;
    // SKELETON: return fail(ENOSYS);
}

/* bbuf_try_get - bbuf_get that never sleeps.
 * -1 with errno EPIPE if b is closed and empty, else EAGAIN if it is empty. */
int bbuf_try_get(bbuf_t *b, void **item)
{
    // BEGIN SOLUTION
    if (sem_trywait(&b->items) != 0)
        return fail(closed_and_empty(b) ? EPIPE : EAGAIN);
    return finish_get(b, item);
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)item;
    // SKELETON: return fail(ENOSYS);
}

/* bbuf_timed_get - bbuf_get that gives up at abstime (CLOCK_REALTIME):
 * -1 with errno ETIMEDOUT then; EPIPE if b is closed and empty, even past
 * the deadline. */
int bbuf_timed_get(bbuf_t *b, void **item, const struct timespec *abstime)
{
    // BEGIN SOLUTION
    while (sem_timedwait(&b->items, abstime) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == ETIMEDOUT && closed_and_empty(b))
            return fail(EPIPE);
        return -1;
    }
    return finish_get(b, item);
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)item;
    // SKELETON: (void)abstime;
    // SKELETON: return fail(ENOSYS);
}

/* bbuf_close - refuses further puts and wakes every sleeping thread.
 * Closing a closed buffer does nothing. */
void bbuf_close(bbuf_t *b)
{
    // BEGIN SOLUTION
    bool was_closed;

    pthread_mutex_lock(&b->lock);
    was_closed = b->closed;
    b->closed = true;
    pthread_mutex_unlock(&b->lock);
    if (was_closed)
        return;
    sem_post(&b->items);
    sem_post(&b->slots);
    // END SOLUTION
    // SKELETON: (void)b;
}

/* bbuf_count - the number of items b holds now. Safe to call from any
 * thread at any time. */
size_t bbuf_count(bbuf_t *b)
{
    // BEGIN SOLUTION
    size_t n;

    pthread_mutex_lock(&b->lock);
    n = b->count;
    pthread_mutex_unlock(&b->lock);
    return n;
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: return 0;
}

/* ---- Helpers we provide ---- */

/* fail - sets errno to err and returns -1, the error convention of this
 * file. */
static int fail(int err)
{
    errno = err;
    return -1;
}
