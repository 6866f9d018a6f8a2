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

struct account {
    pthread_mutex_t lock;
    long balance;
};

/* lock order: lower account index first */
struct bank {
    size_t n;
    struct account *acct;
    void (*hook)(size_t from, size_t to, void *arg); /* set before threads start */
    void *hook_arg;
};

/* ---- Functions you implement ---- */

/* bank_create - a bank of naccounts accounts holding `initial` each.
 * NULL, errno EINVAL if naccounts is 0 or initial < 0; ENOMEM. */
bank_t *bank_create(size_t naccounts, long initial)
{
    if (naccounts == 0 || initial < 0) {
        errno = EINVAL;
        return NULL;
    }
    bank_t *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->acct = calloc(naccounts, sizeof(*b->acct));
    if (b->acct == NULL) {
        free(b);
        return NULL;
    }
    b->n = naccounts;
    for (size_t i = 0; i < naccounts; i++) {
        pthread_mutex_init(&b->acct[i].lock, NULL);
        b->acct[i].balance = initial;
    }
    return b;
}

/* bank_destroy - frees everything bank_create allocated. No thread may
 * still use b; NULL is a no-op. */
void bank_destroy(bank_t *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n; i++)
        pthread_mutex_destroy(&b->acct[i].lock);
    free(b->acct);
    free(b);
}

/* bank_transfer - moves amount from `from` to `to`, atomically: 0; -1 EINVAL
 * for a bad index or amount <= 0; -1 EAGAIN if `from` holds less than amount
 * (nothing changes). from == to with a valid amount is a no-op that returns
 * 0. Takes both account locks in index order, calls b->hook (if set) right
 * after, and checks the balance only while holding them. */
int bank_transfer(bank_t *b, size_t from, size_t to, long amount)
{
    if (from >= b->n || to >= b->n || amount <= 0) {
        errno = EINVAL;
        return -1;
    }
    if (from == to)
        return 0;
    /* FIXME: two opposite transfers can get stuck here? */
    pthread_mutex_lock(&b->acct[from].lock);
    pthread_mutex_lock(&b->acct[to].lock);
    if (b->hook != NULL)
        b->hook(from, to, b->hook_arg);
    int ret = 0;
    if (b->acct[from].balance < amount) {
        errno = EAGAIN;
        ret = -1;
    } else {
        b->acct[from].balance -= amount;
        b->acct[to].balance += amount;
    }
    pthread_mutex_unlock(&b->acct[to].lock);
    pthread_mutex_unlock(&b->acct[from].lock);
    return ret;
}

/* bank_balance - the balance of one account; -1 EINVAL for a bad index. */
long bank_balance(bank_t *b, size_t account)
{
    if (account >= b->n) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&b->acct[account].lock);
    long bal = b->acct[account].balance;
    pthread_mutex_unlock(&b->acct[account].lock);
    return bal;
}

/* bank_total - the sum of every balance at one instant: holds every account
 * lock (taken in index order) while it adds them up. */
long bank_total(bank_t *b)
{
    long sum = 0;

    /* TODO: lock? */
    for (size_t i = 0; i < b->n; i++)
        sum += bank_balance(b, i);
    return sum;
}

/* ---- Helpers we provide ---- */

/* bank_set_hold_hook - installs the hook bank_transfer calls while it holds
 * both account locks (see bank.h for exactly when). */
void bank_set_hold_hook(bank_t *b, void (*hook)(size_t from, size_t to, void *arg), void *arg)
{
    b->hook = hook;
    b->hook_arg = arg;
}
