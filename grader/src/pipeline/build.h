/*
 * build.h - builds the staged lab with its Makefile, in the sandbox.
 */
#ifndef OSLABS_BUILD_H
#define OSLABS_BUILD_H

#include <stdbool.h>
#include "pipeline/manifest.h"
#include "pipeline/stage.h"
#include "sandbox/host.h"

struct build_result {
    bool ok;
    double time;
    char *summary; /* one line: "compiler errors", "timed out after 120 s", ... */
    char *errors;  /* the compiler's first errors (or the log's end) */
    char *log;     /* the whole captured log */
    bool machine;  /* not ok through the machine's fault (the sandbox could not run make) */
};

/* Runs make (and hidden/'s Makefile, if any) in a box as the build's uid. */
void build_lab(const struct host *host, const struct lab *lab, struct stage *st, int jobs,
               struct build_result *res);
void build_result_free(struct build_result *res);

#endif
