/* A daemon: fork, setsid, fork again; it outlives the test unless killed. */
#include <fcntl.h>
#include <unistd.h>

static int adv_attack(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            execlp("sh", "oslabs-adv-daemon", "-c",
                   "while :; do echo x >> /tmp/oslabs-adv-escaped; sleep 0.2; done", (char *)NULL);
        }
        _exit(0);
    }
    return 0;
}
