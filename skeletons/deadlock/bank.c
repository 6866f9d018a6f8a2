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

/* TODO: add the accounts, each with its own pthread mutex, and write down
 * which lock guards which field and in which order the locks are taken. */
struct bank {
    void (*hook)(size_t from, size_t to, void *arg); /* set before threads start */
    void *hook_arg;
};

/* ---- Functions you implement ---- */

/* bank_create - a bank of naccounts accounts holding `initial` each.
 * NULL, errno EINVAL if naccounts is 0 or initial < 0; ENOMEM. */
bank_t *bank_create(size_t naccounts, long initial)
{
    (void)naccounts;
    (void)initial;
    errno = ENOSYS; /* TODO */
    return NULL;
}

/* bank_destroy - frees everything bank_create allocated. No thread may
 * still use b; NULL is a no-op. */
void bank_destroy(bank_t *b)
{
    (void)b; /* TODO */
}

/* bank_transfer - moves amount from `from` to `to`, atomically: 0; -1 EINVAL
 * for a bad index or amount <= 0; -1 EAGAIN if `from` holds less than amount
 * (nothing changes). from == to with a valid amount is a no-op that returns
 * 0. Takes both account locks in index order, calls b->hook (if set) right
 * after, and checks the balance only while holding them. */
int bank_transfer(bank_t *b, size_t from, size_t to, long amount)
{
    (void)b;
    (void)from;
    (void)to;
    (void)amount;
    errno = ENOSYS; /* TODO */
    return -1;
}

/* bank_balance - the balance of one account; -1 EINVAL for a bad index. */
long bank_balance(bank_t *b, size_t account)
{
    (void)b;
    (void)account;
    errno = ENOSYS; /* TODO */
    return -1;
}

/* bank_total - the sum of every balance at one instant: holds every account
 * lock (taken in index order) while it adds them up. */
long bank_total(bank_t *b)
{
    (void)b;
    errno = ENOSYS; /* TODO */
    return -1;
}

/* ---- Helpers we provide ---- */

/* bank_set_hold_hook - installs the hook bank_transfer calls while it holds
 * both account locks (see bank.h for exactly when). */
void bank_set_hold_hook(bank_t *b, void (*hook)(size_t from, size_t to, void *arg), void *arg)
{
    b->hook = hook;
    b->hook_arg = arg;
}
