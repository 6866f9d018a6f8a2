/*
 * landlock.c - Linux's Landlock, as crashsim uses it (landlock.h): a process
 * that may change the file system beneath one directory only. Shared by
 * crashsim's fence (the workload) and crash_check (each crash state's check).
 */
#define _GNU_SOURCE
#include "landlock.h"

#include <linux/landlock.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than some kernel headers (ABI 2 and 3). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* Every way to change the file system, as far as the kernel's ABI knows them. */
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

static int allow(int ruleset, int fd, __u64 access)
{
    struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = fd};

    return (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
}

int landlock_fence(int work_fd, int null_fd)
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
    __u64 file_only = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
    if (allow(ruleset, work_fd, attr.handled_access_fs) == 0 &&
        allow(ruleset, null_fd, file_only) == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
        syscall(SYS_landlock_restrict_self, ruleset, 0) == 0)
        rc = 0;
    close(ruleset);
    return rc;
}
