/*
 * batch.h - grading a class: `grader batch` (every submission of a
 * directory, N at a time, each in its own grader process or container,
 * resumably), `grader merge` (shards' outputs into one grades.csv) and
 * `grader similarity` (pairs of similar submissions) and `grader gradebook`
 * (the labs' outputs into one gradebook.csv and LMS imports).
 */
#ifndef OSLABS_BATCH_H
#define OSLABS_BATCH_H

/* argv[0] is "batch" / "merge"; the exit status of the command. */
int batch_command(const char *kit, int argc, char **argv);
int merge_command(int argc, char **argv);

/* `grader similarity LAB DIR ...` (argv[0] is "similarity"); its exit status. */
int similarity_command(const char *kit, int argc, char **argv);
/* argv[0] is "gradebook": the class across labs (class.c). */
int gradebook_command(int argc, char **argv);

#endif
