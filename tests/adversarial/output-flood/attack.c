/* Floods both output streams, forever. */
#include <unistd.h>

static int adv_attack(void)
{
    static const char line[] = "flood flood flood flood flood flood flood flood flood flood\n";
    ssize_t r;

    for (;;) {
        r = write(1, line, sizeof(line) - 1);
        r = write(2, line, sizeof(line) - 1);
        (void)r;
    }
    return 0;
}
