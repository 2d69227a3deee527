/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Frame cache for the collapser.  A profile repeats the same few thousand
 * frame lines millions of times, so the collapser remembers, for each
 * frame line it has tidied, the text it produced; a hit costs one hash and
 * one memcmp of the line instead of parsing and tidying it again.  The
 * whole line is the key (address included), so the cached text is exactly
 * what the slow path would produce.  Memory is bounded: past a budget the
 * cache stops growing and the slow path does the rest.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "collapse/collapse-int.h"

#define BUDGET ((size_t)64 << 20)	/* bytes of keys and values */
#define BLOCK ((size_t)1 << 20)

struct fc_block {
	struct fc_block *next;
	size_t used;
	char data[BLOCK];
};

struct framecache {
	struct fc_entry *slots;
	size_t mask, used, bytes;
	struct fc_block *blocks;
};

struct framecache *fc_new(void)
{
	struct framecache *fc = calloc(1, sizeof *fc);

	if (!fc)
		return NULL;
	fc->mask = 4095;
	fc->slots = calloc(fc->mask + 1, sizeof *fc->slots);
	if (!fc->slots) {
		free(fc);
		return NULL;
	}
	return fc;
}

void fc_free(struct framecache *fc)
{
	struct fc_block *b, *next;

	if (!fc)
		return;
	for (b = fc->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(fc->slots);
	free(fc);
}

const struct fc_entry *fc_find(const struct framecache *fc, const char *line,
			       size_t len, uint64_t hash)
{
	size_t i;

	for (i = hash & fc->mask;; i = (i + 1) & fc->mask) {
		const struct fc_entry *e = &fc->slots[i];

		if (!e->key)
			return NULL;
		if (e->hash == hash && e->key_len == len &&
		    memcmp(e->key, line, len) == 0)
			return e;
	}
}

static char *alloc(struct framecache *fc, size_t n)
{
	struct fc_block *b = fc->blocks;

	if (!b || BLOCK - b->used < n) {
		b = malloc(sizeof *b);
		if (!b)
			return NULL;
		b->next = fc->blocks;
		b->used = 0;
		fc->blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static int grow(struct framecache *fc)
{
	size_t cap = (fc->mask + 1) * 2, i, j;
	struct fc_entry *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return -1;
	for (i = 0; i <= fc->mask; i++) {
		if (!fc->slots[i].key)
			continue;
		for (j = fc->slots[i].hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = fc->slots[i];
	}
	free(fc->slots);
	fc->slots = slots;
	fc->mask = cap - 1;
	return 0;
}

int fc_insert(struct framecache *fc, const char *line, size_t len,
	      uint64_t hash, const char *text, long text_len)
{
	size_t n = len + (text_len > 0 ? (size_t)text_len : 0), i;
	struct fc_entry *e;
	char *p;

	/* Full, or a line too long to be worth keeping: no caching. */
	if (fc->bytes + n > BUDGET || n > BLOCK)
		return 0;
	if ((fc->used + 1) * 2 > fc->mask + 1 && grow(fc) < 0)
		return -1;
	if (!(p = alloc(fc, n)))
		return -1;
	memcpy(p, line, len);
	if (text_len > 0)
		memcpy(p + len, text, (size_t)text_len);
	for (i = hash & fc->mask; fc->slots[i].key; i = (i + 1) & fc->mask)
		;
	e = &fc->slots[i];
	e->hash = hash;
	e->key = p;
	e->key_len = len;
	e->text = p + len;
	e->text_len = text_len;
	fc->used++;
	fc->bytes += n;
	return 0;
}
