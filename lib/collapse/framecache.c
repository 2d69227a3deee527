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
#include "util/arena.h"
#include "util/table.h"
#include "collapse/collapse-int.h"

#define BUDGET ((size_t)64 << 20)	/* bytes of keys and values */
#define LONGEST ((size_t)1 << 20)	/* longer lines are not kept */

struct framecache {
	struct table t;		/* of struct fc_entry */
	struct arena text;
};

struct framecache *fc_new(void)
{
	struct framecache *fc = calloc(1, sizeof *fc);

	if (!fc)
		return NULL;
	if (table_init(&fc->t, sizeof(struct fc_entry), 2048) < 0) {
		free(fc);
		return NULL;
	}
	return fc;
}

void fc_free(struct framecache *fc)
{
	if (!fc)
		return;
	arena_release(&fc->text);
	table_release(&fc->t);
	free(fc);
}

const struct fc_entry *fc_find(const struct framecache *fc, const char *line,
			       size_t len, uint64_t hash)
{
	const struct fc_entry *e;

	hash = table_hash(hash);
	TABLE_PROBE(&fc->t, hash, e)
		if (e->h.hash == hash && e->key_len == len &&
		    memcmp(e->key, line, len) == 0)
			return e;
	return NULL;
}

int fc_insert(struct framecache *fc, const char *line, size_t len,
	      uint64_t hash, const char *text, long text_len)
{
	size_t n = len + (text_len > 0 ? (size_t)text_len : 0);
	struct fc_entry *e;
	char *p;

	/* Full, or a line too long to be worth keeping: no caching. */
	if (fc->text.bytes + n > BUDGET || n > LONGEST)
		return 0;
	if (table_reserve(&fc->t) < 0 || !(p = arena_alloc(&fc->text, n)))
		return -1;
	memcpy(p, line, len);
	if (text_len > 0)
		memcpy(p + len, text, (size_t)text_len);
	hash = table_hash(hash);
	TABLE_PROBE(&fc->t, hash, e)
		;
	e->h.hash = hash;
	e->key = p;
	e->key_len = len;
	e->text = p + len;
	e->text_len = text_len;
	table_filled(&fc->t);
	return 0;
}
