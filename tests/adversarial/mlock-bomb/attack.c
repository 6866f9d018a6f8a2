/* An mlock bomb: lock as much memory as possible; escaped if 64 MiB got locked. */
#include <sys/mman.h>
#include <sys/resource.h>

static int adv_attack(void)
{
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    size_t len = (size_t)256 << 20;
    void *p;

    setrlimit(RLIMIT_MEMLOCK, &rl);
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    if (mlock(p, (size_t)64 << 20) == 0)
        return 1; /* 64 MiB pinned: the memlock limit did not hold */
    munmap(p, len);
    return 0;
}
