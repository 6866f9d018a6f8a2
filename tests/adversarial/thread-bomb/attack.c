/* A thread bomb: threads that sleep, created as fast as possible, forever. */
#include <pthread.h>
#include <unistd.h>

static void *adv_sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static int adv_attack(void)
{
    pthread_t t;

    for (;;)
        pthread_create(&t, NULL, adv_sleeper, NULL);
    return 0;
}
