/*
 * test_lockdep_default.c - the default reporter's message, in a program of
 * its own (no other test has replaced the reporter here).
 *
 * Builds the cycles A -> B -> A and X -> Y -> Z -> X and the self-deadlock
 * S -> S with standard error redirected to a file, then looks for one
 * "lockdep: possible circular locking dependency: ..." line per cycle, in
 * order. Other lines the reporter prints are allowed.
 */
#include "oslabs_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockdep.h"
#include "oslabs_proc.h"

/* A call that should return at once has blocked once its thread has been
 * asleep inside it this long in a row. */
#define BLOCKED_MS 200

#define PREFIX "lockdep: possible circular locking dependency: "

struct pair {
    ld_mutex_t *first, *second;
    int err;
};

static int take_pair(struct oslabs_call *c)
{
    struct pair *p = c->obj;

    p->err = ld_lock(p->first);
    if (p->err == 0 && p->second != NULL) {
        int e = ld_lock(p->second);
        p->err = e == EDEADLK && p->second == p->first ? 0 : e;
        if (e == 0)
            p->err = ld_unlock(p->second);
    }
    if (ld_unlock(p->first) != 0 && p->err == 0)
        p->err = EPERM;
    return 0;
}

/* Takes first then second on a new thread. second == first is a
 * self-deadlock, which must return EDEADLK. ETIMEDOUT if the thread
 * blocks. */
static int in_thread(ld_mutex_t *first, ld_mutex_t *second)
{
    static struct pair p;
    static struct oslabs_call c;

    p = (struct pair){first, second, 0};
    c.fn = take_pair;
    c.obj = &p;
    oslabs_call_start(&c);
    if (oslabs_call_asleep(&c, BLOCKED_MS, 5, 5000) != OSLABS_RETURNED)
        return ETIMEDOUT;
    oslabs_call_join(&c);
    return p.err;
}

/* Builds the three cycles; returns what went to stderr (malloc'd). */
static char *capture_reports(void)
{
    static ld_mutex_t a, b, x, y, z, s;
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO), err = 0;
    char *text;
    long len;

    if (f == NULL || saved < 0)
        fail_msg("tmpfile or dup: %s", strerror(errno));
    fflush(stderr);
    dup2(fileno(f), STDERR_FILENO);
    err |= ld_mutex_init(&a, "A") | ld_mutex_init(&b, "B") | ld_mutex_init(&x, "X");
    err |= ld_mutex_init(&y, "Y") | ld_mutex_init(&z, "Z") | ld_mutex_init(&s, "S");
    err |= in_thread(&a, &b) | in_thread(&b, &a);
    err |= in_thread(&x, &y) | in_thread(&y, &z) | in_thread(&z, &x);
    err |= in_thread(&s, &s);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    if (err != 0)
        fail_msg("expected ld_mutex_init, ld_lock and ld_unlock to return 0 (EDEADLK for S "
                 "twice, without blocking), actual an error or a thread that blocked");
    len = ftell(f);
    text = calloc(1, (size_t)(len > 0 ? len : 0) + 1);
    rewind(f);
    if (text != NULL && len > 0 && fread(text, 1, (size_t)len, f) != (size_t)len)
        text[0] = '\0';
    fclose(f);
    return text;
}

/* The default reporter prints one line per cycle, A -> B -> A style. */
static void lockdep_default_message(void **state)
{
    static const char *const want[] = {
        PREFIX "A -> B -> A",
        PREFIX "X -> Y -> Z -> X",
        PREFIX "S -> S",
    };
    char *text = capture_reports();
    char *line, *save = NULL;
    size_t found = 0;
    (void)state;

    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, PREFIX, strlen(PREFIX)) != 0)
            continue;
        if (found == 3 || strcmp(line, want[found]) != 0)
            fail_msg("line %zu of the reports on stderr: expected \"%s\", actual \"%s\"", found + 1,
                     found < 3 ? want[found] : "(no more lines)", line);
        found++;
    }
    if (found != 3)
        fail_msg("expected 3 lines \"" PREFIX "...\" on stderr (A B, X Y Z, S), actual %zu", found);
    free(text);
}

static const struct CMUnitTest tests[] = {
    {"lockdep-default-message", lockdep_default_message, NULL, NULL, NULL},
};

OSLABS_TEST_MAIN(tests)
