/*
 * stop-self - stops itself the way ctrl-z would: SIGTSTP to its own process
 * group. Once continued, it exits 0.
 */
#include <signal.h>

int main(void)
{
    kill(0, SIGTSTP);
    return 0;
}
