/*
 * scn_pathfinder.c - the Mars Pathfinder priority inversion, replayed.
 *
 * Every 16-tick bus cycle: asi_met (low, 10) takes the information bus
 * mutex at tick 1 for 4 ticks of work; bc_dist (high, 50) wants the bus at
 * tick 3 for 2 ticks; comm (medium, 30) computes for 8 ticks from tick 4;
 * bc_sched (the watchdog, 60) checks at tick 10 that bc_dist has finished
 * the cycle, and resets the system if not.
 *
 * Without inheritance comm preempts asi_met while it holds the bus and
 * bc_dist misses its deadline in the first cycle. With inheritance
 * asi_met runs at 50 until it releases the bus and every deadline is met.
 */
#include <stdio.h>

#include "scenario.h"

#define CYCLES   3
#define PERIOD   16
#define DEADLINE 10

static pi_mutex_t bus;
static int cycles_done; /* cycles bc_dist has finished */

static void bc_sched(void *unused)
{
    (void)unused;
    for (int c = 0; c < CYCLES; c++) {
        rt_sleep_until(PERIOD * c + DEADLINE);
        if (cycles_done <= c) {
            rt_log("bc_dist has not finished cycle %d", c);
            rt_halt("watchdog reset: bc_dist missed its deadline");
        }
        rt_log("cycle %d: bc_dist met its deadline", c);
    }
}

static void bc_dist(void *unused)
{
    (void)unused;
    for (int c = 0; c < CYCLES; c++) {
        rt_sleep_until(PERIOD * c + 3);
        lock(&bus);
        rt_work(2);
        unlock(&bus);
        cycles_done = c + 1;
    }
}

static void comm(void *unused)
{
    (void)unused;
    for (int c = 0; c < CYCLES; c++) {
        rt_sleep_until(PERIOD * c + 4);
        rt_work(8);
    }
}

static void asi_met(void *unused)
{
    (void)unused;
    for (int c = 0; c < CYCLES; c++) {
        rt_sleep_until(PERIOD * c + 1);
        lock(&bus);
        rt_work(4);
        unlock(&bus);
    }
}

static void start(int inherit)
{
    mutex_init(&bus, "bus", inherit);
    cycles_done = 0;
    rt_spawn("bc_sched", 60, bc_sched, NULL);
    rt_spawn("bc_dist", 50, bc_dist, NULL);
    rt_spawn("comm", 30, comm, NULL);
    rt_spawn("asi_met", 10, asi_met, NULL);
}

static void pathfinder_plain(void *unused)
{
    (void)unused;
    start(0);
}

static void pathfinder_inherit(void *unused)
{
    (void)unused;
    start(1);
}

const struct scenario pathfinder_scenarios[] = {
    {"pathfinder-no-inherit-resets", "bus mutex with inherit=0: the watchdog resets",
     pathfinder_plain, RT_PRI_MAX},
    {"pathfinder-inherit-meets-deadlines", "bus mutex with inherit=1: every deadline met",
     pathfinder_inherit, RT_PRI_MAX},
    {NULL, NULL, NULL, 0},
};
