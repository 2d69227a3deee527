/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one hash table of libpf (util/table.h): set-up and growth.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "util/hash-int.h"
#include "util/table.h"

static int alloc_slots(struct table *t, size_t nslots)
{
	if (nslots > SIZE_MAX / t->esize) {
		error_set_errno(ENOMEM, "hash table of %zu entries", nslots);
		return -1;
	}
	t->slots = calloc(nslots, t->esize);
	if (!t->slots) {
		error_set_errno(ENOMEM, "hash table of %zu entries", nslots);
		return -1;
	}
	t->mask = nslots - 1;
	return 0;
}

int table_init(struct table *t, size_t esize, size_t min)
{
	size_t n = 16;

	pf_assert(esize >= sizeof(struct table_entry));
	while (n / 2 < min)
		n *= 2;
	t->esize = esize;
	t->used = 0;
	return alloc_slots(t, n);
}

void table_release(struct table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = t->used = 0;
}

int table_grow(struct table *t)
{
	struct table old = *t;

	if (alloc_slots(t, (old.mask + 1) * 2) < 0) {
		*t = old;
		return -1;
	}
	for (size_t i = 0; i <= old.mask; i++) {
		const struct table_entry *e = table_slot(&old, i);
		size_t j;

		if (!e->hash)
			continue;
		for (j = e->hash & t->mask; ((struct table_entry *)table_slot(t, j))->hash;
		     j = (j + 1) & t->mask)
			;
		memcpy(table_slot(t, j), e, t->esize);
	}
	free(old.slots);
	return 1;
}

int strmap_init(struct strmap *m)
{
	return table_init(&m->t, sizeof(struct strmap_entry), 64);
}

static struct strmap_entry *probe(const struct strmap *m, const char *name, size_t len,
				  uint64_t h)
{
	struct strmap_entry *e;

	TABLE_PROBE(&m->t, h, e)
		if (e->h.hash == h && e->len == len && memcmp(e->name, name, len) == 0)
			break;
	return e;
}

struct strmap_entry *strmap_find(const struct strmap *m, const char *name, size_t len)
{
	struct strmap_entry *e = probe(m, name, len, table_hash(pf_hash(name, len)));

	return e->h.hash ? e : NULL;
}

int strmap_put(struct strmap *m, const char *name, size_t len, size_t value)
{
	uint64_t h = table_hash(pf_hash(name, len));
	struct strmap_entry *e = probe(m, name, len, h);

	if (!e->h.hash) {
		switch (table_reserve(&m->t)) {
		case -1:
			return -1;
		case 1:
			e = probe(m, name, len, h);
		}
		e->h.hash = h;
		e->len = len;
		table_filled(&m->t);
	}
	e->name = name;
	e->value = value;
	return 0;
}
