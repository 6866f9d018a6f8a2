/*
 * test_batch.c - the pieces of batch grading: safe unpacking of archived
 * submissions, the change digest, the gradebook's CSV, the host-wide
 * lock that keeps serial tests of different graders apart, and finding
 * the similarity checker's tool.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "report/gradebook.h"
#include "sandbox/hostlock.h"
#include "batch/treehash.h"
#include "batch/batch_int.h"
#include "pipeline/submission.h"
#include "lib/util.h"

static char *make_tmpdir(void)
{
    char *d = xstrdup("/tmp/oslabs-test-batch-XXXXXX");

    assert_non_null(mkdtemp(d));
    return d;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A zip (python3's zipfile writes whatever names we ask for) or a tar. */
static char *make_archive(const char *dir, const char *name, const char *entries)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *cmd = xasprintf("python3 -W ignore -c 'import sys, zipfile\n"
                          "z = zipfile.ZipFile(sys.argv[1], \"w\")\n"
                          "for e in sys.argv[2:]: z.writestr(e, \"int x;\\n\")\n"
                          "z.close()' %s %s",
                          path, entries);

    assert_int_equal(system(cmd), 0);
    free(cmd);
    return path;
}

static void archives_are_recognised_by_name(void **state)
{
    char *d = make_tmpdir(), *zip = make_archive(d, "alice.ZIP", "a.c");
    char *name = unpack_strip_extension("bob.tar.gz");

    (void)state;
    assert_true(unpack_is_archive(zip));
    assert_false(unpack_is_archive(d)); /* a directory */
    assert_string_equal(name, "bob");
    free(name);
    remove_tree(d);
    free(zip);
    free(d);
}

static void unpack_keeps_plain_files(void **state)
{
    char *d = make_tmpdir(), *zip = make_archive(d, "s.zip", "lab/tsh.c lab/notes/readme.txt");
    char *dest = xasprintf("%s/out", d), *file = xasprintf("%s/out/lab/tsh.c", d);
    struct strbuf err;
    struct strv files;

    (void)state;
    sb_init(&err);
    sv_init(&files);
    sv_push(&files, "tsh.c");
    assert_int_equal(unpack_archive(zip, dest, &err), 0);
    assert_true(is_regular(file));
    char *root = unpack_find_root(dest, &files); /* looks inside the one wrapping directory */
    char *expect = xasprintf("%s/lab", dest);
    assert_string_equal(root, expect);
    free(root);
    free(expect);
    sv_free(&files);
    sb_free(&err);
    remove_tree(d);
    free(zip);
    free(dest);
    free(file);
    free(d);
}

static void unpack_refuses(const char *entries, const char *why)
{
    char *d = make_tmpdir(), *zip = make_archive(d, "s.zip", entries);
    char *dest = xasprintf("%s/out", d);
    struct strbuf err;

    sb_init(&err);
    assert_int_equal(unpack_archive(zip, dest, &err), -1);
    assert_non_null(strstr(err.buf, why));
    sb_free(&err);
    remove_tree(d);
    free(zip);
    free(dest);
    free(d);
}

static void unpack_refuses_escapes(void **state)
{
    (void)state;
    unpack_refuses("ok.c ../escaped.c", "unsafe path");
    unpack_refuses("/etc/escaped.c", "unsafe path");
    unpack_refuses("a/../../escaped.c", "unsafe path");
    unpack_refuses("same.c same.c", "twice");
    assert_false(is_regular("/tmp/escaped.c"));
}

static void unpack_refuses_what_is_not_an_archive(void **state)
{
    char *d = make_tmpdir(), *path = xasprintf("%s/x.zip", d), *dest = xasprintf("%s/out", d);
    struct strbuf err;

    (void)state;
    write_text(path, "no zip here");
    sb_init(&err);
    assert_int_equal(unpack_archive(path, dest, &err), -1);
    assert_non_null(strstr(err.buf, "not an archive"));
    sb_free(&err);
    remove_tree(d);
    free(path);
    free(dest);
    free(d);
}

/* A zip bomb: 65 MiB of zeros in a few hundred KiB; its header tells the truth, the cap counts. */
static void unpack_stops_at_the_size_cap(void **state)
{
    char *d = make_tmpdir(), *zip = xasprintf("%s/bomb.zip", d), *dest = xasprintf("%s/out", d);
    char *cmd = xasprintf("python3 -c 'import sys, zipfile\n"
                          "z = zipfile.ZipFile(sys.argv[1], \"w\", zipfile.ZIP_DEFLATED)\n"
                          "z.writestr(\"big.c\", bytes(65 << 20))\n"
                          "z.close()' %s",
                          zip);
    struct strbuf err;

    (void)state;
    assert_int_equal(system(cmd), 0);
    sb_init(&err);
    assert_int_equal(unpack_archive(zip, dest, &err), -1);
    assert_non_null(strstr(err.buf, "MiB once unpacked"));
    sb_free(&err);
    remove_tree(d);
    free(cmd);
    free(zip);
    free(dest);
    free(d);
}

static void treehash_sees_every_change(void **state)
{
    char *d = make_tmpdir(), *f = xasprintf("%s/a.c", d), *g = xasprintf("%s/b.c", d);
    uint64_t h0, h1, h2, h3;

    (void)state;
    write_text(f, "int a;\n");
    h0 = treehash_path(TREEHASH_INIT, d);
    assert_int_equal(treehash_path(TREEHASH_INIT, d), h0); /* stable */
    write_text(f, "int b;\n");
    h1 = treehash_path(TREEHASH_INIT, d);
    assert_int_not_equal(h1, h0); /* content */
    write_text(g, "");
    h2 = treehash_path(TREEHASH_INIT, d);
    assert_int_not_equal(h2, h1); /* an empty new file */
    unlink(g);
    assert_int_equal(treehash_path(TREEHASH_INIT, d), h1);
    rename(f, g);
    h3 = treehash_path(TREEHASH_INIT, d);
    assert_int_not_equal(h3, h1); /* a name */
    remove_tree(d);
    free(f);
    free(g);
    free(d);
}

/* One student's batch output: batch.json and a results.json with one test. */
static void fake_result(const char *out, const char *student, const char *status, double score)
{
    char *dir = xasprintf("%s/%s", out, student), *p;

    assert_int_equal(mkdir_p(dir), 0);
    p = xasprintf("%s/batch.json", dir);
    char *meta = xasprintf("{\"student\":\"%s\",\"lab\":\"demo\",\"status\":\"%s\",\"reason\":"
                           "\"%s\",\"score\":%g,\"max_score\":10,\"hash\":\"0\","
                           "\"finished\":\"2026-01-01T00:00:00Z\"}",
                           student, status, score < 10 ? "a, \\\"quoted\\\" reason" : "", score);
    write_text(p, meta);
    free(p);
    free(meta);
    p = xasprintf("%s/results.json", dir);
    char *res = xasprintf("{\"score\":%g,\"tests\":[{\"name\":\"t1\",\"score\":%g,\"max_score\":"
                          "10,\"output\":\"Result: wrong\\n\",\"extra_data\":{\"outcome\":\"%s\","
                          "\"time\":0.5}}]}",
                          score, score, score < 10 ? "failed" : "passed");
    write_text(p, res);
    free(p);
    free(res);
    free(dir);
}

static void gradebook_csv_has_a_row_per_student(void **state)
{
    char *d = make_tmpdir(), *a = xasprintf("%s/a", d), *b = xasprintf("%s/b", d);
    struct gradebook gb;
    struct strbuf err;
    char *csv, *md;

    (void)state;
    fake_result(a, "zoe", "graded", 10);
    fake_result(b, "=cmd", "graded", 3);
    gradebook_init(&gb);
    sb_init(&err);
    assert_int_equal(gradebook_collect(&gb, a, &err), 0);
    assert_int_equal(gradebook_collect(&gb, b, &err), 0);
    gradebook_sort(&gb);
    csv = gradebook_csv(&gb);
    assert_string_equal(csv, "student,t1,total,max,status,reason\n"
                             "\"'=cmd\",3,3,10,graded,\"a, \"\"quoted\"\" reason\"\n"
                             "zoe,10,10,10,graded,\n");
    md = gradebook_summary(&gb);
    assert_non_null(strstr(md, "| t1 | 10 | 1/2 | 50% |"));
    assert_non_null(strstr(md, "| 1 | t1 | wrong |"));
    free(md);
    free(csv);
    gradebook_free(&gb);
    sb_free(&err);
    remove_tree(d);
    free(a);
    free(b);
    free(d);
}

/* Waits (by state, not time) until pred() holds, or fails after ~10 s. */
static void wait_until(bool (*pred)(void))
{
    for (int i = 0; i < 10000 && !pred(); i++)
        usleep(1000);
    assert_true(pred());
}

static bool contended(void)
{
    return hostlock_contended();
}

/*
 * A grader holding the lock shared sees a serial test of another grader
 * waiting, and that one gets the lock only once the first lets go.
 */
static void hostlock_serial_waits_for_the_others(void **state)
{
    char *d = make_tmpdir();
    int go[2], taken[2], status;
    char c;
    pid_t other;

    (void)state;
    setenv("OSLABS_LOCKDIR", d, 1);
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(taken), 0);
    other = fork(); /* before we open the lock: the other grader has its own */
    if (other == 0) {
        if (read(go[0], &c, 1) != 1)
            _exit(2);
        hostlock_take(HOSTLOCK_EXCLUSIVE); /* a serial test */
        _exit(write(taken[1], "t", 1) == 1 ? 0 : 2);
    }
    hostlock_take(HOSTLOCK_SHARED);
    assert_int_equal(hostlock_held(), HOSTLOCK_SHARED);
    assert_false(hostlock_contended());
    assert_int_equal(write(go[1], "g", 1), 1);
    wait_until(contended);
    fcntl(taken[0], F_SETFL, O_NONBLOCK);
    assert_int_equal(read(taken[0], &c, 1), -1); /* not yet: we hold it shared */
    hostlock_release();
    fcntl(taken[0], F_SETFL, 0);
    assert_int_equal(read(taken[0], &c, 1), 1);
    assert_int_equal(waitpid(other, &status, 0), other);
    assert_int_equal(status, 0);
    remove_tree(d);
    free(d);
}

/* sim_c is looked for on PATH, or taken as given with a '/'; missing is a setup error. */
static void similarity_tool_is_found_or_refused(void **state)
{
    (void)state;
    setenv("OSLABS_SIM_C", "/nonexistent/sim_c", 1);
    assert_int_equal(similarity_check_tool(), EXIT_USAGE);
    setenv("OSLABS_SIM_C", "no-such-program-oslabs", 1);
    assert_int_equal(similarity_check_tool(), EXIT_USAGE);
    setenv("OSLABS_SIM_C", "sh", 1); /* on every PATH */
    assert_int_equal(similarity_check_tool(), 0);
    setenv("OSLABS_SIM_C", "/bin/sh", 1);
    assert_int_equal(similarity_check_tool(), 0);
    unsetenv("OSLABS_SIM_C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(archives_are_recognised_by_name),
        cmocka_unit_test(unpack_keeps_plain_files),
        cmocka_unit_test(unpack_refuses_escapes),
        cmocka_unit_test(unpack_refuses_what_is_not_an_archive),
        cmocka_unit_test(unpack_stops_at_the_size_cap),
        cmocka_unit_test(treehash_sees_every_change),
        cmocka_unit_test(gradebook_csv_has_a_row_per_student),
        cmocka_unit_test(hostlock_serial_waits_for_the_others),
        cmocka_unit_test(similarity_tool_is_found_or_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
