/*
 * test_text.c - the grader's text helpers: shell-like word splitting,
 * $LAB expansion, strict numbers, UTF-8 sanitising, trace normalisers and
 * telling a crash of valgrind itself from the errors it reports.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kinds/kind.h"
#include "pipeline/manifest.h"
#include "lib/normalize.h"
#include "lib/util.h"

static void split_words_honours_quotes(void **state)
{
    struct strv w;
    const char *err = NULL;

    (void)state;
    sv_init(&w);
    assert_int_equal(split_words("  a 'b c'  \"d \\\" e\" f\\ g ''", &w, &err), 0);
    assert_int_equal(w.n, 5);
    assert_string_equal(w.v[0], "a");
    assert_string_equal(w.v[1], "b c");
    assert_string_equal(w.v[2], "d \" e");
    assert_string_equal(w.v[3], "f g");
    assert_string_equal(w.v[4], "");
    assert_null(w.v[5]);
    sv_free(&w);
}

static void split_words_rejects_open_quotes(void **state)
{
    struct strv w;
    const char *err = NULL;

    (void)state;
    sv_init(&w);
    assert_int_equal(split_words("a \"b", &w, &err), -1);
    assert_string_equal(err, "unterminated double quote");
    assert_int_equal(split_words("a\\", &w, &err), -1);
    assert_string_equal(err, "backslash at end of line");
    assert_int_equal(w.n, 0);
    sv_free(&w);
}

static void expand_vars_replaces_whole_names(void **state)
{
    const char *names[] = {"LAB", "SCRATCH"};
    const char *values[] = {"/w/shell", "/w/s"};
    char *s = expand_vars("$LAB/tsh $LABEL $SCRATCH/x $", names, values, 2);

    (void)state;
    assert_string_equal(s, "/w/shell/tsh $LABEL /w/s/x $");
    free(s);
}

static void numbers_are_strict(void **state)
{
    long l;
    double d;
    bool b;

    (void)state;
    assert_int_equal(parse_long("42", 0, 100, &l), 0);
    assert_int_equal(l, 42);
    assert_int_equal(parse_long("42x", 0, 100, &l), -1);
    assert_int_equal(parse_long("", 0, 100, &l), -1);
    assert_int_equal(parse_long("101", 0, 100, &l), -1);
    assert_int_equal(parse_long("99999999999999999999", 0, 100, &l), -1);
    assert_int_equal(parse_double("2.5", 0, 10, &d), 0);
    assert_int_equal(parse_double("nan", 0, 10, &d), -1);
    assert_int_equal(parse_double("1e400", 0, 1e9, &d), -1);
    assert_int_equal(parse_bool("yes", &b), 0);
    assert_true(b);
    assert_int_equal(parse_bool("maybe", &b), -1);
}

static void sanitize_keeps_text_and_replaces_the_rest(void **state)
{
    const char raw[] = "ok \xc3\xa9\n\x01\xff\xed\xa0\x80tab\t";
    char *s = utf8_sanitize(raw, sizeof(raw) - 1);

    (void)state;
    /* é kept; ^A for the control byte; U+FFFD for a bad byte and each byte of a surrogate */
    assert_string_equal(s, "ok \xc3\xa9\n^A\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdtab\t");
    free(s);
}

static void normalise_pids_whitespace_sort(void **state)
{
    const char out[] = "[1] (4242) ./spin 5 &  \n  Job [1]\t(77) stopped\n(x) (12a)\n\n\n";
    char *p = normalize_text(out, strlen(out), NORM_PIDS);
    char *w = normalize_text(out, strlen(out), NORM_PIDS | NORM_WHITESPACE);
    char *s = normalize_text("b\na\nc\n", 6, NORM_SORT);

    (void)state;
    assert_string_equal(p, "[1] (PID) ./spin 5 &  \n  Job [1]\t(PID) stopped\n(x) (12a)\n\n\n");
    assert_string_equal(w, "[1] (PID) ./spin 5 &\nJob [1] (PID) stopped\n(x) (12a)\n");
    assert_string_equal(s, "a\nb\nc\n");
    free(p);
    free(w);
    free(s);
}

static void first_difference_counts_lines(void **state)
{
    (void)state;
    assert_int_equal(first_difference("a\nb\n", "a\nb\n"), 0);
    assert_int_equal(first_difference("a\nb\n", "a\nc\n"), 2);
    assert_int_equal(first_difference("a\n", "a\nb\n"), 2);
}

static void names_are_checked(void **state)
{
    (void)state;
    assert_true(valid_name("trace-bg_1.x"));
    assert_false(valid_name(""));
    assert_false(valid_name("-rf"));
    assert_false(valid_name(".hidden"));
    assert_false(valid_name("a/b"));
    assert_false(valid_name("a b"));
}

/* valgrind's own crash is the machine's fault; the program's errors are not */
static void valgrind_crash_is_told_apart(void **state)
{
    const char *crashed = "==12== Memcheck, a memory error detector\n"
                          "valgrind: the 'impossible' happened:\n   Killed by fatal signal\n";
    const char *errors = "==12== Invalid read of size 4\n==12== ERROR SUMMARY: 1 errors\n";

    (void)state;
    assert_non_null(valgrind_crash_line(crashed));
    assert_int_equal(strncmp(valgrind_crash_line(crashed), "valgrind: the 'impossible'", 26), 0);
    assert_non_null(valgrind_crash_line("VALGRIND INTERNAL ERROR: Valgrind received a signal 11"));
    assert_null(valgrind_crash_line(errors));
    assert_null(valgrind_crash_line(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_words_honours_quotes),
        cmocka_unit_test(split_words_rejects_open_quotes),
        cmocka_unit_test(expand_vars_replaces_whole_names),
        cmocka_unit_test(numbers_are_strict),
        cmocka_unit_test(sanitize_keeps_text_and_replaces_the_rest),
        cmocka_unit_test(normalise_pids_whitespace_sort),
        cmocka_unit_test(first_difference_counts_lines),
        cmocka_unit_test(names_are_checked),
        cmocka_unit_test(valgrind_crash_is_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
