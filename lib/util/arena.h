/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Arenas: many small allocations (keys of hash tables, cached text) carved
 * from large blocks and freed all at once, so that a table of millions of
 * keys costs one malloc per megabyte, not one per key.  A zeroed struct
 * arena is empty and valid.
 */
#ifndef PF_UTIL_ARENA_H
#define PF_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t bytes;		/* handed out so far */
};

/* N bytes, aligned for any object; NULL (ENOMEM recorded) when out of
   memory.  They stay valid until arena_release(). */
void *arena_alloc(struct arena *a, size_t n);

/* A NUL-terminated copy of the LEN bytes at S; NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Free every block and leave A empty. */
void arena_release(struct arena *a);

#endif /* PF_UTIL_ARENA_H */
