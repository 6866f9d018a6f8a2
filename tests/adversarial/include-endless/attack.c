/* An endless compile: the preprocessor reads /dev/zero. */
#include "/dev/zero"

static int adv_attack(void)
{
    return 0;
}
