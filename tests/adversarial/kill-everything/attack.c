/* Tries to kill every process it can: all of them, its parent, init. */
#include <signal.h>
#include <unistd.h>

static int adv_attack(void)
{
    kill(getppid(), SIGKILL);
    kill(1, SIGKILL);
    kill(-1, SIGKILL);
    return 0;
}
