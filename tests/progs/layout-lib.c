/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared library half of layout.c: lib_touch -> lib_fill -> memset. */
#include <string.h>

__attribute__((noinline)) static void lib_fill(char *p, size_t n)
{
	memset(p, 1, n);
	__asm__ volatile("" ::: "memory");
}

void lib_touch(char *p, size_t n)
{
	lib_fill(p, n);
	__asm__ volatile("" ::: "memory");
}
