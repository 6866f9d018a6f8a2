/*
 * test_bbuf.c - unit tests of every bbuf function and every error of the
 * contract (include/bbuf.h), one property per test.
 *
 * Calls that could block in a wrong implementation run on a helper thread
 * (oslabs_proc.h), so a test fails with a message instead of hanging. A test that
 * needs a thread to be blocked waits until it sees it asleep inside the
 * call. Items are small integers cast to pointers; NULL is an item too.
 */
#define _GNU_SOURCE /* gettid */
#include "oslabs_test.h"

#include "bbuf.h"
#include "oslabs_proc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* A call counts as blocked once its thread has been asleep inside it this
 * long in a row (oslabs_wait_asleep says why one glimpse is not enough). */
#define ASLEEP_MS 20

#define ITEM(n)      ((void *)(uintptr_t)(n))
#define PROMPT_MS    1000 /* how long a call may take to return once it can */
#define WAIT_MS      500  /* how long to wait for a helper to fall asleep */
#define CPU_LIMIT_MS 5.0
#define SPIN_MS      50.0 /* CPU time that shows a call spins instead of sleeping */
/* Every other thread asleep in a wait with no timeout, none run for this
 * long: nothing is left to wake them (see calls_return) */
#define SETTLED_MS 150
#define STR_(x)    #x
#define STR(x)     STR_(x)

static struct oslabs_call calls[8];

static int do_put(struct oslabs_call *c)
{
    return bbuf_put(c->obj, c->item);
}

static int do_get(struct oslabs_call *c)
{
    return bbuf_get(c->obj, &c->item);
}

static int do_try_put(struct oslabs_call *c)
{
    return bbuf_try_put(c->obj, c->item);
}

static int do_try_get(struct oslabs_call *c)
{
    return bbuf_try_get(c->obj, &c->item);
}

static int do_timed_get(struct oslabs_call *c)
{
    return bbuf_timed_get(c->obj, &c->item, &c->deadline);
}

static const char *op_name(oslabs_call_fn fn)
{
    return fn == do_put         ? "bbuf_put"
           : fn == do_get       ? "bbuf_get"
           : fn == do_try_put   ? "bbuf_try_put"
           : fn == do_try_get   ? "bbuf_try_get"
           : fn == do_timed_get ? "bbuf_timed_get"
                                : "?";
}

static const char *err_name(int err)
{
    switch (err) {
    case 0:
        return "no error";
    case EAGAIN:
        return "EAGAIN";
    case EPIPE:
        return "EPIPE";
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case EINVAL:
        return "EINVAL";
    case ENOMEM:
        return "ENOMEM";
    default:
        return strerror(err);
    }
}

/* Fills in slot i of calls[] and starts it. */
static struct oslabs_call *start_call(int i, oslabs_call_fn fn, bbuf_t *b, void *item)
{
    struct oslabs_call *c = &calls[i];

    c->fn = fn;
    c->obj = b;
    c->item = item;
    oslabs_call_start(c);
    return c;
}

/* Waits until each of the n calls cs returned, at most ms. Gives up sooner
 * (*settled) once every other thread has slept SETTLED_MS in a wait with no
 * timeout without once being put on a CPU: the test touches nothing while
 * it waits, so nothing is left to wake them. Returns how many are still
 * inside their call. */
static int calls_return(struct oslabs_call *cs, int n, int ms, bool *settled)
{
    double end = oslabs_now_ms() + ms, since = oslabs_now_ms();
    long long last = -1;

    *settled = false;
    for (;;) {
        int inside = 0;
        for (int i = 0; i < n; i++)
            inside += !atomic_load(&cs[i].done);
        double now = oslabs_now_ms();
        if (inside == 0 || now > end)
            return inside;
        long long runs;
        bool quiet = oslabs_others_asleep(&runs);
        if (!quiet || runs != last)
            since = now;
        else if (now - since >= SETTLED_MS) {
            *settled = true;
            return inside;
        }
        last = quiet ? runs : -1;
        oslabs_sleep_ms(2);
    }
}

/* What more there is to say of calls that did not return. */
static const char *how_blocked(bool settled)
{
    return settled ? " (asleep " STR(SETTLED_MS) " ms without once being woken)" : "";
}

/* Fails unless c returned within ms. */
static void must_return(struct oslabs_call *c, int ms, const char *when)
{
    bool settled;

    if (calls_return(c, 1, ms, &settled) > 0)
        fail_msg("%s %s: expected it to return within %d ms, actual: still blocked%s",
                 op_name(c->fn), when, ms, how_blocked(settled));
    oslabs_call_join(c);
}

/* Fails unless c returned rc (and, for -1, errno err). */
static void must_be(struct oslabs_call *c, int rc, int err, const char *when)
{
    if (c->rc != rc || (rc == -1 && c->err != err))
        fail_msg("%s %s: expected %d%s%s, actual %d%s%s", op_name(c->fn), when, rc,
                 rc == -1 ? " errno " : "", rc == -1 ? err_name(err) : "", c->rc,
                 c->rc == -1 ? " errno " : "", c->rc == -1 ? err_name(c->err) : "");
}

/* Runs fn on a helper, requires it to return promptly with rc/err. Returns
 * the item a get delivered. */
static void *call_now(oslabs_call_fn fn, bbuf_t *b, void *item, int rc, int err, const char *when)
{
    struct oslabs_call *c = start_call(7, fn, b, item);

    must_return(c, PROMPT_MS, when);
    must_be(c, rc, err, when);
    return c->item;
}

static void call_timed_get_now(bbuf_t *b, long deadline_ms, int rc, int err, void *want,
                               const char *when)
{
    struct oslabs_call *c = &calls[7];

    c->deadline = oslabs_realtime_in_ms(deadline_ms);
    c->item = ITEM(0xdead);
    start_call(7, do_timed_get, b, c->item);
    must_return(c, PROMPT_MS, when);
    must_be(c, rc, err, when);
    if (rc == 0 && c->item != want)
        fail_msg("bbuf_timed_get %s: expected item %p, actual %p", when, want, c->item);
}

/* Requires a get-like call to deliver want. */
static void must_deliver(void *got, void *want, const char *what)
{
    if (got != want)
        fail_msg("%s: expected item %p, actual %p", what, want, got);
}

/* Waits until c sleeps inside its call, and fails if the call returned
 * meanwhile. A busy waiter never sleeps (the no-busy-wait tests grade that,
 * not this one): it is waited for until it has spun SPIN_MS of CPU time, or
 * WAIT_MS passed. A call that waits may be closed or served at any moment,
 * so going on before it sleeps changes no verdict, only which path the
 * test takes through the buffer. */
static void must_wait(struct oslabs_call *c, const char *when)
{
    double end = oslabs_now_ms() + WAIT_MS, cpu_start = -1;

    while (oslabs_call_asleep(c, ASLEEP_MS, 1, 4 * ASLEEP_MS) == OSLABS_AWAKE &&
           oslabs_now_ms() < end) {
        double cpu = oslabs_thread_cpu_ms(c->thread);
        if (cpu_start < 0)
            cpu_start = cpu;
        else if (cpu - cpu_start >= SPIN_MS)
            break;
    }
    if (atomic_load(&c->done))
        fail_msg("%s %s: expected it to wait, actual: returned %d (%s)", op_name(c->fn), when,
                 c->rc, c->rc == -1 ? err_name(c->err) : "no error");
}

static bbuf_t *create(size_t capacity)
{
    bbuf_t *b = bbuf_create(capacity);

    if (b == NULL)
        fail_msg("bbuf_create(%zu): expected a buffer, actual NULL (%s)", capacity,
                 err_name(errno));
    return b;
}

/* create-capacity-zero-einval: capacity 0 is refused with EINVAL;
 * destroying NULL does nothing; capacity 1 works. */
static void create_capacity_zero_einval(void **state)
{
    (void)state;
    errno = 0;
    bbuf_t *b = bbuf_create(0);
    if (b != NULL || errno != EINVAL)
        fail_msg("bbuf_create(0): expected NULL errno EINVAL, actual %p errno %s", (void *)b,
                 err_name(errno));
    bbuf_destroy(NULL);
    b = create(1);
    bbuf_destroy(b);
}

/* create-enomem: with 16 MiB of address space left, creating a buffer of
 * 8 Mi slots (64 MiB of pointers) fails with ENOMEM, and creating a small
 * one still works. */
static void create_enomem(void **state)
{
    struct rlimit old, low;
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    (void)state;
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%lu", &pages), 1);
    fclose(f);
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    low = old;
    low.rlim_cur = pages * 4096 + (16UL << 20);
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < low.rlim_cur)
        low.rlim_cur = old.rlim_cur;
    assert_int_equal(setrlimit(RLIMIT_AS, &low), 0);
    errno = 0;
    bbuf_t *b = bbuf_create((size_t)8 << 20);
    int err = errno;
    bbuf_t *small = bbuf_create(16);
    setrlimit(RLIMIT_AS, &old);
    if (b != NULL || err != ENOMEM)
        fail_msg("bbuf_create(8 Mi) with 16 MiB of address space left: expected NULL errno "
                 "ENOMEM, actual %p errno %s",
                 (void *)b, err_name(err));
    if (small == NULL)
        fail_msg("bbuf_create(16) after a failed create: expected a buffer, actual NULL");
    bbuf_destroy(small);
}

/* put-get-fifo: items come out in the order they went in, also when the
 * ring wraps around at every fill level. */
static void put_get_fifo(void **state)
{
    bbuf_t *b = create(4);
    uintptr_t next_in = 1, next_out = 1;
    char what[64];

    (void)state;
    for (int round = 0; round < 12; round++) {
        int fill = 1 + round % 4;
        for (int i = 0; i < fill; i++)
            call_now(do_put, b, ITEM(next_in++), 0, 0, "on a buffer with room");
        for (int i = 0; i < fill; i++) {
            void *got = call_now(do_get, b, NULL, 0, 0, "on a buffer with items");
            snprintf(what, sizeof(what), "bbuf_get number %lu", (unsigned long)next_out);
            must_deliver(got, ITEM(next_out), what);
            next_out++;
        }
    }
    bbuf_destroy(b);
}

/* null-item-delivered: NULL is an item like any other, through every put
 * and every get. */
static void null_item_delivered(void **state)
{
    bbuf_t *b = create(4);

    (void)state;
    call_now(do_put, b, NULL, 0, 0, "of NULL");
    call_now(do_try_put, b, NULL, 0, 0, "of NULL");
    call_now(do_put, b, NULL, 0, 0, "of NULL");
    call_now(do_put, b, ITEM(7), 0, 0, "after three NULLs");
    must_deliver(call_now(do_get, b, ITEM(0xdead), 0, 0, "of a NULL item"), NULL, "bbuf_get");
    must_deliver(call_now(do_try_get, b, ITEM(0xdead), 0, 0, "of a NULL item"), NULL,
                 "bbuf_try_get");
    call_timed_get_now(b, 5000, 0, 0, NULL, "of a NULL item");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "after the NULLs"), ITEM(7), "bbuf_get");
    bbuf_destroy(b);
}

/* try-put-full-eagain: a buffer takes exactly capacity items; the next
 * try_put fails with EAGAIN at once; a get makes room for one more. */
static void try_put_full_eagain(void **state)
{
    static const size_t caps[] = {1, 3, 8};

    (void)state;
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        bbuf_t *b = create(caps[k]);
        char when[64];
        for (size_t i = 0; i < caps[k]; i++) {
            snprintf(when, sizeof(when), "number %zu of capacity %zu", i + 1, caps[k]);
            call_now(do_try_put, b, ITEM(i + 1), 0, 0, when);
        }
        snprintf(when, sizeof(when), "on a full buffer of capacity %zu", caps[k]);
        call_now(do_try_put, b, ITEM(99), -1, EAGAIN, when);
        must_deliver(call_now(do_get, b, NULL, 0, 0, "on a full buffer"), ITEM(1), "bbuf_get");
        call_now(do_try_put, b, ITEM(100), 0, 0, "after a get made room");
        call_now(do_try_put, b, ITEM(101), -1, EAGAIN, "on a full buffer again");
        bbuf_destroy(b);
    }
}

/* try-get-empty-eagain: try_get on an empty buffer fails with EAGAIN at
 * once, before and after items went through. */
static void try_get_empty_eagain(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    call_now(do_try_get, b, NULL, -1, EAGAIN, "on a new buffer");
    call_now(do_put, b, ITEM(1), 0, 0, "on an empty buffer");
    must_deliver(call_now(do_try_get, b, NULL, 0, 0, "with one item"), ITEM(1), "bbuf_try_get");
    call_now(do_try_get, b, NULL, -1, EAGAIN, "on a drained buffer");
    bbuf_destroy(b);
}

static void must_count(bbuf_t *b, size_t want, const char *when)
{
    size_t n = bbuf_count(b);

    if (n != want)
        fail_msg("bbuf_count %s: expected %zu, actual %zu", when, want, n);
}

/* count-tracks-items: bbuf_count follows every put and get. */
static void count_tracks_items(void **state)
{
    bbuf_t *b = create(3);

    (void)state;
    must_count(b, 0, "of a new buffer");
    call_now(do_put, b, ITEM(1), 0, 0, "");
    must_count(b, 1, "after 1 put");
    call_now(do_try_put, b, ITEM(2), 0, 0, "");
    must_count(b, 2, "after 2 puts");
    call_now(do_put, b, ITEM(3), 0, 0, "");
    must_count(b, 3, "after 3 puts (full)");
    call_now(do_try_put, b, ITEM(4), -1, EAGAIN, "on a full buffer");
    must_count(b, 3, "after a failed try_put");
    call_now(do_get, b, NULL, 0, 0, "");
    must_count(b, 2, "after 3 puts and 1 get");
    call_now(do_try_get, b, NULL, 0, 0, "");
    must_count(b, 1, "after 3 puts and 2 gets");
    call_timed_get_now(b, 5000, 0, 0, ITEM(3), "with one item");
    must_count(b, 0, "after 3 puts and 3 gets");
    call_now(do_try_get, b, NULL, -1, EAGAIN, "on an empty buffer");
    must_count(b, 0, "after a failed try_get");
    bbuf_destroy(b);
}

/* put-blocks-while-full: a put on a full buffer sleeps until a get makes
 * room, then stores its item behind the others. */
static void put_blocks_while_full(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    call_now(do_put, b, ITEM(2), 0, 0, "");
    struct oslabs_call *c = start_call(0, do_put, b, ITEM(3));
    must_wait(c, "on a full buffer");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "on a full buffer"), ITEM(1), "bbuf_get");
    must_return(c, PROMPT_MS, "after a get made room");
    must_be(c, 0, 0, "after a get made room");
    must_deliver(call_now(do_get, b, NULL, 0, 0, ""), ITEM(2), "second bbuf_get");
    must_deliver(call_now(do_get, b, NULL, 0, 0, ""), ITEM(3), "third bbuf_get");
    bbuf_destroy(b);
}

/* get-blocks-while-empty: a get on an empty buffer sleeps until a put, then
 * returns that item. */
static void get_blocks_while_empty(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    struct oslabs_call *c = start_call(0, do_get, b, NULL);
    must_wait(c, "on an empty buffer");
    call_now(do_put, b, ITEM(5), 0, 0, "");
    must_return(c, PROMPT_MS, "after a put");
    must_be(c, 0, 0, "after a put");
    must_deliver(c->item, ITEM(5), "bbuf_get woken by a put");
    must_count(b, 0, "after the item was taken");
    bbuf_destroy(b);
}

/* timed-get-times-out: on an empty buffer, timed_get sleeps until its
 * deadline (not less), then fails with ETIMEDOUT. */
static void timed_get_times_out(void **state)
{
    bbuf_t *b = create(2);
    struct oslabs_call *c = &calls[0];
    double start = oslabs_now_ms();

    (void)state;
    c->deadline = oslabs_realtime_in_ms(300);
    start_call(0, do_timed_get, b, NULL);
    must_return(c, 300 + PROMPT_MS, "on an empty buffer with a deadline 300 ms away");
    must_be(c, -1, ETIMEDOUT, "on an empty buffer");
    if (c->returned_ms - start < 290)
        fail_msg("bbuf_timed_get with a deadline 300 ms away: expected to return after >= 300 "
                 "ms, actual after %.0f ms",
                 c->returned_ms - start);
    bbuf_destroy(b);
}

/* timed-get-past-deadline: with a deadline already past, timed_get on an
 * empty buffer fails with ETIMEDOUT at once. */
static void timed_get_past_deadline(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    call_timed_get_now(b, -1000, -1, ETIMEDOUT, NULL, "on an empty buffer, deadline 1 s ago");
    call_timed_get_now(b, 0, -1, ETIMEDOUT, NULL, "on an empty buffer, deadline now");
    bbuf_destroy(b);
}

/* timed-get-wakes-on-put: timed_get returns a held item at once, and a
 * sleeping timed_get returns a new item as soon as it is put. */
static void timed_get_wakes_on_put(void **state)
{
    bbuf_t *b = create(2);
    struct oslabs_call *c = &calls[0];

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    call_timed_get_now(b, 10000, 0, 0, ITEM(1), "with an item held");
    c->deadline = oslabs_realtime_in_ms(10000);
    start_call(0, do_timed_get, b, NULL);
    must_wait(c, "on an empty buffer, deadline 10 s away");
    call_now(do_put, b, ITEM(2), 0, 0, "");
    must_return(c, PROMPT_MS, "after a put (deadline 10 s away)");
    must_be(c, 0, 0, "after a put");
    must_deliver(c->item, ITEM(2), "bbuf_timed_get woken by a put");
    bbuf_destroy(b);
}

/* close-put-epipe: after close, put and try_put fail with EPIPE at once. */
static void close_put_epipe(void **state)
{
    bbuf_t *b = create(4);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    bbuf_close(b);
    call_now(do_put, b, ITEM(2), -1, EPIPE, "on a closed buffer with room");
    call_now(do_try_put, b, ITEM(3), -1, EPIPE, "on a closed buffer with room");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "on a closed buffer holding 1 item"), ITEM(1),
                 "bbuf_get after close");
    call_now(do_put, b, ITEM(4), -1, EPIPE, "on a closed empty buffer");
    bbuf_destroy(b);
}

/* close-full-put-epipe: on a closed full buffer, EPIPE wins: put fails at
 * once instead of blocking, try_put with EPIPE rather than EAGAIN, every
 * time (64 more of each), and the items held stay. */
static void close_full_put_epipe(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    call_now(do_put, b, ITEM(2), 0, 0, "");
    bbuf_close(b);
    call_now(do_put, b, ITEM(3), -1, EPIPE, "on a closed full buffer");
    call_now(do_try_put, b, ITEM(4), -1, EPIPE, "on a closed full buffer");
    call_now(do_put, b, ITEM(5), -1, EPIPE, "on a closed full buffer, again");
    /* Any number of them: close leaves a way out for every put, not for
     * a fixed few. */
    for (int i = 0; i < 64; i++) {
        call_now(do_put, b, ITEM(6), -1, EPIPE, "on a closed full buffer, once more");
        call_now(do_try_put, b, ITEM(7), -1, EPIPE, "on a closed full buffer, once more");
    }
    must_count(b, 2, "of a closed full buffer after refused puts");
    bbuf_destroy(b);
}

/* close-gets-drain-first: after close, gets still deliver what is held, in
 * order, then fail with EPIPE. */
static void close_gets_drain_first(void **state)
{
    bbuf_t *b = create(4);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    call_now(do_put, b, NULL, 0, 0, "");
    call_now(do_put, b, ITEM(3), 0, 0, "");
    call_now(do_put, b, ITEM(4), 0, 0, "");
    bbuf_close(b);
    must_deliver(call_now(do_get, b, NULL, 0, 0, "on a closed buffer holding 4 items"), ITEM(1),
                 "bbuf_get after close");
    must_deliver(call_now(do_try_get, b, ITEM(0xdead), 0, 0, "on a closed buffer holding 3 items"),
                 NULL, "bbuf_try_get after close");
    call_timed_get_now(b, 10000, 0, 0, ITEM(3), "on a closed buffer holding 2 items");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "on a closed buffer holding 1 item"), ITEM(4),
                 "last bbuf_get after close");
    call_now(do_get, b, NULL, -1, EPIPE, "on a closed, drained buffer");
    bbuf_destroy(b);
}

/* close-empty-get-epipe: on a closed empty buffer every get fails with
 * EPIPE at once: EPIPE wins over blocking, EAGAIN and ETIMEDOUT. */
static void close_empty_get_epipe(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    bbuf_close(b);
    call_now(do_get, b, NULL, -1, EPIPE, "on a closed empty buffer");
    call_now(do_try_get, b, NULL, -1, EPIPE, "on a closed empty buffer");
    call_timed_get_now(b, 10000, -1, EPIPE, NULL, "on a closed empty buffer, deadline 10 s away");
    call_timed_get_now(b, -1000, -1, EPIPE, NULL, "on a closed empty buffer, deadline 1 s ago");
    call_now(do_get, b, NULL, -1, EPIPE, "on a closed empty buffer, again");
    bbuf_destroy(b);
}

/* close-idempotent: closing again changes nothing: held items still drain,
 * then gets and puts fail with EPIPE. */
static void close_idempotent(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    bbuf_close(b);
    bbuf_close(b);
    call_now(do_put, b, ITEM(2), -1, EPIPE, "after two closes");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "after two closes, 1 item held"), ITEM(1),
                 "bbuf_get after two closes");
    bbuf_close(b);
    call_now(do_get, b, NULL, -1, EPIPE, "after three closes, drained");
    call_now(do_try_get, b, NULL, -1, EPIPE, "after three closes, drained");
    call_now(do_try_put, b, ITEM(3), -1, EPIPE, "after three closes");
    bbuf_destroy(b);
}

/* Starts n calls of fn on b, waits until all sleep, closes b, and requires
 * each to fail with EPIPE within PROMPT_MS. */
static void close_wakes_all(bbuf_t *b, oslabs_call_fn fn, int n, const char *when)
{
    int stuck = 0;

    for (int i = 0; i < n; i++) {
        calls[i].deadline = oslabs_realtime_in_ms(30000);
        start_call(i, fn, b, ITEM(100 + i));
        must_wait(&calls[i], when);
    }
    bbuf_close(b);
    /* one deadline for all: each has PROMPT_MS from the close, not from the last one's */
    bool settled;
    stuck = calls_return(calls, n, PROMPT_MS, &settled);
    if (stuck > 0)
        fail_msg("bbuf_close with %d threads asleep in %s: expected all to return within %d ms, "
                 "actual: %d still blocked%s",
                 n, op_name(fn), PROMPT_MS, stuck, how_blocked(settled));
    for (int i = 0; i < n; i++) {
        oslabs_call_join(&calls[i]);
        must_be(&calls[i], -1, EPIPE, "woken by bbuf_close");
    }
}

/* close-wakes-all-getters: close wakes every thread asleep in get; each
 * fails with EPIPE. */
static void close_wakes_all_getters(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    close_wakes_all(b, do_get, 5, "on an empty buffer");
    bbuf_destroy(b);
}

/* close-wakes-all-putters: close wakes every thread asleep in put on a
 * full buffer; each fails with EPIPE; the held item still drains. */
static void close_wakes_all_putters(void **state)
{
    bbuf_t *b = create(1);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    close_wakes_all(b, do_put, 5, "on a full buffer");
    must_deliver(call_now(do_get, b, NULL, 0, 0, "on a closed buffer holding 1 item"), ITEM(1),
                 "bbuf_get after close");
    call_now(do_get, b, NULL, -1, EPIPE, "on a closed, drained buffer");
    bbuf_destroy(b);
}

/* close-wakes-timed-getters: close wakes every thread asleep in timed_get
 * long before its deadline; each fails with EPIPE. */
static void close_wakes_timed_getters(void **state)
{
    bbuf_t *b = create(2);

    (void)state;
    close_wakes_all(b, do_timed_get, 4, "on an empty buffer, deadline 30 s away");
    bbuf_destroy(b);
}

/* Lets the helper of c wait in its call for 300 ms and requires it to use
 * under CPU_LIMIT_MS of CPU meanwhile, and to still be waiting. */
/* Waits until c sleeps in its call, then requires it to stay asleep for
 * 300 ms. A busy waiter on a loaded machine may get little CPU time, but it
 * never sleeps: it is on a CPU or in the run queue all along, and both count
 * (schedstat), so the verdict does not depend on the load. */
static void must_wait_without_cpu(struct oslabs_call *c, const char *when)
{
    int tid;
    double ran0 = 0, queued0 = 0, ran1 = 0, queued1 = 0, cpu0, cpu1;
    bool exact;

    must_wait(c, when);
    tid = atomic_load(&c->tid);
    exact = oslabs_thread_busy_ms(tid, &ran0, &queued0);
    cpu0 = oslabs_thread_cpu_ms(c->thread);
    oslabs_sleep_ms(300);
    cpu1 = oslabs_thread_cpu_ms(c->thread);
    exact = exact && oslabs_thread_busy_ms(tid, &ran1, &queued1);
    if (atomic_load(&c->done))
        fail_msg("%s %s: expected it to wait, actual: returned %d (%s)", op_name(c->fn), when,
                 c->rc, err_name(c->err));
    double busy = exact ? (ran1 - ran0) + (queued1 - queued0) : cpu1 - cpu0;
    if (busy >= CPU_LIMIT_MS)
        fail_msg("%s %s for 300 ms: expected under %.0f ms of CPU time, actual %.1f ms, and "
                 "%.1f ms more waiting for a CPU: it never slept (busy waiting)",
                 op_name(c->fn), when, CPU_LIMIT_MS, cpu1 - cpu0, exact ? queued1 - queued0 : 0.0);
}

/* no-busy-wait-get: a get waiting on an empty buffer sleeps: 300 ms of
 * waiting cost under 5 ms of CPU. */
static void no_busy_wait_get(void **state)
{
    bbuf_t *b = create(2);
    struct oslabs_call *c = start_call(0, do_get, b, NULL);

    (void)state;
    must_wait_without_cpu(c, "on an empty buffer");
    call_now(do_put, b, ITEM(1), 0, 0, "");
    must_return(c, PROMPT_MS, "after a put");
    bbuf_destroy(b);
}

/* no-busy-wait-put: a put waiting on a full buffer sleeps: 300 ms of
 * waiting cost under 5 ms of CPU. */
static void no_busy_wait_put(void **state)
{
    bbuf_t *b = create(1);

    (void)state;
    call_now(do_put, b, ITEM(1), 0, 0, "");
    struct oslabs_call *c = start_call(0, do_put, b, ITEM(2));
    must_wait_without_cpu(c, "on a full buffer");
    call_now(do_get, b, NULL, 0, 0, "");
    must_return(c, PROMPT_MS, "after a get");
    bbuf_destroy(b);
}

/* no-busy-wait-timed-get: a timed_get waiting on an empty buffer sleeps:
 * 300 ms of waiting cost under 5 ms of CPU. */
static void no_busy_wait_timed_get(void **state)
{
    bbuf_t *b = create(2);
    struct oslabs_call *c = &calls[0];

    (void)state;
    c->deadline = oslabs_realtime_in_ms(10000);
    start_call(0, do_timed_get, b, NULL);
    must_wait_without_cpu(c, "on an empty buffer, deadline 10 s away");
    bbuf_close(b);
    must_return(c, PROMPT_MS, "after close");
    bbuf_destroy(b);
}

/* A cmocka test named after the property (kebab-case), as lab.ini names it. */
#define TEST(name, fn)                                                                             \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }

static const struct CMUnitTest tests[] = {
    TEST("create-capacity-zero-einval", create_capacity_zero_einval),
    TEST("create-enomem", create_enomem),
    TEST("put-get-fifo", put_get_fifo),
    TEST("null-item-delivered", null_item_delivered),
    TEST("try-put-full-eagain", try_put_full_eagain),
    TEST("try-get-empty-eagain", try_get_empty_eagain),
    TEST("count-tracks-items", count_tracks_items),
    TEST("put-blocks-while-full", put_blocks_while_full),
    TEST("get-blocks-while-empty", get_blocks_while_empty),
    TEST("timed-get-times-out", timed_get_times_out),
    TEST("timed-get-past-deadline", timed_get_past_deadline),
    TEST("timed-get-wakes-on-put", timed_get_wakes_on_put),
    TEST("close-put-epipe", close_put_epipe),
    TEST("close-full-put-epipe", close_full_put_epipe),
    TEST("close-gets-drain-first", close_gets_drain_first),
    TEST("close-empty-get-epipe", close_empty_get_epipe),
    TEST("close-idempotent", close_idempotent),
    TEST("close-wakes-all-getters", close_wakes_all_getters),
    TEST("close-wakes-all-putters", close_wakes_all_putters),
    TEST("close-wakes-timed-getters", close_wakes_timed_getters),
    TEST("no-busy-wait-get", no_busy_wait_get),
    TEST("no-busy-wait-put", no_busy_wait_put),
    TEST("no-busy-wait-timed-get", no_busy_wait_timed_get),
};

OSLABS_TEST_MAIN(tests)
