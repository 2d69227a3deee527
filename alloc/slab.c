/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Slabs: the blocks of one size class inside a SuperSlab, owned by one
 * heap.  This is the slow path behind the inline pop in alloc.c: collect
 * blocks other threads freed, carve fresh blocks a page at a time (so
 * pages are touched only when needed), rotate full and partial slabs, and
 * hand empty slabs and SuperSlabs back.
 */
#include "config.h"

#include <string.h>

#include "ss-int.h"

struct slab ss_empty_slab;

void slabq_push(struct slabq *q, struct slab *s)
{
	s->prev = NULL;
	s->next = q->first;
	if (q->first)
		q->first->prev = s;
	else
		q->last = s;
	q->first = s;
}

void slabq_push_tail(struct slabq *q, struct slab *s)
{
	s->next = NULL;
	s->prev = q->last;
	if (q->last)
		q->last->next = s;
	else
		q->first = s;
	q->last = s;
}

void slabq_remove(struct slabq *q, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		q->first = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		q->last = s->prev;
	s->next = s->prev = NULL;
}

static void ss_list_push(struct superslab **l, struct superslab *ss)
{
	ss->prev = NULL;
	ss->next = *l;
	if (*l)
		(*l)->prev = ss;
	*l = ss;
}

static void ss_list_remove(struct superslab **l, struct superslab *ss)
{
	if (ss->prev)
		ss->prev->next = ss->next;
	else
		*l = ss->next;
	if (ss->next)
		ss->next->prev = ss->prev;
	ss->next = ss->prev = NULL;
}

/* Take the blocks other threads freed into the local free list.  One
   exchange gives the list and its length; the blocks are not read here
   (another core wrote them last), except to find the tail in the rare
   case the local list is not empty.  Each block's key is checked when it
   is handed out (a block freed twice is caught there), and a count larger
   than the blocks outstanding is a double free too. */
void slab_collect(struct slab *s)
{
	uintptr_t r = atomic_exchange_explicit(&s->remote, 0, memory_order_acquire);
	if (!r)
		return;
	struct block *b = (struct block *)(r & (((uintptr_t)1 << REMOTE_SHIFT) - 1));
	uint32_t n = (uint32_t)(r >> REMOTE_SHIFT);
	if (unlikely(n > s->used))
		ss_misuse("free", "double free detected", b);
	s->used -= n;
	if (s->free) {
		/* Bounded: a list damaged by a double free cannot loop. */
		struct block *last = b;
		for (uint32_t i = 1; last->next; i++) {
			if (unlikely(i >= n))
				ss_misuse("free", "double free detected", last);
			last = last->next;
		}
		last->next = s->free;
	}
	s->free = b;
}

/* Before an empty slab is reused: every carved block must be on the free
   list exactly once.  free() does not read the block (a double free is
   caught when the block would be handed out twice), so a double free can
   make the count reach zero early; this walk catches it before the slab
   can hold blocks of another class. */
static void slab_check_empty(struct slab *s)
{
	uint32_t n = 0;
	for (struct block *b = s->free; b; b = b->next) {
		uintptr_t off = (uintptr_t)b - (uintptr_t)s->start;
		if (unlikely(++n > s->carved || block_index(off, s->dinv, s->tz) >= s->carved ||
			     b->key != block_key(b)))
			ss_misuse("free", "double free detected", b);
	}
	if (unlikely(n != s->carved))
		ss_misuse("free", "double free detected", s->free);
}

/* Carve fresh blocks from the untouched end of the slab, so a new slab
   costs page faults only as it fills: a page's worth at first, then an
   eighth of what the slab has carved so far (up to 64 KiB).  A class
   whose population wanders keeps that much headroom, touched while the
   program warms up rather than each time the population reaches a new
   high. */
static void slab_carve(struct slab *s)
{
	uint32_t n = SS_PAGE / s->bsize;
	uint32_t grow = s->carved / 8, grow_max = (16 * SS_PAGE) / s->bsize;
	if (grow > grow_max)
		grow = grow_max;
	if (n < grow)
		n = grow;
	if (n == 0)
		n = 1;
	if (n > s->capacity - s->carved)
		n = s->capacity - s->carved;
	char *p = s->start + (size_t)s->carved * s->bsize;
	struct block *head = s->free;
	for (uint32_t i = n; i-- > 0;) {
		struct block *b = (struct block *)(p + (size_t)i * s->bsize);
		b->key = block_key(b);
		b->next = head;
		head = b;
	}
	s->free = head;
	s->carved += n;
	s->r_carved = s->carved;
}

/* Return the empty SuperSlab to the heap's cache or the pool. */
static void ss_release_empty(struct heap *h, struct superslab *ss, bool in_busy)
{
	ss_list_remove(in_busy ? &h->busy : &h->avail, ss);
	if (h->ncache < HEAP_SS_CACHE) {
		ss->kind = SS_FREE;
		h->cache[h->ncache++] = ss;
	} else {
		pool_release(ss);
	}
}

/* Mark a slab unused; the caller has unlinked it from its queue. */
static void slab_clear(struct heap *h, struct slab *s)
{
	struct superslab *ss = ss_of(s);
	slab_check_empty(s);
	h->slabs[s->cls]--;
	s->bsize = s->r_bsize = 0;
	s->carved = s->r_carved = 0;  /* free() of a stale pointer now fails validation */
	s->queue = Q_NONE;
	uint32_t idx = (uint32_t)(s - ss->slabs);
	if (idx < ss->hint)
		ss->hint = idx;
	ss->used_slabs--;
}

void slab_release(struct heap *h, struct slab *s)
{
	struct superslab *ss = ss_of(s);
	bool was_busy = ss->used_slabs == ss->nslabs;
	slab_clear(h, s);
	if (ss->used_slabs == ss->first) {
		ss_release_empty(h, ss, was_busy);
	} else if (was_busy) {
		ss_list_remove(&h->busy, ss);
		ss_list_push(&h->avail, ss);
	}
}

static void slab_init(struct slab *s, struct superslab *ss, uint32_t idx, unsigned cls)
{
	char *base = (char *)ss + ((size_t)idx << ss->slab_shift);
	char *hdr_end = (char *)ss + ss_header_size(ss->nslabs);
	char *start = base > hdr_end ? base : hdr_end;
	uint32_t bsize = ss_class_size[cls];
	s->start = start;
	s->bsize = bsize;
	s->capacity = (uint32_t)((size_t)(base + ((size_t)1 << ss->slab_shift) - start) / bsize);
	s->carved = 0;
	s->used = 0;
	s->free = NULL;
	s->tz = (uint8_t)__builtin_ctz(bsize);
	s->dinv = odd_inverse(bsize >> s->tz);
	s->r_start = s->start;
	s->r_dinv = s->dinv;
	s->r_tz = s->tz;
	s->r_bsize = s->bsize;
	s->r_carved = 0;
	s->cls = (uint8_t)cls;
	s->queue = Q_NONE;
	s->next = s->prev = NULL;
	atomic_store_explicit(&s->remote, 0, memory_order_relaxed);
}

/* Take a SuperSlab for this heap: one abandoned by an exited thread first
   (its blocks may serve this class), then the heap's cache, then the pool. */
static struct superslab *heap_new_superslab(struct heap *h, enum ss_kind kind, int *err)
{
	struct superslab *ss = abandoned_pop();
	if (ss) {
		slab_adopt(h, ss);
		return NULL;      /* the caller looks at its queues again */
	}
	if (h->ncache > 0)
		ss = h->cache[--h->ncache];
	else if (!(ss = pool_acquire(err)))
		return NULL;
	ss_format(ss, kind);
	ss->owner = h;
	ss_list_push(&h->avail, ss);
	return ss;
}

static struct slab *slab_new(struct heap *h, unsigned cls, int *err)
{
	enum ss_kind kind = ss_class_size[cls] <= SS_SMALL_MAX ? SS_SMALL : SS_MEDIUM;
	struct superslab *ss;

	for (int round = 0; round < 2; round++) {
		for (ss = h->avail; ss; ss = ss->next) {
			if (ss->kind != kind)
				continue;
			for (uint32_t i = ss->hint; i < ss->nslabs; i++) {
				if (ss->slabs[i].bsize != 0)
					continue;
				struct slab *s = &ss->slabs[i];
				slab_init(s, ss, i, cls);
				ss->hint = i + 1;
				h->slabs[cls]++;
				if (++ss->used_slabs == ss->nslabs) {
					ss_list_remove(&h->avail, ss);
					ss_list_push(&h->busy, ss);
				}
				return s;
			}
		}
		if (round == 0 && !heap_new_superslab(h, kind, err)) {
			if (*err)
				return NULL;
			/* Adopted an abandoned SuperSlab: maybe blocks of this class. */
			if (h->partial[cls].first)
				return NULL;
		}
	}
	return NULL;
}

static void *slab_pop(struct slab *s)
{
	struct block *b = s->free;
	if (unlikely(b->key != block_key(b)))
		ss_misuse("free", "double free detected", b);
	s->free = b->next;
	b->key = 0;
	s->used++;
	return b;
}

/* Push a chain of n blocks of slab s onto its remote list: lock-free, one
   compare-and-swap for the whole chain. */
void remote_push(struct slab *s, struct block *first, struct block *last, uint32_t n)
{
	uintptr_t old = atomic_load_explicit(&s->remote, memory_order_relaxed), new;
	do {
		last->next = (struct block *)(old & (((uintptr_t)1 << REMOTE_SHIFT) - 1));
		new = remote_pack(first, (old >> REMOTE_SHIFT) + n);
	} while (!atomic_compare_exchange_weak_explicit(&s->remote, &old, new,
			memory_order_release, memory_order_relaxed));
}

static struct slab *slab_of(struct block *b)
{
	struct superslab *ss = ss_of(b);
	return &ss->slabs[((uintptr_t)b - (uintptr_t)ss) >> ss->slab_shift];
}

/* Hand this heap's cache of other heaps' blocks back to their owners,
   one chain per run of blocks of the same slab. */
void foreign_flush(struct heap *h, unsigned cls)
{
	struct slab *fs = &h->foreign[cls];
	struct block *b = fs->free;
	uint32_t n = foreign_count(h, cls);   /* bounds the walk if a double free made a loop */
	if (!b)
		return;
	fs->free = NULL;
	fs->used = 0;
	heap_set_direct(h, cls, h->cur[cls]);
	while (b && n > 0) {
		struct slab *s = slab_of(b);
		struct block *last = b;
		uint32_t run = 1;
		n--;
		while (n > 0 && last->next && slab_of(last->next) == s) {
			last = last->next;
			n--;
			run++;
		}
		struct block *rest = last->next;
		if (unlikely(last->key != block_key(last)))
			ss_misuse("free", "double free detected", last);
		remote_push(s, b, last, run);
		b = rest;
	}
}

/* A block from the foreign cache.  Its key must still be there: malloc
   clears it, so a block found without it was freed twice (pushed twice
   here, or handed out by its owner meanwhile). */
static void *foreign_pop(struct heap *h, unsigned cls)
{
	struct slab *fs = &h->foreign[cls];
	struct block *b = fs->free;
	if (unlikely(b->key != block_key(b)))
		ss_misuse("free", "double free detected", b);
	fs->free = b->next;
	fs->used++;
	b->key = 0;
	if (!fs->free)
		heap_set_direct(h, cls, h->cur[cls]);
	return b;
}

/* Refill: the foreign cache, or collect, carve, rotate, or a new slab. */
void *slab_alloc_slow(struct heap *h, unsigned cls, int *err)
{
	struct slab *s = h->cur[cls];
	if (h->foreign[cls].free)
		return foreign_pop(h, cls);
	h->refills[cls]++;
	if (s != &ss_empty_slab) {
		if (atomic_load_explicit(&s->remote, memory_order_relaxed))
			slab_collect(s);
		/* Carve only when no other slab of the class has free
		   blocks: a class whose population just spilled into a new
		   slab goes back to the old one's holes instead of filling
		   the new one page by page. */
		if (!s->free && s->carved < s->capacity && !h->partial[cls].first)
			slab_carve(s);
		if (s->free)
			return slab_pop(s);
		if (s->carved < s->capacity) {
			s->queue = Q_PARTIAL;
			slabq_push_tail(&h->partial[cls], s);
		} else {
			s->queue = Q_FULL;
			slabq_push(&h->full[cls], s);
		}
		/* Still h->cur[cls] until replaced below: setting the
		   direct entries twice per refill showed in profiles. */
	}
	/* Ends: each round without a slab adopted an abandoned SuperSlab,
	   and there are finitely many. */
	for (int tries = 0;; tries++) {
		if ((s = h->partial[cls].first)) {
			slabq_remove(&h->partial[cls], s);
			s->queue = Q_NONE;
			/* With local free blocks, leave the remote ones for
			   later: collecting now means walking blocks another
			   core wrote to find the tail. */
			if (!s->free && atomic_load_explicit(&s->remote, memory_order_relaxed))
				slab_collect(s);
			if (!s->free && s->carved < s->capacity)
				slab_carve(s);
			ss_assert(s->free);
			heap_set_cur(h, cls, s);
			return slab_pop(s);
		}
		if (tries == 0) {
			/* Full slabs may have received frees from other threads. */
			struct slab *next;
			for (s = h->full[cls].first; s; s = next) {
				next = s->next;
				if (!atomic_load_explicit(&s->remote, memory_order_relaxed))
					continue;
				slab_collect(s);
				slabq_remove(&h->full[cls], s);
				s->queue = Q_PARTIAL;
				slabq_push(&h->partial[cls], s);
			}
			continue;
		}
		*err = 0;
		if ((s = slab_new(h, cls, err))) {
			slab_carve(s);
			heap_set_cur(h, cls, s);
			return slab_pop(s);
		}
		if (*err) {
			/* The old allocation slab is queued now. */
			heap_set_cur(h, cls, &ss_empty_slab);
			return NULL;
		}
	}
}

/* After a local free: a full slab becomes partial; an empty one that is not
   the allocation slab goes back to its SuperSlab. */
void slab_free_slow(struct heap *h, struct slab *s)
{
	unsigned cls = s->cls;
	if (s->queue == Q_FULL) {
		slabq_remove(&h->full[cls], s);
		s->queue = Q_PARTIAL;
		slabq_push_tail(&h->partial[cls], s);
	}
	if (s->used == 0 && s != h->cur[cls]) {
		slabq_remove(&h->partial[cls], s);
		slab_release(h, s);
	}
}

/* Take over a SuperSlab whose thread exited: collect what other threads
   freed meanwhile and queue its slabs in this heap. */
void slab_adopt(struct heap *h, struct superslab *ss)
{
	ss->owner = h;
	h->adopted++;
	for (uint32_t i = ss->first; i < ss->nslabs; i++) {
		struct slab *s = &ss->slabs[i];
		if (s->bsize == 0)
			continue;
		h->slabs[s->cls]++;
		slab_collect(s);
		s->next = s->prev = NULL;
		if (s->used == 0) {
			slab_clear(h, s);
		} else if (s->free || s->carved < s->capacity) {
			s->queue = Q_PARTIAL;
			slabq_push(&h->partial[s->cls], s);
		} else {
			s->queue = Q_FULL;
			slabq_push(&h->full[s->cls], s);
		}
	}
	if (ss->used_slabs == ss->first) {
		ss->next = ss->prev = NULL;
		ss->owner = &ss_no_owner;
		pool_release(ss);
	} else if (ss->used_slabs == ss->nslabs) {
		ss_list_push(&h->busy, ss);
	} else {
		ss->hint = ss->first;
		ss_list_push(&h->avail, ss);
	}
}

/* Thread exit: keep nothing that can be freed, park the rest. */
void heap_abandon(struct heap *h)
{
	for (unsigned c = 0; c < SS_NCLASS; c++)
		foreign_flush(h, c);
	for (unsigned c = 0; c < SS_NCLASS; c++) {
		struct slab *s = h->cur[c], *next;
		if (s != &ss_empty_slab) {
			slab_collect(s);
			if (s->used == 0)
				slab_clear(h, s);
			else
				h->slabs[c]--;
		}
		heap_set_cur(h, c, &ss_empty_slab);
		struct slabq *qs[2] = { &h->partial[c], &h->full[c] };
		for (int q = 0; q < 2; q++) {
			for (s = qs[q]->first; s; s = next) {
				next = s->next;
				slab_collect(s);
				if (s->used == 0)
					slab_clear(h, s);
				else
					h->slabs[c]--;  /* counted again by the adopter */
			}
			qs[q]->first = qs[q]->last = NULL;
		}
	}
	struct superslab *lists[2] = { h->avail, h->busy }, *ss, *next;
	for (int l = 0; l < 2; l++) {
		for (ss = lists[l]; ss; ss = next) {
			next = ss->next;
			if (ss->used_slabs == ss->first)
				pool_release(ss);
			else
				abandoned_push(ss);
		}
	}
	h->avail = h->busy = NULL;
	while (h->ncache > 0)
		pool_release(h->cache[--h->ncache]);
}
