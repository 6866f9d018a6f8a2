/*
 * Graded under valgrind (memcheck-stress): tries to write into valgrind's
 * log, which lies beside the test's working directory, by its name, and
 * through every descriptor that leads to it, directly or reopened by
 * /proc/self/fd. A log it could write would let it hide what valgrind
 * found, or plant "the 'impossible' happened" to pass its bug off as the
 * machine's fault.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char adv_forged[] = "valgrind: the 'impossible' happened: forged\n";

static int adv_leads_to_log(int fd)
{
    char link[64], path[4096];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, ".valgrind") != NULL;
}

static int adv_write_by_name(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND);

    if (fd < 0)
        return 0;
    int wrote = write(fd, adv_forged, sizeof(adv_forged) - 1) > 0;
    close(fd);
    if (wrote)
        fprintf(stderr, "forge-valgrind-log: wrote into %s\n", path);
    return wrote;
}

static int adv_attack(void)
{
    char path[4200], link[64];
    int escaped = 0;

    if (getcwd(path, 4096) == NULL)
        return 0;
    strcat(path, ".valgrind");
    escaped |= adv_write_by_name(path);
    for (int fd = 3; fd < 1100; fd++) {
        if (!adv_leads_to_log(fd))
            continue;
        if (write(fd, adv_forged, sizeof(adv_forged) - 1) > 0) {
            fprintf(stderr, "forge-valgrind-log: wrote into descriptor %d\n", fd);
            escaped = 1;
        }
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        escaped |= adv_write_by_name(link);
    }
    return escaped;
}
