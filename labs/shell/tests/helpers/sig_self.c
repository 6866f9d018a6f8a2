/*
 * sig-self SIG - sends itself signal SIG (a number or a name: INT, TERM,
 * KILL, SEGV, ABRT, STOP, TSTP, ...) with the default action. After a stop
 * it exits 0 once continued; if a deadly signal leaves it alive it exits 1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_signal(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT},
                 {"KILL", SIGKILL}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"STOP", SIGSTOP},
                 {"TSTP", SIGTSTP}, {"USR1", SIGUSR1}, {"TTIN", SIGTTIN}};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].sig;
    return atoi(s);
}

int main(int argc, char **argv)
{
    int sig = argc > 1 ? parse_signal(argv[1]) : 0;

    if (sig <= 0 || sig >= NSIG) {
        fprintf(stderr, "usage: sig-self SIGNAL\n");
        return 2;
    }
    signal(sig, SIG_DFL);
    kill(getpid(), sig);
    if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN)
        return 0;
    fprintf(stderr, "sig-self: signal %d did not kill me\n", sig);
    return 1;
}
