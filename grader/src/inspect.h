/*
 * inspect.h - a lab's manifest, shown and checked (`grader list`, `grader check`).
 */
#ifndef OSLABS_INSPECT_H
#define OSLABS_INSPECT_H

#include "pipeline/manifest.h"

/* The lab, its student files and a table of its tests, on stdout. */
void inspect_list(const struct lab *lab);

/* Student files that shadow the lab's, `expect` and `stdin` files that do
 * not exist: each on stderr, then EXIT_USAGE; else "OK" and 0. */
int inspect_check(const struct lab *lab);

#endif
