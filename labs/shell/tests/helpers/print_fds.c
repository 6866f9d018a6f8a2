/*
 * print-fds - prints the file descriptors it was started with, "fds: 0 1 2"
 * for a clean start. Anything more was leaked by the shell.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int seen[1024] = {0};
    struct dirent *e;

    if (dir == NULL) {
        perror("print-fds: /proc/self/fd");
        return 1;
    }
    while ((e = readdir(dir)) != NULL) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd != dirfd(dir) && fd >= 0 && fd < 1024)
            seen[fd] = 1;
    }
    closedir(dir);
    printf("fds:");
    for (int fd = 0; fd < 1024; fd++)
        if (seen[fd])
            printf(" %d", fd);
    printf("\n");
    return 0;
}
