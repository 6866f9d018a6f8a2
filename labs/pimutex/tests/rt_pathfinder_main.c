/*
 * rt_pathfinder_main.c - runs the real-time Pathfinder scenario from the
 * command line with a chosen mutex:
 *
 *     rt_pathfinder rpi | glibc-pi | glibc-plain
 *
 * Prints one line saying what happened. Exit status: 0 deadline met,
 * 1 missed, 77 SCHED_FIFO not permitted (skipped), 2 error.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rpi_mutex.h"
#include "rt_pathfinder.h"

static int rpi_lock(void *m)
{
    return rpi_mutex_lock(m);
}

static int rpi_unlock(void *m)
{
    return rpi_mutex_unlock(m);
}

static int pt_lock(void *m)
{
    return pthread_mutex_lock(m);
}

static int pt_unlock(void *m)
{
    return pthread_mutex_unlock(m);
}

static void init_pthread_mutex(pthread_mutex_t *m, int protocol)
{
    pthread_mutexattr_t attr;

    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setprotocol(&attr, protocol);
    pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
}

int main(int argc, char **argv)
{
    static const char *const verdicts[] = {"met", "MISSED", "skipped", "error"};
    static const int status[] = {0, 1, 77, 2};
    static rpi_mutex_t rpi;
    static pthread_mutex_t pt;
    struct rtp_mutex mx;
    struct rtp_report rep;
    enum rtp_verdict v;

    if (argc == 2 && strcmp(argv[1], "rpi") == 0) {
        rpi_mutex_init(&rpi);
        mx = (struct rtp_mutex){"rpi_mutex", rpi_lock, rpi_unlock, &rpi};
    } else if (argc == 2 && strcmp(argv[1], "glibc-pi") == 0) {
        init_pthread_mutex(&pt, PTHREAD_PRIO_INHERIT);
        mx = (struct rtp_mutex){"glibc PTHREAD_PRIO_INHERIT mutex", pt_lock, pt_unlock, &pt};
    } else if (argc == 2 && strcmp(argv[1], "glibc-plain") == 0) {
        init_pthread_mutex(&pt, PTHREAD_PRIO_NONE);
        mx = (struct rtp_mutex){"glibc plain mutex", pt_lock, pt_unlock, &pt};
    } else {
        fprintf(stderr, "usage: %s rpi | glibc-pi | glibc-plain\n", argv[0]);
        return 2;
    }
    v = rtp_run(&mx, &rep);
    printf("%s: %s (cpu %d)\n", verdicts[v], rep.text, rep.cpu);
    fflush(stdout);
    _exit(status[v]); /* threads may be left stuck after a miss */
}
