/*
 * batch.h - grading a class: `grader batch` (every submission of a
 * directory, N at a time, each in its own grader process or container,
 * resumably) and `grader merge` (shards' outputs into one grades.csv).
 */
#ifndef OSLABS_BATCH_H
#define OSLABS_BATCH_H

/* argv[0] is "batch" / "merge"; the exit status of the command. */
int batch_command(const char *kit, int argc, char **argv);
int merge_command(int argc, char **argv);

#endif
