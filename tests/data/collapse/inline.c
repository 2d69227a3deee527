/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Built with -g -O2 by tests/run-pfcollapse-inline.sh: leaf() is inlined
   into middle(), middle() into outer().  The test relies on the line
   numbers below: leaf's loop body (line 11), the call of leaf (line 17)
   and of middle (line 23). */
#include <stdlib.h>
static inline __attribute__((always_inline)) long leaf(long *p, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += p[i] * 3;
	return s;
}
static inline __attribute__((always_inline)) long middle(long n)
{
	long *p = calloc((size_t)n, sizeof *p);
	long s = leaf(p, n);
	free(p);
	return s;
}
__attribute__((noinline)) long outer(long n)
{
	return middle(n) + 1;
}
int main(int argc, char **argv)
{
	return (int)outer(argc > 1 ? atol(argv[1]) : 10) & 1;
}
