/* Fills the disk: file after file of 1 MiB blocks, and many empty files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int adv_attack(void)
{
    static char block[1 << 20];
    const char *dir = getenv("TMPDIR");
    char path[4096];

    for (int i = 0; i < 20000; i++) {
        snprintf(path, sizeof(path), "%s/many-%d", dir ? dir : ".", i);
        close(open(path, O_WRONLY | O_CREAT, 0600));
    }
    for (int n = 0;; n++) {
        snprintf(path, sizeof(path), "%s/fill-%d", dir ? dir : ".", n);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        while (fd >= 0 && write(fd, block, sizeof(block)) > 0)
            ;
        close(fd);
    }
    return 0;
}
