/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded-stack table.  Open addressing with linear probing over a
 * power-of-two array of small entries that keep the full 64-bit hash, so a
 * probe compares keys only when the hashes match.  Keys live in large arena
 * blocks: one allocation per few thousand stacks, none per lookup.  The
 * table is kept at most half full.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/hash-int.h"

#define ARENA_BLOCK ((size_t)1 << 20)

struct entry {
	uint64_t hash;
	const char *key;	/* NULL: empty slot */
	size_t len;
	uint64_t count;
};

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct pf_fold {
	struct entry *slots;
	size_t mask;		/* capacity - 1 */
	size_t used;
	struct arena_block *arena;
};

PF_EXPORT pf_fold *pf_fold_new(void)
{
	pf_fold *f = calloc(1, sizeof *f);

	if (!f)
		goto oom;
	f->mask = 1023;
	f->slots = calloc(f->mask + 1, sizeof *f->slots);
	if (f->slots)
		return f;
	free(f);
oom:
	error_set("out of memory");
	return NULL;
}

/* Copy a key into the arena, NUL-terminated. */
static const char *arena_copy(pf_fold *f, const char *s, size_t len)
{
	struct arena_block *b = f->arena;
	char *p;

	if (!b || b->cap - b->used < len + 1) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;

		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->next = f->arena;
		b->used = 0;
		b->cap = cap;
		f->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

static int grow(pf_fold *f)
{
	size_t cap = (f->mask + 1) * 2, i;
	struct entry *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return -1;
	for (i = 0; i <= f->mask; i++) {
		struct entry *e = &f->slots[i];
		size_t j;

		if (!e->key)
			continue;
		for (j = e->hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = *e;
	}
	free(f->slots);
	f->slots = slots;
	f->mask = cap - 1;
	return 0;
}

static struct entry *find(const pf_fold *f, const char *s, size_t len,
			  uint64_t h)
{
	size_t i;

	for (i = h & f->mask;; i = (i + 1) & f->mask) {
		struct entry *e = &f->slots[i];

		if (!e->key || (e->hash == h && e->len == len &&
				memcmp(e->key, s, len) == 0))
			return e;
	}
}

PF_EXPORT int pf_fold_add(pf_fold *f, const char *stack, size_t len,
			  uint64_t count)
{
	uint64_t h = pf_hash(stack, len);
	struct entry *e = find(f, stack, len, h);

	if (likely(e->key != NULL)) {
		e->count = e->count + count < e->count ? UINT64_MAX
						       : e->count + count;
		return 0;
	}
	if (unlikely((f->used + 1) * 2 > f->mask + 1)) {
		if (grow(f) < 0)
			goto oom;
		e = find(f, stack, len, h);
	}
	e->key = arena_copy(f, stack, len);
	if (!e->key)
		goto oom;
	e->hash = h;
	e->len = len;
	e->count = count;
	f->used++;
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

PF_EXPORT uint64_t pf_fold_get(const pf_fold *f, const char *stack, size_t len)
{
	const struct entry *e = find(f, stack, len, pf_hash(stack, len));

	return e->key ? e->count : 0;
}

PF_EXPORT size_t pf_fold_size(const pf_fold *f)
{
	return f->used;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

PF_EXPORT int pf_fold_each_sorted(pf_fold *f, pf_fold_fn fn, void *arg)
{
	struct entry **v = malloc((f->used ? f->used : 1) * sizeof *v);
	size_t i, n = 0;
	int rc = 0;

	if (!v) {
		error_set("out of memory");
		return -1;
	}
	for (i = 0; i <= f->mask; i++)
		if (f->slots[i].key)
			v[n++] = &f->slots[i];
	pf_assert(n == f->used);
	qsort(v, n, sizeof *v, cmp_entry);
	for (i = 0; i < n && rc == 0; i++)
		rc = fn(v[i]->key, v[i]->len, v[i]->count, arg);
	free(v);
	return rc;
}

static int write_one(const char *stack, size_t len, uint64_t count, void *arg)
{
	FILE *out = arg;

	if (fwrite(stack, 1, len, out) != len ||
	    fprintf(out, " %llu\n", (unsigned long long)count) < 0)
		return -1;
	return 0;
}

PF_EXPORT int pf_fold_write(pf_fold *f, FILE *out)
{
	if (pf_fold_each_sorted(f, write_one, out) != 0) {
		if (ferror(out))
			error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}

PF_EXPORT void pf_fold_free(pf_fold *f)
{
	struct arena_block *b, *next;

	if (!f)
		return;
	for (b = f->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	free(f->slots);
	free(f);
}
