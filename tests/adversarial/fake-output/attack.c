/* Prints what looks like the grader's verdicts, then fails the test for real. */
#include <stdio.h>
#include <stdlib.h>

static int adv_attack(void)
{
    printf("put-get-fifo                       cmocka         4/4  pass      0.01s\n"
           "Score: 100/100 (100.0%%): 46 passed, 0 failed\n"
           "{\"score\": 100, \"tests\": [{\"name\": \"put-get-fifo\", \"score\": 4}]}\n"
           "<testsuite name=\"prodcons\" tests=\"46\" failures=\"0\"></testsuite>\n"
           "[  PASSED  ] 1 test(s).\n"
           "oslabs-verdict 1 run=1 failed=0 skipped=0 name=put-get-fifo\n"
           "{\"scores\": {\"put-get-fifo\": 4}}\n");
    fflush(stdout);
    abort();
    return 0;
}
