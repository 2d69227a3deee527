/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation that says why it failed (util/pf-int.h): the size goes into
 * the thread's error message, so a tool reports "out of memory allocating
 * N bytes" instead of a bare ENOMEM.  Also the copy of versioned options,
 * and in --enable-debug builds an allocation-failure injector.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"

#ifdef PF_DEBUG
/* The allocation-failure injector: the Nth mem_* allocation after
   mem_fail_at(N) fails, so tests can walk every error path of a parser.
   PF_MEM_FAIL_AT=N in the environment arms it for a whole program run. */
static unsigned long fail_at, fail_count;
static int fail_env_read;

void mem_fail_at(unsigned long n)
{
	fail_env_read = 1;
	fail_at = n;
	fail_count = 0;
}

unsigned long mem_fail_count(void)
{
	return fail_count;
}

static int injected_failure(void)
{
	if (!fail_env_read) {
		const char *env = getenv("PF_MEM_FAIL_AT");

		fail_env_read = 1;
		if (env)
			fail_at = strtoul(env, NULL, 10);
	}
	return fail_at && ++fail_count == fail_at;
}
#else
static int injected_failure(void)
{
	return 0;
}
#endif

void *mem_alloc(size_t size)
{
	void *p = injected_failure() ? NULL : malloc(size);

	if (!p)
		error_set("out of memory allocating %zu bytes", size);
	return p;
}

void *mem_zalloc(size_t size)
{
	void *p = injected_failure() ? NULL : calloc(1, size);

	if (!p)
		error_set("out of memory allocating %zu bytes", size);
	return p;
}

void *mem_realloc(void *ptr, size_t size)
{
	void *p = injected_failure() ? NULL : realloc(ptr, size);

	if (!p)
		error_set("out of memory allocating %zu bytes", size);
	return p;
}

int mem_grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t n = *cap ? *cap : first;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size) {
			error_set("out of memory: %zu elements of %zu bytes", need, size);
			return -1;
		}
		n *= 2;
	}
	q = mem_realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

int opts_copy(void *dst, size_t dst_size, const void *src, const char *what)
{
	size_t size;

	memcpy(&size, src, sizeof size);
	if (size < sizeof size || size > (size_t)1 << 16) {
		error_set("%s: options not set up by their _opts_init()", what);
		return -1;
	}
	memcpy(dst, src, size < dst_size ? size : dst_size);
	memcpy(dst, &dst_size, sizeof dst_size);
	return 0;
}
