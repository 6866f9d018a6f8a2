/* Double fork: the grandchild is orphaned, then stops itself (SIGSTOP). */
#include <signal.h>
#include <unistd.h>

static int adv_attack(void)
{
    if (fork() == 0) {
        if (fork() == 0) {
            raise(SIGSTOP);
            execlp("sleep", "oslabs-adv-orphan", "1000", (char *)NULL);
        }
        _exit(0);
    }
    return 0;
}
