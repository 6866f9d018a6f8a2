/*
 * probe.h - what the memlock tests observe, read straight from the kernel
 * (never through the student's code): VmLck and VmSize of this process,
 * page residency from mincore, a mapping's permissions and VmFlags, and the
 * RLIMIT_MEMLOCK / CAP_IPC_LOCK state a limit test needs.
 */
#ifndef MEMLOCK_PROBE_H
#define MEMLOCK_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

size_t pg(void);                       /* the page size */
const char *lab_file(const char *rel); /* $OSLABS_LAB/rel (or ./rel); a static buffer */

long self_kb(const char *key);               /* "Key:" of /proc/self/status in kB; -1 if absent */
void *map_pages(size_t n);                   /* n fresh, untouched anonymous read-write pages */
size_t resident(const void *page, size_t n); /* of n pages from page, how many are in RAM */
bool mapping_perms(const void *addr, char perms[5]); /* "rw-p" of the mapping holding addr */
bool vm_flag(const void *addr, const char *flag);    /* smaps VmFlags of addr's mapping has flag */

/* Runs fn(arg) in a child that then exits 0; returns the child's wait status. */
int in_child(void (*fn)(void *), void *arg);

/* Makes RLIMIT_MEMLOCK (soft) bytes, so a lock over it fails as it would for
 * any unprivileged process: CAP_IPC_LOCK, which ignores the limit, is dropped
 * from the effective set first (root running the tests by hand has it).
 * memlock_restore() puts the old soft limit back. */
void memlock_limit(rlim_t bytes);
void memlock_restore(void);

/* A cmocka test named NAME (kebab-case, as the grader names it), with an
 * optional teardown that runs even when the test fails. */
#define MG_TEST(fn, name)                                                                          \
    {                                                                                              \
        name, fn, NULL, NULL, NULL                                                                 \
    }
#define MG_TEST_TEARDOWN(fn, name, teardown)                                                       \
    {                                                                                              \
        name, fn, NULL, teardown, NULL                                                             \
    }

#endif
