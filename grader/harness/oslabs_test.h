/*
 * oslabs_test.h - the grader's side of every cmocka test program.
 *
 * A lab's test program lists its cmocka tests as usual and ends with
 * OSLABS_TEST_MAIN(tests). The program then understands:
 *
 *     prog                run every test (what a student types)
 *     prog --list         print one test name per line
 *     prog --run NAME     run just NAME, so a crash or hang costs one test
 *
 * Under the grader, the verdict of --run is written to the file descriptor
 * named by OSLABS_VERDICT_FD, not read from the program's output, so text
 * printed by the code under test cannot forge a pass, and a test that exits
 * the process early has no verdict at all.
 */
#ifndef OSLABS_TEST_H
#define OSLABS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

int oslabs_test_main(int argc, char **argv, const struct CMUnitTest *tests, size_t ntests,
                     CMFixtureFunction group_setup, CMFixtureFunction group_teardown);

#define OSLABS_TEST_MAIN(tests)                                                                    \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return oslabs_test_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]), NULL, NULL);  \
    }

#define OSLABS_TEST_MAIN_GROUP(tests, setup, teardown)                                             \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return oslabs_test_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]), setup,        \
                                teardown);                                                         \
    }

#endif
