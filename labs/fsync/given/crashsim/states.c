/*
 * states.c - what the disk holds after a power loss at a crash point.
 *
 * At crash point p (everything up to trace line p happened), an operation
 * is durable if an fsync that made it durable had returned by p. Every
 * durable operation is on the disk. Of the others, a variant says which
 * reached the disk: none, all, the first j in order of completion, or the
 * first j of one inode's; the last one kept may be a write torn at a sector
 * boundary, either cut there or with the file grown to the write's end and
 * zeros after the cut (the size reached the disk, the data did not).
 */
#define _GNU_SOURCE
#include "crashsim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t pending_ops(const struct model *m, long p, int **out)
{
    size_t n = 0;

    *out = xmalloc((m->nops + 1) * sizeof(int));
    for (size_t i = 0; i < m->nops; i++)
        if (m->ops[i].pos <= p && m->ops[i].synced > p)
            (*out)[n++] = (int)i;
    return n;
}

void acks_text(const struct model *m, long p, struct bytes *out)
{
    out->n = 0;
    for (size_t i = 0; i < m->nacks; i++)
        if (m->acks[i].pos <= p) {
            size_t start = i == 0 ? 0 : m->acks[i - 1].end;
            bytes_append(out, m->ackdata.p + start, m->acks[i].end - start);
        }
}

size_t acks_count(const struct model *m, long p)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nacks; i++)
        n += m->acks[i].pos <= p;
    return n;
}

/* Marks in kept[] the pending operations that variant v keeps; returns the
 * one to tear (if v->torn), or -1. */
static int choose(const struct model *m, const struct variant *v, const int *pend, size_t np,
                  char *kept)
{
    size_t seen = 0;
    int last = -1;

    for (size_t i = 0; i < np; i++) {
        const struct op *o = &m->ops[pend[i]];
        bool mine = o->ino == v->ino;
        bool keep = false;
        switch (v->kind) {
        case V_NONE:
            keep = false;
            break;
        case V_ALL:
            keep = true;
            break;
        case V_PREFIX:
            keep = i < v->j;
            break;
        case V_INODE:
            keep = mine && seen < v->j;
            break;
        case V_INODE_ALL:
            keep = !mine || seen < v->j;
            break;
        }
        if (v->kind == V_PREFIX ? keep : (mine && keep))
            last = pend[i];
        if (mine)
            seen++;
        kept[pend[i]] = keep;
    }
    return v->torn ? last : -1;
}

/* Applies write o to b, torn as v says if torn. */
static void apply_write(struct bytes *b, const struct op *o, const struct variant *v, bool torn)
{
    uint64_t n = o->len;

    if (torn)
        n = v->tear_at > o->off ? v->tear_at - o->off : 0;
    if (n > o->len)
        n = o->len;
    if (b->n < o->off + n)
        bytes_resize(b, o->off + n);
    memcpy(b->p + o->off, o->data, n);
    if (torn && v->zeros && b->n < o->off + o->len)
        bytes_resize(b, o->off + o->len);
}

/* The content or entries of inode ino in the state. */
static void inode_state(const struct model *m, int ino, long p, const char *kept, int torn,
                        const struct variant *v, struct bytes *data, struct entries *ents)
{
    const struct inode *in = &m->inodes[ino];

    bytes_copy(data, &in->base);
    entries_copy(ents, &in->base_ents);
    for (size_t i = 0; i < in->nops; i++) {
        int k = in->ops[i];
        const struct op *o = &m->ops[k];
        if (o->pos > p || !(o->synced <= p || kept[k]))
            continue;
        switch (o->kind) {
        case OP_WRITE:
            apply_write(data, o, v, k == torn);
            break;
        case OP_TRUNC:
            bytes_resize(data, o->size);
            break;
        case OP_LINK:
            entries_set(ents, o->name, o->target);
            break;
        case OP_UNLINK:
            entries_remove(ents, o->name);
            break;
        case OP_RENAME: {
            int t = entries_find(ents, o->name);
            if (t >= 0) {
                entries_remove(ents, o->name);
                entries_set(ents, o->name2, t);
            }
            break;
        }
        }
    }
}

static int by_name(const void *x, const void *y)
{
    return strcmp(((const struct entry *)x)->name, ((const struct entry *)y)->name);
}

static void add_file(struct state *s, char *path, bool dir, const struct bytes *data)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->files = xrealloc(s->files, s->cap * sizeof(*s->files));
    }
    s->files[s->n] = (struct state_file){path, dir, {0}};
    if (data != NULL)
        s->files[s->n].data = *data;
    s->n++;
}

static void walk(const struct model *m, int ino, const char *prefix, long p, const char *kept,
                 int torn, const struct variant *v, struct state *s, int depth)
{
    struct bytes ignore = {0};
    struct entries ents = {0};

    if (depth > 64)
        die("directory cycle in the model");
    inode_state(m, ino, p, kept, torn, v, &ignore, &ents);
    bytes_free(&ignore);
    qsort(ents.v, ents.n, sizeof(*ents.v), by_name);
    for (size_t i = 0; i < ents.n; i++) {
        int child = ents.v[i].ino;
        char *path =
            prefix[0] ? xasprintf("%s/%s", prefix, ents.v[i].name) : xstrdup(ents.v[i].name);
        if (m->inodes[child].dir) {
            add_file(s, path, true, NULL);
            walk(m, child, path, p, kept, torn, v, s, depth + 1);
        } else {
            struct bytes data = {0};
            struct entries none = {0};
            inode_state(m, child, p, kept, torn, v, &data, &none);
            entries_free(&none);
            add_file(s, path, false, &data);
        }
    }
    entries_free(&ents);
}

void state_build(const struct model *m, const struct variant *v, struct state *s)
{
    int *pend;
    size_t np = pending_ops(m, v->p, &pend);
    char *kept = xcalloc(m->nops + 1, 1);
    int torn = choose(m, v, pend, np, kept);
    uint64_t h = 0xcbf29ce484222325ULL;

    memset(s, 0, sizeof(*s));
    walk(m, 0, "", v->p, kept, torn, v, s, 0);
    for (size_t i = 0; i < s->n; i++) {
        const struct state_file *f = &s->files[i];
        uint64_t len = f->data.n;
        h = hash_mix(h, f->path, strlen(f->path) + 1);
        h = hash_mix(h, f->dir ? "d" : "f", 1);
        h = hash_mix(h, &len, sizeof(len));
        h = hash_mix(h, f->data.p, f->data.n);
    }
    s->hash = h;
    free(kept);
    free(pend);
}

void state_free(struct state *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->files[i].path);
        bytes_free(&s->files[i].data);
    }
    free(s->files);
    memset(s, 0, sizeof(*s));
}

void state_write(const struct state *s, const char *dir)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        die("mkdir %s failed", dir);
    for (size_t i = 0; i < s->n; i++) {
        const struct state_file *f = &s->files[i];
        char *path = xasprintf("%s/%s", dir, f->path);
        if (f->dir) {
            if (mkdir(path, 0755) < 0)
                die("mkdir %s failed", path);
        } else {
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            size_t done = 0;
            if (fd < 0)
                die("cannot create %s", path);
            while (done < f->data.n) {
                ssize_t w = write(fd, f->data.p + done, f->data.n - done);
                if (w <= 0)
                    die("cannot write %s", path);
                done += (size_t)w;
            }
            close(fd);
        }
        free(path);
    }
}
