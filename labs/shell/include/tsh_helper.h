/*
 * tsh_helper.h - what the lab gives every tsh: the command-line parser, the
 * job list and async-signal-safe output. Grader-owned: tsh.c includes this
 * file and links tsh_helper.o; the grader never takes it from a submission.
 * A submission may ignore all of it and write its own.
 */
#ifndef TSH_HELPER_H
#define TSH_HELPER_H

#include <stddef.h>
#include <sys/types.h>

#define TSH_MAXLINE 4096 /* longest command line, its newline not counted */
#define TSH_MAXARGS 256  /* most words in one command, its name included */
#define TSH_MAXCMDS 32   /* most commands in one pipeline */
#define TSH_MAXJOBS 16   /* most jobs at a time */

/*
 * The parser. A line is a pipeline of commands joined by `|`, each with
 * optional redirections, and an optional final `&`. Words are separated by
 * blanks; single quotes keep everything, double quotes keep everything but
 * `$?`; `$?` outside single quotes becomes the last status.
 */
struct tsh_cmd {
    char **argv;   /* argc words, then NULL; argv[0] names the program */
    int argc;      /* at least 1 */
    char *infile;  /* `< FILE`, or NULL */
    char *outfile; /* `> FILE` or `>> FILE`, or NULL */
    int append;    /* 1 when outfile came with `>>` (open with O_APPEND) */
    char *errfile; /* `2> FILE`, or NULL */
};

struct tsh_line {
    struct tsh_cmd cmds[TSH_MAXCMDS]; /* cmds[0] .. cmds[ncmds - 1] */
    int ncmds;                        /* 0 for an empty or blank line */
    int background;                   /* 1 when the line ended with `&` */
    char error[96];                   /* after a syntax error: what is wrong */
};

/*
 * tsh_parse - splits cmdline (without its newline) into *line, replacing
 * `$?` with last_status. Returns 0 on success: free the line with
 * tsh_line_free (an empty line has ncmds == 0 and owns nothing). Returns -1
 * on a syntax error: line->error says why and nothing needs freeing.
 * Calls malloc: never call it from a signal handler.
 */
int tsh_parse(const char *cmdline, int last_status, struct tsh_line *line);

/* tsh_line_free - frees what tsh_parse allocated; the line is then empty. */
void tsh_line_free(struct tsh_line *line);

/*
 * The job list: a fixed table, so every function below is async-signal-safe
 * (no malloc, no stdio). The table is shared by the main program and the
 * signal handlers: the main program must block SIGCHLD, SIGINT and SIGTSTP
 * while it reads or changes it.
 */
enum tsh_state {
    TSH_FREE,    /* an unused slot */
    TSH_FG,      /* running in the foreground */
    TSH_BG,      /* running in the background */
    TSH_STOPPED, /* stopped */
};

struct tsh_job {
    int jid;                       /* 1 .. TSH_MAXJOBS; 0 in a free slot */
    pid_t pgid;                    /* the job's process group: the PID in messages */
    enum tsh_state state;          /* TSH_FREE when the slot is unused */
    int nprocs;                    /* processes in the job (pipeline stages) */
    pid_t pids[TSH_MAXCMDS];       /* their pids in pipeline order; 0 once reaped */
    int status;                    /* wait status of the last stage, once reaped */
    char cmdline[TSH_MAXLINE + 1]; /* the line as typed, without its newline */
};

/*
 * tsh_job_add - adds a job with the smallest free JID, no processes yet.
 * Returns the job, or NULL (and changes nothing) when all TSH_MAXJOBS slots
 * are taken. cmdline is copied, cut at TSH_MAXLINE characters.
 */
struct tsh_job *tsh_job_add(pid_t pgid, enum tsh_state state, const char *cmdline);

/* tsh_job_add_proc - appends pid as the job's next pipeline stage. */
void tsh_job_add_proc(struct tsh_job *job, pid_t pid);

/*
 * tsh_job_reaped - records that pid (a stage of job) ended with wait status
 * status. Returns the number of the job's processes still not reaped.
 */
int tsh_job_reaped(struct tsh_job *job, pid_t pid, int status);

/* tsh_job_delete - frees the job's slot (and so its JID). */
void tsh_job_delete(struct tsh_job *job);

/* Look-ups: NULL when there is no such job. by_pid matches any stage's pid. */
struct tsh_job *tsh_job_by_jid(int jid);
struct tsh_job *tsh_job_by_pid(pid_t pid);
struct tsh_job *tsh_job_fg(void); /* the job in state TSH_FG */

/* tsh_job_count - the number of jobs in the given state. */
int tsh_job_count(enum tsh_state state);

/* tsh_jobs_list - writes the `jobs` output to fd, in JID order. */
void tsh_jobs_list(int fd);

/*
 * Async-signal-safe output (write(2) only; errno is preserved). sio_printf
 * knows %d, %ld, %u, %s, %c and %%, nothing else; output longer than
 * TSH_MAXLINE + 256 bytes is cut. Both return 0, or -1 when write failed.
 */
int sio_write(int fd, const char *buf, size_t len);
int sio_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
