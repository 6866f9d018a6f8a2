/*
 * batch_int.h - what the files of batch/ share: the options, the students
 * and the batch, and each step's entry points. Private to batch/.
 */
#ifndef OSLABS_BATCH_INT_H
#define OSLABS_BATCH_INT_H

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lab.h"
#include "lib/util.h"

#define EXIT_INTERRUPTED 130
#define KILL_GRACE       10.0 /* seconds between SIGTERM and SIGKILL */

enum mode { MODE_AUTO, MODE_LOCAL, MODE_CONTAINER };

struct batch_opts {
    const char *lab_arg, *subs, *out, *hidden;
    const char *repos, *labs, *roster; /* --repos: a class of repositories, labs, roster */
    int jobs, repeat, shard_i, shard_n;
    enum mode mode;
    bool force, allow_partial, similarity;
    bool trust_submissions; /* grade locally even without namespaces (trust.c) */
    double timeout;         /* per submission; 0: from the manifest */
};

enum state { ST_SKIP, ST_TODO, ST_RUNNING, ST_DONE };

struct student {
    char *name; /* its directory in OUT */
    char *path; /* the submission: a directory or an archive */
    char *hash; /* submission and lab, hex */
    enum state state;
    pid_t pid;
    double start, deadline, kill_at;
    bool timed_out;
    bool retried; /* graded again once after an error of the machine */
};

struct batch {
    const struct batch_opts *o;
    char *kit, *self, *labdir, *subs, *out, *inflight, *hidden;
    char *container_label, *engine;
    struct student *st;
    size_t n, todo, done, failures, running;
    double t0, timeout, max_score;
    int test_jobs;
    bool tty;
    bool refused; /* a partial grade without --allow-partial: stop */
};

/* How one submission's grading ended, for batch.json, batch.log and the terminal. */
struct verdict {
    const char *status; /* graded, partial, tampering, build-failed, timed-out, error */
    char *reason;
    double score, max;
    double skipped_points; /* of tests the machine could not run */
    bool environment;      /* the machine failed a test (error (environment)): grade again */
};

/* Set by SIGINT, SIGTERM or SIGHUP: stop starting, kill what runs, keep what is done. */
extern volatile sig_atomic_t batch_interrupted;

/* options.c: the command line (errors: usage_fail(NULL, ...), EXIT_USAGE). */
extern const char batch_usage[];
int parse_batch_options(int argc, char **argv, struct batch_opts *o);

/* students.c: every submission of the directory, then those left to grade
 * (not another shard's, not graded already with the same hash). */
int students_list(struct batch *b);
void students_select(struct batch *b);

/* gradable.c: refuse a lab this machine cannot grade in full. */
int gradable_check_local(const struct batch *b);
void gradable_after_student(struct batch *b, const struct verdict *v);

/* trust.c: a local batch without namespaces needs --trust-submissions. */
int trust_check_local(const struct batch *b);

/* spawn.c: the sandbox to grade in (container or local); a grader for one student. */
int spawn_choose_mode(struct batch *b);
int spawn_engine_snippet(struct batch *b, const char *snippet);
void spawn_student(struct batch *b, struct student *s);

/* verdict.c: what a finished grader left in tmp says. */
void verdict_judge(const struct batch *b, const struct student *s, const char *tmp, int wstatus,
                   struct verdict *v);

/* publish.c: a student's files, written and moved into OUT in one rename. */
cJSON *batch_read_json(const char *path);
void publish_fallback_results(const char *tmp, const struct verdict *v);
void publish_meta(struct batch *b, const struct student *s, const char *tmp,
                  const struct verdict *v, double seconds);
void publish_report_html(const char *tmp);
void publish_student(struct batch *b, const struct student *s, const char *tmp);
void publish_log_line(struct batch *b, const struct student *s, const struct verdict *v,
                      double seconds);

/* progress.c: the progress bar on a terminal, a line per student. */
void progress_show(const struct batch *b);
void progress_done(struct batch *b, const struct student *s, const struct verdict *v,
                   double seconds);

/* loop.c: grades the students left, jobs at a time, until done or interrupted. */
void loop_run_all(struct batch *b);

/* similar.c: the pairs of similar submissions of a directory (sim_c). */
#define SIMILARITY_THRESHOLD 40 /* percent: planted copies score 95+, other labs' code < 5 */
#define SIMILARITY_MIN_RUN   24 /* tokens: sim_c's default run length */
struct similarity_opts {
    const char *kit, *lab_arg, *subs, *out, *skeleton;
    struct strv corpus; /* directories of earlier terms' submissions */
    int threshold, min_run;
};
void similarity_defaults(struct similarity_opts *o, const char *kit);
/* Stages subs and the corpus, runs grader/similarity.sh: 0, EXIT_USAGE or 2. */
int similarity_run(const struct similarity_opts *o, const struct lab *lab);
/* 0 when sim_c can be run; else EXIT_USAGE, saying how to install it. */
int similarity_check_tool(void);
/* `grader batch --similarity`: the batch's submissions, with the defaults, into out. */
int similarity_after_batch(const char *kit, const char *labdir, const char *subs, const char *out);

/* merge.c: grades.csv and summary.md of the batch output directories. */
int merge_gradebook(const char *const *dirs, size_t n, const char *out, bool quiet);

/*
 * class.c: OUT/gradebook.csv (and with a roster the LMS imports) of the
 * labs' batch outputs; the exit status of `grader gradebook`.
 */
int class_gradebook(const char *const *dirs, size_t n, const char *roster, const char *out);

/* repos.c: `grader batch --repos DIR`, every lab of every repository; the exit status. */
int repos_batch(const char *kit, const struct batch_opts *o);

#endif
