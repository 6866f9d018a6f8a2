/* Exits 0 in the middle of a test, as if everything had passed. */
#include <stdlib.h>

static int adv_attack(void)
{
    exit(0);
    return 0;
}
