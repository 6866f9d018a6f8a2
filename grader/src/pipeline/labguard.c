/*
 * labguard.c - a record of the staged lab's entries, compared after each
 * test (see labguard.h).
 */
#define _GNU_SOURCE
#include "pipeline/labguard.h"
#include "lib/util.h"

#include <fts.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SHOW_CHANGES 4 /* entries named in the report; the rest are counted */

struct lg_entry {
    char *path; /* relative to the lab */
    ino_t ino;
    mode_t mode;
    off_t size;
    struct timespec mtime, ctime;
};

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct lg_entry *)a)->path, ((const struct lg_entry *)b)->path);
}

/* Every entry under dir but dir itself, sorted; an unreadable tree records what it can. */
static void take(const char *dir, struct lg_entry **out, size_t *n)
{
    char *roots[] = {(char *)dir, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    FTSENT *f;
    size_t len = strlen(dir), cap = 0;

    *out = NULL;
    *n = 0;
    if (fts == NULL)
        return;
    while ((f = fts_read(fts)) != NULL) {
        if (f->fts_info == FTS_DP || f->fts_level == 0 || f->fts_statp == NULL ||
            f->fts_info == FTS_NS || f->fts_info == FTS_ERR)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        struct lg_entry *e = &(*out)[(*n)++];
        e->path = xstrdup(f->fts_path + len + 1);
        e->ino = f->fts_statp->st_ino;
        e->mode = f->fts_statp->st_mode;
        e->size = f->fts_statp->st_size;
        e->mtime = f->fts_statp->st_mtim;
        e->ctime = f->fts_statp->st_ctim;
    }
    fts_close(fts);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), by_path);
}

static void drop(struct lg_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].path);
    free(e);
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* "rewritten", "replaced", ... or NULL when a and b are the same entry, untouched. */
static const char *change_of(const struct lg_entry *a, const struct lg_entry *b)
{
    if (a->ino != b->ino || (a->mode & S_IFMT) != (b->mode & S_IFMT))
        return "replaced";
    if (a->size != b->size || !same_time(a->mtime, b->mtime))
        return S_ISDIR(a->mode) ? "entries added or removed" : "rewritten";
    if (a->mode != b->mode || !same_time(a->ctime, b->ctime))
        return "changed";
    return NULL;
}

static void note(struct strbuf *s, int *count, const char *path, const char *what)
{
    if ((*count)++ < SHOW_CHANGES)
        sb_addf(s, "%s%s (%s)", *count > 1 ? ", " : "", path, what);
}

void labguard_init(struct labguard *g, const char *dir)
{
    g->dir = xstrdup(dir);
    take(dir, &g->e, &g->n);
}

char *labguard_check(struct labguard *g)
{
    struct lg_entry *now;
    size_t n, i = 0, k = 0;
    struct strbuf s;
    int count = 0;

    take(g->dir, &now, &n);
    sb_init(&s);
    sb_adds(&s, "the staged lab changed while the tests ran: ");
    while (i < g->n || k < n) {
        int c = i == g->n ? 1 : k == n ? -1 : strcmp(g->e[i].path, now[k].path);
        if (c < 0) {
            note(&s, &count, g->e[i++].path, "removed");
        } else if (c > 0) {
            note(&s, &count, now[k++].path, "added");
        } else {
            const char *what = change_of(&g->e[i], &now[k]);
            if (what != NULL)
                note(&s, &count, now[k].path, what);
            i++, k++;
        }
    }
    if (count > SHOW_CHANGES)
        sb_addf(&s, " and %d more", count - SHOW_CHANGES);
    drop(g->e, g->n);
    g->e = now;
    g->n = n;
    if (count == 0) {
        sb_free(&s);
        return NULL;
    }
    return sb_detach(&s);
}

void labguard_free(struct labguard *g)
{
    drop(g->e, g->n);
    free(g->dir);
    memset(g, 0, sizeof(*g));
}
