/* A memory bomb in the children alone: the kernel kills them at the box's
 * memory limit, and the parent, which allocates nothing, waits on. The
 * report must name memory as the cause, not only the wait that followed. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int adv_attack(void)
{
    for (int i = 0; i < 16; i++) {
        if (fork() == 0) {
            for (int j = 0; j < 8; j++) {
                char *p = malloc(64 << 20);
                if (p != NULL)
                    memset(p, 1, 64 << 20);
            }
            break;
        }
    }
    for (;;)
        pause();
    return 0;
}
