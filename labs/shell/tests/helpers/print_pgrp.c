/*
 * print-pgrp [-] - prints its process group and whether it is the shell's
 * (its parent's): "pgrp (PGID): not the shell's". With -, it first copies
 * its stdin (the stage before it in a pipeline) and also says whether its
 * group is the same as that stage's.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    pid_t mine = getpgrp();
    pid_t shells = getpgid(getppid());
    int before = -1;

    if (argc > 1 && strcmp(argv[1], "-") == 0) {
        char line[256];
        while (fgets(line, sizeof(line), stdin) != NULL) {
            fputs(line, stdout);
            sscanf(line, "pgrp (%d)", &before);
        }
    }
    printf("pgrp (%d): %s", (int)mine, mine == shells ? "the shell's" : "not the shell's");
    if (argc > 1)
        printf(", %s the stage before", before == (int)mine ? "same as" : "not the same as");
    printf("\n");
    return 0;
}
