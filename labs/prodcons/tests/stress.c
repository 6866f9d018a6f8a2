/*
 * stress.c - P producers and C consumers move P x N items through a bbuf of
 * capacity K, and every promise of the contract is checked afterwards:
 *
 *   - every item is delivered exactly once (none lost, none doubled, none
 *     invented), NULL included (producer 0's first item is NULL);
 *   - each consumer sees each producer's items in the order they were put;
 *   - bbuf_count never exceeds K (an observer thread samples it);
 *   - puts succeed while the buffer is open; after bbuf_close every get
 *     ends with EPIPE (main closes it once the consumers took every item,
 *     or nothing moves any more: whether gets drain what is left after
 *     close is close-gets-drain-first's question, and asked here the
 *     schedule would answer it);
 *   - no hang: a watchdog that sees no progress for a few seconds prints
 *     who is stuck where, with every thread's backtrace (gdb), and fails.
 *
 * Usage: stress [-p P] [-c C] [-k K] [-n N] [-s SEED] [-w SECONDS] [-q] [-W]
 *   -s SEED  re-run under the perturbation shim (libperturb.so, next to this
 *            program) with that seed;  -q  pace the observer (valgrind);
 *   -W  a post that wakes a thread lets it run first (tests/wakefirst.c;
 *            for memcheck, which runs one thread at a time).
 * Exit status 0 when every check passed, 1 otherwise.
 */
#define _GNU_SOURCE /* gettid, RTLD_NEXT, RTLD_DEFAULT */
#include "bbuf.h"
#include "oslabs_proc.h"
#include "wakefirst.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64
/* Once every item is put and the buffer closed, only the items left move,
 * and then every consumer ends with EPIPE: a pause this long there is close
 * not waking a sleeper, not a slow machine (under valgrind too). */
#define DRAIN_STALL_SECONDS 3
/* Once every item is got too, nothing is left to move but the consumers'
 * returns: close wakes them at once (a woken thread runs within a few
 * hundred ms even at a load of 100 on 2 cores). Not under valgrind, whose
 * threads take turns: DRAIN_STALL_SECONDS there. */
#define WAKE_STALL_MS 1000
/* Whatever the phase: main and every worker still in its loop asleep in a
 * wait with no timeout, and not one of them put on a CPU for this long
 * (their schedstat run counts unchanged), while no item moved. Nothing is
 * left to wake them: the only other threads, this watchdog and the
 * observer (seen not stuck in bbuf_count), never post, close or hold the
 * buffer's lock. (Under valgrind too: a thread woken in the buffer runs
 * before it can wait for valgrind's lock, and that run counts.) The run
 * counts see every run, however short, so the window's length is not what
 * makes it sound; it is three looks of the watchdog.
 * And the observer's rule: it is outside bbuf_count, or returned from it
 * since the last look (see all_asleep). */
#define SETTLED_STALL_MS 150
#define WATCH_TICK_MS    50 /* between two looks of the watchdog */

struct opts {
    long producers, consumers, capacity, items;
    long stall_seconds;
    const char *seed;
    int pace;
    int wake_first;
};

/* One producer or consumer. `lock` protects `done_count`, the progress the
 * watchdog reads; the rest is read by main after the join. */
struct worker {
    pthread_t thread;
    int id;
    pthread_mutex_t lock;
    int tid;         /* the thread's kernel id, once it runs */
    long done_count; /* items put or got so far */
    int finished;    /* the thread's loop ended */
    int err;         /* errno of a failed put, or of the get that ended the loop */
    uintptr_t *got;  /* consumer: items in the order got */
};

/* True under valgrind, which preloads its vgpreload_*.so into the program. */
static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");

    return p != NULL && strstr(p, "vgpreload") != NULL;
}

static struct opts opt = {4, 4, 4, 2000, 3, NULL, 0, 0};
static bbuf_t *buf;
static struct worker producer[MAX_THREADS], consumer[MAX_THREADS];
static sem_t observer_stop, watchdog_stop;
static size_t max_count_seen;
/* The observer is inside bbuf_count (it may hold the buffer's lock then),
 * and how many of its calls returned (each released what it held). */
static atomic_bool observer_inside;
static atomic_long observer_returns;
/* What main is doing, for the watchdog's report; under phase_lock (main
 * writes it while the watchdog may read it). */
static pthread_mutex_t phase_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *phase = "producing";
static bool draining; /* under phase_lock: the buffer is closed */
/* Main waits on `drained` before it closes the buffer: the consumer that
 * takes the last item posts it, or the watchdog once nothing moves. */
static bool awaiting_drain; /* under phase_lock */
static sem_t drained;
static atomic_long items_taken;

static void set_phase(const char *now, bool closed)
{
    pthread_mutex_lock(&phase_lock);
    phase = now;
    draining = closed;
    pthread_mutex_unlock(&phase_lock);
}

static const char *get_phase(void)
{
    const char *now;

    pthread_mutex_lock(&phase_lock);
    now = phase;
    pthread_mutex_unlock(&phase_lock);
    return now;
}

/* Item number seq of producer p; producer 0's item 0 is NULL. */
static void *make_item(long p, long seq)
{
    return (void *)(((uintptr_t)p << 32) | (uintptr_t)seq);
}

static void progress(struct worker *w, int finished, int err)
{
    pthread_mutex_lock(&w->lock);
    if (finished) {
        w->finished = 1;
        w->err = err;
    } else {
        w->done_count++;
    }
    pthread_mutex_unlock(&w->lock);
}

static void *producer_main(void *arg)
{
    struct worker *w = arg;

    pthread_mutex_lock(&w->lock);
    w->tid = gettid();
    pthread_mutex_unlock(&w->lock);

    for (long seq = 0; seq < opt.items; seq++) {
        if (bbuf_put(buf, make_item(w->id, seq)) != 0) {
            progress(w, 1, errno);
            return NULL;
        }
        progress(w, 0, 0);
    }
    progress(w, 1, 0);
    return NULL;
}

static void *consumer_main(void *arg)
{
    struct worker *w = arg;
    long limit = opt.producers * opt.items;
    void *item;

    pthread_mutex_lock(&w->lock);
    w->tid = gettid();
    pthread_mutex_unlock(&w->lock);
    for (;;) {
        if (bbuf_get(buf, &item) != 0) {
            progress(w, 1, errno);
            return NULL;
        }
        if (w->done_count >= limit) { /* more items than were ever put */
            progress(w, 1, -1);
            return NULL;
        }
        w->got[w->done_count] = (uintptr_t)item;
        progress(w, 0, 0);
        if (atomic_fetch_add(&items_taken, 1) + 1 == limit)
            sem_post(&drained);
    }
}

/* Samples bbuf_count until told to stop; keeps the largest value. */
static void *observer_main(void *arg)
{
    struct timespec pause = {0, 1000000};

    (void)arg;
    while (sem_trywait(&observer_stop) != 0) {
        atomic_store(&observer_inside, true);
        size_t n = bbuf_count(buf);
        atomic_store(&observer_inside, false);
        atomic_fetch_add(&observer_returns, 1);
        if (n > max_count_seen)
            max_count_seen = n;
        if (opt.pace)
            nanosleep(&pause, NULL);
        else
            sched_yield();
    }
    return NULL;
}

static long read_progress(struct worker *w, int *finished)
{
    long n;

    pthread_mutex_lock(&w->lock);
    n = w->done_count;
    *finished = w->finished;
    pthread_mutex_unlock(&w->lock);
    return n;
}

/* Prints each thread's kernel state and wait channel (/proc/self/task). */
static void print_thread_states(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[300], wchan[64] = "?";
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/self/task/%s/wchan", e->d_name);
        if ((f = fopen(path, "r")) != NULL) {
            wchan[fread(wchan, 1, sizeof(wchan) - 1, f)] = '\0';
            fclose(f);
        }
        fprintf(stderr, "  thread %s: state %c, kernel wait channel %s%s\n", e->d_name,
                oslabs_thread_state(atoi(e->d_name)), wchan,
                atoi(e->d_name) == (int)gettid() ? " (the watchdog)" : "");
    }
    if (d != NULL)
        closedir(d);
}

/* Prints every thread's backtrace with gdb, if gdb can attach. */
static void print_backtraces(void)
{
    char pid[32];
    pid_t child;

    if (under_valgrind()) {
        fprintf(stderr, "(under valgrind: no gdb backtrace)\n");
        return;
    }
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    fflush(stderr);
    child = fork();
    if (child == 0) {
        dup2(2, 1);
        execlp("gdb", "gdb", "-batch", "-nx", "-p", pid, "-ex", "thread apply all bt", (char *)0);
        fprintf(stderr, "(gdb not found: no backtrace)\n");
        _exit(127);
    }
    if (child > 0)
        waitpid(child, NULL, 0);
}

/* Items got by all consumers so far. */
static long items_got(void)
{
    long total = 0;
    int finished;

    for (long i = 0; i < opt.consumers; i++)
        total += read_progress(&consumer[i], &finished);
    return total;
}

/* Every consumer's loop ended (its bbuf_get failed) before the buffer was
 * closed: nothing will take an item again. */
static bool consumers_gave_up(void)
{
    int finished;

    for (long i = 0; i < opt.consumers; i++) {
        read_progress(&consumer[i], &finished);
        if (!finished)
            return false;
    }
    return true;
}

/* How long nothing may move in the current phase, in ms. */
static long stall_limit_ms(void)
{
    bool closed;

    pthread_mutex_lock(&phase_lock);
    closed = draining;
    pthread_mutex_unlock(&phase_lock);
    if (closed && !under_valgrind() && items_got() == opt.producers * opt.items)
        return WAKE_STALL_MS;
    /* with no consumer left, only the free slots can still fill: at once */
    if (!closed && consumers_gave_up())
        return under_valgrind() ? DRAIN_STALL_SECONDS * 1000 : WAKE_STALL_MS;
    return (closed && opt.stall_seconds > DRAIN_STALL_SECONDS ? DRAIN_STALL_SECONDS
                                                              : opt.stall_seconds) *
           1000;
}

/* Adds thread tid's run count to *runs; false unless it sleeps in a wait
 * with no timeout (a timed one, a bbuf that polls for close, ends by
 * itself). */
static bool asleep_into(int tid, long long *runs)
{
    long long n = tid > 0 ? oslabs_thread_runs(tid) : -1;

    if (n < 0 || !oslabs_thread_waits_untimed(tid))
        return false;
    *runs = *runs * 1000003 + n + tid;
    return true;
}

/* Main and every worker still in its loop are asleep, and the observer is
 * not stuck inside bbuf_count (a lock it holds there, preempted, would keep
 * them asleep without a bug): it is outside, or one of its calls returned
 * since the last look, releasing what it held, which would have woken a
 * thread waiting for it (its run count shows that). *runs then sums up
 * their run counts (to compare with the next look). */
static bool all_asleep(long long *runs)
{
    static long last_returns = -1;
    long returns = atomic_load(&observer_returns);
    bool observer_stuck = atomic_load(&observer_inside) && returns == last_returns;
    int finished;

    last_returns = returns;
    *runs = 0;
    if (observer_stuck || !asleep_into((int)getpid(), runs))
        return false;
    for (int k = 0; k < 2; k++) {
        struct worker *side = k == 0 ? producer : consumer;
        long n = k == 0 ? opt.producers : opt.consumers;
        for (long i = 0; i < n; i++) {
            pthread_mutex_lock(&side[i].lock);
            int tid = side[i].tid;
            finished = side[i].finished;
            pthread_mutex_unlock(&side[i].lock);
            if (!finished && !asleep_into(tid, runs))
                return false;
        }
    }
    return true;
}

/* The watchdog's report on a hang, then exit 1. */
static void report_stall(long quiet_ms, bool settled)
{
    int finished;
    long total = 0;

    fprintf(stderr, "HANG: no item moved for %ld ms (phase: %s)\n", quiet_ms, get_phase());
    if (settled)
        fprintf(stderr, "  and main and every thread still in bbuf_put or bbuf_get slept all that "
                        "time: none of them was woken\n");
    for (long i = 0; i < opt.producers; i++) {
        long n = read_progress(&producer[i], &finished);
        if (!finished)
            fprintf(stderr, "  producer %ld: put %ld of %ld, still inside bbuf_put\n", i, n,
                    opt.items);
    }
    for (long i = 0; i < opt.consumers; i++) {
        long n = read_progress(&consumer[i], &finished);
        total += n;
        if (!finished)
            fprintf(stderr, "  consumer %ld: got %ld, still inside bbuf_get\n", i, n);
    }
    fprintf(stderr, "  items got so far: %ld of %ld\n", total, opt.producers * opt.items);
    pthread_mutex_lock(&phase_lock);
    bool closed = draining;
    pthread_mutex_unlock(&phase_lock);
    if (!closed && consumers_gave_up())
        fprintf(stderr,
                "  every consumer's loop ended before the buffer was closed (consumer "
                "0: %s): nobody takes the items still to come\n",
                consumer[0].err > 0 ? strerror(consumer[0].err) : "more items than were put");
    else if (stall_limit_ms() == WAKE_STALL_MS)
        fprintf(stderr, "  every item was got and the buffer closed: bbuf_close did not wake "
                        "the consumers asleep in bbuf_get\n");
    print_thread_states();
    print_backtraces();
    _exit(1);
}

/* If main waits for the consumers to take the last items, lets it close the
 * buffer now (nothing moves any more) and says so. */
static bool end_drain_wait(void)
{
    pthread_mutex_lock(&phase_lock);
    bool waiting = awaiting_drain;
    awaiting_drain = false;
    pthread_mutex_unlock(&phase_lock);
    if (waiting)
        sem_post(&drained);
    return waiting;
}

/* Main, once every item is put: waits until the consumers took them all,
 * or the watchdog saw nothing move (end_drain_wait). */
static void wait_until_drained(void)
{
    pthread_mutex_lock(&phase_lock);
    phase = "every item put, the consumers taking the last ones";
    awaiting_drain = true;
    pthread_mutex_unlock(&phase_lock);
    while (sem_wait(&drained) != 0)
        ;
    pthread_mutex_lock(&phase_lock);
    awaiting_drain = false; /* the watchdog must not post it again */
    pthread_mutex_unlock(&phase_lock);
}

/* Every WATCH_TICK_MS, sums the progress of all workers; reports a stall: no item
 * moved for the phase's limit, or for SETTLED_STALL_MS with every thread
 * that could move it asleep and never run in between. */
static void *watchdog_main(void *arg)
{
    long last = -1, still = 0, asleep = 0;
    long long last_runs = -1;
    int finished;

    (void)arg;
    for (;;) {
        struct timespec deadline = oslabs_realtime_in_ms(WATCH_TICK_MS);
        long now = 0;
        long long runs;
        if (sem_timedwait(&watchdog_stop, &deadline) == 0)
            return NULL;
        for (long i = 0; i < opt.producers; i++)
            now += read_progress(&producer[i], &finished) + finished;
        for (long i = 0; i < opt.consumers; i++)
            now += read_progress(&consumer[i], &finished) + finished;
        still = (now == last) ? still + 1 : 0;
        last = now;
        bool settled = all_asleep(&runs);
        asleep = still > 0 && settled && runs == last_runs ? asleep + 1 : 0;
        last_runs = settled ? runs : -1;
        bool stalled =
            asleep * WATCH_TICK_MS >= SETTLED_STALL_MS || still * WATCH_TICK_MS >= stall_limit_ms();
        if (stalled && end_drain_wait()) {
            still = asleep = 0;
            continue;
        }
        if (asleep * WATCH_TICK_MS >= SETTLED_STALL_MS)
            report_stall(asleep * WATCH_TICK_MS, true);
        if (still * WATCH_TICK_MS >= stall_limit_ms())
            report_stall(still * WATCH_TICK_MS, false);
    }
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    int err = pthread_create(t, NULL, fn, arg);

    if (err != 0) {
        fprintf(stderr, "stress: pthread_create: %s\n", strerror(err));
        exit(2);
    }
}

/*
 * Before any consumer runs, the producers fill the buffer; once each is
 * asleep (in bbuf_put, the buffer full) or done, twice in a row, bbuf_count
 * is read. A buffer that holds more than its capacity is then caught every
 * run, not only when the observer happens to sample a full buffer. Bounded:
 * a put that spins instead of sleeping moves on after 100 ms without
 * progress, at the latest after 500 ms.
 */
static void observe_full(void)
{
    double begin = oslabs_now_ms(), quiet_since = begin;
    long last = -1;
    int asleep_in_a_row = 0;

    set_phase("the producers filling the buffer, before the consumers start", false);
    while (asleep_in_a_row < 2) {
        long moved = 0;
        bool all_asleep = true;
        for (long i = 0; i < opt.producers; i++) {
            pthread_mutex_lock(&producer[i].lock);
            moved += producer[i].done_count;
            bool finished = producer[i].finished;
            int tid = producer[i].tid;
            pthread_mutex_unlock(&producer[i].lock);
            char state = tid > 0 ? oslabs_thread_state(tid) : 'R';
            if (!finished && state != 'S' && state != 'D')
                all_asleep = false;
        }
        double now = oslabs_now_ms();
        if (moved != last) {
            last = moved;
            quiet_since = now;
            asleep_in_a_row = 0;
        }
        asleep_in_a_row = all_asleep ? asleep_in_a_row + 1 : 0;
        if (now - quiet_since >= 100 || now - begin >= 500)
            break;
        if (asleep_in_a_row < 2)
            oslabs_sleep_ms(1);
    }
    size_t n = bbuf_count(buf);
    if (n > max_count_seen)
        max_count_seen = n;
    set_phase("producing", false);
}

/* Checks what the consumers got; prints the first problems. Returns the
 * number of problems. */
static long check_delivery(void)
{
    long P = opt.producers, N = opt.items, problems = 0;
    unsigned char *seen = calloc((size_t)(P * N), 1);
    long *last = malloc(sizeof(long) * (size_t)P);

    if (seen == NULL || last == NULL) {
        perror("stress: calloc");
        exit(2);
    }
    for (long c = 0; c < opt.consumers; c++) {
        for (long p = 0; p < P; p++)
            last[p] = -1;
        for (long i = 0; i < consumer[c].done_count; i++) {
            uintptr_t v = consumer[c].got[i];
            long p = (long)(v >> 32), seq = (long)(v & 0xffffffffu);
            if (p >= P || seq >= N) {
                if (problems++ < 5)
                    fprintf(stderr, "consumer %ld got %p, an item no producer put\n", c, (void *)v);
                continue;
            }
            if (seq <= last[p] && problems++ < 5)
                fprintf(stderr,
                        "consumer %ld got producer %ld's item #%ld after its item #%ld: "
                        "expected FIFO order\n",
                        c, p, seq, last[p]);
            last[p] = seq;
            if (seen[p * N + seq] < 255)
                seen[p * N + seq]++;
        }
    }
    for (long i = 0; i < P * N; i++) {
        if (seen[i] != 1 && problems++ < 5)
            fprintf(stderr, "producer %ld's item #%ld: expected delivered once, actual %d times\n",
                    i / N, i % N, seen[i]);
    }
    free(seen);
    free(last);
    return problems;
}

/* Checks how each thread ended. Returns the number of problems. */
static long check_endings(void)
{
    long problems = 0;

    for (long i = 0; i < opt.producers; i++) {
        if (producer[i].err != 0 && problems++ < 5)
            fprintf(stderr,
                    "producer %ld: bbuf_put on an open buffer: expected 0, actual -1 (%s)\n", i,
                    strerror(producer[i].err));
    }
    for (long i = 0; i < opt.consumers; i++) {
        int err = consumer[i].err;
        if (err == -1 && problems++ < 5)
            fprintf(stderr, "consumer %ld: got more items than were put\n", i);
        else if (err != EPIPE && err != -1 && problems++ < 5)
            fprintf(stderr, "consumer %ld: bbuf_get after close: expected EPIPE, actual %s\n", i,
                    strerror(err));
    }
    if (max_count_seen > (size_t)opt.capacity && problems++ < 5)
        fprintf(stderr, "bbuf_count: expected at most %ld (the capacity), actual %zu\n",
                opt.capacity, max_count_seen);
    return problems;
}

static long number(const char *s, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "stress: bad number '%s' (expected %ld..%ld)\n", s, lo, hi);
        exit(2);
    }
    return v;
}

static void parse(int argc, char **argv)
{
    int c;

    while ((c = getopt(argc, argv, "p:c:k:n:s:w:qW")) != -1) {
        switch (c) {
        case 'p':
            opt.producers = number(optarg, 1, MAX_THREADS);
            break;
        case 'c':
            opt.consumers = number(optarg, 1, MAX_THREADS);
            break;
        case 'k':
            opt.capacity = number(optarg, 1, 1 << 20);
            break;
        case 'n':
            opt.items = number(optarg, 1, 1 << 20);
            break;
        case 's':
            opt.seed = optarg;
            break;
        case 'w':
            opt.stall_seconds = number(optarg, 1, 600);
            break;
        case 'q':
            opt.pace = 1;
            break;
        case 'W':
            opt.wake_first = 1;
            break;
        default:
            fprintf(stderr,
                    "usage: stress [-p P] [-c C] [-k K] [-n N] [-s SEED] [-w S] [-q] [-W]\n");
            exit(2);
        }
    }
}

/* With -s, runs this program again with the shim preloaded. */
static void preload_shim(char **argv)
{
    char exe[PATH_MAX], shim[PATH_MAX + 32];
    ssize_t n;

    if (opt.seed == NULL || getenv("PRODCONS_PERTURB_SEED") != NULL)
        return;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        perror("stress: readlink /proc/self/exe");
        exit(2);
    }
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(shim, sizeof(shim), "%s/libperturb.so", exe);
    setenv("LD_PRELOAD", shim, 1);
    setenv("PRODCONS_PERTURB_SEED", opt.seed, 1);
    execv("/proc/self/exe", argv);
    perror("stress: execv");
    exit(2);
}

/* The shim's call counter, or -1 when the shim is not loaded. */
static long shim_calls(void)
{
    unsigned long (*calls)(void) = (unsigned long (*)(void))dlsym(RTLD_DEFAULT, "perturb_calls");

    return calls != NULL ? (long)calls() : -1;
}

int main(int argc, char **argv)
{
    pthread_t observer, watchdog;
    long problems;

    parse(argc, argv);
    wakefirst_enable(opt.wake_first);
    preload_shim(argv);
    if (opt.seed != NULL && shim_calls() < 0) {
        fprintf(stderr, "stress: the perturbation shim libperturb.so is not loaded\n");
        return 2;
    }
    if (under_valgrind() && opt.stall_seconds < 20)
        opt.stall_seconds = 20;
    setvbuf(stdout, NULL, _IOLBF, 0);
    buf = bbuf_create((size_t)opt.capacity);
    if (buf == NULL) {
        fprintf(stderr, "bbuf_create(%ld): expected a buffer, actual NULL (%s)\n", opt.capacity,
                strerror(errno));
        return 1;
    }
    sem_init(&observer_stop, 0, 0);
    sem_init(&watchdog_stop, 0, 0);
    sem_init(&drained, 0, 0);
    for (long i = 0; i < opt.consumers; i++) {
        consumer[i].id = (int)i;
        pthread_mutex_init(&consumer[i].lock, NULL);
        consumer[i].got = malloc(sizeof(uintptr_t) * (size_t)(opt.producers * opt.items));
        if (consumer[i].got == NULL) {
            perror("stress: malloc");
            return 2;
        }
    }
    for (long i = 0; i < opt.producers; i++) {
        producer[i].id = (int)i;
        pthread_mutex_init(&producer[i].lock, NULL);
    }
    start(&watchdog, watchdog_main, NULL);
    for (long i = 0; i < opt.producers; i++)
        start(&producer[i].thread, producer_main, &producer[i]);
    observe_full();
    for (long i = 0; i < opt.consumers; i++)
        start(&consumer[i].thread, consumer_main, &consumer[i]);
    start(&observer, observer_main, NULL);
    for (long i = 0; i < opt.producers; i++)
        pthread_join(producer[i].thread, NULL);
    sem_post(&observer_stop);
    pthread_join(observer, NULL);
    wait_until_drained();
    set_phase("closed, consumers draining", true);
    bbuf_close(buf);
    for (long i = 0; i < opt.consumers; i++)
        pthread_join(consumer[i].thread, NULL);
    sem_post(&watchdog_stop);
    pthread_join(watchdog, NULL);

    problems = check_endings() + check_delivery();
    printf("%ld producers x %ld consumers, capacity %ld, %ld items each: %s", opt.producers,
           opt.consumers, opt.capacity, opt.items, problems == 0 ? "ok" : "FAILED");
    printf(" (largest bbuf_count seen: %zu", max_count_seen);
    if (opt.seed != NULL)
        printf("; perturbation seed %s, %ld calls perturbed", opt.seed, shim_calls());
    printf(")\n");
    bbuf_destroy(buf);
    for (long i = 0; i < opt.consumers; i++)
        free(consumer[i].got);
    return problems == 0 ? 0 : 1;
}
