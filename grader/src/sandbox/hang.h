/*
 * hang.h - is a test hung? While a box runs, the grader samples every
 * thread of every process in it from /proc and ends the test at once when
 * nothing in it can ever move again, instead of waiting out the timeout
 * (which stays as the last resort). Private to the sandbox (box.c).
 *
 * One sample reads, for each thread (/proc/PID/task/TID): its state (stat),
 * how often and how long it ran (schedstat, or utime+stime from stat), and,
 * when it sleeps, the system call it sleeps in with its arguments (syscall).
 * A thread is blocked in an UNTIMED wait when it is stopped (T, t), or
 * sleeps (S) in a call that only another process or thread can end: read,
 * write, wait4, pause, sigsuspend, accept, futex without a timeout, poll and
 * epoll_wait with timeout -1, select/ppoll/pselect with no timeout, semop...
 * It is NOT blocked for good when it runs (R), waits for the disk (D), or
 * sleeps in a TIMED wait: nanosleep, clock_nanosleep, futex with a timeout
 * (pthread_cond_timedwait, sem_timedwait), poll/epoll with a timeout >= 0,
 * select/ppoll/pselect with a timeout, sigtimedwait, semtimedop: it wakes by
 * itself, so a slow but correct program that sleeps is never cut. A thread
 * sleeping in a call not in hang.c's table, or whose call cannot be read (no
 * permission, a race with its exit), counts as not blocked either: when in
 * doubt, the timeout decides.
 *
 * The box is hung when, at HANG_SAMPLES samples in a row (hang_period()
 * apart), every thread is blocked in an untimed wait, no thread has run
 * since the sample before (its run count and run time are unchanged), no
 * process came or went and the box wrote no output. Why that window: one
 * sample can catch a moment where every thread just went to sleep between
 * two steps (a pipeline handing over, a thread about to be woken by a
 * signal already on its way); the run counts prove that nothing at all ran
 * in between, and a healthy program handing work back and forth wakes some
 * thread many times a second. A woken thread waits for a CPU in state R,
 * which is not blocked, so a loaded machine cannot make a sample look hung.
 * Where the kernel keeps schedstat (/proc/.../schedstat: every run of a
 * thread counted, its run time in ns), a run between two samples always
 * shows, however short. Then the window's length is not what makes it
 * sound: the samples are read faster than one period, so between the
 * first sample's last read and the last sample's first one every thread
 * was asleep in an untimed wait and none ran, and nothing outside the box
 * wakes such a wait (see below). The samples are HANG_PERIOD_EXACT apart
 * (the window is about 0.15 s). Where the kernel has no schedstat, run time
 * comes from utime and stime in clock ticks, which a run shorter than a
 * tick can leave unchanged: the samples are then HANG_PERIOD apart (about
 * 2.1 s), HANG_PERIOD_DRIVER under the driver rule, so that a program that
 * moves at all is seen moving.
 *
 * A wait with no timeout is ended from outside only by another thread or
 * process of the box (all blocked too), by a signal from outside (only the
 * kernel, for a timer: see below) or by the grader (never). Known blind spot:
 * a process sleeping untimed in pause() or read() while an alarm() or an
 * interval timer of its own is pending would be woken by it; no lab does
 * that, and a test that does can set hang = off.
 *
 * The driver rule (hang = driver, a trace test whose program is the kit's
 * own driver, such as the shell lab's sdriver): the driver feeds the
 * student's program and waits for it to react, polling with short timeouts
 * and a deadline per step, so it is never blocked untimed and always
 * busy. Its threads are left out of the judgement, and the test is hung
 * when every other process (the student's: tsh and its children) is blocked
 * untimed as above. This is sound because the driver never waits for time
 * to pass: each of its waits is for something the student's processes must
 * do; all it can do to them (a line on their stdin, a signal, releasing a
 * helper) wakes one of their threads, which the run counts see, and what it
 * prints (a "[gave up]" line) is output, which ends the window too.
 * Backtraces then come from the student's processes, not from the driver.
 * Under strace (the strace kind: traced), the program is strace -f and the
 * driver is its child: strace is left out too (it runs whenever a traced
 * process makes a call), and a process in a ptrace stop (t) waits for it,
 * so it counts as not blocked.
 *
 * Under the driver rule a confirmation also needs the driver to have run
 * (slept and woken, at least twice) since the sample before: it has seen the
 * student's processes blocked and chose to wait for them. A driver starved
 * of the CPU (a loaded machine) could be about to feed them, so a sample
 * where it did not run confirms nothing. The window then needs no margin
 * against starvation.
 */
#ifndef OSLABS_HANG_H
#define OSLABS_HANG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HANG_PERIOD_EXACT  0.05 /* seconds between samples, exact run counts (schedstat) */
#define HANG_PERIOD        0.7  /* run counts in clock ticks */
#define HANG_PERIOD_DRIVER 0.3  /* run counts in clock ticks, under the driver rule */
#define HANG_SAMPLES       4    /* the first sets the baseline, three confirm */
#define HANG_MAX_PROCS     256

struct hang;

/* A watcher for the box whose keeper is keeper (a host pid); program is the
 * box's program in the keeper's pid namespace; driver: see the driver rule;
 * traced: the program is strace -f and the driver its child. */
struct hang *hang_new(pid_t keeper, pid_t program, bool driver, bool traced);
void hang_free(struct hang *h);

/* Seconds between two samples (driver: under the driver rule). */
double hang_period(bool driver);

/* Takes one sample; output is the number of bytes the box has written so
 * far. True once the hang is confirmed. */
bool hang_sample(struct hang *h, size_t output);

/* Why the test is hung, in words, after hang_sample returned true: what
 * the threads block in. A new string. */
char *hang_reason(const struct hang *h);

/* The host pids of the processes worth a backtrace: the box's program
 * first, or under the driver rule the driver's children and theirs; at most
 * max. Returns how many. */
int hang_targets(pid_t keeper, pid_t program, bool driver, pid_t *out, int max);

#endif
