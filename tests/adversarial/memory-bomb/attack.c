/* A memory bomb: 64 MiB at a time, every page touched, never freed. */
#include <stdlib.h>
#include <string.h>

static int adv_attack(void)
{
    for (;;) {
        char *p = malloc(64 << 20);
        if (p != NULL)
            memset(p, 1, 64 << 20);
    }
    return 0;
}
