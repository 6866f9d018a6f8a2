/*
 * privileges.c - what the program of a box may use and be, set in its own
 * process just before exec: rlimits, its uid and gid, and only the
 * capabilities its test asked for.
 */
#define _GNU_SOURCE
#include "sandbox/privileges.h"
#include "sandbox/features.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void set_limit(int resource, rlim_t value)
{
    struct rlimit rl = {value, value};
    struct rlimit cur;

    if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && cur.rlim_max < value)
        rl.rlim_cur = rl.rlim_max = cur.rlim_max; /* lowering works, raising does not */
    setrlimit(resource, &rl);
}

/*
 * The out-of-memory killer picks the box's processes first, never the grader:
 * where no memory cgroup of its own holds the box (a container's, a host
 * without cgroups), a test that fills a tmpfs or the memory of the whole
 * container would otherwise get the grader killed, and a grade lost.
 * Raising the value needs no privilege; best effort.
 */
static void oom_victim_first(void)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    if (write(fd, "1000", 4) != 4) {
        /* nothing else to do: the other limits still hold */
    }
    close(fd);
}

void priv_limits(const struct box_limits *lim)
{
    oom_victim_first();
    set_limit(RLIMIT_CORE, 0);
    if (lim->cpu_s > 0)
        set_limit(RLIMIT_CPU, (rlim_t)(lim->cpu_s + 0.999));
    if (lim->as_mb > 0)
        set_limit(RLIMIT_AS, (rlim_t)lim->as_mb << 20);
    if (lim->nproc > 0)
        set_limit(RLIMIT_NPROC, (rlim_t)lim->nproc);
    if (lim->fsize_mb > 0)
        set_limit(RLIMIT_FSIZE, (rlim_t)lim->fsize_mb << 20);
    if (lim->nofile > 0)
        set_limit(RLIMIT_NOFILE, (rlim_t)lim->nofile);
}

static int capset_raw(unsigned long long bits)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];

    memset(data, 0, sizeof(data));
    data[0].effective = data[0].permitted = data[0].inheritable = (unsigned)bits;
    data[1].effective = data[1].permitted = data[1].inheritable = (unsigned)(bits >> 32);
    return (int)syscall(SYS_capset, &hdr, data);
}

int priv_drop(uid_t uid, gid_t gid, unsigned caps)
{
    unsigned long long bits = 0;

    if (caps & CAPF_SYS_NICE)
        bits |= 1ULL << CAP_SYS_NICE;
    if (caps & CAPF_IPC_LOCK)
        bits |= 1ULL << CAP_IPC_LOCK;
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0)
        return -1;
    if (bits != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return -1;
    if (setuid(uid) < 0)
        return -1;
    if (bits == 0)
        return 0;
    if (capset_raw(bits) < 0)
        return -1;
    for (int c = 0; c < 64; c++)
        if ((bits >> c) & 1)
            if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                return -1;
    return 0;
}
