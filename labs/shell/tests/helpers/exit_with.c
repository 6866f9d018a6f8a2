/*
 * exit-with N - exits at once with status N.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: exit-with N\n");
        return 2;
    }
    return atoi(argv[1]);
}
