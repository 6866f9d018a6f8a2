/*
 * students.c - the students of a batch: one per directory or archive of
 * the submissions directory, named safely, and which of them are left to
 * grade: those of this shard whose hash (the submission, the lab, the
 * harness, the options) differs from their last grade's.
 */
#define _GNU_SOURCE
#include "batch/batch_int.h"
#include "batch/treehash.h"
#include "lib/fsutil.h"
#include "pipeline/submission.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Student names become directories: letters, digits, . _ - + @, not leading with a dot. */
static char *clean_name(const char *raw)
{
    char *s = xstrdup(raw);

    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("._-+@", *p) != NULL))
            *p = '_';
    if (s[0] == '.' || s[0] == '-' || s[0] == '+' || s[0] == '@' || s[0] == '\0') {
        char *t = xasprintf("x%s", s);
        free(s);
        s = t;
    }
    return s;
}

static bool name_taken(const struct batch *b, const char *name)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->st[i].name, name) == 0)
            return true;
    return false;
}

static void add_student(struct batch *b, const char *entry, bool archive)
{
    char *raw = archive ? unpack_strip_extension(entry) : xstrdup(entry);
    char *name = clean_name(raw);
    struct student *s;

    for (int k = 2; name_taken(b, name); k++) {
        free(name);
        char *base = clean_name(raw);
        name = xasprintf("%s~%d", base, k);
        free(base);
    }
    if (strcmp(name, raw) != 0)
        fprintf(stderr, "grader: %s is graded as '%s'\n", entry, name);
    b->st = xrealloc(b->st, (b->n + 1) * sizeof(*b->st));
    s = &b->st[b->n++];
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->path = xasprintf("%s/%s", b->subs, entry); /* absolute: graders run in the kit */
    s->state = ST_TODO;
    free(raw);
}

static int skip_hidden_entries(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

int students_list(struct batch *b)
{
    struct dirent **list;
    int n = scandir(b->subs, &list, skip_hidden_entries, alphasort);

    if (n < 0)
        return usage_fail(NULL, "%s: %s", b->subs, strerror(errno));
    for (int i = 0; i < n; i++) {
        char *p = xasprintf("%s/%s", b->subs, list[i]->d_name);
        char *real = realpath(p, NULL);
        if (real != NULL && strcmp(real, b->out) == 0)
            ; /* --out inside the submissions: not a student */
        else if (is_dir(p))
            add_student(b, list[i]->d_name, false);
        else if (unpack_is_archive(p))
            add_student(b, list[i]->d_name, true);
        else
            fprintf(stderr, "grader: ignoring %s: not a directory or an archive\n", p);
        free(real);
        free(p);
        free(list[i]);
    }
    free(list);
    return 0;
}

static uint64_t name_hash(const char *name)
{
    return treehash_string(TREEHASH_INIT, name);
}

/* What a grade depends on besides the submission: the lab, the harness, options. */
static uint64_t config_hash(const struct batch *b)
{
    uint64_t h = treehash_string(TREEHASH_INIT, "oslabs batch 1");
    char *common = xasprintf("%s/grader/harness", b->kit);
    char repeat[32];

    h = treehash_path(h, b->labdir);
    h = treehash_path(h, common);
    h = treehash_path(h, b->hidden ? b->hidden : "/nonexistent");
    snprintf(repeat, sizeof(repeat), "repeat=%d", b->o->repeat);
    h = treehash_string(h, repeat);
    free(common);
    return h;
}

/* Marks the students of other shards, and those graded already, as skipped. */
void students_select(struct batch *b)
{
    uint64_t config = config_hash(b);

    for (size_t i = 0; i < b->n; i++) {
        struct student *s = &b->st[i];
        if (b->o->shard_n > 1 &&
            name_hash(s->name) % (uint64_t)b->o->shard_n != (uint64_t)(b->o->shard_i - 1)) {
            s->state = ST_SKIP;
            continue;
        }
        /* an entry that is a link (to a shared store) is hashed where it leads */
        char *real = realpath(s->path, NULL);
        s->hash =
            xasprintf("%016llx", (unsigned long long)treehash_path(config, real ? real : s->path));
        free(real);
        char *meta = xasprintf("%s/%s/batch.json", b->out, s->name);
        cJSON *j = b->o->force ? NULL : batch_read_json(meta);
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hash");
        if (cJSON_IsString(h) && strcmp(h->valuestring, s->hash) == 0)
            s->state = ST_SKIP;
        else
            b->todo++;
        cJSON_Delete(j);
        free(meta);
    }
}
