/*
 * landlock.h - fences the calling process (and all it starts) with Linux's
 * Landlock, which needs no privilege: from then on it may create, write,
 * truncate, rename or remove files beneath one directory only, plus write
 * to one file (/dev/null); reading is not restricted. A fenced process can
 * neither trace nor open /proc/PID/fd of a process outside its fence.
 */
#ifndef CRASHSIM_LANDLOCK_H
#define CRASHSIM_LANDLOCK_H

/* dir_fd and file_fd are open descriptors (O_PATH will do). 0 fenced, 1
 * when the kernel has no Landlock, -1 refused (errno). */
int landlock_fence(int dir_fd, int file_fd);

#endif
