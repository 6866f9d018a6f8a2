/*
 * memguard.h - lock memory that must never be paged out, prove it stays
 * resident, and read the kernel's own memory accounting (the memlock lab's
 * contract).
 *
 * Sizes in the two structs are in kB, as /proc prints them; a field the file
 * does not have (VmSwap on a kernel without swap accounting, every Vm field
 * of a kernel thread, MemAvailable before Linux 3.14) is -1. The parsers'
 * rules in full (which field is needed, what is malformed) are in the
 * handout, README.md.
 *
 * The MG_* flags are this lab's own values, not the MCL_* values:
 * mg_lock_all translates them.
 * This header is given by the lab: do not edit it.
 */
#ifndef MEMGUARD_H
#define MEMGUARD_H

#include <stddef.h>

#define MG_CURRENT (1 << 4) /* lock every page mapped now              -> MCL_CURRENT */
#define MG_FUTURE  (1 << 5) /* lock every page mapped from now on      -> MCL_FUTURE  */
#define MG_ONFAULT                                                                                 \
    (1 << 6) /* lock pages as they are faulted in, with
                               MG_CURRENT and/or MG_FUTURE             -> MCL_ONFAULT */

// clang-format off
struct mg_status  { long vm_size_kb, vm_rss_kb, vm_lck_kb, vm_swap_kb; };
struct mg_meminfo { long mem_total_kb, mem_available_kb, swap_total_kb, swap_free_kb; };

int   mg_lock(void *addr, size_t len);      /* touch every page, then mlock; -1 with errno */
int   mg_unlock(void *addr, size_t len);
int   mg_lock_all(int flags);               /* MG_CURRENT | MG_FUTURE | MG_ONFAULT -> MCL_* ;
                                               -1 EINVAL for 0 or MG_ONFAULT alone */
int   mg_resident(const void *addr, size_t len, size_t *resident, size_t *total); /* mincore */
int   mg_read_status(const char *path, struct mg_status *out);    /* a /proc/PID/status file */
int   mg_read_meminfo(const char *path, struct mg_meminfo *out);  /* a /proc/meminfo file */
      /* both: -1 errno ENOENT/EACCES from open, EPROTO when a needed field is missing or malformed;
         fields absent on this kernel (VmSwap on a kernel without swap accounting) are -1, not an error */
char *mg_explain(int err, size_t want, char *buf, size_t buflen);
      /* a human explanation of an mlock failure: the soft and hard RLIMIT_MEMLOCK, how much was
         wanted, and the fixes (ulimit -l, CAP_IPC_LOCK, a container's --ulimit memlock) */
void *mg_secure_alloc(size_t len);  /* page-aligned region with a PROT_NONE guard page before and
                                       after, mlocked, excluded from core dumps (MADV_DONTDUMP),
                                       zeroed; NULL with errno on failure */
void  mg_secure_free(void *p);      /* zeroes (explicit_bzero), unlocks, unmaps; NULL is a no-op */

// clang-format on
#endif
