/*
 * mode.c - one line for a sandbox weaker than namespaces: what it does not
 * contain (README.md's table, "What each mode protects against"), printed
 * by `grader run` and `grader batch` before they grade.
 */
#define _GNU_SOURCE
#include "sandbox/host.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

char *host_weak_mode(const struct host *h)
{
    struct strbuf s;
    const char *outer = getenv("OSLABS_SANDBOX");
    int all = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS;

    /* docker/grade.sh's container is the sandbox there: it hides the kit, no network */
    if ((h->ns_flags & all) == all || (outer != NULL && strcmp(outer, "container") == 0))
        return NULL;
    sb_init(&s);
    sb_adds(&s, "sandbox weaker than namespaces: a test here can");
    if (!(h->ns_flags & CLONE_NEWNS))
        sb_adds(&s, " read the kit's solutions and hidden tests (also while it is built),"
                    " rewrite the staged lab (flagged as tampering, after the fact),");
    if (!(h->ns_flags & CLONE_NEWNET))
        sb_adds(&s, " reach the network,");
    if (!(h->ns_flags & CLONE_NEWPID))
        sb_adds(&s, h->root ? " see the machine's processes," : " signal the grader itself,");
    s.buf[s.len - 1] = ';';
    sb_adds(&s, " grade untrusted code as root on a host or in the container (make docker-grade)");
    return sb_detach(&s);
}
