/*
 * crashsim.h - the crash checker's data: the syscall trace, the file-system
 * model built from it, and the crash states derived from the model.
 *
 * Theory of operation (main.c runs the steps):
 *   1. run.c runs the setup command, then the workload under `strace -f`
 *      in a fresh work directory, with file descriptor 3 open on an
 *      acknowledgement file;
 *   2. trace.c reads the strace output into calls (tid, name, arguments,
 *      result, the trace lines where the call started and ended);
 *   3. model.c replays the calls on a model of the work directory: fd
 *      tables, inodes, and the list of operations that change them (writes,
 *      truncations, directory entries), each with the line where it
 *      completed and the line of the fsync that made it durable, if any;
 *   4. states.c picks crash points and, at each one, states a POSIX file
 *      system may leave after power loss: every durable operation, plus some
 *      prefix of the others, the last one possibly torn at a sector boundary;
 *   5. run.c writes each state to a directory and runs the lab's checker on
 *      it with the acknowledgements made before the crash; report.c says in
 *      words which state failed.
 */
#ifndef CRASHSIM_H
#define CRASHSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oslabs_util.h"

#define NEVER     (1L << 62) /* a position after every trace line */
#define SECTOR    512u       /* the unit a write can be torn at */
#define MAX_FDS   1024
#define ACK_FD    3 /* the workload writes its acknowledgements here */
#define MAX_TEARS 4 /* tear points tried per torn write */

/* ------------------------------------------------------------------ util.c */

struct bytes {
    unsigned char *p;
    size_t n, cap;
};

void bytes_append(struct bytes *b, const void *p, size_t n);
void bytes_resize(struct bytes *b, size_t n); /* new bytes are zero */
void bytes_copy(struct bytes *dst, const struct bytes *src);
void bytes_free(struct bytes *b);
uint64_t hash_mix(uint64_t h, const void *p, size_t n);
char *path_normalize(const char *base, const char *path); /* absolute, no . or .. */

/* ----------------------------------------------------------------- trace.c */

struct call {
    int tid;
    char name[32];
    char *args;     /* the argument text between the parentheses */
    long long ret;  /* the result, when ok */
    bool ok;        /* completed without error */
    long entry;     /* trace line where it started */
    long exit;      /* trace line where it ended */
    char *err_name; /* "ENOENT", when not ok */
};

struct calls {
    struct call *v;
    size_t n, cap;
};

/* Reads strace -f -X raw -xx output; calls come out in order of completion. */
void trace_read(const char *file, struct calls *out);
/* Splits the argument text at its top-level commas; returns the count. */
int trace_split_args(char *buf, char **argv, int max); /* in place */
/* Decodes a "\x41..." string argument; false if it is not a whole string. */
bool trace_string(const char *arg, struct bytes *out);
/* Decodes a number such as 42, -100, 0x80241 or 0x1200000|17. */
long long trace_number(const char *arg);
/* The number after "key=" in arg (e.g. flags= in a struct), or dflt. */
long long trace_field(const char *arg, const char *key, long long dflt);

/* ----------------------------------------------------------------- model.c */

enum op_kind { OP_WRITE, OP_TRUNC, OP_LINK, OP_UNLINK, OP_RENAME };

/* One change to a file's data or to a directory's entries. */
struct op {
    enum op_kind kind;
    int ino;      /* the file (data ops) or directory (entry ops) changed */
    long pos;     /* trace line where it completed */
    long synced;  /* trace line where an fsync made it durable, or NEVER */
    int event;    /* index in model.events */
    uint64_t off; /* OP_WRITE: data[len] at off */
    uint64_t len;
    unsigned char *data;
    uint64_t size;      /* OP_TRUNC: the new size */
    char *name, *name2; /* LINK name -> target; UNLINK name; RENAME name -> name2 */
    int target;
};

struct entry {
    char *name;
    int ino;
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

struct inode {
    bool dir;
    char *path;               /* relative to the root when last seen, for messages */
    struct bytes base;        /* file content when the workload started */
    struct entries base_ents; /* directory entries when the workload started */
    struct bytes cur;         /* content as the workload sees it */
    struct entries cur_ents;
    int *ops; /* its operations, in order of completion */
    size_t nops, cap;
};

enum event_kind { EV_OP, EV_SYNC, EV_ACK };

/* What a report can name: an operation, an fsync, an acknowledgement. */
struct event {
    enum event_kind kind;
    long pos;
    int tid;
    char *what; /* "write of 120 bytes to log at offset 0" */
};

struct ack {
    long pos;   /* trace line where the acknowledging write started */
    size_t end; /* end of its bytes in model.ackdata */
};

struct model {
    char *root; /* absolute path of the work directory */
    struct inode *inodes;
    size_t ninodes;
    struct op *ops;
    size_t nops;
    struct event *events; /* sorted by pos once built */
    size_t nevents;
    struct ack *acks;
    size_t nacks;
    struct bytes ackdata;
};

/* Starts the model from the work directory as it is now (all durable). */
void model_init(struct model *m, const char *root);
/* Replays the traced calls on it. */
void model_replay(struct model *m, const struct calls *calls);
int entries_find(const struct entries *e, const char *name);
void entries_set(struct entries *e, const char *name, int ino);
void entries_remove(struct entries *e, const char *name);
void entries_copy(struct entries *dst, const struct entries *src);
void entries_free(struct entries *e);

/* ---------------------------------------------------------------- states.c */

enum variant_kind {
    V_NONE,      /* every operation not yet durable is lost */
    V_ALL,       /* every operation reached the disk (as after a process crash) */
    V_PREFIX,    /* the first j not-durable operations reached the disk */
    V_INODE,     /* only the first j of inode ino's; all others lost */
    V_INODE_ALL, /* all others kept; of inode ino's, only the first j */
};

struct variant {
    long p; /* the crash point: everything up to trace line p happened */
    enum variant_kind kind;
    int ino;
    size_t j;
    bool torn; /* the last kept operation is a write cut at tear_at */
    uint64_t tear_at;
    bool zeros; /* ... and the file grew to its end anyway, filled with zeros */
};

/* A materialised state: what the disk holds after the crash. */
struct state_file {
    char *path; /* relative to the state's root */
    bool dir;
    struct bytes data;
};

struct state {
    struct state_file *files;
    size_t n, cap;
    uint64_t hash;
};

/* The operations not durable at p, in order of completion. */
size_t pending_ops(const struct model *m, long p, int **out);
/* Builds the state of variant v; state_free releases it. */
void state_build(const struct model *m, const struct variant *v, struct state *s);
void state_free(struct state *s);
void state_write(const struct state *s, const char *dir);
/* The acknowledgements made before crash point p (their text; their count). */
void acks_text(const struct model *m, long p, struct bytes *out);
size_t acks_count(const struct model *m, long p);

/* ------------------------------------------------------------------- run.c */

struct check_result {
    bool passed;
    char output[4096]; /* what the checker printed, cut */
};

int run_setup(const char *workdir, const char *setup, const char *log);
int run_workload(const char *workdir, char **argv, char **env, const char *trace, const char *acks,
                 const char *log, double timeout);
void run_checker(char **argv, const char *statedir, const char *ackfile, double timeout,
                 struct check_result *r);

/* ----------------------------------------------------------------- fence.c */

/* `crashsim --fence WORK_FD NULL_FD -- PROGRAM...`: PROGRAM may write beneath WORK_FD only. */
int fence_main(int argc, char **argv);

/* A checker in fork-server mode (-S): started once, one state per request. */
struct server {
    int pid;                /* 0 when not running */
    int to, from, verdicts; /* its stdin, its stdout and stderr, its descriptor 3 */
    char buf[8192];         /* verdicts not yet read as lines */
    size_t len;
};

void server_start(struct server *s, char **argv);
void server_check(struct server *s, char **argv, const char *statedir, const char *ackfile,
                  double timeout, struct check_result *r);
void server_stop(struct server *s);

/* ---------------------------------------------------------------- report.c */

void report_failure(const struct model *m, const struct variant *v, const struct state *s,
                    const struct check_result *r, const char *kept_dir, const char *trace);
/* The event that is the last at or before p, or -1. */
long event_at(const struct model *m, long p);

#endif
