/*
 * sync.c - the helper's side of the driver's TSH_SYNC socket.
 */
#define _GNU_SOURCE /* ppoll */
#include "sync.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sync_register(const char *name)
{
    const char *where = getenv("TSH_SYNC");
    struct sockaddr_un addr;
    char line[128];
    int fd, len;

    if (where == NULL || where[0] != '@' || strlen(where) >= sizeof(addr.sun_path))
        return -1;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path + 1, where + 1, strlen(where + 1));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr,
                (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(where))) < 0) {
        close(fd);
        return -1;
    }
    len = snprintf(line, sizeof(line), "%s %d\n", name, (int)getpid());
    if (write(fd, line, (size_t)len) != len) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * ppoll, not poll: a poll stopped and continued (^Z, then fg or bg) is resumed
 * as restart_syscall, which hides from /proc whether it waits with a timeout,
 * so the grader could not tell a helper waiting for the driver from one that
 * wakes by itself, and a shell hung beside it would wait out the timeout.
 * ppoll is resumed as ppoll, its timeout argument in plain view.
 */
int sync_wait(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct timespec limit = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    unsigned char byte;

    for (;;) {
        int n = ppoll(&p, fd >= 0 ? 1 : 0, timeout_ms < 0 ? NULL : &limit, NULL);
        if (n < 0 && errno == EINTR)
            continue; /* stopped and continued, or a caught signal */
        if (n <= 0)
            return 0;
        return read(fd, &byte, 1) == 1 ? byte : 0;
    }
}

static int is_number(const char *s)
{
    char *end;

    strtod(s, &end);
    return end != s && *end == '\0';
}

const char *sync_label(int argc, char **argv, const char *dflt)
{
    for (int i = 1; i < argc; i++)
        if (!is_number(argv[i]))
            return argv[i];
    return dflt;
}

int sync_seconds_ms(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (is_number(argv[i]))
            return (int)(strtod(argv[i], NULL) * 1000);
    return -1;
}
