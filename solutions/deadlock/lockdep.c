/*
 * lockdep.c - a lock-order validator: finds deadlocks that did not happen.
 *
 * ld_mutex_init, ld_lock, ld_unlock, ld_set_reporter and ld_reset, as
 * include/lockdep.h says. Every ld_mutex is a node (its id) of one global
 * graph guarded by a plain pthread mutex of its own, never held while
 * waiting for an ld_mutex. Each thread keeps the locks it holds in a
 * __thread array. When a thread holding H takes M and the edge H -> M
 * ("H is taken before M") is new, the graph is searched for a path
 * M -> ... -> H first (visiting each node once): if there is one, the new
 * edge closes a cycle, some interleaving of the threads that recorded those
 * edges deadlocks, and M, ..., H is reported, before M is locked. Then the
 * edge is added, so the same cycle is not reported again.
 *
 * Grade it with:  make grade LAB=deadlock ONLY=lockdep-cycle-2-locks
 */
#include "lockdep.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// BEGIN SOLUTION
#define MAX_HELD 64 /* locks one thread may hold at once */

struct node {
    const char *name;
    int *edges; /* ids of the locks taken after this one */
    size_t nedges, cap;
    unsigned seen; /* == graph.generation: visited by the current search */
    int parent;    /* the search's way back */
};

/* The graph of every thread; graph.lock guards every field. graph.lock is a
 * leaf: it is never held while waiting for an ld_mutex or calling out. */
static struct {
    pthread_mutex_t lock;
    struct node *nodes;
    size_t nnodes, cap;
    unsigned generation;
    int *queue; /* the search's breadth-first queue, cap entries */
    void (*report)(const char *const *names, size_t n, void *arg);
    void *report_arg;
} graph = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The locks this thread holds, in the order it took them. */
static __thread ld_mutex_t *held[MAX_HELD];
static __thread size_t nheld;

/* A cycle found under graph.lock, reported after it is released. */
struct cycle {
    const char **names;
    size_t n;
};

static void default_report(const char *const *names, size_t n, void *arg)
{
    (void)arg;
    flockfile(stderr);
    /* DO NOT CHANGE: the grader reads this line */
    fputs("lockdep: possible circular locking dependency: ", stderr);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s -> ", names[i]);
    fprintf(stderr, "%s\n", names[0]);
    funlockfile(stderr);
}

// END SOLUTION

/* ---- Functions you implement ---- */

/* ld_mutex_init - initialises m and makes it known to the validator.
 * 0, or an error number. */
int ld_mutex_init(ld_mutex_t *m, const char *name)
{
    // BEGIN SOLUTION
    int err = 0;

    if (m == NULL || name == NULL)
        return EINVAL;
    pthread_mutex_lock(&graph.lock);
    if (graph.nnodes == graph.cap) {
        size_t cap = graph.cap ? 2 * graph.cap : 64;
        struct node *nodes = realloc(graph.nodes, cap * sizeof(*nodes));
        int *queue = nodes ? realloc(graph.queue, cap * sizeof(*queue)) : NULL;
        if (nodes != NULL)
            graph.nodes = nodes;
        if (queue != NULL) {
            graph.queue = queue;
            graph.cap = cap;
        } else {
            err = ENOMEM;
        }
    }
    if (err == 0) {
        memset(&graph.nodes[graph.nnodes], 0, sizeof(struct node));
        graph.nodes[graph.nnodes].name = name;
        m->id = (int)graph.nnodes++;
        m->name = name;
    }
    pthread_mutex_unlock(&graph.lock);
    if (err == 0)
        err = pthread_mutex_init(&m->mutex, NULL);
    return err;
    // END SOLUTION
    // SKELETON: static int next_id; /* TODO: guard it, and add m to your graph */
    // SKELETON: if (m == NULL || name == NULL)
    // SKELETON:     return EINVAL;
    // SKELETON: m->name = name;
    // SKELETON: m->id = next_id++;
    // SKELETON: return pthread_mutex_init(&m->mutex, NULL);
}

// BEGIN SOLUTION
/* True if the edge from -> to is recorded. Caller holds graph.lock. */
static bool has_edge(int from, int to)
{
    const struct node *f = &graph.nodes[from];

    for (size_t i = 0; i < f->nedges; i++)
        if (f->edges[i] == to)
            return true;
    return false;
}

/* Records from -> to. Caller holds graph.lock. 0 or ENOMEM. */
static int add_edge(int from, int to)
{
    struct node *f = &graph.nodes[from];

    if (f->nedges == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 4;
        int *edges = realloc(f->edges, cap * sizeof(*edges));
        if (edges == NULL)
            return ENOMEM;
        f->edges = edges;
        f->cap = cap;
    }
    f->edges[f->nedges++] = to;
    return 0;
}

/* Breadth-first search for a path start -> ... -> goal. If there is one,
 * returns its names (start first, goal last) in c. Caller holds graph.lock.
 * Each node is visited once, so the search is linear in the graph. */
static bool find_path(int start, int goal, struct cycle *c)
{
    size_t head = 0, tail = 0, len = 0;

    graph.generation++;
    graph.nodes[start].seen = graph.generation;
    graph.nodes[start].parent = -1;
    graph.queue[tail++] = start;
    while (head < tail) {
        int id = graph.queue[head++];
        struct node *nd = &graph.nodes[id];
        if (id == goal)
            break;
        for (size_t i = 0; i < nd->nedges; i++) {
            struct node *next = &graph.nodes[nd->edges[i]];
            if (next->seen == graph.generation)
                continue;
            next->seen = graph.generation;
            next->parent = id;
            graph.queue[tail++] = nd->edges[i];
        }
    }
    if (graph.nodes[goal].seen != graph.generation)
        return false;
    for (int id = goal; id != -1; id = graph.nodes[id].parent)
        len++;
    c->names = malloc(len * sizeof(*c->names));
    c->n = len;
    if (c->names == NULL)
        return false;
    for (int id = goal; id != -1; id = graph.nodes[id].parent)
        c->names[--len] = graph.nodes[id].name;
    return true;
}

/* Calls the reporter (or the default one) for a cycle, then frees it. */
static void report_cycle(struct cycle *c)
{
    void (*report)(const char *const *, size_t, void *);
    void *arg;

    pthread_mutex_lock(&graph.lock);
    report = graph.report ? graph.report : default_report;
    arg = graph.report_arg;
    pthread_mutex_unlock(&graph.lock);
    report(c->names, c->n, arg);
    free(c->names);
}

/* Records "each held lock -> m" and reports every cycle a new edge closes.
 * A self-edge m -> m stands for a reported self-deadlock. */
static void record_edges(ld_mutex_t *m, bool self)
{
    struct cycle found[MAX_HELD + 1];
    size_t nfound = 0;

    pthread_mutex_lock(&graph.lock);
    if (self) {
        if (!has_edge(m->id, m->id) && add_edge(m->id, m->id) == 0) {
            found[0].names = malloc(sizeof(*found[0].names));
            found[0].n = 1;
            if (found[0].names != NULL) {
                found[0].names[0] = m->name;
                nfound = 1;
            }
        }
    } else {
        for (size_t i = 0; i < nheld; i++) {
            int h = held[i]->id;
            if (has_edge(h, m->id))
                continue;
            if (find_path(m->id, h, &found[nfound]))
                nfound++;
            add_edge(h, m->id);
        }
    }
    pthread_mutex_unlock(&graph.lock);
    for (size_t i = 0; i < nfound; i++)
        report_cycle(&found[i]);
}

/* True if this thread holds m. */
static bool holds(const ld_mutex_t *m)
{
    for (size_t i = 0; i < nheld; i++)
        if (held[i] == m)
            return true;
    return false;
}

// END SOLUTION

/* ld_lock - records an edge "H -> m" for every lock H this thread holds,
 * reporting each new cycle once (names[0] is m), then locks m. If this
 * thread already holds m: report the cycle of one, return EDEADLK without
 * blocking. 0, or an error number. */
int ld_lock(ld_mutex_t *m)
{
    // BEGIN SOLUTION
    int err;

    if (m == NULL)
        return EINVAL;
    if (holds(m)) {
        record_edges(m, true);
        return EDEADLK;
    }
    if (nheld == MAX_HELD)
        return ENOMEM;
    record_edges(m, false);
    err = pthread_mutex_lock(&m->mutex);
    if (err == 0)
        held[nheld++] = m;
    return err;
    // END SOLUTION
    // SKELETON: return pthread_mutex_lock(&m->mutex); /* TODO: check and record first */
}

/* ld_unlock - unlocks m, which this thread holds (in any order). 0, or an
 * error number (EPERM if this thread does not hold it). */
int ld_unlock(ld_mutex_t *m)
{
    // BEGIN SOLUTION
    size_t i = nheld;
    int err;

    while (i > 0 && held[i - 1] != m)
        i--;
    if (m == NULL || i == 0)
        return EPERM;
    err = pthread_mutex_unlock(&m->mutex);
    if (err != 0)
        return err;
    memmove(&held[i - 1], &held[i], (nheld - i) * sizeof(held[0]));
    nheld--;
    return 0;
    // END SOLUTION
    // SKELETON: return pthread_mutex_unlock(&m->mutex); /* TODO: forget that it is held */
}

/* ld_set_reporter - report(names, n, arg) is called once per new cycle.
 * Until it is set, cycles are printed to stderr as
 *     lockdep: possible circular locking dependency: A -> B -> A */
void ld_set_reporter(void (*report)(const char *const *names, size_t n, void *arg), void *arg)
{
    // BEGIN SOLUTION
    pthread_mutex_lock(&graph.lock);
    graph.report = report;
    graph.report_arg = arg;
    pthread_mutex_unlock(&graph.lock);
    // END SOLUTION
    // SKELETON: (void)report;
    // SKELETON: (void)arg; /* TODO */
}

/* ld_reset - forgets every recorded edge; the locks stay known. */
void ld_reset(void)
{
    // BEGIN SOLUTION
    pthread_mutex_lock(&graph.lock);
    for (size_t i = 0; i < graph.nnodes; i++)
        graph.nodes[i].nedges = 0;
    pthread_mutex_unlock(&graph.lock);
    // END SOLUTION
    // SKELETON: /* TODO */
}
