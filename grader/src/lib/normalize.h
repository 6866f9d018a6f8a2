/*
 * normalize.h - normalisers for trace output, so that a transcript does not
 * depend on pids, spacing or the order of unordered lines.
 */
#ifndef OSLABS_NORMALIZE_H
#define OSLABS_NORMALIZE_H

#include <stddef.h>

enum norm_flag { NORM_PIDS = 1 << 0, NORM_WHITESPACE = 1 << 1, NORM_SORT = 1 << 2 };

/* Applies the NORM_* flags to text; returns a new string. */
char *normalize_text(const char *text, size_t len, unsigned flags);

/* 1-based number of the first line where a and b differ, 0 if equal. */
int first_difference(const char *a, const char *b);

#endif
