/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Numbers as the perl tools print them, so that pftools' text and SVG
 * match flamegraph.pl's and difffolded.pl's byte for byte.
 */
#ifndef PF_UTIL_NUMFMT_H
#define PF_UTIL_NUMFMT_H

#include <stddef.h>

/* perl's default number format ("%.15g"; never "-0"). */
void perl_num(char *buf, size_t size, double v);

/* A whole number with thousands separators, as flamegraph.pl prints counts. */
void commify(char *buf, size_t size, double v);

#endif /* PF_UTIL_NUMFMT_H */
