/*
 * hostlock.h - one machine, many graders: a test marked serial (timing,
 * real-time) runs alone on the machine, not only within its own grader.
 *
 * A reader-writer lock between grader processes, made of two flock(2)
 * files: graders running ordinary tests hold it shared, a serial test holds
 * it exclusive. A turnstile taken before either keeps a waiting serial test
 * from being starved by a stream of ordinary ones. The kernel drops a dead
 * grader's locks, so a crash never wedges the others.
 */
#ifndef OSLABS_HOSTLOCK_H
#define OSLABS_HOSTLOCK_H

#include <stdbool.h>

enum hostlock_mode { HOSTLOCK_NONE, HOSTLOCK_SHARED, HOSTLOCK_EXCLUSIVE };

/*
 * Takes the lock in mode, blocking (releasing first what is held). The lock
 * files live in $OSLABS_LOCKDIR, else /run/oslabs (root), else a per-user
 * directory; when they cannot be opened, graders do not coordinate.
 */
void hostlock_take(enum hostlock_mode mode);

/* Releases what this grader holds. */
void hostlock_release(void);

/* True when a serial test elsewhere waits for the lock: stop starting tests. */
bool hostlock_contended(void);

enum hostlock_mode hostlock_held(void);

#endif
