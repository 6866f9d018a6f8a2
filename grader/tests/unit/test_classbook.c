/*
 * test_classbook.c - the class across labs: the roster (good input read,
 * bad input refused naming its line), gradebook.csv from two labs' batch
 * outputs (scores, statuses, a missing lab, the total), and the Canvas and
 * Moodle imports (their columns, a student the roster lacks left out).
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

#include "lib/fsutil.h"
#include "lib/util.h"
#include "report/classbook.h"
#include "report/roster.h"

static int parse(const char *text, struct roster *r, struct strbuf *err)
{
    sb_reset(err);
    return roster_parse("roster.csv", text, strlen(text), r, err);
}

static void roster_reads_columns_in_any_order(void **state)
{
    struct roster r;
    struct strbuf err;
    const struct roster_entry *e;

    (void)state;
    sb_init(&err);
    assert_int_equal(parse("\xEF\xBB\xBF"
                           "Email,student,Last_Name,first_name\r\n"
                           "ada@example.org,alice,\"Lovelace, Countess\",Ada\r\n"
                           "\n"
                           "  bob@example.org , bob,,\r\n",
                           &r, &err),
                     0);
    assert_string_equal(err.buf, "");
    assert_int_equal(r.n, 2);
    assert_false(r.canvas);
    assert_true(r.moodle);
    e = roster_find(&r, "alice");
    assert_non_null(e);
    assert_string_equal(e->last_name, "Lovelace, Countess");
    assert_string_equal(e->email, "ada@example.org");
    assert_string_equal(e->canvas_id, "");
    assert_int_equal(e->line, 2);
    e = roster_find(&r, "bob");
    assert_non_null(e);
    assert_string_equal(e->email, "bob@example.org"); /* blanks around a field trimmed */
    assert_int_equal(e->line, 4);
    assert_null(roster_find(&r, "carol"));
    roster_free(&r);
    sb_free(&err);
}

/* Each bad roster is refused with the message its line gives. */
static void roster_refuses_bad_input_naming_the_line(void **state)
{
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"", "roster.csv:1: empty"},
        {"student,emial\nalice,a@x\n", "roster.csv:1: unknown column 'emial'"},
        {"student,email,Email\n", "roster.csv:1: column 'email' twice"},
        {"email\na@x\n", "roster.csv:1: no 'student' column"},
        {"student,section\nalice,1\n", "roster.csv:1: no identity column"},
        {"student,email\nalice,a@x\nbob\n", "roster.csv:3: 1 fields, the header has 2"},
        {"student,email\nalice,a@x\nbob,b@x\nalice,c@x\n",
         "roster.csv:4: alice is already on line 2"},
        {"student,email\n,a@x\n", "roster.csv:2: the student is empty"},
        {"student,email\nalice,a@x\nbob,a@x\n",
         "roster.csv:3: email 'a@x' of bob is also alice's (line 2)"},
        {"student,email,canvas_id\nalice,a@x,\n", "roster.csv:2: alice has no Canvas identity"},
        {"student,email,idnumber\nalice,,\n", "roster.csv:2: alice has no Moodle identity"},
        {"student,sis_user_id\nalice,=cmd()\n",
         "roster.csv:2: sis_user_id '=cmd()' of alice starts with ="},
        {"student,email\nalice,a@x\nbob,\"b@x\n", "roster.csv:3: a quoted field is never closed"},
        {"student,email\nalice,a\"b\"@x\n", "roster.csv:2: not CSV"},
    };
    struct roster r;
    struct strbuf err;

    (void)state;
    sb_init(&err);
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        int rc = parse(bad[i].text, &r, &err);
        if (rc != -1 || strncmp(err.buf, bad[i].message, strlen(bad[i].message)) != 0)
            fail_msg("roster %zu: rc %d, message '%s', wanted '%s...'", i, rc, err.buf,
                     bad[i].message);
        assert_int_equal(r.n, 0); /* nothing kept of a refused roster */
    }
    sb_reset(&err);
    assert_int_equal(roster_load("/nonexistent/roster.csv", &r, &err), -1);
    assert_non_null(strstr(err.buf, "/nonexistent/roster.csv: "));
    sb_free(&err);
}

/* DIR/STUDENT/batch.json as a batch of LAB writes it. */
static void fake_row(const char *dir, const char *lab, const char *student, const char *status,
                     double score, double max)
{
    char *sdir = xasprintf("%s/%s", dir, student);
    char *path = xasprintf("%s/batch.json", sdir);
    char *meta = xasprintf("{\"student\":\"%s\",\"lab\":\"%s\",\"status\":\"%s\",\"reason\":\"\","
                           "\"score\":%g,\"max_score\":%g,\"hash\":\"0\","
                           "\"finished\":\"2026-01-01T00:00:00Z\"}",
                           student, lab, status, score, max);

    assert_int_equal(mkdir_p(sdir), 0);
    assert_int_equal(write_file_atomic(path, meta, strlen(meta)), 0);
    free(meta);
    free(path);
    free(sdir);
}

struct fixture {
    char *top, *lab1, *lab2, *lab2b;
};

static int make_class(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    f->top = xstrdup("/tmp/oslabs-test-classbook-XXXXXX");
    assert_non_null(mkdtemp(f->top));
    f->lab1 = xasprintf("%s/deadlock", f->top);
    f->lab2 = xasprintf("%s/pimutex-1", f->top);
    f->lab2b = xasprintf("%s/pimutex-2", f->top);
    fake_row(f->lab1, "deadlock", "alice", "graded", 92, 92);
    fake_row(f->lab1, "deadlock", "bob", "build-failed", 0, 92);
    fake_row(f->lab1, "deadlock", "carol", "graded", 40.5, 92);
    /* pimutex in two shards, given by path; bob has no result */
    fake_row(f->lab2, "labs/pimutex/", "alice", "partial", 92, 100);
    fake_row(f->lab2b, "labs/pimutex/", "carol", "error", 0, 100);
    *state = f;
    return 0;
}

static int remove_class(void **state)
{
    struct fixture *f = *state;

    remove_tree(f->top);
    free(f->top);
    free(f->lab1);
    free(f->lab2);
    free(f->lab2b);
    free(f);
    return 0;
}

static void load_class(const struct fixture *f, struct classbook *cb, const struct roster *r)
{
    struct strbuf err;

    sb_init(&err);
    classbook_init(cb);
    assert_int_equal(classbook_add_dir(cb, f->lab1, &err), 0);
    assert_int_equal(classbook_add_dir(cb, f->lab2, &err), 0);
    assert_int_equal(classbook_add_dir(cb, f->lab2b, &err), 0);
    assert_string_equal(err.buf, "");
    classbook_finish(cb, r);
    sb_free(&err);
}

static void gradebook_has_each_lab_and_the_total(void **state)
{
    struct fixture *f = *state;
    struct classbook cb;
    char *csv;

    load_class(f, &cb, NULL);
    assert_int_equal(cb.nlabs, 2); /* the two shards are one lab */
    csv = classbook_csv(&cb);
    assert_string_equal(csv, "student,deadlock,deadlock status,pimutex,pimutex status,total,max\n"
                             "alice,92,,92,partial,184,192\n"
                             "bob,0,build-failed,,missing,0,192\n"
                             "carol,40.5,,0,error,40.5,192\n");
    free(csv);
    classbook_free(&cb);
}

static void gradebook_refuses_what_is_no_batch_output(void **state)
{
    struct fixture *f = *state;
    struct classbook cb;
    struct strbuf err;
    char *mixed = xasprintf("%s/mixed", f->top), *empty = xasprintf("%s/empty", f->top);

    fake_row(mixed, "deadlock", "alice", "graded", 1, 92);
    fake_row(mixed, "memlock", "bob", "graded", 1, 50);
    assert_int_equal(mkdir_p(empty), 0);
    classbook_init(&cb);
    sb_init(&err);
    assert_int_equal(classbook_add_dir(&cb, empty, &err), -1);
    assert_non_null(strstr(err.buf, "is it the --out of a grader batch?"));
    sb_reset(&err);
    assert_int_equal(classbook_add_dir(&cb, mixed, &err), -1);
    assert_non_null(strstr(err.buf, "holds two labs"));
    assert_int_equal(cb.nlabs, 0);
    classbook_free(&cb);
    sb_free(&err);
    free(mixed);
    free(empty);
}

static void imports_have_the_lms_columns(void **state)
{
    struct fixture *f = *state;
    struct classbook cb;
    struct roster r;
    struct strbuf err;
    char *canvas, *moodle, *csv;

    sb_init(&err);
    /* carol is not in the roster; dave is, without any result */
    assert_int_equal(parse("student,first_name,last_name,canvas_id,sis_user_id,sis_login_id,"
                           "section,email,idnumber\n"
                           "alice,Ada,Lovelace,101,S1,ada,A,ada@x.org,\n"
                           "bob,Bob,,102,,,A,,B2\n"
                           "dave,,,,S4,,,d@x.org,\n",
                           &r, &err),
                     0);
    load_class(f, &cb, &r);
    canvas = classbook_canvas(&cb, &r);
    assert_string_equal(canvas, "Student,ID,SIS User ID,SIS Login ID,Section,deadlock,pimutex\n"
                                "Points Possible,,,,,92,100\n"
                                "\"Lovelace, Ada\",101,S1,ada,A,92,92\n"
                                "Bob,102,,,A,0,\n"
                                "dave,,S4,,,,\n");
    moodle = classbook_moodle(&cb, &r);
    assert_string_equal(moodle, "First name,Last name,ID number,Email address,deadlock,pimutex\n"
                                "Ada,Lovelace,,ada@x.org,92,92\n"
                                "Bob,,B2,,0,\n"
                                ",,,d@x.org,,\n");
    csv = classbook_csv(&cb); /* nothing lost: carol stays, dave joins */
    assert_non_null(strstr(csv, "\ncarol,40.5,,0,error,40.5,192\n"));
    assert_non_null(strstr(csv, "\ndave,,missing,,missing,0,192\n"));
    free(csv);
    free(canvas);
    free(moodle);
    classbook_free(&cb);
    roster_free(&r);
    sb_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roster_reads_columns_in_any_order),
        cmocka_unit_test(roster_refuses_bad_input_naming_the_line),
        cmocka_unit_test_setup_teardown(gradebook_has_each_lab_and_the_total, make_class,
                                        remove_class),
        cmocka_unit_test_setup_teardown(gradebook_refuses_what_is_no_batch_output, make_class,
                                        remove_class),
        cmocka_unit_test_setup_teardown(imports_have_the_lms_columns, make_class, remove_class),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
