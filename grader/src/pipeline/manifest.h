/*
 * manifest.h - a lab's manifest (lab.ini): the lab and its tests.
 */
#ifndef OSLABS_MANIFEST_H
#define OSLABS_MANIFEST_H

#include <stdbool.h>
#include "lib/normalize.h"
#include "lib/util.h"
#include "sandbox/box.h"
#include "sandbox/features.h"

enum kind { KIND_CMOCKA, KIND_EXEC, KIND_TRACE, KIND_VALGRIND, KIND_STRACE, KIND_SYMBOLS };

enum visibility { VIS_VISIBLE, VIS_HIDDEN, VIS_AFTER_DUE, VIS_AFTER_PUBLISHED };

enum vg_tool { VG_MEMCHECK, VG_HELGRIND, VG_DRD };
enum vg_leaks { LEAKS_DEFINITE, LEAKS_ALL, LEAKS_NONE };

struct test {
    char *name;
    char *file; /* manifest it came from */
    int line;   /* line of its section header */
    enum kind kind;
    double points;
    double timeout;
    char *description;
    char *hint;
    enum visibility visibility;
    struct strv tags;
    struct strv rules;  /* the handout's rules it checks: "R1" "R4" */
    struct strv needs;  /* the tests it builds on (their names) */
    char *failed_means; /* what this test failing means to its dependents, or NULL */
    unsigned requires;  /* enum feature */
    bool serial;
    int repeat;
    unsigned caps; /* enum cap_flag */
    struct strv env;
    char *stdin_file;
    int exit_status; /* -1: any */
    long memory_mb;  /* -1: kind's default */
    long nproc, fsize_mb, nofile;
    double cpu_s;       /* CPU seconds each process may use (RLIMIT_CPU); 0: timeout x CPUs */
    enum box_hang hang; /* end the test once hung (sandbox/hang.h); default on */
    long disk_mb;       /* the disk quota (sandbox/disk.h); -1: the lab's */
    /* the program: command, or binary + case */
    char *command;
    char *binary;
    char *casename;
    /* trace */
    char *expect;
    unsigned normalize;
    bool merge_stderr;
    /* valgrind */
    enum vg_tool tool;
    enum vg_leaks leaks;
    char *suppressions; /* a valgrind suppressions file of the lab, or NULL */
    /* strace */
    char *syscalls;
    char *checker;
    /* symbols */
    char *object;
    struct strv must, must_any, must_not;
    bool from_hidden; /* added by --hidden */
};

struct lab {
    char *name;
    char *title;
    char *dir;      /* the lab's directory */
    char *ini_path; /* its lab.ini */
    struct strv files;
    char *build_target;
    double build_timeout;
    double timeout;
    long disk_mb;    /* the tests' disk quota unless they give theirs */
    char *container; /* extra container-engine flags the lab needs, or NULL */
    struct test *tests;
    size_t ntests;
};

/*
 * Reads dir/lab.ini into lab. On error, prints every problem found as
 * "file:line: message" into err, returns -1 and leaves lab empty.
 */
int manifest_load(const char *dir, struct lab *lab, struct strbuf *err);

/*
 * Adds the [test] sections of dir/lab.ini (a hidden-test tree) to lab; their
 * paths are relative to the lab, where dir is staged as "hidden/".
 */
int manifest_load_hidden(const char *dir, struct lab *lab, struct strbuf *err);

void manifest_free(struct lab *lab);

const struct test *manifest_find(const struct lab *lab, const char *name);

const char *visibility_name(enum visibility v);

#endif
