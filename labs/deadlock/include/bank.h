/*
 * bank.h - a bank of accounts that transfers money between threads without
 * deadlock (the deadlock lab's contract, part 1).
 *
 * Every account has its own pthread mutex; there is no global lock, so
 * transfers between disjoint accounts run in parallel. Functions that fail
 * return -1 (or NULL) and set errno; on failure nothing changes.
 * This header is given by the lab: do not edit it.
 */
#ifndef BANK_H
#define BANK_H

#include <stddef.h>

// clang-format off
typedef struct bank bank_t;

bank_t *bank_create(size_t naccounts, long initial);
        /* every account holds `initial`; NULL, errno EINVAL if naccounts is 0 or initial < 0;
           ENOMEM */
void    bank_destroy(bank_t *b);
        /* no thread may still use b; NULL is a no-op */
int     bank_transfer(bank_t *b, size_t from, size_t to, long amount);
        /* atomic; 0 on success; -1 EINVAL for a bad index or amount <= 0; -1 EAGAIN when `from`
           has less than amount (nothing changes); from == to with a valid amount is a no-op, 0 */
long    bank_balance(bank_t *b, size_t account);
        /* -1 EINVAL for a bad index */
long    bank_total(bank_t *b);
        /* a consistent snapshot of the sum of every balance */
void    bank_set_hold_hook(bank_t *b, void (*hook)(size_t from, size_t to, void *arg), void *arg);
        /* called by bank_transfer while it holds the locks of both accounts (tests use it to
           pause a transfer inside its critical section): only for two different accounts, after
           both locks are taken, also for a transfer that then fails with EAGAIN. Set it before
           other threads use the bank; NULL removes it. */
// clang-format on

#endif
