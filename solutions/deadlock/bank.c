/*
 * bank.c - accounts with one mutex each, and transfers that cannot deadlock.
 *
 * Circular wait is broken with a global lock order: a thread that needs
 * several account locks takes them in increasing account index, so no two
 * threads can each hold a lock the other is waiting for.
 */
#include "bank.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock;
    long balance; /* guarded by lock */
};

/* Lock order: accounts[i].lock before accounts[j].lock when i < j. */
struct bank {
    size_t naccounts;                                /* fixed at creation */
    struct account *accounts;                        /* naccounts of them, fixed at creation */
    void (*hook)(size_t from, size_t to, void *arg); /* set before threads start */
    void *hook_arg;
};

/* bank_create - a bank of naccounts accounts holding `initial` each.
 * NULL, errno EINVAL for no accounts or a negative initial; ENOMEM. */
bank_t *bank_create(size_t naccounts, long initial)
{
    bank_t *b;

    if (naccounts == 0 || initial < 0) {
        errno = EINVAL;
        return NULL;
    }
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->accounts = calloc(naccounts, sizeof(*b->accounts));
    if (b->accounts == NULL) {
        free(b);
        errno = ENOMEM;
        return NULL;
    }
    b->naccounts = naccounts;
    for (size_t i = 0; i < naccounts; i++) {
        pthread_mutex_init(&b->accounts[i].lock, NULL);
        b->accounts[i].balance = initial;
    }
    return b;
}

/* bank_destroy - frees b. No thread may still use it. */
void bank_destroy(bank_t *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->naccounts; i++)
        pthread_mutex_destroy(&b->accounts[i].lock);
    free(b->accounts);
    free(b);
}

void bank_set_hold_hook(bank_t *b, void (*hook)(size_t from, size_t to, void *arg), void *arg)
{
    b->hook = hook;
    b->hook_arg = arg;
}

/* bank_transfer - moves amount from one account to another, atomically.
 * Takes the two locks in index order (the global lock order). 0 on success;
 * -1 EINVAL for a bad index or amount, -1 EAGAIN for insufficient funds. */
int bank_transfer(bank_t *b, size_t from, size_t to, long amount)
{
    struct account *first, *second;
    int err = 0;

    if (from >= b->naccounts || to >= b->naccounts || amount <= 0) {
        errno = EINVAL;
        return -1;
    }
    if (from == to)
        return 0;
    first = &b->accounts[from < to ? from : to];
    second = &b->accounts[from < to ? to : from];

    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    if (b->hook != NULL)
        b->hook(from, to, b->hook_arg);
    if (b->accounts[from].balance < amount) {
        err = EAGAIN;
    } else {
        b->accounts[from].balance -= amount;
        b->accounts[to].balance += amount;
    }
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);

    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

/* bank_balance - the balance of one account; -1 EINVAL for a bad index. */
long bank_balance(bank_t *b, size_t account)
{
    long balance;

    if (account >= b->naccounts) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&b->accounts[account].lock);
    balance = b->accounts[account].balance;
    pthread_mutex_unlock(&b->accounts[account].lock);
    return balance;
}

/* bank_total - the sum of every balance at one instant: holds every account
 * lock (taken in index order) while it adds them up. */
long bank_total(bank_t *b)
{
    long sum = 0;

    for (size_t i = 0; i < b->naccounts; i++)
        pthread_mutex_lock(&b->accounts[i].lock);
    for (size_t i = 0; i < b->naccounts; i++)
        sum += b->accounts[i].balance;
    for (size_t i = b->naccounts; i-- > 0;)
        pthread_mutex_unlock(&b->accounts[i].lock);
    return sum;
}
