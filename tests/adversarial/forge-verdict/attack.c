/*
 * Forges the harness's verdict: writes pass lines into the verdict pipe
 * (fd 3) in the format the harness writes (the public grader/harness shows
 * it), from the test's process and from a child, then exits 0 before the
 * test runs, as if it had passed. Before tampering was checked this scored
 * the test's points.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void adv_forge(void)
{
    char line[256];
    int n = snprintf(line, sizeof(line),
                     "oslabs-verdict 2 pid=%d token=%032d run=1 failed=0 skipped=0 "
                     "name=put-get-fifo\n",
                     (int)getpid(), 0);
    if (write(3, line, (size_t)n) < 0)
        return;
}

static int adv_attack(void)
{
    pid_t child = fork();

    if (child == 0) {
        adv_forge();
        _exit(0);
    }
    if (child > 0)
        waitpid(child, NULL, 0);
    adv_forge();
    _exit(0);
    return 0;
}
