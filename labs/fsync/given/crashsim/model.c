/*
 * model.c - replays the traced calls on a model of the work directory.
 *
 * The model knows what the workload saw (each inode's current content and
 * entries) and, for the crash states, the history: every operation that
 * changed a file's data (write, truncate) or a directory's entries (create,
 * unlink, rename), in order of completion, each marked with the line of the
 * fsync that made it durable. The rules are POSIX's, not ext4's:
 *   - fsync or fdatasync of a file makes durable its data operations that
 *     completed before the fsync started;
 *   - fsync of a directory makes durable its entry operations (a file's
 *     name survives only once its directory is synced, not with the file);
 *   - sync and syncfs make everything durable; sync_file_range nothing;
 *   - a write on an O_SYNC or O_DSYNC descriptor is durable when it returns.
 *
 * File descriptors are followed per process (threads share a table, fork
 * copies it), with each open file's offset, so that write() lands where it
 * did. Paths outside the work directory are not modelled. Descriptor 3 of
 * the workload is the acknowledgement channel: what is written there is kept
 * with the line where the write started.
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Raw flag values (strace -X raw prints numbers; these are x86-64 Linux's). */
#define RAW_O_CREAT             0x40
#define RAW_O_TRUNC             0x200
#define RAW_O_APPEND            0x400
#define RAW_O_DSYNC             0x1000
#define RAW_O_DIRECTORY         0x10000
#define RAW_O_CLOEXEC           0x80000
#define RAW_O_PATH              0x200000
#define RAW_CLONE_FILES         0x400
#define RAW_RWF_DSYNC           0x2
#define RAW_RWF_SYNC            0x4
#define RAW_RWF_APPEND          0x10
#define RAW_AT_REMOVEDIR        0x200
#define RAW_RENAME_EXCHANGE     0x2
#define RAW_F_DUPFD             0
#define RAW_F_SETFD             2
#define RAW_F_DUPFD_CLOEXEC     1030
#define RAW_CLOSE_RANGE_CLOEXEC 4

enum ofd_kind { K_OTHER, K_FILE, K_DIR, K_ACK };

/* An open file description: shared by dup'ed descriptors and across fork. */
struct ofd {
    enum ofd_kind kind;
    int ino;
    uint64_t offset;
    bool append, sync;
    char *abspath;
};

struct fdtab {
    struct ofd *fd[MAX_FDS];
    bool cloexec[MAX_FDS];
    char *cwd;
};

struct proc {
    int tid;
    struct fdtab *tab;
};

static struct model *M;
static struct proc *procs;
static size_t nprocs;
static const struct call *cur; /* the call being replayed, for messages */

static void unsupported(const char *what)
{
    die("cannot model %s (trace line %ld: %s(%.200s)); use write/pwrite/writev, fsync and "
        "rename on regular files and directories",
        what, cur->exit, cur->name, cur->args);
}

/* ------------------------------------------------------------ entries */

int entries_find(const struct entries *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].name, name) == 0)
            return e->v[i].ino;
    return -1;
}

void entries_set(struct entries *e, const char *name, int ino)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].name, name) == 0) {
            e->v[i].ino = ino;
            return;
        }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
    }
    e->v[e->n].name = xstrdup(name);
    e->v[e->n++].ino = ino;
}

void entries_remove(struct entries *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].name, name) == 0) {
            free(e->v[i].name);
            e->v[i] = e->v[--e->n];
            return;
        }
}

void entries_copy(struct entries *dst, const struct entries *src)
{
    entries_free(dst);
    for (size_t i = 0; i < src->n; i++)
        entries_set(dst, src->v[i].name, src->v[i].ino);
}

void entries_free(struct entries *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].name);
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

/* -------------------------------------------------------------- inodes */

static int new_inode(bool dir, const char *path)
{
    M->inodes = xrealloc(M->inodes, (M->ninodes + 1) * sizeof(*M->inodes));
    struct inode *in = &M->inodes[M->ninodes];
    memset(in, 0, sizeof(*in));
    in->dir = dir;
    in->path = xstrdup(path[0] ? path : ".");
    return (int)M->ninodes++;
}

/* Reads the work directory into inodes: the durable state before the crash. */
static void snapshot(int ino, const char *abs, const char *rel)
{
    DIR *d = opendir(abs);
    struct dirent *de;

    if (d == NULL)
        die("cannot read %s", abs);
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *a = xasprintf("%s/%s", abs, de->d_name);
        char *r = rel[0] ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
        struct stat st;
        if (lstat(a, &st) < 0)
            die("cannot stat %s", a);
        if (S_ISDIR(st.st_mode)) {
            int child = new_inode(true, r);
            snapshot(child, a, r);
            entries_set(&M->inodes[ino].base_ents, de->d_name, child);
        } else if (S_ISREG(st.st_mode)) {
            int child = new_inode(false, r);
            FILE *f = fopen(a, "rb");
            char buf[65536];
            size_t n;
            if (f == NULL)
                die("cannot read %s", a);
            while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                bytes_append(&M->inodes[child].base, buf, n);
            fclose(f);
            entries_set(&M->inodes[ino].base_ents, de->d_name, child);
        } else {
            die("the work directory holds %s, which is neither a file nor a directory", r);
        }
        free(a);
        free(r);
    }
    closedir(d);
    entries_copy(&M->inodes[ino].cur_ents, &M->inodes[ino].base_ents);
    for (size_t i = 0; i < M->inodes[ino].cur_ents.n; i++) {
        struct inode *c = &M->inodes[M->inodes[ino].cur_ents.v[i].ino];
        if (!c->dir)
            bytes_copy(&c->cur, &c->base);
    }
}

/* The path relative to the root if abs is inside the work directory. */
static const char *rel_of(const char *abs)
{
    size_t n = strlen(M->root);

    if (strcmp(abs, M->root) == 0)
        return "";
    if (strncmp(abs, M->root, n) == 0 && abs[n] == '/')
        return abs + n + 1;
    return NULL;
}

/* The inode at rel in the current tree, or -1. */
static int lookup(const char *rel)
{
    char *copy = xstrdup(rel), *save = NULL;
    int ino = 0;

    for (char *c = strtok_r(copy, "/", &save); c != NULL && ino >= 0;
         c = strtok_r(NULL, "/", &save))
        ino = M->inodes[ino].dir ? entries_find(&M->inodes[ino].cur_ents, c) : -1;
    free(copy);
    return ino;
}

/* Splits rel into its parent directory's inode and its last name. */
static int parent_of(const char *rel, char **name)
{
    const char *slash = strrchr(rel, '/');
    int parent;

    if (slash == NULL) {
        *name = xstrdup(rel);
        return 0;
    }
    char *dir = strndup(rel, (size_t)(slash - rel));
    parent = lookup(dir);
    free(dir);
    *name = xstrdup(slash + 1);
    if (parent < 0 || !M->inodes[parent].dir)
        die("trace line %ld: the directory of %s is unknown", cur->exit, rel);
    return parent;
}

/* -------------------------------------------------------------- events */

static int add_event(enum event_kind kind, long pos, char *what)
{
    M->events = xrealloc(M->events, (M->nevents + 1) * sizeof(*M->events));
    M->events[M->nevents] = (struct event){kind, pos, cur->tid, what};
    return (int)M->nevents++;
}

/* Applies op to the current state (what the workload sees). */
static void apply_current(const struct op *o)
{
    struct inode *in = &M->inodes[o->ino];

    switch (o->kind) {
    case OP_WRITE:
        if (in->cur.n < o->off + o->len)
            bytes_resize(&in->cur, o->off + o->len);
        memcpy(in->cur.p + o->off, o->data, o->len);
        break;
    case OP_TRUNC:
        bytes_resize(&in->cur, o->size);
        break;
    case OP_LINK:
        entries_set(&in->cur_ents, o->name, o->target);
        break;
    case OP_UNLINK:
        entries_remove(&in->cur_ents, o->name);
        break;
    case OP_RENAME: {
        int t = entries_find(&in->cur_ents, o->name);
        entries_remove(&in->cur_ents, o->name);
        entries_set(&in->cur_ents, o->name2, t);
        break;
    }
    }
}

/* Records op (completed at the current call's exit) and describes it. */
static void add_op(struct op o, char *what, bool durable)
{
    o.pos = cur->exit;
    o.synced = durable ? cur->exit : NEVER;
    o.event = add_event(EV_OP, cur->exit, what);
    M->ops = xrealloc(M->ops, (M->nops + 1) * sizeof(*M->ops));
    M->ops[M->nops] = o;
    struct inode *in = &M->inodes[o.ino];
    if (in->nops == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->ops = xrealloc(in->ops, in->cap * sizeof(*in->ops));
    }
    in->ops[in->nops++] = (int)M->nops;
    apply_current(&M->ops[M->nops++]);
}

/* fsync of ino: its operations completed before the call started are durable. */
static void sync_inode(int ino)
{
    struct inode *in = &M->inodes[ino];

    for (size_t i = 0; i < in->nops; i++) {
        struct op *o = &M->ops[in->ops[i]];
        if (o->pos < cur->entry && o->synced == NEVER)
            o->synced = cur->exit;
    }
}

/* -------------------------------------------------------- descriptors */

static struct proc *proc_of(int tid)
{
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].tid == tid)
            return &procs[i];
    /* The workload's first thread, or one whose clone was not seen: it gets
     * the first table. */
    procs = xrealloc(procs, (nprocs + 1) * sizeof(*procs));
    procs[nprocs].tid = tid;
    if (nprocs > 0) {
        procs[nprocs].tab = procs[0].tab;
    } else {
        struct fdtab *t = xcalloc(1, sizeof(*t));
        struct ofd *ack = xcalloc(1, sizeof(*ack));
        ack->kind = K_ACK;
        ack->abspath = xstrdup("(acknowledgements)");
        t->fd[ACK_FD] = ack;
        t->cwd = xstrdup(M->root);
        procs[nprocs].tab = t;
    }
    return &procs[nprocs++];
}

static void spawn(int parent, int child, bool share)
{
    struct fdtab *pt = proc_of(parent)->tab, *t = pt;

    if (!share) {
        t = xcalloc(1, sizeof(*t));
        memcpy(t->fd, pt->fd, sizeof(t->fd));
        memcpy(t->cloexec, pt->cloexec, sizeof(t->cloexec));
        t->cwd = xstrdup(pt->cwd);
    }
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].tid == child) {
            procs[i].tab = t;
            return;
        }
    procs = xrealloc(procs, (nprocs + 1) * sizeof(*procs));
    procs[nprocs++] = (struct proc){child, t};
}

static struct ofd *fd_get(struct fdtab *t, long long fd)
{
    return fd >= 0 && fd < MAX_FDS ? t->fd[fd] : NULL;
}

static void fd_put(struct fdtab *t, long long fd, struct ofd *o, bool cloexec)
{
    if (fd < 0 || fd >= MAX_FDS)
        die("trace line %ld: descriptor %lld is too large to follow", cur->exit, fd);
    t->fd[fd] = o;
    t->cloexec[fd] = cloexec;
}

/* The absolute path of path relative to dirfd (AT_FDCWD = -100). */
static char *resolve(struct fdtab *t, long long dirfd, const char *path)
{
    const char *base = t->cwd;

    if (path[0] != '/' && dirfd != -100) {
        struct ofd *d = fd_get(t, dirfd);
        base = d != NULL && d->abspath != NULL ? d->abspath : "/nonexistent-crashsim-dir";
    }
    return path_normalize(base, path);
}

/* --------------------------------------------------------------- calls */

#define MAX_ARGS 8

static char *arg_string(char *arg, const char *what)
{
    struct bytes b = {0};

    if (!trace_string(arg, &b))
        die("trace line %ld: strace cut the %s of %s(); raise its -s", cur->exit, what, cur->name);
    bytes_append(&b, "", 1);
    return (char *)b.p;
}

static void do_open(struct fdtab *t, long long dirfd, char *patharg, long long flags)
{
    char *path = arg_string(patharg, "path");
    char *abs = resolve(t, dirfd, path);
    const char *rel = rel_of(abs);
    struct ofd *o = xcalloc(1, sizeof(*o));

    o->abspath = abs;
    o->kind = K_OTHER;
    if (rel != NULL && !(flags & RAW_O_PATH)) {
        int ino = lookup(rel);
        if (ino < 0) {
            char *name;
            int parent = parent_of(rel, &name);
            if (!(flags & RAW_O_CREAT))
                die("trace line %ld: %s was opened but the model has no such file", cur->exit, rel);
            ino = new_inode(false, rel);
            add_op((struct op){.kind = OP_LINK, .ino = parent, .name = name, .target = ino},
                   xasprintf("creation of %s", rel), false);
        } else if ((flags & RAW_O_TRUNC) && !M->inodes[ino].dir && M->inodes[ino].cur.n > 0) {
            add_op((struct op){.kind = OP_TRUNC, .ino = ino, .size = 0},
                   xasprintf("truncation of %s to 0 bytes (O_TRUNC)", rel), false);
        }
        free(M->inodes[ino].path);
        M->inodes[ino].path = xstrdup(rel[0] ? rel : ".");
        o->ino = ino;
        o->kind = M->inodes[ino].dir ? K_DIR : K_FILE;
        o->append = (flags & RAW_O_APPEND) != 0;
        o->sync = (flags & RAW_O_DSYNC) != 0;
    }
    fd_put(t, cur->ret, o, (flags & RAW_O_CLOEXEC) != 0);
    free(path);
}

/* A write of data to o at off (or at its end, for O_APPEND). */
static void do_write(struct ofd *o, const struct bytes *data, long long off, bool sync,
                     bool move_offset)
{
    if (o->kind == K_ACK) {
        bytes_append(&M->ackdata, data->p, data->n);
        M->acks = xrealloc(M->acks, (M->nacks + 1) * sizeof(*M->acks));
        M->acks[M->nacks++] = (struct ack){cur->entry, M->ackdata.n};
        char shown[48];
        size_t k = 0;
        for (size_t i = 0; i < data->n && k + 1 < sizeof(shown); i++)
            if (data->p[i] >= ' ' && data->p[i] < 127)
                shown[k++] = (char)data->p[i];
        shown[k] = '\0';
        M->events = xrealloc(M->events, (M->nevents + 1) * sizeof(*M->events));
        M->events[M->nevents++] = (struct event){EV_ACK, cur->entry, cur->tid,
                                                 xasprintf("acknowledgement \"%s\"", shown)};
        return;
    }
    if (o->kind != K_FILE)
        return;
    struct inode *in = &M->inodes[o->ino];
    uint64_t at = o->append ? in->cur.n : (uint64_t)off;
    struct op w = {.kind = OP_WRITE, .ino = o->ino, .off = at, .len = data->n};
    w.data = xmalloc(data->n);
    memcpy(w.data, data->p, data->n);
    add_op(w,
           xasprintf("write of %zu bytes to %s at offset %llu%s", data->n, in->path,
                     (unsigned long long)at, sync || o->sync ? " (O_DSYNC)" : ""),
           sync || o->sync);
    if (move_offset)
        o->offset = at + data->n;
}

/* The bytes of an iovec array argument, cut to the n written. */
static void iov_data(const char *arg, size_t n, struct bytes *out)
{
    struct bytes part = {0};

    out->n = 0;
    for (const char *p = strstr(arg, "iov_base="); p != NULL && out->n < n;
         p = strstr(p + 1, "iov_base=")) {
        if (!trace_string(p + strlen("iov_base="), &part))
            die("trace line %ld: strace cut the data of %s(); raise its -s", cur->exit, cur->name);
        bytes_append(out, part.p, part.n);
    }
    bytes_free(&part);
    if (out->n < n)
        die("trace line %ld: %s() wrote %zu bytes but the trace shows %zu", cur->exit, cur->name, n,
            out->n);
    out->n = n;
}

static void do_sync(struct ofd *o, const char *how)
{
    if (o == NULL || (o->kind != K_FILE && o->kind != K_DIR))
        return;
    struct inode *in = &M->inodes[o->ino];
    sync_inode(o->ino);
    add_event(EV_SYNC, cur->exit,
              xasprintf("%s of %s%s", how, in->dir ? "directory " : "", in->path));
}

static void do_unlink(struct fdtab *t, long long dirfd, char *patharg)
{
    char *path = arg_string(patharg, "path");
    char *abs = resolve(t, dirfd, path);
    const char *rel = rel_of(abs);

    if (rel != NULL && rel[0] != '\0') {
        char *name;
        int parent = parent_of(rel, &name);
        add_op((struct op){.kind = OP_UNLINK, .ino = parent, .name = name},
               xasprintf("unlink of %s", rel), false);
    }
    free(abs);
    free(path);
}

static void do_rename(struct fdtab *t, long long ofd, char *oldarg, long long nfd, char *newarg)
{
    char *op = arg_string(oldarg, "path"), *np = arg_string(newarg, "path");
    char *oa = resolve(t, ofd, op), *na = resolve(t, nfd, np);
    const char *orel = rel_of(oa), *nrel = rel_of(na);

    if (orel != NULL && nrel != NULL) {
        char *oname, *nname;
        int op_ = parent_of(orel, &oname), np_ = parent_of(nrel, &nname);
        int ino = lookup(orel);
        char *what = xasprintf("rename of %s to %s", orel, nrel);
        if (ino < 0)
            die("trace line %ld: %s was renamed but the model has no such file", cur->exit, orel);
        if (op_ == np_) {
            add_op((struct op){.kind = OP_RENAME, .ino = op_, .name = oname, .name2 = nname}, what,
                   false);
        } else {
            add_op((struct op){.kind = OP_UNLINK, .ino = op_, .name = oname}, what, false);
            add_op((struct op){.kind = OP_LINK, .ino = np_, .name = nname, .target = ino},
                   xstrdup(what), false);
        }
        free(M->inodes[ino].path);
        M->inodes[ino].path = xstrdup(nrel);
    } else if (orel != NULL) {
        free(oa);
        oa = NULL;
        do_unlink(t, -100, oldarg);
    } else if (nrel != NULL) {
        unsupported("a rename into the work directory from outside it");
    }
    free(oa);
    free(na);
    free(op);
    free(np);
}

static void do_mkdir(struct fdtab *t, long long dirfd, char *patharg)
{
    char *path = arg_string(patharg, "path");
    char *abs = resolve(t, dirfd, path);
    const char *rel = rel_of(abs);

    if (rel != NULL && rel[0] != '\0') {
        char *name;
        int parent = parent_of(rel, &name);
        int ino = new_inode(true, rel);
        add_op((struct op){.kind = OP_LINK, .ino = parent, .name = name, .target = ino},
               xasprintf("creation of directory %s", rel), false);
    }
    free(abs);
    free(path);
}

static void do_link(struct fdtab *t, long long ofd, char *oldarg, long long nfd, char *newarg)
{
    char *op = arg_string(oldarg, "path"), *np = arg_string(newarg, "path");
    char *oa = resolve(t, ofd, op), *na = resolve(t, nfd, np);
    const char *orel = rel_of(oa), *nrel = rel_of(na);

    if (nrel != NULL) {
        int ino = orel != NULL ? lookup(orel) : -1;
        char *name;
        if (ino < 0)
            unsupported("a link to a file the model does not know");
        int parent = parent_of(nrel, &name);
        add_op((struct op){.kind = OP_LINK, .ino = parent, .name = name, .target = ino},
               xasprintf("link %s to %s", nrel, orel), false);
    }
    free(oa);
    free(na);
    free(op);
    free(np);
}

static void do_truncate(int ino, long long size)
{
    if (ino < 0 || M->inodes[ino].dir)
        return;
    add_op((struct op){.kind = OP_TRUNC, .ino = ino, .size = (uint64_t)size},
           xasprintf("truncation of %s to %lld bytes", M->inodes[ino].path, size), false);
}

static void close_fd(struct fdtab *t, long long fd)
{
    if (fd >= 0 && fd < MAX_FDS) {
        t->fd[fd] = NULL;
        t->cloexec[fd] = false;
    }
}

static int file_ino(struct ofd *o)
{
    return o != NULL && o->kind == K_FILE ? o->ino : -1;
}

/* Replays one completed call. */
static void replay(const struct call *c)
{
    char *buf = xstrdup(c->args), *a[MAX_ARGS];
    int n = trace_split_args(buf, a, MAX_ARGS);
    struct fdtab *t = proc_of(c->tid)->tab;
    const char *nm = c->name;
    struct bytes data = {0};

    cur = c;
#define ARG(i) (n > (i) ? a[i] : "")
#define NUM(i) trace_number(ARG(i))
#define OFD(i) fd_get(t, NUM(i))
    if (!c->ok && strcmp(nm, "close") != 0)
        goto out;
    if (strcmp(nm, "open") == 0) {
        do_open(t, -100, a[0], NUM(1));
    } else if (strcmp(nm, "openat") == 0) {
        do_open(t, NUM(0), a[1], NUM(2));
    } else if (strcmp(nm, "openat2") == 0) {
        do_open(t, NUM(0), a[1], trace_field(ARG(2), "flags", 0));
    } else if (strcmp(nm, "creat") == 0) {
        do_open(t, -100, a[0], RAW_O_CREAT | RAW_O_TRUNC);
    } else if (strcmp(nm, "close") == 0) {
        if (c->ok || (c->err_name != NULL && strcmp(c->err_name, "EBADF") != 0))
            close_fd(t, NUM(0));
    } else if (strcmp(nm, "close_range") == 0) {
        for (long long fd = NUM(0); fd <= NUM(1) && fd < MAX_FDS; fd++)
            if (NUM(2) & RAW_CLOSE_RANGE_CLOEXEC)
                t->cloexec[fd] = t->fd[fd] != NULL;
            else
                close_fd(t, fd);
    } else if (strcmp(nm, "dup") == 0 || strcmp(nm, "dup2") == 0) {
        if (NUM(0) != c->ret)
            fd_put(t, c->ret, OFD(0), false);
    } else if (strcmp(nm, "dup3") == 0) {
        fd_put(t, c->ret, OFD(0), (NUM(2) & RAW_O_CLOEXEC) != 0);
    } else if (strcmp(nm, "fcntl") == 0) {
        if (NUM(1) == RAW_F_DUPFD || NUM(1) == RAW_F_DUPFD_CLOEXEC)
            fd_put(t, c->ret, OFD(0), NUM(1) == RAW_F_DUPFD_CLOEXEC);
        else if (NUM(1) == RAW_F_SETFD && NUM(0) >= 0 && NUM(0) < MAX_FDS)
            t->cloexec[NUM(0)] = (NUM(2) & FD_CLOEXEC) != 0;
    } else if (strcmp(nm, "read") == 0 || strcmp(nm, "readv") == 0) {
        if (OFD(0) != NULL)
            OFD(0)->offset += (uint64_t)c->ret;
    } else if (strcmp(nm, "lseek") == 0) {
        if (OFD(0) != NULL)
            OFD(0)->offset = (uint64_t)c->ret;
    } else if (strcmp(nm, "write") == 0 || strcmp(nm, "pwrite64") == 0) {
        struct ofd *o = OFD(0);
        if (o != NULL && (o->kind == K_FILE || o->kind == K_ACK) && c->ret > 0) {
            if (!trace_string(a[1], &data) || data.n < (size_t)c->ret)
                die("trace line %ld: strace cut the data of %s(); raise its -s", c->exit, nm);
            data.n = (size_t)c->ret;
            bool p = nm[0] == 'p';
            do_write(o, &data, p ? NUM(3) : (long long)o->offset, false, !p);
        }
    } else if (strcmp(nm, "writev") == 0 || strcmp(nm, "pwritev") == 0 ||
               strcmp(nm, "pwritev2") == 0) {
        struct ofd *o = OFD(0);
        if (o != NULL && (o->kind == K_FILE || o->kind == K_ACK) && c->ret > 0) {
            bool p = nm[0] == 'p' && NUM(3) != -1;
            long long flags = strcmp(nm, "pwritev2") == 0 ? NUM(4) : 0;
            bool was_append = o->append;
            iov_data(a[1], (size_t)c->ret, &data);
            if (flags & RAW_RWF_APPEND)
                o->append = true;
            do_write(o, &data, p ? NUM(3) : (long long)o->offset,
                     (flags & (RAW_RWF_DSYNC | RAW_RWF_SYNC)) != 0, !p);
            o->append = was_append;
        }
    } else if (strcmp(nm, "fsync") == 0 || strcmp(nm, "fdatasync") == 0) {
        do_sync(OFD(0), nm);
    } else if (strcmp(nm, "sync") == 0 || strcmp(nm, "syncfs") == 0) {
        for (size_t i = 0; i < M->ninodes; i++)
            sync_inode((int)i);
        add_event(EV_SYNC, c->exit, xasprintf("%s of every file", nm));
    } else if (strcmp(nm, "ftruncate") == 0) {
        do_truncate(file_ino(OFD(0)), NUM(1));
    } else if (strcmp(nm, "truncate") == 0) {
        char *path = arg_string(a[0], "path"), *abs = resolve(t, -100, path);
        const char *rel = rel_of(abs);
        if (rel != NULL)
            do_truncate(lookup(rel), NUM(1));
        free(abs);
        free(path);
    } else if (strcmp(nm, "fallocate") == 0) {
        int ino = file_ino(OFD(0));
        if (ino >= 0 && NUM(1) == 0) {
            if ((uint64_t)(NUM(2) + NUM(3)) > M->inodes[ino].cur.n)
                do_truncate(ino, NUM(2) + NUM(3));
        } else if (ino >= 0 && NUM(1) != 1) {
            unsupported("fallocate with this mode");
        }
    } else if (strcmp(nm, "mkdir") == 0) {
        do_mkdir(t, -100, a[0]);
    } else if (strcmp(nm, "mkdirat") == 0) {
        do_mkdir(t, NUM(0), a[1]);
    } else if (strcmp(nm, "unlink") == 0 || strcmp(nm, "rmdir") == 0) {
        do_unlink(t, -100, a[0]);
    } else if (strcmp(nm, "unlinkat") == 0) {
        do_unlink(t, NUM(0), a[1]);
    } else if (strcmp(nm, "rename") == 0) {
        do_rename(t, -100, a[0], -100, a[1]);
    } else if (strcmp(nm, "renameat") == 0 || strcmp(nm, "renameat2") == 0) {
        if (nm[8] == '2' && (NUM(4) & RAW_RENAME_EXCHANGE))
            unsupported("renameat2 with RENAME_EXCHANGE");
        do_rename(t, NUM(0), a[1], NUM(2), a[3]);
    } else if (strcmp(nm, "link") == 0) {
        do_link(t, -100, a[0], -100, a[1]);
    } else if (strcmp(nm, "linkat") == 0) {
        do_link(t, NUM(0), a[1], NUM(2), a[3]);
    } else if (strcmp(nm, "symlink") == 0 || strcmp(nm, "symlinkat") == 0) {
        char *path = arg_string(a[n - 1], "path"), *abs = resolve(t, -100, path);
        if (rel_of(abs) != NULL)
            unsupported("a symbolic link in the work directory");
        free(abs);
        free(path);
    } else if (strcmp(nm, "execve") == 0 || strcmp(nm, "execveat") == 0) {
        for (int fd = 0; fd < MAX_FDS; fd++)
            if (t->cloexec[fd])
                close_fd(t, fd);
    } else if (strcmp(nm, "chdir") == 0) {
        char *path = arg_string(a[0], "path");
        char *abs = resolve(t, -100, path);
        free(t->cwd);
        t->cwd = abs;
        free(path);
    } else if (strcmp(nm, "fchdir") == 0) {
        if (OFD(0) != NULL && OFD(0)->abspath != NULL) {
            free(t->cwd);
            t->cwd = xstrdup(OFD(0)->abspath);
        }
    } else if (strcmp(nm, "sendfile") == 0 || strcmp(nm, "copy_file_range") == 0 ||
               strcmp(nm, "splice") == 0) {
        int out_arg = nm[0] == 's' && nm[1] == 'e' ? 0 : 2;
        if (file_ino(OFD(out_arg)) >= 0)
            unsupported(nm);
    }
#undef ARG
#undef NUM
#undef OFD
out:
    bytes_free(&data);
    free(buf);
}

/* ---------------------------------------------------------------- build */

struct action {
    long pos;
    int spawn; /* 1: a clone's child appears (at the clone's start); 0: a call ends */
    size_t call;
};

static int by_pos(const void *x, const void *y)
{
    const struct action *a = x, *b = y;

    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    if (a->spawn != b->spawn)
        return b->spawn - a->spawn;
    return a->call < b->call ? -1 : a->call > b->call;
}

static bool is_clone(const struct call *c)
{
    return c->ok && c->ret > 0 &&
           (strcmp(c->name, "clone") == 0 || strcmp(c->name, "clone3") == 0 ||
            strcmp(c->name, "fork") == 0 || strcmp(c->name, "vfork") == 0);
}

void model_init(struct model *m, const char *root)
{
    memset(m, 0, sizeof(*m));
    M = m;
    m->root = xstrdup(root);
    new_inode(true, "");
    snapshot(0, root, "");
}

void model_replay(struct model *m, const struct calls *calls)
{
    struct action *acts = xcalloc(2 * calls->n + 1, sizeof(*acts));
    size_t na = 0;

    M = m;
    for (size_t i = 0; i < calls->n; i++) {
        acts[na++] = (struct action){calls->v[i].exit, 0, i};
        if (is_clone(&calls->v[i]))
            acts[na++] = (struct action){calls->v[i].entry, 1, i};
    }
    qsort(acts, na, sizeof(*acts), by_pos);
    for (size_t i = 0; i < na; i++) {
        const struct call *c = &calls->v[acts[i].call];
        cur = c;
        if (acts[i].spawn) {
            long long flags = trace_field(c->args, "flags", 0);
            bool share = c->name[0] == 'c' && (flags & RAW_CLONE_FILES);
            spawn(c->tid, (int)c->ret, share);
        } else {
            replay(c);
        }
    }
    free(acts);
    /* Ops were added in order of completion, acks at their start: sort the
     * events by line, stably (insertion sort: they are nearly in order). */
    size_t *idx = xmalloc((m->nevents + 1) * sizeof(*idx));
    int *renumber = xcalloc(m->nevents + 1, sizeof(int));
    struct event *ev = xmalloc((m->nevents + 1) * sizeof(*ev));
    for (size_t i = 0; i < m->nevents; i++) {
        size_t j = i;
        while (j > 0 && m->events[idx[j - 1]].pos > m->events[i].pos) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    for (size_t i = 0; i < m->nevents; i++) {
        ev[i] = m->events[idx[i]];
        renumber[idx[i]] = (int)i;
    }
    for (size_t i = 0; i < m->nops; i++)
        m->ops[i].event = renumber[m->ops[i].event];
    free(m->events);
    m->events = ev;
    free(idx);
    free(renumber);
}
