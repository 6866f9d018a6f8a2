/*
 * bank.c - accounts with one mutex each, and transfers that cannot deadlock.
 *
 * bank_create, bank_destroy, bank_transfer, bank_balance and bank_total, as
 * include/bank.h says. One pthread mutex per account and no lock shared by
 * all accounts. Circular wait is broken with a global lock order: whenever a
 * thread needs two or more account locks, it takes them in increasing
 * account index, so no two threads can each hold a lock the other waits for.
 *
 * Grade it with:  make grade LAB=deadlock ONLY=bank-stress-both-ways
 */
#include "bank.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

// BEGIN SOLUTION
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
// END SOLUTION
// SKELETON: /* TODO: add the accounts, each with its own pthread mutex, and write down
// SKELETON:  * which lock guards which field and in which order the locks are taken. */
// SKELETON: struct bank {
// SKELETON:     void (*hook)(size_t from, size_t to, void *arg); /* set before threads start */
// SKELETON:     void *hook_arg;
// SKELETON: };

/* ---- Functions you implement ---- */

/* bank_create - a bank of naccounts accounts holding `initial` each.
 * NULL, errno EINVAL if naccounts is 0 or initial < 0; ENOMEM. */
bank_t *bank_create(size_t naccounts, long initial)
{
    // BEGIN SOLUTION
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
    // END SOLUTION
    // SKELETON: (void)naccounts;
    // SKELETON: (void)initial;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return NULL;
}

/* bank_destroy - frees everything bank_create allocated. No thread may
 * still use b; NULL is a no-op. */
void bank_destroy(bank_t *b)
{
    // BEGIN SOLUTION
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->naccounts; i++)
        pthread_mutex_destroy(&b->accounts[i].lock);
    free(b->accounts);
    free(b);
    // END SOLUTION
    // SKELETON: (void)b; /* TODO */
}

/* bank_transfer - moves amount from `from` to `to`, atomically: 0; -1 EINVAL
 * for a bad index or amount <= 0; -1 EAGAIN if `from` holds less than amount
 * (nothing changes). from == to with a valid amount is a no-op that returns
 * 0. Takes both account locks in index order, calls b->hook (if set) right
 * after, and checks the balance only while holding them. */
int bank_transfer(bank_t *b, size_t from, size_t to, long amount)
{
    // BEGIN SOLUTION
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
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)from;
    // SKELETON: (void)to;
    // SKELETON: (void)amount;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return -1;
}

/* bank_balance - the balance of one account; -1 EINVAL for a bad index. */
long bank_balance(bank_t *b, size_t account)
{
    // BEGIN SOLUTION
    long balance;

    if (account >= b->naccounts) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&b->accounts[account].lock);
    balance = b->accounts[account].balance;
    pthread_mutex_unlock(&b->accounts[account].lock);
    return balance;
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: (void)account;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return -1;
}

/* bank_total - the sum of every balance at one instant: holds every account
 * lock (taken in index order) while it adds them up. */
long bank_total(bank_t *b)
{
    // BEGIN SOLUTION
    long sum = 0;

    for (size_t i = 0; i < b->naccounts; i++)
        pthread_mutex_lock(&b->accounts[i].lock);
    for (size_t i = 0; i < b->naccounts; i++)
        sum += b->accounts[i].balance;
    for (size_t i = b->naccounts; i-- > 0;)
        pthread_mutex_unlock(&b->accounts[i].lock);
    return sum;
    // END SOLUTION
    // SKELETON: (void)b;
    // SKELETON: errno = ENOSYS; /* TODO */
    // SKELETON: return -1;
}

/* ---- Helpers we provide ---- */

/* bank_set_hold_hook - installs the hook bank_transfer calls while it holds
 * both account locks (see bank.h for exactly when). */
void bank_set_hold_hook(bank_t *b, void (*hook)(size_t from, size_t to, void *arg), void *arg)
{
    b->hook = hook;
    b->hook_arg = arg;
}
