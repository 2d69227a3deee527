/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Blocks above the largest size class.  A LARGE block takes a whole free
 * SuperSlab (so realloc grows it in place up to the SuperSlab size, and
 * freeing it just returns the SuperSlab to a cache); a HUGE block gets its
 * own mapping, aligned like a SuperSlab so masking still finds its header,
 * and goes to a cache of mappings when freed, purged after the delay and
 * unmapped only when the cache overflows.  Blocks aligned to the SuperSlab
 * size or more cannot carry a header at the masked address; the few
 * that exist are kept in a table.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ss-int.h"

_Atomic uint64_t ss_large_hits, ss_large_misses;

static ss_lock_t large_lock = SS_LOCK_INIT;

#define HUGE_CACHE 32
#define HUGE_CACHE_BYTES ((size_t)1 << 30)
struct huge_entry {
	char *base;
	size_t size;
	uint64_t free_since_ms;
	bool purged;
};
static struct huge_entry huge_cache[HUGE_CACHE];
static unsigned nhuge;
static size_t huge_cache_bytes;

#define OVERALIGNED_MAX 64
struct overaligned {
	char *p, *map;
	size_t map_len, size;
};
static struct overaligned overaligned[OVERALIGNED_MAX];

static size_t page_round(size_t n)
{
	return (n + SS_PAGE - 1) & ~(size_t)(SS_PAGE - 1);
}

static char *huge_cache_take(size_t need, size_t *got)
{
	unsigned best = HUGE_CACHE;
	pthread_mutex_lock(&large_lock);
	for (unsigned i = 0; i < nhuge; i++) {
		size_t sz = huge_cache[i].size;
		if (sz >= need && sz - need <= need / 2 &&
		    (best == HUGE_CACHE || sz < huge_cache[best].size))
			best = i;
	}
	char *p = NULL;
	if (best < HUGE_CACHE) {
		p = huge_cache[best].base;
		*got = huge_cache[best].size;
		huge_cache_bytes -= *got;
		huge_cache[best] = huge_cache[--nhuge];
	}
	pthread_mutex_unlock(&large_lock);
	return p;
}

void *large_alloc(struct heap *h, size_t n, size_t align, bool *zeroed, int *err)
{
	size_t off = align > SS_LARGE_OFF ? align : SS_LARGE_OFF;
	struct superslab *ss;

	*zeroed = false;
	if (align >= ss_size)
		return overaligned_alloc(n, align, err);
	if (n > PTRDIFF_MAX - off - ss_size) {
		*err = EOVERFLOW;
		return NULL;
	}
	if (h)
		h->nlarge++;
	if (off + n <= ss_size) {
		if (h && h->ncache > 0)
			ss = h->cache[--h->ncache];
		else if (!(ss = pool_acquire(err)))
			return NULL;
		ss_format(ss, SS_LARGE);
	} else {
		size_t need = page_round(off + n), got = need;
		char *p = huge_cache_take(need, &got);
		if (p) {
			atomic_fetch_add_explicit(&ss_large_hits, 1, memory_order_relaxed);
		} else {
			atomic_fetch_add_explicit(&ss_large_misses, 1, memory_order_relaxed);
			if (!(p = os_map(need, ss_size, err)))
				return NULL;
			map_mark((uintptr_t)p, ss_size, true);
			*zeroed = true;
		}
		ss = (struct superslab *)p;
		ss_format(ss, SS_HUGE);
		ss->map_size = got;
	}
	ss->block_off = off;
	ss->block_size = n;
	return (char *)ss + off;
}

size_t large_usable(struct superslab *ss)
{
	if (ss->kind == SS_HUGE)
		return ss->map_size - ss->block_off;
	return page_round(ss->block_off + ss->block_size) - ss->block_off;
}

/* In place when the new size fits and does not waste more than half. */
void *large_try_resize(struct superslab *ss, void *p, size_t n)
{
	size_t room = (ss->kind == SS_HUGE ? ss->map_size : ss_size) - ss->block_off;
	if (n > room || n < large_usable(ss) / 2)
		return NULL;
	ss->block_size = n;
	return p;
}

/* With large_lock held: purge cached mappings older than the delay. */
static void huge_purge_locked(bool all)
{
	long delay = ss_opt.purge_delay_ms;
	uint64_t now = os_now_ms();
	for (unsigned i = 0; i < nhuge; i++) {
		struct huge_entry *e = &huge_cache[i];
		if (e->purged || (!all && (delay < 0 || now - e->free_since_ms < (uint64_t)delay)))
			continue;
		os_purge(e->base, e->size);
		e->purged = true;
	}
}

void large_free(struct superslab *ss, void *p)
{
	(void)p;
	if (ss->kind == SS_LARGE) {
		struct heap *h = ss_tls_heap;
		ss->kind = SS_FREE;
		if (h != &ss_empty_heap && h->ncache < HEAP_SS_CACHE)
			h->cache[h->ncache++] = ss;
		else
			pool_release(ss);
		return;
	}
	char *base = (char *)ss;
	size_t size = ss->map_size;
	ss->kind = SS_FREE;
	pthread_mutex_lock(&large_lock);
	/* Make room: evict the oldest mappings (the cache is small). */
	while (nhuge > 0 && (nhuge == HUGE_CACHE || huge_cache_bytes + size > HUGE_CACHE_BYTES)) {
		unsigned old = 0;
		for (unsigned i = 1; i < nhuge; i++)
			if (huge_cache[i].free_since_ms < huge_cache[old].free_since_ms)
				old = i;
		map_mark((uintptr_t)huge_cache[old].base, ss_size, false);
		os_unmap(huge_cache[old].base, huge_cache[old].size);
		huge_cache_bytes -= huge_cache[old].size;
		huge_cache[old] = huge_cache[--nhuge];
	}
	if (size <= HUGE_CACHE_BYTES) {
		huge_cache[nhuge++] = (struct huge_entry){ base, size, os_now_ms(), false };
		huge_cache_bytes += size;
		huge_purge_locked(false);
		pthread_mutex_unlock(&large_lock);
		return;
	}
	pthread_mutex_unlock(&large_lock);
	map_mark((uintptr_t)base, ss_size, false);
	os_unmap(base, size);
}

void large_cache_purge(bool all)
{
	pthread_mutex_lock(&large_lock);
	huge_purge_locked(all);
	pthread_mutex_unlock(&large_lock);
}

void *overaligned_alloc(size_t n, size_t align, int *err)
{
	size_t len = page_round(n ? n : 1);
	if (n > PTRDIFF_MAX - align || len + align < len) {
		*err = EOVERFLOW;
		return NULL;
	}
	pthread_mutex_lock(&large_lock);
	unsigned i;
	for (i = 0; i < OVERALIGNED_MAX && overaligned[i].p; i++)
		;
	if (i == OVERALIGNED_MAX) {
		pthread_mutex_unlock(&large_lock);
		*err = EAGAIN;   /* reported as "exhausted" */
		return NULL;
	}
	char *map = os_map(len, align, err);
	if (map)
		overaligned[i] = (struct overaligned){ map, map, len, n };
	pthread_mutex_unlock(&large_lock);
	return map;
}

static struct overaligned *overaligned_find(const void *p)
{
	for (unsigned i = 0; i < OVERALIGNED_MAX; i++)
		if (overaligned[i].p && overaligned[i].p == p)
			return &overaligned[i];
	return NULL;
}

bool overaligned_free(void *p)
{
	pthread_mutex_lock(&large_lock);
	struct overaligned *o = overaligned_find(p);
	struct overaligned copy = o ? *o : (struct overaligned){ 0 };
	if (o)
		o->p = NULL;
	pthread_mutex_unlock(&large_lock);
	if (o)
		os_unmap(copy.map, copy.map_len);
	return o != NULL;
}

size_t overaligned_usable(const void *p)
{
	pthread_mutex_lock(&large_lock);
	struct overaligned *o = overaligned_find(p);
	size_t n = o ? o->map_len : 0;
	pthread_mutex_unlock(&large_lock);
	return n;
}

void large_lock_all(void)
{
	pthread_mutex_lock(&large_lock);
}

void large_unlock_all(bool child)
{
	if (child)
		pthread_mutex_init(&large_lock, NULL);
	else
		pthread_mutex_unlock(&large_lock);
}
