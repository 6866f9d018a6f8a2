/*
 * split [LABEL] - a job of two processes in one process group: it forks a
 * child, and each waits for the driver to release it. They register as
 * LABEL and LABEL-child (default "split" and "split-child"). The parent
 * exits after its child has, with the status the driver asked for.
 */
#include "sync.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *label = sync_label(argc, argv, "split");
    int fd = sync_register(label);
    pid_t child = fork();

    if (child < 0) {
        perror("split: fork");
        return 1;
    }
    if (child == 0) {
        char child_label[96];
        if (fd >= 0)
            close(fd);
        snprintf(child_label, sizeof(child_label), "%s-child", label);
        return sync_wait(sync_register(child_label), -1);
    }
    int code = sync_wait(fd, -1);
    while (waitpid(child, NULL, 0) < 0)
        ;
    return code;
}
