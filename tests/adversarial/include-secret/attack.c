/* Reads a secret at compile time: the compiler would quote it in its errors. */
#include "/etc/shadow"

static int adv_attack(void)
{
    return 0;
}
