/*
 * crashsim - checks that a program survives power loss at every point.
 *
 *     crashsim [-s SETUP] [-e NAME=VALUE]... [-m MAX_STATES] [-t SECONDS]
 *              [-T CHECK_SECONDS] [-v] [-S] -c 'CHECKER ARGS' -- WORKLOAD [ARGS...]
 *
 * In a fresh work directory, crashsim runs SETUP with /bin/sh (untraced: what
 * it leaves is durable; it runs in the work directory, so give it absolute
 * paths), then WORKLOAD under `strace -f`, fenced so that it may write only
 * beneath the work directory (fence.c: the trace is out of its reach), with descriptor 3
 * open on a file where the workload writes its acknowledgements (one write
 * per acknowledgement; the checker defines their meaning). Then, for crash
 * points all along the trace and for the states a POSIX file system may leave
 * after a power loss there (see states.c), it writes the state to a directory
 * and runs
 *
 *     CHECKER ARGS STATE_DIR ACK_FILE     (in STATE_DIR)
 *
 * where ACK_FILE holds the acknowledgements made before the crash. The
 * checker exits 0 if the state is acceptable, else explains why. crashsim
 * stops at the first state the checker rejects and says what it was. With
 * -S the checker is started once as a fork server instead (see run.c).
 *
 * States are checked in two rounds: first, at every crash point, "every
 * operation not yet durable was lost" and "all of them reached the disk";
 * then prefixes of them and torn writes. Identical states (with the same
 * acknowledgements) are checked once. The first round must finish within
 * -m states, however long it takes (a slow machine must not fail a correct
 * log: the grader's timeout is the last resort); the second stops when the
 * budget (-m states, -t seconds) is spent.
 *
 * Exit status: 0 every state checked passed; 1 a state failed, or the
 * workload failed, or the first round did not fit the budget; 2 crashsim's
 * own error (no strace, a trace it cannot model).
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
    const char *setup;
    char **env;
    size_t nenv;
    long max_states;
    double budget;
    double check_timeout;
    bool verbose;
    bool server; /* -S: the checker is a fork server (run.c) */
    char **checker;
    char **workload;
};

struct run {
    const struct options *opt;
    struct model *m;
    char *tmp, *trace, *ackfile;
    char *states;   /* where crash states are written */
    uint64_t *seen; /* open-addressing set of checked (state, acks) keys */
    size_t seen_cap, nseen;
    long checked;
    double deadline; /* of the second round only */
    bool round2;
    bool out_of_budget;
    int failed;
    struct server server;
};

static void usage(void)
{
    fprintf(stderr, "usage: crashsim [-s SETUP] [-e NAME=VALUE]... [-m MAX_STATES] [-t SECONDS] "
                    "[-T CHECK_SECONDS] [-v] [-S] -c 'CHECKER ARGS' -- WORKLOAD [ARGS...]\n");
    exit(2);
}

static char **split_words(const char *s)
{
    char *copy = xstrdup(s), *save = NULL;
    char **v = xcalloc(strlen(s) + 2, sizeof(char *));
    size_t n = 0;

    for (char *w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save))
        v[n++] = w;
    return v;
}

static volatile sig_atomic_t interrupted; /* SIGINT or SIGTERM: stop, clean up */

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void absolute_program(char **prog)
{
    char *cwd;

    if ((*prog)[0] == '/' || strchr(*prog, '/') == NULL || (cwd = getcwd(NULL, 0)) == NULL)
        return;
    *prog = xasprintf("%s/%s", cwd, *prog);
    free(cwd);
}

static void parse_options(int argc, char **argv, struct options *o)
{
    int c;

    memset(o, 0, sizeof(*o));
    o->max_states = 3000;
    o->budget = 8;
    o->check_timeout = 10;
    o->env = xcalloc((size_t)argc + 1, sizeof(char *));
    while ((c = getopt(argc, argv, "+s:e:m:t:T:c:vS")) != -1) {
        switch (c) {
        case 's':
            o->setup = optarg;
            break;
        case 'e':
            o->env[o->nenv++] = optarg;
            break;
        case 'm':
            o->max_states = strtol(optarg, NULL, 10);
            break;
        case 't':
            o->budget = strtod(optarg, NULL);
            break;
        case 'T':
            o->check_timeout = strtod(optarg, NULL);
            break;
        case 'c':
            o->checker = split_words(optarg);
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'S':
            o->server = true;
            break;
        default:
            usage();
        }
    }
    if (o->checker == NULL || o->checker[0] == NULL || optind >= argc)
        usage();
    o->workload = argv + optind;
    /* They run in other directories: a relative program path is made
     * absolute here (a bare name is looked up in PATH). */
    absolute_program(&o->checker[0]);
    absolute_program(&o->workload[0]);
}

/* Adds key to the set of checked states; false if it was there already. */
static bool first_time(struct run *r, uint64_t key)
{
    if (key == 0)
        key = 1;
    if (2 * (r->nseen + 1) > r->seen_cap) {
        size_t cap = r->seen_cap ? r->seen_cap * 2 : 1024;
        uint64_t *v = xcalloc(cap, sizeof(uint64_t));
        for (size_t i = 0; i < r->seen_cap; i++)
            if (r->seen[i] != 0) {
                size_t k = r->seen[i] & (cap - 1);
                while (v[k] != 0)
                    k = (k + 1) & (cap - 1);
                v[k] = r->seen[i];
            }
        free(r->seen);
        r->seen = v;
        r->seen_cap = cap;
    }
    size_t k = key & (r->seen_cap - 1);
    while (r->seen[k] != 0) {
        if (r->seen[k] == key)
            return false;
        k = (k + 1) & (r->seen_cap - 1);
    }
    r->seen[k] = key;
    r->nseen++;
    return true;
}

/* Builds the state of v and, if it is new, checks it. False once crashsim
 * must stop (a failure, or the budget is spent). */
static bool try_variant(struct run *r, const struct variant *v)
{
    struct state s;
    struct bytes acks = {0};
    struct check_result res;
    size_t nacks;

    if (interrupted) {
        printf("crashsim: interrupted after %ld states\n", r->checked);
        r->failed = 1;
        return false;
    }
    if (r->checked >= r->opt->max_states || (r->round2 && now_seconds() > r->deadline)) {
        r->out_of_budget = true;
        return false;
    }
    state_build(r->m, v, &s);
    nacks = acks_count(r->m, v->p);
    if (!first_time(r, s.hash ^ (nacks * 0x9e3779b97f4a7c15ULL))) {
        state_free(&s);
        return true;
    }
    char *dir = xasprintf("%s/state.%ld", r->states, r->checked);
    state_write(&s, dir);
    acks_text(r->m, v->p, &acks);
    FILE *f = fopen(r->ackfile, "wb");
    if (f == NULL || fwrite(acks.p, 1, acks.n, f) != acks.n || fclose(f) != 0)
        die("cannot write %s", r->ackfile);
    if (r->opt->server)
        server_check(&r->server, r->opt->checker, dir, r->ackfile, r->opt->check_timeout, &res);
    else
        run_checker(r->opt->checker, dir, r->ackfile, r->opt->check_timeout, &res);
    r->checked++;
    if (r->opt->verbose)
        printf("crashsim: state %ld (line %ld, variant %d, j %zu%s): %s\n", r->checked, v->p,
               (int)v->kind, v->j, v->torn ? ", torn" : "", res.passed ? "ok" : "FAILED");
    if (!res.passed) {
        /* Keep the state as it was before the checker touched it. */
        char *keep = xasprintf("%s/failed-acks.txt", r->tmp);
        char *kept = xasprintf("%s/failed-state", r->tmp);
        f = fopen(keep, "wb");
        if (f != NULL) {
            fwrite(acks.p, 1, acks.n, f);
            fclose(f);
        }
        state_write(&s, kept);
        printf("crashsim: FAILED at crash state %ld (of those checked so far)\n", r->checked);
        report_failure(r->m, v, &s, &res, kept, r->trace);
        printf("  The acknowledgements the checker got are in %s.\n", keep);
        free(keep);
        free(kept);
        r->failed = 1;
    }
    remove_tree(dir);
    free(dir);
    bytes_free(&acks);
    state_free(&s);
    return !r->failed;
}

/* The sector boundaries at which write o may be torn (at most MAX_TEARS). */
static size_t tear_points(const struct op *o, uint64_t *out)
{
    uint64_t first = (o->off / SECTOR + 1) * SECTOR, end = o->off + o->len;
    size_t count = first < end ? (size_t)((end - 1 - first) / SECTOR + 1) : 0;

    if (count <= MAX_TEARS) {
        for (size_t i = 0; i < count; i++)
            out[i] = first + i * SECTOR;
        return count;
    }
    for (size_t i = 0; i < MAX_TEARS; i++)
        out[i] = first + (uint64_t)(i * (count - 1) / (MAX_TEARS - 1)) * SECTOR;
    return MAX_TEARS;
}

/* Tries v, then v with its last kept operation torn, if that is a write. */
static bool with_tears(struct run *r, struct variant v, int last_op)
{
    uint64_t at[MAX_TEARS];
    const struct op *o;

    if (!try_variant(r, &v))
        return false;
    if (last_op < 0 || (o = &r->m->ops[last_op])->kind != OP_WRITE)
        return true;
    size_t n = tear_points(o, at);
    v.torn = true;
    v.zeros = true;
    v.tear_at = o->off;
    if (!try_variant(r, &v))
        return false;
    for (size_t i = 0; i < n; i++) {
        v.tear_at = at[i];
        v.zeros = false;
        if (!try_variant(r, &v))
            return false;
        v.zeros = true;
        if (!try_variant(r, &v))
            return false;
    }
    return true;
}

/* Round 2 at crash point p: prefixes, per-inode prefixes, torn writes. */
static bool partial_states(struct run *r, long p)
{
    int *pend;
    size_t np = pending_ops(r->m, p, &pend);
    bool go = true;

    for (size_t j = 1; j <= np && go; j++)
        go = with_tears(r, (struct variant){.p = p, .kind = V_PREFIX, .j = j}, pend[j - 1]);
    /* With several files pending, each one's prefixes, the others all lost
     * or all kept. */
    for (size_t i = 0; i < np && go; i++) {
        int ino = r->m->ops[pend[i]].ino;
        bool first = true, alone = true;
        for (size_t k = 0; k < np; k++) {
            first = first && !(k < i && r->m->ops[pend[k]].ino == ino);
            alone = alone && r->m->ops[pend[k]].ino == ino;
        }
        if (!first || alone)
            continue;
        size_t j = 0;
        for (size_t k = 0; k < np && go; k++) {
            if (r->m->ops[pend[k]].ino != ino)
                continue;
            j++;
            go = with_tears(r, (struct variant){.p = p, .kind = V_INODE, .ino = ino, .j = j},
                            pend[k]);
            if (go)
                go = with_tears(
                    r, (struct variant){.p = p, .kind = V_INODE_ALL, .ino = ino, .j = j}, pend[k]);
        }
        if (go)
            go = try_variant(r, &(struct variant){.p = p, .kind = V_INODE_ALL, .ino = ino});
    }
    free(pend);
    return go;
}

static int check_all(struct run *r)
{
    const struct model *m = r->m;
    long *points = xmalloc((m->nevents + 1) * sizeof(long));
    size_t np = 0;
    bool round1 = true;

    points[np++] = 0;
    for (size_t i = 0; i < m->nevents; i++)
        if (m->events[i].pos != points[np - 1])
            points[np++] = m->events[i].pos;
    for (size_t i = 0; i < np && round1; i++) {
        round1 = try_variant(r, &(struct variant){.p = points[i], .kind = V_NONE}) &&
                 try_variant(r, &(struct variant){.p = points[i], .kind = V_ALL});
    }
    if (r->failed)
        return 1;
    if (!round1) {
        printf("crashsim: FAILED: the budget of %ld states ran out before every crash point was "
               "checked once (%zu crash points, %zu operations). "
               "Does the workload make many small writes?\n",
               r->opt->max_states, np, m->nops);
        return 1;
    }
    r->round2 = true;
    for (size_t i = 0; i < np && partial_states(r, points[i]); i++)
        ;
    free(points);
    return r->failed;
}

/* Prints the last n lines of file (the workload's output, say). */
static void print_tail(const char *file, int n)
{
    FILE *f = fopen(file, "r");
    char *lines[64] = {0}, *line = NULL;
    size_t cap = 0;
    long k = 0;

    if (f == NULL)
        return;
    if (n > 64)
        n = 64;
    while (getline(&line, &cap, f) >= 0) {
        free(lines[k % n]);
        lines[k++ % n] = xstrdup(line);
    }
    for (long i = k > n ? k - n : 0; i < k; i++) {
        printf("  | %s", lines[i % n]);
        if (lines[i % n][strlen(lines[i % n]) - 1] != '\n')
            printf("\n");
    }
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(line);
    fclose(f);
}

/* Removes what crashsim made, except what a failure report points to. */
static int finish(struct run *r, int rc)
{
    remove_tree(r->states);
    if (rc == 0)
        remove_tree(r->tmp);
    return rc;
}

static void summary(const struct model *m, long checked, double secs, bool cut)
{
    size_t writes = 0, syncs = 0;

    for (size_t i = 0; i < m->nops; i++)
        writes += m->ops[i].kind == OP_WRITE;
    for (size_t i = 0; i < m->nevents; i++)
        syncs += m->events[i].kind == EV_SYNC;
    printf("crashsim: ok: %ld distinct crash states checked in %.1f s (%zu writes, %zu fsyncs, "
           "%zu acknowledgements traced)%s\n",
           checked, secs, writes, syncs, m->nacks,
           cut ? "; the budget ran out before every torn or partial state was tried" : "");
}

int main(int argc, char **argv)
{
    struct options opt;
    struct model m;
    struct calls calls = {0};
    struct run r = {0};
    const char *tmpdir = getenv("TMPDIR");
    double start = now_seconds();
    int status;

    if (argc > 1 && strcmp(argv[1], "--fence") == 0)
        return fence_main(argc, argv);
    parse_options(argc, argv, &opt);
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    r.opt = &opt;
    r.m = &m;
    r.tmp = xasprintf("%s/crashsim.XXXXXX", tmpdir != NULL && *tmpdir ? tmpdir : "/tmp");
    if (mkdtemp(r.tmp) == NULL)
        die("mkdtemp %s: %s", r.tmp, strerror(errno));
    /* Crash states are many small directories: on tmpfs when there is one. */
    r.states = xstrdup("/dev/shm/crashsim.XXXXXX");
    if (mkdtemp(r.states) == NULL) {
        free(r.states);
        r.states = xasprintf("%s/states", r.tmp);
        if (mkdir(r.states, 0755) < 0)
            die("mkdir %s: %s", r.states, strerror(errno));
    }
    r.ackfile = xasprintf("%s/acks.txt", r.states);
    char *work = xasprintf("%s/work", r.tmp), *log = xasprintf("%s/workload.log", r.tmp);
    char *rawacks = xasprintf("%s/acks.raw", r.tmp);
    r.trace = xasprintf("%s/strace.out", r.tmp);
    if (mkdir(work, 0755) < 0)
        die("mkdir %s: %s", work, strerror(errno));
    char *root = realpath(work, NULL);
    if (root == NULL)
        die("realpath %s: %s", work, strerror(errno));

    if (opt.setup != NULL && (status = run_setup(work, opt.setup, log)) != 0) {
        printf("crashsim: the setup command failed (status %d): %s\n", status, opt.setup);
        print_tail(log, 20);
        return finish(&r, 2);
    }
    model_init(&m, root); /* what the setup left is durable */
    status = run_workload(work, opt.workload, opt.env, r.trace, rawacks, log, opt.budget + 20);
    if (status == 127) {
        print_tail(log, 5);
        return finish(&r, 2);
    }
    if (status != 0) {
        if (status < 0)
            printf("crashsim: FAILED: the workload did not finish within %.0f s; its output:\n",
                   opt.budget + 20);
        else
            printf("crashsim: FAILED: the workload itself failed (exit status %d) before any "
                   "crash; its output:\n",
                   status);
        print_tail(log, 20);
        return finish(&r, 1);
    }
    trace_read(r.trace, &calls);
    model_replay(&m, &calls);
    r.deadline = start + opt.budget;
    int rc = check_all(&r);
    server_stop(&r.server);
    if (rc == 0)
        summary(&m, r.checked, now_seconds() - start, r.out_of_budget);
    return finish(&r, rc);
}
