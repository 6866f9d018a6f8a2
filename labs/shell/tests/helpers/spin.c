/*
 * spin [LABEL] [SECONDS] - a job that runs until the trace driver releases
 * it (exiting with the status the driver asks for), or for SECONDS, or
 * forever. It sleeps while it runs: it uses no CPU time.
 * It registers with the driver as LABEL (default "spin").
 */
#include "sync.h"

int main(int argc, char **argv)
{
    int fd = sync_register(sync_label(argc, argv, "spin"));

    return sync_wait(fd, sync_seconds_ms(argc, argv));
}
