/* Closes its output and sleeps forever: nothing to read, no end of file either. */
#include <unistd.h>

static int adv_attack(void)
{
    close(1);
    close(2);
    for (;;)
        pause();
    return 0;
}
