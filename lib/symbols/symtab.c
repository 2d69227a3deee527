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

#include "util/pf-int.h"
#include "symbols/symtab-int.h"

int symtab_add(struct symtab *t, uint64_t start, uint64_t size,
	       const char *name, int binding, const char *module)
{
	struct sym *s;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		void *p = mem_realloc(t->v, cap * sizeof *t->v);

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
	s->size0 = size;
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

/* End each sizeless symbol where the next one starts (perf's
   symbols__fixup_end()).  Of aliases, only the last gets an end past its
   start, which is why perf, doing this before choosing between aliases,
   prefers the last of several sizeless ones. */
static void fixup_ends(struct symtab *t, int kallsyms)
{
	for (size_t i = 1; i < t->n; i++) {
		struct sym *prev = &t->v[i - 1], *curr = &t->v[i];

		if (prev->end != prev->start)
			continue;
		/* Do not stretch the last kernel symbol over the gap before
		   the modules (or the last of a module's over the next). */
		if (kallsyms && !prev->module != !curr->module)
			prev->end = ((prev->end + 4096) + 4095) & ~4095ULL;
		else
			prev->end = curr->start;
	}
	struct sym *last = &t->v[t->n - 1];
	if (last->end == last->start)
		last->end = ((last->start + 4095) & ~4095ULL) + 4096;
}

/* Reduce the aliases v[g0..g1) to perf's choice, remembering the name
   binutils would give (the first of the largest by ELF size). */
static struct sym merge_aliases(struct sym *v, size_t g0, size_t g1)
{
	size_t best = g0, bfd = g0;

	for (size_t i = g0 + 1; i < g1; i++) {
		if (!better(&v[best], &v[i]))
			best = i;
		if (v[i].size0 > v[bfd].size0)
			bfd = i;
	}
	struct sym r = v[best];
	for (size_t i = g0; i < g1; i++) {
		if (i == best)
			continue;
		if (i == bfd) {
			free(r.alt);
			r.alt = v[i].name;
		} else {
			free(v[i].name);
		}
		free(v[i].alt);
	}
	return r;
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
	fixup_ends(t, kallsyms);
	for (i = 0; i < t->n;) {
		size_t g1 = i + 1;

		while (g1 < t->n && t->v[g1].start == t->v[i].start)
			g1++;
		t->v[out++] = g1 - i > 1 ? merge_aliases(t->v, i, g1) : t->v[i];
		i = g1;
	}
	t->n = out;
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
	if (addr < s->end) {
		/* A label inside a sized function: the function, as perf's
		   tree search mostly finds it first. */
		for (size_t k = lo - 1, tries = 0; s->size0 == 0 && k-- > 0 && tries < 4; tries++)
			if (t->v[k].size0 && addr < t->v[k].end)
				return &t->v[k];
		return s;
	}
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
