/*
 * int-self - interrupts itself the way ctrl-c would: SIGINT to its own
 * process group. If it survives that, it says so and exits 1.
 */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    kill(0, SIGINT);
    fprintf(stderr, "int-self: SIGINT did not kill me\n");
    return 1;
}
