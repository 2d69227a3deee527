/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main -> a -> b -> c -> memset on fresh pages, and the same through a
 * shared library (layout_lib), for the stacks unwound from DWARF on every
 * linker's layout (tests/run-pfscript-layouts.sh).
 */
#include <stdlib.h>
#include <string.h>

void lib_touch(char *p, size_t n);

#define NOINLINE __attribute__((noinline))
#define KEEP_FRAME __asm__ volatile("" ::: "memory")

NOINLINE void c(char *p, size_t n) { memset(p, 1, n); KEEP_FRAME; }
NOINLINE void b(char *p, size_t n) { c(p, n); KEEP_FRAME; }
NOINLINE void a(char *p, size_t n) { b(p, n); KEEP_FRAME; }

int main(void)
{
	size_t n = 512 << 10;
	char *p = malloc(n), *q = malloc(n);

	if (!p || !q)
		return 1;
	a(p, n);
	lib_touch(q, n);
	return p[100] + q[100] == 2 ? 0 : 1;
}
