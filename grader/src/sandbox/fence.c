/*
 * fence.c - the Landlock fence of fence.h. What it allows: every way to
 * change the file system beneath DIR (the test's scratch directory) and
 * beneath /dev (/dev/null, the terminal, the box's /dev/shm); nothing else
 * may be created, written, truncated, renamed or removed. Reading and
 * running are not restricted. Where the kernel has no Landlock, or refuses
 * it (a container's seccomp filter), PROGRAM runs unfenced: the machine's
 * limit, never the program's fault.
 *
 * --valgrind-log FILE opens FILE before the fence, at a descriptor inside
 * the range valgrind keeps for itself (the top of RLIMIT_NOFILE), and passes
 * it as valgrind's --log-fd: valgrind refuses the program every use of
 * that descriptor, and the fence refuses it the file by its name.
 */
#define _GNU_SOURCE
#include "sandbox/fence.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* valgrind keeps 10 or 12 descriptors (by version) at the top of the limit */
#define VALGRIND_RESERVED_MIN 10
#define VALGRIND_RESERVED_MAX 12

/* Every way to change the file system that this kernel's Landlock knows. */
static __u64 write_accesses(int abi)
{
    __u64 a = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
              LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
              LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
              LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
              LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

    if (abi >= 2)
        a |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        a |= LANDLOCK_ACCESS_FS_TRUNCATE;
    return a;
}

static int allow_beneath(int ruleset, const char *dir, __u64 access)
{
    struct landlock_path_beneath_attr rule = {.allowed_access = access};
    int rc;

    rule.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rule.parent_fd < 0)
        return -1;
    rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(rule.parent_fd);
    return rc;
}

/* 0 fenced, 1 no Landlock here, -1 refused or failed. */
static int fence_self(const char *dir)
{
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    struct landlock_ruleset_attr attr;
    int ruleset, rc = -1;

    if (abi < 1)
        return 1;
    memset(&attr, 0, sizeof(attr));
    attr.handled_access_fs = write_accesses(abi);
    ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (ruleset < 0)
        return -1;
    if (allow_beneath(ruleset, dir, attr.handled_access_fs) == 0 &&
        allow_beneath(ruleset, "/dev", attr.handled_access_fs) == 0 &&
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
        syscall(SYS_landlock_restrict_self, ruleset, 0) == 0)
        rc = 0;
    close(ruleset);
    return rc;
}

/*
 * Opens file at a descriptor valgrind will keep for itself. With soft limit
 * S, valgrind reserves [S, S+N) when the hard limit allows, else [S-N, S),
 * where N is 10 or 12 by version; a hard limit between the two is first made
 * the soft one, so that the descriptor is reserved for either. -1 on failure.
 */
static int open_valgrind_log(const char *file)
{
    struct rlimit rl;
    int fd, target;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < 2 * VALGRIND_RESERVED_MAX ||
        rl.rlim_cur > INT_MAX / 2)
        return -1;
    bool above = rl.rlim_max == RLIM_INFINITY || rl.rlim_cur + VALGRIND_RESERVED_MAX <= rl.rlim_max;
    if (!above && rl.rlim_max != rl.rlim_cur) {
        rl.rlim_cur = rl.rlim_max;
        if (rl.rlim_cur > INT_MAX / 2 || setrlimit(RLIMIT_NOFILE, &rl) < 0)
            return -1;
    }
    target = above ? (int)rl.rlim_cur + VALGRIND_RESERVED_MIN - 1 : (int)rl.rlim_cur - 1;
    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (above) { /* dup2 may not reach past the soft limit: lift it for the call */
        struct rlimit up = {(rlim_t)target + 1, rl.rlim_max};
        setrlimit(RLIMIT_NOFILE, &up);
    }
    int placed = dup2(fd, target); /* without O_CLOEXEC: valgrind must get it */
    setrlimit(RLIMIT_NOFILE, &rl);
    close(fd);
    return placed;
}

static int usage(void)
{
    fprintf(stderr, "usage: grader fence DIR [--valgrind-log FILE] -- PROGRAM [ARGS...]\n");
    return 127;
}

int fence_command(int argc, char **argv)
{
    const char *dir, *log = NULL;
    int i = 2, log_fd = -1;

    if (argc < 4)
        return usage();
    dir = argv[1];
    if (strcmp(argv[i], "--valgrind-log") == 0 && i + 1 < argc) {
        log = argv[i + 1];
        i += 2;
    }
    if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
        return usage();
    char **prog = argv + i + 1;
    if (log != NULL && (log_fd = open_valgrind_log(log)) < 0) {
        fprintf(stderr, "grader fence: %s: %s\n", log, strerror(errno));
        return 127;
    }
    /* refused (no Landlock, a seccomp filter): the machine's limit, so unfenced */
    (void)fence_self(dir);
    if (log_fd >= 0) { /* PROGRAM is valgrind: its first option names the log */
        char opt[32];
        int n = argc - i - 1;
        char **v = calloc((size_t)n + 2, sizeof(*v));
        if (v == NULL)
            return 127;
        snprintf(opt, sizeof(opt), "--log-fd=%d", log_fd);
        v[0] = prog[0];
        v[1] = opt;
        memcpy(v + 2, prog + 1, (size_t)(n - 1) * sizeof(*v));
        prog = v;
    }
    execvp(prog[0], prog);
    fprintf(stderr, "grader fence: cannot run %s: %s\n", prog[0], strerror(errno));
    return 127;
}

/* Every directory above path searchable by all, and path runnable by all. */
static bool runnable_by_all(const char *path)
{
    char buf[PATH_MAX];
    struct stat st;

    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXOTH))
        return false;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *slash = strrchr(buf, '/'); slash != NULL && slash != buf;
         slash = strrchr(buf, '/')) {
        *slash = '\0';
        if (stat(buf, &st) < 0 || !(st.st_mode & S_IXOTH))
            return false;
    }
    return true;
}

const char *fence_grader_path(void)
{
    static char self[PATH_MAX];
    static int known = -1;

    if (known < 0) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        self[n > 0 ? n : 0] = '\0';
        known = n > 0 && runnable_by_all(self);
    }
    return known ? self : NULL;
}
