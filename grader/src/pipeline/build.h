/*
 * build.h - builds the staged lab with its Makefile, in the sandbox.
 */
#ifndef OSLABS_BUILD_H
#define OSLABS_BUILD_H

#include <stdbool.h>
#include "pipeline/manifest.h"
#include "pipeline/stage.h"

struct build_result {
    bool ok;
    double time;
    char *summary; /* one line: "compiler errors", "timed out after 120 s", ... */
    char *errors;  /* the compiler's first errors (or the log's end) */
    char *log;     /* the whole captured log */
};

void build_lab(const struct lab *lab, struct stage *st, int jobs, struct build_result *res);
void build_result_free(struct build_result *res);

/* The environment of every untrusted box: a fixed PATH, C locale, HOME and TMPDIR. */
void build_env(struct strv *env, const char *home);

#endif
