/*
 * host.c - what this machine lets the sandbox do, found out once: root
 * that can change uids (and the range of uids this grader claims), the
 * strongest set of namespaces that works, cgroups, and a description of
 * the layers in use for the reports.
 */
#define _GNU_SOURCE
#include "sandbox/host.h"
#include "sandbox/box.h"
#include "sandbox/cgroup.h"
#include "sandbox/disk.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

void host_init(struct host *h)
{
    memset(h, 0, sizeof(*h));
    sv_init(&h->hidden);
}

void host_free(struct host *h)
{
    sv_free(&h->hidden);
}

static int probe_ok(void *arg)
{
    (void)arg;
    return access("/proc/self/status", R_OK) == 0 && getpid() > 1 ? 0 : 1;
}

bool host_try(const struct host *h, int (*fn)(void *), char *const *envp, uid_t uid, unsigned caps)
{
    struct box_spec spec;
    struct box_result res;
    bool ok;

    memset(&spec, 0, sizeof(spec));
    spec.fn = fn;
    spec.envp = envp;
    spec.timeout = 10;
    spec.untrusted = true;
    spec.uid = spec.gid = uid;
    spec.host = h;
    spec.caps = caps;
    box_run(&spec, &res);
    ok = res.end == BOX_EXITED && res.code == 0;
    box_result_free(&res);
    return ok;
}

/* Can an untrusted box with these namespaces run a function? */
static bool try_namespaces(struct host *h, int flags)
{
    char *envp[] = {NULL};

    h->ns_flags = flags;
    return host_try(h, probe_ok, envp, h->uid_base, 0);
}

void host_hide_paths(struct host *h, const struct strv *paths)
{
    sv_free(&h->hidden);
    sv_init(&h->hidden);
    for (size_t i = 0; i < paths->n; i++)
        if (is_dir(paths->v[i]))
            sv_push(&h->hidden, paths->v[i]);
}

/* "pid+net+mount+ipc namespaces, ...", from the layers in use. */
static void describe_layer(struct host *h, const char *no_quota)
{
    static const struct {
        int flag;
        const char *name;
    } names[] = {{CLONE_NEWUSER, "user"},
                 {CLONE_NEWPID, "pid"},
                 {CLONE_NEWNET, "net"},
                 {CLONE_NEWNS, "mount"},
                 {CLONE_NEWIPC, "ipc"}};
    struct strbuf s;

    sb_init(&s);
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (h->ns_flags & names[i].flag)
            sb_addf(&s, "%s%s", s.len ? "+" : "", names[i].name);
    if (s.len > 0)
        sb_adds(&s, " namespaces");
    else
        sb_adds(&s, "no namespaces (session, rlimits, subreaper kill)");
    if (h->root)
        sb_addf(&s, ", per-slot uids from %u", (unsigned)h->uid_base);
    if (cg_available())
        sb_addf(&s, ", %s", cg_describe());
    if (h->disk_quota)
        sb_adds(&s, ", a disk quota per test");
    else
        sb_addf(&s, ", disk quota: not applied (%s)", no_quota);
    snprintf(h->layer, sizeof(h->layer), "%s", s.buf);
    sb_free(&s);
}

/*
 * Root in name only (a container's root with every capability dropped)
 * cannot give each box its own uid: it needs CHOWN, DAC_OVERRIDE, FOWNER,
 * KILL, SETGID and SETUID.
 */
static bool can_switch_uids(void)
{
    const unsigned long long need =
        1ULL << 0 | 1ULL << 1 | 1ULL << 3 | 1ULL << 5 | 1ULL << 6 | 1ULL << 7;
    char *status = read_file_max("/proc/self/status", 65536, NULL);
    const char *line = status ? strstr(status, "\nCapEff:") : NULL;
    unsigned long long eff = 0;

    if (line != NULL)
        eff = strtoull(line + strlen("\nCapEff:"), NULL, 16);
    free(status);
    return geteuid() == 0 && (eff & need) == need;
}

/* The directory of the instance locks: root's, so that its locks can be trusted. */
static const char *instance_lock_dir(struct stat *st)
{
    static const char *const dirs[] = {"/run/oslabs", "/tmp/oslabs-locks"};

    for (size_t d = 0; d < ARRAY_LEN(dirs); d++) {
        if (mkdir(dirs[d], 0700) < 0 && errno != EEXIST)
            continue;
        if (lstat(dirs[d], st) < 0 || !S_ISDIR(st->st_mode) || st->st_uid != 0)
            continue; /* someone else's directory: not ours to trust */
        return dirs[d];
    }
    return NULL;
}

/*
 * Claims a range of uids for this grader process: the first instance lock
 * it can take of the span instances from base, trying them from first on
 * (and round to base). All in one directory: another's locks would not be
 * seen by the graders using this one. The lock lives as long as the process
 * (the descriptor is never closed), and dies with it, crash included.
 */
static int claim_instance(const char *dir, int base, int span, int first)
{
    for (int k = 0; dir != NULL && k < span; k++) {
        int i = base + (first - base + k) % span;
        char *path = xasprintf("%s/instance.%d.lock", dir, i);
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        free(path);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return i; /* fd stays open: the claim */
        close(fd);
    }
    return -1;
}

/* `container=` in our environment or in that of pid 1, as Podman (even with
 * --read-only, where it writes no marker file) and systemd-nspawn set it. */
static bool container_in_environment(void)
{
    size_t len = 0;
    char *env;
    bool yes = false;

    if (getenv("container") != NULL)
        return true;
    if ((env = read_file_max("/proc/1/environ", 1 << 16, &len)) == NULL)
        return false;
    for (size_t i = 0; i < len && !yes; i += strlen(env + i) + 1)
        yes = strncmp(env + i, "container=", 10) == 0;
    free(env);
    return yes;
}

/* In a container (a marker file of Podman or Docker, or the environment)
 * whose uids are the host's. */
static bool in_container_with_host_uids(void)
{
    unsigned long inside, outside, count;
    bool host_uids = false;
    FILE *f;

    if (access("/run/.containerenv", F_OK) != 0 && access("/.dockerenv", F_OK) != 0 &&
        !container_in_environment())
        return false;
    if ((f = fopen("/proc/self/uid_map", "r")) == NULL)
        return false;
    while (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
        if (inside == 0 && outside == 0 && count >= 0xFFFFFFFFul)
            host_uids = true; /* the initial user namespace's map */
    fclose(f);
    return host_uids;
}

/*
 * A grader in a container claims from the containers' block (see host.h),
 * starting at 10 instances of its own: picked by the identity (device and
 * inode) of its lock directory, which the graders that see each other's
 * locks share and the graders that cannot (another container, the host) do
 * not. Its host name would not do: a container on the host's network has
 * the host's.
 */
static int claim_container_instance(const char *dir, const struct stat *st)
{
    uint64_t id = ((uint64_t)st->st_dev << 32) ^ (uint64_t)st->st_ino;
    int first = BOX_CONTAINER_INSTANCE_FIRST +
                (int)((id * 0x9E3779B97F4A7C15ull >> 33) % (BOX_CONTAINER_INSTANCES / 10)) * 10;

    return claim_instance(dir, BOX_CONTAINER_INSTANCE_FIRST, BOX_CONTAINER_INSTANCES, first);
}

/*
 * Can each test have a disk quota? The grader mounts them (disk.h), in a
 * mount namespace of its own, and the boxes bind parts of them at /tmp:
 * root and boxes with a mount namespace. NULL, or why not.
 */
static const char *probe_disk_quota(struct host *h)
{
    const char *why;

    if (!(h->ns_flags & CLONE_NEWNS))
        return "no mount namespace";
    if (!h->root)
        return "the grader is not root";
    why = disk_init();
    h->disk_quota = why == NULL;
    return why;
}

/*
 * Picks the strongest set of namespaces this machine lets us create. In a
 * container, a fresh /proc cannot be mounted (the runtime masks parts of
 * it), so a pid namespace is out, but net and ipc namespaces may still be.
 */
void host_probe(struct host *h)
{
    const int full = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC;
    const int partial = CLONE_NEWNET | CLONE_NEWIPC;
    const int ladder[] = {full, partial};
    const char *force = getenv("OSLABS_NO_NAMESPACES");

    h->root = can_switch_uids();
    h->ns_flags = 0;
    h->uid_base = BOX_UID_FIRST;
    if (h->root) {
        /* a caller that holds an instance lock itself (docker/grade.sh) names it */
        const char *given = getenv("OSLABS_INSTANCE");
        long n;
        struct stat st;
        const char *dir = instance_lock_dir(&st);
        int instance = given != NULL && parse_long(given, 0, BOX_INSTANCES - 1, &n) == 0 ? (int)n
                       : dir == NULL                                                     ? -1
                       : in_container_with_host_uids() ? claim_container_instance(dir, &st)
                                                       : claim_instance(dir, 0, BOX_INSTANCES, 0);
        if (instance < 0)
            die("no free grader instance (every uid range this grader may claim is in use)");
        h->uid_base = BOX_UID_FIRST + (uid_t)instance * BOX_UIDS_PER_INSTANCE;
    }
    if (force == NULL || strcmp(force, "1") != 0) {
        for (size_t i = 0; i < ARRAY_LEN(ladder); i++) {
            int flags = ladder[i] | (h->root ? 0 : CLONE_NEWUSER);
            if (try_namespaces(h, flags))
                break;
            h->ns_flags = 0; /* try_namespaces left the failed flags */
        }
    }
    h->userns = (h->ns_flags & CLONE_NEWUSER) != 0;
    if (h->root)
        cg_setup();
    describe_layer(h, probe_disk_quota(h));
}
