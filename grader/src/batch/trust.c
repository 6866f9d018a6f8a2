/*
 * trust.c - a local batch in a sandbox weaker than namespaces (a plain
 * container, a user without user namespaces) says so, and grades only when
 * the instructor vouches for the submissions with --trust-submissions:
 * there a submission could read the kit's solutions and hidden tests or
 * reach the network (sandbox/mode.c says which).
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "sandbox/host.h"

#include <stdio.h>
#include <stdlib.h>

int trust_check_local(const struct batch *b)
{
    struct host host;
    char *weak;

    host_init(&host);
    host_probe(&host);
    weak = host_weak_mode(&host);
    host_free(&host);
    if (weak == NULL)
        return 0;
    fprintf(stderr, "grader batch: %s\n", weak);
    free(weak);
    if (b->o->trust_submissions)
        return 0;
    fprintf(stderr,
            "grader batch: refusing to grade untrusted submissions in this sandbox. Grade in "
            "containers (--container), as root on a host, or pass --trust-submissions if you "
            "trust every submission.\n");
    return EXIT_USAGE;
}
