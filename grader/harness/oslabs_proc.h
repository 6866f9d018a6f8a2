/*
 * oslabs_proc.h - the kernel's view of the test program's own threads, for
 * every lab's tests: a thread's state in /proc/self/task/TID/stat, the
 * threads /proc/self/task lists, a thread's CPU time, clocks, and the probe
 * that decides a call made on another thread is asleep inside it.
 *
 * A call that might block or never return is made on a helper thread
 * (struct oslabs_call), so a test can bound how long it waits for it and a
 * bug fails one test instead of hanging the program. A test that must see
 * a thread blocked observes it: the thread is inside the call and the
 * kernel says it sleeps, for a while in a row. It never sleeps and hopes.
 * Linked into every test program by lab.mk ($(HARNESS); $(PROC) for a
 * program without cmocka).
 */
#ifndef OSLABS_PROC_H
#define OSLABS_PROC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

/* The state letter of thread tid of this process (R, S, D, T, ...), read
 * from /proc/self/task/TID/stat; '?' if the thread is gone. */
char oslabs_thread_state(int tid);

/* How often thread tid of this process has been put on a CPU so far (the
 * run count of /proc/self/task/TID/schedstat): unchanged between two reads
 * means it did not run at all in between. -1 if it cannot be read. */
long long oslabs_thread_runs(int tid);

/* Thread tid's time on a CPU and time runnable but waiting for one, in ms,
 * from /proc/self/task/TID/schedstat; false if it cannot be read. A thread
 * that never sleeps spends all its time in one or the other, however loaded
 * the machine. */
bool oslabs_thread_busy_ms(int tid, double *ran_ms, double *queued_ms);

/* Thread tid of this process sleeps in a wait that only another thread can
 * end: a futex wait with no timeout (sem_wait, pthread_cond_wait, a mutex,
 * a join), read from /proc/self/task/TID/syscall. False for a timed wait
 * (sem_timedwait, pthread_cond_timedwait, nanosleep), which ends by
 * itself, for any other call, and when it runs. */
bool oslabs_thread_waits_untimed(int tid);

/* Every thread of this process but the caller sleeps in a wait with no
 * timeout (oslabs_thread_waits_untimed); *runs then sums up their run
 * counts: the same sum at a later look, with the caller waking nobody in
 * between, means none of them ran, and none ever will by itself. */
bool oslabs_others_asleep(long long *runs);

/* Waits (polling every ms) until reached(arg) holds, for at most max_ms.
 * Gives up sooner once every other thread has slept settled_ms in a wait
 * with no timeout without once running (oslabs_others_asleep): the caller
 * wakes nobody while it waits, so nothing can change any more. Returns
 * whether reached(arg) held; *settled says whether it gave up for that. */
bool oslabs_wait_until(bool (*reached)(void *), void *arg, int settled_ms, int max_ms,
                       bool *settled);

/* Threads of this process, as /proc/self/task lists them; -1 on error. */
int oslabs_count_threads(void);

/* CPU time thread t has used, in milliseconds; -1 on error. */
double oslabs_thread_cpu_ms(pthread_t t);

/* Milliseconds on CLOCK_MONOTONIC. */
double oslabs_now_ms(void);

/* Sleeps ms milliseconds (signals do not cut it short). */
void oslabs_sleep_ms(int ms);

/* The CLOCK_REALTIME instant ms milliseconds from now (ms may be < 0). */
struct timespec oslabs_realtime_in_ms(long ms);

/* What oslabs_wait_asleep saw. */
enum oslabs_asleep {
    OSLABS_RETURNED, /* the call returned (*done became non-zero) */
    OSLABS_ASLEEP,   /* inside the call and asleep for settle_ms in a row */
    OSLABS_AWAKE,    /* still inside after ms, never asleep that long */
};

/*
 * Watches a call another thread makes: *tid is that thread's kernel id,
 * *inside becomes non-zero just before the call and *done once it returned.
 * Looks every poll_ms, for at most ms milliseconds. A thread counts as
 * asleep in the call once its state has been S or D for settle_ms in a row:
 * one glimpse is not enough, because a call on its way out can sleep for a
 * moment on a lock it passes through (malloc's, the kernel's mmap lock when
 * it starts a thread), and that is not blocking.
 */
enum oslabs_asleep oslabs_wait_asleep(const atomic_int *tid, const atomic_int *inside,
                                      const atomic_int *done, int settle_ms, int poll_ms, int ms);

struct oslabs_call;
typedef int (*oslabs_call_fn)(struct oslabs_call *c);

/* One call made on a helper thread. Fill in fn and the arguments it uses,
 * then oslabs_call_start. Keep it in static storage: if a test fails while
 * the helper is still blocked, the helper may write to it after the test
 * returned. */
struct oslabs_call {
    oslabs_call_fn fn;        /* makes the call, returns its result */
    void *obj;                /* the object called: a buffer, a pool, a bank, a lock */
    void *item;               /* in: an item to put; out: an item got */
    long a, b, c;             /* other arguments */
    struct timespec deadline; /* for timed calls (CLOCK_REALTIME) */
    pthread_t thread;
    atomic_int tid;     /* kernel thread id, set before the call */
    atomic_int in_call; /* 1 from just before the call */
    atomic_int done;    /* 1 once the call returned */
    int rc, err;        /* its return value and errno */
    double returned_ms; /* oslabs_now_ms() when it returned */
};

/* Starts c->fn(c) on a new thread (exits the program with 2 if it cannot). */
void oslabs_call_start(struct oslabs_call *c);

/* True if the call returned within ms milliseconds. */
bool oslabs_call_wait(struct oslabs_call *c, int ms);

/* oslabs_wait_asleep for the helper thread of c. */
enum oslabs_asleep oslabs_call_asleep(struct oslabs_call *c, int settle_ms, int poll_ms, int ms);

/* Joins the helper of a call that returned. */
void oslabs_call_join(struct oslabs_call *c);

#endif
