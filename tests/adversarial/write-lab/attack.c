/* Writes into the staged lab: its Makefile, and the test program itself. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int adv_writable(const char *name)
{
    const char *lab = getenv("OSLABS_LAB");
    char path[4096];
    int fd;

    if (lab == NULL)
        return 0;
    snprintf(path, sizeof(path), "%s/%s", lab, name);
    fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0) {
        /* or replace it: unlink, then create */
        if (unlink(path) < 0)
            return 0;
        fd = open(path, O_WRONLY | O_CREAT, 0755);
    }
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

static int adv_attack(void)
{
    return adv_writable("Makefile") || adv_writable("test_bbuf") || adv_writable("newfile");
}
