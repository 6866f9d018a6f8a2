/*
 * kind.h - one kind of test, as the table in kinds.c sees it, and what the
 * kinds share: common.c (context, paths, argv, evidence) and program.c (how
 * a program's end and the harness's verdict are judged). Private to kinds/.
 */
#ifndef OSLABS_KIND_H
#define OSLABS_KIND_H

#include "kinds/kinds.h"

#define SHOW_BYTES      4096 /* of each output stream, in a report */
#define SHOW_LINES      60   /* of a valgrind log or a diff */
#define SHOW_LINE_WIDTH 240
#define LOG_MAX         (1 << 20)

struct kind_ops {
    const char *name; /* the manifest's word */
    /* Fills argv, env and the kind's own fields of spec for ctx->phase
     * (the common defaults are set already). */
    void (*spec)(struct run_ctx *ctx, struct box_spec *spec);
    /* Judges a finished phase into ctx; true when another phase must run. */
    bool (*judge)(struct run_ctx *ctx, struct box_result *res);
};

extern const struct kind_ops kind_cmocka, kind_exec, kind_trace, kind_valgrind, kind_strace,
    kind_symbols;

/* Paths: $LAB and $SCRATCH expanded; a lab path relative to the lab directory. */
char *kind_expand(const struct run_ctx *ctx, const char *s);
char *kind_lab_path(const struct run_ctx *ctx, const char *p);
/* Evidence of a tool (ext "strace", "valgrind") beside the scratch
 * directory, out of the fenced program's reach; create makes it empty and
 * the box's. */
char *kind_evidence_path(const struct run_ctx *ctx, const char *ext, bool create);
/* Pushes `grader fence SCRATCH [--valgrind-log LOG] --` (sandbox/fence.h)
 * before a program; false where the box could not run the grader. */
bool kind_push_fence(struct run_ctx *ctx, const char *valgrind_log);

/* A cmocka program (binary + case), judged by the harness's verdict. */
bool kind_uses_harness(const struct test *t);

/* Appends the test's own program (words, or binary --run case) to ctx->argv. */
void kind_push_program(struct run_ctx *ctx, const char *words);
/* The test's environment (with OSLABS_VERDICT_FD when verdict). */
void kind_push_env(struct run_ctx *ctx, bool verdict);
/* The program's box: its argv and env, the verdict pipe, caps and limits. */
void kind_program_spec(struct run_ctx *ctx, struct box_spec *spec);

/* The program's box, with a gdb backtrace of every thread on a timeout. */
void kind_backtraced_spec(struct run_ctx *ctx, struct box_spec *spec);
/* Judged by how the program ended (and the harness's verdict), with its output. */
bool kind_judge_exit(struct run_ctx *ctx, struct box_result *r);

/* The run failed, for this reason (the first reason given is kept). */
void kind_fail(struct run_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The run failed through the machine's fault (the sandbox, a tool that
 * crashed), not the program's: "error (environment): ..." (FAULT_MACHINE). */
void kind_fail_machine(struct run_ctx *ctx, const char *why);

/* The line where valgrind says that it crashed itself ("the 'impossible'
 * happened", an internal error), or NULL: its own bug, not the program's. */
const char *valgrind_crash_line(const char *log);

/* Evidence: one captured stream, sanitised and shortened; both streams of
 * r; at most max lines of a log or diff. */
void kind_show_stream(struct strbuf *d, const char *name, const char *data, size_t len,
                      size_t dropped);
void kind_show_output(struct run_ctx *ctx, const struct box_result *r);
void kind_show_lines(struct strbuf *d, const char *title, const char *text, int max);

/* How the program ended (status, signal, timeout) and, for a harness
 * program, its verdict. */
void kind_judge_program(struct run_ctx *ctx, const struct box_result *r);

/* The harness (program.c): its verdict into ctx; cmocka's own words for a
 * failed assertion with its location, or NULL (a new string). */
void harness_judge(struct run_ctx *ctx, const struct box_result *r);

/* The harness's verdict line (verdict.c): 0 and failed, skipped; -1 when
 * there is none; -2 when the pipe shows tampering, described in *tamper. */
int verdict_read(const struct run_ctx *ctx, const struct box_result *r, int *failed, int *skipped,
                 char **tamper);
char *harness_error(const struct box_result *r);

#endif
