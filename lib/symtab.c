/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sorted symbol tables.  Built once per DSO and searched by binary search;
 * aliases at one address are reduced to the one perf would show (a sized
 * symbol over a sizeless one, non-weak over weak, global over local, fewer
 * leading underscores, then the longer name, then the first seen).
 */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "pf-int.h"
#include "symbols-int.h"

int symtab_add(struct symtab *t, uint64_t start, uint64_t size,
	       const char *name, int binding, const char *module)
{
	struct sym *s;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		void *p = xrealloc(t->v, cap * sizeof *t->v);

		if (!p)
			return -1;
		t->v = p;
		t->cap = cap;
	}
	s = &t->v[t->n];
	s->name = strdup(name);
	if (!s->name)
		return -1;
	s->alt = NULL;
	s->start = start;
	s->end = start + size;
	s->module = module;
	s->binding = (uint8_t)binding;
	s->seq = (uint32_t)t->n++;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static size_t underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* 1 if A should stay rather than B (perf's choose_best_symbol()). */
static int better(const struct sym *a, const struct sym *b)
{
	uint64_t la = a->end - a->start, lb = b->end - b->start;
	size_t na, nb;

	if (lb == 0 && la > 0)
		return 1;
	if (la == 0 && lb > 0)
		return 0;
	if ((a->binding == STB_WEAK) != (b->binding == STB_WEAK))
		return b->binding == STB_WEAK;
	if ((a->binding == STB_GLOBAL) != (b->binding == STB_GLOBAL))
		return a->binding == STB_GLOBAL;
	na = underscores(a->name);
	nb = underscores(b->name);
	if (na != nb)
		return na < nb;
	na = strlen(a->name);
	nb = strlen(b->name);
	if (na != nb)
		return na > nb;
	return 1;
}

void symtab_finish(struct symtab *t, int kallsyms)
{
	size_t i, out = 0;

	if (t->n == 0)
		return;
	for (i = 1; i < t->n && by_start(&t->v[i - 1], &t->v[i]) <= 0; i++)
		;
	if (i < t->n)
		qsort(t->v, t->n, sizeof *t->v, by_start);
	for (i = 0; i < t->n; i++) {
		if (out > 0 && t->v[out - 1].start == t->v[i].start) {
			struct sym *kept = &t->v[out - 1], *s = &t->v[i];
			/* binutils keeps the first of the largest aliases. */
			const char *bfd = kept->alt ? kept->alt : kept->name;
			uint64_t bsize = kept->end - kept->start;
			if (s->end - s->start > bsize)
				bfd = s->name;
			char *alt = NULL;
			if (better(kept, s)) {
				if (bfd == s->name) {
					alt = s->name;
					s->name = NULL;
				}
				free(s->name);
				if (alt) {
					free(kept->alt);
					kept->alt = alt;
				}
			} else {
				if (bfd != s->name && !kept->alt) {
					alt = kept->name;
					kept->name = NULL;
				} else if (bfd != s->name) {
					alt = kept->alt;
					kept->alt = NULL;
				}
				free(kept->name);
				free(kept->alt);
				*kept = *s;
				kept->alt = alt;
			}
			continue;
		}
		t->v[out++] = t->v[i];
	}
	t->n = out;
	for (i = 1; i < t->n; i++) {
		struct sym *prev = &t->v[i - 1], *curr = &t->v[i];

		if (prev->end != prev->start)
			continue;
		if (kallsyms && !prev->module != !curr->module)
			prev->end = ((prev->end + 4096) + 4095) & ~4095ULL;
		else
			prev->end = curr->start;
	}
	struct sym *last = &t->v[t->n - 1];
	if (last->end == last->start)
		last->end = ((last->start + 4095) & ~4095ULL) + 4096;
}

const struct sym *symtab_find(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct sym *s = &t->v[lo - 1];
	if (addr < s->end)
		return s;
	/* A nested symbol ended early: an enclosing one may still cover it. */
	for (size_t k = lo - 1, tries = 0; k-- > 0 && tries < 4; tries++)
		if (addr < t->v[k].end)
			return &t->v[k];
	return NULL;
}

void symtab_free(struct symtab *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].alt);
	}
	free(t->v);
	for (size_t i = 0; i < t->nr_modules; i++)
		free(t->modules[i]);
	free(t->modules);
	memset(t, 0, sizeof *t);
}
