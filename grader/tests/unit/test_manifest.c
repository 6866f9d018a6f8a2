/*
 * test_manifest.c - lab.ini parsing: good manifests load with their
 * defaults, and every kind of mistake is reported as file:line with words a
 * lab author can act on.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "pipeline/manifest.h"

/* A scratch lab directory named "demo" holding the given lab.ini. */
static char *write_lab(const char *ini)
{
    char tmpl[] = "/tmp/oslabs-unit-XXXXXX";
    char *base = mkdtemp(tmpl);
    char *dir, *path;
    FILE *f;

    assert_non_null(base);
    dir = xasprintf("%s/demo", base);
    assert_int_equal(mkdir_p(dir), 0);
    path = xasprintf("%s/lab.ini", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(ini, f);
    fclose(f);
    free(path);
    return dir;
}

static void drop_lab(char *dir)
{
    char *base = xstrdup(dir);
    *strrchr(base, '/') = '\0';
    remove_tree(base);
    free(base);
    free(dir);
}

/* Loads ini and expects failure with a message containing want. */
static void expect_error(const char *ini, const char *want)
{
    char *dir = write_lab(ini);
    struct strbuf err;
    struct lab lab;

    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), -1);
    if (strstr(err.buf, want) == NULL)
        fail_msg("expected an error containing \"%s\", got:\n%s", want, err.buf);
    sb_free(&err);
    drop_lab(dir);
}

#define LAB_HEADER "[lab]\nname = demo\nfiles = a.c\n"

static void loads_a_good_manifest(void **state)
{
    char *dir =
        write_lab(LAB_HEADER "timeout = 4\ncontainer = --cap-add SYS_NICE\n"
                             "[test one]\nkind = exec\npoints = 2.5\ncommand = $LAB/x 'a b'\n"
                             "hang = driver\n"
                             "[test two]\nkind = cmocka\npoints = 1\nbinary = t\n"
                             "timeout = 1.5\nrequires = ptrace gdb\nvisibility = after_due\n");
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), 0);
    assert_string_equal(err.buf, "");
    assert_int_equal(lab.ntests, 2);
    assert_string_equal(lab.build_target, "all");
    assert_string_equal(lab.title, "demo");
    assert_true(lab.tests[0].points == 2.5);
    assert_true(lab.tests[0].timeout == 4.0); /* the lab's default */
    assert_int_equal(lab.tests[0].line, 6);
    assert_string_equal(lab.container, "--cap-add SYS_NICE");
    assert_int_equal(lab.tests[0].memory_mb, 1024);
    assert_int_equal(lab.tests[0].hang, HANG_DRIVER);
    assert_int_equal(lab.tests[1].hang, HANG_ON);      /* the default */
    assert_string_equal(lab.tests[1].casename, "two"); /* case defaults to the name */
    assert_true(lab.tests[1].timeout == 1.5);
    assert_int_equal(lab.tests[1].requires, FEAT_PTRACE | FEAT_GDB);
    assert_int_equal(lab.tests[1].visibility, VIS_AFTER_DUE);
    manifest_free(&lab);
    sb_free(&err);
    drop_lab(dir);
}

/* disk_mb: 256 by default, the lab's for its tests, a test's own over it. */
static void disk_quota(void **state)
{
    char *dir = write_lab(LAB_HEADER "disk_mb = 64\n"
                                     "[test one]\nkind = exec\npoints = 1\ncommand = x\n"
                                     "[test two]\nkind = exec\npoints = 1\ncommand = x\n"
                                     "disk_mb = 1024\n");
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), 0);
    assert_int_equal(lab.tests[0].disk_mb, 64);
    assert_int_equal(lab.tests[1].disk_mb, 1024);
    manifest_free(&lab);
    drop_lab(dir);
    dir = write_lab(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x\n");
    assert_int_equal(manifest_load(dir, &lab, &err), 0);
    assert_int_equal(lab.tests[0].disk_mb, 256);
    manifest_free(&lab);
    sb_free(&err);
    drop_lab(dir);
    expect_error(LAB_HEADER "disk_mb = 8\n[test one]\nkind = exec\npoints = 1\ncommand = x\n",
                 "lab.ini:4: disk_mb: '8' is not a whole number in [16, 65536]");
    expect_error(LAB_HEADER "[test one]\nkind = symbols\npoints = 1\nobject = a.o\nmust = f\n"
                            "disk_mb = 64\n",
                 "lab.ini:9: key 'disk_mb' does not apply to kind symbols");
}

static void missing_lab_section(void **state)
{
    (void)state;
    expect_error("[test one]\nkind = exec\npoints = 1\ncommand = x\n",
                 "lab.ini:1: missing [lab] section");
}

static void unknown_kind(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = shell\npoints = 1\ncommand = x\n",
                 "lab.ini:5: unknown kind 'shell'");
}

static void bad_number(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = lots\ncommand = x\n",
                 "lab.ini:6: points: 'lots' is not a number >= 0");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ntimeout = 0\ncommand = x\n",
                 "lab.ini:7: timeout: '0' is not a number of seconds");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nhang = maybe\ncommand = x\n",
                 "lab.ini:7: hang: unknown value 'maybe'");
}

static void duplicate_test(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x\n"
                            "[test one]\nkind = exec\npoints = 1\ncommand = y\n",
                 "lab.ini:8: duplicate test 'one'");
}

static void duplicate_key(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\npoints = 2\ncommand = x\n",
                 "lab.ini:7: duplicate key 'points' (first at line 6)");
}

static void unknown_key_and_section(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncomand = x\n",
                 "lab.ini:7: unknown key 'comand' in [test one]");
    expect_error(LAB_HEADER "[tests]\nkind = exec\n", "lab.ini:4: unknown section [tests]");
}

static void missing_keys_name_the_section_line(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\npoints = 1\n", "lab.ini:4: [test one]: missing 'kind'");
    expect_error(LAB_HEADER "[test one]\nkind = trace\npoints = 1\ncommand = x\n",
                 "lab.ini:4: [test one]: kind trace needs 'expect'");
    expect_error(LAB_HEADER "[test one]\nkind = symbols\npoints = 1\nobject = a.o\n",
                 "kind symbols needs 'must', 'must_any' or 'must_not'");
}

static void key_of_another_kind(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x\nexpect = f\n",
                 "lab.ini:8: key 'expect' does not apply to kind exec");
}

static void bad_quoting_and_names(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x 'y\n",
                 "lab.ini:7: command: unterminated single quote");
    expect_error(LAB_HEADER "[test a/b]\nkind = exec\npoints = 1\ncommand = x\n",
                 "lab.ini:4: bad test name 'a/b'");
    expect_error("[lab]\nname = demo\nfiles = ../a.c\n[test one]\nkind = exec\npoints = 1\n"
                 "command = x\n",
                 "files: '../a.c' is not a plain file name");
}

static void name_must_match_directory(void **state)
{
    (void)state;
    expect_error("[lab]\nname = other\nfiles = a.c\n[test one]\nkind = exec\npoints = 1\n"
                 "command = x\n",
                 "lab.ini:2: name 'other' differs from the directory 'demo'");
}

static void syntax_error_and_empty_file(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "this line has no equals sign\n", "lab.ini:4: syntax error");
    expect_error("", "missing [lab] section");
    expect_error(LAB_HEADER, "no [test NAME] sections");
}

static void reports_every_problem(void **state)
{
    char *dir = write_lab(LAB_HEADER "[test one]\nkind = nope\npoints = x\n");
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), -1);
    assert_non_null(strstr(err.buf, "lab.ini:5: unknown kind"));
    assert_non_null(strstr(err.buf, "lab.ini:6: points"));
    sb_free(&err);
    drop_lab(dir);
}

static void rules_are_rule_ids(void **state)
{
    char *dir = write_lab(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x\n"
                                     "rules = R1  R12\n[test two]\nkind = exec\npoints = 1\n"
                                     "command = x\n");
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), 0);
    assert_int_equal(lab.tests[0].rules.n, 2);
    assert_string_equal(lab.tests[0].rules.v[0], "R1");
    assert_string_equal(lab.tests[0].rules.v[1], "R12");
    assert_int_equal(lab.tests[1].rules.n, 0); /* optional for the grader */
    manifest_free(&lab);
    sb_free(&err);
    drop_lab(dir);
}

static void bad_rules(void **state)
{
    (void)state;
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\ncommand = x\nrules = 3\n",
                 "lab.ini:8: rules: '3' is not a rule id (R1, R2, ...)");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules = R1 R0\ncommand = x\n",
                 "lab.ini:7: rules: 'R0' is not a rule id");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules = R1,R2\ncommand = x\n",
                 "rules: 'R1,R2' is not a rule id");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules = R+1 R01 r2\n"
                            "command = x\n",
                 "rules: 'R+1' is not a rule id");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules = R01\ncommand = x\n",
                 "rules: 'R01' is not a rule id");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules = R2 R2\ncommand = x\n",
                 "lab.ini:7: rules: 'R2' given twice");
    expect_error(LAB_HEADER "[test one]\nkind = exec\npoints = 1\nrules =\ncommand = x\n",
                 "lab.ini:7: rules: empty");
}

/* A test "NAME" of kind exec with the given extra lines. */
#define EXEC_TEST(name, extra) "[test " name "]\nkind = exec\npoints = 1\ncommand = x\n" extra

static void needs_are_tests(void **state)
{
    char *dir = write_lab(LAB_HEADER EXEC_TEST("base", "failed_means = base is broken\n") EXEC_TEST(
        "top", "needs = base  mid\n") EXEC_TEST("mid", "needs = base\n"));
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load(dir, &lab, &err), 0);
    assert_string_equal(lab.tests[0].failed_means, "base is broken");
    assert_int_equal(lab.tests[1].needs.n, 2);
    assert_string_equal(lab.tests[1].needs.v[1], "mid");
    assert_int_equal(lab.tests[0].needs.n, 0);
    manifest_free(&lab);
    sb_free(&err);
    drop_lab(dir);
}

static void bad_needs(void **state)
{
    (void)state;
    expect_error(LAB_HEADER EXEC_TEST("one", "needs = two\n"),
                 "lab.ini:8: needs: no test 'two' in this lab");
    expect_error(LAB_HEADER EXEC_TEST("one", "needs = one\n"),
                 "lab.ini:8: needs: a cycle: one -> one");
    expect_error(LAB_HEADER EXEC_TEST("a", "needs = b\n") EXEC_TEST("b", "needs = c\n")
                     EXEC_TEST("c", "needs = a\n"),
                 "lab.ini:8: needs: a cycle: a -> b -> c -> a");
    expect_error(LAB_HEADER EXEC_TEST("a", "needs = b b\n") EXEC_TEST("b", ""),
                 "lab.ini:8: needs: 'b' given twice");
    expect_error(LAB_HEADER EXEC_TEST("a", "needs =\n"), "lab.ini:8: needs: empty");
}

static void missing_file(void **state)
{
    struct strbuf err;
    struct lab lab;

    (void)state;
    sb_init(&err);
    assert_int_equal(manifest_load("/nonexistent/demo", &lab, &err), -1);
    assert_non_null(strstr(err.buf, "/nonexistent/demo/lab.ini: No such file"));
    sb_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_good_manifest),
        cmocka_unit_test(missing_lab_section),
        cmocka_unit_test(unknown_kind),
        cmocka_unit_test(bad_number),
        cmocka_unit_test(duplicate_test),
        cmocka_unit_test(duplicate_key),
        cmocka_unit_test(unknown_key_and_section),
        cmocka_unit_test(missing_keys_name_the_section_line),
        cmocka_unit_test(key_of_another_kind),
        cmocka_unit_test(bad_quoting_and_names),
        cmocka_unit_test(name_must_match_directory),
        cmocka_unit_test(syntax_error_and_empty_file),
        cmocka_unit_test(reports_every_problem),
        cmocka_unit_test(rules_are_rule_ids),
        cmocka_unit_test(bad_rules),
        cmocka_unit_test(needs_are_tests),
        cmocka_unit_test(bad_needs),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(disk_quota),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
