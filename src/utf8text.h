/*
 * utf8text.h — UTF-8 text, fast: where its first bad byte is, and the
 * line and column a run of it moves a position by.
 *
 * intake.c validates and locates every byte of a register through these,
 * so they go sixteen bytes at a time where SSE2 is there (every x86-64)
 * and eight elsewhere. Columns count characters (a byte that is not
 * 10xxxxxx), lines count '\n' (a CR is a column like any character).
 */
#ifndef CANVASS_UTF8TEXT_H
#define CANVASS_UTF8TEXT_H

#include <stddef.h>

/* Index of the first byte of P[0..N) that is not well-formed UTF-8 (N
 * when all are); *PARTIAL is set when the bytes from there on are only
 * the start of a character (it may continue in the next read). */
size_t utf8text_valid_prefix(const unsigned char *p, size_t n, int *partial);

/* Length of the well-formed UTF-8 sequence at P (N >= 1 bytes), 0 when it
 * is not one, or -1 when the N bytes are a proper prefix of one. */
int utf8text_len(const unsigned char *p, size_t n);

/* Length of the invalid UTF-8 sequence at P (N >= 1 bytes): the longest
 * prefix of a well-formed sequence, at least 1 (Unicode's "maximal
 * subpart"). */
size_t utf8text_bad_len(const unsigned char *p, size_t n);

/* Moves the position *LINE:*COL over the N bytes of UTF-8 text at P. */
void utf8text_advance(unsigned *line, unsigned *col, const unsigned char *p,
                      size_t n);

#endif
