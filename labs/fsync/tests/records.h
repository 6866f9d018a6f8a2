/*
 * records.h - the records the fsync lab's tests append: each one's content
 * is a function of (thread, index), so a checker can tell a record that was
 * appended from garbage, and which one it is, without being told.
 */
#ifndef RECORDS_H
#define RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_MIN 16 /* every test record is at least this long */

/* The length of record (t, i): 16 to about 1500 bytes, so records straddle
 * 512-byte sectors. */
uint32_t rec_len(int t, int i);

/* Fills buf (rec_len(t, i) bytes) with record (t, i). */
void rec_fill(int t, int i, unsigned char *buf);

/* True if data is exactly some record (t, i); sets *t and *i. */
bool rec_parse(const void *data, uint32_t len, int *t, int *i);

/* Version k of atomic_replace's file: length and content. */
size_t version_len(int k);
void version_fill(int k, unsigned char *buf);

/* Writes all of buf to fd (an acknowledgement line, say). 0 or -1. */
int write_full(int fd, const void *buf, size_t n);

#endif
