/*
 * result.c - what a box leaves: how its program ended, said in words for
 * a report ("killed by signal 11 (SIGSEGV)"), and freeing it.
 */
#define _GNU_SOURCE
#include "sandbox/box.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void box_result_free(struct box_result *res)
{
    free(res->out);
    free(res->err);
    free(res->verdict);
    free(res->backtrace);
    free(res->hang);
    free(res->error);
    memset(res, 0, sizeof(*res));
}

const char *box_end_word(const struct box_result *res, char *buf, size_t size)
{
    switch (res->end) {
    case BOX_EXITED:
        return "exited";
    case BOX_SIGNALED:
        if (res->memory_limit_mb > 0 || res->oom_killer)
            return "out of memory";
        if (res->disk_quota_mb > 0 && res->code == SIGKILL)
            return "disk quota";
        if (res->code == SIGXCPU)
            return "cpu limit";
        snprintf(buf, size, "killed by signal %d", res->code);
        return buf;
    case BOX_TIMEOUT:
        return "timed out";
    case BOX_FLOODED:
        return "output cap";
    case BOX_HUNG:
        return res->memory_limit_mb > 0 ? "out of memory" : "hung";
    case BOX_FAILED:
        return "could not run";
    }
    return "?";
}

char *box_describe_end(const struct box_result *res, double timeout)
{
    char sig[32];

    switch (res->end) {
    case BOX_EXITED:
        return xasprintf("exited with status %d", res->code);
    case BOX_SIGNALED:
        if (res->memory_limit_mb > 0)
            return xasprintf("killed by SIGKILL: out of memory (the test's processes together "
                             "may use %ld MiB)",
                             res->memory_limit_mb);
        if (res->oom_killer)
            return xstrdup("killed by SIGKILL: out of memory (the kernel's out-of-memory killer: "
                           "the machine or the container ran out; files left in /tmp and "
                           "/dev/shm take memory there)");
        if (res->disk_quota_mb > 0 && res->code == SIGKILL)
            return xasprintf("killed by SIGKILL: disk quota of %ld MiB exceeded",
                             res->disk_quota_mb);
        if (res->code == SIGXCPU || (res->code == SIGKILL && res->cpu >= timeout))
            return xasprintf("killed by %s: CPU time limit", signal_name(res->code, sig, 32));
        if (res->code == SIGXFSZ)
            return xasprintf("killed by SIGXFSZ: file size limit");
        return xasprintf("killed by signal %d (%s)", res->code, signal_name(res->code, sig, 32));
    case BOX_TIMEOUT:
        return xasprintf("timed out after %.1f s", timeout);
    case BOX_FLOODED:
        return xasprintf("wrote more than %d KiB of output (an endless loop printing?) and "
                         "was stopped there",
                         BOX_OUTPUT_CAP / 1024);
    case BOX_HUNG:
        if (res->memory_limit_mb > 0)
            return xasprintf(
                "out of memory: the kernel killed some of the test's processes (together "
                "they may use %ld MiB), and the rest then %s",
                res->memory_limit_mb, res->hang ? res->hang : "hung");
        return xstrdup(res->hang ? res->hang : "hung");
    case BOX_FAILED:
        return xstrdup(res->error ? res->error : "sandbox failure");
    }
    return xstrdup("?");
}
