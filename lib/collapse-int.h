/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the collapser shared between collapse.c (sample state
 * machine), tidy.c (symbol clean-up) and srcline.c (inline expansion).
 */
#ifndef PF_COLLAPSE_INT_H
#define PF_COLLAPSE_INT_H

#include <stddef.h>

/* A growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

/* Make room for N more bytes; -1 when out of memory. */
int buf_reserve(struct buf *b, size_t n);

/*
 * Append SYM tidied as stackcollapse-perf.pl does ("tidy_generic"): ';'
 * becomes ':', quotes go, and a C/C++ argument list is cut off, except
 * for Go method names ("pkg.(*T).M").  Unlike perl, the cut is aware of
 * brackets and scopes, so "std::function<void (int)>::operator()" and
 * "main()::<lambda(int)>" stay whole.  JAVA drops the "L" of a Java class
 * signature.  The caller reserved LEN bytes.
 */
void tidy_symbol(struct buf *out, const char *sym, size_t len, int java);

#endif /* PF_COLLAPSE_INT_H */
