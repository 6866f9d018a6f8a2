/*
 * test_bankers.c - the Banker's algorithm: Silberschatz's textbook cases,
 * every EINVAL, and seeded property tests over random states.
 *
 * A safe order is checked by simulating it (any safe order is right); the
 * safety of a state is decided by a reference check in this file. Set
 * BANKERS_SEED to replay the random states of another seed.
 */
#include "oslabs_test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bankers.h"

#define MAXN 8
#define MAXM 4

/* A state of n processes and m resource types. */
struct state {
    size_t n, m;
    int available[MAXM];
    int max[MAXN * MAXM];
    int alloc[MAXN * MAXM];
};

/* Silberschatz's example: P0..P4, resources A B C with 10, 5, 7 instances. */
static const struct state textbook = {
    .n = 5,
    .m = 3,
    .available = {3, 3, 2},
    .max = {7, 5, 3, 3, 2, 2, 9, 0, 2, 2, 2, 2, 4, 3, 3},
    .alloc = {0, 1, 0, 2, 0, 0, 3, 0, 2, 2, 1, 1, 0, 0, 2},
};

/* "n=.. m=.. available [..] max [..] alloc [..]" for failure messages. */
static const char *describe(const struct state *s)
{
    static char buf[1024];
    size_t len = 0;

#define ADD(...)                                                                                   \
    (len += (size_t)snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, __VA_ARGS__))
    ADD("n=%zu m=%zu available [", s->n, s->m);
    for (size_t j = 0; j < s->m; j++)
        ADD("%s%d", j ? " " : "", s->available[j]);
    ADD("] max [");
    for (size_t k = 0; k < s->n * s->m; k++)
        ADD("%s%d", k == 0 ? "" : k % s->m ? " " : " | ", s->max[k]);
    ADD("] alloc [");
    for (size_t k = 0; k < s->n * s->m; k++)
        ADD("%s%d", k == 0 ? "" : k % s->m ? " " : " | ", s->alloc[k]);
    ADD("]");
    (void)len;
#undef ADD
    return buf;
}

/* The reference: true if the state is safe (greedy search, which is exact). */
static bool reference_safe(const struct state *s)
{
    int work[MAXM];
    bool done[MAXN] = {false};
    size_t finished = 0;
    bool progress = true;

    memcpy(work, s->available, sizeof(work));
    while (progress) {
        progress = false;
        for (size_t i = 0; i < s->n; i++) {
            bool fits = !done[i];
            for (size_t j = 0; fits && j < s->m; j++)
                fits = s->max[i * s->m + j] - s->alloc[i * s->m + j] <= work[j];
            if (!fits)
                continue;
            for (size_t j = 0; j < s->m; j++)
                work[j] += s->alloc[i * s->m + j];
            done[i] = true;
            finished++;
            progress = true;
        }
    }
    return finished == s->n;
}

/* NULL if order is a permutation of the processes along which each one can
 * get what it needs and then release everything; else what went wrong. */
static const char *simulate(const struct state *s, const size_t *order)
{
    static char why[128];
    int work[MAXM];
    bool done[MAXN] = {false};

    memcpy(work, s->available, sizeof(work));
    for (size_t k = 0; k < s->n; k++) {
        size_t p = order[k];
        if (p >= s->n || done[p]) {
            snprintf(why, sizeof(why), "order[%zu] = %zu is not a process still to run", k,
                     p == SIZE_MAX ? (size_t)0 : p);
            return why;
        }
        for (size_t j = 0; j < s->m; j++)
            if (s->max[p * s->m + j] - s->alloc[p * s->m + j] > work[j]) {
                snprintf(why, sizeof(why),
                         "order[%zu] = P%zu needs %d of resource %zu, only %d free then", k, p,
                         s->max[p * s->m + j] - s->alloc[p * s->m + j], j, work[j]);
                return why;
            }
        for (size_t j = 0; j < s->m; j++)
            work[j] += s->alloc[p * s->m + j];
        done[p] = true;
    }
    return NULL;
}

static void expect_safe_with_order(const struct state *s)
{
    struct state copy = *s;
    size_t order[MAXN];
    const char *why;
    int rc;

    for (size_t i = 0; i < MAXN; i++)
        order[i] = SIZE_MAX;
    rc = bankers_is_safe(s->n, s->m, copy.available, copy.max, copy.alloc, order);
    if (rc != 1)
        fail_msg("bankers_is_safe(%s): expected 1 (safe), actual %d", describe(s), rc);
    why = simulate(s, order);
    if (why != NULL)
        fail_msg("bankers_is_safe(%s): the order it returned does not finish: %s", describe(s),
                 why);
    if (memcmp(&copy, s, sizeof(copy)) != 0)
        fail_msg("bankers_is_safe changed its input state");
    rc = bankers_is_safe(s->n, s->m, copy.available, copy.max, copy.alloc, NULL);
    if (rc != 1)
        fail_msg("bankers_is_safe(%s, order NULL): expected 1, actual %d", describe(s), rc);
}

static void expect_is_safe(const struct state *s, int want)
{
    size_t order[MAXN];
    int rc = bankers_is_safe(s->n, s->m, s->available, s->max, s->alloc, order);

    if (rc != want)
        fail_msg("bankers_is_safe(%s): expected %d, actual %d", describe(s), want, rc);
}

static char context[64]; /* "seed S, case I: " in the property test */

/* Expects bankers_request to return want (with errno EINVAL for -1) and to
 * leave *s as after (NULL: unchanged). */
static void expect_request(struct state *s, size_t pid, const int *request, int want,
                           const struct state *after)
{
    struct state before = *s;
    char req[64];
    size_t len = 0;
    int rc;

    for (size_t j = 0; j < s->m; j++)
        len += (size_t)snprintf(req + len, sizeof(req) - len, "%s%d", j ? " " : "", request[j]);
    errno = 0;
    rc = bankers_request(s->n, s->m, s->available, s->max, s->alloc, pid, request);
    if (rc != want || (want == -1 && errno != EINVAL))
        fail_msg(
            "%sbankers_request(%s, pid %zu, request [%s]): expected %d%s, actual %d (errno %d)",
            context, describe(&before), pid, req, want, want == -1 ? " errno EINVAL" : "", rc,
            errno);
    if (memcmp(s, after ? after : &before, sizeof(*s)) != 0)
        fail_msg("%sbankers_request(%s, pid %zu, request [%s]) returned %d: expected the state %s,"
                 " actual %s",
                 context, describe(&before), pid, req, rc, after ? "updated" : "unchanged",
                 describe(s));
}

/* ---- textbook cases ---- */

/* Silberschatz's state is safe, and the order returned finishes everyone. */
static void bankers_textbook_safe(void **state)
{
    (void)state;
    expect_safe_with_order(&textbook);
}

/* P1 asks (1,0,2): granted. Then P4 asks (3,3,0): more than is free, wait.
 * P0 asks (0,2,0): the result would be unsafe, wait; nothing changes.
 * P3 asks (0,1,0): safe, granted. */
static void bankers_textbook_requests(void **state)
{
    struct state s = textbook, after = textbook;
    (void)state;

    after.available[0] = 2;
    after.available[2] = 0;
    after.alloc[1 * 3 + 0] = 3;
    after.alloc[1 * 3 + 2] = 2;
    expect_request(&s, 1, (const int[]){1, 0, 2}, 1, &after);
    expect_safe_with_order(&s);
    expect_request(&s, 4, (const int[]){3, 3, 0}, 0, NULL);
    expect_request(&s, 0, (const int[]){0, 2, 0}, 0, NULL);
    after.available[1] = 2;
    after.alloc[3 * 3 + 1] = 2;
    expect_request(&s, 3, (const int[]){0, 1, 0}, 1, &after);
}

/* Twelve tape drives: P0 max 10 has 5, P1 max 4 has 2, P2 max 9 has 2, 3
 * free: safe (only P1, P0, P2 works). Giving P2 one more is unsafe, so
 * that request waits; P1's request for its last 2 is granted. */
static void bankers_unsafe_state(void **state)
{
    struct state s = {.n = 3, .m = 1, .available = {3}, .max = {10, 4, 9}, .alloc = {5, 2, 2}};
    struct state unsafe = s, after = s, empty = textbook;
    (void)state;

    expect_safe_with_order(&s);
    unsafe.available[0] = 2;
    unsafe.alloc[2] = 3;
    expect_is_safe(&unsafe, 0);
    expect_request(&s, 2, (const int[]){1}, 0, NULL);
    after.available[0] = 1;
    after.alloc[1] = 4;
    expect_request(&s, 1, (const int[]){2}, 1, &after);
    memset(empty.available, 0, sizeof(empty.available));
    expect_is_safe(&empty, 0);
}

/* ---- EINVAL ---- */

static void expect_is_safe_einval(const struct state *s, const char *what)
{
    int rc;

    errno = 0;
    rc = bankers_is_safe(s->n, s->m, s->available, s->max, s->alloc, NULL);
    if (rc != -1 || errno != EINVAL)
        fail_msg("bankers_is_safe with %s (%s): expected -1 errno EINVAL, actual %d errno %d", what,
                 describe(s), rc, errno);
}

/* alloc > max and every negative value are EINVAL. */
static void bankers_einval_is_safe(void **state)
{
    struct state s;
    (void)state;

    s = textbook;
    s.alloc[2 * 3 + 0] = 10;
    expect_is_safe_einval(&s, "alloc > max for P2");
    s = textbook;
    s.available[1] = -1;
    expect_is_safe_einval(&s, "a negative available");
    s = textbook;
    s.max[4 * 3 + 2] = -1;
    s.alloc[4 * 3 + 2] = -2;
    expect_is_safe_einval(&s, "a negative max and alloc");
    s = textbook;
    s.alloc[0 * 3 + 0] = -1;
    expect_is_safe_einval(&s, "a negative alloc");
}

/* request > need (whether or not it is free), a bad pid and a negative
 * request are EINVAL, checked before "must wait"; nothing changes. */
static void bankers_einval_request(void **state)
{
    struct state s = textbook;
    (void)state;

    expect_request(&s, 1, (const int[]){2, 0, 0}, -1, NULL);
    expect_request(&s, 3, (const int[]){0, 2, 0}, -1, NULL);
    expect_request(&s, 1, (const int[]){0, 0, 3}, -1, NULL);
    expect_request(&s, 0, (const int[]){8, 0, 0}, -1, NULL);
    expect_request(&s, 5, (const int[]){0, 0, 0}, -1, NULL);
    expect_request(&s, SIZE_MAX, (const int[]){1, 0, 0}, -1, NULL);
    expect_request(&s, 1, (const int[]){-1, 0, 0}, -1, NULL);
    expect_request(&s, 4, (const int[]){0, 1, -1}, -1, NULL);
}

/* ---- property tests ---- */

static unsigned seed_from_env(void)
{
    const char *s = getenv("BANKERS_SEED");
    return s != NULL ? (unsigned)strtoul(s, NULL, 10) : 20240601u;
}

static void random_state(struct state *s, unsigned *seed)
{
    memset(s, 0, sizeof(*s));
    s->n = 1 + (size_t)rand_r(seed) % MAXN;
    s->m = 1 + (size_t)rand_r(seed) % MAXM;
    for (size_t j = 0; j < s->m; j++)
        s->available[j] = rand_r(seed) % 5;
    for (size_t k = 0; k < s->n * s->m; k++) {
        s->max[k] = rand_r(seed) % 10;
        s->alloc[k] = rand_r(seed) % (s->max[k] + 1);
    }
}

/* Random states: it answers safe exactly when the state is safe, and every
 * order it returns finishes every process. */
static void bankers_property_is_safe(void **state)
{
    unsigned seed = seed_from_env(), start = seed;
    int safe = 0, unsafe = 0;
    (void)state;

    for (int i = 0; i < 5000; i++) {
        struct state s, copy;
        size_t order[MAXN];
        const char *why;
        bool want;
        int rc;

        random_state(&s, &seed);
        copy = s;
        want = reference_safe(&s);
        for (size_t k = 0; k < MAXN; k++)
            order[k] = SIZE_MAX;
        rc = bankers_is_safe(s.n, s.m, copy.available, copy.max, copy.alloc, order);
        if (rc != (want ? 1 : 0))
            fail_msg("seed %u, state %d: bankers_is_safe(%s): expected %d, actual %d", start, i,
                     describe(&s), want, rc);
        if (want && (why = simulate(&s, order)) != NULL)
            fail_msg("seed %u, state %d: bankers_is_safe(%s): the order returned does not "
                     "finish: %s",
                     start, i, describe(&s), why);
        if (memcmp(&copy, &s, sizeof(s)) != 0)
            fail_msg("seed %u, state %d: bankers_is_safe changed its input", start, i);
        want ? safe++ : unsafe++;
    }
    printf("seed %u: %d safe and %d unsafe states checked\n", start, safe, unsafe);
}

/* A random request for process pid: usually within need, sometimes more
 * than needed, negative, or for a process that does not exist. */
static void random_request(const struct state *s, unsigned *seed, size_t *pid, int *request)
{
    int kind = rand_r(seed) % 10;

    *pid = (size_t)rand_r(seed) % s->n;
    for (size_t j = 0; j < s->m; j++) {
        int need = s->max[*pid * s->m + j] - s->alloc[*pid * s->m + j];
        request[j] = rand_r(seed) % (need + 1);
    }
    if (kind == 0)
        request[rand_r(seed) % s->m] += 1 + rand_r(seed) % 3;
    else if (kind == 1)
        request[rand_r(seed) % s->m] = -1 - rand_r(seed) % 3;
    else if (kind == 2)
        *pid = s->n + (size_t)(rand_r(seed) % 3);
}

/* The expected outcome of a request, computed from the contract. */
static int expected_request(const struct state *s, size_t pid, const int *request,
                            struct state *after)
{
    *after = *s;
    if (pid >= s->n)
        return -1;
    for (size_t j = 0; j < s->m; j++)
        if (request[j] < 0 || request[j] > s->max[pid * s->m + j] - s->alloc[pid * s->m + j])
            return -1;
    for (size_t j = 0; j < s->m; j++)
        if (request[j] > s->available[j])
            return 0;
    for (size_t j = 0; j < s->m; j++) {
        after->available[j] -= request[j];
        after->alloc[pid * s->m + j] += request[j];
    }
    if (reference_safe(after))
        return 1;
    *after = *s;
    return 0;
}

/* Random requests on random states: granted exactly when the new state is
 * safe (and then the state is updated), never beyond need, never when
 * invalid; when refused nothing changes. */
static void bankers_property_request(void **state)
{
    unsigned start = seed_from_env(), seed = start ^ 0x5bd1e995u;
    int outcomes[3] = {0, 0, 0};
    (void)state;

    for (int i = 0; i < 5000; i++) {
        struct state s, after;
        size_t pid;
        int request[MAXM], want;

        random_state(&s, &seed);
        random_request(&s, &seed, &pid, request);
        want = expected_request(&s, pid, request, &after);
        snprintf(context, sizeof(context), "seed %u, case %d: ", start, i);
        expect_request(&s, pid, request, want, want == 1 ? &after : NULL);
        outcomes[want + 1]++;
    }
    printf("seed %u: %d EINVAL, %d must wait, %d granted\n", start, outcomes[0], outcomes[1],
           outcomes[2]);
}

/* cmocka test named NAME (kebab-case, as the grader names it). */
#define TEST(fn, name)                                                                             \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }

static const struct CMUnitTest tests[] = {
    TEST(bankers_textbook_safe, "bankers-textbook-safe"),
    TEST(bankers_textbook_requests, "bankers-textbook-requests"),
    TEST(bankers_unsafe_state, "bankers-unsafe-state"),
    TEST(bankers_einval_is_safe, "bankers-einval-is-safe"),
    TEST(bankers_einval_request, "bankers-einval-request"),
    TEST(bankers_property_is_safe, "bankers-property-is-safe"),
    TEST(bankers_property_request, "bankers-property-request"),
};

OSLABS_TEST_MAIN(tests)
