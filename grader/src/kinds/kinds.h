/*
 * kinds.h - what each kind of test runs and how its evidence is judged.
 *
 * A run of a test has one or two phases, each a box: the program (or nm),
 * then for some kinds a second step (the strace checker, the trace diff).
 * The scheduler asks kind_spec() for a phase's box, runs it, and hands the
 * result to kind_judge(), which says whether another phase follows; the
 * verdict of the run is then in the context (outcome, reason, details).
 * Each kind is one file of this folder behind one table (kinds.c).
 */
#ifndef OSLABS_KINDS_H
#define OSLABS_KINDS_H

#include <stdbool.h>
#include <sys/types.h>
#include "pipeline/manifest.h"
#include "pipeline/score.h"
#include "sandbox/box.h"

struct run_ctx {
    const struct host *host;
    const struct test *test;
    const char *labdir;
    const char *scratch;
    char *workroot;   /* the work directory, WORK (labdir is WORK/LAB) */
    const char *disk; /* the run's disk quota (sandbox/disk.h), or NULL */
    int run;          /* 0-based repetition */
    uid_t uid;        /* the slot's uid */
    int phase;        /* 0: program, 1: second step */
    struct strv argv, env;
    char *stdin_path;
    struct box_result program; /* the first phase's result, kept for the second */
    char token[33];            /* this run's verdict token (hex), for the harness's line */
    /* the verdict of this run */
    enum outcome outcome;
    enum fault fault;
    char *reason;
    struct strbuf details;
    char *tamper; /* what showed tampering (a forged verdict line), or NULL */
};

/* Fills spec (argv and env live in ctx) for ctx->phase. */
void kind_spec(struct run_ctx *ctx, struct box_spec *spec);

/* Judges a finished phase; true when another phase must run. Takes res. */
bool kind_judge(struct run_ctx *ctx, struct box_result *res);

/* The test's program alone (no valgrind or strace around it) and its
 * environment, for running it by hand under a debugger. */
void kind_debug_command(struct run_ctx *ctx);

/* The run shows tampering (what was seen): it fails with "tampering
 * suspected: what", whatever its verdict was; the first sighting is kept. */
void kind_tampered(struct run_ctx *ctx, const char *what);

void run_ctx_init(struct run_ctx *ctx, const struct host *host, const struct test *t,
                  const char *labdir, const char *scratch, int run, uid_t uid);
void run_ctx_free(struct run_ctx *ctx);

/* The manifest's word for a kind ("trace"), and back (-1: no such kind). */
const char *kind_name(enum kind k);
int kind_lookup(const char *name);

#endif
