/*
 * cgroup.h - a memory cgroup (swap 0) and a pids cgroup for each box, where
 * the grader may create them (cgroup v1 or v2, nested under the grader's
 * own cgroups). They bound what all of a test's processes use together,
 * which per-process rlimits cannot. Without write access (an unprivileged
 * grader, most containers) boxes fall back to rlimits alone.
 */
#ifndef OSLABS_CGROUP_H
#define OSLABS_CGROUP_H

#include <stdbool.h>

struct box_cgroup {
    char *mem_dir;   /* NULL when not in use */
    char *pids_dir;  /* the same directory on cgroup v2 */
    int procs_fd[2]; /* cgroup.procs of each, opened for the keeper; -1 if unused */
};

/* Finds the hierarchies and checks that boxes' cgroups can be made. */
bool cg_setup(void);
bool cg_available(void);
/* "cgroup v1 memory+pids", or "" when unavailable. */
const char *cg_describe(void);

/*
 * Creates the cgroups of one box with these limits (mem_mb 0: none) and
 * opens their cgroup.procs. On any failure the box goes without (all
 * fields unused); never fatal.
 */
void cg_create(struct box_cgroup *cg, long mem_mb, long pids);

/* In the keeper, before it forks the program: joins the box's cgroups. */
void cg_join(const struct box_cgroup *cg);

/* After the box: did it hit its memory limit? Then removes the cgroups. */
bool cg_hit_memory_limit(const struct box_cgroup *cg);
void cg_destroy(struct box_cgroup *cg);

/* At the end of the grader: removes the boxes' parent cgroups. */
void cg_finish(void);

#endif
