/*
 * sync.h - how a helper program tells the trace driver it has started and
 * waits for the driver to let it go (see tests/driver.h). Without TSH_SYNC
 * in the environment (a helper run by hand) the calls do nothing and the
 * helper just sleeps.
 */
#ifndef SYNC_H
#define SYNC_H

/*
 * sync_register - connects to the driver's socket and sends "NAME PID".
 * Returns the connection, or -1 when there is no driver.
 */
int sync_register(const char *name);

/*
 * sync_wait - sleeps until the driver sends a byte (returns it: the exit
 * status it wants), the driver goes away (returns 0), or timeout_ms passes
 * (returns 0; a negative timeout waits forever). fd -1 just sleeps.
 */
int sync_wait(int fd, int timeout_ms);

/* sync_label - the first argument that is not a number, else dflt. */
const char *sync_label(int argc, char **argv, const char *dflt);

/* sync_seconds_ms - the first numeric argument in milliseconds, else -1. */
int sync_seconds_ms(int argc, char **argv);

#endif
