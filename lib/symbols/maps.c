/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A process's memory maps: non-overlapping ranges kept in a treap (a
 * binary search tree by start address, heap-ordered by random priorities,
 * so its expected depth is logarithmic whatever order the records come in).
 * A new mapping cuts away what older ones had in its range, as the kernel
 * and perf's maps__fixup_overlappings do.  Inserting and looking up are
 * O(log n) plus the number of mappings a new one replaces: a recording
 * with 200,000 MMAP2 records is read in a fraction of a second, where the
 * sorted array copied on each insertion took minutes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "symbols/machine-int.h"

struct map_node {
	struct map m;           /* first: a struct map * is its node */
	struct map_node *left, *right;
	uint64_t prio;
};

static uint64_t next_prio(struct maps *ms)
{
	/* splitmix64: any well-mixed sequence keeps the tree balanced. */
	uint64_t z = (ms->seed += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static struct map_node *node_new(struct maps *ms, const struct map *m)
{
	struct map_node *n = malloc(sizeof *n);

	if (!n)
		return NULL;
	n->m = *m;
	n->left = n->right = NULL;
	n->prio = next_prio(ms);
	return n;
}

/* Split T into the nodes starting before KEY (*LO) and the others (*HI). */
static void split(struct map_node *t, uint64_t key, struct map_node **lo,
		  struct map_node **hi)
{
	if (!t) {
		*lo = *hi = NULL;
	} else if (t->m.start < key) {
		split(t->right, key, &t->right, hi);
		*lo = t;
	} else {
		split(t->left, key, lo, &t->left);
		*hi = t;
	}
}

/* Join two trees, every start in A below every start in B. */
static struct map_node *merge(struct map_node *a, struct map_node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = merge(a->right, b);
		return a;
	}
	b->left = merge(a, b->left);
	return b;
}

static struct map_node *rightmost(struct map_node *t)
{
	while (t && t->right)
		t = t->right;
	return t;
}

/* The part of M from address AT on. */
static void cut_front(struct map *m, uint64_t at)
{
	if (!m->anon)
		m->pgoff += at - m->start;
	m->start = at;
}

/* Free T; the number of nodes it had. */
static size_t tree_free_count(struct map_node *t)
{
	size_t n = 0;

	while (t) {
		struct map_node *r = t->right;

		n += 1 + tree_free_count(t->left);
		free(t);
		t = r;
	}
	return n;
}

int maps_insert(struct maps *ms, const struct map *nm)
{
	struct map_node *lo, *mid, *hi, *before, *inside, *tail = NULL;
	struct map_node *node = node_new(ms, nm);
	struct map rest;

	if (!node)
		return -1;
	/* LO: the maps starting before NM (the last may reach into it);
	   MID: those starting inside it (they go, but for what the last of
	   them has beyond its end); HI: the others. */
	split(ms->root, nm->start, &lo, &hi);
	split(hi, nm->end, &mid, &hi);
	before = rightmost(lo);
	inside = rightmost(mid);
	if (before && before->m.end > nm->end)
		rest = before->m;
	else if (inside && inside->m.end > nm->end)
		rest = inside->m;
	else
		rest.end = 0;
	if (rest.end) {
		cut_front(&rest, nm->end);
		if (!(tail = node_new(ms, &rest))) {
			ms->root = merge(lo, merge(mid, hi));
			free(node);
			return -1;
		}
	}
	if (before && before->m.end > nm->start)
		before->m.end = nm->start;
	ms->n -= tree_free_count(mid);
	ms->root = merge(merge(lo, node), merge(tail, hi));
	ms->n += 1 + (tail != NULL);
	ms->gen++;
	return 0;
}

const struct map *maps_find(const struct maps *ms, uint64_t addr)
{
	const struct map_node *t = ms ? ms->root : NULL, *best = NULL;

	while (t) {
		if (t->m.start <= addr) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return best && addr < best->m.end ? &best->m : NULL;
}

const struct map *maps_next(const struct maps *ms, const struct map *prev)
{
	const struct map_node *t = ms->root, *best = NULL;

	while (t) {
		if (!prev || t->m.start > prev->start) {
			best = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return best ? &best->m : NULL;
}

static struct map_node *tree_copy(const struct map_node *t, int *nomem)
{
	struct map_node *c;

	if (!t || *nomem)
		return NULL;
	if (!(c = malloc(sizeof *c))) {
		*nomem = 1;
		return NULL;
	}
	*c = *t;
	c->left = tree_copy(t->left, nomem);
	c->right = tree_copy(t->right, nomem);
	return c;
}

int maps_copy(struct maps *to, const struct maps *from)
{
	int nomem = 0;
	struct map_node *root = tree_copy(from->root, &nomem);

	if (nomem) {
		tree_free_count(root);
		return -1;
	}
	maps_clear(to);
	to->root = root;
	to->n = from->n;
	return 0;
}

void maps_clear(struct maps *ms)
{
	tree_free_count(ms->root);
	ms->root = NULL;
	ms->n = 0;
	ms->gen++;
}
