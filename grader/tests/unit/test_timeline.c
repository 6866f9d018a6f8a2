/*
 * test_timeline.c - the timeline block of a transcript: found, cut out with
 * its deadline lines, read row by row, its marks escaped when drawn, and
 * nothing made of a transcript without one or of rows that are not rows.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/timeline.h"
#include "report/html.h"

static const char transcript[] =
    "scenario demo: two tasks\n"
    "[   0] main(63) -> low(10)  exits\n"
    "[   4] watch: cycle 0: low met its deadline\n"
    "[   6] low(10) -> high(50)  preempted\n"
    "[  10] HALT: watchdog reset: high missed its deadline\n"
    "\n"
    "timeline: # run, = run holding a mutex, - ready, ~ ready holding a mutex,\n"
    "          B blocked on a mutex, S blocked on a semaphore, . sleeping\n"
    "            0         1\n"
    "            0123456789012\n"
    "high    50 |......BB<S>  |\n"
    "low     10 |.=====~~~~~~~|\n"
    "\n"
    "end: halted at tick 10\n";

static void the_excerpt_keeps_deadlines_and_the_block(void **state)
{
    char *e = timeline_excerpt(transcript);

    (void)state;
    assert_non_null(e);
    assert_string_equal(e, "[   4] watch: cycle 0: low met its deadline\n"
                           "[  10] HALT: watchdog reset: high missed its deadline\n"
                           "timeline: # run, = run holding a mutex, - ready, ~ ready holding a "
                           "mutex,\n"
                           "          B blocked on a mutex, S blocked on a semaphore, . sleeping\n"
                           "            0         1\n"
                           "            0123456789012\n"
                           "high    50 |......BB<S>  |\n"
                           "low     10 |.=====~~~~~~~|\n");
    free(e);
}

static void the_block_is_read_row_by_row(void **state)
{
    struct timeline tl;
    char *e = timeline_excerpt(transcript);

    (void)state;
    /* the excerpt reads as the whole transcript does */
    for (int pass = 0; pass < 2; pass++) {
        assert_true(timeline_parse(pass == 0 ? transcript : e, &tl));
        assert_int_equal(tl.nrows, 2);
        assert_string_equal(tl.rows[0].label, "high    50");
        assert_string_equal(tl.rows[0].marks, "......BB<S>  ");
        assert_string_equal(tl.rows[1].marks, ".=====~~~~~~~");
        assert_int_equal(tl.ticks, 13);
        assert_int_equal(tl.nmarks, 2);
        assert_int_equal(tl.marks[0].tick, 4);
        assert_string_equal(tl.marks[1].text, "HALT: watchdog reset: high missed its deadline");
        timeline_free(&tl);
    }
    free(e);
}

static void no_block_no_timeline(void **state)
{
    struct timeline tl;

    (void)state;
    assert_null(timeline_excerpt("[   0] main: done\nend: every task exited at tick 0\n"));
    assert_false(timeline_parse("[   0] main: done\n", &tl));
    /* a block whose lines are no rows ("NAME |MARKS|") is none either */
    assert_false(timeline_parse("timeline: legend\nlow 10 |....\nhigh 50 no bars\n", &tl));
    timeline_free(&tl);
}

static void the_picture_has_a_cell_per_mark_escaped(void **state)
{
    struct timeline tl;
    struct strbuf s;
    int cells = 0;

    (void)state;
    assert_true(timeline_parse(transcript, &tl));
    sb_init(&s);
    html_timeline_svg(&s, &tl, "demo <title>");
    for (const char *p = s.buf; (p = strstr(p, "<rect class=\"cell\"")) != NULL; p++)
        cells++;
    /* 11 + 13 marks that are not blank, and the legend's 7 */
    assert_int_equal(cells, 11 + 13 + 7);
    assert_non_null(strstr(s.buf, "<title>demo &lt;title&gt;</title>"));
    assert_non_null(strstr(s.buf, ">&lt;</text>"));
    assert_null(strstr(s.buf, "<S>"));
    /* the missed deadline is red, the met one blue, each with its line as a tooltip */
    assert_non_null(strstr(s.buf, "<title>tick 10: HALT: watchdog reset: high missed its "
                                  "deadline</title><line x1="));
    assert_non_null(strstr(s.buf, "stroke=\"#b3261e\""));
    assert_non_null(strstr(s.buf, "<title>tick 4: watch: cycle 0: low met its deadline</title>"));
    sb_free(&s);
    timeline_free(&tl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_excerpt_keeps_deadlines_and_the_block),
        cmocka_unit_test(the_block_is_read_row_by_row),
        cmocka_unit_test(no_block_no_timeline),
        cmocka_unit_test(the_picture_has_a_cell_per_mark_escaped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
