/*
 * scenario.c - runs one Part A scenario by name and prints its transcript.
 *
 *     scenario --list       the scenario names
 *     scenario NAME         trace, then timeline, then how the run ended
 *
 * Exit status: 0 if every check passed, 1 if one failed, 2 on bad usage.
 * The grader compares the output with tests/expected/NAME.out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

#define MAX_MUTEXES 64

static const struct scenario *const tables[] = {pintos_scenarios, more_scenarios,
                                                pathfinder_scenarios};

static struct {
    const pi_mutex_t *m;
    const char *name;
} names[MAX_MUTEXES];
static int nnames;
static int failures;

void scenario_failed(void)
{
    failures++;
}

void mutex_init(pi_mutex_t *m, const char *name, int inherit)
{
    if (nnames < MAX_MUTEXES) {
        names[nnames].m = m;
        names[nnames].name = name;
        nnames++;
    }
    pi_mutex_init(m, name, inherit);
}

static const char *name_of(const pi_mutex_t *m)
{
    for (int i = nnames - 1; i >= 0; i--)
        if (names[i].m == m)
            return names[i].name;
    return "?";
}

static const char *err_name(int err)
{
    switch (err) {
    case 0:
        return "0";
    case EDEADLK:
        return "EDEADLK";
    case EPERM:
        return "EPERM";
    case EBUSY:
        return "EBUSY";
    case EINVAL:
        return "EINVAL";
    case ENOSYS:
        return "ENOSYS";
    default:
        return "an unexpected error number";
    }
}

/* Checks a return value; logs it when WANT is an error or it is wrong. */
static void check_return(const char *call, const pi_mutex_t *m, int got, int want)
{
    if (got == want) {
        if (want != 0)
            rt_log("%s(%s) = %s", call, name_of(m), err_name(got));
        return;
    }
    rt_log("%s(%s) = %s (%d), expected %s", call, name_of(m), err_name(got), got, err_name(want));
    failures++;
}

void lock(pi_mutex_t *m)
{
    int r = pi_mutex_lock(m);

    if (r == 0)
        rt_note_holding(1);
    check_return("pi_mutex_lock", m, r, 0);
    rt_preempt_point();
}

void unlock(pi_mutex_t *m)
{
    int r = pi_mutex_unlock(m);

    if (r == 0)
        rt_note_holding(-1);
    check_return("pi_mutex_unlock", m, r, 0);
    rt_preempt_point();
}

void lock_fails(pi_mutex_t *m, int err)
{
    int r = pi_mutex_lock(m);

    if (r == 0)
        rt_note_holding(1);
    check_return("pi_mutex_lock", m, r, err);
    rt_preempt_point();
}

void unlock_fails(pi_mutex_t *m, int err)
{
    int r = pi_mutex_unlock(m);

    if (r == 0)
        rt_note_holding(-1);
    check_return("pi_mutex_unlock", m, r, err);
    rt_preempt_point();
}

void set_priority(int prio)
{
    pi_set_priority(prio);
    rt_preempt_point();
}

void expect_priority(rt_task_t *t, int want)
{
    int got = rt_priority(t);

    if (got == want) {
        rt_log("priority of %s is %d", rt_name(t), got);
        return;
    }
    rt_log("priority of %s is %d, expected %d", rt_name(t), got, want);
    failures++;
}

static const struct scenario *find(const char *name)
{
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        for (const struct scenario *s = tables[i]; s->name != NULL; s++)
            if (strcmp(s->name, name) == 0)
                return s;
    return NULL;
}

static void list(void)
{
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        for (const struct scenario *s = tables[i]; s->name != NULL; s++)
            printf("%s\n", s->name);
}

int main(int argc, char **argv)
{
    static const char *const endings[] = {"every task exited", "halted", "deadlock"};
    const struct scenario *s;
    enum rt_end end;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        list();
        return 0;
    }
    if (argc != 2 || (s = find(argv[1])) == NULL) {
        fprintf(stderr, "usage: %s --list | NAME (see --list)\n", argv[0]);
        return 2;
    }
    printf("scenario %s: %s\n", s->name, s->title);
    end = rt_run("main", s->prio, s->main, NULL);
    rt_print_timeline();
    printf("\nend: %s at tick %ld\n", endings[end], rt_now());
    if (failures > 0)
        printf("%d check(s) failed\n", failures);
    return failures > 0;
}
