/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Growable byte buffers: the out-of-line parts of util/buf.h.  Capacity
 * doubles from 256 bytes, so appends are amortized O(1).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"

int buf_grow(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (n > SIZE_MAX / 2 - b->len) {
		error_set_errno(ENOMEM, "buffer of %zu bytes", b->len);
		return -1;
	}
	while (cap - b->len < n)
		cap *= 2;
	p = mem_realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p ? b->p + b->len : NULL, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n + 1) < 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
