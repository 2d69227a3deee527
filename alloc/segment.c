/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SuperSlabs: reserved from the OS several at a time, formatted into
 * slabs, kept in a pool while free, purged after a delay, and parked on
 * the abandoned list when their thread exits with blocks still in use.
 *
 * Free SuperSlabs whose pages are still resident ("dirty") are linked
 * through their headers, most recently freed first, so a program that
 * frees and allocates again gets hot memory back.  Once purged, a header
 * may read back as zeros (MADV_FREE), so purged and never-touched ones
 * ("clean") are kept in a side stack, not linked through themselves.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ss-int.h"

struct heap ss_no_owner;

static ss_lock_t pool_lock = SS_LOCK_INIT;
static struct superslab *dirty_first, *dirty_last;
static uint64_t ndirty, nreserved;
#define CLEAN_MAX 16384
static struct superslab *clean[CLEAN_MAX];
static unsigned nclean;
static unsigned reserve_step = 4;

static ss_lock_t abandoned_lock = SS_LOCK_INIT;
static struct superslab *abandoned;
static _Atomic uint64_t nabandoned;

size_t ss_header_size(unsigned nslabs)
{
	size_t h = sizeof(struct superslab) + nslabs * sizeof(struct slab);
	return (h + SS_PAGE - 1) & ~(size_t)(SS_PAGE - 1);
}

/* Carve a free SuperSlab into slabs (SMALL, MEDIUM) or prepare it for one
   block (LARGE).  Only the header is written. */
void ss_format(struct superslab *ss, enum ss_kind kind)
{
	ss->magic = SS_MAGIC;
	ss->kind = (uint8_t)kind;
	ss->owner = &ss_no_owner;
	ss->map_size = ss_size;
	ss->used_slabs = 0;
	ss->hint = 0;
	ss->next = ss->prev = NULL;
	if (kind == SS_SMALL || kind == SS_MEDIUM) {
		ss->slab_shift = kind == SS_SMALL ? SLAB_SHIFT_SMALL : SLAB_SHIFT_MEDIUM;
		ss->nslabs = (uint32_t)(ss_size >> ss->slab_shift);
		memset(ss->slabs, 0, ss->nslabs * sizeof(struct slab));
		/* With big SuperSlabs the header may cover whole slabs: those
		   count as used forever and hold no block. */
		size_t hdr = ss_header_size(ss->nslabs);
		ss->first = (uint32_t)(hdr >> ss->slab_shift);
		for (uint32_t i = 0; i < ss->first; i++) {
			struct slab *s = &ss->slabs[i];
			s->bsize = s->r_bsize = UINT32_MAX;
			s->dinv = s->r_dinv = 1;   /* carved stays 0: no block */
			s->start = s->r_start = (char *)ss + ((size_t)(i + 1) << ss->slab_shift);
		}
		ss->used_slabs = ss->hint = ss->first;
	} else {
		ss->slab_shift = (uint8_t)ss_opt.ss_shift;
		ss->nslabs = 0;
		ss->first = 0;
	}
}

static void dirty_unlink(struct superslab *ss)
{
	if (ss->prev)
		ss->prev->next = ss->next;
	else
		dirty_first = ss->next;
	if (ss->next)
		ss->next->prev = ss->prev;
	else
		dirty_last = ss->prev;
	ndirty--;
}

static void clean_push(struct superslab *ss)
{
	if (nclean < CLEAN_MAX) {
		clean[nclean++] = ss;
		return;
	}
	/* Too many idle SuperSlabs to remember: give this one back for good. */
	map_mark((uintptr_t)ss, ss_size, false);
	os_unmap(ss, ss_size);
	nreserved--;
}

/* With pool_lock held: map a new reservation of several SuperSlabs. */
static bool pool_reserve(int *err)
{
	unsigned n = reserve_step;
	char *p = os_map(n * ss_size, ss_size, err);
	if (!p) {
		n = 1;
		if (!(p = os_map(ss_size, ss_size, err)))
			return false;
	}
	if (reserve_step < 64)
		reserve_step *= 2;
	map_mark((uintptr_t)p, n * ss_size, true);
	/* Pushed in reverse so they are handed out in address order.  Not
	   written to: the header reads as zeros (no magic, kind SS_FREE)
	   until ss_format(), and a write would make a page resident in
	   each SuperSlab of the reservation, used or not. */
	for (unsigned i = n; i-- > 0;)
		clean_push((struct superslab *)(p + i * ss_size));
	nreserved += n;
	return true;
}

/* A free SuperSlab, its header undefined until ss_format(). */
struct superslab *pool_acquire(int *err)
{
	struct superslab *ss = NULL;
	bool was_clean = false;

	pthread_mutex_lock(&pool_lock);
	if (dirty_first) {
		ss = dirty_first;
		dirty_unlink(ss);
	} else if (nclean > 0 || pool_reserve(err)) {
		ss = clean[--nclean];
		was_clean = true;
	}
	pthread_mutex_unlock(&pool_lock);
	if (ss && was_clean && ss_opt.prefault)
		os_prefault(ss, ss_size);
	return ss;
}

void pool_release(struct superslab *ss)
{
	ss->kind = SS_FREE;
	ss->owner = &ss_no_owner;
	ss->free_since_ms = os_now_ms();
	pthread_mutex_lock(&pool_lock);
	ss->prev = NULL;
	ss->next = dirty_first;
	if (dirty_first)
		dirty_first->prev = ss;
	else
		dirty_last = ss;
	dirty_first = ss;
	ndirty++;
	pthread_mutex_unlock(&pool_lock);
	pool_purge_expired(false);
}

/* Purge the free SuperSlabs that stayed free longer than the delay (all of
   them when `all`).  Whole SuperSlabs, so huge pages are not split. */
void pool_purge_expired(bool all)
{
	long delay = ss_opt.purge_delay_ms;
	if (!all && delay < 0)
		return;
	uint64_t now = os_now_ms();
	pthread_mutex_lock(&pool_lock);
	while (dirty_last && (all || now - dirty_last->free_since_ms >= (uint64_t)delay)) {
		struct superslab *ss = dirty_last;
		dirty_unlink(ss);
		os_purge(ss, ss_size);
		clean_push(ss);
	}
	pthread_mutex_unlock(&pool_lock);
}

/* SUPERSLAB_PREWARM: map and fault in n SuperSlabs at start-up, off the
   hot path, so the first allocations take no page faults. */
void pool_prewarm(long n)
{
	int err;
	pthread_mutex_lock(&pool_lock);
	while (nclean < (unsigned long)n && nclean < CLEAN_MAX && pool_reserve(&err))
		;
	for (unsigned i = 0; i < nclean && i < (unsigned long)n; i++)
		os_prefault(clean[nclean - 1 - i], ss_size);
	pthread_mutex_unlock(&pool_lock);
}

void abandoned_push(struct superslab *ss)
{
	ss->owner = &ss_no_owner;
	pthread_mutex_lock(&abandoned_lock);
	ss->prev = NULL;
	ss->next = abandoned;
	abandoned = ss;
	nabandoned++;
	pthread_mutex_unlock(&abandoned_lock);
}

struct superslab *abandoned_pop(void)
{
	struct superslab *ss;
	if (!atomic_load_explicit(&nabandoned, memory_order_relaxed))
		return NULL;
	pthread_mutex_lock(&abandoned_lock);
	ss = abandoned;
	if (ss) {
		abandoned = ss->next;
		nabandoned--;
	}
	pthread_mutex_unlock(&abandoned_lock);
	return ss;
}

void pool_counts(uint64_t *dirty, uint64_t *cleanp, uint64_t *reserved, uint64_t *aband)
{
	pthread_mutex_lock(&pool_lock);
	*dirty = ndirty;
	*cleanp = nclean;
	*reserved = nreserved;
	pthread_mutex_unlock(&pool_lock);
	pthread_mutex_lock(&abandoned_lock);
	*aband = nabandoned;
	pthread_mutex_unlock(&abandoned_lock);
}

void segment_lock_all(void)
{
	pthread_mutex_lock(&pool_lock);
	pthread_mutex_lock(&abandoned_lock);
}

void segment_unlock_all(bool child)
{
	if (child) {
		pthread_mutex_init(&abandoned_lock, NULL);
		pthread_mutex_init(&pool_lock, NULL);
		return;
	}
	pthread_mutex_unlock(&abandoned_lock);
	pthread_mutex_unlock(&pool_lock);
}
