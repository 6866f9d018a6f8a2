/*
 * scenario.h - what the Part A scenarios share: the registry of scenarios
 * and checked wrappers around the pi_mutex calls.
 *
 * A scenario is a function run as the first task of the RTOS. It prints
 * through rt_log(); the checks below print a line too, so the expected
 * transcript (tests/expected/NAME.out) contains every value checked and a
 * wrong value shows up in the diff as "..., expected ...". The program's
 * exit status is 1 if any check failed.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "pi_mutex.h"
#include "rtos.h"

struct scenario {
    const char *name;
    const char *title; /* one line, printed first */
    rt_task_fn *main;  /* first task, named "main", priority prio */
    int prio;
};

/* Tables of each scenario file, joined in scenario.c. */
extern const struct scenario pintos_scenarios[];
extern const struct scenario more_scenarios[];
extern const struct scenario pathfinder_scenarios[];

/* pi_mutex_init, and remembers NAME for the messages. */
void mutex_init(pi_mutex_t *m, const char *name, int inherit);

/* pi_mutex_lock / unlock that must return 0; then a scheduling point. */
void lock(pi_mutex_t *m);
void unlock(pi_mutex_t *m);

/* pi_mutex_lock / unlock that must return ERR (logged either way). */
void lock_fails(pi_mutex_t *m, int err);
void unlock_fails(pi_mutex_t *m, int err);

/* pi_set_priority, then a scheduling point. */
void set_priority(int prio);

/* Logs T's effective priority and checks it is WANT. */
void expect_priority(rt_task_t *t, int want);

/* Records a failed check (message already printed). */
void scenario_failed(void);

#endif /* SCENARIO_H */
