/*
 * lab.c - opening a lab: the kit, the lab's directory, its manifest with
 * the hidden tests, and the paths student code must not see.
 */
#define _GNU_SOURCE
#include "lab.h"
#include "lib/fsutil.h"

#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *lab_find_kit(void)
{
    const char *env = getenv("OSLABS_ROOT");
    char exe[4096];
    ssize_t n;

    if (env != NULL && *env != '\0')
        return absolute_path(env);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *kit = xstrdup(dirname(dirname(exe)));
        char *common = xasprintf("%s/grader/harness", kit);
        bool ok = is_dir(common);
        free(common);
        if (ok)
            return kit;
        free(kit);
    }
    return absolute_path(".");
}

char *lab_dir(const char *kit, const char *arg)
{
    if (strchr(arg, '/') != NULL || strcmp(arg, ".") == 0)
        return absolute_path(arg);
    char *dir = xasprintf("%s/labs/%s", kit, arg);
    char *abs = absolute_path(dir);
    free(dir);
    return abs;
}

int lab_load(const char *dir, const char *hidden, struct lab *lab, struct strbuf *err)
{
    int rc = manifest_load(dir, lab, err);

    if (rc == 0 && hidden != NULL)
        rc = manifest_load_hidden(hidden, lab, err);
    return rc;
}

char *lab_skeleton(const char *kit, const struct lab *lab)
{
    return xasprintf("%s/skeletons/%s", kit, lab->name);
}

void lab_secret_paths(const char *kit, const char *hidden, struct strv *paths)
{
    static const char *const dirs[] = {"solutions", "tests", ".git"};
    glob_t g;

    for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
        sv_pushf(paths, "%s/%s", kit, dirs[i]);
    char *pattern = xasprintf("%s/labs/*/hidden", kit);
    if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            sv_push(paths, g.gl_pathv[i]);
        globfree(&g);
    }
    free(pattern);
    if (hidden != NULL) {
        char *h = absolute_path(hidden);
        if (h != NULL)
            sv_push(paths, h);
        free(h);
    }
}
