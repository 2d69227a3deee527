/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Growable byte buffers, the one kind libpf uses for text it builds up
 * (frames, stacks, records being written).  A zeroed struct buf is empty
 * and valid; buf_release() frees it and leaves it empty again.
 */
#ifndef PF_UTIL_BUF_H
#define PF_UTIL_BUF_H

#include <stddef.h>
#include <string.h>

#include "util/pf-int.h"

struct buf {
	char *p;
	size_t len, cap;
};

/* Grow so that N more bytes fit (the slow path of buf_reserve). */
int buf_grow(struct buf *b, size_t n);

/* Make room for N more bytes; -1 (ENOMEM recorded) when out of memory. */
static inline int buf_reserve(struct buf *b, size_t n)
{
	if (likely(b->cap - b->len >= n))
		return 0;
	return buf_grow(b, n);
}

/* Append N bytes; -1 when out of memory. */
static inline int buf_add(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static inline int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static inline int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/* Append printf-formatted text; -1 when out of memory. */
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Free the bytes and leave B empty. */
void buf_release(struct buf *b);

#endif /* PF_UTIL_BUF_H */
