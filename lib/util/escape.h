/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control characters in names read from a recording or a profile (a COMM,
 * a symbol, a frame) would forge lines in a text output or reach the
 * terminal raw (ESC sequences).  Text outputs write them as C escapes:
 * \t, \n, \r, and \xHH for the others below 0x20 and 0x7f.
 */
#ifndef PF_UTIL_ESCAPE_H
#define PF_UTIL_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* The length of the prefix of S (N bytes) without control characters. */
size_t esc_span(const char *s, size_t n);

/* The escape of the control character CH into OUT; its length (2 or 4). */
size_t esc_ctrl(unsigned char ch, char out[4]);

/* Write S (N bytes) to OUT with its control characters escaped. */
void esc_fputs(FILE *out, const char *s, size_t n);

#endif /* PF_UTIL_ESCAPE_H */
