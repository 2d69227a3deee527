/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded-stack table: stacks and their counts in util's hash table.  Keys
 * live in large arena blocks: one allocation per few thousand stacks, none
 * per lookup.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "util/table.h"
#include "util/arena.h"

struct entry {
	struct table_entry h;
	const char *key;
	size_t len;
	uint64_t count;
};

struct pf_fold {
	struct table t;
	struct arena keys;
};

PF_EXPORT pf_fold *pf_fold_new(void)
{
	pf_fold *f = mem_zalloc(sizeof *f);

	if (!f)
		return NULL;
	if (table_init(&f->t, sizeof(struct entry), 512) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

static struct entry *find(const pf_fold *f, const char *s, size_t len,
			  uint64_t h)
{
	struct entry *e;

	TABLE_PROBE(&f->t, h, e)
		if (e->h.hash == h && e->len == len && memcmp(e->key, s, len) == 0)
			break;
	return e;
}

PF_EXPORT int pf_fold_add(pf_fold *f, const char *stack, size_t len,
			  uint64_t count)
{
	uint64_t h = table_hash(pf_hash(stack, len));
	struct entry *e = find(f, stack, len, h);

	if (likely(e->h.hash != 0)) {
		if (unlikely(e->count + count < e->count)) {
			error_set("the count of a stack does not fit in 64 bits");
			return -1;
		}
		e->count += count;
		return 0;
	}
	switch (table_reserve(&f->t)) {
	case -1:
		return -1;
	case 1:
		e = find(f, stack, len, h);
	}
	e->key = arena_strndup(&f->keys, stack, len);
	if (!e->key)
		return -1;
	e->h.hash = h;
	e->len = len;
	e->count = count;
	table_filled(&f->t);
	return 0;
}

PF_EXPORT uint64_t pf_fold_get(const pf_fold *f, const char *stack, size_t len)
{
	const struct entry *e = find(f, stack, len, table_hash(pf_hash(stack, len)));

	return e->h.hash ? e->count : 0;
}

PF_EXPORT size_t pf_fold_size(const pf_fold *f)
{
	return f->t.used;
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
	struct entry **v = malloc((f->t.used ? f->t.used : 1) * sizeof *v);
	struct entry *e;
	size_t i, n = 0;
	int rc = 0;

	if (!v) {
		error_set("out of memory");
		return -1;
	}
	TABLE_EACH(&f->t, e)
		v[n++] = e;
	pf_assert(n == f->t.used);
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
	if (!f)
		return;
	arena_release(&f->keys);
	table_release(&f->t);
	free(f);
}
