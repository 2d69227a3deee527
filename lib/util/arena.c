/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Arenas (util/arena.h): 1 MiB blocks; a request larger than that gets a
 * block of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "util/arena.h"

#define ARENA_BLOCK ((size_t)1 << 20)
#define ARENA_ALIGN alignof(max_align_t)

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	alignas(max_align_t) char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t at;

	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		if (cap > SIZE_MAX - sizeof *b || !(b = malloc(sizeof *b + cap))) {
			error_set_errno(ENOMEM, "arena block of %zu bytes", n);
			return NULL;
		}
		b->cap = cap;
		b->used = 0;
		/* A block of its own goes behind the current one, which may
		   still have room for small requests. */
		if (a->head && cap > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	at = b->used;
	b->used += n;
	a->bytes += n;
	return b->data + at;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = len < SIZE_MAX ? arena_alloc(a, len + 1) : NULL;

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->bytes = 0;
}
