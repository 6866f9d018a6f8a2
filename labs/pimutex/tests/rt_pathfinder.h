/*
 * rt_pathfinder.h - the Pathfinder inversion with real SCHED_FIFO threads
 * on one CPU, for any mutex (the student's rpi_mutex, glibc's PI mutex,
 * glibc's plain mutex).
 */
#ifndef RT_PATHFINDER_H
#define RT_PATHFINDER_H

#include <stddef.h>

/* The mutex under test: lock and unlock return 0 or an error number. */
struct rtp_mutex {
    const char *name;
    int (*lock)(void *m);
    int (*unlock)(void *m);
    void *m; /* initialised, free */
};

enum rtp_verdict {
    RTP_MET,         /* high got the mutex within the deadline */
    RTP_MISSED,      /* it did not (or never got it) */
    RTP_UNSUPPORTED, /* SCHED_FIFO is not permitted here */
    RTP_ERROR,       /* setup failed or the mutex returned an error */
};

#define RTP_LOW_WORK_MS 10  /* CPU time low needs while holding the mutex */
#define RTP_DEADLINE_MS 50  /* high's deadline to get the mutex */
#define RTP_SPIN_MS     200 /* longest time medium spins */

struct rtp_report {
    enum rtp_verdict verdict;
    double wait_ms;   /* how long high waited in lock (-1: never got it) */
    double medium_ms; /* how long medium spun while high waited */
    int cpu;          /* the CPU everything ran on */
    char text[512];   /* a sentence saying what happened */
};

/* Runs the scenario once with MX; fills R and returns R->verdict. The
 * calling thread must be the only one; it is put back to SCHED_OTHER and
 * its old CPU set afterwards. */
enum rtp_verdict rtp_run(const struct rtp_mutex *mx, struct rtp_report *r);

/* How to enable SCHED_FIFO, for skip messages. */
extern const char rtp_how_to_enable[];

#endif /* RT_PATHFINDER_H */
