/*
 * report.c - says in words which crash state failed: where the power was
 * lost, what of the not-yet-durable work reached the disk, what the disk
 * then held, what had been acknowledged, and what the checker said.
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 12

long event_at(const struct model *m, long p)
{
    long k = -1;

    for (size_t i = 0; i < m->nevents && m->events[i].pos <= p; i++)
        k = (long)i;
    return k;
}

static void say_point(const struct model *m, long p)
{
    long k = event_at(m, p);

    if (k < 0) {
        printf("  Power lost before the workload did anything to its files");
    } else {
        const struct event *e = &m->events[k];
        printf("  Power lost after #%ld %s (thread %d)", k + 1, e->what, e->tid);
    }
    if ((size_t)(k + 1) < m->nevents)
        printf(",\n  before #%ld %s.\n", k + 2, m->events[k + 1].what);
    else
        printf(", at the end of the workload.\n");
}

static const char *tear_words(const struct op *o, const struct variant *v, char *buf, size_t n)
{
    uint64_t kept = v->tear_at > o->off ? v->tear_at - o->off : 0;

    if (v->zeros)
        snprintf(buf, n,
                 "torn: only its first %llu of %llu bytes reached the disk, but the file grew "
                 "to its end, so bytes %llu..%llu read as zeros",
                 (unsigned long long)kept, (unsigned long long)o->len,
                 (unsigned long long)v->tear_at, (unsigned long long)(o->off + o->len - 1));
    else
        snprintf(buf, n, "torn: only its first %llu of %llu bytes reached the disk",
                 (unsigned long long)kept, (unsigned long long)o->len);
    return buf;
}

/* Lists the operations not durable at the crash and what became of each. */
static void say_fates(const struct model *m, const struct variant *v)
{
    int *pend;
    size_t np = pending_ops(m, v->p, &pend), seen_ino = 0, last = np;
    char buf[256];

    if (np == 0) {
        printf("  Everything done so far was durable.\n");
        free(pend);
        return;
    }
    /* Which pending ops were kept: replay the rule of states.c:choose. */
    bool *kept = xcalloc(np, sizeof(bool));
    for (size_t i = 0; i < np; i++) {
        bool mine = m->ops[pend[i]].ino == v->ino;
        switch (v->kind) {
        case V_NONE:
            kept[i] = false;
            break;
        case V_ALL:
            kept[i] = true;
            break;
        case V_PREFIX:
            kept[i] = i < v->j;
            break;
        case V_INODE:
            kept[i] = mine && seen_ino < v->j;
            break;
        case V_INODE_ALL:
            kept[i] = !mine || seen_ino < v->j;
            break;
        }
        if (kept[i] && (v->kind == V_PREFIX || mine))
            last = i;
        if (mine)
            seen_ino++;
    }
    printf("  Not yet durable (no fsync had covered %s): %zu operation%s.\n",
           np == 1 ? "it" : "them", np, np == 1 ? "" : "s");
    for (size_t i = 0; i < np && i < MAX_LISTED; i++) {
        const struct op *o = &m->ops[pend[i]];
        const char *fate = kept[i] ? "reached the disk" : "lost";
        if (kept[i] && v->torn && i == last && o->kind == OP_WRITE)
            fate = tear_words(o, v, buf, sizeof(buf));
        printf("    #%d %s: %s\n", o->event + 1, m->events[o->event].what, fate);
    }
    if (np > MAX_LISTED)
        printf("    ... and %zu more\n", np - MAX_LISTED);
    free(kept);
    free(pend);
}

static void say_disk(const struct state *s)
{
    size_t shown = 0;

    printf("  The disk then held:");
    for (size_t i = 0; i < s->n; i++) {
        if (s->files[i].dir)
            continue;
        if (shown++ == MAX_LISTED) {
            printf(" ...");
            break;
        }
        printf(" %s (%zu bytes)", s->files[i].path, s->files[i].data.n);
    }
    printf("%s\n", shown == 0 ? " no file at all." : ".");
}

static void say_acks(const struct model *m, long p)
{
    size_t n = acks_count(m, p);
    struct bytes text = {0};

    acks_text(m, p, &text);
    if (n == 0) {
        printf("  The workload had reported nothing on descriptor 3 yet.\n");
    } else {
        size_t end = text.n, start;
        while (end > 0 && text.p[end - 1] == '\n')
            end--;
        start = end;
        while (start > 0 && text.p[start - 1] != '\n')
            start--;
        printf("  The workload had reported %zu line%s on descriptor 3, the last \"%.*s\".\n", n,
               n == 1 ? "" : "s", (int)(end - start), (const char *)text.p + start);
    }
    bytes_free(&text);
}

void report_failure(const struct model *m, const struct variant *v, const struct state *s,
                    const struct check_result *r, const char *kept_dir, const char *trace)
{
    say_point(m, v->p);
    say_fates(m, v);
    say_disk(s);
    say_acks(m, v->p);
    printf("  The checker said:\n");
    for (const char *line = r->output; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        printf("    %.*s\n", (int)n, line);
        line += n + (line[n] == '\n');
    }
    if (kept_dir != NULL)
        printf("  This crash state is kept in %s; the strace output in %s.\n", kept_dir, trace);
}
