/*
 * is-nonzero N - prints "non-zero" or "zero": for statuses whose exact
 * value the lab does not grade (`is-nonzero $?`).
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: is-nonzero N\n");
        return 2;
    }
    printf("%s\n", atoi(argv[1]) != 0 ? "non-zero" : "zero");
    return 0;
}
