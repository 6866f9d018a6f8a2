/*
 * test_html.c - the HTML pages: a student's report taken apart from a
 * results.json (reason, diff, evidence, hint, rerun), escaping of what a
 * submission printed, and a hostile "Rerun it:" in its output.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report/html.h"

/* A results.json with one failed test whose output is the given text. */
static cJSON *results_with(const char *output)
{
    cJSON *r = cJSON_CreateObject(), *tests = cJSON_CreateArray(), *t = cJSON_CreateObject();
    cJSON *extra = cJSON_CreateObject();

    cJSON_AddNumberToObject(r, "score", 0);
    cJSON_AddStringToObject(r, "output", "demo: A demo lab\nScore: 0/3 (0.0%)\n");
    cJSON_AddStringToObject(t, "name", "echo-test");
    cJSON_AddNumberToObject(t, "score", 0);
    cJSON_AddNumberToObject(t, "max_score", 3);
    cJSON_AddStringToObject(t, "output", output);
    cJSON_AddStringToObject(extra, "outcome", "failed");
    cJSON_AddStringToObject(extra, "ended", "failed");
    cJSON_AddNumberToObject(extra, "cpu_time", 0.25);
    cJSON_AddNumberToObject(extra, "peak_memory_kb", 1234);
    cJSON_AddItemToObject(t, "extra_data", extra);
    cJSON_AddItemToArray(tests, t);
    cJSON_AddItemToObject(r, "tests", tests);
    return r;
}

static void report_takes_a_failure_apart(void **state)
{
    cJSON *r = results_with("Result: the output differs at line 2\n"
                            "--- diff (- expected, + actual) ---\n--- expected\n+++ actual\n"
                            "@@ -1,2 +1,2 @@\n ok\n-want\n+got\n"
                            "--- stderr ---\noops\n"
                            "Hint: read the handout\nRerun it:\nbuild/grader run demo --only "
                            "echo-test\n");
    char *page = html_student_report(r, NULL);

    (void)state;
    assert_non_null(strstr(page, "<p class=\"reason\">the output differs at line 2</p>"));
    assert_non_null(strstr(page, "<span class=\"del\">-want\n</span>"));
    assert_non_null(strstr(page, "<span class=\"add\">+got\n</span>"));
    assert_non_null(strstr(page, "<details><summary>stderr</summary><pre>oops\n</pre>"));
    assert_non_null(strstr(page, "<p class=\"hint\">Hint: read the handout\n</p>"));
    assert_non_null(
        strstr(page, "<pre class=\"cmd\">build/grader run demo --only echo-test</pre>"));
    assert_non_null(strstr(page, "<td class=\"num points\">0/3</td>"));
    assert_non_null(strstr(page, "1234 KiB"));
    free(page);
    cJSON_Delete(r);
}

static void report_escapes_what_a_submission_printed(void **state)
{
    cJSON *r = results_with("Result: failed\n--- stdout ---\n<script>alert('x')</script>&\"\n"
                            "Rerun it:\ngrader run demo\n");
    char *page = html_student_report(r, NULL);

    (void)state;
    assert_null(strstr(page, "<script"));
    assert_non_null(strstr(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    free(page);
    cJSON_Delete(r);
}

/* A submission printing "Rerun it:" cannot pass its text off as the grader's commands. */
static void the_last_rerun_line_is_the_graders(void **state)
{
    cJSON *r = results_with("Result: failed\n--- stdout ---\nRerun it:\nrm -rf ~\n"
                            "Rerun it:\ngrader run demo\n");
    char *page = html_student_report(r, NULL);

    (void)state;
    assert_null(strstr(page, "<pre class=\"cmd\">rm -rf ~</pre>"));
    assert_non_null(strstr(page, "<pre class=\"cmd\">grader run demo</pre>"));
    free(page);
    cJSON_Delete(r);
}

static void escape_handles_every_special_character(void **state)
{
    struct strbuf s;

    (void)state;
    sb_init(&s);
    html_escape(&s, "<a href=\"x\">'&'</a>");
    assert_string_equal(s.buf, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    sb_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_takes_a_failure_apart),
        cmocka_unit_test(report_escapes_what_a_submission_printed),
        cmocka_unit_test(the_last_rerun_line_is_the_graders),
        cmocka_unit_test(escape_handles_every_special_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
