/* Reads what a student must not: the solution, mutants, hidden tests, history. */
#include <fcntl.h>
#include <unistd.h>

static int adv_readable(const char *path)
{
    char c;
    int fd = open(path, O_RDONLY);
    int ok = fd >= 0 && read(fd, &c, 1) == 1;

    if (fd >= 0)
        close(fd);
    return ok;
}

static int adv_attack(void)
{
    return adv_readable(ADV_KIT "/solutions/prodcons/bbuf.c") ||
           adv_readable(ADV_KIT "/tests/mutants/prodcons/lifo.patch") ||
           adv_readable(ADV_KIT "/labs/prodcons/hidden/lab.ini") ||
           adv_readable(ADV_KIT "/.git/HEAD");
}
