/* wakefirst.h - switches tests/wakefirst.c's sem_post on or off. */
#ifndef WAKEFIRST_H
#define WAKEFIRST_H

#include <stdbool.h>

/* On by default. Call it before the first thread starts. */
void wakefirst_enable(bool on);

#endif
